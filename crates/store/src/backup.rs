//! Backups of the whole database, taken while it serves, and their restoration into a fresh
//! database (docs/backup.md).
//!
//! - SQLite: `VACUUM INTO` writes a consistent copy of the database (its WAL included) to a new
//!   file without stopping writers for long; restoring copies that file to the target path and
//!   checks its integrity.
//! - PostgreSQL: a logical export in one `REPEATABLE READ` snapshot — every table of the schema
//!   in dependency order, one `row_to_json` line per row — restored into a freshly migrated
//!   database by `json_populate_recordset` in one transaction. (`pg_dump` works too; this format
//!   needs no client tools and restores into another schema, as the tests do.)
//!
//! This module copies bytes and rows; it does not judge them (`kiemdiem restore` verifies the
//! audit trail after restoring).

use crate::db::Store;
use crate::error::{Result, StoreError};
use futures_util::TryStreamExt;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::path::Path;

/// What a backup or a restore copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// `sqlite` (a database file) or `postgres` (the logical export).
    pub format: &'static str,
    /// Rows per table.
    pub tables: BTreeMap<String, u64>,
    /// The size of the backup file.
    pub bytes: u64,
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_HEADER: &str = "kiemdiem-backup v1 postgres";
/// Rows per INSERT when restoring.
const BATCH: usize = 500;

impl Store {
    /// Writes a consistent copy of the database to `out`, which must not exist yet.
    pub async fn backup_to(&self, out: &Path) -> Result<BackupSummary> {
        if out.exists() {
            return Err(StoreError::invalid(format!(
                "tệp «{}» đã có: hãy chọn tên khác (bản sao lưu không ghi đè)",
                out.display()
            )));
        }
        let format = if let Some(pool) = self.sqlite_pool() {
            let path = out.to_str().ok_or_else(|| {
                StoreError::invalid("đường dẫn tệp sao lưu phải là văn bản UTF-8")
            })?;
            sqlx::query("VACUUM INTO $1")
                .bind(path)
                .execute(pool)
                .await?;
            "sqlite"
        } else {
            self.export_postgres(out).await?;
            "postgres"
        };
        Ok(BackupSummary {
            format,
            tables: self.table_counts().await?,
            bytes: std::fs::metadata(out)
                .map_err(|e| StoreError::io(out, e))?
                .len(),
        })
    }

    /// Rows per table of the application's schema (migration bookkeeping left out).
    pub async fn table_counts(&self) -> Result<BTreeMap<String, u64>> {
        let tables = self.tables_in_order().await?;
        let mut counts = BTreeMap::new();
        for table in tables {
            let sql = format!("SELECT count(*) FROM \"{table}\"");
            let n: i64 = if let Some(pool) = self.sqlite_pool() {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(pool)
                    .await?
            } else if let Some(pool) = self.pg_pool() {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(pool)
                    .await?
            } else {
                0
            };
            counts.insert(table, u64::try_from(n).unwrap_or_default());
        }
        Ok(counts)
    }

    /// The schema's tables, each after the tables its foreign keys name (creation order
    /// otherwise), without the migrations' own table.
    async fn tables_in_order(&self) -> Result<Vec<String>> {
        let (tables, references): (Vec<String>, Vec<(String, String)>) = if let Some(pool) =
            self.sqlite_pool()
        {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY rowid",
            )
            .fetch_all(pool)
            .await?;
            let references = sqlx::query_as(
                    "SELECT m.name, f.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
                     WHERE m.type = 'table'",
                )
                .fetch_all(pool)
                .await?;
            (tables, references)
        } else if let Some(pool) = self.pg_pool() {
            let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
                     AND c.relname <> '_sqlx_migrations' ORDER BY c.oid",
                )
                .fetch_all(pool)
                .await?;
            let mut references: Vec<(String, String)> = sqlx::query_as(
                "SELECT child.relname::text, parent.relname::text FROM pg_constraint k \
                     JOIN pg_class child ON child.oid = k.conrelid \
                     JOIN pg_class parent ON parent.oid = k.confrelid \
                     JOIN pg_namespace n ON n.oid = k.connamespace \
                     WHERE k.contype = 'f' AND n.nspname = current_schema()",
            )
            .fetch_all(pool)
            .await?;
            // postgres/0018 checks subjects.plan_id → plans by a trigger, not a foreign key:
            // the subjects still come after the plans.
            references.push(("subjects".to_owned(), "plans".to_owned()));
            (tables, references)
        } else {
            (Vec::new(), Vec::new())
        };
        for table in &tables {
            if !table.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(StoreError::Corrupt(format!("tên bảng lạ «{table}»")));
            }
        }
        Ok(dependency_order(&tables, &references))
    }

    async fn export_postgres(&self, out: &Path) -> Result<()> {
        let Some(pool) = self.pg_pool() else {
            return Ok(());
        };
        let tables = self.tables_in_order().await?;
        let version = migration_version_pg(pool).await?;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(out)
            .map_err(|e| StoreError::io(out, e))?;
        let mut writer = std::io::BufWriter::new(file);
        let io = |e: std::io::Error| StoreError::io(out, e);
        writeln!(writer, "{PG_HEADER} {version}").map_err(io)?;
        let mut tx = pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?;
        for table in &tables {
            writeln!(writer, "table {table}").map_err(io)?;
            // An open ballot's own tables (PostgreSQL) are read in key order: their physical
            // order follows the casting (docs/ballot-secrecy.md).
            let order = crate::cycle::ballot::live_table_ddl(table)
                .map(|(_, key)| format!(" ORDER BY {key}"))
                .unwrap_or_default();
            let sql = format!("SELECT row_to_json(t)::text FROM \"{table}\" t{order}");
            let mut rows =
                sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
            while let Some(row) = rows.try_next().await? {
                writeln!(writer, "{row}").map_err(io)?;
            }
        }
        tx.commit().await?;
        writeln!(writer, "end {}", tables.len()).map_err(io)?;
        let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)
    }

    /// Loads a PostgreSQL logical export into this store, which must be freshly migrated to
    /// the same version and hold no record yet.
    async fn import_postgres(&self, file: &Path) -> Result<()> {
        let Some(pool) = self.pg_pool() else {
            return Err(StoreError::invalid(
                "bản sao lưu PostgreSQL chỉ phục hồi vào PostgreSQL",
            ));
        };
        let io = |e: std::io::Error| StoreError::io(file, e);
        let reader = std::io::BufReader::new(std::fs::File::open(file).map_err(io)?);
        let mut lines = reader.lines();
        let header = lines.next().transpose().map_err(io)?.unwrap_or_default();
        let version = header
            .strip_prefix(PG_HEADER)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .ok_or_else(|| StoreError::invalid("tệp không phải bản sao lưu của kiemdiem"))?;
        let ours = migration_version_pg(pool).await?;
        if version != ours {
            return Err(StoreError::invalid(format!(
                "bản sao lưu ở lược đồ số {version}, cơ sở dữ liệu đích ở số {ours}: hãy phục hồi bằng cùng phiên bản kiemdiem"
            )));
        }
        let known: BTreeSet<String> = self.tables_in_order().await?.into_iter().collect();
        let mut tx = pool.begin().await?;
        let head: i64 = sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or_default();
        if head != 0 {
            return Err(StoreError::invalid(
                "cơ sở dữ liệu đích đã có dữ liệu: chỉ phục hồi vào cơ sở dữ liệu mới",
            ));
        }
        let mut table: Option<String> = None;
        let mut batch: Vec<String> = Vec::new();
        let mut finished = false;
        for line in lines {
            let line = line.map_err(io)?;
            if let Some(name) = line.strip_prefix("table ") {
                insert_batch(&mut tx, table.as_deref(), &mut batch).await?;
                // The tables of a ballot open when the backup was taken are made again.
                if let Some((create, _)) = crate::cycle::ballot::live_table_ddl(name) {
                    sqlx::query(sqlx::AssertSqlSafe(create))
                        .execute(&mut *tx)
                        .await?;
                } else if !known.contains(name) {
                    return Err(StoreError::invalid(format!(
                        "bản sao lưu có bảng «{name}» mà lược đồ đích không có"
                    )));
                }
                // Rows the migrations seeded (the audit head) give way to the backup's.
                let clear = format!("DELETE FROM \"{name}\"");
                sqlx::query(sqlx::AssertSqlSafe(clear))
                    .execute(&mut *tx)
                    .await?;
                table = Some(name.to_owned());
            } else if line.starts_with("end ") {
                insert_batch(&mut tx, table.as_deref(), &mut batch).await?;
                finished = true;
                break;
            } else if !line.is_empty() {
                batch.push(line);
                if batch.len() >= BATCH {
                    insert_batch(&mut tx, table.as_deref(), &mut batch).await?;
                }
            }
        }
        if !finished {
            return Err(StoreError::invalid(
                "bản sao lưu bị cắt cụt (thiếu dòng kết thúc): không phục hồi",
            ));
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn insert_batch(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    table: Option<&str>,
    batch: &mut Vec<String>,
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let Some(table) = table else {
        return Err(StoreError::invalid(
            "bản sao lưu có dòng dữ liệu trước tên bảng",
        ));
    };
    let rows = format!("[{}]", batch.join(","));
    let sql = format!(
        "INSERT INTO \"{table}\" SELECT * FROM json_populate_recordset(NULL::\"{table}\", $1::json)"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(rows)
        .execute(&mut **tx)
        .await?;
    batch.clear();
    Ok(())
}

async fn migration_version_pg(pool: &sqlx::PgPool) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await?,
    )
}

/// Tables ordered so that each comes after those it references (self-references ignored);
/// among the tables ready, the one created first.
fn dependency_order(tables: &[String], references: &[(String, String)]) -> Vec<String> {
    let mut pending: Vec<&String> = tables.iter().collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::with_capacity(tables.len());
    while !pending.is_empty() {
        let ready = pending.iter().position(|table| {
            references
                .iter()
                .filter(|(child, parent)| child == *table && parent != *table)
                .all(|(_, parent)| done.contains(parent.as_str()) || !tables.contains(parent))
        });
        // A cycle (none in our schema) falls back to creation order.
        let next = pending.remove(ready.unwrap_or(0));
        done.insert(next);
        out.push(next.clone());
    }
    out
}

/// Restores the backup `file` into the database at `url`: a SQLite backup is copied to the
/// target path (which must not exist) and checked; a PostgreSQL export is loaded into the
/// database after migrating it (it must hold no record). Returns the opened store.
pub async fn restore(file: &Path, url: &str) -> Result<(Store, BackupSummary)> {
    let mut magic = [0u8; 16];
    let read = {
        use std::io::Read;
        let mut handle = std::fs::File::open(file).map_err(|e| StoreError::io(file, e))?;
        handle
            .read(&mut magic)
            .map_err(|e| StoreError::io(file, e))?
    };
    let bytes = std::fs::metadata(file)
        .map_err(|e| StoreError::io(file, e))?
        .len();
    if read == 16 && magic == SQLITE_MAGIC {
        let Some(target) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        else {
            return Err(StoreError::invalid(
                "bản sao lưu SQLite chỉ phục hồi vào một tệp SQLite (sqlite://…)",
            ));
        };
        let target = Path::new(target.split('?').next().unwrap_or(target));
        if target.exists() {
            return Err(StoreError::invalid(format!(
                "tệp đích «{}» đã có: phục hồi không ghi đè cơ sở dữ liệu",
                target.display()
            )));
        }
        std::fs::copy(file, target).map_err(|e| StoreError::io(target, e))?;
        let store = Store::open(url).await?;
        let pool = store
            .sqlite_pool()
            .ok_or_else(|| StoreError::invalid("không mở được tệp SQLite"))?;
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(pool)
            .await?;
        if check != "ok" {
            return Err(StoreError::Corrupt(format!("bản sao lưu hỏng: {check}")));
        }
        let tables = store.table_counts().await?;
        return Ok((
            store,
            BackupSummary {
                format: "sqlite",
                tables,
                bytes,
            },
        ));
    }
    let store = Store::open(url).await?;
    store.import_postgres(file).await?;
    let tables = store.table_counts().await?;
    Ok((
        store,
        BackupSummary {
            format: "postgres",
            tables,
            bytes,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_follow_what_they_reference() {
        let tables: Vec<String> = ["subjects", "orgs", "plans", "decisions"]
            .map(String::from)
            .to_vec();
        let references = [
            ("subjects", "plans"),
            ("plans", "orgs"),
            ("decisions", "subjects"),
            ("decisions", "decisions"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()));
        assert_eq!(
            dependency_order(&tables, &references),
            ["orgs", "plans", "subjects", "decisions"]
        );
    }
}
