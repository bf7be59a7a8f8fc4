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
    /// The standing committee of the committee that manages the collective or cadre.
    ManagingStandingCommittee,
    /// The province's executive committee (BCH Đảng bộ tỉnh) approving its own standing committee's
    /// self-rating.
    ProvinceExecutiveCommittee,
}

impl Body {
    pub fn name_vi(self) -> &'static str {
        match self {
            Body::OwnBranch => "Chi bộ",
            Body::GrassrootsCommittee => "Đảng ủy cơ sở",
            Body::PartialCommittee => "Đảng ủy bộ phận",
            Body::SuperiorStandingCommittee => "Ban Thường vụ cấp ủy cấp trên trực tiếp",
            Body::ManagingStandingCommittee => "Ban Thường vụ cấp ủy quản lý",
            Body::ProvinceExecutiveCommittee => "Ban Chấp hành Đảng bộ tỉnh",
        }
    }
}

/// Who proposes and who decides a subject's level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authority {
    pub decides: Body,
    /// The body that proposes to the decider, if different from the subject itself.
    pub proposes: Option<Body>,
    pub citation: Citation,
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
/// HD 43 Mục 3).
pub fn authority(book: &RuleBook, kind: SubjectKind, placement: Placement) -> Authority {
    let citation = Citation::new(
        format!("{}.authority", book.rule_set),
        book.sources().competent_level,
    );
    let (decides, proposes) = match kind {
        SubjectKind::Organisation => match placement.org_kind {
            OrgKind::SubordinateBranch if placement.under_partial_committee => {
                (Body::GrassrootsCommittee, Some(Body::PartialCommittee))
            }
            OrgKind::SubordinateBranch | OrgKind::PartialCommittee => {
                (Body::GrassrootsCommittee, None)
            }
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
    Authority {
        decides,
        proposes,
        citation,
    }
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
}
