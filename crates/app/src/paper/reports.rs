//! The summary, quota, progress and not-yet-rated reports as documents.

use super::model::{Block, Cell, Paper, Signature, Table, day_words, file_stem, issuing_body};
use crate::report::{ProgressReport, QuotaReport, SummaryReport};
use kiemdiem_rules::Level;
use kiemdiem_rules::summary::Line;
use time::Date;

/// The top-left lines of a report: the superior body, then the organisation.
fn issuer(superior: &Option<String>, org: &str) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(superior) = superior {
        lines.push(superior.to_uppercase());
    }
    lines.push(issuing_body(org).to_uppercase());
    lines
}

fn place_date(place: &str, today: Date) -> String {
    if place.is_empty() {
        format!("…………, {}", day_words(today))
    } else {
        format!("{place}, {}", day_words(today))
    }
}

fn secretary(org: &str) -> Vec<Signature> {
    vec![Signature {
        on_behalf_of: Some(format!("T/M {}", committee_of(org))),
        title: "BÍ THƯ".to_owned(),
        name: String::new(),
    }]
}

/// The body that signs for an organisation: "ĐẢNG ỦY" for a committee's organisation, "CHI BỘ"
/// for a branch.
pub(crate) fn committee_of(org: &str) -> String {
    let lower = org.to_lowercase();
    if lower.starts_with("chi bộ") {
        "CHI BỘ".to_owned()
    } else if lower.starts_with("đảng bộ tỉnh") {
        "BAN THƯỜNG VỤ TỈNH ỦY".to_owned()
    } else if lower.starts_with("đảng bộ huyện") {
        "BAN THƯỜNG VỤ HUYỆN ỦY".to_owned()
    } else {
        "ĐẢNG ỦY".to_owned()
    }
}

fn level_columns(first: &str) -> Vec<(String, u16)> {
    let mut columns = vec![(first.to_owned(), 30), ("Tổng số".to_owned(), 8)];
    columns.push(("Được xếp loại".to_owned(), 8));
    for level in Level::DESCENDING {
        columns.push((level.code().to_owned(), 8));
        columns.push(("Tỷ lệ".to_owned(), 8));
    }
    columns.push(("Chỉ kiểm điểm".to_owned(), 8));
    columns.push(("Không kiểm điểm".to_owned(), 8));
    columns.push(("Chưa xếp loại".to_owned(), 8));
    columns
}

fn level_row(label: &str, line: &Line) -> Vec<Cell> {
    let mut row = vec![
        Cell::text(label),
        Cell::count(line.subjects),
        Cell::count(line.rated),
    ];
    for cell in &line.levels {
        row.push(Cell::count(cell.count));
        row.push(Cell::text(cell.share.clone()));
    }
    row.push(Cell::count(line.reviewed_only));
    row.push(Cell::count(line.excluded));
    row.push(Cell::count(line.pending + line.unplaced));
    row
}

fn table_of(columns: Vec<(String, u16)>) -> Table {
    let refs: Vec<(&str, u16)> = columns.iter().map(|(h, w)| (h.as_str(), *w)).collect();
    Table::new(&refs)
}

/// The summary report (biểu tổng hợp).
pub fn summary_paper(
    report: &SummaryReport,
    superior: &Option<String>,
    place: &str,
    today: Date,
) -> Paper {
    let s = &report.summary;
    let mut blocks = vec![Block::Paragraph {
        text: format!(
            "Thực hiện {}, {} tổng hợp kết quả kiểm điểm, đánh giá, xếp loại chất lượng năm {} (tính đến {}) như sau:",
            report.plan.title,
            report.org.name,
            report.year,
            day_words(today)
        ),
    }];
    blocks.push(Block::Heading {
        text: "I. KẾT QUẢ XẾP LOẠI THEO ĐỐI TƯỢNG".to_owned(),
    });
    let mut table = table_of(level_columns("Đối tượng"));
    table.numbered = true;
    for line in &s.lines {
        table.rows.push(level_row(&line.label, line));
    }
    table.rows.push(level_row("Tổng số", &s.total));
    table.total_row = true;
    blocks.push(Block::Table(table));
    blocks.push(Block::Note {
        text: "Tỷ lệ tính trên số được xếp loại của từng dòng. HTXSNV: Hoàn thành xuất sắc nhiệm vụ; HTTNV: Hoàn thành tốt nhiệm vụ; HTNV: Hoàn thành nhiệm vụ; KHTNV: Không hoàn thành nhiệm vụ.".to_owned(),
    });
    if !report.children.is_empty() {
        blocks.push(Block::Heading {
            text: "II. KẾT QUẢ THEO TỔ CHỨC TRỰC THUỘC".to_owned(),
        });
        let mut table = table_of(level_columns("Tổ chức"));
        for child in &report.children {
            table.rows.push(level_row(&child.org.name, &child.total));
        }
        blocks.push(Block::Table(table));
    }
    blocks.push(Block::Heading {
        text: "III. KHÔNG KIỂM ĐIỂM, CHƯA XẾP LOẠI VÀ LÝ DO".to_owned(),
    });
    if s.excluded_reasons.is_empty() && s.pending_reasons.is_empty() {
        blocks.push(Block::Paragraph {
            text: "Không có trường hợp nào.".to_owned(),
        });
    } else {
        let mut table = Table::new(&[("Tình trạng", 25), ("Lý do", 60), ("Số lượng", 15)]);
        for r in &s.excluded_reasons {
            table.rows.push(vec![
                Cell::text("Không kiểm điểm, xếp loại"),
                Cell::text(r.reason.clone()),
                Cell::count(r.count),
            ]);
        }
        for r in &s.pending_reasons {
            table.rows.push(vec![
                Cell::text("Chưa xếp loại"),
                Cell::text(r.reason.clone()),
                Cell::count(r.count),
            ]);
        }
        blocks.push(Block::Table(table));
    }
    blocks.push(Block::Heading {
        text: "IV. DANH SÁCH XẾP LOẠI KHÔNG HOÀN THÀNH NHIỆM VỤ".to_owned(),
    });
    if report.khtnv.is_empty() {
        blocks.push(Block::Paragraph {
            text: "Không có trường hợp nào.".to_owned(),
        });
    } else {
        let mut table = Table::new(&[
            ("STT", 6),
            ("Họ và tên / tổ chức", 40),
            ("Đối tượng", 30),
            ("Nơi kiểm điểm", 24),
        ]);
        for (i, k) in report.khtnv.iter().enumerate() {
            table.rows.push(vec![
                Cell::count(i as u64 + 1),
                Cell::text(k.name.clone()),
                Cell::text(k.kind_name.clone()),
                Cell::text(k.unit.clone()),
            ]);
        }
        blocks.push(Block::Table(table));
    }
    blocks.push(Block::Heading {
        text: "V. TỶ LỆ KHỐNG CHẾ HOÀN THÀNH XUẤT SẮC NHIỆM VỤ".to_owned(),
    });
    blocks.extend(quota_blocks(
        &report.summary.quota,
        &report.summary.breaches,
    ));
    blocks.push(Block::Heading {
        text: "VI. SO SÁNH VỚI NĂM TRƯỚC".to_owned(),
    });
    match report.previous_year {
        Some(previous) => {
            let mut table = Table::new(&[
                ("Đối tượng", 34),
                ("Mức", 12),
                (&format!("Năm {}", report.year), 12),
                ("Tỷ lệ", 10),
                (&format!("Năm {previous}"), 12),
                ("Tỷ lệ", 10),
                ("Tăng (+), giảm (−)", 10),
            ]);
            for c in s
                .comparison
                .iter()
                .filter(|c| c.this_year > 0 || c.previous_year > 0)
            {
                table.rows.push(vec![
                    Cell::text(c.label.clone()),
                    Cell::text(c.level.code()),
                    Cell::count(c.this_year),
                    Cell::text(c.this_share.clone()),
                    Cell::count(c.previous_year),
                    Cell::text(c.previous_share.clone()),
                    Cell {
                        text: match c.change {
                            0 => "0".to_owned(),
                            n if n > 0 => format!("+{n}"),
                            n => format!("−{}", n.unsigned_abs()),
                        },
                        number: Some(c.change as f64),
                    },
                ]);
            }
            blocks.push(Block::Table(table));
        }
        None => blocks.push(Block::Paragraph {
            text: format!(
                "Năm {} chưa có kế hoạch trong hệ thống: không có số liệu để so sánh.",
                report.year - 1
            ),
        }),
    }
    blocks.push(Block::Heading {
        text: "VII. ĐỐI CHIẾU SỐ LIỆU".to_owned(),
    });
    let c = &s.cross_check;
    blocks.push(Block::Paragraph {
        text: format!(
            "Tổng số đối tượng của kế hoạch: {}; được xếp loại: {}; chỉ kiểm điểm: {}; không kiểm điểm: {}; chưa xếp loại: {}.",
            c.subjects, c.rated, c.reviewed_only, c.excluded, c.pending
        ),
    });
    if c.balanced {
        blocks.push(Block::Paragraph {
            text: "Số liệu khớp.".to_owned(),
        });
    } else {
        for problem in &c.problems {
            blocks.push(Block::Paragraph {
                text: format!("Số liệu không khớp: {problem}."),
            });
        }
    }
    Paper {
        file_name: file_stem(&format!(
            "bao cao tong hop {} {}",
            report.org.code, report.year
        )),
        form: None,
        issuer: issuer(superior, &report.org.name),
        number: Some("Số     -BC/".to_owned() + &abbreviation(&report.org.name)),
        place_date: Some(place_date(place, today)),
        title: "BÁO CÁO".to_owned(),
        subtitle: Some(format!(
            "Tổng hợp kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, tập thể và đảng viên năm {}",
            report.year
        )),
        blocks,
        recipients: vec![
            "Cấp ủy cấp trên (báo cáo)".to_owned(),
            "Lưu văn phòng".to_owned(),
        ],
        signatures: secretary(&report.org.name),
        landscape: true,
    }
}

/// The issuer's part of a number and symbol, as party offices write it: "TU" for a tỉnh ủy,
/// "HU" for a huyện ủy, "ĐU" for a đảng ủy, "CB" for a chi bộ ("12-QĐ/ĐU").
pub(crate) fn abbreviation(name: &str) -> String {
    let body = super::model::issuing_body(name);
    const SYMBOLS: [(&str, &str); 7] = [
        ("Tỉnh ủy", "TU"),
        ("Thành ủy", "TU"),
        ("Huyện ủy", "HU"),
        ("Quận ủy", "QU"),
        ("Thị ủy", "TU"),
        ("Đảng ủy", "ĐU"),
        ("Chi bộ", "CB"),
    ];
    SYMBOLS
        .iter()
        .find(|(prefix, _)| body.starts_with(prefix))
        .map(|(_, symbol)| (*symbol).to_owned())
        .unwrap_or_else(|| {
            body.split_whitespace()
                .filter_map(|w| w.chars().next())
                .flat_map(char::to_uppercase)
                .collect()
        })
}

fn quota_blocks(groups: &[kiemdiem_rules::summary::QuotaLine], breaches: &[String]) -> Vec<Block> {
    let mut blocks = Vec::new();
    if groups.is_empty() {
        blocks.push(Block::Paragraph {
            text: "Chưa có quyết định xếp loại nào để đối chiếu tỷ lệ.".to_owned(),
        });
        return blocks;
    }
    let mut table = Table::new(&[
        ("Nhóm đối tượng tương đồng", 40),
        ("HTXSNV", 10),
        ("HTTNV", 10),
        ("Tỷ lệ", 10),
        ("Tối đa HTXSNV", 12),
        ("Đánh giá", 18),
    ]);
    for g in groups {
        table.rows.push(vec![
            Cell::text(g.name.clone()),
            Cell::count(g.check.htxsnv),
            Cell::count(g.check.httnv),
            Cell::text(g.check.share.clone()),
            Cell::count(g.check.allowed),
            Cell::text(match &g.check.violation {
                Some(v) => format!("Vượt {}", v.excess),
                None if !g.check.enabled => "Không khống chế".to_owned(),
                None => "Đúng tỷ lệ".to_owned(),
            }),
        ]);
    }
    blocks.push(Block::Table(table));
    if breaches.is_empty() {
        blocks.push(Block::Paragraph {
            text: "Không có nhóm nào vượt tỷ lệ.".to_owned(),
        });
    } else {
        for breach in breaches {
            blocks.push(Block::Paragraph {
                text: breach.clone(),
            });
        }
    }
    if let Some(citation) = groups.first().and_then(|g| g.check.citations.first()) {
        blocks.push(Block::Note {
            text: format!("Căn cứ: {}.", citation.source),
        });
    }
    blocks
}

/// The quota report.
pub fn quota_paper(
    report: &QuotaReport,
    superior: &Option<String>,
    place: &str,
    today: Date,
) -> Paper {
    let mut blocks = vec![Block::Paragraph {
        text: format!(
            "Đối chiếu số được xếp loại Hoàn thành xuất sắc nhiệm vụ với tỷ lệ khống chế của từng nhóm đối tượng tương đồng trong {} năm {}:",
            report.org.name, report.year
        ),
    }];
    blocks.extend(quota_blocks(&report.groups, &report.breaches));
    Paper {
        file_name: file_stem(&format!(
            "ty le khong che {} {}",
            report.org.code, report.year
        )),
        form: None,
        issuer: issuer(superior, &report.org.name),
        number: None,
        place_date: Some(place_date(place, today)),
        title: "BÁO CÁO".to_owned(),
        subtitle: Some(format!(
            "Tỷ lệ đảng viên, tổ chức đảng, tập thể được xếp loại Hoàn thành xuất sắc nhiệm vụ năm {}",
            report.year
        )),
        blocks,
        recipients: vec![
            "Cấp ủy cấp trên (báo cáo)".to_owned(),
            "Lưu văn phòng".to_owned(),
        ],
        signatures: secretary(&report.org.name),
        landscape: false,
    }
}

/// The progress report: each step's done, pending and late, at the organisation and its
/// direct children; then who is not yet reviewed or rated.
pub fn progress_paper(report: &ProgressReport, superior: &Option<String>, place: &str) -> Paper {
    let mut table = Table::new(&[
        ("Tổ chức", 30),
        ("Đối tượng", 8),
        ("Không kiểm điểm", 8),
        ("Đã nộp bản kiểm điểm", 8),
        ("Chưa nộp", 8),
        ("Quá hạn", 8),
        ("Đã kiểm điểm", 8),
        ("Chưa kiểm điểm", 8),
        ("Quá hạn", 8),
        ("Đã quyết định", 8),
        ("Chưa quyết định", 8),
        ("Quá hạn", 8),
    ]);
    for n in &report.nodes {
        table.rows.push(vec![
            Cell::text(n.name.clone()),
            Cell::count(n.subjects),
            Cell::count(n.excluded),
            Cell::count(n.self_review.done),
            Cell::count(n.self_review.pending),
            Cell::count(n.self_review.late),
            Cell::count(n.review.done),
            Cell::count(n.review.pending),
            Cell::count(n.review.late),
            Cell::count(n.decision.done),
            Cell::count(n.decision.pending),
            Cell::count(n.decision.late),
        ]);
    }
    let deadlines = report
        .nodes
        .first()
        .map(|n| {
            let d = |x: Option<Date>| {
                x.map(crate::date_vi)
                    .unwrap_or_else(|| "không quy định".to_owned())
            };
            format!(
                "Thời hạn: nộp bản kiểm điểm {}; kiểm điểm {}; quyết định xếp loại {}.",
                d(n.self_review.deadline),
                d(n.review.deadline),
                d(n.decision.deadline)
            )
        })
        .unwrap_or_default();
    let mut blocks = vec![
        Block::Paragraph {
            text: format!(
                "Tiến độ thực hiện {} tại {}, tính đến {}.",
                report.plan.title,
                report.org.name,
                day_words(report.today)
            ),
        },
        Block::Paragraph { text: deadlines },
        Block::Heading {
            text: "I. TIẾN ĐỘ THEO TỔ CHỨC".to_owned(),
        },
        Block::Table(table),
        Block::Heading {
            text: "II. DANH SÁCH CHƯA KIỂM ĐIỂM, XẾP LOẠI".to_owned(),
        },
    ];
    blocks.extend(pending_blocks(report));
    Paper {
        file_name: file_stem(&format!("tien do {} {}", report.org.code, report.year)),
        form: None,
        issuer: issuer(superior, &report.org.name),
        number: None,
        place_date: Some(place_date(place, report.today)),
        title: "BÁO CÁO".to_owned(),
        subtitle: Some(format!(
            "Tiến độ kiểm điểm, đánh giá, xếp loại chất lượng năm {}",
            report.year
        )),
        blocks,
        recipients: vec![
            "Cấp ủy cấp trên (báo cáo)".to_owned(),
            "Lưu văn phòng".to_owned(),
        ],
        signatures: secretary(&report.org.name),
        landscape: true,
    }
}

fn pending_blocks(report: &ProgressReport) -> Vec<Block> {
    if report.pending.is_empty() {
        return vec![Block::Paragraph {
            text: "Không còn ai chưa kiểm điểm, xếp loại.".to_owned(),
        }];
    }
    let mut table = Table::new(&[
        ("STT", 6),
        ("Họ và tên / tổ chức", 34),
        ("Đối tượng", 24),
        ("Lý do", 36),
    ]);
    for (i, p) in report.pending.iter().enumerate() {
        table.rows.push(vec![
            Cell::count(i as u64 + 1),
            Cell::text(p.name.clone()),
            Cell::text(p.kind.name_vi()),
            Cell::text(p.reason.clone()),
        ]);
    }
    vec![Block::Table(table)]
}

/// The list of those not yet reviewed or rated, with reasons.
pub fn pending_paper(report: &ProgressReport, superior: &Option<String>, place: &str) -> Paper {
    let mut blocks = vec![Block::Paragraph {
        text: format!(
            "Danh sách đối tượng của {} chưa kiểm điểm hoặc chưa được xếp loại chất lượng năm {}, tính đến {}:",
            report.org.name,
            report.year,
            day_words(report.today)
        ),
    }];
    blocks.extend(pending_blocks(report));
    Paper {
        file_name: file_stem(&format!(
            "danh sach chua xep loai {} {}",
            report.org.code, report.year
        )),
        form: None,
        issuer: issuer(superior, &report.org.name),
        number: None,
        place_date: Some(place_date(place, report.today)),
        title: "DANH SÁCH".to_owned(),
        subtitle: Some("Đối tượng chưa kiểm điểm, chưa xếp loại chất lượng và lý do".to_owned()),
        blocks,
        recipients: vec![
            "Cấp ủy cấp trên (báo cáo)".to_owned(),
            "Lưu văn phòng".to_owned(),
        ],
        signatures: secretary(&report.org.name),
        landscape: false,
    }
}
