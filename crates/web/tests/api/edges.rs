//! Errors, limits and leaks at the edge, on both backends: invalid text refused naming the
//! field (and never reaching the database, whose own words never reach the caller), text
//! normalised to NFC whatever its JSON encoding, trailing garbage refused, a wrong JSON type on
//! a field of fixed choices named, years and dates out of range named, unknown parents 404,
//! and idle connections closed and capped.

use crate::support::{TestApp, api_test, day, expect_error, expect_json, seed_tree};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

api_test!(
    invalid_text_is_refused_naming_the_field,
    escaped_text_is_stored_in_nfc,
    trailing_garbage_is_refused,
    wrong_types_on_fixed_choices_name_the_field,
    years_and_dates_name_their_field,
    unknown_parents_are_not_found,
);

/// Sends `body` as it is (not re-encoded by the client).
async fn post_raw(app: &TestApp, path: &str, body: &str) -> reqwest::Response {
    app.request(Method::POST, path)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("sent")
}

/// Whatever an error body says, it never quotes the database.
fn assert_no_database_text(error: &Value) {
    let text = error.to_string().to_lowercase();
    for leak in [
        "sqlstate",
        "22021",
        "utf8",
        "byte sequence",
        "sqlite",
        "postgres",
        "constraint",
        "database",
    ] {
        assert!(!text.contains(leak), "«{leak}» in {error}");
    }
}

async fn invalid_text_is_refused_naming_the_field(app: &TestApp) {
    seed_tree(&app.store).await;
    // A NUL, escaped (a raw one is no JSON), in a top-level field…
    let error = expect_error(
        post_raw(
            app,
            "/api/v1/plans",
            r#"{"org":"XA","year":2025,"title":"Kế hoạch\u0000"}"#,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_text",
    )
    .await;
    assert_eq!(error["field"], "title");
    assert_no_database_text(&error);
    // … in a record's note, and a control character other than NUL.
    for note in [r#"a\u0000b"#, r#"chuông\u0007"#] {
        let body = format!(
            r#"{{"form":"khien_trach","violation_on":"2025-03-01","decided_on":"2025-05-01","note":"{note}"}}"#
        );
        let error = expect_error(
            post_raw(app, "/api/v1/members/DV002/disciplines", &body).await,
            StatusCode::BAD_REQUEST,
            "invalid_text",
        )
        .await;
        assert_eq!(error["field"], "note");
    }
    // In a path parameter or a query parameter: named, the database never asked.
    let error = expect_error(
        app.get("/api/v1/orgs/X%00A").await,
        StatusCode::BAD_REQUEST,
        "invalid_path",
    )
    .await;
    assert_eq!(error["field"], "code");
    assert_no_database_text(&error);
    let error = expect_error(
        app.get("/api/v1/orgs/XA?as_of=2025%0001-01").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
    assert_eq!(error["field"], "as_of");
    // Nothing was written.
    let file = app.get_ok("/api/v1/members/DV002/records").await;
    assert_eq!(file["disciplines"], json!([]), "{file}");
    // Line breaks and tabs are text.
    expect_json(
        post_raw(
            app,
            "/api/v1/plans",
            r#"{"org":"XA","year":2025,"title":"Kế hoạch\n\tnăm 2025"}"#,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
}

async fn escaped_text_is_stored_in_nfc(app: &TestApp) {
    seed_tree(&app.store).await;
    // "Kế hoạch" decomposed: e + U+0302 + U+0301, a + U+0323, every mark escaped.
    let plan = expect_json(
        post_raw(
            app,
            "/api/v1/plans",
            r#"{"org":"XA","year":2025,"title":"Ke\u0302\u0301 hoa\u0323ch"}"#,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(plan["title"], "Kế hoạch");
    let id = plan["id"].as_str().expect("id");
    let stored = app.get_ok(&format!("/api/v1/plans/{id}")).await;
    assert_eq!(
        stored["title"].as_str().map(str::len),
        Some("Kế hoạch".len())
    );
    assert!(
        app.raw_database_text().await.contains("Kế hoạch"),
        "stored composed"
    );
}

async fn trailing_garbage_is_refused(app: &TestApp) {
    seed_tree(&app.store).await;
    for body in [
        r#"{"org":"XA","year":2025} rác"#,
        r#"{"org":"XA","year":2025}{"org":"XA","year":2026}"#,
        r#"{"org":"XA","year":2025},"#,
    ] {
        let error = expect_error(
            post_raw(app, "/api/v1/plans", body).await,
            StatusCode::BAD_REQUEST,
            "malformed_json",
        )
        .await;
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("còn ký tự thừa")),
            "{error}"
        );
    }
    // None of them was written: the first plan of the year is still to be issued.
    let plan = expect_json(
        app.post("/api/v1/plans", &json!({ "org": "XA", "year": 2025 }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let trail = app
        .get_ok(&format!(
            "/api/v1/audit/trail?entity=plan&id={}",
            plan["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(
        trail["entries"].as_array().map(Vec::len),
        Some(1),
        "{trail}"
    );
}

async fn wrong_types_on_fixed_choices_name_the_field(app: &TestApp) {
    seed_tree(&app.store).await;
    let somewhere = Uuid::now_v7();
    let cases: Vec<(String, Value, &str)> = vec![
        (
            "/api/v1/members/DV002/disciplines".into(),
            json!({ "form": 3, "violation_on": "2025-03-01", "decided_on": "2025-05-01" }),
            "form",
        ),
        (
            "/api/v1/plans".into(),
            json!({ "org": "XA", "year": 2025, "rule_set": 366 }),
            "rule_set",
        ),
        (
            "/api/v1/plans".into(),
            json!({ "org": "XA", "year": 2025, "period": { "kind": 1 } }),
            "period.kind",
        ),
        (
            format!("/api/v1/meetings/{somewhere}/ballots"),
            json!({ "mode": true, "agenda": [] }),
            "mode",
        ),
        (
            format!("/api/v1/subjects/{somewhere}/review-inputs"),
            json!({ "kind": 7 }),
            "kind",
        ),
        (
            format!("/api/v1/subjects/{somewhere}/decisions"),
            json!({ "version": 1, "level": 4 }),
            "level",
        ),
    ];
    for (path, body, field) in cases {
        let error = expect_error(
            app.post(&path, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        )
        .await;
        assert_eq!(error["field"], field, "{path} {body}: {error}");
    }
    let error = expect_error(
        app.request(Method::PUT, &format!("/api/v1/plans/{somewhere}/phases"))
            .json(&json!({ "version": 1, "phases": [{
                "code": "meetings", "title": "Hội nghị", "step": 2,
                "starts_on": "2025-11-01", "ends_on": "2025-12-15" }] }))
            .send()
            .await
            .expect("sent"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    assert_eq!(error["field"], "phases[0].step");
}

async fn years_and_dates_name_their_field(app: &TestApp) {
    seed_tree(&app.store).await;
    for year in [-1, 0, 1999, 10_000] {
        let error = expect_error(
            app.post("/api/v1/plans", &json!({ "org": "XA", "year": year }))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        )
        .await;
        assert_eq!(error["field"], "year", "{year}: {error}");
    }
    for (violation_on, decided_on, field) in [
        ("0000-01-01", "2025-05-01", "violation_on"),
        ("1930-02-02", "2025-05-01", "violation_on"),
        ("1900-01-01", "1920-01-01", "violation_on"),
    ] {
        let error = expect_error(
            app.post(
                "/api/v1/members/DV002/disciplines",
                &json!({ "form": "khien_trach", "violation_on": violation_on, "decided_on": decided_on }),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        )
        .await;
        assert_eq!(error["field"], field, "{violation_on}: {error}");
    }
}

async fn unknown_parents_are_not_found(app: &TestApp) {
    seed_tree(&app.store).await;
    let unknown = Uuid::now_v7();
    for path in [
        format!("/api/v1/subjects/{unknown}/decisions"),
        format!("/api/v1/subjects/{unknown}/notifications"),
        format!("/api/v1/subjects/{unknown}/parts"),
        format!("/api/v1/subjects/{unknown}/review-inputs"),
        format!("/api/v1/subjects/{unknown}/heads-moved-in"),
        format!("/api/v1/plans/{unknown}/children"),
        format!("/api/v1/plans/{unknown}/escalations"),
    ] {
        let error = expect_error(app.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains(&unknown.to_string())),
            "{path}: {error}"
        );
    }
    // A known plan with nothing under it is an empty list.
    let plan = expect_json(
        app.post("/api/v1/plans", &json!({ "org": "XA", "year": 2025 }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = plan["id"].as_str().expect("id");
    let children = app.get_ok(&format!("/api/v1/plans/{id}/children")).await;
    assert_eq!(children["plans"], json!([]));
}

/// Reads until the peer closes (Ok(0)) or `within` passes; true when it closed.
async fn closed_within(stream: &mut tokio::net::TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout(within, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// A server capped at 4 connections with a 400 ms header-read timeout: a fifth connection is
/// closed at once, idle ones (new or kept alive after a request) are closed after the timeout,
/// and the server then answers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed_and_capped() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("idle.db").display());
    let store = kiemdiem_store::Store::open(&url).await.expect("open");
    let app = kiemdiem_app::App::with_today(store.clone(), day("31/12/2025"));
    let config = kiemdiem_web::WebConfig {
        max_connections: 4,
        header_read_timeout: Duration::from_millis(400),
        ..kiemdiem_web::WebConfig::development()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(kiemdiem_web::serve(
        listener,
        kiemdiem_web::ApiState::with_config(app, config),
        async move {
            let _ = stopped.await;
        },
    ));
    let connect = || tokio::net::TcpStream::connect(address);
    // One connection kept alive after a request, three that never send anything.
    let mut kept = connect().await.expect("connect");
    kept.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut answer = [0u8; 12];
    kept.read_exact(&mut answer).await.expect("answer");
    assert_eq!(&answer, b"HTTP/1.1 200");
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(connect().await.expect("connect"));
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    // The cap is reached: one more is closed at once, without an answer.
    let mut extra = connect().await.expect("the listener still accepts");
    assert!(
        closed_within(&mut extra, Duration::from_millis(200)).await,
        "a connection over the cap is closed"
    );
    // The idle ones are closed once the header-read timeout passes.
    assert!(
        closed_within(&mut kept, Duration::from_secs(3)).await,
        "kept-alive idle"
    );
    for stream in &mut idle {
        assert!(
            closed_within(stream, Duration::from_secs(3)).await,
            "never spoke"
        );
    }
    // Their places are free again.
    let response = reqwest::get(format!("http://{address}/api/v1/health"))
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::OK);
    drop(response);
    let _ = stop.send(());
    server.await.expect("server task").expect("clean stop");
    store.close().await;
}
