//! The pre-screening record in print: a section of the results notice (公示
//! of what was struck and why, and what was merged into what) and the whole
//! record as an A4 document (`hub print record`), at any time. Public: raw
//! ids, what was proposed, where, and the outcome with its rule and reason;
//! never a proposer's name or contact (those reach only the letters and the
//! organiser's contact list).

use std::collections::BTreeMap;

use yuanzhuo_protocol::*;

use super::hall::Hall;
use super::html::{both, document, fill, heading, html, say, Html};
use yuanzhuo_protocol::words::{fill_in, print, ui};

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
    let (w, n) = (print::RULE_N_QUOTED, rule.to_string());
    (fill_in(w.zh, &[("n", &n), ("rule", zh)]), fill_in(w.en, &[("n", &n), ("rule", en)]))
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
        (say(print::PROPOSALS_RECEIVED), record.raw.len().to_string()),
        (say(print::PROPOSALS_OF_THE_MEETING), proposals.to_string()),
        (say(print::KEPT_BECAME_PROPOSAL), kept.to_string()),
        (say(print::MERGED_INTO_PROPOSAL), merged.to_string()),
        (say(print::STRUCK_UNDER_SEVEN_RULES), total_struck.to_string()),
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
    b.push(heading("h2", print::PRESCREENING));
    b.push(html!("<p>{}</p>\n", say(print::PRESCREENING_EXPLAINED)));
    summary(b, record, proposals.len());
    let struck: Vec<&RawProposal> =
        record.raw.iter().filter(|r| matches!(r.outcome, RawOutcome::Struck { .. })).collect();
    if !struck.is_empty() {
        b.push(heading("h3", print::PROPOSALS_STRUCK));
        b.push_lit("<table class=\"record\">\n<colgroup><col class=\"id\"><col class=\"text\"><col class=\"out\"></colgroup>\n");
        b.push(html!(
            "<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            say(print::RAW_NO),
            say(print::RAW_PROPOSAL),
            say(print::RULE_AND_REASON)
        ));
        for r in struck {
            if let RawOutcome::Struck { rule, reason } = &r.outcome {
                let (zh, en) = rule_words(*rule);
                b.push(html!(
                    "<tr class=\"struck\" data-raw=\"{}\"><td>{}</td><td>{}{}</td><td>{}{}{}</td></tr>\n",
                    r.id,
                    r.id,
                    r.text,
                    place(r),
                    both(&zh, &en),
                    Html::lit(ui::COLON.zh),
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
        b.push(heading("h3", print::MERGED));
        b.push_lit("<ul class=\"merged\">\n");
        for p in proposals.iter().filter(|p| merged.contains_key(p.id.as_str())) {
            let from = Html::join(
                merged[p.id.as_str()].iter().map(|r| match &r.outcome {
                    RawOutcome::Merged { merge, .. } => {
                        html!(
                            "{}{}{}{}",
                            r.id,
                            Html::lit(print::OPEN_PAREN.zh),
                            merge.zh(),
                            Html::lit(ui::CLOSE_PAREN.zh)
                        )
                    }
                    _ => Html::new(),
                }),
                ui::LIST_SEP.zh,
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
    b.push(html!("<h1>{}</h1>\n<p class=\"center\">{}</p>\n", m.name, say(ui::PRE_SCREENING_RECORD)));
    summary(&mut b, record, h.def.proposals.len());
    b.push_lit(
        "<table class=\"record\">\n<colgroup><col class=\"id\"><col class=\"text\"><col class=\"out\"></colgroup>\n",
    );
    b.push(html!(
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        say(print::RAW_NO),
        say(print::RAW_PROPOSAL),
        say(print::RAW_OUTCOME)
    ));
    for r in &record.raw {
        let title = |id: &str| h.def.proposals.iter().find(|p| p.id == id).map_or("", |p| p.title.as_str()).to_string();
        let (class, out) = match &r.outcome {
            RawOutcome::Kept { proposal } => {
                ("kept", fill(print::KEPT_AS, &[("id", proposal), ("title", &title(proposal))]))
            }
            RawOutcome::Merged { proposal, merge } => ("merged", {
                let (w, t) = (print::MERGED_INTO, title(proposal));
                both(
                    &fill_in(w.zh, &[("id", proposal), ("title", &t), ("how", merge.zh())]),
                    &fill_in(w.en, &[("id", proposal), ("title", &t), ("how", merge.en())]),
                )
            }),
            RawOutcome::Struck { rule, reason } => {
                let (zh, en) = rule_words(*rule);
                let w = print::STRUCK_RULE;
                let what = both(&fill_in(w.zh, &[("rule", &zh)]), &fill_in(w.en, &[("rule", &en)]));
                ("struck", html!("{}{}{}", what, Html::lit(ui::COLON.zh), reason))
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
        fill(
            print::RECORD_IS_THIRD_ENTRY,
            &[("n", &h.log_length.to_string()), ("head", &h.log_head[..16.min(h.log_head.len())])]
        )
    ));
    Some(document(&m.language, &fill_in(print::RECORD_TITLE.zh, &[("meeting", &m.name)]), CSS, &b))
}
