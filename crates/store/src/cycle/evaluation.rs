//! Đánh giá, xếp loại: the evaluations of each step (self, verification, opinions, proposal),
//! decisions as immutable versions, notifications, publications and escalations.

use crate::db::{Tx, on_conn};
use crate::error::Result;
use crate::vocab::{Coded, OptCoded};
use kiemdiem_rules::Level;
use kiemdiem_rules::authority::Body;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvaluationRow {
    pub id: Uuid,
    pub subject_id: Uuid,
    /// `self`, `verification`, `opinion` or `proposal`.
    pub step: String,
    /// Who gave it (`self`, `advisory_staff`, `civil_service`, `branch_committee` …).
    pub source: String,
    /// The column of the summary form (1) self … (5) branch.
    pub column_no: i64,
    /// JSON of the score-sheet input (points or grades per criterion, adjustments).
    pub input: String,
    /// JSON object: criterion → evidence text (column (3), quantified results).
    pub evidence: String,
    /// Total points in hundredths, when scored on points.
    pub total: Option<i64>,
    #[sqlx(try_from = "OptCoded<Level>")]
    pub score_level: Option<Level>,
    #[sqlx(try_from = "OptCoded<Level>")]
    pub proposed_level: Option<Level>,
    pub note: String,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DecisionRow {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub version_no: i64,
    pub previous_id: Option<Uuid>,
    /// `decision`, `correction`, `reopen` or `escalation`.
    pub kind: String,
    #[sqlx(try_from = "OptCoded<Level>")]
    pub level: Option<Level>,
    pub deciding_org_id: Option<Uuid>,
    /// The deciding body (rules crate's `Body`).
    #[sqlx(try_from = "Coded<Body>")]
    pub body: Body,
    pub reason: Option<String>,
    /// JSON of what the decision rested on (classification, quota, ballot outcome, overrides).
    pub basis: String,
    pub decided_by: String,
    pub decided_at: OffsetDateTime,
    /// The document the decision was issued by (a sitting's decision may carry many).
    pub document_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub decision_id: Uuid,
    pub recipient_kind: String,
    pub recipient: String,
    pub message: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublicationRow {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub org_id: Uuid,
    pub summary: String,
    pub published_by: String,
    pub published_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EscalationRow {
    pub id: Uuid,
    pub plan_id: Uuid,
    /// The person: a member, or a leader who is not a member (`person_kind`).
    pub member_id: Uuid,
    /// `member` or `leader`.
    pub person_kind: String,
    /// The organisation whose board settles it (the nearest above every place).
    pub competent_org_id: Option<Uuid>,
    /// JSON list of (subject, place, level).
    pub places: String,
    /// `open` or `resolved`.
    pub status: String,
    #[sqlx(try_from = "OptCoded<Level>")]
    pub resolved_level: Option<Level>,
    pub reason: Option<String>,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

const EVALUATION_COLUMNS: &str = "id, subject_id, step, source, column_no, input, evidence, total, score_level, proposed_level, note, version, changed_by, changed_at";
const DECISION_COLUMNS: &str = "id, subject_id, version_no, previous_id, kind, level, deciding_org_id, body, reason, basis, decided_by, decided_at, document_id";

impl Tx {
    /// Creates (`row.version == 0`) or updates (at `row.version`) the evaluation of a subject for
    /// a step and source; false when stale or, on create, when one already exists.
    pub async fn save_evaluation(&mut self, row: &EvaluationRow) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = if row.version == 0 {
            on_conn!(self, c => sqlx::query(
                "INSERT INTO evaluations (id, subject_id, step, source, column_no, input, evidence, total, score_level, proposed_level, note, version, changed_by, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13) ON CONFLICT (subject_id, step, source) DO NOTHING",
            )
            .bind(row.id).bind(row.subject_id).bind(&row.step).bind(&row.source).bind(row.column_no).bind(&row.input)
            .bind(&row.evidence).bind(row.total).bind(row.score_level.map(Level::code)).bind(row.proposed_level.map(Level::code)).bind(&row.note)
            .bind(&stamp.by).bind(stamp.at)
            .execute(c).await?.rows_affected())
        } else {
            on_conn!(self, c => sqlx::query(
                "UPDATE evaluations SET column_no = $1, input = $2, evidence = $3, total = $4, score_level = $5, proposed_level = $6, note = $7, \
                 version = version + 1, changed_by = $8, changed_at = $9 WHERE subject_id = $10 AND step = $11 AND source = $12 AND version = $13",
            )
            .bind(row.column_no).bind(&row.input).bind(&row.evidence).bind(row.total).bind(row.score_level.map(Level::code))
            .bind(row.proposed_level.map(Level::code)).bind(&row.note).bind(&stamp.by).bind(stamp.at)
            .bind(row.subject_id).bind(&row.step).bind(&row.source).bind(row.version)
            .execute(c).await?.rows_affected())
        };
        if n == 1 {
            self.record(
                "evaluations",
                format!("{}/{}/{}", row.subject_id, row.step, row.source),
                "upsert",
            );
        }
        Ok(n == 1)
    }

    pub async fn evaluations(&mut self, subject: Uuid) -> Result<Vec<EvaluationRow>> {
        let sql = format!(
            "SELECT {EVALUATION_COLUMNS} FROM evaluations WHERE subject_id = $1 ORDER BY column_no, step, source"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(subject).fetch_all(c).await?),
        )
    }

    pub async fn insert_decision(&mut self, row: &DecisionRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO decisions (id, subject_id, version_no, previous_id, kind, level, deciding_org_id, body, reason, basis, decided_by, decided_at, document_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(row.id).bind(row.subject_id).bind(row.version_no).bind(row.previous_id).bind(&row.kind).bind(row.level.map(Level::code))
        .bind(row.deciding_org_id).bind(row.body.code()).bind(&row.reason).bind(&row.basis).bind(&row.decided_by).bind(row.decided_at)
        .bind(row.document_id)
        .execute(c).await?.rows_affected());
        self.record("decisions", row.id.to_string(), "insert");
        Ok(())
    }

    /// Every decision version of a subject, oldest first.
    pub async fn decisions(&mut self, subject: Uuid) -> Result<Vec<DecisionRow>> {
        let sql = format!(
            "SELECT {DECISION_COLUMNS} FROM decisions WHERE subject_id = $1 ORDER BY version_no"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(subject).fetch_all(c).await?),
        )
    }

    pub async fn insert_notification(&mut self, row: &NotificationRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO notifications (id, subject_id, decision_id, recipient_kind, recipient, message, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(row.id).bind(row.subject_id).bind(row.decision_id).bind(&row.recipient_kind).bind(&row.recipient)
        .bind(&row.message).bind(row.created_at)
        .execute(c).await?.rows_affected());
        self.record("notifications", row.id.to_string(), "insert");
        Ok(())
    }

    /// Notifies the conclusion of matter `matter` about `subject` (a notification with no
    /// decision): to its complainant.
    pub async fn insert_matter_notice(
        &mut self,
        id: Uuid,
        subject: Uuid,
        matter: Uuid,
        recipient: &str,
        message: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO notifications (id, subject_id, decision_id, matter_id, recipient_kind, recipient, message, created_at) \
             VALUES ($1, $2, NULL, $3, 'complainant', $4, $5, $6)",
        )
        .bind(id).bind(subject).bind(matter).bind(recipient).bind(message).bind(at)
        .execute(c).await?.rows_affected());
        self.record("notifications", id.to_string(), "insert");
        Ok(())
    }

    /// The notifications of a subject's decisions (a matter's notices to its complainant are
    /// not among them).
    pub async fn notifications(&mut self, subject: Uuid) -> Result<Vec<NotificationRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, subject_id, decision_id, recipient_kind, recipient, message, created_at FROM notifications \
             WHERE subject_id = $1 AND decision_id IS NOT NULL ORDER BY created_at, id",
        ).bind(subject).fetch_all(c).await?))
    }

    pub async fn insert_publication(&mut self, row: &PublicationRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO publications (id, plan_id, org_id, summary, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(row.id).bind(row.plan_id).bind(row.org_id).bind(&row.summary).bind(&row.published_by).bind(row.published_at)
        .execute(c).await?.rows_affected());
        self.record("publications", row.id.to_string(), "insert");
        Ok(())
    }

    pub async fn publications(&mut self, plan: Uuid) -> Result<Vec<PublicationRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, plan_id, org_id, summary, published_by, published_at FROM publications WHERE plan_id = $1 ORDER BY published_at, id",
        ).bind(plan).fetch_all(c).await?))
    }

    pub async fn insert_escalation(&mut self, row: &EscalationRow) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO escalations (id, plan_id, member_id, person_kind, competent_org_id, places, status, resolved_level, reason, version, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11)",
        )
        .bind(row.id).bind(row.plan_id).bind(row.member_id).bind(&row.person_kind).bind(row.competent_org_id)
        .bind(&row.places).bind(&row.status).bind(row.resolved_level.map(Level::code)).bind(&row.reason).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("escalations", row.id.to_string(), "insert");
        Ok(())
    }

    /// Writes an escalation's status, places and resolution at `row.version`; false when stale.
    pub async fn update_escalation(&mut self, row: &EscalationRow) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE escalations SET places = $1, status = $2, resolved_level = $3, reason = $4, competent_org_id = $5, \
             version = version + 1, changed_by = $6, changed_at = $7 WHERE id = $8 AND version = $9",
        )
        .bind(&row.places).bind(&row.status).bind(row.resolved_level.map(Level::code)).bind(&row.reason).bind(row.competent_org_id)
        .bind(&stamp.by).bind(stamp.at).bind(row.id).bind(row.version)
        .execute(c).await?.rows_affected());
        if n == 1 {
            self.record("escalations", row.id.to_string(), "update");
        }
        Ok(n == 1)
    }

    pub async fn escalation(&mut self, id: Uuid) -> Result<Option<EscalationRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, plan_id, member_id, person_kind, competent_org_id, places, status, resolved_level, reason, version, changed_by, changed_at FROM escalations WHERE id = $1",
        ).bind(id).fetch_optional(c).await?))
    }

    /// Escalations about a person (a member or a non-member leader), open ones first.
    pub async fn escalations_of_member(&mut self, member: Uuid) -> Result<Vec<EscalationRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, plan_id, member_id, person_kind, competent_org_id, places, status, resolved_level, reason, version, changed_by, changed_at FROM escalations \
             WHERE member_id = $1 ORDER BY status, changed_at",
        ).bind(member).fetch_all(c).await?))
    }

    /// Open escalations of a plan.
    pub async fn open_escalations(&mut self, plan: Uuid) -> Result<Vec<EscalationRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, plan_id, member_id, person_kind, competent_org_id, places, status, resolved_level, reason, version, changed_by, changed_at FROM escalations \
             WHERE plan_id = $1 AND status = 'open' ORDER BY changed_at, id",
        ).bind(plan).fetch_all(c).await?))
    }
}
