"""
Config errors (SPEC "Config file"): unknown keys, duplicate feed names, a
missing url and a bad duration are each reported as FILE:LINE on stderr and
make `check` (and any other command) exit 2; a good config checks clean.
The config is checked before it is trusted: a url curl cannot parse, one
url under two names, an interval longer than the loop's timer holds, and
OPML xmlUrls that break the INI rules are errors too, at start and at a
reload as well as in `check`.
"""

import re
import signal

import pytest

from daemonproc import Daemon

BAD = """\
[aggregator]
spool = spool
output = merged.atom
state = state.db
colour = blue

[feed.one]
url = {url}/one.xml
interval = 5 fortnights

[feed.two]
title = No URL here

[feed.one]
url = {url}/dup.xml
"""

# problem -> the lines that may carry its report
PROBLEM_LINES = {
    "unknown key": {5},
    "bad duration": {9},
    "missing url": {11, 12},
    "duplicate feed name": {14},
}

SINGLE = {
    "unknown key": ("[aggregator]\nspool = s\nfrobnicate = yes\n\n"
                    "[feed.a]\nurl = {url}/a.xml\n", {3}),
    "bad duration": ("[aggregator]\nspool = s\ninterval = soon\n\n"
                     "[feed.a]\nurl = {url}/a.xml\n", {3}),
    "bad feed duration": ("[aggregator]\nspool = s\n\n"
                          "[feed.a]\nurl = {url}/a.xml\ninterval = 10x\n", {6}),
    "missing url": ("[aggregator]\nspool = s\n\n[feed.a]\ntitle = A\n", {4, 5}),
    "duplicate feed name": ("[aggregator]\nspool = s\n\n[feed.a]\nurl = {url}/a.xml\n\n"
                            "[feed.a]\nurl = {url}/b.xml\n", {7}),
    # Issue 14 point 13: what used to be accepted and then polled wrongly.
    "url with a space in the host": ("[aggregator]\nspool = s\n\n"
                                     "[feed.a]\nurl = http://exa mple.com/feed\n", {5}),
    "url with a bad port": ("[aggregator]\nspool = s\n\n"
                            "[feed.a]\nurl = http://example.com:99999/feed\n", {5}),
    "url without a host": ("[aggregator]\nspool = s\n\n[feed.a]\nurl = https://\n", {5}),
    "file url on another host": ("[aggregator]\nspool = s\n\n"
                                 "[feed.a]\nurl = file://elsewhere/feed.xml\n", {5}),
    "one url under two names": ("[aggregator]\nspool = s\n\n[feed.a]\nurl = {url}/a.xml\n\n"
                                "[feed.b]\nurl = {url}/x/../a.xml#top\n", {7, 8}),
    # 584 million years: seconds x 1000 wraps the timer's 64 bits.
    "interval beyond the timer": ("[aggregator]\nspool = s\ninterval = 18446744073709552\n\n"
                                  "[feed.a]\nurl = {url}/a.xml\n", {3}),
    "feed interval beyond the timer": ("[aggregator]\nspool = s\n\n[feed.a]\n"
                                       "url = {url}/a.xml\ninterval = 213503982334d\n", {6}),
}

GOOD = """\
# A comment line.
[aggregator]
spool = spool
output = merged.atom
state = state.db
interval = 45s
max_entries = 10
title = Good config

[feed.one]
url = {url}/one.xml
interval = 2h

[feed.two]
url = {url}/two.xml
title = Two
interval = 1d

[feed.three]
url = file:///nonexistent/three.xml
interval = 90
"""


def reported(stderr, conf, lines):
    """Whether some stderr line names conf:LINE for one of lines."""
    found = {int(n) for n in re.findall(re.escape(conf.name) + r":(\d+)\b", stderr)}
    return bool(found & set(lines))


def test_config_errors(work, server):
    conf = work.path / "bad.conf"
    conf.write_text(BAD.format(url=server.url("")))
    res = work.run("-c", str(conf), "check", config=False)
    assert res.rc == 2, res
    for problem, lines in PROBLEM_LINES.items():
        assert reported(res.stderr, conf, lines), "%s not reported:\n%s" % (problem, res.stderr)

    # Polling with a bad config fails the same way, before fetching anything.
    res = work.run("-c", str(conf), "--once", config=False)
    assert res.rc == 2, res
    assert server.requests == []
    assert not (work.path / "spool").exists()


@pytest.mark.parametrize("problem", sorted(SINGLE))
def test_config_error_alone(work, server, problem):
    text, lines = SINGLE[problem]
    conf = work.path / "single.conf"
    conf.write_text(text.format(url=server.url("")))
    res = work.run("-c", str(conf), "check", config=False)
    assert res.rc == 2, res
    assert reported(res.stderr, conf, lines), res.stderr


def test_good_config(work, server):
    conf = work.path / "good.conf"
    conf.write_text(GOOD.format(url=server.url("")))
    res = work.run("-c", str(conf), "check", config=False)
    assert res.rc == 0, res
    assert server.requests == []


def test_missing_config(work):
    res = work.run("-c", str(work.path / "absent.conf"), "check", config=False)
    assert res.rc == 2, res
    assert "absent.conf" in res.stderr


OPML = """\
<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
<outline text="Good" xmlUrl="{url}/good.xml"/>
<outline text="Script" xmlUrl="javascript:alert(1)"/>
<outline text="Spaces" xmlUrl="http://exa mple.com/rss"/>
<outline text="Relative" xmlUrl="feeds/rss.xml"/>
<outline text="Also good, twice" xmlUrl="{url}/GOOD.xml"/>
<outline text="In the INI file" xmlUrl="{url}/a.xml"/>
</body></opml>
"""


def test_opml_urls_are_held_to_the_ini_rules(work, server):
    (work.path / "subs.opml").write_text(OPML.format(url=server.url("")))
    conf = work.path / "opml.conf"
    conf.write_text("[aggregator]\nspool = s\nopml = subs.opml\n\n"
                    "[feed.a]\nurl = %s\n" % server.url("/a.xml"))
    res = work.run("-c", str(conf), "check", config=False)
    assert res.rc == 2, res
    opml = work.path / "subs.opml"
    # Each bad xmlUrl is reported at its line of the OPML file.
    for line, url in ((4, "javascript:alert(1)"), (5, "http://exa mple.com/rss"),
                      (6, "feeds/rss.xml")):
        assert any(l.startswith("aggregator: %s:%d: " % (opml, line)) and url in l
                   for l in res.stderr.splitlines()), (line, res.stderr)
    assert res.stderr.count("subs.opml:") == 3, res.stderr
    # Good outlines pass; one whose url the INI file has is simply skipped.
    (work.path / "subs.opml").write_text(
        "\n".join(l for l in OPML.format(url=server.url("")).splitlines()
                  if "Good" in l or "INI" in l or "opml" in l or "xml version" in l))
    res = work.run("-c", str(conf), "check", config=False)
    assert res.rc == 0 and "ok, 2 feeds" in res.stdout, res


def test_start_and_reload_refuse_what_check_refuses(work, server):
    server.set("/a.xml", b"<rss version='2.0'><channel><title>a</title></channel></rss>")
    same = {"a": {"url": server.url("/a.xml"), "interval": "1h"},
            "b": {"url": server.url("/a.xml?utm_source=x"), "interval": "1h"}}
    work.write_config(same)
    res = work.once()
    assert res.rc == 2, res
    assert 'same url as feed "a"' in res.stderr, res
    assert server.requests == []
    work.write_config({"a": same["a"]})
    with Daemon(work) as d:
        assert d.wait_log("polling 1 feeds"), d.log()
        path = work.write_config(same)
        d.send(signal.SIGHUP)
        assert d.wait_log("the running config stays"), d.log()
        assert "%s:" % path in d.log(), d.log()
        assert d.proc.poll() is None
        assert d.stop() == 0, d.log()
