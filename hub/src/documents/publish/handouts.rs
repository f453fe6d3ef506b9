//! Each table's handout (各桌讨论资料): what the residents at a table read
//! while they discuss. The table's share of the proposals, each with its
//! place, category and description, its one cost (the cost the count uses:
//! the organiser's choice before the vote, else the list's; an adopted
//! adviser's estimate says so, with the list's beside it), the technical
//! advisers' notes presented as advice, and the exclusions the organisers
//! confirmed before the vote. It starts with the table's task and the
//! rules of the vote, so that nobody learns them only from the chair.
//!
//! One table per section, each starting on a new A4 page; 12 pt text.
//! Proposers' names are left out: the handout is passed round the table.

use super::hall::{advice, Hall};
use super::html::{both, document, fill, html, label, lit_fill, say, Html};
use yuanzhuo_protocol::words::{fill_in, print, ui};
use yuanzhuo_protocol::*;

const CSS: &str = r#"
@page { size: A4; margin: 12mm 14mm 12mm 14mm; }
body { max-width: 182mm; font-size: 12pt; line-height: 1.5; }
@media screen { .handout { border-bottom: 3px double #888; padding-bottom: 8mm; margin-bottom: 8mm; } }
.handout { break-after: page; page-break-after: always; }
.handout:last-child { break-after: auto; page-break-after: auto; }
h1 { font-size: 17pt; }
h1 .table { display: block; font-size: 20pt; margin-top: 1mm; }
.sub { text-align: center; margin: 0 0 2mm; font-size: 11pt; }
.task { border: 1pt solid #000; padding: 2mm 3mm; margin: 2mm 0 3mm; }
.task p { margin: 0.8mm 0; }
.prop { border-top: 1pt solid #000; padding: 2mm 0 2.5mm; break-inside: avoid; page-break-inside: avoid; }
.prop h2 { border: 0; margin: 0 0 0.8mm; padding: 0; font-size: 15pt; line-height: 1.35; }
.prop .pid { display: inline-block; min-width: 3.2em; }
.meta { font-size: 11pt; margin: 0.4mm 0; }
.cost { margin: 0.6mm 0; }
.cost b { font-size: 13pt; }
.desc { margin: 0.6mm 0; }
.advice { border-left: 2.5pt solid #777; background: #f3f3f3; padding: 1mm 2.5mm; margin: 1.2mm 0 0.4mm; font-size: 11pt; }
.excl { border: 1.5pt solid #b00000; color: #b00000; padding: 1mm 2.5mm; margin: 1.2mm 0 0.4mm; font-size: 11pt; }
.excl .en { color: #b00000; }
.foot { margin-top: 4mm; font-size: 9pt; color: #333; text-align: center; }
.foot .en { font-size: 1em; }
"#;

/// The handouts of one table or of every table.
pub fn handouts(h: &Hall, only: Option<TableNo>) -> String {
    let m = &h.def.meeting;
    let mut b = Html::new();
    for t in h.tables(only) {
        handout(&mut b, h, t);
    }
    document(&m.language, &fill_in(print::HANDOUTS_TITLE.zh, &[("meeting", &m.name)]), CSS, &b)
}

fn handout(b: &mut Html, h: &Hall, t: TableNo) {
    let m = &h.def.meeting;
    let r = &h.def.rules;
    let share: Vec<&Proposal> =
        h.state.table(t).map(|ts| ts.share.iter().filter_map(|id| h.state.proposal(id)).collect()).unwrap_or_default();
    let (tz, te) = h.table_label(t);
    let cur = h.currency();
    let (bz, be) = super::money(r.budget.amount, cur);
    let (az, ae) = super::allocation_text(r.allocation);
    let total = h.def.proposals.len();
    b.push(html!(
        "<section class=\"handout\" data-table=\"{}\">\n<h1>{}<span class=\"table\">{} <span class=\"en\">{}</span></span></h1>\n\
         <p class=\"sub\">{}</p>\n",
        t,
        m.name,
        lit_fill(print::TABLE_HANDOUT.zh, &[("table", &tz)]),
        lit_fill(print::TABLE_HANDOUT.en, &[("table", &te)]),
        [m.venue.as_str(), m.date.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · ")
    ));
    let whose = if r.assignment == Assignment::AllTables {
        fill(print::EVERY_TABLE_DISCUSSES_ALL, &[("n", &share.len().to_string())])
    } else {
        fill(print::THIS_TABLE_DISCUSSES, &[("n", &share.len().to_string()), ("total", &total.to_string())])
    };
    b.push(html!(
        "<div class=\"task\"><p>{}{}{}</p><p>{}</p><p>{}</p><p>{}</p></div>\n",
        whose,
        Html::lit(ui::COMMA.zh),
        fill(
            print::DISCUSS_THEN_PICK,
            &[("minutes", &r.discussion_minutes.to_string()), ("picks", &r.picks_per_table.to_string())]
        ),
        {
            let (max, total) = (r.max_choices.to_string(), total.to_string());
            let w = print::HANDOUT_VOTE_AND_BUDGET;
            both(
                &fill_in(w.zh, &[("max", &max), ("total", &total), ("budget", &bz), ("rule", az)]),
                &fill_in(w.en, &[("max", &max), ("total", &total), ("budget", &be), ("rule", ae)]),
            )
        },
        say(print::THE_COST_SHOWN_COUNTS),
        say(print::RAISE_YOUR_HAND),
    ));
    for p in share {
        proposal(b, h, p);
    }
    b.push(html!("<p class=\"foot\">{}</p>\n</section>\n", h.made_from()));
}

fn proposal(b: &mut Html, h: &Hall, p: &Proposal) {
    let cur = h.currency();
    let (cost, list) = h.cost(p);
    let (cz, ce) = super::money(cost, cur);
    b.push(html!(
        "<div class=\"prop\" data-proposal=\"{}\">\n<h2><span class=\"pid\">{}</span>{}</h2>\n",
        p.id,
        p.id,
        p.title.trim()
    ));
    let mut meta = vec![];
    if !p.location.trim().is_empty() {
        meta.push(label(print::PLACE, p.location.trim()));
    }
    if !p.category.trim().is_empty() {
        meta.push(label(print::CATEGORY, p.category.trim()));
    }
    if !meta.is_empty() {
        b.push(html!("<p class=\"meta\">{}</p>\n", Html::join(meta, print::WIDE_SPACE.zh)));
    }
    let adopted = match list {
        Some(l) => {
            let (lz, le) = super::money(l, cur);
            html!(" {}", {
                let w = print::ADVISERS_ESTIMATE_ADOPTED;
                both(&fill_in(w.zh, &[("list", &lz)]), &fill_in(w.en, &[("list", &le)]))
            })
        }
        None => Html::new(),
    };
    b.push(html!(
        "<p class=\"cost\">{}<b>{}</b> <span class=\"en\">{}{}</span>{}</p>\n",
        Html::lit(ui::COST_PREFIX.zh),
        cz,
        Html::lit(ui::COST_PREFIX.en),
        ce,
        adopted
    ));
    if !p.description.trim().is_empty() {
        b.push(html!("<p class=\"desc\">{}</p>\n", p.description.trim()));
    }
    if let Some((e, zh, en)) = h.exclusion(&p.id) {
        let reason = if e.reason.trim().is_empty() {
            String::new()
        } else {
            fill_in(print::WHY_REASON.zh, &[("reason", e.reason.trim())])
        };
        b.push(html!(
            "<div class=\"excl\"><b>{}</b>{}\
             <br><span class=\"en\">{}</span></div>\n",
            Html::lit(ui::EXCLUDED_MARK.zh),
            lit_fill(print::HANDOUT_EXCLUDED.zh, &[("n", &e.rule), ("rule", &zh), ("reason", &reason)]),
            lit_fill(print::HANDOUT_EXCLUDED.en, &[("n", &e.rule), ("rule", &en)]),
        ));
    }
    if let Some(a) = h.state.annotations.get(&p.id) {
        b.push(html!(
            "<div class=\"advice\"><b>{}</b> <span class=\"en\">{}</span>{}{}</div>\n",
            Html::lit(print::ADVISERS_NOTE.zh),
            Html::lit(print::ADVISERS_NOTE.en),
            Html::lit(ui::COLON.zh),
            advice(h, a)
        ));
    }
    b.push_lit("</div>\n");
}

#[cfg(test)]
mod tests {
    use super::super::hall::tests::{hall, state};
    use super::*;
    use yuanzhuo_engine::Event;

    fn annotate(id: &str, f: Feasibility, rule: Option<u8>, reason: &str, est: Option<u64>, remark: &str) -> Event {
        Event::Annotated {
            proposal: id.into(),
            feasibility: f,
            exclusion_rule: rule,
            reason: reason.into(),
            cost_estimate: est,
            remark: remark.into(),
            by_table: Some(1),
        }
    }

    #[test]
    fn each_table_gets_its_share_with_the_one_cost_the_advice_and_the_exclusions() {
        let def = crate::documents::definition::demo();
        let s = state(
            def.clone(),
            vec![
                annotate("P02", Feasibility::Doubtful, None, "楼梯太窄", Some(15000), "建议用铝合金扶手"),
                Event::CostSet { proposal: "P02".into(), cost: 15000, source: CostSource::Adviser },
                annotate("P03", Feasibility::Excluded, Some(2), "属物业维修范围", None, ""),
                Event::ExclusionConfirmed { proposal: "P03".into(), rule: 2, reason: "属物业维修范围".into() },
                annotate("P05", Feasibility::Excluded, Some(6), "地下管线不明", None, ""),
            ],
        );
        let h = hall(&def, &s);
        let doc = handouts(&h, None);
        assert_eq!(doc.matches("<section class=\"handout\"").count(), 6);
        let t1 = doc.split("data-table=\"1\"").nth(1).unwrap().split("</section>").next().unwrap();
        let t2 = doc.split("data-table=\"2\"").nth(1).unwrap().split("</section>").next().unwrap();
        for i in 1..=10 {
            assert!(t1.contains(&format!("data-proposal=\"P{i:02}\"")), "P{i:02} at table 1");
        }
        assert!(!t1.contains("data-proposal=\"P11\"") && t2.contains("data-proposal=\"P11\""));
        assert!(t1.contains("本桌讨论以下 10 个提案（全场共 60 个）"));
        assert!(t1.contains("推选 3 项") && t1.contains("每人最多选 10 项"));
        let p02 =
            t1.split("data-proposal=\"P02\"").nth(1).unwrap().split("</div>\n<div class=\"prop\"").next().unwrap();
        assert!(p02.contains("造价 <b>15,000 元</b>"), "{p02}");
        assert!(p02.contains("采用技术顾问估算") && p02.contains("原为 12,000 元"));
        assert!(p02.contains("技术顾问意见（建议，供参考）") && p02.contains("存疑") && p02.contains("楼梯太窄"));
        assert!(p02.contains("建议用铝合金扶手"));
        let p03 = t1.split("data-proposal=\"P03\"").nth(1).unwrap().split("data-proposal=\"P04\"").next().unwrap();
        assert!(p03.contains("已排除") && p03.contains("第2条“应由其他主体负责（如物业）”"), "{p03}");
        assert!(p03.contains("组织方已确认"));
        // A recommendation the organisers have not confirmed is only advice.
        let p05 = t1.split("data-proposal=\"P05\"").nth(1).unwrap().split("data-proposal=\"P06\"").next().unwrap();
        assert!(!p05.contains("<b>已排除</b>"));
        assert!(p05.contains("建议按第6条“技术上不可行”排除") && p05.contains("尚待组织方确认，仍可讨论"));
        // No proposers on a handout passed round the table.
        assert!(!doc.contains("社区老年协会"));
        // One table only.
        let one = handouts(&h, Some(4));
        assert_eq!(one.matches("<section class=\"handout\"").count(), 1);
        assert!(one.contains("data-table=\"4\"") && one.contains("data-proposal=\"P31\""));
    }
}
