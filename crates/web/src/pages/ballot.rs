//! `/phieu/{id}`: a member's ballot paper, phone first — one compact list of the names with a
//! level to choose for each, a confirmation showing the choices, then "đã bỏ phiếu". After the
//! paper is cast nothing shows what was chosen: the page says only that it was recorded. The
//! voter is the signed-in account's own member (`App::cast_ballot`), never a field of the form.

use super::session::Viewer;
use super::subject::LEVELS;
use super::{chrome, error_page, html, html_status, tr};
use crate::ApiState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use kiemdiem_app::ErrorCode;
use kiemdiem_app::work::Paper;
use kiemdiem_pages::{BallotPage, Choice, PaperSubject, tk};
use kiemdiem_rules::Level;
use kiemdiem_rules::ballot::Vote;
use std::collections::BTreeMap;
use uuid::Uuid;

pub fn routes() -> Router<ApiState> {
    Router::new().route("/phieu/{id}", get(paper_page).post(paper_post))
}

fn choices() -> Vec<Choice> {
    let mut out: Vec<Choice> = LEVELS
        .into_iter()
        .map(|l| Choice {
            code: l.code().to_string(),
            name: l.name_vi().to_string(),
        })
        .collect();
    out.push(Choice {
        code: "blank".to_string(),
        name: tr().t(tk("ballot.blank")).to_string(),
    });
    out
}

fn choice_name(code: &str) -> String {
    choices()
        .into_iter()
        .find(|c| c.code == code)
        .map(|c| c.name)
        .unwrap_or_else(|| tr().t(tk("ballot.blank")).to_string())
}

fn page(viewer: &Viewer, paper: &Paper, chosen: &BTreeMap<Uuid, String>) -> BallotPage {
    BallotPage {
        c: chrome(Some(viewer), tr().t(tk("ballot.title")), ""),
        ballot: paper.ballot.to_string(),
        meeting: format!(
            "{} — {}",
            paper.meeting_title,
            super::format::day(paper.held_on)
        ),
        subjects: paper
            .subjects
            .iter()
            .map(|(id, name)| {
                let choice = chosen.get(id).cloned().unwrap_or_default();
                PaperSubject {
                    id: id.to_string(),
                    name: name.clone(),
                    choice_name: choice_name(&choice),
                    choice,
                }
            })
            .collect(),
        choices: choices(),
        confirm: false,
        done: paper.voted,
        error: String::new(),
    }
}

async fn paper_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return super::not_found_page();
    };
    match state.app().ballot_paper(&viewer.actor, id).await {
        Ok(paper) => {
            let mut page = page(&viewer, &paper, &BTreeMap::new());
            if !paper.open && !paper.voted {
                page.error = tr().t(tk("ballot.closed")).to_string();
                page.subjects.clear();
            }
            html(&page)
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn paper_post(
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
    let paper = match state.app().ballot_paper(&viewer.actor, id).await {
        Ok(paper) => paper,
        Err(error) => return error_page(Some(&viewer), &error),
    };
    let chosen: BTreeMap<Uuid, String> = fields
        .iter()
        .filter_map(|(k, v)| {
            let subject = Uuid::parse_str(k.strip_prefix("vote.")?).ok()?;
            paper
                .subjects
                .iter()
                .any(|(s, _)| *s == subject)
                .then(|| (subject, v.clone()))
        })
        .collect();
    let step = fields
        .iter()
        .find(|(k, _)| k == "buoc")
        .map(|(_, v)| v.as_str())
        .unwrap_or("xem");
    if step != "gui" {
        let mut page = page(&viewer, &paper, &chosen);
        page.confirm = !paper.voted;
        return html(&page);
    }
    let votes: BTreeMap<Uuid, Vote> = chosen
        .iter()
        .map(|(subject, code)| {
            let vote = Level::parse(code).map(Vote::For).unwrap_or(Vote::Blank);
            (*subject, vote)
        })
        .collect();
    if let Some(member) = viewer.actor.member
        && let Err(error) = state.limiters().cast(&member.to_string())
    {
        let mut page = page(&viewer, &paper, &chosen);
        page.error = error.message().to_string();
        return html_status(StatusCode::TOO_MANY_REQUESTS, &page);
    }
    let voter = viewer.actor.member.unwrap_or_default();
    match state
        .app()
        .cast_ballot(&viewer.actor, id, voter, &votes)
        .await
    {
        Ok(()) => {
            let mut page = page(&viewer, &paper, &BTreeMap::new());
            page.done = true;
            page.subjects.clear();
            html(&page)
        }
        Err(error) if error.error_code() == ErrorCode::AlreadyVoted => {
            let mut page = page(&viewer, &paper, &BTreeMap::new());
            page.done = true;
            page.subjects.clear();
            html_status(StatusCode::CONFLICT, &page)
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}
