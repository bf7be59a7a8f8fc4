//! Signing in and out, and changing one's password, as pages. The rules (throttling, the
//! password policy, one-time passwords) are the app's; here the session secret becomes the
//! `HttpOnly` cookie and a failed attempt shows the form again with the login kept.

use super::session::{Viewer, safe_next};
use super::{chrome, error_page, html, html_status, tr, with_flash};
use crate::ApiState;
use crate::actor::{check_same_site, session_cookie};
use crate::api::accounts::{expired_cookie, session_cookie_header};
use crate::limits::client_address;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kiemdiem_app::ErrorKind;
use kiemdiem_pages::{DemoAccountRow, PasswordPage, SignInPage, tk};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/dang-nhap", get(sign_in_page).post(sign_in))
        .route("/dang-xuat", post(sign_out))
        .route("/mat-khau", get(password_page).post(change_password))
}

#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    tiep: Option<String>,
    #[serde(rename = "da-dang-xuat")]
    signed_out: Option<String>,
}

fn sign_in_form(state: &ApiState, login: &str, next: &str, error: Option<String>) -> SignInPage {
    let tr = tr();
    let (demo, demo_password) = match &state.config().demo {
        Some(listing) => (
            listing
                .accounts
                .iter()
                .map(|(login, role, place, member)| DemoAccountRow {
                    login: login.clone(),
                    role: role.clone(),
                    place: place.clone(),
                    member: member.clone(),
                })
                .collect(),
            listing.password.clone(),
        ),
        None => (Vec::new(), String::new()),
    };
    SignInPage {
        c: chrome(None, tr.t(tk("sign_in.title")), ""),
        login: login.to_string(),
        next: safe_next(next),
        error,
        demo,
        demo_password,
    }
}

async fn sign_in_page(State(state): State<ApiState>, Query(query): Query<SignInQuery>) -> Response {
    let mut page = sign_in_form(&state, "", query.tiep.as_deref().unwrap_or("/"), None);
    if query.signed_out.is_some() {
        page.c = with_flash(page.c, "ok", tr().t(tk("sign_in.signed_out")));
    }
    html(&page)
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    login: String,
    password: String,
    tiep: Option<String>,
}

async fn sign_in(
    State(state): State<ApiState>,
    parts: Parts,
    Form(form): Form<SignInForm>,
) -> Response {
    let next = safe_next(form.tiep.as_deref().unwrap_or("/"));
    if let Err(error) = check_same_site(&parts.headers) {
        return error.into_response();
    }
    let client = client_address(&parts.extensions);
    if let Err(error) = state.limiters().sign_in(&client) {
        let page = sign_in_form(
            &state,
            &form.login,
            &next,
            Some(error.message().to_string()),
        );
        return html_status(StatusCode::TOO_MANY_REQUESTS, &page);
    }
    match state
        .app()
        .sign_in(&form.login, &form.password, &client)
        .await
    {
        Ok(signed_in) => {
            let cookie = match session_cookie_header(&state, &signed_in) {
                Ok(cookie) => cookie,
                Err(error) => return error.into_response(),
            };
            let target = if signed_in.actor.must_change_password() {
                "/mat-khau".to_string()
            } else {
                next
            };
            let mut response = Redirect::to(&target).into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookie);
            response
        }
        Err(error) => {
            let status = match error.kind() {
                ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
                ErrorKind::Forbidden => StatusCode::FORBIDDEN,
                ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
                _ => return error_page(None, &error),
            };
            let page = sign_in_form(
                &state,
                &form.login,
                &next,
                Some(error.message().to_string()),
            );
            html_status(status, &page)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

async fn sign_out(
    State(state): State<ApiState>,
    headers: HeaderMap,
    viewer: Result<Viewer, super::session::NoViewer>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Ok(viewer) = &viewer {
        if !viewer.csrf_ok(form.csrf.as_deref()) {
            return super::refusal_response(StatusCode::FORBIDDEN, tk("error.csrf"));
        }
        if let Some(token) = session_cookie(&headers)
            && let Err(error) = state.app().sign_out(&viewer.actor, &token).await
        {
            return error_page(Some(viewer), &error);
        }
    }
    let mut response = Redirect::to("/dang-nhap?da-dang-xuat=1").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, expired_cookie(&state));
    response
}

fn password_form(viewer: &Viewer, field: &str, error: &str) -> PasswordPage {
    PasswordPage {
        c: chrome(Some(viewer), tr().t(tk("password.title")), "/mat-khau"),
        must_change: viewer.actor.must_change_password(),
        field: field.to_string(),
        error: error.to_string(),
    }
}

async fn password_page(viewer: Viewer) -> Response {
    html(&password_form(&viewer, "", ""))
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<ApiState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    if !viewer.csrf_ok(form.csrf.as_deref()) {
        return super::refusal_response(StatusCode::FORBIDDEN, tk("error.csrf"));
    }
    let keep = session_cookie(&headers);
    match state
        .app()
        .change_password(
            &viewer.actor,
            &form.current_password.nfc().collect::<String>(),
            &form.new_password.nfc().collect::<String>(),
            keep.as_deref(),
        )
        .await
    {
        Ok(()) => Redirect::to("/?da-doi-mat-khau=1").into_response(),
        Err(error) if error.kind() == ErrorKind::BadInput => {
            let page = password_form(&viewer, error.field().unwrap_or(""), error.message());
            html_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}
