#!/bin/sh
# The daemon's HTTP server under load: wrk with 100 keep-alive clients
# asks for the merged feed (conditional GETs answered 304, then whole
# GETs) while the daemon polls a feed every second.
#
#   bench/serve.sh [-b BINARY] [-d SECONDS]
#
# Everything it writes goes under a temporary folder, removed at the end.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BIN=$ROOT/aggregator
SECS=10
while getopts b:d: o; do
	case $o in
	b) BIN=$(cd "$(dirname "$OPTARG")" && pwd)/$(basename "$OPTARG") ;;
	d) SECS=$OPTARG ;;
	*) echo "usage: $0 [-b BINARY] [-d SECONDS]" >&2; exit 2 ;;
	esac
done
make -C "$ROOT" -s
for tool in wrk curl; do
	command -v $tool >/dev/null || {
		apt-get update -qq; apt-get install -y -qq $tool >/dev/null; }
done

WORK=$(mktemp -d /tmp/serve-bench.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT INT TERM
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
{
	echo '<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>'
	echo '<link>https://b.example/</link><description>d</description>'
	i=0
	while [ $i -lt 100 ]; do
		echo "<item><title>Item $i</title><link>https://b.example/$i</link>"
		echo "<description>Entry $i of the serving bench, a paragraph long enough to look like a summary.</description></item>"
		i=$((i + 1))
	done
	echo '</channel></rss>'
} >"$WORK/feed.xml"
cat >"$WORK/bench.conf" <<CONF
[aggregator]
spool = spool
state = state.db
output = merged.atom
max_entries = 100
backfill = all
interval = 1s
[serve]
listen = 127.0.0.1:$PORT
[feed.b]
url = file://$WORK/feed.xml
CONF
"$BIN" -c "$WORK/bench.conf" --once -q
"$BIN" -c "$WORK/bench.conf" -q &
PID=$!
sleep 1
URL=http://127.0.0.1:$PORT/feed.atom
ETAG=$(curl -s -D - -o /dev/null "$URL" | tr -d '\r' | sed -n 's/^ETag: //p')
echo "merged feed: $(curl -s "$URL" | wc -c) bytes, ETag $ETAG"
echo "== conditional GETs (304), 100 connections, $SECS s"
wrk -t2 -c100 -d"${SECS}s" --latency -H "If-None-Match: $ETAG" "$URL"
echo "== whole GETs (200), 100 connections, $SECS s"
wrk -t2 -c100 -d"${SECS}s" --latency "$URL"
echo "== gzip GETs (200), 100 connections, $SECS s"
wrk -t2 -c100 -d"${SECS}s" --latency -H "Accept-Encoding: gzip" "$URL"
