//! `/api/v1/subjects/{id}/heads-moved-in`: the verifying staff's declaration, for seed 003's
//! exception to "the head is not rated above the unit", that a head moved into a unit during the
//! evaluated period and had no part in its result (mục B.6). Which declarations count, and what
//! they change, is the app's and the rules crate's; this module only speaks HTTP.

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::leaders::HeadMovedIn;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(heads_moved_in, declare_head_moved_in))
}

/// A declaration to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeadMovedInBody {
    /// The subject of the organisation or collective the head heads and moved into.
    pub unit_id: Uuid,
    /// Why the head had no part in the unit's result (required).
    pub reason: String,
}

/// A head declared to have moved into a unit without a part in its result.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeadMovedInView {
    /// The head's subject.
    pub subject_id: Uuid,
    /// The unit's subject.
    pub unit_id: Uuid,
    pub unit_name: String,
    /// The day the head's post in the unit started (dd/mm/yyyy shown by clients).
    pub post_from: Date,
    pub reason: String,
    pub declared_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub declared_at: OffsetDateTime,
}

impl From<HeadMovedIn> for HeadMovedInView {
    fn from(h: HeadMovedIn) -> HeadMovedInView {
        HeadMovedInView {
            subject_id: h.subject,
            unit_id: h.unit,
            unit_name: h.unit_name,
            post_from: h.post_from,
            reason: h.reason,
            declared_by: h.by,
            declared_at: h.at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeadMovedInList {
    pub declarations: Vec<HeadMovedInView>,
}

/// The units this head is declared to have moved into without a part in their result.
#[utoipa::path(get, path = "/subjects/{id}/heads-moved-in", tag = "evaluation", operation_id = "list_heads_moved_in",
    params(("id" = Uuid, Path, description = "The head's subject id")),
    responses((status = 200, body = HeadMovedInList), (status = 404, body = ErrorBody)))]
async fn heads_moved_in(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<HeadMovedInList>> {
    let declarations = state.app().heads_moved_in(&actor, id).await?;
    Ok(Json(HeadMovedInList {
        declarations: declarations.into_iter().map(Into::into).collect(),
    }))
}

/// Declares that the head moved into `unit_id` during the period and had no part in its result
/// (seed 003 mục B.6). Refused (`rule_refused`) where the plan's rules have no such exception,
/// `invalid` where the unit is not one the subject heads or the post started before the period.
#[utoipa::path(post, path = "/subjects/{id}/heads-moved-in", tag = "evaluation", operation_id = "declare_head_moved_in",
    params(("id" = Uuid, Path, description = "The head's subject id")),
    request_body = HeadMovedInBody,
    responses((status = 201, body = HeadMovedInView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn declare_head_moved_in(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<HeadMovedInBody>,
) -> ApiResult<(StatusCode, Json<HeadMovedInView>)> {
    let declared = state
        .app()
        .declare_head_moved_in(&actor, id, body.unit_id, &body.reason)
        .await?;
    Ok((StatusCode::CREATED, Json(declared.into())))
}
