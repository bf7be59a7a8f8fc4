//! Checks on an individual: conclusions of the competent level, the task floor, sick and
//! maternity leave, and the civil-service rating.

use super::*;

pub(super) fn conclusions(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let c = &facts.conclusions;
    let params = &context.book.params;
    let source = context.book.sources().conclusions;
    let individual = facts.kind.is_individual();
    let list: &[ConclusionKind] = if individual {
        &params.member.conclusions_forcing_khtnv
    } else {
        &params.collective.conclusions_forcing_khtnv
    };
    for kind in list {
        let applies = match kind {
            ConclusionKind::Degradation
            | ConclusionKind::ForbiddenActs
            | ConclusionKind::ExemplaryDutyBreached => true,
            ConclusionKind::CorruptionInScope => facts.kind.holds_post() || is_body(facts.kind),
            ConclusionKind::Disunity
            | ConclusionKind::CadreWorkViolation
            | ConclusionKind::MemberDegradation => is_body(facts.kind),
        };
        let fact = FactCode::of_conclusion(*kind);
        if applies && facts.is_unknown(fact) {
            // A verification or inspection under way: its conclusion is awaited.
            let name = if fact == FactCode::CorruptionInScope {
                rule(context, "conclusions.corruption_in_scope")
            } else {
                rule(context, "conclusions")
            };
            push_missing(findings, fact, &name, source);
            continue;
        }
        let (holds, what) = match kind {
            ConclusionKind::Degradation => (
                c.degradation,
                "có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", \"tự chuyển hóa\"",
            ),
            ConclusionKind::ForbiddenActs => (
                c.forbidden_acts,
                "vi phạm những điều đảng viên không được làm",
            ),
            ConclusionKind::ExemplaryDutyBreached => {
                (c.exemplary_duty_breached, "vi phạm trách nhiệm nêu gương")
            }
            ConclusionKind::CorruptionInScope => {
                if c.corruption_in_scope && (facts.kind.holds_post() || is_body(facts.kind)) {
                    corruption_in_scope(context, findings);
                }
                continue;
            }
            ConclusionKind::Disunity => (c.disunity && is_body(facts.kind), "mất đoàn kết nội bộ"),
            ConclusionKind::CadreWorkViolation => (
                c.cadre_work_violation && is_body(facts.kind),
                "sai phạm trong công tác cán bộ, chạy chức, chạy quyền",
            ),
            ConclusionKind::MemberDegradation => (
                c.member_degradation && is_body(facts.kind),
                "có thành viên suy thoái về tư tưởng chính trị, đạo đức, lối sống",
            ),
        };
        if holds {
            push(
                findings,
                cap(Level::Khtnv),
                format!("Cấp có thẩm quyền kết luận: {what}"),
                &rule(context, "conclusions"),
                source,
            );
        }
    }
}

/// Corruption, waste or negativity in the direct scope of a leader or a body: KHTNV, unless the
/// subject detected, reported and remedied it — then as the era treats self-detected violations
/// (QĐ 366 Điều 11 khoản 4: the competent level weighs each case; QĐ 124: it does not count).
fn corruption_in_scope(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let params = &context.book.params;
    let sources = context.book.sources();
    let what = "Cấp có thẩm quyền kết luận: để xảy ra tham nhũng, lãng phí, tiêu cực trong phạm vi trực tiếp phụ trách";
    let treatment = if facts.conclusions.corruption_self_detected {
        let discipline = if facts.kind.is_individual() {
            params.member.discipline.as_ref()
        } else {
            params.collective.member_discipline.as_ref()
        };
        discipline.map_or(SelfDetectedTreatment::Counts, |d| d.self_detected)
    } else {
        SelfDetectedTreatment::Counts
    };
    let name = rule(context, "conclusions.corruption_in_scope");
    match treatment {
        SelfDetectedTreatment::Counts => push(
            findings,
            cap(Level::Khtnv),
            what.to_owned(),
            &name,
            sources.conclusions,
        ),
        SelfDetectedTreatment::Exempt => push(
            findings,
            Effect::Note,
            format!("{what}; tự phát hiện và khắc phục xong hậu quả: không tính"),
            &name,
            sources.corruption_self_detected,
        ),
        SelfDetectedTreatment::CaseByCase => push(
            findings,
            Effect::CaseByCase,
            format!("{what}; tự phát hiện, báo cáo và khắc phục: cấp có thẩm quyền xem xét cụ thể"),
            &name,
            sources.corruption_self_detected,
        ),
    }
}

pub(super) fn task_floor(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let Some(floor) = context.book.params.member.khtnv_completed_below else {
        return;
    };
    if !facts.kind.is_individual() {
        return;
    }
    if let Some(tasks) = facts.tasks
        && floor.not_reached_by(u64::from(tasks.completed), u64::from(tasks.assigned))
    {
        push(
            findings,
            cap(Level::Khtnv),
            format!(
                "Chỉ hoàn thành {}/{} nhiệm vụ ({}), dưới {floor}",
                tasks.completed,
                tasks.assigned,
                percent(tasks.completed, tasks.assigned)
            ),
            &rule(context, "member.task_floor"),
            context.book.sources().task_floor,
        );
    }
}

fn leave_days(context: &Context<'_>, kind: LeaveKind) -> u32 {
    let start = Date::from_calendar_date(context.year, Month::January, 1).expect("valid date");
    let end = Date::from_calendar_date(context.year, Month::December, 31).expect("valid date");
    context
        .facts
        .leave
        .iter()
        .filter(|leave| leave.kind == kind)
        .map(|leave| leave.days_within(start, end))
        .sum()
}

/// Sick leave in the year as whole calendar months plus leftover days: a period from 01/02 to
/// 30/04 is three months, whatever the days in February. Leftover days of all periods are summed
/// and counted as months of `days_per_month` days.
fn sick_leave_months(context: &Context<'_>) -> (u32, u32) {
    let start = Date::from_calendar_date(context.year, Month::January, 1).expect("valid date");
    let end = Date::from_calendar_date(context.year, Month::December, 31).expect("valid date");
    let (mut months, mut days) = (0u32, 0u32);
    for leave in context
        .facts
        .leave
        .iter()
        .filter(|l| l.kind == LeaveKind::Sick)
    {
        let from = leave.from.max(start);
        let to = leave.to.min(end);
        if to < from {
            continue;
        }
        let after = to.next_day().expect("within the calendar");
        let mut whole = 0;
        while crate::eligibility::add_months(from, whole + 1) <= after {
            whole += 1;
        }
        months += whole;
        days += (after - crate::eligibility::add_months(from, whole)).whole_days() as u32;
    }
    let per_month = context.book.params.member.days_per_month.max(1);
    (months + days / per_month, days % per_month)
}

pub(super) fn sick_leave(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if !context.facts.kind.is_individual() {
        return;
    }
    let params = &context.book.params.member;
    let days = leave_days(context, LeaveKind::Sick);
    if days == 0 {
        return;
    }
    let (months, extra) = sick_leave_months(context);
    let source = context.book.sources().sick_leave;
    let length = if extra > 0 {
        format!("{months} tháng {extra} ngày")
    } else {
        format!("{months} tháng")
    };
    match params.sick_leave_cap_months {
        Some(limit) if months >= limit => push(
            findings,
            cap(params.sick_leave_cap),
            format!(
                "Nghỉ ốm {length} ({days} ngày) trong năm, từ {limit} tháng trở lên: không xếp loại cao hơn {}",
                params.sick_leave_cap
            ),
            &rule(context, "member.sick_leave"),
            source,
        ),
        None if months >= 3 => push(
            findings,
            Effect::Note,
            format!(
                "Nghỉ ốm {length} ({days} ngày) trong năm: xếp loại theo kết quả làm việc thực tế"
            ),
            &rule(context, "member.sick_leave"),
            source,
        ),
        _ => {}
    }
}

pub(super) fn maternity(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if !context.facts.kind.is_individual() {
        return;
    }
    let days = leave_days(context, LeaveKind::Maternity);
    if days > 0 {
        push(
            findings,
            Effect::Note,
            format!(
                "Nghỉ thai sản {days} ngày trong năm: xếp loại theo kết quả trong thời gian làm việc thực tế"
            ),
            &rule(context, "member.maternity"),
            context.book.sources().maternity,
        );
    }
}

pub(super) fn civil_service(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(civil_service) = &context.facts.civil_service else {
        return;
    };
    if !context.facts.kind.is_individual() {
        return;
    }
    let params = &context.book.params;
    let sources = context.book.sources();
    match civil_service.rating {
        None => {
            if params.eligibility.civil_service_rating_first {
                push(
                    findings,
                    Effect::Pending,
                    "Chưa có kết quả xếp loại công chức, viên chức của năm".into(),
                    &rule(context, "order.civil_service_first"),
                    sources.civil_service_first,
                );
            }
        }
        Some(rating) => {
            if params.member.civil_service_khtnv_forces_khtnv && rating == Level::Khtnv {
                push(
                    findings,
                    cap(Level::Khtnv),
                    "Xếp loại công chức, viên chức: Không hoàn thành nhiệm vụ".into(),
                    &rule(context, "member.civil_service_khtnv"),
                    sources.civil_service,
                );
            } else if params.member.civil_service_htxsnv_required && rating < Level::Htxsnv {
                push(
                    findings,
                    cap(Level::Httnv),
                    format!("Xếp loại công chức, viên chức là {rating}, chưa đạt HTXSNV"),
                    &rule(context, "member.civil_service_htxsnv"),
                    sources.civil_service,
                );
            }
        }
    }
}
