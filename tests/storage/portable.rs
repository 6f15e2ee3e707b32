//! The portable log (DESIGN §5): `export` → `import` into a fresh store of the other kind keeps
//! every history and its hashes; a file that is malformed, has a gap or an altered event, or a
//! target that is not empty, is refused whole, writing nothing.

use std::io::Cursor;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use shaobao_domain::case::{CaseKind, Channel, Dispatch, Location, OpenCase, Requester, Unit};
use shaobao_domain::{Actor, CaseAction};
use shaobao_services::cases::{CaseService, Request};
use shaobao_services::clock::ManualClock;
use shaobao_services::org_file::load_org;
use shaobao_services::store::chain::{hash, Link, GENESIS};
use shaobao_services::store::{ExportFilter, ImportError, ImportReport, LoggedEvent, Store};
use shaobao_tests::counter::CounterCommand;
use shaobao_tests::databases::{count_events, whole_log, Backend, TestStore};

use crate::support::{bus, meta};

/// A fresh store of the kind `t` is not.
async fn other_kind(t: &TestStore) -> Option<TestStore> {
    let other = match t.store {
        Store::Postgres(_) => Backend::Sqlite,
        Store::Sqlite(_) => Backend::Postgres,
    };
    TestStore::fresh(other).await
}

/// A fresh store of the kind `t` is.
async fn same_kind(t: &TestStore) -> Option<TestStore> {
    let same = match t.store {
        Store::Postgres(_) => Backend::Postgres,
        Store::Sqlite(_) => Backend::Sqlite,
    };
    TestStore::fresh(same).await
}

/// The indexes and triggers of `events` (their definitions, and whether each trigger is on),
/// then every row of `stream_heads`.
async fn derived_state(
    store: &Store,
) -> (Vec<(String, String)>, Vec<(String, String, i64, String)>) {
    let heads = "SELECT aggregate_type, aggregate_id, sequence, hash FROM stream_heads
                 ORDER BY aggregate_type, aggregate_id";
    match store {
        Store::Postgres(pool) => (
            sqlx::query_as(
                "SELECT pg_get_indexdef(indexrelid), '' FROM pg_index
                 WHERE indrelid = 'events'::regclass
                 UNION ALL
                 SELECT pg_get_triggerdef(oid), tgenabled::text FROM pg_trigger
                 WHERE tgrelid = 'events'::regclass AND NOT tgisinternal
                 ORDER BY 1",
            )
            .fetch_all(pool)
            .await
            .unwrap(),
            sqlx::query_as(heads).fetch_all(pool).await.unwrap(),
        ),
        Store::Sqlite(pool) => (
            sqlx::query_as(
                "SELECT name, coalesce(sql, '') FROM sqlite_master
                 WHERE tbl_name = 'events' AND type IN ('index', 'trigger') ORDER BY name",
            )
            .fetch_all(pool)
            .await
            .unwrap(),
            sqlx::query_as(heads).fetch_all(pool).await.unwrap(),
        ),
    }
}

/// Two real cases (Chinese text, a requester, coordinates) and interleaved counter streams.
pub(crate) async fn some_history(store: &Store) {
    let org = Arc::new(load_org(None, 1.0).expect("sample district"));
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap());
    let service = CaseService::new(store.clone(), org, Arc::new(clock));
    let hotline = Actor::hotline("op-1");
    for n in 0..2 {
        let open = OpenCase {
            related_cases: vec![],
            channel: Channel::Hotline,
            kind: CaseKind::Complaint,
            category: "noise".into(),
            urgency: None,
            description: format!("楼下商铺夜间施工噪声扰民 \"{n}\"\n第二行"),
            location: Location {
                lat: Some(39.937_2),
                lon: Some(116.403),
                ..Location::street("jingshan")
            },
            requester: Some(Requester {
                name: "王小明".into(),
                phone: "13812341234".into(),
            }),
            source: None,
        };
        let key = |what: &str| Request {
            idempotency_key: Some(format!("{what}-{n}")),
            correlation_id: format!("corr-{n}"),
            expected_version: None,
        };
        let id = service.open(&hotline, open, &key("open")).await.unwrap();
        let dispatch = CaseAction::Dispatch(Dispatch {
            unit: Unit::Department("urban_management".into()),
            co_units: vec![],
        });
        service
            .execute(&id.aggregate_id, &hotline, dispatch, &key("dispatch"))
            .await
            .unwrap();
    }
    let bus = bus(store);
    for (i, stream) in ["c-1", "c-2", "c-1", "c-3", "c-2"].iter().enumerate() {
        bus.execute(
            stream,
            CounterCommand::AddThenDouble(i as i64),
            &meta(&format!("m{i}")),
        )
        .await
        .unwrap();
    }
}

async fn exported(store: &Store) -> String {
    whole_log(store).await; // until other tests' open transactions let the reader see it all
    let mut out = Vec::new();
    store
        .export(&ExportFilter::default(), &mut out, |_| {})
        .await
        .expect("export");
    String::from_utf8(out).expect("UTF-8")
}

async fn import(store: &Store, text: String) -> Result<ImportReport, ImportError> {
    store.import(Cursor::new(text.into_bytes()), |_| {}).await
}

/// An event as the file carries it, without its position.
fn content(event: &LoggedEvent) -> Value {
    let mut value = serde_json::to_value(event).unwrap();
    value.as_object_mut().unwrap().remove("position");
    value
}

pub async fn export_then_import_into_the_other_store_keeps_every_history(t: TestStore) {
    let Some(target) = other_kind(&t).await else {
        return;
    };
    some_history(&t.store).await;
    let file = exported(&t.store).await;
    let source_log = whole_log(&t.store).await;

    let report = import(&target.store, file.clone()).await.expect("import");

    assert_eq!(report.events as usize, source_log.len());
    assert_eq!(report.streams, 5, "two cases and three counters");
    let target_log = whole_log(&target.store).await;
    let contents = |log: &[LoggedEvent]| log.iter().map(content).collect::<Vec<_>>();
    assert_eq!(
        contents(&target_log),
        contents(&source_log),
        "same log, same order"
    );
    assert!(target_log.windows(2).all(|w| w[0].position < w[1].position));
    for event in &source_log {
        let history = target
            .store
            .history(&event.aggregate_type, &event.aggregate_id)
            .await
            .unwrap();
        let imported = &history[event.sequence as usize - 1];
        assert_eq!(content(imported), content(event));
    }
    let chains = target.store.verify_chains().await.unwrap();
    assert!(chains.problems.is_empty(), "{:?}", chains.problems);
    assert_eq!(
        (chains.streams, chains.events),
        (5, source_log.len() as u64)
    );
    // And back: the target's export is the source's, line for line but for positions.
    let again = exported(&target.store).await;
    let without_positions = |text: &str| {
        text.lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("position");
                v
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(without_positions(&again), without_positions(&file));
}

pub async fn an_imported_store_is_left_as_live_appends_would_leave_it(t: TestStore) {
    // Given a history written by the live path, on a store of the same kind as `t`
    let Some(source) = same_kind(&t).await else {
        return;
    };
    some_history(&source.store).await;
    let (fresh_schema, _) = derived_state(&t.store).await;
    // When its export is imported into `t`
    import(&t.store, exported(&source.store).await)
        .await
        .expect("import");
    // Then `t` has the same indexes and triggers as before, all on, and the stream heads the
    // trigger kept on the source
    let (schema, heads) = derived_state(&t.store).await;
    assert_eq!(schema, fresh_schema, "indexes and triggers as migrated");
    assert_eq!(heads, derived_state(&source.store).await.1, "stream heads");
    // And a live append goes on from the imported heads
    bus(&t.store)
        .execute(
            "c-1",
            CounterCommand::AddThenDouble(9),
            &meta("after-import"),
        )
        .await
        .unwrap();
    let chains = t.store.verify_chains().await.unwrap();
    assert!(chains.problems.is_empty(), "{:?}", chains.problems);
    let c1 = t.store.history("counter", "c-1").await.unwrap();
    assert_eq!(
        c1.len(),
        6,
        "four imported events and the two of one more command"
    );
}

/// Lines of a valid export of the streams named in `order` (each mention is that stream's next
/// event), hash-chained like the store chains them.
fn synthetic_export(order: &[&str]) -> Vec<String> {
    let mut heads: std::collections::HashMap<&str, (i64, String)> = Default::default();
    order
        .iter()
        .enumerate()
        .map(|(n, stream)| {
            let (sequence, previous) = heads.entry(stream).or_insert((0, GENESIS.to_string()));
            *sequence += 1;
            let payload = json!({"Added": {"n": n, "note": "王** 138****1234"}});
            let metadata =
                json!({"command_id": format!("cmd-{n}"), "actor": "{\"role\":\"hotline\"}"});
            let link = Link {
                aggregate_type: "counter",
                aggregate_id: stream,
                sequence: *sequence,
                event_type: "Added",
                event_version: "1",
                payload: &payload,
                metadata: &metadata,
            };
            *previous = hash(previous, &link);
            json!({
                "position": format!("0-{}", n + 1), "aggregate_type": "counter",
                "aggregate_id": stream, "sequence": *sequence, "event_type": "Added",
                "event_version": "1", "payload": payload, "metadata": metadata, "hash": previous,
            })
            .to_string()
        })
        .collect()
}

/// A stream that reappears after more than one batch of other events (its head then comes from
/// the store, not from memory): 2 events of `early`, 12,000 of 60 others, `early` again.
fn long_file() -> Vec<String> {
    let others: Vec<String> = (0..60).map(|i| format!("other-{i}")).collect();
    let mut order = vec!["early", "early"];
    order.extend((0..12_000).map(|i| others[i % 60].as_str()));
    order.push("early");
    synthetic_export(&order)
}

fn joined(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

async fn assert_nothing_written(store: &Store) {
    assert_eq!(count_events(store).await, 0, "no event written");
    let heads = store.verify_chains().await.unwrap();
    assert_eq!(
        (heads.streams, heads.problems.len()),
        (0, 0),
        "no head written"
    );
}

pub async fn a_long_file_imports_with_heads_read_back_from_the_store(t: TestStore) {
    let lines = long_file();
    let report = import(&t.store, joined(&lines)).await.expect("import");
    assert_eq!((report.events, report.streams), (12_003, 61));
    let early = t.store.history("counter", "early").await.unwrap();
    assert_eq!(
        early.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    let chains = t.store.verify_chains().await.unwrap();
    assert!(chains.problems.is_empty(), "{:?}", chains.problems);
}

pub async fn an_altered_event_is_refused_whole(t: TestStore) {
    // Given a valid long file whose last event (a stream last seen 12,000 lines earlier) is altered
    let mut lines = long_file();
    let last = lines.len() - 1;
    lines[last] = lines[last].replace("王**", "李**");
    // When it is imported
    let refused = import(&t.store, joined(&lines)).await;
    // Then the line is named and nothing is written
    match refused {
        Err(ImportError::HashMismatch {
            line,
            ref stream,
            sequence: 3,
        }) => {
            assert_eq!((line, stream.as_str()), (12_003, "counter/early"));
        }
        other => panic!("{other:?}"),
    }
    assert_nothing_written(&t.store).await;
}

pub async fn a_gap_is_refused_whole(t: TestStore) {
    // Given a file missing the second event of `early`
    let mut lines = long_file();
    lines.remove(1);
    let refused = import(&t.store, joined(&lines)).await;
    match refused {
        Err(ImportError::Gap {
            line: 12_002,
            expected: 2,
            found: 3,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_nothing_written(&t.store).await;
    // A repeated event is a gap too.
    let mut lines = synthetic_export(&["a", "b", "a"]);
    lines.insert(2, lines[1].clone());
    match import(&t.store, joined(&lines)).await {
        Err(ImportError::Gap {
            line: 3,
            expected: 2,
            found: 1,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_nothing_written(&t.store).await;
}

pub async fn a_malformed_line_is_refused_with_its_number(t: TestStore) {
    let mut lines = long_file();
    lines[9_000] = r#"{"aggregate_type": "counter""#.into();
    match import(&t.store, joined(&lines)).await {
        Err(ImportError::Malformed { line: 9_001, .. }) => {}
        other => panic!("{other:?}"),
    }
    assert_nothing_written(&t.store).await;
    let mut lines = synthetic_export(&["a", "b"]);
    lines.insert(1, String::new());
    let refused = import(&t.store, joined(&lines)).await.unwrap_err();
    assert_eq!(refused.to_string(), "line 2: empty line, expected an event");
    assert_nothing_written(&t.store).await;
}

pub async fn a_store_that_holds_events_is_refused(t: TestStore) {
    // Given a store with a history
    some_history(&t.store).await;
    let before = whole_log(&t.store).await;
    // When its own export is imported into it
    let refused = import(&t.store, exported(&t.store).await).await;
    // Then it is refused and the store is as it was
    assert!(matches!(refused, Err(ImportError::NotEmpty)), "{refused:?}");
    assert_eq!(whole_log(&t.store).await, before);
}
