//! Pages served per second to 500 signed-in browser sessions at once, against the real server
//! over HTTP, on the province demo, on SQLite and PostgreSQL. Not a test: run with
//!
//! ```text
//! cargo bench -p kiemdiem-web --bench pages
//! KIEMDIEM_BENCH_PG=postgres://… cargo bench -p kiemdiem-web --bench pages
//! ```
//!
//! The server runs in-process on `127.0.0.1:0` (the router and use cases `kiemdiem serve` runs)
//! over a temporary SQLite file, and over a throw-away PostgreSQL schema when `KIEMDIEM_BENCH_PG`
//! (or `KIEMDIEM_TEST_PG`) names a database. The data is the province demo (≈100 000 members,
//! ≈4 500 branches, a plan open for the whole province with one branch played through), plus, in
//! `BRANCHES` branches spread over the province, a meeting with everyone present and an open
//! secret ballot over the branch's members. Accounts: each of those branches' members (linked to
//! their record), its secretary, and the organisation board of every district (cấp trên cơ sở).
//!
//! Four pages are measured, each by 500 sessions signed in beforehand (cookie, as a browser
//! holds it; accounts signed in more than once where there are fewer accounts than sessions), one
//! HTTP connection per session:
//!
//! - `home`: a member's home (`/`): their subjects, next steps, open ballots, earlier levels;
//! - `ballot`: the member's ballot paper (`/phieu/{id}`);
//! - `branch`: the secretary's branch page (`/to-chuc/{code}`);
//! - `progress`: a district's progress page (`/ke-hoach/{plan}?to-chuc={code}`).
//!
//! After loading, the database is settled as a running server's would be (PostgreSQL vacuumed,
//! analysed and checkpointed; SQLite's write-ahead log folded back). Each page is first asked for by 20 sessions one after the other to count the statements it
//! sends to the database (sqlx's debug events), then asked for at a fixed arrival rate
//! (`KIEMDIEM_BENCH_RATE` pages/s in all, default 2 000, for `KIEMDIEM_BENCH_SECONDS`, default
//! 5; latency counted from when each page was due, so a slow server cannot hide its queue), then
//! flat out (each session asks again as soon as its page arrived, `KIEMDIEM_BENCH_ROUNDS` times,
//! default 20). Then all four at once at the fixed rate (`mixed`, 125 sessions each).
//! `KIEMDIEM_BENCH_PAGES=home,branch` measures only the pages named (and no mixed run).
//! Every response must be a 200 carrying the page's own heading (not the sign-in page, not an
//! error). Reports pages/s and p50/p99/max latency. Target: p99 under 100 ms at 2 000 pages/s.

use kiemdiem_app::accounts::{NewAccount, RoleGrant};
use kiemdiem_app::ballot::{BallotMode, RollAdjustments};
use kiemdiem_app::demo::demo_cycle_at;
use kiemdiem_app::meeting::{Attendee, NewMeeting};
use kiemdiem_app::{Actor, App, Role, Security};
use kiemdiem_rules::OrgKind;
use kiemdiem_rules::PositionKind;
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_store::Store;
use kiemdiem_store::demo::DemoScale;
use kiemdiem_store::leadership::Holder;
use kiemdiem_store::people::MembershipKind;
use kiemdiem_web::WebConfig;
use kiemdiem_web::actor::SESSION_COOKIE;
use std::time::{Duration, Instant};
use time::Date;
use time::macros::date;
use uuid::Uuid;

const SESSIONS: usize = 500;

/// Statements sent to the database so far.
static STATEMENTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Counts sqlx's statement events.
struct StatementCounter;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for StatementCounter {
    fn on_event(&self, _: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        STATEMENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Statements one request for each of `visits`' pages sends to the database, on average, the
/// first time and again (when answers kept since can serve it), and the page's size in bytes.
async fn statements_per_page(base: &str, visits: &[(Page, Visit)]) -> (f64, f64, usize) {
    let client = reqwest::Client::new();
    let sample = &visits[..visits.len().min(20)];
    let mut counts = [0.0; 2];
    let mut bytes = 0;
    for count in &mut counts {
        let before = STATEMENTS.load(std::sync::atomic::Ordering::Relaxed);
        for (_, visit) in sample {
            let response = client
                .get(format!("{base}{}", visit.path))
                .header("Cookie", &visit.cookie)
                .send()
                .await
                .expect("request sent");
            assert_eq!(response.status().as_u16(), 200, "{}", visit.path);
            bytes = bytes.max(response.bytes().await.map_or(0, |b| b.len()));
        }
        let after = STATEMENTS.load(std::sync::atomic::Ordering::Relaxed);
        *count = (after - before) as f64 / sample.len() as f64;
    }
    (counts[0], counts[1], bytes)
}
/// Branches with an open ballot and signed-in members.
const BRANCHES: usize = 30;
const TODAY: Date = date!(2026 - 12 - 10);
const PASSWORD: &str = "mật khẩu thử tải trang";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // Server errors are logged (RUST_LOG, default: warnings) so that a failed page says why;
    // the statements sent to the database are counted (sqlx logs each one at debug level).
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{Layer, filter};
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
                ),
        )
        .with(
            StatementCounter.with_filter(
                filter::Targets::new().with_target("sqlx::query", tracing::Level::DEBUG),
            ),
        )
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let rounds = env_number("KIEMDIEM_BENCH_ROUNDS", 20).max(1);
    let rate = env_number("KIEMDIEM_BENCH_RATE", 2_000).max(1);
    let seconds = env_number("KIEMDIEM_BENCH_SECONDS", 5).max(1);
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        if std::env::var("KIEMDIEM_BENCH_SQLITE").as_deref() == Ok("0") {
            eprintln!("SQLite: skipped (KIEMDIEM_BENCH_SQLITE=0)");
        } else {
            run("SQLite", &url, rounds, rate, seconds).await;
        }
        let pg = std::env::var("KIEMDIEM_BENCH_PG")
            .or_else(|_| std::env::var("KIEMDIEM_TEST_PG"))
            .ok();
        match pg {
            Some(base) => {
                let place = kiemdiem_testdb::TestUrl::postgres_in(&base).await;
                let url = place.url.clone();
                run("PostgreSQL", &url, rounds, rate, seconds).await;
                place.remove().await;
            }
            None => eprintln!("PostgreSQL: KIEMDIEM_BENCH_PG not set, not run"),
        }
    });
}

/// One kind of page, and who asks for it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Page {
    Home,
    Ballot,
    Branch,
    Progress,
}

impl Page {
    const ALL: [Page; 4] = [Page::Home, Page::Ballot, Page::Branch, Page::Progress];

    fn label(self) -> &'static str {
        match self {
            Page::Home => "home",
            Page::Ballot => "ballot",
            Page::Branch => "branch",
            Page::Progress => "progress",
        }
    }

    /// Text the page itself carries (the sign-in page and the error pages do not).
    fn marker(self) -> &'static str {
        match self {
            Page::Home => "Việc cần làm",
            Page::Ballot => "Phiếu biểu quyết xếp loại",
            Page::Branch => "Chi bộ",
            Page::Progress => "Tiến độ",
        }
    }
}

/// One signed-in session and the page it asks for.
#[derive(Clone)]
struct Visit {
    cookie: String,
    path: String,
}

/// Who signs in to ask for each kind of page: (login, path) pairs, cycled to 500 sessions.
#[derive(Default)]
struct Cast {
    home: Vec<(String, String)>,
    ballot: Vec<(String, String)>,
    branch: Vec<(String, String)>,
    progress: Vec<(String, String)>,
}

impl Cast {
    fn of(&self, page: Page) -> &[(String, String)] {
        match page {
            Page::Home => &self.home,
            Page::Ballot => &self.ballot,
            Page::Branch => &self.branch,
            Page::Progress => &self.progress,
        }
    }
}

/// Loads the province demo and opens a ballot in `BRANCHES` branches; makes the accounts.
async fn setup(app: &App, store: &Store) -> Cast {
    let cycle = demo_cycle_at(store, TODAY, DemoScale::PROVINCE)
        .await
        .expect("province demo");
    let system = Actor::system("bench");
    let mut tx = store.read().await.expect("read");
    let orgs = tx.orgs_as_of(TODAY).await.expect("orgs");
    drop(tx);
    let districts: Vec<_> = orgs
        .iter()
        .filter(|o| o.kind == OrgKind::UpperGrassroots)
        .collect();
    // Branches spread over the province, not the demo's own (already played or kept for its
    // accounts).
    let candidates: Vec<_> = orgs
        .iter()
        .filter(|o| o.kind.is_branch() && !cycle.branches.contains(&o.id))
        .collect();
    let step = (candidates.len() / BRANCHES).max(1);
    let mut cast = Cast::default();
    let mut made = 0;
    for branch in candidates.iter().step_by(step) {
        if made == BRANCHES {
            break;
        }
        let mut tx = store.read().await.expect("read");
        let members = tx
            .members_of_branch(branch.id, MembershipKind::Official, TODAY)
            .await
            .expect("members");
        let secretary = tx
            .positions_in_org(branch.id, TODAY)
            .await
            .expect("positions")
            .into_iter()
            .filter(|p| p.kind == PositionKind::Secretary)
            .find_map(|p| match p.holder {
                Holder::Member(id) => Some(id),
                Holder::Leader(_) => None,
            });
        drop(tx);
        let Some(secretary) = secretary else {
            continue;
        };
        let agenda: Vec<Uuid> = app
            .subjects(&system, cycle.plan.id, Some(&[branch.id]))
            .await
            .expect("subjects")
            .into_iter()
            .filter(|s| s.kind.is_member() && s.participation == Participation::ReviewAndClassify)
            .map(|s| s.id)
            .collect();
        if members.len() < 5 || agenda.is_empty() {
            continue;
        }
        let meeting = app
            .schedule_meeting(
                &system,
                NewMeeting {
                    plan: cycle.plan.id,
                    org: branch.id,
                    title: format!("Hội nghị kiểm điểm {}", branch.name),
                    body_key: None,
                    suggested: false,
                    held_on: TODAY,
                    place: "Hội trường".into(),
                    chair: "Bí thư chi bộ".into(),
                    attendees: members
                        .iter()
                        .map(|m| Attendee {
                            member: Some(m.id),
                            name: m.details.full_name.clone(),
                            role: "member".into(),
                            present: true,
                            excused: false,
                        })
                        .collect(),
                    agenda: agenda.clone(),
                },
            )
            .await
            .expect("meeting");
        let ballot = app
            .prepare_ballot(&system, meeting.id, BallotMode::Electronic, agenda)
            .await
            .expect("prepare ballot");
        let ballot = app
            .open_ballot(
                &system,
                ballot.id,
                ballot.version,
                RollAdjustments::default(),
            )
            .await
            .expect("open ballot");
        for member in &members {
            let login = format!("dv{}", member.code);
            account(
                app,
                &login,
                &member.details.full_name,
                Some(member.id),
                None,
            )
            .await;
            if member.id == secretary {
                grant(app, &login, Role::BranchSecretary, branch.id).await;
                cast.branch
                    .push((login, format!("/to-chuc/{}", branch.code)));
            } else {
                cast.home.push((login.clone(), "/".into()));
                cast.ballot.push((login, format!("/phieu/{}", ballot.id)));
            }
        }
        made += 1;
    }
    assert_eq!(
        made, BRANCHES,
        "enough branches with a secretary and members"
    );
    for district in &districts {
        let login = format!("btc{}", district.code.replace('.', ""));
        account(
            app,
            &login,
            &format!("Ban tổ chức — {}", district.name),
            None,
            Some(district.id),
        )
        .await;
        grant(app, &login, Role::Board, district.id).await;
        cast.progress.push((
            login,
            format!("/ke-hoach/{}?to-chuc={}", cycle.plan.id, district.code),
        ));
    }
    cast
}

async fn account(app: &App, login: &str, name: &str, member: Option<Uuid>, org: Option<Uuid>) {
    app.create_account(
        &Actor::system("bench"),
        NewAccount {
            login: login.to_string(),
            display_name: name.to_string(),
            member,
            org,
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .expect("account");
}

async fn grant(app: &App, login: &str, role: Role, org: Uuid) {
    app.grant_role(
        &Actor::system("bench"),
        login,
        RoleGrant {
            role,
            org: Some(org),
            valid_from: None,
            valid_to: None,
        },
    )
    .await
    .expect("grant");
}

/// `count` sessions asking for `page`, the accounts signed in again as often as needed.
async fn sign_in(app: &App, cast: &Cast, page: Page, count: usize) -> Vec<(Page, Visit)> {
    let people = cast.of(page);
    assert!(!people.is_empty(), "someone asks for the {page:?} page");
    let mut visits = Vec::with_capacity(count);
    for (login, path) in people.iter().cycle().take(count) {
        let signed = app
            .sign_in(login, PASSWORD, "127.0.0.1")
            .await
            .expect("sign in");
        visits.push((
            page,
            Visit {
                cookie: format!("{SESSION_COOKIE}={}", signed.token),
                path: path.clone(),
            },
        ));
    }
    visits
}

/// Latencies of every page of one run, and the time it took.
struct Sample {
    latencies: Vec<Duration>,
    elapsed: Duration,
}

/// How the sessions ask.
#[derive(Clone, Copy)]
enum Arrival {
    /// Each session asks again as soon as its page arrived (the most the server gives).
    Closed { rounds: usize },
    /// Pages asked for at `rate` per second in all, in turn by each session, for `pages` pages;
    /// latency counted from when each was due (no coordinated omission).
    Paced { rate: usize, pages: usize },
}

async fn load(base: &str, visits: &[(Page, Visit)], arrival: Arrival) -> Vec<(Page, Sample)> {
    let clients: Vec<reqwest::Client> = visits
        .iter()
        .map(|_| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client")
        })
        .collect();
    // Every connection is open before the clock starts.
    let mut warm = Vec::with_capacity(clients.len());
    for client in &clients {
        let client = client.clone();
        let url = format!("{base}/api/v1/health");
        warm.push(tokio::spawn(async move {
            client.get(url).send().await.expect("health").status()
        }));
    }
    for task in warm {
        assert!(task.await.expect("warm-up").is_success());
    }
    let start = Instant::now() + Duration::from_millis(200);
    let sessions = visits.len();
    let mut tasks = Vec::with_capacity(sessions);
    for (n, ((page, visit), client)) in visits.iter().cloned().zip(clients).enumerate() {
        let url = format!("{base}{}", visit.path);
        // When each of this session's pages is due.
        let due: Vec<Instant> = match arrival {
            Arrival::Closed { rounds } => vec![start; rounds],
            Arrival::Paced { rate, pages } => (n..pages)
                .step_by(sessions)
                .map(|k| start + Duration::from_secs_f64(k as f64 / rate as f64))
                .collect(),
        };
        let closed = matches!(arrival, Arrival::Closed { .. });
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(due.len());
            for when in due {
                tokio::time::sleep_until(when.into()).await;
                let sent = Instant::now();
                let response = client
                    .get(&url)
                    .header("Cookie", &visit.cookie)
                    .send()
                    .await
                    .expect("request sent");
                let status = response.status();
                let location = response
                    .headers()
                    .get("location")
                    .map(|l| l.to_str().unwrap_or_default().to_string());
                // Bytes checked as strict UTF-8 (not `text()`, whose lossy decoding of a 93 kB
                // page cost this client, sharing the server's two cores, a twentieth of them).
                let body = response.bytes().await.expect("page read");
                let text = std::str::from_utf8(&body).expect("a page in UTF-8");
                latencies.push(if closed {
                    sent.elapsed()
                } else {
                    when.elapsed()
                });
                assert_eq!(
                    status.as_u16(),
                    200,
                    "{url} (→ {location:?}): {}",
                    &text[..text.len().min(400)]
                );
                assert!(
                    text.contains(page.marker()),
                    "{url} is not the {page:?} page: {}",
                    &text[..text.len().min(400)]
                );
            }
            (page, latencies, Instant::now())
        }));
    }
    let mut by_page: Vec<(Page, Vec<Duration>)> = Vec::new();
    let mut last = start;
    for task in tasks {
        let (page, latencies, done) = task.await.expect("session task");
        last = last.max(done);
        match by_page.iter_mut().find(|(p, _)| *p == page) {
            Some((_, all)) => all.extend(latencies),
            None => by_page.push((page, latencies)),
        }
    }
    let elapsed = last - start;
    by_page
        .into_iter()
        .map(|(page, latencies)| (page, Sample { latencies, elapsed }))
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(backend: &str, label: &str, sessions: usize, sample: &Sample) {
    let mut all = sample.latencies.clone();
    all.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{backend:<10} {label:<20} {sessions:>4} sessions {:>6} pages in {:>6.2} s  {:>7.0} pages/s  p50 {:>6.1} ms  p99 {:>6.1} ms  max {:>6.1} ms",
        all.len(),
        sample.elapsed.as_secs_f64(),
        all.len() as f64 / sample.elapsed.as_secs_f64(),
        ms(percentile(&all, 50.0)),
        ms(percentile(&all, 99.0)),
        ms(*all.last().unwrap_or(&Duration::ZERO)),
    );
}

async fn run(backend: &str, url: &str, rounds: usize, rate: usize, seconds: usize) {
    let store = Store::open(url).await.expect("open store");
    // Cheap password hashing (sessions are signed in beforehand); sessions trusted for a moment
    // after each check, as in production.
    let security = Security {
        session_recheck: Security::default().session_recheck,
        ..Security::for_tests()
    };
    let app = App::with_today(store.clone(), TODAY).with_security(security);
    let prepared = Instant::now();
    let cast = setup(&app, &store).await;
    kiemdiem_testdb::settle(url).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(kiemdiem_web::serve(
        listener,
        kiemdiem_web::ApiState::with_config(
            app.clone(),
            WebConfig {
                secure_cookies: false,
                ..WebConfig::default()
            },
        ),
        async move {
            let _ = stopped.await;
        },
    ));
    let load_average = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!(
        "{backend}: province demo and {BRANCHES} open ballots set up in {:.1} s ({} members, {} secretaries, {} district boards signed in); {} CPUs, load average {}",
        prepared.elapsed().as_secs_f64(),
        cast.home.len(),
        cast.branch.len(),
        cast.progress.len(),
        std::thread::available_parallelism().map_or(0, usize::from),
        load_average
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let only = std::env::var("KIEMDIEM_BENCH_PAGES").unwrap_or_default();
    let chosen: Vec<Page> = Page::ALL
        .into_iter()
        .filter(|p| only.is_empty() || only.split(',').any(|o| o.trim() == p.label()))
        .collect();
    let paced = Arrival::Paced {
        rate,
        pages: rate * seconds,
    };
    for &page in &chosen {
        let visits = sign_in(&app, &cast, page, SESSIONS).await;
        let (first, again, bytes) = statements_per_page(&base, &visits).await;
        println!(
            "{backend:<10} {:<20} {first:.1} statements per page, {again:.1} asked again; up to {} kB",
            page.label(),
            bytes / 1024
        );
        for (arrival, how) in [
            (paced, format!("{} {rate}/s", page.label())),
            (
                Arrival::Closed { rounds },
                format!("{} flat out", page.label()),
            ),
        ] {
            for (_, sample) in load(&base, &visits, arrival).await {
                report(backend, &how, SESSIONS, &sample);
            }
        }
    }
    if chosen.len() == Page::ALL.len() {
        let mut mixed = Vec::with_capacity(SESSIONS);
        for page in Page::ALL {
            mixed.extend(sign_in(&app, &cast, page, SESSIONS / Page::ALL.len()).await);
        }
        let samples = load(&base, &mixed, paced).await;
        let all = Sample {
            latencies: samples
                .iter()
                .flat_map(|(_, s)| s.latencies.iter().copied())
                .collect(),
            elapsed: samples[0].1.elapsed,
        };
        report(backend, &format!("mixed {rate}/s"), SESSIONS, &all);
        for (page, sample) in &samples {
            let mut sorted = sample.latencies.clone();
            sorted.sort();
            println!(
                "{backend:<10}   of which {:<8}  p50 {:>6.1} ms  p99 {:>6.1} ms",
                page.label(),
                percentile(&sorted, 50.0).as_secs_f64() * 1000.0,
                percentile(&sorted, 99.0).as_secs_f64() * 1000.0,
            );
        }
    }
    let _ = stop.send(());
    server
        .await
        .expect("server task")
        .expect("server stopped cleanly");
    store.close().await;
}
