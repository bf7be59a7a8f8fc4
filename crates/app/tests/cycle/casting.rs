//! Group commit of ballot papers: papers arriving together are written in one transaction, yet
//! every voter gets their own answer — exactly one paper per voter however many times they send
//! it at once, a refusal (already voted, not entitled, not on the roll, unknown subject) for
//! that voter only, and the count at close is one paper per voter.

use crate::support::{Person, TestDb, YEAR, actor, app, build, official, on_both_backends};
use kiemdiem_app::ballot::{BallotMode, RollAdjustments};
use kiemdiem_app::meeting::{Attendee, NewMeeting};
use kiemdiem_app::plan::NewPlan;
use kiemdiem_app::{Actor, App};
use kiemdiem_rules::Level;
use kiemdiem_rules::ballot::{BallotOutcome, Vote};
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_store::cycle::ballot::{CastOutcome, NewPaper};
use std::collections::BTreeMap;
use time::macros::date;
use uuid::Uuid;

on_both_backends!(
    one_transaction_casts_several_papers_and_refuses_each_voter_alone,
    concurrent_casts_are_grouped_and_each_voter_is_answered,
    a_subject_is_voted_again_only_after_a_round_without_majority,
    a_members_home_follows_the_ballot_though_its_branch_plans_are_kept
);

const NAMES: [&str; 10] = [
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
];

/// An open ballot of the first branch: ten official members and one probationary (the last
/// member), all present; the agenda, and the members.
async fn open_ballot(db: &TestDb, app: &App) -> (Uuid, Vec<Uuid>, Vec<Uuid>) {
    let mut people: Vec<Person> = NAMES.iter().map(|n| official(n)).collect();
    people.push(Person {
        name: "Lý Văn Dự",
        admitted: date!(2025 - 06 - 01),
        official: None,
    });
    let org = build(&db.store, &people, &[official("Hà Văn Tâm")]).await;
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
    let agenda: Vec<Uuid> = app
        .subjects(&secretary, plan.id, Some(&[org.branches[0]]))
        .await
        .unwrap()
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
    assert_eq!(ballot.entitled, 10, "the probationary member may not vote");
    (ballot.id, agenda, org.members[0].clone())
}

fn paper(agenda: &[Uuid], level: Level) -> BTreeMap<Uuid, Vote> {
    agenda.iter().map(|s| (*s, Vote::For(level))).collect()
}

async fn close(app: &App, ballot: Uuid) -> kiemdiem_app::ballot::Ballot {
    let secretary = actor("bithu");
    let open = app.ballot(&secretary, ballot).await.unwrap();
    app.close_ballot(&secretary, ballot, open.version)
        .await
        .unwrap()
}

/// The store's group cast: one statement marks the voters, one inserts the papers; each paper
/// gets its own outcome, a voter given twice gets one paper in.
async fn one_transaction_casts_several_papers_and_refuses_each_voter_alone(db: &TestDb) {
    let app = app(db);
    let (ballot, agenda, members) = open_ballot(db, &app).await;
    let probationary = *members.last().unwrap();
    let stranger = Uuid::new_v4();
    let votes: Vec<(Uuid, &str)> = agenda.iter().map(|s| (*s, "HTTNV")).collect();
    let new = |voter: Uuid| NewPaper {
        voter,
        paper_id: Uuid::new_v4(),
        votes: votes.clone(),
    };
    let mut tx = db.store.begin("test").await.unwrap();
    let outcomes = tx
        .cast_papers(
            ballot,
            &[
                new(members[0]),
                new(members[1]),
                new(members[0]),
                new(probationary),
                new(stranger),
                new(members[2]),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        outcomes,
        [
            CastOutcome::Cast,
            CastOutcome::Cast,
            CastOutcome::AlreadyVoted,
            CastOutcome::NotEntitled,
            CastOutcome::NotOnRoll,
            CastOutcome::Cast,
        ]
    );
    assert!(tx.changes().is_empty(), "casting records nothing");
    tx.commit().await.unwrap();

    // A second group: those who voted are refused, the others cast.
    let mut tx = db.store.begin("test").await.unwrap();
    let outcomes = tx
        .cast_papers(ballot, &[new(members[3]), new(members[1])])
        .await
        .unwrap();
    assert_eq!(outcomes, [CastOutcome::Cast, CastOutcome::AlreadyVoted]);
    tx.commit().await.unwrap();

    // A rolled-back group leaves nobody marked.
    let mut tx = db.store.begin("test").await.unwrap();
    let outcomes = tx.cast_papers(ballot, &[new(members[4])]).await.unwrap();
    assert_eq!(outcomes, [CastOutcome::Cast]);
    drop(tx);
    let closed = close(&app, ballot).await;
    assert_eq!(closed.papers_cast, 4);
    assert_eq!(closed.voted, 4);
    let httnv = closed.results.iter().map(|r| r.tally.levels.httnv);
    assert!(
        httnv.clone().all(|n| n == 4),
        "{:?}",
        httnv.collect::<Vec<_>>()
    );

    // After close, a group is refused as closed.
    let mut tx = db.store.begin("test").await.unwrap();
    let outcomes = tx.cast_papers(ballot, &[new(members[5])]).await.unwrap();
    assert_eq!(outcomes, [CastOutcome::Closed]);
}

/// Voters casting at the same moment, each several times at once: exactly one paper each; the
/// others answered `already_voted`, the probationary member `not_entitled`, a paper naming a
/// subject not on the agenda `invalid` — and none of these refusals touches anyone else's paper.
async fn concurrent_casts_are_grouped_and_each_voter_is_answered(db: &TestDb) {
    let app = app(db);
    let (ballot, agenda, members) = open_ballot(db, &app).await;
    let probationary = *members.last().unwrap();
    let levels = [Level::Htxsnv, Level::Httnv, Level::Htnv];
    let mut tasks = tokio::task::JoinSet::new();
    for (i, member) in members.iter().enumerate() {
        for attempt in 0..3 {
            let app = app.clone();
            let member = *member;
            let mut votes = paper(&agenda, levels[i % 3]);
            // The first member's first attempt names a subject that is not on the agenda.
            if i == 0 && attempt == 0 {
                votes.insert(Uuid::new_v4(), Vote::Blank);
            }
            tasks.spawn(async move {
                let cast = app
                    .cast_ballot(
                        &Actor::trusted_member("dangvien", member),
                        ballot,
                        member,
                        &votes,
                    )
                    .await;
                (member, cast.map_err(|e| e.code()))
            });
        }
    }
    let mut answers: BTreeMap<Uuid, Vec<Result<(), &'static str>>> = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        let (member, answer) = joined.unwrap();
        answers.entry(member).or_default().push(answer);
    }
    for (i, member) in members.iter().enumerate() {
        let mut got = answers[member].clone();
        got.sort();
        if *member == probationary {
            assert_eq!(got, [Err("not_entitled"); 3]);
            continue;
        }
        let cast = got.iter().filter(|a| a.is_ok()).count();
        assert_eq!(cast, 1, "member {i}: exactly one paper, got {got:?}");
        let refused: Vec<&str> = got.iter().filter_map(|a| a.err()).collect();
        if i == 0 {
            // The bad paper is refused on its own; of the two good ones, one is cast.
            let mut expected = vec!["already_voted", "invalid"];
            expected.sort();
            let mut refused = refused.clone();
            refused.sort();
            assert_eq!(refused, expected, "member {i}");
        } else {
            assert_eq!(refused, ["already_voted"; 2], "member {i}");
        }
    }
    let closed = close(&app, ballot).await;
    assert_eq!(closed.papers_cast, 10, "one paper per entitled voter");
    assert_eq!(closed.voted, 10);
    for result in &closed.results {
        let t = &result.tally;
        assert_eq!(
            (t.levels.htxsnv, t.levels.httnv, t.levels.htnv, t.blank),
            (4, 3, 3, 0),
            "{}",
            result.name
        );
    }
}

/// A meeting votes on each subject once; a subject whose round had no majority is voted on
/// again, at the same meeting, and only subjects of its agenda are on its ballots.
async fn a_subject_is_voted_again_only_after_a_round_without_majority(db: &TestDb) {
    let app = app(db);
    let (ballot, agenda, members) = open_ballot(db, &app).await;
    let secretary = actor("bithu");
    let meeting = app.ballot(&secretary, ballot).await.unwrap().meeting;
    // Four of ten for HTXSNV and the rest blank on the first subject: no level has a majority.
    // Everyone HTTNV on the second: a majority.
    for (n, member) in members.iter().take(10).enumerate() {
        let first = if n < 4 {
            Vote::For(Level::Htxsnv)
        } else {
            Vote::Blank
        };
        let votes = BTreeMap::from([(agenda[0], first), (agenda[1], Vote::For(Level::Httnv))]);
        app.cast_ballot(
            &Actor::trusted_member("dangvien", *member),
            ballot,
            *member,
            &votes,
        )
        .await
        .unwrap();
    }
    let busy = app
        .prepare_ballot(&secretary, meeting, BallotMode::Electronic, vec![agenda[0]])
        .await
        .unwrap_err();
    assert_eq!(busy.code(), "conflict", "already on an open ballot");
    let closed = close(&app, ballot).await;
    let outcome = |subject: Uuid| {
        closed
            .results
            .iter()
            .find(|r| r.subject == subject)
            .map(|r| r.outcome.clone())
            .unwrap()
    };
    assert!(
        matches!(outcome(agenda[0]), BallotOutcome::NoMajority { .. }),
        "{:?}",
        outcome(agenda[0])
    );
    assert!(matches!(
        outcome(agenda[1]),
        BallotOutcome::Level {
            level: Level::Httnv,
            ..
        }
    ));
    let decided = app
        .prepare_ballot(&secretary, meeting, BallotMode::Electronic, vec![agenda[1]])
        .await
        .unwrap_err();
    assert_eq!(
        decided.code(),
        "conflict",
        "the second subject has its result"
    );
    assert_eq!(decided.field(), Some("agenda[0]"));
    let again = app
        .prepare_ballot(&secretary, meeting, BallotMode::Electronic, vec![agenda[0]])
        .await
        .unwrap();
    assert_eq!(again.agenda, [agenda[0]]);
    let stranger = app
        .subjects(&secretary, plan_of(&app, meeting).await, None)
        .await
        .unwrap()
        .into_iter()
        .find(|s| {
            s.kind.is_member()
                && !agenda.contains(&s.id)
                && s.participation == Participation::ReviewAndClassify
        })
        .expect("a member not on the agenda");
    let off_agenda = app
        .prepare_ballot(
            &secretary,
            meeting,
            BallotMode::Electronic,
            vec![stranger.id],
        )
        .await
        .unwrap_err();
    assert_eq!(off_agenda.field(), Some("agenda[0]"));
}

/// The plan a meeting belongs to.
async fn plan_of(app: &App, meeting: Uuid) -> Uuid {
    app.meeting(&actor("bithu"), meeting).await.unwrap().plan
}

/// A member's home: the branch's plans and open ballots are kept for all its members
/// (`answers.rs`), what is the member's own (voted or not) is read on every visit, and closing
/// the ballot shows at once.
async fn a_members_home_follows_the_ballot_though_its_branch_plans_are_kept(db: &TestDb) {
    let app = app(db);
    let (ballot, agenda, members) = open_ballot(db, &app).await;
    let home = |member: Uuid| {
        let app = app.clone();
        async move {
            app.my_work(&Actor::trusted_member("dangvien", member))
                .await
                .unwrap()
        }
    };
    let first = home(members[0]).await;
    assert_eq!(first.ballots.len(), 1);
    assert_eq!(first.ballots[0].ballot, ballot);
    assert!(!first.ballots[0].voted);
    assert!(
        first.own.iter().any(|o| agenda.contains(&o.subject.id)),
        "their own subject in the plan"
    );
    // The second member's home is read from the kept plans: their own ballot line all the same.
    let second = home(members[1]).await;
    assert_eq!(second.ballots.len(), 1);
    assert!(
        second
            .own
            .iter()
            .all(|o| !first.own.iter().any(|f| f.subject.id == o.subject.id))
    );
    // The first member votes: their home says so at once, the second's does not.
    app.cast_ballot(
        &Actor::trusted_member("dangvien", members[0]),
        ballot,
        members[0],
        &paper(&agenda, Level::Httnv),
    )
    .await
    .unwrap();
    assert!(home(members[0]).await.ballots[0].voted);
    assert!(!home(members[1]).await.ballots[0].voted);
    // The ballot closes: no home lists it any more.
    close(&app, ballot).await;
    assert!(home(members[0]).await.ballots.is_empty());
    assert!(home(members[1]).await.ballots.is_empty());
}
