//! `kiemdiem audit verify`: recomputes the hash chain of the audit log and reports the first
//! broken entry. Exit code 0 when the chain is intact, 1 when it is broken or unreadable.

use crate::cli::store::DatabaseArg;
use clap::{Args, Subcommand};
use kiemdiem_app::{Actor, App};
use kiemdiem_store::Store;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain of the audit log and report the first broken entry.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub database: DatabaseArg,
    /// Who runs the check: recorded nowhere, but required like every use case's actor.
    #[arg(long = "by", env = "KIEMDIEM_USER", default_value = "cli")]
    pub by: String,
}

pub fn run(command: AuditCommand) -> ExitCode {
    let AuditCommand::Verify(args) = command;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Lỗi: không khởi động được: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        let store = Store::open(&args.database.url)
            .await
            .map_err(|e| e.to_string())?;
        let report = App::new(store.clone())
            .verify_audit(&Actor::trusted(&args.by))
            .await
            .map_err(|e| e.to_string())?;
        store.close().await;
        Ok::<_, String>(report)
    });
    match outcome {
        Ok(report) if report.is_intact() => {
            println!(
                "Nhật ký kiểm tra nguyên vẹn: {} mục, mã băm cuối {}",
                report.entries, report.last_hash
            );
            ExitCode::SUCCESS
        }
        Ok(report) => {
            let broken = report.first_break.expect("a broken report names its entry");
            println!(
                "Nhật ký kiểm tra bị thay đổi: {} ({} mục đầu hợp lệ)",
                broken.message, report.entries
            );
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("Lỗi: {error}");
            ExitCode::FAILURE
        }
    }
}
