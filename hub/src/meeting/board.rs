//! The public board (served as `GET /api/board` by `http::board`, drawn by `/board`): every accepted
//! ballot — phone ballots by receipt code, paper ballots by number with the
//! rules' verdict, void ones with their reason — the sticker boards, the
//! turnout and the log head, so that anyone can check their own ballot and
//! add the count up themselves. No token: it is the public count.
//!
//! Built off the meeting task, on a thread of its own ("board"), from a copy
//! of the meeting's state that it keeps current: after every commit the
//! meeting task hands it the entries it has just made durable (and, after
//! the close or a reload, the whole new state), so that polling the board
//! never holds up a command. Cached by log position; while the log moves it
//! is rebuilt at most once a second, so that a hall of phones refreshing
//! costs one build, not one each. Every board says which entry it reflects
//! (`seq`, `log_head`, the ETag), and never shows an entry not yet durable.
//!
//! What it shows of each ballot follows the rules: with `board =
//! "receipts_only"` only the receipt codes and the verdicts, never the
//! choices; with `tally = "hidden_until_close"` nothing per proposal until
//! the vote has closed (choices, marks and sticker counts would reveal the
//! tally the rules hide).

use axum::body::Bytes;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use yuanzhuo_engine::State;
use yuanzhuo_protocol::*;

use tokio::sync::mpsc;
use yuanzhuo_engine::Recorded;

/// While entries keep arriving, a board is rebuilt at most this often.
const MIN_REBUILD: Duration = Duration::from_secs(1);

/// A built board: the log position it reflects, its JSON text, and the same
/// gzipped (compressed once here, not once per phone).
#[derive(Clone, Debug)]
pub struct BoardText {
    pub seq: u64,
    pub head: String,
    pub json: Bytes,
    pub gzip: Option<Bytes>,
}

/// The meeting task's cache of the board.
#[derive(Default)]
pub struct Cache {
    built: Option<(Instant, BoardText)>,
}

impl Cache {
    /// The board for `state`: the cached one if it is current (or less than
    /// `MIN_REBUILD` old), else built afresh.
    pub fn get(&mut self, state: &State) -> BoardText {
        if let Some((at, b)) = &self.built {
            if b.seq == state.seq || at.elapsed() < MIN_REBUILD {
                return b.clone();
            }
        }
        let json = serde_json::to_vec(&build(state)).expect("the board serialises");
        let text = BoardText {
            seq: state.seq,
            head: state.head.clone(),
            gzip: gzip(&json).map(Bytes::from),
            json: Bytes::from(json),
        };
        self.built = Some((Instant::now(), text.clone()));
        text
    }
}

/// What the board's thread is told, in log order.
enum Feed {
    /// Entries the meeting task has just made durable.
    Entries(Vec<Recorded>),
    /// The whole state, replacing the copy (after the close, or a reload).
    State(Box<State>),
    /// An asker waiting for the board.
    Get(oneshot::Sender<BoardText>),
    /// Something made from the thread's copy of the state (the published
    /// notice), off the meeting task.
    Read(Box<dyn FnOnce(&State) + Send>),
}

/// How the meeting task and the web server reach the board's thread.
#[derive(Clone, Debug)]
pub struct Boards {
    tx: mpsc::UnboundedSender<Feed>,
}

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Feed::Entries(_) => "Entries",
            Feed::State(_) => "State",
            Feed::Get(_) => "Get",
            Feed::Read(_) => "Read",
        })
    }
}

impl Boards {
    /// Start the board's thread with a copy of the meeting's state. It
    /// stops once every `Boards` is dropped.
    pub fn spawn(state: State) -> (Boards, std::thread::JoinHandle<()>) {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let join = std::thread::Builder::new()
            .name("board".into())
            .spawn(move || {
                let mut state = state;
                let mut cache = Cache::default();
                while let Some(msg) = rx.blocking_recv() {
                    match msg {
                        Feed::Entries(recs) => recs.iter().for_each(|r| state.evolve(r)),
                        // The close (or a reload): shown at once, not after the rebuild pause.
                        Feed::State(s) => {
                            state = *s;
                            cache = Cache::default();
                        }
                        // The asker may have gone (a phone closed the page): nothing to do then.
                        Feed::Get(reply) => drop(reply.send(cache.get(&state))),
                        Feed::Read(f) => f(&state),
                    }
                }
            })
            .expect("spawn board thread");
        (Boards { tx }, join)
    }

    /// Entries just made durable (never before: the board shows only those).
    pub fn entries(&self, recs: Vec<Recorded>) {
        if !recs.is_empty() {
            let _ = self.tx.send(Feed::Entries(recs));
        }
    }

    /// Replace the board's copy of the state.
    pub fn state(&self, state: &State) {
        let _ = self.tx.send(Feed::State(Box::new(state.clone())));
    }

    /// The board as of every entry handed over before this call; `None`
    /// when the board's thread has stopped (the hub is shutting down).
    pub async fn get(&self) -> Option<BoardText> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Feed::Get(reply)).ok()?;
        answer.await.ok()
    }

    /// `f` run on the board thread's copy of the state, as of every entry
    /// handed over before this call (committed entries only); `None` when
    /// the thread has stopped. The meeting task never waits for it.
    pub async fn read<T: Send + 'static>(&self, f: impl FnOnce(&State) -> T + Send + 'static) -> Option<T> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Feed::Read(Box::new(move |s: &State| drop(reply.send(f(s)))))).ok()?;
        answer.await.ok()
    }
}

/// Fast compression: JSON of receipt codes and ids shrinks several times.
fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut z = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::fast());
    z.write_all(bytes).ok()?;
    z.finish().ok()
}

#[derive(Serialize)]
pub struct Board {
    pub format: &'static str,
    pub seq: u64,
    pub log_head: String,
    pub fingerprint: String,
    pub meeting: MeetingInfo,
    pub phase: Phase,
    /// The rules' `board`: `choices` or `receipts_only`.
    pub disclosure: BoardDisclosure,
    /// Whether choices, marks and sticker counts are on this board.
    pub choices_shown: bool,
    /// Why they are not: `receipts_only`, or `hidden_until_close` (the tally
    /// is hidden until the vote closes).
    pub withheld: Option<&'static str>,
    pub max_choices: u32,
    pub allocation: Allocation,
    pub proposals: Vec<BoardProposal>,
    pub turnout: BoardTurnout,
    /// Phone ballots, in receipt order (not the order cast, which could tell
    /// who voted how to someone who watched the room).
    pub phone: Vec<PhoneBallot>,
    /// Paper ballots of agreed batches, by batch and number.
    pub paper: Vec<PaperEntry>,
    pub batches: Vec<BatchEntry>,
    pub boards: Vec<BoardEntry>,
    pub tally: Option<Tally>,
    pub results: Option<serde_json::Value>,
    /// Who may vote and who counts: voter cards issued (with the reasons of
    /// late issues), cancelled, and the desk cards' claims.
    pub electorate: Electorate,
    /// Proposals excluded before the vote.
    pub exclusions: Vec<Exclusion>,
}

#[derive(Serialize)]
pub struct BoardProposal {
    pub id: ProposalId,
    pub title: String,
}

#[derive(Serialize)]
pub struct BoardTurnout {
    /// Every accepted ballot: phone and paper, void ones included.
    pub ballots: u64,
    pub phone: u64,
    pub paper: u64,
    /// Ballots that count (`ballots` − `void`).
    pub valid: u64,
    /// Void paper ballots (counted for nothing), and by reason.
    pub void: u64,
    pub void_reasons: BTreeMap<VoidReason, u64>,
    /// Agreed sticker votes (when shown).
    pub stickers: Option<u64>,
    pub cards_issued: u64,
    pub cards_cancelled: u64,
    /// With the door register.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register: Option<RegisterCounts>,
}

#[derive(Serialize)]
pub struct PhoneBallot {
    pub receipt: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<ProposalId>>,
}

#[derive(Serialize)]
pub struct PaperEntry {
    pub number: String,
    pub batch: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marks: Option<Vec<ProposalId>>,
    /// The verdict when void (docs/protocol.md, `VoidReason`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub void: Option<VoidReason>,
}

#[derive(Serialize)]
pub struct BatchEntry {
    pub batch: u32,
    pub status: PaperStatus,
    /// Ballots in the batch, once agreed.
    pub ballots: Option<u64>,
    /// The scrutineer's hand count of its sheets, if declared.
    pub sheets: Option<u32>,
}

#[derive(Serialize)]
pub struct BoardEntry {
    pub board: u32,
    pub status: PaperStatus,
    /// Stickers per proposal, once agreed (and when shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<BTreeMap<ProposalId, u64>>,
}

/// The board as the rules let the public see it now.
pub fn build(state: &State) -> Board {
    let def = state.definition.as_ref().expect("a served meeting is defined");
    let rules = &def.rules;
    let withheld = if rules.board == BoardDisclosure::ReceiptsOnly {
        Some("receipts_only")
    } else if rules.tally == TallyVisibility::HiddenUntilClose && state.phase < Phase::Counted {
        Some("hidden_until_close")
    } else {
        None
    };
    // Sticker counts are totals, not ballots: only the hidden tally withholds them.
    let counts_shown = !(rules.tally == TallyVisibility::HiddenUntilClose && state.phase < Phase::Counted);
    let shown = withheld.is_none();
    let mut phone: Vec<PhoneBallot> = state
        .ballots
        .iter()
        .map(|b| PhoneBallot { receipt: b.receipt.clone(), choices: shown.then(|| b.choices.clone()) })
        .collect();
    phone.sort_by(|a, b| a.receipt.cmp(&b.receipt));
    let paper: Vec<PaperEntry> = state
        .desk
        .batches
        .iter()
        .filter(|(_, b)| b.status == PaperStatus::Agreed)
        .flat_map(|(n, b)| {
            b.ballots.iter().map(move |p| PaperEntry {
                number: p.number.clone(),
                batch: *n,
                marks: shown.then(|| p.marks.clone()),
                void: p.void,
            })
        })
        .collect();
    let turnout = state.turnout();
    let results = state.results.as_ref().map(|r| {
        json!({
            "ballots": r.ballots, "paper": r.paper, "void": r.void, "stickers": r.stickers,
            "funded": r.funded, "total_cost": r.total_cost, "budget": r.budget,
            "allocation": r.allocation, "closed_at_head": r.closed_at_head,
            "equal_shares": r.equal_shares,
            "votes": r.ranking.iter().map(|row| (row.proposal.clone(), row.votes)).collect::<BTreeMap<_, _>>(),
        })
    });
    Board {
        format: "yuanzhuo-board/1",
        seq: state.seq,
        log_head: state.head.clone(),
        fingerprint: state.fingerprint.clone(),
        meeting: def.meeting.clone(),
        phase: state.phase,
        disclosure: rules.board,
        choices_shown: shown,
        withheld,
        max_choices: rules.max_choices,
        allocation: rules.allocation,
        proposals: def.proposals.iter().map(|p| BoardProposal { id: p.id.clone(), title: p.title.clone() }).collect(),
        turnout: BoardTurnout {
            ballots: turnout.ballots,
            phone: turnout.phone,
            paper: turnout.paper,
            valid: turnout.valid,
            void: turnout.void,
            void_reasons: turnout.void_reasons,
            stickers: counts_shown.then_some(turnout.stickers),
            cards_issued: turnout.cards_issued,
            cards_cancelled: turnout.cards_cancelled,
            register: turnout.register,
        },
        electorate: state.electorate.view(),
        exclusions: state.exclusion_list(),
        phone,
        paper,
        batches: state
            .desk
            .batches
            .iter()
            .map(|(n, b)| BatchEntry {
                batch: *n,
                status: b.status,
                ballots: (b.status == PaperStatus::Agreed).then_some(b.ballots.len() as u64),
                sheets: b.agreed_sheets(),
            })
            .collect(),
        boards: state
            .desk
            .boards
            .iter()
            .map(|(n, b)| BoardEntry {
                board: *n,
                status: b.status,
                counts: (b.status == PaperStatus::Agreed && counts_shown).then(|| b.counts.clone()),
            })
            .collect(),
        tally: state.visible_tally(),
        results,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};
    use yuanzhuo_engine::{Event, Recorded};

    /// The demo meeting, voting, with `n` phone ballots and one agreed paper
    /// batch (a valid ballot and a void one), under `rules`.
    fn meeting(n: usize, rules: impl Fn(&mut Rules)) -> State {
        let mut def = crate::documents::definition::load(None, None).expect("the demo meeting").definition;
        rules(&mut def.rules);
        let mut s = State::default();
        let mut seq = 0;
        let mut push = |s: &mut State, event: Event| {
            seq += 1;
            let hash = hex::encode(Sha256::digest(seq.to_string().as_bytes()));
            s.evolve(&Recorded { seq, at_ms: seq, hash, event });
        };
        push(&mut s, Event::MeetingDefined { definition: def });
        push(&mut s, Event::MeetingOpened { fingerprint: "ABCD-1234".into() });
        push(&mut s, Event::PhaseChanged { from: Phase::CheckIn, to: Phase::Voting, lot_seed: None });
        for i in 0..n {
            let mut choices = vec![format!("P{:02}", i % 60 + 1), format!("P{:02}", (i * 7) % 60 + 1)];
            choices.dedup();
            push(&mut s, Event::BallotCast { voter: format!("V{i:04}"), choices });
        }
        push(
            &mut s,
            Event::PaperAgreed {
                batch: 3,
                ballots: vec![
                    PaperBallot { number: "0117".into(), marks: vec!["P03".into()], void: None },
                    PaperBallot {
                        number: "0118".into(),
                        marks: vec!["P77".into()],
                        void: Some(VoidReason::UnknownProposal),
                    },
                ],
            },
        );
        s
    }

    #[test]
    fn every_ballot_is_on_the_board_in_receipt_order_with_its_choices() {
        let s = meeting(50, |_| {});
        let b = build(&s);
        assert_eq!((b.phone.len(), b.paper.len(), b.withheld), (50, 2, None));
        assert!(b.phone.windows(2).all(|w| w[0].receipt < w[1].receipt), "sorted by receipt, not by time");
        let first = s.ballots.iter().find(|x| x.receipt == b.phone[0].receipt).unwrap();
        assert_eq!(b.phone[0].choices.as_ref(), Some(&first.choices));
        assert_eq!(b.paper[1].void, Some(VoidReason::UnknownProposal));
        assert_eq!(b.paper[1].marks.as_deref(), Some(&["P77".to_string()][..]), "void ballots are kept whole");
        assert_eq!((b.turnout.ballots, b.turnout.phone, b.turnout.paper, b.turnout.void), (52, 50, 2, 1));
        assert!(b.tally.is_some());
    }

    #[test]
    fn the_rules_withhold_choices_but_never_the_ballots() {
        for (rules, why) in [
            (
                Box::new(|r: &mut Rules| r.board = BoardDisclosure::ReceiptsOnly) as Box<dyn Fn(&mut Rules)>,
                "receipts_only",
            ),
            (Box::new(|r: &mut Rules| r.tally = TallyVisibility::HiddenUntilClose), "hidden_until_close"),
        ] {
            let s = meeting(5, rules);
            let b = build(&s);
            assert_eq!((b.withheld, b.choices_shown, b.phone.len(), b.paper.len()), (Some(why), false, 5, 2));
            assert!(b.phone.iter().all(|p| p.choices.is_none()) && b.paper.iter().all(|p| p.marks.is_none()));
            assert_eq!(b.paper[1].void, Some(VoidReason::UnknownProposal), "the verdict stays");
            assert_eq!(b.tally.is_none(), why == "hidden_until_close");
        }
    }

    #[test]
    fn the_cache_serves_the_same_position_without_building_again() {
        let s = meeting(3, |_| {});
        let mut c = Cache::default();
        let a = c.get(&s);
        let b = c.get(&s);
        assert_eq!(a.seq, s.seq);
        assert_eq!(a.json.as_ptr(), b.json.as_ptr(), "one build for one log position");
        let v: serde_json::Value = serde_json::from_slice(&a.json).unwrap();
        assert_eq!(v["format"], "yuanzhuo-board/1");
        assert_eq!(v["log_head"], s.head.as_str());
        let mut unzipped = vec![];
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&a.gzip.unwrap()[..]), &mut unzipped).unwrap();
        assert_eq!(unzipped, a.json.to_vec(), "the gzipped board is the board");
    }

    /// A street-level vote's board must stay small enough for a phone on
    /// busy venue Wi-Fi to fetch in a second or two (about 70 KiB gzipped
    /// for 5,000 ballots of up to 10 choices). The build time is printed,
    /// not asserted: `cargo test --release -p hub meeting::board::tests -- --nocapture`.
    #[test]
    fn the_board_of_five_thousand_ballots_stays_small_for_a_phone() {
        let s = meeting(5000, |_| {});
        let t = Instant::now();
        let json = serde_json::to_vec(&build(&s)).unwrap();
        let zipped = gzip(&json).unwrap().len();
        println!(
            "5000 phone ballots: board {} KiB ({} KiB gzipped), built and compressed in {:?}",
            json.len() / 1024,
            zipped / 1024,
            t.elapsed()
        );
        assert!(json.len() < 320 * 1024, "board {} bytes", json.len());
        assert!(zipped < 96 * 1024, "gzipped board {zipped} bytes");
    }
}
