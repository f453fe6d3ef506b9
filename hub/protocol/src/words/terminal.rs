//! The table-client's own words (the terminal for chairs, recorders and
//! advisers), in Chinese and English, each once: what only that terminal
//! says (its keys, forms, help and messages). Words a page also says are the
//! pages' entries (`ui`), not repeated here; this table is not sent to the
//! pages. The hub's tests fail on an entry the table-client does not use,
//! on a pair that is already an entry here or in `ui`, and on Chinese
//! written in `table-client/src` outside this table. See docs/dev.md,
//! "Adding a word".

use super::Words;

ui_words! {
    // The command line (printed in both languages) and the goodbye.
    /// The command line says both languages: "{zh} / {en}".
    LANG_FLAG = "--lang 只能是 zh 或 en", "--lang must be zh or en (got {s})";
    TURN_SECONDS_FLAG = "--turn-seconds 须在 5 到 3600 之间", "--turn-seconds must be between 5 and 3600";
    SEATS_FLAG = "--seats 最多 200", "--seats is at most 200";
    UNSENT_AT_EXIT = "还有 {n} 条未发送，已保存在本机；下次用同一令牌启动时自动发送。", "{n} entries unsent, kept on this computer; they go out the next time you start with this token.";

    // The meeting's things: turn kinds, note tags, timers, and what a command does (the message log and the unsent list).
    TURN_FOR = "支持", "for";
    TURN_AGAINST = "反对", "against";
    TURN_QUESTION = "提问", "question";
    TURN_POINT_OF_ORDER = "程序问题", "point of order";
    TAG_SUPPORT = "支持", "support";
    TAG_CONCERN = "担忧", "concern";
    TAG_OBJECTION = "反对", "objection";
    TAG_NEW_IDEA = "新想法", "new idea";
    TAG_QUESTION = "疑问", "question";
    RECOMMEND_EXCLUDING = "建议排除", "recommend excluding";
    TIMER_DISCUSSION = "讨论", "discussion";
    TIMER_PITCH = "推介", "pitch";
    CMD_QUEUE_SPEAKER = "加入发言队列 {name}（{turn}）", "queue {name} ({turn})";
    CMD_START_SPEAKER = "开始发言", "start speaker";
    CMD_NEXT_SPEAKER = "下一位发言", "next speaker";
    CMD_STOP_SPEAKER = "结束发言", "stop speaker";
    CMD_REMOVE_SPEAKER = "移出队列", "remove from queue";
    CMD_SUBMIT_PICKS = "提交推选", "submit picks";
    CMD_LOCK_PICKS = "锁定推选", "lock picks";
    CMD_SIGNAL_READY = "告诉组织者：本桌已就绪", "tell the organiser: ready";
    CMD_SIGNAL_MORE_TIME = "告诉组织者：需要更多时间", "tell the organiser: more time";
    CMD_TAKE_SIGNAL_BACK = "撤回给组织者的信号", "take the signal back";
    CMD_NOTE = "记录 {topic}：{text}", "note {topic}: {text}";
    GENERAL = "综合", "general";
    CMD_EDIT_NOTE = "修改记录", "edit note";
    CMD_WITHDRAW_NOTE = "撤回记录", "withdraw note";
    CMD_ANNOTATE = "技术意见 {proposal}：{feasibility}", "annotation {proposal}: {feasibility}";
    ERROR_WITH_DETAIL = "{error}（{detail}）", "{error} ({detail})";

    // Messages: the link, the outbox, what the hub accepted or refused, a token for another program.
    OUTBOX_UNWRITABLE = "无法写入本机待发送文件：", "Cannot write the local outbox: ";
    OUTBOX_UNREADABLE_KEPT = "本机待发送文件无法读取，已另存：", "The local outbox could not be read and was kept aside: ";
    TOKEN_OPEN_ELSEWHERE = "这张卡片的令牌已在本机另一个窗口中打开，请使用那个窗口（或先关闭它）", "This token is already open in another window on this computer; use that one (or close it first)";
    LINK_LOST_RECONNECTING = "与会场服务器的连接中断，正在重新连接…", "Lost the link to the hub; reconnecting…";
    RECONNECTED = "已重新连接会场服务器", "Reconnected to the hub";
    PICKS_SUBMITTED = "推选已提交", "Picks submitted";
    PICKS_LOCKED = "推选已锁定", "Picks locked";
    NOTE_SAVED = "记录已保存", "Note saved";
    NOTE_CHANGED = "记录已修改", "Note changed";
    NOTE_WITHDRAWN = "记录已撤回", "Note withdrawn";
    ANNOTATION_SAVED = "技术意见已保存", "Annotation saved";
    PASTE_OVER_LIMIT = "超出字数上限，未粘贴的字数：", "Over the length limit; characters not pasted:";
    CONNECTION_CANCELLED = "已取消连接", "Connection cancelled";
    ALL_TABLES_ROLE = "全部桌 {role}", "all tables {role}";
    TABLE_ROLE = "{name} {role}", "Table {n} {role}";
    UNSENT_FROM_LAST_TIME = "本机有 {n} 条上次未发送的记录，联网后自动发送", "{n} unsent entries from last time; they go out once connected";
    WRONG_ROLE_ORGANISER = "这是{name}的令牌。本程序供桌长、记录员和技术顾问使用；组织者请在浏览器打开 {base}/admin", "That is the {name}'s token. This program is for chairs, recorders and advisers; organisers open {base}/admin in a browser";
    WRONG_ROLE_VOTER = "这是投票卡。请用手机扫描会场的二维码，或打开 {base}/vote 投票", "That is a voting card. Scan the hall's QR code with a phone, or open {base}/vote";
    WRONG_ROLE_PROJECTOR = "这是投影的令牌。请在投影电脑上运行 projector 程序，或在浏览器打开 {base}/projector", "That is the projector's token. Run the projector program, or open {base}/projector in a browser";
    WRONG_ROLE_COUNTER = "这是点票员的令牌。请在浏览器打开 {base}/count 录入纸质选票", "That is a counter's token. Open {base}/count in a browser to key paper ballots";
    WRONG_ROLE_SCREEN = "这是桌面屏的卡（只读）。请在放于桌子中间的平板或手机上扫码，或在浏览器打开 {base}/table-screen", "That is a table screen's card (read-only). Scan it with the tablet or phone in the middle of the table, or open {base}/table-screen in a browser";
    WRONG_ROLE_SCRUTINEER = "这是监票员的令牌。请在浏览器打开 {base}/scrutineer 监督点票", "That is a scrutineer's token. Open {base}/scrutineer in a browser to watch the count";
    WRONG_ROLE_REGISTRAR = "这是登记员的令牌。请在浏览器打开 {base}/door 登记到场居民", "That is a registrar's token. Open {base}/door in a browser to keep the door register";
    WRONG_ROLE_OTHER = "这是{name}的令牌，本程序供桌长、记录员和技术顾问使用；请在浏览器打开 {base}", "That is a {name} token; this program is for chairs, recorders and advisers. Open {base} in a browser";
    PICK_EXCLUDED = "本桌推选的 {what}：它不能再被选中，也不会获得资助", "This table's pick {what}: it can no longer be chosen and will not be funded";
    NOT_ACCEPTED = "未被接受：{what} —— {why}", "Not accepted: {what} — {why}";

    // The chair's picks and the speaking queue.
    PICKS_LOCKED_NO_CHANGE = "本桌推选已锁定，不能再改", "This table's picks are locked";
    PICKS_ALREADY_LOCKED = "本桌推选已锁定", "This table's picks are already locked";
    SPEAKER_STILL_SENDING = "这一位还在发送中，请稍候", "That one is still on its way to the hub";
    SEAT_OR_NAME_MISSING = "请填写座位号或姓名", "Type a seat number or a name";
    PICKS_FULL = "已选满 {max} 个，请先取消一个", "{max} already marked; unmark one first";
    PICKS_SUBMIT_NEEDS = "已选 {n}/{max}，需正好选 {max} 个才能提交", "{n}/{max} marked; submit needs exactly {max}";
    PICKS_LOCK_NEEDS = "请先选满 {max} 个再锁定", "Mark {max} picks before locking";
    /// A seat's name, the same in both languages: it is written in the log as the speaker.
    SEAT = "{n}号", "{n}号";

    // The recorder's notes.
    NOTE_ALREADY_WITHDRAWN = "这条记录已撤回", "That note was withdrawn";
    NOTE_SENDING_NO_EDIT = "这条记录还在发送中，送达后才能修改", "That note is still on its way; edit it once it has arrived";
    NOTE_SENDING_NO_WITHDRAW = "这条记录还在发送中，送达后才能撤回", "That note is still on its way; withdraw it once it has arrived";
    NOTE_EMPTY = "记录内容为空", "The note is empty";
    NOTE_NEEDS_TAG = "请先选择标签（Tab 或 F2–F6）", "Choose a tag first (Tab or F2–F6)";

    // The adviser's annotations.
    EXCLUDE_NEEDS_RULE = "建议排除须注明依据第几条排除规则（1-7）", "A recommendation to exclude must name one of the 7 rules (1-7)";
    COST_WHOLE_YUAN = "估算金额只能填整数（元）", "The cost estimate must be a whole number (yuan)";
    CARD_COVERS_OWN_TABLE = "您的卡片只管本桌的项目", "Your card covers your own table only";

    // Signing in: the hub address and the token.
    TOKEN_MISSING = "请输入卡片上的令牌", "Type the token from your card";

    // Signing in.
    KEY_QUIT = "退出", "quit";
    PROMPT_TITLE = "圆桌 · 桌长 / 记录员 / 技术顾问", "Yuanzhuo · chair / recorder / adviser";
    HUB_ADDRESS = "会场服务器地址：", "Hub address: ";
    TOKEN = "令牌：", "Token: ";
    PROMPT_HOW = "输入组织者给的地址和卡片上的令牌，或直接粘贴整条加入链接（http://…/j/…）。", "Type the address the organiser gave and the token on your card, or paste the whole join link (http://…/j/…).";
    TOKEN_STAYS_PRIVATE = "令牌只在连接时发给会场服务器，不会显示在其他屏幕上。", "The token goes only to the hub, inside the connection.";
    KEY_CONNECT = "连接", "connect";
    KEY_SWITCH_FIELD = "切换", "switch field";

    // The top line, the tabs, the key hints at the bottom, the connecting screen.
    KEY_HELP = "帮助", "help";
    WINDOW_TOO_SMALL = "窗口太小", "Too small";
    ONLINE = "在线", "online";
    NOT_CONNECTED = "未连接", "not connected";
    ALL_SENT = "全部已送达", "all sent";
    YUANZHUO_BADGE = " 圆桌 ", " Yuanzhuo ";
    TAB_SPEAKERS = "发言", "Speakers";
    TAB_ANNOTATIONS = "技术意见", "Annotations";
    SPEAKING_NOW = "发言中：", "speaking: ";
    TIME_NEARLY_UP = " 快到时间", " nearly up";
    TIME_OVER = " 超时", " over";
    ERROR_PREFIX = "错误：", "Error: ";
    M_FOR_MORE = "（m 查看）", " (m: more)";
    KEY_BACK_TO_PROMPT = "返回修改地址或令牌", "back to the address and token";
    KEY_SELECT = "选择", "select";
    /// Also "空格 / Space" in the help, both languages at once.
    KEY_SPACE = "空格", "Space";
    KEY_PICK = "推选/取消", "pick/unpick";
    KEY_ADD_SPEAKER = "加人", "add";
    KEY_NEXT_SPEAKER = "下一位", "next";
    KEY_START = "指定开始", "start";
    KEY_STOP = "结束", "stop";
    KEY_REMOVE = "移除", "remove";
    KEY_SIGNAL = "就绪/要时间", "ready/more time";
    KEY_SUBMIT = "提交", "submit";
    KEY_LOCK = "锁定", "lock";
    KEY_UNMARK = "取消选中", "unmark";
    KEY_PANE = "栏", "pane";
    KEY_NEW_NOTE = "新记录", "new";
    KEY_EDIT = "修改", "edit";
    KEY_WITHDRAW = "撤回", "withdraw";
    KEY_ANNOTATE = "填写意见", "annotate";
    KEY_TABLE = "换桌", "table";
    KEY_PAGE = "换页", "page";
    RETRYING_KEPT_HERE = "会自动重试。已做的记录都保存在本机，联网后自动发送。", "Retrying by itself. Everything entered is kept on this computer and goes out once connected.";
    CONNECTION_TITLE = "连接", "Connection";
    CONNECTING = " 连接中 ", " connecting ";
    CONNECTING_TRY = " 连接中（第{n}次） ", " connecting (try {n}) ";
    OFFLINE_RETRY = " 离线，{s}秒后重连 ", " offline, retry in {s}s ";
    N_UNSENT = " {n} 条待发送 ", " {n} unsent ";
    TURN_KIND_PAREN = "（{turn}）", " ({turn})";
    CANNOT_REACH_HUB = "暂时连不上会场服务器 {hub}：{reason}", "Cannot reach the hub at {hub}: {reason}";
    CONNECTING_TO_HUB = "正在连接会场服务器 {hub} …", "Connecting to the hub at {hub} …";

    // The chair's pages: proposals, speakers, picks, the tables.
    NO_PROPOSALS_HERE = "本桌没有分到项目", "No proposals for this table";
    NOBODY_SPEAKING = "目前没有人发言", "Nobody has the floor";
    QUEUE_EMPTY = "队列为空，按 a 加人", "The queue is empty; press a to add someone";
    SPEAKING = "发言中", "speaking";
    WAITING = "等候 ", "waiting ";
    SPOKEN = "已发言：", "Spoken: ";
    TALK_TIME = "发言时间", "Talk time";
    NOBODY_SPOKEN_YET = "还没有人发言", "Nobody has spoken yet";
    NOT_SPOKEN_YET = "尚未发言：", "Not spoken yet: ";
    NOT_CHOSEN = "（未选）", "(not chosen)";
    PICKS_FINAL = "已锁定：推选不能再改", "Locked: the picks are final";
    SUBMISSION_UNSENT = "提交待发送", "submission unsent";
    CHANGED_NOT_SUBMITTED = "有改动未提交（Enter 提交）", "Changed, not submitted (Enter)";
    NOT_SUBMITTED_YET = "尚未提交", "Not submitted yet";
    SUBMITTED_NOT_LOCKED = "已提交，尚未锁定（L 锁定）", "Submitted, not locked (L locks)";
    PICKS_HOW_TO = "在“项目”页用空格选中或取消；选满后按 Enter 提交，确认无误再按 L 锁定。锁定后不能再改。", "Mark or unmark on the Proposals page with Space; when complete press Enter to submit, then L to lock. Locked picks are final.";
    TABLES_PROGRESS = "各桌进度", "Tables";
    TABLE_NO_PICKS = "未推选", "none yet";
    TABLE_SUBMITTED = "已提交", "submitted";
    SPEAKING_AT_TABLE = "发言：", "speaking: ";
    PROPOSALS_TITLE_PICKED = "本桌项目（{count}个） 已选 {n}/{max}", "Proposals ({count}), picked {n}/{max}";
    PROPOSALS_TITLE = "本桌项目（{count}个）", "Proposals ({count})";
    NOTES_AT_TABLE = "本桌记录：{n} 条", "Notes at this table: {n}";
    TURN_KIND_SPACED = "（{turn}） ", " ({turn}) ";
    TURNS = "{n}次", "{n}x";
    PICKS_TITLE = "本桌推选 已选 {n}/{max}", "This table's picks {n}/{max}";
    PICKS_TOTAL = "合计造价 {total}（预算 {budget}）", "Total {total} (budget {budget})";

    // The notes page.
    TOPICS = "议题", "Topics";
    GENERAL_TOPIC = "综合（不针对具体项目）", "General";
    GENERAL_NOTES = "综合记录", "General notes";
    NO_NOTES_YET = "还没有记录。按 a 写一条。", "No notes yet. Press a to write one.";
    EDITED = " 已修改", " edited";
    WITHDRAWN = " 已撤回", " withdrawn";
    EDIT_UNSENT = "修改待发送", "edit unsent";
    WITHDRAWAL_UNSENT = "撤回待发送", "withdrawal unsent";
    NOTES_ON = "{id} {title} 的记录", "Notes on {id} {title}";

    // The adviser's page.
    ADVISER_TITLE = "{name}的项目 已填 {done}/{n}", "Table {table} proposals, {done}/{n} annotated";
    ADVISER_TITLE_TABLES = "{name}的项目 已填 {done}/{n}（t 换桌）", "Table {table} proposals, {done}/{n} annotated (t: table)";

    // A proposal's detail, feasibility badges, times.
    BADGE_EXCLUDED = "已排除", "excl ";
    BADGE_FEASIBLE = "可行", "ok";
    BADGE_DOUBTFUL = "存疑", "doubt";
    BADGE_RECOMMEND_EXCLUDING = "建议排除", "rec excl";
    CATEGORY = "类别：", "Category: ";
    PROPOSED_BY = "提议人：", "Proposed by: ";
    ORGANISER_REASON = "组织者说明：", "Organiser: ";
    NO_ANNOTATION_YET = "技术顾问：尚无意见", "Adviser: no annotation yet";
    ADVISER_PREFIX = "技术顾问：", "Adviser: ";
    ADVISERS_ESTIMATE = "顾问估算：", "Adviser's estimate: ";
    FOR_RESIDENTS_LABEL = "给居民的说明：", "For residents: ";
    ESTIMATE_ADOPTED_LIST_COST = "采用顾问估算；清单造价 {cost}", "the adviser's estimate, adopted; list cost {cost}";
    ESTIMATE_ADOPTED = "（组织者已采用，即计票用的造价）", " (adopted by the organiser: the cost the count uses)";
    ESTIMATE_ONLY = "（仅为估算，计票用上面的造价）", " (an estimate only; the count uses the cost above)";
    JUST_NOW = "刚刚", "just now";
    MINUTES_AGO = "{n}分钟前", "{n} min ago";
    HOURS_AGO = "{n}小时前", "{n} h ago";

    // The forms: confirmations, the speaking queue, a note, an annotation.
    UNSENT_KEPT_HERE = "它们已保存在本机，下次用同一令牌启动时会自动发送。", "They are kept on this computer and go out the next time you start with this token.";
    TYPING_LOST = "正在填写的内容会丢失。", "What you are typing will be lost.";
    QUIT_QUESTION = "退出？", "Quit?";
    LOCK_PICKS_QUESTION = "锁定推选？", "Lock the picks?";
    LOCK_IS_FINAL = "锁定后不能再修改。", "Locked picks cannot be changed.";
    WITHDRAW_NOTE_QUESTION = "撤回记录？", "Withdraw the note?";
    KEY_YES = "确定", "yes";
    KEY_NO = "取消", "no";
    QUEUE_FORM_TITLE = "加入发言队列", "Add to the speaking queue";
    SEAT_OR_NAME = "座位号或姓名：", "Seat or name: ";
    TURN_KIND = "发言类型：", "Kind: ";
    BARE_NUMBER_IS_SEAT = "（只填数字即为座位号，如 5 → 5号）", "(a bare number is a seat: 5 → 5号)";
    KEY_ADD = "加入", "add";
    KEY_KIND = "换类型", "kind";
    KEY_CANCEL = "取消", "cancel";
    NOTE_TAG = "标签：", "Tag: ";
    TAB_SWITCHES = "（Tab 切换）", " (Tab)";
    CHOOSE_TAG = "（请选择：Tab 或 F2–F6）", " (choose: Tab or F2–F6)";
    DISCARD_TEXT_QUESTION = " 放弃这段文字？", " Throw this text away? ";
    DISCARD_OR_KEEP_EDITING = " 放弃  其他键 继续编辑", " discard  any other key: keep editing";
    KEY_SAVE = "保存", "save";
    KEY_TAG = "标签", "tag";
    KEY_INSERT_SPEAKER = "插入发言人", "speaker's name";
    ANNOTATION_TITLE = "技术意见", "Annotation";
    NONE = "（无）", "(none)";
    EXCLUSION_RULE = "排除规则", "Exclusion rule";
    COST_ESTIMATE = "估算金额（元）", "Cost estimate";
    FOR_RESIDENTS = "给居民的说明", "For residents";
    EXCLUDE_RULE_HINT = " 选“建议排除”时须选一条排除规则（1-7）；是否排除由组织者在投票前决定。", " Recommending exclusion needs one of the 7 rules (1-7); the organiser decides before the vote.";
    DISCARD_CHANGES_QUESTION = " 放弃修改？", " Discard the changes? ";
    DISCARD_OR_CONTINUE = " 放弃  其他键 继续", " discard  any other key: continue";
    KEY_NEXT_FIELD = "下一项", "next";
    KEY_CHOOSE = "选择", "choose";
    KEY_RULE = "规则", "rule";
    UNSENT_COUNT = "还有 {n} 条记录未发送到会场服务器。", "{n} entries have not reached the hub yet.";
    LOCK_PICKS_LIST = "锁定本桌的 {max} 个推选：{picks}", "Lock this table's {max} picks: {picks}";
    WITHDRAW_NOTE_STAYS = "撤回记录 #{n}？它仍留在日志中，标记为已撤回。", "Withdraw note #{n}? It stays in the log, marked withdrawn.";
    EDIT_NOTE_TITLE = "修改记录 #{id} · {topic}", "Edit note #{id} · {topic}";
    NEW_NOTE_TITLE = "新记录 · {topic}", "New note · {topic}";

    // Help and the message log.
    HELP_TITLE = "帮助（按 Esc 或 ? 关闭）", "Help (Esc or ? closes)";
    HELP_SWITCH_PAGE = "换页", "switch page";
    HELP_MOVE = "在列表中移动", "move in a list";
    HELP_MESSAGES = "消息记录（含未被接受的内容）", "message log (incl. anything refused)";
    HELP_QUIT = "退出（有未发送的内容时会先确认）", "quit (asks first if anything is unsent)";
    HELP_PICK = "项目页：推选或取消（正好选满才能提交）", "Proposals: mark or unmark a pick";
    HELP_NOTE_OR_ADD = "项目页：为该项目写记录；发言页：加人（座位号或姓名）", "Proposals: note on it; Speakers: add (seat or name)";
    HELP_NEXT_SPEAKER = "发言页：下一位开始发言", "Speakers: next speaker starts";
    HELP_START_OR_SUBMIT = "发言页：让选中的人开始；推选页：提交推选", "Speakers: start the selected one; Picks: submit";
    HELP_STOP_OR_REMOVE = "发言页：结束当前发言 / 移出选中的人", "Speakers: stop the turn / remove the selected one";
    HELP_SIGNAL = "发言页：告诉组织者本桌已就绪 / 需要更多时间（再按撤回）", "Speakers: tell the organiser ready / more time (again: take back)";
    HELP_LOCK = "推选页：锁定推选（先确认，锁定后不能改）", "Picks: lock (asks first; final)";
    HELP_NOTES = "记录页：新记录 / 修改 / 撤回", "Notes: new / edit / withdraw";
    HELP_PANES = "在议题和记录之间切换", "between topics and notes";
    HELP_NEW_NOTE = "为选中的议题写新记录", "new note on the selected topic";
    HELP_EDIT_NOTE = "修改选中的记录", "edit the selected note";
    HELP_WITHDRAW_NOTE = "撤回选中的记录（先确认）", "withdraw the selected note (asks first)";
    HELP_ANNOTATE = "填写或修改选中项目的技术意见", "annotate the selected proposal";
    HELP_SWITCH_TABLE = "换桌（管全部桌的顾问）", "switch table (all-tables advisers)";
    HELP_FORM_SAVE = "表单中：保存并发送", "in a form: save and send";
    HELP_FORM_NEXT = "表单中：换标签 / 下一项", "in a form: tag / next field";
    HELP_FORM_CANCEL = "表单中：取消", "in a form: cancel";
    HELP_TOP_LINE = "第一行：桌号和角色、连接状态（在线 / 连接中 / 离线）、待发送条数、会场计时、当前阶段。每条操作都先存到本机，会场服务器确认后才算送达；断网时照常记录，联网后自动补发，不会重复。", "Top line: table and role, connection (online / connecting / offline), unsent count, the meeting clock, the phase. Every entry is saved on this computer first and counts as delivered only when the hub confirms it; offline, keep working — it is sent when the link returns, never twice.";
    MESSAGES_TITLE = "消息记录（按 Esc 关闭）", "Messages (Esc closes)";
    NO_MESSAGES_YET = "还没有消息", "No messages yet";
}
