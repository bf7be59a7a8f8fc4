//! `kiemdiem audit verify` and `kiemdiem audit anchor`: the audit trail checked — chain,
//! seals, anchors, sealed records — and its head anchored outside the database. Exit code 0
//! when the trail is intact (or the anchor written), 1 otherwise.

use crate::cli::store::DatabaseArg;
use clap::{Args, Subcommand};
use kiemdiem_app::Actor;
use kiemdiem_app::audit::AuditReport;
use kiemdiem_store::Store;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit trail: the hash chain, each entry's seal (with the audit key), the chain
    /// against every anchor, and the content of the sealed records; report the first entry that
    /// differs.
    Verify(VerifyArgs),
    /// Write the chain's head, signed with the audit key, to the anchor file and print it (copy
    /// the line somewhere the database administrator cannot reach: minutes, another machine).
    Anchor(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub database: DatabaseArg,
    /// Who runs the check: recorded nowhere, but required like every use case's actor.
    #[arg(long = "by", env = "KIEMDIEM_USER", default_value = "cli")]
    pub by: String,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

enum Outcome {
    Report(Box<AuditReport>),
    Anchor(String),
}

pub fn run(command: AuditCommand) -> ExitCode {
    let (args, anchor) = match command {
        AuditCommand::Verify(args) => (args, false),
        AuditCommand::Anchor(args) => (args, true),
    };
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
        let app = args.database.app(&store)?;
        let actor = Actor::trusted(&args.by);
        let outcome = if anchor {
            app.write_anchor(&actor)
                .await
                .map(|a| Outcome::Anchor(a.line()))
        } else {
            app.verify_audit(&actor)
                .await
                .map(|r| Outcome::Report(Box::new(r)))
        };
        store.close().await;
        outcome.map_err(|e| e.to_string())
    });
    match outcome {
        Ok(Outcome::Anchor(line)) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Report(report)) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            }
            print_report(&report, args.json)
        }
        Err(error) => {
            eprintln!("Lỗi: {error}");
            ExitCode::FAILURE
        }
    }
}

fn print_report(report: &AuditReport, json: bool) -> ExitCode {
    let anchored = match &report.last_anchor {
        Some(anchor) => format!(
            "{} mốc neo, mốc cuối ở mục số {}",
            report.anchors, anchor.seq
        ),
        None => "chưa có mốc neo".to_string(),
    };
    let say = |line: String| {
        if json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    match &report.first_break {
        None => {
            say(format!(
                "Nhật ký kiểm tra nguyên vẹn: {} mục ({} mục có dấu niêm phong hợp lệ), {anchored}, {} hồ sơ niêm phong khớp nội dung; mã băm cuối {}",
                report.entries, report.sealed, report.records, report.last_hash
            ));
            ExitCode::SUCCESS
        }
        Some(broken) => {
            say(format!(
                "Nhật ký kiểm tra bị thay đổi từ mục số {}: {} ({} mục đầu hợp lệ)",
                broken.seq, broken.message, report.entries
            ));
            ExitCode::FAILURE
        }
    }
}
