//! Rule sets: one per legal basis, chosen by the evaluation year, each a value made of its
//! parameters (data, `data/rulesets/*.toml`), its citations, its level names and its forms
//! ([`eras`], [`sources`]). A plan pins a [`RuleBook`]: a rule set plus an optional local layer.

pub mod alternatives;
mod eras;
mod id;
pub mod local;
pub mod params;
mod sources;

pub use eras::Era;
pub use id::RuleSetId;
pub use local::LocalLayer;
pub use params::Params;
pub use sources::{NOT_FOUND, Sources};

use serde::Serialize;
use std::sync::OnceLock;

/// What a plan pins: a national rule set, its parameters after any local overrides, and the local
/// layer itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleBook {
    pub rule_set: RuleSetId,
    pub params: Params,
    pub local: Option<LocalLayer>,
}

/// A problem in a rule-set or local-layer file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{file}: {problem}")]
pub struct RuleBookError {
    pub file: String,
    pub problem: String,
}

const NATIONAL_FILES: [(RuleSetId, &str, &str); 6] = [
    (
        RuleSetId::Hd20,
        "data/rulesets/hd20.toml",
        include_str!("../../data/rulesets/hd20.toml"),
    ),
    (
        RuleSetId::Hd27,
        "data/rulesets/hd27.toml",
        include_str!("../../data/rulesets/hd27.toml"),
    ),
    (
        RuleSetId::Qd132Hd16,
        "data/rulesets/qd132-hd16.toml",
        include_str!("../../data/rulesets/qd132-hd16.toml"),
    ),
    (
        RuleSetId::Qd132Hd21,
        "data/rulesets/qd132-hd21.toml",
        include_str!("../../data/rulesets/qd132-hd21.toml"),
    ),
    (
        RuleSetId::Qd124Hd25,
        "data/rulesets/qd124-hd25.toml",
        include_str!("../../data/rulesets/qd124-hd25.toml"),
    ),
    (
        RuleSetId::Qd366Hd43,
        "data/rulesets/qd366-hd43.toml",
        include_str!("../../data/rulesets/qd366-hd43.toml"),
    ),
];

const LOCAL_FILES: [(&str, &str); 3] = [
    (
        "data/local/seed000-so-gtvt-2020.toml",
        include_str!("../../data/local/seed000-so-gtvt-2020.toml"),
    ),
    (
        "data/local/seed003-huyen-2019.toml",
        include_str!("../../data/local/seed003-huyen-2019.toml"),
    ),
    (
        "data/local/seed004-nghe-an-2022.toml",
        include_str!("../../data/local/seed004-nghe-an-2022.toml"),
    ),
];

fn parse_params(file: &str, text: &str) -> Result<Params, RuleBookError> {
    toml::from_str(text).map_err(|error| RuleBookError {
        file: file.to_owned(),
        problem: error.to_string().trim().to_owned(),
    })
}

fn national_params() -> &'static [(RuleSetId, Params)] {
    static PARAMS: OnceLock<Vec<(RuleSetId, Params)>> = OnceLock::new();
    PARAMS.get_or_init(|| {
        NATIONAL_FILES
            .iter()
            .map(|(id, file, text)| {
                let params = parse_params(file, text)
                    .unwrap_or_else(|error| panic!("embedded rule set is invalid: {error}"));
                (*id, params)
            })
            .collect()
    })
}

/// The local layers shipped with kiemdiem (from the seed documents).
pub fn builtin_local_layers() -> &'static [LocalLayer] {
    static LAYERS: OnceLock<Vec<LocalLayer>> = OnceLock::new();
    LAYERS.get_or_init(|| {
        LOCAL_FILES
            .iter()
            .map(|(file, text)| {
                LocalLayer::from_toml(file, text)
                    .unwrap_or_else(|error| panic!("embedded local layer is invalid: {error}"))
            })
            .collect()
    })
}

/// A shipped local layer by id.
pub fn builtin_local_layer(id: &str) -> Option<&'static LocalLayer> {
    builtin_local_layers().iter().find(|layer| layer.id == id)
}

impl RuleBook {
    /// The national rule set with its published parameters and no local layer.
    pub fn national(rule_set: RuleSetId) -> RuleBook {
        let params = national_params()
            .iter()
            .find(|(id, _)| *id == rule_set)
            .map(|(_, params)| params.clone())
            .expect("every rule set has an embedded parameter file");
        RuleBook {
            rule_set,
            params,
            local: None,
        }
    }

    /// The default rule book of an evaluation year.
    pub fn for_year(year: i32) -> Option<RuleBook> {
        RuleSetId::for_year(year).map(RuleBook::national)
    }

    /// A national rule set with a local layer on top: the layer must name the rule set, and its
    /// overrides must be valid parameters.
    pub fn with_local(rule_set: RuleSetId, local: LocalLayer) -> Result<RuleBook, RuleBookError> {
        let file = format!("local layer {}", local.id);
        if !local.rule_sets.contains(&rule_set) {
            return Err(RuleBookError {
                file,
                problem: format!(
                    "lớp quy định địa phương không áp dụng cho bộ quy tắc {rule_set} (chỉ cho: {})",
                    local
                        .rule_sets
                        .iter()
                        .map(|id| id.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        let mut params = RuleBook::national(rule_set).params;
        if !local.overrides.is_empty() {
            let mut table = toml::Table::try_from(&params).map_err(|error| RuleBookError {
                file: file.clone(),
                problem: error.to_string(),
            })?;
            merge(&mut table, &local.overrides);
            params = table
                .try_into()
                .map_err(|error: toml::de::Error| RuleBookError {
                    file: file.clone(),
                    problem: format!("overrides: {}", error.to_string().trim()),
                })?;
        }
        Ok(RuleBook {
            rule_set,
            params,
            local: Some(local),
        })
    }

    /// The era definition (citations, names, forms) of the pinned rule set.
    pub fn era(&self) -> &'static Era {
        eras::era(self.rule_set)
    }

    /// The citation source for a topic, as text.
    pub fn sources(&self) -> &'static Sources {
        &self.era().sources
    }
}

/// Merges `overrides` into `base`, table by table; other values are replaced.
fn merge(base: &mut toml::Table, overrides: &toml::Table) {
    for (key, value) in overrides {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(base_table)), toml::Value::Table(override_table)) => {
                merge(base_table, override_table)
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Level;
    use crate::share::Share;

    #[test]
    fn every_embedded_rule_set_loads() {
        for id in RuleSetId::ALL {
            let book = RuleBook::national(id);
            assert_eq!(book.rule_set, id);
            assert_eq!(book.era().id, id);
        }
    }

    #[test]
    fn qd366_uses_the_point_thresholds_of_dieu_11() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let thresholds = book.params.scoring.fixed_thresholds.unwrap();
        assert_eq!(
            thresholds.level_for(crate::points::Points::whole(90)),
            Level::Htxsnv
        );
        assert_eq!(
            thresholds.level_for(crate::points::Points(8999)),
            Level::Httnv
        );
        assert_eq!(
            thresholds.level_for(crate::points::Points::whole(70)),
            Level::Httnv
        );
        assert_eq!(
            thresholds.level_for(crate::points::Points::whole(50)),
            Level::Htnv
        );
        assert_eq!(
            thresholds.level_for(crate::points::Points(4999)),
            Level::Khtnv
        );
        assert_eq!(book.params.quota.share, Share::percent(20));
        assert_eq!(
            book.params.quota.exceptional_share,
            Some(Share::percent(25))
        );
    }

    #[test]
    fn a_local_layer_must_name_the_rule_set() {
        let layer = builtin_local_layer("seed003-huyen-2019").unwrap().clone();
        let error = RuleBook::with_local(RuleSetId::Qd366Hd43, layer.clone()).unwrap_err();
        assert!(error.problem.contains("không áp dụng"), "{error}");
        let book = RuleBook::with_local(RuleSetId::Qd132Hd21, layer).unwrap();
        assert_eq!(
            book.params.review.min_meeting_half_days["grassroots_committee"],
            2
        );
        assert_eq!(book.params.quota.share, Share::percent(20));
    }

    #[test]
    fn overrides_are_checked_like_the_national_file() {
        let mut layer = builtin_local_layer("seed004-nghe-an-2022").unwrap().clone();
        layer.overrides = toml::from_str("[quota]\nrounding = \"sometimes\"").unwrap();
        let error = RuleBook::with_local(RuleSetId::Qd132Hd21, layer.clone()).unwrap_err();
        assert!(error.problem.contains("overrides"), "{error}");
        layer.overrides = toml::from_str("[quota]\nrounding = \"ceil\"").unwrap();
        let book = RuleBook::with_local(RuleSetId::Qd132Hd21, layer).unwrap();
        assert_eq!(book.params.quota.rounding, params::Rounding::Ceil);
    }

    #[test]
    fn every_shipped_local_layer_applies_to_its_rule_sets() {
        for layer in builtin_local_layers() {
            for id in &layer.rule_sets {
                RuleBook::with_local(*id, layer.clone()).unwrap();
            }
        }
    }
}
