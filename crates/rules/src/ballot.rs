//! Secret ballots (bỏ phiếu kín) on levels: who may vote, the denominator of a majority
//! (QĐ 24-QĐ/TW mục 9.3), the tally per subject, and the level a tally yields under the rule
//! book's majority rule. When no level reaches the majority, the rule book's policy applies —
//! the competent level decides (the default), the level with most votes is taken, or a further
//! round is held — and a tie under "most votes" is escalated or voted again: there is never a
//! silent default. Whether probationary members count in the denominator is a parameter too.

use crate::cite::Citation;
use crate::facts::LevelCounts;
use crate::level::Level;
use crate::ruleset::RuleBook;
use crate::ruleset::params::{MajorityBase, NoMajorityPolicy, TiePolicy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One person on the roll of a meeting, as known when the roll is frozen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollEntry {
    pub id: String,
    /// Official member (đảng viên chính thức); probationary otherwise.
    pub official: bool,
    pub present: bool,
    /// Temporarily active in another party organisation (sinh hoạt tạm thời nơi khác).
    #[serde(default)]
    pub temporary_elsewhere: bool,
    /// Exempt from party work and activity (miễn công tác và sinh hoạt đảng).
    #[serde(default)]
    pub exempt: bool,
    /// Suspended from party activity (đình chỉ sinh hoạt đảng).
    #[serde(default)]
    pub suspended: bool,
    /// Being prosecuted, indicted or in temporary detention.
    #[serde(default)]
    pub prosecuted_or_detained: bool,
    /// Absent for the whole meeting with a reason approved by the convener.
    #[serde(default)]
    pub excused_absence: bool,
}

/// Why someone may not vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRefusal {
    pub id: String,
    pub message: String,
    pub citation: Citation,
}

/// Checks the right of one roll entry to vote at this meeting.
pub fn may_vote(book: &RuleBook, entry: &RollEntry) -> Result<(), VoteRefusal> {
    let refuse = |message: &str, source: &str| {
        Err(VoteRefusal {
            id: entry.id.clone(),
            message: message.to_owned(),
            citation: Citation::new(format!("{}.ballot.voter", book.rule_set), source),
        })
    };
    let sources = book.sources();
    if !entry.official && !book.params.ballot.probationary_may_vote {
        return refuse("Đảng viên dự bị không có quyền biểu quyết", sources.voters);
    }
    if entry.suspended {
        return refuse(
            "Đảng viên bị đình chỉ sinh hoạt đảng không biểu quyết",
            sources.ballot,
        );
    }
    if !entry.present {
        return refuse("Không có mặt khi khóa danh sách biểu quyết", sources.ballot);
    }
    Ok(())
}

/// Someone summoned but not counted in the denominator, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denominator {
    /// Official members summoned.
    pub summoned: u32,
    pub excluded: Vec<Exclusion>,
    /// `summoned − excluded`: the number a majority is counted against.
    pub count: u32,
    /// Entitled voters present.
    pub present_voters: u32,
    /// Probationary members counted among those summoned (QĐ 24 mục 9.3 read literally).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub probationary_counted: u32,
    pub citation: Citation,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The denominator of QĐ 24-QĐ/TW mục 9.3: official members summoned, excluding members active
/// temporarily elsewhere, exempt members who are absent, suspended members, members prosecuted or
/// detained, and members excused for the whole meeting.
pub fn denominator(book: &RuleBook, roll: &[RollEntry]) -> Denominator {
    let mut excluded = Vec::new();
    let mut summoned = 0;
    let counts_probationary = book.params.ballot.probationary_in_denominator;
    let probationary_counted = if counts_probationary {
        roll.iter().filter(|e| !e.official).count() as u32
    } else {
        0
    };
    for entry in roll.iter().filter(|e| e.official || counts_probationary) {
        summoned += 1;
        let reason = if entry.temporary_elsewhere {
            Some("sinh hoạt tạm thời ở tổ chức đảng khác")
        } else if entry.exempt && !entry.present {
            Some("miễn công tác và sinh hoạt đảng, vắng mặt")
        } else if entry.suspended {
            Some("đình chỉ sinh hoạt đảng")
        } else if entry.prosecuted_or_detained {
            Some("bị khởi tố, truy tố, tạm giam")
        } else if entry.excused_absence && !entry.present {
            Some("vắng mặt cả buổi có lý do được chấp thuận")
        } else {
            None
        };
        if let Some(reason) = reason {
            excluded.push(Exclusion {
                id: entry.id.clone(),
                reason: reason.to_owned(),
            });
        }
    }
    let present_voters = roll.iter().filter(|e| may_vote(book, e).is_ok()).count() as u32;
    Denominator {
        summoned,
        count: summoned - excluded.len() as u32,
        excluded,
        present_voters,
        probationary_counted,
        citation: Citation::new(
            format!("{}.ballot.denominator", book.rule_set),
            book.sources().ballot,
        ),
    }
}

/// One vote on one subject of a ballot paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    For(Level),
    /// Left blank (không đánh dấu).
    Blank,
    /// Spoiled (phiếu không hợp lệ cho đối tượng này: nhiều hơn một mức …).
    Invalid,
}

/// The count of votes for one subject.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub levels: LevelCounts,
    pub blank: u32,
    pub invalid: u32,
}

impl Tally {
    pub fn add(&mut self, vote: Vote) {
        match vote {
            Vote::For(level) => self.levels.add(level),
            Vote::Blank => self.blank += 1,
            Vote::Invalid => self.invalid += 1,
        }
    }

    /// Every paper counted for this subject.
    pub fn papers(&self) -> u32 {
        self.levels.total() + self.blank + self.invalid
    }
}

/// Tallies ballot papers (each a map subject → vote) into counts per subject. Every paper covers
/// every subject on the agenda; a subject missing from a paper counts as blank.
pub fn tally<'a>(
    agenda: &[String],
    papers: impl IntoIterator<Item = &'a BTreeMap<String, Vote>>,
) -> BTreeMap<String, Tally> {
    let mut tallies: BTreeMap<String, Tally> = agenda
        .iter()
        .map(|s| (s.clone(), Tally::default()))
        .collect();
    // Walk the tallies, not the agenda: a subject listed twice on the agenda still gets one vote
    // per paper, so every subject counts exactly as many papers as were cast.
    for paper in papers {
        for (subject, subject_tally) in tallies.iter_mut() {
            subject_tally.add(paper.get(subject).copied().unwrap_or(Vote::Blank));
        }
    }
    tallies
}

/// What a tally yields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BallotOutcome {
    /// The level reached, with the votes that reached it.
    Level {
        level: Level,
        votes: u32,
        base: u32,
        citation: Citation,
    },
    /// No level reached the majority: the competent level decides.
    NoMajority {
        base: u32,
        message: String,
        citation: Citation,
    },
}

/// A problem with the counts themselves.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{field}: {problem}")]
pub struct BallotError {
    pub field: String,
    pub problem: String,
}

/// The level a tally yields in its first round: see [`outcome_in_round`].
pub fn outcome(
    book: &RuleBook,
    tally: &Tally,
    denominator: &Denominator,
) -> Result<BallotOutcome, BallotError> {
    outcome_in_round(book, tally, denominator, 1).map(|r| r.outcome)
}

/// What follows a round's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "next", rename_all = "snake_case")]
pub enum NextStep {
    /// A level is reached.
    Decided,
    /// The competent level decides.
    Escalate,
    /// The branch votes again, in round `round`.
    FurtherRound { round: u32 },
}

/// A round's outcome and what follows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundOutcome {
    #[serde(flatten)]
    pub outcome: BallotOutcome,
    #[serde(flatten)]
    pub next: NextStep,
}

/// Where the no-majority and tie policies come from: the local layer that set them, or the
/// assumption of the national rule set.
fn policy_source(book: &RuleBook) -> String {
    match &book.local {
        Some(layer) if layer.overrides.contains_key("ballot") => layer.source.clone(),
        _ => "giả định: không tìm thấy quy định quốc gia về trường hợp không mức nào đạt quá nửa số phiếu".into(),
    }
}

/// The level a tally yields in round `round` (from 1): the highest level whose votes (for it or,
/// when cumulative, for it or a higher level) are more than the majority share of the base; when
/// none is, the rule book's no-majority policy, and its tie policy for a tie under "most votes".
pub fn outcome_in_round(
    book: &RuleBook,
    tally: &Tally,
    denominator: &Denominator,
    round: u32,
) -> Result<RoundOutcome, BallotError> {
    let params = &book.params.ballot;
    if tally.papers() > denominator.present_voters {
        return Err(BallotError {
            field: "tally".into(),
            problem: format!(
                "{} phiếu cho đối tượng này nhưng chỉ có {} người có quyền biểu quyết có mặt",
                tally.papers(),
                denominator.present_voters
            ),
        });
    }
    let base = match params.majority_base {
        MajorityBase::Denominator => denominator.count,
        MajorityBase::Present => denominator.present_voters,
        MajorityBase::Cast => tally.levels.total(),
    };
    let citation = Citation::new(
        format!("{}.ballot.majority", book.rule_set),
        book.sources().ballot,
    );
    for level in Level::DESCENDING {
        let votes = if params.cumulative {
            tally.levels.at_least(level)
        } else {
            tally.levels.get(level)
        };
        if params
            .majority_above
            .exceeded_by(u64::from(votes), u64::from(base))
        {
            return Ok(RoundOutcome {
                outcome: BallotOutcome::Level {
                    level,
                    votes,
                    base,
                    citation,
                },
                next: NextStep::Decided,
            });
        }
    }
    let no_majority = format!(
        "Không mức nào đạt trên {} của {base}",
        params.majority_above
    );
    let policy = Citation::new(
        format!("{}.ballot.no_majority", book.rule_set),
        policy_source(book),
    );
    let escalate = |message: String| RoundOutcome {
        outcome: BallotOutcome::NoMajority {
            base,
            message,
            citation: citation.clone(),
        },
        next: NextStep::Escalate,
    };
    let again = |why: String| -> RoundOutcome {
        if round < params.max_rounds {
            RoundOutcome {
                outcome: BallotOutcome::NoMajority {
                    base,
                    message: format!("{why}: bỏ phiếu lại (vòng {})", round + 1),
                    citation: policy.clone(),
                },
                next: NextStep::FurtherRound { round: round + 1 },
            }
        } else {
            escalate(format!(
                "{why} sau {round} vòng: báo cáo cấp có thẩm quyền xem xét, quyết định"
            ))
        }
    };
    Ok(match params.no_majority {
        NoMajorityPolicy::Escalate => escalate(format!(
            "{no_majority}: báo cáo cấp có thẩm quyền xem xét, quyết định"
        )),
        NoMajorityPolicy::FurtherRound => again(no_majority),
        NoMajorityPolicy::MostVotes => {
            let most = Level::DESCENDING
                .into_iter()
                .map(|l| tally.levels.get(l))
                .max()
                .unwrap_or(0);
            let leaders: Vec<Level> = Level::DESCENDING
                .into_iter()
                .filter(|l| tally.levels.get(*l) == most)
                .collect();
            match leaders.as_slice() {
                _ if most == 0 => escalate(format!(
                    "{no_majority}, không có phiếu cho mức nào: báo cáo cấp có thẩm quyền xem xét, quyết định"
                )),
                [level] => RoundOutcome {
                    outcome: BallotOutcome::Level {
                        level: *level,
                        votes: most,
                        base,
                        citation: policy.clone(),
                    },
                    next: NextStep::Decided,
                },
                tied => {
                    let names: Vec<&str> = tied.iter().map(|l| l.code()).collect();
                    let why = format!(
                        "{no_majority}; {} bằng nhau ({most} phiếu)",
                        names.join(", ")
                    );
                    match params.tie {
                        TiePolicy::Escalate => escalate(format!(
                            "{why}: báo cáo cấp có thẩm quyền xem xét, quyết định"
                        )),
                        TiePolicy::FurtherRound => again(why),
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::RuleSetId;

    fn entry(id: &str) -> RollEntry {
        RollEntry {
            id: id.into(),
            official: true,
            present: true,
            temporary_elsewhere: false,
            exempt: false,
            suspended: false,
            prosecuted_or_detained: false,
            excused_absence: false,
        }
    }

    #[test]
    fn probationary_members_may_not_vote() {
        // Điều lệ Đảng: đảng viên dự bị không có quyền biểu quyết.
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let mut probationary = entry("a");
        probationary.official = false;
        let refusal = may_vote(&book, &probationary).unwrap_err();
        assert!(refusal.citation.source.contains("Điều lệ"));
        assert!(may_vote(&book, &entry("b")).is_ok());
    }

    #[test]
    fn the_denominator_applies_the_exclusions_of_qd24_9_3() {
        let book = RuleBook::national(RuleSetId::Qd132Hd21);
        let mut roll: Vec<RollEntry> = (0..10).map(|i| entry(&format!("m{i}"))).collect();
        roll[0].temporary_elsewhere = true;
        roll[1].exempt = true;
        roll[1].present = false;
        roll[2].exempt = true; // attends: counts
        roll[3].suspended = true;
        roll[4].prosecuted_or_detained = true;
        roll[5].excused_absence = true;
        roll[5].present = false;
        roll[6].present = false; // absent without approval: still counts
        let mut probationary = entry("p");
        probationary.official = false;
        roll.push(probationary);
        let d = denominator(&book, &roll);
        assert_eq!(d.summoned, 10);
        assert_eq!(d.excluded.len(), 5);
        assert_eq!(d.count, 5);
        assert!(d.citation.source.contains("QĐ 24"));
    }

    fn tally_of(levels: [u32; 4]) -> Tally {
        Tally {
            levels: LevelCounts {
                htxsnv: levels[0],
                httnv: levels[1],
                htnv: levels[2],
                khtnv: levels[3],
            },
            blank: 0,
            invalid: 0,
        }
    }

    fn denominator_of(count: u32) -> Denominator {
        Denominator {
            summoned: count,
            excluded: Vec::new(),
            count,
            present_voters: count,
            probationary_counted: 0,
            citation: Citation::new("t", "t"),
        }
    }

    #[test]
    fn the_highest_level_with_more_than_half_counting_down_wins() {
        let book = RuleBook::national(RuleSetId::Qd132Hd21);
        // 3 + 3 of 10 reach HTTNV cumulatively (6 > 5); HTXSNV alone (3) does not.
        let result = outcome(&book, &tally_of([3, 3, 4, 0]), &denominator_of(10)).unwrap();
        assert!(matches!(
            result,
            BallotOutcome::Level {
                level: Level::Httnv,
                votes: 6,
                base: 10,
                ..
            }
        ));
        // Exactly half is not a majority.
        let result = outcome(&book, &tally_of([5, 0, 5, 0]), &denominator_of(10)).unwrap();
        assert!(matches!(
            result,
            BallotOutcome::Level {
                level: Level::Htnv,
                ..
            }
        ));
    }

    #[test]
    fn no_majority_goes_to_the_competent_level() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let mut t = tally_of([1, 1, 1, 1]);
        t.blank = 6;
        let result = outcome(&book, &t, &denominator_of(10)).unwrap();
        assert!(matches!(result, BallotOutcome::NoMajority { base: 10, .. }));
    }

    #[test]
    fn the_no_majority_policy_is_selectable_and_a_tie_is_never_settled_silently() {
        // RULES.md §11.4: no national rule; escalate (default), most votes, or a further round.
        let mut book = RuleBook::national(RuleSetId::Qd366Hd43);
        let split = tally_of([3, 1, 0, 3]); // 7 papers of 14: no level, counted down cumulatively, passes 7
        let round = outcome_in_round(&book, &split, &denominator_of(14), 1).unwrap();
        assert_eq!(round.next, NextStep::Escalate);
        book.params.ballot.no_majority = NoMajorityPolicy::FurtherRound;
        let round = outcome_in_round(&book, &split, &denominator_of(14), 1).unwrap();
        assert_eq!(round.next, NextStep::FurtherRound { round: 2 });
        let last = outcome_in_round(&book, &split, &denominator_of(14), 3).unwrap();
        assert_eq!(last.next, NextStep::Escalate);
        book.params.ballot.no_majority = NoMajorityPolicy::MostVotes;
        let plurality = tally_of([4, 1, 0, 2]);
        let round = outcome_in_round(&book, &plurality, &denominator_of(14), 1).unwrap();
        assert!(matches!(
            round.outcome,
            BallotOutcome::Level {
                level: Level::Htxsnv,
                votes: 4,
                ..
            }
        ));
        // 3 HTXSNV and 3 KHTNV tie: escalated, or voted again when the tie policy says so.
        let round = outcome_in_round(&book, &split, &denominator_of(14), 1).unwrap();
        assert_eq!(round.next, NextStep::Escalate);
        book.params.ballot.tie = TiePolicy::FurtherRound;
        let round = outcome_in_round(&book, &split, &denominator_of(14), 1).unwrap();
        assert_eq!(round.next, NextStep::FurtherRound { round: 2 });
    }

    #[test]
    fn probationary_members_in_the_denominator_is_a_reading_to_choose() {
        // Điều lệ Đảng Điều 5 (dự bị không biểu quyết) vs QĐ 24-QĐ/TW mục 9.3 read literally.
        let mut book = RuleBook::national(RuleSetId::Qd132Hd21);
        let mut roll: Vec<RollEntry> = (0..4).map(|i| entry(&format!("m{i}"))).collect();
        let mut probationary = entry("p");
        probationary.official = false;
        roll.push(probationary);
        assert_eq!(denominator(&book, &roll).count, 4);
        book.params.ballot.probationary_in_denominator = true;
        let d = denominator(&book, &roll);
        assert_eq!(
            (d.count, d.probationary_counted, d.present_voters),
            (5, 1, 4)
        );
    }

    #[test]
    fn more_papers_than_voters_is_refused() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        assert!(outcome(&book, &tally_of([6, 6, 0, 0]), &denominator_of(10)).is_err());
    }

    #[test]
    fn tallies_count_every_paper_for_every_subject() {
        let agenda = vec!["a".to_owned(), "b".to_owned()];
        let papers = [
            BTreeMap::from([
                ("a".to_owned(), Vote::For(Level::Httnv)),
                ("b".to_owned(), Vote::Invalid),
            ]),
            BTreeMap::from([("a".to_owned(), Vote::For(Level::Htxsnv))]),
        ];
        let tallies = tally(&agenda, papers.iter());
        assert_eq!(tallies["a"].levels.httnv, 1);
        assert_eq!(tallies["a"].levels.htxsnv, 1);
        assert_eq!(tallies["b"].invalid, 1);
        assert_eq!(tallies["b"].blank, 1);
        assert!(tallies.values().all(|t| t.papers() == 2));
    }

    #[test]
    fn a_subject_listed_twice_on_the_agenda_still_counts_each_paper_once() {
        let agenda = vec!["a".to_owned(), "a".to_owned()];
        let papers = [BTreeMap::from([("a".to_owned(), Vote::For(Level::Httnv))])];
        let tallies = tally(&agenda, papers.iter());
        assert_eq!(tallies["a"].papers(), 1);
        assert_eq!(tallies["a"].levels.httnv, 1);
    }
}
