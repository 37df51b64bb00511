#!/usr/bin/python3
"""Our aggregator against the fastest peer of the same run, per K and scenario,
from the kit's rows.jsonl files; prints markdown (targets: issue 6)."""
import json, os, sys

OURS = "aggregator"
TARGET = {"cold": 0.20, "warm": 0.25, "advanced": 0.25}

def rows(d):
    p = os.path.join(d, "rows.jsonl")
    return [json.loads(l) for l in open(p)] if os.path.exists(p) else []

print("| K | scenario | aggregator wall s | CPU s | peak RSS MB | new | dups | "
      "fastest peer (wall s) | wall ratio | target | CPU ratio (vs that peer) | lowest-CPU peer (CPU s) |")
print("|---:|---|---:|---:|---:|---:|---:|---|---:|---|---:|---|")
for d in sys.argv[1:]:
    rs = rows(d)
    for sc in ("cold", "warm", "advanced"):
        ours = [r for r in rs if r["runner"] == OURS and r["scenario"] == sc]
        peers = [r for r in rs if r["runner"] != OURS and r["scenario"] == sc
                 and r["rc"] not in (124, 137)]
        if not ours or not peers:
            continue
        o = ours[0]
        f = min(peers, key=lambda r: r["wall_s"])
        c = min(peers, key=lambda r: r["cpu_s"])
        ratio = o["wall_s"] / f["wall_s"] if f["wall_s"] else float("inf")
        t = TARGET[sc]
        verdict = "%s (≤ %.2f)" % ("met" if ratio <= t and o["rc"] == 0 else "MISSED", t)
        print("| %d | %s | %.2f | %.2f | %.0f | %d | %d | %s (%.2f) | %.3f | %s | %.3f | %s (%.2f) |" % (
            o["k"], sc, o["wall_s"], o["cpu_s"], o["maxrss_mb"], o["items_new"],
            o["dups_exact"] + o["dups_utm"], f["runner"], f["wall_s"], ratio, verdict,
            o["cpu_s"] / f["cpu_s"] if f["cpu_s"] else float("inf"), c["runner"], c["cpu_s"]))
