#!/usr/bin/env python3
"""Check a Pabulib file exported by the hub against the research community's
own tools, installed from PyPI by scripts/setup-test-env:

1. pabulib-checker (the format's validator) must report no error — but
   one: its own Method of Equal Shares breaks equal prices by lower cost,
   the hub by the meeting's ranking; when they differ, pabutools with the
   checker's tie-break must give exactly what the checker expected (so the
   difference is the tie-break and nothing else), and it is reported; when
   its tie-break cannot order two projects at all (same cost, same
   approvals) it stops with a processing error, which is reported and left
   to pabutools with the meeting's ranking;
2. pabutools, reading the same file, must recompute the hub's outcome:
   - greedy (`greedy-threshold`): greedy_utilitarian_welfare with cost
     satisfaction, i.e. by votes (satisfaction per yuan = votes);
   - equal shares (`equalshares`): method_of_equal_shares with cost
     satisfaction must buy exactly the `selected 1` projects, and
     completion_by_rule_combination(MES, greedy) must fund exactly the
     `selected 1 or 2` ones;
   both over the projects with at least one vote (the hub's rule: a proposal
   nobody voted for is never funded) and with the meeting's tie-break given
   to pabutools as a tie-breaking rule (votes, then `lower_cost`,
   `list_order` or `lot`, from the hub's JSON export), computed here from the
   profile, not taken from the hub's ranking;
3. the selection in the file must be the one in the hub's JSON export.

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
    instance, profile = parse_pabulib(path)
    meta = instance.meta
    rule = meta["rule"]
    selected = {p.name: int(instance.project_meta[p].get("selected", 0)) for p in instance}
    funded_file = sorted(n for n, s in selected.items() if s in (1, 2))
    funded_hub = sorted(export["results"]["funded"])
    if funded_file != funded_hub:
        fail("the file's selection %s is not the hub's %s" % (funded_file, funded_hub))
    if int(meta["num_votes"]) != profile.num_ballots():
        fail("num_votes %s but %d ballots" % (meta["num_votes"], profile.num_ballots()))
    if Fraction(meta["budget"]) != Fraction(export["rules"]["budget"]["amount"]):
        fail("budget differs")
    print(
        "pabutools: read %d projects, %d ballots, budget %s, rule %s"
        % (len(instance), profile.num_ballots(), instance.budget_limit, rule)
    )

    tie_note = ""
    key = ranking_key(export)
    # The hub's ranking: votes (counted here from the profile), then the tie-break.
    tie = TieBreakingRule(lambda inst, prof, p: (-prof.approval_score(p), key(p.name)))
    # The hub never funds a proposal without votes.
    voted = Instance([p for p in instance if profile.approval_score(p) > 0], budget_limit=instance.budget_limit)

    if rule in ("greedy-threshold", "greedy"):
        got = names(greedy_utilitarian_welfare(voted, profile, sat_class=Cost_Sat, tie_breaking=tie))
        if got != funded_hub:
            fail("pabutools greedy funds %s, the hub %s" % (got, funded_hub))
        if export["rules"]["tie_break"] == "list_order":
            # With ids in list order, pabutools' own default (lexicographic) tie-break is the hub's.
            lex = names(greedy_utilitarian_welfare(voted, profile, sat_class=Cost_Sat, tie_breaking=lexico_tie_breaking))
            if lex != funded_hub:
                fail("pabutools greedy (lexicographic ties) funds %s, the hub %s" % (lex, funded_hub))
        print("pabutools greedy agrees: %d funded %s" % (len(got), got))
    elif rule == "equalshares":
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
            tie_note = " apart from that tie-break"
        bought = sorted(n for n, s in selected.items() if s == 1)
        if mes != bought:
            fail("pabutools MES buys %s, the file's selected 1 is %s" % (mes, bought))
        if sorted(export["results"]["equal_shares"]["selected"]) != bought:
            fail("the file's selected 1 %s is not the hub's equal_shares.selected" % bought)
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
    elif rule in ("greedy-no-skip", "greedy-custom"):
        # pabutools has no stop-at-the-first-misfit greedy, and a meeting with
        # sticker boards cannot be recomputed from its ballots: the checker's
        # verdict above is what can be checked.
        print("pabutools: rule %s is checked by pabulib-checker only" % rule)
    else:
        fail("unexpected rule %r" % rule)
    if errors:
        fail("pabulib-checker: %s" % json.dumps(errors, ensure_ascii=False, indent=1))
    print("pabulib-checker: valid%s (warnings: %s)" % (tie_note, ", ".join(sorted(warnings)) or "none"))
    print("ok " + json.dumps({"rule": rule, "funded": funded_hub, "warnings": sorted(warnings)}, ensure_ascii=False))


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
