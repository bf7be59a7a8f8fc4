//! Decisions as a sitting makes them (issue 13): concurrent decisions never take a quota group
//! past its quota; a sitting decides a whole group, checked on its final counts whatever the
//! order typed, all or nothing with every problem listed, under one document; a single decision
//! refused by the quota says what the group still lacks; publication refuses a group over its
//! quota, naming it.

use crate::support::{
    Person, TestDb, YEAR, actor, app, build, meet, official, on_both_backends, open_year_plan,
    prepare_with,
};
use kiemdiem_app::App;
use kiemdiem_app::document::DocumentInput;
use kiemdiem_app::evaluation::{DecisionInput, SittingInput, SittingItem};
use kiemdiem_app::plan::Subject;
use kiemdiem_rules::Level;
use kiemdiem_rules::facts::TaskResults;
use time::macros::date;
use uuid::Uuid;

on_both_backends!(
    concurrent_decisions_keep_the_quota,
    a_sitting_decides_the_group_on_its_final_counts,
    a_sitting_over_quota_is_refused_whole,
    publication_refuses_a_group_over_its_quota,
);

/// A branch whose secretary is followed by `ordinary` members scoring 80 (HTTNV) and
/// `candidates` scoring 95 with 4 of 10 tasks beyond target (HTXSNV), every one reviewed.
pub(crate) struct Group {
    pub(crate) app: App,
    pub(crate) plan: Uuid,
    pub(crate) ordinary: Vec<Subject>,
    pub(crate) candidates: Vec<Subject>,
}

fn people(ordinary: usize, candidates: usize) -> Vec<Person> {
    let mut out = vec![official("Nguyễn Văn An")];
    for i in 0..ordinary {
        out.push(official(Box::leak(
            format!("Trần Thị Bình {:02}", i + 1).into_boxed_str(),
        )));
    }
    for i in 0..candidates {
        out.push(official(Box::leak(
            format!("Lê Văn Cường {:02}", i + 1).into_boxed_str(),
        )));
    }
    out
}

pub(crate) async fn group(db: &TestDb, ordinary: usize, candidates: usize) -> Group {
    let org = build(
        &db.store,
        &people(ordinary, candidates),
        &[official("Bùi Văn Hùng")],
    )
    .await;
    let app = app(db);
    let who = actor("bithu.dangbo");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let branch = subjects
        .iter()
        .find(|s| s.org == Some(org.branches[0]))
        .unwrap()
        .clone();
    let secretary = subjects
        .iter()
        .find(|s| s.member == Some(org.members[0][0]))
        .unwrap()
        .clone();
    let day = date!(2025 - 12 - 01);
    let tasks = |exceeded| TaskResults {
        assigned: 10,
        completed: 10,
        on_time: 10,
        exceeded,
    };
    prepare_with(&app, &branch, 85, tasks(4), day).await;
    prepare_with(&app, &secretary, 85, tasks(4), day).await;
    let mut ordinary_subjects = Vec::new();
    let mut candidate_subjects = Vec::new();
    for member in &org.members[0][1..] {
        let s = subjects
            .iter()
            .find(|s| s.member == Some(*member))
            .unwrap()
            .clone();
        if s.name.starts_with("Lê Văn Cường") {
            prepare_with(&app, &s, 95, tasks(4), day).await;
            candidate_subjects.push(s);
        } else {
            prepare_with(&app, &s, 80, tasks(1), day).await;
            ordinary_subjects.push(s);
        }
    }
    let mut agenda: Vec<&Subject> = vec![&branch, &secretary];
    agenda.extend(ordinary_subjects.iter());
    agenda.extend(candidate_subjects.iter());
    meet(
        &app,
        plan.id,
        org.branches[0],
        &agenda,
        date!(2025 - 12 - 10),
    )
    .await;
    Group {
        app,
        plan: plan.id,
        ordinary: ordinary_subjects,
        candidates: candidate_subjects,
    }
}

pub(crate) async fn version(app: &App, subject: &Subject) -> i64 {
    app.subject(&actor("doc"), subject.id)
        .await
        .unwrap()
        .version
}

pub(crate) async fn decide_alone(
    app: &App,
    subject: &Subject,
    level: Level,
) -> Result<kiemdiem_app::evaluation::DecisionView, kiemdiem_app::AppError> {
    app.decide(
        &actor("dangUy.xa"),
        subject.id,
        DecisionInput {
            version: version(app, subject).await,
            level: Some(level),
            ..DecisionInput::default()
        },
    )
    .await
}

async fn item(app: &App, subject: &Subject, level: Level) -> SittingItem {
    SittingItem {
        subject: subject.id,
        version: version(app, subject).await,
        level: Some(level),
        reason: None,
    }
}

pub(crate) fn document() -> DocumentInput {
    DocumentInput {
        number_symbol: "125-QĐ/ĐU".into(),
        issued_on: Some(date!(2025 - 12 - 15)),
        place: "Hợp Thành".into(),
        on_behalf_of: "T/M BAN THƯỜNG VỤ".into(),
        signer_title: "BÍ THƯ".into(),
        signer_name: "Hoàng Văn Toàn".into(),
        recipients: vec![
            "Các chi bộ trực thuộc".into(),
            "Lưu Văn phòng Đảng ủy".into(),
        ],
    }
}

/// With room for one more HTXSNV in the group, eight HTXSNV decisions sent at once: exactly one
/// is accepted, the others are refused by the quota, and the group ends within its quota.
async fn concurrent_decisions_keep_the_quota(db: &TestDb) {
    let g = group(db, 10, 9).await;
    for s in &g.ordinary {
        decide_alone(&g.app, s, Level::Httnv).await.unwrap();
    }
    decide_alone(&g.app, &g.candidates[0], Level::Htxsnv)
        .await
        .unwrap();
    let headroom = g
        .app
        .quota_headroom(&actor("doc"), g.candidates[1].id, None)
        .await
        .unwrap();
    assert_eq!(
        (headroom.check.allowed, headroom.levels.htxsnv),
        (2, 1),
        "room for one more: {headroom:?}"
    );
    let mut racing = Vec::new();
    for candidate in &g.candidates[1..] {
        let app = g.app.clone();
        let candidate = candidate.clone();
        racing.push(tokio::spawn(async move {
            decide_alone(&app, &candidate, Level::Htxsnv).await
        }));
    }
    let mut accepted = 0;
    for race in racing {
        match race.await.unwrap() {
            Ok(_) => accepted += 1,
            Err(error) => assert_eq!(error.code(), "quota_exceeded", "{}", error.message()),
        }
    }
    assert_eq!(accepted, 1, "exactly the one place left is taken");
    let after = g
        .app
        .quota_headroom(&actor("doc"), g.candidates[1].id, None)
        .await
        .unwrap();
    assert_eq!(after.levels.htxsnv, 2);
    assert!(after.check.violation.is_none(), "{after:?}");
}

/// A sitting over HTXSNV first then nine HTTNV: alone the first would be refused (nothing decided
/// yet), as a sitting the final counts hold; typed in the reverse order (on another database)
/// the result is the same. One document carries every decision.
async fn a_sitting_decides_the_group_on_its_final_counts(db: &TestDb) {
    let g = group(db, 9, 1).await;
    let alone = decide_alone(&g.app, &g.candidates[0], Level::Htxsnv)
        .await
        .unwrap_err();
    assert_eq!(alone.code(), "quota_exceeded");
    let message = alone.message();
    assert!(
        message.contains("nhóm đảng viên Đảng bộ xã Hợp Thành"),
        "{message}"
    );
    assert!(message.contains("mới quyết định 0 HTTNV"), "{message}");
    assert!(
        message.contains("còn 12 đối tượng chưa quyết định"),
        "{message}"
    );
    assert!(!message.contains("members@"), "{message}");

    let mut decisions = vec![item(&g.app, &g.candidates[0], Level::Htxsnv).await];
    for s in &g.ordinary {
        decisions.push(item(&g.app, s, Level::Httnv).await);
    }
    let sitting = g
        .app
        .decide_sitting(
            &actor("dangUy.xa"),
            SittingInput {
                decisions,
                document: Some(document()),
                ..SittingInput::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(sitting.decisions.len(), 10);
    assert_eq!(sitting.group_name, "đảng viên Đảng bộ xã Hợp Thành");
    assert_eq!((sitting.quota.htxsnv, sitting.quota.allowed), (1, 1));
    let document = sitting.document.as_ref().expect("the sitting's document");
    assert_eq!(document.number_symbol, "125-QĐ/ĐU");
    for decision in &sitting.decisions {
        assert_eq!(decision.document.as_ref().map(|d| d.id), Some(document.id));
    }
    let mut first = Vec::new();
    for s in g.candidates.iter().chain(&g.ordinary) {
        first.push((
            s.name.clone(),
            g.app.subject(&actor("doc"), s.id).await.unwrap().level,
        ));
    }

    // The same sitting typed in the reverse order, on a database of its own.
    let other = if db.is_postgres() {
        TestDb::postgres().await.unwrap()
    } else {
        TestDb::sqlite().await
    };
    let h = group(&other, 9, 1).await;
    let mut reversed = Vec::new();
    for s in h.ordinary.iter().rev() {
        reversed.push(item(&h.app, s, Level::Httnv).await);
    }
    reversed.push(item(&h.app, &h.candidates[0], Level::Htxsnv).await);
    h.app
        .decide_sitting(
            &actor("dangUy.xa"),
            SittingInput {
                decisions: reversed,
                ..SittingInput::default()
            },
        )
        .await
        .unwrap();
    let mut second = Vec::new();
    for s in h.candidates.iter().chain(&h.ordinary) {
        second.push((
            s.name.clone(),
            h.app.subject(&actor("doc"), s.id).await.unwrap().level,
        ));
    }
    assert_eq!(first, second);
    let plans = h.app.plans(&actor("doc"), YEAR, None).await.unwrap();
    assert_eq!(plans.len(), 1);
    other.finish().await;
}

/// Two HTXSNV and eight HTTNV: over the quota on the final counts (20 % of 8 is 1); one HTTNV
/// typed as HTNV without a reason. Both problems are listed, the group's figures are given and
/// nothing is written.
async fn a_sitting_over_quota_is_refused_whole(db: &TestDb) {
    let g = group(db, 8, 2).await;
    let mut decisions = Vec::new();
    for s in &g.candidates {
        decisions.push(item(&g.app, s, Level::Htxsnv).await);
    }
    for (i, s) in g.ordinary.iter().enumerate() {
        let level = if i == 3 { Level::Htnv } else { Level::Httnv };
        decisions.push(item(&g.app, s, level).await);
    }
    let refused = g
        .app
        .decide_sitting(
            &actor("dangUy.xa"),
            SittingInput {
                decisions,
                document: Some(document()),
                ..SittingInput::default()
            },
        )
        .await
        .unwrap_err();
    let message = refused.message();
    assert!(message.contains("2 vấn đề"), "{message}");
    assert!(
        message.contains(&g.ordinary[3].name) && message.contains("ghi rõ lý do"),
        "{message}"
    );
    assert!(
        message.contains("nhóm đảng viên Đảng bộ xã Hợp Thành")
            && message.contains("2 HTXSNV vượt tỷ lệ: tối đa 1"),
        "{message}"
    );
    let details = refused.details().unwrap();
    let problems = details["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{details}");
    assert_eq!(problems[0]["index"], 5);
    assert_eq!(problems[0]["field"], "decisions[5].reason");
    assert_eq!(problems[1]["code"], "quota_exceeded");
    assert_eq!(details["quota"]["httnv"], 7);
    for s in g.candidates.iter().chain(&g.ordinary) {
        let now = g.app.subject(&actor("doc"), s.id).await.unwrap();
        assert_eq!(now.level, None, "nothing written: {}", s.name);
        assert!(
            g.app
                .decisions(&actor("doc"), s.id)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

/// Re-opening HTTNV results can leave a group's HTXSNV over its quota: publication refuses,
/// naming the group and its figures, until the group is back within it.
async fn publication_refuses_a_group_over_its_quota(db: &TestDb) {
    let g = group(db, 5, 1).await;
    let mut decisions = vec![item(&g.app, &g.candidates[0], Level::Htxsnv).await];
    for s in &g.ordinary {
        decisions.push(item(&g.app, s, Level::Httnv).await);
    }
    g.app
        .decide_sitting(
            &actor("dangUy.xa"),
            SittingInput {
                decisions,
                ..SittingInput::default()
            },
        )
        .await
        .unwrap();
    let reopened = &g.ordinary[0];
    g.app
        .reopen(
            &actor("dangUy.xa"),
            reopened.id,
            version(&g.app, reopened).await,
            "Kiểm tra lại theo đơn phản ánh",
        )
        .await
        .unwrap();
    let plan = g.app.plan(&actor("doc"), g.plan).await.unwrap();
    let refused = g
        .app
        .publish(&actor("dangUy.xa"), g.plan, plan.version)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "quota_exceeded", "{}", refused.message());
    assert!(
        refused
            .message()
            .contains("nhóm đảng viên Đảng bộ xã Hợp Thành: 1 HTXSNV vượt tỷ lệ: tối đa 0"),
        "{}",
        refused.message()
    );
    assert!(
        refused.citation().unwrap().source.contains("QĐ 366"),
        "{:?}",
        refused.citation()
    );
    let back = g
        .app
        .decide(
            &actor("dangUy.xa"),
            reopened.id,
            DecisionInput {
                version: version(&g.app, reopened).await,
                level: Some(Level::Httnv),
                reason: Some("Kiểm tra xong: không có vi phạm".into()),
                ..DecisionInput::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(back.level, Some(Level::Httnv));
    let plan = g.app.plan(&actor("doc"), g.plan).await.unwrap();
    let published = g
        .app
        .publish(&actor("dangUy.xa"), g.plan, plan.version)
        .await
        .unwrap();
    assert_eq!(published.published, 6);
    assert_eq!(published.levels["member_without_post"]["HTXSNV"], 1);
}
