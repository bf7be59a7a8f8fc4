//! A district committee makes its own criteria framework: derived from the national default,
//! a change breaking QĐ 366's 30 + 70 split refused naming the invariant, a change splitting a
//! criterion accepted as a new version, and a plan pinning that version scores its members on
//! it.

use crate::support::{TestDb, YEAR, actor, app, build, official, on_both_backends};
use kiemdiem_app::evaluation::SelfEvaluation;
use kiemdiem_app::frameworks::FrameworkChange;
use kiemdiem_app::plan::NewPlan;
use kiemdiem_rules::framework::{Criterion, EvaluationInput};
use kiemdiem_rules::{Points, SubjectKind};
use std::collections::BTreeMap;

on_both_backends!(a_district_scores_on_its_own_framework);

async fn a_district_scores_on_its_own_framework(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Thị Bình")],
        &[],
    )
    .await;
    let app = app(db);
    let office = actor("bantochuc.huyen");
    let derived = app
        .derive_framework(
            &office,
            org.district,
            "qd366-hd43/member-without-post",
            "dang-vien",
            Some("Khung tiêu chí đảng viên của Huyện ủy Cao Lộc".into()),
        )
        .await
        .unwrap();
    assert_eq!(derived.id, "T.01:dang-vien@1");
    assert_eq!(derived.framework.criteria.len(), 2);

    // Five points moved from the common criteria to the tasks: QĐ 366's 30 + 70 is broken.
    let mut criteria: Vec<Criterion> = derived.framework.criteria.clone();
    criteria[0].max_points = Some(Points::whole(25));
    criteria[0].children[0].max_points = Some(Points::whole(5));
    criteria[1].max_points = Some(Points::whole(75));
    criteria[1].children[0].max_points = Some(Points::whole(55));
    let refused = app
        .change_framework(
            &office,
            &derived.id,
            FrameworkChange {
                title: None,
                criteria,
                thresholds: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "rule_refused", "{}", refused.message());
    assert_eq!(refused.field(), Some("criteria"));
    assert!(
        refused
            .message()
            .contains("Nhóm tiêu chí chung có 25 điểm, quy định là 30 điểm")
            && refused.message().contains("QĐ 366-QĐ/TW Điều 10"),
        "{}",
        refused.message()
    );
    // A sub-split that does not add up is named by its criterion.
    let mut uneven = derived.framework.criteria.clone();
    uneven[1].children[0].children = vec![
        Criterion {
            id: "nhiem_vu.1.a".into(),
            title: "Nhiệm vụ chuyên môn".into(),
            group: None,
            max_points: Some(Points::whole(30)),
            children: vec![],
        },
        Criterion {
            id: "nhiem_vu.1.b".into(),
            title: "Nhiệm vụ đảng viên ở chi bộ".into(),
            group: None,
            max_points: Some(Points::whole(10)),
            children: vec![],
        },
    ];
    let uneven_refused = app
        .change_framework(
            &office,
            &derived.id,
            FrameworkChange {
                title: None,
                criteria: uneven.clone(),
                thresholds: None,
            },
        )
        .await
        .unwrap_err();
    assert!(
        uneven_refused.message().contains("nhiem_vu.1") && uneven_refused.message().contains("40"),
        "{}",
        uneven_refused.message()
    );
    // The district's split of "nhiem_vu.1": 30 + 20.
    uneven[1].children[0].children[1].max_points = Some(Points::whole(20));
    let changed = app
        .change_framework(
            &office,
            &derived.id,
            FrameworkChange {
                title: None,
                criteria: uneven,
                thresholds: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.id, "T.01:dang-vien@2");
    assert_eq!(changed.base.as_deref(), Some("T.01:dang-vien@1"));
    assert_eq!(
        app.org_frameworks(&office, org.district)
            .await
            .unwrap()
            .len(),
        2,
        "every version is kept"
    );

    // The district's plan pins version 2; its members are scored on it.
    let plan = app
        .create_plan(
            &office,
            NewPlan {
                org: org.district,
                year: YEAR,
                frameworks: BTreeMap::from([(SubjectKind::MemberWithoutPost, changed.id.clone())]),
                ..NewPlan::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        plan.frameworks[&SubjectKind::MemberWithoutPost],
        "T.01:dang-vien@2"
    );
    app.open_plan(&office, plan.id, plan.version).await.unwrap();
    let binh = app
        .subjects(&office, plan.id, None)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.name == "Trần Thị Bình")
        .unwrap();
    assert_eq!(binh.framework.as_deref(), Some("T.01:dang-vien@2"));
    let mut input = EvaluationInput::default();
    for (id, points) in [
        ("chung.1", 9),
        ("chung.2", 9),
        ("chung.3", 9),
        ("nhiem_vu.1.a", 28),
        ("nhiem_vu.1.b", 19),
        ("nhiem_vu.2", 18),
    ] {
        input.points.insert(id.into(), Points::whole(points));
    }
    let scored = app
        .self_evaluate(
            &actor("binh"),
            binh.id,
            0,
            SelfEvaluation {
                input,
                ..SelfEvaluation::default()
            },
        )
        .await
        .unwrap();
    let sheet = scored.score.expect("scored on the district's framework");
    assert_eq!(sheet.total, Some(Points::whole(92)));
    // A criterion of the national default that the district split is no longer a leaf.
    let mut old_leaf = EvaluationInput::default();
    old_leaf
        .points
        .insert("nhiem_vu.1".into(), Points::whole(45));
    let refused = app
        .self_evaluate(
            &actor("binh"),
            binh.id,
            scored.version,
            SelfEvaluation {
                input: old_leaf,
                ..SelfEvaluation::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "invalid", "{}", refused.message());
}
