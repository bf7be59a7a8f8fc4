//! # kiemdiem-web
//!
//! The HTTP face of kiemdiem: a versioned JSON API under `/api/v1/…` and its OpenAPI document at
//! `/api/openapi.json`. Handlers are thin: they extract and check the request (the acting user,
//! the JSON body, the query), call one of the app's use cases, and shape the answer. No rule of
//! the cycle, no SQL and no scope check lives here (the app is the only door: this crate does not
//! depend on the store); errors of the app become HTTP statuses in one place ([`error`]).
//!
//! Every route is registered through [`utoipa_axum::router::OpenApiRouter::routes`], which adds
//! the handler to the router and its description to the OpenAPI document at once: the document
//! cannot list a route the server does not serve, nor miss one it does.
//!
//! At the edge ([`router`]): a request body limit, a request timeout, security headers on every
//! answer, no cross-origin access unless configured, and per-client rate limits on signing in
//! and on casting ballot papers ([`limits`]). Connections ([`server`]): HTTP/1.1 with a cap on
//! open connections and a header-read timeout that also closes idle kept-alive connections.

pub mod actor;
pub mod api;
pub mod error;
pub mod extract;
pub mod limits;
pub mod openapi;
pub mod pages;
pub mod server;

use axum::Router;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use kiemdiem_app::App;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use error::{ApiError, ApiResult};

/// How the server behaves at the edge (the defaults are safe for production).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Development only: trust `X-Kiemdiem-User`/`X-Kiemdiem-Member` as the acting user.
    pub dev_headers: bool,
    /// Mark the session cookie `Secure` (turn off only for plain HTTP during development).
    pub secure_cookies: bool,
    /// Send `Strict-Transport-Security` (the server is reached over HTTPS).
    pub hsts: bool,
    /// Origins allowed to call the API from another site's pages (none by default).
    pub cors_origins: Vec<String>,
    /// The longest a request may take before it is answered `503 timeout`.
    pub request_timeout: std::time::Duration,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Sign-in attempts per client address: a burst, then so many a second.
    pub sign_in_rate: limits::Rate,
    /// Ballot papers per account: a burst, then so many a second.
    pub cast_rate: limits::Rate,
    /// Demo mode only: the accounts the sign-in page lists, and their shared password.
    pub demo: Option<DemoListing>,
    /// The most connections open at once; one more is closed as soon as it is accepted.
    pub max_connections: usize,
    /// How long a connection may take to send a request's head, counted from when the server
    /// starts waiting for it — on a new connection and between requests on a kept-alive one —
    /// before it is closed.
    pub header_read_timeout: std::time::Duration,
}

/// The demonstration accounts shown on the sign-in page (`kiemdiem serve --demo` only).
#[derive(Debug, Clone, Default)]
pub struct DemoListing {
    pub password: String,
    /// (login, role, place, member's name).
    pub accounts: Vec<(String, String, String, Option<String>)>,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig {
            dev_headers: false,
            secure_cookies: true,
            hsts: false,
            cors_origins: Vec::new(),
            request_timeout: std::time::Duration::from_secs(300),
            body_limit: 2 * 1024 * 1024,
            sign_in_rate: limits::Rate {
                burst: 30,
                per_second: 5,
            },
            cast_rate: limits::Rate {
                burst: 5,
                per_second: 1,
            },
            demo: None,
            max_connections: server::default_max_connections(),
            header_read_timeout: std::time::Duration::from_secs(15),
        }
    }
}

impl WebConfig {
    /// Development mode for tests: the user headers are trusted and cookies need no HTTPS.
    pub fn development() -> WebConfig {
        WebConfig {
            dev_headers: true,
            secure_cookies: false,
            ..WebConfig::default()
        }
    }
}

/// What every handler can reach: the app's use cases, the edge settings and the rate limiters.
#[derive(Debug, Clone)]
pub struct ApiState {
    app: Arc<App>,
    config: Arc<WebConfig>,
    limiters: Arc<limits::Limiters>,
    charts: Arc<pages::chart::KeptCharts>,
}

impl ApiState {
    /// The state of a production server (see [`WebConfig::default`]).
    pub fn new(app: App) -> ApiState {
        ApiState::with_config(app, WebConfig::default())
    }

    pub fn with_config(app: App, config: WebConfig) -> ApiState {
        let limiters = limits::Limiters::new(&config);
        ApiState {
            app: Arc::new(app),
            config: Arc::new(config),
            limiters: Arc::new(limiters),
            charts: Arc::default(),
        }
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    pub fn config(&self) -> &WebConfig {
        &self.config
    }

    pub fn limiters(&self) -> &limits::Limiters {
        &self.limiters
    }

    /// The charts drawn from kept plan overviews.
    pub(crate) fn charts(&self) -> &pages::chart::KeptCharts {
        &self.charts
    }

    /// The day a query describes when it names none: the app's today.
    pub fn today(&self) -> time::Date {
        self.app.today()
    }
}

/// The whole HTTP application: the API, the OpenAPI document, JSON answers for unknown routes
/// and methods, request tracing, a JSON 500 (with a reference id) if a handler panics, and the
/// edge's limits and headers.
pub fn router(state: ApiState) -> Router {
    let (api, document) = openapi::api_router().split_for_parts();
    let document = Arc::new(openapi::finish(document));
    let config = state.config().clone();
    let router = api
        .with_state(state.clone())
        .route(
            openapi::DOCUMENT_PATH,
            axum::routing::get(move || {
                let document = Arc::clone(&document);
                async move { axum::Json(document.as_ref().clone()) }
            }),
        )
        .merge(pages::routes().with_state(state.clone()))
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed);
    limits::edge(router, &config)
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

/// An unknown address: JSON under `/api`, a page anywhere else.
async fn route_not_found(uri: axum::http::Uri) -> Response {
    if !uri.path().starts_with("/api") {
        return pages::not_found_page();
    }
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route_not_found",
        "không có địa chỉ này trong API; xem danh sách tại /api/openapi.json",
    )
    .into_response()
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
    let config = state.config().clone();
    server::run(listener, router(state), &config, shutdown).await
}
