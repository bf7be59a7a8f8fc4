//! Tests of the readings corrected in the rules' second pass: each names the text it reads.

use super::*;
use crate::eligibility::eligibility_in_year;
use crate::facts::{
    BlockingMatter, Composition, DisciplineRecord, HeadedUnit, LedUnit, LevelCounts, MatterKind,
    SameLevel, StatusPeriod, TaskResults,
};
use crate::framework::Scale;
use crate::ruleset::{LocalLayer, RuleBook, RuleSetId, builtin_local_layer};
use crate::subject::{DisciplineForm, OrgKind, StatusKind, SubjectKind};
use time::Month;

fn day(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).unwrap()
}

fn sheet(level: Level) -> ScoreSheet {
    ScoreSheet {
        framework: "test".into(),
        scale: Scale::Points,
        criteria: Vec::new(),
        groups: Vec::new(),
        adjustments: Vec::new(),
        raw_total: None,
        total: None,
        max_points: None,
        level,
        basis: String::new(),
        citation: Citation::new("test", "test"),
        any_kem: false,
    }
}

fn run(book: &RuleBook, facts: &SubjectFacts, level: Level) -> Classification {
    let year = book.rule_set.years().0;
    let sheet = sheet(level);
    classify(&Context {
        book,
        year,
        as_of: day(year, Month::December, 15),
        facts,
        score: Some(&sheet),
    })
}

fn fired<'a>(c: &'a Classification, name: &str) -> Vec<&'a Finding> {
    c.findings
        .iter()
        .filter(|f| f.citation.rule.ends_with(&format!(".{name}")) || f.citation.rule == name)
        .collect()
}

fn tasks(assigned: u32, completed: u32, on_time: u32, exceeded: u32) -> TaskResults {
    TaskResults {
        assigned,
        completed,
        on_time,
        exceeded,
    }
}

fn clean(kind: SubjectKind) -> SubjectFacts {
    let mut facts = SubjectFacts::new(kind);
    facts.tasks = Some(tasks(10, 10, 10, 5));
    facts
}

fn unit(name: &str, results: TaskResults) -> LedUnit {
    LedUnit {
        name: name.into(),
        level: Some(Level::Htxsnv),
        tasks: Some(results),
        disciplined: false,
    }
}

fn record(
    form: DisciplineForm,
    year: i32,
    month: Month,
    violation: Option<&str>,
) -> DisciplineRecord {
    DisciplineRecord {
        form,
        violation_on: None,
        decided_on: day(year, month, 1),
        at_previous_unit: false,
        duty_related: true,
        self_detected_remedied: false,
        counted_before: false,
        unrelated_to_collective: false,
        violation: violation.map(str::to_owned),
    }
}

const QD366: RuleSetId = RuleSetId::Qd366Hd43;

#[test]
fn qd366_a_leaders_units_must_each_meet_the_condition_not_their_tasks_added_together() {
    // QĐ 366-QĐ/TW Điều 11 khoản 1: "các địa phương, cơ quan, đơn vị … trực tiếp lãnh đạo hoàn
    // thành 100% …, trong đó ít nhất 30% vượt mức" — each of them.
    let book = RuleBook::national(QD366);
    let mut leader = clean(SubjectKind::Leader);
    // Together 6 of 20 exceeded (30%); the second unit alone 1 of 10.
    leader.led_units = vec![
        unit("Phòng A", tasks(10, 10, 10, 5)),
        unit("Phòng B", tasks(10, 10, 10, 1)),
    ];
    let c = run(&book, &leader, Level::Httnv);
    let capped = fired(&c, "tasks.htxsnv_exceeded_min");
    assert_eq!(capped.len(), 1, "{:#?}", c.findings);
    assert!(capped[0].message.contains("Phòng B"));
    assert!(
        capped[0]
            .citation
            .source
            .contains("QĐ 366-QĐ/TW Điều 11 khoản 1")
    );
    assert_eq!(c.allowed, Level::Httnv);
    // Read together (selectable), the same units pass.
    let mut together = book.clone();
    together.params.leader.led_units_conditions = crate::ruleset::params::UnitsScope::AllTogether;
    let c = run(&together, &leader, Level::Htxsnv);
    assert!(fired(&c, "tasks.htxsnv_exceeded_min").is_empty());
    assert_eq!(c.suggested, Some(Level::Htxsnv));
}

#[test]
fn qd366_self_detected_corruption_in_scope_is_for_the_competent_level() {
    // QĐ 366-QĐ/TW Điều 11 khoản 4: để xảy ra tham nhũng, lãng phí, tiêu cực trong phạm vi trực
    // tiếp phụ trách → KHTNV; tự phát hiện, báo cáo, khắc phục → xem xét cụ thể.
    let book = RuleBook::national(QD366);
    for kind in [SubjectKind::Leader, SubjectKind::Collective] {
        let mut facts = clean(kind);
        facts.conclusions.corruption_in_scope = true;
        let c = run(&book, &facts, Level::Httnv);
        let found = fired(&c, "conclusions.corruption_in_scope");
        assert_eq!(
            found[0].effect,
            Effect::Cap { max: Level::Khtnv },
            "{kind:?}"
        );
        assert_eq!(c.suggested, Some(Level::Khtnv));
        facts.conclusions.corruption_self_detected = true;
        let c = run(&book, &facts, Level::Httnv);
        let found = fired(&c, "conclusions.corruption_in_scope");
        assert_eq!(found[0].effect, Effect::CaseByCase, "{kind:?}");
        assert!(
            found[0]
                .citation
                .source
                .contains("tự phát hiện, báo cáo, khắc phục")
        );
        assert_eq!(
            (c.readiness, c.suggested),
            (Readiness::DecisionRequired, None)
        );
    }
    // QĐ 124: "trừ trường hợp tự phát hiện và khắc phục xong hậu quả" — it does not count.
    let qd124 = RuleBook::national(RuleSetId::Qd124Hd25);
    let mut facts = clean(SubjectKind::MemberWithPost);
    facts.conclusions.corruption_in_scope = true;
    facts.conclusions.corruption_self_detected = true;
    let mut book124 = qd124.clone();
    book124
        .params
        .member
        .conclusions_forcing_khtnv
        .push(crate::ruleset::params::ConclusionKind::CorruptionInScope);
    let c = run(&book124, &facts, Level::Httnv);
    assert_eq!(
        fired(&c, "conclusions.corruption_in_scope")[0].effect,
        Effect::Note
    );
    assert_eq!(c.suggested, Some(Level::Httnv));
}

fn hd27_branch() -> SubjectFacts {
    let mut facts = SubjectFacts::new(SubjectKind::Organisation);
    facts.org_kind = Some(OrgKind::GrassrootsBranch);
    facts.composition = Some(Composition {
        members: Some(LevelCounts {
            httnv: 10,
            ..LevelCounts::default()
        }),
        ..Composition::default()
    });
    facts
}

#[test]
fn hd27_an_organisation_of_fifty_points_or_more_with_a_listed_defect_is_yeu_kem() {
    // HD 27-HD/BTCTW: "đạt dưới 50 điểm hoặc đạt từ 50 điểm trở lên và có một trong các khuyết
    // điểm": mất đoàn kết; tham nhũng, tiêu cực đến mức có đảng viên bị kỷ luật; chính quyền cùng
    // cấp ở mức thấp nhất; từ 02 tổ chức Mặt trận, đoàn thể cùng cấp ở mức thấp nhất.
    let book = RuleBook::national(RuleSetId::Hd27);
    let clean = run(&book, &hd27_branch(), Level::Htxsnv);
    assert_eq!(clean.suggested, Some(Level::Htxsnv));
    let defects: [fn(&mut SubjectFacts); 4] = [
        |f| f.conclusions.disunity = true,
        |f| f.conclusions.corruption_in_scope = true,
        |f| {
            f.same_level = Some(SameLevel {
                government: Some(Level::Khtnv),
                mass_organisations_lowest: 0,
            })
        },
        |f| {
            f.same_level = Some(SameLevel {
                government: Some(Level::Httnv),
                mass_organisations_lowest: 2,
            })
        },
    ];
    for defect in defects {
        let mut facts = hd27_branch();
        defect(&mut facts);
        let c = run(&book, &facts, Level::Htxsnv);
        let found = fired(&c, "organisation.lowest_level_defect");
        assert_eq!(found.len(), 1, "{:#?}", c.findings);
        assert!(found[0].citation.source.contains("HD 27-HD/BTCTW"));
        assert!(found[0].message.contains("Yếu kém"));
        assert_eq!(c.suggested, Some(Level::Khtnv));
    }
    // One mass organisation at its lowest is not enough.
    let mut facts = hd27_branch();
    facts.same_level = Some(SameLevel {
        government: None,
        mass_organisations_lowest: 1,
    });
    assert_eq!(
        run(&book, &facts, Level::Htxsnv).suggested,
        Some(Level::Htxsnv)
    );
    // Not a rule of 2018 onward.
    let mut facts = hd27_branch();
    facts.conclusions.disunity = true;
    let c = run(
        &RuleBook::national(RuleSetId::Qd132Hd21),
        &facts,
        Level::Htxsnv,
    );
    assert!(fired(&c, "organisation.lowest_level_defect").is_empty());
}

#[test]
fn one_violation_disciplined_twice_in_the_year_counts_once() {
    // HD 21-HD/BTCTW Tiết 2 Điểm B Mục II: "một vi phạm bị xử lý kỷ luật chỉ tính một lần".
    let book = RuleBook::national(RuleSetId::Qd132Hd21);
    let year = 2019;
    let mut member = clean(SubjectKind::MemberWithoutPost);
    member.discipline = vec![
        record(
            DisciplineForm::KhienTrach,
            year,
            Month::March,
            Some("KL-07"),
        ),
        record(DisciplineForm::CanhCao, year, Month::October, Some("KL-07")),
    ];
    let c = run(&book, &member, Level::Httnv);
    let counted = fired(&c, "member.discipline");
    assert_eq!(counted.len(), 1);
    assert!(counted[0].message.contains("cảnh cáo"));
    let once = fired(&c, "discipline.counted_once");
    assert_eq!(once.len(), 1);
    assert_eq!(once[0].effect, Effect::Note);
    assert!(once[0].citation.source.contains("chỉ tính một lần"));
    // A collective's member: the raised penalty reaches cảnh cáo, the threshold of HD 21.
    let mut collective = clean(SubjectKind::Collective);
    collective.member_discipline = member.discipline.clone();
    let c = run(&book, &collective, Level::Httnv);
    assert_eq!(fired(&c, "collective.member_discipline").len(), 1);
    assert_eq!(c.suggested, Some(Level::Khtnv));
    // Two different violations count twice.
    member.discipline[1].violation = Some("KL-08".into());
    let c = run(&book, &member, Level::Httnv);
    assert_eq!(fired(&c, "member.discipline").len(), 2);
}

#[test]
fn qd366_the_decision_waits_for_complaints_to_be_verified() {
    // QĐ 366-QĐ/TW Điều 12 khoản 1: có đơn thư khiếu nại, tố cáo … cấp ủy cấp trên trực tiếp chỉ
    // đạo kiểm tra, xác minh, thẩm định lại trước khi quyết định.
    let book = RuleBook::national(QD366);
    let mut facts = clean(SubjectKind::MemberWithoutPost);
    facts.matters = vec![BlockingMatter {
        kind: MatterKind::Complaint,
        received_on: day(2025, Month::December, 2),
        verified_on: None,
        reference: Some("Đơn ngày 01/12/2025".into()),
    }];
    let c = run(&book, &facts, Level::Httnv);
    let found = fired(&c, "order.verification_before_decision");
    assert_eq!(found[0].effect, Effect::Pending);
    assert!(
        found[0]
            .citation
            .source
            .contains("QĐ 366-QĐ/TW Điều 12 khoản 1")
    );
    assert_eq!((c.readiness, c.suggested), (Readiness::Pending, None));
    facts.matters[0].verified_on = Some(day(2025, Month::December, 10));
    let c = run(&book, &facts, Level::Httnv);
    assert_eq!(
        fired(&c, "order.verification_before_decision")[0].effect,
        Effect::Note
    );
    assert_eq!(c.suggested, Some(Level::Httnv));
    // Recorded after the review date (the decision is taken in January): verified all the same.
    facts.matters[0].verified_on = Some(day(2026, Month::January, 12));
    let c = run(&book, &facts, Level::Httnv);
    assert_eq!(c.readiness, Readiness::Ready);
    // QĐ 124 Điều 11 too; HD 21 states no such step: a note.
    facts.matters[0].verified_on = None;
    let c = run(
        &RuleBook::national(RuleSetId::Qd124Hd25),
        &facts,
        Level::Httnv,
    );
    assert_eq!(c.readiness, Readiness::Pending);
    let c = run(
        &RuleBook::national(RuleSetId::Qd132Hd21),
        &facts,
        Level::Httnv,
    );
    assert_eq!(
        fired(&c, "order.verification_before_decision")[0].effect,
        Effect::Note
    );
    assert_eq!(c.readiness, Readiness::Ready);
}

#[test]
fn a_local_layer_may_forbid_htxsnv_for_an_organisation_with_a_khtnv_member() {
    let mut layer: LocalLayer = builtin_local_layer("seed003-huyen-2019").unwrap().clone();
    layer.no_htxsnv_with_khtnv_member = Some(crate::ruleset::local::LocalRule {
        source: "Quy định của Ban Thường vụ Huyện ủy (ví dụ)".into(),
    });
    let book = RuleBook::with_local(RuleSetId::Qd132Hd21, layer).unwrap();
    let mut facts = SubjectFacts::new(SubjectKind::Organisation);
    facts.org_kind = Some(OrgKind::SubordinateBranch);
    facts.composition = Some(Composition {
        members: Some(LevelCounts {
            htxsnv: 1,
            httnv: 8,
            htnv: 0,
            khtnv: 1,
        }),
        ..Composition::default()
    });
    let c = run(&book, &facts, Level::Htxsnv);
    let found = fired(&c, "local.no_htxsnv_with_khtnv_member");
    assert_eq!(found[0].effect, Effect::Cap { max: Level::Httnv });
    assert!(found[0].citation.source.contains("Huyện ủy"));
    // Without the layer's rule, HD 21 alone lets a branch with 90% HTTNV+ be HTXSNV.
    let national = RuleBook::national(RuleSetId::Qd132Hd21);
    assert!(
        fired(
            &run(&national, &facts, Level::Htxsnv),
            "local.no_htxsnv_with_khtnv_member"
        )
        .is_empty()
    );
}

#[test]
fn qd366_a_suspended_committee_member_answers_for_the_time_before_the_suspension() {
    // HD 43-HD/BTCTW tiểu mục 7.7: cấp ủy viên bị đình chỉ sinh hoạt cấp ủy kiểm điểm trách nhiệm
    // trong thời gian trước khi bị đình chỉ, tại chi bộ nơi sinh hoạt.
    let mut facts = SubjectFacts::new(SubjectKind::MemberWithPost);
    facts.admitted_on = Some(day(2000, Month::May, 1));
    facts.statuses = vec![StatusPeriod {
        kind: StatusKind::SuspendedFromCommittee,
        from: day(2025, Month::August, 15),
        to: None,
    }];
    let as_of = day(2025, Month::December, 15);
    let e = eligibility_in_year(&RuleBook::national(QD366), &facts, 2025, as_of);
    let period = e.responsibility_period.expect("the period is stated");
    assert_eq!(period.from, day(2025, Month::January, 1));
    assert_eq!(period.to, Some(day(2025, Month::August, 14)));
    assert!(period.message.contains("01/01/2025 đến 14/08/2025"));
    assert!(period.citation.source.contains("tiểu mục 7.7"));
    // Suspended before the year: no committee period in it.
    facts.statuses[0].from = day(2024, Month::March, 1);
    let e = eligibility_in_year(&RuleBook::national(QD366), &facts, 2025, as_of);
    assert_eq!(e.responsibility_period.unwrap().to, None);
    // HD 21 says only that such a member is still reviewed and classified.
    let e = eligibility_in_year(
        &RuleBook::national(RuleSetId::Qd132Hd21),
        &facts,
        2025,
        as_of,
    );
    assert!(e.responsibility_period.is_none());
}

#[test]
fn a_reasoned_decision_is_not_asked_for_when_a_rule_already_puts_the_subject_at_khtnv() {
    // QĐ 366 Điều 11 khoản 4: a listed KHTNV case settles the level; a self-detected violation
    // beside it leaves nothing to weigh.
    let book = RuleBook::national(QD366);
    let mut facts = clean(SubjectKind::MemberWithoutPost);
    let mut self_detected = record(DisciplineForm::KhienTrach, 2025, Month::May, None);
    self_detected.self_detected_remedied = true;
    facts.discipline = vec![self_detected];
    let c = run(&book, &facts, Level::Httnv);
    assert_eq!(c.readiness, Readiness::DecisionRequired);
    facts.conclusions.degradation = true;
    let c = run(&book, &facts, Level::Httnv);
    assert_eq!(
        (c.readiness, c.suggested),
        (Readiness::Ready, Some(Level::Khtnv))
    );
}

#[test]
fn heads_wait_once_for_a_unit_both_headed_and_led() {
    let book = RuleBook::national(QD366);
    let mut facts = clean(SubjectKind::Leader);
    facts.headed_units = vec![HeadedUnit {
        name: "UBND xã".into(),
        level: None,
        moved_in_without_part: false,
    }];
    facts.led_units = vec![LedUnit {
        name: "UBND xã".into(),
        level: None,
        tasks: None,
        disciplined: false,
    }];
    let c = run(&book, &facts, Level::Httnv);
    assert_eq!(fired(&c, "order.unit_before_head").len(), 1);
}
