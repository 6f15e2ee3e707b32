//! The services a resident can request: one per request category 诉求分类 of the organisation,
//! `service_code` = category code. Every service takes the same two optional attributes, which map
//! onto what the case domain records at intake:
//! - `urgency` (singlevaluelist of the domain's urgencies; default: the category's),
//! - `kind` (singlevaluelist consultation/help/complaint/report/suggestion; default `report`).
//!
//! No per-category attributes (a building type for `house_leak`, say): the case has nowhere to
//! keep them but the public description, and the domain's categories carry none.

use std::collections::BTreeMap;

use shaobao_domain::case::CaseKind;
use shaobao_domain::org::{Category, Organisation};
use shaobao_domain::sla::Urgency;

use super::document::{Document, Node};
use super::error::Open311Error;

/// 紧急程度, in the order they are offered.
const URGENCIES: [(Urgency, &str); 4] = [
    (Urgency::Emergency, "紧急 emergency"),
    (Urgency::Utility, "水电气热 utility outage"),
    (Urgency::Ordinary, "一般 ordinary"),
    (Urgency::Complex, "疑难复杂 complex"),
];

/// 诉求类型, keyed by their snake_case names.
const KINDS: [(CaseKind, &str, &str); 5] = [
    (CaseKind::Consultation, "consultation", "咨询 consultation"),
    (CaseKind::Help, "help", "求助 help"),
    (CaseKind::Complaint, "complaint", "投诉 complaint"),
    (CaseKind::Report, "report", "举报 report"),
    (CaseKind::Suggestion, "suggestion", "建议 suggestion"),
];

/// What a request chose through its attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choices {
    /// `None`: the category's default urgency.
    pub urgency: Option<Urgency>,
    pub kind: CaseKind,
}

/// `GET services`: every category as a service.
pub fn services(org: &Organisation) -> Document {
    let services = org.categories.iter().map(|category| {
        Node::Object(vec![
            ("service_code", Node::text(&category.code)),
            ("service_name", Node::text(&category.name)),
            ("description", Node::text(describe(org, category))),
            ("metadata", Node::Bool(true)),
            ("type", Node::text("realtime")),
            ("keywords", Node::text(keywords(category))),
            ("group", Node::text(group(org, category))),
        ])
    });
    Document::new("services", Node::list("service", services))
}

/// `GET services/{code}`: the service's attributes; 404 for a code that is not a category.
pub fn definition(org: &Organisation, code: &str) -> Result<Document, Open311Error> {
    let category = org
        .category(code)
        .ok_or_else(|| Open311Error::NotFound(format!("service_code {code:?} not found")))?;
    let urgency = attribute(
        "urgency",
        1,
        "紧急程度 urgency",
        &format!(
            "optional; default {} ({})",
            category.default_urgency.as_str(),
            urgency_name(category.default_urgency)
        ),
        URGENCIES.iter().map(|(u, name)| (u.as_str(), *name)),
    );
    let kind = attribute(
        "kind",
        2,
        "诉求类型 kind of request",
        "optional; default report",
        KINDS.iter().map(|(_, key, name)| (*key, *name)),
    );
    Ok(Document::new(
        "service_definition",
        Node::Object(vec![
            ("service_code", Node::text(&category.code)),
            ("attributes", Node::list("attribute", [urgency, kind])),
        ]),
    ))
}

/// The `attribute[code]=key` pairs of a request: only our two codes, only listed keys.
pub fn choices(attributes: &BTreeMap<String, String>) -> Result<Choices, Open311Error> {
    let mut choices = Choices {
        urgency: None,
        kind: CaseKind::Report,
    };
    for (code, key) in attributes {
        let unknown_key =
            || Open311Error::BadRequest(format!("attribute[{code}] has no value {key:?}"));
        match code.as_str() {
            "urgency" => {
                let urgency = URGENCIES.iter().find(|(u, _)| u.as_str() == key);
                choices.urgency = Some(urgency.ok_or_else(unknown_key)?.0);
            }
            "kind" => {
                let kind = KINDS.iter().find(|(_, k, _)| k == key);
                choices.kind = kind.ok_or_else(unknown_key)?.0;
            }
            _ => {
                return Err(Open311Error::BadRequest(format!(
                "unknown attribute[{code}]: services take attribute[urgency] and attribute[kind]"
            )))
            }
        }
    }
    Ok(choices)
}

pub fn urgency_name(urgency: Urgency) -> &'static str {
    URGENCIES
        .iter()
        .find(|(u, _)| *u == urgency)
        .map_or("", |(_, name)| name)
}

fn attribute<'a>(
    code: &'static str,
    order: i64,
    description: &str,
    datatype_description: &str,
    values: impl Iterator<Item = (&'a str, &'a str)>,
) -> Node {
    let values = values.map(|(key, name)| {
        Node::Object(vec![("key", Node::text(key)), ("name", Node::text(name))])
    });
    Node::Object(vec![
        ("variable", Node::Bool(true)),
        ("code", Node::text(code)),
        ("datatype", Node::text("singlevaluelist")),
        ("required", Node::Bool(false)),
        ("datatype_description", Node::text(datatype_description)),
        ("order", Node::Int(order)),
        ("description", Node::text(description)),
        ("values", Node::list("value", values)),
    ])
}

fn describe(org: &Organisation, category: &Category) -> String {
    format!(
        "{}：默认紧急程度 {}，{}。",
        category.name,
        urgency_name(category.default_urgency),
        match department_name(org, category) {
            Some(department) => format!("通常由{department}承办"),
            None => "由12345或街道分派".to_string(),
        }
    )
}

/// The code's words and the name: `construction noise, 施工扰民`.
fn keywords(category: &Category) -> String {
    format!(
        "{}, {}",
        category.code.replace(['_', '-', '.'], " "),
        category.name
    )
}

/// Services are grouped by the department that usually handles them.
fn group(org: &Organisation, category: &Category) -> String {
    department_name(org, category).unwrap_or_else(|| "综合 general".to_string())
}

fn department_name(org: &Organisation, category: &Category) -> Option<String> {
    let code = category.default_department.as_deref()?;
    Some(org.department(code).map_or(code, |d| &d.name).to_string())
}

#[cfg(test)]
#[path = "catalogue_tests.rs"]
mod tests;
