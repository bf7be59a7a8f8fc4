//! The individual checks of classification. Each reads only the facts and the parameters of the
//! pinned rule book; a rule whose parameter is absent in an era does not exist in that era.

use super::{Context, Effect, Finding};
use crate::cite::Citation;
use crate::facts::{DisciplineRecord, LevelCounts, TaskResults, discipline_counts_at_current_unit};
use crate::level::Level;
use crate::ruleset::params::{ConclusionKind, DisciplineParams, SelfDetectedTreatment};
use crate::share::Share;
use crate::subject::{LeaveKind, SubjectKind};
use time::{Date, Month};

type Check = fn(&Context<'_>, &mut Vec<Finding>);

/// Every check, in the order findings are reported.
pub(super) const ALL: &[Check] = &[
    any_kem,
    member_discipline,
    conclusions,
    task_floor,
    own_task_levels,
    previous_defects,
    sick_leave,
    maternity,
    civil_service,
    led_units,
    confidence_vote,
    key_targets,
    body_discipline,
    collective_member_discipline,
    clean_record,
    body_task_floor,
    disciplined_units,
    composition,
    head_not_above_unit,
];

fn push(findings: &mut Vec<Finding>, effect: Effect, message: String, rule: &str, source: &str) {
    findings.push(Finding {
        effect,
        message,
        citation: Citation::new(rule, source),
    });
}

fn cap(max: Level) -> Effect {
    Effect::Cap { max }
}

fn rule(context: &Context<'_>, name: &str) -> String {
    format!("{}.{name}", context.book.rule_set)
}

fn date_vi(date: Date) -> String {
    format!(
        "{:02}/{:02}/{}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}

fn in_year(date: Date, year: i32) -> bool {
    date.year() == year
}

fn is_body(kind: SubjectKind) -> bool {
    matches!(kind, SubjectKind::Organisation | SubjectKind::Collective)
}

fn any_kem(context: &Context<'_>, findings: &mut Vec<Finding>) {
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

/// How one discipline record counts under a discipline rule.
enum Counted {
    No,
    Yes,
    CaseByCase(&'static str),
}

fn counts(
    params: &DisciplineParams,
    record: &DisciplineRecord,
    year: i32,
    collective: bool,
) -> Counted {
    if !in_year(record.decided_on, year) || record.counted_before || record.form < params.min_form {
        return Counted::No;
    }
    if params.duty_related_only && !record.duty_related {
        return Counted::No;
    }
    // A violation committed at a previous unit counts against that unit, in every era (seed 003
    // mục B.6; QĐ 366 Điều 11); "unrelated to the collective's remit" is QĐ 366's own exception.
    if collective
        && (!discipline_counts_at_current_unit(record)
            || (params.duty_related_only && record.unrelated_to_collective))
    {
        return Counted::No;
    }
    if record.self_detected_remedied {
        match params.self_detected {
            SelfDetectedTreatment::Exempt => return Counted::No,
            SelfDetectedTreatment::CaseByCase => {
                return Counted::CaseByCase("tự phát hiện, tự nhận và khắc phục hậu quả");
            }
            SelfDetectedTreatment::Counts => {}
        }
    }
    if params.earlier_violation_case_by_case
        && record.violation_on.is_some_and(|on| on.year() < year)
    {
        return Counted::CaseByCase("vi phạm từ năm trước, bị kỷ luật trong năm đánh giá");
    }
    Counted::Yes
}

fn describe(record: &DisciplineRecord) -> String {
    let mut text = format!(
        "kỷ luật {} theo quyết định ngày {}",
        record.form.name_vi().to_lowercase(),
        date_vi(record.decided_on)
    );
    if record.duty_related {
        text.push_str(" (vi phạm liên quan chức trách, công vụ)");
    }
    text
}

fn member_discipline(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let Some(params) = &context.book.params.member.discipline else {
        return;
    };
    if facts.kind.is_individual() {
        discipline_findings(
            context,
            findings,
            DisciplineScope {
                params,
                records: &facts.discipline,
                collective: false,
                subject: "Bị",
                rule: "member.discipline",
                source: context.book.sources().member_discipline,
            },
        );
    }
}

/// Which discipline records a discipline rule looks at, and how its findings read.
struct DisciplineScope<'a> {
    params: &'a DisciplineParams,
    records: &'a [DisciplineRecord],
    collective: bool,
    /// The start of the message ("Bị", "Có thành viên bị").
    subject: &'a str,
    rule: &'a str,
    source: &'a str,
}

fn discipline_findings(
    context: &Context<'_>,
    findings: &mut Vec<Finding>,
    scope: DisciplineScope<'_>,
) {
    for record in scope.records {
        let (effect, message) = match counts(scope.params, record, context.year, scope.collective) {
            Counted::No => continue,
            Counted::Yes => (
                cap(Level::Khtnv),
                format!("{} {} trong năm đánh giá", scope.subject, describe(record)),
            ),
            Counted::CaseByCase(why) => (
                Effect::CaseByCase,
                format!(
                    "{} {}; {why}: cấp có thẩm quyền xem xét cụ thể",
                    scope.subject,
                    describe(record)
                ),
            ),
        };
        push(
            findings,
            effect,
            message,
            &rule(context, scope.rule),
            scope.source,
        );
    }
}

fn conclusions(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let c = &facts.conclusions;
    let params = &context.book.params;
    let source = context.book.sources().conclusions;
    let mut fire = |what: &str| {
        push(
            findings,
            cap(Level::Khtnv),
            format!("Cấp có thẩm quyền kết luận: {what}"),
            &rule(context, "conclusions"),
            source,
        )
    };
    let list: &[ConclusionKind] = if facts.kind.is_individual() {
        &params.member.conclusions_forcing_khtnv
    } else {
        &params.collective.conclusions_forcing_khtnv
    };
    for kind in list {
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
            ConclusionKind::CorruptionInScope => (
                c.corruption_in_scope && facts.kind.holds_post(),
                "để xảy ra tham nhũng, lãng phí, tiêu cực trong phạm vi trực tiếp phụ trách",
            ),
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
            fire(what);
        }
    }
}

fn percent(count: u32, total: u32) -> String {
    if total == 0 {
        return "0%".into();
    }
    let hundredths = u64::from(count) * 10_000 / u64::from(total);
    if hundredths % 100 == 0 {
        format!("{}%", hundredths / 100)
    } else {
        format!("{},{:02}%", hundredths / 100, hundredths % 100)
    }
}

fn task_floor(context: &Context<'_>, findings: &mut Vec<Finding>) {
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

/// The level conditions on task results (QĐ 366 Điều 11, QĐ 124 Điều 12), applied to `tasks`.
fn task_levels(
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

fn own_task_levels(context: &Context<'_>, findings: &mut Vec<Finding>) {
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

fn previous_defects(context: &Context<'_>, findings: &mut Vec<Finding>) {
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

fn sick_leave(context: &Context<'_>, findings: &mut Vec<Finding>) {
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

fn maternity(context: &Context<'_>, findings: &mut Vec<Finding>) {
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

fn civil_service(context: &Context<'_>, findings: &mut Vec<Finding>) {
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

fn sum_tasks<'a>(tasks: impl Iterator<Item = &'a TaskResults>) -> Option<TaskResults> {
    tasks.fold(None, |acc, t| {
        let acc = acc.unwrap_or(TaskResults {
            assigned: 0,
            completed: 0,
            on_time: 0,
            exceeded: 0,
        });
        Some(TaskResults {
            assigned: acc.assigned + t.assigned,
            completed: acc.completed + t.completed,
            on_time: acc.on_time + t.on_time,
            exceeded: acc.exceeded + t.exceeded,
        })
    })
}

/// The task floor of a body or of a leader's units is missed: KHTNV, except where force majeure
/// is recognised, which every era leaves to the competent level (HD 21 and QĐ 124 "trừ bất khả
/// kháng"; QĐ 366 Điều 11 khoản 4 "xem xét cụ thể").
fn floor_missed(
    context: &Context<'_>,
    findings: &mut Vec<Finding>,
    message: String,
    name: &str,
    source: &str,
) {
    if context.facts.force_majeure {
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

fn led_units(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    if !facts.kind.holds_post() || facts.led_units.is_empty() {
        return;
    }
    let params = &context.book.params.leader;
    let source = context.book.sources().leader_units;
    if let Some(total) = sum_tasks(facts.led_units.iter().filter_map(|u| u.tasks.as_ref())) {
        task_levels(
            context,
            findings,
            &total,
            "Đơn vị trực tiếp lãnh đạo, phụ trách",
        );
        if let Some(floor) = params.led_units_completed_below
            && floor.not_reached_by(u64::from(total.completed), u64::from(total.assigned))
        {
            floor_missed(
                context,
                findings,
                format!(
                    "Đơn vị trực tiếp lãnh đạo chỉ hoàn thành {}/{} nhiệm vụ ({}), dưới {floor}",
                    total.completed,
                    total.assigned,
                    percent(total.completed, total.assigned)
                ),
                "leader.led_units_completed",
                source,
            );
        }
        // When the era's task conditions already require the same share of the led units, that
        // check above has reported it; report this one only when it differs.
        if let Some(share) = params.led_units_htxsnv_exceeded_min
            && context.book.params.tasks.htxsnv_exceeded_min != Some(share)
            && !share.reached_by(u64::from(total.exceeded), u64::from(total.assigned))
        {
            push(
                findings,
                cap(Level::Httnv),
                format!(
                    "Đơn vị trực tiếp lãnh đạo hoàn thành vượt mức {}/{} nhiệm vụ, chưa đạt {share}",
                    total.exceeded, total.assigned
                ),
                &rule(context, "leader.led_units_exceeded"),
                source,
            );
        }
    }
    if let Some(share) = params.khtnv_units_above {
        let undecided: Vec<&str> = facts
            .led_units
            .iter()
            .filter(|u| u.level.is_none())
            .map(|u| u.name.as_str())
            .collect();
        if !undecided.is_empty() {
            push(
                findings,
                Effect::Pending,
                format!(
                    "Chưa có kết quả xếp loại của đơn vị phụ trách: {}",
                    undecided.join(", ")
                ),
                &rule(context, "order.unit_before_head"),
                source,
            );
        } else {
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
}

fn confidence_vote(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let (Some(share), Some(vote)) = (
        context.book.params.leader.low_confidence_above,
        &context.facts.confidence_vote,
    ) else {
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

fn key_targets(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let Some(targets) = &facts.key_targets else {
        return;
    };
    let threshold = if facts.kind.holds_post() {
        context.book.params.leader.key_targets_missed_for_khtnv
    } else if is_body(facts.kind) {
        context.book.params.collective.key_targets_missed_for_khtnv
    } else {
        None
    };
    let Some(threshold) = threshold else { return };
    if targets.missed >= threshold {
        let message = format!(
            "Không hoàn thành {}/{} chỉ tiêu kinh tế - xã hội cơ bản",
            targets.missed, targets.total
        );
        let source = context.book.sources().key_targets;
        if facts.force_majeure {
            push(
                findings,
                Effect::CaseByCase,
                format!("{message}; có yếu tố bất khả kháng: cấp có thẩm quyền xem xét cụ thể"),
                &rule(context, "key_targets"),
                source,
            );
        } else {
            push(
                findings,
                cap(Level::Khtnv),
                message,
                &rule(context, "key_targets"),
                source,
            );
        }
    }
}

fn body_discipline(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    if !is_body(facts.kind)
        || !context
            .book
            .params
            .collective
            .collective_discipline_forces_khtnv
    {
        return;
    }
    // The texts put the collective and its members under one exception: QĐ 124 "bị xử lý kỷ luật
    // hoặc thành viên bị kỷ luật (trừ trường hợp tự phát hiện và khắc phục xong hậu quả)", QĐ 366
    // "tự phát hiện, khắc phục: xem xét cụ thể"; HD 21 has none.
    let self_detected = context
        .book
        .params
        .collective
        .member_discipline
        .as_ref()
        .map_or(SelfDetectedTreatment::Counts, |p| p.self_detected);
    let source = context.book.sources().collective_discipline;
    for record in facts
        .discipline
        .iter()
        .filter(|r| in_year(r.decided_on, context.year) && !r.counted_before)
    {
        match (record.self_detected_remedied, self_detected) {
            (true, SelfDetectedTreatment::Exempt) => {}
            (true, SelfDetectedTreatment::CaseByCase) => push(
                findings,
                Effect::CaseByCase,
                format!(
                    "Tập thể bị {}; tự phát hiện, tự nhận và khắc phục hậu quả: cấp có thẩm quyền xem xét cụ thể",
                    describe(record)
                ),
                &rule(context, "collective.disciplined"),
                source,
            ),
            _ => push(
                findings,
                cap(Level::Khtnv),
                format!("Tập thể bị {} trong năm đánh giá", describe(record)),
                &rule(context, "collective.disciplined"),
                source,
            ),
        }
    }
}

fn collective_member_discipline(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    let Some(params) = &context.book.params.collective.member_discipline else {
        return;
    };
    if facts.kind == SubjectKind::Collective {
        discipline_findings(
            context,
            findings,
            DisciplineScope {
                params,
                records: &facts.member_discipline,
                collective: true,
                subject: "Có thành viên bị",
                rule: "collective.member_discipline",
                source: context.book.sources().collective_discipline,
            },
        );
    }
}

fn clean_record(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let facts = context.facts;
    if !is_body(facts.kind) || !context.book.params.collective.htxsnv_needs_clean_record {
        return;
    }
    let members = facts
        .member_discipline
        .iter()
        .filter(|r| {
            in_year(r.decided_on, context.year)
                && !r.counted_before
                && discipline_counts_at_current_unit(r)
        })
        .count();
    let composition = facts.composition.as_ref();
    let units = composition.map_or(0, |c| c.disciplined_sub_units) as usize
        + facts.led_units.iter().filter(|u| u.disciplined).count();
    let own = facts
        .discipline
        .iter()
        .filter(|r| in_year(r.decided_on, context.year) && !r.counted_before)
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

fn body_task_floor(context: &Context<'_>, findings: &mut Vec<Finding>) {
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

fn disciplined_units(context: &Context<'_>, findings: &mut Vec<Finding>) {
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

fn composition(context: &Context<'_>, findings: &mut Vec<Finding>) {
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

fn head_not_above_unit(context: &Context<'_>, findings: &mut Vec<Finding>) {
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
