//! Gathers the facts the rules look at for one subject (rules crate's `SubjectFacts`) from the
//! store on the plan's review date: the member's dates, statuses, leave, transfer, temporary
//! branch, discipline of the year and civil-service rating; an organisation's founding day, its
//! own discipline, its members disciplined there and its sub-organisations disciplined,
//! task results (summed over the periods before and after a merger, or over the units of a
//! joint branch) and how its members and sub-organisations were rated (in whichever plan of the
//! period covers them); a collective's leaders; a leader's led and headed units
//! ([`crate::leaders`]).

use crate::error::Result;
use crate::plan::Plan;
use kiemdiem_rules::SubjectKind;
use kiemdiem_rules::facts::{
    CivilService, Composition, DisciplineRecord, LeavePeriod, LevelCounts, StatusPeriod,
    SubjectFacts, TaskResults, TemporaryActivity, Transfer,
};
use kiemdiem_store::Tx;
use kiemdiem_store::cycle::evaluation::EvaluationRow;
use kiemdiem_store::cycle::plan::SubjectRow;
use kiemdiem_store::discipline::{DisciplinedBody, NewUnitDiscipline};
use kiemdiem_store::people::{MembershipKind, NewDiscipline};
use time::{Date, Month};

/// Task results entered with an evaluation (verification first, then self-evaluation).
pub(crate) fn tasks_of(evaluations: &[EvaluationRow]) -> Option<TaskResults> {
    ["verification", "self"].iter().find_map(|step| {
        evaluations
            .iter()
            .filter(|e| e.step == *step)
            .find_map(|e| {
                serde_json::from_str::<crate::evaluation::StoredInput>(&e.input)
                    .ok()
                    .and_then(|i| i.tasks)
            })
    })
}

/// The facts of `subject` as of the plan's review date.
pub(crate) async fn gather(tx: &mut Tx, plan: &Plan, subject: &SubjectRow) -> Result<SubjectFacts> {
    let kind = subject.kind;
    let on = plan.review_date;
    let year_start = Date::from_calendar_date(plan.year, Month::January, 1).unwrap_or(on);
    let mut facts = SubjectFacts::new(kind);
    let evaluations = tx.evaluations(subject.id).await?;
    facts.tasks = tasks_of(&evaluations);
    // Complaints and reports lodged before the decision: the rules hold it until verified.
    facts.matters = crate::after::matters::blocking_matters(tx, subject.id).await?;
    let inputs = tx.review_inputs(subject.id).await?;
    let has_input = |kind: &str| inputs.iter().any(|i| i.kind == kind);
    match kind {
        SubjectKind::Organisation => {
            let org_id = subject.org_id.unwrap_or(subject.unit_id);
            if let Some(org) = tx.org_as_of(org_id, on).await? {
                facts.org_kind = Some(org.kind);
                facts.founded_on = Some(org.founded_on);
            }
            facts.tasks = crate::leaders::subject_tasks(tx, subject).await?;
            facts.composition = Some(composition(tx, plan, subject, org_id).await?);
            // The members holding posts in it (its committee), for the clean record.
            let posts = tx.positions_in_org(org_id, on).await?;
            facts.member_discipline =
                holders_discipline(tx, subject.id, &posts, year_start, on).await?;
            facts.discipline = body_discipline(tx, DisciplinedBody::Org(org_id), year_start, on)
                .await?
                .iter()
                .map(body_record)
                .collect();
        }
        SubjectKind::Collective => {
            if let Some(id) = subject.collective_id {
                let members = tx.collective_members(id, on).await?;
                facts.discipline =
                    body_discipline(tx, DisciplinedBody::Collective(id), year_start, on)
                        .await?
                        .iter()
                        .map(body_record)
                        .collect();
                // Its members' discipline (each from their earliest post held on the review
                // date), and its organisation's sub-organisations disciplined.
                facts.member_discipline =
                    holders_discipline(tx, subject.id, &members, year_start, on).await?;
                if let Some(collective) = tx.collective(id).await? {
                    let (disciplined_sub_units, sub_units_with_corruption_cases) =
                        sub_unit_discipline(tx, plan, collective.org).await?;
                    facts.composition = Some(Composition {
                        disciplined_sub_units,
                        sub_units_with_corruption_cases,
                        ..Composition::default()
                    });
                }
                facts.direct_leaders = Some(
                    members
                        .iter()
                        .filter(|p| {
                            p.is_head()
                                || matches!(
                                    p.kind,
                                    kiemdiem_rules::PositionKind::UnitDeputy
                                        | kiemdiem_rules::PositionKind::DeputySecretary
                                )
                        })
                        .count() as u32,
                );
            }
        }
        _ => {}
    }
    if kind.holds_post() {
        let leadership = crate::leaders::leadership(tx, plan, subject).await?;
        let (led, headed) = crate::leaders::unit_facts(tx, plan, subject, &leadership).await?;
        facts.led_units = led;
        facts.headed_units = headed;
        facts.village_secretary_not_civil_servant = leadership.village_secretary_not_civil_servant;
    }
    if let (true, Some(member_id)) = (kind.is_member(), subject.member_id) {
        if let Some(member) = tx.member_as_of(member_id, on).await? {
            facts.admitted_on = Some(member.details.admitted_on);
            facts.official_on = member.details.official_on;
            if member.details.civil_servant {
                // The rating entered as column (2), else the one the office imported for the year.
                let entered = evaluations
                    .iter()
                    .find(|e| e.source == "civil_service")
                    .and_then(|e| e.proposed_level);
                let rating = match entered {
                    Some(level) => Some(level),
                    None => tx
                        .civil_service_rating(member_id, plan.year)
                        .await?
                        .map(|r| r.level),
                };
                facts.civil_service = Some(CivilService { rating });
            }
        }
        for status in tx.statuses(member_id).await? {
            if status.valid_to.is_none_or(|to| to > year_start) && status.valid_from <= on {
                facts.statuses.push(StatusPeriod {
                    kind: status.kind,
                    from: status.valid_from,
                    to: status.valid_to,
                });
            }
        }
        for leave in tx.leaves(member_id).await? {
            let to = leave.valid_to.unwrap_or(on);
            if to >= year_start && leave.valid_from <= on {
                facts.leave.push(LeavePeriod {
                    kind: leave.kind,
                    from: leave.valid_from,
                    to,
                });
            }
        }
        if tx
            .branch_of(member_id, MembershipKind::Temporary, on)
            .await?
            .is_some()
        {
            facts.temporary_activity = Some(TemporaryActivity {
                comment_received: has_input("temporary_branch_comment"),
            });
        }
        let transfers = tx.transfers(member_id).await?;
        if let Some(last) = transfers
            .iter()
            .filter(|t| t.effective_on >= year_start && t.effective_on <= on)
            .max_by_key(|t| t.effective_on)
        {
            let months = months_between(year_start, last.effective_on);
            facts.transfer = Some(Transfer {
                months_at_previous: months,
                previous_comment_received: has_input("previous_branch_comment"),
            });
        }
        // A violation at another organisation than the subject's unit counts there.
        facts.discipline = member_discipline(tx, member_id, subject.id, year_start, on, |r| {
            r.violation_org.is_some_and(|org| org != subject.unit_id)
        })
        .await?;
    }
    // The facts gathered in the year (conclusions, vote of confidence, key targets, force
    // majeure, earlier shortcomings), and those not known yet.
    crate::gathered::apply(tx, plan, subject, &mut facts).await?;
    Ok(facts)
}

/// The discipline decisions about a body dated `from..=to` (the evaluated year so far).
pub(crate) async fn body_discipline(
    tx: &mut Tx,
    body: DisciplinedBody,
    from: Date,
    to: Date,
) -> Result<Vec<NewUnitDiscipline>> {
    Ok(tx
        .unit_disciplines(body)
        .await?
        .into_iter()
        .map(|d| d.record)
        .filter(|r| r.decided_on >= from && r.decided_on <= to)
        .collect())
}

/// A member's discipline decisions dated `from..=to` as the rules crate's records, as read at
/// `subject`; `elsewhere` says which violations count at another unit than the one rated.
async fn member_discipline(
    tx: &mut Tx,
    member: uuid::Uuid,
    subject: uuid::Uuid,
    from: Date,
    to: Date,
    elsewhere: impl Fn(&NewDiscipline) -> bool,
) -> Result<Vec<DisciplineRecord>> {
    let mut out = Vec::new();
    for d in tx.disciplines(member).await? {
        let r = d.record;
        if r.decided_on < from || r.decided_on > to {
            continue;
        }
        // Counted before (the record's), unrelated to the collective's remit (recorded at this
        // collective's subject): facts gathered in the year ([`crate::gathered`]).
        let (counted_before, unrelated_to_collective) =
            crate::gathered::discipline_reading(tx, d.id, subject).await?;
        out.push(DisciplineRecord {
            form: r.form,
            violation_on: Some(r.violation_on),
            decided_on: r.decided_on,
            at_previous_unit: elsewhere(&r),
            duty_related: r.duty_related,
            self_detected_remedied: r.self_detected_remedied,
            counted_before,
            unrelated_to_collective,
            violation: None,
        });
    }
    Ok(out)
}

/// A body's discipline as the rules crate's record: a body's discipline is always about its
/// duties.
fn body_record(r: &NewUnitDiscipline) -> DisciplineRecord {
    DisciplineRecord {
        form: r.form,
        violation_on: Some(r.violation_on),
        decided_on: r.decided_on,
        at_previous_unit: false,
        duty_related: true,
        self_detected_remedied: r.self_detected_remedied,
        counted_before: false,
        unrelated_to_collective: false,
        violation: None,
    }
}

/// How many sub-organisations of `org` — those it had at any time in the year up to the review
/// date, so one dissolved since counts — were disciplined in the year, and how many of them for a
/// case of corruption, waste or negativity (not self-detected and remedied).
async fn sub_unit_discipline(tx: &mut Tx, plan: &Plan, org: uuid::Uuid) -> Result<(u32, u32)> {
    let year_start =
        Date::from_calendar_date(plan.year, Month::January, 1).unwrap_or(plan.review_date);
    let mut children = std::collections::BTreeSet::new();
    for on in [year_start, plan.review_date] {
        children.extend(tx.org_children(org, on).await?.into_iter().map(|o| o.id));
    }
    let (mut disciplined, mut corruption) = (0, 0);
    for child in children {
        let records = body_discipline(
            tx,
            DisciplinedBody::Org(child),
            year_start,
            plan.review_date,
        )
        .await?;
        if !records.is_empty() {
            disciplined += 1;
        }
        if records
            .iter()
            .any(|r| r.corruption_case && !r.self_detected_remedied)
        {
            corruption += 1;
        }
    }
    Ok((disciplined, corruption))
}

/// The discipline of the year of the members holding `posts`, as the rules crate's records: a
/// violation from before the member's earliest post among them counts where it happened.
async fn holders_discipline(
    tx: &mut Tx,
    subject: uuid::Uuid,
    posts: &[kiemdiem_store::leadership::Position],
    from: Date,
    to: Date,
) -> Result<Vec<DisciplineRecord>> {
    let mut joined: std::collections::BTreeMap<uuid::Uuid, Date> =
        std::collections::BTreeMap::new();
    for post in posts {
        if let kiemdiem_store::leadership::Holder::Member(member) = post.holder {
            let since = joined.entry(member).or_insert(post.valid_from);
            *since = (*since).min(post.valid_from);
        }
    }
    let mut out = Vec::new();
    for (member, joined_on) in joined {
        out.extend(
            member_discipline(tx, member, subject, from, to, |r| {
                r.violation_on < joined_on
            })
            .await?,
        );
    }
    Ok(out)
}

/// Whole months between two days (calendar months, rounded down; none when `to` is not after
/// `from`).
pub(crate) fn months_between(from: Date, to: Date) -> u32 {
    let months = (to.year() - from.year()) * 12 + i32::from(u8::from(to.month()))
        - i32::from(u8::from(from.month()));
    let months = if to.day() < from.day() {
        months - 1
    } else {
        months
    };
    months.max(0) as u32
}

/// How the members of an organisation (its branch members, or its sub-organisations) and its
/// own leadership collective stand so far in this plan.
async fn composition(
    tx: &mut Tx,
    plan: &Plan,
    subject: &SubjectRow,
    org: uuid::Uuid,
) -> Result<Composition> {
    let children: Vec<uuid::Uuid> = tx
        .org_children(org, plan.review_date)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let mut units = vec![org];
    units.extend(children.iter().copied());
    let mut members = LevelCounts::default();
    let mut rated_members = std::collections::BTreeSet::new();
    let mut subs = LevelCounts::default();
    let mut leadership = None;
    for row in tx.family_subjects(subject.plan_id, &units).await? {
        let Some(level) = row.level else {
            continue;
        };
        let kind = row.kind;
        if kind.is_member() && row.unit_id == org {
            members.add(level);
            rated_members.extend(row.member_id);
        } else if kind == SubjectKind::Organisation
            && row.org_id.is_some_and(|o| children.contains(&o))
        {
            subs.add(level);
        } else if kind == SubjectKind::Collective && row.unit_id == org {
            leadership = Some(level);
        }
    }
    let year_start =
        Date::from_calendar_date(plan.year, Month::January, 1).unwrap_or(plan.review_date);
    // Of the members rated so far (the share's base), those disciplined for a violation here.
    let disciplined_members = tx
        .members_disciplined_at(org, year_start, plan.review_date)
        .await?
        .into_iter()
        .filter(|m| rated_members.contains(m))
        .count() as u32;
    let (disciplined_sub_units, sub_units_with_corruption_cases) =
        sub_unit_discipline(tx, plan, org).await?;
    Ok(Composition {
        members: (members.total() > 0).then_some(members),
        disciplined_members,
        sub_organisations: (subs.total() > 0).then_some(subs),
        disciplined_sub_units,
        sub_units_with_corruption_cases,
        same_level_bodies: None,
        leadership_collective: leadership,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_are_whole_calendar_months() {
        assert_eq!(
            months_between(date!(2025 - 01 - 01), date!(2025 - 07 - 01)),
            6
        );
        assert_eq!(
            months_between(date!(2025 - 01 - 15), date!(2025 - 07 - 14)),
            5
        );
        assert_eq!(
            months_between(date!(2025 - 07 - 01), date!(2025 - 01 - 01)),
            0
        );
    }
}
