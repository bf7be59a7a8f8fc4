//! `/khung?ma={id}`: a criteria framework — shipped or a version a committee made — with its tree
//! of criteria and their points. The committee that made a version changes its points here (each
//! save a new version, checked by the rules crate against the national invariants, each
//! violation shown with its source); a board or committee makes its own framework from any
//! framework (`/khung/phai-sinh?ma={id}`). Framework ids hold slashes (`qd366-hd43/member`),
//! so they travel in the query.

use super::session::Viewer;
use super::subject::{parse_points, points_text};
use super::{chrome, error_page, field, html, html_status, tr, with_flash};
use crate::ApiState;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kiemdiem_app::frameworks::{FrameworkChange, FrameworkView};
use kiemdiem_app::{AppError, Role};
use kiemdiem_pages::{CriterionRow, FrameworkPage, tk};
use kiemdiem_rules::framework::Criterion;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/khung", get(framework_page).post(save))
        .route("/khung/phai-sinh", post(derive))
}

/// The address of a framework's page.
pub fn framework_href(id: &str) -> String {
    let mut out = String::from("/khung?ma=");
    for c in id.chars() {
        match c {
            '%' => out.push_str("%25"),
            '&' => out.push_str("%26"),
            '#' => out.push_str("%23"),
            '+' => out.push_str("%2B"),
            ' ' => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    ma: String,
    #[serde(rename = "da-luu")]
    saved: Option<String>,
    #[serde(rename = "da-tao")]
    derived: Option<String>,
}

/// The organisations where the viewer is a board or committee (where they make frameworks).
fn committee_orgs(viewer: &Viewer) -> Vec<Uuid> {
    viewer
        .actor
        .grants()
        .iter()
        .filter(|g| matches!(g.role, Role::Board | Role::Committee))
        .filter_map(|g| g.org)
        .collect()
}

/// The criteria as rows, depth first; `typed` (criterion id → text) replaces stored points.
fn rows_of(
    criteria: &[Criterion],
    depth: usize,
    typed: &HashMap<String, String>,
) -> Vec<CriterionRow> {
    let mut out = Vec::new();
    for criterion in criteria {
        out.push(CriterionRow {
            id: criterion.id.clone(),
            title: criterion.title.clone(),
            depth,
            group: criterion
                .group
                .map(|g| g.name_vi().to_string())
                .unwrap_or_default(),
            max: match (typed.get(&criterion.id), criterion.max_points) {
                (Some(text), _) => text.clone(),
                (None, Some(points)) => points_text(points.0),
                (None, None) => String::new(),
            },
        });
        out.extend(rows_of(&criterion.children, depth + 1, typed));
    }
    out
}

fn build(
    viewer: &Viewer,
    view: &FrameworkView,
    typed: &HashMap<String, String>,
    error: Option<&AppError>,
) -> FrameworkPage {
    let tr = tr();
    let framework = &view.framework;
    let lineage = match (&view.name, view.version) {
        (Some(name), Some(version)) => tr.fill(
            "framework.lineage_text",
            &[
                ("version", &version.to_string()),
                ("name", name),
                ("base", view.base.as_deref().unwrap_or("")),
            ],
        ),
        _ => String::new(),
    };
    let committees = committee_orgs(viewer);
    FrameworkPage {
        c: chrome(Some(viewer), &framework.title, ""),
        href: framework_href(&view.id),
        derive_href: framework_href(&view.id).replacen("/khung?", "/khung/phai-sinh?", 1),
        title: framework.title.clone(),
        source: framework.source.clone(),
        lineage,
        total: framework
            .max_points
            .map(|p| points_text(p.0))
            .unwrap_or_default(),
        rows: rows_of(&framework.criteria, 0, typed),
        can_edit: view.org.is_some_and(|org| committees.contains(&org)),
        can_derive: !committees.is_empty(),
        derive_name: String::new(),
        error: error.map(|e| e.message().to_string()).unwrap_or_default(),
        rules: error.map(super::sources).unwrap_or_default(),
    }
}

async fn framework_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Query(query): Query<SavedQuery>,
) -> Response {
    match state.app().framework_by_id(&viewer.actor, &query.ma).await {
        Ok(view) => {
            let mut page = build(&viewer, &view, &HashMap::new(), None);
            if query.saved.is_some() {
                page.c = with_flash(page.c, "ok", tr().t(tk("framework.saved")));
            }
            if query.derived.is_some() {
                page.c = with_flash(page.c, "ok", tr().t(tk("framework.derived")));
            }
            html(&page)
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

/// The criteria with the points typed (`max_{criterion}`); a number that is not one is named.
fn with_points(
    criteria: &[Criterion],
    typed: &HashMap<String, String>,
) -> Result<Vec<Criterion>, AppError> {
    criteria
        .iter()
        .map(|criterion| {
            let mut next = criterion.clone();
            if let Some(text) = typed.get(&criterion.id) {
                next.max_points = Some(parse_points(text).ok_or_else(|| {
                    AppError::invalid(
                        format!("max_{}", criterion.id),
                        tr().fill(
                            "framework.bad_points",
                            &[("text", text), ("criterion", &criterion.title)],
                        ),
                    )
                })?);
            }
            next.children = with_points(&criterion.children, typed)?;
            Ok(next)
        })
        .collect()
}

async fn save(
    State(state): State<ApiState>,
    viewer: Viewer,
    Query(query): Query<SavedQuery>,
    fields: super::Fields,
) -> Response {
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let id = query.ma;
    let app = state.app();
    let current = match app.framework_by_id(&viewer.actor, &id).await {
        Ok(view) => view,
        Err(error) => return error_page(Some(&viewer), &error),
    };
    let typed: HashMap<String, String> = fields
        .0
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("max_").map(|id| (id.to_string(), v.clone())))
        .collect();
    let result = match with_points(&current.framework.criteria, &typed) {
        Ok(criteria) => {
            app.change_framework(
                &viewer.actor,
                &id,
                FrameworkChange {
                    title: None,
                    criteria,
                    thresholds: None,
                },
            )
            .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(view) => Redirect::to(&format!("{}&da-luu=1", framework_href(&view.id))).into_response(),
        Err(error) if super::on_the_form(&error) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &build(&viewer, &current, &typed, Some(&error)),
        ),
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn derive(
    State(state): State<ApiState>,
    viewer: Viewer,
    Query(query): Query<SavedQuery>,
    fields: super::Fields,
) -> Response {
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let id = query.ma;
    let app = state.app();
    let base = match app.framework_by_id(&viewer.actor, &id).await {
        Ok(view) => view,
        Err(error) => return error_page(Some(&viewer), &error),
    };
    let name = field(&fields, "name");
    let result = match committee_orgs(&viewer).first() {
        Some(&org) => {
            app.derive_framework(&viewer.actor, org, &id, &name, None)
                .await
        }
        None => Err(AppError::invalid("name", tr().t("framework.no_committee"))),
    };
    match result {
        Ok(view) => Redirect::to(&format!("{}&da-tao=1", framework_href(&view.id))).into_response(),
        Err(error) if super::on_the_form(&error) => {
            let mut page = build(&viewer, &base, &HashMap::new(), Some(&error));
            page.derive_name = name;
            html_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}
