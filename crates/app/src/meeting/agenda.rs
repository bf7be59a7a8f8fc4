//! Recording the review of one subject on a meeting's agenda (or its absence): the subject
//! must have submitted its self-review, the order of review ([`super::order`]) and the notice
//! ([`super::notice`]) are checked, a head does not chair their own review, and an override is
//! recorded with its reason on the item and in the audit entry. Then the subject is reviewed.

use super::notice::notice_problem;
use super::order::{check_review_order, precedence_citation, review_predecessors};
use super::{Meeting, load_meeting, override_reason};
use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use crate::plan::{advance, load_plan, load_subject, require_status};
use crate::state::{Event, Stage};
use kiemdiem_rules::Citation;
use kiemdiem_rules::ordering::Precedence;
use kiemdiem_store::cycle::review::MeetingItemRow;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The review of one subject at a meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRecord {
    /// False when the subject was absent: reviewed at the earliest later meeting.
    #[serde(default = "super::yes")]
    pub present: bool,
    #[serde(default)]
    pub comments: String,
    #[serde(default)]
    pub conclusion: String,
    /// The member chairing this item (a deputy when the head is reviewed).
    #[serde(default)]
    pub chaired_by: Option<Uuid>,
    #[serde(default)]
    pub chaired_by_name: Option<String>,
    /// Why a failed notice check is overridden (recorded; order cannot be overridden).
    #[serde(default)]
    pub override_reason: Option<String>,
}

impl App {
    /// Records that a subject on the agenda was reviewed (or was absent), after the order and
    /// notice checks.
    pub async fn record_review(
        &self,
        actor: &Actor,
        meeting: Uuid,
        subject: Uuid,
        record: ReviewRecord,
    ) -> Result<Meeting> {
        let who = self
            .authorize(actor, Action::ManageMeeting, Scope::Meeting(meeting))
            .await?;
        let mut tx = self.begin(&who).await?;
        let current = load_meeting(&mut tx, meeting).await?;
        if current.status == "closed" {
            return Err(AppError::conflict("Hội nghị đã kết thúc"));
        }
        let item = current
            .items
            .iter()
            .find(|i| i.subject == subject)
            .cloned()
            .ok_or_else(|| {
                AppError::invalid("subject", "Đối tượng không có trong chương trình hội nghị")
            })?;
        let plan = load_plan(&mut tx, current.plan).await?;
        require_status(&plan, "open", "kiểm điểm")?;
        let book = plan.book()?;
        let row = load_subject(&mut tx, subject).await?;
        let override_reason = override_reason(record.override_reason.as_deref());
        if !record.present {
            tx.put_meeting_item(&MeetingItemRow {
                meeting_id: meeting,
                subject_id: subject,
                position: item.position,
                reviewed: false,
                absent: true,
                chaired_by: None,
                comments: "Vắng mặt: kiểm điểm tại cuộc họp gần nhất khi có mặt".into(),
                conclusion: String::new(),
                override_reason: None,
            })
            .await?;
            audit::append(
                &mut tx,
                &who,
                AuditEvent::new("meeting.absent", "subject", subject)
                    .detail(serde_json::json!({"meeting": meeting})),
            )
            .await?;
            let view = load_meeting(&mut tx, meeting).await?;
            tx.commit().await?;
            return Ok(view);
        }
        if row.stage != Stage::SelfReviewed {
            return Err(AppError::new(
                ErrorCode::OutOfOrder,
                format!("{}: {}", row.name, row.stage.name_vi()),
            )
            .with_citation(precedence_citation(
                &book,
                Precedence::ReviewBeforeRating,
                book.sources().review_notice,
            )));
        }
        let (predecessors, is_head) = review_predecessors(&mut tx, &row, current.held_on).await?;
        let order_overridden =
            check_review_order(&book, &predecessors, override_reason.as_deref())?;
        let head = is_head
            .then_some(row.member_id)
            .flatten()
            .map(|m| (m, row.name.as_str()));
        let chair = item_chair(&current, &record, head).map_err(|message| {
            AppError::new(ErrorCode::OutOfOrder, message)
                .with_field("chaired_by")
                .with_citation(precedence_citation(
                    &book,
                    Precedence::HeadBeforeDeputies,
                    book.sources().review_notice,
                ))
        })?;
        // Notice of the draft report / self-review.
        let review = tx.self_review(subject).await?;
        let notice_failure = notice_problem(&book, row.kind, review.as_ref(), current.held_on);
        if let Some(problem) = &notice_failure
            && override_reason.is_none()
        {
            return Err(AppError::rule(
                format!("{problem}. Có thể tiếp tục nếu ghi rõ lý do"),
                vec![Citation::new(
                    format!("{}.review.notice", book.rule_set),
                    book.sources().review_notice,
                )],
            )
            .with_field("override_reason"));
        }
        let overridden = notice_failure.is_some() || !order_overridden.is_empty();
        tx.put_meeting_item(&MeetingItemRow {
            meeting_id: meeting,
            subject_id: subject,
            position: item.position,
            reviewed: true,
            absent: false,
            chaired_by: Some(chair),
            comments: record.comments.trim().into(),
            conclusion: record.conclusion.trim().into(),
            override_reason: overridden.then(|| override_reason.clone()).flatten(),
        })
        .await?;
        advance(&mut tx, &row, row.version, Event::RecordReview, None, None).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("meeting.review", "subject", subject)
                .reason(overridden.then_some(override_reason).flatten())
                .detail(serde_json::json!({
                    "meeting": meeting, "overridden": notice_failure, "order_overridden": order_overridden,
                })),
        )
        .await?;
        let view = load_meeting(&mut tx, meeting).await?;
        tx.commit().await?;
        Ok(view)
    }
}

/// Who chairs the review of one subject: the member named for the item, else the meeting's
/// chair. When the head is reviewed (`head`: the head's member id and name) a deputy chairs: the
/// head may not chair their own review, neither named for the item nor as the meeting's chair
/// (by attendee role or by name), and whoever is named must be a present attendee. Returns the
/// chair's name, or why not.
pub(super) fn item_chair(
    meeting: &Meeting,
    record: &ReviewRecord,
    head: Option<(Uuid, &str)>,
) -> std::result::Result<String, String> {
    let attendee = |member: Uuid| meeting.attendees.iter().find(|a| a.member == Some(member));
    if let Some(member) = record.chaired_by {
        let Some(chair) = attendee(member).filter(|a| a.present) else {
            return Err(
                "Người chủ trì phần kiểm điểm phải là người dự hội nghị, có mặt".to_owned(),
            );
        };
        if head.is_some_and(|(h, _)| h == member) {
            return Err("Khi kiểm điểm người đứng đầu thì cấp phó chủ trì: người được kiểm điểm không chủ trì phần này".to_owned());
        }
        return Ok(record
            .chaired_by_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(&chair.name)
            .to_owned());
    }
    if let Some((head, name)) = head {
        let head_chairs_meeting = meeting.chair.trim() == name.trim()
            || meeting
                .attendees
                .iter()
                .any(|a| a.role == "chair" && a.member == Some(head));
        if head_chairs_meeting {
            return Err("Đồng chí chủ trì hội nghị là người đứng đầu đang được kiểm điểm: ghi rõ đồng chí cấp phó chủ trì phần này (chaired_by)".to_owned());
        }
    }
    Ok(record
        .chaired_by_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(&meeting.chair)
        .to_owned())
}
