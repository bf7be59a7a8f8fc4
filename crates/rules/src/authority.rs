//! Who decides (cấp có thẩm quyền): for each kind of subject, which body makes the final decision
//! and which body proposes. The answer is relative to the subject's place in the tree; the caller
//! resolves it to an organisation.

use crate::cite::Citation;
use crate::ruleset::RuleBook;
use crate::subject::{OrgKind, SubjectKind};
use serde::{Deserialize, Serialize};

/// A body, relative to the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// The branch the member belongs to (chi bộ), voting by secret ballot.
    OwnBranch,
    /// The nearest grassroots committee above (đảng ủy cơ sở).
    GrassrootsCommittee,
    /// The partial committee above a branch (đảng ủy bộ phận), which proposes only.
    PartialCommittee,
    /// The standing committee of the direct superior committee (BTV cấp ủy cấp trên trực tiếp).
    SuperiorStandingCommittee,
    /// The standing committee of the committee above the grassroots committee, deciding a branch
    /// of that grassroots (HD 43 Mục 3: "hoặc ban thường vụ cấp ủy cấp trên").
    UpperStandingCommittee,
    /// The standing committee of the committee that manages the collective or cadre.
    ManagingStandingCommittee,
    /// The province's executive committee (BCH Đảng bộ tỉnh) approving its own standing committee's
    /// self-rating.
    ProvinceExecutiveCommittee,
}

impl Body {
    pub const ALL: [Body; 7] = [
        Body::OwnBranch,
        Body::GrassrootsCommittee,
        Body::PartialCommittee,
        Body::SuperiorStandingCommittee,
        Body::UpperStandingCommittee,
        Body::ManagingStandingCommittee,
        Body::ProvinceExecutiveCommittee,
    ];

    /// The stable code used in APIs and the database (`grassroots_committee` …), as serde spells it.
    pub fn code(self) -> &'static str {
        match self {
            Body::OwnBranch => "own_branch",
            Body::GrassrootsCommittee => "grassroots_committee",
            Body::PartialCommittee => "partial_committee",
            Body::SuperiorStandingCommittee => "superior_standing_committee",
            Body::UpperStandingCommittee => "upper_standing_committee",
            Body::ManagingStandingCommittee => "managing_standing_committee",
            Body::ProvinceExecutiveCommittee => "province_executive_committee",
        }
    }

    /// The body of a code, exactly as [`Body::code`] spells it.
    pub fn parse(code: &str) -> Option<Body> {
        Body::ALL.into_iter().find(|b| b.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Body::OwnBranch => "Chi bộ",
            Body::GrassrootsCommittee => "Đảng ủy cơ sở",
            Body::PartialCommittee => "Đảng ủy bộ phận",
            Body::SuperiorStandingCommittee => "Ban Thường vụ cấp ủy cấp trên trực tiếp",
            Body::UpperStandingCommittee => "Ban Thường vụ cấp ủy cấp trên của đảng ủy cơ sở",
            Body::ManagingStandingCommittee => "Ban Thường vụ cấp ủy quản lý",
            Body::ProvinceExecutiveCommittee => "Ban Chấp hành Đảng bộ tỉnh",
        }
    }
}

/// Who decides a chi bộ trực thuộc or a đảng bộ bộ phận, where the era allows a choice (HD 43
/// Mục 3); chosen per organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchDecider {
    /// Đảng ủy cơ sở.
    GrassrootsCommittee,
    /// Ban thường vụ cấp ủy cấp trên (of the grassroots committee).
    UpperStandingCommittee,
    /// Đảng ủy cơ sở được giao quyền cấp trên cơ sở.
    GrassrootsWithUpperPowers,
}

impl BranchDecider {
    pub const ALL: [BranchDecider; 3] = [
        BranchDecider::GrassrootsCommittee,
        BranchDecider::UpperStandingCommittee,
        BranchDecider::GrassrootsWithUpperPowers,
    ];

    pub fn name_vi(self) -> &'static str {
        match self {
            BranchDecider::GrassrootsCommittee => "Đảng ủy cơ sở",
            BranchDecider::UpperStandingCommittee => "Ban Thường vụ cấp ủy cấp trên",
            BranchDecider::GrassrootsWithUpperPowers => {
                "Đảng ủy cơ sở được giao quyền cấp trên cơ sở"
            }
        }
    }

    fn body(self) -> Body {
        match self {
            BranchDecider::GrassrootsCommittee | BranchDecider::GrassrootsWithUpperPowers => {
                Body::GrassrootsCommittee
            }
            BranchDecider::UpperStandingCommittee => Body::UpperStandingCommittee,
        }
    }
}

/// Who proposes and who decides a subject's level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authority {
    pub decides: Body,
    /// The body that proposes to the decider, if different from the subject itself.
    pub proposes: Option<Body>,
    /// The alternative chosen for a branch where the era allows several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decider: Option<BranchDecider>,
    pub citation: Citation,
}

/// A decider the era does not allow, with the ones it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{problem}")]
pub struct AuthorityError {
    pub problem: String,
}

/// Where the subject sits, as far as the decision is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    /// The kind of the organisation the subject is (for organisations) or belongs to (members).
    pub org_kind: OrgKind,
    /// Whether a partial committee (đảng ủy bộ phận) stands between the branch and the grassroots.
    #[serde(default)]
    pub under_partial_committee: bool,
}

/// The competent level for a subject (seed 000 §B; seed 003 §B.1.3–B.3.3; QĐ 366 Điều 12–13;
/// HD 43 Mục 3), with the era's default decider of a branch.
pub fn authority(book: &RuleBook, kind: SubjectKind, placement: Placement) -> Authority {
    authority_for(book, kind, placement, None).expect("the default decider is always allowed")
}

/// The competent level for a subject, with `decider` chosen for a chi bộ trực thuộc or a đảng
/// bộ bộ phận among the era's alternatives (HD 43 Mục 3); `None` takes the era's default.
pub fn authority_for(
    book: &RuleBook,
    kind: SubjectKind,
    placement: Placement,
    decider: Option<BranchDecider>,
) -> Result<Authority, AuthorityError> {
    let alternatives = book.era().branch_deciders;
    let branch_decided = kind == SubjectKind::Organisation
        && matches!(
            placement.org_kind,
            OrgKind::SubordinateBranch | OrgKind::PartialCommittee
        );
    let chosen = match decider {
        None => None,
        Some(_) if !branch_decided => {
            return Err(AuthorityError {
                problem: "chỉ chọn cấp quyết định cho chi bộ trực thuộc hoặc đảng bộ bộ phận"
                    .into(),
            });
        }
        Some(choice) => Some(
            alternatives
                .iter()
                .find(|(d, _)| *d == choice)
                .ok_or_else(|| AuthorityError {
                    problem: format!(
                        "bộ quy tắc {} không cho phép \"{}\" quyết định xếp loại chi bộ trực thuộc; chỉ: {}",
                        book.rule_set,
                        choice.name_vi(),
                        alternatives
                            .iter()
                            .map(|(d, _)| d.name_vi())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                })?,
        ),
    };
    let mut citation = Citation::new(
        format!("{}.authority", book.rule_set),
        book.sources().competent_level,
    );
    if let Some((choice, source)) = chosen {
        citation = Citation::new(format!("{}.authority.{choice:?}", book.rule_set), *source);
    }
    let (decides, proposes) = match kind {
        SubjectKind::Organisation => match placement.org_kind {
            OrgKind::SubordinateBranch if placement.under_partial_committee => {
                (branch_body(chosen), Some(Body::PartialCommittee))
            }
            OrgKind::SubordinateBranch | OrgKind::PartialCommittee => (branch_body(chosen), None),
            OrgKind::GrassrootsCommittee | OrgKind::GrassrootsBranch | OrgKind::UpperGrassroots => {
                (Body::SuperiorStandingCommittee, None)
            }
            OrgKind::Province => (Body::ProvinceExecutiveCommittee, None),
        },
        SubjectKind::MemberWithPost
        | SubjectKind::MemberWithoutPost
        | SubjectKind::MemberOutsideSystem => match placement.org_kind {
            OrgKind::GrassrootsBranch => (Body::OwnBranch, None),
            _ => (Body::GrassrootsCommittee, Some(Body::OwnBranch)),
        },
        SubjectKind::Collective | SubjectKind::Leader => (Body::ManagingStandingCommittee, None),
    };
    Ok(Authority {
        decides,
        proposes,
        decider: chosen.map(|(d, _)| *d),
        citation,
    })
}

fn branch_body(chosen: Option<&(BranchDecider, &str)>) -> Body {
    chosen.map_or(Body::GrassrootsCommittee, |(d, _)| d.body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::RuleSetId;

    fn at(org_kind: OrgKind) -> Placement {
        Placement {
            org_kind,
            under_partial_committee: false,
        }
    }

    #[test]
    fn members_of_subordinate_branches_are_decided_by_the_grassroots_committee() {
        // Seed 000 §B.2.5, seed 003 §B.2.4: chi bộ bỏ phiếu đề xuất, đảng ủy cơ sở quyết định.
        let book = RuleBook::national(RuleSetId::Qd132Hd21);
        let a = authority(
            &book,
            SubjectKind::MemberWithoutPost,
            at(OrgKind::SubordinateBranch),
        );
        assert_eq!(a.decides, Body::GrassrootsCommittee);
        assert_eq!(a.proposes, Some(Body::OwnBranch));
        // Chi bộ cơ sở quyết định xếp loại đảng viên.
        let a = authority(
            &book,
            SubjectKind::MemberWithPost,
            at(OrgKind::GrassrootsBranch),
        );
        assert_eq!(a.decides, Body::OwnBranch);
    }

    #[test]
    fn organisations_are_decided_above_them() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        assert_eq!(
            authority(
                &book,
                SubjectKind::Organisation,
                at(OrgKind::SubordinateBranch)
            )
            .decides,
            Body::GrassrootsCommittee
        );
        assert_eq!(
            authority(
                &book,
                SubjectKind::Organisation,
                at(OrgKind::GrassrootsCommittee)
            )
            .decides,
            Body::SuperiorStandingCommittee
        );
        let partial = Placement {
            org_kind: OrgKind::SubordinateBranch,
            under_partial_committee: true,
        };
        let a = authority(&book, SubjectKind::Organisation, partial);
        assert_eq!(
            (a.decides, a.proposes),
            (Body::GrassrootsCommittee, Some(Body::PartialCommittee))
        );
        assert!(a.citation.source.contains("HD 43"));
    }

    #[test]
    fn hd43_lets_each_branch_be_decided_by_any_of_the_listed_deciders() {
        // HD 43-HD/BTCTW Mục 3: đảng ủy cơ sở, hoặc ban thường vụ cấp ủy cấp trên, hoặc đảng ủy
        // cơ sở được giao quyền cấp trên cơ sở; đảng ủy bộ phận đề xuất.
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let under_partial = Placement {
            org_kind: OrgKind::SubordinateBranch,
            under_partial_committee: true,
        };
        let a = authority_for(
            &book,
            SubjectKind::Organisation,
            under_partial,
            Some(BranchDecider::UpperStandingCommittee),
        )
        .unwrap();
        assert_eq!(a.decides, Body::UpperStandingCommittee);
        assert_eq!(a.proposes, Some(Body::PartialCommittee));
        assert!(a.citation.source.contains("ban thường vụ cấp ủy cấp trên"));
        let a = authority_for(
            &book,
            SubjectKind::Organisation,
            at(OrgKind::PartialCommittee),
            Some(BranchDecider::GrassrootsWithUpperPowers),
        )
        .unwrap();
        assert_eq!(a.decides, Body::GrassrootsCommittee);
        assert_eq!(a.decider, Some(BranchDecider::GrassrootsWithUpperPowers));
        assert!(a.citation.source.contains("được giao quyền"));
        // Not for a grassroots organisation, and not in an era that names one decider.
        assert!(
            authority_for(
                &book,
                SubjectKind::Organisation,
                at(OrgKind::GrassrootsCommittee),
                Some(BranchDecider::UpperStandingCommittee)
            )
            .is_err()
        );
        let hd21 = RuleBook::national(RuleSetId::Qd132Hd21);
        let error = authority_for(
            &hd21,
            SubjectKind::Organisation,
            at(OrgKind::SubordinateBranch),
            Some(BranchDecider::UpperStandingCommittee),
        )
        .unwrap_err();
        assert!(error.problem.contains("Đảng ủy cơ sở"), "{error}");
    }
}
