//! `/to-chuc`, `/to-chuc/{code}`: the organisation tree as it stood on a chosen day, and for
//! one organisation its children, the distribution of its levels (a chart), and — for each plan
//! it is reviewed under — its subjects at a glance (who has submitted, near-copies flagged, the
//! self-proposed and the branch's level, the decided level), its meetings, and the branch's
//! forms: scheduling a meeting, proposing levels after the vote. Its members are listed too.

use super::chart::levels_chart;
use super::format::{day, number};
use super::session::{Viewer, safe_next};
use super::subject::LEVELS;
use super::{chrome, error_page, html, html_status, tr, with_flash};
use super::{field, sources};
use crate::ApiState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kiemdiem_app::meeting::{Attendee, NewMeeting};
use kiemdiem_app::plan::NewPlan;
use kiemdiem_app::state::Stage;
use kiemdiem_app::{AppError, Role};
use kiemdiem_pages::{
    Choice, FrameworkChoice, Link, MemberRow, NewPlanForm, OrgPage, UnitPlan, UnitSubjectRow, tk,
};
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::{Level, SubjectKind};
use serde::Deserialize;
use std::collections::BTreeMap;
use time::Date;
use uuid::Uuid;

pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/to-chuc", get(tops))
        .route("/to-chuc/{code}", get(org_page))
        .route("/to-chuc/{code}/hoi-nghi", post(schedule))
        .route("/to-chuc/{code}/ke-hoach", post(create_plan))
        .route("/doi-tuong/{id}/de-xuat", post(propose))
}

#[derive(Debug, Default, Deserialize)]
pub struct DayQuery {
    ngay: Option<String>,
    #[serde(rename = "da-de-xuat")]
    proposed: Option<String>,
    #[serde(rename = "da-len-lich")]
    scheduled: Option<String>,
}

fn level_choices() -> Vec<Choice> {
    LEVELS
        .into_iter()
        .map(|l| Choice {
            code: l.code().to_string(),
            name: l.name_vi().to_string(),
        })
        .collect()
}

/// `/to-chuc`: the top of the tree as the viewer sees it.
async fn tops(State(state): State<ApiState>, viewer: Viewer) -> Response {
    let today = state.today();
    match state.app().root_orgs(&viewer.actor, today).await {
        Ok(orgs) if orgs.len() == 1 => {
            Redirect::to(&format!("/to-chuc/{}", orgs[0].code)).into_response()
        }
        Ok(orgs) => {
            let tr = tr();
            let page = OrgPage {
                c: chrome(Some(&viewer), tr.t(tk("org.top")), "/to-chuc"),
                path: Vec::new(),
                code: String::new(),
                here: "/to-chuc".into(),
                name: tr.t(tk("org.top")).to_string(),
                kind: String::new(),
                as_of: day(today),
                today: day(today),
                viewer_name: viewer.display_name.clone(),
                children: orgs
                    .iter()
                    .map(|o| Link {
                        href: format!("/to-chuc/{}", o.code),
                        label: o.name.clone(),
                        note: o.kind.name_vi().to_string(),
                    })
                    .collect(),
                chart: None,
                plans: Vec::new(),
                levels: level_choices(),
                members: Vec::new(),
                members_total: String::new(),
                can_plan: false,
                new_plan: NewPlanForm::default(),
                drafts: Vec::new(),
            };
            html(&page)
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn org_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(query): Query<DayQuery>,
) -> Response {
    let tr = tr();
    let on = match query
        .ngay
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(text) => match kiemdiem_app::parse_date(text) {
            Some(day) => day,
            None => {
                let error = AppError::invalid("ngay", tr.fill("error.bad_date", &[("text", text)]));
                return error_page(Some(&viewer), &error);
            }
        },
        None => state.today(),
    };
    match build_org_page(&state, &viewer, &code, on, None).await {
        Ok(mut page) => {
            if query.proposed.is_some() {
                page.c = with_flash(page.c, "ok", tr.t(tk("org.proposed")));
            }
            if query.scheduled.is_some() {
                page.c = with_flash(page.c, "ok", tr.t(tk("org.scheduled")));
            }
            html(&page)
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

/// Whether the viewer holds one of `roles` on one of `nodes` (the organisation and those above
/// it) or on the whole system: what decides which buttons a page shows. The app still decides
/// each step when it is taken.
fn holds(viewer: &Viewer, roles: &[Role], nodes: &[Uuid]) -> bool {
    viewer.actor.is_trusted()
        || viewer
            .actor
            .grants()
            .iter()
            .any(|g| roles.contains(&g.role) && g.org.is_none_or(|org| nodes.contains(&org)))
}

/// The organisation page; `problem` puts a refused form's error where it belongs.
async fn build_org_page(
    state: &ApiState,
    viewer: &Viewer,
    code: &str,
    on: Date,
    problem: Option<(&str, &AppError)>,
) -> Result<OrgPage, AppError> {
    let tr = tr();
    let app = state.app();
    let actor = &viewer.actor;
    let page = app.unit_page(actor, code, on).await?;
    let org = &page.org;
    let path = page
        .ancestors
        .iter()
        .filter(|a| a.id != org.id)
        .map(|a| Link {
            href: format!("/to-chuc/{}", a.code),
            label: a.name.clone(),
            note: String::new(),
        })
        .collect();
    let children: Vec<Link> = page
        .children
        .iter()
        .map(|o| Link {
            href: format!("/to-chuc/{}", o.code),
            label: o.name.clone(),
            note: o.kind.name_vi().to_string(),
        })
        .collect();
    // The organisation and those above it: where a role shows this page's buttons.
    let mut nodes: Vec<Uuid> = page.ancestors.iter().map(|a| a.id).collect();
    nodes.push(org.id);
    let unit_roles = holds(
        viewer,
        &[
            Role::BranchSecretary,
            Role::BranchCommittee,
            Role::Committee,
        ],
        &nodes,
    );
    // The organisation's own board or committee draws up its plans.
    let can_plan = actor.is_trusted()
        || actor
            .grants()
            .iter()
            .any(|g| matches!(g.role, Role::Board | Role::Committee) && g.org == Some(org.id));
    let mut drafts = Vec::new();
    let mut plans = Vec::new();
    let mut decided: Vec<Option<Level>> = Vec::new();
    for unit_plan in &page.plans {
        let plan = &unit_plan.plan;
        if plan.status == "draft" {
            if can_plan && plan.org_id == org.id {
                drafts.push(Link {
                    href: format!("/ke-hoach/{}", plan.id),
                    label: plan.title.clone(),
                    note: String::new(),
                });
            }
            continue;
        }
        let mut rows = Vec::with_capacity(unit_plan.subjects.len());
        for unit_subject in &unit_plan.subjects {
            let subject = &unit_subject.subject;
            if subject.participation == Participation::ReviewAndClassify {
                decided.push(subject.level);
            }
            let error = match problem {
                Some((field, error)) if field == subject.id.to_string() => {
                    error.message().to_string()
                }
                _ => String::new(),
            };
            let level_name =
                |level: Option<Level>| level.map(|l| l.name_vi().to_string()).unwrap_or_default();
            rows.push(UnitSubjectRow {
                id: subject.id.to_string(),
                name: subject.name.clone(),
                kind: subject.kind.name_vi().to_string(),
                stage: subject.stage.name_vi().to_string(),
                review: match unit_subject.review.as_deref() {
                    Some("submitted") => tr.t(tk("org.submitted")).to_string(),
                    Some(_) => tr.t(tk("org.draft")).to_string(),
                    None => tr.t(tk("org.missing")).to_string(),
                },
                flagged: unit_subject.flagged,
                self_level: level_name(unit_subject.self_level),
                branch_level: level_name(unit_subject.branch_level),
                level: level_name(subject.level),
                version: subject.version,
                reviewable: subject.participation != Participation::Excluded
                    && matches!(subject.stage, Stage::Pending | Stage::SelfReviewed),
                can_propose: subject.stage == Stage::Reviewed
                    && subject.participation == Participation::ReviewAndClassify,
                suggested: unit_subject
                    .suggested
                    .map(|l| l.code().to_string())
                    .unwrap_or_default(),
                error,
            });
        }
        let meetings = unit_plan
            .meetings
            .iter()
            .map(|m| Link {
                href: format!("/hoi-nghi/{}", m.id),
                label: m.title.clone(),
                note: format!("{} · {}", day(m.held_on), meeting_status(&m.status)),
            })
            .collect();
        let mut links = Vec::new();
        if plan.org_id == org.id
            && holds(
                viewer,
                &[
                    Role::Board,
                    Role::Committee,
                    Role::Inspection,
                    Role::ParticipatingBody,
                    Role::Admin,
                ],
                &nodes,
            )
        {
            links.push(Link {
                href: format!("/ke-hoach/{}", plan.id),
                label: tr.t(tk("org.plan_link")).to_string(),
                note: String::new(),
            });
        }
        if holds(viewer, &[Role::Committee], &nodes) && !org.kind.is_branch() {
            links.push(Link {
                href: format!("/ke-hoach/{}/quyet-dinh?to-chuc={}", plan.id, org.code),
                label: tr.t(tk("org.decide_link")).to_string(),
                note: String::new(),
            });
        }
        let schedule_error = match problem {
            Some(("schedule", error)) => error.message().to_string(),
            _ => String::new(),
        };
        plans.push(UnitPlan {
            id: plan.id.to_string(),
            title: plan.title.clone(),
            links,
            can_schedule: unit_roles && plan.status == "open" && !rows.is_empty(),
            can_propose: unit_roles && rows.iter().any(|r| r.can_propose),
            default_title: tr.fill(
                "meeting.default_title",
                &[("year", &plan.year.to_string()), ("org", &org.name)],
            ),
            subjects: rows,
            meetings,
            schedule_error,
        });
    }
    let chart = (!decided.is_empty()).then(|| levels_chart(&decided));
    let (members, members_total) = match &page.members {
        Some(listed) => (
            listed
                .members
                .iter()
                .map(|m| MemberRow {
                    code: m.member.code.clone(),
                    name: m.member.details.full_name.clone(),
                    branch: m.branch.name.clone(),
                    note: if m.probationary {
                        tr.t(tk("org.probationary")).to_string()
                    } else {
                        String::new()
                    },
                })
                .collect(),
            number(listed.total as i64),
        ),
        None => (Vec::new(), String::new()),
    };
    Ok(OrgPage {
        c: chrome(Some(viewer), &org.name, ""),
        path,
        code: org.code.clone(),
        here: format!("/to-chuc/{}", org.code),
        name: org.name.clone(),
        kind: org.kind.name_vi().to_string(),
        as_of: day(on),
        today: day(state.today()),
        viewer_name: viewer.display_name.clone(),
        children,
        chart,
        plans,
        levels: level_choices(),
        members,
        members_total,
        can_plan: can_plan && !org.kind.is_branch(),
        new_plan: NewPlanForm {
            year: state.today().year().to_string(),
            frameworks: if can_plan && !org.kind.is_branch() {
                framework_choices(app, actor, org.id, &chosen_none()).await?
            } else {
                Vec::new()
            },
            ..NewPlanForm::default()
        },
        drafts,
    })
}

fn chosen_none() -> BTreeMap<SubjectKind, String> {
    BTreeMap::new()
}

/// The form field that pins the framework for `kind`.
fn framework_field(kind: SubjectKind) -> String {
    format!("framework_{}", kind.code())
}

/// One choice per kind of subject the committee of `org` made a framework for: every version
/// of each, newest first, with `chosen` selected.
async fn framework_choices(
    app: &kiemdiem_app::App,
    actor: &kiemdiem_app::Actor,
    org: Uuid,
    chosen: &BTreeMap<SubjectKind, String>,
) -> Result<Vec<FrameworkChoice>, AppError> {
    let mut own = app.org_frameworks(actor, org).await?;
    own.sort_by(|a, b| a.name.cmp(&b.name).then(b.version.cmp(&a.version)));
    let tr = tr();
    let mut choices = Vec::new();
    for kind in SubjectKind::ALL {
        let options: Vec<Choice> = own
            .iter()
            .filter(|f| f.framework.subjects.contains(&kind))
            .map(|f| Choice {
                code: f.id.clone(),
                name: tr.fill(
                    "org.plan_framework_version",
                    &[
                        ("name", &f.framework.title),
                        ("version", &f.version.unwrap_or(1).to_string()),
                    ],
                ),
            })
            .collect();
        if options.is_empty() {
            continue;
        }
        choices.push(FrameworkChoice {
            field: framework_field(kind),
            label: tr.fill("org.plan_framework", &[("kind", kind.name_vi())]),
            options,
            chosen: chosen.get(&kind).cloned().unwrap_or_default(),
        });
    }
    Ok(choices)
}

fn meeting_status(status: &str) -> String {
    let tr = tr();
    match status {
        "closed" => tr.t(tk("meeting.status_closed")),
        _ => tr.t(tk("meeting.status_open")),
    }
    .to_string()
}

/// The value of a form field.
async fn schedule(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(code): Path<String>,
    fields: super::Fields,
) -> Response {
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let app = state.app();
    let result = async {
        let plan = Uuid::parse_str(&field(&fields, "plan"))
            .map_err(|_| AppError::invalid("plan", tr().t("org.no_plan")))?;
        let held_text = field(&fields, "held_on");
        let held_on = kiemdiem_app::parse_date(&held_text).ok_or_else(|| {
            AppError::invalid(
                "held_on",
                tr().fill("meeting.bad_held", &[("text", &held_text)]),
            )
        })?;
        let org = app.find_org(&viewer.actor, &code, Some(held_on)).await?;
        let chosen: Vec<Uuid> = fields
            .iter()
            .filter(|(k, _)| k == "agenda")
            .filter_map(|(_, v)| Uuid::parse_str(v).ok())
            .collect();
        let agenda = app
            .agenda_in_order(&viewer.actor, plan, org.id, &chosen)
            .await?;
        let members = app
            .org_members(&viewer.actor, &code, held_on, 0, 5_000)
            .await?;
        let attendees = members
            .members
            .iter()
            .map(|m| Attendee {
                member: Some(m.member.id),
                name: m.member.details.full_name.clone(),
                role: "member".into(),
                present: true,
                excused: false,
            })
            .collect();
        app.schedule_meeting(
            &viewer.actor,
            NewMeeting {
                plan,
                org: org.id,
                title: field(&fields, "title"),
                body_key: None,
                suggested: false,
                held_on,
                place: field(&fields, "place"),
                chair: field(&fields, "chair"),
                attendees,
                agenda,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(meeting) => Redirect::to(&format!("/hoi-nghi/{}", meeting.id)).into_response(),
        Err(error) if super::on_the_form(&error) => {
            match build_org_page(
                &state,
                &viewer,
                &code,
                state.today(),
                Some(("schedule", &error)),
            )
            .await
            {
                Ok(page) => html_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(error) => error_page(Some(&viewer), &error),
            }
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

/// Drafts a plan of this organisation; refused, the form comes back with what was typed.
async fn create_plan(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(code): Path<String>,
    fields: super::Fields,
) -> Response {
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let app = state.app();
    let typed = NewPlanForm {
        year: field(&fields, "year"),
        title: field(&fields, "title"),
        review_date: field(&fields, "review_date"),
        ..NewPlanForm::default()
    };
    // The frameworks chosen (an empty choice leaves the kind to the superior's plan or the
    // national framework).
    let chosen: BTreeMap<SubjectKind, String> = SubjectKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let id = field(&fields, &framework_field(kind));
            let id = id.trim();
            (!id.is_empty()).then(|| (kind, id.to_string()))
        })
        .collect();
    let result = async {
        let year: i32 = typed.year.trim().parse().map_err(|_| {
            AppError::invalid("year", tr().fill("org.bad_year", &[("text", &typed.year)]))
        })?;
        let review_date = match typed.review_date.trim() {
            "" => None,
            text => Some(kiemdiem_app::parse_date(text).ok_or_else(|| {
                AppError::invalid(
                    "review_date",
                    tr().fill("error.bad_date", &[("text", text)]),
                )
            })?),
        };
        let org = app.find_org(&viewer.actor, &code, review_date).await?;
        app.create_plan(
            &viewer.actor,
            NewPlan {
                org: org.id,
                year,
                title: Some(typed.title.trim().to_string()).filter(|t| !t.is_empty()),
                review_date,
                frameworks: chosen.clone(),
                ..NewPlan::default()
            },
        )
        .await
    }
    .await;
    match result {
        Ok(plan) => Redirect::to(&format!("/ke-hoach/{}", plan.id)).into_response(),
        Err(error) if super::on_the_form(&error) => {
            match build_org_page(&state, &viewer, &code, state.today(), None).await {
                Ok(mut page) => {
                    let frameworks = match app.find_org(&viewer.actor, &code, None).await {
                        Ok(org) => framework_choices(app, &viewer.actor, org.id, &chosen)
                            .await
                            .unwrap_or_default(),
                        Err(_) => Vec::new(),
                    };
                    page.new_plan = NewPlanForm {
                        error: error.message().to_string(),
                        rules: sources(&error),
                        frameworks,
                        ..typed
                    };
                    html_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
                }
                Err(error) => error_page(Some(&viewer), &error),
            }
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn propose(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    fields: super::Fields,
) -> Response {
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let Ok(subject) = Uuid::parse_str(&id) else {
        return super::not_found_page();
    };
    let back = safe_next(&field(&fields, "tiep"));
    let version: i64 = field(&fields, "version").parse().unwrap_or(0);
    let Some(level) = Level::parse(&field(&fields, "level")) else {
        return error_page(
            Some(&viewer),
            &AppError::invalid("level", tr().t("org.no_level")),
        );
    };
    match state
        .app()
        .propose(&viewer.actor, subject, version, level, "")
        .await
    {
        Ok(_) => Redirect::to(&format!("{back}?da-de-xuat=1")).into_response(),
        Err(error) if super::on_the_form(&error) => {
            let code = back
                .strip_prefix("/to-chuc/")
                .unwrap_or_default()
                .to_string();
            if code.is_empty() {
                return error_page(Some(&viewer), &error);
            }
            match build_org_page(&state, &viewer, &code, state.today(), Some((&id, &error))).await {
                Ok(page) => html_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(error) => error_page(Some(&viewer), &error),
            }
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}
