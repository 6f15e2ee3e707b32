//! Loading the organisation file (`--org FILE`), or the sample district built into the binary.

use std::path::{Path, PathBuf};

use shaobao_domain::org::{OrgError, Organisation};

/// The sample district shipped in `deploy/org/`, embedded so the binary runs from any directory.
pub const SAMPLE_DISTRICT_TOML: &str = include_str!("../../deploy/org/sample-district.toml");

/// How the embedded sample is named in error messages.
pub const SAMPLE_DISTRICT_NAME: &str = "deploy/org/sample-district.toml (built in)";

/// Why the organisation could not be loaded. Every message is one line and names the file.
#[derive(Debug, thiserror::Error)]
pub enum OrgFileError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("cannot read organisation file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file was read but is not a valid organisation; the message names the key or the line.
    #[error("cannot load organisation file {}: {}", path.display(), one_line(&source.to_string()))]
    Invalid { path: PathBuf, source: OrgError },
    /// The SLA scale factor was refused.
    #[error("{0}")]
    Scale(#[source] OrgError),
}

/// Reads and validates the organisation at `path` (the embedded sample district when `None`),
/// then multiplies every SLA span by `sla_scale`.
pub fn load_org(path: Option<&Path>, sla_scale: f64) -> Result<Organisation, OrgFileError> {
    let org = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| OrgFileError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            parse(&text, path)?
        }
        None => parse(SAMPLE_DISTRICT_TOML, Path::new(SAMPLE_DISTRICT_NAME))?,
    };
    org.with_sla_scale(sla_scale).map_err(OrgFileError::Scale)
}

fn parse(text: &str, path: &Path) -> Result<Organisation, OrgFileError> {
    Organisation::from_toml_str(text).map_err(|source| OrgFileError::Invalid {
        path: path.to_path_buf(),
        source,
    })
}

/// TOML syntax errors come as a multi-line snippet (position, source excerpt with a caret, message);
/// keep the position and the message, drop the excerpt.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !is_excerpt(line))
        .collect::<Vec<_>>()
        .join(": ")
}

/// `|`, `| ^^^` and `12 | text` lines of a TOML error snippet.
fn is_excerpt(line: &str) -> bool {
    line.trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start()
        .starts_with('|')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_sample_loads() {
        load_org(None, 1.0).expect("sample district");
    }

    #[test]
    fn syntax_errors_become_one_line() {
        let dir = std::env::temp_dir().join(format!("shaobao-org-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("broken.toml");
        std::fs::write(&file, "[district]\ncode = \"x\"\nname = \n").unwrap();
        let err = load_org(Some(&file), 1.0).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!err.contains('\n'), "{err}");
        assert!(
            err.contains("broken.toml") && err.contains("line 3"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_scale_is_refused() {
        assert!(matches!(load_org(None, 0.0), Err(OrgFileError::Scale(_))));
    }
}
