//! SQLite's side of the set-based writes — [`crate::bulk`] (import and demo data) and
//! [`crate::cycle::batch`] (opening a plan, ballots): multi-row `INSERT`s with anonymous `?`
//! placeholders, as many rows per statement as SQLite's parameter limit allows, inside the
//! caller's transaction. Each writer keeps its own PostgreSQL `COPY` format and its own value
//! type; this module only binds them.

use crate::error::Result;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, SqliteConnection};

/// SQLite's limit on bound parameters per statement is 32 766; stay well under it.
const MAX_PARAMS: usize = 30_000;
const MAX_ROWS: usize = 500;

pub(crate) type SqliteQuery<'q> = Query<'q, Sqlite, SqliteArguments>;

/// A value of a set-based row, as SQLite binds it.
pub(crate) trait SqliteValue {
    fn bind_to<'q>(&self, query: SqliteQuery<'q>) -> SqliteQuery<'q>;
}

/// Inserts `rows` (each with one value per column) into `table`, a statement per few hundred.
pub(crate) async fn insert_rows<V: SqliteValue>(
    conn: &mut SqliteConnection,
    table: &str,
    columns: &[&str],
    rows: &[Vec<V>],
) -> Result<()> {
    let per_statement = (MAX_PARAMS / columns.len()).min(MAX_ROWS);
    let full = insert_statement(table, columns, per_statement);
    for chunk in rows.chunks(per_statement) {
        let sql = if chunk.len() == per_statement {
            full.clone()
        } else {
            insert_statement(table, columns, chunk.len())
        };
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            for value in row {
                query = value.bind_to(query);
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A multi-row INSERT with anonymous `?` placeholders: SQLite looks numbered or named ones up by
/// a linear scan, which makes a statement with thousands of them quadratic.
fn insert_statement(table: &str, columns: &[&str], rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(","));
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    sql.push_str(&vec![row; rows].join(","));
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_have_a_placeholder_per_value() {
        assert_eq!(
            insert_statement("org_event_orgs", &["event_id", "org_id", "role"], 2),
            "INSERT INTO org_event_orgs (event_id, org_id, role) VALUES (?,?,?),(?,?,?)"
        );
    }
}
