//! `GET discovery`: where the GeoReport v2 endpoint is, in which formats, and whom to ask for an
//! `api_key`.

use axum::http::header::HOST;
use axum::http::HeaderMap;
use shaobao_domain::org::Organisation;

use super::document::{Document, Node};
use super::format::Format;

/// When this endpoint's interface last changed (the spec's `changeset`).
const CHANGESET: &str = "2026-03-01T00:00:00+08:00";
const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// Where the endpoint is mounted.
pub const BASE_PATH: &str = "/open311/v2";

pub fn discovery(org: &Organisation, headers: &HeaderMap) -> Document {
    let endpoint = Node::Object(vec![
        ("specification", Node::text(SPECIFICATION)),
        ("url", Node::text(endpoint_url(headers))),
        ("changeset", Node::text(CHANGESET)),
        ("type", Node::text("production")),
        (
            "formats",
            Node::list("format", Format::MEDIA_TYPES.map(Node::text)),
        ),
    ]);
    Document::new(
        "discovery",
        Node::Object(vec![
            ("changeset", Node::text(CHANGESET)),
            (
                "contact",
                Node::text(format!("{} 12345 接诉即办 operator", org.district.name)),
            ),
            (
                "key_service",
                Node::text(
                    "api_key: an intake token, issued by the operator \
                     (shaobao token create --role intake); reads need none",
                ),
            ),
            ("endpoints", Node::list("endpoint", [endpoint])),
        ]),
    )
}

/// The endpoint's absolute URL as the client reached it (`X-Forwarded-Proto` behind a proxy);
/// just the path without a `Host` header.
fn endpoint_url(headers: &HeaderMap) -> String {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    match text(HOST.as_str()) {
        Some(host) => {
            let scheme = text("x-forwarded-proto").unwrap_or("http");
            format!("{scheme}://{host}{BASE_PATH}")
        }
        None => BASE_PATH.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_where_the_client_reached_us() {
        let mut headers = HeaderMap::new();
        assert_eq!(endpoint_url(&headers), "/open311/v2");
        headers.insert(HOST, "12345.dongcheng.example".parse().unwrap());
        assert_eq!(
            endpoint_url(&headers),
            "http://12345.dongcheng.example/open311/v2"
        );
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert_eq!(
            endpoint_url(&headers),
            "https://12345.dongcheng.example/open311/v2"
        );
    }
}
