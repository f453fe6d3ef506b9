//! Numbered paper ballots: one ballot per sheet, for residents who vote
//! on paper. Each carries the meeting, the rules in one line (at most N
//! choices, a ballot with more is void), every proposal with a check box,
//! its number and title (and place), and the ballot's number, large, on
//! every side.
//!
//! **The number is what the desk keys.** Numbers are printed as plain
//! digits without leading zeros (`117`), exactly as the hub keeps them
//! (docs/protocol.md, "Paper ballot numbers"): a counter who types `0117`
//! or `１１７` still keys ballot 117. With the door register the registrar
//! types the same number at `/door` when handing the ballot out.
//!
//! **Large enough for elderly eyes.** Titles are 13 pt where a ballot fits
//! one side at that size, else 12 or 11 pt (never smaller: 11 pt is 14.7 CSS
//! px); when even 11 pt does not fit one side the ballot goes onto both
//! sides of one sheet at the largest of these sizes that fits them (or more
//! sheets for a street-sized list), with the number and the rules on every
//! side. How much fits is measured
//! here with [`ems`] before anything is laid out; the browser tests check
//! that Chromium keeps every side inside its page.

use anyhow::Result;

use super::hall::{ems, lines, mm_of_pt, refused, Hall, MAX_BALLOTS};
use super::html::{document, fill, html, lit_fill, say, Html};
use yuanzhuo_protocol::words::{fill_in, print, ui, Words};
use yuanzhuo_protocol::Proposal;

const CSS: &str = r#"
@page { size: A4; margin: 10mm 12mm; }
body { max-width: 186mm; font-size: 10.5pt; line-height: 1.3; }
@media screen { .page { border: 1px solid #bbb; padding: 4mm; margin-bottom: 6mm; } }
@media print { .screen-only { display: none; } }
.screen-only { border: 1px solid #888; padding: 2mm 3mm; margin: 0 0 6mm; font-size: 11pt; }
.page { break-after: page; page-break-after: always; }
.ballot:last-child .page:last-child { break-after: auto; page-break-after: auto; }
.top { display: flex; justify-content: space-between; align-items: flex-start; gap: 4mm; margin-bottom: 2mm; }
.what { flex: 1; min-width: 0; }
.meeting { font-size: 14pt; font-weight: bold; line-height: 1.3; }
.sub { font-size: 10.5pt; line-height: 1.4; }
.kind { font-size: 16pt; font-weight: bold; line-height: 1.3; letter-spacing: 0.1em; }
.kind .en { letter-spacing: 0; }
.numbox { flex: none; width: 56mm; border: 1.6pt solid #000; padding: 1.5mm 2mm; text-align: center; }
.numbox .lab { font-size: 10.5pt; line-height: 1.3; }
.number { font-size: 32pt; font-weight: bold; line-height: 1.1; font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; letter-spacing: 0.04em; }
.top2 { display: flex; justify-content: space-between; align-items: baseline; gap: 4mm; border-bottom: 1pt solid #000; padding-bottom: 1mm; margin-bottom: 2mm; }
.top2 .kind { font-size: 13pt; }
.top2 .no { font-size: 13pt; font-weight: bold; white-space: nowrap; }
.top2 .no .number { font-size: 20pt; }
.rule { font-size: 13pt; font-weight: bold; line-height: 1.35; margin: 0; }
.rule-en { font-size: 9.5pt; line-height: 1.3; margin: 0 0 2mm; color: #333; }
.cols { display: flex; gap: 6mm; margin-top: 2mm; }
.cols > table { flex: 1; min-width: 0; }
.items { border-collapse: collapse; width: 100%; }
.items td { border: 0; border-bottom: 0.3mm solid #999; vertical-align: middle; padding: 0 1mm; line-height: 1.3; }
.items td.bx, .items td.pid { width: 1%; white-space: nowrap; }
.items td.pid { font-weight: bold; }
.sq { display: inline-block; vertical-align: middle; border: 1.8pt solid #000; border-radius: 0.8mm; background: #fff; }
.loc { color: #222; }
.x { font-weight: bold; border: 0.8pt solid #000; padding: 0 0.8mm; margin-left: 1mm; white-space: nowrap; }
.t-a td { padding-top: 1.4mm; padding-bottom: 1.4mm; }
.t-a .sq { width: 8mm; height: 8mm; }
.t-a td.pid, .t-a td.what { font-size: 13pt; }
.t-a .loc, .t-a .x { font-size: 11pt; }
.t-b td { padding-top: 1mm; padding-bottom: 1mm; }
.t-b .sq { width: 7mm; height: 7mm; }
.t-b td.pid, .t-b td.what { font-size: 12pt; }
.t-b .loc, .t-b .x { font-size: 10.5pt; }
.t-c td { padding-top: 0.7mm; padding-bottom: 0.7mm; }
.t-c .sq { width: 6mm; height: 6mm; }
.t-c td.pid, .t-c td.what { font-size: 11pt; }
.t-c .loc, .t-c .x { font-size: 10.5pt; }
.foot { display: flex; justify-content: space-between; gap: 4mm; border-top: 1pt solid #000; margin-top: 3mm; padding-top: 1mm; font-size: 10.5pt; line-height: 1.35; }
.foot .turn { font-weight: bold; }
.blank-side { text-align: center; padding-top: 60mm; font-size: 14pt; }
"#;

/// A size for the proposals' rows: titles and ids at `title_pt`, the place
/// at `meta_pt`, check boxes `box_mm` square.
struct Tier {
    class: &'static str,
    title_pt: f32,
    meta_pt: f32,
    box_mm: f32,
    pad_mm: f32,
}

const LARGE: Tier = Tier { class: "t-a", title_pt: 13.0, meta_pt: 11.0, box_mm: 8.0, pad_mm: 1.4 };
const TIERS: [Tier; 3] = [
    LARGE,
    Tier { class: "t-b", title_pt: 12.0, meta_pt: 10.5, box_mm: 7.0, pad_mm: 1.0 },
    Tier { class: "t-c", title_pt: 11.0, meta_pt: 10.5, box_mm: 6.0, pad_mm: 0.7 },
];

/// The printable area of an A4 page with this document's margins, less a
/// margin of safety for what the measuring cannot see.
const PAGE_W: f32 = 186.0;
const PAGE_H: f32 = 277.0 - 7.0;
const COLUMN_GAP: f32 = 6.0;
/// Line height as budgeted (the style says 1.3; mixed sizes on one line
/// stand a little taller).
const LH: f32 = 1.38;
/// Up to this many proposals, one column.
const ONE_COLUMN: usize = 6;

/// The ballots numbered `from` to `to`, both included.
pub fn ballots(h: &Hall, from: u32, to: u32) -> Result<String> {
    if from == 0 || to < from {
        return Err(refused(
            "invalid_field",
            print::BALLOT_RANGE_STARTS_AT_ONE.zh,
            print::BALLOT_RANGE_STARTS_AT_ONE.en,
        ));
    }
    if to - from >= MAX_BALLOTS {
        let (zh, en) = print::AT_MOST_BALLOTS_AT_A_TIME
            .fill(&[("max", &MAX_BALLOTS.to_string()), ("next", &(MAX_BALLOTS + 1).to_string())]);
        return Err(refused("too_many_ballots", zh, en));
    }
    let used = used_numbers(h, from, to);
    if !used.is_empty() {
        let shown: Vec<String> = used.iter().take(20).cloned().collect();
        let more = if used.len() > 20 { "…" } else { "" };
        let (w, n, sep) = (print::NUMBERS_ALREADY_USED, used.len().to_string(), ui::LIST_SEP);
        return Err(refused(
            "ballot_numbers_used",
            fill_in(w.zh, &[("n", &n), ("numbers", &shown.join(sep.zh)), ("more", more)]),
            fill_in(w.en, &[("n", &n), ("numbers", &shown.join(sep.en)), ("more", more)]),
        ));
    }
    let m = &h.def.meeting;
    let r = &h.def.rules;
    let props: Vec<&Proposal> = h.def.proposals.iter().collect();
    let layout = plan(h, &props);
    let pages = layout.pages.len();
    let fp = h.fingerprint();
    let mut b = Html::new();

    // On screen only: how to print.
    let sides = if pages == 1 {
        say(print::PRINT_SINGLE_SIDED)
    } else if pages == 2 {
        say(print::PRINT_DOUBLE_SIDED)
    } else {
        fill(print::PRINT_AND_STAPLE, &[("n", &(pages + pages % 2).to_string())])
    };
    let door = if h.state.door() { say(print::DOOR_REGISTER_BALLOTS) } else { Html::new() };
    b.push(html!(
        "<div class=\"screen-only howto\"><p><b>{}</b> {}–{}{}{}{}{}</p><p>{}</p><p>{}</p></div>\n",
        say(print::PRINTING),
        from,
        to,
        Html::lit(ui::COMMA.zh),
        fill(print::N_BALLOTS_IN_ALL, &[("n", &(to - from + 1).to_string())]),
        Html::lit(ui::ES_END.zh),
        sides,
        say(print::PRINT_AT_ACTUAL_SIZE),
        door
    ));
    let rule_zh = rule_zh(r.max_choices);
    let rule_en = rule_en(r.max_choices);
    let date_venue =
        [m.venue.as_str(), m.date.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · ");
    for n in from..=to {
        b.push(html!(
            "<section class=\"ballot {}\" data-number=\"{}\" data-pages=\"{}\">\n",
            layout.tier.class,
            n,
            pages
        ));
        for (i, cols) in layout.pages.iter().enumerate() {
            b.push_lit("<div class=\"page\">\n");
            if i == 0 {
                b.push(html!(
                    "<div class=\"top\"><div class=\"what\"><div class=\"meeting\">{}</div><div class=\"sub\">{}</div>\
                     <div class=\"kind\">{}</div></div>\
                     <div class=\"numbox\"><div class=\"lab\">{}</div><div class=\"number\">{}</div></div></div>\n",
                    m.name,
                    date_venue,
                    lit_both(print::BALLOT_KIND),
                    lit_both(print::BALLOT_NO),
                    n
                ));
            } else {
                b.push(html!(
                    "<div class=\"top2\"><span class=\"kind\">{}</span>\
                     <span class=\"no\">{} <span class=\"number\">{}</span></span></div>\n",
                    lit_both(print::BALLOT_CONTINUED),
                    lit_both(print::BALLOT_NO_SHORT),
                    n
                ));
            }
            b.push(html!("<p class=\"rule\">{}</p>\n<p class=\"rule-en en\">{}</p>\n", rule_zh, rule_en));
            b.push_lit("<div class=\"cols\">");
            for col in cols {
                b.push_lit("<table class=\"items\"><tbody>\n");
                for &k in col {
                    item(&mut b, h, props[k]);
                }
                b.push_lit("</tbody></table>");
            }
            b.push_lit("</div>\n");
            let turn = if i + 1 < pages {
                html!("<span class=\"turn\">{}</span>", say(print::MORE_OVERLEAF))
            } else {
                Html::new()
            };
            b.push(html!(
                "<div class=\"foot\"><span>{} {}</span><span>{} · {}</span></div>\n</div>\n",
                fill(print::SIDE_OF, &[("i", &(i + 1).to_string()), ("n", &pages.to_string())]),
                turn,
                fill(print::NUMBER_N, &[("n", &n.to_string())]),
                fill(print::RULES_FINGERPRINT_FP, &[("fp", &fp)]),
            ));
        }
        // A ballot of three or more sides ends on a sheet of its own.
        if pages > 2 && pages % 2 == 1 {
            b.push(html!(
                "<div class=\"page\"><p class=\"blank-side\">{}</p></div>\n",
                fill(print::INTENTIONALLY_BLANK, &[("n", &n.to_string())])
            ));
        }
        b.push_lit("</section>\n");
    }
    let title =
        fill_in(print::BALLOTS_TITLE.zh, &[("meeting", &m.name), ("from", &from.to_string()), ("to", &to.to_string())]);
    Ok(document(&m.language, &title, CSS, &b))
}

/// `中文 <span class="en">English</span>` as markup written here.
fn lit_both(w: Words) -> Html {
    html!("{} <span class=\"en\">{}</span>", Html::lit(w.zh), Html::lit(w.en))
}

pub fn rule_zh(max: u32) -> String {
    fill_in(print::TICK_AT_MOST.zh, &[("max", &max.to_string())])
}

pub fn rule_en(max: u32) -> String {
    fill_in(print::TICK_AT_MOST.en, &[("max", &max.to_string())])
}

fn item(b: &mut Html, h: &Hall, p: &Proposal) {
    let loc = if p.location.trim().is_empty() {
        Html::new()
    } else {
        html!("<span class=\"loc\"> · {}</span>", p.location.trim())
    };
    let excluded = match h.exclusion(&p.id) {
        Some((e, _, _)) => html!(
            "<span class=\"x\">{}<span class=\"en\">{}</span></span>",
            lit_fill(print::EXCLUDED_RULE_N_BALLOT.zh, &[("n", &e.rule)]),
            Html::lit(print::EXCLUDED_RULE_N_BALLOT.en)
        ),
        None => Html::new(),
    };
    b.push(html!(
        "<tr data-proposal=\"{}\"><td class=\"bx\"><span class=\"sq\"></span></td><td class=\"pid\">{}</td>\
         <td class=\"what\"><span class=\"title\">{}</span>{}{}</td></tr>\n",
        p.id,
        p.id,
        p.title.trim(),
        loc,
        excluded
    ));
}

/// Ballot numbers in the range that were already handed out at the door
/// or keyed at the desk.
pub fn used_numbers(h: &Hall, from: u32, to: u32) -> Vec<String> {
    let s = h.state;
    let mut used: Vec<u32> = vec![];
    let mut seen = |k: &str| {
        if let Ok(n) = k.parse::<u32>() {
            if (from..=to).contains(&n) {
                used.push(n);
            }
        }
    };
    for k in s.electorate.paper.keys().chain(s.electorate.paper_cancelled.iter()).chain(s.desk.numbers.keys()) {
        seen(k);
    }
    for batch in s.desk.batches.values() {
        for copy in batch.copies.values() {
            for k in copy.ballots.keys() {
                seen(k);
            }
        }
    }
    used.sort_unstable();
    used.dedup();
    used.into_iter().map(|n| n.to_string()).collect()
}

// ---------------------------------------------------------------- layout

/// Pages of columns of proposals (indices), at one size.
struct Layout {
    tier: &'static Tier,
    pages: Vec<Vec<Vec<usize>>>,
}

/// As few sides as it takes, at the largest size that fits them: one side
/// at 13, 12 or 11 pt, else two (one sheet), and so on.
fn plan(h: &Hall, props: &[&Proposal]) -> Layout {
    for n in 1..=props.len().max(1) {
        for tier in &TIERS {
            if let Some(pages) = fit(h, props, tier, n) {
                return Layout { tier, pages };
            }
        }
    }
    // Only a title longer than a page gets here: one proposal per side.
    Layout { tier: &LARGE, pages: (0..props.len()).map(|i| vec![vec![i]]).collect() }
}

/// The proposals over `n` sides, near-equal counts each, in one or two
/// columns balanced by height, if every side fits.
fn fit(h: &Hall, props: &[&Proposal], t: &Tier, n: usize) -> Option<Vec<Vec<Vec<usize>>>> {
    let two = props.len() > ONE_COLUMN;
    let column = if two { (PAGE_W - COLUMN_GAP) / 2.0 } else { PAGE_W };
    let id_mm = props.iter().map(|p| ems(&p.id)).fold(0.0f32, f32::max) * mm_of_pt(t.title_pt) + 2.5;
    let what_mm = column - (t.box_mm + 2.0) - id_mm - 2.0;
    let heights: Vec<f32> = props.iter().map(|p| row_mm(h, p, t, what_mm)).collect();
    let per = props.len().div_ceil(n);
    let mut pages = vec![];
    for (i, chunk) in (0..props.len()).collect::<Vec<_>>().chunks(per.max(1)).enumerate() {
        let room = PAGE_H - header_mm(h, i == 0) - FOOT_MM;
        if two {
            let total: f32 = chunk.iter().map(|&k| heights[k]).sum();
            // The split that balances the two columns best.
            let (mut best, mut best_h, mut run) = (chunk.len().div_ceil(2), f32::MAX, 0.0);
            for (j, &k) in chunk.iter().enumerate() {
                run += heights[k];
                let tallest = run.max(total - run);
                if tallest < best_h {
                    best_h = tallest;
                    best = j + 1;
                }
            }
            if best_h > room {
                return None;
            }
            pages.push(vec![chunk[..best].to_vec(), chunk[best..].to_vec()]);
        } else {
            if chunk.iter().map(|&k| heights[k]).sum::<f32>() > room {
                return None;
            }
            pages.push(vec![chunk.to_vec()]);
        }
    }
    Some(pages)
}

/// A proposal's row: its text over as many lines as it takes, or the box.
fn row_mm(h: &Hall, p: &Proposal, t: &Tier, what_mm: f32) -> f32 {
    let scale = t.meta_pt / t.title_pt;
    let mut text = ems(p.title.trim());
    if !p.location.trim().is_empty() {
        text += (ems(" · ") + ems(p.location.trim())) * scale;
    }
    if h.exclusion(&p.id).is_some() {
        let w = print::EXCLUDED_RULE_N_BALLOT;
        text += (ems(&(fill_in(w.zh, &[("n", "1")]) + w.en)) + 2.0) * scale;
    }
    let n = lines(text, what_mm / mm_of_pt(t.title_pt));
    (n as f32 * mm_of_pt(t.title_pt) * LH).max(t.box_mm + 1.0) + 2.0 * t.pad_mm + 0.3
}

const FOOT_MM: f32 = 4.0 + 10.5 * 25.4 / 72.0 * 1.35 * 2.0;

/// The height above the proposals: the meeting and the number on the first
/// side, the number on the others, and the rules line on each.
fn header_mm(h: &Hall, first: bool) -> f32 {
    let m = &h.def.meeting;
    let max = h.def.rules.max_choices;
    let rule = lines(ems(&rule_zh(max)), PAGE_W / mm_of_pt(13.0)) as f32 * mm_of_pt(13.0) * LH
        + lines(ems(&rule_en(max)), PAGE_W / mm_of_pt(9.5 * 0.88)) as f32 * mm_of_pt(9.5) * LH
        + 4.0;
    if !first {
        return mm_of_pt(20.0) * 1.4 + 4.0 + rule;
    }
    let left = PAGE_W - 56.0 - 4.0;
    let name = lines(ems(&m.name), left / mm_of_pt(14.0)) as f32 * mm_of_pt(14.0) * LH;
    let venue = format!("{} · {}", m.venue, m.date);
    let sub = lines(ems(&venue), left / mm_of_pt(10.5)) as f32 * mm_of_pt(10.5) * 1.45;
    let kind = mm_of_pt(16.0) * LH;
    let numbox = mm_of_pt(10.5) * 1.3 + mm_of_pt(32.0) * 1.15 + 5.0;
    (name + sub + kind).max(numbox) + 2.0 + rule
}

#[cfg(test)]
mod tests {
    use super::super::hall::tests::{hall, state};
    use super::*;
    use yuanzhuo_engine::Event;

    #[test]
    fn each_ballot_has_its_number_without_zeros_the_rules_and_every_proposal() {
        let def = crate::documents::definition::demo();
        let s = state(def.clone(), vec![]);
        let h = hall(&def, &s);
        let doc = ballots(&h, 98, 101).unwrap();
        for n in 98..=101 {
            assert!(doc.contains(&format!("data-number=\"{n}\"")), "{n}");
            assert!(doc.contains(&format!("<div class=\"number\">{n}</div>")), "{n}");
        }
        assert!(!doc.contains("data-number=\"97\"") && !doc.contains("data-number=\"102\""));
        assert!(!doc.contains(">098<") && !doc.contains(">0098<"), "no leading zeros");
        assert_eq!(doc.matches("<section class=\"ballot").count(), 4);
        // Every proposal once per ballot, with its box.
        assert_eq!(doc.matches("<span class=\"sq\"></span>").count(), 4 * 60);
        for p in &def.proposals {
            assert_eq!(doc.matches(&format!("<td class=\"pid\">{}</td>", p.id)).count(), 4, "{}", p.id);
        }
        assert!(doc.contains("最多选 10 项；超过 10 项的选票作废"));
        assert!(doc.contains("A ballot with more than 10 ticks is void"));
        assert!(doc.contains(&h.fingerprint()));
        assert!(doc.contains(&def.meeting.name));
        // Sixty proposals at a size for elderly eyes do not fit one side: both sides of one sheet.
        assert!(
            doc.contains("data-pages=\"2\""),
            "60 proposals on two sides: {}",
            &doc[doc.find("<section").unwrap()..][..80]
        );
        assert!(doc.contains("背面还有项目，请翻面"));
        assert!(doc.contains("请双面打印"));
    }

    #[test]
    fn a_short_list_fits_one_side_at_the_largest_size() {
        let mut def = crate::documents::definition::demo();
        def.proposals.truncate(12);
        let s = state(def.clone(), vec![]);
        let h = hall(&def, &s);
        let doc = ballots(&h, 1, 1).unwrap();
        assert!(doc.contains("<section class=\"ballot t-a\" data-number=\"1\" data-pages=\"1\">"), "{doc}");
        assert!(doc.contains("请单面打印"));
        assert!(!doc.contains("请翻面"));
    }

    #[test]
    fn a_street_sized_list_goes_over_several_sides_each_ballot_on_its_own_sheets() {
        let mut def = crate::documents::definition::demo();
        let more: Vec<_> = (61..=200)
            .map(|i| {
                let mut p = def.proposals[i % 60].clone();
                p.id = format!("P{i:03}");
                p
            })
            .collect();
        def.proposals.extend(more);
        let s = state(def.clone(), vec![]);
        let h = hall(&def, &s);
        let doc = ballots(&h, 7, 8).unwrap();
        let pages: usize = doc.split("data-pages=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert!(pages >= 3, "{pages}");
        let sides = doc.matches("<div class=\"page\">").count();
        assert_eq!(sides, 2 * (pages + pages % 2), "an odd count gets a blank side");
        assert_eq!(doc.matches("<span class=\"sq\"></span>").count(), 2 * 200);
    }

    #[test]
    fn ranges_are_checked_and_numbers_already_used_are_refused() {
        let def = crate::documents::definition::demo();
        let s = state(
            def.clone(),
            vec![Event::PaperKeyed { batch: 1, counter: 1, number: "117".into(), marks: vec!["P01".into()] }],
        );
        let h = hall(&def, &s);
        let e = ballots(&h, 0, 3).unwrap_err();
        assert!(e.to_string().contains("从 1 起"), "{e}");
        assert!(ballots(&h, 5, 4).is_err());
        let e = ballots(&h, 1, 501).unwrap_err();
        assert!(e.to_string().contains("500"), "{e}");
        assert!(ballots(&h, 201, 700).is_ok());
        assert_eq!(used_numbers(&h, 100, 200), vec!["117"]);
        assert!(used_numbers(&h, 1, 100).is_empty());
        let e = ballots(&h, 110, 120).unwrap_err();
        assert!(e.to_string().contains("（117）") && e.to_string().contains("(117)"), "{e}");
        assert_eq!(e.downcast_ref::<super::super::hall::Refused>().unwrap().code, "ballot_numbers_used");
        assert!(ballots(&h, 1, 10).is_ok());
    }

    #[test]
    fn an_excluded_proposal_is_marked_on_the_ballot_and_hostile_text_is_text() {
        let mut def = crate::documents::definition::demo();
        def.proposals.truncate(8);
        def.proposals[0].title = "<script>alert(1)</script>".into();
        def.meeting.name = "\"><img src=x onerror=alert(1)>".into();
        let s = state(
            def.clone(),
            vec![Event::ExclusionConfirmed { proposal: "P03".into(), rule: 2, reason: "物业负责".into() }],
        );
        let h = hall(&def, &s);
        let doc = ballots(&h, 1, 1).unwrap();
        assert!(doc.contains("已排除（第2条）"));
        assert!(!doc.contains("<script>alert") && doc.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!doc.contains("<img src=x"));
    }
}
