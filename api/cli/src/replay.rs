//! `shaobao replay [PROJECTION]` (rebuild read models from position 0, with a progress bar) and
//! `shaobao verify` (hash chains intact and every projection equal to a fresh rebuild; exits
//! non-zero on any difference). Read models never built on this database are reported as such and
//! pass; once any is built, a missing one is a difference.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use shaobao_api::Error;
use shaobao_projections::{rebuild, verify, CheckStatus, ProjectionError, ProjectionName};
use shaobao_services::org_file::load_org;
use shaobao_services::store::{Store, DEFAULT_DATABASE_URL};

/// Where the log is and which organisation derived the read models (deadline ladders depend on
/// its policy, so replay and verify take the same `--org` and `--sla-scale` as `serve`).
#[derive(Debug, Clone, Args)]
pub struct ReadModelConfig {
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    #[arg(long, env = "SHAOBAO_ORG", value_name = "FILE")]
    pub org: Option<PathBuf>,
    #[arg(
        long,
        env = "SHAOBAO_SLA_SCALE",
        value_name = "FACTOR",
        default_value_t = 1.0
    )]
    pub sla_scale: f64,
}

#[derive(Debug, Clone, Args)]
pub struct ReplayConfig {
    /// One of queue, inbox, deadlines, statistics, search, volunteers (default: all).
    #[arg(value_name = "PROJECTION")]
    pub projection: Option<ProjectionName>,
    #[command(flatten)]
    pub read_models: ReadModelConfig,
}

async fn open(
    config: &ReadModelConfig,
) -> Result<(Store, Arc<shaobao_domain::org::Organisation>), Error> {
    let org = Arc::new(load_org(config.org.as_deref(), config.sla_scale)?);
    let url = &config.database_url;
    let store = Store::connect(url)
        .await
        .map_err(|err| Error::database(url, err))?;
    store
        .migrate()
        .await
        .map_err(|err| Error::database(url, err))?;
    Ok((store, org))
}

pub async fn replay(config: &ReplayConfig) -> Result<(), Error> {
    let (store, org) = open(&config.read_models).await?;
    let projections = config
        .projection
        .map_or(ProjectionName::ALL.to_vec(), |p| vec![p]);
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} events  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = rebuild(&store, &org, &projections, |progress| {
        bar.set_length(progress.total);
        bar.set_position(progress.done);
        bar.set_message(format!("{:.0} events/s", progress.events_per_second));
    })
    .await;
    bar.finish_and_clear();
    store.close().await;
    let report = report.map_err(Error::ReadModels)?;
    let names: Vec<&str> = report.projections.iter().map(|p| p.as_str()).collect();
    println!(
        "rebuilt {} from {} events in {:.1} s ({:.0} events/s), at position {}",
        names.join(", "),
        report.events,
        report.seconds,
        report.events_per_second,
        report.position
    );
    Ok(())
}

pub async fn verify_all(config: &ReadModelConfig) -> Result<(), Error> {
    let (store, org) = open(config).await?;
    let report = verify(&store, &org).await;
    store.close().await;
    let report = report.map_err(Error::ReadModels)?;
    println!(
        "hash chains: {} streams, {} events, {} problems",
        report.chains.streams,
        report.chains.events,
        report.chains.problems.len()
    );
    for problem in &report.chains.problems {
        println!("  {problem}");
    }
    for check in &report.projections {
        let at = check.position.map_or(String::new(), |p| format!(" at {p}"));
        let verdict = match check.status {
            CheckStatus::Verified => "equals a fresh rebuild".to_string(),
            CheckStatus::NotBuilt => "not built yet, nothing to compare".to_string(),
            CheckStatus::Differs => format!("{} differences", check.differences.len()),
        };
        println!("projection {}{at}: {verdict}", check.projection);
        for difference in &check.differences {
            let row = match difference.row.is_empty() {
                true => String::new(),
                false => format!(": {}", serde_json::Value::from(difference.row.clone())),
            };
            println!("  {} {}{row}", difference.table, difference.kind);
        }
    }
    if report.is_clean() {
        Ok(())
    } else {
        Err(Error::ReadModels(ProjectionError::Unverified))
    }
}
