//! `/api/v1/subjects/{id}/self-review` and `/review-inputs`: the self-review (bản kiểm điểm) or
//! collective report with the sections of the era's form, saved as drafts and submitted (a
//! near-copy of another's or of the form's sample is flagged for the secretary), and the inputs
//! gathered for the review — the superior's suggestions, the residence-area committee's and the
//! masses' comments, the temporary or previous branch's comments.

use crate::ApiState;
use crate::actor::Acting;
use crate::api::commitments::CommitmentRecord;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, IfMatch};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kiemdiem_app::Actor;
use kiemdiem_app::commitments::CommitmentView;
use kiemdiem_app::near_copy::{FlaggedReview, SimilarityFlag};
use kiemdiem_app::review::{ReviewInput, ReviewInputKind, SelfReview};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(get_self_review, save_self_review))
        .routes(routes!(submit_self_review))
        .routes(routes!(record_draft_sent))
        .routes(routes!(return_self_review))
        .routes(routes!(near_copies))
        .routes(routes!(list_review_inputs, add_review_input))
}

/// A draft of the self-review: text per section of the form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfReviewDraft {
    /// The self-review's version read: 0 for the first draft (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    /// Section code → text (codes listed in `sections` of `GET …/self-review`).
    pub sections: BTreeMap<String, String>,
}

/// Submission of the self-review.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfReviewSubmission {
    /// The self-review's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    /// The day it was submitted; the app's today when absent.
    #[serde(default)]
    pub submitted_on: Option<Date>,
    /// For a collective report: the day the draft reached the meeting's participants.
    #[serde(default)]
    pub draft_sent_on: Option<Date>,
}

/// The self-review of a subject with the sections its form has.
#[derive(Debug, Serialize, ToSchema)]
pub struct SelfReviewView {
    pub subject_id: Uuid,
    /// The form (Mẫu 01, 02A …).
    pub form_code: String,
    /// The sections of the form.
    pub form: Vec<SectionView>,
    /// Section code → text written; empty before the first draft.
    pub sections: BTreeMap<String, String>,
    /// `none` (nothing written yet), `draft` or `submitted`.
    pub status: String,
    pub submitted_on: Option<Date>,
    pub draft_sent_on: Option<Date>,
    /// Near-copies found at submission: of another self-review of the unit or of the form's
    /// sample text. Flagged for the secretary, not refused.
    pub flags: Vec<SimilarityFlagView>,
    /// Send it back with the next draft or the submission (0 before the first draft).
    pub version: i64,
    pub changed_by: Option<String>,
    /// On reading: the shortcomings found at earlier reviews of the same person or body and what
    /// was done (seed 004 Mẫu 12, 13), for the section on remedying earlier shortcomings.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub previous_shortcomings: Option<Vec<crate::api::facts::RemediationItemView>>,
    /// The commitment registered last year for this year (bản đăng ký phấn đấu), shown beside
    /// the self-review.
    pub last_commitment: Option<CommitmentRecord>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionView {
    pub code: String,
    pub title: String,
    /// Sections marked "(nếu có)" may stay empty.
    pub required: bool,
    /// What the heading asks about, in the form's order.
    pub guidance: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarityFlagView {
    /// The other subject whose self-review this resembles; `null` for the form's sample text.
    pub other_subject_id: Option<Uuid>,
    pub other_name: String,
    /// Similarity (0–1).
    pub score: f64,
}

impl From<SimilarityFlag> for SimilarityFlagView {
    fn from(f: SimilarityFlag) -> SimilarityFlagView {
        SimilarityFlagView {
            other_subject_id: f.other,
            other_name: f.other_name,
            score: f.score,
        }
    }
}

/// A self-review returned for rework.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfReviewReturn {
    /// The self-review's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    /// Why it is returned (required), e.g. "Sao chép bản kiểm điểm của đồng chí khác".
    pub reason: String,
}

/// A self-review flagged as a near-copy, for the secretary.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlaggedReviewView {
    pub subject_id: Uuid,
    pub name: String,
    pub unit_id: Uuid,
    pub form_code: String,
    /// `submitted`, or `draft` once returned and rewritten.
    pub status: String,
    pub submitted_on: Option<Date>,
    pub flags: Vec<SimilarityFlagView>,
    /// The self-review's version (to return it).
    pub version: i64,
}

impl From<FlaggedReview> for FlaggedReviewView {
    fn from(f: FlaggedReview) -> FlaggedReviewView {
        FlaggedReviewView {
            subject_id: f.subject,
            name: f.name,
            unit_id: f.unit,
            form_code: f.form_code,
            status: f.status,
            submitted_on: f.submitted_on,
            flags: f.flags.into_iter().map(SimilarityFlagView::from).collect(),
            version: f.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlaggedReviewList {
    pub reviews: Vec<FlaggedReviewView>,
}

/// A suggestion or a comment for a subject's review.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReviewInput {
    /// `suggestion` (gợi ý kiểm điểm của cấp trên), `residence_comment`, `masses_comment`,
    /// `temporary_branch_comment` or `previous_branch_comment`.
    #[schema(value_type = String, example = "masses_comment")]
    pub kind: ReviewInputKind,
    /// Who gives it (e.g. "Ban Chấp hành Công đoàn cơ sở").
    pub from_body: String,
    pub text: String,
    /// The app's today when absent.
    #[serde(default)]
    pub received_on: Option<Date>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewInputView {
    pub id: Uuid,
    pub kind: String,
    pub from_body: String,
    pub text: String,
    pub received_on: Date,
    pub recorded_by: String,
}

impl From<ReviewInput> for ReviewInputView {
    fn from(i: ReviewInput) -> ReviewInputView {
        ReviewInputView {
            id: i.id,
            kind: i.kind,
            from_body: i.from_body,
            text: i.body,
            received_on: i.received_on,
            recorded_by: i.by,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewInputList {
    pub inputs: Vec<ReviewInputView>,
}

/// The form's sections for the subject's kind.
async fn form_of(
    state: &ApiState,
    actor: &Actor,
    subject: Uuid,
) -> ApiResult<(String, Vec<SectionView>)> {
    let form = state.app().self_review_form(actor, subject).await?;
    let sections = form
        .sections
        .iter()
        .map(|s| SectionView {
            code: s.code.to_string(),
            title: s.title.to_string(),
            required: s.required,
            guidance: s.guidance.iter().map(|g| g.to_string()).collect(),
        })
        .collect();
    Ok((form.code, sections))
}

fn review_view(
    subject: Uuid,
    form: (String, Vec<SectionView>),
    review: Option<SelfReview>,
    last_commitment: Option<CommitmentView>,
) -> SelfReviewView {
    let (form_code, sections) = form;
    let last_commitment = last_commitment.map(CommitmentRecord::from);
    match review {
        None => SelfReviewView {
            subject_id: subject,
            form_code,
            form: sections,
            sections: BTreeMap::new(),
            status: "none".to_string(),
            submitted_on: None,
            draft_sent_on: None,
            flags: Vec::new(),
            version: 0,
            changed_by: None,
            previous_shortcomings: None,
            last_commitment,
        },
        Some(r) => SelfReviewView {
            subject_id: r.subject,
            form_code: r.form_code,
            form: sections,
            sections: r.sections,
            status: r.status,
            submitted_on: r.submitted_on,
            draft_sent_on: r.draft_sent_on,
            flags: r.flags.into_iter().map(SimilarityFlagView::from).collect(),
            version: r.version,
            changed_by: Some(r.changed_by),
            previous_shortcomings: None,
            last_commitment,
        },
    }
}

/// The subject's self-review (or collective report) and the sections of its form.
#[utoipa::path(get, path = "/subjects/{id}/self-review", tag = "review", operation_id = "get_self_review",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = SelfReviewView), (status = 404, body = ErrorBody)))]
async fn get_self_review(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SelfReviewView>> {
    let form = form_of(&state, &actor, id).await?;
    let review = state.app().self_review(&actor, id).await?;
    let carried = state.app().subject_remediation(&actor, id).await?.carried;
    let mut view = review_view(
        id,
        form,
        review,
        state.app().last_commitment(&actor, id).await?,
    );
    view.previous_shortcomings = Some(carried.into_iter().map(Into::into).collect());
    Ok(Json(view))
}

/// Saves a draft of the self-review, written by the subject themselves.
#[utoipa::path(put, path = "/subjects/{id}/self-review", tag = "review", operation_id = "save_self_review",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The self-review's version read (0 for the first draft)")),
    request_body = SelfReviewDraft,
    responses((status = 200, body = SelfReviewView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn save_self_review(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<SelfReviewDraft>,
) -> ApiResult<Json<SelfReviewView>> {
    let version = if_match.version(body.version)?;
    let saved = state
        .app()
        .save_self_review(&actor, id, version, body.sections)
        .await?;
    let form = form_of(&state, &actor, id).await?;
    Ok(Json(review_view(
        id,
        form,
        Some(saved),
        state.app().last_commitment(&actor, id).await?,
    )))
}

/// Submits the self-review: every required section must be filled; near-copies are flagged.
#[utoipa::path(post, path = "/subjects/{id}/self-review/submission", tag = "review", operation_id = "submit_self_review",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The self-review's version read")),
    request_body = SelfReviewSubmission,
    responses((status = 200, body = SelfReviewView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn submit_self_review(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<SelfReviewSubmission>,
) -> ApiResult<Json<SelfReviewView>> {
    let version = if_match.version(body.version)?;
    let submitted_on = body.submitted_on.unwrap_or_else(|| state.today());
    let submitted = state
        .app()
        .submit_self_review(&actor, id, version, submitted_on, body.draft_sent_on)
        .await?;
    let form = form_of(&state, &actor, id).await?;
    Ok(Json(review_view(
        id,
        form,
        Some(submitted),
        state.app().last_commitment(&actor, id).await?,
    )))
}

/// The day the draft collective report was sent to the meeting's participants.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftSent {
    /// The report's version read (or send `If-Match`).
    #[serde(default)]
    pub version: Option<i64>,
    pub sent_on: Date,
}

/// Records the day the draft collective report (of an organisation or a leadership collective)
/// reached the meeting's participants — its own step, before or after submission, until the
/// subject is reviewed; the notice before the meeting is counted from it.
#[utoipa::path(post, path = "/subjects/{id}/self-review/draft-sent", tag = "review", operation_id = "record_draft_sent",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The report's version read")),
    request_body = DraftSent,
    responses((status = 200, body = SelfReviewView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn record_draft_sent(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<DraftSent>,
) -> ApiResult<Json<SelfReviewView>> {
    let version = if_match.version(body.version)?;
    let saved = state
        .app()
        .record_draft_sent(&actor, id, version, body.sent_on)
        .await?;
    let form = form_of(&state, &actor, id).await?;
    Ok(Json(review_view(
        id,
        form,
        Some(saved),
        state.app().last_commitment(&actor, id).await?,
    )))
}

/// The suggestions and comments gathered for the subject's review.
#[utoipa::path(get, path = "/subjects/{id}/review-inputs", tag = "review", operation_id = "list_review_inputs",
    params(("id" = Uuid, Path, description = "The subject's id")),
    responses((status = 200, body = ReviewInputList), (status = 404, body = ErrorBody)))]
async fn list_review_inputs(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ReviewInputList>> {
    let inputs = state.app().review_inputs(&actor, id).await?;
    Ok(Json(ReviewInputList {
        inputs: inputs.into_iter().map(ReviewInputView::from).collect(),
    }))
}

/// Records a review suggestion from the superior or a comment (residence area, masses,
/// temporary or previous branch).
#[utoipa::path(post, path = "/subjects/{id}/review-inputs", tag = "review", operation_id = "add_review_input",
    params(("id" = Uuid, Path, description = "The subject's id")),
    request_body = NewReviewInput,
    responses((status = 201, body = ReviewInputView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_review_input(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<NewReviewInput>,
) -> ApiResult<(StatusCode, Json<ReviewInputView>)> {
    let received_on = body.received_on.unwrap_or_else(|| state.today());
    let input = state
        .app()
        .add_review_input(
            &actor,
            id,
            body.kind,
            &body.from_body,
            &body.text,
            received_on,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(input.into())))
}

/// Returns a submitted self-review to its author for rework before the meeting (trả lại), with
/// the reason: it is a draft again and the subject is back to writing it.
#[utoipa::path(post, path = "/subjects/{id}/self-review/return", tag = "review", operation_id = "return_self_review",
    params(("id" = Uuid, Path, description = "The subject's id"),
           ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(W/)?"?[+-]?[0-9]{1,18}"?$"#, description = "The self-review's version read")),
    request_body = SelfReviewReturn,
    responses((status = 200, body = SelfReviewView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 428, body = ErrorBody)))]
async fn return_self_review(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<SelfReviewReturn>,
) -> ApiResult<Json<SelfReviewView>> {
    let version = if_match.version(body.version)?;
    state
        .app()
        .return_self_review(&actor, id, version, &body.reason)
        .await?;
    let form = form_of(&state, &actor, id).await?;
    let review = state.app().self_review(&actor, id).await?;
    let carried = state.app().subject_remediation(&actor, id).await?.carried;
    let mut view = review_view(
        id,
        form,
        review,
        state.app().last_commitment(&actor, id).await?,
    );
    view.previous_shortcomings = Some(carried.into_iter().map(Into::into).collect());
    Ok(Json(view))
}

/// The self-reviews of a plan flagged as near-copies of another's or of the form's sample, by
/// name, for the secretary to look at (seed 003 §A.4.1).
#[utoipa::path(get, path = "/plans/{id}/near-copies", tag = "review", operation_id = "list_near_copies",
    params(("id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, body = FlaggedReviewList), (status = 404, body = ErrorBody)))]
async fn near_copies(
    State(state): State<ApiState>,
    Acting(actor): Acting,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<FlaggedReviewList>> {
    let reviews = state.app().flagged_reviews(&actor, id).await?;
    Ok(Json(FlaggedReviewList {
        reviews: reviews.into_iter().map(Into::into).collect(),
    }))
}
