//! The parts an organisation subject is evaluated on: the periods before and after a merger,
//! split or transfer (created when the plan opens) and the units of a joint branch (added by
//! hand), each with its task results. The organisation's facts sum them ([`crate::facts`]).

use super::load_subject;
use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use kiemdiem_rules::SubjectKind;
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_store::cycle::plan::SubjectPartRow;
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

/// Results of one period (before/after a merger, split or transfer) or one unit of a joint branch
/// (chi bộ sinh hoạt ghép) of an organisation subject; the organisation is evaluated on their sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub seq: i64,
    /// `before_change`, `after_change` or `joint_unit`.
    pub kind: String,
    pub label: String,
    pub from_on: Option<Date>,
    pub to_on: Option<Date>,
    pub tasks: Option<TaskResults>,
    pub version: i64,
}

impl App {
    /// The periods or units an organisation subject is evaluated on.
    pub async fn parts(&self, actor: &Actor, subject: Uuid) -> Result<Vec<Part>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        // An unknown subject is not an empty list.
        crate::plan::load_subject(&mut tx, subject).await?;
        Ok(tx
            .subject_parts(subject)
            .await?
            .into_iter()
            .map(|p| Part {
                tasks: match (
                    p.tasks_assigned,
                    p.tasks_completed,
                    p.tasks_on_time,
                    p.tasks_exceeded,
                ) {
                    (Some(a), Some(c), Some(o), Some(e)) => Some(TaskResults {
                        assigned: a as u32,
                        completed: c as u32,
                        on_time: o as u32,
                        exceeded: e as u32,
                    }),
                    _ => None,
                },
                seq: p.seq,
                kind: p.kind,
                label: p.label,
                from_on: p.from_on,
                to_on: p.to_on,
                version: p.version,
            })
            .collect())
    }

    /// Adds a unit of a joint branch (chi bộ sinh hoạt ghép) to an organisation subject.
    pub async fn add_joint_unit(&self, actor: &Actor, subject: Uuid, label: &str) -> Result<Part> {
        let who = self
            .authorize(actor, Action::WriteForBody, Scope::Subject(subject))
            .await?;
        let label = label.trim();
        if label.is_empty() {
            return Err(AppError::invalid("label", "Chưa ghi tên cơ quan, đơn vị"));
        }
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        if row.kind != SubjectKind::Organisation {
            return Err(AppError::invalid(
                "subject",
                "Chỉ tổ chức đảng mới có đơn vị sinh hoạt ghép",
            ));
        }
        let seq = tx.subject_parts(subject).await?.len() as i64 + 1;
        tx.add_subject_part(&SubjectPartRow {
            subject_id: subject,
            seq,
            kind: "joint_unit".into(),
            label: label.to_owned(),
            source_org_id: None,
            from_on: None,
            to_on: None,
            tasks_assigned: None,
            tasks_completed: None,
            tasks_on_time: None,
            tasks_exceeded: None,
            note: String::new(),
            version: 1,
        })
        .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("subject.part_add", "subject", subject)
                .detail(serde_json::json!({"seq": seq, "label": label})),
        )
        .await?;
        tx.commit().await?;
        Ok(Part {
            seq,
            kind: "joint_unit".into(),
            label: label.to_owned(),
            from_on: None,
            to_on: None,
            tasks: None,
            version: 1,
        })
    }

    /// Records the task results of one period or unit (at `version`).
    pub async fn record_part_results(
        &self,
        actor: &Actor,
        subject: Uuid,
        seq: i64,
        version: i64,
        tasks: TaskResults,
    ) -> Result<()> {
        let who = self
            .authorize(actor, Action::WriteForBody, Scope::Subject(subject))
            .await?;
        tasks
            .validate("tasks")
            .map_err(|e| AppError::invalid(e.field, e.problem))?;
        let mut tx = self.begin(&who).await?;
        let results = [
            tasks.assigned,
            tasks.completed,
            tasks.on_time,
            tasks.exceeded,
        ]
        .map(i64::from);
        if !tx.set_part_results(subject, seq, version, results).await? {
            return Err(AppError::stale("Kết quả của giai đoạn, đơn vị", version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("subject.part_results", "subject", subject)
                .detail(serde_json::json!({"seq": seq, "tasks": tasks})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
