//! The projector's state and what changes it: messages and status from the
//! link, key presses, the join address once known. No IO here: `main`
//! feeds events in and draws [`App::screen`].

use crate::draw::{Level, Marker, Notice, Screen};
use crate::model;
use crate::text::{say, Lang};
use yuanzhuo_client::{LinkEvent, LinkStatus};
use yuanzhuo_protocol::words::ui;
use yuanzhuo_protocol::{ErrorCode, ServerMsg, Snapshot};

/// The link as the projector shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Connection {
    Connecting {
        attempt: u32,
    },
    Online,
    Offline {
        reason: String,
    },
    /// The hub refused the token; no more retries.
    Refused {
        code: ErrorCode,
        zh: String,
        en: String,
    },
}

/// A key press, reduced to what the projector listens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Esc,
    CtrlC,
}

pub struct App {
    pub lang: Lang,
    /// The language was chosen (flag or key); otherwise follow the meeting's.
    lang_chosen: bool,
    pub snapshot: Option<Snapshot>,
    /// The log position of the last snapshot taken: updates at or below it
    /// are in it already (several updates may carry one later position).
    snapshot_seq: u64,
    /// Hub clock minus local clock, from the last message that carried the
    /// hub's time: countdowns are computed on the hub's clock so that every
    /// screen in the room shows the same time.
    pub offset_ms: i64,
    pub connection: Connection,
    pub hub_url: String,
    /// What residents open; the hub's own answer replaces the guess.
    pub join_url: String,
    pub join_confirmed: bool,
    /// Connected with the anonymous `public` token.
    pub public: bool,
    /// This machine's time zone, seconds from UTC: the times of day the
    /// room is shown (a card issued at 15:02).
    pub utc_offset_s: i32,
    pub quit: bool,
}

impl App {
    pub fn new(hub_url: String, join_guess: String, lang: Option<Lang>, public: bool) -> App {
        App {
            lang: lang.unwrap_or_default(),
            lang_chosen: lang.is_some(),
            snapshot: None,
            snapshot_seq: 0,
            offset_ms: 0,
            connection: Connection::Connecting { attempt: 1 },
            hub_url,
            join_url: join_guess,
            join_confirmed: false,
            public,
            utc_offset_s: 0,
            quit: false,
        }
    }

    /// The hub's clock now, from the local clock and the last known offset.
    pub fn hub_now(&self, local_now_ms: u64) -> u64 {
        (local_now_ms as i64 + self.offset_ms).max(0) as u64
    }

    fn clock_from(&mut self, server_now_ms: u64, local_now_ms: u64) {
        self.offset_ms = server_now_ms as i64 - local_now_ms as i64;
    }

    fn take_snapshot(&mut self, s: Snapshot, local_now_ms: u64) {
        self.clock_from(s.server_now_ms, local_now_ms);
        if !self.lang_chosen {
            self.lang = if s.meeting.language.eq_ignore_ascii_case("en") { Lang::En } else { Lang::Zh };
        }
        self.snapshot_seq = s.seq;
        self.snapshot = Some(s);
    }

    pub fn on_link(&mut self, ev: LinkEvent, local_now_ms: u64) {
        match ev {
            LinkEvent::Status(st) => {
                self.connection = match st {
                    LinkStatus::Connecting { attempt } => Connection::Connecting { attempt },
                    LinkStatus::Online => Connection::Online,
                    LinkStatus::Offline { reason, .. } => Connection::Offline { reason },
                    LinkStatus::Refused(e) => Connection::Refused { code: e.code, zh: e.zh, en: e.en },
                }
            }
            LinkEvent::Message(m) => match m {
                ServerMsg::Welcome { snapshot, .. } | ServerMsg::Snapshot { snapshot } => {
                    self.take_snapshot(*snapshot, local_now_ms)
                }
                ServerMsg::Update(u) => {
                    if let Some(s) = &mut self.snapshot {
                        // The hub sends updates in order, several for one
                        // batch of entries (a summary, a delta) at the same
                        // position; those at or below the snapshot are stale.
                        if u.seq > self.snapshot_seq {
                            s.apply(&u);
                        }
                        self.offset_ms = u.server_now_ms as i64 - local_now_ms as i64;
                    }
                }
                // A read-only screen sends no commands: acks and errors
                // (other than a refusal, reported as a status) need no answer.
                ServerMsg::Ack { .. } | ServerMsg::Error(_) | ServerMsg::Log(_) => {}
            },
        }
    }

    pub fn on_key(&mut self, k: Key) {
        match k {
            Key::Char('q' | 'Q') | Key::Esc | Key::CtrlC => self.quit = true,
            Key::Char('l' | 'L') => {
                self.lang = self.lang.toggle();
                self.lang_chosen = true;
            }
            Key::Char(_) => {}
        }
    }

    /// The hub's answer to "where do residents join".
    pub fn set_join_url(&mut self, url: String) {
        if !url.trim().is_empty() {
            self.join_url = url.trim().to_string();
            self.join_confirmed = true;
        }
    }

    pub fn screen(&self, local_now_ms: u64) -> Screen {
        let lang = self.lang;
        let scene =
            self.snapshot.as_ref().map(|s| model::scene_at(s, self.hub_now(local_now_ms), lang, self.utc_offset_s));
        let marker = match &self.connection {
            Connection::Online => Marker { text: say(ui::ONLINE, lang).into(), level: Level::Ok },
            Connection::Connecting { .. } | Connection::Offline { .. } => {
                Marker { text: say(ui::RECONNECTING, lang).into(), level: Level::Warn }
            }
            Connection::Refused { .. } => Marker { text: say(ui::REFUSED, lang).into(), level: Level::Error },
        };
        let notice = match &self.connection {
            Connection::Refused { code, zh, en } => Some(self.refusal(*code, zh, en)),
            Connection::Connecting { attempt } if self.snapshot.is_none() => Some(Notice {
                title: say(ui::CONNECTING_TO_HUB, lang).into(),
                lines: vec![self.hub_url.clone(), format!("{} {attempt}", say(ui::ATTEMPT, lang))],
                level: Level::Warn,
            }),
            Connection::Offline { reason } if self.snapshot.is_none() => Some(Notice {
                title: say(ui::CANNOT_REACH_THE_HUB_YET, lang).into(),
                lines: vec![self.hub_url.clone(), reason.clone()],
                level: Level::Warn,
            }),
            _ => None,
        };
        Screen { scene, marker, join_url: self.join_url.clone(), notice, keys: say(ui::PROJECTOR_KEYS, lang).into() }
    }

    fn refusal(&self, code: ErrorCode, zh: &str, en: &str) -> Notice {
        let lang = self.lang;
        let why = format!("{} ({})", lang.t(zh, en), code.as_str());
        let hint = if self.public { say(ui::HUB_NOT_PUBLIC_TOKEN, lang) } else { say(ui::CHECK_PROJECTOR_TOKEN, lang) };
        Notice {
            title: say(ui::THE_HUB_REFUSED_THIS_PROJECTOR, lang).into(),
            lines: vec![why, hint.into(), say(ui::PRESS_Q_TO_QUIT, lang).into()],
            level: Level::Error,
        }
    }
}
