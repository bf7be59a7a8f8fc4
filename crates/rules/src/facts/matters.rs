//! Matters raised about a subject before its final decision (đơn thư khiếu nại, tố cáo, phản ánh
//! tiêu cực, dấu hiệu vi phạm, dấu hiệu mất đoàn kết): QĐ 366-QĐ/TW Điều 12 khoản 1 and QĐ
//! 124-QĐ/TW Điều 11 have the upper committee check, verify and re-appraise before the competent
//! level decides, so the decision waits for the verification to be recorded.

use serde::{Deserialize, Serialize};
use time::Date;

/// The kind of a matter that blocks the final decision until verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatterKind {
    /// Đơn khiếu nại.
    Complaint,
    /// Đơn tố cáo.
    Denunciation,
    /// Phản ánh về tiêu cực.
    NegativityReport,
    /// Dấu hiệu vi phạm kỷ luật Đảng, pháp luật.
    ViolationSigns,
    /// Dấu hiệu mất đoàn kết nội bộ.
    DisunitySigns,
}

impl MatterKind {
    pub fn name_vi(self) -> &'static str {
        match self {
            MatterKind::Complaint => "Đơn khiếu nại",
            MatterKind::Denunciation => "Đơn tố cáo",
            MatterKind::NegativityReport => "Phản ánh về tiêu cực",
            MatterKind::ViolationSigns => "Dấu hiệu vi phạm kỷ luật Đảng, pháp luật",
            MatterKind::DisunitySigns => "Dấu hiệu mất đoàn kết nội bộ",
        }
    }
}

/// One matter received about the subject, and when its verification was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockingMatter {
    pub kind: MatterKind,
    pub received_on: Date,
    /// The day the result of the check, verification or re-appraisal was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_on: Option<Date>,
    /// The document it came in, for people ("Đơn ngày 02/12/2025 của …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}
