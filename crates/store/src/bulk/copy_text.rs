//! How a bulk load reaches the database: a [`Table`]'s rows of [`Value`]s, as PostgreSQL's
//! `COPY … FROM STDIN` in text format (escaped, `\N` for NULL) or SQLite multi-row `INSERT`s.
//! Knows nothing of what the rows mean.

use crate::db::{Tx, TxConn};
use crate::error::Result;
use crate::sqlite_rows::{SqliteQuery, SqliteValue, insert_rows};
use std::fmt::Write as _;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A value of a bulk row.
#[derive(Debug, Clone)]
pub(super) enum Value<'a> {
    Uuid(Uuid),
    OptUuid(Option<Uuid>),
    Text(&'a str),
    Owned(String),
    Date(Date),
    OptDate(Option<Date>),
    Bool(bool),
    Int(i32),
    Time(OffsetDateTime),
}

/// A table as a bulk load fills it: its name and the columns each row gives, in order.
pub(super) struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
}

impl Tx {
    /// Inserts `rows` (one value per column of `table`).
    pub(super) async fn bulk_insert(
        &mut self,
        table: &Table,
        rows: Vec<Vec<Value<'_>>>,
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        match &mut self.conn {
            pg @ (TxConn::Postgres(_) | TxConn::PostgresLoose(_)) => {
                let conn = crate::db::pg_connection(pg);
                let statement = format!(
                    "COPY {} ({}) FROM STDIN",
                    table.name,
                    table.columns.join(", ")
                );
                let mut copy = conn.copy_in_raw(&statement).await?;
                let mut buffer = String::with_capacity(1 << 20);
                for row in &rows {
                    write_copy_row(&mut buffer, row);
                    if buffer.len() > (1 << 20) - 4096 {
                        copy.send(buffer.as_bytes()).await?;
                        buffer.clear();
                    }
                }
                if !buffer.is_empty() {
                    copy.send(buffer.as_bytes()).await?;
                }
                copy.finish().await?;
            }
            TxConn::Sqlite(t) => insert_rows(t, table.name, table.columns, &rows).await?,
        }
        self.record(table.name, format!("{} rows", rows.len()), "bulk_insert");
        Ok(())
    }
}

impl SqliteValue for Value<'_> {
    fn bind_to<'q>(&self, query: SqliteQuery<'q>) -> SqliteQuery<'q> {
        match self {
            Value::Uuid(v) => query.bind(*v),
            Value::OptUuid(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.to_string()),
            Value::Owned(v) => query.bind(v.clone()),
            Value::Date(v) => query.bind(*v),
            Value::OptDate(v) => query.bind(*v),
            Value::Bool(v) => query.bind(*v),
            Value::Int(v) => query.bind(*v),
            Value::Time(v) => query.bind(*v),
        }
    }
}

/// One row of PostgreSQL's COPY text format.
fn write_copy_row(out: &mut String, row: &[Value<'_>]) {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match value {
            Value::Uuid(v) => {
                let _ = write!(out, "{v}");
            }
            Value::OptUuid(Some(v)) => {
                let _ = write!(out, "{v}");
            }
            Value::OptUuid(None) | Value::OptDate(None) => out.push_str("\\N"),
            Value::Text(v) => escape_copy(out, v),
            Value::Owned(v) => escape_copy(out, v),
            Value::Date(v) | Value::OptDate(Some(v)) => write_date(out, *v),
            Value::Bool(v) => out.push(if *v { 't' } else { 'f' }),
            Value::Int(v) => {
                let _ = write!(out, "{v}");
            }
            Value::Time(v) => {
                write_date(out, v.date());
                let _ = write!(
                    out,
                    " {:02}:{:02}:{:02}.{:06}+00",
                    v.hour(),
                    v.minute(),
                    v.second(),
                    v.microsecond()
                );
            }
        }
    }
    out.push('\n');
}

fn write_date(out: &mut String, day: Date) {
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    );
}

fn escape_copy(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn copy_rows_escape_and_format() {
        let mut out = String::new();
        write_copy_row(
            &mut out,
            &[
                Value::Text("a\tb\\c\nd"),
                Value::OptUuid(None),
                Value::Date(date!(2025 - 07 - 01)),
                Value::Bool(true),
                Value::Time(datetime!(2025-07-01 08:30:05.000123 UTC)),
            ],
        );
        assert_eq!(
            out,
            "a\\tb\\\\c\\nd\t\\N\t2025-07-01\tt\t2025-07-01 08:30:05.000123+00\n"
        );
    }
}
