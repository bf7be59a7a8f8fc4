//! Exact shares ("20%", "1/3", "hơn một nửa"): the texts state thresholds as percentages and as
//! fractions, and a percentage like 33 % is not the same rule as one third. Comparisons are done
//! in integers, never in floating point.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A share `numerator / denominator` of some whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Share {
    numerator: u32,
    denominator: u32,
}

impl Share {
    /// `percent` per cent.
    pub const fn percent(percent: u32) -> Share {
        Share {
            numerator: percent,
            denominator: 100,
        }
    }

    /// A fraction; `None` when the denominator is zero.
    pub const fn fraction(numerator: u32, denominator: u32) -> Option<Share> {
        if denominator == 0 {
            None
        } else {
            Some(Share {
                numerator,
                denominator,
            })
        }
    }

    pub fn numerator(self) -> u32 {
        self.numerator
    }

    pub fn denominator(self) -> u32 {
        self.denominator
    }

    /// `count / total > share` ("trên 20%"). False when `total` is zero.
    pub fn exceeded_by(self, count: u64, total: u64) -> bool {
        total > 0 && count * u64::from(self.denominator) > total * u64::from(self.numerator)
    }

    /// `count / total ≥ share` ("từ 30% trở lên"). True when `total` is zero and the share is zero.
    pub fn reached_by(self, count: u64, total: u64) -> bool {
        if total == 0 {
            return self.numerator == 0;
        }
        count * u64::from(self.denominator) >= total * u64::from(self.numerator)
    }

    /// `count / total < share` ("dưới 50%"). False when `total` is zero (nothing was assigned).
    pub fn not_reached_by(self, count: u64, total: u64) -> bool {
        total > 0 && !self.reached_by(count, total)
    }

    /// `share × base`, rounded as asked.
    pub fn of(self, base: u64, rounding: crate::ruleset::params::Rounding) -> u64 {
        rounding.apply(
            base * u64::from(self.numerator),
            u64::from(self.denominator),
        )
    }

    /// Parses "20%", "1/3" or "0.5" is refused (ambiguous precision).
    pub fn parse(text: &str) -> Option<Share> {
        let text = text.trim();
        if let Some(percent) = text.strip_suffix('%') {
            return percent.trim().parse().ok().map(Share::percent);
        }
        let (numerator, denominator) = text.split_once('/')?;
        Share::fraction(
            numerator.trim().parse().ok()?,
            denominator.trim().parse().ok()?,
        )
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.denominator == 100 {
            write!(f, "{}%", self.numerator)
        } else {
            write!(f, "{}/{}", self.numerator, self.denominator)
        }
    }
}

impl Serialize for Share {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Share, D::Error> {
        let text = String::deserialize(deserializer)?;
        Share::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "tỷ lệ \"{text}\" không hợp lệ: ghi dạng \"20%\" hoặc \"1/3\""
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::params::Rounding;

    #[test]
    fn one_third_is_not_thirty_three_percent() {
        let third = Share::parse("1/3").unwrap();
        assert!(!third.exceeded_by(3, 9));
        assert!(Share::percent(33).exceeded_by(3, 9));
    }

    #[test]
    fn comparisons_follow_the_wording() {
        let half = Share::percent(50);
        assert!(half.exceeded_by(6, 11));
        assert!(!half.exceeded_by(5, 10));
        assert!(half.reached_by(5, 10));
        assert!(half.not_reached_by(4, 10));
        assert!(!half.not_reached_by(0, 0));
        assert!(!half.exceeded_by(0, 0));
    }

    #[test]
    fn share_of_a_base_rounds_as_asked() {
        let twenty = Share::percent(20);
        assert_eq!(twenty.of(14, Rounding::Floor), 2);
        assert_eq!(twenty.of(14, Rounding::Nearest), 3);
        assert_eq!(twenty.of(14, Rounding::Ceil), 3);
        assert_eq!(twenty.of(4, Rounding::Floor), 0);
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(Share::parse("20%"), Some(Share::percent(20)));
        assert_eq!(Share::parse("1/0"), None);
        assert_eq!(Share::parse("0.2"), None);
        assert_eq!(Share::parse("1/3").unwrap().to_string(), "1/3");
        assert_eq!(Share::percent(25).to_string(), "25%");
    }
}
