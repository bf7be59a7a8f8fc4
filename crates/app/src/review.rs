//! Kiểm điểm documents: the self-review (bản kiểm điểm) or collective report (báo cáo kiểm điểm)
//! with the sections of the era's form, drafts, the day a collective's draft report was sent to
//! the meeting's participants (its own step: the notice is counted from it), submission with
//! near-copy flags, and the
//! inputs gathered for the review — the superior's review suggestions (gợi ý kiểm điểm), the
//! residence-area committee's comments, the masses' comments collected by the trade union and
//! youth union, and the comments of a temporary or previous branch.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
pub use crate::near_copy::{PEER_THRESHOLD, SAMPLE_THRESHOLD, SimilarityFlag};
use crate::plan::{advance, load_plan, load_subject, require_status};
use crate::state::{Event, Stage};
pub use kiemdiem_rules::forms::sections::Section;
use kiemdiem_rules::forms::self_review_sections;
use kiemdiem_rules::{RuleBook, SubjectKind};
use kiemdiem_store::cycle::review::{ReviewInputRow, SelfReviewRow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The sections of the form a subject kind writes under the plan's rules.
pub fn form_sections(book: &RuleBook, kind: SubjectKind) -> &'static [Section] {
    self_review_sections(book, kind)
}

/// A subject's self-review form: its code and headings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormSections {
    pub code: String,
    pub sections: &'static [Section],
}

/// A self-review as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelfReview {
    pub subject: Uuid,
    pub form_code: String,
    pub sections: BTreeMap<String, String>,
    /// `draft` or `submitted`.
    pub status: String,
    pub submitted_on: Option<Date>,
    pub draft_sent_on: Option<Date>,
    pub flags: Vec<SimilarityFlag>,
    pub version: i64,
    pub changed_by: String,
}

fn view(row: SelfReviewRow) -> SelfReview {
    SelfReview {
        subject: row.subject_id,
        form_code: row.form_code,
        sections: serde_json::from_str(&row.sections).unwrap_or_default(),
        status: row.status,
        submitted_on: row.submitted_on,
        draft_sent_on: row.draft_sent_on,
        flags: row
            .similarity
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default(),
        version: row.version,
        changed_by: row.changed_by,
    }
}

/// What a review input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewInputKind {
    /// Gợi ý kiểm điểm của cấp trên.
    Suggestion,
    /// Nhận xét của chi ủy, đảng ủy nơi cư trú.
    ResidenceComment,
    /// Góp ý của quần chúng (công đoàn, đoàn thanh niên).
    MassesComment,
    /// Nhận xét của chi bộ nơi sinh hoạt tạm thời.
    TemporaryBranchComment,
    /// Nhận xét của chi bộ nơi chuyển đi.
    PreviousBranchComment,
}

impl ReviewInputKind {
    pub fn code(self) -> &'static str {
        match self {
            ReviewInputKind::Suggestion => "suggestion",
            ReviewInputKind::ResidenceComment => "residence_comment",
            ReviewInputKind::MassesComment => "masses_comment",
            ReviewInputKind::TemporaryBranchComment => "temporary_branch_comment",
            ReviewInputKind::PreviousBranchComment => "previous_branch_comment",
        }
    }
}

/// A review input as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewInput {
    pub id: Uuid,
    pub kind: String,
    pub from_body: String,
    pub body: String,
    pub received_on: Date,
    pub by: String,
}

fn clean(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.trim().nfc().collect()
}

impl App {
    /// Saves a draft of the subject's self-review (creating it at `version` 0).
    pub async fn save_self_review(
        &self,
        actor: &Actor,
        subject: Uuid,
        version: i64,
        sections: BTreeMap<String, String>,
    ) -> Result<SelfReview> {
        let who = self
            .authorize(actor, Action::WriteOwn, Scope::Subject(subject))
            .await?;
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "viết bản kiểm điểm")?;
        if row.stage != Stage::Pending {
            return Err(AppError::conflict(format!(
                "Không sửa được bản kiểm điểm: {}",
                row.stage.name_vi()
            )));
        }
        let allowed = form_sections(&plan.book()?, row.kind);
        let mut cleaned = BTreeMap::new();
        for (code, text) in sections {
            if !allowed.iter().any(|s| s.code == code) {
                return Err(AppError::invalid(
                    format!("sections.{code}"),
                    format!("Mẫu {} không có mục «{code}»", row.form_code),
                ));
            }
            cleaned.insert(code, clean(&text));
        }
        let existing = tx.self_review(subject).await?;
        let record = SelfReviewRow {
            subject_id: subject,
            form_code: row.form_code.clone(),
            sections: serde_json::to_string(&cleaned).unwrap_or_default(),
            status: "draft".into(),
            submitted_on: None,
            draft_sent_on: existing.as_ref().and_then(|e| e.draft_sent_on),
            similarity: None,
            version,
            changed_by: String::new(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        };
        if !tx.save_self_review(&record).await? {
            return Err(AppError::stale("Bản kiểm điểm", version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("self_review.save", "subject", subject)
                .detail(serde_json::json!({"sections": cleaned.keys().collect::<Vec<_>>()})),
        )
        .await?;
        let saved = tx.self_review(subject).await?.map(view);
        tx.commit().await?;
        saved.ok_or_else(|| AppError::internal("bản kiểm điểm vừa lưu không đọc lại được"))
    }

    /// Submits the self-review: every required section filled; near-copies of another
    /// self-review of the unit or of the form's sample are flagged (not refused). For a
    /// collective report, `draft_sent_on` is the day the draft reached the participants.
    pub async fn submit_self_review(
        &self,
        actor: &Actor,
        subject: Uuid,
        version: i64,
        submitted_on: Date,
        draft_sent_on: Option<Date>,
    ) -> Result<SelfReview> {
        let who = self
            .authorize(actor, Action::WriteOwn, Scope::Subject(subject))
            .await?;
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "nộp bản kiểm điểm")?;
        let mut review = tx
            .self_review(subject)
            .await?
            .ok_or_else(|| AppError::invalid("sections", "Chưa viết bản kiểm điểm"))?;
        if review.version != version {
            return Err(AppError::stale("Bản kiểm điểm", version));
        }
        let sections: BTreeMap<String, String> =
            serde_json::from_str(&review.sections).unwrap_or_default();
        for section in form_sections(&plan.book()?, row.kind) {
            if section.required && sections.get(section.code).is_none_or(|t| t.is_empty()) {
                return Err(AppError::invalid(
                    format!("sections.{}", section.code),
                    format!("Chưa viết mục {} «{}»", section.code, section.title),
                ));
            }
        }
        let flags = crate::near_copy::flag_at_submission(&mut tx, &row, &sections).await?;
        review.status = "submitted".into();
        review.submitted_on = Some(submitted_on);
        review.draft_sent_on = draft_sent_on.or(review.draft_sent_on);
        review.similarity =
            (!flags.is_empty()).then(|| serde_json::to_string(&flags).unwrap_or_default());
        if !tx.save_self_review(&review).await? {
            return Err(AppError::stale("Bản kiểm điểm", version));
        }
        advance(
            &mut tx,
            &row,
            row.version,
            Event::SubmitSelfReview,
            None,
            None,
        )
        .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("self_review.submit", "subject", subject).detail(serde_json::json!({
                "submitted_on": submitted_on, "draft_sent_on": review.draft_sent_on, "flags": flags,
            })),
        )
        .await?;
        let saved = tx.self_review(subject).await?.map(view);
        tx.commit().await?;
        saved.ok_or_else(|| AppError::internal("bản kiểm điểm vừa nộp không đọc lại được"))
    }

    /// Records the day the draft collective report (of an organisation or a leadership
    /// collective) was sent to the meeting's participants — its own step, before or after the
    /// report is submitted, until the subject is reviewed: the notice before the meeting
    /// (`review.draft_notice_working_days`) is counted from it.
    pub async fn record_draft_sent(
        &self,
        actor: &Actor,
        subject: Uuid,
        version: i64,
        sent_on: Date,
    ) -> Result<SelfReview> {
        let who = self
            .authorize(actor, Action::WriteOwn, Scope::Subject(subject))
            .await?;
        if sent_on > self.today() {
            return Err(AppError::invalid(
                "sent_on",
                format!("Ngày gửi dự thảo {} ở sau hôm nay", crate::date_vi(sent_on)),
            ));
        }
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "ghi ngày gửi dự thảo báo cáo")?;
        if !matches!(
            row.kind,
            SubjectKind::Organisation | SubjectKind::Collective
        ) {
            return Err(AppError::invalid(
                "sent_on",
                "Chỉ báo cáo kiểm điểm của tập thể gửi dự thảo trước cho người dự hội nghị; bản tự kiểm điểm cá nhân nộp chi bộ",
            ));
        }
        if row.stage.reviewed() {
            return Err(AppError::conflict(format!(
                "{} đã được kiểm điểm: ngày gửi dự thảo không sửa sau hội nghị",
                row.name
            )));
        }
        let mut review = tx.self_review(subject).await?.ok_or_else(|| {
            AppError::invalid("sent_on", "Chưa có dự thảo báo cáo kiểm điểm để gửi")
        })?;
        if review.version != version {
            return Err(AppError::stale("Báo cáo kiểm điểm", version));
        }
        let before = review.draft_sent_on;
        review.draft_sent_on = Some(sent_on);
        if !tx.save_self_review(&review).await? {
            return Err(AppError::stale("Báo cáo kiểm điểm", version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("self_review.draft_sent", "subject", subject)
                .detail(serde_json::json!({"sent_on": sent_on, "before": before})),
        )
        .await?;
        let saved = tx.self_review(subject).await?.map(view);
        tx.commit().await?;
        saved.ok_or_else(|| AppError::internal("báo cáo kiểm điểm vừa lưu không đọc lại được"))
    }

    /// The form a subject writes its self-review on: the code and the headings of the plan's era.
    pub async fn self_review_form(&self, actor: &Actor, subject: Uuid) -> Result<FormSections> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        Ok(FormSections {
            sections: form_sections(&plan.book()?, row.kind),
            code: row.form_code,
        })
    }

    pub async fn self_review(&self, actor: &Actor, subject: Uuid) -> Result<Option<SelfReview>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        Ok(tx.self_review(subject).await?.map(view))
    }

    /// Records a suggestion or a comment for a subject's review.
    pub async fn add_review_input(
        &self,
        actor: &Actor,
        subject: Uuid,
        kind: ReviewInputKind,
        from_body: &str,
        text: &str,
        received_on: Date,
    ) -> Result<ReviewInput> {
        let who = self
            .authorize(actor, Action::WriteForBody, Scope::Subject(subject))
            .await?;
        let (from_body, text) = (clean(from_body), clean(text));
        if from_body.is_empty() {
            return Err(AppError::invalid(
                "from_body",
                "Chưa ghi tổ chức, cá nhân góp ý",
            ));
        }
        if text.is_empty() {
            return Err(AppError::invalid("text", "Chưa ghi nội dung"));
        }
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "ghi góp ý, nhận xét")?;
        let input = ReviewInputRow {
            id: Uuid::now_v7(),
            subject_id: subject,
            kind: kind.code().into(),
            from_body: from_body.clone(),
            body: text,
            received_on,
            changed_by: who.actor.user.clone(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        };
        tx.add_review_input(&input).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("review_input.add", "subject", subject).detail(
                serde_json::json!({"kind": kind, "from": from_body, "received_on": received_on}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(ReviewInput {
            id: input.id,
            kind: input.kind,
            from_body: input.from_body,
            body: input.body,
            received_on,
            by: who.actor.user,
        })
    }

    pub async fn review_inputs(&self, actor: &Actor, subject: Uuid) -> Result<Vec<ReviewInput>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        // An unknown subject is not an empty list.
        crate::plan::load_subject(&mut tx, subject).await?;
        Ok(tx
            .review_inputs(subject)
            .await?
            .into_iter()
            .map(|r| ReviewInput {
                id: r.id,
                kind: r.kind,
                from_body: r.from_body,
                body: r.body,
                received_on: r.received_on,
                by: r.changed_by,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn individual_and_collective_forms_differ_in_section_v() {
        let book = RuleBook::national(kiemdiem_rules::RuleSetId::Qd366Hd43);
        let individual = form_sections(&book, SubjectKind::MemberWithoutPost);
        let collective = form_sections(&book, SubjectKind::Collective);
        assert!(
            !individual
                .iter()
                .find(|s| s.code == "A.V")
                .unwrap()
                .required
        );
        assert!(
            collective
                .iter()
                .find(|s| s.code == "A.V")
                .unwrap()
                .required
        );
    }
}
