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
    /// The database cannot store a value as sent (a NUL character or invalid text, a number or
    /// date outside the column's range). The input's fault; the database's text is only logged.
    #[error("giá trị không lưu được vào cơ sở dữ liệu: {0}")]
    BadValue(#[source] sqlx::Error),
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

/// Which database answered: their error codes live in different spaces (a PostgreSQL SQLSTATE
/// such as `22021` is five characters; SQLite's extended result codes are integers whose low
/// byte is the primary code), so each is read by its own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Postgres,
    Sqlite,
}

/// What a database error code says about the failed statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodeClass {
    /// The transaction lost a race: running it again may succeed.
    Retryable,
    /// The value sent cannot be stored as such (a NUL in text, bytes that are not valid text, a
    /// number or date out of the column's range): the caller's input, not the server's fault.
    BadValue,
    /// Anything else: classified by the constraint checks that follow, or an internal error.
    Other,
}

fn classify_code(backend: Backend, code: &str) -> CodeClass {
    match backend {
        Backend::Postgres => match code {
            // serialization_failure, deadlock_detected
            "40001" | "40P01" => CodeClass::Retryable,
            // Class 22, data exception: character_not_in_repertoire (22021, a NUL or an invalid
            // byte), untranslatable_character (22P05), numeric_value_out_of_range (22003),
            // datetime_field_overflow (22008), invalid_datetime_format (22007),
            // string_data_right_truncation (22001) …
            _ if code.len() == 5 && code.starts_with("22") => CodeClass::BadValue,
            // program_limit_exceeded (54000): e.g. a value too large to index.
            "54000" => CodeClass::BadValue,
            _ => CodeClass::Other,
        },
        Backend::Sqlite => match code.parse::<i32>().map(|n| n & 0xff) {
            // SQLITE_BUSY, SQLITE_LOCKED (the primary code is the low byte of the extended one)
            Ok(5 | 6) => CodeClass::Retryable,
            // SQLITE_TOOBIG, SQLITE_MISMATCH
            Ok(18 | 20) => CodeClass::BadValue,
            _ => CodeClass::Other,
        },
    }
}

fn backend_of(db: &dyn sqlx::error::DatabaseError) -> Backend {
    if db
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .is_some()
    {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        if matches!(error, sqlx::Error::PoolTimedOut) {
            return StoreError::Overloaded(error);
        }
        if let sqlx::Error::ColumnDecode { index, source } = &error
            && let Some(bad) = source.downcast_ref::<crate::vocab::BadCode>()
        {
            return StoreError::Corrupt(format!("{bad} (cột {})", index.trim_matches('"')));
        }
        let Some(db) = error.as_database_error() else {
            return StoreError::Database(error);
        };
        let code: Cow<'_, str> = db.code().unwrap_or(Cow::Borrowed(""));
        match classify_code(backend_of(db), &code) {
            CodeClass::Retryable => return StoreError::Retryable(error),
            CodeClass::BadValue => return StoreError::BadValue(error),
            CodeClass::Other => {}
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
    fn postgres_codes_are_read_as_sqlstates() {
        let pg = |code| classify_code(Backend::Postgres, code);
        assert_eq!(pg("40001"), CodeClass::Retryable);
        assert_eq!(pg("40P01"), CodeClass::Retryable);
        // 22021 & 0xff would be 5 (SQLITE_BUSY) if read as a SQLite code: it is a NUL in text.
        assert_eq!(pg("22021"), CodeClass::BadValue);
        assert_eq!(pg("22P05"), CodeClass::BadValue);
        assert_eq!(pg("22008"), CodeClass::BadValue);
        assert_eq!(pg("54000"), CodeClass::BadValue);
        // 00517 would be SQLITE_BUSY_SNAPSHOT; as a SQLSTATE it is nothing retryable.
        assert_eq!(pg("00517"), CodeClass::Other);
        assert_eq!(pg("23505"), CodeClass::Other);
        assert_eq!(pg(""), CodeClass::Other);
    }

    #[test]
    fn sqlite_codes_are_read_by_their_primary_byte() {
        let sqlite = |code| classify_code(Backend::Sqlite, code);
        assert_eq!(sqlite("5"), CodeClass::Retryable);
        assert_eq!(sqlite("517"), CodeClass::Retryable); // SQLITE_BUSY_SNAPSHOT
        assert_eq!(sqlite("262"), CodeClass::Retryable); // SQLITE_LOCKED_SHAREDCACHE
        assert_eq!(sqlite("18"), CodeClass::BadValue);
        assert_eq!(sqlite("19"), CodeClass::Other); // constraints are read by kind
        assert_eq!(sqlite("2067"), CodeClass::Other); // SQLITE_CONSTRAINT_UNIQUE
        assert_eq!(sqlite("40001"), CodeClass::Other);
        assert_eq!(sqlite(""), CodeClass::Other);
    }
}
