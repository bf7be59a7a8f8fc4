//! The audit trail (nhật ký kiểm tra): every change of the cycle — who, when, what, why — is
//! appended to `audit_log` in the transaction that makes it, and entries are chained by hash:
//!
//! `hash(n) = SHA-256( prev_hash(n) ‖ "\n" ‖ canonical(n) )`, hex-encoded, where `canonical(n)` is
//! the JSON array `[seq, at (RFC 3339), actor, action, entity, entity_id, reason|null, detail]`
//! and `detail` is the stored JSON text (it lists the rows the transaction wrote, from the
//! store's `Tx::changes()`, plus what the use case decided). Editing, deleting or reordering any
//! stored entry breaks the chain at that entry; [`App::verify_audit`] finds the first break.
//!
//! Ballot papers are never audited (that would record who voted when): only the opening, the
//! roll freeze, the close and the counts are.

use crate::App;
use crate::actor::{Action, Actor, Authorized, Scope};
use crate::error::{AppError, Result};
use kiemdiem_store::Tx;
use kiemdiem_store::audit::AuditRecord;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The hash the first entry chains onto.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a use case records about its change.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// What was done, `noun.verb` (`plan.open`, `decision.record`, `ballot.close` …).
    pub action: &'static str,
    /// The kind of record acted on.
    pub entity: &'static str,
    pub entity_id: String,
    /// Why, when the person gave a reason.
    pub reason: Option<String>,
    /// What the use case decided (levels, counts, overrides …).
    pub detail: serde_json::Value,
}

impl AuditEvent {
    pub fn new(action: &'static str, entity: &'static str, entity_id: impl ToString) -> AuditEvent {
        AuditEvent {
            action,
            entity,
            entity_id: entity_id.to_string(),
            reason: None,
            detail: serde_json::Value::Null,
        }
    }

    pub fn reason(mut self, reason: Option<impl Into<String>>) -> AuditEvent {
        self.reason = reason.map(Into::into);
        self
    }

    pub fn detail(mut self, detail: impl Serialize) -> AuditEvent {
        self.detail = serde_json::to_value(detail).unwrap_or(serde_json::Value::Null);
        self
    }
}

/// Appends `event` to the chain inside `tx`, with the rows `tx` has written so far.
pub async fn append(tx: &mut Tx, who: &Authorized, event: AuditEvent) -> Result<i64> {
    let changes: Vec<serde_json::Value> = tx
        .changes()
        .iter()
        .map(|c| serde_json::json!([c.table, c.key, c.action]))
        .collect();
    let detail = serde_json::json!({ "changes": changes, "data": event.detail });
    let detail = serde_json::to_string(&detail)
        .map_err(|e| AppError::internal(format!("không mã hóa được nhật ký: {e}")))?;
    let at = tx.stamp()?.at;
    let slot = tx.audit_reserve().await?;
    let mut record = AuditRecord {
        seq: slot.seq,
        at,
        actor: who.actor.user.clone(),
        action: event.action.to_owned(),
        entity: event.entity.to_owned(),
        entity_id: event.entity_id,
        reason: event.reason,
        detail,
        prev_hash: slot.prev_hash,
        hash: String::new(),
    };
    record.hash = entry_hash(&record)?;
    tx.audit_append(&record).await?;
    Ok(record.seq)
}

/// The hash of an entry from its fields and its `prev_hash` (its own `hash` is ignored).
pub fn entry_hash(record: &AuditRecord) -> Result<String> {
    let at = record
        .at
        .to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .map_err(|e| AppError::internal(format!("không định dạng được thời điểm: {e}")))?;
    let canonical = serde_json::json!([
        record.seq,
        at,
        record.actor,
        record.action,
        record.entity,
        record.entity_id,
        record.reason,
        record.detail,
    ]);
    let mut hasher = Sha256::new();
    hasher.update(record.prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical.to_string().as_bytes());
    Ok(hex(&hasher.finalize()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    out
}

/// One entry as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub reason: Option<String>,
    pub detail: serde_json::Value,
    pub hash: String,
}

impl From<AuditRecord> for AuditEntry {
    fn from(record: AuditRecord) -> AuditEntry {
        AuditEntry {
            seq: record.seq,
            at: record.at,
            actor: record.actor,
            action: record.action,
            entity: record.entity,
            entity_id: record.entity_id,
            reason: record.reason,
            detail: serde_json::from_str(&record.detail).unwrap_or(serde_json::Value::Null),
            hash: record.hash,
        }
    }
}

/// Why an entry breaks the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The sequence numbers skip or repeat (an entry was removed or inserted).
    Gap,
    /// `prev_hash` is not the previous entry's hash (entries reordered or replaced).
    Link,
    /// The stored hash does not match the entry's content (the entry was edited).
    Content,
    /// The head (last sequence number and hash) does not match the last entry (tail removed).
    Head,
}

/// The first entry where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    pub seq: i64,
    pub kind: BreakKind,
    pub message: String,
}

/// The result of verifying the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Entries checked.
    pub entries: u64,
    /// The hash of the last entry checked.
    pub last_hash: String,
    pub first_break: Option<ChainBreak>,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

impl App {
    /// Recomputes the whole chain, page by page, and reports the first broken entry.
    pub async fn verify_audit(&self, actor: &Actor) -> Result<AuditReport> {
        self.authorize(actor, Action::Audit, Scope::Global).await?;
        const PAGE: i64 = 5_000;
        let mut tx = self.store().read().await?;
        let head = tx.audit_head().await?;
        let mut expected_seq = 1;
        let mut prev_hash = GENESIS_HASH.to_owned();
        let mut entries = 0;
        let broken = |seq: i64, kind: BreakKind, message: String| ChainBreak { seq, kind, message };
        loop {
            let page = tx.audit_page(expected_seq - 1, PAGE).await?;
            if page.is_empty() {
                break;
            }
            for record in page {
                let report = |b: ChainBreak, entries: u64, last: &str| AuditReport {
                    entries,
                    last_hash: last.to_owned(),
                    first_break: Some(b),
                };
                if record.seq != expected_seq {
                    return Ok(report(
                        broken(
                            expected_seq,
                            BreakKind::Gap,
                            format!(
                                "Thiếu mục nhật ký số {expected_seq} (mục tiếp theo là số {})",
                                record.seq
                            ),
                        ),
                        entries,
                        &prev_hash,
                    ));
                }
                if record.prev_hash != prev_hash {
                    return Ok(report(
                        broken(
                            record.seq,
                            BreakKind::Link,
                            format!("Mục nhật ký số {} không nối vào mục trước nó", record.seq),
                        ),
                        entries,
                        &prev_hash,
                    ));
                }
                if entry_hash(&record)? != record.hash {
                    return Ok(report(
                        broken(
                            record.seq,
                            BreakKind::Content,
                            format!(
                                "Nội dung mục nhật ký số {} đã bị sửa sau khi ghi",
                                record.seq
                            ),
                        ),
                        entries,
                        &prev_hash,
                    ));
                }
                prev_hash = record.hash;
                expected_seq += 1;
                entries += 1;
            }
        }
        let first_break =
            (head.seq != expected_seq - 1 || head.prev_hash != prev_hash).then(|| {
                broken(
                    expected_seq,
                    BreakKind::Head,
                    format!(
                        "Đầu chuỗi ghi số {} nhưng chỉ có {} mục hợp lệ: các mục cuối đã bị xóa",
                        head.seq,
                        expected_seq - 1
                    ),
                )
            });
        Ok(AuditReport {
            entries,
            last_hash: prev_hash,
            first_break,
        })
    }

    /// The audit entries about one record, oldest first: readable by whoever may read the
    /// record (a subject's, plan's, meeting's, ballot's, escalation's, organisation's, member's or
    /// account's); the trail of anything else only by an administrator.
    pub async fn audit_trail(
        &self,
        actor: &Actor,
        entity: &str,
        entity_id: &str,
    ) -> Result<Vec<AuditEntry>> {
        let id = uuid::Uuid::parse_str(entity_id.trim()).ok();
        let scope = match (entity, id) {
            ("subject", Some(id)) => Scope::Subject(id),
            ("plan", Some(id)) => Scope::Plan(id),
            ("meeting", Some(id)) => Scope::Meeting(id),
            ("ballot", Some(id)) => Scope::Ballot(id),
            ("escalation", Some(id)) => Scope::Escalation(id),
            ("org", Some(id)) => Scope::Org(id),
            ("member", Some(id)) => Scope::Member(id),
            ("account", Some(id)) => Scope::Account(id),
            _ => Scope::Global,
        };
        self.authorize(actor, Action::Read, scope).await?;
        let mut tx = self.store().read().await?;
        let records = tx.audit_of(entity, entity_id).await?;
        Ok(records.into_iter().map(AuditEntry::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn record() -> AuditRecord {
        AuditRecord {
            seq: 1,
            at: datetime!(2025-12-10 08:00:00.000123 UTC),
            actor: "bithu.chibo1".into(),
            action: "decision.record".into(),
            entity: "subject".into(),
            entity_id: "x".into(),
            reason: Some("Theo kết quả bỏ phiếu".into()),
            detail: "{\"level\":\"HTTNV\"}".into(),
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn the_hash_covers_every_field_and_the_link() {
        let base = entry_hash(&record()).unwrap();
        assert_eq!(base.len(), 64);
        assert_eq!(entry_hash(&record()).unwrap(), base);
        let mut changed = record();
        changed.detail = "{\"level\":\"HTXSNV\"}".into();
        assert_ne!(entry_hash(&changed).unwrap(), base);
        let mut changed = record();
        changed.reason = None;
        assert_ne!(entry_hash(&changed).unwrap(), base);
        let mut changed = record();
        changed.prev_hash = base.clone();
        assert_ne!(entry_hash(&changed).unwrap(), base);
        let mut changed = record();
        changed.at = datetime!(2025-12-10 08:00:00.000124 UTC);
        assert_ne!(entry_hash(&changed).unwrap(), base);
    }

    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
