//! The results notice (公示) for the notice board: one A4 document with the
//! meeting, the rules, the turnout, the ranked list with the budget line,
//! the ties and how they were broken, the equal-shares explanation when that
//! was the rule, the log head and how anyone can check it, and room for the
//! stamp and the signatures of the chair, the scrutineer and the counter.
//!
//! It is public once the vote is counted (`/notice`), so it holds nothing a
//! resident should not see: no tokens, no proposers' names, no ballots.
//!
//! The results come first. Printed, it reads in both languages as before;
//! on a screen a switch at the top shows one language at a time (the
//! meeting's first, by CSS alone: the page runs no script), and below
//! 600 px each proposal is a block of its own instead of a table row.

use anyhow::Result;

use super::html::{document, html, Html};
use super::*;

const CSS: &str = r#"
.langs { display: flex; flex-wrap: wrap; gap: 2mm; justify-content: center; margin: 0 0 3mm; }
.langs input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.langs label { display: inline-flex; align-items: center; min-height: 44px; padding: 0 4mm; border: 0.8pt solid #555; border-radius: 2mm; cursor: pointer; }
.langs input:checked + label { background: #111; color: #fff; font-weight: bold; }
.langs input:focus-visible + label { outline: 2px solid #0b57d0; outline-offset: 2px; }
@media print { .langs { display: none; } }
@media screen {
  body:has(#lang-zh:checked) .en { display: none; }
  body:has(#lang-en:checked) .zh { display: none; }
  body:has(#lang-en:checked) .en { color: inherit; font-size: 1em; }
}
.rank th .en { display: block; }
.sub { text-align: center; margin: 0 0 3mm; }
.status { text-align: center; font-weight: bold; margin: 1mm 0 3mm; }
.facts td:first-child { width: 34%; background: #f6f6f6; }
.rank { table-layout: fixed; }
.rank col.w6 { width: 6%; }
.rank col.w7 { width: 7%; }
.rank col.w9 { width: 9%; }
.rank col.w10 { width: 10%; }
.rank col.w18 { width: 18%; }
.rank col.w37 { width: 37%; }
.rank col.w43 { width: 43%; }
.rank td { font-size: 9pt; line-height: 1.3; padding: 0.6mm 1.2mm; }
.rank th { padding: 0.6mm 1.2mm; }
.rank td.id { white-space: nowrap; }
.rank .en { font-size: 0.85em; }
.rank tr.funded td { background: #eef7ee; }
.rank tr.line td { border-top: 2.2pt solid #b00000; border-bottom: 2.2pt solid #b00000; background: #fff; color: #b00000;
  font-weight: bold; text-align: center; padding: 1.2mm; }
.rank .title { font-weight: bold; }
.rank .loc { color: #333; font-size: 0.9em; }
.ok { font-weight: bold; }
.ties li, .shares li { margin: 0.6mm 0; }
.sign { display: flex; gap: 4mm; margin-top: 4mm; }
.sign > div { flex: 1; border: 0.6pt solid #000; min-height: 30mm; padding: 2mm; }
.sign .who { font-weight: bold; }
.sign .blank { margin-top: 12mm; border-top: 0.5pt solid #000; padding-top: 0.6mm; font-size: 9pt; }
.stamp { display: flex; justify-content: space-between; align-items: flex-end; margin-top: 4mm; gap: 6mm; }
.stamp .seal { width: 38mm; height: 38mm; border: 0.6pt dashed #777; border-radius: 50%; display: flex; align-items: center;
  justify-content: center; text-align: center; color: #666; font-size: 9pt; flex: none; }
.foot { margin-top: 4mm; font-size: 8.5pt; color: #333; text-align: center; }
/* A phone: one block per proposal (rank, number and title; then votes, cost, running total, outcome). */
@media screen and (max-width: 600px) {
  body { font-size: 16px; padding: 3mm 3mm 10mm; }
  h1 { font-size: 21px; }
  h2 { font-size: 18px; }
  .rank, .rank tbody { display: block; width: 100%; }
  .rank colgroup, .rank thead { display: none; }
  .rank tr { display: flex; flex-wrap: wrap; align-items: baseline; gap: 1mm 3mm; border: 0.6pt solid #666; border-radius: 2mm; margin: 0 0 2mm; padding: 2mm 3mm; }
  .rank td { display: block; border: none; padding: 0; font-size: 15px; text-align: left; }
  .rank td.rk { font-weight: bold; font-size: 17px; }
  .rank td.rk::before { content: "{rank_before_zh}"; font-weight: normal; font-size: 15px; }
  .rank td.rk::after { content: "{rank_after_zh}"; font-weight: normal; font-size: 15px; }
  .rank td.prop { flex: 1 1 60%; min-width: 0; }
  .rank td.id { font-weight: bold; }
  .rank td.votes::before { content: "{votes_zh}"; }
  .rank td.cost::before { content: "{cost_zh}"; }
  .rank td.run::before { content: "{running_zh}"; }
  body:has(#lang-en:checked) .rank td.rk::before { content: "{rank_before_en}"; }
  body:has(#lang-en:checked) .rank td.rk::after { content: "{rank_after_en}"; }
  body:has(#lang-en:checked) .rank td.votes::before { content: "{votes_en}"; }
  body:has(#lang-en:checked) .rank td.cost::before { content: "{cost_en}"; }
  body:has(#lang-en:checked) .rank td.run::before { content: "{running_en}"; }
  .rank td.out { flex: 1 0 100%; }
  .rank tr.line { display: block; border: none; border-top: 2.2pt solid #b00000; border-radius: 0; }
  .rank tr.line td { border: none; display: block; }
  .facts, .facts tbody, .facts tr, .facts td { display: block; width: auto !important; }
  .facts tr { border-bottom: 0.6pt solid #999; padding: 1mm 0; }
  .facts td { border: none; padding: 0.5mm 0; background: none !important; }
  .facts td:first-child { font-weight: bold; }
  .sign { flex-direction: column; }
  .stamp { flex-direction: column; align-items: flex-start; }
  .hash, code { overflow-wrap: anywhere; }
}
"#;

/// Chinese and English, each in its own span, so that a screen can show one.
fn both(zh: &str, en: &str) -> Html {
    html!("<span class=\"zh\">{}</span> <span class=\"en\">{}</span>", zh, en)
}

/// An entry of the documents' words (`words::print`, `words::ui`) in both spans.
fn say(w: Words) -> Html {
    both(w.zh, w.en)
}

/// An entry with each `{name}` filled in, in both spans.
fn fill(w: Words, values: &[(&str, &str)]) -> Html {
    let (zh, en) = w.fill(values);
    both(&zh, &en)
}

/// A heading in both languages.
fn h2(w: Words) -> Html {
    html!("<h2>{}</h2>\n", say(w))
}

/// The style sheet with the labels a phone shows before each cell.
fn css() -> String {
    let (rank, after) = (print::NOTICE_RANK_BEFORE, print::NOTICE_RANK_AFTER);
    let (votes, cost, running) = (print::NOTICE_VOTES_BEFORE, print::NOTICE_COST_BEFORE, print::NOTICE_RUNNING_BEFORE);
    fill_in(
        CSS,
        &[
            ("rank_before_zh", rank.zh),
            ("rank_after_zh", after.zh),
            ("votes_zh", votes.zh),
            ("cost_zh", cost.zh),
            ("running_zh", running.zh),
            ("rank_before_en", rank.en),
            ("rank_after_en", after.en),
            ("votes_en", votes.en),
            ("cost_en", cost.en),
            ("running_en", running.en),
        ],
    )
}

/// The notice as a standalone HTML document (only once the vote is closed).
pub fn notice(o: &Outcome) -> Result<String> {
    require_final(o, print::NOTICE.zh, print::NOTICE.en)?;
    let m = &o.def.meeting;
    let r = &o.def.rules;
    let cur = o.currency();
    let yuan = |n: u64| money(n, cur);
    let (bz, be) = yuan(r.budget.amount);
    let mut b = Html::new();

    // Heading.
    b.push(html!(
        "<h1>{}<br>{}</h1>\n<p class=\"sub\">{}{}{}</p>\n",
        m.name,
        say(print::RESULTS_NOTICE_TITLE),
        m.venue,
        if m.venue.is_empty() || m.date.is_empty() { "" } else { " · " },
        m.date
    ));
    let status = if o.state.phase == Phase::Published { say(print::RESULTS_PUBLISHED) } else { say(print::COUNTED) };
    b.push(html!("<p class=\"status\">{}</p>\n", status));
    // One language at a time on a screen (the meeting's first); both on paper.
    let (zh_on, en_on) = if m.language == "en" { ("", " checked") } else { (" checked", "") };
    b.push(html!(
        "<div class=\"langs\" role=\"radiogroup\" aria-label=\"{} {}\">\
         <input type=\"radio\" name=\"lang\" id=\"lang-zh\"{}><label for=\"lang-zh\" lang=\"zh-CN\">{}</label>\
         <input type=\"radio\" name=\"lang\" id=\"lang-en\"{}><label for=\"lang-en\" lang=\"en\">{}</label>\
         <input type=\"radio\" name=\"lang\" id=\"lang-both\"><label for=\"lang-both\">{} + {}</label></div>\n",
        print::LANGUAGE.zh,
        print::LANGUAGE.en,
        Html::lit(zh_on),
        print::LANGUAGE_NAMES.zh,
        Html::lit(en_on),
        print::LANGUAGE_NAMES.en,
        print::LANGUAGE_NAMES.zh,
        print::LANGUAGE_NAMES.en,
    ));

    // The ranking with the budget line.
    let funded_n = o.results.funded.len();
    let (tz, te) = yuan(o.results.total_cost);
    let (lz, le) = yuan(o.results.budget.saturating_sub(o.results.total_cost));
    b.push(h2(print::RANKING_AND_FUNDING));
    b.push(html!(
        "<p>{}</p>\n",
        fill2(
            print::NOTICE_RANKING_LEGEND,
            &[("n", &funded_n.to_string())],
            &[("total", &tz), ("left", &lz)],
            &[("total", &te), ("left", &le)]
        )
    ));
    b.push_lit(
        "<table class=\"rank\">\n<colgroup><col class=\"w6\"><col class=\"w7\"><col class=\"w43\">\
         <col class=\"w7\"><col class=\"w9\"><col class=\"w10\"><col class=\"w18\"></colgroup>\n<thead><tr>",
    );
    let th = |w: Words| html!("<span class=\"zh\">{}</span><span class=\"en\">{}</span>", w.zh, w.en);
    b.push(html!(
        "<th class=\"num\">{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        th(ui::RANK),
        th(print::NOTICE_ID),
        th(print::PROPOSAL_AND_PLACE),
        th(print::VOTES_HEADER),
        th(ui::COST),
        th(print::RUNNING),
        th(print::OUTCOME),
    ));
    for (i, l) in o.lines.iter().enumerate() {
        let outcome = match (l.funding, l.row.unfunded_reason.map(UnfundedReason::as_str)) {
            (Some(Funding::Shares), _) => html!("<span class=\"ok\">✓ {}</span>", say(print::FUNDED_SHARES)),
            (Some(Funding::Completion), _) => {
                html!("<span class=\"ok\">✓ {}</span>", say(print::FUNDED_COMPLETION))
            }
            (Some(Funding::Greedy), _) => html!("<span class=\"ok\">✓ {}</span>", say(print::FUNDED)),
            (None, Some("excluded")) => match l.exclusion() {
                Some((n, _, _)) => fill(print::EXCLUDED_RULE_N, &[("n", &n.to_string())]),
                None => say(print::EXCLUDED),
            },
            (None, code) => say(short_reason(code.unwrap_or(""))),
        };
        let stickers = if l.stickers > 0 {
            html!("<br>{}", fill(print::INCL_STICKERS, &[("n", &l.stickers.to_string())]))
        } else {
            Html::new()
        };
        let loc = if l.proposal.location.is_empty() {
            Html::new()
        } else {
            html!(" <span class=\"loc\">· {}</span>", l.proposal.location)
        };
        // A shared rank is written "3=", as on every screen.
        let tied = o.lines.iter().filter(|x| x.row.rank == l.row.rank).count() > 1;
        b.push(html!(
            "<tr class=\"{}\" data-position=\"{}\"><td class=\"num rk\">{}{}</td><td class=\"id\">{}</td><td class=\"prop\"><span class=\"title\">{}</span>{}</td>\
             <td class=\"num votes\">{}{}</td><td class=\"num cost\">{}</td><td class=\"num run\">{}</td><td class=\"out\">{}</td></tr>\n",
            if l.row.funded { "funded" } else { "" },
            l.row.position,
            l.row.rank,
            if tied { "=" } else { "" },
            l.proposal.id,
            l.proposal.title,
            loc,
            l.row.votes,
            stickers,
            grouped(l.row.cost),
            grouped(l.row.running_total),
            outcome,
        ));
        if i + 1 == o.line {
            b.push(html!(
                "<tr class=\"line\"><td colspan=\"7\">{}</td></tr>\n",
                fill2(
                    print::BUDGET_LINE_FUNDED,
                    &[("n", &funded_n.to_string())],
                    &[("total", &tz), ("budget", &bz)],
                    &[("total", &te), ("budget", &be)]
                )
            ));
        }
    }
    if o.line == 0 {
        b.push(html!("<tr class=\"line\"><td colspan=\"7\">{}</td></tr>\n", say(print::BUDGET_LINE_NOTHING_FUNDED)));
    }
    b.push_lit("</tbody>\n</table>\n");

    // The rules.
    let (alloc_zh, alloc_en) = allocation_text(r.allocation);
    let (tie_zh, tie_en) = tie_break_text(r.tie_break);
    let (tally_zh, tally_en) = tally_text(r.tally);
    b.push(h2(print::THE_RULES_FIXED));
    b.push_lit("<table class=\"facts\">\n");
    let mut fact = |k: Html, v: Html| {
        b.push(html!("<tr><td>{}</td><td>{}</td></tr>\n", k, v));
    };
    fact(say(ui::BUDGET), both(&bz, &be));
    fact(
        say(ui::EACH_BALLOT),
        fill(
            print::AT_MOST_N_OF_PROPOSALS,
            &[("max", &r.max_choices.to_string()), ("n", &o.def.proposals.len().to_string())],
        ),
    );
    fact(say(ui::FUNDING_RULE), both(alloc_zh, alloc_en));
    fact(say(ui::TIE_RULE), both(tie_zh, tie_en));
    fact(say(print::TALLY_SHOWN), both(tally_zh, tally_en));
    fact(
        say(ui::RULES_FINGERPRINT),
        html!(
            "<span class=\"hash\">{}</span> <span class=\"en\">{}</span>",
            o.state.fingerprint,
            Html::lit(print::SHOWN_WHEN_MEETING_OPENED.en)
        ),
    );
    b.push_lit("</table>\n");

    // Turnout.
    let tu = &o.turnout;
    b.push(h2(ui::TURNOUT));
    let received = tu.phone + tu.paper + tu.void_total();
    b.push(html!(
        "<p>{}</p>\n",
        fill(
            print::BALLOTS_RECEIVED,
            &[
                ("received", &received.to_string()),
                ("phone", &tu.phone.to_string()),
                ("paper", &(tu.paper + tu.void_total()).to_string()),
                ("void", &tu.void_total().to_string()),
                ("count", &tu.counting().to_string()),
            ]
        )
    ));
    if tu.void_total() > 0 {
        let each = |k: &VoidReason, n: &u64| {
            let (zh, en) = void_text(k);
            print::VOID_REASON_N.fill(&[("reason_zh", zh), ("reason_en", en), ("n", &n.to_string())])
        };
        let (zh, en): (Vec<String>, Vec<String>) = tu.void.iter().map(|(k, n)| each(k, n)).unzip();
        let sep = ui::COMMA;
        b.push(html!(
            "<p>{}</p>\n",
            fill2(print::VOID_UNDER_THE_RULES, &[], &[("list", &zh.join(sep.zh))], &[("list", &en.join(sep.en))])
        ));
    }
    if tu.boards > 0 || tu.stickers > 0 {
        b.push(html!(
            "<p>{}</p>\n",
            fill(
                if tu.boards == 1 { print::STICKER_BOARDS_ONE } else { print::STICKER_BOARDS },
                &[("boards", &tu.boards.to_string()), ("stickers", &tu.stickers.to_string())]
            )
        ));
    }
    if tu.batches > 0 {
        b.push(html!(
            "<p>{}</p>\n",
            fill(
                if tu.batches == 1 { print::PAPER_BATCHES_ONE } else { print::PAPER_BATCHES },
                &[("n", &tu.batches.to_string())]
            )
        ));
    }

    // Ties.
    b.push(h2(ui::TIES));
    if o.results.ties.is_empty() {
        b.push(html!("<p>{}</p>\n", say(print::NO_EQUAL_VOTES)));
    } else {
        let how = both(tie_zh, tie_en);
        b.push(html!("<p>{}{}{}</p>\n<ul class=\"ties\">\n", say(print::ORDERED_BY), Html::lit(ui::COLON.zh), how));
        // Decisive ties first: those are where the rule, not the voters, decided.
        let mut groups: Vec<&TieGroup> = o.results.ties.iter().collect();
        groups.sort_by_key(|g| (!g.decisive, std::cmp::Reverse(g.votes)));
        for g in groups {
            let ids = g.proposals.join(" → ");
            let what = if g.decisive {
                html!("<strong>{}</strong>", say(print::TIE_DECIDED_FUNDING))
            } else {
                say(print::TIE_NO_EFFECT)
            };
            b.push(html!(
                "<li>{}{}{} — {}</li>\n",
                fill(if g.votes == 1 { print::N_VOTES_ONE } else { print::N_VOTES }, &[("n", &g.votes.to_string())]),
                Html::lit(ui::COLON.zh),
                ids,
                what
            ));
        }
        b.push_lit("</ul>\n");
        if r.tie_break == TieBreak::Lot {
            b.push(html!("<p>{} <span class=\"hash\">{}</span></p>\n", say(print::LOT_SEED), o.results.closed_at_head));
        }
    }

    // Equal shares, explained.
    if let Some(e) = &o.results.equal_shares {
        b.push(h2(print::HOW_EQUAL_SHARES_DECIDED));
        b.push(html!(
            "<p>{}</p>\n",
            fill2(
                print::EQUAL_SHARES_EXPLAINED,
                &[("voters", &e.voters.to_string()), ("share", &e.share.to_string())],
                &[("budget", &bz)],
                &[("budget", &be)]
            )
        ));
        b.push_lit("<ol class=\"shares\">\n");
        for id in &e.selected {
            if let Some(l) = o.lines.iter().find(|l| &l.row.proposal == id) {
                let (cz, ce) = yuan(l.row.cost);
                b.push(html!(
                    "<li>{} {} — {}</li>\n",
                    id,
                    l.proposal.title,
                    fill2(
                        if l.row.votes == 1 { print::COST_SUPPORTERS_ONE } else { print::COST_SUPPORTERS },
                        &[("n", &l.row.votes.to_string())],
                        &[("cost", &cz)],
                        &[("cost", &ce)]
                    )
                ));
            }
        }
        if e.selected.is_empty() {
            b.push(html!("<li>{}</li>\n", say(print::SHARES_BOUGHT_NOTHING)));
        }
        b.push_lit("</ol>\n");
        let spent: u64 =
            e.selected.iter().filter_map(|id| o.lines.iter().find(|l| &l.row.proposal == id)).map(|l| l.row.cost).sum();
        let (rz, re) = yuan(o.results.budget.saturating_sub(spent));
        let completed = Html::join(
            e.completion
                .iter()
                .filter_map(|id| o.lines.iter().find(|l| &l.row.proposal == id))
                .map(|l| html!("{} {}", l.row.proposal, l.proposal.title)),
            ui::SEMICOLON.zh,
        );
        b.push(html!(
            "<p>{}{}</p>\n",
            fill2(print::COMPLETION_LEFT, &[], &[("left", &rz)], &[("left", &re)]),
            if completed.is_empty() { say(ui::NONE_LOWER) } else { completed }
        ));
    }

    if let Some(record) = &o.state.prescreening {
        super::record::notice_section(&mut b, record, &o.def.proposals);
    }

    // How to check.
    b.push(h2(print::HOW_TO_CHECK_NOTICE));
    b.push(html!(
        "<p>{}</p>\n<p class=\"hash\">{}</p>\n",
        fill(print::NOTICE_MADE_FROM_LOG, &[("n", &o.log_length.to_string())]),
        spaced_hash(&o.log_head)
    ));
    let short = o.log_head.get(..16).unwrap_or(&o.log_head);
    b.push(html!(
        "<p>{}</p>\n<p>{}</p>\n",
        fill(print::LOG_IS_CHAINED, &[("short", short)]),
        say(print::BOARD_LISTS_EVERY_BALLOT)
    ));

    // Signatures and the stamp.
    b.push_lit("<div class=\"keep\">\n");
    b.push(h2(print::SIGNATURES));
    b.push_lit("<div class=\"sign\">\n");
    for who in [print::CHAIR_OF_THE_MEETING, ui::ROLE_SCRUTINEER, print::COUNTER] {
        b.push(html!(
            "<div><div class=\"who\">{}</div><div class=\"blank\">{}</div><div class=\"blank\">{}</div></div>\n",
            say(who),
            say(print::SIGNATURE),
            say(print::DATE)
        ));
    }
    b.push_lit("</div>\n<div class=\"stamp\"><div>");
    b.push(html!("<p>{}</p><p>{}</p>", say(print::NOTICE_PERIOD), say(print::OBJECTIONS_TO)));
    b.push(html!("</div><div class=\"seal\">{}</div></div>\n</div>\n", say(print::STAMP)));
    b.push(html!(
        "<p class=\"foot\">{}</p>\n",
        fill(print::NOTICE_FOOT, &[("n", &o.log_length.to_string()), ("short", short)])
    ));
    let title = fill_in(print::NOTICE_TITLE.zh, &[("meeting", &m.name)]);
    Ok(document(&m.language, &title, &css(), &b))
}

/// An entry whose values differ by language (amounts) as well as shared ones, in both spans.
fn fill2(w: Words, shared: &[(&str, &str)], zh: &[(&str, &str)], en: &[(&str, &str)]) -> Html {
    let zh: Vec<(&str, &str)> = shared.iter().chain(zh).copied().collect();
    let en: Vec<(&str, &str)> = shared.iter().chain(en).copied().collect();
    both(&fill_in(w.zh, &zh), &fill_in(w.en, &en))
}

/// A reason short enough for the ranking's last column (the legend above
/// the table and the letters say it in full).
fn short_reason(code: &str) -> Words {
    match code {
        "no_votes" => ui::NO_VOTES,
        "does_not_fit" => print::DOES_NOT_FIT,
        "stopped" => print::FUNDING_STOPPED_SHORT,
        _ => print::NOT_FUNDED,
    }
}

/// The page `/notice` shows before the vote is counted.
pub fn not_yet(meeting: &MeetingInfo) -> String {
    let body = html!(
        "<h1>{}</h1>\n<p class=\"center\">{}</p>\n<p class=\"center\">{}</p>",
        meeting.name,
        say(print::NOTICE_NOT_YET),
        say(print::FOLLOW_LIVE_ON_FRONT_PAGE),
    );
    let title = format!("{} / {}", print::RESULTS_NOTICE.zh, print::RESULTS_NOTICE.en);
    document(&meeting.language, &title, "", &body)
}
