//! `/api/v1/decision-sittings`: a sitting of the competent level deciding a whole quota group at
//! once — checked together, the quota on the group's final counts, accepted or refused as a whole
//! with every problem listed — and the documents (văn bản: number and symbol, date, signature
//! block, recipients) that sittings, single decisions, re-classifications and plans record.

use crate::ApiState;
use crate::actor::Acting;
use crate::api::subjects::DecisionRecord;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::document::{Document, DocumentInput};
use kiemdiem_app::evaluation::{SittingInput, SittingItem, SittingView};
use kiemdiem_rules::Level;
use kiemdiem_rules::quota::ExceptionalShareDecision;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(decide_sitting))
}

/// A document as the office types it (Hướng dẫn 36-HD/VPTW).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentBody {
    /// Số và ký hiệu: `125-QĐ/HU`.
    #[schema(example = "125-QĐ/HU")]
    pub number_symbol: String,
    /// The date of the place-and-date line.
    pub issued_on: Option<Date>,
    /// The place of that line.
    #[serde(default)]
    pub place: String,
    /// `T/M BAN THƯỜNG VỤ`, `K/T BÍ THƯ` …
    #[schema(example = "T/M BAN THƯỜNG VỤ")]
    pub on_behalf_of: String,
    #[serde(default)]
    #[schema(example = "PHÓ BÍ THƯ")]
    pub signer_title: String,
    pub signer_name: String,
    /// Nơi nhận.
    #[serde(default)]
    pub recipients: Vec<String>,
}

impl From<DocumentBody> for DocumentInput {
    fn from(d: DocumentBody) -> DocumentInput {
        DocumentInput {
            number_symbol: d.number_symbol,
            issued_on: d.issued_on,
            place: d.place,
            on_behalf_of: d.on_behalf_of,
            signer_title: d.signer_title,
            signer_name: d.signer_name,
            recipients: d.recipients,
        }
    }
}

/// A recorded document.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentRecord {
    pub id: Uuid,
    /// `plan`, `decision` or `reclassification` (Mẫu 03).
    pub kind: String,
    pub number_symbol: String,
    pub issued_on: Date,
    pub place: String,
    pub on_behalf_of: String,
    pub signer_title: String,
    pub signer_name: String,
    pub recipients: Vec<String>,
    pub recorded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

impl From<Document> for DocumentRecord {
    fn from(d: Document) -> DocumentRecord {
        DocumentRecord {
            id: d.id,
            kind: serde_json::to_value(d.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            number_symbol: d.number_symbol,
            issued_on: d.issued_on,
            place: d.place,
            on_behalf_of: d.on_behalf_of,
            signer_title: d.signer_title,
            signer_name: d.signer_name,
            recipients: d.recipients,
            recorded_by: d.recorded_by,
            recorded_at: d.recorded_at,
        }
    }
}

/// One decision of a sitting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SittingDecision {
    pub subject: Uuid,
    /// The subject's version read.
    pub version: i64,
    #[schema(value_type = crate::api::schema::LevelCode)]
    pub level: Level,
    /// Required where the level departs from the ballot, the proposal or the rules' suggestion,
    /// or where the rules leave the case to the competent level.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The decisions of one sitting over one quota group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SittingBody {
    pub decisions: Vec<SittingDecision>,
    /// The recorded decision allowing the exceptional HTXSNV share.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::schema::ExceptionalShareSchema>)]
    pub exceptional_share: Option<ExceptionalShareDecision>,
    /// The sitting's decision document, carried by every decision.
    #[serde(default)]
    pub document: Option<DocumentBody>,
}

/// What a sitting decided.
#[derive(Debug, Serialize, ToSchema)]
pub struct SittingRecord {
    /// The quota group's key.
    pub group: String,
    /// The group as people name it ("đảng viên Đảng bộ xã Hợp Thành").
    pub group_name: String,
    /// In the order sent.
    pub decisions: Vec<DecisionRecord>,
    /// The quota on the group's final counts.
    #[schema(value_type = Object)]
    pub quota: serde_json::Value,
    pub document: Option<DocumentRecord>,
}

impl From<SittingView> for SittingRecord {
    fn from(s: SittingView) -> SittingRecord {
        SittingRecord {
            group: s.group,
            group_name: s.group_name,
            decisions: s.decisions.into_iter().map(DecisionRecord::from).collect(),
            quota: serde_json::to_value(s.quota).unwrap_or_default(),
            document: s.document.map(DocumentRecord::from),
        }
    }
}

/// Decides a whole quota group in one sitting: every decision checked as a single one is (order,
/// readiness, the rules' cap, the reasons), the HTXSNV quota once on the group's final counts —
/// so the order typed changes nothing — and all accepted or all refused, every problem listed in
/// `details.problems` (each with `decisions[i]…` as its field).
#[utoipa::path(post, path = "/decision-sittings", tag = "evaluation", operation_id = "decide_sitting",
    request_body = SittingBody,
    responses((status = 201, body = SittingRecord), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide_sitting(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiJson(body): ApiJson<SittingBody>,
) -> ApiResult<(StatusCode, Json<SittingRecord>)> {
    let input = SittingInput {
        decisions: body
            .decisions
            .into_iter()
            .map(|d| SittingItem {
                subject: d.subject,
                version: d.version,
                level: Some(d.level),
                reason: d.reason,
            })
            .collect(),
        exceptional_share: body.exceptional_share,
        document: body.document.map(DocumentInput::from),
    };
    let view = state.app().decide_sitting(&actor, input).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}
