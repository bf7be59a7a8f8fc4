//! After the decision (issue 16, first half): a subject's dissenting opinion kept against the
//! decision in force ([`App::record_dissent`]), complaints, denunciations and reports about a
//! subject with their verification and conclusion ([`matters`]), and an upper level's
//! inspection orders ([`inspection`]). What a matter blocks is the rules crate's
//! (`classify`, QĐ 366 Điều 12: `facts::gather` hands it the matters lodged before the
//! decision); a re-classification goes through the decision's own correction path.

pub mod inspection;
pub mod matters;

pub use inspection::{InspectionInput, InspectionOrder, OrderKind};
pub use matters::{Concluded, Matter, MatterConclusion, MatterInput, MatterOrder, Outcome};

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, Result};
use crate::plan::{load_plan, load_subject};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::after::DissentRow;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// A dissenting opinion (bảo lưu ý kiến) as shown with the decision it is kept against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dissent {
    pub id: Uuid,
    pub subject: Uuid,
    /// The decision version in force when it was recorded.
    pub decision: Uuid,
    /// The level above the deciding one, to which it is addressed.
    pub addressed_to: Option<Uuid>,
    pub addressed_to_name: Option<String>,
    /// The member who kept it (their own), `None` for a body's, recorded by its secretary.
    pub member: Option<Uuid>,
    pub opinion: String,
    pub recorded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

/// The name an organisation had last.
pub(crate) async fn org_name(tx: &mut Tx, org: Uuid) -> Result<Option<String>> {
    Ok(tx.org_history(org).await?.pop().map(|o| o.name))
}

async fn dissent_view(tx: &mut Tx, row: DissentRow) -> Result<Dissent> {
    let addressed_to_name = match row.addressed_org_id {
        Some(org) => org_name(tx, org).await?,
        None => None,
    };
    Ok(Dissent {
        id: row.id,
        subject: row.subject_id,
        decision: row.decision_id,
        addressed_to: row.addressed_org_id,
        addressed_to_name,
        member: row.member_id,
        opinion: row.opinion,
        recorded_by: row.recorded_by,
        recorded_at: row.recorded_at,
    })
}

/// The dissenting opinions about a subject, oldest first.
pub(crate) async fn dissents_of(tx: &mut Tx, subject: Uuid) -> Result<Vec<Dissent>> {
    let mut out = Vec::new();
    for row in tx.dissents(subject).await? {
        out.push(dissent_view(tx, row).await?);
    }
    Ok(out)
}

impl App {
    /// A subject keeps its own opinion of the decision in force (bảo lưu ý kiến), addressed to
    /// the level above the deciding one: a member on their own account, an organisation or a
    /// collective through its secretary. The decision stands; the opinion is shown with it.
    pub async fn record_dissent(
        &self,
        actor: &Actor,
        subject: Uuid,
        opinion: &str,
    ) -> Result<Dissent> {
        let who = self
            .authorize(actor, Action::WriteOwn, Scope::Subject(subject))
            .await?;
        let opinion = opinion.trim();
        if opinion.is_empty() {
            return Err(AppError::invalid(
                "opinion",
                "Chưa ghi nội dung ý kiến bảo lưu",
            ));
        }
        let mut tx = self.begin(&who).await?;
        let row = load_subject(&mut tx, subject).await?;
        let plan = load_plan(&mut tx, row.plan_id).await?;
        let decision = match (row.stage.decided(), row.decision_id) {
            (true, Some(decision)) => decision,
            _ => {
                return Err(AppError::conflict(format!(
                    "{} chưa có quyết định xếp loại đang có hiệu lực: chưa có gì để bảo lưu ý kiến",
                    row.name
                )));
            }
        };
        let addressed = match row.deciding_org_id {
            Some(org) => tx
                .org_as_of(org, plan.review_date)
                .await?
                .and_then(|o| o.parent_id),
            None => None,
        };
        let member = actor.member.filter(|m| row.member_id == Some(*m));
        let dissent = DissentRow {
            id: Uuid::now_v7(),
            subject_id: subject,
            decision_id: decision,
            addressed_org_id: addressed,
            member_id: member,
            opinion: opinion.to_owned(),
            recorded_by: who.actor.user.clone(),
            recorded_at: tx.stamp()?.at,
        };
        tx.insert_dissent(&dissent).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("dissent.record", "subject", subject).detail(serde_json::json!({
                "dissent": dissent.id, "decision": decision, "addressed_to": addressed,
                "member": member,
            })),
        )
        .await?;
        let view = dissent_view(&mut tx, dissent).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The dissenting opinions kept about a subject, oldest first.
    pub async fn dissents(&self, actor: &Actor, subject: Uuid) -> Result<Vec<Dissent>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        load_subject(&mut tx, subject).await?;
        dissents_of(&mut tx, subject).await
    }
}
