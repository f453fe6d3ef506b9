//! The count, the electorate and exclusions in the room's words, the same
//! sentences the pages write (`hub/web/yz.js`: `YZ.countLine`,
//! `YZ.voidLine`, `YZ.issueText`, `YZ.claimText`, `YZ.exclusionText`,
//! `YZ.recommendText`), so that the terminal projector and table-client say
//! what every other screen says, with the same numbers. The words are the
//! pages' own entries of the one vocabulary (`yuanzhuo_protocol::words::ui`).

use crate::text::Lang;
use yuanzhuo_protocol::words::{ui, Words};
use yuanzhuo_protocol::{
    scrutineer_letter, CardCancellation, CardIssuance, DeskCard, Exclusion, Role, Turnout, VoidReason, EXCLUSION_RULES,
};

/// An entry in the reader's language.
fn say(w: Words, lang: Lang) -> &'static str {
    lang.t(w.zh, w.en)
}

/// An entry in the reader's language with its `{name}`s filled in.
fn fill(w: Words, lang: Lang, values: &[(&str, &str)]) -> String {
    let (zh, en) = w.fill(values);
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A void paper ballot's reason, in words.
pub fn void_reason(code: &VoidReason, lang: Lang) -> String {
    let w = match code {
        VoidReason::Blank => ui::VOID_BLANK,
        VoidReason::OverLimit => ui::VOID_OVER_LIMIT,
        VoidReason::UnknownProposal => ui::VOID_UNKNOWN_PROPOSAL,
        VoidReason::RepeatedMark => ui::VOID_REPEATED_MARK,
        VoidReason::UnissuedNumber => ui::VOID_UNISSUED_NUMBER,
        VoidReason::CancelledNumber => ui::VOID_CANCELLED_NUMBER,
    };
    say(w, lang).to_string()
}

/// The count in one line: "已收到 87 张（有效 84，废票 3）；手机 60，纸质 27；
/// 贴纸 12；门口登记 90 人" (the parts after the first only when they apply).
pub fn count_line(t: &Turnout, lang: Lang) -> String {
    let s = |w| say(w, lang);
    let mut out = format!(
        "{}{}{}{}{}{}{}",
        s(ui::BALLOTS_RECEIVED),
        t.ballots,
        s(ui::COUNT_SHEETS_VALID_OPEN),
        t.valid,
        s(ui::COUNT_VALID_VOID),
        t.void,
        s(ui::COUNT_VOID_CLOSE)
    );
    if t.paper > 0 || t.stickers > 0 {
        out += &format!("{}{}{}{}", s(ui::BY_PHONE), t.phone, s(ui::ON_PAPER), t.paper);
    }
    if t.stickers > 0 {
        out += &format!("{}{}", s(ui::ISSUE_STICKERS_PREFIX), t.stickers);
    }
    if let Some(r) = &t.register {
        out += &format!("{}{}{}", s(ui::REGISTERED_AT_DOOR), r.registered, s(ui::PEOPLE_SUFFIX));
    }
    out
}

/// Void ballots by reason: "空白票 2，超过可选项数 1" ("" when none).
pub fn void_line(t: &Turnout, lang: Lang) -> String {
    t.void_reasons
        .iter()
        .map(|(k, n)| format!("{} {n}", void_reason(k, lang)))
        .collect::<Vec<_>>()
        .join(say(ui::COMMA, lang))
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
    let (range, count) = (range(&i.first, &i.last), i.count.to_string());
    if i.during_vote {
        let at = hhmm(i.at_ms, utc_offset_s);
        let v = [("hhmm", at.as_str()), ("count", &count), ("range", &range), ("reason", &i.reason)];
        return fill(ui::MORE_CARDS_ISSUED, lang, &v);
    }
    let why = if i.reason.is_empty() { String::new() } else { fill(ui::COLON_REASON, lang, &[("reason", &i.reason)]) };
    fill(ui::N_CARDS_ISSUED, lang, &[("count", &count), ("range", &range), ("reason", &why)])
}

/// "15:10 V0042 已作废：手机没电，改用纸质选票".
pub fn cancel_text(c: &CardCancellation, lang: Lang, utc_offset_s: i32) -> String {
    let at = hhmm(c.at_ms, utc_offset_s);
    fill(ui::CARD_CANCELLED_AT, lang, &[("hhmm", &at), ("serial", &c.serial), ("reason", &c.reason)])
}

/// A desk card for people: "点票员 1", "监票员 A".
pub fn desk_name(d: &DeskCard, lang: Lang) -> String {
    if d.role == Role::Scrutineer {
        return format!("{}{}", say(ui::SCRUTINEER, lang), scrutineer_letter(d.number));
    }
    format!("{}{}", say(ui::COUNTER, lang), d.number)
}

/// A staff card's serial for people: "organiser" → 组织者控制台, "counter-2" → 点票员 2.
pub fn serial_name(serial: &str, lang: Lang) -> String {
    if serial == "organiser" {
        return say(ui::ORGANISERS_CONSOLE_NAME, lang).to_string();
    }
    let Some((kind, n)) = serial.split_once('-') else { return serial.to_string() };
    match kind {
        "counter" => format!("{}{n}", say(ui::COUNTER, lang)),
        "scrutineer" => {
            let letter = n.parse::<u32>().ok().and_then(|k| char::from_u32(64 + k)).unwrap_or('?');
            format!("{}{letter}", say(ui::SCRUTINEER, lang))
        }
        "registrar" => format!("{}{n}", say(ui::REGISTRAR, lang)),
        "chair" => fill(ui::TABLE_CHAIR, lang, &[("n", n)]),
        "recorder" => fill(ui::TABLE_RECORDER, lang, &[("n", n)]),
        "adviser" if n == "all" => say(ui::ALL_TABLES_ADVISER_NAME, lang).to_string(),
        "adviser" => fill(ui::TABLE_ADVISER, lang, &[("n", n)]),
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
        format!("{}{}", say(ui::SAME_ADDRESS_AS, lang), names.join(say(ui::LIST_SEP, lang)))
    };
    Some(ClaimText {
        text: format!(
            "{}{}{} · {}",
            desk_name(d, lang),
            say(ui::CLAIMED, lang),
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
    let rule = x.rule.to_string();
    let v = [("proposal", x.proposal.as_str()), ("rule", &rule), ("exclusionRule", rule_text(x.rule, lang))];
    fill(ui::PROPOSAL_EXCLUDED, lang, &v)
}

/// An adviser's exclusion, as what it is: "顾问建议排除（第6条：技术上不可行），由组织者决定".
pub fn recommend_text(rule: u8, lang: Lang) -> String {
    let n = rule.to_string();
    fill(ui::ADVISER_RECOMMENDS_EXCLUDING, lang, &[("rule", &n), ("exclusionRule", rule_text(rule, lang))])
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
            same_address_as: vec!["organiser".into(), "scrutineer-2".into()],
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
