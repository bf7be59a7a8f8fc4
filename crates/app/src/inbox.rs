//! Notifications as people receive them: each account's inbox (what was delivered to it, read or
//! not), the e-mail address an account may give, and the sending of the e-mails waiting — by the
//! SMTP relay the server is given ([`crate::mail`]), each with its delivery state (sent, tried
//! again, failed for good with the relay's answer). Who receives a notification is decided when
//! it is written (`evaluation::notification`).

use crate::App;
use crate::actor::{Action, Actor, Authorized, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use crate::mail::{self, Mail, SmtpConfig};
use kiemdiem_store::deliveries::DeliveredNotification;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// An e-mail is tried this many times before it is failed for good.
const MAX_ATTEMPTS: i64 = 5;

/// One notification as delivered to an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: Uuid,
    pub notification: Uuid,
    pub subject: Uuid,
    pub message: String,
    /// The account delivered to.
    pub login: String,
    /// `inbox` or `email`.
    pub channel: String,
    /// Inbox: `delivered`, `read`; e-mail: `pending`, `sending`, `sent`, `failed`.
    pub state: String,
    /// The state in Vietnamese.
    pub state_name: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub read_at: Option<OffsetDateTime>,
}

fn state_name(state: &str) -> &'static str {
    match state {
        "delivered" => "Đã đến hộp thư, chưa đọc",
        "read" => "Đã đọc",
        "pending" => "Đang chờ gửi thư điện tử",
        "sending" => "Đang gửi thư điện tử",
        "sent" => "Đã gửi thư điện tử",
        _ => "Gửi thư điện tử không thành công",
    }
}

pub(crate) fn delivery_view(d: DeliveredNotification) -> Delivery {
    Delivery {
        id: d.delivery.id,
        notification: d.delivery.notification_id,
        subject: d.subject_id,
        message: d.message,
        login: d.login,
        state_name: state_name(&d.delivery.state).to_owned(),
        channel: d.delivery.channel,
        state: d.delivery.state,
        attempts: d.delivery.attempts,
        last_error: d.delivery.last_error,
        created_at: d.delivery.created_at,
        delivered_at: d.delivery.delivered_at,
        read_at: d.delivery.read_at,
    }
}

/// What one round of sending did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MailRound {
    pub sent: u64,
    /// Tried again later.
    pub retried: u64,
    /// Given up after the last attempt.
    pub failed: u64,
}

fn account_of(actor: &Actor) -> Result<Uuid> {
    actor.account.ok_or_else(|| {
        AppError::new(
            ErrorCode::Unauthenticated,
            "Chưa đăng nhập bằng tài khoản: không có hộp thư",
        )
    })
}

impl App {
    /// The signed-in account's inbox, newest first (empty for an in-process actor).
    pub async fn inbox(&self, actor: &Actor) -> Result<Vec<Delivery>> {
        crate::access::resolve::check_signed_in(actor)?;
        let Some(account) = actor.account else {
            return Ok(Vec::new());
        };
        let mut tx = self.store().read().await?;
        Ok(tx
            .inbox(account)
            .await?
            .into_iter()
            .map(delivery_view)
            .collect())
    }

    /// Marks one of the account's own notifications read (another's is not found).
    pub async fn mark_read(&self, actor: &Actor, delivery: Uuid) -> Result<()> {
        crate::access::resolve::check_signed_in(actor)?;
        let account = account_of(actor)?;
        let who = Authorized::itself(actor.clone(), Action::Read, Scope::Account(account));
        let mut tx = self.begin(&who).await?;
        let at = tx.stamp()?.at;
        if !tx.mark_read(delivery, account, at).await? {
            return Err(AppError::not_found(
                "thông báo chưa đọc trong hộp thư",
                delivery,
            ));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sets (or removes) the e-mail address notifications are sent to: one's own, or — for the
    /// board managing it — another account's.
    pub async fn set_account_email(
        &self,
        actor: &Actor,
        login: &str,
        email: Option<&str>,
    ) -> Result<()> {
        let id = self.account_id(login).await?;
        let who = if actor.account == Some(id) {
            Authorized::itself(actor.clone(), Action::ManageAccounts, Scope::Account(id))
        } else {
            self.authorize(actor, Action::ManageAccounts, Scope::Account(id))
                .await?
        };
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(email) = email {
            let valid = email.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty()
                    && host.contains('.')
                    && !email.contains(char::is_whitespace)
                    && !email.contains(['<', '>', ',', ';'])
            });
            if !valid {
                return Err(AppError::invalid(
                    "email",
                    format!("Địa chỉ thư điện tử «{email}» không hợp lệ"),
                ));
            }
        }
        let mut tx = self.begin(&who).await?;
        tx.set_account_email(id, email).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("account.email", "account", id)
                .detail(serde_json::json!({"set": email.is_some()})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sends the e-mails waiting, up to `limit`: each claimed, sent by the relay, and marked
    /// sent, to be tried again, or failed after the last attempt (with the relay's answer).
    pub async fn send_pending_mail(&self, smtp: &SmtpConfig, limit: i64) -> Result<MailRound> {
        let claimed = {
            let mut tx = self.store().begin("thư điện tử").await?;
            let claimed = tx.claim_pending_email(limit, MAX_ATTEMPTS).await?;
            tx.commit().await?;
            claimed
        };
        let mut round = MailRound::default();
        for item in claimed {
            let mail = Mail {
                to: item.delivery.address.clone(),
                subject: "Thông báo kết quả đánh giá, xếp loại chất lượng".into(),
                body: format!(
                    "{}\r\n\r\nThông báo từ hệ thống kiểm điểm, đánh giá, xếp loại chất lượng (tài khoản {}).",
                    item.message, item.login
                ),
            };
            let outcome = mail::send(smtp, &mail, &item.delivery.id.to_string()).await;
            let (state, error) = match &outcome {
                Ok(()) => ("sent", None),
                Err(error) if item.delivery.attempts >= MAX_ATTEMPTS => {
                    ("failed", Some(error.as_str()))
                }
                Err(error) => ("pending", Some(error.as_str())),
            };
            match state {
                "sent" => round.sent += 1,
                "failed" => round.failed += 1,
                _ => round.retried += 1,
            }
            let mut tx = self.store().begin("thư điện tử").await?;
            let at = tx.stamp()?.at;
            tx.finish_email(item.delivery.id, state, error, at).await?;
            tx.commit().await?;
        }
        Ok(round)
    }

    /// Every delivery of the notifications about a subject, with its state.
    pub async fn deliveries(&self, actor: &Actor, subject: Uuid) -> Result<Vec<Delivery>> {
        self.authorize(actor, Action::Read, Scope::Subject(subject))
            .await?;
        let mut tx = self.store().read().await?;
        Ok(tx
            .deliveries_of_subject(subject)
            .await?
            .into_iter()
            .map(delivery_view)
            .collect())
    }
}
