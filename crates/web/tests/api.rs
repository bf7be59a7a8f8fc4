//! The web crate's black-box tests: each starts the real server on `127.0.0.1:0` over a
//! throw-away database — a temporary SQLite file, and PostgreSQL too when `KIEMDIEM_TEST_PG`
//! names a server (one schema per test, dropped afterwards) — and talks HTTP to it. One binary,
//! so it links once.

#[path = "api/support.rs"]
mod support;

#[path = "api/readable.rs"]
mod readable;

#[path = "api/access.rs"]
mod access;
#[path = "api/accounts.rs"]
mod accounts;
#[path = "api/after.rs"]
mod after;
#[path = "api/cycle.rs"]
mod cycle;
#[path = "api/discipline.rs"]
mod discipline;
#[path = "api/edges.rs"]
mod edges;
#[path = "api/errors.rs"]
mod errors;
#[path = "api/facts.rs"]
mod facts;
#[path = "api/followups.rs"]
mod followups;
#[path = "api/members.rs"]
mod members;
#[path = "api/openapi.rs"]
mod openapi;
#[path = "api/orgs.rs"]
mod orgs;
#[path = "api/pages.rs"]
mod pages;
#[path = "api/records.rs"]
mod records;
#[path = "api/reports.rs"]
mod reports;
#[path = "api/rules.rs"]
mod rules;
#[path = "api/whole.rs"]
mod whole;
