//! A branch scores itself as seed 003 mục B.1.4 describes: the secretary's proposed scores sent to
//! the members three working days ahead, each member's scoring, the bonuses and deductions the
//! branch agrees on (each naming criterion, reason and responsible person), and the vote on the
//! total — adopted, it is the branch's self-evaluation.

use crate::support::{TestDb, actor, app, build, official, on_both_backends};
use kiemdiem_app::Actor;
use kiemdiem_app::evaluation::{CollectiveVote, ProposedScore};
use kiemdiem_app::plan::NewPlan;
use kiemdiem_rules::framework::{Adjustment, EvaluationInput};
use kiemdiem_rules::{Points, RuleSetId, SubjectKind};
use std::collections::BTreeMap;
use time::macros::date;

on_both_backends!(a_branch_scores_itself_and_votes_the_total);

fn sheet(points: [i64; 4]) -> EvaluationInput {
    EvaluationInput {
        points: BTreeMap::from([
            ("xay_dung_dang".to_owned(), Points::whole(points[0])),
            ("nhiem_vu_chinh_tri".to_owned(), Points::whole(points[1])),
            ("khac_phuc".to_owned(), Points::whole(points[2])),
            ("to_chuc_cung_cap".to_owned(), Points::whole(points[3])),
        ]),
        ..EvaluationInput::default()
    }
}

async fn a_branch_scores_itself_and_votes_the_total(db: &TestDb) {
    let org = build(
        &db.store,
        &[
            official("Nguyễn Văn An"),
            official("Trần Thị Bình"),
            official("Lê Văn Cường"),
        ],
        &[official("Bùi Văn Hùng")],
    )
    .await;
    let app = app(db);
    let secretary = actor("bithu.chibo");
    let plan = app
        .create_plan(
            &actor("bantochuc.huyen"),
            NewPlan {
                org: org.grassroots,
                year: 2019,
                rule_set: Some(RuleSetId::Qd132Hd21),
                local_layer: Some("seed003-huyen-2019".into()),
                frameworks: BTreeMap::from([(
                    SubjectKind::Organisation,
                    "seed003/organisation".into(),
                )]),
                ..NewPlan::default()
            },
        )
        .await
        .unwrap();
    app.open_plan(&actor("bantochuc.huyen"), plan.id, plan.version)
        .await
        .unwrap();
    let branch = app
        .subjects(&secretary, plan.id, None)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.org == Some(org.branches[0]))
        .unwrap();

    // Members cannot score before the secretary's proposal has gone out.
    let early = app
        .score_collective(
            &Actor::trusted_member("binh", org.members[0][1]),
            branch.id,
            org.members[0][1],
            sheet([25, 35, 8, 17]),
        )
        .await
        .unwrap_err();
    assert_eq!(early.code(), "conflict");
    let proposed = app
        .propose_collective_score(
            &secretary,
            branch.id,
            ProposedScore {
                version: 0,
                input: sheet([26, 36, 9, 18]),
                sent_on: date!(2019 - 12 - 02),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        proposed.proposed.as_ref().unwrap().total,
        Some(Points::whole(89))
    );
    for (i, points) in [[25, 35, 8, 17], [26, 36, 9, 18], [27, 37, 9, 18]]
        .into_iter()
        .enumerate()
    {
        let member = org.members[0][i];
        app.score_collective(
            &Actor::trusted_member("dangvien", member),
            branch.id,
            member,
            sheet(points),
        )
        .await
        .unwrap();
    }
    // A member of another branch does not score this one.
    let outsider = app
        .score_collective(
            &Actor::trusted_member("hung", org.members[1][0]),
            branch.id,
            org.members[1][0],
            sheet([30, 40, 10, 20]),
        )
        .await
        .unwrap_err();
    assert_eq!(outsider.code(), "not_entitled");

    let adjustments = vec![
        Adjustment::TargetShortfall {
            criterion: "nhiem_vu_chinh_tri".into(),
            target: "Thu ngân sách thôn".into(),
            planned: 100.0,
            achieved: 88.0,
            responsible: "Đồng chí Nguyễn Văn An, bí thư chi bộ".into(),
        },
        Adjustment::Bonus {
            criterion: "xay_dung_dang".into(),
            points: Points::whole(1),
            achievement: "Kết nạp 3 đảng viên mới, vượt chỉ tiêu".into(),
            responsible: "Chi ủy".into(),
        },
    ];
    let vote = |held_on, version, adjustments: Vec<Adjustment>| CollectiveVote {
        version,
        held_on,
        adjustments,
        votes_for: 3,
        votes_against: 0,
        abstained: 0,
        present: 3,
        override_reason: None,
    };
    // Sent on Monday 02/12/2019, meeting on Thursday: two working days in between, not three.
    let short = app
        .vote_collective_score(
            &secretary,
            branch.id,
            vote(date!(2019 - 12 - 05), proposed.version, adjustments.clone()),
        )
        .await
        .unwrap_err();
    assert_eq!(short.code(), "rule_refused", "{}", short.message());
    assert_eq!(short.field(), Some("held_on"));
    // A deduction without the person responsible is refused by the rules, naming it.
    let mut nameless = adjustments.clone();
    nameless.push(Adjustment::Deduction {
        criterion: "khac_phuc".into(),
        points: Points::whole(1),
        reason: "Chậm khắc phục".into(),
        responsible: " ".into(),
    });
    let refused = app
        .vote_collective_score(
            &secretary,
            branch.id,
            vote(date!(2019 - 12 - 06), proposed.version, nameless),
        )
        .await
        .unwrap_err();
    assert!(
        refused
            .field()
            .is_some_and(|f| f.starts_with("adjustments")),
        "{:?} {}",
        refused.field(),
        refused.message()
    );
    let (scoring, evaluation) = app
        .vote_collective_score(
            &secretary,
            branch.id,
            vote(date!(2019 - 12 - 06), proposed.version, adjustments),
        )
        .await
        .unwrap();
    let resolution = scoring.resolution.as_ref().unwrap();
    assert!(resolution.adopted, "{resolution:?}");
    // Averages 26 + 36 + 8,67 + 17,67 = 88,34; 12 % short of one target: −1 (0,5 per 5 %);
    // bonus +1.
    let aggregate = scoring.aggregate.as_ref().unwrap();
    assert_eq!(aggregate.raw_total, Some(Points(8834)));
    assert_eq!(aggregate.total, Some(Points(8834)));
    assert_eq!(aggregate.adjustments.len(), 2);
    let self_evaluation = evaluation.expect("adopted: the branch's self-evaluation");
    assert_eq!(
        self_evaluation.score.unwrap().total,
        Some(Points(8834)),
        "the total voted is the self-evaluation's"
    );
    assert_eq!(self_evaluation.step, "self");
    let again = app
        .score_collective(
            &Actor::trusted_member("an", org.members[0][0]),
            branch.id,
            org.members[0][0],
            sheet([30, 40, 10, 20]),
        )
        .await
        .unwrap_err();
    assert_eq!(again.code(), "conflict", "no scoring after the vote");
}
