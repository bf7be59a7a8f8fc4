//! The PDF read back with `pdftotext` (poppler-utils): every Vietnamese diacritic survives
//! (stacked ones — ễ, ặ, ữ — and Ư, Đ), the fonts are embedded, the layout's parts are there, and
//! text a user typed cannot change the layout.

use kiemdiem_app::paper::{Block, Cell, Paper, Signature, Table};
use std::process::Command;

fn paper(body: &str) -> Paper {
    let mut table = Table::new(&[("Họ và tên", 40), ("Mức xếp loại", 40)]);
    table.rows.push(vec![
        Cell::text("Nguyễn Thị Thu Hằng"),
        Cell::text("Hoàn thành tốt nhiệm vụ"),
    ]);
    table
        .rows
        .push(vec![Cell::text("Lữ Văn Đặng"), Cell::count(3)]);
    Paper {
        file_name: "thu".into(),
        form: Some("Mẫu 2B".into()),
        issuer: vec!["ĐẢNG BỘ XÃ HỢP THÀNH".into(), "CHI BỘ THÔN NÀ PÀN".into()],
        number: Some("Số 12-QĐ/CB".into()),
        place_date: Some("Cao Lộc, ngày 20 tháng 12 năm 2025".into()),
        title: "BẢN KIỂM ĐIỂM CÁ NHÂN".into(),
        subtitle: Some("Năm 2025".into()),
        blocks: vec![
            Block::Heading {
                text: "I. ƯU ĐIỂM, KẾT QUẢ ĐẠT ĐƯỢC".into(),
            },
            Block::Paragraph { text: body.into() },
            Block::Table(table),
        ],
        recipients: vec!["Lưu chi bộ".into()],
        signatures: vec![Signature {
            on_behalf_of: None,
            title: "NGƯỜI TỰ KIỂM ĐIỂM".into(),
            name: "Nguyễn Thị Thu Hằng".into(),
        }],
        landscape: false,
    }
}

fn text_of(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_diacritic_survives() {
    let pdf = kiemdiem_pdf::pdf(&paper(
        "Những việc đặt ra đều hoàn thành; có mặt đầy đủ; ưu tiên Đảng.",
    ))
    .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = text_of(&pdf);
    for expected in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "CHI BỘ THÔN NÀ PÀN",
        "Số 12-QĐ/CB",
        "Cao Lộc, ngày 20 tháng 12 năm 2025",
        "BẢN KIỂM ĐIỂM CÁ NHÂN",
        "I. ƯU ĐIỂM, KẾT QUẢ ĐẠT ĐƯỢC",
        "Những việc đặt ra",
        "Nguyễn Thị Thu Hằng",
        "Lữ Văn Đặng",
        "NGƯỜI TỰ KIỂM ĐIỂM",
        "Mẫu 2B",
    ] {
        assert!(
            text.contains(expected),
            "«{expected}» missing from:\n{text}"
        );
    }
    // The fonts travel inside the file (subsets named after Liberation Serif).
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("LiberationSerif"), "Liberation Serif embedded");
}

#[test]
fn typed_text_is_text_not_markup() {
    let nasty = "#set page(width: 1cm) \"] ) #panic(\"x\") *đậm* _nghiêng_ $x$ \\ <a> @b";
    let pdf = kiemdiem_pdf::pdf(&paper(nasty)).unwrap();
    let text = text_of(&pdf);
    assert!(text.contains("#set page(width: 1cm)"), "{text}");
    assert!(text.contains("*đậm* _nghiêng_ $x$"), "{text}");
}
