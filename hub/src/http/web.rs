//! The pages the hub serves to browsers: every asset is embedded in the
//! binary (no CDN, no web fonts, nothing fetched from the internet), served
//! with a Content-Security-Policy that forbids anything but the hub itself.
//!
//! Pages are static HTML + the shared client `yz.js`; they talk to the hub
//! over `/ws` like any other client (docs/protocol.md). The server fills in
//! nothing secret: tokens reach a page through the fragment of a join link
//! (`/j/TOKEN` redirects to `/PAGE#token=TOKEN`), which browsers never send
//! back to the server, and the page keeps them in its own storage.

use axum::extract::{Path as UrlPath, RawQuery, State as AxState};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, OnceLock};
use yuanzhuo_protocol::*;

use crate::http::server::Web;
use crate::meeting::tokens;

/// Everything a page may load: only the hub itself (and inline data: images
/// such as QR codes). A page that tried to reach a CDN would be blocked.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                   script-src 'self'; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

/// Embedded static files: (URL path, content type, bytes).
pub const ASSETS: &[(&str, &str, &[u8])] = &[
    ("/assets/yz.js", "text/javascript; charset=utf-8", include_bytes!("../../web/yz.js")),
    ("/assets/yz.css", "text/css; charset=utf-8", include_bytes!("../../web/yz.css")),
    ("/assets/views.js", "text/javascript; charset=utf-8", include_bytes!("../../web/views.js")),
    ("/assets/projector.js", "text/javascript; charset=utf-8", include_bytes!("../../web/projector.js")),
    ("/assets/projector.css", "text/css; charset=utf-8", include_bytes!("../../web/projector.css")),
    ("/assets/vote.js", "text/javascript; charset=utf-8", include_bytes!("../../web/vote.js")),
    ("/assets/vote.css", "text/css; charset=utf-8", include_bytes!("../../web/vote.css")),
    ("/assets/landing.js", "text/javascript; charset=utf-8", include_bytes!("../../web/landing.js")),
    ("/assets/landing.css", "text/css; charset=utf-8", include_bytes!("../../web/landing.css")),
];

/// Which page a token's join link opens.
pub fn page_for(role: Role) -> &'static str {
    match role {
        Role::Voter => "/vote",
        Role::Chair | Role::Recorder | Role::Adviser => "/table",
        Role::Organiser => "/admin",
        Role::Projector => "/projector",
        Role::Screen => "/table-screen",
        Role::Counter => "/count",
        Role::Scrutineer => "/scrutineer",
        Role::Registrar => "/door",
        Role::Public => "/",
    }
}

pub fn routes() -> Router<Arc<Web>> {
    let mut r = Router::new()
        .route("/", get(landing))
        .route("/projector", get(|h: HeaderMap| async move { page(include_str!("../../web/projector.html"), &h) }))
        .route("/vote", get(|h: HeaderMap| async move { page(include_str!("../../web/vote.html"), &h) }))
        .route("/j/{token}", get(join))
        .route("/qr.svg", get(join_qr))
        .route("/favicon.ico", get(|h: HeaderMap| async move { asset_response("/favicon.ico", None, &h) }))
        .route("/api/info", get(info))
        .merge(crate::http::staff::routes())
        .merge(crate::http::desk::routes())
        .merge(crate::http::board::routes())
        .merge(crate::http::notice::routes())
        .merge(crate::http::admin::routes());
    for (path, _, _) in ASSETS.iter().chain(crate::http::staff::ASSETS).chain(crate::http::desk::ASSETS) {
        r = r
            .route(path, get(move |q: RawQuery, h: HeaderMap| async move { asset_response(path, q.0.as_deref(), &h) }));
    }
    r.layer(axum::middleware::map_response(secure_headers))
}

/// A static file prepared once: its gzipped form, its ETag, and the
/// version pages name it by (`/assets/yz.js?v=…`).
struct Prepared {
    kind: &'static str,
    body: &'static [u8],
    gz: Vec<u8>,
    /// Short hex of the content's SHA-256: the `?v=` and the ETag.
    version: String,
}

/// Every asset, gzipped once at first use (the hub's first page load), never again.
fn prepared() -> &'static HashMap<&'static str, Prepared> {
    static P: OnceLock<HashMap<&'static str, Prepared>> = OnceLock::new();
    P.get_or_init(|| {
        let icon: &[(&str, &str, &[u8])] = &[("/favicon.ico", "image/x-icon", include_bytes!("../../web/favicon.ico"))];
        ASSETS
            .iter()
            .chain(crate::http::staff::ASSETS)
            .chain(crate::http::desk::ASSETS)
            .chain(icon)
            .map(|&(path, kind, body)| {
                let body = match path {
                    "/assets/yz.js" => with_words(body),
                    p if p.ends_with(".js") => with_own_words(body),
                    _ => body,
                };
                (path, Prepared { kind, body, gz: gzip(body), version: version_of(body) })
            })
            .collect()
    })
}

/// yz.js as served: first the meeting's words (`yuanzhuo_protocol::words`,
/// the one vocabulary of every screen and document) as `window.YZ_WORDS`,
/// then the library, which reads them. Made once per hub process.
fn with_words(yz: &[u8]) -> &'static [u8] {
    let mut words = yuanzhuo_protocol::words::for_pages();
    words["ui"] = own_words(yz);
    let mut out = format!(
        "/* The words of every screen, from yuanzhuo_protocol::words (generated by the hub). */\nwindow.YZ_WORDS = {words};\n"
    )
    .into_bytes();
    out.extend_from_slice(yz);
    out.leak()
}

/// A page script as served: first the page words it names (each key it
/// holds in quotes), added to `YZ_WORDS.ui`, so that a phone loads the
/// words of the vote page and not the console's.
fn with_own_words(script: &'static [u8]) -> &'static [u8] {
    let words = own_words(script);
    if words.as_object().is_none_or(|w| w.is_empty()) {
        return script;
    }
    let mut out = format!(
        "/* This script's words, from yuanzhuo_protocol::words::ui (generated by the hub). */\n\
         (function (u, w) {{ for (const k in w) u[k] = w[k]; }})(window.YZ_WORDS.ui, {words});\n"
    )
    .into_bytes();
    out.extend_from_slice(script);
    out.leak()
}

/// The page words a script names: every catalogue key it writes in quotes
/// (`YZ.t('sign_in')`, or a key kept in a table).
fn own_words(script: &[u8]) -> serde_json::Value {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut quoted = std::collections::HashSet::new();
    for (i, &q) in script.iter().enumerate() {
        if q == b'\'' || q == b'"' {
            let rest = &script[i + 1..];
            let n = rest.iter().take_while(|&&b| word(b)).count();
            if n > 0 && rest.get(n) == Some(&q) {
                quoted.insert(String::from_utf8_lossy(&rest[..n]).into_owned());
            }
        }
    }
    let mut ui = words::ui_for_pages();
    ui.retain(|k, _| quoted.contains(k.as_str()));
    serde_json::json!(ui)
}

fn version_of(body: &[u8]) -> String {
    hex::encode(&Sha256::digest(body)[..5])
}

/// Gzipped at the best level: it is done once.
pub fn gzip(body: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = z.write_all(body);
    z.finish().unwrap_or_default()
}

fn accepts_gzip(h: &HeaderMap) -> bool {
    h.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|e| {
        e.trim().split(';').next().is_some_and(|n| n.trim().eq_ignore_ascii_case("gzip")) && !e.contains("q=0")
    })
}

fn none_match(h: &HeaderMap, etag: &str) -> bool {
    h.get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// Serve a prepared asset: gzipped when the browser takes it, 304 when it
/// has it; cached for a year when asked for by its version (a new hub
/// binary names a new version), else revalidated every time.
fn asset_response(path: &str, query: Option<&str>, h: &HeaderMap) -> Response {
    let Some(a) = prepared().get(path) else { return StatusCode::NOT_FOUND.into_response() };
    let gz = accepts_gzip(h);
    let etag = if gz { format!("\"{}-gz\"", a.version) } else { format!("\"{}\"", a.version) };
    let versioned = query.and_then(|q| q.strip_prefix("v=")) == Some(a.version.as_str());
    let cache = if versioned {
        "public, max-age=31536000, immutable"
    } else if path == "/favicon.ico" {
        "public, max-age=86400"
    } else {
        "no-cache"
    };
    let mut res = if none_match(h, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else if gz {
        ([(header::CONTENT_ENCODING, "gzip")], a.gz.clone()).into_response()
    } else {
        a.body.into_response()
    };
    let hd = res.headers_mut();
    hd.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.kind));
    hd.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    hd.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        hd.insert(header::ETAG, v);
    }
    res
}

/// `html` with every asset named by its version, so that browsers keep the
/// assets for long and still never use a stale one.
pub fn versioned(html: &str) -> String {
    with_asset_versions(&with_page_words(html))
}

/// `html` (its words already written out) with every asset named by its version.
fn with_asset_versions(html: &str) -> String {
    let mut out = html.to_string();
    for (path, a) in prepared() {
        if path.starts_with("/assets/") {
            out = out.replace(&format!("\"{path}\""), &format!("\"{path}?v={}\"", a.version));
        }
    }
    out
}

/// `html` with each `{{w:key}}` written out from the one vocabulary
/// (`yuanzhuo_protocol::words::ui`) as both languages' spans, `{{zh:key}}`
/// and `{{en:key}}` as one language's text (titles, attributes). A key not
/// in the vocabulary stays as written, `{{w:key}}`, and fails the tests.
pub fn with_page_words(html: &str) -> String {
    let mut out = String::with_capacity(html.len() * 2);
    let mut rest = html;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(j) = rest.find("}}") else { break };
        let inner = &rest[2..j];
        match inner.split_once(':').and_then(|(kind, key)| Some((kind, words::ui_word(key)?))) {
            Some(("w", w)) => {
                out.push_str(&format!(r#"<span class="zh">{}</span><span class="en" lang="en">{}</span>"#, w.zh, w.en))
            }
            Some(("zh", w)) => out.push_str(w.zh),
            Some(("en", w)) => out.push_str(w.en),
            _ => out.push_str(&rest[..j + 2]),
        }
        rest = &rest[j + 2..];
    }
    out.push_str(rest);
    out
}

async fn secure_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}

/// A static page, prepared once (assets named by version, gzipped), never
/// cached without asking: a page must never show a stale meeting after the
/// hub restarts with a new binary; an unchanged one is a 304.
pub fn page(html: &'static str, h: &HeaderMap) -> Response {
    /// (body, gzipped body, ETag) by the page's address in the binary.
    type Prepared = Arc<(String, Vec<u8>, String)>;
    static PAGES: OnceLock<std::sync::Mutex<HashMap<usize, Prepared>>> = OnceLock::new();
    let p = {
        let mut pages = PAGES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        pages
            .entry(html.as_ptr() as usize)
            .or_insert_with(|| {
                let body = versioned(html);
                let etag = format!("\"{}\"", version_of(body.as_bytes()));
                Arc::new((body.clone(), gzip(body.as_bytes()), etag))
            })
            .clone()
    };
    let (body, gz, etag) = &*p;
    let gzipped = accepts_gzip(h);
    let etag = if gzipped { format!("{}-gz\"", &etag[..etag.len() - 1]) } else { etag.clone() };
    let mut res = if none_match(h, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else if gzipped {
        ([(header::CONTENT_ENCODING, "gzip")], gz.clone()).into_response()
    } else {
        body.clone().into_response()
    };
    let hd = res.headers_mut();
    hd.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    hd.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    hd.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        hd.insert(header::ETAG, v);
    }
    res
}

async fn landing(AxState(web): AxState<Arc<Web>>) -> Response {
    let html = landing_html(&web.def.meeting, &web.def.rules, web.def.proposals.len(), web.allow_public);
    // Its words are already written out: the meeting's own text (a venue
    // written with braces) is never read as a placeholder.
    ([(header::CACHE_CONTROL, "no-cache")], Html(with_asset_versions(&html))).into_response()
}

/// The landing page for a meeting: the rules in the one vocabulary's words
/// (how the budget is allocated is said as every other screen says it).
fn landing_html(m: &MeetingInfo, r: &Rules, proposals: usize, allow_public: bool) -> String {
    let (budget_zh, budget_en) = money(r.budget.amount, &r.budget.currency);
    let allocation = words::allocation(r.allocation);
    let values = [
        ("name", esc(&m.name)),
        ("venue", esc(&m.venue)),
        ("date", esc(&m.date)),
        ("tables", r.tables.len().to_string()),
        ("proposals", proposals.to_string()),
        ("picks", r.picks_per_table.to_string()),
        ("max", r.max_choices.to_string()),
        ("budget_zh", esc(&budget_zh)),
        ("budget_en", esc(&budget_en)),
        ("allocation_zh", esc(allocation.zh)),
        ("allocation_en", esc(allocation.en)),
        ("public", allow_public.to_string()),
    ];
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    words::fill_in(&with_page_words(include_str!("../../web/landing.html")), &values)
}

/// An amount as residents read it (`yuanzhuo_protocol::words`).
pub use yuanzhuo_protocol::words::money;

/// A join link from a card: send the browser to the page for the token's
/// role, carrying the token in the fragment (never sent to a server, never
/// in a log). An unknown code gets a page that says so.
async fn join(UrlPath(token): UrlPath<String>, AxState(web): AxState<Arc<Web>>) -> Response {
    match web.shared.tokens.lookup(&token) {
        Some(row) => {
            let code = tokens::normalize(&token);
            Redirect::to(&format!("{}#token={code}", page_for(row.role))).into_response()
        }
        None => {
            (StatusCode::NOT_FOUND, Html(with_page_words(include_str!("../../web/join-unknown.html")))).into_response()
        }
    }
}

/// The QR code of the address residents open, as SVG (projector, cards);
/// `?to=board`: of the public board's address (the projector's results).
async fn join_qr(q: RawQuery, AxState(web): AxState<Arc<Web>>) -> Response {
    svg_response(qr_svg(&qr_target(&web.base_url, q.0.as_deref())))
}

fn qr_target(base_url: &str, query: Option<&str>) -> String {
    match query {
        Some("to=board") => format!("{}/board", base_url.trim_end_matches('/')),
        _ => base_url.to_string(),
    }
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
    crate::documents::publish::html::Html::text(s).into_string()
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
            Role::Scrutineer,
            Role::Counter,
            Role::Registrar,
            Role::Screen,
        ] {
            assert!(page_for(r).starts_with('/'));
        }
    }

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(300000, "CNY").0, "300,000 元");
        assert_eq!(money(1000000, "CNY").1, "¥1,000,000");
        assert_eq!(money(999, "EUR").0, "999 EUR");
        assert_eq!(money(0, "CNY").0, "0 元");
    }

    #[test]
    fn pages_name_their_assets_by_version() {
        let html = versioned(r#"<script src="/assets/yz.js"></script><link href="/assets/nothing.css">"#);
        let v = &prepared()["/assets/yz.js"].version;
        assert!(html.contains(&format!(r#""/assets/yz.js?v={v}""#)), "{html}");
        assert!(html.contains(r#""/assets/nothing.css""#));
        assert_eq!(v.len(), 10);
    }

    #[test]
    fn assets_are_gzipped_once_and_served_by_what_the_browser_takes() {
        let yz = &prepared()["/assets/yz.js"];
        assert!(yz.gz.len() * 2 < yz.body.len());
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, deflate, br"));
        assert!(accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip;q=0, deflate"));
        assert!(!accepts_gzip(&h));
        let q = format!("v={}", yz.version);
        let r = asset_response("/assets/yz.js", Some(&q), &HeaderMap::new());
        assert!(r.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
        let r = asset_response("/assets/yz.js", Some("v=stale"), &HeaderMap::new());
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&format!("\"{}\"", yz.version)).unwrap());
        assert_eq!(asset_response("/assets/yz.js", None, &h).status(), StatusCode::NOT_MODIFIED);
        assert_eq!(asset_response("/favicon.ico", None, &HeaderMap::new()).status(), StatusCode::OK);
    }

    #[test]
    fn qr_for_the_board() {
        assert_eq!(qr_target("http://10.0.0.2:8470/", Some("to=board")), "http://10.0.0.2:8470/board");
        assert_eq!(qr_target("http://10.0.0.2:8470", None), "http://10.0.0.2:8470");
    }

    #[test]
    fn the_landing_page_says_each_allocation_rule_in_the_vocabularys_words() {
        for a in [Allocation::GreedySkip, Allocation::GreedyStop, Allocation::EqualShares] {
            let mut def = crate::documents::definition::demo();
            def.rules.allocation = a;
            let html = landing_html(&def.meeting, &def.rules, def.proposals.len(), true);
            let w = words::allocation(a);
            assert!(html.contains(&esc(w.zh)) && html.contains(&esc(w.en)), "{a:?}: {html}");
            assert_eq!(
                crate::documents::publish::allocation_text(a),
                (w.zh, w.en),
                "the notice and workbook say it the same way"
            );
            if a == Allocation::EqualShares {
                assert!(!html.contains("按票数从高到低在"), "equal shares is not 'from the top'");
            }
        }
    }

    /// The vocabulary's sentences are written once: no page, client or
    /// document keeps its own copy of a rule's words (they would drift).
    #[test]
    fn no_page_client_or_document_copies_the_vocabulary() {
        let v = words::for_pages();
        let mut sentences = Vec::new();
        for kind in ["allocation", "tie_break", "tally"] {
            for w in v[kind].as_object().into_iter().flat_map(|m| m.values()) {
                sentences.extend([w["zh"].as_str(), w["en"].as_str()].into_iter().flatten().map(str::to_string));
            }
        }
        for w in v["exclusion_rules"].as_array().into_iter().flatten() {
            sentences.extend([w["zh"].as_str(), w["en"].as_str()].into_iter().flatten().map(str::to_string));
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dirs = [
            "hub/web",
            "hub/src",
            "hub/client/src",
            "hub/deflate/src",
            "hub/engine/src",
            "projector/src",
            "table-client/src",
        ];
        let mut copies = Vec::new();
        let mut files = 0;
        for d in dirs {
            let mut stack = vec![root.join(d)];
            while let Some(p) = stack.pop() {
                for entry in std::fs::read_dir(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                        continue;
                    }
                    let Ok(text) = std::fs::read_to_string(&path) else { continue };
                    files += 1;
                    // Code only: comments and a Rust file's tests may quote the words.
                    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                    let code: Vec<&str> = code
                        .lines()
                        .filter(|l| {
                            let l = l.trim_start();
                            !(l.starts_with("//") || l.starts_with('*') || l.starts_with("/*"))
                        })
                        .collect();
                    // JS may escape an apostrophe.
                    let text = code.join("\n").replace("\\'", "'");
                    for s in &sentences {
                        if text.contains(s.as_str()) {
                            copies.push(format!("{}: {s}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(files > 50, "scanned {files} files");
        assert!(copies.is_empty(), "written again outside yuanzhuo_protocol::words:\n{}", copies.join("\n"));
    }

    /// The pages' files (scripts, HTML, CSS) with their text.
    fn page_files() -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web");
        let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .filter_map(|e| {
                Some((e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).ok()?))
            })
            .collect();
        out.sort();
        out
    }

    /// Code without its comments (`/* … */`, `<!-- … -->`, and `//` at the
    /// start of a line or after a space).
    fn without_comments(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        loop {
            let next =
                [("/*", "*/"), ("<!--", "-->")].into_iter().filter_map(|(a, b)| Some((rest.find(a)?, a, b))).min();
            let Some((i, a, b)) = next else { break };
            out.push_str(&rest[..i]);
            rest = rest[i + a.len()..].split_once(b).map_or("", |(_, r)| r);
        }
        out.push_str(rest);
        out.lines()
            .map(|l| match l.find("//").filter(|&i| i == 0 || l[..i].ends_with(char::is_whitespace)) {
                Some(i) => &l[..i],
                None => l,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The Rust files of a terminal client (`projector/src`,
    /// `table-client/src`, with their subfolders), each without its
    /// `#[cfg(test)]` module: tests may assert Chinese screen text, and a
    /// test module is the last thing in its file, so everything after the
    /// first `#[cfg(test)]` is left out.
    fn terminal_files(crate_src: &str) -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, name: &str, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
                let file = format!("{name}/{}", e.file_name().to_string_lossy());
                if e.path().is_dir() {
                    walk(&e.path(), &file, out);
                } else if e.path().extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                    out.push((file, text.split("#[cfg(test)]").next().unwrap_or_default().to_string()));
                }
            }
        }
        let mut out = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(crate_src), crate_src, &mut out);
        out.sort();
        out
    }

    fn projector_files() -> Vec<(String, String)> {
        terminal_files("projector/src")
    }

    fn table_client_files() -> Vec<(String, String)> {
        terminal_files("table-client/src")
    }

    /// The entries of `module` (`ui::`, `terminal::`) that `code` names, in lower case.
    fn named_entries(code: &str, module: &str) -> std::collections::BTreeSet<String> {
        code.match_indices(module)
            // `ui::` or `words::ui::`, not `crate::ui::` or `super::ui::` (the table-client's own `ui` module).
            .filter(|&(i, _)| {
                let before = &code[..i];
                !before.ends_with(|c: char| c == '_' || c.is_ascii_alphanumeric())
                    && (!before.ends_with("::") || before.ends_with("words::"))
            })
            .map(|(i, _)| {
                code[i + module.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .filter(|name| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            })
            .map(|name| name.to_ascii_lowercase())
            .collect()
    }

    fn is_cjk(c: char) -> bool {
        matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
    }

    /// Every word a page or a terminal client shows comes from the one
    /// vocabulary (`words::ui`, `words::terminal` and the rule words): no
    /// page, no projector or table-client code writes Chinese itself.
    #[test]
    fn pages_write_no_chinese_outside_the_vocabulary() {
        let files = page_files();
        assert!(files.len() > 30, "{} files", files.len());
        let projector = projector_files();
        assert!(projector.len() > 5, "{} projector files", projector.len());
        let table_client = table_client_files();
        assert!(
            table_client.iter().any(|(f, _)| f.ends_with("/ui/forms.rs")),
            "{} table-client files",
            table_client.len()
        );
        let mut found = Vec::new();
        let hub = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let documents = crate::documents::publish::source_files(hub);
        assert!(documents.len() > 5, "{} document files", documents.len());
        let reader = crate::documents::definition::source_files(hub);
        assert!(reader.iter().any(|(f, _)| f.ends_with("/table.rs")), "{} reader files", reader.len());
        for (name, text) in files.iter().chain(&projector).chain(&table_client).chain(&documents).chain(&reader) {
            for (n, line) in without_comments(text).lines().enumerate() {
                if line.chars().any(is_cjk) {
                    found.push(format!("{name}:{}: {}", n + 1, line.trim()));
                }
            }
        }
        // The reader's input aliases (what a clerk's spreadsheet may say) may
        // hold Chinese, but only as data: in `const` tables, no code.
        let (name, text) = crate::documents::definition::aliases_file(hub);
        let code = without_comments(&text);
        assert!(!code.contains("fn ") && !code.contains("impl "), "{name} holds code: it is for input aliases only");
        let mut item = "";
        for (n, line) in code.lines().enumerate() {
            if !line.is_empty() && !line.starts_with(char::is_whitespace) {
                item = line;
            }
            if line.chars().any(is_cjk) && !item.starts_with("pub const ") {
                found.push(format!("{name}:{}: {} (not in a const table of aliases)", n + 1, line.trim()));
            }
        }
        assert!(
            found.is_empty(),
            "Chinese written in a page, a terminal client, a document or the reader, not in yuanzhuo_protocol::words:\n{}",
            found.join("\n")
        );
    }

    /// Every Rust file under `hub/src` (path from there), without its test
    /// module (`#[cfg(test)]` then `mod …`, the last thing in a file).
    fn hub_source_files() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, name: &str, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
                let file = e.file_name().to_string_lossy().into_owned();
                let file = if name.is_empty() { file } else { format!("{name}/{file}") };
                if e.path().is_dir() {
                    walk(&e.path(), &file, out);
                } else if e.path().extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                    let lines: Vec<&str> = text.lines().collect();
                    let end = (0..lines.len())
                        .find(|&i| {
                            lines[i].trim() == "#[cfg(test)]"
                                && lines.get(i + 1).is_some_and(|l| {
                                    l.starts_with("mod ") || (l.starts_with("pub") && l.contains(" mod "))
                                })
                        })
                        .unwrap_or(lines.len());
                    out.push((file, lines[..end].join("\n")));
                }
            }
        }
        let mut out = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), "", &mut out);
        out.sort();
        out
    }

    /// The hub's own console and HTTP words come from the vocabulary
    /// (`words::console` and the other tables): no file under `hub/src`
    /// writes Chinese outside its tests and comments, except the reader's
    /// input aliases (checked above).
    #[test]
    fn hub_code_writes_no_chinese_outside_the_vocabulary() {
        let files = hub_source_files();
        assert!(files.iter().any(|(f, _)| f == "meeting/store.rs"), "{} hub files", files.len());
        assert!(files.len() > 40, "{} hub files", files.len());
        let mut found = Vec::new();
        for (name, text) in &files {
            if name == "documents/definition/aliases.rs" {
                continue;
            }
            found.extend(
                without_comments(text)
                    .lines()
                    .enumerate()
                    .filter(|(_, line)| line.chars().any(is_cjk))
                    .map(|(n, line)| format!("hub/src/{name}:{}: {}", n + 1, line.trim())),
            );
        }
        assert!(
            found.is_empty(),
            "Chinese written in the hub's code, not in yuanzhuo_protocol::words (put it in words::console):\n{}",
            found.join("\n")
        );
    }

    /// Each entry of `words::console` is said somewhere in the hub.
    #[test]
    fn every_console_word_is_used() {
        let code: String = hub_source_files().into_iter().map(|(_, t)| without_comments(&t)).collect();
        let used: std::collections::BTreeSet<String> = code
            .split("console::")
            .skip(1)
            .map(|p| p.chars().take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_').collect())
            .collect();
        assert!(used.len() > 50, "{} console words used", used.len());
        let unused: Vec<_> = words::console::ALL.iter().map(|(k, _)| *k).filter(|k| !used.contains(*k)).collect();
        assert!(unused.is_empty(), "console words the hub does not use (remove them): {unused:?}");
    }

    /// The key-like quoted literals of a call's first argument (`code` starts
    /// just after the opening parenthesis): up to the first `,` or `)` outside
    /// brackets.
    fn first_argument_keys(code: &str) -> Vec<String> {
        let (mut depth, mut quoted, mut literal, mut keys) = (0usize, false, String::new(), vec![]);
        for c in code.chars() {
            match c {
                '\'' if quoted => {
                    if !literal.is_empty()
                        && literal.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    {
                        keys.push(std::mem::take(&mut literal));
                    }
                    literal.clear();
                    quoted = false;
                }
                _ if quoted => literal.push(c),
                '\'' => quoted = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth > 0 => depth -= 1,
                ')' | ',' if depth == 0 => break,
                _ => {}
            }
        }
        keys
    }

    #[test]
    fn a_key_chosen_in_the_call_is_checked_too() {
        assert_eq!(first_argument_keys("done ? 'finished' : 'keying', { n: f('x') })"), ["finished", "keying"]);
        assert_eq!(first_argument_keys("'n_ballots', { n: 3 })"), ["n_ballots"]);
        assert_eq!(first_argument_keys("pick(a, 'b'))"), ["b"]);
        assert!(first_argument_keys("name)").is_empty());
    }

    /// Each key a page names is in the vocabulary, and each entry is used.
    #[test]
    fn every_page_word_exists_and_is_used() {
        let keys = words::ui_for_pages();
        let mut named = std::collections::BTreeSet::new();
        let mut quoted = std::collections::BTreeSet::new();
        for (name, text) in page_files() {
            let code = without_comments(&text);
            // HTML: {{w:key}}, {{zh:key}}, {{en:key}}.
            for part in code.split("{{").skip(1) {
                let inner = part.split("}}").next().unwrap_or_default();
                if let Some((_, key)) = inner.split_once(':') {
                    named.insert((name.clone(), key.to_string()));
                }
            }
            // Scripts: YZ.t('key' …), YZ.tIn(lang, 'key' …); any quoted key counts as a use (tables of keys).
            for (i, _) in code.match_indices('\'') {
                let lit: String = code[i + 1..].chars().take_while(|&c| c != '\'').collect();
                if !lit.is_empty() && lit.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                    quoted.insert(lit.clone());
                    let before = &code[..i];
                    if before.ends_with("YZ.t(")
                        || (before.contains("YZ.tIn(")
                            && before.rsplit("YZ.tIn(").next().is_some_and(|r| !r.contains(')') && r.contains(',')))
                    {
                        named.insert((name.clone(), lit));
                    }
                }
            }
        }
        // A key chosen in the call, `YZ.t(done ? 'finished' : 'keying')`: every quoted
        // key in the first argument.
        for (name, text) in page_files() {
            let code = without_comments(&text);
            for (i, _) in code.match_indices("YZ.t(") {
                for key in first_argument_keys(&code[i + "YZ.t(".len()..]) {
                    named.insert((name.clone(), key));
                }
            }
        }
        let unknown: Vec<_> = named.iter().filter(|(_, k)| !keys.contains_key(k)).collect();
        assert!(unknown.is_empty(), "pages name words the vocabulary does not have: {unknown:?}");
        // Rust clients (the shared client words, the terminal projector and the table-client) name
        // entries as `ui::NAME`; the table-client's own words are `terminal::NAME`.
        let client = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("client/src/words.rs");
        let mut rust = without_comments(&std::fs::read_to_string(client).unwrap_or_default());
        let mut table_client = String::new();
        for (_, code) in projector_files() {
            rust.push_str(&without_comments(&code));
        }
        for (_, code) in table_client_files() {
            table_client.push_str(&without_comments(&code));
        }
        rust.push_str(&table_client);
        quoted.extend(named_entries(&rust, "ui::"));
        let used: std::collections::BTreeSet<&String> = named.iter().map(|(_, k)| k).chain(&quoted).collect();
        let unused: Vec<_> = keys.keys().filter(|k| !used.contains(k)).collect();
        assert!(unused.is_empty(), "words no page uses (remove them): {unused:?}");
        let terminal = named_entries(&table_client, "terminal::");
        let unused: Vec<_> = words::terminal::ALL
            .iter()
            .map(|(k, _)| k.to_ascii_lowercase())
            .filter(|k| !terminal.contains(k))
            .collect();
        assert!(unused.is_empty(), "table-client words it does not use (remove them): {unused:?}");
    }

    /// Every page as served has each of its words written out.
    #[test]
    fn served_pages_have_no_word_left_to_fill() {
        for (name, text) in page_files() {
            if name.ends_with(".html") {
                let html = with_page_words(&text);
                assert!(
                    !html.contains("{{"),
                    "{name}: {}",
                    html.split("{{").nth(1).unwrap_or_default().chars().take(60).collect::<String>()
                );
            }
        }
        let mut def = crate::documents::definition::demo();
        def.meeting.venue = "{max} & {{w:yuanzhuo}}".into();
        let html = landing_html(&def.meeting, &def.rules, def.proposals.len(), true);
        assert!(html.contains("{max} &amp; {{w:yuanzhuo}}"), "a venue is text, not a template");
        assert!(with_asset_versions(&html).contains("{{w:yuanzhuo}}"), "as served, too");
        assert!(html.contains(&format!("{} proposals", def.proposals.len())), "{html}");
        assert!(!html.contains("{proposals}"));
    }

    #[test]
    fn yz_js_starts_with_the_vocabulary() {
        let yz = std::str::from_utf8(prepared()["/assets/yz.js"].body).unwrap_or_default();
        let json = yz.split("window.YZ_WORDS = ").nth(1).and_then(|r| r.split(";\n").next()).unwrap_or_default();
        let mut back: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        let ui = back["ui"].take();
        let mut all = words::for_pages();
        all["ui"] = serde_json::Value::Null;
        assert_eq!(back, all);
        assert!(ui["sign_in"].is_array(), "the library's own page words: {ui}");
        assert!(yz.contains("YZ.word = function"), "the library follows");
    }

    /// Each script carries the page words it names, and only those: a
    /// phone's vote page loads a small part of the catalogue, and every
    /// word its scripts name is among what they carry.
    #[test]
    fn each_script_carries_its_own_words() {
        let served = |path: &str| std::str::from_utf8(prepared()[path].body).unwrap_or_default().to_string();
        let carried = |js: &str| -> serde_json::Map<String, serde_json::Value> {
            let json = js
                .split("window.YZ_WORDS = ")
                .nth(1)
                .and_then(|r| r.split(";\n").next())
                .map(|j| serde_json::from_str::<serde_json::Value>(j).unwrap_or_default()["ui"].clone())
                .or_else(|| {
                    let r = js.split("(window.YZ_WORDS.ui, ").nth(1)?;
                    serde_json::from_str(r.split(");\n").next()?).ok()
                })
                .unwrap_or_default();
            json.as_object().cloned().unwrap_or_default()
        };
        let mut vote = serde_json::Map::new();
        for path in ["/assets/yz.js", "/assets/views.js", "/assets/vote.js"] {
            vote.extend(carried(&served(path)));
        }
        let all = words::ui_for_pages().len();
        assert!(vote.len() * 3 < all, "the vote page carries {} of {all} words", vote.len());
        for (file, _) in [("vote.js", ()), ("views.js", ()), ("yz.js", ())] {
            let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web").join(file))
                .unwrap_or_default();
            for part in text.split("YZ.t('").skip(1) {
                let key = part.split('\'').next().unwrap_or_default();
                // Unknown keys (a comment's example) are the vocabulary test's business.
                assert!(
                    words::ui_word(key).is_none() || vote.contains_key(key),
                    "{file} names {key}, which the vote page does not carry"
                );
            }
        }
        let admin = carried(&served("/assets/admin.js"));
        assert!(admin.contains_key("sign_in") || vote.contains_key("sign_in"));
        assert!(!admin.is_empty() && admin.keys().all(|k| words::ui_word(k).is_some()));
    }

    /// The staff pages' sign-in and header markup is written in each page
    /// (no includes): each carries what the shell (staff.js) draws into,
    /// and loads the shell between the desk library and its own script.
    #[test]
    fn staff_pages_carry_the_shells_markup() {
        let files: HashMap<String, String> = page_files().into_iter().collect();
        let common = [
            r#"id="who""#,
            r#"id="status" class="status" data-state="connecting" role="status""#,
            r#"id="phase""#,
            r#"id="unsent""#,
            r#"id="say" class="say" aria-live="polite""#,
            r#"<section id="signin" class="view" hidden aria-labelledby="signin-h">"#,
            r#"<form id="signin-form" autocomplete="off">"#,
            r#"<label for="signin-code">"#,
            r#"<input id="signin-code" class="wide mono""#,
            r#"<button type="submit" class="primary">"#,
        ];
        // (page, a desk card claimed with a PIN, a card of another role sent to its page)
        for (page, claim, redirect) in [
            ("admin", false, false),
            ("count", true, true),
            ("scrutineer", true, true),
            ("door", false, true),
            ("table", false, true),
        ] {
            let html = &files[&format!("{page}.html")];
            for needle in common {
                assert!(html.contains(needle), "{page}.html lacks {needle}");
            }
            assert_eq!(html.contains(r#"<section id="claim""#), claim, "{page}.html: #claim");
            assert_eq!(html.contains(r#"<section id="wrong-card""#) && html.contains(r#"id="wrong-text""#), redirect);
            let scripts = "<script src=\"/assets/yz.js\"></script>\n<script src=\"/assets/desk.js\"></script>\n\
                           <script src=\"/assets/staff.js\"></script>\n";
            assert!(html.contains(scripts), "{page}.html loads yz.js, desk.js, staff.js in order");
            let js = &files[&format!("{page}.js")];
            assert!(js.contains("YZ.staff({") && js.contains("shell.begin()"), "{page}.js starts through the shell");
            assert!(!js.contains("new YZ.Session("), "{page}.js opens no session of its own");
        }
    }

    #[test]
    fn qr_is_svg() {
        let s = qr_svg("http://192.168.1.20:8470");
        assert!(s.contains("<svg") && s.contains("</svg>"));
    }
}
