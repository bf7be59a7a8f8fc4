//! # kiemdiem-rules
//!
//! The rules of the annual *kiểm điểm, đánh giá, xếp loại chất lượng* cycle, as pure functions over
//! values: which subjects are reviewed and classified, how a criteria framework scores them, which
//! level the facts allow, how many may be rated HTXSNV in a group, how a secret ballot is counted,
//! what must be decided before what, and which self-review form each subject uses.
//!
//! This crate does no I/O: no files, no database, no clock, no async. Frameworks and rule-set
//! parameters arrive as text and are parsed here; the embedded national defaults are compiled in.
//! Every refusal names its rule and the legal source (e.g. "QĐ 366-QĐ/TW Điều 11 khoản 4").

pub mod level;
pub mod ruleset;
pub mod subject;

pub use level::{Grade, Level};
pub use ruleset::RuleSetId;
pub use subject::{
    DisciplineForm, LeaveKind, OrgKind, PositionKind, QuotaCategory, StatusKind, SubjectKind,
};
