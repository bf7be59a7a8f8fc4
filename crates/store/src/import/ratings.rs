//! `import ratings`: the civil-service ratings of a year (xếp loại công chức, viên chức) of the
//! members who are civil servants — a member by card number, the year, the level (code or name)
//! and the agency that rated. A member who is a civil servant is rated by the party after this
//! rating (the rules' order); one rating per member and year: a new file replaces it.

use super::{
    Column, ImportError, ImportOptions, ImportReport, MemberCodes, Rejected, RowReader,
    locate_columns, source, start_report, write_problem,
};
use crate::db::Tx;
use indicatif::ProgressBar;
use kiemdiem_rules::Level;
use std::collections::HashMap;
use std::path::Path;
use uuid::Uuid;

const MEMBER: usize = 0;
const YEAR: usize = 1;
const LEVEL: usize = 2;
const RATED_BY: usize = 3;
const NOTE: usize = 4;

pub(crate) const COLUMNS: [Column; 5] = [
    Column {
        header: "Số thẻ đảng viên",
        required: true,
        aliases: &["Số thẻ", "Mã đảng viên"],
    },
    Column {
        header: "Năm",
        required: true,
        aliases: &["Năm đánh giá"],
    },
    Column {
        header: "Xếp loại",
        required: true,
        aliases: &["Mức xếp loại", "Kết quả xếp loại"],
    },
    Column {
        header: "Cơ quan đánh giá",
        required: false,
        aliases: &["Cơ quan, đơn vị đánh giá"],
    },
    Column {
        header: "Ghi chú",
        required: false,
        aliases: &[],
    },
];

/// A level by its code (`HTTNV`) or its name ("Hoàn thành tốt nhiệm vụ"), in any case.
fn level_of(text: &str) -> Option<Level> {
    let key = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    Level::parse(&key).or_else(|| {
        Level::DESCENDING
            .into_iter()
            .find(|level| level.name_vi().to_lowercase() == key)
    })
}

struct RatingRow {
    row: usize,
    member: Uuid,
    year: i32,
    level: Level,
    rated_by: String,
    note: String,
}

/// Imports the civil-service ratings inside the caller's transaction.
pub async fn import_ratings_in(
    tx: &mut Tx,
    path: &Path,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    let sheet = source::read(path).map_err(|p| ImportError::Invalid(vec![p]))?;
    let index = locate_columns(&sheet, &COLUMNS).map_err(ImportError::Invalid)?;
    progress.set_length(sheet.rows.len() as u64 * 2);
    let mut members = MemberCodes::default();
    let mut valid = Vec::new();
    let mut rejected: Vec<Rejected> = Vec::new();
    let mut first_row_of: HashMap<(Uuid, i32), usize> = HashMap::new();
    for (row, cells) in &sheet.rows {
        let mut reader = RowReader {
            file: &sheet.file,
            row: *row,
            cells,
            columns: &COLUMNS,
            index: &index,
            today: options.today,
            problems: Vec::new(),
        };
        let member = members.member(tx, &mut reader, MEMBER).await?;
        let year = reader.required(YEAR).and_then(|text| {
            let year = text
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (1995..=options.today.year()).contains(y));
            if year.is_none() {
                reader.problem(
                    YEAR,
                    format!(
                        "«{text}» không phải năm đánh giá: hãy ghi năm từ 1995 đến {}",
                        options.today.year()
                    ),
                );
            }
            year
        });
        let level = reader.required(LEVEL).and_then(|text| {
            let level = level_of(text);
            if level.is_none() {
                reader.problem(LEVEL, format!("«{text}» không phải mức xếp loại: hãy ghi HTXSNV, HTTNV, HTNV hoặc KHTNV (hoặc tên đầy đủ)"));
            }
            level
        });
        if let (Some(member), Some(year)) = (member, year) {
            match first_row_of.get(&(member, year)) {
                Some(first) => reader.problem(
                    MEMBER,
                    format!(
                        "đảng viên này đã có xếp loại năm {year} ở dòng {first}: mỗi năm một dòng"
                    ),
                ),
                None => {
                    first_row_of.insert((member, year), *row);
                }
            }
        }
        match (member, year, level) {
            (Some(member), Some(year), Some(level)) if reader.problems.is_empty() => {
                valid.push(RatingRow {
                    row: *row,
                    member,
                    year,
                    level,
                    rated_by: crate::text::clean_name(reader.text(RATED_BY)),
                    note: reader.text(NOTE).to_owned(),
                });
            }
            _ => rejected.push((*row, cells.clone(), reader.problems)),
        }
        progress.inc(1);
    }
    let mut report = start_report(&sheet, rejected, options, path)?;
    for row in &valid {
        let before = tx.civil_service_rating(row.member, row.year).await?;
        let written = tx
            .put_civil_service_rating(row.member, row.year, row.level, &row.rated_by, &row.note)
            .await
            .map_err(|e| write_problem(&sheet.file, row.row, e))?;
        match (written, before) {
            (false, _) => report.unchanged += 1,
            (true, None) => report.created += 1,
            (true, Some(_)) => report.updated += 1,
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_by_code_or_name() {
        assert_eq!(level_of("httnv"), Some(Level::Httnv));
        assert_eq!(
            level_of("Hoàn thành  xuất sắc nhiệm vụ"),
            Some(Level::Htxsnv)
        );
        assert_eq!(level_of("Tốt"), None);
    }
}
