//! The committee's and the board's pages of a plan: `/ke-hoach/{id}` — the phases and
//! deadlines, progress at a node and its children (late ones in red), the levels per child as a
//! chart, who is not yet reviewed or rated and why, the persons escalated to the board, and
//! publication; `/ke-hoach/{id}/quyet-dinh?to-chuc=…` — the decisions a committee makes, group
//! by quota group with the headroom shown, each subject with the proposals, what the rules allow
//! and why, and the decision or correction form (a refusal shown on the row with its rule).

use super::format::{day, number};
use super::session::Viewer;
use super::subject::LEVELS;
use super::{chrome, error_page, html, html_status, tr, with_flash};
use super::{field, sources};
use crate::ApiState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kiemdiem_app::evaluation::DecisionInput;
use kiemdiem_app::plan::{PhaseInput, Step};
use kiemdiem_app::progress::StepCount;
use kiemdiem_app::state::Stage;
use kiemdiem_app::views::PlanOverview;
use kiemdiem_app::{AppError, Role};
use kiemdiem_pages::{
    Choice, DecideGroup, DecidePage, DecideRow, EscalationRow, FindingRow, Link, PendingPager,
    PendingRow, PhaseRow, PlanPage, PlanProgressTable, ProgressRow, Template, tk,
};
use kiemdiem_rules::{Level, QuotaCategory};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/ke-hoach/{id}", get(plan_page))
        .route("/ke-hoach/{id}/cong-khai", post(publish))
        .route("/ke-hoach/{id}/cac-buoc", post(save_phases))
        .route("/ke-hoach/{id}/mo", post(open))
        .route("/ke-hoach/{id}/bao-cao/{escalation}", post(settle))
        .route("/ke-hoach/{id}/quyet-dinh", get(decide_page))
        .route("/ke-hoach/{id}/quyet-dinh/{subject}", post(decide))
}

#[derive(Debug, Default, Deserialize)]
pub struct NodeQuery {
    #[serde(rename = "to-chuc")]
    org: Option<String>,
    #[serde(rename = "da-cong-khai")]
    published: Option<String>,
    #[serde(rename = "da-quyet-dinh")]
    decided: Option<String>,
    /// The page of the pending list (from 1).
    trang: Option<String>,
    /// Just opened with this many subjects: (subjects, classified, review only, excluded).
    #[serde(rename = "da-mo")]
    opened: Option<String>,
    #[serde(rename = "da-luu")]
    saved: Option<String>,
}

/// Rows of the pending list on one page.
const PENDING_PAGE: usize = 50;

fn level_choices() -> Vec<Choice> {
    LEVELS
        .into_iter()
        .map(|l| Choice {
            code: l.code().to_string(),
            name: l.name_vi().to_string(),
        })
        .collect()
}

/// The progress table at the node (first) and each of its children, rendered: the same for every
/// viewer of one kept overview, so drawn once with its charts (`KeptCharts`).
fn progress_table(overview: &PlanOverview) -> String {
    let id = overview.plan.id;
    let node = &overview.node;
    let mut rows = vec![ProgressRow {
        name: node.name.clone(),
        href: String::new(),
        subjects: number(node.subjects as i64),
        self_review: cell(&node.self_review),
        review: cell(&node.review),
        decision: cell(&node.decision),
        late: node.self_review.late + node.review.late + node.decision.late > 0,
    }];
    for child in overview
        .progress
        .iter()
        .filter(|n| n.parent == Some(node.org))
    {
        rows.push(ProgressRow {
            name: child.name.clone(),
            href: format!("/ke-hoach/{id}?to-chuc={}", child.code),
            subjects: number(child.subjects as i64),
            self_review: cell(&child.self_review),
            review: cell(&child.review),
            decision: cell(&child.decision),
            late: child.self_review.late + child.review.late + child.decision.late > 0,
        });
    }
    let table = PlanProgressTable {
        tr: tr(),
        progress: rows,
    };
    // Rendering writes into a string: it fails only if a value's formatting does.
    table.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "the progress table could not be rendered");
        String::new()
    })
}

fn cell(step: &StepCount) -> String {
    let tr = tr();
    if step.late > 0 {
        tr.fill(
            tk("plan.cell_late"),
            &[
                ("done", &number(step.done as i64)),
                ("pending", &number(step.pending as i64)),
                ("late", &number(step.late as i64)),
            ],
        )
    } else {
        tr.fill(
            tk("plan.cell"),
            &[
                ("done", &number(step.done as i64)),
                ("pending", &number(step.pending as i64)),
            ],
        )
    }
}

fn plan_status(status: &str) -> String {
    tr().t(match status {
        "draft" => tk("plan.status_draft"),
        "published" => tk("plan.status_published"),
        _ => tk("plan.status_open"),
    })
    .to_string()
}

struct PlanProblem<'a> {
    publish: Option<&'a AppError>,
    /// Refused phases (with what was typed) or opening.
    manage: Option<(&'a AppError, Option<Vec<PhaseRow>>)>,
    escalation: Option<(Uuid, &'a AppError)>,
}

async fn build_plan_page(
    state: &ApiState,
    viewer: &Viewer,
    id: Uuid,
    node_code: Option<&str>,
    pending_page: usize,
    problem: PlanProblem<'_>,
) -> Result<PlanPage, AppError> {
    let app = state.app();
    let actor = &viewer.actor;
    let (overview, escalations) = app.plan_overview(actor, id, node_code).await?;
    let plan = &overview.plan;
    let node = &overview.node;
    // The way down from the plan's organisation to the node, each step to its own progress.
    let path: Vec<Link> = {
        let ancestors = &overview.ancestors;
        let from = ancestors
            .iter()
            .position(|a| a.id == plan.org_id)
            .unwrap_or(ancestors.len());
        ancestors[from..]
            .iter()
            .filter(|a| a.id != node.org)
            .map(|a| Link {
                href: format!("/ke-hoach/{id}?to-chuc={}", a.code),
                label: a.name.clone(),
                note: String::new(),
            })
            .collect()
    };
    let charts = state
        .charts()
        .plan(&overview, state.app().today(), || progress_table(&overview));
    let pending_total = overview.pending.len();
    let pages = pending_total.div_ceil(PENDING_PAGE).max(1);
    let pending_page = pending_page.clamp(1, pages);
    let here = if node.org == plan.org_id {
        format!("/ke-hoach/{id}?")
    } else {
        format!("/ke-hoach/{id}?to-chuc={}&", node.code)
    };
    let page_link = |n: usize| format!("{here}trang={n}#chua-xep-loai");
    let pending_pager = PendingPager {
        note: if pending_total > PENDING_PAGE {
            tr().fill(
                "plan.pending_page",
                &[
                    (
                        "from",
                        &number(((pending_page - 1) * PENDING_PAGE + 1) as i64),
                    ),
                    (
                        "to",
                        &number((pending_page * PENDING_PAGE).min(pending_total) as i64),
                    ),
                    ("total", &number(pending_total as i64)),
                ],
            )
        } else {
            String::new()
        },
        previous: if pending_page > 1 {
            page_link(pending_page - 1)
        } else {
            String::new()
        },
        next: if pending_page < pages {
            page_link(pending_page + 1)
        } else {
            String::new()
        },
    };
    let pending = overview
        .pending
        .iter()
        .skip((pending_page - 1) * PENDING_PAGE)
        .take(PENDING_PAGE)
        .map(|p| PendingRow {
            subject: p.subject.to_string(),
            name: p.name.clone(),
            stage: p.stage.name_vi().to_string(),
            reason: p.reason.clone(),
            late: p.late,
        })
        .collect();
    let escalations = escalations
        .into_iter()
        .map(|e| EscalationRow {
            id: e.id.to_string(),
            person: e.places.first().map(|p| p.name.clone()).unwrap_or_default(),
            places: e
                .places
                .iter()
                .map(|p| {
                    let level = p.level.map(|l| l.name_vi()).unwrap_or("—");
                    format!("{}: {level}", p.kind.name_vi())
                })
                .collect::<Vec<_>>()
                .join("; "),
            version: e.version,
            error: match problem.escalation {
                Some((escalation, error)) if escalation == e.id => error.message().to_string(),
                _ => String::new(),
            },
        })
        .collect();
    let can_publish = plan.status == "open"
        && viewer
            .actor
            .grants()
            .iter()
            .any(|g| g.role == Role::Committee && g.org == Some(plan.org_id));
    let can_manage = plan.status == "draft"
        && (actor.is_trusted()
            || actor.grants().iter().any(|g| {
                matches!(g.role, Role::Board | Role::Committee) && g.org == Some(plan.org_id)
            }));
    let (manage_error, manage_rules, typed) = match problem.manage {
        Some((error, typed)) => (error.message().to_string(), sources(error), typed),
        None => (String::new(), Vec::new(), None),
    };
    let phase_rows = typed.unwrap_or_else(|| {
        plan.phases
            .iter()
            .map(|p| PhaseRow {
                code: p.code.clone(),
                step: p.step.map(|s| s.code().to_string()).unwrap_or_default(),
                title: p.title.clone(),
                from: day(p.starts_on),
                to: day(p.ends_on),
            })
            .collect()
    });
    // The frameworks its subjects are scored on: those the plan pins, else the rules' national
    // one for each kind of subject (for organisations, by kind of organisation).
    let mut frameworks = Vec::new();
    for kind in kiemdiem_rules::SubjectKind::ALL {
        let mut ids: Vec<String> = match plan.frameworks.get(&kind) {
            Some(id) => vec![id.clone()],
            None => std::iter::once(None)
                .chain(kiemdiem_rules::OrgKind::ALL.map(Some))
                .filter_map(|org| kiemdiem_rules::framework::national(plan.rule_set, kind, org))
                .map(|f| f.id.clone())
                .collect(),
        };
        let mut seen = std::collections::HashSet::new();
        ids.retain(|id| seen.insert(id.clone()));
        for id in ids {
            frameworks.push(Link {
                href: super::framework::framework_href(&id),
                label: kind.name_vi().to_string(),
                note: String::new(),
            });
        }
    }
    let phases = plan
        .phases
        .iter()
        .map(|p| Link {
            label: p.title.clone(),
            note: day(p.starts_on),
            href: day(p.ends_on),
        })
        .collect();
    Ok(PlanPage {
        c: chrome(Some(viewer), &plan.title, ""),
        id: id.to_string(),
        path,
        org_code: node.code.clone(),
        org_name: node.name.clone(),
        title: plan.title.clone(),
        basis: plan.legal_basis.to_string(),
        status: plan_status(&plan.status),
        review_date: day(plan.review_date),
        phases,
        can_publish,
        version: plan.version,
        publish_error: problem
            .publish
            .map(|e| e.message().to_string())
            .unwrap_or_default(),
        publish_rules: problem.publish.map(sources).unwrap_or_default(),
        progress_table: charts.progress_table.clone(),
        over_time: charts.over_time.clone(),
        chart: charts.levels.clone(),
        pending,
        pending_pager,
        can_manage,
        frameworks,
        phase_rows,
        manage_error,
        manage_rules,
        escalations,
        levels: level_choices(),
        year: plan.year,
    })
}

async fn plan_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<NodeQuery>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return super::not_found_page();
    };
    let problem = PlanProblem {
        publish: None,
        manage: None,
        escalation: None,
    };
    let page = query
        .trang
        .as_deref()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(1);
    match build_plan_page(&state, &viewer, id, query.org.as_deref(), page, problem).await {
        Ok(mut page) => {
            if query.published.is_some() {
                page.c = with_flash(page.c, "ok", tr().t(tk("plan.published")));
            }
            if query.saved.is_some() {
                page.c = with_flash(page.c, "ok", tr().t(tk("plan.phases_saved")));
            }
            if let Some(counts) = query.opened.as_deref() {
                let n: Vec<i64> = counts.split('-').map(|c| c.parse().unwrap_or(0)).collect();
                if let [subjects, classified, review_only, excluded] = n[..] {
                    let message = tr().fill(
                        "plan.opened",
                        &[
                            ("subjects", &number(subjects)),
                            ("classified", &number(classified)),
                            ("review_only", &number(review_only)),
                            ("excluded", &number(excluded)),
                        ],
                    );
                    page.c = with_flash(page.c, "ok", &message);
                }
            }
            html(&page)
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn publish(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    fields: super::Fields,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let version: i64 = field(&fields, "version").parse().unwrap_or(0);
    match state.app().publish(&viewer.actor, id, version).await {
        Ok(_) => Redirect::to(&format!("/ke-hoach/{id}?da-cong-khai=1")).into_response(),
        Err(error) if super::on_the_form(&error) => {
            let problem = PlanProblem {
                publish: Some(&error),
                manage: None,
                escalation: None,
            };
            match build_plan_page(&state, &viewer, id, None, 1, problem).await {
                Ok(page) => html_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(error) => error_page(Some(&viewer), &error),
            }
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

/// The phases as typed: `title_N`, `from_N`, `to_N` with their hidden `code_N` and `step_N`.
fn typed_phases(fields: &super::Fields) -> Vec<PhaseRow> {
    (1..)
        .map_while(|n| {
            let code = field(fields, &format!("code_{n}"));
            (!code.is_empty()).then(|| PhaseRow {
                code,
                step: field(fields, &format!("step_{n}")),
                title: field(fields, &format!("title_{n}")),
                from: field(fields, &format!("from_{n}")),
                to: field(fields, &format!("to_{n}")),
            })
        })
        .collect()
}

/// The phases typed, read as the app takes them; a bad day names its phase.
fn phase_inputs(rows: &[PhaseRow]) -> Result<Vec<PhaseInput>, AppError> {
    if rows.is_empty() {
        return Err(AppError::invalid("phases", tr().t("plan.no_phases")));
    }
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let read = |text: &str, name: &str| {
                kiemdiem_app::parse_date(text).ok_or_else(|| {
                    AppError::invalid(
                        format!("{name}_{}", i + 1),
                        tr().fill(
                            "plan.bad_day",
                            &[("text", text), ("n", &(i + 1).to_string())],
                        ),
                    )
                })
            };
            Ok(PhaseInput {
                code: row.code.clone(),
                title: row.title.clone(),
                step: Step::parse(&row.step),
                starts_on: read(&row.from, "from")?,
                ends_on: read(&row.to, "to")?,
            })
        })
        .collect()
}

async fn save_phases(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    fields: super::Fields,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let version: i64 = field(&fields, "version").parse().unwrap_or(0);
    let typed = typed_phases(&fields);
    let result = match phase_inputs(&typed) {
        Ok(phases) => {
            state
                .app()
                .set_phases(&viewer.actor, id, version, phases)
                .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/ke-hoach/{id}?da-luu=1")).into_response(),
        Err(error) => manage_refused(&state, &viewer, id, &error, Some(typed)).await,
    }
}

async fn open(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    fields: super::Fields,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let version: i64 = field(&fields, "version").parse().unwrap_or(0);
    match state.app().open_plan(&viewer.actor, id, version).await {
        Ok(report) => Redirect::to(&format!(
            "/ke-hoach/{id}?da-mo={}-{}-{}-{}",
            report.subjects, report.classified, report.review_only, report.excluded
        ))
        .into_response(),
        Err(error) => manage_refused(&state, &viewer, id, &error, None).await,
    }
}

/// The plan page again with a refused change of the draft shown where it was made.
async fn manage_refused(
    state: &ApiState,
    viewer: &Viewer,
    id: Uuid,
    error: &AppError,
    typed: Option<Vec<PhaseRow>>,
) -> Response {
    if !super::on_the_form(error) {
        return error_page(Some(viewer), error);
    }
    let problem = PlanProblem {
        publish: None,
        manage: Some((error, typed)),
        escalation: None,
    };
    match build_plan_page(state, viewer, id, None, 1, problem).await {
        Ok(page) => html_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
        Err(error) => error_page(Some(viewer), &error),
    }
}

async fn settle(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path((id, escalation)): Path<(String, String)>,
    fields: super::Fields,
) -> Response {
    let (Ok(id), Ok(escalation)) = (Uuid::parse_str(&id), Uuid::parse_str(&escalation)) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let version: i64 = field(&fields, "version").parse().unwrap_or(0);
    let result = match Level::parse(&field(&fields, "level")) {
        None => Err(AppError::invalid("level", tr().t("decide.no_level"))),
        Some(level) => state
            .app()
            .resolve_escalation(
                &viewer.actor,
                escalation,
                version,
                level,
                &field(&fields, "reason"),
            )
            .await
            .map(|_| ()),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/ke-hoach/{id}")).into_response(),
        Err(error) if super::on_the_form(&error) => {
            let problem = PlanProblem {
                publish: None,
                manage: None,
                escalation: Some((escalation, &error)),
            };
            match build_plan_page(&state, &viewer, id, None, 1, problem).await {
                Ok(page) => html_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(error) => error_page(Some(&viewer), &error),
            }
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

fn category_name(category: QuotaCategory) -> &'static str {
    match category {
        QuotaCategory::Organisations => tr().t("decide.organisations"),
        QuotaCategory::Collectives => tr().t("decide.collectives"),
        QuotaCategory::Members => tr().t("decide.members"),
        QuotaCategory::Leaders => tr().t("decide.leaders"),
    }
}

struct DecideProblem<'a> {
    subject: Uuid,
    error: &'a AppError,
    level: String,
    reason: String,
}

async fn build_decide_page(
    state: &ApiState,
    viewer: &Viewer,
    id: Uuid,
    code: &str,
    problem: Option<DecideProblem<'_>>,
) -> Result<DecidePage, AppError> {
    let tr = tr();
    let app = state.app();
    let actor = &viewer.actor;
    let plan = app.plan(actor, id).await?;
    let org = app.find_org(actor, code, Some(plan.review_date)).await?;
    let subjects = app.subjects_decided_by(actor, id, org.id).await?;
    let mut groups: BTreeMap<String, DecideGroup> = BTreeMap::new();
    let mut quota_done: BTreeMap<String, bool> = BTreeMap::new();
    for subject in subjects.iter().filter(|s| s.stage != Stage::Excluded) {
        let side = app.side_by_side(actor, subject.id).await?;
        let unit = app.subject_unit(actor, subject.id).await?;
        let group = groups
            .entry(subject.quota_group.clone())
            .or_insert_with(|| DecideGroup {
                name: tr.fill(
                    "decide.group",
                    &[
                        ("category", category_name(subject.kind.quota_category())),
                        ("org", &org.name),
                    ],
                ),
                quota: String::new(),
                over: false,
                rules: Vec::new(),
                rows: Vec::new(),
            });
        if !quota_done.contains_key(&subject.quota_group) {
            quota_done.insert(subject.quota_group.clone(), true);
            if let Ok(view) = app.quota_headroom(actor, subject.id, None).await {
                let check = &view.check;
                group.quota = if check.enabled {
                    tr.fill(
                        tk("decide.quota"),
                        &[
                            ("htxsnv", &number(check.htxsnv as i64)),
                            ("httnv", &number(check.httnv as i64)),
                            ("allowed", &number(check.allowed as i64)),
                            ("share", &check.share),
                            ("headroom", &number(check.headroom.max(0))),
                        ],
                    )
                } else {
                    tr.t(tk("decide.quota_off")).to_string()
                };
                group.over = check.violation.is_some();
                group.rules = check.citations.iter().map(|c| c.source.clone()).collect();
            }
        }
        let proposals = side
            .columns
            .iter()
            .filter_map(|c| c.level.map(|l| format!("({}) {}", c.no, l.code())))
            .collect::<Vec<_>>()
            .join(", ");
        let classification = side.classification.as_ref();
        let suggested = classification.and_then(|c| c.suggested);
        let here = problem.as_ref().filter(|p| p.subject == subject.id);
        let (action, label) = match subject.stage {
            Stage::Reviewed | Stage::Proposed => ("decide", tr.t(tk("decide.decide"))),
            Stage::Decided | Stage::Published => ("correct", tr.t(tk("decide.correct"))),
            _ => ("", ""),
        };
        group.rows.push(DecideRow {
            id: subject.id.to_string(),
            name: subject.name.clone(),
            unit: unit.name,
            stage: subject.stage.name_vi().to_string(),
            proposals,
            allowed: classification
                .map(|c| c.allowed.name_vi().to_string())
                .unwrap_or_default(),
            suggested_name: suggested
                .map(|l| l.name_vi().to_string())
                .unwrap_or_default(),
            findings: classification
                .map(|c| {
                    c.findings
                        .iter()
                        .map(|f| FindingRow {
                            message: f.message.clone(),
                            source: f.citation.source.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            level: subject
                .level
                .map(|l| l.name_vi().to_string())
                .unwrap_or_default(),
            version: subject.version,
            action: action.to_string(),
            action_label: label.to_string(),
            chosen: here
                .map(|p| p.level.clone())
                .or_else(|| subject.level.or(suggested).map(|l| l.code().to_string()))
                .unwrap_or_default(),
            typed_reason: here.map(|p| p.reason.clone()).unwrap_or_default(),
            error: here
                .map(|p| p.error.message().to_string())
                .unwrap_or_default(),
            error_field: here.and_then(|p| p.error.field()).unwrap_or("").to_string(),
            rules: here.map(|p| sources(p.error)).unwrap_or_default(),
        });
    }
    Ok(DecidePage {
        c: chrome(Some(viewer), tr.t(tk("decide.title")), ""),
        plan_id: id.to_string(),
        plan: plan.title,
        org: org.name,
        org_code: org.code,
        groups: groups.into_values().collect(),
        levels: level_choices(),
    })
}

async fn decide_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(query): Query<NodeQuery>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return super::not_found_page();
    };
    let Some(code) = query.org.clone() else {
        return error_page(
            Some(&viewer),
            &AppError::invalid("to-chuc", tr().t("decide.no_org")),
        );
    };
    match build_decide_page(&state, &viewer, id, &code, None).await {
        Ok(mut page) => {
            if query.decided.is_some() {
                page.c = with_flash(page.c, "ok", tr().t(tk("decide.decided")));
            }
            html(&page)
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn decide(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path((id, subject)): Path<(String, String)>,
    Query(query): Query<NodeQuery>,
    fields: super::Fields,
) -> Response {
    let (Ok(id), Ok(subject)) = (Uuid::parse_str(&id), Uuid::parse_str(&subject)) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let code = query.org.clone().unwrap_or_default();
    let level_text = field(&fields, "level");
    let reason = field(&fields, "reason");
    let input = DecisionInput {
        version: field(&fields, "version").parse().unwrap_or(0),
        level: Level::parse(&level_text),
        reason: Some(reason.clone()).filter(|r| !r.is_empty()),
        exceptional_share: None,
        document: None,
    };
    let app = state.app();
    let result = if field(&fields, "action") == "correct" {
        app.correct(&viewer.actor, subject, input).await
    } else {
        app.decide(&viewer.actor, subject, input).await
    };
    match result {
        Ok(_) => Redirect::to(&format!(
            "/ke-hoach/{id}/quyet-dinh?to-chuc={code}&da-quyet-dinh=1#s-{subject}"
        ))
        .into_response(),
        Err(error) if super::on_the_form(&error) => {
            let problem = DecideProblem {
                subject,
                error: &error,
                level: level_text,
                reason,
            };
            match build_decide_page(&state, &viewer, id, &code, Some(problem)).await {
                Ok(page) => html_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(error) => error_page(Some(&viewer), &error),
            }
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}
