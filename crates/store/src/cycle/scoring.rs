//! A branch's collective scoring (chấm điểm tập thể, seed 003 mục B.1.4): the proposed sheet
//! with the day it was sent, the members' own scorings, the agreed bonuses and deductions and the
//! vote on the total. Stores the JSON the app checked with the rules crate; decides nothing.

use crate::db::{Tx, on_conn};
use crate::error::Result;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CollectiveScoringRow {
    pub subject_id: Uuid,
    /// The proposed score-sheet input, JSON.
    pub proposed: String,
    pub sent_on: Date,
    /// The agreed bonuses and deductions, JSON.
    pub adjustments: String,
    pub voted_on: Option<Date>,
    pub votes_for: Option<i64>,
    pub votes_against: Option<i64>,
    pub abstained: Option<i64>,
    pub present: Option<i64>,
    /// Hundredths of a point.
    pub adopted_total: Option<i64>,
    /// `adopted` or `rejected`, once voted.
    pub outcome: Option<String>,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CollectiveScoreRow {
    pub subject_id: Uuid,
    pub member_id: Uuid,
    pub input: String,
    pub total: Option<i64>,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

const COLUMNS: &str = "subject_id, proposed, sent_on, adjustments, voted_on, votes_for, votes_against, abstained, present, adopted_total, outcome, version, changed_by, changed_at";

impl Tx {
    pub async fn collective_scoring(
        &mut self,
        subject: Uuid,
    ) -> Result<Option<CollectiveScoringRow>> {
        let sql = format!("SELECT {COLUMNS} FROM collective_scorings WHERE subject_id = $1");
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(subject).fetch_optional(c).await?),
        )
    }

    /// Creates (`row.version == 0`) or updates (at `row.version`) a subject's collective scoring;
    /// false when stale or, on create, when one exists.
    pub async fn save_collective_scoring(&mut self, row: &CollectiveScoringRow) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = if row.version == 0 {
            on_conn!(self, c => sqlx::query(
                "INSERT INTO collective_scorings (subject_id, proposed, sent_on, adjustments, voted_on, votes_for, votes_against, abstained, present, adopted_total, outcome, version, changed_by, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13) ON CONFLICT (subject_id) DO NOTHING",
            )
            .bind(row.subject_id).bind(&row.proposed).bind(row.sent_on).bind(&row.adjustments).bind(row.voted_on)
            .bind(row.votes_for).bind(row.votes_against).bind(row.abstained).bind(row.present).bind(row.adopted_total)
            .bind(&row.outcome).bind(&stamp.by).bind(stamp.at)
            .execute(c).await?.rows_affected())
        } else {
            on_conn!(self, c => sqlx::query(
                "UPDATE collective_scorings SET proposed = $1, sent_on = $2, adjustments = $3, voted_on = $4, votes_for = $5, \
                 votes_against = $6, abstained = $7, present = $8, adopted_total = $9, outcome = $10, version = version + 1, \
                 changed_by = $11, changed_at = $12 WHERE subject_id = $13 AND version = $14",
            )
            .bind(&row.proposed).bind(row.sent_on).bind(&row.adjustments).bind(row.voted_on).bind(row.votes_for)
            .bind(row.votes_against).bind(row.abstained).bind(row.present).bind(row.adopted_total).bind(&row.outcome)
            .bind(&stamp.by).bind(stamp.at).bind(row.subject_id).bind(row.version)
            .execute(c).await?.rows_affected())
        };
        if n == 1 {
            self.record("collective_scorings", row.subject_id.to_string(), "upsert");
        }
        Ok(n == 1)
    }

    /// Records (or replaces) one member's scoring of the subject.
    pub async fn put_collective_score(
        &mut self,
        subject: Uuid,
        member: Uuid,
        input: &str,
        total: Option<i64>,
    ) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => {
            sqlx::query("DELETE FROM collective_scores WHERE subject_id = $1 AND member_id = $2")
                .bind(subject).bind(member).execute(&mut *c).await?;
            sqlx::query(
                "INSERT INTO collective_scores (subject_id, member_id, input, total, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(subject).bind(member).bind(input).bind(total).bind(&stamp.by).bind(stamp.at)
            .execute(&mut *c).await?;
        });
        self.record(
            "collective_scores",
            format!("{subject}/{member}"),
            "replace",
        );
        Ok(())
    }

    pub async fn collective_scores(&mut self, subject: Uuid) -> Result<Vec<CollectiveScoreRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT subject_id, member_id, input, total, changed_by, changed_at FROM collective_scores WHERE subject_id = $1 ORDER BY changed_at, member_id",
        ).bind(subject).fetch_all(c).await?))
    }
}
