"""
Feed identity that survives editing (issue 14, point 7): entries without
a link are keyed by their id (else title and content) scoped to the feed's
URL as configured, no longer to its config name, so renaming a feed,
reordering an OPML file or changing a url delivers nothing again; OPML
feeds are named from their title, or from their URL when the title is not
ASCII, never by position; and a state written by the version that scoped
keys by name delivers nothing again either.

The state of that version is tests/integration/feeds/state-v4.sql, the
dump of what `aggregator --once` of commit 879e7b2 wrote for the feeds
and OPML file below (served by this file's FeedServer; "@SERVER@" stands
for its http://127.0.0.1:PORT).  `python3 test_feed_identity.py OLD-BINARY`
writes it again.
"""

import hashlib
import sqlite3
import sys

from conftest import FEEDS
from helpers import rss_feed

DUMP = FEEDS / "state-v4.sql"


def linkless_feed(name):
    """Two items keyed by their guid, one by its title and content, one by
    its link."""
    return rss_feed("%s feed" % name, [
        {"title": "%s guid one" % name, "guid": "urn:%s:1" % name,
         "guid_permalink": False, "description": "one"},
        {"title": "%s guid two" % name, "guid": "urn:%s:2" % name,
         "guid_permalink": False, "description": "two"},
        {"title": "%s text only" % name, "description": "<p>only text</p>"},
        {"title": "%s linked" % name, "link": "https://%s.example/4" % name},
    ])


# Outline titles that have no ASCII letter: the old version named them
# opml-feed and opml-feed-2 by their order in the file.
OUTLINES = [("연합뉴스", "/yna.xml"), ("한겨레", "/hani.xml")]


def serve(server):
    server.set("/news.xml", linkless_feed("news"), content_type="application/rss+xml")
    for _, path in OUTLINES:
        server.set(path, linkless_feed(path[1:-4]), content_type="application/rss+xml")


def write_opml(work, server, outlines):
    body = "".join('<outline text="%s" type="rss" xmlUrl="%s"/>\n'
                   % (title, server.url(path)) for title, path in outlines)
    (work.path / "feeds.opml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">'
        "<head><title>subscriptions</title></head><body>\n%s</body></opml>\n" % body,
        encoding="utf-8")


def new_entries(res):
    assert res.rc == 0, res
    return int(res.stdout.split("aggregator: ", 1)[1].split(" new entries")[0])


def status_names(work):
    lines = work.run("status").stdout.splitlines()[1:]
    return sorted(l.split()[0] for l in lines if l.strip())


def test_renaming_a_feed_or_changing_its_url_delivers_nothing_again(server, work):
    serve(server)
    server.set("/moved/news.xml", linkless_feed("news"),
               content_type="application/rss+xml")
    work.write_config({"news": server.url("/news.xml")})
    assert new_entries(work.once()) == 4

    # Renamed: the same URL is the same feed.
    work.write_config({"headlines": server.url("/news.xml")})
    assert new_entries(work.once()) == 0
    # The scheme spelt otherwise, a fragment: still the same URL.
    work.write_config({"headlines": server.url("/news.xml").replace(
        "http:", "HTTP:") + "#feed"})
    assert new_entries(work.once()) == 0

    # Its url changed to where the feed now lives: the old URL's keys
    # still count, on the first poll there and on later ones, and after a
    # second change too.
    work.write_config({"headlines": server.url("/moved/news.xml")})
    assert new_entries(work.once()) == 0
    assert new_entries(work.once()) == 0
    server.set("/again/news.xml", linkless_feed("news"),
               content_type="application/rss+xml")
    work.write_config({"headlines": server.url("/again/news.xml")})
    assert new_entries(work.once()) == 0
    assert new_entries(work.once()) == 0
    assert len(work.messages()) == 4

    # Another feed with the same guids is another feed.
    work.write_config({"headlines": server.url("/again/news.xml"),
                       "copy": server.url("/news.xml?copy")})
    assert new_entries(work.once()) == 3


def test_opml_feeds_keep_their_names_and_keys_when_reordered(server, work):
    serve(server)
    write_opml(work, server, OUTLINES)
    work.write_config({}, opml="feeds.opml")
    assert new_entries(work.once()) == 8
    names = status_names(work)
    assert names == ["opml-127-0-0-1-%d-hani-xml" % server.port,
                     "opml-127-0-0-1-%d-yna-xml" % server.port], names

    write_opml(work, server, list(reversed(OUTLINES)))
    assert new_entries(work.once()) == 0
    assert status_names(work) == names
    assert len(work.messages()) == 8


def load_dump(work, server):
    sql = DUMP.read_text(encoding="utf-8").replace("@SERVER@", server.url(""))
    db = sqlite3.connect(work.path / "state.db")
    db.executescript(sql)
    db.close()


def test_a_state_of_the_name_scoped_version_delivers_nothing_again(server, work):
    serve(server)
    load_dump(work, server)
    # What the old version delivered, read back from its state.
    db = sqlite3.connect(work.path / "state.db")
    assert db.execute("PRAGMA user_version").fetchone() == (4,)
    assert db.execute("SELECT count(*) FROM seen").fetchone() == (12,)
    assert sorted(r[0] for r in db.execute("SELECT name FROM feeds")) == \
        ["news", "opml-feed", "opml-feed-2"]
    db.close()

    # Upgraded with the feed renamed and the OPML file reordered in the
    # same edit: every entry is known under the name it had.
    write_opml(work, server, list(reversed(OUTLINES)))
    work.write_config({"headlines": server.url("/news.xml")}, opml="feeds.opml")
    assert new_entries(work.once()) == 0
    assert work.messages() == []
    # Each feed was read in full (its new name had no validators).
    for path in ("/news.xml", "/yna.xml", "/hani.xml"):
        assert [r.status for r in server.requests_for(path)] == [200], path
    # Polled once more, and renamed again: still nothing.
    assert new_entries(work.once()) == 0
    work.write_config({"renamed-again": server.url("/news.xml")},
                      opml="feeds.opml")
    assert new_entries(work.once()) == 0
    assert work.messages() == []

    # A new entry is still new.
    server.set("/news.xml", linkless_feed("news").replace(
        b"</channel>", b"<item><title>news guid five</title>"
        b"<guid isPermaLink='false'>urn:news:5</guid></item></channel>"),
        content_type="application/rss+xml")
    assert new_entries(work.once()) == 1
    assert [str(m["Subject"]) for m in work.messages()] == ["news guid five"]


def test_an_entry_a_link_that_is_no_url_keyed_delivers_nothing_again(server, work):
    """An RSS guid such as urn:uuid:... is a permalink by default, and the
    version before only http(s) links were published keyed its entry by
    it as by a link.  Keyed by its id now, an entry delivered then is not
    delivered again; one never seen is."""
    old = {"title": "seen under its link", "description": "x",
           "guid": "urn:uuid:0d2c6a1e-7b1f-4c55-9a55-3f7f3a1d2b10"}
    new = {"title": "never seen", "description": "y",
           "guid": "urn:uuid:11111111-2222-4333-8444-555555555555"}
    server.set("/ids.xml", rss_feed("ids", []), content_type="application/rss+xml")
    work.write_config({"ids": server.url("/ids.xml")})
    assert new_entries(work.once()) == 0
    # The key that version gave the first entry: SHA-256 of its link.
    db = sqlite3.connect(work.path / "state.db")
    db.execute("INSERT INTO seen (key, feed, first_seen) VALUES (?, 'ids', 1)",
               (hashlib.sha256(old["guid"].encode()).hexdigest(),))
    db.commit()
    db.close()

    server.set("/ids.xml", rss_feed("ids", [new, old]),
               content_type="application/rss+xml")
    assert new_entries(work.once()) == 1
    assert [str(m["Subject"]) for m in work.messages()] == ["never seen"]
    assert new_entries(work.once()) == 0


def write_dump(old_binary):
    """Writes DUMP from a run of old_binary (the version before keys were
    scoped by URL)."""
    import pathlib
    import tempfile
    from conftest import Work
    from feedserver import FeedServer
    server = FeedServer()
    try:
        with tempfile.TemporaryDirectory() as d:
            work = Work(pathlib.Path(d), old_binary)
            serve(server)
            write_opml(work, server, OUTLINES)
            work.write_config({"news": server.url("/news.xml")}, opml="feeds.opml")
            assert new_entries(work.once()) == 12
            db = sqlite3.connect(work.path / "state.db")
            lines = list(db.iterdump())
            version = db.execute("PRAGMA user_version").fetchone()[0]
            db.close()
            text = "\n".join(lines + ["PRAGMA user_version = %d;" % version, ""])
            DUMP.write_text(text.replace(server.url(""), "@SERVER@"), encoding="utf-8")
    finally:
        server.close()


if __name__ == "__main__":
    write_dump(sys.argv[1])
