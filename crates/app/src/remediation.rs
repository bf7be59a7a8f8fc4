//! Remediation plans (*khắc phục hạn chế, khuyết điểm*, issue 16): the shortcomings found at a
//! review — of a collective or organisation (Mẫu 12 of seed 004) or of an individual (Mẫu 13) —
//! with the measures, the people responsible, the deadline and the status; the list of what is
//! due; and, at next year's review of the same person or body, last year's shortcomings and what
//! was done.
//!
//! QĐ 366 Điều 11 khoản 1 makes HTXSNV depend on "đã khắc phục 100% hạn chế, khuyết điểm đã được
//! chỉ ra ở kỳ kiểm điểm trước": when items found at earlier reviews exist for the subject's person
//! or body, the rules read that fact from them ([`previous_defects_fixed`]) — every item done by
//! the review date — instead of the directly-recorded fact ([`crate::gathered`]).
//!
//! Recorded by the committee, the organisation board or the branch's secretary and committee
//! members (`RecordRemediation`) on the subject's scope; every change audited.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::{Plan, load_plan, load_subject};
use kiemdiem_rules::SubjectKind;
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use kiemdiem_store::facts::{NewRemediation, Remediation, RemediationEntity};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Where a remediation item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemediationStatus {
    /// Chưa khắc phục.
    Open,
    /// Đang khắc phục.
    InProgress,
    /// Đã khắc phục xong.
    Done,
}

impl RemediationStatus {
    pub fn code(self) -> &'static str {
        match self {
            RemediationStatus::Open => "open",
            RemediationStatus::InProgress => "in_progress",
            RemediationStatus::Done => "done",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            RemediationStatus::Open => "Chưa khắc phục",
            RemediationStatus::InProgress => "Đang khắc phục",
            RemediationStatus::Done => "Đã khắc phục",
        }
    }

    fn parse(code: &str) -> Result<RemediationStatus> {
        [
            RemediationStatus::Open,
            RemediationStatus::InProgress,
            RemediationStatus::Done,
        ]
        .into_iter()
        .find(|s| s.code() == code)
        .ok_or_else(|| {
            AppError::new(
                crate::ErrorCode::Internal,
                format!("trạng thái khắc phục «{code}»"),
            )
        })
    }
}

/// A shortcoming found at the review, to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemediationInput {
    /// Hạn chế, khuyết điểm.
    pub shortcoming: String,
    /// Biện pháp khắc phục.
    pub measure: String,
    /// Người chịu trách nhiệm.
    pub responsible: String,
    /// Thời hạn.
    pub due_on: Date,
}

/// A change of an item's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemediationProgress {
    pub status: RemediationStatus,
    /// What was done (kết quả khắc phục).
    #[serde(default)]
    pub outcome: String,
    /// The day it was remedied (with `done`).
    #[serde(default)]
    pub done_on: Option<Date>,
}

/// A remediation item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemediationView {
    pub id: Uuid,
    /// The subject of the review where it was found.
    pub found_subject: Uuid,
    /// `member`, `org` or `collective`.
    pub entity_kind: &'static str,
    pub entity_id: Uuid,
    pub found_year: i32,
    pub shortcoming: String,
    pub measure: String,
    pub responsible: String,
    pub due_on: Date,
    pub status: RemediationStatus,
    pub status_name: &'static str,
    pub outcome: String,
    pub done_on: Option<Date>,
    /// Not done and past its deadline today.
    pub overdue: bool,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A subject's remediation: the shortcomings found at this review and those carried from earlier
/// reviews of the same person or body, with whether they are all remedied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectRemediation {
    pub subject: Uuid,
    /// The seed 004 form the carried list is (Mẫu 12 for a collective or organisation, Mẫu 13 for
    /// an individual).
    pub form: &'static str,
    pub found_here: Vec<RemediationView>,
    pub carried: Vec<RemediationView>,
    /// Whether every carried item was remedied by the review date (`None`: none carried).
    pub previous_defects_fixed: Option<bool>,
}

fn view(item: Remediation, today: Date) -> Result<RemediationView> {
    let status = RemediationStatus::parse(&item.status)?;
    let (kind, id) = item.entity.parts();
    Ok(RemediationView {
        id: item.id,
        found_subject: item.found_subject_id,
        entity_kind: kind,
        entity_id: id,
        found_year: item.found_year,
        overdue: status != RemediationStatus::Done && item.item.due_on < today,
        shortcoming: item.item.shortcoming,
        measure: item.item.measure,
        responsible: item.item.responsible,
        due_on: item.item.due_on,
        status,
        status_name: status.name_vi(),
        outcome: item.outcome,
        done_on: item.done_on,
        by: item.changed_by,
        at: item.changed_at,
    })
}

/// The person or body a subject is about.
pub(crate) fn entity_of(subject: &SubjectRow) -> Result<Option<RemediationEntity>> {
    Ok(match subject.kind {
        SubjectKind::Organisation => Some(RemediationEntity::Org(
            subject.org_id.unwrap_or(subject.unit_id),
        )),
        SubjectKind::Collective => subject.collective_id.map(RemediationEntity::Collective),
        _ => subject
            .member_id
            .or(subject.leader_id)
            .map(RemediationEntity::Member),
    })
}

/// The items found at earlier reviews of the subject's person or body.
async fn carried(tx: &mut Tx, plan: &Plan, subject: &SubjectRow) -> Result<Vec<Remediation>> {
    match entity_of(subject)? {
        Some(entity) => Ok(tx.remediations_before(entity, plan.year).await?),
        None => Ok(Vec::new()),
    }
}

/// QĐ 366 Điều 11 khoản 1, read from the records: whether every shortcoming found at an earlier
/// review of the subject's person or body was remedied by the review date; `None` when none was
/// recorded (then the directly-recorded fact, or unknown).
pub(crate) async fn previous_defects_fixed(
    tx: &mut Tx,
    plan: &Plan,
    subject: &SubjectRow,
) -> Result<Option<bool>> {
    let items = carried(tx, plan, subject).await?;
    if items.is_empty() {
        return Ok(None);
    }
    Ok(Some(items.iter().all(|i| {
        i.status == "done" && i.done_on.is_some_and(|d| d <= plan.review_date)
    })))
}

fn require_text(field: &str, value: &str, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, format!("Phải ghi {what}")));
    }
    Ok(value.to_owned())
}

impl App {
    /// Records a shortcoming found at the review of `subject` (status `open`), audited
    /// (`remediation.add`).
    pub async fn add_remediation(
        &self,
        actor: &Actor,
        subject: Uuid,
        input: RemediationInput,
    ) -> Result<RemediationView> {
        let who = self
            .authorize(actor, Action::RecordRemediation, Scope::Subject(subject))
            .await?;
        let item = NewRemediation {
            shortcoming: require_text(
                "shortcoming",
                &input.shortcoming,
                "hạn chế, khuyết điểm được chỉ ra",
            )?,
            measure: require_text("measure", &input.measure, "biện pháp khắc phục")?,
            responsible: require_text(
                "responsible",
                &input.responsible,
                "người chịu trách nhiệm khắc phục",
            )?,
            due_on: input.due_on,
        };
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        if item.due_on < plan.review_date {
            return Err(AppError::invalid(
                "due_on",
                format!(
                    "Thời hạn khắc phục {} trước ngày kiểm điểm {}",
                    crate::date_vi(item.due_on),
                    crate::date_vi(plan.review_date)
                ),
            ));
        }
        let Some(entity) = entity_of(&row)? else {
            return Err(AppError::invalid(
                "subject",
                "Đối tượng không gắn với đảng viên, tổ chức hay tập thể nào",
            ));
        };
        let id = tx
            .add_remediation(subject, entity, plan.year, &item)
            .await?;
        let (kind, entity_id) = entity.parts();
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("remediation.add", "subject", subject).detail(serde_json::json!({
                "id": id, "entity_kind": kind, "entity_id": entity_id, "year": plan.year,
                "shortcoming": item.shortcoming, "measure": item.measure,
                "responsible": item.responsible, "due_on": item.due_on,
            })),
        )
        .await?;
        let stored = tx
            .remediation(id)
            .await?
            .ok_or_else(|| AppError::not_found("hạn chế, khuyết điểm", id))?;
        tx.commit().await?;
        view(stored, self.today())
    }

    /// Changes the status of an item found at `subject`'s review or carried into it, with what
    /// was done, audited (`remediation.progress`).
    pub async fn update_remediation(
        &self,
        actor: &Actor,
        subject: Uuid,
        item: Uuid,
        progress: RemediationProgress,
    ) -> Result<RemediationView> {
        let who = self
            .authorize(actor, Action::RecordRemediation, Scope::Subject(subject))
            .await?;
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        let current = tx
            .remediation(item)
            .await?
            .ok_or_else(|| AppError::not_found("hạn chế, khuyết điểm", item))?;
        let belongs = current.found_subject_id == subject
            || (Some(current.entity) == entity_of(&row)? && current.found_year < plan.year);
        if !belongs {
            return Err(AppError::not_found("hạn chế, khuyết điểm", item));
        }
        let outcome = progress.outcome.trim().to_owned();
        let done_on = match (progress.status, progress.done_on) {
            (RemediationStatus::Done, Some(day)) => {
                if day > self.today() {
                    return Err(AppError::invalid(
                        "done_on",
                        format!("Ngày khắc phục xong {} sau hôm nay", crate::date_vi(day)),
                    ));
                }
                if outcome.is_empty() {
                    return Err(AppError::invalid(
                        "outcome",
                        "Phải ghi kết quả khắc phục khi đã khắc phục xong",
                    ));
                }
                Some(day)
            }
            (RemediationStatus::Done, None) => {
                return Err(AppError::invalid("done_on", "Phải ghi ngày khắc phục xong"));
            }
            (_, Some(_)) => {
                return Err(AppError::invalid(
                    "done_on",
                    "Chỉ ghi ngày khắc phục xong khi đã khắc phục xong",
                ));
            }
            (_, None) => None,
        };
        tx.update_remediation(item, progress.status.code(), &outcome, done_on)
            .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("remediation.progress", "subject", subject).detail(serde_json::json!({
                "id": item, "found_subject": current.found_subject_id,
                "from": current.status, "status": progress.status.code(),
                "outcome": outcome, "done_on": done_on,
            })),
        )
        .await?;
        let stored = tx
            .remediation(item)
            .await?
            .ok_or_else(|| AppError::not_found("hạn chế, khuyết điểm", item))?;
        tx.commit().await?;
        view(stored, self.today())
    }

    /// The shortcomings found at `subject`'s review and those carried from earlier reviews of the
    /// same person or body (Mẫu 12, 13), with whether the carried ones are all remedied.
    pub async fn subject_remediation(
        &self,
        actor: &Actor,
        subject: Uuid,
    ) -> Result<SubjectRemediation> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        let today = self.today();
        let found_here = tx
            .remediations_found_at(subject)
            .await?
            .into_iter()
            .map(|i| view(i, today))
            .collect::<Result<Vec<_>>>()?;
        let carried_items = carried(&mut tx, &plan, &row).await?;
        let previous_defects_fixed = previous_defects_fixed(&mut tx, &plan, &row).await?;
        let carried = carried_items
            .into_iter()
            .map(|i| view(i, today))
            .collect::<Result<Vec<_>>>()?;
        let form = if matches!(
            row.kind,
            SubjectKind::Organisation | SubjectKind::Collective
        ) {
            "Mẫu 12"
        } else {
            "Mẫu 13"
        };
        Ok(SubjectRemediation {
            subject,
            form,
            found_here,
            carried,
            previous_defects_fixed,
        })
    }

    /// What is due by `on` (today when left out) and not done, for the subjects of `plan`: the
    /// items found at its review and those carried into it, by due date.
    pub async fn remediation_due(
        &self,
        actor: &Actor,
        plan: Uuid,
        on: Option<Date>,
    ) -> Result<Vec<RemediationView>> {
        self.authorize(actor, Action::Read, Scope::Plan(plan))
            .await?;
        let mut tx = self.store().read().await?;
        let plan = load_plan(&mut tx, plan).await?;
        let today = self.today();
        tx.remediations_due(plan.id, plan.year, on.unwrap_or(today))
            .await?
            .into_iter()
            .map(|i| view(i, today))
            .collect()
    }
}
