//! `/api/v1/plans/…`: issue a plan (inheriting from the superior's), change its phases (only
//! tightening the superior's dates), open it (every subject's record created with eligibility
//! decided by the rules), list its subjects, settle escalations and publish the results. Every
//! write goes through the app's use cases, which authorise the actor and keep the audit trail.

use crate::ApiState;
use crate::actor::Acting;
use crate::api::sitting::{DocumentBody, DocumentRecord};
use crate::api::subjects::SubjectView;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, IfMatch, parse_count};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::evaluation::{Escalation, PublicationSummary};
use kiemdiem_app::open::OpenReport;
use kiemdiem_app::plan::{NewPlan, Period, Phase, PhaseInput, Plan, Step};
use kiemdiem_app::progress::{NodeProgress, PendingSubject, StepCount};
use kiemdiem_rules::{RuleSetId, SubjectKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(create_plan, list_plans))
        .routes(routes!(get_plan))
        .routes(routes!(set_phases))
        .routes(routes!(set_document))
        .routes(routes!(child_plans))
        .routes(routes!(open_plan))
        .routes(routes!(subjects))
        .routes(routes!(escalations))
        .routes(routes!(publish))
        .routes(routes!(progress))
        .routes(routes!(pending))
}

/// A plan to issue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlan {
    /// The code of the organisation issuing the plan.
    #[schema(example = "XA")]
    pub org: String,
    /// The evaluation year, 2008–9999 (from the first rule set's year).
    #[schema(example = 2025, minimum = 2008, maximum = 9999)]
    pub year: i32,
    /// The year when absent.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schema::PeriodSchema>)]
    pub period: Option<Period>,
    #[serde(default)]
    pub title: Option<String>,
    /// The year's default (or the superior plan's) when absent.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schema::RuleSetCode>, example = "qd366-hd43")]
    pub rule_set: Option<RuleSetId>,
    /// A shipped local layer by id (the superior plan's when absent).
    #[serde(default)]
    pub local_layer: Option<String>,
    /// The day eligibility and tenure are judged on; the period's last day when absent.
    #[serde(default)]
    pub review_date: Option<Date>,
    /// Shipped framework ids overriding the national default, by subject kind.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub frameworks: BTreeMap<SubjectKind, String>,
    /// The superior plan's (or the default) phases when empty.
    #[serde(default)]
    pub phases: Vec<PhaseBody>,
    /// The document the plan is issued by (number and symbol, date, signer, recipients).
    #[serde(default)]
    pub document: Option<DocumentBody>,
}

/// The document a plan is issued by, based on the plan's version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDocumentBody {
    /// The plan's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    pub document: DocumentBody,
}

/// A phase as written in a plan.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseBody {
    /// Stable code shared with the superior's plan (`preparation`, `meetings` …).
    #[schema(example = "meetings")]
    pub code: String,
    #[schema(example = "Tổ chức hội nghị kiểm điểm")]
    pub title: String,
    /// The step whose deadline is this phase's end.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schema::StepCode>)]
    pub step: Option<Step>,
    pub starts_on: Date,
    pub ends_on: Date,
}

impl From<PhaseBody> for PhaseInput {
    fn from(p: PhaseBody) -> PhaseInput {
        PhaseInput {
            code: p.code,
            title: p.title,
            step: p.step,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
        }
    }
}

/// New phases for a plan, based on the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPhases {
    /// The plan's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    pub phases: Vec<PhaseBody>,
}

/// The version of the record the change is based on (or send `If-Match`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionBody {
    #[serde(default)]
    pub version: Option<i64>,
}

/// A plan as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: Uuid,
    pub org_id: Uuid,
    pub year: i32,
    #[schema(value_type = crate::api::schema::PeriodSchema)]
    pub period: Period,
    /// The superior's plan this one inherits from.
    pub parent_plan_id: Option<Uuid>,
    pub title: String,
    #[schema(value_type = crate::api::schema::RuleSetCode, example = "qd366-hd43")]
    pub rule_set: RuleSetId,
    pub legal_basis: String,
    pub local_layer: Option<String>,
    pub review_date: Date,
    /// `draft`, `open` or `published`.
    pub status: String,
    pub subjects_count: i64,
    pub excluded_count: i64,
    pub version: i64,
    pub phases: Vec<PhaseView>,
    #[schema(value_type = BTreeMap<String, String>)]
    pub frameworks: BTreeMap<SubjectKind, String>,
    /// The document the plan was issued by, once recorded.
    pub document: Option<DocumentRecord>,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhaseView {
    pub code: String,
    pub title: String,
    #[schema(value_type = Option<crate::api::schema::StepCode>)]
    pub step: Option<Step>,
    pub step_name: Option<String>,
    pub starts_on: Date,
    pub ends_on: Date,
    /// Where the dates come from (this plan, the superior's plan, the rule set).
    pub source: String,
}

impl From<Phase> for PhaseView {
    fn from(p: Phase) -> PhaseView {
        PhaseView {
            step_name: p.step.map(|s| s.name_vi().to_string()),
            code: p.code,
            title: p.title,
            step: p.step,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            source: p.source,
        }
    }
}

impl From<Plan> for PlanView {
    fn from(p: Plan) -> PlanView {
        PlanView {
            id: p.id,
            org_id: p.org_id,
            year: p.year,
            period: p.period,
            parent_plan_id: p.parent_plan_id,
            title: p.title,
            rule_set: p.rule_set,
            legal_basis: p.legal_basis.to_string(),
            local_layer: p.local_layer,
            review_date: p.review_date,
            status: p.status,
            subjects_count: p.subjects_count,
            excluded_count: p.excluded_count,
            version: p.version,
            phases: p.phases.into_iter().map(PhaseView::from).collect(),
            frameworks: p.frameworks,
            document: p.document.map(DocumentRecord::from),
            changed_by: p.changed_by,
            changed_at: p.changed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanList {
    pub plans: Vec<PlanView>,
}

/// What opening a plan created.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenReportView {
    pub subjects: u64,
    /// Reviewed and classified.
    pub classified: u64,
    /// Reviewed only (not classified this year).
    pub review_only: u64,
    /// Not reviewed this year, each with the reason on its subject record.
    pub excluded: u64,
    /// Subjects by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Subjects that need a document before classification (comments, civil-service rating).
    pub attachments_required: u64,
    pub elapsed_ms: u64,
}

impl From<OpenReport> for OpenReportView {
    fn from(r: OpenReport) -> OpenReportView {
        OpenReportView {
            subjects: r.subjects,
            classified: r.classified,
            review_only: r.review_only,
            excluded: r.excluded,
            by_kind: r.by_kind,
            attachments_required: r.attachments_required,
            elapsed_ms: r.elapsed_ms,
        }
    }
}

/// Filters and page of a plan's subjects.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubjectQuery {
    /// Only the subjects reviewed in this unit (organisation code: a branch, a committee).
    pub unit: Option<String>,
    /// Only this kind (`member_without_post`, `organisation` …).
    pub kind: Option<String>,
    /// Only this stage (`pending`, `reviewed`, `decided` …).
    pub stage: Option<String>,
    /// Only this participation (`review_and_classify`, `review_only`, `excluded`): the excluded
    /// are listed with the reason in `eligibility`.
    pub participation: Option<String>,
    #[param(value_type = Option<u32>)]
    pub offset: Option<String>,
    /// At most 5 000; 500 when absent.
    #[param(value_type = Option<u32>, maximum = 5000)]
    pub limit: Option<String>,
}

/// A page of a plan's subjects, in Vietnamese name order.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectPage {
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub subjects: Vec<SubjectView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationList {
    pub escalations: Vec<EscalationView>,
}

/// A person rated differently in several places, waiting for the organisation board.
#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationView {
    pub id: Uuid,
    pub plan_id: Uuid,
    /// The person: a member's or (when `person_kind` is `leader`) a non-member leader's id.
    pub person_id: Uuid,
    /// `member` or `leader`.
    pub person_kind: String,
    /// The organisation whose board settles it (the nearest above every place).
    pub competent_org_id: Option<Uuid>,
    pub places: Vec<PlaceView>,
    pub status: String,
    pub version: i64,
}

/// One place where the person is rated, and the level given there.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceView {
    pub subject_id: Uuid,
    pub name: String,
    pub kind: String,
    pub level: Option<String>,
}

impl From<Escalation> for EscalationView {
    fn from(e: Escalation) -> EscalationView {
        EscalationView {
            id: e.id,
            plan_id: e.plan,
            person_id: e.person,
            person_kind: e.person_kind,
            competent_org_id: e.competent_org,
            places: e
                .places
                .into_iter()
                .map(|p| PlaceView {
                    subject_id: p.subject,
                    name: p.name,
                    kind: p.kind.code().to_string(),
                    level: p.level.map(|l| l.code().to_string()),
                })
                .collect(),
            status: e.status,
            version: e.version,
        }
    }
}

/// What a publication made public.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationView {
    pub published: u64,
    /// Subject kind → level → count.
    pub levels: BTreeMap<String, BTreeMap<String, u64>>,
}

impl From<PublicationSummary> for PublicationView {
    fn from(p: PublicationSummary) -> PublicationView {
        PublicationView {
            published: p.published,
            levels: p.levels,
        }
    }
}

/// Issues a plan (draft) for an organisation and a year: pins the rule set, local layer and
/// frameworks, inherits from the superior's plan and checks that its dates only tighten it.
#[utoipa::path(post, path = "/plans", tag = "plans", operation_id = "create_plan",
    request_body = CreatePlan,
    responses((status = 201, body = PlanView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn create_plan(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiJson(body): ApiJson<CreatePlan>,
) -> ApiResult<(StatusCode, Json<PlanView>)> {
    let org = state.app().org_id(&actor, &body.org, None, "org").await?;
    let new = NewPlan {
        org,
        year: body.year,
        period: body.period,
        title: body.title,
        rule_set: body.rule_set,
        local_layer: body.local_layer,
        review_date: body.review_date,
        frameworks: body.frameworks,
        phases: body.phases.into_iter().map(PhaseInput::from).collect(),
        document: body.document.map(Into::into),
    };
    let plan = state.app().create_plan(&actor, new).await?;
    Ok((StatusCode::CREATED, Json(plan.into())))
}

/// One plan with its phases and frameworks.
#[utoipa::path(get, path = "/plans/{id}", tag = "plans", operation_id = "get_plan",
    params(("id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, body = PlanView), (status = 404, body = ErrorBody)))]
async fn get_plan(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PlanView>> {
    Ok(Json(state.app().plan(&actor, id).await?.into()))
}

/// Replaces the plan's phases, still only tightening the superior plan's dates.
#[utoipa::path(put, path = "/plans/{id}/phases", tag = "plans", operation_id = "set_plan_phases",
    params(("id" = Uuid, Path, description = "The plan's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The plan's version read, instead of `version` in the body")),
    request_body = SetPhases,
    responses((status = 200, body = PlanView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn set_phases(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<SetPhases>,
) -> ApiResult<Json<PlanView>> {
    let version = if_match.version(body.version)?;
    let phases = body.phases.into_iter().map(PhaseInput::from).collect();
    let plan = state.app().set_phases(&actor, id, version, phases).await?;
    Ok(Json(plan.into()))
}

/// Records (or replaces) the document the plan is issued by: number and symbol, date, the
/// signature block, recipients.
#[utoipa::path(put, path = "/plans/{id}/document", tag = "plans", operation_id = "set_plan_document",
    params(("id" = Uuid, Path, description = "The plan's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The plan's version read, instead of `version` in the body")),
    request_body = PlanDocumentBody,
    responses((status = 200, body = PlanView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn set_document(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<PlanDocumentBody>,
) -> ApiResult<Json<PlanView>> {
    let version = if_match.version(body.version)?;
    let plan = state
        .app()
        .record_plan_document(&actor, id, version, &body.document.into())
        .await?;
    Ok(Json(plan.into()))
}

/// The plans issued directly under this one (the next level down).
#[utoipa::path(get, path = "/plans/{id}/children", tag = "plans", operation_id = "list_child_plans",
    params(("id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, body = PlanList), (status = 404, body = ErrorBody)))]
async fn child_plans(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PlanList>> {
    let plans = state.app().child_plans(&actor, id).await?;
    Ok(Json(PlanList {
        plans: plans.into_iter().map(PlanView::from).collect(),
    }))
}

/// Opens (triển khai) a draft plan: creates every subject's record — organisations,
/// collectives, leaders, members — with eligibility decided by the rules, in one transaction.
#[utoipa::path(post, path = "/plans/{id}/open", tag = "plans", operation_id = "open_plan",
    params(("id" = Uuid, Path, description = "The plan's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The plan's version read, instead of `version` in the body")),
    request_body = VersionBody,
    responses((status = 200, body = OpenReportView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn open_plan(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<VersionBody>,
) -> ApiResult<Json<OpenReportView>> {
    let version = if_match.version(body.version)?;
    let report = state.app().open_plan(&actor, id, version).await?;
    Ok(Json(report.into()))
}

/// The subjects of an open plan, in Vietnamese name order, optionally of one unit, kind or
/// stage, a page at a time.
#[utoipa::path(get, path = "/plans/{id}/subjects", tag = "plans", operation_id = "list_plan_subjects",
    params(("id" = Uuid, Path, description = "The plan's id"), SubjectQuery),
    responses((status = 200, body = SubjectPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn subjects(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<SubjectQuery>,
) -> ApiResult<Json<SubjectPage>> {
    let offset = parse_count("offset", query.offset.as_deref(), 0, usize::MAX)?;
    let limit = parse_count("limit", query.limit.as_deref(), 500, 5_000)?;
    let plan = state.app().plan(&actor, id).await?;
    let unit = match query
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        None => None,
        Some(code) => Some(
            state
                .app()
                .org_id(&actor, code, Some(plan.review_date), "unit")
                .await?,
        ),
    };
    let units = unit.map(|u| vec![u]);
    let all = state.app().subjects(&actor, id, units.as_deref()).await?;
    let kind = query
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let stage = query
        .stage
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let participation = query
        .participation
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let selected: Vec<_> = all
        .into_iter()
        .filter(|s| kind.is_none_or(|k| s.kind.code() == k))
        .filter(|s| stage.is_none_or(|st| s.stage.code() == st))
        .filter(|s| participation.is_none_or(|p| s.participation.code() == p))
        .collect();
    let total = selected.len();
    let subjects = selected
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(SubjectView::from)
        .collect();
    Ok(Json(SubjectPage {
        total,
        offset,
        limit,
        subjects,
    }))
}

/// The open escalations of a plan: people rated differently in several places.
#[utoipa::path(get, path = "/plans/{id}/escalations", tag = "plans", operation_id = "list_escalations",
    params(("id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, body = EscalationList), (status = 404, body = ErrorBody)))]
async fn escalations(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<EscalationList>> {
    let escalations = state.app().escalations(&actor, id).await?;
    Ok(Json(EscalationList {
        escalations: escalations.into_iter().map(EscalationView::from).collect(),
    }))
}

/// Publishes the decided results of the plan: notifies and makes them public; the plan becomes
/// `published` when nothing is left undecided.
#[utoipa::path(post, path = "/plans/{id}/publication", tag = "plans", operation_id = "publish_plan",
    params(("id" = Uuid, Path, description = "The plan's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The plan's version read, instead of `version` in the body")),
    request_body = VersionBody,
    responses((status = 200, body = PublicationView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn publish(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<VersionBody>,
) -> ApiResult<Json<PublicationView>> {
    let version = if_match.version(body.version)?;
    let summary = state.app().publish(&actor, id, version).await?;
    Ok(Json(summary.into()))
}

/// Counts of one step in a subtree.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepCountView {
    pub done: u64,
    pub pending: u64,
    /// Pending past the step's deadline in the plan's phases.
    pub late: u64,
    pub deadline: Option<Date>,
}

impl From<StepCount> for StepCountView {
    fn from(c: StepCount) -> StepCountView {
        StepCountView {
            done: c.done,
            pending: c.pending,
            late: c.late,
            deadline: c.deadline,
        }
    }
}

/// One node of the plan's tree with the counts of its whole subtree.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeProgressView {
    pub org_id: Uuid,
    pub code: String,
    pub name: String,
    pub depth: i32,
    pub parent_id: Option<Uuid>,
    pub subjects: u64,
    pub excluded: u64,
    pub self_review: StepCountView,
    pub review: StepCountView,
    pub decision: StepCountView,
}

impl From<NodeProgress> for NodeProgressView {
    fn from(n: NodeProgress) -> NodeProgressView {
        NodeProgressView {
            org_id: n.org,
            code: n.code,
            name: n.name,
            depth: n.depth,
            parent_id: n.parent,
            subjects: n.subjects,
            excluded: n.excluded,
            self_review: n.self_review.into(),
            review: n.review.into(),
            decision: n.decision.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressView {
    pub nodes: Vec<NodeProgressView>,
}

/// Someone not yet reviewed or rated, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingSubjectView {
    pub subject_id: Uuid,
    pub name: String,
    pub kind: String,
    #[schema(value_type = crate::api::schema::StageCode)]
    pub stage: String,
    pub reason: String,
    pub late: bool,
}

impl From<PendingSubject> for PendingSubjectView {
    fn from(p: PendingSubject) -> PendingSubjectView {
        PendingSubjectView {
            subject_id: p.subject,
            name: p.name,
            kind: p.kind.code().to_string(),
            stage: p.stage.code().to_string(),
            reason: p.reason,
            late: p.late,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PendingList {
    pub subjects: Vec<PendingSubjectView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PendingQuery {
    /// The organisation (code) whose units — itself and its direct branches — are listed.
    #[param(required = true)]
    pub org: Option<String>,
}

/// Progress at every node of the plan's tree: for each step (self-review, review, decision)
/// how many subjects are done, pending and late, counting each node's whole subtree.
#[utoipa::path(get, path = "/plans/{id}/progress", tag = "plans", operation_id = "get_plan_progress",
    params(("id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, body = ProgressView), (status = 404, body = ErrorBody)))]
async fn progress(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ProgressView>> {
    let nodes = state.app().progress(&actor, id).await?;
    Ok(Json(ProgressView {
        nodes: nodes.into_iter().map(NodeProgressView::from).collect(),
    }))
}

/// Who in an organisation's units is not yet reviewed or rated, and why (absent subjects are
/// rated at the earliest meeting).
#[utoipa::path(get, path = "/plans/{id}/pending", tag = "plans", operation_id = "list_pending_subjects",
    params(("id" = Uuid, Path, description = "The plan's id"), PendingQuery),
    responses((status = 200, body = PendingList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn pending(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<PendingQuery>,
) -> ApiResult<Json<PendingList>> {
    let code = query
        .org
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::bad_query("org", "thiếu tham số «org» (mã tổ chức)"))?;
    let plan = state.app().plan(&actor, id).await?;
    let org = state
        .app()
        .org_id(&actor, code, Some(plan.review_date), "org")
        .await?;
    let subjects = state.app().pending_subjects(&actor, id, org).await?;
    Ok(Json(PendingList {
        subjects: subjects.into_iter().map(PendingSubjectView::from).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlansQuery {
    /// The evaluation year, 1995–9999.
    #[param(value_type = u32, required = true, minimum = 1995, maximum = 9999, example = 2025)]
    pub year: Option<String>,
    /// Only the plans of this organisation (code).
    pub org: Option<String>,
}

/// The plans of a year (every period), optionally of one organisation.
#[utoipa::path(get, path = "/plans", tag = "plans", operation_id = "list_plans",
    params(PlansQuery),
    responses((status = 200, body = PlanList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_plans(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiQuery(query): ApiQuery<PlansQuery>,
) -> ApiResult<Json<PlanList>> {
    let text = query
        .year
        .as_deref()
        .map(str::trim)
        .filter(|y| !y.is_empty())
        .ok_or_else(|| ApiError::bad_query("year", "thiếu tham số «year» (năm đánh giá)"))?;
    let year: i32 = text
        .parse()
        .ok()
        .filter(|y| kiemdiem_rules::calendar::YEARS.contains(y))
        .ok_or_else(|| {
            ApiError::bad_query(
                "year",
                format!("năm «{text}» không hợp lệ (từ 1995 đến 9999)"),
            )
        })?;
    let plans = match query
        .org
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        None => state.app().plans(&actor, year, None).await?,
        Some(code) => state.app().plans_issued_by(&actor, year, code).await?,
    };
    Ok(Json(PlanList {
        plans: plans.into_iter().map(PlanView::from).collect(),
    }))
}
