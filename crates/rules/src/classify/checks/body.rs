//! Checks on a body (organisation or leadership collective): clean record for HTXSNV, the task
//! floor, disciplined units, the composition of members and sub-organisations, and the defects
//! that put an organisation at the lowest level whatever its points (HD 27).

use super::leader::floor_missed;
use super::*;
use crate::ruleset::params::OrganisationDefect;

pub(super) fn clean_record(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    if !is_body(facts.kind) || !context.book.params.collective.htxsnv_needs_clean_record {
        return;
    }
    let members = counted_once(&facts.member_discipline, context.year)
        .into_iter()
        .filter(|group| {
            group
                .iter()
                .any(|r| !r.counted_before && discipline_counts_at_current_unit(r))
        })
        .count();
    let composition = facts.composition.as_ref();
    let units = composition.map_or(0, |c| c.disciplined_sub_units) as usize
        + facts.led_units.iter().filter(|u| u.disciplined).count();
    let own = counted_once(&facts.discipline, context.year)
        .into_iter()
        .filter(|group| group.iter().any(|r| !r.counted_before))
        .count();
    if members + units + own > 0 {
        let own_text = if own > 0 {
            "; tập thể bị kỷ luật"
        } else {
            ""
        };
        push(
            findings,
            cap(Level::Httnv),
            format!(
                "Có {units} đơn vị trực thuộc và {members} thành viên tập thể lãnh đạo bị kỷ luật trong năm{own_text}"
            ),
            &rule(context, "collective.clean_record"),
            context.book.sources().collective_clean_record,
        );
    }
}

pub(super) fn body_task_floor(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let Some(floor) = context.book.params.collective.completed_below else {
        return;
    };
    if !is_body(facts.kind) {
        return;
    }
    let tasks = facts
        .tasks
        .or_else(|| sum_tasks(facts.led_units.iter().filter_map(|u| u.tasks.as_ref())));
    if let Some(tasks) = tasks
        && floor.not_reached_by(u64::from(tasks.completed), u64::from(tasks.assigned))
    {
        if context
            .book
            .params
            .collective
            .completed_below_needs_key_target_missed
        {
            match facts.key_targets {
                Some(targets) if targets.missed == 0 => return,
                Some(_) => {}
                None => {
                    push(
                        findings,
                        Effect::CaseByCase,
                        format!(
                            "Chỉ hoàn thành {}/{} chỉ tiêu, nhiệm vụ ({}), dưới {floor}; chưa có số liệu chỉ tiêu chủ yếu: cấp có thẩm quyền xem xét",
                            tasks.completed,
                            tasks.assigned,
                            percent(tasks.completed, tasks.assigned)
                        ),
                        &rule(context, "collective.task_floor"),
                        context.book.sources().collective_tasks,
                    );
                    return;
                }
            }
        }
        floor_missed(
            context,
            findings,
            format!(
                "Chỉ hoàn thành {}/{} chỉ tiêu, nhiệm vụ ({}), dưới {floor}",
                tasks.completed,
                tasks.assigned,
                percent(tasks.completed, tasks.assigned)
            ),
            "collective.task_floor",
            context.book.sources().collective_tasks,
        );
    }
}

pub(super) fn disciplined_units(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    if !is_body(facts.kind) {
        return;
    }
    let params = &context.book.params;
    let sources = context.book.sources();
    let composition = facts.composition.clone().unwrap_or_default();
    let is_branch = facts.org_kind.is_some_and(|k| k.is_branch());
    let check = |findings: &mut Vec<Finding>,
                 share: Share,
                 count: u32,
                 total: u32,
                 what: &str,
                 name: &str,
                 source: &str| {
        if share.exceeded_by(u64::from(count), u64::from(total)) {
            push(
                findings,
                cap(Level::Khtnv),
                format!(
                    "{count}/{total} {what} bị kỷ luật trong năm ({}), trên {share}",
                    percent(count, total)
                ),
                &rule(context, name),
                source,
            );
        }
    };
    if facts.kind == SubjectKind::Organisation
        && let Some(share) = params.organisation.disciplined_members_above
    {
        if is_branch {
            let total = composition.members.map_or(0, |m| m.total());
            check(
                findings,
                share,
                composition.disciplined_members,
                total,
                "đảng viên",
                "organisation.disciplined_members",
                sources.organisation_discipline,
            );
        } else {
            let total = composition.sub_organisations.map_or(0, |m| m.total());
            check(
                findings,
                share,
                composition.disciplined_sub_units,
                total,
                "tổ chức đảng trực thuộc",
                "organisation.disciplined_units",
                sources.organisation_discipline,
            );
        }
    }
    if params.collective.corruption_case_in_unit_forces_khtnv
        && facts.kind == SubjectKind::Organisation
        && composition.sub_units_with_corruption_cases > 0
    {
        push(
            findings,
            cap(Level::Khtnv),
            format!(
                "Có {} đơn vị trực thuộc xảy ra vụ việc tham nhũng, lãng phí, tiêu cực bị xử lý kỷ luật trong năm",
                composition.sub_units_with_corruption_cases
            ),
            &rule(context, "organisation.corruption_case_in_unit"),
            sources.organisation_discipline,
        );
    }
    if facts.kind == SubjectKind::Collective
        && let Some(share) = params.collective.disciplined_units_above
    {
        let total = facts.led_units.len() as u32;
        let count = facts.led_units.iter().filter(|u| u.disciplined).count() as u32;
        check(
            findings,
            share,
            count,
            total,
            "đơn vị trực thuộc",
            "collective.disciplined_units",
            sources.collective_discipline,
        );
    }
}

pub(super) fn composition(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    if facts.kind != SubjectKind::Organisation {
        return;
    }
    let params = &context.book.params.organisation;
    let source = context.book.sources().organisation_composition;
    let is_branch = facts.org_kind.is_some_and(|k| k.is_branch());
    let (what, counts): (&str, Option<LevelCounts>) = match &facts.composition {
        Some(c) if is_branch => ("đảng viên", c.members),
        Some(c) => ("tổ chức đảng trực thuộc", c.sub_organisations),
        None => (
            if is_branch {
                "đảng viên"
            } else {
                "tổ chức đảng trực thuộc"
            },
            None,
        ),
    };
    let lowest_rule = if is_branch {
        params.khtnv_members_above
    } else {
        params.khtnv_sub_orgs_above
    };
    let enabled = params.httnv_needs_all_at_least.is_some()
        || params.httnv_needs_share_httnv.is_some()
        || lowest_rule.is_some();
    if !enabled {
        return;
    }
    let Some(counts) = counts else {
        push(
            findings,
            Effect::Pending,
            format!("Chưa có kết quả xếp loại của các {what} (cấp dưới trước, cấp trên sau)"),
            &rule(context, "order.lower_before_upper"),
            source,
        );
        return;
    };
    let total = counts.total();
    if let Some(level) = params.httnv_needs_all_at_least
        && counts.at_least(level) < total
    {
        push(
            findings,
            cap(Level::Htnv),
            format!(
                "{}/{total} {what} xếp loại dưới {level}: chưa đủ điều kiện HTTNV trở lên",
                total - counts.at_least(level)
            ),
            &rule(context, "organisation.all_at_least"),
            source,
        );
    }
    if let Some(share) = params.httnv_needs_share_httnv
        && !share.reached_by(u64::from(counts.at_least(Level::Httnv)), u64::from(total))
    {
        push(
            findings,
            cap(Level::Htnv),
            format!(
                "{}/{total} {what} xếp loại HTTNV trở lên ({}), chưa đạt {share}",
                counts.at_least(Level::Httnv),
                percent(counts.at_least(Level::Httnv), total)
            ),
            &rule(context, "organisation.share_httnv"),
            source,
        );
    }
    if let (Some(level), Some(bodies)) = (
        params.httnv_needs_all_at_least,
        facts.composition.as_ref().and_then(|c| c.same_level_bodies),
    ) && bodies.at_least(level) < bodies.total()
    {
        push(
            findings,
            cap(Level::Htnv),
            format!(
                "{} chính quyền, Mặt trận, đoàn thể cùng cấp xếp loại dưới {level}",
                bodies.total() - bodies.at_least(level)
            ),
            &rule(context, "organisation.same_level_bodies"),
            source,
        );
    }
    if let Some(share) = lowest_rule
        && share.exceeded_by(u64::from(counts.khtnv), u64::from(total))
    {
        push(
            findings,
            cap(Level::Khtnv),
            format!(
                "{}/{total} {what} ở mức thấp nhất, trên {share}",
                counts.khtnv
            ),
            &rule(context, "organisation.lowest_share"),
            source,
        );
    }
}

/// Defects that put an organisation at the lowest level whatever its points (HD 27: "đạt từ 50
/// điểm trở lên và có một trong các khuyết điểm" → "Yếu kém").
pub(super) fn organisation_defects(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let params = &context.book.params.organisation;
    if facts.kind != SubjectKind::Organisation || params.lowest_level_defects.is_empty() {
        return;
    }
    let lowest = context.book.era().level_name(Level::Khtnv, facts.kind);
    let same_level = facts.same_level.unwrap_or_default();
    for defect in &params.lowest_level_defects {
        let found = match defect {
            OrganisationDefect::Disunity => facts
                .conclusions
                .disunity
                .then(|| "nội bộ cấp ủy, ban thường vụ mất đoàn kết".to_owned()),
            OrganisationDefect::CorruptionWithMemberDisciplined => {
                facts.conclusions.corruption_in_scope.then(|| {
                    "để xảy ra tham nhũng, tiêu cực, suy thoái đến mức có đảng viên bị kỷ luật"
                        .to_owned()
                })
            }
            OrganisationDefect::GovernmentLowest => (same_level.government
                == Some(Level::Khtnv))
            .then(|| "chính quyền cùng cấp xếp loại ở mức thấp nhất".to_owned()),
            OrganisationDefect::MassOrganisationsLowest => (same_level.mass_organisations_lowest
                >= params.mass_organisations_lowest_min)
                .then(|| {
                    format!(
                        "{} tổ chức Mặt trận, đoàn thể chính trị - xã hội cùng cấp ở mức thấp nhất (từ {} trở lên)",
                        same_level.mass_organisations_lowest, params.mass_organisations_lowest_min
                    )
                }),
        };
        if let Some(what) = found {
            push(
                findings,
                cap(Level::Khtnv),
                format!("Có khuyết điểm: {what} — xếp loại \"{lowest}\" dù đạt từ 50 điểm trở lên"),
                &rule(context, "organisation.lowest_level_defect"),
                context.book.sources().organisation_defects,
            );
        }
    }
}
