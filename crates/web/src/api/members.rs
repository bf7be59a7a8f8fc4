//! `/api/v1/members/…`: one party member as they stood on a day (attributes, branches, statuses
//! and posts in force), and their whole dated file (every version, branch period, transfer,
//! status, leave and discipline). The members of a subtree are listed under
//! `/api/v1/orgs/{code}/members`.

use crate::ApiState;
use crate::actor::Acting;
use crate::api::orgs::AsOfQuery;
use crate::api::views::{
    DisciplineView, MemberView, MembershipView, OrgRef, PeriodView, PositionView, TransferView,
};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, parse_day};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use time::Date;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(get_member))
        .routes(routes!(records))
}

/// A member on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOnDay {
    pub as_of: Date,
    pub member: MemberView,
    /// Đảng viên dự bị on the day.
    pub probationary: bool,
    /// Chi bộ sinh hoạt chính thức.
    pub official_branch: Option<OrgRef>,
    /// Chi bộ sinh hoạt tạm thời.
    pub temporary_branch: Option<OrgRef>,
    /// Statuses in force on the day (miễn, đình chỉ …).
    pub statuses: Vec<PeriodView>,
    /// Posts held on the day.
    pub positions: Vec<PositionView>,
}

/// A member's whole dated file, oldest first in every list.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberRecords {
    pub code: String,
    pub versions: Vec<MemberView>,
    pub memberships: Vec<MembershipView>,
    pub transfers: Vec<TransferView>,
    pub statuses: Vec<PeriodView>,
    pub leaves: Vec<PeriodView>,
    pub disciplines: Vec<DisciplineView>,
}

/// One member as they stood on a day.
#[utoipa::path(get, path = "/members/{code}", tag = "members", operation_id = "get_member",
    params(("code" = String, Path, description = "Số thẻ đảng viên"), AsOfQuery),
    responses((status = 200, body = MemberOnDay), (status = 404, body = ErrorBody)))]
async fn get_member(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<MemberOnDay>> {
    let on = parse_day("as_of", query.as_of.as_deref(), state.today())?;
    let day = state.app().member_on_day(&actor, &code, on).await?;
    Ok(Json(MemberOnDay {
        as_of: on,
        probationary: day.probationary,
        member: day.member.into(),
        official_branch: day.official_branch.map(OrgRef::from),
        temporary_branch: day.temporary_branch.map(OrgRef::from),
        statuses: day.statuses.into_iter().map(PeriodView::from).collect(),
        positions: day.positions.into_iter().map(PositionView::from).collect(),
    }))
}

/// Everything dated about a member: versions of their attributes, branch periods, transfers,
/// statuses, leave and discipline.
#[utoipa::path(get, path = "/members/{code}/records", tag = "members", operation_id = "get_member_records",
    params(("code" = String, Path, description = "Số thẻ đảng viên")),
    responses((status = 200, body = MemberRecords), (status = 404, body = ErrorBody)))]
async fn records(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<MemberRecords>> {
    let file = state.app().member_file(&actor, &code).await?;
    Ok(Json(MemberRecords {
        code: file.code,
        versions: file.versions.into_iter().map(MemberView::from).collect(),
        memberships: file
            .memberships
            .into_iter()
            .map(|(membership, branch)| MembershipView::new(membership, branch.into()))
            .collect(),
        transfers: file.transfers.into_iter().map(TransferView::from).collect(),
        statuses: file.statuses.into_iter().map(PeriodView::from).collect(),
        leaves: file.leaves.into_iter().map(PeriodView::from).collect(),
        disciplines: file
            .disciplines
            .into_iter()
            .map(DisciplineView::from)
            .collect(),
    }))
}
