//! `/api/v1/subjects/{id}/facts` and `/api/v1/subjects/{id}/remediation…` over HTTP: a fact
//! recorded with its source document is listed back in force and audited, a fact awaited is named
//! in `unknown`, a fact that does not fit the subject is refused naming the field; a shortcoming
//! found at the 2024 review is carried into the 2025 self-review and the due list until remedied.

use crate::support::{TestApp, api_test, day, expect_error, expect_json, seed_tree};
use kiemdiem_app::accounts::{NewAccount, RoleGrant};
use kiemdiem_app::{Actor, App, Role, Security};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

api_test!(facts_and_remediation_over_http);

async fn open(app: &TestApp, year: i32) -> (String, Vec<Value>) {
    let plan = expect_json(
        app.post("/api/v1/plans", &json!({ "org": "XA", "year": year }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = plan["id"].as_str().unwrap().to_owned();
    expect_json(
        app.post(
            &format!("/api/v1/plans/{id}/open"),
            &json!({ "version": plan["version"] }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let page = app.get_ok(&format!("/api/v1/plans/{id}/subjects")).await;
    (id, page["subjects"].as_array().unwrap().clone())
}

fn member_subject(subjects: &[Value], member: Uuid) -> String {
    subjects
        .iter()
        .find(|s| {
            s["member_id"] == member.to_string()
                && s["kind"].as_str().unwrap().starts_with("member")
        })
        .unwrap_or_else(|| panic!("{member} is a subject"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn facts_and_remediation_over_http(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let (_, subjects_2024) = open(app, 2024).await;
    let last_year = member_subject(&subjects_2024, tree.duc);

    let refused = expect_error(
        app.post(
            &format!("/api/v1/subjects/{last_year}/remediation"),
            &json!({ "shortcoming": "Chậm đổi mới", "measure": " ", "responsible": "Đức",
                     "due_on": "2025-06-30" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(refused["field"], "measure");
    let item = expect_json(
        app.post(
            &format!("/api/v1/subjects/{last_year}/remediation"),
            &json!({ "shortcoming": "Chưa gương mẫu tham gia sinh hoạt chi bộ",
                     "measure": "Tham gia đầy đủ sinh hoạt, báo cáo chi bộ hằng quý",
                     "responsible": "Đồng chí Đức; bí thư chi bộ theo dõi", "due_on": "2025-06-30" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(item["status"], "open");
    let item_id = item["id"].as_str().unwrap().to_owned();

    let (plan, subjects) = open(app, 2025).await;
    let this_year = member_subject(&subjects, tree.duc);
    let remediation = app
        .get_ok(&format!("/api/v1/subjects/{this_year}/remediation"))
        .await;
    assert_eq!(remediation["form"], "Mẫu 13");
    assert_eq!(remediation["carried"][0]["id"], item_id.as_str());
    assert_eq!(remediation["previous_defects_fixed"], false);
    let review = app
        .get_ok(&format!("/api/v1/subjects/{this_year}/self-review"))
        .await;
    assert_eq!(
        review["previous_shortcomings"][0]["shortcoming"],
        "Chưa gương mẫu tham gia sinh hoạt chi bộ"
    );
    let due = app
        .get_ok(&format!(
            "/api/v1/plans/{plan}/remediation-due?on=2025-12-31"
        ))
        .await;
    assert_eq!(due["items"][0]["id"], item_id.as_str());
    assert_eq!(due["items"][0]["overdue"], true);

    // A conclusion under verification: recorded with its document, in force, and awaited.
    let fact = expect_json(
        app.post(
            &format!("/api/v1/subjects/{this_year}/facts"),
            &json!({ "value": { "fact": "degradation", "status": "under_review" },
                     "document": { "number": "12-QĐ/UBKT", "date": "2025-12-01",
                                   "issuer": "Ủy ban Kiểm tra Đảng ủy xã" } }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(fact["fact"], "degradation");
    assert_eq!(fact["document"]["number"], "12-QĐ/UBKT");
    let listed = app
        .get_ok(&format!("/api/v1/subjects/{this_year}/facts"))
        .await;
    assert_eq!(listed["facts"][0]["in_force"], true);
    assert!(
        listed["unknown"].as_array().unwrap().iter().any(
            |f| f["code"] == "degradation" && f["name"].as_str().unwrap().contains("suy thoái")
        ),
        "{listed}"
    );
    // The subject's page shows the fact with its document, the awaited one and the carried
    // shortcoming.
    let page = committee_page(app, tree.commune, &format!("/doi-tuong/{this_year}")).await;
    assert!(page.contains("Sự việc ghi nhận trong năm"), "{page}");
    assert!(page.contains("12-QĐ/UBKT"), "{page}");
    assert!(page.contains("Chưa ghi nhận:"), "{page}");
    assert!(
        page.contains("Chưa gương mẫu tham gia sinh hoạt chi bộ"),
        "{page}"
    );
    // A body's conclusion about a person, and an undated document: refused naming the field.
    let refused = expect_error(
        app.post(
            &format!("/api/v1/subjects/{this_year}/facts"),
            &json!({ "value": { "fact": "disunity", "status": "concluded" },
                     "document": { "number": "1", "date": "2025-12-01", "issuer": "UBKT" } }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(refused["field"], "value.fact");
    let refused = expect_error(
        app.post(
            &format!("/api/v1/subjects/{this_year}/facts"),
            &json!({ "value": { "fact": "forbidden_acts", "status": "cleared" },
                     "document": { "number": " ", "date": "2025-12-01", "issuer": "UBKT" } }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(refused["field"], "document.number");

    // Remedied: no longer due, and the earlier shortcomings are all remedied.
    let done = expect_json(
        app.request(
            Method::PUT,
            &format!("/api/v1/subjects/{this_year}/remediation/{item_id}"),
        )
        .json(
            &json!({ "status": "done", "outcome": "Tham gia đủ 12/12 kỳ sinh hoạt",
                       "done_on": "2025-11-20" }),
        )
        .send()
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["status"], "done");
    let remediation = app
        .get_ok(&format!("/api/v1/subjects/{this_year}/remediation"))
        .await;
    assert_eq!(remediation["previous_defects_fixed"], true);
    let due = app
        .get_ok(&format!(
            "/api/v1/plans/{plan}/remediation-due?on=2025-12-31"
        ))
        .await;
    assert_eq!(due["items"], json!([]));
    let trail = app
        .get_ok(&format!(
            "/api/v1/audit/trail?entity=subject&id={this_year}"
        ))
        .await;
    let actions: Vec<&str> = trail["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"subject.fact"), "{actions:?}");
    assert!(actions.contains(&"remediation.progress"), "{actions:?}");
}

/// The page at `path` as the commune's committee, signed in with a password, sees it.
async fn committee_page(app: &TestApp, commune: Uuid, path: &str) -> String {
    const PASSWORD: &str = "mật khẩu trang thử";
    let k =
        App::with_today(app.store.clone(), day("31/12/2025")).with_security(Security::for_tests());
    let system = Actor::trusted("test");
    k.create_account(
        &system,
        NewAccount {
            login: "capuy.xa".into(),
            display_name: "Đảng ủy xã".into(),
            member: None,
            org: Some(commune),
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .expect("account");
    k.grant_role(
        &system,
        "capuy.xa",
        RoleGrant {
            role: Role::Committee,
            org: Some(commune),
            valid_from: Some(day("01/01/2025")),
            valid_to: None,
        },
    )
    .await
    .expect("grant");
    let cookie = crate::support::session_cookie(app, "capuy.xa", PASSWORD).await;
    let response = app
        .client
        .get(app.url(path))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.expect("text")
}
