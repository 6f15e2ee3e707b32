//! What the simulated people say: the calibrated categories with their typical wording, and the
//! bodies of the requests that open cases.

use chrono::Duration;
use serde_json::{json, Value};
use shaobao_domain::case::{CaseKind, Channel};
use shaobao_domain::org::{Organisation, Street};
use shaobao_domain::sla::Urgency;

use super::draw::Dice;
use super::lifecycle::Place;
use super::{Endpoint, Expect, Step, Wait, Who};

/// Categories with weights and what a requester says about them.
pub(super) struct Table {
    entries: Vec<(String, String)>,
    weights: Vec<f64>,
}

impl Table {
    /// The calibrated entries the organisation knows; every category of it, evenly, if none.
    pub fn new(org: &Organisation, calibrated: &[(&str, f64, &str)]) -> Table {
        let known: Vec<_> = calibrated
            .iter()
            .filter(|(code, _, _)| org.category(code).is_some())
            .collect();
        if known.is_empty() {
            return Table {
                entries: org
                    .categories
                    .iter()
                    .map(|c| (c.code.clone(), format!("{}问题反映", c.name)))
                    .collect(),
                weights: vec![1.0; org.categories.len()],
            };
        }
        Table {
            entries: known
                .iter()
                .map(|(code, _, text)| (code.to_string(), text.to_string()))
                .collect(),
            weights: known.iter().map(|(_, weight, _)| *weight).collect(),
        }
    }

    pub fn draw(&self, dice: &mut Dice) -> (String, String) {
        self.entries[dice.pick(&self.weights)].clone()
    }
}

/// Whether a street has a community with a grid, where simulated residents can live.
pub fn has_grids(street: &Street) -> bool {
    street.communities.iter().any(|c| !c.grids.is_empty())
}

pub(super) fn opening(who: Who, endpoint: Endpoint, body: Value, label: &'static str) -> Step {
    Step {
        wait: Wait::After(Duration::zero()),
        who,
        endpoint,
        body,
        label,
        expect: Expect::Success,
        marks: None,
    }
}

pub(super) fn open_body(
    channel: Channel,
    kind: CaseKind,
    category: &str,
    urgency: Option<Urgency>,
    description: &str,
    place: &Place,
    requester: Option<Value>,
) -> Value {
    let mut body = json!({
        "channel": channel, "kind": kind, "category": category, "description": description,
        "location": {"street": place.street, "community": place.community, "grid": place.grid,
                     "address": place.address},
    });
    if let Some(urgency) = urgency {
        body["urgency"] = json!(urgency);
    }
    if let Some(requester) = requester {
        body["requester"] = requester;
    }
    body
}
