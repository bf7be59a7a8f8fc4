//! Meetings (hội nghị kiểm điểm): date, place, chair, attendees (with the members of the
//! superior committee assigned to attend and direct — phân công dự, chỉ đạo), the subjects
//! reviewed with comments and conclusions, minutes, duration.
//!
//! Recording a subject's review checks, with the rules crate's `ordering::check_order` and the
//! rule book's parameters: the collective before its members, the head before the deputies and
//! members, a deputy chairing while the head is reviewed, the draft collective report circulated
//! `review.draft_notice_working_days` working days (Mon–Fri) before, an individual's self-review
//! in `review.self_review_notice_days` days before, the party committee (and the party
//! organisation) after the government, professional and mass-organisation collectives of the same
//! level; closing the meeting checks the minimum duration (`review.min_meeting_half_days`). The
//! notice, the duration and the government-bodies-first order may be overridden with a recorded
//! reason (local plans leave branches latitude on timing — seed 002 "chủ động về thời gian"; mass
//! organisations review at their own year-end conferences — seed 003 A.2.1); every other order is
//! never overridable.

use crate::actor::{Action, Actor, Scope, authorize};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use crate::plan::{advance, load_plan, load_subject, require_status, stage_of};
use crate::state::{Event, Stage};
use crate::vocab::parse_kind;
use crate::{App, date_vi};
use kiemdiem_rules::ordering::{Precedence, Predecessor, check_order};
use kiemdiem_rules::{Citation, RuleBook, SubjectKind};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use kiemdiem_store::cycle::review::{AttendeeRow, MeetingItemRow, MeetingRow};
use kiemdiem_store::leadership::CollectiveKind;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, Weekday};
use uuid::Uuid;

/// Working days (Monday to Friday) strictly between `sent` and `meeting`. Public holidays are
/// not modelled.
pub fn working_days_between(sent: Date, meeting: Date) -> u32 {
    let mut day = sent + Duration::days(1);
    let mut count = 0;
    while day < meeting {
        if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            count += 1;
        }
        day += Duration::days(1);
    }
    count
}

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

/// The review of one subject at a meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRecord {
    /// False when the subject was absent: reviewed at the earliest later meeting.
    #[serde(default = "yes")]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingItem {
    pub subject: Uuid,
    pub position: i64,
    pub reviewed: bool,
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

fn precedence_citation(book: &RuleBook, precedence: Precedence, fallback: &str) -> Citation {
    Citation::new(
        format!("{}.order.{precedence:?}", book.rule_set),
        book.era().precedence(precedence).unwrap_or(fallback),
    )
}

/// The heads (bí thư, người đứng đầu) of the unit on the day, as member ids.
async fn heads_of(tx: &mut Tx, unit: Uuid, on: Date) -> Result<Vec<Uuid>> {
    Ok(tx
        .positions_in_org(unit, on)
        .await?
        .into_iter()
        .filter(|p| p.is_head())
        .filter_map(|p| match p.holder {
            kiemdiem_store::leadership::Holder::Member(id) => Some(id),
            kiemdiem_store::leadership::Holder::Leader(_) => None,
        })
        .collect())
}

/// What must be reviewed before `subject` at its unit.
async fn review_predecessors(
    tx: &mut Tx,
    subject: &SubjectRow,
    on: Date,
) -> Result<(Vec<Predecessor>, bool)> {
    let kind = parse_kind(&subject.kind)?;
    let mut out = Vec::new();
    if matches!(kind, SubjectKind::Organisation | SubjectKind::Collective) {
        return Ok((government_bodies_first(tx, subject, on).await?, false));
    }
    let heads = heads_of(tx, subject.unit_id, on).await?;
    let is_head = subject.member_id.is_some_and(|m| heads.contains(&m));
    if !kind.is_member() {
        return Ok((out, false));
    }
    let unit = tx
        .subjects_of_plan(subject.plan_id, Some(&[subject.unit_id]))
        .await?;
    let reviewed = |row: &SubjectRow| Stage::parse(&row.stage).is_some_and(Stage::reviewed);
    for row in &unit {
        if row.participation == "excluded" || row.id == subject.id {
            continue;
        }
        if row.kind == "collective"
            || (row.kind == "organisation" && row.org_id == Some(subject.unit_id))
        {
            out.push(Predecessor {
                precedence: Precedence::CollectiveBeforeMembers,
                name: format!("Kiểm điểm tập thể {}", row.name),
                done: reviewed(row),
            });
        } else if !is_head
            && parse_kind(&row.kind)?.is_member()
            && row.member_id.is_some_and(|m| heads.contains(&m))
        {
            out.push(Predecessor {
                precedence: Precedence::HeadBeforeDeputies,
                name: format!("Kiểm điểm người đứng đầu {}", row.name),
                done: reviewed(row),
            });
        }
    }
    Ok((out, is_head))
}

/// Collectives of the government, the professional bodies and the mass organisations
/// (HĐND, UBND, MTTQ, đoàn thể, lãnh đạo cơ quan, đơn vị).
fn is_government_body(kind: CollectiveKind) -> bool {
    matches!(
        kind,
        CollectiveKind::PeoplesCouncilStanding
            | CollectiveKind::PeoplesCommittee
            | CollectiveKind::FatherlandFront
            | CollectiveKind::MassOrganisation
            | CollectiveKind::UnitLeadership
    )
}

/// The party committee (cấp ủy, ban thường vụ) or the party organisation itself is reviewed after
/// the government, professional and mass-organisation leadership collectives of the same level —
/// those attached to the same organisation (HD 43 Mục 2; QĐ 124 Điều 11; seed 003 A.4.2).
async fn government_bodies_first(
    tx: &mut Tx,
    subject: &SubjectRow,
    on: Date,
) -> Result<Vec<Predecessor>> {
    let org = subject.unit_id;
    let collectives = tx.collectives_of_org(org, on).await?;
    let party_body = match subject.collective_id {
        Some(id) => collectives.iter().any(|c| {
            c.id == id
                && matches!(
                    c.kind,
                    CollectiveKind::PartyCommittee | CollectiveKind::PartyStandingCommittee
                )
        }),
        None => subject.kind == "organisation" && subject.org_id == Some(org),
    };
    if !party_body {
        return Ok(Vec::new());
    }
    let government: Vec<uuid::Uuid> = collectives
        .iter()
        .filter(|c| is_government_body(c.kind))
        .map(|c| c.id)
        .collect();
    if government.is_empty() {
        return Ok(Vec::new());
    }
    Ok(tx
        .subjects_of_plan(subject.plan_id, Some(&[org]))
        .await?
        .into_iter()
        .filter(|row| {
            row.kind == "collective"
                && row.participation != "excluded"
                && row.collective_id.is_some_and(|c| government.contains(&c))
        })
        .map(|row| Predecessor {
            precedence: Precedence::GovernmentBodiesBeforeCommittee,
            name: format!("Kiểm điểm tập thể {}", row.name),
            done: Stage::parse(&row.stage).is_some_and(Stage::reviewed),
        })
        .collect())
}

/// Order checks that may be overridden with a recorded reason: the government and mass
/// organisations' collectives review at their own year-end conferences (seed 003 A.2.1: "khi
/// tiến hành tổng kết năm"), whose dates the party committee does not set. Every other order is
/// never overridable.
fn overridable(precedence: Precedence) -> bool {
    precedence == Precedence::GovernmentBodiesBeforeCommittee
}

impl App {
    /// Schedules a meeting with its attendees and agenda.
    pub async fn schedule_meeting(&self, actor: &Actor, new: NewMeeting) -> Result<Meeting> {
        let who = authorize(actor, Action::ManageMeeting, Scope::Org(new.org))?;
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
        authorize(actor, Action::Read, Scope::Meeting(id))?;
        let mut tx = self.store().read().await?;
        load_meeting(&mut tx, id).await
    }

    /// Records that a subject on the agenda was reviewed (or was absent), after the order and
    /// notice checks.
    pub async fn record_review(
        &self,
        actor: &Actor,
        meeting: Uuid,
        subject: Uuid,
        record: ReviewRecord,
    ) -> Result<Meeting> {
        let who = authorize(actor, Action::ManageMeeting, Scope::Meeting(meeting))?;
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
        let override_reason = record
            .override_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        if !record.present {
            tx.put_meeting_item(&MeetingItemRow {
                meeting_id: meeting,
                subject_id: subject,
                position: item.position,
                reviewed: false,
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
        if stage_of(&row)? != Stage::SelfReviewed {
            return Err(AppError::new(
                ErrorCode::OutOfOrder,
                format!("{}: {}", row.name, stage_of(&row)?.name_vi()),
            )
            .with_citation(precedence_citation(
                &book,
                Precedence::ReviewBeforeRating,
                book.sources().review_notice,
            )));
        }
        let (predecessors, is_head) = review_predecessors(&mut tx, &row, current.held_on).await?;
        let mut order_overridden = Vec::new();
        if let Err(missing) = check_order(&book, &predecessors) {
            let message = missing
                .iter()
                .map(|m| m.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            let citations = missing.iter().map(|m| m.citation.clone()).collect();
            if missing.iter().any(|m| !overridable(m.precedence)) {
                return Err(AppError::new(
                    ErrorCode::OutOfOrder,
                    format!("Chưa đúng trình tự kiểm điểm: {message}"),
                )
                .with_citations(citations)
                .with_details(&missing));
            }
            if override_reason.is_none() {
                return Err(AppError::new(
                    ErrorCode::OutOfOrder,
                    format!(
                        "Chưa đúng trình tự kiểm điểm: {message}. Có thể tiếp tục nếu ghi rõ lý do"
                    ),
                )
                .with_field("override_reason")
                .with_citations(citations)
                .with_details(&missing));
            }
            order_overridden = missing;
        }
        if is_head && record.chaired_by.is_some() && record.chaired_by == row.member_id {
            return Err(AppError::new(
                ErrorCode::OutOfOrder,
                "Khi kiểm điểm người đứng đầu thì cấp phó chủ trì: người được kiểm điểm không chủ trì phần này",
            )
            .with_field("chaired_by")
            .with_citation(precedence_citation(&book, Precedence::HeadBeforeDeputies, book.sources().review_notice)));
        }
        // Notice of the draft report / self-review.
        let review = tx.self_review(subject).await?;
        let kind = parse_kind(&row.kind)?;
        let notice_failure = match (&review, kind) {
            (Some(r), SubjectKind::Organisation | SubjectKind::Collective) => {
                let needed = book.params.review.draft_notice_working_days;
                match r.draft_sent_on {
                    Some(sent) if working_days_between(sent, current.held_on) >= needed => None,
                    Some(sent) => Some(format!(
                        "Dự thảo báo cáo kiểm điểm gửi ngày {}, chỉ {} ngày làm việc trước hội nghị ngày {} (cần ít nhất {needed})",
                        date_vi(sent),
                        working_days_between(sent, current.held_on),
                        date_vi(current.held_on)
                    )),
                    None => Some(
                        "Chưa ghi ngày gửi dự thảo báo cáo kiểm điểm cho thành viên dự hội nghị"
                            .to_owned(),
                    ),
                }
            }
            (Some(r), _) => {
                let needed = i64::from(book.params.review.self_review_notice_days);
                match r.submitted_on {
                    Some(on) if (current.held_on - on).whole_days() >= needed => None,
                    Some(on) => Some(format!(
                        "Bản kiểm điểm nộp ngày {}, chưa đủ {needed} ngày trước hội nghị ngày {}",
                        date_vi(on),
                        date_vi(current.held_on)
                    )),
                    None => Some("Bản kiểm điểm chưa nộp".to_owned()),
                }
            }
            (None, _) => Some("Chưa có bản kiểm điểm".to_owned()),
        };
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
        let chaired_by = record
            .chaired_by_name
            .clone()
            .or_else(|| record.chaired_by.map(|m| m.to_string()))
            .or_else(|| Some(current.chair.clone()));
        tx.put_meeting_item(&MeetingItemRow {
            meeting_id: meeting,
            subject_id: subject,
            position: item.position,
            reviewed: true,
            chaired_by,
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

    /// Closes a meeting with its minutes and conclusion, after the minimum-duration check.
    pub async fn close_meeting(
        &self,
        actor: &Actor,
        meeting: Uuid,
        close: MeetingClose,
    ) -> Result<Meeting> {
        let who = authorize(actor, Action::ManageMeeting, Scope::Meeting(meeting))?;
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
        let durations = &book.params.review.min_meeting_half_days;
        let key = if row.suggested {
            format!("{}_suggested", row.body_key)
        } else {
            row.body_key.clone()
        };
        let minimum = durations
            .get(&key)
            .or_else(|| durations.get(&row.body_key))
            .or_else(|| durations.get("default"))
            .copied()
            .unwrap_or(0);
        let override_reason = close
            .override_reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        let short = close.half_days < i64::from(minimum);
        if short && override_reason.is_none() {
            return Err(AppError::rule(
                format!(
                    "Hội nghị kéo dài {} buổi, quy định tối thiểu {} buổi ({}). Có thể kết thúc nếu ghi rõ lý do",
                    close.half_days, minimum, key
                ),
                vec![Citation::new(
                    format!("{}.review.min_meeting_half_days", book.rule_set),
                    book.sources().meeting_duration,
                )],
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
                .detail(serde_json::json!({"half_days": close.half_days, "minimum": minimum})),
        )
        .await?;
        let view = load_meeting(&mut tx, meeting).await?;
        tx.commit().await?;
        Ok(view)
    }
}

impl App {
    /// The meetings of a plan, by date.
    pub async fn meetings(&self, actor: &Actor, plan: Uuid) -> Result<Vec<Meeting>> {
        authorize(actor, Action::Read, Scope::Plan(plan))?;
        let mut tx = self.store().read().await?;
        let mut out = Vec::new();
        for row in tx.meetings_of_plan(plan).await? {
            out.push(load_meeting(&mut tx, row.id).await?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn working_days_skip_weekends() {
        // Monday 1 Dec 2025 → Thursday 4 Dec: Tuesday and Wednesday only.
        assert_eq!(
            working_days_between(date!(2025 - 12 - 01), date!(2025 - 12 - 04)),
            2
        );
        assert_eq!(
            working_days_between(date!(2025 - 12 - 01), date!(2025 - 12 - 05)),
            3
        );
        // Friday 5 Dec → Wednesday 10 Dec: Monday, Tuesday.
        assert_eq!(
            working_days_between(date!(2025 - 12 - 05), date!(2025 - 12 - 10)),
            2
        );
    }
}
