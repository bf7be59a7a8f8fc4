//! `kiemdiem serve`: runs the HTTP server (the JSON API of `kiemdiem-web`) on a database,
//! optionally a fresh demo database, until Ctrl-C or SIGTERM; requests in flight are finished
//! before the process exits. Logs go to stderr (`RUST_LOG` filters them, default `info`).

use clap::Args;
use kiemdiem_app::App;
use kiemdiem_store::{DEFAULT_URL, Store};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// sqlite://đường/dẫn.db (created on first use) or postgres://… [default: sqlite://kiemdiem.db;
    /// with --demo: a temporary file removed on exit]
    #[arg(long = "database", env = "KIEMDIEM_DATABASE")]
    pub database: Option<String>,
    /// Start on a fresh database filled with the district-scale demo data (≈10 000 members) and
    /// the current year's plan running. An existing database must be empty.
    #[arg(long)]
    pub demo: bool,
}

pub fn run(args: ServeArgs) -> ExitCode {
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Lỗi: không khởi động được: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("Lỗi: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    // Keeps the temporary demo database alive until the server stops.
    let mut temporary = None;
    let url = match (&args.database, args.demo) {
        (Some(url), _) => url.clone(),
        (None, false) => DEFAULT_URL.to_string(),
        (None, true) => {
            let dir = tempfile::Builder::new()
                .prefix("kiemdiem-demo-")
                .tempdir()
                .map_err(|e| format!("không tạo được thư mục tạm: {e}"))?;
            let url = format!("sqlite://{}", dir.path().join("demo.db").display());
            temporary = Some(dir);
            url
        }
    };
    let store = Store::open(&url).await.map_err(|e| e.to_string())?;
    if args.demo {
        fill_demo(&store).await?;
    }
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| format!("không mở được cổng {}: {e}", args.bind))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("không đọc được địa chỉ đang nghe: {e}"))?;
    tracing::info!(%address, database = %url, "kiemdiem serving");
    eprintln!(
        "kiemdiem đang chạy tại http://{address} — API: /api/v1, tài liệu OpenAPI: /api/openapi.json. Nhấn Ctrl-C để dừng."
    );
    let state = kiemdiem_web::ApiState::new(App::new(store.clone()));
    kiemdiem_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| format!("máy chủ dừng vì lỗi: {e}"))?;
    store.close().await;
    eprintln!("Đã dừng máy chủ.");
    drop(temporary);
    Ok(())
}

/// Fills an empty database with the district-scale demo data and a running plan: the current
/// year's plan opened for the whole tree, one grassroots organisation part-way through the cycle.
async fn fill_demo(store: &Store) -> Result<(), String> {
    let started = Instant::now();
    eprintln!("Đang tạo dữ liệu mẫu cấp huyện và kế hoạch năm đang triển khai …");
    let today = kiemdiem_store::date::today();
    let demo = kiemdiem_app::demo::demo_cycle(store, today)
        .await
        .map_err(|e| e.message().to_string())?;
    eprintln!(
        "Đã tạo {} tổ chức, {} đảng viên; kế hoạch «{}» (mã {}) đang triển khai: {} bản kiểm điểm, {} đối tượng đã kiểm điểm, {} đã quyết định xếp loại ({:.1} giây).",
        demo.data.orgs,
        demo.data.members,
        demo.plan.title,
        demo.plan.id,
        demo.self_reviews,
        demo.reviewed,
        demo.decided,
        started.elapsed().as_secs_f64()
    );
    eprintln!(
        "Thử: curl -H 'X-Kiemdiem-User: demo' http://…/api/v1/plans/{}/progress",
        demo.plan.id
    );
    Ok(())
}

/// Completes on Ctrl-C, or on SIGTERM where there is one.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
