//! Escalations (báo cáo cấp trên): a person — a party member, or a leader who is not one — rated
//! at different levels in several places of the year's plans is escalated to the organisation
//! board of the competent level (seed 003 §B.6), which settles every place with a correction.
//! The competent level is the nearest organisation above every place's deciding body (their
//! nearest common ancestor in the tree on the review date), recorded on the escalation; the
//! settlement is authorised in its scope. Opened or updated by a decision; resolved here.

use super::decision::{DecisionInput, DecisionKind, DecisionView, Sitting, decide_in, nonempty};
use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::{Plan, load_subject};
use kiemdiem_rules::Level;
use kiemdiem_rules::SubjectKind;
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::evaluation::EscalationRow;
use kiemdiem_store::cycle::plan::SubjectRow;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// One place where a person is rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub subject: Uuid,
    pub name: String,
    pub kind: SubjectKind,
    pub level: Option<Level>,
}

/// A person rated differently in several places, waiting for the organisation board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    pub id: Uuid,
    pub plan: Uuid,
    /// The person: a member's or a non-member leader's id (`person_kind`).
    pub person: Uuid,
    /// `member` or `leader`.
    pub person_kind: String,
    /// The organisation whose board settles it.
    pub competent_org: Option<Uuid>,
    pub places: Vec<Place>,
    pub status: String,
    pub version: i64,
}

impl From<EscalationRow> for Escalation {
    fn from(row: EscalationRow) -> Escalation {
        Escalation {
            id: row.id,
            plan: row.plan_id,
            person: row.member_id,
            person_kind: row.person_kind.clone(),
            competent_org: row.competent_org_id,
            places: places_of(&row),
            status: row.status,
            version: row.version,
        }
    }
}

/// The places an escalation lists (stored as JSON).
fn places_of(row: &EscalationRow) -> Vec<Place> {
    serde_json::from_str(&row.places).unwrap_or_default()
}

impl App {
    /// The organisation board of the competent level settles a person rated differently in
    /// several places: every place gets the settled level as a correction.
    pub async fn resolve_escalation(
        &self,
        actor: &Actor,
        escalation: Uuid,
        version: i64,
        level: Level,
        reason: &str,
    ) -> Result<Vec<DecisionView>> {
        let reason = nonempty(Some(reason))
            .ok_or_else(|| AppError::invalid("reason", "Phải ghi rõ lý do quyết định"))?;
        let who = self
            .authorize(actor, Action::Settle, Scope::Escalation(escalation))
            .await?;
        let mut tx = self.begin(&who).await?;
        let mut row = tx
            .escalation(escalation)
            .await?
            .ok_or_else(|| AppError::not_found("việc báo cáo cấp trên", escalation))?;
        if row.status != "open" {
            return Err(AppError::conflict("Việc này đã được giải quyết"));
        }
        let mut views = Vec::new();
        for place in places_of(&row) {
            let subject = load_subject(&mut tx, place.subject).await?;
            if subject.level == Some(level) {
                continue;
            }
            let input = DecisionInput {
                version: subject.version,
                level: Some(level),
                reason: Some(reason.clone()),
                ..DecisionInput::default()
            };
            views.push(
                decide_in(
                    &mut tx,
                    &who,
                    place.subject,
                    &input,
                    DecisionKind::Escalation,
                    Sitting::default(),
                )
                .await?,
            );
        }
        row.status = "resolved".into();
        row.resolved_level = Some(level);
        row.reason = Some(reason.clone());
        row.version = version;
        if !tx.update_escalation(&row).await? {
            return Err(AppError::stale("Việc báo cáo cấp trên", version));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("escalation.resolve", "escalation", escalation)
                .reason(Some(reason))
                .detail(serde_json::json!({"level": level})),
        )
        .await?;
        tx.commit().await?;
        Ok(views)
    }

    /// Open escalations of a plan.
    pub async fn escalations(&self, actor: &Actor, plan: Uuid) -> Result<Vec<Escalation>> {
        self.authorize(actor, Action::Read, Scope::Plan(plan))
            .await?;
        let mut tx = self.store().read().await?;
        // An unknown plan is not an empty list.
        tx.plan(plan)
            .await?
            .ok_or_else(|| crate::error::AppError::not_found("kế hoạch", plan))?;
        Ok(tx
            .open_escalations(plan)
            .await?
            .into_iter()
            .map(Escalation::from)
            .collect())
    }
}

/// Opens an escalation when the same person is rated at another level elsewhere this year.
pub(super) async fn escalate_if_different(
    tx: &mut Tx,
    plan: &Plan,
    subject: &SubjectRow,
    level: Level,
) -> Result<Option<Uuid>> {
    let (person, person_kind) = match (subject.member_id, subject.leader_id) {
        (Some(member), _) => (member, "member"),
        (None, Some(leader)) => (leader, "leader"),
        (None, None) => return Ok(None),
    };
    let plans: Vec<Uuid> = tx
        .plans_of_year(i64::from(plan.year))
        .await?
        .into_iter()
        .filter(|p| p.period_kind == "year")
        .map(|p| p.id)
        .collect();
    let rows = if person_kind == "member" {
        tx.decided_subjects_of_member(person, &plans).await?
    } else {
        tx.decided_subjects_of_leader(person, &plans).await?
    };
    let differs = rows
        .iter()
        .any(|r| r.id != subject.id && r.level.is_some_and(|l| l != level));
    if !differs {
        return Ok(None);
    }
    let places: Vec<Place> = rows
        .iter()
        .filter(|r| r.level.is_some() || r.id == subject.id)
        .map(|r| Place {
            subject: r.id,
            name: r.name.clone(),
            kind: r.kind,
            level: if r.id == subject.id {
                Some(level)
            } else {
                r.level
            },
        })
        .collect();
    let places_json = serde_json::to_string(&places).unwrap_or_default();
    let deciding: Vec<Uuid> = rows
        .iter()
        .chain(std::iter::once(subject))
        .map(|r| r.deciding_org_id.unwrap_or(r.unit_id))
        .collect();
    let competent = nearest_common_ancestor(tx, &deciding, plan.review_date).await?;
    if let Some(mut open) = tx
        .escalations_of_member(person)
        .await?
        .into_iter()
        .find(|e| e.status == "open" && e.plan_id == plan.id)
    {
        open.places = places_json;
        open.competent_org_id = competent;
        if !tx.update_escalation(&open).await? {
            return Err(AppError::stale("Việc báo cáo cấp trên", open.version));
        }
        return Ok(Some(open.id));
    }
    let id = Uuid::now_v7();
    tx.insert_escalation(&EscalationRow {
        id,
        plan_id: plan.id,
        member_id: person,
        person_kind: person_kind.into(),
        competent_org_id: competent,
        places: places_json,
        status: "open".into(),
        resolved_level: None,
        reason: None,
        version: 1,
        changed_by: String::new(),
        changed_at: OffsetDateTime::UNIX_EPOCH,
    })
    .await?;
    Ok(Some(id))
}

/// The nearest organisation above (or equal to) every one of `orgs` in the tree on `on`: the
/// level whose organisation board settles a person rated differently in those places. `None`
/// when they share no ancestor (separate trees).
async fn nearest_common_ancestor(tx: &mut Tx, orgs: &[Uuid], on: Date) -> Result<Option<Uuid>> {
    let mut common: Option<Vec<Uuid>> = None;
    for org in orgs {
        // Root first, the organisation itself last.
        let path: Vec<Uuid> = tx
            .org_ancestors(*org, on)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        common = Some(match common {
            None => path,
            Some(prefix) => prefix
                .iter()
                .zip(&path)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    Ok(common.and_then(|path| path.last().copied()))
}
