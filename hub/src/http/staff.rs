//! The staff pages: the table page (`/table`, for a table's chair, recorder
//! and adviser on a phone), the table screen (`/table-screen`, read-only, a
//! tablet in the middle of the table, opened with one of its cards), the organiser's console (`/admin`) and the door
//! register (`/door`, for the registrars when the rules have one), with
//! their scripts and style sheet, embedded in the binary like every other
//! page.
//!
//! Both are static; they speak docs/protocol.md over `/ws` through the shared
//! client `yz.js`, and the console also uses the organiser endpoints in
//! `admin.rs`. Tokens arrive in the fragment of a join link or are typed in.

use axum::routing::get;
use axum::Router;
use std::sync::Arc;

use crate::http::server::Web;
use axum::http::HeaderMap;

use crate::http::web::page;

pub const ASSETS: &[(&str, &str, &[u8])] = &[
    ("/assets/staff.css", "text/css; charset=utf-8", include_bytes!("../../web/staff.css")),
    ("/assets/staff.js", "text/javascript; charset=utf-8", include_bytes!("../../web/staff.js")),
    ("/assets/table.js", "text/javascript; charset=utf-8", include_bytes!("../../web/table.js")),
    ("/assets/admin.js", "text/javascript; charset=utf-8", include_bytes!("../../web/admin.js")),
    ("/assets/door.js", "text/javascript; charset=utf-8", include_bytes!("../../web/door.js")),
    ("/assets/table-screen.js", "text/javascript; charset=utf-8", include_bytes!("../../web/table-screen.js")),
    ("/assets/table-screen.css", "text/css; charset=utf-8", include_bytes!("../../web/table-screen.css")),
];

pub fn routes() -> Router<Arc<Web>> {
    Router::new()
        .route("/table", get(|h: HeaderMap| async move { page(include_str!("../../web/table.html"), &h) }))
        .route(
            "/table-screen",
            get(|h: HeaderMap| async move { page(include_str!("../../web/table-screen.html"), &h) }),
        )
        .route("/admin", get(|h: HeaderMap| async move { page(include_str!("../../web/admin.html"), &h) }))
        .route("/door", get(|h: HeaderMap| async move { page(include_str!("../../web/door.html"), &h) }))
}
