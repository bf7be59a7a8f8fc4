//! Rules a local layer adds: "a head not above the unit he heads" (seed 003) with its exceptions,
//! and "an organisation may not be HTXSNV while any of its members is KHTNV".

use super::*;

pub(super) fn head_not_above_unit(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let Some(rule_def) = context
        .book
        .local
        .as_ref()
        .and_then(|l| l.head_not_above_unit.as_ref())
    else {
        return;
    };
    if !facts.kind.is_individual() || facts.headed_units.is_empty() {
        return;
    }
    let name = "local.head_not_above_unit".to_owned();
    if facts.village_secretary_not_civil_servant
        && rule_def.except_village_secretary_not_civil_servant
    {
        push(
            findings,
            Effect::Note,
            "Bí thư chi bộ thôn, tổ dân phố không là cán bộ, công chức xã: không áp dụng quy định người đứng đầu không cao hơn đơn vị".into(),
            &name,
            &rule_def.source,
        );
        return;
    }
    for unit in &facts.headed_units {
        if unit.moved_in_without_part && rule_def.except_moved_in_without_part {
            push(
                findings,
                Effect::Note,
                format!(
                    "Chuyển đến làm người đứng đầu \"{}\", không liên quan đến kết quả của đơn vị: không áp dụng giới hạn",
                    unit.name
                ),
                &name,
                &rule_def.source,
            );
            continue;
        }
        match unit.level {
            // Heads after their unit is the order check's where the era imposes it.
            None if context
                .book
                .era()
                .precedence(crate::ordering::Precedence::UnitBeforeHead)
                .is_some() => {}
            None => push(
                findings,
                Effect::Pending,
                format!(
                    "Chưa có kết quả xếp loại của \"{}\" do mình đứng đầu (đơn vị trước, người đứng đầu sau)",
                    unit.name
                ),
                &name,
                &rule_def.source,
            ),
            Some(level) => push(
                findings,
                cap(level),
                format!(
                    "Người đứng đầu \"{}\" (xếp loại {level}): không được xếp cao hơn",
                    unit.name
                ),
                &name,
                &rule_def.source,
            ),
        }
    }
}

pub(super) fn no_htxsnv_with_khtnv_member(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let Some(local_rule) = context
        .book
        .local
        .as_ref()
        .and_then(|l| l.no_htxsnv_with_khtnv_member.as_ref())
    else {
        return;
    };
    if facts.kind != SubjectKind::Organisation {
        return;
    }
    let name = "local.no_htxsnv_with_khtnv_member";
    match facts.composition.as_ref().and_then(|c| c.members) {
        None => push(
            findings,
            Effect::Pending,
            "Chưa có kết quả xếp loại đảng viên của tổ chức (quy định không xếp HTXSNV khi có đảng viên KHTNV)".into(),
            name,
            &local_rule.source,
        ),
        Some(members) if members.khtnv > 0 => push(
            findings,
            cap(Level::Httnv),
            format!(
                "Có {} đảng viên xếp loại KHTNV: tổ chức không được xếp loại HTXSNV",
                members.khtnv
            ),
            name,
            &local_rule.source,
        ),
        Some(_) => {}
    }
}
