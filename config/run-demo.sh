#!/bin/sh
# Runs the bundled demo: polls every feed in config/demo/ once into demo/
# (spool, merged feed, state) at the top of the tree, then says where they are.
# Usage: sh config/run-demo.sh PATH-TO-AGGREGATOR
set -eu

if [ $# -ne 1 ]; then
	echo "usage: sh config/run-demo.sh PATH-TO-AGGREGATOR" >&2
	exit 2
fi
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$here")/demo
mkdir -p "$out"

# file:// URLs need the checkout's absolute path, percent-encoded where a
# path byte is not allowed in a URL; sed needs \, | and & escaped.
url_dir=$(printf '%s\n' "$here/demo" | sed 's/%/%25/g; s/ /%20/g; s/#/%23/g; s/?/%3F/g')
sed_dir=$(printf '%s\n' "$url_dir" | sed 's/[\\|&]/\\&/g')
sed "s|@DEMO_DIR@|$sed_dir|g" "$here/demo.conf.in" >"$out/demo.conf.tmp"
mv "$out/demo.conf.tmp" "$out/demo.conf"

rc=0
"$bin" -c "$out/demo.conf" --once || rc=$?

# Today's digest of what was delivered, as a Jekyll post.
mkdir -p "$out/_posts"
digest=$("$bin" -c "$out/demo.conf" digest -o "$out/_posts") || rc=$?

# The article in a saved news page (EUC-KR, with a weather widget, ads,
# a sign-off and a copyright line), as fulltext = auto reads pages.
"$bin" -c "$out/demo.conf" extract "$here/demo/article-euckr.html" \
    --base-url https://news.example.kr/article/1 >"$out/article.txt" || rc=$?

n=$(find "$out/Maildir/new" "$out/Maildir/cur" -type f 2>/dev/null | wc -l)
echo "demo config:  $out/demo.conf"
echo "spool:        $out/Maildir ($n messages; read it with: mutt -f $out/Maildir)"
echo "merged feed:  $out/merged.atom"
echo "digest:       ${digest#aggregator: digest of * stories: }"
echo "article:      $out/article.txt (aggregator extract of config/demo/article-euckr.html)"
exit $rc
