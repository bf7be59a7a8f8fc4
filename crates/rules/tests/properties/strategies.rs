//! Strategies shared by the property tests: rule books, levels, task results and arbitrary facts.

use kiemdiem_rules::facts::{
    CivilService, Composition, ConfidenceVote, DisciplineRecord, HeadedUnit, KeyTargets,
    LeavePeriod, LedUnit, LevelCounts, SubjectFacts, TaskResults,
};
use kiemdiem_rules::ruleset::builtin_local_layer;
use kiemdiem_rules::{DisciplineForm, LeaveKind, Level, OrgKind, RuleBook, RuleSetId, SubjectKind};
use proptest::prelude::*;
use time::{Date, Month};

/// Every national rule book, and QĐ 132/HD 21 with each shipped local layer.
pub fn all_books() -> Vec<RuleBook> {
    let mut books: Vec<RuleBook> = RuleSetId::ALL.into_iter().map(RuleBook::national).collect();
    for id in [
        "seed000-so-gtvt-2020",
        "seed003-huyen-2019",
        "seed004-nghe-an-2022",
    ] {
        let layer = builtin_local_layer(id).unwrap().clone();
        books.push(RuleBook::with_local(RuleSetId::Qd132Hd21, layer).unwrap());
    }
    books
}

pub fn rule_book() -> impl Strategy<Value = RuleBook> {
    prop::sample::select(all_books())
}

pub fn level() -> impl Strategy<Value = Level> {
    prop::sample::select(Level::DESCENDING.to_vec())
}

/// The year a rule book is exercised in: its first evaluation year.
pub fn year_of(book: &RuleBook) -> i32 {
    book.rule_set.years().0
}

pub fn date_in(year: i32) -> impl Strategy<Value = Date> {
    (1u8..=12, 1u8..=28).prop_map(move |(month, day)| {
        Date::from_calendar_date(year, Month::try_from(month).unwrap(), day).unwrap()
    })
}

/// Consistent task results: on time and exceeded never above completed, completed never above
/// assigned.
pub fn task_results() -> impl Strategy<Value = TaskResults> {
    (0u32..=20)
        .prop_flat_map(|assigned| (Just(assigned), 0..=assigned))
        .prop_flat_map(|(assigned, completed)| {
            (
                Just(assigned),
                Just(completed),
                0..=completed,
                0..=completed,
            )
        })
        .prop_map(|(assigned, completed, on_time, exceeded)| TaskResults {
            assigned,
            completed,
            on_time,
            exceeded,
        })
}

pub fn discipline_form() -> impl Strategy<Value = DisciplineForm> {
    prop::sample::select(DisciplineForm::ALL.to_vec())
}

/// A discipline decided in `year` or the year before, with any combination of flags.
pub fn discipline(year: i32) -> impl Strategy<Value = DisciplineRecord> {
    (
        discipline_form(),
        prop_oneof![date_in(year), date_in(year - 1)],
        prop::option::of(date_in(year - 1)),
        prop::array::uniform5(any::<bool>()),
        prop::option::of(prop::sample::select(vec!["KL-1", "KL-2"])),
    )
        .prop_map(
            |(form, decided_on, earlier, flags, violation)| DisciplineRecord {
                form,
                violation_on: earlier.filter(|on| *on <= decided_on),
                decided_on,
                at_previous_unit: flags[0],
                duty_related: flags[1],
                self_detected_remedied: flags[2],
                counted_before: flags[3],
                unrelated_to_collective: flags[4],
                violation: violation.map(str::to_owned),
            },
        )
}

/// A period of leave inside `year`.
pub fn leave(year: i32, kind: LeaveKind) -> impl Strategy<Value = LeavePeriod> {
    (date_in(year), 0i64..200).prop_map(move |(from, days)| {
        let end = Date::from_calendar_date(year, Month::December, 31).unwrap();
        LeavePeriod {
            kind,
            from,
            to: (from + time::Duration::days(days)).min(end),
        }
    })
}

pub fn level_counts() -> impl Strategy<Value = LevelCounts> {
    (0u32..6, 0u32..12, 0u32..6, 0u32..4).prop_map(|(htxsnv, httnv, htnv, khtnv)| LevelCounts {
        htxsnv,
        httnv,
        htnv,
        khtnv,
    })
}

fn led_unit() -> impl Strategy<Value = LedUnit> {
    (
        "[A-E]",
        prop::option::of(level()),
        prop::option::of(task_results()),
        any::<bool>(),
    )
        .prop_map(|(name, level, tasks, disciplined)| LedUnit {
            name,
            level,
            tasks,
            disciplined,
        })
}

fn headed_unit() -> impl Strategy<Value = HeadedUnit> {
    ("[A-E]", prop::option::of(level()), any::<bool>()).prop_map(
        |(name, level, moved_in_without_part)| HeadedUnit {
            name,
            level,
            moved_in_without_part,
        },
    )
}

fn composition() -> impl Strategy<Value = Composition> {
    (
        prop::option::of(level_counts()),
        0u32..4,
        prop::option::of(level_counts()),
        0u32..4,
        prop::option::of(level_counts()),
        prop::option::of(level()),
    )
        .prop_map(
            |(
                members,
                disciplined_members,
                sub_organisations,
                disciplined_sub_units,
                same,
                lead,
            )| {
                Composition {
                    disciplined_members: disciplined_members.min(members.map_or(0, |m| m.total())),
                    members,
                    disciplined_sub_units: disciplined_sub_units
                        .min(sub_organisations.map_or(0, |s| s.total())),
                    sub_units_with_corruption_cases: disciplined_sub_units
                        .min(sub_organisations.map_or(0, |s| s.total()))
                        / 2,
                    sub_organisations,
                    same_level_bodies: same,
                    leadership_collective: lead,
                }
            },
        )
}

/// Arbitrary, internally consistent facts of any kind of subject, dated around `year`.
pub fn facts(year: i32) -> impl Strategy<Value = SubjectFacts> {
    let identity = (
        prop::sample::select(SubjectKind::ALL.to_vec()),
        prop::sample::select(OrgKind::ALL.to_vec()),
        prop::option::of(task_results()),
        prop::option::of(any::<bool>()),
        prop::option::of(prop::option::of(level())),
        any::<bool>(),
    );
    let records = (
        prop::collection::vec(discipline(year), 0..3),
        prop::collection::vec(discipline(year), 0..3),
        prop::collection::vec(leave(year, LeaveKind::Sick), 0..2),
        prop::collection::vec(leave(year, LeaveKind::Maternity), 0..2),
        prop::array::uniform7(prop::bool::weighted(0.1)),
    );
    let leadership = (
        prop::option::of((0u32..20).prop_flat_map(|total| (0..=total, Just(total)))),
        prop::collection::vec(led_unit(), 0..4),
        prop::option::of((0u32..=5).prop_map(|missed| KeyTargets { total: 5, missed })),
        prop::collection::vec(headed_unit(), 0..3),
        any::<bool>(),
        prop::option::of(composition()),
    );
    (identity, records, leadership).prop_map(
        |(
            (kind, org_kind, tasks, defects_fixed, civil_service, force_majeure),
            (discipline, member_discipline, sick, maternity, c),
            (vote, led_units, key_targets, headed_units, village, composition),
        )| {
            let mut facts = SubjectFacts::new(kind);
            if kind == SubjectKind::Organisation {
                facts.org_kind = Some(org_kind);
            }
            facts.tasks = tasks;
            facts.previous_defects_fixed = defects_fixed;
            facts.civil_service = civil_service.map(|rating| CivilService { rating });
            facts.force_majeure = force_majeure;
            facts.discipline = discipline;
            facts.member_discipline = member_discipline;
            facts.leave = sick.into_iter().chain(maternity).collect();
            facts.conclusions.degradation = c[0];
            facts.conclusions.forbidden_acts = c[1];
            facts.conclusions.exemplary_duty_breached = c[2];
            facts.conclusions.disunity = c[3];
            facts.conclusions.cadre_work_violation = c[4];
            facts.conclusions.member_degradation = c[5];
            facts.conclusions.corruption_in_scope = c[6];
            facts.confidence_vote = vote.map(|(low, total)| ConfidenceVote { low, total });
            facts.led_units = led_units;
            facts.key_targets = key_targets;
            facts.headed_units = headed_units;
            facts.village_secretary_not_civil_servant = village;
            facts.composition = composition;
            facts
        },
    )
}
