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
use kiemdiem_store::deliveries::DeliveryRow;
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
        // An unknown subject is not an empty list.
        crate::plan::load_subject(&mut tx, subject).await?;
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
        let id = Uuid::now_v7();
        tx.insert_notification(&NotificationRow {
            id,
            subject_id: subject.id,
            decision_id: decision.id,
            recipient_kind: kind.into(),
            recipient: recipient.clone(),
            message: message.clone(),
            created_at: at,
        })
        .await?;
        deliver(tx, id, kind, subject, &recipient, at).await?;
    }
    Ok(())
}

/// The roles whose holders on an organisation read what is sent to it: the subject body's own
/// officers, the managing unit's and the deciding body's (with its board).
fn roles_for(kind: &str) -> &'static [&'static str] {
    match kind {
        "subject" => &["committee", "branch_secretary", "branch_committee"],
        "manager" => &["committee", "board", "branch_secretary", "branch_committee"],
        _ => &["committee", "board"],
    }
}

/// Delivers a notification to the inbox of every account it is for — the member's own account,
/// the accounts holding a role on the organisation it is sent to — and queues an e-mail for
/// those with an address (sent by [`App::send_pending_mail`]).
async fn deliver(
    tx: &mut Tx,
    notification: Uuid,
    kind: &str,
    subject: &SubjectRow,
    recipient: &str,
    at: OffsetDateTime,
) -> Result<()> {
    let Ok(id) = recipient.parse::<Uuid>() else {
        return Ok(());
    };
    let on = kiemdiem_store::date::today();
    let accounts = if kind == "subject" && subject.member_id == Some(id) {
        tx.recipient_of_member(id).await?.into_iter().collect()
    } else if kind == "subject"
        && (subject.leader_id == Some(id) || subject.collective_id == Some(id))
    {
        Vec::new()
    } else {
        tx.recipients_of_org(id, on, roles_for(kind)).await?
    };
    deliver_to(tx, notification, &accounts, at).await
}

/// Notifies the complainant of a matter of its conclusion: a notice about the matter (no
/// decision) delivered to the member's own account — inbox, and e-mail where it has an address.
pub(crate) async fn notify_complainant(
    tx: &mut Tx,
    subject: Uuid,
    matter: Uuid,
    member: Uuid,
    message: &str,
) -> Result<Uuid> {
    let at = tx.stamp()?.at;
    let id = Uuid::now_v7();
    tx.insert_matter_notice(id, subject, matter, &member.to_string(), message, at)
        .await?;
    let accounts: Vec<_> = tx.recipient_of_member(member).await?.into_iter().collect();
    deliver_to(tx, id, &accounts, at).await?;
    Ok(id)
}

/// One inbox delivery of `notification` to each account, and an e-mail waiting for those with an
/// address.
async fn deliver_to(
    tx: &mut Tx,
    notification: Uuid,
    accounts: &[kiemdiem_store::deliveries::Recipient],
    at: OffsetDateTime,
) -> Result<()> {
    for account in accounts {
        let row = |channel: &str, address: String, state: &str| DeliveryRow {
            id: Uuid::now_v7(),
            notification_id: notification,
            account_id: account.account_id,
            channel: channel.into(),
            address,
            state: state.into(),
            attempts: 0,
            last_error: None,
            created_at: at,
            delivered_at: (state == "delivered").then_some(at),
            read_at: None,
        };
        tx.insert_delivery(&row("inbox", String::new(), "delivered"))
            .await?;
        if let Some(email) = account.email.as_deref().filter(|e| !e.trim().is_empty()) {
            tx.insert_delivery(&row("email", email.trim().to_owned(), "pending"))
                .await?;
        }
    }
    Ok(())
}
