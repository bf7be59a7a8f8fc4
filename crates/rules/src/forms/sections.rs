//! The sections of each era's self-review forms (the headings a subject writes under), with the
//! points each heading asks about. Codes are shared by every era (`A.I` … `A.VI` for the review,
//! `B.I`, `B.II` for the self-evaluation), so a self-review keeps its structure when read again;
//! what differs by era is which sections a form has, which are optional ("nếu có"), and what
//! they ask.
//!
//! Sources: HD 43-HD/BTCTW (2025) Mẫu 01 and Mẫu 2C as RULES.md §3.9 gives them, Mẫu 2A/2B
//! following the same pattern; HD 21 (2019) Mẫu 01/02 and HD 25 (2023) Mẫu 01/02A/02B with the
//! review points of QĐ 132/QĐ 124 (tư tưởng chính trị; phẩm chất đạo đức, lối sống; tác phong,
//! lề lối làm việc; ý thức tổ chức kỷ luật; kết quả thực hiện chức trách, nhiệm vụ); before
//! 2018 the superior committee's own forms (seed 002: bản kiểm điểm cá nhân, bảng chấm điểm theo
//! bốn tiêu chuẩn), whose headings here are assumed (RULES.md §11).

use serde::Serialize;

/// A heading of a self-review form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Section {
    pub code: &'static str,
    pub title: &'static str,
    /// Sections marked "(nếu có)" may stay empty.
    pub required: bool,
    /// What the heading asks about, in the form's order.
    pub guidance: &'static [&'static str],
}

const fn section(code: &'static str, title: &'static str, required: bool) -> Section {
    Section {
        code,
        title,
        required,
        guidance: &[],
    }
}

const fn guided(
    code: &'static str,
    title: &'static str,
    guidance: &'static [&'static str],
) -> Section {
    Section {
        code,
        title,
        required: true,
        guidance,
    }
}

const SHORTCOMINGS: Section = section("A.II", "Hạn chế, khuyết điểm và nguyên nhân", true);
const EXPLANATION: Section = section(
    "A.IV",
    "Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
    false,
);
const REMEDY: Section = section(
    "A.VI",
    "Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
    true,
);

/// Mẫu 01 of HD 21 (2019) and HD 25 (2023): the collective's report.
pub const COLLECTIVE_2019: &[Section] = &[
    guided(
        "A.I",
        "Ưu điểm, kết quả đạt được",
        &[
            "Việc chấp hành nguyên tắc tổ chức và hoạt động, quy chế làm việc",
            "Kết quả thực hiện nhiệm vụ chính trị, các chỉ tiêu của nghị quyết, kế hoạch năm",
            "Công tác xây dựng Đảng, xây dựng hệ thống chính trị; trách nhiệm của tập thể lãnh đạo",
        ],
    ),
    SHORTCOMINGS,
    section(
        "A.III",
        "Kết quả khắc phục hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở kỳ kiểm điểm trước",
        true,
    ),
    EXPLANATION,
    section(
        "A.V",
        "Trách nhiệm của tập thể, cá nhân đối với hạn chế, khuyết điểm",
        true,
    ),
    REMEDY,
    section(
        "B.I",
        "Tự đánh giá mức độ đạt được của từng tiêu chí (Xuất sắc, Tốt, Trung bình, Kém)",
        true,
    ),
    section("B.II", "Tự nhận mức xếp loại chất lượng", true),
];

/// Mẫu 02 of HD 21 (2019), Mẫu 02A/02B of HD 25 (2023): the individual's self-review.
pub const INDIVIDUAL_2019: &[Section] = &[
    guided(
        "A.I",
        "Ưu điểm, kết quả đạt được",
        &[
            "Về tư tưởng chính trị",
            "Về phẩm chất đạo đức, lối sống",
            "Về tác phong, lề lối làm việc",
            "Về ý thức tổ chức kỷ luật",
            "Kết quả thực hiện chức trách, nhiệm vụ được giao",
            "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
        ],
    ),
    SHORTCOMINGS,
    section(
        "A.III",
        "Kết quả khắc phục hạn chế, khuyết điểm đã được chỉ ra ở kỳ kiểm điểm trước",
        true,
    ),
    EXPLANATION,
    section(
        "A.V",
        "Làm rõ trách nhiệm của cá nhân đối với hạn chế, khuyết điểm của tập thể (nếu có)",
        false,
    ),
    REMEDY,
    section(
        "B.I",
        "Tự đánh giá mức độ đạt được của từng tiêu chí (Xuất sắc, Tốt, Trung bình, Kém)",
        true,
    ),
    section("B.II", "Tự nhận mức xếp loại chất lượng", true),
];

const POINTS_2025: Section = guided(
    "B.I",
    "Đánh giá theo các nhóm tiêu chí",
    &[
        "Nhóm tiêu chí chung: …/30 điểm",
        "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ: …/70 điểm",
        "Tổng điểm: …/100 điểm",
    ],
);
const PROPOSAL_2025: Section = section("B.II", "Đề xuất xếp loại mức chất lượng", true);
const PREVIOUS_2025: Section = section(
    "A.III",
    "Kết quả khắc phục hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra ở kỳ kiểm điểm trước",
    true,
);

/// Mẫu 01 of HD 43 (2025): the collective's report, self-evaluation and classification.
pub const COLLECTIVE_2025: &[Section] = &[
    guided(
        "A.I",
        "Ưu điểm, kết quả đạt được",
        &[
            "Việc chấp hành nguyên tắc tổ chức và hoạt động của Đảng, nhất là nguyên tắc tập trung dân chủ; quy chế làm việc",
            "Kết quả thực hiện mục tiêu, chỉ tiêu, nhiệm vụ theo nghị quyết đại hội, kế hoạch, chương trình công tác năm",
            "Xây dựng, chỉnh đốn Đảng và hệ thống chính trị; năng lực, trách nhiệm của tập thể lãnh đạo; nêu gương; kiểm soát quyền lực, phòng, chống tham nhũng, lãng phí; kiểm tra, giám sát, kỷ luật; tiếp công dân, giải quyết khiếu nại, tố cáo",
            "Trách nhiệm của tập thể lãnh đạo, quản lý trong triển khai chủ trương, nghị quyết",
        ],
    ),
    section(
        "A.II",
        "Hạn chế, khuyết điểm và nguyên nhân (chủ quan, khách quan)",
        true,
    ),
    PREVIOUS_2025,
    EXPLANATION,
    section("A.V", "Trách nhiệm của tập thể, cá nhân", true),
    REMEDY,
    POINTS_2025,
    PROPOSAL_2025,
];

/// Mẫu 2A and 2B of HD 43 (2025): members holding a leadership post, and members who do not.
pub const INDIVIDUAL_2025: &[Section] = &[
    guided(
        "A.I",
        "Ưu điểm, kết quả đạt được",
        &[
            "Phẩm chất chính trị, đạo đức, lối sống; ý thức tổ chức kỷ luật, tinh thần đoàn kết; trách nhiệm nêu gương; liên hệ biểu hiện suy thoái, \"tự diễn biến\", \"tự chuyển hóa\"",
            "Kết quả thực hiện chức trách, nhiệm vụ được giao (người giữ chức vụ: cả kết quả lãnh đạo, quản lý của cơ quan, đơn vị phụ trách)",
        ],
    ),
    SHORTCOMINGS,
    PREVIOUS_2025,
    EXPLANATION,
    section(
        "A.V",
        "Làm rõ trách nhiệm của cá nhân đối với hạn chế, khuyết điểm của tập thể (nếu có)",
        false,
    ),
    REMEDY,
    POINTS_2025,
    PROPOSAL_2025,
];

/// Mẫu 2C of HD 43 (2025): members not working in the political system.
pub const OUTSIDE_SYSTEM_2025: &[Section] = &[
    guided(
        "A.I",
        "Ưu điểm",
        &[
            "Phẩm chất chính trị, đạo đức, lối sống, đoàn kết, kỷ luật, nêu gương; những điều đảng viên không được làm; liên hệ biểu hiện suy thoái",
            "Thực hiện quyền và nghĩa vụ đảng viên theo nhiệm vụ được cấp ủy, chi bộ phân công",
        ],
    ),
    section("A.II", "Hạn chế và nguyên nhân", true),
    section(
        "A.III",
        "Kết quả khắc phục hạn chế, khuyết điểm kỳ trước",
        true,
    ),
    EXPLANATION,
    section(
        "A.V",
        "Làm rõ trách nhiệm của cá nhân đối với hạn chế, khuyết điểm của tập thể (nếu có)",
        false,
    ),
    REMEDY,
    POINTS_2025,
    PROPOSAL_2025,
];

/// Before 2018 (HD 20, HD 27): the superior committee's forms — assumed headings.
pub const COLLECTIVE_PRE_2018: &[Section] = &[
    section("A.I", "Ưu điểm, kết quả thực hiện nhiệm vụ trong năm", true),
    section("A.II", "Khuyết điểm, hạn chế và nguyên nhân", true),
    REMEDY,
    section("B.I", "Bảng chấm điểm theo bốn tiêu chuẩn", true),
    section(
        "B.II",
        "Tự nhận mức phân loại (Trong sạch, vững mạnh; Hoàn thành tốt nhiệm vụ; Hoàn thành nhiệm vụ; Yếu kém)",
        true,
    ),
];

/// Before 2018 (HD 20, HD 27): the member's self-review — assumed headings.
pub const INDIVIDUAL_PRE_2018: &[Section] = &[
    section("A.I", "Ưu điểm", true),
    section("A.II", "Khuyết điểm, hạn chế và nguyên nhân", true),
    REMEDY,
    section("B.II", "Tự nhận mức phân loại đảng viên", true),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_order_in_every_form() {
        for form in [
            COLLECTIVE_2019,
            INDIVIDUAL_2019,
            COLLECTIVE_2025,
            INDIVIDUAL_2025,
            OUTSIDE_SYSTEM_2025,
            COLLECTIVE_PRE_2018,
            INDIVIDUAL_PRE_2018,
        ] {
            let codes: Vec<&str> = form.iter().map(|s| s.code).collect();
            let mut sorted = codes.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(codes, sorted, "{codes:?}");
            assert!(
                codes.contains(&"B.II"),
                "every form ends with the proposed level"
            );
        }
    }
}
