//! `kiemdiem user …`: accounts from the command line — add, list, grant and revoke roles, reset a
//! password, create, list and revoke API tokens. Whoever runs it already holds the database, so
//! it acts as a trusted operator (named by `--by`, recorded in the audit trail); every rule —
//! the password policy, the role's node, one account per member — is the app's.

use crate::cli::store::DatabaseArg;
use clap::{Args, Subcommand};
use kiemdiem_app::accounts::{AccountView, NewAccount, RoleGrant};
use kiemdiem_app::{Actor, App, Role};
use kiemdiem_store::Store;
use std::process::ExitCode;
use uuid::Uuid;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a one-time password unless --password-stdin is given.
    Add(AddArgs),
    /// List the accounts (all, or those managed in an organisation's subtree).
    List(ListArgs),
    /// Grant a role on an organisation's subtree (admin: on the whole installation).
    Grant(GrantArgs),
    /// Revoke a role by its id (shown by `user list`).
    Revoke(RevokeArgs),
    /// Give an account a new one-time password and end its sessions.
    ResetPassword(LoginArgs),
    /// Create, list or revoke API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for an account; prints its secret once.
    Create(TokenCreateArgs),
    /// List an account's tokens (never their secrets).
    List(LoginArgs),
    /// Revoke a token by its id.
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Args)]
pub struct Common {
    #[command(flatten)]
    pub database: DatabaseArg,
    /// Who runs the command: recorded in the audit trail.
    #[arg(long = "by", env = "KIEMDIEM_USER", default_value = "cli")]
    pub by: String,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The login (3–64 characters: unaccented letters, digits, . - _ @).
    pub login: String,
    /// The person's name as shown.
    #[arg(long)]
    pub name: String,
    /// The member's card number: the account votes as that member and gets the member role.
    #[arg(long)]
    pub member: Option<String>,
    /// The organisation (code) whose board manages the account.
    #[arg(long)]
    pub org: Option<String>,
    /// A role to grant at once (admin, board, committee, branch_secretary, branch_committee,
    /// member, participating_body, inspection) …
    #[arg(long)]
    pub role: Option<String>,
    /// … on this organisation (code); not for admin.
    #[arg(long = "at")]
    pub at: Option<String>,
    /// Read the password from the first line of standard input instead of generating one.
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only the accounts managed in this organisation's subtree (code).
    #[arg(long)]
    pub org: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct GrantArgs {
    pub login: String,
    /// admin, board, committee, branch_secretary, branch_committee, member, participating_body,
    /// inspection.
    pub role: String,
    /// The organisation (code) whose subtree the role covers; not for admin.
    #[arg(long = "at")]
    pub at: Option<String>,
    /// First day, dd/mm/yyyy (default: today).
    #[arg(long)]
    pub from: Option<String>,
    /// Day it ends (exclusive), dd/mm/yyyy.
    #[arg(long)]
    pub to: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The grant's id.
    pub grant: Uuid,
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    pub login: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    pub login: String,
    /// What the token is for.
    #[arg(long)]
    pub name: String,
    /// The last day it works, dd/mm/yyyy (default: until revoked).
    #[arg(long)]
    pub expires: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    pub token: Uuid,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(command: UserCommand) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Lỗi: không khởi động được: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("Lỗi: {message}");
            ExitCode::FAILURE
        }
    }
}

fn common(command: &UserCommand) -> &Common {
    match command {
        UserCommand::Add(a) => &a.common,
        UserCommand::List(a) => &a.common,
        UserCommand::Grant(a) => &a.common,
        UserCommand::Revoke(a) => &a.common,
        UserCommand::ResetPassword(a) => &a.common,
        UserCommand::Token(TokenCommand::Create(a)) => &a.common,
        UserCommand::Token(TokenCommand::List(a)) => &a.common,
        UserCommand::Token(TokenCommand::Revoke(a)) => &a.common,
    }
}

async fn execute(command: UserCommand) -> Result<(), String> {
    let common = common(&command);
    let store = Store::open(&common.database.url)
        .await
        .map_err(|e| e.to_string())?;
    let app = common.database.app(&store)?;
    let actor = Actor::trusted(&common.by);
    let result = dispatch(&app, &actor, command).await;
    store.close().await;
    result
}

fn role(text: &str) -> Result<Role, String> {
    Role::parse(text.trim()).ok_or_else(|| {
        format!(
            "vai trò «{text}» không có; chọn một trong: {}",
            Role::ALL.map(Role::code).join(", ")
        )
    })
}

fn day(text: Option<&str>, what: &str) -> Result<Option<time::Date>, String> {
    text.map(|t| {
        kiemdiem_app::parse_date(t)
            .ok_or_else(|| format!("{what} «{t}» không hợp lệ: hãy ghi dd/mm/yyyy"))
    })
    .transpose()
}

async fn org(app: &App, actor: &Actor, code: Option<&str>) -> Result<Option<Uuid>, String> {
    match code {
        Some(code) => app
            .org_id(actor, code, None, "org")
            .await
            .map(Some)
            .map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

async fn dispatch(app: &App, actor: &Actor, command: UserCommand) -> Result<(), String> {
    let fail = |e: kiemdiem_app::AppError| e.to_string();
    match command {
        UserCommand::Add(args) => {
            let member = match &args.member {
                Some(code) => Some(app.member_id(actor, code, "member").await.map_err(fail)?),
                None => None,
            };
            let home = org(app, actor, args.org.as_deref()).await?;
            let password = if args.password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| format!("không đọc được mật khẩu: {e}"))?;
                Some(line.trim_end_matches(['\r', '\n']).to_string())
            } else {
                None
            };
            let created = app
                .create_account(
                    actor,
                    NewAccount {
                        login: args.login.clone(),
                        display_name: args.name,
                        member,
                        org: home,
                        password,
                    },
                )
                .await
                .map_err(fail)?;
            println!("Đã tạo tài khoản «{}».", created.account.login);
            if let Some(role_text) = &args.role {
                let grant = app
                    .grant_role(
                        actor,
                        &created.account.login,
                        RoleGrant {
                            role: role(role_text)?,
                            org: org(app, actor, args.at.as_deref()).await?,
                            valid_from: None,
                            valid_to: None,
                        },
                    )
                    .await
                    .map_err(fail)?;
                println!(
                    "Đã cấp vai trò {}{}.",
                    grant.role_name,
                    grant
                        .org_name
                        .map(|n| format!(" tại {n}"))
                        .unwrap_or_default()
                );
            }
            if let Some(password) = created.one_time_password {
                println!(
                    "Mật khẩu dùng một lần (chỉ hiện lần này, phải đổi khi đăng nhập lần đầu): {password}"
                );
            }
        }
        UserCommand::List(args) => {
            let scope = org(app, actor, args.org.as_deref()).await?;
            let accounts = app.accounts(actor, scope).await.map_err(fail)?;
            if accounts.is_empty() {
                println!("Chưa có tài khoản nào.");
            }
            for account in accounts {
                print_account(&account);
            }
        }
        UserCommand::Grant(args) => {
            let grant = app
                .grant_role(
                    actor,
                    &args.login,
                    RoleGrant {
                        role: role(&args.role)?,
                        org: org(app, actor, args.at.as_deref()).await?,
                        valid_from: day(args.from.as_deref(), "ngày bắt đầu")?,
                        valid_to: day(args.to.as_deref(), "ngày kết thúc")?,
                    },
                )
                .await
                .map_err(fail)?;
            println!(
                "Đã cấp vai trò {}{} cho «{}» (mã {}).",
                grant.role_name,
                grant
                    .org_name
                    .map(|n| format!(" tại {n}"))
                    .unwrap_or_default(),
                args.login,
                grant.id
            );
        }
        UserCommand::Revoke(args) => {
            let grant = app
                .revoke_grant(actor, args.grant, args.reason.as_deref())
                .await
                .map_err(fail)?;
            println!(
                "Đã thu hồi vai trò {}{}.",
                grant.role_name,
                grant
                    .org_name
                    .map(|n| format!(" tại {n}"))
                    .unwrap_or_default()
            );
        }
        UserCommand::ResetPassword(args) => {
            let password = app.reset_password(actor, &args.login).await.map_err(fail)?;
            println!(
                "Mật khẩu dùng một lần của «{}» (chỉ hiện lần này, phải đổi khi đăng nhập): {password}",
                args.login.trim().to_lowercase()
            );
        }
        UserCommand::Token(TokenCommand::Create(args)) => {
            let created = app
                .create_token(
                    actor,
                    Some(&args.login),
                    &args.name,
                    day(args.expires.as_deref(), "ngày hết hạn")?,
                )
                .await
                .map_err(fail)?;
            println!(
                "Khóa truy cập «{}» (mã {}):",
                created.view.name, created.view.id
            );
            println!("{}", created.token);
            eprintln!(
                "Khóa chỉ hiện lần này: hãy lưu lại ngay. Dùng trong tiêu đề «Authorization: Bearer …»."
            );
        }
        UserCommand::Token(TokenCommand::List(args)) => {
            let tokens = app.tokens(actor, Some(&args.login)).await.map_err(fail)?;
            if tokens.is_empty() {
                println!("Tài khoản «{}» chưa có khóa truy cập nào.", args.login);
            }
            for token in tokens {
                let state = match token.revoked_at {
                    Some(_) => "đã thu hồi".to_string(),
                    None => match token.expires_at {
                        Some(at) => format!("hết hạn {}", kiemdiem_app::date_vi(at.date())),
                        None => "đang dùng".to_string(),
                    },
                };
                println!("{}  {}…  {}  ({state})", token.id, token.prefix, token.name);
            }
        }
        UserCommand::Token(TokenCommand::Revoke(args)) => {
            let token = app.revoke_token(actor, args.token).await.map_err(fail)?;
            println!("Đã thu hồi khóa truy cập «{}».", token.name);
        }
    }
    Ok(())
}

fn print_account(account: &AccountView) {
    let mut notes = Vec::new();
    if account.disabled {
        notes.push("đã khóa".to_string());
    }
    if account.must_change_password {
        notes.push("chờ đổi mật khẩu".to_string());
    }
    if let Some(code) = &account.member_code {
        notes.push(format!("đảng viên {code}"));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join(", "))
    };
    println!("{} — {}{notes}", account.login, account.display_name);
    for grant in account.grants.iter().filter(|g| g.revoked_at.is_none()) {
        println!(
            "    {} {}{}  từ {}{}",
            grant.id,
            grant.role_name,
            grant
                .org_name
                .as_ref()
                .map(|n| format!(" tại {n}"))
                .unwrap_or_default(),
            kiemdiem_app::date_vi(grant.valid_from),
            grant
                .valid_to
                .map(|to| format!(" đến {}", kiemdiem_app::date_vi(to)))
                .unwrap_or_default()
        );
    }
}
