//! Discipline in the year: a member's own, a body's own, and a collective's members'. Which
//! records count (form, duty-related, self-detected, counted once, where it happened) is decided
//! here once for all three; one violation disciplined twice in the year (the penalty raised)
//! counts once, at the heavier form ([`counted_once`]).

use super::*;

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

pub(super) fn member_discipline(context: &Context<'_>, findings: &mut Vec<Finding>) {
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

/// How much a [`Counted`] weighs, to count a violation once on its heaviest record.
fn weight(counted: &Counted) -> u8 {
    match counted {
        Counted::No => 0,
        Counted::CaseByCase(_) => 1,
        Counted::Yes => 2,
    }
}

/// A note that the other decisions on the same violation are not counted again.
fn counted_once_note(
    context: &Context<'_>,
    findings: &mut Vec<Finding>,
    kept: &DisciplineRecord,
    group: &[&DisciplineRecord],
) {
    if group.len() < 2 {
        return;
    }
    let others: Vec<String> = group
        .iter()
        .filter(|r| !std::ptr::eq(**r, kept))
        .map(|r| describe(r))
        .collect();
    push(
        findings,
        Effect::Note,
        format!(
            "Vi phạm \"{}\" bị xử lý nhiều lần trong năm ({}; {}): chỉ tính một lần, theo {}",
            kept.violation.as_deref().unwrap_or_default(),
            others.join("; "),
            describe(kept),
            describe(kept)
        ),
        &rule(context, "discipline.counted_once"),
        context.book.sources().discipline_once,
    );
}

fn discipline_findings(
    context: &Context<'_>,
    findings: &mut Vec<Finding>,
    scope: DisciplineScope<'_>,
) {
    for group in counted_once(scope.records, context.year) {
        let (record, counted) = group
            .iter()
            .map(|r| (*r, counts(scope.params, r, context.year, scope.collective)))
            .max_by_key(|(r, c)| (weight(c), r.form, r.decided_on))
            .expect("a group has a record");
        let (effect, message) = match counted {
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
        counted_once_note(context, findings, record, &group);
        push(
            findings,
            effect,
            message,
            &rule(context, scope.rule),
            scope.source,
        );
    }
}

pub(super) fn body_discipline(context: &Context<'_>, findings: &mut Vec<Finding>) {
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
    for group in counted_once(&facts.discipline, context.year) {
        // The decision on the violation that weighs most: not counted before, not self-detected
        // where that spares it, then the heaviest form.
        let spared = |r: &DisciplineRecord| {
            r.self_detected_remedied && self_detected != SelfDetectedTreatment::Counts
        };
        let Some(record) = group
            .iter()
            .filter(|r| !r.counted_before)
            .max_by_key(|r| (!spared(r), r.form, r.decided_on))
            .copied()
        else {
            continue;
        };
        counted_once_note(context, findings, record, &group);
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

pub(super) fn collective_member_discipline(context: &Context<'_>, findings: &mut Vec<Finding>) {
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
