//! The pages the hub serves to browsers: every asset is embedded in the
//! binary (no CDN, no web fonts, nothing fetched from the internet), served
//! with a Content-Security-Policy that forbids anything but the hub itself.
//!
//! Pages are static HTML + the shared client `yz.js`; they talk to the hub
//! over `/ws` like any other client (docs/protocol.md). The server fills in
//! nothing secret: tokens reach a page through the fragment of a join link
//! (`/j/TOKEN` redirects to `/PAGE#token=TOKEN`), which browsers never send
//! back to the server, and the page keeps them in its own storage.

use axum::extract::{Path as UrlPath, State as AxState};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use yuanzhuo_protocol::*;

use crate::server::Web;
use crate::tokens;

/// Everything a page may load: only the hub itself (and inline data: images
/// such as QR codes). A page that tried to reach a CDN would be blocked.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                   script-src 'self'; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

/// Embedded static files: (URL path, content type, bytes).
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("/assets/yz.js", "text/javascript; charset=utf-8", include_bytes!("../web/yz.js")),
    ("/assets/yz.css", "text/css; charset=utf-8", include_bytes!("../web/yz.css")),
    ("/assets/views.js", "text/javascript; charset=utf-8", include_bytes!("../web/views.js")),
    ("/assets/projector.js", "text/javascript; charset=utf-8", include_bytes!("../web/projector.js")),
    ("/assets/projector.css", "text/css; charset=utf-8", include_bytes!("../web/projector.css")),
    ("/assets/vote.js", "text/javascript; charset=utf-8", include_bytes!("../web/vote.js")),
    ("/assets/vote.css", "text/css; charset=utf-8", include_bytes!("../web/vote.css")),
    ("/assets/landing.js", "text/javascript; charset=utf-8", include_bytes!("../web/landing.js")),
    ("/assets/landing.css", "text/css; charset=utf-8", include_bytes!("../web/landing.css")),
];

/// Which page a token's join link opens.
pub fn page_for(role: Role) -> &'static str {
    match role {
        Role::Voter => "/vote",
        Role::Chair | Role::Recorder | Role::Adviser => "/table",
        Role::Organiser => "/admin",
        Role::Projector => "/projector",
        Role::Counter => "/count",
        Role::Observer => "/scrutiny",
        Role::Registrar => "/door",
        Role::Public => "/",
    }
}

pub fn routes() -> Router<Arc<Web>> {
    let mut r = Router::new()
        .route("/", get(landing))
        .route("/projector", get(|| async { page(include_str!("../web/projector.html")) }))
        .route("/vote", get(|| async { page(include_str!("../web/vote.html")) }))
        .route("/j/{token}", get(join))
        .route("/qr.svg", get(join_qr))
        .route("/api/info", get(info))
        .merge(crate::staff::routes())
        .merge(crate::desk::routes())
        .merge(crate::board::routes())
        .merge(crate::publish::serve::routes())
        .merge(crate::admin::routes());
    for (path, kind, body) in ASSETS {
        r = r.route(path, get(move || async move { asset(kind, body) }));
    }
    r.layer(axum::middleware::map_response(secure_headers))
}

pub fn asset(kind: &'static str, body: &'static [u8]) -> Response {
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

async fn secure_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}

/// An HTML page with the static content type and no caching (a page must
/// never show a stale meeting after the hub restarts with a new binary).
pub fn page(html: &'static str) -> Response {
    ([(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response()
}

async fn landing(AxState(web): AxState<Arc<Web>>) -> Response {
    let m = &web.def.meeting;
    let r = &web.def.rules;
    let (budget_zh, budget_en) = money(r.budget.amount, &r.budget.currency);
    let html = format!(
        include_str!("../web/landing.html"),
        name = esc(&m.name),
        venue = esc(&m.venue),
        date = esc(&m.date),
        tables = r.tables.len(),
        proposals = web.def.proposals.len(),
        picks = r.picks_per_table,
        max = r.max_choices,
        budget_zh = esc(&budget_zh),
        budget_en = esc(&budget_en),
        public = web.allow_public,
    );
    ([(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response()
}

/// An amount as residents read it: "300,000 元" / "300,000 CNY".
pub fn money(amount: u64, currency: &str) -> (String, String) {
    let digits = amount.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if currency == "CNY" {
        (format!("{grouped} 元"), format!("{grouped} CNY"))
    } else {
        (format!("{grouped} {currency}"), format!("{grouped} {currency}"))
    }
}

/// A join link from a card: send the browser to the page for the token's
/// role, carrying the token in the fragment (never sent to a server, never
/// in a log). An unknown code gets a page that says so.
async fn join(UrlPath(token): UrlPath<String>, AxState(web): AxState<Arc<Web>>) -> Response {
    match web.shared.tokens.lookup(&token) {
        Some(row) => {
            let code = tokens::normalize(&token);
            Redirect::to(&format!("{}#token={code}", page_for(row.role))).into_response()
        }
        None => (StatusCode::NOT_FOUND, Html(include_str!("../web/join-unknown.html"))).into_response(),
    }
}

/// The QR code of the address residents open, as SVG (projector, cards).
async fn join_qr(AxState(web): AxState<Arc<Web>>) -> Response {
    svg_response(qr_svg(&web.base_url))
}

pub fn svg_response(svg: String) -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "no-cache")], svg).into_response()
}

/// A QR code as a standalone SVG, black on white with a quiet zone, sized
/// by its container.
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .quiet_zone(true)
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#000"))
            .light_color(qrcode::render::svg::Color("#fff"))
            .build(),
        Err(_) => String::from(r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#),
    }
}

/// Public facts a page needs before it connects: where residents join.
async fn info(AxState(web): AxState<Arc<Web>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "meeting": web.def.meeting,
        "base_url": web.base_url,
        "ws_path": "/ws",
        "public": web.allow_public,
    }))
}

/// Text escaped for HTML (content and quoted attributes).
pub fn esc(s: &str) -> String {
    crate::publish::html::Html::text(s).into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_page() {
        for r in [
            Role::Voter,
            Role::Chair,
            Role::Recorder,
            Role::Adviser,
            Role::Organiser,
            Role::Projector,
            Role::Observer,
            Role::Counter,
            Role::Registrar,
        ] {
            assert!(page_for(r).starts_with('/'));
        }
    }

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(300000, "CNY").0, "300,000 元");
        assert_eq!(money(1000000, "CNY").1, "1,000,000 CNY");
        assert_eq!(money(999, "EUR").0, "999 EUR");
        assert_eq!(money(0, "CNY").0, "0 元");
    }

    #[test]
    fn qr_is_svg() {
        let s = qr_svg("http://192.168.1.20:8470");
        assert!(s.contains("<svg") && s.contains("</svg>"));
    }
}
