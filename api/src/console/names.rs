//! The organisation's names for the codes the read models store (`jingshan` → 景山街道).

use shaobao_domain::case::Unit;
use shaobao_domain::org::Organisation;

pub fn street(org: &Organisation, code: &str) -> String {
    org.street(code)
        .map_or_else(|| code.to_string(), |s| s.name.clone())
}

pub fn department(org: &Organisation, code: &str) -> String {
    org.department(code)
        .map_or_else(|| code.to_string(), |d| d.name.clone())
}

pub fn category(org: &Organisation, code: &str) -> String {
    org.category(code)
        .map_or_else(|| code.to_string(), |c| c.name.clone())
}

pub fn community(org: &Organisation, street_code: &str, code: &str) -> String {
    org.street(street_code)
        .and_then(|s| s.communities.iter().find(|c| c.code == code))
        .map_or_else(|| code.to_string(), |c| c.name.clone())
}

pub fn unit(org: &Organisation, unit: &Unit) -> String {
    match unit {
        Unit::Street(code) => street(org, code),
        Unit::Department(code) => department(org, code),
    }
}

/// A unit as the JSON read models store it (`{"department": "housing"}`).
pub fn unit_json(org: &Organisation, value: &serde_json::Value) -> String {
    serde_json::from_value::<Unit>(value.clone()).map_or_else(|_| String::new(), |u| unit(org, &u))
}

/// The form value of a unit: `department:housing`, `street:jingshan`.
pub fn unit_value(unit: &Unit) -> String {
    match unit {
        Unit::Street(code) => format!("street:{code}"),
        Unit::Department(code) => format!("department:{code}"),
    }
}
