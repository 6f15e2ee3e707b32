//! Open311 GeoReport v2 end to end (`/open311/v2/`): the real server on a random port, each test
//! on a fresh PostgreSQL database and on a fresh SQLite file. JSON answers are checked against
//! the JSON Schemas in `schemas/` (written from the specification), XML answers are parsed and
//! compared element by element with the JSON answer to the same question.

mod catalogue;
mod mistakes;
mod requests;
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
    catalogue::discovery_in_both_formats,
    catalogue::services_are_the_organisation_categories,
    catalogue::service_definitions_list_typed_attributes,
    requests::a_request_round_trips_in_json_and_xml,
    requests::filters_select_by_status_service_and_date,
    requests::id_lists_and_pages,
    requests::history_comes_as_notes_with_extensions,
    requests::contact_details_never_appear_in_reads,
    requests::only_cases_opened_through_open311_are_listed,
    requests::a_retry_with_the_same_idempotency_key_opens_one_case,
    mistakes::bad_api_keys_are_403,
    mistakes::bad_posts_are_400_and_write_nothing,
    mistakes::bad_queries_are_400,
    mistakes::unknown_things_are_404,
);
