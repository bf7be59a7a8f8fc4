//! `/api/v1/imports/{kind}`, `/api/v1/org-merges`, `/api/v1/orgs/{code}/split` and
//! `/api/v1/orgs/{code}/move`: an office's files sent over the API (the same checks, row and
//! column problems and all-or-nothing as `kiemdiem import`), and the changes of the tree its
//! decisions make — merging, splitting, moving organisations. The checks and the audit entries
//! are the app's (`App::import_upload`, `App::merge_orgs`, `App::split_org`, `App::move_org`).

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use kiemdiem_app::records::{FileProblem, ImportKind, Upload, UploadReport};
use kiemdiem_app::tree::{MergeInput, NewOrgInput, SplitInput, SplitPartInput, TreeChange};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(import_records))
        .routes(routes!(merge_orgs))
        .routes(routes!(split_org))
        .routes(routes!(move_org))
}

/// A file of the office, as `kiemdiem import` takes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    /// The file's name (`chuc_vu.xlsx`, `nghi.csv`): .xlsx or .csv.
    pub file_name: String,
    /// The file's bytes in base64.
    pub content_base64: String,
    /// The day changes to existing records take effect; today when absent.
    #[serde(default)]
    pub effective: Option<Date>,
    /// Import the valid rows and list the rejected ones.
    #[serde(default)]
    pub skip_invalid: bool,
    /// Members: a row moving a known member to another branch is a transfer, refused unless true.
    #[serde(default)]
    pub allow_transfers: bool,
}

/// What an imported file did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Members moved to another branch (chuyển sinh hoạt).
    pub transfers: usize,
    pub rejected: usize,
    /// The rejected rows' problems, by row and column.
    pub problems: Vec<ImportProblem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblem {
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl From<FileProblem> for ImportProblem {
    fn from(p: FileProblem) -> ImportProblem {
        ImportProblem {
            row: p.row,
            column: p.column,
            message: p.message,
        }
    }
}

impl From<UploadReport> for ImportResult {
    fn from(r: UploadReport) -> ImportResult {
        ImportResult {
            rows: r.rows,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            transfers: r.transfers,
            rejected: r.rejected,
            problems: r.problems.into_iter().map(ImportProblem::from).collect(),
        }
    }
}

/// Imports an office file: `kind` is `orgs`, `members`, `disciplines`, `collectives`,
/// `leaders`, `posts`, `statuses`, `leave`, `temporary` or `ratings` (headers: docs/import.md).
/// A file with problems imports nothing: `422 invalid`, field `file`, every problem by row and
/// column in `details`.
#[utoipa::path(post, path = "/imports/{kind}", tag = "orgs", operation_id = "import_records",
    params(("kind" = String, Path, description = "What the file holds")),
    request_body = ImportBody,
    responses((status = 200, body = ImportResult), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_records(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(kind): ApiPath<String>,
    ApiJson(body): ApiJson<ImportBody>,
) -> ApiResult<Json<ImportResult>> {
    let kind = ImportKind::parse(kind.trim()).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_path",
            format!(
                "«{kind}» không phải loại tệp nhập: {}",
                ImportKind::ALL
                    .iter()
                    .map(|k| format!("«{}»", k.code()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .with_field("kind")
    })?;
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
    let report = state
        .app()
        .import_upload(
            &actor,
            kind,
            Upload {
                file_name: body.file_name,
                content,
                effective: body.effective,
                skip_invalid: body.skip_invalid,
                allow_transfers: body.allow_transfers,
            },
        )
        .await?;
    Ok(Json(report.into()))
}

/// A new organisation a merger or a split creates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrgBody {
    pub code: String,
    pub name: String,
    /// By code or Vietnamese name ("Chi bộ trực thuộc").
    pub kind: String,
    #[serde(default)]
    pub has_committee: Option<bool>,
    /// The parent's code; the source's parent when absent.
    #[serde(default)]
    pub parent: Option<String>,
}

impl From<NewOrgBody> for NewOrgInput {
    fn from(b: NewOrgBody) -> NewOrgInput {
        NewOrgInput {
            code: b.code,
            name: b.name,
            kind: b.kind,
            has_committee: b.has_committee,
            parent: b.parent,
        }
    }
}

/// Organisations merged (hợp nhất, sáp nhập) into an existing one (`into`) or a new one (`new`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    pub sources: Vec<String>,
    #[serde(default)]
    pub into: Option<String>,
    #[serde(default)]
    pub new: Option<NewOrgBody>,
    pub on: Date,
    #[serde(default)]
    pub note: String,
}

/// A change of the tree made.
#[derive(Debug, Serialize, ToSchema)]
pub struct TreeChangeView {
    /// `merge`, `split` or `move`.
    pub kind: String,
    pub on: Date,
    pub org_id: Uuid,
    pub created: Vec<Uuid>,
}

impl From<TreeChange> for TreeChangeView {
    fn from(c: TreeChange) -> TreeChangeView {
        TreeChangeView {
            kind: c.kind,
            on: c.on,
            org_id: c.org,
            created: c.created,
        }
    }
}

/// Merges organisations on a day: their sub-organisations move under the receiving one, their
/// members transfer to it, their posts end, and they are dissolved; the history is kept.
#[utoipa::path(post, path = "/org-merges", tag = "orgs", operation_id = "merge_orgs",
    request_body = MergeBody,
    responses((status = 201, body = TreeChangeView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn merge_orgs(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiJson(body): ApiJson<MergeBody>,
) -> ApiResult<(StatusCode, Json<TreeChangeView>)> {
    let change = state
        .app()
        .merge_orgs(
            &actor,
            MergeInput {
                sources: body.sources,
                into: body.into,
                new: body.new.map(NewOrgInput::from),
                on: body.on,
                note: body.note,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(change.into())))
}

/// One new organisation of a split, with the sub-organisations (codes) and members (card
/// numbers) it takes over.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitPartBody {
    pub org: NewOrgBody,
    #[serde(default)]
    pub children: Vec<String>,
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    pub parts: Vec<SplitPartBody>,
    pub on: Date,
    /// Dissolve the organisation split (it must be left empty).
    #[serde(default)]
    pub dissolve_source: bool,
    #[serde(default)]
    pub note: String,
}

/// Splits an organisation on a day (chia tách) into new organisations.
#[utoipa::path(post, path = "/orgs/{code}/split", tag = "orgs", operation_id = "split_org",
    params(("code" = String, Path, description = "The organisation's code")),
    request_body = SplitBody,
    responses((status = 201, body = TreeChangeView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn split_org(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<SplitBody>,
) -> ApiResult<(StatusCode, Json<TreeChangeView>)> {
    let input = SplitInput {
        parts: body
            .parts
            .into_iter()
            .map(|p| SplitPartInput {
                org: p.org.into(),
                children: p.children,
                members: p.members,
            })
            .collect(),
        on: body.on,
        dissolve_source: body.dissolve_source,
        note: body.note,
    };
    let change = state.app().split_org(&actor, &code, input).await?;
    Ok((StatusCode::CREATED, Json(change.into())))
}

/// Moves an organisation, with its subtree, under another parent (chuyển trực thuộc).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    /// The new parent's code.
    pub parent: String,
    pub on: Date,
}

#[utoipa::path(post, path = "/orgs/{code}/move", tag = "orgs", operation_id = "move_org",
    params(("code" = String, Path, description = "The organisation's code")),
    request_body = MoveBody,
    responses((status = 201, body = TreeChangeView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn move_org(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<MoveBody>,
) -> ApiResult<(StatusCode, Json<TreeChangeView>)> {
    let change = state
        .app()
        .move_org(&actor, &code, &body.parent, body.on)
        .await?;
    Ok((StatusCode::CREATED, Json(change.into())))
}
