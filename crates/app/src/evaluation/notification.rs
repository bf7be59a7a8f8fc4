//! Notifications of a decision (thông báo kết quả; QĐ 366 Điều 13; seed 003 §B.6): the subject,
//! the unit managing them and the deciding body, written with the decision and listed here.

use crate::App;
use crate::actor::{Action, Actor, Scope};
use crate::error::Result;
use kiemdiem_rules::Level;
use kiemdiem_rules::authority::Body;
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::evaluation::{DecisionRow, NotificationRow};
use kiemdiem_store::cycle::plan::SubjectRow;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// A notification of a decision (thông báo kết quả).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: Uuid,
    pub decision: Uuid,
    /// `subject`, `manager` or `deciding_body`.
    pub recipient_kind: String,
    /// The member, organisation or collective notified.
    pub recipient: String,
    pub message: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl App {
    /// The notifications sent about a subject's decisions.
    pub async fn notifications(&self, actor: &Actor, subject: Uuid) -> Result<Vec<Notification>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        Ok(tx
            .notifications(subject)
            .await?
            .into_iter()
            .map(|n| Notification {
                id: n.id,
                decision: n.decision_id,
                recipient_kind: n.recipient_kind,
                recipient: n.recipient,
                message: n.message,
                created_at: n.created_at,
            })
            .collect())
    }
}

/// Notification of the subject and of whoever manages them (QĐ 366 Điều 13; seed 003 §B.6).
pub(super) async fn notify(
    tx: &mut Tx,
    subject: &SubjectRow,
    decision: &DecisionRow,
    level: Level,
    body: Body,
) -> Result<()> {
    let message = format!(
        "{} được {} xếp loại: {} ({})",
        subject.name,
        body.name_vi(),
        level.name_vi(),
        level.code()
    );
    let at = tx.stamp()?.at;
    let mut recipients = Vec::new();
    if let Some(member) = subject.member_id.or(subject.leader_id) {
        recipients.push(("subject", member.to_string()));
    } else if let Some(org) = subject.org_id {
        recipients.push(("subject", org.to_string()));
    } else if let Some(collective) = subject.collective_id {
        recipients.push(("subject", collective.to_string()));
    }
    recipients.push(("manager", subject.unit_id.to_string()));
    if let Some(deciding) = subject.deciding_org_id
        && deciding != subject.unit_id
    {
        recipients.push(("deciding_body", deciding.to_string()));
    }
    for (kind, recipient) in recipients {
        tx.insert_notification(&NotificationRow {
            id: Uuid::now_v7(),
            subject_id: subject.id,
            decision_id: decision.id,
            recipient_kind: kind.into(),
            recipient,
            message: message.clone(),
            created_at: at,
        })
        .await?;
    }
    Ok(())
}
