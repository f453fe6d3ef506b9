//! The pre-screening record from the clerk's sheet to the letters: 300
//! residents' proposals screened to the demo's 60 (kept, merged three ways,
//! struck under each of the seven rules), read by `hub check`, written as
//! entry 3 of a real meeting, carried through a vote to the count; then
//! every original proposer gets one letter with the right reason, the notice
//! publishes what was struck and why, the record is in the JSON export and
//! printable, the contacts reach only the organiser's contact list, the
//! rules are locked with it, and both checkers refuse a record changed
//! afterwards (its digest no longer the definition's) or moved after the
//! opening.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use yuanzhuo_tests::*;

use crate::common::{create_meeting, ok, to_voting};

const KINDS: [&str; 3] = ["第一种", "2", "按内容和地点综合合并"];

/// What each raw proposal should come to: (raw id, proposer, meeting id or
/// None, struck rule, contact).
struct Raw {
    id: String,
    proposer: String,
    into: Option<String>,
    kept: bool,
    rule: u8,
    contact: String,
}

/// The record: per demo proposal one kept and two merged rows (180), and 120
/// struck, rules 1 to 7 in turn; every third resident left a phone number.
fn raw_list() -> Vec<Raw> {
    let mut out = vec![];
    let mut n = 0;
    let mut next = |into: Option<String>, kept: bool, rule: u8| {
        n += 1;
        Raw {
            id: format!("Y{n:04}"),
            proposer: format!("居民{n}"),
            into,
            kept,
            rule,
            contact: if n % 3 == 0 { format!("1380000{n:04}") } else { String::new() },
        }
    };
    for p in 1..=60 {
        let id = format!("P{p:02}");
        out.push(next(Some(id.clone()), true, 0));
        out.push(next(Some(id.clone()), false, 0));
        out.push(next(Some(id), false, 0));
    }
    for k in 0..120u8 {
        out.push(next(None, false, k % 7 + 1));
    }
    out
}

fn record_csv(list: &[Raw]) -> String {
    let mut s = String::from("幸福里社区居民提议汇总（预审）\n原始编号,提议人,联系电话,建议内容,地点,处理结果,会议编号,合并方式,排除规则,理由\n");
    for (i, r) in list.iter().enumerate() {
        let (outcome, into, merge, rule, reason) = match (&r.into, r.kept) {
            (Some(p), true) => ("保留", p.to_lowercase(), "", String::new(), String::new()),
            (Some(p), false) => ("合并", p.clone(), KINDS[i % 3], String::new(), String::new()),
            (None, _) => ("排除", String::new(), "", format!("第{}条", r.rule), format!("理由{}", r.id)),
        };
        s.push_str(&format!(
            "{},{},{},建议{},{}栋,{outcome},{into},{merge},{rule},{reason}\n",
            r.id,
            r.proposer,
            r.contact,
            r.id,
            i % 9 + 1
        ));
    }
    s.push_str("合计,300 条,,,,,,,,\n");
    s
}

fn write_meeting(dir: &Path, list: &[Raw]) -> std::path::PathBuf {
    let root = workspace_root();
    std::fs::copy(root.join("hub/demo/proposals.csv"), dir.join("proposals.csv")).unwrap();
    std::fs::write(dir.join("预审记录.csv"), record_csv(list)).unwrap();
    let file = dir.join("meeting.toml");
    std::fs::write(
        &file,
        "[meeting]\nname = \"幸福里社区项目筛选大会\"\nvenue = \"党群服务中心\"\ndate = \"2026-11-28\"\n\
         proposals = \"proposals.csv\"\nprescreening = \"预审记录.csv\"\n\n[rules]\ntables = 6\nmax_choices = 10\n\n\
         [rules.budget]\namount = 300000\n",
    )
    .unwrap();
    file
}

fn export(data: &Path, format: &str) -> String {
    hub_cmd(&["export", "--data", data.to_str().unwrap(), "--format", format]).unwrap()
}

/// `scripts/verify-count` on a log given on standard input (and an export):
/// (passed, what it said).
fn verify_count(log: &str, export: Option<&Path>) -> (bool, String) {
    let mut args = vec![Path::new("-")];
    args.extend(export);
    let said = crate::verify_count::verify_count(&args, Some(log));
    (said.ok, said.out)
}

/// Every `<section class="letter" …>` as its attributes.
fn letters(html: &str) -> Vec<HashMap<String, String>> {
    html.split("<section class=\"letter\"")
        .skip(1)
        .map(|s| {
            let tag = &s[..s.find('>').unwrap()];
            tag.split(" data-")
                .skip(1)
                .filter_map(|a| a.split_once("=\""))
                .map(|(k, v)| (k.to_string(), v.trim_end_matches('"').to_string()))
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_proposals_screened_to_sixty_reach_every_proposer() {
    let list = raw_list();
    assert_eq!(list.len(), 300);
    let dir = tempfile::tempdir().unwrap();
    let file = write_meeting(dir.path(), &list);

    // The clerk drafts the meeting's list from the record…
    let draft = dir.path().join("draft.csv");
    hub_cmd(&[
        "prescreen",
        "--record",
        dir.path().join("预审记录.csv").to_str().unwrap(),
        "--out",
        draft.to_str().unwrap(),
    ])
    .unwrap();
    let drafted = std::fs::read_to_string(&draft).unwrap();
    assert_eq!(drafted.lines().count(), 61, "{drafted}");
    assert!(
        drafted.contains(
            "P01,建议Y0001,由 3 条居民建议合并：Y0001、Y0002、Y0003,1栋、2栋、3栋,,居民1、居民2、居民3,,社区"
        ),
        "{drafted}"
    );
    // …and checks the files the evening before.
    let checked = hub_cmd(&["check", "--meeting", file.to_str().unwrap()]).unwrap();
    assert!(checked.contains("300 条原始提议"), "{checked}");
    assert!(checked.contains("保留 kept 60，合并 merged 120，排除 struck 120"), "{checked}");
    assert!(checked.contains("有联系方式 with a contact 100"), "{checked}");
    assert!(checked.contains("合计") && checked.contains("可以使用 / OK"), "{checked}");

    let data = dir.path().join("data");
    let sheet: Value = serde_json::from_str(&create_meeting(&data, &file, 6).unwrap()).unwrap();

    // Entry 3 is the record, with no contact in it; the contacts are in the folder.
    let log = export(&data, "log");
    let entry3: Value = serde_json::from_str(log.lines().nth(2).unwrap()).unwrap();
    assert!(entry3["body"].as_str().unwrap().contains("\"type\":\"prescreening_recorded\""), "{entry3}");
    assert!(!log.contains("13800000"), "a contact reached the log");

    // The rules are locked with the record: a record edited afterwards is refused.
    let edited = record_csv(&list).replacen("理由Y0181", "理由改过", 1);
    std::fs::write(dir.path().join("预审记录.csv"), edited).unwrap();
    let out = Command::new(bin("hub"))
        .args(["tokens", "--data", data.to_str().unwrap(), "--meeting", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a changed record was accepted for a meeting that has one");
    assert!(String::from_utf8_lossy(&out.stderr).contains("规则已锁定"), "{}", String::from_utf8_lossy(&out.stderr));

    // A meeting: the phones vote for P01…P10 (P01 most), nothing else.
    let hub = Hub::start(&data, &[]).unwrap();
    let mut org = Client::connect(&hub.url(), &token(&sheet, &["organiser"])).await.unwrap();
    to_voting(&mut org).await;
    let choices: Vec<String> = (1..=10).map(|p| format!("P{p:02}")).collect();
    for (i, t) in voter_tokens(&sheet).iter().enumerate() {
        let mut v = Client::connect(&hub.url(), t).await.unwrap();
        let mine: Vec<&str> = choices[..10 - i].iter().map(String::as_str).collect();
        ok(&mut v, cmd::ballot(&mine)).await;
    }
    ok(&mut org, cmd::advance("counted")).await;
    let json: Value = serde_json::from_str(&export(&data, "json")).unwrap();
    let funded: Vec<String> =
        json["results"]["funded"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert!(!funded.is_empty() && funded.len() < 60, "{funded:?}");
    let reasons: HashMap<String, String> = json["results"]["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["proposal"].as_str().unwrap().to_string(), r["unfunded_reason"].as_str().unwrap_or("").to_string()))
        .collect();

    // One letter to every resident whose proposal was struck, merged, or not
    // funded, with the right reason; none to a kept proposal that was funded.
    let html = export(&data, "letters");
    let got: BTreeMap<String, HashMap<String, String>> =
        letters(&html).into_iter().map(|l| (l["raw"].clone(), l)).collect();
    assert_eq!(letters(&html).len(), got.len(), "one letter per resident's proposal");
    for r in &list {
        let letter = got.get(&r.id);
        match &r.into {
            None => assert_eq!(letter.map(|l| l["reason"].as_str()), Some("struck"), "{}", r.id),
            Some(p) if funded.contains(p) && r.kept => assert!(letter.is_none(), "{} was funded as itself", r.id),
            Some(p) if funded.contains(p) => {
                assert_eq!(letter.map(|l| l["reason"].as_str()), Some("merged_funded"), "{}", r.id)
            }
            Some(p) => {
                let l = letter.unwrap_or_else(|| panic!("no letter for {}", r.id));
                assert_eq!(&l["proposal"], p);
                assert_eq!(l["reason"], reasons[p], "{}", r.id);
            }
        }
    }
    for r in list.iter().filter(|r| got.contains_key(&r.id)) {
        assert!(html.contains(&format!("尊敬的{}：", r.proposer)), "{} is addressed by name", r.id);
    }
    let struck = html.split("data-raw=\"Y0181\"").nth(1).unwrap();
    assert!(struck.contains("第1条“不属于公共利益”") && struck.contains("理由Y0181"), "the rule and the reason");
    let merged = html.split(&format!("data-raw=\"{}\"", list[4].id)).nth(1).unwrap();
    assert!(
        merged.contains("内容和地点都合并") && merged.contains("另外 2 条"),
        "how it was merged, and with how many"
    );

    // The notice publishes what was struck and why, with no names or contacts.
    let notice = export(&data, "notice");
    assert!(notice.contains("会前预审") && notice.contains("收到居民提议"));
    assert_eq!(notice.matches("<tr class=\"struck\"").count(), 120);
    assert!(!notice.contains("居民1") && !notice.contains("13800000"), "no names or contacts on the notice");

    // The record in the JSON export and in print; contacts only in the contact list.
    let raw = json["prescreening"]["raw"].as_array().unwrap();
    assert_eq!(raw.len(), 300);
    assert_eq!(raw[180]["outcome"]["kind"], "struck");
    assert!(!json.to_string().contains("13800000"));
    let printed = hub_cmd(&["print", "record", "--data", data.to_str().unwrap()]).unwrap();
    assert_eq!(printed.matches("<tr class=\"").count(), 300, "every resident's proposal printed");
    let contacts = export(&data, "contacts");
    assert_eq!(contacts.lines().count(), 301);
    assert!(contacts.contains("Y0003,居民3,13800000003"), "{}", &contacts[..300]);
    assert!(contacts.contains("排除（第1条：不属于公共利益）"));
    let http = yuanzhuo_tests::http::get(hub.port, "/api/admin/contacts.csv", &[]).await.unwrap();
    assert_eq!(http.status, 401, "the contact list is the organiser's only");
    let bearer = format!("Bearer {}", token(&sheet, &["organiser"]));
    let http =
        yuanzhuo_tests::http::get(hub.port, "/api/admin/contacts.csv", &[("authorization", &bearer)]).await.unwrap();
    assert_eq!(http.status, 200);
    assert_eq!(http.text(), contacts, "the console's contact list is the CLI's");

    // Both checkers accept the meeting and refuse a record changed after the fact.
    let export_file = dir.path().join("export.json");
    std::fs::write(&export_file, json.to_string()).unwrap();
    let (passed, said) = verify_count(&log_after(&data), Some(&export_file));
    assert!(passed, "verify-count: {said}");
    let (forged, at) = crate::verify_count::forge(&log_after(&data), |b| {
        (b.contains("prescreening_recorded")).then(|| b.replacen("理由Y0181", "理由改过", 1))
    });
    assert_eq!(at, 3);
    let (passed, said) = verify_count(&forged, None);
    assert!(!passed && said.contains("the record's digest is"), "{said}");
    let copy = dir.path().join("forged");
    crate::verify_count::data_with_log(&data, &forged, &copy);
    let (passed, said) = crate::verify_count::hub_verify(&copy);
    assert!(!passed && said.contains("entry 3: prescreening_recorded by hub breaks the rules"), "{said}");
    // …or moved after the opening.
    let mut lines: Vec<Value> = log_after(&data).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let record = lines.remove(2);
    lines.insert(4, record);
    for (i, l) in lines.iter_mut().enumerate() {
        let old = format!("\"seq\":{},", l["seq"]);
        let body = l["body"].as_str().unwrap().replacen(&old, &format!("\"seq\":{},", i + 1), 1);
        l["body"] = body.into();
        l["seq"] = (i + 1).into();
    }
    let moved: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let moved = crate::verify_count::rehash(&moved);
    let (passed, said) = verify_count(&moved, None);
    assert!(!passed && said.contains("can only be entry 3"), "{said}");
    let copy = dir.path().join("moved");
    crate::verify_count::data_with_log(&data, &moved, &copy);
    let (passed, said) = crate::verify_count::hub_verify(&copy);
    assert!(!passed && said.contains("entry 3: the definition names a pre-screening record"), "{said}");
    drop(hub);
}

fn log_after(data: &Path) -> String {
    export(data, "log")
}
