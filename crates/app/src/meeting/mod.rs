//! Meetings (hội nghị kiểm điểm): date, place, chair, attendees (with the members of the
//! superior committee assigned to attend and direct — phân công dự, chỉ đạo), the subjects
//! reviewed with comments and conclusions, minutes, duration.
//!
//! Recording a subject's review checks, with the rules crate's `ordering::check_order` and the
//! rule book's parameters: the collective before its members, the head before the deputies and
//! members, a deputy chairing while the head is reviewed, the draft collective report circulated
//! `review.draft_notice_working_days` working days before (weekends and public holidays
//! excluded: `kiemdiem_rules::calendar`), an individual's self-review in
//! `review.self_review_notice_days` days before, the party committee (and the party
//! organisation) after the government, professional and mass-organisation collectives of the same
//! level; closing the meeting checks the minimum duration (`review.min_meeting_half_days`). The
//! notice, the duration and the government-bodies-first order may be overridden with a recorded
//! reason (local plans leave branches latitude on timing — seed 002 "chủ động về thời gian"; mass
//! organisations review at their own year-end conferences — seed 003 A.2.1); every other order is
//! never overridable.
//!
//! This module owns meetings themselves — scheduling, reading, closing with the duration check;
//! recording one subject's review is [`agenda`], the order it must respect [`order`], the notice
//! before it [`notice`].

mod agenda;
mod notice;
mod order;

pub use agenda::ReviewRecord;

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::{load_plan, load_subject, require_status};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::review::{AttendeeRow, MeetingItemRow, MeetingRow};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Someone at a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    #[serde(default)]
    pub member: Option<Uuid>,
    pub name: String,
    /// `member`, `chair`, `secretary`, `superior_delegate` (phân công dự, chỉ đạo) or `guest`.
    pub role: String,
    #[serde(default = "yes")]
    pub present: bool,
    /// Absent with a reason approved by the convener.
    #[serde(default)]
    pub excused: bool,
}

/// The reason given for overriding a check, trimmed, unless blank.
fn override_reason(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
}

fn yes() -> bool {
    true
}

/// A meeting to schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMeeting {
    pub plan: Uuid,
    /// The body holding it (a branch, a committee).
    pub org: Uuid,
    pub title: String,
    /// Key of the rule book's minimum durations (`default` when absent).
    #[serde(default)]
    pub body_key: Option<String>,
    /// The superior sent review suggestions (longer minimum where the rule book says so).
    #[serde(default)]
    pub suggested: bool,
    pub held_on: Date,
    pub place: String,
    pub chair: String,
    #[serde(default)]
    pub attendees: Vec<Attendee>,
    /// The subjects to review, in order.
    #[serde(default)]
    pub agenda: Vec<Uuid>,
}

/// The end of a meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingClose {
    pub version: i64,
    /// Half-day sessions held (buổi).
    pub half_days: i64,
    pub minutes: String,
    pub conclusion: String,
    /// Why a failed minimum-duration check is overridden.
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// A meeting as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub id: Uuid,
    pub plan: Uuid,
    pub org: Uuid,
    pub title: String,
    pub body_key: String,
    pub suggested: bool,
    pub held_on: Date,
    pub place: String,
    pub chair: String,
    pub half_days: Option<i64>,
    pub minutes: String,
    pub conclusion: String,
    pub status: String,
    pub override_reason: Option<String>,
    pub attendees: Vec<Attendee>,
    pub items: Vec<MeetingItem>,
    pub version: i64,
}

/// One subject on a meeting's agenda, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingItem {
    pub subject: Uuid,
    pub position: i64,
    pub reviewed: bool,
    /// Absent from this meeting: reviewed and rated at the earliest later one.
    pub absent: bool,
    pub chaired_by: Option<String>,
    pub comments: String,
    pub conclusion: String,
    pub override_reason: Option<String>,
}

pub(crate) async fn load_meeting(tx: &mut Tx, id: Uuid) -> Result<Meeting> {
    let row = tx
        .meeting(id)
        .await?
        .ok_or_else(|| AppError::not_found("hội nghị", id))?;
    let attendees = tx
        .attendees(id)
        .await?
        .into_iter()
        .map(|a| Attendee {
            member: a.member_id,
            name: a.name,
            role: a.role,
            present: a.present,
            excused: a.excused,
        })
        .collect();
    let items = tx
        .meeting_items(id)
        .await?
        .into_iter()
        .map(|i| MeetingItem {
            subject: i.subject_id,
            position: i.position,
            reviewed: i.reviewed,
            absent: i.absent,
            chaired_by: i.chaired_by,
            comments: i.comments,
            conclusion: i.conclusion,
            override_reason: i.override_reason,
        })
        .collect();
    Ok(Meeting {
        id: row.id,
        plan: row.plan_id,
        org: row.org_id,
        title: row.title,
        body_key: row.body_key,
        suggested: row.suggested,
        held_on: row.held_on,
        place: row.place,
        chair: row.chair,
        half_days: row.half_days,
        minutes: row.minutes,
        conclusion: row.conclusion,
        status: row.status,
        override_reason: row.override_reason,
        attendees,
        items,
        version: row.version,
    })
}

impl App {
    /// Schedules a meeting with its attendees and agenda.
    pub async fn schedule_meeting(&self, actor: &Actor, new: NewMeeting) -> Result<Meeting> {
        let who = self
            .authorize(actor, Action::ManageMeeting, Scope::Org(new.org))
            .await?;
        if new.title.trim().is_empty() {
            return Err(AppError::invalid("title", "Chưa ghi tên hội nghị"));
        }
        if new.chair.trim().is_empty() {
            return Err(AppError::invalid("chair", "Chưa ghi người chủ trì"));
        }
        let mut tx = self.begin(&who).await?;
        let plan = load_plan(&mut tx, new.plan).await?;
        require_status(&plan, "open", "tổ chức hội nghị")?;
        tx.org_as_of(new.org, new.held_on)
            .await?
            .ok_or_else(|| AppError::not_found("tổ chức họp", new.org))?;
        for (i, attendee) in new.attendees.iter().enumerate() {
            if !["member", "chair", "secretary", "superior_delegate", "guest"]
                .contains(&attendee.role.as_str())
            {
                return Err(AppError::invalid(
                    format!("attendees[{i}].role"),
                    format!("Vai trò «{}» không hợp lệ", attendee.role),
                ));
            }
        }
        let id = Uuid::now_v7();
        tx.insert_meeting(&MeetingRow {
            id,
            plan_id: new.plan,
            org_id: new.org,
            title: new.title.trim().into(),
            body_key: new.body_key.clone().unwrap_or_else(|| "default".into()),
            suggested: new.suggested,
            held_on: new.held_on,
            place: new.place.trim().into(),
            chair: new.chair.trim().into(),
            half_days: None,
            minutes: String::new(),
            conclusion: String::new(),
            status: "scheduled".into(),
            override_reason: None,
            version: 1,
            changed_by: String::new(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        })
        .await?;
        let attendees: Vec<AttendeeRow> = new
            .attendees
            .iter()
            .enumerate()
            .map(|(i, a)| AttendeeRow {
                seq: i as i64 + 1,
                member_id: a.member,
                name: a.name.trim().into(),
                role: a.role.clone(),
                present: a.present,
                excused: a.excused,
            })
            .collect();
        tx.replace_attendees(id, &attendees).await?;
        for (i, subject) in new.agenda.iter().enumerate() {
            let row = load_subject(&mut tx, *subject).await?;
            if row.plan_id != new.plan {
                return Err(AppError::invalid(
                    format!("agenda[{i}]"),
                    format!("{} không thuộc kế hoạch này", row.name),
                ));
            }
            tx.put_meeting_item(&MeetingItemRow {
                meeting_id: id,
                subject_id: *subject,
                position: i as i64 + 1,
                reviewed: false,
                absent: false,
                chaired_by: None,
                comments: String::new(),
                conclusion: String::new(),
                override_reason: None,
            })
            .await?;
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("meeting.schedule", "meeting", id).detail(serde_json::json!({
                "plan": new.plan, "org": new.org, "held_on": new.held_on, "agenda": new.agenda.len(),
                "superior_delegates": new.attendees.iter().filter(|a| a.role == "superior_delegate").map(|a| &a.name).collect::<Vec<_>>(),
            })),
        )
        .await?;
        let meeting = load_meeting(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meeting)
    }

    pub async fn meeting(&self, actor: &Actor, id: Uuid) -> Result<Meeting> {
        self.authorize(actor, Action::Read, Scope::Meeting(id))
            .await?;
        let mut tx = self.store().read().await?;
        load_meeting(&mut tx, id).await
    }

    /// Closes a meeting with its minutes and conclusion, after the minimum-duration check.
    pub async fn close_meeting(
        &self,
        actor: &Actor,
        meeting: Uuid,
        close: MeetingClose,
    ) -> Result<Meeting> {
        let who = self
            .authorize(actor, Action::ManageMeeting, Scope::Meeting(meeting))
            .await?;
        let mut tx = self.begin(&who).await?;
        let mut row = tx
            .meeting(meeting)
            .await?
            .ok_or_else(|| AppError::not_found("hội nghị", meeting))?;
        if row.status == "closed" {
            return Err(AppError::conflict("Hội nghị đã kết thúc"));
        }
        let plan = load_plan(&mut tx, row.plan_id).await?;
        let book = plan.book()?;
        let length = kiemdiem_rules::timing::meeting_length(
            &book,
            &row.body_key,
            row.suggested,
            u32::try_from(close.half_days.max(0)).unwrap_or(u32::MAX),
        );
        let override_reason = override_reason(close.override_reason.as_deref());
        let short = length.status == kiemdiem_rules::timing::TimingStatus::Refused;
        if short && override_reason.is_none() {
            return Err(AppError::rule(
                format!("{}. Có thể kết thúc nếu ghi rõ lý do", length.message),
                vec![length.citation.clone()],
            )
            .with_field("half_days"));
        }
        row.half_days = Some(close.half_days);
        if !close.minutes.trim().is_empty() {
            row.minutes = if row.minutes.is_empty() {
                close.minutes.trim().to_owned()
            } else {
                format!("{}\n\n{}", close.minutes.trim(), row.minutes)
            };
        }
        row.conclusion = close.conclusion.trim().into();
        row.status = "closed".into();
        row.override_reason = if short { override_reason.clone() } else { None };
        row.version = close.version;
        if !tx.update_meeting(&row).await? {
            return Err(AppError::stale("Hội nghị", close.version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("meeting.close", "meeting", meeting)
                .reason(if short { override_reason } else { None })
                .detail(serde_json::json!({"half_days": close.half_days, "minimum": kiemdiem_rules::timing::meeting_minimum(&book, &row.body_key, row.suggested).1})),
        )
        .await?;
        let view = load_meeting(&mut tx, meeting).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The meetings of a plan, by date.
    pub async fn meetings(&self, actor: &Actor, plan: Uuid) -> Result<Vec<Meeting>> {
        self.authorize(actor, Action::Read, Scope::Plan(plan))
            .await?;
        let mut tx = self.store().read().await?;
        let mut out = Vec::new();
        for row in tx.meetings_of_plan(plan).await? {
            out.push(load_meeting(&mut tx, row.id).await?);
        }
        Ok(out)
    }
}
