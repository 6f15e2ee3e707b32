//! PostgreSQL's bulk load, inside the import's one transaction. Filling a table is cheapest with
//! `COPY` and with what is derived from the rows built once at the end, not row by row: the
//! secondary indexes of `events` are dropped and created again from their own definitions (read
//! from the catalog, so they come back exactly as the migrations made them), and the per-row
//! `events_stream_head` trigger is off while `stream_heads` gets each batch's last heads in one
//! statement. DDL is transactional, so a refusal or a crash rolls all of it back with the rows.
//! Its price: `ALTER TABLE` and `DROP INDEX` lock `events` ACCESS EXCLUSIVE until the commit, so
//! even readers of that table wait for the import (it is filling an empty store), and the
//! importing role must own the table (the one that ran `shaobao migrate` does).

use std::fmt::Write;

use sqlx::{PgConnection, Postgres, Transaction};

use super::line::Incoming;
use super::target::{Head, StreamKey};
use crate::store::{copy, StoreError};

/// The per-row trigger that keeps `stream_heads`, replaced by [`record_heads`] during the load.
const HEAD_TRIGGER: &str = "events_stream_head";

/// Statements that restore what [`defer_derived`] took away, to run before the commit.
pub struct Deferred {
    restore: Vec<String>,
}

/// Drops the secondary indexes of `events` and turns its head trigger off, for this transaction.
pub async fn defer_derived(
    tx: &mut Transaction<'static, Postgres>,
) -> Result<Deferred, StoreError> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
         FROM pg_index i
         WHERE i.indrelid = 'events'::regclass AND NOT i.indisprimary
         ORDER BY i.indexrelid",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut restore = Vec::new();
    for (name, definition) in indexes {
        sqlx::query(&format!("DROP INDEX {name}"))
            .execute(&mut **tx)
            .await?;
        restore.push(definition);
    }
    sqlx::query(&format!(
        "ALTER TABLE events DISABLE TRIGGER {HEAD_TRIGGER}"
    ))
    .execute(&mut **tx)
    .await?;
    restore.push(format!("ALTER TABLE events ENABLE TRIGGER {HEAD_TRIGGER}"));
    Ok(Deferred { restore })
}

impl Deferred {
    /// Builds the indexes again and turns the trigger back on.
    pub async fn restore(self, tx: &mut Transaction<'static, Postgres>) -> Result<(), StoreError> {
        for statement in self.restore {
            sqlx::query(&statement).execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// `COPY`s `events` into `events`, in their order (which becomes their log order).
pub async fn copy_in(connection: &mut PgConnection, events: &[Incoming]) -> Result<(), StoreError> {
    let statement = "COPY events (aggregate_type, aggregate_id, sequence, event_type, \
                     event_version, payload, metadata) FROM STDIN";
    copy::copy_rows(connection, statement, events, |buffer, event| {
        for text in [&event.aggregate_type, &event.aggregate_id] {
            copy::push_text(buffer, text);
            buffer.push('\t');
        }
        let _ = write!(buffer, "{}", event.sequence);
        for text in [
            &event.event_type,
            &event.event_version,
            &event.payload,
            &event.stored_metadata,
        ] {
            buffer.push('\t');
            copy::push_text(buffer, text);
        }
    })
    .await?;
    Ok(())
}

/// Sets `heads` (streams' last sequences and hashes) in `stream_heads`, as the trigger would.
pub async fn record_heads<'a>(
    connection: &mut PgConnection,
    heads: impl Iterator<Item = (&'a StreamKey, &'a Head)>,
) -> Result<(), StoreError> {
    let (mut types, mut ids, mut sequences, mut hashes) = (vec![], vec![], vec![], vec![]);
    for ((aggregate_type, aggregate_id), (sequence, hash)) in heads {
        types.push(aggregate_type.as_str());
        ids.push(aggregate_id.as_str());
        sequences.push(*sequence);
        hashes.push(hash.as_str());
    }
    sqlx::query(
        "INSERT INTO stream_heads (aggregate_type, aggregate_id, sequence, hash)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[])
         ON CONFLICT (aggregate_type, aggregate_id)
             DO UPDATE SET sequence = EXCLUDED.sequence, hash = EXCLUDED.hash",
    )
    .bind(types)
    .bind(ids)
    .bind(sequences)
    .bind(hashes)
    .execute(connection)
    .await?;
    Ok(())
}
