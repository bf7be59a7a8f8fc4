//! Classification cases: one subject, or a group decided together with its quota and secret
//! ballot. Levels proposed or shown are in the era's vocabulary.

use super::{CaseError, error};
use crate::authority::{Authority, BranchDecider, Placement, authority_for};
use crate::ballot::{self, Denominator, RollEntry, RoundOutcome, Tally, Vote, VoteRefusal};
use crate::classify::{Classification, Context, classify};
use crate::eligibility::{Eligibility, eligibility_in_year};
use crate::facts::{LevelCounts, SubjectFacts};
use crate::forms::{Form, self_review_form};
use crate::framework::{self, EvaluationInput, Framework, ScoreSheet};
use crate::level::Level;
use crate::quota::{ExceptionalShareDecision, QuotaCheck, check_quota};
use crate::ruleset::RuleBook;
use crate::vocabulary::{Vocabulary, parse_level, vocabulary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

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
    /// For a chi bộ trực thuộc or a đảng bộ bộ phận: which of the era's deciders decides it
    /// (HD 43 Mục 3); the era's default when absent.
    #[serde(default)]
    pub decided_by: Option<BranchDecider>,
    /// A level proposed for the subject, in the era's vocabulary (used by the group quota instead
    /// of the suggestion); a level of another era is refused.
    #[serde(default)]
    pub proposed: Option<String>,
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
    /// The round of this ballot (1 when absent): a further round is held only up to
    /// `ballot.max_rounds` of the rule book.
    #[serde(default)]
    pub round: Option<u32>,
    pub roll: Vec<RollEntry>,
    #[serde(default)]
    pub papers: Option<Vec<BTreeMap<String, Vote>>>,
    #[serde(default)]
    pub tallies: Option<BTreeMap<String, Tally>>,
}

/// The decision for one subject. Its levels are shown in the era's vocabulary: a decision of
/// 2015 reads "TSVM", never "HTXSNV" ([`SubjectDecision::to_view`]).
#[derive(Debug, Clone)]
pub struct SubjectDecision {
    /// The era's levels for the subject's kind.
    pub vocabulary: &'static Vocabulary,
    pub id: Option<String>,
    pub name: Option<String>,
    pub eligibility: Eligibility,
    pub form: Form,
    pub framework: Option<String>,
    pub score: Option<ScoreSheet>,
    /// Absent when the subject is not classified this year.
    pub classification: Option<Classification>,
    /// The era's name of the suggested level.
    pub suggested_name: Option<String>,
    pub authority: Option<Authority>,
    pub proposed: Option<Level>,
    /// Why the proposed level is refused, when it is.
    pub proposal_refused: Vec<String>,
}

/// [`SubjectDecision`] as shown: the same fields, levels in the era's vocabulary.
#[derive(Serialize)]
struct SubjectDecisionView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: &'a Option<String>,
    eligibility: &'a Eligibility,
    form: &'a Form,
    #[serde(skip_serializing_if = "Option::is_none")]
    framework: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<Shown<'a, ScoreSheet>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    classification: Option<Shown<'a, Classification>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested_name: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authority: &'a Option<Authority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    proposed: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    proposal_refused: &'a Vec<String>,
}

/// A value as it is (levels of 2018 onward), or rewritten into an earlier era's vocabulary.
#[derive(Serialize)]
#[serde(untagged)]
enum Shown<'a, T> {
    AsIs(&'a T),
    Rewritten(serde_json::Value),
}

/// Rewrites the four ranks' codes at the keys that hold a level into the vocabulary's codes.
fn in_vocabulary(value: &mut serde_json::Value, vocabulary: &Vocabulary) {
    const LEVEL_KEYS: [&str; 5] = ["level", "score_level", "allowed", "suggested", "max"];
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    serde_json::Value::String(code) if LEVEL_KEYS.contains(&key.as_str()) => {
                        if let Some(rank) = Level::parse(code) {
                            *code = vocabulary.of(rank).code.to_owned();
                        }
                    }
                    other => in_vocabulary(other, vocabulary),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                in_vocabulary(item, vocabulary);
            }
        }
        _ => {}
    }
}

impl Serialize for SubjectDecision {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        fn shown<'a, T: Serialize, E: serde::ser::Error>(
            value: &'a Option<T>,
            vocabulary: &Vocabulary,
        ) -> Result<Option<Shown<'a, T>>, E> {
            match value {
                None => Ok(None),
                Some(v) if vocabulary.is_current() => Ok(Some(Shown::AsIs(v))),
                Some(v) => {
                    let mut json = serde_json::to_value(v).map_err(E::custom)?;
                    in_vocabulary(&mut json, vocabulary);
                    Ok(Some(Shown::Rewritten(json)))
                }
            }
        }
        SubjectDecisionView {
            id: &self.id,
            name: &self.name,
            eligibility: &self.eligibility,
            form: &self.form,
            framework: &self.framework,
            score: shown(&self.score, self.vocabulary)?,
            classification: shown(&self.classification, self.vocabulary)?,
            suggested_name: &self.suggested_name,
            authority: &self.authority,
            proposed: self.proposed.map(|level| self.vocabulary.of(level).code),
            proposal_refused: &self.proposal_refused,
        }
        .serialize(serializer)
    }
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
    /// Each subject's outcome in this round and what follows it (decided, escalated, or a
    /// further round under the rule book's policy).
    pub outcomes: BTreeMap<String, RoundOutcome>,
}

pub(super) fn decide_subject(
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
    let eligibility = eligibility_in_year(book, facts, year, as_of);
    let vocabulary = vocabulary(book.rule_set, facts.kind);
    let proposed = match &case.proposed {
        None => None,
        Some(code) => Some(
            parse_level(book.rule_set, facts.kind, code)
                .map_err(|e| error(format!("{path}.proposed"), e.to_string()))?
                .rank,
        ),
    };
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
    let authority = match placement {
        None => None,
        Some(p) => Some(
            authority_for(book, facts.kind, p, case.decided_by)
                .map_err(|e| error(format!("{path}.decided_by"), e.problem))?,
        ),
    };
    let mut proposal_refused = Vec::new();
    if let Some(proposed) = proposed {
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
        vocabulary,
        id: case.id.clone(),
        name: case.name.clone(),
        eligibility,
        form,
        framework: framework.map(|f| f.id.clone()),
        score,
        classification,
        suggested_name,
        authority,
        proposed,
        proposal_refused,
    })
}

pub(super) fn decide_group(
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
            Some(RoundOutcome {
                outcome: ballot::BallotOutcome::Level { level, .. },
                ..
            }) => Some(*level),
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
    let round = case.round.unwrap_or(1);
    if round == 0 {
        return Err(error("group.ballot.round", "vòng bỏ phiếu bắt đầu từ 1"));
    }
    let mut outcomes = BTreeMap::new();
    for (subject, tally) in &tallies {
        let result = ballot::outcome_in_round(book, tally, &denominator, round)
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
