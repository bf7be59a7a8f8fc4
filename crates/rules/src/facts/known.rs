//! Facts gathered during the year that may not be known yet (sự việc chưa được ghi nhận): the
//! conclusions of the competent level, a leader's vote of confidence, the 5 basic socio-economic
//! targets, force majeure, and whether last year's shortcomings were remedied. A fact listed in
//! [`super::SubjectFacts::unknown`] is neither "yes" nor "no": a rule that needs it makes the
//! subject pending with the fact named ([`FactCode`]), never a silent "no".

use crate::ruleset::params::ConclusionKind;
use serde::{Deserialize, Serialize};

/// A fact the app gathers during the year, by its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactCode {
    /// Kết luận suy thoái về tư tưởng chính trị, đạo đức, lối sống.
    Degradation,
    /// Kết luận vi phạm những điều đảng viên không được làm.
    ForbiddenActs,
    /// Kết luận vi phạm trách nhiệm nêu gương.
    ExemplaryDutyBreached,
    /// Kết luận mất đoàn kết nội bộ (tập thể).
    Disunity,
    /// Kết luận sai phạm trong công tác cán bộ (tập thể).
    CadreWorkViolation,
    /// Kết luận có thành viên suy thoái (tập thể).
    MemberDegradation,
    /// Kết luận tham nhũng, lãng phí, tiêu cực trong phạm vi trực tiếp phụ trách.
    CorruptionInScope,
    /// Kết quả lấy phiếu tín nhiệm trong năm (hoặc không tổ chức lấy phiếu).
    ConfidenceVote,
    /// Kết quả thực hiện 5 chỉ tiêu kinh tế - xã hội cơ bản.
    KeyTargets,
    /// Có yếu tố bất khả kháng hay không.
    ForceMajeure,
    /// Đã khắc phục 100% hạn chế, khuyết điểm kỳ trước hay chưa.
    PreviousDefectsFixed,
}

impl FactCode {
    pub const ALL: [FactCode; 11] = [
        FactCode::Degradation,
        FactCode::ForbiddenActs,
        FactCode::ExemplaryDutyBreached,
        FactCode::Disunity,
        FactCode::CadreWorkViolation,
        FactCode::MemberDegradation,
        FactCode::CorruptionInScope,
        FactCode::ConfidenceVote,
        FactCode::KeyTargets,
        FactCode::ForceMajeure,
        FactCode::PreviousDefectsFixed,
    ];

    /// The stable code, as in files, the API and the database.
    pub fn code(self) -> &'static str {
        match self {
            FactCode::Degradation => "degradation",
            FactCode::ForbiddenActs => "forbidden_acts",
            FactCode::ExemplaryDutyBreached => "exemplary_duty_breached",
            FactCode::Disunity => "disunity",
            FactCode::CadreWorkViolation => "cadre_work_violation",
            FactCode::MemberDegradation => "member_degradation",
            FactCode::CorruptionInScope => "corruption_in_scope",
            FactCode::ConfidenceVote => "confidence_vote",
            FactCode::KeyTargets => "key_targets",
            FactCode::ForceMajeure => "force_majeure",
            FactCode::PreviousDefectsFixed => "previous_defects_fixed",
        }
    }

    pub fn parse(code: &str) -> Option<FactCode> {
        FactCode::ALL.into_iter().find(|f| f.code() == code)
    }

    /// What the fact is, in Vietnamese.
    pub fn name_vi(self) -> &'static str {
        match self {
            FactCode::Degradation => {
                "kết luận của cấp có thẩm quyền về biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống"
            }
            FactCode::ForbiddenActs => {
                "kết luận của cấp có thẩm quyền về vi phạm những điều đảng viên không được làm"
            }
            FactCode::ExemplaryDutyBreached => {
                "kết luận của cấp có thẩm quyền về vi phạm trách nhiệm nêu gương"
            }
            FactCode::Disunity => "kết luận của cấp có thẩm quyền về mất đoàn kết nội bộ",
            FactCode::CadreWorkViolation => {
                "kết luận của cấp có thẩm quyền về sai phạm trong công tác cán bộ"
            }
            FactCode::MemberDegradation => "kết luận của cấp có thẩm quyền về thành viên suy thoái",
            FactCode::CorruptionInScope => {
                "kết luận về tham nhũng, lãng phí, tiêu cực trong phạm vi trực tiếp phụ trách"
            }
            FactCode::ConfidenceVote => {
                "kết quả lấy phiếu tín nhiệm trong năm (hoặc xác nhận không tổ chức lấy phiếu)"
            }
            FactCode::KeyTargets => {
                "kết quả thực hiện 5 chỉ tiêu kinh tế - xã hội cơ bản (hoặc xác nhận không áp dụng)"
            }
            FactCode::ForceMajeure => "có hay không yếu tố bất khả kháng",
            FactCode::PreviousDefectsFixed => {
                "kết quả khắc phục hạn chế, khuyết điểm đã chỉ ra ở kỳ kiểm điểm trước"
            }
        }
    }

    /// The fact a conclusion of `kind` is recorded as.
    pub fn of_conclusion(kind: ConclusionKind) -> FactCode {
        match kind {
            ConclusionKind::Degradation => FactCode::Degradation,
            ConclusionKind::ForbiddenActs => FactCode::ForbiddenActs,
            ConclusionKind::ExemplaryDutyBreached => FactCode::ExemplaryDutyBreached,
            ConclusionKind::CorruptionInScope => FactCode::CorruptionInScope,
            ConclusionKind::Disunity => FactCode::Disunity,
            ConclusionKind::CadreWorkViolation => FactCode::CadreWorkViolation,
            ConclusionKind::MemberDegradation => FactCode::MemberDegradation,
        }
    }

    /// Whether this is a conclusion of the competent level (a yes/no fact in [`super::Conclusions`]).
    pub fn is_conclusion(self) -> bool {
        !matches!(
            self,
            FactCode::ConfidenceVote
                | FactCode::KeyTargets
                | FactCode::ForceMajeure
                | FactCode::PreviousDefectsFixed
        )
    }
}

impl std::fmt::Display for FactCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for fact in FactCode::ALL {
            assert_eq!(FactCode::parse(fact.code()), Some(fact));
            assert_eq!(
                serde_json::to_value(fact).unwrap(),
                serde_json::Value::String(fact.code().into())
            );
        }
        assert_eq!(FactCode::parse("mood"), None);
    }
}
