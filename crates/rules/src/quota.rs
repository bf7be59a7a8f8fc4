//! The HTXSNV quota (tỷ lệ khống chế): within a comparable group, the number rated HTXSNV may not
//! exceed a share of the number rated HTTNV. The share, the base, the rounding, the grouping, the
//! exceptional share and the local small-group exception are all parameters of the rule book.

use crate::cite::Citation;
use crate::facts::LevelCounts;
use crate::level::Level;
use crate::ruleset::RuleBook;
use crate::ruleset::params::{QuotaBase, QuotaGrouping};
use crate::subject::QuotaCategory;
use serde::{Deserialize, Serialize};

/// The recorded decision of the competent level allowing the exceptional share (QĐ 366: 25 %).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionalShareDecision {
    /// Who decided (e.g. "Ban Thường vụ Tỉnh ủy").
    pub decided_by: String,
    /// The decision's number and date (e.g. "Quyết định 123-QĐ/TU ngày 20/12/2025").
    pub reference: String,
}

/// The quota position of one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaCheck {
    /// Whether the rule book caps HTXSNV at all.
    pub enabled: bool,
    pub htxsnv: u64,
    pub httnv: u64,
    /// The number the share is taken of.
    pub base: u64,
    /// The share applied ("20%", or "25%" with a recorded decision).
    pub share: String,
    /// How many may be HTXSNV with the group as it stands.
    pub allowed: u64,
    /// How many more subjects now rated HTTNV could still be raised to HTXSNV (each raise also
    /// shrinks the base under the literal reading); negative when the group is over the quota.
    pub headroom: i64,
    /// The most HTXSNV the group's pool of HTXSNV + HTTNV can hold.
    pub max_in_pool: u64,
    pub small_group_exception: bool,
    pub exceptional_share: bool,
    pub violation: Option<QuotaViolation>,
    pub citations: Vec<Citation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaViolation {
    /// How many HTXSNV too many.
    pub excess: u64,
    pub message: String,
    pub citation: Citation,
}

/// A problem with the quota request itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{field}: {problem}")]
pub struct QuotaError {
    pub field: String,
    pub problem: String,
}

fn allowed_for(book: &RuleBook, htxsnv: u64, httnv: u64, exceptional: bool) -> (u64, u64, bool) {
    let params = &book.params.quota;
    let share = match (exceptional, params.exceptional_share) {
        (true, Some(share)) => share,
        _ => params.share,
    };
    let (base, mut allowed) = match params.base {
        QuotaBase::FinalHttnv => (httnv, share.of(httnv, params.rounding)),
        QuotaBase::HttnvAndAbove => (httnv + htxsnv, share.of(httnv + htxsnv, params.rounding)),
        QuotaBase::FixedPoint => {
            let pool = httnv + htxsnv;
            let fixed = (0..=pool)
                .rev()
                .find(|n| *n <= share.of(pool - n, params.rounding))
                .unwrap_or(0);
            (pool, fixed)
        }
    };
    let mut small = false;
    if let Some(exception) = book
        .local
        .as_ref()
        .and_then(|l| l.small_group_exception.as_ref())
        && httnv < u64::from(exception.httnv_below)
        && allowed < u64::from(exception.allowed_htxsnv)
    {
        allowed = u64::from(exception.allowed_htxsnv);
        small = true;
    }
    (base, allowed, small)
}

/// Checks a group's counts against the quota.
pub fn check_quota(
    book: &RuleBook,
    counts: &LevelCounts,
    exceptional: Option<&ExceptionalShareDecision>,
) -> Result<QuotaCheck, QuotaError> {
    let params = &book.params.quota;
    let sources = book.sources();
    if let Some(decision) = exceptional {
        if params.exceptional_share.is_none() {
            return Err(QuotaError {
                field: "exceptional_share".into(),
                problem: format!(
                    "bộ quy tắc {} không có tỷ lệ ngoại lệ (chỉ QĐ 366 cho phép đến 25%)",
                    book.rule_set
                ),
            });
        }
        if decision.decided_by.trim().is_empty() || decision.reference.trim().is_empty() {
            return Err(QuotaError {
                field: "exceptional_share".into(),
                problem: "tỷ lệ ngoại lệ cần quyết định của cấp có thẩm quyền: ghi rõ cấp quyết định và số, ngày văn bản".into(),
            });
        }
    }
    let (htxsnv, httnv) = (u64::from(counts.htxsnv), u64::from(counts.httnv));
    let exceptional_used = exceptional.is_some();
    let mut citations = vec![Citation::new(
        format!("{}.quota", book.rule_set),
        sources.quota,
    )];
    if exceptional_used {
        citations.push(Citation::new(
            format!("{}.quota.exceptional", book.rule_set),
            sources.quota_exception,
        ));
    }
    let share = match (exceptional_used, params.exceptional_share) {
        (true, Some(share)) => share,
        _ => params.share,
    };
    if !params.enabled {
        return Ok(QuotaCheck {
            enabled: false,
            htxsnv,
            httnv,
            base: httnv,
            share: share.to_string(),
            allowed: htxsnv + httnv,
            headroom: httnv as i64,
            max_in_pool: htxsnv + httnv,
            small_group_exception: false,
            exceptional_share: false,
            violation: None,
            citations,
        });
    }
    let (base, allowed, small) = allowed_for(book, htxsnv, httnv, exceptional_used);
    if small
        && let Some(exception) = book
            .local
            .as_ref()
            .and_then(|l| l.small_group_exception.as_ref())
    {
        citations.push(Citation::new(
            "local.small_group_exception",
            exception.source.clone(),
        ));
    }
    // Headroom: how many of the current HTTNV can be raised one by one and stay within the quota.
    let mut headroom: i64 = 0;
    if htxsnv > allowed {
        headroom = -((htxsnv - allowed) as i64);
    } else {
        let mut raised = 0;
        while raised < httnv {
            let (_, allowed_next, _) = allowed_for(
                book,
                htxsnv + raised + 1,
                httnv - raised - 1,
                exceptional_used,
            );
            if htxsnv + raised < allowed_next {
                raised += 1;
            } else {
                break;
            }
        }
        headroom = headroom.max(raised as i64);
    }
    let pool = htxsnv + httnv;
    let max_in_pool = (0..=pool)
        .rev()
        .find(|k| {
            let (_, allowed_k, _) = allowed_for(book, *k, pool - k, exceptional_used);
            *k <= allowed_k
        })
        .unwrap_or(0);
    let limit = match params.base {
        QuotaBase::FinalHttnv => format!("{share} của {base} số xếp loại HTTNV"),
        QuotaBase::HttnvAndAbove => format!("{share} của {base} số xếp loại HTTNV trở lên"),
        QuotaBase::FixedPoint => format!(
            "số n lớn nhất với n không vượt quá {share} của ({base} − n), {base} là số xếp loại HTTNV trở lên"
        ),
    };
    let violation = (htxsnv > allowed).then(|| QuotaViolation {
        excess: htxsnv - allowed,
        message: format!(
            "{htxsnv} HTXSNV vượt tỷ lệ: tối đa {allowed} ({limit}), thừa {}",
            htxsnv - allowed
        ),
        citation: citations[0].clone(),
    });
    Ok(QuotaCheck {
        enabled: true,
        htxsnv,
        httnv,
        base,
        share: share.to_string(),
        allowed,
        headroom,
        max_in_pool,
        small_group_exception: small,
        exceptional_share: exceptional_used,
        violation,
        citations,
    })
}

/// Whether raising one more subject to HTXSNV keeps the group within the quota: `from` is the
/// level the subject holds in `counts` now (if any).
pub fn may_add_htxsnv(
    book: &RuleBook,
    counts: &LevelCounts,
    from: Option<Level>,
    exceptional: Option<&ExceptionalShareDecision>,
) -> Result<QuotaCheck, QuotaError> {
    let mut after = *counts;
    if let Some(level) = from {
        let slot = match level {
            Level::Htxsnv => &mut after.htxsnv,
            Level::Httnv => &mut after.httnv,
            Level::Htnv => &mut after.htnv,
            Level::Khtnv => &mut after.khtnv,
        };
        *slot = slot.checked_sub(1).ok_or_else(|| QuotaError {
            field: "from".into(),
            problem: format!(
                "nhóm không có đối tượng nào đang xếp loại {level} để nâng lên HTXSNV"
            ),
        })?;
    }
    after.htxsnv += 1;
    check_quota(book, &after, exceptional)
}

/// Where a subject counts for the quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaSubject {
    pub category: QuotaCategory,
    /// The code of the grassroots organisation (tổ chức cơ sở đảng) the subject belongs to.
    #[serde(default)]
    pub grassroots: Option<String>,
    /// The code of the body that decides the subject's level.
    pub deciding_body: String,
    /// A group of similar position and role named by the competent level, if any.
    #[serde(default)]
    pub similar_role_group: Option<String>,
}

/// The key of the comparable group a subject's HTXSNV counts in, under the rule book's grouping.
pub fn group_key(book: &RuleBook, subject: &QuotaSubject) -> String {
    let category = match subject.category {
        QuotaCategory::Organisations => "organisations",
        QuotaCategory::Collectives => "collectives",
        QuotaCategory::Members => "members",
        QuotaCategory::Leaders => "leaders",
    };
    match (
        book.params.quota.grouping,
        subject.category,
        &subject.grassroots,
    ) {
        (QuotaGrouping::PerGrassroots, QuotaCategory::Members, Some(grassroots)) => {
            format!("{category}@grassroots:{grassroots}")
        }
        _ => match &subject.similar_role_group {
            Some(group) => format!("{category}@{}:{group}", subject.deciding_body),
            None => format!("{category}@{}", subject.deciding_body),
        },
    }
}

/// The comparable group as people name it, from the organisation whose subjects it pools — the
/// deciding organisation, or the grassroots organisation where members are pooled per grassroots
/// organisation: "đảng viên Đảng bộ xã Hợp Thành", "tổ chức đảng trực thuộc Đảng bộ xã Hiệp Kim",
/// "tập thể lãnh đạo, quản lý thuộc Đảng bộ huyện Cao Lộc".
pub fn group_name(category: QuotaCategory, org_name: &str) -> String {
    let org_name = org_name.trim();
    match category {
        QuotaCategory::Members => format!("đảng viên {org_name}"),
        QuotaCategory::Organisations => format!("tổ chức đảng trực thuộc {org_name}"),
        QuotaCategory::Collectives => format!("tập thể lãnh đạo, quản lý thuộc {org_name}"),
        QuotaCategory::Leaders => format!("cán bộ lãnh đạo, quản lý thuộc {org_name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::{RuleSetId, builtin_local_layer};

    fn counts(htxsnv: u32, httnv: u32) -> LevelCounts {
        LevelCounts {
            htxsnv,
            httnv,
            htnv: 3,
            khtnv: 0,
        }
    }

    fn seed003() -> RuleBook {
        RuleBook::with_local(
            RuleSetId::Qd132Hd21,
            builtin_local_layer("seed003-huyen-2019").unwrap().clone(),
        )
        .unwrap()
    }

    #[test]
    fn twenty_percent_of_httnv_rounded_down_under_hd21() {
        // HD 21 Mục II 2.3: không vượt quá 20% số đảng viên được xếp loại HTTNV.
        let book = RuleBook::national(RuleSetId::Qd132Hd21);
        let check = check_quota(&book, &counts(2, 14), None).unwrap();
        assert_eq!(check.allowed, 2);
        assert!(check.violation.is_none());
        assert_eq!(check.headroom, 0);
        let check = check_quota(&book, &counts(3, 14), None).unwrap();
        let violation = check.violation.unwrap();
        assert_eq!(violation.excess, 1);
        assert!(violation.citation.source.contains("HD 21"));
        assert!(check.headroom < 0);
    }

    #[test]
    fn headroom_counts_the_shrinking_base() {
        // 0 HTXSNV, 12 HTTNV: raising 2 leaves 10 HTTNV, 20% of 10 = 2. Raising 3 leaves 9 → 1.
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let check = check_quota(&book, &counts(0, 12), None).unwrap();
        assert_eq!(check.allowed, 2);
        assert_eq!(check.headroom, 2);
        assert_eq!(check.max_in_pool, 2);
    }

    #[test]
    fn the_25_percent_exception_needs_a_recorded_decision_under_qd366() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let decision = ExceptionalShareDecision {
            decided_by: "Ban Thường vụ Tỉnh ủy".into(),
            reference: "Quyết định 123-QĐ/TU ngày 20/12/2025".into(),
        };
        assert!(
            check_quota(&book, &counts(5, 20), None)
                .unwrap()
                .violation
                .is_some()
        );
        let check = check_quota(&book, &counts(5, 20), Some(&decision)).unwrap();
        assert!(check.violation.is_none());
        assert_eq!(check.share, "25%");
        let empty = ExceptionalShareDecision {
            decided_by: "".into(),
            reference: "".into(),
        };
        assert!(check_quota(&book, &counts(5, 20), Some(&empty)).is_err());
        let hd21 = RuleBook::national(RuleSetId::Qd132Hd21);
        assert_eq!(
            check_quota(&hd21, &counts(5, 20), Some(&decision))
                .unwrap_err()
                .field,
            "exceptional_share"
        );
    }

    #[test]
    fn seed003_allows_one_htxsnv_where_fewer_than_five_are_httnv() {
        let national = RuleBook::national(RuleSetId::Qd132Hd21);
        assert!(
            check_quota(&national, &counts(1, 4), None)
                .unwrap()
                .violation
                .is_some()
        );
        let check = check_quota(&seed003(), &counts(1, 4), None).unwrap();
        assert!(check.violation.is_none());
        assert!(check.small_group_exception);
        assert!(check.citations.iter().any(|c| c.source.contains("dưới 05")));
        assert!(
            check_quota(&seed003(), &counts(2, 4), None)
                .unwrap()
                .violation
                .is_some()
        );
    }

    #[test]
    fn the_fixed_point_base_allows_the_largest_n_within_the_share_of_the_rest() {
        // RULES.md §11.2: the literal reading's fixed point, n ≤ 20% × (pool − n).
        let mut book = RuleBook::national(RuleSetId::Qd366Hd43);
        book.params.quota.base = QuotaBase::FixedPoint;
        // Pool 12: n = 2 (2 ≤ 20% of 10); n = 3 fails (3 > 20% of 9 = 1).
        let check = check_quota(&book, &counts(0, 12), None).unwrap();
        assert_eq!((check.base, check.allowed, check.headroom), (12, 2, 2));
        // Whatever the split of the pool, the same number is allowed.
        let check = check_quota(&book, &counts(2, 10), None).unwrap();
        assert_eq!((check.allowed, check.headroom), (2, 0));
        assert!(check.violation.is_none());
        let check = check_quota(&book, &counts(3, 9), None).unwrap();
        assert_eq!(check.violation.unwrap().excess, 1);
        // It is the same number the final-HTTNV reading's pool can hold.
        let literal = RuleBook::national(RuleSetId::Qd366Hd43);
        for pool in 0..40 {
            for htxsnv in 0..=pool {
                let fixed = check_quota(&book, &counts(htxsnv, pool - htxsnv), None).unwrap();
                let max = check_quota(&literal, &counts(htxsnv, pool - htxsnv), None)
                    .unwrap()
                    .max_in_pool;
                assert_eq!(fixed.allowed, max, "pool {pool}");
            }
        }
    }

    #[test]
    fn no_quota_before_2018_unless_a_local_layer_adds_one() {
        let book = RuleBook::national(RuleSetId::Hd27);
        let check = check_quota(&book, &counts(9, 1), None).unwrap();
        assert!(!check.enabled);
        assert!(check.violation.is_none());
    }

    #[test]
    fn may_add_htxsnv_moves_the_subject_from_its_current_level() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        assert!(
            may_add_htxsnv(&book, &counts(1, 11), Some(Level::Httnv), None)
                .unwrap()
                .violation
                .is_none()
        );
        assert!(
            may_add_htxsnv(&book, &counts(2, 10), Some(Level::Httnv), None)
                .unwrap()
                .violation
                .is_some()
        );
    }

    #[test]
    fn hd21_pools_members_per_grassroots_organisation_and_qd366_per_deciding_body() {
        let subject = QuotaSubject {
            category: QuotaCategory::Members,
            grassroots: Some("DB01".into()),
            deciding_body: "DB01".into(),
            similar_role_group: None,
        };
        assert_eq!(
            group_key(&RuleBook::national(RuleSetId::Qd132Hd21), &subject),
            "members@grassroots:DB01"
        );
        let leaders = QuotaSubject {
            category: QuotaCategory::Leaders,
            grassroots: None,
            deciding_body: "HU".into(),
            similar_role_group: Some("truong-phong".into()),
        };
        assert_eq!(
            group_key(&RuleBook::national(RuleSetId::Qd366Hd43), &leaders),
            "leaders@HU:truong-phong"
        );
    }

    #[test]
    fn groups_are_named_the_way_people_say_them() {
        assert_eq!(
            group_name(QuotaCategory::Members, "Chi bộ thôn Đông"),
            "đảng viên Chi bộ thôn Đông"
        );
        assert_eq!(
            group_name(QuotaCategory::Organisations, " Đảng bộ xã Hiệp Kim "),
            "tổ chức đảng trực thuộc Đảng bộ xã Hiệp Kim"
        );
    }

    #[test]
    fn raising_from_a_level_nobody_holds_is_an_error_not_a_panic() {
        let book = RuleBook::national(RuleSetId::Qd366Hd43);
        let error = may_add_htxsnv(&book, &counts(1, 0), Some(Level::Httnv), None).unwrap_err();
        assert_eq!(error.field, "from");
        assert!(may_add_htxsnv(&book, &counts(0, 0), None, None).is_ok());
    }
}
