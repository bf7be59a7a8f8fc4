//! Set-based writes for the cycle: many rows of one table in one go (PostgreSQL binary
//! `COPY … FROM STDIN`, SQLite multi-row `INSERT`s — [`crate::sqlite_rows`]), inside the
//! caller's transaction, and `IN (…)` lists for reading by many keys. Used when a plan is opened
//! (hundreds of thousands of subjects) so that no step is one query per member.
//!
//! The binary format spares the server parsing every UUID, number and timestamp from text (a
//! sixth of its work in a text COPY of subjects); each [`Cell`] kind maps to one column type.
//! [`Tx::copy_stream`] keeps one COPY open while the caller produces batches, so that the server
//! inserts one batch while the next is being built.

use crate::db::{Tx, TxConn};
use crate::error::Result;
use crate::sqlite_rows::{SqliteQuery, SqliteValue, insert_rows};
use std::fmt::Write as _;
use time::OffsetDateTime;
use uuid::Uuid;

/// One value of a batch row, each kind for one column type (PostgreSQL binary COPY is strict).
#[derive(Debug, Clone)]
pub(crate) enum Cell<'a> {
    /// `UUID`.
    Uuid(Uuid),
    OptUuid(Option<Uuid>),
    /// `TEXT`.
    Text(&'a str),
    OptText(Option<&'a str>),
    /// `BIGINT`.
    Int(i64),
    /// `BOOLEAN`.
    Bool(bool),
    /// `TIMESTAMPTZ`.
    Time(OffsetDateTime),
}

impl SqliteValue for Cell<'_> {
    fn bind_to<'q>(&self, query: SqliteQuery<'q>) -> SqliteQuery<'q> {
        match self {
            Cell::Uuid(v) => query.bind(*v),
            Cell::OptUuid(v) => query.bind(*v),
            Cell::Text(v) => query.bind(v.to_string()),
            Cell::OptText(v) => query.bind(v.map(str::to_string)),
            Cell::Int(v) => query.bind(*v),
            Cell::Bool(v) => query.bind(*v),
            Cell::Time(v) => query.bind(*v),
        }
    }
}

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
            pg @ (TxConn::Postgres(_) | TxConn::PostgresLoose(_)) => {
                let conn = crate::db::pg_connection(pg);
                let mut copy = conn.copy_in_raw(&copy_statement(table, columns)).await?;
                let mut buffer = Vec::with_capacity(COPY_CHUNK);
                buffer.extend_from_slice(BINARY_HEADER);
                for row in rows {
                    copy_row(&mut buffer, row);
                    if buffer.len() > COPY_CHUNK - 8192 {
                        copy.send(buffer.as_slice()).await?;
                        buffer.clear();
                    }
                }
                buffer.extend_from_slice(&BINARY_TRAILER);
                copy.send(buffer.as_slice()).await?;
                copy.finish().await?;
            }
            TxConn::Sqlite(t) => insert_rows(t, table, columns, rows).await?,
        }
        self.record(table, format!("{} rows", rows.len()), "batch_insert");
        Ok(())
    }

    /// PostgreSQL: inserts the rows of every batch received, until the sender is dropped, with one
    /// binary COPY for the whole stream — rows go to the server as soon as a batch arrives, and
    /// the server inserts them while the sender builds the next one. `cells` hands each row's
    /// cells to the encoder. Returns how many rows; `None` on SQLite (nothing read from
    /// `batches`: the caller inserts batch by batch).
    pub(crate) async fn copy_stream<T>(
        &mut self,
        table: &'static str,
        columns: &[&str],
        batches: &mut tokio::sync::mpsc::Receiver<Vec<T>>,
        cells: impl Fn(&T, &mut dyn FnMut(&[Cell<'_>])),
    ) -> Result<Option<u64>> {
        let TxConn::Postgres(t) = &mut self.conn else {
            return Ok(None);
        };
        let conn: &mut sqlx::PgConnection = t;
        let mut written = 0;
        let mut copy = conn.copy_in_raw(&copy_statement(table, columns)).await?;
        let mut buffer = Vec::with_capacity(COPY_CHUNK);
        buffer.extend_from_slice(BINARY_HEADER);
        while let Some(batch) = batches.recv().await {
            for row in &batch {
                cells(row, &mut |row| copy_row(&mut buffer, row));
                if buffer.len() > COPY_CHUNK - 8192 {
                    copy.send(buffer.as_slice()).await?;
                    buffer.clear();
                }
            }
            written += batch.len() as u64;
            // What is built goes to the server now, not with the next batch.
            if !buffer.is_empty() {
                copy.send(buffer.as_slice()).await?;
                buffer.clear();
            }
        }
        buffer.extend_from_slice(&BINARY_TRAILER);
        copy.send(buffer.as_slice()).await?;
        copy.finish().await?;
        self.record(table, format!("{written} rows"), "batch_insert");
        Ok(Some(written))
    }
}

/// Bytes sent to the server at a time.
const COPY_CHUNK: usize = 1 << 20;
/// The binary COPY signature, flags and header extension length.
const BINARY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
/// The file trailer: a field count of -1.
const BINARY_TRAILER: [u8; 2] = (-1i16).to_be_bytes();
/// 2000-01-01 00:00 UTC, where PostgreSQL counts timestamps from, in Unix microseconds.
const PG_EPOCH_MICROS: i128 = 946_684_800_000_000;

fn copy_statement(table: &str, columns: &[&str]) -> String {
    format!(
        "COPY {table} ({}) FROM STDIN WITH (FORMAT binary)",
        columns.join(", ")
    )
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

/// One row in PostgreSQL's binary COPY format: the field count, then each field's length (-1
/// for NULL) and value in the type's binary send format.
fn copy_row(out: &mut Vec<u8>, row: &[Cell<'_>]) {
    out.extend_from_slice(&(row.len() as i16).to_be_bytes());
    for cell in row {
        match cell {
            Cell::Uuid(v) | Cell::OptUuid(Some(v)) => {
                out.extend_from_slice(&16i32.to_be_bytes());
                out.extend_from_slice(v.as_bytes());
            }
            Cell::OptUuid(None) | Cell::OptText(None) => {
                out.extend_from_slice(&(-1i32).to_be_bytes())
            }
            Cell::Text(v) | Cell::OptText(Some(v)) => {
                out.extend_from_slice(&(v.len() as i32).to_be_bytes());
                out.extend_from_slice(v.as_bytes());
            }
            Cell::Int(v) => {
                out.extend_from_slice(&8i32.to_be_bytes());
                out.extend_from_slice(&v.to_be_bytes());
            }
            Cell::Bool(v) => {
                out.extend_from_slice(&1i32.to_be_bytes());
                out.push(u8::from(*v));
            }
            Cell::Time(v) => {
                let micros = (v.unix_timestamp_nanos() / 1000 - PG_EPOCH_MICROS) as i64;
                out.extend_from_slice(&8i32.to_be_bytes());
                out.extend_from_slice(&micros.to_be_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_rows_are_binary_fields() {
        let mut out = Vec::new();
        copy_row(
            &mut out,
            &[
                Cell::OptText(None),
                Cell::Text("a\tb"),
                Cell::Int(-3),
                Cell::Bool(true),
                Cell::Time(time::macros::datetime!(2000-01-01 0:00:01 UTC)),
            ],
        );
        let mut expected = vec![0, 5];
        expected.extend_from_slice(&[0xff, 0xff, 0xff, 0xff]);
        expected.extend_from_slice(&[0, 0, 0, 3, b'a', b'\t', b'b']);
        expected.extend_from_slice(&[0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd]);
        expected.extend_from_slice(&[0, 0, 0, 1, 1]);
        expected.extend_from_slice(&[0, 0, 0, 8, 0, 0, 0, 0, 0, 0x0f, 0x42, 0x40]);
        assert_eq!(out, expected);
        assert_eq!(BINARY_HEADER.len(), 19);
        assert_eq!(placeholders(3, 3), "$3,$4,$5");
    }
}
