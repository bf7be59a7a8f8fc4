//! `/api/v1/subjects/{id}/commitment`: the commitment for the coming year (bản đăng ký phấn
//! đấu) a member or an organisation registers after its review, and the one it registered last
//! year for this year (also shown beside the self-review and the decisions). The checks and the
//! audit entry are the app's (`App::register_commitment`).

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use kiemdiem_app::commitments::{CommitmentInput, CommitmentView};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(get_commitment, register_commitment))
}

/// A commitment for a year, as registered.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitmentRecord {
    pub id: Uuid,
    /// The subject of the review year that registered it.
    pub subject_id: Uuid,
    /// `member` or `org`.
    pub holder: String,
    pub holder_id: Uuid,
    /// The year it is for.
    pub for_year: i32,
    /// The level aimed at, in that year's vocabulary.
    pub target_level: String,
    pub target_level_name: String,
    pub pledges: String,
    pub registered_on: Date,
    pub version: i64,
    pub changed_by: String,
}

impl From<CommitmentView> for CommitmentRecord {
    fn from(c: CommitmentView) -> CommitmentRecord {
        CommitmentRecord {
            id: c.id,
            subject_id: c.subject,
            holder: c.holder.to_owned(),
            holder_id: c.holder_id,
            for_year: c.for_year,
            target_level: c.target_level,
            target_level_name: c.target_level_name,
            pledges: c.pledges,
            registered_on: c.registered_on,
            version: c.version,
            changed_by: c.by,
        }
    }
}

/// The subject's commitments: the one registered this year for next year, and last year's for
/// this year (shown beside the result).
#[derive(Debug, Serialize, ToSchema)]
pub struct Commitments {
    pub registered: Option<CommitmentRecord>,
    pub last_year: Option<CommitmentRecord>,
}

/// A commitment to register (`version` 0) or change (the version read).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentBody {
    #[serde(default)]
    pub version: i64,
    /// The level aimed at next year (`HTXSNV` …).
    pub target_level: String,
    /// What the member pledges (required for a member).
    #[serde(default)]
    pub pledges: String,
    /// Today when left out.
    #[serde(default)]
    pub registered_on: Option<Date>,
}

/// The subject's commitment for next year and last year's for this year.
#[utoipa::path(get, path = "/subjects/{id}/commitment", tag = "after", operation_id = "get_commitment",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = Commitments), (status = 404, body = ErrorBody)))]
async fn get_commitment(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Commitments>> {
    let registered = state.app().commitment(&actor, id).await?;
    let last_year = state.app().last_commitment(&actor, id).await?;
    Ok(Json(Commitments {
        registered: registered.map(Into::into),
        last_year: last_year.map(Into::into),
    }))
}

/// Registers or changes the commitment for the year after the subject's plan, once the subject
/// has been reviewed (`out_of_order` before). A member's pledges are required; the level is read
/// in next year's vocabulary.
#[utoipa::path(put, path = "/subjects/{id}/commitment", tag = "after", operation_id = "register_commitment",
    params(("id" = Uuid, Path, description = "The subject's id")),
    request_body = CommitmentBody,
    responses((status = 200, body = CommitmentRecord), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn register_commitment(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CommitmentBody>,
) -> ApiResult<Json<CommitmentRecord>> {
    let saved = state
        .app()
        .register_commitment(
            &actor,
            id,
            CommitmentInput {
                version: body.version,
                target_level: body.target_level,
                pledges: body.pledges,
                registered_on: body.registered_on,
            },
        )
        .await?;
    Ok(Json(saved.into()))
}
