//! The `POST requests` form (`application/x-www-form-urlencoded`, as GeoReport v2 shows it) and
//! the case it opens: channel `open311`, category = `service_code`, urgency and kind from the
//! attributes, location by [`location::locate`].
//!
//! Kept from the form: `description` (the service's name when empty, since a case needs one),
//! `first_name`/`last_name`/`phone` as the requester when a phone number is given (the handling
//! unit contacts requesters by phone), and `account_id`, echoed in the answer. `email`,
//! `device_id` and `media_url` have no place on a case and are ignored, as are unknown fields.
//! Empty fields count as absent.

use std::collections::BTreeMap;

use shaobao_domain::case::{Channel, OpenCase, Requester};
use shaobao_domain::org::Organisation;
use shaobao_domain::sla::Urgency;
use shaobao_domain::text;

use super::catalogue;
use super::error::Open311Error;
use super::location::{self, Place};

/// The form's fields, each given at most once; `attribute[code]` ones apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    values: BTreeMap<String, String>,
    attributes: BTreeMap<String, String>,
}

/// The case to open, the urgency in force (chosen or the service's default), and what the
/// answer echoes.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub open: OpenCase,
    pub urgency: Urgency,
    pub account_id: Option<String>,
}

/// Fewest digits a phone number has (a short service number).
const MIN_PHONE_DIGITS: usize = 5;
const MAX_PHONE_CHARS: usize = 30;

impl Fields {
    pub fn parse(body: &[u8]) -> Result<Fields, Open311Error> {
        let mut fields = Fields::default();
        for (name, value) in form_urlencoded::parse(body) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            if text::has_control_character(value) {
                return Err(Open311Error::BadRequest(format!(
                    "{name} holds a control character; only line breaks and tabs are allowed"
                )));
            }
            let (map, key) = match name
                .strip_prefix("attribute[")
                .and_then(|n| n.strip_suffix(']'))
            {
                Some(code) => (&mut fields.attributes, code.to_string()),
                None => (&mut fields.values, name.to_string()),
            };
            if map.insert(key, value.to_string()).is_some() {
                return Err(Open311Error::BadRequest(format!(
                    "{name} was given more than once"
                )));
            }
        }
        Ok(fields)
    }

    /// Removes and returns field `name`.
    pub fn take(&mut self, name: &str) -> Option<String> {
        self.values.remove(name)
    }
}

/// Checks the fields and builds the case to open.
pub fn report(mut fields: Fields, org: &Organisation) -> Result<Report, Open311Error> {
    let service_code = fields
        .take("service_code")
        .ok_or_else(|| Open311Error::BadRequest("service_code was not provided".into()))?;
    // In a POST an unknown service is a bad request (404 is for GET services/{code}).
    let service = org.category(&service_code).ok_or_else(|| {
        Open311Error::BadRequest(format!("service_code {service_code:?} not found"))
    })?;
    let (lat, long) = (fields.take("lat"), fields.take("long"));
    let place = Place {
        point: location::point(lat.as_deref(), long.as_deref())?,
        address: fields.take("address_string"),
        address_id: fields.take("address_id"),
    };
    let location = location::locate(org, place)?;
    let choices = catalogue::choices(&fields.attributes)?;
    let requester = requester(&mut fields)?;
    Ok(Report {
        open: OpenCase {
            related_cases: vec![],
            channel: Channel::Open311,
            kind: choices.kind,
            category: service.code.clone(),
            urgency: choices.urgency,
            description: fields
                .take("description")
                .unwrap_or_else(|| service.name.clone()),
            location,
            requester,
            source: None,
        },
        urgency: choices.urgency.unwrap_or(service.default_urgency),
        account_id: fields.take("account_id"),
    })
}

/// Names in Chinese order (`王小明`) unless both are Latin (`John Smith`); `匿名` without any.
fn requester(fields: &mut Fields) -> Result<Option<Requester>, Open311Error> {
    let Some(phone) = fields.take("phone") else {
        return Ok(None);
    };
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " +-()".contains(c);
    if digits < MIN_PHONE_DIGITS || phone.len() > MAX_PHONE_CHARS || !phone.chars().all(allowed) {
        return Err(Open311Error::BadRequest(format!(
            "phone must be a telephone number (digits, spaces, + - ( )), not {phone:?}"
        )));
    }
    let first = fields.take("first_name").unwrap_or_default();
    let last = fields.take("last_name").unwrap_or_default();
    let name = if first.is_ascii() && last.is_ascii() {
        format!("{first} {last}").trim().to_string()
    } else {
        format!("{last}{first}")
    };
    Ok(Some(Requester {
        name: if name.is_empty() {
            "匿名".into()
        } else {
            name
        },
        phone,
    }))
}

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;
