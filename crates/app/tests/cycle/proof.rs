//! The audit trail proves what happened: each way a database administrator without the audit
//! key could tamper with it — truncating the tail, rewriting the tail, emptying the log,
//! re-hashing the whole chain (seals removed), editing a sealed record, editing the anchor file
//! — is found by `verify_audit`, naming the first entry that differs. Each on both backends.

use crate::support::{TODAY, TestDb, actor, build, official, on_both_backends};
use kiemdiem_app::App;
use kiemdiem_app::audit::{AuditKey, AuditSeal, BreakKind, GENESIS_HASH, entry_hash};
use kiemdiem_app::discipline::MemberDisciplineInput;
use kiemdiem_rules::DisciplineForm;
use kiemdiem_store::audit::AuditRecord;
use time::macros::date;
use uuid::Uuid;

on_both_backends!(
    an_intact_trail_is_proved,
    a_truncated_tail_is_found,
    a_rewritten_tail_is_found,
    an_emptied_log_is_found,
    a_rehashed_chain_is_found,
    an_edited_record_is_found,
    an_edited_anchor_is_found,
);

/// A sealed trail: six discipline records (each its entry, its record's content sealed), an
/// anchor after the fourth.
pub struct Trail {
    pub app: App,
    pub records: Vec<Uuid>,
    /// The anchored entry.
    pub anchored: i64,
    pub anchors: std::path::PathBuf,
    pub key: AuditKey,
    pub dir: tempfile::TempDir,
}

pub async fn sealed_trail(db: &TestDb) -> Trail {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường")],
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let anchors = dir.path().join("elsewhere").join("anchors.log");
    let (key, _) = AuditKey::load_or_create(&dir.path().join("audit.key")).unwrap();
    let app = App::with_today(db.store.clone(), TODAY).with_audit_seal(AuditSeal {
        key: key.clone(),
        anchors: Some(anchors.clone()),
    });
    let clerk = actor("bantochuc.huyen");
    let mut records = Vec::new();
    let mut anchored = 0;
    for (i, member) in [org.members[0][0], org.members[0][1], org.members[1][0]]
        .into_iter()
        .cycle()
        .take(6)
        .enumerate()
    {
        let id = app
            .record_member_discipline(
                &clerk,
                member,
                MemberDisciplineInput {
                    form: DisciplineForm::KhienTrach,
                    violation_on: date!(2025 - 03 - 01),
                    decided_on: date!(2025 - 05 - 01),
                    violation_org: None,
                    deciding_org: None,
                    duty_related: i % 2 == 0,
                    self_detected_remedied: false,
                    note: format!("Vi phạm lần {}", i + 1),
                },
            )
            .await
            .unwrap();
        records.push(id);
        if i == 3 {
            anchored = app.write_anchor(&actor("kiemtra")).await.unwrap().seq;
        }
    }
    Trail {
        app,
        records,
        anchored,
        anchors,
        key,
        dir,
    }
}

/// Every entry as stored, in order.
async fn entries(db: &TestDb) -> Vec<AuditRecord> {
    let mut tx = db.store.read().await.unwrap();
    tx.audit_page(0, 10_000).await.unwrap()
}

/// Runs statements as a database administrator who first lifts the append-only triggers.
async fn as_dba(db: &TestDb, statements: &[String]) {
    if db.is_postgres() {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER USER")
            .execute(&pool)
            .await
            .unwrap();
        for sql in statements {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        for sql in [
            "DROP TRIGGER IF EXISTS audit_log_no_update",
            "DROP TRIGGER IF EXISTS audit_log_no_delete",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain(statements.iter().cloned())
        {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        pool.close().await;
    }
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Rewrites the chain from entry `from` on (one changed field there), recomputing every hash
/// and link as a careful administrator would; seals are `keep`t as they were or removed.
async fn rewrite_from(db: &TestDb, from: i64, keep_seals: bool) {
    let mut all = entries(db).await;
    let mut statements = Vec::new();
    let mut prev = GENESIS_HASH.to_owned();
    for record in &mut all {
        if record.seq >= from {
            if record.seq == from {
                record.reason = Some("lý do đã sửa".into());
            }
            record.prev_hash = prev.clone();
            record.hash = entry_hash(record).unwrap();
            let seal = match (&record.seal, keep_seals) {
                (Some(seal), true) => quoted(seal),
                _ => "NULL".into(),
            };
            statements.push(format!(
                "UPDATE audit_log SET reason = {}, prev_hash = {}, hash = {}, seal = {seal} WHERE seq = {}",
                record.reason.as_deref().map_or("NULL".into(), quoted),
                quoted(&record.prev_hash),
                quoted(&record.hash),
                record.seq
            ));
        }
        prev = record.hash.clone();
    }
    statements.push(format!(
        "UPDATE audit_head SET hash = {} WHERE id = 1",
        quoted(&prev)
    ));
    as_dba(db, &statements).await;
}

async fn an_intact_trail_is_proved(db: &TestDb) {
    let trail = sealed_trail(db).await;
    let report = trail.app.verify_audit(&actor("kiemtra")).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.sealed, report.entries, "every entry sealed");
    assert_eq!(report.records, 6, "six discipline records checked");
    assert_eq!(report.anchors, 1);
    assert_eq!(report.last_anchor.unwrap().seq, trail.anchored);
    // The anchor file lives outside the database and holds one signed line.
    let text = std::fs::read_to_string(&trail.anchors).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(text.starts_with("kiemdiem-anchor v1 "), "{text}");
    // The head moved since: the periodic anchor writes it, then nothing until it moves again.
    let moved = trail.app.anchor_if_moved().await.unwrap().expect("moved");
    assert_eq!(moved.seq, entries(db).await.len() as i64);
    assert!(trail.app.anchor_if_moved().await.unwrap().is_none());
    assert_eq!(
        std::fs::read_to_string(&trail.anchors)
            .unwrap()
            .lines()
            .count(),
        2
    );
    // Each sealed change names its record and the hash of its content.
    let last = entries(db).await.pop().unwrap();
    let detail: serde_json::Value = serde_json::from_str(&last.detail).unwrap();
    let change = detail["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c[0] == "discipline_records")
        .unwrap()
        .clone();
    assert_eq!(change[1], trail.records[5].to_string());
    assert_eq!(change[3].as_str().map(str::len), Some(64), "{change}");
}

async fn a_truncated_tail_is_found(db: &TestDb) {
    let trail = sealed_trail(db).await;
    let all = entries(db).await;
    // Keep the entries before the anchored one and move the head back onto the last kept.
    let keep = trail.anchored - 2;
    let last_kept = &all[keep as usize - 1];
    as_dba(
        db,
        &[
            format!("DELETE FROM audit_log WHERE seq > {keep}"),
            format!(
                "UPDATE audit_head SET seq = {keep}, hash = {} WHERE id = 1",
                quoted(&last_kept.hash)
            ),
        ],
    )
    .await;
    let report = trail.app.verify_audit(&actor("kiemtra")).await.unwrap();
    let broken = report.first_break.expect("found");
    assert_eq!(broken.kind, BreakKind::Anchor, "{broken:?}");
    assert_eq!(broken.seq, keep + 1, "the first entry missing: {broken:?}");
    assert!(broken.message.contains("đã bị xoá"), "{}", broken.message);
}

async fn a_rewritten_tail_is_found(db: &TestDb) {
    let trail = sealed_trail(db).await;
    let from = trail.anchored - 1;
    rewrite_from(db, from, true).await;
    let report = trail.app.verify_audit(&actor("kiemtra")).await.unwrap();
    let broken = report.first_break.expect("found");
    assert_eq!(broken.kind, BreakKind::Seal, "{broken:?}");
    assert_eq!(broken.seq, from, "the first rewritten entry: {broken:?}");
}

async fn an_emptied_log_is_found(db: &TestDb) {
    let trail = sealed_trail(db).await;
    as_dba(
        db,
        &[
            "DELETE FROM audit_log".to_string(),
            format!(
                "UPDATE audit_head SET seq = 0, hash = {} WHERE id = 1",
                quoted(GENESIS_HASH)
            ),
        ],
    )
    .await;
    let report = trail.app.verify_audit(&actor("kiemtra")).await.unwrap();
    let broken = report.first_break.expect("found");
    assert_eq!(broken.kind, BreakKind::Anchor, "{broken:?}");
    assert_eq!(broken.seq, 1, "{broken:?}");
    assert!(broken.message.contains("xoá sạch"), "{}", broken.message);
}

async fn a_rehashed_chain_is_found(db: &TestDb) {
    let trail = sealed_trail(db).await;
    // From the very first entry, seals removed so the chain would pass for one written
    // before the installation had a key.
    rewrite_from(db, 1, false).await;
    let report = trail.app.verify_audit(&actor("kiemtra")).await.unwrap();
    let broken = report.first_break.expect("found");
    assert_eq!(broken.kind, BreakKind::Seal, "{broken:?}");
    assert_eq!(broken.seq, 1, "{broken:?}");
    // Without the key, only the anchors remain: the anchored entry differs.
    let unkeyed = App::with_today(db.store.clone(), TODAY);
    let report = unkeyed.verify_audit(&actor("kiemtra")).await.unwrap();
    assert!(
        report.is_intact(),
        "without key or anchors a re-hashed chain is consistent: {report:?}"
    );
}

async fn an_edited_record_is_found(db: &TestDb) {
    let trail = sealed_trail(db).await;
    let target = trail.records[2];
    let id = if db.is_postgres() {
        format!("'{target}'")
    } else {
        format!("X'{}'", target.simple())
    };
    as_dba(
        db,
        &[format!(
            "UPDATE discipline_records SET form = 'canh_cao' WHERE id = {id}"
        )],
    )
    .await;
    let report = trail.app.verify_audit(&actor("kiemtra")).await.unwrap();
    let broken = report.first_break.expect("found");
    assert_eq!(broken.kind, BreakKind::Record, "{broken:?}");
    let writer = entries(db)
        .await
        .into_iter()
        .find(|e| e.detail.contains(&target.to_string()) && e.action == "discipline.member")
        .unwrap();
    assert_eq!(broken.seq, writer.seq, "{broken:?}");
    assert!(
        broken.message.contains(&target.to_string()),
        "{}",
        broken.message
    );
}

async fn an_edited_anchor_is_found(db: &TestDb) {
    let trail = sealed_trail(db).await;
    // Someone without the key "corrects" the anchor to match a chain they rewrote.
    let text = std::fs::read_to_string(&trail.anchors).unwrap();
    let mut parts: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    parts[4] = "f".repeat(64);
    std::fs::write(&trail.anchors, format!("{}\n", parts.join(" "))).unwrap();
    let report = trail.app.verify_audit(&actor("kiemtra")).await.unwrap();
    let broken = report.first_break.expect("found");
    assert_eq!(broken.kind, BreakKind::Anchor, "{broken:?}");
    assert_eq!(broken.seq, trail.anchored);
    assert!(broken.message.contains("chữ ký"), "{}", broken.message);
}
