//! After the decision (issue 16): a complaint lodged before the decision holds it until the
//! verification is recorded (the rules' QĐ 366 Điều 12 check); an upheld complaint re-classifies
//! through the correction path and frees quota headroom that another member then uses, with what
//! depends on the changed level reported and the subject's dissent shown with its decision; the
//! inspection committee's list of organisations in breach and an upper level's order carried out
//! by a correction; a past year's results re-checked against that year's rule set.

use crate::discipline::prepare_2024;
use crate::sitting::{decide_alone, document, group, version};
use crate::support::{
    TODAY, TestDb, actor, app, build, official, on_both_backends, open_year_plan,
};
use kiemdiem_app::Actor;
use kiemdiem_app::accounts::NewAccount;
use kiemdiem_app::after::{
    InspectionInput, MatterConclusion, MatterInput, MatterOrder, OrderKind, Outcome,
};
use kiemdiem_app::discipline::MemberDisciplineInput;
use kiemdiem_app::evaluation::DecisionInput;
use kiemdiem_app::meeting::{NewMeeting, ReviewRecord};
use kiemdiem_app::plan::Subject;
use kiemdiem_rules::facts::MatterKind;
use kiemdiem_rules::{DisciplineForm, Level, SubjectKind};
use time::macros::date;

on_both_backends!(
    a_complaint_before_the_decision_holds_it_until_verified,
    an_upheld_complaint_frees_headroom_another_member_uses,
    the_inspection_lists_breaches_and_its_order_is_carried_out,
    a_past_year_is_rechecked_against_its_own_rule_set,
    a_branch_re_classified_rechecks_its_head_and_the_commune,
);

fn committee() -> Actor {
    actor("dangUy.xa")
}

async fn a_complaint_before_the_decision_holds_it_until_verified(db: &TestDb) {
    let g = group(db, 3, 0).await;
    let about = &g.ordinary[0];
    // The complainant signs in with their own account (the member role on their branch).
    g.app
        .create_account(
            &actor("quantri"),
            NewAccount {
                login: "dangvien.binh".into(),
                display_name: "Trần Thị Bình".into(),
                member: g.ordinary[1].member,
                org: None,
                password: Some("mật khẩu dùng thử dài".into()),
            },
        )
        .await
        .unwrap();
    let complainant = g.app.actor_of("dangvien.binh").await.unwrap();
    let lodged = g
        .app
        .lodge_matter(
            &complainant,
            about.id,
            MatterInput {
                kind: MatterKind::Complaint,
                content: "Đồng chí chưa gương mẫu trong sinh hoạt nơi cư trú".into(),
            },
        )
        .await
        .unwrap();
    assert!(lodged.before_decision);
    assert_eq!(lodged.received_on, TODAY);
    // Nobody without a member record lodges one.
    let refused = g
        .app
        .lodge_matter(
            &actor("vanphong"),
            about.id,
            MatterInput {
                kind: MatterKind::Denunciation,
                content: "Đơn không ghi người gửi".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("complainant"));
    // The decision waits: the rules' check, naming its source.
    let held = decide_alone(&g.app, about, Level::Httnv).await.unwrap_err();
    assert_eq!(held.code(), "out_of_order", "{}", held.message());
    assert!(
        held.message().contains("Đơn khiếu nại"),
        "{}",
        held.message()
    );
    assert!(
        held.message().contains("QĐ 366-QĐ/TW Điều 12"),
        "{}",
        held.message()
    );
    assert!(
        held.citations()
            .iter()
            .any(|c| c.rule.ends_with("order.verification_before_decision")
                && c.source.contains("Điều 12")),
        "{:?}",
        held.citations()
    );
    // The other members are not held.
    decide_alone(&g.app, &g.ordinary[2], Level::Httnv)
        .await
        .unwrap();
    // The competent level orders the verification, then records it with its conclusion.
    let ordered = g
        .app
        .order_verification(
            &committee(),
            lodged.id,
            MatterOrder {
                version: lodged.version,
                due_on: date!(2025 - 12 - 25),
                note: Some("Ủy ban kiểm tra xác minh".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(ordered.due_on, Some(date!(2025 - 12 - 25)));
    assert!(!ordered.overdue);
    // Still held while only ordered.
    let held = decide_alone(&g.app, about, Level::Httnv).await.unwrap_err();
    assert_eq!(held.code(), "out_of_order");
    let concluded = g
        .app
        .conclude_matter(
            &committee(),
            lodged.id,
            MatterConclusion {
                version: ordered.version,
                outcome: Outcome::NotUpheld,
                findings: Some("Xác minh tại nơi cư trú: không có vi phạm".into()),
                conclusion: "Nội dung phản ánh không đúng".into(),
                verified_on: None,
                correction: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(concluded.matter.verified_on, Some(TODAY));
    assert!(concluded.correction.is_none());
    let decided = decide_alone(&g.app, about, Level::Httnv).await.unwrap();
    assert_eq!(decided.level, Some(Level::Httnv));
    // The complainant is notified in their inbox and reads the conclusion; the subject's own
    // notifications and deliveries do not name them.
    let inbox = g.app.inbox(&complainant).await.unwrap();
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0].notification, concluded.notice);
    assert!(
        inbox[0]
            .message
            .starts_with("Kết luận giải quyết đơn khiếu nại nhận ngày 15/12/2025 về"),
        "{}",
        inbox[0].message
    );
    assert!(
        inbox[0].message.contains("Không đúng"),
        "{}",
        inbox[0].message
    );
    let told = g.app.deliveries(&actor("doc"), about.id).await.unwrap();
    assert!(told.iter().all(|d| d.login != "dangvien.binh"), "{told:?}");
    let notified = g.app.notifications(&actor("doc"), about.id).await.unwrap();
    assert!(
        notified.iter().all(|n| n.recipient_kind != "complainant"),
        "{notified:?}"
    );
    let mine = g.app.my_matters(&complainant).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].outcome, Some(Outcome::NotUpheld));
    assert_eq!(
        mine[0].conclusion.as_deref(),
        Some("Nội dung phản ánh không đúng")
    );
    // A matter lodged after the decision holds nothing, and a second conclusion is refused.
    let later = g
        .app
        .lodge_matter(
            &complainant,
            g.ordinary[2].id,
            MatterInput {
                kind: MatterKind::NegativityReport,
                content: "Phản ánh sau khi có quyết định".into(),
            },
        )
        .await
        .unwrap();
    assert!(!later.before_decision);
    let again = g
        .app
        .conclude_matter(
            &committee(),
            lodged.id,
            MatterConclusion {
                version: concluded.matter.version,
                outcome: Outcome::Upheld,
                findings: None,
                conclusion: "Lần hai".into(),
                verified_on: None,
                correction: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(again.code(), "conflict");
    let trail = g
        .app
        .audit_trail(&actor("doc"), "matter", &lodged.id.to_string())
        .await
        .unwrap();
    let actions: Vec<String> = trail.iter().map(|e| e.action.to_string()).collect();
    assert_eq!(
        actions,
        ["matter.lodge", "matter.order", "matter.conclude"],
        "every write audited"
    );
}

async fn an_upheld_complaint_frees_headroom_another_member_uses(db: &TestDb) {
    let g = group(db, 10, 3).await;
    for s in &g.ordinary {
        decide_alone(&g.app, s, Level::Httnv).await.unwrap();
    }
    // The candidates take the places the quota leaves; the last one is refused.
    let mut accepted = Vec::new();
    let mut refused = None;
    for candidate in &g.candidates {
        match decide_alone(&g.app, candidate, Level::Htxsnv).await {
            Ok(_) => accepted.push(candidate.clone()),
            Err(error) => {
                assert_eq!(error.code(), "quota_exceeded", "{}", error.message());
                refused = Some(candidate.clone());
            }
        }
    }
    let waiting = refused.expect("one candidate over the quota");
    let first = accepted
        .first()
        .expect("one candidate within the quota")
        .clone();
    // The member keeps a dissenting opinion, shown with the decision, addressed to the district.
    let own = Actor::trusted_member("dangvien.cuong", first.member.unwrap());
    let dissent = g
        .app
        .record_dissent(&own, first.id, "Tôi bảo lưu ý kiến về nhận xét của chi bộ")
        .await
        .unwrap();
    assert_eq!(dissent.member, first.member);
    assert_eq!(
        dissent.addressed_to_name.as_deref(),
        Some("Đảng bộ huyện Cao Lộc")
    );
    let decisions = g.app.decisions(&actor("doc"), first.id).await.unwrap();
    assert_eq!(decisions.last().unwrap().dissents, vec![dissent.clone()]);
    // A complaint after the decision, verified and upheld: re-classified at HTTNV (Mẫu 03).
    let complainant = Actor::trusted_member("dangvien.binh", g.ordinary[0].member.unwrap());
    let matter = g
        .app
        .lodge_matter(
            &complainant,
            first.id,
            MatterInput {
                kind: MatterKind::Complaint,
                content: "Kết quả thực hiện nhiệm vụ được kê khai không đúng thực tế".into(),
            },
        )
        .await
        .unwrap();
    let concluded = g
        .app
        .conclude_matter(
            &committee(),
            matter.id,
            MatterConclusion {
                version: matter.version,
                outcome: Outcome::Upheld,
                findings: Some("Hai nhiệm vụ vượt mức chưa có kết quả".into()),
                conclusion: "Nội dung khiếu nại đúng: xếp loại lại".into(),
                verified_on: None,
                correction: Some(DecisionInput {
                    version: version(&g.app, &first).await,
                    level: Some(Level::Httnv),
                    reason: None,
                    exceptional_share: None,
                    document: Some(kiemdiem_app::document::DocumentInput {
                        number_symbol: "130-QĐ/ĐU".into(),
                        ..document()
                    }),
                }),
            },
        )
        .await
        .unwrap();
    let correction = concluded.correction.expect("re-classified");
    assert_eq!(correction.kind, "correction");
    assert_eq!(correction.level, Some(Level::Httnv));
    assert!(
        correction
            .reason
            .as_deref()
            .unwrap()
            .contains("Kết luận giải quyết đơn khiếu nại"),
        "{:?}",
        correction.reason
    );
    assert_eq!(
        correction
            .document
            .as_ref()
            .map(|d| d.number_symbol.as_str()),
        Some("130-QĐ/ĐU")
    );
    assert_eq!(concluded.matter.correction, Some(correction.id));
    // What depends on the changed level was checked again: the branch's member shares.
    let branch = correction
        .dependents
        .iter()
        .find(|d| d.relation.as_deref() == Some("organisation_members"))
        .unwrap_or_else(|| panic!("{:?}", correction.dependents));
    assert_eq!(branch.name, "Chi bộ thôn Nà Pàn");
    assert!(branch.conforms);
    // The place freed is taken by the member who was refused.
    let headroom = g
        .app
        .quota_headroom(&actor("doc"), waiting.id, None)
        .await
        .unwrap();
    assert!(
        headroom.check.allowed > u64::from(headroom.levels.htxsnv),
        "{headroom:?}"
    );
    let taken = decide_alone(&g.app, &waiting, Level::Htxsnv).await.unwrap();
    assert_eq!(taken.level, Some(Level::Htxsnv));
    // Partly upheld cannot re-classify against a not-upheld conclusion.
    let other = g
        .app
        .lodge_matter(
            &complainant,
            waiting.id,
            MatterInput {
                kind: MatterKind::DisunitySigns,
                content: "Phản ánh mất đoàn kết".into(),
            },
        )
        .await
        .unwrap();
    let refused = g
        .app
        .conclude_matter(
            &committee(),
            other.id,
            MatterConclusion {
                version: other.version,
                outcome: Outcome::NotUpheld,
                findings: None,
                conclusion: "Không đúng".into(),
                verified_on: None,
                correction: Some(DecisionInput {
                    version: version(&g.app, &waiting).await,
                    level: Some(Level::Httnv),
                    ..DecisionInput::default()
                }),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("correction"));
}

async fn the_inspection_lists_breaches_and_its_order_is_carried_out(db: &TestDb) {
    let g = group(db, 5, 1).await;
    for s in &g.ordinary {
        decide_alone(&g.app, s, Level::Httnv).await.unwrap();
    }
    decide_alone(&g.app, &g.candidates[0], Level::Htxsnv)
        .await
        .unwrap();
    let inspection = actor("ubkt.huyen");
    assert!(
        g.app
            .breaches(&inspection, g.plan)
            .await
            .unwrap()
            .is_empty()
    );
    // An HTTNV re-opened shrinks the base: the group is over its quota.
    let reopened = &g.ordinary[0];
    g.app
        .reopen(
            &committee(),
            reopened.id,
            version(&g.app, reopened).await,
            "Kiểm tra lại theo đơn phản ánh",
        )
        .await
        .unwrap();
    let breaches = g.app.breaches(&inspection, g.plan).await.unwrap();
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    let commune = &breaches[0];
    assert_eq!(commune.org_name, "Đảng bộ xã Hợp Thành");
    assert_eq!(commune.quota.len(), 1, "{commune:?}");
    assert!(
        commune.quota[0].message.contains("vượt tỷ lệ"),
        "{commune:?}"
    );
    assert!(
        commune.quota[0]
            .citations
            .iter()
            .any(|c| c.source.contains("QĐ 366")),
        "{commune:?}"
    );
    // The district orders the re-classification of the HTXSNV; the plan's own level may not.
    let subjects = g.app.subjects(&actor("doc"), g.plan, None).await.unwrap();
    let plan = g.app.plan(&actor("doc"), g.plan).await.unwrap();
    let district = {
        let mut tx = db.store.read().await.unwrap();
        tx.org_by_code("T.01", TODAY).await.unwrap().unwrap().id
    };
    let candidate = subjects
        .iter()
        .find(|s| s.id == g.candidates[0].id)
        .unwrap();
    let input = |org| InspectionInput {
        org,
        kind: OrderKind::Reclassify,
        reason: "Vượt tỷ lệ HTXSNV sau khi mở lại một kết quả".into(),
        due_on: Some(date!(2025 - 12 - 31)),
        version: candidate.version,
    };
    let refused = g
        .app
        .order_inspection(&inspection, candidate.id, input(plan.org_id))
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("org"));
    let order = g
        .app
        .order_inspection(&inspection, candidate.id, input(district))
        .await
        .unwrap();
    assert_eq!(order.status, "open");
    let corrected = g
        .app
        .correct(
            &committee(),
            candidate.id,
            DecisionInput {
                version: version(&g.app, &g.candidates[0]).await,
                level: Some(Level::Httnv),
                reason: Some("Thực hiện yêu cầu xếp loại lại của cấp trên".into()),
                document: Some(document()),
                ..DecisionInput::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(corrected.orders_done, vec![order.id]);
    let orders = g
        .app
        .inspection_orders(&actor("doc"), candidate.id)
        .await
        .unwrap();
    assert_eq!(
        (orders[0].status.as_str(), orders[0].decision),
        ("done", Some(corrected.id))
    );
    let breaches = g.app.breaches(&inspection, g.plan).await.unwrap();
    assert!(breaches.iter().all(|b| b.quota.is_empty()), "{breaches:?}");
    // A new review ordered of a decided member re-opens it for the branch.
    let member = &g.ordinary[1];
    let review = g
        .app
        .order_inspection(
            &inspection,
            member.id,
            InspectionInput {
                org: district,
                kind: OrderKind::Review,
                reason: "Hội nghị kiểm điểm chưa đủ thời gian".into(),
                due_on: None,
                version: version(&g.app, member).await,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        review.reopened.as_ref().map(|r| r.kind.as_str()),
        Some("reopen")
    );
    let again = decide_alone(&g.app, member, Level::Httnv).await.unwrap();
    assert_eq!(again.orders_done, vec![review.id]);
}

async fn a_past_year_is_rechecked_against_its_own_rule_set(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường")],
    )
    .await;
    let app = app(db);
    let who = actor("bithu");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, 2024).await;
    assert_eq!(plan.rule_set.code(), "qd124-hd25");
    let binh = subjects
        .iter()
        .find(|s| s.member == Some(org.members[0][1]))
        .unwrap()
        .clone();
    let an = subjects
        .iter()
        .find(|s| s.member == Some(org.members[0][0]))
        .unwrap()
        .clone();
    let unit = subjects
        .iter()
        .find(|s| s.kind == SubjectKind::Organisation && s.unit == org.branches[0])
        .unwrap()
        .clone();
    for s in [&unit, &an, &binh] {
        prepare_2024(&app, s).await;
    }
    let meeting = app
        .schedule_meeting(
            &actor("thuky"),
            NewMeeting {
                plan: plan.id,
                org: org.branches[0],
                title: "Hội nghị kiểm điểm chi bộ năm 2024".into(),
                body_key: None,
                suggested: false,
                held_on: date!(2024 - 12 - 10),
                place: "Hội trường".into(),
                chair: "Chủ trì".into(),
                attendees: vec![],
                agenda: vec![unit.id, an.id, binh.id],
            },
        )
        .await
        .unwrap();
    for s in [&unit, &an, &binh] {
        app.record_review(
            &actor("thuky"),
            meeting.id,
            s.id,
            ReviewRecord {
                present: true,
                ..ReviewRecord::default()
            },
        )
        .await
        .unwrap();
    }
    let side = app.side_by_side(&who, binh.id).await.unwrap();
    let allowed = side.classification.expect("classified").allowed;
    let current = |s: &Subject| {
        let app = app.clone();
        let id = s.id;
        async move { app.subject(&actor("doc"), id).await.unwrap().version }
    };
    app.decide(
        &committee(),
        binh.id,
        DecisionInput {
            version: current(&binh).await,
            level: Some(allowed),
            ..DecisionInput::default()
        },
    )
    .await
    .unwrap();
    let inspection = actor("ubkt.huyen");
    let clean = app.recheck_plan(&inspection, plan.id).await.unwrap();
    assert_eq!((clean.year, clean.rule_set.as_str()), (2024, "qd124-hd25"));
    assert_eq!(clean.checked, 1);
    assert!(clean.nonconforming.is_empty(), "{clean:?}");
    // A 2024 discipline recorded since: the 2024 result no longer conforms to 2024's rules.
    app.record_member_discipline(
        &actor("vanphong"),
        org.members[0][1],
        MemberDisciplineInput {
            form: DisciplineForm::CanhCao,
            violation_on: date!(2024 - 06 - 01),
            decided_on: date!(2024 - 11 - 20),
            violation_org: None,
            deciding_org: None,
            duty_related: true,
            self_detected_remedied: false,
            note: String::new(),
        },
    )
    .await
    .unwrap();
    let found = app.recheck_plan(&inspection, plan.id).await.unwrap();
    assert_eq!(found.nonconforming.len(), 1, "{found:?}");
    let wrong = &found.nonconforming[0];
    assert_eq!((wrong.subject, wrong.level), (binh.id, Some(allowed)));
    assert!(wrong.allowed < allowed, "{wrong:?}");
    assert!(
        wrong
            .citations
            .iter()
            .all(|c| c.rule.starts_with("qd124-hd25.")),
        "{wrong:?}"
    );
    assert!(!wrong.problems.is_empty());
    // Corrected as any re-classification (Mẫu 03): nothing left to list.
    app.correct(
        &committee(),
        binh.id,
        DecisionInput {
            version: wrong.version,
            level: Some(wrong.allowed),
            reason: Some("Rà soát kết quả năm 2024: bị kỷ luật trong năm".into()),
            document: Some(document()),
            ..DecisionInput::default()
        },
    )
    .await
    .unwrap();
    let after = app.recheck_plan(&inspection, plan.id).await.unwrap();
    assert!(after.nonconforming.is_empty(), "{after:?}");
}

/// Decides `subject` at the level the rules suggest (reasons are not needed then).
async fn decide_suggested(app: &kiemdiem_app::App, subject: &Subject) -> Level {
    let side = app.side_by_side(&actor("doc"), subject.id).await.unwrap();
    let classification = side.classification.expect("classified");
    let level = classification.suggested.unwrap_or(classification.allowed);
    app.decide(
        &committee(),
        subject.id,
        DecisionInput {
            version: app
                .subject(&actor("doc"), subject.id)
                .await
                .unwrap()
                .version,
            level: Some(level),
            ..DecisionInput::default()
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{}: {}", subject.name, e.message()));
    level
}

async fn a_branch_re_classified_rechecks_its_head_and_the_commune(db: &TestDb) {
    let g = group(db, 2, 0).await;
    for s in &g.ordinary {
        decide_alone(&g.app, s, Level::Httnv).await.unwrap();
    }
    let subjects = g.app.subjects(&actor("doc"), g.plan, None).await.unwrap();
    let branch = subjects
        .iter()
        .find(|s| s.kind == SubjectKind::Organisation && s.name == "Chi bộ thôn Nà Pàn")
        .unwrap()
        .clone();
    let secretary = subjects
        .iter()
        .find(|s| s.name == "Nguyễn Văn An")
        .unwrap()
        .clone();
    let branch_level = decide_suggested(&g.app, &branch).await;
    decide_suggested(&g.app, &secretary).await;
    let lower = match branch_level {
        Level::Htxsnv => Level::Httnv,
        Level::Httnv => Level::Htnv,
        _ => Level::Khtnv,
    };
    let corrected = g
        .app
        .correct(
            &committee(),
            branch.id,
            DecisionInput {
                version: version(&g.app, &branch).await,
                level: Some(lower),
                reason: Some("Kết luận kiểm tra: chi bộ chưa hoàn thành chỉ tiêu".into()),
                document: Some(document()),
                ..DecisionInput::default()
            },
        )
        .await
        .unwrap();
    let relations: Vec<(&str, &str)> = corrected
        .dependents
        .iter()
        .map(|d| (d.relation.as_deref().unwrap_or(""), d.name.as_str()))
        .collect();
    assert!(
        relations.contains(&("head", "Nguyễn Văn An")),
        "the branch's secretary is re-checked: {relations:?}"
    );
    assert!(
        relations.contains(&("sub_organisations", "Đảng bộ xã Hợp Thành")),
        "the commune counting its branches is re-checked: {relations:?}"
    );
    let head = corrected
        .dependents
        .iter()
        .find(|d| d.relation.as_deref() == Some("head"))
        .unwrap();
    // Whatever the rules say of the head now, it is said with the sources that cap it.
    assert_eq!(head.conforms, head.problems.is_empty(), "{head:?}");
}
