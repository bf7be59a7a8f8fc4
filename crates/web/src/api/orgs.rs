//! `/api/v1/orgs/…`: the party organisation tree as it stood on a day (`?as_of=`, default
//! today in Vietnam) — one node, its children, its subtree, its ancestors, the posts and
//! collectives attached to it, the members of its subtree — and its history (versions and
//! events). Read-only: the tree is changed by import and, later, by the app's use cases.

use crate::ApiState;
use crate::actor::Acting;
use crate::api::views::{
    CollectiveView, EventOrgView, MemberView, OrgEventView, OrgRef, OrgView, PositionView,
};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, parse_count, parse_day};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(roots))
        .routes(routes!(get_org))
        .routes(routes!(children))
        .routes(routes!(subtree))
        .routes(routes!(ancestors))
        .routes(routes!(history))
        .routes(routes!(events))
        .routes(routes!(positions))
        .routes(routes!(collectives))
        .routes(routes!(members))
}

/// The day to read the tree on.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// `yyyy-mm-dd` or `dd/mm/yyyy`; today (Vietnam time) when absent.
    #[param(example = "2025-12-31")]
    pub as_of: Option<String>,
}

/// A page of a long listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// `yyyy-mm-dd` or `dd/mm/yyyy`; today (Vietnam time) when absent.
    pub as_of: Option<String>,
    /// How many rows to skip (default 0).
    #[param(value_type = Option<u32>)]
    pub offset: Option<String>,
    /// How many rows to return (default 500, at most 5 000).
    #[param(value_type = Option<u32>, maximum = 5000)]
    pub limit: Option<String>,
}

/// A list of organisations on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgList {
    pub as_of: Date,
    pub orgs: Vec<OrgView>,
}

/// A node of a subtree with its distance from the root (0 = the root).
#[derive(Debug, Serialize, ToSchema)]
pub struct TreeNode {
    pub depth: i32,
    #[serde(flatten)]
    pub org: OrgView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Subtree {
    pub as_of: Date,
    /// The root first, then by depth and code.
    pub orgs: Vec<TreeNode>,
}

/// Every period of an organisation's record, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgHistory {
    pub code: String,
    pub versions: Vec<OrgView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgEvents {
    pub code: String,
    pub events: Vec<OrgEventView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PositionList {
    pub as_of: Date,
    pub positions: Vec<PositionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CollectiveList {
    pub as_of: Date,
    pub collectives: Vec<CollectiveView>,
}

/// A member of a subtree with the branch they belong to officially.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubtreeMemberView {
    #[serde(flatten)]
    pub member: MemberView,
    pub branch: OrgRef,
    /// Đảng viên dự bị on the day.
    pub probationary: bool,
}

/// The members of a subtree on a day, in Vietnamese name order (given name first).
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberPage {
    pub as_of: Date,
    /// How many members the subtree has on the day.
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub members: Vec<SubtreeMemberView>,
}

/// The root organisations of the tree on a day (the provinces, or whatever sits on top).
#[utoipa::path(get, path = "/orgs", tag = "orgs", operation_id = "list_root_orgs",
    params(AsOfQuery),
    responses((status = 200, body = OrgList), (status = 400, body = ErrorBody)))]
async fn roots(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<OrgList>> {
    let on = parse_day("as_of", query.as_of.as_deref(), state.today())?;
    let orgs = state.app().root_orgs(&actor, on).await?;
    Ok(Json(OrgList {
        as_of: on,
        orgs: orgs.into_iter().map(OrgView::from).collect(),
    }))
}

/// One organisation as it stood on a day.
#[utoipa::path(get, path = "/orgs/{code}", tag = "orgs", operation_id = "get_org",
    params(("code" = String, Path, description = "Mã tổ chức"), AsOfQuery),
    responses((status = 200, body = OrgView), (status = 404, body = ErrorBody)))]
async fn get_org(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<OrgView>> {
    let on = parse_day("as_of", query.as_of.as_deref(), state.today())?;
    Ok(Json(
        state.app().find_org(&actor, &code, Some(on)).await?.into(),
    ))
}

/// The organisations directly under one, on a day.
#[utoipa::path(get, path = "/orgs/{code}/children", tag = "orgs", operation_id = "list_org_children",
    params(("code" = String, Path, description = "Mã tổ chức"), AsOfQuery),
    responses((status = 200, body = OrgList), (status = 404, body = ErrorBody)))]
async fn children(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<OrgList>> {
    let on = parse_day("as_of", query.as_of.as_deref(), state.today())?;
    let orgs = state.app().org_children(&actor, &code, on).await?;
    Ok(Json(OrgList {
        as_of: on,
        orgs: orgs.into_iter().map(OrgView::from).collect(),
    }))
}

/// The whole subtree of an organisation on a day, the root first, then by depth and code.
#[utoipa::path(get, path = "/orgs/{code}/subtree", tag = "orgs", operation_id = "get_org_subtree",
    params(("code" = String, Path, description = "Mã tổ chức"), AsOfQuery),
    responses((status = 200, body = Subtree), (status = 404, body = ErrorBody)))]
async fn subtree(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<Subtree>> {
    let on = parse_day("as_of", query.as_of.as_deref(), state.today())?;
    let nodes = state.app().org_subtree(&actor, &code, on).await?;
    Ok(Json(Subtree {
        as_of: on,
        orgs: nodes
            .into_iter()
            .map(|n| TreeNode {
                depth: n.depth,
                org: n.org.into(),
            })
            .collect(),
    }))
}

/// The path from the top of the tree down to the organisation (inclusive), on a day.
#[utoipa::path(get, path = "/orgs/{code}/ancestors", tag = "orgs", operation_id = "list_org_ancestors",
    params(("code" = String, Path, description = "Mã tổ chức"), AsOfQuery),
    responses((status = 200, body = OrgList), (status = 404, body = ErrorBody)))]
async fn ancestors(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<OrgList>> {
    let on = parse_day("as_of", query.as_of.as_deref(), state.today())?;
    let orgs = state.app().org_ancestors(&actor, &code, on).await?;
    Ok(Json(OrgList {
        as_of: on,
        orgs: orgs.into_iter().map(OrgView::from).collect(),
    }))
}

/// Every version of the organisation's record (name, kind, parent …), oldest first.
#[utoipa::path(get, path = "/orgs/{code}/history", tag = "orgs", operation_id = "get_org_history",
    params(("code" = String, Path, description = "Mã tổ chức")),
    responses((status = 200, body = OrgHistory), (status = 404, body = ErrorBody)))]
async fn history(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<OrgHistory>> {
    let versions = state.app().org_history(&actor, &code).await?;
    Ok(Json(OrgHistory {
        code: versions.last().map(|v| v.code.clone()).unwrap_or(code),
        versions: versions.into_iter().map(OrgView::from).collect(),
    }))
}

/// What happened to the organisation (created, renamed, moved, merged, split, dissolved), oldest first.
#[utoipa::path(get, path = "/orgs/{code}/events", tag = "orgs", operation_id = "list_org_events",
    params(("code" = String, Path, description = "Mã tổ chức")),
    responses((status = 200, body = OrgEvents), (status = 404, body = ErrorBody)))]
async fn events(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<OrgEvents>> {
    let (org, entries) = state.app().org_events(&actor, &code).await?;
    let events = entries
        .into_iter()
        .map(|entry| {
            let orgs = entry
                .orgs
                .into_iter()
                .map(|(id, code, role)| EventOrgView { id, code, role })
                .collect();
            OrgEventView::new(entry.event, orgs)
        })
        .collect();
    Ok(Json(OrgEvents {
        code: org.code,
        events,
    }))
}

/// The posts held in the organisation on a day (bí thư, phó bí thư, cấp ủy viên …).
#[utoipa::path(get, path = "/orgs/{code}/positions", tag = "orgs", operation_id = "list_org_positions",
    params(("code" = String, Path, description = "Mã tổ chức"), AsOfQuery),
    responses((status = 200, body = PositionList), (status = 404, body = ErrorBody)))]
async fn positions(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<PositionList>> {
    let on = parse_day("as_of", query.as_of.as_deref(), state.today())?;
    let positions = state.app().org_positions(&actor, &code, on).await?;
    Ok(Json(PositionList {
        as_of: on,
        positions: positions.into_iter().map(PositionView::from).collect(),
    }))
}

/// The leadership collectives attached to the organisation on a day.
#[utoipa::path(get, path = "/orgs/{code}/collectives", tag = "orgs", operation_id = "list_org_collectives",
    params(("code" = String, Path, description = "Mã tổ chức"), AsOfQuery),
    responses((status = 200, body = CollectiveList), (status = 404, body = ErrorBody)))]
async fn collectives(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<CollectiveList>> {
    let on = parse_day("as_of", query.as_of.as_deref(), state.today())?;
    let collectives = state.app().org_collectives(&actor, &code, on).await?;
    Ok(Json(CollectiveList {
        as_of: on,
        collectives: collectives.into_iter().map(CollectiveView::from).collect(),
    }))
}

/// The members whose official branch lies in the subtree on a day, in Vietnamese name order
/// (by given name, then middle and family names), a page at a time.
#[utoipa::path(get, path = "/orgs/{code}/members", tag = "orgs", operation_id = "list_org_members",
    params(("code" = String, Path, description = "Mã tổ chức"), PageQuery),
    responses((status = 200, body = MemberPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn members(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<MemberPage>> {
    let on = parse_day("as_of", query.as_of.as_deref(), state.today())?;
    let offset = parse_count("offset", query.offset.as_deref(), 0, usize::MAX)?;
    let limit = parse_count("limit", query.limit.as_deref(), 500, 5_000)?;
    let page = state
        .app()
        .org_members(&actor, &code, on, offset, limit)
        .await?;
    let members = page
        .members
        .into_iter()
        .map(|m| SubtreeMemberView {
            probationary: m.probationary,
            member: m.member.into(),
            branch: m.branch.into(),
        })
        .collect();
    Ok(Json(MemberPage {
        as_of: on,
        total: page.total,
        offset,
        limit,
        members,
    }))
}
