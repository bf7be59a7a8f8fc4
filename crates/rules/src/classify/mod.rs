//! Classification (xếp loại): from the facts and the score, the highest level the rules allow, the
//! suggested level, and every rule that constrained it with its source. Each rule is a small check
//! in [`checks`] that can only lower a ceiling, ask for a reasoned decision of the competent level
//! ("xem xét cụ thể từng trường hợp"), block until a predecessor is decided, or leave a note — so
//! adding a rule can never raise a level.

mod checks;

use crate::cite::Citation;
use crate::facts::SubjectFacts;
use crate::framework::ScoreSheet;
use crate::level::Level;
use crate::ruleset::RuleBook;
use serde::{Deserialize, Serialize};
use time::Date;

/// Everything a classification looks at.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub book: &'a RuleBook,
    /// The evaluation year: disciplines and leave are counted within it.
    pub year: i32,
    /// The date of the review (tenure is measured up to it).
    pub as_of: Date,
    pub facts: &'a SubjectFacts,
    /// The score sheet, once the subject has been scored.
    pub score: Option<&'a ScoreSheet>,
}

/// What a rule does to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// The level may not be higher than `max`.
    Cap { max: Level },
    /// The competent level must weigh the case and record a reasoned decision.
    CaseByCase,
    /// Something that must come first is missing; no level can be decided yet.
    Pending,
    /// Information for the people deciding; changes nothing.
    Note,
}

/// One rule that fired, with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    #[serde(flatten)]
    pub effect: Effect,
    /// What happened, in Vietnamese, with the facts that triggered it.
    pub message: String,
    pub citation: Citation,
    /// For a pending finding waiting for a fact not known yet: that fact's stable code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_fact: Option<crate::facts::FactCode>,
}

/// Whether a level can be decided now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Readiness {
    /// The suggested level follows from the rules.
    Ready,
    /// A rule asks the competent level for a reasoned decision within `[lowest, allowed]`.
    DecisionRequired,
    /// A predecessor (rating of a unit, civil-service rating, score …) is missing.
    Pending,
}

/// The result of classifying one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub readiness: Readiness,
    /// The level the score alone reaches, once scored.
    pub score_level: Option<Level>,
    /// The highest level the other rules allow.
    pub allowed: Level,
    /// `min(score level, allowed)` when ready; `None` otherwise (never a guess).
    pub suggested: Option<Level>,
    /// Every rule that capped, flagged, blocked or noted, in the order checked.
    pub findings: Vec<Finding>,
}

impl Classification {
    /// Whether `level` may be decided for this subject by an ordinary decision.
    pub fn permits(&self, level: Level) -> bool {
        level <= self.allowed
    }

    /// The rules that cap the level below `level`, to cite in a refusal.
    pub fn caps_below(&self, level: Level) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| matches!(f.effect, Effect::Cap { max } if max < level))
    }
}

/// Classifies one subject.
pub fn classify(context: &Context<'_>) -> Classification {
    let mut findings = Vec::new();
    for check in checks::ALL {
        check(context, &mut findings);
    }
    let allowed = findings
        .iter()
        .filter_map(|f| match f.effect {
            Effect::Cap { max } => Some(max),
            _ => None,
        })
        .min()
        .unwrap_or(Level::Htxsnv);
    let score_level = context.score.map(|s| s.level);
    let pending = findings.iter().any(|f| f.effect == Effect::Pending);
    let case_by_case = findings.iter().any(|f| f.effect == Effect::CaseByCase);
    // A reasoned decision is only asked for when something is left to weigh: where the score or
    // another rule already puts the subject at KHTNV, that is the level.
    let floor_reached = score_level.is_some_and(|level| level.min(allowed) == Level::Khtnv);
    let readiness = if pending || score_level.is_none() {
        Readiness::Pending
    } else if case_by_case && !floor_reached {
        Readiness::DecisionRequired
    } else {
        Readiness::Ready
    };
    let suggested = match readiness {
        Readiness::Ready => score_level.map(|level| level.min(allowed)),
        _ => None,
    };
    Classification {
        readiness,
        score_level,
        allowed,
        suggested,
        findings,
    }
}

#[cfg(test)]
mod reading_tests;
#[cfg(test)]
mod tests;
