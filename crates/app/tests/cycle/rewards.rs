//! Rewards and flags from the history (RULES.md §8): five years of HTXSNV counted across a
//! member's transfer and a merger of two branches into a new one (the new branch's years before
//! the merger are its predecessors'), a proposal refused naming the year that breaks the run, and
//! two years of KHTNV — one decided in the system — listed for the branch's attention, never
//! acted on; a commitment registered after the review shown beside next year's subject.

use crate::escalation::decide;
use crate::support::{
    TestDb, YEAR, actor, app, build, meet, official, on_both_backends, open_year_plan, prepare,
};
use kiemdiem_app::commitments::CommitmentInput;
use kiemdiem_app::rewards::{PastLevelInput, Rated};
use kiemdiem_rules::rewards::AwardKind;
use kiemdiem_rules::{Level, OrgKind};
use kiemdiem_store::org::{MergeTarget, NewOrg};
use time::macros::date;
use uuid::Uuid;

on_both_backends!(
    five_years_across_a_merger_and_a_transfer_and_two_years_of_khtnv,
    a_commitment_is_shown_next_year
);

fn past(year: i32, level: &str, rated_in: Option<Uuid>) -> PastLevelInput {
    PastLevelInput {
        year,
        level: level.into(),
        rule_set: None,
        rated_in,
        source: format!("Quyết định số {year}-QĐ/ĐU"),
    }
}

async fn five_years_across_a_merger_and_a_transfer_and_two_years_of_khtnv(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Phạm Văn Dũng"), official("Trần Văn Bình")],
        &[official("Nguyễn Văn An"), official("Lê Văn Cường")],
    )
    .await;
    let [b1, b2] = org.branches;
    let an = org.members[1][0];
    let binh = org.members[0][1];
    let cuong = org.members[1][1];
    // An moves from the second branch to the first in 2023; in mid-2024 the two branches merge
    // into a new one (hợp nhất).
    let mut tx = db.store.begin("tester").await.unwrap();
    tx.transfer_member(an, b1, date!(2023 - 01 - 15), "Chuyển sinh hoạt")
        .await
        .unwrap();
    let merged = tx
        .merge_orgs(
            &[b1, b2],
            &MergeTarget::New(NewOrg {
                code: "T.01.001.03".into(),
                name: "Chi bộ thôn Nà Pàn mới".into(),
                kind: OrgKind::SubordinateBranch,
                has_committee: false,
                founded_on: date!(2024 - 07 - 01),
                parent: Some(org.grassroots),
            }),
            date!(2024 - 07 - 01),
            "Hợp nhất hai chi bộ",
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let app = app(db);
    let records = actor("bantochuc");
    let record = |rated: Rated, input: PastLevelInput| {
        let app = app.clone();
        let records = records.clone();
        async move { app.record_past_level(&records, rated, input).await }
    };
    // An: rated in the second branch, then the first, then the merged one.
    for (year, branch) in [
        (2021, b2),
        (2022, b2),
        (2023, b1),
        (2024, merged),
        (2025, merged),
    ] {
        record(Rated::Member(an), past(year, "HTXSNV", Some(branch)))
            .await
            .unwrap();
    }
    // Bình: one year short of HTXSNV.
    for (year, level) in [
        (2021, "HTXSNV"),
        (2022, "HTXSNV"),
        (2023, "HTTNV"),
        (2024, "HTXSNV"),
        (2025, "HTXSNV"),
    ] {
        record(Rated::Member(binh), past(year, level, Some(b1)))
            .await
            .unwrap();
    }
    // The branches before the merger, the merged one after.
    for year in 2021..=2023 {
        for branch in [b1, b2] {
            record(Rated::Org(branch), past(year, "HTXSNV", None))
                .await
                .unwrap();
        }
    }
    for year in [2024, 2025] {
        record(Rated::Org(merged), past(year, "HTXSNV", None))
            .await
            .unwrap();
    }
    // A level of another era is refused naming the field.
    let wrong = record(Rated::Member(an), past(2015, "HTXSNV", None))
        .await
        .unwrap_err();
    assert_eq!(wrong.field(), Some("level"), "{}", wrong.message());

    let who = actor("bithu");
    let history = app
        .results_history(&who, Rated::Member(an), YEAR)
        .await
        .unwrap();
    assert!(history.consecutive_award.eligible, "{history:?}");
    let places: Vec<&str> = history
        .sources
        .iter()
        .map(|s| s.rated_in.as_ref().unwrap().code.as_str())
        .collect();
    assert_eq!(
        places,
        [
            "T.01.001.02",
            "T.01.001.02",
            "T.01.001.01",
            "T.01.001.03",
            "T.01.001.03"
        ],
        "a member rated in three branches over the five years"
    );
    let committee = actor("dangUy.xa");
    let proposal = app
        .propose_award(&committee, Rated::Member(an), YEAR, AwardKind::Consecutive)
        .await
        .unwrap();
    assert_eq!(proposal.proposed_by, merged);
    assert!(proposal.title.contains("5 năm liền (2021–2025)"));
    let givers = &proposal.basis["proposal"]["givers"];
    assert_eq!(givers[0]["certificate"], "Giấy khen");
    assert!(
        givers[0]["citation"]["source"]
            .as_str()
            .unwrap()
            .contains("HD 06-HD/TW")
    );
    let again = app
        .propose_award(&committee, Rated::Member(an), YEAR, AwardKind::Consecutive)
        .await
        .unwrap_err();
    assert_eq!(again.code(), "conflict");

    // Bình: the year's award yes, five years no — the refusal names 2023 and the rule.
    app.propose_award(&committee, Rated::Member(binh), YEAR, AwardKind::Year)
        .await
        .unwrap();
    let refused = app
        .propose_award(
            &committee,
            Rated::Member(binh),
            YEAR,
            AwardKind::Consecutive,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "rule_refused");
    assert!(
        refused.message().contains("Năm 2023"),
        "{}",
        refused.message()
    );
    assert!(
        refused
            .citations()
            .iter()
            .any(|c| c.source.contains("HD 06-HD/TW"))
    );
    assert_eq!(
        refused.details().unwrap()["broken"][0]["year"],
        serde_json::json!(2023)
    );

    // The merged branch: 2021–2023 are its predecessors' (both HTXSNV).
    let branch = app
        .results_history(&who, Rated::Org(merged), YEAR)
        .await
        .unwrap();
    assert!(branch.consecutive_award.eligible, "{branch:?}");
    assert!(
        branch.sources[0]
            .through
            .as_deref()
            .unwrap()
            .contains("Hợp nhất, sáp nhập từ T.01.001.01, T.01.001.02 ngày 01/07/2024"),
        "{:?}",
        branch.sources[0]
    );
    let district_committee = actor("huyenuy");
    let org_proposal = app
        .propose_award(
            &district_committee,
            Rated::Org(merged),
            YEAR,
            AwardKind::Consecutive,
        )
        .await
        .unwrap();
    assert_eq!(org_proposal.proposed_by, org.grassroots);
    let listed = app
        .award_proposals(&who, org.grassroots, YEAR)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].holder_id, merged);
    // One predecessor short in 2022: the merged branch's run breaks there.
    record(Rated::Org(b2), past(2022, "HTTNV", None))
        .await
        .unwrap();
    let broken = app
        .results_history(&who, Rated::Org(merged), YEAR)
        .await
        .unwrap();
    let refusal = broken.consecutive_award.refusal.unwrap();
    assert_eq!(
        refusal.broken.iter().map(|b| b.year).collect::<Vec<_>>(),
        [2022]
    );

    // Cường: KHTNV in 2024 (archive) and KHTNV decided in the 2025 plan → the branch's
    // attention, nothing automatic.
    record(Rated::Member(cuong), past(2024, "KHTNV", Some(b2)))
        .await
        .unwrap();
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let cuong_s = subjects
        .iter()
        .find(|s| s.member == Some(cuong))
        .unwrap()
        .clone();
    let branch_s = subjects
        .iter()
        .find(|s| s.org == Some(merged))
        .unwrap()
        .clone();
    prepare(&app, &branch_s, 85, date!(2025 - 12 - 01)).await;
    prepare(&app, &cuong_s, 40, date!(2025 - 12 - 01)).await;
    meet(
        &app,
        plan.id,
        merged,
        &[&branch_s, &cuong_s],
        date!(2025 - 12 - 10),
    )
    .await;
    decide(&app, &committee, cuong_s.id, Level::Khtnv)
        .await
        .unwrap_or_else(|e| panic!("{}", e.message()));
    let listed = app
        .attention_list(&who, org.grassroots, YEAR)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].member, cuong);
    assert_eq!(listed[0].branch.as_ref().unwrap().id, merged);
    assert_eq!(listed[0].flags[0].code, "khtnv_two_years");
    assert!(!listed[0].flags[0].automatic);
    assert!(
        listed[0].flags[0]
            .citation
            .source
            .contains("HD 02-HD/BTCTW")
    );
    let history = app
        .results_history(&who, Rated::Member(cuong), YEAR)
        .await
        .unwrap();
    assert_eq!(history.sources[1].origin, "decided");
    assert_eq!(history.sources[0].origin, "archive");
    // The member is still a member of the merged branch: nothing was done automatically.
    let mut read = db.store.read().await.unwrap();
    assert_eq!(
        read.branch_of(
            cuong,
            kiemdiem_store::people::MembershipKind::Official,
            date!(2025 - 12 - 15)
        )
        .await
        .unwrap(),
        Some(merged)
    );
}

/// After the review the member registers a commitment for 2026 and the branch its target level;
/// the 2026 subjects show them beside their result; a commitment before the review, a level of
/// no era and a member's commitment without pledges are refused.
async fn a_commitment_is_shown_next_year(db: &TestDb) {
    let org = build(&db.store, &[official("Nguyễn Văn An")], &[]).await;
    let an = org.members[0][0];
    let app = app(db);
    let who = actor("bithu");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let find = |pred: &dyn Fn(&kiemdiem_app::plan::Subject) -> bool| {
        subjects.iter().find(|s| pred(s)).unwrap().clone()
    };
    let an_s = find(&|s| s.member == Some(an));
    let branch_s = find(&|s| s.org == Some(org.branches[0]));
    let commitment = |level: &str, pledges: &str| CommitmentInput {
        version: 0,
        target_level: level.into(),
        pledges: pledges.into(),
        registered_on: None,
    };
    let early = app
        .register_commitment(&who, an_s.id, commitment("HTXSNV", "Hoàn thành xuất sắc"))
        .await
        .unwrap_err();
    assert_eq!(early.code(), "out_of_order");
    prepare(&app, &branch_s, 85, date!(2025 - 12 - 01)).await;
    prepare(&app, &an_s, 85, date!(2025 - 12 - 01)).await;
    meet(
        &app,
        plan.id,
        org.branches[0],
        &[&branch_s, &an_s],
        date!(2025 - 12 - 10),
    )
    .await;
    let wrong = app
        .register_commitment(&who, an_s.id, commitment("TSVM", "x"))
        .await
        .unwrap_err();
    assert_eq!(wrong.field(), Some("target_level"));
    let empty = app
        .register_commitment(&who, an_s.id, commitment("HTXSNV", "  "))
        .await
        .unwrap_err();
    assert_eq!(empty.field(), Some("pledges"));
    let registered = app
        .register_commitment(
            &who,
            an_s.id,
            commitment(
                "HTXSNV",
                "Hoàn thành xuất sắc nhiệm vụ được giao; học tập nghị quyết",
            ),
        )
        .await
        .unwrap();
    assert_eq!(registered.for_year, YEAR + 1);
    let changed = app
        .register_commitment(
            &who,
            an_s.id,
            CommitmentInput {
                version: registered.version,
                ..commitment(
                    "HTXSNV",
                    "Hoàn thành xuất sắc nhiệm vụ; giúp đỡ đảng viên mới",
                )
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.version, 2);
    let stale = app
        .register_commitment(&who, an_s.id, commitment("HTTNV", "x"))
        .await
        .unwrap_err();
    assert_eq!(stale.code(), "stale_version");
    app.register_commitment(&who, branch_s.id, commitment("HTXSNV", ""))
        .await
        .unwrap();

    let (_, next) = open_year_plan(&app, &who, org.grassroots, YEAR + 1).await;
    let an_next = next.iter().find(|s| s.member == Some(an)).unwrap();
    let shown = app
        .last_commitment(&who, an_next.id)
        .await
        .unwrap()
        .expect("last year's commitment");
    assert_eq!(shown.target_level_name, "Hoàn thành xuất sắc nhiệm vụ");
    assert!(shown.pledges.contains("giúp đỡ đảng viên mới"));
    let branch_next = next
        .iter()
        .find(|s| s.org == Some(org.branches[0]))
        .unwrap();
    assert_eq!(
        app.last_commitment(&who, branch_next.id)
            .await
            .unwrap()
            .unwrap()
            .target_level,
        "HTXSNV"
    );
    // This year's subject has none from the year before.
    assert!(app.last_commitment(&who, an_s.id).await.unwrap().is_none());
}
