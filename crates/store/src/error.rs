//! The store's one error type, [`StoreError`], and the single place where database errors are
//! classified: constraint names become field errors, serialisation failures become retryable.
//!
//! Messages are Vietnamese because they reach the person at the keyboard; the app layer maps
//! variants to HTTP statuses and must not parse the text.

use std::borrow::Cow;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "địa chỉ cơ sở dữ liệu không hợp lệ «{0}»: hãy dùng sqlite://đường/dẫn.db hoặc postgres://…"
    )]
    BadUrl(String),
    #[error("không tìm thấy {what} «{key}»")]
    NotFound { what: &'static str, key: String },
    /// A unique constraint refused the write; `field` names the input field (e.g. `member_code`).
    #[error("{} đã tồn tại", field_name_vi(.field))]
    Duplicate { field: &'static str },
    /// A foreign key or check constraint refused the write.
    #[error("dữ liệu không hợp lệ ({constraint}): {message}")]
    Constraint { constraint: String, message: String },
    /// A domain rule of the store refused the change; the message says what to fix.
    #[error("{0}")]
    Invalid(String),
    /// The transaction lost a race (SQLSTATE 40001, deadlock, SQLite busy): run it again.
    #[error("xung đột ghi đồng thời, hãy thử lại: {0}")]
    Retryable(#[source] sqlx::Error),
    /// No connection of the pool came free in time: the server has more work than it can do.
    #[error("không có kết nối cơ sở dữ liệu rảnh: {0}")]
    Overloaded(#[source] sqlx::Error),
    #[error("giao dịch chỉ đọc không được phép ghi")]
    ReadOnly,
    #[error("dữ liệu trong cơ sở dữ liệu không hợp lệ: {0}")]
    Corrupt(String),
    #[error("không áp dụng được lược đồ cơ sở dữ liệu: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(#[source] sqlx::Error),
    #[error("không đọc/ghi được tệp «{path}»: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    /// Whether running the whole transaction again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Retryable(_))
    }

    pub(crate) fn invalid(message: impl Into<String>) -> StoreError {
        StoreError::Invalid(message.into())
    }

    pub(crate) fn not_found(what: &'static str, key: impl std::fmt::Display) -> StoreError {
        StoreError::NotFound {
            what,
            key: key.to_string(),
        }
    }

    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

/// Unique constraints and the input field each protects: (PostgreSQL constraint name,
/// SQLite's `table.column` in "UNIQUE constraint failed: …", field).
const UNIQUE_FIELDS: &[(&str, &str, &str)] = &[
    ("orgs_code_key", "orgs.code", "org_code"),
    ("members_code_key", "members.code", "member_code"),
    (
        "collectives_code_key",
        "collectives.code",
        "collective_code",
    ),
    ("accounts_login_key", "accounts.login", "login"),
    (
        "accounts_member_key",
        "accounts.member_id",
        "account_member",
    ),
];

fn field_name_vi(field: &str) -> &'static str {
    match field {
        "org_code" => "Mã tổ chức",
        "member_code" => "Số thẻ đảng viên",
        "collective_code" => "Mã tập thể",
        "login" => "Tên đăng nhập",
        "account_member" => "Tài khoản của đảng viên này",
        _ => "Giá trị",
    }
}

/// SQLSTATEs (PostgreSQL) and primary result codes (SQLite) worth a retry.
fn is_retryable_code(code: &str) -> bool {
    matches!(code, "40001" | "40P01") || {
        // SQLite reports extended result codes; the primary code is the low byte.
        code.parse::<i32>()
            .is_ok_and(|n| matches!(n & 0xff, 5 /* BUSY */ | 6 /* LOCKED */))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        if matches!(error, sqlx::Error::PoolTimedOut) {
            return StoreError::Overloaded(error);
        }
        let Some(db) = error.as_database_error() else {
            return StoreError::Database(error);
        };
        let code: Cow<'_, str> = db.code().unwrap_or(Cow::Borrowed(""));
        if is_retryable_code(&code) {
            return StoreError::Retryable(error);
        }
        let message = db.message().to_string();
        if db.is_unique_violation() {
            for (pg_name, sqlite_columns, field) in UNIQUE_FIELDS {
                if db.constraint() == Some(pg_name) || message.contains(sqlite_columns) {
                    return StoreError::Duplicate { field };
                }
            }
        }
        if db.is_foreign_key_violation() || db.is_check_violation() {
            let constraint = db.constraint().unwrap_or_default().to_string();
            return StoreError::Constraint {
                constraint,
                message,
            };
        }
        StoreError::Database(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_codes() {
        assert!(is_retryable_code("40001"));
        assert!(is_retryable_code("40P01"));
        assert!(is_retryable_code("5"));
        assert!(is_retryable_code("517")); // SQLITE_BUSY_SNAPSHOT
        assert!(!is_retryable_code("23505"));
        assert!(!is_retryable_code("19"));
        assert!(!is_retryable_code(""));
    }
}
