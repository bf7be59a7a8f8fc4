//! The audit trail's storage: an append-only `audit_log` (triggers refuse UPDATE and DELETE) and
//! its head (`audit_head`: last sequence number and hash).
//!
//! This module stores and reads entries; it does not hash. The app layer computes each entry's
//! hash over a canonical encoding and the previous hash (kiemdiem_app::audit) and verifies the
//! chain. [`Tx::audit_reserve`] must be called first in an appending transaction: it bumps the
//! head's sequence number, which takes the head's row lock (PostgreSQL) or is already under the
//! write lock (SQLite), so two transactions can never chain onto the same predecessor.

use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use time::OffsetDateTime;

/// One stored audit entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub actor: String,
    /// What was done (`plan.open`, `decision.record` …).
    pub action: String,
    /// The kind of record acted on (`plan`, `subject`, `ballot` …).
    pub entity: String,
    pub entity_id: String,
    /// Why, when the person gave a reason (overrides, corrections, decisions).
    pub reason: Option<String>,
    /// What was written, as canonical JSON text (hashed as stored).
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
    /// HMAC of `hash` under the installation's audit key (never stored in the database); `None`
    /// for an entry written without a key.
    pub seal: Option<String>,
}

/// The reserved place of the next entry: its sequence number and the hash it chains onto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSlot {
    pub seq: i64,
    pub prev_hash: String,
}

const SELECT: &str = "SELECT seq, at, actor, action, entity, entity_id, reason, detail, prev_hash, hash, seal FROM audit_log";

impl Tx {
    /// The sequence number of the last entry that may change what an answer kept between
    /// visits shows (every entry but a session's own): an answer read at one sequence holds as
    /// long as this is still there.
    pub async fn answers_seq(&mut self) -> Result<i64> {
        Ok(
            on_conn!(self, c => sqlx::query_scalar("SELECT answers_seq FROM audit_head WHERE id = 1").fetch_one(c).await?),
        )
    }

    /// Reserves the next sequence number; call once per entry, before [`Tx::audit_append`].
    /// `moves_answers` is false only for an entry that changes nothing a kept answer reads (a
    /// sign-in): [`Tx::answers_seq`] then stays where it was.
    pub async fn audit_reserve(&mut self, moves_answers: bool) -> Result<AuditSlot> {
        self.stamp()?;
        let (seq, prev_hash): (i64, String) = on_conn!(self, c => sqlx::query_as(
            "UPDATE audit_head SET seq = seq + 1, \
               answers_seq = CASE WHEN $1 THEN seq + 1 ELSE answers_seq END \
             WHERE id = 1 RETURNING seq, hash",
        )
        .bind(moves_answers)
        .fetch_one(c)
        .await?);
        Ok(AuditSlot { seq, prev_hash })
    }

    /// Appends an entry at the slot reserved by [`Tx::audit_reserve`] and moves the head to it.
    pub async fn audit_append(&mut self, record: &AuditRecord) -> Result<()> {
        let head: i64 = on_conn!(self, c => sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1").fetch_one(c).await?);
        if head != record.seq {
            return Err(StoreError::invalid(format!(
                "mục nhật ký {} không phải mục vừa giữ chỗ ({head})",
                record.seq
            )));
        }
        on_conn!(self, c => sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, reason, detail, prev_hash, hash, seal) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(record.seq)
        .bind(record.at)
        .bind(&record.actor)
        .bind(&record.action)
        .bind(&record.entity)
        .bind(&record.entity_id)
        .bind(&record.reason)
        .bind(&record.detail)
        .bind(&record.prev_hash)
        .bind(&record.hash)
        .bind(&record.seal)
        .execute(c)
        .await?
        .rows_affected());
        on_conn!(self, c => sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(&record.hash)
            .execute(c)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Up to `limit` entries after sequence number `after`, in order.
    pub async fn audit_page(&mut self, after: i64, limit: i64) -> Result<Vec<AuditRecord>> {
        const PAGE: &str = "SELECT seq, at, actor, action, entity, entity_id, reason, detail, prev_hash, hash, seal \
             FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2";
        Ok(on_conn!(self, c => sqlx::query_as(PAGE).bind(after).bind(limit).fetch_all(c).await?))
    }

    /// Every entry about one record, oldest first.
    pub async fn audit_of(&mut self, entity: &str, entity_id: &str) -> Result<Vec<AuditRecord>> {
        const OF: &str = "SELECT seq, at, actor, action, entity, entity_id, reason, detail, prev_hash, hash, seal \
             FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY seq";
        debug_assert!(OF.starts_with(SELECT));
        Ok(on_conn!(self, c => sqlx::query_as(OF).bind(entity).bind(entity_id).fetch_all(c).await?))
    }

    /// The first sealed entry's sequence number, if any entry is sealed.
    pub async fn audit_first_sealed(&mut self) -> Result<Option<i64>> {
        Ok(
            on_conn!(self, c => sqlx::query_scalar("SELECT min(seq) FROM audit_log WHERE seal IS NOT NULL").fetch_one(c).await?),
        )
    }

    /// The head: the last sequence number and its hash (sequence 0 and the zero hash when empty).
    pub async fn audit_head(&mut self) -> Result<AuditSlot> {
        let (seq, prev_hash): (i64, String) = on_conn!(self, c => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(c).await?);
        Ok(AuditSlot { seq, prev_hash })
    }
}
