//! `/api/v1/reports/{summary,quota,progress}` (JSON) and `/api/v1/documents/{kind}` (a file:
//! .pdf, .docx, .xlsx, or the document as JSON): the summary reports of an organisation and year
//! and every document of the cycle. Each handler calls one app use case (which authorizes a read
//! of the organisation, subject or meeting) and renders with the `export` or `pdf` crate.

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kiemdiem_app::paper::{PaperKind, PaperTarget, TargetKind};
use kiemdiem_app::report::{ProgressReport, QuotaReport, SummaryReport};
use serde::Deserialize;
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(summary))
        .routes(routes!(quota))
        .routes(routes!(progress))
        .routes(routes!(document))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The organisation's code: the report covers its subtree.
    pub org: String,
    #[param(example = 2025)]
    pub year: i32,
}

/// The summary report (biểu tổng hợp): counts and shares per level for each kind of subject
/// (organisations by kind), by direct child organisation, those excluded or not yet rated with
/// reasons, the KHTNV list, every quota group with breaches named, the previous year, and the
/// totals cross-checked (a mismatch is reported in `summary.cross_check.problems`).
#[derive(Debug, ToSchema)]
#[schema(as = SummaryReport)]
pub struct SummaryReportSchema {
    #[schema(value_type = Object)]
    pub org: (),
    pub year: i32,
    #[schema(value_type = Object)]
    pub plan: (),
    /// `lines`, `total`, `excluded_reasons`, `pending_reasons`, `cross_check`, `quota`,
    /// `breaches`, `comparison`.
    #[schema(value_type = Object)]
    pub summary: (),
    #[schema(value_type = Vec<Object>)]
    pub children: (),
    #[schema(value_type = Vec<Object>)]
    pub khtnv: (),
    pub previous_year: Option<i32>,
}

/// Every comparable group's HTXSNV against its quota (the rules' figures), breaches named.
#[derive(Debug, ToSchema)]
#[schema(as = QuotaReport)]
pub struct QuotaReportSchema {
    #[schema(value_type = Object)]
    pub org: (),
    pub year: i32,
    #[schema(value_type = Object)]
    pub plan: (),
    #[schema(value_type = Vec<Object>)]
    pub groups: (),
    pub breaches: Vec<String>,
}

/// Done, pending and late per step at the organisation and its direct children, and who in its
/// own units is not yet reviewed or rated, with why.
#[derive(Debug, ToSchema)]
#[schema(as = ProgressReport)]
pub struct ProgressReportSchema {
    #[schema(value_type = Object)]
    pub org: (),
    pub year: i32,
    #[schema(value_type = Object)]
    pub plan: (),
    pub today: Date,
    #[schema(value_type = Vec<Object>)]
    pub nodes: (),
    #[schema(value_type = Vec<Object>)]
    pub pending: (),
}

async fn org_of(state: &ApiState, actor: &kiemdiem_app::Actor, code: &str) -> ApiResult<Uuid> {
    Ok(state.app().org_id(actor, code, None, "org").await?)
}

#[utoipa::path(get, path = "/reports/summary", tag = "reports", operation_id = "get_summary_report",
    params(ReportQuery),
    responses((status = 200, body = SummaryReportSchema), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn summary(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> ApiResult<Json<SummaryReport>> {
    let org = org_of(&state, &actor, &query.org).await?;
    Ok(Json(
        state.app().report_summary(&actor, org, query.year).await?,
    ))
}

#[utoipa::path(get, path = "/reports/quota", tag = "reports", operation_id = "get_quota_report",
    params(ReportQuery),
    responses((status = 200, body = QuotaReportSchema), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn quota(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> ApiResult<Json<QuotaReport>> {
    let org = org_of(&state, &actor, &query.org).await?;
    Ok(Json(
        state.app().report_quota(&actor, org, query.year).await?,
    ))
}

#[utoipa::path(get, path = "/reports/progress", tag = "reports", operation_id = "get_progress_report",
    params(ReportQuery),
    responses((status = 200, body = ProgressReportSchema), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn progress(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> ApiResult<Json<ProgressReport>> {
    let org = org_of(&state, &actor, &query.org).await?;
    Ok(Json(
        state.app().report_progress(&actor, org, query.year).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// The subject (self-review, score-sheet, reclassification).
    pub subject: Option<Uuid>,
    /// The meeting (minutes, ballot-paper, ballot-count).
    pub meeting: Option<Uuid>,
    /// The organisation's code (reports, proposal-table, member-decision, org-decision, dossier), with
    /// `year`.
    pub org: Option<String>,
    pub year: Option<i32>,
    /// `pdf` (default), `docx`, `xlsx` or `json`.
    pub format: Option<String>,
}

/// A document of the cycle as a file. `kind` is one of `summary`, `quota`, `progress`,
/// `not-rated`, `self-review`, `score-sheet`, `minutes`, `ballot-paper`, `ballot-count`,
/// `proposal-table`, `member-decision`, `org-decision`, `reclassification`, `dossier`. A document
/// whose step is not reached yet is refused with `422 out_of_order` naming what is missing.
#[utoipa::path(get, path = "/documents/{kind}", tag = "reports", operation_id = "get_document",
    params(("kind" = String, Path, description = "The kind of document"), DocumentQuery),
    responses((status = 200, description = "The file", content_type = "application/pdf"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn document(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(kind): ApiPath<String>,
    ApiQuery(query): ApiQuery<DocumentQuery>,
) -> ApiResult<Response> {
    let kind = PaperKind::parse(&kind).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!(
                "Không có loại văn bản «{kind}»; các loại: {}",
                PaperKind::ALL.map(|k| k.code()).join(", ")
            ),
        )
    })?;
    let missing = |field: &str, what: &str| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("{} lập cho {what}: thiếu tham số «{field}»", kind.name_vi()),
        )
        .with_field(field.to_owned())
    };
    let target = match kind.target() {
        TargetKind::Subject => PaperTarget::Subject(
            query
                .subject
                .ok_or_else(|| missing("subject", "một đối tượng"))?,
        ),
        TargetKind::Meeting => PaperTarget::Meeting(
            query
                .meeting
                .ok_or_else(|| missing("meeting", "một hội nghị"))?,
        ),
        TargetKind::Org => {
            let code = query
                .org
                .as_deref()
                .ok_or_else(|| missing("org", "một tổ chức"))?;
            let year = query.year.ok_or_else(|| missing("year", "một năm"))?;
            PaperTarget::Org {
                org: org_of(&state, &actor, code).await?,
                year,
            }
        }
    };
    let format = query.format.as_deref().unwrap_or("pdf");
    let paper = state.app().paper(&actor, kind, target).await?;
    let file_name = paper.file_name.clone();
    let (bytes, content_type) = match format {
        "pdf" => (
            tokio::task::spawn_blocking(move || kiemdiem_pdf::pdf(&paper))
                .await
                .map_err(|e| ApiError::internal(&e))?
                .map_err(|e| ApiError::internal(&e))?,
            "application/pdf",
        ),
        "docx" => (
            kiemdiem_export::docx(&paper).map_err(|e| ApiError::internal(&e))?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "xlsx" => (
            kiemdiem_export::xlsx(&paper).map_err(|e| ApiError::internal(&e))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "json" => (
            serde_json::to_vec(&paper).map_err(|e| ApiError::internal(&e))?,
            "application/json",
        ),
        other => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("Định dạng «{other}» không có: pdf, docx, xlsx hoặc json"),
            )
            .with_field("format"));
        }
    };
    let name = format!("attachment; filename=\"{file_name}.{format}\"");
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
