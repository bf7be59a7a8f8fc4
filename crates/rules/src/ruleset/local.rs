//! The local layer (quy định của địa phương): rules a province or district adds on top of a
//! national rule set, as data. Seed 003 (a district guide of 2019) is the model: a small-group
//! exception to the quota, "a head not above the unit he heads" with its two exceptions, and point
//! deductions for missed targets. A layer may also forbid HTXSNV for an organisation with a
//! member rated KHTNV. A local layer may also override national parameters, name its own
//! forms and deadlines; every such change is visible in `kiemdiem rules list`.

use crate::points::Points;
use crate::ruleset::params::Rounding;
use crate::share::Share;
use crate::subject::SubjectKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A local layer as loaded from its data file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalLayer {
    /// Stable identifier, e.g. `seed003-huyen-2019`.
    pub id: String,
    pub title: String,
    /// The issuing body and document (e.g. "Ban Thường vụ Huyện ủy, Hướng dẫn … 2019").
    pub source: String,
    /// The rule sets this layer may be pinned on.
    pub rule_sets: Vec<crate::ruleset::RuleSetId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub small_group_exception: Option<SmallGroupException>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_not_above_unit: Option<HeadNotAboveUnit>,
    /// "An organisation may not be HTXSNV while any of its members is KHTNV".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_htxsnv_with_khtnv_member: Option<LocalRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustments: Option<AdjustmentRules>,
    /// Local names of the self-review forms, by subject kind (overrides the national form).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub forms: BTreeMap<SubjectKind, String>,
    /// Deadlines of the local plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<LocalDeadline>,
    /// Overrides of national parameters, as a partial parameters table.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub overrides: toml::Table,
}

/// Seed 003 mục B.6: "Những nơi có dưới 05 … xếp loại HTTNV thì chọn 01 … xếp loại HTXSNV nếu đủ
/// điều kiện".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmallGroupException {
    /// Applies when fewer than this many are rated HTTNV.
    pub httnv_below: u32,
    /// How many may then be rated HTXSNV.
    pub allowed_htxsnv: u32,
    pub source: String,
}

/// Seed 003 mục B.4: "Mức xếp loại chất lượng của người đứng đầu không được cao hơn mức xếp loại
/// của tập thể lãnh đạo, quản lý và tổ chức, cơ quan, đơn vị do mình đứng đầu".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadNotAboveUnit {
    /// Except a village/residential branch secretary who is not a commune civil servant.
    pub except_village_secretary_not_civil_servant: bool,
    /// Except a head who moved in and had no part in the unit's result.
    pub except_moved_in_without_part: bool,
    pub source: String,
}

/// A local rule that is on when present, with the local text it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalRule {
    pub source: String,
}

/// Seed 003 mục B.6: each 5 % shortfall on a basic target deducts 0.5 points, at most 2 per target;
/// a bonus for an outstanding achievement is at most 2 points; each names its criterion, reason and
/// the responsible collective or person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentRules {
    /// The size of one step of shortfall.
    pub shortfall_step: Share,
    /// How partial steps count (floor: only whole steps of 5 %).
    pub shortfall_rounding: Rounding,
    pub deduction_per_step: Points,
    pub max_deduction_per_target: Points,
    pub max_bonus_per_achievement: Points,
    /// Whether deductions not tied to a target are allowed (still with reason and responsible).
    pub free_deductions: bool,
    pub source: String,
}

/// A deadline of a local plan, relative to the evaluation year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalDeadline {
    /// What must be done, e.g. "Cấp cơ sở hoàn thành".
    pub step: String,
    pub day: u8,
    pub month: u8,
    /// 0 for the evaluation year, 1 for the next year (e.g. 15/01).
    #[serde(default)]
    pub year_offset: u8,
    pub source: String,
}

impl LocalLayer {
    pub fn from_toml(file: &str, text: &str) -> Result<LocalLayer, crate::ruleset::RuleBookError> {
        toml::from_str(text).map_err(|error| crate::ruleset::RuleBookError {
            file: file.to_owned(),
            problem: error.to_string().trim().to_owned(),
        })
    }
}
