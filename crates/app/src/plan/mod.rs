//! Plans (kế hoạch kiểm điểm, đánh giá, xếp loại): one per organisation and period, pinning a
//! rule set and an optional local layer, the criteria frameworks per subject kind, and phases
//! with their dates. A lower plan inherits from its superior's and may only tighten dates.
//! This module owns issuing, loading and listing plans; the period ([`period`]), the phases
//! ([`phases`]), the subjects ([`subjects`]) and an organisation's parts ([`parts`]) have their
//! own modules. Opening a plan creates every subject's record at once ([`crate::open`]); this
//! module holds no rule (it asks the rules crate for the rule book and frameworks).

mod parts;
mod period;
mod phases;
mod subjects;

pub use parts::Part;
pub use period::Period;
pub use phases::{Phase, PhaseInput, Step};
pub use subjects::Subject;
pub(crate) use subjects::subject_view;
pub(crate) use subjects::{advance, load_subject, stale_subject};

use crate::App;
use crate::actor::{Action, Actor, Authorized, Scope};
use crate::audit::{self, AuditEvent};
use crate::document::{self, Document, DocumentInput, DocumentKind};
use crate::error::{AppError, ErrorCode, Result};
use kiemdiem_rules::SubjectKind;
use kiemdiem_rules::framework;
use kiemdiem_rules::ruleset::{RuleBook, RuleSetId, builtin_local_layer};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::{NewPlan as StoreNewPlan, PlanRow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

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
    /// The document the plan is issued by (number and symbol, date, signer, recipients); it may
    /// also be recorded later ([`App::record_plan_document`]).
    #[serde(default)]
    pub document: Option<DocumentInput>,
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
    /// The document the plan was issued by, once recorded.
    pub document: Option<Document>,
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

fn book_of(rule_set: RuleSetId, local: Option<&str>) -> Result<RuleBook> {
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

/// The evaluation years a plan may be issued for: from the first rule set's (2008) to 9999.
pub const PLAN_YEARS: std::ops::RangeInclusive<i32> = 2008..=9999;

fn check_year(year: i32) -> Result<()> {
    if PLAN_YEARS.contains(&year) {
        return Ok(());
    }
    Err(AppError::invalid(
        "year",
        format!(
            "Năm đánh giá {year} không hợp lệ: phải từ {} đến {}",
            PLAN_YEARS.start(),
            PLAN_YEARS.end()
        ),
    ))
}

pub(crate) async fn load_plan(tx: &mut Tx, id: Uuid) -> Result<Plan> {
    let row = tx
        .plan(id)
        .await?
        .ok_or_else(|| AppError::not_found("kế hoạch", id))?;
    plan_from_row(tx, row).await
}

pub(crate) async fn plan_from_row(tx: &mut Tx, row: PlanRow) -> Result<Plan> {
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
        frameworks.insert(kind, id);
    }
    let rule_set = RuleSetId::parse(&row.rule_set)
        .ok_or_else(|| AppError::internal(format!("bộ quy tắc «{}»", row.rule_set)))?;
    let document = crate::document::load(tx, row.document_id).await?;
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
        document,
        changed_by: row.changed_by,
        changed_at: row.changed_at,
    })
}

/// Checks the frameworks a plan pins: each exists (shipped, or a version of a framework the
/// plan's organisation or one above it made), suits the rule book and the subject kind.
async fn check_frameworks(
    tx: &mut Tx,
    book: &RuleBook,
    org: Uuid,
    on: Date,
    frameworks: &BTreeMap<SubjectKind, String>,
) -> Result<()> {
    for (kind, id) in frameworks {
        let field = format!("frameworks.{}", kind.code());
        let found = match framework::builtin_by_id(id) {
            Some(found) => found.clone(),
            None => {
                let row = tx.org_framework(id).await?.ok_or_else(|| {
                    AppError::invalid(&field, format!("Không có khung tiêu chí «{id}»"))
                })?;
                if !tx.org_ancestor_ids(org, on).await?.contains(&row.org_id) {
                    return Err(AppError::invalid(
                        &field,
                        format!(
                            "Khung tiêu chí «{id}» là của một cấp ủy không phải cấp ban hành kế hoạch hay cấp trên"
                        ),
                    ));
                }
                crate::frameworks::resolve(tx, id).await?
            }
        };
        let found = &found;
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
        let who = self
            .authorize(actor, Action::ManagePlan, Scope::Org(new.org))
            .await?;
        check_year(new.year)?;
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
        // A lower plan inherits its superior's rules: it may tighten dates and add a local layer
        // where the superior has none, never decide by other rules.
        if let Some(parent) = &parent {
            if let Some(id) = new.rule_set.filter(|id| *id != parent.rule_set) {
                return Err(AppError::invalid(
                    "rule_set",
                    format!(
                        "Kế hoạch cấp dưới áp dụng bộ quy tắc của kế hoạch cấp trên ({}), không áp dụng {}",
                        parent.rule_set.code(),
                        id.code()
                    ),
                ));
            }
            if let (Some(theirs), Some(ours)) = (&parent.local_layer, &new.local_layer)
                && theirs != ours
            {
                return Err(AppError::invalid(
                    "local_layer",
                    format!(
                        "Kế hoạch cấp trên đã áp dụng quy định của địa phương \"{theirs}\": kế hoạch cấp dưới không thay bằng \"{ours}\""
                    ),
                ));
            }
        }
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
        check_frameworks(&mut tx, &book, org.id, review_date, &frameworks).await?;
        let phases =
            phases::new_plan_phases(&new.phases, parent.as_ref(), new.year, period, &book)?;
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
        tx.replace_phases(id, &phases::phase_rows(&phases)).await?;
        for (kind, framework) in &frameworks {
            tx.set_plan_framework(id, *kind, Some(framework)).await?;
        }
        let document = match &new.document {
            Some(typed) => {
                let document =
                    document::record(&mut tx, typed, DocumentKind::Plan, self.today(), "document")
                        .await?;
                if !tx.set_plan_document(id, 1, document).await? {
                    return Err(AppError::internal(
                        "kế hoạch vừa tạo không ghi được văn bản",
                    ));
                }
                Some(document)
            }
            None => None,
        };
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("plan.create", "plan", id).detail(serde_json::json!({
                "org": org.id, "year": new.year, "rule_set": rule_set.code(),
                "local_layer": local_layer, "parent_plan": parent.as_ref().map(|p| p.id),
                "document": document,
            })),
        )
        .await?;
        let plan = load_plan(&mut tx, id).await?;
        tx.commit().await?;
        Ok(plan)
    }

    pub async fn plan(&self, actor: &Actor, id: Uuid) -> Result<Plan> {
        self.authorize(actor, Action::Read, Scope::PlanDocument(id))
            .await?;
        let mut tx = self.store().read().await?;
        load_plan(&mut tx, id).await
    }

    /// Records (or replaces) the document the plan is issued by: number and symbol, date,
    /// signer, recipients (versioned; audited with the document it replaces).
    pub async fn record_plan_document(
        &self,
        actor: &Actor,
        plan: Uuid,
        version: i64,
        typed: &DocumentInput,
    ) -> Result<Plan> {
        let who = self
            .authorize(actor, Action::ManagePlan, Scope::Plan(plan))
            .await?;
        let mut tx = self.begin(&who).await?;
        let current = load_plan(&mut tx, plan).await?;
        if current.version != version {
            return Err(AppError::stale("Kế hoạch", version));
        }
        let document =
            document::record(&mut tx, typed, DocumentKind::Plan, self.today(), "document").await?;
        if !tx.set_plan_document(plan, version, document).await? {
            return Err(AppError::stale("Kế hoạch", version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("plan.document", "plan", plan).detail(serde_json::json!({
                "document": document,
                "replaces": current.document.as_ref().map(|d| d.id),
            })),
        )
        .await?;
        let plan = load_plan(&mut tx, plan).await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// The plans issued directly under `plan` (the next level down).
    pub async fn child_plans(&self, actor: &Actor, plan: Uuid) -> Result<Vec<Plan>> {
        self.authorize(actor, Action::Read, Scope::Plan(plan))
            .await?;
        let mut tx = self.store().read().await?;
        // An unknown plan is not an empty list.
        tx.plan(plan)
            .await?
            .ok_or_else(|| crate::error::AppError::not_found("kế hoạch", plan))?;
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

/// Re-opens a published plan for re-classification (SPEC §8: a result found wrong is cancelled
/// and redone): a correction or a re-opening after publication puts the plan back to `open`
/// until its results are published again. An open plan is left as it is; a draft is refused.
pub(crate) async fn reopen_if_published(tx: &mut Tx, plan: &Plan, doing: &str) -> Result<bool> {
    match plan.status.as_str() {
        "open" => Ok(false),
        "published" => {
            if !tx
                .set_plan_status(plan.id, plan.version, "open", None)
                .await?
            {
                return Err(AppError::stale("Kế hoạch", plan.version));
            }
            Ok(true)
        }
        _ => require_status(plan, "open", doing).map(|()| false),
    }
}

impl App {
    /// The plans of a year issued by the organisation with this code, for whoever they cover.
    pub async fn plans_issued_by(&self, actor: &Actor, year: i32, code: &str) -> Result<Vec<Plan>> {
        crate::access::resolve::check_signed_in(actor)?;
        let org = {
            let mut tx = self.store().read().await?;
            tx.org_latest_by_code(code.trim())
                .await?
                .ok_or_else(|| AppError::not_found("tổ chức", code.trim()).with_field("org"))?
                .id
        };
        self.plans(actor, year, Some(org)).await
    }

    /// The plans of a year (all periods) issued by one organisation, or — without `org` — every
    /// plan for an administrator, and the plans issued at or above the actor's nodes otherwise
    /// (the plans that apply to them).
    pub async fn plans(&self, actor: &Actor, year: i32, org: Option<Uuid>) -> Result<Vec<Plan>> {
        let issuers: Option<Vec<Uuid>> = match org {
            Some(org) => {
                self.authorize(actor, Action::Read, Scope::Issued(org))
                    .await?;
                Some(vec![org])
            }
            None if actor.is_trusted()
                || self
                    .authorize(actor, Action::Read, Scope::Global)
                    .await
                    .is_ok() =>
            {
                None
            }
            None => {
                let today = self.today();
                let mut tx = self.store().read().await?;
                let mut nodes = Vec::new();
                for grant in actor.grants().iter().filter(|g| g.active_on(today)) {
                    if let Some(node) = grant.org {
                        nodes.extend(tx.org_ancestor_ids(node, today).await?);
                    }
                }
                Some(nodes)
            }
        };
        let mut tx = self.store().read().await?;
        let mut out = Vec::new();
        for row in tx.plans_of_year(i64::from(year)).await? {
            if issuers
                .as_ref()
                .is_none_or(|orgs| orgs.contains(&row.org_id))
            {
                out.push(plan_from_row(&mut tx, row).await?);
            }
        }
        Ok(out)
    }
}
