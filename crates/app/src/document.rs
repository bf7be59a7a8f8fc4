//! The documents (văn bản) a plan, a decision or a re-classification (Mẫu 03) is issued by, as
//! Hướng dẫn 36-HD/VPTW lays them out: the number and symbol ("125-QĐ/HU"), the place and date,
//! the signature block ("T/M BAN THƯỜNG VỤ" / "PHÓ BÍ THƯ" / name) and the recipients (Nơi
//! nhận). This module checks what an office types and records it; rendering the document is the
//! export crate's.

use crate::error::{AppError, Result};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::sitting::DocumentRow;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// What a document is issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Kế hoạch kiểm điểm, đánh giá, xếp loại.
    Plan,
    /// Quyết định xếp loại chất lượng.
    Decision,
    /// Quyết định hủy bỏ kết quả và xếp loại lại (Mẫu 03).
    Reclassification,
}

impl DocumentKind {
    fn code(self) -> &'static str {
        match self {
            DocumentKind::Plan => "plan",
            DocumentKind::Decision => "decision",
            DocumentKind::Reclassification => "reclassification",
        }
    }

    fn parse(code: &str) -> Option<DocumentKind> {
        match code {
            "plan" => Some(DocumentKind::Plan),
            "decision" => Some(DocumentKind::Decision),
            "reclassification" => Some(DocumentKind::Reclassification),
            _ => None,
        }
    }
}

/// A document as an office types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    /// Số và ký hiệu: `125-QĐ/HU` (a leading "Số" is dropped).
    pub number_symbol: String,
    /// The date of the place-and-date line.
    pub issued_on: Option<Date>,
    /// The place of that line (`Cao Lộc`).
    #[serde(default)]
    pub place: String,
    /// The first line of the signature block: `T/M BAN THƯỜNG VỤ`, `K/T BÍ THƯ` …
    pub on_behalf_of: String,
    /// The signer's title (`PHÓ BÍ THƯ`).
    #[serde(default)]
    pub signer_title: String,
    pub signer_name: String,
    /// Nơi nhận.
    #[serde(default)]
    pub recipients: Vec<String>,
}

/// A recorded document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub id: Uuid,
    pub kind: DocumentKind,
    pub number_symbol: String,
    pub issued_on: Date,
    pub place: String,
    pub on_behalf_of: String,
    pub signer_title: String,
    pub signer_name: String,
    pub recipients: Vec<String>,
    pub recorded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

fn clean(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect()
}

/// Whether `text` reads as a number and symbol: digits, a hyphen, a symbol, a slash and the
/// issuer (`125-QĐ/HU`, `59-KH/ĐBSNV`, `03-QĐi/TU`).
fn is_number_symbol(text: &str) -> bool {
    let Some((number, rest)) = text.split_once('-') else {
        return false;
    };
    let Some((symbol, issuer)) = rest.split_once('/') else {
        return false;
    };
    !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
        && !symbol.trim().is_empty()
        && !issuer.trim().is_empty()
        && !text.contains(char::is_whitespace)
}

/// The openings of a signature block that HD 36 uses: thay mặt, ký thay, thừa lệnh, thừa ủy
/// quyền.
const SIGNING_FORMS: [&str; 5] = ["T/M ", "K/T ", "T/L ", "TL. ", "TUQ. "];

/// Checks a typed document and turns it into a row; `field` prefixes every error's field.
pub(crate) fn checked(
    input: &DocumentInput,
    kind: DocumentKind,
    today: Date,
    field: &str,
) -> Result<DocumentRow> {
    let number = clean(
        input
            .number_symbol
            .trim()
            .trim_start_matches("Số")
            .trim_start_matches("số"),
    )
    .trim_start_matches(':')
    .trim()
    .to_owned();
    if !is_number_symbol(&number) {
        return Err(AppError::invalid(
            format!("{field}.number_symbol"),
            format!(
                "Số và ký hiệu văn bản «{}» không đúng cách viết: số, gạch nối, ký hiệu loại văn bản, gạch chéo, cơ quan ban hành — ví dụ «125-QĐ/HU»",
                input.number_symbol.trim()
            ),
        ));
    }
    let issued_on = input.issued_on.ok_or_else(|| {
        AppError::invalid(format!("{field}.issued_on"), "Thiếu ngày ban hành văn bản")
    })?;
    if issued_on > today {
        return Err(AppError::invalid(
            format!("{field}.issued_on"),
            format!("Ngày ban hành {} ở sau hôm nay", crate::date_vi(issued_on)),
        ));
    }
    let on_behalf_of = clean(&input.on_behalf_of).to_uppercase();
    if !SIGNING_FORMS
        .iter()
        .any(|form| on_behalf_of.starts_with(form) && on_behalf_of.len() > form.len())
    {
        return Err(AppError::invalid(
            format!("{field}.on_behalf_of"),
            "Thể thức ký phải bắt đầu bằng T/M (thay mặt), K/T (ký thay), T/L (thừa lệnh) hoặc TUQ. (thừa ủy quyền) và tên cơ quan — ví dụ «T/M BAN THƯỜNG VỤ»",
        ));
    }
    let signer_name = clean(&input.signer_name);
    if signer_name.is_empty() {
        return Err(AppError::invalid(
            format!("{field}.signer_name"),
            "Thiếu họ và tên người ký",
        ));
    }
    let mut recipients = Vec::new();
    for (i, recipient) in input.recipients.iter().enumerate() {
        let recipient = clean(recipient);
        if recipient.is_empty() {
            return Err(AppError::invalid(
                format!("{field}.recipients[{i}]"),
                "Nơi nhận để trống",
            ));
        }
        recipients.push(recipient);
    }
    if kind == DocumentKind::Plan && recipients.is_empty() {
        return Err(AppError::invalid(
            format!("{field}.recipients"),
            "Kế hoạch phải ghi nơi nhận",
        ));
    }
    Ok(DocumentRow {
        id: Uuid::now_v7(),
        kind: kind.code().into(),
        number_symbol: number,
        issued_on,
        place: clean(&input.place),
        on_behalf_of,
        signer_title: clean(&input.signer_title).to_uppercase(),
        signer_name,
        recipients: serde_json::to_string(&recipients).unwrap_or_else(|_| "[]".into()),
        changed_by: String::new(),
        changed_at: OffsetDateTime::UNIX_EPOCH,
    })
}

/// Checks and records a document inside `tx`; returns its id.
pub(crate) async fn record(
    tx: &mut Tx,
    input: &DocumentInput,
    kind: DocumentKind,
    today: Date,
    field: &str,
) -> Result<Uuid> {
    let row = checked(input, kind, today, field)?;
    tx.insert_document(&row).await?;
    Ok(row.id)
}

/// A recorded document, if `id` names one.
pub(crate) async fn load(tx: &mut Tx, id: Option<Uuid>) -> Result<Option<Document>> {
    let Some(id) = id else {
        return Ok(None);
    };
    let Some(row) = tx.document(id).await? else {
        return Ok(None);
    };
    Ok(Some(Document {
        id: row.id,
        kind: DocumentKind::parse(&row.kind)
            .ok_or_else(|| AppError::internal(format!("loại văn bản «{}»", row.kind)))?,
        number_symbol: row.number_symbol,
        issued_on: row.issued_on,
        place: row.place,
        on_behalf_of: row.on_behalf_of,
        signer_title: row.signer_title,
        signer_name: row.signer_name,
        recipients: serde_json::from_str(&row.recipients).unwrap_or_default(),
        recorded_by: row.changed_by,
        recorded_at: row.changed_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> DocumentInput {
        DocumentInput {
            number_symbol: "Số 125-QĐ/HU".into(),
            issued_on: Some(date!(2025 - 12 - 20)),
            place: "Cao Lộc".into(),
            on_behalf_of: "t/m ban thường vụ".into(),
            signer_title: "Phó Bí thư".into(),
            signer_name: "  Hoàng   Văn Toàn ".into(),
            recipients: vec!["Như Điều 3".into(), "Lưu Văn phòng Huyện ủy".into()],
        }
    }

    #[test]
    fn a_typed_document_is_cleaned_and_checked() {
        let row = checked(
            &input(),
            DocumentKind::Decision,
            date!(2025 - 12 - 31),
            "document",
        )
        .unwrap();
        assert_eq!(row.number_symbol, "125-QĐ/HU");
        assert_eq!(row.on_behalf_of, "T/M BAN THƯỜNG VỤ");
        assert_eq!(row.signer_title, "PHÓ BÍ THƯ");
        assert_eq!(row.signer_name, "Hoàng Văn Toàn");
    }

    #[test]
    fn each_wrong_part_is_named() {
        let today = date!(2025 - 12 - 31);
        let refused = |change: fn(&mut DocumentInput)| {
            let mut typed = input();
            change(&mut typed);
            checked(&typed, DocumentKind::Plan, today, "document")
                .unwrap_err()
                .field()
                .map(str::to_owned)
        };
        assert_eq!(
            refused(|d| d.number_symbol = "QĐ 125".into()).as_deref(),
            Some("document.number_symbol")
        );
        assert_eq!(
            refused(|d| d.issued_on = Some(date!(2026 - 01 - 02))).as_deref(),
            Some("document.issued_on")
        );
        assert_eq!(
            refused(|d| d.on_behalf_of = "Ban Thường vụ".into()).as_deref(),
            Some("document.on_behalf_of")
        );
        assert_eq!(
            refused(|d| d.signer_name = " ".into()).as_deref(),
            Some("document.signer_name")
        );
        assert_eq!(
            refused(|d| d.recipients.clear()).as_deref(),
            Some("document.recipients")
        );
    }
}
