//! Discipline decisions recorded through the app reach the rules when subjects are rated
//! (QĐ 366, 2025): a member disciplined for a duty-related violation is capped at KHTNV; so is
//! the leadership collective that member sits on; a branch reprimanded cannot be HTXSNV (clean
//! record), nor can the grassroots organisation one of whose branches was. Bad input is refused
//! naming the field, and every record leaves its audit entry.

use crate::escalation::prepare;
use crate::support::{TestDb, YEAR, actor, app, build, official, on_both_backends, open_year_plan};
use kiemdiem_app::discipline::{MemberDisciplineInput, UnitDisciplineInput};
use kiemdiem_app::evaluation::{DecisionInput, SelfEvaluation};
use kiemdiem_app::meeting::{NewMeeting, ReviewRecord};
use kiemdiem_app::plan::Subject;
use kiemdiem_app::{Actor, App};
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_rules::{DisciplineForm, Level, PositionKind, SubjectKind};
use kiemdiem_store::discipline::DisciplinedBody;
use kiemdiem_store::leadership::{CollectiveKind, Holder, NewCollective, NewPosition};
use time::macros::date;

on_both_backends!(disciplines_reach_the_rules);

async fn allowed(app: &App, who: &Actor, subject: &Subject) -> (Level, Vec<String>) {
    let side = app.side_by_side(who, subject.id).await.unwrap();
    let classification = side.classification.expect("classified");
    let rules = classification
        .findings
        .iter()
        .map(|f| f.citation.rule.clone())
        .collect();
    (classification.allowed, rules)
}

async fn disciplines_reach_the_rules(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường"), official("Phạm Thị Dung")],
    )
    .await;
    let (an, binh) = (org.members[0][0], org.members[0][1]);
    // The commune's party committee: An secretary, Bình deputy.
    let mut tx = db.store.begin("tester").await.unwrap();
    let committee = tx
        .create_collective(
            &NewCollective {
                code: "T.01.001.CU".into(),
                name: "Ban Chấp hành Đảng bộ xã".into(),
                kind: CollectiveKind::PartyCommittee,
                org: org.grassroots,
            },
            date!(2020 - 01 - 01),
        )
        .await
        .unwrap();
    for (member, kind) in [
        (an, PositionKind::Secretary),
        (binh, PositionKind::DeputySecretary),
    ] {
        tx.assign_position(
            &NewPosition {
                holder: Holder::Member(member),
                kind,
                org: Some(org.grassroots),
                collective: Some(committee),
                title: kind.name_vi().into(),
            },
            date!(2020 - 01 - 01),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let app = app(db);
    let clerk = actor("bantochuc.huyen");
    // Refusals first: nothing is stored by them.
    let backwards = app
        .record_member_discipline(
            &clerk,
            binh,
            MemberDisciplineInput {
                form: DisciplineForm::KhienTrach,
                violation_on: date!(2025 - 05 - 01),
                decided_on: date!(2025 - 03 - 01),
                violation_org: None,
                deciding_org: None,
                duty_related: true,
                self_detected_remedied: false,
                note: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        (backwards.code(), backwards.field()),
        ("invalid", Some("violation_on"))
    );
    let dismissal = app
        .record_unit_discipline(
            &clerk,
            DisciplinedBody::Org(org.branches[1]),
            UnitDisciplineInput {
                form: DisciplineForm::CachChuc,
                violation_on: date!(2025 - 04 - 01),
                decided_on: date!(2025 - 06 - 10),
                deciding_org: None,
                corruption_case: false,
                self_detected_remedied: false,
                note: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        (dismissal.code(), dismissal.field()),
        ("invalid", Some("form"))
    );
    assert!(dismissal.message().contains("Điều lệ Đảng Điều 36"));

    // Bình reprimanded for a duty-related violation at branch 1; branch 2 reprimanded.
    app.record_member_discipline(
        &clerk,
        binh,
        MemberDisciplineInput {
            form: DisciplineForm::KhienTrach,
            violation_on: date!(2025 - 03 - 01),
            decided_on: date!(2025 - 05 - 01),
            violation_org: None,
            deciding_org: Some(org.grassroots),
            duty_related: true,
            self_detected_remedied: false,
            note: "Vi phạm quy định về quản lý đất đai".into(),
        },
    )
    .await
    .unwrap();
    let recorded = app
        .record_unit_discipline(
            &clerk,
            DisciplinedBody::Org(org.branches[1]),
            UnitDisciplineInput {
                form: DisciplineForm::KhienTrach,
                violation_on: date!(2025 - 04 - 01),
                decided_on: date!(2025 - 06 - 10),
                deciding_org: Some(org.grassroots),
                corruption_case: false,
                self_detected_remedied: false,
                note: "Buông lỏng lãnh đạo".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(recorded.body_kind, "org");
    assert_eq!(recorded.by, "bantochuc.huyen");
    let listed = app
        .unit_disciplines(&clerk, DisciplinedBody::Org(org.branches[1]))
        .await
        .unwrap();
    assert_eq!(listed, [recorded]);
    assert!(
        app.unit_disciplines(&clerk, DisciplinedBody::Org(org.branches[0]))
            .await
            .unwrap()
            .is_empty()
    );
    let trail = app
        .audit_trail(&clerk, "member", &binh.to_string())
        .await
        .unwrap();
    assert_eq!(
        trail.len(),
        1,
        "one record, one entry (the refusal left none)"
    );
    assert_eq!(trail[0].action, "discipline.member");
    assert_eq!(trail[0].detail["data"]["form"], "khien_trach");
    assert_eq!(
        trail[0].detail["data"]["violation_org"],
        org.branches[0].to_string(),
        "the place of the violation defaults to the member's branch"
    );
    let trail = app
        .audit_trail(&clerk, "org", &org.branches[1].to_string())
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, "discipline.unit");
    assert!(app.verify_audit(&clerk).await.unwrap().is_intact());

    // The plan: everyone prepared with a score good enough for HTXSNV.
    let who = actor("bithu");
    let (_, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let find = |pred: &dyn Fn(&Subject) -> bool| subjects.iter().find(|s| pred(s)).unwrap().clone();
    let binh_s = find(&|s| s.member == Some(binh));
    let cuong_s = find(&|s| s.member == Some(org.members[1][0]));
    let branch1 = find(&|s| s.kind == SubjectKind::Organisation && s.unit == org.branches[0]);
    let branch2 = find(&|s| s.kind == SubjectKind::Organisation && s.unit == org.branches[1]);
    let grassroots = find(&|s| s.kind == SubjectKind::Organisation && s.unit == org.grassroots);
    let committee_s =
        find(&|s| s.kind == SubjectKind::Collective && s.collective == Some(committee));
    for subject in [
        &binh_s,
        &cuong_s,
        &branch1,
        &branch2,
        &grassroots,
        &committee_s,
    ] {
        prepare(&app, subject, 95, 10).await;
    }
    let has = |rules: &[String], rule: &str| rules.iter().any(|r: &String| r.ends_with(rule));

    let (level, rules) = allowed(&app, &who, &binh_s).await;
    assert_eq!(level, Level::Khtnv, "{rules:?}");
    assert!(has(&rules, "member.discipline"), "{rules:?}");
    // Undisciplined: only the tasks' cap (1 of 10 exceeded, under 30 %), no discipline rule.
    let (level, rules) = allowed(&app, &who, &cuong_s).await;
    assert_eq!(level, Level::Httnv, "{rules:?}");
    assert!(!rules.iter().any(|r| r.contains("discipline")), "{rules:?}");

    let (level, rules) = allowed(&app, &who, &committee_s).await;
    assert_eq!(level, Level::Khtnv, "{rules:?}");
    assert!(has(&rules, "collective.member_discipline"), "{rules:?}");
    assert!(
        has(&rules, "collective.clean_record"),
        "the commune's branch 2 was reprimanded: {rules:?}"
    );

    let (level, rules) = allowed(&app, &who, &branch2).await;
    assert_eq!(level, Level::Httnv, "{rules:?}");
    assert!(has(&rules, "collective.clean_record"), "{rules:?}");
    let (level, rules) = allowed(&app, &who, &grassroots).await;
    assert_eq!(level, Level::Httnv, "a branch was reprimanded: {rules:?}");
    assert!(has(&rules, "collective.clean_record"), "{rules:?}");
    let (_, rules) = allowed(&app, &who, &branch1).await;
    assert!(!has(&rules, "collective.clean_record"), "{rules:?}");
}

on_both_backends!(qd124_branch_with_many_members_disciplined);

/// A 2024 self-review (QĐ 124 forms) and a self-evaluation with every criterion graded Tốt.
pub(crate) async fn prepare_2024(app: &App, subject: &Subject) {
    let who = actor("self");
    let book = kiemdiem_rules::RuleBook::national(kiemdiem_rules::RuleSetId::Qd124Hd25);
    let sections = kiemdiem_app::review::form_sections(&book, subject.kind)
        .iter()
        .map(|s| (s.code.to_owned(), format!("{} — {}", subject.name, s.title)))
        .collect();
    let draft = app
        .save_self_review(&who, subject.id, 0, sections)
        .await
        .unwrap();
    let day = date!(2024 - 12 - 01);
    let draft_sent = (!subject.kind.is_individual()).then_some(day);
    app.submit_self_review(&who, subject.id, draft.version, day, draft_sent)
        .await
        .unwrap();
    let framework = kiemdiem_rules::framework::builtin_by_id(subject.framework.as_deref().unwrap())
        .expect("framework");
    let mut input = kiemdiem_rules::framework::EvaluationInput::default();
    for leaf in framework.leaves() {
        input
            .grades
            .insert(leaf.criterion.id.clone(), kiemdiem_rules::Grade::Tot);
    }
    app.self_evaluate(
        &who,
        subject.id,
        0,
        SelfEvaluation {
            input,
            tasks: Some(TaskResults {
                assigned: 10,
                completed: 10,
                on_time: 10,
                exceeded: 0,
            }),
            ..SelfEvaluation::default()
        },
    )
    .await
    .unwrap();
}

/// QĐ 124 (2024): a branch with more than 20 % of its rated members disciplined for violations
/// there is KHTNV; a decision of another year does not count.
async fn qd124_branch_with_many_members_disciplined(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường"), official("Phạm Thị Dung")],
    )
    .await;
    let app = app(db);
    let clerk = actor("bantochuc.huyen");
    for (member, decided_on) in [
        // Decided in 2024: counts for 2024.
        (org.members[0][1], date!(2024 - 05 - 01)),
        // Decided in 2023: another year's.
        (org.members[1][0], date!(2023 - 11 - 01)),
    ] {
        app.record_member_discipline(
            &clerk,
            member,
            MemberDisciplineInput {
                form: DisciplineForm::CanhCao,
                violation_on: date!(2023 - 10 - 01),
                decided_on,
                violation_org: None,
                deciding_org: None,
                duty_related: true,
                self_detected_remedied: false,
                note: String::new(),
            },
        )
        .await
        .unwrap();
    }
    let who = actor("bithu");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, 2024).await;
    assert_eq!(plan.rule_set.code(), "qd124-hd25");
    let committee = actor("dangUy.xa");
    for (index, branch) in org.branches.iter().enumerate() {
        let unit = subjects
            .iter()
            .find(|s| s.kind == SubjectKind::Organisation && s.unit == *branch)
            .unwrap()
            .clone();
        let members: Vec<Subject> = subjects
            .iter()
            .filter(|s| s.unit == *branch && s.kind.is_member())
            .cloned()
            .collect();
        prepare_2024(&app, &unit).await;
        for member in &members {
            prepare_2024(&app, member).await;
        }
        let meeting = app
            .schedule_meeting(
                &actor("thuky"),
                NewMeeting {
                    plan: plan.id,
                    org: *branch,
                    title: "Hội nghị kiểm điểm chi bộ năm 2024".into(),
                    body_key: None,
                    suggested: false,
                    held_on: date!(2024 - 12 - 10),
                    place: "Hội trường".into(),
                    chair: "Chủ trì".into(),
                    attendees: vec![],
                    agenda: std::iter::once(&unit)
                        .chain(&members)
                        .map(|s| s.id)
                        .collect(),
                },
            )
            .await
            .unwrap();
        for subject in std::iter::once(&unit).chain(&members) {
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
            .unwrap_or_else(|e| panic!("{}: {}", subject.name, e.message()));
        }
        // Members first, each at the level the rules allow; the secretary (the first) comes
        // after the branch.
        for member in &members[1..] {
            let (level, _) = allowed(&app, &who, member).await;
            let version = app.subject(&who, member.id).await.unwrap().version;
            app.decide(
                &committee,
                member.id,
                DecisionInput {
                    version,
                    level: Some(level),
                    reason: None,
                    exceptional_share: None,
                    document: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {}", member.name, e.message()));
        }
        let (level, rules) = allowed(&app, &who, &unit).await;
        let counted = rules
            .iter()
            .any(|r| r == "qd124-hd25.organisation.disciplined_members");
        if index == 0 {
            assert_eq!(
                level,
                Level::Khtnv,
                "the one member rated so far was disciplined: {rules:?}"
            );
            assert!(counted, "{rules:?}");
        } else {
            assert!(!counted, "the 2023 decision is not 2024's: {rules:?}");
        }
    }
}
