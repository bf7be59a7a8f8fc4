//! A subject belongs to exactly one plan of a period — the lowest opened plan covering it, or
//! the superior plan that decided it: a superior plan opened first hands its lower plan's subtree
//! over when that plan opens (even once the superior has started: what was worked on moves down
//! with its work, what was decided stays), a lower plan opened first keeps its subtree when the
//! superior opens, either order ends the same, and progress counts every subject once at every
//! level.

use crate::support::{TestDb, actor, app, build, meet, official, on_both_backends};
use kiemdiem_app::plan::{NewPlan, Period, Subject};
use kiemdiem_app::{Actor, App};
use kiemdiem_rules::RuleSetId;
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

    // ── The district's quarterly plan has started when the grassroots opens its own: a subject
    // worked on there (Bình's draft) moves down with its work, one already decided (branch 2)
    // stays with the plan that decided it, the others are created again under the lower plan.
    let dq = plan(&app, who, org.district, 2025, Period::Quarter(4)).await;
    app.open_plan(who, dq.id, dq.version).await.unwrap();
    let whole_q = shapes(&app, who, dq.id).await;
    let held = app.subjects(who, dq.id, None).await.unwrap();
    let binh = held
        .iter()
        .find(|s| s.member == Some(org.members[0][1]))
        .unwrap()
        .clone();
    let branch2 = held
        .iter()
        .find(|s| s.org == Some(org.branches[1]))
        .unwrap()
        .clone();
    let form = app.self_review_form(who, binh.id).await.unwrap();
    let draft = app
        .save_self_review(
            &actor("binh"),
            binh.id,
            0,
            form.sections
                .iter()
                .map(|s| (s.code.to_owned(), "Kết quả quý IV".to_owned()))
                .collect(),
        )
        .await
        .unwrap();
    write_submit_and_score(&app, &branch2).await;
    meet(
        &app,
        dq.id,
        org.branches[1],
        &[&branch2],
        time::macros::date!(2025 - 12 - 10),
    )
    .await;
    let version = app.subject(who, branch2.id).await.unwrap().version;
    app.decide(
        &actor("danguy.xa"),
        branch2.id,
        kiemdiem_app::evaluation::DecisionInput {
            version,
            level: Some(kiemdiem_rules::Level::Httnv),
            reason: Some("Quyết định của Đảng ủy xã quý IV".into()),
            ..Default::default()
        },
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
    let opened = app
        .open_plan(&grassroots_office, gq.id, gq.version)
        .await
        .unwrap();
    assert_eq!(
        (opened.moved, opened.kept_by_superior),
        (1, 1),
        "{opened:?}"
    );
    let (upper_q, lower_q) = (
        shapes(&app, who, dq.id).await,
        shapes(&app, who, gq.id).await,
    );
    assert!(upper_q.is_disjoint(&lower_q), "no subject in two plans");
    assert_eq!(
        upper_q.union(&lower_q).cloned().collect::<BTreeSet<_>>(),
        whole_q,
        "nothing lost, nothing twice"
    );
    let moved = app.subject(who, binh.id).await.unwrap();
    assert_eq!(moved.plan, gq.id, "the same record, now in the lower plan");
    let kept = app.self_review(who, binh.id).await.unwrap().unwrap();
    assert_eq!(kept.version, draft.version, "the draft went with her");
    let decided = app.subject(who, branch2.id).await.unwrap();
    assert_eq!(
        (decided.plan, decided.level),
        (dq.id, Some(kiemdiem_rules::Level::Httnv))
    );
    assert_eq!(
        app.meetings(who, dq.id).await.unwrap().len(),
        1,
        "the meeting that decided branch 2 stays with it"
    );
    let gq_now = app.plan(who, gq.id).await.unwrap();
    assert_eq!(gq_now.subjects_count as usize, lower_q.len());
    assert_eq!(
        app.plan(who, dq.id).await.unwrap().subjects_count as usize,
        upper_q.len()
    );
    // Progress at both levels counts every subject of the subtree once, wherever it is held.
    let lower_progress = app.progress(who, gq.id).await.unwrap();
    assert_eq!(lower_progress[0].subjects as usize, lower_q.len() + 1);
    assert_eq!(
        lower_progress[0].decision.done, 1,
        "branch 2, decided above"
    );
    let upper_progress = app.progress(who, dq.id).await.unwrap();
    let district = upper_progress
        .iter()
        .find(|n| n.org == org.district)
        .unwrap();
    assert_eq!(district.subjects as usize, whole_q.len());
    let pending = app
        .pending_subjects(who, gq.id, org.branches[0])
        .await
        .unwrap();
    assert!(pending.iter().any(|p| p.subject == binh.id), "{pending:?}");
    // Publishing the district's plan publishes what it holds, never the lower plan's.
    let dq_now = app.plan(who, dq.id).await.unwrap();
    let published = app.publish(who, dq.id, dq_now.version).await.unwrap();
    assert_eq!(published.published, 1);
    assert_eq!(app.plan(who, gq.id).await.unwrap().status, "open");
}

/// Self-review submitted and self-evaluated at 85 points on the subject's own form and framework
/// (a quarterly plan's form is Mẫu 05).
async fn write_submit_and_score(app: &App, subject: &Subject) {
    let who = actor("self");
    let form = app.self_review_form(&who, subject.id).await.unwrap();
    let draft = app
        .save_self_review(
            &who,
            subject.id,
            0,
            form.sections
                .iter()
                .map(|s| (s.code.to_owned(), format!("{} — {}", subject.name, s.title)))
                .collect(),
        )
        .await
        .unwrap();
    let day = time::macros::date!(2025 - 12 - 01);
    app.submit_self_review(&who, subject.id, draft.version, day, Some(day))
        .await
        .unwrap();
    app.self_evaluate(
        &who,
        subject.id,
        0,
        kiemdiem_app::evaluation::SelfEvaluation {
            input: crate::support::points(subject.framework.as_deref().unwrap(), 85),
            tasks: Some(kiemdiem_rules::facts::TaskResults {
                assigned: 10,
                completed: 10,
                on_time: 10,
                exceeded: 1,
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
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
