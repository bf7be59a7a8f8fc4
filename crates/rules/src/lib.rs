//! # kiemdiem-rules
//!
//! The rules of the annual *kiểm điểm, đánh giá, xếp loại chất lượng* cycle, as pure functions over
//! values: which subjects are reviewed and classified ([`eligibility`]), how a criteria framework
//! scores them ([`framework`]), which level the facts allow ([`classify`]), how many may be rated
//! HTXSNV in a group ([`quota`]), how a secret ballot is counted ([`ballot`]), what must be decided
//! before what ([`ordering`]), who decides ([`authority`]), which self-review form each subject
//! uses ([`forms`]) and which days are working days ([`calendar`]).
//!
//! This crate does no I/O: no files, no database, no clock, no async. Frameworks and rule-set
//! parameters arrive as text and are parsed here; the national defaults are compiled in. Every
//! refusal names its rule and the legal source (e.g. "QĐ 366-QĐ/TW Điều 11 khoản 4").

pub mod authority;
pub mod ballot;
pub mod calendar;
pub mod case;
pub mod cite;
pub mod classify;
pub mod dossier;
pub mod eligibility;
pub mod facts;
pub mod forms;
pub mod framework;
pub mod history;
pub mod level;
pub mod ordering;
pub mod points;
pub mod quota;
pub mod resolution;
pub mod rewards;
pub mod ruleset;
pub mod share;
pub mod stage;
pub mod subject;
pub mod summary;
pub mod timing;
pub mod vocabulary;

pub use cite::Citation;
pub use level::{Grade, Level};
pub use points::Points;
pub use ruleset::{RuleBook, RuleSetId};
pub use share::Share;
pub use subject::{
    DisciplineForm, LeaveKind, OrgKind, PositionKind, QuotaCategory, StatusKind, SubjectKind,
};
