//! The organiser's HTTP endpoints, used by the console at `/admin`: who is
//! connected, voter and table cards (with their QR codes, drawn here), minting
//! more voter cards, the exports `hub export` gives (JSON, CSV, and the
//! documents of `publish`: XLSX, Pabulib, the notice and the letters) and
//! what `hub print` prints for the hall.
//!
//! Every endpoint wants the organiser's secret as `Authorization: Bearer
//! SECRET` — a header, never the URL, so that it reaches no log — compared in
//! constant time. Anything else (no header, a wrong code, a voter's or a
//! chair's token) gets 401 with a reason in Chinese and English. Responses are
//! `no-store`: card sheets hold tokens.
//!
//! The meeting itself is run over `/ws` like every other client; nothing here
//! changes the meeting's log.
// Handlers answer `Result<_, Response>`: an axum `Response` is large, and that is fine here.
#![allow(clippy::result_large_err)]

use axum::body::Bytes;
use axum::extract::{RawQuery, State as AxState};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;
use std::sync::Arc;
use yuanzhuo_protocol::words::{console, print};
use yuanzhuo_protocol::*;

use crate::documents::publish::hall::{Print, PrintOptions, Refused};
use crate::documents::publish::Doc;
use crate::http::server::Web;
use crate::http::web::qr_svg;
use crate::meeting::store::TokenRow;
use crate::meeting::tokens::{Entry, TokenSheet};
use crate::meeting::Request;

/// Most cards one sheet or one minting may hold (a card's QR code is a few KiB).
pub const MAX_CARDS: u32 = 500;

pub fn routes() -> Router<Arc<Web>> {
    Router::new()
        .route("/api/admin/presence", get(presence))
        .route("/api/admin/voters", post(mint_voters))
        .route("/api/admin/cards/voters", get(voter_cards))
        .route("/api/admin/cards/tables", get(table_cards))
        .route("/api/admin/export.json", get(export_json))
        .route("/api/admin/export.csv", get(export_csv))
        .route("/api/admin/contacts.csv", get(contacts_csv))
        .route("/api/admin/export.xlsx", get(|w: AxState<Arc<Web>>, h: HeaderMap| document(w, h, Doc::Xlsx)))
        .route("/api/admin/export.pb", get(|w: AxState<Arc<Web>>, h: HeaderMap| document(w, h, Doc::Pabulib)))
        .route("/api/admin/notice.html", get(|w: AxState<Arc<Web>>, h: HeaderMap| document(w, h, Doc::Notice)))
        .route("/api/admin/letters.html", get(|w: AxState<Arc<Web>>, h: HeaderMap| document(w, h, Doc::Letters)))
        .route("/api/admin/print/ballots.html", get(|w, h, q| hall(w, h, q, Print::Ballots)))
        .route("/api/admin/print/posters.html", get(|w, h, q| hall(w, h, q, Print::Posters)))
        .route("/api/admin/print/handouts.html", get(|w, h, q| hall(w, h, q, Print::Handouts)))
        .route("/api/admin/print/minutes.html", get(|w, h, q| hall(w, h, q, Print::Minutes)))
        .route("/api/admin/print/record.html", get(|w, h, q| hall(w, h, q, Print::Record)))
        .layer(axum::middleware::map_response(no_store))
}

async fn no_store(mut res: Response) -> Response {
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A refusal or failure, shaped like the protocol's errors.
fn problem(status: StatusCode, code: &str, zh: &str, en: &str) -> Response {
    (status, Json(json!({ "code": code, "zh": zh, "en": en }))).into_response()
}

fn unauthorised(code: &str, zh: &str, en: &str) -> Response {
    let mut r = problem(StatusCode::UNAUTHORIZED, code, zh, en);
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(r#"Bearer realm="yuanzhuo-organiser""#));
    r
}

/// Let the request through only with the organiser's secret.
fn authorise(web: &Web, headers: &HeaderMap) -> Result<(), Response> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let Some(secret) = presented else {
        return Err(unauthorised(
            "organiser_secret_required",
            console::ORGANISER_SECRET_REQUIRED.zh,
            console::ORGANISER_SECRET_REQUIRED.en,
        ));
    };
    if web.shared.tokens.is_organiser(secret) {
        Ok(())
    } else {
        Err(unauthorised(
            "wrong_organiser_secret",
            console::WRONG_ORGANISER_SECRET.zh,
            console::WRONG_ORGANISER_SECRET.en,
        ))
    }
}

// ---------------------------------------------------------------- presence

async fn presence(AxState(web): AxState<Arc<Web>>, headers: HeaderMap) -> Response {
    if let Err(r) = authorise(&web, &headers) {
        return r;
    }
    Json(web.shared.presence.report(&web.def.rules)).into_response()
}

// ---------------------------------------------------------------- cards

/// One printed card: what it opens, its code and its QR code (SVG).
#[derive(Serialize)]
struct Card {
    /// `voter`, `chair`, `recorder`, `adviser`, `screen`, `adviser_all`, `scrutineer`, `counter`, `registrar`, `projector`.
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    table: Option<TableNo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    table_name: Option<String>,
    serial: String,
    /// The code as printed, `K7M2-Q9XP-2HDR`.
    code: String,
    /// The join link the QR code holds.
    link: String,
    qr: String,
}

impl Card {
    fn new(kind: &'static str, table: Option<(TableNo, &str)>, e: &Entry) -> Card {
        Card {
            kind,
            table: table.map(|t| t.0),
            table_name: table.map(|t| t.1.to_string()),
            serial: e.serial.clone(),
            code: e.token.clone(),
            link: e.link.clone(),
            qr: qr_svg(&e.link),
        }
    }
}

#[derive(Serialize)]
struct Sheet {
    meeting: MeetingInfo,
    base_url: String,
    max_choices: u32,
    cards: Vec<Card>,
    voters_total: usize,
}

/// The token sheet `hub tokens` prints, for these voter tokens.
fn sheet(web: &Web, all: Option<&[TokenRow]>, voters: &[TokenRow]) -> Result<TokenSheet, Response> {
    let read;
    let all = match all {
        Some(a) => a,
        None => {
            read = web.shared.tokens.all();
            &read
        }
    };
    TokenSheet::build(&web.def.rules, &web.def.meeting.name, web.base_url.trim_end_matches('/'), all, voters)
        .map_err(storage_problem)
}

fn storage_problem(e: anyhow::Error) -> Response {
    tracing::warn!("admin: {e:#}");
    problem(StatusCode::INTERNAL_SERVER_ERROR, "storage_failed", console::STORAGE_FAILED.zh, console::STORAGE_FAILED.en)
}

fn sheet_of(web: &Web, s: TokenSheet, cards: Vec<Card>) -> Response {
    Json(Sheet {
        meeting: web.def.meeting.clone(),
        base_url: s.base_url,
        max_choices: web.def.rules.max_choices,
        cards,
        voters_total: s.voters_total,
    })
    .into_response()
}

fn voter_number(serial: &str) -> Option<u32> {
    serial.strip_prefix('V')?.parse().ok()
}

fn bad_request(code: &str, zh: &str, en: &str) -> Response {
    problem(StatusCode::BAD_REQUEST, code, zh, en)
}

/// `?from=1&to=40`: voter cards by number, both ends included (default:
/// every card, if there are at most `MAX_CARDS`).
async fn voter_cards(AxState(web): AxState<Arc<Web>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if let Err(r) = authorise(&web, &headers) {
        return r;
    }
    let (mut from, mut to) = (1u32, u32::MAX);
    for pair in q.as_deref().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let n = v.trim().parse::<u32>().ok().filter(|n| *n >= 1);
        match (k, n) {
            ("from", Some(n)) => from = n,
            ("to", Some(n)) => to = n,
            _ => return bad_request("invalid_field", console::CARD_RANGE_FORM.zh, console::CARD_RANGE_FORM.en),
        }
    }
    let all = web.shared.tokens.all();
    let voters: Vec<_> = all
        .iter()
        .filter(|t| t.role == Role::Voter && voter_number(&t.serial).is_some_and(|n| n >= from && n <= to))
        .cloned()
        .collect();
    if voters.len() > MAX_CARDS as usize {
        let (zh, en) = crate::both(console::TOO_MANY_CARDS_PER_SHEET, &[("max", &MAX_CARDS)]);
        return bad_request("too_many_cards", &zh, &en);
    }
    let s = match sheet(&web, Some(&all), &voters) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let cards = s.voters.iter().map(|e| Card::new("voter", None, e)).collect();
    sheet_of(&web, s, cards)
}

/// Every staff card but the organiser's (whose secret is never shown again):
/// chair, recorder, adviser and read-only table screen of each table, the all-tables adviser, the
/// scrutineers, the counting desk's counters, the door
/// register's registrars (when the rules have one) and the projector.
async fn table_cards(AxState(web): AxState<Arc<Web>>, headers: HeaderMap) -> Response {
    if let Err(r) = authorise(&web, &headers) {
        return r;
    }
    let s = match sheet(&web, None, &[]) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut cards = vec![];
    for t in &s.tables {
        let at = Some((t.table, t.name.as_str()));
        cards.push(Card::new("chair", at, &t.chair));
        cards.push(Card::new("recorder", at, &t.recorder));
        cards.push(Card::new("adviser", at, &t.adviser));
        if let Some(screen) = &t.screen {
            cards.push(Card::new("screen", at, screen));
        }
    }
    cards.push(Card::new("adviser_all", None, &s.adviser_all));
    for o in &s.scrutineers {
        cards.push(Card::new("scrutineer", None, o));
    }
    for c in &s.counters {
        cards.push(Card::new("counter", None, c));
    }
    // With a door register (`registration = "door"`), its registrars.
    for r in &s.registrars {
        cards.push(Card::new("registrar", None, r));
    }
    cards.push(Card::new("projector", None, &s.projector));
    sheet_of(&web, s, cards)
}

/// `{"count": N, "reason": "…"}`: issue N more voter cards (like `hub
/// tokens --voters N`) and return their sheet. The issue is an entry of the
/// log, written by the meeting task with the cards' tokens; from the opening
/// of the vote it needs a reason, which the room sees. The cards work at once.
async fn mint_voters(AxState(web): AxState<Arc<Web>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorise(&web, &headers) {
        return r;
    }
    let asked = serde_json::from_slice::<serde_json::Value>(&body).ok();
    let count = asked
        .as_ref()
        .and_then(|v| v.get("count").and_then(|c| c.as_u64()))
        .filter(|n| (1..=MAX_CARDS as u64).contains(n));
    let Some(count) = count else {
        let (zh, en) = crate::both(console::SAY_HOW_MANY_CARDS, &[("max", &MAX_CARDS)]);
        return bad_request("invalid_field", &zh, &en);
    };
    let reason = asked.as_ref().and_then(|v| v.get("reason")?.as_str()).unwrap_or("").to_string();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let asked = Request::IssueVoters { count: count as u32, reason, reply: tx };
    if !web.shared.meeting.send(asked).await {
        return storage_problem(anyhow::anyhow!("the meeting task has stopped"));
    }
    let batch = match rx.await {
        Ok(Ok(b)) => b,
        Ok(Err(rej)) => {
            let status = if rej.code == ErrorCode::StorageFailed {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::CONFLICT
            };
            return problem(status, rej.code.as_str(), rej.code.zh(), rej.code.en());
        }
        Err(_) => return storage_problem(anyhow::anyhow!("the meeting task has stopped")),
    };
    tracing::info!("admin: minted {} voter cards ({}…{})", batch.len(), batch[0].serial, batch[batch.len() - 1].serial);
    let s = match sheet(&web, None, &batch) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let cards = s.voters.iter().map(|e| Card::new("voter", None, e)).collect();
    let mut r = sheet_of(&web, s, cards);
    *r.status_mut() = StatusCode::CREATED;
    r
}

// ---------------------------------------------------------------- exports

/// Exactly what `hub export --format json|csv` prints, read from the data
/// folder the same way (the chain is verified first). The CSV is in Chinese
/// unless `?lang=en`. While the rules hide the tally the CSV is refused with
/// 409 `tally_hidden`, and the JSON has no counts per proposal.
async fn export(web: Arc<Web>, headers: HeaderMap, csv: Option<crate::documents::export::Lang>) -> Response {
    if let Err(r) = authorise(&web, &headers) {
        return r;
    }
    let data = web.data.clone();
    let made = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let loaded = crate::documents::export::load(&data)?;
        Ok(match csv {
            Some(lang) => crate::documents::export::csv(&loaded, lang)?,
            None => serde_json::to_string_pretty(&crate::documents::export::json(&loaded)?)? + "\n",
        })
    })
    .await;
    let text = match made {
        Ok(Ok(t)) => t,
        Ok(Err(e)) => {
            if let Some(n) = e.downcast_ref::<crate::documents::publish::NotFinal>() {
                return problem(StatusCode::CONFLICT, n.code, &n.zh, &n.en);
            }
            tracing::warn!("admin export: {e:#}");
            let (zh, en) = crate::both(console::EXPORT_FAILED, &[("error", &e)]);
            return problem(StatusCode::INTERNAL_SERVER_ERROR, "export_failed", &zh, &en);
        }
        Err(e) => return storage_problem(anyhow::anyhow!("{e}")),
    };
    let (kind, name) = match csv {
        Some(lang) => ("text/csv; charset=utf-8", attachment(lang.csv_file_name())),
        None => ("application/json; charset=utf-8", attachment("yuanzhuo-export.json")),
    };
    ([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, name)], text).into_response()
}

/// `Content-Disposition` for a download: the name as it is (RFC 6266's
/// `filename*`, UTF-8) and, for old clients, an ASCII stand-in.
fn attachment(name: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let ascii: String = if name.is_ascii() {
        name.to_string()
    } else {
        format!("yuanzhuo.{}", name.rsplit('.').next().unwrap_or("bin"))
    };
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", utf8_percent_encode(name, NON_ALPHANUMERIC))
}

/// The contact list of the pre-screening record (`hub export --format
/// contacts`): the organiser's only, never public.
async fn contacts_csv(AxState(web): AxState<Arc<Web>>, headers: HeaderMap) -> Response {
    if let Err(r) = authorise(&web, &headers) {
        return r;
    }
    let data = web.data.clone();
    let made = tokio::task::spawn_blocking(move || -> anyhow::Result<Option<String>> {
        let loaded = crate::documents::export::load(&data)?;
        if loaded.state.prescreening.is_none() {
            return Ok(None);
        }
        crate::documents::export::contacts(&loaded, &data).map(Some)
    })
    .await;
    match made {
        Ok(Ok(Some(text))) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, attachment(console::CONTACTS_FILE_NAME.zh)),
            ],
            text,
        )
            .into_response(),
        Ok(Ok(None)) => problem(
            StatusCode::NOT_FOUND,
            "no_record",
            print::NO_PRESCREENING_RECORD.zh,
            print::NO_PRESCREENING_RECORD.en,
        ),
        Ok(Err(e)) => {
            let (zh, en) = crate::both(console::EXPORT_FAILED, &[("error", &e)]);
            problem(StatusCode::INTERNAL_SERVER_ERROR, "export_failed", &zh, &en)
        }
        Err(e) => storage_problem(anyhow::anyhow!("{e}")),
    }
}

async fn export_json(AxState(web): AxState<Arc<Web>>, headers: HeaderMap) -> Response {
    export(web, headers, None).await
}

/// `?lang=en` for English headers and codes.
async fn export_csv(AxState(web): AxState<Arc<Web>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let en = q.as_deref().unwrap_or("").split('&').any(|p| p == "lang=en");
    export(web, headers, Some(if en { crate::documents::export::Lang::En } else { crate::documents::export::Lang::Zh }))
        .await
}

/// The results workbook, the Pabulib file, the notice and the letters, as
/// `hub export --format xlsx|pabulib|notice|letters` makes them. Before the
/// vote is closed the last three are refused with 409 `not_counted`, and
/// all four with 409 `tally_hidden` while the rules hide the tally.
async fn document(AxState(web): AxState<Arc<Web>>, headers: HeaderMap, doc: Doc) -> Response {
    if let Err(r) = authorise(&web, &headers) {
        return r;
    }
    match crate::http::notice::document(&web, doc).await {
        Ok(bytes) => {
            let (kind, name) = doc.kind();
            let disposition = attachment(name);
            ([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
                .into_response()
        }
        Err((status, code, zh, en)) => problem(status, code, &zh, &en),
    }
}

/// What `hub print` prints for the hall, at any time:
/// `print/ballots.html?from=1&to=300`, `print/posters.html`,
/// `print/handouts.html` and `print/minutes.html` (each with `?table=N` for
/// one table). A request that cannot be printed as asked (no range, too
/// many ballots, numbers already used, an unknown table) gets 400 with the
/// reason.
async fn hall(AxState(web): AxState<Arc<Web>>, headers: HeaderMap, RawQuery(q): RawQuery, what: Print) -> Response {
    if let Err(r) = authorise(&web, &headers) {
        return r;
    }
    let o = match print_options(q.as_deref().unwrap_or("")) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let data = web.data.clone();
    let made = tokio::task::spawn_blocking(move || {
        crate::documents::export::load(&data).and_then(|l| crate::documents::publish::hall::render(&l, what, &o))
    })
    .await;
    match made {
        Ok(Ok(html)) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, attachment(what.file_name())),
            ],
            html,
        )
            .into_response(),
        Ok(Err(e)) => match e.downcast_ref::<Refused>() {
            Some(r) => problem(StatusCode::BAD_REQUEST, r.code, &r.zh, &r.en),
            None => {
                tracing::warn!("admin print: {e:#}");
                let (zh, en) = crate::both(console::PRINT_FAILED, &[("error", &e)]);
                problem(StatusCode::INTERNAL_SERVER_ERROR, "export_failed", &zh, &en)
            }
        },
        Err(e) => storage_problem(anyhow::anyhow!("{e}")),
    }
}

/// `from`, `to` and `table` from the query; other keys are ignored.
fn print_options(q: &str) -> Result<PrintOptions, Response> {
    let mut o = PrintOptions::default();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let bad = || {
            let (zh, en) = crate::both(console::FIELD_NOT_WHOLE_NUMBER, &[("field", &k)]);
            problem(StatusCode::BAD_REQUEST, "invalid_field", &zh, &en)
        };
        match k {
            "from" => o.from = Some(v.parse().map_err(|_| bad())?),
            "to" => o.to = Some(v.parse().map_err(|_| bad())?),
            "table" => o.table = Some(v.parse().map_err(|_| bad())?),
            _ => {}
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voter_numbers_come_from_serials() {
        assert_eq!(voter_number("V0042"), Some(42));
        assert_eq!(voter_number("chair-2"), None);
        assert_eq!(voter_number("V"), None);
    }
}
