//! The store's conformance suite: every test runs once on a temporary SQLite file and once on
//! PostgreSQL when `KIEMDIEM_TEST_PG` names a database (each test in its own schema, dropped
//! afterwards). One binary, so it links once.

#[path = "conformance/support.rs"]
mod support;

#[path = "conformance/org_tree.rs"]
mod org_tree;

#[path = "conformance/people.rs"]
mod people;

#[path = "conformance/import.rs"]
mod import;

#[path = "conformance/demo.rs"]
mod demo;

#[path = "conformance/cycle.rs"]
mod cycle;

#[path = "conformance/office.rs"]
mod office;

#[path = "conformance/errors.rs"]
mod errors;

#[path = "conformance/schema.rs"]
mod schema;
