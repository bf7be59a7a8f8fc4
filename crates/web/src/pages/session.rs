//! Who is looking at a page: [`Viewer`] reads the session cookie and checks it with the app;
//! without a live session a page redirects to the sign-in page (and back afterwards). A form
//! that changes something carries the session's synchronizer token in its hidden `_csrf` field
//! (or, from htmx, in the `X-Kiemdiem-CSRF` header) and must come from this site.

use crate::ApiState;
use crate::actor::{CSRF_HEADER, check_same_site, is_unsafe, session_cookie};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use kiemdiem_app::{Actor, ErrorKind};

/// The signed-in person looking at a page.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    /// The account's name as shown.
    pub display_name: String,
    /// The session's synchronizer token, put in every form.
    pub csrf: String,
    /// The CSRF token sent in the `X-Kiemdiem-CSRF` header (htmx requests), if any.
    header_csrf: Option<String>,
    /// The path and query asked for (to come back after signing in again).
    pub path: String,
}

impl Viewer {
    /// Whether a form's `_csrf` field (or the htmx header) carries this session's token.
    pub fn csrf_ok(&self, field: Option<&str>) -> bool {
        let sent = field.or(self.header_csrf.as_deref());
        sent == Some(self.csrf.as_str())
    }
}

/// Why there is no viewer: redirect to the sign-in page, or refuse a cross-site form.
#[derive(Debug)]
pub enum NoViewer {
    SignIn(String),
    CrossSite,
    /// The session could not be checked (the database busy, a fault): the error page, not the
    /// sign-in page — signing in again would not help.
    Failed(kiemdiem_app::AppError),
}

impl IntoResponse for NoViewer {
    fn into_response(self) -> Response {
        match self {
            NoViewer::SignIn(next) => {
                let target = format!("/dang-nhap?tiep={}", encode(&next));
                Redirect::to(&target).into_response()
            }
            NoViewer::CrossSite => super::refusal_response(
                axum::http::StatusCode::FORBIDDEN,
                kiemdiem_pages::tk("error.cross_site"),
            ),
            NoViewer::Failed(error) => super::error_page(None, &error),
        }
    }
}

impl FromRequestParts<ApiState> for Viewer {
    type Rejection = NoViewer;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ApiState,
    ) -> Result<Self, Self::Rejection> {
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".to_string());
        if is_unsafe(&parts.method) && check_same_site(&parts.headers).is_err() {
            return Err(NoViewer::CrossSite);
        }
        let Some(token) = session_cookie(&parts.headers) else {
            return Err(NoViewer::SignIn(path));
        };
        let session =
            state
                .app()
                .authenticate_session(&token)
                .await
                .map_err(|error| match error.kind() {
                    ErrorKind::Unavailable | ErrorKind::Internal => NoViewer::Failed(error),
                    _ => NoViewer::SignIn(path.clone()),
                })?;
        let header_csrf = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(Viewer {
            actor: session.actor,
            display_name: session.display_name,
            csrf: session.csrf_token,
            header_csrf,
            path,
        })
    }
}

/// Percent-encodes a path for a query parameter.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A local path to come back to after signing in (never another site).
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        "/".to_string()
    }
}
