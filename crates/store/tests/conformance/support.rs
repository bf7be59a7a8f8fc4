//! The backends a test runs on (databases from `kiemdiem-testdb`), and small builders shared
//! by the test modules.

use kiemdiem_rules::OrgKind;
use kiemdiem_store::org::NewOrg;
use time::Date;
use uuid::Uuid;

pub use kiemdiem_testdb::TestDb;

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
                        kiemdiem_testdb::skipped();
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
