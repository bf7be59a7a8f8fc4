//! Leaders through the app: their led and headed units are gathered from their posts, so the rules
//! crate's leader rules fire — seed 003's "the head is not rated above the unit" with its two
//! exceptions (a village branch's secretary who is not a civil servant; a head who moved in
//! without a part in the result), QĐ 366's "more than half of the led units KHTNV", the head
//! after the unit — and the party committee is reviewed after the government and
//! mass-organisation collectives of the same level.

use crate::support::{
    TestDb, YEAR, actor, app, build, meet, official, on_both_backends, open_year_plan, prepare,
    prepare_with, review, schedule,
};
use kiemdiem_app::evaluation::{DecisionInput, DecisionView};
use kiemdiem_app::plan::{NewPlan, Subject};
use kiemdiem_app::{Actor, App, AppError};
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_rules::{Level, PositionKind, RuleSetId, SubjectKind};
use kiemdiem_store::Store;
use kiemdiem_store::leadership::{CollectiveKind, Holder, NewCollective, NewPosition};
use kiemdiem_store::org::OrgUpdate;
use std::collections::BTreeMap;
use time::Date;
use time::macros::date;
use uuid::Uuid;

on_both_backends!(
    seed003_head_is_not_rated_above_the_unit,
    qd366_leader_with_most_units_failing_is_capped,
    qd366_led_units_tasks_bound_the_leader,
    party_committee_after_government_bodies,
);

async fn decide(
    app: &App,
    who: &Actor,
    subject: &Subject,
    level: Level,
) -> Result<DecisionView, AppError> {
    let version = app.subject(who, subject.id).await.unwrap().version;
    app.decide(
        who,
        subject.id,
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

/// A leadership collective attached to `org` from `from`, with its posts.
pub(crate) async fn collective(
    store: &Store,
    code: &str,
    name: &str,
    kind: CollectiveKind,
    org: Uuid,
    posts: &[(Uuid, PositionKind, Option<Uuid>)],
    from: Date,
) -> Uuid {
    let mut tx = store.begin("tester").await.unwrap();
    let id = tx
        .create_collective(
            &NewCollective {
                code: code.into(),
                name: name.into(),
                kind,
                org,
            },
            from,
        )
        .await
        .unwrap();
    for (member, kind, post_org) in posts {
        tx.assign_position(
            &NewPosition {
                holder: Holder::Member(*member),
                kind: *kind,
                org: *post_org,
                collective: Some(id),
                title: kind.name_vi().into(),
            },
            from,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    id
}

fn pick(subjects: &[Subject], pred: impl Fn(&Subject) -> bool) -> Subject {
    subjects.iter().find(|s| pred(s)).unwrap().clone()
}

/// Seed 003 (2019, QĐ 132 / HD 21 with the district's local layer): the head of a branch rated
/// HTNV cannot be rated HTTNV — unless they are the secretary of a village branch and not a civil
/// servant, or moved in during the year without a part in the branch's result (declared with
/// the reason). And a head is never decided before the unit.
async fn seed003_head_is_not_rated_above_the_unit(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Bùi Văn Hùng"), official("Đỗ Thị Lan")],
    )
    .await;
    let (an, hung) = (org.members[0][0], org.members[1][0]);
    // 2019: An has been secretary of the village branch (chi bộ thôn) since 2015; Hùng was
    // appointed secretary of the school's branch on 01/10/2019.
    let mut tx = db.store.begin("tester").await.unwrap();
    tx.update_org(
        org.branches[0],
        &OrgUpdate {
            residential: Some(true),
            ..OrgUpdate::default()
        },
        date!(2015 - 01 - 01),
    )
    .await
    .unwrap();
    for (member, branch, from) in [
        (an, org.branches[0], date!(2015 - 01 - 01)),
        (hung, org.branches[1], date!(2019 - 10 - 01)),
    ] {
        tx.assign_position(
            &NewPosition {
                holder: Holder::Member(member),
                kind: PositionKind::Secretary,
                org: Some(branch),
                collective: None,
                title: "Bí thư chi bộ".into(),
            },
            from,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let app = app(db);
    let who = actor("bithu.dangbo");
    let plan = app
        .create_plan(
            &who,
            NewPlan {
                org: org.grassroots,
                year: 2019,
                rule_set: Some(RuleSetId::Qd132Hd21),
                local_layer: Some("seed003-huyen-2019".into()),
                frameworks: BTreeMap::from([
                    (SubjectKind::Organisation, "seed003/organisation".into()),
                    (SubjectKind::MemberWithPost, "seed003/individual".into()),
                    (SubjectKind::MemberWithoutPost, "seed003/individual".into()),
                    (
                        SubjectKind::MemberOutsideSystem,
                        "seed003/individual".into(),
                    ),
                ]),
                ..NewPlan::default()
            },
        )
        .await
        .unwrap();
    app.open_plan(&who, plan.id, plan.version).await.unwrap();
    let subjects = app.subjects(&who, plan.id, None).await.unwrap();
    let b1 = pick(&subjects, |s| s.org == Some(org.branches[0]));
    let b2 = pick(&subjects, |s| s.org == Some(org.branches[1]));
    let an_s = pick(&subjects, |s| s.member == Some(an));
    let hung_s = pick(&subjects, |s| s.member == Some(hung));
    let binh_s = pick(&subjects, |s| s.member == Some(org.members[0][1]));
    let lan_s = pick(&subjects, |s| s.member == Some(org.members[1][1]));
    assert_eq!(an_s.kind, SubjectKind::MemberWithPost);
    assert_eq!(hung_s.kind, SubjectKind::MemberWithPost);

    let day = date!(2019 - 12 - 02);
    for s in [&b1, &b2, &an_s, &hung_s, &binh_s, &lan_s] {
        prepare(&app, s, 80, day).await;
    }
    let held = date!(2019 - 12 - 10);
    meet(&app, plan.id, org.branches[0], &[&b1, &an_s, &binh_s], held).await;
    meet(
        &app,
        plan.id,
        org.branches[1],
        &[&b2, &hung_s, &lan_s],
        held,
    )
    .await;

    let committee = actor("dangUy.xa");
    // The head after the unit (seed 003 mục B.4).
    let early = decide(&app, &committee, &an_s, Level::Httnv)
        .await
        .unwrap_err();
    assert_eq!(early.code(), "out_of_order", "{}", early.message());
    let citation = early
        .citations()
        .iter()
        .find(|c| c.rule.ends_with("order.UnitBeforeHead"))
        .unwrap_or_else(|| panic!("{:?}", early.citations()))
        .clone();
    assert!(citation.source.contains("năm 2019 mục B.4"), "{citation:?}");
    assert!(early.message().contains(&b1.name), "{}", early.message());

    for s in [&binh_s, &lan_s] {
        decide(&app, &committee, s, Level::Httnv).await.unwrap();
    }
    for s in [&b1, &b2] {
        decide(&app, &committee, s, Level::Htnv).await.unwrap();
    }
    // Hùng heads a branch rated HTNV: not HTTNV.
    let capped = decide(&app, &committee, &hung_s, Level::Httnv)
        .await
        .unwrap_err();
    assert_eq!(capped.code(), "rule_refused", "{}", capped.message());
    assert_eq!(capped.field(), Some("level"));
    let local = capped
        .citations()
        .iter()
        .find(|c| c.rule == "local.head_not_above_unit")
        .unwrap_or_else(|| panic!("{:?}", capped.citations()));
    assert!(local.source.contains("năm 2019 mục B.4"), "{local:?}");
    assert!(capped.message().contains("HTNV"), "{}", capped.message());

    // An has been secretary since 2015: not a head who moved in.
    let not_moved = app
        .declare_head_moved_in(&actor("bantochuc"), an_s.id, b1.id, "Mới chuyển đến")
        .await
        .unwrap_err();
    assert_eq!(not_moved.code(), "rule_refused", "{}", not_moved.message());
    assert_eq!(not_moved.field(), Some("unit_id"));
    assert!(
        not_moved.message().contains("01/01/2015"),
        "{}",
        not_moved.message()
    );
    let no_reason = app
        .declare_head_moved_in(&actor("bantochuc"), hung_s.id, b2.id, "  ")
        .await
        .unwrap_err();
    assert_eq!(no_reason.field(), Some("reason"));
    let not_headed = app
        .declare_head_moved_in(&actor("bantochuc"), hung_s.id, b1.id, "Chuyển đến")
        .await
        .unwrap_err();
    assert_eq!(not_headed.field(), Some("unit_id"));
    // Hùng moved in on 01/10/2019 and had no part in the branch's result: declared, the rule
    // does not apply to that branch (seed 003 mục B.6).
    let declared = app
        .declare_head_moved_in(
            &actor("bantochuc"),
            hung_s.id,
            b2.id,
            "Nhận nhiệm vụ bí thư chi bộ từ 01/10/2019, kết quả năm của chi bộ do ban chi ủy trước thực hiện",
        )
        .await
        .unwrap();
    assert_eq!(declared.post_from, date!(2019 - 10 - 01));
    assert_eq!(
        app.heads_moved_in(&who, hung_s.id).await.unwrap(),
        vec![declared]
    );
    let decided = decide(&app, &committee, &hung_s, Level::Httnv)
        .await
        .unwrap();
    assert!(
        decided
            .basis
            .to_string()
            .contains("Chuyển đến làm người đứng đầu"),
        "{}",
        decided.basis
    );

    // An is the secretary of a village branch and not a civil servant: the rule spares him.
    let decided = decide(&app, &committee, &an_s, Level::Httnv).await.unwrap();
    assert!(
        decided.basis.to_string().contains("Bí thư chi bộ thôn"),
        "{}",
        decided.basis
    );
}

/// QĐ 366 Điều 11 khoản 4: a leader more than half of whose directly led units are rated
/// KHTNV is rated KHTNV — the units found from the posts (a branch as its secretary, two
/// collectives as their head).
async fn qd366_leader_with_most_units_failing_is_capped(db: &TestDb) {
    let org = build(
        &db.store,
        &[
            official("Nguyễn Văn An"),
            official("Trần Văn Bình"),
            official("Lê Văn Cường"),
        ],
        &[official("Bùi Văn Hùng")],
    )
    .await;
    let [an, binh, _] = [org.members[0][0], org.members[0][1], org.members[0][2]];
    let hung = org.members[1][0];
    let since = date!(2020 - 01 - 01);
    let board = collective(
        &db.store,
        "T.01.001.HTX",
        "Ban Giám đốc Hợp tác xã Hợp Thành",
        CollectiveKind::UnitLeadership,
        org.grassroots,
        &[
            (an, PositionKind::UnitHead, None),
            (binh, PositionKind::UnitDeputy, None),
        ],
        since,
    )
    .await;
    let front = collective(
        &db.store,
        "T.01.001.MTTQ",
        "Ban Thường trực Ủy ban MTTQ xã Hợp Thành",
        CollectiveKind::FatherlandFront,
        org.grassroots,
        &[
            (an, PositionKind::UnitHead, None),
            (hung, PositionKind::UnitDeputy, None),
        ],
        since,
    )
    .await;
    let app = app(db);
    let who = actor("bithu.dangbo");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let b1 = pick(&subjects, |s| s.org == Some(org.branches[0]));
    let an_s = pick(&subjects, |s| {
        s.member == Some(an) && s.kind == SubjectKind::MemberWithPost
    });
    let cuong_s = pick(&subjects, |s| s.member == Some(org.members[0][2]));
    let binh_s = pick(&subjects, |s| {
        s.member == Some(binh) && s.kind == SubjectKind::MemberWithPost
    });
    let board_s = pick(&subjects, |s| {
        s.collective == Some(board) && s.kind == SubjectKind::Collective
    });
    let front_s = pick(&subjects, |s| {
        s.collective == Some(front) && s.kind == SubjectKind::Collective
    });

    let day = date!(2025 - 12 - 01);
    for s in [&b1, &an_s, &binh_s, &cuong_s, &board_s, &front_s] {
        prepare(&app, s, 85, day).await;
    }
    meet(
        &app,
        plan.id,
        org.grassroots,
        &[&board_s, &front_s],
        date!(2025 - 12 - 09),
    )
    .await;
    meet(
        &app,
        plan.id,
        org.branches[0],
        &[&b1, &an_s, &binh_s, &cuong_s],
        date!(2025 - 12 - 10),
    )
    .await;

    let committee = actor("dangUy.xa");
    decide(&app, &committee, &board_s, Level::Khtnv)
        .await
        .unwrap();
    decide(&app, &committee, &front_s, Level::Httnv)
        .await
        .unwrap();
    decide(&app, &committee, &cuong_s, Level::Httnv)
        .await
        .unwrap();
    // The branch after every member it does not have as its leader (HD 43 Mục 3): Bình first.
    let early = decide(&app, &committee, &b1, Level::Khtnv)
        .await
        .unwrap_err();
    assert_eq!(early.code(), "out_of_order", "{}", early.message());
    assert!(
        early
            .citations()
            .iter()
            .any(|c| c.rule == "qd366-hd43.order.MembersBeforeOrganisation"),
        "{:?}",
        early.citations()
    );
    assert!(
        early.message().contains("Trần Văn Bình"),
        "{}",
        early.message()
    );
    assert!(
        !early.message().contains("Nguyễn Văn An"),
        "{}",
        early.message()
    );
    decide(&app, &committee, &binh_s, Level::Khtnv)
        .await
        .unwrap();
    decide(&app, &committee, &b1, Level::Khtnv).await.unwrap();
    // Two of the three units An directly leads are KHTNV.
    let capped = decide(&app, &committee, &an_s, Level::Htnv)
        .await
        .unwrap_err();
    assert_eq!(capped.code(), "rule_refused", "{}", capped.message());
    assert!(
        capped
            .citations()
            .iter()
            .any(|c| c.rule == "qd366-hd43.leader.khtnv_units" && c.source.contains("QĐ 366")),
        "{:?}",
        capped.citations()
    );
    assert!(capped.message().contains("2/3"), "{}", capped.message());
    let side = app.side_by_side(&who, an_s.id).await.unwrap();
    assert_eq!(side.classification.unwrap().allowed, Level::Khtnv);
    decide(&app, &committee, &an_s, Level::Khtnv).await.unwrap();
}

/// QĐ 366 Điều 11: the tasks of the units a leader directly leads bound the leader — below 70 %
/// completed forces KHTNV; HTXSNV needs them all done with at least 30 % beyond target.
async fn qd366_led_units_tasks_bound_the_leader(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Bùi Văn Hùng"), official("Đỗ Thị Lan")],
    )
    .await;
    let app = app(db);
    let who = actor("bithu.dangbo");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let member = |i: usize, j: usize| pick(&subjects, |s| s.member == Some(org.members[i][j]));
    let branch = |i: usize| pick(&subjects, |s| s.org == Some(org.branches[i]));
    let (b1, b2) = (branch(0), branch(1));
    let (an, binh, hung, lan) = (member(0, 0), member(0, 1), member(1, 0), member(1, 1));
    let day = date!(2025 - 12 - 01);
    let tasks = |completed: u32, exceeded: u32| TaskResults {
        assigned: 10,
        completed,
        on_time: completed,
        exceeded,
    };
    // Branch 1 completed 6 of its 10 tasks; branch 2 all, 2 beyond target.
    prepare_with(&app, &b1, 85, tasks(6, 0), day).await;
    prepare_with(&app, &b2, 85, tasks(10, 2), day).await;
    for s in [&an, &hung] {
        prepare_with(&app, s, 95, tasks(10, 5), day).await;
    }
    for s in [&binh, &lan] {
        prepare(&app, s, 85, day).await;
    }
    let held = date!(2025 - 12 - 10);
    meet(&app, plan.id, org.branches[0], &[&b1, &an, &binh], held).await;
    meet(&app, plan.id, org.branches[1], &[&b2, &hung, &lan], held).await;
    let committee = actor("dangUy.xa");
    for s in [&binh, &lan] {
        decide(&app, &committee, s, Level::Httnv).await.unwrap();
    }
    decide(&app, &committee, &b1, Level::Khtnv).await.unwrap();
    decide(&app, &committee, &b2, Level::Httnv).await.unwrap();

    let refused = decide(&app, &committee, &an, Level::Htnv)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "rule_refused", "{}", refused.message());
    assert!(
        refused
            .citations()
            .iter()
            .any(|c| c.rule == "qd366-hd43.leader.led_units_completed"),
        "{:?}",
        refused.citations()
    );
    assert!(refused.message().contains("6/10"), "{}", refused.message());
    decide(&app, &committee, &an, Level::Khtnv).await.unwrap();

    let refused = decide(&app, &committee, &hung, Level::Htxsnv)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "rule_refused", "{}", refused.message());
    assert!(
        refused
            .citations()
            .iter()
            .any(|c| c.rule == "qd366-hd43.tasks.htxsnv_exceeded_min"),
        "{:?}",
        refused.citations()
    );
    assert!(
        refused.message().contains("Đơn vị trực tiếp lãnh đạo"),
        "{}",
        refused.message()
    );
    // 95 points in the HTXSNV band, the conditions of HTTNV only: QĐ 366 Điều 11 leaves the
    // level to the competent level, which records its reason (issue 14).
    let version = app.subject(&committee, hung.id).await.unwrap().version;
    let unreasoned = app
        .decide(
            &committee,
            hung.id,
            DecisionInput {
                version,
                level: Some(Level::Httnv),
                ..DecisionInput::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        unreasoned
            .citations()
            .iter()
            .any(|c| c.rule == "qd366-hd43.tasks.conditions_gap"),
        "{:?}",
        unreasoned.citations()
    );
    let version = app.subject(&committee, hung.id).await.unwrap().version;
    app.decide(
        &committee,
        hung.id,
        DecisionInput {
            version,
            level: Some(Level::Httnv),
            reason: Some("Đơn vị phụ trách chỉ vượt mức 20% nhiệm vụ: xếp HTTNV".into()),
            exceptional_share: None,
            document: None,
        },
    )
    .await
    .unwrap();
}

/// HD 43 Mục 2 (QĐ 124 Điều 11; seed 003 A.4.2): the party committee — and the party
/// organisation — are reviewed after the government, professional and mass-organisation
/// collectives of the same level; the refusal names those still unreviewed, and may be
/// overridden only with a recorded reason.
async fn party_committee_after_government_bodies(db: &TestDb) {
    let org = build(
        &db.store,
        &[
            official("Nguyễn Văn An"),
            official("Trần Văn Bình"),
            official("Lê Văn Cường"),
        ],
        &[
            official("Bùi Văn Hùng"),
            official("Đỗ Thị Lan"),
            official("Ngô Văn Minh"),
        ],
    )
    .await;
    let m = &org.members;
    let since = date!(2020 - 01 - 01);
    let committee = collective(
        &db.store,
        "T.01.001.CU",
        "Ban Chấp hành Đảng bộ xã Hợp Thành",
        CollectiveKind::PartyCommittee,
        org.grassroots,
        &[
            (m[0][0], PositionKind::Secretary, Some(org.grassroots)),
            (m[1][0], PositionKind::DeputySecretary, Some(org.grassroots)),
        ],
        since,
    )
    .await;
    let ubnd = collective(
        &db.store,
        "T.01.001.UBND",
        "Ủy ban nhân dân xã Hợp Thành",
        CollectiveKind::PeoplesCommittee,
        org.grassroots,
        &[
            (m[0][1], PositionKind::UnitHead, None),
            (m[1][1], PositionKind::UnitDeputy, None),
        ],
        since,
    )
    .await;
    let youth = collective(
        &db.store,
        "T.01.001.DTN",
        "Ban Thường vụ Đoàn Thanh niên xã Hợp Thành",
        CollectiveKind::MassOrganisation,
        org.grassroots,
        &[
            (m[0][2], PositionKind::UnitHead, None),
            (m[1][2], PositionKind::UnitDeputy, None),
        ],
        since,
    )
    .await;
    let app = app(db);
    let who = actor("bithu.dangbo");
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
    let subjects = app
        .subjects(&who, plan.id, Some(&[org.grassroots]))
        .await
        .unwrap();
    let body = |id: Uuid| {
        pick(&subjects, |s| {
            s.kind == SubjectKind::Collective && s.collective == Some(id)
        })
    };
    let (committee_s, ubnd_s, youth_s) = (body(committee), body(ubnd), body(youth));
    let g = pick(&subjects, |s| s.org == Some(org.grassroots));
    for s in [&committee_s, &ubnd_s, &youth_s, &g] {
        prepare(&app, s, 85, date!(2025 - 12 - 01)).await;
    }
    let meeting = schedule(
        &app,
        plan.id,
        org.grassroots,
        &[&committee_s, &ubnd_s, &youth_s, &g],
        date!(2025 - 12 - 10),
    )
    .await;

    let refused = review(&app, meeting, &committee_s, None).await.unwrap_err();
    assert_eq!(refused.code(), "out_of_order", "{}", refused.message());
    assert_eq!(refused.field(), Some("override_reason"));
    for name in [&ubnd_s.name, &youth_s.name] {
        assert!(
            refused.message().contains(name.as_str()),
            "{}",
            refused.message()
        );
    }
    assert!(
        refused.citations().iter().any(|c| c
            .rule
            .ends_with("order.GovernmentBodiesBeforeCommittee")
            && c.source.contains("HD 43")),
        "{:?}",
        refused.citations()
    );
    // Overridden with a recorded reason: the UBND and the youth union review at their own
    // year-end conferences.
    let reason = "UBND, Đoàn Thanh niên tổng kết năm sau ngày 20/12; Ban Thường vụ Huyện ủy đồng ý";
    review(&app, meeting, &committee_s, Some(reason))
        .await
        .unwrap();
    let item = app
        .meeting(&who, meeting)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|i| i.subject == committee_s.id)
        .unwrap();
    assert!(item.reviewed);
    assert_eq!(item.override_reason.as_deref(), Some(reason));
    let trail = app
        .audit_trail(&who, "subject", &committee_s.id.to_string())
        .await
        .unwrap();
    let entry = trail.iter().find(|e| e.action == "meeting.review").unwrap();
    assert_eq!(entry.reason.as_deref(), Some(reason));
    assert!(
        entry.detail["data"]["order_overridden"]
            .as_array()
            .is_some_and(|a| a.len() == 2),
        "{}",
        entry.detail
    );

    // The party organisation itself waits for them too; in order, no reason is needed.
    let refused = review(&app, meeting, &g, None).await.unwrap_err();
    assert_eq!(refused.code(), "out_of_order");
    review(&app, meeting, &ubnd_s, None).await.unwrap();
    let refused = review(&app, meeting, &g, None).await.unwrap_err();
    assert!(
        refused.message().contains(&youth_s.name),
        "{}",
        refused.message()
    );
    assert!(
        !refused.message().contains(&ubnd_s.name),
        "{}",
        refused.message()
    );
    review(&app, meeting, &youth_s, None).await.unwrap();
    review(&app, meeting, &g, None).await.unwrap();
}
