//! Black-box tests of the `kiemdiem` binary: the worked examples of `docs/rules-cases.md` run
//! through `kiemdiem rules check` and give the documented decisions; imports leave their entries
//! in the audit trail, which `kiemdiem audit verify` checks.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

fn kiemdiem(args: &[&str], stdin: Option<&str>) -> (i32, Value, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiemdiem"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap_or(-1), json, stderr)
}

fn check(case: &str) -> Value {
    let (code, json, stderr) = kiemdiem(&["rules", "check", "--case", case], None);
    assert_eq!(code, 0, "{stderr}");
    json
}

#[test]
fn a_2025_member_short_of_30_percent_exceeded_goes_to_the_competent_level_capped_at_httnv() {
    let result = check("docs/cases/member-2025.json");
    assert_eq!(result["rule_set"], "qd366-hd43");
    let subject = &result["subject"];
    assert_eq!(subject["form"]["code"], "Mẫu 2B-HD KĐ.ĐG 2025");
    assert_eq!(subject["score"]["total"], 95.5);
    assert_eq!(subject["score"]["level"], "HTXSNV");
    assert_eq!(subject["classification"]["allowed"], "HTTNV");
    assert_eq!(subject["classification"]["readiness"], "decision_required");
    assert_eq!(subject["classification"]["suggested"], Value::Null);
    assert_eq!(
        subject["classification"]["findings"][1]["effect"],
        "case_by_case"
    );
    let finding = &subject["classification"]["findings"][0];
    assert!(
        finding["citation"]["source"]
            .as_str()
            .unwrap()
            .contains("QĐ 366-QĐ/TW Điều 11 khoản 1")
    );
    assert_eq!(subject["authority"]["decides"], "grassroots_committee");
}

#[test]
fn a_2019_member_on_long_sick_leave_is_capped_at_htnv_under_hd21() {
    let result = check("docs/cases/member-2019-seed003-sick.json");
    assert_eq!(result["rule_set"], "qd132-hd21");
    assert_eq!(result["local_layer"], "seed003-huyen-2019");
    let classification = &result["subject"]["classification"];
    assert_eq!(classification["suggested"], "HTNV");
    assert!(
        classification["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["citation"]["source"]
                .as_str()
                .unwrap()
                .contains("tiểu mục 6"))
    );
    assert_eq!(
        result["subject"]["form"]["code"],
        "Mẫu 02 (Quy định của Huyện ủy)"
    );
}

#[test]
fn a_self_detected_violation_asks_the_competent_level_instead_of_guessing() {
    let result = check("docs/cases/leader-2025-self-detected.json");
    let classification = &result["subject"]["classification"];
    assert_eq!(classification["readiness"], "decision_required");
    assert_eq!(classification["suggested"], Value::Null);
    assert_eq!(classification["allowed"], "HTNV");
}

#[test]
fn a_small_branch_under_seed003_may_have_one_htxsnv_and_the_ballot_decides() {
    let result = check("docs/cases/branch-2019-seed003-ballot.json");
    let group = &result["group"];
    assert_eq!(group["quota"]["small_group_exception"], true);
    assert_eq!(group["quota"]["violation"], Value::Null);
    let ballot = &group["ballot"];
    assert_eq!(ballot["denominator"]["count"], 4);
    assert_eq!(ballot["outcomes"]["DV01"]["level"], "HTXSNV");
    assert_eq!(ballot["outcomes"]["DV03"]["level"], "HTNV");
    assert_eq!(ballot["outcomes"]["DV05"]["outcome"], "no_majority");
    assert_eq!(ballot["not_entitled"][0]["id"], "DV05");
    assert_eq!(
        group["subjects"][4]["eligibility"]["participation"],
        "review_only"
    );
}

#[test]
fn a_bad_case_names_the_field_and_exits_2() {
    let (code, _, stderr) = kiemdiem(
        &["rules", "check", "--case", "-"],
        Some(
            r#"{"year": 2025, "subject": {"facts": {"kind": "member_without_post", "tasks": {"assigned": 3, "completed": 4, "on_time": 3, "exceeded": 0}}}}"#,
        ),
    );
    assert_eq!(code, 2);
    let error: Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(error["error"]["field"], "subject.facts.tasks.completed");
    let (code, _, stderr) = kiemdiem(&["rules", "check", "--case", "docs/cases/none.json"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("không đọc được"));
}

#[test]
fn rules_list_prints_every_rule_set_with_sources() {
    let (code, json, _) = kiemdiem(&["rules", "list", "--json"], None);
    assert_eq!(code, 0);
    let rule_sets = json["rule_sets"].as_array().unwrap();
    assert_eq!(rule_sets.len(), 6);
    let qd366 = rule_sets.iter().find(|r| r["id"] == "qd366-hd43").unwrap();
    assert_eq!(qd366["parameters"]["quota"]["share"], "20%");
    assert_eq!(qd366["parameters"]["quota"]["exceptional_share"], "25%");
    assert!(
        qd366["parameters"]["sources"]["quota.rounding"]
            .as_str()
            .unwrap()
            .contains("assumed")
    );
}

#[test]
fn rules_calendar_lists_the_years_days_off() {
    let (code, json, _) = kiemdiem(&["rules", "calendar", "--year", "2026", "--json"], None);
    assert_eq!(code, 0);
    let days: Vec<(&str, &str)> = json["days_off"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["date"].as_str().unwrap(), d["holiday"].as_str().unwrap()))
        .collect();
    assert_eq!(days[0], ("2026-01-01", "new_year"));
    assert!(days.contains(&("2026-02-17", "tet")), "{days:?}");
    assert!(days.contains(&("2026-04-27", "hung_kings")), "{days:?}");
    let (code, out, _) = text(&["rules", "calendar", "--year", "2025"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Thứ Sáu 02/05/2025  Ngày Quốc tế lao động 1/5 (theo lịch nghỉ đã công bố)"),
        "{out}"
    );
    assert!(
        out.contains("Ngày làm bù:\n    Thứ Bảy 26/04/2025"),
        "{out}"
    );
}

fn text(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_kiemdiem"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn imports_are_audited_and_audit_verify_finds_an_edited_entry() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("audit.db").display());
    for (what, file) in [
        ("orgs", "samples/to_chuc.csv"),
        ("members", "samples/dang_vien.csv"),
        ("disciplines", "samples/ky_luat.csv"),
    ] {
        let (code, _, stderr) = text(&[
            "import",
            what,
            file,
            "--database",
            &url,
            "--by",
            "bantochuc",
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
    let (code, stdout, stderr) = text(&["audit", "verify", "--database", &url]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("nguyên vẹn: 3 mục"), "{stdout}");

    // Someone with the database file edits the first entry (the trigger must go first).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let actor: String = sqlx::query_scalar("SELECT actor FROM audit_log WHERE seq = 1")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(actor, "bantochuc", "the importer is recorded");
        sqlx::query("DROP TRIGGER audit_log_no_update")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'ai_do' WHERE seq = 1")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let (code, stdout, _) = text(&["audit", "verify", "--database", &url]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("bị thay đổi"), "{stdout}");
}
