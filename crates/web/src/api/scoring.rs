//! `/api/v1/subjects/{id}/collective-scoring…`: a branch scoring itself together (seed 003 mục
//! B.1.4) — the secretary's proposed scores sent ahead, each member's scoring, the bonuses and
//! deductions agreed and the vote on the total, which becomes the branch's self-evaluation. The
//! checks are the app's (`App::propose_collective_score`, `score_collective`,
//! `vote_collective_score`).

use crate::ApiState;
use crate::actor::Acting;
use crate::api::subjects::EvaluationResult;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, IfMatch};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::evaluation::{CollectiveScoring, CollectiveVote, ProposedScore};
use kiemdiem_rules::framework::{Adjustment, EvaluationInput};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(get_collective_scoring))
        .routes(routes!(propose_collective_score))
        .routes(routes!(score_collective))
        .routes(routes!(vote_collective_score))
}

/// Where a branch's collective scoring stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct CollectiveScoringView {
    pub subject_id: Uuid,
    /// The secretary's proposed score sheet.
    #[schema(value_type = Option<Object>)]
    pub proposed: Option<serde_json::Value>,
    pub sent_on: Date,
    /// Each member's scoring: member, total (points), who entered it.
    #[schema(value_type = Vec<Object>)]
    pub scores: Vec<serde_json::Value>,
    /// The members' scores averaged per criterion with the agreed adjustments.
    #[schema(value_type = Option<Object>)]
    pub aggregate: Option<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub adjustments: Vec<serde_json::Value>,
    /// The vote on the total: adopted or not, for/present, the rule.
    #[schema(value_type = Option<Object>)]
    pub resolution: Option<serde_json::Value>,
    pub voted_on: Option<Date>,
    pub version: i64,
}

impl From<CollectiveScoring> for CollectiveScoringView {
    fn from(s: CollectiveScoring) -> CollectiveScoringView {
        CollectiveScoringView {
            subject_id: s.subject,
            proposed: s.proposed.as_ref().map(json),
            sent_on: s.sent_on,
            scores: s.scores.iter().map(json).collect(),
            aggregate: s.aggregate.as_ref().map(json),
            adjustments: s.adjustments.iter().map(json).collect(),
            resolution: s.resolution.as_ref().map(json),
            voted_on: s.voted_on,
            version: s.version,
        }
    }
}

/// An app value as it serialises, for the view's free-form fields.
fn json(value: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// The secretary's proposed scores and the day they reached the members.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalBody {
    /// The scoring's version read: 0 for the first proposal (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    #[schema(value_type = crate::api::schema::EvaluationInputSchema)]
    pub input: EvaluationInput,
    pub sent_on: Date,
}

/// One member's scoring of their branch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberScoreBody {
    #[schema(value_type = crate::api::schema::EvaluationInputSchema)]
    pub input: EvaluationInput,
}

/// The branch's vote on its total.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteBody {
    #[serde(default)]
    pub version: Option<i64>,
    pub held_on: Date,
    /// Bonuses and deductions agreed (`{"kind": "target_shortfall" | "deduction" | "bonus",
    /// "criterion", …, "responsible"}`).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub adjustments: Vec<Adjustment>,
    pub votes_for: u32,
    pub votes_against: u32,
    pub abstained: u32,
    pub present: u32,
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// What the vote did: the scoring, and the self-evaluation it became when adopted.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoteResult {
    pub scoring: CollectiveScoringView,
    pub self_evaluation: Option<EvaluationResult>,
}

/// The collective scoring of an organisation (404 until its proposal is recorded).
#[utoipa::path(get, path = "/subjects/{id}/collective-scoring", tag = "evaluation", operation_id = "get_collective_scoring",
    params(("id" = Uuid, Path, description = "The organisation's subject id")),
    responses((status = 200, body = CollectiveScoringView), (status = 404, body = ErrorBody)))]
async fn get_collective_scoring(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<CollectiveScoringView>> {
    let scoring = state
        .app()
        .collective_scoring(&actor, id)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "chưa có dự kiến chấm điểm tập thể của đối tượng này",
            )
        })?;
    Ok(Json(scoring.into()))
}

/// The secretary's proposed scores, sent to the members on `sent_on` (at least the rule's
/// working days before the meeting).
#[utoipa::path(put, path = "/subjects/{id}/collective-scoring/proposal", tag = "evaluation", operation_id = "propose_collective_score",
    params(("id" = Uuid, Path, description = "The organisation's subject id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The scoring's version read (0 first)")),
    request_body = ProposalBody,
    responses((status = 200, body = CollectiveScoringView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn propose_collective_score(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<ProposalBody>,
) -> ApiResult<Json<CollectiveScoringView>> {
    let version = if_match.version(body.version)?;
    let scoring = state
        .app()
        .propose_collective_score(
            &actor,
            id,
            ProposedScore {
                version,
                input: body.input,
                sent_on: body.sent_on,
            },
        )
        .await?;
    Ok(Json(scoring.into()))
}

/// The acting member's own scoring of their branch (replacing their earlier one until the vote).
#[utoipa::path(post, path = "/subjects/{id}/collective-scoring/scores", tag = "evaluation", operation_id = "score_collective",
    params(("id" = Uuid, Path, description = "The organisation's subject id")),
    request_body = MemberScoreBody,
    responses((status = 200, body = CollectiveScoringView), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn score_collective(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<MemberScoreBody>,
) -> ApiResult<Json<CollectiveScoringView>> {
    let member = actor.member.ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "member_required",
            "chỉ tài khoản của đảng viên mới chấm điểm được (tài khoản này không gắn với hồ sơ đảng viên nào)",
        )
    })?;
    let scoring = state
        .app()
        .score_collective(&actor, id, member, body.input)
        .await?;
    Ok(Json(scoring.into()))
}

/// The branch agrees on its bonuses and deductions and votes its total; adopted, the total is
/// its self-evaluation.
#[utoipa::path(post, path = "/subjects/{id}/collective-scoring/vote", tag = "evaluation", operation_id = "vote_collective_score",
    params(("id" = Uuid, Path, description = "The organisation's subject id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The scoring's version read")),
    request_body = VoteBody,
    responses((status = 200, body = VoteResult), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn vote_collective_score(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<VoteBody>,
) -> ApiResult<Json<VoteResult>> {
    let version = if_match.version(body.version)?;
    let (scoring, evaluation) = state
        .app()
        .vote_collective_score(
            &actor,
            id,
            CollectiveVote {
                version,
                held_on: body.held_on,
                adjustments: body.adjustments,
                votes_for: body.votes_for,
                votes_against: body.votes_against,
                abstained: body.abstained,
                present: body.present,
                override_reason: body.override_reason,
            },
        )
        .await?;
    Ok(Json(VoteResult {
        scoring: scoring.into(),
        self_evaluation: evaluation.map(EvaluationResult::from),
    }))
}
