//! Which node this is and which leases it holds, for an operator's "who runs what" across nodes.

use prometheus::{IntGaugeVec, Opts, Registry};

use crate::node::Node;

pub(super) struct NodeGauges {
    registry: Registry,
    info: IntGaugeVec,
    lease_held: IntGaugeVec,
}

impl NodeGauges {
    pub(super) fn new() -> Self {
        let info = IntGaugeVec::new(
            Opts::new(
                "shaobao_node_info",
                "Always 1; `node` names this node (--node-id)",
            ),
            &["node"],
        )
        .expect("valid metric");
        let lease_held = IntGaugeVec::new(
            Opts::new(
                "shaobao_lease_held",
                "1 for each singleton job (projection:<name>, deadline-service, relay) whose \
                 lease this node holds",
            ),
            &["job", "node"],
        )
        .expect("valid metric");
        let registry = Registry::new();
        registry
            .register(Box::new(info.clone()))
            .expect("metric registered once");
        registry
            .register(Box::new(lease_held.clone()))
            .expect("metric registered once");
        NodeGauges {
            registry,
            info,
            lease_held,
        }
    }

    pub(super) fn gather(&self, node: &Node) -> Vec<prometheus::proto::MetricFamily> {
        self.info.reset();
        self.info.with_label_values(&[node.id.as_str()]).set(1);
        // Only what is held now: a lease lost since the last scrape disappears.
        self.lease_held.reset();
        for job in node.leases.jobs() {
            self.lease_held
                .with_label_values(&[job.as_str(), node.id.as_str()])
                .set(1);
        }
        self.registry.gather()
    }
}
