//! A whole cycle over HTTP for a grassroots organisation with two branches, on SQLite and
//! PostgreSQL: plans (the district's, then the commune's inheriting it) → self-reviews and
//! self-evaluations → meetings (a review refused out of order) → a secret ballot cast paper by
//! paper by the members and a paper ballot's tallies → proposals → decisions (one refused over
//! the quota, one refused for departing from the ballot without a reason) → progress →
//! published results → notifications → the audit chain verified.

use crate::cycle::points_total;
use crate::support::{TestApp, day, expect_error, expect_json};
use kiemdiem_rules::{OrgKind, PositionKind};
use kiemdiem_store::Store;
use kiemdiem_store::leadership::{Holder, NewPosition};
use kiemdiem_store::org::NewOrg;
use kiemdiem_store::people::{MemberDetails, NewMember};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    run(crate::support::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    run(crate::support::Backend::Postgres).await;
}

async fn run(backend: crate::support::Backend) {
    let Some(app) = TestApp::spawn(backend, day("15/12/2025")).await else {
        kiemdiem_testdb::skipped();
        return;
    };
    whole_cycle(&app).await;
    app.finish().await;
}

const BRANCH1: [(&str, bool); 6] = [
    ("Nguyễn Văn An", true),
    ("Trần Thị Bình", true),
    ("Lê Văn Cường", true),
    ("Phạm Văn Dũng", true),
    ("Hoàng Thị Hà", true),
    ("Vũ Thị Phương", false),
];
const BRANCH2: [(&str, bool); 5] = [
    ("Bùi Văn Hùng", true),
    ("Đỗ Thị Lan", true),
    ("Ngô Văn Minh", true),
    ("Dương Thị Nga", true),
    ("Lý Thị Oanh", true),
];

/// Province › district `H` › commune `X` › branches `X1`, `X2`; members `1-01`… and `2-01`…,
/// the first of each branch its secretary; Phương probationary since 01/03/2025.
async fn build(store: &Store) {
    let mut tx = store.begin("tester").await.expect("begin");
    let founded = day("01/01/2000");
    let org = |code: &str, name: &str, kind: OrgKind, parent: Option<Uuid>| NewOrg {
        code: code.into(),
        name: name.into(),
        kind,
        has_committee: !kind.is_branch(),
        founded_on: founded,
        parent,
    };
    let province = tx
        .create_org(
            &org("T", "Đảng bộ tỉnh Lạng Sơn", OrgKind::Province, None),
            founded,
        )
        .await
        .expect("province");
    let district = tx
        .create_org(
            &org(
                "H",
                "Đảng bộ huyện Cao Lộc",
                OrgKind::UpperGrassroots,
                Some(province),
            ),
            founded,
        )
        .await
        .expect("district");
    let commune = tx
        .create_org(
            &org(
                "X",
                "Đảng bộ xã Hợp Thành",
                OrgKind::GrassrootsCommittee,
                Some(district),
            ),
            founded,
        )
        .await
        .expect("commune");
    for (i, (code, name, people)) in [
        ("X1", "Chi bộ thôn Nà Pàn", &BRANCH1[..]),
        ("X2", "Chi bộ trường Tiểu học", &BRANCH2[..]),
    ]
    .into_iter()
    .enumerate()
    {
        let branch = tx
            .create_org(
                &org(code, name, OrgKind::SubordinateBranch, Some(commune)),
                founded,
            )
            .await
            .expect("branch");
        for (n, (full_name, official)) in people.iter().enumerate() {
            let admitted = if *official {
                day("19/05/2010")
            } else {
                day("01/03/2025")
            };
            let id = tx
                .create_member(
                    &NewMember {
                        code: format!("{}-{:02}", i + 1, n + 1),
                        details: MemberDetails {
                            full_name: (*full_name).into(),
                            birth_date: day("01/01/1980"),
                            admitted_on: admitted,
                            official_on: official.then(|| day("19/05/2011")),
                            civil_servant: false,
                            employer_unit: "Hợp tác xã Hợp Thành".into(),
                            residence_org: None,
                        },
                        branch,
                        temporary_branch: None,
                    },
                    admitted,
                )
                .await
                .expect("member");
            if n == 0 {
                tx.assign_position(
                    &NewPosition {
                        holder: Holder::Member(id),
                        kind: PositionKind::Secretary,
                        org: Some(branch),
                        collective: None,
                        title: "Bí thư chi bộ".into(),
                    },
                    day("01/01/2020"),
                )
                .await
                .expect("secretary");
            }
        }
    }
    tx.commit().await.expect("commit");
}

/// A request acting as `user`.
fn as_user(app: &TestApp, user: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
    app.client
        .request(method, app.url(path))
        .header("X-Kiemdiem-User", user)
}

async fn send(request: reqwest::RequestBuilder, status: StatusCode) -> Value {
    expect_json(request.send().await.expect("sent"), status).await
}

fn by_name<'a>(subjects: &'a [Value], name: &str) -> &'a Value {
    subjects
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no subject {name}"))
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_string()
}

/// Writes, submits and self-evaluates one subject (submitted on 05/12, 7 days before the meeting).
async fn write_and_score(app: &TestApp, subject: &Value, text: &str, total: f64, proposed: &str) {
    let id = id_of(subject);
    let who = format!("self:{}", subject["name"].as_str().unwrap_or(""));
    let form = app
        .get_ok(&format!("/api/v1/subjects/{id}/self-review"))
        .await;
    assert_eq!(form["status"], "none");
    let sections: BTreeMap<String, String> = form["form"]
        .as_array()
        .expect("form sections")
        .iter()
        .filter(|s| s["required"] == true)
        .map(|s| {
            let code = s["code"].as_str().expect("code").to_string();
            let title = s["title"].as_str().unwrap_or("");
            (code, format!("{text} — {title}"))
        })
        .collect();
    let draft = send(
        as_user(
            app,
            &who,
            Method::PUT,
            &format!("/api/v1/subjects/{id}/self-review"),
        )
        .json(&json!({ "version": 0, "sections": sections })),
        StatusCode::OK,
    )
    .await;
    assert_eq!(draft["status"], "draft");
    let is_org = subject["kind"] == "organisation";
    let submitted = send(
        as_user(
            app,
            &who,
            Method::POST,
            &format!("/api/v1/subjects/{id}/self-review/submission"),
        )
        .header("If-Match", format!("\"{}\"", draft["version"]))
        .json(&json!({
            "submitted_on": "2025-12-05",
            "draft_sent_on": if is_org { json!("2025-12-05") } else { Value::Null },
        })),
        StatusCode::OK,
    )
    .await;
    assert_eq!(submitted["status"], "submitted");
    let framework_id = subject["framework_id"].as_str().expect("a framework");
    let framework = app
        .get_ok(&format!("/api/v1/frameworks/{framework_id}"))
        .await;
    send(
        as_user(
            app,
            &who,
            Method::PUT,
            &format!("/api/v1/subjects/{id}/self-evaluation"),
        )
        .json(&json!({
            "version": 0,
            "input": { "points": points_total(&framework, total) },
            "evidence": { "nhiem_vu.1": "Hoàn thành 10/10 nhiệm vụ được giao" },
            "tasks": { "assigned": 10, "completed": 10, "on_time": 10,
                       "exceeded": if total > 90.0 || is_org { 4 } else { 1 } },
            "proposed": proposed
        })),
        StatusCode::OK,
    )
    .await;
    crate::support::record_plain_year(app, subject).await;
}

async fn record_review(
    app: &TestApp,
    meeting: &str,
    subject: &Value,
    chair: Option<&str>,
) -> reqwest::Response {
    let id = id_of(subject);
    as_user(
        app,
        "thuky",
        Method::PUT,
        &format!("/api/v1/meetings/{meeting}/reviews/{id}"),
    )
    .json(&json!({
        "comments": "Các đồng chí góp ý thẳng thắn",
        "conclusion": "Thống nhất",
        "chaired_by": chair,
    }))
    .send()
    .await
    .expect("sent")
}

async fn fresh(app: &TestApp, subject: &Value) -> Value {
    app.get_ok(&format!("/api/v1/subjects/{}", id_of(subject)))
        .await
}

async fn decide(
    app: &TestApp,
    who: &str,
    subject: &Value,
    level: &str,
    reason: Option<&str>,
) -> reqwest::Response {
    let current = fresh(app, subject).await;
    as_user(
        app,
        who,
        Method::POST,
        &format!("/api/v1/subjects/{}/decisions", id_of(subject)),
    )
    .json(&json!({ "version": current["version"], "level": level, "reason": reason }))
    .send()
    .await
    .expect("sent")
}

async fn whole_cycle(app: &TestApp) {
    build(&app.store).await;
    let secretary = "bithu.dangbo";

    // ── Plans: the district's, then the commune's, which inherits it.
    let district_plan = send(
        as_user(app, "bantochuc.huyen", Method::POST, "/api/v1/plans")
            .json(&json!({ "org": "H", "year": 2025 })),
        StatusCode::CREATED,
    )
    .await;
    let plan = send(
        as_user(app, secretary, Method::POST, "/api/v1/plans")
            .json(&json!({ "org": "X", "year": 2025 })),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(plan["parent_plan_id"], district_plan["id"]);
    let plan_id = id_of(&plan);
    let report = send(
        as_user(
            app,
            secretary,
            Method::POST,
            &format!("/api/v1/plans/{plan_id}/open"),
        )
        .json(&json!({ "version": plan["version"] })),
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["by_kind"]["organisation"], 3, "{report}");
    let page = app
        .get_ok(&format!("/api/v1/plans/{plan_id}/subjects"))
        .await;
    let subjects: Vec<Value> = page["subjects"].as_array().expect("subjects").clone();
    let x1 = subjects
        .iter()
        .find(|s| s["name"] == "Chi bộ thôn Nà Pàn")
        .expect("X1")
        .clone();
    let x2 = subjects
        .iter()
        .find(|s| s["name"] == "Chi bộ trường Tiểu học")
        .expect("X2")
        .clone();
    let x = subjects
        .iter()
        .find(|s| s["name"] == "Đảng bộ xã Hợp Thành")
        .expect("X")
        .clone();
    let members: Vec<Value> = subjects
        .iter()
        .filter(|s| s["kind"].as_str().is_some_and(|k| k.starts_with("member")))
        .filter(|s| s["participation"] == "review_and_classify")
        .cloned()
        .collect();
    assert_eq!(members.len(), 11, "{page}");
    let an = by_name(&subjects, "Nguyễn Văn An").clone();
    let binh = by_name(&subjects, "Trần Thị Bình").clone();
    let hung = by_name(&subjects, "Bùi Văn Hùng").clone();
    assert_eq!(an["kind"], "member_with_post");
    assert_eq!(an["decides_body"], "grassroots_committee");

    // ── Self-reviews and self-evaluations.
    for org in [&x1, &x2, &x] {
        write_and_score(
            app,
            org,
            &format!("Báo cáo của {}", org["name"]),
            85.0,
            "HTTNV",
        )
        .await;
    }
    for member in &members {
        let name = member["name"].as_str().unwrap_or("");
        let (total, level) = match name {
            "Nguyễn Văn An" | "Bùi Văn Hùng" => (93.0, "HTXSNV"),
            _ => (80.0, "HTTNV"),
        };
        let text = format!(
            "{name} tự kiểm điểm công việc riêng của mình năm 2025, mã {}",
            id_of(member)
        );
        write_and_score(app, member, &text, total, level).await;
    }

    // ── Branch 1 meeting: the review order is checked.
    let attendees: Vec<Value> = BRANCH1
        .iter()
        .enumerate()
        .map(|(n, (name, _))| json!({ "member": format!("1-{:02}", n + 1), "name": name, "role": "member" }))
        .chain([json!({ "name": "Đồng chí Ủy viên Ban Thường vụ Đảng ủy", "role": "superior_delegate" })])
        .collect();
    let unit1: Vec<Value> = members
        .iter()
        .filter(|s| s["unit_id"] == x1["org_id"])
        .cloned()
        .collect();
    let mut agenda = vec![id_of(&x1)];
    agenda.extend(unit1.iter().map(id_of));
    let meeting1 = send(
        as_user(app, secretary, Method::POST, "/api/v1/meetings").json(&json!({
            "plan_id": plan_id, "org": "X1",
            "title": "Hội nghị kiểm điểm chi bộ thôn Nà Pàn năm 2025",
            "held_on": "2025-12-12", "place": "Nhà văn hóa thôn", "chair": "Nguyễn Văn An",
            "attendees": attendees, "agenda": agenda,
        })),
        StatusCode::CREATED,
    )
    .await;
    let m1 = id_of(&meeting1);
    let error = expect_error(
        record_review(app, &m1, &binh, None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "out_of_order",
    )
    .await;
    let cited: Vec<&str> = error["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .chain([&error["rule"]])
        .filter_map(|r| r["rule"].as_str())
        .collect();
    assert!(
        cited.iter().any(|r| r.contains("CollectiveBeforeMembers")),
        "{error}"
    );
    assert!(
        error["rule"]["source"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    expect_json(record_review(app, &m1, &x1, None).await, StatusCode::OK).await;
    expect_json(
        record_review(app, &m1, &an, Some("1-02")).await,
        StatusCode::OK,
    )
    .await;
    for s in unit1.iter().filter(|s| s["id"] != an["id"]) {
        expect_json(record_review(app, &m1, s, None).await, StatusCode::OK).await;
    }

    // ── Branch 1's secret ballot, one paper per member through the API.
    let ballot = send(
        as_user(
            app,
            secretary,
            Method::POST,
            &format!("/api/v1/meetings/{m1}/ballots"),
        )
        .json(
            &json!({ "mode": "electronic", "agenda": unit1.iter().map(id_of).collect::<Vec<_>>() }),
        ),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(ballot["status"], "prepared");
    let ballot_id = id_of(&ballot);
    // A blank entry among those prosecuted or detained names no member (the document says
    // `minLength: 1`): refused with the entry named, and the ballot stays prepared.
    let blank = send(
        as_user(
            app,
            secretary,
            Method::POST,
            &format!("/api/v1/ballots/{ballot_id}/opening"),
        )
        .json(&json!({ "version": ballot["version"], "prosecuted_or_detained": [" "] })),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(blank["error"]["code"], "invalid_body");
    assert_eq!(blank["error"]["field"], "prosecuted_or_detained[0]");
    let ballot = send(
        as_user(
            app,
            secretary,
            Method::POST,
            &format!("/api/v1/ballots/{ballot_id}/opening"),
        )
        .json(&json!({ "version": ballot["version"] })),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        ballot["entitled"], 5,
        "probationary members cannot vote: {ballot}"
    );
    assert_eq!(ballot["denominator"]["count"], 5, "{ballot}");
    let intended = |name: &str| {
        if name == "Nguyễn Văn An" {
            "HTXSNV"
        } else {
            "HTTNV"
        }
    };
    let paper: BTreeMap<String, &str> = unit1
        .iter()
        .map(|s| (id_of(s), intended(s["name"].as_str().unwrap_or(""))))
        .collect();
    let cast = |voter: &str| {
        app.client
            .post(app.url(&format!("/api/v1/ballots/{ballot_id}/papers")))
            .header("X-Kiemdiem-User", format!("dangvien.{voter}"))
            .header("X-Kiemdiem-Member", voter)
            .json(&json!({ "votes": paper }))
    };
    let error = expect_error(
        cast("1-06").send().await.expect("sent"),
        StatusCode::FORBIDDEN,
        "not_entitled",
    )
    .await;
    assert!(error["rule"]["source"].is_string(), "{error}");
    for n in 1..=5 {
        let receipt = send(cast(&format!("1-{n:02}")), StatusCode::CREATED).await;
        assert_eq!(receipt["ballot_id"], ballot_id);
        assert_eq!(
            receipt.as_object().map(|o| o.len()),
            Some(2),
            "a receipt says nothing more: {receipt}"
        );
    }
    expect_error(
        cast("1-01").send().await.expect("sent"),
        StatusCode::CONFLICT,
        "already_voted",
    )
    .await;
    let anonymous = app
        .request(Method::POST, &format!("/api/v1/ballots/{ballot_id}/papers"))
        .json(&json!({ "votes": paper }))
        .send()
        .await
        .expect("sent");
    expect_error(anonymous, StatusCode::FORBIDDEN, "member_required").await;
    let open = app.get_ok(&format!("/api/v1/ballots/{ballot_id}")).await;
    assert_eq!(open["voted"], 5);
    let closed = send(
        as_user(
            app,
            secretary,
            Method::POST,
            &format!("/api/v1/ballots/{ballot_id}/closing"),
        )
        .json(&json!({ "version": open["version"] })),
        StatusCode::OK,
    )
    .await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["papers_cast"], 5);
    for result in closed["results"].as_array().expect("results") {
        let name = result["name"].as_str().unwrap_or("");
        assert_eq!(result["outcome"]["outcome"], "level", "{result}");
        assert_eq!(result["outcome"]["level"], intended(name), "{result}");
    }
    let minutes = app.get_ok(&format!("/api/v1/meetings/{m1}")).await;
    assert!(
        minutes["minutes"]
            .as_str()
            .is_some_and(|m| m.contains("Kết quả bỏ phiếu kín")),
        "{minutes}"
    );
    let short = send(
        as_user(app, secretary, Method::POST, &format!("/api/v1/meetings/{m1}/closing")).json(&json!({
            "version": minutes["version"], "half_days": 1, "minutes": "Biên bản", "conclusion": "Kết luận"
        })),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(short["error"]["code"], "rule_refused", "{short}");
    let said = short["error"]["message"].as_str().unwrap_or_default();
    assert!(
        said.contains("tối thiểu 2 buổi") && !said.contains("default"),
        "the meeting's kind in words, never its key: {said}"
    );
    send(
        as_user(
            app,
            secretary,
            Method::POST,
            &format!("/api/v1/meetings/{m1}/closing"),
        )
        .json(&json!({
            "version": minutes["version"], "half_days": 2,
            "minutes": "Biên bản hội nghị", "conclusion": "Hội nghị thành công"
        })),
        StatusCode::OK,
    )
    .await;

    // ── Branch 2: meeting, paper ballot counted by the counting committee.
    let unit2: Vec<Value> = members
        .iter()
        .filter(|s| s["unit_id"] == x2["org_id"])
        .cloned()
        .collect();
    let mut agenda = vec![id_of(&x2), id_of(&hung)];
    agenda.extend(unit2.iter().filter(|s| s["id"] != hung["id"]).map(id_of));
    let meeting2 = send(
        as_user(app, secretary, Method::POST, "/api/v1/meetings").json(&json!({
            "plan_id": plan_id, "org": "X2", "title": "Hội nghị kiểm điểm chi bộ trường Tiểu học",
            "held_on": "2025-12-12", "place": "Phòng họp nhà trường", "chair": "Bùi Văn Hùng",
            "attendees": BRANCH2.iter().enumerate()
                .map(|(n, (name, _))| json!({ "member": format!("2-{:02}", n + 1), "name": name, "role": "member" }))
                .collect::<Vec<_>>(),
            "agenda": agenda,
        })),
        StatusCode::CREATED,
    )
    .await;
    let m2 = id_of(&meeting2);
    expect_json(record_review(app, &m2, &x2, None).await, StatusCode::OK).await;
    expect_json(
        record_review(app, &m2, &hung, Some("2-02")).await,
        StatusCode::OK,
    )
    .await;
    for s in unit2.iter().filter(|s| s["id"] != hung["id"]) {
        expect_json(record_review(app, &m2, s, None).await, StatusCode::OK).await;
    }
    let paper_ballot = send(
        as_user(
            app,
            secretary,
            Method::POST,
            &format!("/api/v1/meetings/{m2}/ballots"),
        )
        .json(&json!({ "mode": "paper", "agenda": unit2.iter().map(id_of).collect::<Vec<_>>() })),
        StatusCode::CREATED,
    )
    .await;
    let pb = id_of(&paper_ballot);
    let paper_ballot = send(
        as_user(
            app,
            secretary,
            Method::POST,
            &format!("/api/v1/ballots/{pb}/opening"),
        )
        .header("If-Match", paper_ballot["version"].to_string()),
        StatusCode::OK,
    )
    .await;
    let tallies: BTreeMap<String, Value> = unit2
        .iter()
        .map(|s| {
            let level = if s["id"] == hung["id"] {
                "HTXSNV"
            } else {
                "HTTNV"
            };
            (
                id_of(s),
                json!({ "levels": { level: 5 }, "blank": 0, "invalid": 0 }),
            )
        })
        .collect();
    let counted = send(
        as_user(
            app,
            secretary,
            Method::PUT,
            &format!("/api/v1/ballots/{pb}/tallies"),
        )
        .json(&json!({ "version": paper_ballot["version"], "tallies": tallies })),
        StatusCode::OK,
    )
    .await;
    assert_eq!(counted["status"], "closed");

    // ── Proposals by the branches.
    for s in unit1.iter().chain(unit2.iter()) {
        let name = s["name"].as_str().unwrap_or("");
        let level = if name == "Nguyễn Văn An" || name == "Bùi Văn Hùng" {
            "HTXSNV"
        } else {
            "HTTNV"
        };
        let current = fresh(app, s).await;
        let stage = send(
            as_user(app, "chiuy", Method::POST, &format!("/api/v1/subjects/{}/proposal", id_of(s)))
                .json(&json!({ "version": current["version"], "level": level, "note": "Theo kết quả bỏ phiếu" })),
            StatusCode::OK,
        )
        .await;
        assert_eq!(stage["stage"], "proposed");
    }

    // ── Decisions by the commune committee, the quota shown first.
    let committee = "danguy.xa";
    let refused = expect_error(
        decide(app, "bantv.huyen", &x, "HTTNV", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "out_of_order",
    )
    .await;
    assert!(refused["rule"]["source"].is_string(), "{refused}");
    // A sitting over every member at once, both secretaries HTXSNV: refused as a whole, every
    // problem listed — the secretaries come after their branches, and two HTXSNV are over the
    // quota of nine HTTNV — and nothing is written.
    let mut sitting = Vec::new();
    for s in &members {
        let level = if s["id"] == an["id"] || s["id"] == hung["id"] {
            "HTXSNV"
        } else {
            "HTTNV"
        };
        let current = app.get_ok(&format!("/api/v1/subjects/{}", id_of(s))).await;
        sitting.push(json!({ "subject": s["id"], "version": current["version"], "level": level }));
    }
    let whole = expect_json(
        as_user(app, committee, Method::POST, "/api/v1/decision-sittings")
            .json(&json!({ "decisions": sitting }))
            .send()
            .await
            .expect("sent"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let problems = whole["error"]["details"]["problems"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(problems.len(), 3, "{whole}");
    assert_eq!(problems[2]["code"], "quota_exceeded", "{whole}");
    assert!(
        whole["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("nhóm đảng viên Đảng bộ xã")),
        "{whole}"
    );
    for s in members
        .iter()
        .filter(|s| s["id"] != an["id"] && s["id"] != hung["id"])
    {
        expect_json(
            decide(app, committee, s, "HTTNV", None).await,
            StatusCode::CREATED,
        )
        .await;
    }
    // A branch secretary is rated after the branch he heads (QĐ 366 Điều 11: a leader's level
    // depends on the units he leads).
    for branch in [&x1, &x2] {
        expect_json(
            decide(app, committee, branch, "HTTNV", None).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let headroom = app
        .get_ok(&format!(
            "/api/v1/subjects/{}/quota?level=HTXSNV",
            id_of(&an)
        ))
        .await;
    assert_eq!(headroom["levels"]["HTTNV"], 9, "{headroom}");
    assert_eq!(headroom["check"]["allowed"], 1, "{headroom}");
    let decided = expect_json(
        decide(app, committee, &an, "HTXSNV", None).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(decided["version_no"], 1);
    let over = expect_error(
        decide(app, committee, &hung, "HTXSNV", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quota_exceeded",
    )
    .await;
    assert!(
        over["rule"]["source"]
            .as_str()
            .is_some_and(|s| s.contains("QĐ 366")),
        "{over}"
    );
    let departs = expect_error(
        decide(app, committee, &hung, "HTTNV", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "rule_refused",
    )
    .await;
    assert_eq!(
        departs["field"], "reason",
        "departing from the ballot needs a reason"
    );
    assert!(
        departs["rule"]["rule"]
            .as_str()
            .is_some_and(|r| r.contains("ballot")),
        "{departs}"
    );
    expect_json(
        decide(
            app,
            committee,
            &hung,
            "HTTNV",
            Some("Vượt tỷ lệ 20% của Đảng ủy xã; chi bộ đã được thông báo"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let meeting3 = send(
        as_user(app, secretary, Method::POST, "/api/v1/meetings").json(&json!({
            "plan_id": plan_id, "org": "X", "title": "Hội nghị Ban Chấp hành Đảng bộ xã",
            "body_key": "grassroots_committee", "held_on": "2025-12-15",
            "place": "Hội trường xã", "chair": "Bí thư Đảng ủy", "agenda": [id_of(&x)],
        })),
        StatusCode::CREATED,
    )
    .await;
    expect_json(
        record_review(app, &id_of(&meeting3), &x, None).await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        decide(app, "bantv.huyen", &x, "HTTNV", None).await,
        StatusCode::CREATED,
    )
    .await;

    // ── What the plan holds, as a reader sees it.
    let plans = app.get_ok("/api/v1/plans?year=2025&org=X").await;
    assert_eq!(plans["plans"].as_array().map(Vec::len), Some(1), "{plans}");
    assert_eq!(plans["plans"][0]["id"], plan["id"]);
    let all_plans = app.get_ok("/api/v1/plans?year=2025").await;
    assert_eq!(all_plans["plans"].as_array().map(Vec::len), Some(2));
    expect_error(
        app.get("/api/v1/plans").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
    let meetings = app
        .get_ok(&format!("/api/v1/plans/{plan_id}/meetings"))
        .await;
    assert_eq!(meetings["meetings"].as_array().map(Vec::len), Some(3));
    let ballots = app.get_ok(&format!("/api/v1/meetings/{m1}/ballots")).await;
    assert_eq!(ballots["ballots"][0]["papers_cast"], 5, "{ballots}");
    let classified = app
        .get_ok(&format!(
            "/api/v1/plans/{plan_id}/subjects?participation=review_and_classify"
        ))
        .await;
    assert_eq!(classified["total"], 14, "{classified}");

    // ── Progress, publication, notifications.
    let progress = app
        .get_ok(&format!("/api/v1/plans/{plan_id}/progress"))
        .await;
    let root = progress["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["code"] == "X")
        .expect("the commune's node")
        .clone();
    assert_eq!(root["decision"]["pending"], 0, "{root}");
    assert_eq!(root["decision"]["done"], 14, "{root}");
    let pending = app
        .get_ok(&format!("/api/v1/plans/{plan_id}/pending?org=X"))
        .await;
    assert!(
        pending["subjects"].as_array().is_some_and(Vec::is_empty),
        "{pending}"
    );
    let now = app.get_ok(&format!("/api/v1/plans/{plan_id}")).await;
    let published = send(
        as_user(
            app,
            secretary,
            Method::POST,
            &format!("/api/v1/plans/{plan_id}/publication"),
        )
        .json(&json!({ "version": now["version"] })),
        StatusCode::OK,
    )
    .await;
    assert_eq!(published["published"], 14, "{published}");
    assert_eq!(
        published["levels"]["member_with_post"]["HTXSNV"], 1,
        "{published}"
    );
    assert_eq!(
        app.get_ok(&format!("/api/v1/plans/{plan_id}")).await["status"],
        "published"
    );
    assert_eq!(fresh(app, &an).await["stage"], "published");
    let notices = app
        .get_ok(&format!("/api/v1/subjects/{}/notifications", id_of(&an)))
        .await;
    assert!(
        !notices["notifications"]
            .as_array()
            .expect("notifications")
            .is_empty()
    );

    // ── The audit chain is intact and tells who decided.
    let audit = app.get_ok("/api/v1/audit/verify").await;
    assert_eq!(audit["intact"], true, "{audit}");
    assert!(audit["entries"].as_u64().is_some_and(|n| n > 50), "{audit}");
    let trail = app
        .get_ok(&format!(
            "/api/v1/audit/trail?entity=subject&id={}",
            id_of(&an)
        ))
        .await;
    let decision = trail["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["action"] == "decision.record")
        .expect("the decision is in the audit trail")
        .clone();
    assert_eq!(decision["actor"], committee);
    // Casting a paper is never audited: no entry names a voter.
    let papers = trail["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| {
            e["actor"]
                .as_str()
                .is_some_and(|a| a.starts_with("dangvien."))
        })
        .count();
    assert_eq!(papers, 0);
}
