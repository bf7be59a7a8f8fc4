//! Discipline decisions recorded through the app reach the rules when subjects are rated
//! (QĐ 366, 2025): a member disciplined for a duty-related violation is capped at KHTNV; so is
//! the leadership collective that member sits on; a branch reprimanded cannot be HTXSNV (clean
//! record), nor can the grassroots organisation one of whose branches was. Bad input is refused
//! naming the field, and every record leaves its audit entry.

use crate::escalation::prepare;
use crate::support::{TestDb, YEAR, actor, app, build, official, on_both_backends};
use kiemdiem_app::discipline::{MemberDisciplineInput, UnitDisciplineInput};
use kiemdiem_app::plan::{NewPlan, Subject};
use kiemdiem_app::{Actor, App};
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
    let plan = app
        .create_plan(
            &who,
            NewPlan {
                org: org.grassroots,
                year: YEAR,
                ..NewPlan::default()
            },
        )
        .await
        .unwrap();
    app.open_plan(&who, plan.id, plan.version).await.unwrap();
    let subjects = app.subjects(&who, plan.id, None).await.unwrap();
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

    let (level, rules) = allowed(&app, &who, &branch2).await;
    assert_eq!(level, Level::Httnv, "{rules:?}");
    assert!(has(&rules, "collective.clean_record"), "{rules:?}");
    let (level, rules) = allowed(&app, &who, &grassroots).await;
    assert_eq!(level, Level::Httnv, "a branch was reprimanded: {rules:?}");
    assert!(has(&rules, "collective.clean_record"), "{rules:?}");
    let (_, rules) = allowed(&app, &who, &branch1).await;
    assert!(!has(&rules, "collective.clean_record"), "{rules:?}");
}
