//! The annual cycle over HTTP, as far as the use cases reach: a plan issued, its phases
//! tightened under optimistic versions, opened (every subject created with eligibility), the
//! subjects listed, a self-evaluation scored, opinions side by side, the quota shown, and a
//! decision refused because the review has not taken place.

use crate::support::{TestApp, api_test, expect_error, expect_json, seed_tree};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

api_test!(a_plan_is_issued_and_opened, evaluation_steps_and_refusals);

/// Issues and opens the commune's 2025 plan; returns it as last read.
pub async fn open_commune_plan(app: &TestApp) -> Value {
    let plan = expect_json(
        app.post("/api/v1/plans", &json!({ "org": "XA", "year": 2025 }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = plan["id"].as_str().expect("plan id").to_string();
    let report = expect_json(
        app.post(
            &format!("/api/v1/plans/{id}/open"),
            &json!({ "version": plan["version"] }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        report["subjects"].as_u64().is_some_and(|n| n >= 8),
        "{report}"
    );
    app.get_ok(&format!("/api/v1/plans/{id}")).await
}

/// The subjects of a plan reviewed in one unit, of one kind.
pub async fn subjects(app: &TestApp, plan: &Value, query: &str) -> Vec<Value> {
    let id = plan["id"].as_str().expect("plan id");
    let page = app
        .get_ok(&format!("/api/v1/plans/{id}/subjects?{query}"))
        .await;
    page["subjects"].as_array().expect("subjects").clone()
}

async fn a_plan_is_issued_and_opened(app: &TestApp) {
    seed_tree(&app.store).await;
    let plan = expect_json(
        app.post("/api/v1/plans", &json!({ "org": "XA", "year": 2025 }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(plan["status"], "draft");
    assert_eq!(plan["rule_set"], "qd366-hd43");
    assert_eq!(plan["review_date"], "2025-12-31");
    assert_eq!(plan["period"]["kind"], "year");
    let id = plan["id"].as_str().expect("id").to_string();
    let version = plan["version"].as_i64().expect("version");
    let phases: Vec<Value> = plan["phases"]
        .as_array()
        .expect("phases")
        .iter()
        .map(|p| {
            json!({
                "code": p["code"], "title": p["title"], "step": p["step"],
                "starts_on": p["starts_on"], "ends_on": p["ends_on"],
            })
        })
        .collect();
    assert!(!phases.is_empty());
    let path = format!("/api/v1/plans/{id}/phases");

    // A change that does not say which version it read is refused.
    let response = app
        .request(Method::PUT, &path)
        .json(&json!({ "phases": phases }))
        .send()
        .await
        .expect("sent");
    let error = expect_error(
        response,
        StatusCode::PRECONDITION_REQUIRED,
        "version_required",
    )
    .await;
    assert_eq!(error["field"], "version");
    // A stale version is refused and nothing is written.
    let response = app
        .request(Method::PUT, &path)
        .json(&json!({ "version": version + 7, "phases": phases }))
        .send()
        .await
        .expect("sent");
    expect_error(response, StatusCode::CONFLICT, "stale_version").await;
    // A bad date in a phase names its path.
    let mut broken = phases.clone();
    broken[0]["ends_on"] = json!("31/12/2025");
    let response = app
        .request(Method::PUT, &path)
        .header("If-Match", format!("\"{version}\""))
        .json(&json!({ "phases": broken }))
        .send()
        .await
        .expect("sent");
    let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    assert_eq!(error["field"], "phases[0].ends_on");
    // The current version, by If-Match: accepted.
    let response = app
        .request(Method::PUT, &path)
        .header("If-Match", format!("\"{version}\""))
        .json(&json!({ "phases": phases }))
        .send()
        .await
        .expect("sent");
    let changed = expect_json(response, StatusCode::OK).await;
    assert_eq!(changed["version"].as_i64(), Some(version + 1));

    // Opening with the old version is refused; with the new one, every subject is created.
    let response = app
        .post(
            &format!("/api/v1/plans/{id}/open"),
            &json!({ "version": version }),
        )
        .await;
    expect_error(response, StatusCode::CONFLICT, "stale_version").await;
    let report = expect_json(
        app.post(
            &format!("/api/v1/plans/{id}/open"),
            &json!({ "version": version + 1 }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["by_kind"]["organisation"], 3, "{report}");
    let opened = app.get_ok(&format!("/api/v1/plans/{id}")).await;
    assert_eq!(opened["status"], "open");
    assert_eq!(
        opened["subjects_count"].as_u64(),
        report["subjects"].as_u64()
    );

    let village: Vec<String> = subjects(app, &opened, "unit=CB1")
        .await
        .iter()
        .filter(|s| s["kind"].as_str().is_some_and(|k| k.starts_with("member")))
        .filter_map(|s| s["name"].as_str().map(String::from))
        .collect();
    assert_eq!(
        village,
        [
            "Lê Thị Ánh",
            "Trần Văn Dũng",
            "Nguyễn Văn Đức",
            "Đỗ Thị Yến"
        ]
    );
    let orgs = subjects(app, &opened, "kind=organisation").await;
    assert_eq!(orgs.len(), 3);
    assert!(orgs.iter().all(|s| s["stage"] == "pending"));
    let error = expect_error(
        app.get(&format!("/api/v1/plans/{id}/subjects?unit=KHONGCO"))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(error["field"], "unit");
    let children = app.get_ok(&format!("/api/v1/plans/{id}/children")).await;
    assert!(children["plans"].as_array().is_some_and(Vec::is_empty));
}

/// Points for every leaf criterion of a framework adding up to `total` (whole points, spread in
/// proportion to each leaf's maximum).
pub fn points_total(framework: &Value, total: f64) -> Value {
    let max: f64 = points_for(framework, 1.0)
        .as_object()
        .map(|o| o.values().filter_map(Value::as_f64).sum())
        .unwrap_or(100.0);
    let mut points = points_for(framework, total / max);
    let given: f64 = points
        .as_object()
        .map(|o| o.values().filter_map(Value::as_f64).sum())
        .unwrap_or(0.0);
    if let Some((_, last)) = points.as_object_mut().and_then(|o| o.iter_mut().last()) {
        *last = json!(last.as_f64().unwrap_or(0.0) + (total - given));
    }
    points
}

/// Points for every leaf criterion of a framework: `share` of its maximum.
pub fn points_for(framework: &Value, share: f64) -> Value {
    fn walk(criteria: &Value, share: f64, out: &mut serde_json::Map<String, Value>) {
        for criterion in criteria.as_array().into_iter().flatten() {
            let children = &criterion["children"];
            if children.as_array().is_some_and(|c| !c.is_empty()) {
                walk(children, share, out);
            } else if let (Some(id), Some(max)) =
                (criterion["id"].as_str(), criterion["max_points"].as_f64())
            {
                out.insert(id.to_string(), json!((max * share).round()));
            }
        }
    }
    let mut points = serde_json::Map::new();
    walk(&framework["criteria"], share, &mut points);
    Value::Object(points)
}

async fn evaluation_steps_and_refusals(app: &TestApp) {
    seed_tree(&app.store).await;
    let plan = open_commune_plan(app).await;
    let members = subjects(app, &plan, "unit=CB1").await;
    let anh = members
        .iter()
        .find(|s| s["name"] == "Lê Thị Ánh")
        .expect("Ánh is a subject")
        .clone();
    let id = anh["id"].as_str().expect("id").to_string();
    assert_eq!(anh["participation"], "review_and_classify");
    let framework_id = anh["framework_id"].as_str().expect("framework");
    let framework = app
        .get_ok(&format!("/api/v1/frameworks/{framework_id}"))
        .await;

    // Self-evaluation: scored by the rules.
    let evaluation = expect_json(
        app.request(
            Method::PUT,
            &format!("/api/v1/subjects/{id}/self-evaluation"),
        )
        .json(&json!({
            "version": 0,
            "input": { "points": points_for(&framework, 0.8) },
            "evidence": { "nhiem_vu.1": "Hoàn thành 12/12 nhiệm vụ được giao" },
            "proposed": "HTTNV",
            "note": "Tự nhận mức hoàn thành tốt nhiệm vụ"
        }))
        .send()
        .await
        .expect("sent"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(evaluation["source"], "self");
    assert_eq!(evaluation["level"], "HTTNV");
    assert!(evaluation["score"].is_object(), "{evaluation}");
    // The same version again is stale.
    let response = app
        .request(
            Method::PUT,
            &format!("/api/v1/subjects/{id}/self-evaluation"),
        )
        .json(&json!({
            "version": 0,
            "input": { "points": points_for(&framework, 0.9) },
            "proposed": "HTXSNV"
        }))
        .send()
        .await
        .expect("sent");
    expect_error(response, StatusCode::CONFLICT, "stale_version").await;
    // An unknown level names the field.
    let response = app
        .request(
            Method::PUT,
            &format!("/api/v1/subjects/{id}/self-evaluation"),
        )
        .json(&json!({ "version": evaluation["version"], "proposed": "GIOI" }))
        .send()
        .await
        .expect("sent");
    let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    assert_eq!(error["field"], "proposed");

    // The branch committee's opinion, then both side by side.
    expect_json(
        app.post(
            &format!("/api/v1/subjects/{id}/opinions"),
            &json!({ "source": "branch_committee", "version": 0, "level": "HTTNV", "note": "Đồng ý" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let stored = app
        .get_ok(&format!("/api/v1/subjects/{id}/evaluations"))
        .await;
    let sources: Vec<&str> = stored["evaluations"]
        .as_array()
        .expect("evaluations")
        .iter()
        .filter_map(|e| e["source"].as_str())
        .collect();
    assert!(sources.contains(&"self") && sources.contains(&"branch_committee"));
    let columns = app
        .get_ok(&format!("/api/v1/subjects/{id}/side-by-side"))
        .await;
    let levels: Vec<(i64, &str)> = columns["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter_map(|c| Some((c["no"].as_i64()?, c["level"].as_str()?)))
        .collect();
    assert!(
        levels.contains(&(1, "HTTNV")) && levels.contains(&(3, "HTTNV")),
        "{columns}"
    );

    // A branch covering two agencies (chi bộ sinh hoạt ghép) is evaluated on each unit's tasks.
    let school = subjects(app, &plan, "kind=organisation")
        .await
        .into_iter()
        .find(|s| s["name"] == "Chi bộ Trường Tiểu học")
        .expect("the school branch");
    let school_id = school["id"].as_str().expect("id").to_string();
    let part = expect_json(
        app.post(
            &format!("/api/v1/subjects/{school_id}/parts"),
            &json!({ "label": "Trường Mầm non Hoàng Việt" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(part["kind"], "joint_unit");
    let parts = expect_json(
        app.request(
            Method::PUT,
            &format!("/api/v1/subjects/{school_id}/parts/{}/results", part["seq"]),
        )
        .header("If-Match", part["version"].to_string())
        .json(&json!({ "tasks": { "assigned": 8, "completed": 8, "on_time": 7, "exceeded": 1 } }))
        .send()
        .await
        .expect("sent"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(parts["parts"][0]["tasks"]["on_time"], 7, "{parts}");
    let error = expect_error(
        app.post(
            &format!("/api/v1/subjects/{id}/parts"),
            &json!({ "label": "Tổ 1" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    assert_eq!(error["field"], "subject");

    // The quota headroom of the group is shown before deciding.
    let quota = app
        .get_ok(&format!("/api/v1/subjects/{id}/quota?level=HTXSNV"))
        .await;
    assert!(
        quota["check"].is_object() && quota["group"].is_string(),
        "{quota}"
    );
    expect_error(
        app.get(&format!("/api/v1/subjects/{id}/quota?level=GIOI"))
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;

    // Deciding before the review meeting is refused, naming the rule.
    let subject = app.get_ok(&format!("/api/v1/subjects/{id}")).await;
    let response = app
        .post(
            &format!("/api/v1/subjects/{id}/decisions"),
            &json!({ "version": subject["version"], "level": "HTTNV" }),
        )
        .await;
    let error = expect_error(response, StatusCode::UNPROCESSABLE_ENTITY, "out_of_order").await;
    assert!(error["rule"]["source"].is_string(), "{error}");
    let decisions = app
        .get_ok(&format!("/api/v1/subjects/{id}/decisions"))
        .await;
    assert!(decisions["decisions"].as_array().is_some_and(Vec::is_empty));
    expect_error(
        app.get(&format!("/api/v1/subjects/{}", uuid::Uuid::nil()))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
