//! `deploy/local-cluster` driven from a test: three nats-servers, a fresh PostgreSQL database and
//! three `shaobao serve` nodes on loopback, each process killable (SIGKILL, by its own pid) and
//! restartable by the script. Stopped, and its database dropped, on drop.
//!
//! Without nats-server, psql or PostgreSQL the test is skipped with a printed notice, except
//! under `CI=true`, where it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use shaobao_tests::databases::{in_ci, postgres_url};
use tempfile::TempDir;

pub const SIZE: usize = 3;
const BIN: &str = env!("CARGO_BIN_EXE_shaobao");
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/local-cluster");

pub struct LocalCluster {
    state: TempDir,
    pub database_url: String,
    pub nats_urls: String,
}

impl LocalCluster {
    /// Starts everything, every node with `serve_args` besides its own; `None` (after printing
    /// why) when a service it needs is missing outside CI.
    pub fn start(serve_args: &[&str]) -> Option<LocalCluster> {
        if let Err(missing) = prerequisites() {
            assert!(
                !in_ci(),
                "the cluster test cannot run under CI=true: {missing}"
            );
            eprintln!("SKIPPED: {missing}; set CI=true to fail");
            return None;
        }
        let state = tempfile::tempdir().expect("temp dir");
        let mut cluster = LocalCluster {
            state,
            database_url: String::new(),
            nats_urls: String::new(),
        };
        let mut args = vec!["start", "--"];
        args.extend_from_slice(serve_args);
        cluster.script(&args);
        cluster.database_url = cluster.fact("database_url");
        cluster.nats_urls = cluster.fact("nats_urls");
        Some(cluster)
    }

    /// `http://127.0.0.1:PORT` of node `n` (1-based).
    pub fn node_url(&self, n: usize) -> String {
        format!("http://127.0.0.1:{}", self.fact(&format!("node-{n}/port")))
    }

    pub fn node_id(&self, n: usize) -> String {
        self.fact(&format!("node-{n}/id"))
    }

    /// Node number of the node named `id`.
    pub fn node_named(&self, id: &str) -> usize {
        (1..=SIZE)
            .find(|&n| self.node_id(n) == id)
            .unwrap_or_else(|| panic!("no node {id}"))
    }

    /// Number of the NATS server whose `server_name` is `name` (nats1…nats3).
    pub fn nats_named(&self, name: &str) -> usize {
        name.trim_start_matches("nats")
            .parse()
            .unwrap_or_else(|_| panic!("not a server of this cluster: {name}"))
    }

    pub fn kill_node(&self, n: usize) {
        self.kill(&format!("node-{n}/pid"), libc::SIGKILL);
    }

    /// SIGTERM: the node finishes in-flight requests and gives up its leases.
    pub fn terminate_node(&self, n: usize) {
        self.kill(&format!("node-{n}/pid"), libc::SIGTERM);
    }

    pub fn kill_nats(&self, n: usize) {
        self.kill(&format!("nats-{n}/pid"), libc::SIGKILL);
    }

    /// Starts node `n` again (same port, id and database) and waits until it is ready.
    pub fn start_node(&self, n: usize) {
        self.script(&["start-node", &n.to_string()]);
    }

    /// Starts NATS server `n` again (same ports and store).
    pub fn start_nats(&self, n: usize) {
        self.script(&["start-nats", &n.to_string()]);
    }

    fn kill(&self, pid_file: &str, signal: libc::c_int) {
        let pid: libc::pid_t = self.fact(pid_file).parse().expect("a pid");
        // SAFETY: kill(2) on the one process this cluster started and recorded; no memory involved.
        let sent = unsafe { libc::kill(pid, signal) };
        assert_eq!(sent, 0, "kill {pid} ({pid_file})");
        let deadline = Instant::now() + Duration::from_secs(30);
        while is_running(pid) {
            assert!(Instant::now() < deadline, "{pid} ({pid_file}) did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn script(&self, args: &[&str]) -> Output {
        let output = Command::new(SCRIPT)
            .args(args)
            .env("SHAOBAO_BIN", BIN)
            .env("LOCAL_CLUSTER_STATE", self.state.path())
            .env("LOCAL_CLUSTER_PG", postgres_url())
            .env("RUST_LOG", "info,shaobao_api::observe=warn")
            .stdin(Stdio::null())
            .output()
            .expect("run deploy/local-cluster");
        assert!(
            output.status.success(),
            "deploy/local-cluster {args:?}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn path(&self, fact: &str) -> PathBuf {
        self.state.path().join(fact)
    }

    /// One fact the script recorded in its state directory.
    fn fact(&self, fact: &str) -> String {
        let path = self.path(fact);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .trim()
            .to_string()
    }
}

impl LocalCluster {
    /// The last lines of every server's log, for a failed test's output: the state directory is
    /// removed with the cluster, and a failure under load is rarely reproduced at once.
    fn print_log_tails(&self) {
        const LINES: usize = 40;
        for server in ["node-1", "node-2", "node-3", "nats-1", "nats-2", "nats-3"] {
            let path = self.state.path().join(server).join("log");
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let lines: Vec<&str> = text.lines().collect();
            eprintln!("--- last lines of {server}'s log ---");
            for line in &lines[lines.len().saturating_sub(LINES)..] {
                eprintln!("{line}");
            }
        }
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.print_log_tails();
        }
        let stopped = Command::new(SCRIPT)
            .arg("stop")
            .env("LOCAL_CLUSTER_STATE", self.state.path())
            .env("LOCAL_CLUSTER_PG", postgres_url())
            .stdin(Stdio::null())
            .status();
        if !stopped.as_ref().is_ok_and(|s| s.success()) {
            eprintln!("deploy/local-cluster stop failed: {stopped:?}");
        }
    }
}

/// nats-server and psql installed, PostgreSQL answering.
fn prerequisites() -> Result<(), String> {
    for tool in ["nats-server", "psql", "curl"] {
        let found = Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !found.is_ok_and(|s| s.success()) {
            return Err(format!("{tool} is not installed"));
        }
    }
    let answered = Command::new("psql")
        .args([&postgres_url(), "-qAtX", "-c", "SELECT 1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !answered.is_ok_and(|s| s.success()) {
        return Err(format!("PostgreSQL does not answer at {}", postgres_url()));
    }
    if !Path::new(SCRIPT).is_file() {
        return Err(format!("{SCRIPT} is missing"));
    }
    Ok(())
}

/// Alive and not a zombie (a killed process no one has reaped yet is gone for our purposes).
fn is_running(pid: libc::pid_t) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}
