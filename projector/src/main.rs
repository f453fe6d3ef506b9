//! `projector`: the command line, the terminal and the event loop. Every
//! decision is made in the library; this file only moves events in and
//! frames out.

use anyhow::{Context, Result};
use clap::{CommandFactory, FromArgMatches, Parser};
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use projector::app::{App, Connection, Key};
use projector::text::{both, parse_lang};
use projector::{draw, info, Lang};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;
use yuanzhuo_client::{parse_hub, Link, LinkConfig};
use yuanzhuo_protocol::words::ui;
use yuanzhuo_protocol::PUBLIC_TOKEN;

/// Redraw at least this often, for the countdown.
const TICK: Duration = Duration::from_millis(250);

#[derive(Parser, Debug)]
#[command(name = "projector", version)]
struct Cli {
    // The help texts are words of the one vocabulary, set in `parse_cli`.
    #[arg(long, env = "YZ_HUB")]
    hub: String,
    #[arg(long, env = "YZ_TOKEN", hide_env_values = true)]
    token: Option<String>,
    #[arg(long, value_parser = parse_lang)]
    lang: Option<Lang>,
    #[arg(long)]
    join: Option<String>,
}

/// The command line, its help in both languages ("中文 / English").
fn parse_cli() -> Cli {
    let command = Cli::command()
        .about(both(ui::PROJECTOR_ABOUT, &[]))
        .after_help(both(ui::PROJECTOR_KEYS_HELP, &[]))
        .mut_arg("hub", |a| a.help(both(ui::PROJECTOR_ARG_HUB, &[])))
        .mut_arg("token", |a| a.help(both(ui::PROJECTOR_ARG_TOKEN, &[])))
        .mut_arg("lang", |a| a.help(both(ui::PROJECTOR_ARG_LANG, &[])))
        .mut_arg("join", |a| a.help(both(ui::PROJECTOR_ARG_JOIN, &[])));
    Cli::from_arg_matches(&command.get_matches()).unwrap_or_else(|e| e.exit())
}

fn local_now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn main() -> Result<()> {
    // Read while the process has one thread (the only time `time` can do it safely).
    let utc_offset_s = time::UtcOffset::current_local_offset().map(|o| o.whole_seconds()).unwrap_or(0);
    let cli = parse_cli();
    let hub = match parse_hub(&cli.hub) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let token = cli.token.clone().filter(|t| !t.trim().is_empty()).or(hub.token.clone());
    let public = token.is_none();
    let token = token.unwrap_or_else(|| PUBLIC_TOKEN.to_string());
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().context("tokio")?;
    let mut app =
        App::new(hub.ws_url.clone(), cli.join.clone().unwrap_or_else(|| hub.http_base.clone()), cli.lang, public);
    if cli.join.is_some() {
        app.join_confirmed = true;
    }
    app.utc_offset_s = utc_offset_s;
    let mut terminal = ratatui::init();
    let outcome = runtime.block_on(run(&mut terminal, &mut app, hub.http_base.clone(), token));
    ratatui::restore();
    outcome
}

async fn run(terminal: &mut ratatui::DefaultTerminal, app: &mut App, http_base: String, token: String) -> Result<()> {
    let (_link, mut link_events) = Link::spawn(LinkConfig {
        url: app.hub_url.clone(),
        token,
        client: format!("projector/{}", env!("CARGO_PKG_VERSION")),
    });

    // Keys come from a blocking reader thread; it ends with the process.
    let (keys_tx, mut keys) = mpsc::unbounded_channel::<Option<Key>>();
    std::thread::spawn(move || loop {
        let ev = match event::read() {
            Ok(ev) => ev,
            Err(_) => return,
        };
        let key = match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => Some(Key::CtrlC),
                KeyCode::Char(c) => Some(Key::Char(c)),
                KeyCode::Esc => Some(Key::Esc),
                _ => continue,
            },
            // A resize only needs a redraw.
            Event::Resize(..) => None,
            _ => continue,
        };
        if keys_tx.send(key).is_err() {
            return;
        }
    });

    let (join_tx, mut join_rx) = mpsc::unbounded_channel::<String>();
    let ask_join = |base: String, tx: mpsc::UnboundedSender<String>| {
        tokio::spawn(async move {
            if let Ok(url) = info::fetch_join_url(&base, Duration::from_secs(5)).await {
                let _ = tx.send(url);
            }
        });
    };
    if !app.join_confirmed {
        ask_join(http_base.clone(), join_tx.clone());
    }

    // SIGTERM or a closed terminal: leave the screen as it was found.
    let mut term = signal(SignalKind::terminate()).context("signal")?;
    let mut hangup = signal(SignalKind::hangup()).context("signal")?;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // The link ends only after a refusal; the screen then keeps saying why until Q.
    let mut link_done = false;
    loop {
        let screen = app.screen(local_now_ms());
        terminal.draw(|f| draw::draw(f, &screen)).context("draw")?;
        if app.quit {
            return Ok(());
        }
        tokio::select! {
            ev = link_events.recv(), if !link_done => match ev {
                Some(ev) => {
                    let was_online = app.connection == Connection::Online;
                    app.on_link(ev, local_now_ms());
                    // The hub is up (again): if its join address is still
                    // unknown, ask now.
                    if !was_online && app.connection == Connection::Online && !app.join_confirmed {
                        ask_join(http_base.clone(), join_tx.clone());
                    }
                }
                None => link_done = true,
            },
            k = keys.recv() => match k {
                Some(Some(k)) => app.on_key(k),
                Some(None) => {}
                None => return Ok(()),
            },
            Some(url) = join_rx.recv() => app.set_join_url(url),
            _ = term.recv() => return Ok(()),
            _ = hangup.recv() => return Ok(()),
            _ = tick.tick() => {}
        }
    }
}
