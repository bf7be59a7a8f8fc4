//! After the decision (issue 16): dissenting opinions kept against a decision in force
//! (`dissents`), complaints, denunciations and reports about a subject with their verification
//! and conclusion (`matters`), and the orders of an upper level's inspection
//! (`inspection_orders`). Knows no rule: what a matter blocks is the rules crate's, asked by the
//! app; kinds, outcomes and statuses are stored as the codes the app gives.

use crate::db::{Tx, on_conn};
use crate::error::Result;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A dissenting opinion (bảo lưu ý kiến) as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DissentRow {
    pub id: Uuid,
    pub subject_id: Uuid,
    /// The decision version in force when it was recorded.
    pub decision_id: Uuid,
    /// The level above the deciding one, to which it is addressed.
    pub addressed_org_id: Option<Uuid>,
    /// The member who recorded it (their own), `None` for a body's (through its secretary).
    pub member_id: Option<Uuid>,
    pub opinion: String,
    pub recorded_by: String,
    pub recorded_at: OffsetDateTime,
}

/// A complaint, denunciation or report about a subject, with its handling.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MatterRow {
    pub id: Uuid,
    pub subject_id: Uuid,
    /// `complaint`, `denunciation`, `negativity_report`, `violation_signs`, `disunity_signs`.
    pub kind: String,
    pub complainant_member_id: Uuid,
    pub complainant_login: String,
    pub content: String,
    pub received_on: Date,
    /// Lodged while no level was in force: it holds the decision until verified.
    pub before_decision: bool,
    /// The organisation handling it (the subject's competent level).
    pub handling_org_id: Option<Uuid>,
    /// When the verification was ordered, by when it is due, and what the order says.
    pub ordered_on: Option<Date>,
    pub due_on: Option<Date>,
    pub order_note: Option<String>,
    pub verified_on: Option<Date>,
    pub findings: Option<String>,
    /// `upheld`, `not_upheld` or `partly`, once concluded.
    pub outcome: Option<String>,
    pub conclusion: Option<String>,
    pub concluded_on: Option<Date>,
    /// The re-classification the conclusion led to.
    pub correction_id: Option<Uuid>,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

/// An order of an upper level's inspection.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InspectionOrderRow {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub ordering_org_id: Uuid,
    /// `review` or `reclassify`.
    pub kind: String,
    pub reason: String,
    pub due_on: Option<Date>,
    /// `open` or `done`.
    pub status: String,
    /// The decision version that carried it out (a re-opening or a re-classification).
    pub decision_id: Option<Uuid>,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

const DISSENT_COLUMNS: &str =
    "id, subject_id, decision_id, addressed_org_id, member_id, opinion, recorded_by, recorded_at";
const MATTER_COLUMNS: &str = "id, subject_id, kind, complainant_member_id, complainant_login, content, received_on, before_decision, handling_org_id, ordered_on, due_on, order_note, verified_on, findings, outcome, conclusion, concluded_on, correction_id, version, changed_by, changed_at";
const ORDER_COLUMNS: &str = "id, subject_id, ordering_org_id, kind, reason, due_on, status, decision_id, version, changed_by, changed_at";

impl Tx {
    /// Records a dissenting opinion; `recorded_by`/`recorded_at` are the transaction's stamp.
    pub async fn insert_dissent(&mut self, row: &DissentRow) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO dissents (id, subject_id, decision_id, addressed_org_id, member_id, opinion, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(row.id).bind(row.subject_id).bind(row.decision_id).bind(row.addressed_org_id)
        .bind(row.member_id).bind(&row.opinion).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("dissents", row.id.to_string(), "insert");
        Ok(())
    }

    /// The dissenting opinions about a subject, oldest first.
    pub async fn dissents(&mut self, subject: Uuid) -> Result<Vec<DissentRow>> {
        let sql = format!(
            "SELECT {DISSENT_COLUMNS} FROM dissents WHERE subject_id = $1 ORDER BY recorded_at, id"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(subject).fetch_all(c).await?),
        )
    }

    /// Records a matter at version 1; its `changed_by`/`changed_at` are the transaction's stamp.
    pub async fn insert_matter(&mut self, row: &MatterRow) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO matters (id, subject_id, kind, complainant_member_id, complainant_login, content, received_on, before_decision, handling_org_id, \
             ordered_on, due_on, order_note, verified_on, findings, outcome, conclusion, concluded_on, correction_id, version, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1, $19, $20)",
        )
        .bind(row.id).bind(row.subject_id).bind(&row.kind).bind(row.complainant_member_id).bind(&row.complainant_login)
        .bind(&row.content).bind(row.received_on).bind(row.before_decision).bind(row.handling_org_id)
        .bind(row.ordered_on).bind(row.due_on).bind(&row.order_note).bind(row.verified_on).bind(&row.findings)
        .bind(&row.outcome).bind(&row.conclusion).bind(row.concluded_on).bind(row.correction_id)
        .bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("matters", row.id.to_string(), "insert");
        Ok(())
    }

    /// Writes a matter's handling (order, verification, conclusion) at `row.version`; false when
    /// stale.
    pub async fn update_matter(&mut self, row: &MatterRow) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE matters SET ordered_on = $1, due_on = $2, order_note = $3, verified_on = $4, findings = $5, outcome = $6, \
             conclusion = $7, concluded_on = $8, correction_id = $9, version = version + 1, changed_by = $10, changed_at = $11 \
             WHERE id = $12 AND version = $13",
        )
        .bind(row.ordered_on).bind(row.due_on).bind(&row.order_note).bind(row.verified_on).bind(&row.findings)
        .bind(&row.outcome).bind(&row.conclusion).bind(row.concluded_on).bind(row.correction_id)
        .bind(&stamp.by).bind(stamp.at).bind(row.id).bind(row.version)
        .execute(c).await?.rows_affected());
        if n == 1 {
            self.record("matters", row.id.to_string(), "update");
        }
        Ok(n == 1)
    }

    pub async fn matter(&mut self, id: Uuid) -> Result<Option<MatterRow>> {
        let sql = format!("SELECT {MATTER_COLUMNS} FROM matters WHERE id = $1");
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?),
        )
    }

    /// The matters about a subject, in the order received.
    pub async fn matters(&mut self, subject: Uuid) -> Result<Vec<MatterRow>> {
        let sql = format!(
            "SELECT {MATTER_COLUMNS} FROM matters WHERE subject_id = $1 ORDER BY received_on, id"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(subject).fetch_all(c).await?),
        )
    }

    /// The matters a member lodged, newest first.
    pub async fn matters_lodged_by(&mut self, member: Uuid) -> Result<Vec<MatterRow>> {
        let sql = format!(
            "SELECT {MATTER_COLUMNS} FROM matters WHERE complainant_member_id = $1 ORDER BY received_on DESC, id DESC"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(member).fetch_all(c).await?),
        )
    }

    /// The matters about the subjects of a plan, in the order received.
    pub async fn matters_of_plan(&mut self, plan: Uuid) -> Result<Vec<MatterRow>> {
        let sql = format!(
            "SELECT {} FROM matters m JOIN subjects s ON s.id = m.subject_id WHERE s.plan_id = $1 ORDER BY m.received_on, m.id",
            prefixed("m", MATTER_COLUMNS)
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(plan).fetch_all(c).await?),
        )
    }

    /// Records an inspection order at version 1, stamped by the transaction.
    pub async fn insert_inspection_order(&mut self, row: &InspectionOrderRow) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO inspection_orders (id, subject_id, ordering_org_id, kind, reason, due_on, status, decision_id, version, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10)",
        )
        .bind(row.id).bind(row.subject_id).bind(row.ordering_org_id).bind(&row.kind).bind(&row.reason)
        .bind(row.due_on).bind(&row.status).bind(row.decision_id).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("inspection_orders", row.id.to_string(), "insert");
        Ok(())
    }

    /// Marks the open orders of `kind` about `subject` done by `decision`; how many.
    pub async fn complete_inspection_orders(
        &mut self,
        subject: Uuid,
        kind: &str,
        decision: Uuid,
    ) -> Result<Vec<Uuid>> {
        let stamp = self.stamp_owned()?;
        let ids: Vec<Uuid> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT id FROM inspection_orders WHERE subject_id = $1 AND kind = $2 AND status = 'open' ORDER BY id",
        ).bind(subject).bind(kind).fetch_all(c).await?);
        for id in &ids {
            on_conn!(self, c => sqlx::query(
                "UPDATE inspection_orders SET status = 'done', decision_id = $1, version = version + 1, changed_by = $2, changed_at = $3 WHERE id = $4",
            )
            .bind(decision).bind(&stamp.by).bind(stamp.at).bind(*id)
            .execute(c).await?.rows_affected());
            self.record("inspection_orders", id.to_string(), "update");
        }
        Ok(ids)
    }

    /// The inspection orders about a subject, oldest first.
    pub async fn inspection_orders(&mut self, subject: Uuid) -> Result<Vec<InspectionOrderRow>> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM inspection_orders WHERE subject_id = $1 ORDER BY changed_at, id"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(subject).fetch_all(c).await?),
        )
    }

    /// The inspection orders about the subjects of a plan, oldest first.
    pub async fn inspection_orders_of_plan(
        &mut self,
        plan: Uuid,
    ) -> Result<Vec<InspectionOrderRow>> {
        let sql = format!(
            "SELECT {} FROM inspection_orders o JOIN subjects s ON s.id = o.subject_id WHERE s.plan_id = $1 ORDER BY o.id",
            prefixed("o", ORDER_COLUMNS)
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(plan).fetch_all(c).await?),
        )
    }
}

/// `columns` each prefixed with the table alias `alias`.
fn prefixed(alias: &str, columns: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}
