//! Citations: every rule that refuses, caps or flags something names itself and its legal source.

use serde::{Deserialize, Serialize};

/// A rule as cited in a decision: a stable identifier for programs and the legal source for people.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Citation {
    /// Stable identifier, e.g. `qd366.member.duty_discipline`.
    pub rule: String,
    /// The legal source as written in party documents, e.g. "QĐ 366-QĐ/TW Điều 11 khoản 4".
    pub source: String,
}

impl Citation {
    pub fn new(rule: impl Into<String>, source: impl Into<String>) -> Citation {
        Citation {
            rule: rule.into(),
            source: source.into(),
        }
    }
}

impl std::fmt::Display for Citation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.source, self.rule)
    }
}
