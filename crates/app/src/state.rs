//! The life of one subject in a plan, as an explicit state machine ([`Stage`], [`Event`]):
//!
//! ```text
//! Pending ──submit──▶ SelfReviewed ──review──▶ Reviewed ──propose──▶ Proposed
//!    ▲                    │                       │                     │
//!    └──────return────────┘                       └──────decide─────────┴──▶ Decided ──publish──▶ Published
//!                                           Reviewed ◀──reopen── Decided | Published
//!                                   Decided ◀──correct── Decided | Published   (a new decision version)
//! ```
//!
//! Excluded subjects (not reviewed this year) never move; subjects reviewed but not classified
//! (`ReviewOnly`) stop at `Reviewed`. Re-opening and correcting are recorded as new decision
//! versions pointing to the old one: nothing decided is edited in place.

use kiemdiem_rules::eligibility::Participation;
pub use kiemdiem_rules::stage::Stage;
use serde::{Deserialize, Serialize};

/// Something that happens to a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    SubmitSelfReview,
    /// The self-review is sent back for rework before the meeting.
    ReturnSelfReview,
    RecordReview,
    Propose,
    Decide,
    Publish,
    /// Re-opened for a new decision (recorded as a decision version of kind `reopen`).
    Reopen,
    /// Corrected or re-classified (a new decision version of kind `correction`).
    Correct,
}

impl Event {
    pub fn name_vi(self) -> &'static str {
        match self {
            Event::SubmitSelfReview => "nộp bản kiểm điểm",
            Event::ReturnSelfReview => "trả lại bản kiểm điểm",
            Event::RecordReview => "ghi nhận đã kiểm điểm",
            Event::Propose => "đề xuất mức xếp loại",
            Event::Decide => "quyết định xếp loại",
            Event::Publish => "thông báo, công khai",
            Event::Reopen => "mở lại để xếp loại lại",
            Event::Correct => "điều chỉnh, xếp loại lại",
        }
    }
}

/// The stage after `event`, or why it cannot happen.
pub fn transition(
    stage: Stage,
    participation: Participation,
    event: Event,
) -> Result<Stage, String> {
    use Event as E;
    use Stage as S;
    let classified = participation == Participation::ReviewAndClassify;
    let next = match (stage, event) {
        (S::Excluded, _) => None,
        (S::Pending, E::SubmitSelfReview) => Some(S::SelfReviewed),
        (S::SelfReviewed, E::ReturnSelfReview) => Some(S::Pending),
        (S::SelfReviewed, E::RecordReview) => Some(S::Reviewed),
        (S::Reviewed | S::Proposed, E::Propose) if classified => Some(S::Proposed),
        (S::Reviewed | S::Proposed, E::Decide) if classified => Some(S::Decided),
        (S::Decided, E::Publish) => Some(S::Published),
        (S::Decided | S::Published, E::Reopen) => Some(S::Reviewed),
        (S::Decided | S::Published, E::Correct) => Some(S::Decided),
        _ => None,
    };
    next.ok_or_else(|| {
        let why = if stage == S::Excluded {
            "đối tượng không thuộc diện kiểm điểm năm nay".to_owned()
        } else if !classified && matches!(event, E::Propose | E::Decide) {
            "đối tượng chỉ kiểm điểm, không xếp loại năm nay".to_owned()
        } else {
            format!("đang ở bước \"{}\"", stage.name_vi())
        };
        format!("Không thể {}: {why}", event.name_vi())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EVENTS: [Event; 8] = [
        Event::SubmitSelfReview,
        Event::ReturnSelfReview,
        Event::RecordReview,
        Event::Propose,
        Event::Decide,
        Event::Publish,
        Event::Reopen,
        Event::Correct,
    ];
    const PARTICIPATIONS: [Participation; 3] = [
        Participation::Excluded,
        Participation::ReviewOnly,
        Participation::ReviewAndClassify,
    ];

    proptest! {
        /// From the initial stage, any sequence of events — legal ones applied, illegal ones
        /// refused — never reaches a stage the participation forbids, never decides without a
        /// review, and never publishes what was not decided.
        #[test]
        fn no_illegal_stage_is_reachable(
            participation in prop::sample::select(PARTICIPATIONS.to_vec()),
            events in prop::collection::vec(prop::sample::select(EVENTS.to_vec()), 0..40),
        ) {
            let mut stage = Stage::initial(participation);
            let mut reviewed_once = false;
            for event in events {
                let before = stage;
                match transition(stage, participation, event) {
                    Ok(next) => {
                        stage = next;
                        if next == Stage::Reviewed { reviewed_once = true; }
                        if next == Stage::Decided && event == Event::Decide {
                            prop_assert!(before.reviewed(), "decided from {before:?}");
                        }
                        if next == Stage::Published {
                            prop_assert_eq!(before, Stage::Decided);
                        }
                    }
                    Err(message) => {
                        prop_assert!(!message.is_empty());
                        prop_assert_eq!(stage, before);
                    }
                }
                match participation {
                    Participation::Excluded => prop_assert_eq!(stage, Stage::Excluded),
                    Participation::ReviewOnly => prop_assert!(matches!(
                        stage,
                        Stage::Pending | Stage::SelfReviewed | Stage::Reviewed
                    )),
                    Participation::ReviewAndClassify => prop_assert_ne!(stage, Stage::Excluded),
                }
                if stage.decided() || stage == Stage::Proposed {
                    prop_assert!(reviewed_once);
                }
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        for stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.code()), Some(stage));
        }
    }

    #[test]
    fn a_refusal_says_where_the_subject_stands() {
        let error = transition(
            Stage::Pending,
            Participation::ReviewAndClassify,
            Event::Decide,
        )
        .unwrap_err();
        assert!(error.contains("Chưa nộp bản kiểm điểm"), "{error}");
    }
}
