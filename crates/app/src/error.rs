//! The app layer's one error type, [`AppError`]: a stable machine code ([`ErrorCode`]), a
//! Vietnamese message for the person at the keyboard, the input field concerned (if any) and the
//! rules that refused (each a [`Citation`] from the rules crate).
//!
//! The web layer maps [`ErrorKind`] (never the message text) to an HTTP status in one place.
//! Store errors are classified here, once: not-found and constraint errors become user errors,
//! everything unexpected becomes `internal` and is logged with its cause.

use kiemdiem_rules::Citation;
use kiemdiem_store::StoreError;
use serde::Serialize;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The stable machine code of an error; part of the public API (`code()` is its text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The record asked for does not exist (or is not visible to the actor).
    NotFound,
    /// The input is malformed or inconsistent; `field` names what to fix.
    Invalid,
    /// The record changed since the caller read it (optimistic versioning).
    StaleVersion,
    /// A rule of the pinned rule book refuses the action; `citations` name the rules.
    RuleRefused,
    /// A step that must come first is not done (kiểm điểm tập thể trước …).
    OutOfOrder,
    /// The HTXSNV quota of the group would be exceeded.
    QuotaExceeded,
    /// The voter has already cast a ballot paper in this ballot.
    AlreadyVoted,
    /// The person is not entitled to do this (e.g. a probationary member voting).
    NotEntitled,
    /// The action conflicts with the current state (ballot closed, plan already opened …).
    Conflict,
    /// No acting user was given.
    Unauthenticated,
    /// The acting user may not act on this scope.
    Forbidden,
    /// The login or the password is wrong (never says which).
    InvalidCredentials,
    /// The session or token is unknown, expired or revoked: sign in again.
    SessionExpired,
    /// The account signed in with a one-time password that must be changed first.
    PasswordChangeRequired,
    /// Too many failed sign-ins for the account or from the client: wait and try again.
    TooManyAttempts,
    /// The database is busy after several retries; trying again later may succeed.
    Busy,
    /// A bug or an unexpected database failure; details are in the server log.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::Invalid => "invalid",
            ErrorCode::StaleVersion => "stale_version",
            ErrorCode::RuleRefused => "rule_refused",
            ErrorCode::OutOfOrder => "out_of_order",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::AlreadyVoted => "already_voted",
            ErrorCode::NotEntitled => "not_entitled",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::PasswordChangeRequired => "password_change_required",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::Busy => "busy",
            ErrorCode::Internal => "internal",
        }
    }

    /// The family of the error, for the one place that maps errors to a protocol status.
    pub fn kind(self) -> ErrorKind {
        match self {
            ErrorCode::NotFound => ErrorKind::NotFound,
            ErrorCode::Invalid => ErrorKind::BadInput,
            ErrorCode::StaleVersion | ErrorCode::AlreadyVoted | ErrorCode::Conflict => {
                ErrorKind::Conflict
            }
            ErrorCode::RuleRefused | ErrorCode::OutOfOrder | ErrorCode::QuotaExceeded => {
                ErrorKind::Refused
            }
            ErrorCode::NotEntitled | ErrorCode::Forbidden | ErrorCode::PasswordChangeRequired => {
                ErrorKind::Forbidden
            }
            ErrorCode::Unauthenticated
            | ErrorCode::InvalidCredentials
            | ErrorCode::SessionExpired => ErrorKind::Unauthenticated,
            ErrorCode::TooManyAttempts => ErrorKind::TooManyRequests,
            ErrorCode::Busy => ErrorKind::Unavailable,
            ErrorCode::Internal => ErrorKind::Internal,
        }
    }
}

/// Families of errors. Suggested HTTP statuses: `NotFound` 404, `BadInput` 400, `Conflict` 409,
/// `Refused` 422, `Forbidden` 403, `Unauthenticated` 401, `TooManyRequests` 429,
/// `Unavailable` 503, `Internal` 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    NotFound,
    BadInput,
    Conflict,
    Refused,
    Forbidden,
    Unauthenticated,
    TooManyRequests,
    Unavailable,
    Internal,
}

/// An error of a use case (boxed: results stay small on the happy path).
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.message)]
pub struct AppError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    code: ErrorCode,
    message: String,
    field: Option<String>,
    citations: Vec<Citation>,
    /// Structured details for the client (e.g. the quota position, the missing predecessors).
    details: Option<serde_json::Value>,
    source: Option<StoreError>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> AppError {
        AppError(Box::new(Inner {
            code,
            message: message.into(),
            field: None,
            citations: Vec::new(),
            details: None,
            source: None,
        }))
    }

    pub fn not_found(what: &str, key: impl std::fmt::Display) -> AppError {
        AppError::new(
            ErrorCode::NotFound,
            format!("Không tìm thấy {what} «{key}»"),
        )
    }

    /// Bad input, naming the field to fix.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::new(ErrorCode::Invalid, message).with_field(field)
    }

    /// A stale write: `what` changed since version `expected` was read.
    pub fn stale(what: &str, expected: i64) -> AppError {
        AppError::new(
            ErrorCode::StaleVersion,
            format!(
                "{what} đã được người khác sửa sau khi bạn mở (phiên bản {expected}): hãy tải lại để xem thay đổi rồi làm lại"
            ),
        )
    }

    /// A refusal by one or more rules.
    pub fn rule(message: impl Into<String>, citations: Vec<Citation>) -> AppError {
        AppError::new(ErrorCode::RuleRefused, message).with_citations(citations)
    }

    pub fn conflict(message: impl Into<String>) -> AppError {
        AppError::new(ErrorCode::Conflict, message)
    }

    pub fn internal(message: impl Into<String>) -> AppError {
        AppError::new(ErrorCode::Internal, message)
    }

    /// The same error with another message (a more precise sentence for the same code).
    pub fn with_message(mut self, message: impl Into<String>) -> AppError {
        self.0.message = message.into();
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> AppError {
        self.0.field = Some(field.into());
        self
    }

    /// The same error with its field, if any, placed under `prefix` (`correction.level`).
    pub fn under_field(mut self, prefix: &str) -> AppError {
        if let Some(field) = self.0.field.take() {
            self.0.field = Some(format!("{prefix}.{field}"));
        }
        self
    }

    pub fn with_citation(mut self, citation: Citation) -> AppError {
        self.0.citations.push(citation);
        self
    }

    pub fn with_citations(mut self, citations: Vec<Citation>) -> AppError {
        self.0.citations.extend(citations);
        self
    }

    pub fn with_details(mut self, details: impl Serialize) -> AppError {
        self.0.details = serde_json::to_value(details).ok();
        self
    }

    /// The stable machine code (`not_found`, `stale_version`, `quota_exceeded` …).
    pub fn code(&self) -> &'static str {
        self.0.code.as_str()
    }

    pub fn error_code(&self) -> ErrorCode {
        self.0.code
    }

    /// The family the web layer maps to a status.
    pub fn kind(&self) -> ErrorKind {
        self.0.code.kind()
    }

    /// The Vietnamese message, fit to show as it is.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The input field concerned, as named in the request (`levels.HTXSNV`, `date` …).
    pub fn field(&self) -> Option<&str> {
        self.0.field.as_deref()
    }

    /// The first rule cited, if any.
    pub fn citation(&self) -> Option<&Citation> {
        self.0.citations.first()
    }

    /// Every rule cited.
    pub fn citations(&self) -> &[Citation] {
        &self.0.citations
    }

    pub fn details(&self) -> Option<&serde_json::Value> {
        self.0.details.as_ref()
    }

    /// The body a JSON API returns for this error.
    /// The store error behind this one, if any (for logs).
    pub fn store_error(&self) -> Option<&StoreError> {
        self.0.source.as_ref()
    }

    pub fn body(&self) -> ErrorBody<'_> {
        ErrorBody {
            code: self.code(),
            message: &self.0.message,
            field: self.0.field.as_deref(),
            citations: &self.0.citations,
            details: self.0.details.as_ref(),
        }
    }
}

/// The serialisable view of an [`AppError`].
#[derive(Debug, Serialize)]
pub struct ErrorBody<'a> {
    pub code: &'static str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'a str>,
    #[serde(skip_serializing_if = "<[Citation]>::is_empty")]
    pub citations: &'a [Citation],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<&'a serde_json::Value>,
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        let (code, field) = match &error {
            StoreError::NotFound { .. } => (ErrorCode::NotFound, None),
            StoreError::Duplicate { field } => (ErrorCode::Conflict, Some((*field).to_owned())),
            StoreError::Constraint { .. } | StoreError::Invalid(_) | StoreError::BadValue(_) => {
                (ErrorCode::Invalid, None)
            }
            StoreError::Retryable(_) | StoreError::Overloaded(_) => (ErrorCode::Busy, None),
            StoreError::ReadOnly
            | StoreError::Corrupt(_)
            | StoreError::Migrate(_)
            | StoreError::Database(_)
            | StoreError::BadUrl(_)
            | StoreError::Io { .. } => (ErrorCode::Internal, None),
        };
        // The database's own text never reaches the caller: it is logged, and the caller reads
        // a fixed Vietnamese sentence (store messages of `NotFound`, `Duplicate` and `Invalid`
        // are the store's own Vietnamese, written for people).
        let message = match &error {
            StoreError::Constraint { .. } => {
                tracing::warn!(%error, "constraint refused a write");
                "Dữ liệu không hợp lệ: có giá trị không khớp với hồ sơ đã lưu (mã tham chiếu không tồn tại hoặc giá trị ngoài phạm vi cho phép)".to_string()
            }
            StoreError::BadValue(_) => {
                tracing::warn!(%error, "the database refused a value");
                "Dữ liệu không hợp lệ: có giá trị không lưu được (ký tự không hợp lệ trong văn bản, hoặc số, ngày ngoài phạm vi cho phép)".to_string()
            }
            StoreError::Retryable(_) => {
                tracing::debug!(%error, "retryable store error");
                "Hệ thống đang bận ghi dữ liệu khác cùng lúc; xin gửi lại yêu cầu".to_string()
            }
            StoreError::Overloaded(_) => {
                tracing::warn!(%error, "no database connection came free in time");
                "Hệ thống đang quá tải, chưa xử lý được yêu cầu; xin thử lại sau ít phút"
                    .to_string()
            }
            _ if code == ErrorCode::Internal => {
                tracing::error!(%error, "store error");
                format!("Lỗi hệ thống khi truy cập cơ sở dữ liệu: {error}")
            }
            _ => error.to_string(),
        };
        AppError(Box::new(Inner {
            code,
            message,
            field,
            citations: Vec::new(),
            details: None,
            source: Some(error),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_grouped() {
        assert_eq!(AppError::stale("Bản kiểm điểm", 3).code(), "stale_version");
        assert_eq!(
            AppError::stale("Bản kiểm điểm", 3).kind(),
            ErrorKind::Conflict
        );
        let refused = AppError::rule(
            "Vượt tỷ lệ",
            vec![Citation::new("qd366-hd43.quota", "QĐ 366-QĐ/TW Điều 11")],
        );
        assert_eq!(refused.kind(), ErrorKind::Refused);
        assert_eq!(refused.citation().unwrap().rule, "qd366-hd43.quota");
        let body = serde_json::to_value(refused.body()).unwrap();
        assert_eq!(body["code"], "rule_refused");
        assert!(body.get("field").is_none());
    }

    #[test]
    fn store_errors_are_classified_once() {
        let error = AppError::from(StoreError::Duplicate {
            field: "member_code",
        });
        assert_eq!(error.code(), "conflict");
        assert_eq!(error.field(), Some("member_code"));
        let error = AppError::from(StoreError::NotFound {
            what: "tổ chức",
            key: "X".into(),
        });
        assert_eq!(error.kind(), ErrorKind::NotFound);
    }
}
