//! The counts behind the summary reports (biểu tổng hợp): the subjects of one period under one
//! organisation, counted in SQL per unit (branch), kind, stage, participation and level in one
//! pass over the subtree (the closure on the plan's date joined to the subjects of the period's
//! plans — each subject is in exactly one plan of a period, so nothing is counted twice), with
//! each count's quota group; the subjects rated KHTNV by name in the units that have any. Rolling the units' counts up
//! the tree is the app's (it holds the tree); [`Tx::report_rollup_sql`] is the same roll-up
//! written as one SQL statement, kept for the benchmark to compare with.
//!
//! Like the rest of the store this knows no rule: stages, kinds and levels are the app's codes.

use super::batch::placeholders;
use crate::db::{Tx, on_conn};
use crate::error::Result;
use time::Date;
use uuid::Uuid;

/// Which subjects a report counts: those of the plans of `year`'s period whose unit lies under
/// `root` on `on` (the plan's review date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportScope {
    pub root: Uuid,
    pub on: Date,
    pub year: i64,
    pub period_kind: &'static str,
    pub period_no: i64,
}

/// Subjects of one unit with one kind, stage, participation and level.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitCount {
    pub unit_id: Uuid,
    /// The organisation rated, for organisation subjects (and collectives).
    pub org_id: Option<Uuid>,
    pub kind: String,
    pub stage: String,
    pub participation: String,
    pub level: Option<String>,
    /// The eligibility record (JSON) of excluded subjects, whose reasons the report lists.
    pub excluded_why: Option<String>,
    /// The comparable group of the HTXSNV quota and the organisation whose body decides.
    pub quota_group: String,
    pub deciding_org_id: Option<Uuid>,
    pub count: i64,
}

/// A subject rated at one level, for the lists (KHTNV …).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RatedSubject {
    pub id: Uuid,
    pub name: String,
    pub sort_key: String,
    pub kind: String,
    pub unit_id: Uuid,
}

/// One organisation's subtree counts by the hand-written roll-up.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RolledUp {
    pub org_id: Uuid,
    pub kind: String,
    pub stage: String,
    pub level: Option<String>,
    pub count: i64,
}

/// What a unit's counts are grouped by.
const UNIT_COUNT_FIELDS: &str = "s.unit_id, s.org_id, s.kind, s.stage, s.participation, s.level, \
     CASE WHEN s.stage = 'excluded' THEN s.eligibility END AS excluded_why, s.quota_group, s.deciding_org_id";
const UNIT_COUNT_GROUPING: &str = "s.unit_id, s.org_id, s.kind, s.stage, s.participation, s.level, \
     CASE WHEN s.stage = 'excluded' THEN s.eligibility END, s.quota_group, s.deciding_org_id";

/// `s` restricted to the period's plans and `u` (closure rows) to the subtree: binds
/// `$1` root, `$2` date, `$3` year, `$4` period kind, `$5` period number. CROSS JOIN keeps
/// SQLite's loop over the subtree outside, through the (plan, unit) index.
const SUBTREE_SUBJECTS: &str = "FROM org_closure u CROSS JOIN subjects s \
     WHERE u.ancestor_id = $1 AND u.valid_from <= $2 AND u.valid_to > $2 \
       AND s.unit_id = u.descendant_id \
       AND s.plan_id IN (SELECT id FROM plans WHERE year = $3 AND period_kind = $4 AND period_no = $5)";

/// Binds a [`ReportScope`] as `$1`…`$5` of [`SUBTREE_SUBJECTS`].
macro_rules! scoped {
    ($query:expr, $scope:expr) => {
        $query
            .bind($scope.root)
            .bind($scope.on)
            .bind($scope.year)
            .bind($scope.period_kind)
            .bind($scope.period_no)
    };
}

impl Tx {
    /// Counts per unit of every subject in the scope (one pass over the subtree's subjects: the
    /// quota groups' levels are counted from the same rows).
    pub async fn report_unit_counts(&mut self, scope: &ReportScope) -> Result<Vec<UnitCount>> {
        let sql = format!(
            "SELECT {UNIT_COUNT_FIELDS}, COUNT(*) AS count \
             {SUBTREE_SUBJECTS} GROUP BY {UNIT_COUNT_GROUPING}"
        );
        Ok(
            on_conn!(self, c => scoped!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), scope).fetch_all(c).await?),
        )
    }

    /// Counts of the subjects of `units` (in the period's plans): what a change in a few branches
    /// needs to update a roll-up.
    pub async fn report_counts_of_units(
        &mut self,
        scope: &ReportScope,
        units: &[Uuid],
    ) -> Result<Vec<UnitCount>> {
        let mut out = Vec::new();
        for chunk in units.chunks(500) {
            let sql = format!(
                "SELECT {UNIT_COUNT_FIELDS}, COUNT(*) AS count \
                 FROM subjects s WHERE s.plan_id IN (SELECT id FROM plans WHERE year = $1 AND period_kind = $2 AND period_no = $3) \
                 AND s.unit_id IN ({}) GROUP BY {UNIT_COUNT_GROUPING}",
                placeholders(4, chunk.len())
            );
            let rows: Vec<UnitCount> = on_conn!(self, c => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(scope.year)
                    .bind(scope.period_kind)
                    .bind(scope.period_no);
                for unit in chunk {
                    q = q.bind(*unit);
                }
                q.fetch_all(c).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// The number of subjects in the scope, counted on its own (the cross-check's reference).
    pub async fn report_subject_total(&mut self, scope: &ReportScope) -> Result<u64> {
        let sql = format!("SELECT COUNT(*) {SUBTREE_SUBJECTS}");
        let (count,): (i64,) = on_conn!(self, c => scoped!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), scope).fetch_one(c).await?);
        Ok(count as u64)
    }

    /// The subjects of `units` (in the scope's period) rated `level`, in name order (the stored
    /// sort key): the caller names the units its counts found such subjects in.
    pub async fn report_rated(
        &mut self,
        scope: &ReportScope,
        units: &[Uuid],
        level: &str,
    ) -> Result<Vec<RatedSubject>> {
        let mut out: Vec<RatedSubject> = Vec::new();
        for chunk in units.chunks(500) {
            let sql = format!(
                "SELECT s.id, s.name, s.sort_key, s.kind, s.unit_id FROM subjects s \
                 WHERE s.plan_id IN (SELECT id FROM plans WHERE year = $1 AND period_kind = $2 AND period_no = $3) \
                 AND s.level = $4 AND s.unit_id IN ({})",
                placeholders(5, chunk.len())
            );
            let rows: Vec<RatedSubject> = on_conn!(self, c => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(scope.year)
                    .bind(scope.period_kind)
                    .bind(scope.period_no)
                    .bind(level);
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

    /// The same counts rolled up to every organisation of the subtree in one hand-written SQL
    /// statement (closure × subjects, grouped by ancestor): the reference the benchmark times
    /// the app's roll-up against.
    pub async fn report_rollup_sql(&mut self, scope: &ReportScope) -> Result<Vec<RolledUp>> {
        let sql = "SELECT a.ancestor_id AS org_id, s.kind, s.stage, s.level, COUNT(*) AS count \
             FROM org_closure u CROSS JOIN subjects s CROSS JOIN org_closure a \
             WHERE u.ancestor_id = $1 AND u.valid_from <= $2 AND u.valid_to > $2 \
               AND s.unit_id = u.descendant_id \
               AND s.plan_id IN (SELECT id FROM plans WHERE year = $3 AND period_kind = $4 AND period_no = $5) \
               AND a.descendant_id = u.descendant_id AND a.valid_from <= $2 AND a.valid_to > $2 \
               AND a.depth <= u.depth \
             GROUP BY a.ancestor_id, s.kind, s.stage, s.level";
        Ok(on_conn!(self, c => scoped!(sqlx::query_as(sql), scope).fetch_all(c).await?))
    }
}
