//! The pre-screening record in print: a section of the results notice (公示
//! of what was struck and why, and what was merged into what) and the whole
//! record as an A4 document (`hub print record`), at any time. Public: raw
//! ids, what was proposed, where, and the outcome with its rule and reason;
//! never a proposer's name or contact (those reach only the letters and the
//! organiser's contact list).

use std::collections::BTreeMap;

use yuanzhuo_protocol::*;

use super::hall::Hall;
use super::html::{both, document, html, Html};

const CSS: &str = r#"
@page { size: A4; margin: 12mm 12mm; }
body { font-size: 10.5pt; line-height: 1.4; }
table.record { table-layout: fixed; width: 100%; }
table.record td, table.record th { font-size: 10pt; padding: 0.6mm 1.2mm; vertical-align: top; }
table.record col.id { width: 12%; } table.record col.text { width: 40%; } table.record col.out { width: 48%; }
table.record tr.struck td { background: #fbf0f0; }
.sum td:first-child { width: 40%; background: #f6f6f6; }
"#;

/// The rule's words: "第2条“应由其他主体负责（如物业）”".
fn rule_words(rule: u8) -> (String, String) {
    let (zh, en) = EXCLUSION_RULES.get(usize::from(rule).wrapping_sub(1)).copied().unwrap_or(("", ""));
    (format!("第{rule}条“{zh}”"), format!("rule {rule}, “{en}”"))
}

/// Counts of the record: (kept, merged, struck by rule 1..=7).
fn counts(record: &Prescreening) -> (usize, usize, [usize; 7]) {
    let (mut kept, mut merged, mut struck) = (0, 0, [0; 7]);
    for r in &record.raw {
        match &r.outcome {
            RawOutcome::Kept { .. } => kept += 1,
            RawOutcome::Merged { .. } => merged += 1,
            RawOutcome::Struck { rule, .. } => {
                if let Some(n) = struck.get_mut(usize::from(*rule).wrapping_sub(1)) {
                    *n += 1;
                }
            }
        }
    }
    (kept, merged, struck)
}

/// The summary table: received, kept, merged, struck by rule.
fn summary(b: &mut Html, record: &Prescreening, proposals: usize) {
    let (kept, merged, struck) = counts(record);
    let total_struck: usize = struck.iter().sum();
    b.push_lit("<table class=\"facts sum\">\n");
    let rows = [
        (both("收到居民提议", "Proposals received"), record.raw.len().to_string()),
        (both("列入会议的提案", "Proposals of the meeting"), proposals.to_string()),
        (both("保留（成为会议提案）", "Kept (became a proposal)"), kept.to_string()),
        (both("合并到会议提案", "Merged into a proposal"), merged.to_string()),
        (both("按七条规则排除", "Struck under the seven rules"), total_struck.to_string()),
    ];
    for (k, v) in rows {
        b.push(html!("<tr><td>{}</td><td>{}</td></tr>\n", k, v));
    }
    for (i, n) in struck.iter().enumerate().filter(|(_, n)| **n > 0) {
        let (zh, en) = rule_words(i as u8 + 1);
        b.push(html!("<tr><td>{}</td><td>{}</td></tr>\n", both(&zh, &en), n));
    }
    b.push_lit("</table>\n");
}

/// The notice's section: the summary, every proposal struck with its rule
/// and reason, and what each proposal of the meeting was merged from.
pub fn notice_section(b: &mut Html, record: &Prescreening, proposals: &[Proposal]) {
    b.push_lit("<h2>会前预审 <span class=\"en\">Pre-screening</span></h2>\n");
    b.push(html!(
        "<p>{}</p>\n",
        both(
            "会前，居民的每一条提议都记入预审记录（在会议开始前写入日志，受哈希链保护）：只有七条排除规则可以删去提议，相同的提议按三种方式合并。",
            "Before the meeting every resident's proposal was entered in the pre-screening record (in the log before the meeting opened, under the hash chain): only the seven exclusion rules may strike a proposal, and alike proposals are merged in one of three ways."
        )
    ));
    summary(b, record, proposals.len());
    let struck: Vec<&RawProposal> =
        record.raw.iter().filter(|r| matches!(r.outcome, RawOutcome::Struck { .. })).collect();
    if !struck.is_empty() {
        b.push_lit("<h3>排除的提议 <span class=\"en\">Proposals struck</span></h3>\n<table class=\"record\">\n<colgroup><col class=\"id\"><col class=\"text\"><col class=\"out\"></colgroup>\n");
        b.push(html!(
            "<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            both("编号", "No."),
            both("提议", "Proposal"),
            both("规则与理由", "Rule and reason")
        ));
        for r in struck {
            if let RawOutcome::Struck { rule, reason } = &r.outcome {
                let (zh, en) = rule_words(*rule);
                b.push(html!(
                    "<tr class=\"struck\" data-raw=\"{}\"><td>{}</td><td>{}{}</td><td>{}：{}</td></tr>\n",
                    r.id,
                    r.id,
                    r.text,
                    place(r),
                    both(&zh, &en),
                    reason
                ));
            }
        }
        b.push_lit("</tbody>\n</table>\n");
    }
    let mut merged: BTreeMap<&str, Vec<&RawProposal>> = BTreeMap::new();
    for r in &record.raw {
        if let RawOutcome::Merged { proposal, .. } = &r.outcome {
            merged.entry(proposal.as_str()).or_default().push(r);
        }
    }
    if !merged.is_empty() {
        b.push_lit("<h3>合并 <span class=\"en\">Merged</span></h3>\n<ul class=\"merged\">\n");
        for p in proposals.iter().filter(|p| merged.contains_key(p.id.as_str())) {
            let from = Html::join(
                merged[p.id.as_str()].iter().map(|r| match &r.outcome {
                    RawOutcome::Merged { merge, .. } => html!("{}（{}）", r.id, merge.zh()),
                    _ => Html::new(),
                }),
                "、",
            );
            b.push(html!("<li>{} {} ← {}</li>\n", p.id, p.title, from));
        }
        b.push_lit("</ul>\n");
    }
}

fn place(r: &RawProposal) -> Html {
    if r.location.is_empty() {
        Html::new()
    } else {
        html!("<br><span class=\"loc\">{}</span>", r.location)
    }
}

/// The whole record, one row per resident's proposal, for A4.
pub fn record(h: &Hall) -> Option<String> {
    let record = h.state.prescreening.as_ref()?;
    let m = &h.def.meeting;
    let mut b = Html::new();
    b.push(html!(
        "<h1>{}</h1>\n<p class=\"center\">{}</p>\n",
        m.name,
        both("会前预审记录", "The pre-screening record")
    ));
    summary(&mut b, record, h.def.proposals.len());
    b.push_lit(
        "<table class=\"record\">\n<colgroup><col class=\"id\"><col class=\"text\"><col class=\"out\"></colgroup>\n",
    );
    b.push(html!(
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        both("编号", "No."),
        both("提议", "Proposal"),
        both("处理结果", "Outcome")
    ));
    for r in &record.raw {
        let title = |id: &str| h.def.proposals.iter().find(|p| p.id == id).map_or("", |p| p.title.as_str()).to_string();
        let (class, out) = match &r.outcome {
            RawOutcome::Kept { proposal } => {
                ("kept", both(&format!("保留为提案 {proposal}“{}”", title(proposal)), &format!("kept as {proposal}")))
            }
            RawOutcome::Merged { proposal, merge } => (
                "merged",
                both(
                    &format!("并入提案 {proposal}“{}”（{}）", title(proposal), merge.zh()),
                    &format!("merged into {proposal} ({})", merge.en()),
                ),
            ),
            RawOutcome::Struck { rule, reason } => {
                let (zh, en) = rule_words(*rule);
                ("struck", html!("{}：{}", both(&format!("排除，{zh}"), &format!("struck, {en}")), reason))
            }
        };
        b.push(html!(
            "<tr class=\"{}\" data-raw=\"{}\"><td>{}</td><td>{}{}</td><td>{}</td></tr>\n",
            class,
            r.id,
            r.id,
            r.text,
            place(r),
            out
        ));
    }
    b.push_lit("</tbody>\n</table>\n");
    b.push(html!(
        "<p class=\"foot\">{}</p>\n",
        both(
            &format!(
                "本记录是会议日志的第 3 条（共 {} 条），日志末端 {}。",
                h.log_length,
                &h.log_head[..16.min(h.log_head.len())]
            ),
            &format!(
                "This record is entry 3 of the meeting's log ({} entries), log head {}.",
                h.log_length,
                &h.log_head[..16.min(h.log_head.len())]
            )
        )
    ));
    Some(document(&m.language, &format!("{} · 预审记录", m.name), CSS, &b))
}
