//! One test per rule of RULES.md §10 for the three recent eras (QĐ 132/HD 21, QĐ 124/HD 25,
//! QĐ 366/HD 43) and per hard rule of SPEC.md §7. Each test asserts the level or effect AND that the
//! citation names the right text, on both sides of every threshold.

use super::*;
use crate::authority::{Body, Placement, authority};
use crate::eligibility::{AttachmentKind, Participation, eligibility};
use crate::facts::{
    CivilService, Composition, ConfidenceVote, DisciplineRecord, HeadedUnit, KeyTargets,
    LeavePeriod, LedUnit, LevelCounts, StatusPeriod, TaskResults, TemporaryActivity, Transfer,
};
use crate::framework::{self, EvaluationInput, Scale};
use crate::level::Grade;
use crate::ordering::{Precedence, Predecessor, check_order};
use crate::points::Points;
use crate::quota::{ExceptionalShareDecision, QuotaSubject, check_quota, group_key};
use crate::ruleset::builtin_local_layer;
use crate::ruleset::params::DayMonth;
use crate::ruleset::{RuleBook, RuleSetId};
use crate::subject::{DisciplineForm, LeaveKind, OrgKind, QuotaCategory, StatusKind, SubjectKind};
use time::Month;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

const HD21: RuleSetId = RuleSetId::Qd132Hd21;
const QD124: RuleSetId = RuleSetId::Qd124Hd25;
const QD366: RuleSetId = RuleSetId::Qd366Hd43;

use SubjectKind::{Collective, Leader, MemberWithPost, MemberWithoutPost, Organisation};

fn book(id: RuleSetId) -> RuleBook {
    RuleBook::national(id)
}

fn seed003() -> RuleBook {
    RuleBook::with_local(
        HD21,
        builtin_local_layer("seed003-huyen-2019").unwrap().clone(),
    )
    .unwrap()
}

/// The first evaluation year of the rule set: disciplines and leave are dated inside it.
fn year(book: &RuleBook) -> i32 {
    book.rule_set.years().0
}

fn day(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).unwrap()
}

/// A score sheet that reaches `level` by itself.
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

fn tasks(assigned: u32, completed: u32, on_time: u32, exceeded: u32) -> TaskResults {
    TaskResults {
        assigned,
        completed,
        on_time,
        exceeded,
    }
}

/// A subject with a clean record that completed every task on time, half of them beyond target:
/// no rule of any era fires on it.
fn clean(kind: SubjectKind) -> SubjectFacts {
    let mut facts = SubjectFacts::new(kind);
    facts.tasks = Some(tasks(10, 10, 10, 5));
    facts
}

/// A party organisation whose members (branch) or sub-organisations (committee) are all HTTNV.
fn organisation(org_kind: OrgKind) -> SubjectFacts {
    let mut facts = clean(Organisation);
    facts.org_kind = Some(org_kind);
    let all_good = LevelCounts {
        httnv: 10,
        ..LevelCounts::default()
    };
    facts.composition = Some(Composition {
        members: Some(all_good),
        sub_organisations: Some(all_good),
        ..Composition::default()
    });
    facts
}

fn discipline(form: DisciplineForm, year: i32) -> DisciplineRecord {
    DisciplineRecord {
        form,
        violation_on: None,
        decided_on: day(year, Month::June, 1),
        at_previous_unit: false,
        duty_related: false,
        self_detected_remedied: false,
        counted_before: false,
        unrelated_to_collective: false,
        violation: None,
    }
}

fn duty(form: DisciplineForm, year: i32) -> DisciplineRecord {
    DisciplineRecord {
        duty_related: true,
        ..discipline(form, year)
    }
}

fn sick(from: Date, to: Date) -> LeavePeriod {
    LeavePeriod {
        kind: LeaveKind::Sick,
        from,
        to,
    }
}

fn unit(name: &str, level: Option<Level>, results: Option<TaskResults>) -> LedUnit {
    LedUnit {
        name: name.into(),
        level,
        tasks: results,
        disciplined: false,
    }
}

fn headed(name: &str, level: Option<Level>) -> HeadedUnit {
    HeadedUnit {
        name: name.into(),
        level,
        moved_in_without_part: false,
    }
}

/// Classifies `facts` scored at `level`, reviewed on 15/12 of the rule set's first year.
fn run(book: &RuleBook, facts: &SubjectFacts, level: Level) -> Classification {
    let sheet = sheet(level);
    classify(&Context {
        book,
        year: year(book),
        as_of: day(year(book), Month::December, 15),
        facts,
        score: Some(&sheet),
    })
}

/// The findings of rule `name` (the part of the rule id after the rule set, e.g. `member.discipline`).
fn fired<'a>(c: &'a Classification, name: &str) -> Vec<&'a Finding> {
    c.findings
        .iter()
        .filter(|f| f.citation.rule.ends_with(&format!(".{name}")))
        .collect()
}

/// Asserts that rule `name` fired with `effect` and that its source names `source`.
#[track_caller]
fn assert_fired(c: &Classification, name: &str, effect: Effect, source: &str) {
    let found = fired(c, name);
    assert!(
        !found.is_empty(),
        "rule {name} did not fire; findings: {:#?}",
        c.findings
    );
    assert!(
        found.iter().any(|f| f.effect == effect),
        "rule {name} fired with {:?}, expected {effect:?}",
        found.iter().map(|f| f.effect).collect::<Vec<_>>()
    );
    for f in found {
        assert!(
            f.citation.source.contains(source),
            "rule {name} cites \"{}\", expected it to name \"{source}\"",
            f.citation.source
        );
    }
}

#[track_caller]
fn assert_not_fired(c: &Classification, name: &str) {
    let found = fired(c, name);
    assert!(found.is_empty(), "rule {name} fired: {found:#?}");
}

fn cap(max: Level) -> Effect {
    Effect::Cap { max }
}

// ---------------------------------------------------------------------------------------------
// §10 "Levels" and "ĐV HTXSNV content"
// ---------------------------------------------------------------------------------------------

fn grades(framework: &framework::Framework, task: Grade, others: Grade) -> EvaluationInput {
    let mut input = EvaluationInput::default();
    for leaf in framework.leaves() {
        let grade = match leaf.group {
            framework::CriterionGroup::Tasks => task,
            framework::CriterionGroup::Common => others,
        };
        input.grades.insert(leaf.criterion.id.clone(), grade);
    }
    input
}

#[test]
fn hd21_member_htxsnv_needs_task_criteria_xuat_sac_and_others_tot() {
    let book = book(HD21);
    let fw = framework::national(HD21, MemberWithoutPost, None).unwrap();
    let level = |task, others| framework::score(fw, &book, &grades(fw, task, others)).unwrap();
    let top = level(Grade::XuatSac, Grade::Tot);
    assert_eq!(top.level, Level::Htxsnv);
    assert!(top.citation.source.contains("HD 21-HD/BTCTW Mục II 2.3"));
    assert_eq!(level(Grade::Tot, Grade::Tot).level, Level::Httnv);
    assert_eq!(level(Grade::XuatSac, Grade::TrungBinh).level, Level::Httnv);
    assert_eq!(level(Grade::TrungBinh, Grade::TrungBinh).level, Level::Htnv);
    assert_eq!(level(Grade::Kem, Grade::Tot).level, Level::Khtnv);
}

#[test]
fn qd124_levels_follow_the_grades_of_dieu_12() {
    let book = book(QD124);
    let fw = framework::national(QD124, MemberWithoutPost, None).unwrap();
    let level = |task, others| framework::score(fw, &book, &grades(fw, task, others)).unwrap();
    let top = level(Grade::XuatSac, Grade::Tot);
    assert_eq!(top.level, Level::Htxsnv);
    assert!(top.citation.source.contains("QĐ 124-QĐ/TW Điều 12"));
    assert_eq!(level(Grade::Tot, Grade::TrungBinh).level, Level::Httnv);
    assert_eq!(level(Grade::TrungBinh, Grade::TrungBinh).level, Level::Htnv);
}

#[test]
fn qd124_any_kem_criterion_forces_khtnv() {
    // QĐ 124 Điều 12 khoản 4: "các tiêu chí đánh giá ở mức Kém".
    let mut graded = sheet(Level::Httnv);
    graded.any_kem = true;
    let facts = clean(MemberWithoutPost);
    for (id, fires) in [(QD124, true), (HD21, false), (QD366, false)] {
        let book = book(id);
        let c = classify(&Context {
            book: &book,
            year: year(&book),
            as_of: day(year(&book), Month::December, 15),
            facts: &facts,
            score: Some(&graded),
        });
        if fires {
            assert_fired(
                &c,
                "any_kem",
                cap(Level::Khtnv),
                "QĐ 124-QĐ/TW Điều 12 khoản 4",
            );
            assert_eq!(c.suggested, Some(Level::Khtnv));
        } else {
            assert_not_fired(&c, "any_kem");
            assert_eq!(c.suggested, Some(Level::Httnv), "{id}");
        }
    }
}

#[test]
fn qd366_levels_are_90_70_50_points() {
    // QĐ 366 Điều 11: ≥ 90 / 70–< 90 / 50–< 70 / < 50.
    let book = book(QD366);
    let fw = framework::national(QD366, MemberWithoutPost, None).unwrap();
    let level_at = |hundredths: i64| {
        let tasks = hundredths - 3_000;
        let mut input = EvaluationInput::default();
        for id in ["chung.1", "chung.2", "chung.3"] {
            input.points.insert(id.into(), Points::whole(10));
        }
        input
            .points
            .insert("nhiem_vu.1".into(), Points(tasks.min(5_000)));
        input
            .points
            .insert("nhiem_vu.2".into(), Points((tasks - 5_000).max(0)));
        framework::score(fw, &book, &input).unwrap()
    };
    let at_90 = level_at(9_000);
    assert_eq!(at_90.level, Level::Htxsnv);
    assert!(at_90.citation.source.contains("QĐ 366-QĐ/TW"));
    assert_eq!(level_at(8_999).level, Level::Httnv);
    assert_eq!(level_at(7_000).level, Level::Httnv);
    assert_eq!(level_at(6_999).level, Level::Htnv);
    assert_eq!(level_at(5_000).level, Level::Htnv);
    assert_eq!(level_at(4_999).level, Level::Khtnv);
}

#[test]
fn hd21_civil_servant_htxsnv_needs_civil_service_htxsnv() {
    // HD 21 Mục II 2.3: "đảng viên là CBCCVC phải được xếp loại CBCCVC HTXSNV".
    let book = book(HD21);
    let mut facts = clean(MemberWithoutPost);
    facts.civil_service = Some(CivilService {
        rating: Some(Level::Httnv),
    });
    let c = run(&book, &facts, Level::Htxsnv);
    assert_fired(
        &c,
        "member.civil_service_htxsnv",
        cap(Level::Httnv),
        "HD 21-HD/BTCTW Mục II 2.3",
    );
    assert_eq!(c.suggested, Some(Level::Httnv));
    facts.civil_service = Some(CivilService {
        rating: Some(Level::Htxsnv),
    });
    let c = run(&book, &facts, Level::Htxsnv);
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
    assert_eq!(c.suggested, Some(Level::Htxsnv));
}

#[test]
fn hd21_civil_service_khtnv_forces_party_khtnv() {
    // HD 21 Tiết 2 Điểm B Mục II (3): "đảng viên là CBCCVC xếp loại KHTNV".
    let mut facts = clean(MemberWithoutPost);
    facts.civil_service = Some(CivilService {
        rating: Some(Level::Khtnv),
    });
    let c = run(&book(HD21), &facts, Level::Httnv);
    assert_fired(
        &c,
        "member.civil_service_khtnv",
        cap(Level::Khtnv),
        "HD 21-HD/BTCTW",
    );
    assert_eq!(c.allowed, Level::Khtnv);
}

#[test]
fn civil_service_rating_is_not_a_party_level_condition_after_hd21() {
    for id in [QD124, QD366] {
        let mut facts = clean(MemberWithoutPost);
        facts.civil_service = Some(CivilService {
            rating: Some(Level::Htnv),
        });
        let c = run(&book(id), &facts, Level::Htxsnv);
        assert_not_fired(&c, "member.civil_service_htxsnv");
        assert_eq!(c.suggested, Some(Level::Htxsnv), "{id}");
    }
}

#[test]
fn qd124_htxsnv_needs_every_task_on_time() {
    // QĐ 124 Điều 12 khoản 1: hoàn thành 100% chỉ tiêu, nhiệm vụ đúng tiến độ.
    let book = book(QD124);
    let mut facts = clean(MemberWithoutPost);
    facts.tasks = Some(tasks(10, 10, 9, 5));
    let c = run(&book, &facts, Level::Htxsnv);
    assert_fired(
        &c,
        "tasks.htxsnv_all_on_time",
        cap(Level::Httnv),
        "QĐ 124-QĐ/TW Điều 12 khoản 1",
    );
    assert_eq!(c.allowed, Level::Httnv);
    facts.tasks = Some(tasks(10, 10, 10, 5));
    assert_not_fired(
        &run(&book, &facts, Level::Htxsnv),
        "tasks.htxsnv_all_on_time",
    );
}

#[test]
fn qd124_htxsnv_needs_at_least_half_of_tasks_exceeded() {
    // QĐ 124 Điều 12 khoản 1: ≥ 50% chỉ tiêu, nhiệm vụ hoàn thành vượt mức.
    let book = book(QD124);
    let mut facts = clean(MemberWithoutPost);
    facts.tasks = Some(tasks(100, 100, 100, 50));
    let c = run(&book, &facts, Level::Htxsnv);
    assert_not_fired(&c, "tasks.htxsnv_exceeded_min");
    assert_eq!(c.suggested, Some(Level::Htxsnv));
    facts.tasks = Some(tasks(100, 100, 100, 49));
    let c = run(&book, &facts, Level::Htxsnv);
    assert_fired(
        &c,
        "tasks.htxsnv_exceeded_min",
        cap(Level::Httnv),
        "QĐ 124-QĐ/TW Điều 12 khoản 1",
    );
    assert_eq!(c.suggested, Some(Level::Httnv));
    // HD 21 has no share of tasks exceeded for HTXSNV.
    facts.tasks = Some(tasks(100, 100, 100, 0));
    assert_eq!(
        run(&self::book(HD21), &facts, Level::Htxsnv).suggested,
        Some(Level::Htxsnv)
    );
}

#[test]
fn qd366_htxsnv_needs_at_least_thirty_percent_exceeded() {
    // QĐ 366 Điều 11 khoản 1: ≥ 30% nhiệm vụ hoàn thành vượt mức.
    let book = book(QD366);
    let mut facts = clean(MemberWithoutPost);
    facts.tasks = Some(tasks(100, 100, 100, 30));
    assert_eq!(
        run(&book, &facts, Level::Htxsnv).suggested,
        Some(Level::Htxsnv)
    );
    facts.tasks = Some(tasks(100, 100, 100, 29));
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "tasks.htxsnv_exceeded_min",
        cap(Level::Httnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 1",
    );
    assert_eq!(c.suggested, Some(Level::Httnv));
}

#[test]
fn qd366_a_score_above_the_level_whose_conditions_hold_is_for_the_competent_level() {
    // QĐ 366 Điều 11 khoản 1–2: HTXSNV = ≥ 90 điểm VÀ ≥ 30% vượt mức; HTTNV = 70–< 90 điểm VÀ
    // 100% đúng hạn. 95 points with 29% exceeded fits neither: no silent HTTNV.
    let book = book(QD366);
    for kind in [MemberWithoutPost, Leader, Collective] {
        let mut facts = clean(kind);
        facts.tasks = Some(tasks(100, 100, 100, 29));
        let c = run(&book, &facts, Level::Htxsnv);
        assert_fired(
            &c,
            "tasks.htxsnv_exceeded_min",
            cap(Level::Httnv),
            "QĐ 366-QĐ/TW Điều 11 khoản 1",
        );
        assert_fired(
            &c,
            "tasks.conditions_gap",
            Effect::CaseByCase,
            "QĐ 366-QĐ/TW Điều 11 khoản 1–4",
        );
        assert_eq!(c.readiness, Readiness::DecisionRequired, "{kind:?}");
        assert_eq!((c.allowed, c.suggested), (Level::Httnv, None));
    }
    // Earlier shortcomings not remedied are an HTXSNV condition too.
    let mut facts = clean(MemberWithoutPost);
    facts.previous_defects_fixed = Some(false);
    let c = run(&book, &facts, Level::Htxsnv);
    assert_fired(&c, "tasks.conditions_gap", Effect::CaseByCase, "Điều 11");
    // The lower-level reading stays selectable.
    let mut lower = book.clone();
    lower.params.tasks.individual_gap = crate::ruleset::params::GapTreatment::LowerLevel;
    let c = run(&lower, &facts, Level::Htxsnv);
    assert_not_fired(&c, "tasks.conditions_gap");
    assert_eq!(c.suggested, Some(Level::Httnv));
    // QĐ 124 names no score band: its lower level applies.
    let mut facts = clean(MemberWithoutPost);
    facts.tasks = Some(tasks(10, 10, 10, 4));
    let c = run(&self::book(QD124), &facts, Level::Htxsnv);
    assert_eq!(c.suggested, Some(Level::Httnv));
}

#[test]
fn qd366_htxsnv_needs_previous_defects_fixed() {
    // QĐ 366 Điều 11 khoản 1: đã khắc phục 100% hạn chế, khuyết điểm chỉ ra ở kỳ trước.
    let book = book(QD366);
    let mut facts = clean(MemberWithoutPost);
    facts.previous_defects_fixed = Some(false);
    let c = run(&book, &facts, Level::Htxsnv);
    assert_fired(
        &c,
        "tasks.htxsnv_previous_defects_fixed",
        cap(Level::Httnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 1",
    );
    for fixed in [Some(true), None] {
        facts.previous_defects_fixed = fixed;
        assert_eq!(run(&book, &facts, Level::Htxsnv).allowed, Level::Htxsnv);
    }
    // Not a condition before QĐ 366.
    facts.previous_defects_fixed = Some(false);
    for id in [HD21, QD124] {
        assert_not_fired(
            &run(&self::book(id), &facts, Level::Htxsnv),
            "tasks.htxsnv_previous_defects_fixed",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// §10 task conditions of each level under QĐ 366 (Điều 11 khoản 1–3)
// ---------------------------------------------------------------------------------------------

#[test]
fn qd366_httnv_needs_every_task_on_time() {
    let book = book(QD366);
    let mut facts = clean(MemberWithoutPost);
    facts.tasks = Some(tasks(10, 10, 9, 5));
    let c = run(&book, &facts, Level::Htxsnv);
    assert_fired(
        &c,
        "tasks.htxsnv_all_on_time",
        cap(Level::Httnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 1",
    );
    assert_fired(
        &c,
        "tasks.httnv_all_on_time",
        cap(Level::Htnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 2",
    );
    // A score of the HTXSNV band with HTNV conditions: the competent level decides.
    assert_eq!(
        (c.readiness, c.allowed),
        (Readiness::DecisionRequired, Level::Htnv)
    );
    // In the HTNV band the conditions hold: settled.
    assert_eq!(run(&book, &facts, Level::Htnv).suggested, Some(Level::Htnv));
    // QĐ 124 has no on-time condition for HTTNV.
    let c = run(&self::book(QD124), &facts, Level::Httnv);
    assert_not_fired(&c, "tasks.httnv_all_on_time");
    assert_eq!(c.suggested, Some(Level::Httnv));
}

#[test]
fn qd366_htnv_needs_every_task_completed_else_the_competent_level_decides() {
    // QĐ 366 Điều 11 khoản 3 (HTNV: 100% nhiệm vụ) and khoản 4 (cá nhân KHTNV: trên 50% nhiệm vụ
    // không hoàn thành): 9 of 10 completed fits neither.
    let book = book(QD366);
    let mut facts = clean(MemberWithoutPost);
    facts.tasks = Some(tasks(10, 9, 9, 5));
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "tasks.htnv_all_completed",
        Effect::CaseByCase,
        "QĐ 366-QĐ/TW Điều 11 khoản 1–4",
    );
    assert_eq!(
        (c.readiness, c.allowed),
        (Readiness::DecisionRequired, Level::Htnv)
    );
    // Under 50 points the score settles it, and a listed case settles it too.
    assert_eq!(
        run(&book, &facts, Level::Khtnv).suggested,
        Some(Level::Khtnv)
    );
    facts.tasks = Some(tasks(10, 4, 4, 0));
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "member.task_floor",
        cap(Level::Khtnv),
        "Điều 11 khoản 4",
    );
    assert_eq!(c.suggested, Some(Level::Khtnv));
    // The literal lower-level reading stays selectable.
    let mut lower = book.clone();
    lower.params.tasks.individual_gap = crate::ruleset::params::GapTreatment::LowerLevel;
    facts.tasks = Some(tasks(10, 9, 9, 5));
    let c = run(&lower, &facts, Level::Httnv);
    assert_fired(
        &c,
        "tasks.htnv_all_completed",
        cap(Level::Khtnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 3",
    );
    assert_eq!(c.suggested, Some(Level::Khtnv));
}

#[test]
fn qd366_htnv_allows_at_most_twenty_percent_of_tasks_late() {
    // QĐ 366 Điều 11 khoản 3: số nhiệm vụ chưa bảo đảm tiến độ không quá 20%; more late tasks
    // are no listed KHTNV case: the competent level decides (issue 14).
    let book = book(QD366);
    let mut facts = clean(MemberWithoutPost);
    facts.tasks = Some(tasks(100, 100, 80, 30));
    let c = run(&book, &facts, Level::Htnv);
    assert_not_fired(&c, "tasks.htnv_late_max");
    assert_eq!(c.suggested, Some(Level::Htnv));
    facts.tasks = Some(tasks(100, 100, 79, 30));
    let c = run(&book, &facts, Level::Htnv);
    assert_fired(
        &c,
        "tasks.htnv_late_max",
        Effect::CaseByCase,
        "QĐ 366-QĐ/TW Điều 11 khoản 1–4",
    );
    assert_eq!(c.readiness, Readiness::DecisionRequired);
    assert_eq!((c.allowed, c.suggested), (Level::Htnv, None));
    assert!(
        fired(&c, "tasks.htnv_late_max")[0]
            .message
            .contains("không thuộc trường hợp KHTNV")
    );
}

#[test]
fn qd366_missing_task_results_are_pending_not_guessed() {
    let mut facts = clean(MemberWithoutPost);
    facts.tasks = None;
    let c = run(&book(QD366), &facts, Level::Httnv);
    assert_fired(&c, "tasks.missing", Effect::Pending, "QĐ 366-QĐ/TW Điều 11");
    assert_eq!(c.readiness, Readiness::Pending);
    assert_eq!(c.suggested, None);
    // HD 21 attaches no task condition to the levels: nothing is missing.
    let c = run(&book(HD21), &facts, Level::Httnv);
    assert_eq!(c.readiness, Readiness::Ready);
    assert_eq!(c.suggested, Some(Level::Httnv));
}

// ---------------------------------------------------------------------------------------------
// §10 "Quota"
// ---------------------------------------------------------------------------------------------

fn counts(htxsnv: u32, httnv: u32) -> LevelCounts {
    LevelCounts {
        htxsnv,
        httnv,
        htnv: 2,
        khtnv: 1,
    }
}

#[test]
fn hd21_quota_is_twenty_percent_of_httnv_rounded_down() {
    // HD 21 Mục II 2.3: không vượt quá 20% số đảng viên được xếp loại HTTNV.
    let book = book(HD21);
    let ok = check_quota(&book, &counts(2, 10), None).unwrap();
    assert!(ok.violation.is_none());
    assert_eq!(ok.allowed, 2);
    // 20% of 14 = 2.8: the literal "không vượt quá" allows 2.
    let over = check_quota(&book, &counts(3, 14), None).unwrap();
    let violation = over.violation.unwrap();
    assert_eq!(violation.excess, 1);
    assert!(
        violation
            .citation
            .source
            .contains("HD 21-HD/BTCTW Mục II 2.3")
    );
    assert!(violation.citation.source.contains("tổ chức cơ sở đảng"));
}

#[test]
fn hd21_quota_pools_members_per_grassroots_organisation() {
    // HD 21: the base is each tổ chức cơ sở đảng, pooled over its chi bộ trực thuộc.
    let book = book(HD21);
    let member_of = |branch: &str| QuotaSubject {
        category: QuotaCategory::Members,
        grassroots: Some("DBCS-01".into()),
        deciding_body: "DBCS-01".into(),
        similar_role_group: Some(branch.into()),
    };
    assert_eq!(
        group_key(&book, &member_of("chi-bo-1")),
        group_key(&book, &member_of("chi-bo-2"))
    );
    // Under QĐ 124/366 the competent level's groups of similar role are kept apart.
    for id in [QD124, QD366] {
        assert_ne!(
            group_key(&self::book(id), &member_of("chi-bo-1")),
            group_key(&self::book(id), &member_of("chi-bo-2"))
        );
    }
}

#[test]
fn qd124_quota_is_twenty_percent_per_group_of_similar_role_without_exception() {
    let book = book(QD124);
    let over = check_quota(&book, &counts(3, 14), None).unwrap();
    assert!(
        over.violation
            .unwrap()
            .citation
            .source
            .contains("QĐ 124-QĐ/TW Điều 12 khoản 1")
    );
    let decision = ExceptionalShareDecision {
        decided_by: "Ban Thường vụ Tỉnh ủy".into(),
        reference: "Quyết định 1-QĐ/TU ngày 20/12/2024".into(),
    };
    // The 25 % exception is QĐ 366's, not QĐ 124's.
    assert_eq!(
        check_quota(&book, &counts(5, 20), Some(&decision))
            .unwrap_err()
            .field,
        "exceptional_share"
    );
}

#[test]
fn qd366_quota_twenty_percent_or_twenty_five_with_a_recorded_decision() {
    // QĐ 366 Điều 11 khoản 1.4: ≤ 20% HTTNV; thành tích xuất sắc, nổi trội: ≤ 25%.
    let book = book(QD366);
    assert!(
        check_quota(&book, &counts(4, 20), None)
            .unwrap()
            .violation
            .is_none()
    );
    let over = check_quota(&book, &counts(5, 20), None).unwrap();
    assert!(
        over.violation
            .unwrap()
            .citation
            .source
            .contains("QĐ 366-QĐ/TW Điều 11 khoản 1.4")
    );
    let decision = ExceptionalShareDecision {
        decided_by: "Ban Thường vụ Tỉnh ủy".into(),
        reference: "Quyết định 123-QĐ/TU ngày 20/12/2025".into(),
    };
    let exceptional = check_quota(&book, &counts(5, 20), Some(&decision)).unwrap();
    assert!(exceptional.violation.is_none());
    assert!(
        exceptional
            .citations
            .iter()
            .any(|c| c.source.contains("không quá 25%"))
    );
    assert!(
        check_quota(&book, &counts(6, 20), Some(&decision))
            .unwrap()
            .violation
            .is_some()
    );
}

#[test]
fn quota_groups_organisations_collectives_members_and_leaders_separately() {
    // SPEC §7: per comparable group at each deciding level (organisations, collectives, members,
    // leaders separately).
    for id in [HD21, QD124, QD366] {
        let book = book(id);
        let keys: std::collections::BTreeSet<String> = [
            QuotaCategory::Organisations,
            QuotaCategory::Collectives,
            QuotaCategory::Members,
            QuotaCategory::Leaders,
        ]
        .into_iter()
        .map(|category| {
            group_key(
                &book,
                &QuotaSubject {
                    category,
                    grassroots: Some("DBCS-01".into()),
                    deciding_body: "DBCS-01".into(),
                    similar_role_group: None,
                },
            )
        })
        .collect();
        assert_eq!(keys.len(), 4, "{id}: {keys:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// §10 "Discipline in year (member)"
// ---------------------------------------------------------------------------------------------

#[test]
fn hd21_any_discipline_in_the_year_forces_khtnv() {
    // HD 21 Tiết 2 Điểm B Mục II (4): đảng viên bị thi hành kỷ luật trong năm.
    let book = book(HD21);
    let y = year(&book);
    for record in [
        discipline(DisciplineForm::KhienTrach, y),
        DisciplineRecord {
            self_detected_remedied: true,
            ..discipline(DisciplineForm::KhienTrach, y)
        },
    ] {
        let mut facts = clean(MemberWithoutPost);
        facts.discipline.push(record);
        let c = run(&book, &facts, Level::Htxsnv);
        assert_fired(
            &c,
            "member.discipline",
            cap(Level::Khtnv),
            "HD 21-HD/BTCTW Tiết 2 Điểm B Mục II",
        );
        assert_eq!(c.suggested, Some(Level::Khtnv));
    }
}

#[test]
fn hd21_one_violation_counts_once_and_only_in_its_year() {
    // HD 21: "một vi phạm bị xử lý kỷ luật chỉ tính một lần khi xếp loại".
    let book = book(HD21);
    let y = year(&book);
    for record in [
        DisciplineRecord {
            counted_before: true,
            ..discipline(DisciplineForm::CanhCao, y)
        },
        discipline(DisciplineForm::CanhCao, y - 1),
    ] {
        let mut facts = clean(MemberWithoutPost);
        facts.discipline.push(record);
        let c = run(&book, &facts, Level::Httnv);
        assert_not_fired(&c, "member.discipline");
        assert_eq!(c.suggested, Some(Level::Httnv));
    }
}

#[test]
fn qd124_discipline_forces_khtnv_unless_self_detected_and_remedied() {
    // QĐ 124 Điều 12 khoản 4.3 điểm d.
    let book = book(QD124);
    let y = year(&book);
    let mut facts = clean(MemberWithoutPost);
    facts
        .discipline
        .push(discipline(DisciplineForm::KhienTrach, y));
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "member.discipline",
        cap(Level::Khtnv),
        "QĐ 124-QĐ/TW Điều 12 khoản 4.3 điểm d",
    );
    facts.discipline[0].self_detected_remedied = true;
    let c = run(&book, &facts, Level::Httnv);
    assert_not_fired(&c, "member.discipline");
    assert_eq!(c.suggested, Some(Level::Httnv));
}

#[test]
fn qd366_only_duty_related_discipline_from_khien_trach_forces_khtnv() {
    // QĐ 366 Điều 11 khoản 4: vi phạm liên quan hoạt động công vụ bị kỷ luật từ khiển trách trở lên.
    let book = book(QD366);
    let y = year(&book);
    let mut facts = clean(MemberWithoutPost);
    facts
        .discipline
        .push(discipline(DisciplineForm::CanhCao, y));
    let c = run(&book, &facts, Level::Httnv);
    assert_not_fired(&c, "member.discipline");
    assert_eq!(c.suggested, Some(Level::Httnv));
    facts.discipline = vec![duty(DisciplineForm::KhienTrach, y)];
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "member.discipline",
        cap(Level::Khtnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 4",
    );
    assert_eq!(c.suggested, Some(Level::Khtnv));
}

#[test]
fn qd366_self_detected_violation_needs_a_decision_case_by_case() {
    // QĐ 366 Điều 11 khoản 4: tự nhận, khắc phục hậu quả → xem xét cụ thể từng trường hợp.
    let book = book(QD366);
    let y = year(&book);
    let mut facts = clean(MemberWithoutPost);
    facts.discipline.push(DisciplineRecord {
        self_detected_remedied: true,
        ..duty(DisciplineForm::KhienTrach, y)
    });
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "member.discipline",
        Effect::CaseByCase,
        "QĐ 366-QĐ/TW Điều 11 khoản 4",
    );
    assert_eq!(c.readiness, Readiness::DecisionRequired);
    assert_eq!(c.suggested, None, "never a guess");
    assert_eq!(c.allowed, Level::Htxsnv);
}

#[test]
fn qd366_violation_of_an_earlier_year_disciplined_now_is_case_by_case() {
    // QĐ 366 (special cases): vi phạm từ năm trước bị kỷ luật trong kỳ → cấp ủy xem xét.
    let book = book(QD366);
    let y = year(&book);
    let mut facts = clean(MemberWithoutPost);
    facts.discipline.push(DisciplineRecord {
        violation_on: Some(day(y - 1, Month::November, 3)),
        ..duty(DisciplineForm::KhienTrach, y)
    });
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "member.discipline",
        Effect::CaseByCase,
        "QĐ 366-QĐ/TW Điều 11 khoản 4",
    );
    assert_eq!(c.readiness, Readiness::DecisionRequired);
    // Under HD 21 the same record is simply a discipline of the year.
    let hd21 = self::book(HD21);
    facts.discipline[0].decided_on = day(year(&hd21), Month::June, 1);
    facts.discipline[0].violation_on = Some(day(year(&hd21) - 1, Month::November, 3));
    assert_fired(
        &run(&hd21, &facts, Level::Httnv),
        "member.discipline",
        cap(Level::Khtnv),
        "HD 21-HD/BTCTW",
    );
}

// ---------------------------------------------------------------------------------------------
// §10 "Discipline (collective)"
// ---------------------------------------------------------------------------------------------

#[test]
fn hd21_disciplined_leadership_collective_is_khtnv() {
    // HD 21 Tiết 3 Điểm B Mục II (3): tập thể lãnh đạo, quản lý bị xử lý kỷ luật.
    let book = book(HD21);
    let mut facts = clean(Collective);
    facts
        .discipline
        .push(discipline(DisciplineForm::KhienTrach, year(&book)));
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "collective.disciplined",
        cap(Level::Khtnv),
        "HD 21-HD/BTCTW Tiết 3 Điểm B Mục II",
    );
    assert_eq!(c.suggested, Some(Level::Khtnv));
}

#[test]
fn hd21_collective_member_disciplined_from_canh_cao_forces_khtnv() {
    // HD 21 Tiết 3 Điểm B Mục II (4): có thành viên bị xử lý kỷ luật từ cảnh cáo trở lên.
    let book = book(HD21);
    let y = year(&book);
    let mut facts = clean(Collective);
    facts
        .member_discipline
        .push(discipline(DisciplineForm::KhienTrach, y));
    let c = run(&book, &facts, Level::Httnv);
    assert_not_fired(&c, "collective.member_discipline");
    assert_eq!(c.suggested, Some(Level::Httnv));
    facts.member_discipline = vec![discipline(DisciplineForm::CanhCao, y)];
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "collective.member_discipline",
        cap(Level::Khtnv),
        "HD 21-HD/BTCTW Tiết 3 Điểm B Mục II",
    );
}

#[test]
fn qd124_collective_member_discipline_forces_khtnv_unless_self_detected() {
    // QĐ 124 Điều 12 khoản 4: thành viên bị kỷ luật trong năm (trừ tự phát hiện, khắc phục xong).
    let book = book(QD124);
    let y = year(&book);
    let mut facts = clean(Collective);
    facts
        .member_discipline
        .push(discipline(DisciplineForm::KhienTrach, y));
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "collective.member_discipline",
        cap(Level::Khtnv),
        "QĐ 124-QĐ/TW Điều 12 khoản 4",
    );
    facts.member_discipline[0].self_detected_remedied = true;
    let c = run(&book, &facts, Level::Htxsnv);
    assert_not_fired(&c, "collective.member_discipline");
    // Still not HTXSNV: khoản 1 wants no disciplined member at all.
    assert_fired(
        &c,
        "collective.clean_record",
        cap(Level::Httnv),
        "QĐ 124-QĐ/TW Điều 12 khoản 1",
    );
    assert_eq!(c.suggested, Some(Level::Httnv));
}

#[test]
fn qd124_disciplined_collective_is_khtnv_unless_self_detected() {
    // QĐ 124 Điều 12 khoản 4: "bị xử lý kỷ luật hoặc thành viên bị kỷ luật trong năm (trừ trường
    // hợp tự phát hiện và khắc phục xong hậu quả)".
    let book = book(QD124);
    let mut facts = clean(Collective);
    facts
        .discipline
        .push(discipline(DisciplineForm::KhienTrach, year(&book)));
    assert_fired(
        &run(&book, &facts, Level::Httnv),
        "collective.disciplined",
        cap(Level::Khtnv),
        "QĐ 124-QĐ/TW Điều 12 khoản 4",
    );
    facts.discipline[0].self_detected_remedied = true;
    let c = run(&book, &facts, Level::Httnv);
    assert_not_fired(&c, "collective.disciplined");
    assert_eq!(c.suggested, Some(Level::Httnv));
    // QĐ 366 Điều 11 khoản 4 does not list the collective's own discipline among the KHTNV
    // cases: it only bars HTXSNV (khoản 1, no discipline in the collective).
    let qd366 = self::book(QD366);
    facts.discipline[0].decided_on = day(year(&qd366), Month::June, 1);
    facts.discipline[0].self_detected_remedied = false;
    let c = run(&qd366, &facts, Level::Htxsnv);
    assert_not_fired(&c, "collective.disciplined");
    assert_fired(
        &c,
        "collective.clean_record",
        cap(Level::Httnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 1",
    );
    assert_eq!(c.suggested, Some(Level::Httnv));
}

#[test]
fn qd124_more_than_twenty_percent_of_units_disciplined_forces_khtnv() {
    // QĐ 124 Điều 12 khoản 4: có trên 20% số đơn vị trực thuộc bị kỷ luật trong năm.
    let book = book(QD124);
    let units = |disciplined: usize, total: usize| {
        (0..total)
            .map(|i| LedUnit {
                disciplined: i < disciplined,
                ..unit(&format!("Phòng {i}"), Some(Level::Httnv), None)
            })
            .collect::<Vec<_>>()
    };
    let mut facts = clean(Collective);
    facts.led_units = units(20, 100);
    let c = run(&book, &facts, Level::Httnv);
    assert_not_fired(&c, "collective.disciplined_units");
    assert_eq!(c.suggested, Some(Level::Httnv));
    facts.led_units = units(21, 100);
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "collective.disciplined_units",
        cap(Level::Khtnv),
        "QĐ 124-QĐ/TW Điều 12 khoản 4",
    );
    // HD 21 has no such share for collectives.
    assert_not_fired(
        &run(&self::book(HD21), &facts, Level::Httnv),
        "collective.disciplined_units",
    );
}

#[test]
fn qd124_and_qd366_htxsnv_needs_no_disciplined_unit_or_leadership_member() {
    // QĐ 124 Điều 12 khoản 1; QĐ 366 Điều 11 khoản 1.
    for (id, source) in [
        (QD124, "QĐ 124-QĐ/TW Điều 12 khoản 1"),
        (QD366, "QĐ 366-QĐ/TW Điều 11 khoản 1"),
    ] {
        let book = book(id);
        let mut facts = clean(Collective);
        facts.led_units = vec![
            LedUnit {
                disciplined: true,
                ..unit("Phòng A", Some(Level::Httnv), None)
            },
            unit("Phòng B", Some(Level::Httnv), None),
            unit("Phòng C", Some(Level::Httnv), None),
            unit("Phòng D", Some(Level::Httnv), None),
            unit("Phòng E", Some(Level::Httnv), None),
        ];
        let c = run(&book, &facts, Level::Htxsnv);
        assert_fired(&c, "collective.clean_record", cap(Level::Httnv), source);
        assert_eq!(c.suggested, Some(Level::Httnv), "{id}");
        facts.led_units[0].disciplined = false;
        assert_eq!(
            run(&book, &facts, Level::Htxsnv).suggested,
            Some(Level::Htxsnv)
        );
    }
    // Not a rule of HD 21.
    let mut facts = clean(Collective);
    facts.led_units = vec![LedUnit {
        disciplined: true,
        ..unit("Phòng A", Some(Level::Httnv), None)
    }];
    assert_not_fired(
        &run(&book(HD21), &facts, Level::Htxsnv),
        "collective.clean_record",
    );
}

#[test]
fn qd366_collective_member_duty_discipline_from_khien_trach_forces_khtnv() {
    // QĐ 366 Điều 11 khoản 4: thành viên vi phạm liên quan chức trách bị kỷ luật từ khiển trách
    // trở lên (trừ vi phạm ở đơn vị cũ hoặc không liên quan).
    let book = book(QD366);
    let y = year(&book);
    let mut facts = clean(Collective);
    facts
        .member_discipline
        .push(duty(DisciplineForm::KhienTrach, y));
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "collective.member_discipline",
        cap(Level::Khtnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 4",
    );
    for excepted in [
        DisciplineRecord {
            unrelated_to_collective: true,
            violation: None,
            ..duty(DisciplineForm::CanhCao, y)
        },
        discipline(DisciplineForm::CanhCao, y),
    ] {
        facts.member_discipline = vec![excepted];
        let c = run(&book, &facts, Level::Httnv);
        assert_not_fired(&c, "collective.member_discipline");
        assert_eq!(c.suggested, Some(Level::Httnv));
    }
}

#[test]
fn collective_member_violation_at_a_previous_unit_counts_there() {
    // SPEC §7; seed 003 mục B.6; QĐ 366 Điều 11 khoản 4: a violation committed at a previous
    // organisation but disciplined at the new one counts against the organisation where it happened.
    for id in [HD21, QD124, QD366] {
        let book = book(id);
        let mut facts = clean(Collective);
        facts.member_discipline.push(DisciplineRecord {
            at_previous_unit: true,
            ..duty(DisciplineForm::CanhCao, year(&book))
        });
        let c = run(&book, &facts, Level::Htxsnv);
        assert_not_fired(&c, "collective.member_discipline");
        assert_not_fired(&c, "collective.clean_record");
        assert_eq!(c.suggested, Some(Level::Htxsnv), "{id}");
        // The member himself is still disciplined in the year.
        let mut member = clean(MemberWithoutPost);
        member.discipline = facts.member_discipline.clone();
        assert_eq!(run(&book, &member, Level::Httnv).allowed, Level::Khtnv);
    }
}

// ---------------------------------------------------------------------------------------------
// §10 "Task completion floor"
// ---------------------------------------------------------------------------------------------

#[test]
fn hd21_member_completing_under_half_of_tasks_is_khtnv() {
    // HD 21 Tiết 2 Điểm B Mục II (2): chỉ hoàn thành dưới 50% chỉ tiêu, nhiệm vụ.
    let book = book(HD21);
    let mut facts = clean(MemberWithoutPost);
    facts.tasks = Some(tasks(100, 50, 50, 0));
    assert_not_fired(&run(&book, &facts, Level::Htnv), "member.task_floor");
    facts.tasks = Some(tasks(100, 49, 49, 0));
    let c = run(&book, &facts, Level::Htnv);
    assert_fired(
        &c,
        "member.task_floor",
        cap(Level::Khtnv),
        "HD 21-HD/BTCTW Tiết 2 Điểm B Mục II",
    );
    assert_eq!(c.suggested, Some(Level::Khtnv));
}

#[test]
fn hd21_collective_completing_under_half_of_tasks_is_khtnv() {
    // HD 21 Tiết 3 Điểm B Mục II (2): chỉ hoàn thành dưới 50% chỉ tiêu, nhiệm vụ được giao, các
    // chỉ tiêu chủ yếu không đạt 100% — both conditions.
    let book = book(HD21);
    let mut facts = clean(Collective);
    facts.key_targets = Some(KeyTargets {
        total: 5,
        missed: 1,
    });
    facts.tasks = Some(tasks(100, 50, 50, 0));
    assert_not_fired(&run(&book, &facts, Level::Htnv), "collective.task_floor");
    facts.tasks = Some(tasks(100, 49, 49, 0));
    assert_fired(
        &run(&book, &facts, Level::Htnv),
        "collective.task_floor",
        cap(Level::Khtnv),
        "HD 21-HD/BTCTW Tiết 3 Điểm B Mục II",
    );
    // Every main target reached: the floor alone does not force KHTNV.
    facts.key_targets = Some(KeyTargets {
        total: 5,
        missed: 0,
    });
    assert_not_fired(&run(&book, &facts, Level::Htnv), "collective.task_floor");
    // Main targets unknown: the competent level weighs it, no guess.
    facts.key_targets = None;
    let c = run(&book, &facts, Level::Htnv);
    assert_fired(
        &c,
        "collective.task_floor",
        Effect::CaseByCase,
        "HD 21-HD/BTCTW Tiết 3 Điểm B Mục II",
    );
    assert_eq!(c.readiness, Readiness::DecisionRequired);
}

#[test]
fn hd21_leader_whose_units_complete_under_half_is_khtnv() {
    // HD 21 Tiết 3 Điểm B Mục II (2): địa phương, đơn vị trực tiếp lãnh đạo dưới 50%.
    let book = book(HD21);
    let mut facts = clean(Leader);
    facts.led_units = vec![unit("UBND xã", None, Some(tasks(100, 50, 50, 0)))];
    assert_not_fired(
        &run(&book, &facts, Level::Htnv),
        "leader.led_units_completed",
    );
    facts.led_units = vec![unit("UBND xã", None, Some(tasks(100, 49, 49, 0)))];
    assert_fired(
        &run(&book, &facts, Level::Htnv),
        "leader.led_units_completed",
        cap(Level::Khtnv),
        "HD 21-HD/BTCTW Tiết 3 Điểm B Mục II",
    );
}

#[test]
fn qd124_task_floor_is_fifty_percent() {
    // QĐ 124 Điều 12 khoản 4: chỉ hoàn thành dưới 50% chỉ tiêu, nhiệm vụ.
    let book = book(QD124);
    for (kind, name) in [
        (MemberWithoutPost, "member.task_floor"),
        (Collective, "collective.task_floor"),
    ] {
        let mut facts = clean(kind);
        // QĐ 124 Điều 12 khoản 4 adds "và có chỉ tiêu chủ yếu không đạt" for collectives.
        facts.key_targets = Some(KeyTargets {
            total: 5,
            missed: 2,
        });
        facts.tasks = Some(tasks(100, 50, 50, 0));
        assert_not_fired(&run(&book, &facts, Level::Htnv), name);
        facts.tasks = Some(tasks(100, 49, 49, 0));
        assert_fired(
            &run(&book, &facts, Level::Htnv),
            name,
            cap(Level::Khtnv),
            "QĐ 124-QĐ/TW Điều 12 khoản 4",
        );
    }
}

#[test]
fn qd366_member_with_more_than_half_of_tasks_not_completed_is_khtnv() {
    // QĐ 366 Điều 11 khoản 4: trên 50% số nhiệm vụ trong năm bị đánh giá không hoàn thành.
    let book = book(QD366);
    let mut facts = clean(MemberWithoutPost);
    facts.tasks = Some(tasks(100, 50, 50, 0));
    assert_not_fired(&run(&book, &facts, Level::Htnv), "member.task_floor");
    facts.tasks = Some(tasks(100, 49, 49, 0));
    assert_fired(
        &run(&book, &facts, Level::Htnv),
        "member.task_floor",
        cap(Level::Khtnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 4",
    );
}

#[test]
fn qd366_collective_and_leader_under_seventy_percent_of_tasks_are_khtnv() {
    // QĐ 366 Điều 11 khoản 4: địa phương, đơn vị trực tiếp lãnh đạo hoàn thành dưới 70%.
    let book = book(QD366);
    let mut collective = clean(Collective);
    collective.tasks = Some(tasks(100, 70, 70, 0));
    assert_not_fired(
        &run(&book, &collective, Level::Htnv),
        "collective.task_floor",
    );
    collective.tasks = Some(tasks(100, 69, 69, 0));
    assert_fired(
        &run(&book, &collective, Level::Htnv),
        "collective.task_floor",
        cap(Level::Khtnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 4",
    );
    let mut leader = clean(Leader);
    leader.led_units = vec![unit(
        "UBND xã",
        Some(Level::Htnv),
        Some(tasks(100, 70, 70, 0)),
    )];
    assert_not_fired(
        &run(&book, &leader, Level::Htnv),
        "leader.led_units_completed",
    );
    leader.led_units[0].tasks = Some(tasks(100, 69, 69, 0));
    assert_fired(
        &run(&book, &leader, Level::Htnv),
        "leader.led_units_completed",
        cap(Level::Khtnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 1, 4",
    );
}

#[test]
fn force_majeure_turns_a_missed_task_floor_into_a_decision() {
    // HD 21 / QĐ 124: "(trừ bất khả kháng)"; QĐ 366 Điều 11 khoản 4: bất khả kháng → xem xét cụ thể.
    for (id, collective_source, leader_source) in [
        (
            HD21,
            "HD 21-HD/BTCTW Tiết 3 Điểm B Mục II",
            "HD 21-HD/BTCTW Tiết 3 Điểm B Mục II",
        ),
        (
            QD124,
            "QĐ 124-QĐ/TW Điều 12 khoản 4",
            "QĐ 124-QĐ/TW Điều 12 khoản 1, 4",
        ),
        (
            QD366,
            "QĐ 366-QĐ/TW Điều 11 khoản 4",
            "QĐ 366-QĐ/TW Điều 11 khoản 1, 4",
        ),
    ] {
        let book = book(id);
        let mut collective = clean(Collective);
        collective.tasks = Some(tasks(100, 40, 40, 0));
        // One main target missed: HD 21 and QĐ 124 need it with the floor; QĐ 366 does not.
        collective.key_targets = Some(KeyTargets {
            total: 5,
            missed: 1,
        });
        let c = run(&book, &collective, Level::Htnv);
        assert_fired(
            &c,
            "collective.task_floor",
            cap(Level::Khtnv),
            collective_source,
        );
        collective.force_majeure = true;
        let c = run(&book, &collective, Level::Htnv);
        assert_fired(
            &c,
            "collective.task_floor",
            Effect::CaseByCase,
            collective_source,
        );
        assert!(
            fired(&c, "collective.task_floor")[0]
                .message
                .contains("bất khả kháng")
        );
        assert_eq!(c.readiness, Readiness::DecisionRequired, "{id}");
        assert_eq!(c.suggested, None);

        let mut leader = clean(Leader);
        leader.led_units = vec![unit(
            "UBND xã",
            Some(Level::Htnv),
            Some(tasks(100, 40, 40, 0)),
        )];
        leader.force_majeure = true;
        let c = run(&book, &leader, Level::Htnv);
        assert_fired(
            &c,
            "leader.led_units_completed",
            Effect::CaseByCase,
            leader_source,
        );
        assert_eq!(c.readiness, Readiness::DecisionRequired, "{id}");
    }
}

#[test]
fn qd366_five_key_targets_missed_force_khtnv_and_force_majeure_is_case_by_case() {
    // QĐ 366 Điều 11 khoản 4: không hoàn thành 5 chỉ tiêu KT-XH cơ bản (bất khả kháng: xem xét).
    let book = book(QD366);
    for kind in [Collective, Leader] {
        let mut facts = clean(kind);
        facts.key_targets = Some(KeyTargets {
            total: 5,
            missed: 4,
        });
        assert_not_fired(&run(&book, &facts, Level::Httnv), "key_targets");
        facts.key_targets = Some(KeyTargets {
            total: 5,
            missed: 5,
        });
        assert_fired(
            &run(&book, &facts, Level::Httnv),
            "key_targets",
            cap(Level::Khtnv),
            "QĐ 366-QĐ/TW Điều 11 khoản 4",
        );
        facts.force_majeure = true;
        let c = run(&book, &facts, Level::Httnv);
        assert_fired(
            &c,
            "key_targets",
            Effect::CaseByCase,
            "QĐ 366-QĐ/TW Điều 11 khoản 4",
        );
        assert_eq!(c.readiness, Readiness::DecisionRequired);
    }
    // No such rule before QĐ 366.
    let mut facts = clean(Collective);
    facts.key_targets = Some(KeyTargets {
        total: 5,
        missed: 5,
    });
    assert_not_fired(&run(&self::book(HD21), &facts, Level::Httnv), "key_targets");
}

// ---------------------------------------------------------------------------------------------
// §10 leaders under QĐ 124 / QĐ 366: led units, votes of confidence
// ---------------------------------------------------------------------------------------------

/// The led units' share of tasks exceeded capped the leader at HTTNV. It may be reported by the
/// task-level rule applied to the units, or by the leader rule when its share differs.
#[track_caller]
fn assert_led_units_exceeded_capped(c: &Classification, source: &str) {
    let found: Vec<_> = c
        .findings
        .iter()
        .filter(|f| {
            f.message.starts_with("Đơn vị trực tiếp lãnh đạo") && f.message.contains("vượt mức")
        })
        .collect();
    assert!(!found.is_empty(), "{:#?}", c.findings);
    for f in found {
        assert_eq!(f.effect, cap(Level::Httnv));
        assert!(f.citation.source.contains(source), "{}", f.citation.source);
    }
    assert_eq!(c.allowed, Level::Httnv);
}

#[test]
fn qd124_leader_htxsnv_needs_half_of_led_units_tasks_exceeded() {
    // QĐ 124 Điều 12 khoản 1: đơn vị trực tiếp lãnh đạo ≥ 50% vượt mức.
    let book = book(QD124);
    let mut facts = clean(Leader);
    facts.led_units = vec![unit("Sở", None, Some(tasks(100, 100, 100, 50)))];
    assert_eq!(
        run(&book, &facts, Level::Htxsnv).suggested,
        Some(Level::Htxsnv)
    );
    facts.led_units[0].tasks = Some(tasks(100, 100, 100, 49));
    let c = run(&book, &facts, Level::Htxsnv);
    assert_led_units_exceeded_capped(&c, "QĐ 124-QĐ/TW Điều 12 khoản 1");
    assert_eq!(c.suggested, Some(Level::Httnv));
}

#[test]
fn qd366_leader_htxsnv_needs_thirty_percent_of_led_units_tasks_exceeded() {
    // QĐ 366 Điều 11 khoản 1: đơn vị trực tiếp lãnh đạo hoàn thành 100%, ≥ 30% vượt mức.
    let book = book(QD366);
    let mut facts = clean(MemberWithPost);
    facts.led_units = vec![unit(
        "Phòng",
        Some(Level::Httnv),
        Some(tasks(100, 100, 100, 30)),
    )];
    assert_eq!(
        run(&book, &facts, Level::Htxsnv).suggested,
        Some(Level::Htxsnv)
    );
    facts.led_units[0].tasks = Some(tasks(100, 100, 100, 29));
    let c = run(&book, &facts, Level::Htxsnv);
    assert_led_units_exceeded_capped(&c, "QĐ 366-QĐ/TW Điều 11 khoản 1");
}

#[test]
fn qd366_leader_with_more_than_half_of_units_khtnv_is_khtnv() {
    // QĐ 366 Điều 11 khoản 4: trên 50% số đơn vị thuộc phạm vi phụ trách xếp loại KHTNV.
    let book = book(QD366);
    let mut facts = clean(Leader);
    facts.led_units = vec![
        unit("A", Some(Level::Khtnv), None),
        unit("B", Some(Level::Htnv), None),
    ];
    let c = run(&book, &facts, Level::Httnv);
    assert_not_fired(&c, "leader.khtnv_units");
    assert_eq!(c.suggested, Some(Level::Httnv));
    facts.led_units.push(unit("C", Some(Level::Khtnv), None));
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "leader.khtnv_units",
        cap(Level::Khtnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 1, 4",
    );
}

#[test]
fn qd366_leader_waits_for_the_levels_of_the_units_he_leads() {
    // "pending when a predecessor is missing": the leader's level depends on his units'.
    let book = book(QD366);
    let mut facts = clean(Leader);
    facts.led_units = vec![unit("A", Some(Level::Httnv), None), unit("B", None, None)];
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "order.unit_before_head",
        Effect::Pending,
        "QĐ 366-QĐ/TW Điều 11",
    );
    assert!(fired(&c, "order.unit_before_head")[0].message.contains('B'));
    assert_eq!(c.readiness, Readiness::Pending);
    assert_eq!(c.suggested, None);
}

#[test]
fn qd366_leader_with_more_than_half_low_confidence_votes_is_khtnv() {
    // QĐ 366 Điều 11 khoản 4: trên 50% phiếu tín nhiệm thấp.
    let book = book(QD366);
    for kind in [Leader, MemberWithPost] {
        let mut facts = clean(kind);
        facts.confidence_vote = Some(ConfidenceVote {
            low: 50,
            total: 100,
        });
        let c = run(&book, &facts, Level::Httnv);
        assert_not_fired(&c, "leader.low_confidence");
        assert_eq!(c.suggested, Some(Level::Httnv));
        facts.confidence_vote = Some(ConfidenceVote {
            low: 51,
            total: 100,
        });
        let c = run(&book, &facts, Level::Httnv);
        assert_fired(
            &c,
            "leader.low_confidence",
            cap(Level::Khtnv),
            "QĐ 366-QĐ/TW Điều 11 khoản 4",
        );
    }
    // Only for post holders, and only from QĐ 366.
    let mut member = clean(MemberWithoutPost);
    member.confidence_vote = Some(ConfidenceVote { low: 9, total: 10 });
    assert_not_fired(&run(&book, &member, Level::Httnv), "leader.low_confidence");
    let mut leader = clean(Leader);
    leader.confidence_vote = Some(ConfidenceVote { low: 9, total: 10 });
    for id in [HD21, QD124] {
        assert_not_fired(
            &run(&self::book(id), &leader, Level::Httnv),
            "leader.low_confidence",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// §10 "Sick ≥ 3 months", "Maternity"; SPEC §7 leave
// ---------------------------------------------------------------------------------------------

#[test]
fn hd21_sick_leave_of_three_months_caps_at_htnv() {
    // HD 21 Mục II tiểu mục 6: nghỉ ốm tổng thời gian trong năm ≥ 03 tháng → không HTTNV trở lên.
    let book = book(HD21);
    let y = year(&book);
    let mut facts = clean(MemberWithoutPost);
    // Three calendar months in two spells: January, then March and April.
    facts.leave = vec![
        sick(day(y, Month::January, 1), day(y, Month::January, 31)),
        sick(day(y, Month::March, 1), day(y, Month::April, 30)),
    ];
    let c = run(&book, &facts, Level::Htxsnv);
    assert_fired(
        &c,
        "member.sick_leave",
        cap(Level::Htnv),
        "HD 21-HD/BTCTW Mục II tiểu mục 6",
    );
    assert_eq!(c.suggested, Some(Level::Htnv));
    // One day short of three months: no cap.
    facts.leave[1].to = day(y, Month::April, 29);
    let c = run(&book, &facts, Level::Htxsnv);
    assert_not_fired(&c, "member.sick_leave");
    assert_eq!(c.suggested, Some(Level::Htxsnv));
    // 01/02 – 30/04 is three calendar months although it is only 89 days.
    facts.leave = vec![sick(day(y, Month::February, 1), day(y, Month::April, 30))];
    assert_fired(
        &run(&book, &facts, Level::Htxsnv),
        "member.sick_leave",
        cap(Level::Htnv),
        "HD 21-HD/BTCTW Mục II tiểu mục 6",
    );
    // Two months plus leftover days of several spells adding up to 30 days make three months.
    facts.leave = vec![
        sick(day(y, Month::January, 1), day(y, Month::February, 28)),
        sick(day(y, Month::May, 1), day(y, Month::May, 15)),
        sick(day(y, Month::September, 1), day(y, Month::September, 15)),
    ];
    assert_fired(
        &run(&book, &facts, Level::Htxsnv),
        "member.sick_leave",
        cap(Level::Htnv),
        "HD 21-HD/BTCTW Mục II tiểu mục 6",
    );
    facts.leave[2].to = day(y, Month::September, 14);
    assert_not_fired(&run(&book, &facts, Level::Htxsnv), "member.sick_leave");
    // Leave of the previous year does not count.
    facts.leave = vec![sick(
        day(y - 1, Month::August, 1),
        day(y, Month::January, 29),
    )];
    assert_not_fired(&run(&book, &facts, Level::Htxsnv), "member.sick_leave");
}

#[test]
fn qd124_sick_leave_cap_is_an_assumption_carried_over_from_hd21() {
    // RULES.md §10: "Sick ≥ 3 months" NOT FOUND for QĐ 124; the rule set assumes HD 21's cap.
    let book = book(QD124);
    let y = year(&book);
    let mut facts = clean(MemberWithoutPost);
    facts.leave = vec![sick(day(y, Month::February, 1), day(y, Month::May, 1))];
    assert_fired(
        &run(&book, &facts, Level::Httnv),
        "member.sick_leave",
        cap(Level::Htnv),
        "giả định",
    );
}

#[test]
fn qd366_sick_leave_is_only_a_note() {
    // HD 43 tiểu mục 7.5: nghỉ ốm từ 03 tháng → xếp loại theo kết quả làm việc thực tế.
    let book = book(QD366);
    let y = year(&book);
    let mut facts = clean(MemberWithoutPost);
    facts.leave = vec![sick(day(y, Month::January, 1), day(y, Month::June, 30))];
    let c = run(&book, &facts, Level::Htxsnv);
    assert_fired(
        &c,
        "member.sick_leave",
        Effect::Note,
        "HD 43-HD/BTCTW tiểu mục 7.5",
    );
    assert_eq!(c.allowed, Level::Htxsnv);
    assert_eq!(c.suggested, Some(Level::Htxsnv));
}

#[test]
fn maternity_leave_is_rated_on_the_time_actually_worked() {
    // HD 21 Mục II tiểu mục 6; HD 43 tiểu mục 7.5: nghỉ thai sản → kết quả thời gian làm việc thực tế.
    for (id, source) in [
        (HD21, "HD 21-HD/BTCTW Mục II tiểu mục 6"),
        (QD366, "HD 43-HD/BTCTW tiểu mục 7.5"),
    ] {
        let book = book(id);
        let y = year(&book);
        let mut facts = clean(MemberWithoutPost);
        facts.leave = vec![LeavePeriod {
            kind: LeaveKind::Maternity,
            from: day(y, Month::March, 1),
            to: day(y, Month::August, 31),
        }];
        let c = run(&book, &facts, Level::Htxsnv);
        assert_fired(&c, "member.maternity", Effect::Note, source);
        assert_eq!(c.suggested, Some(Level::Htxsnv), "{id}");
    }
}

// ---------------------------------------------------------------------------------------------
// Conclusions of the competent level
// ---------------------------------------------------------------------------------------------

#[test]
fn concluded_degradation_forces_khtnv_in_every_recent_era() {
    for (id, source) in [
        (HD21, "HD 21-HD/BTCTW Tiết 2 Điểm B Mục II"),
        (QD124, "QĐ 124-QĐ/TW Điều 12 khoản 4.3"),
        (QD366, "QĐ 366-QĐ/TW Điều 11 khoản 4"),
    ] {
        let mut facts = clean(MemberWithoutPost);
        facts.conclusions.degradation = true;
        let c = run(&book(id), &facts, Level::Htxsnv);
        assert_fired(&c, "conclusions", cap(Level::Khtnv), source);
        assert_eq!(c.suggested, Some(Level::Khtnv));
    }
}

#[test]
fn concluded_disunity_of_a_collective_forces_khtnv() {
    // HD 21 Tiết 3 Điểm B Mục II (1); QĐ 366 Điều 11 khoản 4 (mất đoàn kết nội bộ).
    for id in [HD21, QD366] {
        let mut facts = clean(Collective);
        facts.conclusions.disunity = true;
        let c = run(&book(id), &facts, Level::Httnv);
        assert_eq!(c.allowed, Level::Khtnv);
        assert!(fired(&c, "conclusions")[0].message.contains("mất đoàn kết"));
    }
}

// ---------------------------------------------------------------------------------------------
// §10 "Org rating inputs" (HD 21) and organisation discipline
// ---------------------------------------------------------------------------------------------

#[test]
fn hd21_branch_httnv_needs_every_member_at_least_htnv() {
    // HD 21 (luathoangphi): chi bộ HTTNV: 100% đảng viên HTNV trở lên.
    let book = book(HD21);
    let mut facts = organisation(OrgKind::SubordinateBranch);
    facts.composition.as_mut().unwrap().members = Some(LevelCounts {
        httnv: 9,
        khtnv: 1,
        ..LevelCounts::default()
    });
    let c = run(&book, &facts, Level::Htxsnv);
    assert_fired(
        &c,
        "organisation.all_at_least",
        cap(Level::Htnv),
        "HD 21-HD/BTCTW Mục II",
    );
    assert_eq!(c.suggested, Some(Level::Htnv));
}

#[test]
fn hd21_branch_httnv_needs_half_of_members_at_httnv_or_above() {
    // HD 21: ≥ 50% HTTNV trở lên.
    let book = book(HD21);
    let mut facts = organisation(OrgKind::SubordinateBranch);
    let with = |above: u32, below: u32| LevelCounts {
        htxsnv: 1,
        httnv: above - 1,
        htnv: below,
        khtnv: 0,
    };
    facts.composition.as_mut().unwrap().members = Some(with(50, 50));
    let c = run(&book, &facts, Level::Httnv);
    assert_not_fired(&c, "organisation.share_httnv");
    assert_eq!(c.suggested, Some(Level::Httnv));
    facts.composition.as_mut().unwrap().members = Some(with(49, 51));
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "organisation.share_httnv",
        cap(Level::Htnv),
        "HD 21-HD/BTCTW Mục II",
    );
}

#[test]
fn hd21_committee_is_rated_on_its_sub_organisations_and_same_level_bodies() {
    let book = book(HD21);
    let mut facts = organisation(OrgKind::GrassrootsCommittee);
    facts.composition.as_mut().unwrap().sub_organisations = Some(LevelCounts {
        httnv: 3,
        htnv: 1,
        ..LevelCounts::default()
    });
    assert_eq!(
        run(&book, &facts, Level::Httnv).suggested,
        Some(Level::Httnv)
    );
    facts.composition.as_mut().unwrap().sub_organisations = Some(LevelCounts {
        httnv: 3,
        khtnv: 1,
        ..LevelCounts::default()
    });
    assert_fired(
        &run(&book, &facts, Level::Httnv),
        "organisation.all_at_least",
        cap(Level::Htnv),
        "tổ chức trực thuộc",
    );
    // Chính quyền, MTTQ và đoàn thể cùng cấp xếp loại HTNV trở lên.
    let mut facts = organisation(OrgKind::GrassrootsCommittee);
    facts.composition.as_mut().unwrap().same_level_bodies = Some(LevelCounts {
        httnv: 4,
        khtnv: 1,
        ..LevelCounts::default()
    });
    assert_fired(
        &run(&book, &facts, Level::Httnv),
        "organisation.same_level_bodies",
        cap(Level::Htnv),
        "chính quyền, đoàn thể cùng cấp",
    );
}

#[test]
fn hd21_branch_with_more_than_twenty_percent_of_members_disciplined_is_khtnv() {
    // HD 21 as summarised by luathoangphi.vn (RULES.md §1.4, §11.6).
    let book = book(HD21);
    let mut facts = organisation(OrgKind::SubordinateBranch);
    let set = |facts: &mut SubjectFacts, disciplined: u32| {
        let composition = facts.composition.as_mut().unwrap();
        composition.members = Some(LevelCounts {
            httnv: 80,
            khtnv: 20,
            ..LevelCounts::default()
        });
        composition.disciplined_members = disciplined;
    };
    set(&mut facts, 20);
    assert_not_fired(
        &run(&book, &facts, Level::Htnv),
        "organisation.disciplined_members",
    );
    set(&mut facts, 21);
    assert_fired(
        &run(&book, &facts, Level::Htnv),
        "organisation.disciplined_members",
        cap(Level::Khtnv),
        "HD 21-HD/BTCTW",
    );
}

#[test]
fn hd21_organisation_waits_for_its_members_levels() {
    // SPEC §7 "lower levels before upper": no composition yet → pending, named.
    let book = book(HD21);
    let mut facts = organisation(OrgKind::SubordinateBranch);
    facts.composition = None;
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "order.lower_before_upper",
        Effect::Pending,
        "HD 21-HD/BTCTW Mục II",
    );
    assert_eq!(c.readiness, Readiness::Pending);
    assert_eq!(c.suggested, None);
}

#[test]
fn qd366_has_no_numeric_composition_rule_for_organisations() {
    // HD 43 Mục 3: the organisation's rating is based on its members, with no numeric share found.
    let mut facts = organisation(OrgKind::SubordinateBranch);
    facts.composition = None;
    let c = run(&book(QD366), &facts, Level::Httnv);
    assert_not_fired(&c, "order.lower_before_upper");
    assert_eq!(c.suggested, Some(Level::Httnv));
}

// ---------------------------------------------------------------------------------------------
// Seed 003's local layer: "head ≤ unit" with its two exceptions (SPEC §7)
// ---------------------------------------------------------------------------------------------

#[test]
fn seed003_head_not_above_the_collective_and_organisation_he_heads() {
    // Seed 003 mục B.4: "Mức xếp loại chất lượng của người đứng đầu không được cao hơn mức xếp loại
    // của tập thể lãnh đạo, quản lý và tổ chức, cơ quan, đơn vị do mình đứng đầu".
    let book = seed003();
    let mut facts = clean(MemberWithPost);
    facts.headed_units = vec![
        headed("Tập thể lãnh đạo UBND xã", Some(Level::Httnv)),
        headed("Đảng bộ xã", Some(Level::Htnv)),
    ];
    let c = run(&book, &facts, Level::Htxsnv);
    assert_fired(&c, "head_not_above_unit", cap(Level::Htnv), "mục B.4");
    assert_eq!(c.allowed, Level::Htnv);
    assert_eq!(c.suggested, Some(Level::Htnv));
    // A national rule book has no such rule.
    assert_not_fired(
        &run(&self::book(HD21), &facts, Level::Htxsnv),
        "head_not_above_unit",
    );
}

#[test]
fn seed003_head_rule_spares_a_village_secretary_who_is_not_a_commune_civil_servant() {
    // Seed 003 mục B.4: "(trừ Bí thư Chi bộ ở các Chi bộ thôn, tổ dân phố không là cán bộ, công
    // chức ở các xã, thị trấn)".
    let mut facts = clean(MemberWithPost);
    facts.headed_units = vec![headed("Chi bộ thôn 3", Some(Level::Htnv))];
    facts.village_secretary_not_civil_servant = true;
    let c = run(&seed003(), &facts, Level::Htxsnv);
    assert_fired(&c, "head_not_above_unit", Effect::Note, "Huyện ủy năm 2019");
    assert_eq!(c.suggested, Some(Level::Htxsnv));
}

#[test]
fn seed003_head_rule_spares_a_head_who_moved_in_without_part_in_the_result() {
    // Seed 003 mục B.6: "cá nhân chuyển đến là người đứng đầu mà không liên quan đến mức xếp loại của
    // tổ chức, cơ quan, đơn vị mới thì không áp dụng".
    let mut facts = clean(MemberWithPost);
    facts.headed_units = vec![
        HeadedUnit {
            moved_in_without_part: true,
            ..headed("Đơn vị mới", Some(Level::Khtnv))
        },
        headed("Tập thể lãnh đạo", Some(Level::Httnv)),
    ];
    let c = run(&seed003(), &facts, Level::Htxsnv);
    assert!(
        fired(&c, "head_not_above_unit")
            .iter()
            .any(|f| f.effect == Effect::Note && f.message.contains("Đơn vị mới"))
    );
    assert_eq!(c.allowed, Level::Httnv, "only the other unit caps");
}

#[test]
fn heads_wait_for_the_units_they_head_in_every_era_that_says_so() {
    // Heads after their unit: QĐ 124 Điều 11 ("người đứng đầu … sau khi địa phương, cơ quan, đơn
    // vị đã xếp loại"), QĐ 366 Điều 11, and the 2019 district guide mục B.4 under HD 21 — whether
    // or not a local layer adds "a head not above the unit".
    for (book, source) in [
        (seed003(), "mục B.4"),
        (self::book(HD21), "mục B.4"),
        (self::book(QD124), "QĐ 124-QĐ/TW Điều 11"),
        (self::book(QD366), "QĐ 366-QĐ/TW Điều 11"),
    ] {
        let mut facts = clean(MemberWithPost);
        facts.headed_units = vec![headed("Đảng bộ xã", None)];
        let c = run(&book, &facts, Level::Httnv);
        assert_fired(&c, "order.unit_before_head", Effect::Pending, source);
        assert_eq!(fired(&c, "order.unit_before_head").len(), 1, "one finding");
        assert_not_fired(&c, "head_not_above_unit");
        assert_eq!((c.readiness, c.suggested), (Readiness::Pending, None));
        facts.headed_units = vec![headed("Đảng bộ xã", Some(Level::Httnv))];
        assert_not_fired(&run(&book, &facts, Level::Httnv), "order.unit_before_head");
    }
    // HD 27 states no such order.
    let mut facts = clean(MemberWithPost);
    facts.headed_units = vec![headed("Đảng bộ xã", None)];
    let c = run(&self::book(RuleSetId::Hd27), &facts, Level::Httnv);
    assert_not_fired(&c, "order.unit_before_head");
}

// ---------------------------------------------------------------------------------------------
// Readiness: pending predecessors, never a guess
// ---------------------------------------------------------------------------------------------

#[test]
fn party_rating_of_a_civil_servant_waits_for_the_civil_service_rating() {
    // SPEC §7; seed 003 mục B.6: "Đảng viên là công chức, viên chức thực hiện đánh giá, xếp loại chất
    // lượng sau khi có kết quả đánh giá, xếp loại công chức, viên chức".
    for (id, source) in [(HD21, "mục B.6"), (QD366, "giả định theo HD 21")] {
        let mut facts = clean(MemberWithoutPost);
        facts.civil_service = Some(CivilService { rating: None });
        let c = run(&book(id), &facts, Level::Httnv);
        assert_fired(&c, "order.civil_service_first", Effect::Pending, source);
        assert_eq!(c.readiness, Readiness::Pending);
        assert_eq!(c.suggested, None);
    }
}

#[test]
fn without_a_score_nothing_is_suggested() {
    let book = book(HD21);
    let facts = clean(MemberWithoutPost);
    let c = classify(&Context {
        book: &book,
        year: 2020,
        as_of: day(2020, Month::December, 15),
        facts: &facts,
        score: None,
    });
    assert_eq!(c.readiness, Readiness::Pending);
    assert_eq!(c.score_level, None);
    assert_eq!(c.suggested, None);
}

#[test]
fn caps_below_names_the_rules_to_cite_in_a_refusal() {
    let book = book(HD21);
    let mut facts = clean(MemberWithoutPost);
    facts
        .discipline
        .push(discipline(DisciplineForm::KhienTrach, year(&book)));
    let c = run(&book, &facts, Level::Htxsnv);
    assert!(!c.permits(Level::Htnv));
    assert!(c.permits(Level::Khtnv));
    let reasons: Vec<_> = c.caps_below(Level::Htnv).collect();
    assert_eq!(reasons.len(), 1);
    assert!(reasons[0].citation.source.contains("HD 21"));
}

// ---------------------------------------------------------------------------------------------
// §10 eligibility rows; SPEC §7 exempt, suspended, < 6 months, transfer, temporary
// ---------------------------------------------------------------------------------------------

fn member_admitted(on: Date) -> SubjectFacts {
    let mut facts = clean(MemberWithoutPost);
    facts.admitted_on = Some(on);
    facts
}

#[test]
fn exempt_and_suspended_members_are_neither_reviewed_nor_classified() {
    for (id, source) in [
        (HD21, "HD 21-HD/BTCTW Mục II"),
        (QD124, "giả định theo HD 21"),
        (QD366, "QĐ 366-QĐ/TW Điều 5 khoản 2"),
    ] {
        let book = book(id);
        let y = year(&book);
        for kind in [
            StatusKind::ExemptFromPartyWork,
            StatusKind::SuspendedFromParty,
        ] {
            let mut facts = member_admitted(day(2000, Month::May, 19));
            facts.statuses.push(StatusPeriod {
                kind,
                from: day(y, Month::March, 1),
                to: None,
            });
            let e = eligibility(&book, &facts, day(y, Month::December, 15));
            assert_eq!(e.participation, Participation::Excluded, "{id} {kind:?}");
            assert!(e.reasons.iter().any(|r| r.citation.source.contains(source)));
        }
    }
}

#[test]
fn a_committee_member_suspended_from_the_committee_only_is_still_classified() {
    for (id, source) in [(HD21, "mục A.1.2"), (QD366, "HD 43-HD/BTCTW tiểu mục 7.7")] {
        let book = book(id);
        let y = year(&book);
        let mut facts = member_admitted(day(2000, Month::May, 19));
        facts.kind = MemberWithPost;
        facts.statuses.push(StatusPeriod {
            kind: StatusKind::SuspendedFromCommittee,
            from: day(y, Month::March, 1),
            to: None,
        });
        let e = eligibility(&book, &facts, day(y, Month::December, 15));
        assert_eq!(e.participation, Participation::ReviewAndClassify);
        assert!(e.reasons[0].citation.source.contains(source));
    }
}

#[test]
fn hd21_member_of_less_than_six_months_is_reviewed_not_classified() {
    // HD 21 Mục II tiểu mục 6.
    let book = book(HD21);
    let as_of = day(2019, Month::December, 15);
    let e = eligibility(&book, &member_admitted(day(2019, Month::June, 16)), as_of);
    assert_eq!(e.participation, Participation::ReviewOnly);
    assert!(
        e.reasons[0]
            .citation
            .source
            .contains("HD 21-HD/BTCTW Mục II tiểu mục 6")
    );
    let e = eligibility(&book, &member_admitted(day(2019, Month::June, 15)), as_of);
    assert_eq!(e.participation, Participation::ReviewAndClassify);
}

#[test]
fn qd366_member_of_less_than_six_months_is_not_even_reviewed() {
    // QĐ 366 Điều 5 khoản 2: trừ đảng viên mới kết nạp chưa đủ 6 tháng.
    let book = book(QD366);
    let e = eligibility(
        &book,
        &member_admitted(day(2025, Month::June, 16)),
        day(2025, Month::December, 15),
    );
    assert_eq!(e.participation, Participation::Excluded);
    assert!(
        e.reasons[0]
            .citation
            .source
            .contains("QĐ 366-QĐ/TW Điều 5 khoản 2")
    );
}

#[test]
fn hd21_organisation_of_less_than_six_months_is_not_classified() {
    // HD 21 Mục II tiểu mục 6: tổ chức đảng mới thành lập chưa đủ 06 tháng.
    let book = book(HD21);
    let mut facts = organisation(OrgKind::SubordinateBranch);
    facts.founded_on = Some(day(2020, Month::June, 16));
    let e = eligibility(&book, &facts, day(2020, Month::December, 15));
    assert_eq!(e.participation, Participation::ReviewOnly);
    assert!(e.reasons[0].citation.source.contains("tiểu mục 6"));
    facts.founded_on = Some(day(2020, Month::June, 15));
    assert!(eligibility(&book, &facts, day(2020, Month::December, 15)).classified());
}

#[test]
fn transfer_with_six_months_at_the_old_branch_needs_its_comment() {
    // SPEC §7; seed 003 mục B.6.
    let book = book(HD21);
    let as_of = day(2020, Month::December, 15);
    let mut facts = member_admitted(day(2000, Month::May, 19));
    facts.transfer = Some(Transfer {
        months_at_previous: 6,
        previous_comment_received: false,
    });
    let e = eligibility(&book, &facts, as_of);
    let attachment = e
        .attachments
        .iter()
        .find(|a| a.kind == AttachmentKind::PreviousBranchComment)
        .unwrap();
    assert!(attachment.citation.source.contains("mục B.6"));
    assert!(!e.attachments_complete());
    facts.transfer.as_mut().unwrap().previous_comment_received = true;
    assert!(eligibility(&book, &facts, as_of).attachments_complete());
    facts.transfer.as_mut().unwrap().months_at_previous = 5;
    assert!(eligibility(&book, &facts, as_of).attachments.is_empty());
}

#[test]
fn temporary_member_needs_the_temporary_branch_comment() {
    // SPEC §7; seed 003 mục B.6; HD 43 tiểu mục 7.6.
    for (id, source) in [(HD21, "mục B.6"), (QD366, "HD 43-HD/BTCTW tiểu mục 7.6")] {
        let book = book(id);
        let mut facts = member_admitted(day(2000, Month::May, 19));
        facts.temporary_activity = Some(TemporaryActivity {
            comment_received: false,
        });
        let e = eligibility(&book, &facts, day(year(&book), Month::December, 15));
        assert_eq!(e.attachments.len(), 1);
        assert_eq!(
            e.attachments[0].kind,
            AttachmentKind::TemporaryBranchComment
        );
        assert!(e.attachments[0].citation.source.contains(source));
        assert!(!e.attachments_complete());
    }
}

#[test]
fn only_collectives_with_two_direct_leaders_are_classified_as_collectives() {
    // SPEC §2; seed 003 mục B.3.1: "có từ 02 lãnh đạo trực tiếp trở lên".
    let book = book(HD21);
    let as_of = day(2020, Month::December, 15);
    let mut facts = clean(Collective);
    facts.direct_leaders = Some(1);
    let e = eligibility(&book, &facts, as_of);
    assert_eq!(e.participation, Participation::Excluded);
    assert!(e.reasons[0].citation.source.contains("mục B.3.1"));
    facts.direct_leaders = Some(2);
    assert!(eligibility(&book, &facts, as_of).classified());
}

// ---------------------------------------------------------------------------------------------
// §10 "Ordering", "Who decides", "Deadlines"
// ---------------------------------------------------------------------------------------------

fn pending(precedence: Precedence) -> Predecessor {
    Predecessor {
        precedence,
        name: "Bước trước".into(),
        done: false,
    }
}

#[test]
fn qd124_orders_lower_before_upper_collective_before_members_heads_after_units() {
    // QĐ 124 Điều 11.
    let book = book(QD124);
    for precedence in [
        Precedence::LowerBeforeUpper,
        Precedence::CollectiveBeforeMembers,
        Precedence::UnitBeforeHead,
        Precedence::GovernmentBodiesBeforeCommittee,
    ] {
        let missing = check_order(&book, &[pending(precedence)]).unwrap_err();
        assert!(
            missing[0].citation.source.contains("QĐ 124-QĐ/TW Điều 11"),
            "{precedence:?}: {}",
            missing[0].citation.source
        );
    }
}

#[test]
fn qd366_orders_the_branch_review_before_the_leadership_collective() {
    // HD 43 Mục 2: đảng viên giữ chức vụ kiểm điểm ở chi bộ trước, ở tập thể lãnh đạo sau.
    let book = book(QD366);
    for (precedence, source) in [
        (Precedence::BranchBeforeCollective, "HD 43-HD/BTCTW Mục 2"),
        (Precedence::CollectiveBeforeMembers, "QĐ 366-QĐ/TW Điều 7"),
        (Precedence::HeadBeforeDeputies, "QĐ 366-QĐ/TW Điều 7"),
        (
            Precedence::GovernmentBodiesBeforeCommittee,
            "HD 43-HD/BTCTW Mục 2",
        ),
    ] {
        let missing = check_order(&book, &[pending(precedence)]).unwrap_err();
        assert!(
            missing[0].citation.source.contains(source),
            "{precedence:?}"
        );
    }
    // QĐ 124 as recorded has no branch-before-collective rule.
    assert!(
        check_order(
            &self::book(QD124),
            &[pending(Precedence::BranchBeforeCollective)]
        )
        .is_ok()
    );
}

#[test]
fn who_decides_in_each_era() {
    let at = |org_kind| Placement {
        org_kind,
        under_partial_committee: false,
    };
    for id in [HD21, QD124, QD366] {
        let book = book(id);
        // Members of a chi bộ trực thuộc: the branch proposes, the đảng ủy cơ sở decides.
        let a = authority(&book, MemberWithoutPost, at(OrgKind::SubordinateBranch));
        assert_eq!(
            (a.decides, a.proposes),
            (Body::GrassrootsCommittee, Some(Body::OwnBranch))
        );
        // Chi bộ trực thuộc: đảng ủy cơ sở; chi bộ/đảng bộ cơ sở: BTV cấp trên trực tiếp.
        assert_eq!(
            authority(&book, Organisation, at(OrgKind::SubordinateBranch)).decides,
            Body::GrassrootsCommittee
        );
        for org_kind in [OrgKind::GrassrootsBranch, OrgKind::GrassrootsCommittee] {
            assert_eq!(
                authority(&book, Organisation, at(org_kind)).decides,
                Body::SuperiorStandingCommittee
            );
        }
    }
    // HD 43 Mục 3: where there is a đảng ủy bộ phận, it proposes and its upper level decides.
    let a = authority(
        &book(QD366),
        Organisation,
        Placement {
            org_kind: OrgKind::SubordinateBranch,
            under_partial_committee: true,
        },
    );
    assert_eq!(a.proposes, Some(Body::PartialCommittee));
    assert!(a.citation.source.contains("HD 43-HD/BTCTW Mục 3"));
}

#[test]
fn qd366_cycle_finishes_before_31_12_with_meetings_of_at_least_a_day() {
    // HD 43 Mục 2 (≥ 01 ngày; BTV tỉnh ủy ≥ 02 ngày; dự thảo ≥ 03 ngày làm việc), Mục 4 (trước 31/12).
    let review = &book(QD366).params.review;
    assert_eq!(review.finish_by, Some(DayMonth { day: 31, month: 12 }));
    assert_eq!(review.min_meeting_half_days["default"], 2);
    assert_eq!(
        review.min_meeting_half_days["province_standing_committee"],
        4
    );
    assert_eq!(review.draft_notice_working_days, 3);
    // Earlier eras leave the deadline to the local plans.
    assert_eq!(book(HD21).params.review.finish_by, None);
}

#[test]
fn not_found_rows_of_section_10_are_marked_as_assumptions() {
    // RULES.md §10: "New member < 6 months" NOT FOUND for QĐ 124; "New org/collective < 6 months"
    // NOT FOUND for QĐ 366. The rule sets must say they assume, not cite a text.
    let book124 = book(QD124);
    let e = eligibility(
        &book124,
        &member_admitted(day(2023, Month::September, 1)),
        day(2023, Month::December, 15),
    );
    assert_eq!(e.participation, Participation::ReviewOnly);
    assert!(e.reasons[0].citation.source.contains("giả định"));

    let book366 = book(QD366);
    let mut facts = organisation(OrgKind::SubordinateBranch);
    facts.founded_on = Some(day(2025, Month::September, 1));
    let e = eligibility(&book366, &facts, day(2025, Month::December, 15));
    assert_eq!(e.participation, Participation::Excluded);
    assert!(e.reasons[0].citation.source.contains("giả định"));
}

// ---------------------------------------------------------------------------------------------
// Facts gathered in the year and not known yet: pending with the fact named, never a silent "no"
// ---------------------------------------------------------------------------------------------

/// The pending finding waiting for `fact`, under rule `name`.
#[track_caller]
fn assert_waits_for(c: &Classification, name: &str, fact: crate::facts::FactCode, source: &str) {
    assert_fired(c, name, Effect::Pending, source);
    let finding = fired(c, name)
        .into_iter()
        .find(|f| f.missing_fact == Some(fact))
        .unwrap_or_else(|| panic!("no finding names {fact}: {:#?}", c.findings));
    assert!(finding.message.contains(fact.code()), "{}", finding.message);
    assert!(
        finding.message.to_lowercase().contains("chưa ghi nhận"),
        "{}",
        finding.message
    );
    assert_eq!(c.readiness, Readiness::Pending);
    assert_eq!(c.suggested, None);
}

#[test]
fn qd366_leader_with_an_unknown_vote_of_confidence_waits() {
    // QĐ 366 Điều 11 khoản 4 (trên 50% phiếu tín nhiệm thấp khi lấy phiếu trong năm): unknown
    // whether a vote was held, the leader waits; stated not held, the rule does not fire.
    use crate::facts::FactCode;
    let book = book(QD366);
    let mut facts = clean(Leader);
    facts.unknown = vec![FactCode::ConfidenceVote];
    let c = run(&book, &facts, Level::Httnv);
    assert_waits_for(
        &c,
        "leader.low_confidence",
        FactCode::ConfidenceVote,
        "QĐ 366-QĐ/TW Điều 11 khoản 4",
    );
    facts.unknown.clear();
    let c = run(&book, &facts, Level::Httnv);
    assert_eq!(c.suggested, Some(Level::Httnv));
    // Only where the era has the rule, and only for post holders.
    let mut member = clean(MemberWithoutPost);
    member.unknown = vec![FactCode::ConfidenceVote];
    assert_eq!(
        run(&book, &member, Level::Httnv).suggested,
        Some(Level::Httnv)
    );
    let mut leader = clean(Leader);
    leader.unknown = vec![FactCode::ConfidenceVote];
    assert_eq!(
        run(&self::book(QD124), &leader, Level::Httnv).suggested,
        Some(Level::Httnv)
    );
}

#[test]
fn qd366_unknown_key_targets_wait_and_missed_ones_wait_for_force_majeure() {
    // QĐ 366 Điều 11 khoản 4: không hoàn thành 5 chỉ tiêu kinh tế - xã hội cơ bản → KHTNV;
    // bất khả kháng → xem xét cụ thể. Each unknown fact makes the subject wait.
    use crate::facts::FactCode;
    let book = book(QD366);
    for kind in [Leader, Collective] {
        let mut facts = clean(kind);
        facts.unknown = vec![FactCode::KeyTargets];
        let c = run(&book, &facts, Level::Httnv);
        assert_waits_for(
            &c,
            "key_targets",
            FactCode::KeyTargets,
            "QĐ 366-QĐ/TW Điều 11 khoản 4",
        );
        facts.unknown = vec![FactCode::ForceMajeure];
        facts.key_targets = Some(KeyTargets {
            total: 5,
            missed: 5,
        });
        let c = run(&book, &facts, Level::Httnv);
        assert_waits_for(
            &c,
            "key_targets",
            FactCode::ForceMajeure,
            "QĐ 366-QĐ/TW Điều 11 khoản 4",
        );
        // Force majeure stated absent: KHTNV; targets met: force majeure is not needed.
        facts.unknown.clear();
        let c = run(&book, &facts, Level::Httnv);
        assert_fired(
            &c,
            "key_targets",
            cap(Level::Khtnv),
            "QĐ 366-QĐ/TW Điều 11 khoản 4",
        );
        facts.unknown = vec![FactCode::ForceMajeure];
        facts.key_targets = Some(KeyTargets {
            total: 5,
            missed: 0,
        });
        assert_eq!(
            run(&book, &facts, Level::Httnv).suggested,
            Some(Level::Httnv)
        );
    }
    // No such rule before QĐ 366: nothing waits for it.
    let mut leader = clean(Leader);
    leader.unknown = vec![FactCode::KeyTargets];
    assert_not_fired(
        &run(&self::book(HD21), &leader, Level::Httnv),
        "key_targets",
    );
}

#[test]
fn led_units_floor_missed_waits_for_force_majeure() {
    // HD 21 / QĐ 124 "trừ bất khả kháng", QĐ 366 Điều 11 khoản 4 "xem xét cụ thể": a floor missed
    // with force majeure unknown is neither KHTNV nor a case-by-case decision yet.
    use crate::facts::FactCode;
    let book = book(QD366);
    let mut facts = clean(Leader);
    facts.led_units = vec![unit("Xã A", Some(Level::Htnv), Some(tasks(10, 5, 5, 0)))];
    facts.unknown = vec![FactCode::ForceMajeure];
    let c = run(&book, &facts, Level::Httnv);
    assert_waits_for(
        &c,
        "leader.led_units_completed",
        FactCode::ForceMajeure,
        "QĐ 366-QĐ/TW Điều 11",
    );
    facts.unknown.clear();
    facts.force_majeure = true;
    let c = run(&book, &facts, Level::Httnv);
    assert_fired(
        &c,
        "leader.led_units_completed",
        Effect::CaseByCase,
        "QĐ 366-QĐ/TW Điều 11",
    );
}

#[test]
fn qd366_htxsnv_waits_for_earlier_shortcomings_only_when_the_score_reaches_it() {
    // QĐ 366 Điều 11 khoản 1: HTXSNV needs 100% of the earlier shortcomings remedied.
    use crate::facts::FactCode;
    let book = book(QD366);
    let mut facts = clean(MemberWithoutPost);
    facts.unknown = vec![FactCode::PreviousDefectsFixed];
    let c = run(&book, &facts, Level::Htxsnv);
    assert_waits_for(
        &c,
        "tasks.htxsnv_previous_defects_fixed",
        FactCode::PreviousDefectsFixed,
        "QĐ 366-QĐ/TW Điều 11 khoản 1",
    );
    // Below HTXSNV the fact changes nothing: no waiting.
    assert_eq!(
        run(&book, &facts, Level::Httnv).suggested,
        Some(Level::Httnv)
    );
    facts.unknown.clear();
    facts.previous_defects_fixed = Some(false);
    let c = run(&book, &facts, Level::Htxsnv);
    assert_fired(
        &c,
        "tasks.htxsnv_previous_defects_fixed",
        cap(Level::Httnv),
        "QĐ 366-QĐ/TW Điều 11 khoản 1",
    );
    facts.previous_defects_fixed = Some(true);
    assert_eq!(
        run(&book, &facts, Level::Htxsnv).suggested,
        Some(Level::Htxsnv)
    );
    // HD 21 has no such condition.
    let mut facts = clean(MemberWithoutPost);
    facts.unknown = vec![FactCode::PreviousDefectsFixed];
    assert_not_fired(
        &run(&self::book(HD21), &facts, Level::Htxsnv),
        "tasks.htxsnv_previous_defects_fixed",
    );
}

#[test]
fn a_conclusion_awaited_makes_the_subject_wait() {
    // QĐ 366 Điều 11 khoản 4 (bị cấp có thẩm quyền kết luận suy thoái …; tập thể mất đoàn kết):
    // while the verification is under way, the conclusion is neither drawn nor cleared.
    use crate::facts::FactCode;
    let book = book(QD366);
    let mut member = clean(MemberWithoutPost);
    member.unknown = vec![FactCode::Degradation];
    assert_waits_for(
        &run(&book, &member, Level::Httnv),
        "conclusions",
        FactCode::Degradation,
        "QĐ 366-QĐ/TW Điều 11 khoản 4",
    );
    let mut collective = clean(Collective);
    collective.unknown = vec![FactCode::Disunity];
    assert_waits_for(
        &run(&book, &collective, Level::Httnv),
        "conclusions",
        FactCode::Disunity,
        "QĐ 366-QĐ/TW Điều 11 khoản 4",
    );
    let mut leader = clean(Leader);
    leader.unknown = vec![FactCode::CorruptionInScope];
    assert_waits_for(
        &run(&book, &leader, Level::Httnv),
        "conclusions.corruption_in_scope",
        FactCode::CorruptionInScope,
        "QĐ 366-QĐ/TW Điều 11 khoản 4",
    );
    // Disunity is about bodies: an individual does not wait for it.
    let mut member = clean(MemberWithoutPost);
    member.unknown = vec![FactCode::Disunity];
    assert_eq!(
        run(&book, &member, Level::Httnv).suggested,
        Some(Level::Httnv)
    );
}

#[test]
fn a_fact_both_unknown_and_given_is_refused() {
    use crate::facts::FactCode;
    let mut facts = clean(Leader);
    facts.confidence_vote = Some(ConfidenceVote { low: 1, total: 10 });
    facts.unknown = vec![FactCode::ConfidenceVote];
    assert_eq!(facts.validate().unwrap_err().field, "unknown[0]");
}
