//! `kiemdiem migrate`, `kiemdiem import …` and `kiemdiem demo …`: the command-line face of the
//! store (migrations) and of the app's record loading (imports and demo data, each with its audit
//! entry). Parses arguments, shows progress on a terminal, prints results in Vietnamese.

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kiemdiem_app::audit::AuditKey;
use kiemdiem_app::records::ImportKind;
use kiemdiem_app::{Actor, App};
use kiemdiem_store::demo::{DemoOptions, DemoScale};
use kiemdiem_store::import::{ImportOptions, ImportReport};
use kiemdiem_store::{DEFAULT_URL, Store};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The database every store command works on.
#[derive(Debug, Args)]
pub struct DatabaseArg {
    /// sqlite://đường/dẫn.db (created on first use) or postgres://…
    #[arg(long = "database", env = "KIEMDIEM_DATABASE", default_value = DEFAULT_URL)]
    pub url: String,
    #[command(flatten)]
    pub audit: AuditArgs,
}

impl DatabaseArg {
    /// The app over `store`, sealing its audit entries with the installation's key.
    pub fn app(&self, store: &Store) -> Result<App, String> {
        self.audit.app(store, &self.url)
    }
}

/// Where the audit trail's key and anchors live: outside the database (docs/audit.md).
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// The audit key file, created at first run with owner-only permissions [default:
    /// $XDG_CONFIG_HOME/kiemdiem/audit.key]. KIEMDIEM_AUDIT_KEY (64 hex digits) gives the key
    /// itself instead.
    #[arg(long = "audit-key-file", env = "KIEMDIEM_AUDIT_KEY_FILE")]
    pub key_file: Option<PathBuf>,
    /// The append-only anchor file of this database [default:
    /// $XDG_STATE_HOME/kiemdiem/anchors-<database>.log].
    #[arg(long = "anchor-file", env = "KIEMDIEM_AUDIT_ANCHORS")]
    pub anchor_file: Option<PathBuf>,
}

impl AuditArgs {
    /// The app over `store` with the key (read, or created at first run) and the anchor file.
    pub fn app(&self, store: &Store, url: &str) -> Result<App, String> {
        let seal = self.seal(url)?;
        Ok(App::new(store.clone()).with_audit_seal(seal))
    }

    pub fn seal(&self, url: &str) -> Result<kiemdiem_app::audit::AuditSeal, String> {
        let key = match std::env::var("KIEMDIEM_AUDIT_KEY") {
            Ok(hex) if !hex.trim().is_empty() => {
                AuditKey::from_hex(&hex).map_err(|e| e.to_string())?
            }
            _ => {
                let path = match &self.key_file {
                    Some(path) => path.clone(),
                    None => home_dir("XDG_CONFIG_HOME", ".config")?.join("audit.key"),
                };
                let (key, created) = AuditKey::load_or_create(&path).map_err(|e| e.to_string())?;
                if created {
                    eprintln!(
                        "Đã tạo khoá nhật ký kiểm tra tại {} (chỉ chủ sở hữu đọc được). Hãy sao lưu tệp này ở nơi khác cơ sở dữ liệu: thiếu nó, không kiểm chứng được dấu niêm phong.",
                        path.display()
                    );
                }
                key
            }
        };
        let anchors = match &self.anchor_file {
            Some(path) => path.clone(),
            None => home_dir("XDG_STATE_HOME", ".local/state")?.join(format!(
                "anchors-{}.log",
                &kiemdiem_app::audit::content_hash(&kiemdiem_store::redact_url(url))[..12]
            )),
        };
        Ok(kiemdiem_app::audit::AuditSeal {
            key,
            anchors: Some(anchors),
        })
    }
}

/// `$<variable>/kiemdiem`, or `$HOME/<fallback>/kiemdiem`.
fn home_dir(variable: &str, fallback: &str) -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os(variable).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("kiemdiem"));
    }
    std::env::var_os("HOME")
        .filter(|d| !d.is_empty())
        .map(|home| PathBuf::from(home).join(fallback).join("kiemdiem"))
        .ok_or_else(|| {
            format!(
                "không biết đặt khoá và mốc neo nhật ký ở đâu (không có ${variable} hay $HOME): hãy dùng --audit-key-file và --anchor-file"
            )
        })
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub database: DatabaseArg,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import the organisation tree (see docs/import.md).
    Orgs(ImportArgs),
    /// Import party members (see docs/import.md).
    Members(ImportArgs),
    /// Import members' discipline decisions (see docs/import.md).
    Disciplines(ImportArgs),
    /// Import the leadership collectives attached to the organisations (see docs/import.md).
    Collectives(ImportArgs),
    /// Import leaders outside the party, by the office's code (see docs/import.md).
    Leaders(ImportArgs),
    /// Import posts with their dates: members' and leaders' in organisations and collectives.
    Posts(ImportArgs),
    /// Import members' statuses (miễn sinh hoạt, đình chỉ …) with their dates.
    Statuses(ImportArgs),
    /// Import members' sick and maternity leave with their dates.
    Leave(ImportArgs),
    /// Import members' temporary activity in another branch (sinh hoạt tạm thời).
    Temporary(ImportArgs),
    /// Import members' civil-service ratings of a year (xếp loại công chức, viên chức).
    Ratings(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The .xlsx or .csv file.
    pub file: PathBuf,
    #[command(flatten)]
    pub database: DatabaseArg,
    /// Import the valid rows and write the rejected ones, with reasons, to a CSV file.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Where rejected rows go (default: <file>.loi.csv beside the input).
    #[arg(long, requires = "skip_invalid")]
    pub rejected: Option<PathBuf>,
    /// The day changes to existing records take effect, dd/mm/yyyy (default: today).
    #[arg(long)]
    pub effective: Option<String>,
    /// Who imports: recorded on every change.
    #[arg(long = "by", env = "KIEMDIEM_USER", default_value = "cli")]
    pub changed_by: String,
    /// Members: a row that puts a known member under another branch is a transfer (chuyển sinh
    /// hoạt) from the effective day; refused, naming the row, unless this is given.
    #[arg(long)]
    pub allow_transfers: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// district (≈10 000 members), province (≈100 000) or national (≈5.6 million).
    #[arg(long, default_value = "district", value_parser = ["district", "province", "national"])]
    pub scale: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The day the data describes, dd/mm/yyyy (default: today).
    #[arg(long)]
    pub today: Option<String>,
    /// Also open this year's plan for the whole tree and play the cycle in a grassroots
    /// organisation's first branch (self-reviews, meeting, secret ballot, decisions): a plan
    /// with decisions for the reports and documents.
    #[arg(long)]
    pub cycle: bool,
    #[command(flatten)]
    pub database: DatabaseArg,
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("không khởi động được: {e}"))
}

fn finish(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("Lỗi: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_day(text: Option<&str>, what: &str) -> Result<time::Date, String> {
    match text {
        None => Ok(kiemdiem_store::date::today()),
        Some(text) => kiemdiem_store::date::parse_vn(text)
            .ok_or_else(|| format!("{what} «{text}» không hợp lệ: hãy ghi dd/mm/yyyy")),
    }
}

/// A bar on a terminal's stderr; hidden when stderr is not a terminal.
fn progress_bar(message: impl Into<std::borrow::Cow<'static, str>>) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}

pub fn migrate(args: MigrateArgs) -> ExitCode {
    finish(runtime().and_then(|rt| {
        rt.block_on(async {
            let store = Store::connect(&args.database.url)
                .await
                .map_err(|e| e.to_string())?;
            let applied = store.migrate().await.map_err(|e| e.to_string())?;
            store.close().await;
            println!(
                "Đã áp dụng {applied} bước cập nhật lược đồ cho {}",
                args.database.url
            );
            Ok(())
        })
    }))
}

pub fn import(command: ImportCommand) -> ExitCode {
    let (args, kind) = match command {
        ImportCommand::Orgs(args) => (args, ImportKind::Orgs),
        ImportCommand::Members(args) => (args, ImportKind::Members),
        ImportCommand::Disciplines(args) => (args, ImportKind::Disciplines),
        ImportCommand::Collectives(args) => (args, ImportKind::Collectives),
        ImportCommand::Leaders(args) => (args, ImportKind::Leaders),
        ImportCommand::Posts(args) => (args, ImportKind::Posts),
        ImportCommand::Statuses(args) => (args, ImportKind::Statuses),
        ImportCommand::Leave(args) => (args, ImportKind::Leave),
        ImportCommand::Temporary(args) => (args, ImportKind::Temporary),
        ImportCommand::Ratings(args) => (args, ImportKind::Ratings),
    };
    let label = format!("Nhập {}", kind.name_vi());
    finish(runtime().and_then(|rt| {
        rt.block_on(async {
            let mut options = ImportOptions::new(args.changed_by.clone());
            options.effective = parse_day(args.effective.as_deref(), "ngày hiệu lực")?;
            options.skip_invalid = args.skip_invalid;
            options.rejected_path = args.rejected.clone();
            options.allow_transfers = args.allow_transfers;
            let store = Store::open(&args.database.url).await.map_err(|e| e.to_string())?;
            let bar = progress_bar(label);
            let started = Instant::now();
            let result = args
                .database
                .app(&store)?
                .import_file(
                    &Actor::trusted(args.changed_by.clone()),
                    kind,
                    &args.file,
                    &options,
                    &bar,
                )
                .await;
            bar.finish_and_clear();
            store.close().await;
            match result.map_err(|e| e.to_string())? {
                Ok(report) => {
                    print_report(&report, started.elapsed().as_secs_f64());
                    Ok(())
                }
                Err(problems) => {
                    for problem in &problems {
                        eprintln!("{problem}");
                    }
                    Err(format!(
                        "tệp có {} lỗi; chưa nhập dữ liệu nào. Hãy sửa rồi nhập lại, hoặc dùng --skip-invalid để nhập các dòng hợp lệ",
                        problems.len()
                    ))
                }
            }
        })
    }))
}

fn print_report(report: &ImportReport, seconds: f64) {
    let transfers = if report.transfers > 0 {
        format!(" (chuyển sinh hoạt: {})", report.transfers)
    } else {
        String::new()
    };
    println!(
        "Đã đọc {} dòng trong {seconds:.1} giây: thêm mới {}, cập nhật {}{transfers}, không đổi {}, bị loại {}.",
        report.rows, report.created, report.updated, report.unchanged, report.rejected
    );
    if let Some(path) = &report.rejected_file {
        for problem in &report.problems {
            eprintln!("{problem}");
        }
        println!("Các dòng bị loại và lý do đã ghi vào {}", path.display());
    }
}

pub fn demo(args: DemoArgs) -> ExitCode {
    finish(runtime().and_then(|rt| {
        rt.block_on(async {
            let scale = DemoScale::parse(&args.scale)
                .ok_or_else(|| format!("quy mô «{}» không hợp lệ", args.scale))?;
            let options = DemoOptions {
                scale,
                seed: args.seed,
                today: parse_day(args.today.as_deref(), "ngày")?,
            };
            let store = Store::open(&args.database.url).await.map_err(|e| e.to_string())?;
            if args.cycle {
                let started = Instant::now();
                let cycle = kiemdiem_app::demo::demo_cycle_at(&store, options.today, scale)
                    .await
                    .map_err(|e| e.to_string());
                store.close().await;
                let cycle = cycle?;
                println!(
                    "Đã tạo trong {:.1} giây: {} tổ chức, {} đảng viên; kế hoạch «{}» (mã kế hoạch {}); {} bản kiểm điểm, {} đối tượng đã kiểm điểm, {} đã quyết định xếp loại.",
                    started.elapsed().as_secs_f64(),
                    cycle.data.orgs,
                    cycle.data.members,
                    cycle.plan.title,
                    cycle.plan.id,
                    cycle.self_reviews,
                    cycle.reviewed,
                    cycle.decided
                );
                return Ok(());
            }
            let bar = progress_bar("Tạo dữ liệu mẫu");
            let started = Instant::now();
            let result = args
                .database
                .app(&store)?
                .generate_demo(&Actor::system("demo"), &options, &|done, expected| {
                    bar.set_length(expected.max(done));
                    bar.set_position(done);
                })
                .await;
            bar.finish_and_clear();
            let size = store.size_bytes().await.unwrap_or_default();
            store.close().await;
            let summary = result.map_err(|e| e.to_string())?;
            println!(
                "Đã tạo trong {:.1} giây: {} tổ chức ({} tổ chức cơ sở đảng, {} chi bộ), {} đảng viên, {} chức vụ, {} tập thể lãnh đạo, {} cán bộ ngoài Đảng, {} trạng thái, {} lần nghỉ, {} lần chuyển sinh hoạt, {} kỷ luật. Cơ sở dữ liệu: {:.1} MB.",
                started.elapsed().as_secs_f64(),
                summary.orgs,
                summary.grassroots,
                summary.branches,
                summary.members,
                summary.positions,
                summary.collectives,
                summary.non_member_leaders,
                summary.statuses,
                summary.leaves,
                summary.transfers,
                summary.disciplines,
                size as f64 / 1e6
            );
            Ok(())
        })
    }))
}
