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

/// Starts the server; returns it, its address, and the lines of its standard error so far
/// (the rest keeps arriving on the channel).
fn start(args: &[&str]) -> (Child, String, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiemdiem"))
        .arg("serve")
        .args(args)
        .env("RUST_LOG", "info")
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
    loop {
        let Ok(line) = received.recv_timeout(Duration::from_secs(120)) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not announce its address");
        };
        if let Some(rest) = line.split(prefix).nth(1) {
            let address = rest.split_whitespace().next().unwrap_or("").to_string();
            return (child, address, received);
        }
    }
}

/// A plain HTTP/1.1 GET; returns the status code and the body.
fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nX-Kiemdiem-User: tester\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Sends SIGINT, as Ctrl-C does, and waits for the exit; returns the exit code and the rest of
/// standard error.
fn interrupt(mut child: Child, lines: mpsc::Receiver<String>) -> (i32, String) {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let status = child.wait().expect("the server exits");
    let rest: Vec<String> = lines.try_iter().collect();
    (status.code().unwrap_or(-1), rest.join("\n"))
}

#[test]
fn serves_the_api_and_stops_on_ctrl_c() {
    let db = TempDb::new("plain");
    let (child, address, lines) = start(&["--bind", "127.0.0.1:0", "--database", &db.url()]);
    let (status, body) = get(&address, "/api/v1/health");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    let (status, body) = get(&address, "/api/openapi.json");
    assert_eq!(status, 200);
    assert!(body.contains("/api/v1/ballots/{id}/papers"), "{body}");
    let (status, body) = get(&address, "/api/v1/orgs/KHONGCO");
    assert_eq!(status, 404);
    assert!(body.contains("không tìm thấy tổ chức"), "{body}");
    let (code, rest) = interrupt(child, lines);
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains("Đã dừng máy chủ."), "{rest}");
}

#[test]
fn demo_fills_a_fresh_database_and_refuses_one_with_data() {
    let db = TempDb::new("demo");
    let (child, address, lines) =
        start(&["--demo", "--bind", "127.0.0.1:0", "--database", &db.url()]);
    let (status, body) = get(&address, "/api/v1/orgs");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"kind\":\"province\""), "{body}");
    let (code, rest) = interrupt(child, lines);
    assert_eq!(code, 0, "{rest}");

    let output = Command::new(env!("CARGO_BIN_EXE_kiemdiem"))
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
