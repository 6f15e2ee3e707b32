//! The console's static files, built into the binary (government intranets have no internet):
//! our stylesheet and scripts, the vendored htmx with its SSE extension and ECharts (licences beside them
//! in `api/assets/vendor/`). Served under `/assets/<name>` with a long cache lifetime: a file's
//! name carries its version.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// (name, content type, bytes).
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "console-1.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/console/console.css"),
    ),
    (
        "console-1.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/console/console.js"),
    ),
    (
        "charts-1.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/console/charts.js"),
    ),
    (
        "echarts-6.1.0.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/vendor/echarts-6.1.0.min.js"),
    ),
    (
        "htmx-2.0.11.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/vendor/htmx-2.0.11.min.js"),
    ),
    (
        "htmx-ext-sse-2.2.4.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/vendor/htmx-ext-sse-2.2.4.js"),
    ),
];

/// The URL of a built-in file (checked by a test so a renamed file cannot break pages).
pub fn url(name: &'static str) -> String {
    format!("/assets/{name}")
}

pub async fn serve(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, bytes)) => (
            [
                (CONTENT_TYPE, *content_type),
                (CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Names the pages link to.
pub const STYLESHEET: &str = "console-1.css";
pub const SCRIPT: &str = "console-1.js";
pub const HTMX: &str = "htmx-2.0.11.min.js";
pub const HTMX_SSE: &str = "htmx-ext-sse-2.2.4.js";
pub const ECHARTS: &str = "echarts-6.1.0.min.js";
pub const CHARTS: &str = "charts-1.js";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_linked_file_is_built_in() {
        for name in [STYLESHEET, SCRIPT, HTMX, HTMX_SSE, ECHARTS, CHARTS] {
            let file = FILES.iter().find(|(file, _, _)| *file == name);
            assert!(
                file.is_some_and(|(_, _, bytes)| !bytes.is_empty()),
                "{name}"
            );
        }
    }
}
