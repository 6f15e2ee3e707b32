//! The NATS servers a process connects to. `--nats-url` names one server or several, separated by
//! commas (the seeds of a cluster): the client tries them in turn, so a node starts, and stays
//! connected, while any one of them is down. (async-nats reads a single string as ONE address.)

use async_nats::ServerAddr;

#[derive(Debug, thiserror::Error)]
pub enum SeedServersError {
    #[error("no NATS server named in {0:?}")]
    Empty(String),
    #[error("{url:?} is not a NATS server URL: {source}")]
    Invalid { url: String, source: std::io::Error },
}

/// Parses `nats://a:4222,nats://b:4222,…` (blanks around the commas allowed; empty items skipped).
pub fn seed_servers(urls: &str) -> Result<Vec<ServerAddr>, SeedServersError> {
    let servers = urls
        .split(',')
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(|url| {
            url.parse::<ServerAddr>()
                .map_err(|source| SeedServersError::Invalid {
                    url: url.to_string(),
                    source,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if servers.is_empty() {
        return Err(SeedServersError::Empty(urls.to_string()));
    }
    Ok(servers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comma_separated_list_names_each_server() {
        let servers = seed_servers("nats://a:4222, nats://b:4223,,c").unwrap();
        let hosts: Vec<_> = servers.iter().map(|s| (s.host(), s.port())).collect();
        assert_eq!(hosts, [("a", 4222), ("b", 4223), ("c", 4222)]);
    }

    #[test]
    fn one_url_is_a_list_of_one() {
        assert_eq!(seed_servers("nats://127.0.0.1:4222").unwrap().len(), 1);
    }

    #[test]
    fn nothing_or_a_bad_item_is_refused() {
        assert!(matches!(
            seed_servers(" , "),
            Err(SeedServersError::Empty(_))
        ));
        assert!(matches!(
            seed_servers("nats://a:4222,http://[::1"),
            Err(SeedServersError::Invalid { url, .. }) if url == "http://[::1"
        ));
    }
}
