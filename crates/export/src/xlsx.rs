//! Excel: one sheet laid out like the paper (header, title, body, signature), every table with
//! borders, counts and points as numbers so that offices can add them up.

use crate::{ExportError, PARTY};
use kiemdiem_app::paper::{Block, Paper};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};

const FONT: &str = "Times New Roman";

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(12)
}

/// The document as a .xlsx file.
pub fn xlsx(p: &Paper) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Báo cáo")?;
    sheet.set_paper_size(9);
    if p.landscape {
        sheet.set_landscape();
    }
    // As many columns as the widest table (at least 6, so the header has room).
    let columns = p
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t.columns.len()),
            _ => None,
        })
        .max()
        .unwrap_or(6)
        .max(6) as u16;
    for b in &p.blocks {
        if let Block::Table(t) = b {
            for (i, c) in t.columns.iter().enumerate() {
                sheet.set_column_width(i as u16, f64::from(c.width.max(8)) * 0.9)?;
            }
            break;
        }
    }
    let last = columns - 1;
    let half = columns / 2;
    let center = base().set_align(FormatAlign::Center);
    let strong = center.clone().set_bold();
    let mut row: u32 = 0;
    let line = |sheet: &mut Worksheet, row: u32, first: u16, end: u16, text: &str, f: &Format| {
        if first == end {
            sheet
                .write_string_with_format(row, first, text, f)
                .map(|_| ())
        } else {
            sheet.merge_range(row, first, row, end, text, f).map(|_| ())
        }
    };
    // Header: issuer on the left half, the party and the date on the right half.
    let mut left: Vec<(String, &Format)> = p
        .issuer
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                l.clone(),
                if i + 1 == p.issuer.len() {
                    &strong
                } else {
                    &center
                },
            )
        })
        .collect();
    if let Some(number) = &p.number {
        left.push((number.clone(), &center));
    }
    let italic = center.clone().set_italic();
    let mut right: Vec<(String, &Format)> = vec![(PARTY.to_owned(), &strong)];
    if let Some(place_date) = &p.place_date {
        right.push((place_date.clone(), &italic));
    }
    if let Some(form) = &p.form {
        right.insert(0, (form.clone(), &italic));
    }
    for i in 0..left.len().max(right.len()) {
        if let Some((text, f)) = left.get(i) {
            line(sheet, row, 0, half - 1, text, f)?;
        }
        if let Some((text, f)) = right.get(i) {
            line(sheet, row, half, last, text, f)?;
        }
        row += 1;
    }
    row += 1;
    let title = strong.clone().set_font_size(14);
    line(sheet, row, 0, last, &p.title, &title)?;
    row += 1;
    if let Some(subtitle) = &p.subtitle {
        line(sheet, row, 0, last, subtitle, &strong)?;
        row += 1;
    }
    row += 1;
    let text = base().set_text_wrap();
    let heading = base().set_bold();
    let note = base().set_italic();
    let cell = base().set_border(FormatBorder::Thin).set_text_wrap();
    let number = cell.clone().set_align(FormatAlign::Center);
    let head = cell.clone().set_bold().set_align(FormatAlign::Center);
    for block in &p.blocks {
        match block {
            Block::Heading { text } => {
                sheet.write_string_with_format(row, 0, text, &heading)?;
                row += 1;
            }
            Block::Paragraph { text: body } => {
                for l in body.lines() {
                    line(sheet, row, 0, last, l, &text)?;
                    row += 1;
                }
            }
            Block::Field { label, value } => {
                line(sheet, row, 0, last, &format!("{label}: {value}"), &text)?;
                row += 1;
            }
            Block::Note { text } => {
                sheet.write_string_with_format(row, 0, text, &note)?;
                row += 1;
            }
            Block::Table(t) => {
                for (i, c) in t.columns.iter().enumerate() {
                    sheet.write_string_with_format(row, i as u16, &c.header, &head)?;
                }
                row += 1;
                if t.numbered {
                    for i in 0..t.columns.len() {
                        sheet.write_string_with_format(
                            row,
                            i as u16,
                            format!("({})", i + 1),
                            &number,
                        )?;
                    }
                    row += 1;
                }
                let total = t.rows.len().saturating_sub(1);
                for (r, cells) in t.rows.iter().enumerate() {
                    let bold = t.total_row && r == total;
                    for (i, c) in cells.iter().enumerate() {
                        let col = i as u16;
                        match c.number {
                            Some(n) => {
                                let f = if bold {
                                    number.clone().set_bold()
                                } else {
                                    number.clone()
                                };
                                sheet.write_number_with_format(row, col, n, &f)?;
                            }
                            None => {
                                let f = if bold {
                                    cell.clone().set_bold()
                                } else {
                                    cell.clone()
                                };
                                sheet.write_string_with_format(row, col, &c.text, &f)?;
                            }
                        }
                    }
                    row += 1;
                }
                row += 1;
            }
        }
    }
    row += 1;
    if !p.recipients.is_empty() {
        sheet.write_string_with_format(row, 0, "Nơi nhận:", &heading)?;
        for (i, r) in p.recipients.iter().enumerate() {
            sheet.write_string_with_format(row + 1 + i as u32, 0, format!("- {r},"), &base())?;
        }
    }
    for (i, s) in p.signatures.iter().enumerate() {
        // One signature on the right half; two side by side over the whole width.
        let (first, end) = match (p.signatures.len(), i) {
            (1, _) => (half, last),
            (_, 0) => (0, half - 1),
            _ => (half, last),
        };
        let mut r = row;
        if let Some(behalf) = &s.on_behalf_of {
            line(sheet, r, first, end, behalf, &strong)?;
            r += 1;
        }
        line(sheet, r, first, end, &s.title, &strong)?;
        if !s.name.is_empty() {
            line(sheet, r + 4, first, end, &s.name, &strong)?;
        }
    }
    Ok(book.save_to_buffer()?)
}
