//! A whole cycle for a grassroots organisation with two branches: plan → self-reviews →
//! meetings → ballots → proposals → decisions (with a refused out-of-order and a refused
//! over-quota decision) → published results; then the audit chain, intact and tampered.

use crate::support::{
    Person, TODAY, TestDb, YEAR, actor, app, build, official, on_both_backends, points,
};
use kiemdiem_app::ballot::{BallotMode, RollAdjustments};
use kiemdiem_app::evaluation::{DecisionInput, Opinion, OpinionSource, SelfEvaluation};
use kiemdiem_app::meeting::{Attendee, MeetingClose, NewMeeting, ReviewRecord};
use kiemdiem_app::plan::{NewPlan, PhaseInput, Step, Subject};
use kiemdiem_app::state::Stage;
use kiemdiem_app::{Actor, App};
use kiemdiem_rules::authority::Body;
use kiemdiem_rules::ballot::{Tally, Vote};
use kiemdiem_rules::eligibility::Participation;
use kiemdiem_rules::facts::{LevelCounts, TaskResults};
use kiemdiem_rules::{Level, SubjectKind};
use std::collections::BTreeMap;
use time::macros::date;
use uuid::Uuid;

on_both_backends!(whole_cycle);

const BRANCH1: [Person; 7] = [
    official("Nguyễn Văn An"),
    official("Trần Thị Bình"),
    official("Lê Văn Cường"),
    official("Phạm Văn Dũng"),
    official("Hoàng Thị Hà"),
    Person {
        name: "Vũ Thị Phương",
        admitted: date!(2025 - 03 - 01),
        official: None,
    },
    Person {
        name: "Đặng Văn Giang",
        admitted: date!(2025 - 09 - 01),
        official: None,
    },
];
const BRANCH2: [Person; 5] = [
    official("Bùi Văn Hùng"),
    official("Đỗ Thị Lan"),
    official("Ngô Văn Minh"),
    official("Dương Thị Nga"),
    official("Lý Thị Oanh"),
];

fn tasks(exceeded: u32, on_time: u32) -> TaskResults {
    TaskResults {
        assigned: 10,
        completed: 10,
        on_time,
        exceeded,
    }
}

fn sections(kind: SubjectKind, own: &str) -> BTreeMap<String, String> {
    kiemdiem_app::review::form_sections(
        &kiemdiem_rules::RuleBook::national(kiemdiem_rules::RuleSetId::Qd366Hd43),
        kind,
    )
    .iter()
    .filter(|s| s.required)
    .map(|s| (s.code.to_owned(), format!("{own} — {}", s.title)))
    .collect()
}

fn by_name<'a>(subjects: &'a [Subject], name: &str) -> &'a Subject {
    subjects
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no subject {name}"))
}

async fn fresh(app: &App, id: Uuid) -> Subject {
    app.subject(&actor("reader"), id).await.unwrap()
}

/// Self-review (submitted 05/12) and self-evaluation of one subject.
async fn write_and_score(
    app: &App,
    subject: &Subject,
    text: &str,
    score: i64,
    tasks: TaskResults,
    proposed: Level,
) {
    let who = actor(&format!("self:{}", subject.name));
    let review = app
        .save_self_review(&who, subject.id, 0, sections(subject.kind, text))
        .await
        .unwrap();
    let draft_sent =
        matches!(subject.kind, SubjectKind::Organisation).then_some(date!(2025 - 12 - 05));
    app.submit_self_review(
        &who,
        subject.id,
        review.version,
        date!(2025 - 12 - 05),
        draft_sent,
    )
    .await
    .unwrap();
    let framework = subject
        .framework
        .clone()
        .expect("a framework for every classified subject");
    app.self_evaluate(
        &who,
        subject.id,
        0,
        SelfEvaluation {
            input: points(&framework, score),
            evidence: BTreeMap::from([(
                "nhiem_vu.1".into(),
                "Hoàn thành 10/10 nhiệm vụ được giao".into(),
            )]),
            tasks: Some(tasks),
            proposed: Some(proposed),
            note: String::new(),
        },
    )
    .await
    .unwrap();
    crate::support::record_plain_year(app, subject, date!(2025 - 12 - 05)).await;
}

async fn review(
    app: &App,
    meeting: Uuid,
    subject: &Subject,
    chair: Option<Uuid>,
) -> Result<(), kiemdiem_app::AppError> {
    app.record_review(
        &actor("thuky"),
        meeting,
        subject.id,
        ReviewRecord {
            present: true,
            comments: "Các đồng chí góp ý".into(),
            conclusion: "Thống nhất".into(),
            chaired_by: chair,
            chaired_by_name: None,
            override_reason: None,
        },
    )
    .await
    .map(|_| ())
}

async fn decide(
    app: &App,
    who: &Actor,
    subject: Uuid,
    level: Level,
    reason: Option<&str>,
) -> Result<kiemdiem_app::evaluation::DecisionView, kiemdiem_app::AppError> {
    let current = fresh(app, subject).await;
    app.decide(
        who,
        subject,
        DecisionInput {
            version: current.version,
            level: Some(level),
            reason: reason.map(str::to_owned),
            exceptional_share: None,
            document: None,
        },
    )
    .await
}

async fn whole_cycle(db: &TestDb) {
    let org = build(&db.store, &BRANCH1, &BRANCH2).await;
    let app = app(db);
    let secretary = actor("bithu.dangbo");

    // ── Plan: the district's, then the grassroots' inheriting it and only tightening dates.
    let district_plan = app
        .create_plan(
            &actor("bantochuc.huyen"),
            NewPlan {
                org: org.district,
                year: YEAR,
                ..NewPlan::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(district_plan.rule_set.code(), "qd366-hd43");
    let meetings_end = district_plan
        .phases
        .iter()
        .find(|p| p.code == "meetings")
        .unwrap()
        .ends_on;
    let later = app
        .create_plan(
            &secretary,
            NewPlan {
                org: org.grassroots,
                year: YEAR,
                phases: vec![PhaseInput {
                    code: "meetings".into(),
                    title: "Hội nghị chi bộ".into(),
                    step: Some(Step::Review),
                    starts_on: date!(2025 - 12 - 11),
                    ends_on: meetings_end + time::Duration::days(3),
                }],
                ..NewPlan::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(later.code(), "invalid");
    assert_eq!(later.field(), Some("phases[0].ends_on"));
    assert!(
        later.message().contains("kế hoạch cấp trên"),
        "{}",
        later.message()
    );
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
    assert_eq!(plan.parent_plan_id, Some(district_plan.id));
    assert_eq!(plan.deadline(Step::Review), Some(meetings_end));

    // ── Open: every subject with eligibility decided by the rules crate.
    let report = app
        .open_plan(&secretary, plan.id, plan.version)
        .await
        .unwrap();
    assert_eq!(report.subjects, 15, "{report:?}");
    assert_eq!(report.excluded, 1, "{report:?}");
    assert_eq!(report.by_kind["organisation"], 3);
    let excluded = app.excluded_subjects(&secretary, plan.id).await.unwrap();
    assert_eq!(excluded.len(), 1);
    assert_eq!(excluded[0].name, "Đặng Văn Giang");
    let reason = &excluded[0].eligibility.as_ref().unwrap().reasons[0];
    assert_eq!(reason.code, "new_member");
    assert!(
        reason.citation.source.contains("QĐ 366"),
        "{:?}",
        reason.citation
    );
    let again = app
        .open_plan(&secretary, plan.id, plan.version)
        .await
        .unwrap_err();
    assert!(
        matches!(again.code(), "conflict" | "stale_version"),
        "{}",
        again.code()
    );

    let subjects = app.subjects(&secretary, plan.id, None).await.unwrap();
    let b1 = subjects
        .iter()
        .find(|s| s.org == Some(org.branches[0]))
        .unwrap()
        .clone();
    let b2 = subjects
        .iter()
        .find(|s| s.org == Some(org.branches[1]))
        .unwrap()
        .clone();
    let g = subjects
        .iter()
        .find(|s| s.org == Some(org.grassroots))
        .unwrap()
        .clone();
    let an = by_name(&subjects, "Nguyễn Văn An").clone();
    assert_eq!(an.kind, SubjectKind::MemberWithPost);
    assert_eq!(an.form_code, "Mẫu 2A-HD KĐ.ĐG 2025");
    assert_eq!(an.decides_body, Body::GrassrootsCommittee);
    assert_eq!(an.deciding_org, Some(org.grassroots));
    assert_eq!(g.decides_body, Body::SuperiorStandingCommittee);
    assert_eq!(g.deciding_org, Some(org.district));
    let binh = by_name(&subjects, "Trần Thị Bình").clone();
    assert_eq!(binh.form_code, "Mẫu 2B-HD KĐ.ĐG 2025");
    assert_eq!(
        binh.quota_group, an.quota_group,
        "one group of members per deciding committee"
    );

    // ── Self-reviews and self-evaluations; Cường copies Bình's text.
    // The branches exceed 4 of their 10 tasks: their secretaries may be rated HTXSNV (QĐ 366:
    // the units a leader directly leads complete 100 %, at least 30 % beyond target).
    for (subject, score, exceeded) in [(&b1, 85, 4), (&b2, 85, 4), (&g, 84, 2)] {
        write_and_score(
            &app,
            subject,
            &format!("Báo cáo của {}", subject.name),
            score,
            tasks(exceeded, 10),
            Level::Httnv,
        )
        .await;
    }
    let plan_members: Vec<Subject> = subjects
        .iter()
        .filter(|s| s.kind.is_member() && s.participation == Participation::ReviewAndClassify)
        .cloned()
        .collect();
    assert_eq!(plan_members.len(), 11);
    let shared = "Bản thân luôn chấp hành nghiêm chủ trương của Đảng, năm 2025 phụ trách tổ thu ngân sách thôn Nà Pàn đạt 112% kế hoạch, vận động 14 hộ hiến đất làm đường";
    for member in &plan_members {
        let (score, t, level) = match member.name.as_str() {
            "Nguyễn Văn An" | "Bùi Văn Hùng" => (93, tasks(4, 10), Level::Htxsnv),
            "Lê Văn Cường" => (60, tasks(0, 9), Level::Htnv),
            _ => (80, tasks(1, 10), Level::Httnv),
        };
        let text = if matches!(member.name.as_str(), "Trần Thị Bình" | "Lê Văn Cường") {
            shared.to_owned()
        } else {
            format!(
                "{} tự kiểm điểm: công việc riêng của đồng chí {}",
                member.name, member.id
            )
        };
        write_and_score(&app, member, &text, score, t, level).await;
    }
    let cuong = by_name(&subjects, "Lê Văn Cường").clone();
    let copied = app
        .self_review(&secretary, cuong.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        copied
            .flags
            .iter()
            .any(|f| f.other == Some(binh.id) && f.score > 0.9),
        "a near-copy is flagged: {:?}",
        copied.flags
    );
    let original = app.self_review(&secretary, binh.id).await.unwrap().unwrap();
    assert!(
        original.flags.iter().any(|f| f.other == Some(cuong.id)),
        "the copied one is flagged too: {:?}",
        original.flags
    );
    let listed = app.flagged_reviews(&secretary, plan.id).await.unwrap();
    let mut listed_names: Vec<&str> = listed.iter().map(|f| f.name.as_str()).collect();
    listed_names.sort_unstable();
    assert_eq!(listed_names, ["Lê Văn Cường", "Trần Thị Bình"]);
    // The secretary returns the copy; its author rewrites it in their own words.
    let no_reason = app
        .return_self_review(&secretary, cuong.id, copied.version, " ")
        .await
        .unwrap_err();
    assert_eq!(no_reason.field(), Some("reason"));
    app.return_self_review(
        &secretary,
        cuong.id,
        copied.version,
        "Bản kiểm điểm chép lại của đồng chí Bình: viết lại theo công việc của mình",
    )
    .await
    .unwrap();
    assert_eq!(fresh(&app, cuong.id).await.stage, Stage::Pending);
    let returned = app
        .self_review(&secretary, cuong.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(returned.status, "draft");
    let who = actor("self:Lê Văn Cường");
    let rewritten = app
        .save_self_review(
            &who,
            cuong.id,
            returned.version,
            sections(
                cuong.kind,
                "Năm 2025 tôi phụ trách đội thủy lợi, nạo vét 3 km kênh mương nội đồng; còn chậm nộp đảng phí hai tháng",
            ),
        )
        .await
        .unwrap();
    let resubmitted = app
        .submit_self_review(
            &who,
            cuong.id,
            rewritten.version,
            date!(2025 - 12 - 06),
            None,
        )
        .await
        .unwrap();
    assert!(resubmitted.flags.is_empty(), "{:?}", resubmitted.flags);
    let original = app.self_review(&secretary, binh.id).await.unwrap().unwrap();
    assert!(
        original.flags.is_empty(),
        "the old flag goes with the old text: {:?}",
        original.flags
    );

    // ── Branch 1 meeting: order checks, then reviews.
    let b1_people: Vec<Subject> = subjects
        .iter()
        .filter(|s| s.unit == org.branches[0] && s.kind.is_member())
        .cloned()
        .collect();
    let attendees: Vec<Attendee> = org.members[0]
        .iter()
        .zip(BRANCH1.iter())
        .map(|(id, p)| Attendee {
            member: Some(*id),
            name: p.name.into(),
            role: "member".into(),
            present: true,
            excused: false,
        })
        .chain([Attendee {
            member: None,
            name: "Đồng chí Ủy viên Ban Thường vụ Đảng ủy".into(),
            role: "superior_delegate".into(),
            present: true,
            excused: false,
        }])
        .collect();
    let mut agenda = vec![b1.id];
    agenda.extend(
        b1_people
            .iter()
            .filter(|s| s.participation != Participation::Excluded)
            .map(|s| s.id),
    );
    let meeting1 = app
        .schedule_meeting(
            &secretary,
            NewMeeting {
                plan: plan.id,
                org: org.branches[0],
                title: "Hội nghị kiểm điểm chi bộ thôn Nà Pàn năm 2025".into(),
                body_key: None,
                suggested: false,
                held_on: date!(2025 - 12 - 12),
                place: "Nhà văn hóa thôn".into(),
                chair: "Nguyễn Văn An".into(),
                attendees,
                agenda,
            },
        )
        .await
        .unwrap();
    let refused = review(&app, meeting1.id, &binh, None).await.unwrap_err();
    assert_eq!(refused.code(), "out_of_order");
    assert!(
        refused
            .citations()
            .iter()
            .any(|c| c.rule.contains("CollectiveBeforeMembers")),
        "{:?}",
        refused.citations()
    );
    review(&app, meeting1.id, &b1, None).await.unwrap();
    let refused = review(&app, meeting1.id, &binh, None).await.unwrap_err();
    assert_eq!(refused.code(), "out_of_order");
    assert!(
        refused
            .citations()
            .iter()
            .any(|c| c.rule.contains("HeadBeforeDeputies")),
        "{:?}",
        refused.citations()
    );
    let self_chaired = review(&app, meeting1.id, &an, an.member).await.unwrap_err();
    assert_eq!(self_chaired.field(), Some("chaired_by"));
    review(&app, meeting1.id, &an, binh.member).await.unwrap();
    for s in b1_people
        .iter()
        .filter(|s| s.participation != Participation::Excluded && s.id != an.id)
    {
        review(&app, meeting1.id, s, None).await.unwrap();
    }

    // ── Branch 1 secret ballot.
    let members1: Vec<Subject> = b1_people
        .iter()
        .filter(|s| s.participation == Participation::ReviewAndClassify)
        .cloned()
        .collect();
    let ballot = app
        .prepare_ballot(
            &secretary,
            meeting1.id,
            BallotMode::Electronic,
            members1.iter().map(|s| s.id).collect(),
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
    assert_eq!(ballot.entitled, 5, "probationary members cannot vote");
    assert_eq!(ballot.denominator.as_ref().unwrap().count, 5);
    let intended = |name: &str| match name {
        "Nguyễn Văn An" => Level::Htxsnv,
        "Lê Văn Cường" => Level::Htnv,
        _ => Level::Httnv,
    };
    let paper: BTreeMap<Uuid, Vote> = members1
        .iter()
        .map(|s| (s.id, Vote::For(intended(&s.name))))
        .collect();
    let phuong = org.members[0][5];
    let refused = app
        .cast_ballot(
            &Actor::trusted_member("phuong", phuong),
            ballot.id,
            phuong,
            &paper,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "not_entitled");
    for voter in &org.members[0][..5] {
        app.cast_ballot(
            &Actor::trusted_member("dangvien", *voter),
            ballot.id,
            *voter,
            &paper,
        )
        .await
        .unwrap();
    }
    let twice = app
        .cast_ballot(
            &Actor::trusted_member("an", org.members[0][0]),
            ballot.id,
            org.members[0][0],
            &paper,
        )
        .await
        .unwrap_err();
    assert_eq!(twice.code(), "already_voted");
    let closed = app
        .close_ballot(&secretary, ballot.id, ballot.version)
        .await
        .unwrap();
    assert_eq!(closed.papers_cast, 5);
    for result in &closed.results {
        match &result.outcome {
            kiemdiem_rules::ballot::BallotOutcome::Level { level, .. } => {
                assert_eq!(*level, intended(&result.name))
            }
            other => panic!("{}: {other:?}", result.name),
        }
    }
    let minutes = app.meeting(&secretary, meeting1.id).await.unwrap();
    assert!(
        minutes.minutes.contains("Kết quả bỏ phiếu kín"),
        "{}",
        minutes.minutes
    );
    let short = app
        .close_meeting(
            &secretary,
            meeting1.id,
            MeetingClose {
                version: minutes.version,
                half_days: 1,
                minutes: "Biên bản".into(),
                conclusion: "Kết luận".into(),
                override_reason: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(short.code(), "rule_refused");
    assert!(
        short.citation().unwrap().source.contains("HD 43"),
        "{:?}",
        short.citation()
    );
    app.close_meeting(
        &secretary,
        meeting1.id,
        MeetingClose {
            version: minutes.version,
            half_days: 2,
            minutes: "Biên bản hội nghị".into(),
            conclusion: "Hội nghị thành công".into(),
            override_reason: None,
        },
    )
    .await
    .unwrap();

    // ── Branch 2 meeting with a paper ballot counted by the counting committee.
    let b2_people: Vec<Subject> = subjects
        .iter()
        .filter(|s| s.unit == org.branches[1] && s.kind.is_member())
        .cloned()
        .collect();
    let hung = by_name(&subjects, "Bùi Văn Hùng").clone();
    let mut agenda = vec![b2.id, hung.id];
    agenda.extend(b2_people.iter().filter(|s| s.id != hung.id).map(|s| s.id));
    let meeting2 = app
        .schedule_meeting(
            &secretary,
            NewMeeting {
                plan: plan.id,
                org: org.branches[1],
                title: "Hội nghị kiểm điểm chi bộ trường Tiểu học".into(),
                body_key: None,
                suggested: false,
                held_on: date!(2025 - 12 - 12),
                place: "Phòng họp nhà trường".into(),
                chair: "Bùi Văn Hùng".into(),
                attendees: org.members[1]
                    .iter()
                    .zip(BRANCH2.iter())
                    .map(|(id, p)| Attendee {
                        member: Some(*id),
                        name: p.name.into(),
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
    for id in &agenda {
        let s = fresh(&app, *id).await;
        review(
            &app,
            meeting2.id,
            &s,
            if s.id == hung.id {
                b2_people
                    .iter()
                    .find(|p| p.name == "Đỗ Thị Lan")
                    .and_then(|p| p.member)
            } else {
                None
            },
        )
        .await
        .unwrap();
    }
    let paper_ballot = app
        .prepare_ballot(
            &secretary,
            meeting2.id,
            BallotMode::Paper,
            b2_people.iter().map(|s| s.id).collect(),
        )
        .await
        .unwrap();
    let paper_ballot = app
        .open_ballot(
            &secretary,
            paper_ballot.id,
            paper_ballot.version,
            RollAdjustments::default(),
        )
        .await
        .unwrap();
    let unanimous = |level: Level| {
        let mut levels = LevelCounts::default();
        for _ in 0..5 {
            levels.add(level);
        }
        Tally {
            levels,
            blank: 0,
            invalid: 0,
        }
    };
    let tallies: BTreeMap<Uuid, Tally> = b2_people
        .iter()
        .map(|s| {
            (
                s.id,
                unanimous(if s.id == hung.id {
                    Level::Htxsnv
                } else {
                    Level::Httnv
                }),
            )
        })
        .collect();
    let counted = app
        .enter_tallies(&secretary, paper_ballot.id, paper_ballot.version, tallies)
        .await
        .unwrap();
    assert_eq!(counted.status, "closed");

    // ── Proposals by the branches, verification and opinions.
    for s in members1.iter().chain(b2_people.iter()) {
        let current = fresh(&app, s.id).await;
        let level = if current.unit == org.branches[1] {
            if s.id == hung.id {
                Level::Htxsnv
            } else {
                Level::Httnv
            }
        } else {
            intended(&s.name)
        };
        app.propose(
            &actor("chiuy"),
            s.id,
            current.version,
            level,
            "Theo kết quả bỏ phiếu",
        )
        .await
        .unwrap();
    }
    app.record_opinion(
        &actor("bantochuc.xa"),
        hung.id,
        Opinion {
            source: OpinionSource::AdvisoryStaff,
            version: 0,
            level: Some(Level::Htxsnv),
            input: None,
            tasks: None,
            note: "Thẩm định: đủ điều kiện".into(),
        },
    )
    .await
    .unwrap();
    app.record_opinion(
        &actor("congdoan"),
        hung.id,
        Opinion {
            source: OpinionSource::MassOrganisation,
            version: 0,
            level: Some(Level::Httnv),
            input: None,
            tasks: None,
            note: String::new(),
        },
    )
    .await
    .unwrap();

    // ── Decisions by the grassroots committee (who decides is the rule set's answer).
    let committee = actor("dangUy.xa");
    let refused = decide(&app, &actor("bantv.huyen"), g.id, Level::Httnv, None)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "out_of_order", "{}", refused.message());
    assert!(
        refused
            .citations()
            .iter()
            .any(|c| c.rule.contains("ReviewBeforeRating") || c.rule.contains("LowerBeforeUpper")),
        "{:?}",
        refused.citations()
    );
    let capped = decide(&app, &committee, cuong.id, Level::Httnv, None)
        .await
        .unwrap_err();
    assert_eq!(capped.code(), "rule_refused", "{}", capped.message());
    for s in members1
        .iter()
        .chain(b2_people.iter())
        .filter(|s| s.id != an.id && s.id != hung.id)
    {
        let level = if s.id == cuong.id {
            Level::Htnv
        } else {
            Level::Httnv
        };
        decide(&app, &committee, s.id, level, None)
            .await
            .unwrap_or_else(|e| panic!("{}: {} {:?}", s.name, e.message(), e.details()));
    }
    // A head after the unit they head (seed 003 B.4; QĐ 366: the leader's level rests on the
    // units they directly lead): the secretaries wait for their branches.
    let early = decide(&app, &committee, an.id, Level::Htxsnv, None)
        .await
        .unwrap_err();
    assert_eq!(early.code(), "out_of_order", "{}", early.message());
    assert!(
        early
            .citations()
            .iter()
            .any(|c| c.rule.contains("UnitBeforeHead")),
        "{:?}",
        early.citations()
    );
    assert!(
        early.message().contains("Chi bộ thôn Nà Pàn"),
        "{}",
        early.message()
    );
    // Branches by the grassroots committee, then their secretaries.
    for s in [&b1, &b2] {
        decide(&app, &committee, s.id, Level::Httnv, None)
            .await
            .unwrap_or_else(|e| panic!("{}: {}", s.name, e.message()));
    }
    let columns = app.side_by_side(&secretary, hung.id).await.unwrap();
    let numbers: Vec<i64> = columns.columns.iter().map(|c| c.no).collect();
    assert!(numbers.starts_with(&[1, 4, 5]), "{numbers:?}");
    assert_eq!(
        columns.classification.as_ref().unwrap().suggested,
        Some(Level::Htxsnv)
    );
    let headroom = app.quota_headroom(&committee, an.id, None).await.unwrap();
    assert_eq!(headroom.levels.httnv, 8);
    assert_eq!(headroom.check.allowed, 1);
    let decided = decide(&app, &committee, an.id, Level::Htxsnv, None)
        .await
        .unwrap();
    assert_eq!(decided.version_no, 1);
    let over = decide(&app, &committee, hung.id, Level::Htxsnv, None)
        .await
        .unwrap_err();
    assert_eq!(over.code(), "quota_exceeded", "{}", over.message());
    assert!(
        over.citation().unwrap().source.contains("QĐ 366"),
        "{:?}",
        over.citation()
    );
    let departs = decide(&app, &committee, hung.id, Level::Httnv, None)
        .await
        .unwrap_err();
    assert_eq!(
        departs.field(),
        Some("reason"),
        "departing from the ballot needs a reason"
    );
    decide(
        &app,
        &committee,
        hung.id,
        Level::Httnv,
        Some("Vượt tỷ lệ 20% của Đảng ủy xã; chi bộ đã được thông báo"),
    )
    .await
    .unwrap();

    // A correction is a new version pointing to the old one.
    let before = app.decisions(&committee, cuong.id).await.unwrap();
    let current = fresh(&app, cuong.id).await;
    let correction = |version: i64, level: Level, reason: Option<&str>| DecisionInput {
        version,
        level: Some(level),
        reason: reason.map(str::to_owned),
        ..DecisionInput::default()
    };
    let no_reason = app
        .correct(
            &committee,
            cuong.id,
            correction(current.version, Level::Khtnv, None),
        )
        .await
        .unwrap_err();
    assert_eq!(no_reason.field(), Some("reason"));
    let stale = app
        .correct(
            &committee,
            cuong.id,
            correction(current.version - 1, Level::Khtnv, Some("x")),
        )
        .await
        .unwrap_err();
    assert_eq!(stale.code(), "stale_version");
    // Correcting to the level already in force changes nothing: refused, nothing recorded.
    let same = app
        .correct(
            &committee,
            cuong.id,
            correction(
                current.version,
                Level::Htnv,
                Some("Rà soát lại theo khiếu nại: giữ nguyên mức"),
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(same.code(), "invalid", "{}", same.message());
    assert_eq!(same.field(), Some("level"));
    assert!(same.message().contains("HTNV"), "{}", same.message());
    assert_eq!(app.decisions(&committee, cuong.id).await.unwrap().len(), 1);
    let corrected = app
        .correct(
            &committee,
            cuong.id,
            correction(
                current.version,
                Level::Khtnv,
                Some("Rà soát lại theo khiếu nại: chưa hoàn thành nhiệm vụ đảng viên được giao"),
            ),
        )
        .await
        .unwrap();
    assert_eq!(corrected.previous, Some(before[0].id));
    // The report's kept counts followed the correction.
    crate::support::assert_counts_agree(&db.store).await;
    assert_eq!(app.decisions(&committee, cuong.id).await.unwrap().len(), 2);
    let notified = app.notifications(&committee, an.id).await.unwrap();
    assert!(
        notified
            .iter()
            .any(|n| n.recipient_kind == "subject"
                && n.message.contains("Hoàn thành xuất sắc nhiệm vụ")),
        "{notified:?}"
    );
    assert!(notified.iter().any(|n| n.recipient_kind == "manager"));
    assert_eq!(app.meetings(&secretary, plan.id).await.unwrap().len(), 2);
    assert_eq!(
        app.ballots(&secretary, meeting1.id).await.unwrap()[0].papers_cast,
        5
    );
    assert_eq!(
        app.plans(&secretary, YEAR, Some(org.grassroots))
            .await
            .unwrap()
            .len(),
        1
    );

    // The grassroots organisation by the district.
    let g_refused = decide(&app, &actor("bantv.huyen"), g.id, Level::Httnv, None)
        .await
        .unwrap_err();
    assert_eq!(
        g_refused.code(),
        "out_of_order",
        "the grassroots organisation is not reviewed yet"
    );
    let meeting3 = app
        .schedule_meeting(
            &secretary,
            NewMeeting {
                plan: plan.id,
                org: org.grassroots,
                title: "Hội nghị Ban Chấp hành Đảng bộ xã".into(),
                body_key: Some("grassroots_committee".into()),
                suggested: false,
                held_on: date!(2025 - 12 - 15),
                place: "Hội trường xã".into(),
                chair: "Bí thư Đảng ủy".into(),
                attendees: vec![],
                agenda: vec![g.id],
            },
        )
        .await
        .unwrap();
    review(&app, meeting3.id, &g, None).await.unwrap();
    decide(&app, &actor("bantv.huyen"), g.id, Level::Httnv, None)
        .await
        .unwrap();

    // ── Progress and publication.
    let progress = app.progress(&secretary, plan.id).await.unwrap();
    let root = progress.iter().find(|n| n.org == org.grassroots).unwrap();
    assert_eq!(root.subjects, 15);
    assert_eq!(root.decision.pending, 0, "{root:?}");
    assert_eq!(root.decision.done, 14);
    assert!(TODAY <= root.review.deadline.unwrap());
    let plan_now = app.plan(&secretary, plan.id).await.unwrap();
    let summary = app
        .publish(&secretary, plan.id, plan_now.version)
        .await
        .unwrap();
    assert_eq!(summary.published, 14);
    assert_eq!(summary.levels["member_with_post"]["HTXSNV"], 1);
    assert_eq!(
        app.plan(&secretary, plan.id).await.unwrap().status,
        "published"
    );
    assert_eq!(fresh(&app, an.id).await.stage, Stage::Published);

    // ── Re-classification after publication (SPEC §8): a complaint's conclusion corrects a
    // published result, the plan goes back to `open` until published again; a re-opened result
    // is decided again; every old version is kept.
    let published = fresh(&app, cuong.id).await;
    let after_complaint = app
        .correct(
            &committee,
            cuong.id,
            DecisionInput {
                version: published.version,
                level: Some(Level::Htnv),
                reason: Some(
                    "Kết luận giải quyết khiếu nại: đã hoàn thành nhiệm vụ được giao".into(),
                ),
                exceptional_share: None,
                document: Some(kiemdiem_app::document::DocumentInput {
                    number_symbol: "Số 12-QĐ/ĐU".into(),
                    issued_on: Some(date!(2025 - 12 - 15)),
                    place: "Hợp Thành".into(),
                    on_behalf_of: "T/M Đảng ủy".into(),
                    signer_title: "Bí thư".into(),
                    signer_name: "Nguyễn Văn Tuấn".into(),
                    recipients: vec![
                        "Đồng chí Lê Văn Cường".into(),
                        "Lưu Văn phòng Đảng ủy".into(),
                    ],
                }),
            },
        )
        .await
        .unwrap();
    let mau03 = after_complaint
        .document
        .as_ref()
        .expect("the Mẫu 03 decision");
    assert_eq!(
        mau03.kind,
        kiemdiem_app::document::DocumentKind::Reclassification
    );
    assert_eq!(mau03.number_symbol, "12-QĐ/ĐU");
    assert_eq!(mau03.on_behalf_of, "T/M ĐẢNG ỦY");
    assert_eq!(
        app.decisions(&committee, cuong.id).await.unwrap()[2]
            .document
            .as_ref()
            .map(|d| d.id),
        Some(mau03.id)
    );
    assert_eq!(after_complaint.previous, Some(corrected.id));
    assert_eq!(fresh(&app, cuong.id).await.stage, Stage::Decided);
    assert_eq!(
        app.plan(&secretary, plan.id).await.unwrap().status,
        "open",
        "a correction after publication re-opens the plan"
    );
    let decided = fresh(&app, cuong.id).await;
    let reopened = app
        .reopen(
            &committee,
            cuong.id,
            decided.version,
            "Cấp trên kiểm tra: kiểm điểm, xếp loại lại",
        )
        .await
        .unwrap();
    assert_eq!(reopened.kind, "reopen");
    assert_eq!(reopened.level, None);
    assert_eq!(fresh(&app, cuong.id).await.stage, Stage::Reviewed);
    crate::support::assert_counts_agree(&db.store).await;
    let blocked = app
        .publish(
            &secretary,
            plan.id,
            app.plan(&secretary, plan.id).await.unwrap().version,
        )
        .await
        .unwrap_err();
    assert_eq!(blocked.code(), "conflict", "nothing new decided to publish");
    assert_eq!(
        app.plan(&secretary, plan.id).await.unwrap().status,
        "open",
        "a re-opened subject keeps the plan open"
    );
    decide(
        &app,
        &committee,
        cuong.id,
        Level::Htnv,
        Some("Xếp loại lại sau kiểm tra của cấp trên"),
    )
    .await
    .unwrap();
    let republished = app
        .publish(
            &secretary,
            plan.id,
            app.plan(&secretary, plan.id).await.unwrap().version,
        )
        .await
        .unwrap();
    assert_eq!(republished.published, 1);
    assert_eq!(
        app.plan(&secretary, plan.id).await.unwrap().status,
        "published"
    );
    let versions = app.decisions(&committee, cuong.id).await.unwrap();
    assert_eq!(
        versions.iter().map(|d| d.kind.as_str()).collect::<Vec<_>>(),
        ["decision", "correction", "correction", "reopen", "decision"]
    );
    for pair in versions.windows(2) {
        assert_eq!(
            pair[1].previous,
            Some(pair[0].id),
            "each version points to the last"
        );
    }

    // ── The audit chain: intact, append-only, and tampering is found.
    let report = app.verify_audit(&actor("kiemtra")).await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert!(report.entries > 50, "{}", report.entries);
    let trail = app
        .audit_trail(&secretary, "subject", &an.id.to_string())
        .await
        .unwrap();
    assert!(trail.iter().any(|e| e.action == "decision.record"));
    decisions_refuse_edits(db).await;
    tamper(db, 5).await;
    let report = app.verify_audit(&actor("kiemtra")).await.unwrap();
    let broken = report.first_break.expect("tampering is detected");
    assert_eq!(broken.seq, 5);
    assert_eq!(broken.kind, kiemdiem_app::audit::BreakKind::Content);
}

/// A decided level cannot be rewritten behind the application either: the database refuses
/// any update or deletion of a decision version, and any deletion of a plan.
async fn decisions_refuse_edits(db: &TestDb) {
    let attempts = [
        "UPDATE decisions SET level = 'KHTNV'",
        "DELETE FROM decisions",
        "DELETE FROM plans",
    ];
    if db.is_postgres() {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        for sql in attempts.into_iter().chain(["TRUNCATE decisions CASCADE"]) {
            let refused = sqlx::query(sql).execute(&pool).await;
            assert!(refused.is_err(), "{sql} must be refused");
        }
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        for sql in attempts {
            let refused = sqlx::query(sql).execute(&pool).await;
            assert!(refused.is_err(), "{sql} must be refused");
        }
        pool.close().await;
    }
}

/// Edits one audit entry behind the application's back, as a DBA could: the append-only trigger
/// refuses a plain UPDATE, so the trigger is dropped first.
async fn tamper(db: &TestDb, seq: i64) {
    if db.is_postgres() {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        let refused = sqlx::query("UPDATE audit_log SET reason = 'sửa lén' WHERE seq = $1")
            .bind(seq)
            .execute(&pool)
            .await;
        assert!(refused.is_err(), "audit_log refuses updates");
        sqlx::query("DROP TRIGGER audit_log_no_change ON audit_log")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET reason = 'sửa lén' WHERE seq = $1")
            .bind(seq)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        let refused = sqlx::query("UPDATE audit_log SET reason = 'sửa lén' WHERE seq = $1")
            .bind(seq)
            .execute(&pool)
            .await;
        assert!(refused.is_err(), "audit_log refuses updates");
        sqlx::query("DROP TRIGGER audit_log_no_update")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET reason = 'sửa lén' WHERE seq = $1")
            .bind(seq)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
}
