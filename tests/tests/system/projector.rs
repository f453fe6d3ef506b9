//! The terminal projector as the room sees it: the real `projector` binary
//! in a real terminal (tmux, 160×45) against a real hub. It follows the
//! meeting from "not open yet" to the results, shows the ballots as they
//! are cast, keeps its last view while the hub is down and recovers by
//! itself when the hub comes back on the same port; a hub that refuses the
//! public view gets a clear message on screen.

use std::process::Command;
use std::time::{Duration, Instant};
use yuanzhuo_tests::http::request;
use yuanzhuo_tests::*;

use crate::common::ok;

/// A detached tmux session on its own server socket, killed when dropped.
struct Pane {
    socket: String,
}

impl Pane {
    /// Run `cmd` (a shell command) in a fresh `w`×`h` terminal. When the
    /// command ends the pane keeps its last screen and says how it ended.
    fn start(cmd: &str, w: u16, h: u16) -> Pane {
        let socket = format!("yz-projector-{}-{:x}", std::process::id(), rand::random::<u32>());
        let wrapped = format!("{cmd}; echo; echo \"PROJECTOR EXITED $?\"; sleep 600");
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "-u",
                "new-session",
                "-d",
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
            ])
            .arg(wrapped)
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .env("TERM", "xterm-256color")
            .status()
            .expect("tmux runs (scripts/setup-test-env installs it)");
        assert!(status.success(), "tmux new-session failed");
        Pane { socket }
    }

    fn capture(&self) -> String {
        let out =
            Command::new("tmux").args(["-L", &self.socket, "capture-pane", "-p"]).output().expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &str) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "send-keys", keys]).status();
    }

    /// Poll the screen until `pred` holds; panics with the last screen after `limit`.
    fn wait(&self, what: &str, limit: Duration, pred: impl Fn(&str) -> bool) -> String {
        let until = Instant::now() + limit;
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > until {
                panic!("the projector did not show {what} within {limit:?}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
    }
}

/// The count shown after `label` on the tally row ("P01 楼道声控灯改造 ███ 3票" → 3).
fn count_after(screen: &str, label: &str) -> Option<u64> {
    screen.lines().find_map(|line| {
        let rest = &line[line.find(label)? + label.len()..];
        let end = rest.find('票')?;
        let between = &rest[..end];
        if !between.chars().all(|c| c == ' ' || c.is_ascii_digit() || ('\u{2580}'..='\u{259f}').contains(&c)) {
            return None;
        }
        between.trim().rsplit(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    })
}

const LONG: Duration = Duration::from_secs(30);
const NAME: &str = "幸福里社区“幸福微实事”项目筛选大会";

fn label(c: &Client, id: &str) -> String {
    let p = c.snapshot().proposal(id).expect("proposal");
    format!("{} {}", p.id, p.title)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_projector_follows_the_meeting_and_survives_a_hub_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sheet = tokens(&data, 6).unwrap();
    let voters = voter_tokens(&sheet);
    let mut hub = Hub::start(&data, &[]).unwrap();
    let port = hub.port;
    let projector = bin("projector");
    // The page address as the hub prints it (not the ws URL): the projector accepts both.
    let pane = Pane::start(
        &format!("env YZ_TOKEN={} {} --hub {}", token(&sheet, &["projector"]), projector.display(), hub.http()),
        160,
        45,
    );
    pane.wait("the meeting, not open yet", LONG, |s| {
        s.contains(NAME) && s.contains("会议尚未开始") && s.contains("● 已连接")
    });

    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    let fp = ok(&mut org, cmd::open()).await["result"]["fingerprint"].as_str().unwrap().to_string();
    let electorate = org.snapshot().electorate.fingerprint.clone();
    assert!(!electorate.is_empty());
    // Before the vote: the electorate's size and fingerprint beside the rules'.
    let screen = pane.wait("the welcome scene with both fingerprints", LONG, |s| {
        s.contains(&fp) && s.contains("会议规则") && s.contains(&electorate) && s.contains("已发投票卡 6 张")
    });
    assert!(screen.contains(NAME) && screen.contains("300,000 元"), "{screen}");
    // The join address from the hub's /api/info, under a QR code.
    assert!(screen.contains(&hub.http()), "{screen}");
    assert!(screen.matches('█').count() > 100, "a QR code\n{screen}");

    ok(&mut org, cmd::advance("discussion")).await;
    pane.wait("the discussion countdown", LONG, |s| {
        s.contains("讨论中") && s.contains("第6桌") && s.lines().filter(|l| l.contains('█')).count() >= 10
    });
    let shares: Vec<Vec<String>> = org.snapshot().tables.iter().map(|t| t.share.clone()).collect();
    for t in [1u16, 2] {
        let picks: Vec<&str> = shares[t as usize - 1].iter().take(3).map(String::as_str).collect();
        ok(&mut org, cmd::picks(t, &picks)).await;
    }
    pane.wait("two tables with picks", LONG, |s| s.matches("已选 3/3 项").count() == 2 && s.contains("已推选 2/6 桌"));
    ok(&mut org, cmd::advance("picks")).await;
    ok(&mut org, cmd::advance("pitches")).await;
    let first_pick = label(&org, &shares[0][0]);
    pane.wait("table 1 on stage with its picks", LONG, |s| {
        s.contains("第1桌 上台推介") && s.contains("推介时间") && s.contains(&first_pick) && s.contains("下一桌：第2桌")
    });
    ok(&mut org, cmd::advance("voting")).await;
    pane.wait("the voting scene", LONG, |s| {
        s.contains("已收到 0 张（有效 0，废票 0）") && s.contains("每人最多选 10 项")
    });
    // Cards issued once the vote is open: with a reason, announced to the room.
    let auth = format!("Bearer {}", token(&sheet, &["organiser"]));
    let r = request(
        port,
        "POST",
        "/api/admin/voters",
        &[("Authorization", &auth), ("Content-Type", "application/json")],
        Some(r#"{"count": 2, "reason": "迟到居民"}"#.as_bytes()),
    )
    .await
    .expect("answer");
    assert!((200..300).contains(&r.status), "{}", r.text());
    pane.wait("the late cards announced", LONG, |s| s.contains("追加发卡 2 张（V0007–V0008）：迟到居民"));

    let ballots: [&[&str]; 3] = [&["P01", "P02"], &["P01"], &["P01", "P03"]];
    for (i, b) in ballots.iter().enumerate() {
        let mut v = Client::connect(&hub.url(), &voters[i]).await.unwrap();
        ok(&mut v, cmd::ballot(b)).await;
        v.close().await;
    }
    let (p01, p02, p03) = (label(&org, "P01"), label(&org, "P02"), label(&org, "P03"));
    let screen = pane.wait("the three ballots", LONG, |s| {
        s.contains("已收到 3 张（有效 3，废票 0）") && count_after(s, &p01) == Some(3)
    });
    assert_eq!(count_after(&screen, &p02), Some(1), "{screen}");
    assert_eq!(count_after(&screen, &p03), Some(1), "{screen}");
    assert_eq!(count_after(&screen, &label(&org, "P04")), Some(0), "{screen}");
    org.close().await;

    // The hub dies: the last view stays, the marker says so.
    hub.kill9();
    let screen = pane.wait("the reconnecting marker", LONG, |s| s.contains("○ 重新连接中…"));
    assert_eq!(count_after(&screen, &p01), Some(3), "the last known tally stays up\n{screen}");
    let hub = Hub::start_on(&data, port, &[]).unwrap();
    pane.wait("online again", LONG, |s| s.contains("● 已连接") && count_after(s, &p01) == Some(3));
    // And it is live again, not a frozen picture.
    let mut v = Client::connect(&hub.url(), &voters[3]).await.unwrap();
    ok(&mut v, cmd::ballot(&["P02"])).await;
    pane.wait("the fourth ballot after the restart", LONG, |s| {
        s.contains("已收到 4 张（有效 4，废票 0）") && count_after(s, &p02) == Some(2)
    });

    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    ok(&mut org, cmd::advance("counted")).await;
    let head = org.snapshot().results.as_ref().map(|r| r.closed_at_head.clone());
    // The whole results scene: the phase comes first and the results after it, so a
    // capture can catch the screen half redrawn; wait for its last line too.
    let screen = pane.wait("the results", LONG, |s| {
        s.contains("计票完成 · 待公示") && s.contains("✓ 资助") && s.contains("计票时日志哈希")
    });
    assert!(screen.contains("计票时日志哈希"), "{screen}");
    if let Some(head) = head {
        assert!(screen.contains(&head[..16]), "the hash at close\n{screen}");
    }
    assert_eq!(count_after(&screen, &p01), Some(3), "{screen}");

    pane.keys("l");
    pane.wait("English", LONG, |s| s.contains("Count complete") && s.contains("✓ funded"));
    pane.keys("q");
    pane.wait("a clean exit on q", LONG, |s| s.contains("PROJECTOR EXITED 0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_without_public_access_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    tokens(&data, 0).unwrap();
    let hub = Hub::start(&data, &["--no-public"]).unwrap();
    let pane = Pane::start(&format!("env -u YZ_TOKEN {} --hub {}", bin("projector").display(), hub.url()), 80, 24);
    let screen = pane.wait("the refusal", LONG, |s| s.contains("会场服务器拒绝了此投影"));
    assert!(screen.contains("--no-public") && screen.contains("YZ_TOKEN"), "{screen}");
    assert!(screen.contains("✕ 连接被拒绝"), "{screen}");
    pane.keys("q");
    pane.wait("a clean exit on q", LONG, |s| s.contains("PROJECTOR EXITED 0"));
}
