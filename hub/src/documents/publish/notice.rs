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
  .rank td.rk::before { content: "第 "; font-weight: normal; font-size: 15px; }
  .rank td.rk::after { content: " 名"; font-weight: normal; font-size: 15px; }
  .rank td.prop { flex: 1 1 60%; min-width: 0; }
  .rank td.id { font-weight: bold; }
  .rank td.votes::before { content: "得票 "; }
  .rank td.cost::before { content: "造价 "; }
  .rank td.run::before { content: "累计 "; }
  body:has(#lang-en:checked) .rank td.rk::before { content: "Rank "; }
  body:has(#lang-en:checked) .rank td.rk::after { content: ""; }
  body:has(#lang-en:checked) .rank td.votes::before { content: "Votes "; }
  body:has(#lang-en:checked) .rank td.cost::before { content: "Cost "; }
  body:has(#lang-en:checked) .rank td.run::before { content: "Running "; }
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

/// A heading in both languages.
fn h2(zh: &str, en: &str) -> Html {
    html!("<h2>{}</h2>\n", both(zh, en))
}

/// The notice as a standalone HTML document (only once the vote is closed).
pub fn notice(o: &Outcome) -> Result<String> {
    require_final(o, "公示", "the results notice")?;
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
        both("项目筛选结果公示", "Results notice"),
        m.venue,
        if m.venue.is_empty() || m.date.is_empty() { "" } else { " · " },
        m.date
    ));
    let status = if o.state.phase == Phase::Published {
        both("结果已公布", "Results published")
    } else {
        both("计票完成", "Counted")
    };
    b.push(html!("<p class=\"status\">{}</p>\n", status));
    // One language at a time on a screen (the meeting's first); both on paper.
    let (zh_on, en_on) = if m.language == "en" { ("", " checked") } else { (" checked", "") };
    b.push(html!(
        "<div class=\"langs\" role=\"radiogroup\" aria-label=\"语言 Language\">\
         <input type=\"radio\" name=\"lang\" id=\"lang-zh\"{}><label for=\"lang-zh\" lang=\"zh-CN\">中文</label>\
         <input type=\"radio\" name=\"lang\" id=\"lang-en\"{}><label for=\"lang-en\" lang=\"en\">English</label>\
         <input type=\"radio\" name=\"lang\" id=\"lang-both\"><label for=\"lang-both\">中文 + English</label></div>\n",
        Html::lit(zh_on),
        Html::lit(en_on)
    ));

    // The ranking with the budget line.
    let funded_n = o.results.funded.len();
    let (tz, te) = yuan(o.results.total_cost);
    let (lz, le) = yuan(o.results.budget.saturating_sub(o.results.total_cost));
    b.push(h2("排名与资助", "Ranking and funding"));
    b.push(html!("<p>{}</p>\n",
        both(
            &format!("资助 {funded_n} 项，合计 {tz}，预算余 {lz}。红线为预算线：获资助的项目都在线上。“放不下”：轮到该项目时剩余预算少于其造价；“排除”：投票前经技术顾问建议、组织方确认，依据排除规则不能资助。"),
            &format!("{funded_n} proposals funded, {te} in all, {le} of the budget left. The red line is the budget line: every funded proposal is above it. “Does not fit”: less was left of the budget than it costs when its turn came; “excluded”: on the technical adviser's advice the organisers confirmed before the vote that an exclusion rule applies.")
        )
    ));
    b.push_lit(
        "<table class=\"rank\">\n<colgroup><col class=\"w6\"><col class=\"w7\"><col class=\"w43\">\
         <col class=\"w7\"><col class=\"w9\"><col class=\"w10\"><col class=\"w18\"></colgroup>\n<thead><tr>\
         <th class=\"num\"><span class=\"zh\">名次</span><span class=\"en\">Rank</span></th>\
         <th><span class=\"zh\">编号</span><span class=\"en\">ID</span></th>\
         <th><span class=\"zh\">项目 · 地点</span><span class=\"en\">Proposal · place</span></th>\
         <th class=\"num\"><span class=\"zh\">得票</span><span class=\"en\">Votes</span></th>\
         <th class=\"num\"><span class=\"zh\">造价</span><span class=\"en\">Cost</span></th>\
         <th class=\"num\"><span class=\"zh\">累计</span><span class=\"en\">Running</span></th>\
         <th><span class=\"zh\">结果</span><span class=\"en\">Outcome</span></th></tr></thead>\n<tbody>\n",
    );
    for (i, l) in o.lines.iter().enumerate() {
        let outcome = match (l.funding, l.row.unfunded_reason.map(UnfundedReason::as_str)) {
            (Some(Funding::Shares), _) => html!("<span class=\"ok\">✓ {}</span>", both("资助 份额", "funded, shares")),
            (Some(Funding::Completion), _) => {
                html!("<span class=\"ok\">✓ {}</span>", both("资助 补足", "funded, completion"))
            }
            (Some(Funding::Greedy), _) => html!("<span class=\"ok\">✓ {}</span>", both("资助", "funded")),
            (None, Some("excluded")) => match l.exclusion() {
                Some((n, _, _)) => both(&format!("排除（第{n}条）"), &format!("excluded, rule {n}")),
                None => both("排除", "excluded"),
            },
            (None, code) => {
                let (zh, en) = short_reason(code.unwrap_or(""));
                both(zh, en)
            }
        };
        let stickers = if l.stickers > 0 {
            html!("<br>{}", both(&format!("含贴纸 {}", l.stickers), &format!("incl. {} stickers", l.stickers)))
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
                both(
                    &format!("—— 预算线：资助 {funded_n} 项，合计 {tz}（预算 {bz}） ——"),
                    &format!("—— budget line: {funded_n} funded, {te} in all (budget {be}) ——")
                )
            ));
        }
    }
    if o.line == 0 {
        b.push(html!(
            "<tr class=\"line\"><td colspan=\"7\">{}</td></tr>\n",
            both("—— 预算线：没有项目获得资助 ——", "—— budget line: nothing funded ——")
        ));
    }
    b.push_lit("</tbody>\n</table>\n");

    // The rules.
    let (alloc_zh, alloc_en) = allocation_text(r.allocation);
    let (tie_zh, tie_en) = tie_break_text(r.tie_break);
    let (tally_zh, tally_en) = tally_text(r.tally);
    b.push(h2("规则", "The rules (fixed before the meeting opened)"));
    b.push_lit("<table class=\"facts\">\n");
    let mut fact = |k: Html, v: Html| {
        b.push(html!("<tr><td>{}</td><td>{}</td></tr>\n", k, v));
    };
    fact(both("预算", "Budget"), both(&bz, &be));
    fact(
        both("每张选票", "Each ballot"),
        both(
            &format!("最多选 {} 项（共 {} 个提案），超过即作废", r.max_choices, o.def.proposals.len()),
            &format!(
                "at most {} of the {} proposals; a ballot with more is void",
                r.max_choices,
                o.def.proposals.len()
            ),
        ),
    );
    fact(both("资助规则", "Funding"), both(alloc_zh, alloc_en));
    fact(both("同票规则", "Ties"), both(tie_zh, tie_en));
    fact(both("计票公开", "Tally"), both(tally_zh, tally_en));
    fact(
        both("规则指纹", "Rules fingerprint"),
        html!(
            "<span class=\"hash\">{}</span> <span class=\"en\">(shown when the meeting opened)</span>",
            o.state.fingerprint
        ),
    );
    b.push_lit("</table>\n");

    // Turnout.
    let tu = &o.turnout;
    b.push(h2("投票情况", "Turnout"));
    let received = tu.phone + tu.paper + tu.void_total();
    b.push(html!("<p>{}</p>\n",
        both(
            &format!(
                "共收到选票 {received} 张：手机投票 {} 张，纸质选票 {} 张（其中作废 {} 张）。计入结果的有效选票 {} 张。",
                tu.phone,
                tu.paper + tu.void_total(),
                tu.void_total(),
                tu.counting()
            ),
            &format!(
                "{received} ballots received: {} by phone, {} on paper ({} of them void). {} ballots count.",
                tu.phone,
                tu.paper + tu.void_total(),
                tu.void_total(),
                tu.counting()
            )
        )
    ));
    if tu.void_total() > 0 {
        let zh: Vec<String> = tu.void.iter().map(|(k, n)| format!("{} {n} 张", void_text(k).0)).collect();
        let en: Vec<String> = tu.void.iter().map(|(k, n)| format!("{} {n}", void_text(k).1)).collect();
        b.push(html!(
            "<p>{}</p>\n",
            both(
                &format!("作废原因（按会前规则，作废票不计入任何项目）：{}。", zh.join("，")),
                &format!("Void under the rules (they count for no proposal): {}.", en.join(", "))
            )
        ));
    }
    if tu.boards > 0 || tu.stickers > 0 {
        b.push(html!(
            "<p>{}</p>\n",
            both(
                &format!("贴纸投票：{} 块展板共 {} 张贴纸，由两人分别清点一致后计入得票。", tu.boards, tu.stickers),
                &format!(
                    "Sticker boards: {} stickers on {} {}, each read by two counters who agreed, added to the votes.",
                    tu.stickers,
                    tu.boards,
                    if tu.boards == 1 { "board" } else { "boards" }
                )
            )
        ));
    }
    if tu.batches > 0 {
        b.push(html!("<p>{}</p>\n",
            both(
                &format!("纸质选票分 {} 批，每批由两名计票员分别录入、核对一致，张数经监票员清点。", tu.batches),
                &format!(
                    "Paper ballots in {} {}, each keyed by two counters independently and agreed, sheets counted by the scrutineer.",
                    tu.batches,
                    if tu.batches == 1 { "batch" } else { "batches" }
                )
            )
        ));
    }

    // Ties.
    b.push(h2("同票", "Ties"));
    if o.results.ties.is_empty() {
        b.push(html!("<p>{}</p>\n", both("没有得票相同的项目。", "No proposals with equal votes.")));
    } else {
        let how = both(tie_zh, tie_en);
        b.push(html!("<p>{}：{}</p>\n<ul class=\"ties\">\n", both("排序方法", "Ordered by"), how));
        // Decisive ties first: those are where the rule, not the voters, decided.
        let mut groups: Vec<&TieGroup> = o.results.ties.iter().collect();
        groups.sort_by_key(|g| (!g.decisive, std::cmp::Reverse(g.votes)));
        for g in groups {
            let ids = g.proposals.join(" → ");
            let what = if g.decisive {
                html!("<strong>{}</strong>", both("此同票决定了资助结果", "this tie decided what was funded"))
            } else {
                both("不影响资助结果", "no effect on funding")
            };
            b.push(html!(
                "<li>{}：{} — {}</li>\n",
                both(&format!("{} 票", g.votes), &plural(g.votes, "vote")),
                ids,
                what
            ));
        }
        b.push_lit("</ul>\n");
        if r.tie_break == TieBreak::Lot {
            b.push(html!(
                "<p>{} <span class=\"hash\">{}</span></p>\n",
                both("抽签种子（投票结束时的日志哈希）：", "Lot seed (the log hash when the vote closed):"),
                o.results.closed_at_head
            ));
        }
    }

    // Equal shares, explained.
    if let Some(e) = &o.results.equal_shares {
        b.push(h2("平均分配法说明", "How equal shares decided"));
        b.push(html!("<p>{}</p>\n",
            both(
                &format!(
                    "预算 {bz} 平均分给 {} 位有效投票人，每人 {} 元。每个项目由支持它的投票人用各自的份额共同出资；每一轮买下每元造价所需份额最少的项目，直到没有项目能由其支持者的余额买下：",
                    e.voters, e.share
                ),
                &format!(
                    "The budget of {be} was split among the {} voters whose ballots count: {} each. Each proposal is paid for by its own supporters' shares; each round buys the proposal that costs its supporters least per yuan, until no proposal can be paid for by what its supporters have left:",
                    e.voters, e.share
                )
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
                    both(
                        &format!("{cz}，{} 人支持", l.row.votes),
                        &format!("{ce}, {}", plural(l.row.votes, "supporter"))
                    )
                ));
            }
        }
        if e.selected.is_empty() {
            b.push(html!("<li>{}</li>\n", both("份额未能买下任何项目", "the shares bought nothing")));
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
            "；",
        );
        b.push(html!(
            "<p>{}{}</p>\n",
            both(
                &format!("余下预算 {rz} 再按排名从高到低补足（放得下的即资助）："),
                &format!("The {re} left then went down the ranking, funding each proposal that still fit: ")
            ),
            if completed.is_empty() { both("无", "none") } else { completed }
        ));
    }

    if let Some(record) = &o.state.prescreening {
        super::record::notice_section(&mut b, record, &o.def.proposals);
    }

    // How to check.
    b.push(h2("核对", "How to check this notice"));
    b.push(html!("<p>{}</p>\n<p class=\"hash\">{}</p>\n",
        both(
            &format!("本公示依据的会议日志共 {} 条记录，最后一条的哈希（日志哈希）为：", o.log_length),
            &format!("This notice was made from the meeting log of {} entries; the hash of the last entry (the log head) is:", o.log_length)
        ),
        spaced_hash(&o.log_head)
    ));
    let short = o.log_head.get(..16).unwrap_or(&o.log_head);
    b.push(html!("<p>{}</p>\n<p>{}</p>\n",
        both(
            &format!("日志中每条记录都以哈希与前一条相连，改动任何一条都会改变其后所有哈希。任何人都可以向组织方索取会议日志的副本，按圆桌附带的《自行核对说明》，用独立的核对程序重新计算全部哈希、重新计票，并确认以 {short} 开头的这个哈希属于这份日志。"),
            &format!("Every entry of the log is chained to the one before by its hash: changing any entry changes every hash after it. Anyone can ask the organisers for a copy of the meeting's log and, following the \u{201c}check it yourself\u{201d} instructions that come with Yuanzhuo, recompute every hash with an independent checker, recount every ballot and confirm that the hash beginning {short} belongs to that log.")
        ),
        both(
            "会场的公开看板（/board）显示每张选票的回执码和当前日志哈希：投票人可凭回执码核对自己的选票，投影屏幕上拍下的哈希也可以同样核对。",
            "The public board (/board) at the venue lists every ballot by its receipt code with the current log head: each voter can find their own ballot, and a hash photographed off the projector can be checked the same way."
        )
    ));

    // Signatures and the stamp.
    b.push_lit("<div class=\"keep\">\n");
    b.push(h2("签章", "Signatures"));
    b.push_lit("<div class=\"sign\">\n");
    for (zh, en) in [("主持人", "Chair of the meeting"), ("监票员", "Scrutineer"), ("计票员", "Counter")] {
        b.push(html!(
            "<div><div class=\"who\">{}</div><div class=\"blank\">{}</div><div class=\"blank\">{}</div></div>\n",
            both(zh, en),
            both("签名", "signature"),
            both("日期", "date")
        ));
    }
    b.push_lit("</div>\n<div class=\"stamp\"><div>");
    b.push(html!(
        "<p>{}</p><p>{}</p>",
        both("公示期：______年____月____日 至 ______年____月____日", "Notice period: from ________ to ________"),
        both(
            "如有异议，请在公示期内向 ______________________ 反映（电话 ______________）。",
            "Objections during the notice period to ______________ (phone ______________)."
        )
    ));
    b.push(html!("</div><div class=\"seal\">{}</div></div>\n</div>\n", both("（盖章）", "stamp")));
    b.push(html!(
        "<p class=\"foot\">{}</p>\n",
        both(
            &format!("由圆桌 Yuanzhuo 根据会议日志生成 · 日志 {} 条 · 日志哈希 {}…", o.log_length, short),
            "made by Yuanzhuo from the meeting log"
        )
    ));
    Ok(document(&m.language, &format!("{} · 结果公示", m.name), CSS, &b))
}

/// "1 vote", "2 votes".
fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A reason short enough for the ranking's last column (the legend above
/// the table and the letters say it in full).
fn short_reason(code: &str) -> (&'static str, &'static str) {
    match code {
        "no_votes" => ("无人投票", "no votes"),
        "does_not_fit" => ("放不下", "does not fit"),
        "stopped" => ("已停止资助", "stopped"),
        _ => ("未资助", "not funded"),
    }
}

/// The page `/notice` shows before the vote is counted.
pub fn not_yet(meeting: &MeetingInfo) -> String {
    let body = html!(
        "<h1>{}</h1>\n<p class=\"center\">{}</p>\n<p class=\"center\">{}</p>",
        meeting.name,
        both(
            "结果公示尚未发布：投票结束、计票完成后在此公布。",
            "The results notice is not available yet: it appears here once the vote is closed and counted."
        ),
        both("会议进行中可在首页查看实时情况。", "Follow the meeting live on the front page."),
    );
    document(&meeting.language, "结果公示 / Results notice", "", &body)
}
