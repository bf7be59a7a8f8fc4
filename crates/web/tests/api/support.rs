//! `spawn_app`: the server on a free port over a fresh database, a client that sends the
//! acting user, and the small organisation tree most tests read.

use kiemdiem_app::App;
use kiemdiem_rules::{OrgKind, PositionKind, StatusKind};
use kiemdiem_store::Store;
use kiemdiem_store::leadership::{Holder, NewPosition};
use kiemdiem_store::org::NewOrg;
use kiemdiem_store::people::{MemberDetails, NewMember};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;
use std::net::SocketAddr;
use time::Date;
use tokio::sync::oneshot;
use uuid::Uuid;

/// The user every helper acts as.
pub const USER: &str = "bithu.xa";

/// A running server and what it needs to be torn down.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub store: Store,
    /// The database's URL (a SQLite file, or a PostgreSQL schema of its own).
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// The throw-away database (`kiemdiem-testdb`), removed by [`TestApp::finish`].
    place: Option<TestUrl>,
    /// Where the server keeps attached dossier files.
    pub files: tempfile::TempDir,
}

pub use kiemdiem_testdb::Backend;
use kiemdiem_testdb::TestUrl;

impl TestApp {
    /// `None` for PostgreSQL when `KIEMDIEM_TEST_PG` is not set.
    pub async fn spawn(backend: Backend, today: Date) -> Option<TestApp> {
        let place = TestUrl::new(backend).await?;
        let url = place.url.clone();
        let store = Store::open(&url).await.expect("open the test database");
        let files = tempfile::tempdir().expect("files directory");
        let app = App::with_today(store.clone(), today)
            .with_security(kiemdiem_app::Security::for_tests())
            .with_files_dir(files.path());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let address = listener.local_addr().expect("local address");
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(kiemdiem_web::serve(
            listener,
            kiemdiem_web::ApiState::with_config(app, kiemdiem_web::WebConfig::development()),
            async move {
                let _ = stopped.await;
            },
        ));
        Some(TestApp {
            address,
            client: reqwest::Client::new(),
            store,
            url: url.clone(),
            stop: Some(stop),
            server: Some(server),
            place: Some(place),
            files,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// A request acting as [`USER`].
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header("X-Kiemdiem-User", USER)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path)
            .send()
            .await
            .expect("request sent")
    }

    /// GET that must answer 200; returns the JSON body.
    pub async fn get_ok(&self, path: &str) -> Value {
        expect_json(self.get(path).await, StatusCode::OK).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Everything the database holds, as text: the SQLite file and its write-ahead log byte for
    /// byte (freed pages included), or every row of every table of the PostgreSQL schema.
    pub async fn raw_database_text(&self) -> String {
        if let Some(path) = self.url.strip_prefix("sqlite://") {
            let mut out = String::new();
            for file in [path.to_string(), format!("{path}-wal")] {
                if let Ok(bytes) = std::fs::read(&file) {
                    out.push_str(&String::from_utf8_lossy(&bytes));
                }
            }
            return out;
        }
        let pool = sqlx::PgPool::connect(&self.url).await.expect("connect");
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
        )
        .fetch_all(&pool)
        .await
        .expect("tables");
        let mut out = String::new();
        for table in tables {
            let statement =
                format!("SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM \"{table}\" t");
            let text: String = sqlx::query_scalar(sqlx::AssertSqlSafe(statement))
                .fetch_one(&pool)
                .await
                .expect("dump");
            out.push_str(&text);
        }
        pool.close().await;
        out
    }

    /// Stops the server (waiting for requests in flight) and removes the database.
    pub async fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server ran without I/O error");
        }
        self.store.close().await;
        if let Some(place) = self.place.take() {
            place.remove().await;
        }
    }
}

/// Asserts the status and returns the JSON body.
pub async fn expect_json(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let text = response.text().await.expect("response body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    let body: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    crate::readable::assert_readable(&body);
    body
}

/// Asserts an error answer: status, stable code, a Vietnamese message; returns the `error` object.
pub async fn expect_error(response: Response, status: StatusCode, code: &str) -> Value {
    let body = expect_json(response, status).await;
    let error = body["error"].clone();
    assert_eq!(error["code"], code, "error body: {body}");
    let message = error["message"].as_str().expect("a message");
    assert!(
        !message.is_ascii(),
        "message should be Vietnamese: {message}"
    );
    error
}

/// Declares one test per backend for an `async fn(&TestApp)`, on a server whose today is
/// 31/12/2025.
macro_rules! api_test {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use $crate::support::{Backend, TestApp, day};

                async fn run(backend: Backend) {
                    let Some(app) = TestApp::spawn(backend, day("31/12/2025")).await else {
                        kiemdiem_testdb::skipped();
                        return;
                    };
                    super::$name(&app).await;
                    app.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run(Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run(Backend::Postgres).await;
                }
            }
        )*
    };
}
pub(crate) use api_test;

/// Signs `login` in with a password over the API, as a browser does, and returns the session
/// cookie (`name=value`) to send with the next requests.
pub async fn session_cookie(app: &TestApp, login: &str, password: &str) -> String {
    let signed = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({ "login": login, "password": password }))
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed.status(), StatusCode::OK, "signing {login} in");
    signed
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string()
}

pub fn day(text: &str) -> Date {
    kiemdiem_store::date::parse_vn(text).unwrap_or_else(|| panic!("bad test date {text}"))
}

/// The ids of the small tree [`seed_tree`] writes.
#[allow(dead_code)]
pub struct Tree {
    pub province: Uuid,
    pub district: Uuid,
    pub commune: Uuid,
    pub village_branch: Uuid,
    pub school_branch: Uuid,
    pub duc: Uuid,
}

/// A province › district › commune committee with two branches, five members with Vietnamese
/// names (one probationary, one suspended from the committee, one the village branch's
/// secretary), and the village branch renamed on 01/07/2025.
pub async fn seed_tree(store: &Store) -> Tree {
    let mut tx = store.begin("test").await.expect("begin");
    let founded = day("01/01/2000");
    let org = |code: &str, name: &str, kind: OrgKind, parent: Option<Uuid>| NewOrg {
        code: code.to_string(),
        name: name.to_string(),
        kind,
        has_committee: !kind.is_branch(),
        founded_on: founded,
        parent,
    };
    let province = tx
        .create_org(
            &org("TU", "Đảng bộ tỉnh Lạng Sơn", OrgKind::Province, None),
            founded,
        )
        .await
        .expect("province");
    let district = tx
        .create_org(
            &org(
                "HU",
                "Đảng bộ huyện Văn Lãng",
                OrgKind::UpperGrassroots,
                Some(province),
            ),
            founded,
        )
        .await
        .expect("district");
    let commune = tx
        .create_org(
            &org(
                "XA",
                "Đảng bộ xã Hoàng Việt",
                OrgKind::GrassrootsCommittee,
                Some(district),
            ),
            founded,
        )
        .await
        .expect("commune");
    let village_branch = tx
        .create_org(
            &org(
                "CB1",
                "Chi bộ thôn Nà Súng",
                OrgKind::SubordinateBranch,
                Some(commune),
            ),
            founded,
        )
        .await
        .expect("village branch");
    let school_branch = tx
        .create_org(
            &org(
                "CB2",
                "Chi bộ Trường Tiểu học",
                OrgKind::SubordinateBranch,
                Some(commune),
            ),
            founded,
        )
        .await
        .expect("school branch");
    tx.rename_org(village_branch, "Chi bộ thôn Nà Súng Mới", day("01/07/2025"))
        .await
        .expect("rename");
    let member = |code: &str, name: &str, branch: Uuid, official: bool| NewMember {
        code: code.to_string(),
        details: MemberDetails {
            full_name: name.to_string(),
            birth_date: day("01/01/1980"),
            admitted_on: day("01/01/2010"),
            official_on: official.then(|| day("01/01/2011")),
            civil_servant: false,
            employer_unit: String::new(),
            residence_org: None,
        },
        branch,
        temporary_branch: None,
    };
    let since = day("01/01/2011");
    let mut ids = Vec::new();
    for (code, name, branch, official) in [
        ("DV001", "Đỗ Thị Yến", village_branch, true),
        ("DV002", "Nguyễn Văn Đức", village_branch, true),
        ("DV003", "Trần Văn Dũng", village_branch, false),
        ("DV004", "Lê Thị Ánh", village_branch, true),
        ("DV005", "Yên Văn Bình", school_branch, true),
    ] {
        ids.push(
            tx.create_member(&member(code, name, branch, official), since)
                .await
                .expect("member"),
        );
    }
    let duc = ids[1];
    tx.add_status(
        duc,
        StatusKind::SuspendedFromCommittee,
        day("01/03/2025"),
        None,
        "Quyết định số 12-QĐ/ĐU",
    )
    .await
    .expect("status");
    tx.assign_position(
        &NewPosition {
            holder: Holder::Member(ids[0]),
            kind: PositionKind::Secretary,
            org: Some(village_branch),
            collective: None,
            title: "Bí thư chi bộ".to_string(),
        },
        day("01/01/2020"),
    )
    .await
    .expect("position");
    tx.commit().await.expect("commit");
    Tree {
        province,
        district,
        commune,
        village_branch,
        school_branch,
        duc,
    }
}

/// The facts of a year with nothing to report, recorded through the API as the app requires them
/// (a fact nobody recorded makes the subject wait): earlier shortcomings remedied, no force
/// majeure; for post holders no vote of confidence held; for post holders and bodies the 5 key
/// targets not applicable. Each with its source document.
pub async fn record_plain_year(app: &TestApp, subject: &serde_json::Value) {
    let id = subject["id"].as_str().expect("an id");
    let kind = subject["kind"].as_str().unwrap_or("");
    let holds_post = matches!(kind, "member_with_post" | "leader");
    let body = matches!(kind, "organisation" | "collective");
    let mut values = vec![
        serde_json::json!({ "fact": "previous_defects_fixed", "fixed": true }),
        serde_json::json!({ "fact": "force_majeure", "recognised": false }),
    ];
    if holds_post {
        values.push(serde_json::json!({ "fact": "confidence_vote", "held": false }));
    }
    if holds_post || body {
        values.push(serde_json::json!({ "fact": "key_targets", "applies": false }));
    }
    for value in values {
        let response = app
            .client
            .post(app.url(&format!("/api/v1/subjects/{id}/facts")))
            .header("X-Kiemdiem-User", "capuy")
            .json(&serde_json::json!({
                "value": value,
                "document": { "number": "01-BC/CU", "date": "2025-12-01", "issuer": "Cấp ủy" },
            }))
            .send()
            .await
            .expect("sent");
        expect_json(response, reqwest::StatusCode::CREATED).await;
    }
}
