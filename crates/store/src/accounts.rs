//! Accounts (*tài khoản*), the roles granted to them on nodes of the organisation tree, browser
//! sessions, API tokens, and the counters of failed sign-ins.
//!
//! The store keeps what the app decides: it never sees a password or a token in clear (only the
//! argon2 PHC string and SHA-256 hashes), it does not judge whether a role allows an action, and
//! it does not compare times in SQL (SQLite keeps them as text): expiry is judged by the app on
//! the rows it reads.

use crate::db::{Tx, on_conn};
use crate::error::{Result, StoreError};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// An account as stored (without its password hash; see [`Tx::account_password_hash`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountRow {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub member_id: Option<Uuid>,
    pub org_id: Option<Uuid>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub version: i64,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

/// An account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub login: String,
    pub display_name: String,
    pub member_id: Option<Uuid>,
    pub org_id: Option<Uuid>,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
}

/// A role granted on a node (none for the administrator), as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GrantRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub role: String,
    pub org_id: Option<Uuid>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub granted_by: String,
    pub granted_at: OffsetDateTime,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A role to grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGrant {
    pub role: &'static str,
    pub org_id: Option<Uuid>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
}

/// A browser session as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub account_id: Uuid,
    pub client: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A session joined with its account ([`Tx::session_with_account`]).
#[derive(sqlx::FromRow)]
struct SessionAccountRow {
    account_id: Uuid,
    client: String,
    session_created_at: OffsetDateTime,
    last_seen_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
    login: String,
    display_name: String,
    member_id: Option<Uuid>,
    org_id: Option<Uuid>,
    must_change_password: bool,
    disabled: bool,
    version: i64,
    created_by: String,
    created_at: OffsetDateTime,
}

/// An API token as stored (its hash is the key it is found by, never returned).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenRow {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// An API token to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub account_id: Uuid,
    pub name: String,
    pub token_hash: String,
    pub prefix: String,
    pub expires_at: Option<OffsetDateTime>,
}

macro_rules! account_sql {
    ($tail:literal) => {
        concat!(
            "SELECT id, login, display_name, member_id, org_id, must_change_password, disabled, ",
            "version, created_by, created_at FROM accounts ",
            $tail
        )
    };
}

macro_rules! grant_sql {
    ($tail:literal) => {
        concat!(
            "SELECT id, account_id, role, org_id, valid_from, valid_to, granted_by, granted_at, ",
            "revoked_by, revoked_at FROM role_grants ",
            $tail
        )
    };
}

macro_rules! token_sql {
    ($tail:literal) => {
        concat!(
            "SELECT id, account_id, name, prefix, created_by, created_at, expires_at, last_used_at, ",
            "revoked_by, revoked_at FROM api_tokens ",
            $tail
        )
    };
}

impl Tx {
    /// How many accounts exist (0 on a fresh installation).
    pub async fn account_count(&mut self) -> Result<i64> {
        Ok(
            on_conn!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(c).await?),
        )
    }

    pub async fn create_account(&mut self, new: &NewAccount) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO accounts (id, login, display_name, member_id, org_id, password_hash, \
             must_change_password, disabled, version, created_by, created_at, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $9, $10)",
        )
        .bind(id).bind(&new.login).bind(&new.display_name).bind(new.member_id).bind(new.org_id)
        .bind(&new.password_hash).bind(new.must_change_password).bind(false)
        .bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("accounts", id.to_string(), "insert");
        Ok(id)
    }

    pub async fn account(&mut self, id: Uuid) -> Result<Option<AccountRow>> {
        const SQL: &str = account_sql!("WHERE id = $1");
        Ok(on_conn!(self, c => sqlx::query_as(SQL).bind(id).fetch_optional(c).await?))
    }

    /// The account with this login (already normalised by the caller).
    pub async fn account_by_login(&mut self, login: &str) -> Result<Option<AccountRow>> {
        const SQL: &str = account_sql!("WHERE login = $1");
        Ok(on_conn!(self, c => sqlx::query_as(SQL).bind(login).fetch_optional(c).await?))
    }

    /// The account linked to a member record, if any.
    pub async fn account_of_member(&mut self, member: Uuid) -> Result<Option<AccountRow>> {
        const SQL: &str = account_sql!("WHERE member_id = $1");
        Ok(on_conn!(self, c => sqlx::query_as(SQL).bind(member).fetch_optional(c).await?))
    }

    /// Every account, by login.
    pub async fn accounts(&mut self) -> Result<Vec<AccountRow>> {
        const SQL: &str = account_sql!("ORDER BY login");
        Ok(on_conn!(self, c => sqlx::query_as(SQL).fetch_all(c).await?))
    }

    /// The accounts managed by an organisation in the subtree of `org` on `on`, by login.
    pub async fn accounts_within(&mut self, org: Uuid, on: Date) -> Result<Vec<AccountRow>> {
        const SQL: &str = account_sql!(
            "WHERE org_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1 \
             AND valid_from <= $2 AND valid_to > $2) ORDER BY login"
        );
        Ok(on_conn!(self, c => sqlx::query_as(SQL).bind(org).bind(on).fetch_all(c).await?))
    }

    /// The stored password hash (PHC string) of an account, `None` when it has no password.
    pub async fn account_password_hash(&mut self, id: Uuid) -> Result<Option<String>> {
        let row: Option<Option<String>> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT password_hash FROM accounts WHERE id = $1",
        ).bind(id).fetch_optional(c).await?);
        Ok(row.flatten())
    }

    /// Replaces the password hash; `must_change` asks for a new password at the next sign-in.
    pub async fn set_account_password(
        &mut self,
        id: Uuid,
        password_hash: &str,
        must_change: bool,
    ) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE accounts SET password_hash = $2, must_change_password = $3, version = version + 1, \
             changed_by = $4, changed_at = $5 WHERE id = $1",
        )
        .bind(id).bind(password_hash).bind(must_change).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::not_found("tài khoản", id));
        }
        self.record("accounts", id.to_string(), "update");
        Ok(())
    }

    pub async fn set_account_disabled(&mut self, id: Uuid, disabled: bool) -> Result<()> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE accounts SET disabled = $2, version = version + 1, changed_by = $3, changed_at = $4 \
             WHERE id = $1",
        )
        .bind(id).bind(disabled).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::not_found("tài khoản", id));
        }
        self.record("accounts", id.to_string(), "update");
        Ok(())
    }

    pub async fn add_grant(&mut self, account: Uuid, grant: &NewGrant) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO role_grants (id, account_id, role, org_id, valid_from, valid_to, granted_by, granted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id).bind(account).bind(grant.role).bind(grant.org_id).bind(grant.valid_from)
        .bind(grant.valid_to).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        self.record("role_grants", id.to_string(), "insert");
        Ok(id)
    }

    pub async fn grant(&mut self, id: Uuid) -> Result<Option<GrantRow>> {
        const SQL: &str = grant_sql!("WHERE id = $1");
        Ok(on_conn!(self, c => sqlx::query_as(SQL).bind(id).fetch_optional(c).await?))
    }

    /// Every grant of an account, revoked ones included, oldest first.
    pub async fn grants_of(&mut self, account: Uuid) -> Result<Vec<GrantRow>> {
        const SQL: &str = grant_sql!("WHERE account_id = $1 ORDER BY granted_at, id");
        Ok(on_conn!(self, c => sqlx::query_as(SQL).bind(account).fetch_all(c).await?))
    }

    /// Marks a grant revoked; `false` when it was already revoked.
    pub async fn revoke_grant(&mut self, id: Uuid) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE role_grants SET revoked_by = $2, revoked_at = $3 WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id).bind(&stamp.by).bind(stamp.at)
        .execute(c).await?.rows_affected());
        if n > 0 {
            self.record("role_grants", id.to_string(), "update");
        }
        Ok(n > 0)
    }

    pub async fn create_session(
        &mut self,
        token_hash: &str,
        account: Uuid,
        client: &str,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        let stamp = self.stamp_owned()?;
        on_conn!(self, c => sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, client, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(token_hash).bind(account).bind(client).bind(stamp.at).bind(expires_at)
        .execute(c).await?.rows_affected());
        // The key is a secret's hash: the audit names the account, never the session key.
        self.record("sessions", account.to_string(), "insert");
        Ok(())
    }

    pub async fn session(&mut self, token_hash: &str) -> Result<Option<SessionRow>> {
        Ok(on_conn!(self, c => sqlx::query_as(
            "SELECT account_id, client, created_at, last_seen_at, expires_at, revoked_at \
             FROM sessions WHERE token_hash = $1",
        ).bind(token_hash).fetch_optional(c).await?))
    }

    /// The session and its account in one statement (asked on every signed-in request).
    pub async fn session_with_account(
        &mut self,
        token_hash: &str,
    ) -> Result<Option<(SessionRow, AccountRow)>> {
        let row: Option<SessionAccountRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT s.account_id, s.client, s.created_at AS session_created_at, s.last_seen_at, \
             s.expires_at, s.revoked_at, a.login, a.display_name, a.member_id, a.org_id, \
             a.must_change_password, a.disabled, a.version, a.created_by, a.created_at \
             FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1",
        ).bind(token_hash).fetch_optional(c).await?);
        Ok(row.map(|r| {
            (
                SessionRow {
                    account_id: r.account_id,
                    client: r.client,
                    created_at: r.session_created_at,
                    last_seen_at: r.last_seen_at,
                    expires_at: r.expires_at,
                    revoked_at: r.revoked_at,
                },
                AccountRow {
                    id: r.account_id,
                    login: r.login,
                    display_name: r.display_name,
                    member_id: r.member_id,
                    org_id: r.org_id,
                    must_change_password: r.must_change_password,
                    disabled: r.disabled,
                    version: r.version,
                    created_by: r.created_by,
                    created_at: r.created_at,
                },
            )
        }))
    }

    /// Notes that the session was used at `at` (idle expiry counts from here).
    pub async fn touch_session(&mut self, token_hash: &str, at: OffsetDateTime) -> Result<()> {
        on_conn!(self, c => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash).bind(at).execute(c).await?.rows_affected());
        Ok(())
    }

    /// Revokes one session; `false` when it was unknown or already revoked.
    pub async fn revoke_session(&mut self, token_hash: &str) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let account: Option<Uuid> = on_conn!(self, c => sqlx::query_scalar(
            "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL \
             RETURNING account_id",
        ).bind(token_hash).bind(stamp.at).fetch_optional(c).await?);
        if let Some(account) = account {
            self.record("sessions", account.to_string(), "update");
        }
        Ok(account.is_some())
    }

    /// Revokes every live session of an account (password changed, account disabled) but the
    /// one whose hash is `except`.
    pub async fn revoke_sessions_of(&mut self, account: Uuid, except: Option<&str>) -> Result<u64> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL \
             AND token_hash <> $3",
        ).bind(account).bind(stamp.at).bind(except.unwrap_or("")).execute(c).await?.rows_affected());
        if n > 0 {
            self.record("sessions", account.to_string(), "update");
        }
        Ok(n)
    }

    pub async fn create_token(&mut self, token: &NewToken) -> Result<Uuid> {
        let stamp = self.stamp_owned()?;
        let id = Uuid::now_v7();
        on_conn!(self, c => sqlx::query(
            "INSERT INTO api_tokens (id, account_id, name, token_hash, prefix, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id).bind(token.account_id).bind(&token.name).bind(&token.token_hash).bind(&token.prefix)
        .bind(&stamp.by).bind(stamp.at).bind(token.expires_at)
        .execute(c).await?.rows_affected());
        self.record("api_tokens", id.to_string(), "insert");
        Ok(id)
    }

    pub async fn token(&mut self, id: Uuid) -> Result<Option<TokenRow>> {
        const SQL: &str = token_sql!("WHERE id = $1");
        Ok(on_conn!(self, c => sqlx::query_as(SQL).bind(id).fetch_optional(c).await?))
    }

    pub async fn token_by_hash(&mut self, token_hash: &str) -> Result<Option<TokenRow>> {
        const SQL: &str = token_sql!("WHERE token_hash = $1");
        Ok(on_conn!(self, c => sqlx::query_as(SQL).bind(token_hash).fetch_optional(c).await?))
    }

    /// Every token of an account, revoked ones included, newest first.
    pub async fn tokens_of(&mut self, account: Uuid) -> Result<Vec<TokenRow>> {
        const SQL: &str = token_sql!("WHERE account_id = $1 ORDER BY created_at DESC, id");
        Ok(on_conn!(self, c => sqlx::query_as(SQL).bind(account).fetch_all(c).await?))
    }

    pub async fn touch_token(&mut self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        on_conn!(self, c => sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(id).bind(at).execute(c).await?.rows_affected());
        Ok(())
    }

    /// Revokes a token; `false` when it was already revoked.
    pub async fn revoke_token(&mut self, id: Uuid) -> Result<bool> {
        let stamp = self.stamp_owned()?;
        let n = on_conn!(self, c => sqlx::query(
            "UPDATE api_tokens SET revoked_by = $2, revoked_at = $3 WHERE id = $1 AND revoked_at IS NULL",
        ).bind(id).bind(&stamp.by).bind(stamp.at).execute(c).await?.rows_affected());
        if n > 0 {
            self.record("api_tokens", id.to_string(), "update");
        }
        Ok(n > 0)
    }

    /// When the key is locked out until (Unix seconds), if it is.
    pub async fn throttle_lock(&mut self, key: &str) -> Result<Option<i64>> {
        let row: Option<Option<i64>> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT locked_until FROM sign_in_throttle WHERE key = $1",
        ).bind(key).fetch_optional(c).await?);
        Ok(row.flatten())
    }

    /// Counts one failed sign-in under `key` at `now` (Unix seconds), starting a new window when
    /// the current one began at or before `window_floor`; returns the failures in the window.
    /// One statement, so that servers failing at once on PostgreSQL never lose a count.
    pub async fn count_sign_in_failure(
        &mut self,
        key: &str,
        now: i64,
        window_floor: i64,
    ) -> Result<i64> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "INSERT INTO sign_in_throttle (key, failures, window_start, locked_until) VALUES ($1, 1, $2, NULL) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN sign_in_throttle.window_start <= $3 THEN 1 ELSE sign_in_throttle.failures + 1 END, \
             window_start = CASE WHEN sign_in_throttle.window_start <= $3 THEN $2 ELSE sign_in_throttle.window_start END \
             RETURNING failures",
        ).bind(key).bind(now).bind(window_floor).fetch_one(c).await?))
    }

    /// Locks `key` out until `until` (Unix seconds) and starts counting afresh after it.
    pub async fn lock_throttle(&mut self, key: &str, until: i64) -> Result<()> {
        on_conn!(self, c => sqlx::query(
            "UPDATE sign_in_throttle SET locked_until = $2, failures = 0, window_start = $2 WHERE key = $1",
        ).bind(key).bind(until).execute(c).await?.rows_affected());
        Ok(())
    }

    /// Forgets the failures counted under `key` (a successful sign-in).
    pub async fn clear_throttle(&mut self, key: &str) -> Result<()> {
        on_conn!(self, c => sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
            .bind(key).execute(c).await?.rows_affected());
        Ok(())
    }
}
