//! `kiemdiem backup` and `kiemdiem restore`: a consistent copy of the whole database taken
//! while it serves, and its restoration into a fresh database followed by a check of the audit
//! trail (docs/backup.md). Parsing and printing only; the copying is `kiemdiem_store::backup`.

use crate::cli::store::DatabaseArg;
use clap::Args;
use kiemdiem_app::Actor;
use kiemdiem_store::Store;
use kiemdiem_store::backup::{BackupSummary, restore};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub database: DatabaseArg,
    /// The backup file to write (must not exist): a SQLite database file, or for PostgreSQL a
    /// logical export.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub database: DatabaseArg,
    /// The backup file written by `kiemdiem backup`.
    #[arg(long = "from")]
    pub from: PathBuf,
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("không khởi động được: {e}"))
}

fn rows(summary: &BackupSummary) -> u64 {
    summary.tables.values().sum()
}

pub fn backup(args: BackupArgs) -> ExitCode {
    let outcome = runtime().and_then(|rt| {
        rt.block_on(async {
            let store = Store::open(&args.database.url)
                .await
                .map_err(|e| e.to_string())?;
            let summary = store.backup_to(&args.out).await.map_err(|e| e.to_string());
            store.close().await;
            summary
        })
    });
    match outcome {
        Ok(summary) => {
            println!(
                "Đã sao lưu {} bảng, {} dòng vào {} ({}, {:.1} MB).",
                summary.tables.len(),
                rows(&summary),
                args.out.display(),
                summary.format,
                summary.bytes as f64 / 1_048_576.0
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("Lỗi: {error}");
            ExitCode::FAILURE
        }
    }
}

pub fn restore_command(args: RestoreArgs) -> ExitCode {
    let outcome = runtime().and_then(|rt| {
        rt.block_on(async {
            let (store, summary) = restore(&args.from, &args.database.url)
                .await
                .map_err(|e| e.to_string())?;
            let report = args
                .database
                .app(&store)?
                .verify_audit(&Actor::trusted("restore"))
                .await
                .map_err(|e| e.to_string());
            store.close().await;
            Ok::<_, String>((summary, report?))
        })
    });
    match outcome {
        Ok((summary, report)) => {
            println!(
                "Đã phục hồi {} bảng, {} dòng từ {}.",
                summary.tables.len(),
                rows(&summary),
                args.from.display()
            );
            match report.first_break {
                None => {
                    println!(
                        "Nhật ký kiểm tra nguyên vẹn sau phục hồi: {} mục, {} hồ sơ niêm phong khớp nội dung.",
                        report.entries, report.records
                    );
                    ExitCode::SUCCESS
                }
                Some(broken) => {
                    println!(
                        "Cảnh báo: nhật ký kiểm tra của bản phục hồi bị thay đổi từ mục số {}: {}",
                        broken.seq, broken.message
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Err(error) => {
            eprintln!("Lỗi: {error}");
            ExitCode::FAILURE
        }
    }
}
