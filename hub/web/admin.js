/* admin.js — the organiser's console (/admin): open the meeting and lock the
 * rules, move the phases one step at a time, run the clock, choose the
 * pitching table, watch every table's progress and who is connected, close
 * the vote, publish; print voter and table cards; download the exports.
 *
 * Who may vote and what may be struck are entries of the log, decided here:
 * voter cards are issued (with a reason once the vote is open, announced to
 * the room) and cancelled; the counters' and scrutineers' claims are shown
 * and, when needed, released; the advisers' exclusion recommendations are
 * confirmed or lifted and their cost estimates adopted, before the vote
 * only. The organiser never counts: nothing here keys paper or declares a
 * hand count (the hub refuses the organiser's secret at the desk).
 *
 * The meeting is run over /ws (docs/protocol.md) like every client; presence,
 * cards and exports come from the organiser endpoints (hub/src/admin.rs) with
 * the secret in an Authorization header. The secret is kept in this tab's
 * sessionStorage only and never shown after it is entered.
 *
 * Every step that cannot be undone asks first and says what will happen.
 */
(function () {
  'use strict';
  var h = YZ.h, tr = YZ.tr, $ = YZ.$;
  var PAGE = 'admin', TAB_STORE = { session: true };
  var TABS = { meeting: ['会议', 'Meeting'], tables: ['各桌', 'Tables'], screening: ['排除与造价', 'Exclusions'], desk: ['计票台', 'Counting desk'], cards: ['卡片', 'Cards'], export: ['导出', 'Export'] };
  var ROLE_NAMES = {
    organiser: ['组织者', 'organiser'], chair: ['桌长', 'chairs'], recorder: ['记录员', 'recorders'], adviser: ['技术顾问', 'advisers'],
    voter: ['投票人', 'voters'], observer: ['监票员', 'observers'], counter: ['点票员', 'counters'], registrar: ['登记员', 'registrars'], projector: ['投影', 'projectors'], screen: ['桌面屏', 'table screens'], public: ['公众页面', 'public views']
  };
  var CARD_KINDS = {
    voter: ['投票卡', 'Voting card'], chair: ['桌长', 'Chair'], recorder: ['记录员', 'Recorder'], adviser: ['技术顾问', 'Adviser'],
    adviser_all: ['技术顾问（全部桌）', 'Adviser (all tables)'], observer: ['监票员', 'Scrutineer'], counter: ['点票员', 'Counter'], registrar: ['门口登记员', 'Door registrar'], projector: ['投影', 'Projector'], screen: ['桌面屏（只读）', 'Table screen (read-only)']
  };
  var PRESENCE_EVERY_MS = 3000, CARDS_PER_PAGE = 6;
  var name2 = function (p) { return tr(p[0], p[1]); };

  var app = { secret: null, you: null, snap: null, status: 'connecting', statusDetail: null, tab: 'meeting', presence: null, presenceError: null, sheet: null, autoNext: false, handedOver: null, closeRefused: null };
  var session = null, presenceTimer = null;

  // ------------------------------------------------------------ helpers

  function say(kind, text) { YZ.say(kind, text, 6000); }

  function send(command, okText) {
    var p = session.command(command);
    renderHeader();
    return p.then(function (m) {
      renderHeader();
      if (m.type === 'error') say('error', commandError(command, m));
      else if (okText) say('ok', okText);
      return m;
    });
  }

  /** A refused command in words (the desk's codes and the electorate's: YZ.desk.errorText). */
  function commandError(command, m) {
    if (m.code !== 'wrong_phase') return YZ.desk.errorText(m);
    var now = YZ.phaseName(m.detail || app.snap.phase);
    if (/^(confirm_exclusion|lift_exclusion|set_cost)$/.test(command.kind)) {
      return tr('投票开始后不能再排除项目、撤销排除或更改造价（现在：' + now + '）。', 'From the opening of the vote nothing can be excluded, lifted or re-costed (now: ' + now + ').');
    }
    return tr('现在是“' + now + '”，这一步不能做。', 'Not possible now (' + now + ').');
  }

  /** An organiser endpoint: resolves {ok, status, body} (body parsed as JSON when it is). */
  function api(method, path, body) {
    var init = { method: method, headers: { Authorization: 'Bearer ' + app.secret }, cache: 'no-store' };
    if (body !== undefined) { init.body = JSON.stringify(body); init.headers['Content-Type'] = 'application/json'; }
    return fetch(path, init).then(function (r) {
      var kind = r.headers.get('content-type') || '';
      return r.text().then(function (text) {
        var b = text;
        // Exports are passed on as text; everything else (and every refusal) is JSON.
        if (kind.indexOf('json') >= 0 && (!r.ok || path.indexOf('/export.') < 0)) {
          try { b = JSON.parse(text); } catch (e) { b = text; }
        }
        return { ok: r.ok, status: r.status, body: b, type: kind };
      });
    }, function () {
      return { ok: false, status: 0, body: { zh: '无法连接会场服务器', en: 'Cannot reach the hub' } };
    });
  }
  /** Why the hub would not issue cards, in words. */
  function mintError(r) {
    var code = r.body && r.body.code;
    if (code === 'reason_required') return tr('投票已经开始：追加发卡必须写明原因（会公开显示）。', 'The vote is open: cards added now need a reason (shown to everyone).');
    if (code === 'wrong_phase') return tr('投票已经结束，不能再发卡。', 'The vote has closed: no more cards can be issued.');
    if (code === 'not_open') return tr('会议还没有建立。', 'The meeting does not exist yet.');
    return apiError(r);
  }
  function apiError(r) {
    var b = r.body && typeof r.body === 'object' ? r.body : null;
    if (b && (b.zh || b.en)) return tr(b.zh, b.en);
    return tr('请求失败（' + r.status + '）', 'Request failed (' + r.status + ')');
  }

  function drawIf(el, key, draw) { YZ.drawIf(el, key, draw); }

  function proposalTitle(id) { var p = YZ.proposalMap(app.snap)[id]; return p ? id + ' ' + p.title : id; }
  function currency() { return app.snap.rules.budget.currency; }

  // ------------------------------------------------------------ header, tabs

  function renderHeader() {
    var st = $('#status'), s = app.snap;
    st.setAttribute('data-state', app.status);
    st.textContent = YZ.statusText(app.status, app.statusDetail);
    $('#phase').textContent = s ? YZ.phaseName(s.phase) : '';
    $('#signout').hidden = !app.secret;
    renderHalted();
    if (s) document.title = tr('组织者 · ', 'Organiser · ') + s.meeting.name;
    YZ.showUnsent($('#unsent'), session);
    renderClock();
    renderNext();
  }

  // ------------------------------------------------------------ the next step, always in sight

  /** The table to call next during the pitches: the hub's (the next with picks that has not pitched). */
  function nextPitchTable() {
    var s = app.snap, p = s.pitch;
    if (s.phase !== 'pitches') return null;
    if (p) return p.next || null;
    var first = s.tables.filter(function (t) { return t.picks.length; })[0];
    return first ? first.table : null;
  }
  function tableName(n) { var x = app.snap.tables[n - 1]; return x ? x.name : tr('第' + n + '桌', 'Table ' + n); }
  function callTable(n) { return send({ kind: 'set_pitch_table', table: n }, tableName(n) + tr(' 上台推介', ' is on stage')); }

  /**
   * The one primary button, in the sticky header so it is in sight on every
   * tab and at any scroll: the next sensible step (during the pitches, the
   * next table that has not pitched; after the publication, the exports).
   */
  function renderNext() {
    var row = $('#next-row'), s = app.snap;
    row.hidden = !s || !app.you || !!app.sheet;
    if (row.hidden) return;
    var to = YZ.nextPhase(s.phase), nt = nextPitchTable();
    drawIf(row, [YZ.lang(), s.phase, nt, to].join('|'), function () {
      var btn;
      if (nt) {
        btn = h('button', { type: 'button', id: 'pitch-next', class: 'primary', 'data-next-step': 'yes', onclick: function () { callTable(nt); } },
          tr('下一桌上台：' + tableName(nt), 'Next table: ' + nt));
      } else if (to) {
        btn = h('button', { type: 'button', id: 'advance', class: 'primary' + (to === 'counted' || to === 'published' || to === 'check_in' ? ' danger' : ''), 'data-next-step': 'yes', onclick: advance }, stepLabel(to));
      } else {
        btn = h('button', { type: 'button', id: 'to-export', class: 'primary', 'data-next-step': 'yes', onclick: function () { show('export'); } },
          tr('打印结果公示、导出结果', 'Print the notice, export the results'));
      }
      YZ.fill(row, h('span', { class: 'next-label' }, tr('下一步：', 'Next step:')), btn);
    });
  }

  /** The hub found its log shorter than what it acknowledged: say so above everything, until it is restored. */
  function renderHalted() {
    var box = $('#halted'), on = app.status === 'halted';
    box.hidden = !on;
    if (!on) return;
    YZ.fill(box,
      h('p', null, h('strong', null, tr('日志缺少已确认的记录，会场服务器已停止服务。', 'The log is missing entries the hub acknowledged; the hub has stopped serving.'))),
      h('p', null, YZ.errorText(app.statusDetail)),
      h('p', null, tr('请停止会场服务器（Ctrl+C），用监票员的见证副本恢复，再重新启动：', 'Stop the hub (Ctrl+C), restore it from a scrutineer\'s witness copy, and start it again:')),
      h('p', null, h('code', null, 'hub restore --from 见证副本.jsonl --data 数据文件夹')));
  }

  function renderClock() {
    var t = app.snap && app.snap.timer;
    YZ.showClock($('#clock'), t, t ? session.now() : 0);
  }

  function renderTabs() {
    var nav = $('#tabs'), on = !!app.snap && !app.sheet;
    nav.hidden = !on;
    YZ.fill(nav, Object.keys(TABS).map(function (t) {
      return h('button', { type: 'button', 'data-tab': t, 'aria-pressed': String(app.tab === t), onclick: function () { show(t); } }, name2(TABS[t]));
    }));
    Object.keys(TABS).forEach(function (t) { $('#view-' + t).hidden = !on || app.tab !== t; });
    $('#view-sheet').hidden = !app.sheet;
  }

  function show(t) {
    app.tab = t;
    YZ.tabStorage.set('yz.admin.tab', t);
    renderTabs();
    renderView();
    window.scrollTo(0, 0);
  }

  function renderView() {
    if (!app.snap) return;
    if (app.sheet) { renderSheet(); return; }
    switch (app.tab) {
      case 'meeting': renderMeeting(); break;
      case 'tables': renderProgress(); break;
      case 'desk': renderDesk(); break;
      case 'cards': renderCards(); break;
      case 'screening': renderScreening(); break;
    }
  }

  // ------------------------------------------------------------ meeting: phases

  function rulesList() {
    var r = app.snap.rules, s = app.snap;
    var row = function (k, v) { return [h('dt', null, k), h('dd', null, v)]; };
    return h('dl', { class: 'rules' },
      row(tr('分桌', 'Tables'), tr(r.tables.length + ' 桌：', r.tables.length + ': ') + r.tables.join('、')),
      row(tr('项目', 'Proposals'), String(s.proposals.length) + (r.assignment === 'all_tables' ? tr('（每桌讨论全部项目）', ' (every table discusses all)') : tr('（平均分给各桌）', ' (split between the tables)'))),
      row(tr('每桌推选', 'Picks per table'), String(r.picks_per_table)),
      row(tr('每人最多选', 'Choices per voter'), tr('最多 ' + r.max_choices + ' 项', 'at most ' + r.max_choices)),
      row(tr('预算', 'Budget'), YZ.money(r.budget.amount, r.budget.currency)),
      row(tr('资助方式', 'Funding'), YZ.allocationName(r.allocation)),
      row(tr('同票处理', 'Ties'), YZ.tieBreakName(r.tie_break)),
      row(tr('计票显示', 'Tally'), YZ.tallyName(r.tally)),
      row(tr('讨论时间', 'Discussion'), tr(r.discussion_minutes + ' 分钟', r.discussion_minutes + ' min')),
      row(tr('每桌推介', 'Pitch per table'), tr(r.pitch_minutes + ' 分钟', r.pitch_minutes + ' min')));
  }

  function tablesWithoutPicks() {
    var need = app.snap.rules.picks_per_table;
    return app.snap.tables.filter(function (t) { return t.picks.length !== need; });
  }

  /** A chair's signal from the table's device, if any: 'ready' or 'more_time'. */
  function signalOf(t) { return t.signal || null; }

  /**
   * What is not finished before moving to `to`, one line per kind, naming the
   * tables (or the desk's batches): shown in the step card and in the
   * confirmation of every step that cannot be undone.
   */
  function unfinished(to) {
    var s = app.snap, need = s.rules.picks_per_table, out = [];
    var names = function (list, f) { return list.map(function (t) { return t.name + (f ? f(t) : ''); }).join('、'); };
    var more = s.tables.filter(function (t) { return signalOf(t) === 'more_time'; });
    if ((to === 'picks' || to === 'pitches') && more.length) {
      out.push(tr('这些桌的桌长要求更多时间：', 'These chairs asked for more time: ') + names(more));
    }
    if (to === 'pitches') {
      var missing = tablesWithoutPicks();
      if (missing.length) out.push(tr('这些桌的推选不足 ' + need + ' 个：', 'These tables do not have ' + need + ' picks: ') + names(missing, function (t) { return '（' + t.picks.length + '）'; }));
      var open = s.tables.filter(function (t) { return t.picks.length === need && !t.picks_locked; });
      if (open.length) out.push(tr('这些桌还没有锁定推选（进入推介时会自动锁定）：', 'These tables have not locked their picks (they are locked on entering the pitches): ') + names(open));
    }
    if (to === 'voting') {
      var p = s.pitch, done = p ? p.done : [];
      var notYet = s.tables.filter(function (t) { return t.picks.length && done.indexOf(t.table) < 0 && (!p || p.table !== t.table); });
      if (p && s.timer && s.timer.label === 'pitch' && YZ.remainingMs(s.timer, session.now()) > 0) {
        out.push(tr('正在推介，时间还没到：', 'Still pitching, time not up: ') + tableName(p.table));
      }
      if (notYet.length) out.push(tr('这些桌还没有上台推介：', 'These tables have not pitched: ') + names(notYet));
    }
    if (to === 'counted') {
      YZ.desk.blockers(s).forEach(function (b) { out.push(YZ.desk.blockerText(b)); });
    }
    return out;
  }
  function unfinishedNotice(to) {
    var list = unfinished(to);
    if (!list.length) return null;
    return h('div', { class: 'notice error unfinished', 'data-unfinished': to },
      h('strong', null, tr('还没有完成：', 'Not finished yet:')), h('ul', { class: 'plain' }, list.map(function (x) { return h('li', null, x); })));
  }

  /** What moving to `to` does, in words, for the confirmation and the step card. */
  function stepText(to) {
    var r = app.snap.rules, s = app.snap;
    switch (to) {
      case 'check_in': return [h('p', null, tr('开会后，以下规则和项目清单将被锁定，整个会议期间不能更改；锁定后会显示规则指纹，供所有人核对。',
        'Opening locks these rules and the proposal list for the whole meeting; the rules fingerprint is shown afterwards for everyone to check.')), rulesList()];
      case 'discussion': return h('p', null, tr('各桌开始讨论，会议计时器开始 ' + r.discussion_minutes + ' 分钟倒计时。',
        'The tables start discussing; the meeting clock counts down ' + r.discussion_minutes + ' minutes.'));
      case 'pitches': return [h('p', null, tr('进入上台推介：各桌的推选按现在的样子全部锁定，不能再改。第一张有推选的桌上台，推介计时 ' + r.pitch_minutes + ' 分钟。',
        'Pitches: every table\'s picks are locked as they stand now. The first table with picks goes on stage with ' + r.pitch_minutes + ' minutes.')), unfinishedNotice(to)];
      case 'picks': return [h('p', null, tr('讨论结束，各桌桌长提交并锁定本桌的 ' + r.picks_per_table + ' 个推选。讨论计时停止。',
        'Discussion ends; each chair submits and locks the table\'s ' + r.picks_per_table + ' picks. The discussion clock stops.')), unfinishedNotice(to)];
      case 'voting': return [h('p', null, tr('开始投票：居民用手机或纸质选票投票，每人最多选 ' + r.max_choices + ' 项。',
        'Voting opens: residents vote by phone or on paper, at most ' + r.max_choices + ' choices each.')), unfinishedNotice(to)];
      case 'counted': return [h('p', null, tr('结束投票并计票：此后不再接受任何选票；系统计算排名和预算分配（' + YZ.tieBreakName(r.tie_break) + '）。结果算出后不能更改。',
        'Close the vote and count: no ballot is accepted afterwards; the ranking and the budget allocation are computed (' + YZ.tieBreakName(r.tie_break) + '). The results cannot change afterwards.')),
        h('p', { id: 'step-count', class: 'count-line' }, YZ.countLine(s, 'step')),
        deskBlockers()];
      case 'published': return h('p', null, tr('公布结果：排名和资助名单向所有人公开（投影和公众页面）。会议到此结束，不能再更改。',
        'Publish: the ranking and the funded list are shown to everyone (projector, public page). The meeting ends here; nothing can change afterwards.'));
    }
    return null;
  }

  function stepLabel(to) {
    if (to === 'check_in') return tr('开会并锁定规则', 'Open the meeting and lock the rules');
    if (to === 'counted') return tr('结束投票并计票', 'Close the vote and count');
    if (to === 'published') return tr('公布结果', 'Publish the results');
    return tr('进入下一阶段：', 'Next phase: ') + YZ.phaseName(to);
  }

  /** Discard an empty paper batch (nothing keyed in either copy, no sheets counted): logged, after a confirmation. */
  function discardBatch(n) {
    var name = YZ.desk.batchName(n);
    YZ.confirm({
      title: tr('丢弃' + name + '？', 'Discard ' + name.toLowerCase() + '?'),
      body: [h('p', null, tr(name + '两份录入中都没有选票，监票员也没有清点张数：可能是点票员打开后又离开了。丢弃后它不再阻止结束投票。',
        name + ' has no ballot in either copy and no sheets counted: a counter probably opened it and left. Once discarded it no longer keeps the vote from closing.')),
        h('p', null, tr('丢弃会记入日志。之后如有这一批的纸质选票，点票员可以重新录入同一编号。', 'The discard is logged. If paper ballots of this batch turn up, the counters can key the same number again.'))],
      confirm: tr('丢弃' + name, 'Discard ' + name.toLowerCase()), danger: true
    }).then(function (yes) {
      if (!yes) return;
      send({ kind: 'discard_batch', batch: n }, tr('已丢弃' + name, name + ' discarded'));
    });
  }

  /** A blocker in words, with the discard button when the hub says the batch is empty. */
  function blockerItem(b, attrs) {
    return h('li', attrs, YZ.desk.blockerText(b), b.discardable ? [' ', h('button', { type: 'button', class: 'small discard-batch', 'data-batch': b.n,
      onclick: function () { discardBatch(b.n); } }, tr('丢弃空批次', 'Discard the empty batch'))] : null);
  }

  function advance() {
    var s = app.snap, to = YZ.nextPhase(s.phase);
    if (!to) return;
    YZ.confirm({
      title: stepLabel(to) + tr('？', '?'),
      body: [stepText(to), h('p', null, h('strong', null, tr('这一步不能撤回。', 'This step cannot be undone.')))],
      confirm: stepLabel(to), danger: to === 'counted' || to === 'published' || to === 'check_in'
    }).then(function (yes) {
      if (!yes) return;
      var cmd = to === 'check_in' ? { kind: 'open_meeting' } : { kind: 'advance_phase', to: to };
      send(cmd).then(function (m) {
        // The close refused for the counting desk: say why where the button is, until it closes.
        app.closeRefused = m.type === 'error' && (m.code === 'paper_open' || m.code === 'paper_count_mismatch') ? m : null;
        renderStep();
        if (m.type !== 'ack') return;
        if (to === 'check_in') say('ok', tr('会议已开始，规则已锁定。规则指纹：', 'The meeting is open and the rules are locked. Fingerprint: ') + (m.result && m.result.fingerprint || app.snap.fingerprint));
        else say('ok', tr('现在是：', 'Now: ') + YZ.phaseName(to));
      });
    });
  }

  function renderMeeting() {
    var s = app.snap;
    $('#meeting-h').textContent = s.meeting.name;
    $('#meeting-where').textContent = [s.meeting.venue, s.meeting.date].filter(Boolean).join(' · ');
    var at = YZ.PHASES.indexOf(s.phase);
    YZ.fill($('#phases'), YZ.PHASES.map(function (p, i) {
      return h('li', { class: i < at ? 'done' : (i === at ? 'now' : null), 'aria-current': i === at ? 'step' : null }, (i + 1) + '. ' + YZ.phaseName(p));
    }));
    renderStep();
    renderStrip();
    renderTimer();
    renderPitch();
    renderVote();
    // Before opening the rules are in the step card itself; afterwards they stay at hand here.
    $('#rules-card').hidden = !s.fingerprint;
    drawIf($('#rules'), s.fingerprint, function () {
      YZ.fill($('#rules'), rulesList(), h('p', { class: 'muted' }, s.fingerprint
        ? tr('这些规则在开会时已锁定。', 'These rules were locked when the meeting opened.')
        : tr('开会时这些规则将被锁定。', 'These rules are locked when the meeting opens.')));
    });
  }

  function renderStep() {
    var s = app.snap, to = YZ.nextPhase(s.phase);
    // A refused close stays said only while something still blocks it.
    if (app.closeRefused && (to !== 'counted' || !YZ.desk.blockers(s).length)) app.closeRefused = null;
    var key = [YZ.lang(), s.phase, s.fingerprint, s.electorate.fingerprint, s.electorate.cards_issued, s.electorate.cards_cancelled, JSON.stringify(unfinished(to)), nextPitchTable(),
      to === 'counted' ? JSON.stringify([YZ.desk.blockers(s), app.closeRefused]) : ''].join('|');
    var count = $('#step-count');
    if (count) drawIf(count, JSON.stringify(s.turnout), function () { YZ.fill(count, YZ.countLine(s, 'step')); });
    drawIf($('#step'), key, function () {
      YZ.fill($('#step'),
      h('p', { id: 'fingerprints' }, s.fingerprint ? [tr('规则已锁定 · 规则指纹 ', 'Rules locked · fingerprint '), h('span', { class: 'fingerprint mono', id: 'fingerprint' }, s.fingerprint), ' · '] : null,
        YZ.desk.electorateLine(s, 'step-electorate')),
      h('h3', null, tr('现在：', 'Now: ') + YZ.phaseName(s.phase)),
      to ? [h('p', null, h('strong', null, tr('下一阶段：', 'Next phase: ') + YZ.phaseName(to)),
        nextPitchTable() ? h('span', { class: 'muted' }, tr('（先请其余各桌上台，见上方按钮）', ' (call the other tables first: the button above)')) : null), stepText(to),
        nextPitchTable() ? h('button', { type: 'button', id: 'advance', onclick: advance }, stepLabel(to)) : null]
        : h('p', { class: 'notice ok' }, tr('结果已公布，会议结束。请打印结果公示并导出结果（“导出”页）。', 'The results are published; the meeting is over. Print the notice and export the results (the Export tab).')),
      h('p', { class: 'muted' }, tr('投影页面：', 'Projector page: '), h('a', { href: '/projector', target: '_blank', rel: 'noopener' }, '/projector'),
        tr('　公众页面：', ' · public page: '), h('a', { href: '/', target: '_blank', rel: 'noopener' }, '/')));
    });
  }

  /**
   * Every table at a glance, small enough for 30 tables on one screen: what
   * it is doing in this phase (discussing, picks n/3, locked, on stage,
   * pitched) and its chair's signal (ready, needs more time).
   */
  function renderStrip() {
    var s = app.snap, card = $('#strip-card'), at = YZ.PHASES.indexOf(s.phase);
    card.hidden = at < 1 || at > YZ.PHASES.indexOf('pitches');
    if (card.hidden) return;
    var need = s.rules.picks_per_table, p = s.pitch;
    var rows = s.tables.map(function (t) {
      var state, text, sig = signalOf(t);
      if (s.phase === 'pitches') {
        if (p && p.table === t.table) { state = 'on-stage'; text = tr('推介中', 'on stage'); }
        else if (p && p.done.indexOf(t.table) >= 0) { state = 'pitched'; text = tr('已推介', 'pitched'); }
        else if (!t.picks.length) { state = 'no-picks'; text = tr('无推选', 'no picks'); }
        else { state = 'waiting'; text = tr('待推介', 'to pitch'); }
      } else if (s.phase === 'picks') {
        state = t.picks_locked ? 'locked' : (t.picks.length === need ? 'full' : 'picking');
        text = (t.picks_locked ? tr('已锁定 ', 'locked ') : tr('推选 ', 'picks ')) + t.picks.length + '/' + need;
      } else {
        state = 'discussing'; text = s.phase === 'check_in' ? tr('签到中', 'checking in') : tr('讨论中', 'discussing');
      }
      return { t: t, state: state, text: text, sig: s.phase === 'pitches' ? null : sig };
    });
    var count = function (f) { return rows.filter(f).length; }, n = rows.length, head;
    if (s.phase === 'pitches') head = tr('各桌：已推介 ' + count(function (r) { return r.state === 'pitched'; }) + '/' + count(function (r) { return r.t.picks.length; }),
      'Tables: pitched ' + count(function (r) { return r.state === 'pitched'; }) + '/' + count(function (r) { return r.t.picks.length; }));
    else if (s.phase === 'picks') head = tr('各桌：已锁定 ' + count(function (r) { return r.state === 'locked'; }) + '/' + n, 'Tables: locked ' + count(function (r) { return r.state === 'locked'; }) + '/' + n);
    else head = tr('各桌：' + n + ' 桌', 'Tables: ' + n);
    var ready = count(function (r) { return r.sig === 'ready'; }), more = count(function (r) { return r.sig === 'more_time'; });
    if (s.phase !== 'pitches' && (ready || more)) head += tr(' · 已就绪 ' + ready + ' · 要求更多时间 ' + more, ' · ready ' + ready + ' · more time ' + more);
    drawIf(card, JSON.stringify([YZ.lang(), head, rows.map(function (r) { return [r.t.name, r.state, r.text, r.sig]; })]), function () {
      $('#strip-h').textContent = head;
      YZ.fill($('#strip'), rows.map(function (r) {
        return h('li', { 'data-table': r.t.table, 'data-state': r.state, 'data-signal': r.sig || 'none' },
          h('strong', null, r.t.name), ' ', h('span', null, r.text),
          r.sig ? h('span', { class: 'signal' }, r.sig === 'ready' ? tr('✓ 就绪', '✓ ready') : tr('⏳ 要时间', '⏳ more time')) : null);
      }));
    });
  }

  /** What keeps the vote from closing (the counting desk), in words, with the hub's refusal if the organiser tried. */
  function deskBlockers() {
    var list = YZ.desk.blockers(app.snap), refused = app.closeRefused;
    if (!list.length && !refused) return null;
    return h('div', { class: 'notice error', id: 'close-blocked', role: refused ? 'alert' : null },
      refused ? h('p', null, h('strong', null, tr('结束投票被拒绝。', 'Closing the vote was refused. ')), YZ.desk.errorText(refused)) : null,
      list.length ? [h('p', null, h('strong', null, tr('计票台还没有完成：', 'The counting desk is not done yet:'))),
        h('ul', { class: 'plain' }, list.map(function (b) { return blockerItem(b, { 'data-unit': b.unit + ':' + b.n, 'data-why': b.why }); })),
        h('p', null, tr('每一批纸质选票都须两份录入一致，且与监票员清点的张数相同；每块贴纸板须两次读数一致。', 'Every batch must agree between its two copies and match the scrutineer\'s hand count; every sticker board must have two equal readings.'),
          ' ', h('button', { type: 'button', class: 'small', onclick: function () { show('desk'); } }, tr('查看计票台', 'Open the counting desk')))] : null);
  }

  // ------------------------------------------------------------ counting desk

  function renderDesk() {
    var s = app.snap, D = YZ.desk, p = s.paper || { batches: [], boards: [], counted: 0, void: 0, stickers: 0 };
    var blockers = D.blockers(s);
    drawIf($('#desk'), JSON.stringify([p, s.paper_copies, s.turnout, s.phase]), function () {
      YZ.fill($('#desk'),
        h('div', { class: 'card', id: 'desk-summary' },
          h('p', { class: 'count-line' }, YZ.countLine(s, 'desk')),
          s.turnout.void ? h('p', { class: 'small-text' }, tr('废票：', 'Void: ') + YZ.voidLine(s)) : null,
          h('p', { class: 'muted small-text', id: 'desk-not-organiser' }, tr('组织者不录入、不清点：纸质选票由两位点票员在各自认领的设备上分别录入，张数由监票员清点。认领情况见“卡片”页。',
            'The organiser neither keys nor counts: two counters key each batch on the devices they claimed, and the scrutineers count the sheets. The claims are on the Cards tab.')),
          s.phase === 'voting' ? (blockers.length
            ? h('div', { class: 'notice error', id: 'desk-blockers' }, h('strong', null, tr('还不能结束投票：', 'The vote cannot close yet:')),
              h('ul', { class: 'plain' }, blockers.map(function (b) { return blockerItem(b, null); })))
            : h('p', { class: 'notice ok', id: 'desk-blockers' }, tr('计票台已完成：可以结束投票。', 'The counting desk is done: the vote can close.'))) : null,
          h('p', { class: 'muted' }, tr('点票员用点票员卡进入 ', 'Counters use their cards to open '), h('a', { href: '/count', target: '_blank', rel: 'noopener' }, '/count'),
            tr('，监票员进入 ', ', scrutineers '), h('a', { href: '/scrutiny', target: '_blank', rel: 'noopener' }, '/scrutiny'),
            tr('；所有人可在 ', '; everyone can check the '), h('a', { href: '/board', target: '_blank', rel: 'noopener' }, '/board'), tr(' 核对公示板。', ' public board.'))),
        h('h3', null, tr('纸质选票批次', 'Paper ballot batches')),
        p.batches.length ? h('table', { class: 'ranking', id: 'desk-batches' },
          h('caption', { class: 'visually-hidden' }, tr('批次', 'Batches')),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, tr('批次', 'Batch')), h('th', { scope: 'col' }, tr('状态', 'Status')),
            h('th', { scope: 'col' }, tr('录入', 'Keyed')), h('th', { scope: 'col' }, tr('监票员清点', 'Hand count')))),
          h('tbody', null, p.batches.map(function (b) {
            var k = D.keyed(b), keyed = k.agreed !== null ? String(k.agreed) : k.copies.map(function (c) { return c.counter + tr('号 ', ': ') + c.entries + (c.finished ? ' ✓' : ''); }).join(' · ') || '—';
            var match = k.agreed !== null && b.sheets !== null && b.sheets !== undefined ? (b.sheets === k.agreed ? h('span', { class: 'chip ok' }, tr('一致', 'match')) : h('span', { class: 'chip bad' }, tr('不一致', 'mismatch'))) : null;
            return h('tr', { 'data-batch': b.batch },
              h('td', null, String(b.batch)),
              h('td', null, h('span', { class: 'chip ' + (b.status === 'agreed' ? 'ok' : b.status === 'disputed' ? 'bad' : 'warn') }, D.statusText(b.status)),
                b.status === 'disputed' ? h('div', { class: 'small-text' }, b.differences.map(function (d) { return d.at + ' ' + D.diffText(d.reason); }).join('；')) : null,
                b.status === 'agreed' ? h('div', { class: 'small-text' }, tr('废票 ', 'void ') + b.ballots.filter(function (x) { return x.void; }).length) : null),
              h('td', null, keyed),
              h('td', null, b.sheets === null || b.sheets === undefined ? tr('未清点', 'not yet') : String(b.sheets), ' ', match));
          }))) : h('p', { class: 'muted' }, tr('还没有纸质选票批次。', 'No paper batches yet.')),
        s.rules.allocation === 'equal_shares' ? null : [h('h3', null, tr('贴纸板', 'Sticker boards')),
          p.boards.length ? h('table', { class: 'ranking', id: 'desk-boards' },
            h('caption', { class: 'visually-hidden' }, tr('贴纸板', 'Sticker boards')),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, tr('贴纸板', 'Board')), h('th', { scope: 'col' }, tr('状态', 'Status')), h('th', { scope: 'col' }, tr('贴纸', 'Stickers')))),
            h('tbody', null, p.boards.map(function (b) {
              var total = Object.keys(b.counts || {}).reduce(function (a, k) { return a + b.counts[k]; }, 0);
              return h('tr', { 'data-board': b.board }, h('td', null, String(b.board)),
                h('td', null, h('span', { class: 'chip ' + (b.status === 'agreed' ? 'ok' : b.status === 'disputed' ? 'bad' : 'warn') }, D.statusText(b.status)),
                  b.status === 'disputed' ? h('div', { class: 'small-text' }, b.differences.map(function (d) { return d.at; }).join('、')) : null),
                h('td', null, b.status === 'agreed' ? (p.marks_hidden ? tr('已计入（投票结束后公布）', 'counted (shown after the close)') : String(total)) : tr(b.copies.length + ' 次读数', b.copies.length + ' reading(s)')));
            }))) : h('p', { class: 'muted' }, tr('还没有贴纸板。', 'No sticker boards yet.'))]);
    });
  }

  // ------------------------------------------------------------ meeting: clock

  function renderTimer() {
    var s = app.snap, t = s.timer, box = $('#timer-card');
    drawIf(box, s.phase + JSON.stringify(t), function () { drawTimer(s, t, box); });
  }

  function drawTimer(s, t, box) {
    var running = t && !t.paused, can = YZ.PHASES.indexOf(s.phase) >= 1 && YZ.PHASES.indexOf(s.phase) <= 5;
    var keep = {};
    ['timer-label', 'timer-minutes', 'extend-minutes'].forEach(function (id) { var el = $('#' + id); if (el) keep[id] = el.value; });
    var focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement.id : null;
    YZ.fill(box,
      h('h3', null, tr('计时', 'Clock')),
      t ? [h('p', null, h('strong', null, YZ.timerLabel(t.label)), t.paused ? h('span', { class: 'chip warn' }, tr('已暂停', 'paused')) : null),
        h('p', { class: 'timer-big mono', id: 'timer-left', role: 'timer', 'aria-live': 'off' }, YZ.clock(YZ.remainingMs(t, session.now()))),
        h('div', { class: 'row-buttons' },
          running ? h('button', { type: 'button', id: 'timer-pause', onclick: function () { send({ kind: 'pause_timer' }); } }, tr('暂停', 'Pause'))
            : h('button', { type: 'button', id: 'timer-resume', class: 'primary', onclick: function () { send({ kind: 'resume_timer' }); } }, tr('继续', 'Resume'))),
        h('form', { class: 'inline-form', id: 'extend-form', onsubmit: extend },
          h('div', null, h('label', { for: 'extend-minutes' }, tr('延长（分钟）', 'Extend (minutes)')),
            h('input', { id: 'extend-minutes', type: 'number', min: 1, max: 120, value: keep['extend-minutes'] || 5, inputmode: 'numeric', required: true })),
          h('button', { type: 'submit' }, tr('延长', 'Extend')))]
        : [h('p', { class: 'muted' }, tr('没有计时。', 'No clock running.')),
          // The picks have no time in the rules: one tap gives them a clock the whole room sees.
          s.phase === 'picks' ? h('button', { type: 'button', id: 'timer-picks', onclick: function () {
            send({ kind: 'start_timer', label: '各桌推选', minutes: 10 }, tr('推选计时开始：10 分钟', 'Picks clock started: 10 min'));
          } }, tr('推选计时 10 分钟', 'Picks clock, 10 min')) : null],
      can ? h('form', { class: 'inline-form', id: 'timer-form', onsubmit: startTimer },
        h('div', null, h('label', { for: 'timer-label' }, tr('计时名称', 'Label')),
          h('input', { id: 'timer-label', class: 'label-input', maxlength: 40, value: keep['timer-label'] || tr('休息', 'Break'), required: true })),
        h('div', null, h('label', { for: 'timer-minutes' }, tr('分钟', 'Minutes')),
          h('input', { id: 'timer-minutes', type: 'number', min: 1, max: 600, value: keep['timer-minutes'] || 10, inputmode: 'numeric', required: true })),
        h('button', { type: 'submit' }, tr('开始新计时', 'Start a clock'))) : null);
    if (focused && $('#' + focused)) $('#' + focused).focus();
  }

  function startTimer(e) {
    e.preventDefault();
    var label = $('#timer-label').value.trim(), minutes = parseInt($('#timer-minutes').value, 10);
    if (!label || !(minutes >= 1 && minutes <= 600)) { say('error', tr('名称 1–40 字，时长 1–600 分钟。', 'A label of 1–40 characters and 1–600 minutes.')); return; }
    var go = function () { send({ kind: 'start_timer', label: label, minutes: minutes }, tr('计时开始：', 'Clock started: ') + label); };
    if (!app.snap.timer) { go(); return; }
    YZ.confirm({
      title: tr('替换现在的计时？', 'Replace the running clock?'),
      body: h('p', null, tr('“' + YZ.timerLabel(app.snap.timer.label) + '”的剩余时间将被丢弃，改为“' + label + '” ' + minutes + ' 分钟。',
        'The time left on “' + YZ.timerLabel(app.snap.timer.label) + '” is dropped for “' + label + '”, ' + minutes + ' min.')),
      confirm: tr('替换', 'Replace')
    }).then(function (yes) { if (yes) go(); });
  }

  function extend(e) {
    e.preventDefault();
    var minutes = parseInt($('#extend-minutes').value, 10);
    if (!(minutes >= 1 && minutes <= 120)) { say('error', tr('延长 1–120 分钟。', 'Extend by 1–120 minutes.')); return; }
    send({ kind: 'extend_timer', minutes: minutes }, tr('已延长 ' + minutes + ' 分钟', 'Extended by ' + minutes + ' min'));
  }

  // ------------------------------------------------------------ meeting: pitches, vote, results

  function renderPitch() {
    var s = app.snap, box = $('#pitch-card');
    box.hidden = s.phase !== 'pitches';
    if (box.hidden) return;
    var p = s.pitch, name = function (t) { var x = s.tables[t - 1]; return x ? x.name : String(t); };
    drawIf(box, JSON.stringify(p) + s.tables.map(function (t) { return t.picks.length; }).join(), function () {
    var sel = $('#pitch-table'), keep = p && p.next ? String(p.next) : (sel ? sel.value : '');
    YZ.fill(box,
      h('h3', null, tr('上台推介', 'Pitches')),
      p ? h('p', null, tr('正在推介：', 'On stage: '), h('strong', { id: 'pitching' }, name(p.table)),
        p.next ? tr('；下一桌：' + name(p.next), '; next: ' + name(p.next)) : tr('；这是最后一桌', '; the last table'),
        p.done.length ? h('br') : null, p.done.length ? tr('已推介：', 'Done: ') + p.done.map(name).join('、') : null)
        : h('p', { class: 'muted' }, tr('还没有桌上台。', 'No table on stage yet.')),
      h('form', { class: 'inline-form', onsubmit: function (e) {
        e.preventDefault();
        var t = parseInt($('#pitch-table').value, 10);
        send({ kind: 'set_pitch_table', table: t }, name(t) + tr(' 上台推介', ' is on stage'));
      } },
        h('div', null, h('label', { for: 'pitch-table' }, tr('请哪一桌上台', 'Table on stage')),
          h('select', { id: 'pitch-table' }, s.tables.map(function (t) {
            return h('option', { value: String(t.table) }, t.name + (t.picks.length ? '' : tr('（无推选）', ' (no picks)')));
          }))),
        h('button', { type: 'submit' }, tr('请这一桌上台', 'Call this table'))),
      h('label', { class: 'opt', for: 'auto-next' },
        h('input', { type: 'checkbox', id: 'auto-next', checked: app.autoNext ? 'checked' : null, onchange: function (e) {
          app.autoNext = e.target.checked;
          YZ.tabStorage.set('yz.admin.autonext', app.autoNext ? '1' : null);
        } }),
        tr('推介时间到，自动请下一桌上台', 'When a pitch\'s time is up, call the next table automatically')));
    if (keep) $('#pitch-table').value = keep;
    });
  }

  /**
   * Twice a second: the big countdown follows the hub's clock, and (when the
   * organiser asked for it) a pitch whose time is up hands over to the next
   * table, once per pitch.
   */
  function tick() {
    var s = app.snap, t = s && s.timer;
    if (!s) return;
    renderClock();
    var big = $('#timer-left');
    if (big && t) {
      var left = YZ.remainingMs(t, session.now());
      big.textContent = YZ.clock(left);
      big.setAttribute('data-over', left <= -1000 ? 'yes' : 'no');
    }
    var nt = nextPitchTable();
    if (app.autoNext && nt && s.pitch && t && t.label === 'pitch' && !t.paused && YZ.remainingMs(t, session.now()) <= 0) {
      var key = s.pitch.table + ':' + t.started_at_ms;
      if (app.handedOver !== key) { app.handedOver = key; callTable(nt); }
    }
  }

  function renderVote() {
    var s = app.snap, box = $('#vote-card'), res = s.results;
    var at = YZ.PHASES.indexOf(s.phase);
    box.hidden = at < YZ.PHASES.indexOf('voting');
    if (box.hidden) return;
    if (!res) {
      drawIf(box, JSON.stringify(s.turnout), function () {
        YZ.fill(box, h('h3', null, tr('投票', 'Vote')),
          h('p', { class: 'count-line', id: 'vote-count' }, YZ.countLine(s)),
          s.turnout.void ? h('p', { class: 'small-text', id: 'vote-void' }, tr('废票：', 'Void: ') + YZ.voidLine(s)) : null);
      });
      return;
    }
    var funded = {};
    res.funded.forEach(function (id) { funded[id] = true; });
    box.__yzKey = null;
    YZ.fill(box, h('h3', null, s.phase === 'published' ? tr('结果（已公布）', 'Results (published)') : tr('结果（尚未公布）', 'Results (not yet published)')),
      h('p', null, tr('选票 ', 'Ballots ') + res.ballots + tr('；资助 ', '; funded ') + res.funded.length + tr(' 项，共 ', ', total ') +
        YZ.money(res.total_cost, currency()) + ' / ' + YZ.money(res.budget, currency())),
      h('table', { class: 'ranking', id: 'ranking' },
        h('caption', { class: 'visually-hidden' }, tr('排名', 'Ranking')),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, tr('名次', 'Rank')), h('th', { scope: 'col' }, tr('项目', 'Proposal')),
          h('th', { scope: 'col' }, tr('票数', 'Votes')), h('th', { scope: 'col' }, tr('资助', 'Funded')))),
        h('tbody', null, res.ranking.filter(function (row) { return row.votes > 0 || funded[row.proposal]; }).slice(0, 30).map(function (row) {
          return h('tr', { class: row.funded ? 'funded' : null },
            h('td', null, String(row.rank)), h('td', null, proposalTitle(row.proposal)), h('td', null, String(row.votes)),
            h('td', null, row.funded ? tr('是', 'yes') : tr('否', 'no')));
        }))),
      res.ties.filter(function (t) { return t.decisive; }).map(function (t) {
        return h('p', { class: 'notice info' }, tr('同票（' + t.votes + ' 票）影响资助：', 'A tie at ' + t.votes + ' votes decided funding: ') + t.proposals.join(' > ') + ' — ' + YZ.tieBreakName(res.tie_break));
      }),
      h('p', { class: 'count-line', id: 'vote-count' }, YZ.countLine(s)));
  }

  // ------------------------------------------------------------ tables and presence

  function fetchPresence() {
    // Not while the console is out of sight (a phone in a pocket): it catches up when shown.
    if (!app.secret || document.hidden) return;
    api('GET', '/api/admin/presence').then(function (r) {
      if (r.ok) { app.presence = r.body; app.presenceError = null; }
      else { app.presenceError = apiError(r); }
      if (app.tab === 'tables' && !app.sheet) renderProgress();
    });
  }

  function seat(label, n) {
    return h('span', { class: 'presence-dot', 'data-on': n > 0 ? 'yes' : 'no' }, (n > 0 ? '● ' : '○ ') + label + (n > 1 ? '×' + n : ''),
      h('span', { class: 'visually-hidden' }, n > 0 ? tr('（在线）', ' (connected)') : tr('（未连接）', ' (not connected)')));
  }

  function renderProgress() {
    var s = app.snap, pr = app.presence, need = s.rules.picks_per_table;
    YZ.fill($('#presence-summary'),
      app.presenceError ? h('p', { class: 'notice error' }, app.presenceError) : null,
      pr ? h('div', { class: 'card', id: 'presence' },
        h('h3', null, tr('在线连接 ', 'Connected ') + pr.connections),
        h('ul', { class: 'plain' }, Object.keys(ROLE_NAMES).map(function (r) {
          return h('li', { 'data-role': r }, name2(ROLE_NAMES[r]) + tr('：', ': ') + (pr.roles[r] || 0));
        })),
        h('p', null, seat(tr('全部桌顾问', 'all-tables adviser'), pr.adviser_all))) : h('p', { class: 'muted' }, tr('正在读取在线情况…', 'Reading who is connected…')));
    var details = {};
    (s.table_details || []).forEach(function (d) { details[d.table] = d; });
    YZ.fill($('#progress'), s.tables.map(function (t) {
      var d = details[t.table] || { queue: [], notes: [] };
      var p = pr && pr.tables ? pr.tables[t.table - 1] : null;
      var notes = d.notes.filter(function (n) { return !n.withdrawn; }).length;
      var waiting = d.queue.filter(function (e) { return e.state === 'waiting'; }).length;
      return h('li', { 'data-table': t.table },
        h('div', { class: 'grow' },
          h('strong', null, t.name), ' ',
          h('span', { class: 'chip ' + (t.picks_locked ? 'ok' : (t.picks.length === need ? 'warn' : '')), 'data-picks': t.picks.length + '/' + need + (t.picks_locked ? ' locked' : '') },
            (t.picks_locked ? tr('已锁定 ', 'locked ') : tr('推选 ', 'picks ')) + t.picks.length + '/' + need),
          h('div', null, t.speaking ? tr('发言中：', 'Speaking: ') + (/^\d+$/.test(t.speaking) ? tr(t.speaking + '号', 'Seat ' + t.speaking) : t.speaking) : tr('无人发言', 'nobody speaking'),
            tr(' · 等候 ', ' · waiting ') + waiting + tr(' · 记录 ', ' · notes ') + notes),
          p ? h('div', null, seat(tr('桌长', 'chair'), p.chair), ' ', seat(tr('记录员', 'recorder'), p.recorder), ' ', seat(tr('顾问', 'adviser'), p.adviser)) : null,
          t.picks.length ? h('ul', { class: 'plain' }, t.picks.map(function (id) { return h('li', null, proposalTitle(id)); })) : null));
    }));
  }

  // ------------------------------------------------------------ cards

  function phaseAt(p) { return YZ.PHASES.indexOf(app.snap.phase) >= YZ.PHASES.indexOf(p); }

  function renderCards() {
    var s = app.snap, D = YZ.desk, e = s.electorate, voting = phaseAt('voting'), closed = phaseAt('counted');
    drawIf($('#electorate-summary'), JSON.stringify([e.cards_issued, e.cards_cancelled, e.fingerprint, s.fingerprint]), function () {
      YZ.fill($('#electorate-summary'), D.electorateLine(s, 'cards-electorate'),
        s.fingerprint ? [tr(' · 规则指纹 ', ' · rules fingerprint '), h('b', { class: 'mono fingerprint' }, s.fingerprint)] : null,
        h('br'), h('span', { class: 'muted small-text' }, tr('投票开始前，投影会显示投票卡张数和选民指纹，与规则指纹并列，供全场核对。',
          'Before the vote opens the projector shows how many cards exist and the electorate fingerprint beside the rules fingerprint, for the room to check.')));
    });
    $('#mint-reason-label').textContent = voting
      ? tr('原因（投票已开始，必填，会公开显示）', 'Reason (the vote is open: required, shown to everyone)')
      : tr('原因（可不填；投票开始后必填，会公开显示）', 'Reason (optional; required once the vote opens, shown to everyone)');
    $('#mint-reason').required = voting;
    ['#mint-form', '#cancel-form', '#release-form'].forEach(function (f) {
      var els = document.querySelectorAll(f + ' input, ' + f + ' button, ' + f + ' select');
      for (var i = 0; i < els.length; i++) els[i].disabled = closed;
    });
    drawIf($('#issuances'), JSON.stringify(e.issuances), function () { YZ.fill($('#issuances'), D.issuanceList(s, 'issuance-list')); });
    drawIf($('#cancellations'), JSON.stringify(e.cancellations), function () {
      YZ.fill($('#cancellations'), e.cancellations.length ? [h('h4', null, tr('已作废的卡', 'Cancelled cards')), D.cancellationList(s, 'cancellation-list')] : null);
    });
    drawIf($('#desk-cards-box'), JSON.stringify(e.desk), function () {
      YZ.fill($('#desk-cards-box'), D.deskTable(s, { id: 'desk-cards' }));
      var sel = $('#release-serial'), keep = sel.value, claimed = e.desk.filter(function (d) { return d.claim; });
      YZ.fill(sel, claimed.length ? claimed.map(function (d) { return h('option', { value: d.serial }, YZ.deskName(d) + '（' + d.serial + '）'); })
        : h('option', { value: '' }, tr('没有已认领的卡', 'No card is claimed')));
      if (keep && claimed.some(function (d) { return d.serial === keep; })) sel.value = keep;
      $('#release-form button[type="submit"]').disabled = closed || !claimed.length;
    });
  }

  // ------------------------------------------------------------ exclusions and costs

  function renderScreening() {
    var s = app.snap, frozen = phaseAt('voting');
    var note = $('#screening-frozen');
    note.hidden = !frozen;
    note.textContent = frozen ? tr('投票已经开始：从投票开始起，排除和造价就固定了，不能再确认或撤销排除，也不能更改造价（会议规则）。以下是固定下来的结果。',
      'The vote has opened: from then on exclusions and costs are fixed; nothing can be excluded, lifted or re-costed (the meeting\'s rules). Below is what was fixed.') : '';
    drawIf($('#exclusions'), JSON.stringify([s.annotations, s.exclusions, frozen]), function () { drawExclusions(s, frozen); });
    drawIf($('#costs'), JSON.stringify([s.annotations, s.adopted_costs, s.proposals.map(function (p) { return p.cost; }), frozen]), function () { drawCosts(s, frozen); });
  }

  function safeId(id) { return String(id).replace(/[^A-Za-z0-9_-]/g, '_'); }

  function drawExclusions(s, frozen) {
    var ann = YZ.annotationMap(s), done = YZ.exclusionMap(s), pm = YZ.proposalMap(s);
    var ids = [];
    s.proposals.forEach(function (p) {
      var a = ann[p.id];
      if ((a && a.feasibility === 'excluded') || done[p.id]) ids.push(p.id);
    });
    if (!ids.length) { YZ.fill($('#exclusions'), h('p', { class: 'muted', id: 'no-exclusions' }, tr('没有技术顾问建议排除的项目。', 'No adviser recommends excluding a proposal.'))); return; }
    YZ.fill($('#exclusions'), h('ul', { class: 'rows', id: 'exclusion-list' }, ids.map(function (id) {
      var a = ann[id], rec = a && a.feasibility === 'excluded' ? a : null, x = done[id], p = pm[id];
      var lift = 'lift-reason-' + safeId(id);
      return h('li', { 'data-proposal': id, 'data-state': x ? 'confirmed' : 'recommended' },
        h('div', { class: 'grow' },
          h('strong', null, h('span', { class: 'mono' }, id), ' ', p ? p.title : ''),
          rec ? h('div', null, tr('技术顾问建议依据第 ' + rec.exclusion_rule + ' 条排除（' + YZ.exclusionRule(rec.exclusion_rule) + '）',
            'An adviser recommends excluding it under rule ' + rec.exclusion_rule + ' (' + YZ.exclusionRule(rec.exclusion_rule) + ')'),
            rec.reason ? tr('：' + rec.reason, ': ' + rec.reason) : '', rec.by_table ? h('span', { class: 'muted' }, tr('（第' + rec.by_table + '桌顾问）', ' (table ' + rec.by_table + '\'s adviser)')) : null)
            : h('div', { class: 'muted' }, tr('技术顾问已不再建议排除。', 'No adviser recommends it any more.')),
          x ? h('div', null, h('span', { class: 'chip bad' }, tr('已确认排除：第 ' + x.rule + ' 条', 'Excluded: rule ' + x.rule)), ' ',
            tr(YZ.desk.time(x.at_ms) + ' 确认' + (x.reason ? '：' + x.reason : ''), 'confirmed ' + YZ.desk.time(x.at_ms) + (x.reason ? ': ' + x.reason : ''))) : null,
          frozen ? null : x
            ? h('form', { class: 'inline-form', 'data-lift': id, novalidate: true, onsubmit: function (e) { e.preventDefault(); liftExclusion(id, $('#' + lift).value.trim()); } },
              h('div', { class: 'grow' }, h('label', { for: lift }, tr('撤销排除的原因（公开）', 'Why lift it (public)')), h('input', { id: lift, class: 'wide', maxlength: 200, required: true })),
              h('button', { type: 'submit', 'data-action': 'lift' }, tr('撤销排除', 'Lift the exclusion'), h('span', { class: 'visually-hidden' }, ' ' + id)))
            : h('div', { class: 'row-buttons' }, h('button', { type: 'button', class: 'primary danger', 'data-action': 'confirm', onclick: function () { confirmExclusion(id, rec); } },
              tr('确认依据第 ' + rec.exclusion_rule + ' 条排除', 'Confirm the exclusion (rule ' + rec.exclusion_rule + ')'), h('span', { class: 'visually-hidden' }, ' ' + id)))));
    })));
  }

  function confirmExclusion(id, rec) {
    var p = YZ.proposalMap(app.snap)[id];
    YZ.confirm({
      title: tr('确认排除 ' + id + '？', 'Exclude ' + id + '?'),
      body: [h('p', null, tr('依据第 ' + rec.exclusion_rule + ' 条“' + YZ.exclusionRule(rec.exclusion_rule) + '”排除“' + (p ? p.title : id) + '”。',
        'Exclude “' + (p ? p.title : id) + '” under rule ' + rec.exclusion_rule + ', “' + YZ.exclusionRule(rec.exclusion_rule) + '”.')),
        h('p', null, tr('排除后，手机上不能再选它，它也不会获得资助；确认记入日志，并在投影上公开。投票开始前可以撤销，投票开始后不能再改。',
          'Once excluded, no phone can choose it and it is never funded; the confirmation is logged and shown on the projector. It can be lifted until the vote opens, not afterwards.'))],
      confirm: tr('确认排除', 'Exclude'), danger: true
    }).then(function (yes) {
      if (!yes) return;
      send({ kind: 'confirm_exclusion', proposal: id, rule: rec.exclusion_rule, reason: '' }, tr('已确认排除 ' + id, id + ' is excluded'));
    });
  }

  function liftExclusion(id, reason) {
    if (!reason) { say('error', tr('请写明撤销排除的原因（会公开显示）。', 'Say why the exclusion is lifted (it is shown to everyone).')); return; }
    send({ kind: 'lift_exclusion', proposal: id, reason: reason }, tr('已撤销排除 ' + id, 'The exclusion of ' + id + ' is lifted'));
  }

  function drawCosts(s, frozen) {
    var ann = YZ.annotationMap(s), adopted = {};
    (s.adopted_costs || []).forEach(function (c) { adopted[c.proposal] = c; });
    var rows = s.proposals.filter(function (p) { return (ann[p.id] && ann[p.id].cost_estimate !== null && ann[p.id].cost_estimate !== undefined) || adopted[p.id]; });
    if (!rows.length) { YZ.fill($('#costs'), h('p', { class: 'muted', id: 'no-estimates' }, tr('技术顾问还没有给出估算：计票使用项目清单的造价。', 'No adviser has estimated a cost: the count uses the list\'s costs.'))); return; }
    var cur = currency();
    YZ.fill($('#costs'), h('table', { class: 'ranking', id: 'cost-table' },
      h('caption', { class: 'visually-hidden' }, tr('造价', 'Costs')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, tr('项目', 'Proposal')), h('th', { scope: 'col' }, tr('清单造价', 'List cost')),
        h('th', { scope: 'col' }, tr('顾问估算（仅供参考）', 'Adviser\'s estimate (a remark)')), h('th', { scope: 'col' }, tr('计票用', 'Used by the count')),
        frozen ? null : h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, tr('操作', 'Actions'))))),
      h('tbody', null, rows.map(function (p) {
        var a = ann[p.id], est = a ? a.cost_estimate : null, ad = adopted[p.id], list = ad ? ad.list_cost : p.cost;
        var useAdviser = !!ad;
        return h('tr', { 'data-proposal': p.id, 'data-source': useAdviser ? 'adviser' : 'list' },
          h('th', { scope: 'row' }, h('span', { class: 'mono' }, p.id), ' ', p.title),
          h('td', null, YZ.money(list, cur)),
          h('td', null, est === null || est === undefined ? '—' : YZ.money(est, cur)),
          h('td', null, h('strong', { 'data-cost': p.cost }, YZ.money(p.cost, cur)), ' ',
            h('span', { class: 'chip ' + (useAdviser ? 'warn' : '') }, useAdviser ? tr('采用顾问估算', 'adviser\'s') : tr('清单造价', 'the list\'s'))),
          frozen ? null : h('td', { class: 'actions' },
            est !== null && est !== undefined && est !== p.cost ? h('button', { type: 'button', class: 'small', 'data-action': 'adopt', onclick: function () {
              send({ kind: 'set_cost', proposal: p.id, source: 'adviser' }, tr(p.id + ' 采用顾问估算 ', p.id + ' uses the adviser\'s estimate, ') + YZ.money(est, cur));
            } }, tr('采用估算', 'adopt'), h('span', { class: 'visually-hidden' }, ' ' + p.id)) : null, ' ',
            useAdviser ? h('button', { type: 'button', class: 'small', 'data-action': 'list', onclick: function () {
              send({ kind: 'set_cost', proposal: p.id, source: 'list' }, tr(p.id + ' 改用清单造价', p.id + ' uses the list cost'));
            } }, tr('用清单造价', 'use the list cost'), h('span', { class: 'visually-hidden' }, ' ' + p.id)) : null));
      }))));
  }

  function openSheet(title, r) {
    if (!r.ok) { say('error', apiError(r)); return; }
    app.sheet = { title: title, data: r.body };
    renderTabs();
    renderSheet();
    window.scrollTo(0, 0);
    $('#sheet-print').focus();
  }

  function cardNode(c, d) {
    var kind = CARD_KINDS[c.kind] || [c.kind, c.kind];
    var src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(c.qr);
    var voter = c.kind === 'voter', screen = c.kind === 'screen';
    // Cards are printed in Chinese (the residents' language) with English beside it.
    return h('div', { class: 'yz-card', 'data-kind': c.kind, 'data-serial': c.serial },
      h('div', { class: 'card-top' },
        h('div', { class: 'qr' }, h('img', { src: src, alt: (voter ? '投票二维码 ' : '二维码 ') + c.serial, 'data-link': c.link })),
        h('div', { class: 'card-text' },
          h('div', { class: 'card-kind' }, (c.table_name ? c.table_name + ' · ' : '') + kind[0]),
          h('div', { class: 'card-kind-en' }, (c.table ? 'Table ' + c.table + ' · ' : '') + kind[1]),
          h('div', { class: 'card-meeting' }, d.meeting.name),
          h('div', { class: 'card-code' }, c.code),
          h('div', { class: 'card-serial' }, c.serial))),
      h('div', { class: 'card-help' },
        voter ? h('div', null, h('strong', null, '扫码投票，每人最多选 ' + d.max_choices + ' 项。一卡一票，请勿转借。'))
          : screen ? h('div', null, h('strong', null, '用放在桌子中间的平板或手机扫码：显示本桌的发言人、倒计时和发言时间（只读）。'))
          : h('div', null, h('strong', null, '扫码进入工作页面。工作人员专用，请保密。')),
        h('div', null, voter ? 'Scan to vote (at most ' + d.max_choices + ' choices). One card, one ballot.'
          : screen ? 'Scan with the tablet or phone in the middle of the table: its speaker, countdown and talk time (read-only).'
          : 'Scan to open your page. Staff only: keep it secret.'),
        h('div', null, '无法扫码时打开 / or open ', h('span', { class: 'mono' }, d.base_url), ' 输入代码 / and enter the code')));
  }

  function renderSheet() {
    var sh = app.sheet, d = sh.data;
    $('#sheet-h').textContent = sh.title + tr('（' + d.cards.length + ' 张）', ' (' + d.cards.length + ' cards)');
    // Six cards (2 × 3) fill an A4 page; each page is its own block so that printing breaks between them.
    var pages = [];
    d.cards.forEach(function (c, i) {
      if (i % CARDS_PER_PAGE === 0) pages.push(h('div', { class: 'sheet-page' }));
      pages[pages.length - 1].appendChild(cardNode(c, d));
    });
    YZ.fill($('#sheet'), pages);
  }

  function closeSheet() {
    app.sheet = null;
    YZ.fill($('#sheet'));
    renderTabs();
    renderView();
  }

  function wireCards() {
    $('#mint-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var n = parseInt($('#mint-count').value, 10), reason = $('#mint-reason').value.trim(), late = phaseAt('voting');
      if (!(n >= 1 && n <= 500)) { say('error', tr('一次可生成 1–500 张。', 'Mint 1 to 500 at a time.')); return; }
      if (late && !reason) {
        say('error', tr('投票已经开始：追加发卡必须写明原因，原因会在投影、公示板和监票页上公开。', 'The vote is open: say why these cards are added; the reason is shown on the projector, the public board and the scrutineers\' page.'));
        $('#mint-reason').focus();
        return;
      }
      YZ.confirm({
        title: tr('生成 ' + n + ' 张新投票卡？', 'Mint ' + n + ' new voter cards?'),
        body: [h('p', null, tr('每张卡可以投一票，生成后立即生效；发卡记入日志（张数、卡号、原因）。遗失的卡可以作废（公开记录）。请只打印需要的数量，并妥善保管。',
          'Each card casts one ballot and works at once; the issue is logged (how many, which serials, why). A lost card can be cancelled (publicly). Mint only what you will hand out, and keep them safe.')),
          late ? h('p', null, h('strong', null, tr('投票期间追加：全场都会看到“' + YZ.desk.time(session.now()) + ' 追加发卡 ' + n + ' 张：' + reason + '”。',
            'During the vote: the room will see “' + YZ.desk.time(session.now()) + ' ' + n + ' cards added: ' + reason + '”.'))) : null],
        confirm: tr('生成', 'Mint')
      }).then(function (yes) {
        if (!yes) return;
        api('POST', '/api/admin/voters', { count: n, reason: reason }).then(function (r) {
          if (!r.ok) { say('error', tr('没有发卡：', 'No cards were issued: ') + mintError(r)); return; }
          $('#mint-reason').value = '';
          openSheet(tr('新投票卡', 'New voter cards'), r);
        });
      });
    });
    $('#cancel-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var serial = $('#cancel-serial').value.trim(), reason = $('#cancel-reason').value.trim();
      if (!serial) { say('error', tr('请输入要作废的卡号（如 V0042）。', 'Type the card\'s number (e.g. V0042).')); $('#cancel-serial').focus(); return; }
      if (!reason) { say('error', tr('请写明作废的原因（会公开显示）。', 'Say why the card is cancelled (it is shown to everyone).')); $('#cancel-reason').focus(); return; }
      YZ.confirm({
        title: tr('作废投票卡 ' + serial + '？', 'Cancel voter card ' + serial + '?'),
        body: h('p', null, tr('作废后这张卡不能再投票，不能恢复。作废和原因“' + reason + '”记入日志并公开显示。',
          'The card can no longer vote, and this cannot be undone. The cancellation and its reason, “' + reason + '”, are logged and shown to everyone.')),
        confirm: tr('作废', 'Cancel the card'), cancel: tr('返回', 'Back'), danger: true
      }).then(function (yes) {
        if (!yes) return;
        send({ kind: 'cancel_card', serial: serial, reason: reason }).then(function (m) {
          if (m.type !== 'ack') return;
          say('ok', tr('已作废 ', 'Cancelled ') + YZ.desk.cardSerial(serial));
          $('#cancel-serial').value = ''; $('#cancel-reason').value = '';
        });
      });
    });
    $('#release-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var serial = $('#release-serial').value, reason = $('#release-reason').value.trim();
      if (!serial) return;
      if (!reason) { say('error', tr('请写明解除认领的原因（会公开显示）。', 'Say why the claim is released (it is shown to everyone).')); $('#release-reason').focus(); return; }
      var name = YZ.desk.claim.serialName(serial);
      YZ.confirm({
        title: tr('解除“' + name + '”的认领？', 'Release the claim of ' + name + '?'),
        body: h('p', null, tr('解除后，这张卡可以在一台新设备上用新密码重新认领。解除和原因记入日志，并在投影和监票页公开显示。',
          'The card can then be claimed again on a new device with a new PIN. The release and its reason are logged and shown on the projector and to the scrutineers.')),
        confirm: tr('解除认领', 'Release'), danger: true
      }).then(function (yes) {
        if (!yes) return;
        send({ kind: 'release_claim', serial: serial, reason: reason }, tr('已解除“' + name + '”的认领', 'Released the claim of ' + name)).then(function (m) {
          if (m.type === 'ack') $('#release-reason').value = '';
        });
      });
    });
    $('#range-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var a = parseInt($('#range-from').value, 10), b = parseInt($('#range-to').value, 10);
      if (!(a >= 1 && b >= a)) { say('error', tr('请填写有效的卡号范围。', 'Enter a valid range of card numbers.')); return; }
      api('GET', '/api/admin/cards/voters?from=' + a + '&to=' + b).then(function (r) { openSheet(tr('投票卡 ', 'Voter cards ') + a + '–' + b, r); });
    });
    $('#table-cards').addEventListener('click', function () {
      api('GET', '/api/admin/cards/tables').then(function (r) { openSheet(tr('桌卡与工作人员卡', 'Table and staff cards'), r); });
    });
    $('#sheet-print').addEventListener('click', function () { window.print(); });
    $('#sheet-close').addEventListener('click', closeSheet);
  }

  // ------------------------------------------------------------ exports

  function download(path, name) {
    api('GET', path).then(function (r) {
      if (!r.ok) { say('error', apiError(r)); return; }
      var blob = new Blob([r.body], { type: r.type || 'application/octet-stream' });
      var url = URL.createObjectURL(blob);
      var a = h('a', { href: url, download: name, class: 'visually-hidden' }, name);
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(url); if (a.parentNode) a.parentNode.removeChild(a); }, 1000);
      say('ok', tr('已下载 ', 'Downloaded ') + name);
    });
  }

  /**
   * A document from the organiser endpoints as a file (binary-safe: the
   * workbook), or printed from a hidden frame (the notice, the letters: the
   * browser's print dialog, where A4 and the printer are chosen).
   */
  function fetchDocument(path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + app.secret }, cache: 'no-store' }).then(function (r) {
      if (r.ok) return r.blob().then(function (blob) { return { ok: true, blob: blob }; });
      return r.text().then(function (text) {
        var b = null;
        try { b = JSON.parse(text); } catch (e) { b = null; }
        return { ok: false, status: r.status, body: b };
      });
    }, function () {
      return { ok: false, status: 0, body: { zh: '无法连接会场服务器', en: 'Cannot reach the hub' } };
    });
  }
  function downloadDocument(path, name) {
    fetchDocument(path).then(function (r) {
      if (!r.ok) { say('error', apiError(r)); return; }
      var url = URL.createObjectURL(r.blob);
      var a = h('a', { href: url, download: name, class: 'visually-hidden' }, name);
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(url); if (a.parentNode) a.parentNode.removeChild(a); }, 1000);
      say('ok', tr('已下载 ', 'Downloaded ') + name);
    });
  }
  function printDocument(path) {
    fetchDocument(path).then(function (r) {
      if (!r.ok) { say('error', apiError(r)); return; }
      var old = $('#print-frame');
      if (old) old.parentNode.removeChild(old);
      var reader = new FileReader();
      reader.onload = function () {
        var frame = h('iframe', { id: 'print-frame', title: tr('打印', 'Print'), class: 'visually-hidden' });
        frame.addEventListener('load', function () {
          try { frame.contentWindow.focus(); frame.contentWindow.print(); } catch (e) { say('error', tr('无法打开打印：', 'Cannot print: ') + e); }
        });
        frame.srcdoc = String(reader.result);
        document.body.appendChild(frame);
        say('ok', tr('已打开打印（纸张请选 A4）', 'Printing (choose A4 paper)'));
      };
      reader.readAsText(r.blob);
    });
  }

  // ------------------------------------------------------------ connection

  function renderAll() {
    renderHeader();
    renderTabs();
    renderView();
  }

  function signIn(error) {
    if (session) { session.stop(); session = null; }
    if (presenceTimer) { clearInterval(presenceTimer); presenceTimer = null; }
    app.secret = null; app.snap = null; app.you = null; app.sheet = null;
    YZ.forgetToken(PAGE);
    $('#signin').hidden = false;
    renderAll();
    if (error) say('error', error);
    $('#secret').focus();
  }

  function start(secret) {
    app.secret = secret;
    $('#signin').hidden = true;
    session = new YZ.Session({
      token: secret,
      client: 'admin-page/1',
      onStatus: function (state, detail) {
        app.status = state; app.statusDetail = detail;
        if (state === 'refused') { signIn(tr('组织者密码不正确：', 'Not the organiser\'s secret: ') + YZ.errorText(detail)); return; }
        renderHeader();
      },
      onWelcome: function (you, snap) {
        if (you.role !== 'organiser') {
          signIn(tr('这是“' + you.label + '”的代码，不是组织者密码。', 'That code is for “' + you.label + '”, not the organiser\'s secret.'));
          return;
        }
        app.you = you;
        if (!YZ.storage.get('yz.lang')) YZ.initLang(snap.meeting.language);
      },
      onChange: function (snap, u) {
        if (!app.you) return;
        var first = !app.snap;
        app.snap = snap;
        if (first || !u) { renderAll(); if (first) fetchPresence(); return; }
        renderHeader();
        renderView();
      },
      onNotice: function (m) { say('error', YZ.errorText(m)); }
    }).start();
    presenceTimer = setInterval(fetchPresence, PRESENCE_EVERY_MS);
  }

  function init() {
    YZ.initLang();
    YZ.langToggle();
    YZ.onLang(function () { renderAll(); });
    document.addEventListener('visibilitychange', function () { if (!document.hidden) fetchPresence(); });
    var t = YZ.tabStorage.get('yz.admin.tab');
    if (TABS[t]) app.tab = t;
    wireCards();
    $('#export-json').addEventListener('click', function () { download('/api/admin/export.json', 'yuanzhuo-export.json'); });
    // As bytes (the byte order mark Chinese Excel needs stays), named in Chinese.
    $('#export-csv').addEventListener('click', function () { downloadDocument('/api/admin/export.csv', '圆桌-结果排名.csv'); });
    $('#export-xlsx').addEventListener('click', function () { downloadDocument('/api/admin/export.xlsx', 'yuanzhuo-results.xlsx'); });
    $('#export-pb').addEventListener('click', function () { downloadDocument('/api/admin/export.pb', 'yuanzhuo.pb'); });
    $('#export-notice').addEventListener('click', function () { downloadDocument('/api/admin/notice.html', 'yuanzhuo-notice.html'); });
    $('#export-letters').addEventListener('click', function () { downloadDocument('/api/admin/letters.html', 'yuanzhuo-letters.html'); });
    $('#print-notice').addEventListener('click', function () { printDocument('/api/admin/notice.html'); });
    $('#print-letters').addEventListener('click', function () { printDocument('/api/admin/letters.html'); });
    function hallQuery(ballots) {
      var q = [];
      if (ballots) {
        q.push('from=' + encodeURIComponent($('#hall-from').value.trim()));
        q.push('to=' + encodeURIComponent($('#hall-to').value.trim()));
      } else if ($('#hall-table').value.trim() !== '') {
        q.push('table=' + encodeURIComponent($('#hall-table').value.trim()));
      }
      return q.length ? '?' + q.join('&') : '';
    }
    $('#print-ballots').addEventListener('click', function () { printDocument('/api/admin/print/ballots.html' + hallQuery(true)); });
    $('#print-posters').addEventListener('click', function () { printDocument('/api/admin/print/posters.html'); });
    $('#print-handouts').addEventListener('click', function () { printDocument('/api/admin/print/handouts.html' + hallQuery(false)); });
    $('#print-minutes').addEventListener('click', function () { printDocument('/api/admin/print/minutes.html' + hallQuery(false)); });
    $('#print-record').addEventListener('click', function () { printDocument('/api/admin/print/record.html'); });
    $('#export-contacts').addEventListener('click', function () { downloadDocument('/api/admin/contacts.csv', '联系名单（内部，勿公开）.csv'); });
    $('#signout').addEventListener('click', function () {
      YZ.confirm({ title: tr('退出控制台？', 'Sign out?'), body: h('p', null, tr('需要重新输入组织者密码才能再进入。会议照常进行。', 'You will need the organiser\'s secret to come back. The meeting goes on.')), confirm: tr('退出', 'Sign out') })
        .then(function (yes) { if (yes) signIn(); });
    });
    $('#signin-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var secret = $('#secret').value.toUpperCase().replace(/[\s-]/g, '');
      $('#secret').value = '';
      if (!secret) return;
      YZ.keepToken(PAGE, secret, TAB_STORE);
      start(secret);
    });
    app.autoNext = YZ.tabStorage.get('yz.admin.autonext') === '1';
    setInterval(tick, 500);
    var secret = YZ.takeToken(PAGE, TAB_STORE);
    if (secret) start(secret); else signIn();
  }

  init();
})();
