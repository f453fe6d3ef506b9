//! The count, the electorate and exclusions in the room's words, the same
//! sentences the pages write (`hub/web/yz.js`: `YZ.countLine`,
//! `YZ.voidLine`, `YZ.issueText`, `YZ.claimText`, `YZ.exclusionText`,
//! `YZ.recommendText`), so that the terminal projector and table-client say
//! what every other screen says, with the same numbers.

use crate::text::Lang;
use yuanzhuo_protocol::{
    CardCancellation, CardIssuance, DeskCard, Exclusion, Role, Turnout, VoidReason, EXCLUSION_RULES,
};

/// A void paper ballot's reason, in words.
pub fn void_reason(code: &VoidReason, lang: Lang) -> String {
    let (zh, en) = match code {
        VoidReason::Blank => ("空白票", "blank"),
        VoidReason::OverLimit => ("超过可选项数", "more marks than allowed"),
        VoidReason::UnknownProposal => ("含不存在的提案编号", "names an unknown proposal"),
        VoidReason::RepeatedMark => ("同一项重复标记", "the same proposal marked twice"),
        VoidReason::UnissuedNumber => ("选票编号未在门口发出", "a number not handed out at the door"),
        VoidReason::CancelledNumber => ("选票编号已作废", "a cancelled number"),
    };
    lang.t(zh, en).to_string()
}

/// The count in one line: "已收到 87 张（有效 84，废票 3）；手机 60，纸质 27；
/// 贴纸 12；门口登记 90 人" (the parts after the first only when they apply).
pub fn count_line(t: &Turnout, lang: Lang) -> String {
    let mut s = match lang {
        Lang::Zh => format!("已收到 {} 张（有效 {}，废票 {}）", t.ballots, t.valid, t.void),
        Lang::En => format!("Ballots received: {} ({} valid, {} void)", t.ballots, t.valid, t.void),
    };
    if t.paper > 0 || t.stickers > 0 {
        s.push_str(&match lang {
            Lang::Zh => format!("；手机 {}，纸质 {}", t.phone, t.paper),
            Lang::En => format!("; by phone {}, on paper {}", t.phone, t.paper),
        });
    }
    if t.stickers > 0 {
        s.push_str(&match lang {
            Lang::Zh => format!("；贴纸 {}", t.stickers),
            Lang::En => format!("; stickers {}", t.stickers),
        });
    }
    if let Some(r) = &t.register {
        s.push_str(&match lang {
            Lang::Zh => format!("；门口登记 {} 人", r.registered),
            Lang::En => format!("; registered at the door {}", r.registered),
        });
    }
    s
}

/// Void ballots by reason: "空白票 2，超过可选项数 1" ("" when none).
pub fn void_line(t: &Turnout, lang: Lang) -> String {
    t.void_reasons
        .iter()
        .map(|(k, n)| format!("{} {n}", void_reason(k, lang)))
        .collect::<Vec<_>>()
        .join(lang.t("，", ", "))
}

/// "15:02": a moment of the hub's clock as a time of day, `utc_offset_s`
/// seconds from UTC (the local zone of the machine showing it).
pub fn hhmm(at_ms: u64, utc_offset_s: i32) -> String {
    let secs = (at_ms / 1000) as i64 + utc_offset_s as i64;
    let day = secs.rem_euclid(86_400);
    format!("{}:{:02}", day / 3600, (day / 60) % 60)
}

fn range(first: &str, last: &str) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}–{last}")
    }
}

/// A card issue: "15:02 追加发卡 5 张（V0121–V0125）：迟到居民" during the
/// vote, "发卡 120 张（V0001–V0120）" before it.
pub fn issue_text(i: &CardIssuance, lang: Lang, utc_offset_s: i32) -> String {
    let r = range(&i.first, &i.last);
    let n = i.count;
    if i.during_vote {
        let at = hhmm(i.at_ms, utc_offset_s);
        return match lang {
            Lang::Zh => format!("{at} 追加发卡 {n} 张（{r}）：{}", i.reason),
            Lang::En => format!("{at} {n} more cards issued ({r}): {}", i.reason),
        };
    }
    let why = |sep: &str| if i.reason.is_empty() { String::new() } else { format!("{sep}{}", i.reason) };
    match lang {
        Lang::Zh => format!("发卡 {n} 张（{r}）{}", why("：")),
        Lang::En => format!("{n} cards issued ({r}){}", why(": ")),
    }
}

/// "15:10 V0042 已作废：手机没电，改用纸质选票".
pub fn cancel_text(c: &CardCancellation, lang: Lang, utc_offset_s: i32) -> String {
    let at = hhmm(c.at_ms, utc_offset_s);
    match lang {
        Lang::Zh => format!("{at} {} 已作废：{}", c.serial, c.reason),
        Lang::En => format!("{at} {} cancelled: {}", c.serial, c.reason),
    }
}

/// A desk card for people: "点票员 1", "监票员 A".
pub fn desk_name(d: &DeskCard, lang: Lang) -> String {
    if d.role == Role::Observer {
        let letter = char::from_u32(64 + d.number).unwrap_or('?');
        return format!("{}{letter}", lang.t("监票员 ", "Scrutineer "));
    }
    format!("{}{}", lang.t("点票员 ", "Counter "), d.number)
}

/// A staff card's serial for people: "organiser" → 组织者控制台, "counter-2" → 点票员 2.
pub fn serial_name(serial: &str, lang: Lang) -> String {
    if serial == "organiser" {
        return lang.t("组织者控制台", "the organiser's console").to_string();
    }
    let Some((kind, n)) = serial.split_once('-') else { return serial.to_string() };
    match (kind, lang) {
        ("counter", _) => format!("{}{n}", lang.t("点票员 ", "Counter ")),
        ("observer", _) => {
            let letter = n.parse::<u32>().ok().and_then(|k| char::from_u32(64 + k)).unwrap_or('?');
            format!("{}{letter}", lang.t("监票员 ", "Scrutineer "))
        }
        ("registrar", _) => format!("{}{n}", lang.t("登记员 ", "Registrar ")),
        ("chair", Lang::Zh) => format!("第{n}桌桌长"),
        ("chair", Lang::En) => format!("Table {n} chair"),
        ("recorder", Lang::Zh) => format!("第{n}桌记录员"),
        ("recorder", Lang::En) => format!("Table {n} recorder"),
        ("adviser", _) if n == "all" => lang.t("全场技术顾问", "the all-tables adviser").to_string(),
        ("adviser", Lang::Zh) => format!("第{n}桌技术顾问"),
        ("adviser", Lang::En) => format!("Table {n} adviser"),
        _ => serial.to_string(),
    }
}

/// A desk card's claim as the room sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimText {
    /// "点票员 1 已认领 · 15:03 · 192.168.1.23"
    pub text: String,
    /// "同一地址：组织者控制台" (empty when nothing else was on that address).
    pub also: String,
    /// The organiser's console was on the same address.
    pub flagged: bool,
}

/// `None` while the card is not claimed.
pub fn claim_text(d: &DeskCard, lang: Lang, utc_offset_s: i32) -> Option<ClaimText> {
    let c = d.claim.as_ref()?;
    let also = if c.same_address_as.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = c.same_address_as.iter().map(|s| serial_name(s, lang)).collect();
        format!("{}{}", lang.t("同一地址：", "same address as "), names.join(lang.t("、", ", ")))
    };
    Some(ClaimText {
        text: format!(
            "{}{}{} · {}",
            desk_name(d, lang),
            lang.t(" 已认领 · ", " claimed · "),
            hhmm(c.at_ms, utc_offset_s),
            c.address
        ),
        also,
        flagged: c.same_address_as.iter().any(|s| s == "organiser"),
    })
}

/// The text of exclusion rule `n` (1..=7).
pub fn rule_text(n: u8, lang: Lang) -> &'static str {
    match EXCLUSION_RULES.get((n as usize).wrapping_sub(1)) {
        Some((zh, en)) => lang.t(zh, en),
        None => "?",
    }
}

/// "P12 已确认排除：第6条 技术上不可行".
pub fn exclusion_text(x: &Exclusion, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{} 已确认排除：第{}条 {}", x.proposal, x.rule, rule_text(x.rule, lang)),
        Lang::En => format!("{} excluded: rule {}, {}", x.proposal, x.rule, rule_text(x.rule, lang)),
    }
}

/// An adviser's exclusion, as what it is: "顾问建议排除（第6条：技术上不可行），由组织者决定".
pub fn recommend_text(rule: u8, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("顾问建议排除（第{rule}条：{}），由组织者决定", rule_text(rule, lang)),
        Lang::En => {
            format!(
                "the adviser recommends excluding it (rule {rule}: {}); the organiser decides",
                rule_text(rule, lang)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yuanzhuo_protocol::{Claim, RegisterCounts};

    #[test]
    fn the_count_reads_as_on_the_pages() {
        let mut t = Turnout { ballots: 87, phone: 60, paper: 27, valid: 84, void: 3, ..Default::default() };
        t.void_reasons.insert(VoidReason::OverLimit, 1);
        t.void_reasons.insert(VoidReason::Blank, 2);
        assert_eq!(count_line(&t, Lang::Zh), "已收到 87 张（有效 84，废票 3）；手机 60，纸质 27");
        assert_eq!(void_line(&t, Lang::Zh), "空白票 2，超过可选项数 1");
        t.stickers = 12;
        t.register = Some(RegisterCounts { registered: 90, ..Default::default() });
        assert_eq!(
            count_line(&t, Lang::Zh),
            "已收到 87 张（有效 84，废票 3）；手机 60，纸质 27；贴纸 12；门口登记 90 人"
        );
        assert_eq!(
            count_line(&t, Lang::En),
            "Ballots received: 87 (84 valid, 3 void); by phone 60, on paper 27; stickers 12; registered at the door 90"
        );
        let phone_only = Turnout { ballots: 5, phone: 5, valid: 5, ..Default::default() };
        assert_eq!(count_line(&phone_only, Lang::Zh), "已收到 5 张（有效 5，废票 0）");
        assert_eq!(void_line(&phone_only, Lang::Zh), "");
    }

    #[test]
    fn issues_claims_and_exclusions_in_words() {
        // 2026-11-28 07:02 UTC is 15:02 in China (UTC+8).
        let at = 1_795_849_320_000;
        assert_eq!(hhmm(at, 8 * 3600), "15:02");
        assert_eq!(hhmm(at, 0), "7:02");
        let late = CardIssuance {
            seq: 9,
            at_ms: at,
            first: "V0121".into(),
            last: "V0125".into(),
            count: 5,
            reason: "迟到居民".into(),
            during_vote: true,
        };
        assert_eq!(issue_text(&late, Lang::Zh, 8 * 3600), "15:02 追加发卡 5 张（V0121–V0125）：迟到居民");
        let first = CardIssuance { during_vote: false, reason: String::new(), count: 1, last: "V0121".into(), ..late };
        assert_eq!(issue_text(&first, Lang::En, 0), "1 cards issued (V0121)");
        let mut d = DeskCard { serial: "counter-1".into(), role: Role::Counter, number: 1, claim: None };
        assert_eq!(claim_text(&d, Lang::Zh, 0), None);
        d.claim = Some(Claim {
            seq: 4,
            at_ms: at + 60_000,
            device: "3f2a91c0".into(),
            address: "192.168.1.23".into(),
            same_address_as: vec!["organiser".into(), "observer-2".into()],
        });
        let c = claim_text(&d, Lang::Zh, 8 * 3600).unwrap();
        assert_eq!(c.text, "点票员 1 已认领 · 15:03 · 192.168.1.23");
        assert_eq!(c.also, "同一地址：组织者控制台、监票员 B");
        assert!(c.flagged);
        let x = Exclusion { proposal: "P12".into(), rule: 6, reason: String::new(), at_ms: at };
        assert_eq!(exclusion_text(&x, Lang::Zh), "P12 已确认排除：第6条 技术上不可行");
        assert_eq!(recommend_text(2, Lang::Zh), "顾问建议排除（第2条：应由其他主体负责（如物业）），由组织者决定");
    }
}
