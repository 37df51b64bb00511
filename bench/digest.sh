#!/bin/sh
# The digest of a busy day: a state of 1000 stories (4 489 entries from 40
# outlets, bench/src/digest_fill.c); the digest inside the process
# (bench/src/digest_time.c), then the time `aggregator digest` takes to
# write it in each format, measured by hyperfine beside the floor of
# reading the same rows with the sqlite3 shell.
#
#   bench/digest.sh [-b BINARY] [-n STORIES]
#
# Everything it writes goes under a temporary folder, removed at the end.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BIN=$ROOT/aggregator
STORIES=1000
while getopts b:n: o; do
	case $o in
	b) BIN=$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG") ;;
	n) STORIES=$OPTARG ;;
	*) echo "usage: $0 [-b BINARY] [-n STORIES]" >&2; exit 2 ;;
	esac
done
make -C "$ROOT" -s
for tool in hyperfine sqlite3; do
	command -v $tool >/dev/null || {
		apt-get update -qq; apt-get install -y -qq $tool >/dev/null; }
done

WORK=$(mktemp -d /tmp/digest-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM

LIBS=$(make -s -C "$ROOT" print-ldlibs)
OBJS=$(ls "$ROOT"/build/*.o | grep -v '/main\.o$')
for tool in digest_fill digest_time; do
	cc -O2 -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$ROOT/include" \
	    -o "$WORK/$tool" "$HERE/src/$tool.c" $OBJS $LIBS
done
"$WORK/digest_fill" "$WORK/state.db" "$STORIES"
cat >"$WORK/bench.conf" <<CONF
[aggregator]
state = state.db
[digest]
title = AI 뉴스
timezone = Asia/Seoul
max_stories = 100000
[publishers]
outlet1.example = Outlet One
outlet2.example/news = Outlet Two News
CONF
PERIOD="--since 2025-11-03T00:00:00Z --until 2025-11-04T00:00:00Z"
# Inside the process: read, build, render, without starting one.
"$WORK/digest_time" "$WORK/bench.conf" 2025-11-03T00:00:00Z \
    2025-11-04T00:00:00Z 30
"$BIN" -c "$WORK/bench.conf" digest $PERIOD >"$WORK/post.md"
echo "sections: $(grep -c '^## ' "$WORK/post.md"), $(wc -c <"$WORK/post.md") bytes"
hyperfine -N -w 3 -r 30 \
    -n "sqlite3: the rows (floor)" \
    "sqlite3 $WORK/state.db 'SELECT key, story, feed, title, link, text FROM story_entries WHERE seen >= 1762128000'" \
    -n "digest jekyll" "$BIN -c $WORK/bench.conf digest $PERIOD -o $WORK/out.md" \
    -n "digest mail" "$BIN -c $WORK/bench.conf digest $PERIOD --format mail -o $WORK/out.eml" \
    -n "digest atom" "$BIN -c $WORK/bench.conf digest $PERIOD --format atom -o $WORK/out.atom"
