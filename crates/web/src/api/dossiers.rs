//! Dossiers: `/api/v1/plans/{id}/dossier` (the era's checklist of the organisation's items and
//! each subject's, present or missing), `…/dossier/files` (attach a file, sent as base64; its
//! type read from the content; this route alone takes a body up to [`ATTACH_BODY_LIMIT`], the
//! rest of the API keeps the server's limit), `…/dossier/verification` (every file read again against its
//! SHA-256), `/api/v1/plans/{id}/submission` (send the results up: refused while a required item
//! is missing) and `/api/v1/orgs/{code}/late-dossiers` (against the national dossier date).

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use kiemdiem_app::AppError;
use kiemdiem_app::dossiers::{
    Attachment, DossierView, FileCheck, FileView, LateDossier, SubmissionView,
};
use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// The largest body of an upload: a file of the app's largest size
/// ([`kiemdiem_app::dossiers::MAX_FILE_BYTES`], 20 MiB) in base64 — four characters for every
/// three bytes — with room for the other fields (≈ 26.7 MiB).
pub const ATTACH_BODY_LIMIT: usize =
    kiemdiem_app::dossiers::MAX_FILE_BYTES.div_ceil(3) * 4 + 64 * 1024;

pub fn routes() -> OpenApiRouter<ApiState> {
    // The upload's own limit replaces the server's (applied outside) for this route only.
    let upload = OpenApiRouter::new()
        .routes(routes!(attach_file))
        .route_layer(DefaultBodyLimit::max(ATTACH_BODY_LIMIT));
    OpenApiRouter::new()
        .routes(routes!(get_dossier))
        .merge(upload)
        .routes(routes!(verify_files))
        .routes(routes!(submit_results))
        .routes(routes!(late_dossiers))
}

/// A plan's dossier.
#[derive(Debug, ToSchema)]
#[schema(as = Dossier)]
pub struct DossierSchema {
    pub plan: Uuid,
    pub org: Uuid,
    pub year: i32,
    /// The checklist's source (seed 003 §B.7; HD 43 Mục 4 and Mẫu 04 from 2025).
    #[schema(value_type = Object)]
    pub citation: (),
    /// The organisation's own items: `code`, `title`, `required` (`always`, `if_any`),
    /// `may_follow`, `present`, `by` (`produced` or `attached`), `files`.
    #[schema(value_type = Vec<Object>)]
    pub organisation: (),
    /// Each subject's items (`subject`, `name`, `kind`, `items`).
    #[schema(value_type = Vec<Object>)]
    pub subjects: (),
    /// Every required item not present: `whose`, `code`, `title`, `may_follow`.
    #[schema(value_type = Vec<Object>)]
    pub missing: (),
    /// Whether the results may be sent up.
    pub complete: bool,
    pub submitted_on: Option<Date>,
    /// The national dossier date against the submission (or today): `status` `on_time`,
    /// `late` or `no_rule`.
    #[schema(value_type = Object)]
    pub deadline: (),
}

/// A file to attach: to a subject's dossier (`subject`) or the organisation's (left out).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachBody {
    #[serde(default)]
    pub subject: Option<Uuid>,
    /// The checklist item's code (`member_record_supplement`, `minutes` …).
    pub item: String,
    /// Shown only: the type is read from the content.
    pub file_name: String,
    pub content_base64: String,
}

/// A file attached.
#[derive(Debug, ToSchema)]
#[schema(as = DossierFile)]
pub struct FileSchema {
    pub id: Uuid,
    pub subject: Option<Uuid>,
    pub item: String,
    pub file_name: String,
    /// Read from the content.
    pub media_type: String,
    pub size_bytes: i64,
    /// Lowercase hexadecimal; also in the audit entry `dossier.attach`.
    pub sha256: String,
    pub by: String,
}

/// What the verification found.
#[derive(Debug, ToSchema)]
#[schema(as = DossierFileCheck)]
pub struct FileCheckSchema {
    pub checked: usize,
    /// Each file `changed` (with `found_sha256`) or `missing`.
    #[schema(value_type = Vec<Object>)]
    pub problems: (),
}

/// When the results were sent up; today when left out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionBody {
    #[serde(default)]
    pub submitted_on: Option<Date>,
}

/// The results sent up.
#[derive(Debug, ToSchema)]
#[schema(as = Submission)]
pub struct SubmissionSchema {
    pub plan: Uuid,
    pub org: Uuid,
    pub submitted_on: Date,
    /// Items the rules let follow that were still missing.
    #[schema(value_type = Vec<Object>)]
    pub following: (),
    #[schema(value_type = Object)]
    pub deadline: (),
}

/// A plan sent up late, or not yet and past the date.
#[derive(Debug, ToSchema)]
#[schema(as = LateDossier)]
pub struct LateSchema {
    pub plan: Uuid,
    pub org: Uuid,
    pub org_code: String,
    pub org_name: String,
    pub submitted_on: Option<Date>,
    #[schema(value_type = Object)]
    pub deadline: (),
}

/// The plan's dossier: the era's checklist, what is present (produced by the system once its
/// step is reached, or attached) and what is missing.
#[utoipa::path(get, path = "/plans/{id}/dossier", tag = "after", operation_id = "get_dossier",
    params(("id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, body = DossierSchema), (status = 404, body = ErrorBody)))]
async fn get_dossier(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<DossierView>> {
    Ok(Json(state.app().dossier(&actor, id).await?))
}

/// Attaches a file (PDF, PNG, JPEG, Word, Excel, PowerPoint — read from the content, never the
/// name; at most 20 MiB) to an item of the checklist. This route takes a body up to 27 MiB (the
/// file in base64 and the other fields), above the server's limit for other routes; a larger
/// one is `413 body_too_large`, a file over 20 MiB `422 invalid` (field `content`). A refused
/// file stores nothing; `409 conflict` when the server keeps no files.
#[utoipa::path(post, path = "/plans/{id}/dossier/files", tag = "after", operation_id = "attach_dossier_file",
    params(("id" = Uuid, Path, description = "The plan's id")),
    request_body = AttachBody,
    responses((status = 201, body = FileSchema), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn attach_file(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AttachBody>,
) -> ApiResult<(StatusCode, Json<FileView>)> {
    use base64::Engine;
    let content = base64::engine::general_purpose::STANDARD
        .decode(body.content_base64.trim())
        .map_err(|e| AppError::invalid("content_base64", format!("Không đọc được base64: {e}")))?;
    let file = state
        .app()
        .attach_dossier_file(
            &actor,
            id,
            Attachment {
                subject: body.subject,
                item: body.item,
                file_name: body.file_name,
                content,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(file)))
}

/// Reads every file of the plan's dossier again and compares its SHA-256 with the one recorded.
#[utoipa::path(post, path = "/plans/{id}/dossier/verification", tag = "after", operation_id = "verify_dossier_files",
    params(("id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, body = FileCheckSchema), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn verify_files(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<FileCheck>> {
    Ok(Json(state.app().verify_dossier_files(&actor, id).await?))
}

/// Sends the plan's results and dossier up: `422 rule_refused`, field `dossier`, naming the
/// missing items (`details.blocking`) while a required one that may not follow is missing;
/// `409 conflict` when already sent.
#[utoipa::path(post, path = "/plans/{id}/submission", tag = "after", operation_id = "submit_results",
    params(("id" = Uuid, Path, description = "The plan's id")),
    request_body = SubmissionBody,
    responses((status = 201, body = SubmissionSchema), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn submit_results(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<SubmissionBody>,
) -> ApiResult<(StatusCode, Json<SubmissionView>)> {
    let sent = state
        .app()
        .submit_results(&actor, id, body.submitted_on)
        .await?;
    Ok((StatusCode::CREATED, Json(sent)))
}

/// The yearly plans of the subtree sent up after the national dossier date, or not yet and past
/// it.
#[utoipa::path(get, path = "/orgs/{code}/late-dossiers", tag = "after", operation_id = "list_late_dossiers",
    params(("code" = String, Path, description = "Mã tổ chức"), crate::api::rewards::YearQuery),
    responses((status = 200, body = Vec<LateSchema>), (status = 404, body = ErrorBody)))]
async fn late_dossiers(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<crate::api::rewards::YearQuery>,
) -> ApiResult<Json<Vec<LateDossier>>> {
    let org = state.app().org_id(&actor, &code, None, "code").await?;
    Ok(Json(
        state.app().late_dossiers(&actor, org, query.year).await?,
    ))
}
