//! An office's files over the API — the samples import, a file with a bad row imports nothing
//! and names the row and column — and the tree changed by its decisions: a branch split, two
//! merged, one moved, each in the organisation's events.

use crate::support::{TestApp, api_test, expect_error, expect_json};
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};

api_test!(office_files_and_tree_changes_over_the_api);

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../samples")
            .join(name),
    )
    .expect("sample")
}

async fn upload(app: &TestApp, kind: &str, name: &str, content: &[u8]) -> reqwest::Response {
    app.post(
        &format!("/api/v1/imports/{kind}"),
        &json!({
            "file_name": name,
            "content_base64": base64::engine::general_purpose::STANDARD.encode(content),
        }),
    )
    .await
}

async fn office_files_and_tree_changes_over_the_api(app: &TestApp) {
    for (kind, file, rows) in [
        ("orgs", "to_chuc.xlsx", 11),
        ("members", "dang_vien.csv", 12),
        ("collectives", "tap_the.csv", 4),
        ("leaders", "can_bo_ngoai_dang.csv", 2),
        ("posts", "chuc_vu.csv", 14),
    ] {
        let report =
            expect_json(upload(app, kind, file, &sample(file)).await, StatusCode::OK).await;
        assert_eq!(report["created"], rows, "{file}: {report}");
    }
    let bad = "Số thẻ đảng viên,Loại nghỉ,Từ ngày,Đến ngày\n12000004,Nghỉ phép,01/04/2025,\n12000010,Nghỉ ốm,15/01/2025,30/04/2025\n";
    let refused = expect_error(
        upload(app, "leave", "nghi.csv", bad.as_bytes()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(refused["field"], "file");
    assert_eq!(refused["details"][0]["row"], 2, "{refused}");
    assert_eq!(refused["details"][0]["column"], "Loại nghỉ", "{refused}");
    let wrong_kind = app
        .post(
            "/api/v1/imports/khong_co",
            &json!({"file_name": "a.csv", "content_base64": ""}),
        )
        .await;
    expect_error(wrong_kind, StatusCode::BAD_REQUEST, "invalid_path").await;

    let split = expect_json(
        app.post(
            "/api/v1/orgs/LS.CL.HT.03/split",
            &json!({
                "parts": [
                    {"org": {"code": "LS.CL.HT.03A", "name": "Chi bộ giáo viên", "kind": "Chi bộ trực thuộc"},
                     "members": ["12000005"]},
                    {"org": {"code": "LS.CL.HT.03B", "name": "Chi bộ nhân viên", "kind": "Chi bộ trực thuộc"},
                     "members": ["12000006"]}
                ],
                "on": "2025-10-01", "dissolve_source": true, "note": "Quyết định 20-QĐ/ĐU"
            }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        split["created"].as_array().map(Vec::len),
        Some(2),
        "{split}"
    );
    expect_json(
        app.post(
            "/api/v1/org-merges",
            &json!({"sources": ["LS.CL.HT.03B"], "into": "LS.CL.HT.03A", "on": "2025-11-01"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    expect_json(
        app.post(
            "/api/v1/orgs/LS.CL.MT/move",
            &json!({"parent": "LS.CL.HT", "on": "2025-11-15"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let events: Value = app.get_ok("/api/v1/orgs/LS.CL.HT.03A/events").await;
    let kinds: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"split") && kinds.contains(&"merge"),
        "{events}"
    );
    let moved = app
        .get_ok("/api/v1/orgs/LS.CL.MT/ancestors?as_of=2025-12-01")
        .await;
    assert!(moved.to_string().contains("LS.CL.HT"), "{moved}");
    let refused = expect_error(
        app.post(
            "/api/v1/org-merges",
            &json!({"sources": ["LS.KHONG"], "into": "LS.CL.HT", "on": "2025-11-01"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(refused["field"], "sources[0]");
}
