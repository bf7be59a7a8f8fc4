//! `/api/v1/health`: whether the server is up and reaches its database. The one route that
//! needs no acting user, so that load balancers and monitors can call it.

use crate::ApiState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::directory::Backend;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(health))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    #[schema(example = "ok")]
    pub status: String,
    /// `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub database: String,
    /// The server's version.
    #[schema(example = "0.1.0")]
    pub version: String,
}

/// The server is up and its database answers.
#[utoipa::path(get, path = "/health", tag = "health", operation_id = "health",
    security(()),
    responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
async fn health(State(state): State<ApiState>) -> ApiResult<Json<Health>> {
    let backend = match state.app().health().await {
        Ok(backend) => backend,
        Err(error) => {
            tracing::warn!(%error, "health check: database unreachable");
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "máy chủ không kết nối được cơ sở dữ liệu",
            ));
        }
    };
    Ok(Json(Health {
        status: "ok".to_string(),
        database: match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
        .to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    }))
}
