//! The fixed, textual side of each rule set: which subjects it covers, what the levels are called,
//! which self-review forms it prescribes, which orderings it imposes, and the citation of every rule.
//! One value per legal basis; the numbers that vary live in the parameter files.

use super::RuleSetId;
use crate::forms::sections::{self, Section};
use crate::level::Level;
use crate::ordering::Precedence;
use crate::subject::SubjectKind;

/// The citations of every rule topic in one era. A rule that does not exist in the era still has a
/// citation here, saying where that was checked (it is never shown unless the rule fires).
#[derive(Debug)]
pub struct Sources {
    pub exempt: &'static str,
    pub suspended: &'static str,
    pub suspended_from_committee: &'static str,
    pub new_member: &'static str,
    pub new_body: &'static str,
    pub not_covered: &'static str,
    pub small_collective: &'static str,
    pub transfer_comment: &'static str,
    pub temporary_comment: &'static str,
    pub civil_service_first: &'static str,
    pub sick_leave: &'static str,
    pub maternity: &'static str,
    pub member_discipline: &'static str,
    pub task_floor: &'static str,
    pub htxsnv_tasks: &'static str,
    pub httnv_tasks: &'static str,
    pub htnv_tasks: &'static str,
    pub previous_defects: &'static str,
    pub conclusions: &'static str,
    pub civil_service: &'static str,
    pub any_kem: &'static str,
    pub leader_units: &'static str,
    pub leader_confidence: &'static str,
    pub key_targets: &'static str,
    pub collective_discipline: &'static str,
    pub collective_clean_record: &'static str,
    pub collective_tasks: &'static str,
    pub organisation_composition: &'static str,
    pub organisation_discipline: &'static str,
    pub quota: &'static str,
    pub quota_exception: &'static str,
    pub ballot: &'static str,
    pub voters: &'static str,
    pub competent_level: &'static str,
    pub forms: &'static str,
    pub review_notice: &'static str,
    pub meeting_duration: &'static str,
    pub finish_by: &'static str,
}

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
    /// Organisation level names, highest first (HD 20/27: "Trong sạch, vững mạnh" … "Yếu kém").
    pub organisation_levels: [&'static str; 4],
    /// Individual level names, highest first.
    pub member_levels: [&'static str; 4],
    pub collective_report_form: FormName,
    pub member_with_post_form: FormName,
    pub member_without_post_form: FormName,
    pub member_outside_system_form: FormName,
    pub leader_form: FormName,
    /// Quarterly or periodic self-evaluation, where the era defines one.
    pub periodic_form: Option<FormName>,
    /// The orderings in force, each with its citation.
    pub precedences: &'static [(Precedence, &'static str)],
    pub sources: Sources,
}

impl Era {
    pub fn covers(&self, kind: SubjectKind) -> bool {
        match kind {
            SubjectKind::Collective | SubjectKind::Leader => self.covers_collectives_and_leaders,
            _ => true,
        }
    }

    /// The era's name of a level for a kind of subject.
    pub fn level_name(&self, level: Level, kind: SubjectKind) -> &'static str {
        let index = match level {
            Level::Htxsnv => 0,
            Level::Httnv => 1,
            Level::Htnv => 2,
            Level::Khtnv => 3,
        };
        match kind {
            SubjectKind::Organisation => self.organisation_levels[index],
            _ => self.member_levels[index],
        }
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

const STANDARD_LEVELS: [&str; 4] = [
    "Hoàn thành xuất sắc nhiệm vụ",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Không hoàn thành nhiệm vụ",
];

const OLD_ORGANISATION_LEVELS: [&str; 4] = [
    "Trong sạch, vững mạnh",
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Yếu kém",
];

const OLD_MEMBER_LEVELS: [&str; 4] = [
    "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ",
    "Đủ tư cách, hoàn thành tốt nhiệm vụ",
    "Đủ tư cách, hoàn thành nhiệm vụ",
    "Vi phạm tư cách hoặc không hoàn thành nhiệm vụ",
];

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

const NOT_FOUND: &str = "không tìm thấy quy định trong văn bản của thời kỳ này (RULES.md §11)";

/// What HD 20 and HD 27 share: only grassroots organisations and members are subjects, the old
/// level names, forms of the superior committee, and most rules not found (RULES.md §5, §11.5).
const PRE_2018: Era = Era {
    id: RuleSetId::Hd27,
    covers_collectives_and_leaders: false,
    organisation_levels: OLD_ORGANISATION_LEVELS,
    member_levels: OLD_MEMBER_LEVELS,
    collective_report_form: OLD_COLLECTIVE_FORM,
    member_with_post_form: LOCAL_FORM,
    member_without_post_form: LOCAL_FORM,
    member_outside_system_form: LOCAL_FORM,
    leader_form: LOCAL_FORM,
    periodic_form: None,
    precedences: &[],
    sources: PRE_2018_SOURCES,
};

const PRE_2018_SOURCES: Sources = Sources {
    exempt: NOT_FOUND,
    suspended: NOT_FOUND,
    suspended_from_committee: NOT_FOUND,
    new_member: "giả định theo HD 21 (RULES.md §11.5)",
    new_body: NOT_FOUND,
    not_covered: NOT_FOUND,
    small_collective: NOT_FOUND,
    transfer_comment: NOT_FOUND,
    temporary_comment: "giả định theo HD 21 (RULES.md §11.5)",
    civil_service_first: NOT_FOUND,
    sick_leave: NOT_FOUND,
    maternity: NOT_FOUND,
    member_discipline: NOT_FOUND,
    task_floor: NOT_FOUND,
    htxsnv_tasks: NOT_FOUND,
    httnv_tasks: NOT_FOUND,
    htnv_tasks: NOT_FOUND,
    previous_defects: NOT_FOUND,
    conclusions: NOT_FOUND,
    civil_service: NOT_FOUND,
    any_kem: NOT_FOUND,
    leader_units: NOT_FOUND,
    leader_confidence: NOT_FOUND,
    key_targets: NOT_FOUND,
    collective_discipline: NOT_FOUND,
    collective_clean_record: NOT_FOUND,
    collective_tasks: NOT_FOUND,
    organisation_composition: NOT_FOUND,
    organisation_discipline: NOT_FOUND,
    quota: NOT_FOUND,
    quota_exception: NOT_FOUND,
    ballot: "Điều lệ Đảng (nghị quyết có giá trị khi hơn một nửa số thành viên tán thành)",
    voters: "Điều lệ Đảng Điều 5 (đảng viên dự bị không biểu quyết)",
    competent_level: NOT_FOUND,
    forms: NOT_FOUND,
    review_notice: NOT_FOUND,
    meeting_duration: NOT_FOUND,
    finish_by: NOT_FOUND,
};

static HD20: Era = Era {
    id: RuleSetId::Hd20,
    precedences: &[
        (
            Precedence::ReviewBeforeRating,
            "HD 20-HD/BTCTW; seed 002 mục C (kiểm điểm rồi biểu quyết đề nghị xếp loại)",
        ),
        (
            Precedence::LowerBeforeUpper,
            "seed 002 mục C.II (Đảng ủy xem xét kết quả các chi bộ, đảng viên)",
        ),
    ],
    sources: Sources {
        exempt: "HD 20-HD/BTCTW; thống kê 'miễn đánh giá' (RULES.md §5.1)",
        new_member: "giả định theo HD 21 (RULES.md §5.2)",
        new_body: "thực tiễn: tổ chức mới thành lập không đánh giá (RULES.md §5.1)",
        not_covered: "HD 20-HD/BTCTW: chỉ đánh giá tổ chức cơ sở đảng và đảng viên",
        temporary_comment: "giả định theo HD 21 (RULES.md §5.2)",
        organisation_composition: "giả định theo HD 27-HD/BTCTW (chi bộ trên 1/2 đảng viên KHTNV; đảng bộ trên 1/3 tổ chức yếu kém)",
        quota: "không tìm thấy tỷ lệ khống chế trong HD 20 (RULES.md §11.5)",
        competent_level: "seed 002 mục C.II (Đảng ủy quyết định xếp loại chi bộ, đảng viên; đề nghị cấp trên xếp loại đảng bộ)",
        forms: "seed 002 mục B (bản kiểm điểm cá nhân, bảng chấm điểm theo bốn tiêu chuẩn)",
        finish_by: "kế hoạch của cấp ủy (seed 002: 21–31/12)",
        ..PRE_2018_SOURCES
    },
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
    ],
    sources: Sources {
        exempt: "HD 27-HD/BTCTW; thống kê 'miễn đánh giá' (RULES.md §5.1)",
        new_body: "thực tiễn 2015: tổ chức mới thành lập không đánh giá, xếp loại (RULES.md §5.1)",
        not_covered: "HD 27-HD/BTCTW: đánh giá tổ chức cơ sở đảng và đảng viên",
        organisation_composition: "HD 27-HD/BTCTW (chi bộ có trên 1/2 đảng viên KHTNV, đảng bộ có trên 1/3 tổ chức đảng yếu kém → yếu kém)",
        quota: "không tìm thấy tỷ lệ khống chế trong HD 27 (RULES.md §11.5)",
        competent_level: "HD 27-HD/BTCTW (cấp ủy cấp trên quyết định)",
        forms: "HD 27-HD/BTCTW (mẫu của cấp ủy cấp trên)",
        finish_by: "kế hoạch của cấp ủy",
        ..PRE_2018_SOURCES
    },
    ..PRE_2018
};

const QD132_PRECEDENCES: &[(Precedence, &str)] = &[
    (
        Precedence::ReviewBeforeRating,
        "QĐ 132-QĐ/TW; seed 003 mục B.6 (tập thể, cá nhân phải hoàn thành kiểm điểm mới được đánh giá, xếp loại)",
    ),
    (
        Precedence::CollectiveBeforeMembers,
        "QĐ 132-QĐ/TW; seed 003 mục A.4.2 và B.6 (tập thể trước, cá nhân sau)",
    ),
    (
        Precedence::HeadBeforeDeputies,
        "seed 003 mục A.4.2 (người đứng đầu trước, cấp phó và các thành viên sau)",
    ),
    (
        Precedence::GovernmentBodiesBeforeCommittee,
        "seed 003 mục A.4.2 (cấp ủy kiểm điểm sau tập thể lãnh đạo chính quyền, chuyên môn, đoàn thể)",
    ),
    (
        Precedence::LowerBeforeUpper,
        "seed 003 mục B.6 (tập thể cấp dưới trước, cấp trên sau)",
    ),
    (
        Precedence::UnitBeforeHead,
        "seed 003 mục B.4 (đánh giá tổ chức, tập thể, cá nhân ở đơn vị xong thì đánh giá người đứng đầu)",
    ),
    (
        Precedence::BranchBeforeCollective,
        "seed 003 mục B.4 (đánh giá ở chi bộ trước, ở tập thể lãnh đạo, quản lý sau)",
    ),
    (
        Precedence::CivilServiceBeforeParty,
        "seed 003 mục B.6 (đảng viên là CBCCVC xếp loại sau khi có kết quả xếp loại CBCCVC)",
    ),
];

const QD132_SOURCES: Sources = Sources {
    exempt: "HD 21-HD/BTCTW Mục II (trừ đảng viên được miễn công tác và sinh hoạt đảng)",
    suspended: "HD 21-HD/BTCTW Mục II (trừ đảng viên bị đình chỉ sinh hoạt đảng)",
    suspended_from_committee: "HD 21-HD/BTCTW Mục II; seed 003 mục A.1.2 (cấp ủy viên bị đình chỉ sinh hoạt cấp ủy vẫn phải kiểm điểm, xếp loại)",
    new_member: "HD 21-HD/BTCTW Mục II tiểu mục 6 (đảng viên mới kết nạp chưa đủ 06 tháng: không xếp loại, vẫn kiểm điểm từ ngày kết nạp)",
    new_body: "HD 21-HD/BTCTW Mục II tiểu mục 6 (tổ chức đảng mới thành lập chưa đủ 06 tháng không đánh giá, xếp loại)",
    not_covered: "QĐ 132-QĐ/TW Điều 2",
    small_collective: "seed 003 mục B.3.1 (chỉ xếp loại tập thể có từ 02 lãnh đạo trực tiếp trở lên)",
    transfer_comment: "seed 003 mục B.6 (công tác ở chi bộ cũ từ 06 tháng trở lên phải lấy ý kiến nhận xét của chi bộ nơi chuyển đi)",
    temporary_comment: "seed 003 mục B.6 (lấy nhận xét của chi bộ nơi sinh hoạt tạm thời)",
    civil_service_first: "seed 003 mục B.6 (xếp loại sau khi có kết quả xếp loại CBCCVC)",
    sick_leave: "HD 21-HD/BTCTW Mục II tiểu mục 6 (nghỉ ốm từ 03 tháng trở lên không xếp loại HTTNV trở lên)",
    maternity: "HD 21-HD/BTCTW Mục II tiểu mục 6 (nghỉ thai sản: kết quả trong thời gian làm việc thực tế)",
    member_discipline: "HD 21-HD/BTCTW Tiết 2 Điểm B Mục II (đảng viên bị thi hành kỷ luật trong năm; một vi phạm chỉ tính một lần)",
    task_floor: "HD 21-HD/BTCTW Tiết 2 Điểm B Mục II (chỉ hoàn thành dưới 50% chỉ tiêu, nhiệm vụ)",
    htxsnv_tasks: NOT_FOUND,
    httnv_tasks: NOT_FOUND,
    htnv_tasks: NOT_FOUND,
    previous_defects: NOT_FOUND,
    conclusions: "HD 21-HD/BTCTW Tiết 2 Điểm B Mục II (kết luận suy thoái, \"tự diễn biến\", \"tự chuyển hóa\")",
    civil_service: "HD 21-HD/BTCTW Mục II 2.3 và Tiết 2 Điểm B (CBCCVC phải HTXSNV để được HTXSNV; CBCCVC KHTNV thì KHTNV)",
    any_kem: NOT_FOUND,
    leader_units: "HD 21-HD/BTCTW Tiết 3 Điểm B Mục II (đơn vị trực tiếp lãnh đạo chỉ hoàn thành dưới 50% chỉ tiêu)",
    leader_confidence: NOT_FOUND,
    key_targets: NOT_FOUND,
    collective_discipline: "HD 21-HD/BTCTW Tiết 3 Điểm B Mục II (tập thể bị kỷ luật; thành viên bị kỷ luật từ cảnh cáo trở lên)",
    collective_clean_record: NOT_FOUND,
    collective_tasks: "HD 21-HD/BTCTW Tiết 3 Điểm B Mục II (chỉ hoàn thành dưới 50% chỉ tiêu, nhiệm vụ)",
    organisation_composition: "HD 21-HD/BTCTW Mục II (HTTNV: 100% đảng viên/tổ chức trực thuộc HTNV trở lên, ≥ 50% HTTNV trở lên; chính quyền, đoàn thể cùng cấp HTNV trở lên)",
    organisation_discipline: "HD 21-HD/BTCTW (trên 20% đảng viên bị kỷ luật → KHTNV), theo luathoangphi.vn; chưa đối chiếu nguyên văn (RULES.md §11.6)",
    quota: "HD 21-HD/BTCTW Mục II 2.3 (HTXSNV không vượt quá 20% số HTTNV trong từng tổ chức cơ sở đảng)",
    quota_exception: NOT_FOUND,
    ballot: "QĐ 24-QĐ/TW mục 9.3 (hơn một nửa); cách cộng dồn theo mức là tham số (RULES.md §11.4)",
    voters: "Điều lệ Đảng Điều 5 (đảng viên dự bị không biểu quyết)",
    competent_level: "seed 000 mục B, seed 003 mục B.1.3, B.2.3, B.3.3 (đảng ủy cơ sở quyết định chi bộ trực thuộc và đảng viên; BTV cấp trên quyết định tổ chức cơ sở đảng, tập thể lãnh đạo)",
    forms: "HD 21-HD/BTCTW (Mẫu 01-HD KĐ.ĐG 2019, Mẫu 02-HD KĐ.ĐG 2019)",
    review_notice: "QĐ 132-QĐ/TW; seed 003 mục A.4.1 (dự thảo gửi trước ít nhất 03 ngày làm việc; bản tự kiểm điểm gửi trước 03 ngày)",
    meeting_duration: "seed 003 mục A.4.2 (thời gian kiểm điểm tối thiểu)",
    finish_by: "kế hoạch của cấp ủy (seed 003: 15/12; seed 004: 20/12, 31/12, 15/01)",
};

static QD132_HD21: Era = Era {
    id: RuleSetId::Qd132Hd21,
    covers_collectives_and_leaders: true,
    organisation_levels: STANDARD_LEVELS,
    member_levels: STANDARD_LEVELS,
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
    sources: QD132_SOURCES,
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
    sources: Sources {
        exempt: "HD 16-HD/BTCTW (trừ đảng viên được miễn công tác và sinh hoạt đảng)",
        suspended: "HD 16-HD/BTCTW: đảng viên bị đình chỉ sinh hoạt vẫn đánh giá (HD 21 mới loại trừ; RULES.md §1.1)",
        forms: "HD 16-HD/BTCTW (Mẫu 5: tự đánh giá từng tiêu chí, tự nhận mức)",
        ..QD132_SOURCES
    },
    ..QD132_SHAPE
};

const QD132_SHAPE: Era = Era {
    id: RuleSetId::Qd132Hd21,
    covers_collectives_and_leaders: true,
    organisation_levels: STANDARD_LEVELS,
    member_levels: STANDARD_LEVELS,
    collective_report_form: HD21_INDIVIDUAL,
    member_with_post_form: HD21_INDIVIDUAL,
    member_without_post_form: HD21_INDIVIDUAL,
    member_outside_system_form: HD21_INDIVIDUAL,
    leader_form: HD21_INDIVIDUAL,
    periodic_form: None,
    precedences: QD132_PRECEDENCES,
    sources: QD132_SOURCES,
};

static QD124_HD25: Era = Era {
    id: RuleSetId::Qd124Hd25,
    covers_collectives_and_leaders: true,
    organisation_levels: STANDARD_LEVELS,
    member_levels: STANDARD_LEVELS,
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
            "giả định theo HD 21 (RULES.md §11.7)",
        ),
    ],
    sources: Sources {
        exempt: "QĐ 124-QĐ/TW Điều 2; giả định theo HD 21 (RULES.md §11.7)",
        suspended: "giả định theo HD 21 (RULES.md §11.7)",
        suspended_from_committee: "giả định theo HD 21 (RULES.md §11.7)",
        new_member: "giả định theo HD 21 (RULES.md §11.7)",
        new_body: "giả định theo HD 21 (RULES.md §11.7)",
        not_covered: "QĐ 124-QĐ/TW Điều 2",
        small_collective: "giả định theo HD 21 (RULES.md §11.7)",
        transfer_comment: "giả định theo HD 21 (RULES.md §11.7)",
        temporary_comment: "giả định theo HD 21 (RULES.md §11.7)",
        civil_service_first: "giả định theo HD 21 (RULES.md §11.7)",
        sick_leave: "giả định: HD 21 tiểu mục 6 tiếp tục áp dụng đến HD 43 (RULES.md §11.7)",
        maternity: "giả định theo HD 21 (RULES.md §11.7)",
        member_discipline: "QĐ 124-QĐ/TW Điều 12 khoản 4.3 điểm d (bị xử lý kỷ luật trong năm, trừ trường hợp tự phát hiện và khắc phục xong hậu quả)",
        task_floor: "QĐ 124-QĐ/TW Điều 12 khoản 4 (chỉ hoàn thành dưới 50% chỉ tiêu, nhiệm vụ)",
        htxsnv_tasks: "QĐ 124-QĐ/TW Điều 12 khoản 1 (100% chỉ tiêu đúng tiến độ; ≥ 50% hoàn thành vượt mức)",
        httnv_tasks: NOT_FOUND,
        htnv_tasks: NOT_FOUND,
        previous_defects: NOT_FOUND,
        conclusions: "QĐ 124-QĐ/TW Điều 12 khoản 4.3 (suy thoái; vi phạm những điều đảng viên không được làm; vi phạm trách nhiệm nêu gương)",
        civil_service: NOT_FOUND,
        any_kem: "QĐ 124-QĐ/TW Điều 12 khoản 4 (các tiêu chí đánh giá ở mức Kém)",
        leader_units: "QĐ 124-QĐ/TW Điều 12 khoản 1, 4 (đơn vị trực tiếp lãnh đạo: ≥ 50% vượt mức để HTXSNV; dưới 50% chỉ tiêu thì KHTNV)",
        leader_confidence: NOT_FOUND,
        key_targets: NOT_FOUND,
        collective_discipline: "QĐ 124-QĐ/TW Điều 12 khoản 4 (tập thể lãnh đạo bị kỷ luật hoặc thành viên bị kỷ luật trong năm, trừ tự phát hiện và khắc phục xong)",
        collective_clean_record: "QĐ 124-QĐ/TW Điều 12 khoản 1 (không có tổ chức trực thuộc hoặc thành viên tập thể lãnh đạo bị kỷ luật)",
        collective_tasks: "QĐ 124-QĐ/TW Điều 12 khoản 4 (chỉ hoàn thành dưới 50% chỉ tiêu, nhiệm vụ)",
        organisation_composition: NOT_FOUND,
        organisation_discipline: "QĐ 124-QĐ/TW Điều 12 khoản 4 (có trên 20% số đơn vị trực thuộc bị kỷ luật trong năm)",
        quota: "QĐ 124-QĐ/TW Điều 12 khoản 1 (không vượt quá 20% số được xếp loại HTTNV theo từng nhóm đối tượng tương đồng)",
        quota_exception: NOT_FOUND,
        ballot: "QĐ 24-QĐ/TW mục 9.3 (hơn một nửa); cách cộng dồn theo mức là tham số (RULES.md §11.4)",
        voters: "Điều lệ Đảng Điều 5 (đảng viên dự bị không biểu quyết)",
        competent_level: "QĐ 124-QĐ/TW Điều 11 (cấp có thẩm quyền quyết định)",
        forms: "HD 25-HD/BTCTW (Mẫu 01; Mẫu 02A không giữ chức vụ; Mẫu 02B giữ chức vụ lãnh đạo, quản lý)",
        review_notice: "QĐ 124-QĐ/TW Điều 7 (dự thảo gửi trước ít nhất 03 ngày làm việc)",
        meeting_duration: "giả định: không tìm thấy thời lượng tối thiểu quốc gia",
        finish_by: "kế hoạch của cấp ủy",
    },
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
    organisation_levels: STANDARD_LEVELS,
    member_levels: STANDARD_LEVELS,
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
            "giả định theo HD 21; NĐ 335/2025/NĐ-CP gắn hai kết quả (RULES.md §8)",
        ),
    ],
    sources: Sources {
        exempt: "QĐ 366-QĐ/TW Điều 5 khoản 2 (trừ đảng viên được miễn công tác và sinh hoạt đảng)",
        suspended: "QĐ 366-QĐ/TW Điều 5 khoản 2 (trừ đảng viên bị đình chỉ sinh hoạt đảng)",
        suspended_from_committee: "HD 43-HD/BTCTW tiểu mục 7.7 (cấp ủy viên bị đình chỉ sinh hoạt cấp ủy kiểm điểm tại chi bộ)",
        new_member: "QĐ 366-QĐ/TW Điều 5 khoản 2 (trừ đảng viên mới kết nạp chưa đủ 06 tháng)",
        new_body: "giả định: QĐ 366 Điều 3 áp dụng như với đảng viên (RULES.md §10)",
        not_covered: "QĐ 366-QĐ/TW Điều 5",
        small_collective: "HD 43-HD/BTCTW tiểu mục 7.4 (tập thể dưới 03 thành viên kiểm điểm chung theo quyết định cấp có thẩm quyền); SPEC §2",
        transfer_comment: "giả định theo HD 21 (không tìm thấy trong HD 43)",
        temporary_comment: "HD 43-HD/BTCTW tiểu mục 7.6 (chi bộ nơi sinh hoạt tạm thời gửi nhận xét trước)",
        civil_service_first: "giả định theo HD 21 (RULES.md §8)",
        sick_leave: "HD 43-HD/BTCTW tiểu mục 7.5 (nghỉ ốm từ 03 tháng: xếp loại theo kết quả làm việc thực tế, không giới hạn mức)",
        maternity: "HD 43-HD/BTCTW tiểu mục 7.5 (nghỉ thai sản: căn cứ kết quả làm việc thực tế)",
        member_discipline: "QĐ 366-QĐ/TW Điều 11 khoản 4 (vi phạm liên quan chức trách, công vụ bị kỷ luật từ khiển trách trở lên; tự nhận, khắc phục: xem xét cụ thể)",
        task_floor: "QĐ 366-QĐ/TW Điều 11 khoản 4 (trên 50% số nhiệm vụ trong năm không hoàn thành)",
        htxsnv_tasks: "QĐ 366-QĐ/TW Điều 11 khoản 1 (100% nhiệm vụ đúng hạn, chất lượng, hiệu quả; ≥ 30% vượt mức)",
        httnv_tasks: "QĐ 366-QĐ/TW Điều 11 khoản 2 (100% nhiệm vụ đúng hạn, bảo đảm chất lượng, hiệu quả)",
        htnv_tasks: "QĐ 366-QĐ/TW Điều 11 khoản 3 (hoàn thành 100% nhiệm vụ; chưa bảo đảm tiến độ không quá 20%)",
        previous_defects: "QĐ 366-QĐ/TW Điều 11 khoản 1 (đã khắc phục 100% hạn chế, khuyết điểm được chỉ ra)",
        conclusions: "QĐ 366-QĐ/TW Điều 11 khoản 4 (suy thoái; vi phạm những điều đảng viên không được làm; vi phạm trách nhiệm nêu gương; mất đoàn kết, sai phạm công tác cán bộ)",
        civil_service: NOT_FOUND,
        any_kem: NOT_FOUND,
        leader_units: "QĐ 366-QĐ/TW Điều 11 khoản 1, 4 (đơn vị trực tiếp lãnh đạo: 100%, ≥ 30% vượt mức để HTXSNV; dưới 70% nhiệm vụ hoặc trên 50% đơn vị KHTNV thì KHTNV)",
        leader_confidence: "QĐ 366-QĐ/TW Điều 11 khoản 4 (trên 50% phiếu tín nhiệm thấp)",
        key_targets: "QĐ 366-QĐ/TW Điều 11 khoản 4 (không hoàn thành 5 chỉ tiêu kinh tế - xã hội cơ bản; bất khả kháng: xem xét cụ thể)",
        collective_discipline: "QĐ 366-QĐ/TW Điều 11 khoản 4 (thành viên vi phạm liên quan chức trách bị kỷ luật từ khiển trách trở lên, trừ vi phạm ở đơn vị cũ hoặc không liên quan)",
        collective_clean_record: "QĐ 366-QĐ/TW Điều 11 khoản 1 (không có đơn vị trực thuộc hoặc thành viên tập thể lãnh đạo, quản lý bị kỷ luật)",
        collective_tasks: "QĐ 366-QĐ/TW Điều 11 khoản 4 (địa phương, đơn vị trực tiếp lãnh đạo hoàn thành dưới 70% nhiệm vụ)",
        organisation_composition: "HD 43-HD/BTCTW Mục 3 (căn cứ kết quả tập thể, tập thể lãnh đạo, tổ chức trực thuộc và toàn bộ đảng viên)",
        organisation_discipline: NOT_FOUND,
        quota: "QĐ 366-QĐ/TW Điều 11 khoản 1.4 (không vượt quá 20% số HTTNV theo đối tượng có vị trí, vai trò tương đồng)",
        quota_exception: "QĐ 366-QĐ/TW Điều 11 khoản 1.4 (thành tích xuất sắc, nổi trội: cấp có thẩm quyền xem xét không quá 25%)",
        ballot: "QĐ 24-QĐ/TW mục 9.3 (hơn một nửa); cách cộng dồn theo mức là tham số (RULES.md §11.4)",
        voters: "Điều lệ Đảng Điều 5 (đảng viên dự bị không biểu quyết)",
        competent_level: "QĐ 366-QĐ/TW Điều 12–13; HD 43-HD/BTCTW Mục 3",
        forms: "HD 43-HD/BTCTW (Mẫu 01; Mẫu 2A giữ chức vụ; Mẫu 2B không giữ chức vụ; Mẫu 2C không làm việc trong HTCT; Mẫu 05 quý)",
        review_notice: "QĐ 366-QĐ/TW Điều 7; HD 43-HD/BTCTW Mục 2 (dự thảo gửi trước ít nhất 03 ngày làm việc)",
        meeting_duration: "HD 43-HD/BTCTW Mục 2 (ít nhất 01 ngày; BTV tỉnh ủy ít nhất 02 ngày)",
        finish_by: "HD 43-HD/BTCTW Mục 4 (hoàn thành trước 31/12)",
    },
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
