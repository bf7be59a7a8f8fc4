//! One module per command group.

pub mod rules;
pub mod store;
