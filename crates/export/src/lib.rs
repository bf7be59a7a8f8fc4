//! # kiemdiem-export
//!
//! Writes a document ([`kiemdiem_app::paper::Paper`]) as Word (.docx, for what people edit and
//! sign: Times New Roman, A4, the party's layout — issuer and number top left, "ĐẢNG CỘNG SẢN
//! VIỆT NAM" and the place-and-date line top right, title, body, recipients and signature) or as
//! Excel (.xlsx, for the tables: numbers stay numbers). It decides nothing: what a document says
//! is the app's; PDF is the `pdf` crate's.

mod docx;
mod xlsx;

pub use docx::docx;
pub use xlsx::xlsx;

/// A file could not be written (never the data's fault: the data was checked by the app).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("không ghi được tệp Word: {0}")]
    Docx(String),
    #[error("không ghi được tệp Excel: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// The party's name as the top right of every document prints it.
pub const PARTY: &str = "ĐẢNG CỘNG SẢN VIỆT NAM";
