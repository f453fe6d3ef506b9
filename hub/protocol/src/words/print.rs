//! The words of the hub's printed and exported documents (the results
//! notice and workbook, letters, handouts, minutes, ballots, posters, the
//! pre-screening record, the CSV ranking and the contact list, the Pabulib
//! file, the refusals of `hub export` and `hub print`, and `hub verify`'s
//! report), in Chinese and English, each once.
//!
//! The same form as the pages' table (`ui`): `NAME = "中文", "English";`,
//! `{name}` for a value (`Words::fill`). A word the pages also show is the
//! `ui` entry, not a second one here; these are kept apart so that no page
//! carries the documents' sentences. The hub's tests fail on a pair written
//! twice (here or in `ui`), on an entry no document uses, and on Chinese
//! written in the documents' code outside these tables.

use super::Words;

ui_words! {
    // Refusals shared by the documents.
    NO_MEETING_DEFINED = "没有会议定义", "no meeting defined";
    COUNTS_PER_PROPOSAL = "按提案的计票", "counts per proposal";
    VOTE_NOT_CLOSED_CANNOT_MAKE = "投票尚未结束，不能生成{what}（请先结束投票）", "the vote is not closed yet: {what} can only be made from the final count";
    TALLY_HIDDEN_EXPORT_AFTER_CLOSE = "本次会议规定投票结束前不公开计票（tally = hidden_until_close），{what}须在投票结束后导出", "the rules hide the tally until the vote closes (tally = \"hidden_until_close\"): {what} can only be exported after the close";
    THE_RESULTS_WORKBOOK = "结果表", "the results workbook";
    THE_RESULTS_NOTICE = "结果公示", "the results notice";
    THE_LETTERS_TO_PROPOSERS = "致提案人的信", "the letters to proposers";
    THE_PABULIB_FILE = "Pabulib 文件", "the Pabulib file";

    // Why a row is not funded, why a paper ballot is void (the rest are `ui`).
    BELOW_THE_BUDGET_LINE_STOPPED = "预算线以下（按规则停止资助）", "below the budget line (funding stopped)";
    VOID_UNISSUED_BALLOT_NUMBER = "选票编号未在门口发出", "a ballot number not handed out at the door";
    VOID_CANCELLED_BALLOT_NUMBER = "选票编号已作废（持票人改用其他方式）", "a ballot number cancelled (its holder switched)";

    // The results notice.
    NOTICE_RANK_BEFORE = "第 ", "Rank ";
    NOTICE_RANK_AFTER = " 名", "";
    NOTICE_VOTES_BEFORE = "得票 ", "Votes ";
    NOTICE_COST_BEFORE = "造价 ", "Cost ";
    NOTICE_RUNNING_BEFORE = "累计 ", "Running ";
    NOTICE = "公示", "the results notice";
    RESULTS_NOTICE_TITLE = "项目筛选结果公示", "Results notice";
    RESULTS_PUBLISHED = "结果已公布", "Results published";
    COUNTED = "计票完成", "Counted";
    LANGUAGE = "语言", "Language";
    LANGUAGE_NAMES = "中文", "English";
    RANKING_AND_FUNDING = "排名与资助", "Ranking and funding";
    NOTICE_RANKING_LEGEND = "资助 {n} 项，合计 {total}，预算余 {left}。红线为预算线：获资助的项目都在线上。“放不下”：轮到该项目时剩余预算少于其造价；“排除”：投票前经技术顾问建议、组织方确认，依据排除规则不能资助。", "{n} proposals funded, {total} in all, {left} of the budget left. The red line is the budget line: every funded proposal is above it. “Does not fit”: less was left of the budget than it costs when its turn came; “excluded”: on the technical adviser's advice the organisers confirmed before the vote that an exclusion rule applies.";
    NOTICE_ID = "编号", "ID";
    PROPOSAL_AND_PLACE = "项目 · 地点", "Proposal · place";
    RUNNING = "累计", "Running";
    OUTCOME = "结果", "Outcome";
    FUNDED_SHARES = "资助 份额", "funded, shares";
    FUNDED_COMPLETION = "资助 补足", "funded, completion";
    FUNDED = "资助", "funded";
    EXCLUDED_RULE_N = "排除（第{n}条）", "excluded, rule {n}";
    EXCLUDED = "排除", "excluded";
    INCL_STICKERS = "含贴纸 {n}", "incl. {n} stickers";
    BUDGET_LINE_FUNDED = "—— 预算线：资助 {n} 项，合计 {total}（预算 {budget}） ——", "—— budget line: {n} funded, {total} in all (budget {budget}) ——";
    BUDGET_LINE_NOTHING_FUNDED = "—— 预算线：没有项目获得资助 ——", "—— budget line: nothing funded ——";
    THE_RULES_FIXED = "规则", "The rules (fixed before the meeting opened)";
    AT_MOST_N_OF_PROPOSALS = "最多选 {max} 项（共 {n} 个提案），超过即作废", "at most {max} of the {n} proposals; a ballot with more is void";
    TALLY_SHOWN = "计票公开", "Tally";
    SHOWN_WHEN_MEETING_OPENED = "（会议开始时公布）", "(shown when the meeting opened)";
    BALLOTS_RECEIVED = "共收到选票 {received} 张：手机投票 {phone} 张，纸质选票 {paper} 张（其中作废 {void} 张）。计入结果的有效选票 {count} 张。", "{received} ballots received: {phone} by phone, {paper} on paper ({void} of them void). {count} ballots count.";
    VOID_REASON_N = "{reason_zh} {n} 张", "{reason_en} {n}";
    VOID_UNDER_THE_RULES = "作废原因（按会前规则，作废票不计入任何项目）：{list}。", "Void under the rules (they count for no proposal): {list}.";
    STICKER_BOARDS_ONE = "贴纸投票：{boards} 块展板共 {stickers} 张贴纸，由两人分别清点一致后计入得票。", "Sticker boards: {stickers} stickers on {boards} board, each read by two counters who agreed, added to the votes.";
    STICKER_BOARDS = "贴纸投票：{boards} 块展板共 {stickers} 张贴纸，由两人分别清点一致后计入得票。", "Sticker boards: {stickers} stickers on {boards} boards, each read by two counters who agreed, added to the votes.";
    PAPER_BATCHES_ONE = "纸质选票分 {n} 批，每批由两名计票员分别录入、核对一致，张数经监票员清点。", "Paper ballots in {n} batch, each keyed by two counters independently and agreed, sheets counted by the scrutineer.";
    PAPER_BATCHES = "纸质选票分 {n} 批，每批由两名计票员分别录入、核对一致，张数经监票员清点。", "Paper ballots in {n} batches, each keyed by two counters independently and agreed, sheets counted by the scrutineer.";
    NO_EQUAL_VOTES = "没有得票相同的项目。", "No proposals with equal votes.";
    ORDERED_BY = "排序方法", "Ordered by";
    TIE_DECIDED_FUNDING = "此同票决定了资助结果", "this tie decided what was funded";
    TIE_NO_EFFECT = "不影响资助结果", "no effect on funding";
    N_VOTES_ONE = "{n} 票", "{n} vote";
    N_VOTES = "{n} 票", "{n} votes";
    LOT_SEED = "抽签种子（投票结束时的日志哈希）：", "Lot seed (the log hash when the vote closed):";
    HOW_EQUAL_SHARES_DECIDED = "平均分配法说明", "How equal shares decided";
    EQUAL_SHARES_EXPLAINED = "预算 {budget} 平均分给 {voters} 位有效投票人，每人 {share} 元。每个项目由支持它的投票人用各自的份额共同出资；每一轮买下每元造价所需份额最少的项目，直到没有项目能由其支持者的余额买下：", "The budget of {budget} was split among the {voters} voters whose ballots count: {share} each. Each proposal is paid for by its own supporters' shares; each round buys the proposal that costs its supporters least per yuan, until no proposal can be paid for by what its supporters have left:";
    COST_SUPPORTERS_ONE = "{cost}，{n} 人支持", "{cost}, {n} supporter";
    COST_SUPPORTERS = "{cost}，{n} 人支持", "{cost}, {n} supporters";
    SHARES_BOUGHT_NOTHING = "份额未能买下任何项目", "the shares bought nothing";
    COMPLETION_LEFT = "余下预算 {left} 再按排名从高到低补足（放得下的即资助）：", "The {left} left then went down the ranking, funding each proposal that still fit: ";
    HOW_TO_CHECK_NOTICE = "核对", "How to check this notice";
    NOTICE_MADE_FROM_LOG = "本公示依据的会议日志共 {n} 条记录，最后一条的哈希（日志哈希）为：", "This notice was made from the meeting log of {n} entries; the hash of the last entry (the log head) is:";
    LOG_IS_CHAINED = "日志中每条记录都以哈希与前一条相连，改动任何一条都会改变其后所有哈希。任何人都可以向组织方索取会议日志的副本，按圆桌附带的《自行核对说明》，用独立的核对程序重新计算全部哈希、重新计票，并确认以 {short} 开头的这个哈希属于这份日志。", "Every entry of the log is chained to the one before by its hash: changing any entry changes every hash after it. Anyone can ask the organisers for a copy of the meeting's log and, following the “check it yourself” instructions that come with Yuanzhuo, recompute every hash with an independent checker, recount every ballot and confirm that the hash beginning {short} belongs to that log.";
    BOARD_LISTS_EVERY_BALLOT = "会场的公开看板（/board）显示每张选票的回执码和当前日志哈希：投票人可凭回执码核对自己的选票，投影屏幕上拍下的哈希也可以同样核对。", "The public board (/board) at the venue lists every ballot by its receipt code with the current log head: each voter can find their own ballot, and a hash photographed off the projector can be checked the same way.";
    SIGNATURES = "签章", "Signatures";
    CHAIR_OF_THE_MEETING = "主持人", "Chair of the meeting";
    COUNTER = "计票员", "Counter";
    SIGNATURE = "签名", "signature";
    DATE = "日期", "date";
    NOTICE_PERIOD = "公示期：______年____月____日 至 ______年____月____日", "Notice period: from ________ to ________";
    OBJECTIONS_TO = "如有异议，请在公示期内向 ______________________ 反映（电话 ______________）。", "Objections during the notice period to ______________ (phone ______________).";
    STAMP = "（盖章）", "stamp";
    NOTICE_FOOT = "由圆桌 Yuanzhuo 根据会议日志生成 · 日志 {n} 条 · 日志哈希 {short}…", "made by Yuanzhuo from the meeting log";
    NOTICE_TITLE = "{meeting} · 结果公示", "{meeting} · results notice";
    DOES_NOT_FIT = "放不下", "does not fit";
    FUNDING_STOPPED_SHORT = "已停止资助", "stopped";
    NOT_FUNDED = "未资助", "not funded";
    NOTICE_NOT_YET = "结果公示尚未发布：投票结束、计票完成后在此公布。", "The results notice is not available yet: it appears here once the vote is closed and counted.";
    FOLLOW_LIVE_ON_FRONT_PAGE = "会议进行中可在首页查看实时情况。", "Follow the meeting live on the front page.";
    RESULTS_NOTICE = "结果公示", "Results notice";
    VOTES_HEADER = "得票", "Votes";

    // What is printed for the hall: refusals, tables, the footer, advice.
    ONLY_BALLOTS_TAKE_RANGE = "只有选票需要编号范围（--from/--to）", "Only ballots take a range of numbers (--from/--to)";
    NOT_PER_TABLE = "选票和海报不分桌（--table 只用于各桌资料和会议记录）", "Ballots and posters are not per table (--table is for handouts and minutes)";
    NO_SUCH_TABLE = "没有第 {t} 桌（本次会议共 {n} 桌）", "There is no table {t} (this meeting has {n})";
    GIVE_BALLOT_RANGE = "请给出要打印的选票编号范围，例如 --from 1 --to 300", "Give the range of ballot numbers to print, e.g. --from 1 --to 300";
    NO_PRESCREENING_RECORD = "这场会议没有预审记录（会议文件未写 prescreening）", "This meeting has no pre-screening record (the meeting file names none)";
    TABLE_SPACED = "第 {n} 桌", "Table {n}";
    TABLE_SPACED_NAMED = "第 {n} 桌（{name}）", "Table {n} ({name})";
    MADE_FROM_LOG_AS_OF = "由圆桌 Yuanzhuo 根据会议日志生成 · 截至 {at} · 日志 {n} 条 · 日志哈希 {short}…", "made by Yuanzhuo from the meeting log";
    FEASIBILITY = "可行性", "feasibility";
    RECOMMENDS_EXCLUSION_UNDER_RULE = "建议按第{n}条“{rule}”排除", "recommends exclusion under rule {n}, “{rule}”";
    RECOMMENDS_EXCLUSION = "建议排除", "recommends exclusion";
    CONFIRMED_BY_ORGANISERS = "组织方已确认", "confirmed by the organisers";
    NOT_CONFIRMED_STILL_OPEN = "尚待组织方确认，仍可讨论", "not confirmed by the organisers: still open for discussion";
    REASON = "说明", "reason";
    COST_ESTIMATE = "估算造价", "cost estimate";
    REMARK = "备注", "remark";
    OPEN_PAREN = "（", " (";

    // Each table's handout.
    HANDOUTS_TITLE = "{meeting} · 各桌讨论资料", "{meeting} · table handouts";
    TABLE_HANDOUT = "{table} 讨论资料", "{table} handout";
    EVERY_TABLE_DISCUSSES_ALL = "各桌都讨论全部 {n} 个提案", "Every table discusses all {n} proposals";
    THIS_TABLE_DISCUSSES = "本桌讨论以下 {n} 个提案（全场共 {total} 个）", "This table discusses these {n} proposals (of {total} in all)";
    DISCUSS_THEN_PICK = "讨论约 {minutes} 分钟，然后推选 {picks} 项，由代表上台介绍。", "for about {minutes} minutes; then the table picks {picks} to present on stage.";
    HANDOUT_VOTE_AND_BUDGET = "全场投票时每人最多选 {max} 项（共 {total} 项），超过即作废。预算 {budget}：{rule}。", "In the vote everyone picks at most {max} of the {total}; a ballot with more is void. Budget {budget}: {rule}.";
    THE_COST_SHOWN_COUNTS = "造价是计票所用的唯一造价。技术顾问的意见是建议，供讨论参考；只有组织方在投票前依七条排除规则确认并公布的排除才算数。", "The cost shown is the one the count uses. The technical advisers' notes are advice for the discussion; only an exclusion the organisers confirmed and announced before the vote, under the seven rules, counts.";
    RAISE_YOUR_HAND = "发言请举手，由桌长安排，每人每次一分钟左右，让每个人都有机会说。", "Raise your hand to speak; the chair keeps the queue, about a minute a turn, so that everyone gets a say.";
    PLACE = "地点", "place";
    CATEGORY = "类别", "category";
    WIDE_SPACE = "　", "  ";
    ADVISERS_ESTIMATE_ADOPTED = "（采用技术顾问估算，经组织方确认；提案清单原为 {list}）", "(the adviser's estimate, adopted by the organisers; the list said {list})";
    WHY_REASON = "原因：{reason}。", "Why: {reason}.";
    HANDOUT_EXCLUDED = "：投票前经组织方确认并公布，依据第{n}条“{rule}”。{reason}被排除的提案不能获得资助。", "Excluded: confirmed and announced by the organisers before the vote, under rule {n}, “{rule}”; it cannot be funded.";
    ADVISERS_NOTE = "技术顾问意见（建议，供参考）", "The adviser's note (advice)";

    // Sticker-board posters.
    POSTERS_TITLE = "{meeting} · 贴纸板海报", "{meeting} · sticker-board posters";
    DISCUSSED_AT = "{table}讨论", "discussed at {table}";
    BOARD_NUMBER_BLANK = "展板 ______ 号", "board";
    EXCLUDED_BEFORE_THE_VOTE = "投票前已排除", "Excluded before the vote";
    POSTER_EXCLUDED = "：第{n}条“{rule}”。{reason}被排除的提案不能获得资助，请不要在此贴纸。", "Excluded before the vote under rule {n}, “{rule}”: it cannot be funded; please do not put stickers here.";
    STICKERS_HOW = "贴纸区：支持这个项目，请贴一张笑脸。请从 1 号格起依次贴，一格一张。", "Stickers: one smiley if you support it, from square 1 on, one per square.";
    READ_BY_TWO_COUNTERS = "两名点票员分别清点后在计票台录入", "read by two counters at the desk";
    FULL_TEXT_IN_HANDOUTS = "…（全文见各桌资料）", "… (full text in the handouts)";

    // The pre-screening record.
    RULE_N_QUOTED = "第{n}条“{rule}”", "rule {n}, “{rule}”";
    PROPOSALS_RECEIVED = "收到居民提议", "Proposals received";
    PROPOSALS_OF_THE_MEETING = "列入会议的提案", "Proposals of the meeting";
    KEPT_BECAME_PROPOSAL = "保留（成为会议提案）", "Kept (became a proposal)";
    MERGED_INTO_PROPOSAL = "合并到会议提案", "Merged into a proposal";
    STRUCK_UNDER_SEVEN_RULES = "按七条规则排除", "Struck under the seven rules";
    PRESCREENING = "会前预审", "Pre-screening";
    PRESCREENING_EXPLAINED = "会前，居民的每一条提议都记入预审记录（在会议开始前写入日志，受哈希链保护）：只有七条排除规则可以删去提议，相同的提议按三种方式合并。", "Before the meeting every resident's proposal was entered in the pre-screening record (in the log before the meeting opened, under the hash chain): only the seven exclusion rules may strike a proposal, and alike proposals are merged in one of three ways.";
    PROPOSALS_STRUCK = "排除的提议", "Proposals struck";
    RAW_NO = "编号", "No.";
    RAW_PROPOSAL = "提议", "Proposal";
    RULE_AND_REASON = "规则与理由", "Rule and reason";
    MERGED = "合并", "Merged";
    RAW_OUTCOME = "处理结果", "Outcome";
    KEPT_AS = "保留为提案 {id}“{title}”", "kept as {id}";
    MERGED_INTO = "并入提案 {id}“{title}”（{how}）", "merged into {id} ({how})";
    STRUCK_RULE = "排除，{rule}", "struck, {rule}";
    RECORD_IS_THIRD_ENTRY = "本记录是会议日志的第 3 条（共 {n} 条），日志末端 {head}。", "This record is entry 3 of the meeting's log ({n} entries), log head {head}.";
    RECORD_TITLE = "{meeting} · 预审记录", "{meeting} · pre-screening record";

    // The minutes per table.
    MINUTES_TITLE = "{meeting} · 各桌会议记录", "{meeting} · minutes per table";
    TABLE_MINUTES = "{table} 会议记录", "Minutes of {table}";
    DISCUSSION_OVER_PICKS_LOCKED = "讨论已结束，推选已锁定", "Discussion over, picks locked";
    MINUTES_DRAFT = "草稿：讨论尚未结束（当前阶段：{phase}），记录截至 {at}", "Draft: the discussion is not over (phase: {phase}), as of {at}";
    FROM_TO_MINUTES = "{from}–{to}（{n} 分钟）", "{from}–{to}";
    STARTED_AT = "{at} 开始", "from {at}";
    NOT_STARTED = "尚未开始", "not started";
    PROPOSALS_FROM_TO = "{from}–{to}（{n} 项）", "{from}–{to} ({n})";
    THIS_TABLES_PROPOSALS = "本桌提案", "Proposals";
    SPEAKERS_BALANCE = "发言情况", "Speakers' balance";
    NO_TURNS_RECORDED = "没有记录发言。", "No speaking turns were recorded.";
    SPEAKERS_SUMMARY = "共 {speakers} 人发言 {turns} 次，合计 {time}；发言最多的一位占 {pct}%，平均每人 {each}。", "{speakers} speakers, {turns} turns, {time} in all; the longest speaker had {pct}% of the time, {each} each on average.";
    TIME = "时长", "Time";
    SHARE = "占比", "Share";
    KINDS_OF_TURN = "发言类型", "Kinds of turn";
    NO_PICKS = "没有推选。", "No picks.";
    PICKS_NOT_LOCKED = "（推选尚未锁定）", "(not locked yet)";
    NOTES_BY_PROPOSAL = "按提案的记录", "Notes by proposal";
    ADVISERS_REMARKS = "技术顾问意见", "Adviser's remarks";
    MINUTES_EXCLUDED = "投票前已由组织方确认排除：第{n}条“{rule}”{reason}", "Excluded before the vote by the organisers: rule {n}, “{rule}”";
    NO_NOTES_ON = "以下提案没有记录：", "No notes on: ";
    OTHER_NOTES = "其他记录", "Other notes";
    NOTES_WITHDRAWN = "另有 {n} 条记录已由记录人撤回，未印出（会议日志中保留）。", "{n} more withdrawn by their author are not printed (the log keeps them).";
    CHAIR_OF_THE_TABLE = "桌长", "Chair of the table";
    COMMA_WHY_REASON = "，原因：{reason}。", ", why: {reason}.";
    EDITED_AT = "（{at} 修改）", "(edited {at})";

    // Numbered paper ballots.
    BALLOT_RANGE_STARTS_AT_ONE = "选票编号范围应从 1 起，且结束号不小于起始号（如 --from 1 --to 300）", "The ballot numbers start at 1 and the last is not below the first (e.g. --from 1 --to 300)";
    AT_MOST_BALLOTS_AT_A_TIME = "一次最多打印 {max} 张选票，请分几次打印（如 1–{max}，{next}–…）", "At most {max} ballots at a time: print the range in parts";
    NUMBERS_ALREADY_USED = "此范围内有 {n} 个编号已在门口发出或已在计票台录入（{numbers}{more}）：重印会出现两张同号选票，计票时同一编号只算一次。请选未用过的编号范围。", "{n} numbers in this range were already handed out at the door or keyed at the desk ({numbers}{more}): a reprint makes two ballots with one number, and the desk counts a number once. Choose numbers not used yet.";
    PRINT_SINGLE_SIDED = "每张选票一页：请单面打印", "one page per ballot: print single-sided";
    PRINT_DOUBLE_SIDED = "每张选票印在一张纸的正反两面：请双面打印（长边翻转）", "each ballot is both sides of one sheet: print double-sided (flip on the long edge)";
    PRINT_AND_STAPLE = "每张选票 {n} 面：请双面打印并按编号装订", "each ballot takes {n} sides: print double-sided and staple each ballot";
    DOOR_REGISTER_BALLOTS = "本次会议设门口登记：登记员在 /door 录入选票上印的编号后再把选票交给居民；未登记发出的编号计票时作废。", "This meeting has a door register: the registrar keys the number printed on the ballot at /door before handing it out; a number never handed out is void at the count.";
    PRINTING = "打印设置", "Printing";
    N_BALLOTS_IN_ALL = "共 {n} 张", "{n} ballots";
    PRINT_AT_ACTUAL_SIZE = "纸张 A4，缩放 100%（“实际大小”），不要“适合页面”。同一编号只打印一次：一个编号计票时只算一次。", "A4 paper at 100% (“actual size”), not “fit to page”. Print each number once: the desk counts a number once.";
    BALLOT_KIND = "项目投票选票", "Ballot";
    BALLOT_NO = "选票编号", "Ballot No.";
    BALLOT_CONTINUED = "项目投票选票（续）", "(continued)";
    BALLOT_NO_SHORT = "选票编号", "No.";
    MORE_OVERLEAF = "背面还有项目，请翻面 →", "more proposals overleaf →";
    SIDE_OF = "第 {i} 面，共 {n} 面", "side {i} of {n}";
    NUMBER_N = "编号 {n}", "no. {n}";
    RULES_FINGERPRINT_FP = "规则指纹 {fp}", "rules fingerprint";
    INTENTIONALLY_BLANK = "（本面空白）选票编号 {n}", "(intentionally blank)";
    BALLOTS_TITLE = "{meeting} · 选票 {from}–{to}", "{meeting} · ballots {from}–{to}";
    TICK_AT_MOST = "请在支持的项目前的方框内打 ✓，最多选 {max} 项；超过 {max} 项的选票作废。", "Tick the box of each proposal you support: at most {max}. A ballot with more than {max} ticks is void.";
    EXCLUDED_RULE_N_BALLOT = "已排除（第{n}条）", "excluded";

    // Letters to proposers.
    NO_LETTERS = "所有提案均获资助，无需致函。", "Every proposal was funded: there are no letters to send.";
    LETTERS_TITLE = "{meeting} · 致提案人的信", "{meeting} · letters to proposers";
    DEAR_RESIDENT = "尊敬的提议人：", "Dear proposer,";
    DEAR_NAME = "尊敬的{name}：", "Dear {name},";
    WITH_OTHERS = "，与另外 {n} 条居民建议一起", ", together with {n} other residents' proposals,";
    YOURS_MERGED_INTO = "您提出的建议（原始编号 {id}：“{text}”）在会前预审中按“{how}”的方式{with}合并为提案“{title}”（编号 {pid}）。", "Your proposal (no. {id}: “{text}”) was merged before the meeting{with} into the proposal “{title}” (no. {pid}) ({how}).";
    YOURS_WENT_AS = "您提出的建议（原始编号 {id}：“{text}”）在会前预审中列为提案“{title}”（编号 {pid}）{with}。", "Your proposal (no. {id}: “{text}”) went to the meeting as the proposal “{title}” (no. {pid}){with}.";
    AT_PLACE = "，地点：{place}", ", at {place}";
    SIGNED_ORGANISERS = "{meeting}　组织方", "The organisers, {meeting}";
    THANKS_FOR_YOURS = "感谢您提出的建议（原始编号 {id}：“{text}”{place}）。", "Thank you for your proposal (no. {id}: “{text}”{place}).";
    STRUCK_RESULT = "结果：会前预审时未列入{meeting}。", "Result: not put to {meeting} after pre-screening.";
    STRUCK_WHY = "原因：按会前公布的七条排除规则，社区只能依其中一条删去居民的提议。您的建议属于第{n}条“{rule}”。", "Why: a resident's proposal may be struck before the meeting only under one of the seven exclusion rules published beforehand. Yours falls under rule {n}: “{rule}”.";
    REASON_AS_WRITTEN = "预审说明", "The reason given (as written)";
    RECORD_PUBLISHED = "预审记录（每一条建议的处理结果和理由）已随结果公示。如有疑问，请与组织方联系。感谢您对社区公共事务的关心，欢迎继续参与。", "The pre-screening record, with every proposal's outcome and reason, is published with the results notice. Please contact the organisers with any question. Thank you for caring about the community, and please keep taking part.";

    // Letters to proposers.
    FUNDED_RESULT = "结果：该提案在{meeting}上获得资助（{votes} 票，第 {position} 位，造价 {cost}）。", "Result: that proposal was funded at {meeting} ({votes} votes, position {position}, cost {cost}).";
    YOURS_IS_PART_OF_IT = "您的建议已体现在这个提案中，实施情况将另行公示。感谢您对社区公共事务的关心，欢迎继续参与。", "Your proposal is part of it; how it is carried out will be published. Thank you for caring about the community, and please keep taking part.";
    DEAR_PROPOSER = "尊敬的提案人：", "Dear proposer,";
    LAST_ABOVE_THE_LINE = "第 {position} 位“{title}”（{votes} 票，造价 {cost}）", "position {position}, “{title}” ({votes} votes, {cost})";
    NOTHING_WAS_FUNDED = "没有项目获得资助", "nothing was funded";
    THANKS_FOR_PROPOSING = "感谢您提出“{title}”（编号 {id}{place}）。该提案已{date}在{meeting}上经居民分桌讨论和全场投票，现将结果告知如下。", "Thank you for proposing “{title}” (no. {id}{place}). It was discussed at the tables and put to the vote at {meeting}{date}. This is the result.";
    NOT_FUNDED_RESULT = "结果：未获资助。", "Result: not funded.";
    ON_DATE = "于 {date} ", " on {date}";
    VOTES_VALUE = "{n} 票", "{n}";
    LETTER_PLACE = "排名", "Place";
    POSITION_OF = "第 {position} 位（共 {total} 项；名次 {rank}）", "position {position} of {total} (rank {rank})";
    FUNDED_OF_BUDGET = "资助 {n} 项，合计 {total}（预算 {budget}）；线上最后一项：{last}", "{n} funded, {total} of {budget}; last above the line: {last}";
    IN_THE_RECORD = "您的提案和居民在讨论中的意见都已记入会议记录，可供今后的工作参考。完整的排名与资助结果见结果公示。感谢您对社区公共事务的关心，欢迎继续参与。", "Your proposal and what residents said about it are in the meeting's record for future work; the full ranking is on the results notice. Thank you for caring about the community, and please keep taking part.";

    // Letters: why not funded.
    WHY_EXCLUDED = "原因：根据技术顾问的建议，组织方在投票开始前依据会前公布的七条排除规则中的第{n}条“{rule}”确认排除该提案，并当场公布。按规则，被排除的提案即使获得选票也不能获得资助（本提案得 {votes} 票）。", "Why: on the technical adviser's advice, the organisers confirmed before the vote, and announced, that rule {n} of the seven exclusion rules published before the meeting applies: “{rule}”. Under the rules an excluded proposal cannot be funded, whatever its votes ({votes} here).";
    ADVISERS_REASON = "顾问说明", "The adviser's reason (as written)";
    ADVISERS_REMARK = "顾问备注", "The adviser's note (as written)";
    ADVISERS_ESTIMATE = "顾问估算造价：{cost}。", "The adviser's cost estimate: {cost}.";
    WHY_NO_VOTES = "原因：该提案在投票中没有获得选票（0 票）。按规则，至少获得一票的提案才能获得资助。", "Why: the proposal received no votes. Under the rules only proposals with at least one vote can be funded.";
    STOPPED_AT = "第 {position} 位“{title}”（造价 {cost}，当时预算余 {left}）", "position {position}, “{title}” (cost {cost}, with {left} left)";
    AT_THE_BUDGET_LINE = "预算线处", "the budget line";
    WHY_STOPPED = "原因：该提案得 {votes} 票，排在第 {position} 位。按会前规则，从得票最高的提案开始依次资助，遇到第一个放不下的提案即停止：资助停在{at}，排在其后的提案（包括本提案）都不再资助。", "Why: the proposal received {votes} votes and came at position {position}. The rule fixed before the meeting funds from the top of the ranking and stops at the first proposal that does not fit: funding stopped at {at}, so nothing below it, this proposal included, was funded.";
    WHY_EQUAL_SHARES = "原因：该提案得 {votes} 票，排在第 {position} 位。本次采用平均分配法：预算平均分给 {voters} 位有效投票人，每人 {share} 元，每个提案由支持它的投票人用各自的份额共同出资。", "Why: the proposal received {votes} votes and came at position {position}. This meeting used the Method of Equal Shares: the budget was split among the {voters} voters whose ballots count, {share} each, and each proposal is paid for by its own supporters' shares.";
    SHARES_FALL_SHORT = "支持本提案的 {votes} 位投票人的份额合计 {sum} 元，少于其造价 {cost}，因此份额买不下它。", "The shares of its {votes} supporters came to {sum} together, less than its cost of {cost}, so the shares could not buy it.";
    SHARES_SPENT_ELSEWHERE = "支持本提案的投票人也支持其他提案，他们的份额先用于买下了那些每元造价所需份额更少的提案，余下的份额不足以支付其造价 {cost}。", "Its supporters also supported other proposals, which cost them less per yuan and were bought first; what was left of their shares could not pay its cost of {cost}.";
    COMPLETION_DID_NOT_FIT = "份额用完后，余下预算按排名从高到低补足；轮到本提案时预算余 {left}，不足以支付其造价 {cost}。", "The budget left after the shares then went down the ranking; when this proposal's turn came {left} was left, less than its cost of {cost}.";
    WHY_DID_NOT_FIT = "原因：该提案得 {votes} 票，排在第 {position} 位。按会前规则，从得票最高的提案开始依次资助；轮到本提案时，预算只剩 {left}，而其造价为 {cost}，放不下，因此未获资助（规则随后继续看排在其后、造价放得下的提案）。", "Why: the proposal received {votes} votes and came at position {position}. The rule fixed before the meeting funds from the top of the ranking; when this proposal's turn came only {left} of the budget was left and its cost is {cost}, so it did not fit (the rule then went on to the proposals below it that still fitted).";
    WHY_NOT_FUNDED = "原因：按会前规则，该提案（{votes} 票，第 {position} 位）未获资助。", "Why: under the rules this proposal ({votes} votes, position {position}) was not funded.";
    FUNDING_RULE_ANNOUNCED = "会前公布的资助规则：{rule}。", "The funding rule announced before the meeting: {rule}.";

    // The results workbook: sheet names, column headers, cells ("中文 English" in one cell).
    RESULTS = "结果", "Results";
    PROPOSALS = "提案", "Proposals";
    RULES = "规则", "Rules";
    FINAL_RESULTS_VOTE_CLOSED = "最终结果（投票已结束）", "Final results: the vote is closed";
    PROVISIONAL_RESULTS = "临时结果：投票尚未结束，以最终结果为准", "Provisional: the vote is not closed yet";
    IN_PARENS = "{a}（{b}）", "{a} ({b})";
    POSITION = "位次", "Position";
    TITLE = "项目", "Title";
    COST_YUAN = "造价（元）", "Cost";
    RUNNING_TOTAL_YUAN = "累计（元）", "Running total";
    REASON_NOT_FUNDED = "未资助原因", "Reason not funded";
    NOTE = "说明", "Note";
    PAPER_VOTES = "其中纸质票", "Paper votes";
    STICKER_VOTES = "其中贴纸", "Sticker votes";
    LINE_UNDER_POSITION = "在第 {p} 位之后（红色粗线）：线上最后一项 {id}，{v} 票", "under position {p} (thick red line): the last funded is {id} with {v} votes";
    NOTHING_FUNDED = "没有项目获得资助", "nothing funded";
    TOTALS = "合计", "Totals";
    PROPOSALS_FUNDED = "资助项目数", "Proposals funded";
    FUNDED_TOTAL = "资助合计", "Funded total";
    LEFT = "余额", "Left";
    BALLOTS_THAT_COUNT = "有效选票", "Ballots that count";
    VOID_PAPER_BALLOTS = "作废纸质票", "Void paper ballots";
    BY_PHONE = "手机", "phone";
    ON_PAPER = "纸质", "paper";
    BOARDS_UNIT = "块展板", "boards";
    RULE_N = "第{n}条", "rule {n}";
    BOUGHT_BY_EQUAL_SHARES = "由投票人份额买下", "bought by the voters' equal shares";
    FUNDED_BY_COMPLETION_STEP = "份额用完后按排名补足", "funded by the completion step";
    METHOD = "方式", "Method";
    BALLOT_NUMBER = "票号", "Ballot number";
    CHOICES = "所选提案", "Choices";
    MARKS = "项数", "Marks";
    COUNTS = "是否有效", "Counts";
    VOID_REASON = "作废原因", "Void reason";
    LOG_ENTRY = "日志序号", "Log entry";
    VOID = "作废", "void";
    PROPOSAL_TITLE = "标题", "Title";
    DESCRIPTION = "描述", "Description";
    ESTIMATED_COST_YUAN = "估算金额（元）", "Cost";
    LEVEL = "层级", "Level";
    DISCUSSED_AT_TABLE = "讨论桌", "Discussed at";
    PICKED_BY = "推选桌", "Picked by";
    ADVISERS_JUDGEMENT = "顾问判断", "Feasibility";
    ADVISERS_REASON_HEADER = "顾问理由", "Adviser's reason";
    ADVISERS_ESTIMATE_YUAN = "顾问估算（元）", "Adviser's estimate";
    ADVISERS_REMARK_HEADER = "顾问备注", "Adviser's remark";
    COMMUNITY = "社区", "community";
    STREET = "街道", "street";
    ITEM = "项目", "Item";
    VALUE = "内容", "Value";
    VENUE = "地点", "Venue";
    DATE_HEADER = "日期", "Date";
    PROPOSAL_COUNT = "提案数", "Proposals";
    MOST_CHOICES_PER_BALLOT = "每张选票最多", "Most choices per ballot";
    MORE_IS_VOID = "超过即作废", "more is void";
    FUNDING_RULE = "资助规则", "Funding rule";
    TIE_BREAK = "同票规则", "Tie-break";
    PUBLIC_BOARD = "公开看板", "Public board";
    RECEIPTS_AND_CHOICES = "回执码与所选提案", "receipts and choices";
    RECEIPTS_ONLY = "仅回执码", "receipts only";
    DISCUSSION = "讨论", "Discussion";
    MINUTES_UNIT = "分钟", "minutes";
    PHASE = "阶段", "Phase";
    FINAL = "最终", "final";
    PROVISIONAL = "临时（投票尚未结束）", "provisional";
    LOG_ENTRIES = "日志条数", "Log entries";
    LOG_HEAD = "日志哈希", "Log head";
    LOG_HEAD_AT_CLOSE = "投票结束时的日志哈希", "Log head at the close (lot seed)";
    OF_WHICH_BY_PHONE = "其中手机", "of which by phone";
    OF_WHICH_ON_PAPER = "其中纸质", "of which on paper";
    VOID_BECAUSE = "作废原因", "void because";
    EQUAL_SHARES_VOTERS = "平均分配：投票人", "Equal shares: voters";
    EQUAL_SHARES_SHARE_EACH = "平均分配：每人份额", "Equal shares: share each";
    BOUGHT_BY_THE_SHARES_IN_ORDER = "份额买下（按顺序）", "Bought by the shares, in order";
    FUNDED_BY_COMPLETION = "余额补足", "Funded by completion";
    HOW_TO_CHECK = "核对", "How to check";
    VERIFY_COMMAND = "hub verify --data 数据文件夹 --head {head}", "hub verify --data data-folder --head {head}";
    BOARD = "展板", "Board";

    // The CSV ranking and the contact list (`hub export --format csv`, `contacts`).
    CSV_FILE_NAME = "圆桌-结果排名.csv", "yuanzhuo-ranking.csv";
    THE_CSV_RANKING = "CSV 排名", "the CSV ranking";
    FUNDED_HEADER = "是否资助", "Funded";
    RUNNING_TOTAL_COST = "累计造价", "Running total cost";
    FINAL_HEADER = "是否最终结果", "Final";
    PHONE_VOTES_HEADER = "手机票", "Phone votes";
    PAPER_VOTES_HEADER = "纸质票", "Paper votes";
    STICKER_VOTES_HEADER = "贴纸票", "Sticker votes";
    BY_THE_RANKING = "按排名", "by the ranking";
    BY_EQUAL_SHARES = "平均分配份额", "by equal shares";
    ORIGINAL_NO = "原始编号", "Original no.";
    CONTACT = "联系方式", "Contact";
    WHAT_WAS_PROPOSED = "建议内容", "What was proposed";
    PRESCREENING_OUTCOME = "预审结果", "Pre-screening outcome";
    MEETING_PROPOSAL = "会议提案", "Meeting proposal";
    MEETING_OUTCOME = "会议结果", "Outcome at the meeting";
    REASON_TO_TELL = "告知理由", "Reason to tell them";
    KEPT = "保留", "kept";
    MERGED_HOW = "合并（{how}）", "merged ({how})";
    STRUCK_RULE_TEXT = "排除（第{n}条：{rule}）", "struck (rule {n}: {rule})";
    VOTE_NOT_CLOSED = "投票尚未结束", "the vote is not closed yet";
    FUNDED_AT_MEETING = "获得资助", "funded";
    NOT_FUNDED_AT_MEETING = "未获资助", "not funded at the meeting";
    NOT_FUNDED_BECAUSE = "未获资助：{reason}", "not funded: {reason}";

    // Reading the data folder, and `hub verify`: its refusals and its report.
    LOG_NOT_WHOLE = "日志不完整", "the log is not whole";
    LOG_FAILS_VERIFICATION = "日志未通过校验", "the log fails verification";
    NO_MEETING_IN_DATA_FOLDER = "数据文件夹中没有会议定义", "no meeting defined";
    THE_LOG = "日志", "the log";
    VOID_BY_REGISTER_WITHOUT_ONE = "纸质选票 {number} 按门口登记作废，但本次会议不设门口登记", "paper ballot {number}: void by the door register, but the rules have none";
    VERDICT_DIFFERS = "纸质选票 {number} 的判定有误", "paper ballot {number}: recorded {recorded}, the rules say {again}";
    PAPER_NUMBER_TWICE = "纸质选票编号 {number} 计入两次", "paper ballot number {number} counted twice";
    RECOUNT_DIFFERS = "重新计票与记录不符", "the recount differs from the running tally";
    VOTER_TWICE = "投票卡 {voter} 投了两次", "voter {voter} appears twice";
    BALLOT_WITH_N_CHOICES = "第 {seq} 条记录：选票选了 {n} 项", "entry {seq}: a ballot with {n} choices";
    RESULTS_DIFFER = "重新计算的结果与记录不符", "recomputed results differ";
    FUNDED_OVER_BUDGET = "入选项目合计超过预算", "the funded total exceeds the budget";
    LOG_INTACT = "日志完整，每条记录都符合规则：共 {entries} 条记录，计入选票 {ballots} 张{paper}，阶段：{phase}", "log intact, every entry within the rules: {entries} entries, {ballots} ballots{paper}, phase {phase}";
    PAPER_COUNTED = "（手机 {phone} 张，纸质 {paper} 张；另有纸质废票 {void} 张；贴纸 {stickers} 张）", " counted ({phone} by phone, {paper} on paper; {void} more paper ballots void; {stickers} stickers)";
    HEAD_IS_ENTRY = "哈希 {h} 是第 {seq} 条记录，其后有 {after} 条", "{h} is entry {seq} of the log; {after} entries follow it";
    HEAD_NOT_IN_LOG = "哈希 {h} 不在本日志中", "{h} is not part of this log";
    COUNT_LABEL = "计票", "count";
    BALLOTS_RECEIVED_REPORT = "已收到 {ballots} 张（有效 {valid}，废票 {void}）；手机 {phone}，纸质 {paper}；贴纸 {stickers}", "ballots received: {ballots} ({valid} valid, {void} void); by phone {phone}, on paper {paper}; stickers {stickers}";
    VOID_LABEL = "废票", "void";
    CARDS_LABEL = "投票卡", "cards";
    CARDS_REPORT = "发放 {issued} 张，作废 {cancelled} 张，选民指纹 {fp}", "{issued} issued, {cancelled} cancelled, electorate fingerprint {fp}";
    CARDS_ISSUED_DURING_VOTE = "第 {seq} 条：投票中追加发卡 {first}–{last}（{count} 张），原因：{reason}", "entry {seq}: cards {first}–{last} ({count}) issued during the vote: {reason}";
    CARD_CANCELLED = "第 {seq} 条：作废 {serial}，原因：{reason}", "entry {seq}: {serial} cancelled: {reason}";
    DOOR_REGISTER_LABEL = "门口登记", "door register";
    REGISTER_REPORT = "{registered} 人：投票卡 {cards}，纸质票 {paper}，贴纸 {sheets} 张（共 {stickers} 枚）", "{registered} registered: {cards} cards, {paper} paper ballots, {sheets} sticker sheets ({stickers} stickers)";
    DESK_LABEL = "点票台", "desk";
    DESK_CARD_NOT_CLAIMED = "{who_zh}（{serial}）未认领", "{who_en} ({serial}) not claimed";
    DESK_CARD_CLAIMED = "{who_zh}（{serial}）第 {seq} 条认领，设备 {device}，{address}{same_zh}", "{who_en} ({serial}) claimed at entry {seq}, device {device}, {address}{same_en}";
    SAME_ADDRESS_AS = "，与 {others} 同一地址", ", same address as {others}";
    EXCLUDED_BEFORE_THE_VOTE_LABEL = "投票前排除", "excluded before the vote";
    EXCLUDED_REPORT = "{proposal}（第 {rule} 条规则：{reason}）", "{proposal} (rule {rule}: {reason})";
    COST_ADOPTED_LABEL = "采用技术顾问估算", "cost adopted from the adviser";
    COST_ADOPTED_REPORT = "{proposal} {cost}（清单 {list}）", "{proposal} {cost} (list {list})";

    // The Pabulib file (its META text is English, Pabulib's language: see pabulib.rs).
    A_PABULIB_FILE = " Pabulib 文件", "a Pabulib file";
    PABULIB_ID_CHARACTER = "提案编号“{id}”含有 Pabulib 格式不允许的字符（分号、逗号、引号或首尾空格）", "proposal id “{id}” has a character the Pabulib format cannot hold (; , \" or surrounding spaces)";
    SCREENING_MEETING = "项目筛选大会", "Community screening meeting";
}
