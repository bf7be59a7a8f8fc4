//! Kiểm điểm: self-review documents (one per subject, sections as JSON), the inputs gathered for a
//! review (suggestions, residence and masses' comments, other branches' comments), and meetings
//! with their attendees and the subjects reviewed at each.

use crate::db::{Tx, on_conn};
use crate::error::Result;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SelfReviewRow {
    pub subject_id: Uuid,
    pub form_code: String,
    /// JSON object: section code → text.
    pub sections: String,
    /// `draft` or `submitted`.
    pub status: String,
    pub submitted_on: Option<Date>,
    /// For collective reports: the day the draft reached the meeting's participants.
    pub draft_sent_on: Option<Date>,
    /// JSON of the near-copy flags found at submission.
    pub similarity: Option<String>,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReviewInputRow {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub kind: String,
    pub from_body: String,
    pub body: String,
    pub received_on: Date,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub org_id: Uuid,
    pub title: String,
    /// Key into the rule book's minimum durations (`default`, `grassroots_committee` …).
    pub body_key: String,
    /// Whether the superior sent review suggestions (longer minimum under seed 003).
    pub suggested: bool,
    pub held_on: Date,
    pub place: String,
    pub chair: String,
    pub half_days: Option<i64>,
    pub minutes: String,
    pub conclusion: String,
    /// `scheduled`, `held` or `closed`.
    pub status: String,
    pub override_reason: Option<String>,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttendeeRow {
    pub seq: i64,
    pub member_id: Option<Uuid>,
    pub name: String,
    /// `member`, `chair`, `secretary`, `superior_delegate` or `guest`.
    pub role: String,
    pub present: bool,
    pub excused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MeetingItemRow {
    pub meeting_id: Uuid,
    pub subject_id: Uuid,
    pub position: i64,
    pub reviewed: bool,
    /// The subject was absent (vắng mặt): to be reviewed at the earliest later meeting.
    pub absent: bool,
    pub chaired_by: Option<String>,
    pub comments: String,
    pub conclusion: String,
    pub override_reason: Option<String>,
}

const MEETING_COLUMNS: &str = "id, plan_id, org_id, title, body_key, suggested, held_on, place, chair, half_days, minutes, conclusion, status, override_reason, version, changed_by, changed_at";

impl Tx {
    pub async fn self_review(&mut self, subject: Uuid) -> Result<Option<SelfReviewRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT subject_id, form_code, sections, status, submitted_on, draft_sent_on, similarity, version, changed_by, changed_at \
             FROM self_reviews WHERE subject_id = $1",
        ).bind(subject).fetch_optional(c).await?))
    }

    /// Self-reviews of the given subjects that have been submitted (for near-copy detection).
    pub async fn submitted_reviews_of_unit(
        &mut self,
        plan: Uuid,
        unit: Uuid,
    ) -> Result<Vec<SelfReviewRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT r.subject_id, r.form_code, r.sections, r.status, r.submitted_on, r.draft_sent_on, r.similarity, r.version, r.changed_by, r.changed_at \
             FROM self_reviews r JOIN subjects s ON s.id = r.subject_id \
             WHERE s.plan_id = $1 AND s.unit_id = $2 AND r.status = 'submitted'",
        ).bind(plan).bind(unit).fetch_all(c).await?))
    }

    /// The self-reviews of a plan's subjects carrying near-copy flags, by subject name.
    pub async fn flagged_self_reviews(&mut self, plan: Uuid) -> Result<Vec<SelfReviewRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT r.subject_id, r.form_code, r.sections, r.status, r.submitted_on, r.draft_sent_on, r.similarity, r.version, r.changed_by, r.changed_at \
             FROM self_reviews r JOIN subjects s ON s.id = r.subject_id \
             WHERE s.plan_id = $1 AND r.similarity IS NOT NULL ORDER BY s.sort_key, s.id",
        ).bind(plan).fetch_all(c).await?))
    }

    /// Creates (version 1) or updates (at `version`) a self-review; false when stale.
    pub async fn save_self_review(&mut self, row: &SelfReviewRow) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = if row.version == 0 {
            on_conn!(self, c => sqlx::query(
                "INSERT INTO self_reviews (subject_id, form_code, sections, status, submitted_on, draft_sent_on, similarity, version, changed_by, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9) ON CONFLICT (subject_id) DO NOTHING",
            )
            .bind(row.subject_id).bind(&row.form_code).bind(&row.sections).bind(&row.status)
            .bind(row.submitted_on).bind(row.draft_sent_on).bind(&row.similarity).bind(&stamp.by).bind(stamp.at)
            .execute(c).await?.rows_affected())
        } else {
            on_conn!(self, c => sqlx::query(
                "UPDATE self_reviews SET sections = $1, status = $2, submitted_on = $3, draft_sent_on = $4, similarity = $5, \
                 version = version + 1, changed_by = $6, changed_at = $7 WHERE subject_id = $8 AND version = $9",
            )
            .bind(&row.sections).bind(&row.status).bind(row.submitted_on).bind(row.draft_sent_on).bind(&row.similarity)
            .bind(&stamp.by).bind(stamp.at).bind(row.subject_id).bind(row.version)
            .execute(c).await?.rows_affected())
        };
        if n == 1 {
            self.record("self_reviews", row.subject_id.to_string(), "upsert");
        }
        Ok(n == 1)
    }

    pub async fn add_review_input(&mut self, row: &ReviewInputRow) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO review_inputs (id, subject_id, kind, from_body, body, received_on, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(row.id).bind(row.subject_id).bind(&row.kind).bind(&row.from_body).bind(&row.body)
        .bind(row.received_on).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("review_inputs", row.id.to_string(), "insert");
        Ok(())
    }

    pub async fn review_inputs(&mut self, subject: Uuid) -> Result<Vec<ReviewInputRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id, subject_id, kind, from_body, body, received_on, changed_by, changed_at FROM review_inputs \
             WHERE subject_id = $1 ORDER BY received_on, id",
        ).bind(subject).fetch_all(c).await?))
    }

    pub async fn insert_meeting(&mut self, row: &MeetingRow) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO meetings (id, plan_id, org_id, title, body_key, suggested, held_on, place, chair, half_days, minutes, conclusion, status, override_reason, version, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16)",
        )
        .bind(row.id).bind(row.plan_id).bind(row.org_id).bind(&row.title).bind(&row.body_key).bind(row.suggested)
        .bind(row.held_on).bind(&row.place).bind(&row.chair).bind(row.half_days).bind(&row.minutes)
        .bind(&row.conclusion).bind(&row.status).bind(&row.override_reason).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("meetings", row.id.to_string(), "insert");
        Ok(())
    }

    pub async fn meeting(&mut self, id: Uuid) -> Result<Option<MeetingRow>> {
        let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings WHERE id = $1");
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?),
        )
    }

    pub async fn meetings_of_plan(&mut self, plan: Uuid) -> Result<Vec<MeetingRow>> {
        let sql = format!(
            "SELECT {MEETING_COLUMNS} FROM meetings WHERE plan_id = $1 ORDER BY held_on, id"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(plan).fetch_all(c).await?),
        )
    }

    /// Writes the meeting's mutable fields if it is still at `row.version`; false when stale.
    pub async fn update_meeting(&mut self, row: &MeetingRow) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE meetings SET title = $1, held_on = $2, place = $3, chair = $4, half_days = $5, minutes = $6, conclusion = $7, \
             status = $8, override_reason = $9, suggested = $10, version = version + 1, changed_by = $11, changed_at = $12 \
             WHERE id = $13 AND version = $14",
        )
        .bind(&row.title).bind(row.held_on).bind(&row.place).bind(&row.chair).bind(row.half_days).bind(&row.minutes)
        .bind(&row.conclusion).bind(&row.status).bind(&row.override_reason).bind(row.suggested)
        .bind(&stamp.by).bind(stamp.at).bind(row.id).bind(row.version)
        .execute(c).await?.rows_affected());
        if n == 1 {
            self.record("meetings", row.id.to_string(), "update");
        }
        Ok(n == 1)
    }

    /// Replaces the attendance list of a meeting.
    pub async fn replace_attendees(&mut self, meeting: Uuid, rows: &[AttendeeRow]) -> Result<()> {
        on_conn!(self, c => sqlx::query("DELETE FROM meeting_attendees WHERE meeting_id = $1").bind(meeting).execute(c).await?.rows_affected());
        for row in rows {
            on_conn!(self, c => sqlx::query(
                "INSERT INTO meeting_attendees (meeting_id, seq, member_id, name, role, present, excused) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(meeting).bind(row.seq).bind(row.member_id).bind(&row.name).bind(&row.role).bind(row.present).bind(row.excused)
            .execute(c).await?.rows_affected());
        }
        self.record("meeting_attendees", meeting.to_string(), "replace");
        Ok(())
    }

    pub async fn attendees(&mut self, meeting: Uuid) -> Result<Vec<AttendeeRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT seq, member_id, name, role, present, excused FROM meeting_attendees WHERE meeting_id = $1 ORDER BY seq",
        ).bind(meeting).fetch_all(c).await?))
    }

    /// Puts a subject on a meeting's agenda (or moves it to `position`).
    pub async fn put_meeting_item(&mut self, row: &MeetingItemRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO meeting_items (meeting_id, subject_id, position, reviewed, absent, chaired_by, comments, conclusion, override_reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (meeting_id, subject_id) DO UPDATE SET position = excluded.position, reviewed = excluded.reviewed, \
             absent = excluded.absent, chaired_by = excluded.chaired_by, comments = excluded.comments, \
             conclusion = excluded.conclusion, override_reason = excluded.override_reason",
        )
        .bind(row.meeting_id).bind(row.subject_id).bind(row.position).bind(row.reviewed).bind(row.absent)
        .bind(&row.chaired_by).bind(&row.comments).bind(&row.conclusion).bind(&row.override_reason)
        .execute(c).await?.rows_affected());
        self.record(
            "meeting_items",
            format!("{}/{}", row.meeting_id, row.subject_id),
            "upsert",
        );
        Ok(())
    }

    pub async fn meeting_items(&mut self, meeting: Uuid) -> Result<Vec<MeetingItemRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT meeting_id, subject_id, position, reviewed, absent, chaired_by, comments, conclusion, override_reason \
             FROM meeting_items WHERE meeting_id = $1 ORDER BY position, subject_id",
        ).bind(meeting).fetch_all(c).await?))
    }

    /// The meeting items about one subject (a subject absent from one meeting is reviewed at a
    /// later one).
    pub async fn items_of_subject(&mut self, subject: Uuid) -> Result<Vec<MeetingItemRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT meeting_id, subject_id, position, reviewed, absent, chaired_by, comments, conclusion, override_reason \
             FROM meeting_items WHERE subject_id = $1 ORDER BY meeting_id",
        ).bind(subject).fetch_all(c).await?))
    }
}
