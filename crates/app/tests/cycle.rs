//! The cycle's integration tests, one binary: every test runs on a temporary SQLite file and, when
//! `KIEMDIEM_TEST_PG` names a database, on PostgreSQL in a schema of its own (dropped after).

#[path = "cycle/support.rs"]
mod support;

#[path = "cycle/whole.rs"]
mod whole;

#[path = "cycle/secrecy.rs"]
mod secrecy;

#[path = "cycle/demo.rs"]
mod demo;

#[path = "cycle/merged.rs"]
mod merged;

#[path = "cycle/escalation.rs"]
mod escalation;

#[path = "cycle/quarterly.rs"]
mod quarterly;

#[path = "cycle/leaders.rs"]
mod leaders;

#[path = "cycle/plans.rs"]
mod plans;

#[path = "cycle/casting.rs"]
mod casting;

#[path = "cycle/pending.rs"]
mod pending;

#[path = "cycle/notice.rs"]
mod notice;

#[path = "cycle/discipline.rs"]
mod discipline;

#[path = "cycle/sitting.rs"]
mod sitting;

#[path = "cycle/defects.rs"]
mod defects;

#[path = "cycle/office.rs"]
mod office;

#[path = "cycle/frameworks.rs"]
mod frameworks;

#[path = "cycle/scoring.rs"]
mod scoring;

#[path = "cycle/inbox.rs"]
mod inbox;

#[path = "cycle/proof.rs"]
mod proof;

#[path = "cycle/backup.rs"]
mod backup;

#[path = "cycle/reports.rs"]
mod reports;

#[path = "cycle/after.rs"]
mod after;
#[path = "cycle/facts.rs"]
mod facts;
#[path = "cycle/rewards.rs"]
mod rewards;

#[path = "cycle/dossiers.rs"]
mod dossiers;
#[path = "cycle/kept.rs"]
mod kept;
