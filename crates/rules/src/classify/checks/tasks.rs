//! The conditions on task results attached to each level (QĐ 366 Điều 11, QĐ 124 Điều 12), the
//! remedy of earlier shortcomings, and a criterion graded "Kém".

use super::*;

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

/// The level conditions on task results (QĐ 366 Điều 11, QĐ 124 Điều 12), applied to `tasks`.
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
        push(
            findings,
            cap(Level::Khtnv),
            format!(
                "{whose}: chưa hoàn thành 100% nhiệm vụ ({}/{})",
                tasks.completed, tasks.assigned
            ),
            &rule(context, "tasks.htnv_all_completed"),
            sources.htnv_tasks,
        );
    }
    if let Some(share) = params.htnv_late_max
        && share.exceeded_by(late, assigned)
    {
        push(
            findings,
            cap(Level::Khtnv),
            format!(
                "{whose}: {}/{} nhiệm vụ chưa bảo đảm tiến độ ({}), vượt {share}",
                tasks.late(),
                tasks.assigned,
                percent(tasks.late(), tasks.assigned)
            ),
            &rule(context, "tasks.htnv_late_max"),
            sources.htnv_tasks,
        );
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

pub(super) fn previous_defects(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if context.book.params.tasks.htxsnv_previous_defects_fixed
        && context.facts.previous_defects_fixed == Some(false)
    {
        push(
            findings,
            cap(Level::Httnv),
            "Chưa khắc phục 100% hạn chế, khuyết điểm đã được chỉ ra ở kỳ kiểm điểm trước".into(),
            &rule(context, "tasks.htxsnv_previous_defects_fixed"),
            context.book.sources().previous_defects,
        );
    }
}
