//! `/api/v1/subjects/{id}/facts`: facts gathered during the year for a subject — conclusions of
//! the competent level or the inspection committee, a leader's vote of confidence, the 5 basic
//! socio-economic targets, force majeure, earlier shortcomings remedied, and how a discipline
//! record is read (counted before; unrelated to a collective's remit) — each with its source
//! document; and the facts still awaited (`unknown`), which make the subject pending.
//! `/api/v1/subjects/{id}/remediation…` and `/api/v1/plans/{id}/remediation-due`: the
//! shortcomings found at a review, their remediation, those carried from earlier reviews (seed
//! 004 Mẫu 12, 13) and what is due. Who may record what, the checks and the audit entries are the
//! app's (`kiemdiem_app::gathered`, `kiemdiem_app::remediation`).

use crate::ApiState;
use crate::actor::Acting;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::gathered::{DocumentRef, FactInput, FactValue, RecordedFact, SubjectFactsView};
use kiemdiem_app::remediation::{
    RemediationInput, RemediationProgress, RemediationStatus, RemediationView, SubjectRemediation,
};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(list_subject_facts, record_subject_fact))
        .routes(routes!(get_subject_remediation, add_remediation))
        .routes(routes!(update_remediation))
        .routes(routes!(list_remediation_due))
}

/// The source document of a fact.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentBody {
    /// Số văn bản, e.g. `15-KL/UBKT`.
    pub number: String,
    pub date: Date,
    /// Cơ quan ban hành.
    pub issuer: String,
}

/// A fact to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactBody {
    /// The fact, tagged by its code in `fact` (docs/api.md lists the shapes):
    /// `{"fact": "degradation" | "forbidden_acts" | "exemplary_duty_breached" | "disunity" |
    /// "cadre_work_violation" | "member_degradation", "status": "concluded" | "cleared" |
    /// "under_review"}`; `{"fact": "corruption_in_scope", "status": …, "self_detected": bool}`;
    /// `{"fact": "confidence_vote", "held": bool, "low": n, "total": n}`;
    /// `{"fact": "key_targets", "applies": bool, "total": n, "missed": n}`;
    /// `{"fact": "force_majeure", "recognised": bool}`;
    /// `{"fact": "previous_defects_fixed", "fixed": bool}`;
    /// `{"fact": "discipline_counted_before", "discipline_id": uuid, "counted_before": bool}`;
    /// `{"fact": "discipline_unrelated_to_collective", "discipline_id": uuid, "unrelated": bool}`.
    #[schema(value_type = Object)]
    pub value: FactValue,
    pub document: DocumentBody,
    #[serde(default)]
    pub note: String,
}

/// A fact as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct FactView {
    pub id: Uuid,
    pub subject_id: Uuid,
    /// The fact's stable code.
    pub fact: String,
    /// The value as recorded (the request's `value`).
    #[schema(value_type = Object)]
    pub value: FactValue,
    pub document: DocumentBody,
    pub note: String,
    /// The latest record of its fact (and discipline record): the one the rules read.
    pub in_force: bool,
    pub recorded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

impl From<RecordedFact> for FactView {
    fn from(f: RecordedFact) -> FactView {
        FactView {
            id: f.id,
            subject_id: f.subject,
            fact: f.fact.to_owned(),
            value: f.value,
            document: DocumentBody {
                number: f.document.number,
                date: f.document.date,
                issuer: f.document.issuer,
            },
            note: f.note,
            in_force: f.in_force,
            recorded_by: f.by,
            recorded_at: f.at,
        }
    }
}

/// A fact the subject's rules need and nobody has recorded: the subject is pending on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AwaitedFactView {
    /// Stable code, e.g. `confidence_vote`.
    pub code: String,
    /// What it is, in Vietnamese.
    pub name: String,
}

/// A subject's facts: every record (history included) and the facts still awaited.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectFactList {
    pub subject_id: Uuid,
    pub facts: Vec<FactView>,
    pub unknown: Vec<AwaitedFactView>,
}

impl From<SubjectFactsView> for SubjectFactList {
    fn from(v: SubjectFactsView) -> SubjectFactList {
        SubjectFactList {
            subject_id: v.subject,
            facts: v.facts.into_iter().map(FactView::from).collect(),
            unknown: v
                .unknown
                .into_iter()
                .map(|f| AwaitedFactView {
                    code: f.code.to_owned(),
                    name: f.name.to_owned(),
                })
                .collect(),
        }
    }
}

/// The facts recorded about the subject (the ones in force marked) and those its rules still
/// need (`unknown`: the subject is pending on each, named by code and in Vietnamese).
#[utoipa::path(get, path = "/subjects/{id}/facts", tag = "evaluation", operation_id = "list_subject_facts",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = SubjectFactList), (status = 404, body = ErrorBody)))]
async fn list_subject_facts(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SubjectFactList>> {
    Ok(Json(state.app().subject_facts(&actor, id).await?.into()))
}

/// Records a fact about the subject with its source document (audited as `subject.fact`). Who
/// may: conclusions and discipline readings — the committee and the inspection committee; the
/// vote of confidence, key targets and force majeure — the committee and the board; earlier
/// shortcomings remedied — the committee, the board and the branch's secretary and committee
/// members. `invalid` for a fact that does not apply to the subject's kind, `conflict` once the
/// subject is decided.
#[utoipa::path(post, path = "/subjects/{id}/facts", tag = "evaluation", operation_id = "record_subject_fact",
    params(("id" = Uuid, Path, description = "The subject's id")),
    request_body = FactBody,
    responses((status = 201, body = FactView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_subject_fact(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<FactBody>,
) -> ApiResult<(StatusCode, Json<FactView>)> {
    let recorded = state
        .app()
        .record_subject_fact(
            &actor,
            id,
            FactInput {
                value: body.value,
                document: DocumentRef {
                    number: body.document.number,
                    date: body.document.date,
                    issuer: body.document.issuer,
                },
                note: body.note,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(recorded.into())))
}

/// A shortcoming found at the review, to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemediationBody {
    /// Hạn chế, khuyết điểm.
    pub shortcoming: String,
    /// Biện pháp khắc phục.
    pub measure: String,
    /// Người chịu trách nhiệm.
    pub responsible: String,
    /// Thời hạn (not before the review date).
    pub due_on: Date,
}

/// A change of an item's status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemediationProgressBody {
    /// `open`, `in_progress` or `done`.
    #[schema(value_type = String, example = "done")]
    pub status: RemediationStatus,
    /// Kết quả khắc phục (required with `done`).
    #[serde(default)]
    pub outcome: String,
    /// The day it was remedied (with `done` only).
    #[serde(default)]
    pub done_on: Option<Date>,
}

/// A remediation item.
#[derive(Debug, Serialize, ToSchema)]
pub struct RemediationItemView {
    pub id: Uuid,
    /// The subject of the review where it was found.
    pub found_subject_id: Uuid,
    /// `member`, `org` or `collective`.
    pub entity_kind: String,
    pub entity_id: Uuid,
    pub found_year: i32,
    pub shortcoming: String,
    pub measure: String,
    pub responsible: String,
    pub due_on: Date,
    /// `open`, `in_progress` or `done`.
    pub status: String,
    pub status_name: String,
    pub outcome: String,
    pub done_on: Option<Date>,
    /// Not done and past its deadline.
    pub overdue: bool,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

impl From<RemediationView> for RemediationItemView {
    fn from(r: RemediationView) -> RemediationItemView {
        RemediationItemView {
            id: r.id,
            found_subject_id: r.found_subject,
            entity_kind: r.entity_kind.to_owned(),
            entity_id: r.entity_id,
            found_year: r.found_year,
            shortcoming: r.shortcoming,
            measure: r.measure,
            responsible: r.responsible,
            due_on: r.due_on,
            status: r.status.code().to_owned(),
            status_name: r.status_name.to_owned(),
            outcome: r.outcome,
            done_on: r.done_on,
            overdue: r.overdue,
            changed_by: r.by,
            changed_at: r.at,
        }
    }
}

/// A subject's remediation.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectRemediationView {
    pub subject_id: Uuid,
    /// `Mẫu 12` (collective, organisation) or `Mẫu 13` (individual), seed 004.
    pub form: String,
    /// Found at this review.
    pub found_here: Vec<RemediationItemView>,
    /// Found at earlier reviews of the same person or body, with what was done.
    pub carried: Vec<RemediationItemView>,
    /// Whether every carried item was remedied by the review date (QĐ 366 Điều 11 khoản 1);
    /// absent when none was carried.
    pub previous_defects_fixed: Option<bool>,
}

impl From<SubjectRemediation> for SubjectRemediationView {
    fn from(r: SubjectRemediation) -> SubjectRemediationView {
        SubjectRemediationView {
            subject_id: r.subject,
            form: r.form.to_owned(),
            found_here: r.found_here.into_iter().map(Into::into).collect(),
            carried: r.carried.into_iter().map(Into::into).collect(),
            previous_defects_fixed: r.previous_defects_fixed,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RemediationDueList {
    pub items: Vec<RemediationItemView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// Due by this day (today when left out).
    pub on: Option<Date>,
}

/// The shortcomings found at this subject's review and those carried from earlier reviews of
/// the same person or body, with whether the carried ones are all remedied.
#[utoipa::path(get, path = "/subjects/{id}/remediation", tag = "evaluation", operation_id = "get_subject_remediation",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = SubjectRemediationView), (status = 404, body = ErrorBody)))]
async fn get_subject_remediation(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SubjectRemediationView>> {
    Ok(Json(
        state.app().subject_remediation(&actor, id).await?.into(),
    ))
}

/// Records a shortcoming found at the subject's review, with the measure, the people responsible
/// and the deadline (status `open`; audited as `remediation.add`).
#[utoipa::path(post, path = "/subjects/{id}/remediation", tag = "evaluation", operation_id = "add_remediation",
    params(("id" = Uuid, Path, description = "The subject's id")),
    request_body = RemediationBody,
    responses((status = 201, body = RemediationItemView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn add_remediation(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<RemediationBody>,
) -> ApiResult<(StatusCode, Json<RemediationItemView>)> {
    let item = state
        .app()
        .add_remediation(
            &actor,
            id,
            RemediationInput {
                shortcoming: body.shortcoming,
                measure: body.measure,
                responsible: body.responsible,
                due_on: body.due_on,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

/// Changes the status of an item found at this subject's review or carried into it, with what
/// was done (audited as `remediation.progress`).
#[utoipa::path(put, path = "/subjects/{id}/remediation/{item}", tag = "evaluation", operation_id = "update_remediation",
    params(("id" = Uuid, Path, description = "The subject's id"),
        ("item" = Uuid, Path, description = "The remediation item's id")),
    request_body = RemediationProgressBody,
    responses((status = 200, body = RemediationItemView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn update_remediation(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath((id, item)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<RemediationProgressBody>,
) -> ApiResult<Json<RemediationItemView>> {
    let item = state
        .app()
        .update_remediation(
            &actor,
            id,
            item,
            RemediationProgress {
                status: body.status,
                outcome: body.outcome,
                done_on: body.done_on,
            },
        )
        .await?;
    Ok(Json(item.into()))
}

/// What is due by `on` and not done for the plan's subjects: shortcomings found at its review
/// and those carried into it from earlier reviews, by due date.
#[utoipa::path(get, path = "/plans/{id}/remediation-due", tag = "plans", operation_id = "list_remediation_due",
    params(("id" = Uuid, Path, description = "The plan's id"), DueQuery),
    responses((status = 200, body = RemediationDueList), (status = 404, body = ErrorBody)))]
async fn list_remediation_due(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<DueQuery>,
) -> ApiResult<Json<RemediationDueList>> {
    let items = state.app().remediation_due(&actor, id, query.on).await?;
    Ok(Json(RemediationDueList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}
