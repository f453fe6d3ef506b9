//! The edges of table-client: the command line, the terminal, the link to
//! the hub and the outbox file. Everything else is `App::update` (state)
//! and `ui::draw` (a picture of the state).

use std::collections::VecDeque;
use std::io::stdout;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::Parser;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event as TermEvent, KeyEventKind};
use tokio::sync::mpsc;
use yuanzhuo_client::{Link, LinkConfig, LinkEvent};

use table_client::app::{App, Config, Effect, Event, OpenError};
use table_client::disk::{self, Paths};
use table_client::i18n::{both, Lang, Words};
use table_client::ui;
use yuanzhuo_protocol::words::terminal;

/// 圆桌 Yuanzhuo：桌长、记录员、技术顾问的终端。
/// The terminal for table chairs, recorders and technical advisers.
#[derive(Parser, Debug)]
#[command(name = "table-client", version)]
struct Args {
    /// 会场服务器地址或加入链接 / the hub: ws://HOST:PORT/ws, http://HOST:PORT, or a join link http://HOST:PORT/j/TOKEN
    #[arg(long, env = "YZ_HUB")]
    hub: Option<String>,
    /// 加入链接（同 --hub）/ a join link (same as --hub)
    link: Option<String>,
    /// 卡片上的令牌（也可用环境变量 YZ_TOKEN，或启动后输入）/ the token from your card (or YZ_TOKEN, or type it in)
    #[arg(long, env = "YZ_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// 界面语言 / interface language: zh or en
    #[arg(long, default_value = "zh")]
    lang: String,
    /// 每人每次发言的约定时长（秒）/ the agreed length of one speaking turn, in seconds
    #[arg(long, default_value_t = 60)]
    turn_seconds: u64,
    /// 本桌座位数（用于“尚未发言”）/ seats at the table, for "not spoken yet" (0: none)
    #[arg(long, default_value_t = 10)]
    seats: u16,
    /// 本机待发送记录的存放目录 / where unsent entries are kept (default $XDG_STATE_HOME/yuanzhuo or ~/.local/state/yuanzhuo)
    #[arg(long)]
    state_dir: Option<PathBuf>,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let Some(lang) = Lang::parse(&args.lang) else {
        bail!(both(terminal::LANG_FLAG, &[("s", &args.lang)]));
    };
    if !(5..=3600).contains(&args.turn_seconds) {
        bail!(both(terminal::TURN_SECONDS_FLAG, &[]));
    }
    if args.seats > 200 {
        bail!(both(terminal::SEATS_FLAG, &[]));
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().context("start the runtime")?;
    rt.block_on(run(args, lang))
}

async fn run(args: Args, lang: Lang) -> Result<()> {
    let cfg = Config {
        lang,
        turn_ms: args.turn_seconds * 1000,
        seats: args.seats,
        id_prefix: format!("tc{:08x}", rand::random::<u32>()),
    };
    let hub = args.hub.clone().or(args.link.clone());
    let (mut app, first) = App::new(cfg, hub, args.token.clone(), now_ms());

    let mut terminal = ratatui::try_init().context("this program needs a terminal")?;
    let _ = crossterm::execute!(stdout(), EnableBracketedPaste);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(stdout(), DisableBracketedPaste);
        previous(info);
    }));

    let (input_tx, mut input) = mpsc::unbounded_channel();
    std::thread::spawn(move || read_terminal(input_tx));
    let mut edge = Edge {
        state_dir: disk::state_dir(args.state_dir.as_deref()),
        link: None,
        events: None,
        lock: None,
        paths: None,
    };
    if let Ok(size) = terminal.size() {
        let fx = app.update(Event::Resize(size.width, size.height), now_ms());
        edge.perform(&mut app, fx);
    }
    edge.perform(&mut app, first);
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let result = loop {
        if let Err(e) = terminal.draw(|f| ui::draw(f, &app)) {
            break Err(e.into());
        }
        if app.quit {
            break Ok(());
        }
        let ev = tokio::select! {
            e = input.recv() => match e {
                Some(e) => e,
                None => break Ok(()),
            },
            e = next_link(&mut edge.events) => e,
            _ = tick.tick() => Event::Tick,
        };
        let fx = app.update(ev, now_ms());
        edge.perform(&mut app, fx);
    };
    let _ = crossterm::execute!(stdout(), DisableBracketedPaste);
    ratatui::restore();
    if !app.outbox.is_empty() {
        eprintln!("{}", lang.fill(terminal::UNSENT_AT_EXIT, &[("n", &app.outbox.len().to_string())]));
    }
    result
}

/// Keys, pastes and resizes from the terminal (a blocking read on its own thread).
fn read_terminal(tx: mpsc::UnboundedSender<Event>) {
    loop {
        let ev = match crossterm::event::read() {
            Ok(TermEvent::Key(k)) if k.kind != KeyEventKind::Release => Event::Key(k),
            Ok(TermEvent::Paste(s)) => Event::Paste(s),
            Ok(TermEvent::Resize(w, h)) => Event::Resize(w, h),
            Ok(_) => continue,
            Err(_) => return,
        };
        if tx.send(ev).is_err() {
            return;
        }
    }
}

async fn next_link(events: &mut Option<mpsc::Receiver<LinkEvent>>) -> Event {
    match events {
        Some(rx) => match rx.recv().await {
            Some(e) => Event::Link(e),
            None => {
                *events = None;
                Event::LinkGone
            }
        },
        None => std::future::pending().await,
    }
}

/// What the app may not touch itself: the link, the token's lock and files.
struct Edge {
    state_dir: PathBuf,
    link: Option<Link>,
    events: Option<mpsc::Receiver<LinkEvent>>,
    lock: Option<disk::Lock>,
    paths: Option<Paths>,
}

impl Edge {
    fn disconnect(&mut self) {
        self.link = None;
        self.events = None;
        self.lock = None;
        self.paths = None;
    }

    fn perform(&mut self, app: &mut App, fx: Vec<Effect>) {
        let mut queue: VecDeque<Effect> = fx.into();
        while let Some(e) = queue.pop_front() {
            let follow = match e {
                Effect::Connect { url, token } => self.connect(app, url, token),
                Effect::Disconnect => {
                    self.disconnect();
                    vec![]
                }
                Effect::Send(msg) => {
                    if let Some(l) = &self.link {
                        l.send(msg);
                    }
                    vec![]
                }
                Effect::SaveOutbox => {
                    // One write covers several saves queued before the next send.
                    let later = queue
                        .iter()
                        .take_while(|e| !matches!(e, Effect::Send(_)))
                        .any(|e| matches!(e, Effect::SaveOutbox));
                    match (&self.paths, later) {
                        (Some(p), false) => match disk::save(&p.outbox, app.outbox.entries()) {
                            Ok(()) => vec![],
                            Err(e) => app.update(Event::Saved(Err(e.to_string())), now_ms()),
                        },
                        _ => vec![],
                    }
                }
                Effect::Journal(entry, err) => match &self.paths {
                    Some(p) => match disk::journal_rejected(&p.rejected, &entry, &err) {
                        Ok(()) => vec![],
                        Err(e) => app.update(Event::Saved(Err(e.to_string())), now_ms()),
                    },
                    None => vec![],
                },
                Effect::Quit => vec![],
            };
            queue.extend(follow);
        }
    }

    fn connect(&mut self, app: &mut App, url: String, token: String) -> Vec<Effect> {
        self.disconnect();
        let paths = disk::paths(&self.state_dir, &token);
        let mut fx = match disk::lock(&paths.lock) {
            Err(e) if e == "busy" => return app.update(Event::Opened(Err(OpenError::Busy)), now_ms()),
            Err(e) => app.update(Event::Saved(Err(e)), now_ms()),
            Ok(lock) => {
                self.lock = Some(lock);
                vec![]
            }
        };
        let loaded = disk::load(&paths.outbox).map_err(OpenError::Unreadable);
        fx.extend(app.update(Event::Opened(loaded), now_ms()));
        self.paths = Some(paths);
        let cfg = LinkConfig { url, token, client: format!("table-client/{}", env!("CARGO_PKG_VERSION")) };
        let (link, events) = Link::spawn(cfg);
        self.link = Some(link);
        self.events = Some(events);
        fx
    }
}
