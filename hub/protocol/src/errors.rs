//! Stable error codes and their texts (Chinese first, English too).
//! A code never changes meaning once published; clients match on the code,
//! people read the text.

use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($( $variant:ident = $code:literal : $zh:literal , $en:literal ;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode { $( $variant, )* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[ $( ErrorCode::$variant, )* ];
            pub fn as_str(self) -> &'static str { match self { $( ErrorCode::$variant => $code, )* } }
            pub fn zh(self) -> &'static str { match self { $( ErrorCode::$variant => $zh, )* } }
            pub fn en(self) -> &'static str { match self { $( ErrorCode::$variant => $en, )* } }
        }
    };
}

error_codes! {
    // connection and message level
    BadMessage = "bad_message": "消息格式错误，无法识别", "The message is malformed and could not be read";
    TooLarge = "too_large": "消息过大，已拒绝", "The message is too large and was refused";
    NotAuthenticated = "not_authenticated": "请先出示令牌（hello）再操作", "Present your token (hello) before anything else";
    AuthTimeout = "auth_timeout": "未在规定时间内出示令牌，连接已关闭", "No token was presented in time; the connection is closed";
    UnknownToken = "unknown_token": "令牌无效，请核对卡片上的代码", "Unknown token; check the code on your card";
    PublicOff = "public_off": "本会场不开放公开只读访问（会场服务器以 --no-public 启动）", "This hub does not offer the public read-only view (it was started with --no-public)";
    AlreadyAuthenticated = "already_authenticated": "本连接已登录，无需再次出示令牌", "This connection has already presented a token";
    RateLimited = "rate_limited": "操作过于频繁，请稍后再试", "Too many messages; slow down and try again";
    ServerFull = "server_full": "连接数已满，请稍后再试", "The hub has reached its connection limit; try again shortly";
    TooManyFromAddress = "too_many_from_address": "来自同一网络地址的连接过多，请稍后再试", "Too many connections from this network address; try again shortly";
    ShuttingDown = "shutting_down": "会场服务器正在关闭", "The hub is shutting down";
    StorageFailed = "storage_failed": "保存失败，操作未生效，请重试", "Could not save; the action did not take effect; please retry";
    LogBehind = "log_behind": "会场服务器的日志缺少已确认的记录，已停止服务；请组织者用见证副本恢复（hub restore）后重启", "The hub's log is missing entries it acknowledged, so it has stopped serving; the organiser must restore it from a witness copy (hub restore) and start it again";
    CommandIdReused = "command_id_reused": "该操作编号已用于另一项操作", "This command id was already used for a different command";
    BadCommandId = "bad_command_id": "操作编号无效（需为 1 至 64 字节）", "Invalid command id (must be 1 to 64 bytes)";
    // authorisation
    ReadOnly = "read_only": "此连接只读，不能提交操作", "This connection is read-only";
    Forbidden = "forbidden": "您的角色无权进行此操作", "Your role is not allowed to do this";
    WrongTable = "wrong_table": "不能代替其他桌操作", "You cannot act for another table";
    // phases and rules
    WrongPhase = "wrong_phase": "当前阶段不允许此操作", "This is not allowed in the current phase";
    BadPhaseTransition = "bad_phase_transition": "只能进入下一个阶段", "The meeting can only move to the next phase";
    NotOpen = "not_open": "会议尚未开始", "The meeting has not been opened yet";
    // proposals and picks
    UnknownProposal = "unknown_proposal": "没有这个项目编号", "No proposal has this id";
    NotInShare = "not_in_share": "该项目不在本桌讨论范围内", "This proposal is not among this table's proposals";
    PicksWrongCount = "picks_wrong_count": "推选项目数量不对", "Wrong number of picks";
    DuplicatePick = "duplicate_pick": "同一项目不能重复推选", "The same proposal was picked twice";
    PicksLocked = "picks_locked": "本桌推选已锁定，不能再改", "This table's picks are locked";
    NoPicks = "no_picks": "尚未推选项目，无法锁定", "There are no picks to lock yet";
    // ballots
    EmptyBallot = "empty_ballot": "选票至少要选一个项目", "A ballot must choose at least one proposal";
    TooManyChoices = "too_many_choices": "选择的项目超过上限", "Too many choices on this ballot";
    DuplicateChoice = "duplicate_choice": "同一项目不能选两次", "The same proposal was chosen twice";
    AlreadyVoted = "already_voted": "这张投票卡已经投过票", "This voting card has already voted";
    // table work
    UnknownTable = "unknown_table": "没有这一桌", "No such table";
    UnknownEntry = "unknown_entry": "发言队列中没有这一项", "No such entry in the speaking queue";
    NobodySpeaking = "nobody_speaking": "目前没有人在发言", "Nobody is speaking";
    NobodyWaiting = "nobody_waiting": "发言队列中没有等候的人", "Nobody is waiting to speak";
    UnknownNote = "unknown_note": "没有这条记录", "No such note";
    NotYourNote = "not_your_note": "只能修改本桌的记录", "You can only change your own table's notes";
    InvalidField = "invalid_field": "填写内容无效", "A field is invalid";
    ExclusionRuleRequired = "exclusion_rule_required": "排除项目须注明依据第几条排除规则（1-7）", "An exclusion must name one of the 7 exclusion rules (1-7)";
    // timer
    NoTimer = "no_timer": "没有正在运行的计时器", "No timer is running";
    // paper ballots and sticker boards
    UnknownBatch = "unknown_batch": "没有这一批选票，或您未录入这一批", "No such batch, or you have not keyed it";
    BatchAgreed = "batch_agreed": "这一批已核对一致并计入，不能再改", "This batch already agreed and was counted; it cannot change";
    BatchTaken = "batch_taken": "已有两位点票员在录入这一批", "Two other counters are already keying this";
    BallotNumberUsed = "ballot_number_used": "这个选票编号已在另一批计入", "This ballot number was already counted in another batch";
    UnknownPaperBallot = "unknown_paper_ballot": "您的录入中没有这个选票编号", "There is no ballot with this number in your copy";
    BatchNotEmpty = "batch_not_empty": "这一批已有录入的选票或清点的张数，不能丢弃", "This batch has keyed ballots or counted sheets; it cannot be discarded";
    CopyFinished = "copy_finished": "您已完成这一批的录入", "You have already finished keying this batch";
    PaperOpen = "paper_open": "还有纸质选票或贴纸板未核对一致，不能结束投票", "Paper batches or sticker boards are not yet agreed; the vote cannot close";
    PaperCountMismatch = "paper_count_mismatch": "录入的选票张数与监票员清点的张数不符，不能结束投票", "The ballots keyed do not match the sheets counted by the scrutineer; the vote cannot close";
    StickersOverIssued = "stickers_over_issued": "贴纸板上的贴纸多于门口发出的贴纸，请重新清点", "The boards hold more stickers than were handed out at the door; count again";
    // the electorate, the register and the desk's cards
    CardCancelled = "card_cancelled": "这张投票卡已作废，不能投票", "This voting card has been cancelled and cannot vote";
    NotRegistered = "not_registered": "这张投票卡尚未在门口登记发放，请到登记处", "This voting card was not handed out at the door register; please go to the registration desk";
    UnknownCard = "unknown_card": "没有这张卡（请核对卡号）", "No such card (check its number)";
    ReasonRequired = "reason_required": "请填写原因（会公开显示）", "Give a reason (it is shown to everyone)";
    NoRegister = "no_register": "本次会议不设门口登记", "This meeting has no door register";
    UnknownRegister = "unknown_register": "没有这个登记号", "No such register number";
    AlreadyRegistered = "already_registered": "此人已经登记过", "This person is already registered";
    AlreadyIssued = "already_issued": "这张卡或这个选票编号已经发给别人", "This card or ballot number was already handed to someone else";
    ClaimRequired = "claim_required": "首次使用这张卡：请设定4至6位数字密码来认领", "First use of this card: choose a 4 to 6 digit PIN to claim it";
    WrongPin = "wrong_pin": "密码不对", "Wrong PIN";
    ClaimedElsewhere = "claimed_elsewhere": "这张卡已在另一台设备上认领；如需换设备，请组织者解除认领", "This card was claimed on another device; to move it, the organiser must release the claim";
    SameDevice = "same_device": "这一批的另一份已由同一台设备录入，两份须由两台设备分别录入", "The other copy of this batch was keyed on this same device; the two copies must come from two devices";
    DeviceHasCard = "device_has_card": "这台设备已认领了另一张点票/监票卡，一台设备只能用一张", "This device already holds another desk card; one device, one card";
    NotClaimed = "not_claimed": "这张卡尚未被认领", "This card has not been claimed";
    TooManyTries = "too_many_tries": "密码错误次数过多，请一分钟后再试", "Too many wrong PINs; try again in a minute";
    // exclusions and costs
    ProposalExcluded = "proposal_excluded": "该项目已被确认排除，不能选", "This proposal has been excluded and cannot be chosen";
    NotRecommended = "not_recommended": "技术顾问没有按这一条规则建议排除该项目", "No technical adviser recommended excluding this proposal under that rule";
    NotExcluded = "not_excluded": "该项目没有被排除", "This proposal is not excluded";
    NoEstimate = "no_estimate": "技术顾问尚未给出估算金额", "No technical adviser has estimated this proposal's cost";
    BoardsNotAllowed = "boards_not_allowed": "按平均分配法计票时不能使用贴纸板（需要每张选票）", "Sticker boards cannot be used with the Method of Equal Shares (it needs each ballot)";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} / {}", self.as_str(), self.zh(), self.en())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_name_is_the_code() {
        for c in ErrorCode::ALL {
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert!(!c.zh().is_empty() && !c.en().is_empty());
        }
    }

    #[test]
    fn every_code_is_in_the_protocol_pages_table() {
        let page = include_str!("../../../docs/protocol.md");
        let missing: Vec<&str> =
            ErrorCode::ALL.iter().map(|c| c.as_str()).filter(|c| !page.contains(&format!("\n| `{c}` |"))).collect();
        assert!(missing.is_empty(), "error codes missing from the table in docs/protocol.md: {missing:?}");
    }
}
