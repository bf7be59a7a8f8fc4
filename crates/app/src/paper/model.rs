//! What a document says, in the party's layout (Hướng dẫn 36-HD/VPTW, seed 002): the issuing body
//! at the top left with its number and symbol, "ĐẢNG CỘNG SẢN VIỆT NAM" at the top right with the
//! place-and-date line, the title, the body (headings, paragraphs, labelled fields, tables), the
//! recipients (Nơi nhận) and the signature block. Pure data: the `export` crate writes it as Word
//! or Excel, the `pdf` crate as PDF; the JSON of a document is this value.

use serde::Serialize;

/// One document, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paper {
    /// The file's base name (ASCII, no extension): `bien-ban-hop-chi-bo-2025`.
    pub file_name: String,
    /// The form's code printed at the top right corner ("Mẫu 2B"), if the document is a form.
    pub form: Option<String>,
    /// The issuing body, top left, one line each: the superior body first ("ĐẢNG BỘ XÃ HỢP
    /// THÀNH"), then the issuer ("CHI BỘ THÔN NÀ PÀN"). Empty for a form an individual writes.
    pub issuer: Vec<String>,
    /// Số và ký hiệu ("Số 12-QĐ/ĐU"), under the issuer.
    pub number: Option<String>,
    /// The place-and-date line ("Cao Lộc, ngày 20 tháng 12 năm 2025").
    pub place_date: Option<String>,
    /// The document's name in capitals ("QUYẾT ĐỊNH", "BIÊN BẢN").
    pub title: String,
    /// What it is about ("Về việc công nhận mức xếp loại chất lượng đảng viên năm 2025").
    pub subtitle: Option<String>,
    pub blocks: Vec<Block>,
    /// Nơi nhận.
    pub recipients: Vec<String>,
    /// Signature blocks, side by side (minutes have the secretary's and the chair's).
    pub signatures: Vec<Signature>,
    /// Wide tables are laid out on a landscape page.
    pub landscape: bool,
}

/// A part of the body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A numbered or lettered heading ("I. ĐẶC ĐIỂM TÌNH HÌNH").
    Heading {
        text: String,
    },
    /// A paragraph of running text; line breaks in `text` start new paragraphs.
    Paragraph {
        text: String,
    },
    /// A label and its value on one line ("Họ và tên: Nguyễn Thị Thu Hằng").
    Field {
        label: String,
        value: String,
    },
    Table(Table),
    /// A note in italics (sources, remarks).
    Note {
        text: String,
    },
}

/// A table with a header row, optionally a row of column numbers ((1) (2) …), and its rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub columns: Vec<Column>,
    /// Print "(1)", "(2)" … under the header (score sheets, the branch's proposal table).
    pub numbered: bool,
    pub rows: Vec<Vec<Cell>>,
    /// The last row is a total (bold).
    pub total_row: bool,
}

/// A column: its header and its relative width.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub header: String,
    pub width: u16,
}

/// A cell: the text as printed, and its number when it is one (Excel keeps it numeric).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<f64>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            number: None,
        }
    }

    pub fn count(n: u64) -> Cell {
        Cell {
            text: n.to_string(),
            number: Some(n as f64),
        }
    }

    /// Points as printed ("85,5") with their value.
    pub fn points(points: kiemdiem_rules::Points) -> Cell {
        Cell {
            text: points.to_string(),
            number: Some(points.as_decimal()),
        }
    }
}

/// A signature block: "T/M CHI BỘ" / "BÍ THƯ" / the name (empty: signed by hand).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signature {
    pub on_behalf_of: Option<String>,
    pub title: String,
    pub name: String,
}

impl Table {
    pub fn new(columns: &[(&str, u16)]) -> Table {
        Table {
            columns: columns
                .iter()
                .map(|(header, width)| Column {
                    header: (*header).to_owned(),
                    width: *width,
                })
                .collect(),
            numbered: false,
            rows: Vec::new(),
            total_row: false,
        }
    }
}

/// The body that issues an organisation's documents, as the top left names it (seed 002:
/// "ĐẢNG BỘ KHỐI CQDCĐ TỈNH" above "ĐẢNG ỦY SỞ NỘI VỤ"): the committee of a đảng bộ ("Đảng bộ
/// tỉnh Lạng Sơn" → "Tỉnh ủy Lạng Sơn", "Đảng bộ xã Hiệp Kim" → "Đảng ủy xã Hiệp Kim"); a chi bộ
/// issues its own.
pub fn issuing_body(org_name: &str) -> String {
    const COMMITTEES: [(&str, &str); 5] = [
        ("Đảng bộ tỉnh ", "Tỉnh ủy "),
        ("Đảng bộ thành phố ", "Thành ủy "),
        ("Đảng bộ huyện ", "Huyện ủy "),
        ("Đảng bộ quận ", "Quận ủy "),
        ("Đảng bộ thị xã ", "Thị ủy "),
    ];
    for (organisation, committee) in COMMITTEES {
        if let Some(rest) = org_name.strip_prefix(organisation) {
            return format!("{committee}{rest}");
        }
    }
    match org_name.strip_prefix("Đảng bộ ") {
        Some(rest) => format!("Đảng ủy {rest}"),
        None => org_name.to_owned(),
    }
}

/// "ngày 20 tháng 12 năm 2025", as the place-and-date line writes a day.
pub fn day_words(day: time::Date) -> String {
    format!(
        "ngày {:02} tháng {:02} năm {}",
        day.day(),
        u8::from(day.month()),
        day.year()
    )
}

/// An ASCII file name from Vietnamese words: `Biên bản họp` → `bien-ban-hop`.
pub fn file_stem(words: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in words.nfd() {
        let c = match c {
            'đ' => 'd',
            'Đ' => 'd',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            c if c.is_ascii() => '-',
            _ => continue,
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_ascii() {
        assert_eq!(
            file_stem("Biên bản họp Chi bộ Đồng Đăng 2025"),
            "bien-ban-hop-chi-bo-dong-dang-2025"
        );
        assert_eq!(file_stem("Quyết định — Ưu tiên!"), "quyet-dinh-uu-tien");
    }

    #[test]
    fn a_committee_issues_for_its_organisation() {
        assert_eq!(issuing_body("Đảng bộ tỉnh Lạng Sơn"), "Tỉnh ủy Lạng Sơn");
        assert_eq!(issuing_body("Đảng bộ huyện Cao Lộc"), "Huyện ủy Cao Lộc");
        assert_eq!(issuing_body("Đảng bộ xã Hiệp Kim"), "Đảng ủy xã Hiệp Kim");
        assert_eq!(issuing_body("Chi bộ thôn Nà Pàn"), "Chi bộ thôn Nà Pàn");
    }

    #[test]
    fn days_are_written_in_words() {
        assert_eq!(
            day_words(time::macros::date!(2025 - 12 - 05)),
            "ngày 05 tháng 12 năm 2025"
        );
    }
}
