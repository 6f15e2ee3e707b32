//! `shaobao token create --role ROLE [--street S | --department D | --member M]`: issues a bearer
//! token for the HTTP API and prints it once on stdout (only its hash is stored).

use std::path::PathBuf;

use chrono::Utc;
use clap::{Args, Subcommand};
use shaobao_services::org_file::load_org;
use shaobao_services::store::{Store, DEFAULT_DATABASE_URL};
use shaobao_services::tokens::{role_with_scope, Scope, TokenError, TokenStore};

use crate::error::Error;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for one role and scope; prints it on stdout, once.
    Create(CreateToken),
}

#[derive(Debug, Clone, Args)]
pub struct CreateToken {
    #[arg(long, value_name = "ROLE", value_parser = [
        "hotline", "dispatcher", "department", "volunteer", "auditor", "intake", "admin"])]
    pub role: String,
    /// The street of a dispatcher token.
    #[arg(long, value_name = "CODE")]
    pub street: Option<String>,
    /// The department of a department token.
    #[arg(long, value_name = "CODE")]
    pub department: Option<String>,
    /// The member id of a volunteer token.
    #[arg(long, value_name = "ID")]
    pub member: Option<String>,
    /// postgres://… or sqlite:… (migrated first if needed).
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Organisation TOML file the scope is checked against (default: the built-in sample district).
    #[arg(long, env = "SHAOBAO_ORG", value_name = "FILE")]
    pub org: Option<PathBuf>,
}

pub async fn run(command: TokenCommand) -> Result<(), Error> {
    match command {
        TokenCommand::Create(args) => create(args).await,
    }
}

async fn create(args: CreateToken) -> Result<(), Error> {
    let org = load_org(args.org.as_deref(), 1.0)?;
    let scope = Scope {
        street: args.street,
        department: args.department,
        member: args.member,
    };
    let role = role_with_scope(&args.role, scope).map_err(Error::Token)?;
    let url = &args.database_url;
    let store = Store::connect(url)
        .await
        .map_err(|err| Error::database(url, err))?;
    let created = async {
        store.migrate().await?;
        TokenStore::new(store.clone())
            .create(role, &org, Utc::now())
            .await
    }
    .await;
    store.close().await;
    let issued = created.map_err(|err| match err {
        TokenError::Store(source) => Error::database(url, source),
        other => Error::Token(other),
    })?;
    println!("{}", issued.token);
    eprintln!(
        "created token {} ({}); it is not shown again",
        issued.actor.id,
        serde_json::to_string(&issued.actor.role).unwrap_or_default()
    );
    Ok(())
}
