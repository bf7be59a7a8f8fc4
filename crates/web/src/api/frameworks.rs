//! `/api/v1/orgs/{code}/frameworks` and `/api/v1/org-frameworks/{id}`: the criteria frameworks
//! an issuing committee makes — derived from the national default (or another), changed, imported
//! from a sheet — each change a new version checked against the national invariants, which a plan
//! pins by id. The checks are the app's (`App::derive_framework`, `change_framework`,
//! `import_framework`).

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use kiemdiem_app::frameworks::{FrameworkChange, FrameworkView};
use kiemdiem_app::records::Upload;
use kiemdiem_rules::framework::Criterion;
use kiemdiem_rules::ruleset::params::Thresholds;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(list_org_frameworks, derive_framework))
        .routes(routes!(import_framework))
        .routes(routes!(get_org_framework, change_framework))
}

/// A framework version as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgFramework {
    /// `ORG:name@version` — what a plan pins in `frameworks`.
    pub id: String,
    pub org_id: Option<Uuid>,
    pub name: Option<String>,
    pub version: Option<i64>,
    /// What it was derived from, or the version it changed.
    pub base: Option<String>,
    /// The framework: title, rule sets, subjects, scale, the tree of criteria with their points.
    #[schema(value_type = Object)]
    pub framework: serde_json::Value,
    pub changed_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub changed_at: Option<OffsetDateTime>,
}

impl From<FrameworkView> for OrgFramework {
    fn from(v: FrameworkView) -> OrgFramework {
        OrgFramework {
            id: v.id,
            org_id: v.org,
            name: v.name,
            version: v.version,
            base: v.base,
            framework: serde_json::to_value(v.framework).unwrap_or_default(),
            changed_by: v.changed_by,
            changed_at: v.changed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgFrameworkList {
    pub frameworks: Vec<OrgFramework>,
}

/// A framework derived from another.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeriveBody {
    /// The framework it starts from: a shipped one (`qd366-hd43/member-without-post`) or a
    /// committee's version.
    pub base: String,
    /// The name in its id: lower-case letters, digits and hyphens (`dang-vien`).
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
}

/// A framework's criteria from a sheet (`Mã tiêu chí`, `Tên tiêu chí`, `Nhóm`, `Điểm tối đa`,
/// `Mã tiêu chí cha`), on the rule sets, subjects and scale of `base`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportFrameworkBody {
    pub base: String,
    pub name: String,
    pub file_name: String,
    pub content_base64: String,
}

/// A change of a committee's framework: the whole tree of criteria (a new version).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    #[serde(default)]
    pub title: Option<String>,
    /// The criteria tree: `id`, `title`, `group` (top level: `common` or `tasks`),
    /// `max_points`, `children`.
    #[schema(value_type = Vec<Object>)]
    pub criteria: Vec<Criterion>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub thresholds: Option<Thresholds>,
}

/// Every version of the frameworks an organisation made.
#[utoipa::path(get, path = "/orgs/{code}/frameworks", tag = "rules", operation_id = "list_org_frameworks",
    params(("code" = String, Path, description = "The organisation's code")),
    responses((status = 200, body = OrgFrameworkList), (status = 404, body = ErrorBody)))]
async fn list_org_frameworks(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<OrgFrameworkList>> {
    let org = state.app().org_id(&actor, &code, None, "code").await?;
    let frameworks = state.app().org_frameworks(&actor, org).await?;
    Ok(Json(OrgFrameworkList {
        frameworks: frameworks.into_iter().map(OrgFramework::from).collect(),
    }))
}

/// Derives the organisation's framework from another: the same criteria, points and sub-splits,
/// to be changed; checked against the national invariants.
#[utoipa::path(post, path = "/orgs/{code}/frameworks", tag = "rules", operation_id = "derive_framework",
    params(("code" = String, Path, description = "The organisation's code")),
    request_body = DeriveBody,
    responses((status = 201, body = OrgFramework), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn derive_framework(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<DeriveBody>,
) -> ApiResult<(StatusCode, Json<OrgFramework>)> {
    let org = state.app().org_id(&actor, &code, None, "code").await?;
    let view = state
        .app()
        .derive_framework(&actor, org, &body.base, &body.name, body.title)
        .await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Imports the organisation's framework from a sheet (.xlsx or .csv, base64).
#[utoipa::path(post, path = "/orgs/{code}/frameworks/import", tag = "rules", operation_id = "import_framework",
    params(("code" = String, Path, description = "The organisation's code")),
    request_body = ImportFrameworkBody,
    responses((status = 201, body = OrgFramework), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_framework(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<ImportFrameworkBody>,
) -> ApiResult<(StatusCode, Json<OrgFramework>)> {
    let org = state.app().org_id(&actor, &code, None, "code").await?;
    let content = base64::engine::general_purpose::STANDARD
        .decode(body.content_base64.trim())
        .map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "nội dung tệp không phải base64 hợp lệ",
            )
            .with_field("content_base64")
        })?;
    let view = state
        .app()
        .import_framework(
            &actor,
            org,
            &body.base,
            &body.name,
            Upload {
                file_name: body.file_name,
                content,
                ..Upload::default()
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// One framework version (or a shipped framework) by id.
#[utoipa::path(get, path = "/org-frameworks/{id}", tag = "rules", operation_id = "get_org_framework",
    params(("id" = String, Path, description = "The framework's id (`ORG:name@version`)")),
    responses((status = 200, body = OrgFramework), (status = 404, body = ErrorBody)))]
async fn get_org_framework(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<OrgFramework>> {
    Ok(Json(state.app().framework_by_id(&actor, &id).await?.into()))
}

/// Changes a committee's framework: a new version with the criteria sent, checked again; the
/// version changed is kept (plans pinning it keep it).
#[utoipa::path(put, path = "/org-frameworks/{id}", tag = "rules", operation_id = "change_framework",
    params(("id" = String, Path, description = "The framework version changed")),
    request_body = ChangeBody,
    responses((status = 201, body = OrgFramework), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn change_framework(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<ChangeBody>,
) -> ApiResult<(StatusCode, Json<OrgFramework>)> {
    let view = state
        .app()
        .change_framework(
            &actor,
            &id,
            FrameworkChange {
                title: body.title,
                criteria: body.criteria,
                thresholds: body.thresholds,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}
