//! One subject through the cycle: its page (`/doi-tuong/{id}`: where it stands, last year's
//! shortcomings, the self-review, every body's evaluation side by side with what the rules allow
//! and why, the decisions), the self-review form and the self-evaluation form. Reading and
//! writing go through the app, which decides who may (a member their own, a secretary the
//! branch's report …).

use super::format::day;
use super::session::Viewer;
use super::{chrome, error_page, html, html_status, tr, with_flash};
use crate::ApiState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use kiemdiem_app::AppError;
use kiemdiem_app::evaluation::SelfEvaluation;
use kiemdiem_app::plan::Step;
use kiemdiem_app::state::Stage;
use kiemdiem_pages::{
    Choice, ColumnRow, CriterionGroupInput, CriterionInput, DecisionRow, DissentLine, FindingRow,
    Labelled, Link, SectionInput, SectionText, SelfEvaluationPage, SelfReviewPage, SubjectPage, tk,
};
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_rules::framework::Scale;
use kiemdiem_rules::{Grade, Level, Points};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/doi-tuong/{id}", get(subject_page))
        .route(
            "/doi-tuong/{id}/kiem-diem",
            get(self_review_page).post(save_self_review),
        )
        .route(
            "/doi-tuong/{id}/tu-danh-gia",
            get(self_evaluation_page).post(save_self_evaluation),
        )
}

/// The four levels, highest first.
pub const LEVELS: [Level; 4] = [Level::Htxsnv, Level::Httnv, Level::Htnv, Level::Khtnv];

/// Points in hundredths as people write them: `93`, `9,5`.
pub fn points_text(hundredths: i64) -> String {
    let whole = hundredths / 100;
    let rest = (hundredths % 100).abs();
    match rest {
        0 => whole.to_string(),
        r if r % 10 == 0 => format!("{whole},{}", r / 10),
        r => format!("{whole},{r:02}"),
    }
}

/// Parses points typed as `9`, `9,5` or `9.5`.
pub fn parse_points(text: &str) -> Option<Points> {
    let text = text.trim().replace(',', ".");
    let value: f64 = text.parse().ok()?;
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    Some(Points((value * 100.0).round() as i64))
}

fn parse_id(text: &str) -> Option<Uuid> {
    Uuid::parse_str(text).ok()
}

async fn subject_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return super::not_found_page();
    };
    match build_subject_page(&state, &viewer, id).await {
        Ok(page) => html(&page),
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn build_subject_page(
    state: &ApiState,
    viewer: &Viewer,
    id: Uuid,
) -> Result<SubjectPage, AppError> {
    let tr = tr();
    let app = state.app();
    let actor = &viewer.actor;
    let subject = app.subject(actor, id).await?;
    let plan = app.plan(actor, subject.plan).await?;
    let unit = app.subject_unit(actor, id).await?;
    let form = app.self_review_form(actor, id).await?;
    let review = app.self_review(actor, id).await?;
    let side = app.side_by_side(actor, id).await?;
    let decisions = app.decisions(actor, id).await?;
    let previous = app.previous_year(actor, id).await?;
    let commitment = app.last_commitment(actor, id).await?;
    let evaluations = app.evaluations(actor, id).await?;
    let own = subject.member.is_some() && subject.member == actor.member;
    let self_evaluated = evaluations.iter().any(|e| e.step == "self");
    let next = kiemdiem_app::work::next_step(&plan, &subject, self_evaluated, state.today());
    let mut actions = Vec::new();
    let editable = matches!(subject.stage, Stage::Pending | Stage::SelfReviewed)
        && review
            .as_ref()
            .is_none_or(|r| r.status == "draft" || subject.stage == Stage::SelfReviewed);
    let body = subject.member.is_none();
    if (own || body) && editable && review.as_ref().is_none_or(|r| r.status == "draft") {
        actions.push(Link {
            href: format!("/doi-tuong/{id}/kiem-diem"),
            label: tr.t(tk("subject.write_review")).to_string(),
            note: String::new(),
        });
    }
    if (own || body)
        && subject.framework.is_some()
        && matches!(subject.stage, Stage::Pending | Stage::SelfReviewed)
    {
        actions.push(Link {
            href: format!("/doi-tuong/{id}/tu-danh-gia"),
            label: tr.t(tk("subject.self_evaluate")).to_string(),
            note: String::new(),
        });
    }
    let sections = form
        .sections
        .iter()
        .filter_map(|s| {
            let text = review.as_ref()?.sections.get(s.code)?.clone();
            Some(SectionText {
                title: format!("{}. {}", s.code, s.title),
                text,
            })
        })
        .collect();
    let flags = review
        .as_ref()
        .map(|r| {
            r.flags
                .iter()
                .map(|f| {
                    tr.fill(
                        tk("subject.near_copy"),
                        &[
                            ("other", &f.other_name),
                            ("percent", &format!("{:.0}", f.score * 100.0)),
                        ],
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let columns = side
        .columns
        .iter()
        .filter(|c| c.level.is_some() || c.total.is_some())
        .map(|c| ColumnRow {
            title: format!("({}) {}", c.no, c.title),
            level: c.level.map(|l| l.name_vi().to_string()).unwrap_or_default(),
            points: c.total.map(|p| points_text(p.0)).unwrap_or_default(),
            note: c.note.clone(),
        })
        .collect();
    let (allowed, findings) = match &side.classification {
        Some(c) => (
            Some(c.allowed.name_vi().to_string()),
            c.findings
                .iter()
                .map(|f| FindingRow {
                    message: f.message.clone(),
                    source: f.citation.source.clone(),
                })
                .collect(),
        ),
        None => (None, Vec::new()),
    };
    let decisions = decisions
        .iter()
        .map(|d| DecisionRow {
            version: d.version_no.to_string(),
            kind: decision_kind(&d.kind),
            level: d.level.map(|l| l.name_vi().to_string()).unwrap_or_default(),
            body: d.body.name_vi().to_string(),
            at: day(d.decided_at.date()),
            reason: d.reason.clone().unwrap_or_default(),
            dissents: d
                .dissents
                .iter()
                .map(|x| DissentLine {
                    by: x.recorded_by.clone(),
                    at: day(x.recorded_at.date()),
                    to: x.addressed_to_name.clone().unwrap_or_default(),
                    opinion: x.opinion.clone(),
                })
                .collect(),
        })
        .collect();
    let mut previous_rows = Vec::new();
    if let Some(previous) = previous {
        if let Some(level) = previous.level {
            previous_rows.push(Labelled {
                label: tr.fill(
                    tk("subject.previous_level"),
                    &[("year", &previous.year.to_string())],
                ),
                note: level.name_vi().to_string(),
            });
        }
        for (title, text) in previous.shortcomings {
            previous_rows.push(Labelled {
                label: format!("{title}:"),
                note: text,
            });
        }
        if let Some(conclusion) = previous.conclusion {
            previous_rows.push(Labelled {
                label: tr.t(tk("subject.previous_conclusion")).to_string(),
                note: conclusion,
            });
        }
    }
    // Shortcomings carried from earlier reviews (seed 004 Mẫu 12, 13) and what was done.
    for item in app.subject_remediation(actor, id).await?.carried {
        previous_rows.push(Labelled {
            label: tr.fill(
                tk("subject.carried_shortcoming"),
                &[
                    ("year", &item.found_year.to_string()),
                    ("text", &item.shortcoming),
                ],
            ),
            note: if item.outcome.is_empty() {
                format!("{} — {}", item.status_name, item.measure)
            } else {
                format!("{} — {}", item.status_name, item.outcome)
            },
        });
    }
    // The facts gathered in the year, with their documents, and those still awaited.
    let gathered = app.subject_facts(actor, id).await?;
    let mut facts: Vec<Labelled> = gathered
        .facts
        .iter()
        .filter(|f| f.in_force)
        .map(|f| Labelled {
            label: f.value.describe_vi(),
            note: tr.fill(
                tk("subject.fact_document"),
                &[
                    ("number", &f.document.number),
                    ("date", &day(f.document.date)),
                    ("issuer", &f.document.issuer),
                ],
            ),
        })
        .collect();
    facts.extend(gathered.unknown.iter().map(|f| Labelled {
        label: tr.t(tk("subject.fact_awaited")).to_string(),
        note: format!("{} ({})", f.name, f.code),
    }));
    // The commitment registered last year for this year, beside this year's result.
    if let Some(commitment) = commitment {
        previous_rows.push(Labelled {
            label: tr.fill(
                tk("subject.commitment"),
                &[("year", &commitment.for_year.to_string())],
            ),
            note: if commitment.pledges.is_empty() {
                commitment.target_level_name
            } else {
                format!("{} — {}", commitment.target_level_name, commitment.pledges)
            },
        });
    }
    let participation = subject
        .eligibility
        .as_ref()
        .map(|e| {
            e.reasons
                .iter()
                .map(|r| format!("{} ({})", r.message, r.citation.source))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    let next_text = match next.deadline {
        Some(deadline) => Some(format!(
            "{} — {}",
            next.text,
            tr.fill(
                if next.late {
                    tk("home.late")
                } else {
                    tk("home.deadline")
                },
                &[("day", &day(deadline))]
            )
        )),
        None => Some(next.text),
    };
    Ok(SubjectPage {
        c: chrome(Some(viewer), &subject.name, ""),
        plan: plan.title,
        name: subject.name.clone(),
        kind: subject.kind.name_vi().to_string(),
        unit: unit.name,
        stage: subject.stage.name_vi().to_string(),
        form: form.code,
        next: next_text,
        participation,
        actions,
        previous: previous_rows,
        facts,
        sections,
        flags,
        columns,
        allowed,
        findings,
        decisions,
        id: subject.id.to_string(),
    })
}

fn decision_kind(kind: &str) -> String {
    match kind {
        "decision" => tr().t("subject.kind_decision"),
        "correction" => tr().t("subject.kind_correction"),
        "reopen" => tr().t("subject.kind_reopen"),
        "escalation" => tr().t("subject.kind_escalation"),
        other => other,
    }
    .to_string()
}

/// The self-review form, filled with `typed` (what was sent) or the stored draft.
async fn self_review_form(
    state: &ApiState,
    viewer: &Viewer,
    id: Uuid,
    typed: Option<&BTreeMap<String, String>>,
    error: Option<&AppError>,
) -> Result<SelfReviewPage, AppError> {
    let tr = tr();
    let app = state.app();
    let subject = app.subject(&viewer.actor, id).await?;
    let plan = app.plan(&viewer.actor, subject.plan).await?;
    let form = app.self_review_form(&viewer.actor, id).await?;
    let review = app.self_review(&viewer.actor, id).await?;
    let commitment = app.last_commitment(&viewer.actor, id).await?;
    let field = error.and_then(|e| e.field()).unwrap_or("").to_string();
    let sections = form
        .sections
        .iter()
        .map(|s| {
            let text = match typed {
                Some(typed) => typed.get(s.code).cloned().unwrap_or_default(),
                None => review
                    .as_ref()
                    .and_then(|r| r.sections.get(s.code).cloned())
                    .unwrap_or_default(),
            };
            SectionInput {
                id: s.code.replace('.', "-"),
                code: s.code.to_string(),
                title: s.title.to_string(),
                required: s.required,
                guidance: s.guidance.iter().map(|g| g.to_string()).collect(),
                text,
                invalid: field == format!("sections.{}", s.code),
            }
        })
        .collect::<Vec<_>>();
    let general = !sections.iter().any(|s| s.invalid);
    Ok(SelfReviewPage {
        c: chrome(Some(viewer), tr.t(tk("self_review.title")), ""),
        subject: id.to_string(),
        name: subject.name,
        form: form.code,
        deadline: plan
            .deadline(Step::SelfReview)
            .map(|d| tr.fill(tk("home.deadline"), &[("day", &day(d))])),
        commitment: commitment.map(|c| {
            let label = tr.fill(
                tk("subject.commitment"),
                &[("year", &c.for_year.to_string())],
            );
            if c.pledges.is_empty() {
                format!("{label} {}", c.target_level_name)
            } else {
                format!("{label} {} — {}", c.target_level_name, c.pledges)
            }
        }),
        version: review.map(|r| r.version).unwrap_or(0),
        sections,
        field: if general { String::new() } else { field },
        error: error.map(|e| e.message().to_string()).unwrap_or_default(),
        rules: error
            .map(|e| e.citations().iter().map(|c| c.source.clone()).collect())
            .unwrap_or_default(),
    })
}

async fn self_review_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return super::not_found_page();
    };
    match self_review_form(&state, &viewer, id, None, None).await {
        Ok(page) => html(&page),
        Err(error) => error_page(Some(&viewer), &error),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Flashed {
    #[serde(rename = "da-luu")]
    saved: Option<String>,
}

async fn save_self_review(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    fields: super::Fields,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let version: i64 = value("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let submit = value("action").as_deref() == Some("submit");
    let sections: BTreeMap<String, String> = fields
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("section.")
                .map(|code| (code.to_string(), v.clone()))
        })
        .collect();
    let app = state.app();
    let result = async {
        let saved = app
            .save_self_review(&viewer.actor, id, version, sections.clone())
            .await?;
        if submit {
            app.submit_self_review(&viewer.actor, id, saved.version, state.today(), None)
                .await?;
        }
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) if submit => Redirect::to(&format!("/doi-tuong/{id}?da-nop=1")).into_response(),
        Ok(()) => {
            let mut page = match self_review_form(&state, &viewer, id, None, None).await {
                Ok(page) => page,
                Err(error) => return error_page(Some(&viewer), &error),
            };
            page.c = with_flash(page.c, "ok", tr().t(tk("self_review.saved")));
            html(&page)
        }
        Err(error) if super::on_the_form(&error) => {
            match self_review_form(&state, &viewer, id, Some(&sections), Some(&error)).await {
                Ok(page) => html_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(error) => error_page(Some(&viewer), &error),
            }
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}

/// What the self-evaluation form was sent with (or holds).
#[derive(Debug, Default, Clone)]
struct Typed {
    values: BTreeMap<String, String>,
    tasks: (String, String, String, String),
    proposed: String,
    note: String,
}

async fn self_evaluation_form(
    state: &ApiState,
    viewer: &Viewer,
    id: Uuid,
    typed: Option<&Typed>,
    error: Option<&AppError>,
    result: Option<String>,
) -> Result<SelfEvaluationPage, AppError> {
    let tr = tr();
    let app = state.app();
    let subject = app.subject(&viewer.actor, id).await?;
    let framework = app
        .subject_framework(&viewer.actor, id)
        .await?
        .ok_or_else(|| AppError::invalid("framework", tr.t("self_evaluation.no_framework")))?;
    let stored = app
        .evaluations(&viewer.actor, id)
        .await?
        .into_iter()
        .find(|e| e.step == "self");
    let points = framework.scale == Scale::Points;
    let field = error.and_then(|e| e.field()).unwrap_or("").to_string();
    let stored_input = stored.as_ref().and_then(|e| e.score.as_ref());
    let value_of = |leaf: &str| -> String {
        if let Some(typed) = typed {
            return typed.values.get(leaf).cloned().unwrap_or_default();
        }
        let Some(sheet) = stored_input else {
            return String::new();
        };
        let Some(score) = sheet.criteria.iter().find(|c| c.id == leaf) else {
            return String::new();
        };
        score
            .points
            .map(|p| points_text(p.0))
            .or_else(|| score.grade.map(|g| grade_code(g).to_string()))
            .unwrap_or_default()
    };
    let mut groups = Vec::new();
    for top in &framework.criteria {
        let leaves: Vec<&kiemdiem_rules::framework::Criterion> = collect_leaves(top);
        let items = leaves
            .iter()
            .map(|leaf| CriterionInput {
                id: leaf.id.clone(),
                title: leaf.title.clone(),
                max: leaf
                    .max_points
                    .map(|p| points_text(p.0))
                    .unwrap_or_default(),
                value: value_of(&leaf.id),
                invalid: field.contains(&leaf.id),
            })
            .collect();
        groups.push(CriterionGroupInput {
            title: top.title.clone(),
            max: top.max_points.map(|p| points_text(p.0)).unwrap_or_default(),
            items,
        });
    }
    let tasks = match typed {
        Some(typed) => typed.tasks.clone(),
        None => match stored.as_ref().and_then(|e| e.tasks) {
            Some(t) => (
                t.assigned.to_string(),
                t.completed.to_string(),
                t.on_time.to_string(),
                t.exceeded.to_string(),
            ),
            None => Default::default(),
        },
    };
    Ok(SelfEvaluationPage {
        c: chrome(Some(viewer), tr.t(tk("self_evaluation.title")), ""),
        subject: id.to_string(),
        name: subject.name,
        framework: format!("{} — {}", framework.title, framework.source),
        version: stored.as_ref().map(|e| e.version).unwrap_or(0),
        points,
        groups,
        grades: [Grade::XuatSac, Grade::Tot, Grade::TrungBinh, Grade::Kem]
            .into_iter()
            .map(|g| Choice {
                code: grade_code(g).to_string(),
                name: g.name_vi().to_string(),
            })
            .collect(),
        levels: LEVELS
            .into_iter()
            .map(|l| Choice {
                code: l.code().to_string(),
                name: l.name_vi().to_string(),
            })
            .collect(),
        tasks,
        proposed: typed
            .map(|t| t.proposed.clone())
            .or_else(|| {
                stored
                    .as_ref()
                    .and_then(|e| e.level.map(|l| l.code().to_string()))
            })
            .unwrap_or_default(),
        note: typed
            .map(|t| t.note.clone())
            .or_else(|| stored.as_ref().map(|e| e.note.clone()))
            .unwrap_or_default(),
        result,
        field: if groups_have_field(&field) {
            field
        } else {
            String::new()
        },
        error: error.map(|e| e.message().to_string()).unwrap_or_default(),
        rules: error
            .map(|e| e.citations().iter().map(|c| c.source.clone()).collect())
            .unwrap_or_default(),
    })
}

/// Whether an error's field is shown next to an input (else it is shown at the top).
fn groups_have_field(field: &str) -> bool {
    field.starts_with("input")
        || field.starts_with("points")
        || field.starts_with("grades")
        || field.starts_with("tasks")
        || field == "proposed"
}

fn collect_leaves(
    criterion: &kiemdiem_rules::framework::Criterion,
) -> Vec<&kiemdiem_rules::framework::Criterion> {
    if criterion.children.is_empty() {
        return vec![criterion];
    }
    criterion.children.iter().flat_map(collect_leaves).collect()
}

fn grade_code(grade: Grade) -> &'static str {
    match grade {
        Grade::XuatSac => "xuat_sac",
        Grade::Tot => "tot",
        Grade::TrungBinh => "trung_binh",
        Grade::Kem => "kem",
    }
}

async fn self_evaluation_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(flashed): Query<Flashed>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return super::not_found_page();
    };
    let _ = flashed.saved;
    match self_evaluation_form(&state, &viewer, id, None, None, None).await {
        Ok(page) => html(&page),
        Err(error) => error_page(Some(&viewer), &error),
    }
}

async fn save_self_evaluation(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(id): Path<String>,
    fields: super::Fields,
) -> Response {
    let tr = tr();
    let Some(id) = parse_id(&id) else {
        return super::not_found_page();
    };
    if let Some(refused) = super::csrf_refusal(&viewer, &fields) {
        return refused;
    }
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut typed = Typed {
        tasks: (
            value("tasks.assigned"),
            value("tasks.completed"),
            value("tasks.on_time"),
            value("tasks.exceeded"),
        ),
        proposed: value("proposed"),
        note: value("note"),
        ..Typed::default()
    };
    let mut input = SelfEvaluation::default();
    let mut problem: Option<AppError> = None;
    for (key, text) in fields.iter() {
        if let Some(leaf) = key.strip_prefix("points.") {
            typed.values.insert(leaf.to_string(), text.clone());
            if text.trim().is_empty() {
                continue;
            }
            match parse_points(text) {
                Some(points) => {
                    input.input.points.insert(leaf.to_string(), points);
                }
                None => {
                    problem.get_or_insert(AppError::invalid(
                        format!("points.{leaf}"),
                        tr.fill(tk("self_evaluation.bad_number"), &[("value", text)]),
                    ));
                }
            }
        } else if let Some(leaf) = key.strip_prefix("grade.") {
            typed.values.insert(leaf.to_string(), text.clone());
            let grade = match text.as_str() {
                "xuat_sac" => Some(Grade::XuatSac),
                "tot" => Some(Grade::Tot),
                "trung_binh" => Some(Grade::TrungBinh),
                "kem" => Some(Grade::Kem),
                _ => None,
            };
            if let Some(grade) = grade {
                input.input.grades.insert(leaf.to_string(), grade);
            }
        }
    }
    let count = |text: &str, field: &str, problem: &mut Option<AppError>| -> u32 {
        if text.is_empty() {
            return 0;
        }
        text.parse().unwrap_or_else(|_| {
            problem.get_or_insert(AppError::invalid(
                field.to_string(),
                tr.fill(tk("self_evaluation.bad_count"), &[("value", text)]),
            ));
            0
        })
    };
    let (a, c, o, e) = typed.tasks.clone();
    if !(a.is_empty() && c.is_empty() && o.is_empty() && e.is_empty()) {
        input.tasks = Some(TaskResults {
            assigned: count(&a, "tasks.assigned", &mut problem),
            completed: count(&c, "tasks.completed", &mut problem),
            on_time: count(&o, "tasks.on_time", &mut problem),
            exceeded: count(&e, "tasks.exceeded", &mut problem),
        });
    }
    input.proposed = Level::parse(&typed.proposed);
    input.note = typed.note.clone();
    let version: i64 = value("version").parse().unwrap_or(0);
    let outcome = match problem {
        Some(problem) => Err(problem),
        None => {
            state
                .app()
                .self_evaluate(&viewer.actor, id, version, input)
                .await
        }
    };
    match outcome {
        Ok(view) => {
            let total = view
                .score
                .as_ref()
                .and_then(|s| s.total)
                .map(|p| points_text(p.0))
                .unwrap_or_default();
            let level = view
                .score
                .as_ref()
                .map(|s| s.level)
                .or(view.level)
                .map(|l| l.name_vi().to_string())
                .unwrap_or_default();
            let result = tr.fill(
                tk("self_evaluation.saved"),
                &[("total", &total), ("level", &level)],
            );
            match self_evaluation_form(&state, &viewer, id, None, None, Some(result)).await {
                Ok(page) => html(&page),
                Err(error) => error_page(Some(&viewer), &error),
            }
        }
        Err(error) if super::on_the_form(&error) => {
            match self_evaluation_form(&state, &viewer, id, Some(&typed), Some(&error), None).await
            {
                Ok(page) => html_status(StatusCode::UNPROCESSABLE_ENTITY, &page),
                Err(error) => error_page(Some(&viewer), &error),
            }
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}
