//! `/tai-khoan`: the accounts an administrator (all) or a board (its subtree) manages — create
//! one (a one-time password shown once), grant and revoke roles on organisations, hand over a
//! new one-time password, disable or enable. Who may do which is the app's (`App::accounts`,
//! `App::grant_role` …); refusals come back as pages.

use super::field;
use super::format::day;
use super::session::Viewer;
use super::{chrome, error_page, html, html_status, tr, with_flash};
use crate::ApiState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kiemdiem_app::accounts::{NewAccount, RoleGrant};
use kiemdiem_app::{AppError, ErrorKind, Role};
use kiemdiem_pages::{AccountRow, AccountsPage, Choice, Link, tk};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/tai-khoan", get(accounts_page).post(create))
        .route("/tai-khoan/{login}/quyen", post(grant))
        .route("/tai-khoan/{login}/mat-khau", post(reset))
        .route("/tai-khoan/{login}/khoa", post(disable))
        .route("/tai-khoan/quyen/{grant}/thu-hoi", post(revoke))
}

#[derive(Debug, Default, Deserialize)]
pub struct ScopeQuery {
    #[serde(rename = "to-chuc")]
    org: Option<String>,
    #[serde(rename = "da-cap-nhat")]
    done: Option<String>,
}

/// The roles offered: an administrator's role only to administrators (the app refuses the rest
/// of what a board may not hand out, with its reason).
fn roles(viewer: &Viewer) -> Vec<Choice> {
    let admin =
        viewer.actor.is_trusted() || viewer.actor.grants().iter().any(|g| g.role == Role::Admin);
    Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Member && (admin || *r != Role::Admin))
        .map(|r| Choice {
            code: r.code().to_string(),
            name: r.name_vi().to_string(),
        })
        .collect()
}

async fn build(
    state: &ApiState,
    viewer: &Viewer,
    code: Option<&str>,
    typed: (String, String, String, String, String),
) -> Result<AccountsPage, AppError> {
    let tr = tr();
    let app = state.app();
    let (org, scope) = match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => {
            let org = app.find_org(&viewer.actor, code, None).await?;
            (Some(org.id), org.name)
        }
        None => (None, String::new()),
    };
    let accounts = app.accounts(&viewer.actor, org).await?;
    let rows = accounts
        .iter()
        .map(|a| AccountRow {
            login: a.login.clone(),
            name: a.display_name.clone(),
            member: a.member_code.clone().unwrap_or_default(),
            disabled: a.disabled,
            must_change: a.must_change_password,
            grants: a
                .grants
                .iter()
                .filter(|g| g.revoked_at.is_none())
                .map(|g| Link {
                    href: g.id.to_string(),
                    label: match &g.org_name {
                        Some(place) => format!("{} — {place}", g.role_name),
                        None => g.role_name.to_string(),
                    },
                    note: tr.fill(tk("accounts.since"), &[("day", &day(g.valid_from))]),
                })
                .collect(),
        })
        .collect();
    Ok(AccountsPage {
        c: chrome(Some(viewer), tr.t(tk("accounts.title")), "/tai-khoan"),
        scope,
        accounts: rows,
        roles: roles(viewer),
        typed,
        secret: None,
        error: String::new(),
    })
}

async fn accounts_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Query(query): Query<ScopeQuery>,
) -> Response {
    match build(&state, &viewer, query.org.as_deref(), Default::default()).await {
        Ok(mut page) => {
            if query.done.is_some() {
                page.c = with_flash(page.c, "ok", tr().t(tk("accounts.done")));
            }
            html(&page)
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

/// The page again with a message: a secret to hand over, or a refusal.
async fn again(
    state: &ApiState,
    viewer: &Viewer,
    secret: Option<String>,
    error: Option<&AppError>,
    typed: (String, String, String, String, String),
) -> Response {
    match build(state, viewer, None, typed).await {
        Ok(mut page) => {
            page.secret = secret;
            let status = match error {
                Some(error) => {
                    page.error = error.message().to_string();
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                None => StatusCode::OK,
            };
            html_status(status, &page)
        }
        Err(error) => error_page(Some(viewer), &error),
    }
}

fn refused_in_place(error: &AppError) -> bool {
    matches!(
        error.kind(),
        ErrorKind::BadInput | ErrorKind::Refused | ErrorKind::Conflict | ErrorKind::NotFound
    )
}

async fn create(State(state): State<ApiState>, viewer: Viewer, fields: super::Fields) -> Response {
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let tr = tr();
    let app = state.app();
    let typed = (
        field(&fields, "login"),
        field(&fields, "display_name"),
        field(&fields, "member"),
        field(&fields, "org"),
        field(&fields, "at"),
    );
    let result = async {
        let member = match typed.2.as_str() {
            "" => None,
            code => Some(app.member_id(&viewer.actor, code, "member").await?),
        };
        // The account belongs where it is said to, else where its role is, else where the
        // board creating it works (a board manages accounts in its own subtree only).
        let org = match (typed.3.as_str(), typed.4.as_str()) {
            ("", "") => viewer
                .actor
                .grants()
                .iter()
                .find(|g| g.role == Role::Board)
                .and_then(|g| g.org),
            ("", code) => Some(app.org_id(&viewer.actor, code, None, "at").await?),
            (code, _) => Some(app.org_id(&viewer.actor, code, None, "org").await?),
        };
        let created = app
            .create_account(
                &viewer.actor,
                NewAccount {
                    login: typed.0.clone(),
                    display_name: typed.1.clone(),
                    member,
                    org,
                    password: None,
                },
            )
            .await?;
        if let Some(role) = Role::parse(&field(&fields, "role")) {
            let at = match typed.4.as_str() {
                "" => None,
                code => Some(app.org_id(&viewer.actor, code, None, "at").await?),
            };
            app.grant_role(
                &viewer.actor,
                &created.account.login,
                RoleGrant {
                    role,
                    org: at,
                    valid_from: None,
                    valid_to: None,
                },
            )
            .await?;
        }
        Ok::<_, AppError>(created)
    }
    .await;
    match result {
        Ok(created) => {
            let secret = created.one_time_password.map(|password| {
                tr.fill(
                    tk("accounts.created"),
                    &[("login", &created.account.login), ("password", &password)],
                )
            });
            again(&state, &viewer, secret, None, Default::default()).await
        }
        Err(error) if refused_in_place(&error) => {
            again(&state, &viewer, None, Some(&error), typed).await
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn grant(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(login): Path<String>,
    fields: super::Fields,
) -> Response {
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let app = state.app();
    let result = async {
        let role = Role::parse(&field(&fields, "role"))
            .ok_or_else(|| AppError::invalid("role", tr().t("accounts.no_role")))?;
        let at = match field(&fields, "at").as_str() {
            "" => None,
            code => Some(app.org_id(&viewer.actor, code, None, "at").await?),
        };
        app.grant_role(
            &viewer.actor,
            &login,
            RoleGrant {
                role,
                org: at,
                valid_from: None,
                valid_to: None,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Redirect::to("/tai-khoan?da-cap-nhat=1").into_response(),
        Err(error) if refused_in_place(&error) => {
            again(&state, &viewer, None, Some(&error), Default::default()).await
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn revoke(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(grant): Path<String>,
    fields: super::Fields,
) -> Response {
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let Ok(grant) = Uuid::parse_str(&grant) else {
        return super::not_found_page();
    };
    match state.app().revoke_grant(&viewer.actor, grant, None).await {
        Ok(_) => Redirect::to("/tai-khoan?da-cap-nhat=1").into_response(),
        Err(error) if refused_in_place(&error) => {
            again(&state, &viewer, None, Some(&error), Default::default()).await
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn reset(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(login): Path<String>,
    fields: super::Fields,
) -> Response {
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    match state.app().reset_password(&viewer.actor, &login).await {
        Ok(password) => {
            let secret = tr().fill(
                tk("accounts.reset_done"),
                &[("login", &login), ("password", &password)],
            );
            again(&state, &viewer, Some(secret), None, Default::default()).await
        }
        Err(error) if refused_in_place(&error) => {
            again(&state, &viewer, None, Some(&error), Default::default()).await
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn disable(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(login): Path<String>,
    fields: super::Fields,
) -> Response {
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let disabled = field(&fields, "disabled") == "1";
    match state
        .app()
        .set_account_disabled(&viewer.actor, &login, disabled, None)
        .await
    {
        Ok(_) => Redirect::to("/tai-khoan?da-cap-nhat=1").into_response(),
        Err(error) if refused_in_place(&error) => {
            again(&state, &viewer, None, Some(&error), Default::default()).await
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}
