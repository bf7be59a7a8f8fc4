//! [`ApiError`]: the one error type of the HTTP layer and the ONE place where the app's errors
//! ([`AppError`]; the app has already classified the store's) become an HTTP status and a JSON
//! body:
//!
//! ```json
//! { "error": { "code": "stale_version", "message": "…", "field": "version",
//!              "rule": { "rule": "qd366.quota", "source": "QĐ 366-QĐ/TW Điều 11 khoản 4" } } }
//! ```
//!
//! `code` is stable (programs branch on it), `message` is Vietnamese (people read it). Internal
//! errors are logged with a reference id and shown only as a short message carrying that id:
//! nothing about the database or the code leaks to the caller.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kiemdiem_app::{AppError, ErrorKind};
use kiemdiem_rules::Citation;
use serde::Serialize;
use std::borrow::Cow;
use utoipa::ToSchema;
use uuid::Uuid;

/// An error answered to the caller (boxed: errors travel in `Result`s on every path).
#[derive(Debug, Clone)]
pub struct ApiError(Box<Parts>);

#[derive(Debug, Clone)]
struct Parts {
    status: StatusCode,
    code: Cow<'static, str>,
    message: String,
    field: Option<String>,
    rules: Vec<Citation>,
    details: Option<serde_json::Value>,
    reference: Option<String>,
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, for programs (`code`, `field`, `rule`) and for people (`message`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable identifier of the error, e.g. `actor_required`, `invalid_body`, `not_found`.
    #[schema(example = "not_found")]
    pub code: String,
    /// What happened and what to do, in Vietnamese.
    #[schema(example = "không tìm thấy tổ chức «TU01»")]
    pub message: String,
    /// The input concerned: a JSON path in the body (`subjects[2].level`), a query parameter or a header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The rule that refused the request, with its legal source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleRef>,
    /// Every rule that refused, when more than one did (`rule` is the first of them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleRef>,
    /// Structured facts about the refusal, e.g. the quota position of the group or the steps
    /// still missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
    /// For internal errors: the id under which the details were logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A rule as cited in a refusal.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleRef {
    /// Stable identifier of the rule.
    #[schema(example = "qd366.quota.excellent_share")]
    pub rule: String,
    /// The legal source as written in party documents.
    #[schema(example = "QĐ 366-QĐ/TW Điều 11 khoản 4")]
    pub source: String,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError(Box::new(Parts {
            status,
            code: code.into(),
            message: message.into(),
            field: None,
            rules: Vec::new(),
            details: None,
            reference: None,
        }))
    }

    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.0.field = Some(field.into());
        self
    }

    pub fn with_rule(mut self, rule: Citation) -> ApiError {
        self.0.rules.push(rule);
        self
    }

    pub fn with_details(mut self, details: serde_json::Value) -> ApiError {
        self.0.details = Some(details);
        self
    }

    /// A failure that is not the caller's: logged in full under a fresh reference id, answered
    /// with a short message carrying that id.
    pub fn internal(error: &(dyn std::error::Error + 'static)) -> ApiError {
        let reference = Uuid::now_v7().simple().to_string()[20..].to_string();
        tracing::error!(reference = %reference, error = %error, source = ?error.source(), "internal error");
        let mut error = ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!(
                "lỗi hệ thống, xin thử lại sau; nếu lỗi lặp lại, hãy báo quản trị viên mã tham chiếu {reference}"
            ),
        );
        error.0.reference = Some(reference);
        error
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn bad_query(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", message).with_field(field)
    }

    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    pub fn code(&self) -> &str {
        &self.0.code
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    pub fn rule(&self) -> Option<&Citation> {
        self.0.rules.first()
    }

    /// For internal errors: the id under which the details were logged.
    pub fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }

    fn body(&self) -> ErrorBody {
        let this = &self.0;
        let cite = |c: &Citation| RuleRef {
            rule: c.rule.clone(),
            source: c.source.clone(),
        };
        ErrorBody {
            error: ErrorDetail {
                code: this.code.to_string(),
                message: this.message.clone(),
                field: this.field.clone(),
                rule: this.rules.first().map(cite),
                rules: if this.rules.len() > 1 {
                    this.rules.iter().map(cite).collect()
                } else {
                    Vec::new()
                },
                details: this.details.clone(),
                reference: this.reference.clone(),
            },
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.0.status.as_u16(),
            self.0.code,
            self.0.message
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.0.status, axum::Json(self.body())).into_response();
        let retry_after = match self.0.status {
            StatusCode::SERVICE_UNAVAILABLE => Some(1),
            StatusCode::TOO_MANY_REQUESTS => Some(
                self.0
                    .details
                    .as_ref()
                    .and_then(|d| d.get("retry_after_seconds"))
                    .and_then(serde_json::Value::as_i64)
                    .unwrap_or(1),
            ),
            _ => None,
        };
        if let Some(seconds) = retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> ApiError {
        let status = match error.kind() {
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::BadInput | ErrorKind::Refused => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal => return ApiError::internal(&error),
        };
        let mut api = ApiError::new(status, error.code(), error.message());
        api.0.field = error.field().map(str::to_string);
        api.0.rules = error.citations().to_vec();
        api.0.details = error.details().cloned();
        api
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_details_and_carry_a_reference() {
        let error = ApiError::from(AppError::internal("bảng orgs hỏng"));
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(error.code(), "internal");
        let reference = error.reference().expect("a reference id").to_string();
        assert_eq!(reference.len(), 12);
        assert!(error.message().contains(&reference));
        assert!(!error.message().contains("orgs"));
    }

    #[test]
    fn app_errors_map_to_the_documented_statuses() {
        use kiemdiem_app::ErrorCode;
        let cases = [
            (ErrorCode::NotFound, StatusCode::NOT_FOUND),
            (ErrorCode::Invalid, StatusCode::UNPROCESSABLE_ENTITY),
            (ErrorCode::StaleVersion, StatusCode::CONFLICT),
            (ErrorCode::RuleRefused, StatusCode::UNPROCESSABLE_ENTITY),
            (ErrorCode::OutOfOrder, StatusCode::UNPROCESSABLE_ENTITY),
            (ErrorCode::QuotaExceeded, StatusCode::UNPROCESSABLE_ENTITY),
            (ErrorCode::AlreadyVoted, StatusCode::CONFLICT),
            (ErrorCode::NotEntitled, StatusCode::FORBIDDEN),
            (ErrorCode::Conflict, StatusCode::CONFLICT),
            (ErrorCode::Unauthenticated, StatusCode::UNAUTHORIZED),
            (ErrorCode::Forbidden, StatusCode::FORBIDDEN),
            (ErrorCode::InvalidCredentials, StatusCode::UNAUTHORIZED),
            (ErrorCode::SessionExpired, StatusCode::UNAUTHORIZED),
            (ErrorCode::PasswordChangeRequired, StatusCode::FORBIDDEN),
            (ErrorCode::TooManyAttempts, StatusCode::TOO_MANY_REQUESTS),
            (ErrorCode::Busy, StatusCode::SERVICE_UNAVAILABLE),
            (ErrorCode::Internal, StatusCode::INTERNAL_SERVER_ERROR),
        ];
        for (code, status) in cases {
            let app = AppError::new(code, "thông điệp")
                .with_field("level")
                .with_citation(Citation::new("qd366.quota", "QĐ 366-QĐ/TW Điều 11"));
            let api = ApiError::from(app);
            assert_eq!(api.status(), status, "{code:?}");
            if code == ErrorCode::Internal {
                assert_eq!(api.code(), "internal");
                assert!(api.reference().is_some());
                assert!(!api.message().contains("thông điệp"));
            } else {
                assert_eq!(api.code(), code.as_str());
                assert_eq!(api.message(), "thông điệp");
                assert_eq!(api.field(), Some("level"));
                assert_eq!(api.rule().map(|c| c.rule.as_str()), Some("qd366.quota"));
            }
        }
    }
}
