"""
Filters (SPEC "Subscriptions"): drop_* and keep_* rules on title,
content, author, category and link (PCRE2, UTF-8, caseless) and max_age;
a feed's rules before [aggregator]'s, each in the order written, the first
that matches deciding; a dropped entry is marked seen and never comes
back.  `aggregator filter-test [FEED]` shows each entry's verdict and
writes nothing.  The oracle is the spool read with Python's mailbox and
email packages, and the state read with sqlite3.
"""

import email.utils
import time

from conftest import entry_key
from helpers import query

RECENT = email.utils.formatdate(time.time() - 3600, usegmt=True)
OLD = "Mon, 01 Jan 2001 00:00:00 +0000"

# title, link path, category, author, description, date
ITEMS = [
    ("Sponsored: a new phone", "/a/1", "ads", "", "Buy it.", RECENT),
    ("SPONSORED and important", "/a/2", "world", "", "Both.", RECENT),
    ("Council votes on trams", "/a/3", "local", "Kim Reporter", "Trams.", RECENT),
    ("Weekly promo digest", "/promo/4", "local", "", "Deals.", RECENT),
    ("A bot wrote this", "/a/5", "world", "bot@example.com (Bot)", "Text.", RECENT),
    ("An archive piece", "/a/6", "world", "", "Long ago.", OLD),
    ("오늘의 광고 모음", "/a/7", "world", "", "광고.", RECENT),
    ("Casino night", "/a/8", "Gambling", "", "Win big.", RECENT),
    ("Quiet entry", "/a/9", "world", "", "It mentions a crypto giveaway.", RECENT),
]


def rss(server, items):
    body = "".join(
        "<item><title>%s</title><link>%s</link><guid>%s</guid>"
        "<category>%s</category>%s<pubDate>%s</pubDate>"
        "<description>%s</description></item>"
        % (t, server.url(p), server.url(p), c,
           "<author>%s</author>" % a if a else "", d, desc)
        for t, p, c, a, desc, d in items)
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>News</title><link>%s</link><description>d</description>%s"
            "</channel></rss>" % (server.url("/"), body))


def config(work, server, feed_rules, global_rules):
    conf = work.write_config({"news": server.url("/feed.xml")})
    text = conf.read_text()
    head, feeds = text.split("\n[feed.news]\n")
    head += "".join("%s = %s\n" % r for r in global_rules)
    feeds = "[feed.news]\n" + feeds + "".join("%s = %s\n" % r for r in feed_rules)
    conf.write_text(head + "\n" + feeds)
    return conf


FEED_RULES = [("keep_title", "important"), ("drop_title", "광고")]
GLOBAL_RULES = [("drop_title", "^sponsored"), ("drop_link", "/promo/"),
                ("drop_author", r"\bbot\b"), ("max_age", "30d"),
                ("drop_category", "^gambling$"), ("drop_content", "crypto giveaway")]
KEPT = {"SPONSORED and important", "Council votes on trams"}


def subjects(work):
    return {str(m["Subject"]) for m in work.messages()}


def test_rules_keep_and_drop_in_order(server, work):
    server.set("/feed.xml", rss(server, ITEMS))
    config(work, server, FEED_RULES, GLOBAL_RULES)
    res = work.run("-v", "--once")
    assert res.rc == 0, res.stderr
    # The feed's keep_title comes before [aggregator]'s drop_title;
    # matching is caseless, Unicode-aware and anywhere in the text.
    assert subjects(work) == KEPT, subjects(work)
    assert "7 new entries dropped by filters, marked seen" in res.stderr, res.stderr

    # A dropped entry is marked seen: without the rules it never comes back.
    dropped = [server.url(p) for t, p, *_ in ITEMS if t not in KEPT]
    seen = {r[0] for r in query(work.path / "state.db", "SELECT key FROM seen")}
    assert all(entry_key(u) in seen for u in dropped)
    config(work, server, [], [])
    assert work.once().rc == 0
    assert subjects(work) == KEPT


def test_filter_test_shows_each_verdict_and_writes_nothing(server, work):
    server.set("/feed.xml", rss(server, ITEMS))
    conf = config(work, server, FEED_RULES, GLOBAL_RULES)
    lines = conf.read_text().splitlines()
    at = {l.split(" = ", 1)[0] + " = " + l.split(" = ", 1)[1]: n + 1
          for n, l in enumerate(lines) if " = " in l}
    res = work.run("filter-test")
    assert res.rc == 0, res.stderr
    got = [l.split("\t") for l in res.stdout.splitlines()]
    assert [g[3] for g in got] == [t for t, *_ in ITEMS]
    verdicts = {g[3]: (g[1], g[2]) for g in got}
    assert verdicts["Council votes on trams"] == ("keep", "-")
    assert verdicts["SPONSORED and important"] == (
        "keep", "keep_title = important (line %d)" % at["keep_title = important"])
    assert verdicts["Sponsored: a new phone"] == (
        "drop", "drop_title = ^sponsored (line %d)" % at["drop_title = ^sponsored"])
    assert verdicts["An archive piece"][1].startswith("max_age = 30d")
    assert verdicts["Weekly promo digest"][1].startswith("drop_link = /promo/")
    assert verdicts["A bot wrote this"][1].startswith("drop_author")
    assert verdicts["Casino night"][1].startswith("drop_category = ^gambling$")
    assert verdicts["Quiet entry"][1].startswith("drop_content = crypto giveaway")
    assert verdicts["오늘의 광고 모음"][1].startswith("drop_title = 광고")
    # Nothing written: no spool, no state, no merged feed.
    assert not work.spool.exists() and not (work.path / "state.db").exists()
    assert not work.output.exists()
    # One feed by name; an unknown name is a usage error.
    server.set("/other.xml", rss(server, ITEMS[:1]))
    res = work.run("filter-test", "nosuch")
    assert res.rc == 2 and "nosuch" in res.stderr


def test_filter_test_reads_the_whole_document_after_a_run(server, work):
    server.set("/feed.xml", rss(server, ITEMS))
    config(work, server, FEED_RULES, GLOBAL_RULES)
    assert work.once().rc == 0
    before = (work.path / "state.db").read_bytes()
    res = work.run("filter-test", "news")
    assert res.rc == 0, res.stderr
    # Every entry, though all are seen now: no conditional request.
    assert len(res.stdout.splitlines()) == len(ITEMS)
    assert (work.path / "state.db").read_bytes() == before


def test_bad_rules_are_config_errors(work):
    conf = work.write_config({})
    conf.write_text(conf.read_text() + "drop_title = (unclosed\nmax_age = soon\n")
    res = work.run("check")
    assert res.rc != 0
    lines = [l for l in res.stderr.splitlines() if "aggregator.conf:" in l]
    assert any("bad pattern for \"drop_title\"" in l and "missing closing parenthesis" in l
               for l in lines), res.stderr
    assert any("bad duration for \"max_age\"" in l for l in lines), res.stderr


def test_a_hostile_title_cannot_stall_a_pattern(server, work):
    """A pattern that backtracks without end on a crafted title stops at
    PCRE2's match limit: the entry is kept, the run ends promptly."""
    title = "a" * 5000 + "!"
    server.set("/feed.xml", rss(server, [(title, "/h/1", "x", "", "d", RECENT)]))
    config(work, server, [], [("drop_title", "^(a+)+$")])
    started = time.monotonic()
    res = work.once()
    assert res.rc == 0, res.stderr
    assert time.monotonic() - started < 10
    assert len(work.messages()) == 1


def test_sighup_applies_new_rules(server, work):
    import signal
    from daemonproc import Daemon
    first = [("Council votes on trams", "/a/3", "local", "", "Trams.", RECENT)]
    later = first + [("Sponsored: a new phone", "/a/1", "ads", "", "Buy.", RECENT),
                     ("Weather turns cold", "/a/10", "local", "", "Cold.", RECENT)]
    server.set("/feed.xml", rss(server, first))
    conf = work.write_config({"news": {"url": server.url("/feed.xml"),
                                       "interval": "1s"}})
    with Daemon(work) as d:
        assert d.wait_for(lambda: len(work.messages()) == 1, 10), d.log()
        conf.write_text(conf.read_text() + "drop_title = ^sponsored\n")
        d.send(signal.SIGHUP)
        assert d.wait_log("reload: 0 added, 0 removed, 1 changed"), d.log()
        server.set("/feed.xml", rss(server, later))
        assert d.wait_for(lambda: len(work.messages()) == 2, 10), d.log()
        assert d.wait_log("1 new entry dropped by filters"), d.log()
        assert d.stop() == 0
    assert subjects(work) == {"Council votes on trams", "Weather turns cold"}
