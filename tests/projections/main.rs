//! Read models, rebuilds and the deadline service (issue 4), on both stores.

mod community;
mod crash;
mod deadlines;
mod ladder_policy;
mod merge_crash;
mod read_models;
mod rebuild;
mod repeats;
mod statistics;
mod support;
mod two_processes;
mod verify;

/// Generates `postgres::NAME` and `sqlite::NAME` tests, each on a fresh store, for every
/// `async fn NAME(TestStore)` listed.
macro_rules! on_both_stores {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let backend = shaobao_tests::databases::Backend::Postgres;
                    if let Some(store) = shaobao_tests::databases::TestStore::fresh(backend).await {
                        crate::$module::$name(store).await;
                    }
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let backend = shaobao_tests::databases::Backend::Sqlite;
                    if let Some(store) = shaobao_tests::databases::TestStore::fresh(backend).await {
                        crate::$module::$name(store).await;
                    }
                }
            )*
        }
    };
}

on_both_stores!(
    statistics::a_scripted_month_gives_the_hand_computed_figures,
    read_models::queue_inbox_alerts_search_and_board_follow_the_cases,
    read_models::reads_wait_for_a_write_or_give_up,
    crash::a_projector_killed_mid_batch_resumes_without_double_counting,
    rebuild::a_rebuild_equals_the_live_model_and_readers_never_see_it_half_built,
    deadlines::the_ladder_fires_in_order_exactly_once,
    deadlines::nothing_fires_while_parked_and_unparking_moves_the_deadline,
    ladder_policy::verify_and_replay_under_another_policy_give_the_live_read_models,
    two_processes::deadlines_fire_once_and_projections_stay_exact_with_two_processes,
    two_processes::a_commit_in_another_process_wakes_the_projectors_at_once,
    verify::read_models_never_built_have_nothing_to_compare,
    verify::a_built_read_model_altered_or_removed_fails_verification,
    community::a_scripted_year_gives_the_hand_computed_scores,
    community::a_community_rebuild_equals_the_live_model,
    merge_crash::an_interrupted_merge_and_close_are_completed_once,
    repeats::a_page_decided_at_once_warns_as_case_by_case,
);
