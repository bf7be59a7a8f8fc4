//! The counts behind the summary reports (biểu tổng hợp): the subjects of one period under one
//! organisation, per unit (branch), kind, stage, participation and level, with each count's
//! quota group. They are read from `subject_counts` (migration 0032), which triggers on
//! `subjects` keep in the same transaction as every write of a subject, over the subtree on the
//! plan's date (the closure joined to the counts of the period's plans — each subject is in
//! exactly one plan of a period, so nothing is counted twice): a national summary sums a few
//! hundred thousand rows instead of reading six million subjects. The subjects stay the record:
//! [`Tx::report_unit_totals`] counts them per unit from the (plan, unit) index alone, for the
//! report to check the kept counts against, and [`Tx::subject_counts_drift`] compares everything.
//! The subjects rated KHTNV are named from a partial index. Rolling the units' counts up the tree
//! is the app's (it holds the tree); [`Tx::report_rollup_sql`] is the same roll-up written as one
//! SQL statement over the subjects themselves, kept for the benchmark to compare with.
//!
//! Like the rest of the store this knows no rule: stages, kinds and levels are the rules'
//! vocabularies, stored as their codes (see [`crate::vocab`]).

use super::batch::placeholders;
use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use crate::vocab::{Coded, OptCoded, Stored, optional};
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::stage::Stage;
use kiemdiem_rules::{Level, SubjectKind};
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitCount {
    pub unit_id: Uuid,
    /// The organisation rated, for organisation subjects (and collectives).
    pub org_id: Option<Uuid>,
    pub kind: SubjectKind,
    pub stage: Stage,
    pub participation: Participation,
    pub level: Option<Level>,
    /// For excluded subjects: the messages of their eligibility's reasons, joined by "; "
    /// (empty when it gave none).
    pub excluded_reason: Option<String>,
    /// The comparable group of the HTXSNV quota and the organisation whose body decides.
    pub quota_group: String,
    pub deciding_org_id: Option<Uuid>,
    pub count: i64,
}

/// A row of `subject_counts` as stored: no NULL in the key (nil UUID, empty text).
#[derive(sqlx::FromRow)]
struct StoredCount {
    unit_id: Uuid,
    org_id: Uuid,
    kind: String,
    stage: String,
    participation: String,
    level: String,
    excluded_reason: String,
    quota_group: String,
    deciding_org_id: Uuid,
    count: i64,
}

impl TryFrom<StoredCount> for UnitCount {
    type Error = StoreError;
    fn try_from(r: StoredCount) -> Result<UnitCount> {
        let corrupt =
            |bad: crate::vocab::BadCode| StoreError::Corrupt(format!("{bad} (subject_counts)"));
        let stage = Stage::from_code(&r.stage).map_err(corrupt)?;
        Ok(UnitCount {
            unit_id: r.unit_id,
            org_id: (!r.org_id.is_nil()).then_some(r.org_id),
            kind: SubjectKind::from_code(&r.kind).map_err(corrupt)?,
            stage,
            participation: Participation::from_code(&r.participation).map_err(corrupt)?,
            level: optional(&r.level).map_err(corrupt)?,
            excluded_reason: (stage == Stage::Excluded).then_some(r.excluded_reason),
            quota_group: r.quota_group,
            deciding_org_id: (!r.deciding_org_id.is_nil()).then_some(r.deciding_org_id),
            count: r.count,
        })
    }
}

/// The number of subjects of one unit in the scope.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitTotal {
    pub unit_id: Uuid,
    pub count: i64,
}

/// Where the kept counts and the subjects disagree: a key of `subject_counts` (as text) with
/// the count kept and the count of the subjects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountDrift {
    pub key: String,
    pub kept: i64,
    pub counted: i64,
}

/// A subject rated at one level, for the lists (KHTNV …).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RatedSubject {
    pub id: Uuid,
    pub name: String,
    pub sort_key: String,
    #[sqlx(try_from = "Coded<SubjectKind>")]
    pub kind: SubjectKind,
    pub unit_id: Uuid,
}

/// One organisation's subtree counts by the hand-written roll-up.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RolledUp {
    pub org_id: Uuid,
    #[sqlx(try_from = "Coded<SubjectKind>")]
    pub kind: SubjectKind,
    #[sqlx(try_from = "Coded<Stage>")]
    pub stage: Stage,
    #[sqlx(try_from = "OptCoded<Level>")]
    pub level: Option<Level>,
    pub count: i64,
}

/// What a unit's counts are grouped by (in `subject_counts`, alias `c`).
const UNIT_COUNT_FIELDS: &str = "c.unit_id, c.org_id, c.kind, c.stage, c.participation, c.level, \
     c.excluded_reason, c.quota_group, c.deciding_org_id";

/// `c` (kept counts) restricted to the period's plans and `u` (closure rows) to the subtree:
/// binds `$1` root, `$2` date, `$3` year, `$4` period kind, `$5` period number. CROSS JOIN keeps
/// SQLite's loop over the subtree outside, through the (plan, unit …) key.
const SUBTREE_COUNTS: &str = "FROM org_closure u CROSS JOIN subject_counts c \
     WHERE u.ancestor_id = $1 AND u.valid_from <= $2 AND u.valid_to > $2 \
       AND c.unit_id = u.descendant_id AND c.subjects <> 0 \
       AND c.plan_id IN (SELECT id FROM plans WHERE year = $3 AND period_kind = $4 AND period_no = $5)";

/// The same over the subjects themselves (alias `s`).
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
    /// Counts per unit of every subject in the scope, as kept in `subject_counts`.
    pub async fn report_unit_counts(&mut self, scope: &ReportScope) -> Result<Vec<UnitCount>> {
        let sql = format!(
            "SELECT {UNIT_COUNT_FIELDS}, CAST(SUM(c.subjects) AS BIGINT) AS count \
             {SUBTREE_COUNTS} GROUP BY {UNIT_COUNT_FIELDS}"
        );
        let rows: Vec<StoredCount> = on_conn!(self, c => scoped!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), scope).fetch_all(c).await?);
        rows.into_iter().map(UnitCount::try_from).collect()
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
                "SELECT {UNIT_COUNT_FIELDS}, CAST(SUM(c.subjects) AS BIGINT) AS count \
                 FROM subject_counts c WHERE c.plan_id IN (SELECT id FROM plans WHERE year = $1 AND period_kind = $2 AND period_no = $3) \
                 AND c.subjects <> 0 AND c.unit_id IN ({}) GROUP BY {UNIT_COUNT_FIELDS}",
                placeholders(4, chunk.len())
            );
            let rows: Vec<StoredCount> = on_conn!(self, c => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(scope.year)
                    .bind(scope.period_kind)
                    .bind(scope.period_no);
                for unit in chunk {
                    q = q.bind(*unit);
                }
                q.fetch_all(c).await?
            });
            for row in rows {
                out.push(UnitCount::try_from(row)?);
            }
        }
        Ok(out)
    }

    /// The number of subjects of each unit in the scope, counted from the subjects themselves
    /// (their (plan, unit) index, never the rows): what the report checks the kept counts
    /// against, and the cross-check's reference.
    pub async fn report_unit_totals(&mut self, scope: &ReportScope) -> Result<Vec<UnitTotal>> {
        let sql =
            format!("SELECT s.unit_id, COUNT(*) AS count {SUBTREE_SUBJECTS} GROUP BY s.unit_id");
        Ok(
            on_conn!(self, c => scoped!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), scope).fetch_all(c).await?),
        )
    }

    /// Every difference between `subject_counts` and the subjects counted in full (one scan of
    /// `subjects`): empty when the kept counts are right. For tests and for an operator who
    /// doubts them; the report itself checks only the totals per unit.
    pub async fn subject_counts_drift(&mut self) -> Result<Vec<CountDrift>> {
        let counted_sql = match self.backend() {
            crate::db::Backend::Sqlite => {
                "SELECT plan_id, unit_id, kind, stage, participation, COALESCE(level, '') AS level, \
                   COALESCE(org_id, zeroblob(16)) AS org_id, quota_group, \
                   COALESCE(deciding_org_id, zeroblob(16)) AS deciding_org_id, \
                   CASE WHEN stage = 'excluded' AND json_valid(eligibility) THEN \
                     COALESCE((SELECT group_concat(json_extract(r.value, '$.message'), '; ') FROM json_each(eligibility, '$.reasons') r), '') \
                   ELSE '' END AS excluded_reason, COUNT(*) AS subjects \
                 FROM subjects GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
            }
            crate::db::Backend::Postgres => {
                "SELECT plan_id, unit_id, kind, stage, participation, COALESCE(level, '') AS level, \
                   COALESCE(org_id, '00000000-0000-0000-0000-000000000000') AS org_id, quota_group, \
                   COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000') AS deciding_org_id, \
                   subject_excluded_reason(stage, eligibility) AS excluded_reason, COUNT(*) AS subjects \
                 FROM subjects GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
            }
        };
        let kept_sql = "SELECT plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, \
             deciding_org_id, excluded_reason, subjects FROM subject_counts WHERE subjects <> 0";
        type Row = (
            Uuid,
            Uuid,
            String,
            String,
            String,
            String,
            Uuid,
            String,
            Uuid,
            String,
            i64,
        );
        let counted: Vec<Row> =
            on_conn!(self, c => sqlx::query_as(counted_sql).fetch_all(c).await?);
        let kept: Vec<Row> = on_conn!(self, c => sqlx::query_as(kept_sql).fetch_all(c).await?);
        let key = |r: &Row| {
            format!(
                "plan {} unit {} kind {} stage {} participation {} level «{}» org {} group {} deciding {} reason «{}»",
                r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9
            )
        };
        let mut both: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
        for row in &kept {
            both.entry(key(row)).or_default().0 += row.10;
        }
        for row in &counted {
            both.entry(key(row)).or_default().1 += row.10;
        }
        Ok(both
            .into_iter()
            .filter(|(_, (kept, counted))| kept != counted)
            .map(|(key, (kept, counted))| CountDrift { key, kept, counted })
            .collect())
    }

    /// The subjects of `units` (in the scope's period) rated KHTNV, in name order (the stored
    /// sort key): the caller names the units its counts found such subjects in. Read from the
    /// partial index `subjects_khtnv` alone (the level is written into the statement so that
    /// both planners can use it).
    pub async fn report_rated_khtnv(
        &mut self,
        scope: &ReportScope,
        units: &[Uuid],
    ) -> Result<Vec<RatedSubject>> {
        let mut out: Vec<RatedSubject> = Vec::new();
        for chunk in units.chunks(500) {
            let sql = format!(
                "SELECT s.id, s.name, s.sort_key, s.kind, s.unit_id FROM subjects s \
                 WHERE s.plan_id IN (SELECT id FROM plans WHERE year = $1 AND period_kind = $2 AND period_no = $3) \
                 AND s.level = 'KHTNV' AND s.unit_id IN ({})",
                placeholders(4, chunk.len())
            );
            let rows: Vec<RatedSubject> = on_conn!(self, c => {
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
