//! The `kiemdiem` command line: parses arguments and calls into the library crates.
//!
//! Each command group lives in its own module under `cli/`; this file only declares the tree of
//! commands. No rule, query or HTTP handler lives here.

pub mod cli;

use clap::{Parser, Subcommand};

/// Kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên.
#[derive(Debug, Parser)]
#[command(name = "kiemdiem", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect the rule sets and check a case against them (pure, no database).
    #[command(subcommand)]
    Rules(cli::rules::RulesCommand),
    /// Apply the database schema migrations (also done at the start of every store command).
    Migrate(cli::store::MigrateArgs),
    /// Import the office's files (organisations, members, collectives, posts, statuses …) from
    /// .xlsx or .csv.
    #[command(subcommand)]
    Import(cli::store::ImportCommand),
    /// Merge, split or move organisations of the tree.
    #[command(subcommand)]
    Org(cli::org::OrgCommand),
    /// Fill an empty database with generated, realistic demo data.
    Demo(cli::store::DemoArgs),
    /// Run the HTTP server: the JSON API under /api/v1, its OpenAPI document at /api/openapi.json.
    Serve(cli::serve::ServeArgs),
    /// Check the audit trail (chain, seals, anchors, sealed records) or anchor its head.
    #[command(subcommand)]
    Audit(cli::audit::AuditCommand),
    /// Check the files attached to a plan's dossiers against their recorded SHA-256.
    #[command(subcommand)]
    Dossier(cli::dossier::DossierCommand),
    /// Write a consistent copy of the whole database while it serves.
    Backup(cli::backup::BackupArgs),
    /// Restore a backup into a fresh database and verify its audit trail.
    Restore(cli::backup::RestoreArgs),
    /// Manage accounts: add, list, grant and revoke roles, reset passwords, API tokens.
    #[command(subcommand)]
    User(cli::user::UserCommand),
    /// Summary reports (biểu tổng hợp), progress and quota of an organisation and year, as
    /// .xlsx, .docx, .pdf or JSON.
    #[command(subcommand)]
    Report(cli::report::ReportCommand),
    /// A document of the cycle (self-review form, score sheet, minutes, ballot papers, decisions
    /// …) as .pdf, .docx, .xlsx or JSON.
    Document(cli::report::DocumentArgs),
}

/// Runs a parsed command line; the process exit code is the returned value.
pub fn run(cli: Cli) -> std::process::ExitCode {
    match cli.command {
        Command::Rules(command) => cli::rules::run(command),
        Command::Migrate(args) => cli::store::migrate(args),
        Command::Import(command) => cli::store::import(command),
        Command::Org(command) => cli::org::run(command),
        Command::Demo(args) => cli::store::demo(args),
        Command::Serve(args) => cli::serve::run(args),
        Command::Audit(command) => cli::audit::run(command),
        Command::Dossier(command) => cli::dossier::run(command),
        Command::Backup(args) => cli::backup::backup(args),
        Command::Restore(args) => cli::backup::restore_command(args),
        Command::User(command) => cli::user::run(command),
        Command::Report(command) => cli::report::report(command),
        Command::Document(args) => cli::report::document(args),
    }
}
