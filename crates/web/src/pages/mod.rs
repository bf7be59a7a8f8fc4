//! The web pages: server-rendered HTML (templates in `kiemdiem-pages`), htmx for partial
//! updates, every form working without JavaScript. Each handler reads the [`Viewer`], calls the
//! app's use cases — the same ones as the JSON API, so no rule, query or scope check is written
//! again here — and fills a page struct with values formatted the Vietnamese way.
//!
//! Refusals become pages in Vietnamese naming the rule and its source; a refused form is shown
//! again with what was typed and the error next to its field.

mod accounts;
mod assets;
mod ballot;
pub(crate) mod chart;
mod format;
mod framework;
mod home;
mod meeting;
mod org;
mod plan;
mod records;
pub mod session;
mod sign_in;
pub mod subject;

pub use assets::{CSS_PATH, JS_PATH};
pub use session::Viewer;

use crate::ApiState;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kiemdiem_app::{AppError, ErrorKind, Role};
use kiemdiem_pages::{Chrome, ErrorPage, Flash, NavLink, Tr, UserBar, tk};

/// The routes of the pages and their static files.
pub fn routes() -> Router<ApiState> {
    Router::new()
        .merge(assets::routes())
        .merge(sign_in::routes())
        .merge(home::routes())
        .merge(subject::routes())
        .merge(ballot::routes())
        .merge(org::routes())
        .merge(meeting::routes())
        .merge(plan::routes())
        .merge(framework::routes())
        .merge(records::routes())
        .merge(accounts::routes())
}

/// The Vietnamese catalogue.
pub fn tr() -> &'static Tr {
    Tr::vi()
}

/// The frame of a page for `viewer` (or for nobody, on the sign-in page).
pub fn chrome(viewer: Option<&Viewer>, title: &str, current: &str) -> Chrome {
    let tr = tr();
    let (user, nav, csrf) = match viewer {
        None => (None, Vec::new(), String::new()),
        Some(viewer) => {
            let mut roles: Vec<&str> = viewer
                .actor
                .grants()
                .iter()
                .map(|g| g.role.name_vi())
                .collect();
            roles.dedup();
            let user = UserBar {
                display_name: viewer.display_name.clone(),
                roles: roles.join(", "),
            };
            (Some(user), menu(viewer, current), viewer.csrf.clone())
        }
    };
    Chrome {
        tr,
        title: title.to_string(),
        user,
        csrf,
        nav,
        flash: None,
        css: assets::css_url(),
        js: assets::js_url(),
    }
}

fn menu(viewer: &Viewer, current: &str) -> Vec<NavLink> {
    let tr = tr();
    let has = |roles: &[Role]| {
        viewer
            .actor
            .grants()
            .iter()
            .any(|g| roles.contains(&g.role))
    };
    let mut links = vec![("/", tk("nav.home"))];
    if has(&[
        Role::Admin,
        Role::Board,
        Role::Committee,
        Role::BranchSecretary,
        Role::BranchCommittee,
        Role::ParticipatingBody,
        Role::Inspection,
    ]) {
        links.push(("/to-chuc", tk("nav.records")));
    }
    if has(&[Role::Admin, Role::Inspection]) {
        links.push(("/nhat-ky", tk("nav.audit")));
    }
    if has(&[Role::Admin]) {
        links.push(("/nhap", tk("nav.import")));
    }
    if has(&[Role::Admin, Role::Board]) {
        links.push(("/tai-khoan", tk("nav.accounts")));
    }
    links
        .into_iter()
        .map(|(href, key)| NavLink {
            href: href.to_string(),
            label: tr.t(key).to_string(),
            current: href == current,
        })
        .collect()
}

/// A chrome with a one-time message.
pub fn with_flash(mut chrome: Chrome, kind: &'static str, text: impl Into<String>) -> Chrome {
    chrome.flash = Some(Flash {
        kind,
        text: text.into(),
    });
    chrome
}

/// Renders a page as `200 text/html`.
pub fn html<T: kiemdiem_pages::Template>(page: &T) -> Response {
    html_status(StatusCode::OK, page)
}

/// Renders a page with a status.
pub fn html_status<T: kiemdiem_pages::Template>(status: StatusCode, page: &T) -> Response {
    match kiemdiem_pages::render(page) {
        Ok(body) => (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response(),
        Err(error) => {
            let error = std::io::Error::other(format!("template: {error}"));
            crate::ApiError::internal(&error).into_response()
        }
    }
}

/// An error of the app as a page: a refusal names its rule and source.
pub fn error_page(viewer: Option<&Viewer>, error: &AppError) -> Response {
    let tr = tr();
    let (status, heading) = match error.kind() {
        ErrorKind::Forbidden => (StatusCode::FORBIDDEN, tk("error.forbidden")),
        ErrorKind::NotFound => (StatusCode::NOT_FOUND, tk("error.not_found")),
        ErrorKind::Conflict => (StatusCode::CONFLICT, tk("error.conflict")),
        ErrorKind::BadInput | ErrorKind::Refused => {
            (StatusCode::UNPROCESSABLE_ENTITY, tk("error.refused"))
        }
        ErrorKind::Unauthenticated => (StatusCode::UNAUTHORIZED, tk("sign_in.expired")),
        ErrorKind::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, tk("error.refused")),
        ErrorKind::Unavailable | ErrorKind::Internal => {
            (StatusCode::INTERNAL_SERVER_ERROR, tk("error.internal"))
        }
    };
    let (message, reference) = if matches!(error.kind(), ErrorKind::Internal) {
        let api = crate::ApiError::internal(error);
        (
            api.message().to_string(),
            api.reference().map(str::to_string),
        )
    } else {
        (error.message().to_string(), None)
    };
    let page = ErrorPage {
        c: chrome(viewer, tr.t(heading), ""),
        heading: tr.t(heading).to_string(),
        message,
        rules: error.citations().iter().map(|c| c.source.clone()).collect(),
        reference,
    };
    html_status(status, &page)
}

/// A refusal of the page layer itself (a stale form, another site), by catalogue key.
pub fn refusal_response(status: StatusCode, key: &str) -> Response {
    let tr = tr();
    let page = ErrorPage {
        c: chrome(None, tr.t(tk("error.refused")), ""),
        heading: tr.t(tk("error.refused")).to_string(),
        message: tr.t(key).to_string(),
        rules: Vec::new(),
        reference: None,
    };
    html_status(status, &page)
}

/// The page for an address that is no page.
pub fn not_found_page() -> Response {
    refusal_response(StatusCode::NOT_FOUND, tk("error.page_not_found"))
}

/// A submitted form's fields in order, every value normalised to NFC (Vietnamese typed in
/// decomposed form compares equal to what is stored).
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for Fields {
    type Rejection = Response;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        use unicode_normalization::UnicodeNormalization;
        let axum::extract::Form(fields) =
            axum::extract::Form::<Vec<(String, String)>>::from_request(request, state)
                .await
                .map_err(|_| refusal_response(StatusCode::BAD_REQUEST, tk("error.bad_form")))?;
        Ok(Fields(
            fields
                .into_iter()
                .map(|(k, v)| (k, v.nfc().collect()))
                .collect(),
        ))
    }
}

impl std::ops::Deref for Fields {
    type Target = Vec<(String, String)>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// The value of a form field, trimmed (empty when absent).
pub(crate) fn field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

/// The sources of the rules an error cites, as the pages list them under it.
pub(crate) fn sources(error: &kiemdiem_app::AppError) -> Vec<String> {
    error.citations().iter().map(|c| c.source.clone()).collect()
}

/// The refusal of a form sent without its session's CSRF token (the `_csrf` field, else the
/// header htmx sends), or `None` when the token is right.
pub(crate) fn csrf_refusal(
    viewer: &session::Viewer,
    fields: &[(String, String)],
) -> Option<Response> {
    let sent = fields
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str());
    (!viewer.csrf_ok(sent)).then(|| refusal_response(StatusCode::FORBIDDEN, tk("error.csrf")))
}

/// Whether a refused step is shown on the page it came from, next to the form (bad input, a
/// rule's refusal, a stale version), rather than on the error page.
pub(crate) fn on_the_form(error: &AppError) -> bool {
    matches!(
        error.kind(),
        ErrorKind::BadInput | ErrorKind::Refused | ErrorKind::Conflict
    )
}
