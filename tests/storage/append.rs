use shaobao_services::command::CommandError;
use shaobao_services::store::{ExportFilter, LogPosition};
use shaobao_tests::counter::CounterCommand;
use shaobao_tests::databases::TestStore;

use shaobao_tests::databases::whole_log;

use crate::support::{bus, meta};

pub async fn events_append_and_load_with_positions_and_hashes(t: TestStore) {
    let bus = bus(&t.store);
    let first = bus
        .execute("c-1", CounterCommand::Add(5), &meta("a"))
        .await
        .unwrap();
    let second = bus
        .execute("c-1", CounterCommand::AddThenDouble(1), &meta("b"))
        .await
        .unwrap();
    bus.execute("c-2", CounterCommand::Add(7), &meta("c"))
        .await
        .unwrap();

    assert_eq!((first.version, second.version), (1, 3));
    assert!(second.position > first.position);

    let history = t.store.history("counter", "c-1").await.unwrap();
    let sequences: Vec<i64> = history.iter().map(|e| e.sequence).collect();
    assert_eq!(sequences, [1, 2, 3]);
    let types: Vec<&str> = history.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["Added", "Added", "Doubled"]);
    assert_eq!(history[2].position, second.position);
    assert_eq!(history[0].metadata["command_id"], "a");
    assert_eq!(
        history[1].metadata["actor"],
        r#"{"role":"hotline","id":"tester"}"#
    );
    assert_eq!(history[1].metadata["correlation_id"], "corr-b");
    assert!(history.iter().all(|e| e.hash.len() == 64));
    assert!(history.windows(2).all(|w| w[0].hash != w[1].hash));

    let log = whole_log(&t.store).await;
    assert_eq!(log.len(), 4);
    assert!(log.windows(2).all(|w| w[0].position < w[1].position));
    assert!(log[0].position > LogPosition::START);
    assert_eq!(log.last().unwrap().aggregate_id, "c-2");

    // Loading the aggregate through cqrs-es sees every event: (5 + 1) * 2 + the next add.
    let after = bus
        .execute("c-1", CounterCommand::Add(0), &meta("d"))
        .await
        .unwrap();
    assert_eq!(after.version, 4);
    let history = t.store.history("counter", "c-1").await.unwrap();
    assert_eq!(history[3].sequence, 4);
}

pub async fn migrations_are_idempotent(t: TestStore) {
    t.store.migrate().await.expect("second migrate is a no-op");
    bus(&t.store)
        .execute("c", CounterCommand::Add(1), &meta("x"))
        .await
        .unwrap();
    t.store
        .migrate()
        .await
        .expect("third migrate keeps the data");
    assert_eq!(whole_log(&t.store).await.len(), 1);
}

pub async fn a_refused_command_appends_nothing(t: TestStore) {
    let bus = bus(&t.store);
    bus.execute("c", CounterCommand::Add(1), &meta("ok"))
        .await
        .unwrap();
    let refused = bus.execute("c", CounterCommand::Fail, &meta("no")).await;
    assert!(
        matches!(refused, Err(CommandError::Domain(_))),
        "{refused:?}"
    );
    assert_eq!(t.store.history("counter", "c").await.unwrap().len(), 1);
}

pub async fn events_cannot_be_updated_or_deleted_by_accident(t: TestStore) {
    bus(&t.store)
        .execute("c", CounterCommand::Add(1), &meta("x"))
        .await
        .unwrap();
    for sql in ["UPDATE events SET event_type = 'X'", "DELETE FROM events"] {
        let refused = match &t.store {
            shaobao_services::store::Store::Postgres(p) => sqlx::query(sql).execute(p).await.err(),
            shaobao_services::store::Store::Sqlite(p) => sqlx::query(sql).execute(p).await.err(),
        };
        let message = refused.expect("append-only guard refuses").to_string();
        assert!(message.contains("append-only"), "{message}");
    }
    assert_eq!(
        t.store.history("counter", "c").await.unwrap()[0].event_type,
        "Added"
    );
}

/// `If-Match`: a command decided on another version than the stream has is refused, untouched.
pub async fn a_stale_expected_version_is_refused(t: TestStore) {
    let bus = bus(&t.store);
    bus.execute("c", CounterCommand::Add(1), &meta("a"))
        .await
        .unwrap();
    let mut stale = meta("b");
    stale.expected_version = Some(0);
    let refused = bus.execute("c", CounterCommand::Add(1), &stale).await;
    assert!(
        matches!(
            refused,
            Err(CommandError::VersionMismatch {
                expected: 0,
                actual: 1
            })
        ),
        "{refused:?}"
    );
    let mut current = meta("c");
    current.expected_version = Some(1);
    let accepted = bus
        .execute("c", CounterCommand::Add(1), &current)
        .await
        .unwrap();
    assert_eq!(accepted.version, 2);
    assert_eq!(t.store.history("counter", "c").await.unwrap().len(), 2);
}

/// `shaobao export`: one JSON object per line, in log order, with position and hash.
pub async fn export_writes_the_log_as_json_lines(t: TestStore) {
    let bus = bus(&t.store);
    bus.execute("a", CounterCommand::AddThenDouble(1), &meta("1"))
        .await
        .unwrap();
    bus.execute("b", CounterCommand::Add(2), &meta("2"))
        .await
        .unwrap();
    let log = whole_log(&t.store).await; // waits until other tests' open transactions let it see
    let mut out = Vec::new();
    let written = t
        .store
        .export(&ExportFilter::default(), &mut out, |_| {})
        .await
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!((written, lines.len()), (3, 3));
    for (line, event) in lines.iter().zip(&log) {
        assert_eq!(line["position"], event.position.to_string());
        assert_eq!(line["hash"], event.hash);
        assert_eq!(line["event_type"], event.event_type);
        assert_eq!(line["aggregate_id"], event.aggregate_id);
    }
}
