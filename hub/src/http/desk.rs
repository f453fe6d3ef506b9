//! The counting desk's pages and the public board's: `/count` (a counter
//! keys paper ballots and sticker boards), `/scrutineer` (the scrutineer
//! watches every keystroke and enters the hand count of sheets) and `/board`
//! (every accepted ballot, for anyone), with their scripts, embedded in the
//! binary like every other page.
//!
//! The pages are static; `/count` and `/scrutineer` speak docs/protocol.md over
//! `/ws` with the counter's or scrutineer's token (from the join link's
//! fragment, or typed), `/board` reads `GET /api/board` (board.rs) and
//! follows the meeting as `public` to know when to read it again.

use axum::response::Redirect;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

use crate::http::server::Web;
use axum::http::HeaderMap;

use crate::http::web::page;

pub const ASSETS: &[(&str, &str, &[u8])] = &[
    ("/assets/desk.js", "text/javascript; charset=utf-8", include_bytes!("../../web/desk.js")),
    ("/assets/desk.css", "text/css; charset=utf-8", include_bytes!("../../web/desk.css")),
    ("/assets/count.js", "text/javascript; charset=utf-8", include_bytes!("../../web/count.js")),
    ("/assets/scrutineer.js", "text/javascript; charset=utf-8", include_bytes!("../../web/scrutineer.js")),
    ("/assets/witness.js", "text/javascript; charset=utf-8", include_bytes!("../../web/witness.js")),
    ("/assets/board.js", "text/javascript; charset=utf-8", include_bytes!("../../web/board.js")),
    ("/assets/board.css", "text/css; charset=utf-8", include_bytes!("../../web/board.css")),
];

pub fn routes() -> Router<Arc<Web>> {
    Router::new()
        .route("/count", get(|h: HeaderMap| async move { page(include_str!("../../web/count.html"), &h) }))
        .route("/scrutineer", get(|h: HeaderMap| async move { page(include_str!("../../web/scrutineer.html"), &h) }))
        .route("/board", get(|h: HeaderMap| async move { page(include_str!("../../web/board.html"), &h) }))
        // The scrutineer's page was `/scrutiny` before 2026-12; a bookmark still finds it.
        .route("/scrutiny", get(|| async { Redirect::permanent("/scrutineer") }))
}
