//! The canonical content of the records the audit trail seals: the append-only records whose
//! content is the outcome of the cycle (decisions, publications, discipline records, ballot
//! results). The app hashes this text into the audit entry that wrote the record, and `audit
//! verify` reads it again to prove the record has not been edited since.
//!
//! The canonical form is fixed here, column by column, so that a later migration adding a
//! column does not change the content of old records: a JSON array of rows (ordered by their
//! key), each row an array of its listed columns' values — UUIDs as lowercase hyphenated text,
//! dates as `yyyy-mm-dd`, instants as RFC 3339 in UTC, booleans as `true`/`false`. It is the
//! same on SQLite and PostgreSQL. This module reads; it neither hashes nor judges.

use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use sqlx::Row;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Uuid,
    Text,
    Int,
    Bool,
    Day,
    Instant,
}

/// A sealed table: the column its audit key names, the order of its rows and its columns.
struct Sealed {
    table: &'static str,
    /// The column the change's key is matched on (one row, or the rows of one ballot).
    key: &'static str,
    order: &'static str,
    columns: &'static [(&'static str, Kind)],
}

use Kind::{Bool, Day, Instant, Int, Text};

const SEALED: &[Sealed] = &[
    Sealed {
        table: "decisions",
        key: "id",
        order: "id",
        columns: &[
            ("id", Kind::Uuid),
            ("subject_id", Kind::Uuid),
            ("version_no", Int),
            ("previous_id", Kind::Uuid),
            ("kind", Text),
            ("level", Text),
            ("deciding_org_id", Kind::Uuid),
            ("body", Text),
            ("reason", Text),
            ("basis", Text),
            ("decided_by", Text),
            ("decided_at", Instant),
        ],
    },
    Sealed {
        table: "publications",
        key: "id",
        order: "id",
        columns: &[
            ("id", Kind::Uuid),
            ("plan_id", Kind::Uuid),
            ("org_id", Kind::Uuid),
            ("summary", Text),
            ("published_by", Text),
            ("published_at", Instant),
        ],
    },
    Sealed {
        table: "discipline_records",
        key: "id",
        order: "id",
        columns: &[
            ("id", Kind::Uuid),
            ("member_id", Kind::Uuid),
            ("form", Text),
            ("violation_on", Day),
            ("decided_on", Day),
            ("violation_org_id", Kind::Uuid),
            ("deciding_org_id", Kind::Uuid),
            ("duty_related", Bool),
            ("self_detected_remedied", Bool),
            ("note", Text),
            ("changed_by", Text),
            ("changed_at", Instant),
        ],
    },
    Sealed {
        table: "unit_discipline_records",
        key: "id",
        order: "id",
        columns: &[
            ("id", Kind::Uuid),
            ("org_id", Kind::Uuid),
            ("collective_id", Kind::Uuid),
            ("form", Text),
            ("violation_on", Day),
            ("decided_on", Day),
            ("deciding_org_id", Kind::Uuid),
            ("corruption_case", Bool),
            ("self_detected_remedied", Bool),
            ("note", Text),
            ("changed_by", Text),
            ("changed_at", Instant),
        ],
    },
    Sealed {
        table: "ballot_results",
        key: "ballot_id",
        order: "subject_id",
        columns: &[
            ("ballot_id", Kind::Uuid),
            ("subject_id", Kind::Uuid),
            ("htxsnv", Int),
            ("httnv", Int),
            ("htnv", Int),
            ("khtnv", Int),
            ("blank", Int),
            ("invalid", Int),
            ("outcome", Text),
            ("votes", Int),
            ("base", Int),
            ("message", Text),
        ],
    },
];

/// Whether the audit trail seals the content of `table`'s records.
pub fn is_sealed(table: &str) -> bool {
    SEALED.iter().any(|s| s.table == table)
}

impl Tx {
    /// The canonical content of the sealed record `key` of `table` (see the module's note), or
    /// `None` when it does not exist. A table that is not sealed is an error.
    pub async fn sealed_content(&mut self, table: &str, key: &str) -> Result<Option<String>> {
        let sealed = SEALED
            .iter()
            .find(|s| s.table == table)
            .ok_or_else(|| StoreError::invalid(format!("bảng «{table}» không được niêm phong")))?;
        let Ok(key) = Uuid::parse_str(key) else {
            return Ok(None);
        };
        let columns: Vec<&str> = sealed.columns.iter().map(|(name, _)| *name).collect();
        // Every part is one of the constants above.
        let sql = format!(
            "SELECT {} FROM {} WHERE {} = $1 ORDER BY {}",
            columns.join(", "),
            sealed.table,
            sealed.key,
            sealed.order
        );
        let rows: Vec<serde_json::Value> = on_conn!(self, c => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(key).fetch_all(c).await?;
            rows.iter()
                .map(|row| canonical_row(row, sealed.columns))
                .collect::<Result<_>>()?
        });
        if rows.is_empty() {
            return Ok(None);
        }
        Ok(Some(serde_json::Value::Array(rows).to_string()))
    }
}

fn canonical_row<'r, R>(row: &'r R, columns: &[(&str, Kind)]) -> Result<serde_json::Value>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Date: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    use serde_json::Value;
    let mut out = Vec::with_capacity(columns.len());
    for (i, (name, kind)) in columns.iter().enumerate() {
        let corrupt = |e: sqlx::Error| StoreError::Corrupt(format!("cột {name}: {e}"));
        let value = match kind {
            Kind::Uuid => row
                .try_get::<Option<Uuid>, _>(i)
                .map_err(corrupt)?
                .map_or(Value::Null, |u| Value::String(u.to_string())),
            Text => row
                .try_get::<Option<String>, _>(i)
                .map_err(corrupt)?
                .map_or(Value::Null, Value::String),
            Int => row
                .try_get::<Option<i64>, _>(i)
                .map_err(corrupt)?
                .map_or(Value::Null, Value::from),
            Bool => row
                .try_get::<Option<bool>, _>(i)
                .map_err(corrupt)?
                .map_or(Value::Null, Value::Bool),
            Day => row
                .try_get::<Option<Date>, _>(i)
                .map_err(corrupt)?
                .map_or(Value::Null, |d| Value::String(iso_day(d))),
            Instant => match row
                .try_get::<Option<OffsetDateTime>, _>(i)
                .map_err(corrupt)?
            {
                None => Value::Null,
                Some(at) => Value::String(
                    at.to_offset(time::UtcOffset::UTC)
                        .format(&Rfc3339)
                        .map_err(|e| StoreError::Corrupt(format!("cột {name}: {e}")))?,
                ),
            },
        };
        out.push(value);
    }
    Ok(serde_json::Value::Array(out))
}

fn iso_day(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}
