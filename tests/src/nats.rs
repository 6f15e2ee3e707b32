//! A nats-server of the test's own (JetStream on, a random port, a temporary store directory),
//! which the test can stop and start again on the same port and store; or a [`NatsCluster`] of
//! three such servers routed to each other on loopback (JetStream clustered).
//!
//! When `nats-server` cannot be started the test is skipped with a printed notice, except under
//! `CI=true`, where it fails.
//!
//! [`workload`] makes cases whose events use every part of the feed.

pub mod stream;
pub mod workload;

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::databases::in_ci;

/// How long a starting server may take to accept connections.
const START_LIMIT: Duration = Duration::from_secs(15);

pub struct NatsServer {
    port: u16,
    dir: TempDir,
    child: Option<Child>,
    /// Flags beyond JetStream, address, port, store and log (a cluster member's routes).
    extra_args: Vec<String>,
}

impl NatsServer {
    /// A running server, or `None` (after printing why) when `nats-server` cannot be started
    /// outside CI.
    pub async fn start() -> Option<NatsServer> {
        NatsServer::start_with(free_port(), Vec::new()).await
    }

    async fn start_with(port: u16, extra_args: Vec<String>) -> Option<NatsServer> {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut server = NatsServer {
            port,
            dir,
            child: None,
            extra_args,
        };
        match server.spawn().await {
            Ok(()) => Some(server),
            Err(err) if in_ci() => panic!("nats-server cannot be started under CI=true: {err}"),
            Err(err) => {
                eprintln!("SKIPPED: nats-server cannot be started ({err}); set CI=true to fail");
                None
            }
        }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Whether its process is running (not killed by the test).
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Kills the server at once (SIGKILL: what it had not written to its files is lost).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and store directory.
    pub async fn restart(&mut self) {
        self.kill();
        self.spawn().await.expect("restart nats-server");
    }

    async fn spawn(&mut self) -> Result<(), String> {
        let store = self.dir.path().join("jetstream");
        let log = self.dir.path().join("nats-server.log");
        let child = Command::new("nats-server")
            .args(["-js", "-a", "127.0.0.1", "-p", &self.port.to_string()])
            .arg("-sd")
            .arg(&store)
            .arg("-l")
            .arg(&log)
            .args(&self.extra_args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("spawn nats-server: {e}"))?;
        self.child = Some(child);
        let started = Instant::now();
        while TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).is_err() {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                self.child = None;
                return Err(format!("nats-server exited: {status}; {}", tail_of(&log)));
            }
            if started.elapsed() > START_LIMIT {
                self.kill();
                return Err(format!(
                    "not listening after {START_LIMIT:?}; {}",
                    tail_of(&log)
                ));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(())
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Three nats-servers with JetStream, clustered on loopback (random client and route ports), as
/// `deploy/nats/` sets them up on three machines.
pub struct NatsCluster {
    pub servers: Vec<NatsServer>,
}

impl NatsCluster {
    pub const SIZE: usize = 3;

    /// A running cluster, or `None` (after printing why) when `nats-server` cannot be started
    /// outside CI. JetStream elects its meta leader shortly after: the relay waits for it.
    pub async fn start() -> Option<NatsCluster> {
        let client_ports: Vec<u16> = (0..Self::SIZE).map(|_| free_port()).collect();
        let route_ports: Vec<u16> = (0..Self::SIZE).map(|_| free_port()).collect();
        let routes = route_ports
            .iter()
            .map(|port| format!("nats-route://127.0.0.1:{port}"))
            .collect::<Vec<_>>()
            .join(",");
        let mut servers = Vec::new();
        for (n, (&port, &route_port)) in client_ports.iter().zip(&route_ports).enumerate() {
            let args = vec![
                format!("--name=nats{}", n + 1),
                "--cluster_name=shaobao".to_string(),
                format!("--cluster=nats://127.0.0.1:{route_port}"),
                format!("--routes={routes}"),
            ];
            servers.push(NatsServer::start_with(port, args).await?);
        }
        Some(NatsCluster { servers })
    }

    /// Every server's URL, comma-separated, as `--nats-url` takes them.
    pub fn urls(&self) -> String {
        let urls: Vec<String> = self.servers.iter().map(NatsServer::url).collect();
        urls.join(",")
    }
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind port 0");
    listener.local_addr().expect("local address").port()
}

fn tail_of(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().rev().take(5).collect();
    lines.into_iter().rev().collect::<Vec<_>>().join(" | ")
}
