#!/bin/bash
# bench/dedup_scale.sh [-n KEYS] [-k CORPUS_K] [-f FEEDS] [-S "s0 s1"] [-b BINARY] [-o OUTDIR]
# The dedup index at scale: a state holding KEYS (default 1 000 000) seen keys,
# against the same state with none, for `aggregator --once` over FEEDS (default
# 20) corpus feeds read through file:// URLs (no server in the way).
# -S picks the states: s0 (no keys) and/or s1 (KEYS keys); -k 10000 -f 10000
# -S s1 is the issue's RSS case (10 000 feeds, 1 000 000 keys).
#
# The state is made by the binary itself (a one-item bootstrap poll creates the
# schema and user_version exactly as daemon/store.c has them), then the keys are
# added with /usr/bin/python3's sqlite3: 64-hex SHA-256 strings inserted in hash
# (random) order in one transaction, the way years of polling would fill the
# B-tree.  Measured, each with /usr/bin/time -v:
#   status      start-up alone: open, integrity check, migrate, one table read
#   poll 1      every entry of the FEEDS feeds is new: lookups miss, deliveries
#   poll 2      the same documents again: every lookup hits, nothing delivered
#   *-evicted   status / poll again with the state's pages dropped from the
#               page cache first (posix_fadvise DONTNEED): a cold start
# plus the state's size and a bare SQLite lookup rate (Python, the daemon's own
# SELECT) on both states.  The table: OUTDIR/dedup_scale[-k<K>-f<FEEDS>].md,
# OUTDIR bench/results unless -o says otherwise.  Its rows,
# dedup_scale[...].jsonl, go outside the source tree, to $BENCH_RAW (default
# $BENCH_TMP/raw; see raw_dir in common.sh); the states, spools and time
# files stay in the work folder $BENCH_TMP/dedup-n<KEYS>-k<K>-f<FEEDS>.
set -euo pipefail
. "$(dirname "$0")/common.sh"
NKEYS=1000000; K=200; NF=20; N=30; SEED=42; BIN=""; OUT=$HERE/results; STATES="s0 s1"
while getopts n:k:f:S:b:o: o; do case $o in
	S) STATES=$OPTARG;;
	n) NKEYS=$OPTARG;; k) K=$OPTARG;; f) NF=$OPTARG;; b) BIN=$OPTARG;; o) OUT=$OPTARG;;
	*) sed -n '2,24p' "$0" >&2; exit 2;; esac; done
pick_binary
raw_dir "$OUT"
corpus "$K" "$N" "$SEED"
W=$BENCH_TMP/dedup-n$NKEYS-k$K-f$NF
TAG=""; [ "$K.$NF" = 200.20 ] || TAG=-k$K-f$NF
# a pause after deleting an old run: see run.sh on ext4 and recently freed inodes
if [ -d "$W" ]; then rm -rf "$W"; sync; sleep 65; fi
mkdir -p "$W"

# config: DIR (holds state.db, Maildir, merged.atom), feed files
mkconf() {
	local dir=$1; shift
	mkdir -p "$dir"
	{
		printf '[aggregator]\nspool = Maildir\noutput = merged.atom\n'
		printf 'state = state.db\nmax_entries = 100\nbackfill = all\n\n'
		local i=0 f
		for f in "$@"; do
			i=$((i + 1)); printf '[feed.f%05d]\nurl = file://%s\n\n' $i "$f"
		done
	} > "$dir/aggregator.conf"
}

# bootstrap: one poll of a one-item feed creates the schema
python_one() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import re, sys
b = open(sys.argv[1], "rb").read()
s = re.search(rb"<(item|entry)[\s>]", b); tag = s.group(1)
e = b.find(b"</" + tag + b">") + len(tag) + 3
last = b.rfind(b"</" + tag + b">") + len(tag) + 3
open(sys.argv[2], "wb").write(b[:e] + b[last:])
PY
}
python_one "$CORP/feeds/f0001.xml" "$W/one.xml"
mkconf "$W/boot" "$W/one.xml"
"$BIN" -q -c "$W/boot/aggregator.conf" --once

# the two states: bootstrap only (0 keys) and bootstrap + NKEYS keys
mkdir -p "$W/s0" "$W/s1"
/usr/bin/python3 - "$W/boot/state.db" "$W/s0/state.db" "$W/s1/state.db" "$NKEYS" <<'PY'
import hashlib, os, sqlite3, sys, time
boot, s0, s1, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
src = sqlite3.connect(boot)
for dst in (s0, s1):
    d = sqlite3.connect(dst)
    src.backup(d)          # same schema, same user_version, same pragmas
    d.close()
src.close()
db = sqlite3.connect(s1)
uv = db.execute("PRAGMA user_version").fetchone()[0]
cols = [r[1] for r in db.execute("PRAGMA table_info(seen)")]
assert cols[0] == "key", cols
t = time.time()
db.execute("BEGIN")
rows = ((hashlib.sha256(b"bench-seen-%d" % i).hexdigest(), "old-feed", 1700000000 + i) for i in range(n))
db.executemany("INSERT INTO seen (key, feed, first_seen) VALUES (?, ?, ?)", rows)
db.execute("COMMIT")
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
cnt = db.execute("SELECT count(*) FROM seen").fetchone()[0]
print("state: user_version %d, seen columns %s, %d keys, inserted in %.1f s" % (uv, cols, cnt, time.time() - t))
db.close()
PY

# sed, not head: head exits early and ls dies of SIGPIPE (pipefail)
FEEDS=$(ls "$CORP"/feeds/*.xml | sed -n "1,${NF}p")
RES=$W/results.jsonl; : > "$RES"
measure() {		# measure LABEL STATE_DIR ARGS...
	local label=$1 dir=$2; shift 2
	local t=$W/$label.time rc=0
	/usr/bin/time -v -o "$t" "$BIN" -q -c "$dir/aggregator.conf" "$@" \
	    >/dev/null 2>"$W/$label.err" || rc=$?
	/usr/bin/python3 - "$t" "$label" "$rc" "$dir" >> "$RES" <<'PY'
import json, os, re, sqlite3, sys
t, label, rc, d = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
txt = open(t).read()
g = lambda k: re.search(re.escape(k) + r": (\S+)", txt).group(1)
w = [float(x) for x in g("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d) if f.startswith("state.db"))
db = sqlite3.connect("file:%s?mode=ro" % os.path.join(d, "state.db"), uri=True)
keys = db.execute("SELECT count(*) FROM seen").fetchone()[0]
new = len(os.listdir(os.path.join(d, "Maildir", "new"))) if os.path.isdir(os.path.join(d, "Maildir", "new")) else 0
print(json.dumps({"label": label, "rc": rc, "wall_s": sum(x * 60 ** i for i, x in enumerate(reversed(w))),
                  "user_s": float(g("User time (seconds)")), "sys_s": float(g("System time (seconds)")),
                  "maxrss_mb": int(g("Maximum resident set size (kbytes)")) / 1024,
                  "fs_in": int(g("File system inputs")), "fs_out": int(g("File system outputs")),
                  "state_mb": size / 1e6, "seen_keys": keys, "messages": new}))
PY
}
evict() {	# the state's pages out of the page cache (this file only)
	/usr/bin/python3 -c 'import os, sys
for p in sys.argv[1:]:
    if os.path.exists(p):
        fd = os.open(p, os.O_RDONLY); os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$1"/state.db*
}
for s in $STATES; do
	mkconf "$W/$s" $FEEDS
	measure "$s-status" "$W/$s" status
	measure "$s-poll1" "$W/$s" --once
	measure "$s-poll2" "$W/$s" --once
	measure "$s-status2" "$W/$s" status
	evict "$W/$s"; measure "$s-status-evicted" "$W/$s" status
	evict "$W/$s"; measure "$s-poll3-evicted" "$W/$s" --once
done

# bare lookup rate: the daemon's IS_SEEN statement, hits and misses
/usr/bin/python3 - "$W/s0/state.db" "$W/s1/state.db" "$NKEYS" >> "$RES" <<'PY'
import hashlib, json, os, sqlite3, sys, time
q = ("SELECT 1 FROM seen WHERE key = ?1 UNION ALL SELECT 1 FROM pending WHERE key = ?1 LIMIT 1")
for label, p in (("s0-lookup", sys.argv[1]), ("s1-lookup", sys.argv[2])):
    if not os.path.exists(p):
        continue
    db = sqlite3.connect(p)
    n = int(sys.argv[3])
    out = {"label": label}
    for kind, keys in (("hit", [hashlib.sha256(b"bench-seen-%d" % (i * 7919 % max(n, 1))).hexdigest() for i in range(100000)]),
                       ("miss", [hashlib.sha256(b"bench-miss-%d" % i).hexdigest() for i in range(100000)])):
        t = time.perf_counter(); found = 0
        for k in keys:
            found += db.execute(q, (k,)).fetchone() is not None
        dt = time.perf_counter() - t
        out[kind + "_us"] = dt / len(keys) * 1e6; out[kind + "_found"] = found
    print(json.dumps(out))
PY

/usr/bin/python3 - "$RES" "$NKEYS" "$NF" "$K" "$(cut -d' ' -f1-3 /proc/loadavg)" > "$OUT/dedup_scale$TAG.md" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
n, nf, k, load = sys.argv[2:]
print("%s feeds (file://, %s corpus) × 30 entries; state with 0 vs %s seen keys; load after: %s\n" % (nf, "K=" + k, n, load))
print("| run | state keys before → after | state MB | wall s | user s | sys s | peak RSS MB | FS in/out blocks | messages in spool | rc |")
print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
prev = {}
for r in rows:
    if "wall_s" not in r:
        continue
    s = r["label"][:2]
    before = prev.get(s, r["seen_keys"])
    print("| %s | %d → %d | %.1f | %.3f | %.2f | %.2f | %.1f | %d / %d | %d | %d |" % (
        r["label"], before, r["seen_keys"], r["state_mb"], r["wall_s"], r["user_s"], r["sys_s"],
        r["maxrss_mb"], r["fs_in"], r["fs_out"], r["messages"], r["rc"]))
    prev[s] = r["seen_keys"]
print()
print("Bare SQLite lookup (Python sqlite3, the daemon's IS_SEEN statement, 100 000 keys each):\n")
print("| state | hit µs/lookup | hits found | miss µs/lookup | misses found |")
print("|---|---:|---:|---:|---:|")
for r in rows:
    if "hit_us" in r:
        print("| %s | %.1f | %d | %.1f | %d |" % (r["label"], r["hit_us"], r["hit_found"], r["miss_us"], r["miss_found"]))
PY
cp "$RES" "$RAW/dedup_scale$TAG.jsonl"
cat "$OUT/dedup_scale$TAG.md"
