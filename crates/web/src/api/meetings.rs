//! `/api/v1/meetings/…`: review meetings (hội nghị kiểm điểm) — scheduled with attendees, the
//! superior's delegates and an agenda; each subject's review recorded after the order and notice
//! checks (collective first, head first, a deputy chairing while the head is reviewed, drafts
//! circulated in time); closed with the minutes after the minimum-duration check. A failed
//! notice or duration check may be overridden with a recorded reason; the order never.

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, IfMatch};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::meeting::{
    Attendee, Meeting, MeetingClose, MeetingItem, NewMeeting, ReviewRecord,
};
use kiemdiem_app::{Actor, ErrorCode};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(schedule))
        .routes(routes!(get_meeting))
        .routes(routes!(record_review))
        .routes(routes!(close))
        .routes(routes!(meetings_of_plan))
}

/// A meeting to schedule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeetingBody {
    pub plan_id: Uuid,
    /// The code of the body holding it (a branch, a committee).
    #[schema(example = "CB1")]
    pub org: String,
    #[schema(example = "Hội nghị kiểm điểm Chi bộ thôn Nà Súng năm 2025")]
    pub title: String,
    /// Key of the rule book's minimum durations (`default` when absent).
    #[serde(default)]
    pub body_key: Option<String>,
    /// The superior sent review suggestions (a longer minimum where the rule book says so).
    #[serde(default)]
    pub suggested: bool,
    pub held_on: Date,
    pub place: String,
    pub chair: String,
    #[serde(default)]
    pub attendees: Vec<AttendeeBody>,
    /// The subjects to review, in order.
    #[serde(default)]
    pub agenda: Vec<Uuid>,
}

/// Someone at a meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendeeBody {
    /// The member's id or card number, when a party member.
    #[serde(default)]
    pub member: Option<String>,
    pub name: String,
    /// `member`, `chair`, `secretary`, `superior_delegate` (phân công dự, chỉ đạo) or `guest`.
    #[schema(example = "member")]
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

/// The review of one subject at the meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRecordBody {
    /// False when the subject was absent: reviewed at the earliest later meeting.
    #[serde(default = "yes")]
    pub present: bool,
    #[serde(default)]
    pub comments: String,
    #[serde(default)]
    pub conclusion: String,
    /// The member chairing this item (id or card number; a deputy when the head is reviewed).
    #[serde(default)]
    pub chaired_by: Option<String>,
    #[serde(default)]
    pub chaired_by_name: Option<String>,
    /// Why a failed notice check is overridden (recorded; the order cannot be overridden).
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// The end of a meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingCloseBody {
    /// The meeting's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    /// Half-day sessions held (buổi).
    pub half_days: i64,
    pub minutes: String,
    pub conclusion: String,
    /// Why a failed minimum-duration check is overridden.
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// A meeting as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub org_id: Uuid,
    pub title: String,
    pub body_key: String,
    pub suggested: bool,
    pub held_on: Date,
    pub place: String,
    pub chair: String,
    pub half_days: Option<i64>,
    /// The minutes (biên bản), with the ballot results written in when a ballot closes.
    pub minutes: String,
    pub conclusion: String,
    /// `scheduled`, `held` or `closed`.
    pub status: String,
    pub override_reason: Option<String>,
    pub attendees: Vec<AttendeeView>,
    pub items: Vec<MeetingItemView>,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeView {
    pub member_id: Option<Uuid>,
    pub name: String,
    pub role: String,
    pub present: bool,
    pub excused: bool,
}

/// A subject on the agenda.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingItemView {
    pub subject_id: Uuid,
    pub position: i64,
    pub reviewed: bool,
    /// Absent: reviewed and rated at the earliest later meeting.
    pub absent: bool,
    pub chaired_by: Option<String>,
    pub comments: String,
    pub conclusion: String,
    pub override_reason: Option<String>,
}

impl From<Meeting> for MeetingView {
    fn from(m: Meeting) -> MeetingView {
        MeetingView {
            id: m.id,
            plan_id: m.plan,
            org_id: m.org,
            title: m.title,
            body_key: m.body_key,
            suggested: m.suggested,
            held_on: m.held_on,
            place: m.place,
            chair: m.chair,
            half_days: m.half_days,
            minutes: m.minutes,
            conclusion: m.conclusion,
            status: m.status,
            override_reason: m.override_reason,
            attendees: m
                .attendees
                .into_iter()
                .map(|a: Attendee| AttendeeView {
                    member_id: a.member,
                    name: a.name,
                    role: a.role,
                    present: a.present,
                    excused: a.excused,
                })
                .collect(),
            items: m
                .items
                .into_iter()
                .map(|i: MeetingItem| MeetingItemView {
                    subject_id: i.subject,
                    position: i.position,
                    reviewed: i.reviewed,
                    absent: i.absent,
                    chaired_by: i.chaired_by,
                    comments: i.comments,
                    conclusion: i.conclusion,
                    override_reason: i.override_reason,
                })
                .collect(),
            version: m.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingList {
    pub meetings: Vec<MeetingView>,
}

/// A member named in a body by id or card number; an unknown one is `422 invalid_body` naming
/// the field.
pub async fn resolve_member(
    state: &ApiState,
    actor: &Actor,
    text: &str,
    field: &str,
) -> ApiResult<Uuid> {
    state
        .app()
        .member_id(actor, text, field)
        .await
        .map_err(|error| match error.error_code() {
            ErrorCode::NotFound => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                format!("không tìm thấy đảng viên «{}»", text.trim()),
            )
            .with_field(field),
            _ => error.into(),
        })
}

/// Schedules a review meeting with its attendees and agenda.
#[utoipa::path(post, path = "/meetings", tag = "review", operation_id = "schedule_meeting",
    request_body = NewMeetingBody,
    responses((status = 201, body = MeetingView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn schedule(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiJson(body): ApiJson<NewMeetingBody>,
) -> ApiResult<(StatusCode, Json<MeetingView>)> {
    let org = state
        .app()
        .org_id(&actor, &body.org, Some(body.held_on), "org")
        .await?;
    let mut attendees = Vec::with_capacity(body.attendees.len());
    for (i, a) in body.attendees.into_iter().enumerate() {
        let member = match a.member.as_deref() {
            Some(text) => {
                Some(resolve_member(&state, &actor, text, &format!("attendees[{i}].member")).await?)
            }
            None => None,
        };
        attendees.push(Attendee {
            member,
            name: a.name,
            role: a.role,
            present: a.present,
            excused: a.excused,
        });
    }
    let new = NewMeeting {
        plan: body.plan_id,
        org,
        title: body.title,
        body_key: body.body_key,
        suggested: body.suggested,
        held_on: body.held_on,
        place: body.place,
        chair: body.chair,
        attendees,
        agenda: body.agenda,
    };
    let meeting = state.app().schedule_meeting(&actor, new).await?;
    Ok((StatusCode::CREATED, Json(meeting.into())))
}

/// A meeting with its attendees, agenda, minutes and conclusion.
#[utoipa::path(get, path = "/meetings/{id}", tag = "review", operation_id = "get_meeting",
    params(("id" = Uuid, Path, description = "The meeting's id")),
    responses((status = 200, body = MeetingView), (status = 404, body = ErrorBody)))]
async fn get_meeting(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<MeetingView>> {
    Ok(Json(state.app().meeting(&actor, id).await?.into()))
}

/// Records that a subject on the agenda was reviewed (or absent), after the order and notice
/// checks; a refusal names the rule.
#[utoipa::path(put, path = "/meetings/{id}/reviews/{subject}", tag = "review", operation_id = "record_review",
    params(("id" = Uuid, Path, description = "The meeting's id"),
           ("subject" = Uuid, Path, description = "The subject's id")),
    request_body = ReviewRecordBody,
    responses((status = 200, body = MeetingView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_review(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath((id, subject)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<ReviewRecordBody>,
) -> ApiResult<Json<MeetingView>> {
    let chaired_by = match body.chaired_by.as_deref() {
        Some(text) => Some(resolve_member(&state, &actor, text, "chaired_by").await?),
        None => None,
    };
    let record = ReviewRecord {
        present: body.present,
        comments: body.comments,
        conclusion: body.conclusion,
        chaired_by,
        chaired_by_name: body.chaired_by_name,
        override_reason: body.override_reason,
    };
    let meeting = state
        .app()
        .record_review(&actor, id, subject, record)
        .await?;
    Ok(Json(meeting.into()))
}

/// Closes the meeting with its minutes and conclusion, after the minimum-duration check.
#[utoipa::path(post, path = "/meetings/{id}/closing", tag = "review", operation_id = "close_meeting",
    params(("id" = Uuid, Path, description = "The meeting's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The meeting's version read")),
    request_body = MeetingCloseBody,
    responses((status = 200, body = MeetingView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn close(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<MeetingCloseBody>,
) -> ApiResult<Json<MeetingView>> {
    let close = MeetingClose {
        version: if_match.version(body.version)?,
        half_days: body.half_days,
        minutes: body.minutes,
        conclusion: body.conclusion,
        override_reason: body.override_reason,
    };
    Ok(Json(
        state.app().close_meeting(&actor, id, close).await?.into(),
    ))
}

/// The meetings of a plan, by date.
#[utoipa::path(get, path = "/plans/{id}/meetings", tag = "review", operation_id = "list_plan_meetings",
    params(("id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, body = MeetingList), (status = 404, body = ErrorBody)))]
async fn meetings_of_plan(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<MeetingList>> {
    state.app().plan(&actor, id).await?;
    let meetings = state.app().meetings(&actor, id).await?;
    Ok(Json(MeetingList {
        meetings: meetings.into_iter().map(MeetingView::from).collect(),
    }))
}
