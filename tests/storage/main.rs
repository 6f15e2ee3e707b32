//! Storage conformance suite (DESIGN §5) and the case service on top of it: the same checks
//! against PostgreSQL and SQLite.

mod accounts;
mod append;
mod backup;
mod concurrency;
mod idempotency;
mod lease;
mod log_reader;
mod ordering;
mod portable;
mod services;
mod support;
mod tampering;
mod tokens;

/// Generates `postgres::NAME` and `sqlite::NAME` tests, each on a fresh store, for every
/// `async fn NAME(TestStore)` listed.
macro_rules! on_both_stores {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
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
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
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
    accounts::accounts_are_created_listed_and_validated,
    accounts::sign_in_takes_the_right_password_only,
    accounts::five_failures_lock_a_login_for_fifteen_minutes,
    accounts::a_disabled_account_is_refused_at_the_next_lookup,
    accounts::sessions_end_when_idle_or_too_old,
    accounts::a_password_reset_ends_sessions,
    accounts::session_ids_and_passwords_are_stored_only_hashed,
    append::events_append_and_load_with_positions_and_hashes,
    append::migrations_are_idempotent,
    append::a_refused_command_appends_nothing,
    append::a_stale_expected_version_is_refused,
    append::export_writes_the_log_as_json_lines,
    append::events_cannot_be_updated_or_deleted_by_accident,
    backup::a_sqlite_store_is_copied_while_commands_run,
    concurrency::sixteen_writers_on_one_case_never_fork_the_stream,
    idempotency::twenty_racing_identical_commands_append_one_set,
    idempotency::twenty_racing_identical_first_commands_create_one_stream,
    idempotency::a_reused_key_with_another_request_is_refused,
    lease::one_leader_per_job_and_failover,
    log_reader::every_page_size_reads_the_whole_log_once_in_order,
    log_reader::a_page_carries_only_what_was_asked,
    log_reader::ids_of_different_lengths_are_read_as_numbers,
    log_reader::a_stored_value_that_is_not_one_json_value_fails_the_read,
    ordering::reader_never_passes_an_open_transaction,
    ordering::random_interleavings_deliver_every_event_once_in_commit_order,
    portable::export_then_import_into_the_other_store_keeps_every_history,
    portable::a_long_file_imports_with_heads_read_back_from_the_store,
    portable::an_altered_event_is_refused_whole,
    portable::a_gap_is_refused_whole,
    portable::a_malformed_line_is_refused_with_its_number,
    portable::a_store_that_holds_events_is_refused,
    portable::an_imported_store_is_left_as_live_appends_would_leave_it,
    tampering::an_intact_log_verifies_clean,
    tampering::a_modified_payload_is_detected,
    tampering::modified_metadata_is_detected,
    tampering::a_deleted_middle_event_is_detected,
    tampering::a_deleted_last_event_is_detected,
    tampering::swapped_sequences_are_detected,
    tokens::tokens_are_listed_with_their_life_cycle,
    tokens::an_expired_token_is_refused,
    tokens::a_revoked_token_is_refused_on_every_node_within_a_second,
    tokens::last_use_is_written_at_most_once_a_minute,
    services::a_case_is_opened_dispatched_signed_and_read_back_at_each_version,
    services::a_refusal_carries_the_domain_reason_and_appends_nothing,
    services::twenty_racing_identical_opens_make_one_case,
    services::a_visit_with_three_findings_opens_three_linked_cases_once,
);
