//! Signing in and out, and the sessions that carry a signed-in person between requests.
//!
//! A session is a random 256-bit secret given to the browser (the web layer puts it in an
//! `HttpOnly` cookie); the database keeps only its SHA-256, so a copy of the database signs no
//! one in. Sessions live in the database, so several app servers share them and a restart keeps
//! them; each ends after [`Security::session_idle`] unused or [`Security::session_absolute`]
//! after sign-in, at sign-out, or when the password changes or the account is disabled.
//!
//! Failed sign-ins are counted in the database per account and per client address; past the
//! limit, further attempts are refused without checking the password until the lock-out ends.
//! Sign-ins, failed sign-ins and lock-outs go into the audit trail (never a password).

use super::secret::{self, digest};
use super::{AccountView, Security, account_view, actor_of_row, normalize_login};
use crate::App;
use crate::actor::{Action, Actor, Authorized, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use serde::Serialize;
use time::OffsetDateTime;

/// Sessions this server checked a moment ago ([`Security::session_recheck`]), by the hash of
/// their secret: a page or a ballot paper then costs no database read to know who asks. Every
/// change of accounts on this server forgets them all; other servers read again after the
/// recheck time.
#[derive(Default)]
pub(crate) struct RecentSessions {
    entries: std::sync::Mutex<std::collections::HashMap<String, Recent>>,
}

impl std::fmt::Debug for RecentSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecentSessions")
    }
}

struct Recent {
    checked: std::time::Instant,
    session: Session,
    last_seen_at: OffsetDateTime,
}

/// Beyond this many sessions kept, the oldest half is dropped.
const RECENT_CAPACITY: usize = 100_000;

impl RecentSessions {
    fn get(&self, hash: &str, security: &Security, now: OffsetDateTime) -> Option<Session> {
        let entries = self.entries.lock().ok()?;
        let recent = entries.get(hash)?;
        let fresh = recent.checked.elapsed() < security.session_recheck
            && recent.session.expires_at > now
            && recent.last_seen_at + security.session_idle > now
            // Its last use is written once a minute: then it is read (and touched) again.
            && now - recent.last_seen_at <= time::Duration::minutes(1);
        fresh.then(|| Session {
            actor: recent.session.actor.for_new_request(),
            ..recent.session.clone()
        })
    }

    fn put(&self, hash: String, session: &Session, last_seen_at: OffsetDateTime) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= RECENT_CAPACITY {
            let mut ages: Vec<std::time::Instant> = entries.values().map(|r| r.checked).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            entries.retain(|_, r| r.checked > cut);
        }
        entries.insert(
            hash,
            Recent {
                checked: std::time::Instant::now(),
                session: session.clone(),
                last_seen_at,
            },
        );
    }

    fn forget(&self, hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(hash);
        }
    }

    /// After any change of accounts, roles or passwords on this server.
    pub(crate) fn forget_all(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

/// A session just opened: the secret for the cookie (shown once) and who signed in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
    pub actor: Actor,
    pub account: AccountView,
}

/// The session a request presented, once checked.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    /// The account's name as shown (họ tên).
    pub display_name: String,
    /// The token unsafe requests made with this session must carry (synchronizer token).
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

/// Why a sign-in failed, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Failure {
    UnknownLogin,
    WrongPassword,
    Disabled,
    LockedOut,
}

/// How long to wait after a lock-out, in whole seconds (for `Retry-After`).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RetryAfter {
    pub retry_after_seconds: i64,
}

/// The synchronizer token of a session: derived from its secret, so nothing more is stored.
pub fn csrf_token_of(session_token: &str) -> String {
    digest(&format!("kiemdiem-csrf\n{session_token}"))
}

impl App {
    /// Signs in with a login and a password from `client` (an address, for the per-client limit).
    /// Wrong login and wrong password answer alike (`invalid_credentials`); past the limits,
    /// `too_many_attempts` with how long to wait.
    pub async fn sign_in(&self, login: &str, password: &str, client: &str) -> Result<SignedIn> {
        let security = self.security;
        let now = OffsetDateTime::now_utc();
        let login = normalize_login(login).unwrap_or_else(|_| {
            login
                .trim()
                .chars()
                .take(64)
                .collect::<String>()
                .to_lowercase()
        });
        let client: String = client.chars().take(100).collect();
        let account_key = format!("account:{login}");
        let client_key = format!("client:{client}");
        let (row, stored) = {
            let mut tx = self.store().read().await?;
            for key in [&account_key, &client_key] {
                if let Some(until) = tx.throttle_lock(key).await?
                    && until > now.unix_timestamp()
                {
                    drop(tx);
                    self.record_failure(&login, &client, Failure::LockedOut, false)
                        .await?;
                    return Err(locked_out(until - now.unix_timestamp()));
                }
            }
            let row = tx.account_by_login(&login).await?;
            let stored = match &row {
                Some(row) => tx.account_password_hash(row.id).await?,
                None => None,
            };
            (row, stored)
        };
        let matches =
            secret::verify_password(password.to_string(), stored, security.password_cost).await;
        let row = match row {
            Some(row) if matches && !row.disabled => row,
            other => {
                let failure = match other {
                    None => Failure::UnknownLogin,
                    Some(row) if row.disabled && matches => Failure::Disabled,
                    Some(_) => Failure::WrongPassword,
                };
                self.record_failure(&login, &client, failure, true).await?;
                return Err(if failure == Failure::Disabled {
                    AppError::new(
                        ErrorCode::Forbidden,
                        "Tài khoản đã bị khóa: hãy liên hệ ban tổ chức hoặc quản trị hệ thống",
                    )
                } else {
                    AppError::new(
                        ErrorCode::InvalidCredentials,
                        "Tên đăng nhập hoặc mật khẩu không đúng",
                    )
                    .with_field("password")
                });
            }
        };
        let token = secret::random_hex(32);
        let expires_at = now + security.session_absolute;
        let mut tx = self.store().read().await?;
        let actor = actor_of_row(&mut tx, &row).await?;
        drop(tx);
        let who = Authorized::itself(actor.clone(), Action::Read, Scope::Account(row.id));
        let mut tx = self.begin(&who).await?;
        tx.clear_throttle(&account_key).await?;
        tx.create_session(&digest(&token), row.id, &client, expires_at)
            .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("session.sign_in", "account", row.id)
                .detail(serde_json::json!({ "client": client })),
        )
        .await?;
        let account = account_view(&mut tx, row.id, self.today()).await?;
        tx.commit().await?;
        Ok(SignedIn {
            csrf_token: csrf_token_of(&token),
            token,
            expires_at,
            actor,
            account,
        })
    }

    /// Counts a failed sign-in (when `count`), locks the account or the client out past the
    /// limits, and audits it — in its own transaction, committed whatever the caller answers.
    async fn record_failure(
        &self,
        login: &str,
        client: &str,
        failure: Failure,
        count: bool,
    ) -> Result<()> {
        let security = self.security;
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let window_floor = now - security.failure_window.as_secs() as i64;
        let lock_until = now + security.lockout.as_secs() as i64;
        let who = Authorized::itself(
            Actor::trusted(format!("đăng nhập:{login}")),
            Action::Read,
            Scope::Global,
        );
        crate::retrying(|| async {
            let mut tx = self.begin(&who).await?;
            let mut locked = Vec::new();
            if count {
                for (key, limit) in [
                    (format!("account:{login}"), security.account_failures),
                    (format!("client:{client}"), security.client_failures),
                ] {
                    let failures = tx.count_sign_in_failure(&key, now, window_floor).await?;
                    if failures >= limit {
                        tx.lock_throttle(&key, lock_until).await?;
                        locked.push(key);
                    }
                }
            }
            audit::append(
                &mut tx,
                &who,
                AuditEvent::new("session.sign_in_failed", "login", login)
                    .detail(serde_json::json!({ "client": client, "failure": failure })),
            )
            .await?;
            for key in &locked {
                audit::append(
                    &mut tx,
                    &who,
                    AuditEvent::new("session.lock_out", "login", login).detail(serde_json::json!({
                        "key": key,
                        "until": lock_until,
                        "minutes": security.lockout.as_secs() / 60,
                    })),
                )
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// The session presented by a request, if it is live: `session_expired` otherwise. Refreshes
    /// its last use at most once a minute (idle expiry counts from there).
    pub async fn authenticate_session(&self, token: &str) -> Result<Session> {
        let security = self.security;
        let hash = digest(token);
        let now = OffsetDateTime::now_utc();
        if !security.session_recheck.is_zero()
            && let Some(session) = self.recent_sessions().get(&hash, &security, now)
        {
            return Ok(session);
        }
        // Made on every request: no snapshot, so no BEGIN/ROLLBACK round trips.
        let mut tx = self.store().glance().await?;
        let (session, row) = tx.session_with_account(&hash).await?.ok_or_else(expired)?;
        if session.revoked_at.is_some()
            || session.expires_at <= now
            || session.last_seen_at + security.session_idle <= now
            || row.disabled
        {
            return Err(expired());
        }
        let actor = actor_of_row(&mut tx, &row).await?;
        tx.rollback().await?;
        let mut last_seen_at = session.last_seen_at;
        if now - session.last_seen_at > time::Duration::minutes(1) {
            let mut tx = self.store().begin(&row.login).await?;
            tx.touch_session(&hash, now).await?;
            tx.commit().await?;
            last_seen_at = now;
        }
        let checked = Session {
            actor,
            display_name: row.display_name,
            csrf_token: csrf_token_of(token),
            expires_at: session.expires_at,
        };
        if !security.session_recheck.is_zero() {
            self.recent_sessions().put(hash, &checked, last_seen_at);
        }
        Ok(checked)
    }

    /// Ends the session (sign-out); signing out of an ended session is not an error.
    pub async fn sign_out(&self, actor: &Actor, token: &str) -> Result<()> {
        let who = Authorized::itself(actor.clone(), Action::Read, Scope::Global);
        self.recent_sessions().forget(&digest(token));
        let mut tx = self.begin(&who).await?;
        if tx.revoke_session(&digest(token)).await?
            && let Some(account) = actor.account
        {
            audit::append(
                &mut tx,
                &who,
                AuditEvent::new("session.sign_out", "account", account),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// How accounts, sessions and throttling behave in this app.
    pub fn security(&self) -> &Security {
        &self.security
    }
}

fn expired() -> AppError {
    AppError::new(
        ErrorCode::SessionExpired,
        "Phiên làm việc đã hết hạn hoặc đã đăng xuất: hãy đăng nhập lại",
    )
}

fn locked_out(seconds: i64) -> AppError {
    let minutes = (seconds + 59) / 60;
    AppError::new(
        ErrorCode::TooManyAttempts,
        format!("Đăng nhập sai quá nhiều lần: hãy thử lại sau {minutes} phút"),
    )
    .with_details(RetryAfter {
        retry_after_seconds: seconds.max(1),
    })
}
