//! Defects found running the cycle as an office would (issue 13), each pinned: a paper ballot
//! takes no paper through the system; a member recorded absent from the meeting neither votes
//! nor is voted on there; the draft-sent day of a collective report is its own step.

use crate::support::{
    TestDb, YEAR, actor, app, build, official, on_both_backends, open_year_plan, prepare,
};
use kiemdiem_app::ballot::{BallotMode, RollAdjustments};
use kiemdiem_app::meeting::{Attendee, NewMeeting, ReviewRecord};
use kiemdiem_app::plan::Subject;
use kiemdiem_app::{Actor, App};
use kiemdiem_rules::SubjectKind;
use kiemdiem_rules::ballot::Vote;
use kiemdiem_rules::{Level, RuleBook, RuleSetId};
use std::collections::BTreeMap;
use time::macros::date;
use uuid::Uuid;

on_both_backends!(
    ballots_take_papers_only_from_present_members_and_only_electronically,
    the_draft_sent_day_is_its_own_step,
);

const BRANCH: [&str; 4] = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Văn Dũng",
];

async fn reviewed_branch(db: &TestDb) -> (App, Uuid, Uuid, Vec<Uuid>, Vec<Subject>) {
    let people: Vec<_> = BRANCH.iter().map(|n| official(n)).collect();
    let org = build(&db.store, &people, &[official("Bùi Văn Hùng")]).await;
    let app = app(db);
    let who = actor("bithu");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let branch = subjects
        .iter()
        .find(|s| s.org == Some(org.branches[0]))
        .unwrap()
        .clone();
    let members: Vec<Subject> = org.members[0]
        .iter()
        .map(|m| {
            subjects
                .iter()
                .find(|s| s.member == Some(*m))
                .unwrap()
                .clone()
        })
        .collect();
    for s in std::iter::once(&branch).chain(&members) {
        prepare(&app, s, 80, date!(2025 - 12 - 01)).await;
    }
    let mut agenda = vec![branch.clone()];
    agenda.extend(members.iter().cloned());
    let meeting = app
        .schedule_meeting(
            &who,
            NewMeeting {
                plan: plan.id,
                org: org.branches[0],
                title: "Hội nghị kiểm điểm chi bộ thôn Nà Pàn".into(),
                body_key: None,
                suggested: false,
                held_on: date!(2025 - 12 - 10),
                place: "Nhà văn hóa thôn".into(),
                chair: "Trần Thị Bình".into(),
                attendees: org.members[0]
                    .iter()
                    .zip(BRANCH)
                    .map(|(id, name)| Attendee {
                        member: Some(*id),
                        name: name.into(),
                        role: "member".into(),
                        present: true,
                        excused: false,
                    })
                    .collect(),
                agenda: agenda.iter().map(|s| s.id).collect(),
            },
        )
        .await
        .unwrap();
    for s in &agenda {
        // Dũng did not come after all: recorded absent, reviewed at the next meeting.
        let present = s.name != "Phạm Văn Dũng";
        app.record_review(
            &actor("thuky"),
            meeting.id,
            s.id,
            ReviewRecord {
                present,
                conclusion: "Thống nhất".into(),
                ..ReviewRecord::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {}", s.name, e.message()));
    }
    (app, plan.id, meeting.id, org.members[0].clone(), members)
}

fn paper(subjects: &[&Subject], level: Level) -> BTreeMap<Uuid, Vote> {
    subjects.iter().map(|s| (s.id, Vote::For(level))).collect()
}

async fn ballots_take_papers_only_from_present_members_and_only_electronically(db: &TestDb) {
    let (app, _plan, meeting, voters, members) = reviewed_branch(db).await;
    let secretary = actor("bithu");
    let present: Vec<&Subject> = members
        .iter()
        .filter(|s| s.name != "Phạm Văn Dũng")
        .collect();

    // The absent member is not voted on at this meeting.
    let refused = app
        .prepare_ballot(
            &secretary,
            meeting,
            BallotMode::Electronic,
            members.iter().map(|s| s.id).collect(),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("agenda[3]"), "{}", refused.message());
    assert!(
        refused.message().contains("vắng mặt"),
        "{}",
        refused.message()
    );

    // An electronic ballot on An and Bình: the absent member cannot cast a paper, the three
    // present ones do, and three papers are counted.
    let electronic = app
        .prepare_ballot(
            &secretary,
            meeting,
            BallotMode::Electronic,
            vec![present[0].id, present[1].id],
        )
        .await
        .unwrap();
    let electronic = app
        .open_ballot(
            &secretary,
            electronic.id,
            electronic.version,
            RollAdjustments::default(),
        )
        .await
        .unwrap();
    assert_eq!(electronic.entitled, 3, "the absent member is no voter");
    assert_eq!(electronic.denominator.as_ref().unwrap().present_voters, 3);
    let votes = paper(&present[..2], Level::Httnv);
    let absent = app
        .cast_ballot(
            &Actor::trusted_member("dung", voters[3]),
            electronic.id,
            voters[3],
            &votes,
        )
        .await
        .unwrap_err();
    assert_eq!(absent.code(), "not_entitled", "{}", absent.message());
    for voter in &voters[..3] {
        app.cast_ballot(
            &Actor::trusted_member("dangvien", *voter),
            electronic.id,
            *voter,
            &votes,
        )
        .await
        .unwrap();
    }
    let closed = app
        .close_ballot(&secretary, electronic.id, electronic.version)
        .await
        .unwrap();
    assert_eq!(closed.papers_cast, 3);

    // A paper ballot on Cường: no paper comes in through the system.
    let on_paper = app
        .prepare_ballot(&secretary, meeting, BallotMode::Paper, vec![present[2].id])
        .await
        .unwrap();
    let on_paper = app
        .open_ballot(
            &secretary,
            on_paper.id,
            on_paper.version,
            RollAdjustments::default(),
        )
        .await
        .unwrap();
    let cast = app
        .cast_ballot(
            &Actor::trusted_member("an", voters[0]),
            on_paper.id,
            voters[0],
            &paper(&present[2..], Level::Httnv),
        )
        .await
        .unwrap_err();
    assert_eq!(cast.code(), "conflict", "{}", cast.message());
    assert!(cast.message().contains("phiếu giấy"), "{}", cast.message());
    assert_eq!(
        app.ballot(&secretary, on_paper.id).await.unwrap().voted,
        0,
        "nobody is marked as having voted"
    );
}

async fn the_draft_sent_day_is_its_own_step(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Thị Bình")],
        &[official("Bùi Văn Hùng")],
    )
    .await;
    let app = app(db);
    let who = actor("bithu");
    let (_plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let branch = subjects
        .iter()
        .find(|s| s.org == Some(org.branches[0]))
        .unwrap();
    let member = subjects
        .iter()
        .find(|s| s.member == Some(org.members[0][1]))
        .unwrap();
    let sections = |subject: &Subject| {
        kiemdiem_app::review::form_sections(&RuleBook::national(RuleSetId::Qd366Hd43), subject.kind)
            .iter()
            .map(|s| (s.code.to_owned(), format!("{} — {}", subject.name, s.title)))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(branch.kind, SubjectKind::Organisation);
    let draft = app
        .save_self_review(&who, branch.id, 0, sections(branch))
        .await
        .unwrap();
    let future = app
        .record_draft_sent(&who, branch.id, draft.version, date!(2025 - 12 - 20))
        .await
        .unwrap_err();
    assert_eq!(future.field(), Some("sent_on"));
    let sent = app
        .record_draft_sent(&who, branch.id, draft.version, date!(2025 - 12 - 02))
        .await
        .unwrap();
    assert_eq!(sent.draft_sent_on, Some(date!(2025 - 12 - 02)));
    assert_eq!(sent.status, "draft", "sending the draft does not submit it");
    // The draft is edited after it was sent: the day stays.
    let edited = app
        .save_self_review(&who, branch.id, sent.version, sections(branch))
        .await
        .unwrap();
    assert_eq!(edited.draft_sent_on, Some(date!(2025 - 12 - 02)));
    let submitted = app
        .submit_self_review(&who, branch.id, edited.version, date!(2025 - 12 - 08), None)
        .await
        .unwrap();
    assert_eq!(submitted.draft_sent_on, Some(date!(2025 - 12 - 02)));
    let trail = app
        .audit_trail(&who, "subject", &branch.id.to_string())
        .await
        .unwrap();
    assert!(trail.iter().any(|e| e.action == "self_review.draft_sent"));

    // An individual's self-review has no draft sent to the participants.
    let own = app
        .save_self_review(&who, member.id, 0, sections(member))
        .await
        .unwrap();
    let individual = app
        .record_draft_sent(&who, member.id, own.version, date!(2025 - 12 - 02))
        .await
        .unwrap_err();
    assert_eq!(individual.field(), Some("sent_on"));
}
