//! Demo data: deterministic for a seed, plausible in shape.

use crate::support::{conformance, day};
use kiemdiem_store::Store;
use kiemdiem_store::demo::{DemoOptions, DemoScale, DemoSummary, generate};
use std::collections::HashMap;

conformance!(same_seed_same_data);

const TINY: DemoScale = DemoScale {
    provinces: 2,
    uppers_per_province: 2,
    grassroots_per_upper: 4,
    branches_per_committee: (2, 4),
    members_per_branch: (3, 12),
};

/// The data as the app would read it, without the write stamps.
async fn snapshot(store: &Store, on: time::Date) -> Vec<String> {
    let mut tx = store.read().await.unwrap();
    let orgs = tx.orgs_as_of(on).await.unwrap();
    let codes: HashMap<_, _> = orgs.iter().map(|o| (o.id, o.code.clone())).collect();
    let mut lines = Vec::new();
    for org in &orgs {
        let parent = org.parent_id.map(|p| codes[&p].clone()).unwrap_or_default();
        lines.push(format!(
            "{} {} {} {} {} {}",
            org.id,
            org.code,
            org.name,
            org.kind.code(),
            parent,
            org.founded_on
        ));
        if org.parent_id.is_none() {
            for m in tx.members_of_subtree(org.id, on).await.unwrap() {
                let d = &m.member.details;
                lines.push(format!(
                    "{} {} {} {} {:?} {}",
                    m.member.code,
                    d.full_name,
                    d.birth_date,
                    d.admitted_on,
                    d.official_on,
                    codes[&m.branch_id]
                ));
                for p in tx
                    .positions_of(kiemdiem_store::leadership::Holder::Member(m.member.id), on)
                    .await
                    .unwrap()
                {
                    lines.push(format!("  {} {}", p.kind.code(), p.title));
                }
                for s in tx.statuses(m.member.id).await.unwrap() {
                    lines.push(format!("  {} {}", s.kind.code(), s.valid_from));
                }
            }
        }
    }
    lines
}

async fn same_seed_same_data(store: &Store) {
    let today = day("01/12/2025");
    let options = DemoOptions {
        scale: TINY,
        seed: 7,
        today,
    };
    let summary = generate(store, &options, &|_, _| {}).await.unwrap();
    assert_eq!(
        summary.orgs as usize,
        store
            .read()
            .await
            .unwrap()
            .orgs_as_of(today)
            .await
            .unwrap()
            .len()
    );
    assert!(
        summary.members > 50 && summary.branches >= 16 && summary.grassroots == 16,
        "{summary:?}"
    );
    assert!(
        summary.positions > 0 && summary.collectives > 0 && summary.transfers > 0,
        "{summary:?}"
    );
    let first = snapshot(store, today).await;

    // A second database with the same seed holds the same data.
    let other = crate::support::TestDb::sqlite().await;
    let again: DemoSummary = generate(&other.store, &options, &|_, _| {}).await.unwrap();
    assert_eq!(summary, again);
    assert_eq!(first, snapshot(&other.store, today).await);
    other.finish().await;

    // Another seed, other data.
    let third = crate::support::TestDb::sqlite().await;
    generate(
        &third.store,
        &DemoOptions { seed: 8, ..options },
        &|_, _| {},
    )
    .await
    .unwrap();
    assert_ne!(first, snapshot(&third.store, today).await);
    third.finish().await;

    // A database with data is refused.
    let error = generate(store, &options, &|_, _| {}).await.unwrap_err();
    assert!(error.to_string().contains("đã có dữ liệu"), "{error}");
}
