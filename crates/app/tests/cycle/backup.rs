//! A backup taken while the database serves restores into a fresh database with the same rows
//! in every table and an audit trail that still verifies — chain, seals, anchors and sealed
//! records — on both backends. A restore never overwrites a database that has records, nor
//! loads a cut backup.

use crate::proof::sealed_trail;
use crate::support::{TODAY, TestDb, actor, on_both_backends};
use kiemdiem_app::App;
use kiemdiem_app::audit::AuditSeal;
use kiemdiem_store::backup::restore;

on_both_backends!(a_backup_restores_with_its_audit_trail);

async fn a_backup_restores_with_its_audit_trail(db: &TestDb) {
    let trail = sealed_trail(db).await;
    let out = trail.dir.path().join("sao-luu.bak");
    let summary = db.store.backup_to(&out).await.unwrap();
    assert!(summary.bytes > 0);
    assert_eq!(summary.tables["discipline_records"], 6);
    // A second backup never overwrites the first.
    assert!(db.store.backup_to(&out).await.is_err());

    let fresh = if db.is_postgres() {
        TestDb::postgres().await.expect("a second schema")
    } else {
        TestDb::sqlite().await
    };
    let target = if db.is_postgres() {
        fresh.url.clone()
    } else {
        format!(
            "sqlite://{}",
            trail.dir.path().join("phuc-hoi.db").display()
        )
    };
    let (restored, loaded) = restore(&out, &target).await.unwrap();
    let original = db.store.table_counts().await.unwrap();
    assert_eq!(loaded.tables, original, "every table, every row");
    assert_eq!(restored.table_counts().await.unwrap(), original);
    let app = App::with_today(restored.clone(), TODAY).with_audit_seal(AuditSeal {
        key: trail.key.clone(),
        anchors: Some(trail.anchors.clone()),
    });
    let report = app.verify_audit(&actor("kiemtra")).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.records, 6);
    assert_eq!(report.anchors, 1);
    assert_eq!(report.sealed, report.entries);
    // The restored database goes on: a new entry chains onto the restored head.
    let before = report.entries;
    app.write_anchor(&actor("kiemtra")).await.unwrap();
    assert_eq!(
        app.verify_audit(&actor("kiemtra")).await.unwrap().entries,
        before
    );

    // Refusals: a database with records, a cut export.
    assert!(
        restore(&out, &target).await.is_err(),
        "never over a database that has records"
    );
    if db.is_postgres() {
        let text = std::fs::read_to_string(&out).unwrap();
        let cut: Vec<&str> = text.lines().collect();
        let cut_path = trail.dir.path().join("cut.bak");
        std::fs::write(&cut_path, cut[..cut.len() - 1].join("\n")).unwrap();
        let empty = TestDb::postgres().await.expect("a third schema");
        let error = restore(&cut_path, &empty.url).await.expect_err("cut");
        assert!(error.to_string().contains("cắt cụt"), "{error}");
        empty.finish().await;
    }
    restored.close().await;
    fresh.finish().await;
}
