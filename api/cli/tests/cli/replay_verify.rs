//! `shaobao replay` and `shaobao verify` end to end on a SQLite file: verify passes on a database
//! whose read models were never built (and says so) and on an intact one, and exits 1 after an
//! event or a read-model row is changed through SQL; replay rebuilds what was changed. (The
//! verification rules themselves are tested on both stores in `tests/projections`.)

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use shaobao_domain::case::{CaseKind, Channel, Dispatch, Location, OpenCase, Unit};
use shaobao_domain::{Actor, CaseAction};
use shaobao_services::cases::{CaseService, Request};
use shaobao_services::clock::SystemClock;
use shaobao_services::org_file::load_org;
use shaobao_services::store::Store;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_shaobao");

/// `shaobao ARGS --database-url URL`, with none of the environment fallbacks of the caller.
fn shaobao(dir: &Path, url: &str, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .args(args)
        .args(["--database-url", url])
        .stdin(Stdio::null());
    for var in [
        "SHAOBAO_DATABASE_URL",
        "SHAOBAO_ORG",
        "SHAOBAO_SLA_SCALE",
        "SHAOBAO_NATS_URL",
    ] {
        command.env_remove(var);
    }
    command.output().expect("run shaobao")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Asserts `verify` exited with `code`; returns what it printed.
fn verify(dir: &Path, url: &str, code: i32) -> String {
    let output = shaobao(dir, url, &["verify"]);
    assert_eq!(output.status.code(), Some(code), "{output:?}");
    stdout(&output)
}

/// Three cases written through the case service, one of them dispatched.
async fn write_cases(url: &str) {
    let store = Store::connect(url).await.expect("open the store");
    store.migrate().await.expect("migrate");
    let org = Arc::new(load_org(None, 1.0).expect("sample district"));
    let cases = CaseService::new(store.clone(), org, Arc::new(SystemClock));
    let hotline = Actor::hotline("op-1");
    let mut ids = Vec::new();
    for description in ["夜间施工噪声", "占道经营", "楼道堆物"] {
        let open = OpenCase {
            related_cases: vec![],
            channel: Channel::Hotline,
            kind: CaseKind::Complaint,
            category: "noise".into(),
            urgency: None,
            description: description.into(),
            location: Location::street("jingshan"),
            requester: None,
            source: None,
        };
        let opened = cases.open(&hotline, open, &Request::default()).await;
        ids.push(opened.expect("open").aggregate_id);
    }
    let dispatch = CaseAction::Dispatch(Dispatch {
        unit: Unit::Department("urban_management".into()),
        co_units: vec![],
    });
    cases
        .execute(&ids[0], &hotline, dispatch, &Request::default())
        .await
        .expect("dispatch");
    store.close().await;
}

/// Runs SQL on the file, as anyone who can write to it could.
async fn tamper(url: &str, sql: &str) {
    let store = Store::connect(url).await.expect("open the store");
    let Store::Sqlite(pool) = &store else {
        unreachable!("a SQLite file")
    };
    sqlx::raw_sql(sql).execute(pool).await.expect(sql);
    store.close().await;
}

#[tokio::test]
async fn verify_passes_untouched_read_models_and_fails_on_any_change_until_replayed() {
    let dir = TempDir::new().unwrap();
    let url = format!("sqlite:{}", dir.path().join("shaobao.db").display());
    write_cases(&url).await;

    // No server has run: nothing to compare, and nothing wrong.
    let never_built = verify(dir.path(), &url, 0);
    assert!(
        never_built.contains("hash chains: 3 streams, 4 events, 0 problems"),
        "{never_built}"
    );
    assert_eq!(
        never_built.matches("not built yet").count(),
        8,
        "{never_built}"
    );

    let replayed = shaobao(dir.path(), &url, &["replay"]);
    assert!(replayed.status.success(), "{replayed:?}");
    assert!(
        stdout(&replayed).contains(
            "rebuilt queue, inbox, deadlines, statistics, search, volunteers, community, hotspots from 4 events"
        ),
        "{replayed:?}"
    );
    let intact = verify(dir.path(), &url, 0);
    assert_eq!(
        intact.matches("equals a fresh rebuild").count(),
        8,
        "{intact}"
    );

    tamper(&url, "UPDATE rm_case_search SET state = 'closed'").await;
    let output = shaobao(dir.path(), &url, &["verify"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report = stdout(&output);
    assert!(report.contains("projection search at "), "{report}");
    assert!(
        report.contains("rm_case_search unexpected: [") && report.contains("\"closed\""),
        "{report}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        "shaobao: read models: verification found differences"
    );
    let replayed = shaobao(dir.path(), &url, &["replay", "search"]);
    assert!(replayed.status.success(), "{replayed:?}");
    assert!(stdout(&replayed).contains("rebuilt search from 4 events"));
    verify(dir.path(), &url, 0);

    // An event rewritten behind the append-only guard breaks its stream's chain.
    tamper(
        &url,
        "DROP TRIGGER events_no_update;
         UPDATE events SET payload = replace(payload, '占道经营', '一切正常')
         WHERE payload LIKE '%占道经营%'",
    )
    .await;
    let report = verify(dir.path(), &url, 1);
    assert!(
        report.contains("hash chains: 3 streams, 4 events, 1 problems"),
        "{report}"
    );
}
