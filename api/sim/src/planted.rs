//! Ground truth for the similar-case finder and the hot spots: after the district day, the
//! simulator plants repeat clusters (one place and category reported by several requesters on
//! successive virtual days, some with points a few metres apart, the address written differently,
//! the matter worded differently), remembers which case belongs to which cluster, and measures through the API:
//! - the finder's **precision** and **recall** over the top 5 similar cases of every planted case
//!   (precision: the share of what it offers that is of the same cluster; recall: the share of
//!   the cluster's other cases it offers);
//! - the hot spots' **cluster recall**: the share of planted clusters whose cases all fall in one
//!   hot-spot cluster.

use std::sync::Arc;

use chrono::Duration;
use serde::Serialize;
use serde_json::{json, Value};
use shaobao_domain::org::{Community, Organisation, Street};
use shaobao_services::clock::Clock;

use super::client::ApiClient;
use super::clock::VirtualClock;
use super::error::SimError;
use super::plan::has_grids;

/// Planted clusters and cases per cluster (the sizes cycle through these).
const CLUSTERS: usize = 12;
const SIZES: [usize; 3] = [3, 4, 5];

/// What residents say about one matter at one place, worded three ways.
static MATTERS: [(&str, [&str; 3]); 5] = [
    (
        "road_damage",
        [
            "门口路面塌了一个大坑",
            "这段路面破损有坑，骑车差点摔倒",
            "路上的坑越来越大了，路面坏了没人修",
        ],
    ),
    (
        "garbage_collection",
        [
            "垃圾桶满了好几天没人清运",
            "门口垃圾堆着没人收，味道很大",
            "垃圾没人清运，招苍蝇",
        ],
    ),
    (
        "drainage",
        [
            "下水道堵了，雨后门口积水",
            "门口雨水井堵塞，积水很深",
            "下水井返味，积水排不出去",
        ],
    ),
    (
        "illegal_parking",
        [
            "有车长期停在消防通道上",
            "消防通道被私家车占了，进出困难",
            "门口乱停车，堵住了通道",
        ],
    ),
    (
        "street_vending",
        [
            "早上有流动摊贩占道经营",
            "摊贩占着人行道卖菜，行人只能走马路",
            "门口占道经营，人行道走不了",
        ],
    ),
];

/// The finder's and the hot spots' figures on the planted clusters.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PlantedReport {
    pub clusters: usize,
    pub cases: usize,
    /// Offered similar cases (top 5 of every planted case) that are of its cluster, of all offered.
    pub finder_precision: Option<f64>,
    /// Other cases of its cluster offered in its top 5, of all other cases of its cluster.
    pub finder_recall: Option<f64>,
    /// Planted clusters found whole inside one hot-spot cluster.
    pub hotspot_cluster_recall: Option<f64>,
}

struct Planted {
    street: String,
    cases: Vec<String>,
}

/// One cluster to plant: a matter at a place, reported by `size` requesters.
struct Site<'a> {
    street: &'a Street,
    community: Option<&'a Community>,
    category: &'static str,
    wordings: &'static [&'static str; 3],
    number: usize,
    size: usize,
}

/// Plants the clusters as the hotline (each request with an idempotency key from `keys`), then
/// reads the finder and the hot spots back as the auditor. The k-th requester of every cluster
/// calls on the k-th virtual day after `clock` shows now (a cluster grows over days, as repeats
/// do), each request stamped at its virtual time.
pub async fn plant_and_measure(
    client: &ApiClient,
    clock: &Arc<VirtualClock>,
    hotline: &str,
    auditor: &str,
    org: &Organisation,
    keys: &str,
) -> Result<PlantedReport, SimError> {
    let sites = sites(org);
    let mut planted: Vec<Planted> = sites
        .iter()
        .map(|site| Planted {
            street: site.street.code.clone(),
            cases: Vec::new(),
        })
        .collect();
    let mut last_position = String::new();
    let first_day = clock.now();
    for k in 0..SIZES.iter().copied().max().unwrap_or(0) {
        for (n, site) in sites.iter().enumerate().filter(|(_, s)| k < s.size) {
            let at = first_day + Duration::days(k as i64) + Duration::minutes(20 * n as i64);
            let appointment = clock.appointment(at);
            appointment.arrive().await;
            let key = format!("{keys}-planted-{n}-{k}");
            let answer = client
                .post("/api/v1/cases", hotline, &key, &request(site, n, k))
                .await
                .map_err(|e| SimError::ReadBack(format!("planting: {e}")))?;
            drop(appointment);
            if !answer.is_success() {
                let message = answer.message().to_string();
                return Err(SimError::ReadBack(format!(
                    "planting: {} {message}",
                    answer.status
                )));
            }
            planted[n].cases.push(text(&answer.body["case_id"]));
            last_position = text(&answer.body["position"]);
        }
    }
    measure(client, auditor, &planted, &last_position).await
}

/// The clusters: each its own street and matter (a hot spot is one matter at one place).
fn sites(org: &Organisation) -> Vec<Site<'_>> {
    let streets: Vec<_> = org.streets.iter().filter(|s| has_grids(s)).collect();
    (0..CLUSTERS)
        .filter_map(|n| {
            let street = streets[n % streets.len()];
            let communities: Vec<_> = street
                .communities
                .iter()
                .filter(|c| !c.grids.is_empty())
                .collect();
            let community = communities
                .get(n / streets.len() % communities.len().max(1))
                .copied();
            let (category, wordings) = &MATTERS[(n + n / streets.len()) % MATTERS.len()];
            org.category(category).map(|_| Site {
                street,
                community,
                category,
                wordings,
                number: 100 + n,
                size: SIZES[n % SIZES.len()],
            })
        })
        .collect()
}

/// The k-th requester's report of cluster `n`.
fn request(site: &Site, n: usize, k: usize) -> Value {
    let mut location = json!({
        "street": site.street.code,
        "address": address(&site.street.name, site.number, k),
    });
    if let Some(community) = site.community {
        location["community"] = json!(community.code);
    }
    // Two in three requesters share their position, a few metres apart.
    if let (Some([lat, lon]), true) = (site.street.centre, k % 3 != 2) {
        let (dn, de) = (n as f64 * 0.0015, k as f64 * 0.00002);
        location["lat"] = json!(lat + dn + de);
        location["lon"] = json!(lon - dn + de);
    }
    json!({
        "channel": "hotline", "kind": "complaint", "category": site.category,
        "description": site.wordings[k % site.wordings.len()],
        "location": location,
        "requester": {"name": format!("居民{n}-{k}"), "phone": format!("139{n:04}{k:04}")},
    })
}

/// The address as the k-th requester writes it: digits, Chinese numerals or full-width digits.
fn address(street_name: &str, number: usize, k: usize) -> String {
    let road = format!("{street_name}东路");
    match k % 3 {
        0 => format!("{road}{number}号"),
        1 => format!("{road} {}号", chinese(number)),
        _ => format!("{road}{}号", full_width(number)),
    }
}

fn chinese(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
    let mut out = format!("{}百", DIGITS[h]);
    match (t, u) {
        (0, 0) => {}
        (0, u) => out += &format!("零{}", DIGITS[u]),
        (t, 0) => out += &format!("{}十", DIGITS[t]),
        (t, u) => out += &format!("{}十{}", DIGITS[t], DIGITS[u]),
    }
    out
}

fn full_width(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
        .collect()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

async fn measure(
    client: &ApiClient,
    auditor: &str,
    planted: &[Planted],
    position: &str,
) -> Result<PlantedReport, SimError> {
    let (mut offered, mut offered_mates, mut mates, mut found_mates) = (0u64, 0u64, 0u64, 0u64);
    for cluster in planted {
        for case in &cluster.cases {
            let path = format!("/api/v1/cases/{case}/similar?limit=5&min_position={position}");
            let answer = client.read(&path, auditor).await?;
            let ids: Vec<String> = answer["items"]
                .as_array()
                .map(|items| items.iter().map(|i| text(&i["case_id"])).collect())
                .unwrap_or_default();
            let of_cluster = ids.iter().filter(|id| cluster.cases.contains(id)).count() as u64;
            offered += ids.len() as u64;
            offered_mates += of_cluster;
            mates += (cluster.cases.len() as u64 - 1).min(5);
            found_mates += of_cluster;
        }
    }
    let mut whole = 0;
    for cluster in planted {
        let path = format!(
            "/api/v1/hotspots?street={}&min_count=2&min_position={position}",
            cluster.street
        );
        let answer = client.read(&path, auditor).await?;
        let found = answer["items"].as_array().into_iter().flatten().any(|hot| {
            let members: Vec<String> = hot["case_ids"]
                .as_array()
                .map(|ids| ids.iter().map(text).collect())
                .unwrap_or_default();
            cluster.cases.iter().all(|case| members.contains(case))
        });
        whole += usize::from(found);
    }
    let share = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
    Ok(PlantedReport {
        clusters: planted.len(),
        cases: planted.iter().map(|c| c.cases.len()).sum(),
        finder_precision: share(offered_mates, offered),
        finder_recall: share(found_mates, mates),
        hotspot_cluster_recall: share(whole as u64, planted.len() as u64),
    })
}

#[cfg(test)]
mod tests {
    use shaobao_domain::similar::normalise_address;

    use super::address;

    #[test]
    fn the_three_ways_of_writing_an_address_are_one_place() {
        let places: Vec<_> = (0..3)
            .map(|k| normalise_address(&address("景山街道", 107, k)))
            .collect();
        assert_eq!(places[0], places[1]);
        assert_eq!(places[0], places[2]);
        assert_eq!(
            normalise_address(&address("景山街道", 110, 1)),
            normalise_address("景山街道东路110号")
        );
    }
}
