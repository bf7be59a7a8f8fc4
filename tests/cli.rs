//! Black-box tests of the `kiemdiem` binary: the worked examples of `docs/rules-cases.md` — every
//! question of the case format — run through `kiemdiem rules check` and give the documented
//! answers; imports leave their entries
//! in the audit trail, which `kiemdiem audit verify` checks.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

fn kiemdiem(args: &[&str], stdin: Option<&str>) -> (i32, Value, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiemdiem"))
        .envs(audit_env())
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
fn heads_come_after_their_unit_under_qd124_and_branch_first_is_not_a_rule_there() {
    let result = check("docs/cases/order-2023-head-after-unit.json");
    assert_eq!(result["question"], "order");
    let order = &result["order"];
    assert_eq!(order["may_proceed"], false);
    assert_eq!(order["missing"][0]["precedence"], "unit_before_head");
    assert!(
        order["missing"][0]["citation"]["source"]
            .as_str()
            .unwrap()
            .starts_with("QĐ 124-QĐ/TW Điều 11")
    );
    assert_eq!(
        order["not_required"][0]["precedence"],
        "branch_before_collective"
    );
}

#[test]
fn a_notice_over_new_year_is_refused_and_each_deadline_answers() {
    let result = check("docs/cases/timing-2025-notice-and-deadlines.json");
    let timing = &result["timing"];
    assert_eq!(timing["status"], "refused");
    let status: Vec<(&str, &str)> = timing["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["check"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        status,
        [
            ("draft_notice", "refused"),
            ("meeting_length", "on_time"),
            ("finish", "late"),
            ("finish_special_unit", "on_time"),
            ("dossier", "on_time"),
        ]
    );
    assert_eq!(timing["checks"][0]["days_off"][0]["date"], "2026-01-01");
    assert!(
        timing["checks"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2 ngày làm việc")
    );
}

#[test]
fn two_years_of_khtnv_ask_for_education_first_and_the_awards_say_why_not() {
    let result = check("docs/cases/history-2025-member.json");
    let history = &result["history"];
    assert_eq!(history["flags"][0]["code"], "khtnv_two_years");
    assert_eq!(history["flags"][0]["automatic"], false);
    assert_eq!(history["awards"]["year"]["eligible"], false);
    let consecutive = &history["awards"]["consecutive"];
    assert_eq!(consecutive["eligible"], false);
    assert_eq!(consecutive["reasons"].as_array().unwrap().len(), 3);
    assert!(
        consecutive["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with("Năm 2023")
    );
}

#[test]
fn five_years_across_2018_compare_through_the_cited_mapping() {
    let result = check("docs/cases/history-2018-organisation.json");
    let history = &result["history"];
    assert_eq!(history["years"][1]["level"]["code"], "TSVM_TIEU_BIEU");
    assert_eq!(
        history["years"][1]["compares_with"]["level"]["code"],
        "HTXSNV"
    );
    assert!(history["years"][4].get("compares_with").is_none());
    assert_eq!(history["awards"]["consecutive"]["eligible"], true);
    assert!(
        history["awards"]["consecutive"]["citations"][1]["source"]
            .as_str()
            .unwrap()
            .contains("HD 16-HD/BTCTW")
    );
}

#[test]
fn an_eras_levels_are_its_own_codes_and_another_eras_code_is_refused() {
    let result = check("docs/cases/level-2015-organisation.json");
    let level = &result["level"];
    let codes: Vec<&str> = level["vocabulary"]["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "TSVM_TIEU_BIEU",
            "TSVM",
            "HOAN_THANH_TOT",
            "HOAN_THANH",
            "YEU_KEM"
        ]
    );
    assert_eq!(level["compared"]["to"]["code"], "HTXSNV");
    let (code, _, stderr) = kiemdiem(
        &["rules", "check", "--case", "-"],
        Some(
            r#"{"question": "level", "year": 2015, "level": {"subject_kind": "organisation", "code": "HTXSNV"}}"#,
        ),
    );
    assert_eq!(code, 2);
    let error: Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(error["error"]["field"], "level.code");
    assert!(
        error["error"]["problem"]
            .as_str()
            .unwrap()
            .contains("TSVM_TIEU_BIEU, TSVM")
    );
}

#[test]
fn hd27_fifty_points_or_more_with_a_listed_defect_is_yeu_kem_in_2015s_words() {
    let result = check("docs/cases/branch-2015-hd27-defect.json");
    let subject = &result["subject"];
    assert_eq!(subject["score"]["level"], "HOAN_THANH_TOT");
    let classification = &subject["classification"];
    assert_eq!(classification["suggested"], "YEU_KEM");
    assert_eq!(classification["findings"][0]["max"], "YEU_KEM");
    assert_eq!(
        classification["findings"][0]["citation"]["rule"],
        "hd27.organisation.lowest_level_defect"
    );
    assert_eq!(subject["suggested_name"], "Yếu kém");
    assert_eq!(subject["proposed"], "HOAN_THANH_TOT");
    assert_eq!(subject["proposal_refused"].as_array().unwrap().len(), 1);
    assert!(
        !result.to_string().contains("HTXSNV"),
        "no 2018 level shown"
    );
}

#[test]
fn a_branch_decided_above_its_grassroots_waits_for_its_complaint() {
    let result = check("docs/cases/branch-2025-decided-by-upper.json");
    let subject = &result["subject"];
    assert_eq!(subject["authority"]["decides"], "upper_standing_committee");
    assert_eq!(subject["authority"]["proposes"], "partial_committee");
    let classification = &subject["classification"];
    assert_eq!(classification["readiness"], "pending");
    assert_eq!(
        classification["findings"][0]["citation"]["rule"],
        "qd366-hd43.order.verification_before_decision"
    );
}

#[test]
fn a_penalty_raised_for_the_same_violation_counts_once() {
    let result = check("docs/cases/member-2020-discipline-raised.json");
    let findings = result["subject"]["classification"]["findings"]
        .as_array()
        .unwrap();
    let counted: Vec<&Value> = findings
        .iter()
        .filter(|f| f["citation"]["rule"] == "qd132-hd21.member.discipline")
        .collect();
    assert_eq!(counted.len(), 1);
    assert!(counted[0]["message"].as_str().unwrap().contains("cảnh cáo"));
    assert!(
        findings
            .iter()
            .any(|f| f["citation"]["rule"] == "qd132-hd21.discipline.counted_once")
    );
}

#[test]
fn a_suspended_committee_member_answers_for_the_time_before_the_suspension() {
    let result = check("docs/cases/member-2025-suspended-committee.json");
    let period = &result["subject"]["eligibility"]["responsibility_period"];
    assert_eq!(period["from"], "2025-01-01");
    assert_eq!(period["to"], "2025-08-14");
}

#[test]
fn a_provinces_readings_of_quota_and_ballot_are_selectable() {
    let result = check("docs/cases/branch-2025-ballot-policies.json");
    let group = &result["group"];
    assert_eq!(group["quota"]["base"], 2);
    assert_eq!(group["quota"]["violation"]["excess"], 1);
    let ballot = &group["ballot"];
    assert_eq!(ballot["denominator"]["count"], 5);
    assert_eq!(ballot["denominator"]["probationary_counted"], 1);
    let outcomes = &ballot["outcomes"];
    assert_eq!(outcomes["A"]["level"], "HTXSNV");
    assert_eq!(
        outcomes["A"]["citation"]["rule"],
        "qd366-hd43.ballot.no_majority"
    );
    assert_eq!(outcomes["B"]["next"], "further_round");
    assert_eq!(outcomes["B"]["round"], 2);
    assert_eq!(outcomes["C"]["next"], "decided");
}

#[test]
fn facts_nobody_recorded_leave_the_leader_pending_each_named() {
    let result = check("docs/cases/leader-2025-facts-unknown.json");
    let classification = &result["subject"]["classification"];
    assert_eq!(classification["readiness"], "pending");
    assert_eq!(classification["suggested"], Value::Null);
    assert_eq!(classification["score_level"], "HTXSNV");
    let findings = classification["findings"].as_array().unwrap();
    for (fact, rule) in [
        (
            "previous_defects_fixed",
            "qd366-hd43.tasks.htxsnv_previous_defects_fixed",
        ),
        ("confidence_vote", "qd366-hd43.leader.low_confidence"),
        ("force_majeure", "qd366-hd43.key_targets"),
    ] {
        let finding = findings
            .iter()
            .find(|f| f["missing_fact"] == fact)
            .unwrap_or_else(|| panic!("no finding names {fact}: {findings:?}"));
        assert_eq!(finding["effect"], "pending");
        assert_eq!(finding["citation"]["rule"], rule);
        assert!(finding["message"].as_str().unwrap().contains(fact));
        assert!(
            finding["citation"]["source"]
                .as_str()
                .unwrap()
                .contains("QĐ 366-QĐ/TW Điều 11")
        );
    }
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
            .contains("giả định")
    );
    assert_eq!(
        json["alternatives"]["quota.base"]["values"],
        serde_json::json!(["final_httnv", "httnv_and_above", "fixed_point"])
    );
    assert_eq!(
        json["alternatives"]["ballot.no_majority"]["values"],
        serde_json::json!(["escalate", "most_votes", "further_round"])
    );
    let hd27 = rule_sets.iter().find(|r| r["id"] == "hd27").unwrap();
    assert_eq!(hd27["levels"]["organisation"]["levels"][1]["code"], "TSVM");
    assert_eq!(hd27["levels"]["member"]["levels"][0]["code"], "DTC_HTXSNV");
    let (code, out, _) = text(&["rules", "list"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Mức xếp loại tổ chức đảng: TSVM_TIEU_BIEU «Trong sạch, vững mạnh tiêu biểu»"),
        "{out}"
    );
    assert!(
        out.contains(
            "base = \"final_httnv\"  [một trong: final_httnv | httnv_and_above | fixed_point]"
        ),
        "{out}"
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
        .envs(audit_env())
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

#[test]
fn an_office_loads_its_files_moves_and_splits_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("office.db").display());
    for (what, file) in [
        ("orgs", "samples/to_chuc.csv"),
        ("members", "samples/dang_vien.csv"),
        ("collectives", "samples/tap_the.csv"),
        ("leaders", "samples/can_bo_ngoai_dang.csv"),
        ("posts", "samples/chuc_vu.csv"),
        ("statuses", "samples/trang_thai.csv"),
        ("leave", "samples/nghi.csv"),
        ("temporary", "samples/sinh_hoat_tam_thoi.csv"),
        ("ratings", "samples/xep_loai_cbccvc.csv"),
    ] {
        let (code, stdout, stderr) = text(&["import", what, file, "--database", &url]);
        assert_eq!(code, 0, "{what}: {stderr}");
        assert!(stdout.contains("thêm mới"), "{stdout}");
    }
    // A member put under another branch: refused naming the row, then allowed as a transfer.
    let moved = std::fs::read_to_string("samples/dang_vien.csv")
        .unwrap()
        .replace(
            "12000012,Bế Văn Ưng,11/12/1992,08/03/2019,08/03/2020,LS.CL.HT.01",
            "12000012,Bế Văn Ưng,11/12/1992,08/03/2019,08/03/2020,LS.CL.HT.02",
        );
    let file = dir.path().join("dang_vien.csv");
    std::fs::write(&file, moved).unwrap();
    let file = file.display().to_string();
    let (code, _, stderr) = text(&["import", "members", &file, "--database", &url]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("dòng 13, cột «Mã chi bộ»") && stderr.contains("--allow-transfers"),
        "{stderr}"
    );
    let (code, stdout, stderr) = text(&[
        "import",
        "members",
        &file,
        "--allow-transfers",
        "--database",
        &url,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("chuyển sinh hoạt: 1"), "{stdout}");
    let (code, stdout, stderr) = text(&[
        "org",
        "move",
        "LS.CL.MT",
        "--under",
        "LS.CL.HT",
        "--on",
        "01/11/2025",
        "--database",
        &url,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Đã chuyển trực thuộc"), "{stdout}");
    let (code, stdout, stderr) = text(&[
        "org",
        "split",
        "LS.CL.HT.03",
        "--part",
        "LS.CL.HT.03A:Chi bộ giáo viên:Chi bộ trực thuộc",
        "--part",
        "LS.CL.HT.03B:Chi bộ nhân viên:Chi bộ trực thuộc",
        "--member",
        "12000005=LS.CL.HT.03A",
        "--member",
        "12000006=LS.CL.HT.03B",
        "--dissolve-source",
        "--on",
        "01/11/2025",
        "--database",
        &url,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("tạo mới 2 tổ chức"), "{stdout}");
    let (code, _, stderr) = text(&[
        "org",
        "merge",
        "LS.KHONG",
        "--into",
        "LS.CL.HT",
        "--on",
        "01/12/2025",
        "--database",
        &url,
    ]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("LS.KHONG") && stderr.contains("sources[0]"),
        "{stderr}"
    );
    let (code, stdout, _) = text(&["audit", "verify", "--database", &url]);
    assert_eq!(code, 0);
    assert!(stdout.contains("nguyên vẹn: 12 mục"), "{stdout}");
}

#[test]
fn backup_restore_and_anchor_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let anchors = dir.path().join("anchors.log");
    let anchors = anchors.to_str().unwrap();
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
            "--anchor-file",
            anchors,
            "--by",
            "bantochuc",
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
    // The head anchored and printed, one signed line in the file.
    let (code, line, stderr) = text(&[
        "audit",
        "anchor",
        "--database",
        &url,
        "--anchor-file",
        anchors,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(line.starts_with("kiemdiem-anchor v1 "), "{line}");
    assert_eq!(std::fs::read_to_string(anchors).unwrap(), line);
    let (code, stdout, stderr) = text(&[
        "audit",
        "verify",
        "--database",
        &url,
        "--anchor-file",
        anchors,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("3 mục (3 mục có dấu niêm phong hợp lệ), 1 mốc neo"),
        "{stdout}"
    );

    // A backup while nothing stops; a second one never overwrites it.
    let backup = dir.path().join("sao-luu.db");
    let backup = backup.to_str().unwrap();
    let (code, stdout, stderr) = text(&["backup", "--database", &url, "--out", backup]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with("Đã sao lưu"), "{stdout}");
    let (code, _, stderr) = text(&["backup", "--database", &url, "--out", backup]);
    assert_eq!(code, 1);
    assert!(stderr.contains("đã có"), "{stderr}");

    // Restored into a new file, the trail verifies against the same anchors.
    let restored = format!("sqlite://{}", dir.path().join("restored.db").display());
    let (code, stdout, stderr) = text(&[
        "restore",
        "--database",
        &restored,
        "--from",
        backup,
        "--anchor-file",
        anchors,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("nguyên vẹn sau phục hồi: 3 mục"),
        "{stdout}"
    );
    // Never over an existing database.
    let (code, _, stderr) = text(&[
        "restore",
        "--database",
        &restored,
        "--from",
        backup,
        "--anchor-file",
        anchors,
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("không ghi đè"), "{stderr}");

    // The live database goes on and is anchored again: the old backup, restored, lacks the
    // newer entries, and verify says so.
    let (code, _, stderr) = text(&[
        "import",
        "members",
        "samples/dang_vien.csv",
        "--database",
        &url,
        "--anchor-file",
        anchors,
        "--by",
        "bantochuc",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = text(&[
        "audit",
        "anchor",
        "--database",
        &url,
        "--anchor-file",
        anchors,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let older = format!("sqlite://{}", dir.path().join("older.db").display());
    let (code, stdout, _) = text(&[
        "restore",
        "--database",
        &older,
        "--from",
        backup,
        "--anchor-file",
        anchors,
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("từ mục số 4"), "{stdout}");
}

/// The audit key and the anchors of the binary under test: a fixed key, anchors under the
/// system's temporary directory (never the tester's home).
fn audit_env() -> [(&'static str, String); 3] {
    [
        ("KIEMDIEM_AUDIT_KEY", "5a".repeat(32)),
        (
            "XDG_STATE_HOME",
            std::env::temp_dir()
                .join("kiemdiem-tests-state")
                .display()
                .to_string(),
        ),
        (
            "XDG_CONFIG_HOME",
            std::env::temp_dir()
                .join("kiemdiem-tests-config")
                .display()
                .to_string(),
        ),
    ]
}
