//! An office loads its own files — organisations, members, collectives, leaders outside the party,
//! posts, statuses, leave, temporary activity, civil-service ratings — through the app (each
//! import audited), and opens the province's plan: the collectives, their heads and deputies (a
//! leader outside the party among them), the members holding posts and the exemptions are all
//! there.

use crate::support::{TODAY, TestDb, YEAR, actor, app, on_both_backends, open_year_plan};
use indicatif::ProgressBar;
use kiemdiem_app::records::ImportKind;
use kiemdiem_rules::SubjectKind;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_store::import::ImportOptions;
use std::path::Path;

on_both_backends!(an_office_opens_a_plan_on_its_own_files);

async fn an_office_opens_a_plan_on_its_own_files(db: &TestDb) {
    let app = app(db);
    let office = actor("vanphong.tinhuy");
    let mut options = ImportOptions::new("vanphong.tinhuy");
    options.today = TODAY;
    options.effective = TODAY;
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    for (kind, file) in [
        (ImportKind::Orgs, "to_chuc.csv"),
        (ImportKind::Members, "dang_vien.csv"),
        (ImportKind::Collectives, "tap_the.csv"),
        (ImportKind::Leaders, "can_bo_ngoai_dang.csv"),
        (ImportKind::Posts, "chuc_vu.csv"),
        (ImportKind::Statuses, "trang_thai.csv"),
        (ImportKind::Leave, "nghi.csv"),
        (ImportKind::Temporary, "sinh_hoat_tam_thoi.csv"),
        (ImportKind::Ratings, "xep_loai_cbccvc.csv"),
    ] {
        let report = app
            .import_file(
                &office,
                kind,
                &samples.join(file),
                &options,
                &ProgressBar::hidden(),
            )
            .await
            .unwrap()
            .unwrap_or_else(|problems| panic!("{file}: {problems:?}"));
        assert_eq!(report.created, report.rows, "{file}");
    }
    let mut tx = db.store.read().await.unwrap();
    let province = tx.org_by_code("LS", TODAY).await.unwrap().unwrap().id;
    drop(tx);
    let (plan, subjects) = open_year_plan(&app, &office, province, YEAR).await;
    let find = |name: &str, kind: SubjectKind| {
        subjects
            .iter()
            .find(|s| s.name == name && s.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} «{name}» in the plan"))
    };
    let ubnd = find("Ủy ban nhân dân xã Hợp Thành", SubjectKind::Collective);
    assert_eq!(ubnd.participation, Participation::ReviewAndClassify);
    find(
        "Ban Chấp hành Đảng bộ xã Hợp Thành",
        SubjectKind::Collective,
    );
    find("Lãnh đạo Sở Y tế tỉnh Lạng Sơn", SubjectKind::Collective);
    let khiem = find("Hà Văn Khiêm", SubjectKind::Leader);
    assert!(khiem.leader.is_some() && khiem.member.is_none());
    find("Mạc Thị Lụa", SubjectKind::Leader);
    let chair = find("Nông Thị Ánh", SubjectKind::MemberWithPost);
    assert_eq!(chair.participation, Participation::ReviewAndClassify);
    let exempt = find("Đỗ Hữu Ơn", SubjectKind::MemberOutsideSystem);
    assert_eq!(exempt.participation, Participation::Excluded);
    assert_eq!(
        exempt.eligibility.as_ref().unwrap().reasons[0].code,
        "exempt"
    );
    let suspended_from_committee = find("Lương Văn Đạt", SubjectKind::MemberWithPost);
    assert_eq!(
        suspended_from_committee.participation,
        Participation::ReviewAndClassify,
        "suspended from the committee only: still reviewed and classified"
    );
    let excluded = app.excluded_subjects(&office, plan.id).await.unwrap();
    assert!(excluded.iter().any(|s| s.name == "Đỗ Hữu Ơn"));
    let trail = app
        .audit_trail(&office, "file", "chuc_vu.csv")
        .await
        .unwrap();
    assert_eq!(trail[0].action, "import.posts");
}
