//! `GET /`: what the signed-in person must do now — their own self-review and self-evaluation
//! with the plan's deadlines, the ballots open for them, where each of their roles works, and
//! their levels of earlier years (`App::my_work`).

use super::format::day;
use super::session::Viewer;
use super::{chrome, error_page, html, tr, with_flash};
use crate::ApiState;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kiemdiem_app::Role;
use kiemdiem_app::work::Duty;
use kiemdiem_pages::{BallotRow, DutyRow, HistoryRow, HomePage, Link, OwnRow, tk};
use serde::Deserialize;

pub fn routes() -> Router<ApiState> {
    Router::new().route("/", get(home))
}

#[derive(Debug, Default, Deserialize)]
pub struct HomeQuery {
    #[serde(rename = "da-doi-mat-khau")]
    password_changed: Option<String>,
}

async fn home(
    State(state): State<ApiState>,
    viewer: Viewer,
    Query(query): Query<HomeQuery>,
) -> Response {
    let tr = tr();
    if viewer.actor.must_change_password() {
        return axum::response::Redirect::to("/mat-khau").into_response();
    }
    let work = match state.app().my_work(&viewer.actor).await {
        Ok(work) => work,
        Err(error) => return error_page(Some(&viewer), &error),
    };
    let own = work
        .own
        .iter()
        .map(|item| OwnRow {
            subject: item.subject.id.to_string(),
            next: item.next.text.clone(),
            plan: format!("{} — {}", item.plan_title, item.subject.name),
            deadline: item.next.deadline.map(|d| {
                let key = if item.next.late {
                    tk("home.late")
                } else {
                    tk("home.deadline")
                };
                tr.fill(key, &[("day", &day(d))])
            }),
            late: item.next.late,
        })
        .collect();
    let ballots = work
        .ballots
        .iter()
        .map(|b| BallotRow {
            id: b.ballot.to_string(),
            meeting: b.meeting_title.clone(),
            held_on: day(b.held_on),
            electronic: b.electronic,
            entitled: b.entitled,
            voted: b.voted,
        })
        .collect();
    let duties = work.duties.iter().map(duty_row).collect();
    let history = work
        .history
        .iter()
        .map(|h| HistoryRow {
            year: h.year.to_string(),
            level: h.level.name_vi().to_string(),
            plan: h.plan_title.clone(),
            subject: h.subject.to_string(),
        })
        .collect();
    let mut c = chrome(Some(&viewer), tr.t(tk("home.title")), "/");
    if query.password_changed.is_some() {
        c = with_flash(c, "ok", tr.t(tk("password.changed")));
    }
    html(&HomePage {
        c,
        today: day(work.today),
        own,
        ballots,
        duties,
        history,
    })
}

/// Where a role works, as links.
fn duty_row(duty: &Duty) -> DutyRow {
    let tr = tr();
    let code = &duty.org.code;
    let link = |href: String, key: &str, note: String| Link {
        href,
        label: tr.t(key).to_string(),
        note,
    };
    let plan_label = |key: &str, title: &str| tr.fill(key, &[("plan", title)]);
    let mut links = Vec::new();
    match duty.role {
        Role::Admin => {
            links.push(link("/to-chuc".into(), tk("home.records"), String::new()));
            links.push(link(
                "/tai-khoan".into(),
                tk("home.accounts"),
                String::new(),
            ));
            links.push(link("/nhat-ky".into(), tk("home.audit"), String::new()));
        }
        Role::BranchSecretary | Role::BranchCommittee => {
            links.push(link(
                format!("/to-chuc/{code}"),
                tk("home.branch"),
                String::new(),
            ));
        }
        Role::Member => {}
        Role::Board | Role::Committee | Role::Inspection | Role::ParticipatingBody => {
            links.push(link(
                format!("/to-chuc/{code}"),
                tk("home.org"),
                String::new(),
            ));
            for plan in &duty.plans {
                if plan.org_id == duty.org.id {
                    links.push(Link {
                        href: format!("/ke-hoach/{}", plan.id),
                        label: plan_label(tk("home.plan_progress"), &plan.title),
                        note: String::new(),
                    });
                }
                if duty.role == Role::Committee && plan.status != "draft" {
                    links.push(Link {
                        href: format!("/ke-hoach/{}/quyet-dinh?to-chuc={code}", plan.id),
                        label: plan_label(tk("home.plan_decisions"), &plan.title),
                        note: String::new(),
                    });
                }
            }
            if duty.role == Role::Board {
                links.push(link(
                    format!("/tai-khoan?to-chuc={code}"),
                    tk("home.accounts"),
                    String::new(),
                ));
            }
        }
    }
    DutyRow {
        role: duty.role.name_vi().to_string(),
        place: duty.org.name.clone(),
        links,
    }
}
