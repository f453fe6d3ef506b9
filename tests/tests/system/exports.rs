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

use calamine::{Data, Reader, Xlsx};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
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
            "[meeting]\nname = \"{name}\"\nvenue = \"幸福里社区党群服务中心\"\ndate = \"2026-11-28\"\nproposals = \"{}\"\n\n{rules}",
            proposals.display()
        ),
    )
    .unwrap();
    let data = dir.join(name);
    let text = hub_cmd(&[
        "tokens",
        "--data",
        data.to_str().unwrap(),
        "--meeting",
        file.to_str().unwrap(),
        "--format",
        "json",
        "--voters",
        &voters.to_string(),
    ])
    .unwrap();
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
    for p in ["discussion", "picks", "pitches", "voting"] {
        ack(&mut org, cmd::advance(p)).await;
    }

    // Ten phone ballots.
    let choices: [&[&str]; 10] = [
        &["P04", "P01", "P02"],
        &["P04", "P01", "P03"],
        &["P04", "P03", "P05"],
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
    // One paper batch, keyed by two counters: a valid ballot, one over the
    // limit of 3, one blank; the scrutineer counts three sheets.
    for n in 0..2 {
        let mut c = Client::connect(&hub.url(), sheet["counters"][n]["token"].as_str().unwrap()).await.unwrap();
        for (number, marks) in [("101", vec!["P01", "P02"]), ("102", vec!["P01", "P02", "P03", "P04"]), ("103", vec![])]
        {
            ack(&mut c, json!({"kind": "key_paper", "batch": 1, "number": number, "marks": marks})).await;
        }
        ack(&mut c, json!({"kind": "finish_paper", "batch": 1})).await;
        c.close().await;
    }
    let mut obs = Client::connect(&hub.url(), &token(&sheet, &["observers", "0"])).await.unwrap();
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
    let csv = hub_cmd(&["export", "--data", data.to_str().unwrap(), "--format", "csv"]).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "rank,position,id,title,location,votes,cost,funded,running_total,unfunded_reason,final,phone_votes,paper_votes,sticker_votes,exclusion_rule,funded_by"
    );
    let p01_csv = lines.clone().find(|l| l.contains(",P01,")).unwrap();
    assert!(p01_csv.ends_with(",true,4,1,0,,greedy"), "{p01_csv}");
    assert!(lines.clone().find(|l| l.contains(",P03,")).unwrap().ends_with(",2,"), "P03 excluded under rule 2");

    // ---- the notice: public now, with the head and the budget line
    let notice = String::from_utf8(export_bytes(&data, "notice", dir.path())).unwrap();
    let public = get(hub.port, "/notice", &[]).await.unwrap();
    assert_eq!(public.status, 200);
    assert_eq!(public.text(), notice, "/notice is the exported notice");
    let spaced: Vec<String> = head.as_bytes().chunks(8).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    assert!(notice.contains(&spaced.join(" ")), "the full head, grouped");
    assert!(notice.contains("预算线") && notice.contains("class=\"line\""));
    assert!(notice.contains(&format!("--head {}", &head[..16])));
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
    assert!(text_pb.contains("\nrule;greedy-threshold\n") && text_pb.contains("\nmin_project_score_threshold;1\n"));
    assert!(
        text_pb.contains("\nnum_votes;11\n")
            && text_pb.contains("\nmax_length;3\n")
            && text_pb.contains("\ndate_begin;28.11.2026\n")
    );
    assert!(text_pb.contains("\nP03;999999999;"), "the excluded proposal carries the sentinel cost");
    assert!(text_pb.contains("2 paper ballots were void") && text_pb.contains("blank 1, over_limit 1"));
    assert!(text_pb.contains("\npaper-101;P01,P02;paper\n"));
    assert_eq!(text_pb.lines().filter(|l| l.ends_with(";internet")).count(), 10);
    check_pabulib(&pb, &export, dir.path());
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
            _ => assert!(report.contains("checked by pabulib-checker only"), "{what}"),
        }

        let letters = String::from_utf8(export_bytes(&data, "letters", dir.path())).unwrap();
        for r in export["results"]["ranking"].as_array().unwrap().iter().filter(|r| r["funded"] == false) {
            let id = r["proposal"].as_str().unwrap();
            let start = letters
                .find(&format!("data-proposal=\"{id}\""))
                .unwrap_or_else(|| panic!("{what}: no letter for {id}"));
            let letter = &letters[start..start + letters[start..].find("</section>").unwrap()];
            let excluded = export["annotations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["proposal"] == id && a["feasibility"] == "excluded");
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
