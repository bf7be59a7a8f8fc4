//! The identity of a rule set (bộ quy tắc): one per legal basis, chosen by the evaluation year.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One legal basis of the annual classification. The evaluation year picks the default
/// ([`RuleSetId::for_year`]); a plan may pin another explicitly (RULES.md §10, "era selection").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RuleSetId {
    /// Hướng dẫn 20-HD/BTCTW (10/10/2008): evaluation years 2008–2013.
    #[serde(rename = "hd20")]
    Hd20,
    /// Hướng dẫn 27-HD/BTCTW (25/9/2014): 2014–2017.
    #[serde(rename = "hd27")]
    Hd27,
    /// Quy định 132-QĐ/TW + Hướng dẫn 16-HD/BTCTW (24/9/2018): 2018.
    #[serde(rename = "qd132-hd16")]
    Qd132Hd16,
    /// Quy định 132-QĐ/TW + Hướng dẫn 21-HD/BTCTW (18/10/2019): 2019–2022.
    #[serde(rename = "qd132-hd21")]
    Qd132Hd21,
    /// Quy định 124-QĐ/TW + Hướng dẫn 25-HD/BTCTW (2023): 2023–2024.
    #[serde(rename = "qd124-hd25")]
    Qd124Hd25,
    /// Quy định 366-QĐ/TW + Hướng dẫn 43-HD/BTCTW (2025): 2025 onward.
    #[serde(rename = "qd366-hd43")]
    Qd366Hd43,
}

impl RuleSetId {
    pub const ALL: [RuleSetId; 6] = [
        RuleSetId::Hd20,
        RuleSetId::Hd27,
        RuleSetId::Qd132Hd16,
        RuleSetId::Qd132Hd21,
        RuleSetId::Qd124Hd25,
        RuleSetId::Qd366Hd43,
    ];

    /// The rule set in force for an evaluation year, or `None` before 2008 (no supported basis).
    pub fn for_year(year: i32) -> Option<RuleSetId> {
        match year {
            2008..=2013 => Some(RuleSetId::Hd20),
            2014..=2017 => Some(RuleSetId::Hd27),
            2018 => Some(RuleSetId::Qd132Hd16),
            2019..=2022 => Some(RuleSetId::Qd132Hd21),
            2023..=2024 => Some(RuleSetId::Qd124Hd25),
            y if y >= 2025 => Some(RuleSetId::Qd366Hd43),
            _ => None,
        }
    }

    /// The evaluation years this rule set is the default for (upper bound inclusive; `None` = open).
    pub fn years(self) -> (i32, Option<i32>) {
        match self {
            RuleSetId::Hd20 => (2008, Some(2013)),
            RuleSetId::Hd27 => (2014, Some(2017)),
            RuleSetId::Qd132Hd16 => (2018, Some(2018)),
            RuleSetId::Qd132Hd21 => (2019, Some(2022)),
            RuleSetId::Qd124Hd25 => (2023, Some(2024)),
            RuleSetId::Qd366Hd43 => (2025, None),
        }
    }

    /// The stable code (`qd366-hd43` …) used in files, APIs and the database.
    pub fn code(self) -> &'static str {
        match self {
            RuleSetId::Hd20 => "hd20",
            RuleSetId::Hd27 => "hd27",
            RuleSetId::Qd132Hd16 => "qd132-hd16",
            RuleSetId::Qd132Hd21 => "qd132-hd21",
            RuleSetId::Qd124Hd25 => "qd124-hd25",
            RuleSetId::Qd366Hd43 => "qd366-hd43",
        }
    }

    pub fn parse(code: &str) -> Option<RuleSetId> {
        RuleSetId::ALL.into_iter().find(|id| id.code() == code)
    }

    /// The legal texts, as cited in refusals ("QĐ 366-QĐ/TW, HD 43-HD/BTCTW").
    pub fn legal_basis(self) -> &'static str {
        match self {
            RuleSetId::Hd20 => "HD 20-HD/BTCTW (10/10/2008)",
            RuleSetId::Hd27 => "HD 27-HD/BTCTW (25/9/2014)",
            RuleSetId::Qd132Hd16 => "QĐ 132-QĐ/TW (08/3/2018), HD 16-HD/BTCTW (24/9/2018)",
            RuleSetId::Qd132Hd21 => "QĐ 132-QĐ/TW (08/3/2018), HD 21-HD/BTCTW (18/10/2019)",
            RuleSetId::Qd124Hd25 => "QĐ 124-QĐ/TW (04/10/2023), HD 25-HD/BTCTW (10/11/2023)",
            RuleSetId::Qd366Hd43 => "QĐ 366-QĐ/TW (30/8/2025), HD 43-HD/BTCTW (31/10/2025)",
        }
    }
}

impl fmt::Display for RuleSetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_picks_the_era_of_rules_md_section_10() {
        assert_eq!(RuleSetId::for_year(2007), None);
        assert_eq!(RuleSetId::for_year(2010), Some(RuleSetId::Hd20));
        assert_eq!(RuleSetId::for_year(2014), Some(RuleSetId::Hd27));
        assert_eq!(RuleSetId::for_year(2017), Some(RuleSetId::Hd27));
        assert_eq!(RuleSetId::for_year(2018), Some(RuleSetId::Qd132Hd16));
        assert_eq!(RuleSetId::for_year(2019), Some(RuleSetId::Qd132Hd21));
        assert_eq!(RuleSetId::for_year(2022), Some(RuleSetId::Qd132Hd21));
        assert_eq!(RuleSetId::for_year(2023), Some(RuleSetId::Qd124Hd25));
        assert_eq!(RuleSetId::for_year(2024), Some(RuleSetId::Qd124Hd25));
        assert_eq!(RuleSetId::for_year(2025), Some(RuleSetId::Qd366Hd43));
        assert_eq!(RuleSetId::for_year(2040), Some(RuleSetId::Qd366Hd43));
    }

    #[test]
    fn every_year_of_a_rule_set_maps_back_to_it() {
        for id in RuleSetId::ALL {
            let (from, to) = id.years();
            for year in from..=to.unwrap_or(from + 5) {
                assert_eq!(RuleSetId::for_year(year), Some(id), "{year}");
            }
            assert_eq!(RuleSetId::parse(id.code()), Some(id));
        }
    }
}
