//! Tallies conserve votes, and the outcome is monotone: a vote moved to a higher level, or an
//! extra vote that cannot shrink the majority, never lowers the level a ballot yields. Whatever
//! the no-majority and tie policies, a majority is never overruled, a tie is never settled, and a
//! further round is never held past `max_rounds`.

use kiemdiem_rules::ballot::{
    BallotOutcome, Denominator, NextStep, Tally, Vote, outcome, outcome_in_round, tally,
};
use kiemdiem_rules::facts::LevelCounts;
use kiemdiem_rules::ruleset::params::{MajorityBase, NoMajorityPolicy, TiePolicy};
use kiemdiem_rules::{Citation, Level, RuleBook, RuleSetId};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn vote() -> impl Strategy<Value = Vote> {
    prop_oneof![
        6 => crate::strategies::level().prop_map(Vote::For),
        1 => Just(Vote::Blank),
        1 => Just(Vote::Invalid),
    ]
}

/// Papers on subjects "a" … "e" and "x" (never on the agenda); a subject may be left off a paper.
fn papers() -> impl Strategy<Value = Vec<BTreeMap<String, Vote>>> {
    prop::collection::vec(prop::collection::btree_map("[a-ex]", vote(), 0..6), 0..25)
}

fn book(base: MajorityBase) -> RuleBook {
    let mut book = RuleBook::national(RuleSetId::Qd366Hd43);
    book.params.ballot.majority_base = base;
    book
}

fn majority_base() -> impl Strategy<Value = MajorityBase> {
    prop::sample::select(vec![
        MajorityBase::Denominator,
        MajorityBase::Present,
        MajorityBase::Cast,
    ])
}

fn tally_of(levels: [u32; 4], blank: u32, invalid: u32) -> Tally {
    Tally {
        levels: LevelCounts {
            htxsnv: levels[0],
            httnv: levels[1],
            htnv: levels[2],
            khtnv: levels[3],
        },
        blank,
        invalid,
    }
}

/// A tally and a denominator with room for one more paper.
fn ballot() -> impl Strategy<Value = (Tally, Denominator)> {
    (
        prop::array::uniform4(0u32..8),
        0u32..4,
        0u32..3,
        1u32..6,
        0u32..8,
    )
        .prop_map(|(levels, blank, invalid, spare, absent)| {
            let tally = tally_of(levels, blank, invalid);
            let present = tally.papers() + spare;
            let denominator = Denominator {
                summoned: present + absent,
                excluded: Vec::new(),
                count: present + absent,
                present_voters: present,
                probationary_counted: 0,
                citation: Citation::new("property", "property"),
            };
            (tally, denominator)
        })
}

/// The level a ballot yields, `None` when it goes to the competent level (below every level).
fn yields(book: &RuleBook, tally: &Tally, denominator: &Denominator) -> Option<Level> {
    match outcome(book, tally, denominator).unwrap() {
        BallotOutcome::Level { level, .. } => Some(level),
        BallotOutcome::NoMajority { .. } => None,
    }
}

fn with_vote(tally: &Tally, level: Level) -> Tally {
    let mut more = *tally;
    more.levels.add(level);
    more
}

proptest! {
    #[test]
    fn tallies_give_every_subject_exactly_the_papers_cast(
        agenda in prop::collection::vec("[a-e]", 0..7),
        papers in papers(),
    ) {
        let tallies = tally(&agenda, papers.iter());
        let subjects: std::collections::BTreeSet<&String> = agenda.iter().collect();
        prop_assert_eq!(tallies.len(), subjects.len());
        for subject in subjects {
            let t = &tallies[subject];
            let cast = papers.len() as u32;
            prop_assert_eq!(t.papers(), cast);
            prop_assert_eq!(t.levels.total() + t.blank + t.invalid, cast);
            let count = |wanted: Option<Vote>| {
                papers.iter().filter(|p| p.get(subject).copied() == wanted).count() as u32
            };
            for level in Level::DESCENDING {
                prop_assert_eq!(t.levels.get(level), count(Some(Vote::For(level))));
            }
            prop_assert_eq!(t.blank, count(Some(Vote::Blank)) + count(None));
            prop_assert_eq!(t.invalid, count(Some(Vote::Invalid)));
            prop_assert_eq!(
                t.levels.total(),
                Level::DESCENDING.iter().map(|l| t.levels.get(*l)).sum::<u32>()
            );
        }
    }

    #[test]
    fn moving_a_vote_to_a_higher_level_never_lowers_the_outcome(
        base in majority_base(),
        (tally, denominator) in ballot(),
        from in crate::strategies::level(),
        to in crate::strategies::level(),
    ) {
        prop_assume!(to > from && tally.levels.get(from) > 0);
        let book = book(base);
        let mut moved = tally;
        match from {
            Level::Htxsnv => moved.levels.htxsnv -= 1,
            Level::Httnv => moved.levels.httnv -= 1,
            Level::Htnv => moved.levels.htnv -= 1,
            Level::Khtnv => moved.levels.khtnv -= 1,
        }
        moved.levels.add(to);
        prop_assert!(yields(&book, &moved, &denominator) >= yields(&book, &tally, &denominator));
    }

    #[test]
    fn an_extra_vote_never_lowers_the_outcome(
        base in majority_base(),
        (tally, denominator) in ballot(),
        level in crate::strategies::level(),
    ) {
        let book = book(base);
        let before = yields(&book, &tally, &denominator);
        // With a fixed base (members or voters present) any vote only adds support; when the base
        // is the votes cast, a vote below the current outcome enlarges the base, so only votes at
        // or above it are "for a higher level".
        prop_assume!(base != MajorityBase::Cast || before.is_none_or(|b| level >= b));
        prop_assert!(yields(&book, &with_vote(&tally, level), &denominator) >= before);
    }

    #[test]
    fn a_filled_blank_paper_never_lowers_the_outcome_with_a_fixed_base(
        base in prop::sample::select(vec![MajorityBase::Denominator, MajorityBase::Present]),
        (tally, denominator) in ballot(),
        level in crate::strategies::level(),
    ) {
        prop_assume!(tally.blank > 0);
        let book = book(base);
        let mut filled = with_vote(&tally, level);
        filled.blank -= 1;
        prop_assert!(yields(&book, &filled, &denominator) >= yields(&book, &tally, &denominator));
    }

    #[test]
    fn the_no_majority_policies_never_overrule_a_majority_nor_settle_a_tie(
        (tally, denominator) in ballot(),
        policy in prop::sample::select(NoMajorityPolicy::ALL.to_vec()),
        tie in prop::sample::select(TiePolicy::ALL.to_vec()),
        round in 1u32..5,
    ) {
        let mut book = book(MajorityBase::Denominator);
        book.params.ballot.no_majority = policy;
        book.params.ballot.tie = tie;
        let by_majority = outcome(&RuleBook::national(RuleSetId::Qd366Hd43), &tally, &denominator).unwrap();
        let result = outcome_in_round(&book, &tally, &denominator, round).unwrap();
        if let BallotOutcome::Level { .. } = by_majority {
            prop_assert_eq!(&result.outcome, &by_majority);
        }
        if let NextStep::FurtherRound { round: next } = result.next {
            prop_assert!(next == round + 1 && round < book.params.ballot.max_rounds);
        }
        if let BallotOutcome::Level { level, votes, .. } = result.outcome
            && !matches!(by_majority, BallotOutcome::Level { .. })
        {
            // Taken by most votes: strictly more than every other level.
            prop_assert_eq!(policy, NoMajorityPolicy::MostVotes);
            for other in Level::DESCENDING.into_iter().filter(|l| *l != level) {
                prop_assert!(tally.levels.get(other) < votes);
            }
        }
    }
}
