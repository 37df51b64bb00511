#!/bin/sh
# The article extractor (extract_page) on the development set of
# ../shared/extraction: its quality as evaluate.py scores it, its time
# per page on one core, its peak memory per page, and the same with
# gumbo's HTML5 parser building the tree in place of libxml2's.
#
#   bench/extract.sh [-b BINARY] [-s DIR] [-r RUNS]
#
#   quality  BINARY extract PAGE --base-url URL --json on every page,
#            scored by DIR/evaluate.py (and per page for the 2 Korean ones)
#   speed    bench/src/extract_time.c under taskset -c 0: each page read
#            once, then RUNS (7) runs of html_tree_parse alone and of
#            extract_page, each page's median; median and p99 over pages
#   parsers  extract_time linked twice: with build/html_parse.o (libxml2)
#            and with bench/src/html_parse_gumbo.c; both write the
#            prediction evaluate.py scores
#   memory   extract_time -1 PAGE under /usr/bin/time -f %M, less the
#            same on an empty page and less the page's own bytes
#
# Everything it writes goes under a temporary folder, removed at the end.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BIN=$ROOT/aggregator
SET=$ROOT/../shared/extraction
RUNS=7
while getopts b:r:s: o; do
	case $o in
	b) BIN=$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG") ;;
	r) RUNS=$OPTARG ;;
	s) SET=$OPTARG ;;
	*) echo "usage: $0 [-b BINARY] [-s DIR] [-r RUNS]" >&2; exit 2 ;;
	esac
done
SET=$(cd "$SET" && pwd)
PY=/usr/bin/python3
KOREAN="8e016cc0 c5dad1a0"

# The objects extract_time links with come from the build either way.
make -C "$ROOT" -s
missing=
pkg-config --exists gumbo || missing="$missing libgumbo-dev"
[ -x /usr/bin/time ] || missing="$missing time"
command -v taskset >/dev/null || missing="$missing util-linux"
if [ -n "$missing" ]; then
	apt-get update -qq
	apt-get install -y -qq $missing >/dev/null
fi

WORK=$(mktemp -d /tmp/extract-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir "$WORK/obj" "$WORK/pages" "$WORK/out"

# A copy of the objects: a rebuild in the tree meanwhile changes nothing.
for o in "$ROOT"/build/*.o; do
	[ "$(basename "$o")" = main.o ] || cp "$o" "$WORK/obj/"
done
LIBS=$(make -s -C "$ROOT" print-ldlibs)
CFLAGS="-O2 -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -I$ROOT/include"
OBJS=$(ls "$WORK"/obj/*.o)
NOPARSE=$(ls "$WORK"/obj/*.o | grep -v '/html_parse\.o$')
cc $CFLAGS -o "$WORK/time-libxml2" "$HERE/src/extract_time.c" $OBJS $LIBS
cc $CFLAGS $(pkg-config --cflags gumbo) -o "$WORK/time-gumbo" \
    "$HERE/src/extract_time.c" "$HERE/src/html_parse_gumbo.c" $NOPARSE \
    $LIBS $(pkg-config --libs gumbo)

# The pages, and each one's ID and URL from the ground truth.
for f in "$SET"/html/*.html.gz; do
	gzip -dc "$f" >"$WORK/pages/$(basename "$f" .gz)"
done
: >"$WORK/empty.html"
"$PY" -c 'import json, sys
for k, v in sorted(json.load(open(sys.argv[1])).items()):
    print(k, v.get("url") or "")' "$SET/ground-truth.json" >"$WORK/urls"
npages=$(wc -l <"$WORK/urls")

# score NAME PRED: evaluate.py's per-page run kept in $WORK/eval-NAME.
score() {
	"$PY" "$SET/evaluate.py" "$2" --per-page >"$WORK/eval-$1" \
	    2>"$WORK/eval-$1.err"
	sed 's/^/  evaluate.py: /' "$WORK/eval-$1.err"
}
# last NAME FIELD: precision, recall or f1 from evaluate.py's last line.
last() {
	tail -n 1 "$WORK/eval-$1" | awk -v k="$2" \
	    '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
}
# korean NAME: "ID f1 F" for the two Korean pages.
korean() {
	for id in $KOREAN; do
		awk -v id="$id" 'index($1, id) == 1 {
		    printf "%s p %s r %s f1 %s", id, $3, $5, $7 }' \
		    "$WORK/eval-$1"
		echo
	done
}

echo "== quality: $BIN extract --json, $npages pages of $SET"
failed=0
while read -r id url; do
	if ! "$BIN" extract "$WORK/pages/$id.html" --base-url "$url" --json \
	    >"$WORK/out/$id.json" 2>>"$WORK/extract.err"; then
		: >"$WORK/out/$id.json"
		failed=$((failed + 1))
	fi
done <"$WORK/urls"
"$PY" -c 'import json, os, sys
out, pred = sys.argv[1], {}
for name in sorted(os.listdir(out)):
    with open(os.path.join(out, name)) as f:
        body = f.read()
    pred[name[:-5]] = {"articleBody": json.loads(body)["text"] if body else ""}
json.dump(pred, open(sys.argv[2], "w"), ensure_ascii=False)' \
    "$WORK/out" "$WORK/pred-binary.json"
[ "$failed" -eq 0 ] || { echo "  $failed page(s) failed:"; \
    sed 's/^/  /' "$WORK/extract.err"; }
score binary "$WORK/pred-binary.json"
tail -n 6 "$WORK/eval-binary" | sed 's/^/  /'
korean binary | sed 's/^/  Korean /'

for p in libxml2 gumbo; do
	echo "== speed, $p: extract_time -r $RUNS under taskset -c 0"
	taskset -c 0 "$WORK/time-$p" -r "$RUNS" -o "$WORK/pred-$p.json" \
	    -g "$SET/ground-truth.json" "$WORK"/pages/*.html \
	    >"$WORK/time-$p.txt"
	sed 's/^/  /' "$WORK/time-$p.txt"
	score "$p" "$WORK/pred-$p.json"
done

# Peak RSS of one page less an empty page's and the page's bytes, in KiB.
for p in libxml2 gumbo; do
	: >"$WORK/mem-$p"
	while read -r id url; do
		page=$WORK/pages/$id.html
		/usr/bin/time -f %M -o "$WORK/rss" "$WORK/time-$p" -1 "$page"
		full=$(tail -n 1 "$WORK/rss")
		/usr/bin/time -f %M -o "$WORK/rss" "$WORK/time-$p" -1 \
		    "$WORK/empty.html"
		empty=$(tail -n 1 "$WORK/rss")
		echo "$id $full $empty $(wc -c <"$page")" >>"$WORK/mem-$p"
	done <"$WORK/urls"
done
# mem NAME: "max M median D" of the extra KiB, and the largest page's ID.
mem() {
	awk '{ print $2 - $3 - $4 / 1024, $1 }' "$WORK/mem-$1" | sort -n |
	    awk '{ v[NR] = $1; id[NR] = $2 }
	    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "max %.0f KiB (%.8s) median %.0f KiB", v[NR], id[NR], m }'
}
# timing NAME WHAT FIELD: the median or p99 of parse or extract in ms.
timing() {
	awk -v w="$2" -v k="$3" '$1 == w {
	    for (i = 2; i < NF; i++) if ($i == k) print $(i + 1) }' \
	    "$WORK/time-$1.txt"
}

echo "== summary ($npages pages; p99 is nearest rank, so the slowest page" \
    "here)"
echo "  targets: F1 >= 0.95 with precision >= 0.94; extract median <= 5 ms," \
    "p99 <= 50 ms on one core; peak <= 8192 KiB above the page"
printf '  %-8s %6s %6s %6s  %-17s %-17s %s\n' parser F1 prec recall \
    "extract med/p99" "parse med/p99" "peak above page"
for p in binary libxml2 gumbo; do
	if [ $p = binary ]; then
		printf '  %-8s %6s %6s %6s  (aggregator extract --json)\n' \
		    $p "$(last $p f1)" "$(last $p precision)" \
		    "$(last $p recall)"
		continue
	fi
	printf '  %-8s %6s %6s %6s  %7s/%-7s ms %7s/%-7s ms %s\n' $p \
	    "$(last $p f1)" "$(last $p precision)" "$(last $p recall)" \
	    "$(timing $p extract median)" "$(timing $p extract p99)" \
	    "$(timing $p parse median)" "$(timing $p parse p99)" "$(mem $p)"
done
for p in binary libxml2 gumbo; do
	korean $p | sed "s/^/  Korean $p: /"
done
cmp -s "$WORK/eval-binary" "$WORK/eval-libxml2" ||
    echo "  note: extract_time (libxml2) scores differ from the binary's"
"$PY" -c 'import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
d = [k for k in a if a[k]["articleBody"] != b.get(k, {}).get("articleBody")]
print(f"  gumbo text differs from libxml2 on {len(d)} of {len(a)} pages")' \
    "$WORK/pred-libxml2.json" "$WORK/pred-gumbo.json"
# Against the targets, the libxml2 build (the daemon's).
awk -v f="$(last libxml2 f1)" -v pr="$(last libxml2 precision)" \
    -v med="$(timing libxml2 extract median)" \
    -v p99="$(timing libxml2 extract p99)" \
    -v mem="$(mem libxml2 | awk '{ print $2 }')" 'BEGIN {
	ok["quality"] = f >= 0.95 && pr >= 0.94
	ok["median"] = med <= 5; ok["p99"] = p99 <= 50; ok["memory"] = mem <= 8192
	printf "  libxml2 against the targets:"
	n = split("quality median p99 memory", keys, " ")
	for (i = 1; i <= n; i++)
		printf " %s %s", keys[i], ok[keys[i]] ? "met" : "MISSED"
	print ""
}'
