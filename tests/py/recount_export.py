#!/usr/bin/env python3
"""Recount a meeting from its JSON export alone, by the recipe in docs/export.md.

    python3 tests/py/recount_export.py export.json

Follows the five steps of "To recount from this file" literally (votes from
the ballots and the agreed sticker boards, the one cost per proposal, the
ranking, the funding, who could vote) and compares each with what the hub
wrote in the same file. Standard library only. Exit status 0 when the recipe
gives the export's tally, ranking and funded list and the turnout adds up;
1 otherwise, naming each difference; 2 when the file cannot be read.
"""

import hashlib
import json
import sys
from fractions import Fraction


def tally_of(x):
    """Step 1. Votes: valid ballots' choices, plus the stickers on agreed boards."""
    tally = {p["id"]: 0 for p in x["proposals"]}
    for b in x["ballots"]:
        if not b["void"]:
            for pid in b["choices"]:
                tally[pid] += 1
    for board in x["paper"]["boards"]:
        if board["status"] == "agreed":
            for pid, n in board["counts"].items():
                tally[pid] += n
    return tally


def costs_of(x):
    """Step 2. A proposal's cost: its adopted cost, else the list's."""
    cost = {p["id"]: p["cost"] for p in x["proposals"]}
    for a in x["adopted_costs"]:
        cost[a["proposal"]] = a["cost"]
    return cost


def ranking_of(x, tally, cost):
    """Step 3. Votes, most first; equal votes by the tie-break."""
    order = [p["id"] for p in x["proposals"]]
    tie_break = x["rules"]["tie_break"]
    seed = x["results"]["closed_at_head"]

    def key(pid):
        if tie_break == "lower_cost":
            second = (cost[pid], order.index(pid))
        elif tie_break == "lot":
            second = (hashlib.sha256((seed + pid).encode("utf-8")).hexdigest(),)
        else:
            second = (order.index(pid),)
        return (-tally[pid],) + second

    return sorted(order, key=key)


def equal_shares(ranking, eligible, ballots, cost, budget):
    """docs/verification.md §7 steps 1–3, with the non-void ballots as the voters."""
    n = len(ballots)
    if n == 0:
        return []
    money = [Fraction(budget, n)] * n
    supporters = {pid: [i for i, b in enumerate(ballots) if pid in b] for pid in ranking}
    left = [pid for pid in ranking if pid in eligible]
    bought = []
    while True:
        best = None
        for pid in list(left):
            c, s = cost[pid], supporters[pid]
            if sum(money[i] for i in s) < c:
                left.remove(pid)
                continue
            if c == 0:
                rho, price = Fraction(0), Fraction(0)
            else:
                paid, k, rho = Fraction(0), len(s), None
                for i in sorted(s, key=lambda i: money[i]):
                    r = (c - paid) / k
                    if r > money[i]:
                        paid += money[i]
                        k -= 1
                    else:
                        rho = r
                        break
                price = rho / c
            if best is None or price < best[0]:
                best = (price, pid, rho)
        if best is None:
            return bought
        _, pid, rho = best
        for i in supporters[pid]:
            money[i] -= min(money[i], rho)
        bought.append(pid)
        left.remove(pid)


def funded_of(x, ranking, tally, cost):
    """Step 4. Eligible: a vote at least, not in `exclusions`; then the rule."""
    excluded = {e["proposal"] for e in x["exclusions"]}
    eligible = [pid for pid in ranking if tally[pid] > 0 and pid not in excluded]
    budget = x["rules"]["budget"]["amount"]
    rule = x["rules"]["allocation"]
    funded, left = set(), budget
    if rule == "equal_shares":
        ballots = [set(b["choices"]) for b in x["ballots"] if not b["void"]]
        bought = equal_shares(ranking, set(eligible), ballots, cost, budget)
        funded = set(bought)
        left = budget - sum(cost[pid] for pid in bought)
    for pid in eligible:
        if pid in funded:
            continue
        if cost[pid] <= left:
            funded.add(pid)
            left -= cost[pid]
        elif rule == "greedy_stop":
            break
    return [pid for pid in ranking if pid in funded]


def who_could_vote(x, problems):
    """Step 5. The turnout adds up, with the electorate and the register."""
    t, el = x["turnout"], x["electorate"]
    ballots = x["ballots"]
    phone = sum(1 for b in ballots if b["method"] == "phone")
    paper = sum(1 for b in ballots if b["method"] == "paper")
    void = sum(1 for b in ballots if b["void"])
    stickers = sum(sum(b["counts"].values()) for b in x["paper"]["boards"] if b["status"] == "agreed")
    sums = [
        ("turnout.ballots = phone + paper", t["ballots"], t["phone"] + t["paper"]),
        ("turnout.valid = ballots - void", t["valid"], t["ballots"] - t["void"]),
        ("turnout.void = the void reasons", t["void"], sum(t["void_reasons"].values())),
        ("turnout.phone = phone ballots", t["phone"], phone),
        ("turnout.paper = paper ballots", t["paper"], paper),
        ("turnout.void = void ballots", t["void"], void),
        ("turnout.stickers = agreed boards", t["stickers"], stickers),
        ("cards issued = the issuances", el["cards_issued"], sum(i["count"] for i in el["issuances"])),
        ("cards cancelled = the cancellations", el["cards_cancelled"], len(el["cancellations"])),
        ("turnout.cards_issued", t["cards_issued"], el["cards_issued"]),
        ("turnout.cards_cancelled", t["cards_cancelled"], el["cards_cancelled"]),
    ]
    reg = x["register"]
    line = None
    if x["rules"].get("registration") == "door":
        kinds = [r["issue"]["kind"] for r in reg]
        held = sum(r["issue"]["stickers"] for r in reg if r["issue"]["kind"] == "stickers")
        r = t["register"]
        sums += [
            ("register.registered", r["registered"], len(reg)),
            ("register.cards", r["cards"], kinds.count("card")),
            ("register.paper", r["paper"], kinds.count("paper")),
            ("register.sticker_sheets", r["sticker_sheets"], kinds.count("stickers")),
            ("register.stickers", r["stickers"], held),
            ("stickers counted <= stickers handed out", min(stickers, held), stickers),
        ]
        line = "registered %d: %d cards, %d paper, %d sticker sheets (%d stickers)" % (
            len(reg),
            kinds.count("card"),
            kinds.count("paper"),
            kinds.count("stickers"),
            held,
        )
    elif reg is not None:
        problems.append("a register without registration = door")
    for what, got, want in sums:
        if got != want:
            problems.append("%s: %r, but %r" % (what, got, want))
    return line


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            x = json.load(f)
    except (OSError, ValueError) as err:
        print("cannot read %s: %s" % (argv[1], err), file=sys.stderr)
        return 2
    if x.get("tally_hidden"):
        print("the tally is hidden until the close: nothing to recount", file=sys.stderr)
        return 2
    problems = []
    tally = tally_of(x)
    cost = costs_of(x)
    ranking = ranking_of(x, tally, cost)
    funded = funded_of(x, ranking, tally, cost)
    registered = who_could_vote(x, problems)
    rows = x["results"]["ranking"]
    if tally != x["tally"]:
        problems.append("tally: recipe %r, export %r" % (tally, x["tally"]))
    if ranking != [r["proposal"] for r in rows]:
        problems.append("ranking: recipe %s, export %s" % (" ".join(ranking), " ".join(r["proposal"] for r in rows)))
    for r in rows:
        if r["cost"] != cost[r["proposal"]] or r["votes"] != tally[r["proposal"]]:
            problems.append(
                "row %s: cost %r votes %r, recipe %r %r"
                % (r["proposal"], r["cost"], r["votes"], cost[r["proposal"]], tally[r["proposal"]])
            )
    if funded != x["results"]["funded"]:
        problems.append("funded: recipe %s, export %s" % (" ".join(funded), " ".join(x["results"]["funded"])))
    print("tally: " + " ".join("%s=%d" % (pid, tally[pid]) for pid in ranking))
    print("funded: " + (" ".join(funded) or "—"))
    if registered:
        print(registered)
    if problems:
        print("verdict: %d difference(s)" % len(problems))
        for p in problems:
            print("  ✗ " + p)
        return 1
    print("verdict: the recipe gives the export's results")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
