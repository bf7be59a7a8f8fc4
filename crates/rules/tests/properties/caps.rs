//! Adding a cap never raises a level: a discipline record, a conclusion, sick leave or worse task
//! results can only lower (or keep) the allowed and suggested levels, and never make an undecided
//! case decidable.

use crate::strategies::{discipline, facts, leave, level, rule_book, task_results, year_of};
use kiemdiem_rules::classify::{Classification, Context, Readiness, classify};
use kiemdiem_rules::facts::{SubjectFacts, TaskResults};
use kiemdiem_rules::framework::{Scale, ScoreSheet};
use kiemdiem_rules::{Citation, LeaveKind, Level, RuleBook};
use proptest::prelude::*;
use time::{Date, Month};

fn sheet(level: Level, any_kem: bool) -> ScoreSheet {
    ScoreSheet {
        framework: "property".into(),
        scale: Scale::Grades,
        criteria: Vec::new(),
        groups: Vec::new(),
        adjustments: Vec::new(),
        raw_total: None,
        total: None,
        max_points: None,
        level,
        basis: String::new(),
        citation: Citation::new("property", "property"),
        any_kem,
    }
}

fn run(book: &RuleBook, facts: &SubjectFacts, score: &Option<ScoreSheet>) -> Classification {
    let year = year_of(book);
    classify(&Context {
        book,
        year,
        as_of: Date::from_calendar_date(year, Month::December, 15).unwrap(),
        facts,
        score: score.as_ref(),
    })
}

fn readiness_rank(readiness: Readiness) -> u8 {
    match readiness {
        Readiness::Ready => 0,
        Readiness::DecisionRequired => 1,
        Readiness::Pending => 2,
    }
}

/// `after` is never above `before`: allowed, suggested (a level never appears from an undecided
/// case), and readiness never improves — except that a case waiting for a reasoned decision is
/// settled when a rule puts it at KHTNV: nothing is left to weigh there.
fn assert_not_raised(before: &Classification, after: &Classification) -> Result<(), TestCaseError> {
    prop_assert!(
        after.allowed <= before.allowed,
        "allowed rose from {} to {}",
        before.allowed,
        after.allowed
    );
    match (before.suggested, after.suggested) {
        (Some(b), Some(a)) => prop_assert!(a <= b, "suggested rose from {b} to {a}"),
        (None, Some(a)) => prop_assert!(
            a == Level::Khtnv && before.readiness == Readiness::DecisionRequired,
            "an undecided case became {a}"
        ),
        _ => {}
    }
    let settled_at_the_floor =
        before.readiness == Readiness::DecisionRequired && after.suggested == Some(Level::Khtnv);
    prop_assert!(
        settled_at_the_floor || readiness_rank(after.readiness) >= readiness_rank(before.readiness)
    );
    Ok(())
}

/// Worse results: each count lowered by up to `cuts`, keeping the results consistent.
fn lowered(tasks: TaskResults, cuts: [u32; 3]) -> TaskResults {
    let completed = tasks.completed.saturating_sub(cuts[0]);
    TaskResults {
        assigned: tasks.assigned,
        completed,
        on_time: tasks.on_time.saturating_sub(cuts[1]).min(completed),
        exceeded: tasks.exceeded.saturating_sub(cuts[2]).min(completed),
    }
}

/// A rule book, facts dated in its year, an optional score, and `extra(year)`.
fn case<S: Strategy>(
    extra: impl Fn(i32) -> S,
) -> impl Strategy<Value = (RuleBook, SubjectFacts, Option<ScoreSheet>, S::Value)> {
    rule_book().prop_flat_map(move |book| {
        let year = year_of(&book);
        (
            Just(book),
            facts(year),
            prop::option::of((level(), prop::bool::weighted(0.1)))
                .prop_map(|score| score.map(|(level, kem)| sheet(level, kem))),
            extra(year),
        )
    })
}

proptest! {
    #[test]
    fn adding_a_discipline_record_never_raises_a_level(
        (book, facts, score, (record, to_members)) in
            case(|year| (discipline(year), any::<bool>())),
    ) {
        prop_assert!(facts.validate().is_ok(), "{:?}", facts.validate());
        let before = run(&book, &facts, &score);
        let mut more = facts.clone();
        if to_members {
            more.member_discipline.push(record);
        } else {
            more.discipline.push(record);
        }
        assert_not_raised(&before, &run(&book, &more, &score))?;
    }

    #[test]
    fn adding_a_conclusion_never_raises_a_level(
        (book, facts, score, which) in case(|_| 0usize..7),
    ) {
        let before = run(&book, &facts, &score);
        let mut more = facts.clone();
        let c = &mut more.conclusions;
        *[
            &mut c.degradation,
            &mut c.forbidden_acts,
            &mut c.exemplary_duty_breached,
            &mut c.disunity,
            &mut c.cadre_work_violation,
            &mut c.member_degradation,
            &mut c.corruption_in_scope,
        ][which] = true;
        assert_not_raised(&before, &run(&book, &more, &score))?;
    }

    #[test]
    fn adding_sick_leave_never_raises_a_level(
        (book, facts, score, sick) in case(|year| leave(year, LeaveKind::Sick)),
    ) {
        let before = run(&book, &facts, &score);
        let mut more = facts.clone();
        more.leave.push(sick);
        assert_not_raised(&before, &run(&book, &more, &score))?;
    }

    #[test]
    fn lowering_task_results_never_raises_a_level(
        (book, facts, score, (fallback, cuts, unit)) in case(|_| (
            task_results(),
            prop::array::uniform3(0u32..8),
            any::<prop::sample::Index>(),
        )),
    ) {
        let mut facts = facts;
        facts.tasks = facts.tasks.or(Some(fallback));
        let before = run(&book, &facts, &score);
        // The subject's own results.
        let mut worse = facts.clone();
        worse.tasks = worse.tasks.map(|t| lowered(t, cuts));
        prop_assert!(worse.validate().is_ok());
        assert_not_raised(&before, &run(&book, &worse, &score))?;
        // The results of one unit the subject leads.
        if !facts.led_units.is_empty() {
            let mut worse = facts.clone();
            let i = unit.index(worse.led_units.len());
            worse.led_units[i].tasks = worse.led_units[i].tasks.map(|t| lowered(t, cuts));
            assert_not_raised(&before, &run(&book, &worse, &score))?;
        }
    }

    #[test]
    fn the_suggested_level_is_the_score_capped_by_every_rule(
        (book, facts, score, ()) in case(|_| Just(())),
    ) {
        let c = run(&book, &facts, &score);
        if let Some(suggested) = c.suggested {
            prop_assert_eq!(c.readiness, Readiness::Ready);
            prop_assert_eq!(Some(suggested), c.score_level.map(|l| l.min(c.allowed)));
        }
        for finding in &c.findings {
            prop_assert!(!finding.citation.source.is_empty());
            prop_assert!(!finding.message.is_empty());
        }
    }
}
