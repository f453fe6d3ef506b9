//! The organiser's HTTP endpoints over real sockets: refused without the
//! organiser's secret (401, in Chinese and English), who is connected, voter
//! cards minted over HTTP that work at once, table cards, and exports equal
//! to what `hub export` prints.

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use yuanzhuo_tests::http::{get, request, Response};
use yuanzhuo_tests::*;

fn demo(voters: u32) -> (tempfile::TempDir, std::path::PathBuf, Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let sheet = tokens(&data, voters).expect("tokens");
    (dir, data, sheet)
}

fn bearer(secret: &str) -> String {
    format!("Bearer {secret}")
}

async fn admin_get(hub: &Hub, path: &str, secret: &str) -> Response {
    get(hub.port, path, &[("Authorization", &bearer(secret))]).await.expect("answer")
}

async fn mint(hub: &Hub, secret: &str, body: &str) -> Response {
    let auth = bearer(secret);
    request(
        hub.port,
        "POST",
        "/api/admin/voters",
        &[("Authorization", &auth), ("Content-Type", "application/json")],
        Some(body.as_bytes()),
    )
    .await
    .expect("answer")
}

fn assert_refused(r: &Response, code: &str, what: &str) {
    assert_eq!(r.status, 401, "{what}: {}", r.text());
    let v = r.json().unwrap();
    assert_eq!(v["code"], code, "{what}");
    assert!(v["zh"].as_str().is_some_and(|s| s.contains("组织者密码")), "{what}: {v}");
    assert!(v["en"].as_str().is_some_and(|s| s.contains("organiser's secret")), "{what}: {v}");
    assert!(r.header("www-authenticate").is_some_and(|h| h.starts_with("Bearer")), "{what}");
    assert_eq!(r.header("cache-control"), Some("no-store"), "{what}");
}

const ENDPOINTS: [(&str, &str); 6] = [
    ("GET", "/api/admin/presence"),
    ("GET", "/api/admin/cards/voters"),
    ("GET", "/api/admin/cards/tables"),
    ("GET", "/api/admin/export.json"),
    ("GET", "/api/admin/export.csv"),
    ("POST", "/api/admin/voters"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_endpoints_refuse_anything_but_the_organiser_secret() {
    let (_dir, data, sheet) = demo(2);
    let hub = Hub::start(&data, &[]).unwrap();
    let organiser = token(&sheet, &["organiser"]);
    let voter = voter_tokens(&sheet)[0].clone();
    let chair = token(&sheet, &["tables", "0", "chair"]);
    let before = sheet["voters_total"].as_u64().unwrap();
    let body = Some(&br#"{"count": 3}"#[..]);
    for (method, path) in ENDPOINTS {
        let b = if method == "POST" { body } else { None };
        let none = request(hub.port, method, path, &[], b).await.unwrap();
        assert_refused(&none, "organiser_secret_required", &format!("{path} without a secret"));
        let empty = request(hub.port, method, path, &[("Authorization", "Bearer ")], b).await.unwrap();
        assert_refused(&empty, "organiser_secret_required", &format!("{path} with an empty secret"));
        let basic =
            request(hub.port, method, path, &[("Authorization", &format!("Basic {organiser}"))], b).await.unwrap();
        assert_refused(&basic, "organiser_secret_required", &format!("{path} with another scheme"));
        for (who, wrong) in [
            ("a wrong secret", "K7M2-Q9XP-2HDR-0000-1111"),
            ("a voter's token", voter.as_str()),
            ("a chair's token", chair.as_str()),
        ] {
            let auth = bearer(wrong);
            let r = request(hub.port, method, path, &[("Authorization", &auth)], b).await.unwrap();
            assert_refused(&r, "wrong_organiser_secret", &format!("{path} with {who}"));
        }
        // A secret that is almost right (one character off) is no better.
        let mut near = organiser.replace('-', "");
        let last = if near.ends_with('0') { '1' } else { '0' };
        near.pop();
        near.push(last);
        let auth = bearer(&near);
        assert_refused(
            &request(hub.port, method, path, &[("Authorization", &auth)], b).await.unwrap(),
            "wrong_organiser_secret",
            path,
        );
    }
    // Nothing was minted by the refused requests.
    let all = tokens(&data, 0).unwrap();
    assert_eq!(all["voters_total"].as_u64().unwrap(), before);

    // The secret as typed from paper (lower case, dashes) is accepted.
    let typed = organiser.to_lowercase();
    let r = admin_get(&hub, "/api/admin/presence", &typed).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r.header("content-security-policy").is_some(), "the hub's headers apply here too");
}

/// Poll the presence endpoint until `pred` holds (bounded).
async fn presence_until(hub: &Hub, secret: &str, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let until = Instant::now() + Duration::from_secs(15);
    loop {
        let v = admin_get(hub, "/api/admin/presence", secret).await.json().unwrap();
        if pred(&v) {
            return v;
        }
        assert!(Instant::now() < until, "presence never showed {what}: {v}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_counts_live_connections_per_role_and_table_seat() {
    let (_dir, data, sheet) = demo(3);
    let hub = Hub::start(&data, &[]).unwrap();
    let secret = token(&sheet, &["organiser"]);
    let v = presence_until(&hub, &secret, "nobody", |v| v["connections"] == 0).await;
    assert_eq!(v["tables"].as_array().unwrap().len(), 6, "every table is listed, empty ones too");
    assert_eq!(v["tables"][1], json!({"table": 2, "name": "第2桌", "chair": 0, "recorder": 0, "adviser": 0}));

    let org = Client::connect(&hub.url(), &secret).await.unwrap();
    let chair_a = Client::connect(&hub.url(), &token(&sheet, &["tables", "1", "chair"])).await.unwrap();
    let chair_b = Client::connect(&hub.url(), &token(&sheet, &["tables", "1", "chair"])).await.unwrap();
    let recorder = Client::connect(&hub.url(), &token(&sheet, &["tables", "3", "recorder"])).await.unwrap();
    let adviser_all = Client::connect(&hub.url(), &token(&sheet, &["adviser_all"])).await.unwrap();
    let mut voters = vec![];
    for t in voter_tokens(&sheet) {
        voters.push(Client::connect(&hub.url(), &t).await.unwrap());
    }
    let public = Client::connect(&hub.url(), "public").await.unwrap();
    // A socket that has not said hello yet is not anyone.
    let _unauthenticated = Client::raw(&hub.url()).await.unwrap();

    let v = presence_until(&hub, &secret, "nine connections", |v| v["connections"] == 9).await;
    assert_eq!(v["roles"]["organiser"], 1);
    assert_eq!(v["roles"]["chair"], 2);
    assert_eq!(v["roles"]["recorder"], 1);
    assert_eq!(v["roles"]["adviser"], 1);
    assert_eq!(v["roles"]["voter"], 3);
    assert_eq!(v["roles"]["public"], 1);
    assert_eq!(v["roles"]["projector"], 0);
    assert_eq!(v["adviser_all"], 1);
    assert_eq!(v["tables"][1]["chair"], 2, "table 2's chair card is open twice");
    assert_eq!(v["tables"][3]["recorder"], 1);
    assert_eq!(v["tables"][0], json!({"table": 1, "name": "第1桌", "chair": 0, "recorder": 0, "adviser": 0}));

    // Leaving, however it happens, empties the seat.
    chair_a.close().await;
    drop(chair_b);
    for v in voters {
        v.close().await;
    }
    let v = presence_until(&hub, &secret, "chairs and voters gone", |v| {
        v["roles"]["chair"] == 0 && v["roles"]["voter"] == 0
    })
    .await;
    assert_eq!(v["tables"][1]["chair"], 0);
    assert_eq!(v["connections"], 4);
    drop((org, recorder, adviser_all, public));
    presence_until(&hub, &secret, "nobody again", |v| v["connections"] == 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn voter_cards_minted_over_http_work_at_once_and_table_cards_cover_every_seat() {
    let (_dir, data, sheet) = demo(0);
    let hub = Hub::start(&data, &[]).unwrap();
    let secret = token(&sheet, &["organiser"]);
    let before = sheet["voters_total"].as_u64().unwrap() as usize;
    let base = hub.http();

    for bad in ["", "{}", r#"{"count": 0}"#, r#"{"count": 501}"#, r#"{"count": "five"}"#, "not json"] {
        let r = mint(&hub, &secret, bad).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text());
        let v = r.json().unwrap();
        assert_eq!(v["code"], "invalid_field");
        assert!(
            v["zh"].as_str().is_some_and(|s| s.contains("张数"))
                && v["en"].as_str().is_some_and(|s| s.contains("cards"))
        );
    }

    let r = mint(&hub, &secret, r#"{"count": 5}"#).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let sheet5 = r.json().unwrap();
    let cards = sheet5["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 5);
    assert_eq!(sheet5["voters_total"].as_u64().unwrap() as usize, before + 5);
    assert_eq!(sheet5["max_choices"], 10);
    assert_eq!(sheet5["meeting"]["name"], "幸福里社区“幸福微实事”项目筛选大会");
    let mut codes = vec![];
    for (i, c) in cards.iter().enumerate() {
        assert_eq!(c["kind"], "voter");
        assert_eq!(c["serial"], format!("V{:04}", before + i + 1));
        let code = c["code"].as_str().unwrap();
        assert_eq!(code.len(), 14, "12 characters in groups of four: {code}");
        let plain = code.replace('-', "");
        assert_eq!(c["link"], format!("{base}/j/{plain}"));
        let qr = c["qr"].as_str().unwrap();
        assert!(qr.starts_with("<?xml") || qr.starts_with("<svg"), "{}", &qr[..40.min(qr.len())]);
        assert!(qr.contains("</svg>"));
        codes.push(code.to_string());
    }
    assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), 5);
    // `hub tokens` sees them too: they are in the data folder.
    let all = hub_cmd(&["tokens", "--data", data.to_str().unwrap(), "--all-voters", "--format", "json"]).unwrap();
    for c in &codes {
        assert!(all.contains(c.as_str()), "{c} is in the data folder");
    }

    // Every card works at once: each is a voter; one votes.
    let mut org = Client::connect(&hub.url(), &secret).await.unwrap();
    for step in [
        cmd::open(),
        cmd::advance("discussion"),
        cmd::advance("picks"),
        cmd::advance("pitches"),
        cmd::advance("voting"),
    ] {
        assert!(is_ack(&org.command(step).await.unwrap()));
    }
    for (i, code) in codes.iter().enumerate() {
        let mut v = Client::connect(&hub.url(), code).await.unwrap();
        assert_eq!(v.welcome["you"]["role"], "voter");
        assert_eq!(v.welcome["you"]["label"], format!("V{:04}", before + i + 1));
        if i == 2 {
            let a = v.command(cmd::ballot(&["P01", "P12"])).await.unwrap();
            assert!(is_ack(&a), "{a}");
        }
    }
    let e = export(&data).unwrap();
    assert_eq!(e["ballots"].as_array().unwrap().len(), 1);
    assert_eq!(e["tally"]["P12"], 1);

    // Reprinting by number range gives the same cards; a bad range is refused plainly.
    let from = before + 2;
    let r = admin_get(&hub, &format!("/api/admin/cards/voters?from={from}&to={}", from + 1), &secret).await;
    assert_eq!(r.status, 200);
    let again: Vec<String> = r.json().unwrap()["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(again, codes[1..3].to_vec());
    let r = admin_get(&hub, "/api/admin/cards/voters?from=x", &secret).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json().unwrap()["code"], "invalid_field");
    let r = admin_get(&hub, "/api/admin/cards/voters", &secret).await;
    assert_eq!(r.status, 200, "without a range: every card (there are fewer than 500)");
    assert_eq!(r.json().unwrap()["cards"].as_array().unwrap().len(), before + 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_cards_and_exports_over_http() {
    let (_dir, data, sheet) = demo(1);
    let hub = Hub::start(&data, &[]).unwrap();
    let secret = token(&sheet, &["organiser"]);

    let r = admin_get(&hub, "/api/admin/cards/tables", &secret).await;
    assert_eq!(r.status, 200);
    let v = r.json().unwrap();
    let cards = v["cards"].as_array().unwrap();
    // Each table: chair, recorder, adviser and the table screen's read-only card.
    assert_eq!(cards.len(), 6 * 4 + 1 + 2 + 4 + 1);
    assert_eq!(cards[0]["kind"], "chair");
    assert_eq!(cards[0]["table"], 1);
    assert_eq!(cards[0]["table_name"], "第1桌");
    assert_eq!(cards[0]["code"], sheet["tables"][0]["chair"]["token"]);
    assert_eq!(cards[6]["kind"], "adviser");
    assert_eq!(cards[6]["code"], sheet["tables"][1]["adviser"]["token"]);
    assert_eq!(cards[7]["kind"], "screen");
    assert_eq!(cards[7]["table"], 2);
    assert_eq!(cards[7]["code"], sheet["tables"][1]["screen"]["token"]);
    assert_eq!(cards[24]["kind"], "adviser_all");
    // The counting desk's four counters are printed with the staff cards.
    for (i, c) in cards[27..31].iter().enumerate() {
        assert_eq!(c["kind"], "counter");
        assert_eq!(c["serial"], format!("counter-{}", i + 1));
        assert_eq!(c["code"], sheet["counters"][i]["token"]);
        assert!(c["link"].as_str().is_some_and(|l| l.contains("/j/")));
    }
    assert_eq!(cards[31]["kind"], "projector");
    assert!(
        !r.text().contains(sheet["organiser"]["token"].as_str().unwrap()),
        "the organiser's secret is never on a card"
    );

    // Some meeting to export.
    let mut org = Client::connect(&hub.url(), &secret).await.unwrap();
    assert!(is_ack(&org.command(cmd::open()).await.unwrap()));
    let mut rec = Client::connect(&hub.url(), &token(&sheet, &["tables", "0", "recorder"])).await.unwrap();
    assert!(is_ack(
        &rec.command(json!({"kind":"add_note","table":1,"tag":"new_idea","text":"增加夜间照明"})).await.unwrap()
    ));

    let r = admin_get(&hub, "/api/admin/export.json", &secret).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").is_some_and(|t| t.starts_with("application/json")));
    assert!(r.header("content-disposition").is_some_and(|d| d.contains("attachment") && d.contains(".json")));
    let cli = hub_cmd(&["export", "--data", data.to_str().unwrap(), "--format", "json"]).unwrap();
    assert_eq!(r.text(), cli, "the JSON export is exactly what hub export prints");
    assert_eq!(r.json().unwrap()["tables"][0]["notes"][0]["text"], "增加夜间照明");

    let r = admin_get(&hub, "/api/admin/export.csv", &secret).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").is_some_and(|t| t.starts_with("text/csv")));
    let name = r.header("content-disposition").unwrap_or_default();
    assert!(name.contains("filename*=UTF-8''%E5%9C%86%E6%A1%8C"), "named in Chinese: {name}");
    let cli = hub_cmd(&["export", "--data", data.to_str().unwrap(), "--format", "csv"]).unwrap();
    assert_eq!(r.text(), cli);
    assert!(r.text().starts_with("\u{feff}名次,位次,编号,项目"), "{}", r.text());
    let r = admin_get(&hub, "/api/admin/export.csv?lang=en", &secret).await;
    let cli = hub_cmd(&["export", "--data", data.to_str().unwrap(), "--format", "csv", "--lang", "en"]).unwrap();
    assert_eq!(r.text(), cli);
    assert!(r.text().starts_with("\u{feff}rank,position,id,title"));
    assert!(r.header("content-disposition").is_some_and(|d| d.contains("yuanzhuo-ranking.csv")));
}
