//! # kiemdiem-testdb
//!
//! Tests only (a dev-dependency of the store, app, web and root crates, for their tests and
//! benches): a fresh, throw-away database for each test, on either backend.
//!
//! - SQLite: a file in a temporary directory, removed with the [`TestDb`].
//! - PostgreSQL: a schema of its own (`t_<uuid>`) in the database named by `KIEMDIEM_TEST_PG`,
//!   reached through `options[search_path]` and dropped by [`TestDb::finish`]. Without
//!   `KIEMDIEM_TEST_PG`, [`TestDb::open`] answers `None` and the PostgreSQL case of a test passes
//!   without running (it says so on standard error, see [`skipped`]).
//!
//! Each crate keeps its own small macro declaring the two cases of a test; this crate is the
//! one place that makes and removes the databases.

use kiemdiem_store::Store;
use uuid::Uuid;

/// The environment variable naming the PostgreSQL server (and database) tests may use.
pub const PG_VAR: &str = "KIEMDIEM_TEST_PG";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A throw-away database, not yet opened: its URL and what removes it.
pub struct TestUrl {
    pub backend: Backend,
    /// `sqlite://…/test.db`, or the PostgreSQL URL with the test's own `search_path`.
    pub url: String,
    /// Keeps the SQLite file's directory alive.
    dir: Option<tempfile::TempDir>,
    /// (server URL, schema) to drop at the end.
    pg: Option<(String, String)>,
}

impl TestUrl {
    /// A fresh database on `backend`; `None` for PostgreSQL when `KIEMDIEM_TEST_PG` is not set.
    pub async fn new(backend: Backend) -> Option<TestUrl> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(TestUrl {
                    backend,
                    url,
                    dir: Some(dir),
                    pg: None,
                })
            }
            Backend::Postgres => Some(TestUrl::postgres_in(&std::env::var(PG_VAR).ok()?).await),
        }
    }

    /// A schema of its own in the PostgreSQL database `base` (a benchmark's server, named by
    /// its own variable).
    pub async fn postgres_in(base: &str) -> TestUrl {
        let schema = format!("t_{}", Uuid::now_v7().simple());
        admin_execute(base, &format!("CREATE SCHEMA {schema}")).await;
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options[search_path]={schema}");
        TestUrl {
            backend: Backend::Postgres,
            url,
            dir: None,
            pg: Some((base.to_owned(), schema)),
        }
    }

    /// The SQLite file's path, for tests that read the raw file.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self.dir.as_ref().map(|d| d.path().join("test.db"))
    }

    /// Removes the database (the PostgreSQL schema; the SQLite directory goes with `self`).
    /// Close every pool on it first.
    pub async fn remove(self) {
        if let Some((base, schema)) = &self.pg {
            admin_execute(base, &format!("DROP SCHEMA {schema} CASCADE")).await;
        }
    }
}

/// A store (migrated) on a throw-away database.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    pub backend: Backend,
    place: TestUrl,
}

impl TestDb {
    /// A store on a fresh database on `backend`; `None` for PostgreSQL without
    /// `KIEMDIEM_TEST_PG`.
    pub async fn open(backend: Backend) -> Option<TestDb> {
        let place = TestUrl::new(backend).await?;
        let store = Store::open(&place.url)
            .await
            .unwrap_or_else(|e| panic!("open the {backend:?} test database: {e}"));
        Some(TestDb {
            store,
            url: place.url.clone(),
            backend,
            place,
        })
    }

    pub async fn sqlite() -> TestDb {
        TestDb::open(Backend::Sqlite)
            .await
            .expect("SQLite is always there")
    }

    /// `None` when `KIEMDIEM_TEST_PG` is not set.
    pub async fn postgres() -> Option<TestDb> {
        TestDb::open(Backend::Postgres).await
    }

    pub fn is_postgres(&self) -> bool {
        self.backend == Backend::Postgres
    }

    /// The SQLite file's path, for tests that read the raw file.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self.place.sqlite_path()
    }

    /// `id` written into a statement for [`TestDb::execute_raw`], as this backend stores a UUID
    /// (SQLite: 16 bytes; PostgreSQL: a `uuid`).
    pub fn sql_uuid(&self, id: Uuid) -> String {
        match self.backend {
            Backend::Sqlite => format!("x'{}'", id.simple()),
            Backend::Postgres => format!("'{id}'"),
        }
    }

    /// Runs one statement on the database outside the store (a test that corrupts or inspects
    /// what the store wrote), on a connection of its own.
    pub async fn execute_raw(&self, statement: &str) -> u64 {
        let sql = || sqlx::AssertSqlSafe(statement.to_string());
        let done = match self.backend {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(&self.url).await.expect("connect");
                let done = sqlx::query(sql()).execute(&pool).await;
                pool.close().await;
                done.map(|r| r.rows_affected())
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&self.url).await.expect("connect");
                let done = sqlx::query(sql()).execute(&pool).await;
                pool.close().await;
                done.map(|r| r.rows_affected())
            }
        };
        done.unwrap_or_else(|e| panic!("{statement}: {e}"))
    }

    /// Closes the store and removes the database.
    pub async fn finish(self) {
        self.store.close().await;
        self.place.remove().await;
    }
}

/// Leaves a database just loaded in bulk as a server's would be in its steady state, so a bench
/// measures the server and not what follows the load: PostgreSQL vacuumed, analysed and
/// checkpointed (else autovacuum works through the new rows during the runs); SQLite's
/// write-ahead log folded back (the server's background checkpointer would have done it; a WAL of
/// gigabytes makes every page read search it).
pub async fn settle(url: &str) {
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.expect("connect");
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await
            .expect("checkpoint");
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.expect("connect");
        for statement in ["VACUUM (ANALYZE)", "CHECKPOINT"] {
            sqlx::query(statement)
                .execute(&pool)
                .await
                .expect(statement);
        }
        pool.close().await;
    }
}

/// Says on standard error that a PostgreSQL case did not run (the test passes).
pub fn skipped() {
    eprintln!("{PG_VAR} not set: PostgreSQL case not run");
}

async fn admin_execute(url: &str, statement: &str) {
    let pool = sqlx::PgPool::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect to {PG_VAR}: {e}"));
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
        .execute(&pool)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
    pool.close().await;
}
