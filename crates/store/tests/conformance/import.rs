//! Import from .csv and .xlsx: good files, idempotent re-import, differences, every kind of bad
//! input located by row and column, and --skip-invalid.

use crate::support::{conformance, day};
use indicatif::ProgressBar;
use kiemdiem_store::Store;
use kiemdiem_store::import::{
    ImportError, ImportOptions, ImportReport, import_disciplines, import_members, import_orgs,
};
use kiemdiem_store::people::MembershipKind;
use std::path::{Path, PathBuf};

conformance!(
    samples_import_and_reimport,
    updated_files_apply_differences,
    bad_members_are_located,
    bad_orgs_are_located,
    wrong_encodings_are_refused,
    skip_invalid_writes_rejected_rows,
    disciplines_import_reimport_and_bad_rows,
);

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples")
        .join(name)
}

fn options(today: &str) -> ImportOptions {
    let mut options = ImportOptions::new("ban tổ chức");
    options.today = day(today);
    options.effective = day(today);
    options
}

async fn orgs(
    store: &Store,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    import_orgs(store, path, options, &ProgressBar::hidden()).await
}

async fn members(
    store: &Store,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    import_members(store, path, options, &ProgressBar::hidden()).await
}

async fn load_samples(store: &Store) {
    let o = options("01/12/2025");
    let report = orgs(store, &sample("to_chuc.csv"), &o).await.unwrap();
    assert_eq!(
        (
            report.rows,
            report.created,
            report.updated,
            report.unchanged
        ),
        (11, 11, 0, 0)
    );
    let report = members(store, &sample("dang_vien.csv"), &o).await.unwrap();
    assert_eq!(
        (
            report.rows,
            report.created,
            report.updated,
            report.unchanged
        ),
        (12, 12, 0, 0)
    );
}

async fn member_count(store: &Store, on: &str) -> usize {
    let mut tx = store.read().await.unwrap();
    let root = tx.org_by_code("LS", day(on)).await.unwrap().unwrap();
    tx.members_of_subtree(root.id, day(on)).await.unwrap().len()
}

fn temp_file(dir: &tempfile::TempDir, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn problems(result: Result<ImportReport, ImportError>) -> Vec<String> {
    match result {
        Err(ImportError::Invalid(problems)) => problems.iter().map(ToString::to_string).collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

fn assert_reported(problems: &[String], needle: &str) {
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "no problem contains {needle:?} in {problems:#?}"
    );
}

async fn samples_import_and_reimport(store: &Store) {
    load_samples(store).await;
    let o = options("01/12/2025");
    // The same data as .xlsx (dates as Excel dates) changes nothing.
    let report = orgs(store, &sample("to_chuc.xlsx"), &o).await.unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 0, 11)
    );
    let report = members(store, &sample("dang_vien.xlsx"), &o).await.unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 0, 12)
    );
    let report = members(store, &sample("dang_vien.csv"), &o).await.unwrap();
    assert_eq!(report.unchanged, 12);

    let mut tx = store.read().await.unwrap();
    let on = day("01/12/2025");
    let nfd = tx.member_by_code("12000004", on).await.unwrap().unwrap();
    assert_eq!(nfd.details.full_name, "Vi Thị Ân", "NFD text is stored NFC");
    let probationary = tx.member_by_code("12000006", on).await.unwrap().unwrap();
    assert!(probationary.is_probationary(on));
    let temporary = tx.member_by_code("12000008", on).await.unwrap().unwrap();
    let branch = tx.org_by_code("LS.CL.HT.01", on).await.unwrap().unwrap();
    assert_eq!(
        tx.branch_of(temporary.id, MembershipKind::Temporary, on)
            .await
            .unwrap(),
        Some(branch.id)
    );
    let residence = tx.member_by_code("12000003", on).await.unwrap().unwrap();
    assert_eq!(
        residence.details.residence_org,
        Some(tx.org_by_code("LS.CL.HT", on).await.unwrap().unwrap().id)
    );
    let root = tx.org_by_code("LS", on).await.unwrap().unwrap();
    let tree = tx.org_subtree(root.id, on).await.unwrap();
    assert_eq!(tree.len(), 11);
    assert_eq!(
        tx.org_by_code("LS.CL.HT.02", on)
            .await
            .unwrap()
            .unwrap()
            .changed_by,
        "ban tổ chức"
    );
}

async fn updated_files_apply_differences(store: &Store) {
    load_samples(store).await;
    let dir = tempfile::tempdir().unwrap();
    let org_file = std::fs::read_to_string(sample("to_chuc.csv"))
        .unwrap()
        .replace("Chi bộ thôn Bản Pjạc", "Chi bộ thôn Bản Pjạc - Nà Phai")
        .replace(
            "LS.CL.MT,Chi bộ Trạm Y tế xã Mẫu Sơn,Chi bộ cơ sở,LS.CL,",
            "LS.CL.MT,Chi bộ Trạm Y tế xã Mẫu Sơn,Chi bộ cơ sở,LS.KCQ,",
        )
        + "LS.CL.HT.04,Chi bộ thôn Khòn Khuyên,Chi bộ trực thuộc,LS.CL.HT,Không,01/01/1980,01/07/2025\n";
    let org_path = temp_file(&dir, "to_chuc.csv", org_file.as_bytes());
    let member_file = std::fs::read_to_string(sample("dang_vien.csv"))
        .unwrap()
        .replace("Hoàng Văn Thụ", "Hoàng Văn Thụ Mới")
        .replace(
            "12000002,Nông Thị Ánh,12/03/1978,03/02/2000,03/02/2001,LS.CL.HT.01",
            "12000002,Nông Thị Ánh,12/03/1978,03/02/2000,03/02/2001,LS.CL.HT.02",
        )
        .replace("LS.KCQ.SYT.01,LS.CL.HT.01,", "LS.KCQ.SYT.01,,");
    let member_path = temp_file(&dir, "dang_vien.csv", member_file.as_bytes());
    let o = options("01/02/2026");
    let mut o = o;
    o.effective = day("01/01/2026");
    let report = orgs(store, &org_path, &o).await.unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (1, 2, 9)
    );
    // Ánh's row moves her to another branch: a transfer, refused naming the row unless allowed.
    let refused = members(store, &member_path, &o).await.unwrap_err();
    let ImportError::Invalid(problems) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].column.as_deref(), Some("Mã chi bộ"));
    assert!(
        problems[0].message.contains("chuyển sinh hoạt")
            && problems[0].message.contains("LS.CL.HT.01"),
        "{}",
        problems[0]
    );
    o.allow_transfers = true;
    let report = members(store, &member_path, &o).await.unwrap();
    assert_eq!(
        (
            report.created,
            report.updated,
            report.unchanged,
            report.transfers
        ),
        (0, 3, 9, 1)
    );
    // Applying the same update again changes nothing.
    assert_eq!(orgs(store, &org_path, &o).await.unwrap().unchanged, 12);
    assert_eq!(
        members(store, &member_path, &o).await.unwrap().unchanged,
        12
    );

    let mut tx = store.read().await.unwrap();
    let (before, after) = (day("31/12/2025"), day("01/01/2026"));
    assert_eq!(
        tx.org_by_code("LS.CL.HT.01", before)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Chi bộ thôn Bản Pjạc"
    );
    assert_eq!(
        tx.org_by_code("LS.CL.HT.01", after)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Chi bộ thôn Bản Pjạc - Nà Phai"
    );
    let kcq = tx.org_by_code("LS.KCQ", after).await.unwrap().unwrap();
    assert_eq!(
        tx.org_by_code("LS.CL.MT", after)
            .await
            .unwrap()
            .unwrap()
            .parent_id,
        Some(kcq.id)
    );
    assert_eq!(tx.org_subtree(kcq.id, before).await.unwrap().len(), 4);
    assert_eq!(tx.org_subtree(kcq.id, after).await.unwrap().len(), 5);
    assert!(
        tx.org_by_code("LS.CL.HT.04", day("01/07/2025"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        tx.org_by_code("LS.CL.HT.04", day("30/06/2025"))
            .await
            .unwrap()
            .is_some()
    );
    let thu = tx.member_by_code("12000001", after).await.unwrap().unwrap();
    assert_eq!(thu.details.full_name, "Hoàng Văn Thụ Mới");
    assert_eq!(
        tx.member_by_code("12000001", before)
            .await
            .unwrap()
            .unwrap()
            .details
            .full_name,
        "Hoàng Văn Thụ"
    );
    let anh = tx.member_by_code("12000002", after).await.unwrap().unwrap();
    let branch2 = tx.org_by_code("LS.CL.HT.02", after).await.unwrap().unwrap();
    assert_eq!(
        tx.branch_of(anh.id, MembershipKind::Official, after)
            .await
            .unwrap(),
        Some(branch2.id)
    );
    assert_eq!(tx.transfers(anh.id).await.unwrap().len(), 1);
    let uyen = tx.member_by_code("12000008", after).await.unwrap().unwrap();
    assert!(
        tx.branch_of(uyen.id, MembershipKind::Temporary, before)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        tx.branch_of(uyen.id, MembershipKind::Temporary, after)
            .await
            .unwrap(),
        None
    );
}

const MEMBER_HEADER: &str = "Số thẻ đảng viên,Họ và tên,Ngày sinh,Ngày vào Đảng,Ngày chính thức,Mã chi bộ,Mã chi bộ sinh hoạt tạm thời,Công chức viên chức\n";

async fn bad_members_are_located(store: &Store) {
    load_samples(store).await;
    let dir = tempfile::tempdir().unwrap();
    let o = options("01/12/2025");
    let body = [
        "90000001,Ngô Văn Bảy,31/02/1980,01/01/2005,,LS.CL.HT.01,,", // row 2: bad date
        "90000002,Hà Thị Tám,01/01/1990,01/01/2030,,LS.CL.HT.01,,",  // row 3: future
        "90000003,Tạ Văn Chín,01/01/1990,01/01/2015,,LS.XX,,",       // row 4: unknown branch
        "90000003,Tạ Văn Chín,01/01/1990,01/01/2015,,LS.CL.HT,,", // row 5: duplicate, not a branch
        "90000004,,01/01/2000,01/01/2010,,LS.CL.HT.02,,",         // row 6: no name, under 18
        "90000005,Lê Văn Mười,01/01/1980,01/01/2015,01/01/2014,LS.CL.HT.02,LS.CL.HT.02,có lẽ", // row 7
        "90000006,Mai Văn Một,01/01/1980,01/01/2015,,LS.CL.HT.02,,", // row 8: valid
    ];
    let path = temp_file(
        &dir,
        "dv.csv",
        format!("{MEMBER_HEADER}{}\n", body.join("\n")).as_bytes(),
    );
    let found = problems(members(store, &path, &o).await);
    assert_reported(
        &found,
        "dv.csv, dòng 2, cột «Ngày sinh»: «31/02/1980» không phải ngày hợp lệ",
    );
    assert_reported(
        &found,
        "dòng 3, cột «Ngày vào Đảng»: ngày 01/01/2030 ở tương lai",
    );
    assert_reported(
        &found,
        "dòng 4, cột «Mã chi bộ»: không có tổ chức mã «LS.XX»",
    );
    assert_reported(
        &found,
        "dòng 5, cột «Số thẻ đảng viên»: số thẻ «90000003» trùng với dòng 4",
    );
    assert_reported(
        &found,
        "dòng 5, cột «Mã chi bộ»: «LS.CL.HT» (Đảng bộ xã Hợp Thành) không phải chi bộ",
    );
    assert_reported(&found, "dòng 6, cột «Họ và tên»: bắt buộc");
    assert_reported(
        &found,
        "dòng 6, cột «Ngày vào Đảng»: vào Đảng khi chưa đủ 18 tuổi",
    );
    assert_reported(
        &found,
        "dòng 7, cột «Ngày chính thức»: ngày chính thức trước ngày vào Đảng",
    );
    assert_reported(
        &found,
        "dòng 7, cột «Mã chi bộ sinh hoạt tạm thời»: chi bộ sinh hoạt tạm thời trùng",
    );
    assert_reported(
        &found,
        "dòng 7, cột «Công chức, viên chức»: «có lẽ» không rõ",
    );
    assert!(!found.iter().any(|p| p.contains("dòng 8")), "{found:#?}");
    assert_eq!(
        member_count(store, "01/12/2025").await,
        12,
        "nothing imported"
    );

    let missing = temp_file(
        &dir,
        "thieu.csv",
        "Số thẻ đảng viên,Họ và tên\n1,A\n".as_bytes(),
    );
    let found = problems(members(store, &missing, &o).await);
    assert_reported(
        &found,
        "thieu.csv, dòng 1, cột «Ngày sinh»: thiếu cột bắt buộc",
    );
    assert_reported(&found, "cột «Mã chi bộ»: thiếu cột bắt buộc");
    let empty = temp_file(&dir, "trong.csv", b"");
    assert_reported(&problems(members(store, &empty, &o).await), "tệp trống");
    let odd = temp_file(&dir, "dv.ods.txt.pdf", b"x");
    assert_reported(
        &problems(members(store, &odd, &o).await),
        "định dạng tệp không được hỗ trợ",
    );
}

const ORG_HEADER: &str = "Mã tổ chức;Tên tổ chức;Loại tổ chức;Mã tổ chức cấp trên;Có cấp ủy;Ngày thành lập;Ngày giải thể\n";

async fn bad_orgs_are_located(store: &Store) {
    load_samples(store).await;
    let dir = tempfile::tempdir().unwrap();
    let o = options("01/12/2025");
    let body = [
        "N1;Đảng bộ mới;Đảng bộ huyện;LS;;01/01/2000;", // row 2: unknown kind
        "N2;Chi bộ A;Chi bộ trực thuộc;N3;;01/01/2000;", // row 3: cycle N2 → N3 → N2
        "N3;Đảng bộ B;Đảng bộ cơ sở;N2;;01/01/2000;",   // row 4: cycle
        "N4;Chi bộ C;Chi bộ trực thuộc;LS.CL.HT.01;;01/01/2000;", // row 5: parent is a branch
        "N5;Chi bộ D;Chi bộ trực thuộc;KHONG.CO;;01/01/2000;", // row 6: unknown parent
        "N6;Chi bộ E;Chi bộ trực thuộc;N1;;01/01/2000;", // row 7: parent rejected
        "N7;Chi bộ F;Chi bộ trực thuộc;LS.CL.HT;;01/01/2000;01/01/1999", // row 8: dissolved before founded
        "N7;Chi bộ G;Chi bộ trực thuộc;LS.CL.HT;;01/01/2000;",           // row 9: duplicate code
    ];
    let path = temp_file(
        &dir,
        "tc.csv",
        format!("{ORG_HEADER}{}\n", body.join("\n")).as_bytes(),
    );
    let found = problems(orgs(store, &path, &o).await);
    assert_reported(
        &found,
        "tc.csv, dòng 2, cột «Loại tổ chức»: «Đảng bộ huyện» không phải loại tổ chức",
    );
    assert_reported(
        &found,
        "dòng 3, cột «Mã tổ chức cấp trên»: cấp trên tạo thành vòng lặp",
    );
    assert_reported(
        &found,
        "dòng 4, cột «Mã tổ chức cấp trên»: cấp trên tạo thành vòng lặp",
    );
    assert_reported(
        &found,
        "dòng 5, cột «Mã tổ chức cấp trên»: «LS.CL.HT.01» là chi bộ",
    );
    assert_reported(
        &found,
        "dòng 6, cột «Mã tổ chức cấp trên»: không có tổ chức cấp trên mã «KHONG.CO»",
    );
    assert_reported(
        &found,
        "dòng 7, cột «Mã tổ chức cấp trên»: tổ chức cấp trên «N1» (dòng 2) có lỗi",
    );
    assert_reported(
        &found,
        "dòng 8, cột «Ngày giải thể»: ngày giải thể phải sau ngày thành lập",
    );
    assert_reported(&found, "dòng 9, cột «Mã tổ chức»: mã «N7» trùng với dòng 8");
    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.orgs_as_of(day("01/12/2025")).await.unwrap().len(),
        11,
        "nothing imported"
    );
}

async fn wrong_encodings_are_refused(store: &Store) {
    load_samples(store).await;
    let dir = tempfile::tempdir().unwrap();
    let o = options("01/12/2025");
    // "Nguyễn" in Windows-1258 bytes on line 3.
    let mut latin = MEMBER_HEADER.as_bytes().to_vec();
    latin.extend_from_slice(b"1,A B,01/01/1980,01/01/2005,,LS.CL.HT.01,,\n2,Nguy\xd2n C,01/01/1980,01/01/2005,,LS.CL.HT.01,,\n");
    let path = temp_file(&dir, "cp1258.csv", &latin);
    assert_reported(
        &problems(members(store, &path, &o).await),
        "cp1258.csv, dòng 3: tệp không phải UTF-8",
    );
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(MEMBER_HEADER.encode_utf16().flat_map(u16::to_le_bytes));
    let path = temp_file(&dir, "utf16.csv", &utf16);
    assert_reported(
        &problems(members(store, &path, &o).await),
        "tệp được mã hóa UTF-16",
    );
    // A UTF-8 BOM, as Excel writes it, is fine.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(MEMBER_HEADER.as_bytes());
    bom.extend_from_slice("90000010,Mai Văn Hai,01/01/1980,01/01/2005,,LS.CL.HT.01,,\n".as_bytes());
    let path = temp_file(&dir, "bom.csv", &bom);
    assert_eq!(members(store, &path, &o).await.unwrap().created, 1);
}

async fn skip_invalid_writes_rejected_rows(store: &Store) {
    load_samples(store).await;
    let dir = tempfile::tempdir().unwrap();
    let body = "90000020,Mai Văn Hai,01/01/1980,01/01/2005,,LS.CL.HT.01,,\n\
                90000021,Mai Văn Ba,01/01/1980,xx,,LS.CL.HT.01,,\n\
                90000022,Mai Văn Bốn,01/01/1980,01/01/2005,,LS.CL.HT.02,,\n\
                90000023,Mai Văn Năm,01/01/1980,01/01/2005,,LS.YY,,\n";
    let path = temp_file(&dir, "dv.csv", format!("{MEMBER_HEADER}{body}").as_bytes());
    let mut o = options("01/12/2025");
    o.skip_invalid = true;
    let report = members(store, &path, &o).await.unwrap();
    assert_eq!((report.created, report.rejected), (2, 2));
    let rejected_path = report.rejected_file.clone().unwrap();
    assert_eq!(rejected_path, dir.path().join("dv.loi.csv"));
    let rejected = std::fs::read_to_string(&rejected_path).unwrap();
    let lines: Vec<&str> = rejected.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{rejected}");
    assert!(
        lines[0].starts_with("Dòng,Số thẻ đảng viên,") && lines[0].ends_with(",Lỗi"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("3,90000021,")
            && lines[1].contains("Ngày vào Đảng: «xx» không phải ngày hợp lệ"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("5,90000023,") && lines[2].contains("LS.YY"),
        "{}",
        lines[2]
    );
    assert_eq!(member_count(store, "01/12/2025").await, 14);
    // Re-importing the fixed file adds only the fixed rows.
    let fixed = body
        .replace(",xx,", ",01/01/2005,")
        .replace("LS.YY", "LS.CL.HT.02");
    let path = temp_file(&dir, "dv.csv", format!("{MEMBER_HEADER}{fixed}").as_bytes());
    let report = members(store, &path, &options("01/12/2025")).await.unwrap();
    assert_eq!(
        (report.created, report.unchanged, report.rejected),
        (2, 2, 0)
    );
}

async fn disciplines_import_reimport_and_bad_rows(store: &Store) {
    load_samples(store).await;
    let o = options("01/12/2025");
    let import = |path: PathBuf| {
        let o = o.clone();
        async move { import_disciplines(store, &path, &o, &ProgressBar::hidden()).await }
    };
    let report = import(sample("ky_luat.csv")).await.unwrap();
    assert_eq!((report.rows, report.created, report.unchanged), (3, 3, 0));
    let report = import(sample("ky_luat.csv")).await.unwrap();
    assert_eq!(
        (report.created, report.unchanged),
        (0, 3),
        "the same file again changes nothing"
    );
    let mut tx = store.read().await.unwrap();
    let on = day("01/12/2025");
    let anh = tx.member_by_code("12000002", on).await.unwrap().unwrap();
    let records = tx.disciplines(anh.id).await.unwrap();
    assert_eq!(records.len(), 1);
    let record = &records[0].record;
    assert_eq!(record.form, kiemdiem_rules::DisciplineForm::KhienTrach);
    assert!(record.duty_related && !record.self_detected_remedied);
    let branch = tx.org_by_code("LS.CL.HT.01", on).await.unwrap().unwrap();
    assert_eq!(
        record.violation_org,
        Some(branch.id),
        "the place of the violation defaults to the branch on that day"
    );
    let commune = tx.org_by_code("LS.CL.HT", on).await.unwrap().unwrap();
    assert_eq!(record.deciding_org, Some(commune.id));
    let on_lower_case = tx.member_by_code("12000011", on).await.unwrap().unwrap();
    let records = tx.disciplines(on_lower_case.id).await.unwrap();
    assert!(records[0].record.self_detected_remedied);
    drop(tx);

    // Bad rows are located; nothing of the file is written.
    let dir = tempfile::tempdir().unwrap();
    let header = "Số thẻ đảng viên,Hình thức kỷ luật,Ngày vi phạm,Ngày quyết định,Mã tổ chức nơi vi phạm,Mã tổ chức quyết định,Liên quan chức trách\n";
    let body = [
        "12000001,Cảnh cáo,01/02/2025,01/03/2025,,,Có", // row 2: fine
        "99999999,Cảnh cáo,01/02/2025,01/03/2025,,,Có", // row 3: unknown member
        "12000003,Phê bình,01/02/2025,01/03/2025,,,Có", // row 4: not a form
        "12000004,Khiển trách,01/05/2025,01/03/2025,,,Có", // row 5: decided before
        "12000005,Khiển trách,01/02/2025,01/03/2025,LS.XX,,", // row 6: unknown org
        "12000012,Khiển trách,01/02/2025,01/03/2025,,,Hình như", // row 7: not yes/no
        "12000001,Cảnh cáo,01/02/1985,01/03/1985,LS.CL.HT.03,,", // row 8: branch not yet founded
    ]
    .join("\n");
    let path = temp_file(
        &dir,
        "ky_luat_loi.csv",
        format!("{header}{body}\n").as_bytes(),
    );
    let found = problems(import(path).await);
    assert_reported(
        &found,
        "dòng 3, cột «Số thẻ đảng viên»: không có đảng viên số thẻ «99999999»",
    );
    assert_reported(
        &found,
        "dòng 4, cột «Hình thức kỷ luật»: «Phê bình» không phải hình thức kỷ luật",
    );
    assert_reported(
        &found,
        "dòng 5, cột «Ngày quyết định»: ngày quyết định trước ngày vi phạm",
    );
    assert_reported(
        &found,
        "dòng 6, cột «Mã tổ chức nơi vi phạm»: không có tổ chức mã «LS.XX»",
    );
    assert_reported(
        &found,
        "dòng 7, cột «Liên quan chức trách»: «Hình như» không rõ",
    );
    assert_reported(
        &found,
        "dòng 8, cột «Mã tổ chức nơi vi phạm»: tổ chức «LS.CL.HT.03» chưa có hoặc đã giải thể vào ngày 01/02/1985",
    );
    assert_eq!(found.len(), 6, "{found:#?}");
    let mut tx = store.read().await.unwrap();
    let thu = tx.member_by_code("12000001", on).await.unwrap().unwrap();
    assert!(
        tx.disciplines(thu.id).await.unwrap().is_empty(),
        "the good row was not written either"
    );
}
