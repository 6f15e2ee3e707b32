//! The engine side: `progress` commands through the case service (clock, idempotency, command
//! bus, cqrs-es, hash chain), on cases opened, dispatched and signed beforehand (not timed).

use std::sync::Arc;

use futures::future::try_join_all;
use shaobao_domain::case::{CaseKind, Channel, Dispatch, Location, OpenCase, Progress, Unit};
use shaobao_domain::org::Organisation;
use shaobao_domain::{Actor, CaseAction};

use super::{BenchError, CommandBench};
use shaobao_services::cases::{CaseService, Request};
use shaobao_services::clock::SystemClock;
use shaobao_services::store::Store;

pub(super) struct Prepared {
    service: CaseService,
    /// Per client, its cases.
    cases: Vec<Vec<String>>,
    department: Actor,
}

pub(super) async fn prepare(
    store: &Store,
    org: Arc<Organisation>,
    config: &CommandBench,
    round: usize,
) -> Result<Prepared, BenchError> {
    let department_code = org.departments[0].code.clone();
    let street = org.streets[0].code.clone();
    let category = org.categories[0].code.clone();
    let service = CaseService::new(store.clone(), org, Arc::new(SystemClock));
    let hotline = Actor::hotline("bench-hotline");
    let department = Actor::department(&department_code, "bench-department");
    let mut cases = Vec::new();
    for client in 0..config.concurrency {
        let mut own = Vec::new();
        for case in 0..config.cases_per_client {
            let open = OpenCase {
                related_cases: vec![],
                channel: Channel::Hotline,
                kind: CaseKind::Complaint,
                category: category.clone(),
                urgency: None,
                description: format!("bench case {round}/{client}/{case}"),
                location: Location::street(&street),
                requester: None,
                source: None,
            };
            let id = service
                .open(&hotline, open, &Request::default())
                .await
                .map_err(command_error)?
                .aggregate_id;
            let dispatch = CaseAction::Dispatch(Dispatch {
                unit: Unit::Department(department_code.clone()),
                co_units: vec![],
            });
            for (actor, action) in [(&hotline, dispatch), (&department, CaseAction::Sign)] {
                service
                    .execute(&id, actor, action, &Request::default())
                    .await
                    .map_err(command_error)?;
            }
            own.push(id);
        }
        cases.push(own);
    }
    Ok(Prepared {
        service,
        cases,
        department,
    })
}

pub(super) async fn run(prepared: &Prepared, config: &CommandBench) -> Result<(), BenchError> {
    let clients = prepared.cases.iter().map(|cases| async move {
        for i in 0..config.commands_per_client {
            let progress = CaseAction::Progress(Progress {
                note: format!("bench progress {i}"),
                evidence: vec![],
            });
            prepared
                .service
                .execute(
                    &cases[i % cases.len()],
                    &prepared.department,
                    progress,
                    &Request::default(),
                )
                .await
                .map_err(command_error)?;
        }
        Ok::<(), BenchError>(())
    });
    try_join_all(clients).await.map(drop)
}

fn command_error(err: impl std::fmt::Display) -> BenchError {
    BenchError::Command(err.to_string())
}
