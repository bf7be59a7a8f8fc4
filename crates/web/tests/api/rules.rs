//! `/api/v1/rules/check`, `/api/v1/rule-sets`, `/api/v1/frameworks/…`, `/api/v1/calendar/…`:
//! the rules crate over HTTP gives what the command line gives.

use crate::support::{TestApp, api_test, expect_error, expect_json};
use kiemdiem_rules::RuleSetId;
use kiemdiem_rules::case::run_case;
use reqwest::StatusCode;
use serde_json::Value;

api_test!(
    cases_are_decided_as_on_the_command_line,
    the_catalogue,
    the_calendar
);

const CASES: [&str; 4] = [
    include_str!("../../../../docs/cases/member-2025.json"),
    include_str!("../../../../docs/cases/branch-2019-seed003-ballot.json"),
    include_str!("../../../../docs/cases/member-2019-seed003-sick.json"),
    include_str!("../../../../docs/cases/leader-2025-self-detected.json"),
];

async fn cases_are_decided_as_on_the_command_line(app: &TestApp) {
    for case in CASES {
        let expected = serde_json::to_value(run_case(case).expect("a valid case")).expect("json");
        let body: Value = serde_json::from_str(case).expect("case JSON");
        let decided =
            expect_json(app.post("/api/v1/rules/check", &body).await, StatusCode::OK).await;
        assert_eq!(decided, expected);
    }
    let error = expect_error(
        app.post(
            "/api/v1/rules/check",
            &serde_json::json!({ "year": 1990, "subject": { "facts": { "kind": "member_without_post", "admitted_on": "1980-01-01" } } }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_case",
    )
    .await;
    assert_eq!(error["field"], "year");
}

async fn the_catalogue(app: &TestApp) {
    let catalogue = app.get_ok("/api/v1/rule-sets").await;
    let ids: Vec<&str> = catalogue["rule_sets"]
        .as_array()
        .expect("rule sets")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let expected: Vec<&str> = RuleSetId::ALL.iter().map(|id| id.code()).collect();
    assert_eq!(ids, expected);
    let current = &catalogue["rule_sets"][ids.len() - 1];
    assert!(
        current["legal_basis"]
            .as_str()
            .is_some_and(|b| b.contains("366"))
    );
    assert!(current["parameters"].is_object());
    assert!(
        !catalogue["local_layers"]
            .as_array()
            .expect("layers")
            .is_empty()
    );
    let frameworks = catalogue["frameworks"].as_array().expect("frameworks");
    let id = frameworks[0]["id"].as_str().expect("framework id");
    let framework = app.get_ok(&format!("/api/v1/frameworks/{id}")).await;
    assert_eq!(framework["id"], id);
    assert!(framework["criteria"].is_array());
    expect_error(
        app.get("/api/v1/frameworks/khong/co").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn the_calendar(app: &TestApp) {
    let year = app.get_ok("/api/v1/calendar/2025").await;
    let expected = kiemdiem_rules::calendar::national().year(2025);
    let days: Vec<&str> = year["days_off"]
        .as_array()
        .expect("days off")
        .iter()
        .filter_map(|d| d["date"].as_str())
        .collect();
    let expected_days: Vec<String> = expected
        .days_off
        .iter()
        .map(|d| d.date.to_string())
        .collect();
    assert_eq!(days, expected_days);
    let tet = &year["days_off"][1];
    assert_eq!(tet["holiday"], "tet");
    assert_eq!(tet["name"], "Tết Âm lịch");
    assert_eq!(tet["kind"], "announced");
    assert_eq!(year["make_up_days"], serde_json::json!(["2025-04-26"]));
    assert_eq!(year["lunar_known"], true);
    let error = expect_error(
        app.get("/api/v1/calendar/hai-nghin").await,
        StatusCode::BAD_REQUEST,
        "invalid_path",
    )
    .await;
    assert_eq!(error["field"], "year");
}
