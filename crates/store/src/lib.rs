//! # kiemdiem-store
//!
//! The memory of kiemdiem: one database, SQLite (embedded, the default) or PostgreSQL (large
//! deployments), chosen at run time from the URL. It owns the schema and its migrations, the
//! party organisation tree with its dated history, party members and leaders with their dated
//! records, the import of the files party offices keep, and the demo data generator.
//!
//! It knows no rule of classification: the rules crate's vocabulary types are stored as their
//! codes, and the app layer decides what they mean. Dates are calendar days (`time::Date`);
//! periods are half-open `[from, to)` with `None` for "still running".

pub mod access;
pub mod accounts;
pub mod audit;
pub mod backup;
pub mod bulk;
mod checkpoint;
pub mod cycle;
pub mod date;
pub mod db;
pub mod deliveries;
pub mod demo;
pub mod discipline;
pub mod dossiers;
pub mod error;
pub mod facts;
pub mod frameworks;
pub mod import;
pub mod leadership;
pub mod office;
pub mod org;
pub mod people;
pub mod rewards;
pub mod sealed;
mod sqlite_rows;
pub mod text;
pub mod vocab;

pub use db::{AuditKeyBytes, Backend, Change, DEFAULT_URL, Stamp, Store, Tx, redact_url, retry};
pub use error::{Result, StoreError};
