//! `/hoi-nghi/{id}`: the meeting console — the agenda in the rules' order, recording each
//! review (a refusal shown where it happened, with the rule and its source: out of order, the
//! notice not given …), the secret ballot (prepare, open, the live count of papers cast without
//! a vote shown, close and count; paper tallies), and closing the meeting with its minutes.

use super::format::{day, number};
use super::session::Viewer;
use super::subject::LEVELS;
use super::{chrome, error_page, html, html_status, tr};
use super::{field, sources};
use crate::ApiState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kiemdiem_app::AppError;
use kiemdiem_app::ballot::{Ballot, BallotMode, RollAdjustments};
use kiemdiem_app::meeting::{MeetingClose, ReviewRecord};
use kiemdiem_pages::{
    AgendaRow, BallotCount, BallotPanel, Choice, MeetingPage, NamedId, ResultRow, tk,
};
use kiemdiem_rules::ballot::{BallotOutcome, Tally};
use kiemdiem_rules::eligibility::Participation;
use std::collections::BTreeMap;
use uuid::Uuid;

pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/hoi-nghi/{id}", get(meeting_page))
        .route("/hoi-nghi/{id}/kiem-diem/{subject}", post(record_review))
        .route("/hoi-nghi/{id}/phieu", post(prepare_ballot))
        .route("/hoi-nghi/{id}/phieu/{ballot}/mo", post(open_ballot))
        .route("/hoi-nghi/{id}/phieu/{ballot}/dong", post(close_ballot))
        .route(
            "/hoi-nghi/{id}/phieu/{ballot}/kiem-phieu",
            post(enter_tallies),
        )
        .route("/hoi-nghi/{id}/phieu/{ballot}/dem", get(live_count))
        .route("/hoi-nghi/{id}/ket-thuc", post(close_meeting))
}

/// Where a refused action's error goes on the page, and what was typed.
#[derive(Debug, Default)]
struct Problem<'a> {
    /// The subject whose review was refused.
    subject: Option<Uuid>,
    ballot: bool,
    close: bool,
    error: Option<&'a AppError>,
    typed: BTreeMap<String, String>,
}

fn count_text(ballot: &Ballot) -> String {
    let tr = tr();
    match ballot.status.as_str() {
        "open" => tr.fill(
            tk("meeting.count_open"),
            &[
                ("voted", &number(ballot.voted as i64)),
                ("entitled", &number(ballot.entitled as i64)),
            ],
        ),
        "closed" => tr.fill(
            tk("meeting.count_closed"),
            &[("cast", &number(ballot.papers_cast))],
        ),
        _ => tr.fill(
            tk("meeting.count_prepared"),
            &[("entitled", &number(ballot.agenda.len() as i64))],
        ),
    }
}

fn outcome_text(outcome: &BallotOutcome) -> String {
    match outcome {
        BallotOutcome::Level {
            level, votes, base, ..
        } => {
            format!("{} ({votes}/{base})", level.name_vi())
        }
        BallotOutcome::NoMajority { .. } => tr().t(tk("meeting.no_majority")).to_string(),
    }
}

fn counts(tally: &Tally) -> Vec<String> {
    LEVELS
        .into_iter()
        .map(|l| number(i64::from(tally.levels.get(l))))
        .collect()
}

async fn build(
    state: &ApiState,
    viewer: &Viewer,
    id: Uuid,
    problem: Problem<'_>,
) -> Result<MeetingPage, AppError> {
    let tr = tr();
    let app = state.app();
    let actor = &viewer.actor;
    let meeting = app.meeting(actor, id).await?;
    let unit = {
        let mut label = None;
        if let Some(item) = meeting.items.first() {
            label = app.subject_unit(actor, item.subject).await.ok();
        }
        label
    };
    let mut names: BTreeMap<Uuid, String> = BTreeMap::new();
    let mut items = Vec::with_capacity(meeting.items.len());
    for item in &meeting.items {
        let subject = app.subject(actor, item.subject).await?;
        names.insert(subject.id, subject.name.clone());
        let here = problem.subject == Some(item.subject);
        let typed = |name: &str| {
            if here {
                problem.typed.get(name).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        items.push(AgendaRow {
            subject: item.subject.to_string(),
            name: subject.name.clone(),
            kind: subject.kind.name_vi().to_string(),
            stage: subject.stage.name_vi().to_string(),
            reviewed: item.reviewed,
            absent: item.absent,
            conclusion: item.conclusion.clone(),
            votable: item.reviewed
                && subject.kind.is_member()
                && subject.participation == Participation::ReviewAndClassify,
            error: if here {
                problem
                    .error
                    .map(|e| e.message().to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            },
            rules: if here {
                problem.error.map(sources).unwrap_or_default()
            } else {
                Vec::new()
            },
            typed_comments: typed("comments"),
            typed_conclusion: typed("conclusion"),
            typed_chair: typed("chaired_by"),
            typed_override: typed("override_reason"),
        });
    }
    let open = meeting.status != "closed";
    let ballots = app.ballots(actor, id).await?;
    let mut panels = Vec::with_capacity(ballots.len());
    for (n, ballot) in ballots.iter().enumerate() {
        let electronic = ballot.mode == "electronic";
        panels.push(BallotPanel {
            id: ballot.id.to_string(),
            label: tr.fill(
                tk("meeting.ballot_label"),
                &[
                    ("n", &(n + 1).to_string()),
                    (
                        "mode",
                        tr.t(if electronic {
                            tk("meeting.electronic")
                        } else {
                            tk("meeting.paper")
                        }),
                    ),
                ],
            ),
            status: tr
                .t(match ballot.status.as_str() {
                    "open" => tk("meeting.ballot_open"),
                    "closed" => tk("meeting.ballot_closed"),
                    _ => tk("meeting.ballot_prepared"),
                })
                .to_string(),
            count: count_text(ballot),
            live: ballot.status == "open" && electronic,
            version: ballot.version,
            can_open: open && ballot.status == "prepared",
            can_close: open && ballot.status == "open" && electronic,
            can_tally: open && ballot.status == "open" && !electronic,
            subjects: ballot
                .agenda
                .iter()
                .map(|s| NamedId {
                    id: s.to_string(),
                    name: names.get(s).cloned().unwrap_or_default(),
                })
                .collect(),
            results: ballot
                .results
                .iter()
                .map(|r| ResultRow {
                    name: r.name.clone(),
                    counts: counts(&r.tally),
                    blank: number(i64::from(r.tally.blank)),
                    outcome: outcome_text(&r.outcome),
                })
                .collect(),
        });
    }
    let present = meeting.attendees.iter().filter(|a| a.present).count();
    let typed = |name: &str, default: String| {
        if problem.close {
            problem.typed.get(name).cloned().unwrap_or(default)
        } else {
            default
        }
    };
    Ok(MeetingPage {
        c: chrome(Some(viewer), &meeting.title, ""),
        id: id.to_string(),
        org_code: unit.as_ref().map(|u| u.code.clone()).unwrap_or_default(),
        org_name: unit.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        title: meeting.title.clone(),
        held_on: day(meeting.held_on),
        place: meeting.place.clone(),
        chair: meeting.chair.clone(),
        status: tr
            .t(if open {
                tk("meeting.status_open")
            } else {
                tk("meeting.status_closed")
            })
            .to_string(),
        attendance: tr.fill(
            tk("meeting.attendance_count"),
            &[
                ("present", &present.to_string()),
                ("total", &meeting.attendees.len().to_string()),
            ],
        ),
        open,
        version: meeting.version,
        attendees: meeting
            .attendees
            .iter()
            .filter(|a| a.present)
            .filter_map(|a| {
                a.member.map(|m| Choice {
                    code: m.to_string(),
                    name: a.name.clone(),
                })
            })
            .collect(),
        items,
        ballots: panels,
        levels: LEVELS
            .into_iter()
            .map(|l| Choice {
                code: l.code().to_string(),
                name: l.name_vi().to_string(),
            })
            .collect(),
        ballot_error: if problem.ballot {
            problem
                .error
                .map(|e| e.message().to_string())
                .unwrap_or_default()
        } else {
            String::new()
        },
        ballot_rules: if problem.ballot {
            problem.error.map(sources).unwrap_or_default()
        } else {
            Vec::new()
        },
        close_error: if problem.close {
            problem
                .error
                .map(|e| e.message().to_string())
                .unwrap_or_default()
        } else {
            String::new()
        },
        close_rules: if problem.close {
            problem.error.map(sources).unwrap_or_default()
        } else {
            Vec::new()
        },
        typed_half_days: typed(
            "half_days",
            meeting.half_days.map(|h| h.to_string()).unwrap_or_default(),
        ),
        typed_minutes: typed("minutes", meeting.minutes.clone()),
        typed_conclusion: typed("conclusion", meeting.conclusion.clone()),
        typed_override: typed("override_reason", String::new()),
        minutes: meeting.minutes.clone(),
        conclusion: meeting.conclusion.clone(),
    })
}

async fn meeting_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return super::not_found_page();
    };
    match build(&state, &viewer, id, Problem::default()).await {
        Ok(page) => html(&page),
        Err(error) => error_page(Some(&viewer), &error),
    }
}

/// After an action: back to the console, or the console again with the refusal in place.
async fn answer(
    state: &ApiState,
    viewer: &Viewer,
    id: Uuid,
    anchor: &str,
    result: Result<(), AppError>,
    problem: impl FnOnce(&AppError) -> Problem<'_>,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/hoi-nghi/{id}{anchor}")).into_response(),
        Err(error) if super::on_the_form(&error) => {
            let problem = problem(&error);
            match build(state, viewer, id, problem).await {
                Ok(page) => html_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(error) => error_page(Some(viewer), &error),
            }
        }
        Err(error) => error_page(Some(viewer), &error),
    }
}

fn parse_ids(id: &str, other: Option<&str>) -> Option<(Uuid, Option<Uuid>)> {
    let id = Uuid::parse_str(id).ok()?;
    match other {
        Some(other) => Some((id, Some(Uuid::parse_str(other).ok()?))),
        None => Some((id, None)),
    }
}

async fn record_review(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path((id, subject)): Path<(String, String)>,
    fields: super::Fields,
) -> Response {
    let Some((id, Some(subject))) = parse_ids(&id, Some(&subject)) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let app = state.app();
    let chair_text = field(&fields, "chaired_by");
    let result = async {
        let chaired_by = if chair_text.is_empty() {
            None
        } else {
            Some(
                app.member_id(&viewer.actor, &chair_text, "chaired_by")
                    .await?,
            )
        };
        let override_reason = Some(field(&fields, "override_reason")).filter(|r| !r.is_empty());
        app.record_review(
            &viewer.actor,
            id,
            subject,
            ReviewRecord {
                present: field(&fields, "present") == "1",
                comments: field(&fields, "comments"),
                conclusion: field(&fields, "conclusion"),
                chaired_by,
                chaired_by_name: None,
                override_reason,
            },
        )
        .await
        .map(|_| ())
    }
    .await;
    let typed: BTreeMap<String, String> = fields.iter().cloned().collect();
    answer(
        &state,
        &viewer,
        id,
        &format!("#m-{subject}"),
        result,
        |error| Problem {
            subject: Some(subject),
            error: Some(error),
            typed,
            ..Problem::default()
        },
    )
    .await
}

async fn prepare_ballot(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    fields: super::Fields,
) -> Response {
    let Some((id, _)) = parse_ids(&id, None) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let agenda: Vec<Uuid> = fields
        .iter()
        .filter(|(k, _)| k == "agenda")
        .filter_map(|(_, v)| Uuid::parse_str(v).ok())
        .collect();
    let mode = if field(&fields, "mode") == "paper" {
        BallotMode::Paper
    } else {
        BallotMode::Electronic
    };
    let result = state
        .app()
        .prepare_ballot(&viewer.actor, id, mode, agenda)
        .await
        .map(|_| ());
    answer(&state, &viewer, id, "", result, |error| Problem {
        ballot: true,
        error: Some(error),
        ..Problem::default()
    })
    .await
}

async fn open_ballot(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path((id, ballot)): Path<(String, String)>,
    fields: super::Fields,
) -> Response {
    let Some((id, Some(ballot))) = parse_ids(&id, Some(&ballot)) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let version: i64 = field(&fields, "version").parse().unwrap_or(0);
    let result = state
        .app()
        .open_ballot(&viewer.actor, ballot, version, RollAdjustments::default())
        .await
        .map(|_| ());
    answer(&state, &viewer, id, "", result, |error| Problem {
        ballot: true,
        error: Some(error),
        ..Problem::default()
    })
    .await
}

async fn close_ballot(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path((id, ballot)): Path<(String, String)>,
    fields: super::Fields,
) -> Response {
    let Some((id, Some(ballot))) = parse_ids(&id, Some(&ballot)) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let version: i64 = field(&fields, "version").parse().unwrap_or(0);
    let result = state
        .app()
        .close_ballot(&viewer.actor, ballot, version)
        .await
        .map(|_| ());
    answer(&state, &viewer, id, "", result, |error| Problem {
        ballot: true,
        error: Some(error),
        ..Problem::default()
    })
    .await
}

async fn enter_tallies(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path((id, ballot)): Path<(String, String)>,
    fields: super::Fields,
) -> Response {
    let Some((id, Some(ballot))) = parse_ids(&id, Some(&ballot)) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let mut tallies: BTreeMap<Uuid, Tally> = BTreeMap::new();
    let mut bad = None;
    for (key, value) in fields.iter() {
        let Some(rest) = key.strip_prefix("t.") else {
            continue;
        };
        let Some((subject, what)) = rest.split_once('.') else {
            continue;
        };
        let Ok(subject) = Uuid::parse_str(subject) else {
            continue;
        };
        let text = value.trim();
        let n: u32 = if text.is_empty() {
            0
        } else {
            match text.parse() {
                Ok(n) => n,
                Err(_) => {
                    bad.get_or_insert(AppError::invalid(
                        key.clone(),
                        tr().fill("meeting.bad_votes", &[("text", text)]),
                    ));
                    0
                }
            }
        };
        let tally = tallies.entry(subject).or_default();
        match what {
            "blank" => tally.blank = n,
            "invalid" => tally.invalid = n,
            code => {
                if let Some(level) = kiemdiem_rules::Level::parse(code) {
                    for _ in 0..n {
                        tally.levels.add(level);
                    }
                }
            }
        }
    }
    let version: i64 = field(&fields, "version").parse().unwrap_or(0);
    let result = match bad {
        Some(error) => Err(error),
        None => state
            .app()
            .enter_tallies(&viewer.actor, ballot, version, tallies)
            .await
            .map(|_| ()),
    };
    answer(&state, &viewer, id, "", result, |error| Problem {
        ballot: true,
        error: Some(error),
        ..Problem::default()
    })
    .await
}

/// The live count of papers cast (never a vote): an htmx fragment, polled every 2 s.
async fn live_count(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path((id, ballot)): Path<(String, String)>,
) -> Response {
    let Some((id, Some(ballot))) = parse_ids(&id, Some(&ballot)) else {
        return super::not_found_page();
    };
    match state.app().ballot(&viewer.actor, ballot).await {
        Ok(current) if current.meeting == id => html(&BallotCount {
            meeting: id.to_string(),
            ballot: ballot.to_string(),
            count: count_text(&current),
            live: current.status == "open",
        }),
        Ok(_) => super::not_found_page(),
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn close_meeting(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    fields: super::Fields,
) -> Response {
    let Some((id, _)) = parse_ids(&id, None) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let half_text = field(&fields, "half_days");
    let result = match half_text.parse::<i64>() {
        Err(_) => Err(AppError::invalid(
            "half_days",
            tr().fill("meeting.bad_sessions", &[("text", &half_text)]),
        )),
        Ok(half_days) => state
            .app()
            .close_meeting(
                &viewer.actor,
                id,
                MeetingClose {
                    version: field(&fields, "version").parse().unwrap_or(0),
                    half_days,
                    minutes: field(&fields, "minutes"),
                    conclusion: field(&fields, "conclusion"),
                    override_reason: Some(field(&fields, "override_reason"))
                        .filter(|r| !r.is_empty()),
                },
            )
            .await
            .map(|_| ()),
    };
    let typed: BTreeMap<String, String> = fields.iter().cloned().collect();
    answer(&state, &viewer, id, "", result, |error| Problem {
        close: true,
        error: Some(error),
        typed,
        ..Problem::default()
    })
    .await
}
