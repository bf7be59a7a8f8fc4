//! After the decision (issue 16): a subject's dissenting opinion (`/subjects/{id}/dissents`),
//! complaints, denunciations and reports about a subject (`/subjects/{id}/matters`, handled at
//! `/matters/{id}/…`, the complainant's own at `/my/matters`, a plan's at `/plans/{id}/matters`),
//! an upper level's inspection orders (`/subjects/{id}/inspection-orders`), the organisations in
//! breach (`/plans/{id}/breaches`) and a plan's results re-checked against its rule set
//! (`/plans/{id}/recheck`). The app decides (`kiemdiem_app::after`, `evaluation::recheck`).

use crate::ApiState;
use crate::actor::Acting;
use crate::api::sitting::DocumentBody;
use crate::api::subjects::DecisionRecord;
use crate::error::{ApiResult, ErrorBody, RuleRef};
use crate::extract::{ApiJson, ApiPath, IfMatch};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::after::{
    Concluded, Dissent, InspectionInput, InspectionOrder, Matter, MatterConclusion, MatterInput,
    MatterOrder, OrderKind, Outcome,
};
use kiemdiem_app::evaluation::{
    DecisionInput, MissingStep, OrderBreach, OrgBreaches, PlanRecheck, QuotaBreach, Rechecked,
};
use kiemdiem_rules::facts::MatterKind;
use kiemdiem_rules::{Citation, Level};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(record_dissent, list_dissents))
        .routes(routes!(lodge_matter, list_subject_matters))
        .routes(routes!(order_verification))
        .routes(routes!(conclude_matter))
        .routes(routes!(my_matters))
        .routes(routes!(list_plan_matters))
        .routes(routes!(order_inspection, list_inspection_orders))
        .routes(routes!(list_breaches))
        .routes(routes!(recheck_plan))
}

/// The kind of a matter: `complaint` (đơn khiếu nại), `denunciation` (đơn tố cáo),
/// `negativity_report` (phản ánh tiêu cực), `violation_signs` (dấu hiệu vi phạm),
/// `disunity_signs` (dấu hiệu mất đoàn kết).
#[derive(ToSchema)]
#[schema(as = MatterKind, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum MatterKindCode {
    Complaint,
    Denunciation,
    NegativityReport,
    ViolationSigns,
    DisunitySigns,
}

/// How a matter was concluded: `upheld` (đúng), `not_upheld` (không đúng), `partly` (đúng một
/// phần).
#[derive(ToSchema)]
#[schema(as = MatterOutcome, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum OutcomeCode {
    Upheld,
    NotUpheld,
    Partly,
}

/// What an upper level orders: `review` (kiểm điểm lại) or `reclassify` (xếp loại lại).
#[derive(ToSchema)]
#[schema(as = InspectionOrderKind, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum OrderKindCode {
    Review,
    Reclassify,
}

fn rule_refs(citations: Vec<Citation>) -> Vec<RuleRef> {
    citations
        .into_iter()
        .map(|c| RuleRef {
            rule: c.rule,
            source: c.source,
        })
        .collect()
}

/// A dissenting opinion (bảo lưu ý kiến) kept against a decision in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct DissentRecord {
    pub id: Uuid,
    pub subject_id: Uuid,
    /// The decision version it is kept against.
    pub decision_id: Uuid,
    /// The level above the deciding one, to which it is addressed.
    pub addressed_to_org_id: Option<Uuid>,
    pub addressed_to_name: Option<String>,
    /// The member who kept it (their own); absent for a body's, recorded by its secretary.
    pub member_id: Option<Uuid>,
    pub opinion: String,
    pub recorded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

impl From<Dissent> for DissentRecord {
    fn from(d: Dissent) -> DissentRecord {
        DissentRecord {
            id: d.id,
            subject_id: d.subject,
            decision_id: d.decision,
            addressed_to_org_id: d.addressed_to,
            addressed_to_name: d.addressed_to_name,
            member_id: d.member,
            opinion: d.opinion,
            recorded_by: d.recorded_by,
            recorded_at: d.recorded_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DissentList {
    pub dissents: Vec<DissentRecord>,
}

/// A dissenting opinion to keep.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DissentBody {
    pub opinion: String,
}

/// A subject checked again against the rules (a dependent after a re-classification, or a result
/// of a re-checked plan).
#[derive(Debug, Serialize, ToSchema)]
pub struct RecheckedRecord {
    pub subject_id: Uuid,
    pub name: String,
    pub unit_id: Uuid,
    /// Why it was checked again: `organisation_members`, `sub_organisations`, `head`,
    /// `collective_members`, `organisation_collective`; absent when checked for itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub relation: Option<String>,
    #[schema(value_type = Option<crate::api::schema::LevelCode>)]
    pub level: Option<Level>,
    /// The highest level the rules allow today.
    #[schema(value_type = crate::api::schema::LevelCode)]
    pub allowed: Level,
    pub conforms: bool,
    /// What caps it below the level in force, each with its source.
    pub problems: Vec<String>,
    pub rules: Vec<RuleRef>,
    /// The subject's version, for correcting it.
    pub version: i64,
}

impl From<Rechecked> for RecheckedRecord {
    fn from(r: Rechecked) -> RecheckedRecord {
        RecheckedRecord {
            subject_id: r.subject,
            name: r.name,
            unit_id: r.unit,
            relation: r.relation,
            level: r.level,
            allowed: r.allowed,
            conforms: r.conforms,
            problems: r.problems,
            rules: rule_refs(r.citations),
            version: r.version,
        }
    }
}

/// A complaint, denunciation or report about a subject, with its handling.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatterRecord {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub subject_name: String,
    #[schema(value_type = MatterKindCode)]
    pub kind: MatterKind,
    pub kind_name: String,
    pub complainant_member_id: Uuid,
    pub content: String,
    pub received_on: Date,
    /// Lodged while no level was in force: the decision waits for its verification (QĐ 366
    /// Điều 12).
    pub before_decision: bool,
    /// The organisation handling it: the subject's competent level.
    pub handling_org_id: Option<Uuid>,
    pub handling_org_name: Option<String>,
    pub ordered_on: Option<Date>,
    pub due_on: Option<Date>,
    /// Past its due day without a conclusion.
    pub overdue: bool,
    pub order_note: Option<String>,
    pub verified_on: Option<Date>,
    pub findings: Option<String>,
    #[schema(value_type = Option<OutcomeCode>)]
    pub outcome: Option<Outcome>,
    pub outcome_name: Option<String>,
    pub conclusion: Option<String>,
    pub concluded_on: Option<Date>,
    /// The re-classification it led to.
    pub correction_id: Option<Uuid>,
    /// The matter's version: send it with the order and the conclusion.
    pub version: i64,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

impl From<Matter> for MatterRecord {
    fn from(m: Matter) -> MatterRecord {
        MatterRecord {
            id: m.id,
            subject_id: m.subject,
            subject_name: m.subject_name,
            kind: m.kind,
            kind_name: m.kind_name,
            complainant_member_id: m.complainant,
            content: m.content,
            received_on: m.received_on,
            before_decision: m.before_decision,
            handling_org_id: m.handling_org,
            handling_org_name: m.handling_org_name,
            ordered_on: m.ordered_on,
            due_on: m.due_on,
            overdue: m.overdue,
            order_note: m.order_note,
            verified_on: m.verified_on,
            findings: m.findings,
            outcome: m.outcome,
            outcome_name: m.outcome_name,
            conclusion: m.conclusion,
            concluded_on: m.concluded_on,
            correction_id: m.correction,
            version: m.version,
            changed_by: m.changed_by,
            changed_at: m.changed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatterList {
    pub matters: Vec<MatterRecord>,
}

/// A matter to lodge: the complainant is the signed-in account's member.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatterBody {
    #[schema(value_type = MatterKindCode)]
    pub kind: MatterKind,
    pub content: String,
}

/// The verification ordered by the handling level, with its due day.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatterOrderBody {
    /// The matter's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    pub due_on: Date,
    #[serde(default)]
    pub note: Option<String>,
}

/// A re-classification made with an upheld conclusion (the correction path, Mẫu 03).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    /// The subject's version read.
    pub version: i64,
    #[schema(value_type = crate::api::schema::LevelCode)]
    pub level: Level,
    /// The conclusion is the reason when absent.
    #[serde(default)]
    pub reason: Option<String>,
    /// The Mẫu 03 decision.
    #[serde(default)]
    pub document: Option<DocumentBody>,
}

/// The verification's result and the written conclusion.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConclusionBody {
    /// The matter's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    #[schema(value_type = OutcomeCode)]
    pub outcome: Outcome,
    #[serde(default)]
    pub findings: Option<String>,
    pub conclusion: String,
    /// The day the verification's result was recorded (today when absent).
    #[serde(default)]
    pub verified_on: Option<Date>,
    /// Upheld or partly upheld: re-classify the subject.
    #[serde(default)]
    pub correction: Option<CorrectionBody>,
}

/// A concluded matter, and the re-classification it led to with its dependents checked again.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConcludedRecord {
    pub matter: MatterRecord,
    pub correction: Option<DecisionRecord>,
    /// The notice of the conclusion delivered to the complainant's inbox (and e-mail).
    pub notice_id: Uuid,
}

impl From<Concluded> for ConcludedRecord {
    fn from(c: Concluded) -> ConcludedRecord {
        ConcludedRecord {
            matter: c.matter.into(),
            correction: c.correction.map(DecisionRecord::from),
            notice_id: c.notice,
        }
    }
}

/// An upper level's order about a subject.
#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionOrderRecord {
    pub id: Uuid,
    pub subject_id: Uuid,
    pub org_id: Uuid,
    pub org_name: Option<String>,
    #[schema(value_type = OrderKindCode)]
    pub kind: OrderKind,
    pub kind_name: String,
    pub reason: String,
    pub due_on: Option<Date>,
    /// `open` or `done`.
    pub status: String,
    /// The decision version that carried it out.
    pub decision_id: Option<Uuid>,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
    /// A new review: the re-opening written when it was ordered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub reopened: Option<DecisionRecord>,
}

impl From<InspectionOrder> for InspectionOrderRecord {
    fn from(o: InspectionOrder) -> InspectionOrderRecord {
        InspectionOrderRecord {
            id: o.id,
            subject_id: o.subject,
            org_id: o.org,
            org_name: o.org_name,
            kind: o.kind,
            kind_name: o.kind_name,
            reason: o.reason,
            due_on: o.due_on,
            status: o.status,
            decision_id: o.decision,
            changed_by: o.changed_by,
            changed_at: o.changed_at,
            reopened: o.reopened.map(DecisionRecord::from),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionOrderList {
    pub orders: Vec<InspectionOrderRecord>,
}

/// An order to give.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionBody {
    /// The ordering organisation's code: above the organisation whose plan holds the subject.
    pub org: String,
    #[schema(value_type = OrderKindCode)]
    pub kind: OrderKind,
    pub reason: String,
    #[serde(default)]
    pub due_on: Option<Date>,
    /// The subject's version read (or send `If-Match`): a new review re-opens its result.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A quota group over its quota.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaBreachRecord {
    pub group: String,
    pub group_name: String,
    pub message: String,
    pub rules: Vec<RuleRef>,
}

impl From<QuotaBreach> for QuotaBreachRecord {
    fn from(q: QuotaBreach) -> QuotaBreachRecord {
        QuotaBreachRecord {
            group: q.group,
            group_name: q.group_name,
            message: q.message,
            rules: rule_refs(q.citations),
        }
    }
}

/// A rating decided while a step that must come before it is not done.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderBreachRecord {
    pub subject_id: Uuid,
    pub name: String,
    pub problems: Vec<String>,
    pub rules: Vec<RuleRef>,
}

impl From<OrderBreach> for OrderBreachRecord {
    fn from(o: OrderBreach) -> OrderBreachRecord {
        OrderBreachRecord {
            subject_id: o.subject,
            name: o.name,
            problems: o.problems,
            rules: rule_refs(o.citations),
        }
    }
}

/// A subject undecided after the plan's decision deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingStepRecord {
    pub subject_id: Uuid,
    pub name: String,
    #[schema(value_type = crate::api::schema::StageCode)]
    pub stage: String,
    pub stage_name: String,
    pub deadline: Date,
}

impl From<MissingStep> for MissingStepRecord {
    fn from(m: MissingStep) -> MissingStepRecord {
        MissingStepRecord {
            subject_id: m.subject,
            name: m.name,
            stage: m.stage,
            stage_name: m.stage_name,
            deadline: m.deadline,
        }
    }
}

/// One organisation in breach.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgBreachesRecord {
    pub org_id: Uuid,
    pub org_name: String,
    pub plan_id: Uuid,
    pub quota: Vec<QuotaBreachRecord>,
    pub order: Vec<OrderBreachRecord>,
    pub nonconforming: Vec<RecheckedRecord>,
    pub missing: Vec<MissingStepRecord>,
}

impl From<OrgBreaches> for OrgBreachesRecord {
    fn from(b: OrgBreaches) -> OrgBreachesRecord {
        OrgBreachesRecord {
            org_id: b.org,
            org_name: b.org_name,
            plan_id: b.plan,
            quota: b.quota.into_iter().map(Into::into).collect(),
            order: b.order.into_iter().map(Into::into).collect(),
            nonconforming: b.nonconforming.into_iter().map(Into::into).collect(),
            missing: b.missing.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BreachList {
    pub organisations: Vec<OrgBreachesRecord>,
}

/// A plan's results re-checked against the rule set it pins.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanRecheckRecord {
    pub plan_id: Uuid,
    pub year: i32,
    pub rule_set: String,
    /// How many decided results were checked.
    pub checked: u64,
    /// The results the rules do not allow, each correctable by a re-classification
    /// (`POST /subjects/{id}/corrections`).
    pub nonconforming: Vec<RecheckedRecord>,
    pub quota: Vec<QuotaBreachRecord>,
}

impl From<PlanRecheck> for PlanRecheckRecord {
    fn from(r: PlanRecheck) -> PlanRecheckRecord {
        PlanRecheckRecord {
            plan_id: r.plan,
            year: r.year,
            rule_set: r.rule_set,
            checked: r.checked,
            nonconforming: r.nonconforming.into_iter().map(Into::into).collect(),
            quota: r.quota.into_iter().map(Into::into).collect(),
        }
    }
}

/// Keeps the subject's own opinion of the decision in force (bảo lưu ý kiến), addressed to the
/// level above the deciding one: a member for themself, a body through its secretary. The
/// decision stands and lists the opinion.
#[utoipa::path(post, path = "/subjects/{id}/dissents", tag = "after_decision", operation_id = "record_dissent",
    params(("id" = Uuid, Path, description = "The subject's id")),
    request_body = DissentBody,
    responses((status = 201, body = DissentRecord), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_dissent(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<DissentBody>,
) -> ApiResult<(StatusCode, Json<DissentRecord>)> {
    let dissent = state
        .app()
        .record_dissent(&actor, id, &body.opinion)
        .await?;
    Ok((StatusCode::CREATED, Json(dissent.into())))
}

/// The dissenting opinions kept about a subject, oldest first.
#[utoipa::path(get, path = "/subjects/{id}/dissents", tag = "after_decision", operation_id = "list_dissents",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = DissentList), (status = 404, body = ErrorBody)))]
async fn list_dissents(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<DissentList>> {
    let dissents = state.app().dissents(&actor, id).await?;
    Ok(Json(DissentList {
        dissents: dissents.into_iter().map(Into::into).collect(),
    }))
}

/// Lodges a complaint, a denunciation or a report about a subject, as the signed-in member. It
/// goes to the subject's competent level; lodged before the decision, it holds the decision until
/// its verification is recorded (QĐ 366 Điều 12).
#[utoipa::path(post, path = "/subjects/{id}/matters", tag = "after_decision", operation_id = "lodge_matter",
    params(("id" = Uuid, Path, description = "The subject's id")),
    request_body = MatterBody,
    responses((status = 201, body = MatterRecord), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn lodge_matter(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<MatterBody>,
) -> ApiResult<(StatusCode, Json<MatterRecord>)> {
    let matter = state
        .app()
        .lodge_matter(
            &actor,
            id,
            MatterInput {
                kind: body.kind,
                content: body.content,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(matter.into())))
}

/// The matters about a subject, in the order received.
#[utoipa::path(get, path = "/subjects/{id}/matters", tag = "after_decision", operation_id = "list_subject_matters",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = MatterList), (status = 404, body = ErrorBody)))]
async fn list_subject_matters(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<MatterList>> {
    let matters = state.app().matters(&actor, id).await?;
    Ok(Json(MatterList {
        matters: matters.into_iter().map(Into::into).collect(),
    }))
}

/// The handling level orders the verification of a matter, with its due day.
#[utoipa::path(post, path = "/matters/{id}/verification-order", tag = "after_decision", operation_id = "order_verification",
    params(("id" = Uuid, Path, description = "The matter's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The matter's version read")),
    request_body = MatterOrderBody,
    responses((status = 200, body = MatterRecord), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn order_verification(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<MatterOrderBody>,
) -> ApiResult<Json<MatterRecord>> {
    let version = if_match.version(body.version)?;
    let matter = state
        .app()
        .order_verification(
            &actor,
            id,
            MatterOrder {
                version,
                due_on: body.due_on,
                note: body.note,
            },
        )
        .await?;
    Ok(Json(matter.into()))
}

/// Records the verification's result and the written conclusion (upheld, not upheld, partly),
/// which the complainant reads at `/my/matters`; upheld, it may re-classify the subject through
/// the correction path (Mẫu 03), the answer listing what depends on the changed level.
#[utoipa::path(post, path = "/matters/{id}/conclusion", tag = "after_decision", operation_id = "conclude_matter",
    params(("id" = Uuid, Path, description = "The matter's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The matter's version read")),
    request_body = ConclusionBody,
    responses((status = 200, body = ConcludedRecord), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn conclude_matter(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<ConclusionBody>,
) -> ApiResult<Json<ConcludedRecord>> {
    let version = if_match.version(body.version)?;
    let concluded = state
        .app()
        .conclude_matter(
            &actor,
            id,
            MatterConclusion {
                version,
                outcome: body.outcome,
                findings: body.findings,
                conclusion: body.conclusion,
                verified_on: body.verified_on,
                correction: body.correction.map(|c| DecisionInput {
                    version: c.version,
                    level: Some(c.level),
                    reason: c.reason,
                    exceptional_share: None,
                    document: c.document.map(Into::into),
                }),
            },
        )
        .await?;
    Ok(Json(concluded.into()))
}

/// The matters the signed-in member lodged, with their conclusions, newest first.
#[utoipa::path(get, path = "/my/matters", tag = "after_decision", operation_id = "my_matters",
    responses((status = 200, body = MatterList)))]
async fn my_matters(
    State(state): State<ApiState>,
    Acting(actor): Acting,
) -> ApiResult<Json<MatterList>> {
    let matters = state.app().my_matters(&actor).await?;
    Ok(Json(MatterList {
        matters: matters.into_iter().map(Into::into).collect(),
    }))
}

/// The matters about a plan's subjects, with their due days (overdue ones marked).
#[utoipa::path(get, path = "/plans/{id}/matters", tag = "after_decision", operation_id = "list_plan_matters",
    params(("id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, body = MatterList), (status = 404, body = ErrorBody)))]
async fn list_plan_matters(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<MatterList>> {
    let matters = state.app().matters_of_plan(&actor, id).await?;
    Ok(Json(MatterList {
        matters: matters.into_iter().map(Into::into).collect(),
    }))
}

/// An upper level orders a new review (the decided result is re-opened) or a re-classification
/// (carried out by the competent level's correction) of a subject of a plan below it.
#[utoipa::path(post, path = "/subjects/{id}/inspection-orders", tag = "after_decision", operation_id = "order_inspection",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The subject's version read")),
    request_body = InspectionBody,
    responses((status = 201, body = InspectionOrderRecord), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn order_inspection(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<InspectionBody>,
) -> ApiResult<(StatusCode, Json<InspectionOrderRecord>)> {
    let version = if_match.version(body.version)?;
    let app = state.app();
    let org = app.org_id(&actor, &body.org, None, "org").await?;
    let order = app
        .order_inspection(
            &actor,
            id,
            InspectionInput {
                org,
                kind: body.kind,
                reason: body.reason,
                due_on: body.due_on,
                version,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(order.into())))
}

/// The inspection orders about a subject, oldest first.
#[utoipa::path(get, path = "/subjects/{id}/inspection-orders", tag = "after_decision", operation_id = "list_inspection_orders",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = InspectionOrderList), (status = 404, body = ErrorBody)))]
async fn list_inspection_orders(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<InspectionOrderList>> {
    let orders = state.app().inspection_orders(&actor, id).await?;
    Ok(Json(InspectionOrderList {
        orders: orders.into_iter().map(Into::into).collect(),
    }))
}

/// The organisations in breach under a plan and its lower plans, for the inspection committee:
/// quota groups over their quota, results the rules do not allow, ratings decided out of order,
/// subjects undecided after the decision deadline.
#[utoipa::path(get, path = "/plans/{id}/breaches", tag = "after_decision", operation_id = "list_breaches",
    params(("id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, body = BreachList), (status = 404, body = ErrorBody)))]
async fn list_breaches(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<BreachList>> {
    let breaches = state.app().breaches(&actor, id).await?;
    Ok(Json(BreachList {
        organisations: breaches.into_iter().map(Into::into).collect(),
    }))
}

/// A plan's decided results — a past year's included — re-checked against the rule set the plan
/// pins; each one listed is correctable by a re-classification.
#[utoipa::path(get, path = "/plans/{id}/recheck", tag = "after_decision", operation_id = "recheck_plan",
    params(("id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, body = PlanRecheckRecord), (status = 404, body = ErrorBody)))]
async fn recheck_plan(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PlanRecheckRecord>> {
    let recheck = state.app().recheck_plan(&actor, id).await?;
    Ok(Json(recheck.into()))
}
