//! `shaobao token create|list|revoke`: bearer tokens for the HTTP API (DESIGN §1, §6). `create`
//! prints the token once on stdout (only its hash is stored), optionally with an expiry; `revoke`
//! makes every node refuse it within a second.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use clap::{Args, Subcommand};
use shaobao_api::Error;
use shaobao_services::org_file::load_org;
use shaobao_services::store::{Store, DEFAULT_DATABASE_URL};
use shaobao_services::tokens::{role_with_scope, Scope, TokenError, TokenInfo, TokenStore};

use super::table::table;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for one role and scope; prints it on stdout, once.
    Create(CreateToken),
    /// List tokens: id, role, scope, created, expires, last used, revoked.
    List(TokenDatabase),
    /// Revoke a token: every node refuses it (401) within a second.
    Revoke(RevokeToken),
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
    /// Refuse the token after this long: a number and d, h or m (90d, 12h, 30m). Default: never.
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    pub expires_in: Option<Duration>,
    /// postgres://… or sqlite:… (migrated first if needed).
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Organisation TOML file the scope is checked against (default: the built-in sample district).
    #[arg(long, env = "SHAOBAO_ORG", value_name = "FILE")]
    pub org: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct TokenDatabase {
    /// postgres://… or sqlite:… (migrated first if needed).
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

#[derive(Debug, Clone, Args)]
pub struct RevokeToken {
    /// The token's id (`tok-…`, as `token create` and `token list` show it), not the secret.
    #[arg(value_name = "ID")]
    pub id: String,
    #[command(flatten)]
    pub database: TokenDatabase,
}

pub async fn run(command: TokenCommand) -> Result<(), Error> {
    match command {
        TokenCommand::Create(args) => create(args).await,
        TokenCommand::List(database) => list(&database).await,
        TokenCommand::Revoke(args) => {
            let id = args.id;
            let revoked = on_tokens(&args.database.database_url, async |tokens| {
                tokens.revoke(&id, Utc::now()).await
            })
            .await?;
            eprintln!(
                "revoked {} ({}); every server refuses it within a second",
                revoked.id,
                label(&revoked)
            );
            Ok(())
        }
    }
}

/// `90d`, `12h`, `30m`: at least one minute, at most ten years.
fn parse_span(text: &str) -> Result<Duration, String> {
    let bad = || format!("{text:?} is not a span: write a number and d, h or m, such as 90d");
    let unit = text.chars().last().ok_or_else(bad)?;
    let count: i64 = text[..text.len() - unit.len_utf8()]
        .parse()
        .map_err(|_| bad())?;
    let span = match unit {
        'd' => Duration::try_days(count),
        'h' => Duration::try_hours(count),
        'm' => Duration::try_minutes(count),
        _ => None,
    }
    .ok_or_else(bad)?;
    if span < Duration::minutes(1) || span > Duration::days(3653) {
        return Err(format!("{text:?}: a token lives between 1m and 3653d"));
    }
    Ok(span)
}

async fn create(args: CreateToken) -> Result<(), Error> {
    let org = load_org(args.org.as_deref(), 1.0)?;
    let scope = Scope {
        street: args.street,
        department: args.department,
        member: args.member,
    };
    let role = role_with_scope(&args.role, scope).map_err(Error::Token)?;
    let now = Utc::now();
    let expires_at = args.expires_in.map(|span| now + span);
    let issued = on_tokens(&args.database_url, async |tokens| {
        tokens.create_until(role, &org, now, expires_at).await
    })
    .await?;
    println!("{}", issued.token);
    let expiry = match issued.expires_at {
        Some(at) => format!(", expires {}", minute(at)),
        None => String::new(),
    };
    eprintln!(
        "created token {} ({}){expiry}; it is not shown again",
        issued.actor.id,
        serde_json::to_string(&issued.actor.role).unwrap_or_default()
    );
    Ok(())
}

async fn list(database: &TokenDatabase) -> Result<(), Error> {
    let tokens = on_tokens(&database.database_url, async |tokens| tokens.list().await).await?;
    let mut rows = vec![[
        "id",
        "role",
        "scope",
        "created",
        "expires",
        "last used",
        "revoked",
    ]
    .map(String::from)];
    let at = |time: Option<DateTime<Utc>>| time.map_or("-".to_string(), minute);
    rows.extend(tokens.iter().map(|token| {
        [
            token.id.clone(),
            token.role.name().to_string(),
            token.scope().unwrap_or("-").to_string(),
            minute(token.created_at),
            at(token.expires_at),
            at(token.last_used_at),
            at(token.revoked_at),
        ]
    }));
    print!("{}", table(&rows));
    Ok(())
}

fn minute(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `dispatcher jingshan`, `auditor`.
fn label(token: &TokenInfo) -> String {
    match token.scope() {
        Some(scope) => format!("{} {scope}", token.role.name()),
        None => token.role.name().to_string(),
    }
}

/// Opens and migrates the store at `url`, runs `work` on its tokens, closes the store.
async fn on_tokens<T>(
    url: &str,
    work: impl AsyncFnOnce(&TokenStore) -> Result<T, TokenError>,
) -> Result<T, Error> {
    let store = Store::connect(url)
        .await
        .map_err(|err| Error::database(url, err))?;
    let done = async {
        store.migrate().await?;
        work(&TokenStore::new(store.clone())).await
    }
    .await;
    store.close().await;
    done.map_err(|err| match err {
        TokenError::Store(source) => Error::database(url, source),
        other => Error::Token(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_take_days_hours_and_minutes() {
        assert_eq!(parse_span("90d"), Ok(Duration::days(90)));
        assert_eq!(parse_span("12h"), Ok(Duration::hours(12)));
        assert_eq!(parse_span("30m"), Ok(Duration::minutes(30)));
        for bad in ["", "d", "90", "90s", "-1d", "0m", "1.5h", "99999d", "天d"] {
            assert!(parse_span(bad).is_err(), "{bad:?}");
        }
    }
}
