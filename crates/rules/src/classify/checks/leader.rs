//! Checks on a leader: the units they directly lead, votes of confidence, and the basic
//! socio-economic targets (also read for bodies).

use super::tasks::task_levels;
use super::*;
use crate::ruleset::params::UnitsScope;

/// The task floor of a body or of a leader's units is missed: KHTNV, except where force majeure
/// is recognised, which every era leaves to the competent level (HD 21 and QĐ 124 "trừ bất khả
/// kháng"; QĐ 366 Điều 11 khoản 4 "xem xét cụ thể").
pub(super) fn floor_missed(
    context: &Context<'_>,
    findings: &mut Vec<Finding>,
    message: String,
    name: &str,
    source: &str,
) {
    if context.facts.is_unknown(FactCode::ForceMajeure) {
        // "Trừ bất khả kháng": whether there was force majeure decides between KHTNV and a
        // case-by-case decision, so the floor waits for it.
        findings.push(Finding {
            effect: Effect::Pending,
            message: format!(
                "{message}; chưa ghi nhận {} (mã: {})",
                FactCode::ForceMajeure.name_vi(),
                FactCode::ForceMajeure.code()
            ),
            citation: Citation::new(rule(context, name), source),
            missing_fact: Some(FactCode::ForceMajeure),
        });
    } else if context.facts.force_majeure {
        push(
            findings,
            Effect::CaseByCase,
            format!("{message}; có yếu tố bất khả kháng: cấp có thẩm quyền xem xét cụ thể"),
            &rule(context, name),
            source,
        );
    } else {
        push(
            findings,
            cap(Level::Khtnv),
            message,
            &rule(context, name),
            source,
        );
    }
}

/// The units a leader directly leads: the level conditions on their tasks (each unit by itself,
/// or all together, as the rule book reads "các địa phương, cơ quan, đơn vị trực tiếp lãnh đạo"),
/// the KHTNV floor, and the share of units rated KHTNV. Units not yet rated are the order check's
/// (`order.unit_before_head`).
pub(super) fn led_units(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    if !facts.kind.holds_post() || facts.led_units.is_empty() {
        return;
    }
    let params = &context.book.params.leader;
    let source = context.book.sources().leader_units;
    let with_tasks: Vec<(&str, &TaskResults)> = facts
        .led_units
        .iter()
        .filter_map(|u| u.tasks.as_ref().map(|t| (u.name.as_str(), t)))
        .collect();
    let total = sum_tasks(with_tasks.iter().map(|(_, t)| *t));
    let together = || {
        total
            .iter()
            .map(|t| ("Đơn vị trực tiếp lãnh đạo, phụ trách".to_owned(), *t))
    };
    let each = || {
        with_tasks
            .iter()
            .map(|(name, t)| (format!("Đơn vị trực tiếp lãnh đạo \"{name}\""), **t))
    };
    let scoped = |scope: UnitsScope| -> Vec<(String, TaskResults)> {
        match scope {
            UnitsScope::EachUnit => each().collect(),
            UnitsScope::AllTogether => together().collect(),
        }
    };
    for (whose, tasks) in scoped(params.led_units_conditions) {
        task_levels(context, findings, &tasks, &whose);
        // When the era's task conditions already require the same share of the led units, that
        // check above has reported it; report this one only when it differs.
        if let Some(share) = params.led_units_htxsnv_exceeded_min
            && context.book.params.tasks.htxsnv_exceeded_min != Some(share)
            && !share.reached_by(u64::from(tasks.exceeded), u64::from(tasks.assigned))
        {
            push(
                findings,
                cap(Level::Httnv),
                format!(
                    "{whose}: hoàn thành vượt mức {}/{} nhiệm vụ, chưa đạt {share}",
                    tasks.exceeded, tasks.assigned
                ),
                &rule(context, "leader.led_units_exceeded"),
                source,
            );
        }
    }
    if let Some(floor) = params.led_units_completed_below {
        for (whose, tasks) in scoped(params.led_units_floor) {
            if floor.not_reached_by(u64::from(tasks.completed), u64::from(tasks.assigned)) {
                floor_missed(
                    context,
                    findings,
                    format!(
                        "{whose}: chỉ hoàn thành {}/{} nhiệm vụ ({}), dưới {floor}",
                        tasks.completed,
                        tasks.assigned,
                        percent(tasks.completed, tasks.assigned)
                    ),
                    "leader.led_units_completed",
                    source,
                );
            }
        }
    }
    if let Some(share) = params.khtnv_units_above
        && facts.led_units.iter().all(|u| u.level.is_some())
    {
        let khtnv = facts
            .led_units
            .iter()
            .filter(|u| u.level == Some(Level::Khtnv))
            .count() as u64;
        let total = facts.led_units.len() as u64;
        if share.exceeded_by(khtnv, total) {
            push(
                findings,
                cap(Level::Khtnv),
                format!("{khtnv}/{total} đơn vị phụ trách xếp loại KHTNV, trên {share}"),
                &rule(context, "leader.khtnv_units"),
                source,
            );
        }
    }
}

/// QĐ 366 Điều 11 khoản 4: a leader with more than 50% of low-confidence votes at a vote of
/// confidence in the year is KHTNV. No vote recorded and none stated not held: the leader waits.
pub(super) fn confidence_vote(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(share) = context.book.params.leader.low_confidence_above else {
        return;
    };
    if context.facts.kind.holds_post() && context.facts.is_unknown(FactCode::ConfidenceVote) {
        push_missing(
            findings,
            FactCode::ConfidenceVote,
            &rule(context, "leader.low_confidence"),
            context.book.sources().leader_confidence,
        );
        return;
    }
    let Some(vote) = &context.facts.confidence_vote else {
        return;
    };
    if context.facts.kind.holds_post()
        && share.exceeded_by(u64::from(vote.low), u64::from(vote.total))
    {
        push(
            findings,
            cap(Level::Khtnv),
            format!(
                "Lấy phiếu tín nhiệm: {}/{} phiếu tín nhiệm thấp ({}), trên {share}",
                vote.low,
                vote.total,
                percent(vote.low, vote.total)
            ),
            &rule(context, "leader.low_confidence"),
            context.book.sources().leader_confidence,
        );
    }
}

pub(super) fn key_targets(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let threshold = if facts.kind.holds_post() {
        context.book.params.leader.key_targets_missed_for_khtnv
    } else if is_body(facts.kind) {
        context.book.params.collective.key_targets_missed_for_khtnv
    } else {
        None
    };
    let Some(threshold) = threshold else { return };
    let source = context.book.sources().key_targets;
    if facts.is_unknown(FactCode::KeyTargets) {
        push_missing(
            findings,
            FactCode::KeyTargets,
            &rule(context, "key_targets"),
            source,
        );
        return;
    }
    let Some(targets) = &facts.key_targets else {
        return;
    };
    if targets.missed >= threshold {
        let message = format!(
            "Không hoàn thành {}/{} chỉ tiêu kinh tế - xã hội cơ bản",
            targets.missed, targets.total
        );
        floor_missed(context, findings, message, "key_targets", source);
    }
}
