//! Requests to `/open311/v2/` and checks of their answers: JSON against the schemas, XML against
//! the JSON answer to the same question.

use std::time::Duration;

use serde_json::Value;
use shaobao_projections::runtime::wait_for;
use shaobao_tests::app::TestApp;

/// An answer: status, content type and body text.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub text: String,
}

impl Answer {
    /// The body as JSON, after checking the content type.
    pub fn json(&self) -> Value {
        assert_eq!(
            self.content_type, "application/json; charset=utf-8",
            "{self:?}"
        );
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }

    /// The body as an XML document, after checking the content type and declaration.
    pub fn xml(&self) -> roxmltree::Document<'_> {
        assert_eq!(self.content_type, "text/xml; charset=utf-8", "{self:?}");
        assert!(
            self.text
                .starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#),
            "{self:?}"
        );
        roxmltree::Document::parse(&self.text).unwrap_or_else(|e| panic!("not XML ({e}): {self:?}"))
    }

    /// A GeoReport error list in JSON with this one status, valid against the errors schema;
    /// returns the description.
    pub fn json_error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{self:?}");
        let errors = self.json();
        valid("errors", &errors);
        assert_eq!(errors[0]["code"], status, "{self:?}");
        errors[0]["description"].as_str().unwrap().to_string()
    }

    /// The same as an XML `<errors>` list; returns the description.
    pub fn xml_error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{self:?}");
        let document = self.xml();
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "errors", "{self:?}");
        let error = elements(root).next().expect("one error");
        assert_eq!(error.tag_name().name(), "error");
        let fields: Vec<(&str, &str)> = elements(error)
            .map(|e| (e.tag_name().name(), e.text().unwrap_or("")))
            .collect();
        assert_eq!(fields[0], ("code", status.to_string().as_str()), "{self:?}");
        assert_eq!(fields[1].0, "description", "{self:?}");
        assert!(!fields[1].1.is_empty(), "{self:?}");
        fields[1].1.to_string()
    }
}

/// `GET /open311/v2/{path}`.
pub async fn get(app: &TestApp, path: &str) -> Answer {
    let response = app
        .client
        .get(app.url(&format!("/open311/v2/{path}")))
        .send()
        .await;
    answer(response.expect("request sent")).await
}

/// `POST /open311/v2/{path}` with `form` url-encoded, as GeoReport clients send it.
pub async fn post(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> Answer {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut request = app
        .client
        .post(app.url(&format!("/open311/v2/{path}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    answer(request.send().await.expect("request sent")).await
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = response.text().await.expect("body");
    Answer {
        status,
        content_type,
        text,
    }
}

/// A noise report at 吉祥社区, posted with api_key `key`; returns its id.
/// `fields` add to the form or replace its fields of the same name.
pub async fn report(app: &TestApp, key: &str, fields: &[(&str, &str)]) -> String {
    let mut form = vec![
        ("api_key", key),
        ("service_code", "noise"),
        ("address_string", "景山街道吉祥社区 吉祥胡同 12 号"),
        ("description", "楼下商铺夜间施工噪声扰民"),
    ];
    for &(name, value) in fields {
        match form.iter_mut().find(|(n, _)| *n == name) {
            Some(field) => field.1 = value,
            None => form.push((name, value)),
        }
    }
    let posted = post(app, "requests.json", &form, &[]).await;
    assert_eq!(posted.status, 200, "{posted:?}");
    let body = posted.json();
    valid("posted", &body);
    body[0]["service_request_id"].as_str().unwrap().to_string()
}

/// `GET requests.{format}?{query}` once the read models have caught up with case `id`'s last
/// event (they follow the log shortly after the write); asserts that it lists `id`.
pub async fn listing(app: &TestApp, format: &str, query: &str, id: &str) -> Answer {
    let history = app.state.store.history("case", id).await.expect("history");
    let head = history.last().expect("the case exists").position;
    wait_for(&app.state.store, head, Duration::from_secs(20))
        .await
        .expect("read models catch up");
    let answer = get(app, &format!("requests.{format}?{query}")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(
        answer.text.contains(id),
        "{id} not listed for {query:?}: {answer:?}"
    );
    answer
}

/// Panics with every violation unless `value` is valid against `schemas/{name}.json`.
pub fn valid(name: &str, value: &Value) {
    let schema: Value = serde_json::from_str(match name {
        "discovery" => include_str!("schemas/discovery.json"),
        "services" => include_str!("schemas/services.json"),
        "service_definition" => include_str!("schemas/service_definition.json"),
        "posted" => include_str!("schemas/posted.json"),
        "service_requests" => include_str!("schemas/service_requests.json"),
        "token" => include_str!("schemas/token.json"),
        "errors" => include_str!("schemas/errors.json"),
        other => panic!("no schema {other}"),
    })
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{value:#}");
}

/// Asserts that the XML document says what the JSON one says: the root named `root`; a JSON list
/// is an element whose children are all named by `items` for that element (`services` →
/// `service`); an object's fields are child elements; null is an empty element; scalars are text.
pub fn same_document(xml: &roxmltree::Document, root: &str, items: &[(&str, &str)], json: &Value) {
    let element = xml.root_element();
    assert_eq!(element.tag_name().name(), root);
    same(element, items, json, root);
}

fn same(element: roxmltree::Node, items: &[(&str, &str)], json: &Value, path: &str) {
    let name = element.tag_name().name();
    let children: Vec<_> = elements(element).collect();
    let text = element.text().unwrap_or("");
    match json {
        Value::Array(values) => {
            let item = items
                .iter()
                .find(|(list, _)| *list == name)
                .map(|(_, item)| *item)
                .unwrap_or_else(|| panic!("{path}: a list nobody expected"));
            assert_eq!(children.len(), values.len(), "{path}");
            for (child, value) in children.iter().zip(values) {
                assert_eq!(child.tag_name().name(), item, "{path}");
                same(*child, items, value, &format!("{path}/{item}"));
            }
        }
        Value::Object(fields) => {
            let names: Vec<&str> = children.iter().map(|c| c.tag_name().name()).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(
                sorted.len(),
                names.len(),
                "{path}: repeated fields {names:?}"
            );
            let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(sorted, keys, "{path}");
            for child in &children {
                let field = child.tag_name().name();
                same(*child, items, &fields[field], &format!("{path}/{field}"));
            }
        }
        Value::Null => assert!(children.is_empty() && text.is_empty(), "{path}: not empty"),
        Value::String(s) => assert_eq!(text, s, "{path}"),
        Value::Number(n) => assert_eq!(text.parse::<f64>().ok(), n.as_f64(), "{path}"),
        Value::Bool(b) => assert_eq!(text, b.to_string(), "{path}"),
    }
}

pub fn elements<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> {
    node.children().filter(roxmltree::Node::is_element)
}
