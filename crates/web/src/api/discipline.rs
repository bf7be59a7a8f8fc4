//! `/api/v1/members/{code}/disciplines`, `/api/v1/orgs/{code}/disciplines` and
//! `/api/v1/collectives/{code}/disciplines`: recording discipline decisions during the year — a
//! member's, a party organisation's or a leadership collective's — which the rules read when the
//! subjects are rated; `/api/v1/disciplines/{id}/withdraw` removes one entered by mistake. Organisations are named by code; the checks and the audit entry are the
//! app's (`App::record_member_discipline`, `App::record_unit_discipline`).

use crate::ApiState;
use crate::actor::Acting;
use crate::api::views::DisciplineView;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::Actor;
use kiemdiem_app::directory::DisciplinedBody;
use kiemdiem_app::discipline::{MemberDisciplineInput, UnitDisciplineInput, UnitDisciplineView};
use kiemdiem_rules::DisciplineForm;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(record_member_discipline))
        .routes(routes!(org_disciplines, record_org_discipline))
        .routes(routes!(
            collective_disciplines,
            record_collective_discipline
        ))
        .routes(routes!(withdraw_discipline))
}

/// Why a record entered by mistake is withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    /// Required: what was wrong with the entry.
    pub reason: String,
}

/// A discipline record withdrawn.
#[derive(Debug, Serialize, ToSchema)]
pub struct WithdrawnView {
    pub id: Uuid,
    /// `member`, `org` or `collective`.
    pub entity: String,
    pub entity_id: Uuid,
    pub reason: String,
}

/// Withdraws a discipline record entered by mistake (a member's or a body's). The audit entry
/// (`discipline.withdraw`) keeps what the record said and the reason. A decision the party
/// annulled is not a mistake of entry and is not withdrawn this way.
#[utoipa::path(post, path = "/disciplines/{id}/withdraw", tag = "orgs", operation_id = "withdraw_discipline",
    params(("id" = Uuid, Path, description = "The discipline record's id")),
    request_body = WithdrawBody,
    responses((status = 200, body = WithdrawnView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn withdraw_discipline(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> ApiResult<Json<WithdrawnView>> {
    let withdrawn = state
        .app()
        .withdraw_discipline(&actor, id, &body.reason)
        .await?;
    Ok(Json(WithdrawnView {
        id: withdrawn.id,
        entity: withdrawn.entity.to_owned(),
        entity_id: withdrawn.entity_id,
        reason: withdrawn.reason,
    }))
}

/// A member's discipline decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberDisciplineBody {
    /// `khien_trach`, `canh_cao`, `cach_chuc` or `khai_tru`.
    #[schema(value_type = crate::api::schema::DisciplineFormCode, example = "khien_trach")]
    pub form: DisciplineForm,
    pub violation_on: Date,
    pub decided_on: Date,
    /// Code of the organisation where the violation happened; the member's branch on the day of
    /// the violation when left out.
    #[serde(default)]
    pub violation_org: Option<String>,
    /// Code of the organisation whose committee decided.
    #[serde(default)]
    pub deciding_org: Option<String>,
    /// Vi phạm liên quan đến chức trách, nhiệm vụ được giao.
    #[serde(default)]
    pub duty_related: bool,
    /// Tự phát hiện, tự khắc phục xong hậu quả.
    #[serde(default)]
    pub self_detected_remedied: bool,
    #[serde(default)]
    pub note: String,
}

/// A discipline decision about a party organisation or a leadership collective.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitDisciplineBody {
    /// `khien_trach` or `canh_cao` (Điều lệ Đảng Điều 36; giải tán is the dissolution in the tree).
    #[schema(value_type = crate::api::schema::UnitDisciplineFormCode, example = "canh_cao")]
    pub form: DisciplineForm,
    pub violation_on: Date,
    pub decided_on: Date,
    /// Code of the organisation whose committee decided.
    #[serde(default)]
    pub deciding_org: Option<String>,
    /// For a case of corruption, waste or negativity (tham nhũng, lãng phí, tiêu cực).
    #[serde(default)]
    pub corruption_case: bool,
    #[serde(default)]
    pub self_detected_remedied: bool,
    #[serde(default)]
    pub note: String,
}

/// A body's discipline decision as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDisciplineRecord {
    pub id: Uuid,
    /// `org` or `collective`.
    pub body_kind: String,
    pub body_id: Uuid,
    pub form: String,
    pub form_name: String,
    pub violation_on: Date,
    pub decided_on: Date,
    pub deciding_org_id: Option<Uuid>,
    pub corruption_case: bool,
    pub self_detected_remedied: bool,
    pub note: String,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

impl From<UnitDisciplineView> for UnitDisciplineRecord {
    fn from(d: UnitDisciplineView) -> UnitDisciplineRecord {
        UnitDisciplineRecord {
            id: d.id,
            body_kind: d.body_kind.to_owned(),
            body_id: d.body,
            form: d.form.code().to_owned(),
            form_name: d.form.name_vi().to_owned(),
            violation_on: d.violation_on,
            decided_on: d.decided_on,
            deciding_org_id: d.deciding_org,
            corruption_case: d.corruption_case,
            self_detected_remedied: d.self_detected_remedied,
            note: d.note,
            changed_by: d.by,
            changed_at: d.at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDisciplineList {
    pub disciplines: Vec<UnitDisciplineRecord>,
}

async fn optional_org(
    state: &ApiState,
    actor: &Actor,
    code: Option<&str>,
    field: &str,
) -> ApiResult<Option<Uuid>> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Ok(Some(state.app().org_id(actor, code, None, field).await?)),
        None => Ok(None),
    }
}

/// Records a discipline decision about the member; the member's file
/// (`/members/{code}/records`) lists it. The rules read it when the member — and a collective
/// they sit on, and the branch where the violation happened — are rated.
#[utoipa::path(post, path = "/members/{code}/disciplines", tag = "members", operation_id = "record_member_discipline",
    params(("code" = String, Path, description = "Số thẻ đảng viên")),
    request_body = MemberDisciplineBody,
    responses((status = 201, body = DisciplineView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn record_member_discipline(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<MemberDisciplineBody>,
) -> ApiResult<(StatusCode, Json<DisciplineView>)> {
    let member = state.app().member_id(&actor, &code, "code").await?;
    let violation_org = optional_org(
        &state,
        &actor,
        body.violation_org.as_deref(),
        "violation_org",
    )
    .await?;
    let deciding_org =
        optional_org(&state, &actor, body.deciding_org.as_deref(), "deciding_org").await?;
    let id = state
        .app()
        .record_member_discipline(
            &actor,
            member,
            MemberDisciplineInput {
                form: body.form,
                violation_on: body.violation_on,
                decided_on: body.decided_on,
                violation_org,
                deciding_org,
                duty_related: body.duty_related,
                self_detected_remedied: body.self_detected_remedied,
                note: body.note,
            },
        )
        .await?;
    let recorded = state.app().member_discipline(&actor, member, id).await?;
    Ok((StatusCode::CREATED, Json(recorded.into())))
}

async fn record_unit(
    state: &ApiState,
    actor: &Actor,
    unit: DisciplinedBody,
    body: UnitDisciplineBody,
) -> ApiResult<(StatusCode, Json<UnitDisciplineRecord>)> {
    let deciding_org =
        optional_org(state, actor, body.deciding_org.as_deref(), "deciding_org").await?;
    let recorded = state
        .app()
        .record_unit_discipline(
            actor,
            unit,
            UnitDisciplineInput {
                form: body.form,
                violation_on: body.violation_on,
                decided_on: body.decided_on,
                deciding_org,
                corruption_case: body.corruption_case,
                self_detected_remedied: body.self_detected_remedied,
                note: body.note,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(recorded.into())))
}

async fn list_unit(
    state: &ApiState,
    actor: &Actor,
    unit: DisciplinedBody,
) -> ApiResult<Json<UnitDisciplineList>> {
    let disciplines = state.app().unit_disciplines(actor, unit).await?;
    Ok(Json(UnitDisciplineList {
        disciplines: disciplines.into_iter().map(Into::into).collect(),
    }))
}

/// Records a discipline decision about the party organisation (khiển trách, cảnh cáo). The
/// rules read it when the organisation is rated (its clean record) and when the organisation
/// above it is (its sub-organisations disciplined, or with a corruption case).
#[utoipa::path(post, path = "/orgs/{code}/disciplines", tag = "orgs", operation_id = "record_org_discipline",
    params(("code" = String, Path, description = "Mã tổ chức")),
    request_body = UnitDisciplineBody,
    responses((status = 201, body = UnitDisciplineRecord), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn record_org_discipline(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<UnitDisciplineBody>,
) -> ApiResult<(StatusCode, Json<UnitDisciplineRecord>)> {
    let org = state.app().org_id(&actor, &code, None, "code").await?;
    record_unit(&state, &actor, DisciplinedBody::Org(org), body).await
}

/// The discipline decisions about the party organisation, oldest first.
#[utoipa::path(get, path = "/orgs/{code}/disciplines", tag = "orgs", operation_id = "list_org_disciplines",
    params(("code" = String, Path, description = "Mã tổ chức")),
    responses((status = 200, body = UnitDisciplineList), (status = 404, body = ErrorBody)))]
async fn org_disciplines(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<UnitDisciplineList>> {
    let org = state.app().org_id(&actor, &code, None, "code").await?;
    list_unit(&state, &actor, DisciplinedBody::Org(org)).await
}

/// Records a discipline decision about the leadership collective (khiển trách, cảnh cáo).
#[utoipa::path(post, path = "/collectives/{code}/disciplines", tag = "orgs", operation_id = "record_collective_discipline",
    params(("code" = String, Path, description = "Mã tập thể")),
    request_body = UnitDisciplineBody,
    responses((status = 201, body = UnitDisciplineRecord), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn record_collective_discipline(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<UnitDisciplineBody>,
) -> ApiResult<(StatusCode, Json<UnitDisciplineRecord>)> {
    let collective = state.app().find_collective(&actor, &code).await?;
    record_unit(
        &state,
        &actor,
        DisciplinedBody::Collective(collective),
        body,
    )
    .await
}

/// The discipline decisions about the leadership collective, oldest first.
#[utoipa::path(get, path = "/collectives/{code}/disciplines", tag = "orgs", operation_id = "list_collective_disciplines",
    params(("code" = String, Path, description = "Mã tập thể")),
    responses((status = 200, body = UnitDisciplineList), (status = 404, body = ErrorBody)))]
async fn collective_disciplines(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<UnitDisciplineList>> {
    let collective = state.app().find_collective(&actor, &code).await?;
    list_unit(&state, &actor, DisciplinedBody::Collective(collective)).await
}
