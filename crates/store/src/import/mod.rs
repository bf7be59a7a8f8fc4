//! Import of the files party offices keep, from .xlsx or .csv with the Vietnamese headers of
//! `docs/import.md`: organisations (`import orgs`), members (`import members`), members'
//! discipline decisions (`import disciplines`), leadership collectives and leaders outside the
//! party ([`bodies`]), posts with their dates ([`posts`]), statuses, leave and temporary
//! activity elsewhere ([`periods`]), and civil-service ratings ([`ratings`]).
//!
//! An import reads and checks the whole file first. Any problem — reported with file, row,
//! column and what to fix — means nothing is written, unless `skip_invalid` is set: then the
//! valid rows are imported and the rejected ones are written, with their reasons, to a CSV file.
//! Importing the same file again changes nothing; an updated file applies only the differences,
//! as new dated records (effective on [`ImportOptions::effective`]). All writes of one import
//! happen in one transaction.

mod bodies;
mod disciplines;
mod members;
mod orgs;
mod periods;
mod posts;
mod ratings;
pub mod source;

use crate::error::StoreError;
use std::fmt;
use std::path::{Path, PathBuf};
use time::Date;

pub use bodies::{import_collectives_in, import_leaders_in};
pub use disciplines::{import_disciplines, import_disciplines_in};
pub use members::{import_members, import_members_in};
pub use orgs::{import_orgs, import_orgs_in};
pub use periods::{import_leave_in, import_statuses_in, import_temporary_in};
pub use posts::import_posts_in;
pub use ratings::import_ratings_in;

/// One thing wrong with an import file, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// The row number as a spreadsheet shows it (the header is usually row 1).
    pub row: Option<usize>,
    /// The column header.
    pub column: Option<String>,
    /// What is wrong and what to do, in Vietnamese.
    pub message: String,
}

impl Problem {
    pub(crate) fn file(file: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.into(),
            row: None,
            column: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ", dòng {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", cột «{column}»")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has problems; nothing was imported.
    #[error("tệp có {} lỗi; chưa nhập dữ liệu nào", .0.len())]
    Invalid(Vec<Problem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Who imports (stamped on every record).
    pub changed_by: String,
    /// The day from which changes to existing records take effect.
    pub effective: Date,
    /// Dates after this day are refused as "in the future".
    pub today: Date,
    /// Import the valid rows and write the rejected ones to [`ImportOptions::rejected_path`].
    pub skip_invalid: bool,
    /// Where rejected rows go; default: beside the input, `<name>.loi.csv`.
    pub rejected_path: Option<PathBuf>,
    /// A row that would move a known member to another branch is a transfer (chuyển sinh hoạt):
    /// refused, naming the row, unless allowed.
    pub allow_transfers: bool,
}

impl ImportOptions {
    pub fn new(changed_by: impl Into<String>) -> ImportOptions {
        let today = crate::date::today();
        ImportOptions {
            changed_by: changed_by.into(),
            effective: today,
            today,
            skip_invalid: false,
            rejected_path: None,
            allow_transfers: false,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Of those updated, members moved to another branch (chuyển sinh hoạt).
    pub transfers: usize,
    /// Rows left out under `skip_invalid`.
    pub rejected: usize,
    /// The problems of the rejected rows.
    pub problems: Vec<Problem>,
    /// Where the rejected rows were written.
    pub rejected_file: Option<PathBuf>,
}

/// A column of an import file.
pub(crate) struct Column {
    pub header: &'static str,
    pub required: bool,
    /// Other spellings accepted for the header.
    pub aliases: &'static [&'static str],
}

/// Header text reduced for matching: lower case, single spaces, no trailing colon or asterisk.
fn header_key(text: &str) -> String {
    crate::text::clean_name(text)
        .trim_end_matches([':', '*'])
        .trim()
        .to_lowercase()
}

/// Finds each column's index in the sheet; missing required columns are problems.
pub(crate) fn locate_columns(
    sheet: &source::Sheet,
    columns: &[Column],
) -> Result<Vec<Option<usize>>, Vec<Problem>> {
    let keys: Vec<String> = sheet.headers.iter().map(|h| header_key(h)).collect();
    let mut found = Vec::with_capacity(columns.len());
    let mut problems = Vec::new();
    for column in columns {
        let index = std::iter::once(column.header)
            .chain(column.aliases.iter().copied())
            .find_map(|name| keys.iter().position(|k| *k == header_key(name)));
        if index.is_none() && column.required {
            problems.push(Problem {
                file: sheet.file.clone(),
                row: Some(sheet.header_row),
                column: Some(column.header.to_string()),
                message: format!(
                    "thiếu cột bắt buộc «{}»: hãy thêm cột có đúng tiêu đề này ở dòng tiêu đề",
                    column.header
                ),
            });
        }
        found.push(index);
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// One data row with helpers that record problems against its row and columns.
pub(crate) struct RowReader<'a> {
    pub file: &'a str,
    pub row: usize,
    pub cells: &'a [String],
    pub columns: &'a [Column],
    pub index: &'a [Option<usize>],
    pub today: Date,
    pub problems: Vec<Problem>,
}

impl<'a> RowReader<'a> {
    pub fn problem(&mut self, column: usize, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            row: Some(self.row),
            column: Some(self.columns[column].header.to_string()),
            message: message.into(),
        });
    }

    /// The cell's text ("" when the column is absent or the cell empty).
    pub fn text(&self, column: usize) -> &'a str {
        self.index[column]
            .and_then(|i| self.cells.get(i))
            .map_or("", String::as_str)
    }

    /// A required text cell.
    pub fn required(&mut self, column: usize) -> Option<&'a str> {
        let text = self.text(column);
        if text.is_empty() {
            self.problem(column, "bắt buộc nhưng đang để trống: hãy điền giá trị");
            return None;
        }
        Some(text)
    }

    /// A date cell (`dd/mm/yyyy`), not in the future; `None` when empty or wrong.
    pub fn date(&mut self, column: usize) -> Option<Date> {
        let text = self.text(column);
        if text.is_empty() {
            return None;
        }
        match crate::date::parse_vn(text) {
            None => {
                self.problem(
                    column,
                    format!("«{text}» không phải ngày hợp lệ: hãy ghi theo dạng dd/mm/yyyy, ví dụ 03/02/1930"),
                );
                None
            }
            Some(day) if day > self.today => {
                self.problem(
                    column,
                    format!(
                        "ngày {text} ở tương lai (hôm nay là {}): hãy kiểm tra lại",
                        crate::date::format_vn(self.today)
                    ),
                );
                None
            }
            Some(day) => Some(day),
        }
    }

    /// A required date cell.
    pub fn required_date(&mut self, column: usize) -> Option<Date> {
        if self.text(column).is_empty() {
            self.problem(
                column,
                "bắt buộc nhưng đang để trống: hãy điền ngày theo dạng dd/mm/yyyy",
            );
            return None;
        }
        self.date(column)
    }

    /// A yes/no cell; `None` when empty.
    pub fn flag(&mut self, column: usize) -> Option<bool> {
        let text = self.text(column);
        match text.to_lowercase().as_str() {
            "" => None,
            "có" | "co" | "x" | "1" | "true" | "yes" | "c" => Some(true),
            "không" | "khong" | "0" | "false" | "no" | "k" => Some(false),
            _ => {
                self.problem(
                    column,
                    format!("«{text}» không rõ: hãy ghi «Có» hoặc «Không»"),
                );
                None
            }
        }
    }
}

impl RowReader<'_> {
    /// The end of a period from a `Đến ngày` cell: the last day included, stored as the day
    /// after (periods are half-open); a problem when it is before `from`.
    pub fn until(&mut self, column: usize, from: Option<Date>) -> Option<Date> {
        let last = self.date(column)?;
        if from.is_some_and(|from| last < from) {
            self.problem(column, "ngày kết thúc trước ngày bắt đầu: hãy kiểm tra lại");
            return None;
        }
        last.next_day()
    }

    /// Whether the cell at `column` was filled.
    pub fn given(&self, column: usize) -> bool {
        !self.text(column).is_empty()
    }
}

/// Party members looked up by card number, each once.
#[derive(Default)]
pub(crate) struct MemberCodes(std::collections::HashMap<String, Option<uuid::Uuid>>);

impl MemberCodes {
    /// The member with card number in `column`, or a problem naming it.
    pub async fn member(
        &mut self,
        tx: &mut crate::db::Tx,
        reader: &mut RowReader<'_>,
        column: usize,
    ) -> Result<Option<uuid::Uuid>, StoreError> {
        let Some(code) = reader.required(column) else {
            return Ok(None);
        };
        let id = match self.0.get(code) {
            Some(id) => *id,
            None => {
                let id = tx.member_id_by_code(code).await?;
                self.0.insert(code.to_owned(), id);
                id
            }
        };
        if id.is_none() {
            reader.problem(column, format!("không có đảng viên số thẻ «{code}» trong cơ sở dữ liệu: hãy kiểm tra số thẻ, hoặc nhập tệp đảng viên trước"));
        }
        Ok(id)
    }
}

/// A problem met while writing a valid row (a rule of the store), located on its row.
pub(crate) fn write_problem(file: &str, row: usize, error: StoreError) -> ImportError {
    match error {
        StoreError::Invalid(_) | StoreError::NotFound { .. } => {
            ImportError::Invalid(vec![Problem {
                file: file.to_owned(),
                row: Some(row),
                column: None,
                message: error.to_string(),
            }])
        }
        other => ImportError::Store(other),
    }
}

/// A rejected row: its number, its cells and what is wrong with it.
pub(crate) type Rejected = (usize, Vec<String>, Vec<Problem>);

/// The report an import starts from, given its rejected rows: every problem as the error when
/// `skip_invalid` is off (nothing is written), else the rejected rows written with their reasons
/// beside the input (or to `rejected_path`) and counted.
pub(crate) fn start_report(
    sheet: &source::Sheet,
    rejected: Vec<Rejected>,
    options: &ImportOptions,
    path: &Path,
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport {
        rows: sheet.rows.len(),
        ..ImportReport::default()
    };
    if rejected.is_empty() {
        return Ok(report);
    }
    if !options.skip_invalid {
        return Err(ImportError::Invalid(
            rejected.into_iter().flat_map(|(_, _, p)| p).collect(),
        ));
    }
    let target = options
        .rejected_path
        .clone()
        .unwrap_or_else(|| default_rejected_path(path));
    write_rejected(sheet, &rejected, &target)?;
    report.rejected = rejected.len();
    report.problems = rejected.into_iter().flat_map(|(_, _, p)| p).collect();
    report.rejected_file = Some(target);
    Ok(report)
}

/// Writes rejected rows, with their row number and reasons, as a UTF-8 CSV that Excel opens.
fn write_rejected(
    sheet: &source::Sheet,
    rejected: &[Rejected],
    path: &Path,
) -> Result<(), StoreError> {
    let mut out = Vec::new();
    out.extend_from_slice(b"\xEF\xBB\xBF");
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        let header = std::iter::once("Dòng")
            .chain(sheet.headers.iter().map(String::as_str))
            .chain(std::iter::once("Lỗi"));
        writer
            .write_record(header)
            .map_err(|e| StoreError::io(path, e.into()))?;
        for (row, cells, problems) in rejected {
            let reasons = problems
                .iter()
                .map(|p| match &p.column {
                    Some(column) => format!("{column}: {}", p.message),
                    None => p.message.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ");
            let mut record = vec![row.to_string()];
            record.extend(cells.iter().cloned());
            record.resize(sheet.headers.len() + 1, String::new());
            record.push(reasons);
            writer
                .write_record(&record)
                .map_err(|e| StoreError::io(path, e.into()))?;
        }
        writer.flush().map_err(|e| StoreError::io(path, e))?;
    }
    std::fs::write(path, out).map_err(|e| StoreError::io(path, e))
}

/// `<dir>/<stem>.loi.csv` beside the input.
fn default_rejected_path(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".to_string());
    input.with_file_name(format!("{stem}.loi.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_say_where() {
        let problem = Problem {
            file: "dang_vien.csv".into(),
            row: Some(7),
            column: Some("Ngày sinh".into()),
            message: "thiếu".into(),
        };
        assert_eq!(
            problem.to_string(),
            "dang_vien.csv, dòng 7, cột «Ngày sinh»: thiếu"
        );
        assert_eq!(
            Problem::file("a.xlsx", "trống").to_string(),
            "a.xlsx: trống"
        );
    }

    #[test]
    fn headers_match_loosely() {
        assert_eq!(header_key("  Số thẻ  đảng viên* "), "số thẻ đảng viên");
        assert_eq!(header_key("HỌ VÀ TÊN:"), "họ và tên");
    }
}
