//! Why an organisation file (or SLA scale) was refused.

/// Errors name the offending key, so whoever edits the file knows where to look.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OrgError {
    /// Not TOML, or not the file's shape (unknown or missing key, wrong type); the message
    /// carries line and column.
    #[error("{0}")]
    Syntax(String),
    /// A value that parses but is not acceptable; `key` is a path such as
    /// `streets[1].communities[0].grids[2]` (indices from 0).
    #[error("{key}: {message}")]
    Invalid { key: String, message: String },
    #[error("SLA scale must be a finite number greater than 0, got {0}")]
    InvalidSlaScale(f64),
}

impl OrgError {
    pub(crate) fn invalid(key: impl Into<String>, message: impl Into<String>) -> Self {
        OrgError::Invalid {
            key: key.into(),
            message: message.into(),
        }
    }

    /// The offending key, for [`OrgError::Invalid`].
    pub fn key(&self) -> Option<&str> {
        match self {
            OrgError::Invalid { key, .. } => Some(key),
            _ => None,
        }
    }
}
