#!/bin/bash
# bench/profile.sh [-k K] [-b BINARY] [-F HZ] [-o OUTDIR] [-R]: where a COLD
# `aggregator --once` spends its time, on the kit's corpus served by the kit's
# nginx (access log off).  Three passes, each on a fresh state:
#   1. perf record -g (frame pointers): flat self-time per symbol and per DSO;
#   2. perf record --call-graph dwarf: inclusive time of our own functions
#      (the -O2 build has no frame pointers, so callers need DWARF unwinding);
#   3. strace -f -c: syscall counts and time (fsync, rename, link, ...): the
#      off-CPU part that cpu-clock sampling cannot see.
# Writes OUTDIR/profile-K<K>.txt; perf.data files stay under $BENCH_TMP
# (-R: only the report, from the perf.data of the last run).
set -euo pipefail
. "$(dirname "$0")/common.sh"
export BENCH_TMP PORT
K=200; N=30; SEED=42; BIN=""; HZ=499; OUT=$HERE/results; REPORT_ONLY=0
while getopts k:b:F:o:R o; do case $o in
	R) REPORT_ONLY=1;; k) K=$OPTARG;; b) BIN=$OPTARG;; F) HZ=$OPTARG;; o) OUT=$OPTARG;;
	*) sed -n '2,11p' "$0" >&2; exit 2;; esac; done
need "perf strace nginx" "linux-perf strace nginx"
pick_binary
mkdir -p "$OUT"
corpus "$K" "$N" "$SEED"
P=$BENCH_TMP/profile-K$K; REP=$OUT/profile-K$K.txt

record() {
	"$KIT/bin/serve.sh" stop >/dev/null
	ROOT=$CORP ACCESS_LOG=off "$KIT/bin/serve.sh" start
	trap '"$KIT/bin/serve.sh" stop >/dev/null' EXIT
	# ext4 without a journal skips inodes freed in the last 60 s when it
	# allocates new ones (recently_deleted() in ialloc.c), so creating
	# thousands of files right after deleting thousands costs far more:
	# old states go, then a pause.
	if [ -d "$P" ]; then rm -rf "$P"; sync; sleep 65; fi
	mkdir -p "$P"
	local n=0 st
	for pass in plain fp dwarf strace; do
		n=$((n + 1)); st=$P/st$n	# a new state each time, none deleted
		AGGREGATOR=$BIN "$KIT/runners/aggregator" setup "$st" "$CORP/urls.txt"
		set -- "$BIN" -q -c "$st/aggregator.conf" --once
		case $pass in
		plain)	{ echo "K=$K, $(nproc) cores, load before $(cut -d' ' -f1-3 /proc/loadavg)"
			  echo "binary: $BIN ($("$BIN" --version)), sha256 $(sha256sum "$BIN" | cut -c1-16)"
			  /usr/bin/time -f "plain run: wall %e s, user %U s, sys %S s, peak RSS %M kB" "$@" 2>&1
			} > "$P/plain.txt" ;;
		fp)	perf record -q -F "$HZ" -g -o "$P/perf-fp.data" -- "$@" ;;
		dwarf)	perf record -q -F "$HZ" --call-graph dwarf,16384 -o "$P/perf-dwarf.data" -- "$@" ;;
		strace)	strace -f -c -o "$P/strace.txt" "$@" || true ;;
		esac
	done
	"$KIT/bin/serve.sh" stop >/dev/null; trap - EXIT
}

section() { echo; echo "## $*"; }
strip() { grep -v '^#' | grep -v '^$' | cut -c1-140 | head -"$1"; }
report() {
	local dso
	dso=$(basename "$(sed -n 's/^binary: \([^ ]*\) .*/\1/p' "$P/plain.txt")")
	echo "# cold aggregator --once, profile"
	cat "$P/plain.txt"
	section "perf -g (cpu-clock, $HZ Hz): self time by shared object"
	perf report -i "$P/perf-fp.data" --no-children --sort dso --stdio -g none 2>/dev/null | strip 14
	section "perf -g: self time by thread (pool threads are named after the binary)"
	perf report -i "$P/perf-fp.data" --no-children --sort pid --stdio -g none 2>/dev/null | strip 8
	section "perf -g: self time by symbol (top 45)"
	perf report -i "$P/perf-fp.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | strip 45
	section "perf --call-graph dwarf: inclusive time, functions of $dso (top 60)"
	perf report -i "$P/perf-dwarf.data" --children --sort symbol --stdio -g none \
	    --dsos "$dso" 2>/dev/null | strip 60
	section "perf --call-graph dwarf: inclusive time, all symbols (top 45)"
	perf report -i "$P/perf-dwarf.data" --children --sort dso,symbol --stdio -g none 2>/dev/null | strip 45
	section "strace -f -c (strace slows the run; the counts are exact)"
	head -32 "$P/strace.txt"
}

[ $REPORT_ONLY = 1 ] || record
set +e +o pipefail	# head closes perf's pipe
report > "$REP" 2>&1
echo "profile: $REP"
