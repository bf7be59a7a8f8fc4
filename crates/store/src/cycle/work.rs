//! What a person has to do now, as the store finds it: the plans of a year issued at or above a
//! node, a member's own subjects in a plan, and the open ballots of a branch with whether the
//! member is on the roll and has voted. Every query goes through an existing index (plans by
//! year, subjects by plan and unit, meetings by plan and organisation, the roll by its key).

use super::batch::placeholders;
use super::plan::{PLAN_COLUMNS, PlanRow, SUBJECT_SELECT, SubjectRow};
use crate::db::{Tx, on_conn};
use crate::error::Result;
use time::Date;
use uuid::Uuid;

/// An open ballot of a branch, as a voter sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenBallot {
    pub ballot_id: Uuid,
    pub meeting_id: Uuid,
    pub meeting_title: String,
    pub held_on: Date,
    pub mode: String,
}

impl Tx {
    /// The plans of `year` issued by any of `orgs`, oldest first.
    pub async fn plans_of_orgs(&mut self, orgs: &[Uuid], year: i64) -> Result<Vec<PlanRow>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {PLAN_COLUMNS} FROM plans WHERE year = $1 AND org_id IN ({}) ORDER BY review_date, id",
            placeholders(2, orgs.len())
        );
        Ok(on_conn!(self, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(year);
            for org in orgs {
                q = q.bind(*org);
            }
            q.fetch_all(c).await?
        }))
    }

    /// The subjects about `member` reviewed in `unit` under `plan` (their own, as a member).
    pub async fn member_subjects_in(
        &mut self,
        plan: Uuid,
        unit: Uuid,
        member: Uuid,
    ) -> Result<Vec<SubjectRow>> {
        let sql = format!(
            "{SUBJECT_SELECT} WHERE plan_id = $1 AND unit_id = $2 AND member_id = $3 ORDER BY sort_key, id"
        );
        Ok(on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(plan).bind(unit).bind(member).fetch_all(c).await?))
    }

    /// The ballots open now at the meetings `org` holds under `plan`.
    pub async fn open_ballots_of(&mut self, plan: Uuid, org: Uuid) -> Result<Vec<OpenBallot>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT b.id AS ballot_id, m.id AS meeting_id, m.title AS meeting_title, m.held_on, b.mode \
             FROM meetings m JOIN ballots b ON b.meeting_id = m.id \
             WHERE m.plan_id = $1 AND m.org_id = $2 AND b.status = 'open' ORDER BY m.held_on, b.id",
        ).bind(plan).bind(org).fetch_all(c).await?))
    }

    /// Whether `member` is on the ballot's roll: (entitled, has voted); `None` when not on it.
    /// On PostgreSQL, while the ballot is open, who has voted is in its own table
    /// (`ballot_voted`, migration 0038).
    pub async fn roll_entry(&mut self, ballot: Uuid, member: Uuid) -> Result<Option<(bool, bool)>> {
        let sql = match self.backend() {
            crate::db::Backend::Sqlite => {
                "SELECT entitled, has_voted FROM ballot_roll WHERE ballot_id = $1 AND member_id = $2"
            }
            crate::db::Backend::Postgres => {
                "SELECT entitled, has_voted OR member_id IN (SELECT ballot_voted($1)) \
                 FROM ballot_roll WHERE ballot_id = $1 AND member_id = $2"
            }
        };
        Ok(
            on_conn!(self, c => sqlx::query_as(sql).bind(ballot).bind(member).fetch_optional(c).await?),
        )
    }
}

impl Tx {
    /// Every decided subject about `member` (their levels of every year), with the plan's year
    /// and title.
    pub async fn decided_history_of_member(
        &mut self,
        member: Uuid,
    ) -> Result<Vec<(SubjectRow, i64, String)>> {
        let sql =
            format!("{SUBJECT_SELECT} WHERE level IS NOT NULL AND member_id = $1 ORDER BY id");
        let rows: Vec<SubjectRow> = on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(member).fetch_all(c).await?);
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(plan) = self.plan(row.plan_id).await? {
                out.push((row, plan.year, plan.title));
            }
        }
        Ok(out)
    }
}

impl Tx {
    /// For each of `nodes`, how many subjects of `plan` reviewed in its subtree (on `on`) have
    /// each level (`None`: not decided yet), counting only subjects to be classified.
    pub async fn levels_under(
        &mut self,
        plan: Uuid,
        nodes: &[Uuid],
        on: Date,
    ) -> Result<Vec<(Uuid, Option<String>, i64)>> {
        if nodes.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            // The nodes' subtrees first, each unit through the (plan, unit) index (CROSS JOIN
            // keeps that order on SQLite; PostgreSQL plans by itself).
            "SELECT c.ancestor_id, s.level, COUNT(*) FROM org_closure c \
             CROSS JOIN subjects s \
             WHERE c.ancestor_id IN ({}) AND c.valid_from <= $2 AND c.valid_to > $2 \
               AND s.plan_id = $1 AND s.unit_id = c.descendant_id AND s.participation = 'review_and_classify' \
             GROUP BY c.ancestor_id, s.level",
            placeholders(3, nodes.len())
        );
        Ok(on_conn!(self, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(plan).bind(on);
            for node in nodes {
                q = q.bind(*node);
            }
            q.fetch_all(c).await?
        }))
    }
}

/// What a unit's page shows of one subject besides the subject itself: its self-review, the
/// levels of the summary form's columns, and the branch's ballot outcomes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitSubjectFacts {
    /// The self-review's status and its near-copy findings (JSON), when one exists.
    pub self_review: Option<(String, Option<String>)>,
    /// (column, proposed level, level from the score), in the summary form's order.
    pub columns: Vec<(i64, Option<String>, Option<String>)>,
    /// Outcomes of the branch's secret ballots, oldest first.
    pub outcomes: Vec<String>,
}

impl Tx {
    /// For every subject of `plan` in `unit`, in three queries: what [`UnitSubjectFacts`] holds.
    pub async fn unit_subject_facts(
        &mut self,
        plan: Uuid,
        unit: Uuid,
    ) -> Result<std::collections::HashMap<Uuid, UnitSubjectFacts>> {
        let mut out: std::collections::HashMap<Uuid, UnitSubjectFacts> = Default::default();
        let reviews: Vec<(Uuid, String, Option<String>)> = on_conn!(self, c => sqlx::query_as(
            "SELECT r.subject_id, r.status, r.similarity FROM self_reviews r \
             JOIN subjects s ON s.id = r.subject_id WHERE s.plan_id = $1 AND s.unit_id = $2",
        ).bind(plan).bind(unit).fetch_all(c).await?);
        for (subject, status, similarity) in reviews {
            out.entry(subject).or_default().self_review = Some((status, similarity));
        }
        let columns: Vec<(Uuid, i64, Option<String>, Option<String>)> = on_conn!(self, c => sqlx::query_as(
            "SELECT e.subject_id, e.column_no, e.proposed_level, e.score_level FROM evaluations e \
             JOIN subjects s ON s.id = e.subject_id WHERE s.plan_id = $1 AND s.unit_id = $2 \
             ORDER BY e.subject_id, e.column_no, e.step, e.source",
        ).bind(plan).bind(unit).fetch_all(c).await?);
        for (subject, column, proposed, scored) in columns {
            out.entry(subject)
                .or_default()
                .columns
                .push((column, proposed, scored));
        }
        let outcomes: Vec<(Uuid, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT r.subject_id, r.outcome FROM ballot_results r \
             JOIN subjects s ON s.id = r.subject_id WHERE s.plan_id = $1 AND s.unit_id = $2 \
             ORDER BY r.subject_id, r.ballot_id",
        ).bind(plan).bind(unit).fetch_all(c).await?);
        for (subject, outcome) in outcomes {
            out.entry(subject).or_default().outcomes.push(outcome);
        }
        Ok(out)
    }
}
