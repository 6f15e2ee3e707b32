//! The `shaobao` binary end to end: migrations, serving health on a random port, graceful
//! shutdown on SIGTERM, and one readable stderr line with the right exit code for every failure.
//!
//! The PostgreSQL test creates its own database on the server named by
//! `SHAOBAO_TEST_DATABASE_URL` (default the local one) and drops it afterwards. When PostgreSQL is
//! unreachable it is skipped with a printed notice, except under `CI=true`, where it fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shaobao_api::{ServeConfig, Server};
use tempfile::TempDir;

// The other tests of the real binary share this test binary (one link instead of three).
mod merge_kill;
mod relay_kill;
mod replay_verify;

const BIN: &str = env!("CARGO_BIN_EXE_shaobao");
const SAMPLE_ORG: &str = include_str!("../../../../deploy/org/sample-district.toml");
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

// ------------------------------------------------------------------------------------ helpers

/// The binary, run in `dir`, with none of its environment fallbacks inherited from the caller.
fn shaobao(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null());
    for var in [
        "SHAOBAO_DATABASE_URL",
        "SHAOBAO_NATS_URL",
        "SHAOBAO_BIND",
        "SHAOBAO_ORG",
        "SHAOBAO_SLA_SCALE",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn run(dir: &Path, args: &[&str]) -> Output {
    shaobao(dir).args(args).output().expect("run shaobao")
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite:{}", dir.join("shaobao.db").display())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a failed run printed exactly one `shaobao: …` line on stderr, and returns it.
fn the_one_line(output: &Output) -> String {
    assert!(!output.status.success(), "expected failure: {output:?}");
    let stderr = text(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected exactly one line on stderr, got {stderr:?}"
    );
    assert!(lines[0].starts_with("shaobao: "), "{stderr:?}");
    lines[0].to_string()
}

/// `GET path` over a fresh HTTP/1.1 connection: status and JSON body.
fn http_get(addr: SocketAddr, path: &str) -> (u16, Value) {
    http_get_as(addr, path, None)
}

/// `GET path` with `Authorization: Bearer <token>` when a token is given.
fn http_get_as(addr: SocketAddr, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let authorization = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{authorization}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read response");
    let response = text(&response);
    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("malformed response {response:?}"));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("body {body:?}: {e}"));
    (status, body)
}

/// A `shaobao serve` child process; killed on drop if the test did not stop it.
struct Serving {
    child: Child,
    addr: SocketAddr,
    /// Lines printed before `listening on` (the demo's tokens).
    preamble: Vec<String>,
    stdout: mpsc::Receiver<String>,
    stderr: Option<JoinHandle<String>>,
}

impl Serving {
    /// Starts `shaobao serve ARGS` and waits for its `listening on ADDR` log line.
    fn start(dir: &Path, args: &[&str]) -> Serving {
        let mut child = shaobao(dir)
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn shaobao serve");
        let (lines_tx, lines) = mpsc::channel();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut all = String::new();
            let _ = stderr.read_to_string(&mut all);
            all
        });
        let mut serving = Serving {
            child,
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
            preamble: Vec::new(),
            stdout: lines,
            stderr: Some(stderr),
        };
        serving.addr = serving.wait_for_listening();
        serving
    }

    fn wait_for_listening(&mut self) -> SocketAddr {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.split("listening on ").nth(1) {
                        let addr = rest.split_whitespace().next().unwrap_or_default();
                        self.preamble = seen;
                        return addr
                            .parse()
                            .unwrap_or_else(|e| panic!("bad address in {line:?}: {e}"));
                    }
                    seen.push(line);
                }
                Err(_) => {
                    let _ = self.child.kill();
                    let status = self.child.wait().ok();
                    let stderr = self.stderr.take().map(|t| t.join().unwrap());
                    panic!(
                        "serve did not report its address (exit {status:?})\nstdout: {seen:#?}\nstderr: {stderr:?}"
                    );
                }
            }
        }
    }

    /// Sends SIGTERM and waits (bounded) for the process to exit.
    fn terminate(&mut self) -> ExitStatus {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) with a valid signal number on our own child; no memory is involved.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0, "kill failed");
        let deadline = Instant::now() + SHUTDOWN_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "serve did not exit within {SHUTDOWN_TIMEOUT:?} of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stdout_so_far(&self) -> Vec<String> {
        self.stdout.try_iter().collect()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Serves, checks both health endpoints, and returns the running server.
fn serve_healthy(dir: &Path, database_url: &str, backend: &str) -> Serving {
    let server = Serving::start(
        dir,
        &["--database-url", database_url, "--bind", "127.0.0.1:0"],
    );
    assert_ne!(server.addr.port(), 0);
    assert_eq!(
        http_get(server.addr, "/health/live"),
        (200, json!({"status": "live"}))
    );
    let (status, ready) = http_get(server.addr, "/health/ready");
    assert_eq!(status, 200, "{ready}");
    assert_eq!(
        (&ready["status"], &ready["store"]),
        (&json!("ready"), &json!(backend)),
        "{ready}"
    );
    server
}

/// SIGTERM, then a clean exit 0.
fn stop_cleanly(mut server: Serving) {
    let status = server.terminate();
    assert_eq!(
        status.code(),
        Some(0),
        "exit after SIGTERM: {status:?}, stdout {:#?}",
        server.stdout_so_far()
    );
}

#[test]
fn serve_demo_prints_tokens_once_and_brings_the_district_to_life() {
    let dir = TempDir::new().unwrap();
    let url = sqlite_url(dir.path());
    let server = Serving::start(
        dir.path(),
        &["--demo", "--database-url", &url, "--bind", "127.0.0.1:0"],
    );
    let token = |who: &str| {
        let line = server
            .preamble
            .iter()
            .find_map(|l| l.trim_start().strip_prefix(who));
        line.map(|rest| rest.trim().to_string())
            .unwrap_or_else(|| panic!("no {who} token in {:#?}", server.preamble))
    };
    let (dispatcher, auditor) = (token("dispatcher jingshan"), token("auditor"));
    // The first contact comes at once, then one every few seconds.
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        let (status, cases) = http_get_as(server.addr, "/api/v1/cases", Some(&auditor));
        assert_eq!(status, 200, "{cases}");
        if cases["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty())
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no simulated case in {STARTUP_TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let queue = http_get_as(
        server.addr,
        "/api/v1/streets/jingshan/queue",
        Some(&dispatcher),
    );
    assert_eq!(queue.0, 200, "{}", queue.1);
    stop_cleanly(server);
}

// -------------------------------------------------------------------------------- migrate

#[test]
fn migrate_creates_the_sqlite_file_and_is_idempotent() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("data").join("x.db");
    let url = format!("sqlite:{}", db.display());

    let first = run(dir.path(), &["migrate", "--database-url", &url]);
    assert!(first.status.success(), "{first:?}");
    assert!(text(&first.stdout).contains("migrations applied (sqlite)"));
    assert!(db.is_file(), "{} not created", db.display());

    // Again, through the environment fallback this time.
    let second = shaobao(dir.path())
        .arg("migrate")
        .env("SHAOBAO_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(second.status.success(), "{second:?}");
    assert!(text(&second.stdout).contains("migrations applied (sqlite)"));
}

// ---------------------------------------------------------------------------------- serve

#[test]
fn serve_on_sqlite_answers_health_and_stops_on_sigterm() {
    let dir = TempDir::new().unwrap();
    let server = serve_healthy(dir.path(), &sqlite_url(dir.path()), "sqlite");
    stop_cleanly(server);
}

#[test]
fn serve_on_postgres_answers_health_and_stops_on_sigterm() {
    let Some(database) = PgDatabase::create() else {
        return;
    };
    let dir = TempDir::new().unwrap();
    let server = serve_healthy(dir.path(), &database.url, "postgres");

    // The database goes away under the running server: still live, no longer ready.
    database.drop_database();
    assert_eq!(
        http_get(server.addr, "/health/live"),
        (200, json!({"status": "live"}))
    );
    let (status, body) = http_get(server.addr, "/health/ready");
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "unavailable", "{body}");
    assert_eq!(body["store"], "postgres", "{body}");
    stop_cleanly(server);
}

/// `GET path`: status and body as text (for `/metrics`).
fn http_get_text(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    response
}

#[test]
fn serve_names_its_node_and_the_leases_it_holds() {
    let dir = TempDir::new().unwrap();
    let url = sqlite_url(dir.path());
    let server = Serving::start(
        dir.path(),
        &[
            "--database-url",
            &url,
            "--bind",
            "127.0.0.1:0",
            "--node-id",
            "node7",
        ],
    );
    // The only node on SQLite runs every singleton job, once it has started them.
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    let ready = loop {
        let (status, ready) = http_get(server.addr, "/health/ready");
        assert_eq!((status, &ready["node"]), (200, &json!("node7")), "{ready}");
        let leases = ready["leases"].as_array().expect("leases listed").clone();
        if leases.len() > 1 {
            break leases;
        }
        assert!(Instant::now() < deadline, "no leases taken: {ready}");
        std::thread::sleep(Duration::from_millis(100));
    };
    for job in ["projection:queue", "deadline-service"] {
        assert!(ready.contains(&json!(job)), "{job} not in {ready:?}");
    }
    let metrics = http_get_text(server.addr, "/metrics");
    for line in [
        "shaobao_node_info{node=\"node7\"} 1",
        "shaobao_lease_held{job=\"projection:queue\",node=\"node7\"} 1",
        "shaobao_lease_held{job=\"deadline-service\",node=\"node7\"} 1",
    ] {
        assert!(metrics.contains(line), "{line} not in {metrics}");
    }
    stop_cleanly(server);
}

#[tokio::test]
async fn the_library_serves_in_process_on_port_zero() {
    let dir = TempDir::new().unwrap();
    let config = ServeConfig {
        database_url: sqlite_url(dir.path()),
        bind: "127.0.0.1:0".parse().unwrap(),
        ..ServeConfig::default()
    };
    let server = Server::start(&config).await.expect("start");
    let addr = server.local_addr();
    assert_ne!(addr.port(), 0);
    assert_eq!(server.state().store.backend_name(), "sqlite");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let ready = tokio::task::spawn_blocking(move || http_get(addr, "/health/ready"))
        .await
        .unwrap();
    assert_eq!(ready.0, 200, "{}", ready.1);
    assert_eq!(
        (&ready.1["status"], &ready.1["store"]),
        (&json!("ready"), &json!("sqlite"))
    );
    stop.send(()).unwrap();
    tokio::time::timeout(SHUTDOWN_TIMEOUT, serving)
        .await
        .expect("graceful shutdown")
        .unwrap()
        .expect("clean stop");
}

// --------------------------------------------------------------------------------- tokens

#[test]
fn token_create_prints_a_token_once_that_the_server_accepts() {
    let dir = TempDir::new().unwrap();
    let url = sqlite_url(dir.path());
    let create = |args: &[&str]| {
        let mut all = vec!["token", "create", "--database-url", url.as_str()];
        all.extend_from_slice(args);
        run(dir.path(), &all)
    };
    let created = create(&["--role", "department", "--department", "urban_management"]);
    assert!(created.status.success(), "{created:?}");
    let stdout = text(&created.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "only the token on stdout: {stdout:?}");
    let token = lines[0];
    assert!(token.starts_with("sb_") && token.len() == 3 + 64, "{token}");
    let again = create(&["--role", "auditor"]);
    assert_ne!(text(&again.stdout).trim(), token, "tokens are random");

    let server = serve_healthy(dir.path(), &url, "sqlite");
    let (status, org) = http_get_as(server.addr, "/api/v1/org", Some(token));
    assert_eq!(status, 200, "{org}");
    assert_eq!(org["departments"][0]["code"], "urban_management");
    let forged = format!("sb_{}", "f".repeat(64));
    let (status, body) = http_get_as(server.addr, "/api/v1/org", Some(&forged));
    assert_eq!(
        (status, &body["error"]["code"]),
        (401, &json!("unauthorized"))
    );
    stop_cleanly(server);
}

#[test]
fn token_create_refuses_a_scope_that_does_not_fit_with_one_line() {
    let dir = TempDir::new().unwrap();
    let url = sqlite_url(dir.path());
    for (args, expected) in [
        (
            &["--role", "dispatcher"][..],
            "a dispatcher token needs --street",
        ),
        (
            &["--role", "dispatcher", "--street", "atlantis"],
            "--street \"atlantis\" is not in the organisation",
        ),
        (
            &["--role", "department", "--department", "ministry_of_magic"],
            "--department \"ministry_of_magic\" is not in the organisation",
        ),
        (&["--role", "volunteer"], "a volunteer token needs --member"),
        (
            &["--role", "hotline", "--street", "jingshan"],
            "a hotline token takes no --street",
        ),
        (&["--role", "wizard"], "invalid value 'wizard'"),
    ] {
        let mut all = vec!["token", "create", "--database-url", url.as_str()];
        all.extend_from_slice(args);
        let output = run(dir.path(), &all);
        let line = the_one_line(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {line}");
        assert!(line.contains(expected), "{args:?}: {line}");
        assert!(output.stdout.is_empty(), "{args:?}: no token printed");
    }
}

#[test]
fn token_list_shows_the_life_cycle_and_a_revoked_token_answers_401_within_a_second() {
    let dir = TempDir::new().unwrap();
    let url = sqlite_url(dir.path());
    let token = |args: &[&str]| {
        let mut all = vec!["token"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--database-url", url.as_str()]);
        run(dir.path(), &all)
    };
    let created = token(&[
        "create",
        "--role",
        "department",
        "--department",
        "urban_management",
        "--expires-in",
        "90d",
    ]);
    assert!(created.status.success(), "{created:?}");
    let secret = text(&created.stdout).trim().to_string();
    let note = text(&created.stderr);
    assert!(note.contains(", expires 20"), "{note}");
    let id = note
        .split_whitespace()
        .find(|word| word.starts_with("tok-"))
        .unwrap_or_else(|| panic!("no token id in {note:?}"))
        .to_string();
    assert!(token(&["create", "--role", "auditor"]).status.success());

    let server = serve_healthy(dir.path(), &url, "sqlite");
    assert_eq!(
        http_get_as(server.addr, "/api/v1/org", Some(&secret)).0,
        200
    );
    let revoked = token(&["revoke", &id]);
    assert!(revoked.status.success(), "{revoked:?}");
    assert!(
        text(&revoked.stderr).contains(&format!("revoked {id}")),
        "{revoked:?}"
    );
    let since = Instant::now();
    loop {
        let (status, body) = http_get_as(server.addr, "/api/v1/org", Some(&secret));
        if status == 401 {
            assert_eq!(body["error"]["code"], "unauthorized");
            break;
        }
        assert!(
            since.elapsed() < Duration::from_millis(1500),
            "still {status} {:?} after the revocation",
            since.elapsed()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    stop_cleanly(server);

    let listed = token(&["list"]);
    assert!(listed.status.success(), "{listed:?}");
    let listed = text(&listed.stdout);
    let rows: Vec<&str> = listed.lines().collect();
    assert_eq!(rows.len(), 3, "{listed}");
    for column in [
        "id",
        "role",
        "scope",
        "created",
        "expires",
        "last used",
        "revoked",
    ] {
        assert!(rows[0].contains(column), "{listed}");
    }
    let department = rows.iter().find(|r| r.starts_with(&id)).expect("listed");
    assert!(
        department.contains("department  urban_management"),
        "{listed}"
    );
    assert_eq!(
        department.matches(" UTC").count(),
        4,
        "created, expires, used, revoked: {listed}"
    );
    let auditor = rows.iter().find(|r| r.contains("auditor")).expect("listed");
    assert_eq!(auditor.matches(" UTC").count(), 1, "only created: {listed}");

    let unknown = token(&["revoke", "tok-nope"]);
    let line = the_one_line(&unknown);
    assert_eq!(unknown.status.code(), Some(1), "{line}");
    assert!(line.contains("no token \"tok-nope\""), "{line}");
    let bad_span = token(&["create", "--role", "auditor", "--expires-in", "90s"]);
    let line = the_one_line(&bad_span);
    assert_eq!(bad_span.status.code(), Some(2), "{line}");
    assert!(line.contains("such as 90d"), "{line}");
}

// --------------------------------------------------------------------------- staff accounts

/// `shaobao user ARGS --database-url URL`, with `stdin` piped in when given.
fn user(dir: &Path, url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = shaobao(dir);
    cmd.arg("user")
        .args(args)
        .args(["--database-url", url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let Some(input) = stdin else {
        return cmd.output().expect("run shaobao user");
    };
    let mut child = cmd
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn shaobao user");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().expect("wait for shaobao user")
}

/// Signs in through the services library, as the console does.
fn sign_in_with(
    url: &str,
    login: &str,
    password: &str,
) -> Result<shaobao_services::accounts::User, shaobao_services::accounts::SignInError> {
    use shaobao_services::accounts::Accounts;
    runtime().block_on(async {
        let store = shaobao_services::store::Store::connect(url).await.unwrap();
        let org = shaobao_services::org_file::load_org(None, 1.0).unwrap();
        let accounts = Accounts::new(store.clone(), std::sync::Arc::new(org));
        let signed_in = accounts.sign_in(login, password, chrono::Utc::now()).await;
        store.close().await;
        signed_in.map(|s| s.user)
    })
}

const WANG_LI: &[&str] = &[
    "create",
    "--login",
    "wang.li",
    "--name",
    "王丽",
    "--role",
    "dispatcher",
    "--street",
    "jingshan",
];

#[test]
fn user_create_takes_the_password_from_stdin_and_it_signs_in() {
    let dir = TempDir::new().unwrap();
    let url = sqlite_url(dir.path());
    let created = user(
        dir.path(),
        &url,
        WANG_LI,
        Some("a long passphrase\nignored\n"),
    );
    assert!(created.status.success(), "{created:?}");
    assert!(
        created.stdout.is_empty(),
        "no password printed: {created:?}"
    );
    assert!(
        text(&created.stderr).contains("created wang.li (dispatcher jingshan)"),
        "{created:?}"
    );
    let signed_in = sign_in_with(&url, "wang.li", "a long passphrase").expect("sign in");
    assert_eq!(signed_in.display_name, "王丽");
    assert_eq!(signed_in.actor().id, "user:wang.li");
    assert!(sign_in_with(&url, "wang.li", "ignored").is_err());

    let again = user(dir.path(), &url, WANG_LI, Some("another passphrase\n"));
    let line = the_one_line(&again);
    assert_eq!(again.status.code(), Some(1), "{line}");
    assert!(line.contains("login \"wang.li\" is taken"), "{line}");
}

#[test]
fn user_create_without_stdin_prints_a_generated_password_once() {
    let dir = TempDir::new().unwrap();
    let url = sqlite_url(dir.path());
    let created = user(dir.path(), &url, WANG_LI, None);
    assert!(created.status.success(), "{created:?}");
    let stdout = text(&created.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "only the password on stdout: {stdout:?}");
    let password = lines[0];
    assert_eq!(password.chars().count(), 16, "{password}");
    assert!(
        text(&created.stderr).contains("not shown again"),
        "{created:?}"
    );
    sign_in_with(&url, "wang.li", password).expect("sign in with the generated password");
    // An empty stdin also means "generate one".
    let args = [
        "create", "--login", "zhao", "--name", "Zhao", "--role", "auditor",
    ];
    let other = user(dir.path(), &url, &args, Some(""));
    assert!(other.status.success(), "{other:?}");
    assert_ne!(text(&other.stdout).trim(), password);

    let listed = user(dir.path(), &url, &["list"], None);
    assert!(listed.status.success(), "{listed:?}");
    let table = text(&listed.stdout);
    assert!(!table.contains(password), "{table}");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0],
        ["login", "name", "role", "scope", "created", "disabled"]
    );
    assert_eq!(rows.len(), 3, "{table}");
    assert_eq!(rows[1][..4], ["wang.li", "王丽", "dispatcher", "jingshan"]);
    assert_eq!(rows[2][..4], ["zhao", "Zhao", "auditor", "-"]);
    assert_eq!(rows[1].last(), Some(&"no"));
}

#[test]
fn user_create_refuses_bad_input_with_one_line_and_exit_2() {
    let dir = TempDir::new().unwrap();
    let url = sqlite_url(dir.path());
    let base = |login: &str, role: &[&str]| {
        let mut args = vec!["create", "--login", login, "--name", "王丽"];
        args.extend_from_slice(role);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    for (args, stdin, expected) in [
        (
            base("wang.li", &["--role", "wizard"]),
            None,
            "invalid value 'wizard'",
        ),
        (
            base("wang.li", &["--role", "dispatcher"]),
            None,
            "a dispatcher account needs --street",
        ),
        (
            base("wang.li", &["--role", "dispatcher", "--street", "atlantis"]),
            None,
            "--street \"atlantis\" is not in the organisation",
        ),
        (
            base("wang.li", &["--role", "auditor", "--street", "jingshan"]),
            None,
            "an auditor account takes no --street",
        ),
        (
            base("Wang Li", &["--role", "auditor"]),
            None,
            "login \"Wang Li\" must be",
        ),
        (
            base("wang.li", &["--role", "auditor"]),
            Some("short\n"),
            "at least 10 characters",
        ),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = user(dir.path(), &url, &args, stdin);
        let line = the_one_line(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {line}");
        assert!(line.contains(expected), "{args:?}: {line}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing printed");
    }
    let listed = user(dir.path(), &url, &["list"], None);
    assert_eq!(text(&listed.stdout).lines().count(), 1, "{listed:?}");
}

#[test]
fn user_disable_and_reset_password() {
    let dir = TempDir::new().unwrap();
    let url = sqlite_url(dir.path());
    let created = user(dir.path(), &url, WANG_LI, Some("a long passphrase\n"));
    assert!(created.status.success(), "{created:?}");

    let reset = user(dir.path(), &url, &["reset-password", "wang.li"], None);
    assert!(reset.status.success(), "{reset:?}");
    let password = text(&reset.stdout).trim().to_string();
    assert_eq!(password.chars().count(), 16, "{reset:?}");
    assert!(sign_in_with(&url, "wang.li", "a long passphrase").is_err());
    sign_in_with(&url, "wang.li", &password).expect("sign in with the new password");

    let disabled = user(dir.path(), &url, &["disable", "wang.li"], None);
    assert!(disabled.status.success(), "{disabled:?}");
    assert!(
        text(&disabled.stderr).contains("disabled wang.li"),
        "{disabled:?}"
    );
    let refused = sign_in_with(&url, "wang.li", &password);
    assert!(
        matches!(
            refused,
            Err(shaobao_services::accounts::SignInError::Disabled)
        ),
        "{refused:?}"
    );
    let listed = user(dir.path(), &url, &["list"], None);
    let table = text(&listed.stdout);
    let row = table.lines().nth(1).unwrap_or_default();
    assert!(
        row.starts_with("wang.li") && row.ends_with("yes"),
        "{table}"
    );

    for command in ["disable", "reset-password"] {
        let output = user(
            dir.path(),
            &url,
            &[command, "nobody"],
            Some("a long passphrase\n"),
        );
        let line = the_one_line(&output);
        assert_eq!(output.status.code(), Some(1), "{command}: {line}");
        assert!(
            line.contains("no staff account with login \"nobody\""),
            "{line}"
        );
    }
}

// ---------------------------------------------------------------------- export and import

/// Two cases opened and dispatched through the case service, on the store at `url`; their ids.
fn two_cases(url: &str) -> Vec<String> {
    use shaobao_domain::case::{CaseKind, Channel, Dispatch, Location, OpenCase, Unit};
    use shaobao_domain::{Actor, CaseAction};
    use shaobao_services::cases::{CaseService, Request};
    runtime().block_on(async {
        let store = shaobao_services::store::Store::connect(url).await.unwrap();
        store.migrate().await.unwrap();
        let org = std::sync::Arc::new(shaobao_services::org_file::load_org(None, 1.0).unwrap());
        let clock = shaobao_services::clock::SystemClock;
        let service = CaseService::new(store.clone(), org, std::sync::Arc::new(clock));
        let hotline = Actor::hotline("op-1");
        let mut ids = Vec::new();
        for n in 0..2 {
            let open = OpenCase {
                related_cases: vec![],
                channel: Channel::Hotline,
                kind: CaseKind::Complaint,
                category: "noise".into(),
                urgency: None,
                description: format!("夜间施工噪声 {n}"),
                location: Location::street("jingshan"),
                requester: None,
                source: None,
            };
            let id = service
                .open(&hotline, open, &Request::default())
                .await
                .unwrap()
                .aggregate_id;
            let dispatch = CaseAction::Dispatch(Dispatch {
                unit: Unit::Department("urban_management".into()),
                co_units: vec![],
            });
            service
                .execute(&id, &hotline, dispatch, &Request::default())
                .await
                .unwrap();
            ids.push(id);
        }
        store.close().await;
        ids
    })
}

/// `shaobao export ARGS | shaobao import --database-url TARGET`: both outputs.
fn pipe_export_into_import(dir: &Path, export: &[&str], target: &str) -> (Output, Output) {
    let mut exporter = shaobao(dir)
        .arg("export")
        .args(export)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn export");
    let importer = shaobao(dir)
        .args(["import", "--database-url", target])
        .stdin(exporter.stdout.take().unwrap())
        .output()
        .expect("run import");
    (exporter.wait_with_output().unwrap(), importer)
}

/// The lines of an export without their positions (the one thing an import changes).
fn without_positions(export: &str) -> Vec<Value> {
    export
        .lines()
        .map(|line| {
            let mut event: Value = serde_json::from_str(line).unwrap();
            event.as_object_mut().unwrap().remove("position");
            event
        })
        .collect()
}

/// Moves a district from `source` to `target` through a pipe, then checks the target.
fn move_district(dir: &Path, source: &str, target: &str) {
    let cases = two_cases(source);
    let (exported, imported) = pipe_export_into_import(dir, &["--database-url", source], target);
    assert!(exported.status.success(), "{exported:?}");
    assert!(imported.status.success(), "{imported:?}");
    assert!(
        text(&exported.stderr).contains("exported 4 events"),
        "{exported:?}"
    );
    assert!(
        text(&imported.stdout).contains("imported 4 events of 2 streams"),
        "{imported:?}"
    );

    let verified = run(dir, &["verify", "--database-url", target]);
    assert!(verified.status.success(), "{verified:?}");
    assert!(
        text(&verified.stdout).contains("hash chains: 2 streams, 4 events, 0 problems"),
        "{verified:?}"
    );
    let source_export = run(dir, &["export", "--database-url", source]);
    let output = dir.join("target.jsonl");
    let output_arg = output.to_str().unwrap();
    let target_export = run(
        dir,
        &["export", "--database-url", target, "--output", output_arg],
    );
    assert!(target_export.status.success(), "{target_export:?}");
    assert!(target_export.stdout.is_empty(), "the file has it all");
    assert_eq!(
        without_positions(&std::fs::read_to_string(&output).unwrap()),
        without_positions(&text(&source_export.stdout))
    );

    // One case, and what came after the first event.
    let one = run(
        dir,
        &["export", "--database-url", target, "--case", &cases[1]],
    );
    let one = text(&one.stdout);
    assert_eq!(one.lines().count(), 2, "{one}");
    assert!(one.lines().all(|l| l.contains(&cases[1])), "{one}");
    let first: Value = serde_json::from_str(one.lines().next().unwrap()).unwrap();
    let after = first["position"].as_str().unwrap();
    let rest = run(
        dir,
        &[
            "export",
            "--database-url",
            target,
            "--case",
            &cases[1],
            "--after",
            after,
        ],
    );
    assert_eq!(text(&rest.stdout).lines().count(), 1, "{rest:?}");

    // Importing again: the target is no longer empty.
    let again = shaobao(dir)
        .args(["import", "--database-url", target, "--input", output_arg])
        .output()
        .unwrap();
    let line = the_one_line(&again);
    assert_eq!(again.status.code(), Some(2), "{line}");
    assert!(line.contains("already holds events"), "{line}");
}

#[test]
fn export_piped_into_import_moves_a_district_from_sqlite_to_sqlite() {
    let dir = TempDir::new().unwrap();
    let source = sqlite_url(dir.path());
    let target = format!("sqlite:{}", dir.path().join("target.db").display());
    move_district(dir.path(), &source, &target);
}

#[test]
fn export_piped_into_import_moves_a_district_from_sqlite_to_postgres() {
    let Some(database) = PgDatabase::create() else {
        return;
    };
    let dir = TempDir::new().unwrap();
    move_district(dir.path(), &sqlite_url(dir.path()), &database.url);
}

#[test]
fn import_refuses_a_bad_line_with_its_number_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let source = sqlite_url(dir.path());
    two_cases(&source);
    let exported = text(&run(dir.path(), &["export", "--database-url", &source]).stdout);
    let mut lines: Vec<&str> = exported.lines().collect();
    lines[2] = "{\"aggregate_type\": ";
    let file = dir.path().join("bad.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let target = format!("sqlite:{}", dir.path().join("target.db").display());
    let refused = run(
        dir.path(),
        &[
            "import",
            "--database-url",
            &target,
            "--input",
            file.to_str().unwrap(),
        ],
    );
    let line = the_one_line(&refused);
    assert_eq!(refused.status.code(), Some(1), "{line}");
    assert!(
        line.starts_with("shaobao: import refused, nothing written: line 3: "),
        "{line}"
    );
    let after = run(dir.path(), &["export", "--database-url", &target]);
    assert!(
        after.status.success() && after.stdout.is_empty(),
        "{after:?}"
    );
    let missing = run(
        dir.path(),
        &["import", "--database-url", &target, "--input", "nope.jsonl"],
    );
    let line = the_one_line(&missing);
    assert_eq!(missing.status.code(), Some(2), "{line}");
    assert!(line.contains("cannot open nope.jsonl"), "{line}");
}

#[test]
fn backup_copies_the_sqlite_store_into_a_file_that_verifies() {
    let dir = TempDir::new().unwrap();
    let source = sqlite_url(dir.path());
    two_cases(&source);
    let copy = dir.path().join("backup").join("copy.db");
    std::fs::create_dir(copy.parent().unwrap()).unwrap();
    let copy_arg = copy.to_str().unwrap();
    let backup = |url: &str| {
        run(
            dir.path(),
            &["backup", "--database-url", url, "--output", copy_arg],
        )
    };

    let made = backup(&source);
    assert!(made.status.success(), "{made:?}");
    assert!(text(&made.stdout).contains("backed up to"), "{made:?}");
    let verified = run(
        dir.path(),
        &["verify", "--database-url", &format!("sqlite:{copy_arg}")],
    );
    assert!(verified.status.success(), "{verified:?}");
    assert!(
        text(&verified.stdout).contains("hash chains: 2 streams, 4 events, 0 problems"),
        "{verified:?}"
    );

    let again = backup(&source);
    let line = the_one_line(&again);
    assert_eq!(again.status.code(), Some(2), "{line}");
    assert!(line.contains("already exists"), "{line}");
    let postgres = backup("postgres://nobody@127.0.0.1:1/none");
    let line = the_one_line(&postgres);
    assert_eq!(postgres.status.code(), Some(2), "{line}");
    assert!(line.contains("pg_basebackup or pg_dump"), "{line}");
}

// ------------------------------------------------------------------------------- failures

#[test]
fn a_malformed_org_file_is_one_line_naming_file_and_key() {
    let dir = TempDir::new().unwrap();
    let (before, after) = SAMPLE_ORG
        .split_once("default_department = \"")
        .expect("sample has a default_department");
    let (_, after) = after.split_once('"').unwrap();
    let broken = format!("{before}default_department = \"xyz\"{after}");
    std::fs::write(dir.path().join("broken.toml"), broken).unwrap();

    let output = run(dir.path(), &["serve", "--org", "broken.toml"]);
    let line = the_one_line(&output);
    assert_eq!(output.status.code(), Some(2), "{line}");
    assert!(line.contains("broken.toml"), "{line}");
    assert!(line.contains("].default_department"), "{line}");
    assert!(line.contains("\"xyz\""), "{line}");
    // Configuration is checked before anything is created.
    assert!(!dir.path().join("shaobao-data").exists());
}

#[test]
fn an_org_file_that_is_not_toml_is_one_line_with_its_position() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("garbage.toml"), "[district]\ncode = \n").unwrap();
    let output = run(dir.path(), &["serve", "--org", "garbage.toml"]);
    let line = the_one_line(&output);
    assert_eq!(output.status.code(), Some(2), "{line}");
    assert!(
        line.contains("garbage.toml") && line.contains("line 2"),
        "{line}"
    );
}

#[test]
fn a_missing_org_file_is_one_line() {
    let dir = TempDir::new().unwrap();
    let output = shaobao(dir.path())
        .args(["serve", "--sla-scale", "2"])
        .env("SHAOBAO_ORG", "nowhere.toml")
        .output()
        .unwrap();
    let line = the_one_line(&output);
    assert_eq!(output.status.code(), Some(2), "{line}");
    assert!(
        line.contains("cannot read organisation file nowhere.toml"),
        "{line}"
    );
}

#[test]
fn an_unreachable_database_is_one_line() {
    let dir = TempDir::new().unwrap();
    let output = run(
        dir.path(),
        &["serve", "--database-url", "postgres://127.0.0.1:1/none"],
    );
    let line = the_one_line(&output);
    assert_eq!(output.status.code(), Some(1), "{line}");
    assert!(line.contains("database unavailable"), "{line}");
}

#[test]
fn an_unsupported_database_url_exits_2() {
    let dir = TempDir::new().unwrap();
    for command in ["serve", "migrate"] {
        let output = run(dir.path(), &[command, "--database-url", "mysql://x"]);
        let line = the_one_line(&output);
        assert_eq!(output.status.code(), Some(2), "{line}");
        assert!(line.contains("unsupported database URL"), "{line}");
    }
}

#[test]
fn a_bad_sla_scale_exits_2() {
    let dir = TempDir::new().unwrap();
    for scale in ["0", "-1", "NaN", "fast"] {
        let output = run(dir.path(), &["serve", "--sla-scale", scale]);
        let line = the_one_line(&output);
        assert_eq!(output.status.code(), Some(2), "{scale}: {line}");
        assert!(line.contains("sla-scale"), "{scale}: {line}");
    }
    assert!(!dir.path().join("shaobao-data").exists());
}

#[test]
fn a_port_in_use_is_one_line() {
    let dir = TempDir::new().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = run(
        dir.path(),
        &[
            "serve",
            "--database-url",
            &sqlite_url(dir.path()),
            "--bind",
            &addr,
        ],
    );
    let line = the_one_line(&output);
    assert_eq!(output.status.code(), Some(1), "{line}");
    assert!(line.contains(&format!("cannot listen on {addr}")), "{line}");
}

// ----------------------------------------------------------------------------- PostgreSQL

/// A fresh database on the test server, dropped when this goes out of scope.
struct PgDatabase {
    server: String,
    name: String,
    url: String,
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn admin_connection(server: &str) -> Result<sqlx::PgConnection, String> {
    use sqlx::Connection;
    match tokio::time::timeout(Duration::from_secs(10), sqlx::PgConnection::connect(server)).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err("no answer within 10 s".into()),
    }
}

impl PgDatabase {
    /// `None` (after saying so) when PostgreSQL is unreachable outside CI.
    fn create() -> Option<PgDatabase> {
        use sqlx::Executor;
        let server = std::env::var("SHAOBAO_TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string());
        let name = format!("shaobao_cli_{}", uuid::Uuid::new_v4().simple());
        runtime().block_on(async {
            let mut admin = match admin_connection(&server).await {
                Ok(conn) => conn,
                Err(err) if in_ci() => {
                    panic!("PostgreSQL at {server} is unreachable under CI=true: {err}")
                }
                Err(err) => {
                    println!(
                        "SKIPPED: PostgreSQL at {server} unreachable ({err}); set CI=true to fail"
                    );
                    return None;
                }
            };
            admin
                .execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create test database");
            let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
            let url = format!("{base}/{name}");
            Some(PgDatabase { server, name, url })
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        self.drop_database();
    }
}

impl PgDatabase {
    /// Drops the database, disconnecting whoever is still on it. Idempotent.
    fn drop_database(&self) {
        use sqlx::Executor;
        runtime().block_on(async {
            match admin_connection(&self.server).await {
                Ok(mut admin) => {
                    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
                    if let Err(err) = admin.execute(sql.as_str()).await {
                        eprintln!("could not drop test database {}: {err}", self.name);
                    }
                }
                Err(err) => eprintln!("could not drop test database {}: {err}", self.name),
            }
        });
    }
}
