//! # kiemdiem-web
//!
//! The HTTP face of kiemdiem: a versioned JSON API under `/api/v1/…` and its OpenAPI document at
//! `/api/openapi.json`. Handlers are thin: they extract and check the request (the acting user,
//! the JSON body, the query), call the store's queries or the app's use cases, and shape the
//! answer. No rule of the cycle and no SQL lives here; errors of the layers below become HTTP
//! statuses in one place ([`error`]).
//!
//! Every route is registered through [`utoipa_axum::router::OpenApiRouter::routes`], which adds
//! the handler to the router and its description to the OpenAPI document at once: the document
//! cannot list a route the server does not serve, nor miss one it does.

pub mod actor;
pub mod api;
pub mod error;
pub mod extract;
pub mod openapi;

use axum::Router;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use kiemdiem_app::App;
use kiemdiem_store::Store;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use error::{ApiError, ApiResult};

/// What every handler can reach: the app's use cases and, for plain reads of the tree and the
/// people, the store under it.
#[derive(Debug, Clone)]
pub struct ApiState {
    app: Arc<App>,
}

impl ApiState {
    pub fn new(app: App) -> ApiState {
        ApiState { app: Arc::new(app) }
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    pub fn store(&self) -> &Store {
        self.app.store()
    }

    /// The day a query describes when it names none: the app's today.
    pub fn today(&self) -> time::Date {
        self.app.today()
    }
}

/// The whole HTTP application: the API, the OpenAPI document, JSON answers for unknown routes
/// and methods, request tracing, and a JSON 500 (with a reference id) if a handler panics.
pub fn router(state: ApiState) -> Router {
    let (api, document) = openapi::api_router().split_for_parts();
    let document = Arc::new(openapi::finish(document));
    api.with_state(state)
        .route(
            openapi::DOCUMENT_PATH,
            axum::routing::get(move || {
                let document = Arc::clone(&document);
                async move { axum::Json(document.as_ref().clone()) }
            }),
        )
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        user = actor::user_for_log(request.headers()),
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
}

async fn route_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route_not_found",
        "không có địa chỉ này trong API; xem danh sách tại /api/openapi.json",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "địa chỉ này không nhận phương thức HTTP đã dùng; xem /api/openapi.json",
    )
}

fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(không rõ)");
    let error = std::io::Error::other(format!("handler panicked: {detail}"));
    ApiError::internal(&error).into_response()
}

/// Serves `router(state)` on `listener` until `shutdown` completes, then lets the requests in
/// flight finish.
pub async fn serve(
    listener: TcpListener,
    state: ApiState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
