//! Show-of-hands votes on a resolution (biểu quyết thông qua), such as a branch adopting the
//! total of its collective score sheet (seed 003 mục B.1.4): adopted by the rule book's majority
//! share over those present and entitled to vote — the same share as the secret ballots'
//! ([`crate::ballot`]).

use crate::ballot::BallotError;
use crate::cite::Citation;
use crate::ruleset::RuleBook;
use serde::{Deserialize, Serialize};

/// The result of a show-of-hands vote on a resolution (biểu quyết thông qua): a branch adopting
/// the total of its collective score sheet (seed 003 mục B.1.4), by the rule book's majority over
/// the members present and entitled to vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub adopted: bool,
    pub votes_for: u32,
    pub base: u32,
    pub message: String,
    pub citation: Citation,
}

/// Whether `votes_for` of `present` entitled voters adopt a resolution (more than the majority
/// share of those present); a vote counting more hands than voters present is refused.
pub fn resolution(
    book: &RuleBook,
    votes_for: u32,
    votes_against: u32,
    abstained: u32,
    present: u32,
) -> Result<Resolution, BallotError> {
    let hands = votes_for + votes_against + abstained;
    if hands > present {
        return Err(BallotError {
            field: "votes".into(),
            problem: format!(
                "{hands} lượt biểu quyết nhưng chỉ có {present} người có quyền biểu quyết có mặt"
            ),
        });
    }
    let share = book.params.ballot.majority_above;
    let adopted = share.exceeded_by(u64::from(votes_for), u64::from(present));
    Ok(Resolution {
        adopted,
        votes_for,
        base: present,
        message: format!(
            "{votes_for}/{present} người có mặt tán thành ({votes_against} không tán thành, {abstained} không biểu quyết): {}",
            if adopted {
                format!("trên {share}, thông qua")
            } else {
                format!("không quá {share}, không thông qua")
            }
        ),
        citation: Citation::new(
            format!("{}.ballot.majority", book.rule_set),
            book.sources().ballot,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resolution_needs_more_than_half_of_those_present() {
        let book = RuleBook::national(crate::ruleset::RuleSetId::Qd132Hd21);
        assert!(resolution(&book, 5, 4, 0, 9).unwrap().adopted);
        assert!(!resolution(&book, 4, 3, 1, 8).unwrap().adopted);
        assert!(resolution(&book, 5, 5, 0, 9).is_err());
    }
}
