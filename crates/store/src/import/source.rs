//! Reading an import file into a table of text cells: CSV (UTF-8, comma or semicolon) or the
//! first sheet of an .xlsx workbook. Every cell comes out NFC-normalised and trimmed; dates typed
//! as dates in Excel come out as `dd/mm/yyyy`. Encoding mistakes are reported with the line.

use super::Problem;
use crate::text::nfc;
use calamine::{Data, Reader};
use std::path::Path;
use time::{Date, Duration};

/// The cells of a file: a header row and data rows, each with its row number in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub file: String,
    pub headers: Vec<String>,
    pub header_row: usize,
    pub rows: Vec<(usize, Vec<String>)>,
}

pub fn read(path: &Path) -> Result<Sheet, Problem> {
    let file = path.display().to_string();
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv") | Some("txt") => read_csv(path, file),
        Some("xlsx") | Some("xlsm") | Some("xls") | Some("ods") => read_workbook(path, file),
        _ => Err(Problem::file(
            file,
            "định dạng tệp không được hỗ trợ: hãy dùng tệp .xlsx hoặc .csv (UTF-8)",
        )),
    }
}

fn read_csv(path: &Path, file: String) -> Result<Sheet, Problem> {
    let bytes = std::fs::read(path)
        .map_err(|e| Problem::file(file.clone(), format!("không đọc được tệp: {e}")))?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Problem::file(
            file,
            "tệp được mã hóa UTF-16: hãy lưu lại dưới dạng «CSV UTF-8 (phân cách bằng dấu phẩy)»",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Err(error) = std::str::from_utf8(bytes) {
        let line = bytes[..error.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        return Err(Problem {
            file,
            row: Some(line),
            column: None,
            message: "tệp không phải UTF-8 (có thể là Windows-1258, TCVN3 hay VNI): hãy lưu lại dưới dạng «CSV UTF-8» và dùng phông Unicode".to_string(),
        });
    }
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let semicolons = first_line.iter().filter(|&&b| b == b';').count();
    let commas = first_line.iter().filter(|&&b| b == b',').count();
    let delimiter = if semicolons > commas { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Problem {
            file: file.clone(),
            row: e.position().map(|p| p.line() as usize),
            column: None,
            message: format!("không đọc được dòng CSV: {e}"),
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        records.push((line, record.iter().map(clean_cell).collect::<Vec<_>>()));
    }
    into_sheet(file, records)
}

fn read_workbook(path: &Path, file: String) -> Result<Sheet, Problem> {
    let mut workbook = calamine::open_workbook_auto(path)
        .map_err(|e| Problem::file(file.clone(), format!("không mở được bảng tính: {e}")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| Problem::file(file.clone(), "bảng tính không có trang nào"))?
        .map_err(|e| Problem::file(file.clone(), format!("không đọc được trang đầu: {e}")))?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    let mut records = Vec::new();
    for (index, row) in range.rows().enumerate() {
        // Keep columns aligned with the sheet even when column A is empty.
        let mut cells = vec![String::new(); first_column];
        cells.extend(row.iter().map(cell_text));
        records.push((first_row + index + 1, cells));
    }
    into_sheet(file, records)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => clean_cell(text),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(true) => "Có".to_string(),
        Data::Bool(false) => "Không".to_string(),
        Data::DateTime(value) => excel_day(value.as_f64())
            .map(crate::date::format_vn)
            .unwrap_or_else(|| value.as_f64().to_string()),
        Data::Error(error) => format!("#{error:?}"),
    }
}

/// A day of the 1900 date system (serial 1 = 01/01/1900, with Excel's fictitious 29/02/1900).
fn excel_day(serial: f64) -> Option<Date> {
    let base = Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    base.checked_add(Duration::days(serial.floor() as i64))
}

fn clean_cell(text: &str) -> String {
    nfc(text.trim()).trim().to_string()
}

fn into_sheet(file: String, records: Vec<(usize, Vec<String>)>) -> Result<Sheet, Problem> {
    let mut records = records
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let (header_row, headers) = records
        .next()
        .ok_or_else(|| Problem::file(file.clone(), "tệp trống: không có dòng tiêu đề"))?;
    Ok(Sheet {
        file,
        headers,
        header_row,
        rows: records.collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn excel_serials_are_days_since_1899_12_30() {
        assert_eq!(excel_day(1.0), Some(date!(1899 - 12 - 31)));
        assert_eq!(excel_day(45_839.0), Some(date!(2025 - 07 - 01)));
        assert_eq!(excel_day(45_839.75), Some(date!(2025 - 07 - 01)));
    }

    #[test]
    fn cells_are_trimmed_and_composed() {
        assert_eq!(clean_cell("  Nguye\u{302}\u{303}n  "), "Nguyễn");
        assert_eq!(cell_text(&Data::Float(12345678.0)), "12345678");
        assert_eq!(cell_text(&Data::Bool(true)), "Có");
    }
}
