/* views.js — what the public pages (projector, landing page's live view,
 * voter page) show for a snapshot, as plain data: the tally in vote order,
 * the ranking with its budget line, ties and how they were broken, each
 * table's progress, the rules card. Pure functions of the snapshot (and
 * the language), no DOM, so every page draws the same facts the same way.
 *
 * ES2017 at most; extends window.YZ (load after yz.js).
 */
(function () {
  'use strict';
  const YZ = window.YZ;
  const V = {};

  /** Proposal id → table numbers whose picks include it. */
  V.picks = function (s) {
    const m = {};
    (s.tables || []).forEach(function (t) {
      (t.picks || []).forEach(function (id) { (m[id] = m[id] || []).push(t.table); });
    });
    return m;
  };

  V.tableName = function (s, n) {
    const t = (s.tables || []).filter(function (x) { return x.table === n; })[0];
    return t ? t.name : YZ.t('table', { n: n });
  };

  /**
   * The live tally as rows in vote order (most first; equal votes in list
   * order), or null when the rules hide it. Every proposal is a row.
   */
  V.tally = function (s) {
    if (!s.tally) return null;
    const counts = s.tally.counts || {}, picks = V.picks(s), xm = YZ.exclusionMap(s);
    const rows = (s.proposals || []).map(function (p, i) {
      return { id: p.id, title: p.title, location: p.location, votes: counts[p.id] || 0, order: i, picked: picks[p.id] || [], excluded: !!xm[p.id] };
    });
    rows.sort(function (a, b) { return b.votes - a.votes || a.order - b.order; });
    const max = rows.length ? rows[0].votes : 0;
    rows.forEach(function (r, i) {
      r.place = i + 1;
      r.share = max > 0 ? r.votes / max : 0;
    });
    return rows;
  };

  /**
   * Ballots received so far: the one number every page shows as "已收到"
   * (YZ.count; the turnout is there even when the tally is hidden).
   */
  V.ballots = function (s) { return YZ.count(s).received; };

  V.tallyHidden = function (s) { return !s.tally && s.rules && s.rules.tally === 'hidden_until_close'; };

  const REASONS = {
    no_votes: 'no_votes',
    excluded: 'excluded_before_vote_short',
    does_not_fit: 'does_not_fit_remaining_budget',
    stopped: 'below_budget_line'
  };
  V.reason = function (code) { const n = REASONS[code]; return n ? YZ.t(n) : (code || ''); };

  /**
   * The ranking with everything a row shows, and where the budget line
   * falls: `line` is the number of rows down to the last funded one (the
   * rows above the line, skipped misfits included).
   */
  V.results = function (s) {
    const r = s.results;
    if (!r) return null;
    let pm = YZ.proposalMap(s), picks = V.picks(s), last = 0, es = r.equal_shares;
    // A rank two proposals share is written "3=" on every page (the notice too).
    const seen = {}, shared = {};
    r.ranking.forEach(function (row) { if (seen[row.rank]) shared[row.rank] = true; seen[row.rank] = true; });
    const rows = r.ranking.map(function (row, i) {
      const p = pm[row.proposal] || { title: row.proposal, location: '' };
      if (row.funded) last = i + 1;
      return {
        id: row.proposal, title: p.title, location: p.location, rank: row.rank, position: row.position,
        rankText: shared[row.rank] ? row.rank + '=' : String(row.rank),
        votes: row.votes, cost: row.cost, funded: row.funded, running: row.running_total,
        reason: row.funded ? '' : V.reason(row.unfunded_reason), reasonCode: row.unfunded_reason || '',
        picked: picks[row.proposal] || [],
        // Under equal shares: bought by the voters' shares, or added by the completion step.
        how: !es || !row.funded ? '' : es.selected.indexOf(row.proposal) >= 0 ? 'share' : 'completion'
      };
    });
    return {
      rows: rows, line: last, ballots: r.ballots, budget: r.budget, total: r.total_cost,
      left: r.budget - r.total_cost, funded: r.funded.length, currency: s.rules.budget.currency,
      ties: V.ties(s), head: r.closed_at_head, final: s.phase === 'published',
      paper: V.paperCounts(s), equal: V.equalShares(s)
    };
  };

  /**
   * The count's numbers for a page that gets no `turnout` (a voter's):
   * from the results, the same numbers every other page shows at the close
   * (received = counted + void; the results count valid ballots).
   */
  V.closedTurnout = function (s) {
    const r = s.results;
    if (!r) return null;
    return { turnout: { ballots: r.ballots + r.void, valid: r.ballots, void: r.void, phone: r.ballots - r.paper, paper: r.paper + r.void, stickers: r.stickers } };
  };

  /** The count's ballots by kind, when paper or stickers took part (null for a phone-only vote). */
  V.paperCounts = function (s) {
    const r = s.results;
    if (!r || !(r.paper || r.void || r.stickers)) return null;
    return { phone: r.ballots - r.paper, paper: r.paper, void: r.void, stickers: r.stickers };
  };

  /** "贴纸 57 票": sticker votes (in the votes, not ballots), or '' when there were none. */
  V.stickerLine = function (p) {
    return p && p.stickers ? YZ.t('sticker_votes_in_votes', { stickers: p.stickers }) : '';
  };

  function joinIds(ids) { return ids.join(YZ.t('list_sep')); }

  /**
   * How the Method of Equal Shares decided, in one sentence: each voter's
   * share, what the shares bought (in that order), what the completion step
   * added from the top of the ranking. Null under the other rules.
   */
  V.equalShares = function (s) {
    const r = s.results;
    if (!r || !r.equal_shares) return null;
    const es = r.equal_shares, share = YZ.money(Number(es.share), s.rules.budget.currency);
    const text = YZ.t('es_split', { voters: es.voters, share: share }) +
      (es.selected.length ? YZ.t('es_bought', { ids: joinIds(es.selected) }) : YZ.t('es_bought_nothing')) +
      (es.completion.length ? YZ.t('es_completion', { ids: joinIds(es.completion) }) : YZ.t('es_end'));
    return { voters: es.voters, share: share, selected: es.selected, completion: es.completion, text: text };
  };

  /** Ties among proposals with votes, decisive ones (those that changed what is funded) first. */
  V.ties = function (s) {
    const r = s.results;
    if (!r) return [];
    const pm = YZ.proposalMap(s);
    const list = r.ties.map(function (g) {
      return {
        votes: g.votes, decisive: g.decisive,
        proposals: g.proposals.map(function (id) { return { id: id, title: (pm[id] || { title: id }).title }; })
      };
    });
    list.sort(function (a, b) { return (b.decisive ? 1 : 0) - (a.decisive ? 1 : 0) || b.votes - a.votes; });
    return list;
  };

  /** How the meeting's tie-break put a tie in order, in one sentence. */
  V.tieHow = function (s) {
    switch (s.rules.tie_break) {
      case 'lower_cost': return YZ.t('by_rule_lower_cost_first');
      case 'list_order': return YZ.t('by_rule_earlier_in_list');
      case 'lot': return YZ.t('by_rule_public_lot_seeded');
      default: return s.rules.tie_break;
    }
  };

  /** One table's progress: state 'discussing' | 'picked' | 'locked'. */
  V.table = function (s, t) {
    const pm = YZ.proposalMap(s), want = s.rules.picks_per_table, n = (t.picks || []).length;
    const state = t.picks_locked ? 'locked' : n > 0 ? 'picked' : 'discussing';
    const text = state === 'locked' ? YZ.t('picks_locked')
      : state === 'picked' ? YZ.t('picked_not_locked', { n: n, want: want })
      : YZ.t('discussing');
    return {
      table: t.table, name: t.name, state: state, text: text, speaking: t.speaking || '',
      // The speaking balance: seats that have spoken (or speak now) of those queued.
      spoken: t.spoken || 0, seats: t.seats || 0,
      picks: (t.picks || []).map(function (id) { return { id: id, title: (pm[id] || { title: id }).title }; })
    };
  };

  /** The table on stage during pitches: its picks with cost and the adviser's word. */
  V.pitch = function (s) {
    if (!s.pitch) return null;
    const pm = YZ.proposalMap(s), am = YZ.annotationMap(s);
    const t = (s.tables || []).filter(function (x) { return x.table === s.pitch.table; })[0];
    return {
      table: s.pitch.table, name: V.tableName(s, s.pitch.table),
      next: s.pitch.next ? V.tableName(s, s.pitch.next) : '',
      done: (s.pitch.done || []).map(function (n) { return V.tableName(s, n); }),
      picks: (t ? t.picks : []).map(function (id) {
        const p = pm[id] || { id: id, title: id, location: '', cost: 0 };
        return V.proposal(p, am[id], s.rules.budget.currency, s);
      })
    };
  };

  V.feasibility = YZ.feasibilityName;

  /**
   * A proposal as residents see it: the one cost (`proposals[].cost`, what
   * the count uses) with, beside it, a labelled remark (the adviser's
   * estimate, or the list cost when the estimate was adopted); the
   * adviser's word (an exclusion is only a recommendation); and a
   * confirmed exclusion. `s` (the snapshot) gives the exclusions and
   * adopted costs.
   */
  V.proposal = function (p, a, currency, s) {
    let x = s ? YZ.exclusionMap(s)[p.id] : null, adviser = '';
    if (a) {
      adviser = a.feasibility === 'excluded' && a.exclusion_rule ? YZ.recommendText(a.exclusion_rule)
        : YZ.t('adviser') + V.feasibility(a.feasibility);
    }
    const c = s ? YZ.costOf(s, p, currency) : { text: YZ.money(p.cost, currency), remark: '' };
    return {
      id: p.id, title: p.title, location: p.location || '', description: p.description || '', category: p.category || '',
      cost: p.cost, costText: c.text, costRemark: c.remark,
      feasibility: x ? 'excluded' : (a ? a.feasibility : ''), adviser: x ? '' : adviser, remark: a ? (a.remark || '') : '',
      excluded: x ? YZ.exclusionText(x) : ''
    };
  };

  /** The rules card: [label, value] pairs, fixed before the meeting opened. */
  V.rules = function (s) {
    const r = s.rules;
    return [
      [YZ.t('tables'), YZ.t('tables_and_proposals', { tables: r.tables.length, proposals: s.proposals.length })],
      [YZ.t('picks_per_table'), YZ.t('picks_per_table_value', { picks_per_table: r.picks_per_table })],
      [YZ.t('choices_per_voter'), YZ.t('at_most_choices', { max: r.max_choices })],
      [YZ.t('budget'), YZ.money(r.budget.amount, r.budget.currency)],
      [YZ.t('funding'), YZ.allocationName(r.allocation)],
      [YZ.t('ties'), YZ.tieBreakName(r.tie_break)],
      [YZ.t('tally'), r.tally === 'live' ? YZ.t('shown_live_during_vote') : YZ.t('hidden_until_vote_closes')]
    ];
  };

  /**
   * The electorate as the room sees it before the vote: cards issued and
   * cancelled, the door register, the fingerprint of every issued card.
   */
  V.electorate = function (s) {
    const e = s.electorate || {}, c = YZ.count(s);
    return { issued: e.cards_issued || 0, cancelled: e.cards_cancelled || 0, fingerprint: e.fingerprint || '', registered: c.registered };
  };

  /**
   * What the room must be told, as it happens: every card issue made during
   * the vote (all of them, first), confirmed exclusions, costs adopted from
   * the adviser, the desk cards' claims (flagged when the organiser's console
   * was on the same address) and how many cards were cancelled. Each item:
   * {kind, text, at, also, flagged}; newest first within a kind.
   */
  V.announcements = function (s) {
    let e = s.electorate || {}, out = [];
    const newest = function (a, b) { return b.at - a.at; };
    const issues = (e.issuances || []).filter(function (i) { return i.during_vote; }).map(function (i) {
      return { kind: 'issue', text: YZ.issueText(i), at: i.at_ms };
    }).sort(newest);
    const excl = (s.exclusions || []).map(function (x) { return { kind: 'exclusion', text: YZ.exclusionText(x), at: x.at_ms, id: x.proposal }; }).sort(newest);
    const cur = s.rules ? s.rules.budget.currency : 'CNY';
    const costs = (s.adopted_costs || []).map(function (a) {
      return { kind: 'cost', at: 0, id: a.proposal, text: YZ.t('adopted_estimate_notice', { proposal: a.proposal, money: YZ.money(a.cost, cur), money2: YZ.money(a.list_cost, cur) }) };
    });
    const claims = (e.desk || []).map(function (d) {
      const c = YZ.claimText(d);
      return c ? { kind: 'claim', text: c.text, also: c.also, flagged: c.flagged, at: d.claim.at_ms } : null;
    }).filter(Boolean).sort(newest);
    out = out.concat(issues, excl, costs, claims);
    const n = (e.cancellations || []).length;
    if (n) {
      const last = e.cancellations[n - 1];
      out.push({ kind: 'cancel', at: last.at_ms, text: YZ.t('voter_cards_cancelled_latest', { n: n, cancelText: YZ.cancelText(last) }) });
    }
    return out;
  };

  /** Phase index, for "before voting" / "after the count" tests. */
  V.at = function (s, phase) { return YZ.PHASES.indexOf(s.phase) >= YZ.PHASES.indexOf(phase); };

  YZ.views = V;
})();
