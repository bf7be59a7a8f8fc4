//! `kiemdiem serve`: runs the HTTP server (the JSON API of `kiemdiem-web`) on a database,
//! optionally a fresh demo database, until Ctrl-C or SIGTERM; requests in flight are finished
//! before the process exits. Logs go to stderr (`RUST_LOG` filters them, default `info`).
//!
//! On a database without any account it first creates the administrator `quantri` and prints
//! a one-time password, once. With `--demo` it creates one account per role instead and prints
//! them (demo mode only). `--dev-headers` is for development only and says so loudly.

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
    /// Start on a fresh database filled with the district-scale demo data (≈10 000 members), the
    /// current year's plan running, and one account per role (printed at start). An existing
    /// database must be empty.
    #[arg(long)]
    pub demo: bool,
    /// The password of every demo account [default: generated and printed].
    #[arg(long, env = "KIEMDIEM_DEMO_PASSWORD", requires = "demo")]
    pub demo_password: Option<String>,
    /// DEVELOPMENT ONLY: trust the X-Kiemdiem-User / X-Kiemdiem-Member headers as the acting user,
    /// with every power. Never on a server anyone else can reach.
    #[arg(long)]
    pub dev_headers: bool,
    /// Send the session cookie without `Secure` (plain HTTP other than localhost).
    #[arg(long)]
    pub insecure_cookies: bool,
    /// Send Strict-Transport-Security (the server is reached over HTTPS).
    #[arg(long)]
    pub hsts: bool,
    /// Allow pages of this origin to call the API (repeatable; none by default).
    #[arg(long = "cors-origin")]
    pub cors_origins: Vec<String>,
    /// The longest a request may run, in seconds.
    #[arg(long, default_value_t = 300)]
    pub request_timeout: u64,
    /// The most connections open at once [default: three quarters of the open-file limit].
    #[arg(long)]
    pub max_connections: Option<usize>,
    /// Seconds a connection may take to send a request's head (new, or idle between requests)
    /// before it is closed.
    #[arg(long, default_value_t = 15)]
    pub header_read_timeout: u64,
    /// The SMTP relay notifications are e-mailed through (smtp://host[:port]); without it they
    /// reach the accounts' inboxes only.
    #[arg(long, env = "KIEMDIEM_SMTP", requires = "mail_from")]
    pub smtp: Option<String>,
    /// The sender's address of those e-mails.
    #[arg(long, env = "KIEMDIEM_MAIL_FROM")]
    pub mail_from: Option<String>,
    #[command(flatten)]
    pub audit: crate::cli::store::AuditArgs,
    /// Minutes between anchors of the audit trail's head (written only when it moved; every
    /// publication is anchored too).
    #[arg(long, default_value_t = 10)]
    pub anchor_every: u64,
    #[command(flatten)]
    pub files: crate::cli::files::FilesArgs,
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
    // A temporary demo database keeps its anchors beside it unless told otherwise.
    let mut audit = args.audit.clone();
    if let (Some(dir), None) = (&temporary, &audit.anchor_file) {
        audit.anchor_file = Some(dir.path().join("anchors.log"));
    }
    let files = args.files.store(match &temporary {
        Some(dir) => dir.path().join("files"),
        None => std::path::PathBuf::from("kiemdiem-files"),
    })?;
    // A bucket that cannot be reached is said at start, not at the first upload (a directory
    // is created at the first upload).
    if let kiemdiem_app::files::FileStore::S3(s3) = &files {
        s3.check()
            .await
            .map_err(|e| format!("nơi lưu tệp hồ sơ: {}", e.message()))?;
    }
    tracing::info!(files = %files.describe(), "dossier files");
    let app = audit.app(&store, &url)?.with_file_store(files);
    let mut demo = None;
    if args.demo {
        // The app's store carries the audit key: the demo's entries are sealed too.
        demo = Some(fill_demo(app.store(), &app, args.demo_password.clone()).await?);
    } else if let Some((login, password)) =
        app.bootstrap_admin().await.map_err(|e| e.to_string())?
    {
        eprintln!(
            "Cơ sở dữ liệu chưa có tài khoản nào: đã tạo tài khoản quản trị «{login}» với mật khẩu dùng một lần\n\n    {password}\n\nMật khẩu chỉ hiện lần này; hãy đăng nhập và đổi ngay (hoặc dùng «kiemdiem user reset-password {login}»)."
        );
    }
    if args.dev_headers {
        tracing::warn!("development mode: X-Kiemdiem-User is trusted with every power");
        eprintln!(
            "CẢNH BÁO: chế độ phát triển (--dev-headers): bất kỳ ai gửi tiêu đề X-Kiemdiem-User đều được toàn quyền, kể cả bỏ phiếu thay đảng viên. Không bao giờ dùng khi người khác truy cập được máy chủ."
        );
    }
    let config = kiemdiem_web::WebConfig {
        dev_headers: args.dev_headers,
        secure_cookies: !args.insecure_cookies,
        hsts: args.hsts,
        cors_origins: args.cors_origins.clone(),
        request_timeout: std::time::Duration::from_secs(args.request_timeout.max(1)),
        demo,
        header_read_timeout: std::time::Duration::from_secs(args.header_read_timeout.max(1)),
        ..kiemdiem_web::WebConfig::default()
    };
    let config = kiemdiem_web::WebConfig {
        max_connections: args.max_connections.unwrap_or(config.max_connections),
        ..config
    };
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| format!("không mở được cổng {}: {e}", args.bind))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("không đọc được địa chỉ đang nghe: {e}"))?;
    tracing::info!(%address, database = %kiemdiem_store::redact_url(&url), "kiemdiem serving");
    eprintln!(
        "kiemdiem đang chạy tại http://{address} — API: /api/v1, tài liệu OpenAPI: /api/openapi.json. Nhấn Ctrl-C để dừng."
    );
    if let (Some(relay), Some(from)) = (&args.smtp, &args.mail_from) {
        let smtp = kiemdiem_app::mail::SmtpConfig::parse(relay, from)?;
        eprintln!("Thông báo được gửi thư điện tử qua {}.", smtp.relay);
        tokio::spawn(send_mail_forever(app.clone(), smtp));
    }
    tokio::spawn(anchor_forever(
        app.clone(),
        std::time::Duration::from_secs(args.anchor_every.max(1) * 60),
    ));
    let state = kiemdiem_web::ApiState::with_config(app, config);
    kiemdiem_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| format!("máy chủ dừng vì lỗi: {e}"))?;
    store.close().await;
    eprintln!("Đã dừng máy chủ.");
    drop(temporary);
    Ok(())
}

/// Sends the notifications' e-mails waiting, every few seconds, for as long as the server runs;
/// a failure is logged and tried again on the next round.
async fn send_mail_forever(app: App, smtp: kiemdiem_app::mail::SmtpConfig) {
    loop {
        match app.send_pending_mail(&smtp, 100).await {
            Ok(round) if round.sent + round.retried + round.failed > 0 => {
                tracing::info!(
                    sent = round.sent,
                    retried = round.retried,
                    failed = round.failed,
                    "notification e-mails"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "sending notification e-mails"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
}

/// Fills an empty database with the district-scale demo data and a running plan: the current
/// year's plan opened for the whole tree, one grassroots organisation part-way through the cycle;
/// then one account per role, printed with their shared password.
async fn fill_demo(
    store: &Store,
    app: &App,
    password: Option<String>,
) -> Result<kiemdiem_web::DemoListing, String> {
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
    let password = password.unwrap_or_else(kiemdiem_app::accounts::secret::one_time_password);
    let accounts = kiemdiem_app::demo::demo_accounts(app, &demo, &password)
        .await
        .map_err(|e| e.message().to_string())?;
    eprintln!("\nTài khoản dùng thử (chỉ ở chế độ --demo), mật khẩu chung: {password}");
    for account in &accounts {
        eprintln!(
            "  {:<10} {} — {}{}",
            account.login,
            account.role,
            account.place,
            account
                .member
                .as_ref()
                .map(|m| format!(" (đảng viên {m})"))
                .unwrap_or_default()
        );
    }
    eprintln!(
        "Mở trình duyệt tại địa chỉ máy chủ để đăng nhập (trang đăng nhập liệt kê các tài khoản này), hoặc: curl -c phien.txt -H 'Content-Type: application/json' -d '{{\"login\":\"bantochuc\",\"password\":\"{password}\"}}' http://…/api/v1/session"
    );
    Ok(kiemdiem_web::DemoListing {
        password,
        accounts: accounts
            .into_iter()
            .map(|a| (a.login, a.role.to_string(), a.place, a.member))
            .collect(),
    })
}

/// The database URL with any password replaced (for logs).
/// Anchors the audit trail's head every `period` when it moved.
async fn anchor_forever(app: App, period: std::time::Duration) {
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match app.anchor_if_moved().await {
            Ok(Some(anchor)) => tracing::info!(seq = anchor.seq, "audit trail anchored"),
            Ok(None) => {}
            Err(error) => tracing::error!(%error, "the audit anchor was not written"),
        }
    }
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
