//! The plans of one period taken together (a "family"): a subject belongs to exactly one plan of
//! a period — the lowest opened plan whose organisation is an ancestor of (or is) the subject's
//! unit, or the superior plan that decided it before a lower plan took its subtree over — so
//! reads that cross plans (a unit's subjects, a quota group's levels, a subtree's progress) look
//! in the plans of the same period that cover the units, and opening a lower plan takes its
//! subtree over from the superior plans (untouched subjects released to be created again, the
//! ones worked on moved with their meetings). Also the declarations of
//! heads who moved into a unit without a part in its result.

use super::batch::placeholders;
use super::plan::SubjectRow;
use crate::db::{Tx, on_conn};
use crate::error::Result;
use crate::vocab::Coded;
use kiemdiem_rules::Level;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::stage::Stage;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The plans of the same year and period as `$1` whose organisation is an ancestor of (or is)
/// one of the units bound from `$2` (the closure as of `$1`'s review date).
fn covering_plans(units: usize) -> String {
    format!(
        "SELECT p.id FROM plans me \
         JOIN plans p ON p.year = me.year AND p.period_kind = me.period_kind AND p.period_no = me.period_no \
         JOIN org_closure c ON c.ancestor_id = p.org_id AND c.valid_from <= me.review_date AND c.valid_to > me.review_date \
         WHERE me.id = $1 AND c.descendant_id IN ({})",
        placeholders(2, units)
    )
}

/// The subjects taken over from a superior plan when a lower one opens: those of `$1` whose unit
/// lies under `$2` on `$3`.
const UNDER_ROOT: &str = "plan_id = $1 AND unit_id IN (SELECT descendant_id FROM org_closure \
     WHERE ancestor_id = $2 AND valid_from <= $3 AND valid_to > $3)";

#[derive(sqlx::FromRow)]
struct SubjectTouched {
    #[sqlx(flatten)]
    subject: SubjectRow,
    touched: i64,
}

/// A head who moved into a unit during the period and had no part in its result (seed 003 B.6).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HeadMovedInRow {
    pub subject_id: Uuid,
    pub unit_subject_id: Uuid,
    /// The day the head's post in the unit started.
    pub post_from: Date,
    pub reason: String,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

const SUBJECT_FIELDS: &str = "s.id, s.plan_id, s.kind, s.member_id, s.leader_id, s.collective_id, s.org_id, s.unit_id, s.name, s.sort_key, s.participation, s.eligibility, s.form_code, s.framework_id, s.decides_body, s.deciding_org_id, s.proposes_body, s.quota_group, s.stage, s.level, s.decision_id, s.version, s.changed_by, s.changed_at";

impl Tx {
    /// The subjects reviewed in `units`, from whichever plan of `plan`'s period covers each unit
    /// (the plan itself, a superior's or a lower one), in name order.
    pub async fn family_subjects(&mut self, plan: Uuid, units: &[Uuid]) -> Result<Vec<SubjectRow>> {
        let mut out: Vec<SubjectRow> = Vec::new();
        for chunk in units.chunks(500) {
            let n = chunk.len();
            let sql = format!(
                "SELECT {SUBJECT_FIELDS} FROM subjects s WHERE s.plan_id IN ({}) AND s.unit_id IN ({})",
                covering_plans(n),
                placeholders(2, n)
            );
            let rows: Vec<SubjectRow> = on_conn!(self, c => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(plan);
                for unit in chunk {
                    q = q.bind(*unit);
                }
                q.fetch_all(c).await?
            });
            out.extend(rows);
        }
        out.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Decided levels of a quota group across every plan of `plan`'s period: (level, count). A
    /// deciding body's group may span plans (a lower plan covers part of what it decides), and
    /// each subject is in one plan only, so nothing is counted twice.
    pub async fn family_group_levels(
        &mut self,
        plan: Uuid,
        group: &str,
    ) -> Result<Vec<(Level, i64)>> {
        let rows: Vec<(Coded<Level>, i64)> = on_conn!(self, c => sqlx::query_as(
            "SELECT s.level, COUNT(*) FROM plans me \
             JOIN plans p ON p.year = me.year AND p.period_kind = me.period_kind AND p.period_no = me.period_no \
             JOIN subjects s ON s.plan_id = p.id AND s.quota_group = $2 AND s.level IS NOT NULL \
             WHERE me.id = $1 GROUP BY s.level",
        ).bind(plan).bind(group).fetch_all(c).await?);
        Ok(rows.into_iter().map(|(level, n)| (level.0, n)).collect())
    }

    /// Counts per (unit, stage, participation) of every subject reviewed in `plan`'s subtree,
    /// whichever plan of the period holds it: the plan's own, the lower plans' of its subtree,
    /// and those a superior plan kept (decided before this plan took its subtree over) — the
    /// progress of the whole subtree, at every level.
    pub async fn family_stage_counts(
        &mut self,
        plan: Uuid,
    ) -> Result<Vec<(Uuid, Stage, Participation, i64)>> {
        let rows: Vec<StageCountRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT unit_id, stage, participation, COUNT(*) FROM ( \
               SELECT s.unit_id, s.stage, s.participation FROM plans me \
               JOIN org_closure c ON c.ancestor_id = me.org_id AND c.valid_from <= me.review_date AND c.valid_to > me.review_date \
               JOIN plans p ON p.org_id = c.descendant_id AND p.year = me.year AND p.period_kind = me.period_kind AND p.period_no = me.period_no \
               JOIN subjects s ON s.plan_id = p.id \
               WHERE me.id = $1 \
             UNION ALL \
               SELECT s.unit_id, s.stage, s.participation FROM plans me \
               JOIN org_closure a ON a.descendant_id = me.org_id AND a.ancestor_id <> me.org_id AND a.valid_from <= me.review_date AND a.valid_to > me.review_date \
               JOIN plans p ON p.org_id = a.ancestor_id AND p.year = me.year AND p.period_kind = me.period_kind AND p.period_no = me.period_no \
               JOIN org_closure c ON c.ancestor_id = me.org_id AND c.valid_from <= me.review_date AND c.valid_to > me.review_date \
               JOIN subjects s ON s.plan_id = p.id AND s.unit_id = c.descendant_id \
               WHERE me.id = $1 \
             ) x GROUP BY unit_id, stage, participation",
        ).bind(plan).fetch_all(c).await?);
        stage_counts(rows)
    }

    /// [`Tx::family_stage_counts`] of the units in `root`'s subtree only (on the plan's review
    /// date). The plans of the family are few: they are found first, then the subtree's units
    /// are walked through the (plan, unit) index — a district's share of a province's plan
    /// without reading the rest of the province.
    pub async fn family_stage_counts_under(
        &mut self,
        plan: Uuid,
        root: Uuid,
    ) -> Result<Vec<(Uuid, Stage, Participation, i64)>> {
        let family = self.plan_family(plan).await?;
        let Some(on) = family.first().map(|(_, on)| *on) else {
            return Ok(Vec::new());
        };
        // CROSS JOIN keeps SQLite's loop over the subtree outside (PostgreSQL plans by itself).
        let sql = format!(
            "SELECT s.unit_id, s.stage, s.participation, COUNT(*) FROM org_closure u \
             CROSS JOIN subjects s \
             WHERE u.ancestor_id = $1 AND u.valid_from <= $2 AND u.valid_to > $2 \
               AND s.unit_id = u.descendant_id AND s.plan_id IN ({}) \
             GROUP BY s.unit_id, s.stage, s.participation",
            placeholders(3, family.len())
        );
        let rows: Vec<StageCountRow> = on_conn!(self, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(root).bind(on);
            for (id, _) in &family {
                q = q.bind(*id);
            }
            q.fetch_all(c).await?
        });
        stage_counts(rows)
    }

    /// The plans of `plan`'s period in its subtree (itself included), each with `plan`'s review
    /// date; empty when `plan` does not exist.
    async fn plan_family(&mut self, plan: Uuid) -> Result<Vec<(Uuid, Date)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT p.id, me.review_date FROM plans me \
             JOIN plans p ON p.year = me.year AND p.period_kind = me.period_kind AND p.period_no = me.period_no \
             JOIN org_closure c ON c.ancestor_id = me.org_id AND c.descendant_id = p.org_id \
               AND c.valid_from <= me.review_date AND c.valid_to > me.review_date \
             WHERE me.id = $1",
        ).bind(plan).fetch_all(c).await?))
    }

    /// On which days the subjects of `plan`'s period in `root`'s subtree passed each step:
    /// (step, day, how many), step `self_review` (the self-review submitted), `review` (first
    /// reviewed at a meeting, the meeting's day) or `decision` (first decided, the day in
    /// Vietnam). The progress of a plan over time, read from the records the steps wrote.
    pub async fn family_step_days(
        &mut self,
        plan: Uuid,
        root: Uuid,
    ) -> Result<Vec<(String, Date, i64)>> {
        let family = self.plan_family(plan).await?;
        let Some(on) = family.first().map(|(_, on)| *on) else {
            return Ok(Vec::new());
        };
        // The timestamp's calendar day in Vietnam (UTC+7, no daylight saving).
        let decided_on = match self.backend() {
            crate::db::Backend::Sqlite => "date(d.decided_at, '+7 hours')",
            crate::db::Backend::Postgres => {
                "CAST(d.decided_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS DATE)"
            }
        };
        // CROSS JOIN keeps SQLite's loop over the subtree outside (PostgreSQL plans by itself).
        let under = format!(
            "FROM org_closure u CROSS JOIN subjects s {{}} \
             WHERE u.ancestor_id = $1 AND u.valid_from <= $2 AND u.valid_to > $2 \
               AND s.unit_id = u.descendant_id AND s.plan_id IN ({})",
            placeholders(3, family.len())
        );
        let from = |join: &str| under.replacen("{}", join, 1);
        let sql = format!(
            "SELECT step, day, COUNT(*) FROM ( \
               SELECT 'self_review' AS step, r.submitted_on AS day {} AND r.submitted_on IS NOT NULL \
             UNION ALL \
               SELECT 'review', MIN(m.held_on) {} AND i.reviewed GROUP BY s.id \
             UNION ALL \
               SELECT 'decision', MIN({decided_on}) {} AND d.kind = 'decision' GROUP BY s.id \
             ) x GROUP BY step, day ORDER BY day, step",
            from("JOIN self_reviews r ON r.subject_id = s.id"),
            from(
                "JOIN meeting_items i ON i.subject_id = s.id JOIN meetings m ON m.id = i.meeting_id"
            ),
            from("JOIN decisions d ON d.subject_id = s.id"),
        );
        Ok(on_conn!(self, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(root).bind(on);
            for (id, _) in &family {
                q = q.bind(*id);
            }
            q.fetch_all(c).await?
        }))
    }

    /// Every subject `plan` holds under `root` on `on`, with whether it was worked on (a
    /// document, a review input, a meeting item, an evaluation, a decision, a ballot, a head's
    /// declaration, a hand-entered part, or any change of its record).
    pub async fn subjects_under(
        &mut self,
        plan: Uuid,
        root: Uuid,
        on: Date,
    ) -> Result<Vec<(SubjectRow, bool)>> {
        let sql = format!(
            "SELECT {SUBJECT_FIELDS}, CAST(CASE WHEN s.version <> 1 \
             OR s.id IN (SELECT subject_id FROM self_reviews) \
             OR s.id IN (SELECT subject_id FROM review_inputs) \
             OR s.id IN (SELECT subject_id FROM meeting_items) \
             OR s.id IN (SELECT subject_id FROM evaluations) \
             OR s.id IN (SELECT subject_id FROM decisions) \
             OR s.id IN (SELECT subject_id FROM ballot_agenda) \
             OR s.id IN (SELECT subject_id FROM head_moved_in) \
             OR s.id IN (SELECT unit_subject_id FROM head_moved_in) \
             OR s.id IN (SELECT subject_id FROM subject_parts WHERE version <> 1 OR kind = 'joint_unit') \
             THEN 1 ELSE 0 END AS BIGINT) AS touched FROM subjects s WHERE s.{}",
            UNDER_ROOT.replace("unit_id IN", "s.unit_id IN")
        );
        let rows: Vec<SubjectTouched> = on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(plan).bind(root).bind(on).fetch_all(c).await?);
        Ok(rows
            .into_iter()
            .map(|r| (r.subject, r.touched != 0))
            .collect())
    }

    /// Moves `subjects` (worked on, not decided) from `from` to `to` with everything they hold,
    /// and the meetings `from` holds in `root`'s subtree on `on` that reviewed one of them; the
    /// plans' counts
    /// follow (`subjects`, `excluded` of those moved). Both plans' versions are bumped.
    pub async fn move_subjects(
        &mut self,
        from: Uuid,
        to: Uuid,
        subjects: &[Uuid],
        excluded: i64,
        root: Uuid,
        on: Date,
    ) -> Result<()> {
        let stamp = self.stamp_owned()?;
        for chunk in subjects.chunks(500) {
            let ids = placeholders(5, chunk.len());
            // The meetings in the subtree that reviewed one of them go with them.
            let meetings_sql = format!(
                "UPDATE meetings SET plan_id = $1 WHERE plan_id = $2 AND org_id IN (SELECT descendant_id FROM org_closure \
                 WHERE ancestor_id = $3 AND valid_from <= $4 AND valid_to > $4) \
                 AND id IN (SELECT meeting_id FROM meeting_items WHERE subject_id IN ({ids}))"
            );
            let subjects_sql = format!(
                "UPDATE subjects SET plan_id = $1 WHERE plan_id = $2 AND id IN ({})",
                placeholders(3, chunk.len())
            );
            on_conn!(self, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(meetings_sql)).bind(to).bind(from).bind(root).bind(on);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.execute(&mut *c).await?;
                let mut q = sqlx::query(sqlx::AssertSqlSafe(subjects_sql)).bind(to).bind(from);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.execute(&mut *c).await?.rows_affected()
            });
        }
        let moved = subjects.len() as i64;
        on_conn!(self, c => {
            sqlx::query(
                "UPDATE plans SET subjects_count = subjects_count - $1, excluded_count = excluded_count - $2, \
                 version = version + 1, changed_by = $3, changed_at = $4 WHERE id = $5",
            )
            .bind(moved).bind(excluded).bind(&stamp.by).bind(stamp.at).bind(from)
            .execute(&mut *c).await?;
        });
        self.record(
            "subjects",
            format!("{moved} rows from plan {from} to plan {to}"),
            "move",
        );
        self.record(
            "meetings",
            format!("of plan {from} under {root} to plan {to}"),
            "move",
        );
        self.record("plans", from.to_string(), "update");
        Ok(())
    }

    /// Removes `subjects` from `plan` (untouched ones, for a lower plan to create again), with
    /// the periods recorded for them when the plan opened; lowers the plan's counts (`excluded`
    /// of them excluded) and bumps its version. The foreign keys refuse the removal of a subject
    /// anything points to.
    pub async fn release_subjects(
        &mut self,
        plan: Uuid,
        subjects: &[Uuid],
        excluded: i64,
    ) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let mut removed = 0;
        for chunk in subjects.chunks(500) {
            let ids = placeholders(2, chunk.len());
            let parts_sql = format!(
                "DELETE FROM subject_parts WHERE subject_id IN (SELECT id FROM subjects WHERE plan_id = $1 AND id IN ({ids}))"
            );
            let subjects_sql = format!("DELETE FROM subjects WHERE plan_id = $1 AND id IN ({ids})");
            removed += on_conn!(self, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(parts_sql)).bind(plan);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.execute(&mut *c).await?;
                let mut q = sqlx::query(sqlx::AssertSqlSafe(subjects_sql)).bind(plan);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.execute(&mut *c).await?.rows_affected()
            });
        }
        on_conn!(self, c => sqlx::query(
            "UPDATE plans SET subjects_count = subjects_count - $1, excluded_count = excluded_count - $2, \
             version = version + 1, changed_by = $3, changed_at = $4 WHERE id = $5",
        )
        .bind(subjects.len() as i64).bind(excluded).bind(&stamp.by).bind(stamp.at).bind(plan)
        .execute(c).await?.rows_affected());
        self.record(
            "subjects",
            format!("{removed} rows of plan {plan}"),
            "delete",
        );
        self.record("plans", plan.to_string(), "update");
        Ok(())
    }

    /// Declares that the head (`subject`) moved into the unit (`unit_subject`) without a part in
    /// its result; replaces an earlier declaration.
    pub async fn put_head_moved_in(
        &mut self,
        subject: Uuid,
        unit_subject: Uuid,
        post_from: Date,
        reason: &str,
    ) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => {
            sqlx::query("DELETE FROM head_moved_in WHERE subject_id = $1 AND unit_subject_id = $2")
                .bind(subject).bind(unit_subject).execute(&mut *c).await?;
            sqlx::query(
                "INSERT INTO head_moved_in (subject_id, unit_subject_id, post_from, reason, changed_by, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(subject).bind(unit_subject).bind(post_from).bind(reason).bind(&stamp.by).bind(stamp.at)
            .execute(&mut *c).await?;
        });
        self.record(
            "head_moved_in",
            format!("{subject}/{unit_subject}"),
            "replace",
        );
        Ok(())
    }

    /// The units the head `subject` is declared to have moved into without a part.
    pub async fn heads_moved_in(&mut self, subject: Uuid) -> Result<Vec<HeadMovedInRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT subject_id, unit_subject_id, post_from, reason, changed_by, changed_at FROM head_moved_in \
             WHERE subject_id = $1 ORDER BY unit_subject_id",
        ).bind(subject).fetch_all(c).await?))
    }
}

/// (unit, stage, participation, count) as read.
type StageCountRow = (Uuid, Coded<Stage>, Coded<Participation>, i64);

fn stage_counts(rows: Vec<StageCountRow>) -> Result<Vec<(Uuid, Stage, Participation, i64)>> {
    Ok(rows
        .into_iter()
        .map(|(unit, stage, participation, n)| (unit, stage.0, participation.0, n))
        .collect())
}
