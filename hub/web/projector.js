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
  const YZ = window.YZ, V = YZ.views, h = YZ.h;

  let info = { base_url: location.protocol + '//' + location.host, public: true };
  let snapshot = null;
  let drawn = { scene: '', key: '' };
  let tallyEls = {};
  let token = YZ.takeToken('projector');
  let session = null;

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
    const m = { lang: YZ.lang(), phase: s.phase, meeting: s.meeting };
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
    const s = snapshot;
    document.title = s.meeting.name + ' · ' + YZ.t('projector');
    YZ.fill(YZ.$('#meeting-name'), s.meeting.name);
    YZ.fill(YZ.$('#phase'), YZ.phaseName(s.phase));
    drawFooter(s);
    const scene = sceneOf(s);
    const m = model(scene, s);
    const key = JSON.stringify(m);
    const el = YZ.$('#scene');
    if (scene !== drawn.scene || key !== drawn.key) {
      el.setAttribute('data-scene', scene);
      tallyEls = {};
      YZ.fill(el, SCENES[scene](m, s));
      drawn = { scene: scene, key: key };
    }
    if (scene === 'voting' && s.tally) drawTally(s);
    const line = YZ.$('#count-line');
    if (line) YZ.fill(line, YZ.countLine(s));
    const voids = YZ.$('#void-reasons');
    if (voids) YZ.fill(voids, YZ.voidLine(s));
    drawAnnouncements(s, scene);
    layout();
    tick();
  }

  function drawFooter(s) {
    YZ.fill(YZ.$('#foot-join'), YZ.t('follow_on_your_phone'), h('b', { class: 'mono' }, info.base_url));
    YZ.fill(YZ.$('#foot-fingerprint'), s.fingerprint
      ? [YZ.t('rules_fingerprint_prefix'), h('b', { class: 'mono', id: 'fingerprint' }, s.fingerprint)]
      : YZ.t('rules_lock_when_meeting_opens'));
    const e = V.electorate(s);
    YZ.fill(YZ.$('#foot-electorate'), e.fingerprint
      ? [YZ.t('electorate_fingerprint_prefix'), h('b', { class: 'mono', id: 'electorate-fingerprint' }, e.fingerprint),
        YZ.t('cards', { issued: e.issued })]
      : YZ.t('no_voter_cards_issued_yet'));
    // The head's first 16 digits: enough to compare with a photograph; the results show it whole.
    YZ.fill(YZ.$('#foot-head'), YZ.t('log') + s.seq + ' ',
      h('span', { class: 'mono', id: 'log-head', 'data-head': s.log_head }, YZ.groupHex(s.log_head, 16) + '…'));
  }

  function timerBlock(label) {
    return h('div', { class: 'bigclock' },
      h('p', { class: 'clock-label' }, YZ.timerLabel(label), YZ.t('clock_left_suffix'), ' ', h('span', { class: 'paused-mark', 'data-paused': '' })),
      h('p', { class: 'clock mono', 'data-timer': '' }, ''));
  }

  const SCENES = {
    setup: function (m) { return welcome(m, true); },
    welcome: function (m) { return welcome(m, false); },

    tables: function (m) {
      const n = m.tables.length, cols = n <= 3 ? n : n <= 6 ? 3 : n <= 12 ? 4 : n <= 20 ? 5 : 6;
      // Beyond six tables a card has room for three lines at 1rem: name, state, the picks' numbers.
      const compact = n > 6;
      return h('section', { class: 'tables-scene', 'aria-labelledby': 'scene-title' },
        h('div', { class: 'scene-head' },
          h('h2', { id: 'scene-title' }, m.phase === 'picks' ? YZ.t('tables_choose_their_picks') : YZ.t('table_discussion')),
          m.timer ? timerBlock(m.timer) : null),
        h('ul', { class: 'tablegrid cols-' + cols + (compact ? ' compact' : ''), style: 'grid-template-columns: repeat(' + cols + ', minmax(0, 1fr))' },
          m.tables.map(function (t) {
            return h('li', { class: 'tcard state-' + t.state, 'data-table': t.table },
              h('h3', null, t.name),
              h('p', { class: 'tstate' }, t.state === 'locked' ? '✓ ' : '', t.text),
              // One line: the table's balance (how many seats have spoken) and who speaks now.
              t.seats || t.speaking ? h('p', { class: 'tspeaking' },
                t.seats ? h('span', { class: 'tbalance', 'data-spoken': t.spoken, 'data-seats': t.seats },
                  YZ.t('spoke', { spoken: t.spoken, seats: t.seats })) : null,
                t.seats && t.speaking ? ' · ' : null,
                t.speaking ? YZ.t('speaking') + YZ.seatName(t.speaking) : null) : null,
              !t.picks.length ? null : compact
                ? h('p', { class: 'tpickids mono' }, t.picks.map(function (p) { return p.id; }).join(' '))
                : h('ol', { class: 'tpicks' }, t.picks.map(function (p) {
                  return h('li', null, h('span', { class: 'mono pid' }, p.id), ' ', p.title);
                })));
          })));
    },

    pitch: function (m) {
      const p = m.pitch;
      if (!p) return h('section', { class: 'pitch-scene empty' }, h('h2', null, YZ.t('waiting_for_first_pitch')));
      return h('section', { class: 'pitch-scene', 'aria-labelledby': 'scene-title' },
        h('div', { class: 'scene-head' },
          h('h2', { id: 'scene-title' }, h('span', { class: 'onstage' }, p.name), ' ', YZ.t('is_pitching')),
          m.timer ? timerBlock(m.timer) : null),
        h('ul', { class: 'pcards' }, p.picks.map(function (c) {
          return h('li', { class: 'pcard feas-' + (c.feasibility || 'none'), 'data-id': c.id },
            h('p', { class: 'pid mono' }, c.id),
            h('h3', { class: 'ptitle' }, c.title),
            c.location ? h('p', { class: 'ploc' }, h('span', { class: 'k' }, YZ.t('where')), ' ', c.location) : null,
            h('p', { class: 'pcost' }, h('span', { class: 'k' }, YZ.t('cost')), ' ', h('b', { 'data-cost': c.cost }, c.costText)),
            c.costRemark ? h('p', { class: 'pcostnote' }, c.costRemark) : null,
            c.excluded ? h('p', { class: 'pexcl' }, c.excluded) : null,
            c.description ? h('p', { class: 'pdesc' }, c.description) : null,
            c.adviser ? h('p', { class: 'padv' }, c.adviser) : null,
            c.remark ? h('blockquote', { class: 'premark' }, c.remark) : null);
        })),
        h('p', { class: 'pnext' },
          p.next ? [h('span', { class: 'k' }, YZ.t('next_table_label')), ' ', h('b', null, p.next)] : YZ.t('this_is_last_table'),
          p.done.length ? [' · ', h('span', { class: 'k' }, YZ.t('done_tables_label')), ' ', p.done.join(YZ.t('list_sep'))] : null));
    },

    voting: function (m) {
      const head = h('div', { class: 'scene-head vhead' },
        h('div', null,
          h('h2', { id: 'scene-title' }, YZ.t('voting_is_open')),
          h('p', { class: 'vrule' }, YZ.t('choose_at_most', { max: m.max }), m.hidden ? null : [' · ', h('span', { class: 'star' }, '★'), YZ.t('tables_pick')])),
        h('p', { class: 'vturnout', id: 'count-line' }),
        m.timer ? timerBlock(m.timer) : null);
      if (m.hidden) {
        return h('section', { class: 'vote-scene hidden-tally', 'aria-labelledby': 'scene-title' }, head,
          h('div', { class: 'hidden-note' },
            h('p', null, YZ.t('count_shown_when_vote_closes')),
            h('p', { class: 'muted' }, YZ.t('until_then_only_number_of'))),
          paperLine(m));
      }
      return h('section', { class: 'vote-scene', 'aria-labelledby': 'scene-title' }, head,
        h('div', { class: 'chart' }, h('ol', { class: 'tally', id: 'tally', 'aria-label': YZ.t('live_tally') })),
        h('p', { class: 'pager-line', id: 'tally-pages', hidden: '' }),
        paperLine(m));
    },

    results: function (m) {
      const r = m.results;
      if (!r) return h('section', { class: 'results-scene' }, h('h2', null, YZ.t('counting')));
      const funded = r.rows.filter(function (x) { return x.funded; });
      const rest = r.rows.filter(function (x) { return !x.funded; });
      const money = function (n) { return YZ.money(n, r.currency); };
      const votes = function (n) { return h('span', { class: 'votes' }, h('b', null, n), n === 1 ? YZ.t('one_vote_suffix') : YZ.t('votes_suffix')); };
      const rank = function (row) { return h('span', { class: 'rank' }, row.rankText); };
      return h('section', { class: 'results-scene', 'aria-labelledby': 'scene-title' },
        h('div', { class: 'rmain' },
          h('h2', { id: 'scene-title' }, r.final ? YZ.t('published_results') : YZ.t('count_to_be_published')),
          r.equal ? h('p', { class: 'es-how', id: 'equal-shares' }, r.equal.text) : null,
          h('h3', { class: 'rhead ok' }, YZ.t('funded_in_ranking_order'), ' ', h('span', { class: 'pageno', 'data-pages-for': 'rfunded' })),
          funded.length ? h('ol', { class: 'rfunded', id: 'rfunded' }, funded.map(function (row) {
            return h('li', { 'data-id': row.id, 'data-votes': row.votes, 'data-funded': '1', 'data-running': row.running },
              rank(row),
              h('span', { class: 'rtitle' }, h('span', { class: 'mono pid' }, row.id), ' ', row.title),
              votes(row.votes),
              row.how ? h('span', { class: 'how how-' + row.how }, row.how === 'share' ? YZ.t('shares') : YZ.t('how_funded_completion')) : null,
              h('span', { class: 'cost' }, money(row.cost)),
              h('span', { class: 'running' }, YZ.t('running_total_prefix') + money(row.running)));
          })) : h('p', { class: 'rnone' }, YZ.t('no_proposal_is_funded')),
          h('p', { class: 'budget-line', role: 'separator' },
            h('span', null, YZ.t('budget_line_prefix') + money(r.budget) + YZ.t('used') + money(r.total))),
          rest.length ? h('h3', { class: 'rhead' }, YZ.t('not_funded_and_why'), ' ', h('span', { class: 'pageno', 'data-pages-for': 'rrest' })) : null,
          rest.length ? h('ol', { class: 'rrest', id: 'rrest' }, rest.map(function (row) {
            return h('li', { 'data-id': row.id, 'data-votes': row.votes, 'data-funded': '0', 'data-reason': row.reasonCode },
              rank(row),
              h('span', { class: 'rtitle' }, h('span', { class: 'mono pid' }, row.id), ' ', row.title),
              votes(row.votes),
              h('span', { class: 'why' }, whyNot(row, r, money)));
          })) : null),
        h('aside', { class: 'rside', 'aria-label': YZ.t('budget_and_checks') },
          h('dl', { class: 'rsum' },
            h('dt', null, YZ.t('budget')), h('dd', null, money(r.budget)),
            h('dt', null, YZ.t('funded')), h('dd', { id: 'funded-summary' }, YZ.t('funded_count_prefix', { funded: r.funded }), h('span', { id: 'funded-total' }, money(r.total))),
            h('dt', null, YZ.t('budget_left')), h('dd', null, money(r.left)),
            h('dt', null, YZ.t('ballots')), h('dd', { id: 'count-line' }),
            r.paper && r.paper.void ? [h('dt', null, YZ.t('void_row')), h('dd', { id: 'void-reasons' })] : null,
            r.paper && r.paper.stickers ? [h('dt', null, YZ.t('stickers')), h('dd', { id: 'result-stickers' }, V.stickerLine(r.paper))] : null),
          h('div', { class: 'meter', role: 'img', 'aria-label': YZ.t('budget_used') + Math.round(100 * r.total / Math.max(1, r.budget)) + '%' },
            h('span', { style: 'width:' + Math.min(100, 100 * r.total / Math.max(1, r.budget)).toFixed(1) + '%' })),
          h('h3', null, YZ.t('ties'), r.ties.length ? [' ', h('span', { class: 'muted how' }, m.how)] : null),
          // As many ties as the side has room for (layout() hides the rest from the end), then how many more.
          r.ties.length ? h('ul', { class: 'ties', id: 'ties' }, r.ties.slice(0, 6).map(function (g) {
            return h('li', { class: g.decisive ? 'decisive' : '', 'data-tie': '' },
              h('b', null, YZ.t('votes', { votes: g.votes })), ' ',
              g.proposals.map(function (p) { return p.id; }).join(' → '),
              g.decisive ? h('span', { class: 'flag' }, YZ.t('decided_funding')) : null);
          }), h('li', { class: 'muted', id: 'ties-more', 'data-total': r.ties.length, hidden: '' }))
            : h('p', { class: 'muted' }, YZ.t('no_ties')),
          h('h3', null, YZ.t('log_hash_photograph_it')),
          h('p', { class: 'mono hash', id: 'closed-head', 'data-head': r.head }, YZ.groupHex(r.head)),
          h('div', { class: 'rboard' },
            h('img', { class: 'bqr', src: '/qr.svg?to=board', alt: YZ.t('qr_code_of_public_board') + m.board, width: 200, height: 200 }),
            h('div', null,
              h('p', { class: 'board-lead' }, YZ.t('scan_for_every_ballot_find')),
              h('p', { class: 'mono board-addr', id: 'board-address' }, m.board))),
          h('p', { class: 'muted' }, YZ.t('anyone_can_recount_it_notice'))));
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
      const left = leftAt(row, r);
      return YZ.t('left_not_enough_for', { money: money(left), money2: money(row.cost) });
    }
    if (row.reasonCode === 'stopped') return YZ.t('below_line_by_rules_funding');
    return row.reason;
  }

  function leftAt(row, r) {
    let es = r.equal, spent = 0;
    const bought = es ? es.selected : [], done = es ? es.completion : null;
    for (let i = 0; i < r.rows.length && r.rows[i] !== row; i++) {
      const x = r.rows[i];
      if (x.funded && (!done || done.indexOf(x.id) >= 0)) spent += x.cost;
    }
    r.rows.forEach(function (x) { if (bought.indexOf(x.id) >= 0) spent += x.cost; });
    return r.budget - spent;
  }

  /** How to vote without a phone, for the whole vote. */
  function paperLine(m) {
    return h('p', { class: 'vpaper', id: 'paper-how' }, h('b', null, YZ.t('no_phone')), ' ',
      YZ.t('take_paper_ballot_at_counting', { max: m.max }));
  }

  function welcome(m, notYet) {
    return h('section', { class: 'welcome', 'aria-labelledby': 'scene-title' },
      h('div', { class: 'wleft' },
        h('h2', { id: 'scene-title', class: 'wtitle' }, m.meeting.name),
        h('p', { class: 'wsub' }, [m.meeting.venue, m.meeting.date].filter(Boolean).join(' · ')),
        notYet ? h('p', { class: 'wnote' }, YZ.t('meeting_has_not_opened_yet')) : h('p', { class: 'wnote ok' }, YZ.t('welcome_please_check_in_and')),
        h('h3', null, notYet ? YZ.t('rules_locked_when_meeting_opens') : YZ.t('rules_locked')),
        h('dl', { class: 'rules' }, m.rules.map(function (r) { return [h('dt', null, r[0]), h('dd', null, r[1])]; })),
        m.fingerprint ? h('p', { class: 'fp' }, YZ.t('rules_fingerprint'), ' ', h('b', { class: 'mono', id: 'scene-fingerprint' }, m.fingerprint)) : null,
        electorateBlock(m.electorate)),
      h('div', { class: 'wright' },
        h('img', { class: 'qr', src: '/qr.svg', alt: YZ.t('qr_code') + m.join, width: 400, height: 400 }),
        h('p', { class: 'join' }, YZ.t('scan_or_open_on_your')),
        h('p', { class: 'addr mono', id: 'join-address' }, m.join)));
  }

  /**
   * Who may vote, before the vote opens: the cards issued (and cancelled),
   * how many were registered at the door, and the fingerprint of every
   * card issued, to photograph with the rules' fingerprint.
   */
  function electorateBlock(e) {
    return h('div', { class: 'electorate', id: 'electorate' },
      h('h3', null, YZ.t('who_may_vote_in_log')),
      h('p', null, YZ.t('voter_cards_issued'), h('b', { class: 'mono', id: 'electorate-issued' }, String(e.issued)), YZ.t('sheets_suffix'),
        e.cancelled ? [YZ.t('cancelled_sheets_prefix'), h('b', { class: 'mono', id: 'electorate-cancelled' }, String(e.cancelled)), YZ.t('sheets_suffix')] : null,
        e.registered !== null ? [YZ.t('registered_at_door'), h('b', { class: 'mono', id: 'electorate-registered' }, String(e.registered)), YZ.t('people_suffix')] : null),
      e.fingerprint ? h('p', { class: 'fp' }, YZ.t('electorate_fingerprint'), ' ', h('b', { class: 'mono', id: 'scene-electorate-fingerprint' }, e.fingerprint)) : null,
      h('p', { class: 'muted small' }, YZ.t('any_card_issued_once_vote')));
  }

  // ------------------------------------------------------------ announcements

  let announced = '';
  /** The strip under the bar: what the room must be told as it happens (not over the results). */
  function drawAnnouncements(s, scene) {
    const el = YZ.$('#announce');
    const items = scene === 'results' ? [] : V.announcements(s);
    const key = YZ.lang() + JSON.stringify(items);
    if (key === announced) return;
    announced = key;
    el.hidden = items.length === 0;
    const issues = items.filter(function (a) { return a.kind === 'issue'; });
    const claims = items.filter(function (a) { return a.kind === 'claim'; });
    const rest = items.filter(function (a) { return a.kind !== 'issue' && a.kind !== 'claim'; });
    // Every card issued during the vote, always; the rest as room allows.
    const shown = rest.slice(0, Math.max(1, 4 - issues.length)), more = rest.length - shown.length;
    YZ.fill(el, h('ul', { class: 'alist' },
      issues.map(function (a) { return h('li', { class: 'a-issue', 'data-kind': 'issue' }, h('b', null, '⚠ '), a.text); }),
      shown.map(function (a) { return h('li', { class: 'a-' + a.kind, 'data-kind': a.kind, 'data-id': a.id || null }, a.text); }),
      claims.length ? h('li', { class: 'a-claims', 'data-kind': 'claims' }, claims.map(function (c) {
        return h('span', { class: 'chip' + (c.flagged ? ' flagged' : ''), 'data-kind': 'claim' }, c.flagged ? '⚠ ' : '', c.text, c.also ? ' · ' + c.also : '');
      })) : null,
      more > 0 ? h('li', { class: 'muted' }, YZ.t('more_on_public_board_board', { more: more })) : null));
  }

  // ------------------------------------------------------------ tally (in place)

  function drawTally(s) {
    const list = YZ.$('#tally');
    if (!list) return;
    const rows = V.tally(s) || [];
    let prev = null;
    rows.forEach(function (r) {
      let el = tallyEls[r.id];
      if (!el) {
        el = tallyEls[r.id] = h('li', { class: 'trow', 'data-id': r.id },
          h('span', { class: 'tbar' }), h('span', { class: 'tplace' }), h('span', { class: 'tid mono' }, r.id),
          h('span', { class: 'ttitle', title: r.title }, r.title),
          r.picked.length ? h('span', { class: 'star', title: YZ.t('tables_pick_title') }, '★') : null,
          r.excluded ? h('span', { class: 'texcl' }, YZ.t('excluded_mark')) : null,
          h('span', { class: 'tvotes mono' }));
        if (r.excluded) el.classList.add('excluded');
      }
      if (el.getAttribute('data-votes') !== String(r.votes)) {
        el.setAttribute('data-votes', r.votes);
        el.querySelector('.tvotes').textContent = r.votes;
        el.setAttribute('aria-label', r.id + ' ' + r.title + ' ' + YZ.t('votes', { votes: r.votes }));
      }
      el.querySelector('.tbar').style.width = (r.share * 100).toFixed(2) + '%';
      el.querySelector('.tplace').textContent = r.place;
      // Keep the document order the vote order (screen readers, tests), moving only what moved.
      const want = prev ? prev.nextSibling : list.firstChild;
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
    let best = { cols: 1, rows: n, font: 0 };
    for (let c = 1; c <= 8; c++) {
      const rows = Math.ceil(n / c), gap = 16 * (c - 1);
      const font = Math.min(maxFont, hgt / rows / 1.38, (w - gap) / c / ems);
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
  const tallyPages = { fixed: 0, window: 0, page: 0 };
  function tallyGrid(list, n, box) {
    let w = box.clientWidth, hgt = box.clientHeight, b = base(), ems = 19;
    let f = fit(n, w, hgt, ems, b * 1.6);
    // Shorter titles before pages: every proposal on one screen while it can be read.
    if (f.font < b) { ems = 15; f = fit(n, w, hgt, ems, b * 1.6); }
    if (f.font < b) {
      const cols = Math.max(1, Math.floor((w + 16) / (ems * b + 16)));
      const rows = Math.max(1, Math.floor(hgt / (b * 1.38)));
      f = { cols: cols, rows: rows, font: b, rowH: Math.floor(hgt / rows) };
      const fixed = rows * Math.max(1, Math.floor(cols / 2));
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
    const rows = list.children, n = rows.length, t = tallyPages;
    const pages = t.window > 0 ? Math.ceil((n - t.fixed) / t.window) : 1, page = t.page % pages;
    for (let i = 0; i < n; i++) {
      const pg = i < t.fixed ? -1 : Math.floor((i - t.fixed) / t.window);
      rows[i].setAttribute('data-page', pg);
      rows[i].hidden = pg >= 0 && pg !== page;
    }
    const line = YZ.$('#tally-pages');
    if (!line) return;
    line.hidden = pages <= 1;
    if (pages > 1) {
      const from = t.fixed + page * t.window + 1, to = Math.min(n, t.fixed + (page + 1) * t.window);
      YZ.fill(line, YZ.t('top_always_shown_rest_in', { fixed: t.fixed, from: from, to: to, n: n, v: page + 1, pages: pages }));
      line.setAttribute('data-page', page);
      line.setAttribute('data-pages', pages);
    }
  }

  /**
   * A list of equal rows in `hgt` px: as many rows as fit, the rest in
   * pages (the page shown is pages[id]), with "第 1/3 页" beside its heading.
   */
  const pages = {};
  function paged(list, hgt, fontPx) {
    const items = list.children, n = items.length;
    if (!n) return;
    list.style.fontSize = fontPx + 'px';
    items[0].hidden = false;
    const rowH = items[0].offsetHeight || fontPx * 1.4;
    const per = Math.max(1, Math.floor(hgt / rowH)), count = Math.ceil(n / per), page = (pages[list.id] || 0) % count;
    list.style.gridTemplateRows = 'repeat(' + Math.min(per, n) + ', ' + rowH + 'px)';
    list.style.height = Math.min(per, n) * rowH + 'px';
    for (let i = 0; i < n; i++) {
      items[i].setAttribute('data-page', Math.floor(i / per));
      items[i].hidden = Math.floor(i / per) !== page;
    }
    const label = YZ.$('[data-pages-for="' + list.id + '"]');
    if (label) {
      label.textContent = count > 1 ? YZ.t('page', { v: page + 1, count: count }) : '';
      label.setAttribute('data-page', page);
      label.setAttribute('data-pages', count);
    }
  }

  function layout() {
    const scene = drawn.scene;
    if (scene === 'voting') {
      const list = YZ.$('#tally');
      if (list) {
        const line = YZ.$('#tally-pages'), had = line ? line.hidden : true;
        tallyGrid(list, list.children.length, list.parentNode);
        tallyShow(list);
        // The page line takes a line of the chart's height: measure again once it shows (or goes).
        if (line && line.hidden !== had) { tallyGrid(list, list.children.length, list.parentNode); tallyShow(list); }
      }
    } else if (scene === 'results') {
      const main = YZ.$('.rmain'), top = YZ.$('#rfunded'), rest = YZ.$('#rrest');
      if (!main) return;
      // Funded proposals get up to 55% of the height, at a larger size;
      // the others what is left, at 1rem; each pages what does not fit.
      let used = 0;
      for (let i = 0; i < main.children.length; i++) {
        const c = main.children[i];
        if (c !== top && c !== rest) used += c.offsetHeight + 6;
      }
      const avail = main.clientHeight - used, b = base();
      const nTop = top ? top.children.length : 0, nRest = rest ? rest.children.length : 0;
      const topH = nRest ? Math.min(avail * 0.55, Math.max(nTop, 1) * b * 1.7) : avail;
      if (top) paged(top, topH, Math.floor(b * 1.1));
      if (rest) paged(rest, avail - (top ? top.offsetHeight : 0), Math.floor(b));
      fitTies();
    }
  }

  /** The ties the side has room for, in order; "另有 N 组" for the others. */
  function fitTies() {
    const side = YZ.$('.rside'), more = YZ.$('#ties-more');
    if (!side || !more) return;
    const items = side.querySelectorAll('#ties li[data-tie]'), total = Number(more.getAttribute('data-total'));
    let shown = items.length;
    for (let i = 0; i < items.length; i++) items[i].hidden = false;
    const say = function () {
      const n = total - shown;
      more.hidden = n <= 0;
      more.textContent = n <= 0 ? '' : shown ? YZ.t('more_on_board', { n: n }) : YZ.t('ties_on_board', { n: n });
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
    const t = snapshot.timer, now = session ? session.now() : Date.now();
    const els = document.querySelectorAll('[data-timer]');
    const ms = YZ.remainingMs(t, now);
    for (let i = 0; i < els.length; i++) {
      els[i].textContent = t ? YZ.clock(ms) : '';
      els[i].classList.toggle('over', !!t && ms < 0);
      els[i].classList.toggle('low', !!t && ms >= 0 && ms < 60000);
    }
    const paused = document.querySelectorAll('[data-paused]');
    for (let j = 0; j < paused.length; j++) paused[j].textContent = t && t.paused ? YZ.t('paused_mark') : '';
    // The small clock in the bar, for scenes that have no big one.
    const bar = YZ.$('#bar-timer');
    const big = els.length > 0;
    bar.hidden = !t || big;
    if (t && !big) bar.textContent = YZ.timerLabel(t.label) + ' ' + YZ.clock(ms) + (t.paused ? YZ.t('paused') : '');
  }

  // ------------------------------------------------------------ connection

  const schedule = YZ.frame(draw);

  function status(state, detail) {
    const el = YZ.$('#status');
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
        h('h2', null, YZ.t('this_hub_does_not_allow')),
        h('p', null, YZ.t('open_this_page_from_projector'))));
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
    const d = document.documentElement;
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
