//! A decision set accepted by the quota check never has more HTXSNV than the share of its base
//! allows (or, where seed 003's small-group exception applies, than the exception allows), and
//! `may_add_htxsnv` agrees with the headroom the check reports.

use crate::strategies::all_books;
use kiemdiem_rules::facts::LevelCounts;
use kiemdiem_rules::quota::{ExceptionalShareDecision, check_quota, may_add_htxsnv};
use kiemdiem_rules::ruleset::params::{QuotaBase, Rounding};
use kiemdiem_rules::{Level, RuleBook};
use proptest::prelude::*;

/// Every shipped rule book, also under the looser base and the other roundings a local layer may
/// choose (RULES.md §11.1–2).
fn quota_book() -> impl Strategy<Value = RuleBook> {
    (
        prop::sample::select(all_books()),
        prop::sample::select(QuotaBase::ALL.to_vec()),
        prop::sample::select(vec![Rounding::Floor, Rounding::Nearest, Rounding::Ceil]),
        prop::bool::weighted(0.6),
    )
        .prop_map(|(mut book, base, rounding, as_shipped)| {
            if !as_shipped {
                book.params.quota.base = base;
                book.params.quota.rounding = rounding;
            }
            book
        })
}

fn group() -> impl Strategy<Value = LevelCounts> {
    (0u32..30, 0u32..60, 0u32..10, 0u32..5).prop_map(|(htxsnv, httnv, htnv, khtnv)| LevelCounts {
        htxsnv,
        httnv,
        htnv,
        khtnv,
    })
}

fn decision(book: &RuleBook, wanted: bool) -> Option<ExceptionalShareDecision> {
    (wanted && book.params.quota.exceptional_share.is_some()).then(|| ExceptionalShareDecision {
        decided_by: "Ban Thường vụ Tỉnh ủy".into(),
        reference: "Quyết định 1-QĐ/TU".into(),
    })
}

/// Groups near the quota: at most about a quarter of the HTTNV count rated HTXSNV.
fn group_near_quota() -> impl Strategy<Value = LevelCounts> {
    (0u32..60)
        .prop_flat_map(|httnv| (0..=httnv / 4 + 1, Just(httnv), 0u32..10, 0u32..5))
        .prop_map(|(htxsnv, httnv, htnv, khtnv)| LevelCounts {
            htxsnv,
            httnv,
            htnv,
            khtnv,
        })
}

proptest! {
    #[test]
    fn an_accepted_group_never_exceeds_its_share(
        book in quota_book(),
        counts in group(),
        exceptional in any::<bool>(),
    ) {
        let decision = decision(&book, exceptional);
        let check = check_quota(&book, &counts, decision.as_ref()).unwrap();
        let params = &book.params.quota;
        let htxsnv = u64::from(counts.htxsnv);
        let httnv = u64::from(counts.httnv);
        if !params.enabled {
            prop_assert!(!check.enabled && check.violation.is_none());
            return Ok(());
        }
        let expected_base = match params.base {
            QuotaBase::FinalHttnv => httnv,
            QuotaBase::HttnvAndAbove | QuotaBase::FixedPoint => httnv + htxsnv,
        };
        prop_assert_eq!(check.base, expected_base);
        match &check.violation {
            Some(violation) => {
                prop_assert!(htxsnv > check.allowed);
                prop_assert_eq!(violation.excess, htxsnv - check.allowed);
                prop_assert!(check.headroom < 0);
            }
            None => {
                prop_assert!(htxsnv <= check.allowed);
                let share = match decision {
                    Some(_) => params.exceptional_share.unwrap(),
                    None => params.share,
                };
                if check.small_group_exception {
                    let exception = book
                        .local
                        .as_ref()
                        .and_then(|l| l.small_group_exception.as_ref())
                        .expect("the exception comes from the local layer");
                    prop_assert!(httnv < u64::from(exception.httnv_below));
                    prop_assert!(htxsnv <= u64::from(exception.allowed_htxsnv));
                } else {
                    prop_assert!(htxsnv <= share.of(check.base, params.rounding));
                    if params.base == QuotaBase::FixedPoint {
                        // The fixed point: HTXSNV ≤ share × (pool − HTXSNV).
                        prop_assert!(htxsnv <= share.of(check.base - htxsnv, params.rounding));
                    }
                    if params.rounding == Rounding::Floor {
                        // "Không vượt quá": HTXSNV ≤ share × base, exactly, in integers.
                        prop_assert!(
                            htxsnv * u64::from(share.denominator())
                                <= u64::from(share.numerator()) * check.base,
                            "{htxsnv} HTXSNV > {share} of {}",
                            check.base
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn may_add_htxsnv_agrees_with_the_headroom(
        book in quota_book(),
        counts in group_near_quota(),
        exceptional in any::<bool>(),
    ) {
        let decision = decision(&book, exceptional);
        let check = check_quota(&book, &counts, decision.as_ref()).unwrap();
        prop_assume!(check.violation.is_none() && check.enabled);
        // Raise HTTNV subjects one by one: exactly `headroom` raises are accepted.
        let mut now = counts;
        for raised in 0..check.headroom {
            let next = may_add_htxsnv(&book, &now, Some(Level::Httnv), decision.as_ref()).unwrap();
            prop_assert!(next.violation.is_none(), "raise {} of {} refused", raised + 1, check.headroom);
            now.httnv -= 1;
            now.htxsnv += 1;
        }
        if now.httnv > 0 {
            let next = may_add_htxsnv(&book, &now, Some(Level::Httnv), decision.as_ref()).unwrap();
            prop_assert!(next.violation.is_some(), "headroom {} undercounts", check.headroom);
        }
        prop_assert_eq!(
            u64::from(counts.htxsnv) + check.headroom as u64,
            check.max_in_pool
        );
    }
}
