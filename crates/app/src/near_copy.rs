//! Near-copy flags on self-reviews (seed 003 §A.4.1: each person writes their own self-review,
//! "không sao chép, photo mẫu kiểm điểm để điền theo kiểu đối phó"). At submission a self-review
//! is compared with the form's sample wording and with the other submitted self-reviews of the
//! same unit ([`crate::similarity`]); a near-copy is flagged on both self-reviews, never refused.
//! The secretary lists the flagged self-reviews of the plan and may return one for rework, with
//! the reason: the subject goes back to writing (`Pending`) and the flags go with the old text.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::{advance, load_plan, load_subject, require_status};
use crate::similarity::{containment, jaccard, shingles};
use crate::state::{Event, Stage};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use kiemdiem_store::cycle::review::SelfReviewRow;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;
use uuid::Uuid;

/// Jaccard similarity from which two self-reviews of one unit are flagged as near-copies.
pub const PEER_THRESHOLD: f64 = 0.7;
/// Share of a self-review found in the form's sample text from which it is flagged.
pub const SAMPLE_THRESHOLD: f64 = 0.6;

/// The sample wording a copied template carries (the form's headings and stock phrases).
const SAMPLE_PHRASES: &str = "Ưu điểm, kết quả đạt được. Về tư tưởng chính trị: luôn trung thành với chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh, kiên định mục tiêu độc lập dân tộc và chủ nghĩa xã hội, chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước. Về phẩm chất đạo đức, lối sống: có lối sống giản dị, trung thực, không tham nhũng, lãng phí, quan liêu, cơ hội, vụ lợi; đoàn kết, gương mẫu. Về tác phong, lề lối làm việc: dân chủ, khoa học, sâu sát. Về ý thức tổ chức kỷ luật: chấp hành sự phân công của tổ chức, thực hiện tốt nguyên tắc tập trung dân chủ. Hạn chế, khuyết điểm và nguyên nhân. Kết quả khắc phục hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở kỳ kiểm điểm trước. Giải trình những vấn đề được gợi ý kiểm điểm. Làm rõ trách nhiệm của cá nhân đối với hạn chế, khuyết điểm của tập thể. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm. Tự nhận mức xếp loại chất lượng: hoàn thành xuất sắc nhiệm vụ, hoàn thành tốt nhiệm vụ, hoàn thành nhiệm vụ, không hoàn thành nhiệm vụ.";

/// A near-copy flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarityFlag {
    /// The other subject's self-review, or `None` for the form's sample text.
    pub other: Option<Uuid>,
    pub other_name: String,
    /// Jaccard similarity (peer) or containment in the sample (form), 0–1.
    pub score: f64,
}

/// A flagged self-review, for the secretary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlaggedReview {
    pub subject: Uuid,
    pub name: String,
    pub unit: Uuid,
    pub form_code: String,
    /// `submitted`, or `draft` once returned.
    pub status: String,
    pub submitted_on: Option<Date>,
    pub flags: Vec<SimilarityFlag>,
    /// The self-review's version (to return it).
    pub version: i64,
}

fn parse_flags(json: Option<&str>) -> Vec<SimilarityFlag> {
    json.and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

fn rounded(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

/// The flags of `subject`'s self-review being submitted with `sections`; a peer it nearly copies
/// (or that nearly copies it) gets the mirror flag on its own self-review, in this transaction.
pub(crate) async fn flag_at_submission(
    tx: &mut Tx,
    subject: &SubjectRow,
    sections: &BTreeMap<String, String>,
) -> Result<Vec<SimilarityFlag>> {
    let text = sections.values().cloned().collect::<Vec<_>>().join("\n");
    let mine = shingles(&text);
    let mut flags = Vec::new();
    let sample = containment(&mine, &shingles(SAMPLE_PHRASES));
    if sample >= SAMPLE_THRESHOLD {
        flags.push(SimilarityFlag {
            other: None,
            other_name: format!("Nội dung mẫu {}", subject.form_code),
            score: rounded(sample),
        });
    }
    for mut other in tx
        .submitted_reviews_of_unit(subject.plan_id, subject.unit_id)
        .await?
    {
        if other.subject_id == subject.id {
            continue;
        }
        let theirs: BTreeMap<String, String> =
            serde_json::from_str(&other.sections).unwrap_or_default();
        let theirs = shingles(&theirs.values().cloned().collect::<Vec<_>>().join("\n"));
        let score = jaccard(&mine, &theirs);
        let mut mirrored = parse_flags(other.similarity.as_deref());
        if score < PEER_THRESHOLD {
            // A flag left from an earlier text of this self-review (returned, rewritten) goes.
            let before = mirrored.len();
            mirrored.retain(|f| f.other != Some(subject.id));
            if mirrored.len() != before {
                other.similarity = (!mirrored.is_empty())
                    .then(|| serde_json::to_string(&mirrored).unwrap_or_default());
                save_peer(tx, &other).await?;
            }
            continue;
        }
        let name = load_subject(tx, other.subject_id).await?.name;
        flags.push(SimilarityFlag {
            other: Some(other.subject_id),
            other_name: name,
            score: rounded(score),
        });
        mirrored.retain(|f| f.other != Some(subject.id));
        mirrored.push(SimilarityFlag {
            other: Some(subject.id),
            other_name: subject.name.clone(),
            score: rounded(score),
        });
        other.similarity = Some(serde_json::to_string(&mirrored).unwrap_or_default());
        save_peer(tx, &other).await?;
    }
    Ok(flags)
}

/// Saves a peer's self-review whose flags changed.
async fn save_peer(tx: &mut Tx, review: &SelfReviewRow) -> Result<()> {
    if tx.save_self_review(review).await? {
        Ok(())
    } else {
        Err(AppError::conflict(
            "Bản kiểm điểm của người khác trong đơn vị vừa thay đổi: nộp lại",
        ))
    }
}

impl App {
    /// The self-reviews of a plan flagged as near-copies (of each other or of the form's
    /// sample), by name.
    pub async fn flagged_reviews(&self, actor: &Actor, plan: Uuid) -> Result<Vec<FlaggedReview>> {
        self.authorize(actor, Action::Read, Scope::Plan(plan))
            .await?;
        let mut tx = self.store().read().await?;
        load_plan(&mut tx, plan).await?;
        let mut out = Vec::new();
        for review in tx.flagged_self_reviews(plan).await? {
            let subject = load_subject(&mut tx, review.subject_id).await?;
            out.push(FlaggedReview {
                subject: subject.id,
                name: subject.name,
                unit: subject.unit_id,
                form_code: review.form_code,
                status: review.status,
                submitted_on: review.submitted_on,
                flags: parse_flags(review.similarity.as_deref()),
                version: review.version,
            });
        }
        Ok(out)
    }

    /// Returns a submitted self-review for rework before the meeting (trả lại bản kiểm điểm),
    /// with the reason: the self-review is a draft again, the subject is back to writing it, and
    /// its flags are dropped with the old text (kept in the audit trail). `version` is the
    /// self-review's version read.
    pub async fn return_self_review(
        &self,
        actor: &Actor,
        subject: Uuid,
        version: i64,
        reason: &str,
    ) -> Result<()> {
        let who = self
            .authorize(actor, Action::ManageMeeting, Scope::Subject(subject))
            .await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                "Trả lại bản kiểm điểm phải ghi rõ lý do",
            ));
        }
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "trả lại bản kiểm điểm")?;
        if row.stage != Stage::SelfReviewed {
            return Err(AppError::conflict(format!(
                "Chỉ trả lại bản kiểm điểm đã nộp, chưa kiểm điểm tại hội nghị: {}",
                row.stage.name_vi()
            )));
        }
        let mut review = tx
            .self_review(subject)
            .await?
            .ok_or_else(|| AppError::internal("đối tượng đã nộp nhưng không có bản kiểm điểm"))?;
        if review.version != version {
            return Err(AppError::stale("Bản kiểm điểm", version));
        }
        let flags = parse_flags(review.similarity.as_deref());
        review.status = "draft".into();
        review.submitted_on = None;
        review.similarity = None;
        if !tx.save_self_review(&review).await? {
            return Err(AppError::stale("Bản kiểm điểm", version));
        }
        advance(
            &mut tx,
            &row,
            row.version,
            Event::ReturnSelfReview,
            None,
            None,
        )
        .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("self_review.return", "subject", subject)
                .reason(Some(reason.to_owned()))
                .detail(serde_json::json!({"flags": flags})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filled_template_is_mostly_sample_text() {
        let copied = "Về tư tưởng chính trị: luôn trung thành với chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh, kiên định mục tiêu độc lập dân tộc và chủ nghĩa xã hội, chấp hành nghiêm chủ trương, đường lối của Đảng";
        let own = "Năm 2025 tôi phụ trách tổ thu ngân sách, đạt 112% kế hoạch, vận động 14 hộ hiến đất làm đường liên thôn";
        let sample = shingles(SAMPLE_PHRASES);
        assert!(containment(&shingles(copied), &sample) >= SAMPLE_THRESHOLD);
        assert!(containment(&shingles(own), &sample) < 0.1);
    }
}
