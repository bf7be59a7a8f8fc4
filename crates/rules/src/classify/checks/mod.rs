//! The individual checks of classification. Each reads only the facts and the parameters of the
//! pinned rule book; a rule whose parameter is absent in an era does not exist in that era.

use super::{Context, Effect, Finding};
use crate::cite::Citation;
use crate::facts::{
    DisciplineRecord, FactCode, LevelCounts, TaskResults, counted_once,
    discipline_counts_at_current_unit,
};
use crate::level::Level;
use crate::ruleset::params::{ConclusionKind, DisciplineParams, SelfDetectedTreatment};
use crate::share::Share;
use crate::subject::{LeaveKind, SubjectKind};
use time::{Date, Month};

mod body;
mod discipline;
mod individual;
mod leader;
mod local;
mod order;
mod tasks;

use body::{body_task_floor, clean_record, composition, disciplined_units, organisation_defects};
use discipline::{body_discipline, collective_member_discipline, member_discipline};
use individual::{civil_service, conclusions, maternity, sick_leave, task_floor};
use leader::{confidence_vote, key_targets, led_units};
use local::{head_not_above_unit, no_htxsnv_with_khtnv_member};
use order::{blocking_matters, unit_before_head};
use tasks::{any_kem, conditions_gap, own_task_levels, previous_defects};

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
    conditions_gap,
    confidence_vote,
    key_targets,
    body_discipline,
    collective_member_discipline,
    clean_record,
    body_task_floor,
    disciplined_units,
    composition,
    organisation_defects,
    unit_before_head,
    head_not_above_unit,
    no_htxsnv_with_khtnv_member,
    blocking_matters,
];

fn push(findings: &mut Vec<Finding>, effect: Effect, message: String, rule: &str, source: &str) {
    findings.push(Finding {
        effect,
        message,
        citation: Citation::new(rule, source),
        missing_fact: None,
    });
}

/// The rule `rule` needs `fact`, which is not known yet: the subject waits for it, the fact named
/// in Vietnamese and by its code — never read as a silent "no".
fn push_missing(findings: &mut Vec<Finding>, fact: FactCode, rule: &str, source: &str) {
    if findings
        .iter()
        .any(|f| f.missing_fact == Some(fact) && f.citation.rule == rule)
    {
        return;
    }
    findings.push(Finding {
        effect: Effect::Pending,
        message: format!("Chưa ghi nhận {} (mã: {})", fact.name_vi(), fact.code()),
        citation: Citation::new(rule, source),
        missing_fact: Some(fact),
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
