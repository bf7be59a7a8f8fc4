//! The static files of the pages — the stylesheet and htmx (vendored, BSD Zero-Clause licence
//! beside it) — compiled into the binary and served under addresses that carry a hash of their
//! content, so browsers may keep them for a year: a new release has new addresses.

use crate::ApiState;
use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::OnceLock;

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/vendor/htmx-2.0.11.min.js");

/// Where the stylesheet and the script are served (with their hashes appended).
pub const CSS_PATH: &str = "/static/app";
pub const JS_PATH: &str = "/static/htmx";

fn hashed(prefix: &str, content: &str, extension: &str) -> &'static str {
    let mut hasher = DefaultHasher::new();
    content.hash(&mut hasher);
    Box::leak(format!("{prefix}.{:016x}.{extension}", hasher.finish()).into_boxed_str())
}

/// The stylesheet's address.
pub fn css_url() -> &'static str {
    static URL: OnceLock<&'static str> = OnceLock::new();
    URL.get_or_init(|| hashed(CSS_PATH, CSS, "css"))
}

/// The script's address.
pub fn js_url() -> &'static str {
    static URL: OnceLock<&'static str> = OnceLock::new();
    URL.get_or_init(|| hashed(JS_PATH, JS, "js"))
}

pub fn routes() -> Router<ApiState> {
    Router::new().route("/static/{file}", axum::routing::get(serve))
}

async fn serve(Path(file): Path<String>) -> Response {
    let path = format!("/static/{file}");
    let (body, kind) = if path == css_url() {
        (CSS, "text/css; charset=utf-8")
    } else if path == js_url() {
        (JS, "text/javascript; charset=utf-8")
    } else {
        return super::not_found_page();
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}
