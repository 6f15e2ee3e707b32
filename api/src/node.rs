//! This node among several serving one database (DESIGN §7): its name, and the leases it holds
//! now, for `/health/ready` and `/metrics` (which node runs which projection, the deadline service,
//! the relay).

use shaobao_services::leader::HeldLeases;

#[derive(Debug, Clone)]
pub struct Node {
    /// `--node-id`, else `<hostname>-<pid>`.
    pub id: String,
    /// Filled by this node's projectors, deadline service and relay as they win and lose leases.
    pub leases: HeldLeases,
}

impl Node {
    pub fn new(id: Option<&str>) -> Node {
        Node {
            id: id.map_or_else(default_id, str::to_string),
            leases: HeldLeases::default(),
        }
    }
}

impl Default for Node {
    fn default() -> Self {
        Node::new(None)
    }
}

/// `<hostname>-<pid>`: unique among the nodes of one machine, and says where to look.
fn default_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "node".to_string());
    format!("{host}-{}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_id_is_kept_else_host_and_pid() {
        assert_eq!(Node::new(Some("node1")).id, "node1");
        let default = Node::new(None).id;
        assert!(
            default.ends_with(&format!("-{}", std::process::id())),
            "{default}"
        );
    }
}
