//! `/api/v1/subjects/…` and `/api/v1/escalations/…`: one subject of a plan (an organisation, a
//! collective, a leader or a member) through the three steps of evaluation — self-evaluation,
//! verification and opinions shown side by side, proposal — and the decision of the competent
//! level with the quota headroom shown first; corrections and re-opening as new decision
//! versions; escalations of people rated differently in several places.

use crate::ApiState;
use crate::actor::Acting;
use crate::api::sitting::{DocumentBody, DocumentRecord};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::evaluation::{
    Column, DecisionInput, DecisionView, EvaluationView, Opinion, OpinionSource, QuotaView,
    SelfEvaluation, SideBySide,
};
use kiemdiem_app::plan::{Part, Subject};
use kiemdiem_rules::Level;
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_rules::framework::EvaluationInput;
use kiemdiem_rules::quota::ExceptionalShareDecision;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(get_subject))
        .routes(routes!(evaluations))
        .routes(routes!(self_evaluate))
        .routes(routes!(record_opinion))
        .routes(routes!(side_by_side))
        .routes(routes!(quota))
        .routes(routes!(propose))
        .routes(routes!(decide, decisions))
        .routes(routes!(correct))
        .routes(routes!(reopen))
        .routes(routes!(resolve_escalation))
        .routes(routes!(notifications))
        .routes(routes!(parts, add_joint_unit))
        .routes(routes!(record_part_results))
}

/// A subject of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectView {
    pub id: Uuid,
    pub plan_id: Uuid,
    #[schema(value_type = crate::api::schema::SubjectKindCode)]
    pub kind: String,
    pub kind_name: String,
    pub member_id: Option<Uuid>,
    pub leader_id: Option<Uuid>,
    pub collective_id: Option<Uuid>,
    pub org_id: Option<Uuid>,
    /// The organisation where the subject is reviewed (its branch, the organisation itself …).
    pub unit_id: Uuid,
    pub name: String,
    /// `review_and_classify`, `review_only` or `excluded`.
    pub participation: String,
    /// Why the subject is (not) reviewed or classified this year and the documents needed,
    /// with the rules cited.
    #[schema(value_type = Option<Object>)]
    pub eligibility: Option<serde_json::Value>,
    /// The self-review form (Mẫu 01, 02A …).
    pub form_code: String,
    pub framework_id: Option<String>,
    /// The body that decides the level (the rule set's answer).
    pub decides_body: String,
    pub deciding_org_id: Option<Uuid>,
    pub proposes_body: Option<String>,
    /// The comparable group the HTXSNV quota is counted on.
    pub quota_group: String,
    #[schema(value_type = crate::api::schema::StageCode)]
    pub stage: String,
    pub stage_name: String,
    /// The level in force, once decided.
    #[schema(value_type = Option<crate::api::schema::LevelCode>)]
    pub level: Option<Level>,
    /// The subject's version: send it with a proposal or a decision.
    pub version: i64,
}

impl From<Subject> for SubjectView {
    fn from(s: Subject) -> SubjectView {
        SubjectView {
            id: s.id,
            plan_id: s.plan,
            kind: s.kind.code().to_string(),
            kind_name: s.kind.name_vi().to_string(),
            member_id: s.member,
            leader_id: s.leader,
            collective_id: s.collective,
            org_id: s.org,
            unit_id: s.unit,
            name: s.name,
            participation: s.participation.code().to_string(),
            eligibility: s.eligibility.and_then(|e| serde_json::to_value(e).ok()),
            form_code: s.form_code,
            framework_id: s.framework,
            decides_body: s.decides_body.code().to_string(),
            deciding_org_id: s.deciding_org,
            proposes_body: s.proposes_body.map(|b| b.code().to_string()),
            quota_group: s.quota_group,
            stage: s.stage.code().to_string(),
            stage_name: s.stage.name_vi().to_string(),
            level: s.level,
            version: s.version,
        }
    }
}

/// A self-evaluation (tự đánh giá, xếp loại).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfEvaluationBody {
    /// The self-evaluation's version read: 0 for the first one (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    #[schema(value_type = crate::api::schema::EvaluationInputSchema)]
    pub input: EvaluationInput,
    /// Evidence per criterion: quantified results (column (3)).
    #[serde(default)]
    pub evidence: BTreeMap<String, String>,
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schema::TaskResultsSchema>)]
    pub tasks: Option<TaskResults>,
    /// The level the subject proposes for themselves.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schema::LevelCode>)]
    pub proposed: Option<Level>,
    #[serde(default)]
    pub note: String,
}

/// The verification (thẩm định) or the opinion of a participating body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpinionBody {
    #[schema(value_type = crate::api::schema::OpinionSourceCode)]
    pub source: OpinionSource,
    /// The version of this source's opinion read: 0 for a new one (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schema::LevelCode>)]
    pub level: Option<Level>,
    /// A verified score sheet, when the body re-scores.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schema::EvaluationInputSchema>)]
    pub input: Option<EvaluationInput>,
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schema::TaskResultsSchema>)]
    pub tasks: Option<TaskResults>,
    #[serde(default)]
    pub note: String,
}

/// The proposal of the body that proposes (chi ủy, đảng ủy bộ phận, the branch).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalBody {
    /// The subject's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    #[schema(value_type = crate::api::schema::LevelCode)]
    pub level: Level,
    #[serde(default)]
    pub note: String,
}

/// A decision (or a correction) of the competent level.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// The subject's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    #[schema(value_type = crate::api::schema::LevelCode)]
    pub level: Level,
    /// Required where the rules leave the case to the competent level, when departing from the
    /// ballot or when it had no majority, and for every correction.
    #[serde(default)]
    pub reason: Option<String>,
    /// The recorded decision allowing the exceptional HTXSNV share.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schema::ExceptionalShareSchema>)]
    pub exceptional_share: Option<ExceptionalShareDecision>,
    /// The document the decision is issued by (a correction's: the Mẫu 03 decision).
    #[serde(default)]
    pub document: Option<DocumentBody>,
}

/// Re-opening a decided subject for a new decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenBody {
    /// The subject's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    pub reason: String,
}

/// The organisation board's settlement of a person rated differently in several places.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolutionBody {
    /// The escalation's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    #[schema(value_type = crate::api::schema::LevelCode)]
    pub level: Level,
    pub reason: String,
}

/// An evaluation (self, verification, an opinion, a proposal) scored by the rules, with its
/// version.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationResult {
    pub subject_id: Uuid,
    pub step: String,
    pub source: String,
    pub column: i64,
    #[schema(value_type = Option<crate::api::schema::LevelCode>)]
    pub level: Option<Level>,
    /// The rules' score sheet (criteria, totals, the level the score gives, adjustments).
    #[schema(value_type = Option<Object>)]
    pub score: Option<serde_json::Value>,
    #[schema(value_type = Option<crate::api::schema::TaskResultsSchema>)]
    pub tasks: Option<TaskResults>,
    pub evidence: BTreeMap<String, String>,
    pub note: String,
    pub version: i64,
    pub changed_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationList {
    pub evaluations: Vec<EvaluationResult>,
}

impl From<EvaluationView> for EvaluationResult {
    fn from(e: EvaluationView) -> EvaluationResult {
        EvaluationResult {
            subject_id: e.subject,
            step: e.step,
            source: e.source,
            column: e.column,
            level: e.level,
            score: e.score.and_then(|s| serde_json::to_value(s).ok()),
            tasks: e.tasks,
            evidence: e.evidence,
            note: e.note,
            version: e.version,
            changed_by: e.by,
        }
    }
}

/// The proposals of every body side by side: columns (1) self … (5) branch, then the
/// verification and the other bodies, with what the rules allow.
#[derive(Debug, Serialize, ToSchema)]
pub struct SideBySideView {
    pub subject_id: Uuid,
    pub name: String,
    pub columns: Vec<ColumnView>,
    /// The rules' classification: allowed and suggested levels with every constraining rule.
    #[schema(value_type = Option<Object>)]
    pub classification: Option<serde_json::Value>,
    #[schema(value_type = Option<crate::api::schema::LevelCode>)]
    pub decided: Option<Level>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ColumnView {
    pub no: i64,
    pub title: String,
    #[schema(value_type = Option<crate::api::schema::LevelCode>)]
    pub level: Option<Level>,
    /// The total points, when scored (`93`, `87.5`).
    #[schema(value_type = Option<f64>)]
    pub total: Option<kiemdiem_rules::Points>,
    pub note: String,
}

impl From<SideBySide> for SideBySideView {
    fn from(s: SideBySide) -> SideBySideView {
        SideBySideView {
            subject_id: s.subject,
            name: s.name,
            columns: s.columns.into_iter().map(ColumnView::from).collect(),
            classification: s.classification.and_then(|c| serde_json::to_value(c).ok()),
            decided: s.decided,
        }
    }
}

impl From<Column> for ColumnView {
    fn from(c: Column) -> ColumnView {
        ColumnView {
            no: c.no,
            title: c.title,
            level: c.level,
            total: c.total,
            note: c.note,
        }
    }
}

/// The quota position of the subject's comparable group.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaHeadroom {
    /// The group's key.
    pub group: String,
    /// The group as people name it ("đảng viên Đảng bộ xã Hợp Thành").
    pub group_name: String,
    /// The group's subjects to be classified, and how many of them are not decided yet.
    pub subjects: u64,
    pub undecided: u64,
    /// Levels decided so far in the group (and the asked level, when given).
    #[schema(value_type = Object)]
    pub levels: serde_json::Value,
    /// The rules' quota check: the cap, how many HTXSNV are allowed, the headroom left, the rule.
    #[schema(value_type = Object)]
    pub check: serde_json::Value,
}

impl From<QuotaView> for QuotaHeadroom {
    fn from(q: QuotaView) -> QuotaHeadroom {
        QuotaHeadroom {
            group: q.group,
            group_name: q.group_name,
            subjects: q.subjects,
            undecided: q.undecided,
            levels: serde_json::to_value(q.levels).unwrap_or_default(),
            check: serde_json::to_value(q.check).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuotaQuery {
    /// The level about to be decided: the position after deciding it.
    #[param(value_type = Option<crate::api::schema::LevelCode>)]
    pub level: Option<String>,
}

/// A decision version.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionRecord {
    pub id: Uuid,
    pub subject_id: Uuid,
    /// 1, 2, … (a correction or re-opening adds a version pointing to the previous one).
    pub version_no: i64,
    pub previous_id: Option<Uuid>,
    /// `decision`, `correction`, `reopen` or `escalation`.
    pub kind: String,
    #[schema(value_type = Option<crate::api::schema::LevelCode>)]
    pub level: Option<Level>,
    /// The deciding body.
    pub body: String,
    pub deciding_org_id: Option<Uuid>,
    pub reason: Option<String>,
    /// What the decision rested on: classification, quota, ballot outcome, overrides.
    #[schema(value_type = Object)]
    pub basis: serde_json::Value,
    pub decided_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: OffsetDateTime,
    /// An escalation opened because the person is rated differently elsewhere.
    pub escalation_id: Option<Uuid>,
    /// The document the decision was issued by, when recorded.
    pub document: Option<DocumentRecord>,
    /// The dissenting opinions kept against this decision (bảo lưu ý kiến), in a subject's
    /// list of decisions.
    pub dissents: Vec<crate::api::after::DissentRecord>,
    /// After a correction or re-classification: what depends on the changed level, checked
    /// again (an organisation's member shares, a superior's sub-organisations, a head's cap, a
    /// collective's members).
    pub dependents: Vec<crate::api::after::RecheckedRecord>,
    /// The inspection orders this version carried out.
    pub orders_done: Vec<Uuid>,
}

impl From<DecisionView> for DecisionRecord {
    fn from(d: DecisionView) -> DecisionRecord {
        DecisionRecord {
            id: d.id,
            subject_id: d.subject,
            version_no: d.version_no,
            previous_id: d.previous,
            kind: d.kind,
            level: d.level,
            body: d.body.code().to_string(),
            deciding_org_id: d.deciding_org,
            reason: d.reason,
            basis: d.basis,
            decided_by: d.decided_by,
            decided_at: d.decided_at,
            escalation_id: d.escalation,
            document: d.document.map(DocumentRecord::from),
            dissents: d.dissents.into_iter().map(Into::into).collect(),
            dependents: d.dependents.into_iter().map(Into::into).collect(),
            orders_done: d.orders_done,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionList {
    pub decisions: Vec<DecisionRecord>,
    /// The commitment registered last year for this year, shown beside the result (null on an
    /// escalation's resolution, which spans several subjects).
    pub last_commitment: Option<crate::api::commitments::CommitmentRecord>,
}

/// The subject's stage after a proposal.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageView {
    #[schema(value_type = crate::api::schema::StageCode)]
    pub stage: String,
    pub stage_name: String,
}

/// One subject of a plan, with its stage, level and version.
#[utoipa::path(get, path = "/subjects/{id}", tag = "evaluation", operation_id = "get_subject",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = SubjectView), (status = 404, body = ErrorBody)))]
async fn get_subject(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SubjectView>> {
    Ok(Json(state.app().subject(&actor, id).await?.into()))
}

/// The evaluations recorded for a subject (self, verification, opinions, proposal) with their
/// versions.
#[utoipa::path(get, path = "/subjects/{id}/evaluations", tag = "evaluation", operation_id = "list_evaluations",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = EvaluationList), (status = 404, body = ErrorBody)))]
async fn evaluations(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<EvaluationList>> {
    let evaluations = state.app().evaluations(&actor, id).await?;
    Ok(Json(EvaluationList {
        evaluations: evaluations
            .into_iter()
            .map(EvaluationResult::from)
            .collect(),
    }))
}

/// Records (or updates) the subject's self-evaluation — grades or points per criterion with
/// evidence, bonuses and deductions, task results, a self-proposed level — scored by the rules.
#[utoipa::path(put, path = "/subjects/{id}/self-evaluation", tag = "evaluation", operation_id = "self_evaluate",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The self-evaluation's version read (0 for the first)")),
    request_body = SelfEvaluationBody,
    responses((status = 200, body = EvaluationResult), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn self_evaluate(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<SelfEvaluationBody>,
) -> ApiResult<Json<EvaluationResult>> {
    let version = if_match.version(body.version)?;
    let input = SelfEvaluation {
        input: body.input,
        evidence: body.evidence,
        tasks: body.tasks,
        proposed: body.proposed,
        note: body.note,
    };
    let view = state
        .app()
        .self_evaluate(&actor, id, version, input)
        .await?;
    Ok(Json(view.into()))
}

/// Records the verification (thẩm định) of the advisory staff or the opinion of a
/// participating body (civil-service rating, branch committee, mass organisation …).
#[utoipa::path(post, path = "/subjects/{id}/opinions", tag = "evaluation", operation_id = "record_opinion",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The version of this source's opinion read (0 for a new one)")),
    request_body = OpinionBody,
    responses((status = 200, body = EvaluationResult), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn record_opinion(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<OpinionBody>,
) -> ApiResult<Json<EvaluationResult>> {
    let version = if_match.version(body.version)?;
    let opinion = Opinion {
        source: body.source,
        version,
        level: body.level,
        input: body.input,
        tasks: body.tasks,
        note: body.note,
    };
    let view = state.app().record_opinion(&actor, id, opinion).await?;
    Ok(Json(view.into()))
}

/// Every body's proposal side by side (as in the local summary form) with what the rules allow.
#[utoipa::path(get, path = "/subjects/{id}/side-by-side", tag = "evaluation", operation_id = "side_by_side",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = SideBySideView), (status = 404, body = ErrorBody)))]
async fn side_by_side(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SideBySideView>> {
    Ok(Json(state.app().side_by_side(&actor, id).await?.into()))
}

/// The HTXSNV quota position of the subject's comparable group, as decided so far — and after
/// deciding `level` for this subject when given: shown before deciding.
#[utoipa::path(get, path = "/subjects/{id}/quota", tag = "evaluation", operation_id = "quota_headroom",
    params(("id" = Uuid, Path, description = "The subject's id"), QuotaQuery),
    responses((status = 200, body = QuotaHeadroom), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn quota(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<QuotaQuery>,
) -> ApiResult<Json<QuotaHeadroom>> {
    let level = match query
        .level
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        None => None,
        Some(text) => Some(Level::parse(text).ok_or_else(|| {
            ApiError::bad_query(
                "level",
                format!("mức xếp loại «{text}» không hợp lệ: HTXSNV, HTTNV, HTNV hoặc KHTNV"),
            )
        })?),
    };
    Ok(Json(
        state.app().quota_headroom(&actor, id, level).await?.into(),
    ))
}

/// The proposal of the proposing body for a subject another body decides.
#[utoipa::path(post, path = "/subjects/{id}/proposal", tag = "evaluation", operation_id = "propose_level",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The subject's version read")),
    request_body = ProposalBody,
    responses((status = 200, body = StageView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn propose(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<ProposalBody>,
) -> ApiResult<Json<StageView>> {
    let version = if_match.version(body.version)?;
    let stage = state
        .app()
        .propose(&actor, id, version, body.level, &body.note)
        .await?;
    Ok(Json(StageView {
        stage: stage.code().to_string(),
        stage_name: stage.name_vi().to_string(),
    }))
}

/// Decides the subject's level as the competent level. Refused, naming the rule, when out of
/// order (review before rating, collective before members …), above what the rules allow, over
/// the group's HTXSNV quota, or without a reason where one is required.
#[utoipa::path(post, path = "/subjects/{id}/decisions", tag = "evaluation", operation_id = "decide_level",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The subject's version read")),
    request_body = DecisionBody,
    responses((status = 201, body = DecisionRecord), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn decide(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<DecisionBody>,
) -> ApiResult<(StatusCode, Json<DecisionRecord>)> {
    let input = decision_input(if_match, body)?;
    let view = state.app().decide(&actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

fn decision_input(if_match: IfMatch, body: DecisionBody) -> ApiResult<DecisionInput> {
    Ok(DecisionInput {
        version: if_match.version(body.version)?,
        level: Some(body.level),
        reason: body.reason,
        exceptional_share: body.exceptional_share,
        document: body.document.map(Into::into),
    })
}

/// Every decision version of the subject, oldest first.
#[utoipa::path(get, path = "/subjects/{id}/decisions", tag = "evaluation", operation_id = "list_decisions",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = DecisionList), (status = 404, body = ErrorBody)))]
async fn decisions(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<DecisionList>> {
    let decisions = state.app().decisions(&actor, id).await?;
    let last_commitment = state.app().last_commitment(&actor, id).await?;
    Ok(Json(DecisionList {
        decisions: decisions.into_iter().map(DecisionRecord::from).collect(),
        last_commitment: last_commitment.map(Into::into),
    }))
}

/// Corrects or re-classifies a decided subject: a new decision version pointing to the old one
/// (the old one is kept). A reason is required.
#[utoipa::path(post, path = "/subjects/{id}/corrections", tag = "evaluation", operation_id = "correct_level",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The subject's version read")),
    request_body = DecisionBody,
    responses((status = 201, body = DecisionRecord), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn correct(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<DecisionBody>,
) -> ApiResult<(StatusCode, Json<DecisionRecord>)> {
    let input = decision_input(if_match, body)?;
    let view = state.app().correct(&actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Re-opens a decided subject for a new decision (recorded as a decision version of kind
/// `reopen`; nothing decided is erased).
#[utoipa::path(post, path = "/subjects/{id}/reopening", tag = "evaluation", operation_id = "reopen_subject",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The subject's version read")),
    request_body = ReopenBody,
    responses((status = 201, body = DecisionRecord), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn reopen(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<ReopenBody>,
) -> ApiResult<(StatusCode, Json<DecisionRecord>)> {
    let version = if_match.version(body.version)?;
    let view = state
        .app()
        .reopen(&actor, id, version, &body.reason)
        .await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// The organisation board of the competent level settles a person rated differently in
/// several places: every place gets the settled level as a correction.
#[utoipa::path(post, path = "/escalations/{id}/resolution", tag = "evaluation", operation_id = "resolve_escalation",
    params(("id" = Uuid, Path, description = "The escalation's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The escalation's version read")),
    request_body = ResolutionBody,
    responses((status = 200, body = DecisionList), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn resolve_escalation(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<ResolutionBody>,
) -> ApiResult<Json<DecisionList>> {
    let version = if_match.version(body.version)?;
    let decisions = state
        .app()
        .resolve_escalation(&actor, id, version, body.level, &body.reason)
        .await?;
    Ok(Json(DecisionList {
        decisions: decisions.into_iter().map(DecisionRecord::from).collect(),
        last_commitment: None,
    }))
}

/// A notification of a decision to the subject or to whoever manages them.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: Uuid,
    pub decision_id: Uuid,
    /// Who is notified: the subject, the managing body …
    pub recipient_kind: String,
    pub recipient: String,
    pub message: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub notifications: Vec<NotificationView>,
}

/// The notifications sent about the subject's decisions, oldest first.
#[utoipa::path(get, path = "/subjects/{id}/notifications", tag = "evaluation", operation_id = "list_notifications",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = NotificationList), (status = 404, body = ErrorBody)))]
async fn notifications(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<NotificationList>> {
    let notifications = state.app().notifications(&actor, id).await?;
    Ok(Json(NotificationList {
        notifications: notifications
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                decision_id: n.decision,
                recipient_kind: n.recipient_kind,
                recipient: n.recipient,
                message: n.message,
                created_at: n.created_at,
            })
            .collect(),
    }))
}

/// A period (before/after a merger, split or transfer) or a unit of a joint branch that an
/// organisation is evaluated on; the organisation's results are their sum.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartView {
    pub seq: i64,
    /// `before_change`, `after_change` or `joint_unit`.
    pub kind: String,
    pub label: String,
    pub from_on: Option<time::Date>,
    pub to_on: Option<time::Date>,
    #[schema(value_type = Option<crate::api::schema::TaskResultsSchema>)]
    pub tasks: Option<TaskResults>,
    pub version: i64,
}

impl From<Part> for PartView {
    fn from(p: Part) -> PartView {
        PartView {
            seq: p.seq,
            kind: p.kind,
            label: p.label,
            from_on: p.from_on,
            to_on: p.to_on,
            tasks: p.tasks,
            version: p.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartList {
    pub parts: Vec<PartView>,
}

/// A unit of a joint branch (chi bộ sinh hoạt ghép).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJointUnit {
    /// The agency or unit the joint branch covers.
    pub label: String,
}

/// The task results of one period or unit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartResultsBody {
    /// The part's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    #[schema(value_type = crate::api::schema::TaskResultsSchema)]
    pub tasks: TaskResults,
}

/// The periods or units an organisation subject is evaluated on.
#[utoipa::path(get, path = "/subjects/{id}/parts", tag = "evaluation", operation_id = "list_parts",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = PartList), (status = 404, body = ErrorBody)))]
async fn parts(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PartList>> {
    let parts = state.app().parts(&actor, id).await?;
    Ok(Json(PartList {
        parts: parts.into_iter().map(PartView::from).collect(),
    }))
}

/// Adds a unit of a joint branch to an organisation subject: it is evaluated on the tasks of
/// each unit it covers.
#[utoipa::path(post, path = "/subjects/{id}/parts", tag = "evaluation", operation_id = "add_joint_unit",
    params(("id" = Uuid, Path, description = "The subject's id")),
    request_body = NewJointUnit,
    responses((status = 201, body = PartView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_joint_unit(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<NewJointUnit>,
) -> ApiResult<(StatusCode, Json<PartView>)> {
    let part = state.app().add_joint_unit(&actor, id, &body.label).await?;
    Ok((StatusCode::CREATED, Json(part.into())))
}

/// Records the task results of one period or unit.
#[utoipa::path(put, path = "/subjects/{id}/parts/{seq}/results", tag = "evaluation", operation_id = "record_part_results",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("seq" = i64, Path, description = "The part's number"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The part's version read")),
    request_body = PartResultsBody,
    responses((status = 200, body = PartList), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn record_part_results(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath((id, seq)): ApiPath<(Uuid, i64)>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<PartResultsBody>,
) -> ApiResult<Json<PartList>> {
    let version = if_match.version(body.version)?;
    state
        .app()
        .record_part_results(&actor, id, seq, version, body.tasks)
        .await?;
    let parts = state.app().parts(&actor, id).await?;
    Ok(Json(PartList {
        parts: parts.into_iter().map(PartView::from).collect(),
    }))
}
