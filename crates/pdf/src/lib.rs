//! # kiemdiem-pdf
//!
//! Writes a document ([`kiemdiem_app::paper::Paper`]) as PDF for the archive, laid out by typst
//! in the party's layout (A4, Liberation Serif 13 pt — Times New Roman's metrics — the issuer and
//! number top left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place-and-date line top right, title, body,
//! recipients and signatures). The fonts are the files in `fonts/` (SIL OFL, licence beside
//! them), compiled into the binary: the output never depends on the machine's fonts, and every
//! Vietnamese stacked diacritic (ễ, ặ, ữ) is in them.
//!
//! Every text of the document reaches typst as a string literal, never as markup, so nothing a
//! user typed can change the layout. Heavy to compile: kept in its own crate.

use kiemdiem_app::paper::{Block, Paper, Table};
use std::fmt::Write as _;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The PDF could not be laid out (a bug in the generated source, never the data's fault).
#[derive(Debug, thiserror::Error)]
#[error("không lập được tệp PDF: {0}")]
pub struct PdfError(String);

const FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
];

/// What every compilation shares: the standard library and the fonts (loaded once).
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = FONT_FILES
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(data.to_vec())))
            .collect();
        Shared {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

/// One document's compilation: its generated source and nothing else (no files, no packages).
struct OneDocument {
    main: Source,
}

impl World for OneDocument {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// A typst string literal holding `text`.
fn lit(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn table(out: &mut String, t: &Table) {
    let widths: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("{}fr", c.width.max(1)))
        .collect();
    let small = t.columns.len() > 6;
    let _ = writeln!(
        out,
        "#block(width: 100%, text(size: {}pt, table(columns: ({},), inset: 3pt, align: (x, y) => if y == 0 {{ center + horizon }} else {{ left + horizon }},",
        if small { 9 } else { 11 },
        widths.join(", ")
    );
    let headers: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("strong({})", lit(&c.header)))
        .collect();
    let _ = write!(out, "table.header({}", headers.join(", "));
    if t.numbered {
        for i in 0..t.columns.len() {
            let _ = write!(
                out,
                ", align(center, emph({})) ",
                lit(&format!("({})", i + 1))
            );
        }
    }
    out.push_str("),\n");
    let last = t.rows.len().saturating_sub(1);
    for (r, row) in t.rows.iter().enumerate() {
        let strong = t.total_row && r == last;
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                let text = lit(&c.text);
                let text = if strong {
                    format!("strong({text})")
                } else {
                    text
                };
                if c.number.is_some() {
                    format!("align(center, {text})")
                } else {
                    text
                }
            })
            .collect();
        let _ = writeln!(out, "{},", cells.join(", "));
    }
    out.push_str(")))\n\n");
}

/// The typst source of a document.
pub fn source(p: &Paper) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "#set page(paper: \"a4\", flipped: {}, margin: (top: 2cm, bottom: 2cm, left: 3cm, right: 1.5cm), numbering: \"1\", number-align: center)",
        p.landscape
    );
    out.push_str("#set text(font: \"Liberation Serif\", size: 13pt, lang: \"vi\")\n");
    out.push_str("#set par(justify: true, leading: 0.6em, spacing: 0.8em)\n");
    // Header: issuer, star and number left; form code, the party and the date line right.
    let mut left: Vec<String> = p
        .issuer
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == p.issuer.len() {
                format!("strong({})", lit(l))
            } else {
                lit(l)
            }
        })
        .collect();
    if !p.issuer.is_empty() {
        left.push(lit("*"));
    }
    if let Some(number) = &p.number {
        left.push(lit(number));
    }
    let mut right = Vec::new();
    if let Some(form) = &p.form {
        right.push(format!("align(right, emph({}))", lit(form)));
    }
    right.push(format!(
        "underline(strong({}))",
        lit(kiemdiem_export_party())
    ));
    if let Some(line) = &p.place_date {
        right.push(format!("v(0.3em) + emph({})", lit(line)));
    }
    let stack = |items: &[String]| {
        if items.is_empty() {
            "[]".to_owned()
        } else {
            format!("stack(dir: ttb, spacing: 0.35em, {})", items.join(", "))
        }
    };
    let _ = writeln!(
        out,
        "#grid(columns: (1fr, 1.25fr), align: (center + top, center + top), text(size: 12.5pt, {}), text(size: 12.5pt, {}))\n",
        stack(&left),
        stack(&right)
    );
    out.push_str("#v(1em)\n");
    let _ = writeln!(
        out,
        "#align(center, text(size: 14pt, strong({})))",
        lit(&p.title)
    );
    if let Some(subtitle) = &p.subtitle {
        let _ = writeln!(out, "#align(center, strong({}))", lit(subtitle));
    }
    out.push_str("#align(center, line(length: 25%, stroke: 0.5pt))\n#v(0.5em)\n\n");
    for block in &p.blocks {
        match block {
            Block::Heading { text } => {
                let _ = writeln!(out, "#v(0.3em)\n#strong({})\n", lit(text));
            }
            Block::Paragraph { text } => {
                for line in text.lines() {
                    let _ = writeln!(out, "#h(1cm)#{}\n", lit(line));
                }
            }
            Block::Field { label, value } => {
                let _ = writeln!(
                    out,
                    "#{}#strong({})\n",
                    lit(&format!("{label}: ")),
                    lit(value)
                );
            }
            Block::Note { text } => {
                let _ = writeln!(out, "#text(size: 11pt, emph({}))\n", lit(text));
            }
            Block::Table(t) => table(&mut out, t),
        }
    }
    // Recipients left, signatures right (minutes: the secretary and the chair side by side).
    let recipients = if p.recipients.is_empty() {
        "[]".to_owned()
    } else {
        let mut items = vec![format!(
            "text(size: 12pt, strong(emph({})))",
            lit("Nơi nhận:")
        )];
        items.extend(
            p.recipients
                .iter()
                .map(|r| format!("text(size: 11pt, {})", lit(&format!("- {r},")))),
        );
        format!(
            "align(left, stack(dir: ttb, spacing: 0.3em, {}))",
            items.join(", ")
        )
    };
    let signature = |s: &kiemdiem_app::paper::Signature| {
        let mut items = Vec::new();
        if let Some(behalf) = &s.on_behalf_of {
            items.push(format!("strong({})", lit(behalf)));
        }
        items.push(format!("strong({})", lit(&s.title)));
        items.push("v(2.2cm)".to_owned());
        items.push(format!("strong({})", lit(&s.name)));
        format!("stack(dir: ttb, spacing: 0.35em, {})", items.join(", "))
    };
    let mut columns: Vec<String> = Vec::new();
    if !p.recipients.is_empty() || p.signatures.len() == 1 {
        columns.push(recipients);
    }
    columns.extend(p.signatures.iter().map(signature));
    if !columns.is_empty() {
        let _ = writeln!(
            out,
            "#v(1em)\n#block(breakable: false, grid(columns: ({}), align: center + top, {}))",
            vec!["1fr"; columns.len()].join(", "),
            columns.join(", ")
        );
    }
    out
}

/// "ĐẢNG CỘNG SẢN VIỆT NAM" (the same words as the Word and Excel files).
fn kiemdiem_export_party() -> &'static str {
    "ĐẢNG CỘNG SẢN VIỆT NAM"
}

/// The document as a PDF file.
pub fn pdf(p: &Paper) -> Result<Vec<u8>, PdfError> {
    let path = VirtualPath::new("/main.typ").map_err(|e| PdfError(format!("{e:?}")))?;
    let id = FileId::new(RootedPath::new(VirtualRoot::Project, path));
    let world = OneDocument {
        main: Source::new(id, source(p)),
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(|errors| {
        PdfError(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        PdfError(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}
