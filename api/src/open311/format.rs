//! The answer format, chosen by the resource's extension (`services.json`, `services.xml`), and
//! the response that carries a [`Document`] in it.

use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::document::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// The media types the discovery document lists, XML first (the one GeoReport v2 requires).
    pub const MEDIA_TYPES: [&'static str; 2] = ["text/xml", "application/json"];

    /// `services.json` → (`services`, JSON). Splits at the last dot, since codes may contain
    /// dots (`a.b.xml` is `a.b`); `None` without a `.json` or `.xml` extension.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        let (name, extension) = file.rsplit_once('.')?;
        let format = match extension {
            "json" => Format::Json,
            "xml" => Format::Xml,
            _ => return None,
        };
        (!name.is_empty()).then_some((name, format))
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }

    pub fn respond(self, status: StatusCode, document: &Document) -> Response {
        let body = match self {
            Format::Json => document.to_json(),
            Format::Xml => document.to_xml(),
        };
        (status, [(CONTENT_TYPE, self.content_type())], body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_picks_the_format() {
        assert_eq!(
            Format::split("services.json"),
            Some(("services", Format::Json))
        );
        assert_eq!(Format::split("a.b.xml"), Some(("a.b", Format::Xml)));
        for file in ["services", "services.csv", ".json", "services.JSON", ""] {
            assert_eq!(Format::split(file), None, "{file}");
        }
    }
}
