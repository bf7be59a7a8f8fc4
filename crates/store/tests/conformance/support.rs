//! The backends a test runs on, and small builders shared by the test modules.

use kiemdiem_rules::OrgKind;
use kiemdiem_store::Store;
use kiemdiem_store::org::NewOrg;
use time::Date;
use uuid::Uuid;

/// A store on a throw-away database; [`TestDb::finish`] removes it.
pub struct TestDb {
    pub store: Store,
    /// Keeps the SQLite file's directory alive.
    _dir: Option<tempfile::TempDir>,
    pg_cleanup: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::open(&url).await.expect("open SQLite store");
        TestDb {
            store,
            _dir: Some(dir),
            pg_cleanup: None,
        }
    }

    /// `None` when `KIEMDIEM_TEST_PG` is not set.
    pub async fn postgres() -> Option<TestDb> {
        let base = std::env::var("KIEMDIEM_TEST_PG").ok()?;
        let schema = format!("t_{}", Uuid::now_v7().simple());
        admin_execute(&base, &format!("CREATE SCHEMA {schema}")).await;
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options[search_path]={schema}");
        let store = Store::open(&url).await.expect("open PostgreSQL store");
        Some(TestDb {
            store,
            _dir: None,
            pg_cleanup: Some((base, schema)),
        })
    }

    pub async fn finish(self) {
        self.store.close().await;
        if let Some((base, schema)) = self.pg_cleanup {
            admin_execute(&base, &format!("DROP SCHEMA {schema} CASCADE")).await;
        }
    }
}

async fn admin_execute(url: &str, statement: &str) {
    let pool = sqlx::PgPool::connect(url)
        .await
        .expect("connect to KIEMDIEM_TEST_PG");
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
        .execute(&pool)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
    pool.close().await;
}

/// Declares one test per backend for an `async fn(&Store)`.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = $crate::support::TestDb::sqlite().await;
                    super::$name(&db.store).await;
                    db.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(db) = $crate::support::TestDb::postgres().await else {
                        eprintln!("KIEMDIEM_TEST_PG not set: PostgreSQL case not run");
                        return;
                    };
                    super::$name(&db.store).await;
                    db.finish().await;
                }
            }
        )*
    };
}
pub(crate) use conformance;

pub fn day(text: &str) -> Date {
    kiemdiem_store::date::parse_vn(text).unwrap_or_else(|| panic!("bad test date {text}"))
}

pub fn new_org(
    code: &str,
    name: &str,
    kind: OrgKind,
    parent: Option<Uuid>,
    founded: &str,
) -> NewOrg {
    NewOrg {
        code: code.to_string(),
        name: name.to_string(),
        kind,
        has_committee: !kind.is_branch(),
        founded_on: day(founded),
        parent,
    }
}
