//! The authorization walk: for every operation of the OpenAPI document × every role × a record
//! inside and one outside the role's scope, the answer is allowed or `403` exactly as the table
//! in `docs/access.md` says (the test reads the table, so the document and the test are one
//! source, and a route missing from the table fails here). Anonymous requests get `401`
//! everywhere but the health check and signing in.
//!
//! The roles are real accounts with API tokens (no development header): granted on a commune
//! (`XA1`) and on one of its branches (`CB11`); *outside* is the branch `CB21` of another
//! commune. Operations that consume what they act on (withdrawing a discipline, revoking a grant
//! or a token) get a fresh record for every request.

use crate::support::{TestApp, api_test, day};
use kiemdiem_app::accounts::{NewAccount, RoleGrant};
use kiemdiem_app::ballot::{BallotMode, RollAdjustments};
use kiemdiem_app::discipline::MemberDisciplineInput;
use kiemdiem_app::meeting::{Attendee, NewMeeting};
use kiemdiem_app::plan::NewPlan;
use kiemdiem_app::{Actor, App, Role, Security};
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::{DisciplineForm, OrgKind, PositionKind, SubjectKind};
use kiemdiem_store::cycle::evaluation::EscalationRow;
use kiemdiem_store::leadership::{CollectiveKind, Holder, NewCollective, NewPosition};
use kiemdiem_store::org::NewOrg;
use kiemdiem_store::people::{MemberDetails, NewMember};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use uuid::Uuid;

api_test!(every_route_every_role_inside_and_outside);

/// The roles, in the table's column order.
const COLUMNS: [&str; 8] = [
    "admin",
    "board",
    "committee",
    "branch_secretary",
    "branch_committee",
    "member",
    "participating_body",
    "inspection",
];

/// What a cell of the table allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Anywhere,
    Inside,
    Own,
    Body,
    Never,
}

fn parse_cell(text: &str) -> Cell {
    match text.trim() {
        "*" => Cell::Anywhere,
        "✓" => Cell::Inside,
        "own" => Cell::Own,
        "body" => Cell::Body,
        "—" => Cell::Never,
        other => panic!("docs/access.md: unknown cell «{other}»"),
    }
}

/// The table of `docs/access.md`: operation → the cell of each role.
fn table() -> BTreeMap<String, [Cell; 8]> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/access.md");
    let text = std::fs::read_to_string(path).expect("docs/access.md");
    let mut rows = BTreeMap::new();
    let mut in_table = false;
    for line in text.lines() {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if line.starts_with("| operation |") {
            assert_eq!(
                &cells[1..],
                &COLUMNS,
                "docs/access.md: the columns are the roles"
            );
            in_table = true;
            continue;
        }
        if !in_table || line.starts_with("|---") {
            continue;
        }
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        assert_eq!(cells.len(), 9, "docs/access.md: row «{line}»");
        let parsed: Vec<Cell> = cells[1..].iter().map(|c| parse_cell(c)).collect();
        let previous = rows.insert(cells[0].to_string(), parsed.try_into().expect("8 cells"));
        assert!(previous.is_none(), "docs/access.md: {} twice", cells[0]);
    }
    rows
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Inside,
    Outside,
}

/// What the walk acts on.
struct Fixture {
    app: App,
    /// Role → (login, bearer token).
    accounts: BTreeMap<&'static str, (String, String)>,
    plan: [Uuid; 2],
    /// A member's subject decided by the commune (inside) / by the other commune (outside).
    subject: [Uuid; 2],
    /// The member account's own subject.
    own_subject: Uuid,
    /// The commune's and the branch's own subjects (the bodies' reports), and the outside branch's.
    commune_subject: Uuid,
    branch_subject: [Uuid; 2],
    member_code: [String; 2],
    own_member_code: String,
    branch_code: [&'static str; 2],
    commune_code: [&'static str; 2],
    collective_code: [&'static str; 2],
    meeting: [Uuid; 2],
    closing_meeting: [Uuid; 2],
    ballot: [Uuid; 2],
    casting_ballot: [Uuid; 2],
    escalation: [Uuid; 2],
    /// Accounts managed in the branch (inside) and in the other branch (outside).
    managed_login: [String; 2],
    members: [Uuid; 2],
    fresh: AtomicUsize,
}

impl Fixture {
    fn side(&self, side: Side) -> usize {
        match side {
            Side::Inside => 0,
            Side::Outside => 1,
        }
    }

    fn next(&self) -> usize {
        self.fresh.fetch_add(1, Ordering::Relaxed)
    }
}

async fn every_route_every_role_inside_and_outside(app: &TestApp) {
    let fixture = build(app).await;
    let table = table();
    let document: Value = app.get_ok("/api/openapi.json").await;
    let mut operations: Vec<(Method, String, String)> = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("operations") {
            let id = operation["operationId"]
                .as_str()
                .expect("operationId")
                .to_string();
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            operations.push((method, path.clone(), id));
        }
    }
    let documented: Vec<&String> = operations.iter().map(|(_, _, id)| id).collect();
    for id in table.keys() {
        assert!(
            documented.contains(&id),
            "docs/access.md lists «{id}», which the API does not serve"
        );
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for (method, path, id) in &operations {
        let cells = table.get(id).unwrap_or_else(|| {
            panic!("«{id}» ({method} {path}) is missing from the table of docs/access.md")
        });
        // Anonymous.
        let (status, body) = send(
            app,
            &fixture,
            None,
            id,
            method,
            path,
            Side::Inside,
            Cell::Inside,
        )
        .await;
        let public = matches!(id.as_str(), "health" | "sign_in");
        if public == (status == StatusCode::UNAUTHORIZED) {
            failures.push(format!("{id} anonymous: {status} {body}"));
        }
        for (column, role) in COLUMNS.iter().enumerate() {
            let cell = cells[column];
            for side in [Side::Inside, Side::Outside] {
                let (status, body) =
                    send(app, &fixture, Some(role), id, method, path, side, cell).await;
                checked += 1;
                if std::env::var_os("WALK_DEBUG").is_some() && status != StatusCode::FORBIDDEN {
                    eprintln!(
                        "ALLOWED {id} {role} {side:?} {status} {}",
                        body.chars().take(150).collect::<String>()
                    );
                }
                let refused = status == StatusCode::FORBIDDEN;
                let expected_refused = match cell {
                    Cell::Anywhere => false,
                    Cell::Never => true,
                    Cell::Inside | Cell::Own | Cell::Body => side == Side::Outside,
                };
                if status == StatusCode::UNAUTHORIZED
                    || status.is_server_error()
                    || refused != expected_refused
                {
                    failures.push(format!(
                        "{id} as {role} {side:?} ({cell:?}): {status} {body}"
                    ));
                }
                if refused {
                    let error: Value = serde_json::from_str(&body).unwrap_or_default();
                    let message = error["error"]["message"].as_str().unwrap_or_default();
                    assert!(!message.is_ascii(), "a refusal in Vietnamese: {body}");
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} answers differ from docs/access.md:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 108 * 16, "walked {checked}");
}

/// Sends `id` as `role` (anonymous when `None`) about the inside or outside record the cell
/// calls for; returns the status and body.
#[allow(clippy::too_many_arguments)]
async fn send(
    app: &TestApp,
    f: &Fixture,
    role: Option<&str>,
    id: &str,
    method: &Method,
    path: &str,
    side: Side,
    cell: Cell,
) -> (StatusCode, String) {
    let (path, body) = request(f, role, id, path, side, cell).await;
    let mut builder = app.client.request(method.clone(), app.url(&path));
    if let Some(role) = role {
        let (_, token) = &f.accounts[role];
        builder = builder.bearer_auth(token);
    }
    if let Some(body) = body {
        builder = builder.json(&body);
    }
    let response = builder.send().await.expect("request sent");
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

/// The path (parameters filled in) and body of `id` for this role and side.
async fn request(
    f: &Fixture,
    role: Option<&str>,
    id: &str,
    template: &str,
    side: Side,
    cell: Cell,
) -> (String, Option<Value>) {
    let s = f.side(side);
    let own_login = role.map(|r| f.accounts[r].0.clone()).unwrap_or_default();
    // Whose record: one's own (`own` cells) or the fixture's inside/outside one.
    let own = cell == Cell::Own;
    let subject = match (own, side) {
        (true, Side::Inside) => f.own_subject,
        (true, Side::Outside) => f.subject[0],
        (false, _) if cell == Cell::Body => match (side, role) {
            (Side::Inside, Some("committee")) => f.commune_subject,
            (Side::Inside, _) => f.branch_subject[0],
            (Side::Outside, _) => f.branch_subject[1],
        },
        (false, _) if role == Some("member") && side == Side::Inside => f.own_subject,
        (false, _) => f.subject[s],
    };
    let member_code = match (own, side) {
        (true, Side::Inside) => f.own_member_code.clone(),
        (true, Side::Outside) => f.member_code[0].clone(),
        (false, _) => f.member_code[s].clone(),
    };
    let login = match (own, side) {
        (true, Side::Inside) => own_login.clone(),
        (true, Side::Outside) => f.managed_login[0].clone(),
        (false, _) => f.managed_login[s].clone(),
    };
    let branch = f.branch_code[s];
    let commune = f.commune_code[s];
    let n = f.next();
    let system = Actor::trusted("walk");
    let mut path = template
        .to_string()
        .replace("{login}", &login)
        .replace("{year}", "2025")
        .replace("{set}", "qd366-hd43")
        .replace("{name}", "member");
    let mut fill = |value: String| {
        path = path.replacen("{id}", &value, 1);
    };
    let version = json!({ "version": 1 });
    let body: Option<Value> = match id {
        "health" | "current_session" | "list_tokens" | "list_rule_sets" | "get_framework"
        | "get_calendar" | "list_root_orgs" | "verify_audit" | "sign_out" => None,
        "sign_in" => Some(json!({ "login": "dangnhap", "password": "mật khẩu dùng thử" })),
        "change_password" => Some(
            json!({ "current_password": "không đúng", "new_password": "một mật khẩu mới dài" }),
        ),
        "create_token" => Some(json!({ "name": format!("thử {n}") })),
        "check_rules_case" => Some(json!({})),
        "revoke_token" => {
            let owner = match (own, side) {
                (true, Side::Inside) => own_login.clone(),
                (true, Side::Outside) => f.managed_login[0].clone(),
                (false, _) => f.managed_login[s].clone(),
            };
            let token = f
                .app
                .create_token(&system, Some(&owner), &format!("thu hồi {n}"), None)
                .await
                .expect("a token to revoke");
            fill(token.view.id.to_string());
            None
        }
        "list_accounts" => {
            path = format!("{path}?org={branch}");
            None
        }
        "create_account" => Some(json!({
            "login": format!("moi{n}"),
            "display_name": "Tài khoản mới",
            "org": branch,
            "password": "mật khẩu dùng thử"
        })),
        "get_account" | "list_account_tokens" | "reset_password" | "my_inbox" => None,
        "set_account_email" => Some(json!({ "email": format!("walk{n}@xa.vn") })),
        "read_notification" => {
            fill(Uuid::now_v7().to_string());
            None
        }
        "grant_role" => Some(json!({ "role": "branch_committee", "org": branch })),
        "set_account_status" => Some(json!({ "disabled": true, "reason": "thử" })),
        "revoke_grant" => {
            let org = f
                .app
                .org_id(&system, branch, None, "org")
                .await
                .expect("branch");
            let grant = f
                .app
                .grant_role(
                    &system,
                    &f.managed_login[s],
                    RoleGrant {
                        role: Role::BranchCommittee,
                        org: Some(org),
                        valid_from: None,
                        valid_to: None,
                    },
                )
                .await
                .expect("a grant to revoke");
            fill(grant.id.to_string());
            Some(json!({ "reason": "thử" }))
        }
        "get_org"
        | "list_org_ancestors"
        | "list_org_children"
        | "get_org_subtree"
        | "get_org_history"
        | "list_org_events"
        | "list_org_positions"
        | "list_org_collectives"
        | "list_org_members"
        | "list_org_disciplines" => {
            path = path.replace("{code}", branch);
            None
        }
        "record_org_discipline" | "record_collective_discipline" => {
            let code = if id == "record_org_discipline" {
                branch
            } else {
                f.collective_code[s]
            };
            path = path.replace("{code}", code);
            Some(
                json!({ "form": "khien_trach", "violation_on": "2025-03-01", "decided_on": "2025-04-01" }),
            )
        }
        "list_collective_disciplines" => {
            path = path.replace("{code}", f.collective_code[s]);
            None
        }
        "get_member" | "get_member_records" => {
            path = path.replace("{code}", &member_code);
            None
        }
        "record_member_discipline" => {
            path = path.replace("{code}", &f.member_code[s]);
            Some(
                json!({ "form": "khien_trach", "violation_on": "2025-03-01", "decided_on": "2025-04-01" }),
            )
        }
        "withdraw_discipline" => {
            let record = f
                .app
                .record_member_discipline(
                    &system,
                    f.members[s],
                    MemberDisciplineInput {
                        form: DisciplineForm::parse("khien_trach").expect("form"),
                        violation_on: day("01/02/2025"),
                        decided_on: day("01/03/2025"),
                        violation_org: None,
                        deciding_org: None,
                        duty_related: false,
                        self_detected_remedied: false,
                        note: format!("bản ghi thử {n}"),
                    },
                )
                .await
                .expect("a record to withdraw");
            fill(record.to_string());
            Some(json!({ "reason": "nhập nhầm" }))
        }
        "get_org_results_history" | "list_award_proposals" | "list_attention" => {
            path = format!("{}?year=2025", path.replace("{code}", branch));
            None
        }
        "get_member_results_history" => {
            path = format!("{}?year=2025", path.replace("{code}", &member_code));
            None
        }
        "record_member_past_level" | "record_org_past_level" => {
            let code = if id == "record_org_past_level" {
                branch.to_owned()
            } else {
                f.member_code[s].clone()
            };
            path = path.replace("{code}", &code);
            Some(json!({ "year": 2024, "level": "HTTNV", "source": format!("Quyết định {n}") }))
        }
        "propose_award" => {
            Some(json!({ "member": f.member_code[s], "year": 2025, "award": "year" }))
        }
        "list_late_dossiers" => {
            path = format!("{}?year=2025", path.replace("{code}", branch));
            None
        }
        "get_dossier" | "verify_dossier_files" => {
            fill(f.plan[s].to_string());
            None
        }
        "attach_dossier_file" => {
            fill(f.plan[s].to_string());
            Some(
                json!({ "item": "plan", "file_name": "ke_hoach.pdf", "content_base64": "JVBERi0xLjQK" }),
            )
        }
        "submit_results" => {
            fill(f.plan[s].to_string());
            Some(json!({}))
        }
        "list_org_frameworks" => {
            path = path.replace("{code}", commune);
            None
        }
        "derive_framework" => {
            path = path.replace("{code}", commune);
            Some(json!({ "base": "qd366-hd43/member-without-post", "name": format!("walk-{n}") }))
        }
        "import_framework" => {
            use base64::Engine;
            path = path.replace("{code}", commune);
            let sheet = "Mã tiêu chí,Tên tiêu chí,Nhóm,Điểm tối đa,Mã tiêu chí cha\n\
                         chung,Nhóm tiêu chí chung,chung,30,\n\
                         nhiem_vu,Nhóm tiêu chí về kết quả thực hiện nhiệm vụ,nhiệm vụ,70,\n";
            Some(json!({
                "base": "qd366-hd43/member-without-post", "name": format!("walk-import-{n}"),
                "file_name": "khung.csv",
                "content_base64": base64::engine::general_purpose::STANDARD.encode(sheet),
            }))
        }
        "get_org_framework" | "change_framework" => {
            let org = f
                .app
                .org_id(&system, commune, None, "org")
                .await
                .expect("commune");
            let made = f
                .app
                .derive_framework(
                    &system,
                    org,
                    "qd366-hd43/member-without-post",
                    &format!("walk-{n}"),
                    None,
                )
                .await
                .expect("a framework");
            fill(made.id.clone());
            (id == "change_framework").then(|| {
                json!({ "criteria": serde_json::to_value(&made.framework.criteria).expect("json") })
            })
        }
        "import_records" => {
            use base64::Engine;
            path = path.replace("{kind}", "leaders");
            let file = format!("Mã cán bộ,Họ và tên\nWALK{n},Cán bộ thử {n}\n");
            Some(json!({
                "file_name": "can_bo.csv",
                "content_base64": base64::engine::general_purpose::STANDARD.encode(file),
            }))
        }
        "merge_orgs" => {
            let a = fresh_branch(f, commune, &format!("WM{n}A")).await;
            let b = fresh_branch(f, commune, &format!("WM{n}B")).await;
            Some(json!({ "sources": [a], "into": b, "on": "2025-06-01" }))
        }
        "split_org" => {
            let source = fresh_branch(f, commune, &format!("WS{n}")).await;
            path = path.replace("{code}", &source);
            Some(json!({ "parts": [{ "org": {
                "code": format!("WS{n}X"), "name": "Chi bộ tách ra", "kind": "Chi bộ trực thuộc"
            } }], "on": "2025-06-01" }))
        }
        "move_org" => {
            let moved = fresh_branch(f, commune, &format!("WV{n}")).await;
            path = path.replace("{code}", &moved);
            Some(json!({ "parent": commune, "on": "2025-06-01" }))
        }
        "list_plans" => {
            path = format!("{path}?year=2025&org={commune}");
            None
        }
        "create_plan" => Some(json!({ "org": commune, "year": 2026 })),
        "get_plan"
        | "list_child_plans"
        | "get_plan_progress"
        | "list_plan_subjects"
        | "list_plan_meetings"
        | "list_near_copies"
        | "list_escalations"
        | "list_remediation_due" => {
            fill(f.plan[s].to_string());
            None
        }
        "get_summary_report" | "get_quota_report" | "get_progress_report" => {
            path = format!("{path}?org={branch}&year=2025");
            None
        }
        // The walk asks for an organisation's document; a subject's or a meeting's is
        // authorized by the same reads as the subject's or meeting's own routes.
        "get_document" => {
            path = format!(
                "{}?org={branch}&year=2025&format=json",
                path.replace("{kind}", "summary")
            );
            None
        }
        "list_pending_subjects" => {
            fill(f.plan[s].to_string());
            path = format!("{path}?org={branch}");
            None
        }
        "set_plan_document" => {
            fill(f.plan[s].to_string());
            Some(json!({ "version": 1, "document": {
                "number_symbol": "09-KH/ĐU", "issued_on": "2025-11-20", "place": "Vũ Thư",
                "on_behalf_of": "T/M ĐẢNG ỦY", "signer_title": "BÍ THƯ", "signer_name": "Trần Văn Hải",
                "recipients": ["Các chi bộ trực thuộc"]
            } }))
        }
        "decide_sitting" => Some(json!({ "decisions": [
            { "subject": subject, "version": 1, "level": "HTNV", "reason": "thử" }
        ] })),
        "set_plan_phases" => {
            fill(f.plan[s].to_string());
            Some(json!({ "version": 1, "phases": [{
                "code": "hop", "title": "Hội nghị chi bộ",
                "starts_on": "2025-12-01", "ends_on": "2025-12-20"
            }] }))
        }
        "open_plan" | "publish_plan" => {
            fill(f.plan[s].to_string());
            Some(version)
        }
        "resolve_escalation" => {
            fill(f.escalation[s].to_string());
            Some(json!({ "version": 1, "level": "HTTNV", "reason": "thống nhất một mức" }))
        }
        "schedule_meeting" => Some(json!({
            "plan_id": f.plan[s],
            "org": branch,
            "title": format!("Hội nghị {n}"),
            "held_on": "2025-12-15",
            "place": "Nhà văn hóa",
            "chair": "Bí thư chi bộ"
        })),
        "get_meeting" | "list_meeting_ballots" => {
            fill(f.meeting[s].to_string());
            None
        }
        "prepare_ballot" => {
            fill(f.meeting[s].to_string());
            Some(json!({ "mode": "electronic", "agenda": [f.subject[s]] }))
        }
        "close_meeting" => {
            fill(f.closing_meeting[s].to_string());
            Some(
                json!({ "version": 1, "minutes": "Biên bản", "conclusion": "Kết luận", "half_days": 1 }),
            )
        }
        "record_review" => {
            fill(f.meeting[s].to_string());
            path = path.replace("{subject}", &f.subject[s].to_string());
            Some(json!({ "present": true, "comments": "Góp ý", "conclusion": "Kết luận" }))
        }
        "get_ballot" => {
            fill(f.ballot[s].to_string());
            None
        }
        "open_ballot" | "close_ballot" => {
            fill(f.ballot[s].to_string());
            Some(version)
        }
        "enter_tallies" => {
            fill(f.ballot[s].to_string());
            Some(json!({ "version": 1, "tallies": {} }))
        }
        "cast_paper" => {
            fill(f.casting_ballot[s].to_string());
            Some(json!({ "votes": {} }))
        }
        "get_audit_trail" => {
            path = format!("{path}?entity=subject&id={subject}");
            None
        }
        "order_verification" | "conclude_matter" => {
            let matter = f
                .app
                .lodge_matter(
                    &Actor::trusted_member("walk", f.members[s]),
                    f.subject[s],
                    kiemdiem_app::after::MatterInput {
                        kind: kiemdiem_rules::facts::MatterKind::Complaint,
                        content: format!("Đơn thử {n}"),
                    },
                )
                .await
                .expect("a matter to handle");
            fill(matter.id.to_string());
            Some(if id == "order_verification" {
                json!({ "version": 1, "due_on": "2099-01-01" })
            } else {
                json!({ "version": 1, "outcome": "not_upheld", "conclusion": "Không đúng" })
            })
        }
        "my_matters" => None,
        "list_plan_matters" | "list_breaches" | "recheck_plan" => {
            fill(f.plan[s].to_string());
            None
        }
        _ if template.starts_with("/api/v1/subjects/{id}") => {
            fill(subject.to_string());
            path = path.replace("{seq}", "1");
            // An item nobody recorded: inside, the subject's scope is allowed and the item is
            // not found (404); outside, refused first.
            path = path.replace("{item}", &Uuid::nil().to_string());
            match id {
                "save_self_review" => Some(json!({ "version": 0, "sections": {} })),
                "register_commitment" => {
                    Some(json!({ "target_level": "HTXSNV", "pledges": "Hoàn thành xuất sắc" }))
                }
                "submit_self_review" => Some(json!({ "version": 1, "submitted_on": "2025-12-10" })),
                "record_draft_sent" => Some(json!({ "version": 1, "sent_on": "2025-12-01" })),
                "return_self_review" => Some(json!({ "version": 1, "reason": "chép lại bài mẫu" })),
                "self_evaluate" => Some(json!({ "version": 0, "input": {} })),
                "propose_collective_score" => {
                    Some(json!({ "version": 0, "input": {}, "sent_on": "2025-12-01" }))
                }
                "score_collective" => Some(json!({ "input": {} })),
                "vote_collective_score" => Some(json!({
                    "version": 1, "held_on": "2025-12-10", "votes_for": 1, "votes_against": 0,
                    "abstained": 0, "present": 1
                })),
                "add_review_input" => Some(
                    json!({ "kind": "masses_comment", "from_body": "Đoàn thanh niên", "text": "Góp ý" }),
                ),
                "add_joint_unit" => Some(json!({ "label": "Cơ quan liên kết" })),
                "record_part_results" => Some(
                    json!({ "version": 1, "tasks": { "assigned": 1, "completed": 1, "on_time": 1, "exceeded": 0 } }),
                ),
                "declare_head_moved_in" => {
                    Some(json!({ "unit_id": f.branch_subject[s], "reason": "mới chuyển đến" }))
                }
                "record_opinion" => {
                    Some(json!({ "version": 1, "source": "advisory_staff", "note": "Ý kiến" }))
                }
                "propose_level" => Some(json!({ "version": 1, "level": "HTNV" })),
                "decide_level" | "correct_level" => {
                    Some(json!({ "version": 1, "level": "HTNV", "reason": "thử" }))
                }
                "reopen_subject" => Some(json!({ "version": 1, "reason": "xem lại" })),
                "record_subject_fact" => Some(json!({
                    "value": { "fact": "degradation", "status": "under_review" },
                    "document": { "number": "01-QĐ/UBKT", "date": "2025-12-01", "issuer": "UBKT" }
                })),
                "add_remediation" => Some(json!({
                    "shortcoming": "Chậm đổi mới", "measure": "Tự học", "responsible": "Cá nhân",
                    "due_on": "2026-06-30"
                })),
                "update_remediation" => Some(json!({ "status": "in_progress" })),
                "record_dissent" => Some(json!({ "opinion": "Tôi bảo lưu ý kiến" })),
                "lodge_matter" => Some(json!({ "kind": "complaint", "content": "Đơn thử" })),
                "order_inspection" => Some(json!({
                    "org": commune, "kind": "reclassify", "reason": "thử", "version": 1
                })),
                _ => None,
            }
        }
        other => panic!("the walk does not know how to call «{other}» ({template}): add it"),
    };
    (path, body)
}

/// A new branch of the commune with `code`, for an operation that consumes what it acts on.
async fn fresh_branch(f: &Fixture, commune: &str, code: &str) -> String {
    let mut tx = f.app.store().begin("walk").await.expect("begin");
    let parent = tx
        .org_latest_by_code(commune)
        .await
        .expect("commune")
        .expect("commune")
        .id;
    tx.create_org(
        &NewOrg {
            code: code.to_owned(),
            name: format!("Chi bộ {code}"),
            kind: OrgKind::SubordinateBranch,
            has_committee: false,
            founded_on: day("01/01/2000"),
            parent: Some(parent),
        },
        day("01/01/2000"),
    )
    .await
    .expect("fresh branch");
    tx.commit().await.expect("commit");
    code.to_owned()
}

/// The tree, people, plans, meetings, ballots, escalations and accounts of the walk.
async fn build(app: &TestApp) -> Fixture {
    let store = &app.store;
    let on = day("31/12/2025");
    let founded = day("01/01/2000");
    let mut tx = store.begin("walk").await.expect("begin");
    let org = |code: &str, name: &str, kind: OrgKind, parent: Option<Uuid>| NewOrg {
        code: code.to_string(),
        name: name.to_string(),
        kind,
        has_committee: !kind.is_branch(),
        founded_on: founded,
        parent,
    };
    let province = tx
        .create_org(
            &org("TU", "Đảng bộ tỉnh Thái Bình", OrgKind::Province, None),
            founded,
        )
        .await
        .expect("province");
    let mut communes = Vec::new();
    let mut branches = Vec::new();
    for (commune_code, commune_name, branch_code, branch_name) in [
        ("XA1", "Đảng bộ xã Vũ Hội", "CB11", "Chi bộ thôn Đông"),
        ("XA2", "Đảng bộ xã Vũ Tiến", "CB21", "Chi bộ thôn Nam"),
    ] {
        let commune = tx
            .create_org(
                &org(
                    commune_code,
                    commune_name,
                    OrgKind::GrassrootsCommittee,
                    Some(province),
                ),
                founded,
            )
            .await
            .expect("commune");
        let branch = tx
            .create_org(
                &org(
                    branch_code,
                    branch_name,
                    OrgKind::SubordinateBranch,
                    Some(commune),
                ),
                founded,
            )
            .await
            .expect("branch");
        tx.create_org(
            &org(
                &format!("{branch_code}B"),
                "Chi bộ thôn Bắc",
                OrgKind::SubordinateBranch,
                Some(commune),
            ),
            founded,
        )
        .await
        .expect("second branch");
        communes.push(commune);
        branches.push(branch);
    }
    let mut people: Vec<Vec<Uuid>> = Vec::new();
    for (index, branch) in branches.iter().enumerate() {
        let mut ids = Vec::new();
        for (k, name) in [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Lê Văn Cường",
            "Phạm Thị Dung",
            "Hoàng Văn Em",
        ]
        .iter()
        .enumerate()
        {
            let id = tx
                .create_member(
                    &NewMember {
                        code: format!("DV{}{k}", index + 1),
                        details: MemberDetails {
                            full_name: name.to_string(),
                            birth_date: day("01/01/1980"),
                            admitted_on: day("01/01/2010"),
                            official_on: Some(day("01/01/2011")),
                            civil_servant: false,
                            employer_unit: String::new(),
                            residence_org: None,
                        },
                        branch: *branch,
                        temporary_branch: None,
                    },
                    day("01/01/2011"),
                )
                .await
                .expect("member");
            ids.push(id);
        }
        tx.assign_position(
            &NewPosition {
                holder: Holder::Member(ids[0]),
                kind: PositionKind::Secretary,
                org: Some(*branch),
                collective: None,
                title: "Bí thư chi bộ".to_string(),
            },
            day("01/01/2020"),
        )
        .await
        .expect("secretary");
        tx.create_collective(
            &NewCollective {
                code: format!("TT{}", index + 1),
                name: "Chi ủy chi bộ".to_string(),
                kind: CollectiveKind::PartyCommittee,
                org: *branch,
            },
            founded,
        )
        .await
        .expect("collective");
        people.push(ids);
    }
    tx.commit().await.expect("commit");

    let kiemdiem = App::with_today(store.clone(), on).with_security(Security::for_tests());
    let system = Actor::trusted("walk");
    let mut plans = Vec::new();
    for commune in &communes {
        let plan = kiemdiem
            .create_plan(
                &system,
                NewPlan {
                    org: *commune,
                    year: 2025,
                    ..NewPlan::default()
                },
            )
            .await
            .expect("plan");
        kiemdiem
            .open_plan(&system, plan.id, plan.version)
            .await
            .expect("open plan");
        plans.push(plan.id);
    }
    let mut member_subjects: Vec<BTreeMap<Uuid, Uuid>> = Vec::new();
    let mut branch_subjects = Vec::new();
    let mut commune_subject = None;
    for (index, plan) in plans.iter().enumerate() {
        let subjects = kiemdiem
            .subjects(&system, *plan, None)
            .await
            .expect("subjects");
        let mut by_member = BTreeMap::new();
        for subject in &subjects {
            if let Some(member) = subject.member
                && subject.kind.is_member()
                && subject.participation == Participation::ReviewAndClassify
            {
                by_member.insert(member, subject.id);
            }
        }
        member_subjects.push(by_member);
        let body = |unit: Uuid| {
            subjects
                .iter()
                .find(|s| {
                    s.unit == unit && s.member.is_none() && s.kind == SubjectKind::Organisation
                })
                .or_else(|| {
                    subjects
                        .iter()
                        .find(|s| s.unit == unit && s.member.is_none())
                })
                .map(|s| s.id)
        };
        branch_subjects.push(body(branches[index]).expect("the branch's own subject"));
        if index == 0 {
            commune_subject = body(communes[0]);
        }
    }
    let commune_subject =
        commune_subject.expect("the commune's own subject (organisation or committee)");
    let subject = |side: usize, k: usize| member_subjects[side][&people[side][k]];
    // Meetings: one for ballots and reviews, one to close, one whose ballot is open for voting.
    let mut meetings = Vec::new();
    let mut closing = Vec::new();
    let mut ballots = Vec::new();
    let mut casting = Vec::new();
    for side in 0..2 {
        let agenda = vec![subject(side, 1), subject(side, 2)];
        let attendees: Vec<Attendee> = people[side]
            .iter()
            .map(|m| Attendee {
                member: Some(*m),
                name: m.to_string(),
                role: "member".into(),
                present: true,
                excused: false,
            })
            .collect();
        let schedule = async |title: &str| {
            kiemdiem
                .schedule_meeting(
                    &system,
                    NewMeeting {
                        plan: plans[side],
                        org: branches[side],
                        title: title.to_string(),
                        body_key: None,
                        suggested: false,
                        held_on: day("15/12/2025"),
                        place: "Nhà văn hóa".into(),
                        chair: "Nguyễn Văn An".into(),
                        attendees: attendees.clone(),
                        agenda: agenda.clone(),
                    },
                )
                .await
                .expect("meeting")
                .id
        };
        let meeting = schedule("Hội nghị kiểm điểm").await;
        let to_close = schedule("Hội nghị để kết thúc").await;
        let voting = schedule("Hội nghị bỏ phiếu").await;
        let ballot = kiemdiem
            .prepare_ballot(&system, meeting, BallotMode::Electronic, agenda.clone())
            .await
            .expect("ballot");
        let open = kiemdiem
            .prepare_ballot(&system, voting, BallotMode::Electronic, agenda.clone())
            .await
            .expect("ballot to cast");
        kiemdiem
            .open_ballot(&system, open.id, open.version, RollAdjustments::default())
            .await
            .expect("open ballot");
        meetings.push(meeting);
        closing.push(to_close);
        ballots.push(ballot.id);
        casting.push(open.id);
    }
    // Escalations to each commune (the walk checks who may settle them, not how they arise).
    let mut escalations = Vec::new();
    {
        let mut tx = store.begin("walk").await.expect("begin");
        for side in 0..2 {
            let id = Uuid::now_v7();
            tx.insert_escalation(&EscalationRow {
                id,
                plan_id: plans[side],
                member_id: people[side][3],
                person_kind: "member".to_string(),
                competent_org_id: Some(communes[side]),
                places: "[]".to_string(),
                status: "open".to_string(),
                resolved_level: None,
                reason: None,
                version: 1,
                changed_by: "walk".to_string(),
                changed_at: time::OffsetDateTime::now_utc(),
            })
            .await
            .expect("escalation");
            escalations.push(id);
        }
        tx.commit().await.expect("commit");
    }
    // Accounts: one per role (the member's linked to a member of the branch), each with a token;
    // and one managed in each branch, for the administration routes.
    let grants: [(&str, Role, Option<Uuid>); 8] = [
        ("admin", Role::Admin, None),
        ("board", Role::Board, Some(communes[0])),
        ("committee", Role::Committee, Some(communes[0])),
        ("branch_secretary", Role::BranchSecretary, Some(branches[0])),
        ("branch_committee", Role::BranchCommittee, Some(branches[0])),
        ("member", Role::Member, Some(branches[0])),
        (
            "participating_body",
            Role::ParticipatingBody,
            Some(communes[0]),
        ),
        ("inspection", Role::Inspection, Some(communes[0])),
    ];
    let mut accounts = BTreeMap::new();
    for (column, role, node) in grants {
        let login = format!("walk.{}", column.replace('_', "-"));
        let member = (role == Role::Member).then(|| people[0][4]);
        kiemdiem
            .create_account(
                &system,
                NewAccount {
                    login: login.clone(),
                    display_name: column.to_string(),
                    member,
                    org: node,
                    password: Some("mật khẩu dùng thử".into()),
                },
            )
            .await
            .expect("account");
        if role != Role::Member {
            kiemdiem
                .grant_role(
                    &system,
                    &login,
                    RoleGrant {
                        role,
                        org: node,
                        valid_from: Some(day("01/01/2025")),
                        valid_to: None,
                    },
                )
                .await
                .expect("grant");
        }
        let token = kiemdiem
            .create_token(&system, Some(&login), "walk", None)
            .await
            .expect("token");
        accounts.insert(column, (login, token.token));
    }
    // Signing in is walked on an account no other route touches.
    kiemdiem
        .create_account(
            &system,
            NewAccount {
                login: "dangnhap".into(),
                display_name: "Tài khoản đăng nhập".into(),
                member: None,
                org: Some(branches[0]),
                password: Some("mật khẩu dùng thử".into()),
            },
        )
        .await
        .expect("sign-in account");
    let mut managed = Vec::new();
    for (side, branch) in branches.iter().enumerate() {
        let login = format!("quanly{side}");
        kiemdiem
            .create_account(
                &system,
                NewAccount {
                    login: login.clone(),
                    display_name: "Tài khoản được quản lý".into(),
                    member: None,
                    org: Some(*branch),
                    password: Some("mật khẩu dùng thử".into()),
                },
            )
            .await
            .expect("managed account");
        managed.push(login);
    }
    let member_code = |side: usize, k: usize| format!("DV{}{k}", side + 1);
    Fixture {
        app: kiemdiem,
        accounts,
        plan: [plans[0], plans[1]],
        subject: [subject(0, 1), subject(1, 1)],
        own_subject: subject(0, 4),
        commune_subject,
        branch_subject: [branch_subjects[0], branch_subjects[1]],
        member_code: [member_code(0, 1), member_code(1, 1)],
        own_member_code: member_code(0, 4),
        branch_code: ["CB11", "CB21"],
        commune_code: ["XA1", "XA2"],
        collective_code: ["TT1", "TT2"],
        meeting: [meetings[0], meetings[1]],
        closing_meeting: [closing[0], closing[1]],
        ballot: [ballots[0], ballots[1]],
        casting_ballot: [casting[0], casting[1]],
        escalation: [escalations[0], escalations[1]],
        managed_login: [managed[0].clone(), managed[1].clone()],
        members: [people[0][1], people[1][1]],
        fresh: AtomicUsize::new(0),
    }
}
