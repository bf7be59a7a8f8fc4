//! Time to open a plan — create every subject's record with eligibility decided — on the demo
//! data. Not a test: run with
//!
//! ```text
//! KIEMDIEM_BENCH_SCALE=province cargo bench -p kiemdiem-app --bench open_plan
//! KIEMDIEM_BENCH_SCALE=national KIEMDIEM_BENCH_PG=postgres://… cargo bench -p kiemdiem-app --bench open_plan
//! ```
//!
//! `KIEMDIEM_BENCH_SCALE` is `district`, `province` (default) or `national`; SQLite runs on a
//! temporary file unless `KIEMDIEM_BENCH_SQLITE=0`, PostgreSQL when `KIEMDIEM_BENCH_PG` names a
//! database (a throw-away schema is created and dropped). Each root of the demo tree (a province)
//! gets its plan for the year, opened one after the other; the time is the sum. Target: at least
//! 50 000 subjects per second.
//!
//! `KIEMDIEM_BENCH_SQLITE_DB=path.db` and `KIEMDIEM_BENCH_PG_DB=postgres://…` open a database
//! already holding demo data (made by `kiemdiem demo --scale … --database …`) instead of
//! generating it, to measure again without waiting for the national demo; the plans opened stay
//! there (give it a copy, or a year it has no plan for: `KIEMDIEM_BENCH_YEAR`, default 2026).
//! `KIEMDIEM_BENCH_ROOTS=n` opens the plans of the first n roots only.

use kiemdiem_app::plan::NewPlan;
use kiemdiem_app::{Actor, App};
use kiemdiem_store::Store;
use kiemdiem_store::demo::{DemoOptions, DemoScale, generate};
use std::time::Instant;
use time::macros::date;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let scale_name = std::env::var("KIEMDIEM_BENCH_SCALE").unwrap_or_else(|_| "province".into());
    let scale = DemoScale::parse(&scale_name)
        .expect("KIEMDIEM_BENCH_SCALE: district, province or national");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        if let Ok(path) = std::env::var("KIEMDIEM_BENCH_SQLITE_DB") {
            run("SQLite", &format!("sqlite://{path}"), &scale_name, None).await;
        } else if std::env::var("KIEMDIEM_BENCH_SQLITE").as_deref() != Ok("0") {
            run("SQLite", &url, &scale_name, Some(scale)).await;
        }
        if let Ok(url) = std::env::var("KIEMDIEM_BENCH_PG_DB") {
            run("PostgreSQL", &url, &scale_name, None).await;
        } else if let Ok(base) = std::env::var("KIEMDIEM_BENCH_PG") {
            let place = kiemdiem_testdb::TestUrl::postgres_in(&base).await;
            run("PostgreSQL", &place.url, &scale_name, Some(scale)).await;
            place.remove().await;
        }
    });
}

/// Opens every root's plan; generates the demo data first unless `scale` is `None` (the
/// database already holds it).
async fn run(backend: &str, url: &str, scale_name: &str, scale: Option<DemoScale>) {
    let today = date!(2026 - 11 - 20);
    let store = Store::open(url).await.expect("open store");
    let started = Instant::now();
    if let Some(scale) = scale {
        let summary = generate(
            &store,
            &DemoOptions {
                scale,
                seed: 7,
                today,
            },
            &|_, _| {},
        )
        .await
        .expect("demo data");
        eprintln!(
            "{backend} {scale_name}: demo of {} members, {} organisations loaded in {:.1} s",
            summary.members,
            summary.orgs,
            started.elapsed().as_secs_f64()
        );
        // A plan is opened long after its data was loaded: let PostgreSQL finish with the load
        // (visibility map, statistics, dirty pages) before the clock starts, rather than measure
        // its autovacuum and checkpoint.
        if backend == "PostgreSQL" {
            settle(url).await;
        }
    }
    let app = App::with_today(store.clone(), today);
    let actor = Actor::trusted("bench");
    let mut tx = store.read().await.expect("read");
    let roots: Vec<_> = tx
        .orgs_as_of(today)
        .await
        .expect("orgs")
        .into_iter()
        .filter(|o| o.parent_id.is_none())
        .collect();
    drop(tx);
    let limit = std::env::var("KIEMDIEM_BENCH_ROOTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    let year = std::env::var("KIEMDIEM_BENCH_YEAR")
        .ok()
        .and_then(|y| y.parse().ok())
        .unwrap_or(2026);
    let mut subjects = 0;
    let started = Instant::now();
    for root in roots.into_iter().take(limit) {
        let plan = app
            .create_plan(
                &actor,
                NewPlan {
                    org: root.id,
                    year,
                    ..NewPlan::default()
                },
            )
            .await
            .expect("create plan");
        let report = app
            .open_plan(&actor, plan.id, plan.version)
            .await
            .expect("open plan");
        subjects += report.subjects;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "open_plan {backend} {scale_name}: {subjects} subjects in {seconds:.2} s = {:.0} subjects/s (target ≥ 50 000)",
        subjects as f64 / seconds
    );
    store.close().await;
}

/// Vacuums and analyses the freshly loaded database, then asks for a checkpoint (which needs a
/// privileged user: skipped, with a note, when refused).
async fn settle(url: &str) {
    let started = Instant::now();
    let pool = sqlx::PgPool::connect(url)
        .await
        .expect("connect to KIEMDIEM_BENCH_PG");
    sqlx::query("VACUUM (ANALYZE)")
        .execute(&pool)
        .await
        .expect("VACUUM (ANALYZE)");
    if let Err(error) = sqlx::query("CHECKPOINT").execute(&pool).await {
        eprintln!("CHECKPOINT refused ({error}): measured with the load's pages still dirty");
    }
    pool.close().await;
    eprintln!(
        "PostgreSQL: vacuumed and checkpointed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
