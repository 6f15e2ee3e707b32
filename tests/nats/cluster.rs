//! The relay on a three-server JetStream cluster (loopback, as `deploy/nats/` sets it up on three
//! machines): given every server's URL it creates the stream `SHAOBAO` with three replicas, starts
//! while one of the servers is dead, and keeps the stream equal to the log.

use std::time::{Duration, Instant};

use async_nats::jetstream::{self, Context};
use shaobao_services::relay::{Relay, RelayConfig, RelayStatus, STREAM_NAME};
use shaobao_tests::databases::{Backend, TestStore};
use shaobao_tests::nats::stream::{assert_stream_is_the_log, whole_log, CONVERGE_LIMIT};
use shaobao_tests::nats::workload::{case_life, case_service};
use shaobao_tests::nats::NatsCluster;

use crate::support::quick_relay;

fn replicated_relay() -> RelayConfig {
    RelayConfig {
        stream_replicas: NatsCluster::SIZE,
        ..quick_relay()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cluster_relay_keeps_an_r3_stream_equal_to_the_log_with_one_seed_dead() {
    let Some(store) = TestStore::fresh(Backend::Postgres).await else {
        return;
    };
    let Some(mut cluster) = NatsCluster::start().await else {
        return;
    };
    let service = case_service(&store.store);
    let urls = cluster.urls();

    let relay = Relay::connect(store.store.clone(), &urls, replicated_relay())
        .await
        .expect("relay connects to the seed list");
    let (status, task) = (relay.status(), tokio::spawn(relay.run()));
    for n in 0..6 {
        case_life(&service, n).await;
    }
    converge(&store, &status).await;
    let jetstream = client(&urls).await;
    let info = jetstream
        .get_stream(STREAM_NAME)
        .await
        .expect("the relay created the stream")
        .info()
        .await
        .expect("stream info")
        .clone();
    assert_eq!(info.config.num_replicas, NatsCluster::SIZE, "{info:?}");
    let cluster_info = info
        .cluster
        .expect("a clustered stream says where it lives");
    assert_eq!(
        cluster_info.replicas.len(),
        NatsCluster::SIZE - 1,
        "a leader and two replicas: {cluster_info:?}"
    );

    // The first seed dies; a relay starting now (a node restarted meanwhile) connects to the
    // others, and the stream, on two of its three servers, still takes every event once.
    task.abort();
    let _ = task.await;
    cluster.servers[0].kill();
    let started = Instant::now();
    let relay = Relay::connect(store.store.clone(), &urls, replicated_relay())
        .await
        .expect("relay starts with one seed dead");
    let (status, task) = (relay.status(), tokio::spawn(relay.run()));
    for n in 6..12 {
        case_life(&service, n).await;
    }
    converge(&store, &status).await;
    println!(
        "relay with one of three seeds dead: the whole log published {:.2} s after it started",
        started.elapsed().as_secs_f64()
    );
    assert_stream_is_the_log(&store.store, &client(&urls).await).await;

    // Back with its store: the cluster takes it in, and the stream is still the log.
    cluster.servers[0].restart().await;
    for n in 12..15 {
        case_life(&service, n).await;
    }
    converge(&store, &status).await;
    assert_stream_is_the_log(&store.store, &client(&urls).await).await;
    task.abort();
}

/// A department's client, given the seed list as the relay is.
async fn client(urls: &str) -> Context {
    let servers = shaobao_services::relay::seed_servers(urls).unwrap();
    let client = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect(servers)
        .await
        .expect("test client");
    jetstream::new(client)
}

/// Waits until the relay reports the whole log published.
async fn converge(store: &TestStore, status: &RelayStatus) {
    let last = whole_log(&store.store)
        .await
        .last()
        .expect("a log")
        .position;
    let deadline = Instant::now() + CONVERGE_LIMIT;
    while status.report().published_up_to != last {
        let report = status.report();
        assert!(
            Instant::now() < deadline,
            "relay did not converge: {report:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
