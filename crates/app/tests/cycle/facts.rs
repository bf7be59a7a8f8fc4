//! Facts gathered in the year, through the app (issue 14): each recorded with its source
//! document changes a decision in a real plan, and one nobody recorded leaves the subject
//! pending with the fact named — never a silent "no". And remediation (issue 16): a shortcoming
//! found at last year's review and carried into this year's blocks HTXSNV under QĐ 366 until it
//! is remedied, whatever was recorded directly.

use crate::support::{
    TestDb, YEAR, actor, app, build, meet, official, on_both_backends, open_year_plan, prepare,
    prepare_unrecorded, prepare_with,
};
use kiemdiem_app::discipline::MemberDisciplineInput;
use kiemdiem_app::evaluation::{DecisionInput, DecisionView};
use kiemdiem_app::gathered::{ConclusionStatus, DocumentRef, FactInput, FactValue};
use kiemdiem_app::plan::Subject;
use kiemdiem_app::remediation::{RemediationInput, RemediationProgress, RemediationStatus};
use kiemdiem_app::{Actor, App, AppError};
use kiemdiem_rules::facts::TaskResults;
use kiemdiem_rules::{DisciplineForm, Level, PositionKind, SubjectKind};
use kiemdiem_store::leadership::CollectiveKind;
use time::Date;
use time::macros::date;

on_both_backends!(
    a_vote_of_confidence_caps_a_leader_and_an_unknown_one_leaves_him_pending,
    conclusions_force_majeure_and_discipline_readings_change_decisions,
    a_shortcoming_carried_into_next_year_blocks_htxsnv_until_remedied,
    a_collective_and_its_head_are_rated_on_the_facts_recorded,
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

fn pick(subjects: &[Subject], pred: impl Fn(&Subject) -> bool) -> Subject {
    subjects.iter().find(|s| pred(s)).unwrap().clone()
}

async fn record(app: &App, subject: &Subject, value: FactValue, number: &str, day: Date) {
    app.record_subject_fact(
        &actor("uykt.huyen"),
        subject.id,
        FactInput {
            value,
            document: DocumentRef {
                number: number.into(),
                date: day,
                issuer: "Ủy ban Kiểm tra Huyện ủy Cao Lộc".into(),
            },
            note: String::new(),
        },
    )
    .await
    .unwrap();
}

/// A reprimand (khiển trách) decided by the district's inspection committee in March 2025 for a
/// violation of the member's duties in February.
async fn reprimand(app: &App, member: uuid::Uuid) -> uuid::Uuid {
    app.record_member_discipline(
        &actor("uykt.huyen"),
        member,
        MemberDisciplineInput {
            form: DisciplineForm::KhienTrach,
            violation_on: date!(2025 - 02 - 01),
            decided_on: date!(2025 - 03 - 01),
            violation_org: None,
            deciding_org: None,
            duty_related: true,
            self_detected_remedied: false,
            note: String::new(),
        },
    )
    .await
    .unwrap()
}

fn tasks(completed: u32, exceeded: u32) -> TaskResults {
    TaskResults {
        assigned: 10,
        completed,
        on_time: completed,
        exceeded,
    }
}

#[track_caller]
fn assert_cites(error: &AppError, code: &str, rule: &str) {
    assert_eq!(error.code(), code, "{}", error.message());
    assert!(
        error.citations().iter().any(|c| c.rule == rule),
        "{rule} not cited: {:?}",
        error.citations()
    );
}

/// QĐ 366 Điều 11 khoản 4: a leader with more than 50 % of low-confidence votes at the year's
/// vote of confidence is KHTNV. Nobody recorded whether a vote was held: the secretary waits,
/// the fact named in Vietnamese and by its code; recorded (6 of 10 low), he is capped at KHTNV.
async fn a_vote_of_confidence_caps_a_leader_and_an_unknown_one_leaves_him_pending(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Bùi Văn Hùng")],
    )
    .await;
    let app = app(db);
    let who = actor("bithu.dangbo");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let b1 = pick(&subjects, |s| s.org == Some(org.branches[0]));
    let an = pick(&subjects, |s| {
        s.member == Some(org.members[0][0]) && s.kind == SubjectKind::MemberWithPost
    });
    let binh = pick(&subjects, |s| s.member == Some(org.members[0][1]));
    let day = date!(2025 - 12 - 01);
    prepare(&app, &b1, 85, day).await;
    prepare(&app, &binh, 85, day).await;
    prepare_unrecorded(&app, &an, 85, tasks(10, 1), day).await;
    record(
        &app,
        &an,
        FactValue::ForceMajeure { recognised: false },
        "01-BC/CB",
        day,
    )
    .await;
    meet(
        &app,
        plan.id,
        org.branches[0],
        &[&b1, &an, &binh],
        date!(2025 - 12 - 10),
    )
    .await;
    let committee = actor("dangUy.xa");
    decide(&app, &committee, &binh, Level::Httnv).await.unwrap();
    decide(&app, &committee, &b1, Level::Httnv).await.unwrap();

    let awaited = app.subject_facts(&committee, an.id).await.unwrap();
    let codes: Vec<&str> = awaited.unknown.iter().map(|f| f.code).collect();
    assert!(codes.contains(&"confidence_vote"), "{codes:?}");
    let pending = decide(&app, &committee, &an, Level::Httnv)
        .await
        .unwrap_err();
    assert_cites(&pending, "out_of_order", "qd366-hd43.leader.low_confidence");
    assert!(
        pending.message().contains("phiếu tín nhiệm")
            && pending.message().contains("confidence_vote"),
        "{}",
        pending.message()
    );

    record(
        &app,
        &an,
        FactValue::ConfidenceVote {
            held: true,
            low: 6,
            total: 10,
        },
        "05-BB/HĐND",
        date!(2025 - 11 - 20),
    )
    .await;
    let capped = decide(&app, &committee, &an, Level::Httnv)
        .await
        .unwrap_err();
    assert_cites(&capped, "rule_refused", "qd366-hd43.leader.low_confidence");
    assert!(capped.message().contains("6/10"), "{}", capped.message());
    let side = app.side_by_side(&committee, an.id).await.unwrap();
    assert_eq!(side.classification.unwrap().allowed, Level::Khtnv);
    // The record names who recorded it and its source document, and the audit trail has it.
    let facts = app.subject_facts(&committee, an.id).await.unwrap();
    let vote = facts
        .facts
        .iter()
        .find(|f| f.fact == "confidence_vote" && f.in_force)
        .unwrap();
    assert_eq!(vote.document.number, "05-BB/HĐND");
    assert_eq!(vote.by, "uykt.huyen");
    assert!(facts.unknown.iter().all(|f| f.code != "confidence_vote"));
    decide(&app, &committee, &an, Level::Khtnv).await.unwrap();
}

/// A conclusion awaited (under verification) leaves a member pending; concluded, it forces
/// KHTNV (QĐ 366 Điều 11 khoản 4). A branch below 70 % of its tasks waits for force majeure to be
/// stated (QĐ 366 Điều 11 khoản 4, "bất khả kháng … xem xét cụ thể"); stated absent, it is KHTNV.
/// A discipline recorded as already counted in an earlier year's classification no longer caps
/// the member (one violation counts once).
async fn conclusions_force_majeure_and_discipline_readings_change_decisions(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[
            official("Bùi Văn Hùng"),
            official("Đỗ Thị Lan"),
            official("Lê Văn Cường"),
        ],
    )
    .await;
    let app = app(db);
    let who = actor("bithu.dangbo");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let member = |i: usize, j: usize| {
        pick(&subjects, |s| {
            s.member == Some(org.members[i][j]) && s.kind.is_member() && !s.kind.holds_post()
        })
    };
    let b1 = pick(&subjects, |s| s.org == Some(org.branches[0]));
    let b2 = pick(&subjects, |s| s.org == Some(org.branches[1]));
    let head = |i: usize| {
        pick(&subjects, |s| {
            s.member == Some(org.members[i][0]) && s.kind == SubjectKind::MemberWithPost
        })
    };
    let (an, hung) = (head(0), head(1));
    let (binh, lan, cuong) = (member(0, 1), member(1, 1), member(1, 2));
    let day = date!(2025 - 12 - 01);
    prepare_unrecorded(&app, &b1, 85, tasks(6, 0), day).await;
    record(
        &app,
        &b1,
        FactValue::PreviousDefectsFixed { fixed: true },
        "01-BC/CB",
        day,
    )
    .await;
    for s in [&an, &binh, &b2, &hung, &lan, &cuong] {
        prepare(&app, s, 85, day).await;
    }
    meet(
        &app,
        plan.id,
        org.branches[0],
        &[&b1, &an, &binh],
        date!(2025 - 12 - 10),
    )
    .await;
    meet(
        &app,
        plan.id,
        org.branches[1],
        &[&b2, &hung, &lan, &cuong],
        date!(2025 - 12 - 10),
    )
    .await;
    let committee = actor("dangUy.xa");

    // Bình: a verification under way, then its conclusion.
    record(
        &app,
        &binh,
        FactValue::Degradation {
            status: ConclusionStatus::UnderReview,
        },
        "12-QĐ/UBKT",
        day,
    )
    .await;
    let pending = decide(&app, &committee, &binh, Level::Httnv)
        .await
        .unwrap_err();
    assert_cites(&pending, "out_of_order", "qd366-hd43.conclusions");
    assert!(
        pending.message().contains("degradation"),
        "{}",
        pending.message()
    );
    record(
        &app,
        &binh,
        FactValue::Degradation {
            status: ConclusionStatus::Concluded,
        },
        "15-KL/UBKT",
        date!(2025 - 12 - 05),
    )
    .await;
    let capped = decide(&app, &committee, &binh, Level::Httnv)
        .await
        .unwrap_err();
    assert_cites(&capped, "rule_refused", "qd366-hd43.conclusions");
    decide(&app, &committee, &binh, Level::Khtnv).await.unwrap();

    // The branch: 6/10 tasks, force majeure not stated → it waits; stated absent → KHTNV.
    let pending = decide(&app, &committee, &b1, Level::Htnv)
        .await
        .unwrap_err();
    assert_cites(&pending, "out_of_order", "qd366-hd43.collective.task_floor");
    assert!(
        pending.message().contains("force_majeure"),
        "{}",
        pending.message()
    );
    record(
        &app,
        &b1,
        FactValue::ForceMajeure { recognised: false },
        "20-BC/ĐU",
        day,
    )
    .await;
    let capped = decide(&app, &committee, &b1, Level::Htnv)
        .await
        .unwrap_err();
    assert_cites(&capped, "rule_refused", "qd366-hd43.collective.task_floor");

    // Lan: reprimanded in the year for a violation of her duties → KHTNV; the same violation was
    // already counted in the 2024 classification → it no longer counts.
    let discipline = reprimand(&app, org.members[1][1]).await;
    let capped = decide(&app, &committee, &lan, Level::Httnv)
        .await
        .unwrap_err();
    assert_cites(&capped, "rule_refused", "qd366-hd43.member.discipline");
    record(
        &app,
        &lan,
        FactValue::DisciplineCountedBefore {
            discipline_id: discipline,
            counted_before: true,
        },
        "30-BC/UBKT",
        day,
    )
    .await;
    decide(&app, &committee, &lan, Level::Httnv).await.unwrap();
    // A conclusion about bodies is refused for a person, naming the field.
    let wrong = app
        .record_subject_fact(
            &actor("uykt.huyen"),
            cuong.id,
            FactInput {
                value: FactValue::Disunity {
                    status: ConclusionStatus::Concluded,
                },
                document: DocumentRef {
                    number: "1".into(),
                    date: day,
                    issuer: "UBKT".into(),
                },
                note: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), "invalid", "{}", wrong.message());
}

/// Issue 16: a shortcoming found at the 2024 review of Bình, with its measure, the person
/// responsible and a deadline, is carried into the 2025 review (seed 004 Mẫu 13) and is due; while
/// it is not remedied, QĐ 366 Điều 11 khoản 1 ("đã khắc phục 100% hạn chế, khuyết điểm") keeps
/// Bình below HTXSNV — even though "remedied" was recorded directly: the records win. Remedied,
/// HTXSNV is allowed again.
async fn a_shortcoming_carried_into_next_year_blocks_htxsnv_until_remedied(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Bùi Văn Hùng")],
    )
    .await;
    let app = app(db);
    let who = actor("bithu.dangbo");
    let (_, last_year) = open_year_plan(&app, &who, org.grassroots, 2024).await;
    let binh_2024 = pick(&last_year, |s| s.member == Some(org.members[0][1]));
    let secretary = actor("bithu.chibo");
    let item = app
        .add_remediation(
            &secretary,
            binh_2024.id,
            RemediationInput {
                shortcoming:
                    "Chưa chủ động nghiên cứu, đề xuất giải pháp trong công tác chuyên môn".into(),
                measure: "Xây dựng kế hoạch tự học, báo cáo chi bộ hằng quý".into(),
                responsible: "Trần Văn Bình; Bí thư chi bộ Nguyễn Văn An theo dõi".into(),
                due_on: date!(2025 - 06 - 30),
            },
        )
        .await
        .unwrap();
    assert_eq!(item.status, RemediationStatus::Open);

    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let binh = pick(&subjects, |s| s.member == Some(org.members[0][1]));
    let b1 = pick(&subjects, |s| s.org == Some(org.branches[0]));
    let an = pick(&subjects, |s| {
        s.member == Some(org.members[0][0]) && s.kind == SubjectKind::MemberWithPost
    });
    let day = date!(2025 - 12 - 01);
    prepare(&app, &b1, 85, day).await;
    prepare(&app, &an, 85, day).await;
    // 95 points, every task on time, half beyond target; "remedied" recorded directly too.
    prepare_with(&app, &binh, 95, tasks(10, 5), day).await;
    meet(
        &app,
        plan.id,
        org.branches[0],
        &[&b1, &an, &binh],
        date!(2025 - 12 - 10),
    )
    .await;

    let carried = app.subject_remediation(&who, binh.id).await.unwrap();
    assert_eq!(carried.form, "Mẫu 13");
    assert_eq!(carried.carried.len(), 1);
    assert_eq!(carried.carried[0].id, item.id);
    assert_eq!(carried.previous_defects_fixed, Some(false));
    let due = app
        .remediation_due(&who, plan.id, Some(date!(2025 - 12 - 15)))
        .await
        .unwrap();
    assert!(due.iter().any(|d| d.id == item.id && d.overdue), "{due:?}");

    let committee = actor("dangUy.xa");
    let capped = decide(&app, &committee, &binh, Level::Htxsnv)
        .await
        .unwrap_err();
    assert_cites(
        &capped,
        "rule_refused",
        "qd366-hd43.tasks.htxsnv_previous_defects_fixed",
    );
    let side = app.side_by_side(&committee, binh.id).await.unwrap();
    assert_eq!(side.classification.unwrap().allowed, Level::Httnv);

    // Remedied in November (updated at this year's subject, where it was carried).
    let done = app
        .update_remediation(
            &secretary,
            binh.id,
            item.id,
            RemediationProgress {
                status: RemediationStatus::Done,
                outcome: "Đã có 02 sáng kiến được công nhận".into(),
                done_on: Some(date!(2025 - 11 - 20)),
            },
        )
        .await
        .unwrap();
    assert_eq!(done.status, RemediationStatus::Done);
    let carried = app.subject_remediation(&who, binh.id).await.unwrap();
    assert_eq!(carried.previous_defects_fixed, Some(true));
    assert!(
        app.remediation_due(&who, plan.id, Some(date!(2025 - 12 - 15)))
            .await
            .unwrap()
            .is_empty()
    );
    let side = app.side_by_side(&committee, binh.id).await.unwrap();
    let classification = side.classification.unwrap();
    assert_eq!(classification.allowed, Level::Htxsnv);
    assert!(
        classification
            .findings
            .iter()
            .all(|f| !f.citation.rule.ends_with("htxsnv_previous_defects_fixed")),
        "{:?}",
        classification.findings
    );
}

/// QĐ 366 Điều 11 khoản 4 on a leadership collective and its head, each fact recorded in turn:
/// a member reprimanded for a duty-related violation caps the collective at KHTNV until the
/// violation is recorded as unrelated to its remit; the 5 basic targets all missed cap it at KHTNV
/// until force majeure is recognised (then the competent level decides, with its reason);
/// corruption in the head's direct scope caps him at KHTNV, unless he detected, reported and
/// remedied it (then decided case by case).
async fn a_collective_and_its_head_are_rated_on_the_facts_recorded(db: &TestDb) {
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
    let [an, binh, cuong] = [org.members[0][0], org.members[0][1], org.members[0][2]];
    let board = crate::leaders::collective(
        &db.store,
        "T.01.001.HTX",
        "Ban Giám đốc Hợp tác xã Hợp Thành",
        CollectiveKind::UnitLeadership,
        org.grassroots,
        &[
            (an, PositionKind::UnitHead, None),
            (binh, PositionKind::UnitDeputy, None),
        ],
        date!(2020 - 01 - 01),
    )
    .await;
    let app = app(db);
    let who = actor("bithu.dangbo");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let b1 = pick(&subjects, |s| s.org == Some(org.branches[0]));
    let an_s = pick(&subjects, |s| {
        s.member == Some(an) && s.kind == SubjectKind::MemberWithPost
    });
    let binh_s = pick(&subjects, |s| {
        s.member == Some(binh) && s.kind == SubjectKind::MemberWithPost
    });
    let cuong_s = pick(&subjects, |s| s.member == Some(cuong));
    let board_s = pick(&subjects, |s| {
        s.collective == Some(board) && s.kind == SubjectKind::Collective
    });
    let day = date!(2025 - 12 - 01);
    for s in [&b1, &an_s, &binh_s, &cuong_s, &board_s] {
        prepare(&app, s, 85, day).await;
    }
    meet(
        &app,
        plan.id,
        org.grassroots,
        &[&board_s],
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

    // Bình, the deputy, reprimanded for a violation of his duties.
    let discipline = reprimand(&app, binh).await;
    let capped = decide(&app, &committee, &board_s, Level::Httnv)
        .await
        .unwrap_err();
    assert_cites(
        &capped,
        "rule_refused",
        "qd366-hd43.collective.member_discipline",
    );
    record(
        &app,
        &board_s,
        FactValue::DisciplineUnrelatedToCollective {
            discipline_id: discipline,
            unrelated: true,
        },
        "31-BC/UBKT",
        day,
    )
    .await;
    // The 5 basic targets all missed (recorded over the earlier "not applicable").
    record(
        &app,
        &board_s,
        FactValue::KeyTargets {
            applies: true,
            total: 5,
            missed: 5,
        },
        "40-BC/UBND",
        day,
    )
    .await;
    let capped = decide(&app, &committee, &board_s, Level::Httnv)
        .await
        .unwrap_err();
    assert_cites(&capped, "rule_refused", "qd366-hd43.key_targets");
    assert!(
        capped
            .citations()
            .iter()
            .all(|c| c.rule != "qd366-hd43.collective.member_discipline"),
        "{:?}",
        capped.citations()
    );
    record(
        &app,
        &board_s,
        FactValue::ForceMajeure { recognised: true },
        "41-NQ/ĐU",
        day,
    )
    .await;
    let side = app.side_by_side(&committee, board_s.id).await.unwrap();
    let classification = side.classification.unwrap();
    assert_eq!(
        classification.readiness,
        kiemdiem_rules::classify::Readiness::DecisionRequired
    );
    decide(&app, &committee, &board_s, Level::Httnv)
        .await
        .unwrap();

    decide(&app, &committee, &cuong_s, Level::Httnv)
        .await
        .unwrap();
    // Bình himself is KHTNV for his own discipline (unrelated to the board's remit or not).
    decide(&app, &committee, &binh_s, Level::Khtnv)
        .await
        .unwrap();
    let allowed = app
        .side_by_side(&committee, b1.id)
        .await
        .unwrap()
        .classification
        .unwrap()
        .allowed;
    decide(&app, &committee, &b1, allowed.min(Level::Httnv))
        .await
        .unwrap();
    // An: corruption in his direct scope, disciplined — KHTNV; he detected, reported and
    // remedied it himself — the competent level weighs it.
    record(
        &app,
        &an_s,
        FactValue::CorruptionInScope {
            status: ConclusionStatus::Concluded,
            self_detected: false,
        },
        "16-KL/UBKT",
        day,
    )
    .await;
    let capped = decide(&app, &committee, &an_s, Level::Httnv)
        .await
        .unwrap_err();
    assert_cites(
        &capped,
        "rule_refused",
        "qd366-hd43.conclusions.corruption_in_scope",
    );
    record(
        &app,
        &an_s,
        FactValue::CorruptionInScope {
            status: ConclusionStatus::Concluded,
            self_detected: true,
        },
        "17-KL/UBKT",
        day,
    )
    .await;
    let side = app.side_by_side(&committee, an_s.id).await.unwrap();
    assert_eq!(
        side.classification.unwrap().readiness,
        kiemdiem_rules::classify::Readiness::DecisionRequired
    );
    decide(&app, &committee, &an_s, Level::Httnv).await.unwrap();
}
