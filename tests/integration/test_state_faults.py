"""
Faults of the state store (catalogue rows S02-S06, ../shared/RELIABILITY.md
section 8): a full filesystem under the state, a damaged state file, a
state file that is lost while the spool is not, and polls that fail or
bring broken documents.  A local fault is exit 3 with nothing delivered
and nothing marked seen, so the next run loses nothing; a damaged state is
refused untouched; a lost one delivers what the feeds still carry again,
once.  The oracle is the spool read back, and the state read with sqlite3.
"""

import os
import re
import subprocess

import pytest

from conftest import NEW_ITEM, entry_key, fixture_bytes
from helpers import (PLAIN, assert_exactly_once, error_line, fill, integrity_ok, make_feed,
                     message_id, mount_tmpfs, numbered_items, put_feed, query, rss_feed,
                     serve_plain, subjects, titles)


# --- S02: the state's filesystem is full ------------------------------------

def test_full_state_filesystem_delivers_nothing_then_all_once_S02(work, tmp_path):
    statedir = work.path / "st"
    mount_tmpfs(statedir, "16m")
    try:
        feeds = tmp_path / "feeds"
        feeds.mkdir()
        plain = put_feed(feeds / "plain.xml", fixture_bytes("plain-rss2.xml"))
        big = feeds / "big.xml"
        put_feed(big, rss_feed("Big", []))
        work.write_config({"plain-rss": plain, "big": "file://%s" % big},
                          state="st/state.db")
        res = work.once()
        assert res.rc == 0, res
        assert_exactly_once(work, PLAIN)
        db = statedir / "state.db"
        filler = fill(statedir)
        # 30 entries of 40 KB: more than any slack the files may have.
        put_feed(big, rss_feed("Big", numbered_items("big", 30, size=40000)))

        res = work.once()
        assert res.rc == 3, res
        assert re.search(r"full|space", res.stderr, re.I), res
        assert all(len(l) < 1000 for l in res.stderr.splitlines()), res
        # Nothing of the big feed delivered or marked: no half state.
        assert_exactly_once(work, PLAIN)

        # Space is freed (reading a WAL database needs some too).
        filler.unlink()
        (statedir / "filler2").unlink()
        keys = {entry_key("https://big.example/%d" % i) for i in range(30)}
        seen = {k for (k,) in query(db, "SELECT key FROM seen")}
        assert not seen & keys
        assert query(db, "SELECT count(*) FROM pending") == [(0,)]
        assert integrity_ok(db)
        # 40 KB entries: the spool is not on the tmpfs, the state is.
        res = work.once(timeout=30)
        assert res.rc == 0, res
        assert_exactly_once(work, PLAIN + titles("big", 30))
        res = work.once(timeout=30)
        assert res.rc == 0, res
        assert_exactly_once(work, PLAIN + titles("big", 30))
        assert integrity_ok(db)
        assert {k for (k,) in query(db, "SELECT key FROM seen")} >= keys
    finally:
        subprocess.run(["umount", "-l", str(statedir)])


# --- S03: a damaged state file ---------------------------------------------

@pytest.mark.parametrize("damage", ["random", "header", "truncated"])
def test_corrupt_state_is_refused_and_left_untouched_S03(server, work, damage):
    work.write_config({"plain-rss": serve_plain(server)})
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, PLAIN)

    db = work.path / "state.db"
    for suffix in ("-wal", "-shm"):
        (work.path / ("state.db" + suffix)).unlink(missing_ok=True)
    data = db.read_bytes()
    assert len(data) >= 8192
    if damage == "random":
        data = os.urandom(len(data))
    elif damage == "header":
        data = os.urandom(100) + data[100:]
    else:
        data = data[:len(data) // 2]
    db.write_bytes(data)
    inode = db.stat().st_ino
    # Something new to deliver: a run that reset the state would deliver
    # the old items again too.
    server.set("/rss.xml", fixture_bytes("plain-rss2.xml").replace(b"</channel>", NEW_ITEM),
               content_type="application/rss+xml")

    server.clear_log()
    res = work.once()
    assert res.rc == 3, res
    assert "state" in res.stderr.lower(), res
    assert len(res.stderr.strip().splitlines()) == 1, res
    assert db.read_bytes() == data
    assert db.stat().st_ino == inode
    assert_exactly_once(work, PLAIN)
    # It refused to start: no feed was even fetched.
    assert server.requests == []


# --- S04: the state file is lost, the spool is not ---------------------------

def test_deleted_state_delivers_current_entries_again_once_S04(work, tmp_path):
    # SPEC has no first-run policy and the state is the only record of what
    # was delivered: a fresh state file delivers every entry the feeds still
    # show once more (same Message-ID, new file).  This pins that down.
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    work.write_config({"plain-rss": put_feed(feeds / "plain.xml",
                                             fixture_bytes("plain-rss2.xml")),
                       "s04": put_feed(feeds / "s04.xml", rss_feed("S04", numbered_items("s04", 2)))})
    res = work.once()
    assert res.rc == 0, res
    expected = PLAIN + titles("s04", 2)
    assert_exactly_once(work, expected)
    first = {message_id(m) for m in work.messages()}
    for suffix in ("", "-wal", "-shm"):
        (work.path / ("state.db" + suffix)).unlink(missing_ok=True)

    res = work.once()
    assert res.rc == 0, res
    assert res.stderr.strip() == "", res
    assert res.stdout.startswith("aggregator: 5 new entries"), res
    assert subjects(work) == sorted(expected * 2)
    ids = [message_id(m) for m in work.messages()]
    assert set(ids) == first and len(ids) == 2 * len(first)
    # The new state then holds: no third copy.
    res = work.once()
    assert res.rc == 0, res
    assert subjects(work) == sorted(expected * 2)


# --- S06: failed polls keep the seen state ----------------------------------

def test_failed_polls_keep_the_seen_state_S06(server, work):
    original = make_feed("flaky", 3)
    # No validators: the original's return must be parsed, not a 304.
    server.set("/flaky.xml", original, content_type="application/rss+xml", validators=False)
    work.write_config({"flaky": server.url("/flaky.xml"),
                       "plain-rss": serve_plain(server)})
    res = work.once()
    assert res.rc == 0, res
    expected = PLAIN + titles("flaky", 3)
    assert_exactly_once(work, expected)
    names = {p.name for p in work.message_files()}

    server.set("/flaky.xml", b"oops\n", status=500, content_type="text/plain")
    res = work.once()
    assert res.rc == 1, res
    error_line(res, "flaky", r"500")
    for broken in (b'<?xml version="1.0"?>\n<rss/>\n',
                   b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</ti'
                   b'<<<>>> &&& </rss>'):
        server.set("/flaky.xml", broken, content_type="application/rss+xml",
                   validators=False)
        res = work.once()
        assert res.rc in (0, 1), res
        assert {p.name for p in work.message_files()} == names

    server.set("/flaky.xml", original, content_type="application/rss+xml", validators=False)
    server.clear_log()
    res = work.once()
    assert res.rc == 0, res
    assert [r.status for r in server.requests_for("/flaky.xml")] == [200]
    assert {p.name for p in work.message_files()} == names
    assert_exactly_once(work, expected)
    assert res.stdout.startswith("aggregator: 0 new entries"), res
