//! What a sitting of a deciding body needs from storage: the quota group's lock row, taken before
//! a group's counts are read so that decisions over one group take turns; the subjects of a
//! quota group across the plans of a period; and the documents (văn bản) plans and decisions are
//! issued by. Knows no rule: the app decides what a group may hold.

use super::plan::SubjectRow;
use crate::db::{Tx, on_conn};
use crate::error::Result;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A document as stored: number and symbol, place and date, the signature block, recipients.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: Uuid,
    /// `plan`, `decision` or `reclassification` (Mẫu 03).
    pub kind: String,
    /// Số và ký hiệu, e.g. `59-KH/ĐU`.
    pub number_symbol: String,
    pub issued_on: Date,
    /// The place of the place-and-date line (`Lạng Sơn`).
    pub place: String,
    /// `T/M BAN THƯỜNG VỤ`, `T/M ĐẢNG ỦY` …
    pub on_behalf_of: String,
    pub signer_title: String,
    pub signer_name: String,
    /// JSON list of the recipients (Nơi nhận).
    pub recipients: String,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

const DOCUMENT_COLUMNS: &str = "id, kind, number_symbol, issued_on, place, on_behalf_of, signer_title, signer_name, recipients, changed_by, changed_at";

const GROUP_SUBJECT_FIELDS: &str = "s.id, s.plan_id, s.kind, s.member_id, s.leader_id, s.collective_id, s.org_id, s.unit_id, s.name, s.sort_key, s.participation, s.eligibility, s.form_code, s.framework_id, s.decides_body, s.deciding_org_id, s.proposes_body, s.quota_group, s.stage, s.level, s.decision_id, s.version, s.changed_by, s.changed_at";

impl Tx {
    /// Takes the lock row of quota group `group` in `plan`'s period (creating it on first use).
    /// On PostgreSQL the row stays locked until the transaction ends, so a second decision over
    /// the group waits here and then reads the counts the first one committed; on SQLite the
    /// write transaction already excludes every other writer.
    pub async fn lock_quota_group(&mut self, plan: Uuid, group: &str) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO quota_group_locks (year, period_kind, period_no, quota_group, decisions) \
             SELECT year, period_kind, period_no, $2, 1 FROM plans WHERE id = $1 \
             ON CONFLICT (year, period_kind, period_no, quota_group) \
             DO UPDATE SET decisions = quota_group_locks.decisions + 1",
        )
        .bind(plan).bind(group).execute(c).await?.rows_affected());
        Ok(())
    }

    /// Every subject of quota group `group` across the plans of `plan`'s period, decided or not,
    /// in name order.
    pub async fn family_group_subjects(
        &mut self,
        plan: Uuid,
        group: &str,
    ) -> Result<Vec<SubjectRow>> {
        let sql = format!(
            "SELECT {GROUP_SUBJECT_FIELDS} FROM plans me \
             JOIN plans p ON p.year = me.year AND p.period_kind = me.period_kind AND p.period_no = me.period_no \
             JOIN subjects s ON s.plan_id = p.id AND s.quota_group = $2 \
             WHERE me.id = $1 ORDER BY s.sort_key, s.id"
        );
        Ok(on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(plan).bind(group).fetch_all(c).await?))
    }

    /// The quota groups holding a decided subject of `plan`.
    pub async fn decided_groups_of_plan(&mut self, plan: Uuid) -> Result<Vec<String>> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT DISTINCT quota_group FROM subjects WHERE plan_id = $1 AND level IS NOT NULL ORDER BY quota_group",
        ).bind(plan).fetch_all(c).await?))
    }

    /// Records a document; its `changed_by`/`changed_at` are the transaction's stamp.
    pub async fn insert_document(&mut self, row: &DocumentRow) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO documents (id, kind, number_symbol, issued_on, place, on_behalf_of, signer_title, signer_name, recipients, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(row.id).bind(&row.kind).bind(&row.number_symbol).bind(row.issued_on).bind(&row.place)
        .bind(&row.on_behalf_of).bind(&row.signer_title).bind(&row.signer_name).bind(&row.recipients)
        .bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("documents", row.id.to_string(), "insert");
        Ok(())
    }

    pub async fn document(&mut self, id: Uuid) -> Result<Option<DocumentRow>> {
        let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = $1");
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?),
        )
    }

    /// Points the plan at the document it was issued by, if the plan is still at `version`
    /// (bumped); false when stale.
    pub async fn set_plan_document(
        &mut self,
        plan: Uuid,
        version: i64,
        document: Uuid,
    ) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE plans SET document_id = $1, version = version + 1, changed_by = $2, changed_at = $3 WHERE id = $4 AND version = $5",
        )
        .bind(document).bind(&stamp.by).bind(stamp.at).bind(plan).bind(version)
        .execute(c).await?.rows_affected());
        if n == 1 {
            self.record("plans", plan.to_string(), "update");
        }
        Ok(n == 1)
    }
}
