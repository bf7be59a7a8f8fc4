//! The counts behind the summary reports (biểu tổng hợp): the subjects of one period under one
//! organisation, per unit (branch), kind, participation, organisation rated, quota group and
//! deciding organisation, with in columns how many are at each stored stage and, decided, at
//! each level. They are kept in `subject_counts` (migration 0040: one wide row where 0032 kept
//! a narrow row per stage and level), which triggers on `subjects` keep in the same transaction
//! as every write of a subject, and read over the subtree on the plan's date (the closure joined
//! to the counts of the period's plans — each subject is in exactly one plan of a period, so
//! nothing is counted twice).
//!
//! A summary does not keep the units' rows (some thirty thousand for a province, 1.6 million
//! for the country): one pass over them adds them up under each direct child of the root and per
//! quota group ([`Tx::report_subtree_counts`]); on SQLite the pass is shared between two
//! connections reading one snapshot, one core each. The subjects stay the record:
//! [`Tx::report_plan_totals`] counts each plan's subjects from the (plan, unit) index for the
//! report to check the kept counts against, and where a plan's totals differ
//! [`Tx::report_unit_totals`] and [`Tx::report_unit_kept`] find the units;
//! [`Tx::subject_counts_drift`] compares everything. The subjects rated KHTNV are named from a
//! partial index. Rolling every unit's counts up the tree, for a roll-up kept and updated after
//! a change, is the app's (it holds the tree, [`Tx::report_unit_counts`]);
//! [`Tx::report_rollup_sql`] is the same roll-up written as one SQL statement over the subjects
//! themselves, kept for the benchmark to compare with.
//!
//! Like the rest of the store this knows no rule: stages, kinds and levels are the rules'
//! vocabularies, stored as their codes (see [`crate::vocab`]).

use super::batch::placeholders;
use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use crate::vocab::{Coded, OptCoded};
use futures_util::TryStreamExt;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::stage::Stage;
use kiemdiem_rules::{Level, OrgKind, SubjectKind};
use rustc_hash::FxHashMap;
use time::Date;
use uuid::Uuid;

mod sqlite;

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

/// The stages and levels the kept counts have a column for, in their order: a unit count's
/// [`UnitCount::parts`] name them. `Decided` counts the decided and the published.
pub const COUNTED_STAGES: [Stage; 6] = [
    Stage::Pending,
    Stage::SelfReviewed,
    Stage::Reviewed,
    Stage::Proposed,
    Stage::Decided,
    Stage::Excluded,
];
/// The levels counted among the decided (or published) subjects.
pub const COUNTED_LEVELS: [Level; 4] = [Level::Htxsnv, Level::Httnv, Level::Htnv, Level::Khtnv];

/// How many subjects, how many of them at each stored stage and, of those decided (or
/// published), how many at each level: the columns of a row of `subject_counts`, or their sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageCounts {
    /// Every subject counted, whatever its stage.
    pub subjects: i64,
    /// Per [`COUNTED_STAGES`]: `decided` counts `decided` and `published`.
    pub stages: [i64; 6],
    /// Per [`COUNTED_LEVELS`], among the decided (or published).
    pub levels: [i64; 4],
}

/// One part of a [`StageCounts`]: the subjects at one stage (and, decided, one level).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountPart {
    /// One of [`COUNTED_STAGES`]; `Decided` stands for the decided and the published.
    pub stage: Stage,
    /// For decided subjects: one of [`COUNTED_LEVELS`], or `None` for those decided without a
    /// level.
    pub level: Option<Level>,
    pub count: i64,
}

impl StageCounts {
    /// The subjects split by stage (the decided by level), leaving out the empty parts:
    /// together they are exactly `subjects` (reading the counts checked that the stage columns
    /// add up to it); what no level column takes is the decided part without a level.
    pub fn parts(&self) -> Vec<CountPart> {
        let mut out = Vec::with_capacity(10);
        for (stage, n) in COUNTED_STAGES.into_iter().zip(self.stages) {
            if stage == Stage::Decided {
                let mut leveled = 0;
                for (level, m) in COUNTED_LEVELS.into_iter().zip(self.levels) {
                    leveled += m;
                    out.push(CountPart {
                        stage,
                        level: Some(level),
                        count: m,
                    });
                }
                out.push(CountPart {
                    stage,
                    level: None,
                    count: n - leveled,
                });
            } else {
                out.push(CountPart {
                    stage,
                    level: None,
                    count: n,
                });
            }
        }
        out.retain(|p| p.count != 0);
        out
    }

    /// How many are decided (or published) at `level`.
    pub fn decided_at(&self, level: Level) -> i64 {
        COUNTED_LEVELS
            .iter()
            .position(|l| *l == level)
            .map(|i| self.levels[i])
            .unwrap_or_default()
    }

    /// How many are excluded.
    pub fn excluded(&self) -> i64 {
        self.stages[5]
    }

    fn add(&mut self, other: &StageCounts) {
        self.subjects += other.subjects;
        for (sum, n) in self.stages.iter_mut().zip(other.stages) {
            *sum += n;
        }
        for (sum, n) in self.levels.iter_mut().zip(other.levels) {
            *sum += n;
        }
    }
}

/// The eleven count columns of `subject_counts` (or their sums) as read.
#[derive(sqlx::FromRow)]
struct StoredColumns {
    subjects: i64,
    pending: i64,
    self_reviewed: i64,
    reviewed: i64,
    proposed: i64,
    decided: i64,
    excluded_subjects: i64,
    htxsnv: i64,
    httnv: i64,
    htnv: i64,
    khtnv: i64,
}

impl TryFrom<StoredColumns> for StageCounts {
    type Error = StoreError;
    fn try_from(r: StoredColumns) -> Result<StageCounts> {
        let stages = [
            r.pending,
            r.self_reviewed,
            r.reviewed,
            r.proposed,
            r.decided,
            r.excluded_subjects,
        ];
        let levels = [r.htxsnv, r.httnv, r.htnv, r.khtnv];
        // Every stored stage has its column (`decided` takes `published` too): subjects the
        // columns leave over were written at a stage the rules do not know.
        if stages.iter().sum::<i64>() != r.subjects || levels.iter().sum::<i64>() > r.decided {
            return Err(StoreError::Corrupt(format!(
                "subject_counts.subjects: {} đối tượng nhưng các bước cộng lại {} (trong đó đã quyết định {}, các mức cộng lại {})",
                r.subjects,
                stages.iter().sum::<i64>(),
                r.decided,
                levels.iter().sum::<i64>()
            )));
        }
        Ok(StageCounts {
            subjects: r.subjects,
            stages,
            levels,
        })
    }
}

/// The subjects of one unit with one kind, participation, organisation rated, quota group and
/// deciding organisation (and, for those excluded, one reason), with their counts — one row of
/// `subject_counts` (migration 0040).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitCount {
    pub unit_id: Uuid,
    /// The plan the subjects are in (one of the period's).
    pub plan_id: Uuid,
    /// The organisation rated, for organisation subjects (and collectives).
    pub org_id: Option<Uuid>,
    pub kind: SubjectKind,
    pub participation: Participation,
    /// For a row of excluded subjects: the messages of their eligibility's reasons, joined by
    /// "; " (empty when it gave none); `None` for the row of the others.
    pub excluded_reason: Option<String>,
    /// The comparable group of the HTXSNV quota and the organisation whose body decides.
    pub quota_group: String,
    pub deciding_org_id: Option<Uuid>,
    pub counts: StageCounts,
}

/// A row of `subject_counts` as stored: no NULL in the key (nil UUID, empty text).
#[derive(sqlx::FromRow)]
struct StoredCount {
    unit_id: Uuid,
    plan_id: Uuid,
    org_id: Uuid,
    #[sqlx(try_from = "Coded<SubjectKind>")]
    kind: SubjectKind,
    #[sqlx(try_from = "Coded<Participation>")]
    participation: Participation,
    excluded_reason: String,
    quota_group: String,
    deciding_org_id: Uuid,
    #[sqlx(flatten)]
    counts: StoredColumns,
}

impl TryFrom<StoredCount> for UnitCount {
    type Error = StoreError;
    fn try_from(r: StoredCount) -> Result<UnitCount> {
        let counts = StageCounts::try_from(r.counts)?;
        Ok(UnitCount {
            unit_id: r.unit_id,
            plan_id: r.plan_id,
            org_id: (!r.org_id.is_nil()).then_some(r.org_id),
            kind: r.kind,
            participation: r.participation,
            excluded_reason: (counts.excluded() != 0).then_some(r.excluded_reason),
            quota_group: r.quota_group,
            deciding_org_id: (!r.deciding_org_id.is_nil()).then_some(r.deciding_org_id),
            counts,
        })
    }
}

/// The kept counts of a subtree added up under each direct child of its root (the root's own
/// subjects apart), per plan, kind, participation, kind of the organisation rated and reason of
/// exclusion: what a summary's tables, its children's lines and its cross-check read — a few
/// hundred rows for a province, where its units' rows are some thirty thousand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildCount {
    /// The root's direct child whose subtree the subjects are in; `None` for the root's own.
    pub child: Option<Uuid>,
    pub plan_id: Uuid,
    pub kind: SubjectKind,
    pub participation: Participation,
    /// For organisation subjects: the kind of the organisation rated, on the scope's date.
    pub org_kind: Option<OrgKind>,
    /// For excluded subjects: the messages of their eligibility's reasons, joined by "; ".
    pub excluded_reason: Option<String>,
    pub counts: StageCounts,
}

/// The decided levels of one comparable group of the HTXSNV quota within a subtree (subjects
/// reviewed and classified, decided or published), with the organisation whose body decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaCount {
    pub quota_group: String,
    /// One kind of subject of the group (a group holds one quota category).
    pub kind: SubjectKind,
    /// `None` when the subjects name no deciding organisation.
    pub deciding_org_id: Option<Uuid>,
    /// Its name on the scope's date, or its last name when it no longer exists then.
    pub deciding_org_name: Option<String>,
    pub htxsnv: i64,
    pub httnv: i64,
    pub htnv: i64,
    pub khtnv: i64,
}

/// What a summary asks of its subtree besides the kept counts added up under each direct child,
/// all read on one snapshot (see [`Tx::report_subtree_counts`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SubtreeAsk<'a> {
    /// The decided levels of every quota group met.
    pub quota: bool,
    /// The plans whose subjects to count from the subjects themselves, as
    /// [`Tx::report_plan_totals`] does.
    pub totals_of: &'a [Uuid],
    /// The plans whose subjects rated KHTNV to list, each plan whole, as
    /// [`Tx::report_rated_khtnv`] does with `whole`.
    pub khtnv_of: &'a [Uuid],
}

/// What a summary reads of its subtree: the kept counts added up under each direct child of the
/// root, and what [`SubtreeAsk`] asked besides (empty when not asked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubtreeCounts {
    pub children: Vec<ChildCount>,
    pub quota: Vec<QuotaCount>,
    /// Each plan of [`SubtreeAsk::totals_of`] that has subjects, with their number.
    pub plan_totals: Vec<(Uuid, i64)>,
    /// The subjects of [`SubtreeAsk::khtnv_of`]'s plans rated KHTNV, in name order.
    pub khtnv: Vec<RatedSubject>,
    /// How many connections shared the reading, on one snapshot: 2 when SQLite borrowed an
    /// idle connection of the pool, else 1.
    pub connections: usize,
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

/// A row of the kept counts or of the same counted from the subjects, for the drift check: its
/// key as text and its eleven counts.
fn drift_row<R>(row: &R) -> std::result::Result<(String, [i64; 11]), sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let key = format!(
        "plan {} unit {} kind {} participation {} org {} group {} deciding {} reason «{}»",
        row.try_get::<Uuid, _>(0)?,
        row.try_get::<Uuid, _>(1)?,
        row.try_get::<String, _>(2)?,
        row.try_get::<String, _>(3)?,
        row.try_get::<Uuid, _>(4)?,
        row.try_get::<String, _>(5)?,
        row.try_get::<Uuid, _>(6)?,
        row.try_get::<String, _>(7)?,
    );
    let mut values = [0; 11];
    for (i, value) in values.iter_mut().enumerate() {
        *value = row.try_get::<i64, _>(8 + i)?;
    }
    Ok((key, values))
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
    /// The unit's name on the report's date (none when it did not exist then).
    pub unit_name: Option<String>,
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

/// A row of the kept counts (`subject_counts`, alias `c`) as [`StoredCount`] reads it.
const UNIT_COUNT_FIELDS: &str = "c.unit_id, c.plan_id, c.org_id, c.kind, c.participation, c.excluded_reason, \
     c.quota_group, c.deciding_org_id, c.subjects, c.pending, c.self_reviewed, c.reviewed, \
     c.proposed, c.decided, c.excluded_subjects, c.htxsnv, c.httnv, c.htnv, c.khtnv";

/// What the summary's one pass reads of each count row of a subtree after the direct child it
/// lies under, in this order (SQLite reads them by position, PostgreSQL by name): the key, the
/// kind of the organisation rated for organisation subjects (`$6` binds that kind of subject's
/// code, `$2` the date) and the eleven counts.
const PASS_COLUMNS: &str = "c.plan_id, c.kind, c.participation, \
     CASE WHEN c.kind = $6 THEN (SELECT v.kind FROM org_versions v \
       WHERE v.org_id = c.org_id AND v.valid_from <= $2 AND v.valid_to > $2) END AS org_kind, \
     c.excluded_reason, c.quota_group, c.deciding_org_id, \
     c.subjects, c.pending, c.self_reviewed, c.reviewed, c.proposed, c.decided, \
     c.excluded_subjects, c.htxsnv, c.httnv, c.htnv, c.khtnv";

/// On PostgreSQL, the direct child of the root a count row of [`CHILD_COUNTS_POSTGRES`] lies
/// under (none for the root's own), before [`PASS_COLUMNS`].
const PASS_CHILD_POSTGRES: &str =
    "CASE WHEN ch.depth = 0 THEN NULL ELSE ch.descendant_id END AS child";

/// [`SUBTREE_COUNTS_POSTGRES`] reached through the root's direct children: `ch` is the root
/// (depth 0, its own units only) or one of its children (depth 1, its whole subtree), `u` the
/// units under it. Same binds; `$6` is the code of the organisation kind of subject.
const CHILD_COUNTS_POSTGRES: &str = "FROM org_closure ch CROSS JOIN org_closure u CROSS JOIN subject_counts c \
     WHERE ch.ancestor_id = $1 AND ch.valid_from <= $2 AND ch.valid_to > $2 AND ch.depth <= 1 \
       AND u.ancestor_id = ch.descendant_id AND u.valid_from <= $2 AND u.valid_to > $2 \
       AND (ch.depth = 1 OR u.depth = 0) \
       AND c.unit_id = u.descendant_id \
       AND c.plan_id IN (SELECT id FROM plans WHERE year = $3 AND period_kind = $4 AND period_no = $5)";

/// `c` (kept counts) restricted to the period's plans and `u` (closure rows) to the subtree:
/// binds `$1` root, `$2` date, `$3` year, `$4` period kind, `$5` period number. CROSS JOIN keeps
/// SQLite's loop over the subtree outside; each unit is then one range of the counts' key (which
/// starts with the unit), the period's plans a filter on it — `+` keeps SQLite from looking every
/// unit up once per plan of the period (56 nationally) through the key's second column. No
/// grouping: a unit whose subjects are in two plans of the period (a lower plan took some over)
/// gives a row per plan, and every reader adds rows up.
const SUBTREE_COUNTS_SQLITE: &str = "FROM org_closure u CROSS JOIN subject_counts c \
     WHERE u.ancestor_id = $1 AND u.valid_from <= $2 AND u.valid_to > $2 \
       AND c.unit_id = u.descendant_id \
       AND +c.plan_id IN (SELECT id FROM plans WHERE year = $3 AND period_kind = $4 AND period_no = $5)";
/// The same for PostgreSQL (which has no unary `+` on a UUID and needs none).
const SUBTREE_COUNTS_POSTGRES: &str = "FROM org_closure u CROSS JOIN subject_counts c \
     WHERE u.ancestor_id = $1 AND u.valid_from <= $2 AND u.valid_to > $2 \
       AND c.unit_id = u.descendant_id \
       AND c.plan_id IN (SELECT id FROM plans WHERE year = $3 AND period_kind = $4 AND period_no = $5)";

/// The subjects (alias `s`) of the units of the subtree (`u`, binds `$1` root and `$2` date) in
/// the plans bound from `$3` on: each (plan, unit) one range of the (plan, unit) index.
const SUBTREE_SUBJECTS: &str = "FROM org_closure u CROSS JOIN subjects s \
     WHERE u.ancestor_id = $1 AND u.valid_from <= $2 AND u.valid_to > $2 \
       AND s.unit_id = u.descendant_id";

/// Binds a [`ReportScope`] as `$1`…`$5` of [`SUBTREE_COUNTS_SQLITE`].
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
        let subtree = match self.backend() {
            crate::db::Backend::Sqlite => SUBTREE_COUNTS_SQLITE,
            crate::db::Backend::Postgres => SUBTREE_COUNTS_POSTGRES,
        };
        let sql = format!("SELECT {UNIT_COUNT_FIELDS} {subtree}");
        let rows: Vec<StoredCount> = on_conn!(self, c => scoped!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), scope).fetch_all(c).await?);
        rows.into_iter().map(UnitCount::try_from).collect()
    }

    /// The kept counts of the scope's subtree added up under each direct child of the root
    /// (and the root's own apart) per plan, kind, participation, kind of the organisation rated
    /// and reason of exclusion, and what `ask` asks besides: the decided levels of every
    /// comparable group of the HTXSNV quota met in it (subjects reviewed and classified, at
    /// least one decided) with the name of the organisation whose body decides, plans' subjects
    /// counted and their KHTNV listed — every part read on this transaction's snapshot.
    ///
    /// One pass over the subtree's count rows on both backends, added up here ([`SubtreeSums`],
    /// as a `GROUP BY` would): grouping in the database costs more than reading the rows once
    /// (measured at a province, 28 970 rows: SQLite's sorter 47 ms and 25 ms for the two
    /// groupings, PostgreSQL 150 ms and 100 ms against 85 ms for its rows). On SQLite the rows
    /// are read on the connection's own handle (sqlx's driver hands each row from its worker
    /// thread with a copy of each value: 70–250 ms for these rows, against 33 ms for the whole
    /// pass), one direct child at a time, and, when the pool has a connection idle, on two
    /// connections reading the same snapshot, one thread each (module `sqlite`).
    pub async fn report_subtree_counts(
        &mut self,
        scope: &ReportScope,
        ask: &SubtreeAsk<'_>,
    ) -> Result<SubtreeCounts> {
        let postgres = match &mut self.conn {
            crate::db::TxConn::Sqlite(t) => {
                return sqlite::subtree_counts(t, self.helpers.as_ref(), scope, ask).await;
            }
            other => crate::db::pg_connection(other),
        };
        let mut sums = SubtreeSums::new(ask.quota);
        let sql = format!("SELECT {PASS_CHILD_POSTGRES}, {PASS_COLUMNS} {CHILD_COUNTS_POSTGRES}");
        {
            let mut rows = scoped!(
                sqlx::query_as::<_, StoredPassRow>(sqlx::AssertSqlSafe(sql)),
                scope
            )
            .bind(SubjectKind::Organisation.code())
            .fetch(&mut *postgres);
            while let Some(row) = rows.try_next().await? {
                let counts = StageCounts::try_from(row.counts)?;
                sums.add(&PassRow {
                    child: row.child,
                    plan: row.plan_id,
                    kind: row.kind,
                    participation: row.participation,
                    org_kind: row.org_kind,
                    excluded_reason: &row.excluded_reason,
                    quota_group: &row.quota_group,
                    deciding: row.deciding_org_id,
                    counts,
                });
            }
        }
        // The deciding organisations' names on the date, or their last names.
        let orgs = sums.deciding_orgs();
        let names: Vec<(Uuid, String)> = if orgs.is_empty() {
            Vec::new()
        } else {
            sqlx::query_as(
                "SELECT DISTINCT ON (v.org_id) v.org_id, v.name FROM org_versions v \
                 WHERE v.org_id = ANY($1) \
                 ORDER BY v.org_id, (v.valid_from <= $2 AND v.valid_to > $2) DESC, v.seq DESC",
            )
            .bind(&orgs)
            .bind(scope.on)
            .fetch_all(&mut *postgres)
            .await?
        };
        let mut counts = sums.finish(&names.into_iter().collect());
        counts.plan_totals = self.report_plan_totals(ask.totals_of).await?;
        counts.khtnv = self.report_rated_khtnv(scope, ask.khtnv_of, true).await?;
        Ok(counts)
    }

    /// The kept number of subjects of each unit of the scope's subtree: what the cross-check
    /// compares unit by unit with [`Tx::report_unit_totals`] when the plans' totals differ.
    pub async fn report_unit_kept(&mut self, scope: &ReportScope) -> Result<Vec<UnitTotal>> {
        let subtree = match self.backend() {
            crate::db::Backend::Sqlite => SUBTREE_COUNTS_SQLITE,
            crate::db::Backend::Postgres => SUBTREE_COUNTS_POSTGRES,
        };
        let sql = format!(
            "SELECT c.unit_id, CAST(SUM(c.subjects) AS BIGINT) AS count {subtree} GROUP BY c.unit_id"
        );
        Ok(
            on_conn!(self, c => scoped!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), scope).fetch_all(c).await?),
        )
    }

    /// The number of subjects of each of `plans`, counted from the subjects themselves (their
    /// (plan, unit) index, one range a plan): the first reference of a report's cross-check.
    pub async fn report_plan_totals(&mut self, plans: &[Uuid]) -> Result<Vec<(Uuid, i64)>> {
        if plans.is_empty() {
            return Ok(Vec::new());
        }
        let sql = plan_totals_sql(plans.len());
        Ok(on_conn!(self, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for plan in plans {
                q = q.bind(*plan);
            }
            q.fetch_all(c).await?
        }))
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
                "SELECT {UNIT_COUNT_FIELDS} \
                 FROM subject_counts c WHERE c.plan_id IN (SELECT id FROM plans WHERE year = $1 AND period_kind = $2 AND period_no = $3) \
                 AND c.unit_id IN ({})",
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

    /// The periods' plans that may hold subjects of the scope's subtree: those of an
    /// organisation above the root (or the root) or inside its subtree on the scope's date. A
    /// report adds those its kept counts name (a unit moved out of a plan's tree during the
    /// year keeps its subjects in that plan).
    pub async fn report_plans(&mut self, scope: &ReportScope) -> Result<Vec<Uuid>> {
        let sql = match self.backend() {
            // Each plan of the period looks its organisation up against the root: two probes of
            // the closure's descendant index (`+` keeps SQLite off the ancestor index, which
            // would walk the root's or the plan's whole subtree once per plan: 45 ms a
            // province). Listing the subtree to look the plans up in it took 7.5 ms.
            crate::db::Backend::Sqlite => {
                "SELECT p.id FROM plans p WHERE p.year = $3 AND p.period_kind = $4 AND p.period_no = $5 \
                 AND (EXISTS (SELECT 1 FROM org_closure a WHERE a.descendant_id = $1 \
                                AND +a.ancestor_id = p.org_id AND a.valid_from <= $2 AND a.valid_to > $2) \
                   OR EXISTS (SELECT 1 FROM org_closure d WHERE d.descendant_id = p.org_id \
                                AND +d.ancestor_id = $1 AND d.valid_from <= $2 AND d.valid_to > $2))"
            }
            crate::db::Backend::Postgres => {
                "SELECT p.id FROM plans p WHERE p.year = $3 AND p.period_kind = $4 AND p.period_no = $5 \
                 AND (p.org_id IN (SELECT a.ancestor_id FROM org_closure a \
                                   WHERE a.descendant_id = $1 AND a.valid_from <= $2 AND a.valid_to > $2) \
                   OR p.org_id IN (SELECT d.descendant_id FROM org_closure d \
                                   WHERE d.ancestor_id = $1 AND d.valid_from <= $2 AND d.valid_to > $2))"
            }
        };
        Ok(on_conn!(self, c => scoped!(sqlx::query_scalar(sql), scope).fetch_all(c).await?))
    }

    /// The number of subjects of each unit of the scope's subtree in `plans` (the period's
    /// plans the report reads, see [`Tx::report_plans`]), counted from the subjects themselves
    /// (their (plan, unit) index, never the rows): what the report checks the kept counts
    /// against, and the cross-check's reference.
    pub async fn report_unit_totals(
        &mut self,
        scope: &ReportScope,
        plans: &[Uuid],
    ) -> Result<Vec<UnitTotal>> {
        if plans.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT s.unit_id, COUNT(*) AS count {SUBTREE_SUBJECTS} AND s.plan_id IN ({}) GROUP BY s.unit_id",
            placeholders(3, plans.len())
        );
        Ok(on_conn!(self, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(scope.root).bind(scope.on);
            for plan in plans {
                q = q.bind(*plan);
            }
            q.fetch_all(c).await?
        }))
    }

    /// Every difference between `subject_counts` and the subjects counted in full (one scan of
    /// `subjects`), key by key and column by column: empty when the kept counts are right. For
    /// tests and for an operator who doubts them; the report itself checks only the totals per
    /// unit.
    pub async fn subject_counts_drift(&mut self) -> Result<Vec<CountDrift>> {
        let counted_sql = match self.backend() {
            crate::db::Backend::Sqlite => {
                "SELECT plan_id, unit_id, kind, participation, COALESCE(org_id, zeroblob(16)) AS org_id, \
                   quota_group, COALESCE(deciding_org_id, zeroblob(16)) AS deciding_org_id, \
                   CASE WHEN stage = 'excluded' AND json_valid(eligibility) THEN \
                     COALESCE((SELECT group_concat(json_extract(r.value, '$.message'), '; ') FROM json_each(eligibility, '$.reasons') r), '') \
                   ELSE '' END AS excluded_reason, COUNT(*) AS subjects, \
                   SUM(stage = 'pending'), SUM(stage = 'self_reviewed'), SUM(stage = 'reviewed'), \
                   SUM(stage = 'proposed'), SUM(stage IN ('decided', 'published')), SUM(stage = 'excluded'), \
                   SUM(stage IN ('decided', 'published') AND level IS 'HTXSNV'), \
                   SUM(stage IN ('decided', 'published') AND level IS 'HTTNV'), \
                   SUM(stage IN ('decided', 'published') AND level IS 'HTNV'), \
                   SUM(stage IN ('decided', 'published') AND level IS 'KHTNV') \
                 FROM subjects GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
            }
            crate::db::Backend::Postgres => {
                "SELECT plan_id, unit_id, kind, participation, \
                   COALESCE(org_id, '00000000-0000-0000-0000-000000000000') AS org_id, quota_group, \
                   COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000') AS deciding_org_id, \
                   subject_excluded_reason(stage, eligibility) AS excluded_reason, COUNT(*) AS subjects, \
                   COUNT(*) FILTER (WHERE stage = 'pending'), COUNT(*) FILTER (WHERE stage = 'self_reviewed'), \
                   COUNT(*) FILTER (WHERE stage = 'reviewed'), COUNT(*) FILTER (WHERE stage = 'proposed'), \
                   COUNT(*) FILTER (WHERE stage IN ('decided', 'published')), \
                   COUNT(*) FILTER (WHERE stage = 'excluded'), \
                   COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level = 'HTXSNV'), \
                   COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level = 'HTTNV'), \
                   COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level = 'HTNV'), \
                   COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level = 'KHTNV') \
                 FROM subjects GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
            }
        };
        let kept_sql = "SELECT plan_id, unit_id, kind, participation, org_id, quota_group, \
             deciding_org_id, excluded_reason, subjects, pending, self_reviewed, reviewed, proposed, \
             decided, excluded_subjects, htxsnv, httnv, htnv, khtnv FROM subject_counts";
        let counted = on_conn!(self, c => sqlx::query(counted_sql).fetch_all(c).await?
            .iter().map(drift_row).collect::<std::result::Result<Vec<_>, sqlx::Error>>()?);
        let kept = on_conn!(self, c => sqlx::query(kept_sql).fetch_all(c).await?
            .iter().map(drift_row).collect::<std::result::Result<Vec<_>, sqlx::Error>>()?);
        const COLUMNS: [&str; 11] = [
            "subjects",
            "pending",
            "self_reviewed",
            "reviewed",
            "proposed",
            "decided",
            "excluded_subjects",
            "htxsnv",
            "httnv",
            "htnv",
            "khtnv",
        ];
        let mut both: std::collections::BTreeMap<String, ([i64; 11], [i64; 11])> =
            Default::default();
        for (key, values) in kept {
            let entry = both.entry(key).or_default();
            for (sum, n) in entry.0.iter_mut().zip(values) {
                *sum += n;
            }
        }
        for (key, values) in counted {
            let entry = both.entry(key).or_default();
            for (sum, n) in entry.1.iter_mut().zip(values) {
                *sum += n;
            }
        }
        let mut out = Vec::new();
        for (key, (kept, counted)) in both {
            for (i, column) in COLUMNS.iter().enumerate() {
                if kept[i] != counted[i] {
                    out.push(CountDrift {
                        key: format!("{key} column {column}"),
                        kept: kept[i],
                        counted: counted[i],
                    });
                }
            }
        }
        Ok(out)
    }

    /// The subjects of the scope's subtree in `plans` decided (or published) KHTNV, in name
    /// order (the stored sort key), each with the name of its unit on the scope's date, read
    /// from the partial index `subjects_khtnv` (plan, unit, …). When the subtree holds every
    /// subject of the plans (`whole`), each plan is one range of it; otherwise each unit of the
    /// subtree is, and SQLite is told to use it (its planner would otherwise take the plain
    /// (plan, unit) index and read every subject). The level is written into the statement so
    /// that PostgreSQL's planner can use the index too.
    pub async fn report_rated_khtnv(
        &mut self,
        scope: &ReportScope,
        plans: &[Uuid],
        whole: bool,
    ) -> Result<Vec<RatedSubject>> {
        if plans.is_empty() {
            return Ok(Vec::new());
        }
        let sql = khtnv_sql(self.backend(), plans.len(), whole);
        let out: Vec<RatedSubject> = on_conn!(self, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(scope.on);
            for plan in plans {
                q = q.bind(*plan);
            }
            if !whole {
                q = q.bind(scope.root);
            }
            q.fetch_all(c).await?
        });
        Ok(khtnv_in_order(out))
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

/// [`Tx::report_plan_totals`]'s statement for `plans` plans (`$1`…).
fn plan_totals_sql(plans: usize) -> String {
    format!(
        "SELECT plan_id, COUNT(*) FROM subjects WHERE plan_id IN ({}) GROUP BY plan_id",
        placeholders(1, plans)
    )
}

/// [`Tx::report_rated_khtnv`]'s statement: `$1` is the date the units are named on, the
/// `plans` plans follow, then (unless `whole`) the root.
fn khtnv_sql(backend: crate::db::Backend, plans: usize, whole: bool) -> String {
    let indexed = match backend {
        crate::db::Backend::Sqlite => "INDEXED BY subjects_khtnv",
        crate::db::Backend::Postgres => "",
    };
    let columns = "s.id, s.name, s.sort_key, s.kind, s.unit_id, \
           (SELECT v.name FROM org_versions v WHERE v.org_id = s.unit_id \
              AND v.valid_from <= $1 AND v.valid_to > $1) AS unit_name";
    let rated = "s.level = 'KHTNV' AND s.stage IN ('decided', 'published')";
    if whole {
        format!(
            "SELECT {columns} FROM subjects s {indexed} WHERE s.plan_id IN ({}) AND {rated}",
            placeholders(2, plans)
        )
    } else {
        format!(
            "SELECT {columns} FROM org_closure u CROSS JOIN subjects s {indexed} \
             WHERE u.ancestor_id = ${} AND u.valid_from <= $1 AND u.valid_to > $1 \
               AND s.plan_id IN ({}) AND s.unit_id = u.descendant_id AND {rated}",
            plans + 2,
            placeholders(2, plans)
        )
    }
}

/// The KHTNV list in name order (the stored sort key), as every reader of it gives it.
fn khtnv_in_order(mut rated: Vec<RatedSubject>) -> Vec<RatedSubject> {
    rated.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.id.cmp(&b.id)));
    rated
}

/// The decided levels of one quota group being added up, and the least code of its kinds.
struct QuotaSums {
    kind: SubjectKind,
    levels: [i64; 4],
}

impl QuotaSums {
    /// Adds `levels` of subjects of `kind`.
    fn add(&mut self, kind: SubjectKind, levels: [i64; 4]) {
        if kind.code() < self.kind.code() {
            self.kind = kind;
        }
        for (sum, n) in self.levels.iter_mut().zip(levels) {
            *sum += n;
        }
    }
}

/// One count row of the summary's pass, as either backend reads it.
struct PassRow<'a> {
    child: Option<Uuid>,
    plan: Uuid,
    kind: SubjectKind,
    participation: Participation,
    org_kind: Option<OrgKind>,
    excluded_reason: &'a str,
    quota_group: &'a str,
    deciding: Uuid,
    counts: StageCounts,
}

/// A count row as PostgreSQL gives it ([`PASS_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct StoredPassRow {
    child: Option<Uuid>,
    plan_id: Uuid,
    #[sqlx(try_from = "Coded<SubjectKind>")]
    kind: SubjectKind,
    #[sqlx(try_from = "Coded<Participation>")]
    participation: Participation,
    #[sqlx(try_from = "OptCoded<OrgKind>")]
    org_kind: Option<OrgKind>,
    excluded_reason: String,
    quota_group: String,
    deciding_org_id: Uuid,
    #[sqlx(flatten)]
    counts: StoredColumns,
}

type ChildKey = (
    Option<Uuid>,
    Uuid,
    SubjectKind,
    Participation,
    Option<OrgKind>,
    Option<String>,
);

/// The sums of the summary's one pass over a subtree's count rows: per direct child and key
/// (what [`ChildCount`] holds), and with `quota` per quota group and deciding organisation
/// (subjects reviewed and classified with a decided level), as a `GROUP BY` would add them up.
struct SubtreeSums {
    quota: bool,
    children: FxHashMap<ChildKey, StageCounts>,
    groups: FxHashMap<String, FxHashMap<Uuid, QuotaSums>>,
}

impl SubtreeSums {
    fn new(quota: bool) -> SubtreeSums {
        SubtreeSums {
            quota,
            children: FxHashMap::default(),
            groups: FxHashMap::default(),
        }
    }

    fn add(&mut self, row: &PassRow<'_>) {
        let counts = &row.counts;
        let excluded_reason = (counts.excluded() != 0).then(|| row.excluded_reason.to_owned());
        let key = (
            row.child,
            row.plan,
            row.kind,
            row.participation,
            row.org_kind,
            excluded_reason,
        );
        self.children.entry(key).or_default().add(counts);
        if !self.quota
            || row.participation != Participation::ReviewAndClassify
            || counts.levels.iter().all(|n| *n == 0)
        {
            return;
        }
        if !self.groups.contains_key(row.quota_group) {
            self.groups
                .insert(row.quota_group.to_owned(), FxHashMap::default());
        }
        let Some(by_org) = self.groups.get_mut(row.quota_group) else {
            return;
        };
        by_org
            .entry(row.deciding)
            .or_insert(QuotaSums {
                kind: row.kind,
                levels: [0; 4],
            })
            .add(row.kind, counts.levels);
    }

    /// Adds the sums of another pass, over other count rows of the same subtree.
    fn merge(&mut self, other: SubtreeSums) {
        for (key, counts) in other.children {
            self.children.entry(key).or_default().add(&counts);
        }
        for (group, by_org) in other.groups {
            let mine = self.groups.entry(group).or_default();
            for (deciding, theirs) in by_org {
                mine.entry(deciding)
                    .or_insert(QuotaSums {
                        kind: theirs.kind,
                        levels: [0; 4],
                    })
                    .add(theirs.kind, theirs.levels);
            }
        }
    }

    /// The organisations whose bodies decide the groups met, each once.
    fn deciding_orgs(&self) -> Vec<Uuid> {
        let mut orgs: Vec<Uuid> = self
            .groups
            .values()
            .flat_map(|by_org| by_org.keys().copied())
            .filter(|id| !id.is_nil())
            .collect();
        orgs.sort_unstable();
        orgs.dedup();
        orgs
    }

    /// The sums, each deciding organisation named from `names`.
    fn finish(self, names: &FxHashMap<Uuid, String>) -> SubtreeCounts {
        let children = self
            .children
            .into_iter()
            .map(
                |((child, plan_id, kind, participation, org_kind, excluded_reason), counts)| {
                    ChildCount {
                        child,
                        plan_id,
                        kind,
                        participation,
                        org_kind,
                        excluded_reason,
                        counts,
                    }
                },
            )
            .collect();
        let mut quota = Vec::new();
        for (group, by_org) in self.groups {
            for (deciding, sums) in by_org {
                quota.push(QuotaCount {
                    quota_group: group.clone(),
                    kind: sums.kind,
                    deciding_org_id: (!deciding.is_nil()).then_some(deciding),
                    deciding_org_name: names.get(&deciding).cloned(),
                    htxsnv: sums.levels[0],
                    httnv: sums.levels[1],
                    htnv: sums.levels[2],
                    khtnv: sums.levels[3],
                });
            }
        }
        SubtreeCounts {
            children,
            quota,
            connections: 1,
            ..SubtreeCounts::default()
        }
    }
}
