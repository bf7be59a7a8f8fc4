//! The rest of an office's files: collectives, leaders outside the party, posts with dates,
//! statuses, leave, temporary activity elsewhere and civil-service ratings — the samples import,
//! importing them again changes nothing, a file adding a last day ends what was recorded, bad
//! rows are located by row and column, and --skip-invalid keeps the good ones.

use crate::support::{conformance, day};
use indicatif::ProgressBar;
use kiemdiem_rules::{LeaveKind, Level, PositionKind, StatusKind};
use kiemdiem_store::Store;
use kiemdiem_store::import::{
    ImportError, ImportOptions, ImportReport, import_collectives_in, import_leaders_in,
    import_leave_in, import_members, import_orgs, import_posts_in, import_ratings_in,
    import_statuses_in, import_temporary_in,
};
use kiemdiem_store::leadership::Holder;
use kiemdiem_store::people::MembershipKind;
use std::path::{Path, PathBuf};

conformance!(
    office_samples_import_and_reimport,
    a_last_day_added_ends_the_record,
    bad_office_rows_are_located,
);

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples")
        .join(name)
}

fn options() -> ImportOptions {
    let mut options = ImportOptions::new("văn phòng huyện ủy");
    options.today = day("15/12/2025");
    options.effective = day("15/12/2025");
    options
}

/// Imports one kind of file in a transaction of its own.
async fn import(
    store: &Store,
    kind: &str,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let bar = ProgressBar::hidden();
    let mut tx = store.begin(&options.changed_by).await.unwrap();
    let report = match kind {
        "collectives" => import_collectives_in(&mut tx, path, options, &bar).await,
        "leaders" => import_leaders_in(&mut tx, path, options, &bar).await,
        "posts" => import_posts_in(&mut tx, path, options, &bar).await,
        "statuses" => import_statuses_in(&mut tx, path, options, &bar).await,
        "leave" => import_leave_in(&mut tx, path, options, &bar).await,
        "temporary" => import_temporary_in(&mut tx, path, options, &bar).await,
        "ratings" => import_ratings_in(&mut tx, path, options, &bar).await,
        other => panic!("{other}"),
    }?;
    tx.commit().await.unwrap();
    Ok(report)
}

/// The office's files, in the order they refer to each other.
const FILES: [(&str, &str, usize); 7] = [
    ("collectives", "tap_the.csv", 4),
    ("leaders", "can_bo_ngoai_dang.csv", 2),
    ("posts", "chuc_vu.csv", 14),
    ("statuses", "trang_thai.csv", 2),
    ("leave", "nghi.csv", 2),
    ("temporary", "sinh_hoat_tam_thoi.csv", 1),
    ("ratings", "xep_loai_cbccvc.csv", 4),
];

/// The tree and the members, then every office file.
pub async fn load_office(store: &Store) {
    let o = options();
    let bar = ProgressBar::hidden();
    import_orgs(store, &sample("to_chuc.csv"), &o, &bar)
        .await
        .unwrap();
    import_members(store, &sample("dang_vien.csv"), &o, &bar)
        .await
        .unwrap();
    for (kind, file, rows) in FILES {
        let report = import(store, kind, &sample(file), &o)
            .await
            .unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert_eq!((report.rows, report.created), (rows, rows), "{file}");
    }
}

async fn office_samples_import_and_reimport(store: &Store) {
    load_office(store).await;
    let o = options();
    for (kind, file, rows) in FILES {
        let again = import(store, kind, &sample(file), &o).await.unwrap();
        assert_eq!(
            (again.created, again.updated, again.unchanged),
            (0, 0, rows),
            "{file} imported again changes nothing"
        );
    }
    let mut tx = store.read().await.unwrap();
    let on = day("01/12/2025");
    let commune = tx.org_by_code("LS.CL.HT", on).await.unwrap().unwrap();
    let collectives = tx.collectives_of_org(commune.id, on).await.unwrap();
    assert_eq!(collectives.len(), 3);
    let front = collectives
        .iter()
        .find(|c| c.code == "LS.CL.HT.MTTQ")
        .unwrap();
    let posts = tx.collective_members(front.id, on).await.unwrap();
    assert_eq!(
        posts.len(),
        2,
        "the head who left on 31/03/2025 is not there"
    );
    assert!(posts[0].is_head());
    assert_eq!(posts[0].holder_name, "Trần Minh Ẩn");
    let committee = tx
        .collective_by_code("LS.CL.HT.UBND")
        .await
        .unwrap()
        .unwrap();
    let ubnd = tx.collective_members(committee.id, on).await.unwrap();
    let khiem = tx.leader_by_code("CB.HT.001").await.unwrap().unwrap();
    assert!(
        ubnd.iter()
            .any(|p| p.holder == Holder::Leader(khiem.id) && p.kind == PositionKind::UnitDeputy),
        "{ubnd:?}"
    );
    let on_leave = tx.member_by_code("12000004", on).await.unwrap().unwrap();
    let leave = tx.leaves(on_leave.id).await.unwrap();
    assert_eq!(leave[0].kind, LeaveKind::Maternity);
    assert_eq!(
        leave[0].valid_to,
        Some(day("01/10/2025")),
        "the last day given is included"
    );
    assert_eq!(
        tx.civil_service_rating(on_leave.id, 2025)
            .await
            .unwrap()
            .unwrap()
            .level,
        Level::Htnv
    );
    let exempt = tx.member_by_code("12000011", on).await.unwrap().unwrap();
    assert_eq!(
        tx.statuses_as_of(exempt.id, on).await.unwrap()[0].kind,
        StatusKind::ExemptFromPartyWork
    );
    let visiting = tx.member_by_code("12000009", on).await.unwrap().unwrap();
    let branch = tx.org_by_code("LS.CL.HT.02", on).await.unwrap().unwrap();
    assert_eq!(
        tx.branch_of(visiting.id, MembershipKind::Temporary, day("01/06/2025"))
            .await
            .unwrap(),
        Some(branch.id)
    );
    assert_eq!(
        tx.branch_of(visiting.id, MembershipKind::Temporary, day("01/09/2025"))
            .await
            .unwrap(),
        None
    );
}

async fn a_last_day_added_ends_the_record(store: &Store) {
    load_office(store).await;
    let dir = tempfile::tempdir().unwrap();
    let o = options();
    let statuses = std::fs::read_to_string(sample("trang_thai.csv"))
        .unwrap()
        .replace("01/02/2025,,", "01/02/2025,30/11/2025,");
    let path = dir.path().join("trang_thai.csv");
    std::fs::write(&path, statuses).unwrap();
    let report = import(store, "statuses", &path, &o).await.unwrap();
    assert_eq!((report.updated, report.unchanged), (1, 1));
    let posts = std::fs::read_to_string(sample("chuc_vu.csv"))
        .unwrap()
        .replace(
            "Giám đốc Sở Y tế,01/01/2020,",
            "Giám đốc Sở Y tế,01/01/2020,30/06/2025",
        );
    let path = dir.path().join("chuc_vu.csv");
    std::fs::write(&path, posts).unwrap();
    let report = import(store, "posts", &path, &o).await.unwrap();
    assert_eq!((report.updated, report.unchanged), (1, 13));
    let mut tx = store.read().await.unwrap();
    let exempt = tx
        .member_by_code("12000011", day("01/12/2025"))
        .await
        .unwrap()
        .unwrap();
    assert!(
        tx.statuses_as_of(exempt.id, day("01/12/2025"))
            .await
            .unwrap()
            .is_empty()
    );
    // A day other than the one recorded: refused, located.
    let changed = std::fs::read_to_string(&path)
        .unwrap()
        .replace("30/06/2025", "31/07/2025");
    std::fs::write(&path, changed).unwrap();
    let ImportError::Invalid(problems) = import(store, "posts", &path, &o).await.unwrap_err()
    else {
        panic!("invalid expected");
    };
    assert_eq!(problems[0].row, Some(13), "{problems:?}");
    assert!(
        problems[0].message.contains("ngày kết thúc khác"),
        "{}",
        problems[0]
    );
}

async fn bad_office_rows_are_located(store: &Store) {
    load_office(store).await;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let mut o = options();
    let posts = write(
        "chuc_vu_loi.csv",
        "Số thẻ đảng viên,Mã cán bộ,Chức vụ,Mã tổ chức,Mã tập thể,Tên chức vụ,Từ ngày,Đến ngày\n\
         12000099,,Bí thư,LS.CL.HT.01,,,01/01/2025,\n\
         12000001,,Thủ quỹ,LS.CL.HT.01,,,01/01/2025,\n\
         12000001,,Bí thư,,,,01/01/2025,\n\
         ,CB.HT.001,Bí thư,LS.CL.HT.01,,,01/01/2025,\n\
         12000005,,Cấp ủy viên,,LS.CL.HT.BCH,,01/03/2025,01/02/2025\n\
         12000012,,Cấp ủy viên,,LS.CL.HT.BCH,,01/03/2025,\n",
    );
    let ImportError::Invalid(problems) = import(store, "posts", &posts, &o).await.unwrap_err()
    else {
        panic!("invalid expected");
    };
    let located: Vec<(Option<usize>, Option<&str>)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_deref()))
        .collect();
    assert_eq!(
        located,
        [
            (Some(2), Some("Số thẻ đảng viên")),
            (Some(3), Some("Chức vụ")),
            (Some(4), Some("Mã tổ chức")),
            (Some(5), Some("Mã tổ chức")),
            (Some(6), Some("Đến ngày")),
        ],
        "{problems:?}"
    );
    // Nothing written: the good last row waits for the others.
    let mut tx = store.read().await.unwrap();
    let ung = tx
        .member_by_code("12000012", day("01/12/2025"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        tx.positions_of(Holder::Member(ung.id), day("01/12/2025"))
            .await
            .unwrap()
            .len(),
        1
    );
    drop(tx);
    o.skip_invalid = true;
    o.rejected_path = Some(dir.path().join("loai.csv"));
    let report = import(store, "posts", &posts, &o).await.unwrap();
    assert_eq!((report.created, report.rejected), (1, 5));
    let rejected = std::fs::read_to_string(dir.path().join("loai.csv")).unwrap();
    assert!(
        rejected.contains("Thủ quỹ") && rejected.contains("Lỗi"),
        "{rejected}"
    );

    let statuses = write(
        "trang_thai_loi.csv",
        "Số thẻ đảng viên,Trạng thái,Từ ngày,Đến ngày,Căn cứ\n12000001,Nghỉ hưu,01/01/2025,,\n12000001,Đình chỉ sinh hoạt đảng,01/01/2030,,\n",
    );
    let o = options();
    let ImportError::Invalid(problems) =
        import(store, "statuses", &statuses, &o).await.unwrap_err()
    else {
        panic!("invalid expected");
    };
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0].column.as_deref(), Some("Trạng thái"));
    assert_eq!(problems[1].column.as_deref(), Some("Từ ngày"));
    let ratings = write(
        "xep_loai_loi.csv",
        "Số thẻ đảng viên,Năm,Xếp loại,Cơ quan đánh giá\n12000002,2025,Tốt,\n12000002,hai nghìn,HTNV,\n",
    );
    let ImportError::Invalid(problems) = import(store, "ratings", &ratings, &o).await.unwrap_err()
    else {
        panic!("invalid expected");
    };
    assert_eq!(
        problems
            .iter()
            .map(|p| (p.row, p.column.as_deref()))
            .collect::<Vec<_>>(),
        [(Some(2), Some("Xếp loại")), (Some(3), Some("Năm"))]
    );
    let collectives = write(
        "tap_the_loi.csv",
        "Mã tập thể,Tên tập thể,Loại tập thể,Mã tổ chức,Ngày thành lập\nLS.CL.HT.UBND,Ủy ban nhân dân xã Hợp Thành mới,UBND,LS.CL.HT,01/07/2021\n",
    );
    let ImportError::Invalid(problems) = import(store, "collectives", &collectives, &o)
        .await
        .unwrap_err()
    else {
        panic!("invalid expected");
    };
    assert!(
        problems[0].message.contains("đã có với tên"),
        "{}",
        problems[0]
    );
}
