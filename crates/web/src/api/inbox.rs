//! `/api/v1/inbox`, `/api/v1/accounts/{login}/email` and `/api/v1/subjects/{id}/deliveries`:
//! notifications as people receive them — the signed-in account's inbox, marking one read, the
//! e-mail address notifications are also sent to, and the delivery state of a subject's
//! notifications. The app decides (`App::inbox`, `mark_read`, `set_account_email`, `deliveries`).

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::inbox::Delivery;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(my_inbox))
        .routes(routes!(read_notification))
        .routes(routes!(set_account_email))
        .routes(routes!(list_deliveries))
}

/// A notification delivered to an account, with its state.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: Uuid,
    pub notification_id: Uuid,
    pub subject_id: Uuid,
    pub message: String,
    pub login: String,
    /// `inbox` or `email`.
    pub channel: String,
    /// Inbox: `delivered`, `read`; e-mail: `pending`, `sending`, `sent`, `failed`.
    pub state: String,
    pub state_name: String,
    pub attempts: i64,
    /// The relay's answer when an e-mail was refused.
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub read_at: Option<OffsetDateTime>,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> DeliveryView {
        DeliveryView {
            id: d.id,
            notification_id: d.notification,
            subject_id: d.subject,
            message: d.message,
            login: d.login,
            channel: d.channel,
            state: d.state,
            state_name: d.state_name,
            attempts: d.attempts,
            last_error: d.last_error,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
            read_at: d.read_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub deliveries: Vec<DeliveryView>,
}

/// The e-mail address notifications are also sent to (`null` removes it).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailBody {
    pub email: Option<String>,
}

/// The signed-in account's inbox, newest first.
#[utoipa::path(get, path = "/inbox", tag = "accounts", operation_id = "my_inbox",
    responses((status = 200, body = DeliveryList)))]
async fn my_inbox(
    State(state): State<ApiState>,
    Acting(actor): Acting,
) -> ApiResult<Json<DeliveryList>> {
    let deliveries = state.app().inbox(&actor).await?;
    Ok(Json(DeliveryList {
        deliveries: deliveries.into_iter().map(DeliveryView::from).collect(),
    }))
}

/// Marks one of the account's notifications read (another's is not found).
#[utoipa::path(post, path = "/inbox/{id}/read", tag = "accounts", operation_id = "read_notification",
    params(("id" = Uuid, Path, description = "The delivery's id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn read_notification(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    state.app().mark_read(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets one's own e-mail address (or, for the board managing it, another account's).
#[utoipa::path(put, path = "/accounts/{login}/email", tag = "accounts", operation_id = "set_account_email",
    params(("login" = String, Path, description = "The account's login")),
    request_body = EmailBody,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_account_email(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(login): ApiPath<String>,
    ApiJson(body): ApiJson<EmailBody>,
) -> ApiResult<StatusCode> {
    state
        .app()
        .set_account_email(&actor, &login, body.email.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who the notifications about a subject were delivered to, and how far each got.
#[utoipa::path(get, path = "/subjects/{id}/deliveries", tag = "evaluation", operation_id = "list_deliveries",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = DeliveryList), (status = 404, body = ErrorBody)))]
async fn list_deliveries(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<DeliveryList>> {
    let deliveries = state.app().deliveries(&actor, id).await?;
    Ok(Json(DeliveryList {
        deliveries: deliveries.into_iter().map(DeliveryView::from).collect(),
    }))
}
