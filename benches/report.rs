//! Time of the summary reports on the demo data with a decided plan. Not a test: run with
//!
//! ```text
//! KIEMDIEM_BENCH_SCALE=province cargo bench --bench report
//! KIEMDIEM_BENCH_SCALE=national KIEMDIEM_BENCH_PG=postgres://… cargo bench --bench report
//! ```
//!
//! `KIEMDIEM_BENCH_SCALE` is `district`, `province` (default) or `national`; SQLite runs on a
//! temporary file unless `KIEMDIEM_BENCH_SQLITE=0`, PostgreSQL when `KIEMDIEM_BENCH_PG` names a
//! database (a throw-away schema is created and dropped, unless `KIEMDIEM_BENCH_PG_SCHEMA`
//! names one an interrupted run left: it is then reused as it is and kept). `KIEMDIEM_BENCH_KEEP=FILE` keeps the
//! SQLite database in FILE instead, and a later run finding FILE reuses it (its plans already
//! opened and decided; pending migrations run on opening) — a national database takes minutes to
//! build. `KIEMDIEM_BENCH_LOG=sqlx::query=debug` prints every statement with its time. Every root of the demo tree (a
//! province) gets its year's plan, opened, and every classified subject is given a level straight
//! in the database (a decided plan without replaying a national year of sittings; levels spread
//! by the length of the name: about 10 % HTXSNV, 60 % HTTNV, 25 % HTNV, 5 % KHTNV).
//!
//! Measured, over every root (the national summary is the roots' summaries):
//! 1. the summary report from scratch (`App::report_summary`: the subtree's kept counts added
//!    up per direct child and per quota group, the KHTNV list, the cross-check against each
//!    plan's subjects counted, the previous year);
//! 2. next to it, one hand-written SQL roll-up of the same counts (closure × subjects grouped by
//!    ancestor, `Tx::report_rollup_sql`);
//! 3. the roll-up built once, then one branch's decisions changed and its path updated
//!    (`Rollup::refresh_units`), five times in turn (median, fastest, slowest);
//! 4. the first province's summary as .xlsx, and one member's self-review form as PDF.
//!    Targets (issue 12): from scratch under 5 s on SQLite and within 2× the SQL roll-up; a
//!    path updated in under 50 ms; a province's xlsx and a member's PDF under 1 s each.

use kiemdiem_app::paper::{PaperKind, PaperTarget};
use kiemdiem_app::plan::NewPlan;
use kiemdiem_app::{Actor, App};
use kiemdiem_store::Store;
use kiemdiem_store::cycle::report::ReportScope;
use kiemdiem_store::demo::{DemoOptions, DemoScale, generate};
use std::time::Instant;
use time::macros::date;
use uuid::Uuid;

fn main() {
    // `KIEMDIEM_BENCH_LOG=sqlx::query=debug` prints every statement with its time.
    if let Ok(filter) = std::env::var("KIEMDIEM_BENCH_LOG") {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .init();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let scale_name = std::env::var("KIEMDIEM_BENCH_SCALE").unwrap_or_else(|_| "province".into());
    let scale = DemoScale::parse(&scale_name)
        .expect("KIEMDIEM_BENCH_SCALE: district, province or national");
    runtime.block_on(async {
        if std::env::var("KIEMDIEM_BENCH_SQLITE").as_deref() != Ok("0") {
            let dir = tempfile::tempdir().expect("temporary directory");
            let (file, reuse) = match std::env::var("KIEMDIEM_BENCH_KEEP") {
                Ok(kept) => {
                    let path = std::path::PathBuf::from(kept);
                    let reuse = path.exists();
                    (path, reuse)
                }
                Err(_) => (dir.path().join("bench.db"), false),
            };
            let url = format!("sqlite://{}", file.display());
            run("SQLite", &url, &scale_name, scale, reuse).await;
        }
        if let Ok(base) = std::env::var("KIEMDIEM_BENCH_PG") {
            // `KIEMDIEM_BENCH_PG_SCHEMA` names a schema a run kept (it is then reused and kept);
            // otherwise a throw-away one is created, then dropped.
            let kept = std::env::var("KIEMDIEM_BENCH_PG_SCHEMA").ok();
            let schema = kept
                .clone()
                .unwrap_or_else(|| format!("bench_{}", Uuid::now_v7().simple()));
            if kept.is_none() {
                admin(&base, &format!("CREATE SCHEMA {schema}")).await;
            }
            let separator = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{separator}options[search_path]={schema}");
            run("PostgreSQL", &url, &scale_name, scale, kept.is_some()).await;
            if kept.is_none() {
                admin(&base, &format!("DROP SCHEMA {schema} CASCADE")).await;
            }
        }
    });
}

/// Gives every classified subject of `year`'s plans a level, and `branch`'s subjects (when
/// given) another one.
async fn decide_all(url: &str, branch: Option<Uuid>) {
    let spread = "CASE WHEN LENGTH(name) % 20 < 2 THEN 'HTXSNV' WHEN LENGTH(name) % 20 < 14 THEN 'HTTNV' \
         WHEN LENGTH(name) % 20 < 19 THEN 'HTNV' ELSE 'KHTNV' END";
    let (sql, bind) = match branch {
        None => (
            format!(
                "UPDATE subjects SET stage = 'decided', level = {spread} \
                 WHERE participation = 'review_and_classify' AND stage <> 'excluded'"
            ),
            None,
        ),
        Some(branch) => (
            "UPDATE subjects SET level = CASE WHEN level = 'HTTNV' THEN 'HTNV' ELSE 'HTTNV' END \
             WHERE unit_id = $1 AND level IS NOT NULL"
                .to_owned(),
            Some(branch),
        ),
    };
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.expect("connect");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(id) = bind {
            q = q.bind(id);
        }
        q.execute(&pool).await.expect("decide");
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.expect("connect");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(id) = bind {
            q = q.bind(id);
        }
        q.execute(&pool).await.expect("decide");
        pool.close().await;
    }
    // Rewriting every subject at once leaves a WAL of gigabytes (SQLite) or a table to vacuum
    // (PostgreSQL): settled as a server would be while a real year's decisions trickled in.
    if branch.is_none() {
        kiemdiem_testdb::settle(url).await;
    }
}

async fn run(backend: &str, url: &str, scale_name: &str, scale: DemoScale, reuse: bool) {
    let today = date!(2026 - 12 - 20);
    let started = Instant::now();
    let store = Store::open(url).await.expect("open store");
    if reuse {
        eprintln!(
            "{backend} {scale_name}: kept database reused (opened, migrations run, in {:.1} s)",
            started.elapsed().as_secs_f64()
        );
    } else {
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
    let mut plans = Vec::new();
    let started = Instant::now();
    let mut subjects = 0;
    if reuse {
        for root in &roots {
            let plan = app
                .report_plan(&actor, root.id, 2026)
                .await
                .expect("the kept database's plan");
            subjects += plan.subjects_count.max(0) as u64;
            plans.push(plan);
        }
    }
    for root in roots.iter().filter(|_| !reuse) {
        let plan = app
            .create_plan(
                &actor,
                NewPlan {
                    org: root.id,
                    year: 2026,
                    ..NewPlan::default()
                },
            )
            .await
            .expect("create plan");
        subjects += app
            .open_plan(&actor, plan.id, plan.version)
            .await
            .expect("open plan")
            .subjects;
        plans.push(plan);
    }
    if !reuse {
        decide_all(url, None).await;
    }
    eprintln!(
        "{backend}: {} plans, {subjects} subjects opened and decided in {:.1} s",
        plans.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "report {backend} {scale_name}: {subjects} subjects kept as {} count rows (subject_counts)",
        count_rows(url).await
    );

    // 1. From scratch.
    let started = Instant::now();
    let mut rated = 0;
    for root in &roots {
        let report = app
            .report_summary(&actor, root.id, 2026)
            .await
            .expect("summary");
        assert!(report.summary.cross_check.balanced);
        rated += report.summary.total.rated;
    }
    let scratch = started.elapsed().as_secs_f64();
    println!(
        "report {backend} {scale_name}: summary from scratch of {} roots ({rated} rated) in {scratch:.2} s (target < 5 s on SQLite)",
        roots.len()
    );

    // 2. The hand-written SQL roll-up.
    let started = Instant::now();
    let mut rows = 0;
    for (root, plan) in roots.iter().zip(&plans) {
        let mut tx = store.read().await.expect("read");
        rows += tx
            .report_rollup_sql(&ReportScope {
                root: root.id,
                on: plan.review_date,
                year: 2026,
                period_kind: "year",
                period_no: 0,
            })
            .await
            .expect("SQL roll-up")
            .len();
    }
    let sql = started.elapsed().as_secs_f64();
    println!(
        "report {backend} {scale_name}: hand-written SQL roll-up ({rows} rows) in {sql:.2} s; summary / SQL = {:.2} (target ≤ 2)",
        scratch / sql
    );

    // 3. One branch changes: its path is updated.
    let root = &roots[0];
    let started = Instant::now();
    let mut rollup = app
        .report_rollup(&actor, root.id, 2026)
        .await
        .expect("roll-up");
    let built = started.elapsed().as_secs_f64();
    let mut tx = store.read().await.expect("read");
    let branch = tx
        .org_subtree(root.id, today)
        .await
        .expect("subtree")
        .into_iter()
        .rfind(|n| n.org.kind.is_branch())
        .expect("a branch")
        .org
        .id;
    drop(tx);
    // Five changes in turn (the branch's levels swapped back and forth), each committed by
    // another connection and its path then updated: the first read after a commit finds its
    // connection's page cache stale, and the store's checkpointer may be at work, so one
    // figure alone says little.
    let mut paths = Vec::new();
    for _ in 0..5 {
        let before = rollup.node(root.id);
        decide_all(url, Some(branch)).await;
        let started = Instant::now();
        let mut tx = store.read().await.expect("read");
        rollup
            .refresh_units(&mut tx, &[branch])
            .await
            .expect("refresh");
        drop(tx);
        paths.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_ne!(before, rollup.node(root.id), "the change reached the root");
    }
    paths.sort_by(f64::total_cmp);
    println!(
        "report {backend} {scale_name}: roll-up of the first root built in {built:.2} s; one branch's decisions changed, path updated in {:.1} ms (median of 5; fastest {:.1} ms, slowest {:.1} ms; target < 50 ms)",
        paths[2], paths[0], paths[4]
    );

    // 4. A province's xlsx; one member's PDF.
    let started = Instant::now();
    let paper = app
        .paper(
            &actor,
            PaperKind::Summary,
            PaperTarget::Org {
                org: root.id,
                year: 2026,
            },
        )
        .await
        .expect("summary paper");
    let paper_time = started.elapsed().as_secs_f64();
    let xlsx = kiemdiem_export::xlsx(&paper).expect("xlsx");
    let xlsx_time = started.elapsed().as_secs_f64();
    let member = app
        .subjects(&actor, plans[0].id, Some(&[branch]))
        .await
        .expect("subjects")
        .into_iter()
        .find(|s| s.kind.is_member())
        .expect("a member");
    let started = Instant::now();
    let paper = app
        .paper(
            &actor,
            PaperKind::ScoreSheet,
            PaperTarget::Subject(member.id),
        )
        .await;
    // The demo's members have not self-evaluated: the decision of their branch stands in.
    let paper = match paper {
        Ok(paper) => paper,
        Err(_) => app
            .paper(
                &actor,
                PaperKind::MemberDecision,
                PaperTarget::Org {
                    org: branch,
                    year: 2026,
                },
            )
            .await
            .expect("decision paper"),
    };
    let pdf = kiemdiem_pdf::pdf(&paper).expect("pdf");
    let pdf_time = started.elapsed().as_secs_f64();
    println!(
        "report {backend} {scale_name}: province summary .xlsx ({} kB) in {xlsx_time:.2} s (summary and paper {paper_time:.2} s, workbook {:.2} s); a branch's decision .pdf ({} kB) in {pdf_time:.3} s (targets < 1 s)",
        xlsx.len() / 1024,
        xlsx_time - paper_time,
        pdf.len() / 1024
    );
    store.close().await;
}

/// The rows of `subject_counts` (what a summary sums instead of the subjects).
async fn count_rows(url: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM subject_counts";
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.expect("connect");
        let n = sqlx::query_scalar(sql)
            .fetch_one(&pool)
            .await
            .expect("count");
        pool.close().await;
        n
    } else {
        let pool = sqlx::PgPool::connect(url).await.expect("connect");
        let n = sqlx::query_scalar(sql)
            .fetch_one(&pool)
            .await
            .expect("count");
        pool.close().await;
        n
    }
}

async fn admin(url: &str, statement: &str) {
    let pool = sqlx::PgPool::connect(url)
        .await
        .expect("connect to KIEMDIEM_BENCH_PG");
    sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
        .execute(&pool)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
    pool.close().await;
}
