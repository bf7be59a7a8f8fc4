//! Rewards proposed from the history (khen thưởng tổ chức đảng, đảng viên): whether a subject may
//! be proposed for the year's award or the "… năm liền" award, who gives it and which certificate
//! (HD 06-HD/TW 2025 khoản 19.2 names them for members), and — when it may not — the years that
//! break the run, each with the rule. Reads [`crate::history`]'s answer; the flags of the history
//! (two years of KHTNV) are never acted on here.

use crate::cite::Citation;
use crate::history::{AwardEligibility, HistoryAnswer};
use crate::ruleset::{RuleBook, RuleSetId};
use crate::subject::SubjectKind;
use serde::{Deserialize, Serialize};

/// The two awards that follow a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardKind {
    /// The year's award (trong năm).
    Year,
    /// The consecutive years' award (… năm liền).
    Consecutive,
}

impl AwardKind {
    pub fn code(self) -> &'static str {
        match self {
            AwardKind::Year => "year",
            AwardKind::Consecutive => "consecutive",
        }
    }

    pub fn parse(code: &str) -> Option<AwardKind> {
        [AwardKind::Year, AwardKind::Consecutive]
            .into_iter()
            .find(|k| k.code() == code.trim())
    }
}

/// Who gives an award and in which form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Giver {
    /// The body that gives it ("Đảng ủy cơ sở, chi bộ cơ sở").
    pub body: String,
    /// The certificate (giấy khen, bằng khen).
    pub certificate: String,
    pub citation: Citation,
}

/// A year that breaks the run, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenYear {
    pub year: i32,
    pub reason: String,
}

/// An award the subject may be proposed for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub kind: AwardKind,
    pub award: String,
    /// The years the award rests on, oldest first.
    pub years: Vec<i32>,
    pub givers: Vec<Giver>,
    pub citations: Vec<Citation>,
}

/// Why the subject may not be proposed: the years that break the run and the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{award}: {}", broken.iter().map(|b| b.reason.as_str()).collect::<Vec<_>>().join("; "))]
pub struct Refusal {
    pub kind: AwardKind,
    pub award: String,
    pub broken: Vec<BrokenYear>,
    pub citations: Vec<Citation>,
}

/// Who gives `award` to a subject of `kind` under `rule_set`. Members' awards of 2025 onward are
/// HD 06-HD/TW's; the others are assumptions named as such.
pub fn givers(rule_set: RuleSetId, kind: SubjectKind, award: AwardKind) -> Vec<Giver> {
    let source = crate::ruleset::RuleBook::national(rule_set)
        .sources()
        .awards;
    let cited = |body: &str, certificate: &str, rule: &str, source: String| Giver {
        body: body.into(),
        certificate: certificate.into(),
        citation: Citation::new(format!("{rule_set}.awards.{rule}"), source),
    };
    let organisation = kind == SubjectKind::Organisation;
    match (rule_set, organisation, award) {
        (RuleSetId::Qd366Hd43, false, AwardKind::Year) => vec![cited(
            "Đảng ủy cơ sở, chi bộ cơ sở",
            "Giấy khen",
            "member_year",
            source.to_owned(),
        )],
        (RuleSetId::Qd366Hd43, false, AwardKind::Consecutive) => vec![
            cited(
                "Ban Thường vụ cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng",
                "Giấy khen",
                "member_consecutive",
                source.to_owned(),
            ),
            cited(
                "Ban Thường vụ tỉnh ủy, thành ủy",
                "Bằng khen",
                "member_consecutive_province",
                source.to_owned(),
            ),
        ],
        (_, false, AwardKind::Year) => vec![cited(
            "Đảng ủy cơ sở, chi bộ cơ sở",
            "Giấy khen",
            "member_year",
            format!("giả định: như HD 06-HD/TW (2025) khoản 19.2; {source}"),
        )],
        (_, false, AwardKind::Consecutive) => vec![cited(
            "Ban Thường vụ cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng",
            "Giấy khen",
            "member_consecutive",
            format!("giả định: như HD 06-HD/TW (2025) khoản 19.2; {source}"),
        )],
        (_, true, AwardKind::Year) => vec![cited(
            "Ban Thường vụ cấp ủy cấp trên trực tiếp",
            "Giấy khen",
            "organisation_year",
            format!(
                "giả định: cấp trên trực tiếp khen tổ chức đảng \"Trong sạch, vững mạnh\" tiêu biểu trong năm (văn bản về người trao không tìm thấy); {source}"
            ),
        )],
        (_, true, AwardKind::Consecutive) => vec![cited(
            "Ban Thường vụ tỉnh ủy, thành ủy",
            "Bằng khen",
            "organisation_consecutive",
            format!(
                "giả định: như khen đảng viên 5 năm liền của HD 06-HD/TW (2025) khoản 19.2 (văn bản về người trao không tìm thấy); {source}"
            ),
        )],
    }
}

/// Whether the subject of `kind`, whose history for `year` is `answer`, may be proposed for
/// `award`: the proposal, or the refusal naming each year that breaks the run.
pub fn propose(
    book: &RuleBook,
    kind: SubjectKind,
    year: i32,
    answer: &HistoryAnswer,
    award: AwardKind,
) -> Result<Proposal, Refusal> {
    let Some(awards) = &answer.awards else {
        return Err(Refusal {
            kind: award,
            award: "Khen thưởng".into(),
            broken: vec![BrokenYear {
                year,
                reason: format!(
                    "{} không thuộc đối tượng khen thưởng theo kết quả xếp loại",
                    kind.name_vi()
                ),
            }],
            citations: vec![Citation::new(
                format!("{}.awards", book.rule_set),
                book.sources().awards,
            )],
        });
    };
    let eligibility: &AwardEligibility = match award {
        AwardKind::Year => &awards.year,
        AwardKind::Consecutive => &awards.consecutive,
    };
    let span = match award {
        AwardKind::Year => 1,
        AwardKind::Consecutive => book.params.awards.consecutive_years.max(1) as i32,
    };
    let first = year - span + 1;
    let min = book.params.awards.min_level;
    if eligibility.eligible {
        return Ok(Proposal {
            kind: award,
            award: eligibility.award.clone(),
            years: (first..=year).collect(),
            givers: givers(book.rule_set, kind, award),
            citations: eligibility.citations.clone(),
        });
    }
    let broken = (first..=year)
        .filter_map(|y| {
            let read = answer.years.iter().find(|r| r.year == y);
            match read {
                None => Some(BrokenYear {
                    year: y,
                    reason: format!("Năm {y}: không có kết quả xếp loại"),
                }),
                Some(r) if r.compared.to.rank < min => Some(BrokenYear {
                    year: y,
                    reason: format!(
                        "Năm {y}: \"{}\", không đạt \"{}\"",
                        r.level.name,
                        crate::vocabulary::vocabulary(r.rule_set, kind).of(min).name
                    ),
                }),
                Some(_) => None,
            }
        })
        .collect();
    Err(Refusal {
        kind: award,
        award: eligibility.award.clone(),
        broken,
        citations: eligibility.citations.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{YearLevel, history};

    fn entry(year: i32, level: &str) -> YearLevel {
        YearLevel {
            year,
            level: level.into(),
            rule_set: None,
        }
    }

    #[test]
    fn five_years_give_the_upper_level_s_certificate_under_hd_06() {
        // HD 06-HD/TW (2025) khoản 19.2: 5 năm liền — giấy khen of the upper level's standing
        // committee, bằng khen of the province's.
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let years: Vec<_> = (2021..=2025).map(|y| entry(y, "HTXSNV")).collect();
        let answer = history(&book, SubjectKind::MemberWithoutPost, 2025, &years).unwrap();
        let proposal = propose(
            &book,
            SubjectKind::MemberWithoutPost,
            2025,
            &answer,
            AwardKind::Consecutive,
        )
        .unwrap();
        assert_eq!(proposal.years, [2021, 2022, 2023, 2024, 2025]);
        assert_eq!(proposal.givers.len(), 2);
        assert_eq!(proposal.givers[0].certificate, "Giấy khen");
        assert!(proposal.givers[1].citation.source.contains("HD 06-HD/TW"));
        let year = propose(
            &book,
            SubjectKind::MemberWithoutPost,
            2025,
            &answer,
            AwardKind::Year,
        )
        .unwrap();
        assert_eq!(year.givers[0].body, "Đảng ủy cơ sở, chi bộ cơ sở");
    }

    #[test]
    fn a_refusal_names_the_year_that_breaks_the_run() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let years = [
            entry(2021, "HTXSNV"),
            entry(2022, "HTXSNV"),
            entry(2023, "HTTNV"),
            entry(2024, "HTXSNV"),
            entry(2025, "HTXSNV"),
        ];
        let answer = history(&book, SubjectKind::Organisation, 2025, &years).unwrap();
        let refusal = propose(
            &book,
            SubjectKind::Organisation,
            2025,
            &answer,
            AwardKind::Consecutive,
        )
        .unwrap_err();
        assert_eq!(refusal.broken.len(), 1);
        assert_eq!(refusal.broken[0].year, 2023);
        assert!(refusal.broken[0].reason.contains("Hoàn thành tốt nhiệm vụ"));
        assert!(refusal.citations[0].source.contains("HD 06-HD/TW"));
        assert!(
            propose(
                &book,
                SubjectKind::Organisation,
                2025,
                &answer,
                AwardKind::Year
            )
            .unwrap()
            .givers[0]
                .citation
                .source
                .starts_with("giả định")
        );
    }
}
