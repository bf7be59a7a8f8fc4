//! The storage of the annual cycle (issue 4): plans and their subjects ([`plan`]), self-reviews
//! and meetings ([`review`]), evaluations, decisions, notifications, publications and
//! escalations ([`evaluation`]) and secret ballots ([`ballot`]).
//!
//! Like the rest of the store this module knows no rule: levels, kinds and stages are stored as
//! the codes the app gives, and every decision about them is the app's (which asks the rules
//! crate). Mutable rows carry a `version`; a write names the version it read and returns `false`
//! when the row changed meanwhile, for the app to refuse as a stale write. Writes record what
//! they touched in [`crate::Tx::changes`] for the audit log — except ballot papers.

pub mod after;
pub mod ballot;
mod batch;
pub mod evaluation;
pub mod family;
pub mod plan;
pub mod report;
pub mod review;
pub mod scoring;
pub mod sitting;
pub mod work;
