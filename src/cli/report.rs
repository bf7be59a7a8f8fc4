//! `kiemdiem report summary|progress|quota` and `kiemdiem document KIND`: the summary reports
//! and the documents of the cycle as files (Excel, Word, PDF) or JSON. Parses arguments, calls
//! the app's use case, hands the document to the `export` or `pdf` crate, writes the file.

use clap::{Args, Subcommand, ValueEnum};
use kiemdiem_app::paper::{Paper, PaperKind, PaperTarget};
use kiemdiem_app::{Actor, App};
use kiemdiem_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;
use uuid::Uuid;

use super::store::DatabaseArg;

/// The file written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Xlsx,
    Docx,
    Pdf,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Biểu tổng hợp: levels per kind of subject, by child organisation, excluded and pending
    /// with reasons, KHTNV, quota, the previous year, cross-checked totals.
    Summary(ReportArgs),
    /// Tiến độ: done, pending and late per step; who is not yet reviewed or rated, and why.
    Progress(ReportArgs),
    /// Tỷ lệ khống chế: every comparable group's HTXSNV against its quota, breaches named.
    Quota(ReportArgs),
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The organisation's code.
    #[arg(long)]
    pub org: String,
    #[arg(long)]
    pub year: i32,
    #[arg(long, value_enum, default_value = "xlsx")]
    pub format: Format,
    #[arg(long)]
    pub out: PathBuf,
    /// The day the report is made, dd/mm/yyyy (default: today): lateness is judged against it.
    #[arg(long)]
    pub today: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArg,
}

#[derive(Debug, Args)]
pub struct DocumentArgs {
    /// summary, quota, progress, not-rated, self-review, score-sheet, minutes, ballot-paper,
    /// ballot-count, proposal-table, member-decision, org-decision, reclassification, dossier.
    pub kind: String,
    /// The subject's id (self-review, score-sheet, reclassification).
    #[arg(long, conflicts_with_all = ["meeting", "org"])]
    pub subject: Option<Uuid>,
    /// The meeting's id (minutes, ballot-paper, ballot-count).
    #[arg(long, conflicts_with = "org")]
    pub meeting: Option<Uuid>,
    /// The organisation's code (reports, proposal table, decisions), with --year.
    #[arg(long, requires = "year")]
    pub org: Option<String>,
    #[arg(long)]
    pub year: Option<i32>,
    #[arg(long, value_enum, default_value = "pdf")]
    pub format: Format,
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub today: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArg,
}

/// The bytes of a document in a file format.
pub fn render(paper: &Paper, format: Format) -> Result<Vec<u8>, String> {
    match format {
        Format::Xlsx => kiemdiem_export::xlsx(paper).map_err(|e| e.to_string()),
        Format::Docx => kiemdiem_export::docx(paper).map_err(|e| e.to_string()),
        Format::Pdf => kiemdiem_pdf::pdf(paper).map_err(|e| e.to_string()),
        Format::Json => serde_json::to_vec_pretty(paper).map_err(|e| e.to_string()),
    }
}

async fn app_at(database: &DatabaseArg, today: Option<&str>) -> Result<App, String> {
    let store = Store::open(&database.url)
        .await
        .map_err(|e| e.to_string())?;
    Ok(match today {
        None => App::new(store),
        Some(text) => App::with_today(
            store,
            kiemdiem_app::parse_date(text)
                .ok_or_else(|| format!("ngày «{text}» không hợp lệ: hãy ghi dd/mm/yyyy"))?,
        ),
    })
}

fn finish(result: Result<PathBuf, String>) -> ExitCode {
    match result {
        Ok(path) => {
            println!("Đã ghi {}", path.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("Lỗi: {message}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("không khởi động được: {e}"))
}

pub fn report(command: ReportCommand) -> ExitCode {
    let (kind, args) = match command {
        ReportCommand::Summary(args) => (PaperKind::Summary, args),
        ReportCommand::Progress(args) => (PaperKind::Progress, args),
        ReportCommand::Quota(args) => (PaperKind::Quota, args),
    };
    finish(runtime().and_then(|rt| {
        rt.block_on(async {
            let app = app_at(&args.database, args.today.as_deref()).await?;
            let actor = Actor::system("cli");
            let org = app
                .org_id(&actor, &args.org, None, "org")
                .await
                .map_err(|e| e.to_string())?;
            let bytes = if args.format == Format::Json {
                let value = match kind {
                    PaperKind::Summary => serde_json::to_vec_pretty(
                        &app.report_summary(&actor, org, args.year)
                            .await
                            .map_err(|e| e.to_string())?,
                    ),
                    PaperKind::Quota => serde_json::to_vec_pretty(
                        &app.report_quota(&actor, org, args.year)
                            .await
                            .map_err(|e| e.to_string())?,
                    ),
                    _ => serde_json::to_vec_pretty(
                        &app.report_progress(&actor, org, args.year)
                            .await
                            .map_err(|e| e.to_string())?,
                    ),
                };
                value.map_err(|e| e.to_string())?
            } else {
                let paper = app
                    .paper(
                        &actor,
                        kind,
                        PaperTarget::Org {
                            org,
                            year: args.year,
                        },
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                render(&paper, args.format)?
            };
            app.store().close().await;
            std::fs::write(&args.out, bytes).map_err(|e| format!("{}: {e}", args.out.display()))?;
            Ok(args.out)
        })
    }))
}

pub fn document(args: DocumentArgs) -> ExitCode {
    finish(runtime().and_then(|rt| {
        rt.block_on(async {
            let kind = PaperKind::parse(&args.kind).ok_or_else(|| {
                format!(
                    "loại văn bản «{}» không có; các loại: {}",
                    args.kind,
                    PaperKind::ALL.map(|k| k.code()).join(", ")
                )
            })?;
            let app = app_at(&args.database, args.today.as_deref()).await?;
            let actor = Actor::system("cli");
            let target = match (args.subject, args.meeting, &args.org, args.year) {
                (Some(subject), _, _, _) => PaperTarget::Subject(subject),
                (_, Some(meeting), _, _) => PaperTarget::Meeting(meeting),
                (_, _, Some(code), Some(year)) => PaperTarget::Org {
                    org: app
                        .org_id(&actor, code, None, "org")
                        .await
                        .map_err(|e| e.to_string())?,
                    year,
                },
                _ => return Err("hãy ghi --subject, --meeting hoặc --org với --year".to_owned()),
            };
            let paper = app
                .paper(&actor, kind, target)
                .await
                .map_err(|e| e.to_string())?;
            app.store().close().await;
            let bytes = render(&paper, args.format)?;
            std::fs::write(&args.out, bytes).map_err(|e| format!("{}: {e}", args.out.display()))?;
            Ok(args.out)
        })
    }))
}
