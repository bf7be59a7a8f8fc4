//! Benchmark (not a test) of the store on SQLite and PostgreSQL: members imported per second
//! from CSV, the same rows through a bare bulk insert, the database size, and the time of
//! "all members of the subtree of X as of D" for a province and for a branch.
//!
//! `cargo bench -p kiemdiem-store`. Environment:
//! - `KIEMDIEM_BENCH_SCALE` = `district` | `province` (default) | `national`;
//! - `KIEMDIEM_BENCH_PG` = a PostgreSQL server URL (default: `KIEMDIEM_TEST_PG`); when set, a
//!   throw-away database is created on it for each run and dropped afterwards;
//! - `KIEMDIEM_BENCH_BACKENDS` = `sqlite`, `postgres` or `sqlite,postgres` (default: all available).

use indicatif::ProgressBar;
use kiemdiem_store::Store;
use kiemdiem_store::bulk::MemberLoad;
use kiemdiem_store::demo::{DemoOptions, DemoScale, generate};
use kiemdiem_store::import::{ImportOptions, import_members};
use kiemdiem_store::people::MemberDetails;
use std::path::Path;
use std::time::{Duration, Instant};
use time::Date;
use time::macros::date;
use uuid::Uuid;

const TODAY: Date = date!(2025 - 12 - 01);

fn main() {
    let scale_name = std::env::var("KIEMDIEM_BENCH_SCALE").unwrap_or_else(|_| "province".into());
    let scale = DemoScale::parse(&scale_name)
        .expect("KIEMDIEM_BENCH_SCALE: district, province or national");
    let pg = std::env::var("KIEMDIEM_BENCH_PG")
        .or_else(|_| std::env::var("KIEMDIEM_TEST_PG"))
        .ok();
    let wanted =
        std::env::var("KIEMDIEM_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("kiemdiem-store benchmark, scale {scale_name}");
    if wanted.contains("sqlite") {
        runtime.block_on(run_sqlite(scale));
    }
    if wanted.contains("postgres") {
        match &pg {
            Some(url) => runtime.block_on(run_postgres(scale, url)),
            None => println!("postgres: skipped (set KIEMDIEM_BENCH_PG or KIEMDIEM_TEST_PG)"),
        }
    }
}

async fn run_sqlite(scale: DemoScale) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
    run(
        "sqlite",
        scale,
        &url("import.db"),
        &url("bare.db"),
        dir.path(),
    )
    .await;
}

async fn run_postgres(scale: DemoScale, server: &str) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let admin = sqlx::PgPool::connect(server)
        .await
        .expect("connect to PostgreSQL");
    let suffix = Uuid::now_v7().simple().to_string();
    let names = [
        format!("kd_bench_import_{}", &suffix[20..]),
        format!("kd_bench_bare_{}", &suffix[20..]),
    ];
    for name in &names {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .expect("create database");
    }
    let with_db = |name: &str| {
        let (base, query) = server
            .split_once('?')
            .map_or((server, None), |(b, q)| (b, Some(q)));
        let base = base.rsplit_once('/').map_or(base, |(root, _)| root);
        match query {
            Some(q) => format!("{base}/{name}?{q}"),
            None => format!("{base}/{name}"),
        }
    };
    run(
        "postgres",
        scale,
        &with_db(&names[0]),
        &with_db(&names[1]),
        dir.path(),
    )
    .await;
    for name in &names {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {name} WITH (FORCE)"
        )))
        .execute(&admin)
        .await
        .expect("drop database");
    }
}

/// The tree only: the demo generator with no members.
async fn tree(url: &str, scale: DemoScale) -> Store {
    let store = Store::open(url).await.expect("open store");
    let options = DemoOptions {
        scale: DemoScale {
            members_per_branch: (0, 0),
            ..scale
        },
        seed: 1,
        today: TODAY,
    };
    generate(&store, &options, &|_, _| {}).await.expect("tree");
    store
}

/// ~22 members per branch with plausible Vietnamese data, deterministic.
async fn member_rows(store: &Store) -> (Vec<MemberLoad>, Vec<(String, Uuid)>) {
    let mut tx = store.read().await.expect("read");
    let branches: Vec<(String, Uuid)> = tx
        .orgs_as_of(TODAY)
        .await
        .expect("orgs")
        .into_iter()
        .filter(|o| o.kind.is_branch())
        .map(|o| (o.code, o.id))
        .collect();
    let family = [
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ",
    ];
    let middle = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức"];
    let given = [
        "An", "Bình", "Cường", "Dũng", "Đạt", "Hà", "Hằng", "Lan", "Minh", "Nam", "Ánh", "Ước",
        "Yến",
    ];
    let mut rows = Vec::new();
    let mut n: u64 = 0;
    for (index, (_, branch)) in branches.iter().enumerate() {
        for _ in 0..(12 + (index * 7919) % 21) {
            n += 1;
            let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let birth = date!(1950 - 01 - 01) + time::Duration::days((h % 18_000) as i64);
            let admitted = birth + time::Duration::days(18 * 366 + ((h >> 20) % 7000) as i64);
            let admitted = admitted.min(TODAY - time::Duration::days(30));
            rows.push(MemberLoad {
                id: Uuid::now_v7(),
                code: format!("{n:09}"),
                details: MemberDetails {
                    full_name: format!(
                        "{} {} {}",
                        family[(h % 10) as usize],
                        middle[((h >> 8) % 7) as usize],
                        given[((h >> 16) % 13) as usize]
                    ),
                    birth_date: birth,
                    admitted_on: admitted,
                    official_on: Some(admitted + time::Duration::days(365)).filter(|d| *d <= TODAY),
                    civil_servant: h.is_multiple_of(3),
                    employer_unit: if h.is_multiple_of(3) {
                        "Ủy ban nhân dân xã".to_string()
                    } else {
                        String::new()
                    },
                    residence_org: None,
                },
                branch: *branch,
                temporary_branch: None,
                valid_from: admitted,
            });
        }
    }
    (rows, branches)
}

fn write_csv(rows: &[MemberLoad], branches: &[(String, Uuid)], path: &Path) {
    let codes: std::collections::HashMap<Uuid, &str> =
        branches.iter().map(|(c, id)| (*id, c.as_str())).collect();
    let mut writer = csv::Writer::from_path(path).expect("csv");
    writer
        .write_record([
            "Số thẻ đảng viên",
            "Họ và tên",
            "Ngày sinh",
            "Ngày vào Đảng",
            "Ngày chính thức",
            "Mã chi bộ",
            "Công chức, viên chức",
            "Đơn vị công tác",
        ])
        .expect("write");
    for row in rows {
        let d = &row.details;
        writer
            .write_record([
                row.code.as_str(),
                &d.full_name,
                &kiemdiem_store::date::format_vn(d.birth_date),
                &kiemdiem_store::date::format_vn(d.admitted_on),
                &d.official_on
                    .map(kiemdiem_store::date::format_vn)
                    .unwrap_or_default(),
                codes[&row.branch],
                if d.civil_servant { "Có" } else { "Không" },
                &d.employer_unit,
            ])
            .expect("write");
    }
    writer.flush().expect("flush");
}

async fn run(backend: &str, scale: DemoScale, import_url: &str, bare_url: &str, dir: &Path) {
    let started = Instant::now();
    let store = tree(import_url, scale).await;
    let (rows, branches) = member_rows(&store).await;
    let csv_path = dir.join("dang_vien.csv");
    write_csv(&rows, &branches, &csv_path);
    println!(
        "{backend}: tree of {} branches and CSV of {} members prepared in {:.1} s",
        branches.len(),
        rows.len(),
        started.elapsed().as_secs_f64()
    );

    let mut options = ImportOptions::new("bench");
    options.today = TODAY;
    options.effective = TODAY;
    let started = Instant::now();
    let report = import_members(&store, &csv_path, &options, &ProgressBar::hidden())
        .await
        .expect("import");
    let import_time = started.elapsed();
    assert_eq!(report.created, rows.len());
    store.analyze().await.expect("analyze");
    let size = store.size_bytes().await.expect("size");

    let bare = tree(bare_url, scale).await;
    let started = Instant::now();
    let mut tx = bare.begin("bench").await.expect("begin");
    for chunk in rows.chunks(20_000) {
        tx.load_members(chunk).await.expect("bulk insert");
    }
    tx.commit().await.expect("commit");
    let bare_time = started.elapsed();
    bare.close().await;

    let members = rows.len() as f64;
    println!(
        "{backend}: import {} members from CSV in {:.2} s = {:.0} members/s; bare bulk insert of the same rows {:.2} s = {:.0} rows/s; ratio {:.2}",
        rows.len(),
        import_time.as_secs_f64(),
        members / import_time.as_secs_f64(),
        bare_time.as_secs_f64(),
        members / bare_time.as_secs_f64(),
        import_time.as_secs_f64() / bare_time.as_secs_f64()
    );
    println!(
        "{backend}: database size {:.1} MB ({:.0} bytes per member)",
        size as f64 / 1e6,
        size as f64 / members
    );

    // Subtree queries: every province root, and a spread of branches.
    let roots: Vec<Uuid> = {
        let mut tx = store.read().await.expect("read");
        tx.orgs_as_of(TODAY)
            .await
            .expect("orgs")
            .into_iter()
            .filter(|o| o.parent_id.is_none())
            .map(|o| o.id)
            .collect()
    };
    let mut province_times = Vec::new();
    for root in roots.iter().take(3).chain(roots.iter().take(3)) {
        let started = Instant::now();
        let mut tx = store.read().await.expect("read");
        let found = tx.members_of_subtree(*root, TODAY).await.expect("query");
        tx.commit().await.expect("end");
        province_times.push((started.elapsed(), found.len()));
    }
    let (province_time, province_members) = province_times[province_times.len() / 2..]
        .iter()
        .min()
        .copied()
        .unwrap_or_default();
    let mut branch_times = Vec::new();
    for (_, branch) in branches.iter().step_by((branches.len() / 500).max(1)) {
        let started = Instant::now();
        let mut tx = store.read().await.expect("read");
        let found = tx.members_of_subtree(*branch, TODAY).await.expect("query");
        tx.commit().await.expect("end");
        assert!(!found.is_empty());
        branch_times.push(started.elapsed());
    }
    branch_times.sort();
    let pct = |p: usize| branch_times[(branch_times.len() - 1) * p / 100];
    println!(
        "{backend}: members of a province subtree as of {}: {} members in {:.1} ms",
        kiemdiem_store::date::format_vn(TODAY),
        province_members,
        ms(province_time)
    );
    println!(
        "{backend}: members of a branch subtree ({} branches): median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        branch_times.len(),
        ms(pct(50)),
        ms(pct(95)),
        ms(pct(100))
    );
    store.close().await;
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
