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
//!
//! What makes the trail prove (docs/audit.md): each change to a sealed record (decisions,
//! publications, discipline records, ballot results) carries the SHA-256 of the record's
//! canonical content as written (`[table, key, action, content]` in `detail.changes`); each
//! entry carries a seal under a key kept outside the database ([`seal`]); the head is written
//! to anchors outside the database ([`anchor`]); [`App::verify_audit`] checks all of it
//! ([`verify`]).

pub mod anchor;
pub mod seal;
mod verify;

pub use anchor::Anchor;
pub use seal::AuditKey;
pub use verify::{AuditReport, BreakKind, ChainBreak};

use crate::App;
use crate::actor::{Action, Actor, Authorized, Scope};
use crate::error::{AppError, Result};
use kiemdiem_store::Tx;
use kiemdiem_store::audit::AuditRecord;
use kiemdiem_store::sealed::is_sealed;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The installation's audit key and where its anchors are written, given to the app with
/// [`App::with_audit_seal`].
#[derive(Debug, Clone)]
pub struct AuditSeal {
    pub key: AuditKey,
    /// The append-only anchor file; `None` writes no anchor.
    pub anchors: Option<PathBuf>,
}

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

/// Appends `event` to the chain inside `tx`, with the rows `tx` has written so far — each
/// sealed record with the hash of its content as written — and seals the entry when the store
/// carries the audit key.
pub async fn append(tx: &mut Tx, who: &Authorized, event: AuditEvent) -> Result<i64> {
    let written: Vec<(&'static str, String, &'static str)> = tx
        .changes()
        .iter()
        .map(|c| (c.table, c.key.clone(), c.action))
        .collect();
    let mut changes = Vec::with_capacity(written.len());
    for (table, key, action) in written {
        // A record is sealed one by one; rows loaded in bulk are named as a batch ("120 rows").
        if is_sealed(table) && uuid::Uuid::parse_str(&key).is_ok() {
            let content = tx.sealed_content(table, &key).await?;
            let digest = content.as_deref().map(content_hash);
            changes.push(serde_json::json!([table, key, action, digest]));
        } else {
            changes.push(serde_json::json!([table, key, action]));
        }
    }
    let detail = serde_json::json!({ "changes": changes, "data": event.detail });
    let detail = serde_json::to_string(&detail)
        .map_err(|e| AppError::internal(format!("không mã hóa được nhật ký: {e}")))?;
    let at = tx.stamp()?.at;
    // A session's own entry (sign-in, failed sign-in, lock-out, sign-out) that wrote nothing but
    // sessions leaves the answers kept between visits standing: none of them reads a session.
    let moves_answers = !(event.action.starts_with("session.")
        && tx.changes().iter().all(|c| c.table == "sessions"));
    let slot = tx.audit_reserve(moves_answers).await?;
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
        seal: None,
    };
    record.hash = entry_hash(&record)?;
    record.seal = tx
        .audit_key()
        .map(|key| AuditKey::from_bytes(key).seal(&record.hash));
    tx.audit_append(&record).await?;
    Ok(record.seq)
}

/// The SHA-256 of a sealed record's canonical content (`kiemdiem_store::sealed`), hex.
pub fn content_hash(content: &str) -> String {
    hex(&Sha256::digest(content.as_bytes()))
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

pub(crate) fn rfc3339_or_empty(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
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

impl App {
    /// The same app sealing every audit entry it writes with `seal.key` and writing anchors
    /// to `seal.anchors`.
    pub fn with_audit_seal(mut self, seal: AuditSeal) -> App {
        self.store = self.store.clone().with_audit_key(seal.key.bytes().clone());
        self.audit_seal = Some(std::sync::Arc::new(seal));
        self
    }

    pub(crate) fn audit_seal(&self) -> Option<&AuditSeal> {
        self.audit_seal.as_deref()
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
            seal: None,
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
