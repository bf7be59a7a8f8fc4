//! The black-box interface: a case file (JSON) in, an answer (JSON) out, for every question the
//! rules decide. A case names its year (hence its rule set), an optional local layer, and a
//! `question`: `classify` (the default: one subject, or a group with its quota and secret ballot),
//! `order` (may a step happen now), `timing` (notice, meeting length, deadlines), `history`
//! (flags and awards from earlier years) or `level` (the era's level vocabulary and how it
//! compares). The schema is documented with worked examples in `docs/rules-cases.md`.

mod classify;
mod questions;

pub use classify::{
    BallotCase, BallotResult, FrameworkRef, GroupCase, GroupResult, SubjectCase, SubjectDecision,
};
pub use questions::{
    DoneStep, HistoryCase, InForce, LevelAnswer, LevelCase, NotRequired, OrderAnswer, OrderCase,
    TimingAnswer, TimingCase,
};

use crate::history::HistoryAnswer;
use crate::ruleset::{LocalLayer, RuleBook, RuleSetId, builtin_local_layer};
use serde::{Deserialize, Serialize};
use time::Date;

/// What a case asks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// The level of one subject, or of a group with its quota and ballot (`subject` / `group`).
    #[default]
    Classify,
    /// May a step happen now, or which predecessor is missing (`order`).
    Order,
    /// Notice, meeting length and deadlines (`timing`).
    Timing,
    /// Flags and award eligibility from the levels of earlier years (`history`).
    History,
    /// The era's levels and their mapping to the levels of 2018 onward (`level`).
    Level,
}

impl Question {
    pub const ALL: [Question; 5] = [
        Question::Classify,
        Question::Order,
        Question::Timing,
        Question::History,
        Question::Level,
    ];

    fn code(self) -> &'static str {
        match self {
            Question::Classify => "classify",
            Question::Order => "order",
            Question::Timing => "timing",
            Question::History => "history",
            Question::Level => "level",
        }
    }
}

/// A case file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case asks; `classify` when absent (every case file written before the other
    /// questions existed).
    #[serde(default)]
    pub question: Question,
    /// The evaluation year.
    pub year: i32,
    /// The rule set; the year's default when absent.
    #[serde(default)]
    pub rule_set: Option<RuleSetId>,
    /// A shipped local layer by id, or a whole local layer inline.
    #[serde(default)]
    pub local_layer: Option<LocalLayerRef>,
    /// The review date; 31 December of the year when absent.
    #[serde(default)]
    pub as_of: Option<Date>,
    /// `classify`: one subject (exclusive with `group`).
    #[serde(default)]
    pub subject: Option<SubjectCase>,
    /// `classify`: a group of subjects decided together (exclusive with `subject`).
    #[serde(default)]
    pub group: Option<GroupCase>,
    #[serde(default)]
    pub order: Option<OrderCase>,
    #[serde(default)]
    pub timing: Option<TimingCase>,
    #[serde(default)]
    pub history: Option<HistoryCase>,
    #[serde(default)]
    pub level: Option<LevelCase>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum LocalLayerRef {
    Builtin(String),
    Inline(Box<LocalLayer>),
}

/// The answer to a case: the rule set it was decided under, and the answer to its question.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub question: Question,
    pub rule_set: RuleSetId,
    pub legal_basis: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_layer: Option<String>,
    pub year: i32,
    pub as_of: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<SubjectDecision>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderAnswer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<TimingAnswer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryAnswer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<LevelAnswer>,
}

/// A bad case: the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{field}: {problem}")]
pub struct CaseError {
    pub field: String,
    pub problem: String,
}

fn error(field: impl Into<String>, problem: impl Into<String>) -> CaseError {
    CaseError {
        field: field.into(),
        problem: problem.into(),
    }
}

/// Parses a case from JSON text, naming the field of the first problem.
pub fn parse_case(text: &str) -> Result<Case, CaseError> {
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = if path == "." || path == "?" || path.is_empty() {
            format!("dòng {}, cột {}", inner.line(), inner.column())
        } else {
            path
        };
        error(field, inner.to_string())
    })
}

/// Runs a case text end to end.
pub fn run_case(text: &str) -> Result<CaseResult, CaseError> {
    evaluate_case(&parse_case(text)?)
}

fn rule_book(case: &Case) -> Result<RuleBook, CaseError> {
    let rule_set = match case.rule_set {
        Some(id) => id,
        None => RuleSetId::for_year(case.year)
            .ok_or_else(|| error("year", format!("không có bộ quy tắc cho năm {}", case.year)))?,
    };
    match &case.local_layer {
        None => Ok(RuleBook::national(rule_set)),
        Some(reference) => {
            let layer = match reference {
                LocalLayerRef::Builtin(id) => builtin_local_layer(id)
                    .ok_or_else(|| {
                        error(
                            "local_layer",
                            format!("không có lớp quy định địa phương \"{id}\""),
                        )
                    })?
                    .clone(),
                LocalLayerRef::Inline(layer) => (**layer).clone(),
            };
            RuleBook::with_local(rule_set, layer).map_err(|e| error("local_layer", e.problem))
        }
    }
}

/// Refuses the inputs of other questions than the case's own.
fn only_own_inputs(case: &Case) -> Result<(), CaseError> {
    let given = [
        (Question::Classify, "subject", case.subject.is_some()),
        (Question::Classify, "group", case.group.is_some()),
        (Question::Order, "order", case.order.is_some()),
        (Question::Timing, "timing", case.timing.is_some()),
        (Question::History, "history", case.history.is_some()),
        (Question::Level, "level", case.level.is_some()),
    ];
    match given
        .iter()
        .find(|(q, _, present)| *present && *q != case.question)
    {
        Some((_, field, _)) => Err(error(
            *field,
            format!(
                "\"{field}\" không thuộc câu hỏi \"{}\" (question)",
                case.question.code()
            ),
        )),
        None => Ok(()),
    }
}

fn required<T>(input: &Option<T>, question: Question) -> Result<&T, CaseError> {
    input.as_ref().ok_or_else(|| {
        error(
            question.code(),
            format!("câu hỏi \"{0}\" cần mục \"{0}\"", question.code()),
        )
    })
}

/// Answers a parsed case.
pub fn evaluate_case(case: &Case) -> Result<CaseResult, CaseError> {
    let book = rule_book(case)?;
    let as_of = match case.as_of {
        Some(date) => date,
        None => Date::from_calendar_date(case.year, time::Month::December, 31)
            .map_err(|e| error("year", e.to_string()))?,
    };
    only_own_inputs(case)?;
    let mut result = CaseResult {
        question: case.question,
        rule_set: book.rule_set,
        legal_basis: book.rule_set.legal_basis(),
        local_layer: book.local.as_ref().map(|l| l.id.clone()),
        year: case.year,
        as_of,
        subject: None,
        group: None,
        order: None,
        timing: None,
        history: None,
        level: None,
    };
    match case.question {
        Question::Classify => match (&case.subject, &case.group) {
            (Some(subject), None) => {
                result.subject = Some(classify::decide_subject(
                    &book, case.year, as_of, subject, "subject",
                )?)
            }
            (None, Some(group)) => {
                result.group = Some(classify::decide_group(&book, case.year, as_of, group)?)
            }
            (Some(_), Some(_)) => {
                return Err(error(
                    "subject",
                    "chỉ ghi một trong hai: subject hoặc group",
                ));
            }
            (None, None) => {
                return Err(error("subject", "thiếu đối tượng: ghi subject hoặc group"));
            }
        },
        Question::Order => {
            result.order = Some(questions::order(
                &book,
                required(&case.order, Question::Order)?,
            )?)
        }
        Question::Timing => {
            result.timing = Some(questions::timing(
                &book,
                case.year,
                required(&case.timing, Question::Timing)?,
            )?)
        }
        Question::History => {
            result.history = Some(questions::history_of(
                &book,
                case.year,
                required(&case.history, Question::History)?,
            )?)
        }
        Question::Level => {
            result.level = Some(questions::level(
                &book,
                required(&case.level, Question::Level)?,
            )?)
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_field_is_named_with_its_path() {
        let text = r#"{"year": 2025, "subject": {"facts": {"kind": "member_without_post", "discipline": [{"form": "phat_tien", "decided_on": "2025-03-01"}]}}}"#;
        let error = run_case(text).unwrap_err();
        assert_eq!(error.field, "subject.facts.discipline[0].form");
        assert!(error.problem.contains("phat_tien"), "{error}");
    }

    #[test]
    fn broken_json_names_line_and_column() {
        let error = run_case("{\"year\": 2025,\n \"subject\": }").unwrap_err();
        assert_eq!(error.field, "subject");
        assert!(error.problem.contains("line 2"), "{error}");
        let error = run_case("{\"year\": 2025,,}").unwrap_err();
        assert!(error.field.contains("dòng 1"), "{error}");
    }

    #[test]
    fn inconsistent_facts_are_refused_with_their_field() {
        let text = r#"{"year": 2025, "subject": {"facts": {"kind": "member_without_post", "tasks": {"assigned": 5, "completed": 6, "on_time": 5, "exceeded": 0}}}}"#;
        assert_eq!(
            run_case(text).unwrap_err().field,
            "subject.facts.tasks.completed"
        );
    }

    #[test]
    fn a_year_picks_its_rule_set_and_a_subject_gets_its_form() {
        let text = r#"{"year": 2024, "subject": {"facts": {"kind": "member_with_post"}}}"#;
        let result = run_case(text).unwrap();
        assert_eq!(result.rule_set, RuleSetId::Qd124Hd25);
        assert_eq!(result.subject.unwrap().form.code, "Mẫu 02B-HD KĐ.ĐG 2023");
    }

    #[test]
    fn a_case_without_question_is_a_classification_and_inputs_must_match_the_question() {
        let text = r#"{"year": 2025, "subject": {"facts": {"kind": "member_with_post"}}}"#;
        assert_eq!(run_case(text).unwrap().question, Question::Classify);
        let text = r#"{"question": "order", "year": 2025, "subject": {"facts": {"kind": "member_with_post"}}}"#;
        let error = run_case(text).unwrap_err();
        assert_eq!(error.field, "subject");
        assert!(error.problem.contains("order"), "{error}");
        let text = r#"{"question": "timing", "year": 2025}"#;
        assert_eq!(run_case(text).unwrap_err().field, "timing");
        let text = r#"{"question": "timing", "year": 2025, "timing": {"done": [{"step": "nop_ho_so", "on": "2026-01-10"}]}}"#;
        let error = run_case(text).unwrap_err();
        assert_eq!(error.field, "timing.done[0].step");
        assert!(error.problem.contains("dossier"), "{error}");
    }

    #[test]
    fn a_level_of_another_era_is_refused_in_every_question() {
        // HD 27 (2015): "Trong sạch, vững mạnh", never "HTXSNV".
        let text = r#"{"question": "level", "year": 2015, "level": {"subject_kind": "organisation", "code": "HTXSNV"}}"#;
        let error = run_case(text).unwrap_err();
        assert_eq!(error.field, "level.code");
        assert!(error.problem.contains("TSVM"), "{error}");
        let text = r#"{"year": 2015, "subject": {"facts": {"kind": "organisation", "org_kind": "grassroots_branch"}, "proposed": "HTXSNV"}}"#;
        assert_eq!(run_case(text).unwrap_err().field, "subject.proposed");
        let text = r#"{"year": 2015, "subject": {"facts": {"kind": "organisation", "org_kind": "grassroots_branch"}, "proposed": "TSVM"}}"#;
        let json = serde_json::to_value(run_case(text).unwrap()).unwrap();
        assert_eq!(json["subject"]["proposed"], "TSVM");
    }

    #[test]
    fn a_decider_the_era_does_not_list_is_refused() {
        let text = r#"{"year": 2020, "subject": {"facts": {"kind": "organisation", "org_kind": "subordinate_branch"}, "decided_by": "upper_standing_committee"}}"#;
        let error = run_case(text).unwrap_err();
        assert_eq!(error.field, "subject.decided_by");
    }

    #[test]
    fn subject_and_group_are_exclusive() {
        let text = r#"{"year": 2025}"#;
        assert_eq!(run_case(text).unwrap_err().field, "subject");
    }
}
