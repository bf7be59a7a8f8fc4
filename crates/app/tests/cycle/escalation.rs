//! A leader rated at the branch and in the leadership collective at different levels is
//! escalated to the organisation board, which settles one level for both places (seed 003 §B.6).

use crate::support::{
    TestDb, YEAR, actor, app, build, official, on_both_backends, open_year_plan, points,
};
use kiemdiem_app::evaluation::{DecisionInput, SelfEvaluation};
use kiemdiem_app::meeting::{NewMeeting, ReviewRecord};
use kiemdiem_app::plan::Subject;
use kiemdiem_app::{Actor, App};
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_rules::{Level, PositionKind, SubjectKind};
use kiemdiem_store::leadership::{CollectiveKind, Holder, NewCollective, NewLeader, NewPosition};
use std::collections::BTreeMap;
use time::macros::date;
use uuid::Uuid;

on_both_backends!(
    different_levels_in_two_places_are_escalated,
    a_leader_outside_the_party_rated_differently_is_escalated_too
);

pub(crate) async fn prepare(app: &App, subject: &Subject, score: i64, on_time: u32) {
    let who = actor("self");
    let sections: BTreeMap<String, String> = kiemdiem_app::review::form_sections(
        &kiemdiem_rules::RuleBook::national(kiemdiem_rules::RuleSetId::Qd366Hd43),
        subject.kind,
    )
    .iter()
    .map(|s| (s.code.to_owned(), format!("{} {}", subject.name, s.title)))
    .collect();
    let draft = app
        .save_self_review(&who, subject.id, 0, sections)
        .await
        .unwrap();
    let draft_sent = (!subject.kind.is_individual()).then_some(date!(2025 - 12 - 01));
    app.submit_self_review(
        &who,
        subject.id,
        draft.version,
        date!(2025 - 12 - 01),
        draft_sent,
    )
    .await
    .unwrap();
    app.self_evaluate(
        &who,
        subject.id,
        0,
        SelfEvaluation {
            input: points(subject.framework.as_deref().unwrap(), score),
            tasks: Some(TaskResults {
                assigned: 10,
                completed: 10,
                on_time,
                exceeded: 1,
            }),
            ..SelfEvaluation::default()
        },
    )
    .await
    .unwrap();
    crate::support::record_plain_year(app, subject, date!(2025 - 12 - 01)).await;
}

pub(crate) async fn meet(app: &App, plan: Uuid, org: Uuid, agenda: &[&Subject]) {
    let meeting = app
        .schedule_meeting(
            &actor("thuky"),
            NewMeeting {
                plan,
                org,
                title: "Hội nghị kiểm điểm".into(),
                body_key: None,
                suggested: false,
                held_on: date!(2025 - 12 - 10),
                place: "Hội trường".into(),
                chair: "Chủ trì".into(),
                attendees: vec![],
                agenda: agenda.iter().map(|s| s.id).collect(),
            },
        )
        .await
        .unwrap();
    for subject in agenda {
        app.record_review(
            &actor("thuky"),
            meeting.id,
            subject.id,
            ReviewRecord {
                present: true,
                ..ReviewRecord::default()
            },
        )
        .await
        .unwrap();
    }
}

pub(crate) async fn decide(
    app: &App,
    who: &Actor,
    id: Uuid,
    level: Level,
) -> Result<kiemdiem_app::evaluation::DecisionView, kiemdiem_app::AppError> {
    let version = app.subject(who, id).await.unwrap().version;
    app.decide(
        who,
        id,
        DecisionInput {
            version,
            level: Some(level),
            reason: Some("Ban Thường vụ quyết định sau thẩm định".into()),
            exceptional_share: None,
            document: None,
        },
    )
    .await
}

async fn different_levels_in_two_places_are_escalated(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường")],
    )
    .await;
    let mut tx = db.store.begin("tester").await.unwrap();
    let founded = date!(2020 - 01 - 01);
    let collective = tx
        .create_collective(
            &NewCollective {
                code: "T.01.001.LD".into(),
                name: "Ban Giám đốc Hợp tác xã Hợp Thành".into(),
                kind: CollectiveKind::UnitLeadership,
                org: org.grassroots,
            },
            founded,
        )
        .await
        .unwrap();
    for (member, kind) in [
        (org.members[0][0], PositionKind::UnitHead),
        (org.members[0][1], PositionKind::UnitDeputy),
    ] {
        tx.assign_position(
            &NewPosition {
                holder: Holder::Member(member),
                kind,
                org: None,
                collective: Some(collective),
                title: kind.name_vi().into(),
            },
            founded,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let app = app(db);
    let who = actor("bithu");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let find = |kind: SubjectKind, pred: &dyn Fn(&Subject) -> bool| {
        subjects
            .iter()
            .find(|s| s.kind == kind && pred(s))
            .unwrap()
            .clone()
    };
    let an = org.members[0][0];
    let branch = find(SubjectKind::Organisation, &|s| {
        s.org == Some(org.branches[0])
    });
    let an_member = find(SubjectKind::MemberWithPost, &|s| s.member == Some(an));
    let an_leader = find(SubjectKind::Leader, &|s| s.member == Some(an));
    let board = find(SubjectKind::Collective, &|s| {
        s.collective == Some(collective)
    });
    assert_eq!(an_leader.form_code, "Mẫu 2A-HD KĐ.ĐG 2025");
    assert_eq!(an_leader.deciding_org, Some(org.grassroots));

    let binh = find(SubjectKind::MemberWithPost, &|s| {
        s.member == Some(org.members[0][1])
    });

    prepare(&app, &branch, 85, 10).await;
    prepare(&app, &an_member, 80, 10).await;
    prepare(&app, &binh, 80, 10).await;
    prepare(&app, &board, 85, 10).await;
    prepare(&app, &an_leader, 60, 9).await;
    meet(
        &app,
        plan.id,
        org.branches[0],
        &[&branch, &an_member, &binh],
    )
    .await;
    meet(&app, plan.id, org.grassroots, &[&board, &an_leader]).await;

    let committee = actor("dangUy.xa");
    let early = decide(&app, &committee, an_leader.id, Level::Htnv)
        .await
        .unwrap_err();
    assert_eq!(
        early.code(),
        "out_of_order",
        "the collective is rated before its members"
    );
    // The units An heads (the branch as its secretary, the board as its head) come first; the
    // branch after its members (Bình, deputy of the board, after the board he leads).
    decide(&app, &committee, board.id, Level::Httnv)
        .await
        .unwrap();
    decide(&app, &committee, binh.id, Level::Httnv)
        .await
        .unwrap();
    decide(&app, &committee, branch.id, Level::Httnv)
        .await
        .unwrap();
    decide(&app, &committee, an_member.id, Level::Httnv)
        .await
        .unwrap();
    let decided = decide(&app, &committee, an_leader.id, Level::Htnv)
        .await
        .unwrap();
    let escalation = decided
        .escalation
        .expect("rated differently in two places: escalated");
    let open = app.escalations(&committee, plan.id).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].id, escalation);
    assert_eq!(open[0].places.len(), 2);
    assert_eq!(open[0].person, an);
    assert_eq!(open[0].person_kind, "member");
    assert_eq!(
        open[0].competent_org,
        Some(org.grassroots),
        "both places are decided by the grassroots committee: its board settles it"
    );
    let settled = app
        .resolve_escalation(
            &actor("bantochuc.huyen"),
            escalation,
            open[0].version,
            Level::Htnv,
            "Ban Tổ chức tổng hợp, Ban Thường vụ quyết định",
        )
        .await
        .unwrap();
    assert_eq!(
        settled.len(),
        1,
        "only the place at another level is corrected"
    );
    assert_eq!(settled[0].subject, an_member.id);
    assert_eq!(settled[0].kind, "escalation");
    assert_eq!(
        app.subject(&who, an_member.id).await.unwrap().level,
        Some(Level::Htnv)
    );
    assert!(
        app.escalations(&committee, plan.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A leader who is not a party member heads two units' leaderships (cán bộ ngoài Đảng): rated
/// differently as the head of each, the person is escalated like a member.
async fn a_leader_outside_the_party_rated_differently_is_escalated_too(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường")],
    )
    .await;
    let founded = date!(2020 - 01 - 01);
    let mut tx = db.store.begin("tester").await.unwrap();
    let director = tx
        .create_leader(&NewLeader {
            full_name: "Hà Thị Mai".into(),
            birth_date: Some(date!(1978 - 03 - 08)),
            employer_unit: "Hợp tác xã Hợp Thành".into(),
        })
        .await
        .unwrap();
    let mut boards = Vec::new();
    for (code, name, deputy) in [
        (
            "T.01.001.LD1",
            "Ban Giám đốc Hợp tác xã Hợp Thành",
            org.members[0][0],
        ),
        (
            "T.01.001.LD2",
            "Ban Quản lý chợ Hợp Thành",
            org.members[0][1],
        ),
    ] {
        let collective = tx
            .create_collective(
                &NewCollective {
                    code: code.into(),
                    name: name.into(),
                    kind: CollectiveKind::UnitLeadership,
                    org: org.grassroots,
                },
                founded,
            )
            .await
            .unwrap();
        for (holder, kind) in [
            (Holder::Leader(director), PositionKind::UnitHead),
            (Holder::Member(deputy), PositionKind::UnitDeputy),
        ] {
            tx.assign_position(
                &NewPosition {
                    holder,
                    kind,
                    org: None,
                    collective: Some(collective),
                    title: kind.name_vi().into(),
                },
                founded,
            )
            .await
            .unwrap();
        }
        boards.push(collective);
    }
    tx.commit().await.unwrap();
    let app = app(db);
    let who = actor("bithu");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let places: Vec<Subject> = subjects
        .iter()
        .filter(|s| s.kind == SubjectKind::Leader && s.leader == Some(director))
        .cloned()
        .collect();
    assert_eq!(places.len(), 2, "rated as the head of each leadership");
    let units: Vec<Subject> = boards
        .iter()
        .map(|b| {
            subjects
                .iter()
                .find(|s| s.kind == SubjectKind::Collective && s.collective == Some(*b))
                .unwrap()
                .clone()
        })
        .collect();
    for subject in units.iter().chain(&places) {
        prepare(&app, subject, 85, 10).await;
    }
    meet(
        &app,
        plan.id,
        org.grassroots,
        &[&units[0], &units[1], &places[0], &places[1]],
    )
    .await;
    let committee = actor("dangUy.xa");
    for unit in &units {
        decide(&app, &committee, unit.id, Level::Httnv)
            .await
            .unwrap();
    }
    let first = decide(&app, &committee, places[0].id, Level::Httnv)
        .await
        .unwrap();
    assert_eq!(first.escalation, None, "one place rated so far");
    let second = decide(&app, &committee, places[1].id, Level::Htnv)
        .await
        .unwrap();
    let escalation = second.escalation.expect("rated differently: escalated");
    let open = app.escalations(&committee, plan.id).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].id, escalation);
    assert_eq!(open[0].person, director);
    assert_eq!(open[0].person_kind, "leader");
    assert_eq!(open[0].competent_org, Some(org.grassroots));
    let settled = app
        .resolve_escalation(
            &actor("bantochuc.xa"),
            escalation,
            open[0].version,
            Level::Httnv,
            "Ban Thường vụ thống nhất một mức cho cả hai nơi",
        )
        .await
        .unwrap();
    assert_eq!(settled.len(), 1);
    assert_eq!(settled[0].subject, places[1].id);
    assert_eq!(
        app.subject(&who, places[1].id).await.unwrap().level,
        Some(Level::Httnv)
    );
}
