use futures::future::join_all;
use shaobao_services::command::{CommandError, CommandOutcome};
use shaobao_tests::counter::CounterCommand;
use shaobao_tests::databases::TestStore;

use crate::support::{bus, meta};

const RACERS: usize = 20;

async fn race(t: &TestStore, case: &str, command_id: &str) -> Vec<CommandOutcome> {
    let racers = (0..RACERS).map(|_| {
        let store = t.store.clone();
        let (case, command_id) = (case.to_string(), command_id.to_string());
        tokio::spawn(async move {
            bus(&store)
                .execute(&case, CounterCommand::AddThenDouble(3), &meta(&command_id))
                .await
                .expect("every racer gets an answer")
        })
    });
    join_all(racers)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

fn assert_one_answer(outcomes: &[CommandOutcome]) {
    let first = &outcomes[0];
    for outcome in outcomes {
        assert_eq!(
            (outcome.version, outcome.position),
            (first.version, first.position)
        );
    }
    assert_eq!(
        outcomes.iter().filter(|o| !o.repeated).count(),
        1,
        "exactly one racer executed"
    );
}

/// Twenty identical requests (same command id) race on an existing case: one set of events.
pub async fn twenty_racing_identical_commands_append_one_set(t: TestStore) {
    bus(&t.store)
        .execute("c", CounterCommand::Add(1), &meta("setup"))
        .await
        .unwrap();
    let outcomes = race(&t, "c", "same-key").await;
    assert_one_answer(&outcomes);
    let history = t.store.history("counter", "c").await.unwrap();
    let from_key = history
        .iter()
        .filter(|e| e.metadata["command_id"] == "same-key")
        .count();
    assert_eq!((history.len(), from_key), (3, 2));
    assert_eq!(outcomes[0].version, 3);
}

/// The same race where the command is the stream's first (as opening a case is).
pub async fn twenty_racing_identical_first_commands_create_one_stream(t: TestStore) {
    let outcomes = race(&t, "new", "open-key").await;
    assert_one_answer(&outcomes);
    assert_eq!(t.store.history("counter", "new").await.unwrap().len(), 2);
}

pub async fn a_reused_key_with_another_request_is_refused(t: TestStore) {
    let bus = bus(&t.store);
    bus.execute("c", CounterCommand::Add(1), &meta("k"))
        .await
        .unwrap();
    let mut other = meta("k");
    other.request_hash = "a different body".into();
    let refused = bus.execute("c", CounterCommand::Add(2), &other).await;
    assert!(
        matches!(refused, Err(CommandError::KeyReused(ref k)) if k == "k"),
        "{refused:?}"
    );
    assert_eq!(t.store.history("counter", "c").await.unwrap().len(), 1);
}
