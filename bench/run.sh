#!/bin/bash
# bench/run.sh: `aggregator --once` beside its peers, one command.
#
# Wraps the shared kit (../shared/bench, read-only): builds the daemon,
# snapshots the binary, and runs the kit's bin/bench.sh (COLD, WARM, ADVANCED)
# for our runner and the peers in the same run.  The kit reads runners.list
# from its own folder and has no option for another list, so this script lays
# a "shadow kit" under $BENCH_TMP whose bin/ runners/ nginx/ anchors/ are
# symlinks into the real kit and whose runners.list is bench/runners.list.
# Nothing of the kit is copied.
#
#   bench/run.sh -k 200                   aggregator sfeed newsboat-t16 rss2email feed2exec
#   bench/run.sh -k 200 -k 2000           both sizes, then tables and the plot
#   bench/run.sh -k 2000 -r "aggregator sfeed"    a subset
#   bench/run.sh -P                       tables and plot from existing rows only
#
# Options: -k K (repeatable)  -r "runners"  -n N (items/feed, 30)  -s SEED (42)
#          -t TIMEOUT_S (300 per poll)  -F K (feed2exec only up to this K, 200)
#          -b BINARY (skip the build; use this binary)  -A (also the kit's
#          anchors.sh)  -P (report and plot only)  -o DIR (summaries, bench/results)
# Environment: BENCH_TMP (/tmp/feedbench), PORT (8089), as for the kit;
#          BENCH_RAW ($BENCH_TMP/raw).
#
# DIR gets the summaries: report.md (the kit's tables), ratios.md,
# times.md (/usr/bin/time: file system traffic, faults, context switches),
# wall_vs_feeds.png and notes.md (binary, runners, load, versions per K).
# The kit's raw output per K (rows.jsonl, *.time, *.log, *.access.gz,
# *.links.gz, notes.txt, env.txt) goes to $BENCH_RAW/K<K>, or
# $BENCH_RAW/NAME/K<K> for -o bench/results/NAME, outside the source tree;
# -P reads the rows there.
set -euo pipefail
. "$(dirname "$0")/common.sh"
export BENCH_TMP PORT
KS=""; RUNNERS=""; N=30; SEED=42; TMO=300; F2E_MAX=200; BIN=""; ANCHORS=0
REPORT_ONLY=0; OUT=$HERE/results
while getopts k:r:n:s:t:F:b:APo: o; do case $o in
	k) KS="$KS $OPTARG";; r) RUNNERS=$OPTARG;; n) N=$OPTARG;; s) SEED=$OPTARG;;
	t) TMO=$OPTARG;; F) F2E_MAX=$OPTARG;; b) BIN=$OPTARG;; A) ANCHORS=1;;
	P) REPORT_ONLY=1;; o) OUT=$OPTARG;; *) sed -n '2,30p' "$0" >&2; exit 2;; esac; done
[ -n "$KS" ] || KS=200
raw_dir "$OUT"

# --- packages the kit and this script need (Debian, root) -----------------
need_pkgs() {
	local miss="" p
	for p in nginx sfeed newsboat rss2email feed2exec hyperfine time \
	    gnuplot-nox libxml2-utils curl python3-feedparser; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'ok installed' || miss="$miss $p"
	done
	if [ -n "$miss" ]; then
		echo "installing:$miss"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $miss >/dev/null
	fi
}

# --- the binary under test: built, then copied so that a rebuild by someone
# else during the run cannot swap it -----------------------------------------
snapshot_binary() {
	local src=$BIN
	if [ -z "$src" ]; then
		if ! make -C "$ROOT" >"$BENCH_TMP/make.log" 2>&1; then
			echo "warning: make failed (see $BENCH_TMP/make.log);" \
			    "using the existing $ROOT/aggregator" >&2
			[ -x "$ROOT/aggregator" ] || { echo "no binary" >&2; exit 1; }
		fi
		src=$ROOT/aggregator
	fi
	mkdir -p "$BENCH_TMP/bin"
	AGG=$BENCH_TMP/bin/aggregator
	cp "$src" "$AGG.new" && mv "$AGG.new" "$AGG"
	{
		echo "binary: $src (sha256 $(sha256sum "$AGG" | cut -c1-16)," \
		    "mtime $(date -u -r "$src" +%FT%TZ))"
		echo "version: $("$AGG" --version 2>&1 | head -1)"
		echo "tree: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)" \
		    "$(git -C "$ROOT" status --short daemon include Makefile 2>/dev/null |
		    wc -l) uncommitted files in daemon/ include/ Makefile"
	} > "$BENCH_TMP/binary.txt"
}

# --- the shadow kit: the kit's own scripts, our runners.list ------------------
shadow_kit() {
	SK=$BENCH_TMP/kit
	rm -rf "$SK"; mkdir -p "$SK"
	for d in bin runners nginx anchors README.md; do ln -s "$KIT/$d" "$SK/$d"; done
	sed "s#@AGGREGATOR@#$AGG#" "$HERE/runners.list" > "$SK/runners.list"
}

# notes.md: what each K's run was (the raw notes.txt and env.txt, which
# stay under $RAW).
notes() {
	local d
	{
		echo "# The runs behind report.md"
		echo
		echo "Per K: the binary, the runners and the load averages before and after"
		echo "(\`notes.txt\`), then the date, the package versions and the runners'"
		echo "versions (the kit's \`env.txt\`)."
		for d in "$@"; do
			printf '\n## K = %s\n\n' "${d##*/K}"
			cat "$d/notes.txt" "$d/env.txt" 2>/dev/null | sed 's/^/    /'
		done
	} > "$OUT/notes.md"
}

report() {
	local dirs="" k
	for k in $(ls -d "$RAW"/K* 2>/dev/null | sed 's#.*/K##' | sort -n); do
		[ -f "$RAW/K$k/rows.jsonl" ] && dirs="$dirs $RAW/K$k"
	done
	[ -n "$dirs" ] || { echo "no rows under $RAW/K*" >&2; return 0; }
	/usr/bin/python3 "$KIT/bin/report.py" $dirs > "$OUT/report.md"
	/usr/bin/python3 "$HERE/ratios.py" $dirs > "$OUT/ratios.md"
	/usr/bin/python3 "$HERE/times.py" $dirs > "$OUT/times.md"
	notes $dirs
	sh "$HERE/plot.sh" -w "$RAW" "$OUT" $dirs || echo "plot failed" >&2
	echo "tables: $OUT/report.md  ratios: $OUT/ratios.md  times: $OUT/times.md" \
	    " notes: $OUT/notes.md  plot: $OUT/wall_vs_feeds.png  raw: $RAW"
}

if [ $REPORT_ONLY = 1 ]; then need gnuplot gnuplot-nox; report; exit 0; fi
need_pkgs
mkdir -p "$BENCH_TMP"
snapshot_binary
shadow_kit
for k in $KS; do
	r=${RUNNERS:-aggregator sfeed newsboat-t16 rss2email feed2exec}
	# feed2exec takes minutes per poll past a few hundred feeds.
	[ "$k" -le "$F2E_MAX" ] || r=$(echo " $r " | sed 's/ feed2exec / /')
	d=$RAW/K$k; mkdir -p "$d"
	# Old states go before the run, then a pause: on a file system without
	# a journal, ext4 skips inodes freed in the last 60 s (360 s while
	# their inode table block is dirty, hence the sync) when allocating
	# (recently_deleted()), which made the first cold run after a big
	# rm -rf up to 2.6x slower.
	if [ -d "$BENCH_TMP/state/K$k" ]; then
		rm -rf "$BENCH_TMP/state/K$k"; sync; sleep 65
	fi
	{
		cat "$BENCH_TMP/binary.txt"
		echo "runners: $r"
		echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ)"
	} > "$d/notes.txt"
	"$SK/bin/bench.sh" -k "$k" -n "$N" -s "$SEED" -t "$TMO" -r "$r" -o "$d"
	echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ)" >> "$d/notes.txt"
	if [ $ANCHORS = 1 ]; then
		"$SK/bin/anchors.sh" -k "$k" -n "$N" -s "$SEED" -R 3 -W 0 -o "$d"
	fi
done
report
