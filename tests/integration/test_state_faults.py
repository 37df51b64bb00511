"""
Faults of the state store (catalogue rows S02-S06, ../shared/RELIABILITY.md
section 8): a full filesystem under the state, a damaged state file, a
state file that is lost while the spool is not, and polls that fail or
bring broken documents.  A local fault is exit 3 with nothing delivered
and nothing marked seen, so the next run loses nothing; a damaged state is
refused untouched; a lost one is refused until `reindex` has read the keys
back from the spool, so nothing is delivered twice.  The oracle is the spool read back, and the state read with sqlite3.
"""

import os
import re
import subprocess

import pytest

from conftest import NEW_ITEM, Message, entry_key, fixture_bytes
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

@pytest.mark.parametrize("loss", ["deleted", "emptied"])
def test_lost_state_beside_a_spool_is_refused_until_reindexed_S04(work, tmp_path, loss):
    # A fresh state would deliver every entry the feeds still carry again.
    # A missing or 0-byte state beside a spool that holds messages is
    # refused; `reindex` reads the keys back from the messages' Message-IDs
    # wherever a reader put them (new/, cur/, a Maildir++ folder).
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    s04 = feeds / "s04.xml"
    work.write_config({"plain-rss": put_feed(feeds / "plain.xml",
                                             fixture_bytes("plain-rss2.xml")),
                       "s04": put_feed(s04, rss_feed("S04", numbered_items("s04", 4)))})
    res = work.once()
    assert res.rc == 0, res
    expected = PLAIN + titles("s04", 4)
    assert_exactly_once(work, expected)
    # A reader reads two (cur/, with flags) and files one in a folder.
    files = sorted(work.message_files())
    for f in files[:2]:
        f.rename(work.spool / "cur" / (f.name + ":2,S"))
    archive = work.spool / ".Archive"
    for sub in ("cur", "new", "tmp"):
        (archive / sub).mkdir(parents=True)
    files[2].rename(archive / "cur" / (files[2].name + ":2,RS"))
    for suffix in ("", "-wal", "-shm"):
        (work.path / ("state.db" + suffix)).unlink(missing_ok=True)
    db = work.path / "state.db"
    if loss == "emptied":
        db.write_bytes(b"")

    def spool_files():
        return sorted(str(p.relative_to(work.spool)) for p in work.spool.rglob("*")
                      if p.is_file())

    before = spool_files()
    res = work.once()
    assert res.rc == 3, res
    assert len(res.stderr.strip().splitlines()) == 1, res
    line = error_line(res, "reindex")
    assert ("missing" if loss == "deleted" else "empty") in line, line
    assert str(work.config) in line, line
    assert spool_files() == before
    assert db.exists() == (loss == "emptied") and (not db.exists() or db.stat().st_size == 0)

    res = work.run("reindex")
    assert res.rc == 0, res
    assert re.search(r"\b7 messages .*\b7 with an entry key", res.stdout), res
    res = work.once()
    assert res.rc == 0, res
    assert res.stdout.startswith("aggregator: 0 new entries"), res
    assert spool_files() == before

    # What is new since is delivered, once.
    put_feed(s04, rss_feed("S04", numbered_items("s04", 5)))
    res = work.once()
    assert res.rc == 0, res
    assert res.stdout.startswith("aggregator: 1 new entries"), res
    subjects_now = sorted(str(m["Subject"]) for m in work.messages())
    archived = Message(sorted((archive / "cur").iterdir())[0])
    assert sorted(subjects_now + [str(archived["Subject"])]) == sorted(expected + titles("s04", 1, 4))


def test_reindex_takes_only_our_message_ids_S04(work, tmp_path):
    # Other mail in the spool is read, not taken for ours; a state that
    # exists beside an empty spool is a first run as always.
    feed = put_feed(tmp_path / "a.xml", rss_feed("A", numbered_items("a", 2)))
    work.write_config({"a": feed})
    for sub in ("cur", "new", "tmp"):
        (work.spool / sub).mkdir(parents=True)
    (work.spool / "cur" / "1.other:2,S").write_bytes(
        b"From: x@example.org\nMessage-ID: <%s@example.org>\n\nhi\n" % (b"0" * 64))
    (work.spool / "new" / "2.ours").write_bytes(
        b"From: x@example.org\nMessage-Id:\n <%s@AGGREGATOR>\n\nhi\n"
        % entry_key("https://a.example/0").upper().encode())
    res = work.run("reindex")
    assert res.rc == 0, res
    assert "2 messages" in res.stdout and "1 with an entry key" in res.stdout, res
    assert query(work.path / "state.db", "SELECT key FROM seen") == [
        (entry_key("https://a.example/0"),)]
    res = work.once()
    assert res.rc == 0, res
    assert sorted(str(m["Subject"]) for m in work.messages()
                  if m["Subject"] is not None and str(m["Subject"]).startswith("a ")) \
        == ["a item 1"]


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
