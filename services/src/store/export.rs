//! `shaobao export`: the whole log as JSON lines, one event per line, in log order.

use std::io::Write;

use super::{LogPosition, Store, StoreError};

const EXPORT_PAGE: u32 = 5_000;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
}

impl Store {
    /// Writes every committed event after `after` to `out`, one JSON object per line (the same
    /// envelope the history and feed show, with its position token and hash). Returns the count.
    pub async fn export(
        &self,
        after: LogPosition,
        out: &mut impl Write,
    ) -> Result<u64, ExportError> {
        let mut cursor = after;
        let mut written = 0;
        loop {
            let page = self.read_log(cursor, EXPORT_PAGE).await?;
            let Some(last) = page.last() else { break };
            cursor = last.position;
            for event in &page {
                serde_json::to_writer(&mut *out, event).map_err(std::io::Error::from)?;
                out.write_all(b"\n")?;
                written += 1;
            }
        }
        out.flush()?;
        Ok(written)
    }
}
