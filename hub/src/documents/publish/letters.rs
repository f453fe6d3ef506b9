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

use super::html::{document, html, Html};
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
    require_final(o, "致提案人的信", "the letters to proposers")?;
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
            "<section class=\"letter\"><h1>{}</h1><p class=\"center\">所有提案均获资助，无需致函。</p>\
             <p class=\"center en\">Every proposal was funded: there are no letters to send.</p></section>",
            m.name
        ));
    }
    Ok(document(&m.language, &format!("{} · 致提案人的信", m.name), CSS, &b))
}

/// Why not, in the letter's words: Chinese paragraphs and English ones.
struct Why {
    zh: Vec<Html>,
    en: Vec<Html>,
}

/// "尊敬的张三：" / "Dear 张三," (or to the proposer without a name).
fn dear(name: &str) -> (String, String) {
    if name.trim().is_empty() {
        ("尊敬的提议人：".to_string(), "Dear proposer,".to_string())
    } else {
        (format!("尊敬的{}：", name.trim()), format!("Dear {},", name.trim()))
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
    let with_zh = if others > 0 { format!("，与另外 {others} 条居民建议一起") } else { String::new() };
    let with_en =
        if others > 0 { format!(", together with {others} other residents' proposals,") } else { String::new() };
    match &raw.outcome {
        RawOutcome::Merged { merge, .. } => (
            format!(
                "您提出的建议（原始编号 {}：“{}”）在会前预审中按“{}”的方式{with_zh}合并为提案“{}”（编号 {}）。",
                raw.id,
                raw.text,
                merge.zh(),
                p.title,
                p.id
            ),
            format!(
                "Your proposal (no. {}: “{}”) was merged before the meeting{with_en} into the proposal “{}” (no. {}) ({}).",
                raw.id,
                raw.text,
                p.title,
                p.id,
                merge.en()
            ),
        ),
        _ => (
            format!("您提出的建议（原始编号 {}：“{}”）在会前预审中列为提案“{}”（编号 {}）{with_zh}。", raw.id, raw.text, p.title, p.id),
            format!(
                "Your proposal (no. {}: “{}”) went to the meeting as the proposal “{}” (no. {}){}.",
                raw.id,
                raw.text,
                p.title,
                p.id,
                with_en.trim_end_matches(',')
            ),
        ),
    }
}

/// A letter to a resident whose proposal was struck before the meeting.
fn struck_letter(b: &mut Html, o: &Outcome, raw: &RawProposal, rule: u8, reason: &str) {
    let m = &o.def.meeting;
    let (to_zh, to_en) = dear(&raw.proposer);
    let (rule_zh, rule_en) = EXCLUSION_RULES.get(usize::from(rule).wrapping_sub(1)).copied().unwrap_or(("", ""));
    let place_zh = if raw.location.is_empty() { String::new() } else { format!("，地点：{}", raw.location) };
    let place_en = if raw.location.is_empty() { String::new() } else { format!(", at {}", raw.location) };
    b.push(html!(
        "<section class=\"letter\" data-raw=\"{}\" data-reason=\"struck\">\n<div class=\"head\"><span>{}</span><span>{}</span></div>\n\
         <div class=\"zh\">\n<p class=\"to\">{}</p>\n<p class=\"body\">感谢您提出的建议（原始编号 {}：“{}”{}）。</p>\n\
         <p class=\"result\">结果：会前预审时未列入{}。</p>\n\
         <p class=\"body\">原因：按会前公布的七条排除规则，社区只能依其中一条删去居民的提议。您的建议属于第{}条“{}”。</p>\n\
         <p class=\"quote\"><b>预审说明</b>{}</p>\n\
         <p class=\"body\">预审记录（每一条建议的处理结果和理由）已随结果公示。如有疑问，请与组织方联系。感谢您对社区公共事务的关心，欢迎继续参与。</p>\n\
         <p class=\"sig\">{}　组织方<br>{}<br>（盖章）</p>\n</div>\n<hr class=\"sep\">\n\
         <div class=\"en\" lang=\"en\">\n<p class=\"to\">{}</p>\n<p>Thank you for your proposal (no. {}: “{}”{}).</p>\n\
         <p class=\"result\">Result: not put to {} after pre-screening.</p>\n\
         <p>Why: a resident's proposal may be struck before the meeting only under one of the seven exclusion rules published beforehand. Yours falls under rule {}: “{}”.</p>\n\
         <p class=\"quote\"><b>The reason given (as written)</b>{}</p>\n\
         <p>The pre-screening record, with every proposal's outcome and reason, is published with the results notice. Please contact the organisers with any question. Thank you for caring about the community, and please keep taking part.</p>\n\
         <p class=\"sig\">The organisers, {}</p>\n</div>\n</section>\n",
        raw.id,
        m.name,
        m.date,
        to_zh,
        raw.id,
        raw.text,
        place_zh,
        m.name,
        rule,
        rule_zh,
        reason,
        m.name,
        m.date,
        to_en,
        raw.id,
        raw.text,
        place_en,
        m.name,
        rule,
        rule_en,
        reason,
        m.name,
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
         <p class=\"result\">结果：该提案在{}上获得资助（{} 票，第 {} 位，造价 {}）。</p>\n\
         <p class=\"body\">您的建议已体现在这个提案中，实施情况将另行公示。感谢您对社区公共事务的关心，欢迎继续参与。</p>\n\
         <p class=\"sig\">{}　组织方<br>{}<br>（盖章）</p>\n</div>\n<hr class=\"sep\">\n\
         <div class=\"en\" lang=\"en\">\n<p class=\"to\">{}</p>\n<p>{}</p>\n\
         <p class=\"result\">Result: that proposal was funded at {} ({} votes, position {}, cost {}).</p>\n\
         <p>Your proposal is part of it; how it is carried out will be published. Thank you for caring about the community, and please keep taking part.</p>\n\
         <p class=\"sig\">The organisers, {}</p>\n</div>\n</section>\n",
        raw.id,
        l.proposal.id,
        merge.en(),
        m.name,
        m.date,
        to_zh,
        pz,
        m.name,
        l.row.votes,
        l.row.position,
        cz,
        m.name,
        m.date,
        to_en,
        pe,
        m.name,
        l.row.votes,
        l.row.position,
        ce,
        m.name,
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
    let place_zh = if p.location.is_empty() { String::new() } else { format!("，地点：{}", p.location) };
    let place_en = if p.location.is_empty() { String::new() } else { format!(", at {}", p.location) };
    let (to_zh, to_en) = match raw {
        Some((r, _)) => dear(&r.proposer),
        None if p.proposer.trim().is_empty() => ("尊敬的提案人：".to_string(), "Dear proposer,".to_string()),
        None => (format!("尊敬的{}：", p.proposer.trim()), format!("Dear {},", p.proposer.trim())),
    };
    let (pre_zh, pre_en) = match raw {
        Some((r, record)) => {
            let (z, e) = pre_screened(r, record, p);
            (html!("<p class=\"body\">{}</p>\n", z), html!("<p>{}</p>\n", e))
        }
        None => (Html::new(), Html::new()),
    };
    let raw_attr = raw.map(|(r, _)| html!(" data-raw=\"{}\"", r.id)).unwrap_or_default();
    let line_zh = match o.at_line() {
        Some(a) => {
            format!("第 {} 位“{}”（{} 票，造价 {}）", a.row.position, a.proposal.title, a.row.votes, yuan(a.row.cost).0)
        }
        None => "没有项目获得资助".to_string(),
    };
    let line_en = match o.at_line() {
        Some(a) => format!(
            "position {}, “{}” ({} votes, {})",
            a.row.position,
            a.proposal.title,
            a.row.votes,
            yuan(a.row.cost).1
        ),
        None => "nothing was funded".to_string(),
    };

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
        "<div class=\"zh\">\n<p class=\"to\">{}</p>\n{}<p class=\"body\">感谢您提出“{}”（编号 {}{}）。该提案已{}在{}上经居民分桌讨论和全场投票，现将结果告知如下。</p>\n\
         <p class=\"result\">结果：未获资助。</p>\n",
        to_zh,
        pre_zh,
        p.title,
        p.id,
        place_zh,
        if m.date.is_empty() { String::new() } else { format!("于 {} ", m.date) },
        m.name,
    ));
    for para in why.zh {
        b.push(para);
        b.push_lit("\n");
    }
    b.push(html!(
        "<table class=\"facts\">\n<tr><td>得票</td><td>{} 票</td></tr>\n<tr><td>排名</td><td>第 {} 位（共 {} 项；名次 {}）</td></tr>\n\
         <tr><td>造价</td><td>{}</td></tr>\n<tr><td>预算线</td><td>资助 {} 项，合计 {}（预算 {}）；线上最后一项：{}</td></tr>\n</table>\n",
        l.row.votes,
        l.row.position,
        total,
        l.row.rank,
        cz,
        o.results.funded.len(),
        tz,
        bz,
        line_zh,
    ));
    b.push(html!(
        "<p class=\"body\">您的提案和居民在讨论中的意见都已记入会议记录，可供今后的工作参考。完整的排名与资助结果见结果公示。感谢您对社区公共事务的关心，欢迎继续参与。</p>\n\
         <p class=\"sig\">{}　组织方<br>{}<br>（盖章）</p>\n</div>\n<hr class=\"sep\">\n",
        m.name,
        m.date
    ));
    // English.
    b.push(html!(
        "<div class=\"en\" lang=\"en\">\n<p class=\"to\">{}</p>\n{}<p>Thank you for proposing “{}” (no. {}{}). It was discussed at the tables and put to the vote at {}{}. This is the result.</p>\n\
         <p class=\"result\">Result: not funded.</p>\n",
        to_en,
        pre_en,
        p.title,
        p.id,
        place_en,
        m.name,
        if m.date.is_empty() { String::new() } else { format!(" on {}", m.date) },
    ));
    for para in why.en {
        b.push(para);
        b.push_lit("\n");
    }
    b.push(html!(
        "<table class=\"facts\">\n<tr><td>Votes</td><td>{}</td></tr>\n<tr><td>Place</td><td>position {} of {} (rank {})</td></tr>\n\
         <tr><td>Cost</td><td>{}</td></tr>\n<tr><td>Budget line</td><td>{} funded, {} of {}; last above the line: {}</td></tr>\n</table>\n\
         <p>Your proposal and what residents said about it are in the meeting's record for future work; the full ranking is on the results notice. Thank you for caring about the community, and please keep taking part.</p>\n\
         <p class=\"sig\">The organisers, {}</p>\n</div>\n</section>\n",
        l.row.votes,
        l.row.position,
        total,
        l.row.rank,
        ce,
        o.results.funded.len(),
        te,
        be,
        line_en,
        m.name,
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
    // Only a confirmed exclusion excludes: the adviser's advice alone changes nothing.
    if let Some((n, rule_zh, rule_en)) = l.exclusion() {
        zh.push(para(format!(
            "原因：根据技术顾问的建议，组织方在投票开始前依据会前公布的七条排除规则中的第{n}条“{rule_zh}”确认排除该提案，并当场公布。按规则，被排除的提案即使获得选票也不能获得资助（本提案得 {} 票）。",
            l.row.votes
        )));
        en.push(para(format!(
            "Why: on the technical adviser's advice, the organisers confirmed before the vote, and announced, that rule {n} of the seven exclusion rules published before the meeting applies: “{rule_en}”. Under the rules an excluded proposal cannot be funded, whatever its votes ({} here).",
            l.row.votes
        )));
        let Some(a) = l.annotation else { return Why { zh, en } };
        if !a.reason.trim().is_empty() {
            zh.push(quote("顾问说明", a.reason.trim()));
            en.push(quote("The adviser's reason (as written)", a.reason.trim()));
        }
        if !a.remark.trim().is_empty() {
            zh.push(quote("顾问备注", a.remark.trim()));
            en.push(quote("The adviser's note (as written)", a.remark.trim()));
        }
        if let Some(c) = a.cost_estimate {
            zh.push(para(format!("顾问估算造价：{}。", yuan(c).0)));
            en.push(para(format!("The adviser's cost estimate: {}.", yuan(c).1)));
        }
        return Why { zh, en };
    }
    match l.row.unfunded_reason.map(UnfundedReason::as_str) {
        Some("no_votes") => {
            zh.push(para(
                "原因：该提案在投票中没有获得选票（0 票）。按规则，至少获得一票的提案才能获得资助。".to_string(),
            ));
            en.push(para("Why: the proposal received no votes. Under the rules only proposals with at least one vote can be funded.".to_string()));
        }
        Some("stopped") => {
            let stop = o.stop_row();
            let (sz, se) = match stop {
                Some(s) => (
                    format!(
                        "第 {} 位“{}”（造价 {}，当时预算余 {}）",
                        s.row.position,
                        s.proposal.title,
                        yuan(s.row.cost).0,
                        yuan(s.left_at_turn).0
                    ),
                    format!(
                        "position {}, “{}” (cost {}, with {} left)",
                        s.row.position,
                        s.proposal.title,
                        yuan(s.row.cost).1,
                        yuan(s.left_at_turn).1
                    ),
                ),
                None => ("预算线处".to_string(), "the budget line".to_string()),
            };
            zh.push(para(format!(
                "原因：该提案得 {} 票，排在第 {} 位。按会前规则，从得票最高的提案开始依次资助，遇到第一个放不下的提案即停止：资助停在{sz}，排在其后的提案（包括本提案）都不再资助。",
                l.row.votes, l.row.position
            )));
            en.push(para(format!(
                "Why: the proposal received {} votes and came at position {}. The rule fixed before the meeting funds from the top of the ranking and stops at the first proposal that does not fit: funding stopped at {se}, so nothing below it, this proposal included, was funded.",
                l.row.votes, l.row.position
            )));
        }
        Some("does_not_fit") if o.results.allocation == Allocation::EqualShares => {
            let e = o.results.equal_shares.as_ref();
            let voters = e.map_or(0, |e| e.voters);
            let share = e.map_or_else(String::new, |e| e.share.clone());
            zh.push(para(format!(
                "原因：该提案得 {} 票，排在第 {} 位。本次采用平均分配法：预算平均分给 {voters} 位有效投票人，每人 {share} 元，每个提案由支持它的投票人用各自的份额共同出资。",
                l.row.votes, l.row.position
            )));
            en.push(para(format!(
                "Why: the proposal received {} votes and came at position {}. This meeting used the Method of Equal Shares: the budget was split among the {voters} voters whose ballots count, {share} each, and each proposal is paid for by its own supporters' shares.",
                l.row.votes, l.row.position
            )));
            if o.shares_fall_short(l) {
                let sum = o.shares_of(l.row.votes).unwrap_or_default();
                zh.push(para(format!(
                    "支持本提案的 {} 位投票人的份额合计 {sum} 元，少于其造价 {cz}，因此份额买不下它。",
                    l.row.votes
                )));
                en.push(para(format!(
                    "The shares of its {} supporters came to {sum} together, less than its cost of {ce}, so the shares could not buy it.",
                    l.row.votes
                )));
            } else {
                zh.push(para(format!(
                    "支持本提案的投票人也支持其他提案，他们的份额先用于买下了那些每元造价所需份额更少的提案，余下的份额不足以支付其造价 {cz}。"
                )));
                en.push(para(format!(
                    "Its supporters also supported other proposals, which cost them less per yuan and were bought first; what was left of their shares could not pay its cost of {ce}."
                )));
            }
            zh.push(para(format!(
                "份额用完后，余下预算按排名从高到低补足；轮到本提案时预算余 {lz}，不足以支付其造价 {cz}。"
            )));
            en.push(para(format!(
                "The budget left after the shares then went down the ranking; when this proposal's turn came {le} was left, less than its cost of {ce}."
            )));
        }
        Some("does_not_fit") => {
            zh.push(para(format!(
                "原因：该提案得 {} 票，排在第 {} 位。按会前规则，从得票最高的提案开始依次资助；轮到本提案时，预算只剩 {lz}，而其造价为 {cz}，放不下，因此未获资助（规则随后继续看排在其后、造价放得下的提案）。",
                l.row.votes, l.row.position
            )));
            en.push(para(format!(
                "Why: the proposal received {} votes and came at position {}. The rule fixed before the meeting funds from the top of the ranking; when this proposal's turn came only {le} of the budget was left and its cost is {ce}, so it did not fit (the rule then went on to the proposals below it that still fitted).",
                l.row.votes, l.row.position
            )));
        }
        _ => {
            zh.push(para(format!(
                "原因：按会前规则，该提案（{} 票，第 {} 位）未获资助。",
                l.row.votes, l.row.position
            )));
            en.push(para(format!(
                "Why: under the rules this proposal ({} votes, position {}) was not funded.",
                l.row.votes, l.row.position
            )));
        }
    }
    // The rule itself, in the words the landing page, the projector and the notice use.
    let rule = yuanzhuo_protocol::words::allocation(o.results.allocation);
    zh.push(para(format!("会前公布的资助规则：{}。", rule.zh)));
    en.push(para(format!("The funding rule announced before the meeting: {}.", rule.en)));
    Why { zh, en }
}
