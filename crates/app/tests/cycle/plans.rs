//! A subject belongs to exactly one plan of a period — the lowest opened plan covering it: a
//! superior plan opened first hands its lower plan's subtree over when that plan opens, a lower
//! plan opened first keeps its subtree when the superior opens, and either order ends the same,
//! with nothing counted twice in the superior's progress.

use crate::support::{TestDb, actor, app, build, official, on_both_backends};
use kiemdiem_app::plan::{NewPlan, Period, Subject};
use kiemdiem_app::{Actor, App};
use kiemdiem_rules::RuleSetId;
use std::collections::BTreeMap;
use std::collections::{BTreeSet, HashSet};
use uuid::Uuid;

on_both_backends!(
    one_plan_per_subject_whichever_opens_first,
    a_lower_plan_keeps_the_superior_rules
);

/// What a subject is, whatever plan or id it got.
type Shape = (
    String,
    Option<Uuid>,
    Option<Uuid>,
    Option<Uuid>,
    Option<Uuid>,
    Uuid,
);

async fn shapes(app: &App, who: &Actor, plan: Uuid) -> BTreeSet<Shape> {
    app.subjects(who, plan, None)
        .await
        .unwrap()
        .into_iter()
        .map(|s: Subject| {
            (
                format!("{:?}", s.kind),
                s.member,
                s.leader,
                s.collective,
                s.org,
                s.unit,
            )
        })
        .collect()
}

async fn plan(
    app: &App,
    who: &Actor,
    org: Uuid,
    year: i32,
    period: Period,
) -> kiemdiem_app::plan::Plan {
    app.create_plan(
        who,
        NewPlan {
            org,
            year,
            period: Some(period),
            ..NewPlan::default()
        },
    )
    .await
    .unwrap()
}

async fn one_plan_per_subject_whichever_opens_first(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Bùi Văn Hùng")],
    )
    .await;
    let app = app(db);
    let district_office = actor("bantochuc.huyen");
    let grassroots_office = actor("bithu.dangbo");
    let who = &district_office;

    // ── 2025: the district's plan opens first, then the grassroots' under it.
    let d25 = plan(&app, who, org.district, 2025, Period::Year).await;
    let opened = app.open_plan(who, d25.id, d25.version).await.unwrap();
    assert_eq!(opened.taken_over, 0);
    let whole = shapes(&app, who, d25.id).await;
    let g25 = plan(&app, &grassroots_office, org.grassroots, 2025, Period::Year).await;
    assert_eq!(g25.parent_plan_id, Some(d25.id));
    let opened = app
        .open_plan(&grassroots_office, g25.id, g25.version)
        .await
        .unwrap();
    assert_eq!(opened.taken_over, opened.subjects, "{opened:?}");
    let (upper_a, lower_a) = (
        shapes(&app, who, d25.id).await,
        shapes(&app, who, g25.id).await,
    );
    assert!(upper_a.is_disjoint(&lower_a), "no subject in two plans");
    assert_eq!(
        upper_a.union(&lower_a).cloned().collect::<BTreeSet<_>>(),
        whole,
        "the subtree moved, nothing lost"
    );
    assert!(
        upper_a.iter().all(|s| s.5 == org.district),
        "the district keeps only its own level: {upper_a:?}"
    );
    let d25_now = app.plan(who, d25.id).await.unwrap();
    assert_eq!(d25_now.subjects_count as usize, upper_a.len());
    assert!(
        d25_now.version > d25.version + 1,
        "the superior plan changed"
    );
    let trail = app
        .audit_trail(who, "plan", &d25.id.to_string())
        .await
        .unwrap();
    let delegated = trail.iter().find(|e| e.action == "plan.delegate").unwrap();
    assert_eq!(delegated.detail["data"]["to_plan"], g25.id.to_string());

    // ── 2024: the grassroots' plan opens first, then the district's around it.
    let g24 = plan(&app, &grassroots_office, org.grassroots, 2024, Period::Year).await;
    app.open_plan(&grassroots_office, g24.id, g24.version)
        .await
        .unwrap();
    let d24 = plan(&app, who, org.district, 2024, Period::Year).await;
    let opened = app.open_plan(who, d24.id, d24.version).await.unwrap();
    assert_eq!(
        opened.delegated_orgs, 3,
        "the grassroots and its two branches"
    );
    assert_eq!(opened.taken_over, 0);
    let (upper_b, lower_b) = (
        shapes(&app, who, d24.id).await,
        shapes(&app, who, g24.id).await,
    );
    assert_eq!(upper_a, upper_b, "either order: the same superior plan");
    assert_eq!(lower_a, lower_b, "either order: the same lower plan");

    // Progress of the district counts every subject of its subtree once, from the plan that
    // holds it.
    for (upper, lower, shapes_upper, shapes_lower) in [
        (d25.id, g25.id, &upper_a, &lower_a),
        (d24.id, g24.id, &upper_b, &lower_b),
    ] {
        let progress = app.progress(who, upper).await.unwrap();
        let root = progress.iter().find(|n| n.org == org.district).unwrap();
        assert_eq!(
            root.subjects as usize,
            shapes_upper.len() + shapes_lower.len()
        );
        let grassroots = progress.iter().find(|n| n.org == org.grassroots).unwrap();
        assert_eq!(grassroots.subjects as usize, shapes_lower.len());
        let own = app.progress(who, lower).await.unwrap();
        assert_eq!(own[0].subjects as usize, shapes_lower.len());
        // The members of a branch are listed from the lower plan when the superior asks.
        let pending = app
            .pending_subjects(who, upper, org.branches[0])
            .await
            .unwrap();
        let ids: HashSet<Uuid> = pending.iter().map(|p| p.subject).collect();
        let members: Vec<Uuid> = app
            .subjects(who, lower, Some(&[org.branches[0]]))
            .await
            .unwrap()
            .into_iter()
            .filter(|s| {
                s.participation == kiemdiem_rules::eligibility::Participation::ReviewAndClassify
            })
            .map(|s| s.id)
            .collect();
        assert!(!members.is_empty() && members.iter().all(|m| ids.contains(m)));
    }

    // ── A subject the superior plan has already worked on stays there: the lower plan cannot
    // take its subtree over, and says who.
    let dq = plan(&app, who, org.district, 2025, Period::Quarter(4)).await;
    app.open_plan(who, dq.id, dq.version).await.unwrap();
    let binh = app
        .subjects(who, dq.id, Some(&[org.branches[0]]))
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.member == Some(org.members[0][1]))
        .unwrap();
    app.save_self_review(
        &actor("binh"),
        binh.id,
        0,
        BTreeMap::from([("A.I".to_owned(), "Kết quả quý IV".to_owned())]),
    )
    .await
    .unwrap();
    let gq = plan(
        &app,
        &grassroots_office,
        org.grassroots,
        2025,
        Period::Quarter(4),
    )
    .await;
    let refused = app
        .open_plan(&grassroots_office, gq.id, gq.version)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "conflict", "{}", refused.message());
    assert!(
        refused.message().contains("Trần Văn Bình"),
        "{}",
        refused.message()
    );
    assert_eq!(app.plan(who, gq.id).await.unwrap().status, "draft");
    assert_eq!(
        shapes(&app, who, dq.id).await.len(),
        whole.len(),
        "the refused opening changed nothing"
    );
}

/// A lower plan inherits the superior plan's rule set and local layer: it may add a local layer
/// where the superior has none, never pin other rules or replace the superior's layer.
async fn a_lower_plan_keeps_the_superior_rules(db: &TestDb) {
    let org = build(&db.store, &[official("Nguyễn Văn An")], &[]).await;
    let app = app(db);
    let district = actor("bantochuc.huyen");
    let grassroots = actor("bithu.dangbo");
    app.create_plan(
        &district,
        NewPlan {
            org: org.district,
            year: 2019,
            local_layer: Some("seed003-huyen-2019".into()),
            ..NewPlan::default()
        },
    )
    .await
    .unwrap();
    let other_rules = app
        .create_plan(
            &grassroots,
            NewPlan {
                org: org.grassroots,
                year: 2019,
                rule_set: Some(RuleSetId::Qd366Hd43),
                ..NewPlan::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(other_rules.field(), Some("rule_set"), "{other_rules:?}");
    let other_layer = app
        .create_plan(
            &grassroots,
            NewPlan {
                org: org.grassroots,
                year: 2019,
                local_layer: Some("seed004-nghe-an-2022".into()),
                ..NewPlan::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(other_layer.field(), Some("local_layer"), "{other_layer:?}");
    let inherited = app
        .create_plan(
            &grassroots,
            NewPlan {
                org: org.grassroots,
                year: 2019,
                ..NewPlan::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(inherited.rule_set, RuleSetId::Qd132Hd21);
    assert_eq!(inherited.local_layer.as_deref(), Some("seed003-huyen-2019"));

    // Without a layer above, a lower plan may add its own.
    app.create_plan(
        &district,
        NewPlan {
            org: org.district,
            year: 2020,
            ..NewPlan::default()
        },
    )
    .await
    .unwrap();
    let own_layer = app
        .create_plan(
            &grassroots,
            NewPlan {
                org: org.grassroots,
                year: 2020,
                local_layer: Some("seed000-so-gtvt-2020".into()),
                ..NewPlan::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        own_layer.local_layer.as_deref(),
        Some("seed000-so-gtvt-2020")
    );
}
