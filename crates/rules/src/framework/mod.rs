//! Criteria frameworks (khung tiêu chí): the data model, the frameworks shipped with kiemdiem for
//! every subject kind of every rule set, and scoring.

mod model;
mod score;

pub use model::{
    Criterion, CriterionGroup, Framework, FrameworkError, GradeFloor, GradeLevels, Leaf, Scale,
};
pub use score::{
    Adjustment, AppliedAdjustment, CriterionScore, EvaluationInput, GroupScore, ScoreError,
    ScoreSheet, score,
};

use crate::ruleset::{RuleBook, RuleSetId};
use crate::subject::{OrgKind, SubjectKind};
use std::sync::OnceLock;

macro_rules! embedded {
    ($($path:literal),* $(,)?) => {
        [$(($path, include_str!(concat!("../../data/frameworks/", $path)))),*]
    };
}

const FILES: [(&str, &str); 16] = embedded![
    "qd366-hd43/collective.toml",
    "qd366-hd43/leader.toml",
    "qd366-hd43/member-without-post.toml",
    "qd366-hd43/member-outside-system.toml",
    "qd124-hd25/organisation.toml",
    "qd124-hd25/collective.toml",
    "qd124-hd25/member.toml",
    "qd124-hd25/leader.toml",
    "qd132/organisation.toml",
    "qd132/collective.toml",
    "qd132/member.toml",
    "qd132/leader.toml",
    "hd27/organisation.toml",
    "hd27/member.toml",
    "local/seed003-organisation.toml",
    "local/seed003-individual.toml",
];

/// Every framework shipped with kiemdiem: the national defaults and the local ones of the seeds.
pub fn builtin() -> &'static [Framework] {
    static FRAMEWORKS: OnceLock<Vec<Framework>> = OnceLock::new();
    FRAMEWORKS.get_or_init(|| {
        FILES
            .iter()
            .map(|(file, text)| {
                Framework::from_toml(file, text)
                    .unwrap_or_else(|error| panic!("embedded framework is invalid: {error}"))
            })
            .collect()
    })
}

/// A shipped framework by id.
pub fn builtin_by_id(id: &str) -> Option<&'static Framework> {
    builtin().iter().find(|f| f.id == id)
}

/// The national default framework for a subject under a rule set (local frameworks excluded).
pub fn national(
    rule_set: RuleSetId,
    kind: SubjectKind,
    org_kind: Option<OrgKind>,
) -> Option<&'static Framework> {
    builtin()
        .iter()
        .filter(|f| !f.id.starts_with("seed"))
        .find(|f| f.rule_sets.contains(&rule_set) && f.applies_to(kind, org_kind))
}

/// Checks that a framework may be used under a rule book: it names the rule set, and a points
/// framework respects the national invariants (QĐ 366: 30 + 70 = 100, cut-offs 90/70/50).
pub fn check_against(framework: &Framework, book: &RuleBook) -> Result<(), FrameworkError> {
    let fail = |problem: String| {
        Err(FrameworkError {
            file: framework.id.clone(),
            criterion: None,
            problem,
        })
    };
    if !framework.rule_sets.contains(&book.rule_set) {
        return fail(format!(
            "khung tiêu chí không áp dụng cho bộ quy tắc {}",
            book.rule_set
        ));
    }
    if framework.scale == Scale::Points {
        if let (Some(fixed), Some(own)) =
            (book.params.scoring.fixed_thresholds, framework.thresholds)
            && fixed != own
        {
            return fail(format!(
                "ngưỡng điểm của khung khác ngưỡng quy định ({}/{}/{} điểm, {})",
                fixed.htxsnv,
                fixed.httnv,
                fixed.htnv,
                book.rule_set.legal_basis()
            ));
        }
        if book.params.scoring.fixed_thresholds.is_none() && framework.thresholds.is_none() {
            return fail(
                "khung chấm điểm phải có ngưỡng điểm (thresholds) vì bộ quy tắc không quy định"
                    .into(),
            );
        }
        if let Some(totals) = &book.params.scoring.fixed_group_totals {
            for group in [CriterionGroup::Common, CriterionGroup::Tasks] {
                let expected = totals.get(group.code()).copied().unwrap_or_default();
                let actual = framework.group_max(group);
                if expected != actual {
                    return fail(format!(
                        "{} có {actual} điểm, quy định là {expected} điểm ({})",
                        group.name_vi(),
                        book.params
                            .sources
                            .get("scoring.fixed_group_totals")
                            .map(String::as_str)
                            .unwrap_or(book.sources().forms)
                    ));
                }
            }
        }
    } else if book.params.scoring.fixed_thresholds.is_some() {
        return fail(format!(
            "bộ quy tắc {} chấm theo thang điểm, không theo cấp độ",
            book.rule_set
        ));
    }
    Ok(())
}

/// A committee's own framework derived from `base` (the national default or another's): the same
/// criteria, points and sub-splits, under the committee's id, title and source, to be changed and
/// checked again ([`Framework::validated`], [`check_against`]).
pub fn derive(base: &Framework, id: &str, title: &str, source: &str) -> Framework {
    Framework {
        id: id.to_owned(),
        title: title.to_owned(),
        source: source.to_owned(),
        ..base.clone()
    }
}

#[cfg(test)]
mod tests;
