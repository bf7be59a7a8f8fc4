//! Anchors: the chain's head written outside the database — to an append-only text file (by
//! default outside the database's directory) and printed by `kiemdiem audit anchor` for
//! copying into minutes or sending elsewhere. One line per anchor:
//!
//! `kiemdiem-anchor v1 <at, RFC 3339 UTC> <seq> <hash> <sealed_from> <mac>`
//!
//! where `sealed_from` is the first entry written with the key (every later entry must carry
//! a seal: a chain re-hashed with its seals removed cannot pass for an old, unsealed one) and
//! `mac` signs the other fields with the audit key (so the file cannot be rewritten by someone
//! without the key). `audit verify` checks the chain against every anchor: each
//! anchored entry must still exist with the anchored hash.

use super::seal::AuditKey;
use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::error::{AppError, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The chain's head at a moment, signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub seq: i64,
    pub hash: String,
    /// The first entry sealed with the key when the anchor was written (`seq + 1` when none
    /// was): every entry from it on must be sealed.
    pub sealed_from: i64,
    pub mac: String,
}

const MAGIC: &str = "kiemdiem-anchor";
const VERSION: &str = "v1";

impl Anchor {
    pub(crate) fn new(
        key: &AuditKey,
        at: OffsetDateTime,
        seq: i64,
        hash: &str,
        sealed_from: i64,
    ) -> Result<Anchor> {
        let at = at.to_offset(time::UtcOffset::UTC);
        let mut anchor = Anchor {
            at,
            seq,
            hash: hash.to_owned(),
            sealed_from,
            mac: String::new(),
        };
        anchor.mac = anchor.signature(key)?;
        Ok(anchor)
    }

    fn signature(&self, key: &AuditKey) -> Result<String> {
        Ok(key.sign(&[
            MAGIC,
            VERSION,
            &rfc3339(self.at)?,
            &self.seq.to_string(),
            &self.hash,
            &self.sealed_from.to_string(),
        ]))
    }

    /// Whether the line was signed with `key`.
    pub fn is_signed_by(&self, key: &AuditKey) -> bool {
        self.signature(key).is_ok_and(|mac| mac == self.mac)
    }

    /// The anchor as one line of the file (no line break).
    pub fn line(&self) -> String {
        format!(
            "{MAGIC} {VERSION} {} {} {} {} {}",
            rfc3339(self.at).unwrap_or_default(),
            self.seq,
            self.hash,
            self.sealed_from,
            self.mac
        )
    }

    /// Parses one line; `None` when it is not an anchor line.
    pub fn parse(line: &str) -> Option<Anchor> {
        let mut parts = line.split_whitespace();
        if parts.next()? != MAGIC || parts.next()? != VERSION {
            return None;
        }
        let at = OffsetDateTime::parse(parts.next()?, &Rfc3339).ok()?;
        let seq = parts.next()?.parse().ok()?;
        let hash = parts.next()?.to_owned();
        let sealed_from = parts.next()?.parse().ok()?;
        let mac = parts.next()?.to_owned();
        parts.next().is_none().then_some(Anchor {
            at,
            seq,
            hash,
            sealed_from,
            mac,
        })
    }
}

fn rfc3339(at: OffsetDateTime) -> Result<String> {
    at.format(&Rfc3339)
        .map_err(|e| AppError::internal(format!("không định dạng được thời điểm: {e}")))
}

impl App {
    /// Anchors the chain's current head: signs it with the audit key and appends it to the
    /// anchor file. Refused without a key or an anchor file.
    pub async fn write_anchor(&self, actor: &Actor) -> Result<Anchor> {
        self.authorize(actor, Action::Audit, Scope::Global).await?;
        self.anchor_head(false)
            .await?
            .ok_or_else(|| AppError::internal("mốc neo không được ghi"))
    }

    /// Anchors the head if it moved since the last anchor (the periodic anchor, and the one
    /// after each publication); `None` when there was nothing new or no anchor file.
    pub async fn anchor_if_moved(&self) -> Result<Option<Anchor>> {
        self.anchor_head(true).await
    }

    async fn anchor_head(&self, only_if_moved: bool) -> Result<Option<Anchor>> {
        let Some(seal) = self.audit_seal() else {
            return if only_if_moved {
                Ok(None)
            } else {
                Err(AppError::invalid(
                    "audit_key",
                    "Chưa có khoá nhật ký: không ký được mốc neo",
                ))
            };
        };
        let Some(path) = seal.anchors.as_deref() else {
            return if only_if_moved {
                Ok(None)
            } else {
                Err(AppError::invalid(
                    "anchor_file",
                    "Chưa cấu hình tệp mốc neo",
                ))
            };
        };
        let mut tx = self.store().read().await?;
        let head = tx.audit_head().await?;
        let sealed_from = tx.audit_first_sealed().await?.unwrap_or(head.seq + 1);
        drop(tx);
        if only_if_moved {
            let last = read(path)?
                .into_iter()
                .filter_map(|line| line.ok())
                .next_back();
            if last.is_some_and(|a| a.seq == head.seq && a.hash == head.prev_hash) {
                return Ok(None);
            }
        }
        let anchor = Anchor::new(
            &seal.key,
            OffsetDateTime::now_utc(),
            head.seq,
            &head.prev_hash,
            sealed_from,
        )?;
        append(path, &anchor)?;
        Ok(Some(anchor))
    }
}

/// Appends `anchor` to the file (created when missing, with its directory) and flushes it to
/// disk.
pub fn append(path: &Path, anchor: &Anchor) -> Result<()> {
    let io = |e: std::io::Error| {
        AppError::internal(format!(
            "không ghi được tệp mốc neo «{}»: {e}",
            path.display()
        ))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(io)?;
    file.write_all(format!("{}\n", anchor.line()).as_bytes())
        .map_err(io)?;
    file.sync_all().map_err(io)
}

/// Every line of the anchor file, in order: the anchor, or the line's number and text when it
/// is not one. A missing file is no anchor.
pub fn read(path: &Path) -> Result<Vec<std::result::Result<Anchor, (usize, String)>>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(AppError::internal(format!(
                "không đọc được tệp mốc neo «{}»: {e}",
                path.display()
            )));
        }
    };
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| Anchor::parse(line).ok_or((i + 1, line.to_owned())))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn lines_round_trip_and_are_signed() {
        let key = AuditKey::from_hex(&"ab".repeat(32)).unwrap();
        let other = AuditKey::from_hex(&"cd".repeat(32)).unwrap();
        let anchor = Anchor::new(&key, datetime!(2026-12-04 10:00:00 +7), 42, "ff00", 1).unwrap();
        let parsed = Anchor::parse(&anchor.line()).unwrap();
        assert_eq!(parsed, anchor);
        assert!(parsed.is_signed_by(&key));
        assert!(!parsed.is_signed_by(&other));
        let mut forged = parsed.clone();
        forged.seq = 41;
        assert!(!forged.is_signed_by(&key));
        let mut forged = parsed.clone();
        forged.sealed_from = 43;
        assert!(!forged.is_signed_by(&key));
        assert!(Anchor::parse("kiemdiem-anchor v1 x 1 a 1 b").is_none());
        assert!(Anchor::parse(&format!("{} extra", anchor.line())).is_none());
    }
}
