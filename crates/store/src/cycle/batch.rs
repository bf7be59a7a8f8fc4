//! Set-based writes for the cycle: many rows of one table in one go (PostgreSQL `COPY … FROM
//! STDIN`, SQLite multi-row `INSERT`s with anonymous placeholders), inside the caller's
//! transaction, and `IN (…)` lists for reading by many keys. Used when a plan is opened
//! (hundreds of thousands of subjects) so that no step is one query per member.

use crate::db::{Tx, TxConn};
use crate::error::Result;
use std::fmt::Write as _;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One value of a batch row.
#[derive(Debug, Clone)]
pub(crate) enum Cell<'a> {
    Uuid(Uuid),
    OptUuid(Option<Uuid>),
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
    Bool(bool),
    Time(OffsetDateTime),
}

const SQLITE_MAX_PARAMS: usize = 30_000;
const SQLITE_MAX_ROWS: usize = 500;

impl Tx {
    /// Inserts `rows` (each with one cell per column) into `table`.
    pub(crate) async fn batch_insert(
        &mut self,
        table: &'static str,
        columns: &[&str],
        rows: &[Vec<Cell<'_>>],
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        match &mut self.conn {
            TxConn::Postgres(t) => {
                let conn: &mut sqlx::PgConnection = t;
                let statement = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
                let mut copy = conn.copy_in_raw(&statement).await?;
                let mut buffer = String::with_capacity(1 << 20);
                for row in rows {
                    copy_row(&mut buffer, row);
                    if buffer.len() > (1 << 20) - 8192 {
                        copy.send(buffer.as_bytes()).await?;
                        buffer.clear();
                    }
                }
                if !buffer.is_empty() {
                    copy.send(buffer.as_bytes()).await?;
                }
                copy.finish().await?;
            }
            TxConn::Sqlite(t) => {
                let conn: &mut sqlx::SqliteConnection = t;
                let per_statement = (SQLITE_MAX_PARAMS / columns.len()).min(SQLITE_MAX_ROWS);
                let full = insert_statement(table, columns, per_statement);
                for chunk in rows.chunks(per_statement) {
                    let sql = if chunk.len() == per_statement {
                        full.clone()
                    } else {
                        insert_statement(table, columns, chunk.len())
                    };
                    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for row in chunk {
                        for cell in row {
                            query = match cell {
                                Cell::Uuid(v) => query.bind(*v),
                                Cell::OptUuid(v) => query.bind(*v),
                                Cell::Text(v) => query.bind(v.to_string()),
                                Cell::OptText(v) => query.bind(v.map(str::to_string)),
                                Cell::Int(v) => query.bind(*v),
                                Cell::Bool(v) => query.bind(*v),
                                Cell::Time(v) => query.bind(*v),
                            };
                        }
                    }
                    query.execute(&mut *conn).await?;
                }
            }
        }
        self.record(table, format!("{} rows", rows.len()), "batch_insert");
        Ok(())
    }
}

fn insert_statement(table: &str, columns: &[&str], rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(","));
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    sql.push_str(&vec![row; rows].join(","));
    sql
}

/// `$first, $first+1, …` for an `IN (…)` list of `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    let mut out = String::with_capacity(n * 6);
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "${}", first + i);
    }
    out
}

fn copy_row(out: &mut String, row: &[Cell<'_>]) {
    for (i, cell) in row.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match cell {
            Cell::Uuid(v) | Cell::OptUuid(Some(v)) => {
                let _ = write!(out, "{v}");
            }
            Cell::OptUuid(None) | Cell::OptText(None) => out.push_str("\\N"),
            Cell::Text(v) | Cell::OptText(Some(v)) => escape(out, v),
            Cell::Int(v) => {
                let _ = write!(out, "{v}");
            }
            Cell::Bool(v) => out.push(if *v { 't' } else { 'f' }),
            Cell::Time(v) => {
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

fn escape(out: &mut String, text: &str) {
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

    #[test]
    fn copy_rows_escape_nulls_and_text() {
        let mut out = String::new();
        copy_row(
            &mut out,
            &[
                Cell::OptText(None),
                Cell::Text("a\tb"),
                Cell::Int(-3),
                Cell::Bool(false),
            ],
        );
        assert_eq!(out, "\\N\ta\\tb\t-3\tf\n");
        assert_eq!(placeholders(3, 3), "$3,$4,$5");
    }
}
