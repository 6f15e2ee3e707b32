use std::collections::HashMap;
use std::sync::Arc;

use shaobao_services::command::CommandError;
use shaobao_services::store::Store;
use shaobao_tests::counter::CounterCommand;
use shaobao_tests::databases::TestStore;

use crate::support::{bus, meta};

const WRITERS: usize = 16;
const COMMANDS_EACH: usize = 50;

/// Sixteen writers append to one case at once, from two "processes" (each its own connection pool
/// and command bus, so they really race in the database): every acknowledged command's events are
/// there exactly once, the sequence has no gap or fork, and a writer that gave up left nothing.
pub async fn sixteen_writers_on_one_case_never_fork_the_stream(t: TestStore) {
    let processes = [
        Arc::new(bus(&t.store)),
        Arc::new(bus(&Store::connect(&t.url).await.unwrap())),
    ];
    let writers = (0..WRITERS).map(|w| {
        let bus = processes[w % 2].clone();
        tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            let mut gave_up = 0;
            for i in 0..COMMANDS_EACH {
                let id = format!("w{w}-{i}");
                match bus.execute("hot", CounterCommand::Add(1), &meta(&id)).await {
                    Ok(outcome) => acknowledged.push((id, outcome.version)),
                    Err(CommandError::Conflict { .. }) => gave_up += 1,
                    Err(other) => panic!("writer {w}: {other}"),
                }
            }
            (acknowledged, gave_up)
        })
    });
    let mut acknowledged = HashMap::new();
    let mut gave_up = 0;
    for writer in futures::future::join_all(writers).await {
        let (acks, failures) = writer.unwrap();
        gave_up += failures;
        for (id, version) in acks {
            assert!(acknowledged.insert(id, version).is_none());
        }
    }

    let history = t.store.history("counter", "hot").await.unwrap();
    let sequences: Vec<i64> = history.iter().map(|e| e.sequence).collect();
    let expected: Vec<i64> = (1..=history.len() as i64).collect();
    assert_eq!(sequences, expected, "contiguous, no fork");
    assert_eq!(history.len(), acknowledged.len(), "no lost or extra event");
    for event in &history {
        let id = event.metadata["command_id"].as_str().unwrap();
        assert_eq!(
            acknowledged.get(id),
            Some(&event.sequence),
            "{id} once, where acknowledged"
        );
    }
    println!(
        "{} acknowledged, {gave_up} gave up after retries",
        acknowledged.len()
    );
    assert_eq!(acknowledged.len() + gave_up, WRITERS * COMMANDS_EACH);
    // Retries are bounded, so a writer that keeps losing to the other process may give up (it
    // then answers 409 and leaves nothing behind, checked above); on a quiet machine none does.
    assert!(
        gave_up * 10 <= WRITERS * COMMANDS_EACH,
        "{gave_up} of {} gave up: the retry budget is far too small",
        WRITERS * COMMANDS_EACH
    );
}
