//! One module per command group.

pub mod rules;
pub mod serve;
pub mod store;
