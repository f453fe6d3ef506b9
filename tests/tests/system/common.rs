//! What several system tests share: a small meeting made with `hub tokens`,
//! a command that must be acknowledged or refused with a code, the way to
//! the vote, a paper ballot keyed.

use serde_json::{json, Value};
use yuanzhuo_tests::*;

/// A small meeting called `name` on `date`: 2 tables, proposals P1…P6
/// (10,000 to 60,000), at most 3 choices, plus `rules` lines; `voters`
/// voter cards issued with it. The folder, the data folder, the token sheet.
pub fn small_meeting(
    name: &str,
    date: &str,
    rules: &str,
    voters: u32,
) -> (tempfile::TempDir, std::path::PathBuf, Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("meeting.toml");
    std::fs::write(
        &file,
        format!(
            "[meeting]\nname = \"{name}\"\nvenue = \"活动室\"\ndate = \"{date}\"\nproposals = \"p.csv\"\n\
             [rules]\ntables = 2\nmax_choices = 3\n{rules}\n[rules.budget]\namount = 100000\n"
        ),
    )
    .unwrap();
    let rows: String = (1..=6).map(|i| format!("P{i},项目{i},{i}0000\n")).collect();
    std::fs::write(dir.path().join("p.csv"), format!("id,title,cost\n{rows}")).unwrap();
    let data = dir.path().join("data");
    let text = create_meeting(&data, &file, voters).expect("tokens");
    (dir, data, serde_json::from_str(&text).unwrap())
}

/// `hub tokens` creating the meeting of the meeting file `meeting` in the
/// data folder `data`, with `voters` voter cards: the token sheet as JSON text.
pub fn create_meeting(data: &std::path::Path, meeting: &std::path::Path, voters: u32) -> anyhow::Result<String> {
    let (data, meeting) = (data.to_str().unwrap_or_default(), meeting.to_str().unwrap_or_default());
    hub_cmd(&["tokens", "--data", data, "--meeting", meeting, "--format", "json", "--voters", &voters.to_string()])
}

/// The command, which must be acknowledged: the ack.
pub async fn ok(c: &mut Client, command: Value) -> Value {
    let a = c.command(command.clone()).await.expect("answer");
    assert!(is_ack(&a), "{command} was refused: {a}");
    a
}

/// The command, which must be refused with `code`: the error.
pub async fn refused(c: &mut Client, command: Value, code: &str) -> Value {
    let a = c.command(command.clone()).await.expect("answer");
    assert_eq!(error_code(&a), code, "{command} → {a}");
    a
}

/// Open the meeting and move it to the vote.
pub async fn to_voting(org: &mut Client) {
    ok(org, cmd::open()).await;
    for p in ["discussion", "picks", "pitches", "voting"] {
        ok(org, cmd::advance(p)).await;
    }
}

/// `key_paper`: one paper ballot into a counter's copy of a batch.
pub fn key(batch: u32, number: &str, marks: &[&str]) -> Value {
    json!({"kind": "key_paper", "batch": batch, "number": number, "marks": marks})
}
