//! `/api/v1/audit/…`: the hash-chained audit log — verify the whole chain, read the entries
//! about one record. Both go through the app, which authorises the actor.

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(verify))
        .routes(routes!(trail))
}

/// The result of checking the whole chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditReportView {
    /// Whether every entry is present, linked and unedited.
    pub intact: bool,
    /// Entries checked.
    pub entries: u64,
    /// The hash of the last entry checked (hex SHA-256).
    pub last_hash: String,
    /// Entries whose seal was checked against the audit key (0 when the server has none).
    pub sealed: u64,
    /// Anchors (outside the database) the chain was checked against.
    pub anchors: u64,
    /// The last anchored entry, if any.
    pub last_anchored_seq: Option<i64>,
    /// Sealed records (decisions, publications, discipline records, ballot results) whose
    /// content was checked.
    pub records: u64,
    /// The first entry where the chain breaks.
    pub first_break: Option<ChainBreakView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChainBreakView {
    pub seq: i64,
    /// `gap` (an entry removed or inserted), `link` (reordered or replaced), `content` (edited),
    /// `head` (the last entries removed), `seal` (re-hashed without the audit key), `anchor`
    /// (truncated, emptied or rewritten against an anchor) or `record` (a sealed record edited;
    /// docs/audit.md).
    pub kind: String,
    pub message: String,
}

/// One entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: String,
    #[schema(example = "decision.record")]
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub reason: Option<String>,
    pub detail: serde_json::Value,
    pub hash: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditTrail {
    pub entity: String,
    pub entity_id: String,
    pub entries: Vec<AuditEntryView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrailQuery {
    /// The kind of record (`plan`, `subject`, `ballot` …).
    #[param(required = true, min_length = 1)]
    pub entity: Option<String>,
    /// The record's id.
    #[param(required = true, min_length = 1)]
    pub id: Option<String>,
}

/// Verifies the audit trail — the hash chain, the seals, the anchors and the sealed records'
/// content — and reports the first entry that differs, if any.
#[utoipa::path(get, path = "/audit/verify", tag = "audit", operation_id = "verify_audit",
    responses((status = 200, body = AuditReportView)))]
async fn verify(
    State(state): State<ApiState>,
    Acting(actor): Acting,
) -> ApiResult<Json<AuditReportView>> {
    let report = state.app().verify_audit(&actor).await?;
    Ok(Json(AuditReportView {
        intact: report.is_intact(),
        entries: report.entries,
        last_hash: report.last_hash,
        sealed: report.sealed,
        anchors: report.anchors,
        last_anchored_seq: report.last_anchor.as_ref().map(|a| a.seq),
        records: report.records,
        first_break: report.first_break.map(|b| ChainBreakView {
            seq: b.seq,
            kind: serde_json::to_value(b.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            message: b.message,
        }),
    }))
}

/// The audit entries about one record, oldest first.
#[utoipa::path(get, path = "/audit/trail", tag = "audit", operation_id = "get_audit_trail",
    params(TrailQuery),
    responses((status = 200, body = AuditTrail), (status = 400, body = ErrorBody)))]
async fn trail(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiQuery(query): ApiQuery<TrailQuery>,
) -> ApiResult<Json<AuditTrail>> {
    let required = |value: Option<String>, field: &str| {
        value
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| ApiError::bad_query(field, format!("thiếu tham số «{field}»")))
    };
    let entity = required(query.entity, "entity")?;
    let entity_id = required(query.id, "id")?;
    let entries = state.app().audit_trail(&actor, &entity, &entity_id).await?;
    Ok(Json(AuditTrail {
        entity,
        entity_id,
        entries: entries
            .into_iter()
            .map(|e| AuditEntryView {
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                action: e.action,
                entity: e.entity,
                entity_id: e.entity_id,
                reason: e.reason,
                detail: e.detail,
                hash: e.hash,
            })
            .collect(),
    }))
}
