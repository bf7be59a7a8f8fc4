//! Where a subject of a plan stands ([`Stage`]): the vocabulary of its life from the self-review
//! to publication. The moves between stages (events, transitions) are the app's state machine;
//! the stages themselves are shared, so the store keeps and reads them as this enum.

use crate::eligibility::Participation;
use serde::{Deserialize, Serialize};

/// Where a subject stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Not reviewed this year (miễn, đình chỉ, mới kết nạp under QĐ 366 …).
    Excluded,
    /// Waiting for the self-review (bản kiểm điểm).
    Pending,
    /// Self-review submitted.
    SelfReviewed,
    /// Reviewed at a meeting (đã kiểm điểm).
    Reviewed,
    /// A level proposed (branch vote, committee proposal).
    Proposed,
    /// Decided by the competent level.
    Decided,
    /// Notified and published.
    Published,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Excluded,
        Stage::Pending,
        Stage::SelfReviewed,
        Stage::Reviewed,
        Stage::Proposed,
        Stage::Decided,
        Stage::Published,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Excluded => "excluded",
            Stage::Pending => "pending",
            Stage::SelfReviewed => "self_reviewed",
            Stage::Reviewed => "reviewed",
            Stage::Proposed => "proposed",
            Stage::Decided => "decided",
            Stage::Published => "published",
        }
    }

    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Stage::Excluded => "Không thuộc đối tượng",
            Stage::Pending => "Chưa nộp bản kiểm điểm",
            Stage::SelfReviewed => "Đã nộp bản kiểm điểm",
            Stage::Reviewed => "Đã kiểm điểm",
            Stage::Proposed => "Đã đề xuất mức xếp loại",
            Stage::Decided => "Đã quyết định xếp loại",
            Stage::Published => "Đã thông báo, công khai",
        }
    }

    /// The first stage of a subject with this participation.
    pub fn initial(participation: Participation) -> Stage {
        match participation {
            Participation::Excluded => Stage::Excluded,
            _ => Stage::Pending,
        }
    }

    /// Whether the review (kiểm điểm) is done.
    pub fn reviewed(self) -> bool {
        matches!(
            self,
            Stage::Reviewed | Stage::Proposed | Stage::Decided | Stage::Published
        )
    }

    /// Whether a level is in force.
    pub fn decided(self) -> bool {
        matches!(self, Stage::Decided | Stage::Published)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authority::Body;
    use crate::level::Level;
    use crate::subject::SubjectKind;

    /// The stored codes are the API's spellings: each code parses back to its value and is what
    /// serde writes, for every vocabulary the store keeps as text.
    #[test]
    fn codes_round_trip_and_match_serde() {
        fn check<T: Copy + PartialEq + std::fmt::Debug + Serialize>(
            all: &[T],
            code: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
        ) {
            for value in all {
                assert_eq!(parse(code(*value)), Some(*value));
                assert_eq!(
                    serde_json::to_string(value).unwrap(),
                    format!("\"{}\"", code(*value))
                );
            }
            assert_eq!(parse("not a code"), None);
        }
        check(&SubjectKind::ALL, SubjectKind::code, SubjectKind::parse);
        check(&Body::ALL, Body::code, Body::parse);
        check(
            &Participation::ALL,
            Participation::code,
            Participation::parse,
        );
        check(&Stage::ALL, Stage::code, Stage::parse);
        check(&Level::DESCENDING, Level::code, Level::parse);
    }
}
