//! A subject's levels over the years and what follows from them: flags (a member rated KHTNV two
//! years running is educated and helped first — never removed automatically) and award
//! eligibility (the year's award and "… năm liền"), with the reason when not eligible. Each year's
//! level is read in that year's own vocabulary ([`crate::vocabulary`]) and compared through the
//! cited mapping to the four levels of 2018.

use crate::cite::Citation;
use crate::level::Level;
use crate::ruleset::{RuleBook, RuleSetId};
use crate::subject::SubjectKind;
use crate::vocabulary::{EraLevel, Mapped, UnknownLevel, parse_level, to_current, vocabulary};
use serde::{Deserialize, Serialize};

/// One year's level as recorded then, in that year's vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearLevel {
    pub year: i32,
    /// The level's code in the year's vocabulary (`TSVM` in 2015, `HTXSNV` in 2025).
    pub level: String,
    /// The rule set the year was decided under; the year's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<RuleSetId>,
}

/// One year's level, read and compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadYear {
    pub year: i32,
    pub rule_set: RuleSetId,
    pub level: EraLevel,
    /// The level of 2018 onward it compares with, and the mapping's source.
    #[serde(skip)]
    pub compared: Mapped,
    /// Shown for a year of another vocabulary: what it compares with, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compares_with: Option<Comparison>,
}

/// A level of 2018 onward that an earlier era's level compares with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub level: EraLevel,
    pub citation: Citation,
}

/// A consequence of the history to bring to the competent level's attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub code: String,
    pub message: String,
    /// Whether the consequence follows by itself (never for removal from the Party).
    pub automatic: bool,
    pub citation: Citation,
}

/// Whether an award may be considered, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardEligibility {
    pub award: String,
    pub eligible: bool,
    /// Why not, year by year (empty when eligible).
    pub reasons: Vec<String>,
    pub citations: Vec<Citation>,
}

/// The year's award and the consecutive-years award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Awards {
    pub year: AwardEligibility,
    pub consecutive: AwardEligibility,
}

/// What the history answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryAnswer {
    pub years: Vec<ReadYear>,
    pub flags: Vec<Flag>,
    /// Absent for subjects the awards do not concern (leadership collectives, leaders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awards: Option<Awards>,
}

/// A problem with the history itself, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct HistoryError {
    pub field: String,
    pub problem: String,
}

/// The consequence of two consecutive years of KHTNV for a member.
pub const TWO_YEARS_KHTNV_SOURCE: &str = "HD 02-HD/BTCTW (2021) Mục II.1 (đảng viên hai năm liền không hoàn thành nhiệm vụ: chi bộ giáo dục, giúp đỡ trước khi xem xét, quyết định đưa ra khỏi Đảng)";

fn read(index: usize, kind: SubjectKind, entry: &YearLevel) -> Result<ReadYear, HistoryError> {
    let field = |name: &str| format!("years[{index}].{name}");
    let rule_set = match entry.rule_set {
        Some(id) => id,
        None => RuleSetId::for_year(entry.year).ok_or_else(|| HistoryError {
            field: field("year"),
            problem: format!("không có bộ quy tắc cho năm {}", entry.year),
        })?,
    };
    let level =
        parse_level(rule_set, kind, &entry.level).map_err(|e: UnknownLevel| HistoryError {
            field: field("level"),
            problem: format!("năm {}: {e}", entry.year),
        })?;
    let compared = to_current(vocabulary(rule_set, kind), level);
    Ok(ReadYear {
        year: entry.year,
        rule_set,
        level: *level,
        compares_with: (!compared.same).then(|| Comparison {
            level: compared.to,
            citation: compared.citation.clone(),
        }),
        compared,
    })
}

/// Reads the levels of `entries` for a subject of `kind` and answers for `book`'s year `year`,
/// whose level must be among them.
pub fn history(
    book: &RuleBook,
    kind: SubjectKind,
    year: i32,
    entries: &[YearLevel],
) -> Result<HistoryAnswer, HistoryError> {
    let mut years = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        if entries[..index].iter().any(|e| e.year == entry.year) {
            return Err(HistoryError {
                field: format!("years[{index}].year"),
                problem: format!("năm {} ghi hai lần", entry.year),
            });
        }
        years.push(read(index, kind, entry)?);
    }
    years.sort_by_key(|y| y.year);
    let of = |y: i32| years.iter().find(|r| r.year == y);
    let Some(current) = of(year) else {
        return Err(HistoryError {
            field: "years".into(),
            problem: format!("thiếu kết quả xếp loại của năm {year}"),
        });
    };
    let mut flags = Vec::new();
    if kind.is_member()
        && let Some(previous) = of(year - 1)
        && current.compared.to.rank == Level::Khtnv
        && previous.compared.to.rank == Level::Khtnv
    {
        flags.push(Flag {
            code: "khtnv_two_years".into(),
            message: format!(
                "Hai năm liền {} ({}) và {} ({}): chi bộ giáo dục, giúp đỡ trước khi xem xét, quyết định đưa ra khỏi Đảng; không tự động đưa ra khỏi Đảng",
                previous.year, previous.level.name, current.year, current.level.name
            ),
            automatic: false,
            citation: Citation::new("history.khtnv_two_years", TWO_YEARS_KHTNV_SOURCE),
        });
    }
    let awards = matches!(kind, SubjectKind::Organisation) || kind.is_member();
    let awards = awards.then(|| awards_for(book, kind, year, current, &of));
    Ok(HistoryAnswer {
        years,
        flags,
        awards,
    })
}

fn awards_for<'a>(
    book: &RuleBook,
    kind: SubjectKind,
    year: i32,
    current: &ReadYear,
    of: &impl Fn(i32) -> Option<&'a ReadYear>,
) -> Awards {
    let params = &book.params.awards;
    let top = vocabulary(book.rule_set, kind).of(params.min_level);
    let citation = Citation::new(format!("{}.awards", book.rule_set), book.sources().awards);
    let qualifies = |r: &ReadYear| r.compared.to.rank >= params.min_level;
    let award = |when: String| match kind {
        SubjectKind::Organisation => {
            format!("Tổ chức đảng \"Trong sạch, vững mạnh\" tiêu biểu {when}")
        }
        _ => format!("Đảng viên \"{}\" {when}", top.name),
    };
    let year_award = if qualifies(current) {
        AwardEligibility {
            award: award(format!("năm {year}")),
            eligible: true,
            reasons: Vec::new(),
            citations: vec![citation.clone()],
        }
    } else {
        AwardEligibility {
            award: award(format!("năm {year}")),
            eligible: false,
            reasons: vec![format!(
                "Năm {year} xếp loại \"{}\": chỉ {} \"{}\" được xem xét khen thưởng",
                current.level.name,
                if kind == SubjectKind::Organisation {
                    "tổ chức đảng"
                } else {
                    "đảng viên"
                },
                top.name
            )],
            citations: vec![citation.clone()],
        }
    };
    let span = params.consecutive_years.max(1) as i32;
    let first = year - span + 1;
    let mut reasons = Vec::new();
    let mut citations = vec![citation];
    for y in first..=year {
        match of(y) {
            None => reasons.push(format!("Năm {y}: không có kết quả xếp loại")),
            Some(r) if !qualifies(r) => reasons.push(format!(
                "Năm {y}: \"{}\", không đạt \"{}\"",
                r.level.name,
                vocabulary(r.rule_set, kind).of(params.min_level).name
            )),
            Some(r) => {
                if !r.compared.same && !citations.contains(&r.compared.citation) {
                    citations.push(r.compared.citation.clone());
                }
            }
        }
    }
    Awards {
        year: year_award,
        consecutive: AwardEligibility {
            award: award(format!("{span} năm liền ({first}–{year})")),
            eligible: reasons.is_empty(),
            reasons,
            citations,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(year: i32, level: &str) -> YearLevel {
        YearLevel {
            year,
            level: level.into(),
            rule_set: None,
        }
    }

    fn book(year: i32) -> RuleBook {
        RuleBook::for_year(year).unwrap()
    }

    #[test]
    fn two_years_of_khtnv_ask_for_education_first_never_automatic_removal() {
        // HD 02-HD/BTCTW (2021) Mục II.1.
        let answer = history(
            &book(2025),
            SubjectKind::MemberWithoutPost,
            2025,
            &[entry(2024, "KHTNV"), entry(2025, "KHTNV")],
        )
        .unwrap();
        let flag = &answer.flags[0];
        assert_eq!(flag.code, "khtnv_two_years");
        assert!(!flag.automatic);
        assert!(flag.message.contains("không tự động đưa ra khỏi Đảng"));
        assert!(flag.citation.source.contains("HD 02-HD/BTCTW"));
        let answer = history(
            &book(2025),
            SubjectKind::MemberWithoutPost,
            2025,
            &[entry(2023, "KHTNV"), entry(2025, "KHTNV")],
        )
        .unwrap();
        assert!(answer.flags.is_empty(), "not running");
    }

    #[test]
    fn five_years_of_htxsnv_across_eras_compare_through_the_cited_mapping() {
        // HD 21 (khen thưởng): chỉ HTXSNV được xét, trong năm và 5 năm liền; 2017 "Đủ tư cách,
        // hoàn thành xuất sắc nhiệm vụ" compares with HTXSNV (HD 16-HD/BTCTW, 2018).
        let years = [
            entry(2017, "DTC_HTXSNV"),
            entry(2018, "HTXSNV"),
            entry(2019, "HTXSNV"),
            entry(2020, "HTXSNV"),
            entry(2021, "HTXSNV"),
        ];
        let answer = history(&book(2021), SubjectKind::MemberWithoutPost, 2021, &years).unwrap();
        let awards = answer.awards.unwrap();
        assert!(awards.year.eligible);
        assert!(
            awards.consecutive.eligible,
            "{:?}",
            awards.consecutive.reasons
        );
        assert!(
            awards
                .consecutive
                .citations
                .iter()
                .any(|c| c.source.contains("HD 16-HD/BTCTW"))
        );
        assert_eq!(
            answer.years[0].level.name,
            "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ"
        );
    }

    #[test]
    fn an_award_not_eligible_says_which_year_fell_short() {
        let answer = history(
            &book(2025),
            SubjectKind::MemberWithoutPost,
            2025,
            &[
                entry(2022, "HTXSNV"),
                entry(2023, "HTTNV"),
                entry(2024, "HTXSNV"),
                entry(2025, "HTXSNV"),
            ],
        )
        .unwrap();
        let awards = answer.awards.unwrap();
        assert!(awards.year.eligible);
        assert!(awards.year.citations[0].source.contains("HD 06-HD/TW"));
        assert!(!awards.consecutive.eligible);
        assert_eq!(
            awards.consecutive.reasons,
            [
                "Năm 2021: không có kết quả xếp loại",
                "Năm 2023: \"Hoàn thành tốt nhiệm vụ\", không đạt \"Hoàn thành xuất sắc nhiệm vụ\""
            ]
        );
        let answer = history(
            &book(2025),
            SubjectKind::MemberWithoutPost,
            2025,
            &[entry(2025, "HTTNV")],
        )
        .unwrap();
        assert!(!answer.awards.unwrap().year.eligible);
    }

    #[test]
    fn a_level_of_another_era_is_refused_naming_the_entry() {
        let error = history(
            &book(2025),
            SubjectKind::Organisation,
            2025,
            &[entry(2015, "HTXSNV"), entry(2025, "HTXSNV")],
        )
        .unwrap_err();
        assert_eq!(error.field, "years[0].level");
        assert!(error.problem.contains("TSVM"), "{error}");
        let error = history(
            &book(2025),
            SubjectKind::Organisation,
            2025,
            &[entry(2024, "HTTNV")],
        )
        .unwrap_err();
        assert_eq!(error.field, "years");
    }
}
