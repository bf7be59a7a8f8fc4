//! The questions of the black box besides classification: may a step happen now (order), is a
//! step on time (timing), what follows from a subject's history (flags and awards), and what an
//! era's levels are and how they compare (level vocabularies).

use super::{CaseError, error};
use crate::calendar;
use crate::cite::Citation;
use crate::history::{HistoryAnswer, YearLevel, history};
use crate::ordering::{MissingPredecessor, Precedence, Predecessor, check_order};
use crate::ruleset::RuleBook;
use crate::subject::SubjectKind;
use crate::timing::{self, DeadlineStep, TimingCheck, TimingStatus};
use crate::vocabulary::{Mapped, Vocabulary, parse_level, to_current, vocabulary};
use serde::{Deserialize, Serialize};
use time::Date;

/// `question: "order"`: may `step` happen now, given its predecessors as the caller found them?
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderCase {
    /// What is about to happen ("Xếp loại đồng chí Bí thư Đảng ủy xã").
    pub step: String,
    pub predecessors: Vec<Predecessor>,
}

/// A predecessor the era does not require.
#[derive(Debug, Clone, Serialize)]
pub struct NotRequired {
    pub precedence: Precedence,
    pub name: String,
    pub message: String,
}

/// An ordering the era imposes, with its source.
#[derive(Debug, Clone, Serialize)]
pub struct InForce {
    pub precedence: Precedence,
    pub name: &'static str,
    pub citation: Citation,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderAnswer {
    pub step: String,
    pub may_proceed: bool,
    /// Required predecessors not done, each with its rule.
    pub missing: Vec<MissingPredecessor>,
    /// Predecessors named whose ordering this era does not impose.
    pub not_required: Vec<NotRequired>,
    /// Every ordering the era imposes.
    pub in_force: Vec<InForce>,
}

pub(super) fn order(book: &RuleBook, case: &OrderCase) -> Result<OrderAnswer, CaseError> {
    if case.step.trim().is_empty() {
        return Err(error("order.step", "ghi rõ bước cần kiểm tra"));
    }
    let era = book.era();
    let missing = check_order(book, &case.predecessors)
        .err()
        .unwrap_or_default();
    let not_required = case
        .predecessors
        .iter()
        .filter(|p| era.precedence(p.precedence).is_none())
        .map(|p| NotRequired {
            precedence: p.precedence,
            name: p.name.clone(),
            message: format!(
                "Thời kỳ này không quy định thứ tự \"{}\"",
                p.precedence.name_vi()
            ),
        })
        .collect();
    let in_force = Precedence::ALL
        .into_iter()
        .filter_map(|p| {
            era.precedence(p).map(|source| InForce {
                precedence: p,
                name: p.name_vi(),
                citation: Citation::new(format!("{}.order.{p:?}", book.rule_set), source),
            })
        })
        .collect();
    Ok(OrderAnswer {
        step: case.step.clone(),
        may_proceed: missing.is_empty(),
        missing,
        not_required,
        in_force,
    })
}

/// A step done on a day, checked against a national deadline (`finish`,
/// `finish_special_unit`, `dossier`, `report`) or a local layer's deadline (by its text).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoneStep {
    pub step: String,
    pub on: Date,
}

/// `question: "timing"`: the notice, the meeting's length and the deadlines of the steps given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimingCase {
    /// The review meeting's day (needed for the notices).
    #[serde(default)]
    pub meeting_on: Option<Date>,
    /// When the draft collective report was sent to the participants.
    #[serde(default)]
    pub draft_sent_on: Option<Date>,
    /// When an individual's self-review reached the branch.
    #[serde(default)]
    pub self_review_submitted_on: Option<Date>,
    /// The meeting's body, a key of `review.min_meeting_half_days` (`default` when absent).
    #[serde(default)]
    pub body: Option<String>,
    /// The upper level suggested points to review (gợi ý kiểm điểm): the longer minimum.
    #[serde(default)]
    pub suggested: bool,
    /// How long the meeting lasted, in half-days (buổi).
    #[serde(default)]
    pub half_days: Option<u32>,
    #[serde(default)]
    pub done: Vec<DoneStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimingAnswer {
    /// The worst of the checks: `refused`, else `late`, else `on_time`.
    pub status: TimingStatus,
    pub checks: Vec<TimingCheck>,
}

pub(super) fn timing(
    book: &RuleBook,
    year: i32,
    case: &TimingCase,
) -> Result<TimingAnswer, CaseError> {
    let mut checks = Vec::new();
    let meeting = |field: &str| {
        case.meeting_on
            .ok_or_else(|| error(format!("timing.{field}"), "cần ngày hội nghị (meeting_on)"))
    };
    if let Some(sent) = case.draft_sent_on {
        checks.push(timing::draft_notice(
            book,
            calendar::national(),
            sent,
            meeting("draft_sent_on")?,
        ));
    }
    if let Some(submitted) = case.self_review_submitted_on {
        checks.push(timing::self_review_notice(
            book,
            submitted,
            meeting("self_review_submitted_on")?,
        ));
    }
    if let Some(half_days) = case.half_days {
        let body = case.body.as_deref().unwrap_or("default");
        checks.push(timing::meeting_length(
            book,
            body,
            case.suggested,
            half_days,
        ));
    } else if case.body.is_some() {
        return Err(error(
            "timing.half_days",
            "cần thời lượng hội nghị (số buổi)",
        ));
    }
    for (i, done) in case.done.iter().enumerate() {
        let national = DeadlineStep::ALL
            .into_iter()
            .find(|s| s.code() == done.step);
        let check = match national {
            Some(step) => timing::deadline(book, year, step, done.on),
            None => timing::local_deadline(book, year, &done.step, done.on).ok_or_else(|| {
                let mut steps: Vec<String> = DeadlineStep::ALL
                    .iter()
                    .map(|s| s.code().to_owned())
                    .collect();
                if let Some(local) = &book.local {
                    steps.extend(local.deadlines.iter().map(|d| format!("\"{}\"", d.step)));
                }
                error(
                    format!("timing.done[{i}].step"),
                    format!(
                        "không có thời hạn \"{}\"; các bước: {}",
                        done.step,
                        steps.join(", ")
                    ),
                )
            })?,
        };
        checks.push(check);
    }
    if checks.is_empty() {
        return Err(error(
            "timing",
            "không có gì để kiểm tra: ghi draft_sent_on, self_review_submitted_on, half_days hoặc done",
        ));
    }
    let status = [TimingStatus::Refused, TimingStatus::Late]
        .into_iter()
        .find(|s| checks.iter().any(|c| c.status == *s))
        .unwrap_or(TimingStatus::OnTime);
    Ok(TimingAnswer { status, checks })
}

/// `question: "history"`: the subject's levels of earlier years and of the case's year.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryCase {
    pub subject_kind: SubjectKind,
    pub years: Vec<YearLevel>,
}

pub(super) fn history_of(
    book: &RuleBook,
    year: i32,
    case: &HistoryCase,
) -> Result<HistoryAnswer, CaseError> {
    history(book, case.subject_kind, year, &case.years)
        .map_err(|e| error(format!("history.{}", e.field), e.problem))
}

/// `question: "level"`: the era's levels for a kind of subject, and optionally one of them
/// compared with the levels of 2018 onward.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelCase {
    pub subject_kind: SubjectKind,
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelAnswer {
    pub vocabulary: &'static Vocabulary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared: Option<Mapped>,
}

pub(super) fn level(book: &RuleBook, case: &LevelCase) -> Result<LevelAnswer, CaseError> {
    let vocabulary = vocabulary(book.rule_set, case.subject_kind);
    let compared = match &case.code {
        None => None,
        Some(code) => {
            let level = parse_level(book.rule_set, case.subject_kind, code)
                .map_err(|e| error("level.code", e.to_string()))?;
            Some(to_current(vocabulary, level))
        }
    };
    Ok(LevelAnswer {
        vocabulary,
        compared,
    })
}
