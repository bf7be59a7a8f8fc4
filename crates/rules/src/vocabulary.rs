//! Level vocabularies (tên các mức xếp loại) by era: each era's own levels as distinct codes, so
//! that a result of 2015 ("Trong sạch, vững mạnh") is never stored or shown as a level of 2025
//! ("Hoàn thành xuất sắc nhiệm vụ"), and the explicit, cited mapping that compares them.
//!
//! Every level of every vocabulary has a rank (a [`Level`]): the rules compute on ranks, people
//! read codes and names. A code that does not exist in an era is refused, with the era's codes.

use crate::cite::Citation;
use crate::level::Level;
use crate::ruleset::RuleSetId;
use crate::subject::SubjectKind;
use serde::Serialize;

/// One level of one era's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EraLevel {
    /// The stable code, distinct across vocabularies except for the four levels shared since 2018.
    pub code: &'static str,
    pub name: &'static str,
    /// The rank the rules compute on; shown as its position (1 the highest … 4), never as a code of
    /// another era.
    #[serde(rename = "position", serialize_with = "position")]
    pub rank: Level,
    /// A distinction within the rank ("tiêu biểu"), which is not a level of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distinction: Option<&'static str>,
}

/// The levels of one era for one kind of subject, highest first.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Vocabulary {
    pub id: &'static str,
    pub title: &'static str,
    pub levels: &'static [EraLevel],
}

fn position<S: serde::Serializer>(rank: &Level, serializer: S) -> Result<S::Ok, S::Error> {
    let position = Level::DESCENDING
        .iter()
        .position(|l| l == rank)
        .expect("every rank is listed")
        + 1;
    serializer.serialize_u64(position as u64)
}

const fn level(code: &'static str, name: &'static str, rank: Level) -> EraLevel {
    EraLevel {
        code,
        name,
        rank,
        distinction: None,
    }
}

/// The four levels of QĐ 132-QĐ/TW (2018) onward, for every subject.
pub static CURRENT: Vocabulary = Vocabulary {
    id: "from_2018",
    title: "Bốn mức chất lượng từ năm 2018 (QĐ 132-QĐ/TW, QĐ 124-QĐ/TW, QĐ 366-QĐ/TW)",
    levels: &[
        level("HTXSNV", "Hoàn thành xuất sắc nhiệm vụ", Level::Htxsnv),
        level("HTTNV", "Hoàn thành tốt nhiệm vụ", Level::Httnv),
        level("HTNV", "Hoàn thành nhiệm vụ", Level::Htnv),
        level("KHTNV", "Không hoàn thành nhiệm vụ", Level::Khtnv),
    ],
};

/// Grassroots organisations 2008–2017 (HD 20, HD 27): "Trong sạch, vững mạnh" with its
/// "tiêu biểu" distinction … "Yếu kém".
pub static ORGANISATIONS_2008: Vocabulary = Vocabulary {
    id: "organisations_2008_2017",
    title: "Tổ chức cơ sở đảng 2008–2017 (HD 20-HD/BTCTW, HD 27-HD/BTCTW)",
    levels: &[
        EraLevel {
            code: "TSVM_TIEU_BIEU",
            name: "Trong sạch, vững mạnh tiêu biểu",
            rank: Level::Htxsnv,
            distinction: Some("tiêu biểu"),
        },
        level("TSVM", "Trong sạch, vững mạnh", Level::Htxsnv),
        level("HOAN_THANH_TOT", "Hoàn thành tốt nhiệm vụ", Level::Httnv),
        level("HOAN_THANH", "Hoàn thành nhiệm vụ", Level::Htnv),
        level("YEU_KEM", "Yếu kém", Level::Khtnv),
    ],
};

/// Party members 2008–2017: "Đủ tư cách, …" and "Vi phạm tư cách".
pub static MEMBERS_2008: Vocabulary = Vocabulary {
    id: "members_2008_2017",
    title: "Đảng viên 2008–2017 (HD 20-HD/BTCTW, HD 27-HD/BTCTW)",
    levels: &[
        level(
            "DTC_HTXSNV",
            "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ",
            Level::Htxsnv,
        ),
        level(
            "DTC_HTTNV",
            "Đủ tư cách, hoàn thành tốt nhiệm vụ",
            Level::Httnv,
        ),
        level("DTC_HTNV", "Đủ tư cách, hoàn thành nhiệm vụ", Level::Htnv),
        level(
            "VI_PHAM_TU_CACH",
            "Vi phạm tư cách hoặc không hoàn thành nhiệm vụ",
            Level::Khtnv,
        ),
    ],
};

/// Where the mapping between the 2008–2017 vocabularies and the four levels of 2018 comes from.
pub const MAPPING_SOURCE: &str = "HD 16-HD/BTCTW (24/9/2018) thay bốn mức (1) trong sạch, vững mạnh, (2) hoàn thành tốt nhiệm vụ, (3) hoàn thành nhiệm vụ, (4) yếu kém (đảng viên: đủ tư cách … , vi phạm tư cách) bằng bốn mức HTXSNV, HTTNV, HTNV, KHTNV; đối chiếu theo thứ tự là giả định, chỉ dùng để so sánh";

const SAME_SOURCE: &str =
    "QĐ 132-QĐ/TW (2018), QĐ 124-QĐ/TW (2023), QĐ 366-QĐ/TW (2025): cùng bốn mức";

impl Vocabulary {
    /// The level with this code, case-insensitively.
    pub fn parse(&self, code: &str) -> Option<&'static EraLevel> {
        let levels: &'static [EraLevel] = self.levels;
        levels
            .iter()
            .find(|l| l.code.eq_ignore_ascii_case(code.trim()))
    }

    /// The plain level of a rank (without a distinction).
    pub fn of(&self, rank: Level) -> &'static EraLevel {
        let levels: &'static [EraLevel] = self.levels;
        levels
            .iter()
            .find(|l| l.rank == rank && l.distinction.is_none())
            .expect("every vocabulary has a plain level for every rank")
    }

    /// The codes, highest first, for a refusal.
    pub fn codes(&self) -> Vec<&'static str> {
        self.levels.iter().map(|l| l.code).collect()
    }

    /// Whether this is the vocabulary of 2018 onward.
    pub fn is_current(&self) -> bool {
        std::ptr::eq(self, &CURRENT)
    }
}

/// The vocabulary of a subject kind under a rule set.
pub fn vocabulary(rule_set: RuleSetId, kind: SubjectKind) -> &'static Vocabulary {
    match (rule_set, kind) {
        (
            RuleSetId::Hd20 | RuleSetId::Hd27,
            SubjectKind::Organisation | SubjectKind::Collective,
        ) => &ORGANISATIONS_2008,
        (RuleSetId::Hd20 | RuleSetId::Hd27, _) => &MEMBERS_2008,
        _ => &CURRENT,
    }
}

/// A code that does not exist in the era, with the codes that do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mức «{code}» không có trong {title}; các mức: {codes}")]
pub struct UnknownLevel {
    pub code: String,
    pub title: &'static str,
    pub codes: String,
}

/// Parses a level code of `kind` under `rule_set`, refusing one of another era.
pub fn parse_level(
    rule_set: RuleSetId,
    kind: SubjectKind,
    code: &str,
) -> Result<&'static EraLevel, UnknownLevel> {
    let vocabulary = vocabulary(rule_set, kind);
    vocabulary.parse(code).ok_or_else(|| UnknownLevel {
        code: code.trim().to_owned(),
        title: vocabulary.title,
        codes: vocabulary.codes().join(", "),
    })
}

/// An era's level compared in the four levels of 2018 onward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapped {
    pub from: EraLevel,
    /// The level of 2018 onward it compares with.
    pub to: EraLevel,
    /// Whether the two are the same level (both from 2018 onward) rather than a correspondence.
    pub same: bool,
    pub citation: Citation,
}

/// The level of 2018 onward that `level` (of `vocabulary`) compares with, with the mapping's source.
pub fn to_current(vocabulary: &Vocabulary, level: &EraLevel) -> Mapped {
    let same = vocabulary.is_current();
    Mapped {
        from: *level,
        to: *CURRENT.of(level.rank),
        same,
        citation: Citation::new(
            format!("vocabulary.{}", vocabulary.id),
            if same { SAME_SOURCE } else { MAPPING_SOURCE },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_2018_organisations_have_their_own_codes_with_the_tieu_bieu_distinction() {
        // HD 27-HD/BTCTW: "Trong sạch, vững mạnh" (với "tiêu biểu") … "Yếu kém".
        let v = vocabulary(RuleSetId::Hd27, SubjectKind::Organisation);
        assert_eq!(v.parse("tsvm").unwrap().name, "Trong sạch, vững mạnh");
        let exemplary = v.parse("TSVM_TIEU_BIEU").unwrap();
        assert_eq!(exemplary.rank, Level::Htxsnv);
        assert_eq!(exemplary.distinction, Some("tiêu biểu"));
        assert_eq!(v.of(Level::Htxsnv).code, "TSVM");
        assert_eq!(v.of(Level::Khtnv).name, "Yếu kém");
    }

    #[test]
    fn a_level_of_another_era_is_refused_with_the_eras_codes() {
        let error = parse_level(RuleSetId::Hd27, SubjectKind::Organisation, "HTXSNV").unwrap_err();
        assert!(error.to_string().contains("TSVM"), "{error}");
        let error =
            parse_level(RuleSetId::Qd366Hd43, SubjectKind::Organisation, "TSVM").unwrap_err();
        assert!(error.to_string().contains("HTXSNV"), "{error}");
        assert!(parse_level(RuleSetId::Hd20, SubjectKind::MemberWithoutPost, "DTC_HTTNV").is_ok());
        assert!(parse_level(RuleSetId::Hd20, SubjectKind::MemberWithoutPost, "HTTNV").is_err());
    }

    #[test]
    fn every_code_is_distinct_across_vocabularies() {
        let mut codes: Vec<&str> = [&CURRENT, &ORGANISATIONS_2008, &MEMBERS_2008]
            .iter()
            .flat_map(|v| v.codes())
            .collect();
        let before = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), before);
    }

    #[test]
    fn the_mapping_to_2018_levels_is_by_rank_and_cites_hd16() {
        let v = vocabulary(RuleSetId::Hd27, SubjectKind::Organisation);
        let mapped = to_current(v, v.parse("YEU_KEM").unwrap());
        assert_eq!(mapped.to.code, "KHTNV");
        assert!(!mapped.same);
        assert!(mapped.citation.source.contains("HD 16"));
        let current = vocabulary(RuleSetId::Qd132Hd21, SubjectKind::Organisation);
        assert!(to_current(current, current.of(Level::Httnv)).same);
        for rank in Level::DESCENDING {
            for v in [&CURRENT, &ORGANISATIONS_2008, &MEMBERS_2008] {
                assert_eq!(to_current(v, v.of(rank)).to.rank, rank);
            }
        }
    }
}
