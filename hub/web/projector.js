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
    YZ.fill(YZ.$('#foot-head'), YZ.tr('日志 #', 'Log #') + s.seq + ' ',
      h('span', { class: 'mono', id: 'log-head', 'data-head': s.log_head }, YZ.groupHex(s.log_head)));
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
      return h('section', { class: 'tables-scene', 'aria-labelledby': 'scene-title' },
        h('div', { class: 'scene-head' },
          h('h2', { id: 'scene-title' }, m.phase === 'picks' ? YZ.tr('各桌推选', 'Tables choose their picks') : YZ.tr('分桌讨论', 'Table discussion')),
          m.timer ? timerBlock(m.timer) : null),
        h('ul', { class: 'tablegrid cols-' + cols, style: 'grid-template-columns: repeat(' + cols + ', 1fr)' },
          m.tables.map(function (t) {
            return h('li', { class: 'tcard state-' + t.state, 'data-table': t.table },
              h('h3', null, t.name),
              h('p', { class: 'tstate' }, t.state === 'locked' ? '✓ ' : '', t.text),
              t.speaking ? h('p', { class: 'tspeaking' }, YZ.tr('正在发言：', 'Speaking: '), t.speaking) : null,
              t.picks.length ? h('ol', { class: 'tpicks' }, t.picks.map(function (p) {
                return h('li', null, h('span', { class: 'mono pid' }, p.id), ' ', p.title);
              })) : null);
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
            h('p', { class: 'muted' }, YZ.tr('现在只显示选票张数。', 'Until then only the number of ballots is shown.'))));
      }
      return h('section', { class: 'vote-scene', 'aria-labelledby': 'scene-title' }, head,
        h('div', { class: 'chart' }, h('ol', { class: 'tally', id: 'tally', 'aria-label': YZ.tr('实时计票', 'Live tally') })));
    },

    results: function (m) {
      var r = m.results;
      if (!r) return h('section', { class: 'results-scene' }, h('h2', null, YZ.tr('正在计票…', 'Counting…')));
      var funded = r.rows.filter(function (x) { return x.funded; });
      var rest = r.rows.filter(function (x) { return !x.funded; });
      var money = function (n) { return YZ.money(n, r.currency); };
      var votes = function (n) { return h('span', { class: 'votes' }, h('b', null, n), YZ.tr('票', n === 1 ? ' vote' : ' votes')); };
      return h('section', { class: 'results-scene', 'aria-labelledby': 'scene-title' },
        h('div', { class: 'rmain' },
          h('h2', { id: 'scene-title' }, r.final ? YZ.tr('结果公示', 'Published results') : YZ.tr('计票结果（待公示）', 'The count (to be published)')),
          r.equal ? h('p', { class: 'es-how', id: 'equal-shares' }, r.equal.text) : null,
          h('h3', { class: 'rhead ok' }, YZ.tr('获得资助（按排名）', 'Funded, in ranking order')),
          funded.length ? h('ol', { class: 'rfunded', id: 'rfunded' }, funded.map(function (row) {
            return h('li', { 'data-id': row.id, 'data-votes': row.votes, 'data-funded': '1', 'data-running': row.running },
              h('span', { class: 'rank' }, row.rank),
              h('span', { class: 'rtitle' }, h('span', { class: 'mono pid' }, row.id), ' ', row.title),
              votes(row.votes),
              row.how ? h('span', { class: 'how how-' + row.how }, row.how === 'share' ? YZ.tr('份额', 'shares') : YZ.tr('补足', 'completion')) : null,
              h('span', { class: 'cost' }, money(row.cost)),
              h('span', { class: 'running' }, YZ.tr('累计 ', 'total ') + money(row.running)));
          })) : h('p', { class: 'rnone' }, YZ.tr('没有项目获得资助。', 'No proposal is funded.')),
          h('p', { class: 'budget-line', role: 'separator' },
            h('span', null, YZ.tr('预算线 ', 'Budget line ') + money(r.budget) + YZ.tr('：已用 ', ': used ') + money(r.total))),
          rest.length ? h('h3', { class: 'rhead' }, YZ.tr('未获资助', 'Not funded')) : null,
          rest.length ? h('ol', { class: 'rrest', id: 'rrest' }, rest.map(function (row) {
            return h('li', { 'data-id': row.id, 'data-votes': row.votes, 'data-funded': '0' },
              h('span', { class: 'rank' }, row.rank),
              h('span', { class: 'rtitle' }, h('span', { class: 'mono pid' }, row.id), ' ', row.title),
              votes(row.votes),
              h('span', { class: 'why' }, row.reasonCode === 'does_not_fit' ? money(row.cost) + ' ' : '', row.reason));
          })) : null),
        h('aside', { class: 'rside', 'aria-label': YZ.tr('预算与核对', 'Budget and checks') },
          h('dl', { class: 'rsum' },
            h('dt', null, YZ.tr('预算', 'Budget')), h('dd', null, money(r.budget)),
            h('dt', null, YZ.tr('资助', 'Funded')), h('dd', { id: 'funded-summary' }, YZ.tr(r.funded + ' 项', r.funded + ' proposals')),
            h('dt', null, YZ.tr('合计', 'Total')), h('dd', { id: 'funded-total' }, money(r.total)),
            h('dt', null, YZ.tr('剩余', 'Left')), h('dd', null, money(r.left)),
            h('dt', null, YZ.tr('选票', 'Ballots')), h('dd', { id: 'count-line' }),
            r.paper && r.paper.void ? [h('dt', null, YZ.tr('废票原因', 'Void')), h('dd', { id: 'void-reasons' })] : null,
            r.paper && r.paper.stickers ? [h('dt', null, YZ.tr('贴纸', 'Stickers')), h('dd', { id: 'result-stickers' }, V.stickerLine(r.paper))] : null),
          h('div', { class: 'meter', role: 'img', 'aria-label': YZ.tr('已用预算 ', 'Budget used ') + Math.round(100 * r.total / Math.max(1, r.budget)) + '%' },
            h('span', { style: 'width:' + Math.min(100, 100 * r.total / Math.max(1, r.budget)).toFixed(1) + '%' })),
          h('h3', null, YZ.tr('同票及处理', 'Ties and how they were broken')),
          r.ties.length ? h('ul', { class: 'ties', id: 'ties' }, r.ties.slice(0, 5).map(function (g) {
            return h('li', { class: g.decisive ? 'decisive' : '' },
              h('b', null, YZ.tr(g.votes + ' 票', g.votes + ' votes')), ' ',
              g.proposals.map(function (p) { return p.id; }).join(' → '),
              g.decisive ? h('span', { class: 'flag' }, YZ.tr('（影响资助）', ' (decided funding)')) : null);
          }), r.ties.length > 5 ? h('li', { class: 'muted' }, YZ.tr('另有 ' + (r.ties.length - 5) + ' 组同票', (r.ties.length - 5) + ' more ties')) : null)
            : h('p', { class: 'muted' }, YZ.tr('没有同票', 'No ties')),
          r.ties.length ? h('p', { class: 'how' }, m.how) : null,
          h('h3', null, YZ.tr('计票时日志哈希', 'Log hash at close')),
          h('p', { class: 'mono hash', id: 'closed-head', 'data-head': r.head }, YZ.groupHex(r.head)),
          h('p', { class: 'muted small' }, YZ.tr('可拍照留存，会后用 hub verify 核对', 'Photograph it; check it later with hub verify')),
          h('h3', null, YZ.tr('每张选票公示于', 'Every ballot is published at')),
          h('p', { class: 'mono board-addr', id: 'board-address' }, m.board),
          h('p', { class: 'muted small' }, YZ.tr('用手机打开，按回执码查找自己的选票', 'Open it on your phone and find your ballot by its receipt code'))));
    }
  };

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

  function grid(list, n, box, ems, maxFont) {
    if (!list || !box) return;
    var f = fit(n, box.clientWidth, box.clientHeight, ems, maxFont);
    list.style.gridTemplateRows = 'repeat(' + f.rows + ', ' + f.rowH + 'px)';
    list.style.gridTemplateColumns = 'repeat(' + f.cols + ', minmax(0, 1fr))';
    list.style.fontSize = Math.max(8, Math.floor(f.font)) + 'px';
    list.setAttribute('data-cols', f.cols);
  }

  function base() { return parseFloat(getComputedStyle(document.documentElement).fontSize) || 24; }

  function layout() {
    var scene = drawn.scene;
    if (scene === 'voting') {
      var list = YZ.$('#tally');
      if (list) grid(list, list.children.length, list.parentNode, 19, base() * 1.6);
    } else if (scene === 'results') {
      var main = YZ.$('.rmain'), top = YZ.$('#rfunded'), rest = YZ.$('#rrest');
      if (!main) return;
      // Funded proposals get up to half the height, at a larger
      // size; the others share what is left, in as many columns as fit.
      var used = 0;
      for (var i = 0; i < main.children.length; i++) {
        var c = main.children[i];
        if (c !== top && c !== rest) used += c.offsetHeight + 6;
      }
      var avail = main.clientHeight - used;
      var nTop = top ? top.children.length : 0, nRest = rest ? rest.children.length : 0;
      var topH = nRest ? Math.min(avail * 0.55, Math.max(nTop, 1) * base() * 1.6) : avail;
      if (top) {
        top.style.height = Math.floor(topH) + 'px';
        grid(top, nTop, top, 30, base() * 1.4);
      }
      if (rest) {
        rest.style.height = Math.max(40, Math.floor(avail - (top ? topH : 0))) + 'px';
        grid(rest, nRest, rest, 20, base() * 1.1);
      }
    }
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
        h('p', null, YZ.tr('请用投影链接打开本页（组织者运行 hub tokens 可以看到）。', 'Open this page from the projector link (the organiser finds it with hub tokens).'))));
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
  });
  window.addEventListener('resize', function () { layout(); });
  YZ.every(250, tick);
  fetch('/api/info').then(function (r) { return r.json(); }).then(function (i) {
    if (i && i.base_url) info = i;
    drawn.key = '';
    schedule();
  }).catch(function () { /* the address falls back to this page's own */ });
  connect();
})();
