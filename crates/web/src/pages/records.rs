//! The records as pages: a member's file as of a chosen day with their dated history
//! (`/dang-vien/{code}`), imports of spreadsheets with every bad row and column shown and nothing
//! imported until the file is clean (`/nhap`), and the audit trail — the chain's verification
//! and the trail of any record (`/nhat-ky`).

use super::format::{day, number};
use super::session::Viewer;
use super::{chrome, error_page, html, html_status, tr};
use crate::ApiState;
use crate::api::views::{DisciplineView, PeriodView, PositionView, TransferView};
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use kiemdiem_app::AppError;
use kiemdiem_app::records::ImportKind;
use kiemdiem_pages::{AuditPage, Choice, ImportPage, Labelled, MemberPage, TextTable, tk};
use serde::Deserialize;

pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/dang-vien/{code}", get(member_page))
        .route("/nhat-ky", get(audit_page))
        .route("/nhap", get(import_page).post(import))
}

#[derive(Debug, Default, Deserialize)]
pub struct DayQuery {
    ngay: Option<String>,
}

fn yes_no(value: bool) -> String {
    tr().t(if value {
        tk("member.yes")
    } else {
        tk("member.no")
    })
    .to_string()
}

fn until(day_to: Option<time::Date>) -> String {
    day_to.map(day).unwrap_or_default()
}

async fn member_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(query): Query<DayQuery>,
) -> Response {
    let tr = tr();
    let app = state.app();
    let on = match query
        .ngay
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(text) => match kiemdiem_app::parse_date(text) {
            Some(on) => on,
            None => {
                let error = AppError::invalid("ngay", tr.fill("error.bad_date", &[("text", text)]));
                return error_page(Some(&viewer), &error);
            }
        },
        None => state.today(),
    };
    let result = async {
        let today = app.member_on_day(&viewer.actor, &code, on).await?;
        let file = app.member_file(&viewer.actor, &code).await?;
        Ok::<_, AppError>((today, file))
    }
    .await;
    let (today, file) = match result {
        Ok(found) => found,
        Err(error) => return error_page(Some(&viewer), &error),
    };
    let details = &today.member.details;
    let label = |key: &str, note: String| Labelled {
        label: tr.t(key).to_string(),
        note,
    };
    let mut facts = vec![
        label(tk("member.card"), today.member.code.clone()),
        label(tk("member.birth"), day(details.birth_date)),
        label(tk("member.admitted"), day(details.admitted_on)),
        label(
            tk("member.official"),
            details
                .official_on
                .map(day)
                .unwrap_or_else(|| tr.t(tk("member.probationary")).to_string()),
        ),
        label(tk("member.civil_servant"), yes_no(details.civil_servant)),
    ];
    if !details.employer_unit.is_empty() {
        facts.push(label(tk("member.employer"), details.employer_unit.clone()));
    }
    if let Some(branch) = &today.official_branch {
        facts.push(label(tk("member.official_branch"), branch.name.clone()));
    }
    if let Some(branch) = &today.temporary_branch {
        facts.push(label(tk("member.temporary_branch"), branch.name.clone()));
    }
    let heads = |keys: &[&str]| keys.iter().map(|k| tr.t(k).to_string()).collect::<Vec<_>>();
    let positions = today
        .positions
        .iter()
        .cloned()
        .map(PositionView::from)
        .map(|p| vec![p.kind_name, p.title, day(p.valid_from), until(p.valid_to)])
        .collect();
    let statuses = file
        .statuses
        .iter()
        .cloned()
        .map(PeriodView::from)
        .map(|p| vec![p.kind_name, day(p.valid_from), until(p.valid_to), p.note])
        .collect();
    let leaves = file
        .leaves
        .iter()
        .cloned()
        .map(PeriodView::from)
        .map(|p| vec![p.kind_name, day(p.valid_from), until(p.valid_to), p.note])
        .collect();
    let memberships = file
        .memberships
        .iter()
        .map(|(m, branch)| {
            let kind = match m.kind {
                kiemdiem_app::directory::MembershipKind::Official => {
                    tr.t(tk("member.official_branch"))
                }
                kiemdiem_app::directory::MembershipKind::Temporary => {
                    tr.t(tk("member.temporary_branch"))
                }
            };
            vec![
                branch.name.clone(),
                kind.to_string(),
                day(m.valid_from),
                until(m.valid_to),
            ]
        })
        .collect();
    let transfers = file
        .transfers
        .iter()
        .cloned()
        .map(TransferView::from)
        .map(|t| vec![day(t.effective_on), t.direction, t.external_org, t.note])
        .collect();
    let disciplines = file
        .disciplines
        .iter()
        .cloned()
        .map(DisciplineView::from)
        .map(|d| vec![d.form_name, day(d.violation_on), day(d.decided_on), d.note])
        .collect();
    let versions = file
        .versions
        .iter()
        .map(|v| {
            vec![
                v.details.full_name.clone(),
                day(v.valid_from),
                until(v.valid_to),
                v.changed_by.clone(),
            ]
        })
        .collect();
    let tables = vec![
        TextTable {
            title: tr.t(tk("member.positions")).to_string(),
            heads: heads(&[
                tk("member.kind"),
                tk("member.note"),
                tk("member.from"),
                tk("member.to"),
            ]),
            rows: positions,
        },
        TextTable {
            title: tr.t(tk("member.statuses")).to_string(),
            heads: heads(&[
                tk("member.kind"),
                tk("member.from"),
                tk("member.to"),
                tk("member.note"),
            ]),
            rows: statuses,
        },
        TextTable {
            title: tr.t(tk("member.leaves")).to_string(),
            heads: heads(&[
                tk("member.kind"),
                tk("member.from"),
                tk("member.to"),
                tk("member.note"),
            ]),
            rows: leaves,
        },
        TextTable {
            title: tr.t(tk("member.memberships")).to_string(),
            heads: heads(&[
                tk("org.branch"),
                tk("member.kind"),
                tk("member.from"),
                tk("member.to"),
            ]),
            rows: memberships,
        },
        TextTable {
            title: tr.t(tk("member.transfers")).to_string(),
            heads: heads(&[
                tk("member.from"),
                tk("member.kind"),
                tk("org.branch"),
                tk("member.note"),
            ]),
            rows: transfers,
        },
        TextTable {
            title: tr.t(tk("member.disciplines")).to_string(),
            heads: heads(&[
                tk("member.form"),
                tk("member.violation"),
                tk("member.decided"),
                tk("member.note"),
            ]),
            rows: disciplines,
        },
        TextTable {
            title: tr.t(tk("member.versions")).to_string(),
            heads: heads(&[
                tk("org.member_name"),
                tk("member.from"),
                tk("member.to"),
                tk("audit.who"),
            ]),
            rows: versions,
        },
    ];
    let page = MemberPage {
        c: chrome(Some(&viewer), &details.full_name, ""),
        code: today.member.code.clone(),
        name: details.full_name.clone(),
        branch: today
            .official_branch
            .as_ref()
            .map(|b| b.name.clone())
            .unwrap_or_default(),
        branch_href: today
            .official_branch
            .as_ref()
            .map(|b| format!("/to-chuc/{}", b.code))
            .unwrap_or_default(),
        as_of: day(on),
        facts,
        tables,
    };
    html(&page)
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(rename = "kiem-tra")]
    verify: Option<String>,
    loai: Option<String>,
    ma: Option<String>,
}

fn entities() -> Vec<Choice> {
    let tr = tr();
    [
        ("subject", tk("audit.subject")),
        ("plan", tk("audit.plan")),
        ("meeting", tk("audit.meeting")),
        ("ballot", tk("audit.ballot")),
        ("org", tk("audit.org")),
        ("member", tk("audit.member")),
        ("account", tk("audit.account")),
        ("login", tk("audit.login")),
    ]
    .into_iter()
    .map(|(code, key)| Choice {
        code: code.to_string(),
        name: tr.t(key).to_string(),
    })
    .collect()
}

async fn audit_page(
    State(state): State<ApiState>,
    viewer: Viewer,
    Query(query): Query<AuditQuery>,
) -> Response {
    let tr = tr();
    let app = state.app();
    let mut page = AuditPage {
        c: chrome(Some(&viewer), tr.t(tk("audit.title")), "/nhat-ky"),
        verified: None,
        intact: false,
        entities: entities(),
        entity: query.loai.clone().unwrap_or_else(|| "subject".to_string()),
        entity_id: query.ma.clone().unwrap_or_default(),
        error: String::new(),
        entries: Vec::new(),
    };
    if query.verify.is_some() {
        match app.verify_audit(&viewer.actor).await {
            Ok(report) => {
                page.intact = report.is_intact();
                page.verified = Some(match &report.first_break {
                    None => tr.fill(
                        tk("audit.intact"),
                        &[
                            ("entries", &number(report.entries as i64)),
                            ("hash", &report.last_hash),
                        ],
                    ),
                    Some(broken) => tr.fill(tk("audit.broken"), &[("message", &broken.message)]),
                });
            }
            Err(error) => return error_page(Some(&viewer), &error),
        }
    }
    if let (Some(entity), Some(id)) = (
        &query.loai,
        query.ma.as_deref().map(str::trim).filter(|m| !m.is_empty()),
    ) {
        match app.audit_trail(&viewer.actor, entity, id).await {
            Ok(entries) if entries.is_empty() => page.error = tr.t(tk("audit.none")).to_string(),
            Ok(entries) => {
                page.entries = entries
                    .iter()
                    .map(|e| {
                        vec![
                            e.seq.to_string(),
                            format!(
                                "{} {:02}:{:02}",
                                day(e.at.date()),
                                e.at.hour(),
                                e.at.minute()
                            ),
                            e.actor.clone(),
                            e.action.clone(),
                            e.reason.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
            }
            Err(error) => return error_page(Some(&viewer), &error),
        }
    }
    html(&page)
}

fn kinds() -> Vec<Choice> {
    let tr = tr();
    [
        ("orgs", tk("import.orgs")),
        ("members", tk("import.members")),
        ("disciplines", tk("import.disciplines")),
    ]
    .into_iter()
    .map(|(code, key)| Choice {
        code: code.to_string(),
        name: tr.t(key).to_string(),
    })
    .collect()
}

fn import_form(viewer: &Viewer, kind: &str) -> ImportPage {
    ImportPage {
        c: chrome(Some(viewer), tr().t(tk("import.title")), "/nhap"),
        kinds: kinds(),
        kind: kind.to_string(),
        error: String::new(),
        report: None,
        problems: Vec::new(),
    }
}

async fn import_page(viewer: Viewer) -> Response {
    html(&import_form(&viewer, "members"))
}

async fn import(
    State(state): State<ApiState>,
    viewer: Viewer,
    mut multipart: Multipart,
) -> Response {
    let tr = tr();
    let mut csrf = None;
    let mut kind = String::from("members");
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name().unwrap_or_default() {
            "_csrf" => csrf = field.text().await.ok(),
            "kind" => kind = field.text().await.unwrap_or_default(),
            "file" => {
                let name = field.file_name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => {
                        let mut page = import_form(&viewer, &kind);
                        page.error = tr.t(tk("error.bad_form")).to_string();
                        return html_status(StatusCode::BAD_REQUEST, &page);
                    }
                }
            }
            _ => {}
        }
    }
    if !viewer.csrf_ok(csrf.as_deref()) {
        return super::refusal_response(StatusCode::FORBIDDEN, tk("error.csrf"));
    }
    let mut page = import_form(&viewer, &kind);
    let Some(import_kind) = ImportKind::parse(&kind) else {
        page.error = tr.t(tk("error.bad_form")).to_string();
        return html_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let (file_name, content) = file.unwrap_or_default();
    let upload = kiemdiem_app::records::Upload {
        file_name,
        content,
        ..Default::default()
    };
    match state
        .app()
        .import_bytes(&viewer.actor, import_kind, &upload)
        .await
    {
        Ok(Ok(report)) => {
            page.report = Some(tr.fill(
                tk("import.done"),
                &[
                    ("rows", &number(report.rows as i64)),
                    ("created", &number(report.created as i64)),
                    ("updated", &number(report.updated as i64)),
                    ("unchanged", &number(report.unchanged as i64)),
                ],
            ));
            html(&page)
        }
        Ok(Err(problems)) => {
            page.problems = problems
                .iter()
                .map(|p| {
                    vec![
                        p.row.map(|r| r.to_string()).unwrap_or_default(),
                        p.column.clone().unwrap_or_default(),
                        p.message.clone(),
                    ]
                })
                .collect();
            html_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(error) if matches!(error.field(), Some("file" | "file_name")) => {
            page.error = error.message().to_string();
            html_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(error) => error_page(Some(&viewer), &error),
    }
}
