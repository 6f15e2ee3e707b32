//! Rebuilding projections from position 0: fold the whole log in memory (reading the next page
//! while folding this one), write every row into shadow tables, index them, catch up with events
//! committed meanwhile, then swap each projection's shadows in with its checkpoint in one
//! transaction. Readers see the old tables until that commit and the new ones after it.

use std::time::Instant;

use serde::Serialize;
use shaobao_domain::org::Organisation;
use shaobao_services::store::{LogPosition, Store, StoreError};
use sqlx::PgConnection;

use crate::checkpoint;
use crate::error::ProjectionError;
use crate::fold::{distinct, Fold};
use crate::log;
use crate::schema::{ProjectionName, Table};
use crate::sql::{copy_in, execute, execute_on, transaction, Statement, Writer};

/// Events per log page while rebuilding (public, with [`PAGES_AHEAD`], so the rebuild benchmark's
/// raw read pages the log exactly as a rebuild does).
pub const PAGE: u32 = 10_000;
/// Pages fetched and decoding while the fold works on the current one (decoding is spread over
/// the blocking threads, so this is also how many cores reading may use).
pub const PAGES_AHEAD: usize = 4;
/// Shadow tables stored and indexed at once on PostgreSQL, each holding a connection out of the
/// store's pool of 32.
const COPIES_AT_ONCE: usize = 8;
/// Catch-up rounds before a swap gives up on a live projector that keeps racing ahead.
const SWAP_ATTEMPTS: u32 = 20;

/// How far a rebuild has come.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    pub done: u64,
    /// Events in the log when the rebuild started (more may arrive meanwhile).
    pub total: u64,
    pub events_per_second: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RebuildReport {
    pub projections: Vec<ProjectionName>,
    pub events: u64,
    pub position: LogPosition,
    pub seconds: f64,
    pub events_per_second: f64,
}

/// Rebuilds `projections` (folding the log once for all of them) and swaps them in.
pub async fn rebuild(
    store: &Store,
    org: &Organisation,
    projections: &[ProjectionName],
    mut progress: impl FnMut(Progress),
) -> Result<RebuildReport, ProjectionError> {
    let started = Instant::now();
    let mut fold = Fold::default();
    let mut done = 0u64;
    let mut position = LogPosition::START;
    let mut pages = log::Pages::start(store, position, PAGE, PAGES_AHEAD);
    // Only for progress reports; the first pages are being read meanwhile.
    let total = log::count(store).await?;
    while let Some(page) = pages.next().await? {
        done += page.len() as u64;
        position = page.last().map_or(position, |e| e.position);
        for entry in page {
            fold.apply(entry);
        }
        progress(Progress {
            done,
            total: total.max(done),
            events_per_second: done as f64 / started.elapsed().as_secs_f64().max(1e-9),
        });
    }

    tracing::info!(
        events = done,
        seconds = started.elapsed().as_secs_f64(),
        "rebuild: log folded"
    );
    let mut pending = Vec::new();
    for &name in projections {
        let generation = checkpoint::load(store, name)
            .await?
            .map_or(1, |c| c.generation + 1);
        pending.push((name, generation));
    }
    fill_shadows(store, org, &fold, &pending).await?;
    for _ in 0..SWAP_ATTEMPTS {
        let touched = catch_up(store, &mut fold, &mut position, &mut done).await?;
        let mut still_pending = Vec::new();
        for (name, generation) in pending {
            let mut statements = Vec::new();
            for table in name.tables() {
                statements.extend(fold.replace(table, &table.shadow_name(), &touched, org));
            }
            execute(store, &statements).await?;
            if !swap(store, name, generation, position).await? {
                still_pending.push((name, generation));
            }
        }
        pending = still_pending;
        if pending.is_empty() {
            let seconds = started.elapsed().as_secs_f64();
            return Ok(RebuildReport {
                projections: projections.to_vec(),
                events: done,
                position,
                seconds,
                events_per_second: done as f64 / seconds.max(1e-9),
            });
        }
    }
    Err(ProjectionError::SwapRaced(pending[0].0.as_str()))
}

/// Fills the shadow tables of every `(projection, generation)`: drops any leftover shadow,
/// creates a fresh one, loads every row, then indexes it (building an index once is cheaper than
/// maintaining it).
async fn fill_shadows(
    store: &Store,
    org: &Organisation,
    fold: &Fold,
    shadows: &[(ProjectionName, i64)],
) -> Result<(), ProjectionError> {
    let mut tables = Vec::new();
    for &(name, generation) in shadows {
        tables.extend(name.tables().iter().map(|table| (*table, generation)));
    }
    match store {
        // Side by side, each on its own connection: the server stores and indexes one table
        // while the next is derived. A batch's connections are taken before any row is derived:
        // deriving runs for seconds between awaits on a large log, and a sibling still waiting
        // for its connection then timed out (10 M events: "pool timed out").
        Store::Postgres(pool) => {
            for batch in tables.chunks(COPIES_AT_ONCE) {
                let connections =
                    futures::future::try_join_all(batch.iter().map(|_| pool.acquire()))
                        .await
                        .map_err(StoreError::from)?;
                let copies = batch.iter().zip(connections).map(
                    |(&(table, generation), mut connection)| async move {
                        copy_shadow(&mut connection, org, fold, table, generation).await
                    },
                );
                futures::future::try_join_all(copies).await?;
            }
        }
        // In order through SQLite's one writer, fed while the rows are derived.
        Store::Sqlite(_) => {
            let writer = Writer::start(store);
            for &(table, generation) in &tables {
                let shadow = table.shadow_name();
                let written = writer.send(create_shadow(table)).await
                    && writer
                        .insert(&shadow, &table.column_names(), fold.rows(table, org))
                        .await
                    && writer.send(table.create_indexes(&shadow, generation)).await;
                if !written {
                    break;
                }
            }
            writer.finish().await?;
        }
    }
    Ok(())
}

/// A fresh, empty shadow of `table`.
fn create_shadow(table: &Table) -> Vec<Statement> {
    let shadow = table.shadow_name();
    vec![
        Statement::new(format!("DROP TABLE IF EXISTS {shadow}"), vec![]),
        table.create(&shadow),
    ]
}

async fn copy_shadow(
    connection: &mut PgConnection,
    org: &Organisation,
    fold: &Fold,
    table: &Table,
    generation: i64,
) -> Result<(), ProjectionError> {
    let shadow = table.shadow_name();
    execute_on(connection, &create_shadow(table)).await?;
    copy_in(
        connection,
        &shadow,
        &table.column_names(),
        fold.rows(table, org),
    )
    .await?;
    execute_on(connection, &table.create_indexes(&shadow, generation)).await?;
    Ok(())
}

/// Folds events committed since `position`; returns the cases they touched.
async fn catch_up(
    store: &Store,
    fold: &mut Fold,
    position: &mut LogPosition,
    done: &mut u64,
) -> Result<Vec<String>, ProjectionError> {
    let mut touched = Vec::new();
    loop {
        let page = log::read(store, *position, PAGE).await?;
        let Some(last) = page.last().map(|e| e.position) else {
            return Ok(distinct(touched));
        };
        *position = last;
        *done += page.len() as u64;
        touched.extend(
            page.into_iter()
                .filter_map(|e| fold.apply(e).map(str::to_owned)),
        );
    }
}

/// Swaps the shadows in and installs the checkpoint, unless the live projector is already past
/// `position` (then `false`: catch up and try again).
async fn swap(
    store: &Store,
    name: ProjectionName,
    generation: i64,
    position: LogPosition,
) -> Result<bool, ProjectionError> {
    let guard = checkpoint::install(name, generation, position);
    let mut statements = Vec::new();
    for table in name.tables() {
        statements.push(Statement::new(
            format!("DROP TABLE IF EXISTS {}", table.name),
            vec![],
        ));
        statements.push(Statement::new(
            format!(
                "ALTER TABLE {} RENAME TO {}",
                table.shadow_name(),
                table.name
            ),
            vec![],
        ));
    }
    Ok(transaction(store, Some(&guard), &statements).await?)
}
