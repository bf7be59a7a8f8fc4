//! The four quality levels (mức xếp loại chất lượng) and the four criterion grades (cấp độ).
//!
//! Owns only the values and their order; what a level is *called* in a given era lives with the
//! rule set (`crate::ruleset`), because the names of organisation levels changed in 2018.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A quality level, ordered from lowest to highest so that `min` applies a cap.
///
/// - `Khtnv` — Không hoàn thành nhiệm vụ
/// - `Htnv` — Hoàn thành nhiệm vụ
/// - `Httnv` — Hoàn thành tốt nhiệm vụ
/// - `Htxsnv` — Hoàn thành xuất sắc nhiệm vụ
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Khtnv,
    Htnv,
    Httnv,
    Htxsnv,
}

impl Level {
    /// All levels from the highest down: the order in which a cumulative majority is sought.
    pub const DESCENDING: [Level; 4] = [Level::Htxsnv, Level::Httnv, Level::Htnv, Level::Khtnv];

    /// The stable short code used in APIs, files and the database (`HTXSNV` …).
    pub fn code(self) -> &'static str {
        match self {
            Level::Htxsnv => "HTXSNV",
            Level::Httnv => "HTTNV",
            Level::Htnv => "HTNV",
            Level::Khtnv => "KHTNV",
        }
    }

    /// The current (2018 onward) full Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Level::Htxsnv => "Hoàn thành xuất sắc nhiệm vụ",
            Level::Httnv => "Hoàn thành tốt nhiệm vụ",
            Level::Htnv => "Hoàn thành nhiệm vụ",
            Level::Khtnv => "Không hoàn thành nhiệm vụ",
        }
    }

    /// Parses a code (`HTXSNV`), case-insensitively.
    pub fn parse(text: &str) -> Option<Level> {
        Level::DESCENDING
            .into_iter()
            .find(|level| level.code().eq_ignore_ascii_case(text.trim()))
    }

    /// The next level down, or `None` at the bottom.
    pub fn below(self) -> Option<Level> {
        match self {
            Level::Htxsnv => Some(Level::Httnv),
            Level::Httnv => Some(Level::Htnv),
            Level::Htnv => Some(Level::Khtnv),
            Level::Khtnv => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The grade of one criterion (cấp độ của tiêu chí), ordered from lowest to highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// Kém
    Kem,
    /// Trung bình
    TrungBinh,
    /// Tốt
    Tot,
    /// Xuất sắc
    XuatSac,
}

impl Grade {
    pub fn name_vi(self) -> &'static str {
        match self {
            Grade::XuatSac => "Xuất sắc",
            Grade::Tot => "Tốt",
            Grade::TrungBinh => "Trung bình",
            Grade::Kem => "Kém",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_vi())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_so_min_is_a_cap() {
        assert!(Level::Htxsnv > Level::Httnv);
        assert!(Level::Httnv > Level::Htnv);
        assert!(Level::Htnv > Level::Khtnv);
        assert_eq!(Level::Htxsnv.min(Level::Htnv), Level::Htnv);
    }

    #[test]
    fn codes_round_trip() {
        for level in Level::DESCENDING {
            assert_eq!(Level::parse(level.code()), Some(level));
            assert_eq!(Level::parse(&level.code().to_lowercase()), Some(level));
        }
        assert_eq!(Level::parse("TSVM"), None);
    }

    #[test]
    fn serde_uses_the_codes() {
        assert_eq!(serde_json::to_string(&Level::Htxsnv).unwrap(), "\"HTXSNV\"");
        assert_eq!(
            serde_json::to_string(&Grade::TrungBinh).unwrap(),
            "\"trung_binh\""
        );
    }
}
