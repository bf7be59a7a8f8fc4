//! The Word and Excel files read back: the figures stay numbers, the Vietnamese text (stacked
//! diacritics included) survives, and the party's layout is there.

use calamine::{Data, Reader, Xlsx};
use kiemdiem_app::paper::{Block, Cell, Paper, Signature, Table};
use std::io::{Cursor, Read};

fn sample() -> Paper {
    let mut table = Table::new(&[("Họ và tên", 40), ("Tổng điểm", 20), ("Mức xếp loại", 40)]);
    table.numbered = true;
    table.rows.push(vec![
        Cell::text("Nguyễn Thị Thu Hằng"),
        Cell::points(kiemdiem_rules::Points(8550)),
        Cell::text("Hoàn thành tốt nhiệm vụ"),
    ]);
    table.rows.push(vec![
        Cell::text("Lữ Văn Đặng"),
        Cell::points(kiemdiem_rules::Points(9200)),
        Cell::text("Hoàn thành xuất sắc nhiệm vụ"),
    ]);
    table
        .rows
        .push(vec![Cell::text("Tổng số"), Cell::count(2), Cell::text("")]);
    table.total_row = true;
    Paper {
        file_name: "thu".into(),
        form: Some("Mẫu 2B-HD KĐ.ĐG 2025".into()),
        issuer: vec!["ĐẢNG BỘ XÃ HỢP THÀNH".into(), "CHI BỘ THÔN NÀ PÀN".into()],
        number: Some("Số 12-QĐ/CB".into()),
        place_date: Some("Cao Lộc, ngày 20 tháng 12 năm 2025".into()),
        title: "BIÊN BẢN".into(),
        subtitle: Some("Hội nghị kiểm điểm năm 2025".into()),
        blocks: vec![
            Block::Heading {
                text: "I. ƯU ĐIỂM".into(),
            },
            Block::Paragraph {
                text:
                    "Đồng chí Nguyễn Thị Thu Hằng có mặt đầy đủ; những việc đặt ra đều hoàn thành."
                        .into(),
            },
            Block::Field {
                label: "Chủ trì".into(),
                value: "Lữ Văn Đặng".into(),
            },
            Block::Table(table),
            Block::Note {
                text: "Căn cứ: QĐ 366-QĐ/TW Điều 11.".into(),
            },
        ],
        recipients: vec!["Đảng ủy xã (b/c)".into(), "Lưu chi bộ".into()],
        signatures: vec![
            Signature {
                on_behalf_of: None,
                title: "THƯ KÝ".into(),
                name: "Hoàng Thị Ữ".into(),
            },
            Signature {
                on_behalf_of: Some("T/M CHI BỘ".into()),
                title: "BÍ THƯ".into(),
                name: "Lữ Văn Đặng".into(),
            },
        ],
        landscape: false,
    }
}

fn all_text(sheet: &calamine::Range<Data>) -> String {
    sheet
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn excel_keeps_numbers_and_vietnamese_text() {
    let bytes = kiemdiem_export::xlsx(&sample()).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Báo cáo").unwrap();
    let text = all_text(&sheet);
    for expected in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "CHI BỘ THÔN NÀ PÀN",
        "Số 12-QĐ/CB",
        "Cao Lộc, ngày 20 tháng 12 năm 2025",
        "BIÊN BẢN",
        "I. ƯU ĐIỂM",
        "Nguyễn Thị Thu Hằng",
        "Lữ Văn Đặng",
        "(1)",
        "T/M CHI BỘ",
        "THƯ KÝ",
        "- Lưu chi bộ,",
    ] {
        assert!(
            text.contains(expected),
            "«{expected}» missing from:\n{text}"
        );
    }
    // The points are numbers an office can add up.
    let points: Vec<f64> = sheet
        .rows()
        .filter(|r| matches!(r.first(), Some(Data::String(s)) if s.starts_with("Nguyễn") || s.starts_with("Lữ")))
        .filter_map(|r| match r.get(1) {
            Some(Data::Float(f)) => Some(*f),
            _ => None,
        })
        .collect();
    assert_eq!(points, vec![85.5, 92.0]);
}

#[test]
fn word_has_the_layout_and_the_text() {
    let bytes = kiemdiem_export::docx(&sample()).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for expected in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ XÃ HỢP THÀNH",
        "Số 12-QĐ/CB",
        "BIÊN BẢN",
        "những việc đặt ra",
        "Nguyễn Thị Thu Hằng",
        "85,5",
        "Hoàng Thị Ữ",
        "Nơi nhận:",
        "T/M CHI BỘ",
    ] {
        assert!(
            xml.contains(expected),
            "«{expected}» missing from document.xml"
        );
    }
    // Times New Roman is the document's default font.
    let mut styles = String::new();
    zip.by_name("word/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(styles.contains("Times New Roman"));
    // The party's name comes after the issuer: top left, then top right.
    let issuer = xml.find("ĐẢNG BỘ XÃ HỢP THÀNH").unwrap();
    let party = xml.find("ĐẢNG CỘNG SẢN VIỆT NAM").unwrap();
    let title = xml.find("BIÊN BẢN").unwrap();
    assert!(issuer < party && party < title);
}
