//! Plans (kế hoạch), their phases and frameworks, and the subjects (đối tượng) created when a
//! plan is opened, with the set-based reads that opening needs (members, statuses, posts,
//! temporary branches and transfers of many branches at once).

use super::batch::{Cell, placeholders};
use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use crate::vocab::{Coded, OptCoded};
use kiemdiem_rules::authority::Body;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::stage::Stage;
use kiemdiem_rules::{Level, SubjectKind};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A plan as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub year: i64,
    /// `year`, `half` or `quarter`.
    pub period_kind: String,
    /// 0 for a year, 1–2 for a half, 1–4 for a quarter.
    pub period_no: i64,
    pub parent_plan_id: Option<Uuid>,
    pub title: String,
    pub rule_set: String,
    pub local_layer: Option<String>,
    pub review_date: Date,
    /// `draft`, `open` or `published`.
    pub status: String,
    pub subjects_count: i64,
    pub excluded_count: i64,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
    /// The document the plan was issued by, once recorded.
    pub document_id: Option<Uuid>,
}

/// A new plan (status `draft`, version 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    pub id: Uuid,
    pub org_id: Uuid,
    pub year: i64,
    pub period_kind: String,
    pub period_no: i64,
    pub parent_plan_id: Option<Uuid>,
    pub title: String,
    pub rule_set: String,
    pub local_layer: Option<String>,
    pub review_date: Date,
}

/// A phase of a plan with its dates; `step` ties its end date to a step of progress.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PhaseRow {
    pub code: String,
    pub title: String,
    pub step: Option<String>,
    pub starts_on: Date,
    pub ends_on: Date,
    /// Where the dates come from (the plan's own text, the superior's plan, a local layer).
    pub source: String,
}

/// One subject to create when a plan opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectLoad {
    pub id: Uuid,
    pub kind: SubjectKind,
    pub member_id: Option<Uuid>,
    pub leader_id: Option<Uuid>,
    pub collective_id: Option<Uuid>,
    pub org_id: Option<Uuid>,
    /// Where the subject is reviewed: the branch of a member, the organisation itself, the
    /// organisation that manages a collective.
    pub unit_id: Uuid,
    pub name: String,
    pub sort_key: String,
    pub participation: Participation,
    /// JSON of the eligibility reasons and attachments, when there are any.
    pub eligibility: Option<String>,
    pub form_code: String,
    pub framework_id: Option<String>,
    pub decides_body: Body,
    pub deciding_org_id: Option<Uuid>,
    pub proposes_body: Option<Body>,
    pub quota_group: String,
    pub stage: Stage,
}

/// A subject as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SubjectRow {
    pub id: Uuid,
    pub plan_id: Uuid,
    #[sqlx(try_from = "Coded<SubjectKind>")]
    pub kind: SubjectKind,
    pub member_id: Option<Uuid>,
    pub leader_id: Option<Uuid>,
    pub collective_id: Option<Uuid>,
    pub org_id: Option<Uuid>,
    pub unit_id: Uuid,
    pub name: String,
    pub sort_key: String,
    #[sqlx(try_from = "Coded<Participation>")]
    pub participation: Participation,
    pub eligibility: Option<String>,
    pub form_code: String,
    pub framework_id: Option<String>,
    #[sqlx(try_from = "Coded<Body>")]
    pub decides_body: Body,
    pub deciding_org_id: Option<Uuid>,
    #[sqlx(try_from = "OptCoded<Body>")]
    pub proposes_body: Option<Body>,
    pub quota_group: String,
    #[sqlx(try_from = "Coded<Stage>")]
    pub stage: Stage,
    #[sqlx(try_from = "OptCoded<Level>")]
    pub level: Option<Level>,
    pub decision_id: Option<Uuid>,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: OffsetDateTime,
}

/// Results of one period or unit of an organisation's year (before/after a merger, or one unit
/// of a joint branch).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SubjectPartRow {
    pub subject_id: Uuid,
    pub seq: i64,
    /// `before_change`, `after_change` or `joint_unit`.
    pub kind: String,
    pub label: String,
    pub source_org_id: Option<Uuid>,
    pub from_on: Option<Date>,
    pub to_on: Option<Date>,
    pub tasks_assigned: Option<i64>,
    pub tasks_completed: Option<i64>,
    pub tasks_on_time: Option<i64>,
    pub tasks_exceeded: Option<i64>,
    pub note: String,
    pub version: i64,
}

/// A member as needed to open a plan: identity, branch and the dates the rules look at.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanMember {
    pub member_id: Uuid,
    pub branch_id: Uuid,
    pub full_name: String,
    pub sort_key: String,
    pub admitted_on: Date,
    pub official_on: Option<Date>,
    pub civil_servant: bool,
    pub employer_unit: String,
}

/// A dated record of a member (status, leave, post, temporary branch, transfer) for opening.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberPeriod {
    pub member_id: Uuid,
    pub kind: String,
    pub valid_from: Date,
    pub valid_to: Date,
    /// The organisation or collective concerned, when there is one.
    pub place: Option<Uuid>,
}

/// A collective as needed to open a plan, with its number of direct leaders on the day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanCollective {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub org_id: Uuid,
    pub valid_from: Date,
    pub leaders: i64,
}

/// A head or deputy of a leadership collective (cán bộ lãnh đạo, quản lý) on the day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanLeader {
    pub position_id: Uuid,
    pub collective_id: Uuid,
    pub member_id: Option<Uuid>,
    pub leader_id: Option<Uuid>,
    pub kind: String,
    pub name: String,
    pub sort_key: String,
}

pub(crate) const PLAN_COLUMNS: &str = "id, org_id, year, period_kind, period_no, parent_plan_id, title, rule_set, local_layer, review_date, status, subjects_count, excluded_count, version, changed_by, changed_at, document_id";

pub(crate) const SUBJECT_SELECT: &str = "SELECT id, plan_id, kind, member_id, leader_id, collective_id, org_id, unit_id, name, sort_key, participation, eligibility, form_code, framework_id, decides_body, deciding_org_id, proposes_body, quota_group, stage, level, decision_id, version, changed_by, changed_at FROM subjects";

const SUBJECT_COLUMNS: [&str; 24] = [
    "id",
    "plan_id",
    "kind",
    "member_id",
    "leader_id",
    "collective_id",
    "org_id",
    "unit_id",
    "name",
    "sort_key",
    "participation",
    "eligibility",
    "form_code",
    "framework_id",
    "decides_body",
    "deciding_org_id",
    "proposes_body",
    "quota_group",
    "stage",
    "level",
    "decision_id",
    "version",
    "changed_by",
    "changed_at",
];

impl Tx {
    pub async fn insert_plan(&mut self, plan: &NewPlan) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO plans (id, org_id, year, period_kind, period_no, parent_plan_id, title, rule_set, local_layer, review_date, status, version, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', 1, $11, $12)",
        )
        .bind(plan.id).bind(plan.org_id).bind(plan.year).bind(&plan.period_kind).bind(plan.period_no)
        .bind(plan.parent_plan_id).bind(&plan.title).bind(&plan.rule_set).bind(&plan.local_layer)
        .bind(plan.review_date).bind(&stamp.by).bind(stamp.at)
        .execute(c).await.map_err(plan_duplicate)?.rows_affected());
        self.record("plans", plan.id.to_string(), "insert");
        Ok(())
    }

    pub async fn plan(&mut self, id: Uuid) -> Result<Option<PlanRow>> {
        let sql = format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = $1");
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?),
        )
    }

    /// The plan of an organisation for a period, if issued.
    pub async fn plan_for(
        &mut self,
        org: Uuid,
        year: i64,
        period_kind: &str,
        period_no: i64,
    ) -> Result<Option<PlanRow>> {
        let sql = format!(
            "SELECT {PLAN_COLUMNS} FROM plans WHERE org_id = $1 AND year = $2 AND period_kind = $3 AND period_no = $4"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(org).bind(year).bind(period_kind).bind(period_no).fetch_optional(c).await?),
        )
    }

    /// Every plan of a year, by organisation.
    pub async fn plans_of_year(&mut self, year: i64) -> Result<Vec<PlanRow>> {
        let sql = format!(
            "SELECT {PLAN_COLUMNS} FROM plans WHERE year = $1 ORDER BY org_id, period_kind, period_no"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(year).fetch_all(c).await?),
        )
    }

    /// The plans issued under `parent`.
    pub async fn child_plans(&mut self, parent: Uuid) -> Result<Vec<PlanRow>> {
        let sql =
            format!("SELECT {PLAN_COLUMNS} FROM plans WHERE parent_plan_id = $1 ORDER BY org_id");
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(parent).fetch_all(c).await?),
        )
    }

    /// Moves a plan to `status` if it is still at `version`; false when it changed meanwhile.
    pub async fn set_plan_status(
        &mut self,
        id: Uuid,
        version: i64,
        status: &str,
        counts: Option<(i64, i64)>,
    ) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let (subjects, excluded) = counts.unwrap_or((-1, -1));
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE plans SET status = $1, version = version + 1, changed_by = $2, changed_at = $3, \
             subjects_count = CASE WHEN $4 >= 0 THEN $4 ELSE subjects_count END, \
             excluded_count = CASE WHEN $5 >= 0 THEN $5 ELSE excluded_count END \
             WHERE id = $6 AND version = $7",
        )
        .bind(status).bind(&stamp.by).bind(stamp.at).bind(subjects).bind(excluded).bind(id).bind(version)
        .execute(c).await?.rows_affected());
        if n == 1 {
            self.record("plans", id.to_string(), "update");
        }
        Ok(n == 1)
    }

    /// Bumps a plan's version (its phases or frameworks changed); false when stale.
    pub async fn touch_plan(&mut self, id: Uuid, version: i64) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE plans SET version = version + 1, changed_by = $1, changed_at = $2 WHERE id = $3 AND version = $4",
        )
        .bind(&stamp.by).bind(stamp.at).bind(id).bind(version).execute(c).await?.rows_affected());
        if n == 1 {
            self.record("plans", id.to_string(), "update");
        }
        Ok(n == 1)
    }

    /// Replaces the plan's phases.
    pub async fn replace_phases(&mut self, plan: Uuid, phases: &[PhaseRow]) -> Result<()> {
        on_conn!(self, c => sqlx::query("DELETE FROM plan_phases WHERE plan_id = $1").bind(plan).execute(c).await?.rows_affected());
        for phase in phases {
            on_conn!(self, c => sqlx::query(
                "INSERT INTO plan_phases (plan_id, code, title, step, starts_on, ends_on, source) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(plan).bind(&phase.code).bind(&phase.title).bind(&phase.step)
            .bind(phase.starts_on).bind(phase.ends_on).bind(&phase.source)
            .execute(c).await?.rows_affected());
        }
        self.record("plan_phases", plan.to_string(), "replace");
        Ok(())
    }

    pub async fn phases(&mut self, plan: Uuid) -> Result<Vec<PhaseRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT code, title, step, starts_on, ends_on, source FROM plan_phases WHERE plan_id = $1 ORDER BY ends_on, code",
        ).bind(plan).fetch_all(c).await?))
    }

    /// Sets (or, with `None`, removes) the framework a plan uses for a subject kind.
    pub async fn set_plan_framework(
        &mut self,
        plan: Uuid,
        subject_kind: SubjectKind,
        framework: Option<&str>,
    ) -> Result<()> {
        let subject_kind = subject_kind.code();
        on_conn!(self, c => sqlx::query("DELETE FROM plan_frameworks WHERE plan_id = $1 AND subject_kind = $2")
            .bind(plan).bind(subject_kind).execute(c).await?.rows_affected());
        if let Some(framework) = framework {
            on_conn!(self, c => sqlx::query("INSERT INTO plan_frameworks (plan_id, subject_kind, framework_id) VALUES ($1, $2, $3)")
                .bind(plan).bind(subject_kind).bind(framework).execute(c).await?.rows_affected());
        }
        self.record(
            "plan_frameworks",
            format!("{plan}/{subject_kind}"),
            "replace",
        );
        Ok(())
    }

    /// (subject kind, framework id) chosen by the plan.
    pub async fn plan_frameworks(&mut self, plan: Uuid) -> Result<Vec<(SubjectKind, String)>> {
        let rows: Vec<(Coded<SubjectKind>, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT subject_kind, framework_id FROM plan_frameworks WHERE plan_id = $1 ORDER BY subject_kind",
        ).bind(plan).fetch_all(c).await?);
        Ok(rows
            .into_iter()
            .map(|(kind, framework)| (kind.0, framework))
            .collect())
    }

    /// Whether any subject exists for the plan.
    pub async fn plan_has_subjects(&mut self, plan: Uuid) -> Result<bool> {
        let n: i64 = on_conn!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM subjects WHERE plan_id = $1 LIMIT 1) AS t",
        ).bind(plan).fetch_one(c).await?);
        Ok(n > 0)
    }

    /// Creates subjects in bulk (stage as given, version 1).
    pub async fn load_subjects(&mut self, plan: Uuid, subjects: &[SubjectLoad]) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let rows: Vec<Vec<Cell<'_>>> = subjects
            .iter()
            .map(|s| subject_cells(plan, &stamp, s).to_vec())
            .collect();
        self.batch_insert("subjects", &SUBJECT_COLUMNS, &rows).await
    }

    /// Creates the subjects of every batch received, until the sender is dropped; returns how
    /// many. On PostgreSQL one COPY runs for the whole stream, so the server inserts while the
    /// sender builds the next batch; on SQLite each batch is written as it comes.
    pub async fn load_subjects_stream(
        &mut self,
        plan: Uuid,
        mut batches: tokio::sync::mpsc::Receiver<Vec<SubjectLoad>>,
    ) -> Result<u64> {
        let stamp = self.stamp_owned()?;
        let copied = self
            .copy_stream("subjects", &SUBJECT_COLUMNS, &mut batches, |s, send| {
                send(&subject_cells(plan, &stamp, s))
            })
            .await?;
        if let Some(written) = copied {
            return Ok(written);
        }
        let mut written = 0;
        while let Some(batch) = batches.recv().await {
            self.load_subjects(plan, &batch).await?;
            written += batch.len() as u64;
        }
        Ok(written)
    }

    pub async fn subject(&mut self, id: Uuid) -> Result<Option<SubjectRow>> {
        let sql = format!("{SUBJECT_SELECT} WHERE id = $1");
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?),
        )
    }

    /// Subjects of a plan, all or those reviewed in the given units, in name order.
    pub async fn subjects_of_plan(
        &mut self,
        plan: Uuid,
        units: Option<&[Uuid]>,
    ) -> Result<Vec<SubjectRow>> {
        match units {
            None => {
                let sql = format!("{SUBJECT_SELECT} WHERE plan_id = $1 ORDER BY sort_key, id");
                Ok(
                    on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(plan).fetch_all(c).await?),
                )
            }
            Some(units) => {
                let mut out = Vec::new();
                for chunk in units.chunks(500) {
                    let sql = format!(
                        "{SUBJECT_SELECT} WHERE plan_id = $1 AND unit_id IN ({}) ORDER BY sort_key, id",
                        placeholders(2, chunk.len())
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
        }
    }

    /// The decided subjects of the given plans about one member (every place they are rated).
    pub async fn decided_subjects_of_member(
        &mut self,
        member: Uuid,
        plans: &[Uuid],
    ) -> Result<Vec<SubjectRow>> {
        self.decided_subjects_of_person("member_id", member, plans)
            .await
    }

    /// The decided subjects of the given plans about one leader who is not a party member.
    pub async fn decided_subjects_of_leader(
        &mut self,
        leader: Uuid,
        plans: &[Uuid],
    ) -> Result<Vec<SubjectRow>> {
        self.decided_subjects_of_person("leader_id", leader, plans)
            .await
    }

    async fn decided_subjects_of_person(
        &mut self,
        column: &'static str,
        person: Uuid,
        plans: &[Uuid],
    ) -> Result<Vec<SubjectRow>> {
        let member = person;
        let mut out = Vec::new();
        for chunk in plans.chunks(500) {
            let sql = format!(
                "{SUBJECT_SELECT} WHERE level IS NOT NULL AND {column} = $1 AND plan_id IN ({}) ORDER BY id",
                placeholders(2, chunk.len())
            );
            let rows: Vec<SubjectRow> = on_conn!(self, c => {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(member);
                for plan in chunk {
                    q = q.bind(*plan);
                }
                q.fetch_all(c).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Decided levels in a quota group of a plan: (level, count).
    pub async fn group_levels(&mut self, plan: Uuid, group: &str) -> Result<Vec<(String, i64)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT level, COUNT(*) FROM subjects WHERE plan_id = $1 AND quota_group = $2 AND level IS NOT NULL GROUP BY level",
        ).bind(plan).bind(group).fetch_all(c).await?))
    }

    /// Counts per (unit, stage, participation) for the progress report.
    pub async fn stage_counts(&mut self, plan: Uuid) -> Result<Vec<(Uuid, String, String, i64)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT unit_id, stage, participation, COUNT(*) FROM subjects WHERE plan_id = $1 GROUP BY unit_id, stage, participation",
        ).bind(plan).fetch_all(c).await?))
    }

    /// Moves a subject to `stage` (and sets its level and current decision) if it is still at
    /// `version`; false when it changed meanwhile.
    pub async fn set_subject_stage(
        &mut self,
        id: Uuid,
        version: i64,
        stage: &str,
        level: Option<&str>,
        decision: Option<Uuid>,
    ) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE subjects SET stage = $1, level = $2, decision_id = $3, version = version + 1, changed_by = $4, changed_at = $5 \
             WHERE id = $6 AND version = $7",
        )
        .bind(stage).bind(level).bind(decision).bind(&stamp.by).bind(stamp.at).bind(id).bind(version)
        .execute(c).await?.rows_affected());
        if n == 1 {
            self.record("subjects", id.to_string(), "update");
        }
        Ok(n == 1)
    }

    /// Sets every subject of `ids` at stage `from` to stage `to` (publication).
    pub async fn advance_subjects(&mut self, ids: &[Uuid], from: &str, to: &str) -> Result<u64> {
        let stamp = self.stamp_owned()?;
        let mut total = 0;
        for chunk in ids.chunks(500) {
            let sql = format!(
                "UPDATE subjects SET stage = $1, version = version + 1, changed_by = $2, changed_at = $3 WHERE stage = $4 AND id IN ({})",
                placeholders(5, chunk.len())
            );
            total += on_conn!(self, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(to).bind(&stamp.by).bind(stamp.at).bind(from);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.execute(c).await?.rows_affected()
            });
        }
        self.record("subjects", format!("{total} rows"), "update");
        Ok(total)
    }

    /// Adds a period or unit part to an organisation subject.
    pub async fn add_subject_part(&mut self, part: &SubjectPartRow) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO subject_parts (subject_id, seq, kind, label, source_org_id, from_on, to_on, tasks_assigned, tasks_completed, tasks_on_time, tasks_exceeded, note, version, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14)",
        )
        .bind(part.subject_id).bind(part.seq).bind(&part.kind).bind(&part.label).bind(part.source_org_id)
        .bind(part.from_on).bind(part.to_on).bind(part.tasks_assigned).bind(part.tasks_completed)
        .bind(part.tasks_on_time).bind(part.tasks_exceeded).bind(&part.note).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record(
            "subject_parts",
            format!("{}/{}", part.subject_id, part.seq),
            "insert",
        );
        Ok(())
    }

    /// Records the task results of a part if it is still at `version`; false when stale.
    pub async fn set_part_results(
        &mut self,
        subject: Uuid,
        seq: i64,
        version: i64,
        results: [i64; 4],
    ) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE subject_parts SET tasks_assigned = $1, tasks_completed = $2, tasks_on_time = $3, tasks_exceeded = $4, \
             version = version + 1, changed_by = $5, changed_at = $6 WHERE subject_id = $7 AND seq = $8 AND version = $9",
        )
        .bind(results[0]).bind(results[1]).bind(results[2]).bind(results[3]).bind(&stamp.by).bind(stamp.at)
        .bind(subject).bind(seq).bind(version).execute(c).await?.rows_affected());
        if n == 1 {
            self.record("subject_parts", format!("{subject}/{seq}"), "update");
        }
        Ok(n == 1)
    }

    pub async fn subject_parts(&mut self, subject: Uuid) -> Result<Vec<SubjectPartRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT subject_id, seq, kind, label, source_org_id, from_on, to_on, tasks_assigned, tasks_completed, tasks_on_time, tasks_exceeded, note, version \
             FROM subject_parts WHERE subject_id = $1 ORDER BY seq",
        ).bind(subject).fetch_all(c).await?))
    }

    /// Merges, splits and moves effective in `[from, to]`: (organisation, event kind, effective
    /// day, the organisation's role in the event).
    pub async fn org_changes_between(
        &mut self,
        from: Date,
        to: Date,
    ) -> Result<Vec<(Uuid, String, Date, String)>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT l.org_id, e.kind, e.effective_on, l.role FROM org_events e JOIN org_event_orgs l ON l.event_id = e.id \
             WHERE e.kind IN ('merge', 'split', 'move') AND e.effective_on >= $1 AND e.effective_on <= $2 ORDER BY e.effective_on",
        ).bind(from).bind(to).fetch_all(c).await?))
    }

    /// Members whose official branch on `on` is one of `branches`.
    pub async fn plan_members(&mut self, branches: &[Uuid], on: Date) -> Result<Vec<PlanMember>> {
        let sql = format!(
            "SELECT b.member_id, b.org_id AS branch_id, v.full_name, v.sort_key, v.admitted_on, v.official_on, v.civil_servant, v.employer_unit \
             FROM member_branches b \
             JOIN member_versions v ON v.member_id = b.member_id AND v.valid_from <= $1 AND v.valid_to > $1 \
             WHERE b.kind = 'official' AND b.valid_from <= $1 AND b.valid_to > $1 AND b.org_id IN ({})",
            placeholders(2, branches.len())
        );
        Ok(on_conn!(self, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(on);
            for branch in branches {
                q = q.bind(*branch);
            }
            q.fetch_all(c).await?
        }))
    }

    /// Dated records overlapping `[from, on]` of every member whose official branch on `on` lies
    /// under `root`: statuses (`status:<kind>`), leave (`leave:<kind>`), posts held on `on`
    /// (`post:<kind>`, place = the collective or organisation), temporary branches on `on`
    /// (`temporary`), transfers in the period (`transfer:<direction>`, valid_from = effective
    /// day). One pass per kind of record, driven from the (sparse) record tables and joined to the
    /// member's branch and the tree, so that no national table is scanned once per batch.
    pub async fn plan_member_periods_under(
        &mut self,
        root: Uuid,
        from: Date,
        on: Date,
    ) -> Result<Vec<MemberPeriod>> {
        const UNDER: &str = "JOIN member_branches b ON b.member_id = r.member_id AND b.kind = 'official' \
             AND b.valid_from <= $2 AND b.valid_to > $2 \
             JOIN org_closure c ON c.descendant_id = b.org_id AND c.ancestor_id = $3 AND c.valid_from <= $2 AND c.valid_to > $2";
        let sql = format!(
            "SELECT r.member_id, 'status:' || r.kind AS kind, r.valid_from, r.valid_to, CAST(NULL AS UUID) AS place \
             FROM member_statuses r {UNDER} WHERE r.valid_from <= $2 AND r.valid_to > $1 \
             UNION ALL SELECT r.member_id, 'leave:' || r.kind, r.valid_from, r.valid_to, CAST(NULL AS UUID) \
             FROM member_leaves r {UNDER} WHERE r.valid_from <= $2 AND r.valid_to > $1 \
             UNION ALL SELECT r.member_id, 'post:' || r.kind, r.valid_from, r.valid_to, COALESCE(r.collective_id, r.org_id) \
             FROM positions r {UNDER} WHERE r.member_id IS NOT NULL AND r.valid_from <= $2 AND r.valid_to > $2 \
             UNION ALL SELECT r.member_id, 'temporary', r.valid_from, r.valid_to, r.org_id \
             FROM member_branches r {UNDER} WHERE r.kind = 'temporary' AND r.valid_from <= $2 AND r.valid_to > $2 \
             UNION ALL SELECT r.member_id, 'transfer:' || r.direction, r.effective_on, r.effective_on, r.from_org_id \
             FROM member_transfers r {UNDER} WHERE r.effective_on >= $1 AND r.effective_on <= $2 AND r.direction <> 'out'"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(from).bind(on).bind(root).fetch_all(c).await?),
        )
    }

    /// Official branch periods of the given members before `on` (for months at a previous branch).
    pub async fn previous_branches(
        &mut self,
        members: &[Uuid],
        on: Date,
    ) -> Result<Vec<MemberPeriod>> {
        if members.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT member_id, 'official' AS kind, valid_from, valid_to, org_id AS place FROM member_branches \
             WHERE kind = 'official' AND valid_to <= $1 AND member_id IN ({})",
            placeholders(2, members.len())
        );
        Ok(on_conn!(self, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(on);
            for member in members {
                q = q.bind(*member);
            }
            q.fetch_all(c).await?
        }))
    }

    /// Leadership collectives managed by `orgs` on `on`, with their direct leaders counted.
    pub async fn plan_collectives(
        &mut self,
        orgs: &[Uuid],
        on: Date,
    ) -> Result<Vec<PlanCollective>> {
        let sql = format!(
            "SELECT c.id, c.code, c.name, c.kind, c.org_id, c.valid_from, \
             (SELECT COUNT(*) FROM positions p WHERE p.collective_id = c.id AND p.valid_from <= $1 AND p.valid_to > $1 \
              AND p.kind IN ('secretary', 'deputy_secretary', 'unit_head', 'unit_deputy')) AS leaders \
             FROM collectives c WHERE c.valid_from <= $1 AND c.valid_to > $1 AND c.org_id IN ({})",
            placeholders(2, orgs.len())
        );
        Ok(on_conn!(self, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(on);
            for org in orgs {
                q = q.bind(*org);
            }
            q.fetch_all(c).await?
        }))
    }

    /// Heads and deputies of the given collectives on `on`, with their names.
    pub async fn plan_leaders(
        &mut self,
        collectives: &[Uuid],
        on: Date,
    ) -> Result<Vec<PlanLeader>> {
        if collectives.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT p.id AS position_id, p.collective_id, p.member_id, p.leader_id, p.kind, \
             COALESCE(v.full_name, l.full_name) AS name, COALESCE(v.sort_key, l.sort_key) AS sort_key \
             FROM positions p \
             LEFT JOIN member_versions v ON v.member_id = p.member_id AND v.valid_from <= $1 AND v.valid_to > $1 \
             LEFT JOIN non_member_leaders l ON l.id = p.leader_id \
             WHERE p.valid_from <= $1 AND p.valid_to > $1 AND p.kind IN ('unit_head', 'unit_deputy') AND p.collective_id IN ({})",
            placeholders(2, collectives.len())
        );
        let rows: Vec<PlanLeader> = on_conn!(self, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(on);
            for collective in collectives {
                q = q.bind(*collective);
            }
            q.fetch_all(c).await?
        });
        Ok(rows)
    }
}

/// The cells of one new subject, in [`SUBJECT_COLUMNS`] order.
fn subject_cells<'a>(
    plan: Uuid,
    stamp: &'a crate::db::Stamp,
    s: &'a SubjectLoad,
) -> [Cell<'a>; 24] {
    [
        Cell::Uuid(s.id),
        Cell::Uuid(plan),
        Cell::Text(s.kind.code()),
        Cell::OptUuid(s.member_id),
        Cell::OptUuid(s.leader_id),
        Cell::OptUuid(s.collective_id),
        Cell::OptUuid(s.org_id),
        Cell::Uuid(s.unit_id),
        Cell::Text(&s.name),
        Cell::Text(&s.sort_key),
        Cell::Text(s.participation.code()),
        Cell::OptText(s.eligibility.as_deref()),
        Cell::Text(&s.form_code),
        Cell::OptText(s.framework_id.as_deref()),
        Cell::Text(s.decides_body.code()),
        Cell::OptUuid(s.deciding_org_id),
        Cell::OptText(s.proposes_body.map(Body::code)),
        Cell::Text(&s.quota_group),
        Cell::Text(s.stage.code()),
        Cell::OptText(None),
        Cell::OptUuid(None),
        Cell::Int(1),
        Cell::Text(&stamp.by),
        Cell::Time(stamp.at),
    ]
}

fn plan_duplicate(error: sqlx::Error) -> StoreError {
    let converted = StoreError::from(error);
    match &converted {
        StoreError::Database(inner)
            if inner
                .as_database_error()
                .is_some_and(|e| e.is_unique_violation()) =>
        {
            StoreError::Invalid(
                "tổ chức này đã có kế hoạch cho kỳ này: mỗi tổ chức chỉ ban hành một kế hoạch mỗi kỳ"
                    .into(),
            )
        }
        _ => converted,
    }
}
