//! Dossiers (seed 003 §B.7; Mẫu 04 from 2025): a file that is not what the checklist accepts is
//! refused with nothing stored (no file on disk, no row); an accepted one counts as present, its
//! SHA-256 in the audit trail; a file changed on disk is found by the verification; the results
//! are not sent up while a required item is missing, the item named; the national dossier date
//! (01/02 under HD 43) puts a plan not sent on the late list. The same guarantees with the files
//! in an S3 bucket, against the stand-in `KIEMDIEM_TEST_S3` names (skipped, said, without one).

use crate::support::{TestDb, YEAR, actor, app, build, official, on_both_backends, open_year_plan};
use kiemdiem_app::App;
use kiemdiem_app::dossiers::Attachment;
use kiemdiem_app::files::{FileStore, S3Config, S3Files};
use time::macros::date;

on_both_backends!(a_dossier_refuses_bad_files_detects_changes_and_blocks_submission);

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// The plan's audit trail records the attached file with its SHA-256.
async fn assert_attach_audited(app: &App, plan: uuid::Uuid, sha256: &str) {
    let trail = app
        .audit_trail(&actor("admin"), "plan", &plan.to_string())
        .await
        .unwrap();
    let entry = trail.iter().find(|e| e.action == "dossier.attach").unwrap();
    assert_eq!(entry.detail["data"]["sha256"], sha256);
}

async fn a_dossier_refuses_bad_files_detects_changes_and_blocks_submission(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[],
    )
    .await;
    let files = tempfile::tempdir().unwrap();
    let app = app(db).with_files_dir(files.path());
    let who = actor("bithu");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let binh = subjects
        .iter()
        .find(|s| s.member == Some(org.members[0][1]))
        .unwrap();

    let dossier = app.dossier(&who, plan.id).await.unwrap();
    assert!(!dossier.complete);
    let plan_item = dossier
        .organisation
        .iter()
        .find(|i| i.code == "plan")
        .unwrap();
    assert_eq!(plan_item.by, Some("produced"), "the plan is issued");
    assert!(
        dossier
            .organisation
            .iter()
            .any(|i| i.title.contains("Mẫu 04") && !i.present)
    );
    let supplement = |d: &kiemdiem_app::dossiers::DossierView| {
        d.subjects
            .iter()
            .find(|s| s.subject == binh.id)
            .unwrap()
            .items
            .iter()
            .find(|i| i.code == "member_record_supplement")
            .unwrap()
            .clone()
    };
    assert!(!supplement(&dossier).present);

    // An executable named like a PDF: refused by its content; nothing on disk, no row.
    let refused = app
        .attach_dossier_file(
            &who,
            plan.id,
            Attachment {
                subject: Some(binh.id),
                item: "member_record_supplement".into(),
                file_name: "phieu_bo_sung.pdf".into(),
                content: b"MZ\x90\0\x03\0\0\0 this is not a PDF".to_vec(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "invalid");
    assert_eq!(refused.field(), Some("content"));
    assert!(files_under(files.path()).is_empty(), "no file kept");
    let after = app.dossier(&who, plan.id).await.unwrap();
    assert!(
        after
            .subjects
            .iter()
            .all(|s| s.items.iter().all(|i| i.files.is_empty()))
    );
    // An item the checklist does not have: refused too, before anything is written.
    let unknown = app
        .attach_dossier_file(
            &who,
            plan.id,
            Attachment {
                subject: Some(binh.id),
                item: "photo".into(),
                file_name: "anh.png".into(),
                content: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(unknown.field(), Some("item"));
    assert!(files_under(files.path()).is_empty());

    // A real PDF: kept, present, its SHA-256 in the audit trail.
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec();
    let attached = app
        .attach_dossier_file(
            &who,
            plan.id,
            Attachment {
                subject: Some(binh.id),
                item: "member_record_supplement".into(),
                file_name: "phieu.bin".into(),
                content: pdf.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(attached.media_type, "application/pdf");
    let stored = files_under(files.path());
    assert_eq!(stored.len(), 1);
    let dossier = app.dossier(&who, plan.id).await.unwrap();
    let item = supplement(&dossier);
    assert!(item.present);
    assert_eq!(item.by, Some("attached"));
    assert_attach_audited(&app, plan.id, &attached.sha256).await;

    // Unchanged, then changed on disk.
    let check = app.verify_dossier_files(&who, plan.id).await.unwrap();
    assert_eq!((check.checked, check.problems.len()), (1, 0));
    std::fs::write(&stored[0], b"%PDF-1.4\n altered \n%%EOF\n").unwrap();
    let check = app.verify_dossier_files(&who, plan.id).await.unwrap();
    assert_eq!(check.problems.len(), 1);
    assert_eq!(check.problems[0].problem, "changed");
    assert_eq!(check.problems[0].file.id, attached.id);
    std::fs::remove_file(&stored[0]).unwrap();
    let check = app.verify_dossier_files(&who, plan.id).await.unwrap();
    assert_eq!(check.problems[0].problem, "missing");

    // Not sent up while a required item is missing: named.
    let committee = actor("dangUy.xa");
    let blocked = app
        .submit_results(&committee, plan.id, None)
        .await
        .unwrap_err();
    assert_eq!(blocked.code(), "rule_refused");
    assert_eq!(blocked.field(), Some("dossier"));
    assert!(
        blocked
            .message()
            .contains("Nguyễn Văn An: thiếu «Phiếu bổ sung hồ sơ đảng viên»"),
        "{}",
        blocked.message()
    );
    assert!(blocked.citations()[0].source.contains("HD 43-HD/BTCTW"));
    let blocking = &blocked.details().unwrap()["blocking"];
    assert!(
        blocking
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["code"] == "summary_report")
    );
    assert!(
        !blocking
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["code"] == "residence_comment"),
        "the residence comment may follow"
    );

    // Before 01/02/2026 nobody is late; after it, the plan not sent is.
    assert!(
        app.late_dossiers(&who, org.district, YEAR)
            .await
            .unwrap()
            .is_empty()
    );
    let later = App::with_today(db.store.clone(), date!(2026 - 02 - 10));
    let late = later.late_dossiers(&who, org.district, YEAR).await.unwrap();
    assert_eq!(late.len(), 1, "{late:?}");
    assert_eq!(late[0].org, org.grassroots);
    assert!(late[0].submitted_on.is_none());
    assert!(late[0].deadline.citation.source.contains("01/02"));
}

on_both_backends!(a_dossier_kept_in_an_s3_bucket_stores_only_what_is_accepted_and_detects_changes);

/// A fresh bucket of the S3 stand-in named by `KIEMDIEM_TEST_S3` (`moto_server`, MinIO …; the
/// keys from `KIEMDIEM_FILES_S3_ACCESS_KEY_ID`/`…_SECRET_ACCESS_KEY`, `test` by default, which
/// moto accepts); `None`, said, when there is none.
async fn test_bucket() -> Option<S3Files> {
    let Ok(endpoint) = std::env::var("KIEMDIEM_TEST_S3") else {
        eprintln!("skipped: no S3 stand-in (set KIEMDIEM_TEST_S3)");
        return None;
    };
    let key = |name: &str| std::env::var(name).unwrap_or_else(|_| "test".to_owned());
    let s3 = S3Files::new(&S3Config {
        endpoint,
        bucket: format!("kd-{}", uuid::Uuid::now_v7().simple()),
        // Outside us-east-1: the bucket is created with its location constraint.
        region: "ap-southeast-1".into(),
        access_key_id: key("KIEMDIEM_FILES_S3_ACCESS_KEY_ID"),
        secret_access_key: key("KIEMDIEM_FILES_S3_SECRET_ACCESS_KEY"),
        prefix: "hoso/".into(),
    })
    .unwrap();
    s3.create_bucket().await.unwrap();
    Some(s3)
}

async fn a_dossier_kept_in_an_s3_bucket_stores_only_what_is_accepted_and_detects_changes(
    db: &TestDb,
) {
    let Some(s3) = test_bucket().await else {
        return;
    };
    let store = FileStore::S3(Box::new(s3.clone()));
    let org = build(&db.store, &[official("Nguyễn Văn An")], &[]).await;
    let app = app(db).with_file_store(store.clone());
    let who = actor("bithu");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let an = &subjects[0];
    let attach = |file_name: &str, content: Vec<u8>| Attachment {
        subject: Some(an.id),
        item: "member_record_supplement".into(),
        file_name: file_name.into(),
        content,
    };

    // Refused by content, and by size: nothing reaches the bucket.
    let refused = app
        .attach_dossier_file(
            &who,
            plan.id,
            attach("phieu.pdf", b"MZ\x90\0 not a PDF".to_vec()),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("content"));
    let mut oversized = b"%PDF-1.7\n".to_vec();
    oversized.resize(kiemdiem_app::dossiers::MAX_FILE_BYTES + 1, b' ');
    let too_big = app
        .attach_dossier_file(&who, plan.id, attach("lon.pdf", oversized))
        .await
        .unwrap_err();
    assert_eq!(too_big.field(), Some("content"));
    assert!(
        too_big.message().contains("20 MiB"),
        "{}",
        too_big.message()
    );
    assert!(s3.keys().await.unwrap().is_empty(), "no object stored");

    // Accepted: one object, under its key, with the SHA-256 recorded and audited.
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec();
    let attached = app
        .attach_dossier_file(&who, plan.id, attach("phieu.pdf", pdf.clone()))
        .await
        .unwrap();
    let key = format!("{}/{}", &attached.sha256[..2], attached.id);
    assert_eq!(s3.keys().await.unwrap(), vec![key.clone()]);
    assert_eq!(store.read(&key).await.unwrap(), Some(pdf.clone()));
    assert_eq!(
        store.sha256(&key).await.unwrap().as_deref(),
        Some(attached.sha256.as_str())
    );
    assert_attach_audited(&app, plan.id, &attached.sha256).await;
    let check = app.verify_dossier_files(&who, plan.id).await.unwrap();
    assert_eq!((check.checked, check.problems.len()), (1, 0));

    // Changed in the bucket, then removed from it: both found.
    let altered = b"%PDF-1.4\n altered \n%%EOF\n".to_vec();
    store.put(&key, &altered).await.unwrap();
    let check = app.verify_dossier_files(&who, plan.id).await.unwrap();
    assert_eq!(check.problems.len(), 1);
    assert_eq!(check.problems[0].problem, "changed");
    assert_eq!(check.problems[0].file.id, attached.id);
    assert_eq!(
        check.problems[0].found_sha256.as_deref(),
        Some(kiemdiem_app::files::sha256_hex(&altered).as_str())
    );
    store.delete(&key).await.unwrap();
    assert!(s3.keys().await.unwrap().is_empty());
    let check = app.verify_dossier_files(&who, plan.id).await.unwrap();
    assert_eq!(check.problems.len(), 1);
    assert_eq!(check.problems[0].problem, "missing");
}
