//! # kiemdiem-app
//!
//! The use cases of the annual *kiểm điểm, đánh giá, xếp loại chất lượng* cycle, over the store
//! and the rules: plans and their subjects ([`plan`]), self-reviews and meetings ([`review`],
//! [`meeting`]), the three steps of evaluation and the decision ([`evaluation`]), secret ballots
//! ([`ballot`]), progress ([`progress`]) and the hash-chained audit trail ([`audit`]).
//!
//! Every use case is a method of [`App`] that takes the acting user ([`Actor`]) first, calls
//! [`App::authorize`] (the one place where a role is checked against the scope), runs in one store
//! transaction, asks the rules crate every question of law (eligibility, score, level, quota,
//! order, who decides, majority) and appends an audit entry in the same transaction. Refusals
//! come back as [`AppError`] with a stable code and the rule's citation.
//!
//! This crate holds no SQL (that lives in `kiemdiem-store`) and no HTTP (`kiemdiem-web`).

pub mod access;
pub mod accounts;
pub mod actor;
pub mod after;
mod answers;
pub mod audit;
pub mod ballot;
pub mod commitments;
pub mod demo;
pub mod directory;
pub mod discipline;
pub mod document;
pub mod dossiers;
pub mod error;
pub mod evaluation;
mod facts;
pub mod files;
pub mod frameworks;
pub mod gathered;
pub mod inbox;
pub mod leaders;
pub mod mail;
pub mod meeting;
pub mod near_copy;
pub mod open;
pub mod paper;
pub mod plan;
pub mod progress;
pub mod records;
pub mod remediation;
pub mod report;
pub mod review;
pub mod rewards;
pub mod similarity;
pub mod state;
pub mod tree;
pub mod views;
pub mod work;

pub use access::{Grant, Role};
pub use accounts::Security;
pub use actor::{Action, Actor, Authorized, Scope};
pub use error::{AppError, ErrorCode, ErrorKind, Result};

use kiemdiem_store::Store;
use time::Date;

/// The application: a handle on the store, cheap to clone and safe to share between requests.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    today: Option<Date>,
    security: Security,
    /// Ballot papers waiting for the next group commit (only while their requests wait).
    casts: std::sync::Arc<ballot::CastQueue>,
    /// Progress, levels and pending lists kept until the next audited change.
    answers: std::sync::Arc<answers::Answers>,
    /// Sessions checked a moment ago ([`Security::session_recheck`]).
    recent_sessions: std::sync::Arc<accounts::session::RecentSessions>,
    /// The audit key and the anchor file, when the installation has them.
    audit_seal: Option<std::sync::Arc<audit::AuditSeal>>,
    /// Where attached dossier files are kept, when the installation keeps them.
    files: Option<std::sync::Arc<files::FileStore>>,
}

impl App {
    pub fn new(store: Store) -> App {
        App {
            store,
            today: None,
            security: Security::default(),
            casts: Default::default(),
            answers: Default::default(),
            recent_sessions: Default::default(),
            audit_seal: None,
            files: None,
        }
    }

    /// An app whose "today" is fixed (tests, demos, replaying a past cycle): deadlines and
    /// lateness are judged against it.
    pub fn with_today(store: Store, today: Date) -> App {
        App {
            store,
            today: Some(today),
            security: Security::default(),
            casts: Default::default(),
            answers: Default::default(),
            recent_sessions: Default::default(),
            audit_seal: None,
            files: None,
        }
    }

    /// The same app with other account and session settings (cheap hashing for tests, shorter
    /// sessions …).
    pub fn with_security(mut self, security: Security) -> App {
        self.security = security;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn recent_sessions(&self) -> &accounts::session::RecentSessions {
        &self.recent_sessions
    }

    /// Today in Vietnam, or the fixed day.
    pub fn today(&self) -> Date {
        self.today.unwrap_or_else(kiemdiem_store::date::today)
    }
}

/// A day written `dd/mm/yyyy` or `yyyy-mm-dd`, as people and programs send it.
pub fn parse_date(text: &str) -> Option<Date> {
    kiemdiem_store::date::parse_vn(text)
}

/// A day as Vietnamese documents write it (`dd/mm/yyyy`).
pub fn date_vi(day: Date) -> String {
    kiemdiem_store::date::format_vn(day)
}

/// Runs a use case's transaction again, up to five times in all, while it fails because the
/// database was busy or lost a serialisation race (`busy`): the whole transaction is redone.
pub(crate) async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt().await {
            Err(error) if error.error_code() == ErrorCode::Busy && tries < 5 => {
                tracing::debug!(tries, %error, "retrying a busy transaction");
                tokio::time::sleep(std::time::Duration::from_millis(10 << tries)).await;
            }
            other => return other,
        }
    }
}
