//! Plans (kế hoạch kiểm điểm, đánh giá, xếp loại): one per organisation and period, pinning a
//! rule set and an optional local layer, the criteria frameworks per subject kind, and phases
//! with their dates. A lower plan inherits from its superior's and may only tighten dates.
//! Opening a plan creates every subject's record at once ([`crate::open`]).

use crate::actor::{Action, Actor, Authorized, Scope, authorize};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use crate::vocab::{kind_code, parse_kind};
use crate::{App, date_vi};
use kiemdiem_rules::SubjectKind;
use kiemdiem_rules::framework;
use kiemdiem_rules::ruleset::{RuleBook, RuleSetId, builtin_local_layer};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::{NewPlan as StoreNewPlan, PhaseRow, PlanRow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Month, OffsetDateTime};
use uuid::Uuid;

/// The period a plan covers: the year (annual review) or a part of it (QĐ 366 Mẫu 05).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "no", rename_all = "snake_case")]
pub enum Period {
    Year,
    /// 6 tháng: 1 or 2.
    Half(u8),
    /// Quý: 1 to 4.
    Quarter(u8),
}

impl Period {
    pub(crate) fn parts(self) -> (&'static str, i64) {
        match self {
            Period::Year => ("year", 0),
            Period::Half(n) => ("half", i64::from(n)),
            Period::Quarter(n) => ("quarter", i64::from(n)),
        }
    }

    fn from_parts(kind: &str, no: i64) -> Result<Period> {
        let no = u8::try_from(no).map_err(|_| AppError::internal("kỳ kế hoạch không hợp lệ"))?;
        match kind {
            "year" => Ok(Period::Year),
            "half" => Ok(Period::Half(no)),
            "quarter" => Ok(Period::Quarter(no)),
            _ => Err(AppError::internal(format!("kỳ kế hoạch «{kind}»"))),
        }
    }

    /// The first day of the period in `year`: where its evaluation period begins.
    pub fn first_day(self, year: i32) -> Result<Date> {
        let month = match self {
            Period::Year | Period::Half(1) | Period::Quarter(1) => Month::January,
            Period::Half(2) | Period::Quarter(3) => Month::July,
            Period::Quarter(2) => Month::April,
            Period::Quarter(4) => Month::October,
            _ => {
                return Err(AppError::invalid(
                    "period",
                    "Kỳ không hợp lệ: 6 tháng 1–2, quý 1–4",
                ));
            }
        };
        Date::from_calendar_date(year, month, 1)
            .map_err(|e| AppError::invalid("year", e.to_string()))
    }

    /// The last day of the period in `year` (the default review date).
    pub fn last_day(self, year: i32) -> Result<Date> {
        let month = match self {
            Period::Year | Period::Half(2) | Period::Quarter(4) => Month::December,
            Period::Half(1) | Period::Quarter(2) => Month::June,
            Period::Quarter(1) => Month::March,
            Period::Quarter(3) => Month::September,
            _ => {
                return Err(AppError::invalid(
                    "period",
                    "Kỳ không hợp lệ: 6 tháng 1–2, quý 1–4",
                ));
            }
        };
        Date::from_calendar_date(year, month, month.length(year))
            .map_err(|e| AppError::invalid("year", e.to_string()))
    }
}

/// A step of the cycle that a phase's end date is the deadline of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Bản kiểm điểm nộp xong.
    SelfReview,
    /// Hội nghị kiểm điểm xong.
    Review,
    /// Quyết định xếp loại xong.
    Decision,
    /// Hồ sơ gửi cấp trên, công khai.
    Report,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::SelfReview, Step::Review, Step::Decision, Step::Report];

    pub fn code(self) -> &'static str {
        match self {
            Step::SelfReview => "self_review",
            Step::Review => "review",
            Step::Decision => "decision",
            Step::Report => "report",
        }
    }

    pub fn parse(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Step::SelfReview => "Nộp bản kiểm điểm",
            Step::Review => "Hội nghị kiểm điểm",
            Step::Decision => "Quyết định xếp loại",
            Step::Report => "Báo cáo, công khai kết quả",
        }
    }
}

/// A phase as given by the person writing the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseInput {
    /// Stable code shared with the superior's plan (`preparation`, `meetings` …).
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub step: Option<Step>,
    pub starts_on: Date,
    pub ends_on: Date,
}

/// A phase of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub code: String,
    pub title: String,
    pub step: Option<Step>,
    pub starts_on: Date,
    pub ends_on: Date,
    /// Where the dates come from.
    pub source: String,
}

/// What is needed to issue a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPlan {
    pub org: Uuid,
    pub year: i32,
    #[serde(default)]
    pub period: Option<Period>,
    #[serde(default)]
    pub title: Option<String>,
    /// The year's default (or the superior plan's) when absent.
    #[serde(default)]
    pub rule_set: Option<RuleSetId>,
    /// A shipped local layer by id (the superior plan's when absent).
    #[serde(default)]
    pub local_layer: Option<String>,
    /// The day eligibility and tenure are judged on; the period's last day when absent.
    #[serde(default)]
    pub review_date: Option<Date>,
    /// Shipped framework ids overriding the national default, by subject kind.
    #[serde(default)]
    pub frameworks: BTreeMap<SubjectKind, String>,
    /// The superior plan's (or the default) phases when empty.
    #[serde(default)]
    pub phases: Vec<PhaseInput>,
}

/// A plan as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub id: Uuid,
    pub org_id: Uuid,
    pub year: i32,
    pub period: Period,
    pub parent_plan_id: Option<Uuid>,
    pub title: String,
    pub rule_set: RuleSetId,
    pub legal_basis: &'static str,
    pub local_layer: Option<String>,
    pub review_date: Date,
    /// `draft`, `open` or `published`.
    pub status: String,
    pub subjects_count: i64,
    pub excluded_count: i64,
    pub version: i64,
    pub phases: Vec<Phase>,
    pub frameworks: BTreeMap<SubjectKind, String>,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

impl Plan {
    /// The rule book the plan pins.
    pub fn book(&self) -> Result<RuleBook> {
        book_of(self.rule_set, self.local_layer.as_deref())
    }

    /// The deadline of a step: the latest end of the phases tied to it.
    pub fn deadline(&self, step: Step) -> Option<Date> {
        self.phases
            .iter()
            .filter(|p| p.step == Some(step))
            .map(|p| p.ends_on)
            .max()
    }
}

pub(crate) fn book_of(rule_set: RuleSetId, local: Option<&str>) -> Result<RuleBook> {
    match local {
        None => Ok(RuleBook::national(rule_set)),
        Some(id) => {
            let layer = builtin_local_layer(id).ok_or_else(|| {
                AppError::invalid(
                    "local_layer",
                    format!("Không có lớp quy định địa phương «{id}»"),
                )
            })?;
            RuleBook::with_local(rule_set, layer.clone())
                .map_err(|e| AppError::invalid("local_layer", e.problem))
        }
    }
}

pub(crate) async fn load_plan(tx: &mut Tx, id: Uuid) -> Result<Plan> {
    let row = tx
        .plan(id)
        .await?
        .ok_or_else(|| AppError::not_found("kế hoạch", id))?;
    plan_from_row(tx, row).await
}

async fn plan_from_row(tx: &mut Tx, row: PlanRow) -> Result<Plan> {
    let phases = tx
        .phases(row.id)
        .await?
        .into_iter()
        .map(|p| Phase {
            step: p.step.as_deref().and_then(Step::parse),
            code: p.code,
            title: p.title,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            source: p.source,
        })
        .collect();
    let mut frameworks = BTreeMap::new();
    for (kind, id) in tx.plan_frameworks(row.id).await? {
        frameworks.insert(parse_kind(&kind)?, id);
    }
    let rule_set = RuleSetId::parse(&row.rule_set)
        .ok_or_else(|| AppError::internal(format!("bộ quy tắc «{}»", row.rule_set)))?;
    Ok(Plan {
        id: row.id,
        org_id: row.org_id,
        year: row.year as i32,
        period: Period::from_parts(&row.period_kind, row.period_no)?,
        parent_plan_id: row.parent_plan_id,
        title: row.title,
        rule_set,
        legal_basis: rule_set.legal_basis(),
        local_layer: row.local_layer,
        review_date: row.review_date,
        status: row.status,
        subjects_count: row.subjects_count,
        excluded_count: row.excluded_count,
        version: row.version,
        phases,
        frameworks,
        changed_by: row.changed_by,
        changed_at: row.changed_at,
    })
}

/// The default phases of an annual plan when neither the plan nor a superior names any
/// (seed 002: 01–10/12 preparation, 11–20/12 meetings, 21–31/12 dossiers; HD 43: done by 31/12).
fn default_phases(year: i32, period: Period, book: &RuleBook) -> Result<Vec<Phase>> {
    let end = period.last_day(year)?;
    let day = |month: Month, day: u8| {
        Date::from_calendar_date(end.year(), month, day)
            .map_err(|e| AppError::internal(e.to_string()))
    };
    let source = format!("Mặc định theo {}", book.rule_set.legal_basis());
    let (month, start_day) = (end.month(), 1);
    let mut phases = vec![
        Phase {
            code: "preparation".into(),
            title: "Chuẩn bị: viết bản kiểm điểm, tự đánh giá".into(),
            step: Some(Step::SelfReview),
            starts_on: day(month, start_day)?,
            ends_on: day(month, 10)?,
            source: source.clone(),
        },
        Phase {
            code: "meetings".into(),
            title: "Hội nghị kiểm điểm, đánh giá, xếp loại ở chi bộ và tập thể".into(),
            step: Some(Step::Review),
            starts_on: day(month, 11)?,
            ends_on: day(month, 20)?,
            source: source.clone(),
        },
        Phase {
            code: "decisions".into(),
            title: "Quyết định xếp loại, thông báo, hoàn chỉnh hồ sơ gửi cấp trên".into(),
            step: Some(Step::Decision),
            starts_on: day(month, 21)?,
            ends_on: end,
            source,
        },
    ];
    if let Some(local) = &book.local {
        for (i, deadline) in local.deadlines.iter().enumerate() {
            let on = Date::from_calendar_date(
                year + i32::from(deadline.year_offset),
                Month::try_from(deadline.month).map_err(|e| AppError::internal(e.to_string()))?,
                deadline.day,
            )
            .map_err(|e| AppError::internal(e.to_string()))?;
            phases.push(Phase {
                code: format!("local_{}", i + 1),
                title: deadline.step.clone(),
                step: Some(Step::Report),
                starts_on: phases[0].starts_on.min(on),
                ends_on: on,
                source: deadline.source.clone(),
            });
        }
    }
    Ok(phases)
}

/// Refuses a phase that starts earlier or ends later than the superior plan's phase of the same
/// code: a lower plan may only tighten dates.
fn check_tightened(phases: &[Phase], parent: Option<&Plan>) -> Result<()> {
    for (i, phase) in phases.iter().enumerate() {
        if phase.starts_on > phase.ends_on {
            return Err(AppError::invalid(
                format!("phases[{i}].ends_on"),
                format!(
                    "Giai đoạn «{}» kết thúc ({}) trước khi bắt đầu ({})",
                    phase.title,
                    date_vi(phase.ends_on),
                    date_vi(phase.starts_on)
                ),
            ));
        }
        let Some(parent) = parent else { continue };
        if let Some(upper) = parent.phases.iter().find(|p| p.code == phase.code) {
            if phase.ends_on > upper.ends_on {
                return Err(AppError::invalid(
                    format!("phases[{i}].ends_on"),
                    format!(
                        "Giai đoạn «{}» kết thúc ngày {}, muộn hơn thời hạn {} của kế hoạch cấp trên: kế hoạch cấp dưới chỉ được rút ngắn thời hạn",
                        phase.title,
                        date_vi(phase.ends_on),
                        date_vi(upper.ends_on)
                    ),
                ));
            }
            if phase.starts_on < upper.starts_on {
                return Err(AppError::invalid(
                    format!("phases[{i}].starts_on"),
                    format!(
                        "Giai đoạn «{}» bắt đầu ngày {}, sớm hơn ngày {} của kế hoạch cấp trên",
                        phase.title,
                        date_vi(phase.starts_on),
                        date_vi(upper.starts_on)
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_frameworks(book: &RuleBook, frameworks: &BTreeMap<SubjectKind, String>) -> Result<()> {
    for (kind, id) in frameworks {
        let field = format!("frameworks.{}", kind_code(*kind));
        let found = framework::builtin_by_id(id)
            .ok_or_else(|| AppError::invalid(&field, format!("Không có khung tiêu chí «{id}»")))?;
        framework::check_against(found, book).map_err(|e| AppError::invalid(&field, e.problem))?;
        if !found.subjects.contains(kind) {
            return Err(AppError::invalid(
                &field,
                format!("Khung «{id}» không dùng cho {}", kind.name_vi()),
            ));
        }
    }
    Ok(())
}

fn phase_rows(phases: &[Phase]) -> Vec<PhaseRow> {
    phases
        .iter()
        .map(|p| PhaseRow {
            code: p.code.clone(),
            title: p.title.clone(),
            step: p.step.map(|s| s.code().to_owned()),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            source: p.source.clone(),
        })
        .collect()
}

/// The plan of the nearest ancestor organisation for the same year and period.
async fn superior_plan(
    tx: &mut Tx,
    org: Uuid,
    year: i32,
    period: Period,
    on: Date,
) -> Result<Option<Plan>> {
    let (kind, no) = period.parts();
    let ancestors = tx.org_ancestors(org, on).await?;
    for ancestor in ancestors.iter().rev().skip(1) {
        if let Some(row) = tx.plan_for(ancestor.id, i64::from(year), kind, no).await? {
            return Ok(Some(plan_from_row(tx, row).await?));
        }
    }
    Ok(None)
}

impl App {
    /// Issues a plan (draft): pins the rule book and frameworks, inherits from the superior's
    /// plan and checks that its dates only tighten the superior's.
    pub async fn create_plan(&self, actor: &Actor, new: NewPlan) -> Result<Plan> {
        let who = authorize(actor, Action::ManagePlan, Scope::Org(new.org))?;
        let period = new.period.unwrap_or(Period::Year);
        let review_date = match new.review_date {
            Some(day) => day,
            None => period.last_day(new.year)?,
        };
        let mut tx = self.begin(&who).await?;
        let org = tx
            .org_as_of(new.org, review_date)
            .await?
            .ok_or_else(|| AppError::not_found("tổ chức đảng (vào ngày kiểm điểm)", new.org))?;
        let parent = superior_plan(&mut tx, org.id, new.year, period, review_date).await?;
        let rule_set = match (new.rule_set, &parent) {
            (Some(id), _) => id,
            (None, Some(parent)) => parent.rule_set,
            (None, None) => RuleSetId::for_year(new.year).ok_or_else(|| {
                AppError::invalid("year", format!("Không có bộ quy tắc cho năm {}", new.year))
            })?,
        };
        let local_layer = new
            .local_layer
            .clone()
            .or_else(|| parent.as_ref().and_then(|p| p.local_layer.clone()));
        let book = book_of(rule_set, local_layer.as_deref())?;
        let mut frameworks = parent
            .as_ref()
            .map(|p| p.frameworks.clone())
            .unwrap_or_default();
        frameworks.extend(new.frameworks.clone());
        check_frameworks(&book, &frameworks)?;
        let phases: Vec<Phase> = if !new.phases.is_empty() {
            new.phases
                .iter()
                .map(|p| Phase {
                    code: p.code.trim().to_owned(),
                    title: p.title.trim().to_owned(),
                    step: p.step,
                    starts_on: p.starts_on,
                    ends_on: p.ends_on,
                    source: "Kế hoạch này".into(),
                })
                .collect()
        } else if let Some(parent) = &parent {
            parent
                .phases
                .iter()
                .map(|p| Phase {
                    source: format!("Kế hoạch cấp trên: {}", parent.title),
                    ..p.clone()
                })
                .collect()
        } else {
            default_phases(new.year, period, &book)?
        };
        check_tightened(&phases, parent.as_ref())?;
        let (kind, no) = period.parts();
        let title = new.title.clone().unwrap_or_else(|| {
            format!(
                "Kế hoạch kiểm điểm, đánh giá, xếp loại chất lượng năm {} — {}",
                new.year, org.name
            )
        });
        let id = Uuid::now_v7();
        tx.insert_plan(&StoreNewPlan {
            id,
            org_id: org.id,
            year: i64::from(new.year),
            period_kind: kind.into(),
            period_no: no,
            parent_plan_id: parent.as_ref().map(|p| p.id),
            title,
            rule_set: rule_set.code().into(),
            local_layer: local_layer.clone(),
            review_date,
        })
        .await?;
        tx.replace_phases(id, &phase_rows(&phases)).await?;
        for (kind, framework) in &frameworks {
            tx.set_plan_framework(id, kind_code(*kind), Some(framework))
                .await?;
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("plan.create", "plan", id).detail(serde_json::json!({
                "org": org.id, "year": new.year, "rule_set": rule_set.code(),
                "local_layer": local_layer, "parent_plan": parent.as_ref().map(|p| p.id),
            })),
        )
        .await?;
        let plan = load_plan(&mut tx, id).await?;
        tx.commit().await?;
        Ok(plan)
    }

    pub async fn plan(&self, actor: &Actor, id: Uuid) -> Result<Plan> {
        authorize(actor, Action::Read, Scope::Plan(id))?;
        let mut tx = self.store().read().await?;
        load_plan(&mut tx, id).await
    }

    /// Replaces a plan's phases (at `version`), still only tightening the superior's dates.
    pub async fn set_phases(
        &self,
        actor: &Actor,
        plan: Uuid,
        version: i64,
        phases: Vec<PhaseInput>,
    ) -> Result<Plan> {
        let who = authorize(actor, Action::ManagePlan, Scope::Plan(plan))?;
        let mut tx = self.begin(&who).await?;
        let current = load_plan(&mut tx, plan).await?;
        let parent = match current.parent_plan_id {
            Some(id) => Some(load_plan(&mut tx, id).await?),
            None => None,
        };
        let phases: Vec<Phase> = phases
            .into_iter()
            .map(|p| Phase {
                code: p.code.trim().to_owned(),
                title: p.title.trim().to_owned(),
                step: p.step,
                starts_on: p.starts_on,
                ends_on: p.ends_on,
                source: "Kế hoạch này".into(),
            })
            .collect();
        check_tightened(&phases, parent.as_ref())?;
        if !tx.touch_plan(plan, version).await? {
            return Err(AppError::stale("Kế hoạch", version));
        }
        tx.replace_phases(plan, &phase_rows(&phases)).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("plan.phases", "plan", plan).detail(&phases),
        )
        .await?;
        let plan = load_plan(&mut tx, plan).await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// The plans issued directly under `plan` (the next level down).
    pub async fn child_plans(&self, actor: &Actor, plan: Uuid) -> Result<Vec<Plan>> {
        authorize(actor, Action::Read, Scope::Plan(plan))?;
        let mut tx = self.store().read().await?;
        let mut out = Vec::new();
        for row in tx.child_plans(plan).await? {
            out.push(plan_from_row(&mut tx, row).await?);
        }
        Ok(out)
    }

    /// Opens a write transaction signed by the authorised actor.
    pub(crate) async fn begin(&self, who: &Authorized) -> Result<Tx> {
        Ok(self.store().begin(&who.actor.user).await?)
    }
}

/// Maps an unexpected state to a conflict naming it.
pub(crate) fn require_status(plan: &Plan, status: &str, doing: &str) -> Result<()> {
    if plan.status == status {
        return Ok(());
    }
    let state = match plan.status.as_str() {
        "draft" => "đang soạn, chưa triển khai",
        "open" => "đang triển khai",
        _ => "đã công khai kết quả",
    };
    Err(AppError::new(
        ErrorCode::Conflict,
        format!("Không thể {doing}: kế hoạch {state}"),
    ))
}

/// A subject (đối tượng) of a plan as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    pub id: Uuid,
    pub plan: Uuid,
    pub kind: SubjectKind,
    pub name: String,
    pub member: Option<Uuid>,
    pub leader: Option<Uuid>,
    pub collective: Option<Uuid>,
    pub org: Option<Uuid>,
    /// Where the subject is reviewed (branch, organisation, managing organisation).
    pub unit: Uuid,
    pub participation: kiemdiem_rules::eligibility::Participation,
    /// Why excluded or reviewed only, and the documents needed, with citations.
    pub eligibility: Option<kiemdiem_rules::eligibility::Eligibility>,
    pub form_code: String,
    pub framework: Option<String>,
    /// Who decides (the rule set's answer) and the organisation whose body it is.
    pub decides_body: String,
    pub deciding_org: Option<Uuid>,
    pub proposes_body: Option<String>,
    pub quota_group: String,
    pub stage: crate::state::Stage,
    pub level: Option<kiemdiem_rules::Level>,
    pub version: i64,
}

pub(crate) fn subject_view(row: kiemdiem_store::cycle::plan::SubjectRow) -> Result<Subject> {
    Ok(Subject {
        id: row.id,
        plan: row.plan_id,
        kind: parse_kind(&row.kind)?,
        name: row.name,
        member: row.member_id,
        leader: row.leader_id,
        collective: row.collective_id,
        org: row.org_id,
        unit: row.unit_id,
        participation: crate::vocab::parse_participation(&row.participation)?,
        eligibility: row
            .eligibility
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok()),
        form_code: row.form_code,
        framework: row.framework_id,
        decides_body: row.decides_body,
        deciding_org: row.deciding_org_id,
        proposes_body: row.proposes_body,
        quota_group: row.quota_group,
        stage: crate::state::Stage::parse(&row.stage)
            .ok_or_else(|| AppError::internal(format!("bước «{}»", row.stage)))?,
        level: row
            .level
            .as_deref()
            .map(crate::vocab::parse_level)
            .transpose()?,
        version: row.version,
    })
}

impl App {
    /// The subjects of a plan, all or those reviewed in `units`, in Vietnamese name order.
    pub async fn subjects(
        &self,
        actor: &Actor,
        plan: Uuid,
        units: Option<&[Uuid]>,
    ) -> Result<Vec<Subject>> {
        authorize(actor, Action::Read, Scope::Plan(plan))?;
        let mut tx = self.store().read().await?;
        tx.subjects_of_plan(plan, units)
            .await?
            .into_iter()
            .map(subject_view)
            .collect()
    }

    /// The subjects excluded from the review or reviewed without classification, with reasons.
    pub async fn excluded_subjects(&self, actor: &Actor, plan: Uuid) -> Result<Vec<Subject>> {
        Ok(self
            .subjects(actor, plan, None)
            .await?
            .into_iter()
            .filter(|s| {
                s.participation != kiemdiem_rules::eligibility::Participation::ReviewAndClassify
            })
            .collect())
    }

    pub async fn subject(&self, actor: &Actor, id: Uuid) -> Result<Subject> {
        authorize(actor, Action::Read, Scope::Subject(id))?;
        let mut tx = self.store().read().await?;
        let row = tx
            .subject(id)
            .await?
            .ok_or_else(|| AppError::not_found("đối tượng", id))?;
        subject_view(row)
    }
}

/// Results of one period (before/after a merger, split or transfer) or one unit of a joint branch
/// (chi bộ sinh hoạt ghép) of an organisation subject; the organisation is evaluated on their sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub seq: i64,
    /// `before_change`, `after_change` or `joint_unit`.
    pub kind: String,
    pub label: String,
    pub from_on: Option<Date>,
    pub to_on: Option<Date>,
    pub tasks: Option<kiemdiem_rules::facts::TaskResults>,
    pub version: i64,
}

impl App {
    /// The periods or units an organisation subject is evaluated on.
    pub async fn parts(&self, actor: &Actor, subject: Uuid) -> Result<Vec<Part>> {
        authorize(actor, Action::Read, Scope::Subject(subject))?;
        let mut tx = self.store().read().await?;
        Ok(tx
            .subject_parts(subject)
            .await?
            .into_iter()
            .map(|p| Part {
                tasks: match (
                    p.tasks_assigned,
                    p.tasks_completed,
                    p.tasks_on_time,
                    p.tasks_exceeded,
                ) {
                    (Some(a), Some(c), Some(o), Some(e)) => {
                        Some(kiemdiem_rules::facts::TaskResults {
                            assigned: a as u32,
                            completed: c as u32,
                            on_time: o as u32,
                            exceeded: e as u32,
                        })
                    }
                    _ => None,
                },
                seq: p.seq,
                kind: p.kind,
                label: p.label,
                from_on: p.from_on,
                to_on: p.to_on,
                version: p.version,
            })
            .collect())
    }

    /// Adds a unit of a joint branch (chi bộ sinh hoạt ghép) to an organisation subject.
    pub async fn add_joint_unit(&self, actor: &Actor, subject: Uuid, label: &str) -> Result<Part> {
        let who = authorize(actor, Action::WriteForBody, Scope::Subject(subject))?;
        let label = label.trim();
        if label.is_empty() {
            return Err(AppError::invalid("label", "Chưa ghi tên cơ quan, đơn vị"));
        }
        let mut tx = self.begin(&who).await?;
        let row = tx
            .subject(subject)
            .await?
            .ok_or_else(|| AppError::not_found("đối tượng", subject))?;
        if row.kind != "organisation" {
            return Err(AppError::invalid(
                "subject",
                "Chỉ tổ chức đảng mới có đơn vị sinh hoạt ghép",
            ));
        }
        let seq = tx.subject_parts(subject).await?.len() as i64 + 1;
        tx.add_subject_part(&kiemdiem_store::cycle::plan::SubjectPartRow {
            subject_id: subject,
            seq,
            kind: "joint_unit".into(),
            label: label.to_owned(),
            source_org_id: None,
            from_on: None,
            to_on: None,
            tasks_assigned: None,
            tasks_completed: None,
            tasks_on_time: None,
            tasks_exceeded: None,
            note: String::new(),
            version: 1,
        })
        .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("subject.part_add", "subject", subject)
                .detail(serde_json::json!({"seq": seq, "label": label})),
        )
        .await?;
        tx.commit().await?;
        Ok(Part {
            seq,
            kind: "joint_unit".into(),
            label: label.to_owned(),
            from_on: None,
            to_on: None,
            tasks: None,
            version: 1,
        })
    }

    /// Records the task results of one period or unit (at `version`).
    pub async fn record_part_results(
        &self,
        actor: &Actor,
        subject: Uuid,
        seq: i64,
        version: i64,
        tasks: kiemdiem_rules::facts::TaskResults,
    ) -> Result<()> {
        let who = authorize(actor, Action::WriteForBody, Scope::Subject(subject))?;
        tasks
            .validate("tasks")
            .map_err(|e| AppError::invalid(e.field, e.problem))?;
        let mut tx = self.begin(&who).await?;
        let results = [
            tasks.assigned,
            tasks.completed,
            tasks.on_time,
            tasks.exceeded,
        ]
        .map(i64::from);
        if !tx.set_part_results(subject, seq, version, results).await? {
            return Err(AppError::stale("Kết quả của giai đoạn, đơn vị", version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("subject.part_results", "subject", subject)
                .detail(serde_json::json!({"seq": seq, "tasks": tasks})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl App {
    /// The plans of a year (all periods), optionally of one organisation.
    pub async fn plans(&self, actor: &Actor, year: i32, org: Option<Uuid>) -> Result<Vec<Plan>> {
        authorize(
            actor,
            Action::Read,
            org.map(Scope::Org).unwrap_or(Scope::Global),
        )?;
        let mut tx = self.store().read().await?;
        let mut out = Vec::new();
        for row in tx.plans_of_year(i64::from(year)).await? {
            if org.is_none_or(|o| o == row.org_id) {
                out.push(plan_from_row(&mut tx, row).await?);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn phase(code: &str, from: Date, to: Date) -> Phase {
        Phase {
            code: code.into(),
            title: code.into(),
            step: None,
            starts_on: from,
            ends_on: to,
            source: String::new(),
        }
    }

    #[test]
    fn a_lower_plan_may_only_tighten_dates() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let phases = default_phases(2025, Period::Year, &book).unwrap();
        let parent = Plan {
            id: Uuid::nil(),
            org_id: Uuid::nil(),
            year: 2025,
            period: Period::Year,
            parent_plan_id: None,
            title: "Kế hoạch cấp trên".into(),
            rule_set: RuleSetId::Qd366Hd43,
            legal_basis: "",
            local_layer: None,
            review_date: date!(2025 - 12 - 31),
            status: "open".into(),
            subjects_count: 0,
            excluded_count: 0,
            version: 1,
            phases: phases.clone(),
            frameworks: BTreeMap::new(),
            changed_by: String::new(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        };
        let tighter = [phase(
            "meetings",
            date!(2025 - 12 - 11),
            date!(2025 - 12 - 18),
        )];
        assert!(check_tightened(&tighter, Some(&parent)).is_ok());
        let later = [phase(
            "meetings",
            date!(2025 - 12 - 11),
            date!(2025 - 12 - 22),
        )];
        let error = check_tightened(&later, Some(&parent)).unwrap_err();
        assert_eq!(error.field(), Some("phases[0].ends_on"));
        assert!(
            error.message().contains("20/12/2025"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn local_deadlines_become_phases() {
        let book = book_of(RuleSetId::Qd132Hd21, Some("seed003-huyen-2019")).unwrap();
        let phases = default_phases(2019, Period::Year, &book).unwrap();
        let local = phases.iter().find(|p| p.code == "local_1").unwrap();
        assert_eq!(local.ends_on, date!(2019 - 12 - 15));
        assert!(local.source.contains("Seed 003"));
    }

    #[test]
    fn periods_end_on_their_last_day() {
        assert_eq!(
            Period::Quarter(1).last_day(2026).unwrap(),
            date!(2026 - 03 - 31)
        );
        assert_eq!(
            Period::Half(1).last_day(2026).unwrap(),
            date!(2026 - 06 - 30)
        );
        assert!(Period::Quarter(5).last_day(2026).is_err());
        assert_eq!(
            Period::Quarter(3).first_day(2026).unwrap(),
            date!(2026 - 07 - 01)
        );
        assert_eq!(Period::Year.first_day(2026).unwrap(), date!(2026 - 01 - 01));
    }
}
