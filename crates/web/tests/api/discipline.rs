//! `/api/v1/{members,orgs,collectives}/{code}/disciplines`: discipline decisions recorded over
//! HTTP, listed back, audited, refused with the field named when wrong, and withdrawn when
//! entered by mistake.

use crate::support::{TestApp, api_test, expect_error, expect_json, seed_tree};
use kiemdiem_store::leadership::{CollectiveKind, NewCollective};
use reqwest::StatusCode;
use serde_json::json;

api_test!(disciplines_are_recorded_listed_and_audited);

async fn disciplines_are_recorded_listed_and_audited(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let mut tx = app.store.begin("test").await.unwrap();
    tx.create_collective(
        &NewCollective {
            code: "XA.CU".into(),
            name: "Ban Chấp hành Đảng bộ xã Hoàng Việt".into(),
            kind: CollectiveKind::PartyCommittee,
            org: tree.commune,
        },
        time::macros::date!(2020 - 01 - 01),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // A member's, the place of the violation defaulting to the branch on the day.
    let recorded = expect_json(
        app.post(
            "/api/v1/members/DV002/disciplines",
            &json!({
                "form": "khien_trach", "violation_on": "2025-03-01", "decided_on": "2025-05-01",
                "deciding_org": "XA", "duty_related": true, "note": "Vi phạm quy định quản lý đất đai",
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(recorded["form"], "khien_trach");
    assert_eq!(recorded["form_name"], "Khiển trách");
    assert_eq!(
        recorded["violation_org_id"],
        tree.village_branch.to_string()
    );
    assert_eq!(recorded["deciding_org_id"], tree.commune.to_string());
    let file = app.get_ok("/api/v1/members/DV002/records").await;
    assert_eq!(file["disciplines"][0]["id"], recorded["id"]);
    let trail = app
        .get_ok(&format!(
            "/api/v1/audit/trail?entity=member&id={}",
            tree.duc
        ))
        .await;
    assert_eq!(trail["entries"][0]["action"], "discipline.member");

    // Refusals name the field.
    let error = expect_error(
        app.post(
            "/api/v1/members/DV002/disciplines",
            &json!({ "form": "phe_binh", "violation_on": "2025-03-01", "decided_on": "2025-05-01" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    assert_eq!(error["field"], "form");
    let error = expect_error(
        app.post(
            "/api/v1/members/DV002/disciplines",
            &json!({ "form": "canh_cao", "violation_on": "2025-06-01", "decided_on": "2025-05-01" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "violation_on");
    let error = expect_error(
        app.post(
            "/api/v1/members/DV002/disciplines",
            &json!({ "form": "canh_cao", "violation_on": "2025-03-01", "decided_on": "2025-05-01", "deciding_org": "KHONGCO" }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(error["field"], "deciding_org");
    expect_error(
        app.post(
            "/api/v1/members/KHONGCO/disciplines",
            &json!({ "form": "canh_cao", "violation_on": "2025-03-01", "decided_on": "2025-05-01" }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let file = app.get_ok("/api/v1/members/DV002/records").await;
    assert_eq!(
        file["disciplines"].as_array().map(Vec::len),
        Some(1),
        "refusals store nothing"
    );

    // A branch's and a collective's.
    let branch = expect_json(
        app.post(
            "/api/v1/orgs/CB2/disciplines",
            &json!({
                "form": "canh_cao", "violation_on": "2025-02-01", "decided_on": "2025-04-15",
                "deciding_org": "XA", "corruption_case": true,
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(branch["body_kind"], "org");
    assert_eq!(branch["body_id"], tree.school_branch.to_string());
    assert_eq!(branch["corruption_case"], true);
    assert_eq!(branch["changed_by"], crate::support::USER);
    let error = expect_error(
        app.post(
            "/api/v1/orgs/CB2/disciplines",
            &json!({ "form": "khai_tru", "violation_on": "2025-02-01", "decided_on": "2025-04-15" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "form");
    let listed = app.get_ok("/api/v1/orgs/CB2/disciplines").await;
    assert_eq!(listed["disciplines"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed["disciplines"][0]["id"], branch["id"]);
    let none = app.get_ok("/api/v1/orgs/CB1/disciplines").await;
    assert_eq!(none["disciplines"], json!([]));

    let collective = expect_json(
        app.post(
            "/api/v1/collectives/XA.CU/disciplines",
            &json!({ "form": "khien_trach", "violation_on": "2025-02-01", "decided_on": "2025-03-20" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(collective["body_kind"], "collective");
    let listed = app.get_ok("/api/v1/collectives/XA.CU/disciplines").await;
    assert_eq!(listed["disciplines"][0]["id"], collective["id"]);
    expect_error(
        app.get("/api/v1/collectives/KHONGCO/disciplines").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Withdrawn as entered by mistake: a reason is required; gone from the list, kept in the trail.
    let error = expect_error(
        app.post(
            &format!(
                "/api/v1/disciplines/{}/withdraw",
                collective["id"].as_str().unwrap()
            ),
            &json!({ "reason": "  " }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "reason");
    let withdrawn = expect_json(
        app.post(
            &format!(
                "/api/v1/disciplines/{}/withdraw",
                collective["id"].as_str().unwrap()
            ),
            &json!({ "reason": "Nhập nhầm tập thể" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(withdrawn["entity"], "collective");
    let listed = app.get_ok("/api/v1/collectives/XA.CU/disciplines").await;
    assert_eq!(listed["disciplines"], json!([]));
    let withdrawn = expect_json(
        app.post(
            &format!(
                "/api/v1/disciplines/{}/withdraw",
                recorded["id"].as_str().unwrap()
            ),
            &json!({ "reason": "Nhập nhầm người" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(withdrawn["entity"], "member");
    assert_eq!(withdrawn["entity_id"], tree.duc.to_string());
    let file = app.get_ok("/api/v1/members/DV002/records").await;
    assert_eq!(file["disciplines"], json!([]));
    let trail = app
        .get_ok(&format!(
            "/api/v1/audit/trail?entity=member&id={}",
            tree.duc
        ))
        .await;
    let last = &trail["entries"][1];
    assert_eq!(last["action"], "discipline.withdraw");
    assert_eq!(last["reason"], "Nhập nhầm người");
    expect_error(
        app.post(
            &format!(
                "/api/v1/disciplines/{}/withdraw",
                recorded["id"].as_str().unwrap()
            ),
            &json!({ "reason": "Lần nữa" }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let verified = app.get_ok("/api/v1/audit/verify").await;
    assert_eq!(verified["intact"], true, "{verified}");
}
