//! What must be decided before what. The caller knows the tree and the people; it names each
//! predecessor of a step with the kind of precedence that links them and whether it is done. This
//! module says which precedences the pinned rule set imposes, and refuses a step whose required
//! predecessors are not done, naming each missing one with its rule.

use crate::cite::Citation;
use crate::ruleset::RuleBook;
use serde::{Deserialize, Serialize};

/// A kind of ordering between two steps of the cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precedence {
    /// Kiểm điểm xong mới đánh giá, xếp loại.
    ReviewBeforeRating,
    /// Tập thể trước, cá nhân thành viên sau.
    CollectiveBeforeMembers,
    /// Người đứng đầu kiểm điểm trước, cấp phó và thành viên sau.
    HeadBeforeDeputies,
    /// Tập thể lãnh đạo chính quyền, chuyên môn, đoàn thể trước cấp ủy.
    GovernmentBodiesBeforeCommittee,
    /// Cấp dưới trước, cấp trên sau.
    LowerBeforeUpper,
    /// Đơn vị trước, người đứng đầu sau.
    UnitBeforeHead,
    /// Đảng viên giữ chức vụ: ở chi bộ trước, ở tập thể lãnh đạo sau.
    BranchBeforeCollective,
    /// Xếp loại CBCCVC trước, xếp loại đảng viên sau.
    CivilServiceBeforeParty,
    /// Đảng viên trước, tổ chức đảng sau: an organisation's level rests on its members' levels.
    MembersBeforeOrganisation,
    /// Khiếu nại, tố cáo, phản ánh … được kiểm tra, xác minh trước khi quyết định xếp loại.
    VerificationBeforeDecision,
}

impl Precedence {
    pub const ALL: [Precedence; 10] = [
        Precedence::ReviewBeforeRating,
        Precedence::CollectiveBeforeMembers,
        Precedence::HeadBeforeDeputies,
        Precedence::GovernmentBodiesBeforeCommittee,
        Precedence::LowerBeforeUpper,
        Precedence::UnitBeforeHead,
        Precedence::BranchBeforeCollective,
        Precedence::CivilServiceBeforeParty,
        Precedence::MembersBeforeOrganisation,
        Precedence::VerificationBeforeDecision,
    ];
}

impl Precedence {
    pub fn name_vi(self) -> &'static str {
        match self {
            Precedence::ReviewBeforeRating => "kiểm điểm trước khi đánh giá, xếp loại",
            Precedence::CollectiveBeforeMembers => "tập thể trước, cá nhân sau",
            Precedence::HeadBeforeDeputies => "người đứng đầu trước, cấp phó và thành viên sau",
            Precedence::GovernmentBodiesBeforeCommittee => {
                "tập thể chính quyền, chuyên môn, đoàn thể trước cấp ủy"
            }
            Precedence::LowerBeforeUpper => "cấp dưới trước, cấp trên sau",
            Precedence::UnitBeforeHead => "đơn vị trước, người đứng đầu sau",
            Precedence::BranchBeforeCollective => "ở chi bộ trước, ở tập thể lãnh đạo sau",
            Precedence::CivilServiceBeforeParty => "xếp loại công chức, viên chức trước",
            Precedence::MembersBeforeOrganisation => "đảng viên trước, tổ chức đảng sau",
            Precedence::VerificationBeforeDecision => {
                "kiểm tra, xác minh đơn thư, phản ánh trước khi quyết định"
            }
        }
    }
}

/// Where a subject comes on a meeting's agenda under the review-order precedences: the
/// collective (the organisation or the leadership body itself) first
/// ([`Precedence::CollectiveBeforeMembers`]), then the head ([`Precedence::HeadBeforeDeputies`]),
/// then deputies and members. Sorting an agenda by this rank (then by name) gives an order that
/// [`check_order`] accepts item after item.
pub fn review_rank(collective: bool, head: bool) -> u8 {
    match (collective, head) {
        (true, _) => 0,
        (false, true) => 1,
        (false, false) => 2,
    }
}

/// A step that should come first, as the caller found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predecessor {
    pub precedence: Precedence,
    /// What it is, for people ("Chi bộ Phòng Tổ chức — kiểm điểm tập thể").
    pub name: String,
    pub done: bool,
}

/// A predecessor that the rule set requires and that is not done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingPredecessor {
    pub precedence: Precedence,
    pub name: String,
    pub message: String,
    pub citation: Citation,
}

/// Checks that every predecessor the pinned rule set requires is done.
pub fn check_order(
    book: &RuleBook,
    predecessors: &[Predecessor],
) -> Result<(), Vec<MissingPredecessor>> {
    let era = book.era();
    let missing: Vec<MissingPredecessor> = predecessors
        .iter()
        .filter(|p| !p.done)
        .filter_map(|p| {
            era.precedence(p.precedence)
                .map(|source| MissingPredecessor {
                    precedence: p.precedence,
                    name: p.name.clone(),
                    message: format!(
                        "Chưa thực hiện \"{}\": theo quy định {}",
                        p.name,
                        p.precedence.name_vi()
                    ),
                    citation: Citation::new(
                        format!("{}.order.{:?}", book.rule_set, p.precedence),
                        source,
                    ),
                })
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_collective_comes_first_then_the_head_then_the_others() {
        let mut ranks = [
            review_rank(false, false),
            review_rank(false, true),
            review_rank(true, false),
        ];
        ranks.sort();
        assert_eq!(
            ranks,
            [
                review_rank(true, false),
                review_rank(false, true),
                review_rank(false, false)
            ]
        );
        assert_eq!(review_rank(true, true), 0);
    }
    use crate::ruleset::RuleSetId;

    fn pending(precedence: Precedence) -> Predecessor {
        Predecessor {
            precedence,
            name: "Chi ủy chi bộ 1".into(),
            done: false,
        }
    }

    #[test]
    fn collective_before_members_is_enforced_under_hd21_with_its_source() {
        let book = RuleBook::national(RuleSetId::Qd132Hd21);
        let missing =
            check_order(&book, &[pending(Precedence::CollectiveBeforeMembers)]).unwrap_err();
        assert_eq!(missing.len(), 1);
        assert!(
            missing[0]
                .citation
                .source
                .contains("tập thể trước, cá nhân sau")
        );
    }

    #[test]
    fn branch_before_collective_is_a_rule_of_hd43_not_of_qd124() {
        let hd43 = RuleBook::national(RuleSetId::Qd366Hd43);
        let qd124 = RuleBook::national(RuleSetId::Qd124Hd25);
        let step = [pending(Precedence::BranchBeforeCollective)];
        assert!(check_order(&hd43, &step).is_err());
        assert!(check_order(&qd124, &step).is_ok());
    }

    #[test]
    fn unit_before_head_and_civil_service_first_under_hd21() {
        let book = RuleBook::national(RuleSetId::Qd132Hd21);
        for precedence in [
            Precedence::UnitBeforeHead,
            Precedence::CivilServiceBeforeParty,
            Precedence::LowerBeforeUpper,
            Precedence::HeadBeforeDeputies,
            Precedence::GovernmentBodiesBeforeCommittee,
            Precedence::ReviewBeforeRating,
        ] {
            assert!(
                check_order(&book, &[pending(precedence)]).is_err(),
                "{precedence:?}"
            );
        }
    }

    #[test]
    fn done_predecessors_pass() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let mut step = pending(Precedence::ReviewBeforeRating);
        step.done = true;
        assert!(check_order(&book, &[step]).is_ok());
    }
}
