//! [`Tx::report_subtree_counts`] on SQLite: the subtree's count rows read on the connection's own
//! handle (rusqlite), one direct child of the root at a time, beside the plans' subjects counted
//! and their KHTNV listed — and, when the pool has a connection idle, all of it shared between
//! two connections reading the same snapshot, one thread each (a machine of two cores reads a
//! national summary in about half the time).
//!
//! The second connection opens the very snapshot the transaction reads
//! (`sqlite3_snapshot_open`, built in with `SQLITE_ENABLE_SNAPSHOT`, see `.cargo/config.toml`),
//! so that the parts read on it and on the transaction's own connection are one instant of the
//! database, as if one connection had read them all. When that cannot be had, the transaction's
//! connection reads everything alone.

use super::{
    PASS_COLUMNS, PassRow, RatedSubject, ReportScope, SUBTREE_COUNTS_SQLITE, StageCounts,
    StoredColumns, SubtreeAsk, SubtreeCounts, SubtreeSums, khtnv_in_order, khtnv_sql,
    plan_totals_sql,
};
use crate::error::{Result, StoreError};
use crate::vocab::Stored;
use kiemdiem_rules::SubjectKind;
use rusqlite::ffi;
use rusqlite::types::ValueRef;
use rustc_hash::FxHashMap;
use std::ffi::CStr;
use std::ptr::{NonNull, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use uuid::Uuid;

/// The handle of an open SQLite connection, handed to the thread that reads on it.
#[derive(Clone, Copy)]
struct Handle(NonNull<ffi::sqlite3>);

// SAFETY: the bundled SQLite is built thread-safe (`SQLITE_THREADSAFE=1`): a connection may be
// used from any thread, and each `Handle` is used by one thread at a time ([`read_on`]).
unsafe impl Send for Handle {}

impl Handle {
    /// The raw handle (a method, so that a closure moving a `Handle` takes the whole of it).
    fn raw(self) -> *mut ffi::sqlite3 {
        self.0.as_ptr()
    }
}

/// One part of the reading, taken by whichever connection is free first.
#[derive(Debug, Clone, Copy)]
enum Task {
    /// The KHTNV list of the plans asked ([`SubtreeAsk::khtnv_of`]).
    Khtnv,
    /// The subjects of the plans asked counted ([`SubtreeAsk::totals_of`]).
    Totals,
    /// The count rows of the root's own units (`child` none) or of the whole subtree of the
    /// root's direct child `child`.
    Under { org: Uuid, child: Option<Uuid> },
}

/// What one connection read of the tasks it took, with the names of the deciding
/// organisations its sums met.
struct Read {
    sums: SubtreeSums,
    totals: Vec<(Uuid, i64)>,
    khtnv: Vec<RatedSubject>,
    names: FxHashMap<Uuid, String>,
}

/// The values every statement of the reading binds, as sqlx binds them for SQLite (a date as
/// `YYYY-MM-DD`).
struct Binds<'a> {
    scope: &'a ReportScope,
    on: String,
}

/// [`super::Tx::report_subtree_counts`] on SQLite: on `conn`, the transaction's connection,
/// and on a second connection when `helpers` (the transaction's pool) lends one.
pub(super) async fn subtree_counts(
    conn: &mut sqlx::SqliteConnection,
    helpers: Option<&sqlx::SqlitePool>,
    scope: &ReportScope,
    ask: &SubtreeAsk<'_>,
) -> Result<SubtreeCounts> {
    let mut helper = match helpers {
        Some(pool) => helper(pool).await,
        None => None,
    };
    let counts = {
        let mut own = conn.lock_handle().await?;
        let mut other = match helper.as_deref_mut() {
            Some(c) => Some(c.lock_handle().await?),
            None => None,
        };
        let own_handle = Handle(own.as_raw_handle());
        let other_handle = other.as_mut().map(|h| Handle(h.as_raw_handle()));
        // SAFETY: both handles are locked out from sqlx's worker threads until `own` and
        // `other` are dropped, after `read_on` has returned; the two transactions hold their
        // connections, so nothing else uses them meanwhile. `own`'s transaction has read (the
        // report's plan), `other`'s has just begun and read nothing.
        unsafe { read_on(own_handle, other_handle, scope, ask) }
    };
    if let Some(helper) = helper {
        // Ends the helper's read transaction now rather than when the pool next lends it.
        helper.rollback().await?;
    }
    counts
}

/// A second connection of the pool in a transaction that has read nothing: an idle one, or a
/// new one while the pool is below its size. Never waited for: when every connection is busy
/// the report reads alone, leaving the pool to the others.
async fn helper(pool: &sqlx::SqlitePool) -> Option<sqlx::Transaction<'static, sqlx::Sqlite>> {
    if let Ok(Some(idle)) = pool.try_begin().await {
        return Some(idle);
    }
    if pool.size() >= pool.options().get_max_connections() {
        return None;
    }
    // Opening a SQLite connection takes a few milliseconds; should another task take the last
    // place in the pool meanwhile, give up rather than queue.
    tokio::time::timeout(OPEN_HELPER, pool.begin())
        .await
        .ok()
        .and_then(|begun| begun.ok())
}

/// How long a report waits for a second connection to be opened.
const OPEN_HELPER: std::time::Duration = std::time::Duration::from_millis(200);

/// Reads on `own`, and on `other` too when it can read the same snapshot.
///
/// # Safety
/// `own` and `other` are open connections that nothing else uses until this returns; `own` is
/// in a transaction, `other` in a transaction that has read nothing yet.
unsafe fn read_on(
    own: Handle,
    other: Option<Handle>,
    scope: &ReportScope,
    ask: &SubtreeAsk<'_>,
) -> Result<SubtreeCounts> {
    // SAFETY: the caller's; `from_handle` does not close the connection when dropped.
    let db = unsafe { rusqlite::Connection::from_handle(own.raw()) }.map_err(sqlite_error)?;
    let binds = Binds {
        scope,
        on: scope.on.to_string(),
    };
    let mut tasks = Vec::new();
    if !ask.khtnv_of.is_empty() {
        tasks.push(Task::Khtnv);
    }
    if !ask.totals_of.is_empty() {
        tasks.push(Task::Totals);
    }
    tasks.extend(children(&db, &binds)?.into_iter().map(|child| Task::Under {
        org: child,
        child: Some(child),
    }));
    tasks.push(Task::Under {
        org: scope.root,
        child: None,
    });
    // SAFETY: the caller's: `other` is used by nothing else, in a transaction not yet read.
    let other = other.filter(|b| tasks.len() > 1 && unsafe { share_snapshot(&db, *b) });
    let next = AtomicUsize::new(0);
    let work = |db: &rusqlite::Connection| read_tasks(db, &binds, ask, &tasks, &next);
    let (mine, theirs) = std::thread::scope(|threads| {
        let theirs = other.map(|b| {
            threads.spawn(move || {
                // SAFETY: the caller's; this thread is the only one using `b` until it ends.
                let db =
                    unsafe { rusqlite::Connection::from_handle(b.raw()) }.map_err(sqlite_error)?;
                work(&db)
            })
        });
        (work(&db), theirs.map(|thread| thread.join()))
    });
    let mut read = mine?;
    if let Some(theirs) = theirs {
        let theirs = theirs.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        read.sums.merge(theirs.sums);
        read.totals.extend(theirs.totals);
        read.khtnv.extend(theirs.khtnv);
        read.names.extend(theirs.names);
    }
    let mut counts = read.sums.finish(&read.names);
    counts.plan_totals = read.totals;
    counts.khtnv = khtnv_in_order(read.khtnv);
    counts.connections = 1 + usize::from(other.is_some());
    Ok(counts)
}

/// Opens on `other` the snapshot that `own`'s read transaction reads, so that the two read one
/// instant of the database; `false` when it cannot (`own` then reads alone).
///
/// # Safety
/// `other` is an open connection that nothing else uses meanwhile.
unsafe fn share_snapshot(own: &rusqlite::Connection, other: Handle) -> bool {
    const MAIN: &CStr = c"main";
    // SAFETY: both connections are open; nothing else uses them (the caller's).
    unsafe {
        let a = own.handle();
        let b = other.raw();
        // `own` must hold a read transaction (its statements have read), `other` must be in a
        // transaction that has read nothing yet.
        if ffi::sqlite3_txn_state(a, MAIN.as_ptr()) != ffi::SQLITE_TXN_READ
            || ffi::sqlite3_get_autocommit(b) != 0
            || ffi::sqlite3_txn_state(b, MAIN.as_ptr()) != ffi::SQLITE_TXN_NONE
        {
            return false;
        }
        let mut snapshot = null_mut();
        if ffi::sqlite3_snapshot_get(a, MAIN.as_ptr(), &mut snapshot) == ffi::SQLITE_OK {
            // Refused (`SQLITE_ERROR_SNAPSHOT`) when a write has since restarted the log
            // (`own` reads the database file alone, its log wholly checkpointed).
            let opened = ffi::sqlite3_snapshot_open(b, MAIN.as_ptr(), snapshot);
            ffi::sqlite3_snapshot_free(snapshot);
            return opened == ffi::SQLITE_OK;
        }
        // SQLite takes no snapshot while nothing has been written to the write-ahead log since
        // it was made (a database just opened, its log empty): `own` then reads the database
        // file alone, which no checkpoint may change while it reads. `other` reads the same
        // exactly when, its read transaction open, it too finds nothing written; a write
        // committed in between would have left it a snapshot to take.
        if ffi::sqlite3_exec(
            b,
            c"PRAGMA schema_version".as_ptr(),
            None,
            null_mut(),
            null_mut(),
        ) != ffi::SQLITE_OK
            || ffi::sqlite3_txn_state(b, MAIN.as_ptr()) != ffi::SQLITE_TXN_READ
        {
            return false;
        }
        let mut theirs = null_mut();
        if ffi::sqlite3_snapshot_get(b, MAIN.as_ptr(), &mut theirs) == ffi::SQLITE_OK {
            ffi::sqlite3_snapshot_free(theirs);
            return false;
        }
        true
    }
}

/// Takes tasks until none is left, on one connection.
fn read_tasks(
    db: &rusqlite::Connection,
    binds: &Binds<'_>,
    ask: &SubtreeAsk<'_>,
    tasks: &[Task],
    next: &AtomicUsize,
) -> Result<Read> {
    let mut read = Read {
        sums: SubtreeSums::new(ask.quota),
        totals: Vec::new(),
        khtnv: Vec::new(),
        names: FxHashMap::default(),
    };
    let mut under = None;
    while let Some(task) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
        match *task {
            Task::Khtnv => read.khtnv = rated_khtnv(db, binds, ask.khtnv_of)?,
            Task::Totals => read.totals = plan_totals(db, ask.totals_of)?,
            Task::Under { org, child } => {
                let statement = match &mut under {
                    Some(statement) => statement,
                    None => under.insert(under_statement(db, binds)?),
                };
                pass(statement, org, child, &mut read.sums)?;
            }
        }
    }
    read.names = deciding_names(db, binds, read.sums.deciding_orgs())?;
    Ok(read)
}

/// The direct children of the root on the date.
fn children(db: &rusqlite::Connection, binds: &Binds<'_>) -> Result<Vec<Uuid>> {
    let mut statement = db
        .prepare(
            "SELECT descendant_id FROM org_closure \
             WHERE ancestor_id = $1 AND valid_from <= $2 AND valid_to > $2 AND depth = 1",
        )
        .map_err(sqlite_error)?;
    statement
        .raw_bind_parameter("$1", &binds.scope.root.as_bytes()[..])
        .and_then(|_| statement.raw_bind_parameter("$2", &binds.on))
        .map_err(sqlite_error)?;
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(sqlite_error)? {
        out.extend(stored_uuid(
            row.get_ref(0).map_err(sqlite_error)?,
            "org_closure.descendant_id",
        )?);
    }
    Ok(out)
}

/// The count rows under one organisation (`$1`): its own units when `$7` is 0, its whole
/// subtree otherwise; the scope's other values bound once.
fn under_statement<'db>(
    db: &'db rusqlite::Connection,
    binds: &Binds<'_>,
) -> Result<rusqlite::Statement<'db>> {
    let sql = format!("SELECT {PASS_COLUMNS} {SUBTREE_COUNTS_SQLITE} AND u.depth <= $7");
    let mut statement = db.prepare(&sql).map_err(sqlite_error)?;
    statement
        .raw_bind_parameter("$2", &binds.on)
        .and_then(|_| statement.raw_bind_parameter("$3", binds.scope.year))
        .and_then(|_| statement.raw_bind_parameter("$4", binds.scope.period_kind))
        .and_then(|_| statement.raw_bind_parameter("$5", binds.scope.period_no))
        .and_then(|_| statement.raw_bind_parameter("$6", SubjectKind::Organisation.code()))
        .map_err(sqlite_error)?;
    Ok(statement)
}

/// Adds the count rows under `org` to `sums`, each under `child`.
fn pass(
    statement: &mut rusqlite::Statement<'_>,
    org: Uuid,
    child: Option<Uuid>,
    sums: &mut SubtreeSums,
) -> Result<()> {
    statement
        .raw_bind_parameter("$1", &org.as_bytes()[..])
        .and_then(|_| {
            statement.raw_bind_parameter("$7", if child.is_some() { i64::MAX } else { 0 })
        })
        .map_err(sqlite_error)?;
    let mut rows = statement.raw_query();
    while let Some(row) = rows.next().map_err(sqlite_error)? {
        let value = |i: usize| row.get_ref(i).map_err(sqlite_error);
        let int = |i: usize| row.get::<_, i64>(i).map_err(sqlite_error);
        let text = |i: usize| -> Result<&str> { value(i)?.as_str().map_err(sqlite_type_error) };
        let counts = StageCounts::try_from(StoredColumns {
            subjects: int(7)?,
            pending: int(8)?,
            self_reviewed: int(9)?,
            reviewed: int(10)?,
            proposed: int(11)?,
            decided: int(12)?,
            excluded_subjects: int(13)?,
            htxsnv: int(14)?,
            httnv: int(15)?,
            htnv: int(16)?,
            khtnv: int(17)?,
        })?;
        sums.add(&PassRow {
            child,
            plan: required_uuid(value(0)?, "subject_counts.plan_id")?,
            kind: stored_code(value(1)?, "subject_counts.kind")?,
            participation: stored_code(value(2)?, "subject_counts.participation")?,
            org_kind: match value(3)? {
                ValueRef::Null => None,
                code => Some(stored_code(code, "subject_counts.org_id (loại tổ chức)")?),
            },
            excluded_reason: text(4)?,
            quota_group: text(5)?,
            deciding: stored_uuid(value(6)?, "subject_counts.deciding_org_id")?.unwrap_or_default(),
            counts,
        });
    }
    Ok(())
}

/// [`super::Tx::report_plan_totals`] on the connection's own handle.
fn plan_totals(db: &rusqlite::Connection, plans: &[Uuid]) -> Result<Vec<(Uuid, i64)>> {
    let mut statement = db
        .prepare(&plan_totals_sql(plans.len()))
        .map_err(sqlite_error)?;
    bind_uuids(&mut statement, 1, plans)?;
    let mut rows = statement.raw_query();
    let mut out = Vec::with_capacity(plans.len());
    while let Some(row) = rows.next().map_err(sqlite_error)? {
        let plan = stored_uuid(row.get_ref(0).map_err(sqlite_error)?, "subjects.plan_id")?;
        let count = row.get::<_, i64>(1).map_err(sqlite_error)?;
        out.extend(plan.map(|plan| (plan, count)));
    }
    Ok(out)
}

/// [`super::Tx::report_rated_khtnv`] with `whole` on the connection's own handle.
fn rated_khtnv(
    db: &rusqlite::Connection,
    binds: &Binds<'_>,
    plans: &[Uuid],
) -> Result<Vec<RatedSubject>> {
    let sql = khtnv_sql(crate::db::Backend::Sqlite, plans.len(), true);
    let mut statement = db.prepare(&sql).map_err(sqlite_error)?;
    statement
        .raw_bind_parameter(1, &binds.on)
        .map_err(sqlite_error)?;
    bind_uuids(&mut statement, 2, plans)?;
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(sqlite_error)? {
        let value = |i: usize| row.get_ref(i).map_err(sqlite_error);
        let text = |i: usize| -> Result<String> {
            Ok(value(i)?.as_str().map_err(sqlite_type_error)?.to_owned())
        };
        out.push(RatedSubject {
            id: required_uuid(value(0)?, "subjects.id")?,
            name: text(1)?,
            sort_key: text(2)?,
            kind: stored_code(value(3)?, "subjects.kind")?,
            unit_id: required_uuid(value(4)?, "subjects.unit_id")?,
            unit_name: match value(5)? {
                ValueRef::Null => None,
                _ => Some(text(5)?),
            },
        });
    }
    Ok(out)
}

/// Each deciding organisation's name on the date, or its last name when it no longer existed
/// then; many groups share one (members and branches decided by one committee).
fn deciding_names(
    db: &rusqlite::Connection,
    binds: &Binds<'_>,
    orgs: Vec<Uuid>,
) -> Result<FxHashMap<Uuid, String>> {
    let mut on_date = db
        .prepare("SELECT name FROM org_versions WHERE org_id = $1 AND valid_from <= $2 AND valid_to > $2")
        .map_err(sqlite_error)?;
    let mut last = db
        .prepare("SELECT name FROM org_versions WHERE org_id = $1 ORDER BY seq DESC LIMIT 1")
        .map_err(sqlite_error)?;
    let mut names = FxHashMap::default();
    for org in orgs {
        on_date
            .raw_bind_parameter("$1", &org.as_bytes()[..])
            .and_then(|_| on_date.raw_bind_parameter("$2", &binds.on))
            .and_then(|_| last.raw_bind_parameter("$1", &org.as_bytes()[..]))
            .map_err(sqlite_error)?;
        let mut name = first_text(on_date.raw_query())?;
        if name.is_none() {
            name = first_text(last.raw_query())?;
        }
        if let Some(name) = name {
            names.insert(org, name);
        }
    }
    Ok(names)
}

/// A SQLite error met on the connection's own handle, as the store reports database errors.
fn sqlite_error(error: rusqlite::Error) -> StoreError {
    StoreError::Database(sqlx::Error::Protocol(error.to_string()))
}

fn sqlite_type_error(error: rusqlite::types::FromSqlError) -> StoreError {
    StoreError::Corrupt(format!("báo cáo tổng hợp: {error}"))
}

/// A UUID stored as SQLite stores them (16 bytes), or NULL; `column` names the table's column.
fn stored_uuid(value: ValueRef<'_>, column: &str) -> Result<Option<Uuid>> {
    match value {
        ValueRef::Null => Ok(None),
        ValueRef::Blob(bytes) => Uuid::from_slice(bytes)
            .map(Some)
            .map_err(|_| StoreError::Corrupt(format!("{column}: không phải UUID"))),
        _ => Err(StoreError::Corrupt(format!("{column}: không phải UUID"))),
    }
}

/// A UUID that must be there; `column` names the table's column.
fn required_uuid(value: ValueRef<'_>, column: &str) -> Result<Uuid> {
    stored_uuid(value, column)?.ok_or_else(|| StoreError::Corrupt(format!("{column}: trống")))
}

/// Binds `ids` as SQLite stores UUIDs (16 bytes), from parameter number `first` on.
fn bind_uuids(statement: &mut rusqlite::Statement<'_>, first: usize, ids: &[Uuid]) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        statement
            .raw_bind_parameter(first + i, &id.as_bytes()[..])
            .map_err(sqlite_error)?;
    }
    Ok(())
}

/// A code of one of the rules' vocabularies, read as [`crate::vocab::Coded`] reads it.
fn stored_code<T: Stored>(value: ValueRef<'_>, column: &str) -> Result<T> {
    let code = value.as_str().map_err(sqlite_type_error)?;
    T::from_code(code).map_err(|bad| StoreError::Corrupt(format!("{bad} ({column})")))
}

/// The text in the first column of a statement's first row, if it has one.
fn first_text(mut rows: rusqlite::Rows<'_>) -> Result<Option<String>> {
    match rows.next().map_err(sqlite_error)? {
        Some(row) => Ok(Some(row.get::<_, String>(0).map_err(sqlite_error)?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use sqlx::{Executor, SqlitePool};

    async fn pool(file: &std::path::Path) -> SqlitePool {
        let options = SqliteConnectOptions::new()
            .filename(file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        SqlitePoolOptions::new()
            .max_connections(3)
            .connect_with(options)
            .await
            .unwrap()
    }

    /// `t.n` as the connection's transaction sees it.
    fn seen(handle: Handle) -> i64 {
        // SAFETY: the test holds the connection's lock; nothing else uses it.
        let db = unsafe { rusqlite::Connection::from_handle(handle.raw()) }.unwrap();
        db.query_row("SELECT n FROM t", [], |row| row.get(0))
            .unwrap()
    }

    /// A log written since it was made (the snapshot is taken and opened), the same wholly
    /// checkpointed, and a log never written (the database just opened), each with or without
    /// a write committed by a third connection between the first transaction's read and the
    /// second's start.
    #[tokio::test]
    async fn the_second_connection_reads_the_first_ones_snapshot_or_none() {
        for (log_written, checkpointed, write_between, shared) in [
            (true, false, true, Some(true)),
            (true, false, false, Some(true)),
            (true, true, false, Some(true)),
            // The first reads the database file alone (its log wholly checkpointed): the write
            // either appends to the log, and the snapshot opens, or restarts it, and the
            // snapshot is gone. Either way the second never reads past the first's instant.
            (true, true, true, None),
            (false, false, false, Some(true)),
            (false, false, true, Some(false)),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("t.db");
            let setup = pool(&file).await;
            setup
                .execute("CREATE TABLE t (n INTEGER NOT NULL); INSERT INTO t VALUES (1)")
                .await
                .unwrap();
            // The last connection closed checkpoints the log and removes it.
            setup.close().await;
            assert!(!dir.path().join("t.db-wal").exists());
            let pool = pool(&file).await;
            if log_written {
                pool.execute("UPDATE t SET n = 2").await.unwrap();
            }
            if checkpointed {
                pool.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    .await
                    .unwrap();
            }
            let before: i64 = sqlx::query_scalar("SELECT n FROM t")
                .fetch_one(&pool)
                .await
                .unwrap();
            let mut own = pool.begin().await.unwrap();
            let first: i64 = sqlx::query_scalar("SELECT n FROM t")
                .fetch_one(&mut *own)
                .await
                .unwrap();
            assert_eq!(first, before);
            if write_between {
                pool.execute("UPDATE t SET n = n + 10").await.unwrap();
            }
            let mut other = pool.begin().await.unwrap();
            let mut own_lock = own.lock_handle().await.unwrap();
            let mut other_lock = other.lock_handle().await.unwrap();
            let own_handle = Handle(own_lock.as_raw_handle());
            let other_handle = Handle(other_lock.as_raw_handle());
            // SAFETY: the test holds both connections' locks; nothing else uses them.
            let own_db = unsafe { rusqlite::Connection::from_handle(own_handle.raw()) }.unwrap();
            let opened = unsafe { share_snapshot(&own_db, other_handle) };
            drop(own_db);
            assert!(
                shared.is_none_or(|shared| shared == opened),
                "log written {log_written}, checkpointed {checkpointed}, write between {write_between}"
            );
            if opened {
                assert_eq!(
                    seen(other_handle),
                    before,
                    "the second sees the first's instant"
                );
            }
            assert_eq!(seen(own_handle), before);
            drop(other_lock);
            drop(own_lock);
            drop(other);
            drop(own);
            let now: i64 = sqlx::query_scalar("SELECT n FROM t")
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(now, before + if write_between { 10 } else { 0 });
            pool.close().await;
        }
    }
}
