//! The edge of the server: the request body limit, the request timeout, the security headers
//! every answer carries, cross-origin access (none unless configured), and the per-client rate
//! limits on signing in (per client address) and casting ballot papers (per account).
//!
//! The rate limiters live in this process: they slow a flood down. What must hold across
//! servers — failed sign-ins and lock-outs — is counted in the database by the app.

use crate::WebConfig;
use crate::error::ApiError;
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

/// A rate: a burst at once, then `per_second`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub per_second: u32,
}

impl Rate {
    fn quota(self) -> Quota {
        let per_second = NonZeroU32::new(self.per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(self.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Quota::per_second(per_second).allow_burst(burst)
    }
}

/// The in-process rate limiters.
pub struct Limiters {
    sign_in: DefaultKeyedRateLimiter<String>,
    cast: DefaultKeyedRateLimiter<String>,
}

impl std::fmt::Debug for Limiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiters").finish_non_exhaustive()
    }
}

impl Limiters {
    pub fn new(config: &WebConfig) -> Limiters {
        Limiters {
            sign_in: RateLimiter::keyed(config.sign_in_rate.quota()),
            cast: RateLimiter::keyed(config.cast_rate.quota()),
        }
    }

    /// One sign-in attempt from `client`; `429` past the rate.
    pub fn sign_in(&self, client: &str) -> Result<(), ApiError> {
        check(&self.sign_in, client.to_string(), "đăng nhập")
    }

    /// One ballot paper from `account`; `429` past the rate.
    pub fn cast(&self, account: &str) -> Result<(), ApiError> {
        check(&self.cast, account.to_string(), "gửi phiếu bầu")
    }

    /// Forgets keys that have been idle long enough to be full again (bounded memory).
    pub fn shrink(&self) {
        self.sign_in.retain_recent();
        self.cast.retain_recent();
    }
}

fn check(
    limiter: &DefaultKeyedRateLimiter<String>,
    key: String,
    what: &str,
) -> Result<(), ApiError> {
    if limiter.len() > 100_000 {
        limiter.retain_recent();
    }
    limiter.check_key(&key).map_err(|_| {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("quá nhiều yêu cầu {what} trong thời gian ngắn: xin đợi vài giây rồi thử lại"),
        )
        .with_details(serde_json::json!({ "retry_after_seconds": 1 }))
    })
}

/// The client address of a request (the peer of the connection), as text.
pub fn client_address(request_extensions: &axum::http::Extensions) -> String {
    request_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|| "không rõ".to_string())
}

/// The content security policy of every answer: nothing from another host, no inline script.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Adds the edge's limits and headers to `router`.
pub fn edge(router: Router, config: &WebConfig) -> Router {
    let timeout = config.request_timeout;
    let mut router = router
        .layer(axum::middleware::from_fn(
            move |request: Request, next: Next| with_timeout(request, next, timeout),
        ))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(header_layer(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ));
    if config.hsts {
        router = router.layer(header_layer(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        ));
    }
    let origins: Vec<HeaderValue> = config
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
        .collect();
    if !origins.is_empty() {
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
                .allow_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    header::IF_MATCH,
                ]),
        );
    }
    router
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

async fn with_timeout(request: Request, next: Next, limit: Duration) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "yêu cầu chạy quá {} giây nên đã bị dừng: hãy xem lại kết quả trước khi gửi lại",
                limit.as_secs()
            ),
        )
        .into_response(),
    }
}
