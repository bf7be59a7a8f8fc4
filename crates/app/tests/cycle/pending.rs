//! Who is not yet reviewed or rated, and why (seed 003: absent subjects are rated at the earliest
//! meeting; a temporary member is rated with the temporary branch's comment): the reasons follow
//! what happened since the plan opened — a comment received is no longer asked for, an absence
//! is said as such.

use crate::escalation::prepare;
use crate::support::{TestDb, YEAR, actor, app, build, official, on_both_backends};
use kiemdiem_app::meeting::{NewMeeting, ReviewRecord};
use kiemdiem_app::plan::NewPlan;
use kiemdiem_app::review::ReviewInputKind;
use time::macros::date;

on_both_backends!(pending_reasons_follow_absences_and_documents_received);

async fn pending_reasons_follow_absences_and_documents_received(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường")],
    )
    .await;
    // Bình attends the school's branch temporarily (sinh hoạt tạm thời).
    let binh = org.members[0][1];
    let mut tx = db.store.begin("tester").await.unwrap();
    tx.set_temporary_branch(binh, Some(org.branches[1]), date!(2025 - 03 - 01))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let app = app(db);
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
    let subjects = app
        .subjects(&who, plan.id, Some(&[org.branches[0]]))
        .await
        .unwrap();
    let binh_subject = subjects
        .iter()
        .find(|s| s.member == Some(binh))
        .unwrap()
        .clone();
    let reason = |list: &[kiemdiem_app::progress::PendingSubject]| {
        list.iter()
            .find(|p| p.subject == binh_subject.id)
            .map(|p| p.reason.clone())
            .unwrap_or_default()
    };
    let before = app
        .pending_subjects(&who, plan.id, org.branches[0])
        .await
        .unwrap();
    assert!(
        reason(&before).contains("cần:"),
        "the temporary branch's comment is asked for: {}",
        reason(&before)
    );

    // The comment arrives; Bình submits and is absent from the meeting.
    app.add_review_input(
        &who,
        binh_subject.id,
        ReviewInputKind::TemporaryBranchComment,
        "Chi ủy Chi bộ trường Tiểu học",
        "Đồng chí Bình sinh hoạt đều, hoàn thành nhiệm vụ được phân công",
        date!(2025 - 12 - 02),
    )
    .await
    .unwrap();
    prepare(&app, &binh_subject, 80, 10).await;
    let meeting = app
        .schedule_meeting(
            &actor("thuky"),
            NewMeeting {
                plan: plan.id,
                org: org.branches[0],
                title: "Hội nghị chi bộ".into(),
                body_key: None,
                suggested: false,
                held_on: date!(2025 - 12 - 10),
                place: "Nhà văn hóa thôn".into(),
                chair: "Nguyễn Văn An".into(),
                attendees: vec![],
                agenda: vec![binh_subject.id],
            },
        )
        .await
        .unwrap();
    let recorded = app
        .record_review(
            &actor("thuky"),
            meeting.id,
            binh_subject.id,
            ReviewRecord {
                present: false,
                ..ReviewRecord::default()
            },
        )
        .await
        .unwrap();
    assert!(recorded.items[0].absent);
    assert!(!recorded.items[0].reviewed);
    let after = app
        .pending_subjects(&who, plan.id, org.branches[0])
        .await
        .unwrap();
    let now = reason(&after);
    assert!(now.contains("Vắng mặt"), "{now}");
    assert!(!now.contains("cần:"), "the comment was received: {now}");
}
