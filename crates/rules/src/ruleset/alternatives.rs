//! The alternatives of every parameter that takes one of a set of readings: what a local layer
//! (or a future rule set) may choose instead of the value in force, as `kiemdiem rules list`
//! shows them. Parameters that are a yes/no, a share or a number are described by their kind.

use super::params::{
    ConclusionKind, GapTreatment, MajorityBase, NewcomerTreatment, NoMajorityPolicy,
    OrganisationDefect, QuotaBase, QuotaGrouping, Rounding, SelfDetectedTreatment, TiePolicy,
    UnitsScope,
};
use crate::level::Level;
use crate::subject::DisciplineForm;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a parameter may be set to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternatives {
    /// `one_of` (a single value), `any_of` (a list of them), `yes_no`, `share`, `number`,
    /// `day_month`.
    pub kind: &'static str,
    /// The values, for `one_of` and `any_of`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

fn codes<T: Serialize>(values: impl IntoIterator<Item = T>) -> Vec<String> {
    values
        .into_iter()
        .map(|v| {
            serde_json::to_value(v)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .expect("an alternative serialises as a string")
        })
        .collect()
}

fn one_of<T: Serialize>(values: impl IntoIterator<Item = T>) -> Alternatives {
    Alternatives {
        kind: "one_of",
        values: codes(values),
    }
}

fn any_of<T: Serialize>(values: impl IntoIterator<Item = T>) -> Alternatives {
    Alternatives {
        kind: "any_of",
        values: codes(values),
    }
}

fn kind(kind: &'static str) -> Alternatives {
    Alternatives {
        kind,
        values: Vec::new(),
    }
}

/// Every parameter with a closed set of readings, by `section.key` (nested keys for the
/// discipline tables), and the kind of every other parameter.
pub fn alternatives() -> BTreeMap<&'static str, Alternatives> {
    let conclusions = [
        ConclusionKind::Degradation,
        ConclusionKind::ForbiddenActs,
        ConclusionKind::ExemplaryDutyBreached,
        ConclusionKind::CorruptionInScope,
        ConclusionKind::Disunity,
        ConclusionKind::CadreWorkViolation,
        ConclusionKind::MemberDegradation,
    ];
    let yes_no = [
        "eligibility.exclude_suspended",
        "eligibility.temporary_branch_comment",
        "eligibility.civil_service_rating_first",
        "eligibility.committee_responsibility_until_suspension",
        "scoring.bonus_beyond_max",
        "scoring.any_kem_forces_khtnv",
        "tasks.htxsnv_all_on_time",
        "tasks.htxsnv_previous_defects_fixed",
        "tasks.httnv_all_on_time",
        "tasks.htnv_all_completed",
        "member.civil_service_htxsnv_required",
        "member.civil_service_khtnv_forces_khtnv",
        "member.discipline.duty_related_only",
        "member.discipline.earlier_violation_case_by_case",
        "collective.member_discipline.duty_related_only",
        "collective.member_discipline.earlier_violation_case_by_case",
        "collective.collective_discipline_forces_khtnv",
        "collective.completed_below_needs_key_target_missed",
        "collective.corruption_case_in_unit_forces_khtnv",
        "collective.htxsnv_needs_clean_record",
        "quota.enabled",
        "ballot.cumulative",
        "ballot.probationary_may_vote",
        "ballot.probationary_in_denominator",
        "review.deadline_day_included",
    ];
    let shares = [
        "tasks.htxsnv_exceeded_min",
        "tasks.htnv_late_max",
        "member.khtnv_completed_below",
        "leader.led_units_completed_below",
        "leader.led_units_htxsnv_exceeded_min",
        "leader.khtnv_units_above",
        "leader.low_confidence_above",
        "collective.completed_below",
        "collective.disciplined_units_above",
        "organisation.httnv_needs_share_httnv",
        "organisation.disciplined_members_above",
        "organisation.khtnv_members_above",
        "organisation.khtnv_sub_orgs_above",
        "quota.share",
        "quota.exceptional_share",
        "ballot.majority_above",
    ];
    let numbers = [
        "eligibility.new_member_months",
        "eligibility.new_body_months",
        "eligibility.transfer_comment_months",
        "eligibility.collective_min_leaders",
        "member.sick_leave_cap_months",
        "member.days_per_month",
        "leader.key_targets_missed_for_khtnv",
        "collective.key_targets_missed_for_khtnv",
        "organisation.mass_organisations_lowest_min",
        "ballot.max_rounds",
        "review.draft_notice_working_days",
        "review.self_review_notice_days",
        "awards.consecutive_years",
    ];
    let day_months = [
        "review.finish_by",
        "review.special_units_finish_by",
        "review.dossier_by",
        "review.report_by",
    ];
    let mut map: BTreeMap<&'static str, Alternatives> = BTreeMap::from([
        ("eligibility.new_member", one_of(NewcomerTreatment::ALL)),
        ("eligibility.new_body", one_of(NewcomerTreatment::ALL)),
        ("tasks.individual_gap", one_of(GapTreatment::ALL)),
        ("tasks.body_gap", one_of(GapTreatment::ALL)),
        ("member.conclusions_forcing_khtnv", any_of(conclusions)),
        ("member.discipline.min_form", one_of(DisciplineForm::ALL)),
        (
            "member.discipline.self_detected",
            one_of(SelfDetectedTreatment::ALL),
        ),
        ("member.sick_leave_cap", one_of(Level::DESCENDING)),
        ("leader.led_units_conditions", one_of(UnitsScope::ALL)),
        ("leader.led_units_floor", one_of(UnitsScope::ALL)),
        ("collective.conclusions_forcing_khtnv", any_of(conclusions)),
        (
            "collective.member_discipline.min_form",
            one_of(DisciplineForm::ALL),
        ),
        (
            "collective.member_discipline.self_detected",
            one_of(SelfDetectedTreatment::ALL),
        ),
        (
            "organisation.httnv_needs_all_at_least",
            one_of(Level::DESCENDING),
        ),
        (
            "organisation.lowest_level_defects",
            any_of(OrganisationDefect::ALL),
        ),
        ("quota.base", one_of(QuotaBase::ALL)),
        ("quota.rounding", one_of(Rounding::ALL)),
        ("quota.grouping", one_of(QuotaGrouping::ALL)),
        ("ballot.majority_base", one_of(MajorityBase::ALL)),
        ("ballot.no_majority", one_of(NoMajorityPolicy::ALL)),
        ("ballot.tie", one_of(TiePolicy::ALL)),
        ("awards.min_level", one_of(Level::DESCENDING)),
    ]);
    for (keys, what) in [
        (&yes_no[..], "yes_no"),
        (&shares[..], "share"),
        (&numbers[..], "number"),
        (&day_months[..], "day_month"),
    ] {
        for key in keys {
            map.insert(key, kind(what));
        }
    }
    map.insert("scoring.fixed_thresholds", kind("points"));
    map.insert("scoring.fixed_group_totals", kind("points"));
    map.insert("review.min_meeting_half_days", kind("number"));
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::{RuleBook, RuleSetId};

    /// Every parameter key of every rule set has its alternatives, and every value in force is
    /// one of them: the list cannot drift from the parameters.
    #[test]
    fn every_parameter_has_its_alternatives_and_its_value_is_among_them() {
        let alternatives = alternatives();
        for id in RuleSetId::ALL {
            let params = RuleBook::national(id).params;
            let table = toml::Table::try_from(&params).unwrap();
            let mut keys = Vec::new();
            for (section, value) in &table {
                let (toml::Value::Table(entries), false) = (value, section == "sources") else {
                    continue;
                };
                for (key, value) in entries {
                    match value {
                        toml::Value::Table(nested)
                            if key == "discipline" || key == "member_discipline" =>
                        {
                            for (inner, value) in nested {
                                keys.push((format!("{section}.{key}.{inner}"), value.clone()));
                            }
                        }
                        _ => keys.push((format!("{section}.{key}"), value.clone())),
                    }
                }
            }
            for (key, value) in keys {
                let found = alternatives
                    .get(key.as_str())
                    .unwrap_or_else(|| panic!("{id}: {key} has no alternatives"));
                let in_force: Vec<String> = match &value {
                    toml::Value::String(s) => vec![s.clone()],
                    toml::Value::Array(items) => items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect(),
                    _ => Vec::new(),
                };
                if !found.values.is_empty() {
                    for v in in_force {
                        assert!(found.values.contains(&v), "{id}: {key} = {v}");
                    }
                }
            }
        }
    }
}
