//! The HTTP API end to end (DESIGN §6): the real server on a random port, each test on a fresh
//! PostgreSQL database and on a fresh SQLite file.

mod bad_input;
mod community;
mod duplicates;
mod idempotency;
mod lifecycle;
mod matrix;
mod reads;
mod support;

/// Generates `postgres::NAME` and `sqlite::NAME` tests, each against its own server, for every
/// `async fn NAME(TestApp)` listed.
macro_rules! on_both_stores {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let backend = shaobao_tests::databases::Backend::Postgres;
                    if let Some(app) = shaobao_tests::app::spawn_app(backend).await {
                        crate::$module::$name(app).await;
                    }
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let backend = shaobao_tests::databases::Backend::Sqlite;
                    if let Some(app) = shaobao_tests::app::spawn_app(backend).await {
                        crate::$module::$name(app).await;
                    }
                }
            )*
        }
    };
}

on_both_stores!(
    lifecycle::the_full_life_cycle,
    lifecycle::a_rejected_return_and_a_ruled_dispute,
    lifecycle::a_visit_opens_a_case_per_finding,
    lifecycle::a_task_is_claimed_completed_and_confirmed,
    matrix::every_route_by_every_caller,
    idempotency::twenty_racing_identical_requests_append_once,
    idempotency::if_match_guards_against_stale_writes,
    idempotency::a_key_spent_on_one_case_is_refused_on_another,
    bad_input::bad_input_is_refused_with_its_field_and_writes_nothing,
    reads::history_metadata_and_masking,
    reads::the_feed_pages_through_the_log_in_commit_order,
    reads::org_openapi_docs_and_metrics,
    reads::read_model_lag_and_open_cases_are_reported,
    reads::an_unreachable_store_answers_503,
    community::a_need_is_claimed_delivered_and_confirmed,
    community::resources_are_offered_and_matched_and_case_tasks_score,
    community::bad_community_input_is_refused_with_its_field,
    duplicates::merged_duplicates_close_with_their_primary,
    duplicates::merges_are_refused_with_reasons,
    duplicates::tags_and_proactive_cases,
    duplicates::similar_cases_hot_spots_and_monthly_topics,
);

// Declared after `on_both_stores!`, which it uses for its own tests.
mod read_models;
