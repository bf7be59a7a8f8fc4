//! Delivering notifications: who receives one (the account of the member it is about, the
//! accounts holding a role on the organisation it is for), the inbox rows and the e-mails
//! waiting for the relay, and their delivery state. Knows no rule: the app decides who is told.

use crate::db::{Tx, on_conn};
use crate::error::Result;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// An account to deliver to, with its e-mail address when it has one.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Recipient {
    pub account_id: Uuid,
    pub email: Option<String>,
}

/// One delivery of a notification to an account by a channel.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub notification_id: Uuid,
    pub account_id: Uuid,
    /// `inbox` or `email`.
    pub channel: String,
    pub address: String,
    /// `delivered`, `read` (inbox); `pending`, `sending`, `sent`, `failed` (e-mail).
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub delivered_at: Option<OffsetDateTime>,
    pub read_at: Option<OffsetDateTime>,
}

/// A delivery with what it delivers, for an inbox or the mail relay.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveredNotification {
    #[sqlx(flatten)]
    pub delivery: DeliveryRow,
    pub subject_id: Uuid,
    pub message: String,
    pub login: String,
}

const DELIVERY_COLUMNS: &str = "d.id, d.notification_id, d.account_id, d.channel, d.address, d.state, d.attempts, d.last_error, d.created_at, d.delivered_at, d.read_at";

impl Tx {
    /// The account linked to `member`, if any and not disabled.
    pub async fn recipient_of_member(&mut self, member: Uuid) -> Result<Option<Recipient>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT id AS account_id, email FROM accounts WHERE member_id = $1 AND disabled = $2",
        ).bind(member).bind(false).fetch_optional(c).await?))
    }

    /// The accounts holding, on `on`, a role of `roles` granted on `org` (not disabled).
    pub async fn recipients_of_org(
        &mut self,
        org: Uuid,
        on: Date,
        roles: &[&str],
    ) -> Result<Vec<Recipient>> {
        let mut out: Vec<Recipient> = Vec::new();
        for role in roles {
            let rows: Vec<Recipient> = on_conn!(self, c => sqlx::query_as(
                "SELECT DISTINCT a.id AS account_id, a.email FROM role_grants g JOIN accounts a ON a.id = g.account_id \
                 WHERE g.org_id = $1 AND g.role = $2 AND g.revoked_at IS NULL AND g.valid_from <= $3 \
                 AND (g.valid_to IS NULL OR g.valid_to > $3) AND a.disabled = $4",
            ).bind(org).bind(*role).bind(on).bind(false).fetch_all(c).await?);
            for row in rows {
                if !out.iter().any(|r| r.account_id == row.account_id) {
                    out.push(row);
                }
            }
        }
        Ok(out)
    }

    /// Records a delivery (a second one for the same notification, account and channel is
    /// ignored).
    pub async fn insert_delivery(&mut self, row: &DeliveryRow) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "INSERT INTO notification_deliveries (id, notification_id, account_id, channel, address, state, attempts, last_error, created_at, delivered_at, read_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (notification_id, account_id, channel) DO NOTHING",
        )
        .bind(row.id).bind(row.notification_id).bind(row.account_id).bind(&row.channel).bind(&row.address)
        .bind(&row.state).bind(row.attempts).bind(&row.last_error).bind(row.created_at).bind(row.delivered_at)
        .bind(row.read_at)
        .execute(c).await?.rows_affected());
        self.record("notification_deliveries", row.id.to_string(), "insert");
        Ok(())
    }

    /// An account's inbox, newest first.
    pub async fn inbox(&mut self, account: Uuid) -> Result<Vec<DeliveredNotification>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS}, n.subject_id, n.message, a.login FROM notification_deliveries d \
             JOIN notifications n ON n.id = d.notification_id JOIN accounts a ON a.id = d.account_id \
             WHERE d.account_id = $1 AND d.channel = 'inbox' ORDER BY d.created_at DESC, d.id DESC"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(account).fetch_all(c).await?),
        )
    }

    /// Marks an inbox delivery of `account` read; false when it is not theirs or already read.
    pub async fn mark_read(
        &mut self,
        delivery: Uuid,
        account: Uuid,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE notification_deliveries SET state = 'read', read_at = $1 WHERE id = $2 AND account_id = $3 AND channel = 'inbox' AND state = 'delivered'",
        ).bind(at).bind(delivery).bind(account).execute(c).await?.rows_affected());
        if n == 1 {
            self.record("notification_deliveries", delivery.to_string(), "read");
        }
        Ok(n == 1)
    }

    /// The deliveries of the notifications of a subject's decisions (not of the notices of the
    /// matters about it, which name their complainant).
    pub async fn deliveries_of_subject(
        &mut self,
        subject: Uuid,
    ) -> Result<Vec<DeliveredNotification>> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS}, n.subject_id, n.message, a.login FROM notification_deliveries d \
             JOIN notifications n ON n.id = d.notification_id JOIN accounts a ON a.id = d.account_id \
             WHERE n.subject_id = $1 AND n.decision_id IS NOT NULL ORDER BY d.created_at, d.id"
        );
        Ok(
            on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(subject).fetch_all(c).await?),
        )
    }

    /// Up to `limit` e-mails waiting (tried fewer than `max_attempts` times), each claimed for
    /// this sender (`sending`, one more attempt) — another sender skips a claimed one.
    pub async fn claim_pending_email(
        &mut self,
        limit: i64,
        max_attempts: i64,
    ) -> Result<Vec<DeliveredNotification>> {
        let ids: Vec<Uuid> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT id FROM notification_deliveries WHERE channel = 'email' AND state = 'pending' AND attempts < $1 \
             ORDER BY created_at, id LIMIT $2",
        ).bind(max_attempts).bind(limit).fetch_all(c).await?);
        let mut claimed = Vec::new();
        for id in ids {
            let n = on_conn!(self, c => sqlx::query(
                "UPDATE notification_deliveries SET state = 'sending', attempts = attempts + 1 WHERE id = $1 AND state = 'pending'",
            ).bind(id).execute(c).await?.rows_affected());
            if n == 1 {
                claimed.push(id);
            }
        }
        let mut out = Vec::new();
        for id in claimed {
            let sql = format!(
                "SELECT {DELIVERY_COLUMNS}, n.subject_id, n.message, a.login FROM notification_deliveries d \
                 JOIN notifications n ON n.id = d.notification_id JOIN accounts a ON a.id = d.account_id WHERE d.id = $1"
            );
            let row: DeliveredNotification = on_conn!(self, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(c).await?);
            out.push(row);
        }
        Ok(out)
    }

    /// The outcome of sending one claimed e-mail: `sent`, or back to `pending` (to be tried
    /// again) or `failed` for good, with the error.
    pub async fn finish_email(
        &mut self,
        delivery: Uuid,
        state: &str,
        error: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "UPDATE notification_deliveries SET state = $1, last_error = $2, delivered_at = CASE WHEN $1 = 'sent' THEN $3 ELSE delivered_at END \
             WHERE id = $4 AND state = 'sending'",
        ).bind(state).bind(error).bind(at).bind(delivery).execute(c).await?.rows_affected());
        self.record(
            "notification_deliveries",
            delivery.to_string(),
            state_action(state),
        );
        Ok(())
    }

    /// Sets (or, with `None`, removes) an account's e-mail address.
    pub async fn set_account_email(&mut self, account: Uuid, email: Option<&str>) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE accounts SET email = $1, version = version + 1, changed_by = $2, changed_at = $3 WHERE id = $4",
        ).bind(email).bind(&stamp.by).bind(stamp.at).bind(account).execute(c).await?.rows_affected());
        if n == 1 {
            self.record("accounts", account.to_string(), "update");
        }
        Ok(n == 1)
    }

    /// An account's e-mail address.
    pub async fn account_email(&mut self, account: Uuid) -> Result<Option<String>> {
        Ok(on_conn!(self, c => sqlx::query_scalar::<_, Option<String>>(
            "SELECT email FROM accounts WHERE id = $1",
        ).bind(account).fetch_optional(c).await?)
        .flatten())
    }
}

fn state_action(state: &str) -> &'static str {
    match state {
        "sent" => "sent",
        "failed" => "failed",
        _ => "retry",
    }
}
