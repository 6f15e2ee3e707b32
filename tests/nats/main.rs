//! The NATS relay (DESIGN §6) on both stores, each test with a nats-server of its own: the stream
//! `SHAOBAO` holds exactly the log, in log order, once — after a normal run, a NATS outage, a relay
//! killed mid-batch, a lost stream, and two relays at once — departments follow their work, a
//! place reaching the repeat threshold warns once, and `serve` with a NATS URL relays while a
//! department's agent reports in.

mod cluster;
mod failures;
mod feed;
mod http;
mod repeats;
mod support;

/// Generates `postgres::NAME` and `sqlite::NAME` tests, each on a fresh store and a nats-server of
/// its own, for every `async fn NAME(Rig)` listed.
macro_rules! on_both_stores_with_nats {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let backend = shaobao_tests::databases::Backend::Postgres;
                    let Some(store) = shaobao_tests::databases::TestStore::fresh(backend).await
                    else {
                        return;
                    };
                    if let Some(rig) = crate::support::Rig::new(store).await {
                        crate::$module::$name(rig).await;
                    }
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let backend = shaobao_tests::databases::Backend::Sqlite;
                    let Some(store) = shaobao_tests::databases::TestStore::fresh(backend).await
                    else {
                        return;
                    };
                    if let Some(rig) = crate::support::Rig::new(store).await {
                        crate::$module::$name(rig).await;
                    }
                }
            )*
        }
    };
}

on_both_stores_with_nats!(
    feed::the_stream_holds_the_log_once_in_log_order,
    feed::a_department_follows_its_work_with_a_durable_consumer,
    failures::commands_succeed_while_nats_is_down_and_the_stream_catches_up,
    failures::a_relay_aborted_mid_batch_resumes_without_gaps_or_duplicates,
    failures::a_lost_stream_is_published_again_from_the_log,
    failures::two_relays_at_once_still_publish_each_event_once,
    http::a_department_agent_reports_in_to_its_whistle,
    repeats::a_place_reaching_the_threshold_warns_once,
);
