//! The HTTP side: `serve` with a NATS URL relays and reports the relay in `/health/ready` and
//! `/metrics`, and a department's agent (`shaobao agent`) reports in to the whistle summoning it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Value;
use shaobao_api::{ServeConfig, Server};
use shaobao_cli::agent::{follow, AgentConfig};
use shaobao_domain::Role;
use shaobao_services::clock::ManualClock;
use shaobao_tests::app::start_of_tests;
use shaobao_tests::nats::workload::case_life;
use tokio::sync::oneshot;

use crate::support::{assert_stream_is_the_log, Rig};

const DEPARTMENT: &str = "urban_management";

pub async fn a_department_agent_reports_in_to_its_whistle(rig: Rig) {
    let config = ServeConfig {
        database_url: rig.store.url.clone(),
        nats_url: Some(rig.nats.url()),
        bind: "127.0.0.1:0".parse().unwrap(),
        ..ServeConfig::default()
    };
    let clock = Arc::new(ManualClock::new(start_of_tests()));
    let server = Server::start_with_clock(&config, clock).await.unwrap();
    let (base, state) = (
        format!("http://{}", server.local_addr()),
        server.state().clone(),
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let department = Role::Department {
        department: DEPARTMENT.into(),
    };
    let token = state.tokens.create(department, &state.org, Utc::now());
    let agent = AgentConfig {
        department: DEPARTMENT.into(),
        token: token.await.unwrap().token,
        nats_url: rig.nats.url(),
        api_url: base.clone(),
    };
    let agent = tokio::spawn(async move { follow(&agent).await });

    // Case 1 is whistled: urban management and housing are summoned.
    let case_id = case_life(&rig.service, 1).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let reported_in = loop {
        let history = rig.store().history("case", &case_id).await.unwrap();
        let reported: Vec<Value> = history
            .iter()
            .filter(|e| e.event_type == "DepartmentReportedIn")
            .map(|e| e.payload["DepartmentReportedIn"].clone())
            .collect();
        if !reported.is_empty() {
            break reported;
        }
        assert!(Instant::now() < deadline, "the agent never reported in");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(reported_in.len(), 1, "only the department with an agent");
    assert_eq!(reported_in[0]["department"], DEPARTMENT);
    assert_eq!(reported_in[0]["mode"], "remote");

    let relay = state.relay.clone().expect("serve relays with a NATS URL");
    assert_stream_is_the_log(&rig, &relay).await;
    let ready: Value = reqwest::get(format!("{base}/health/ready"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["relay"]["connected"], true, "{ready}");
    assert_eq!(ready["relay"]["leader"], true, "{ready}");
    let metrics = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in ["shaobao_relay_connected 1", "shaobao_relay_leader 1"] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }
    assert!(metrics.contains("shaobao_relay_lag_events"));
    assert!(!metrics.contains("shaobao_relay_last_publish_timestamp_seconds 0\n"));

    agent.abort();
    stop.send(()).unwrap();
    served.await.unwrap().unwrap();
}
