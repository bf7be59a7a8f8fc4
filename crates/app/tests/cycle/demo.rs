//! The demo cycle behind `kiemdiem serve --demo` runs on a fresh database and leaves a plan with
//! reviews, a closed ballot and decisions in it.

use crate::support::{TestDb, actor, on_both_backends};
use kiemdiem_app::App;
use time::macros::date;

on_both_backends!(demo_cycle_has_something_to_show);

async fn demo_cycle_has_something_to_show(db: &TestDb) {
    let today = date!(2026 - 12 - 14);
    let cycle = kiemdiem_app::demo::demo_cycle(&db.store, today)
        .await
        .unwrap();
    assert!(cycle.data.members > 5_000, "{:?}", cycle.data);
    assert_eq!(cycle.plan.year, 2026);
    assert!(cycle.self_reviews > 10 && cycle.reviewed > 5, "{cycle:?}");
    assert!(cycle.decided > 0, "{cycle:?}");
    let app = App::with_today(db.store.clone(), today);
    let progress = app.progress(&actor("demo"), cycle.plan.id).await.unwrap();
    let root = &progress[0];
    assert!(root.subjects > 5_000);
    assert_eq!(root.decision.done, cycle.decided);
    assert!(app.verify_audit(&actor("demo")).await.unwrap().is_intact());
}
