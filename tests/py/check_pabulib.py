#!/usr/bin/env python3
"""Check a Pabulib file exported by the hub against the research community's
own tools, installed from PyPI by scripts/setup-test-env:

1. pabulib-checker (the format's validator) must report no error — but
   two, each checked to be what it says and nothing else:
   - its own Method of Equal Shares breaks equal prices by lower cost, the
     hub by the meeting's ranking; when they differ, pabutools with the
     checker's tie-break must give exactly what the checker expected (so the
     difference is the tie-break and nothing else), and it is reported;
     when its tie-break cannot order two projects at all (same cost, same
     approvals) it stops with a processing error, which is reported and
     left to pabutools with the meeting's ranking;
   - a proposal that costs more than the whole budget keeps its real cost in
     the file, which the checker calls an error: every project it names must
     really cost more than the budget (and not be selected);
2. the file must say what the hub did: `selected` is 1 for exactly the
   funded proposals and 0 for the others, every cost is the proposal's real
   cost, and the rule is the one docs/export.md gives for the meeting: the
   standard name (`greedy-threshold`, `greedy-no-skip`, `equalshares`) when
   that rule, run here over every project of the file, funds exactly what the
   hub funded; `greedy-custom` / `unknown` only when it does not (an adviser's
   exclusion changed the outcome, or equal shares needed its completion step)
   or sticker boards were counted;
3. pabutools, reading the same file, must recompute the hub's outcome:
   - greedy_skip: greedy_utilitarian_welfare with cost satisfaction, i.e. by
     votes (satisfaction per yuan = votes); greedy_stop: the same walk,
     stopping at the first proposal that does not fit (written out here:
     pabutools has no such rule);
   - equal shares: method_of_equal_shares with cost satisfaction must buy
     exactly what the hub's shares bought, and
     completion_by_rule_combination(MES, greedy) must fund exactly the
     selected projects;
   both over the projects with at least one vote that no adviser excluded
   (the hub's rule) and with the meeting's tie-break given to pabutools as a
   tie-breaking rule (votes, then `lower_cost`, `list_order` or `lot`, from
   the hub's JSON export), computed here from the profile, not taken from
   the hub's ranking.

Usage: check_pabulib.py FILE.pb EXPORT.json
Prints one line per check; exits 1 on the first disagreement.
"""

import hashlib
import json
import os
import sys
from fractions import Fraction

from pabulib.checker import Checker
from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.election.instance import Instance
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule, lexico_tie_breaking


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run_checker(path):
    """The checker's verdict: (errors, warnings), each a dict by kind."""
    # The checker prints a progress line of its own; keep ours readable.
    results = Checker().process_files([path])
    key = os.path.splitext(os.path.basename(path))[0]
    res = results.get(key, {}).get("results", {})
    if not isinstance(res, dict):
        fail("pabulib-checker: %r" % res)
    return res.get("errors", {}), res.get("warnings", {})


# pabulib-checker's own Method of Equal Shares breaks equal prices by lower
# cost, then more approvals. The hub breaks them by the meeting's ranking
# (votes, then its tie_break), fixed in the rules before the meeting.
CHECKER_MES_TIES = TieBreakingRule(lambda inst, prof, p: (p.cost, -prof.approval_score(p)))


def ranking_key(export):
    """The meeting's tie-break as a sort key on a project id (after votes)."""
    rules = export["rules"]
    order = {p["id"]: i for i, p in enumerate(export["proposals"])}
    cost = {p["id"]: p["cost"] for p in export["proposals"]}
    tie = rules["tie_break"]
    if tie == "lower_cost":
        return lambda pid: (cost[pid], order[pid])
    if tie == "list_order":
        return lambda pid: order[pid]
    if tie == "lot":
        seed = export["results"]["closed_at_head"]
        return lambda pid: hashlib.sha256((seed + pid).encode("utf-8")).hexdigest()
    fail("unknown tie_break %r" % tie)


def names(alloc):
    return sorted(p.name for p in alloc)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    path, export_path = sys.argv[1], sys.argv[2]
    with open(export_path, encoding="utf-8") as f:
        export = json.load(f)
    errors, warnings = run_checker(path)
    tie_note = ""
    instance, profile = parse_pabulib(path)
    meta = instance.meta
    rule = meta["rule"]
    selected = {p.name: int(instance.project_meta[p].get("selected", 0)) for p in instance}
    if set(selected.values()) - {0, 1}:
        fail("selected must be 0 or 1: %s" % selected)
    funded_file = sorted(n for n, s in selected.items() if s == 1)
    funded_hub = sorted(export["results"]["funded"])
    if funded_file != funded_hub:
        fail("the file's selection %s is not the hub's %s" % (funded_file, funded_hub))
    real = {p["id"]: p["cost"] for p in export["proposals"]}
    costs = {p.name: p.cost for p in instance}
    if costs != {k: Fraction(v) for k, v in real.items()}:
        fail("the file's costs %s are not the proposals' real costs %s" % (costs, real))
    budget = export["rules"]["budget"]["amount"]
    allocation = export["rules"]["allocation"]
    ranking = export["results"]["ranking"]
    excluded = {r["proposal"] for r in ranking if r.get("unfunded_reason") == "excluded"}
    stickers = export["results"].get("stickers", 0) > 0
    standard = {"greedy_skip": "greedy-threshold", "greedy_stop": "greedy-no-skip", "equal_shares": "equalshares"}
    custom = {"greedy_skip": "greedy-custom", "greedy_stop": "greedy-custom", "equal_shares": "unknown"}
    if rule not in (standard[allocation], custom[allocation]):
        fail("rule %s for a meeting with allocation %s" % (rule, allocation))
    if int(meta["num_votes"]) != profile.num_ballots():
        fail("num_votes %s but %d ballots" % (meta["num_votes"], profile.num_ballots()))
    if Fraction(meta["budget"]) != Fraction(export["rules"]["budget"]["amount"]):
        fail("budget differs")
    print(
        "pabutools: read %d projects, %d ballots, budget %s, rule %s"
        % (len(instance), profile.num_ballots(), instance.budget_limit, rule)
    )

    key = ranking_key(export)
    # The hub's ranking: votes (counted here from the profile), then the tie-break.
    tie = TieBreakingRule(lambda inst, prof, p: (-prof.approval_score(p), key(p.name)))
    # The hub never funds a proposal without votes, nor one an adviser
    # excluded; a standard rule name claims the same outcome without
    # knowing of exclusions.
    voted = Instance(
        [p for p in instance if profile.approval_score(p) > 0 and p.name not in excluded],
        budget_limit=instance.budget_limit,
    )
    voted_all = Instance([p for p in instance if profile.approval_score(p) > 0], budget_limit=instance.budget_limit)

    def justify(plain_outcome, what):
        """The rule's name: standard exactly when the standard rule over
        every project of the file gives the hub's outcome."""
        if stickers:
            return
        if rule == standard[allocation] and plain_outcome != what:
            fail("rule %s, but over all the file's projects it gives %s, not %s" % (rule, plain_outcome, what))
        if rule == custom[allocation] and plain_outcome == what:
            fail("rule %s, but the standard rule over the file's projects gives the hub's %s" % (rule, what))
        print("rule %s: the standard rule over all the file's projects gives %s" % (rule, plain_outcome))

    # A proposal dearer than the whole budget keeps its real cost; the
    # checker calls that an error. Accept it only for such proposals.
    if "single project exceeded whole budget" in errors:
        named = " ".join(errors["single project exceeded whole budget"].values())
        dear = sorted(pid for pid, cost in real.items() if cost > budget)
        listed = sorted(pid for pid in real if "project `%s`" % pid in named)
        if listed != dear or any(selected[pid] for pid in dear):
            fail("pabulib-checker's over-budget projects %s are not the proposals dearer than the budget %s" % (listed, dear))
        print("pabulib-checker: %d proposals cost more than the whole budget (real costs kept): %s" % (len(dear), dear))
        del errors["single project exceeded whole budget"]
        tie_note = " apart from the proposals dearer than the budget"

    if stickers:
        # A meeting with sticker boards cannot be recomputed from its ballots:
        # the checker's verdict is what can be checked.
        if rule != custom[allocation]:
            fail("a meeting with sticker boards is %s, not %s" % (custom[allocation], rule))
        print("pabutools: rule %s is checked by pabulib-checker only" % rule)
    elif allocation == "greedy_skip":
        justify(names(greedy_utilitarian_welfare(voted_all, profile, sat_class=Cost_Sat, tie_breaking=tie)), funded_hub)
        got = names(greedy_utilitarian_welfare(voted, profile, sat_class=Cost_Sat, tie_breaking=tie))
        if got != funded_hub:
            fail("pabutools greedy funds %s, the hub %s" % (got, funded_hub))
        if export["rules"]["tie_break"] == "list_order":
            # With ids in list order, pabutools' own default (lexicographic) tie-break is the hub's.
            lex = names(greedy_utilitarian_welfare(voted, profile, sat_class=Cost_Sat, tie_breaking=lexico_tie_breaking))
            if lex != funded_hub:
                fail("pabutools greedy (lexicographic ties) funds %s, the hub %s" % (lex, funded_hub))
        print("pabutools greedy agrees: %d funded %s" % (len(got), got))
    elif allocation == "greedy_stop":
        justify(greedy_stop(voted_all, profile, tie), funded_hub)
        got = greedy_stop(voted, profile, tie)
        if got != funded_hub:
            fail("greedy stopping at the first misfit funds %s, the hub %s" % (got, funded_hub))
        print("greedy stopping at the first misfit agrees: %d funded %s" % (len(got), got))
    else:
        mes = names(method_of_equal_shares(voted, profile, sat_class=Cost_Sat, tie_breaking=tie))
        stuck = errors.get("processing error", {})
        if stuck and all("tie-breaking failed" in str(v) for v in stuck.values()):
            # Its own tie-break (lower cost, then more approvals) cannot order
            # two projects equal on both: it stops there. The meeting's
            # ranking can, and pabutools follows it below.
            print("pabulib-checker: its own equal shares cannot break a tie (%s); pabutools decides below"
                  % "; ".join(map(str, stuck.values())))
            del errors["processing error"]
            tie_note = " apart from a tie it cannot break"
        if "equalshares rule not followed" in errors:
            # Only a different tie-break may explain it: pabutools with the
            # checker's convention must give exactly what the checker expected.
            theirs = names(method_of_equal_shares(voted, profile, sat_class=Cost_Sat, tie_breaking=CHECKER_MES_TIES))
            expected = checker_expects(errors["equalshares rule not followed"], selected)
            if theirs != expected or theirs == mes:
                fail("pabulib-checker's equal shares (%s) is not explained by its tie-break (%s)" % (expected, theirs))
            print(
                "pabulib-checker: equal prices broken its own way (lower cost first) buy %s; the meeting's tie-break buys %s"
                % (theirs, mes)
            )
            del errors["equalshares rule not followed"]
            tie_note += " apart from that tie-break"
        bought = sorted(export["results"]["equal_shares"]["selected"])
        completed = sorted(export["results"]["equal_shares"]["completion"])
        # The standard name says the shares alone bought everything funded.
        plain = names(method_of_equal_shares(voted_all, profile, sat_class=Cost_Sat, tie_breaking=tie))
        justify(plain if not completed else None, funded_hub)
        if mes != bought:
            fail("pabutools MES buys %s, the hub's shares bought %s" % (mes, bought))
        if rule == "equalshares" and bought != funded_file:
            fail("rule equalshares but the file's selection %s is not what the shares bought %s" % (funded_file, bought))
        full = names(
            completion_by_rule_combination(
                voted,
                profile,
                [method_of_equal_shares, greedy_utilitarian_welfare],
                [{"sat_class": Cost_Sat, "tie_breaking": tie}, {"sat_class": Cost_Sat, "tie_breaking": tie}],
            )
        )
        if full != funded_hub:
            fail("pabutools MES + greedy completion funds %s, the hub %s" % (full, funded_hub))
        print("pabutools equal shares agrees: %d bought by the shares, %d with completion %s" % (len(mes), len(full), full))
    if errors:
        fail("pabulib-checker: %s" % json.dumps(errors, ensure_ascii=False, indent=1))
    print("pabulib-checker: valid%s (warnings: %s)" % (tie_note, ", ".join(sorted(warnings)) or "none"))
    print("ok " + json.dumps({"rule": rule, "funded": funded_hub, "warnings": sorted(warnings)}, ensure_ascii=False))


def greedy_stop(instance, profile, tie):
    """Down the ranking (votes, then the tie-break), funding what fits and
    stopping at the first proposal that does not."""
    left = instance.budget_limit
    funded = []
    for p in sorted(instance, key=lambda p: tie.func(instance, profile, p)):
        if p.cost > left:
            break
        funded.append(p.name)
        left -= p.cost
    return sorted(funded)


def checker_expects(details, selected):
    """What the checker's message says it would have selected."""
    text = " ".join(details.values())
    should, shouldnt = set(), set()
    for part in text.split(". "):
        if part.startswith("Projects not selected but should be:"):
            should |= {x.strip() for x in part.split(":", 1)[1].split(",")}
        elif part.startswith("Projects selected but shouldn't be:"):
            shouldnt |= {x.strip().rstrip(".") for x in part.split(":", 1)[1].split(",")}
    ours = {n for n, s in selected.items() if s == 1}
    return sorted((ours - shouldnt) | should)


if __name__ == "__main__":
    main()
