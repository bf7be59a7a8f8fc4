//! Rule sets: one per legal basis, chosen by the evaluation year.

mod id;

pub use id::RuleSetId;
