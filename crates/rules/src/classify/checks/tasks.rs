//! The conditions on task results attached to each level (QĐ 366 Điều 11, QĐ 124 Điều 12), the
//! remedy of earlier shortcomings, a criterion graded "Kém", and the gap the texts leave open: a
//! score in a higher band than the highest level whose conditions hold.

use super::*;
use crate::ruleset::params::{GapTreatment, TaskParams, UnitsScope};

pub(super) fn any_kem(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if context.book.params.scoring.any_kem_forces_khtnv && context.score.is_some_and(|s| s.any_kem)
    {
        push(
            findings,
            cap(Level::Khtnv),
            "Có tiêu chí đánh giá ở mức \"Kém\"".into(),
            &rule(context, "any_kem"),
            context.book.sources().any_kem,
        );
    }
}

/// How the subject's missed conditions are treated: individuals and bodies may differ.
pub(super) fn gap_treatment(context: &Context<'_>) -> GapTreatment {
    let params = &context.book.params.tasks;
    if context.facts.kind.is_individual() {
        params.individual_gap
    } else {
        params.body_gap
    }
}

/// The highest level whose conditions on task results hold for `tasks`; `exceeded_min` is the
/// HTXSNV share of tasks beyond target (the leader's units may have their own).
pub(super) fn conditions_level(
    params: &TaskParams,
    tasks: &TaskResults,
    exceeded_min: Option<Share>,
) -> Level {
    let (assigned, on_time, completed, exceeded, late) = (
        u64::from(tasks.assigned),
        u64::from(tasks.on_time),
        u64::from(tasks.completed),
        u64::from(tasks.exceeded),
        u64::from(tasks.late()),
    );
    let all_completed = !params.htnv_all_completed || completed >= assigned;
    let late_within = params
        .htnv_late_max
        .is_none_or(|s| !s.exceeded_by(late, assigned));
    let htnv = all_completed && late_within;
    let httnv = !params.httnv_all_on_time || on_time >= assigned;
    let htxsnv = (!params.htxsnv_all_on_time || on_time >= assigned)
        && exceeded_min.is_none_or(|s| s.reached_by(exceeded, assigned));
    if !htnv {
        Level::Khtnv
    } else if !httnv {
        Level::Htnv
    } else if !htxsnv {
        Level::Httnv
    } else {
        Level::Htxsnv
    }
}

/// The level conditions on task results (QĐ 366 Điều 11, QĐ 124 Điều 12), applied to `tasks`.
/// A missed condition of HTXSNV or HTTNV caps the level; a missed condition of HTNV is KHTNV, or
/// — when the texts leave it open ([`GapTreatment::CaseByCase`]) — a reasoned decision of the
/// competent level, the level staying at most HTNV through the HTTNV condition.
pub(super) fn task_levels(
    context: &Context<'_>,
    findings: &mut Vec<Finding>,
    tasks: &TaskResults,
    whose: &str,
) {
    let params = &context.book.params.tasks;
    let sources = context.book.sources();
    let (assigned, on_time, completed, exceeded, late) = (
        u64::from(tasks.assigned),
        u64::from(tasks.on_time),
        u64::from(tasks.completed),
        u64::from(tasks.exceeded),
        u64::from(tasks.late()),
    );
    if params.htxsnv_all_on_time && on_time < assigned {
        push(
            findings,
            cap(Level::Httnv),
            format!(
                "{whose}: {}/{} nhiệm vụ hoàn thành đúng hạn, chưa đạt 100%",
                tasks.on_time, tasks.assigned
            ),
            &rule(context, "tasks.htxsnv_all_on_time"),
            sources.htxsnv_tasks,
        );
    }
    if let Some(share) = params.htxsnv_exceeded_min
        && !share.reached_by(exceeded, assigned)
    {
        push(
            findings,
            cap(Level::Httnv),
            format!(
                "{whose}: {}/{} nhiệm vụ hoàn thành vượt mức ({}), chưa đạt {share}",
                tasks.exceeded,
                tasks.assigned,
                percent(tasks.exceeded, tasks.assigned)
            ),
            &rule(context, "tasks.htxsnv_exceeded_min"),
            sources.htxsnv_tasks,
        );
    }
    if params.httnv_all_on_time && on_time < assigned {
        push(
            findings,
            cap(Level::Htnv),
            format!(
                "{whose}: có nhiệm vụ chưa hoàn thành đúng hạn ({}/{})",
                tasks.on_time, tasks.assigned
            ),
            &rule(context, "tasks.httnv_all_on_time"),
            sources.httnv_tasks,
        );
    }
    if params.htnv_all_completed && completed < assigned {
        htnv_missed(
            context,
            findings,
            format!(
                "{whose}: chưa hoàn thành 100% nhiệm vụ ({}/{})",
                tasks.completed, tasks.assigned
            ),
            "tasks.htnv_all_completed",
        );
    }
    if let Some(share) = params.htnv_late_max
        && share.exceeded_by(late, assigned)
    {
        htnv_missed(
            context,
            findings,
            format!(
                "{whose}: {}/{} nhiệm vụ chưa bảo đảm tiến độ ({}), vượt {share}",
                tasks.late(),
                tasks.assigned,
                percent(tasks.late(), tasks.assigned)
            ),
            "tasks.htnv_late_max",
        );
    }
}

/// A condition of HTNV is missed: KHTNV by the lower-level reading; otherwise the competent level
/// decides (the listed KHTNV cases are checked by their own rules).
fn htnv_missed(context: &Context<'_>, findings: &mut Vec<Finding>, message: String, name: &str) {
    let sources = context.book.sources();
    match gap_treatment(context) {
        GapTreatment::LowerLevel => push(
            findings,
            cap(Level::Khtnv),
            message,
            &rule(context, name),
            sources.htnv_tasks,
        ),
        GapTreatment::CaseByCase => push(
            findings,
            Effect::CaseByCase,
            format!(
                "{message}: không đạt điều kiện mức HTNV, cũng không thuộc trường hợp KHTNV được liệt kê — cấp có thẩm quyền xem xét, quyết định"
            ),
            &rule(context, name),
            sources.level_conditions_gap,
        ),
    }
}

fn has_task_conditions(context: &Context<'_>) -> bool {
    let p = &context.book.params.tasks;
    p.htxsnv_all_on_time
        || p.htxsnv_exceeded_min.is_some()
        || p.httnv_all_on_time
        || p.htnv_all_completed
        || p.htnv_late_max.is_some()
}

pub(super) fn own_task_levels(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if !has_task_conditions(context) {
        return;
    }
    match &context.facts.tasks {
        Some(tasks) => task_levels(context, findings, tasks, "Kết quả thực hiện nhiệm vụ"),
        None => push(
            findings,
            Effect::Pending,
            "Chưa có số liệu kết quả thực hiện chỉ tiêu, nhiệm vụ được giao (số được giao, hoàn thành, đúng hạn, vượt mức)".into(),
            &rule(context, "tasks.missing"),
            context.book.sources().htxsnv_tasks,
        ),
    }
}

/// QĐ 366 Điều 11 khoản 1: HTXSNV needs 100% of the shortcomings pointed out at the previous
/// review remedied. Not known yet: it matters only when the score reaches HTXSNV, and then the
/// subject waits for it.
pub(super) fn previous_defects(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if !context.book.params.tasks.htxsnv_previous_defects_fixed {
        return;
    }
    if context.facts.is_unknown(FactCode::PreviousDefectsFixed) {
        if context.score.is_some_and(|s| s.level == Level::Htxsnv) {
            push_missing(
                findings,
                FactCode::PreviousDefectsFixed,
                &rule(context, "tasks.htxsnv_previous_defects_fixed"),
                context.book.sources().previous_defects,
            );
        }
        return;
    }
    if context.facts.previous_defects_fixed == Some(false) {
        push(
            findings,
            cap(Level::Httnv),
            "Chưa khắc phục 100% hạn chế, khuyết điểm đã được chỉ ra ở kỳ kiểm điểm trước".into(),
            &rule(context, "tasks.htxsnv_previous_defects_fixed"),
            context.book.sources().previous_defects,
        );
    }
}

/// The highest level whose conditions hold for the subject: its own tasks, earlier shortcomings,
/// and for a leader the units directly led.
fn subject_conditions_level(context: &Context<'_>) -> Level {
    let book = &context.book.params;
    let facts = context.facts;
    let mut level = Level::Htxsnv;
    if let Some(tasks) = &facts.tasks {
        level = level.min(conditions_level(
            &book.tasks,
            tasks,
            book.tasks.htxsnv_exceeded_min,
        ));
    }
    if book.tasks.htxsnv_previous_defects_fixed && facts.previous_defects_fixed == Some(false) {
        level = level.min(Level::Httnv);
    }
    if facts.kind.holds_post() {
        let exceeded_min = book
            .leader
            .led_units_htxsnv_exceeded_min
            .or(book.tasks.htxsnv_exceeded_min);
        let units = facts.led_units.iter().filter_map(|u| u.tasks);
        let led = match book.leader.led_units_conditions {
            UnitsScope::EachUnit => units
                .map(|t| conditions_level(&book.tasks, &t, exceeded_min))
                .min(),
            UnitsScope::AllTogether => {
                sum_tasks(facts.led_units.iter().filter_map(|u| u.tasks.as_ref()))
                    .map(|t| conditions_level(&book.tasks, &t, exceeded_min))
            }
        };
        level = level.min(led.unwrap_or(Level::Htxsnv));
    }
    level
}

/// QĐ 366 Điều 11 defines each level by a score band AND conditions. A score in a higher band
/// than the highest level whose conditions hold fits no level: where the rule book reads it so
/// ([`GapTreatment::CaseByCase`]), the competent level decides, at most that highest level.
pub(super) fn conditions_gap(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if gap_treatment(context) != GapTreatment::CaseByCase {
        return;
    }
    let Some(score) = context.score else {
        return;
    };
    let conditions = subject_conditions_level(context);
    // A missed HTNV condition has already asked for a decision.
    if conditions > Level::Khtnv && score.level > conditions {
        push(
            findings,
            Effect::CaseByCase,
            format!(
                "Tổng điểm thuộc khung mức {}, nhưng điều kiện của mức đó không đạt; mức cao nhất đáp ứng điều kiện là {conditions}: cấp có thẩm quyền xem xét, quyết định",
                score.level
            ),
            &rule(context, "tasks.conditions_gap"),
            context.book.sources().level_conditions_gap,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::SubjectFacts;
    use crate::ruleset::{RuleBook, RuleSetId};

    /// `conditions_level` agrees with the caps `task_levels` reports, for every small case.
    #[test]
    fn the_conditions_level_is_the_lowest_cap_of_the_conditions() {
        for id in [RuleSetId::Qd124Hd25, RuleSetId::Qd366Hd43] {
            let mut book = RuleBook::national(id);
            book.params.tasks.individual_gap = GapTreatment::LowerLevel;
            let facts = SubjectFacts::new(SubjectKind::MemberWithoutPost);
            let as_of = Date::from_calendar_date(2025, Month::December, 1).unwrap();
            let context = Context {
                book: &book,
                year: 2025,
                as_of,
                facts: &facts,
                score: None,
            };
            for assigned in 1..=6 {
                for completed in 0..=assigned {
                    for on_time in 0..=completed {
                        for exceeded in 0..=completed {
                            let tasks = TaskResults {
                                assigned,
                                completed,
                                on_time,
                                exceeded,
                            };
                            let mut findings = Vec::new();
                            task_levels(&context, &mut findings, &tasks, "x");
                            let lowest = findings
                                .iter()
                                .filter_map(|f| match f.effect {
                                    Effect::Cap { max } => Some(max),
                                    _ => None,
                                })
                                .min()
                                .unwrap_or(Level::Htxsnv);
                            let params = &book.params.tasks;
                            assert_eq!(
                                conditions_level(params, &tasks, params.htxsnv_exceeded_min),
                                lowest,
                                "{id} {tasks:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}
