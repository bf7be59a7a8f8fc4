//! The notice of a draft collective report counts working days on the rules crate's calendar: a
//! report sent on Tuesday 30 December 2025 for a meeting on Monday 5 January 2026 has two working
//! days of notice, not three (1 January is Tết Dương lịch) — refused with the holiday named, and
//! accepted only with a recorded reason; sent a day earlier it is enough.

use crate::support::{TestDb, YEAR, actor, app, build, official, on_both_backends, open_year_plan};
use kiemdiem_app::meeting::{Attendee, NewMeeting, ReviewRecord};
use kiemdiem_rules::SubjectKind;
use std::collections::BTreeMap;
use time::Date;
use time::macros::date;

on_both_backends!(draft_notice_skips_public_holidays);

async fn draft_notice_skips_public_holidays(db: &TestDb) {
    let org = build(
        &db.store,
        &[official("Nguyễn Văn An"), official("Trần Văn Bình")],
        &[official("Lê Văn Cường")],
    )
    .await;
    let app = app(db);
    let who = actor("bithu");
    let (plan, subjects) = open_year_plan(&app, &who, org.grassroots, YEAR).await;
    let branch = |unit| {
        subjects
            .iter()
            .find(|s| s.unit == unit && s.kind == SubjectKind::Organisation)
            .unwrap()
            .clone()
    };

    // Each branch's draft report, sent on the given day.
    let submit = async |subject: &kiemdiem_app::plan::Subject, sent: Date| {
        let sections: BTreeMap<String, String> = kiemdiem_app::review::form_sections(
            &kiemdiem_rules::RuleBook::national(kiemdiem_rules::RuleSetId::Qd366Hd43),
            subject.kind,
        )
        .iter()
        .map(|s| (s.code.to_owned(), format!("{} — {}", subject.name, s.title)))
        .collect();
        let draft = app
            .save_self_review(&who, subject.id, 0, sections)
            .await
            .unwrap();
        app.submit_self_review(&who, subject.id, draft.version, sent, Some(sent))
            .await
            .unwrap();
    };
    let meeting = async |unit, chair: &str, member, agenda| {
        app.schedule_meeting(
            &who,
            NewMeeting {
                plan: plan.id,
                org: unit,
                title: "Hội nghị kiểm điểm chi bộ năm 2025".into(),
                body_key: None,
                suggested: false,
                held_on: date!(2026 - 01 - 05),
                place: "Hội trường".into(),
                chair: chair.into(),
                attendees: vec![Attendee {
                    member: Some(member),
                    name: chair.into(),
                    role: "member".into(),
                    present: true,
                    excused: false,
                }],
                agenda: vec![agenda],
            },
        )
        .await
        .unwrap()
    };
    let record = |reason: Option<&str>| ReviewRecord {
        present: true,
        comments: "Các đồng chí góp ý".into(),
        conclusion: "Thống nhất".into(),
        override_reason: reason.map(str::to_owned),
        ..ReviewRecord::default()
    };

    // Sent Tuesday 30 December: Wednesday 31, Friday 2 — Thursday 1 January is a holiday.
    let late = branch(org.branches[0]);
    submit(&late, date!(2025 - 12 - 30)).await;
    let first = meeting(org.branches[0], "Nguyễn Văn An", org.members[0][0], late.id).await;
    let refused = app
        .record_review(&who, first.id, late.id, record(None))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "rule_refused", "{}", refused.message());
    assert!(
        refused.message().contains("chỉ 2 ngày làm việc")
            && refused
                .message()
                .contains("không kể 01/01/2026 nghỉ Tết Dương lịch"),
        "{}",
        refused.message()
    );
    assert!(
        refused
            .citations()
            .iter()
            .any(|c| c.rule.ends_with(".review.notice")),
        "{:?}",
        refused.citations()
    );
    let accepted = app
        .record_review(
            &who,
            first.id,
            late.id,
            record(Some("Chi bộ thống nhất họp đúng lịch đã báo cáo Đảng ủy")),
        )
        .await
        .unwrap();
    assert_eq!(
        accepted.items[0].override_reason.as_deref(),
        Some("Chi bộ thống nhất họp đúng lịch đã báo cáo Đảng ủy")
    );

    // Sent Monday 29 December: Tuesday 30, Wednesday 31, Friday 2 — three working days.
    let on_time = branch(org.branches[1]);
    submit(&on_time, date!(2025 - 12 - 29)).await;
    let second = meeting(
        org.branches[1],
        "Lê Văn Cường",
        org.members[1][0],
        on_time.id,
    )
    .await;
    let recorded = app
        .record_review(&who, second.id, on_time.id, record(None))
        .await
        .unwrap();
    assert!(recorded.items[0].reviewed);
    assert_eq!(recorded.items[0].override_reason, None);
}
