//! How each backend's refusals are classified: a value the database cannot store is the
//! input's fault (`BadValue`), never a busy database to retry, and a lost race is retryable.
//! PostgreSQL's SQLSTATEs and SQLite's result codes are read by their own tables.

use crate::support::{conformance, new_org};
use kiemdiem_rules::OrgKind;
use kiemdiem_store::{Backend, Store, StoreError};

conformance!(a_nul_in_text_is_a_bad_value_not_a_busy_database);

async fn a_nul_in_text_is_a_bad_value_not_a_busy_database(store: &Store) {
    let mut tx = store.begin("test").await.expect("begin");
    let written = tx
        .create_org(
            &new_org(
                "TU",
                "Đảng bộ\u{0}tỉnh",
                OrgKind::Province,
                None,
                "01/01/2000",
            ),
            crate::support::day("01/01/2000"),
        )
        .await;
    match store.backend() {
        // PostgreSQL refuses a NUL in text (SQLSTATE 22021, whose low byte read as a SQLite
        // code would be 5, SQLITE_BUSY).
        Backend::Postgres => {
            let error = written.expect_err("PostgreSQL cannot store a NUL");
            assert!(matches!(error, StoreError::BadValue(_)), "{error:?}");
            assert!(!error.is_retryable());
        }
        // SQLite stores it: the edge (the web crate) refuses such text before it gets here.
        Backend::Sqlite => {
            written.expect("SQLite stores the bytes as given");
        }
    }
}
