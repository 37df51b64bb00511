#!/bin/sh
# Story grouping on the labelled development set (../shared/stories):
#  1. its feeds served on 127.0.0.1 by the set's own make_feeds.py, polled
#     once by the real binary, `stories --json` turned into the scorer's
#     input: the scorer's figures, with the run's wall time and peak RSS;
#  2. the same entries fed to the story index in fixed orders (by date,
#     feed by feed, three seeded shuffles) by bench/src/story_replay.c:
#     the grouping alone, order by order, as the daemon's fetch order
#     varies from run to run;
#  3. throughput and memory at a full window (bench/src/story_load.c:
#     50 000 synthetic entries, then 200 000 more timed).
#
#   bench/stories.sh [-b BINARY] [-s SET.json] [-p PORT] [-n]   (-n: no 3)
#
# Everything it writes goes under a temporary folder, removed at the end.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
KIT=$(cd "$ROOT/../shared/stories" && pwd)
PY=/usr/bin/python3
BIN=$ROOT/aggregator
SET=$KIT/dev.json
PORT=8765
LOAD=1
while getopts b:s:p:n o; do
	case $o in
	n) LOAD= ;;
	b) BIN=$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG") ;;
	s) SET=$OPTARG ;;
	p) PORT=$OPTARG ;;
	*) echo "usage: $0 [-b BINARY] [-s SET.json] [-p PORT]" >&2; exit 2 ;;
	esac
done
make -C "$ROOT" -s
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || {
	apt-get update -qq; apt-get install -y -qq time >/dev/null; }

WORK=$(mktemp -d /tmp/stories-bench.XXXXXX)
SERVER=
cleanup() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

$PY "$KIT/make_feeds.py" "$SET" "$WORK/feeds" --serve "$PORT" \
    >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do
	grep -q serving "$WORK/serve.log" 2>/dev/null && break
	sleep 0.1
done
grep -q serving "$WORK/serve.log" || { cat "$WORK/serve.log" >&2; exit 1; }

# Every entry of the set is delivered: no backfill limit on a first poll.
CONF=$WORK/feeds/aggregator.conf
sed -i 's/^\[aggregator\]$/[aggregator]\nbackfill = all/' "$CONF"
/usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" -c "$CONF" --once -q
read -r WALL RSS <"$WORK/time"
# The set's dates are years old: --since reaches back to all of them.
"$BIN" -c "$CONF" stories --json --since 36500d >"$WORK/stories.json"
$PY - "$WORK/stories.json" "$WORK/predicted.json" <<'PYEOF'
import json, sys
stories = json.load(open(sys.argv[1]))["stories"]
groups = [[e["link"] for e in s["entries"]] for s in stories
          if len(s["entries"]) > 1]
json.dump({"stories": groups}, open(sys.argv[2], "w"))
n = sum(len(s["entries"]) for s in stories)
print("entries %d stories %d (%d with 2+ entries)" % (n, len(stories), len(groups)))
PYEOF
$PY "$KIT/score.py" "$SET" "$WORK/predicted.json" ${VERBOSE:+-v}
echo "once: wall ${WALL}s peak RSS ${RSS} KiB"

# The tools below link the daemon's own objects.
LIBS=$(make -s -C "$ROOT" print-ldlibs)
OBJS=$(ls "$ROOT"/build/*.o | grep -v '/main\.o$')
for tool in story_replay story_load; do
	cc -O2 -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$ROOT/include" \
	    -o "$WORK/$tool" "$HERE/src/$tool.c" $OBJS $LIBS
done
echo
echo "replay: order, then the scorer's last line"
for order in time feed "shuffle 1" "shuffle 2" "shuffle 3"; do
	# shellcheck disable=SC2086
	"$WORK/story_replay" "$SET" $order >"$WORK/replay.json"
	printf '%-10s %s\n' "$order" \
	    "$($PY "$KIT/score.py" "$SET" "$WORK/replay.json" | tail -1)"
done
if [ -n "$LOAD" ]; then
	echo
	"$WORK/story_load"
fi
