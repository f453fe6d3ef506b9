//! The listener: data folder preparation, the HTTP routes, the start-up
//! banner, and shutdown in the right order (sockets told first, then the
//! meeting task drains and closes the log).

use anyhow::{bail, Context, Result};
use axum::extract::{Request, State as AxState};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use yuanzhuo_protocol::words::{console, ui, Words};
use yuanzhuo_protocol::*;

use crate::documents::definition;
use crate::http::connection::{self, Shared};
use crate::http::door::{Door, FileLimit, Limits, Visitor, HEADER_READ_TIMEOUT};
use crate::meeting::store::{check_chain, Row, Store};
use crate::meeting::tokens::{self, Registry};
use crate::meeting::{self, Meeting};
use crate::{said, told};
use yuanzhuo_engine::Event;

pub const DEFAULT_PORT: u16 = 8470;
/// Voter cards minted with a new demo meeting, so that it can be tried at once.
const DEMO_VOTERS: u32 = 100;
/// WebSocket buffers: a ballot is under 1 KiB, the default 128 KiB is waste
/// multiplied by thousands of phones.
const WS_READ_BUFFER: usize = 256;
/// Frames and messages above this are refused by the WebSocket layer itself
/// (the connection closes); between `MAX_FRAME_BYTES` and this the hub
/// answers `too_large`. It also bounds what an unfinished message can hold
/// in memory (a frame being read, fragments awaiting their last one).
pub const WS_HARD_LIMIT: usize = MAX_FRAME_BYTES + 4 * 1024;

pub struct ServeOptions {
    pub data: PathBuf,
    pub meeting: Option<PathBuf>,
    pub proposals: Option<PathBuf>,
    pub bind: SocketAddr,
    pub max_connections: usize,
    pub allow_public: bool,
}

/// Voter cards `hub serve` issues with the built-in demo meeting: `demo`
/// is how many (0 for any other use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoVoters(pub u32);

/// Open the data folder, creating the meeting (its definition, its staff
/// cards and, for the built-in demo served at once, `demo` voter cards, all
/// in the log) if it is new. An existing meeting is never redefined: the
/// rules were locked with it.
pub fn prepare(
    data: &Path,
    meeting: Option<&Path>,
    proposals: Option<&Path>,
    demo: DemoVoters,
) -> Result<(Store, Definition)> {
    let mut store = Store::open(data)?;
    if store.is_empty()? {
        let loaded = definition::load(meeting, proposals)?;
        for w in &loaded.warnings {
            eprintln!("{}: {w}", said(console::ATTENTION, &[]));
        }
        let def = loaded.definition;
        let voters = if meeting.is_none() && proposals.is_none() { demo.0 } else { 0 };
        meeting::create(
            &mut store,
            def.clone(),
            loaded.record.as_ref().map(|r| (&r.record, r.contacts.as_slice())),
            voters,
        )?;
        let path = store.file().display();
        eprintln!("{}", said(console::MEETING_CREATED, &[("name", &def.meeting.name), ("path", &path)]));
        return Ok((store, def));
    }
    let stored = stored_definition(&store)?;
    if meeting.is_some() || proposals.is_some() {
        let given = definition::load(meeting, proposals)?.definition;
        if given != stored {
            let values: [(&str, &dyn std::fmt::Display); 2] =
                [("path", &data.display()), ("name", &stored.meeting.name)];
            bail!("{}", told(console::RULES_LOCKED_IN_FOLDER, &values));
        }
    }
    Ok((store, stored))
}

/// The definition of the meeting in `store` (entry 1), once the whole
/// chain checks; the log is replayed only by whoever serves it.
pub fn stored_definition(store: &Store) -> Result<Definition> {
    let rows = store.rows()?;
    if let Err(problem) = check_chain(&rows) {
        bail!("{}", said(console::LOG_FAILS_VERIFICATION_AT_START, &[("problem", &problem)]));
    }
    match rows.first().map(Row::recorded).transpose()?.map(|r| r.event) {
        Some(Event::MeetingDefined { definition }) => Ok(definition),
        _ => bail!("{}", said(console::NO_MEETING_DEFINITION_IN_FOLDER, &[])),
    }
}

pub async fn serve(opts: ServeOptions) -> Result<()> {
    // A folder that cannot be written is refused before anything else, and
    // one hub per folder: the lock is held until this process ends.
    crate::meeting::folder::check_writable(&opts.data)?;
    let mut lock = crate::meeting::folder::Lock::acquire(&opts.data)?;
    let demo = DemoVoters(DEMO_VOTERS);
    let (store, def) = prepare(&opts.data, opts.meeting.as_deref(), opts.proposals.as_deref(), demo)?;
    let (all, claims) = (store.tokens()?, store.claims()?);
    let mut meeting = Meeting::load(store)?;
    meeting.open_head_record()?;
    for w in &meeting.warnings {
        eprintln!("{w}");
    }
    // Only cards the log issued are served; a tokens table that disagrees is refused.
    if let Some(warning) = tokens::check_against_log(meeting.state(), &all)? {
        eprintln!("{warning}");
    }
    let registry = Registry::new(all, claims, opts.allow_public);
    let meeting = meeting.with_registry(registry.writer(), registry.organiser().as_ref());
    let (head, seq) = (meeting.state().head.clone(), meeting.state().seq);
    let (handle, meeting_thread) = meeting.spawn();

    // Enough open files for every connection the budgets allow, or budgets
    // that fit the files the system allows.
    let (limits, files) = Limits::new(opts.max_connections).raise_file_limit();
    log_file_limit(&files, &limits);
    let door = Door::new(limits);

    let (stop_tx, stop_rx) = watch::channel(false);
    let shared = Arc::new(Shared {
        meeting: handle,
        tokens: registry,
        rules: def.rules.clone(),
        door: door.clone(),
        shutdown: stop_rx,
        started: Instant::now(),
        presence: Default::default(),
    });
    let listener = tokio::net::TcpListener::bind(opts.bind)
        .await
        .with_context(|| format!("cannot listen on {} (is another hub running?)", opts.bind))?;
    let local = listener.local_addr()?;
    if let Err(e) = lock.set_address(&public_base(local)) {
        tracing::warn!("cannot write the hub's address into the lock file: {e:#}");
    }
    let web = Arc::new(Web {
        def: def.clone(),
        shared: shared.clone(),
        base_url: public_base(local),
        allow_public: opts.allow_public,
        data: opts.data.clone(),
    });
    let app = Router::new()
        .route("/ws", get(ws_upgrade))
        .route("/healthz", get(health))
        .merge(crate::http::web::routes())
        .layer(axum::middleware::from_fn_with_state(web.clone(), refuse_when_halted))
        .with_state(web);
    banner(&def, &opts.data, local, seq, &head, &files, door.limits());

    accept_loop(listener, app, door.clone(), shared.shutdown.clone()).await;
    tracing::info!("shutting down: closing connections");
    let _ = stop_tx.send(true);
    // Upgraded sockets watch `shutdown` themselves and say goodbye; kept-alive
    // HTTP connections finish their request. Give them a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    while door.open.load(Ordering::Relaxed) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(shared);
    // The meeting task finishes what is queued, then closes the log.
    tokio::task::spawn_blocking(move || meeting_thread.join()).await.ok();
    drop(lock);
    eprintln!("{}", said(console::HUB_STOPPED_DATA_SAVED, &[]));
    Ok(())
}

/// Accept TCP connections until Ctrl+C / SIGTERM; serve each with hyper's
/// HTTP/1.1 (a header-read timeout, upgrades for `/ws`), as a visitor of
/// the door from the moment it is accepted. Not `axum::serve`: it exposes
/// neither the header-read timeout nor the accepted socket.
async fn accept_loop(listener: tokio::net::TcpListener, app: Router, door: Arc<Door>, stopping: watch::Receiver<bool>) {
    let stop = stop_signal();
    tokio::pin!(stop);
    let mut last_error: Option<Instant> = None;
    loop {
        let (tcp, addr) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors or the like: say so (once in a while), wait, go on.
                    if last_error.is_none_or(|t| t.elapsed() >= Duration::from_secs(10)) {
                        last_error = Some(Instant::now());
                        let values: [(&str, &dyn std::fmt::Display); 3] = [
                            ("error", &e),
                            ("open", &door.open.load(Ordering::Relaxed)),
                            ("limits", &format!("{:?}", door.limits())),
                        ];
                        tracing::error!("{}", said(console::CANNOT_ACCEPT_CONNECTIONS, &values));
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => return,
        };
        // Small messages (an ack, a tally update) must leave at once, not wait
        // for Nagle's algorithm to meet the peer's delayed ACK (~40 ms).
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("cannot set TCP_NODELAY: {e}");
        }
        let visitor = door.arrive(addr.ip());
        let (router, v) = (app.clone(), visitor.clone());
        let service = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(v.clone());
            let mut router = router.clone();
            async move { tower_service::Service::call(&mut router, req).await }
        });
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(tcp), service)
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!("http connection from {addr}: {e}");
                    }
                }
                _ = visitor.signal.evicted() => {}
                _ = async { stopping.wait_for(|s| *s).await.is_ok() } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(5), conn.as_mut()).await;
                }
            }
        });
    }
}

/// Say what the open-files limit allows, and what was done about it.
fn log_file_limit(files: &FileLimit, limits: &Limits) {
    if files.now >= files.needed {
        if files.now > files.before {
            let values: [(&str, &dyn std::fmt::Display); 3] =
                [("before", &files.before), ("now", &files.now), ("n", &limits.max_connections)];
            tracing::info!("{}", said(console::FILE_LIMIT_RAISED, &values));
        }
    } else {
        let values: [(&str, &dyn std::fmt::Display); 4] = [
            ("now", &files.now),
            ("max", &limits.max_connections),
            ("staff", &limits.staff_slots),
            ("needed", &files.needed),
        ];
        tracing::warn!("{}", said(console::FILE_LIMIT_TOO_LOW, &values));
    }
}

async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    ctrl_c.await.ok();
}

/// What the HTTP handlers share.
pub struct Web {
    pub def: Definition,
    pub shared: Arc<Shared>,
    /// Where residents' phones reach this hub (`http://LAN-ADDRESS:PORT`).
    pub base_url: String,
    pub allow_public: bool,
    /// The data folder (exports read it, like `hub export`).
    pub data: PathBuf,
}

async fn ws_upgrade(AxState(web): AxState<Arc<Web>>, req: Request) -> Response {
    if let Err(why) = same_origin(req.headers()) {
        return (StatusCode::FORBIDDEN, why).into_response();
    }
    // Every request comes through `accept_loop`, which says who is at the door.
    let Some(visitor) = req.extensions().get::<Arc<Visitor>>().cloned() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "no connection record").into_response();
    };
    let shared = web.shared.clone();
    // Small buffers, flushed at once; frames above the hard limit close the connection.
    let config = WebSocketConfig::default()
        .read_buffer_size(WS_READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(1024 * 1024)
        .max_message_size(Some(WS_HARD_LIMIT))
        .max_frame_size(Some(WS_HARD_LIMIT));
    crate::wire::upgrade::accept(req, config, move |socket, out| connection::run(socket, out, shared, visitor))
}

/// Browsers always send `Origin`; it must name this hub, scheme included
/// (`http://HOST:PORT`: `evil://HOST:PORT` is another origin). Other
/// clients (terminal, simulator) send none.
fn same_origin(headers: &HeaderMap) -> std::result::Result<(), String> {
    let Some(origin) = headers.get(header::ORIGIN) else { return Ok(()) };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let origin = origin.to_str().unwrap_or("");
    let authority = origin.strip_prefix("http://").unwrap_or("");
    if !host.is_empty() && authority.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err(said(console::FOREIGN_ORIGIN_REFUSED, &[]))
    }
}

/// `/healthz`: ok only if the storage is (writable, not full, the last
/// write succeeded) and the log is whole; otherwise 503 and why.
async fn health(AxState(web): AxState<Arc<Web>>) -> Response {
    let health = &web.shared.meeting.health;
    let storage = health.storage();
    let halted = health.halted();
    let ok = storage["ok"] == true && halted.is_none();
    let body = Json(serde_json::json!({
        "ok": ok,
        "meeting": web.def.meeting.name,
        "connections": web.shared.door.seated(),
        "log": web.shared.meeting.stats.json(),
        "door": web.shared.door.json(),
        "storage": storage,
        "halted": halted,
    }));
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, body).into_response()
}

/// Once the hub has halted (its log is behind what it acknowledged), no
/// HTTP endpoint serves anything from the log (board, notice, exports): 503
/// with the reason. The pages themselves still load and say why.
async fn refuse_when_halted(AxState(web): AxState<Arc<Web>>, req: Request, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    let from_log = path.starts_with("/api/") || path == "/notice";
    match web.shared.meeting.health.halted() {
        Some(h) if from_log => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-store")],
            Json(serde_json::json!({
                "code": ErrorCode::LogBehind.as_str(), "zh": h.zh, "en": h.en, "detail": h.detail,
            })),
        )
            .into_response(),
        _ => next.run(req).await,
    }
}

/// What the banner says about connections: the cap, and whether the
/// system's open-files limit allows it.
fn connections_line(files: &FileLimit, limits: &Limits) -> String {
    let kept = format!("{} phones and viewers + {} kept for staff", limits.max_connections, limits.staff_slots);
    if files.now >= files.needed {
        format!("{kept} (open-files limit {})", files.now)
    } else {
        let limited = said(console::LIMITED_BY_FILE_LIMIT, &[("now", &files.now), ("needed", &files.needed)]);
        format!("{kept} — {limited}")
    }
}

/// The first non-loopback IPv4 address: what phones on the venue Wi-Fi use.
pub fn lan_address() -> Option<std::net::IpAddr> {
    if_addrs::get_if_addrs().ok()?.into_iter().filter(|i| !i.is_loopback()).map(|i| i.ip()).find(|ip| ip.is_ipv4())
}

/// The address to print and put in links: the LAN address when listening on
/// every interface, else the bound one.
pub fn public_base(local: SocketAddr) -> String {
    let ip = if local.ip().is_unspecified() { lan_address().unwrap_or(local.ip()) } else { local.ip() };
    format!("http://{}", SocketAddr::new(ip, local.port()))
}

fn banner(def: &Definition, data: &Path, local: SocketAddr, seq: u64, head: &str, files: &FileLimit, limits: &Limits) {
    let base = public_base(local);
    let qr = qrcode::QrCode::new(base.as_bytes())
        .map(|c| c.render::<qrcode::render::unicode::Dense1x2>().quiet_zone(true).build())
        .unwrap_or_default();
    let data = std::fs::canonicalize(data).unwrap_or_else(|_| data.to_path_buf());
    // The labels' padding keeps the values where they always were.
    let label = |w: Words| said(w, &[]);
    println!(
        "\n{zh} {en} — {name}\n{venue} · {date}\n\n{qr}\n\
         {open}:  {base}\n\
         {projector}:                   {base}/projector\n\
         {hub}:          ws://{ws}/ws\n\
         {data_label}:                        {data} (log entries: {seq}, head {head_shown} …)\n\
         {tokens}:                      hub tokens --data {data}\n\
         {connections}:                 {conns}\n\
         {stop}:                        Ctrl+C\n",
        zh = ui::YUANZHUO.zh,
        en = ui::YUANZHUO.en,
        open = label(console::BANNER_RESIDENTS_OPEN),
        projector = label(console::TOKEN_PROJECTOR),
        hub = label(console::BANNER_HUB_WEBSOCKET),
        data_label = label(console::BANNER_DATA),
        tokens = label(console::BANNER_TOKENS),
        connections = label(console::BANNER_CONNECTIONS),
        stop = label(console::BANNER_STOP),
        conns = connections_line(files, limits),
        name = def.meeting.name,
        venue = def.meeting.venue,
        date = def.meeting.date,
        ws = base.trim_start_matches("http://"),
        data = data.display(),
        head_shown = crate::meeting::head::grouped(head, 16),
    );
}
