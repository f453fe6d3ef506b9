//! The recorder's minutes per table (会议记录): the record the letters to
//! proposers speak of ("您的提案和居民在讨论中的意见都已记入会议记录").
//! For each table, from the log: when the discussion ran, the speakers'
//! balance (who spoke, how often, for how long, their share of the time,
//! and what kind of turns), the table's picks, what the recorder and the
//! chair noted, proposal by proposal (the text as written, its tag and
//! time, and when it was edited), the notes on no proposal, the technical
//! advisers' remarks and the exclusions confirmed, and lines for the
//! chair's and the recorder's signatures. Notes withdrawn by their author
//! are not printed; their number is, and the log keeps them.
//!
//! Made at any time; before the picks are locked it says it is a draft.

use std::collections::BTreeMap;

use super::hall::{advice, clock, minutes_seconds, tag_text, turn_text, Hall};
use super::html::{both, document, fill, heading, html, lit_fill, say, Html};
use yuanzhuo_protocol::words::{fill_in, print, ui, Words};
use yuanzhuo_protocol::*;

const CSS: &str = r#"
@page { size: A4; margin: 14mm 14mm 14mm 14mm; }
body { font-size: 10.5pt; line-height: 1.5; }
@media screen { .minutes { border-bottom: 3px double #888; padding-bottom: 8mm; margin-bottom: 8mm; } }
.minutes { break-after: page; page-break-after: always; }
.minutes:last-child { break-after: auto; page-break-after: auto; }
h1 .table { display: block; font-size: 19pt; margin-top: 1mm; }
.sub { text-align: center; margin: 0 0 2mm; }
.status { text-align: center; font-weight: bold; margin: 1mm 0 2mm; }
.status.draft { color: #b00000; border: 1pt solid #b00000; padding: 1mm; }
.facts td:first-child, .facts td:nth-child(3) { background: #f6f6f6; white-space: nowrap; width: 14%; }
.fill { display: inline-block; min-width: 40mm; border-bottom: 0.5pt solid #000; }
.bal td.name { font-weight: bold; }
.prop { margin: 2mm 0 1mm; break-inside: avoid; page-break-inside: avoid; }
.prop h3 { font-size: 11.5pt; margin: 0 0 0.6mm; }
.notes { margin: 0.4mm 0; padding-left: 5mm; }
.notes li { margin: 0.4mm 0; white-space: pre-wrap; }
.t { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 0.95em; }
.tag { font-weight: bold; border: 0.5pt solid #555; padding: 0 0.8mm; margin: 0 0.8mm; white-space: nowrap; }
.by, .edited { color: #333; }
.adv { border-left: 2pt solid #777; padding-left: 2mm; margin: 0.6mm 0; }
.excl { color: #b00000; font-weight: bold; margin: 0.6mm 0; }
.quiet { color: #333; }
.sign { display: flex; gap: 6mm; margin-top: 6mm; break-inside: avoid; page-break-inside: avoid; }
.sign > div { flex: 1; border: 0.6pt solid #000; padding: 2mm; min-height: 26mm; }
.sign .who { font-weight: bold; }
.sign .blank { margin-top: 10mm; border-top: 0.5pt solid #000; padding-top: 0.6mm; font-size: 10.5pt; }
.foot { margin-top: 3mm; font-size: 9pt; color: #333; text-align: center; }
.foot .en { font-size: 1em; }
"#;

/// The minutes of one table or of every table.
pub fn minutes(h: &Hall, only: Option<TableNo>) -> String {
    let m = &h.def.meeting;
    let mut b = Html::new();
    for t in h.tables(only) {
        table_minutes(&mut b, h, t);
    }
    document(&m.language, &fill_in(print::MINUTES_TITLE.zh, &[("meeting", &m.name)]), CSS, &b)
}

fn table_minutes(b: &mut Html, h: &Hall, t: TableNo) {
    let m = &h.def.meeting;
    let s = h.state;
    let Some(ts) = s.table(t) else { return };
    let (tz, te) = h.table_label(t);
    b.push(html!(
        "<section class=\"minutes\" data-table=\"{}\">\n<h1>{}<span class=\"table\">{} <span class=\"en\">{}</span></span></h1>\n\
         <p class=\"sub\">{}</p>\n",
        t,
        m.name,
        lit_fill(print::TABLE_MINUTES.zh, &[("table", &tz)]),
        lit_fill(print::TABLE_MINUTES.en, &[("table", &te)]),
        [m.venue.as_str(), m.date.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · ")
    ));
    let over = s.phase >= Phase::Pitches || ts.picks_locked;
    if over {
        b.push(html!("<p class=\"status\">{}</p>\n", say(print::DISCUSSION_OVER_PICKS_LOCKED)));
    } else {
        b.push(html!("<p class=\"status draft\">{}</p>\n", {
            let (w, at) = (print::MINUTES_DRAFT, clock(h.last_entry_ms));
            both(
                &fill_in(w.zh, &[("phase", s.phase.zh()), ("at", &at)]),
                &fill_in(w.en, &[("phase", s.phase.en()), ("at", &at)]),
            )
        }));
    }

    // Who and when.
    let when = match (h.entered(Phase::Discussion), h.entered(Phase::Picks).or(h.entered(Phase::Pitches))) {
        (Some(a), Some(z)) if z >= a => fill(
            print::FROM_TO_MINUTES,
            &[("from", &clock(a)), ("to", &clock(z)), ("n", &((z - a) / 60_000).to_string())],
        ),
        (Some(a), _) => fill(print::STARTED_AT, &[("at", &clock(a))]),
        _ => say(print::NOT_STARTED),
    };
    let ids: Vec<&str> = ts.share.iter().map(String::as_str).collect();
    let share_text = match (ids.first(), ids.last()) {
        (Some(a), Some(z)) if ids.len() > 1 => {
            fill_in(print::PROPOSALS_FROM_TO.zh, &[("from", a), ("to", z), ("n", &ids.len().to_string())])
        }
        (Some(a), _) => a.to_string(),
        _ => "—".to_string(),
    };
    let blank = Html::lit("<span class=\"fill\"></span>");
    b.push(html!(
        "<table class=\"facts\">\n<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n\
         <tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n</table>\n",
        say(ui::ROLE_CHAIR),
        blank.clone(),
        say(ui::ROLE_RECORDER),
        blank,
        say(ui::DISCUSSION),
        when,
        say(print::THIS_TABLES_PROPOSALS),
        share_text
    ));

    // The speakers' balance.
    b.push(heading("h2", print::SPEAKERS_BALANCE));
    let mut kinds: BTreeMap<&str, [u32; 4]> = BTreeMap::new();
    for q in ts.queue.iter().filter(|q| q.state != TurnState::Removed) {
        let k = kinds.entry(q.name.as_str()).or_default();
        k[match q.turn {
            TurnKind::For => 0,
            TurnKind::Against => 1,
            TurnKind::Question => 2,
            TurnKind::PointOfOrder => 3,
        }] += 1;
    }
    let spoke: Vec<&SpeakerBalance> = ts.balance.iter().filter(|s| s.turns > 0).collect();
    let total_ms: u64 = spoke.iter().map(|s| s.total_ms).sum();
    let turns: u32 = spoke.iter().map(|s| s.turns).sum();
    if spoke.is_empty() {
        b.push(html!("<p class=\"quiet\">{}</p>\n", say(print::NO_TURNS_RECORDED)));
    } else {
        let most = spoke.iter().map(|s| s.total_ms).max().unwrap_or(0);
        let pct = |ms: u64| (ms * 100 + total_ms / 2).checked_div(total_ms).unwrap_or(0);
        b.push(html!(
            "<p>{}</p>\n",
            fill(
                print::SPEAKERS_SUMMARY,
                &[
                    ("speakers", &spoke.len().to_string()),
                    ("turns", &turns.to_string()),
                    ("time", &minutes_seconds(total_ms)),
                    ("pct", &pct(most).to_string()),
                    ("each", &minutes_seconds(total_ms / spoke.len() as u64)),
                ]
            )
        ));
        let th = |w: Words| html!("{} <span class=\"en\">{}</span>", Html::lit(w.zh), Html::lit(w.en));
        b.push(html!(
            "<table class=\"bal\"><thead><tr><th>{}</th><th class=\"num\">{}</th>\
             <th class=\"num\">{}</th><th class=\"num\">{}</th>\
             <th>{}</th></tr></thead><tbody>\n",
            th(ui::SPEAKER),
            th(ui::TURNS),
            th(print::TIME),
            th(print::SHARE),
            th(print::KINDS_OF_TURN),
        ));
        for sp in &spoke {
            let k = kinds.get(sp.name.as_str()).copied().unwrap_or_default();
            let parts: Vec<Html> = [TurnKind::For, TurnKind::Against, TurnKind::Question, TurnKind::PointOfOrder]
                .iter()
                .zip(k)
                .filter(|(_, n)| *n > 0)
                .map(|(kind, n)| {
                    let (zh, en) = turn_text(*kind);
                    html!("{} {}", both(zh, en), n)
                })
                .collect();
            b.push(html!(
                "<tr><td class=\"name\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}%</td><td>{}</td></tr>\n",
                sp.name,
                sp.turns,
                minutes_seconds(sp.total_ms),
                pct(sp.total_ms),
                Html::join(parts, ui::COMMA.zh)
            ));
        }
        b.push_lit("</tbody></table>\n");
    }

    // The picks.
    b.push(heading("h2", ui::TABLES_PICKS));
    if ts.picks.is_empty() {
        b.push(html!("<p class=\"quiet\">{}</p>\n", say(print::NO_PICKS)));
    } else {
        b.push_lit("<ol class=\"picks\">\n");
        for id in &ts.picks {
            let title = s.proposal(id).map_or("", |p| p.title.trim());
            let cost = s.cost(id).map(|c| super::money(c, h.currency())).unwrap_or_default();
            b.push(html!("<li data-proposal=\"{}\"><b>{}</b> {} — {}</li>\n", id, id, title, both(&cost.0, &cost.1)));
        }
        b.push_lit("</ol>\n");
        if !ts.picks_locked {
            b.push(html!("<p class=\"quiet\">{}</p>\n", say(print::PICKS_NOT_LOCKED)));
        }
    }

    // Notes by proposal, then the rest.
    let notes: Vec<&Note> = ts.notes.iter().filter_map(|n| s.notes.get((*n as usize).wrapping_sub(1))).collect();
    let withdrawn = notes.iter().filter(|n| n.withdrawn).count();
    let kept: Vec<&Note> = notes.into_iter().filter(|n| !n.withdrawn).collect();
    let mut order: Vec<&str> = ts.share.iter().map(String::as_str).collect();
    for p in &h.def.proposals {
        let here = kept.iter().any(|n| n.proposal.as_deref() == Some(p.id.as_str()))
            || s.annotations.get(&p.id).is_some_and(|a| a.by_table == Some(t));
        if here && !order.contains(&p.id.as_str()) {
            order.push(p.id.as_str());
        }
    }
    b.push(heading("h2", print::NOTES_BY_PROPOSAL));
    let mut silent = vec![];
    for id in order {
        let on: Vec<&&Note> = kept.iter().filter(|n| n.proposal.as_deref() == Some(id)).collect();
        let annotation = s.annotations.get(id);
        let excluded = h.exclusion(id);
        if on.is_empty() && annotation.is_none() && excluded.is_none() {
            silent.push(id);
            continue;
        }
        let title = s.proposal(id).map_or("", |p| p.title.trim());
        b.push(html!("<div class=\"prop\" data-proposal=\"{}\">\n<h3>{} {}</h3>\n", id, id, title));
        if !on.is_empty() {
            b.push_lit("<ul class=\"notes\">\n");
            for n in on {
                note(b, n);
            }
            b.push_lit("</ul>\n");
        }
        if let Some(a) = annotation {
            b.push(html!(
                "<p class=\"adv\"><b>{}</b>{}{}</p>\n",
                say(print::ADVISERS_REMARKS),
                Html::lit(ui::COLON.zh),
                advice(h, a)
            ));
        }
        if let Some((e, zh, en)) = excluded {
            b.push(html!("<p class=\"excl\">{}</p>\n", {
                let (w, n) = (print::MINUTES_EXCLUDED, e.rule.to_string());
                both(
                    &fill_in(w.zh, &[("n", &n), ("rule", zh), ("reason", &reason_suffix(&e.reason))]),
                    &fill_in(w.en, &[("n", &n), ("rule", en)]),
                )
            }));
        }
        b.push_lit("</div>\n");
    }
    if !silent.is_empty() {
        b.push(html!("<p class=\"quiet\">{}{}</p>\n", say(print::NO_NOTES_ON), silent.join(ui::LIST_SEP.zh)));
    }
    let general: Vec<&&Note> = kept.iter().filter(|n| n.proposal.is_none()).collect();
    if !general.is_empty() {
        b.push(heading("h2", print::OTHER_NOTES));
        b.push_lit("<ul class=\"notes\">\n");
        for n in general {
            note(b, n);
        }
        b.push_lit("</ul>\n");
    }
    if withdrawn > 0 {
        b.push(html!("<p class=\"quiet\">{}</p>\n", fill(print::NOTES_WITHDRAWN, &[("n", &withdrawn.to_string())])));
    }

    // Signatures.
    b.push_lit("<div class=\"sign\">\n");
    for who in [print::CHAIR_OF_THE_TABLE, ui::ROLE_RECORDER] {
        b.push(html!(
            "<div><div class=\"who\">{}</div><div class=\"blank\">{}</div><div class=\"blank\">{}</div></div>\n",
            say(who),
            say(print::SIGNATURE),
            say(print::DATE)
        ));
    }
    b.push_lit("</div>\n");
    b.push(html!("<p class=\"foot\">{}</p>\n</section>\n", h.made_from()));
}

fn reason_suffix(reason: &str) -> String {
    if reason.trim().is_empty() {
        ui::ES_END.zh.to_string()
    } else {
        fill_in(print::COMMA_WHY_REASON.zh, &[("reason", reason.trim())])
    }
}

fn note(b: &mut Html, n: &Note) {
    let (tz, te) = tag_text(n.tag);
    let edited = match n.edited_at_ms {
        Some(at) => html!(" <span class=\"edited\">{}</span>", fill(print::EDITED_AT, &[("at", &clock(at))])),
        None => Html::new(),
    };
    b.push(html!(
        "<li data-note=\"{}\"><span class=\"t\">{}</span><span class=\"tag\">{} <span class=\"en\">{}</span></span>{} <span class=\"by\">— {}</span>{}</li>\n",
        n.note,
        clock(n.at_ms),
        tz,
        te,
        n.text.trim(),
        both(n.by.zh(), n.by.en()),
        edited
    ));
}

#[cfg(test)]
mod tests {
    use super::super::hall::tests::{hall, state};
    use super::*;
    use yuanzhuo_engine::Event;

    fn events() -> Vec<Event> {
        let queue = |entry, name: &str, turn| Event::SpeakerQueued { table: 2, entry, name: name.into(), turn };
        let note = |note, proposal: Option<&str>, tag, text: &str| Event::NoteAdded {
            table: 2,
            note,
            proposal: proposal.map(String::from),
            tag,
            text: text.into(),
            by: Role::Recorder,
        };
        vec![
            Event::PhaseChanged { from: Phase::CheckIn, to: Phase::Discussion, lot_seed: None },
            queue(1, "5号 王阿姨", TurnKind::For),
            Event::SpeakerStarted { table: 2, entry: 1 },
            Event::SpeakerStopped { table: 2, entry: 1 },
            queue(2, "7号", TurnKind::Against),
            Event::SpeakerStarted { table: 2, entry: 2 },
            Event::SpeakerStopped { table: 2, entry: 2 },
            queue(3, "5号 王阿姨", TurnKind::Question),
            Event::SpeakerStarted { table: 2, entry: 3 },
            Event::SpeakerStopped { table: 2, entry: 3 },
            queue(4, "9号", TurnKind::For),
            Event::SpeakerRemoved { table: 2, entry: 4 },
            note(1, Some("P12"), NoteTag::Concern, "晚上噪音会影响三楼住户"),
            note(2, Some("P12"), NoteTag::Support, "<b>老人</b>需要"),
            note(3, None, NoteTag::NewIdea, "希望下次会议早点通知"),
            note(4, Some("P15"), NoteTag::Objection, "说错了"),
            Event::NoteWithdrawn { table: 2, note: 4 },
            Event::NoteEdited {
                table: 2, note: 1, tag: NoteTag::Concern, text: "晚上噪音会影响二、三楼住户".into()
            },
            Event::Annotated {
                proposal: "P14".into(),
                feasibility: Feasibility::Feasible,
                exclusion_rule: None,
                reason: String::new(),
                cost_estimate: Some(30000),
                remark: "可与P13合并施工".into(),
                by_table: Some(2),
            },
            Event::PicksSet { table: 2, proposals: vec!["P12".into(), "P14".into(), "P19".into()] },
        ]
    }

    #[test]
    fn the_minutes_hold_the_balance_the_notes_by_proposal_the_picks_the_advice_and_the_signatures() {
        let def = crate::documents::definition::demo();
        let s = state(def.clone(), events());
        let h = hall(&def, &s);
        let doc = minutes(&h, Some(2));
        assert_eq!(doc.matches("<section class=\"minutes\"").count(), 1);
        assert!(doc.contains("第 2 桌 会议记录"));
        assert!(doc.contains("草稿：讨论尚未结束"), "picks not locked: a draft");
        // Two speakers (the removed entry never spoke), three turns, each one second long.
        assert!(doc.contains("共 2 人发言 3 次，合计 0:03"), "{doc}");
        assert!(doc.contains("<td class=\"name\">5号 王阿姨</td><td class=\"num\">2</td><td class=\"num\">0:02</td><td class=\"num\">67%</td>"));
        assert!(doc.contains("支持 <span class=\"en\">For</span> 1，提问 <span class=\"en\">Question</span> 1"));
        assert!(!doc.contains("9号"));
        // Notes by proposal, edited marked, escaped; the general note; the withdrawn one only counted.
        let p12 = doc.split("data-proposal=\"P12\">\n<h3>").nth(1).unwrap().split("</div>").next().unwrap();
        assert!(p12.contains("晚上噪音会影响二、三楼住户") && p12.contains("修改"), "{p12}");
        assert!(p12.contains("&lt;b&gt;老人&lt;/b&gt;需要"));
        assert!(doc.contains("希望下次会议早点通知") && doc.contains("其他记录"));
        assert!(!doc.contains("说错了") && doc.contains("另有 1 条记录已由记录人撤回"));
        // The adviser's remark on P14, the picks, the proposals with nothing said.
        assert!(doc.contains("可与P13合并施工") && doc.contains("30,000 元"));
        assert!(doc.contains("<li data-proposal=\"P19\"><b>P19</b>"));
        assert!(doc.contains("（推选尚未锁定）"));
        assert!(doc.contains("以下提案没有记录：") && doc.contains("P11、P13"));
        // Signed by the chair and the recorder.
        assert!(doc.contains("桌长 <span class=\"en\">Chair of the table</span>") && doc.contains("签名"));
        // Every table when none is named; a locked table is no draft.
        let mut ev = events();
        ev.push(Event::PicksLocked { table: 2 });
        let s = state(def.clone(), ev);
        let h = hall(&def, &s);
        let all = minutes(&h, None);
        assert_eq!(all.matches("<section class=\"minutes\"").count(), 6);
        let t2 = all.split("data-table=\"2\"").nth(1).unwrap().split("</section>").next().unwrap();
        assert!(t2.contains("讨论已结束，推选已锁定"));
        let t1 = all.split("data-table=\"1\"").nth(1).unwrap().split("</section>").next().unwrap();
        assert!(t1.contains("没有记录发言"));
    }
}
