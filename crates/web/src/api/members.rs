//! `/api/v1/members/…`: one party member as they stood on a day (attributes, branches, statuses
//! and posts in force), and their whole dated file (every version, branch period, transfer,
//! status, leave and discipline). The members of a subtree are listed under
//! `/api/v1/orgs/{code}/members`.

use crate::ApiState;
use crate::actor::Acting;
use crate::api::orgs::AsOfQuery;
use crate::api::views::{
    DisciplineView, MemberView, MembershipView, OrgRef, PeriodView, PositionView, TransferView,
    as_of_text,
};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, parse_day};
use axum::Json;
use axum::extract::State;
use kiemdiem_store::Tx;
use kiemdiem_store::leadership::Holder;
use kiemdiem_store::people::MembershipKind;
use serde::Serialize;
use std::collections::HashMap;
use time::Date;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

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

/// The id of the member with this card number; 404 naming it.
pub(crate) async fn member_id(tx: &mut Tx, code: &str) -> ApiResult<Uuid> {
    tx.member_id_by_code(code)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("không tìm thấy đảng viên «{code}»")))
}

/// A short reference to an organisation, whatever the day.
async fn org_ref(tx: &mut Tx, id: Uuid, on: Date) -> ApiResult<OrgRef> {
    if let Some(org) = tx.org_as_of(id, on).await? {
        return Ok(OrgRef::from(&org));
    }
    Ok(tx
        .org_history(id)
        .await?
        .last()
        .map(OrgRef::from)
        .unwrap_or(OrgRef {
            id,
            code: String::new(),
            name: String::new(),
        }))
}

/// One member as they stood on a day.
#[utoipa::path(get, path = "/members/{code}", tag = "members", operation_id = "get_member",
    params(("code" = String, Path, description = "Số thẻ đảng viên"), AsOfQuery),
    responses((status = 200, body = MemberOnDay), (status = 404, body = ErrorBody)))]
async fn get_member(
    State(state): State<ApiState>,
    _actor: Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<MemberOnDay>> {
    let on = parse_day("as_of", query.as_of.as_deref(), state.today())?;
    let mut tx = state.store().read().await?;
    let id = member_id(&mut tx, &code).await?;
    let member = tx.member_as_of(id, on).await?.ok_or_else(|| {
        ApiError::not_found(format!(
            "đảng viên «{code}» chưa có hồ sơ vào ngày {}",
            as_of_text(on)
        ))
        .with_field("as_of")
    })?;
    let official_branch = match tx.branch_of(id, MembershipKind::Official, on).await? {
        Some(branch) => Some(org_ref(&mut tx, branch, on).await?),
        None => None,
    };
    let temporary_branch = match tx.branch_of(id, MembershipKind::Temporary, on).await? {
        Some(branch) => Some(org_ref(&mut tx, branch, on).await?),
        None => None,
    };
    let statuses = tx.statuses_as_of(id, on).await?;
    let positions = tx.positions_of(Holder::Member(id), on).await?;
    Ok(Json(MemberOnDay {
        as_of: on,
        probationary: member.is_probationary(on),
        member: member.into(),
        official_branch,
        temporary_branch,
        statuses: statuses.into_iter().map(PeriodView::from).collect(),
        positions: positions.into_iter().map(PositionView::from).collect(),
    }))
}

/// Everything dated about a member: versions of their attributes, branch periods, transfers,
/// statuses, leave and discipline.
#[utoipa::path(get, path = "/members/{code}/records", tag = "members", operation_id = "get_member_records",
    params(("code" = String, Path, description = "Số thẻ đảng viên")),
    responses((status = 200, body = MemberRecords), (status = 404, body = ErrorBody)))]
async fn records(
    State(state): State<ApiState>,
    _actor: Acting,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<MemberRecords>> {
    let mut tx = state.store().read().await?;
    let id = member_id(&mut tx, &code).await?;
    let versions = tx.member_history(id).await?;
    let mut branches: HashMap<Uuid, OrgRef> = HashMap::new();
    let mut memberships = Vec::new();
    for membership in tx.memberships(id).await? {
        let branch = match branches.get(&membership.org_id) {
            Some(branch) => branch.clone(),
            None => {
                let on = membership.valid_from;
                let branch = org_ref(&mut tx, membership.org_id, on).await?;
                branches.insert(membership.org_id, branch.clone());
                branch
            }
        };
        memberships.push(MembershipView::new(membership, branch));
    }
    let transfers = tx.transfers(id).await?;
    let statuses = tx.statuses(id).await?;
    let leaves = tx.leaves(id).await?;
    let disciplines = tx.disciplines(id).await?;
    Ok(Json(MemberRecords {
        code: versions
            .first()
            .map(|v| v.code.clone())
            .unwrap_or(code.clone()),
        versions: versions.into_iter().map(MemberView::from).collect(),
        memberships,
        transfers: transfers.into_iter().map(TransferView::from).collect(),
        statuses: statuses.into_iter().map(PeriodView::from).collect(),
        leaves: leaves.into_iter().map(PeriodView::from).collect(),
        disciplines: disciplines.into_iter().map(DisciplineView::from).collect(),
    }))
}
