//! What can stop the server or one of `shaobao`'s administration commands, each as one readable
//! line with an exit code (the binary, `shaobao-cli`, adds the agent's and the simulator's).

use std::net::SocketAddr;

use shaobao_services::accounts::AccountError;
use shaobao_services::org_file::OrgFileError;
use shaobao_services::store::{BackupError, ImportError, StoreError};
use shaobao_services::tokens::TokenError;

/// Exit code for bad configuration or usage (flags, URLs, organisation file).
pub const EXIT_CONFIG: u8 = 2;
/// Exit code for failures at run time (database unreachable, port taken, I/O).
pub const EXIT_RUNTIME: u8 = 1;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The organisation file or the SLA scale was refused.
    #[error(transparent)]
    Org(#[from] OrgFileError),
    /// The store at `url` could not be opened or migrated.
    #[error("{}", database_message(source, url))]
    Database { url: String, source: StoreError },
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// A `token` command was refused: an unknown role, a missing or misplaced scope, or a scope
    /// not in the organisation (exit 2), or an unknown token id (exit 1).
    #[error("{0}")]
    Token(TokenError),
    /// A `user` command was refused: a bad login, name, password or scope (exit 2), or a login
    /// taken or unknown (exit 1).
    #[error("{0}")]
    Account(AccountError),
    /// A password could not be read from stdin.
    #[error("cannot read the password from stdin: {0}")]
    Stdin(std::io::Error),
    /// A rebuild or verification of the read models failed (or found differences).
    #[error("read models: {0}")]
    ReadModels(shaobao_projections::ProjectionError),
    /// The server stopped with an I/O error.
    #[error("server failed: {0}")]
    Serve(#[source] std::io::Error),
    /// The NATS URL given to `serve` is malformed.
    #[error(transparent)]
    Relay(#[from] shaobao_services::relay::RelayError),
    /// `shaobao export` could not write its output, or the log stayed held back.
    #[error("export: {0}")]
    Export(shaobao_services::store::ExportError),
    /// `shaobao import` refused its input (nothing was written) or could not read it.
    #[error("import refused, nothing written: {0}")]
    Import(shaobao_services::store::ImportError),
    /// `shaobao backup` was pointed at PostgreSQL or an existing file, or could not write.
    #[error("backup: {0}")]
    Backup(shaobao_services::store::BackupError),
    /// An input file named on the command line cannot be opened.
    #[error("cannot open {}: {source}", path.display())]
    Input {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    /// A store failure on the database at `url`.
    pub fn database(url: &str, source: StoreError) -> Error {
        Error::Database {
            url: url.to_string(),
            source,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Org(_)
            | Error::Token(
                TokenError::UnknownRole(_)
                | TokenError::MissingScope { .. }
                | TokenError::UnexpectedScope { .. }
                | TokenError::UnknownScope { .. },
            )
            | Error::Input { .. }
            | Error::Import(ImportError::NotEmpty)
            | Error::Backup(BackupError::NotSqlite | BackupError::Exists(_))
            | Error::Relay(_)
            | Error::Database {
                source: StoreError::UnsupportedUrl(_),
                ..
            } => EXIT_CONFIG,
            Error::Account(
                AccountError::InvalidLogin(_)
                | AccountError::InvalidDisplayName
                | AccountError::WeakPassword
                | AccountError::Role(_),
            ) => EXIT_CONFIG,
            _ => EXIT_RUNTIME,
        }
    }

    /// The message as one line (line breaks from underlying libraries folded into spaces).
    pub fn one_line(&self) -> String {
        let text = match self {
            Error::Org(OrgFileError::Scale(err)) => format!("invalid --sla-scale: {err}"),
            other => other.to_string(),
        };
        one_line(&text)
    }
}

/// `text` with its line breaks folded into spaces (and blank lines dropped).
pub fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The store's message plus which database it was about (password hidden); an unsupported URL
/// already names itself.
fn database_message(source: &StoreError, url: &str) -> String {
    match source {
        StoreError::UnsupportedUrl(_) => source.to_string(),
        _ => format!("{source} (at {})", redact_password(url)),
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_password;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_password("postgres://app:s3cr3t@db:5432/shaobao"),
            "postgres://app:***@db:5432/shaobao"
        );
        assert_eq!(
            redact_password("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(
            redact_password("sqlite:shaobao-data/shaobao.db"),
            "sqlite:shaobao-data/shaobao.db"
        );
    }
}
