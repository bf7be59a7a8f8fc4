//! Reports and documents through the API, read back: the summary as JSON and as Excel (calamine)
//! with the same figures, a decision as Word (its XML), minutes and a self-review as PDF
//! (`pdftotext`, poppler-utils) with the Vietnamese text and stacked diacritics intact, and a
//! document whose step is not reached refused with what is missing.

use crate::support::{TestApp, api_test, day, expect_error};
use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::Value;
use std::io::{Cursor, Read};

api_test!(reports_and_documents_read_back);

async fn bytes(app: &TestApp, path: &str, content_type: &str) -> Vec<u8> {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let header = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(header, content_type, "{path}");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    response.bytes().await.unwrap().to_vec()
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("van-ban.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

async fn reports_and_documents_read_back(app: &TestApp) {
    let today = day("31/12/2025");
    let cycle = kiemdiem_app::demo::demo_cycle(&app.store, today)
        .await
        .unwrap();
    let mut tx = app.store.read().await.unwrap();
    let code = |org: Option<kiemdiem_store::org::Org>| org.unwrap().code;
    let root = code(tx.org_as_of(cycle.plan.org_id, today).await.unwrap());
    let grassroots = code(tx.org_as_of(cycle.grassroots, today).await.unwrap());
    let untouched = code(tx.org_as_of(cycle.branches[1], today).await.unwrap());
    drop(tx);

    // JSON and Excel tell the same figures.
    let json = app
        .get_ok(&format!("/api/v1/reports/summary?org={root}&year=2025"))
        .await;
    let total = &json["summary"]["total"];
    assert_eq!(
        json["summary"]["cross_check"]["balanced"],
        Value::Bool(true),
        "{json}"
    );
    let subjects = total["subjects"].as_u64().unwrap();
    let rated = total["rated"].as_u64().unwrap();
    assert_eq!(rated, cycle.decided);
    let xlsx = bytes(
        app,
        &format!("/api/v1/documents/summary?org={root}&year=2025&format=xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    .await;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range("Báo cáo").unwrap();
    let total_row = sheet
        .rows()
        .find(|r| matches!(r.first(), Some(Data::String(s)) if s == "Tổng số"))
        .expect("the total row");
    assert_eq!(total_row[1], Data::Float(subjects as f64));
    assert_eq!(total_row[2], Data::Float(rated as f64));
    let all: String = sheet
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect::<Vec<_>>()
        .join("|");
    assert!(all.contains("ĐẢNG CỘNG SẢN VIỆT NAM") && all.contains("BÁO CÁO"));
    assert!(all.contains("Đảng viên không giữ chức vụ lãnh đạo, quản lý"));

    let quota = app
        .get_ok(&format!("/api/v1/reports/quota?org={grassroots}&year=2025"))
        .await;
    assert!(!quota["groups"].as_array().unwrap().is_empty());
    let progress = app
        .get_ok(&format!(
            "/api/v1/reports/progress?org={grassroots}&year=2025"
        ))
        .await;
    assert!(!progress["pending"].as_array().unwrap().is_empty());

    // The members' decision in Word.
    let docx = bytes(
        app,
        &format!("/api/v1/documents/member-decision?org={grassroots}&year=2025&format=docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    .await;
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for expected in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "QUYẾT ĐỊNH",
        "Điều 1. Công nhận",
        "T/M ĐẢNG ỦY",
        "BÍ THƯ",
        "Nơi nhận:",
    ] {
        assert!(
            xml.contains(expected),
            "«{expected}» missing from the decision"
        );
    }

    // The minutes in PDF: attendance, the ballot results once, every diacritic.
    let meetings = app
        .get_ok(&format!("/api/v1/plans/{}/meetings", cycle.plan.id))
        .await;
    let meeting = meetings
        .as_array()
        .or_else(|| meetings["meetings"].as_array())
        .unwrap()
        .iter()
        .find(|m| m["status"] != "scheduled")
        .expect("a held meeting")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pdf = bytes(
        app,
        &format!("/api/v1/documents/minutes?meeting={meeting}"),
        "application/pdf",
    )
    .await;
    let text = pdf_text(&pdf);
    for expected in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BIÊN BẢN",
        "I. THÀNH PHẦN",
        "Có mặt",
        "THƯ KÝ",
        "CHỦ TRÌ",
        "Hoàn thành",
    ] {
        assert!(
            text.contains(expected),
            "«{expected}» missing from the minutes:\n{text}"
        );
    }
    assert_eq!(text.matches("KẾT QUẢ BỎ PHIẾU").count(), 1, "{text}");
    // Names with stacked diacritics come through whole (the demo's names are Vietnamese).
    assert!(text.chars().any(|c| "ễặữẵẫậệộợựẹỵ".contains(c)), "{text}");

    // Every subject of the branch who has written: the self-review form, with its name.
    let decision: Value = app
        .get_ok(&format!(
            "/api/v1/documents/member-decision?org={grassroots}&year=2025&format=json"
        ))
        .await;
    let names: Vec<String> = decision["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "table")
        .flat_map(|t| {
            t["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r[1]["text"].as_str().unwrap().to_owned())
        })
        .collect();
    assert!(!names.is_empty());
    let text_of_decision = pdf_text(
        &bytes(
            app,
            &format!("/api/v1/documents/member-decision?org={grassroots}&year=2025"),
            "application/pdf",
        )
        .await,
    );
    for name in &names {
        assert!(
            text_of_decision.contains(name.as_str()),
            "«{name}» missing:\n{text_of_decision}"
        );
    }

    // Not reached: refused with what is missing, in Vietnamese.
    let refused = expect_error(
        app.get(&format!(
            "/api/v1/documents/member-decision?org={untouched}&year=2025"
        ))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "out_of_order",
    )
    .await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("Chưa lập được quyết định")
    );
    expect_error(
        app.get("/api/v1/documents/minutes").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    expect_error(
        app.get("/api/v1/documents/thu-vien").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
