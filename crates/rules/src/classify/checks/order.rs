//! What must be settled before a level is decided, as findings of classification: the units a
//! head heads or a leader leads rated first (heads after their unit, in every era that says so),
//! and complaints, denunciations and other matters verified before the final decision (QĐ 366
//! Điều 12 khoản 1, QĐ 124 Điều 11).

use super::*;
use crate::ordering::Precedence;

/// Heads after their unit: a head waits for the units they head, in every era imposing
/// [`Precedence::UnitBeforeHead`]; a leader also waits for the units they lead where a rule needs
/// those units' levels (QĐ 366: more than half of them KHTNV).
pub(super) fn unit_before_head(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    if !facts.kind.is_individual() {
        return;
    }
    let era = context.book.era();
    let order_source = era.precedence(Precedence::UnitBeforeHead);
    let mut undecided: Vec<&str> = Vec::new();
    if order_source.is_some() {
        undecided.extend(
            facts
                .headed_units
                .iter()
                .filter(|u| u.level.is_none())
                .map(|u| u.name.as_str()),
        );
    }
    let needs_led_levels =
        facts.kind.holds_post() && context.book.params.leader.khtnv_units_above.is_some();
    if needs_led_levels {
        for unit in facts.led_units.iter().filter(|u| u.level.is_none()) {
            if !undecided.contains(&unit.name.as_str()) {
                undecided.push(&unit.name);
            }
        }
    }
    if undecided.is_empty() {
        return;
    }
    push(
        findings,
        Effect::Pending,
        format!(
            "Chưa có kết quả xếp loại của đơn vị do mình đứng đầu, phụ trách: {} (đơn vị trước, người đứng đầu sau)",
            undecided.join(", ")
        ),
        &rule(context, "order.unit_before_head"),
        order_source.unwrap_or(context.book.sources().leader_units),
    );
}

/// A matter raised before the final decision waits for its verification, where the era says so;
/// elsewhere it is noted for the people deciding.
pub(super) fn blocking_matters(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let era = context.book.era();
    let name = rule(context, "order.verification_before_decision");
    for matter in &context.facts.matters {
        let what = match &matter.reference {
            Some(reference) => format!(
                "{} nhận ngày {} ({reference})",
                matter.kind.name_vi(),
                date_vi(matter.received_on)
            ),
            None => format!(
                "{} nhận ngày {}",
                matter.kind.name_vi(),
                date_vi(matter.received_on)
            ),
        };
        // A verification recorded counts whenever it was recorded: decisions are taken after the
        // review date (the facts' `as_of`), often in the new year, and wait for exactly this.
        let verified = matter.verified_on;
        match (
            era.precedence(Precedence::VerificationBeforeDecision),
            verified,
        ) {
            (Some(source), None) => push(
                findings,
                Effect::Pending,
                format!(
                    "{what}: chờ cấp ủy cấp trên kiểm tra, xác minh, thẩm định lại; chưa quyết định xếp loại khi chưa ghi nhận kết quả"
                ),
                &name,
                source,
            ),
            (Some(source), Some(on)) => push(
                findings,
                Effect::Note,
                format!(
                    "{what}: đã ghi nhận kết quả kiểm tra, xác minh ngày {}",
                    date_vi(on)
                ),
                &name,
                source,
            ),
            (None, _) => push(
                findings,
                Effect::Note,
                format!("{what}: cấp có thẩm quyền xem xét trước khi quyết định"),
                &name,
                sources_not_found(),
            ),
        }
    }
}

fn sources_not_found() -> &'static str {
    crate::ruleset::NOT_FOUND
}
