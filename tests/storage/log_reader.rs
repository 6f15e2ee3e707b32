//! The one reader of the log in commit order (`Store::read_log_page`), which the store's API, the
//! relay and the projectors all read through: order, page boundaries, what a page carries, and
//! the regression where keyset pages skipped events because transaction ids sorted as text.

use serde_json::Value;
use shaobao_services::store::{LogPosition, LoggedEvent, PageContent, Store, StoreError};
use shaobao_tests::counter::CounterCommand;
use shaobao_tests::databases::{whole_log, TestStore};

use crate::support::{allow_tampering, bus, exec, meta};

/// Three counters of seven events each, written interleaved.
async fn twenty_one_events(store: &Store) {
    for round in 0..7 {
        for counter in ["a", "b", "c"] {
            bus(store)
                .execute(
                    counter,
                    CounterCommand::Add(round),
                    &meta(&format!("{counter}{round}")),
                )
                .await
                .unwrap();
        }
    }
}

/// The whole log read in pages of `size`, each page decoded whole.
async fn read_in_pages(store: &Store, size: u32) -> Vec<LoggedEvent> {
    let (mut read, mut after) = (Vec::new(), LogPosition::START);
    loop {
        let page = store
            .read_log_page(after, size, PageContent::WHOLE)
            .await
            .unwrap();
        let events = page.events().unwrap();
        assert!(events.len() <= size as usize, "at most a page of {size}");
        assert_eq!(page.last(), events.last().map(|e| e.position));
        let Some(last) = page.last() else {
            return read;
        };
        assert!(last > after, "the cursor only moves forward");
        after = last;
        for event in &events {
            read.push(LoggedEvent::decode(event).unwrap());
        }
    }
}

pub async fn every_page_size_reads_the_whole_log_once_in_order(t: TestStore) {
    let store = &t.store;
    twenty_one_events(store).await;
    let log = whole_log(store).await;
    assert_eq!(log.len(), 21);
    let positions: Vec<LogPosition> = log.iter().map(|e| e.position).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    let streams: Vec<(&str, i64)> = log
        .iter()
        .map(|e| (e.aggregate_id.as_str(), e.sequence))
        .collect();
    assert_eq!(&streams[..4], [("a", 1), ("b", 1), ("c", 1), ("a", 2)]);

    // Pages that end on, just before and just after the log's end, and smaller ones.
    for size in [1, 2, 5, 7, 20, 21, 22, 1000] {
        assert_eq!(read_in_pages(store, size).await, log, "pages of {size}");
    }
    let after_the_end = store
        .read_log_page(*positions.last().unwrap(), 10, PageContent::WHOLE)
        .await
        .unwrap();
    assert_eq!(after_the_end.last(), None);
    assert!(after_the_end.events().unwrap().is_empty());
    let from_the_middle = store.read_log(positions[9], 5).await.unwrap();
    assert_eq!(from_the_middle, log[10..15]);
}

pub async fn a_page_carries_only_what_was_asked(t: TestStore) {
    let store = &t.store;
    twenty_one_events(store).await;
    exec(
        store,
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                             payload, metadata)
         VALUES ('visit', 'v-1', 1, 'VisitRecorded', '1', '{\"VisitRecorded\":{}}',
                 '{\"hash\":\"h\"}')",
    )
    .await;
    let log = whole_log(store).await;
    let counters_only = PageContent {
        payloads_of: Some(&["counter"]),
        metadata: false,
    };
    let page = store
        .read_log_page(LogPosition::START, 100, counters_only)
        .await
        .unwrap();
    let events = page.events().unwrap();
    assert_eq!(events.len(), 22);
    for (raw, whole) in events.iter().zip(&log) {
        assert_eq!(
            (
                raw.position,
                &*raw.aggregate_id,
                raw.sequence,
                &*raw.event_type
            ),
            (
                whole.position,
                whole.aggregate_id.as_str(),
                whole.sequence,
                whole.event_type.as_str()
            )
        );
        assert_eq!(raw.metadata, None, "no metadata asked for");
        match &*raw.aggregate_type {
            "counter" => {
                let payload: Value = serde_json::from_str(raw.payload.unwrap()).unwrap();
                assert_eq!(payload, whole.payload);
            }
            other => assert_eq!((other, raw.payload), ("visit", None)),
        }
    }
    assert!(matches!(
        LoggedEvent::decode(&events[0]),
        Err(StoreError::Corrupt(_))
    ));

    let whole = store
        .read_log_page(LogPosition::START, 100, PageContent::WHOLE)
        .await
        .unwrap();
    let visit = whole.events().unwrap().pop().unwrap();
    assert_eq!(visit.payload, Some(r#"{"VisitRecorded":{}}"#));
    assert_eq!(visit.metadata, Some(r#"{"hash":"h"}"#));
}

/// Regression: the PostgreSQL page query once sorted by the transaction id's text, so ids of
/// different lengths ("9", "10", "100") came out of order and keyset pages skipped events. Here
/// the same stream ids are written by transactions (PostgreSQL) or at positions (SQLite) 100, 9
/// and 10, in that order; every page size reads them as numbers.
pub async fn ids_of_different_lengths_are_read_as_numbers(t: TestStore) {
    let store = &t.store;
    let column = match store {
        Store::Postgres(_) => "transaction_id",
        Store::Sqlite(_) => "position",
    };
    for (place, visit) in [(100, "v-100"), (9, "v-9"), (10, "v-10")] {
        let value = match store {
            Store::Postgres(_) => format!("'{place}'::xid8"),
            Store::Sqlite(_) => place.to_string(),
        };
        exec(
            store,
            &format!(
                "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                                     event_version, payload, metadata, {column})
                 VALUES ('visit', '{visit}', 1, 'VisitRecorded', '1', '{{}}',
                         '{{\"hash\": \"-\"}}', {value})"
            ),
        )
        .await;
    }
    for size in [1, 2, 3] {
        let read: Vec<String> = read_in_pages(store, size)
            .await
            .into_iter()
            .map(|e| e.aggregate_id)
            .collect();
        assert_eq!(read, ["v-9", "v-10", "v-100"], "pages of {size}");
    }
}

/// SQLite does not check that a stored payload is JSON, and a page comes as one JSON text: a
/// stored value that is not one JSON value (only tampering makes one) must fail the read, never
/// slip entries of its own into the page. PostgreSQL refuses to store it, and so does SQLite's
/// stream-head trigger for metadata.
pub async fn a_stored_value_that_is_not_one_json_value_fails_the_read(t: TestStore) {
    let store = &t.store;
    allow_tampering(store).await;
    let smuggled_entry = r#"[99,"visit","smuggled",1,"VisitRecorded","1",null,null"#;
    let payload = format!(r#"{{"Added":1}}],{smuggled_entry}"#);
    let metadata = format!(r#"{{"hash":"-"}}],{smuggled_entry}"#);
    for (n, (payload, metadata)) in [
        (payload.as_str(), r#"{"hash":"-"}"#),
        (r#"{"Added":1}"#, metadata.as_str()),
    ]
    .into_iter()
    .enumerate()
    {
        let insert = format!(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                                 event_version, payload, metadata)
             VALUES ('counter', 'c-{n}', 1, 'Added', '1', '{payload}', '{metadata}')"
        );
        let inserted = match store {
            Store::Postgres(pool) => sqlx::raw_sql(&insert).execute(pool).await.map(drop),
            Store::Sqlite(pool) => sqlx::raw_sql(&insert).execute(pool).await.map(drop),
        };
        // Only SQLite's payload column holds text that is not JSON.
        if !matches!((store, n), (Store::Sqlite(_), 0)) {
            assert!(inserted.is_err(), "refused on insert: {payload} {metadata}");
            continue;
        }
        inserted.unwrap();
        match store.read_log(LogPosition::START, 10).await {
            Err(StoreError::Corrupt(message)) => {
                assert!(message.contains("not one JSON value"), "{message}")
            }
            other => panic!("expected a corrupt page, got {other:?}"),
        }
    }
}
