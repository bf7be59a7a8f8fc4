//! An organisation merged during the year is evaluated on its results before and after the
//! change (seed 003 §B.6): opening the plan records both periods, their task results are entered
//! separately and the rules see their sum.

use crate::support::{TestDb, YEAR, actor, app, build, official, on_both_backends};
use kiemdiem_app::plan::NewPlan;
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_store::org::MergeTarget;
use time::macros::date;

on_both_backends!(merged_branch_has_two_periods);

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
    app.open_plan(&who, plan.id, plan.version).await.unwrap();
    let subjects = app.subjects(&who, plan.id, None).await.unwrap();
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
