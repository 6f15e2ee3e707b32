//! A posted form and the JSON body it stands for. Field names are the JSON body's names (dots
//! nest: `location.street`), so a form and an API call carry the same words and are checked by the
//! same body types. HTML sends only strings; the few typed fields are converted here by name.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Asia::Shanghai;
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use shaobao_domain::text;

/// The fields of a posted form, in order, repeats kept (`co_units`).
#[derive(Debug, Clone, Default)]
pub struct FormFields(pub Vec<(String, String)>);

/// The message of a field that was left out; pages show it in the person's language.
pub const REQUIRED: &str = "required";

/// The message of a field holding a control character (pasted from elsewhere, say).
pub const CONTROL_CHARACTER: &str = "control_character";

/// A field the person must correct, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A new idempotency key for a form: posting the form twice (a double click) acts once.
pub fn fresh_idempotency_key() -> String {
    let mut key = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut key);
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// Fields that are switches (`"true"`/`"false"`).
const BOOLEANS: &[&str] = &["accepted", "reached", "resolved", "approve"];
/// Fields that are whole numbers.
const NUMBERS: &[&str] = &["points", "households", "capacity", "need_no"];
/// Fields naming a unit as `department:<code>` or `street:<code>`.
const UNITS: &[&str] = &["unit", "redispatch_to", "responsible"];
/// Fields whose lines are a list.
const LINES: &[&str] = &["evidence", "visitors"];
/// Local date-times (Asia/Shanghai) from `<input type="datetime-local">`.
const TIMES: &[&str] = &[
    "until",
    "review_at",
    "deadline",
    "available_from",
    "available_until",
];
/// Fields that belong to the page, not the body.
const CONTROL: &[&str] = &["csrf_token", "expected_version", "idempotency_key"];

impl FormFields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Removes field `name` (every occurrence) and returns its first value: a field that
    /// addresses the command (a path's part) rather than belonging to its body.
    pub fn take(&mut self, name: &str) -> Option<String> {
        let value = self.get(name).map(str::to_string);
        self.0.retain(|(key, _)| key != name);
        value
    }

    /// Every value of a repeated field (`co_units`).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// The case version the page showed (`If-Match`).
    pub fn expected_version(&self) -> Option<i64> {
        self.get("expected_version").and_then(|v| v.parse().ok())
    }

    /// The JSON body the form stands for. Empty fields are left out (optional in every body).
    pub fn body(&self) -> Result<Value, FieldError> {
        let mut body = Map::new();
        for (name, raw) in &self.0 {
            let value = raw.trim();
            if CONTROL.contains(&name.as_str()) || value.is_empty() {
                continue;
            }
            if text::has_control_character(value) {
                return Err(FieldError {
                    field: name.clone(),
                    message: CONTROL_CHARACTER.into(),
                });
            }
            if let Some(department) = name.strip_prefix("departments.") {
                push(
                    &mut body,
                    "departments",
                    serde_json::json!({"department": department, "role": value}),
                );
            } else if name == "co_units" {
                push(&mut body, "co_units", unit(name, value)?);
            } else {
                insert(&mut body, name, typed(name, raw)?);
            }
        }
        Ok(Value::Object(body))
    }

    /// The body as `T`, or the field that does not fit.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, FieldError> {
        parse_value(self.body()?)
    }
}

/// `value` as `T`, naming the field at fault.
pub fn parse_value<T: DeserializeOwned>(value: Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let message = err.inner().to_string();
        // A missing field is reported by serde at its parent; name the field itself.
        match message.strip_prefix("missing field `") {
            Some(rest) => {
                let missing = rest.split('`').next().unwrap_or_default();
                let field = if path == "." {
                    missing.to_string()
                } else {
                    format!("{path}.{missing}")
                };
                FieldError {
                    field,
                    message: REQUIRED.into(),
                }
            }
            None => FieldError {
                field: path,
                message,
            },
        }
    })
}

fn typed(name: &str, raw: &str) -> Result<Value, FieldError> {
    let leaf = name.rsplit('.').next().unwrap_or(name);
    let value = raw.trim();
    let wrong = |message: &str| FieldError {
        field: name.to_string(),
        message: message.to_string(),
    };
    Ok(if BOOLEANS.contains(&leaf) {
        match value {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(wrong("expected yes or no")),
        }
    } else if NUMBERS.contains(&leaf) {
        Value::from(
            value
                .parse::<u32>()
                .map_err(|_| wrong("expected a whole number"))?,
        )
    } else if UNITS.contains(&leaf) {
        unit(name, value)?
    } else if LINES.contains(&leaf) {
        Value::Array(
            raw.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(Value::from)
                .collect(),
        )
    } else if TIMES.contains(&leaf) {
        let local = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
            .map_err(|_| wrong("expected a date and time"))?;
        let at = Shanghai
            .from_local_datetime(&local)
            .earliest()
            .ok_or_else(|| wrong("no such local time"))?;
        Value::from(at.to_utc().to_rfc3339())
    } else {
        // Text keeps the person's own spacing inside; only the ends are trimmed.
        Value::from(value)
    })
}

/// `department:urban_management` → `{"department": "urban_management"}`.
fn unit(name: &str, value: &str) -> Result<Value, FieldError> {
    match value.split_once(':') {
        Some((kind @ ("department" | "street"), code)) if !code.is_empty() => {
            Ok(serde_json::json!({ kind: code }))
        }
        _ => Err(FieldError {
            field: name.to_string(),
            message: "expected a street or a department".into(),
        }),
    }
}

fn push(body: &mut Map<String, Value>, name: &str, value: Value) {
    match body.entry(name).or_insert_with(|| Value::Array(Vec::new())) {
        Value::Array(items) => items.push(value),
        other => *other = Value::Array(vec![value]),
    }
}

/// Sets `a.b.c` in nested objects.
fn insert(body: &mut Map<String, Value>, name: &str, value: Value) {
    match name.split_once('.') {
        None => {
            body.insert(name.to_string(), value);
        }
        Some((head, rest)) => {
            let slot = body
                .entry(head)
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(inner) = slot {
                insert(inner, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(pairs: &[(&str, &str)]) -> FormFields {
        FormFields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn dotted_names_nest_and_empty_fields_are_left_out() {
        let body = form(&[
            ("csrf_token", "x"),
            ("channel", "hotline"),
            ("location.street", "jingshan"),
            ("location.grid", ""),
            ("requester.name", " 王芳 "),
        ])
        .body()
        .unwrap();
        assert_eq!(
            body,
            json!({"channel": "hotline", "location": {"street": "jingshan"}, "requester": {"name": "王芳"}})
        );
    }

    #[test]
    fn typed_fields_are_converted_by_name() {
        let body = form(&[
            ("unit", "department:urban_management"),
            ("co_units", "street:jingshan"),
            ("co_units", "department:housing"),
            ("accepted", "false"),
            ("points", "5"),
            ("evidence", "photo-1\n\n photo-2 "),
            ("departments.housing", "lead"),
            ("departments.police", ""),
            ("ratings.housing", "good"),
            ("until", "2026-03-05T18:00"),
        ])
        .body()
        .unwrap();
        assert_eq!(
            body,
            json!({
                "unit": {"department": "urban_management"},
                "co_units": [{"street": "jingshan"}, {"department": "housing"}],
                "accepted": false, "points": 5, "evidence": ["photo-1", "photo-2"],
                "departments": [{"department": "housing", "role": "lead"}],
                "ratings": {"housing": "good"},
                "until": "2026-03-05T10:00:00+00:00",
            })
        );
    }

    #[test]
    fn bad_typed_values_name_their_field() {
        let err = form(&[("points", "many")]).body().unwrap_err();
        assert_eq!(err.field, "points");
        let err = form(&[("unit", "urban_management")]).body().unwrap_err();
        assert_eq!(err.field, "unit");
        let err = form(&[("until", "tomorrow")]).body().unwrap_err();
        assert_eq!(err.field, "until");
    }

    #[test]
    fn a_missing_or_wrong_field_is_named() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Body {
            reason: String,
            location: Location,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Location {
            street: String,
        }
        let err = form(&[("location.street", "x")])
            .parse::<Body>()
            .unwrap_err();
        assert_eq!(err.field, "reason");
        let err = form(&[("reason", "r"), ("location.grid", "g")])
            .parse::<Body>()
            .unwrap_err();
        assert_eq!(err.field, "location.street");
    }
}
