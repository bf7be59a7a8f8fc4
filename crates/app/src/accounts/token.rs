//! API tokens for programs (`Authorization: Bearer kdt_…`): created by their owner (or for an
//! account by whoever manages it), shown once, stored as a SHA-256, listed without the secret,
//! revoked at once. A token acts with its account's roles and scope, checked on every request,
//! so a role revoked or an account disabled stops the token too.

use super::secret::{digest, random_hex};
use super::{actor_of_row, normalize_login};
use crate::App;
use crate::actor::{Action, Actor, Authorized, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use kiemdiem_store::accounts::{NewToken, TokenRow};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// What every token starts with (so that a leaked one is recognisable by scanners).
pub const TOKEN_PREFIX: &str = "kdt_";

/// A token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenView {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A token just created: its secret is shown this once.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedToken {
    pub token: String,
    #[serde(flatten)]
    pub view: TokenView,
}

impl From<TokenRow> for TokenView {
    fn from(row: TokenRow) -> TokenView {
        TokenView {
            id: row.id,
            account_id: row.account_id,
            name: row.name,
            prefix: row.prefix,
            created_by: row.created_by,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
            revoked_by: row.revoked_by,
            revoked_at: row.revoked_at,
        }
    }
}

impl App {
    /// Creates a token for the account `login` (the actor's own when `None`), valid until the
    /// end of `expires_on` when given.
    pub async fn create_token(
        &self,
        actor: &Actor,
        login: Option<&str>,
        name: &str,
        expires_on: Option<Date>,
    ) -> Result<CreatedToken> {
        let name: String = name.trim().nfc().collect();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "name",
                "Hãy đặt tên cho khóa truy cập (tối đa 100 ký tự), ví dụ «Đồng bộ phần mềm quản lý đảng viên»",
            ));
        }
        if expires_on.is_some_and(|day| day < self.today()) {
            return Err(AppError::invalid(
                "expires_on",
                "Ngày hết hạn của khóa truy cập đã qua",
            ));
        }
        let (account, who) = self.token_owner(actor, login).await?;
        let secret = format!("{TOKEN_PREFIX}{}", random_hex(32));
        let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 8).collect();
        let expires_at =
            expires_on.map(|day| day.next_day().unwrap_or(day).midnight().assume_utc());
        let mut tx = self.begin(&who).await?;
        let id = tx
            .create_token(&NewToken {
                account_id: account,
                name: name.clone(),
                token_hash: digest(&secret),
                prefix: prefix.clone(),
                expires_at,
            })
            .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("token.create", "account", account).detail(serde_json::json!({
                "token_id": id,
                "name": name,
                "prefix": prefix,
                "expires_at": expires_at,
            })),
        )
        .await?;
        let row = tx
            .token(id)
            .await?
            .ok_or_else(|| AppError::internal("khóa truy cập vừa tạo không đọc lại được"))?;
        tx.commit().await?;
        Ok(CreatedToken {
            token: secret,
            view: row.into(),
        })
    }

    /// The tokens of the account `login` (the actor's own when `None`), newest first.
    pub async fn tokens(&self, actor: &Actor, login: Option<&str>) -> Result<Vec<TokenView>> {
        let (account, _) = self.token_owner(actor, login).await?;
        let mut tx = self.store().read().await?;
        Ok(tx
            .tokens_of(account)
            .await?
            .into_iter()
            .map(TokenView::from)
            .collect())
    }

    /// Revokes a token: refused at once on every server. Its owner may, and whoever manages the
    /// account.
    pub async fn revoke_token(&self, actor: &Actor, id: Uuid) -> Result<TokenView> {
        let row = {
            let mut tx = self.store().read().await?;
            tx.token(id)
                .await?
                .ok_or_else(|| AppError::not_found("khóa truy cập", id))?
        };
        let who = if actor.account == Some(row.account_id) {
            Authorized::itself(
                actor.clone(),
                Action::ManageAccounts,
                Scope::Account(row.account_id),
            )
        } else {
            self.authorize_manage(actor, row.account_id).await?
        };
        let mut tx = self.begin(&who).await?;
        if !tx.revoke_token(id).await? {
            return Err(AppError::conflict(
                "Khóa truy cập này đã bị thu hồi trước đó",
            ));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("token.revoke", "account", row.account_id)
                .detail(serde_json::json!({ "token_id": id, "prefix": row.prefix })),
        )
        .await?;
        let row = tx
            .token(id)
            .await?
            .ok_or_else(|| AppError::internal("khóa truy cập vừa thu hồi không đọc lại được"))?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// The actor a bearer token acts as: `session_expired` when it is unknown, expired, revoked,
    /// or its account is disabled.
    pub async fn authenticate_token(&self, secret: &str) -> Result<Actor> {
        let now = OffsetDateTime::now_utc();
        // Made on every request: no snapshot, so no BEGIN/ROLLBACK round trips.
        let mut tx = self.store().glance().await?;
        let row = tx
            .token_by_hash(&digest(secret))
            .await?
            .filter(|t| t.revoked_at.is_none() && t.expires_at.is_none_or(|at| at > now))
            .ok_or_else(refused)?;
        let account = tx
            .account(row.account_id)
            .await?
            .filter(|a| !a.disabled)
            .ok_or_else(refused)?;
        let mut actor = actor_of_row(&mut tx, &account).await?;
        tx.rollback().await?;
        if row
            .last_used_at
            .is_none_or(|at| now - at > time::Duration::minutes(1))
        {
            let mut tx = self.store().begin(&account.login).await?;
            tx.touch_token(row.id, now).await?;
            tx.commit().await?;
        }
        // A program never changes a password: a token of an account with a one-time password
        // still acts (its owner made it), with the account's roles.
        if actor.must_change_password() {
            actor = Actor::signed_in(
                &account.login,
                account.id,
                account.member_id,
                actor.grants().to_vec(),
                false,
            );
        }
        Ok(actor)
    }

    /// The account a token operation is about, and the authorization to act on its tokens.
    async fn token_owner(&self, actor: &Actor, login: Option<&str>) -> Result<(Uuid, Authorized)> {
        match login {
            None => {
                if actor.must_change_password() {
                    return Err(AppError::new(
                        ErrorCode::PasswordChangeRequired,
                        "Tài khoản đang dùng mật khẩu tạm thời: hãy đổi mật khẩu trước khi tạo khóa truy cập",
                    ));
                }
                let account = actor.account.ok_or_else(|| {
                    AppError::invalid("login", "Hãy nêu tài khoản được cấp khóa truy cập")
                })?;
                Ok((
                    account,
                    Authorized::itself(
                        actor.clone(),
                        Action::ManageAccounts,
                        Scope::Account(account),
                    ),
                ))
            }
            Some(login) => {
                let login =
                    normalize_login(login).map_err(|_| AppError::not_found("tài khoản", login))?;
                let account = {
                    let mut tx = self.store().read().await?;
                    tx.account_by_login(&login)
                        .await?
                        .ok_or_else(|| AppError::not_found("tài khoản", &login))?
                        .id
                };
                let who = if actor.account == Some(account) {
                    Authorized::itself(
                        actor.clone(),
                        Action::ManageAccounts,
                        Scope::Account(account),
                    )
                } else {
                    self.authorize_manage(actor, account).await?
                };
                Ok((account, who))
            }
        }
    }
}

fn refused() -> AppError {
    AppError::new(
        ErrorCode::SessionExpired,
        "Khóa truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi",
    )
}
