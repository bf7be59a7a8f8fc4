//! The acting user of a request: [`Acting`] reads it from the `X-Kiemdiem-User` header (a login,
//! UTF-8, NFC-normalised) and, for a party member acting as such (voting), from
//! `X-Kiemdiem-Member` (the member's id or card number). A request without a user is refused
//! with 401 `actor_required`.
//!
//! This is the only place that knows where the actor comes from: the accounts issue replaces
//! the headers with a session here, and handlers keep taking `Acting`. Whether the actor may do
//! what they ask is decided in the app (`kiemdiem_app::authorize`), never here.

use crate::ApiState;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use kiemdiem_app::Actor;
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// The header naming the acting user.
pub const USER_HEADER: &str = "x-kiemdiem-user";
/// The header naming the party member the acting user is (id or card number).
pub const MEMBER_HEADER: &str = "x-kiemdiem-member";
/// The security scheme's name in the OpenAPI document.
pub const SECURITY_SCHEME: &str = "acting_user";

const MAX_USER_CHARS: usize = 200;

/// The acting user of the request.
#[derive(Debug, Clone)]
pub struct Acting(pub Actor);

impl FromRequestParts<ApiState> for Acting {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ApiState,
    ) -> Result<Self, Self::Rejection> {
        let user = header_text(&parts.headers, USER_HEADER)?.ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "actor_required",
                "chưa xác định người thực hiện: hãy gửi tên đăng nhập trong tiêu đề X-Kiemdiem-User",
            )
            .with_field("X-Kiemdiem-User")
        })?;
        if user.chars().count() > MAX_USER_CHARS || user.chars().any(char::is_control) {
            return Err(invalid_actor(
                "X-Kiemdiem-User",
                "tên người thực hiện không hợp lệ (quá dài hoặc chứa ký tự điều khiển)",
            ));
        }
        let actor = match header_text(&parts.headers, MEMBER_HEADER)? {
            None => Actor::new(&user),
            Some(member) => Actor::member(&user, member_id(state, &member).await?),
        };
        Ok(Acting(actor))
    }
}

/// A header's value as trimmed NFC text; `None` when absent or blank.
fn header_text(headers: &HeaderMap, name: &'static str) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(value.as_bytes()).map_err(|_| {
        invalid_actor(
            display_name(name),
            "tiêu đề phải là văn bản UTF-8 (nếu công cụ không gửi được, hãy dùng mã ASCII)",
        )
    })?;
    let text: String = text.trim().nfc().collect();
    Ok((!text.is_empty()).then_some(text))
}

/// The member the request names: a UUID as is, else a card number looked up in the store.
async fn member_id(state: &ApiState, text: &str) -> Result<Uuid, ApiError> {
    if let Ok(id) = Uuid::parse_str(text) {
        return Ok(id);
    }
    let mut tx = state.store().read().await?;
    let id = tx.member_id_by_code(text).await?;
    tx.rollback().await?;
    id.ok_or_else(|| {
        invalid_actor(
            "X-Kiemdiem-Member",
            format!("không tìm thấy đảng viên «{text}» nêu trong tiêu đề X-Kiemdiem-Member"),
        )
    })
}

fn invalid_actor(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "actor_invalid", message).with_field(field)
}

fn display_name(name: &str) -> &'static str {
    if name == MEMBER_HEADER {
        "X-Kiemdiem-Member"
    } else {
        "X-Kiemdiem-User"
    }
}

/// The user named by the request, for the request's log line (empty when absent).
pub fn user_for_log(headers: &HeaderMap) -> String {
    headers
        .get(USER_HEADER)
        .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
        .map(|s| s.trim().chars().take(MAX_USER_CHARS).collect())
        .unwrap_or_default()
}
