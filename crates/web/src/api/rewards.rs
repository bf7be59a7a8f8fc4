//! Rewards and flags from the history: `/api/v1/members/{code}/results-history` and
//! `/api/v1/orgs/{code}/results-history` (the levels over the years with where each comes from,
//! the rules' flags and the awards' eligibility), `…/past-levels` (a level of an earlier year from
//! the archives), `/api/v1/award-proposals` (proposing the year's or the consecutive years'
//! award; refused naming the years that break the run), `/api/v1/orgs/{code}/award-proposals`
//! and `/api/v1/orgs/{code}/attention` (members rated KHTNV two years running: listed, never
//! acted on). Each handler calls one app use case (`App::results_history`, …).

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::Actor;
use kiemdiem_app::rewards::{
    AttentionItem, AwardProposalView, PastLevelInput, Rated, ResultsHistory,
};
use kiemdiem_rules::RuleSetId;
use kiemdiem_rules::rewards::AwardKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(member_history))
        .routes(routes!(org_history))
        .routes(routes!(member_past_level))
        .routes(routes!(org_past_level))
        .routes(routes!(propose_award))
        .routes(routes!(list_award_proposals))
        .routes(routes!(attention))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year, 1995–9999.
    #[param(example = 2025, minimum = 1995, maximum = 9999)]
    #[serde(deserialize_with = "year_in_range")]
    pub year: i32,
}

/// A year the calendar covers (found by schemathesis: `year=48760` reached PostgreSQL, which
/// refused the date with an undocumented 422).
fn year_in_range<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
    let year = i32::deserialize(deserializer)?;
    if kiemdiem_rules::calendar::YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(serde::de::Error::custom(format!(
            "năm «{year}» không hợp lệ (từ 1995 đến 9999)"
        )))
    }
}

/// A member's or an organisation's levels over the years, read for a year.
#[derive(Debug, ToSchema)]
#[schema(as = ResultsHistory)]
pub struct ResultsHistorySchema {
    /// `member` or `org`.
    pub holder: String,
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub year: i32,
    /// Each year's level (in its era's vocabulary): `origin` `decided` (a yearly plan) or
    /// `archive`, `rated_in` (the branch that rated a member that year), `through` (an
    /// organisation's year before the merger or split that created it).
    #[schema(value_type = Vec<Object>)]
    pub sources: (),
    /// The rules' reading: `years` compared, `flags` (`khtnv_two_years`, never automatic),
    /// `awards`.
    #[schema(value_type = Object)]
    pub history: (),
    /// `eligible`, and the `proposal` (award, years, `givers` with the certificate, citations)
    /// or the `refusal` (`broken`: each year that breaks the run, with why; citations).
    #[schema(value_type = Object)]
    pub year_award: (),
    #[schema(value_type = Object)]
    pub consecutive_award: (),
}

/// A level of an earlier year, from the archives (one for the same year is replaced).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PastLevelBody {
    pub year: i32,
    /// The level's code in that year's vocabulary (`TSVM` in 2015, `HTXSNV` from 2018).
    pub level: String,
    /// The rule set the year was decided under (`qd132-hd21` …); the year's default when left out.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schema::RuleSetCode>)]
    pub rule_set: Option<RuleSetId>,
    /// Code of the branch that rated a member that year.
    #[serde(default)]
    pub rated_in: Option<String>,
    /// The document it comes from (số, ngày quyết định hoặc báo cáo kết quả).
    pub source: String,
}

/// The level recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct PastLevelRecorded {
    pub id: Uuid,
}

/// An award to propose: for a member (`member`, card number) or an organisation (`org`, code).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardProposalBody {
    #[serde(default)]
    pub member: Option<String>,
    #[serde(default)]
    pub org: Option<String>,
    pub year: i32,
    /// `year` (the year's award) or `consecutive` (… năm liền).
    #[schema(value_type = String, example = "consecutive")]
    pub award: AwardKind,
}

/// An award proposal as recorded.
#[derive(Debug, ToSchema)]
#[schema(as = AwardProposal)]
pub struct AwardProposalSchema {
    pub id: Uuid,
    /// `member` or `org`.
    pub holder: String,
    pub holder_id: Uuid,
    pub year: i32,
    /// `year` or `consecutive`.
    pub award: String,
    pub title: String,
    /// The organisation that proposes (a member's branch; an organisation's superior).
    pub proposed_by: Uuid,
    /// `proposal` (years, givers and certificates, citations) and `years` (the sources).
    #[schema(value_type = Object)]
    pub basis: (),
    pub by: String,
}

/// A member rated KHTNV two years running, for the branch's attention.
#[derive(Debug, ToSchema)]
#[schema(as = AttentionItem)]
pub struct AttentionItemSchema {
    pub member: Uuid,
    pub code: String,
    pub name: String,
    #[schema(value_type = Option<Object>)]
    pub branch: (),
    /// `khtnv_two_years`, `automatic: false`, with its citation (HD 02-HD/BTCTW 2021).
    #[schema(value_type = Vec<Object>)]
    pub flags: (),
}

async fn org_of(state: &ApiState, actor: &Actor, code: &str, field: &str) -> ApiResult<Uuid> {
    Ok(state.app().org_id(actor, code, None, field).await?)
}

/// A member's levels over the years, in whichever branch rated them.
#[utoipa::path(get, path = "/members/{code}/results-history", tag = "after", operation_id = "get_member_results_history",
    params(("code" = String, Path, description = "Số thẻ đảng viên"), YearQuery),
    responses((status = 200, body = ResultsHistorySchema), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn member_history(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> ApiResult<Json<ResultsHistory>> {
    let member = state.app().find_member(&actor, &code).await?;
    Ok(Json(
        state
            .app()
            .results_history(&actor, Rated::Member(member), query.year)
            .await?,
    ))
}

/// An organisation's levels over the years, through the organisations it came from.
#[utoipa::path(get, path = "/orgs/{code}/results-history", tag = "after", operation_id = "get_org_results_history",
    params(("code" = String, Path, description = "Mã tổ chức"), YearQuery),
    responses((status = 200, body = ResultsHistorySchema), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn org_history(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> ApiResult<Json<ResultsHistory>> {
    let org = org_of(&state, &actor, &code, "code").await?;
    Ok(Json(
        state
            .app()
            .results_history(&actor, Rated::Org(org), query.year)
            .await?,
    ))
}

async fn past_input(
    state: &ApiState,
    actor: &Actor,
    body: PastLevelBody,
) -> ApiResult<PastLevelInput> {
    let rated_in = match &body.rated_in {
        // By code, also one dissolved since (a branch merged away).
        Some(code) => Some(org_of(state, actor, code, "rated_in").await?),
        None => None,
    };
    Ok(PastLevelInput {
        year: body.year,
        level: body.level,
        rule_set: body.rule_set,
        rated_in,
        source: body.source,
    })
}

/// Records a member's level of an earlier year from the archives.
#[utoipa::path(post, path = "/members/{code}/past-levels", tag = "after", operation_id = "record_member_past_level",
    params(("code" = String, Path, description = "Số thẻ đảng viên")),
    request_body = PastLevelBody,
    responses((status = 201, body = PastLevelRecorded), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn member_past_level(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<PastLevelBody>,
) -> ApiResult<(StatusCode, Json<PastLevelRecorded>)> {
    let member = state.app().member_id(&actor, &code, "code").await?;
    let input = past_input(&state, &actor, body).await?;
    let id = state
        .app()
        .record_past_level(&actor, Rated::Member(member), input)
        .await?;
    Ok((StatusCode::CREATED, Json(PastLevelRecorded { id })))
}

/// Records an organisation's level of an earlier year from the archives.
#[utoipa::path(post, path = "/orgs/{code}/past-levels", tag = "after", operation_id = "record_org_past_level",
    params(("code" = String, Path, description = "Mã tổ chức")),
    request_body = PastLevelBody,
    responses((status = 201, body = PastLevelRecorded), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn org_past_level(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<PastLevelBody>,
) -> ApiResult<(StatusCode, Json<PastLevelRecorded>)> {
    let org = org_of(&state, &actor, &code, "code").await?;
    let input = past_input(&state, &actor, body).await?;
    let id = state
        .app()
        .record_past_level(&actor, Rated::Org(org), input)
        .await?;
    Ok((StatusCode::CREATED, Json(PastLevelRecorded { id })))
}

/// Proposes a member (by their branch) or an organisation (by its superior) for the year's or
/// the consecutive years' award. Refused (`rule_refused`, field `year`) when the history does not
/// allow it: `details.broken` names each year that breaks the run; `conflict` when already
/// proposed.
#[utoipa::path(post, path = "/award-proposals", tag = "after", operation_id = "propose_award",
    request_body = AwardProposalBody,
    responses((status = 201, body = AwardProposalSchema), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn propose_award(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiJson(body): ApiJson<AwardProposalBody>,
) -> ApiResult<(StatusCode, Json<AwardProposalView>)> {
    let rated = match (&body.member, &body.org) {
        (Some(code), None) => Rated::Member(state.app().member_id(&actor, code, "member").await?),
        (None, Some(code)) => Rated::Org(org_of(&state, &actor, code, "org").await?),
        _ => {
            return Err(kiemdiem_app::AppError::invalid(
                "member",
                "Ghi đúng một trong hai: đảng viên (member) hoặc tổ chức (org)",
            )
            .into());
        }
    };
    let proposal = state
        .app()
        .propose_award(&actor, rated, body.year, body.award)
        .await?;
    Ok((StatusCode::CREATED, Json(proposal)))
}

/// The award proposals an organisation made for a year.
#[utoipa::path(get, path = "/orgs/{code}/award-proposals", tag = "after", operation_id = "list_award_proposals",
    params(("code" = String, Path, description = "Mã tổ chức"), YearQuery),
    responses((status = 200, body = Vec<AwardProposalSchema>), (status = 404, body = ErrorBody)))]
async fn list_award_proposals(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> ApiResult<Json<Vec<AwardProposalView>>> {
    let org = org_of(&state, &actor, &code, "code").await?;
    Ok(Json(
        state.app().award_proposals(&actor, org, query.year).await?,
    ))
}

/// The members of the subtree rated KHTNV in the year and the one before: for the branch's
/// attention (education and help first, HD 02-HD/BTCTW 2021); nothing is done automatically.
#[utoipa::path(get, path = "/orgs/{code}/attention", tag = "after", operation_id = "list_attention",
    params(("code" = String, Path, description = "Mã tổ chức"), YearQuery),
    responses((status = 200, body = Vec<AttentionItemSchema>), (status = 404, body = ErrorBody)))]
async fn attention(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> ApiResult<Json<Vec<AttentionItem>>> {
    let org = org_of(&state, &actor, &code, "code").await?;
    Ok(Json(
        state.app().attention_list(&actor, org, query.year).await?,
    ))
}
