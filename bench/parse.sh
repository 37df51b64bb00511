#!/bin/bash
# bench/parse.sh [-k K] [-R RUNS] [-b BINARY] [-o OUTDIR]: parse throughput of
# `aggregator parse FILE` (SAX parse + entry model + HTML sanitizer + JSON;
# hyperfine sends the JSON to /dev/null) next to `xmllint --stream --noout`
# on the same bytes, timed with hyperfine.
#
# Three shapes of input, because per-process start-up weighs on small files:
#   * all K corpus files, one process for xmllint (it takes many files) and
#     one process per file for both tools (aggregator parse takes one file);
#   * three large single documents built from the same corpus: every RSS 2.0
#     item in one channel, every Atom entry in one feed, every RSS 1.0 item
#     in one rdf:RDF (head and tail from the first file of each kind);
#   * a one-entry feed, for the fixed cost of a process.
# Writes OUTDIR/parse[-K<K>].md (MB/s and the xmllint/aggregator time
# ratio: >= 0.5 means the 50% target is met) and parse-profile-K<K>.txt
# (perf, inclusive time, on big-rss.xml); OUTDIR is bench/results unless
# -o says otherwise.  hyperfine's own output, parse[-K<K>].json and .txt,
# goes outside the source tree, to $BENCH_RAW (default $BENCH_TMP/raw; see
# raw_dir in common.sh).  The large documents are also timed with
# bench/src/sax_floor.c: libxml2's SAX2 push parser with empty callbacks,
# the floor under any parse of ours built on it.
set -euo pipefail
. "$(dirname "$0")/common.sh"
K=200; N=30; SEED=42; RUNS=5; BIN=""; OUT=$HERE/results
while getopts k:R:b:o: o; do case $o in
	k) K=$OPTARG;; R) RUNS=$OPTARG;; b) BIN=$OPTARG;; o) OUT=$OPTARG;;
	*) sed -n '2,21p' "$0" >&2; exit 2;; esac; done
need "hyperfine xmllint" "hyperfine libxml2-utils"
pick_binary
raw_dir "$OUT"
FLOOR=$BENCH_TMP/bin/sax_floor
mkdir -p "$BENCH_TMP/bin"
cc -O2 -std=c11 -Wall -Wextra -Werror -o "$FLOOR" "$HERE/src/sax_floor.c" \
    $(pkg-config --cflags --libs libxml-2.0)
TAG=""; [ "$K" = 200 ] || TAG=-K$K
corpus "$K" "$N" "$SEED"
F=$CORP/feeds
BIG=$BENCH_TMP/parse-K$K; mkdir -p "$BIG"

# The large documents: one per format, items of every file of that format.
/usr/bin/python3 - "$F" "$BIG" <<'PY'
import os, re, sys
src, dst = sys.argv[1], sys.argv[2]
kinds = {"rss": (rb"<rss[\s>]", rb"<item[\s>]", rb"</item>"),
         "atom": (rb"<feed[\s>]", rb"<entry[\s>]", rb"</entry>"),
         "rdf": (rb"<rdf:RDF[\s>]", rb"<item[\s>]", rb"</item>")}
parts = {k: [] for k in kinds}; head = {}; tail = {}
for name in sorted(os.listdir(src)):
    b = open(os.path.join(src, name), "rb").read()
    for k, (root, start, end) in kinds.items():
        if re.search(root, b[:2000]):
            s = re.search(start, b)
            e = b.rfind(end)
            if not s or e < 0:
                break
            e += len(end)
            head.setdefault(k, b[:s.start()]); tail.setdefault(k, b[e:])
            parts[k].append(b[s.start():e])
            break
for k in kinds:
    if parts[k]:
        with open(os.path.join(dst, "big-%s.xml" % k), "wb") as fh:
            fh.write(head[k] + b"\n".join(parts[k]) + tail[k])
# the smallest corpus file cut down to its first item: start-up cost
k = "rss"
one = head[k] + parts[k][0][:parts[k][0].find(b"</item>") + 7] + tail[k]
open(os.path.join(dst, "one.xml"), "wb").write(one)
PY
for f in "$BIG"/big-*.xml "$BIG"/one.xml; do
	xmllint --stream --noout "$f" || { echo "$f is not well-formed" >&2; exit 1; }
	"$BIN" parse "$f" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(sys.argv[1], "entries:", len(d["entries"]), "wellformed:", d.get("wellformed", d.get("bozo")))' "$(basename "$f")"
done

files=$(ls "$F"/*.xml | wc -l)
cat > "$BIG/each.sh" <<EOF
#!/bin/sh
# one process per file: \$1 = aggregator | xmllint
for f in $F/*.xml; do
	if [ "\$1" = aggregator ]; then "$BIN" parse "\$f" >/dev/null
	else xmllint --stream --noout "\$f"; fi
done
EOF
hyperfine --style basic -N --runs "$RUNS" --warmup 1 --export-json "$RAW/parse$TAG.json" \
    -n "xmllint --stream --noout: all $files files, 1 process" "xmllint --stream --noout $(echo $F/*.xml)" \
    -n "xmllint --stream --noout: 1 process per file" "sh $BIG/each.sh xmllint" \
    -n "aggregator parse: 1 process per file" "sh $BIG/each.sh aggregator" \
    -n "xmllint --stream --noout: big-rss.xml" "xmllint --stream --noout $BIG/big-rss.xml" \
    -n "aggregator parse: big-rss.xml" "$BIN parse $BIG/big-rss.xml" \
    -n "sax_floor: big-rss.xml" "$FLOOR $BIG/big-rss.xml" \
    -n "xmllint --stream --noout: big-atom.xml" "xmllint --stream --noout $BIG/big-atom.xml" \
    -n "aggregator parse: big-atom.xml" "$BIN parse $BIG/big-atom.xml" \
    -n "sax_floor: big-atom.xml" "$FLOOR $BIG/big-atom.xml" \
    -n "xmllint --stream --noout: big-rdf.xml" "xmllint --stream --noout $BIG/big-rdf.xml" \
    -n "aggregator parse: big-rdf.xml" "$BIN parse $BIG/big-rdf.xml" \
    -n "sax_floor: big-rdf.xml" "$FLOOR $BIG/big-rdf.xml" \
    -n "xmllint --stream --noout: one.xml (1 item)" "xmllint --stream --noout $BIG/one.xml" \
    -n "aggregator parse: one.xml (1 item)" "$BIN parse $BIG/one.xml" \
    > "$RAW/parse$TAG.txt"

/usr/bin/python3 - "$RAW/parse$TAG.json" "$F" "$BIG" "$K" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" > "$OUT/parse$TAG.md" <<'PY'
import glob, json, os, sys
res, feeds, big, k, cores, load = sys.argv[1:]
r = {x["command"]: x for x in json.load(open(res))["results"]}
size = lambda p: os.path.getsize(p)
allb = sum(size(p) for p in glob.glob(os.path.join(feeds, "*.xml")))
nfiles = len(glob.glob(os.path.join(feeds, "*.xml")))
sh = 0.0
rows = [("all %d files (xmllint: 1 process; aggregator: 1 per file)" % nfiles, allb,
         "xmllint --stream --noout: all %d files, 1 process" % nfiles, "aggregator parse: 1 process per file", 0),
        ("all %d files, 1 process per file for both" % nfiles, allb,
         "xmllint --stream --noout: 1 process per file", "aggregator parse: 1 process per file", 0)]
for kind in ("rss", "atom", "rdf"):
    p = os.path.join(big, "big-%s.xml" % kind)
    rows.append(("big-%s.xml (one document)" % kind, size(p), "xmllint --stream --noout: big-%s.xml" % kind,
                 "aggregator parse: big-%s.xml" % kind, sh))
p = os.path.join(big, "one.xml")
rows.append(("one.xml (1 item: process start-up)", size(p), "xmllint --stream --noout: one.xml (1 item)",
             "aggregator parse: one.xml (1 item)", sh))
print("Corpus K=%s; %s cores; load before: %s. Mean of hyperfine runs (± sd); "
      "hyperfine sends stdout (the JSON) to /dev/null.\n" % (k, cores, load))
print("| input | MB | xmllint s | xmllint MB/s | aggregator s | aggregator MB/s | xmllint/aggregator time (target ≥ 0.50) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, b, xn, an, sub in rows:
    x, a = r[xn], r[an]
    am = max(a["mean"] - sub, 1e-6)
    print("| %s | %.1f | %.3f ± %.3f | %.0f | %.3f ± %.3f | %.0f | %.2f |" % (
        name, b / 1e6, x["mean"], x["stddev"] or 0, b / 1e6 / x["mean"], am, a["stddev"] or 0,
        b / 1e6 / am, x["mean"] / am))
print()
print("The floor: libxml2's SAX2 push parser with empty callbacks (bench/src/sax_floor.c).\n")
print("| input | xmllint s | sax_floor s | sax_floor/xmllint time | aggregator s | aggregator minus floor s |")
print("|---|---:|---:|---:|---:|---:|")
for kind in ("rss", "atom", "rdf"):
    x = r["xmllint --stream --noout: big-%s.xml" % kind]["mean"]
    f = r["sax_floor: big-%s.xml" % kind]["mean"]
    a = r["aggregator parse: big-%s.xml" % kind]["mean"]
    print("| big-%s.xml | %.4f | %.4f | %.2f | %.4f | %.4f |" % (kind, x, f, f / x, a, a - f))
PY
cat "$OUT/parse$TAG.md"

# Where `aggregator parse` spends its time on the largest document.
if command -v perf >/dev/null; then
	perf record -q -F 4999 --call-graph dwarf,16384 -o "$BIG/perf.data" -- \
	    "$BIN" parse "$BIG/big-rss.xml" > /dev/null 2>&1
	{
		echo "# aggregator parse big-rss.xml (K=$K): inclusive time (perf --call-graph dwarf)"
		perf report -i "$BIG/perf.data" --children --sort dso,symbol --stdio -g none 2>/dev/null |
		    grep -v '^#' | grep -v '^$' | cut -c1-120 | head -60
	} > "$OUT/parse-profile-K$K.txt" || true
	echo "profile: $OUT/parse-profile-K$K.txt"
fi
