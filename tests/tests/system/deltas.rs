//! Live updates are deltas: what one keyed paper ballot, one annotation or
//! one speaker change costs on the wire does not grow with the meeting's
//! history, and goes only to the roles that show it. Measured as the bytes
//! of the update frames each listening connection receives for that change,
//! once early in the meeting and once after hundreds of the same changes:
//! a size assertion, not a timing one.

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use yuanzhuo_client::pace::Pace;
use yuanzhuo_tests::*;

use crate::common::{create_meeting, key, small_meeting, to_voting};

/// A connection that keeps under the hub's rate (hub/client's `Pace`).
struct Paced {
    c: Client,
    pace: Pace,
}

impl Paced {
    async fn new(url: &str, token: &str) -> Paced {
        Paced { c: Client::connect(url, token).await.expect("connect"), pace: Pace::new(Instant::now()) }
    }

    /// The command, acknowledged: its log position.
    async fn ok(&mut self, command: Value) -> u64 {
        tokio::time::sleep(self.pace.book(Instant::now())).await;
        let a = self.c.command(command.clone()).await.expect("answer");
        assert!(is_ack(&a), "{command} was refused: {a}");
        a["seq"].as_u64().expect("seq")
    }
}

/// Read `c`'s messages until one at or past `marker`: the bytes of the
/// updates it received at log position `at` (their JSON text).
async fn bytes_at(c: &mut Client, at: u64, marker: u64) -> usize {
    let mut bytes = 0;
    loop {
        let v = c.recv(Duration::from_secs(20)).await.expect("the marker arrives");
        match v["type"].as_str() {
            Some("update") if v["seq"].as_u64() == Some(at) => bytes += v.to_string().len(),
            Some("update") if v["seq"].as_u64() >= Some(marker) => return bytes,
            Some("snapshot") => panic!("a listener lagged during a measurement"),
            _ => {}
        }
    }
}

/// Let every listener catch up with entry `seq` (a lagging one gets a snapshot).
async fn drain(listeners: &mut [&mut Client], seq: u64) {
    for c in listeners.iter_mut() {
        c.wait_until(Duration::from_secs(60), |s| s.seq >= seq).await.expect("the listener catches up");
    }
}

/// Keyed: batch, ballot numbers, marks as the number's rest by 3 (1 to 3 marks).
async fn key_all(c: &mut Paced, batch: u32, numbers: std::ops::RangeInclusive<u32>) -> u64 {
    let mut seq = 0;
    for n in numbers {
        let marks = [&["P1"][..], &["P2", "P3"], &["P1", "P4", "P6"]][n as usize % 3];
        seq = c.ok(key(batch, &n.to_string(), marks)).await;
    }
    seq
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyed_paper_ballot_costs_the_same_at_10_and_300_ballots() {
    let (_dir, data, sheet) = small_meeting("增量测试", "2026-12-02", "", 0);
    let hub = Hub::start(&data, &[]).unwrap();
    let url = hub.url();
    let mut org = Client::connect(&url, &token(&sheet, &["organiser"])).await.unwrap();
    to_voting(&mut org).await;
    let mut c1 = Paced::new(&url, &token(&sheet, &["counters", "0"])).await;
    let mut c2 = Paced::new(&url, &token(&sheet, &["counters", "1"])).await;
    let mut c3 = Paced::new(&url, &token(&sheet, &["counters", "2"])).await;
    let mut obs = Paced::new(&url, &token(&sheet, &["scrutineers", "0"])).await;
    // Listeners: the console, the scrutineer, counter 1 (the desk's shared view).
    let mut console = Client::connect(&url, &token(&sheet, &["organiser"])).await.unwrap();
    let mut scrutiny = Client::connect(&url, &token(&sheet, &["scrutineers", "1"])).await.unwrap();
    let mut desk = Client::connect(&url, &token(&sheet, &["counters", "3"])).await.unwrap();

    // Up to `n` ballots agreed (batch `agreed`, keyed by counters 1 and 2)
    // and `n` ballots in counter 3's copy of batch 2; then one keystroke of
    // counter 3, measured at every listener.
    let mut sizes = vec![];
    for (agreed, from, to, probe) in [(1, 1, 10, 2001), (3, 11, 300, 2002)] {
        let (a, b, c) = tokio::join!(key_all(&mut c1, agreed, from..=to), key_all(&mut c2, agreed, from..=to), async {
            key_all(&mut c3, 2, 1000 + from..=1000 + to).await
        });
        let mut last = a.max(b).max(c);
        c1.ok(json!({"kind": "finish_paper", "batch": agreed})).await;
        c2.ok(json!({"kind": "finish_paper", "batch": agreed})).await;
        last = last.max(obs.ok(json!({"kind": "declare_sheets", "batch": agreed, "sheets": to - from + 1})).await);
        drain(&mut [&mut console, &mut scrutiny, &mut desk], last).await;
        let batch = obs.c.snapshot().paper.as_ref().and_then(|p| p.batches.iter().find(|x| x.batch == agreed).cloned());
        assert_eq!(
            batch.map(|b| (b.status, b.ballots.len())),
            Some((protocol::PaperStatus::Agreed, (to - from + 1) as usize))
        );

        let at = c3.ok(key(2, &probe.to_string(), &["P1", "P2"])).await;
        let marker = c2.ok(key(9, &probe.to_string(), &["P1"])).await;
        let mut row = vec![];
        for l in [&mut console, &mut scrutiny, &mut desk] {
            row.push(bytes_at(l, at, marker).await);
        }
        sizes.push(row);
    }
    // The copy the console and scrutineer hold is whole (301 ballots), from deltas.
    let copy = scrutiny.snapshot().paper_copies.iter().find(|c| c.counter == 3).cloned().expect("counter 3's copy");
    assert_eq!(copy.ballots.len(), 302);
    assert_eq!(scrutiny.snapshot().paper.as_ref().map(|p| p.counted + p.void), Some(300));
    eprintln!("bytes of one keyed ballot [console, scrutineer, desk]: at 10 {:?}, at 300 {:?}", sizes[0], sizes[1]);
    for (i, who) in ["console", "scrutineer", "counter at the desk"].iter().enumerate() {
        assert!(sizes[0][i] > 0, "{who} hears the keystroke");
        // A few digits more (ballot counts, positions), nothing in proportion.
        assert!(sizes[1][i] <= sizes[0][i] + 40, "{who}: {} bytes at 10 ballots, {} at 300", sizes[0][i], sizes[1][i]);
    }
}

/// A meeting of `n` proposals (P001…), 2 tables.
fn big_meeting(n: u32) -> (tempfile::TempDir, std::path::PathBuf, Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("meeting.toml");
    std::fs::write(
        &file,
        "[meeting]\nname = \"增量测试\"\nvenue = \"活动室\"\ndate = \"2026-12-03\"\nproposals = \"p.csv\"\n\
         [rules]\ntables = 2\nmax_choices = 3\n[rules.budget]\namount = 1000000\n",
    )
    .unwrap();
    let rows: String = (1..=n).map(|i| format!("P{i:03},项目{i},{}\n", 10_000 + i)).collect();
    std::fs::write(dir.path().join("p.csv"), format!("id,title,cost\n{rows}")).unwrap();
    let data = dir.path().join("data");
    let text = create_meeting(&data, &file, 2).expect("tokens");
    (dir, data, serde_json::from_str(&text).unwrap())
}

/// The organiser's timer: an update every connection hears.
fn timer() -> Value {
    json!({"kind": "start_timer", "label": "讨论", "minutes": 40})
}

fn annotate(p: u32) -> Value {
    json!({"kind": "annotate", "proposal": format!("P{p:03}"), "feasibility": "doubtful",
           "reason": "需要与物业确认", "remark": "造价偏高"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_annotation_and_a_speaker_change_cost_the_same_however_many_came_before() {
    let (_dir, data, sheet) = big_meeting(300);
    let hub = Hub::start(&data, &[]).unwrap();
    let url = hub.url();
    let mut org = Paced::new(&url, &token(&sheet, &["organiser"])).await;
    org.ok(cmd::open()).await;
    org.ok(cmd::advance("discussion")).await;
    let mut adviser = Paced::new(&url, &token(&sheet, &["adviser_all"])).await;
    let mut chair = Paced::new(&url, &token(&sheet, &["tables", "0", "chair"])).await;
    // Listeners: a voter's phone, the projector, table 1's recorder.
    let mut phone = Client::connect(&url, &voter_tokens(&sheet)[0]).await.unwrap();
    let mut projector = Client::connect(&url, &token(&sheet, &["projector"])).await.unwrap();
    let mut recorder = Client::connect(&url, &token(&sheet, &["tables", "0", "recorder"])).await.unwrap();

    let mut annotations = vec![];
    let mut speakers = vec![];
    let mut turns = 0u32;
    // 10 annotations and 10 turns, then 300 annotations and 150 turns.
    for (upto, turns_upto) in [(10u32, 10u32), (299, 150)] {
        let from = if annotations.is_empty() { 1 } else { 12 };
        tokio::join!(
            async {
                for p in from..=upto {
                    adviser.ok(annotate(p)).await;
                }
            },
            async {
                while turns < turns_upto {
                    turns += 1;
                    let name = format!("{turns}号");
                    chair.ok(json!({"kind": "queue_speaker", "table": 1, "name": name, "turn": "for"})).await;
                    chair.ok(json!({"kind": "start_speaker", "table": 1})).await;
                }
            }
        );
        // The next speaker waits in the queue.
        turns += 1;
        let name = format!("{turns}号");
        chair.ok(json!({"kind": "queue_speaker", "table": 1, "name": name, "turn": "against"})).await;
        // Every listener hears the timer (a phone does not hear the speakers).
        let all = org.ok(timer()).await;
        drain(&mut [&mut phone, &mut projector, &mut recorder], all).await;

        let at = adviser.ok(annotate(upto + 1)).await;
        let marker = org.ok(timer()).await;
        let mut row = vec![];
        for l in [&mut phone, &mut projector, &mut recorder] {
            row.push(bytes_at(l, at, marker).await);
        }
        annotations.push(row);

        let at = chair.ok(json!({"kind": "start_speaker", "table": 1})).await;
        let marker = org.ok(timer()).await;
        let mut row = vec![];
        for l in [&mut phone, &mut projector, &mut recorder] {
            row.push(bytes_at(l, at, marker).await);
        }
        speakers.push(row);
    }
    // The views kept by deltas are whole.
    assert_eq!(phone.snapshot().annotations.len(), 300);
    let detail = recorder.snapshot().table_details.iter().find(|d| d.table == 1).cloned().expect("table 1");
    assert_eq!(detail.queue.len() as u32, turns);
    assert_eq!(projector.snapshot().tables[0].speaking.as_deref(), Some(format!("{turns}号").as_str()));
    // The table's speaking balance came with the speaker changes: every seat
    // queued has spoken or speaks now; a phone is not told.
    let t = &projector.snapshot().tables[0];
    assert_eq!((t.spoken, t.seats), (turns, turns));
    assert_eq!((phone.snapshot().tables[0].spoken, phone.snapshot().tables[0].seats), (0, 0));
    eprintln!(
        "bytes of one annotation [phone, projector, recorder]: at 10 {:?}, at 300 {:?}",
        annotations[0], annotations[1]
    );
    eprintln!(
        "bytes of one speaker change [phone, projector, recorder]: at 10 turns {:?}, at 150 {:?}",
        speakers[0], speakers[1]
    );
    for (i, who) in ["phone", "projector", "recorder"].iter().enumerate() {
        assert!(annotations[0][i] > 0, "{who} hears the annotation");
        assert!(annotations[1][i] <= annotations[0][i] + 40, "{who}: annotation {:?}", annotations);
        // Voters' phones do not show who speaks: a speaker change is not sent to them.
        if *who == "phone" {
            assert_eq!((speakers[0][i], speakers[1][i]), (0, 0), "a speaker change reached a phone");
        } else {
            assert!(speakers[0][i] > 0, "{who} hears the speaker change");
            assert!(speakers[1][i] <= speakers[0][i] + 40, "{who}: speaker change {:?}", speakers);
        }
    }
}

/// A ballot reaches the projector as the counts it moved, and the close
/// reaches a phone as the phase alone, in an update of its own: neither
/// grows with the proposals. The results follow the phase at the same log
/// position, and the phone's view is then whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ballot_and_the_close_cost_the_same_at_10_and_300_proposals() {
    let (mut ballot, mut close) = (vec![], vec![]);
    for n in [10u32, 300] {
        let (_dir, data, sheet) = big_meeting(n);
        let hub = Hub::start(&data, &[]).unwrap();
        let url = hub.url();
        let mut org = Paced::new(&url, &token(&sheet, &["organiser"])).await;
        org.ok(cmd::open()).await;
        for p in ["discussion", "picks", "pitches", "voting"] {
            org.ok(cmd::advance(p)).await;
        }
        let mut projector = Client::connect(&url, &token(&sheet, &["projector"])).await.unwrap();
        let mut phone = Paced::new(&url, &voter_tokens(&sheet)[0]).await;
        let cast = phone.ok(cmd::ballot(&["P001", "P002"])).await;
        let at = org.ok(cmd::advance("counted")).await;
        ballot.push(bytes_at(&mut projector, cast, at).await);
        let tally = projector.snapshot().tally.clone().expect("the projector's tally");
        assert_eq!((tally.counts.len(), tally.counts["P001"], tally.ballots), (n as usize, 1, 1));
        // The phone's messages at the close's position, in order.
        let mut updates = vec![];
        while updates.iter().all(|u: &Value| u.get("results").is_none()) {
            let v = phone.c.recv(Duration::from_secs(20)).await.expect("the close arrives");
            if v["type"] == "update" && v["seq"].as_u64() == Some(at) {
                updates.push(v);
            }
        }
        let first = &updates[0];
        assert_eq!(first["phase"], "counted", "the phase comes first: {first}");
        assert!(first.get("results").is_none(), "the phase update carries no results");
        let ranking = updates.last().unwrap()["results"]["ranking"].as_array().map_or(0, |r| r.len());
        assert_eq!(ranking, n as usize, "the results follow at the same position");
        assert_eq!(phone.c.snapshot().phase, yuanzhuo_protocol::Phase::Counted);
        assert!(phone.c.snapshot().results.is_some(), "the phone's view has the results");
        close.push(first.to_string().len());
    }
    eprintln!("bytes of one ballot to the projector: at 10 proposals {}, at 300 {}", ballot[0], ballot[1]);
    eprintln!("bytes of the close's phase update to a phone: at 10 proposals {}, at 300 {}", close[0], close[1]);
    assert!(ballot[0] > 0 && ballot[1] <= ballot[0] + 8, "a ballot's update grew with the proposals: {ballot:?}");
    assert!(close[1] <= close[0] + 8, "the phase update grew with the proposals: {close:?}");
    assert!(close[1] < 400, "the phase update is small: {close:?}");
}
