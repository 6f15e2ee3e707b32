//! `shaobao export` and `shaobao import` (DESIGN §5 "Portable log"): the log as JSON lines, one
//! event per line in log order, and back into an empty store of either kind. Both stream (pages
//! out, batches in) and draw a progress bar on stderr when it is a terminal; stdout carries only
//! the export itself, so `shaobao export | shaobao import` moves a district. `shaobao backup`
//! copies the embedded SQLite store while it serves.

use std::fs::File;
use std::io::{BufWriter, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use shaobao_api::Error;
use shaobao_services::store::{
    BackupError, ExportError, ExportFilter, ImportError, ImportProgress, LogPosition, Store,
    DEFAULT_DATABASE_URL,
};

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Only events after this position token (as the API and earlier exports show them).
    #[arg(long, value_name = "TOKEN")]
    pub after: Option<LogPosition>,
    /// Only this case's events.
    #[arg(long = "case", value_name = "ID")]
    pub case: Option<String>,
    /// Write to this file (complete or not at all) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The new file (never overwritten).
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
    /// The SQLite store to copy (sqlite:…); PostgreSQL has pg_basebackup and pg_dump.
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// A `shaobao export` file (default: stdin).
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// The store to fill: it must hold no events (it is migrated first).
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// Opens and migrates the store at `url`.
pub(super) async fn open_store(url: &str) -> Result<Store, Error> {
    let store = Store::connect(url)
        .await
        .map_err(|err| Error::database(url, err))?;
    if let Err(err) = store.migrate().await {
        store.close().await;
        return Err(Error::database(url, err));
    }
    Ok(store)
}

pub async fn export(args: ExportArgs) -> Result<(), Error> {
    let url = &args.database_url;
    let store = open_store(url).await?;
    let filter = ExportFilter {
        after: args.after.unwrap_or_default(),
        stream: args.case.map(|id| ("case".to_string(), id)),
    };
    let started = Instant::now();
    let exported = async {
        let total = store.export_count(&filter).await?;
        let bar = progress_bar(total, "{bar:40} {pos}/{len} events  {per_sec}");
        let tick = |done| bar.set_position(done);
        let written = match &args.output {
            Some(path) => {
                let mut partial = PartialFile::create(path)?;
                let written = store.export(&filter, partial.writer(), tick).await;
                partial.finish(written)?
            }
            None => {
                let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
                store.export(&filter, &mut out, tick).await?
            }
        };
        bar.finish_and_clear();
        Ok::<_, ExportError>(written)
    }
    .await;
    store.close().await;
    let written = exported.map_err(|err| match err {
        ExportError::Store(source) => Error::database(url, source),
        other => Error::Export(other),
    })?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "exported {written} events in {seconds:.1} s ({:.0} events/s)",
        written as f64 / seconds.max(1e-9)
    );
    Ok(())
}

/// `FILE.partial`, renamed to `FILE` once complete (and removed otherwise), so a failed export
/// never leaves a file that looks whole.
struct PartialFile<'a> {
    path: &'a Path,
    partial: PathBuf,
    out: BufWriter<File>,
}

impl<'a> PartialFile<'a> {
    fn create(path: &'a Path) -> std::io::Result<Self> {
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let out = BufWriter::with_capacity(1 << 20, File::create(&partial)?);
        Ok(PartialFile { path, partial, out })
    }

    fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.out
    }

    /// Renames the file after `written` succeeded; removes it otherwise.
    fn finish<E: From<std::io::Error>>(self, written: Result<u64, E>) -> Result<u64, E> {
        let PartialFile { path, partial, out } = self;
        let finished = written.and_then(|n| {
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            std::fs::rename(&partial, path)?;
            Ok(n)
        });
        if finished.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        finished
    }
}

pub async fn import(args: ImportArgs) -> Result<(), Error> {
    let (input, size): (Box<dyn std::io::Read + Send>, Option<u64>) = match &args.input {
        Some(path) => {
            let file = File::open(path).map_err(|source| Error::Input {
                path: path.clone(),
                source,
            })?;
            let size = file.metadata().ok().map(|m| m.len());
            (Box::new(file), size)
        }
        None => (Box::new(std::io::stdin()), None),
    };
    let url = &args.database_url;
    let store = open_store(url).await?;
    let bar = match size {
        Some(bytes) => progress_bar(bytes, "{bar:40} {bytes}/{total_bytes}  {msg}"),
        None => progress_bar(0, "{spinner} {msg}"),
    };
    let started = Instant::now();
    let imported = store
        .import(input, |p: ImportProgress| {
            bar.set_position(p.bytes_read);
            let rate = p.events as f64 / started.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!("{} events, {rate:.0} events/s", p.events));
        })
        .await;
    bar.finish_and_clear();
    store.close().await;
    let report = imported.map_err(|err| match err {
        ImportError::Store(source) => Error::database(url, source),
        other => Error::Import(other),
    })?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "imported {} events of {} streams in {seconds:.1} s ({:.0} events/s); \
         run `shaobao verify` or serve to build the read models",
        report.events,
        report.streams,
        report.events as f64 / seconds.max(1e-9)
    );
    Ok(())
}

/// `shaobao backup`: a consistent copy of the SQLite store, also while it serves.
pub async fn backup(args: BackupArgs) -> Result<(), Error> {
    let url = &args.database_url;
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Err(Error::Backup(BackupError::NotSqlite));
    }
    let store = open_store(url).await?;
    let started = Instant::now();
    let copied = store.backup(&args.output).await;
    store.close().await;
    let bytes = copied.map_err(|err| match err {
        BackupError::Store(source) => Error::database(url, source),
        other => Error::Backup(other),
    })?;
    println!(
        "backed up to {} ({:.1} MB in {:.1} s); it opens as sqlite:{}",
        args.output.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        args.output.display()
    );
    Ok(())
}

/// A bar on stderr when it is a terminal; hidden otherwise (pipes and logs stay clean).
fn progress_bar(length: u64, template: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style =
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
    let bar = ProgressBar::new(length).with_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
