//! Who is asking: [`Acting`] turns the request's credentials into the app's actor, and refuses
//! (`401`) a request that carries none that hold. Credentials, in order:
//!
//! 1. `Authorization: Bearer kdt_…` — an API token of a program (no CSRF: a browser never
//!    sends it on its own);
//! 2. the session cookie [`SESSION_COOKIE`] — a person signed in from a browser; an unsafe
//!    request (POST, PUT, PATCH, DELETE) must then also carry the session's synchronizer token
//!    in [`CSRF_HEADER`] and must not come from another site (`Origin`, `Sec-Fetch-Site`);
//! 3. only when the server was started in development mode (it says so at start, loudly): the
//!    `X-Kiemdiem-User` header names a trusted user, and `X-Kiemdiem-Member` the member they
//!    vote as. Without that mode the headers are refused.
//!
//! Whether the actor may do what they ask is decided in the app (`App::authorize`), never here.

use crate::ApiState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use kiemdiem_app::Actor;
use unicode_normalization::UnicodeNormalization;

/// The cookie carrying a browser session's secret.
pub const SESSION_COOKIE: &str = "kiemdiem_session";
/// The header an unsafe request made with a session cookie carries its synchronizer token in.
pub const CSRF_HEADER: &str = "x-kiemdiem-csrf";
/// Development mode only: the header naming the acting user.
pub const USER_HEADER: &str = "x-kiemdiem-user";
/// Development mode only: the header naming the party member the acting user is.
pub const MEMBER_HEADER: &str = "x-kiemdiem-member";
/// The security schemes' names in the OpenAPI document.
pub const SESSION_SCHEME: &str = "session";
pub const TOKEN_SCHEME: &str = "token";

const MAX_USER_CHARS: usize = 200;

/// The acting user of the request.
#[derive(Debug, Clone)]
pub struct Acting(pub Actor);

/// The credential a request presented, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presented {
    Token(String),
    Session(String),
    DevHeader(String),
    Nothing,
}

impl Presented {
    /// Reads the request's credential (bearer token first, then the session cookie, then — in
    /// development mode — the user header).
    pub fn from_headers(headers: &HeaderMap, dev_headers: bool) -> Result<Presented, ApiError> {
        if let Some(value) = headers.get(header::AUTHORIZATION) {
            let text = value.to_str().unwrap_or_default().trim();
            return match text.strip_prefix("Bearer ").map(str::trim) {
                Some(token) if !token.is_empty() => Ok(Presented::Token(token.to_string())),
                _ => Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "tiêu đề Authorization phải có dạng «Bearer <khóa truy cập>»",
                )
                .with_field("Authorization")),
            };
        }
        if let Some(token) = session_cookie(headers) {
            return Ok(Presented::Session(token));
        }
        match header_text(headers, USER_HEADER)? {
            Some(user) if dev_headers => Ok(Presented::DevHeader(user)),
            Some(_) => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "máy chủ không nhận tiêu đề X-Kiemdiem-User (chỉ dùng khi chạy ở chế độ phát triển): hãy đăng nhập hoặc dùng khóa truy cập",
            )
            .with_field("X-Kiemdiem-User")),
            None => Ok(Presented::Nothing),
        }
    }
}

impl FromRequestParts<ApiState> for Acting {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ApiState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(acting) = parts.extensions.get::<Acting>() {
            return Ok(acting.clone());
        }
        let app = state.app();
        let actor = match Presented::from_headers(&parts.headers, state.config().dev_headers)? {
            Presented::Token(token) => app.authenticate_token(&token).await?,
            Presented::Session(token) => {
                let session = app.authenticate_session(&token).await?;
                if is_unsafe(&parts.method) {
                    check_same_site(&parts.headers)?;
                    let sent = header_text(&parts.headers, CSRF_HEADER)?;
                    if sent.as_deref() != Some(session.csrf_token.as_str()) {
                        return Err(ApiError::new(
                            StatusCode::FORBIDDEN,
                            "csrf_failed",
                            "yêu cầu thiếu hoặc sai mã chống giả mạo (tiêu đề X-Kiemdiem-CSRF): hãy tải lại trang rồi làm lại",
                        )
                        .with_field("X-Kiemdiem-CSRF"));
                    }
                }
                session.actor
            }
            Presented::DevHeader(user) => {
                if user.chars().count() > MAX_USER_CHARS || user.chars().any(char::is_control) {
                    return Err(ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        "actor_invalid",
                        "tên người thực hiện không hợp lệ (quá dài hoặc chứa ký tự điều khiển)",
                    )
                    .with_field("X-Kiemdiem-User"));
                }
                match header_text(&parts.headers, MEMBER_HEADER)? {
                    None => Actor::trusted(&user),
                    Some(member) => {
                        let trusted = Actor::trusted(&user);
                        let id = app
                            .member_id(&trusted, &member, "X-Kiemdiem-Member")
                            .await
                            .map_err(|_| {
                                ApiError::new(
                                    StatusCode::UNAUTHORIZED,
                                    "actor_invalid",
                                    format!("không tìm thấy đảng viên «{member}» nêu trong tiêu đề X-Kiemdiem-Member"),
                                )
                                .with_field("X-Kiemdiem-Member")
                            })?;
                        Actor::trusted_member(&user, id)
                    }
                }
            }
            Presented::Nothing => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "chưa đăng nhập: hãy đăng nhập (POST /api/v1/session) hoặc gửi khóa truy cập trong tiêu đề Authorization",
                ));
            }
        };
        let acting = Acting(actor);
        parts.extensions.insert(acting.clone());
        Ok(acting)
    }
}

/// Whether the method changes something (and so needs the CSRF check with a cookie).
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a request sent by another site's page (`Sec-Fetch-Site: cross-site`, or an `Origin`
/// whose host is not this server's).
pub fn check_same_site(headers: &HeaderMap) -> Result<(), ApiError> {
    let cross_site = || {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_site",
            "yêu cầu gửi từ một trang web khác bị từ chối",
        )
    };
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site.eq_ignore_ascii_case("cross-site"))
    {
        return Err(cross_site());
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
        && origin != "null"
    {
        let origin_host = origin
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(origin);
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !origin_host.eq_ignore_ascii_case(host) {
            return Err(cross_site());
        }
    }
    Ok(())
}

/// The session secret in the request's cookies, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_string())
        .filter(|value| !value.is_empty())
}

/// A header's value as trimmed NFC text; `None` when absent or blank.
fn header_text(headers: &HeaderMap, name: &'static str) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(value.as_bytes()).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_header",
            "tiêu đề phải là văn bản UTF-8",
        )
        .with_field(display_name(name))
    })?;
    let text: String = text.trim().nfc().collect();
    Ok((!text.is_empty()).then_some(text))
}

fn display_name(name: &str) -> &'static str {
    match name {
        MEMBER_HEADER => "X-Kiemdiem-Member",
        USER_HEADER => "X-Kiemdiem-User",
        CSRF_HEADER => "X-Kiemdiem-CSRF",
        _ => "header",
    }
}

/// Who the request says it is, for the request's log line: the development user header, or
/// which kind of credential was presented (never a secret).
pub fn user_for_log(headers: &HeaderMap) -> String {
    if headers.contains_key(header::AUTHORIZATION) {
        return "token".to_string();
    }
    if session_cookie(headers).is_some() {
        return "session".to_string();
    }
    headers
        .get(USER_HEADER)
        .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
        .map(|s| s.trim().chars().take(MAX_USER_CHARS).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; kiemdiem_session=abc123; lang=vi"),
        );
        assert_eq!(session_cookie(&headers).as_deref(), Some("abc123"));
        assert_eq!(
            Presented::from_headers(&headers, false).unwrap(),
            Presented::Session("abc123".into())
        );
    }

    #[test]
    fn the_user_header_is_refused_outside_development_mode() {
        let mut headers = HeaderMap::new();
        headers.insert(USER_HEADER, HeaderValue::from_static("bithu"));
        assert_eq!(
            Presented::from_headers(&headers, false)
                .unwrap_err()
                .status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            Presented::from_headers(&headers, true).unwrap(),
            Presented::DevHeader("bithu".into())
        );
    }

    #[test]
    fn another_sites_origin_is_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::HOST,
            HeaderValue::from_static("kiemdiem.example:8080"),
        );
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://kiemdiem.example:8080"),
        );
        assert!(check_same_site(&headers).is_ok());
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert_eq!(check_same_site(&headers).unwrap_err().code(), "cross_site");
    }
}
