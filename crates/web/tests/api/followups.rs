//! Follow-ups of the cycle over HTTP, each on SQLite and PostgreSQL, on a one-branch tree
//! (province › district `H` › grassroots branch `CB` with four members, the first its secretary
//! since 01/06/2022): near-copied self-reviews flagged on both sides, returned and cleared; the
//! 2025 form's guidance; a correction and a re-opening after publication; an absent subject
//! and a head refused as the chair of their own review; ballots over the agenda only, each
//! subject once; heads moved in (seed 003's exception, refused without its local layer);
//! review inputs.

use crate::cycle::points_total;
use crate::support::{TestApp, api_test, day, expect_error, expect_json};
use kiemdiem_rules::{OrgKind, PositionKind};
use kiemdiem_store::Store;
use kiemdiem_store::leadership::{Holder, NewPosition};
use kiemdiem_store::org::NewOrg;
use kiemdiem_store::people::{MemberDetails, NewMember};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use uuid::Uuid;

api_test!(
    near_copies_are_flagged_returned_and_cleared,
    the_2025_form_guides_each_section,
    a_published_plan_is_corrected_and_reopened,
    an_absent_subject_is_pending_and_a_head_does_not_chair_their_review,
    a_ballot_covers_the_agenda_once,
    heads_moved_in_need_seed_003,
    review_inputs_are_recorded_and_listed,
    a_complaint_holds_the_decision_over_http,
);

/// The members of the branch `CB`: card number, name; the first is its secretary.
const PEOPLE: [(&str, &str); 4] = [
    ("KD-01", "Hoàng Văn Tùng"),
    ("KD-02", "Nông Thị Mai"),
    ("KD-03", "La Văn Sơn"),
    ("KD-04", "Triệu Thị Hoa"),
];
const BRANCH: &str = "Chi bộ thôn Bản Vền";

/// Province `T` › district `H` › grassroots branch `CB` with the [`PEOPLE`], all official; the
/// first holds the branch secretary's post since 01/06/2022 (after the start of 2022, for seed
/// 003's "head moved in").
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
            &org("T", "Đảng bộ tỉnh Cao Bằng", OrgKind::Province, None),
            founded,
        )
        .await
        .expect("province");
    let district = tx
        .create_org(
            &org(
                "H",
                "Đảng bộ huyện Hà Quảng",
                OrgKind::UpperGrassroots,
                Some(province),
            ),
            founded,
        )
        .await
        .expect("district");
    let branch = tx
        .create_org(
            &org("CB", BRANCH, OrgKind::GrassrootsBranch, Some(district)),
            founded,
        )
        .await
        .expect("branch");
    for (n, (code, name)) in PEOPLE.iter().enumerate() {
        let admitted = day("19/05/2010");
        let id = tx
            .create_member(
                &NewMember {
                    code: (*code).into(),
                    details: MemberDetails {
                        full_name: (*name).into(),
                        birth_date: day("01/01/1980"),
                        admitted_on: admitted,
                        official_on: Some(day("19/05/2011")),
                        civil_servant: false,
                        employer_unit: "Hợp tác xã Bản Vền".into(),
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
                day("01/06/2022"),
            )
            .await
            .expect("secretary");
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

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_string()
}

/// The branch's 2025 plan (or another year's, with a body of extra fields), opened.
struct Opened {
    plan: Value,
    /// The branch's own subject.
    branch: Value,
    /// The members' subjects, in the order of [`PEOPLE`].
    members: Vec<Value>,
}

impl Opened {
    fn plan_id(&self) -> String {
        id_of(&self.plan)
    }
}

async fn open_plan(app: &TestApp, body: Value) -> Opened {
    let plan = send(
        as_user(app, "bantochuc.huyen", Method::POST, "/api/v1/plans").json(&body),
        StatusCode::CREATED,
    )
    .await;
    let plan_id = id_of(&plan);
    send(
        as_user(
            app,
            "bithu.chibo",
            Method::POST,
            &format!("/api/v1/plans/{plan_id}/open"),
        )
        .json(&json!({ "version": plan["version"] })),
        StatusCode::OK,
    )
    .await;
    let plan = app.get_ok(&format!("/api/v1/plans/{plan_id}")).await;
    assert_eq!(plan["status"], "open", "{plan}");
    let page = app
        .get_ok(&format!("/api/v1/plans/{plan_id}/subjects"))
        .await;
    let subjects = page["subjects"].as_array().expect("subjects").clone();
    let branch = subjects
        .iter()
        .find(|s| s["kind"] == "organisation" && s["name"] == BRANCH)
        .unwrap_or_else(|| panic!("the branch is a subject: {page}"))
        .clone();
    let members = PEOPLE
        .iter()
        .map(|(_, name)| {
            subjects
                .iter()
                .find(|s| s["name"] == *name)
                .unwrap_or_else(|| panic!("{name} is a subject: {page}"))
                .clone()
        })
        .collect::<Vec<_>>();
    for member in &members {
        assert_eq!(member["participation"], "review_and_classify", "{member}");
    }
    Opened {
        plan,
        branch,
        members,
    }
}

async fn open_2025(app: &TestApp) -> Opened {
    build(&app.store).await;
    open_plan(app, json!({ "org": "CB", "year": 2025 })).await
}

/// The acting user of a subject's own writing.
fn author(subject: &Value) -> String {
    format!("self:{}", subject["name"].as_str().unwrap_or(""))
}

/// Saves a draft of every required section as `text — title` on top of `version`.
async fn write(app: &TestApp, subject: &Value, text: &str, version: &Value) -> Value {
    let id = id_of(subject);
    let form = app
        .get_ok(&format!("/api/v1/subjects/{id}/self-review"))
        .await;
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
            &author(subject),
            Method::PUT,
            &format!("/api/v1/subjects/{id}/self-review"),
        )
        .json(&json!({ "version": version, "sections": sections })),
        StatusCode::OK,
    )
    .await;
    assert_eq!(draft["status"], "draft", "{draft}");
    draft
}

/// Submits the self-review drafted as `draft` on 05/12/2025 (an organisation's draft report
/// circulated that day too), 7 days before the meetings of 12/12.
async fn submit(app: &TestApp, subject: &Value, draft: &Value) -> Value {
    let is_org = subject["kind"] == "organisation";
    let submitted = send(
        as_user(
            app,
            &author(subject),
            Method::POST,
            &format!("/api/v1/subjects/{}/self-review/submission", id_of(subject)),
        )
        .json(&json!({
            "version": draft["version"],
            "submitted_on": "2025-12-05",
            "draft_sent_on": if is_org { json!("2025-12-05") } else { Value::Null },
        })),
        StatusCode::OK,
    )
    .await;
    assert_eq!(submitted["status"], "submitted", "{submitted}");
    submitted
}

/// Writes and submits a first self-review of `text`.
async fn write_and_submit(app: &TestApp, subject: &Value, text: &str) -> Value {
    let draft = write(app, subject, text, &json!(0)).await;
    submit(app, subject, &draft).await
}

/// Self-evaluates a subject at 80 points (HTTNV), every task done on time.
async fn self_evaluate(app: &TestApp, subject: &Value) {
    let id = id_of(subject);
    let framework_id = subject["framework_id"].as_str().expect("a framework");
    let framework = app
        .get_ok(&format!("/api/v1/frameworks/{framework_id}"))
        .await;
    let is_org = subject["kind"] == "organisation";
    send(
        as_user(
            app,
            &author(subject),
            Method::PUT,
            &format!("/api/v1/subjects/{id}/self-evaluation"),
        )
        .json(&json!({
            "version": 0,
            "input": { "points": points_total(&framework, 80.0) },
            "evidence": { "nhiem_vu.1": "Hoàn thành 10/10 nhiệm vụ được giao" },
            "tasks": { "assigned": 10, "completed": 10, "on_time": 10,
                       "exceeded": if is_org { 4 } else { 1 } },
            "proposed": "HTTNV"
        })),
        StatusCode::OK,
    )
    .await;
    crate::support::record_plain_year(app, subject).await;
}

/// A meeting of the branch on 12/12/2025 with every member present, chaired by Nông Thị Mai (not
/// the secretary), over `agenda`.
async fn schedule(app: &TestApp, opened: &Opened, agenda: &[&Value]) -> String {
    let attendees: Vec<Value> = PEOPLE
        .iter()
        .map(|(code, name)| json!({ "member": code, "name": name, "role": "member" }))
        .collect();
    let meeting = send(
        as_user(app, "bithu.chibo", Method::POST, "/api/v1/meetings").json(&json!({
            "plan_id": opened.plan_id(), "org": "CB",
            "title": "Hội nghị kiểm điểm chi bộ thôn Bản Vền năm 2025",
            "held_on": "2025-12-12", "place": "Nhà văn hóa thôn", "chair": "Nông Thị Mai",
            "attendees": attendees,
            "agenda": agenda.iter().map(|s| id_of(s)).collect::<Vec<_>>(),
        })),
        StatusCode::CREATED,
    )
    .await;
    id_of(&meeting)
}

async fn record_review(
    app: &TestApp,
    meeting: &str,
    subject: &Value,
    body: Value,
) -> reqwest::Response {
    as_user(
        app,
        "thuky",
        Method::PUT,
        &format!("/api/v1/meetings/{meeting}/reviews/{}", id_of(subject)),
    )
    .json(&body)
    .send()
    .await
    .expect("sent")
}

fn reviewed() -> Value {
    json!({ "comments": "Các đồng chí góp ý thẳng thắn", "conclusion": "Thống nhất" })
}

async fn fresh(app: &TestApp, subject: &Value) -> Value {
    app.get_ok(&format!("/api/v1/subjects/{}", id_of(subject)))
        .await
}

async fn self_review_of(app: &TestApp, subject: &Value) -> Value {
    app.get_ok(&format!("/api/v1/subjects/{}/self-review", id_of(subject)))
        .await
}

/// The other subjects a self-review's flags point at.
fn flagged_others(review: &Value) -> Vec<String> {
    review["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| {
            f["other_subject_id"]
                .as_str()
                .unwrap_or("sample")
                .to_string()
        })
        .collect()
}

/// A member's own wording, long enough to be compared, with one word of `variant`.
fn own_text(variant: &str) -> String {
    format!(
        "Năm 2025 tôi phụ trách tổ sản xuất số {variant} của thôn Bản Vền, vận động mười bốn hộ \
         hiến đất mở rộng đường liên thôn, trồng mới ba héc ta hồi và quế, tham gia đầy đủ các \
         buổi sinh hoạt chi bộ và đóng đảng phí đúng hạn, giữ mối liên hệ với nhân dân nơi cư trú"
    )
}

async fn near_copies_are_flagged_returned_and_cleared(app: &TestApp) {
    let opened = open_2025(app).await;
    let plan_id = opened.plan_id();
    let (mai, son) = (&opened.members[1], &opened.members[2]);
    let first = write_and_submit(app, mai, &own_text("hai")).await;
    assert_eq!(flagged_others(&first), Vec::<String>::new(), "{first}");
    let second = write_and_submit(app, son, &own_text("ba")).await;
    assert_eq!(flagged_others(&second), [id_of(mai)], "{second}");
    let score = second["flags"][0]["score"].as_f64().expect("a score");
    assert!((0.7..1.0).contains(&score), "{second}");
    assert_eq!(second["flags"][0]["other_name"], "Nông Thị Mai");
    // The earlier self-review carries the mirror flag.
    let first = self_review_of(app, mai).await;
    assert_eq!(first["status"], "submitted");
    assert_eq!(flagged_others(&first), [id_of(son)], "{first}");
    assert_eq!(first["flags"][0]["other_name"], "La Văn Sơn");

    // The secretary sees both.
    let listed = app
        .get_ok(&format!("/api/v1/plans/{plan_id}/near-copies"))
        .await;
    let mut names: Vec<&str> = listed["reviews"]
        .as_array()
        .expect("reviews")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["La Văn Sơn", "Nông Thị Mai"], "{listed}");
    let listed_mai = listed["reviews"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["subject_id"] == mai["id"]))
        .expect("Mai is listed");
    assert_eq!(listed_mai["status"], "submitted");
    assert_eq!(listed_mai["version"], first["version"]);
    assert_eq!(listed_mai["flags"][0]["other_subject_id"], son["id"]);

    // Returning it needs a reason, then the self-review's version.
    let path = format!("/api/v1/subjects/{}/self-review/return", id_of(mai));
    let error = expect_error(
        app.post(
            &path,
            &json!({ "version": first["version"], "reason": "  " }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "reason", "{error}");
    assert_eq!(self_review_of(app, mai).await["status"], "submitted");
    let returned = expect_json(
        app.post(
            &path,
            &json!({ "version": first["version"], "reason": "Sao chép bản kiểm điểm của đồng chí La Văn Sơn" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(returned["status"], "draft", "{returned}");
    assert_eq!(returned["submitted_on"], Value::Null, "{returned}");
    assert_eq!(
        flagged_others(&returned),
        Vec::<String>::new(),
        "{returned}"
    );
    assert_eq!(fresh(app, mai).await["stage"], "pending");
    // Returned twice: it is no longer submitted.
    expect_error(
        app.post(
            &path,
            &json!({ "version": returned["version"], "reason": "Lần nữa" }),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;

    // Rewritten in her own words and submitted again: neither is flagged any more.
    let rewritten = "Tôi được phân công theo dõi công tác khuyến học của thôn, tổ chức lớp học \
                     tiếng Anh buổi tối cho hai mươi em học sinh, vận động quỹ khuyến học được \
                     mười hai triệu đồng và kèm cặp hai quần chúng ưu tú để chi bộ xem xét kết nạp";
    let draft = write(app, mai, rewritten, &returned["version"]).await;
    let again = submit(app, mai, &draft).await;
    assert_eq!(flagged_others(&again), Vec::<String>::new(), "{again}");
    assert_eq!(fresh(app, mai).await["stage"], "self_reviewed");
    let son_now = self_review_of(app, son).await;
    assert_eq!(son_now["status"], "submitted");
    assert_eq!(flagged_others(&son_now), Vec::<String>::new(), "{son_now}");
    let listed = app
        .get_ok(&format!("/api/v1/plans/{plan_id}/near-copies"))
        .await;
    assert!(
        listed["reviews"].as_array().is_some_and(Vec::is_empty),
        "{listed}"
    );
}

async fn the_2025_form_guides_each_section(app: &TestApp) {
    let opened = open_2025(app).await;
    let mai = &opened.members[1];
    assert_eq!(mai["kind"], "member_without_post", "{mai}");
    let review = self_review_of(app, mai).await;
    assert_eq!(review["status"], "none");
    assert_eq!(review["version"], 0);
    assert_eq!(review["form_code"], "Mẫu 2B-HD KĐ.ĐG 2025", "{review}");
    let form = review["form"].as_array().expect("form sections");
    let codes: Vec<&str> = form.iter().filter_map(|s| s["code"].as_str()).collect();
    assert_eq!(
        codes,
        ["A.I", "A.II", "A.III", "A.IV", "A.V", "A.VI", "B.I", "B.II"],
        "{review}"
    );
    let section = |code: &str| {
        form.iter()
            .find(|s| s["code"] == code)
            .unwrap_or_else(|| panic!("no section {code}"))
    };
    let guidance = |code: &str| -> Vec<String> {
        section(code)["guidance"]
            .as_array()
            .expect("guidance")
            .iter()
            .map(|g| g.as_str().expect("a guidance line").to_string())
            .collect()
    };
    for code in ["A.I", "B.I"] {
        let lines = guidance(code);
        assert!(
            !lines.is_empty() && lines.iter().all(|g| !g.trim().is_empty()),
            "{code}: {lines:?}"
        );
        assert!(
            !section(code)["title"]
                .as_str()
                .unwrap_or_default()
                .is_empty()
        );
    }
    let points = guidance("B.I");
    assert!(points.iter().any(|g| g.contains("/70")), "{points:?}");
    assert!(points.iter().any(|g| g.contains("/30")), "{points:?}");
    assert_eq!(section("B.I")["title"], "Đánh giá theo các nhóm tiêu chí");
    // Optional sections ("nếu có") are marked so.
    assert_eq!(section("A.IV")["required"], false);
    assert_eq!(section("B.II")["required"], true);
    // The secretary's form follows the post.
    let tung = self_review_of(app, &opened.members[0]).await;
    assert_eq!(tung["form_code"], "Mẫu 2A-HD KĐ.ĐG 2025", "{tung}");
    // The branch writes the collective report.
    let branch = self_review_of(app, &opened.branch).await;
    assert_eq!(branch["form_code"], "Mẫu 01-HD KĐ.ĐG 2025", "{branch}");
}

async fn a_published_plan_is_corrected_and_reopened(app: &TestApp) {
    let opened = open_2025(app).await;
    let plan_id = opened.plan_id();
    let everyone: Vec<&Value> = std::iter::once(&opened.branch)
        .chain(opened.members.iter())
        .collect();
    for (n, subject) in everyone.iter().enumerate() {
        let text = format!(
            "{} tự kiểm điểm công việc riêng của mình năm 2025, mã {n}-{}",
            subject["name"].as_str().unwrap_or(""),
            id_of(subject)
        );
        write_and_submit(app, subject, &text).await;
        self_evaluate(app, subject).await;
    }
    // Reviewed at one meeting: the branch, its secretary (a member chairing), the members.
    let meeting = schedule(app, &opened, &everyone).await;
    for (n, subject) in everyone.iter().enumerate() {
        let mut body = reviewed();
        if n == 1 {
            body["chaired_by"] = json!("KD-02");
        }
        expect_json(
            record_review(app, &meeting, subject, body).await,
            StatusCode::OK,
        )
        .await;
    }
    // Decided: the members, then the branch (HD 43 Mục 3), then its secretary (the unit before
    // its head), everyone HTTNV.
    let in_order: Vec<&Value> = opened.members[1..]
        .iter()
        .chain([&opened.branch, &opened.members[0]])
        .collect();
    for subject in &in_order {
        let current = fresh(app, subject).await;
        assert_eq!(current["stage"], "reviewed", "{current}");
        let decided = send(
            as_user(
                app,
                "bantv.huyen",
                Method::POST,
                &format!("/api/v1/subjects/{}/decisions", id_of(subject)),
            )
            .json(&json!({ "version": current["version"], "level": "HTTNV" })),
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(decided["version_no"], 1, "{decided}");
    }
    let plan = app.get_ok(&format!("/api/v1/plans/{plan_id}")).await;
    let published = expect_json(
        app.post(
            &format!("/api/v1/plans/{plan_id}/publication"),
            &json!({ "version": plan["version"] }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(published["published"], 5, "{published}");
    assert_eq!(
        published["levels"]["member_without_post"]["HTTNV"], 3,
        "{published}"
    );
    let plan_path = format!("/api/v1/plans/{plan_id}");
    assert_eq!(app.get_ok(&plan_path).await["status"], "published");

    // A correction after publication: a reason is required, and a refused one changes nothing.
    let son = &opened.members[2];
    let son_path = format!("/api/v1/subjects/{}", id_of(son));
    let current = fresh(app, son).await;
    assert_eq!(current["stage"], "published", "{current}");
    let first = app.get_ok(&format!("{son_path}/decisions")).await["decisions"][0].clone();
    let error = expect_error(
        app.post(
            &format!("{son_path}/corrections"),
            &json!({ "version": current["version"], "level": "HTNV" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "reason", "{error}");
    assert_eq!(app.get_ok(&plan_path).await["status"], "published");
    let corrected = expect_json(
        app.post(
            &format!("{son_path}/corrections"),
            &json!({
                "version": current["version"], "level": "HTNV",
                "reason": "Kết luận kiểm tra của Ủy ban Kiểm tra Huyện ủy: chưa hoàn thành chỉ tiêu trồng rừng"
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(corrected["kind"], "correction", "{corrected}");
    assert_eq!(corrected["level"], "HTNV", "{corrected}");
    assert_eq!(corrected["version_no"], 2, "{corrected}");
    assert_eq!(corrected["previous_id"], first["id"], "{corrected}");
    assert_eq!(app.get_ok(&plan_path).await["status"], "open");
    let current = fresh(app, son).await;
    assert_eq!(current["stage"], "decided", "{current}");
    assert_eq!(current["level"], "HTNV", "{current}");

    // Re-opened: a reason again, then the subject is back to reviewed.
    let error = expect_error(
        app.post(
            &format!("{son_path}/reopening"),
            &json!({ "version": current["version"], "reason": "" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "reason", "{error}");
    let reopened = expect_json(
        app.post(
            &format!("{son_path}/reopening"),
            &json!({ "version": current["version"], "reason": "Đồng chí có đơn đề nghị xem xét lại" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(reopened["kind"], "reopen", "{reopened}");
    assert_eq!(reopened["version_no"], 3, "{reopened}");
    let current = fresh(app, son).await;
    assert_eq!(current["stage"], "reviewed", "{current}");
    let decisions = app.get_ok(&format!("{son_path}/decisions")).await;
    assert_eq!(
        decisions["decisions"].as_array().map(Vec::len),
        Some(3),
        "{decisions}"
    );

    // Nothing newly decided: publishing again is refused and the plan stays open.
    let plan = app.get_ok(&plan_path).await;
    assert_eq!(plan["status"], "open");
    expect_error(
        app.post(
            &format!("{plan_path}/publication"),
            &json!({ "version": plan["version"] }),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert_eq!(app.get_ok(&plan_path).await["status"], "open");
}

async fn an_absent_subject_is_pending_and_a_head_does_not_chair_their_review(app: &TestApp) {
    let opened = open_2025(app).await;
    let plan_id = opened.plan_id();
    let (branch, tung, mai) = (&opened.branch, &opened.members[0], &opened.members[1]);
    write_and_submit(
        app,
        branch,
        "Báo cáo kiểm điểm của chi bộ thôn Bản Vền năm 2025",
    )
    .await;
    write_and_submit(app, tung, &own_text("một")).await;
    let meeting = schedule(app, &opened, &[branch, tung, mai]).await;
    expect_json(
        record_review(app, &meeting, branch, reviewed()).await,
        StatusCode::OK,
    )
    .await;

    // Mai is absent (and has not even written her self-review).
    let minutes = expect_json(
        record_review(app, &meeting, mai, json!({ "present": false })).await,
        StatusCode::OK,
    )
    .await;
    let item = minutes["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["subject_id"] == mai["id"]))
        .expect("Mai's item");
    assert_eq!(item["absent"], true, "{item}");
    assert_eq!(item["reviewed"], false, "{item}");
    assert_eq!(fresh(app, mai).await["stage"], "pending");
    let pending = app
        .get_ok(&format!("/api/v1/plans/{plan_id}/pending?org=CB"))
        .await;
    let listed = pending["subjects"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["subject_id"] == mai["id"]))
        .unwrap_or_else(|| panic!("Mai is pending: {pending}"));
    assert!(
        listed["reason"]
            .as_str()
            .is_some_and(|r| r.contains("Vắng mặt")),
        "{listed}"
    );
    assert_eq!(listed["stage"], "pending", "{listed}");

    // The secretary may not chair the review of himself.
    let error = expect_error(
        record_review(
            app,
            &meeting,
            tung,
            json!({ "conclusion": "Thống nhất", "chaired_by": tung["member_id"] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "out_of_order",
    )
    .await;
    assert_eq!(error["field"], "chaired_by", "{error}");
    assert!(error["rule"]["source"].is_string(), "{error}");
    assert_eq!(fresh(app, tung).await["stage"], "self_reviewed");
    // A member chairs this part: accepted.
    let minutes = expect_json(
        record_review(
            app,
            &meeting,
            tung,
            json!({ "conclusion": "Thống nhất", "chaired_by": "KD-02" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let item = minutes["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["subject_id"] == tung["id"]))
        .expect("Tùng's item");
    assert_eq!(item["reviewed"], true, "{item}");
    assert_eq!(item["chaired_by"], "Nông Thị Mai", "{item}");
    assert_eq!(fresh(app, tung).await["stage"], "reviewed");
}

async fn a_ballot_covers_the_agenda_once(app: &TestApp) {
    let opened = open_2025(app).await;
    let (mai, son, hoa) = (&opened.members[1], &opened.members[2], &opened.members[3]);
    let meeting = schedule(app, &opened, &[mai, son]).await;
    let path = format!("/api/v1/meetings/{meeting}/ballots");
    let error = expect_error(
        app.post(
            &path,
            &json!({ "mode": "electronic", "agenda": [id_of(hoa), id_of(mai)] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "agenda[0]", "{error}");
    let error = expect_error(
        app.post(&path, &json!({ "mode": "electronic", "agenda": [] }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "agenda", "{error}");
    let ballot = expect_json(
        app.post(
            &path,
            &json!({ "mode": "electronic", "agenda": [id_of(mai)] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(ballot["status"], "prepared", "{ballot}");
    // Mai is on an open ballot already; Sơn is not, but the second ballot names Mai second.
    let error = expect_error(
        app.post(
            &path,
            &json!({ "mode": "paper", "agenda": [id_of(son), id_of(mai)] }),
        )
        .await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert_eq!(error["field"], "agenda[1]", "{error}");
    let ballots = app.get_ok(&path).await;
    assert_eq!(
        ballots["ballots"].as_array().map(Vec::len),
        Some(1),
        "{ballots}"
    );
    assert_eq!(ballots["ballots"][0]["id"], ballot["id"]);
    // Sơn alone is still free for a ballot of his own.
    expect_json(
        app.post(&path, &json!({ "mode": "paper", "agenda": [id_of(son)] }))
            .await,
        StatusCode::CREATED,
    )
    .await;
}

async fn heads_moved_in_need_seed_003(app: &TestApp) {
    let opened = open_2025(app).await;
    let (branch, tung) = (&opened.branch, &opened.members[0]);
    assert_eq!(tung["kind"], "member_with_post", "{tung}");
    let path = format!("/api/v1/subjects/{}/heads-moved-in", id_of(tung));
    let listed = app.get_ok(&path).await;
    assert_eq!(listed["declarations"], json!([]), "{listed}");
    let error = expect_error(
        app.post(&path, &json!({ "unit_id": branch["id"], "reason": " " }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "reason", "{error}");
    let reason = "Đồng chí nhận công tác tại thôn từ tháng 6, không tham gia lãnh đạo chi bộ trong nửa đầu năm";
    // The national rules of 2025 have no such exception: refused.
    expect_error(
        app.post(&path, &json!({ "unit_id": branch["id"], "reason": reason }))
            .await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert_eq!(app.get_ok(&path).await["declarations"], json!([]));

    // Seed 003's local layer implements QĐ 132: a 2025 plan cannot take it.
    let error = expect_error(
        app.post(
            "/api/v1/plans",
            &json!({ "org": "CB", "year": 2025, "local_layer": "seed003-huyen-2019", "title": "Kế hoạch thứ hai" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "local_layer", "{error}");
    // Under seed 003's local layer (2022, QĐ 132): the secretary came on 01/06/2022.
    let local = open_plan(
        app,
        json!({ "org": "CB", "year": 2022, "local_layer": "seed003-huyen-2019" }),
    )
    .await;
    assert_eq!(local.plan["rule_set"], "qd132-hd21", "{}", local.plan);
    assert_eq!(local.plan["local_layer"], "seed003-huyen-2019");
    let head = &local.members[0];
    let path = format!("/api/v1/subjects/{}/heads-moved-in", id_of(head));
    // Not a unit he heads.
    let error = expect_error(
        app.post(
            &path,
            &json!({ "unit_id": local.members[1]["id"], "reason": reason }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "unit_id", "{error}");
    let declared = expect_json(
        app.post(
            &path,
            &json!({ "unit_id": local.branch["id"], "reason": reason }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(declared["subject_id"], head["id"], "{declared}");
    assert_eq!(declared["unit_id"], local.branch["id"], "{declared}");
    assert_eq!(declared["unit_name"], BRANCH, "{declared}");
    assert_eq!(declared["post_from"], "2022-06-01", "{declared}");
    assert_eq!(declared["reason"], reason, "{declared}");
    assert_eq!(declared["declared_by"], crate::support::USER, "{declared}");
    let listed = app.get_ok(&path).await;
    let declarations = listed["declarations"].as_array().expect("declarations");
    assert_eq!(declarations.len(), 1, "{listed}");
    assert_eq!(declarations[0]["unit_id"], local.branch["id"]);
    assert_eq!(declarations[0]["reason"], reason);
}

async fn review_inputs_are_recorded_and_listed(app: &TestApp) {
    let opened = open_2025(app).await;
    let hoa = &opened.members[3];
    let path = format!("/api/v1/subjects/{}/review-inputs", id_of(hoa));
    let listed = app.get_ok(&path).await;
    assert_eq!(listed["inputs"], json!([]), "{listed}");
    let text = "Đồng chí gương mẫu, tích cực vận động bà con vệ sinh đường làng";
    let error = expect_error(
        app.post(
            &path,
            &json!({ "kind": "ykien", "from_body": "Ban Công tác Mặt trận thôn", "text": text }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    assert_eq!(error["field"], "kind", "{error}");
    let error = expect_error(
        app.post(
            &path,
            &json!({ "kind": "masses_comment", "from_body": "Ban Công tác Mặt trận thôn", "text": " " }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "text", "{error}");
    let input = expect_json(
        app.post(
            &path,
            &json!({ "kind": "masses_comment", "from_body": "Ban Công tác Mặt trận thôn", "text": text }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(input["kind"], "masses_comment", "{input}");
    assert_eq!(input["from_body"], "Ban Công tác Mặt trận thôn", "{input}");
    assert_eq!(input["text"], text, "{input}");
    assert_eq!(input["received_on"], "2025-12-31", "{input}");
    assert_eq!(input["recorded_by"], crate::support::USER, "{input}");
    let listed = app.get_ok(&path).await;
    let inputs = listed["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 1, "{listed}");
    assert_eq!(inputs[0]["id"], input["id"]);
    assert_eq!(inputs[0]["kind"], "masses_comment");
    assert_eq!(inputs[0]["text"], text);
    // Another subject's inputs are its own.
    let others = app
        .get_ok(&format!(
            "/api/v1/subjects/{}/review-inputs",
            id_of(&opened.members[2])
        ))
        .await;
    assert_eq!(others["inputs"], json!([]), "{others}");
}

/// Issue 16 over HTTP: a member's complaint lodged before the decision holds it (`out_of_order`
/// naming QĐ 366 Điều 12) until the handling level records the verification and its conclusion,
/// which the complainant reads; the decided member keeps a dissenting opinion shown with the
/// decision; the inspection committee's breach list and the re-check answer.
async fn a_complaint_holds_the_decision_over_http(app: &TestApp) {
    let opened = open_2025(app).await;
    let plan_id = opened.plan_id();
    let everyone: Vec<&Value> = std::iter::once(&opened.branch)
        .chain(opened.members.iter())
        .collect();
    for (n, subject) in everyone.iter().enumerate() {
        let text = format!(
            "{} tự kiểm điểm công việc riêng của mình năm 2025, mã {n}-{}",
            subject["name"].as_str().unwrap_or(""),
            id_of(subject)
        );
        write_and_submit(app, subject, &text).await;
        self_evaluate(app, subject).await;
    }
    let meeting = schedule(app, &opened, &everyone).await;
    for (n, subject) in everyone.iter().enumerate() {
        let mut body = reviewed();
        if n == 1 {
            body["chaired_by"] = json!("KD-02");
        }
        expect_json(
            record_review(app, &meeting, subject, body).await,
            StatusCode::OK,
        )
        .await;
    }
    let mai = &opened.members[1];
    let mai_path = format!("/api/v1/subjects/{}", id_of(mai));
    // La Văn Sơn (KD-03) complains about Nông Thị Mai before her decision.
    let lodged = send(
        as_user(
            app,
            "dangvien.son",
            Method::POST,
            &format!("{mai_path}/matters"),
        )
        .header("X-Kiemdiem-Member", "KD-03")
        .json(&json!({ "kind": "complaint", "content": "Chưa gương mẫu nơi cư trú" })),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(lodged["before_decision"], true, "{lodged}");
    assert_eq!(lodged["kind_name"], "Đơn khiếu nại", "{lodged}");
    let decide = |version: &Value| {
        as_user(
            app,
            "bantv.huyen",
            Method::POST,
            &format!("{mai_path}/decisions"),
        )
        .json(&json!({ "version": version, "level": "HTTNV" }))
    };
    let current = fresh(app, mai).await;
    let held = expect_error(
        decide(&current["version"]).send().await.expect("sent"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "out_of_order",
    )
    .await;
    assert!(
        held["message"]
            .as_str()
            .unwrap()
            .contains("QĐ 366-QĐ/TW Điều 12"),
        "{held}"
    );
    assert!(
        held["rule"]["rule"]
            .as_str()
            .unwrap()
            .ends_with("order.verification_before_decision"),
        "{held}"
    );
    // The handling level sees it, orders the verification and concludes.
    let listed = app
        .get_ok(&format!("/api/v1/plans/{plan_id}/matters"))
        .await;
    assert_eq!(listed["matters"].as_array().unwrap().len(), 1, "{listed}");
    let matter_path = format!("/api/v1/matters/{}", id_of(&lodged));
    let ordered = expect_json(
        app.post(
            &format!("{matter_path}/verification-order"),
            &json!({ "version": lodged["version"], "due_on": "2026-01-15" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ordered["due_on"], "2026-01-15", "{ordered}");
    let concluded = expect_json(
        app.post(
            &format!("{matter_path}/conclusion"),
            &json!({
                "version": ordered["version"], "outcome": "not_upheld",
                "findings": "Xác minh tại khu dân cư", "conclusion": "Nội dung phản ánh không đúng"
            }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(concluded["matter"]["outcome"], "not_upheld", "{concluded}");
    assert!(concluded["correction"].is_null(), "{concluded}");
    assert!(concluded["notice_id"].is_string(), "{concluded}");
    let current = fresh(app, mai).await;
    let decided = send(decide(&current["version"]), StatusCode::CREATED).await;
    assert_eq!(decided["level"], "HTTNV", "{decided}");
    // The complainant reads the conclusion.
    let mine = send(
        as_user(app, "dangvien.son", Method::GET, "/api/v1/my/matters")
            .header("X-Kiemdiem-Member", "KD-03"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        mine["matters"][0]["conclusion"], "Nội dung phản ánh không đúng",
        "{mine}"
    );
    // Mai keeps her own opinion; the decision shows it.
    let dissent = send(
        as_user(
            app,
            "dangvien.mai",
            Method::POST,
            &format!("{mai_path}/dissents"),
        )
        .header("X-Kiemdiem-Member", "KD-02")
        .json(&json!({ "opinion": "Tôi bảo lưu ý kiến về nội dung phản ánh" })),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(dissent["decision_id"], decided["id"], "{dissent}");
    let decisions = app.get_ok(&format!("{mai_path}/decisions")).await;
    assert_eq!(
        decisions["decisions"][0]["dissents"][0]["opinion"],
        "Tôi bảo lưu ý kiến về nội dung phản ánh",
        "{decisions}"
    );
    // The subject's page shows it with the decision, to the district's board signed in.
    let password = "mật khẩu dùng thử của ban tổ chức";
    expect_json(
        app.post(
            "/api/v1/accounts",
            &json!({ "login": "bantochuc.xem", "display_name": "Ban tổ chức huyện", "org": "H", "password": password }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    expect_json(
        app.post(
            "/api/v1/accounts/bantochuc.xem/grants",
            &json!({ "role": "board", "org": "H" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let cookie = crate::support::session_cookie(app, "bantochuc.xem", password).await;
    let page = app
        .client
        .get(app.url(&format!("/doi-tuong/{}", id_of(mai))))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Bảo lưu ý kiến") && html.contains("Tôi bảo lưu ý kiến về nội dung phản ánh"),
        "the decision shows the dissent: {}",
        &html[html.find("<main").unwrap_or(0)..]
            .chars()
            .take(3000)
            .collect::<String>()
    );
    // The inspection committee's lists answer.
    let breaches = app
        .get_ok(&format!("/api/v1/plans/{plan_id}/breaches"))
        .await;
    assert!(breaches["organisations"].is_array(), "{breaches}");
    let recheck = app
        .get_ok(&format!("/api/v1/plans/{plan_id}/recheck"))
        .await;
    assert_eq!(recheck["checked"], 1, "{recheck}");
    assert_eq!(recheck["nonconforming"], json!([]), "{recheck}");
    assert_eq!(recheck["rule_set"], "qd366-hd43", "{recheck}");
}
