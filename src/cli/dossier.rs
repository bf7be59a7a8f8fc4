//! `kiemdiem dossier verify`: every file attached to a plan's dossiers read again from where the
//! server keeps them (its directory or S3 bucket) and compared with the SHA-256 recorded when it was attached (and kept in the audit
//! trail). Exit code 0 when every file is as attached, 1 otherwise.

use crate::cli::store::DatabaseArg;
use clap::{Args, Subcommand};
use kiemdiem_app::Actor;
use kiemdiem_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;
use uuid::Uuid;

#[derive(Debug, Subcommand)]
pub enum DossierCommand {
    /// Check every attached file of a plan against its recorded SHA-256.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub database: DatabaseArg,
    /// Where the server keeps the attached files (the same options as `serve`).
    #[command(flatten)]
    pub files: crate::cli::files::FilesArgs,
    /// The plan's id.
    #[arg(long)]
    pub plan: Uuid,
    /// Who runs the check.
    #[arg(long = "by", env = "KIEMDIEM_USER", default_value = "cli")]
    pub by: String,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(command: DossierCommand) -> ExitCode {
    let DossierCommand::Verify(args) = command;
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
        let files = args.files.store(PathBuf::from("kiemdiem-files"))?;
        let app = args.database.app(&store)?.with_file_store(files);
        let check = app
            .verify_dossier_files(&Actor::trusted(&args.by), args.plan)
            .await
            .map_err(|e| e.message().to_owned());
        store.close().await;
        check
    });
    match outcome {
        Ok(check) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&check).unwrap_or_default()
                );
            } else if check.problems.is_empty() {
                println!("{} tệp hồ sơ: không tệp nào bị thay đổi", check.checked);
            } else {
                for p in &check.problems {
                    println!(
                        "{} «{}» ({}): {}",
                        p.file.id,
                        p.file.file_name,
                        p.file.item,
                        if p.problem == "changed" {
                            "nội dung đã bị thay đổi (SHA-256 khác khi đính kèm)"
                        } else {
                            "không còn tệp"
                        }
                    );
                }
            }
            if check.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("Lỗi: {error}");
            ExitCode::FAILURE
        }
    }
}
