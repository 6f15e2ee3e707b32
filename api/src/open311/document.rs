//! One answer model for both formats: a [`Document`] is a tree of [`Node`]s that renders as JSON
//! (lists as arrays, objects as objects) or as XML (every value an element; a list's items are
//! elements named after the item, as GeoReport v2 writes `<services><service>…`).

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// A value in an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// JSON `null`; an empty XML element.
    Null,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Fields in the order they are written.
    Object(Vec<(&'static str, Node)>),
    /// In XML each item is an element named `item`.
    List {
        item: &'static str,
        items: Vec<Node>,
    },
}

impl Node {
    pub fn text(text: impl Into<String>) -> Node {
        Node::Text(text.into())
    }

    /// Text, or null when absent.
    pub fn maybe(text: Option<impl Into<String>>) -> Node {
        text.map_or(Node::Null, Node::text)
    }

    pub fn list(item: &'static str, items: impl IntoIterator<Item = Node>) -> Node {
        Node::List {
            item,
            items: items.into_iter().collect(),
        }
    }
}

/// A whole answer: the XML root element's name and the value under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub root: &'static str,
    pub body: Node,
}

impl Document {
    pub fn new(root: &'static str, body: Node) -> Self {
        Document { root, body }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.body).expect("a document always serializes")
    }

    /// UTF-8 XML with its declaration, as GeoReport v2 requires.
    pub fn to_xml(&self) -> String {
        let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
        element(&mut out, self.root, &self.body);
        out
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_none(),
            Node::Text(text) => serializer.serialize_str(text),
            Node::Int(n) => serializer.serialize_i64(*n),
            Node::Float(x) => serializer.serialize_f64(*x),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (name, value) in fields {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
            Node::List { items, .. } => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

fn element(out: &mut String, name: &str, node: &Node) {
    let open = |out: &mut String| {
        out.push('<');
        out.push_str(name);
        out.push('>');
    };
    let close = |out: &mut String| {
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    };
    match node {
        Node::Null => {
            out.push('<');
            out.push_str(name);
            out.push_str("/>");
        }
        Node::Object(fields) => {
            open(out);
            for (field, value) in fields {
                element(out, field, value);
            }
            close(out);
        }
        Node::List { item, items } => {
            open(out);
            for value in items {
                element(out, item, value);
            }
            close(out);
        }
        Node::Text(text) => {
            open(out);
            escape_into(out, text);
            close(out);
        }
        Node::Int(n) => {
            open(out);
            out.push_str(&n.to_string());
            close(out);
        }
        Node::Float(x) => {
            open(out);
            out.push_str(&x.to_string());
            close(out);
        }
        Node::Bool(b) => {
            open(out);
            out.push_str(if *b { "true" } else { "false" });
            close(out);
        }
    }
}

/// Escapes markup characters, and drops the control characters XML 1.0 cannot carry at all
/// (not even as character references), so any stored text yields a well-formed document.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        Document::new(
            "service_requests",
            Node::list(
                "request",
                [Node::Object(vec![
                    ("service_request_id", Node::text("a-1")),
                    ("description", Node::text("<b>\"噪声\" & 'x'\u{1}</b>")),
                    ("lat", Node::Float(39.93)),
                    ("order", Node::Int(2)),
                    ("metadata", Node::Bool(true)),
                    ("account_id", Node::Null),
                    ("formats", Node::list("format", [Node::text("text/xml")])),
                ])],
            ),
        )
    }

    #[test]
    fn json_keeps_field_order_and_types() {
        assert_eq!(
            sample().to_json(),
            r#"[{"service_request_id":"a-1","description":"<b>\"噪声\" & 'x'\u0001</b>","lat":39.93,"order":2,"metadata":true,"account_id":null,"formats":["text/xml"]}]"#
        );
    }

    #[test]
    fn xml_names_list_items_and_escapes_text() {
        assert_eq!(
            sample().to_xml(),
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                "<service_requests><request><service_request_id>a-1</service_request_id>",
                "<description>&lt;b&gt;&quot;噪声&quot; &amp; &apos;x&apos;&lt;/b&gt;</description>",
                "<lat>39.93</lat><order>2</order><metadata>true</metadata><account_id/>",
                "<formats><format>text/xml</format></formats></request></service_requests>"
            )
        );
    }

    #[test]
    fn an_empty_list_is_an_empty_root() {
        let empty = Document::new("service_requests", Node::list("request", []));
        assert_eq!(empty.to_json(), "[]");
        assert!(empty
            .to_xml()
            .ends_with("<service_requests></service_requests>"));
    }
}
