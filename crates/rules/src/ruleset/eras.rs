//! The fixed, textual side of each rule set: which subjects it covers, what the levels are called,
//! which self-review forms it prescribes, which orderings it imposes, and the citation of every rule.
//! One value per legal basis; the numbers that vary live in the parameter files.

use super::RuleSetId;
use super::sources::{self, Sources};
use crate::authority::BranchDecider;
use crate::forms::sections::{self, Section};
use crate::level::Level;
use crate::ordering::Precedence;
use crate::subject::SubjectKind;
use crate::vocabulary::Vocabulary;

/// The form a subject writes its self-review (bản tự kiểm điểm) on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormName {
    pub code: &'static str,
    pub title: &'static str,
    /// Its headings ([`crate::forms::sections`]).
    pub sections: &'static [Section],
}

/// One era's textual definition.
#[derive(Debug)]
pub struct Era {
    pub id: RuleSetId,
    /// Whether leadership collectives and leaders are subjects of their own (from QĐ 132 on).
    pub covers_collectives_and_leaders: bool,
    pub collective_report_form: FormName,
    pub member_with_post_form: FormName,
    pub member_without_post_form: FormName,
    pub member_outside_system_form: FormName,
    pub leader_form: FormName,
    /// Quarterly or periodic self-evaluation, where the era defines one.
    pub periodic_form: Option<FormName>,
    /// The orderings in force, each with its citation.
    pub precedences: &'static [(Precedence, &'static str)],
    /// Who may decide a chi bộ trực thuộc (and a đảng bộ bộ phận), the default first, each with
    /// its citation; the choice is made per organisation.
    pub branch_deciders: &'static [(BranchDecider, &'static str)],
    pub sources: Sources,
}

impl Era {
    pub fn covers(&self, kind: SubjectKind) -> bool {
        match kind {
            SubjectKind::Collective | SubjectKind::Leader => self.covers_collectives_and_leaders,
            _ => true,
        }
    }

    /// The era's levels for a kind of subject (HD 20/27 organisations: "Trong sạch, vững mạnh" …
    /// "Yếu kém"; members "Đủ tư cách …").
    pub fn vocabulary(&self, kind: SubjectKind) -> &'static Vocabulary {
        crate::vocabulary::vocabulary(self.id, kind)
    }

    /// The era's name of a level for a kind of subject.
    pub fn level_name(&self, level: Level, kind: SubjectKind) -> &'static str {
        self.vocabulary(kind).of(level).name
    }

    /// The national self-review form of a subject kind (collectives use the collective report).
    pub fn self_review_form(&self, kind: SubjectKind) -> FormName {
        match kind {
            SubjectKind::Organisation | SubjectKind::Collective => self.collective_report_form,
            SubjectKind::MemberWithPost => self.member_with_post_form,
            SubjectKind::MemberWithoutPost => self.member_without_post_form,
            SubjectKind::MemberOutsideSystem => self.member_outside_system_form,
            SubjectKind::Leader => self.leader_form,
        }
    }

    /// The citation of a precedence, when the era imposes it.
    pub fn precedence(&self, precedence: Precedence) -> Option<&'static str> {
        self.precedences
            .iter()
            .find(|(p, _)| *p == precedence)
            .map(|(_, source)| *source)
    }
}

const LOCAL_FORM: FormName = FormName {
    code: "Bản kiểm điểm cá nhân",
    title: "Bản kiểm điểm cá nhân theo mẫu của cấp ủy cấp trên",
    sections: sections::INDIVIDUAL_PRE_2018,
};

const OLD_COLLECTIVE_FORM: FormName = FormName {
    code: "Báo cáo kiểm điểm",
    title: "Báo cáo kiểm điểm và bảng chấm điểm theo bốn tiêu chuẩn (mẫu của cấp ủy cấp trên)",
    sections: sections::COLLECTIVE_PRE_2018,
};

/// Eras that name one decider of a chi bộ trực thuộc: the đảng ủy cơ sở (the era's
/// `competent_level` citation says where).
const GRASSROOTS_DECIDES: &[(BranchDecider, &str)] = &[(
    BranchDecider::GrassrootsCommittee,
    "đảng ủy cơ sở quyết định xếp loại chi bộ trực thuộc (theo căn cứ về cấp có thẩm quyền của thời kỳ)",
)];

/// What HD 20 and HD 27 share: only grassroots organisations and members are subjects, the old
/// level names, forms of the superior committee, and most rules not found.
const PRE_2018: Era = Era {
    id: RuleSetId::Hd27,
    covers_collectives_and_leaders: false,
    collective_report_form: OLD_COLLECTIVE_FORM,
    member_with_post_form: LOCAL_FORM,
    member_without_post_form: LOCAL_FORM,
    member_outside_system_form: LOCAL_FORM,
    leader_form: LOCAL_FORM,
    periodic_form: None,
    precedences: &[],
    branch_deciders: GRASSROOTS_DECIDES,
    sources: sources::PRE_2018,
};

static HD20: Era = Era {
    id: RuleSetId::Hd20,
    precedences: &[
        (
            Precedence::ReviewBeforeRating,
            "HD 20-HD/BTCTW; Kế hoạch 59-KH/ĐBSNV ngày 30/11/2010 mục C (kiểm điểm rồi biểu quyết đề nghị xếp loại)",
        ),
        (
            Precedence::LowerBeforeUpper,
            "HD 20-HD/BTCTW; Kế hoạch 59-KH/ĐBSNV ngày 30/11/2010 mục C.II (Đảng ủy xem xét kết quả các chi bộ, đảng viên)",
        ),
        (
            Precedence::MembersBeforeOrganisation,
            "HD 20-HD/BTCTW; Kế hoạch 59-KH/ĐBSNV ngày 30/11/2010 mục C.I (chi bộ biểu quyết xếp loại đảng viên, Đảng ủy quyết định sau)",
        ),
    ],
    sources: sources::HD20,
    ..PRE_2018
};

static HD27: Era = Era {
    id: RuleSetId::Hd27,
    precedences: &[
        (
            Precedence::ReviewBeforeRating,
            "HD 27-HD/BTCTW (kiểm điểm rồi mới đánh giá, phân loại)",
        ),
        (
            Precedence::LowerBeforeUpper,
            "HD 27-HD/BTCTW (đánh giá chi bộ, đảng viên trước, đảng bộ sau)",
        ),
        (
            Precedence::MembersBeforeOrganisation,
            "HD 27-HD/BTCTW (chi bộ có trên 1/2 số đảng viên không hoàn thành nhiệm vụ thì yếu kém: xếp loại đảng viên trước)",
        ),
    ],
    sources: sources::HD27,
    ..PRE_2018
};

const QD132_PRECEDENCES: &[(Precedence, &str)] = &[
    (
        Precedence::ReviewBeforeRating,
        "QĐ 132-QĐ/TW, HD 21-HD/BTCTW, như hướng dẫn của BTV Huyện ủy năm 2019 mục B.6 cụ thể hóa (tập thể, cá nhân phải hoàn thành kiểm điểm mới được đánh giá, xếp loại)",
    ),
    (
        Precedence::CollectiveBeforeMembers,
        "QĐ 132-QĐ/TW, HD 21-HD/BTCTW, như hướng dẫn của BTV Huyện ủy năm 2019 mục A.4.2 và B.6 cụ thể hóa (tập thể trước, cá nhân sau)",
    ),
    (
        Precedence::HeadBeforeDeputies,
        "QĐ 132-QĐ/TW, HD 21-HD/BTCTW, như hướng dẫn của BTV Huyện ủy năm 2019 mục A.4.2 cụ thể hóa (người đứng đầu trước, cấp phó và các thành viên sau)",
    ),
    (
        Precedence::GovernmentBodiesBeforeCommittee,
        "QĐ 132-QĐ/TW, HD 21-HD/BTCTW, như hướng dẫn của BTV Huyện ủy năm 2019 mục A.4.2 cụ thể hóa (cấp ủy kiểm điểm sau tập thể lãnh đạo chính quyền, chuyên môn, đoàn thể)",
    ),
    (
        Precedence::LowerBeforeUpper,
        "QĐ 132-QĐ/TW, HD 21-HD/BTCTW, như hướng dẫn của BTV Huyện ủy năm 2019 mục B.6 cụ thể hóa (tập thể cấp dưới trước, cấp trên sau)",
    ),
    (
        Precedence::UnitBeforeHead,
        "QĐ 132-QĐ/TW, HD 21-HD/BTCTW, như hướng dẫn của BTV Huyện ủy năm 2019 mục B.4 cụ thể hóa (đánh giá tổ chức, tập thể, cá nhân ở đơn vị xong thì đánh giá người đứng đầu)",
    ),
    (
        Precedence::BranchBeforeCollective,
        "QĐ 132-QĐ/TW, HD 21-HD/BTCTW, như hướng dẫn của BTV Huyện ủy năm 2019 mục B.4 cụ thể hóa (đánh giá ở chi bộ trước, ở tập thể lãnh đạo, quản lý sau)",
    ),
    (
        Precedence::CivilServiceBeforeParty,
        "QĐ 132-QĐ/TW, HD 21-HD/BTCTW, như hướng dẫn của BTV Huyện ủy năm 2019 mục B.6 cụ thể hóa (đảng viên là CBCCVC xếp loại sau khi có kết quả xếp loại CBCCVC)",
    ),
    (
        Precedence::MembersBeforeOrganisation,
        "HD 21-HD/BTCTW Mục II (chi bộ HTTNV khi 100% đảng viên HTNV trở lên, trong đó ≥ 50% HTTNV trở lên: xếp loại đảng viên trước)",
    ),
];

static QD132_HD21: Era = Era {
    id: RuleSetId::Qd132Hd21,
    covers_collectives_and_leaders: true,
    collective_report_form: FormName {
        code: "Mẫu 01-HD KĐ.ĐG 2019",
        title: "Báo cáo kiểm điểm tập thể",
        sections: sections::COLLECTIVE_2019,
    },
    member_with_post_form: HD21_INDIVIDUAL,
    member_without_post_form: HD21_INDIVIDUAL,
    member_outside_system_form: HD21_INDIVIDUAL,
    leader_form: HD21_INDIVIDUAL,
    periodic_form: None,
    precedences: QD132_PRECEDENCES,
    branch_deciders: GRASSROOTS_DECIDES,
    sources: sources::QD132,
};

const HD21_INDIVIDUAL: FormName = FormName {
    code: "Mẫu 02-HD KĐ.ĐG 2019",
    title: "Bản kiểm điểm cá nhân",
    sections: sections::INDIVIDUAL_2019,
};

const HD16_INDIVIDUAL: FormName = FormName {
    code: "Mẫu 5 (HD 16)",
    title: "Phiếu tự đánh giá, xếp loại chất lượng (phân tích từng tiêu chí, tự nhận mức)",
    sections: sections::INDIVIDUAL_2019,
};

static QD132_HD16: Era = Era {
    id: RuleSetId::Qd132Hd16,
    collective_report_form: FormName {
        code: "Báo cáo kiểm điểm tập thể",
        title: "Báo cáo kiểm điểm tập thể (mẫu kèm HD 16-HD/BTCTW)",
        sections: sections::COLLECTIVE_2019,
    },
    member_with_post_form: HD16_INDIVIDUAL,
    member_without_post_form: HD16_INDIVIDUAL,
    member_outside_system_form: HD16_INDIVIDUAL,
    leader_form: HD16_INDIVIDUAL,
    sources: sources::HD16,
    ..QD132_SHAPE
};

const QD132_SHAPE: Era = Era {
    id: RuleSetId::Qd132Hd21,
    covers_collectives_and_leaders: true,
    collective_report_form: HD21_INDIVIDUAL,
    member_with_post_form: HD21_INDIVIDUAL,
    member_without_post_form: HD21_INDIVIDUAL,
    member_outside_system_form: HD21_INDIVIDUAL,
    leader_form: HD21_INDIVIDUAL,
    periodic_form: None,
    precedences: QD132_PRECEDENCES,
    branch_deciders: GRASSROOTS_DECIDES,
    sources: sources::QD132,
};

static QD124_HD25: Era = Era {
    id: RuleSetId::Qd124Hd25,
    covers_collectives_and_leaders: true,
    collective_report_form: FormName {
        code: "Mẫu 01-HD KĐ.ĐG 2023",
        title: "Báo cáo kiểm điểm tập thể",
        sections: sections::COLLECTIVE_2019,
    },
    // HD 25: 02A = không giữ chức vụ, 02B = giữ chức vụ (the reverse of HD 43's 2A/2B).
    member_with_post_form: HD25_WITH_POST,
    member_without_post_form: HD25_WITHOUT_POST,
    member_outside_system_form: HD25_WITHOUT_POST,
    leader_form: HD25_WITH_POST,
    periodic_form: None,
    precedences: &[
        (
            Precedence::ReviewBeforeRating,
            "QĐ 124-QĐ/TW Điều 3 (kiểm điểm là cơ sở đánh giá); giả định theo HD 21",
        ),
        (
            Precedence::CollectiveBeforeMembers,
            "QĐ 124-QĐ/TW Điều 11 (tập thể lãnh đạo, quản lý trước, cá nhân thành viên sau)",
        ),
        (
            Precedence::HeadBeforeDeputies,
            "QĐ 124-QĐ/TW Điều 7 (người đứng đầu trước, cấp phó và thành viên sau)",
        ),
        (
            Precedence::GovernmentBodiesBeforeCommittee,
            "QĐ 124-QĐ/TW Điều 11 (tập thể chính quyền, chuyên môn, đoàn thể trước, tổ chức đảng sau)",
        ),
        (
            Precedence::LowerBeforeUpper,
            "QĐ 124-QĐ/TW Điều 11 (tập thể cấp dưới trước, cấp trên sau)",
        ),
        (
            Precedence::UnitBeforeHead,
            "QĐ 124-QĐ/TW Điều 11 (người đứng đầu sau khi địa phương, cơ quan, đơn vị đã xếp loại)",
        ),
        (
            Precedence::CivilServiceBeforeParty,
            "giả định theo HD 21-HD/BTCTW (văn bản HD 25 không tìm thấy)",
        ),
        (
            Precedence::VerificationBeforeDecision,
            "QĐ 124-QĐ/TW Điều 11 (có khiếu nại, tố cáo, dấu hiệu vi phạm, mất đoàn kết nội bộ: cấp ủy cấp trên chỉ đạo xác minh, kiểm tra, đánh giá lại trước khi quyết định)",
        ),
    ],
    branch_deciders: GRASSROOTS_DECIDES,
    sources: sources::QD124,
};

const HD25_WITHOUT_POST: FormName = FormName {
    code: "Mẫu 02A-HD KĐ.ĐG 2023",
    title: "Bản kiểm điểm cá nhân (không giữ chức vụ lãnh đạo, quản lý)",
    sections: sections::INDIVIDUAL_2019,
};

const HD25_WITH_POST: FormName = FormName {
    code: "Mẫu 02B-HD KĐ.ĐG 2023",
    title: "Bản kiểm điểm cá nhân (giữ chức vụ lãnh đạo, quản lý)",
    sections: sections::INDIVIDUAL_2019,
};

static QD366_HD43: Era = Era {
    id: RuleSetId::Qd366Hd43,
    covers_collectives_and_leaders: true,
    collective_report_form: FormName {
        code: "Mẫu 01-HD KĐ.ĐG 2025",
        title: "Báo cáo kiểm điểm, tự đánh giá, xếp loại của tập thể",
        sections: sections::COLLECTIVE_2025,
    },
    // HD 43: 2A = giữ chức vụ, 2B = không giữ chức vụ, 2C = không làm việc trong HTCT.
    member_with_post_form: HD43_2A,
    member_without_post_form: FormName {
        code: "Mẫu 2B-HD KĐ.ĐG 2025",
        title: "Bản kiểm điểm, tự đánh giá, xếp loại cá nhân (không giữ chức vụ lãnh đạo, quản lý)",
        sections: sections::INDIVIDUAL_2025,
    },
    member_outside_system_form: FormName {
        code: "Mẫu 2C-HD KĐ.ĐG 2025",
        title: "Bản kiểm điểm, tự đánh giá, xếp loại cá nhân (đảng viên không làm việc trong hệ thống chính trị)",
        sections: sections::OUTSIDE_SYSTEM_2025,
    },
    leader_form: HD43_2A,
    periodic_form: Some(FormName {
        code: "Mẫu 05-HD KĐ.ĐG 2025",
        title: "Bản tự đánh giá, xếp loại của cá nhân (quý, năm)",
        sections: sections::INDIVIDUAL_2025,
    }),
    precedences: &[
        (
            Precedence::ReviewBeforeRating,
            "QĐ 366-QĐ/TW Điều 3 (tập thể, cá nhân được kiểm điểm thì phải đánh giá, xếp loại)",
        ),
        (
            Precedence::CollectiveBeforeMembers,
            "QĐ 366-QĐ/TW Điều 7; HD 43 Mục 2 (tập thể trước, cá nhân sau)",
        ),
        (
            Precedence::HeadBeforeDeputies,
            "QĐ 366-QĐ/TW Điều 7; HD 43 Mục 2 (người đứng đầu trước, cấp phó và thành viên sau)",
        ),
        (
            Precedence::GovernmentBodiesBeforeCommittee,
            "HD 43-HD/BTCTW Mục 2 (tập thể lãnh đạo chính quyền, chuyên môn, đoàn thể trước cấp ủy)",
        ),
        (
            Precedence::BranchBeforeCollective,
            "HD 43-HD/BTCTW Mục 2 (đảng viên giữ chức vụ: kiểm điểm ở chi bộ trước, ở tập thể lãnh đạo sau)",
        ),
        (
            Precedence::LowerBeforeUpper,
            "QĐ 366-QĐ/TW Điều 12; HD 43 Mục 3 (xếp loại tổ chức căn cứ kết quả các tổ chức trực thuộc và đảng viên)",
        ),
        (
            Precedence::UnitBeforeHead,
            "QĐ 366-QĐ/TW Điều 11 khoản 1–4 (mức của người lãnh đạo căn cứ kết quả đơn vị trực tiếp lãnh đạo)",
        ),
        (
            Precedence::CivilServiceBeforeParty,
            "giả định theo HD 21-HD/BTCTW; NĐ 335/2025/NĐ-CP gắn hai kết quả",
        ),
        (
            Precedence::MembersBeforeOrganisation,
            "HD 43-HD/BTCTW Mục 3 (xếp loại tổ chức đảng căn cứ kết quả xếp loại toàn bộ đảng viên)",
        ),
        (
            Precedence::VerificationBeforeDecision,
            "QĐ 366-QĐ/TW Điều 12 khoản 1 (có đơn thư khiếu nại, tố cáo, phản ánh tiêu cực, dấu hiệu vi phạm, mất đoàn kết nội bộ: cấp ủy cấp trên trực tiếp chỉ đạo kiểm tra, xác minh, thẩm định lại trước khi quyết định)",
        ),
    ],
    branch_deciders: &[
        (
            BranchDecider::GrassrootsCommittee,
            "HD 43-HD/BTCTW Mục 3 (đảng ủy cơ sở quyết định xếp loại chi bộ trực thuộc)",
        ),
        (
            BranchDecider::UpperStandingCommittee,
            "HD 43-HD/BTCTW Mục 3 (hoặc ban thường vụ cấp ủy cấp trên quyết định)",
        ),
        (
            BranchDecider::GrassrootsWithUpperPowers,
            "HD 43-HD/BTCTW Mục 3 (hoặc đảng ủy cơ sở được giao quyền cấp trên cơ sở quyết định)",
        ),
    ],
    sources: sources::QD366,
};

const HD43_2A: FormName = FormName {
    code: "Mẫu 2A-HD KĐ.ĐG 2025",
    title: "Bản kiểm điểm, tự đánh giá, xếp loại cá nhân (giữ chức vụ lãnh đạo, quản lý)",
    sections: sections::INDIVIDUAL_2025,
};

/// The era definition of a rule set.
pub fn era(id: RuleSetId) -> &'static Era {
    match id {
        RuleSetId::Hd20 => &HD20,
        RuleSetId::Hd27 => &HD27,
        RuleSetId::Qd132Hd16 => &QD132_HD16,
        RuleSetId::Qd132Hd21 => &QD132_HD21,
        RuleSetId::Qd124Hd25 => &QD124_HD25,
        RuleSetId::Qd366Hd43 => &QD366_HD43,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_era_carries_its_own_id() {
        for id in RuleSetId::ALL {
            assert_eq!(era(id).id, id);
        }
    }

    #[test]
    fn the_a_b_forms_flip_between_hd25_and_hd43() {
        let hd25 = era(RuleSetId::Qd124Hd25);
        let hd43 = era(RuleSetId::Qd366Hd43);
        assert!(
            hd25.self_review_form(SubjectKind::MemberWithoutPost)
                .code
                .contains("02A")
        );
        assert!(
            hd25.self_review_form(SubjectKind::MemberWithPost)
                .code
                .contains("02B")
        );
        assert!(
            hd43.self_review_form(SubjectKind::MemberWithPost)
                .code
                .contains("2A")
        );
        assert!(
            hd43.self_review_form(SubjectKind::MemberWithoutPost)
                .code
                .contains("2B")
        );
        assert!(
            hd43.self_review_form(SubjectKind::MemberOutsideSystem)
                .code
                .contains("2C")
        );
        assert!(
            era(RuleSetId::Qd132Hd21)
                .self_review_form(SubjectKind::MemberWithPost)
                .code
                .contains("Mẫu 02-")
        );
        assert!(
            era(RuleSetId::Qd132Hd16)
                .self_review_form(SubjectKind::MemberWithPost)
                .code
                .contains("Mẫu 5")
        );
    }

    #[test]
    fn old_eras_name_organisation_levels_the_old_way() {
        let hd27 = era(RuleSetId::Hd27);
        assert_eq!(
            hd27.level_name(Level::Htxsnv, SubjectKind::Organisation),
            "Trong sạch, vững mạnh"
        );
        assert_eq!(
            hd27.level_name(Level::Khtnv, SubjectKind::Organisation),
            "Yếu kém"
        );
        assert!(!hd27.covers(SubjectKind::Collective));
        assert_eq!(
            era(RuleSetId::Qd366Hd43).level_name(Level::Khtnv, SubjectKind::Organisation),
            "Không hoàn thành nhiệm vụ"
        );
    }
}
