//! An organisation merged during the year is evaluated on its results before and after the
//! change (seed 003 §B.6): opening the plan records both periods, their task results are entered
//! separately and the rules see their sum.

use crate::support::{TestDb, YEAR, actor, app, build, official, on_both_backends, open_year_plan};
use kiemdiem_app::plan::NewPlan;
use kiemdiem_rules::OrgKind;
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_store::org::{MergeTarget, NewOrg, SplitPart};
use time::macros::date;

on_both_backends!(
    merged_branch_has_two_periods,
    a_branch_split_then_merged_has_a_period_between_the_changes
);

async fn merged_branch_has_two_periods(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường")],
    )
    .await;
    let mut tx = db.store.begin("tester").await.unwrap();
    tx.merge_orgs(
        &[org.branches[1]],
        &MergeTarget::Existing(org.branches[0]),
        date!(2025 - 07 - 01),
        "Sáp nhập hai chi bộ",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let app = app(db);
    let who = actor("bithu");
    let (_, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let branch = subjects
        .iter()
        .find(|s| s.org == Some(org.branches[0]))
        .unwrap();
    let parts = app.parts(&who, branch.id).await.unwrap();
    assert_eq!(
        parts.iter().map(|p| p.kind.as_str()).collect::<Vec<_>>(),
        ["before_change", "after_change"]
    );
    assert_eq!(parts[0].to_on, Some(date!(2025 - 07 - 01)));
    let before = app
        .side_by_side(&who, branch.id)
        .await
        .unwrap()
        .classification
        .unwrap();
    assert!(
        before
            .findings
            .iter()
            .any(|f| f.citation.rule.ends_with("tasks.missing")),
        "{before:?}"
    );
    for part in &parts {
        app.record_part_results(
            &who,
            branch.id,
            part.seq,
            part.version,
            TaskResults {
                assigned: 5,
                completed: 5,
                on_time: 5,
                exceeded: 2,
            },
        )
        .await
        .unwrap();
    }
    let stale = app
        .record_part_results(
            &who,
            branch.id,
            1,
            parts[0].version,
            TaskResults {
                assigned: 5,
                completed: 5,
                on_time: 5,
                exceeded: 2,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(stale.code(), "stale_version");
    let after = app
        .side_by_side(&who, branch.id)
        .await
        .unwrap()
        .classification
        .unwrap();
    assert!(
        !after
            .findings
            .iter()
            .any(|f| f.citation.rule.ends_with("tasks.missing")),
        "{after:?}"
    );
}

/// A branch that split part of itself off in April and took another branch in in September is
/// evaluated on three periods; the new branch on its share before and after the split.
async fn a_branch_split_then_merged_has_a_period_between_the_changes(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường")],
    )
    .await;
    let mut tx = db.store.begin("tester").await.unwrap();
    let new_branches = tx
        .split_org(
            org.branches[0],
            &[SplitPart {
                org: NewOrg {
                    code: "T.01.001.03".into(),
                    name: "Chi bộ thôn Nà Pàn 2".into(),
                    kind: OrgKind::SubordinateBranch,
                    has_committee: false,
                    founded_on: date!(2025 - 04 - 01),
                    parent: Some(org.grassroots),
                },
                children: vec![],
                members: vec![org.members[0][1]],
            }],
            date!(2025 - 04 - 01),
            false,
            "Tách chi bộ",
        )
        .await
        .unwrap();
    tx.merge_orgs(
        &[org.branches[1]],
        &MergeTarget::Existing(org.branches[0]),
        date!(2025 - 09 - 01),
        "Sáp nhập chi bộ trường",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let app = app(db);
    let who = actor("bithu");
    let (_, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let parts_of = |org_id| {
        let subject = subjects.iter().find(|s| s.org == Some(org_id)).unwrap().id;
        let app = app.clone();
        let who = who.clone();
        async move { app.parts(&who, subject).await.unwrap() }
    };
    let kept = parts_of(org.branches[0]).await;
    assert_eq!(
        kept.iter()
            .map(|p| (p.kind.as_str(), p.from_on, p.to_on))
            .collect::<Vec<_>>(),
        [
            (
                "before_change",
                Some(date!(2025 - 01 - 01)),
                Some(date!(2025 - 04 - 01))
            ),
            (
                "after_change",
                Some(date!(2025 - 04 - 01)),
                Some(date!(2025 - 09 - 01))
            ),
            (
                "after_change",
                Some(date!(2025 - 09 - 01)),
                Some(date!(2025 - 12 - 31))
            ),
        ]
    );
    assert!(kept[1].label.contains("chia tách") && kept[1].label.contains("sáp nhập"));
    let split_off = parts_of(new_branches[0]).await;
    assert_eq!(
        split_off
            .iter()
            .map(|p| p.kind.as_str())
            .collect::<Vec<_>>(),
        ["before_change", "after_change"]
    );
}

/// An in-memory SQLite database has a single connection: opening a plan cannot read members on a
/// second one and reads them on the writing transaction instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_a_plan_works_on_an_in_memory_database() {
    let store = kiemdiem_store::Store::open("sqlite::memory:")
        .await
        .unwrap();
    let org = build(
        &store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường")],
    )
    .await;
    let app = kiemdiem_app::App::with_today(store.clone(), crate::support::TODAY);
    let who = actor("bithu");
    let plan = app
        .create_plan(
            &who,
            NewPlan {
                org: org.grassroots,
                year: YEAR,
                ..NewPlan::default()
            },
        )
        .await
        .unwrap();
    let report = app.open_plan(&who, plan.id, plan.version).await.unwrap();
    assert_eq!(report.subjects, 6, "{report:?}");
}
