//! `/api/v1/ballots/…`: the secret ballot of a meeting — prepared over the subjects to rate,
//! opened with the roll of present, entitled voters frozen, one paper per voter cast by the
//! voter (named by `X-Kiemdiem-Member`), closed and counted by the rules crate's majority rule;
//! or, for paper ballots, the counting committee's tallies entered. Nothing answered here (or
//! stored below) links a paper to its voter: a cast answers only that the paper was received.

use crate::ApiState;
use crate::actor::Acting;
use crate::api::meetings::resolve_member;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, IfMatch};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::ballot::{Ballot, BallotMode, RollAdjustments, SubjectResult};
use kiemdiem_rules::Level;
use kiemdiem_rules::ballot::{Tally, Vote};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(prepare, ballots_of_meeting))
        .routes(routes!(get_ballot))
        .routes(routes!(open))
        .routes(routes!(cast))
        .routes(routes!(close))
        .routes(routes!(enter_tallies))
}

/// A ballot to prepare for a meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBallotBody {
    /// `electronic` (each voter casts a paper here) or `paper` (the counting committee enters
    /// the tallies).
    #[schema(value_type = crate::api::schema::BallotModeCode, example = "electronic")]
    pub mode: BallotMode,
    /// The subjects to rate, each on every paper.
    pub agenda: Vec<Uuid>,
}

/// Opening the ballot freezes the roll.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenBallotBody {
    /// The ballot's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    /// Members being prosecuted, indicted or in temporary detention (id or card number): not
    /// counted in the denominator. A blank entry, or one naming no member, is `422 invalid_body`
    /// naming the entry (`prosecuted_or_detained[0]`).
    #[serde(default)]
    #[schema(value_type = Vec<crate::api::schema::MemberRefSchema>)]
    pub prosecuted_or_detained: Vec<String>,
}

/// One ballot paper: a vote per subject on the agenda; a subject left out counts as blank.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperBody {
    /// Subject id → `HTXSNV`, `HTTNV`, `HTNV`, `KHTNV`, `blank` or `invalid`.
    #[schema(value_type = BTreeMap<String, String>)]
    pub votes: BTreeMap<Uuid, VoteCode>,
}

/// A vote as written on a paper.
#[derive(Debug, Clone, Copy)]
pub struct VoteCode(pub Vote);

impl<'de> Deserialize<'de> for VoteCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<VoteCode, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.trim() {
            "blank" => Ok(VoteCode(Vote::Blank)),
            "invalid" => Ok(VoteCode(Vote::Invalid)),
            other => Level::parse(other).map(|l| VoteCode(Vote::For(l))).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "phiếu «{other}» không hợp lệ: HTXSNV, HTTNV, HTNV, KHTNV, blank hoặc invalid"
                ))
            }),
        }
    }
}

/// A paper received.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaperReceipt {
    pub ballot_id: Uuid,
    #[schema(example = "Đã ghi nhận phiếu biểu quyết")]
    pub message: String,
}

/// The end of an electronic ballot.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseBallotBody {
    /// The ballot's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
}

/// The counting committee's tallies of a paper ballot.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TalliesBody {
    /// The ballot's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    /// Subject id → counts, for every subject on the agenda.
    #[schema(value_type = BTreeMap<String, TallySchema>)]
    pub tallies: BTreeMap<Uuid, Tally>,
}

/// The count of votes for one subject.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Tally)]
pub struct TallySchema {
    /// Votes per level: `{"HTXSNV": 3, "HTTNV": 12, "HTNV": 1, "KHTNV": 0}`.
    pub levels: BTreeMap<String, u32>,
    pub blank: u32,
    pub invalid: u32,
}

/// A ballot as shown: counts only, never papers, never who voted when.
#[derive(Debug, Serialize, ToSchema)]
pub struct BallotView {
    pub id: Uuid,
    pub meeting_id: Uuid,
    /// `electronic` or `paper`.
    pub mode: String,
    /// `prepared`, `open` or `closed`.
    pub status: String,
    pub agenda: Vec<Uuid>,
    /// Entitled voters on the frozen roll.
    pub entitled: u64,
    /// How many of them have voted so far.
    pub voted: u64,
    /// The denominator of the majority rule: summoned, excluded with reasons, count, present
    /// voters, the rule cited.
    #[schema(value_type = Option<Object>)]
    pub denominator: Option<serde_json::Value>,
    pub papers_cast: i64,
    /// Per subject, once closed: the counts and the outcome of the majority rule.
    pub results: Vec<BallotResultView>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BallotResultView {
    pub subject_id: Uuid,
    pub name: String,
    #[schema(value_type = TallySchema)]
    pub tally: Tally,
    /// `{"outcome": "level", "level", "votes", "base", "citation"}` or
    /// `{"outcome": "no_majority", "base", "message", "citation"}`.
    #[schema(value_type = Object)]
    pub outcome: serde_json::Value,
}

impl From<Ballot> for BallotView {
    fn from(b: Ballot) -> BallotView {
        BallotView {
            id: b.id,
            meeting_id: b.meeting,
            mode: b.mode,
            status: b.status,
            agenda: b.agenda,
            entitled: b.entitled,
            voted: b.voted,
            denominator: b.denominator.and_then(|d| serde_json::to_value(d).ok()),
            papers_cast: b.papers_cast,
            results: b
                .results
                .into_iter()
                .map(|r: SubjectResult| BallotResultView {
                    subject_id: r.subject,
                    name: r.name,
                    tally: r.tally,
                    outcome: serde_json::to_value(r.outcome).unwrap_or_default(),
                })
                .collect(),
            version: b.version,
        }
    }
}

/// Prepares the secret ballot of a meeting over the subjects to rate.
#[utoipa::path(post, path = "/meetings/{id}/ballots", tag = "ballots", operation_id = "prepare_ballot",
    params(("id" = Uuid, Path, description = "The meeting's id")),
    request_body = NewBallotBody,
    responses((status = 201, body = BallotView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn prepare(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(meeting): ApiPath<Uuid>,
    ApiJson(body): ApiJson<NewBallotBody>,
) -> ApiResult<(StatusCode, Json<BallotView>)> {
    let ballot = state
        .app()
        .prepare_ballot(&actor, meeting, body.mode, body.agenda)
        .await?;
    Ok((StatusCode::CREATED, Json(ballot.into())))
}

/// A ballot: its roll counts, and once closed the counts and outcome per subject.
#[utoipa::path(get, path = "/ballots/{id}", tag = "ballots", operation_id = "get_ballot",
    params(("id" = Uuid, Path, description = "The ballot's id")),
    responses((status = 200, body = BallotView), (status = 404, body = ErrorBody)))]
async fn get_ballot(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<BallotView>> {
    Ok(Json(state.app().ballot(&actor, id).await?.into()))
}

/// Opens the ballot: freezes the roll of the branch's members on the meeting day (present from
/// the attendance list) and decides who may vote and the denominator by the rules.
#[utoipa::path(post, path = "/ballots/{id}/opening", tag = "ballots", operation_id = "open_ballot",
    params(("id" = Uuid, Path, description = "The ballot's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The ballot's version read")),
    request_body = OpenBallotBody,
    responses((status = 200, body = BallotView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn open(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<OpenBallotBody>,
) -> ApiResult<Json<BallotView>> {
    let version = if_match.version(body.version)?;
    let mut adjustments = RollAdjustments::default();
    if !body.prosecuted_or_detained.is_empty() {
        for (i, text) in body.prosecuted_or_detained.iter().enumerate() {
            let field = format!("prosecuted_or_detained[{i}]");
            if text.trim().is_empty() {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_body",
                    "mục để trống: hãy ghi mã định danh hoặc số thẻ đảng viên",
                )
                .with_field(&field));
            }
            adjustments
                .prosecuted_or_detained
                .push(resolve_member(&state, &actor, text, &field).await?);
        }
    }
    let ballot = state
        .app()
        .open_ballot(&actor, id, version, adjustments)
        .await?;
    Ok(Json(ballot.into()))
}

/// Casts the signed-in member's own paper: one vote per subject. The voter is always the
/// account's member — no request can name another. A second paper is `409 already_voted`; a
/// voter not entitled (probationary, absent at the freeze, suspended, not on this ballot's roll)
/// is `403 not_entitled` naming the rule.
#[utoipa::path(post, path = "/ballots/{id}/papers", tag = "ballots", operation_id = "cast_paper",
    params(("id" = Uuid, Path, description = "The ballot's id")),
    request_body = PaperBody,
    responses((status = 201, body = PaperReceipt), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn cast(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PaperBody>,
) -> ApiResult<(StatusCode, Json<PaperReceipt>)> {
    let voter = actor.member.ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "member_required",
            "chỉ tài khoản của đảng viên mới bỏ phiếu được (tài khoản này không gắn với hồ sơ đảng viên nào)",
        )
    })?;
    state.limiters().cast(&voter.to_string())?;
    let votes: BTreeMap<Uuid, Vote> = body.votes.into_iter().map(|(s, v)| (s, v.0)).collect();
    state.app().cast_ballot(&actor, id, voter, &votes).await?;
    Ok((
        StatusCode::CREATED,
        Json(PaperReceipt {
            ballot_id: id,
            message: "Đã ghi nhận phiếu biểu quyết".to_string(),
        }),
    ))
}

/// Closes an electronic ballot: counts the papers by the rules' majority rule, stores the counts
/// per subject, writes them into the minutes, archives the papers in random order.
#[utoipa::path(post, path = "/ballots/{id}/closing", tag = "ballots", operation_id = "close_ballot",
    params(("id" = Uuid, Path, description = "The ballot's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The ballot's version read")),
    request_body = CloseBallotBody,
    responses((status = 200, body = BallotView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn close(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<CloseBallotBody>,
) -> ApiResult<Json<BallotView>> {
    let version = if_match.version(body.version)?;
    Ok(Json(
        state.app().close_ballot(&actor, id, version).await?.into(),
    ))
}

/// Paper ballots: enters the counting committee's tallies for every subject, counted by the
/// same majority rule.
#[utoipa::path(put, path = "/ballots/{id}/tallies", tag = "ballots", operation_id = "enter_tallies",
    params(("id" = Uuid, Path, description = "The ballot's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The ballot's version read")),
    request_body = TalliesBody,
    responses((status = 200, body = BallotView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn enter_tallies(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<TalliesBody>,
) -> ApiResult<Json<BallotView>> {
    let version = if_match.version(body.version)?;
    Ok(Json(
        state
            .app()
            .enter_tallies(&actor, id, version, body.tallies)
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BallotList {
    pub ballots: Vec<BallotView>,
}

/// The ballots of a meeting with their counts.
#[utoipa::path(get, path = "/meetings/{id}/ballots", tag = "ballots", operation_id = "list_meeting_ballots",
    params(("id" = Uuid, Path, description = "The meeting's id")),
    responses((status = 200, body = BallotList), (status = 404, body = ErrorBody)))]
async fn ballots_of_meeting(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(meeting): ApiPath<Uuid>,
) -> ApiResult<Json<BallotList>> {
    state.app().meeting(&actor, meeting).await?;
    let ballots = state.app().ballots(&actor, meeting).await?;
    Ok(Json(BallotList {
        ballots: ballots.into_iter().map(BallotView::from).collect(),
    }))
}
