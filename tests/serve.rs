//! Black-box tests of `kiemdiem serve`: the binary starts on a free port, answers HTTP, stops
//! cleanly on SIGINT (Ctrl-C) after the requests in flight; `--demo` fills a fresh database and
//! refuses one that already has data.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A database file in a fresh temporary folder, removed on drop.
struct TempDb(PathBuf);

impl TempDb {
    fn new(name: &str) -> TempDb {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "kiemdiem-serve-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        TempDb(dir)
    }

    fn url(&self) -> String {
        format!("sqlite://{}", self.0.join("test.db").display())
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A started server: the process, its address, the lines of standard error printed before it
/// announced its address, and the rest as they arrive.
struct Server {
    child: Child,
    address: String,
    before: Vec<String>,
    lines: mpsc::Receiver<String>,
}

/// Starts the server and waits for it to announce its address.
fn start(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiemdiem"))
        .envs(audit_env())
        .arg("serve")
        .args(args)
        .env("RUST_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let stderr = child.stderr.take().expect("stderr");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let prefix = "kiemdiem đang chạy tại http://";
    let mut before = Vec::new();
    loop {
        let Ok(line) = received.recv_timeout(Duration::from_secs(120)) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the server did not announce its address:\n{}",
                before.join("\n")
            );
        };
        if let Some(rest) = line.split(prefix).nth(1) {
            let address = rest.split_whitespace().next().unwrap_or("").to_string();
            return Server {
                child,
                address,
                before,
                lines: received,
            };
        }
        before.push(line);
    }
}

/// An answer: status, headers (lower-cased names), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The session cookie the answer sets (`kiemdiem_session=…`).
    fn session_cookie(&self) -> String {
        let set = self.header("set-cookie").expect("a session cookie");
        set.split(';').next().unwrap_or_default().to_string()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A plain HTTP/1.1 request.
fn send(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Answer {
    let mut stream = TcpStream::connect(address).expect("connect");
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    if let Some(body) = body {
        request.push_str(body);
    }
    stream.write_all(request.as_bytes()).expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let mut head_lines = head.lines();
    let status = head_lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = head_lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    // Bodies here are small; a chunked one is one chunk between its size line and the end.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body.split("\r\n").nth(1).unwrap_or_default().to_string()
    } else {
        body.to_string()
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn get(address: &str, path: &str, cookie: Option<&str>) -> Answer {
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("Cookie", c)).into_iter().collect();
    send(address, "GET", path, &headers, None)
}

fn sign_in(address: &str, login: &str, password: &str) -> Answer {
    let body = serde_json::json!({ "login": login, "password": password }).to_string();
    send(address, "POST", "/api/v1/session", &[], Some(&body))
}

/// Sends SIGINT, as Ctrl-C does, and waits for the exit; returns the exit code and the rest of
/// standard error.
fn interrupt(server: Server) -> (i32, String) {
    let Server {
        mut child, lines, ..
    } = server;
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let status = child.wait().expect("the server exits");
    let rest: Vec<String> = lines.try_iter().collect();
    (status.code().unwrap_or(-1), rest.join("\n"))
}

/// The one-time password the first run printed for the administrator.
fn first_run_password(before: &[String]) -> String {
    let at = before
        .iter()
        .position(|l| l.contains("đã tạo tài khoản quản trị «quantri»"))
        .unwrap_or_else(|| {
            panic!(
                "no first-run administrator announced:\n{}",
                before.join("\n")
            )
        });
    before[at + 1..]
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .expect("the password line")
        .to_string()
}

#[test]
fn serves_the_api_with_sign_in_and_stops_on_ctrl_c() {
    let db = TempDb::new("plain");
    let server = start(&["--bind", "127.0.0.1:0", "--database", &db.url()]);
    let address = server.address.clone();
    let password = first_run_password(&server.before);
    assert_eq!(password.chars().count(), 14, "{password}");

    let health = get(&address, "/api/v1/health", None);
    assert_eq!(health.status, 200, "{}", health.body);
    assert!(health.body.contains("\"status\":\"ok\""), "{}", health.body);
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
    assert!(
        health
            .header("content-security-policy")
            .is_some_and(|c| c.contains("default-src 'self'"))
    );
    let document = get(&address, "/api/openapi.json", None);
    assert_eq!(document.status, 200);
    assert!(document.body.contains("/api/v1/ballots/{id}/papers"));

    // Nobody is anyone without signing in; the development header is refused.
    let anonymous = get(&address, "/api/v1/orgs/KHONGCO", None);
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    let header = send(
        &address,
        "GET",
        "/api/v1/orgs",
        &[("X-Kiemdiem-User", "ai-do")],
        None,
    );
    assert_eq!(header.status, 401, "{}", header.body);

    // The one-time password signs in, but only to change it.
    let signed = sign_in(&address, "quantri", &password);
    assert_eq!(signed.status, 200, "{}", signed.body);
    let cookie = signed.session_cookie();
    let set_cookie = signed.header("set-cookie").unwrap_or_default().to_string();
    assert!(
        set_cookie.contains("HttpOnly")
            && set_cookie.contains("SameSite=Lax")
            && set_cookie.contains("Secure"),
        "{set_cookie}"
    );
    let csrf = signed.json()["csrf_token"]
        .as_str()
        .expect("csrf token")
        .to_string();
    let blocked = get(&address, "/api/v1/orgs/KHONGCO", Some(&cookie));
    assert_eq!(blocked.status, 403, "{}", blocked.body);
    assert!(
        blocked.body.contains("password_change_required"),
        "{}",
        blocked.body
    );
    let change =
        serde_json::json!({ "current_password": password, "new_password": "Mật khẩu mới 2026" })
            .to_string();
    let without_csrf = send(
        &address,
        "PUT",
        "/api/v1/session/password",
        &[("Cookie", &cookie)],
        Some(&change),
    );
    assert_eq!(without_csrf.status, 403, "{}", without_csrf.body);
    assert!(without_csrf.body.contains("csrf_failed"));
    let changed = send(
        &address,
        "PUT",
        "/api/v1/session/password",
        &[("Cookie", &cookie), ("X-Kiemdiem-CSRF", &csrf)],
        Some(&change),
    );
    assert_eq!(changed.status, 204, "{}", changed.body);
    let missing = get(&address, "/api/v1/orgs/KHONGCO", Some(&cookie));
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert!(
        missing.body.contains("Không tìm thấy tổ chức"),
        "{}",
        missing.body
    );

    let first_before = server.before.join("\n");
    let (code, rest) = interrupt(server);
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains("Đã dừng máy chủ."), "{rest}");
    let first_rest = format!("{first_before}\n{rest}");

    // The session lives in the database: it survives a restart; no second administrator is made.
    let again = start(&["--bind", "127.0.0.1:0", "--database", &db.url()]);
    assert!(
        !again.before.iter().any(|l| l.contains("quantri")),
        "{}",
        again.before.join("\n")
    );
    let again_before = again.before.join("\n");
    let me = get(&again.address, "/api/v1/session", Some(&cookie));
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["account"]["login"], "quantri");
    let out = send(
        &again.address,
        "DELETE",
        "/api/v1/session",
        &[("Cookie", &cookie), ("X-Kiemdiem-CSRF", &csrf)],
        None,
    );
    assert_eq!(out.status, 204, "{}", out.body);
    let after = get(&again.address, "/api/v1/session", Some(&cookie));
    assert_eq!(after.status, 401, "{}", after.body);
    let (code, rest) = interrupt(again);
    assert_eq!(code, 0, "{rest}");
    // Nothing secret was logged, even at debug level: not the passwords, not the session.
    let logged = format!("{}\n{rest}\n{}", again_before, first_rest);
    let session = cookie.split_once('=').map(|(_, v)| v).unwrap_or_default();
    for secret in ["Mật khẩu mới 2026", session, csrf.as_str()] {
        assert!(!logged.contains(secret), "«{secret}» was logged");
    }
    assert!(
        logged.matches(&password).nth(1).is_none(),
        "the one-time password is printed once, at first run, and never logged"
    );
}

#[test]
fn failed_sign_ins_are_counted_across_two_servers_on_one_database() {
    let db = TempDb::new("throttle");
    let first = start(&["--bind", "127.0.0.1:0", "--database", &db.url()]);
    let second = start(&["--bind", "127.0.0.1:0", "--database", &db.url()]);
    let password = first_run_password(&first.before);
    // Five wrong passwords, alternating between the servers, lock the account out on both.
    for attempt in 0..5 {
        let server = if attempt % 2 == 0 { &first } else { &second };
        let wrong = sign_in(&server.address, "quantri", "không phải mật khẩu");
        assert_eq!(wrong.status, 401, "attempt {attempt}: {}", wrong.body);
        assert!(wrong.body.contains("invalid_credentials"), "{}", wrong.body);
    }
    for server in [&first, &second] {
        let locked = sign_in(&server.address, "quantri", &password);
        assert_eq!(locked.status, 429, "{}", locked.body);
        assert!(locked.body.contains("too_many_attempts"), "{}", locked.body);
        let wait: u64 = locked
            .header("retry-after")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert!(wait > 60, "Retry-After {wait}");
    }
    let (code, rest) = interrupt(first);
    assert_eq!(code, 0, "{rest}");
    let (code, rest) = interrupt(second);
    assert_eq!(code, 0, "{rest}");
}

#[test]
fn demo_fills_a_fresh_database_with_an_account_per_role_and_refuses_one_with_data() {
    let db = TempDb::new("demo");
    let server = start(&[
        "--demo",
        "--demo-password",
        "dùng thử 2026",
        "--bind",
        "127.0.0.1:0",
        "--database",
        &db.url(),
    ]);
    let listed = server.before.join("\n");
    for login in [
        "quantri",
        "bantochuc",
        "thuongvu",
        "ubkt",
        "danguy",
        "mttq",
        "bithu",
        "dangvien1",
    ] {
        assert!(listed.contains(login), "{login} not listed:\n{listed}");
    }
    assert!(listed.contains("dùng thử 2026"), "{listed}");
    let board = sign_in(&server.address, "bantochuc", "dùng thử 2026");
    assert_eq!(board.status, 200, "{}", board.body);
    let cookie = board.session_cookie();
    let orgs = get(&server.address, "/api/v1/orgs", Some(&cookie));
    assert_eq!(orgs.status, 200, "{}", orgs.body);
    assert!(orgs.body.contains("\"kind\":\"province\""), "{}", orgs.body);
    let member = sign_in(&server.address, "dangvien1", "dùng thử 2026");
    assert_eq!(member.status, 200, "{}", member.body);
    let tree = get(
        &server.address,
        "/api/v1/orgs",
        Some(&member.session_cookie()),
    );
    assert_eq!(
        tree.status, 403,
        "a member reads their own file, not the tree: {}",
        tree.body
    );
    let (code, rest) = interrupt(server);
    assert_eq!(code, 0, "{rest}");

    let output = Command::new(env!("CARGO_BIN_EXE_kiemdiem"))
        .envs(audit_env())
        .args([
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
            "--database",
            &db.url(),
        ])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("đã có dữ liệu"), "{stderr}");
}

/// The audit key and the anchors of the binary under test: a fixed key, anchors under the
/// system's temporary directory (never the tester's home).
fn audit_env() -> [(&'static str, String); 3] {
    [
        ("KIEMDIEM_AUDIT_KEY", "5a".repeat(32)),
        (
            "XDG_STATE_HOME",
            std::env::temp_dir()
                .join("kiemdiem-tests-state")
                .display()
                .to_string(),
        ),
        (
            "XDG_CONFIG_HOME",
            std::env::temp_dir()
                .join("kiemdiem-tests-config")
                .display()
                .to_string(),
        ),
    ]
}
