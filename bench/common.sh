# Sourced by the bench scripts: the paths they share, and the steps each
# of them takes before measuring (packages, the binary, the corpus).
#
# Where output goes: the summaries (tables, ratios, the plot, profile
# reports) into OUT, bench/results/ unless -o says otherwise; everything
# raw (the kit's per-poll logs, time files, access logs, links, rows.jsonl,
# hyperfine's JSON, plot data) outside the source tree, under $BENCH_RAW
# (default $BENCH_TMP/raw): see raw_dir.
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
: "${KIT:=$(cd "$ROOT/../shared/bench" && pwd)}"
: "${BENCH_TMP:=/tmp/feedbench}"; : "${PORT:=8089}"
: "${BENCH_RAW:=$BENCH_TMP/raw}"

# raw_dir OUT: sets RAW, the folder for the raw output behind the summaries
# in OUT, and creates both: $BENCH_RAW for bench/results itself,
# $BENCH_RAW/pass4 for bench/results/pass4, $BENCH_RAW/NAME for any other
# folder NAME.
raw_dir() {
	local out
	mkdir -p "$1"
	out=$(cd "$1" && pwd)
	case $out in
	"$HERE/results")	RAW=$BENCH_RAW ;;
	"$HERE/results/"*)	RAW=$BENCH_RAW/${out#"$HERE/results/"} ;;
	*)			RAW=$BENCH_RAW/$(basename "$out") ;;
	esac
	mkdir -p "$RAW"
}

# need "CMD..." "PACKAGE...": installs the packages when a command is missing.
need() {
	for c in $1; do command -v "$c" >/dev/null || {
		apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install \
		    -y -qq $2 >/dev/null; return; }; done
}

# Sets BIN, unless given: run.sh's snapshot, else a fresh build.
pick_binary() {
	[ -n "$BIN" ] && return
	if [ -x "$BENCH_TMP/bin/aggregator" ]; then
		BIN=$BENCH_TMP/bin/aggregator
	else
		make -C "$ROOT" >/dev/null; BIN=$ROOT/aggregator
	fi
}

# Sets CORP to the kit's corpus for K feeds of N items, generating it once.
corpus() {
	CORP=$BENCH_TMP/corpus-K$1-N$2-s$3/base
	[ -f "$CORP/manifest.json" ] || /usr/bin/python3 "$KIT/bin/gen_corpus.py" \
	    gen --out "$CORP" -k "$1" -n "$2" --seed "$3" \
	    --base-url "http://127.0.0.1:$PORT"
}
