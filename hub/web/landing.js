/* landing.js — the landing page's live view for residents following the
 * meeting on their phones: the phase and its clock, each table's progress,
 * the table on stage, the turnout and (when the rules show it) the tally,
 * then the results. Read-only, as `public`. Also the "type your code" form,
 * which hands the code to /vote in the fragment (never to the server).
 *
 * The live part is a function of the snapshot (YZ.views), redrawn when its
 * model changes, at most four times a second (a phone need not follow a
 * burst of ballots frame by frame).
 */
(function () {
  'use strict';
  var YZ = window.YZ, V = YZ.views, h = YZ.h;
  var body = YZ.$('#live-body');
  var snapshot = null, session = null, last = '', listed = '';

  // ------------------------------------------------------------ the code form

  YZ.$('#code-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var code = YZ.$('#code').value.replace(/\s+/g, '');
    var err = YZ.$('#code-error');
    if (code.replace(/-/g, '').length < 8) {
      err.hidden = false;
      err.textContent = YZ.tr('请输入投票卡上的完整代码。', 'Please type the whole code from your card.');
      YZ.$('#code').setAttribute('aria-invalid', 'true');
      return;
    }
    location.href = '/vote#token=' + encodeURIComponent(code);
  });

  // ------------------------------------------------------------ model

  function model(s) {
    var m = { lang: YZ.lang(), phase: s.phase, timer: s.timer ? s.timer.label : null, fingerprint: s.fingerprint };
    if (s.phase === 'discussion' || s.phase === 'picks' || s.phase === 'pitches') m.tables = s.tables.map(function (t) { return V.table(s, t); });
    if (s.phase === 'pitches') m.pitch = V.pitch(s);
    if (s.phase === 'voting') { m.tally = V.tally(s); m.max = s.rules.max_choices; }
    if (V.at(s, 'voting')) m.count = YZ.count(s);
    if (V.at(s, 'counted')) { m.results = V.results(s); m.how = V.tieHow(s); }
    m.exclusions = s.exclusions || [];
    return m;
  }

  // ------------------------------------------------------------ drawing

  function draw() {
    if (!snapshot) return;
    var s = snapshot, m = model(s), key = JSON.stringify(m);
    if (key !== last) {
      last = key;
      YZ.fill(body, live(m, s));
    }
    YZ.fill(YZ.$('#rules-more'), s.fingerprint
      ? [YZ.tr('规则已锁定，指纹 ', 'Rules locked, fingerprint '), h('b', { class: 'mono', id: 'fingerprint' }, s.fingerprint), YZ.tr('（与大屏幕上的一致）', ' (the same as on the big screen)')]
      : YZ.tr('会议开始时锁定规则。', 'The rules lock when the meeting opens.'),
      s.electorate && s.electorate.fingerprint ? [h('br'), YZ.tr('已发投票卡 ', 'Voter cards issued: '), h('b', { class: 'mono', id: 'electorate-issued' }, String(s.electorate.cards_issued)),
        YZ.tr(' 张，选民指纹 ', ', electorate fingerprint '), h('b', { class: 'mono', id: 'electorate-fingerprint' }, s.electorate.fingerprint)] : null);
    YZ.fill(YZ.$('#foot'), YZ.tr('日志 #', 'Log #') + s.seq + ' · ', h('span', { class: 'mono', id: 'log-head', 'data-head': s.log_head }, YZ.groupHex(s.log_head)));
    var lkey = YZ.lang() + JSON.stringify([s.exclusions, s.adopted_costs, s.tables.map(function (t) { return t.picks; })]);
    if (listed !== lkey) { listed = lkey; proposals(s); }
    tick();
  }
  var schedule = YZ.frame(draw, 250);

  function live(m, s) {
    var out = [h('p', { class: 'now' }, YZ.tr('现在：', 'Now: '), h('b', { id: 'live-phase' }, YZ.phaseName(m.phase)),
      m.timer ? [' · ', YZ.timerLabel(m.timer), ' ', h('b', { class: 'mono', 'data-timer': '' })] : null)];
    switch (m.phase) {
      case 'setup':
        out.push(h('p', null, YZ.tr('会议尚未开始。开始后这里会实时显示进程。', 'The meeting has not opened yet. Once it does, this shows it live.')));
        break;
      case 'check_in':
        out.push(h('p', null, YZ.tr('正在签到入座，分桌讨论马上开始。', 'Check-in: table discussion starts soon.')));
        break;
      case 'discussion': case 'picks': case 'pitches':
        if (m.pitch) out.push(onStage(m.pitch));
        out.push(h('h3', null, YZ.tr('各桌进展', 'Tables')), h('ul', { class: 'tables', id: 'live-tables' }, m.tables.map(function (t) {
          return h('li', { class: 'state-' + t.state, 'data-table': t.table },
            h('span', { class: 'tname' }, t.name), ' ', h('span', { class: 'tstate' }, t.text),
            t.speaking ? h('span', { class: 'tspeak' }, YZ.tr('正在发言：', 'Speaking: ') + t.speaking) : null,
            t.picks.length ? h('span', { class: 'tpicks' }, t.picks.map(function (p) { return p.id + ' ' + p.title; }).join('、')) : null);
        })));
        break;
      case 'voting':
        out.push(h('p', { class: 'turnout', id: 'count-line' }, YZ.countLine(s)));
        if (m.tally) out.push(tally(m.tally));
        else out.push(h('p', { class: 'notice info', id: 'tally-hidden' }, YZ.tr('按会议规则，各项目的票数在投票结束后公布。', 'By the meeting\'s rules the count per proposal is shown when the vote closes.')));
        break;
      default:
        if (m.results) out.push(results(m.results, m.how, s));
    }
    if (m.exclusions.length) {
      out.push(h('h3', null, YZ.tr('投票前确认排除的项目', 'Excluded before the vote')),
        h('ul', { class: 'plain', id: 'live-exclusions' }, m.exclusions.map(function (x) { return h('li', { 'data-id': x.proposal }, YZ.exclusionText(x, true)); })));
    }
    return out;
  }

  function onStage(p) {
    return h('div', { class: 'onstage' },
      h('h3', null, YZ.tr('正在推介：', 'Pitching: ') + p.name),
      h('ul', { class: 'plain' }, p.picks.map(function (c) {
        return h('li', null, h('b', null, h('span', { class: 'mono' }, c.id), ' ', c.title), h('br'),
          h('span', { class: 'muted' }, [c.location, YZ.tr('造价 ', 'cost ') + c.costText].filter(Boolean).join(' · ')),
          c.costRemark ? [h('br'), h('span', { class: 'muted' }, c.costRemark)] : null,
          c.excluded ? [h('br'), h('b', { class: 'adv-excluded' }, c.excluded)] : null,
          c.adviser ? [h('br'), h('span', { class: 'adv-' + c.feasibility }, c.adviser, c.remark ? ' — ' + c.remark : '')] : null);
      })),
      h('p', { class: 'muted' }, p.next ? YZ.tr('下一桌：', 'Next: ') + p.next : YZ.tr('最后一桌', 'Last table')));
  }

  function tally(rows) {
    return h('ol', { class: 'tally', id: 'live-tally', 'aria-label': YZ.tr('实时计票', 'Live tally') }, rows.map(function (r) {
      return h('li', { 'data-id': r.id, 'data-votes': r.votes },
        h('span', { class: 'bar', style: 'width:' + (r.share * 100).toFixed(1) + '%' }),
        h('span', { class: 'place' }, r.place),
        h('span', { class: 'title' }, h('span', { class: 'mono' }, r.id), ' ', r.title, r.picked.length ? ' ★' : '',
          r.excluded ? h('b', { class: 'adv-excluded' }, YZ.tr('（已排除）', ' (excluded)')) : null),
        h('span', { class: 'votes' }, r.votes));
    }));
  }

  function results(r, how, s) {
    var money = function (n) { return YZ.money(n, r.currency); };
    var voids = YZ.voidLine(s);
    return [
      h('p', { class: 'summary' }, r.final ? h('b', null, YZ.tr('结果已公示。', 'Published. ')) : YZ.tr('计票完成，待公示。', 'Counted, to be published. '),
        YZ.tr('预算 ' + money(r.budget) + '，资助 ' + r.funded + ' 个项目，合计 ' + money(r.total) + '，剩余 ' + money(r.left) + '。',
          'Budget ' + money(r.budget) + ', ' + r.funded + ' funded for ' + money(r.total) + ', ' + money(r.left) + ' left.')),
      h('p', { class: 'turnout', id: 'count-line' }, YZ.countLine(s)),
      voids ? h('p', { id: 'void-reasons' }, YZ.tr('废票原因：', 'Void: '), voids) : null,
      r.equal ? h('p', { class: 'notice info', id: 'live-equal-shares' }, r.equal.text) : null,
      h('ol', { class: 'ranking', id: 'live-ranking' }, r.rows.map(function (row, i) {
        return [
          h('li', { class: row.funded ? 'funded' : 'unfunded', 'data-id': row.id, 'data-votes': row.votes, 'data-funded': row.funded ? '1' : '0' },
            h('span', { class: 'rank' }, row.rankText),
            h('span', { class: 'rtext' },
              h('span', { class: 'rtitle' }, h('span', { class: 'mono' }, row.id), ' ', row.title),
              h('span', { class: 'rmeta' }, YZ.tr(row.votes + ' 票 · ', row.votes + ' votes · ') + money(row.cost) + ' · ',
                row.funded ? h('b', { class: 'ok' }, YZ.tr('✓ 资助，累计 ', '✓ funded, total ') + money(row.running)) : row.reason,
                row.how === 'share' ? YZ.tr('（份额选出）', ' (by the shares)') : row.how === 'completion' ? YZ.tr('（余额补足）', ' (completion)') : ''))),
          i + 1 === r.line && r.line < r.rows.length ? h('li', { class: 'line', 'aria-label': YZ.tr('预算线', 'Budget line') }, YZ.tr('—— 预算线 ——', '—— budget line ——')) : null
        ];
      })),
      r.ties.length ? [h('h3', null, YZ.tr('同票及处理', 'Ties and how they were broken')),
        h('ul', { class: 'ties' }, r.ties.map(function (g) {
          return h('li', null, YZ.tr(g.votes + ' 票：', g.votes + ' votes: '), g.proposals.map(function (p) { return p.id; }).join(' → '),
            g.decisive ? h('b', null, YZ.tr('（影响资助）', ' (decided funding)')) : null);
        })), h('p', { class: 'muted' }, how)] : null,
      h('p', null, YZ.tr('计票时日志哈希：', 'Log hash at close: '), h('span', { class: 'mono hash', id: 'closed-head' }, YZ.groupHex(r.head))),
      h('p', null, h('a', { href: '/board', id: 'board-link' }, YZ.tr('公示板：查看每一张选票，核对自己的回执码', 'The public board: every ballot, and your receipt code')))
    ];
  }

  /** The whole list, grouped by table, for looking things up. */
  function proposals(s) {
    var pm = YZ.proposalMap(s), picks = V.picks(s), xm = YZ.exclusionMap(s);
    // Every table discusses every proposal: one list; else one per table's share.
    var parts = s.rules.assignment === 'all_tables'
      ? [{ name: YZ.tr('全部项目', 'All proposals'), share: s.proposals.map(function (p) { return p.id; }) }] : s.tables;
    YZ.fill(YZ.$('#proposal-list'), parts.map(function (t) {
      return h('section', null, h('h3', null, t.name),
        h('ul', { class: 'plain' }, t.share.map(function (id) {
          var p = pm[id] || { id: id, title: id, cost: 0 };
          return h('li', null, h('b', null, h('span', { class: 'mono' }, p.id), ' ', p.title), picks[id] ? ' ★' : '', h('br'),
            h('span', { class: 'muted' }, [p.location, YZ.money(p.cost, s.rules.budget.currency)].filter(Boolean).join(' · ')),
            xm[id] ? [h('br'), h('b', { class: 'adv-excluded' }, YZ.exclusionText(xm[id]))] : null,
            p.description ? [h('br'), h('span', null, p.description)] : null);
        })));
    }));
  }

  function tick() {
    var els = document.querySelectorAll('[data-timer]');
    if (!snapshot || !snapshot.timer) return;
    var ms = YZ.remainingMs(snapshot.timer, session ? session.now() : Date.now());
    for (var i = 0; i < els.length; i++) els[i].textContent = YZ.clock(ms) + (snapshot.timer.paused ? YZ.tr('（暂停）', ' (paused)') : '');
  }

  // ------------------------------------------------------------ connection

  function status(state, detail) {
    var el = YZ.$('#status');
    el.hidden = state === 'online';
    el.setAttribute('data-state', state);
    el.textContent = YZ.statusText(state, detail);
    if (state === 'refused') YZ.fill(body, h('p', null, YZ.tr('本会场未开放公众实时查看。', 'This hub does not offer a public live view.')));
  }

  YZ.langToggle();
  YZ.initLarge();
  YZ.initLang();
  YZ.onLang(function () { last = ''; draw(); });
  YZ.every(1000, tick);
  if (YZ.$('#live').getAttribute('data-public') === 'true') {
    session = new YZ.Session({
      token: 'public', client: 'landing-page/1',
      onWelcome: function (you, s) { YZ.initLang(s.meeting.language); },
      onChange: function (s) { snapshot = s; schedule(); },
      onStatus: status
    });
    session.start();
  } else {
    YZ.fill(body, h('p', null, YZ.tr('本会场未开放公众实时查看，请看会场大屏幕。', 'This hub does not offer a public live view; please watch the big screen.')));
  }
})();
