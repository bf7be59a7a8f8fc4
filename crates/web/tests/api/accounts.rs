//! Accounts, sessions and tokens over HTTP, with real credentials (no development header): a
//! member votes only as themself, a revoked token or role stops at once, a session's writes need
//! its CSRF token and refuse other sites, no board takes over an administrator, account events
//! are audited, and no password, session or token is ever stored in clear.

use crate::support::{TestApp, Tree, api_test, day, expect_error, expect_json, seed_tree};
use kiemdiem_app::accounts::{NewAccount, RoleGrant};
use kiemdiem_app::ballot::{BallotMode, RollAdjustments};
use kiemdiem_app::meeting::{Attendee, NewMeeting};
use kiemdiem_app::plan::NewPlan;
use kiemdiem_app::{Actor, App, Role, Security};
use kiemdiem_rules::eligibility::Participation;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::json;
use uuid::Uuid;

api_test!(
    a_member_casts_only_their_own_paper,
    a_revoked_token_is_refused_at_once,
    roles_end_at_once_and_a_secretary_reads_only_their_branch,
    session_writes_need_the_csrf_token_and_refuse_other_sites,
    no_board_takes_over_an_administrator,
    account_events_are_audited,
    no_secret_is_stored_in_clear,
    a_session_checked_a_moment_ago_still_ends_on_change,
);

const PASSWORD: &str = "mật khẩu dùng thử";

fn kiemdiem(app: &TestApp) -> App {
    App::with_today(app.store.clone(), day("31/12/2025")).with_security(Security::for_tests())
}

/// Creates an account (linked to the member with this card number, if any) with a role on
/// `node`, and returns a token for it.
async fn account(
    app: &TestApp,
    login: &str,
    member: Option<&str>,
    role: Option<(Role, Option<Uuid>)>,
) -> String {
    let k = kiemdiem(app);
    let system = Actor::trusted("test");
    let member = match member {
        Some(code) => Some(k.member_id(&system, code, "member").await.expect("member")),
        None => None,
    };
    k.create_account(
        &system,
        NewAccount {
            login: login.into(),
            display_name: login.into(),
            member,
            org: role.and_then(|(_, node)| node),
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .expect("account");
    if let Some((role, org)) = role
        && role != Role::Member
    {
        k.grant_role(
            &system,
            login,
            RoleGrant {
                role,
                org,
                valid_from: Some(day("01/01/2025")),
                valid_to: None,
            },
        )
        .await
        .expect("grant");
    }
    k.create_token(&system, Some(login), "kiểm thử", None)
        .await
        .expect("token")
        .token
}

fn with_token(app: &TestApp, token: &str, method: Method, path: &str) -> RequestBuilder {
    app.client.request(method, app.url(path)).bearer_auth(token)
}

async fn send(request: RequestBuilder) -> reqwest::Response {
    request.send().await.expect("request sent")
}

/// An open electronic ballot of the village branch (members DV001–DV004 present).
async fn open_ballot(app: &TestApp, tree: &Tree) -> (Uuid, Vec<Uuid>) {
    let k = kiemdiem(app);
    let system = Actor::trusted("test");
    let plan = k
        .create_plan(
            &system,
            NewPlan {
                org: tree.commune,
                year: 2025,
                ..NewPlan::default()
            },
        )
        .await
        .expect("plan");
    k.open_plan(&system, plan.id, plan.version)
        .await
        .expect("open");
    let agenda: Vec<Uuid> = k
        .subjects(&system, plan.id, Some(&[tree.village_branch]))
        .await
        .expect("subjects")
        .into_iter()
        .filter(|s| s.kind.is_member() && s.participation == Participation::ReviewAndClassify)
        .map(|s| s.id)
        .take(2)
        .collect();
    let mut attendees = Vec::new();
    for code in ["DV001", "DV002", "DV003", "DV004"] {
        attendees.push(Attendee {
            member: Some(k.member_id(&system, code, "member").await.expect("member")),
            name: code.into(),
            role: "member".into(),
            present: true,
            excused: false,
        });
    }
    let meeting = k
        .schedule_meeting(
            &system,
            NewMeeting {
                plan: plan.id,
                org: tree.village_branch,
                title: "Hội nghị chi bộ".into(),
                body_key: None,
                suggested: false,
                held_on: day("15/12/2025"),
                place: "Nhà văn hóa thôn".into(),
                chair: "Đỗ Thị Yến".into(),
                attendees,
                agenda: agenda.clone(),
            },
        )
        .await
        .expect("meeting");
    let ballot = k
        .prepare_ballot(&system, meeting.id, BallotMode::Electronic, agenda.clone())
        .await
        .expect("ballot");
    k.open_ballot(
        &system,
        ballot.id,
        ballot.version,
        RollAdjustments::default(),
    )
    .await
    .expect("open ballot");
    (ballot.id, agenda)
}

async fn a_member_casts_only_their_own_paper(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let (ballot, agenda) = open_ballot(app, &tree).await;
    let yen = account(app, "yen", Some("DV001"), Some((Role::Member, None))).await;
    let anh = account(app, "anh", Some("DV004"), Some((Role::Member, None))).await;
    let staff = account(
        app,
        "vanphong",
        None,
        Some((Role::BranchSecretary, Some(tree.village_branch))),
    )
    .await;
    let paper =
        json!({ "votes": { agenda[0].to_string(): "HTTNV", agenda[1].to_string(): "HTNV" } });
    let path = format!("/api/v1/ballots/{ballot}/papers");
    // Yến names Ánh as the voter: the header is ignored, the paper is Yến's own.
    let cast = send(
        with_token(app, &yen, Method::POST, &path)
            .header("X-Kiemdiem-Member", "DV004")
            .json(&paper),
    )
    .await;
    expect_json(cast, StatusCode::CREATED).await;
    let again = send(with_token(app, &yen, Method::POST, &path).json(&paper)).await;
    expect_error(again, StatusCode::CONFLICT, "already_voted").await;
    // Ánh's own paper was never cast in her name.
    let hers = send(with_token(app, &anh, Method::POST, &path).json(&paper)).await;
    expect_json(hers, StatusCode::CREATED).await;
    // An account of no member cannot vote, whatever it names.
    let nobody = send(
        with_token(app, &staff, Method::POST, &path)
            .header("X-Kiemdiem-Member", "DV002")
            .json(&paper),
    )
    .await;
    expect_error(nobody, StatusCode::FORBIDDEN, "member_required").await;
    let state = expect_json(
        send(with_token(
            app,
            &staff,
            Method::GET,
            &format!("/api/v1/ballots/{ballot}"),
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(state["voted"], 2, "two voters, Yến and Ánh: {state}");
}

async fn a_revoked_token_is_refused_at_once(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let token = account(
        app,
        "chuongtrinh",
        None,
        Some((Role::Inspection, Some(tree.commune))),
    )
    .await;
    let me = expect_json(
        send(with_token(app, &token, Method::GET, "/api/v1/session")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["account"]["login"], "chuongtrinh");
    assert!(
        me["csrf_token"].is_null(),
        "a token needs no CSRF token: {me}"
    );
    // A second token, created over HTTP, shown once and listed without its secret.
    let created = expect_json(
        send(
            with_token(app, &token, Method::POST, "/api/v1/tokens")
                .json(&json!({ "name": "đồng bộ" })),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let second = created["token"].as_str().expect("the secret").to_string();
    assert!(second.starts_with("kdt_"));
    let listed = expect_json(
        send(with_token(app, &token, Method::GET, "/api/v1/tokens")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["tokens"].as_array().map(Vec::len), Some(2));
    assert!(
        !listed.to_string().contains(&second),
        "never listed: {listed}"
    );
    let id = created["id"].as_str().expect("id");
    expect_json(
        send(with_token(
            app,
            &token,
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    let refused = send(with_token(app, &second, Method::GET, "/api/v1/session")).await;
    expect_error(refused, StatusCode::UNAUTHORIZED, "session_expired").await;
    let unknown = send(with_token(app, "kdt_0000", Method::GET, "/api/v1/session")).await;
    expect_error(unknown, StatusCode::UNAUTHORIZED, "session_expired").await;
    // The first one still works.
    expect_json(
        send(with_token(app, &token, Method::GET, "/api/v1/session")).await,
        StatusCode::OK,
    )
    .await;
}

async fn roles_end_at_once_and_a_secretary_reads_only_their_branch(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let admin = account(app, "quantri", None, Some((Role::Admin, None))).await;
    let secretary = account(
        app,
        "bithu",
        None,
        Some((Role::BranchSecretary, Some(tree.village_branch))),
    )
    .await;
    let own = send(with_token(
        app,
        &secretary,
        Method::GET,
        "/api/v1/orgs/CB1/members",
    ))
    .await;
    let members = expect_json(own, StatusCode::OK).await;
    assert_eq!(members["total"], 4, "{members}");
    let other = send(with_token(
        app,
        &secretary,
        Method::GET,
        "/api/v1/orgs/CB2/members",
    ))
    .await;
    let error = expect_error(other, StatusCode::FORBIDDEN, "forbidden").await;
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("bithu") && message.contains("Chi bộ Trường Tiểu học"),
        "{message}"
    );
    // The administrator revokes the role: the next request is refused.
    let account = expect_json(
        send(with_token(
            app,
            &admin,
            Method::GET,
            "/api/v1/accounts/bithu",
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    let grant = account["grants"][0]["id"]
        .as_str()
        .expect("grant id")
        .to_string();
    expect_json(
        send(
            with_token(
                app,
                &admin,
                Method::POST,
                &format!("/api/v1/grants/{grant}/revocation"),
            )
            .json(&json!({ "reason": "thôi giữ chức bí thư" })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let after = send(with_token(
        app,
        &secretary,
        Method::GET,
        "/api/v1/orgs/CB1/members",
    ))
    .await;
    expect_error(after, StatusCode::FORBIDDEN, "forbidden").await;
    // A disabled account's token stops too.
    expect_json(
        send(
            with_token(app, &admin, Method::PUT, "/api/v1/accounts/bithu/status")
                .json(&json!({ "disabled": true, "reason": "chuyển công tác" })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let disabled = send(with_token(app, &secretary, Method::GET, "/api/v1/session")).await;
    expect_error(disabled, StatusCode::UNAUTHORIZED, "session_expired").await;
}

/// Signs in with a password; returns the cookie and the CSRF token.
async fn sign_in(app: &TestApp, login: &str, password: &str) -> (String, String) {
    let response = send(
        app.client
            .post(app.url("/api/v1/session"))
            .json(&json!({ "login": login, "password": password })),
    )
    .await;
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    let body = expect_json(response, StatusCode::OK).await;
    (
        cookie,
        body["csrf_token"].as_str().expect("csrf").to_string(),
    )
}

async fn session_writes_need_the_csrf_token_and_refuse_other_sites(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    account(
        app,
        "bantochuc",
        None,
        Some((Role::Board, Some(tree.commune))),
    )
    .await;
    let wrong = send(
        app.client
            .post(app.url("/api/v1/session"))
            .json(&json!({ "login": "bantochuc", "password": "sai mật khẩu rồi" })),
    )
    .await;
    let error = expect_error(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(error["message"], "Tên đăng nhập hoặc mật khẩu không đúng");
    let unknown = send(
        app.client
            .post(app.url("/api/v1/session"))
            .json(&json!({ "login": "khongco", "password": "sai mật khẩu rồi" })),
    )
    .await;
    let same = expect_error(unknown, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(
        same["message"], error["message"],
        "never says which was wrong"
    );
    let foreign = send(
        app.client
            .post(app.url("/api/v1/session"))
            .header("Origin", "https://trang-gia-mao.example")
            .json(&json!({ "login": "bantochuc", "password": PASSWORD })),
    )
    .await;
    expect_error(foreign, StatusCode::FORBIDDEN, "cross_site").await;

    let (cookie, csrf) = sign_in(app, "bantochuc", PASSWORD).await;
    let read = send(
        app.client
            .get(app.url("/api/v1/orgs/XA"))
            .header("Cookie", &cookie),
    )
    .await;
    expect_json(read, StatusCode::OK).await;
    let new_account = json!({ "login": "bithu.moi", "display_name": "Bí thư mới", "org": "CB1" });
    let without = send(
        app.client
            .post(app.url("/api/v1/accounts"))
            .header("Cookie", &cookie)
            .json(&new_account),
    )
    .await;
    expect_error(without, StatusCode::FORBIDDEN, "csrf_failed").await;
    let other_site = send(
        app.client
            .post(app.url("/api/v1/accounts"))
            .header("Cookie", &cookie)
            .header("X-Kiemdiem-CSRF", &csrf)
            .header("Sec-Fetch-Site", "cross-site")
            .json(&new_account),
    )
    .await;
    expect_error(other_site, StatusCode::FORBIDDEN, "cross_site").await;
    let created = send(
        app.client
            .post(app.url("/api/v1/accounts"))
            .header("Cookie", &cookie)
            .header("X-Kiemdiem-CSRF", &csrf)
            .json(&new_account),
    )
    .await;
    let created = expect_json(created, StatusCode::CREATED).await;
    let one_time = created["one_time_password"]
        .as_str()
        .expect("a one-time password")
        .to_string();
    assert!(
        created["account"]["must_change_password"]
            .as_bool()
            .unwrap_or(false)
    );
    // The new secretary's one-time password lets them do nothing but change it.
    let (their_cookie, their_csrf) = sign_in(app, "bithu.moi", &one_time).await;
    let blocked = send(
        app.client
            .get(app.url("/api/v1/orgs/CB1"))
            .header("Cookie", &their_cookie),
    )
    .await;
    expect_error(blocked, StatusCode::FORBIDDEN, "password_change_required").await;
    let weak = send(
        app.client
            .put(app.url("/api/v1/session/password"))
            .header("Cookie", &their_cookie)
            .header("X-Kiemdiem-CSRF", &their_csrf)
            .json(&json!({ "current_password": one_time, "new_password": "12345" })),
    )
    .await;
    let error = expect_error(weak, StatusCode::UNPROCESSABLE_ENTITY, "invalid").await;
    assert_eq!(error["field"], "new_password");
    let changed = send(
        app.client
            .put(app.url("/api/v1/session/password"))
            .header("Cookie", &their_cookie)
            .header("X-Kiemdiem-CSRF", &their_csrf)
            .json(&json!({ "current_password": one_time, "new_password": "Chi bộ thôn Nà Súng 2026" })),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    // Signed out, the cookie is worth nothing.
    let out = send(
        app.client
            .delete(app.url("/api/v1/session"))
            .header("Cookie", &cookie)
            .header("X-Kiemdiem-CSRF", &csrf),
    )
    .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let gone = send(
        app.client
            .get(app.url("/api/v1/orgs/XA"))
            .header("Cookie", &cookie),
    )
    .await;
    expect_error(gone, StatusCode::UNAUTHORIZED, "session_expired").await;
}

async fn no_board_takes_over_an_administrator(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let board = account(
        app,
        "bantochuc.xa",
        None,
        Some((Role::Board, Some(tree.commune))),
    )
    .await;
    account(app, "quantri", None, Some((Role::Admin, None))).await;
    // An account managed in the commune but holding a role at the province.
    account(
        app,
        "tinhuy",
        None,
        Some((Role::Committee, Some(tree.province))),
    )
    .await;
    let k = kiemdiem(app);
    k.create_account(
        &Actor::trusted("test"),
        NewAccount {
            login: "canbo.xa".into(),
            display_name: "Cán bộ xã".into(),
            member: None,
            org: Some(tree.commune),
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .expect("account");
    for login in ["quantri", "tinhuy"] {
        let reset = send(with_token(
            app,
            &board,
            Method::POST,
            &format!("/api/v1/accounts/{login}/password-reset"),
        ))
        .await;
        expect_error(reset, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let grant_admin = send(
        with_token(
            app,
            &board,
            Method::POST,
            "/api/v1/accounts/canbo.xa/grants",
        )
        .json(&json!({ "role": "admin" })),
    )
    .await;
    expect_error(grant_admin, StatusCode::FORBIDDEN, "forbidden").await;
    let above = send(
        with_token(
            app,
            &board,
            Method::POST,
            "/api/v1/accounts/canbo.xa/grants",
        )
        .json(&json!({ "role": "committee", "org": "HU" })),
    )
    .await;
    expect_error(above, StatusCode::FORBIDDEN, "forbidden").await;
    let within = send(
        with_token(
            app,
            &board,
            Method::POST,
            "/api/v1/accounts/canbo.xa/grants",
        )
        .json(&json!({ "role": "branch_secretary", "org": "CB2" })),
    )
    .await;
    expect_json(within, StatusCode::CREATED).await;
    let reset = send(with_token(
        app,
        &board,
        Method::POST,
        "/api/v1/accounts/canbo.xa/password-reset",
    ))
    .await;
    let reset = expect_json(reset, StatusCode::OK).await;
    assert_eq!(
        reset["one_time_password"]
            .as_str()
            .map(|p| p.chars().count()),
        Some(14)
    );
}

async fn account_events_are_audited(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let admin = account(app, "quantri", None, Some((Role::Admin, None))).await;
    account(
        app,
        "uykiemtra",
        None,
        Some((Role::Inspection, Some(tree.commune))),
    )
    .await;
    for _ in 0..5 {
        send(
            app.client
                .post(app.url("/api/v1/session"))
                .json(&json!({ "login": "uykiemtra", "password": "không phải mật khẩu" })),
        )
        .await;
    }
    let locked = send(
        app.client
            .post(app.url("/api/v1/session"))
            .json(&json!({ "login": "uykiemtra", "password": PASSWORD })),
    )
    .await;
    assert!(locked.headers().get("retry-after").is_some());
    expect_error(locked, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let account = expect_json(
        send(with_token(
            app,
            &admin,
            Method::GET,
            "/api/v1/accounts/uykiemtra",
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    let id = account["id"].as_str().expect("id");
    let trail = expect_json(
        send(with_token(
            app,
            &admin,
            Method::GET,
            &format!("/api/v1/audit/trail?entity=account&id={id}"),
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = trail["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in ["account.create", "role.grant", "token.create"] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
    let failures = expect_json(
        send(with_token(
            app,
            &admin,
            Method::GET,
            "/api/v1/audit/trail?entity=login&id=uykiemtra",
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = failures["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "session.sign_in_failed")
            .count(),
        6,
        "{actions:?}"
    );
    assert!(actions.contains(&"session.lock_out"), "{actions:?}");
    assert!(
        !failures.to_string().contains("không phải mật khẩu"),
        "no password in the trail"
    );
    // The chain is intact after all of it.
    let verified = expect_json(
        send(with_token(app, &admin, Method::GET, "/api/v1/audit/verify")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(verified["intact"], true, "{verified}");
}

async fn no_secret_is_stored_in_clear(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let token = account(
        app,
        "bantochuc",
        None,
        Some((Role::Board, Some(tree.commune))),
    )
    .await;
    let (cookie, csrf) = sign_in(app, "bantochuc", PASSWORD).await;
    let session = cookie
        .split_once('=')
        .map(|(_, v)| v.to_string())
        .expect("session secret");
    let created = expect_json(
        send(
            with_token(app, &token, Method::POST, "/api/v1/accounts").json(&json!({
                "login": "thanhvien", "display_name": "Thành viên", "org": "CB1"
            })),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let one_time = created["one_time_password"]
        .as_str()
        .expect("one-time")
        .to_string();
    let text = app.raw_database_text().await;
    assert!(text.contains("bantochuc"), "the dump reads the accounts");
    for (what, secret) in [
        ("password", PASSWORD),
        ("one-time password", one_time.as_str()),
        ("API token", token.as_str()),
        ("session", session.as_str()),
        ("CSRF token", csrf.as_str()),
    ] {
        assert!(!text.contains(secret), "the {what} is stored in clear");
    }
    assert!(
        text.contains("$argon2id$"),
        "passwords are stored as argon2id hashes"
    );
}

/// With sessions trusted for a moment after each check (`Security::session_recheck`, as in
/// production): a role revoked or a sign-out on this server applies at the next request; a
/// sign-out on another server sharing the database, once the moment has passed.
async fn a_session_checked_a_moment_ago_still_ends_on_change(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let security = Security {
        session_recheck: std::time::Duration::from_millis(300),
        ..Security::for_tests()
    };
    let here = App::with_today(app.store.clone(), day("31/12/2025")).with_security(security);
    let there = App::with_today(app.store.clone(), day("31/12/2025")).with_security(security);
    let system = Actor::trusted("test");
    here.create_account(
        &system,
        NewAccount {
            login: "banthuongvu.huyen".into(),
            display_name: "Ban Thường vụ Huyện ủy".into(),
            member: None,
            org: Some(tree.district),
            password: Some("mật khẩu đủ dài 2025".into()),
        },
    )
    .await
    .expect("account");
    let grant = here
        .grant_role(
            &system,
            "banthuongvu.huyen",
            RoleGrant {
                role: Role::Committee,
                org: Some(tree.district),
                valid_from: Some(day("01/01/2025")),
                valid_to: None,
            },
        )
        .await
        .expect("grant");
    let signed = here
        .sign_in("banthuongvu.huyen", "mật khẩu đủ dài 2025", "127.0.0.1")
        .await
        .expect("signed in");
    let roles = |session: &kiemdiem_app::accounts::session::Session| {
        session
            .actor
            .grants()
            .iter()
            .map(|g| g.role)
            .collect::<Vec<_>>()
    };
    let first = here
        .authenticate_session(&signed.token)
        .await
        .expect("live");
    assert_eq!(roles(&first), vec![Role::Committee]);
    // Asked again at once (kept): the same person with the same role.
    let again = here
        .authenticate_session(&signed.token)
        .await
        .expect("live");
    assert_eq!(again.actor, first.actor);
    there
        .authenticate_session(&signed.token)
        .await
        .expect("live there");
    // The role revoked on this server: gone at the next request here.
    here.revoke_grant(&system, grant.id, Some("hết nhiệm kỳ"))
        .await
        .expect("revoked");
    let after = here
        .authenticate_session(&signed.token)
        .await
        .expect("live");
    assert!(roles(&after).is_empty(), "{:?}", roles(&after));
    // Signed out on this server: refused here at once, and on the other once its moment passed.
    here.sign_out(&after.actor, &signed.token)
        .await
        .expect("signed out");
    let refused = here.authenticate_session(&signed.token).await;
    assert!(refused.is_err(), "signed out here");
    tokio::time::sleep(std::time::Duration::from_millis(350)).await;
    let refused = there.authenticate_session(&signed.token).await;
    assert!(refused.is_err(), "signed out on the other server");
}
