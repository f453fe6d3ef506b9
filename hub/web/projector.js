/* projector.js — the room's big screen at /projector. One scene per phase
 * (welcome and rules, table discussion, pitches, live tally, results),
 * switched live by the hub. Read-only: it connects with the projector token
 * from its join link, else as `public`.
 *
 * Drawing is a function of the snapshot: each scene builds a plain model
 * from it (YZ.views) and redraws only when that model changes; the tally is
 * drawn in place (one element per proposal) at most once per frame, so
 * thousands of ballots a second cost one redraw per frame. Countdowns tick
 * on their own from the hub's clock.
 */
(function () {
  'use strict';
  var YZ = window.YZ, V = YZ.views, h = YZ.h;

  var info = { base_url: location.protocol + '//' + location.host, public: true };
  var snapshot = null;
  var drawn = { scene: '', key: '' };
  var tallyEls = {};
  var token = YZ.takeToken('projector');
  var session = null;

  // ------------------------------------------------------------ scenes (model)

  function sceneOf(s) {
    switch (s.phase) {
      case 'setup': return 'setup';
      case 'check_in': return 'welcome';
      case 'discussion': case 'picks': return 'tables';
      case 'pitches': return 'pitch';
      case 'voting': return 'voting';
      default: return 'results';
    }
  }

  /** What a scene shows, as plain data; a scene redraws only when this changes. */
  function model(scene, s) {
    var m = { lang: YZ.lang(), phase: s.phase, meeting: s.meeting };
    switch (scene) {
      case 'setup': case 'welcome':
        m.rules = V.rules(s); m.fingerprint = s.fingerprint; m.join = info.base_url; m.electorate = V.electorate(s); break;
      case 'tables':
        m.timer = s.timer ? s.timer.label : null;
        m.tables = s.tables.map(function (t) { return V.table(s, t); }); break;
      case 'pitch':
        m.timer = s.timer ? s.timer.label : null; m.pitch = V.pitch(s); m.currency = s.rules.budget.currency; break;
      case 'voting':
        m.hidden = !s.tally; m.max = s.rules.max_choices; m.timer = s.timer ? s.timer.label : null;
        m.excluded = (s.exclusions || []).map(function (x) { return x.proposal; }); break;
      case 'results':
        m.results = V.results(s); m.how = V.tieHow(s); m.board = info.base_url.replace(/\/+$/, '') + '/board'; break;
    }
    return m;
  }

  // ------------------------------------------------------------ drawing

  function draw() {
    if (!snapshot) return;
    var s = snapshot;
    document.title = s.meeting.name + ' · ' + YZ.tr('投影', 'Projector');
    YZ.fill(YZ.$('#meeting-name'), s.meeting.name);
    YZ.fill(YZ.$('#phase'), YZ.phaseName(s.phase));
    drawFooter(s);
    var scene = sceneOf(s);
    var m = model(scene, s);
    var key = JSON.stringify(m);
    var el = YZ.$('#scene');
    if (scene !== drawn.scene || key !== drawn.key) {
      el.setAttribute('data-scene', scene);
      tallyEls = {};
      YZ.fill(el, SCENES[scene](m, s));
      drawn = { scene: scene, key: key };
    }
    if (scene === 'voting' && s.tally) drawTally(s);
    var line = YZ.$('#count-line');
    if (line) YZ.fill(line, YZ.countLine(s));
    var voids = YZ.$('#void-reasons');
    if (voids) YZ.fill(voids, YZ.voidLine(s));
    drawAnnouncements(s, scene);
    layout();
    tick();
  }

  function drawFooter(s) {
    YZ.fill(YZ.$('#foot-join'), YZ.tr('手机关注：', 'Follow on your phone: '), h('b', { class: 'mono' }, info.base_url));
    YZ.fill(YZ.$('#foot-fingerprint'), s.fingerprint
      ? [YZ.tr('规则指纹 ', 'Rules fingerprint '), h('b', { class: 'mono', id: 'fingerprint' }, s.fingerprint)]
      : YZ.tr('规则开会时锁定', 'Rules lock when the meeting opens'));
    var e = V.electorate(s);
    YZ.fill(YZ.$('#foot-electorate'), e.fingerprint
      ? [YZ.tr('选民指纹 ', 'Electorate fingerprint '), h('b', { class: 'mono', id: 'electorate-fingerprint' }, e.fingerprint),
        YZ.tr('（投票卡 ' + e.issued + ' 张）', ' (' + e.issued + ' cards)')]
      : YZ.tr('尚未发出投票卡', 'No voter cards issued yet'));
    // The head's first 16 digits: enough to compare with a photograph; the results show it whole.
    YZ.fill(YZ.$('#foot-head'), YZ.tr('日志 #', 'Log #') + s.seq + ' ',
      h('span', { class: 'mono', id: 'log-head', 'data-head': s.log_head }, YZ.groupHex(s.log_head, 16) + '…'));
  }

  function timerBlock(label) {
    return h('div', { class: 'bigclock' },
      h('p', { class: 'clock-label' }, YZ.timerLabel(label), YZ.tr(' · 剩余', ' · left'), ' ', h('span', { class: 'paused-mark', 'data-paused': '' })),
      h('p', { class: 'clock mono', 'data-timer': '' }, ''));
  }

  var SCENES = {
    setup: function (m) { return welcome(m, true); },
    welcome: function (m) { return welcome(m, false); },

    tables: function (m) {
      var n = m.tables.length, cols = n <= 3 ? n : n <= 6 ? 3 : n <= 12 ? 4 : n <= 20 ? 5 : 6;
      // Beyond six tables a card has room for three lines at 1rem: name, state, the picks' numbers.
      var compact = n > 6;
      return h('section', { class: 'tables-scene', 'aria-labelledby': 'scene-title' },
        h('div', { class: 'scene-head' },
          h('h2', { id: 'scene-title' }, m.phase === 'picks' ? YZ.tr('各桌推选', 'Tables choose their picks') : YZ.tr('分桌讨论', 'Table discussion')),
          m.timer ? timerBlock(m.timer) : null),
        h('ul', { class: 'tablegrid cols-' + cols + (compact ? ' compact' : ''), style: 'grid-template-columns: repeat(' + cols + ', minmax(0, 1fr))' },
          m.tables.map(function (t) {
            return h('li', { class: 'tcard state-' + t.state, 'data-table': t.table },
              h('h3', null, t.name),
              h('p', { class: 'tstate' }, t.state === 'locked' ? '✓ ' : '', t.text),
              // One line: the table's balance (how many seats have spoken) and who speaks now.
              t.seats || t.speaking ? h('p', { class: 'tspeaking' },
                t.seats ? h('span', { class: 'tbalance', 'data-spoken': t.spoken, 'data-seats': t.seats },
                  YZ.tr('已发言 ' + t.spoken + '/' + t.seats + ' 位', 'Spoke ' + t.spoken + '/' + t.seats)) : null,
                t.seats && t.speaking ? ' · ' : null,
                t.speaking ? YZ.tr('正在发言：', 'Speaking: ') + YZ.seatName(t.speaking) : null) : null,
              !t.picks.length ? null : compact
                ? h('p', { class: 'tpickids mono' }, t.picks.map(function (p) { return p.id; }).join(' '))
                : h('ol', { class: 'tpicks' }, t.picks.map(function (p) {
                  return h('li', null, h('span', { class: 'mono pid' }, p.id), ' ', p.title);
                })));
          })));
    },

    pitch: function (m) {
      var p = m.pitch;
      if (!p) return h('section', { class: 'pitch-scene empty' }, h('h2', null, YZ.tr('等待各桌上台推介', 'Waiting for the first pitch')));
      return h('section', { class: 'pitch-scene', 'aria-labelledby': 'scene-title' },
        h('div', { class: 'scene-head' },
          h('h2', { id: 'scene-title' }, h('span', { class: 'onstage' }, p.name), ' ', YZ.tr('上台推介', 'is pitching')),
          m.timer ? timerBlock(m.timer) : null),
        h('ul', { class: 'pcards' }, p.picks.map(function (c) {
          return h('li', { class: 'pcard feas-' + (c.feasibility || 'none'), 'data-id': c.id },
            h('p', { class: 'pid mono' }, c.id),
            h('h3', { class: 'ptitle' }, c.title),
            c.location ? h('p', { class: 'ploc' }, h('span', { class: 'k' }, YZ.tr('地点', 'Where')), ' ', c.location) : null,
            h('p', { class: 'pcost' }, h('span', { class: 'k' }, YZ.tr('造价', 'Cost')), ' ', h('b', { 'data-cost': c.cost }, c.costText)),
            c.costRemark ? h('p', { class: 'pcostnote' }, c.costRemark) : null,
            c.excluded ? h('p', { class: 'pexcl' }, c.excluded) : null,
            c.description ? h('p', { class: 'pdesc' }, c.description) : null,
            c.adviser ? h('p', { class: 'padv' }, c.adviser) : null,
            c.remark ? h('blockquote', { class: 'premark' }, c.remark) : null);
        })),
        h('p', { class: 'pnext' },
          p.next ? [h('span', { class: 'k' }, YZ.tr('下一桌', 'Next')), ' ', h('b', null, p.next)] : YZ.tr('这是最后一桌', 'This is the last table'),
          p.done.length ? [' · ', h('span', { class: 'k' }, YZ.tr('已推介', 'Done')), ' ', p.done.join('、')] : null));
    },

    voting: function (m) {
      var head = h('div', { class: 'scene-head vhead' },
        h('div', null,
          h('h2', { id: 'scene-title' }, YZ.tr('投票进行中', 'Voting is open')),
          h('p', { class: 'vrule' }, YZ.tr('每人最多选 ' + m.max + ' 项', 'Choose at most ' + m.max), m.hidden ? null : [' · ', h('span', { class: 'star' }, '★'), YZ.tr(' 各桌推选', ' a table\'s pick')])),
        h('p', { class: 'vturnout', id: 'count-line' }),
        m.timer ? timerBlock(m.timer) : null);
      if (m.hidden) {
        return h('section', { class: 'vote-scene hidden-tally', 'aria-labelledby': 'scene-title' }, head,
          h('div', { class: 'hidden-note' },
            h('p', null, YZ.tr('按会议规则，各项目票数在投票结束后公布。', 'By the meeting\'s rules the count per proposal is shown when the vote closes.')),
            h('p', { class: 'muted' }, YZ.tr('现在只显示选票张数。', 'Until then only the number of ballots is shown.'))),
          paperLine(m));
      }
      return h('section', { class: 'vote-scene', 'aria-labelledby': 'scene-title' }, head,
        h('div', { class: 'chart' }, h('ol', { class: 'tally', id: 'tally', 'aria-label': YZ.tr('实时计票', 'Live tally') })),
        h('p', { class: 'pager-line', id: 'tally-pages', hidden: '' }),
        paperLine(m));
    },

    results: function (m) {
      var r = m.results;
      if (!r) return h('section', { class: 'results-scene' }, h('h2', null, YZ.tr('正在计票…', 'Counting…')));
      var funded = r.rows.filter(function (x) { return x.funded; });
      var rest = r.rows.filter(function (x) { return !x.funded; });
      var money = function (n) { return YZ.money(n, r.currency); };
      var votes = function (n) { return h('span', { class: 'votes' }, h('b', null, n), YZ.tr('票', n === 1 ? ' vote' : ' votes')); };
      var rank = function (row) { return h('span', { class: 'rank' }, row.rankText); };
      return h('section', { class: 'results-scene', 'aria-labelledby': 'scene-title' },
        h('div', { class: 'rmain' },
          h('h2', { id: 'scene-title' }, r.final ? YZ.tr('结果公示', 'Published results') : YZ.tr('计票结果（待公示）', 'The count (to be published)')),
          r.equal ? h('p', { class: 'es-how', id: 'equal-shares' }, r.equal.text) : null,
          h('h3', { class: 'rhead ok' }, YZ.tr('获得资助（按排名）', 'Funded, in ranking order'), ' ', h('span', { class: 'pageno', 'data-pages-for': 'rfunded' })),
          funded.length ? h('ol', { class: 'rfunded', id: 'rfunded' }, funded.map(function (row) {
            return h('li', { 'data-id': row.id, 'data-votes': row.votes, 'data-funded': '1', 'data-running': row.running },
              rank(row),
              h('span', { class: 'rtitle' }, h('span', { class: 'mono pid' }, row.id), ' ', row.title),
              votes(row.votes),
              row.how ? h('span', { class: 'how how-' + row.how }, row.how === 'share' ? YZ.tr('份额', 'shares') : YZ.tr('补足', 'completion')) : null,
              h('span', { class: 'cost' }, money(row.cost)),
              h('span', { class: 'running' }, YZ.tr('累计 ', 'total ') + money(row.running)));
          })) : h('p', { class: 'rnone' }, YZ.tr('没有项目获得资助。', 'No proposal is funded.')),
          h('p', { class: 'budget-line', role: 'separator' },
            h('span', null, YZ.tr('预算线 ', 'Budget line ') + money(r.budget) + YZ.tr('：已用 ', ': used ') + money(r.total))),
          rest.length ? h('h3', { class: 'rhead' }, YZ.tr('未获资助及原因', 'Not funded, and why'), ' ', h('span', { class: 'pageno', 'data-pages-for': 'rrest' })) : null,
          rest.length ? h('ol', { class: 'rrest', id: 'rrest' }, rest.map(function (row) {
            return h('li', { 'data-id': row.id, 'data-votes': row.votes, 'data-funded': '0', 'data-reason': row.reasonCode },
              rank(row),
              h('span', { class: 'rtitle' }, h('span', { class: 'mono pid' }, row.id), ' ', row.title),
              votes(row.votes),
              h('span', { class: 'why' }, whyNot(row, r, money)));
          })) : null),
        h('aside', { class: 'rside', 'aria-label': YZ.tr('预算与核对', 'Budget and checks') },
          h('dl', { class: 'rsum' },
            h('dt', null, YZ.tr('预算', 'Budget')), h('dd', null, money(r.budget)),
            h('dt', null, YZ.tr('资助', 'Funded')), h('dd', { id: 'funded-summary' }, YZ.tr(r.funded + ' 项，', r.funded + ', '), h('span', { id: 'funded-total' }, money(r.total))),
            h('dt', null, YZ.tr('剩余', 'Left')), h('dd', null, money(r.left)),
            h('dt', null, YZ.tr('选票', 'Ballots')), h('dd', { id: 'count-line' }),
            r.paper && r.paper.void ? [h('dt', null, YZ.tr('废票', 'Void')), h('dd', { id: 'void-reasons' })] : null,
            r.paper && r.paper.stickers ? [h('dt', null, YZ.tr('贴纸', 'Stickers')), h('dd', { id: 'result-stickers' }, V.stickerLine(r.paper))] : null),
          h('div', { class: 'meter', role: 'img', 'aria-label': YZ.tr('已用预算 ', 'Budget used ') + Math.round(100 * r.total / Math.max(1, r.budget)) + '%' },
            h('span', { style: 'width:' + Math.min(100, 100 * r.total / Math.max(1, r.budget)).toFixed(1) + '%' })),
          h('h3', null, YZ.tr('同票', 'Ties'), r.ties.length ? [' ', h('span', { class: 'muted how' }, m.how)] : null),
          // As many ties as the side has room for (layout() hides the rest from the end), then how many more.
          r.ties.length ? h('ul', { class: 'ties', id: 'ties' }, r.ties.slice(0, 6).map(function (g) {
            return h('li', { class: g.decisive ? 'decisive' : '', 'data-tie': '' },
              h('b', null, YZ.tr(g.votes + ' 票', g.votes + ' votes')), ' ',
              g.proposals.map(function (p) { return p.id; }).join(' → '),
              g.decisive ? h('span', { class: 'flag' }, YZ.tr('（影响资助）', ' (decided funding)')) : null);
          }), h('li', { class: 'muted', id: 'ties-more', 'data-total': r.ties.length, hidden: '' }))
            : h('p', { class: 'muted' }, YZ.tr('没有同票', 'No ties')),
          h('h3', null, YZ.tr('计票时日志哈希（请拍照）', 'Log hash (photograph it)')),
          h('p', { class: 'mono hash', id: 'closed-head', 'data-head': r.head }, YZ.groupHex(r.head)),
          h('div', { class: 'rboard' },
            h('img', { class: 'bqr', src: '/qr.svg?to=board', alt: YZ.tr('公示板二维码：', 'QR code of the public board: ') + m.board, width: 200, height: 200 }),
            h('div', null,
              h('p', { class: 'board-lead' }, YZ.tr('扫码查看每张选票，按回执码找到自己的', 'Scan for every ballot; find yours by its receipt code')),
              h('p', { class: 'mono board-addr', id: 'board-address' }, m.board))),
          h('p', { class: 'muted' }, YZ.tr('会后任何人都可以按公告里的核对说明重新计票。', 'Anyone can recount it: the notice says how.'))));
    }
  };

  /**
   * Why a proposal is not funded, in words the room can check: what was
   * left of the budget when the count reached it and what it needed. Under
   * equal shares, what the shares bought comes off first, then the
   * completion step walks the ranking.
   */
  function whyNot(row, r, money) {
    if (row.reasonCode === 'does_not_fit') {
      var left = leftAt(row, r);
      return YZ.tr('预算剩余 ' + money(left) + '，不够 ' + money(row.cost), money(left) + ' left, not enough for ' + money(row.cost));
    }
    if (row.reasonCode === 'stopped') return YZ.tr('预算线以下：按规则到第一个放不下的项目为止', 'Below the line: by the rules funding stops at the first that does not fit');
    return row.reason;
  }

  function leftAt(row, r) {
    var es = r.equal, spent = 0;
    var bought = es ? es.selected : [], done = es ? es.completion : null;
    for (var i = 0; i < r.rows.length && r.rows[i] !== row; i++) {
      var x = r.rows[i];
      if (x.funded && (!done || done.indexOf(x.id) >= 0)) spent += x.cost;
    }
    r.rows.forEach(function (x) { if (bought.indexOf(x.id) >= 0) spent += x.cost; });
    return r.budget - spent;
  }

  /** How to vote without a phone, for the whole vote. */
  function paperLine(m) {
    return h('p', { class: 'vpaper', id: 'paper-how' }, h('b', null, YZ.tr('没有手机？', 'No phone?')), ' ',
      YZ.tr('到点票台领一张纸质选票，写上最多 ' + m.max + ' 个项目编号，投进票箱。',
        'Take a paper ballot at the counting desk, write up to ' + m.max + ' proposal numbers on it and put it in the ballot box.'));
  }

  function welcome(m, notYet) {
    return h('section', { class: 'welcome', 'aria-labelledby': 'scene-title' },
      h('div', { class: 'wleft' },
        h('h2', { id: 'scene-title', class: 'wtitle' }, m.meeting.name),
        h('p', { class: 'wsub' }, [m.meeting.venue, m.meeting.date].filter(Boolean).join(' · ')),
        notYet ? h('p', { class: 'wnote' }, YZ.tr('会议尚未开始，请稍候', 'The meeting has not opened yet')) : h('p', { class: 'wnote ok' }, YZ.tr('欢迎！请签到入座', 'Welcome! Please check in and take a seat')),
        h('h3', null, notYet ? YZ.tr('会议规则（开会时锁定）', 'Rules (locked when the meeting opens)') : YZ.tr('会议规则（已锁定）', 'Rules (locked)')),
        h('dl', { class: 'rules' }, m.rules.map(function (r) { return [h('dt', null, r[0]), h('dd', null, r[1])]; })),
        m.fingerprint ? h('p', { class: 'fp' }, YZ.tr('规则指纹', 'Rules fingerprint'), ' ', h('b', { class: 'mono', id: 'scene-fingerprint' }, m.fingerprint)) : null,
        electorateBlock(m.electorate)),
      h('div', { class: 'wright' },
        h('img', { class: 'qr', src: '/qr.svg', alt: YZ.tr('二维码：', 'QR code: ') + m.join, width: 400, height: 400 }),
        h('p', { class: 'join' }, YZ.tr('手机扫码或打开，随时查看会议进程', 'Scan or open on your phone to follow the meeting')),
        h('p', { class: 'addr mono', id: 'join-address' }, m.join)));
  }

  /**
   * Who may vote, before the vote opens: the cards issued (and cancelled),
   * how many were registered at the door, and the fingerprint of every
   * card issued, to photograph with the rules' fingerprint.
   */
  function electorateBlock(e) {
    return h('div', { class: 'electorate', id: 'electorate' },
      h('h3', null, YZ.tr('投票资格（记入日志）', 'Who may vote (in the log)')),
      h('p', null, YZ.tr('已发投票卡 ', 'Voter cards issued: '), h('b', { class: 'mono', id: 'electorate-issued' }, String(e.issued)), YZ.tr(' 张', ''),
        e.cancelled ? [YZ.tr('，已作废 ', ', cancelled '), h('b', { class: 'mono', id: 'electorate-cancelled' }, String(e.cancelled)), YZ.tr(' 张', '')] : null,
        e.registered !== null ? [YZ.tr('；门口登记 ', '; registered at the door '), h('b', { class: 'mono', id: 'electorate-registered' }, String(e.registered)), YZ.tr(' 人', '')] : null),
      e.fingerprint ? h('p', { class: 'fp' }, YZ.tr('选民指纹', 'Electorate fingerprint'), ' ', h('b', { class: 'mono', id: 'scene-electorate-fingerprint' }, e.fingerprint)) : null,
      h('p', { class: 'muted small' }, YZ.tr('投票开始后再发卡，须写明原因并在此公告。', 'Any card issued once the vote opens needs a reason and is announced here.')));
  }

  // ------------------------------------------------------------ announcements

  var announced = '';
  /** The strip under the bar: what the room must be told as it happens (not over the results). */
  function drawAnnouncements(s, scene) {
    var el = YZ.$('#announce');
    var items = scene === 'results' ? [] : V.announcements(s);
    var key = YZ.lang() + JSON.stringify(items);
    if (key === announced) return;
    announced = key;
    el.hidden = items.length === 0;
    var issues = items.filter(function (a) { return a.kind === 'issue'; });
    var claims = items.filter(function (a) { return a.kind === 'claim'; });
    var rest = items.filter(function (a) { return a.kind !== 'issue' && a.kind !== 'claim'; });
    // Every card issued during the vote, always; the rest as room allows.
    var shown = rest.slice(0, Math.max(1, 4 - issues.length)), more = rest.length - shown.length;
    YZ.fill(el, h('ul', { class: 'alist' },
      issues.map(function (a) { return h('li', { class: 'a-issue', 'data-kind': 'issue' }, h('b', null, '⚠ '), a.text); }),
      shown.map(function (a) { return h('li', { class: 'a-' + a.kind, 'data-kind': a.kind, 'data-id': a.id || null }, a.text); }),
      claims.length ? h('li', { class: 'a-claims', 'data-kind': 'claims' }, claims.map(function (c) {
        return h('span', { class: 'chip' + (c.flagged ? ' flagged' : ''), 'data-kind': 'claim' }, c.flagged ? '⚠ ' : '', c.text, c.also ? ' · ' + c.also : '');
      })) : null,
      more > 0 ? h('li', { class: 'muted' }, YZ.tr('另有 ' + more + ' 条，见公示板 /board', more + ' more on the public board, /board')) : null));
  }

  // ------------------------------------------------------------ tally (in place)

  function drawTally(s) {
    var list = YZ.$('#tally');
    if (!list) return;
    var rows = V.tally(s) || [];
    var prev = null;
    rows.forEach(function (r) {
      var el = tallyEls[r.id];
      if (!el) {
        el = tallyEls[r.id] = h('li', { class: 'trow', 'data-id': r.id },
          h('span', { class: 'tbar' }), h('span', { class: 'tplace' }), h('span', { class: 'tid mono' }, r.id),
          h('span', { class: 'ttitle', title: r.title }, r.title),
          r.picked.length ? h('span', { class: 'star', title: YZ.tr('各桌推选', 'a table\'s pick') }, '★') : null,
          r.excluded ? h('span', { class: 'texcl' }, YZ.tr('已排除', 'excluded')) : null,
          h('span', { class: 'tvotes mono' }));
        if (r.excluded) el.classList.add('excluded');
      }
      if (el.getAttribute('data-votes') !== String(r.votes)) {
        el.setAttribute('data-votes', r.votes);
        el.querySelector('.tvotes').textContent = r.votes;
        el.setAttribute('aria-label', r.id + ' ' + r.title + ' ' + YZ.tr(r.votes + ' 票', r.votes + ' votes'));
      }
      el.querySelector('.tbar').style.width = (r.share * 100).toFixed(2) + '%';
      el.querySelector('.tplace').textContent = r.place;
      // Keep the document order the vote order (screen readers, tests), moving only what moved.
      var want = prev ? prev.nextSibling : list.firstChild;
      if (want !== el) list.insertBefore(el, want);
      prev = el;
    });
  }

  // ------------------------------------------------------------ layout

  /**
   * Columns and type size for n rows in a w×h box: the largest type at
   * which every row fits, a row needing `ems` of width. Rows read top to
   * bottom, column after column.
   */
  function fit(n, w, hgt, ems, maxFont) {
    var best = { cols: 1, rows: n, font: 0 };
    for (var c = 1; c <= 8; c++) {
      var rows = Math.ceil(n / c), gap = 16 * (c - 1);
      var font = Math.min(maxFont, hgt / rows / 1.38, (w - gap) / c / ems);
      if (font > best.font + 0.25) best = { cols: c, rows: rows, font: font };
    }
    best.rowH = Math.floor(hgt / best.rows);
    return best;
  }

  function base() { return parseFloat(getComputedStyle(document.documentElement).fontSize) || 27; }

  /**
   * The tally in a w×h box: every row when all fit at 1rem or more; else,
   * at 1rem, the leading rows fixed (the top of the vote) and the other
   * places cycling through the rest in pages. Sets tallyPages.
   */
  var tallyPages = { fixed: 0, window: 0, page: 0 };
  function tallyGrid(list, n, box) {
    var w = box.clientWidth, hgt = box.clientHeight, b = base(), ems = 19;
    var f = fit(n, w, hgt, ems, b * 1.6);
    // Shorter titles before pages: every proposal on one screen while it can be read.
    if (f.font < b) { ems = 15; f = fit(n, w, hgt, ems, b * 1.6); }
    if (f.font < b) {
      var cols = Math.max(1, Math.floor((w + 16) / (ems * b + 16)));
      var rows = Math.max(1, Math.floor(hgt / (b * 1.38)));
      f = { cols: cols, rows: rows, font: b, rowH: Math.floor(hgt / rows) };
      var fixed = rows * Math.max(1, Math.floor(cols / 2));
      tallyPages.fixed = Math.min(fixed, cols * rows - 1);
      tallyPages.window = cols * rows - tallyPages.fixed;
    } else {
      tallyPages.fixed = n; tallyPages.window = 0;
    }
    list.style.gridTemplateRows = 'repeat(' + f.rows + ', ' + f.rowH + 'px)';
    list.style.gridTemplateColumns = 'repeat(' + f.cols + ', minmax(0, 1fr))';
    list.style.fontSize = Math.floor(Math.max(b, f.font)) + 'px';
    list.setAttribute('data-cols', f.cols);
  }

  /** Which tally rows show now (document order is vote order), and the line saying which. */
  function tallyShow(list) {
    var rows = list.children, n = rows.length, t = tallyPages;
    var pages = t.window > 0 ? Math.ceil((n - t.fixed) / t.window) : 1, page = t.page % pages;
    for (var i = 0; i < n; i++) {
      var pg = i < t.fixed ? -1 : Math.floor((i - t.fixed) / t.window);
      rows[i].setAttribute('data-page', pg);
      rows[i].hidden = pg >= 0 && pg !== page;
    }
    var line = YZ.$('#tally-pages');
    if (!line) return;
    line.hidden = pages <= 1;
    if (pages > 1) {
      var from = t.fixed + page * t.window + 1, to = Math.min(n, t.fixed + (page + 1) * t.window);
      YZ.fill(line, YZ.tr('前 ' + t.fixed + ' 名常显；其余轮流显示，现在是第 ' + from + '–' + to + ' 名（共 ' + n + ' 项，第 ' + (page + 1) + '/' + pages + ' 页）',
        'Top ' + t.fixed + ' always shown; the rest in turn, now places ' + from + '–' + to + ' of ' + n + ' (page ' + (page + 1) + '/' + pages + ')'));
      line.setAttribute('data-page', page);
      line.setAttribute('data-pages', pages);
    }
  }

  /**
   * A list of equal rows in `hgt` px: as many rows as fit, the rest in
   * pages (the page shown is pages[id]), with "第 1/3 页" beside its heading.
   */
  var pages = {};
  function paged(list, hgt, fontPx) {
    var items = list.children, n = items.length;
    if (!n) return;
    list.style.fontSize = fontPx + 'px';
    items[0].hidden = false;
    var rowH = items[0].offsetHeight || fontPx * 1.4;
    var per = Math.max(1, Math.floor(hgt / rowH)), count = Math.ceil(n / per), page = (pages[list.id] || 0) % count;
    list.style.gridTemplateRows = 'repeat(' + Math.min(per, n) + ', ' + rowH + 'px)';
    list.style.height = Math.min(per, n) * rowH + 'px';
    for (var i = 0; i < n; i++) {
      items[i].setAttribute('data-page', Math.floor(i / per));
      items[i].hidden = Math.floor(i / per) !== page;
    }
    var label = YZ.$('[data-pages-for="' + list.id + '"]');
    if (label) {
      label.textContent = count > 1 ? YZ.tr('第 ' + (page + 1) + '/' + count + ' 页', 'page ' + (page + 1) + '/' + count) : '';
      label.setAttribute('data-page', page);
      label.setAttribute('data-pages', count);
    }
  }

  function layout() {
    var scene = drawn.scene;
    if (scene === 'voting') {
      var list = YZ.$('#tally');
      if (list) {
        var line = YZ.$('#tally-pages'), had = line ? line.hidden : true;
        tallyGrid(list, list.children.length, list.parentNode);
        tallyShow(list);
        // The page line takes a line of the chart's height: measure again once it shows (or goes).
        if (line && line.hidden !== had) { tallyGrid(list, list.children.length, list.parentNode); tallyShow(list); }
      }
    } else if (scene === 'results') {
      var main = YZ.$('.rmain'), top = YZ.$('#rfunded'), rest = YZ.$('#rrest');
      if (!main) return;
      // Funded proposals get up to 55% of the height, at a larger size;
      // the others what is left, at 1rem; each pages what does not fit.
      var used = 0;
      for (var i = 0; i < main.children.length; i++) {
        var c = main.children[i];
        if (c !== top && c !== rest) used += c.offsetHeight + 6;
      }
      var avail = main.clientHeight - used, b = base();
      var nTop = top ? top.children.length : 0, nRest = rest ? rest.children.length : 0;
      var topH = nRest ? Math.min(avail * 0.55, Math.max(nTop, 1) * b * 1.7) : avail;
      if (top) paged(top, topH, Math.floor(b * 1.1));
      if (rest) paged(rest, avail - (top ? top.offsetHeight : 0), Math.floor(b));
      fitTies();
    }
  }

  /** The ties the side has room for, in order; "另有 N 组" for the others. */
  function fitTies() {
    var side = YZ.$('.rside'), more = YZ.$('#ties-more');
    if (!side || !more) return;
    var items = side.querySelectorAll('#ties li[data-tie]'), total = Number(more.getAttribute('data-total'));
    var shown = items.length;
    for (var i = 0; i < items.length; i++) items[i].hidden = false;
    var say = function () {
      var n = total - shown;
      more.hidden = n <= 0;
      more.textContent = n <= 0 ? '' : shown ? YZ.tr('另有 ' + n + ' 组，见公示板', n + ' more on the board') : YZ.tr(n + ' 组同票，见公示板', n + ' ties, on the board');
      more.setAttribute('data-more', n);
    };
    say();
    while (shown > 0 && side.scrollHeight > side.clientHeight + 1) {
      items[--shown].hidden = true;
      say();
    }
  }

  /** The next page of every paged list on the screen (every 8 s, or the → key). */
  function nextPage() {
    if (drawn.scene === 'voting') tallyPages.page++;
    ['rfunded', 'rrest'].forEach(function (id) { pages[id] = (pages[id] || 0) + 1; });
    layout();
  }

  // ------------------------------------------------------------ countdowns

  function tick() {
    if (!snapshot) return;
    var t = snapshot.timer, now = session ? session.now() : Date.now();
    var els = document.querySelectorAll('[data-timer]');
    var ms = YZ.remainingMs(t, now);
    for (var i = 0; i < els.length; i++) {
      els[i].textContent = t ? YZ.clock(ms) : '';
      els[i].classList.toggle('over', !!t && ms < 0);
      els[i].classList.toggle('low', !!t && ms >= 0 && ms < 60000);
    }
    var paused = document.querySelectorAll('[data-paused]');
    for (var j = 0; j < paused.length; j++) paused[j].textContent = t && t.paused ? YZ.tr('（暂停）', '(paused)') : '';
    // The small clock in the bar, for scenes that have no big one.
    var bar = YZ.$('#bar-timer');
    var big = els.length > 0;
    bar.hidden = !t || big;
    if (t && !big) bar.textContent = YZ.timerLabel(t.label) + ' ' + YZ.clock(ms) + (t.paused ? YZ.tr('（暂停）', ' (paused)') : '');
  }

  // ------------------------------------------------------------ connection

  var schedule = YZ.frame(draw);

  function status(state, detail) {
    var el = YZ.$('#status');
    el.setAttribute('data-state', state);
    el.textContent = YZ.statusText(state, detail);
    document.body.classList.toggle('offline', state !== 'online');
    if (state === 'refused') {
      if (token) {
        // A stale projector link (another meeting): carry on as the public view.
        YZ.forgetToken('projector');
        token = null;
        connect();
        return;
      }
      YZ.fill(YZ.$('#scene'), h('section', { class: 'refused' },
        h('h2', null, YZ.tr('本会场不开放匿名投影', 'This hub does not allow an anonymous projector')),
        h('p', null, YZ.tr('请用投影链接打开本页（向组织者索取：它和会场的其他链接一起发出）。', 'Open this page from the projector link (ask the organiser: it comes with the meeting\'s other links).'))));
      drawn = { scene: 'refused', key: '' };
    }
  }

  function connect() {
    if (session) session.stop();
    session = new YZ.Session({
      token: token || 'public',
      client: 'projector-page/1',
      onWelcome: function (you, s) { YZ.initLang(s.meeting.language); },
      onChange: function (s) { snapshot = s; schedule(); },
      onStatus: status
    });
    session.start();
  }

  YZ.langToggle();
  YZ.onLang(function () { drawn.key = ''; draw(); });
  YZ.initLang();
  YZ.$('#fullscreen').addEventListener('click', function () {
    var d = document.documentElement;
    if (document.fullscreenElement) { if (document.exitFullscreen) document.exitFullscreen(); } else if (d.requestFullscreen) d.requestFullscreen();
  });
  document.addEventListener('keydown', function (e) {
    if (e.target && /INPUT|TEXTAREA|SELECT/.test(e.target.tagName)) return;
    if (e.key === 'l' || e.key === 'L') YZ.setLang(YZ.lang() === 'zh' ? 'en' : 'zh');
    if (e.key === 'f' || e.key === 'F') YZ.$('#fullscreen').click();
    if (e.key === 'ArrowRight' || e.key === 'PageDown') nextPage();
  });
  window.addEventListener('resize', function () { layout(); });
  YZ.every(250, tick);
  setInterval(nextPage, 8000);
  fetch('/api/info').then(function (r) { return r.json(); }).then(function (i) {
    if (i && i.base_url) info = i;
    drawn.key = '';
    schedule();
  }).catch(function () { /* the address falls back to this page's own */ });
  connect();
})();
