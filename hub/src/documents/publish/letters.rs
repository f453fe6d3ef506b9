//! Letters to the proposers whose proposals were not selected: one A4 page
//! each, addressed to the proposal's `proposer` — or, when the meeting has
//! a pre-screening record, to every resident behind it (each proposal kept
//! or merged into one not funded), and also to every resident whose
//! proposal was struck before the meeting (the rule and the reason) or
//! merged into one that was funded — in Chinese with the English
//! below, saying plainly why — the exclusion rule and the adviser's words,
//! or the votes and the place in the ranking against the budget line and
//! what the funding rule did at that place. Every number in a letter comes
//! from the count; nothing is left for the organiser to fill in but the
//! stamp.

use anyhow::Result;

use super::html::{document, html, lit_fill, Html};
use super::*;

const CSS: &str = r#"
body { font-size: 10pt; line-height: 1.42; }
.letter { break-after: page; page-break-after: always; }
.letter:last-child { break-after: auto; page-break-after: auto; }
.head { display: flex; justify-content: space-between; border-bottom: 0.8pt solid #000; padding-bottom: 1.2mm; margin-bottom: 3mm; font-size: 9pt; }
.to { font-weight: bold; margin-top: 2mm; }
.zh p.body { text-indent: 2em; }
.result { font-weight: bold; margin: 1.8mm 0; }
.facts { width: auto; max-width: calc(100% - 2em); margin: 1.5mm 0 1.5mm 2em; font-size: 9pt; line-height: 1.35; }
.facts td { border: 0.4pt solid #888; padding: 0.4mm 2mm; }
.facts td:first-child { background: #f6f6f6; white-space: nowrap; }
.quote { margin: 1mm 0 1mm 2em; padding-left: 2mm; border-left: 1.5pt solid #999; white-space: pre-wrap; }
.quote b { margin-right: 0.6em; }
.sig { text-align: right; margin-top: 3mm; }
.sep { border: 0; border-top: 0.5pt dashed #777; margin: 3.5mm 0 2mm; }
.en p, .en td { font-size: 8.8pt; line-height: 1.38; color: #222; }
@media screen { .letter { border-bottom: 3px double #888; padding-bottom: 8mm; margin-bottom: 8mm; } }
"#;

/// One letter per proposal that was not funded (only once the vote is closed).
pub fn letters(o: &Outcome) -> Result<String> {
    require_final(o, print::THE_LETTERS_TO_PROPOSERS.zh, print::THE_LETTERS_TO_PROPOSERS.en)?;
    let m = &o.def.meeting;
    let mut b = Html::new();
    let mut n = 0;
    match &o.state.prescreening {
        None => {
            for l in o.unfunded() {
                n += 1;
                letter(&mut b, o, l, None);
            }
        }
        Some(record) => {
            for raw in &record.raw {
                let line = raw.outcome.proposal().and_then(|id| o.lines.iter().find(|l| &l.row.proposal == id));
                match (&raw.outcome, line) {
                    (RawOutcome::Struck { rule, reason }, _) => struck_letter(&mut b, o, raw, *rule, reason),
                    (_, Some(l)) if l.funding.is_none() => letter(&mut b, o, l, Some((raw, record))),
                    (RawOutcome::Merged { merge, .. }, Some(l)) => {
                        merged_funded_letter(&mut b, o, l, raw, *merge, record)
                    }
                    _ => continue,
                }
                n += 1;
            }
        }
    }
    if n == 0 {
        b.push(html!(
            "<section class=\"letter\"><h1>{}</h1><p class=\"center\">{}</p>\
             <p class=\"center en\">{}</p></section>",
            m.name,
            Html::lit(print::NO_LETTERS.zh),
            Html::lit(print::NO_LETTERS.en)
        ));
    }
    Ok(document(&m.language, &fill_in(print::LETTERS_TITLE.zh, &[("meeting", &m.name)]), CSS, &b))
}

/// Why not, in the letter's words: Chinese paragraphs and English ones.
struct Why {
    zh: Vec<Html>,
    en: Vec<Html>,
}

/// "尊敬的张三：" / "Dear 张三," (or to the proposer without a name).
fn dear(name: &str) -> (String, String) {
    if name.trim().is_empty() {
        print::DEAR_RESIDENT.fill(&[])
    } else {
        print::DEAR_NAME.fill(&[("name", name.trim())])
    }
}

/// The residents' proposals behind the meeting's proposal `id` (kept and merged).
fn behind(record: &Prescreening, id: &str) -> usize {
    record.raw.iter().filter(|r| r.outcome.proposal().is_some_and(|p| p == id)).count()
}

/// What became of a resident's own proposal before the meeting, for a
/// letter about the meeting's proposal it went into.
fn pre_screened(raw: &RawProposal, record: &Prescreening, p: &Proposal) -> (String, String) {
    let others = behind(record, &p.id).saturating_sub(1);
    let (with_zh, with_en) = if others > 0 {
        print::WITH_OTHERS.fill(&[("n", &others.to_string())])
    } else {
        (String::new(), String::new())
    };
    let values =
        [("id", raw.id.as_str()), ("text", raw.text.as_str()), ("title", p.title.as_str()), ("pid", p.id.as_str())];
    let with = |how: &'static str, with: &str| -> Vec<(&'static str, String)> {
        values
            .iter()
            .map(|&(k, v)| (k, v.to_string()))
            .chain([("how", how.to_string()), ("with", with.to_string())])
            .collect()
    };
    let fill = |template: &str, values: Vec<(&'static str, String)>| {
        fill_in(template, &values.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
    };
    match &raw.outcome {
        RawOutcome::Merged { merge, .. } => {
            let w = print::YOURS_MERGED_INTO;
            (fill(w.zh, with(merge.zh(), &with_zh)), fill(w.en, with(merge.en(), &with_en)))
        }
        _ => {
            let w = print::YOURS_WENT_AS;
            (fill(w.zh, with("", &with_zh)), fill(w.en, with("", with_en.trim_end_matches(','))))
        }
    }
}

/// A letter to a resident whose proposal was struck before the meeting.
fn struck_letter(b: &mut Html, o: &Outcome, raw: &RawProposal, rule: u8, reason: &str) {
    let m = &o.def.meeting;
    let (to_zh, to_en) = dear(&raw.proposer);
    let (rule_zh, rule_en) = EXCLUSION_RULES.get(usize::from(rule).wrapping_sub(1)).copied().unwrap_or(("", ""));
    let (place_zh, place_en) = if raw.location.is_empty() {
        (String::new(), String::new())
    } else {
        print::AT_PLACE.fill(&[("place", &raw.location)])
    };
    let sig_zh = lit_fill(print::SIGNED_ORGANISERS.zh, &[("meeting", &m.name)]);
    let (rule_n, id, text) = (&rule, &raw.id, &raw.text);
    b.push(html!(
        "<section class=\"letter\" data-raw=\"{}\" data-reason=\"struck\">\n<div class=\"head\"><span>{}</span><span>{}</span></div>\n\
         <div class=\"zh\">\n<p class=\"to\">{}</p>\n<p class=\"body\">{}</p>\n\
         <p class=\"result\">{}</p>\n\
         <p class=\"body\">{}</p>\n\
         <p class=\"quote\"><b>{}</b>{}</p>\n\
         <p class=\"body\">{}</p>\n\
         <p class=\"sig\">{}<br>{}<br>{}</p>\n</div>\n<hr class=\"sep\">\n\
         <div class=\"en\" lang=\"en\">\n<p class=\"to\">{}</p>\n<p>{}</p>\n\
         <p class=\"result\">{}</p>\n\
         <p>{}</p>\n\
         <p class=\"quote\"><b>{}</b>{}</p>\n\
         <p>{}</p>\n\
         <p class=\"sig\">{}</p>\n</div>\n</section>\n",
        raw.id,
        m.name,
        m.date,
        to_zh,
        lit_fill(print::THANKS_FOR_YOURS.zh, &[("id", id), ("text", text), ("place", &place_zh)]),
        lit_fill(print::STRUCK_RESULT.zh, &[("meeting", &m.name)]),
        lit_fill(print::STRUCK_WHY.zh, &[("n", rule_n), ("rule", &rule_zh)]),
        Html::lit(print::REASON_AS_WRITTEN.zh),
        reason,
        Html::lit(print::RECORD_PUBLISHED.zh),
        sig_zh,
        m.date,
        Html::lit(print::STAMP.zh),
        to_en,
        lit_fill(print::THANKS_FOR_YOURS.en, &[("id", id), ("text", text), ("place", &place_en)]),
        lit_fill(print::STRUCK_RESULT.en, &[("meeting", &m.name)]),
        lit_fill(print::STRUCK_WHY.en, &[("n", rule_n), ("rule", &rule_en)]),
        Html::lit(print::REASON_AS_WRITTEN.en),
        reason,
        Html::lit(print::RECORD_PUBLISHED.en),
        lit_fill(print::SIGNED_ORGANISERS.en, &[("meeting", &m.name)]),
    ));
}

/// A letter to a resident whose proposal was merged into one that was funded.
fn merged_funded_letter(
    b: &mut Html,
    o: &Outcome,
    l: &Line,
    raw: &RawProposal,
    merge: MergeKind,
    record: &Prescreening,
) {
    let m = &o.def.meeting;
    let (to_zh, to_en) = dear(&raw.proposer);
    let (pz, pe) = pre_screened(raw, record, l.proposal);
    let (cz, ce) = money(l.row.cost, o.currency());
    b.push(html!(
        "<section class=\"letter\" data-raw=\"{}\" data-proposal=\"{}\" data-reason=\"merged_funded\" data-merge=\"{}\">\n\
         <div class=\"head\"><span>{}</span><span>{}</span></div>\n<div class=\"zh\">\n<p class=\"to\">{}</p>\n<p class=\"body\">{}</p>\n\
         <p class=\"result\">{}</p>\n\
         <p class=\"body\">{}</p>\n\
         <p class=\"sig\">{}<br>{}<br>{}</p>\n</div>\n<hr class=\"sep\">\n\
         <div class=\"en\" lang=\"en\">\n<p class=\"to\">{}</p>\n<p>{}</p>\n\
         <p class=\"result\">{}</p>\n\
         <p>{}</p>\n\
         <p class=\"sig\">{}</p>\n</div>\n</section>\n",
        raw.id,
        l.proposal.id,
        merge.en(),
        m.name,
        m.date,
        to_zh,
        pz,
        lit_fill(print::FUNDED_RESULT.zh, &[("meeting", &m.name), ("votes", &l.row.votes), ("position", &l.row.position), ("cost", &cz)]),
        Html::lit(print::YOURS_IS_PART_OF_IT.zh),
        lit_fill(print::SIGNED_ORGANISERS.zh, &[("meeting", &m.name)]),
        m.date,
        Html::lit(print::STAMP.zh),
        to_en,
        pe,
        lit_fill(print::FUNDED_RESULT.en, &[("meeting", &m.name), ("votes", &l.row.votes), ("position", &l.row.position), ("cost", &ce)]),
        Html::lit(print::YOURS_IS_PART_OF_IT.en),
        lit_fill(print::SIGNED_ORGANISERS.en, &[("meeting", &m.name)]),
    ));
}

fn letter(b: &mut Html, o: &Outcome, l: &Line, raw: Option<(&RawProposal, &Prescreening)>) {
    let m = &o.def.meeting;
    let p = l.proposal;
    let cur = o.currency();
    let yuan = |n: u64| money(n, cur);
    let total = o.lines.len();
    let why = explain(o, l);
    let (cz, ce) = yuan(l.row.cost);
    let (bz, be) = yuan(o.results.budget);
    let (tz, te) = yuan(o.results.total_cost);
    let (place_zh, place_en) = if p.location.is_empty() {
        (String::new(), String::new())
    } else {
        print::AT_PLACE.fill(&[("place", &p.location)])
    };
    let (to_zh, to_en) = match raw {
        Some((r, _)) => dear(&r.proposer),
        None if p.proposer.trim().is_empty() => print::DEAR_PROPOSER.fill(&[]),
        None => print::DEAR_NAME.fill(&[("name", p.proposer.trim())]),
    };
    let (pre_zh, pre_en) = match raw {
        Some((r, record)) => {
            let (z, e) = pre_screened(r, record, p);
            (html!("<p class=\"body\">{}</p>\n", z), html!("<p>{}</p>\n", e))
        }
        None => (Html::new(), Html::new()),
    };
    let raw_attr = raw.map(|(r, _)| html!(" data-raw=\"{}\"", r.id)).unwrap_or_default();
    let (line_zh, line_en) = match o.at_line() {
        Some(a) => {
            let (pos, votes, (cz, ce)) = (a.row.position.to_string(), a.row.votes.to_string(), yuan(a.row.cost));
            let v = [("position", pos.as_str()), ("title", a.proposal.title.as_str()), ("votes", votes.as_str())];
            let w = print::LAST_ABOVE_THE_LINE;
            (fill_in(w.zh, &[&v[..], &[("cost", &cz)]].concat()), fill_in(w.en, &[&v[..], &[("cost", &ce)]].concat()))
        }
        None => print::NOTHING_WAS_FUNDED.fill(&[]),
    };

    let (date_zh, date_en) =
        if m.date.is_empty() { (String::new(), String::new()) } else { print::ON_DATE.fill(&[("date", &m.date)]) };
    b.push(html!(
        "<section class=\"letter\"{} data-proposal=\"{}\" data-reason=\"{}\">\n<div class=\"head\"><span>{}</span><span>{}</span></div>\n",
        raw_attr,
        p.id,
        letter_reason(l).map_or("", UnfundedReason::as_str),
        m.name,
        m.date,
    ));
    // Chinese.
    b.push(html!(
        "<div class=\"zh\">\n<p class=\"to\">{}</p>\n{}<p class=\"body\">{}</p>\n\
         <p class=\"result\">{}</p>\n",
        to_zh,
        pre_zh,
        lit_fill(
            print::THANKS_FOR_PROPOSING.zh,
            &[("title", &p.title), ("id", &p.id), ("place", &place_zh), ("date", &date_zh), ("meeting", &m.name)]
        ),
        Html::lit(print::NOT_FUNDED_RESULT.zh),
    ));
    for para in why.zh {
        b.push(para);
        b.push_lit("\n");
    }
    b.push(html!(
        "<table class=\"facts\">\n<tr><td>{}</td><td>{}</td></tr>\n<tr><td>{}</td><td>{}</td></tr>\n\
         <tr><td>{}</td><td>{}</td></tr>\n<tr><td>{}</td><td>{}</td></tr>\n</table>\n",
        Html::lit(print::VOTES_HEADER.zh),
        lit_fill(print::VOTES_VALUE.zh, &[("n", &l.row.votes)]),
        Html::lit(print::LETTER_PLACE.zh),
        lit_fill(print::POSITION_OF.zh, &[("position", &l.row.position), ("total", &total), ("rank", &l.row.rank)]),
        Html::lit(ui::COST.zh),
        cz,
        Html::lit(ui::BUDGET_LINE.zh),
        lit_fill(
            print::FUNDED_OF_BUDGET.zh,
            &[("n", &o.results.funded.len()), ("total", &tz), ("budget", &bz), ("last", &line_zh)]
        ),
    ));
    b.push(html!(
        "<p class=\"body\">{}</p>\n\
         <p class=\"sig\">{}<br>{}<br>{}</p>\n</div>\n<hr class=\"sep\">\n",
        Html::lit(print::IN_THE_RECORD.zh),
        lit_fill(print::SIGNED_ORGANISERS.zh, &[("meeting", &m.name)]),
        m.date,
        Html::lit(print::STAMP.zh),
    ));
    // English.
    b.push(html!(
        "<div class=\"en\" lang=\"en\">\n<p class=\"to\">{}</p>\n{}<p>{}</p>\n\
         <p class=\"result\">{}</p>\n",
        to_en,
        pre_en,
        lit_fill(
            print::THANKS_FOR_PROPOSING.en,
            &[("title", &p.title), ("id", &p.id), ("place", &place_en), ("date", &date_en), ("meeting", &m.name)]
        ),
        Html::lit(print::NOT_FUNDED_RESULT.en),
    ));
    for para in why.en {
        b.push(para);
        b.push_lit("\n");
    }
    b.push(html!(
        "<table class=\"facts\">\n<tr><td>{}</td><td>{}</td></tr>\n<tr><td>{}</td><td>{}</td></tr>\n\
         <tr><td>{}</td><td>{}</td></tr>\n<tr><td>{}</td><td>{}</td></tr>\n</table>\n\
         <p>{}</p>\n\
         <p class=\"sig\">{}</p>\n</div>\n</section>\n",
        Html::lit(print::VOTES_HEADER.en),
        lit_fill(print::VOTES_VALUE.en, &[("n", &l.row.votes)]),
        Html::lit(print::LETTER_PLACE.en),
        lit_fill(print::POSITION_OF.en, &[("position", &l.row.position), ("total", &total), ("rank", &l.row.rank)]),
        Html::lit(ui::COST.en),
        ce,
        Html::lit(ui::BUDGET_LINE.en),
        lit_fill(
            print::FUNDED_OF_BUDGET.en,
            &[("n", &o.results.funded.len()), ("total", &te), ("budget", &be), ("last", &line_en)]
        ),
        Html::lit(print::IN_THE_RECORD.en),
        lit_fill(print::SIGNED_ORGANISERS.en, &[("meeting", &m.name)]),
    ));
}

/// What a letter explains: the exclusion when an adviser excluded the
/// proposal (even if it also had no votes), else the count's reason.
pub fn letter_reason(l: &Line) -> Option<UnfundedReason> {
    if l.annotation.is_some_and(|a| a.feasibility == Feasibility::Excluded) {
        Some(UnfundedReason::Excluded)
    } else {
        l.row.unfunded_reason
    }
}

/// The reason, specific to this proposal: always the rule that decided and
/// the numbers it decided on.
fn explain(o: &Outcome, l: &Line) -> Why {
    let cur = o.currency();
    let yuan = |n: u64| money(n, cur);
    let (cz, ce) = yuan(l.row.cost);
    let (lz, le) = yuan(l.left_at_turn);
    let mut zh = vec![];
    let mut en = vec![];
    let para = |s: String| html!("<p class=\"body\">{}</p>", s);
    let quote = |label: &str, s: &str| html!("<p class=\"quote\"><b>{}</b>{}</p>", label, s);
    // One paragraph in each language, the values the same in both.
    let both_para = |zh: &mut Vec<Html>, en: &mut Vec<Html>, w: Words, values: &[(&str, &str)]| {
        let (z, e) = w.fill(values);
        zh.push(para(z));
        en.push(para(e));
    };
    let (votes, position) = (l.row.votes.to_string(), l.row.position.to_string());
    let (votes, position) = (votes.as_str(), position.as_str());
    // Only a confirmed exclusion excludes: the adviser's advice alone changes nothing.
    if let Some((n, rule_zh, rule_en)) = l.exclusion() {
        let (w, n) = (print::WHY_EXCLUDED, n.to_string());
        zh.push(para(fill_in(w.zh, &[("n", &n), ("rule", rule_zh), ("votes", votes)])));
        en.push(para(fill_in(w.en, &[("n", &n), ("rule", rule_en), ("votes", votes)])));
        let Some(a) = l.annotation else { return Why { zh, en } };
        if !a.reason.trim().is_empty() {
            zh.push(quote(print::ADVISERS_REASON.zh, a.reason.trim()));
            en.push(quote(print::ADVISERS_REASON.en, a.reason.trim()));
        }
        if !a.remark.trim().is_empty() {
            zh.push(quote(print::ADVISERS_REMARK.zh, a.remark.trim()));
            en.push(quote(print::ADVISERS_REMARK.en, a.remark.trim()));
        }
        if let Some(c) = a.cost_estimate {
            let (w, (cz, ce)) = (print::ADVISERS_ESTIMATE, yuan(c));
            zh.push(para(fill_in(w.zh, &[("cost", &cz)])));
            en.push(para(fill_in(w.en, &[("cost", &ce)])));
        }
        return Why { zh, en };
    }
    match l.row.unfunded_reason.map(UnfundedReason::as_str) {
        Some("no_votes") => {
            both_para(&mut zh, &mut en, print::WHY_NO_VOTES, &[]);
        }
        Some("stopped") => {
            let stop = o.stop_row();
            let (sz, se) = match stop {
                Some(s) => {
                    let (w, pos) = (print::STOPPED_AT, s.row.position.to_string());
                    let ((cz, ce), (lz, le)) = (yuan(s.row.cost), yuan(s.left_at_turn));
                    let t = s.proposal.title.as_str();
                    (
                        fill_in(w.zh, &[("position", &pos), ("title", t), ("cost", &cz), ("left", &lz)]),
                        fill_in(w.en, &[("position", &pos), ("title", t), ("cost", &ce), ("left", &le)]),
                    )
                }
                None => print::AT_THE_BUDGET_LINE.fill(&[]),
            };
            let w = print::WHY_STOPPED;
            let v = [("votes", votes), ("position", position)];
            zh.push(para(fill_in(w.zh, &[&v[..], &[("at", &sz)]].concat())));
            en.push(para(fill_in(w.en, &[&v[..], &[("at", &se)]].concat())));
        }
        Some("does_not_fit") if o.results.allocation == Allocation::EqualShares => {
            let e = o.results.equal_shares.as_ref();
            let voters = e.map_or(0, |e| e.voters);
            let share = e.map_or_else(String::new, |e| e.share.clone());
            let voters = voters.to_string();
            let v = [("votes", votes), ("position", position), ("voters", voters.as_str()), ("share", share.as_str())];
            both_para(&mut zh, &mut en, print::WHY_EQUAL_SHARES, &v);
            if o.shares_fall_short(l) {
                let sum = o.shares_of(l.row.votes).unwrap_or_default();
                let (w, v) = (print::SHARES_FALL_SHORT, [("votes", votes), ("sum", sum.as_str())]);
                zh.push(para(fill_in(w.zh, &[&v[..], &[("cost", &cz)]].concat())));
                en.push(para(fill_in(w.en, &[&v[..], &[("cost", &ce)]].concat())));
            } else {
                let w = print::SHARES_SPENT_ELSEWHERE;
                zh.push(para(fill_in(w.zh, &[("cost", &cz)])));
                en.push(para(fill_in(w.en, &[("cost", &ce)])));
            }
            let w = print::COMPLETION_DID_NOT_FIT;
            zh.push(para(fill_in(w.zh, &[("left", &lz), ("cost", &cz)])));
            en.push(para(fill_in(w.en, &[("left", &le), ("cost", &ce)])));
        }
        Some("does_not_fit") => {
            let (w, v) = (print::WHY_DID_NOT_FIT, [("votes", votes), ("position", position)]);
            zh.push(para(fill_in(w.zh, &[&v[..], &[("left", &lz), ("cost", &cz)]].concat())));
            en.push(para(fill_in(w.en, &[&v[..], &[("left", &le), ("cost", &ce)]].concat())));
        }
        _ => {
            both_para(&mut zh, &mut en, print::WHY_NOT_FUNDED, &[("votes", votes), ("position", position)]);
        }
    }
    // The rule itself, in the words the landing page, the projector and the notice use.
    let rule = yuanzhuo_protocol::words::allocation(o.results.allocation);
    let w = print::FUNDING_RULE_ANNOUNCED;
    zh.push(para(fill_in(w.zh, &[("rule", rule.zh)])));
    en.push(para(fill_in(w.en, &[("rule", rule.en)])));
    Why { zh, en }
}
