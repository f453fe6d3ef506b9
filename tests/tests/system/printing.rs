//! What `hub print` prints for the hall, from a real data folder: numbered
//! ballots with every proposal and the rules line, each table's handout and
//! minutes with that table's own notes and picks, a hostile title kept as
//! text, each document's own Content-Security-Policy; the organiser's
//! endpoints give the same files, and a request that cannot be printed as
//! asked is refused in Chinese and English, among them a range holding a
//! number a counter has keyed from a printed ballot.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use yuanzhuo_tests::http::get;
use yuanzhuo_tests::*;

const HOSTILE: &str = "<script>window.__pwned=1</script>路灯";

/// The demo proposals with a hostile first title, under a meeting file with
/// six tables and at most 7 choices; returns the data folder and the sheet.
fn meeting(dir: &Path) -> (PathBuf, Value) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let demo = std::fs::read_to_string(root.join("hub/demo/proposals.csv")).unwrap();
    let csv = demo.replacen(",楼道声控灯改造,", &format!(",\"{}\",", HOSTILE.replace('"', "\"\"")), 1);
    assert_ne!(csv, demo);
    std::fs::write(dir.join("proposals.csv"), csv).unwrap();
    let file = dir.join("meeting.toml");
    std::fs::write(
        &file,
        "[meeting]\nname = \"幸福里社区项目筛选大会\"\nvenue = \"党群服务中心\"\ndate = \"2026-11-28\"\n\
         proposals = \"proposals.csv\"\n\n[rules]\ntables = 6\nmax_choices = 7\n\n[rules.budget]\namount = 300000\n",
    )
    .unwrap();
    let data = dir.join("data");
    let text =
        hub_cmd(&["tokens", "--data", data.to_str().unwrap(), "--meeting", file.to_str().unwrap(), "--format", "json"])
            .unwrap();
    (data, serde_json::from_str(&text).unwrap())
}

fn print(data: &Path, args: &[&str]) -> String {
    let mut all = vec!["print"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--data", data.to_str().unwrap()]);
    hub_cmd(&all).unwrap()
}

/// `hub print` that must fail: its message, Chinese first then English.
fn print_refused(data: &Path, args: &[&str]) -> String {
    let out = Command::new(bin("hub")).arg("print").args(args).arg("--data").arg(data).output().unwrap();
    assert!(!out.status.success(), "{args:?} should be refused");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let (zh, en) = err.split_once(" / ").unwrap_or_else(|| panic!("two languages: {err}"));
    assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "Chinese first: {err}");
    assert!(en.is_ascii() || en.chars().filter(|c| c.is_ascii_alphabetic()).count() > 10, "then English: {err}");
    err
}

/// Escaped, and its own policy before anything else (like every exported page).
fn assert_safe(what: &str, html: &str) {
    assert!(!html.to_ascii_lowercase().contains("<script"), "{what} holds a script");
    let head = &html[..html.find("<style>").expect("a style sheet")];
    assert!(
        head.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-"),
        "{what}: its own policy first: {head}"
    );
}

async fn ack(c: &mut Client, command: Value) {
    let a = c.command(command.clone()).await.unwrap();
    assert!(is_ack(&a), "{command} was refused: {a}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ballots_handouts_and_minutes_hold_what_the_hall_needs() {
    let dir = tempfile::tempdir().unwrap();
    let (data, sheet) = meeting(dir.path());
    let ids: Vec<String> = export(&data).unwrap()["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 60);

    // Ballots before the meeting opens: numbers as plain digits, every proposal on each.
    let ballots = print(&data, &["ballots", "--from", "8", "--to", "10"]);
    assert_safe("ballots", &ballots);
    assert_eq!(ballots.matches("<section class=\"ballot").count(), 3);
    for n in 8..=10 {
        let one = ballots.split(&format!("data-number=\"{n}\"")).nth(1).unwrap().split("</section>").next().unwrap();
        assert!(one.contains(&format!("<div class=\"number\">{n}</div>")), "ballot {n}'s number, large");
        for id in &ids {
            assert_eq!(one.matches(&format!("<tr data-proposal=\"{id}\">")).count(), 1, "{id} on ballot {n}");
        }
        assert_eq!(one.matches("<span class=\"sq\"></span>").count(), 60, "a box per proposal");
    }
    assert!(!ballots.contains(">08<") && !ballots.contains(">008<"), "no leading zeros");
    assert!(ballots.contains("请在支持的项目前的方框内打 ✓，最多选 7 项；超过 7 项的选票作废。"));
    assert!(ballots.contains("at most 7. A ballot with more than 7 ticks is void."));
    assert!(ballots.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;路灯"), "the hostile title, as text");

    // The meeting: table 1 and table 2 each note and pick; an adviser at table 1 advises.
    let hub = Hub::start(&data, &[]).unwrap();
    let secret = token(&sheet, &["organiser"]);
    let mut org = Client::connect(&hub.url(), &secret).await.unwrap();
    ack(&mut org, cmd::open()).await;
    ack(&mut org, cmd::advance("discussion")).await;
    let shares: Vec<Vec<String>> = org.snapshot().tables.iter().map(|t| t.share.clone()).collect();
    let notes = ["老人上下楼需要扶手", "孩子放学路上太暗"];
    for (i, note) in notes.iter().enumerate() {
        let t = (i + 1) as u16;
        let share = &shares[i];
        let mut chair =
            Client::connect(&hub.url(), &token(&sheet, &["tables", &i.to_string(), "chair"])).await.unwrap();
        let picks: Vec<&str> = share.iter().skip(1).take(3).map(String::as_str).collect();
        ack(&mut chair, cmd::picks(t, &picks)).await;
        let mut recorder =
            Client::connect(&hub.url(), &token(&sheet, &["tables", &i.to_string(), "recorder"])).await.unwrap();
        ack(&mut recorder, json!({"kind":"add_note","table":t,"proposal":share[0],"tag":"support","text":note})).await;
    }
    let mut adviser = Client::connect(&hub.url(), &token(&sheet, &["tables", "0", "adviser"])).await.unwrap();
    ack(
        &mut adviser,
        json!({"kind":"annotate","proposal":shares[0][4],"feasibility":"doubtful","reason":"需先征得物业同意","remark":"请向物业反映"}),
    )
    .await;
    // Acknowledged means in the log: what is printed is read from there.

    // Table 1's handout: its share, the adviser's note as advice; not table 2's proposals.
    let handout = print(&data, &["handouts", "--table", "1"]);
    assert_safe("handout", &handout);
    for id in &shares[0] {
        assert!(handout.contains(&format!("data-proposal=\"{id}\"")), "{id} in table 1's handout");
    }
    assert!(!handout.contains(&format!("data-proposal=\"{}\"", shares[1][0])));
    assert!(handout.contains("需先征得物业同意") && handout.contains("请向物业反映"));
    let all = print(&data, &["handouts"]);
    for share in &shares {
        assert!(all.contains(&format!("data-proposal=\"{}\"", share[0])), "every table in the full handouts");
    }

    // Table 1's minutes: its picks and its note, not table 2's.
    let minutes = print(&data, &["minutes", "--table", "1"]);
    assert_safe("minutes", &minutes);
    assert!(minutes.contains(notes[0]), "table 1's note");
    assert!(!minutes.contains(notes[1]), "not table 2's note");
    for id in shares[0].iter().skip(1).take(3) {
        assert!(minutes.contains(id.as_str()), "pick {id}");
    }
    assert_safe("posters", &print(&data, &["posters"]));

    // The console's endpoints give the same files, and the same refusals.
    let auth = format!("Bearer {secret}");
    let h = [("Authorization", auth.as_str())];
    let got = get(hub.port, "/api/admin/print/minutes.html?table=1", &h).await.unwrap();
    assert_eq!(got.status, 200);
    assert_eq!(got.text(), minutes);
    let got = get(hub.port, "/api/admin/print/ballots.html?from=8&to=10", &h).await.unwrap();
    assert_eq!(got.status, 200);
    assert!(got.header("content-disposition").unwrap().contains("yuanzhuo-ballots.html"));
    assert_eq!(get(hub.port, "/api/admin/print/posters.html", &[]).await.unwrap().status, 401);
    for (path, code) in [
        ("ballots.html?from=1&to=900", "too_many_ballots"),
        ("ballots.html", "range_required"),
        ("ballots.html?from=x&to=3", "invalid_field"),
        ("handouts.html?table=9", "unknown_table"),
    ] {
        let r = get(hub.port, &format!("/api/admin/print/{path}"), &h).await.unwrap();
        assert_eq!(r.status, 400, "{path}");
        let b = r.json().unwrap();
        assert_eq!(b["code"], code, "{path}: {b}");
        assert!(b["zh"].as_str().is_some_and(|s| !s.is_empty()) && b["en"].as_str().is_some_and(|s| !s.is_empty()));
    }

    // Bad options on the command line: said in both languages.
    assert!(print_refused(&data, &["ballots"]).contains("--from 1 --to 300"));
    assert!(print_refused(&data, &["ballots", "--from", "1", "--to", "501"]).contains("500"));
    assert!(print_refused(&data, &["ballots", "--from", "5", "--to", "4"]).contains("从 1 起"));
    assert!(print_refused(&data, &["minutes", "--table", "7"]).contains("没有第 7 桌"));
    assert!(print_refused(&data, &["posters", "--table", "1"]).contains("--table"));
    assert!(print_refused(&data, &["ballots", "--from", "一", "--to", "3"]).contains("--from 应为正整数"));

    // A printed ballot keyed back at the desk as the counter reads it (its
    // number with a zero in front, two of its proposals): the number is used,
    // and a range holding it is refused, never printed twice.
    for p in ["picks", "pitches", "voting"] {
        ack(&mut org, cmd::advance(p)).await;
    }
    let mut counter = Client::connect(&hub.url(), &token(&sheet, &["counters", "0"])).await.unwrap();
    let marks = [ids[0].as_str(), ids[59].as_str()];
    ack(&mut counter, json!({"kind": "key_paper", "batch": 1, "number": "009", "marks": marks})).await;
    let err = print_refused(&data, &["ballots", "--from", "8", "--to", "10"]);
    assert!(err.contains("（9）") && err.contains("(9)"), "{err}");
    let r = get(hub.port, "/api/admin/print/ballots.html?from=1&to=100", &h).await.unwrap();
    assert_eq!(
        (r.status, r.json().unwrap()["code"].as_str().unwrap().to_string()),
        (400, "ballot_numbers_used".into())
    );
    assert!(print(&data, &["ballots", "--from", "10", "--to", "12"]).contains("data-number=\"10\""));
}
