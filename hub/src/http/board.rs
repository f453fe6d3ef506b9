//! `GET /api/board`: the public board the board thread built
//! (`meeting::board`), gzipped if the browser takes it, with an ETag naming
//! its log position. No token: it is the public count.

use axum::extract::State as AxState;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;
use std::sync::Arc;
use yuanzhuo_protocol::words::console;

use crate::http::server::Web;

pub fn routes() -> Router<Arc<Web>> {
    Router::new().route("/api/board", get(board))
}

/// `GET /api/board`: the board as JSON (gzipped if the browser takes it),
/// with an ETag naming its log position (a phone that already has it gets 304).
async fn board(AxState(web): AxState<Arc<Web>>, headers: HeaderMap) -> Response {
    let unavailable = || {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(
                json!({"code": "shutting_down", "zh": console::HUB_STOPPING.zh, "en": console::HUB_STOPPING.en}),
            ),
        )
            .into_response()
    };
    let Some(b) = web.shared.meeting.boards.get().await else { return unavailable() };
    let etag = format!("\"{}-{}\"", b.seq, b.head.get(..16).unwrap_or(&b.head));
    let tag = HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag));
    if fresh {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, tag), (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        )
            .into_response();
    }
    let takes_gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().split(';').next() == Some("gzip")));
    let mut res = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
            (header::ETAG, tag),
        ],
        match (&b.gzip, takes_gzip) {
            (Some(z), true) => z.clone(),
            _ => b.json,
        },
    )
        .into_response();
    if takes_gzip && b.gzip.is_some() {
        res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    res
}
