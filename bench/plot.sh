#!/bin/sh
# plot.sh [-w WORKDIR] OUTDIR RESULTDIR...: wall time against feed count
# (log-log), one panel per scenario, one line per runner, from the kit's
# rows.jsonl files in RESULTDIR...  Writes OUTDIR/wall_vs_feeds.png; its
# data and gnuplot script (wall_vs_feeds.dat, .gp) go to WORKDIR (run.sh
# passes the raw folder), OUTDIR by default.
set -eu
work=""
while getopts w: o; do case $o in w) work=$OPTARG;; *) exit 2;; esac; done
shift $((OPTIND - 1))
out=$1; shift
: "${work:=$out}"
mkdir -p "$work"
dat=$work/wall_vs_feeds.dat
/usr/bin/python3 - "$@" > "$dat" <<'PY'
import json, os, sys
pts = {}
for d in sys.argv[1:]:
    for l in open(os.path.join(d, "rows.jsonl")):
        r = json.loads(l)
        if r["rc"] in (124, 137):
            continue
        pts.setdefault((r["scenario"], r["runner"]), []).append((r["k"], r["wall_s"], r["cpu_s"]))
# one gnuplot data block per (scenario, runner), separated by two blank lines
for (sc, rn), v in sorted(pts.items()):
    print("# %s %s" % (sc, rn))
    print('"%s" k wall cpu' % rn)
    for k, w, c in sorted(v):
        print(k, w, c)
    print("\n")
PY
blocks=$(grep -c '^# ' "$dat" || true)
[ "$blocks" -gt 0 ] || exit 0
gp=$work/wall_vs_feeds.gp
{
	echo 'set terminal pngcairo size 2000,500 font ",10"'
	echo "set output '$out/wall_vs_feeds.png'"
	echo 'set multiplot layout 1,4'
	echo 'set logscale xy; set grid; set key top left'
	echo 'set xlabel "feeds (30 entries each)"; set ylabel "wall s"'
	for sc in cold warm advanced; do
		idx=$(grep '^# ' "$dat" | awk -v s=$sc '{ if ($2 == s) printf "%d ", NR - 1 }')
		[ -n "$idx" ] || continue
		printf 'set title "%s"\nplot ' "$(echo $sc | tr a-z A-Z)"
		sep=""
		for i in $idx; do
			printf '%s"%s" index %d using 1:2 with linespoints title columnheader(1)' "$sep" "$dat" "$i"
			sep=", "
		done
		echo
	done
	# linearity: ours on linear axes, wall and CPU per scenario
	idx=$(grep '^# ' "$dat" | awk '{ if ($3 == "aggregator") printf "%d:%s ", NR - 1, $2 }')
	if [ -n "$idx" ]; then
		echo 'unset logscale; set key top left; set ylabel "s"'
		printf 'set title "aggregator: wall and CPU (linear axes)"\nplot '
		sep=""
		for x in $idx; do
			i=${x%%:*}; sc=${x#*:}
			printf '%s"%s" index %d using 1:2 with linespoints title "%s wall", "%s" index %d using 1:3 with linespoints dt 2 title "%s CPU"' \
			    "$sep" "$dat" "$i" "$sc" "$dat" "$i" "$sc"
			sep=", "
		done
		echo
	fi
	echo 'unset multiplot'
} > "$gp"
gnuplot "$gp"
