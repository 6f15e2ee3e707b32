//! `shaobao user create|list|disable|reset-password`: staff accounts for the console (DESIGN §1
//! "People and machines"). A password is read from stdin (its first line) when stdin is not a
//! terminal and not empty; otherwise one is generated and printed once on stdout.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;
use clap::{Args, Subcommand};
use shaobao_api::Error;
use shaobao_services::accounts::{generate_password, AccountError, Accounts, NewUser, User};
use shaobao_services::org_file::load_org;
use shaobao_services::store::{Store, DEFAULT_DATABASE_URL};
use shaobao_services::tokens::{role_with_scope, Scope};

use super::table::table;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account. The password is the first line of stdin, else generated and
    /// printed once on stdout.
    Create(CreateUser),
    /// List staff accounts: login, name, role, scope, created, disabled.
    List(Database),
    /// Disable an account; its sessions end at once, on every node.
    Disable(UserLogin),
    /// Set a new password (stdin, else generated and printed once); the account's sessions end.
    ResetPassword(UserLogin),
}

#[derive(Debug, Clone, Args)]
pub struct CreateUser {
    /// 1 to 64 characters of a-z, 0-9, '.', '_' and '-'.
    #[arg(long, value_name = "LOGIN")]
    pub login: String,
    /// The display name shown in the console and recorded in events.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    #[arg(long, value_name = "ROLE", value_parser = [
        "hotline", "dispatcher", "department", "volunteer", "auditor", "intake", "admin"])]
    pub role: String,
    /// The street of a dispatcher.
    #[arg(long, value_name = "CODE")]
    pub street: Option<String>,
    /// The department of a department clerk.
    #[arg(long, value_name = "CODE")]
    pub department: Option<String>,
    /// The member id of a volunteer.
    #[arg(long, value_name = "ID")]
    pub member: Option<String>,
    #[command(flatten)]
    pub database: Database,
}

#[derive(Debug, Clone, Args)]
pub struct UserLogin {
    #[arg(value_name = "LOGIN")]
    pub login: String,
    #[command(flatten)]
    pub database: Database,
}

#[derive(Debug, Clone, Args)]
pub struct Database {
    /// postgres://… or sqlite:… (migrated first if needed).
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Organisation TOML file scopes are checked against (default: the built-in sample district).
    #[arg(long, env = "SHAOBAO_ORG", value_name = "FILE")]
    pub org: Option<PathBuf>,
}

pub async fn run(command: UserCommand) -> Result<(), Error> {
    match command {
        UserCommand::Create(args) => create(args).await,
        UserCommand::List(database) => list(&database).await,
        UserCommand::Disable(args) => {
            let login = args.login;
            let user = on_accounts(&args.database, async |accounts| {
                accounts.disable(&login, Utc::now()).await
            })
            .await?;
            eprintln!("disabled {}; their sessions have ended", user.login);
            Ok(())
        }
        UserCommand::ResetPassword(args) => {
            let (password, generated) = password_from_stdin_or_generated()?;
            let login = args.login;
            let user = on_accounts(&args.database, async |accounts| {
                accounts.reset_password(&login, &password, Utc::now()).await
            })
            .await?;
            if generated {
                println!("{password}");
            }
            eprintln!(
                "reset the password of {}; their sessions have ended",
                user.login
            );
            Ok(())
        }
    }
}

async fn create(args: CreateUser) -> Result<(), Error> {
    let scope = Scope {
        street: args.street,
        department: args.department,
        member: args.member,
    };
    let role =
        role_with_scope(&args.role, scope).map_err(|e| Error::Account(AccountError::Role(e)))?;
    let (password, generated) = password_from_stdin_or_generated()?;
    let new = NewUser {
        login: args.login,
        display_name: args.name,
        role,
    };
    let user = on_accounts(&args.database, async |accounts| {
        accounts.create(new, &password, Utc::now()).await
    })
    .await?;
    if generated {
        println!("{password}");
    }
    let shown = if generated {
        "; the password is not shown again"
    } else {
        ""
    };
    eprintln!("created {} ({}){shown}", user.login, role_label(&user));
    Ok(())
}

async fn list(database: &Database) -> Result<(), Error> {
    let users = on_accounts(database, async |accounts| accounts.list().await).await?;
    let mut rows =
        vec![["login", "name", "role", "scope", "created", "disabled"].map(String::from)];
    rows.extend(users.iter().map(|user| {
        [
            user.login.clone(),
            user.display_name.clone(),
            user.role.name().to_string(),
            user.scope().unwrap_or("-").to_string(),
            user.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            if user.disabled { "yes" } else { "no" }.to_string(),
        ]
    }));
    print!("{}", table(&rows));
    Ok(())
}

/// Opens and migrates the store, runs `work` on the accounts, closes the store.
async fn on_accounts<T>(
    database: &Database,
    work: impl AsyncFnOnce(&Accounts) -> Result<T, AccountError>,
) -> Result<T, Error> {
    let org = load_org(database.org.as_deref(), 1.0)?;
    let url = &database.database_url;
    let store = Store::connect(url)
        .await
        .map_err(|err| Error::database(url, err))?;
    let done = async {
        store.migrate().await?;
        work(&Accounts::new(store.clone(), Arc::new(org))).await
    }
    .await;
    store.close().await;
    done.map_err(|err| match err {
        AccountError::Store(source) => Error::database(url, source),
        other => Error::Account(other),
    })
}

/// The first line of stdin when stdin is not a terminal and that line is not empty; else a
/// generated password. The flag says which.
fn password_from_stdin_or_generated() -> Result<(String, bool), Error> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).map_err(Error::Stdin)?;
        let line = line.strip_suffix('\n').unwrap_or(&line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.is_empty() {
            return Ok((line.to_string(), false));
        }
    }
    Ok((generate_password(), true))
}

/// `dispatcher jingshan`, `auditor`.
fn role_label(user: &User) -> String {
    match user.scope() {
        Some(scope) => format!("{} {scope}", user.role.name()),
        None => user.role.name().to_string(),
    }
}
