/* yz.js — the one client library of every page the hub serves (projector,
 * voter, table, organiser, board). It speaks docs/protocol.md over /ws:
 * hello with the token, keep the snapshot current from updates, send
 * commands with client-chosen ids and re-send them after a reconnect (the
 * hub answers a repeated id with the same answer and no second effect).
 *
 * Written for old phone browsers too: ES2017 at most (no optional chaining,
 * no `??`, no modules); no dependencies; nothing fetched from outside the hub.
 */
(function () {
  'use strict';

  const YZ = {};
  const store = (function () {
    try { localStorage.setItem('yz.t', '1'); localStorage.removeItem('yz.t'); return localStorage; } catch (e) { return null; }
  })();
  function get(k) { return store ? store.getItem(k) : null; }
  function set(k, v) { if (store) { if (v === null) store.removeItem(k); else store.setItem(k, v); } }
  YZ.storage = { get: get, set: set };
  // Per-tab storage, gone when the tab closes: for the organiser's secret.
  const tabStore = (function () {
    try { sessionStorage.setItem('yz.t', '1'); sessionStorage.removeItem('yz.t'); return sessionStorage; } catch (e) { return null; }
  })();
  function sget(k) { return tabStore ? tabStore.getItem(k) : null; }
  function sset(k, v) { if (tabStore) { if (v === null) tabStore.removeItem(k); else tabStore.setItem(k, v); } }
  YZ.tabStorage = { get: sget, set: sset };

  // ------------------------------------------------------------ language
  // Chinese first. Every word comes from the hub's one vocabulary
  // (yuanzhuo_protocol::words::ui): static HTML names an entry as {{w:key}},
  // which the hub writes out as <span class="zh">…</span><span class="en">…</span>
  // (CSS shows one); scripts say YZ.t('key', { n: 3 }).

  const langListeners = [];
  YZ.lang = function () { return document.documentElement.getAttribute('data-lang') || 'zh'; };
  YZ.setLang = function (l, remember) {
    if (l !== 'en') l = 'zh';
    document.documentElement.setAttribute('data-lang', l);
    document.documentElement.setAttribute('lang', l === 'zh' ? 'zh-CN' : 'en');
    if (remember !== false) set('yz.lang', l);
    langListeners.forEach(function (f) { f(l); });
  };
  YZ.onLang = function (f) { langListeners.push(f); };
  /** The stored choice, else the meeting's language, else Chinese. */
  YZ.initLang = function (meetingLang) {
    const l = get('yz.lang') || (meetingLang === 'en' ? 'en' : 'zh');
    YZ.setLang(l, false);
  };
  /** A speaker's name as shown: a bare seat number reads "5号" / "Seat 5". */
  YZ.seatName = function (name) { return /^\d+$/.test(name) ? YZ.t('seat', { name: name }) : name; };

  YZ.tr = function (zh, en) { return YZ.lang() === 'en' ? en : zh; };

  // The meeting's words (rules, phases, the adviser's word, money) come from
  // the hub's one vocabulary, yuanzhuo_protocol::words, which the hub puts
  // in front of this file as window.YZ_WORDS. Pages never keep a copy.
  const WORDS = window.YZ_WORDS || {};
  /** A word of the vocabulary in the reader's language, e.g. YZ.word('allocation', 'greedy_skip'). */
  YZ.word = function (kind, key) {
    const w = WORDS[kind] && WORDS[kind][key];
    return w ? YZ.tr(w.zh, w.en) : String(key);
  };
  const UI = WORDS.ui || {};
  /**
   * A page word in a given language ('zh' or 'en'), each {name} replaced by
   * values[name]. A key missing from the vocabulary shows loudly as ⟦key⟧
   * (the hub's tests check every key a page names).
   */
  YZ.tIn = function (lang, key, values) {
    const w = UI[key];
    if (!w) {
      if (window.console) console.error('yz: no word "' + key + '" in the vocabulary');
      return '\u27e6' + key + '\u27e7';
    }
    const s = lang === 'en' ? w[1] : w[0];
    return values ? s.replace(/\{(\w+)\}/g, function (m, k) { return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m; }) : s;
  };
  /** A page word in the reader's language: YZ.t('sign_in'), YZ.t('n_ballots', { n: 3 }). */
  YZ.t = function (key, values) { return YZ.tIn(YZ.lang(), key, values); };

  YZ.PHASES = ['setup', 'check_in', 'discussion', 'picks', 'pitches', 'voting', 'counted', 'published'];
  YZ.phaseName = function (p) { return YZ.word('phase', p); };
  YZ.nextPhase = function (p) { const i = YZ.PHASES.indexOf(p); return i >= 0 && i + 1 < YZ.PHASES.length ? YZ.PHASES[i + 1] : null; };

  /** The seven pre-screening exclusion rules (MEETING.md), 1-based, as [zh, en]. */
  YZ.EXCLUSION_RULES = (WORDS.exclusion_rules || []).map(function (r) { return [r.zh, r.en]; });
  YZ.exclusionRule = function (n) { const r = YZ.EXCLUSION_RULES[n - 1]; return r ? YZ.tr(r[0], r[1]) : String(n); };

  YZ.tieBreakName = function (t) { return YZ.word('tie_break', t); };
  YZ.allocationName = function (a) { return YZ.word('allocation', a); };
  YZ.tallyName = function (t) { return YZ.word('tally', t); };
  /** The adviser's word: 可行 / 存疑 / 建议排除 (advice, not an exclusion). */
  YZ.feasibilityName = function (f) { return YZ.word('feasibility', f); };

  /** An error message from the hub, in the reader's language, with its detail. */
  YZ.errorText = function (m) {
    if (!m) return '';
    // A step refused in this phase: the phase in words, never its code.
    if (m.code === 'wrong_phase' && WORDS.phase && WORDS.phase[m.detail]) {
      return YZ.t('not_possible_during', { phaseName: YZ.phaseName(m.detail) });
    }
    const t = YZ.lang() === 'en' ? (m.en || m.code) : (m.zh || m.code);
    return m.detail ? t + YZ.t('paren', { v: m.detail }) : t;
  };

  // ------------------------------------------------------------ formatting

  /** Thousands separators, as yuanzhuo_protocol::words::grouped: 300000 → "300,000". */
  YZ.grouped = function (n) {
    // The whole part grouped, decimals kept as given (an equal share: "3,448.75").
    const s = String(Number(n || 0)), dot = s.indexOf('.');
    return (dot < 0 ? s : s.slice(0, dot)).replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (dot < 0 ? '' : s.slice(dot));
  };
  /** Money in the one format (yuanzhuo_protocol::words::money): "300,000 元" / "¥300,000". */
  YZ.money = function (n, currency) {
    const m = WORDS.money;
    const c = String(currency || '').trim(), yuan = m.yuan_codes.indexOf(c.toUpperCase()) >= 0;
    const w = yuan ? m.yuan : m.other;
    const grouped = YZ.grouped(n);
    return YZ.tr(w.zh, w.en).replace('{n}', function () { return grouped; }).replace('{c}', function () { return c; });
  };
  /**
   * The one countdown format (the table-client and the terminal projector
   * use its twin, yuanzhuo_client::text::countdown): "12:05", "1:02:05",
   * and once over time "超时 0:07" / "over 0:07". Seconds are rounded up, so
   * 0:00 shows exactly when the time is up and "超时 0:01" a second later.
   * Also used for durations (talk time), which are never negative.
   */
  YZ.clock = function (ms) {
    const secs = Math.ceil(ms / 1000), over = secs < 0, s = Math.abs(secs);
    const hr = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
    const body = (hr ? hr + ':' + (m < 10 ? '0' : '') + m : String(m)) + ':' + (r < 10 ? '0' : '') + r;
    return over ? YZ.t('over') + body : body;
  };
  YZ.remainingMs = function (timer, nowMs) {
    if (!timer) return 0;
    const used = timer.used_before_ms + (timer.paused ? 0 : Math.max(0, nowMs - timer.started_at_ms));
    return timer.duration_ms - used;
  };

  /** The header's clock chip: the phase's own clock unlabelled, a break's with its name; marked once over. */
  YZ.showClock = function (el, timer, nowMs) {
    if (!timer) { el.hidden = true; return; }
    el.hidden = false;
    const left = YZ.remainingMs(timer, nowMs);
    const own = timer.label === 'discussion' || timer.label === 'pitch';
    const over = left <= -1000;
    el.textContent = (own ? (over ? YZ.clock(left) : YZ.t('clock_left', { clock: YZ.clock(left) })) : YZ.timerLabel(timer.label) + ' ' + YZ.clock(left)) +
      (timer.paused ? YZ.t('paused') : '');
    el.setAttribute('data-over', over ? 'yes' : 'no');
  };

  // ------------------------------------------------------------ the one count

  const VOID_REASONS = {
    blank: 'void_blank',
    over_limit: 'void_over_limit',
    unknown_proposal: 'void_unknown_proposal',
    repeated_mark: 'void_repeated_mark',
    unissued_number: 'void_unissued_number',
    cancelled_number: 'void_cancelled_number'
  };
  /** A void paper ballot's reason, in words. */
  YZ.voidReason = function (code) { const n = VOID_REASONS[code]; return n ? YZ.t(n) : code; };

  /**
   * The count's numbers, the same on every page (docs/protocol.md, `turnout`):
   * ballots received (by phone, and from agreed paper batches, void ones
   * included), of them valid and void (by reason), stickers, cards issued and
   * cancelled, and with the door register how many were registered.
   */
  YZ.count = function (s) {
    const t = s.turnout || {};
    return {
      received: t.ballots || 0, valid: t.valid || 0, void: t.void || 0, voidReasons: t.void_reasons || {},
      phone: t.phone || 0, paper: t.paper || 0, stickers: t.stickers || 0,
      issued: t.cards_issued || 0, cancelled: t.cards_cancelled || 0,
      registered: t.register ? t.register.registered : null, register: t.register || null
    };
  };
  /**
   * The count as one line of text elements (each number in a span with a
   * stable id, `count-received`, `count-valid`, `count-void`…): "已收到 87 张
   * （有效 84，废票 3）；手机 60，纸质 27；贴纸 12；登记 90 人". `prefix`
   * keeps ids unique when a page shows it twice.
   */
  YZ.countLine = function (s, prefix) {
    const c = YZ.count(s), p = prefix || 'count', h = YZ.h;
    const n = function (k, v) { return h('b', { id: p + '-' + k, class: 'mono' }, String(v)); };
    const out = [YZ.t('ballots_received'), n('received', c.received), YZ.t('count_sheets_valid_open'),
      n('valid', c.valid), YZ.t('count_valid_void'), n('void', c.void), YZ.t('count_void_close')];
    if (c.paper > 0 || c.stickers > 0) {
      out.push(YZ.t('by_phone'), n('phone', c.phone), YZ.t('on_paper'), n('paper', c.paper));
    }
    if (c.stickers > 0) out.push(YZ.t('issue_stickers_prefix'), n('stickers', c.stickers));
    if (c.registered !== null) out.push(YZ.t('registered_at_door'), n('registered', c.registered), YZ.t('people_suffix'));
    return out;
  };
  /** Void ballots by reason, in words: "空白票 2，超过可选项数 1". */
  YZ.voidLine = function (s) {
    const r = YZ.count(s).voidReasons, parts = [];
    Object.keys(r).sort().forEach(function (k) { parts.push(YZ.voidReason(k) + ' ' + r[k]); });
    return parts.join(YZ.t('comma'));
  };
  /** "V0001–V0120": the serials of a card issue. */
  YZ.cardRange = function (i) { return i.first === i.last ? i.first : i.first + '–' + i.last; };
  /** A desk card's name for people: "点票员 1", "监票员 A". */
  YZ.deskName = function (d) {
    // Scrutineers by letter (1 → A, as scrutineer_letter in the protocol crate); past 26, or
    // a count from a log before scrutineers were told apart (no number), as they are.
    if (d.role === 'scrutineer') return YZ.t('scrutineer') + (d.number >= 1 && d.number <= 26 ? String.fromCharCode(64 + d.number) : (d.number == null ? '' : d.number));
    return YZ.t('counter') + d.number;
  };
  /** The proposals excluded before the vote, by id. */
  YZ.exclusionMap = function (s) {
    const m = {};
    (s.exclusions || []).forEach(function (x) { m[x.proposal] = x; });
    return m;
  };

  // ------------------------------------------------------------ the electorate and exclusions, in words
  // The same sentences on the projector, /board, /table and the voter page
  // (and, in Rust, on the terminal projector and table-client).

  /** "15:02": a moment of the hub's clock as a time of day on this device. */
  YZ.hhmm = function (ms) {
    const d = new Date(ms), m = d.getMinutes();
    return d.getHours() + ':' + (m < 10 ? '0' : '') + m;
  };
  /**
   * A card issue: "15:02 追加发卡 5 张（V0121–V0125）：迟到居民" during the
   * vote, "发卡 120 张（V0001–V0120）" before it.
   */
  YZ.issueText = function (i) {
    const range = YZ.cardRange(i);
    if (i.during_vote) {
      return YZ.t('more_cards_issued', { hhmm: YZ.hhmm(i.at_ms), count: i.count, range: range, reason: i.reason });
    }
    return YZ.t('n_cards_issued', { count: i.count, range: range, reason: i.reason ? YZ.t('colon_reason', { reason: i.reason }) : '' });
  };
  /** A cancelled card: "15:10 V0042 已作废：手机没电，改用纸质选票". */
  YZ.cancelText = function (c) {
    return YZ.t('card_cancelled_at', { hhmm: YZ.hhmm(c.at_ms), serial: c.serial, reason: c.reason });
  };
  /** A staff card's serial for people: "organiser" → 组织者控制台, "counter-2" → 点票员 2, "scrutineer-1" → 监票员 A. */
  YZ.serialName = function (serial) {
    const m = /^([a-z]+)-(\d+|all)$/.exec(serial || '');
    if (serial === 'organiser') return YZ.t('organisers_console_name');
    if (!m) return serial;
    const n = m[2];
    switch (m[1]) {
      case 'counter': return YZ.t('counter') + n;
      case 'scrutineer': return YZ.t('scrutineer') + String.fromCharCode(64 + Number(n));
      case 'registrar': return YZ.t('registrar') + n;
      case 'chair': return YZ.t('table_chair', { n: n });
      case 'recorder': return YZ.t('table_recorder', { n: n });
      case 'screen': return YZ.t('table_screen', { n: n });
      case 'adviser': return n === 'all' ? YZ.t('all_tables_adviser_name') : YZ.t('table_adviser', { n: n });
      default: return serial;
    }
  };
  /**
   * A desk card's claim as the room sees it: {text: "点票员 1 已认领 · 15:03
   * · 192.168.1.23", also: "同一地址：组织者控制台" or '', flagged: whether
   * the organiser's console was on the same address}; null when unclaimed.
   */
  YZ.claimText = function (d) {
    const c = d.claim;
    if (!c) return null;
    const also = c.same_address_as || [];
    return {
      text: YZ.deskName(d) + YZ.t('claimed') + YZ.hhmm(c.at_ms) + ' · ' + c.address,
      also: also.length ? YZ.t('same_address_as') + also.map(YZ.serialName).join(YZ.t('list_sep')) : '',
      flagged: also.indexOf('organiser') >= 0
    };
  };
  /** "P12 已确认排除：第6条 技术上不可行" (and the organiser's reason, when given). */
  YZ.exclusionText = function (x, withReason) {
    let t = YZ.t('proposal_excluded', { proposal: x.proposal, rule: x.rule, exclusionRule: YZ.exclusionRule(x.rule) });
    if (withReason && x.reason) t += YZ.t('paren_reason', { reason: x.reason });
    return t;
  };
  /** An adviser's exclusion, as what it is: a recommendation. "顾问建议排除（第6条：技术上不可行），由组织者决定". */
  YZ.recommendText = function (rule) {
    return YZ.t('adviser_recommends_excluding', { rule: rule, exclusionRule: YZ.exclusionRule(rule) });
  };
  /**
   * The cost every screen shows (`proposals[].cost`, the one the count
   * uses) and what may stand beside it as a labelled remark: the list's
   * cost when the organiser adopted the adviser's estimate, or the
   * adviser's estimate when it was not adopted. {cost, remark}.
   */
  YZ.costOf = function (s, p, currency) {
    const cur = currency || (s.rules ? s.rules.budget.currency : 'CNY');
    const adopted = (s.adopted_costs || []).filter(function (a) { return a.proposal === p.id; })[0];
    let remark = '';
    if (adopted) {
      remark = YZ.t('advisers_estimate_adopted_list_cost', { money: YZ.money(adopted.list_cost, cur) });
    } else {
      const a = (s.annotations || []).filter(function (x) { return x.proposal === p.id; })[0];
      if (a && typeof a.cost_estimate === 'number' && a.cost_estimate !== p.cost) {
        remark = YZ.t('advisers_estimate_for_reference_count', { money: YZ.money(a.cost_estimate, cur) });
      }
    }
    return { cost: p.cost, text: YZ.money(p.cost, cur), remark: remark };
  };
  /**
   * A paper ballot's number as the hub keeps it (hub/protocol's
   * normalize_ballot_number): full-width folded, spaces and dashes dropped,
   * upper case, and digits only without leading zeros ("０１１７" → "117").
   */
  YZ.normalizeBallotNumber = function (s) {
    let out = '';
    String(s || '').split('').forEach(function (c) {
      const n = c.charCodeAt(0);
      if (n >= 0xFF01 && n <= 0xFF5E) c = String.fromCharCode(n - 0xFEE0);
      else if (n === 0x3000) c = ' ';
      if (/\s/.test(c) || c === '-') return;
      out += c.toUpperCase();
    });
    if (/^[0-9]+$/.test(out)) return out.replace(/^0+/, '') || '0';
    return out;
  };

  /** The header's count of commands the hub has not answered yet (kept, and re-sent on reconnect). */
  YZ.showUnsent = function (el, session) {
    const n = session ? session.unanswered() : 0;
    el.hidden = n === 0;
    el.textContent = YZ.t('unsent_badge', { n: n });
  };
  const TIMER_LABELS = { discussion: 'timer_label_discussion', pitch: 'pitch' };
  YZ.timerLabel = function (label) {
    const n = TIMER_LABELS[label] || (label === YZ.tIn('zh', 'tables_choose_their_picks') ? 'tables_choose_their_picks' : null); return n ? YZ.t(n) : label; };

  /** Build a DOM element: h('p', {class: 'x', onclick: f}, 'text', child…). Text is never parsed as HTML. */
  YZ.h = function (tag, attrs) {
    const el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        const v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k.slice(0, 2) === 'on' && typeof v === 'function') el.addEventListener(k.slice(2), v);
        else if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else el.setAttribute(k, v === true ? '' : String(v));
      });
    }
    for (let i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  };
  function append(el, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(el, x); }); return; }
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  /** Replace the children of `el` with the given nodes. */
  YZ.fill = function (el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    for (let i = 1; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  };
  YZ.$ = function (sel, root) { return (root || document).querySelector(sel); };

  /**
   * A notice in the page's `#say` box, with a close button; it goes by
   * itself: an error after 15 s, anything else after 6 s (`okMs`: longer,
   * for a notice that offers an undo).
   */
  YZ.say = function (kind, text, okMs) {
    const n = YZ.h('div', { class: 'notice ' + kind, role: kind === 'error' ? 'alert' : null }, text,
      YZ.h('button', { type: 'button', class: 'small link', 'aria-label': YZ.t('dismiss'), onclick: function () { if (n.parentNode) n.parentNode.removeChild(n); } }, '×'));
    YZ.fill(YZ.$('#say'), n);
    setTimeout(function () { if (n.parentNode) n.parentNode.removeChild(n); }, kind === 'error' ? 15000 : (okMs || 6000));
  };

  /** Redraw `el` only when what it shows changed (controls keep their state and the click under a finger lands). */
  YZ.drawIf = function (el, key, draw) {
    key = YZ.lang() + '|' + key;
    if (el.__yzKey === key) return;
    el.__yzKey = key;
    draw();
  };

  // ------------------------------------------------------------ tokens

  /**
   * The token this page works with. A join link lands here as
   * /PAGE#token=CODE: keep it (per page) and take it out of the address bar,
   * so that it is not shown on screen or shared by accident.
   */
  YZ.takeToken = function (page, opts) {
    const tab = opts && opts.session;
    const m = /(?:^#|&)token=([^&]+)/.exec(location.hash || '');
    if (m) {
      const t = decodeURIComponent(m[1]);
      YZ.keepToken(page, t, opts);
      if (history.replaceState) history.replaceState(null, '', location.pathname + location.search);
      else location.hash = '';
      return t;
    }
    return tab ? sget('yz.token.' + page) : get('yz.token.' + page);
  };
  /** opts.session: keep it for this tab only (sessionStorage), e.g. the organiser's secret. */
  /**
   * A card's code as the hub reads it (the twin of
   * yuanzhuo_protocol::normalize_token): full-width forms folded, case,
   * dashes and spaces ignored, O read as 0, I and L as 1.
   */
  YZ.normalizeToken = function (typed) {
    return String(typed || '').replace(/[\uff01-\uff5e]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .toUpperCase().replace(/[\s\u3000-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  };
  YZ.keepToken = function (page, token, opts) {
    if (opts && opts.session) sset('yz.token.' + page, token); else set('yz.token.' + page, token);
  };
  YZ.forgetToken = function (page) { set('yz.token.' + page, null); sset('yz.token.' + page, null); };

  /** The page each card belongs on (docs/protocol.md, roles). */
  const PAGE_OF_ROLE = { voter: '/vote', organiser: '/admin', projector: '/projector', counter: '/count', scrutineer: '/scrutineer',
    chair: '/table', recorder: '/table', adviser: '/table', registrar: '/door', screen: '/table-screen', public: '/' };
  YZ.pageFor = function (role) { return PAGE_OF_ROLE[role] || '/'; };
  /**
   * A card opened on a page that is not its own: forget it here, stop the
   * session and say, in the page's #wrong-card section, where it belongs.
   */
  YZ.wrongCard = function (session, page, you) {
    session.stop();
    YZ.forgetToken(page);
    const to = YZ.pageFor(you.role);
    YZ.fill(YZ.$('#wrong-text'), YZ.t('this_card_is_for_open', { label: you.label }),
      YZ.h('a', { href: to }, to), YZ.t('or_scan_its_qr_code'));
    YZ.$('#wrong-card').hidden = false;
  };

  // ------------------------------------------------------------ snapshot

  /** Apply an `update` to a snapshot in place (docs/protocol.md, "update"). */
  YZ.apply = function (s, u) {
    s.seq = u.seq; s.log_head = u.log_head; s.server_now_ms = u.server_now_ms;
    ['fingerprint', 'phase', 'tables', 'turnout', 'electorate', 'exclusions', 'adopted_costs', 'my_card']
      .forEach(function (k) { if (k in u) s[k] = u[k]; });
    if (u.table) upsert(s.tables || (s.tables = []), u.table, 'table', byNumber('table'));
    // Who speaks at one table and its balance (a field left out is zero).
    if (u.speaking) (s.tables || []).forEach(function (t) {
      if (t.table !== u.speaking.table) return;
      t.speaking = u.speaking.speaking; t.spoken = u.speaking.spoken || 0; t.seats = u.speaking.seats || 0;
    });
    if (u.annotation) upsert(s.annotations || (s.annotations = []), u.annotation, 'proposal', byText('proposal'));
    if (u.proposal) {
      for (let q = 0; q < (s.proposals || []).length; q++) if (s.proposals[q].id === u.proposal.id) s.proposals[q] = u.proposal;
    }
    if (u.register_entry) {
      let e = u.register_entry, reg = s.register || (s.register = []), at = -1;
      for (let r = 0; r < reg.length; r++) if (reg[r].register === e.register) at = r;
      if (at >= 0) reg[at] = e; else { reg.push(e); reg.sort(function (a, b) { return a.register - b.register; }); }
    }
    ['timer', 'pitch', 'tally', 'results'].forEach(function (k) { if (k in u) s[k] = u[k]; });
    // The counts a batch of ballots moved, and the ballots now.
    if (u.tally_change && s.tally) {
      const tcounts = u.tally_change.counts || {};
      Object.keys(tcounts).forEach(function (k) { s.tally.counts[k] = tcounts[k]; });
      s.tally.ballots = u.tally_change.ballots;
    }
    if (u.table_detail) {
      let d = u.table_detail, list = s.table_details || (s.table_details = []), found = false;
      for (let i = 0; i < list.length; i++) if (list[i].table === d.table) { list[i] = d; found = true; }
      if (!found) { list.push(d); list.sort(function (a, b) { return a.table - b.table; }); }
    }
    if (u.table_change) {
      let tc = u.table_change, details = s.table_details || (s.table_details = []), td = null;
      for (let t = 0; t < details.length; t++) if (details[t].table === tc.table) td = details[t];
      if (!td) { td = { table: tc.table, queue: [], balance: [], notes: [] }; details.push(td); details.sort(byNumber('table')); }
      (tc.queue || []).forEach(function (e) {
        if (e.state === 'removed') td.queue = td.queue.filter(function (x) { return x.entry !== e.entry; });
        else upsert(td.queue, e, 'entry');
      });
      (tc.balance || []).forEach(function (b) { upsert(td.balance, b, 'name'); });
      (tc.notes || []).forEach(function (n) { upsert(td.notes, n, 'note'); });
    }
    if ('paper' in u) s.paper = u.paper;
    if (u.paper_batch || u.paper_board || u.paper_totals) {
      const p = s.paper || (s.paper = { batches: [], boards: [], counted: 0, void: 0, stickers: 0 });
      if (u.paper_batch) upsert(p.batches, u.paper_batch, 'batch', byNumber('batch'));
      if (u.paper_board) upsert(p.boards, u.paper_board, 'board', byNumber('board'));
      if (u.paper_totals) ['counted', 'void', 'stickers'].forEach(function (k) { p[k] = u.paper_totals[k]; });
      if (u.paper_totals) p.marks_hidden = !!u.paper_totals.marks_hidden;
    }
    if (u.paper_copy) {
      const c = u.paper_copy, copy = copyOf(s, c.unit, c.counter);
      Object.keys(c).forEach(function (k) { copy[k] = c[k]; });
    }
    if (u.copy_change) {
      const cc = u.copy_change, mine = copyOf(s, cc.unit, cc.counter);
      mine.finished = cc.finished;
      (cc.keyed || []).forEach(function (b) { upsert(mine.ballots, b, 'number', byText('number')); });
      const gone = {};
      (cc.removed || []).forEach(function (n) { gone[n] = true; });
      if (cc.removed && cc.removed.length) mine.ballots = mine.ballots.filter(function (b) { return !gone[b.number]; });
    }
    if (u.batch_discarded != null) {
      const dropped = u.batch_discarded;
      if (s.paper) s.paper.batches = s.paper.batches.filter(function (b) { return b.batch !== dropped; });
      s.paper_copies = (s.paper_copies || []).filter(function (c) { return !(c.unit && c.unit.batch === dropped); });
    }
    return s;
  };
  /** Replace the item of `list` whose `key` matches x's, or add x (then sort, if an order is given). */
  function upsert(list, x, key, order) {
    for (let i = 0; i < list.length; i++) if (list[i][key] === x[key]) { list[i] = x; return; }
    list.push(x);
    if (order) list.sort(order);
  }
  function byNumber(k) { return function (a, b) { return a[k] - b[k]; }; }
  function byText(k) { return function (a, b) { return a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0; }; }
  /** The keyed copy of `unit` at `counter`'s desk, added empty if missing (in the hub's order). */
  function copyOf(s, unit, counter) {
    const copies = s.paper_copies || (s.paper_copies = []), k = YZ.unitKey(unit);
    for (let j = 0; j < copies.length; j++) if (YZ.unitKey(copies[j].unit) === k && copies[j].counter === counter) return copies[j];
    const c = { unit: unit, counter: counter, finished: false, ballots: [], counts: {} };
    copies.push(c);
    copies.sort(function (a, b) { return YZ.unitOrder(a.unit) - YZ.unitOrder(b.unit) || (a.counter - b.counter); });
    return c;
  }
  /** A paper unit ({batch: 3} or {board: 1}) as a string key: "batch:3", "board:1". */
  YZ.unitKey = function (u) { return u && u.board !== undefined ? 'board:' + u.board : 'batch:' + (u ? u.batch : ''); };
  /** The hub's order of units: every batch, then every board, by number. */
  YZ.unitOrder = function (u) { return u && u.board !== undefined ? 1e6 + u.board : (u ? u.batch : 0); };
  YZ.proposalMap = function (s) {
    const m = {};
    (s.proposals || []).forEach(function (p) { m[p.id] = p; });
    return m;
  };
  YZ.annotationMap = function (s) {
    const m = {};
    (s.annotations || []).forEach(function (a) { m[a.proposal] = a; });
    return m;
  };

  // ------------------------------------------------------------ session

  function randomId() {
    const a = new Uint32Array(2);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(a);
    else { a[0] = Math.random() * 4294967296; a[1] = Math.random() * 4294967296; }
    return a[0].toString(36) + a[1].toString(36);
  }
  YZ.randomId = randomId;

  /** A command unanswered this long means the link is dead: reconnect and re-send. */
  const ANSWER_TIMEOUT_MS = 8000;
  /**
   * The hub takes 30 frames at once and 15 a second per connection
   * (docs/protocol.md, "Rate"). Pages keep a little under it, so that a
   * counter's 200 unsent entries after a Wi-Fi outage go out at full speed
   * and are never refused.
   */
  const PACE_BURST = 20, PACE_PER_SEC = 12;

  /**
   * One connection to the hub, kept alive.
   *   opts.token      the token (or "public")
   *   opts.client     a name for the hub's logs, e.g. "projector-page/1"
   *   opts.onWelcome(you, snapshot)    after every (re)connect
   *   opts.onChange(snapshot, update)  after every update (update null for a fresh snapshot)
   *   opts.onStatus(state, detail)     'connecting' | 'online' | 'offline' | 'refused'
   *   opts.onNotice(errorMsg)          an error that answers no command (rate_limited…)
   *   opts.onAnswer(msg, id)           every ack/error of a command, also re-sent ones
   *   opts.persist    a storage key: unanswered commands survive a page reload there
   *   opts.hello      more fields for the hello (an object, or a function called at each
   *                   connect), e.g. a desk card's {device, pin}
   *   opts.onLog(frame)                a `log` message (after `follow_log`, scrutineers)
   *
   * The furthest log position the hub has shown this page (seq, hash and the
   * hub's tag, from any welcome, snapshot, update or ack) is kept per token
   * and sent back in every `hello` (`seen`): a hub restarted on a log that
   * lost acknowledged entries learns it and stops ('halted' status).
   */
  YZ.Session = function (opts) {
    const self = this;
    this.opts = opts;
    this.snapshot = null;
    this.you = null;
    this.state = 'connecting';
    this.offset = 0;
    this.pending = {}; // id -> {command, resolve[], sentAt}
    this.order = [];
    this.prefix = 'w' + randomId();
    this.n = 0;
    this.ws = null;
    this.tries = 0;
    this.stopped = false;
    this.seenKey = 'yz.seen.' + String(opts.token || '').toUpperCase().replace(/[^0-9A-Z]/g, '');
    try { this.seen = JSON.parse(get(this.seenKey) || 'null'); } catch (e) { this.seen = null; }
    this.outq = []; // ids waiting for a slot under the hub's rate limit
    this.wantSnapshot = false;
    this.tokens = PACE_BURST;
    this.tokensAt = Date.now();
    this.pumpTimer = null;
    if (opts.persist) {
      try {
        JSON.parse(get(opts.persist) || '[]').forEach(function (p) { self._queue(p.id, p.command, null); });
      } catch (e) { set(opts.persist, null); }
    }
    this._watch = setInterval(function () { self._checkAnswers(); }, 1000);
  };
  const S = YZ.Session.prototype;

  /** The hub's clock, as well as this page can tell. */
  S.now = function () { return Date.now() + this.offset; };

  S.start = function () { this._connect(); return this; };
  S.stop = function () {
    this.stopped = true;
    clearInterval(this._watch);
    if (this.ws) try { this.ws.close(1000); } catch (e) { /* closing anyway */ }
  };

  S._status = function (state, detail) {
    this.state = state;
    if (this.opts.onStatus) this.opts.onStatus(state, detail);
  };

  S._connect = function () {
    const self = this;
    if (this.stopped) return;
    this._status('connecting');
    const proto = location.protocol === 'https:' ? 'wss://' : 'ws://';
    let ws;
    try { ws = new WebSocket(proto + location.host + '/ws'); } catch (e) { this._retry(); return; }
    this.ws = ws;
    let welcomed = false, refused = null;
    ws.onopen = function () {
      const hello = { type: 'hello', token: self.opts.token, client: self.opts.client || 'page' };
      const more = typeof self.opts.hello === 'function' ? self.opts.hello() : self.opts.hello;
      if (more) Object.keys(more).forEach(function (k) { if (more[k] !== null && more[k] !== undefined) hello[k] = more[k]; });
      if (self.seen && self.seen.tag) hello.seen = self.seen;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = function (ev) {
      let m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (typeof m.server_now_ms === 'number') self.offset = m.server_now_ms - Date.now();
      if (m.snapshot && typeof m.snapshot.server_now_ms === 'number') self.offset = m.snapshot.server_now_ms - Date.now();
      self._noteSeen(m);
      switch (m.type) {
        case 'welcome':
          welcomed = true;
          self.tries = 0;
          self.you = m.you;
          self.snapshot = m.snapshot;
          // A new connection: the hub's bucket is full again.
          self.tokens = PACE_BURST;
          self.tokensAt = Date.now();
          self._status('online');
          if (self.opts.onWelcome) self.opts.onWelcome(m.you, m.snapshot);
          if (self.opts.onChange) self.opts.onChange(self.snapshot, null);
          self._resend();
          break;
        case 'snapshot':
          self.snapshot = m.snapshot;
          if (self.opts.onChange) self.opts.onChange(self.snapshot, null);
          break;
        case 'update':
          if (!self.snapshot) return;
          YZ.apply(self.snapshot, m);
          if (self.opts.onChange) self.opts.onChange(self.snapshot, m);
          break;
        case 'log':
          if (self.opts.onLog) self.opts.onLog(m);
          break;
        case 'ack':
        case 'error':
          if (m.type === 'error' && !welcomed) { refused = m; return; }
          if (m.type === 'error' && m.code === 'log_behind') { refused = m; return; }
          if (m.type === 'error' && m.code === 'rate_limited' && m.id && self.pending[m.id]) {
            // Not an answer: the hub did not read it. Send it again when it says.
            self._later(m.id, m.retry_after_ms || 1000);
            break;
          }
          if (m.id && self.pending[m.id]) self._answer(m.id, m);
          else if (m.id && self.opts.onAnswer) self.opts.onAnswer(m, m.id);
          else if (!m.id && self.opts.onNotice) self.opts.onNotice(m);
          break;
      }
    };
    ws.onclose = function (ev) {
      if (self.ws !== ws) return;
      self.ws = null;
      // Refused at the door (unknown token, not authenticated): retrying cannot help.
      if (ev.code === 1008 && !welcomed) { self._status('refused', refused); return; }
      if (self.stopped) return;
      // The hub found its log shorter than what it acknowledged: it serves
      // nothing until restored; keep trying, it comes back after the restore.
      if (refused && refused.code === 'log_behind') self._status('halted', refused);
      else self._status('offline', refused);
      self._retry();
    };
    ws.onerror = function () { /* onclose follows */ };
  };

  /** Keep the furthest log position the hub has shown (with its tag), per token, across reloads. */
  S._noteSeen = function (m) {
    let seq, head, tag;
    if (m.snapshot) { seq = m.snapshot.seq; head = m.snapshot.log_head; tag = m.snapshot.log_tag; }
    else if (m.type === 'log' && m.rows && m.rows.length) { const r = m.rows[m.rows.length - 1]; seq = r.seq; head = r.hash; tag = m.log_tag; }
    else { seq = m.seq; head = m.log_head; tag = m.log_tag; }
    if (!tag || typeof seq !== 'number' || (this.seen && this.seen.seq >= seq)) return;
    this.seen = { seq: seq, head: head, tag: tag };
    // Kept in memory at once, in storage at most once a second (a burst of updates writes once).
    const self = this;
    if (!this._seenTimer) this._seenTimer = setTimeout(function () { self._seenTimer = null; set(self.seenKey, JSON.stringify(self.seen)); }, 1000);
  };
  /**
   * Send a message other than a command (e.g. follow_log) if online; false if not.
   * It goes at once but counts against the pace, so that queued commands wait for it.
   */
  S.send = function (msg) {
    if (!this.ws || this.ws.readyState !== 1 || this.state !== 'online') return false;
    const now = Date.now();
    this.tokens = Math.min(PACE_BURST, this.tokens + (now - this.tokensAt) / 1000 * PACE_PER_SEC) - 1;
    this.tokensAt = now;
    this.ws.send(JSON.stringify(msg));
    return true;
  };

  S._retry = function () {
    const self = this;
    const base = Math.min(10000, 500 * Math.pow(2, this.tries++));
    const wait = base * (0.7 + Math.random() * 0.6);
    setTimeout(function () { self._connect(); }, wait);
  };

  S._queue = function (id, command, resolve) {
    if (!this.pending[id]) { this.pending[id] = { command: command, resolve: [], sentAt: 0 }; this.order.push(id); }
    if (resolve) this.pending[id].resolve.push(resolve);
    this._persist();
  };
  S._persist = function () {
    if (!this.opts.persist) return;
    const self = this;
    const list = this.order.map(function (id) { return { id: id, command: self.pending[id].command }; });
    set(this.opts.persist, list.length ? JSON.stringify(list) : null);
  };
  /** Queue a command for the wire; it leaves as soon as the pace allows. */
  S._send = function (id) {
    if (!this.pending[id] || this.outq.indexOf(id) >= 0) return;
    this.outq.push(id);
    this._pump();
  };
  /** Send what the pace allows now; come back for the rest. */
  S._pump = function () {
    const self = this, now = Date.now();
    if (this.pumpTimer) { clearTimeout(this.pumpTimer); this.pumpTimer = null; }
    if (!this.ws || this.ws.readyState !== 1 || this.state !== 'online') return;
    this.tokens = Math.min(PACE_BURST, this.tokens + (now - this.tokensAt) / 1000 * PACE_PER_SEC);
    this.tokensAt = now;
    while ((this.outq.length || this.wantSnapshot) && this.tokens >= 1) {
      this.tokens -= 1;
      if (this.wantSnapshot) { this.wantSnapshot = false; this.ws.send(JSON.stringify({ type: 'snapshot' })); continue; }
      const id = this.outq.shift(), p = this.pending[id];
      if (!p) { this.tokens += 1; continue; }
      p.sentAt = now;
      this.ws.send(JSON.stringify({ type: 'command', id: id, command: p.command }));
    }
    if (this.outq.length || this.wantSnapshot) {
      this.pumpTimer = setTimeout(function () { self._pump(); }, Math.ceil((1 - this.tokens) / PACE_PER_SEC * 1000));
    }
  };
  /** Send `id` again after `ms` (the hub asked to wait). */
  S._later = function (id, ms) {
    const self = this, p = this.pending[id];
    if (!p) return;
    p.sentAt = 0;
    setTimeout(function () { if (self.pending[id]) self._send(id); }, ms);
  };
  S._resend = function () {
    const self = this;
    this.outq = [];
    this.order.slice().forEach(function (id) { self._send(id); });
  };
  S._answer = function (id, m) {
    const p = this.pending[id];
    delete this.pending[id];
    this.order = this.order.filter(function (x) { return x !== id; });
    this._persist();
    if (this.opts.onAnswer) this.opts.onAnswer(m, id);
    p.resolve.forEach(function (r) { r(m); });
  };
  S._checkAnswers = function () {
    let now = Date.now(), self = this, stale = false;
    this.order.forEach(function (id) { const p = self.pending[id]; if (p.sentAt && now - p.sentAt > ANSWER_TIMEOUT_MS) stale = true; });
    if (stale && this.ws) {
      // No answer: the Wi-Fi may have dropped without the socket noticing.
      this.order.forEach(function (id) { self.pending[id].sentAt = 0; });
      try { this.ws.close(); } catch (e) { /* reconnecting anyway */ }
      const ws = this.ws; this.ws = null;
      if (ws) { ws.onclose = null; ws.onmessage = null; }
      this._status('offline');
      this._retry();
    }
  };

  /** A fresh command id (random per page load, then a counter). */
  S.newId = function () { this.n += 1; return this.prefix + '-' + this.n; };

  /**
   * Send a command; the promise resolves with the hub's `ack` or `error`
   * message (never rejects). Until answered it is re-sent with the same id
   * after every reconnect. Pass `id` to retry an earlier command.
   */
  S.command = function (command, id) {
    const self = this;
    id = id || this.newId();
    return new Promise(function (resolve) {
      self._queue(id, command, resolve);
      self._send(id);
    });
  };
  /** Commands sent but not yet answered. */
  S.unanswered = function () { return this.order.length; };
  /** The unanswered commands themselves, oldest first: [{id, command}] (e.g. to show entries not yet confirmed). */
  S.pendingCommands = function () { const self = this; return this.order.map(function (id) { return { id: id, command: self.pending[id].command }; }); };
  /** Ask for a fresh snapshot. */
  S.refresh = function () { if (this.ws && this.state === 'online') { this.wantSnapshot = true; this._pump(); } };

  // ------------------------------------------------------------ page helpers

  /** Keep a status element up to date: online / reconnecting / refused. */
  YZ.statusText = function (state, detail) {
    switch (state) {
      case 'online': return YZ.t('status_connected');
      case 'connecting': return YZ.t('connecting');
      case 'offline': return YZ.t('offline_reconnecting');
      case 'refused': return YZ.t('code_refused') + YZ.errorText(detail);
      case 'halted': return YZ.t('hub_has_stopped_serving') + YZ.errorText(detail);
      default: return state;
    }
  };

  /** Wire up any button with data-lang-toggle to switch the language. */
  YZ.langToggle = function (root) {
    const els = (root || document).querySelectorAll('[data-lang-toggle]');
    for (let i = 0; i < els.length; i++) {
      els[i].addEventListener('click', function () { YZ.setLang(YZ.lang() === 'zh' ? 'en' : 'zh'); });
    }
  };

  /**
   * Ask before something that cannot be undone. A modal dialog (focus kept
   * inside, Escape cancels) that says what will happen; resolves true when
   * confirmed. opts: title, body (text or nodes), confirm, cancel (labels),
   * danger (red confirm button).
   */
  YZ.confirm = function (opts) {
    return new Promise(function (resolve) {
      const h = YZ.h, before = document.activeElement;
      const id = 'yz-dialog-' + randomId();
      const ok = h('button', { type: 'button', class: 'primary' + (opts.danger ? ' danger' : ''), 'data-confirm': 'yes' },
        opts.confirm || YZ.t('confirm'));
      const no = h('button', { type: 'button', 'data-confirm': 'no' }, opts.cancel || YZ.t('cancel'));
      const box = h('div', { class: 'yz-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': id + '-t', 'aria-describedby': id + '-b' },
        h('h2', { id: id + '-t' }, opts.title),
        h('div', { id: id + '-b', class: 'yz-dialog-body' }, opts.body),
        h('div', { class: 'yz-dialog-actions' }, no, ok));
      const veil = h('div', { class: 'yz-veil' }, box);
      function done(v) {
        document.removeEventListener('keydown', key, true);
        if (veil.parentNode) veil.parentNode.removeChild(veil);
        if (before && before.focus) try { before.focus(); } catch (e) { /* gone */ }
        resolve(v);
      }
      function key(e) {
        if (e.key === 'Escape') { e.preventDefault(); done(false); }
        else if (e.key === 'Tab') { // keep focus on the two buttons
          e.preventDefault();
          (document.activeElement === ok ? no : ok).focus();
        }
      }
      ok.addEventListener('click', function () { done(true); });
      no.addEventListener('click', function () { done(false); });
      document.addEventListener('keydown', key, true);
      document.body.appendChild(veil);
      no.focus();
    });
  };

  /** Wire up any button with data-large-toggle to switch large type (html.large), remembered. */
  YZ.initLarge = function () {
    const on = get('yz.large') === '1';
    document.documentElement.classList.toggle('large', on);
    const els = document.querySelectorAll('[data-large-toggle]');
    for (let i = 0; i < els.length; i++) {
      els[i].setAttribute('aria-pressed', on ? 'true' : 'false');
      els[i].addEventListener('click', function () {
        const now = !document.documentElement.classList.contains('large');
        document.documentElement.classList.toggle('large', now);
        set('yz.large', now ? '1' : null);
        const all = document.querySelectorAll('[data-large-toggle]');
        for (let j = 0; j < all.length; j++) all[j].setAttribute('aria-pressed', now ? 'true' : 'false');
      });
    }
  };

  /**
   * Coalesce calls into at most one `fn()` per animation frame (and at most
   * one per `minMs`, if given): a burst of thousands of ballots a second
   * draws once a frame, never once per update. A timer backs up the frame
   * so that a hidden tab, where frames do not run, still catches up.
   */
  YZ.frame = function (fn, minMs) {
    let queued = false, last = 0, timer = null;
    function run() {
      if (!queued) return;
      queued = false;
      clearTimeout(timer);
      last = Date.now();
      fn();
    }
    return function () {
      if (queued) return;
      queued = true;
      const wait = Math.max(0, (minMs || 0) - (Date.now() - last));
      const go = function () { if (window.requestAnimationFrame) window.requestAnimationFrame(run); };
      if (wait > 0) setTimeout(go, wait); else go();
      timer = setTimeout(run, wait + 250);
    };
  };

  /** Run `fn` every `ms` (countdowns); returns a function that stops it. */
  YZ.every = function (ms, fn) { const t = setInterval(fn, ms); fn(); return function () { clearInterval(t); }; };

  /** "9c1e4f02…" → "9c1e 4f02 …": a hash in groups of four, easy to read out or photograph. */
  YZ.groupHex = function (hex, n) {
    const s = String(hex || '').slice(0, n || 64), out = [];
    for (let i = 0; i < s.length; i += 4) out.push(s.slice(i, i + 4));
    return out.join(' ');
  };

  window.YZ = YZ;
})();
