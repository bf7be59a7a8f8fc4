//! One module per command group.

pub mod audit;
pub mod backup;
pub mod dossier;
pub mod files;
pub mod org;
pub mod report;
pub mod rules;
pub mod serve;
pub mod store;
pub mod user;
