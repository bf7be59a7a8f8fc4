//! A sitting of the competent level deciding a whole quota group at once (a standing committee's
//! decision on "đảng viên Đảng bộ xã …", on the branches of a grassroots organisation …): every
//! decision is checked as a single one is — order, readiness, the rules' cap, a reason where the
//! level departs from the ballot, the proposal or the rules' suggestion — except the quota, which
//! is checked once on the group's final counts with every decision of the sitting in, so the
//! order the decisions are typed in changes nothing. The sitting is accepted or refused as a
//! whole, every problem listed; one document (the sitting's decision) may carry them all.

use super::decision::{DecisionInput, DecisionKind, DecisionView, Sitting, decide_in};
use super::quota::{GroupPosition, group_counts, group_position, quota_refusal};
use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::document::{self, Document, DocumentInput, DocumentKind};
use crate::error::{AppError, ErrorCode, Result};
use crate::plan::{load_plan, load_subject};
use kiemdiem_rules::quota::{ExceptionalShareDecision, QuotaCheck, check_quota};
use kiemdiem_rules::{Citation, Level};
use kiemdiem_store::Tx;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

/// One decision of a sitting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SittingItem {
    pub subject: Uuid,
    /// The subject's version read.
    pub version: i64,
    pub level: Option<Level>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The decisions of one sitting over one quota group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SittingInput {
    pub decisions: Vec<SittingItem>,
    /// The recorded decision allowing the exceptional share (QĐ 366: 25 %).
    #[serde(default)]
    pub exceptional_share: Option<ExceptionalShareDecision>,
    /// The sitting's decision document.
    #[serde(default)]
    pub document: Option<DocumentInput>,
}

/// What a sitting decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SittingView {
    pub group: String,
    pub group_name: String,
    /// In the order given.
    pub decisions: Vec<DecisionView>,
    /// The quota on the group's final counts.
    pub quota: QuotaCheck,
    pub document: Option<Document>,
}

/// One problem of a refused sitting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SittingProblem {
    /// The decision's position in the sitting (none: the group as a whole).
    pub index: Option<usize>,
    pub subject: Option<Uuid>,
    pub name: String,
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    pub rules: Vec<Citation>,
}

impl SittingProblem {
    fn of(index: usize, subject: Uuid, name: &str, error: &AppError) -> SittingProblem {
        SittingProblem {
            index: Some(index),
            subject: Some(subject),
            name: name.to_owned(),
            code: error.error_code(),
            message: error.message().to_owned(),
            field: error
                .field()
                .map(|f| format!("decisions[{index}].{f}"))
                .or_else(|| Some(format!("decisions[{index}]"))),
            rules: error.citations().to_vec(),
        }
    }
}

impl App {
    /// Decides a whole quota group in one sitting: all or nothing, the quota on the final counts.
    pub async fn decide_sitting(&self, actor: &Actor, input: SittingInput) -> Result<SittingView> {
        if input.decisions.is_empty() {
            return Err(AppError::invalid(
                "decisions",
                "Phiên họp chưa có quyết định nào",
            ));
        }
        let mut seen = HashSet::new();
        for (i, item) in input.decisions.iter().enumerate() {
            if !seen.insert(item.subject) {
                return Err(AppError::invalid(
                    format!("decisions[{i}].subject"),
                    "Đối tượng được quyết định hai lần trong cùng phiên họp",
                ));
            }
            if item.level.is_none() {
                return Err(AppError::invalid(
                    format!("decisions[{i}].level"),
                    "Chưa chọn mức xếp loại",
                ));
            }
        }
        let mut who = None;
        for item in &input.decisions {
            who = Some(
                self.authorize(actor, Action::Decide, Scope::Subject(item.subject))
                    .await?,
            );
        }
        let who = who.ok_or_else(|| AppError::internal("phiên họp không có quyết định"))?;
        let today = self.today();
        crate::retrying(|| async {
            let mut tx = self.begin(&who).await?;
            let view = sitting_in(&mut tx, &who, &input, today).await?;
            tx.commit().await?;
            Ok(view)
        })
        .await
    }
}

/// The sitting inside `tx`; on any problem returns the refusal (the caller drops `tx`, so
/// nothing the earlier decisions wrote is kept).
async fn sitting_in(
    tx: &mut Tx,
    who: &crate::Authorized,
    input: &SittingInput,
    today: time::Date,
) -> Result<SittingView> {
    let mut rows = Vec::with_capacity(input.decisions.len());
    for item in &input.decisions {
        rows.push(load_subject(tx, item.subject).await?);
    }
    let first = &rows[0];
    let plan = load_plan(tx, first.plan_id).await?;
    let position = group_position(tx, &plan, first).await?;
    for (i, row) in rows.iter().enumerate().skip(1) {
        if row.quota_group != first.quota_group {
            let their_plan = load_plan(tx, row.plan_id).await?;
            let theirs = group_position(tx, &their_plan, row).await?;
            return Err(AppError::invalid(
                format!("decisions[{i}].subject"),
                format!(
                    "{} thuộc nhóm {}, không cùng nhóm {} của phiên họp: mỗi phiên quyết định một nhóm",
                    row.name, theirs.name, position.name
                ),
            ));
        }
    }
    // The group takes its turn, then its final counts are known before anything is written.
    tx.lock_quota_group(first.plan_id, &first.quota_group)
        .await?;
    let book = plan.book()?;
    let mut counts = group_counts(tx, first, None).await?;
    for (item, row) in input.decisions.iter().zip(&rows) {
        if let Some(current) = row.level {
            counts.remove(current);
        }
        if let Some(level) = item.level {
            counts.add(level);
        }
    }
    let quota = check_quota(&book, &counts, input.exceptional_share.as_ref())
        .map_err(|e| AppError::invalid(e.field, e.problem))?;
    let document = match &input.document {
        Some(typed) => {
            Some(document::record(tx, typed, DocumentKind::Decision, today, "document").await?)
        }
        None => None,
    };
    let sitting = Sitting {
        document,
        quota: Some(&quota),
    };
    // Decisions that wait for another of the sitting (the order rules) are taken in later
    // rounds, so the order typed does not matter.
    let mut views: Vec<Option<DecisionView>> = vec![None; rows.len()];
    let mut waiting: Vec<usize> = (0..rows.len()).collect();
    let mut problems: Vec<SittingProblem> = Vec::new();
    loop {
        let mut out_of_order = Vec::new();
        let mut progressed = false;
        for i in waiting {
            let item = &input.decisions[i];
            let single = DecisionInput {
                version: item.version,
                level: item.level,
                reason: item.reason.clone(),
                exceptional_share: input.exceptional_share.clone(),
                document: None,
            };
            match decide_in(
                tx,
                who,
                item.subject,
                &single,
                DecisionKind::Decision,
                sitting,
            )
            .await
            {
                Ok(view) => {
                    views[i] = Some(view);
                    progressed = true;
                }
                Err(error) if error.error_code() == ErrorCode::OutOfOrder => {
                    out_of_order.push((i, error));
                }
                Err(error)
                    if error.store_error().is_some()
                        || matches!(error.error_code(), ErrorCode::Busy | ErrorCode::Internal) =>
                {
                    return Err(error);
                }
                Err(error) => {
                    problems.push(SittingProblem::of(i, item.subject, &rows[i].name, &error))
                }
            }
        }
        if out_of_order.is_empty() || !progressed {
            for (i, error) in out_of_order {
                problems.push(SittingProblem::of(
                    i,
                    input.decisions[i].subject,
                    &rows[i].name,
                    &error,
                ));
            }
            break;
        }
        waiting = out_of_order.into_iter().map(|(i, _)| i).collect();
    }
    if quota.violation.is_some() {
        let refusal = quota_refusal(
            &GroupPosition {
                undecided: position
                    .undecided
                    .saturating_sub(rows.iter().filter(|r| r.level.is_none()).count() as u64),
                ..position.clone()
            },
            &quota,
        );
        problems.push(SittingProblem {
            index: None,
            subject: None,
            name: position.name.clone(),
            code: ErrorCode::QuotaExceeded,
            message: refusal.message().to_owned(),
            field: Some("decisions".into()),
            rules: quota.citations.clone(),
        });
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.index.unwrap_or(usize::MAX));
        return Err(refusal(&position, &quota, problems));
    }
    let decisions: Vec<DecisionView> = views.into_iter().flatten().collect();
    audit::append(
        tx,
        who,
        AuditEvent::new("decision.sitting", "quota_group", &first.quota_group).detail(
            serde_json::json!({
                "group": position.name, "document": document, "quota": quota,
                "decisions": decisions.iter().map(|d| serde_json::json!({
                    "subject": d.subject, "decision": d.id, "level": d.level,
                })).collect::<Vec<_>>(),
            }),
        ),
    )
    .await?;
    Ok(SittingView {
        group: first.quota_group.clone(),
        group_name: position.name,
        decisions,
        quota,
        document: document::load(tx, document).await?,
    })
}

/// The refusal of a sitting: one message listing every problem, the code of the first, the
/// problems and the quota on the final counts in the details.
fn refusal(
    position: &GroupPosition,
    quota: &QuotaCheck,
    problems: Vec<SittingProblem>,
) -> AppError {
    let listed: Vec<String> = problems
        .iter()
        .enumerate()
        .map(|(n, p)| format!("{}) {}: {}", n + 1, p.name, p.message))
        .collect();
    let code = problems[0].code;
    let field = if problems.len() == 1 {
        problems[0].field.clone()
    } else {
        Some("decisions".to_owned())
    };
    let citations: Vec<Citation> = problems.iter().flat_map(|p| p.rules.clone()).collect();
    let mut error = AppError::new(
        code,
        format!(
            "Phiên họp không quyết định được nhóm {} ({} vấn đề, không quyết định nào được ghi): {}",
            position.name,
            problems.len(),
            listed.join("; ")
        ),
    )
    .with_citations(citations)
    .with_details(serde_json::json!({
        "group": position, "quota": quota, "problems": problems,
    }));
    if let Some(field) = field {
        error = error.with_field(field);
    }
    error
}
