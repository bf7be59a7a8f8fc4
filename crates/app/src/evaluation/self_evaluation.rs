//! The subject's self-evaluation (tự đánh giá, xếp loại; column (1)): entered, scored against
//! the subject's framework and re-entered at its version until the subject is decided. Does not
//! classify (that is the decision's) nor record other bodies' opinions ([`super::opinions`]).

use super::{EvaluationView, StoredInput, save_evaluation, score_of, scored_row};
use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::AuditEvent;
use crate::error::{AppError, Result};
use crate::plan::{load_plan, load_subject, require_status};
use kiemdiem_rules::Level;
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_rules::framework::EvaluationInput;
use kiemdiem_store::cycle::evaluation::EvaluationRow;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A self-evaluation (tự đánh giá, xếp loại) as entered by the subject.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SelfEvaluation {
    /// Points or grades per criterion, bonuses and deductions.
    #[serde(default)]
    pub input: EvaluationInput,
    /// Evidence per criterion: quantified results (column (3) of the score sheets).
    #[serde(default)]
    pub evidence: BTreeMap<String, String>,
    /// Tasks assigned, completed, on time, exceeded.
    #[serde(default)]
    pub tasks: Option<TaskResults>,
    /// The level the subject proposes for themselves.
    #[serde(default)]
    pub proposed: Option<Level>,
    #[serde(default)]
    pub note: String,
}

impl App {
    /// Records (or updates, at `version`) the subject's self-evaluation and scores it.
    pub async fn self_evaluate(
        &self,
        actor: &Actor,
        subject: Uuid,
        version: i64,
        input: SelfEvaluation,
    ) -> Result<EvaluationView> {
        let who = self
            .authorize(actor, Action::WriteOwn, Scope::Subject(subject))
            .await?;
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        require_status(&plan, "open", "tự đánh giá")?;
        if row.stage.decided() {
            return Err(AppError::conflict(
                "Đối tượng đã được quyết định xếp loại: không sửa tự đánh giá",
            ));
        }
        let book = plan.book()?;
        if let Some(tasks) = &input.tasks {
            tasks
                .validate("tasks")
                .map_err(|e| AppError::invalid(e.field, e.problem))?;
        }
        let framework = super::framework_of(&mut tx, &row).await?;
        let score = score_of(framework.as_ref(), &book, &input.input)?;
        let stored = StoredInput {
            score: input.input.clone(),
            tasks: input.tasks,
        };
        let evaluation = EvaluationRow {
            step: "self".into(),
            source: "self".into(),
            column_no: 1,
            evidence: serde_json::to_string(&input.evidence).unwrap_or_default(),
            proposed_level: input.proposed,
            note: input.note.clone(),
            version,
            ..scored_row(subject, &stored, score.as_ref())
        };
        let event = AuditEvent::new("evaluation.self", "subject", subject).detail(serde_json::json!({
            "score_level": evaluation.score_level, "total": evaluation.total.map(kiemdiem_rules::Points), "proposed": input.proposed,
        }));
        let view = save_evaluation(
            &mut tx,
            &who,
            &row,
            &book,
            &evaluation,
            "Bản tự đánh giá",
            event,
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }
}
