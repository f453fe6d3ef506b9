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
  const YZ = window.YZ, V = YZ.views, h = YZ.h;
  const body = YZ.$('#live-body');
  let snapshot = null, session = null, last = '', listed = '';

  // ------------------------------------------------------------ the code form

  YZ.$('#code-form').addEventListener('submit', function (e) {
    e.preventDefault();
    const code = YZ.$('#code').value.replace(/\s+/g, '');
    const err = YZ.$('#code-error');
    if (code.replace(/-/g, '').length < 8) {
      err.hidden = false;
      err.textContent = YZ.t('please_type_whole_code_from');
      YZ.$('#code').setAttribute('aria-invalid', 'true');
      return;
    }
    location.href = '/vote#token=' + encodeURIComponent(code);
  });

  // ------------------------------------------------------------ model

  function model(s) {
    const m = { lang: YZ.lang(), phase: s.phase, timer: s.timer ? s.timer.label : null, fingerprint: s.fingerprint };
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
    const s = snapshot, m = model(s), key = JSON.stringify(m);
    if (key !== last) {
      last = key;
      YZ.fill(body, live(m, s));
    }
    YZ.fill(YZ.$('#rules-more'), s.fingerprint
      ? [YZ.t('rules_locked_fingerprint_prefix'), h('b', { class: 'mono', id: 'fingerprint' }, s.fingerprint), YZ.t('same_as_on_big_screen')]
      : YZ.t('rules_lock_at_opening_sentence'),
      s.electorate && s.electorate.fingerprint ? [h('br'), YZ.t('voter_cards_issued'), h('b', { class: 'mono', id: 'electorate-issued' }, String(s.electorate.cards_issued)),
        YZ.t('cards_electorate_fingerprint'), h('b', { class: 'mono', id: 'electorate-fingerprint' }, s.electorate.fingerprint)] : null);
    YZ.fill(YZ.$('#foot'), YZ.t('log') + s.seq + ' · ', h('span', { class: 'mono', id: 'log-head', 'data-head': s.log_head }, YZ.groupHex(s.log_head)));
    const lkey = YZ.lang() + JSON.stringify([s.exclusions, s.adopted_costs, s.tables.map(function (t) { return t.picks; })]);
    if (listed !== lkey) { listed = lkey; proposals(s); }
    tick();
  }
  const schedule = YZ.frame(draw, 250);

  function live(m, s) {
    const out = [h('p', { class: 'now' }, YZ.t('now_phase_prefix'), h('b', { id: 'live-phase' }, YZ.phaseName(m.phase)),
      m.timer ? [' · ', YZ.timerLabel(m.timer), ' ', h('b', { class: 'mono', 'data-timer': '' })] : null)];
    switch (m.phase) {
      case 'setup':
        out.push(h('p', null, YZ.t('meeting_not_open_live_later')));
        break;
      case 'check_in':
        out.push(h('p', null, YZ.t('check_in_table_discussion_starts')));
        break;
      case 'discussion': case 'picks': case 'pitches':
        if (m.pitch) out.push(onStage(m.pitch));
        out.push(h('h3', null, YZ.t('tables_live_heading')), h('ul', { class: 'tables', id: 'live-tables' }, m.tables.map(function (t) {
          return h('li', { class: 'state-' + t.state, 'data-table': t.table },
            h('span', { class: 'tname' }, t.name), ' ', h('span', { class: 'tstate' }, t.text),
            t.speaking ? h('span', { class: 'tspeak' }, YZ.t('speaking') + t.speaking) : null,
            t.picks.length ? h('span', { class: 'tpicks' }, t.picks.map(function (p) { return p.id + ' ' + p.title; }).join(YZ.t('list_sep'))) : null);
        })));
        break;
      case 'voting':
        out.push(h('p', { class: 'turnout', id: 'count-line' }, YZ.countLine(s)));
        if (m.tally) out.push(tally(m.tally));
        else out.push(h('p', { class: 'notice info', id: 'tally-hidden' }, YZ.t('by_meetings_rules_count_per')));
        break;
      default:
        if (m.results) out.push(results(m.results, m.how, s));
    }
    if (m.exclusions.length) {
      out.push(h('h3', null, YZ.t('excluded_before_vote')),
        h('ul', { class: 'plain', id: 'live-exclusions' }, m.exclusions.map(function (x) { return h('li', { 'data-id': x.proposal }, YZ.exclusionText(x, true)); })));
    }
    return out;
  }

  function onStage(p) {
    return h('div', { class: 'onstage' },
      h('h3', null, YZ.t('pitching') + p.name),
      h('ul', { class: 'plain' }, p.picks.map(function (c) {
        return h('li', null, h('b', null, h('span', { class: 'mono' }, c.id), ' ', c.title), h('br'),
          h('span', { class: 'muted' }, [c.location, YZ.t('cost_prefix') + c.costText].filter(Boolean).join(' · ')),
          c.costRemark ? [h('br'), h('span', { class: 'muted' }, c.costRemark)] : null,
          c.excluded ? [h('br'), h('b', { class: 'adv-excluded' }, c.excluded)] : null,
          c.adviser ? [h('br'), h('span', { class: 'adv-' + c.feasibility }, c.adviser, c.remark ? ' — ' + c.remark : '')] : null);
      })),
      h('p', { class: 'muted' }, p.next ? YZ.t('next_table_prefix') + p.next : YZ.t('last_table_short')));
  }

  function tally(rows) {
    return h('ol', { class: 'tally', id: 'live-tally', 'aria-label': YZ.t('live_tally') }, rows.map(function (r) {
      return h('li', { 'data-id': r.id, 'data-votes': r.votes },
        h('span', { class: 'bar', style: 'width:' + (r.share * 100).toFixed(1) + '%' }),
        h('span', { class: 'place' }, r.place),
        h('span', { class: 'title' }, h('span', { class: 'mono' }, r.id), ' ', r.title, r.picked.length ? ' ★' : '',
          r.excluded ? h('b', { class: 'adv-excluded' }, YZ.t('excluded')) : null),
        h('span', { class: 'votes' }, r.votes));
    }));
  }

  function results(r, how, s) {
    const money = function (n) { return YZ.money(n, r.currency); };
    const voids = YZ.voidLine(s);
    return [
      h('p', { class: 'summary' }, r.final ? h('b', null, YZ.t('published')) : YZ.t('counted_to_be_published'),
        YZ.t('budget_funded_for_left', { money: money(r.budget), funded: r.funded, money2: money(r.total), money3: money(r.left) })),
      h('p', { class: 'turnout', id: 'count-line' }, YZ.countLine(s)),
      voids ? h('p', { id: 'void-reasons' }, YZ.t('void_reasons_prefix'), voids) : null,
      r.equal ? h('p', { class: 'notice info', id: 'live-equal-shares' }, r.equal.text) : null,
      h('ol', { class: 'ranking', id: 'live-ranking' }, r.rows.map(function (row, i) {
        return [
          h('li', { class: row.funded ? 'funded' : 'unfunded', 'data-id': row.id, 'data-votes': row.votes, 'data-funded': row.funded ? '1' : '0' },
            h('span', { class: 'rank' }, row.rankText),
            h('span', { class: 'rtext' },
              h('span', { class: 'rtitle' }, h('span', { class: 'mono' }, row.id), ' ', row.title),
              h('span', { class: 'rmeta' }, YZ.t('result_votes_dot', { votes: row.votes }) + money(row.cost) + ' · ',
                row.funded ? h('b', { class: 'ok' }, YZ.t('funded_total') + money(row.running)) : row.reason,
                row.how === 'share' ? YZ.t('by_shares') : row.how === 'completion' ? YZ.t('completion') : ''))),
          i + 1 === r.line && r.line < r.rows.length ? h('li', { class: 'line', 'aria-label': YZ.t('budget_line') }, YZ.t('budget_line_mark')) : null
        ];
      })),
      r.ties.length ? [h('h3', null, YZ.t('ties_and_how_they_were')),
        h('ul', { class: 'ties' }, r.ties.map(function (g) {
          return h('li', null, YZ.t('tie_group_votes', { votes: g.votes }), g.proposals.map(function (p) { return p.id; }).join(' → '),
            g.decisive ? h('b', null, YZ.t('decided_funding')) : null);
        })), h('p', { class: 'muted' }, how)] : null,
      h('p', null, YZ.t('log_hash_at_close'), h('span', { class: 'mono hash', id: 'closed-head' }, YZ.groupHex(r.head))),
      h('p', null, h('a', { href: '/board', id: 'board-link' }, YZ.t('public_board_every_ballot_and')))
    ];
  }

  /** The whole list, grouped by table, for looking things up. */
  function proposals(s) {
    const pm = YZ.proposalMap(s), picks = V.picks(s), xm = YZ.exclusionMap(s);
    // Every table discusses every proposal: one list; else one per table's share.
    const parts = s.rules.assignment === 'all_tables'
      ? [{ name: YZ.t('all_proposals'), share: s.proposals.map(function (p) { return p.id; }) }] : s.tables;
    YZ.fill(YZ.$('#proposal-list'), parts.map(function (t) {
      return h('section', null, h('h3', null, t.name),
        h('ul', { class: 'plain' }, t.share.map(function (id) {
          const p = pm[id] || { id: id, title: id, cost: 0 };
          return h('li', null, h('b', null, h('span', { class: 'mono' }, p.id), ' ', p.title), picks[id] ? ' ★' : '', h('br'),
            h('span', { class: 'muted' }, [p.location, YZ.money(p.cost, s.rules.budget.currency)].filter(Boolean).join(' · ')),
            xm[id] ? [h('br'), h('b', { class: 'adv-excluded' }, YZ.exclusionText(xm[id]))] : null,
            p.description ? [h('br'), h('span', null, p.description)] : null);
        })));
    }));
  }

  function tick() {
    const els = document.querySelectorAll('[data-timer]');
    if (!snapshot || !snapshot.timer) return;
    const ms = YZ.remainingMs(snapshot.timer, session ? session.now() : Date.now());
    for (let i = 0; i < els.length; i++) els[i].textContent = YZ.clock(ms) + (snapshot.timer.paused ? YZ.t('paused') : '');
  }

  // ------------------------------------------------------------ connection

  function status(state, detail) {
    const el = YZ.$('#status');
    el.hidden = state === 'online';
    el.setAttribute('data-state', state);
    el.textContent = YZ.statusText(state, detail);
    if (state === 'refused') YZ.fill(body, h('p', null, YZ.t('this_hub_does_not_offer')));
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
    YZ.fill(body, h('p', null, YZ.t('no_public_live_view')));
  }
})();
