//! Ballot papers recorded per second with 1 000 concurrent voters, against the real server over
//! HTTP, on SQLite and PostgreSQL. Not a test: run with
//!
//! ```text
//! cargo bench -p kiemdiem-web --bench ballots
//! KIEMDIEM_BENCH_PG=postgres://… cargo bench -p kiemdiem-web --bench ballots
//! ```
//!
//! The server runs in-process on `127.0.0.1:0` (the router and use cases `kiemdiem serve` runs),
//! over a temporary SQLite file, and over a throw-away PostgreSQL schema when
//! `KIEMDIEM_BENCH_PG` (or `KIEMDIEM_TEST_PG`) names a database. One branch of 1 000 official
//! members; for each of `KIEMDIEM_BENCH_BALLOTS` ballots (default 20) a meeting with everyone
//! present, a ballot over `KIEMDIEM_BENCH_AGENDA` subjects (default 20, a branch's usual size)
//! opened with the roll frozen, then 1 000 clients — one HTTP connection each — cast one paper
//! each. Three ways of arriving are measured, each over its own ballots:
//!
//! - `burst`: the 1 000 papers are sent at the same instant;
//! - `paced`: voters arrive at `KIEMDIEM_BENCH_RATE` papers/s (default 2 000), latency counted
//!   from the scheduled arrival (no coordinated omission);
//! - `direct`: the same burst straight into `App::cast_ballot`, without HTTP, to tell the HTTP
//!   layer's share from the cast path's.
//!
//! Every voter casts as themself, as a browser does: each has an account linked to their member
//! record and a session signed in beforehand (cookie + CSRF token), so every paper pays for the
//! session look-up and the vote's authorization. Accounts are made with cheap password hashing
//! (the bench measures casting, not signing in).
//!
//! `KIEMDIEM_BENCH_SQLITE=0` skips SQLite. Reports papers/s and p50/p99/max latency. Every ballot is closed afterwards and must count
//! exactly 1 000 papers. Target: 2 000 papers/s with p99 under 50 ms.

use kiemdiem_app::accounts::NewAccount;
use kiemdiem_app::ballot::{BallotMode, RollAdjustments};
use kiemdiem_app::meeting::{Attendee, NewMeeting};
use kiemdiem_app::plan::NewPlan;
use kiemdiem_app::{Actor, App, Security};
use kiemdiem_rules::ballot::Vote;
use kiemdiem_rules::{Level, OrgKind, PositionKind};
use kiemdiem_store::Store;
use kiemdiem_store::leadership::{Holder, NewPosition};
use kiemdiem_store::org::NewOrg;
use kiemdiem_store::people::{MemberDetails, NewMember};
use kiemdiem_web::WebConfig;
use kiemdiem_web::actor::SESSION_COOKIE;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use time::Date;
use time::macros::date;
use uuid::Uuid;

const VOTERS: usize = 1_000;
const TODAY: Date = date!(2025 - 12 - 12);

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let ballots = env_number("KIEMDIEM_BENCH_BALLOTS", 20).max(3);
    let agenda = env_number("KIEMDIEM_BENCH_AGENDA", 20).clamp(1, VOTERS);
    let rate = env_number("KIEMDIEM_BENCH_RATE", 2_000).max(1);
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        if std::env::var("KIEMDIEM_BENCH_SQLITE").as_deref() == Ok("0") {
            eprintln!("SQLite: skipped (KIEMDIEM_BENCH_SQLITE=0)");
        } else {
            run("SQLite", &url, ballots, agenda, rate).await;
        }
        let pg = std::env::var("KIEMDIEM_BENCH_PG")
            .or_else(|_| std::env::var("KIEMDIEM_TEST_PG"))
            .ok();
        match pg {
            Some(base) => {
                let place = kiemdiem_testdb::TestUrl::postgres_in(&base).await;
                let url = place.url.clone();
                run("PostgreSQL", &url, ballots, agenda, rate).await;
                place.remove().await;
            }
            None => eprintln!("PostgreSQL: KIEMDIEM_BENCH_PG not set, not run"),
        }
    });
}

/// The branch under test: its id, its members, and the open plan's member subjects.
struct Setup {
    branch: Uuid,
    members: Vec<(Uuid, String)>,
    /// Each member's signed-in session: (cookie header, CSRF token).
    sessions: Vec<(String, String)>,
    plan: Uuid,
    subjects: Vec<Uuid>,
}

async fn setup(app: &App, store: &Store) -> Setup {
    let mut tx = store.begin("bench").await.expect("begin");
    let founded = date!(2000 - 01 - 01);
    let org = |code: &str, name: &str, kind: OrgKind, parent: Option<Uuid>| NewOrg {
        code: code.into(),
        name: name.into(),
        kind,
        has_committee: !kind.is_branch(),
        founded_on: founded,
        parent,
    };
    let province = tx
        .create_org(&org("T", "Đảng bộ tỉnh", OrgKind::Province, None), founded)
        .await
        .expect("province");
    let district = tx
        .create_org(
            &org(
                "H",
                "Đảng bộ huyện",
                OrgKind::UpperGrassroots,
                Some(province),
            ),
            founded,
        )
        .await
        .expect("district");
    let grassroots = tx
        .create_org(
            &org(
                "X",
                "Đảng bộ cơ quan",
                OrgKind::GrassrootsCommittee,
                Some(district),
            ),
            founded,
        )
        .await
        .expect("grassroots");
    let branch = tx
        .create_org(
            &org(
                "X1",
                "Chi bộ Khối văn phòng",
                OrgKind::SubordinateBranch,
                Some(grassroots),
            ),
            founded,
        )
        .await
        .expect("branch");
    let mut members = Vec::with_capacity(VOTERS);
    for n in 0..VOTERS {
        let name = format!("Nguyễn Văn Thành {n:04}");
        let id = tx
            .create_member(
                &NewMember {
                    code: format!("B{n:04}"),
                    details: MemberDetails {
                        full_name: name.clone(),
                        birth_date: date!(1980 - 01 - 01),
                        admitted_on: date!(2010 - 05 - 19),
                        official_on: Some(date!(2011 - 05 - 19)),
                        civil_servant: false,
                        employer_unit: "Văn phòng".into(),
                        residence_org: None,
                    },
                    branch,
                    temporary_branch: None,
                },
                date!(2011 - 05 - 19),
            )
            .await
            .expect("member");
        members.push((id, name));
    }
    tx.assign_position(
        &NewPosition {
            holder: Holder::Member(members[0].0),
            kind: PositionKind::Secretary,
            org: Some(branch),
            collective: None,
            title: "Bí thư chi bộ".into(),
        },
        date!(2020 - 01 - 01),
    )
    .await
    .expect("secretary");
    tx.commit().await.expect("commit");
    let office = Actor::trusted("bench.office");
    let plan = app
        .create_plan(
            &office,
            NewPlan {
                org: grassroots,
                year: 2025,
                ..NewPlan::default()
            },
        )
        .await
        .expect("plan");
    app.open_plan(&office, plan.id, plan.version)
        .await
        .expect("open plan");
    let subjects = app
        .subjects(&office, plan.id, Some(&[branch]))
        .await
        .expect("subjects")
        .into_iter()
        .filter(|s| s.kind.is_member())
        .filter(|s| {
            s.participation == kiemdiem_rules::eligibility::Participation::ReviewAndClassify
        })
        .map(|s| s.id)
        .collect();
    let mut sessions = Vec::with_capacity(members.len());
    let system = Actor::system("bench");
    for (n, (member, name)) in members.iter().enumerate() {
        let login = format!("dv{n:04}");
        app.create_account(
            &system,
            NewAccount {
                login: login.clone(),
                display_name: name.clone(),
                member: Some(*member),
                org: None,
                password: Some("mật khẩu của đảng viên".into()),
            },
        )
        .await
        .expect("account");
        let signed = app
            .sign_in(&login, "mật khẩu của đảng viên", "127.0.0.1")
            .await
            .expect("sign in");
        sessions.push((
            format!("{SESSION_COOKIE}={}", signed.token),
            signed.csrf_token,
        ));
    }
    Setup {
        branch,
        members,
        sessions,
        plan: plan.id,
        subjects,
    }
}

/// A meeting with every member present and an open ballot over `agenda` subjects.
async fn open_ballot(app: &App, setup: &Setup, index: usize, agenda: usize) -> Uuid {
    let office = Actor::trusted("bench.office");
    let agenda: Vec<Uuid> = setup
        .subjects
        .iter()
        .cycle()
        .skip(index * agenda)
        .take(agenda)
        .copied()
        .collect();
    let meeting = app
        .schedule_meeting(
            &office,
            NewMeeting {
                plan: setup.plan,
                org: setup.branch,
                title: format!("Hội nghị chi bộ, phiên bỏ phiếu {index}"),
                body_key: None,
                suggested: false,
                held_on: TODAY,
                place: "Hội trường".into(),
                chair: setup.members[0].1.clone(),
                attendees: setup
                    .members
                    .iter()
                    .map(|(id, name)| Attendee {
                        member: Some(*id),
                        name: name.clone(),
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
        .prepare_ballot(&office, meeting.id, BallotMode::Electronic, agenda)
        .await
        .expect("prepare ballot");
    let ballot = app
        .open_ballot(
            &office,
            ballot.id,
            ballot.version,
            RollAdjustments::default(),
        )
        .await
        .expect("open ballot");
    assert_eq!(ballot.entitled as usize, VOTERS, "every member may vote");
    ballot.id
}

/// One paper: a level for every subject, varied so the counts are not trivial.
fn paper(agenda: &[Uuid], voter: usize) -> BTreeMap<Uuid, Vote> {
    agenda
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let vote = match (voter + i) % 10 {
                0 => Vote::For(Level::Htxsnv),
                1 => Vote::For(Level::Htnv),
                2 => Vote::Blank,
                _ => Vote::For(Level::Httnv),
            };
            (*s, vote)
        })
        .collect()
}

fn vote_text(vote: Vote) -> &'static str {
    match vote {
        Vote::For(level) => level.code(),
        Vote::Blank => "blank",
        Vote::Invalid => "invalid",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Arrival {
    Burst,
    Paced(usize),
    Direct,
}

/// Latencies of every paper of one mode, and the time the casting took.
#[derive(Default)]
struct Sample {
    latencies: Vec<Duration>,
    elapsed: Duration,
}

async fn cast_all(
    app: &App,
    clients: &[reqwest::Client],
    base: &str,
    setup: &Setup,
    ballot: Uuid,
    arrival: Arrival,
) -> Sample {
    let agenda = app
        .ballot(&Actor::trusted("bench.office"), ballot)
        .await
        .expect("ballot")
        .agenda;
    // Every task is spawned and waiting before the common start.
    let start = Instant::now() + Duration::from_millis(300);
    let mut tasks = Vec::with_capacity(VOTERS);
    for (n, (member, _)) in setup.members.iter().enumerate() {
        let votes = paper(&agenda, n);
        let (cookie, csrf) = setup.sessions[n].clone();
        let member = *member;
        let scheduled = match arrival {
            Arrival::Paced(rate) => start + Duration::from_secs_f64(n as f64 / rate as f64),
            Arrival::Burst | Arrival::Direct => start,
        };
        if arrival == Arrival::Direct {
            let app = app.clone();
            tasks.push(tokio::spawn(async move {
                tokio::time::sleep_until(scheduled.into()).await;
                app.cast_ballot(
                    &Actor::trusted_member("voter", member),
                    ballot,
                    member,
                    &votes,
                )
                .await
                .expect("paper cast");
                (scheduled.elapsed(), Instant::now())
            }));
        } else {
            let client = clients[n].clone();
            let url = format!("{base}/api/v1/ballots/{ballot}/papers");
            let body = serde_json::json!({
                "votes": votes.iter().map(|(s, v)| (s.to_string(), vote_text(*v))).collect::<BTreeMap<_, _>>()
            })
            .to_string();
            tasks.push(tokio::spawn(async move {
                tokio::time::sleep_until(scheduled.into()).await;
                let response = client
                    .post(url)
                    .header("Cookie", cookie)
                    .header("X-Kiemdiem-CSRF", csrf)
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("request sent");
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                assert_eq!(status.as_u16(), 201, "cast refused: {text}");
                (scheduled.elapsed(), Instant::now())
            }));
        }
    }
    let mut sample = Sample::default();
    let mut last = start;
    for task in tasks {
        let (latency, done) = task.await.expect("voter task");
        sample.latencies.push(latency);
        last = last.max(done);
    }
    sample.elapsed = last - start;
    sample
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(backend: &str, label: &str, samples: &[Sample]) {
    let mut all: Vec<Duration> = samples.iter().flat_map(|s| s.latencies.clone()).collect();
    all.sort();
    let elapsed: Duration = samples.iter().map(|s| s.elapsed).sum();
    let papers = all.len();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{backend:<10} {label:<18} {papers:>6} papers in {:>6.2} s  {:>7.0} papers/s  p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
        elapsed.as_secs_f64(),
        papers as f64 / elapsed.as_secs_f64(),
        ms(percentile(&all, 50.0)),
        ms(percentile(&all, 99.0)),
        ms(*all.last().unwrap_or(&Duration::ZERO)),
    );
}

async fn run(backend: &str, url: &str, ballots: usize, agenda: usize, rate: usize) {
    let store = Store::open(url).await.expect("open store");
    // Cheap password hashing (sessions are signed in beforehand); sessions trusted for a moment
    // after each check, as in production.
    let security = Security {
        session_recheck: Security::default().session_recheck,
        ..Security::for_tests()
    };
    let app = App::with_today(store.clone(), TODAY).with_security(security);
    let prepared = Instant::now();
    let setup = setup(&app, &store).await;
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
    // One client, hence one connection, per voter.
    let clients: Vec<reqwest::Client> = (0..VOTERS)
        .map(|_| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("client")
        })
        .collect();
    // The machines are shared: the load before the run says how much of them the run had.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!(
        "{backend}: {VOTERS} voters, {agenda} subjects per paper, set up in {:.1} s; {} CPUs, load average {}",
        prepared.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(0, usize::from),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let modes = [
        ("burst (HTTP)", Arrival::Burst),
        ("paced (HTTP)", Arrival::Paced(rate)),
        ("direct (no HTTP)", Arrival::Direct),
    ];
    let per_mode = ballots.div_ceil(modes.len()).max(1);
    let mut index = 0;
    let office = Actor::trusted("bench.office");
    for (label, arrival) in modes {
        let mut samples = Vec::new();
        for _ in 0..per_mode {
            let ballot = open_ballot(&app, &setup, index, agenda).await;
            index += 1;
            // Every voter opens their connection before the clock starts.
            if arrival != Arrival::Direct {
                warm_up(&clients, &base).await;
            }
            samples.push(cast_all(&app, &clients, &base, &setup, ballot, arrival).await);
            let open = app.ballot(&office, ballot).await.expect("ballot");
            assert_eq!(open.voted as usize, VOTERS);
            let closed = app
                .close_ballot(&office, ballot, open.version)
                .await
                .expect("close ballot");
            assert_eq!(closed.papers_cast as usize, VOTERS, "every paper counted");
        }
        let label = if let Arrival::Paced(rate) = arrival {
            format!("paced {rate}/s")
        } else {
            label.to_string()
        };
        report(backend, &label, &samples);
    }
    let _ = stop.send(());
    server
        .await
        .expect("server task")
        .expect("server stopped cleanly");
    store.close().await;
}

/// Opens (or re-checks) every client's connection with a cheap request.
async fn warm_up(clients: &[reqwest::Client], base: &str) {
    let url = format!("{base}/api/v1/health");
    let mut tasks = Vec::with_capacity(clients.len());
    for client in clients {
        let client = client.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            client.get(url).send().await.expect("health").status()
        }));
    }
    for task in tasks {
        assert!(task.await.expect("warm-up").is_success());
    }
}
