#!/usr/bin/python3
# Join `vpnxdp replay --json` output with truth.csv and score it.
# Usage: accuracy.py TRUTH.csv OUTDIR   (OUTDIR/<capture>.json per capture)
# Prints the score table, then one PASS/FAIL line per tier and one for the
# per-flow packet and byte totals.  Flows are matched on transport and the
# two endpoints in either order: replay's client is the side that sent the
# first frame in the capture, truth's the side that opened the flow, and a
# capture that starts mid-flow makes those differ.
import csv, json, os, sys
from collections import defaultdict

NOT_VPN = {"other", "fragment", None}
truth_path, outdir = sys.argv[1], sys.argv[2]

def key(l4, a, ap, b, bp):
    x, y = (a, int(ap)), (b, int(bp))
    return (l4,) + (min(x, y), max(x, y))

rows = list(csv.DictReader(open(truth_path)))
captures = sorted({r["capture"] for r in rows})
flows = {}  # capture -> key -> replay flow
for cap in captures:
    path = os.path.join(outdir, cap + ".json")
    flows[cap] = {}
    if not os.path.exists(path):
        continue
    for line in open(path):
        f = json.loads(line)
        flows[cap][key(f["l4"], f["src"], f["sport"], f["dst"], f["dport"])] = f

score = defaultdict(lambda: [0, 0])       # tier -> [right, total]
percap = defaultdict(lambda: [0, 0])      # capture -> [right, total]
wrong = defaultdict(list)                 # tier -> descriptions
total_errs, seen = [], defaultdict(set)
notes = []

# truth.csv lists a tunnelled flow ("inside a tunnel" in its note) by its
# inner headers; XDP sees the outer ones.  Such a row is matched to the one
# replay flow of its capture that no other row names and that has exactly
# its packets and bytes.
named = defaultdict(set)
for r in rows:
    named[r["capture"]].add(key(r["l4"], r["client"], r["cport"], r["server"], r["sport"]))
def outer_flow(r):
    cand = [(k, f) for k, f in flows[r["capture"]].items()
            if k not in named[r["capture"]] and f["packets"] == int(r["packets"])
            and f["bytes"] == int(r["bytes"])]
    return cand[0] if len(cand) == 1 else (None, None)

for r in rows:
    cap, tier = r["capture"], r["tier"]
    k = key(r["l4"], r["client"], r["cport"], r["server"], r["sport"])
    seen[cap].add(k)
    f = flows[cap].get(k)
    desc = "%s %s %s:%s-%s:%s" % (cap, r["l4"], r["client"], r["cport"],
                                  r["server"], r["sport"])
    if f is None and r["note"].startswith("inside a tunnel"):
        ok_, f = outer_flow(r)
        if f is not None:
            seen[cap].add(ok_)
            notes.append("%s: tunnelled, matched to outer %s %s:%s-%s:%s" % (
                desc, f["l4"], f["src"], f["sport"], f["dst"], f["dport"]))
    if f is None:
        total_errs.append(desc + " missing from replay")
    elif f["packets"] != int(r["packets"]) or f["bytes"] != int(r["bytes"]):
        total_errs.append("%s: %d packets %d bytes, truth %s %s" % (
            desc, f["packets"], f["bytes"], r["packets"], r["bytes"]))
    if tier == "skip":
        continue
    got = f["protocol"] if f else None
    if tier == "negative":
        ok = f is not None and got in NOT_VPN
    else:
        ok = got in r["expect"].split("|")
    score[tier][1] += 1
    percap[cap][1] += 1
    if ok:
        score[tier][0] += 1
        percap[cap][0] += 1
    else:
        wrong[tier].append("%s=%s want %s" % (desc, got if f else "missing",
                                              r["expect"]))
for cap in captures:
    for k, f in flows[cap].items():
        if k not in seen[cap]:
            total_errs.append("%s %s %s:%s-%s:%s not in truth.csv" % (
                cap, f["l4"], f["src"], f["sport"], f["dst"], f["dport"]))

for n in notes:
    print("note: " + n)
print("%-26s %7s %7s" % ("tier", "right", "flows"))
for t in ("core", "extended", "negative"):
    print("%-26s %7d %7d" % (t, score[t][0], score[t][1]))
print("%-26s %7s %7s" % ("capture", "right", "flows"))
for cap in captures:
    if percap[cap][1]:
        print("%-26s %7d %7d" % (cap, percap[cap][0], percap[cap][1]))
for t in ("core", "extended", "negative"):
    right, tot = score[t]
    if tot and right == tot:
        print("PASS accuracy_%s" % t)
    elif not tot:
        print("FAIL accuracy_%s: no %s flows in truth.csv" % (t, t))
    else:
        print("FAIL accuracy_%s: %d of %d wrong: %s" % (
            t, tot - right, tot, "; ".join(wrong[t][:6])))
if total_errs:
    print("FAIL accuracy_flow_totals: %d: %s" % (len(total_errs),
                                                  "; ".join(total_errs[:5])))
else:
    print("PASS accuracy_flow_totals")
