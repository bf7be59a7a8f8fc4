//! The connection to the database: [`Store`] (a pool for SQLite or PostgreSQL, chosen from the
//! URL), [`Tx`] (one transaction, the only way to read or write), migrations, and [`retry`].
//!
//! Migrations live in `migrations/sqlite` and `migrations/postgres`, one file per step with the
//! same number and name in both (`0001_org_tree.sql`, `0002_people.sql`, …); later issues add
//! theirs after these. Both directories are embedded in the binary.
//!
//! Every query in the crate is written once with `$1` placeholders and run on either backend by
//! the `on_conn!` macro, which expands the same code once per driver so each copy is type-checked
//! against its own driver. Dialect branches exist only where the backends truly differ (bulk
//! load). Nothing is kept in memory between transactions: app servers stay stateless.

use crate::checkpoint::{self, Checkpointer};
use crate::error::{Result, StoreError};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};
use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The database used when no `--database` is given.
pub const DEFAULT_URL: &str = "sqlite://kiemdiem.db";

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A handle on the database; cheap to clone, safe to share between tasks.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// SQLite has one writer at a time: write transactions of this process queue here (an
    /// async wait, in arrival order) instead of in SQLite's busy handler, which sleeps up to
    /// 100 ms between tries. Held from `BEGIN IMMEDIATE` to commit, rollback or drop. Other
    /// processes on the same file are still kept out by SQLite's lock and the busy timeout.
    /// `None` on PostgreSQL (row locks, many writers).
    write_gate: Option<Arc<Semaphore>>,
    /// The background WAL checkpoint of a SQLite file ([`crate::checkpoint`]), running while
    /// a clone of the store exists.
    checkpointer: Option<Arc<Checkpointer>>,
    /// The installation's audit key, carried for the app (which seals audit entries with it
    /// inside write transactions); never written to the database.
    audit_key: Option<AuditKeyBytes>,
}

/// Key material the store carries but never stores or shows (its `Debug` prints no byte).
#[derive(Clone)]
pub struct AuditKeyBytes(Arc<[u8]>);

impl AuditKeyBytes {
    pub fn new(bytes: &[u8]) -> AuditKeyBytes {
        AuditKeyBytes(Arc::from(bytes))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for AuditKeyBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKeyBytes(…)")
    }
}

/// How long a SQLite write transaction waits for the write gate, as long as SQLite's busy
/// timeout: past it the transaction fails as retryable, like `SQLITE_BUSY`.
const WRITE_WAIT: Duration = Duration::from_secs(10);

/// Who writes, and when: stamped on every row a write transaction creates or closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub by: String,
    pub at: OffsetDateTime,
}

/// One row written by a transaction: the seam for the audit log, which reads
/// [`Tx::changes`] before commit and chains them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The table written (`orgs`, `member_versions` …).
    pub table: &'static str,
    /// The record's key as text (a UUID, or `uuid/seq` for versioned rows).
    pub key: String,
    /// What happened to it: `insert` or `close`.
    pub action: &'static str,
}

pub(crate) enum TxConn {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
    /// A PostgreSQL connection outside any transaction ([`Store::glance`]): each statement runs
    /// on its own, with no `BEGIN` or `ROLLBACK` round trip around it.
    PostgresLoose(PoolConnection<Postgres>),
}

/// The PostgreSQL connection under a transaction or a glance (the `on_conn!` macro's second arm).
pub(crate) fn pg_connection(conn: &mut TxConn) -> &mut sqlx::PgConnection {
    match conn {
        TxConn::Postgres(t) => t,
        TxConn::PostgresLoose(c) => c,
        TxConn::Sqlite(_) => unreachable!("on_conn! takes its first arm for SQLite"),
    }
}

/// A transaction. Obtain one with [`Store::begin`] (writes; SQLite `BEGIN IMMEDIATE`) or
/// [`Store::read`] (a read-only consistent snapshot). Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    pub(crate) conn: TxConn,
    stamp: Option<Stamp>,
    changes: Vec<Change>,
    audit_key: Option<AuditKeyBytes>,
    /// For a SQLite read transaction: the pool a long read may borrow a second, idle connection
    /// from, to read the same snapshot on another core (see [`Tx::report_subtree_counts`]).
    pub(crate) helpers: Option<SqlitePool>,
    /// The SQLite write gate, released after the connection (fields drop in order: a dropped
    /// transaction queues its rollback before the next writer is let in).
    _gate: Option<OwnedSemaphorePermit>,
}

/// Runs `$body` with `$c` bound to the transaction's connection, once per backend.
macro_rules! on_conn {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut $tx.conn {
            $crate::db::TxConn::Sqlite(t) => {
                let $c: &mut sqlx::SqliteConnection = &mut **t;
                $body
            }
            other => {
                let $c: &mut sqlx::PgConnection = $crate::db::pg_connection(other);
                $body
            }
        }
    };
}
pub(crate) use on_conn;

impl Store {
    /// The WAL of a SQLite file truncated now if no reader holds it, or else by the background
    /// checkpointer as soon as none does; `true` when it is empty now. Never waits for a reader.
    pub(crate) async fn truncate_wal_soon(&self) -> Result<bool> {
        let Some(pool) = self.sqlite_pool() else {
            return Ok(true);
        };
        if checkpoint::truncate_now(pool, WRITE_WAIT).await? {
            return Ok(true);
        }
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.owe_truncate();
        }
        Ok(false)
    }

    pub(crate) fn sqlite_pool(&self) -> Option<&SqlitePool> {
        match &self.pool {
            Pool::Sqlite(pool) => Some(pool),
            Pool::Postgres(_) => None,
        }
    }

    pub(crate) fn pg_pool(&self) -> Option<&PgPool> {
        match &self.pool {
            Pool::Postgres(pool) => Some(pool),
            Pool::Sqlite(_) => None,
        }
    }

    /// The same store carrying the installation's audit key for the app (see [`Tx::audit_key`]).
    pub fn with_audit_key(mut self, key: AuditKeyBytes) -> Store {
        self.audit_key = Some(key);
        self
    }

    /// Connects to `url` and applies the embedded migrations that are not yet applied.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without touching the schema. A SQLite file is created on first use and opened in
    /// WAL mode with a busy timeout and foreign keys on.
    pub async fn connect(url: &str) -> Result<Store> {
        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|_| StoreError::BadUrl(redact_url(url)))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(WRITE_WAIT)
                .foreign_keys(true)
                .pragma("cache_size", "-65536")
                .pragma("temp_store", "memory");
            // An in-memory database lives as long as its connection: keep exactly one.
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            // A file's WAL is checkpointed in the background, never inside a commit.
            let options = if in_memory {
                options
            } else {
                options.pragma("wal_autocheckpoint", "0")
            };
            let pool = if in_memory {
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
            } else {
                SqlitePoolOptions::new().max_connections(8)
            };
            // A SQLite connection is a file handle in this process: nothing to test before
            // lending it (the default pings its worker thread on every acquire).
            let pool = pool.test_before_acquire(false);
            Pool::Sqlite(pool.connect_with(options).await?)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options =
                PgConnectOptions::from_str(url).map_err(|_| StoreError::BadUrl(redact_url(url)))?;
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(16)
                    // Ping a connection before lending it only if it sat idle for a while (a
                    // server or network may have dropped it), not on every transaction: the
                    // default costs a round trip per transaction.
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| {
                        Box::pin(async move {
                            if meta.idle_for > Duration::from_secs(30) {
                                sqlx::Connection::ping(conn).await?;
                            }
                            Ok(true)
                        })
                    })
                    .connect_with(options)
                    .await?,
            )
        } else {
            return Err(StoreError::BadUrl(redact_url(url)));
        };
        let (write_gate, checkpointer) = match &pool {
            Pool::Sqlite(sqlite) => {
                let in_memory = url.contains(":memory:") || url.contains("mode=memory");
                (
                    Some(Arc::new(Semaphore::new(1))),
                    (!in_memory).then(|| checkpoint::start(sqlite.clone(), WRITE_WAIT)),
                )
            }
            Pool::Postgres(_) => (None, None),
        };
        Ok(Store {
            pool,
            write_gate,
            checkpointer,
            audit_key: None,
        })
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the embedded migrations (`migrations/sqlite` or `migrations/postgres`); returns
    /// how many were newly applied. No advisory lock is taken (portable to distributed
    /// PostgreSQL-compatible databases): run `kiemdiem migrate` before starting several servers.
    pub async fn migrate(&self) -> Result<usize> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                let migrator = sqlx::migrate!("./migrations/sqlite");
                let before = applied_count_sqlite(pool).await?;
                migrator.run(pool).await?;
                Ok(applied_count_sqlite(pool).await? - before)
            }
            Pool::Postgres(pool) => {
                let mut migrator = sqlx::migrate!("./migrations/postgres");
                migrator.set_locking(false);
                let before = applied_count_pg(pool).await?;
                migrator.run(pool).await?;
                Ok(applied_count_pg(pool).await? - before)
            }
        }
    }

    /// Starts a write transaction; every row it writes is stamped with `changed_by` and the
    /// transaction's start time. On SQLite it first waits its turn at the process's write gate
    /// (then `BEGIN IMMEDIATE`), so writers of one server never sleep in the busy handler;
    /// after [`WRITE_WAIT`] it fails as retryable.
    pub async fn begin(&self, changed_by: &str) -> Result<Tx> {
        let changed_by = changed_by.trim();
        if changed_by.is_empty() {
            return Err(StoreError::invalid("thiếu người thực hiện thay đổi"));
        }
        let gate = match &self.write_gate {
            Some(gate) => Some(
                tokio::time::timeout(WRITE_WAIT, gate.clone().acquire_owned())
                    .await
                    .map_err(|_| StoreError::Retryable(sqlx::Error::PoolTimedOut))?
                    .map_err(|_| StoreError::Database(sqlx::Error::PoolClosed))?,
            ),
            None => None,
        };
        let conn = match &self.pool {
            Pool::Sqlite(pool) => TxConn::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => TxConn::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            conn,
            stamp: Some(Stamp {
                by: changed_by.to_string(),
                at: now_micros(),
            }),
            changes: Vec::new(),
            audit_key: self.audit_key.clone(),
            helpers: None,
            _gate: gate,
        })
    }

    /// Starts a read-only transaction: every query in it sees the same snapshot.
    pub async fn read(&self) -> Result<Tx> {
        let (conn, helpers) = match &self.pool {
            Pool::Sqlite(pool) => (TxConn::Sqlite(pool.begin().await?), Some(pool.clone())),
            Pool::Postgres(pool) => (
                TxConn::Postgres(
                    pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                        .await?,
                ),
                None,
            ),
        };
        Ok(Tx {
            conn,
            stamp: None,
            changes: Vec::new(),
            audit_key: self.audit_key.clone(),
            helpers,
            _gate: None,
        })
    }

    /// Reads without a snapshot: on PostgreSQL each statement runs on its own and sees what is
    /// committed when it runs, with no `BEGIN`/`ROLLBACK` round trips (on SQLite, where a
    /// transaction costs no round trip, it is [`Store::read`]). For the look-ups made on every
    /// request — who is signed in, where a record sits in the tree — each answered by
    /// statements that need not agree on one instant; use [`Store::read`] when they must.
    /// Writes are refused as in a read transaction (no stamp).
    pub async fn glance(&self) -> Result<Tx> {
        let conn = match &self.pool {
            Pool::Sqlite(_) => return self.read().await,
            Pool::Postgres(pool) => TxConn::PostgresLoose(pool.acquire().await?),
        };
        Ok(Tx {
            conn,
            stamp: None,
            changes: Vec::new(),
            audit_key: self.audit_key.clone(),
            helpers: None,
            _gate: None,
        })
    }

    /// The space the database takes, in bytes (SQLite: pages in use; PostgreSQL: the database).
    pub async fn size_bytes(&self) -> Result<i64> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
                    .fetch_one(pool)
                    .await?;
                let size: i64 = sqlx::query_scalar("PRAGMA page_size")
                    .fetch_one(pool)
                    .await?;
                Ok(pages * size)
            }
            Pool::Postgres(pool) => Ok(sqlx::query_scalar(
                "SELECT pg_database_size(current_database())::BIGINT",
            )
            .fetch_one(pool)
            .await?),
        }
    }

    /// Refreshes the planner's statistics (after a bulk load).
    pub async fn analyze(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(pool)
                    .await?;
            }
            Pool::Postgres(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Runs maintenance statements (VACUUM, WAL checkpoint) on a pooled connection, outside any
    /// transaction; returns the first column of each statement's first row (0 when none).
    pub(crate) async fn outside_transaction(
        &self,
        statements: &[&'static str],
    ) -> Result<Vec<i64>> {
        use sqlx::Row;
        let mut out = Vec::with_capacity(statements.len());
        for statement in statements {
            let first = match &self.pool {
                Pool::Sqlite(pool) => sqlx::query(*statement)
                    .fetch_optional(pool)
                    .await?
                    .and_then(|row| row.try_get::<i64, _>(0).ok()),
                Pool::Postgres(pool) => sqlx::query(*statement)
                    .fetch_optional(pool)
                    .await?
                    .and_then(|row| row.try_get::<i64, _>(0).ok()),
            };
            out.push(first.unwrap_or(0));
        }
        Ok(out)
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => {
                // The last checkpoint (the background one stops with the pool); a failure
                // leaves the WAL for the next open, which loses nothing.
                let _ = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(pool)
                    .await;
                pool.close().await
            }
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

async fn applied_count_sqlite(pool: &SqlitePool) -> Result<usize> {
    let exists: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(pool)
    .await?;
    if exists == 0 {
        return Ok(0);
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await?;
    Ok(n as usize)
}

async fn applied_count_pg(pool: &PgPool) -> Result<usize> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await?;
    if !exists {
        return Ok(0);
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await?;
    Ok(n as usize)
}

/// The current time rounded to microseconds, the precision both backends keep.
fn now_micros() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap_or(now)
}

impl Tx {
    /// The audit key of the store this transaction came from, if the installation has one.
    pub fn audit_key(&self) -> Option<&AuditKeyBytes> {
        self.audit_key.as_ref()
    }

    pub fn backend(&self) -> Backend {
        match self.conn {
            TxConn::Sqlite(_) => Backend::Sqlite,
            TxConn::Postgres(_) | TxConn::PostgresLoose(_) => Backend::Postgres,
        }
    }

    /// Reads on this transaction's connection only, never borrowing a second one (a long read
    /// on SQLite otherwise borrows an idle connection of the pool to read the same snapshot on
    /// another core). For comparing the two ways in tests, and for a caller that must leave the
    /// pool's connections to others.
    pub fn alone(mut self) -> Tx {
        self.helpers = None;
        self
    }

    /// Who writes and when; refuses in a read-only transaction.
    pub fn stamp(&self) -> Result<&Stamp> {
        self.stamp.as_ref().ok_or(StoreError::ReadOnly)
    }

    pub(crate) fn stamp_owned(&self) -> Result<Stamp> {
        self.stamp().cloned()
    }

    /// The rows this transaction has written so far, in order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    pub(crate) fn record(&mut self, table: &'static str, key: String, action: &'static str) {
        self.changes.push(Change { table, key, action });
    }

    /// PostgreSQL: no JIT compilation for the rest of this transaction. The bulk reads of opening
    /// a plan are costed high enough to be compiled, and compiling them takes longer than running
    /// them (a national subtree's dated records: 1.8 s with JIT, 0.5 s without). SQLite: nothing.
    pub async fn without_jit(&mut self) -> Result<()> {
        if let TxConn::Postgres(t) = &mut self.conn {
            let conn: &mut sqlx::PgConnection = t;
            sqlx::query("SET LOCAL jit = off").execute(conn).await?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<()> {
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await?,
            TxConn::Postgres(t) => t.commit().await?,
            TxConn::PostgresLoose(_) => {}
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        match self.conn {
            TxConn::Sqlite(t) => t.rollback().await?,
            TxConn::Postgres(t) => t.rollback().await?,
            TxConn::PostgresLoose(_) => {}
        }
        Ok(())
    }
}

/// Runs `operation` (which opens and commits its own transaction) again, up to five times in
/// all, while it fails with a retryable error (serialisation failure, deadlock, SQLite busy).
pub async fn retry<T, F, Fut>(mut operation: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut delay = Duration::from_millis(20);
    let mut attempt = 1;
    loop {
        match operation().await {
            Err(error) if error.is_retryable() && attempt < 5 => {
                tracing::debug!(attempt, %error, "retrying transaction");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// The database URL with its password masked, for logs and messages: the `user:password@`
/// part and a `password=` query parameter (PostgreSQL accepts both) become `***`.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(scheme) = out.find("://") {
        let authority_end = out[scheme + 3..]
            .find(['/', '?', '#'])
            .map_or(out.len(), |at| scheme + 3 + at);
        // The last '@' of the authority ends the credentials (a password may hold an '@').
        if let Some(at) = out[scheme + 3..authority_end]
            .rfind('@')
            .map(|at| scheme + 3 + at)
            && let Some(colon) = out[scheme + 3..at].find(':').map(|c| scheme + 3 + c)
        {
            out.replace_range(colon + 1..at, "***");
        }
    }
    if let Some(query) = out.find('?') {
        let (head, tail) = out.split_at(query + 1);
        let masked: Vec<String> = tail
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => pair.to_string(),
            })
            .collect();
        out = format!("{head}{}", masked.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact_url("postgres://kd:s3cr@t@db.example:5432/kd"),
            "postgres://kd:***@db.example:5432/kd"
        );
        assert_eq!(
            redact_url("postgresql://kd@db/kd?sslmode=require&password=hunter2"),
            "postgresql://kd@db/kd?sslmode=require&password=***"
        );
        assert_eq!(
            redact_url("postgres://kd:p@db/kd?PASSWORD=x"),
            "postgres://kd:***@db/kd?PASSWORD=***"
        );
        assert_eq!(redact_url("sqlite://data/kd.db"), "sqlite://data/kd.db");
        assert_eq!(
            redact_url("postgres://db/kd?user=a@b"),
            "postgres://db/kd?user=a@b"
        );
    }

    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn retry_runs_again_only_on_retryable_errors() {
        let calls = AtomicU32::new(0);
        let result = retry(|| async {
            if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                Err(StoreError::Retryable(sqlx::Error::PoolTimedOut))
            } else {
                Ok(42)
            }
        })
        .await;
        assert_eq!(result.unwrap(), 42);
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        let calls = AtomicU32::new(0);
        let result: Result<()> = retry(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(StoreError::invalid("không thử lại"))
        })
        .await;
        assert!(matches!(result, Err(StoreError::Invalid(_))));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn in_memory_database_keeps_its_data() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let mut tx = store.begin("test").await.unwrap();
        tx.create_org(
            &crate::org::NewOrg {
                code: "T".into(),
                name: "Đảng bộ tỉnh".into(),
                kind: kiemdiem_rules::OrgKind::Province,
                has_committee: true,
                founded_on: time::macros::date!(2000 - 01 - 01),
                parent: None,
            },
            time::macros::date!(2000 - 01 - 01),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.read().await.unwrap();
        assert!(tx.org_latest_by_code("T").await.unwrap().is_some());
    }

    #[tokio::test]
    async fn sqlite_writers_queue_at_the_gate_and_a_dropped_transaction_lets_the_next_in() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("gate.db").display());
        let store = Store::open(&url).await.unwrap();
        let wait = Duration::from_millis(200);

        // A second writer waits while the first holds the gate; a reader does not.
        let first = store.begin("first").await.unwrap();
        let second = tokio::spawn({
            let store = store.clone();
            async move { store.begin("second").await.map(|_| ()) }
        });
        tokio::time::sleep(wait).await;
        assert!(!second.is_finished(), "the second writer must wait");
        let mut reader = store.read().await.unwrap();
        assert!(reader.org_latest_by_code("T").await.unwrap().is_none());
        drop(reader);
        // Dropped without commit: rolled back, and the gate is released.
        drop(first);
        tokio::time::timeout(wait * 10, second)
            .await
            .expect("the second writer gets in once the first is dropped")
            .unwrap()
            .unwrap();

        // A transaction that failed on a statement and was dropped releases the gate too.
        let mut failing = store.begin("failing").await.unwrap();
        let failed = on_conn!(failing, c => sqlx::query("INSERT INTO no_such_table VALUES (1)")
            .execute(c)
            .await
            .is_err());
        assert!(failed);
        drop(failing);
        let tx = tokio::time::timeout(wait * 10, store.begin("after"))
            .await
            .expect("gate released after an error")
            .unwrap();
        tx.rollback().await.unwrap();

        // Committed and rolled-back transactions release it at once.
        for _ in 0..3 {
            let tx = tokio::time::timeout(wait, store.begin("again"))
                .await
                .unwrap()
                .unwrap();
            tx.commit().await.unwrap();
        }
        store.close().await;
    }

    #[tokio::test]
    async fn bad_urls_are_refused() {
        assert!(matches!(
            Store::connect("mysql://x").await,
            Err(StoreError::BadUrl(_))
        ));
    }
}
