//! The subjects (đối tượng) of a plan: how one is shown and listed, and how a use case loads
//! one and moves it along the state machine ([`crate::state`]) at the version its caller read.
//! Opening a plan creates them ([`crate::open`]); what happens at each step belongs to the
//! step's module (review, meeting, evaluation, ballot).

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::error::{AppError, ErrorCode, Result};
use crate::state::{Event, Stage, transition};
use kiemdiem_rules::authority::Body;
use kiemdiem_rules::eligibility::{Eligibility, Participation};
use kiemdiem_rules::{Level, SubjectKind};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::plan::SubjectRow;
use serde::Serialize;
use uuid::Uuid;

/// A subject (đối tượng) of a plan as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    pub id: Uuid,
    pub plan: Uuid,
    pub kind: SubjectKind,
    pub name: String,
    pub member: Option<Uuid>,
    pub leader: Option<Uuid>,
    pub collective: Option<Uuid>,
    pub org: Option<Uuid>,
    /// Where the subject is reviewed (branch, organisation, managing organisation).
    pub unit: Uuid,
    pub participation: Participation,
    /// Why excluded or reviewed only, and the documents needed, with citations.
    pub eligibility: Option<Eligibility>,
    pub form_code: String,
    pub framework: Option<String>,
    /// Who decides (the rule set's answer) and the organisation whose body it is.
    pub decides_body: Body,
    pub deciding_org: Option<Uuid>,
    pub proposes_body: Option<Body>,
    pub quota_group: String,
    pub stage: Stage,
    pub level: Option<Level>,
    pub version: i64,
}

pub(crate) fn subject_view(row: SubjectRow) -> Result<Subject> {
    let stage = row.stage;
    Ok(Subject {
        id: row.id,
        plan: row.plan_id,
        kind: row.kind,
        name: row.name,
        member: row.member_id,
        leader: row.leader_id,
        collective: row.collective_id,
        org: row.org_id,
        unit: row.unit_id,
        participation: row.participation,
        eligibility: row
            .eligibility
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok()),
        form_code: row.form_code,
        framework: row.framework_id,
        decides_body: row.decides_body,
        deciding_org: row.deciding_org_id,
        proposes_body: row.proposes_body,
        quota_group: row.quota_group,
        stage,
        level: row.level,
        version: row.version,
    })
}

impl App {
    /// The subjects of a plan, all or those reviewed in `units`, in Vietnamese name order.
    pub async fn subjects(
        &self,
        actor: &Actor,
        plan: Uuid,
        units: Option<&[Uuid]>,
    ) -> Result<Vec<Subject>> {
        match units {
            // A unit's subjects: whoever reads the unit, in a plan that covers them.
            Some(units) => {
                self.authorize(actor, Action::Read, Scope::PlanDocument(plan))
                    .await?;
                for unit in units {
                    self.authorize(actor, Action::Read, Scope::Org(*unit))
                        .await?;
                }
            }
            None => {
                self.authorize(actor, Action::Read, Scope::Plan(plan))
                    .await?;
            }
        }
        let mut tx = self.store().read().await?;
        tx.subjects_of_plan(plan, units)
            .await?
            .into_iter()
            .map(subject_view)
            .collect()
    }

    /// The subjects excluded from the review or reviewed without classification, with reasons.
    pub async fn excluded_subjects(&self, actor: &Actor, plan: Uuid) -> Result<Vec<Subject>> {
        Ok(self
            .subjects(actor, plan, None)
            .await?
            .into_iter()
            .filter(|s| s.participation != Participation::ReviewAndClassify)
            .collect())
    }

    pub async fn subject(&self, actor: &Actor, id: Uuid) -> Result<Subject> {
        self.authorize(actor, Action::Read, Scope::Subject(id))
            .await?;
        let mut tx = self.store().read().await?;
        subject_view(load_subject(&mut tx, id).await?)
    }
}

pub(crate) async fn load_subject(tx: &mut Tx, id: Uuid) -> Result<SubjectRow> {
    tx.subject(id)
        .await?
        .ok_or_else(|| AppError::not_found("đối tượng", id))
}

/// Applies `event` to the subject at `version` (stage, level, current decision).
pub(crate) async fn advance(
    tx: &mut Tx,
    subject: &SubjectRow,
    version: i64,
    event: Event,
    level: Option<Level>,
    decision: Option<Uuid>,
) -> Result<Stage> {
    if subject.version != version {
        return Err(stale_subject(subject, version));
    }
    let participation = subject.participation;
    let next = transition(subject.stage, participation, event)
        .map_err(|message| AppError::new(ErrorCode::Conflict, message))?;
    if !tx
        .set_subject_stage(
            subject.id,
            version,
            next.code(),
            level.map(Level::code),
            decision,
        )
        .await?
    {
        return Err(stale_subject(subject, version));
    }
    Ok(next)
}

/// The refusal of a write at a version of the subject that is no longer current.
pub(crate) fn stale_subject(subject: &SubjectRow, version: i64) -> AppError {
    AppError::stale(&format!("Hồ sơ của {}", subject.name), version)
}
