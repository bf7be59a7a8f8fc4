//! Đánh giá, xếp loại in three steps (QĐ 366 Điều 12; seed 000 §B; seed 003 §B):
//!
//! 1. self-evaluation ([`App::self_evaluate`], [`self_evaluation`]): points or grades per
//!    criterion with evidence (column (3), quantified results), bonuses/deductions, task results
//!    and a self-proposed level, scored by the rules crate's `framework::score`;
//! 2. verification (thẩm định) and the opinions of the participating bodies
//!    ([`App::record_opinion`], [`opinions`]), shown side by side as columns (1) self … (5)
//!    branch ([`App::side_by_side`], [`side_by_side`]), and the proposal ([`App::propose`]);
//! 3. the decision of the competent level ([`App::decide`], [`decision`]): who decides is the
//!    rule set's answer (recorded on the subject when the plan opened), the order is checked
//!    ([`order`]), the level may not exceed what the rules allow (`classify`), the group's
//!    HTXSNV quota is checked ([`quota`]), a case the rules leave to the competent level needs
//!    a recorded reason, and the subject and whoever manages them are notified
//!    ([`notification`]). A decided level is never edited: [`App::correct`] and [`App::reopen`]
//!    add a new version pointing to the old one. A person rated differently in several places
//!    is escalated ([`escalation`]). [`App::publish`] makes the results public ([`publication`]).
//!
//! This module owns what the steps share: the stored form of an evaluation's input, how an
//! evaluation is shown, its score and the classification of a subject on its facts and decisive
//! score. Every question of law goes to the rules crate; nothing here speaks SQL or HTTP.

mod collective_scoring;
mod decision;
mod escalation;
mod notification;
mod opinions;
mod order;
mod publication;
mod quota;
mod recheck;
mod self_evaluation;
mod side_by_side;
mod sitting;

pub use collective_scoring::{CollectiveScoring, CollectiveVote, MemberScoring, ProposedScore};
pub use decision::{DecisionInput, DecisionView};
pub(crate) use decision::{DecisionKind, Sitting, decide_in, reopen_in};
pub use escalation::{Escalation, Place};
pub use notification::Notification;
pub(crate) use notification::notify_complainant;
pub use opinions::{Opinion, OpinionSource};
pub use publication::PublicationSummary;
pub use quota::QuotaView;
pub use recheck::{MissingStep, OrderBreach, OrgBreaches, PlanRecheck, QuotaBreach, Rechecked};
pub use self_evaluation::SelfEvaluation;
pub use side_by_side::{Column, SideBySide};
pub use sitting::{SittingInput, SittingItem, SittingProblem, SittingView};

// `ballot` still imports `load_subject` from here; it lives with the plan's subjects.
pub(crate) use crate::plan::load_subject;

use crate::App;
use crate::actor::{Action, Actor, Authorized, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::facts;
use crate::plan::{Plan, load_plan};
use kiemdiem_rules::classify::{Classification, Context, classify};
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_rules::framework::{self, EvaluationInput, Framework, ScoreSheet};
use kiemdiem_rules::{Level, RuleBook};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::evaluation::EvaluationRow;
use kiemdiem_store::cycle::plan::SubjectRow;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// What is stored as an evaluation's input: the score-sheet input and the task results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredInput {
    #[serde(default)]
    pub score: EvaluationInput,
    #[serde(default)]
    pub tasks: Option<TaskResults>,
}

/// One evaluation as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationView {
    pub subject: Uuid,
    pub step: String,
    pub source: String,
    pub column: i64,
    pub level: Option<Level>,
    pub score: Option<ScoreSheet>,
    pub tasks: Option<TaskResults>,
    pub evidence: BTreeMap<String, String>,
    pub note: String,
    pub version: i64,
    pub by: String,
}

/// The criteria framework a subject is scored on: a shipped one or an issuing committee's.
pub(crate) async fn framework_of(tx: &mut Tx, subject: &SubjectRow) -> Result<Option<Framework>> {
    match subject.framework_id.as_deref() {
        None => Ok(None),
        Some(id) => crate::frameworks::resolve(tx, id).await.map(Some),
    }
}

/// A stored evaluation as shown, its score recomputed from the stored input.
fn evaluation_view(
    framework: Option<&Framework>,
    book: &RuleBook,
    row: &EvaluationRow,
) -> Result<EvaluationView> {
    let stored: StoredInput = serde_json::from_str(&row.input).unwrap_or_default();
    let score = if stored.score == EvaluationInput::default() {
        None
    } else {
        score_of(framework, book, &stored.score).ok().flatten()
    };
    Ok(EvaluationView {
        subject: row.subject_id,
        step: row.step.clone(),
        source: row.source.clone(),
        column: row.column_no,
        level: row.proposed_level,
        score,
        tasks: stored.tasks,
        evidence: serde_json::from_str(&row.evidence).unwrap_or_default(),
        note: row.note.clone(),
        version: row.version,
        by: row.changed_by.clone(),
    })
}

/// The score of `input` on the subject's criteria framework (none without a framework).
fn score_of(
    framework: Option<&Framework>,
    book: &RuleBook,
    input: &EvaluationInput,
) -> Result<Option<ScoreSheet>> {
    let Some(framework) = framework else {
        return Ok(None);
    };
    framework::score(framework, book, input)
        .map(Some)
        .map_err(|e| AppError::invalid(format!("input.{}", e.field), e.problem))
}

/// A new version of a scored evaluation of `subject`: the stored input and its score. The
/// caller names the step, source and column, what is proposed, the note and the version read.
fn scored_row(subject: Uuid, stored: &StoredInput, score: Option<&ScoreSheet>) -> EvaluationRow {
    EvaluationRow {
        id: Uuid::now_v7(),
        subject_id: subject,
        step: String::new(),
        source: String::new(),
        column_no: 0,
        input: serde_json::to_string(stored).unwrap_or_default(),
        evidence: "{}".into(),
        total: score.and_then(|s| s.total).map(|p| p.0),
        score_level: score.map(|s| s.level),
        proposed_level: None,
        note: String::new(),
        version: 0,
        changed_by: String::new(),
        changed_at: OffsetDateTime::UNIX_EPOCH,
    }
}

/// Saves `evaluation` at the version it carries (refused as stale, naming `what`, when another
/// was saved since), appends `event` and shows the evaluation as stored.
async fn save_evaluation(
    tx: &mut Tx,
    who: &Authorized,
    subject: &SubjectRow,
    book: &RuleBook,
    evaluation: &EvaluationRow,
    what: &str,
    event: AuditEvent,
) -> Result<EvaluationView> {
    if !tx.save_evaluation(evaluation).await? {
        return Err(AppError::stale(what, evaluation.version));
    }
    audit::append(tx, who, event).await?;
    let saved = tx
        .evaluations(subject.id)
        .await?
        .into_iter()
        .find(|e| e.source == evaluation.source)
        .ok_or_else(|| AppError::internal(format!("{what} vừa lưu không đọc lại được")))?;
    let framework = framework_of(tx, subject).await?;
    evaluation_view(framework.as_ref(), book, &saved)
}

/// The score the decision rests on: the verified one, else the self-evaluation's.
fn decisive_score(
    framework: Option<&Framework>,
    book: &RuleBook,
    evaluations: &[EvaluationRow],
) -> Result<Option<ScoreSheet>> {
    for step in ["verification", "self"] {
        for row in evaluations.iter().filter(|e| e.step == step) {
            let stored: StoredInput = serde_json::from_str(&row.input).unwrap_or_default();
            if stored.score != EvaluationInput::default() {
                return score_of(framework, book, &stored.score);
            }
        }
    }
    Ok(None)
}

/// Classifies the subject with the facts and the decisive score.
async fn classify_subject(
    tx: &mut Tx,
    plan: &Plan,
    book: &RuleBook,
    subject: &SubjectRow,
) -> Result<Classification> {
    let facts = facts::gather(tx, plan, subject).await?;
    let evaluations = tx.evaluations(subject.id).await?;
    let framework = framework_of(tx, subject).await?;
    let score = decisive_score(framework.as_ref(), book, &evaluations)?;
    Ok(classify(&Context {
        book,
        year: plan.year,
        as_of: plan.review_date,
        facts: &facts,
        score: score.as_ref(),
    }))
}

impl App {
    /// The evaluations of a subject (self, verification, opinions, proposals), by column.
    pub async fn evaluations(&self, actor: &Actor, subject: Uuid) -> Result<Vec<EvaluationView>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        let row = load_subject(&mut tx, subject).await?;
        let book = load_plan(&mut tx, row.plan_id).await?.book()?;
        let framework = framework_of(&mut tx, &row).await?;
        tx.evaluations(subject)
            .await?
            .iter()
            .map(|e| evaluation_view(framework.as_ref(), &book, e))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_input_round_trips() {
        let stored = StoredInput {
            score: EvaluationInput::default(),
            tasks: Some(TaskResults {
                assigned: 10,
                completed: 10,
                on_time: 10,
                exceeded: 4,
            }),
        };
        let text = serde_json::to_string(&stored).unwrap();
        assert_eq!(serde_json::from_str::<StoredInput>(&text).unwrap(), stored);
    }
}
