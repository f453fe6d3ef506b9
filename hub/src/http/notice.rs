//! The documents over HTTP: the public results notice at `/notice` (public
//! information once the vote is counted; before that the page says it is not
//! available yet). Like the public board, it is made from the meeting's
//! state on the board's thread (`meeting::board`), never on the meeting task
//! and never by replaying the log from disk: the log was checked when the hub
//! started, and the state holds only committed entries. (The organiser's
//! export endpoints, `admin.rs`, read the data folder like `hub export`.)
//!
//! `/notice` may be opened by the whole room at once when the result is
//! announced: the page is rendered once per state of the log (the meeting
//! task's commit counter says when the log moved) and shared.

use axum::extract::State as AxState;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::Mutex;
use yuanzhuo_protocol::words::{console, print};

use crate::documents::publish::{notice, render, Doc, NotFinal, Outcome};
use crate::http::server::Web;

pub fn routes() -> Router<Arc<Web>> {
    Router::new().route("/notice", get(notice_page))
}

/// The last `/notice` rendered: the commit count it was made at, the status
/// and the page.
struct Rendered {
    commits: u64,
    status: StatusCode,
    html: Arc<String>,
}

/// One cache per hub process (one process serves one data folder).
static NOTICE: Mutex<Option<Rendered>> = Mutex::const_new(None);

async fn notice_page(AxState(web): AxState<Arc<Web>>) -> Response {
    let commits = web.shared.meeting.stats.commits.load(Ordering::Acquire);
    // Held while rendering, so that a room full of phones renders it once.
    let mut cache = NOTICE.lock().await;
    if let Some(r) = cache.as_ref().filter(|r| r.commits == commits) {
        return page(r.status, r.html.clone());
    }
    let meeting = web.def.meeting.clone();
    let made = web
        .shared
        .meeting
        .boards
        .read(move |state| match Outcome::of(state).and_then(|o| notice::notice(&o)) {
            Ok(html) => (StatusCode::OK, html),
            Err(e) if e.downcast_ref::<NotFinal>().is_some() => (StatusCode::NOT_FOUND, notice::not_yet(&meeting)),
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, failed(&meeting, &e)),
        })
        .await;
    let Some((status, html)) = made else {
        let stopping = anyhow::anyhow!("the hub is stopping");
        return page(StatusCode::SERVICE_UNAVAILABLE, Arc::new(failed(&web.def.meeting, &stopping)));
    };
    let html = Arc::new(html);
    *cache = Some(Rendered { commits, status, html: html.clone() });
    page(status, html)
}

fn page(status: StatusCode, html: Arc<String>) -> Response {
    (status, [(header::CACHE_CONTROL, "no-cache")], Html(html.as_str().to_owned())).into_response()
}

/// The page when the notice cannot be made (the details go to the hub's
/// log, not to a public page).
fn failed(meeting: &yuanzhuo_protocol::MeetingInfo, e: &anyhow::Error) -> String {
    tracing::warn!("/notice: {e:#}");
    crate::documents::publish::html::document(
        &meeting.language,
        &crate::said(print::RESULTS_NOTICE, &[]),
        "",
        &crate::documents::publish::html::html!(
            "<h1>{}</h1><p class=\"center\">{}</p>",
            meeting.name,
            crate::documents::publish::html::both(console::NOTICE_CANNOT_BE_MADE.zh, console::NOTICE_CANNOT_BE_MADE.en),
        ),
    )
}

/// A document for the organiser's console, made off the async threads.
/// `Err((status, code, zh, en))` when it cannot be made.
pub async fn document(web: &Web, doc: Doc) -> Result<Vec<u8>, (StatusCode, &'static str, String, String)> {
    let data = web.data.clone();
    let made =
        tokio::task::spawn_blocking(move || crate::documents::export::load(&data).and_then(|l| render(&l, doc))).await;
    match made {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => match e.downcast_ref::<NotFinal>() {
            Some(n) => Err((StatusCode::CONFLICT, n.code, n.zh.clone(), n.en.clone())),
            None => {
                tracing::warn!("admin export: {e:#}");
                let (zh, en) = crate::both(console::EXPORT_FAILED, &[("error", &e)]);
                Err((StatusCode::INTERNAL_SERVER_ERROR, "export_failed", zh, en))
            }
        },
        Err(e) => {
            let (zh, en) = crate::both(console::EXPORT_FAILED, &[("error", &e)]);
            Err((StatusCode::INTERNAL_SERVER_ERROR, "export_failed", zh, en))
        }
    }
}
