//! Nothing in the database links a ballot paper to its voter. Twelve known voters cast, in a
//! known order, papers whose contents are all different (so a paper is recognisable); after the
//! ballot closes, every table and every natural order of the paper rows (by paper id, by the
//! primary key, by rowid where there is one, by ctid on PostgreSQL) is read back, and none lets
//! the voter → paper mapping be reconstructed: the only voter-side record is who has voted, in
//! member order; the papers carry no voter, no time, and their stored order is not the casting
//! order. The audit log holds no entry per paper.

use crate::support::{Person, TestDb, YEAR, actor, app, build, official, on_both_backends};
use kiemdiem_app::Actor;
use kiemdiem_app::ballot::{BallotMode, RollAdjustments};
use kiemdiem_app::meeting::{Attendee, NewMeeting};
use kiemdiem_app::plan::NewPlan;
use kiemdiem_rules::Level;
use kiemdiem_rules::ballot::Vote;
use kiemdiem_rules::eligibility::Participation;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use time::macros::date;
use uuid::Uuid;

on_both_backends!(
    nothing_links_a_paper_to_its_voter,
    a_reader_during_close_neither_blocks_writers_nor_keeps_the_wal,
    a_backup_taken_during_a_ballot_restores_it_open
);

const NAMES: [&str; 12] = [
    "Nguyễn Văn An",
    "Trần Văn Bảo",
    "Lê Thị Cúc",
    "Phạm Văn Danh",
    "Hoàng Văn Em",
    "Vũ Thị Gấm",
    "Đặng Văn Hải",
    "Bùi Thị Hoa",
    "Đỗ Văn Khoa",
    "Ngô Thị Liên",
    "Dương Văn Mạnh",
    "Lý Thị Ngân",
];

/// Twelve known voters of a branch cast, in member order, twelve different papers on three
/// subjects of an open ballot.
struct Cast {
    app: kiemdiem_app::App,
    secretary: Actor,
    ballot: kiemdiem_app::ballot::Ballot,
    agenda: Vec<Uuid>,
    casting_order: Vec<Uuid>,
    plan: Uuid,
    org: crate::support::Org,
}

fn paper_of(agenda: &[Uuid], i: usize) -> BTreeMap<Uuid, Vote> {
    let levels = [Level::Htxsnv, Level::Httnv, Level::Htnv, Level::Khtnv];
    agenda
        .iter()
        .enumerate()
        .map(|(k, s)| (*s, Vote::For(levels[(i >> (2 * k)) & 3])))
        .collect()
}

async fn twelve_papers_cast(db: &TestDb) -> Cast {
    let people: Vec<Person> = NAMES.iter().map(|n| official(n)).collect();
    let org = build(&db.store, &people, &[official("Hà Văn Tâm")]).await;
    let app = app(db);
    let secretary = actor("bithu");
    let plan = app
        .create_plan(
            &secretary,
            NewPlan {
                org: org.grassroots,
                year: YEAR,
                ..NewPlan::default()
            },
        )
        .await
        .unwrap();
    app.open_plan(&secretary, plan.id, plan.version)
        .await
        .unwrap();
    let subjects = app
        .subjects(&secretary, plan.id, Some(&[org.branches[0]]))
        .await
        .unwrap();
    let agenda: Vec<Uuid> = subjects
        .iter()
        .filter(|s| s.kind.is_member() && s.participation == Participation::ReviewAndClassify)
        .map(|s| s.id)
        .take(3)
        .collect();
    assert_eq!(agenda.len(), 3);
    let meeting = app
        .schedule_meeting(
            &secretary,
            NewMeeting {
                plan: plan.id,
                org: org.branches[0],
                title: "Hội nghị chi bộ".into(),
                body_key: None,
                suggested: false,
                held_on: date!(2025 - 12 - 12),
                place: "Hội trường".into(),
                chair: "Nguyễn Văn An".into(),
                attendees: org.members[0]
                    .iter()
                    .map(|m| Attendee {
                        member: Some(*m),
                        name: m.to_string(),
                        role: "member".into(),
                        present: true,
                        excused: false,
                    })
                    .collect(),
                agenda: agenda.clone(),
            },
        )
        .await
        .unwrap();
    let ballot = app
        .prepare_ballot(
            &secretary,
            meeting.id,
            BallotMode::Electronic,
            agenda.clone(),
        )
        .await
        .unwrap();
    let ballot = app
        .open_ballot(
            &secretary,
            ballot.id,
            ballot.version,
            RollAdjustments::default(),
        )
        .await
        .unwrap();
    assert_eq!(ballot.entitled, 12);

    // Twelve distinct papers: each voter's paper is a different combination of levels.
    let casting_order: Vec<Uuid> = org.members[0].clone();
    for (i, voter) in casting_order.iter().enumerate() {
        app.cast_ballot(
            &Actor::trusted_member("dangvien", *voter),
            ballot.id,
            *voter,
            &paper_of(&agenda, i),
        )
        .await
        .unwrap();
    }
    Cast {
        app,
        secretary,
        ballot,
        agenda,
        casting_order,
        plan: plan.id,
        org,
    }
}

/// The other branch's ballot, opened, its one member's paper cast, left open.
async fn other_branch_votes(cast: &Cast) -> Uuid {
    let app = &cast.app;
    let branch = cast.org.branches[1];
    let agenda: Vec<Uuid> = app
        .subjects(&cast.secretary, cast.plan, Some(&[branch]))
        .await
        .unwrap()
        .iter()
        .filter(|s| s.kind.is_member() && s.participation == Participation::ReviewAndClassify)
        .map(|s| s.id)
        .collect();
    assert!(!agenda.is_empty());
    let meeting = app
        .schedule_meeting(
            &cast.secretary,
            NewMeeting {
                plan: cast.plan,
                org: branch,
                title: "Hội nghị chi bộ 2".into(),
                body_key: None,
                suggested: false,
                held_on: date!(2025 - 12 - 12),
                place: "Hội trường".into(),
                chair: "Hà Văn Tâm".into(),
                attendees: cast.org.members[1]
                    .iter()
                    .map(|m| Attendee {
                        member: Some(*m),
                        name: m.to_string(),
                        role: "member".into(),
                        present: true,
                        excused: false,
                    })
                    .collect(),
                agenda: agenda.clone(),
            },
        )
        .await
        .unwrap();
    let ballot = app
        .prepare_ballot(
            &cast.secretary,
            meeting.id,
            BallotMode::Electronic,
            agenda.clone(),
        )
        .await
        .unwrap();
    let ballot = app
        .open_ballot(
            &cast.secretary,
            ballot.id,
            ballot.version,
            RollAdjustments::default(),
        )
        .await
        .unwrap();
    let voter = cast.org.members[1][0];
    app.cast_ballot(
        &Actor::trusted_member("dangvien", voter),
        ballot.id,
        voter,
        &paper_of(&agenda, 5),
    )
    .await
    .unwrap();
    ballot.id
}

async fn nothing_links_a_paper_to_its_voter(db: &TestDb) {
    let Cast {
        app,
        secretary,
        ballot,
        agenda,
        casting_order,
        ..
    } = twelve_papers_cast(db).await;
    let paper_of = |i: usize| paper_of(&agenda, i);
    let fingerprint = |votes: &BTreeMap<Uuid, String>| -> Option<usize> {
        (0..casting_order.len()).find(|i| {
            paper_of(*i).iter().all(|(s, v)| {
                votes.get(s).map(String::as_str)
                    == Some(match v {
                        Vote::For(l) => l.code(),
                        _ => "",
                    })
            })
        })
    };
    app.close_ballot(&secretary, ballot.id, ballot.version)
        .await
        .unwrap();

    // Every table: the only tables holding paper ids are the urn and the archive, which hold no
    // member id and no time; the urn is empty.
    let tables = table_columns(db).await;
    for (table, columns) in &tables {
        if table.starts_with("ballot_papers") || table.starts_with("ballot_urn") {
            let mut sorted = columns.clone();
            sorted.sort();
            assert_eq!(
                sorted,
                ["ballot_id", "paper_id", "subject_id", "vote"],
                "{table}"
            );
        }
    }
    let (urn, papers, roll_columns) = read_ballot_tables(db, ballot.id).await;
    assert!(urn.is_empty(), "the urn is emptied at close");
    assert_eq!(papers.ordered.len(), 12);
    assert!(
        !roll_columns.iter().any(|c| c.contains("paper")
            || c.ends_with("_at")
            || c.contains("time")
            || c.contains("seq")),
        "{roll_columns:?}"
    );
    // Every natural order of the archived papers, mapped back to the voter whose paper it is:
    // none is the casting order (12! orders; the test fails by chance with p ≈ 1e-9 per order).
    for (name, order) in &papers.orders {
        let voters: Vec<usize> = order
            .iter()
            .map(|votes| fingerprint(votes).expect("each paper is one voter's"))
            .collect();
        let identity: Vec<usize> = (0..12).collect();
        assert_ne!(
            voters, identity,
            "the {name} order of ballot_papers is the casting order"
        );
        let mut reversed = identity.clone();
        reversed.reverse();
        assert_ne!(
            voters, reversed,
            "the {name} order of ballot_papers is the reverse casting order"
        );
    }
    // The roll says who voted, in member order — never when.
    let voted: Vec<Uuid> = papers.roll_voted.clone();
    let mut by_id = casting_order.clone();
    by_id.sort();
    assert_eq!(voted, by_id);
    // No audit entry per paper, and no paper id in the audit log.
    let trail = app
        .audit_trail(&secretary, "ballot", &ballot.id.to_string())
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["ballot.prepare", "ballot.open", "ballot.close"]);
    let audit_text = serde_json::to_string(&trail).unwrap();
    for votes in &papers.ordered {
        assert!(
            !audit_text.contains(&votes.0.to_string()),
            "a paper id leaked into the audit log"
        );
    }
    // The counts are all a report can see.
    let counted = app.ballot(&secretary, ballot.id).await.unwrap();
    assert_eq!(counted.papers_cast, 12);
    assert_eq!(counted.voted, 12);
    if !db.is_postgres() {
        // The close truncates the WAL without waiting for anyone (busy timeout 0); when another
        // connection holds a lock at that instant — the background PASSIVE checkpoint, under
        // load — the truncation is owed and the background task completes it at its next tick
        // (every 200 ms). Nobody reads here, so nothing may keep it: it must be empty once the
        // owed truncation ran, whatever the machine's load (it failed once when read at once).
        let wal = db.url.trim_start_matches("sqlite://").to_owned() + "-wal";
        let size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while size() > 0 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(
            size(),
            0,
            "the WAL holding the casting transactions is truncated after close with no reader"
        );
    }
}

/// SQLite: a reader holding an old snapshot while the ballot closes (a report being read, a
/// backup) no longer makes the close wait for it with every writer behind, and no longer leaves
/// the casting transactions in the WAL: the WAL is truncated as soon as the reader lets go. On
/// PostgreSQL the close does not wait for readers either.
async fn a_reader_during_close_neither_blocks_writers_nor_keeps_the_wal(db: &TestDb) {
    let cast = twelve_papers_cast(db).await;
    let reader = if db.is_postgres() {
        None
    } else {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        let mut tx = pool.begin().await.unwrap();
        let voted: i64 = sqlx::query_scalar("SELECT count(*) FROM ballot_roll WHERE has_voted")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(voted, 12);
        Some((pool, tx))
    };
    let started = std::time::Instant::now();
    cast.app
        .close_ballot(&cast.secretary, cast.ballot.id, cast.ballot.version)
        .await
        .unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "the close waited {:?} for a reader",
        started.elapsed()
    );
    let Some((pool, tx)) = reader else {
        return;
    };
    let wal = db.url.trim_start_matches("sqlite://").to_owned() + "-wal";
    let wal_size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert!(wal_size() > 0, "the reader still holds the WAL");
    tx.rollback().await.unwrap();
    pool.close().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while wal_size() > 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        wal_size(),
        0,
        "the WAL holding the casting transactions is truncated once the reader lets go"
    );
    // The papers are counted and archived; nothing else of the casting is left on disk but
    // the database file, checked by `nothing_links_a_paper_to_its_voter`.
    let archived = cast
        .app
        .ballot(&cast.secretary, cast.ballot.id)
        .await
        .unwrap();
    assert_eq!(archived.papers_cast, 12);
}

/// (table, columns) of every table of the schema.
async fn table_columns(db: &TestDb) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    if db.is_postgres() {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        for (table, column) in rows {
            match out.last_mut() {
                Some((t, columns)) if *t == table => columns.push(column),
                _ => out.push((table, vec![column])),
            }
        }
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                .fetch_all(&pool)
                .await
                .unwrap();
        for table in tables {
            let columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT name FROM pragma_table_info('{table}')"
            )))
            .fetch_all(&pool)
            .await
            .unwrap();
            out.push((table, columns));
        }
        pool.close().await;
    }
    out
}

struct Papers {
    /// Papers (id, subject → vote) by paper id.
    ordered: Vec<(Uuid, BTreeMap<Uuid, String>)>,
    /// Natural orders: name → papers in that order (first appearance of each paper).
    orders: Vec<(String, Vec<BTreeMap<Uuid, String>>)>,
    /// Members marked as having voted, in stored order.
    roll_voted: Vec<Uuid>,
}

fn papers_in_order(rows: &[(Uuid, Uuid, String)]) -> Vec<BTreeMap<Uuid, String>> {
    group(rows).into_iter().map(|(_, votes)| votes).collect()
}

fn group(rows: &[(Uuid, Uuid, String)]) -> Vec<(Uuid, BTreeMap<Uuid, String>)> {
    let mut order: Vec<Uuid> = Vec::new();
    let mut papers: BTreeMap<Uuid, BTreeMap<Uuid, String>> = BTreeMap::new();
    for (paper, subject, vote) in rows {
        if !papers.contains_key(paper) {
            order.push(*paper);
        }
        papers
            .entry(*paper)
            .or_default()
            .insert(*subject, vote.clone());
    }
    order.into_iter().map(|p| (p, papers[&p].clone())).collect()
}

async fn read_ballot_tables(
    db: &TestDb,
    ballot: Uuid,
) -> (Vec<(Uuid, Uuid, String)>, Papers, Vec<String>) {
    let mut orders: Vec<(String, Vec<BTreeMap<Uuid, String>>)> = Vec::new();
    let urn: Vec<(Uuid, Uuid, String)>;
    let by_id: Vec<(Uuid, Uuid, String)>;
    let roll_voted: Vec<Uuid>;
    let roll_columns: Vec<String>;
    if db.is_postgres() {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        urn = sqlx::query_as("SELECT paper_id, subject_id, vote FROM ballot_urn")
            .fetch_all(&pool)
            .await
            .unwrap();
        by_id = sqlx::query_as("SELECT paper_id, subject_id, vote FROM ballot_papers WHERE ballot_id = $1 ORDER BY paper_id, subject_id").bind(ballot).fetch_all(&pool).await.unwrap();
        let physical: Vec<(Uuid, Uuid, String)> = sqlx::query_as("SELECT paper_id, subject_id, vote FROM ballot_papers WHERE ballot_id = $1 ORDER BY ctid").bind(ballot).fetch_all(&pool).await.unwrap();
        let unordered: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
            "SELECT paper_id, subject_id, vote FROM ballot_papers WHERE ballot_id = $1",
        )
        .bind(ballot)
        .fetch_all(&pool)
        .await
        .unwrap();
        orders.push(("ctid".to_owned(), papers_in_order(&physical)));
        orders.push(("unordered scan".to_owned(), papers_in_order(&unordered)));
        roll_voted = sqlx::query_scalar(
            "SELECT member_id FROM ballot_roll WHERE ballot_id = $1 AND has_voted ORDER BY ctid",
        )
        .bind(ballot)
        .fetch_all(&pool)
        .await
        .unwrap();
        roll_columns = sqlx::query_scalar("SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'ballot_roll'").fetch_all(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        urn = sqlx::query_as("SELECT paper_id, subject_id, vote FROM ballot_urn")
            .fetch_all(&pool)
            .await
            .unwrap();
        by_id = sqlx::query_as("SELECT paper_id, subject_id, vote FROM ballot_papers WHERE ballot_id = $1 ORDER BY paper_id, subject_id").bind(ballot).fetch_all(&pool).await.unwrap();
        let unordered: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
            "SELECT paper_id, subject_id, vote FROM ballot_papers WHERE ballot_id = $1",
        )
        .bind(ballot)
        .fetch_all(&pool)
        .await
        .unwrap();
        orders.push(("table scan".to_owned(), papers_in_order(&unordered)));
        let rowid = sqlx::query("SELECT rowid FROM ballot_papers")
            .fetch_all(&pool)
            .await;
        assert!(
            rowid.is_err(),
            "ballot_papers has no rowid that could record an order"
        );
        let rowid = sqlx::query("SELECT rowid FROM ballot_urn")
            .fetch_all(&pool)
            .await;
        assert!(
            rowid.is_err(),
            "ballot_urn has no rowid that could record an order"
        );
        roll_voted = sqlx::query_scalar(
            "SELECT member_id FROM ballot_roll WHERE ballot_id = $1 AND has_voted",
        )
        .bind(ballot)
        .fetch_all(&pool)
        .await
        .unwrap();
        roll_columns = sqlx::query_scalar("SELECT name FROM pragma_table_info('ballot_roll')")
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    let ordered = group(&by_id);
    orders.push((
        "paper id".to_owned(),
        ordered.iter().map(|(_, v)| v.clone()).collect(),
    ));
    (
        urn,
        Papers {
            ordered,
            orders,
            roll_voted,
        },
        roll_columns,
    )
}

/// PostgreSQL, read as an attacker with the database files: every heap page of the ballot
/// tables, byte by byte (`pageinspect`'s `get_raw_page`), live rows, dead rows and the freed
/// space VACUUM leaves as it was. A row holding a voter's member id or a paper's id is found
/// wherever its bytes are, and its `xmin` read from its header; a transaction that wrote some
/// voters and some papers — not the whole roll, as the opening and the closing do — links them.
/// While the ballot is open the attack works (each voter cast alone: twelve links, the test
/// shows its reader finds them); after the close nothing is left to find.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_pages_link_no_voter_to_a_paper_after_close() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("KIEMDIEM_TEST_PG not set: the PostgreSQL pages are not read");
        return;
    };
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    if let Err(e) = sqlx::query("CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public")
        .execute(&pool)
        .await
    {
        eprintln!("the pageinspect extension is not available ({e}): the raw pages are not read");
        pool.close().await;
        db.finish().await;
        return;
    }
    let schema: String = sqlx::query_scalar(
        "SELECT n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace \
         WHERE e.extname = 'pageinspect'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let cast = twelve_papers_cast(&db).await;
    // Another branch votes at the same time and is still voting when this ballot closes: the
    // pages it shares stay in use (an emptied page would be cut off the file by VACUUM).
    let other = other_branch_votes(&cast).await;
    let voters: HashSet<Uuid> = cast.casting_order.iter().copied().collect();
    let (voted, urn) = kiemdiem_store::cycle::ballot::live_tables(cast.ballot.id);

    // While open: the ballot's own tables pair each voter with their paper by xmin.
    let papers_live: HashSet<Uuid> =
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT paper_id FROM {urn}")))
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(papers_live.len(), 12);
    let found_voters = ids_in_pages(&pool, &schema, &voted, 24, &voters).await;
    let found_papers = ids_in_pages(&pool, &schema, &urn, 24, &papers_live).await;
    let open_links = links(&found_voters, &found_papers, voters.len());
    assert_eq!(
        open_links.len(),
        12,
        "while open, each lone voter's transaction is found with their paper: {open_links:?}"
    );

    cast.app
        .close_ballot(&cast.secretary, cast.ballot.id, cast.ballot.version)
        .await
        .unwrap();

    // After close: the ballot's own tables are gone, with every row version casting wrote.
    for table in [&voted, &urn] {
        let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
            .bind(table)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(!exists, "{table} is dropped at close");
    }
    let papers: HashSet<Uuid> =
        sqlx::query_scalar("SELECT paper_id FROM ballot_papers WHERE ballot_id = $1")
            .bind(cast.ballot.id)
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(papers, papers_live, "the papers are archived");
    // Every shared table holding voters or papers, every byte of every page: the ballot id
    // comes first in each, the member or paper id 16 bytes after it.
    let found_voters = ids_in_pages(&pool, &schema, "ballot_roll", 40, &voters).await;
    let mut found_papers = Vec::new();
    for table in ["ballot_papers", "ballot_urn"] {
        found_papers.extend(ids_in_pages(&pool, &schema, table, 40, &papers).await);
    }
    assert!(
        !found_voters.is_empty() && !found_papers.is_empty(),
        "the reader finds the roll and the archive"
    );
    let after = links(&found_voters, &found_papers, voters.len());
    assert!(after.is_empty(), "after close the pages link {after:?}");
    // No row of any ballot table, live or dead, was written by a casting transaction.
    let casting: HashSet<u32> = open_links.iter().map(|(xmin, _, _)| *xmin).collect();
    let written: Vec<(String, i64)> = sqlx::query_as(
        "SELECT c.relname::text, (pg_relation_size(c.oid) / current_setting('block_size')::int)::bigint \
         FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' \
         AND (c.relname LIKE 'ballot%')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (table, blocks) in written {
        for block in 0..blocks {
            let xmins: Vec<Option<i64>> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT t_xmin::text::bigint FROM {schema}.heap_page_items({schema}.get_raw_page($1, $2::int))"
            )))
            .bind(&table)
            .bind(block as i32)
            .fetch_all(&pool)
            .await
            .unwrap();
            for xmin in xmins.into_iter().flatten() {
                assert!(
                    !casting.contains(&(xmin as u32)),
                    "{table} block {block} holds a row written by a casting transaction"
                );
            }
        }
    }
    let still_open = cast.app.ballot(&cast.secretary, other).await.unwrap();
    assert_eq!(still_open.voted, 1, "the other branch's ballot goes on");
    pool.close().await;
    db.finish().await;
}

/// Every occurrence of one of `ids` in the raw pages of `table`, with the `xmin` of the tuple
/// header `id_at` bytes before it (the header is 24 bytes; UUIDs are not padded).
async fn ids_in_pages(
    pool: &sqlx::PgPool,
    schema: &str,
    table: &str,
    id_at: usize,
    ids: &HashSet<Uuid>,
) -> Vec<(u32, Uuid)> {
    let blocks: i64 = sqlx::query_scalar(
        "SELECT (pg_relation_size($1::regclass) / current_setting('block_size')::int)::bigint",
    )
    .bind(table)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for block in 0..blocks {
        let page: Vec<u8> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT {schema}.get_raw_page($1, $2::int)"
        )))
        .bind(table)
        .bind(block as i32)
        .fetch_one(pool)
        .await
        .unwrap();
        for at in id_at..=page.len().saturating_sub(16) {
            let Ok(id) = Uuid::from_slice(&page[at..at + 16]) else {
                continue;
            };
            if ids.contains(&id) {
                let header = at - id_at;
                let xmin = u32::from_le_bytes(page[header..header + 4].try_into().unwrap());
                out.push((xmin, id));
            }
        }
    }
    out
}

/// Transactions (xmin) that wrote some voters — fewer than the whole roll of `roll` — and
/// some papers: (xmin, voters, papers).
fn links(
    voters: &[(u32, Uuid)],
    papers: &[(u32, Uuid)],
    roll: usize,
) -> Vec<(u32, Vec<Uuid>, Vec<Uuid>)> {
    let mut by_xmin: BTreeMap<u32, (BTreeSet<Uuid>, BTreeSet<Uuid>)> = BTreeMap::new();
    for (xmin, voter) in voters {
        by_xmin.entry(*xmin).or_default().0.insert(*voter);
    }
    for (xmin, paper) in papers {
        by_xmin.entry(*xmin).or_default().1.insert(*paper);
    }
    by_xmin
        .into_iter()
        .filter(|(_, (v, p))| !v.is_empty() && !p.is_empty() && v.len() < roll)
        .map(|(xmin, (v, p))| (xmin, v.into_iter().collect(), p.into_iter().collect()))
        .collect()
}

/// A backup taken while a ballot is open (on PostgreSQL its papers and who has voted are in the
/// ballot's own tables) restores it open: the papers already cast are counted at its close,
/// and a voter who had voted cannot vote again.
async fn a_backup_taken_during_a_ballot_restores_it_open(db: &TestDb) {
    let cast = twelve_papers_cast(db).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sao-luu.bak");
    db.store.backup_to(&out).await.unwrap();
    let fresh = if db.is_postgres() {
        TestDb::postgres().await.expect("a second schema")
    } else {
        TestDb::sqlite().await
    };
    let target = if db.is_postgres() {
        fresh.url.clone()
    } else {
        format!("sqlite://{}", dir.path().join("phuc-hoi.db").display())
    };
    let (restored, _) = kiemdiem_store::backup::restore(&out, &target)
        .await
        .unwrap();
    let app = kiemdiem_app::App::with_today(restored.clone(), crate::support::TODAY);
    let voter = cast.casting_order[0];
    let again = app
        .cast_ballot(
            &Actor::trusted_member("dangvien", voter),
            cast.ballot.id,
            voter,
            &paper_of(&cast.agenda, 0),
        )
        .await;
    assert!(
        again.is_err(),
        "a voter who had voted votes again: {again:?}"
    );
    let open = app.ballot(&cast.secretary, cast.ballot.id).await.unwrap();
    assert_eq!(open.voted, 12);
    let closed = app
        .close_ballot(&cast.secretary, cast.ballot.id, cast.ballot.version)
        .await
        .unwrap();
    assert_eq!(closed.papers_cast, 12);
    restored.close().await;
    fresh.finish().await;
}
