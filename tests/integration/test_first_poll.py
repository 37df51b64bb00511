"""
A feed's first poll (SPEC "Subscriptions"): it delivers at most `backfill`
entries, the newest by date, and marks the rest seen, so subscribing to a
feed with a long archive does not flood the spool; later polls deliver
everything new.  `--once --dry-run` prints what a run would deliver and
writes nothing at all.  The oracle is the spool read back with
email/mailbox, the merged feed with feedparser and the state with sqlite3.
"""

import email.utils
import hashlib
import os
import re

from conftest import entry_key
from daemonproc import Daemon
from helpers import assert_exactly_once, put_feed, query


def dated_feed(name, indices, order=None):
    """An RSS 2.0 document of items "<name> item <i>" dated i hours after
    2025-01-01, linked https://<name>.example/<i>, listed in order (by
    default newest first)."""
    items = []
    for i in (order or sorted(indices, reverse=True)):
        date = email.utils.formatdate(1735689600 + 3600 * i, usegmt=True)
        items.append("<item><title>%s item %d</title><link>https://%s.example/%d</link>"
                     "<pubDate>%s</pubDate><description>item %d</description></item>\n"
                     % (name, i, name, i, date, i))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            "<title>%s</title><link>https://%s.example/</link><description>d</description>\n"
            "%s</channel></rss>\n" % (name, name, "".join(items))).encode()


def subjects_of(work, name):
    return sorted((str(m["Subject"]) for m in work.messages()
                   if str(m["Subject"]).startswith(name + " ")),
                  key=lambda s: int(s.rsplit(" ", 1)[1]))


def names(prefix, indices):
    return ["%s item %d" % (prefix, i) for i in indices]


def test_first_poll_delivers_the_newest_backfill_entries_and_marks_the_rest_seen(work, tmp_path):
    # A 500-item archive listed in a shuffled order: "newest" is by date.
    feed = tmp_path / "archive.xml"
    order = list(range(500))
    order = order[::7] + [i for i in order if i % 7]
    url = put_feed(feed, dated_feed("arch", range(500), order=order))
    work.write_config({"arch": url}, backfill=None)    # the default, 20

    res = work.once()
    assert res.rc == 0, res
    assert res.stdout.startswith("aggregator: 20 new entries"), res
    assert_exactly_once(work, names("arch", range(480, 500)))
    # The rest are seen, not pending, and are not in the merged feed.
    db = work.path / "state.db"
    seen = {k for (k,) in query(db, "SELECT key FROM seen")}
    assert seen == {entry_key("https://arch.example/%d" % i) for i in range(500)}
    assert query(db, "SELECT count(*) FROM pending") == [(0,)]
    merged = work.merged()
    assert not merged.bozo, merged.bozo_exception
    assert sorted(e.title for e in merged.entries) == sorted(names("arch", range(480, 500)))

    # Nothing more from the same document.
    res = work.once()
    assert res.rc == 0, res
    assert res.stdout.startswith("aggregator: 0 new entries"), res

    # Later polls are not limited: 30 new items at once are all delivered.
    put_feed(feed, dated_feed("arch", range(530)))
    res = work.once()
    assert res.rc == 0, res
    assert res.stdout.startswith("aggregator: 30 new entries"), res
    assert_exactly_once(work, names("arch", range(480, 530)))


def test_backfill_is_set_for_all_feeds_and_per_feed(work, tmp_path):
    urls = {n: put_feed(tmp_path / ("%s.xml" % n), dated_feed(n, range(30)))
            for n in ("none", "every", "seven", "five")}
    work.write_config({"none": {"url": urls["none"], "backfill": "0"},
                       "every": {"url": urls["every"], "backfill": "ALL"},
                       "seven": urls["seven"],
                       "five": {"url": urls["five"], "backfill": "5"}},
                      backfill="7")
    res = work.once()
    assert res.rc == 0, res
    assert subjects_of(work, "none") == []
    assert subjects_of(work, "every") == names("every", range(30))
    assert subjects_of(work, "seven") == names("seven", range(23, 30))
    assert subjects_of(work, "five") == names("five", range(25, 30))

    # backfill 0 was still a first poll: what comes next is delivered.
    put_feed(tmp_path / "none.xml", dated_feed("none", range(32)))
    res = work.once()
    assert res.rc == 0, res
    assert subjects_of(work, "none") == names("none", [30, 31])

    bad = work.write_config({"x": urls["none"]}, name="bad.conf", backfill="some")
    res = work.run("-c", str(bad), "check", config=False)
    assert res.rc == 2, res
    assert re.search(r"bad\.conf:\d+: bad number for \"backfill\": \"some\"", res.stderr), res


def test_first_good_poll_is_limited_not_the_first_attempt(server, work):
    # The first attempt fails; the first poll that reads the feed is the
    # one limited.  A feed whose first good poll was empty is not limited
    # later.
    server.set("/late.xml", b"down\n", status=500, content_type="text/plain")
    server.set("/empty.xml", dated_feed("empty", []), content_type="application/rss+xml")
    work.write_config({"late": server.url("/late.xml"), "empty": server.url("/empty.xml")},
                      backfill="10")
    res = work.once()
    assert res.rc == 1, res
    assert work.messages() == []

    server.set("/late.xml", dated_feed("late", range(25)), content_type="application/rss+xml")
    server.set("/empty.xml", dated_feed("empty", range(25)), content_type="application/rss+xml")
    res = work.once()
    assert res.rc == 0, res
    assert subjects_of(work, "late") == names("late", range(15, 25))
    assert subjects_of(work, "empty") == names("empty", range(25))


def snapshot(path):
    """Every file under path: its bytes' hash, size, mode and mtime."""
    out = {}
    for root, dirs, files in os.walk(path):
        for d in dirs:
            p = os.path.join(root, d)
            out[p] = ("dir", os.stat(p).st_mode)
        for f in files:
            p = os.path.join(root, f)
            st = os.stat(p)
            with open(p, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
            out[p] = (digest, st.st_size, st.st_mode, st.st_mtime_ns)
    return out


def dry_lines(res):
    return [tuple(l.split("\t")) for l in res.stdout.splitlines()]


def test_dry_run_prints_what_would_be_delivered_and_writes_nothing(work, tmp_path):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    news = feeds / "news.xml"
    put_feed(news, dated_feed("news", range(30)))
    work.write_config({"news": "file://%s" % news}, backfill=None)

    # It is a --once run: a daemon that writes nothing is none.
    res = work.run("--dry-run")
    assert res.rc == 2 and "usage" in res.stderr, res

    # A first run: no state, no spool yet, and none is created.
    before = snapshot(work.path)
    res = work.run("--once", "--dry-run")
    assert res.rc == 0, res
    want = [("news", "news item %d" % i, "https://news.example/%d" % i) for i in range(10, 30)]
    assert sorted(dry_lines(res)) == sorted(want), res
    assert snapshot(work.path) == before

    # The real run delivers just that.
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, [t for (_, t, _) in want])

    # Two new entries (one with a tab and a newline in its title): the dry
    # run names them, one line each, and changes no byte, mode or mtime.
    doc = dated_feed("news", range(32)).replace(b"news item 31<", b"news\titem\n31<")
    put_feed(news, doc)
    before = snapshot(work.path)
    res = work.run("--once", "--dry-run")
    assert res.rc == 0, res
    assert sorted(dry_lines(res)) == [("news", "news item 30", "https://news.example/30"),
                                      ("news", "news item 31", "https://news.example/31")], res
    assert snapshot(work.path) == before

    # A daemon holds the state (and its lock): the dry run is not refused.
    with Daemon(work, args=("-v",)) as d:
        assert d.wait_log("polling 1 feeds"), d.log()
        res = work.run("--once", "--dry-run")
        assert res.rc == 0, res
        assert len(dry_lines(res)) == 2, res
        assert d.stop() == 0
    res = work.once()
    assert res.rc == 0, res
    assert res.stdout.startswith("aggregator: 2 new entries"), res
    assert len(work.messages()) == 22

