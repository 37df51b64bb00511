"""
Config errors (SPEC "Config file"): unknown keys, duplicate feed names, a
missing url and a bad duration are each reported as FILE:LINE on stderr and
make `check` (and any other command) exit 2; a good config checks clean.
"""

import re

import pytest

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
