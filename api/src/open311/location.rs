//! Where a request is. GeoReport v2 locates it by `lat`+`long`, `address_string` or `address_id`;
//! a case needs a street of the organisation (and, if known, a community). The rule:
//!
//! 1. `address_id` is a community code (its street follows) or a street code;
//! 2. else an `address_string` that names exactly one community (its full name, `吉祥社区`, or
//!    code) or one street (full name `景山街道`, name without the `街道`/`地区`/`镇`/`乡` suffix,
//!    or code as a word) decides; names of different streets are ambiguous (400);
//! 3. else `lat`+`long` go to the street whose `centre` is nearest, if within 3 km;
//! 4. else 400, saying why.
//!
//! The address text and coordinates are kept on the case as given.

use shaobao_domain::case::Location;
use shaobao_domain::org::{Organisation, Street};

use super::error::Open311Error;

/// Farthest a reported point may lie from the nearest street centre, in metres. Streets have no
/// boundaries in the organisation file; beyond this a point is taken to be outside the district.
const MAX_DISTANCE_M: f64 = 3_000.0;
const EARTH_RADIUS_M: f64 = 6_371_000.0;
/// Suffixes a street's name may be written without (景山街道 → 景山).
const STREET_SUFFIXES: [&str; 4] = ["街道", "地区", "镇", "乡"];

/// A request's location fields, each already checked on its own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Place {
    /// `(lat, long)` in degrees.
    pub point: Option<(f64, f64)>,
    pub address: Option<String>,
    pub address_id: Option<String>,
}

/// `lat` and `long` as sent: both or neither, numbers within ±90 and ±180.
pub fn point(lat: Option<&str>, long: Option<&str>) -> Result<Option<(f64, f64)>, Open311Error> {
    let bad = |message: String| Err(Open311Error::BadRequest(message));
    let (lat, long) = match (lat, long) {
        (None, None) => return Ok(None),
        (Some(lat), Some(long)) => (lat, long),
        (Some(_), None) => return bad("lat was given without long".into()),
        (None, Some(_)) => return bad("long was given without lat".into()),
    };
    let degrees = |name: &str, text: &str, limit: f64| match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() && value.abs() <= limit => Ok(value),
        _ => Err(Open311Error::BadRequest(format!(
            "{name} must be a number of degrees within ±{limit}, not {text:?}"
        ))),
    };
    Ok(Some((
        degrees("lat", lat, 90.0)?,
        degrees("long", long, 180.0)?,
    )))
}

/// The case location for `place` under the rule above.
pub fn locate(org: &Organisation, place: Place) -> Result<Location, Open311Error> {
    let found = match (&place.address_id, &place.address) {
        (Some(id), _) => Some(by_address_id(org, id)?),
        (None, Some(address)) => by_address(org, address)?,
        (None, None) => None,
    };
    let (street, community) = match (found, place.point) {
        (Some(found), _) => found,
        (None, Some((lat, long))) => (nearest_street(org, lat, long)?, None),
        (None, None) => {
            return Err(Open311Error::BadRequest(match &place.address {
                Some(address) => format!(
                    "address_string {address:?} names no street or community of {}; \
                     send lat and long, or address_id",
                    org.district.name
                ),
                None => {
                    "a location is required: lat and long, address_string or address_id".to_string()
                }
            }))
        }
    };
    Ok(Location {
        community,
        address: place.address,
        lat: place.point.map(|(lat, _)| lat),
        lon: place.point.map(|(_, long)| long),
        ..Location::street(street)
    })
}

/// The GeoReport `address` and `address_id` of a case's location: the text given, else the
/// street and community names; the most specific code.
pub fn address_of(org: &Organisation, location: &Location) -> (String, String) {
    let street = org.street(&location.street);
    let community = location
        .community
        .as_ref()
        .and_then(|code| street.and_then(|s| s.communities.iter().find(|c| &c.code == code)));
    let address = location.address.clone().unwrap_or_else(|| {
        let street = street.map_or(location.street.as_str(), |s| &s.name);
        format!("{street}{}", community.map_or("", |c| &c.name))
    });
    let id = location.community.as_ref().unwrap_or(&location.street);
    (address, id.clone())
}

type Area = (String, Option<String>);

fn by_address_id(org: &Organisation, id: &str) -> Result<Area, Open311Error> {
    for street in &org.streets {
        if street.code == id {
            return Ok((street.code.clone(), None));
        }
        if let Some(community) = street.communities.iter().find(|c| c.code == id) {
            return Ok((street.code.clone(), Some(community.code.clone())));
        }
    }
    Err(Open311Error::BadRequest(format!(
        "address_id {id:?} is neither a community nor a street code of {}",
        org.district.name
    )))
}

/// `Ok(None)` when the text names no place we know.
fn by_address(org: &Organisation, address: &str) -> Result<Option<Area>, Open311Error> {
    let lowered = address.to_lowercase();
    let communities: Vec<Area> = org
        .streets
        .iter()
        .flat_map(|s| s.communities.iter().map(move |c| (s, c)))
        .filter(|(_, c)| address.contains(&c.name) || has_word(&lowered, &c.code))
        .map(|(s, c)| (s.code.clone(), Some(c.code.clone())))
        .collect();
    let streets: Vec<&str> = org
        .streets
        .iter()
        .filter(|s| names_street(s, address, &lowered))
        .map(|s| s.code.as_str())
        .collect();
    match (communities.as_slice(), streets.as_slice()) {
        ([], []) => Ok(None),
        ([], [street]) => Ok(Some((street.to_string(), None))),
        ([one], streets) if streets.iter().all(|s| *s == one.0) => Ok(Some(one.clone())),
        _ => Err(Open311Error::BadRequest(format!(
            "address_string {address:?} names places in more than one street; \
             name one street or community, or send address_id"
        ))),
    }
}

fn names_street(street: &Street, address: &str, lowered: &str) -> bool {
    let short = STREET_SUFFIXES
        .iter()
        .find_map(|suffix| street.name.strip_suffix(suffix))
        .filter(|short| short.chars().count() >= 2);
    address.contains(&street.name)
        || short.is_some_and(|short| address.contains(short))
        || has_word(lowered, &street.code)
}

/// `code` in `text` (both lower case) with no letter or digit right before or after it.
fn has_word(text: &str, code: &str) -> bool {
    let code = code.to_lowercase();
    text.match_indices(&code).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + code.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

fn nearest_street(org: &Organisation, lat: f64, long: f64) -> Result<String, Open311Error> {
    let nearest = org
        .streets
        .iter()
        .filter_map(|s| {
            s.centre
                .map(|[c_lat, c_long]| (distance_m(lat, long, c_lat, c_long), s))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0));
    match nearest {
        Some((distance, street)) if distance <= MAX_DISTANCE_M => Ok(street.code.clone()),
        Some((distance, street)) => Err(Open311Error::BadRequest(format!(
            "lat/long {lat}, {long} is outside {}: {:.1} km from the nearest street, {}",
            org.district.name,
            distance / 1000.0,
            street.name
        ))),
        None => Err(Open311Error::BadRequest(format!(
            "{} has no street coordinates: send address_string or address_id",
            org.district.name
        ))),
    }
}

/// Equirectangular approximation: exact enough over a few kilometres.
fn distance_m(lat_a: f64, long_a: f64, lat_b: f64, long_b: f64) -> f64 {
    let mean_lat = ((lat_a + lat_b) / 2.0).to_radians();
    let x = (long_b - long_a).to_radians() * mean_lat.cos();
    let y = (lat_b - lat_a).to_radians();
    EARTH_RADIUS_M * x.hypot(y)
}

#[cfg(test)]
#[path = "location_tests.rs"]
mod tests;
