//! Open-loop HTTP load for `shaobao bench`: `progress` commands at a fixed offered rate on cases
//! dispatched to one department and signed beforehand (not timed), sent with that department's
//! token. Request `i` is due at `start + i / rate` whatever happened to earlier ones, and its
//! latency counts from that due time, so a slow server cannot hide its queue (no coordinated
//! omission).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::json;
use shaobao_api::server::AppState;
use shaobao_domain::case::{CaseKind, Channel, Dispatch, Location, OpenCase, Unit};
use shaobao_domain::{Actor, CaseAction, Role};
use shaobao_services::cases::Request;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::client::ApiClient;
use super::error::SimError;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct LoadLevel {
    pub offered_per_second: f64,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadResult {
    pub offered_per_second: f64,
    pub seconds: f64,
    pub sent: u64,
    pub ok: u64,
    /// Answers other than 200 by status (0: no answer).
    pub errors: BTreeMap<u16, u64>,
    /// Successful commands per second, from the first due time to the last answer.
    pub achieved_per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Cases ready for `progress` and a token allowed to record it.
pub struct LoadTarget {
    client: ApiClient,
    token: Arc<str>,
    cases: Vec<Arc<str>>,
}

impl LoadTarget {
    /// Opens, dispatches and signs `cases` cases through the server's case service.
    pub async fn prepare(
        state: &AppState,
        client: ApiClient,
        cases: usize,
    ) -> Result<LoadTarget, SimError> {
        let org = &state.org;
        let department = org.departments[0].code.clone();
        let hotline = Actor::hotline("bench-hotline");
        let unit = Actor::department(&department, "bench-department");
        let setup =
            |err: shaobao_services::cases::CaseCommandError| SimError::Setup(err.to_string());
        let mut ids = Vec::with_capacity(cases);
        for n in 0..cases {
            let open = OpenCase {
                related_cases: vec![],
                channel: Channel::Hotline,
                kind: CaseKind::Complaint,
                category: org.categories[0].code.clone(),
                urgency: None,
                description: format!("bench case {n}"),
                location: Location::street(&org.streets[0].code),
                requester: None,
                source: None,
            };
            let id = state
                .cases
                .open(&hotline, open, &Request::default())
                .await
                .map_err(setup)?
                .aggregate_id;
            let dispatch = CaseAction::Dispatch(Dispatch {
                unit: Unit::Department(department.clone()),
                co_units: vec![],
            });
            for (actor, action) in [(&hotline, dispatch), (&unit, CaseAction::Sign)] {
                state
                    .cases
                    .execute(&id, actor, action, &Request::default())
                    .await
                    .map_err(setup)?;
            }
            ids.push(Arc::from(id));
        }
        let role = Role::Department { department };
        let token = state
            .tokens
            .create(role, org, chrono::Utc::now())
            .await?
            .token;
        Ok(LoadTarget {
            client,
            token: Arc::from(token),
            cases: ids,
        })
    }

    /// Offers `level` for its duration; `label` keeps Idempotency-Keys apart between runs.
    pub async fn offer(&self, level: LoadLevel, label: &str) -> LoadResult {
        let count = (level.offered_per_second * level.seconds).round() as usize;
        let interval = Duration::from_secs_f64(1.0 / level.offered_per_second);
        let start = Instant::now() + Duration::from_millis(20);
        let mut requests = JoinSet::new();
        for i in 0..count {
            let due = start + interval * i as u32;
            tokio::time::sleep_until(due).await;
            let (client, token) = (self.client.clone(), self.token.clone());
            let path = format!(
                "/api/v1/cases/{}/progress",
                self.cases[i % self.cases.len()]
            );
            let key = format!("{label}-{i}");
            requests.spawn(async move {
                let body = json!({"note": "bench progress"});
                let answer = client.post(&path, &token, &key, &body).await;
                (answer.map_or(0, |a| a.status), due.elapsed())
            });
        }
        let (mut latencies, mut errors, mut ok) = (Vec::with_capacity(count), BTreeMap::new(), 0);
        while let Some(Ok((status, latency))) = requests.join_next().await {
            latencies.push(latency.as_secs_f64() * 1000.0);
            match status {
                200 => ok += 1,
                status => *errors.entry(status).or_insert(0) += 1,
            }
        }
        let elapsed = start.elapsed().as_secs_f64();
        latencies.sort_by(f64::total_cmp);
        LoadResult {
            offered_per_second: level.offered_per_second,
            seconds: level.seconds,
            sent: count as u64,
            ok,
            errors,
            achieved_per_second: ok as f64 / elapsed,
            p50_ms: percentile(&latencies, 0.50),
            p90_ms: percentile(&latencies, 0.90),
            p99_ms: percentile(&latencies, 0.99),
            max_ms: latencies.last().copied().unwrap_or(0.0),
        }
    }
}

/// Nearest-rank percentile of sorted values.
pub(super) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
