//! `verify` where there is nothing to compare (read models never built) and where a built read
//! model was altered or partly removed through SQL: the latter must never pass.

use shaobao_projections::{rebuild, verify, CheckStatus, ProjectionName, VerifyReport};
use shaobao_services::store::Store;
use shaobao_tests::databases::TestStore;
use shaobao_tests::month::scripted_month;

use crate::support::*;

/// Runs SQL as anyone with write access to the database could.
async fn tamper(store: &Store, sql: &str) {
    match store {
        Store::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
        Store::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The status of `name` and the kinds of its differences.
fn outcome(report: &VerifyReport, name: ProjectionName) -> (CheckStatus, Vec<&'static str>) {
    let check = report
        .projections
        .iter()
        .find(|c| c.projection == name)
        .expect("every projection is checked");
    let kinds = check.differences.iter().map(|d| d.kind).collect();
    (check.status, kinds)
}

async fn rebuild_one(w: &World, name: ProjectionName) {
    rebuild(w.store(), &w.org, &[name], |_| {}).await.unwrap();
}

pub async fn read_models_never_built_have_nothing_to_compare(t: TestStore) {
    let mut w = World::new(t, 1.0);
    let id = w.open("jingshan", "noise", "夜间施工噪声").await;
    w.act(&id, &hotline(), dispatch(to_department("urban_management")))
        .await;

    let report = verify(w.store(), &w.org).await.unwrap();
    assert!(report.is_clean(), "{report:#?}");
    assert_eq!(report.chains.events, 2);
    for check in &report.projections {
        assert_eq!(check.status, CheckStatus::NotBuilt, "{check:#?}");
        assert_eq!(check.position, None);
    }
}

pub async fn a_built_read_model_altered_or_removed_fails_verification(t: TestStore) {
    let mut w = World::new(t, 1.0);
    scripted_month(&mut w).await;
    rebuild(w.store(), &w.org, &ProjectionName::ALL, |_| {})
        .await
        .unwrap();
    let report = verify(w.store(), &w.org).await.unwrap();
    assert!(report.is_clean(), "{report:#?}");
    assert!(report
        .projections
        .iter()
        .all(|c| c.status == CheckStatus::Verified && c.position.is_some()));

    tamper(
        w.store(),
        "UPDATE rm_case_search SET description = '改过的描述'
         WHERE case_id = (SELECT min(case_id) FROM rm_case_search)",
    )
    .await;
    let report = verify(w.store(), &w.org).await.unwrap();
    assert!(!report.is_clean());
    let (status, mut kinds) = outcome(&report, ProjectionName::Search);
    kinds.sort_unstable();
    assert_eq!(
        (status, kinds),
        (CheckStatus::Differs, vec!["missing", "unexpected"])
    );
    assert_eq!(
        outcome(&report, ProjectionName::Queue),
        (CheckStatus::Verified, vec![])
    );
    rebuild_one(&w, ProjectionName::Search).await;
    assert!(verify(w.store(), &w.org).await.unwrap().is_clean());

    // Without its checkpoint the rows cannot be placed in the log: never a pass.
    tamper(
        w.store(),
        "DELETE FROM projection_checkpoints WHERE name = 'statistics'",
    )
    .await;
    let report = verify(w.store(), &w.org).await.unwrap();
    assert_eq!(
        outcome(&report, ProjectionName::Statistics),
        (
            CheckStatus::Differs,
            // One per table: cases, obligations, summons.
            vec!["checkpoint_missing"; ProjectionName::Statistics.tables().len()]
        )
    );
    // Nothing left of it while the others are built: removed, not "never built".
    tamper(
        w.store(),
        "DROP TABLE rm_assessment_cases; DROP TABLE rm_assessment_obligations;
         DROP TABLE rm_assessment_summons",
    )
    .await;
    let report = verify(w.store(), &w.org).await.unwrap();
    assert!(!report.is_clean());
    assert_eq!(
        outcome(&report, ProjectionName::Statistics),
        (CheckStatus::Differs, vec!["projection_missing"])
    );
    rebuild_one(&w, ProjectionName::Statistics).await;
    assert!(verify(w.store(), &w.org).await.unwrap().is_clean());

    tamper(w.store(), "DROP TABLE rm_tasks").await;
    let report = verify(w.store(), &w.org).await.unwrap();
    assert_eq!(
        outcome(&report, ProjectionName::Volunteers),
        (CheckStatus::Differs, vec!["table_missing"])
    );
    rebuild_one(&w, ProjectionName::Volunteers).await;
    assert!(verify(w.store(), &w.org).await.unwrap().is_clean());
}
