#!/bin/sh
# Scores the parser against feedparser's own test suite (see
# ../shared/conformance/README.md).  Usage: tests/conformance.sh BIN
# Fails when the core pass count (all categories but wellformed/sanitize)
# drops below tests/conformance.floor.
bin=${1:?usage: conformance.sh BIN}
here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../../shared/conformance" 2>/dev/null && pwd)
if [ -z "$shared" ] || [ ! -f "$shared/run_feedparser_suite.py" ]; then
	echo "conformance: skipped (no ../shared/conformance)"
	exit 0
fi
floor=$(cat "$here/conformance.floor" 2>/dev/null || echo 0)
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT INT TERM
/usr/bin/python3 "$shared/run_feedparser_suite.py" \
    --tests "$shared/feedparser-tests" -j 4 \
    --cmd "$bin parse {file}" \
    --http-cmd "$bin parse {file} --base-url {url} --headers {headers}" \
    >"$out" 2>&1
# The harness's own closing line counts sanitize failures too; reword it
# so that a CI log reader does not take it for this suite's verdict.
sed -n '/^category/,$p' "$out" |
    sed -E 's/^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/all categories: \1 pass, \2 fail, \3 skip/'
core=$(awk '$1 != "category" && $1 != "wellformed/sanitize" &&
    NF == 4 && $2 ~ /^[0-9]+$/ { n += $2 } END { print n + 0 }' "$out")
echo "conformance: core $core passed (floor $floor)"
if [ "$core" -lt "$floor" ]; then
	echo "conformance: core pass count below the floor"
	exit 1
fi
exit 0
