//! Sticker-board posters (贴纸板): one A4 portrait sheet per proposal, to be
//! put up on the boards where residents vote with smiley stickers (Meilan's
//! 贴笑脸). Each shows the proposal's number very large, its title, place
//! and one cost, what it is about, and below a grid of numbered squares, ten
//! to a row, for the stickers: residents stick from square 1 on, one to a
//! square, so that the two counters who read each board count by rows of
//! ten and the last square filled.
//!
//! One proposal per A4 sheet, rather than several to a sheet, because a
//! popular proposal gets dozens of stickers (80 residents with 10 each put
//! up 800 stickers on 60 proposals) and a sticker is 15–20 mm across: a
//! sheet gives 60–100 squares of 17 mm. A4 prints on any office printer; for
//! a bigger board enlarge to A3 on a copier (141%). Boards are numbered by
//! hand ("展板 __ 号"), as the counting desk keys them by board.
//!
//! An excluded proposal's poster says so, with the rule, and has no squares.

use super::hall::{ems, lines, mm_of_pt, Hall};
use super::html::{both, document, html, label, lit_fill, say, Html};
use yuanzhuo_protocol::words::{fill_in, print, ui};
use yuanzhuo_protocol::Proposal;

const CSS: &str = r#"
@page { size: A4; margin: 10mm 12mm; }
body { max-width: 186mm; font-size: 12pt; line-height: 1.4; }
@media screen { .poster { border: 1px solid #bbb; padding: 4mm; margin-bottom: 6mm; } }
.poster { break-after: page; page-break-after: always; }
.poster:last-child { break-after: auto; page-break-after: auto; }
.head { display: flex; justify-content: space-between; align-items: flex-start; gap: 6mm; border-bottom: 2pt solid #000; margin-bottom: 2mm; }
.pid { font-size: 60pt; font-weight: bold; line-height: 1.1; font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; }
.side { text-align: right; font-size: 12pt; line-height: 1.45; padding-top: 1mm; }
.side .board { font-size: 14pt; font-weight: bold; }
.title { font-size: 30pt; font-weight: bold; line-height: 1.25; margin: 1mm 0 1.5mm; }
.loc { font-size: 16pt; line-height: 1.4; margin: 0; }
.cost { font-size: 26pt; font-weight: bold; line-height: 1.3; margin: 0.5mm 0 1mm; }
.cost .en { font-size: 12pt; font-weight: normal; }
.desc { font-size: 13pt; line-height: 1.5; margin: 0 0 2mm; }
.how { font-size: 12pt; line-height: 1.4; margin: 1mm 0; }
.grid { table-layout: fixed; width: 100%; border-collapse: collapse; }
.grid td { height: 17mm; border: 0.8pt solid #666; padding: 0.4mm 0.8mm; vertical-align: top; }
.grid td:nth-child(5) { border-right: 2pt solid #000; }
.grid .n { font-size: 9pt; color: #777; line-height: 1; }
.excluded { border: 3pt solid #b00000; color: #b00000; padding: 5mm; margin-top: 6mm; font-size: 18pt; line-height: 1.5; }
.excluded .en { color: #b00000; }
.foot { margin-top: 2mm; font-size: 10pt; line-height: 1.4; color: #222; display: flex; justify-content: space-between; gap: 4mm; }
"#;

const PAGE_W: f32 = 186.0;
/// The printable height, less a margin of safety.
const PAGE_H: f32 = 277.0 - 7.0;
const CELL_MM: f32 = 17.0 + 0.3;
const PER_ROW: u32 = 10;
/// Squares are never fewer than this many rows: a long description is cut
/// short on the poster (it is whole on the table's handout).
const MIN_ROWS: u32 = 5;
const MAX_ROWS: u32 = 10;

/// Every proposal's poster, in list order.
pub fn posters(h: &Hall) -> String {
    let m = &h.def.meeting;
    let mut b = Html::new();
    for p in &h.def.proposals {
        poster(&mut b, h, p);
    }
    document(&m.language, &fill_in(print::POSTERS_TITLE.zh, &[("meeting", &m.name)]), CSS, &b)
}

fn poster(b: &mut Html, h: &Hall, p: &Proposal) {
    let m = &h.def.meeting;
    let (cost, _) = h.cost(p);
    let (cz, ce) = super::money(cost, h.currency());
    let table = match h.state.table_of(&p.id) {
        Some(t) => {
            let (zh, en) = h.table_label(t);
            html!("<div>{}</div>", {
                let w = print::DISCUSSED_AT;
                both(&fill_in(w.zh, &[("table", &zh)]), &fill_in(w.en, &[("table", &en)]))
            })
        }
        None => Html::new(),
    };
    let category = if p.category.trim().is_empty() { Html::new() } else { html!("<div>{}</div>", p.category.trim()) };
    let excluded = h.exclusion(&p.id);
    let (desc, rows) = fitted(h, p, excluded.is_some());
    b.push(html!(
        "<section class=\"poster\" data-proposal=\"{}\" data-squares=\"{}\">\n<div class=\"head\"><div class=\"pid\">{}</div>\
         <div class=\"side\"><div class=\"board\">{} <span class=\"en\">{}</span></div>{}{}</div></div>\n\
         <div class=\"title\">{}</div>\n",
        p.id,
        rows * PER_ROW,
        p.id,
        Html::lit(print::BOARD_NUMBER_BLANK.zh),
        Html::lit(print::BOARD_NUMBER_BLANK.en),
        table,
        category,
        p.title.trim()
    ));
    if !p.location.trim().is_empty() {
        b.push(html!("<p class=\"loc\">{}</p>\n", label(print::PLACE, p.location.trim())));
    }
    b.push(html!(
        "<p class=\"cost\">{}{} <span class=\"en\">{}{}</span></p>\n",
        Html::lit(ui::COST_PREFIX.zh),
        cz,
        Html::lit(ui::COST_PREFIX.en),
        ce
    ));
    if !desc.is_empty() {
        b.push(html!("<p class=\"desc\">{}</p>\n", desc));
    }
    match excluded {
        Some((e, zh, en)) => {
            let reason = if e.reason.trim().is_empty() {
                String::new()
            } else {
                fill_in(print::WHY_REASON.zh, &[("reason", e.reason.trim())])
            };
            b.push(html!(
                "<div class=\"excluded\"><b>{}</b>{}\
                 <br><span class=\"en\">{}</span></div>\n",
                Html::lit(print::EXCLUDED_BEFORE_THE_VOTE.zh),
                lit_fill(print::POSTER_EXCLUDED.zh, &[("n", &e.rule), ("rule", &zh), ("reason", &reason)]),
                lit_fill(print::POSTER_EXCLUDED.en, &[("n", &e.rule), ("rule", &en)]),
            ));
        }
        None => {
            b.push(html!("<p class=\"how\">{}</p>\n<table class=\"grid\"><tbody>\n", say(print::STICKERS_HOW)));
            for r in 0..rows {
                b.push_lit("<tr>");
                for c in 1..=PER_ROW {
                    b.push(html!("<td><span class=\"n\">{}</span></td>", r * PER_ROW + c));
                }
                b.push_lit("</tr>\n");
            }
            b.push_lit("</tbody></table>\n");
        }
    }
    b.push(html!(
        "<div class=\"foot\"><span>{}</span><span>{}</span></div>\n</section>\n",
        m.name,
        say(print::READ_BY_TWO_COUNTERS)
    ));
}

/// The description as it fits, and the rows of squares left below it.
fn fitted(h: &Hall, p: &Proposal, excluded: bool) -> (String, u32) {
    let title = lines(ems(p.title.trim()), PAGE_W / mm_of_pt(30.0)) as f32 * mm_of_pt(30.0) * 1.3;
    let loc = if p.location.trim().is_empty() {
        0.0
    } else {
        lines(ems(p.location.trim()) + 4.0, PAGE_W / mm_of_pt(16.0)) as f32 * mm_of_pt(16.0) * 1.45
    };
    let side = (3.0 + f32::from(h.state.table_of(&p.id).is_some()) + f32::from(!p.category.trim().is_empty()))
        * mm_of_pt(12.0)
        * 1.5;
    let head = (mm_of_pt(60.0) * 1.15).max(side) + 3.0;
    let cost = mm_of_pt(26.0) * 1.35 + 2.0;
    let how = 2.0 * mm_of_pt(12.0) * 1.45 + 2.0;
    let foot = mm_of_pt(10.0) * 1.45 * 2.0 + 2.0;
    let fixed = head + title + 2.5 + loc + cost + how + foot;
    let line = mm_of_pt(13.0) * 1.55;
    let per_line = PAGE_W / mm_of_pt(13.0);
    let desc = p.description.trim();
    let grid_min = if excluded { 40.0 } else { MIN_ROWS as f32 * CELL_MM };
    let room = (PAGE_H - fixed - grid_min - 2.0).max(0.0);
    let max_lines = (room / line).floor() as u32;
    let text = if desc.is_empty() {
        String::new()
    } else if lines(ems(desc), per_line) <= max_lines {
        desc.to_string()
    } else if max_lines == 0 {
        String::new()
    } else {
        // Cut at the width that surely fits, and say where the rest is.
        let tail = print::FULL_TEXT_IN_HANDOUTS.zh;
        let budget = max_lines as f32 * per_line * 0.9 - ems(tail) - 1.0;
        let mut used = 0.0;
        let mut cut = String::new();
        for c in desc.chars() {
            used += ems(c.encode_utf8(&mut [0; 4]));
            if used > budget {
                break;
            }
            cut.push(c);
        }
        cut + tail
    };
    let desc_mm = if text.is_empty() { 0.0 } else { lines(ems(&text), per_line) as f32 * line + 2.0 };
    let rows = ((PAGE_H - fixed - desc_mm) / CELL_MM).floor() as u32;
    (text, rows.clamp(MIN_ROWS, MAX_ROWS))
}

#[cfg(test)]
mod tests {
    use super::super::hall::tests::{hall, state};
    use super::*;
    use yuanzhuo_engine::Event;
    use yuanzhuo_protocol::CostSource;

    #[test]
    fn one_poster_per_proposal_with_its_number_title_one_cost_and_squares() {
        let def = crate::documents::definition::demo();
        let s = state(
            def.clone(),
            vec![
                Event::CostSet { proposal: "P02".into(), cost: 15000, source: CostSource::Adviser },
                Event::ExclusionConfirmed { proposal: "P03".into(), rule: 2, reason: "属物业维修范围".into() },
            ],
        );
        let h = hall(&def, &s);
        let doc = posters(&h);
        assert_eq!(doc.matches("<section class=\"poster\"").count(), 60);
        let p02 = doc.split("data-proposal=\"P02\"").nth(1).unwrap().split("</section>").next().unwrap();
        assert!(p02.contains("<div class=\"pid\">P02</div>"));
        assert!(p02.contains("楼梯加装扶手"));
        assert!(p02.contains("造价 15,000 元"), "the one cost, the adviser's estimate adopted: {p02}");
        assert!(!p02.contains("12,000"), "not the list's cost");
        assert!(p02.contains("第 1 桌讨论"));
        assert!(p02.contains("<span class=\"n\">1</span>") && p02.contains("展板 ______ 号"));
        // Squares in rows of ten, as many as fit.
        let squares: u32 = p02.split("data-squares=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert!(squares >= 60 && squares.is_multiple_of(10), "{squares}");
        assert_eq!(p02.matches("<td>").count() as u32, squares);
        // The excluded proposal: no squares, the rule.
        let p03 = doc.split("data-proposal=\"P03\"").nth(1).unwrap().split("</section>").next().unwrap();
        assert!(p03.contains("投票前已排除") && p03.contains("第2条“应由其他主体负责（如物业）”"));
        assert!(p03.contains("属物业维修范围"));
        assert!(!p03.contains("<table class=\"grid\">"));
    }

    #[test]
    fn a_long_description_is_cut_short_and_the_squares_stay() {
        let mut def = crate::documents::definition::demo();
        def.proposals[0].description = "很长的说明。".repeat(200);
        let s = state(def.clone(), vec![]);
        let h = hall(&def, &s);
        let (text, rows) = fitted(&h, &def.proposals[0], false);
        assert!(text.ends_with("…（全文见各桌资料）"), "{text}");
        assert!(text.chars().count() < 600, "cut to well under half of 1,200 characters: {}", text.chars().count());
        assert_eq!(rows, MIN_ROWS);
        let (text, rows) = fitted(&h, &def.proposals[1], false);
        assert_eq!(text, def.proposals[1].description);
        assert!(rows > MIN_ROWS);
    }
}
