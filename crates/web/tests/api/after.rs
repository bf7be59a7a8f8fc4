//! After the decision over HTTP: levels of earlier years recorded, the results over the years,
//! an award proposal refused naming the year that breaks the run and one accepted with its
//! certificate, the attention list (two years of KHTNV, nothing automatic), and a dossier whose
//! disallowed file is refused with nothing stored and whose results are not sent up while an
//! item is missing; the upload route's own body limit (a 5 MiB PDF taken, a 21 MiB one refused
//! with nothing stored, the server's 2 MB kept everywhere else).

use crate::cycle::open_commune_plan;
use crate::support::{TestApp, api_test, expect_error, expect_json, seed_tree};
use base64::Engine;
use reqwest::StatusCode;
use serde_json::json;

api_test!(
    rewards_attention_and_dossier_over_http,
    large_files_over_http
);

/// The plan's summary report as its organisation's dossier lists it.
async fn summary_report_item(app: &TestApp, plan: &str) -> serde_json::Value {
    let dossier = app.get_ok(&format!("/api/v1/plans/{plan}/dossier")).await;
    dossier["organisation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "summary_report")
        .unwrap()
        .clone()
}

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// A PDF of `size` bytes (a header, then padding).
fn pdf_of(size: usize) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(size - 6, b' ');
    pdf.extend_from_slice(b"\n%%EOF");
    pdf
}

async fn large_files_over_http(app: &TestApp) {
    seed_tree(&app.store).await;
    let plan = open_commune_plan(app).await;
    let id = plan["id"].as_str().unwrap().to_string();
    let upload = |content: &[u8]| {
        json!({
            "item": "summary_report",
            "file_name": "bao_cao.pdf",
            "content_base64": base64::engine::general_purpose::STANDARD.encode(content),
        })
    };
    const MIB: usize = 1024 * 1024;

    // 5 MiB (≈ 6.7 MiB of JSON, above the server's 2 MB): taken whole.
    let five = pdf_of(5 * MIB);
    let attached = expect_json(
        app.post(&format!("/api/v1/plans/{id}/dossier/files"), &upload(&five))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(attached["size_bytes"], 5 * MIB);
    let stored = files_under(app.files.path());
    assert_eq!(stored.len(), 1);
    assert_eq!(std::fs::read(&stored[0]).unwrap(), five);

    // 21 MiB (28 MiB of JSON): refused at the edge from its length, nothing stored. The server
    // answers without reading the body and closes the connection, so a client still writing
    // may see the connection closed before it reads the answer (on a loaded machine): that is
    // a refusal too, and nothing may be stored either way.
    let sent = app
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/plans/{id}/dossier/files"),
        )
        .json(&upload(&pdf_of(21 * MIB)))
        .send()
        .await;
    match sent {
        Ok(response) => {
            let refused =
                expect_error(response, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large").await;
            assert!(refused["message"].as_str().unwrap().contains("quá lớn"));
        }
        Err(error) => assert!(
            error.is_request() || error.is_body(),
            "the connection closed while sending, not another failure: {error}"
        ),
    }
    assert_eq!(files_under(app.files.path()), stored, "nothing stored");
    // 20 MiB and one byte fits the route's body but not the app's limit: refused by the app.
    let over = expect_error(
        app.post(
            &format!("/api/v1/plans/{id}/dossier/files"),
            &upload(&pdf_of(20 * MIB + 1)),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(over["field"], "content");
    assert_eq!(files_under(app.files.path()), stored, "nothing more stored");
    let summary = summary_report_item(app, &id).await;
    assert_eq!(summary["files"].as_array().unwrap().len(), 1);

    // Every other route keeps the server's 2 MB.
    expect_error(
        app.post(
            &format!("/api/v1/plans/{id}/submission"),
            &json!({ "padding": " ".repeat(3 * MIB) }),
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
    )
    .await;
}

async fn rewards_attention_and_dossier_over_http(app: &TestApp) {
    seed_tree(&app.store).await;
    for (year, level) in [
        (2021, "HTXSNV"),
        (2022, "HTXSNV"),
        (2023, "HTTNV"),
        (2024, "HTXSNV"),
        (2025, "HTXSNV"),
    ] {
        expect_json(
            app.post(
                "/api/v1/members/DV002/past-levels",
                &json!({ "year": year, "level": level, "rated_in": "CB1", "source": format!("QĐ {year}-QĐ/ĐU") }),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let history = app
        .get_ok("/api/v1/members/DV002/results-history?year=2025")
        .await;
    assert_eq!(history["consecutive_award"]["eligible"], false);
    assert_eq!(history["sources"][0]["rated_in"]["code"], "CB1");
    let refused = expect_error(
        app.post(
            "/api/v1/award-proposals",
            &json!({ "member": "DV002", "year": 2025, "award": "consecutive" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "rule_refused",
    )
    .await;
    assert_eq!(refused["field"], "year");
    assert_eq!(refused["details"]["broken"][0]["year"], 2023);
    let proposal = expect_json(
        app.post(
            "/api/v1/award-proposals",
            &json!({ "member": "DV002", "year": 2025, "award": "year" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        proposal["basis"]["proposal"]["givers"][0]["certificate"],
        "Giấy khen"
    );
    let listed = app
        .get_ok("/api/v1/orgs/CB1/award-proposals?year=2025")
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);

    for year in [2024, 2025] {
        expect_json(
            app.post(
                "/api/v1/members/DV003/past-levels",
                &json!({ "year": year, "level": "KHTNV", "rated_in": "CB1", "source": "Báo cáo kết quả" }),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let attention = app.get_ok("/api/v1/orgs/XA/attention?year=2025").await;
    assert_eq!(attention.as_array().unwrap().len(), 1, "{attention}");
    assert_eq!(attention[0]["code"], "DV003");
    assert_eq!(attention[0]["flags"][0]["automatic"], false);

    // The dossier of the commune's plan.
    let plan = open_commune_plan(app).await;
    let id = plan["id"].as_str().unwrap().to_string();
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let refused = expect_error(
        app.post(
            &format!("/api/v1/plans/{id}/dossier/files"),
            &json!({ "item": "plan", "file_name": "ke_hoach.pdf", "content_base64": b64(b"MZ\x90\0 not a pdf") }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(refused["field"], "content");
    assert!(
        std::fs::read_dir(app.files.path())
            .unwrap()
            .next()
            .is_none(),
        "nothing stored"
    );
    let attached = expect_json(
        app.post(
            &format!("/api/v1/plans/{id}/dossier/files"),
            &json!({ "item": "summary_report", "file_name": "bao_cao", "content_base64": b64(b"%PDF-1.7\n%%EOF\n") }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(attached["media_type"], "application/pdf");
    let summary = summary_report_item(app, &id).await;
    assert_eq!(summary["by"], "attached");
    let check = expect_json(
        app.post(
            &format!("/api/v1/plans/{id}/dossier/verification"),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(check["checked"], 1);
    assert_eq!(check["problems"].as_array().unwrap().len(), 0);
    let blocked = expect_error(
        app.post(&format!("/api/v1/plans/{id}/submission"), &json!({}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "rule_refused",
    )
    .await;
    assert_eq!(blocked["field"], "dossier");
    assert!(
        blocked["message"]
            .as_str()
            .unwrap()
            .contains("thiếu «Danh mục hồ sơ (Mẫu 04)»"),
        "{blocked}"
    );
}
