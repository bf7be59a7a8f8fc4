//! `/api/v1/members/…`: a member on a day, and their whole dated file.

use crate::support::{TestApp, api_test, expect_error, seed_tree};
use reqwest::StatusCode;

api_test!(a_member_on_a_day, a_members_records);

async fn a_member_on_a_day(app: &TestApp) {
    let tree = seed_tree(&app.store).await;
    let duc = app.get_ok("/api/v1/members/DV002").await;
    assert_eq!(duc["member"]["full_name"], "Nguyễn Văn Đức");
    assert_eq!(duc["member"]["id"], tree.duc.to_string());
    assert_eq!(duc["probationary"], false);
    assert_eq!(duc["official_branch"]["code"], "CB1");
    assert_eq!(duc["official_branch"]["name"], "Chi bộ thôn Nà Súng Mới");
    assert!(duc["temporary_branch"].is_null());
    let statuses = duc["statuses"].as_array().expect("statuses");
    assert_eq!(statuses.len(), 1);
    assert_eq!(statuses[0]["kind"], "suspended_from_committee");
    assert_eq!(statuses[0]["kind_name"], "Đình chỉ sinh hoạt cấp ủy");
    // Before the status, and with the branch's old name.
    let earlier = app.get_ok("/api/v1/members/DV002?as_of=2025-01-01").await;
    assert_eq!(earlier["statuses"].as_array().map(Vec::len), Some(0));
    assert_eq!(earlier["official_branch"]["name"], "Chi bộ thôn Nà Súng");
    let secretary = app.get_ok("/api/v1/members/DV001").await;
    assert_eq!(secretary["positions"][0]["kind"], "secretary");
    let probationary = app.get_ok("/api/v1/members/DV003").await;
    assert_eq!(probationary["probationary"], true);
    assert!(probationary["member"]["official_on"].is_null());
    // Not yet a member on that day.
    let error = expect_error(
        app.get("/api/v1/members/DV002?as_of=2005-01-01").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(error["field"], "as_of");
}

async fn a_members_records(app: &TestApp) {
    seed_tree(&app.store).await;
    let records = app.get_ok("/api/v1/members/DV002/records").await;
    assert_eq!(records["code"], "DV002");
    assert_eq!(records["versions"].as_array().map(Vec::len), Some(1));
    assert_eq!(records["versions"][0]["version"], 1);
    let memberships = records["memberships"].as_array().expect("memberships");
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0]["kind"], "official");
    assert_eq!(memberships[0]["branch"]["code"], "CB1");
    assert_eq!(memberships[0]["valid_from"], "2011-01-01");
    assert_eq!(records["statuses"][0]["valid_from"], "2025-03-01");
    assert_eq!(records["statuses"][0]["note"], "Quyết định số 12-QĐ/ĐU");
    assert!(records["leaves"].as_array().is_some_and(Vec::is_empty));
    assert!(records["transfers"].as_array().is_some_and(Vec::is_empty));
    assert!(records["disciplines"].as_array().is_some_and(Vec::is_empty));
}
