//! Accounts (*tài khoản*) and their roles: creating an account (linked to a member record, or a
//! staff account of a board), granting and revoking roles on nodes of the tree, resetting and
//! changing passwords, disabling. Signing in, sessions and throttling are in [`session`]; API
//! tokens in [`token`]; hashing and random secrets in [`secret`].
//!
//! Every change is one transaction ending with its audit entry; no password or token is ever
//! stored, logged or audited in clear.

pub mod secret;
pub mod session;
pub mod token;

use crate::App;
use crate::access::{Grant, Role};
use crate::actor::{Action, Actor, Authorized, Scope};
use crate::audit::{self, AuditEvent};
use crate::error::{AppError, ErrorCode, Result};
use kiemdiem_store::Tx;
use kiemdiem_store::accounts::{AccountRow, GrantRow, NewAccount as StoreNewAccount, NewGrant};
use secret::{PasswordCost, check_password_policy, hash_password};
use serde::Serialize;
use std::time::Duration;
use time::{Date, OffsetDateTime};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// How accounts, sessions and sign-in throttling behave (the defaults suit production).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Security {
    pub password_cost: PasswordCost,
    /// A session unused this long is over.
    pub session_idle: Duration,
    /// A session is over this long after sign-in, used or not.
    pub session_absolute: Duration,
    /// Failed sign-ins for one account within `failure_window` before it is locked out.
    pub account_failures: i64,
    /// Failed sign-ins from one client address within `failure_window` before it is locked out.
    pub client_failures: i64,
    pub failure_window: Duration,
    /// How long a server trusts a session it has just checked before reading it again
    /// (zero: every request reads it). A sign-out, a role change, a password change or a
    /// disabled account on this server applies at once; on other servers sharing the
    /// database, within this time.
    pub session_recheck: Duration,
    /// How long a lock-out lasts.
    pub lockout: Duration,
}

impl Default for Security {
    fn default() -> Security {
        Security {
            password_cost: PasswordCost::Standard,
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            account_failures: 5,
            client_failures: 20,
            failure_window: Duration::from_secs(15 * 60),
            lockout: Duration::from_secs(15 * 60),
            session_recheck: Duration::from_secs(2),
        }
    }
}

impl Security {
    /// Cheap password hashing, otherwise the defaults: for tests and benchmarks.
    pub fn for_tests() -> Security {
        Security {
            password_cost: PasswordCost::Cheap,
            // Tests run several servers on one database and expect each change at once.
            session_recheck: Duration::ZERO,
            ..Security::default()
        }
    }
}

/// The administrator created on first run.
pub const FIRST_ADMIN_LOGIN: &str = "quantri";

/// An account as shown to people (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountView {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub member_id: Option<Uuid>,
    /// The member's card number, when the account is a member's.
    pub member_code: Option<String>,
    /// The organisation whose board manages the account.
    pub org_id: Option<Uuid>,
    pub org_code: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub grants: Vec<GrantView>,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

/// A role granted, as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantView {
    pub id: Uuid,
    pub role: Role,
    pub role_name: &'static str,
    pub org_id: Option<Uuid>,
    pub org_code: Option<String>,
    pub org_name: Option<String>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub granted_by: String,
    pub granted_at: OffsetDateTime,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// An account to create.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub login: String,
    pub display_name: String,
    /// The member record it is linked to (it votes as that member and no one else); the member
    /// role on their branch is granted with it.
    pub member: Option<Uuid>,
    /// The organisation whose board manages the account (a member's branch by default).
    pub org: Option<Uuid>,
    /// A password chosen now; `None`: a one-time password is generated and returned, to be
    /// changed at first sign-in.
    pub password: Option<String>,
}

/// A role to grant.
#[derive(Debug, Clone)]
pub struct RoleGrant {
    pub role: Role,
    pub org: Option<Uuid>,
    /// Today when absent.
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

/// An account just created, with its one-time password when one was generated (shown once).
#[derive(Debug, Clone, Serialize)]
pub struct CreatedAccount {
    pub account: AccountView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_time_password: Option<String>,
}

/// A login as stored: NFC, trimmed, lower-case; 3–64 of `a–z 0–9 . _ - @`.
pub fn normalize_login(login: &str) -> Result<String> {
    let login: String = login.trim().nfc().collect::<String>().to_lowercase();
    let valid = (3..=64).contains(&login.chars().count())
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_@".contains(c));
    if !valid {
        return Err(AppError::invalid(
            "login",
            "Tên đăng nhập gồm 3–64 ký tự: chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới hoặc @",
        ));
    }
    Ok(login)
}

impl App {
    /// Creates an account. An administrator may create any; a board only one managed within its
    /// subtree (the account's organisation, or the member's branch).
    pub async fn create_account(&self, actor: &Actor, new: NewAccount) -> Result<CreatedAccount> {
        let login = normalize_login(&new.login)?;
        let display_name: String = new.display_name.trim().nfc().collect();
        if display_name.is_empty() || display_name.chars().count() > 200 {
            return Err(AppError::invalid(
                "display_name",
                "Chưa ghi họ tên (hoặc tên hiển thị) của tài khoản, tối đa 200 ký tự",
            ));
        }
        let today = self.today();
        let branch = match new.member {
            Some(member) => {
                let mut tx = self.store().read().await?;
                let branch = tx.member_place(member, today).await?;
                if branch.is_none() && tx.member_as_of(member, today).await?.is_none() {
                    return Err(AppError::not_found("đảng viên", member).with_field("member"));
                }
                branch
            }
            None => None,
        };
        let org = new.org.or(branch);
        let who = self
            .authorize(
                actor,
                Action::ManageAccounts,
                org.map_or(Scope::Global, Scope::Org),
            )
            .await?;
        let (password, one_time) = match new.password {
            Some(password) => {
                check_password_policy(&password, &login, "password")?;
                (password, None)
            }
            None => {
                let generated = secret::one_time_password();
                (generated.clone(), Some(generated))
            }
        };
        let password_hash = hash_password(password, self.security.password_cost).await?;
        let mut tx = self.begin(&who).await?;
        let id = tx
            .create_account(&StoreNewAccount {
                login: login.clone(),
                display_name,
                member_id: new.member,
                org_id: org,
                password_hash: Some(password_hash),
                must_change_password: one_time.is_some(),
            })
            .await?;
        if let (Some(_), Some(branch)) = (new.member, branch) {
            tx.add_grant(
                id,
                &NewGrant {
                    role: Role::Member.code(),
                    org_id: Some(branch),
                    valid_from: today,
                    valid_to: None,
                },
            )
            .await?;
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("account.create", "account", id).detail(serde_json::json!({
                "login": login,
                "member_id": new.member,
                "org_id": org,
                "one_time_password": one_time.is_some(),
            })),
        )
        .await?;
        let account = account_view(&mut tx, id, today).await?;
        tx.commit().await?;
        Ok(CreatedAccount {
            account,
            one_time_password: one_time,
        })
    }

    /// The account with this login, if the actor may see it (their own, or managed in scope).
    pub async fn account(&self, actor: &Actor, login: &str) -> Result<AccountView> {
        let id = self.account_id(login).await?;
        self.authorize(actor, Action::Read, Scope::Account(id))
            .await?;
        let mut tx = self.store().read().await?;
        account_view(&mut tx, id, self.today()).await
    }

    /// The signed-in actor's own account.
    pub async fn my_account(&self, actor: &Actor) -> Result<AccountView> {
        let id = actor.account.ok_or_else(|| {
            AppError::new(
                ErrorCode::Unauthenticated,
                "Chưa đăng nhập bằng tài khoản: không có thông tin tài khoản",
            )
        })?;
        let mut tx = self.store().read().await?;
        account_view(&mut tx, id, self.today()).await
    }

    /// The accounts managed within an organisation's subtree (its board or an administrator
    /// asks); without `org`, every account for an administrator, and the subtree of the board's
    /// own node for a board.
    pub async fn accounts(&self, actor: &Actor, org: Option<Uuid>) -> Result<Vec<AccountView>> {
        let today = self.today();
        let org = match org {
            Some(org) => Some(org),
            None if actor.is_trusted() || has_role(actor, Role::Admin, today) => None,
            None => Some(
                actor
                    .grants()
                    .iter()
                    .find(|g| g.role == Role::Board && g.active_on(today))
                    .and_then(|g| g.org)
                    .ok_or_else(|| {
                        AppError::new(
                            ErrorCode::Forbidden,
                            format!(
                                "Tài khoản «{}» không có quyền {} trên hệ thống",
                                actor.user,
                                Action::ManageAccounts.name_vi()
                            ),
                        )
                    })?,
            ),
        };
        self.authorize(
            actor,
            Action::ManageAccounts,
            org.map_or(Scope::Global, Scope::Org),
        )
        .await?;
        let mut tx = self.store().read().await?;
        let rows = match org {
            Some(org) => tx.accounts_within(org, today).await?,
            None => tx.accounts().await?,
        };
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(account_view(&mut tx, row.id, today).await?);
        }
        Ok(out)
    }

    /// Grants a role on a node. The administrator's role only an administrator grants; a board
    /// grants the other roles on nodes of its subtree.
    pub async fn grant_role(
        &self,
        actor: &Actor,
        login: &str,
        grant: RoleGrant,
    ) -> Result<GrantView> {
        let id = self.account_id(login).await?;
        let today = self.today();
        match (grant.role.needs_node(), grant.org) {
            (true, None) => {
                return Err(AppError::invalid(
                    "org",
                    format!(
                        "Vai trò «{}» phải gắn với một tổ chức đảng",
                        grant.role.name_vi()
                    ),
                ));
            }
            (false, Some(_)) => {
                return Err(AppError::invalid(
                    "org",
                    "Vai trò quản trị hệ thống không gắn với tổ chức nào",
                ));
            }
            _ => {}
        }
        let valid_from = grant.valid_from.unwrap_or(today);
        if grant.valid_to.is_some_and(|to| to <= valid_from) {
            return Err(AppError::invalid(
                "valid_to",
                "Ngày hết hiệu lực phải sau ngày bắt đầu",
            ));
        }
        if let Some(org) = grant.org {
            let mut tx = self.store().read().await?;
            if tx.org_name(org, valid_from).await?.is_none() {
                return Err(AppError::not_found("tổ chức", org).with_field("org"));
            }
        }
        let who = self
            .authorize(
                actor,
                Action::ManageAccounts,
                grant.org.map_or(Scope::Global, Scope::Org),
            )
            .await?;
        if grant.role == Role::Member {
            let mut tx = self.store().read().await?;
            let account = tx
                .account(id)
                .await?
                .ok_or_else(|| AppError::not_found("tài khoản", login))?;
            if account.member_id.is_none() {
                return Err(AppError::invalid(
                    "role",
                    "Chỉ tài khoản gắn với hồ sơ đảng viên mới nhận vai trò đảng viên",
                ));
            }
        }
        let mut tx = self.begin(&who).await?;
        let grant_id = tx
            .add_grant(
                id,
                &NewGrant {
                    role: grant.role.code(),
                    org_id: grant.org,
                    valid_from,
                    valid_to: grant.valid_to,
                },
            )
            .await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("role.grant", "account", id).detail(serde_json::json!({
                "grant_id": grant_id,
                "role": grant.role.code(),
                "org_id": grant.org,
                "valid_from": valid_from,
                "valid_to": grant.valid_to,
            })),
        )
        .await?;
        let row = tx
            .grant(grant_id)
            .await?
            .ok_or_else(|| AppError::internal("vai trò vừa cấp không đọc lại được"))?;
        let view = grant_view(&mut tx, row, today).await?;
        tx.commit().await?;
        self.recent_sessions().forget_all();
        Ok(view)
    }

    /// Revokes a role; the grant stays in the account's history with who revoked it.
    pub async fn revoke_grant(
        &self,
        actor: &Actor,
        grant: Uuid,
        reason: Option<&str>,
    ) -> Result<GrantView> {
        let row = {
            let mut tx = self.store().read().await?;
            tx.grant(grant)
                .await?
                .ok_or_else(|| AppError::not_found("vai trò đã cấp", grant))?
        };
        let who = self
            .authorize(
                actor,
                Action::ManageAccounts,
                row.org_id.map_or(Scope::Global, Scope::Org),
            )
            .await?;
        let mut tx = self.begin(&who).await?;
        if !tx.revoke_grant(grant).await? {
            return Err(AppError::conflict("Vai trò này đã bị thu hồi trước đó"));
        }
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("role.revoke", "account", row.account_id)
                .reason(reason.map(str::trim).filter(|r| !r.is_empty()))
                .detail(serde_json::json!({
                    "grant_id": grant,
                    "role": row.role,
                    "org_id": row.org_id,
                })),
        )
        .await?;
        let row = tx
            .grant(grant)
            .await?
            .ok_or_else(|| AppError::internal("vai trò vừa thu hồi không đọc lại được"))?;
        let view = grant_view(&mut tx, row, self.today()).await?;
        tx.commit().await?;
        self.recent_sessions().forget_all();
        Ok(view)
    }

    /// Gives the account a new one-time password (returned once) and ends its sessions.
    pub async fn reset_password(&self, actor: &Actor, login: &str) -> Result<String> {
        let id = self.account_id(login).await?;
        let who = self.authorize_manage(actor, id).await?;
        let password = secret::one_time_password();
        let hash = hash_password(password.clone(), self.security.password_cost).await?;
        let mut tx = self.begin(&who).await?;
        tx.set_account_password(id, &hash, true).await?;
        let ended = tx.revoke_sessions_of(id, None).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("account.password_reset", "account", id)
                .detail(serde_json::json!({ "sessions_ended": ended })),
        )
        .await?;
        tx.commit().await?;
        self.recent_sessions().forget_all();
        Ok(password)
    }

    /// Disables (or enables again) an account; disabling ends its sessions at once. Its API
    /// tokens stop working while it is disabled.
    pub async fn set_account_disabled(
        &self,
        actor: &Actor,
        login: &str,
        disabled: bool,
        reason: Option<&str>,
    ) -> Result<AccountView> {
        let id = self.account_id(login).await?;
        let who = self.authorize_manage(actor, id).await?;
        if disabled && actor.account == Some(id) {
            return Err(AppError::invalid(
                "disabled",
                "Không thể tự khóa tài khoản đang dùng",
            ));
        }
        let mut tx = self.begin(&who).await?;
        tx.set_account_disabled(id, disabled).await?;
        let ended = if disabled {
            tx.revoke_sessions_of(id, None).await?
        } else {
            0
        };
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new(
                if disabled {
                    "account.disable"
                } else {
                    "account.enable"
                },
                "account",
                id,
            )
            .reason(reason.map(str::trim).filter(|r| !r.is_empty()))
            .detail(serde_json::json!({ "sessions_ended": ended })),
        )
        .await?;
        let view = account_view(&mut tx, id, self.today()).await?;
        tx.commit().await?;
        self.recent_sessions().forget_all();
        Ok(view)
    }

    /// The signed-in actor changes their own password (the current one is asked again); every
    /// other session of the account ends.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new_password: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        let id = actor.account.ok_or_else(|| {
            AppError::new(
                ErrorCode::Unauthenticated,
                "Chỉ tài khoản đã đăng nhập mới đổi được mật khẩu",
            )
        })?;
        check_password_policy(new_password, &actor.user, "new_password")?;
        if current == new_password {
            return Err(AppError::invalid(
                "new_password",
                "Mật khẩu mới phải khác mật khẩu hiện tại",
            ));
        }
        let stored = {
            let mut tx = self.store().read().await?;
            tx.account_password_hash(id).await?
        };
        let cost = self.security.password_cost;
        if !secret::verify_password(current.to_string(), stored, cost).await {
            return Err(AppError::invalid(
                "current_password",
                "Mật khẩu hiện tại không đúng",
            ));
        }
        let hash = hash_password(new_password.to_string(), cost).await?;
        let who = Authorized::itself(actor.clone(), Action::ManageAccounts, Scope::Account(id));
        let mut tx = self.begin(&who).await?;
        tx.set_account_password(id, &hash, false).await?;
        // Every other session ends; the one the change was made from goes on.
        let keep = keep_session.map(secret::digest);
        tx.revoke_sessions_of(id, keep.as_deref()).await?;
        audit::append(
            &mut tx,
            &who,
            AuditEvent::new("account.password_change", "account", id),
        )
        .await?;
        tx.commit().await?;
        self.recent_sessions().forget_all();
        Ok(())
    }

    /// First run: on a database without any account, creates the administrator `quantri` with a
    /// one-time password and returns (login, password) once; `None` when accounts exist.
    pub async fn bootstrap_admin(&self) -> Result<Option<(String, String)>> {
        {
            let mut tx = self.store().read().await?;
            if tx.account_count().await? > 0 {
                return Ok(None);
            }
        }
        let system = Actor::system("first-run");
        let created = self
            .create_account(
                &system,
                NewAccount {
                    login: FIRST_ADMIN_LOGIN.to_string(),
                    display_name: "Quản trị hệ thống".to_string(),
                    ..NewAccount::default()
                },
            )
            .await?;
        self.grant_role(
            &system,
            FIRST_ADMIN_LOGIN,
            RoleGrant {
                role: Role::Admin,
                org: None,
                valid_from: None,
                valid_to: None,
            },
        )
        .await?;
        Ok(created
            .one_time_password
            .map(|password| (FIRST_ADMIN_LOGIN.to_string(), password)))
    }

    /// The acting account of `login` with its roles, as if it had signed in (for in-process
    /// callers: the command line acting on someone's behalf, tests).
    pub async fn actor_of(&self, login: &str) -> Result<Actor> {
        let id = self.account_id(login).await?;
        let mut tx = self.store().read().await?;
        let row = tx
            .account(id)
            .await?
            .ok_or_else(|| AppError::not_found("tài khoản", login))?;
        actor_of_row(&mut tx, &row).await
    }

    /// Allows `actor` to manage the account `id` (reset its password, disable it, handle its
    /// tokens): where the account is managed, and over every role it holds — so no board can
    /// take over an account with powers beyond its own subtree, and only an administrator
    /// manages an administrator.
    pub(crate) async fn authorize_manage(&self, actor: &Actor, id: Uuid) -> Result<Authorized> {
        let who = self
            .authorize(actor, Action::ManageAccounts, Scope::Account(id))
            .await?;
        let today = self.today();
        let grants = {
            let mut tx = self.store().read().await?;
            tx.grants_of(id).await?
        };
        for grant in grants
            .iter()
            .filter(|g| g.revoked_at.is_none() && g.valid_to.is_none_or(|to| to > today))
        {
            let scope = grant.org_id.map_or(Scope::Global, Scope::Org);
            self.authorize(actor, Action::ManageAccounts, scope).await?;
        }
        Ok(who)
    }

    pub(crate) async fn account_id(&self, login: &str) -> Result<Uuid> {
        let login = normalize_login(login).map_err(|_| AppError::not_found("tài khoản", login))?;
        let mut tx = self.store().read().await?;
        tx.account_by_login(&login)
            .await?
            .map(|row| row.id)
            .ok_or_else(|| AppError::not_found("tài khoản", login))
    }
}

/// The actor a stored account acts as: its login, member, and the roles not revoked.
pub(crate) async fn actor_of_row(tx: &mut Tx, row: &AccountRow) -> Result<Actor> {
    let grants = tx
        .grants_of(row.id)
        .await?
        .into_iter()
        .filter(|g| g.revoked_at.is_none())
        .filter_map(|g| {
            Role::parse(&g.role).map(|role| Grant {
                id: g.id,
                role,
                org: g.org_id,
                valid_from: g.valid_from,
                valid_to: g.valid_to,
            })
        })
        .collect();
    Ok(Actor::signed_in(
        &row.login,
        row.id,
        row.member_id,
        grants,
        row.must_change_password,
    ))
}

fn has_role(actor: &Actor, role: Role, on: Date) -> bool {
    actor
        .grants()
        .iter()
        .any(|g| g.role == role && g.active_on(on))
}

async fn account_view(tx: &mut Tx, id: Uuid, today: Date) -> Result<AccountView> {
    let row = tx
        .account(id)
        .await?
        .ok_or_else(|| AppError::not_found("tài khoản", id))?;
    let mut grants = Vec::new();
    for grant in tx.grants_of(id).await? {
        grants.push(grant_view(tx, grant, today).await?);
    }
    let member_code = match row.member_id {
        Some(member) => tx.member_code(member).await?,
        None => None,
    };
    let org_code = match row.org_id {
        Some(org) => tx.org_code(org).await?,
        None => None,
    };
    Ok(AccountView {
        id: row.id,
        login: row.login,
        display_name: row.display_name,
        member_id: row.member_id,
        member_code,
        org_id: row.org_id,
        org_code,
        disabled: row.disabled,
        must_change_password: row.must_change_password,
        grants,
        created_by: row.created_by,
        created_at: row.created_at,
    })
}

async fn grant_view(tx: &mut Tx, row: GrantRow, today: Date) -> Result<GrantView> {
    let role = Role::parse(&row.role)
        .ok_or_else(|| AppError::internal(format!("vai trò không rõ «{}»", row.role)))?;
    let (org_code, org_name) = match row.org_id {
        Some(org) => (
            tx.org_code(org).await?,
            tx.org_name(
                org,
                row.valid_from.max(today.min(row.valid_to.unwrap_or(today))),
            )
            .await?,
        ),
        None => (None, None),
    };
    Ok(GrantView {
        id: row.id,
        role,
        role_name: role.name_vi(),
        org_id: row.org_id,
        org_code,
        org_name,
        valid_from: row.valid_from,
        valid_to: row.valid_to,
        granted_by: row.granted_by,
        granted_at: row.granted_at,
        revoked_by: row.revoked_by,
        revoked_at: row.revoked_at,
    })
}
