//! The black-box interface: a case file (JSON) in, a decision (JSON) out. A case describes one
//! subject, or a group of subjects with an optional secret ballot, under a year's rule set and an
//! optional local layer; the result carries eligibility, the score sheet, the allowed and suggested
//! levels with every constraining rule, the form, and for a group the quota position and the ballot
//! outcomes. The schema is documented with worked examples in `docs/rules-cases.md`.

use crate::authority::{Authority, Placement, authority};
use crate::ballot::{self, BallotOutcome, Denominator, RollEntry, Tally, Vote, VoteRefusal};
use crate::classify::{Classification, Context, classify};
use crate::eligibility::{Eligibility, eligibility};
use crate::facts::{LevelCounts, SubjectFacts};
use crate::forms::{Form, self_review_form};
use crate::framework::{self, EvaluationInput, Framework, ScoreSheet};
use crate::level::Level;
use crate::quota::{ExceptionalShareDecision, QuotaCheck, check_quota};
use crate::ruleset::{LocalLayer, RuleBook, RuleSetId, builtin_local_layer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// A case file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
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
    /// One subject (exclusive with `group`).
    #[serde(default)]
    pub subject: Option<SubjectCase>,
    /// A group of subjects decided together (exclusive with `subject`).
    #[serde(default)]
    pub group: Option<GroupCase>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum LocalLayerRef {
    Builtin(String),
    Inline(Box<LocalLayer>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FrameworkRef {
    Builtin(String),
    Inline(Box<Framework>),
}

/// One subject: its facts, and optionally its framework, evaluation and placement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectCase {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub facts: SubjectFacts,
    /// A shipped framework by id, or one inline; the national default when absent.
    #[serde(default)]
    pub framework: Option<FrameworkRef>,
    #[serde(default)]
    pub evaluation: Option<EvaluationInput>,
    /// Where the subject sits, to name who decides.
    #[serde(default)]
    pub placement: Option<Placement>,
    /// A level proposed for the subject (used by the group quota instead of the suggestion).
    #[serde(default)]
    pub proposed: Option<Level>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupCase {
    pub name: String,
    pub subjects: Vec<SubjectCase>,
    #[serde(default)]
    pub exceptional_share: Option<ExceptionalShareDecision>,
    #[serde(default)]
    pub ballot: Option<BallotCase>,
}

/// A secret ballot over the group's subjects: the roll and either the papers or the counted tallies.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotCase {
    pub roll: Vec<RollEntry>,
    #[serde(default)]
    pub papers: Option<Vec<BTreeMap<String, Vote>>>,
    #[serde(default)]
    pub tallies: Option<BTreeMap<String, Tally>>,
}

/// The decision for one subject.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectDecision {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub eligibility: Eligibility,
    pub form: Form,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreSheet>,
    /// Absent when the subject is not classified this year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
    /// The era's name of the suggested level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<Authority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Level>,
    /// Why the proposed level is refused, when it is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub proposal_refused: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
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
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupResult {
    pub name: String,
    pub subjects: Vec<SubjectDecision>,
    /// The levels the quota was checked on (proposed, else ballot outcome, else suggested).
    pub levels: LevelCounts,
    pub quota: QuotaCheck,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ballot: Option<BallotResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BallotResult {
    pub denominator: Denominator,
    pub not_entitled: Vec<VoteRefusal>,
    pub tallies: BTreeMap<String, Tally>,
    pub outcomes: BTreeMap<String, BallotOutcome>,
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

/// Decides a parsed case.
pub fn evaluate_case(case: &Case) -> Result<CaseResult, CaseError> {
    let rule_set = match case.rule_set {
        Some(id) => id,
        None => RuleSetId::for_year(case.year)
            .ok_or_else(|| error("year", format!("không có bộ quy tắc cho năm {}", case.year)))?,
    };
    let book = match &case.local_layer {
        None => RuleBook::national(rule_set),
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
            RuleBook::with_local(rule_set, layer).map_err(|e| error("local_layer", e.problem))?
        }
    };
    let as_of = match case.as_of {
        Some(date) => date,
        None => Date::from_calendar_date(case.year, time::Month::December, 31)
            .map_err(|e| error("year", e.to_string()))?,
    };
    let (subject, group) = match (&case.subject, &case.group) {
        (Some(subject), None) => (
            Some(decide_subject(&book, case.year, as_of, subject, "subject")?),
            None,
        ),
        (None, Some(group)) => (None, Some(decide_group(&book, case.year, as_of, group)?)),
        (Some(_), Some(_)) => {
            return Err(error(
                "subject",
                "chỉ ghi một trong hai: subject hoặc group",
            ));
        }
        (None, None) => return Err(error("subject", "thiếu đối tượng: ghi subject hoặc group")),
    };
    Ok(CaseResult {
        rule_set,
        legal_basis: rule_set.legal_basis(),
        local_layer: book.local.as_ref().map(|l| l.id.clone()),
        year: case.year,
        as_of,
        subject,
        group,
    })
}

fn decide_subject(
    book: &RuleBook,
    year: i32,
    as_of: Date,
    case: &SubjectCase,
    path: &str,
) -> Result<SubjectDecision, CaseError> {
    let facts = &case.facts;
    facts
        .validate()
        .map_err(|e| error(format!("{path}.facts.{}", e.field), e.problem))?;
    let eligibility = eligibility(book, facts, as_of);
    let form = self_review_form(book, facts.kind);
    let framework: Option<std::borrow::Cow<'_, Framework>> = match &case.framework {
        Some(FrameworkRef::Builtin(id)) => Some(std::borrow::Cow::Borrowed(
            framework::builtin_by_id(id).ok_or_else(|| {
                error(
                    format!("{path}.framework"),
                    format!("không có khung tiêu chí \"{id}\""),
                )
            })?,
        )),
        Some(FrameworkRef::Inline(inline)) => Some(std::borrow::Cow::Owned((**inline).clone())),
        None => framework::national(book.rule_set, facts.kind, facts.org_kind)
            .map(std::borrow::Cow::Borrowed),
    };
    if let Some(framework) = &framework {
        framework::check_against(framework, book)
            .map_err(|e| error(format!("{path}.framework"), e.to_string()))?;
        if !framework.applies_to(facts.kind, facts.org_kind) {
            return Err(error(
                format!("{path}.framework"),
                format!(
                    "khung {} không dùng cho {}",
                    framework.id,
                    facts.kind.name_vi()
                ),
            ));
        }
    }
    let score = match (&case.evaluation, &framework) {
        (Some(input), Some(framework)) => Some(
            framework::score(framework, book, input)
                .map_err(|e| error(format!("{path}.evaluation.{}", e.field), e.problem))?,
        ),
        (Some(_), None) => {
            return Err(error(
                format!("{path}.evaluation"),
                "không có khung tiêu chí để chấm",
            ));
        }
        (None, _) => None,
    };
    let classification = eligibility.classified().then(|| {
        classify(&Context {
            book,
            year,
            as_of,
            facts,
            score: score.as_ref(),
        })
    });
    let suggested_name = classification
        .as_ref()
        .and_then(|c| c.suggested)
        .map(|level| book.era().level_name(level, facts.kind).to_owned());
    let placement = case.placement.or_else(|| {
        facts.org_kind.map(|org_kind| Placement {
            org_kind,
            under_partial_committee: false,
        })
    });
    let mut proposal_refused = Vec::new();
    if let Some(proposed) = case.proposed {
        match &classification {
            None => proposal_refused.push("Đối tượng không được xếp loại năm nay".to_owned()),
            Some(c) if !c.permits(proposed) => {
                for finding in c.caps_below(proposed) {
                    proposal_refused
                        .push(format!("{} — {}", finding.message, finding.citation.source));
                }
            }
            Some(_) => {}
        }
    }
    Ok(SubjectDecision {
        id: case.id.clone(),
        name: case.name.clone(),
        eligibility,
        form,
        framework: framework.map(|f| f.id.clone()),
        score,
        classification,
        suggested_name,
        authority: placement.map(|p| authority(book, facts.kind, p)),
        proposed: case.proposed,
        proposal_refused,
    })
}

fn decide_group(
    book: &RuleBook,
    year: i32,
    as_of: Date,
    group: &GroupCase,
) -> Result<GroupResult, CaseError> {
    if group.subjects.is_empty() {
        return Err(error("group.subjects", "nhóm không có đối tượng nào"));
    }
    let mut decisions = Vec::new();
    let mut ids = Vec::new();
    for (i, subject) in group.subjects.iter().enumerate() {
        let path = format!("group.subjects[{i}]");
        let id = subject.id.clone().ok_or_else(|| {
            error(
                format!("{path}.id"),
                "mỗi đối tượng trong nhóm phải có mã (id)",
            )
        })?;
        if ids.contains(&id) {
            return Err(error(format!("{path}.id"), format!("mã \"{id}\" bị trùng")));
        }
        ids.push(id);
        decisions.push(decide_subject(book, year, as_of, subject, &path)?);
    }
    let ballot = match &group.ballot {
        Some(ballot_case) => Some(run_ballot(book, ballot_case, &ids)?),
        None => None,
    };
    let mut levels = LevelCounts::default();
    for (decision, id) in decisions.iter().zip(&ids) {
        let from_ballot = ballot.as_ref().and_then(|b| match b.outcomes.get(id) {
            Some(BallotOutcome::Level { level, .. }) => Some(*level),
            _ => None,
        });
        let level = decision
            .proposed
            .or(from_ballot)
            .or_else(|| decision.classification.as_ref().and_then(|c| c.suggested));
        if let Some(level) = level {
            levels.add(level);
        }
    }
    let quota = check_quota(book, &levels, group.exceptional_share.as_ref())
        .map_err(|e| error(format!("group.{}", e.field), e.problem))?;
    Ok(GroupResult {
        name: group.name.clone(),
        subjects: decisions,
        levels,
        quota,
        ballot,
    })
}

fn run_ballot(
    book: &RuleBook,
    case: &BallotCase,
    agenda: &[String],
) -> Result<BallotResult, CaseError> {
    let denominator = ballot::denominator(book, &case.roll);
    let not_entitled = case
        .roll
        .iter()
        .filter_map(|entry| ballot::may_vote(book, entry).err())
        .collect();
    let tallies = match (&case.papers, &case.tallies) {
        (Some(papers), None) => {
            if papers.len() as u32 > denominator.present_voters {
                return Err(error(
                    "group.ballot.papers",
                    format!(
                        "{} phiếu nhưng chỉ có {} người có quyền biểu quyết có mặt",
                        papers.len(),
                        denominator.present_voters
                    ),
                ));
            }
            for (i, paper) in papers.iter().enumerate() {
                if let Some(unknown) = paper.keys().find(|k| !agenda.contains(k)) {
                    return Err(error(
                        format!("group.ballot.papers[{i}]"),
                        format!("đối tượng \"{unknown}\" không có trong danh sách biểu quyết"),
                    ));
                }
            }
            ballot::tally(agenda, papers.iter())
        }
        (None, Some(tallies)) => {
            if let Some(unknown) = tallies.keys().find(|k| !agenda.contains(k)) {
                return Err(error(
                    "group.ballot.tallies",
                    format!("đối tượng \"{unknown}\" không có trong danh sách biểu quyết"),
                ));
            }
            tallies.clone()
        }
        _ => {
            return Err(error(
                "group.ballot",
                "ghi một trong hai: papers (phiếu) hoặc tallies (kết quả kiểm phiếu)",
            ));
        }
    };
    let mut outcomes = BTreeMap::new();
    for (subject, tally) in &tallies {
        let result = ballot::outcome(book, tally, &denominator)
            .map_err(|e| error(format!("group.ballot.tallies.{subject}"), e.problem))?;
        outcomes.insert(subject.clone(), result);
    }
    Ok(BallotResult {
        denominator,
        not_entitled,
        tallies,
        outcomes,
    })
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
    fn subject_and_group_are_exclusive() {
        let text = r#"{"year": 2025}"#;
        assert_eq!(run_case(text).unwrap_err().field, "subject");
    }
}
