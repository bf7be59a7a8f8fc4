//! Word: A4 (landscape for wide tables), Times New Roman 13 pt, the header as a borderless
//! two-column table, the body, then recipients and signatures side by side.

use crate::{ExportError, PARTY};
use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, PageOrientationType, Paragraph, Run, RunFonts,
    Table, TableBorders, TableCell, TableRow, WidthType,
};
use kiemdiem_app::paper::{self, Block, Paper};

const FONT: &str = "Times New Roman";
/// A4 in twentieths of a point.
const A4: (u32, u32) = (11906, 16838);

fn run(text: &str) -> Run {
    Run::new().add_text(text)
}

fn para(text: &str, align: AlignmentType) -> Paragraph {
    Paragraph::new().add_run(run(text)).align(align)
}

fn bold(text: &str, align: AlignmentType) -> Paragraph {
    Paragraph::new().add_run(run(text).bold()).align(align)
}

fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    let mut c = TableCell::new().width(width, WidthType::Dxa);
    for p in paragraphs {
        c = c.add_paragraph(p);
    }
    c
}

/// The two-column part of a page without borders (header, recipients and signatures).
fn plain(columns: Vec<Vec<Paragraph>>, text_width: usize) -> Table {
    let n = columns.len().max(1);
    let width = text_width / n;
    let cells = columns.into_iter().map(|c| cell(c, width)).collect();
    Table::new(vec![TableRow::new(cells)])
        .set_borders(TableBorders::with_empty())
        .width(text_width, WidthType::Dxa)
}

fn header(p: &Paper, text_width: usize) -> Table {
    let mut left: Vec<Paragraph> = p
        .issuer
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if i + 1 == p.issuer.len() {
                bold(line, AlignmentType::Center)
            } else {
                para(line, AlignmentType::Center)
            }
        })
        .collect();
    if !p.issuer.is_empty() {
        left.push(para("*", AlignmentType::Center));
    }
    if let Some(number) = &p.number {
        left.push(para(number, AlignmentType::Center));
    }
    let mut right = Vec::new();
    if let Some(form) = &p.form {
        right.push(
            Paragraph::new()
                .add_run(run(form).italic())
                .align(AlignmentType::Right),
        );
    }
    right.push(
        Paragraph::new()
            .add_run(run(PARTY).bold().underline("single"))
            .align(AlignmentType::Center),
    );
    if let Some(line) = &p.place_date {
        right.push(
            Paragraph::new()
                .add_run(run(line).italic())
                .align(AlignmentType::Center),
        );
    }
    plain(vec![left, right], text_width)
}

fn table(t: &paper::Table, text_width: usize) -> Table {
    let total: usize = t
        .columns
        .iter()
        .map(|c| usize::from(c.width))
        .sum::<usize>()
        .max(1);
    let widths: Vec<usize> = t
        .columns
        .iter()
        .map(|c| text_width * usize::from(c.width) / total)
        .collect();
    let header = TableRow::new(
        t.columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| cell(vec![bold(&c.header, AlignmentType::Center)], *w))
            .collect(),
    );
    let mut rows = vec![header];
    if t.numbered {
        rows.push(TableRow::new(
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    cell(
                        vec![
                            Paragraph::new()
                                .add_run(run(&format!("({})", i + 1)).italic())
                                .align(AlignmentType::Center),
                        ],
                        *w,
                    )
                })
                .collect(),
        ));
    }
    let last = t.rows.len().saturating_sub(1);
    for (r, row) in t.rows.iter().enumerate() {
        let strong = t.total_row && r == last;
        rows.push(TableRow::new(
            row.iter()
                .zip(&widths)
                .map(|(c, w)| {
                    let align = if c.number.is_some() {
                        AlignmentType::Center
                    } else {
                        AlignmentType::Left
                    };
                    let p = if strong {
                        bold(&c.text, align)
                    } else {
                        para(&c.text, align)
                    };
                    cell(vec![p], *w)
                })
                .collect(),
        ));
    }
    Table::new(rows)
        .set_grid(widths)
        .width(text_width, WidthType::Dxa)
}

/// The document as a .docx file.
pub fn docx(p: &Paper) -> Result<Vec<u8>, ExportError> {
    let (width, height) = if p.landscape { (A4.1, A4.0) } else { A4 };
    // Margins as HD 36 sets them: 2 cm top and bottom, 3 cm left, 1.5 cm right.
    let (left, right) = (1701, 850);
    let text_width = (width as usize).saturating_sub(left + right);
    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT);
    let mut doc = Docx::new()
        .page_size(width, height)
        .page_margin(
            PageMargin::new()
                .top(1134)
                .bottom(1134)
                .left(left as i32)
                .right(right as i32),
        )
        .default_fonts(fonts)
        .default_size(26)
        .default_line_spacing(LineSpacing::new().after(60));
    if p.landscape {
        doc = doc.page_orient(PageOrientationType::Landscape);
    }
    doc = doc.add_table(header(p, text_width));
    doc = doc.add_paragraph(Paragraph::new());
    doc = doc.add_paragraph(
        Paragraph::new()
            .add_run(run(&p.title).bold().size(28))
            .align(AlignmentType::Center),
    );
    if let Some(subtitle) = &p.subtitle {
        doc = doc.add_paragraph(bold(subtitle, AlignmentType::Center));
    }
    doc = doc.add_paragraph(para("-----", AlignmentType::Center));
    for block in &p.blocks {
        match block {
            Block::Heading { text } => doc = doc.add_paragraph(bold(text, AlignmentType::Left)),
            Block::Paragraph { text } => {
                for line in text.lines() {
                    doc = doc.add_paragraph(para(line, AlignmentType::Both));
                }
            }
            Block::Field { label, value } => {
                doc = doc.add_paragraph(
                    Paragraph::new()
                        .add_run(run(&format!("{label}: ")))
                        .add_run(run(value).bold()),
                )
            }
            Block::Note { text } => {
                doc = doc.add_paragraph(Paragraph::new().add_run(run(text).italic().size(22)))
            }
            Block::Table(t) => {
                doc = doc.add_table(table(t, text_width));
                doc = doc.add_paragraph(Paragraph::new());
            }
        }
    }
    let mut recipients = Vec::new();
    if !p.recipients.is_empty() {
        recipients.push(Paragraph::new().add_run(run("Nơi nhận:").bold().italic().size(24)));
        for r in &p.recipients {
            recipients.push(Paragraph::new().add_run(run(&format!("- {r},")).size(22)));
        }
    }
    let mut columns = Vec::new();
    if !recipients.is_empty() || p.signatures.len() == 1 {
        columns.push(recipients);
    }
    for s in &p.signatures {
        let mut c = Vec::new();
        if let Some(behalf) = &s.on_behalf_of {
            c.push(bold(behalf, AlignmentType::Center));
        }
        c.push(bold(&s.title, AlignmentType::Center));
        for _ in 0..3 {
            c.push(Paragraph::new());
        }
        c.push(bold(&s.name, AlignmentType::Center));
        columns.push(c);
    }
    if !columns.is_empty() {
        doc = doc.add_paragraph(Paragraph::new());
        doc = doc.add_table(plain(columns, text_width));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| ExportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
