"""
The merged Atom feed (SPEC "Merged feed"): parses without bozo in
feedparser, holds each entry once, newest first across time zones, with
title, link and atom:source, and keeps only max_entries entries.  It is
one's own (issue 14, point 5): an id made once per state, a self link
when output_url is set, each entry's own update and publication times
(none later than when it was first seen), its feed's own id, and an
output that is a symlink written through.
"""

import calendar
import time

from conftest import fixture_bytes

# Newest first, by instant: A1 = 2025-11-04 00:00Z, B1 = 11-03 23:00Z,
# A3 = 11-03 22:30Z, B2 = 11-03 20:00Z, B3 = 11-02 03:00Z, A2 = 11-01 00:00Z.
ORDER = ["A1 newest overall", "B1 second newest", "A3 third newest",
         "B2 fourth newest", "B3 fifth newest", "A2 oldest overall"]
SOURCE = {"A": "Merged A", "B": "Override B"}
INSTANT = {
    "A1 newest overall": "2025-11-04T00:00:00Z",
    "B1 second newest": "2025-11-03T23:00:00Z",
    "A3 third newest": "2025-11-03T22:30:00Z",
    "B2 fourth newest": "2025-11-03T20:00:00Z",
    "B3 fifth newest": "2025-11-02T03:00:00Z",
    "A2 oldest overall": "2025-11-01T00:00:00Z",
}


def run_merged(server, work, max_entries):
    server.set("/a.xml", fixture_bytes("merged-a.xml"), content_type="application/rss+xml")
    server.set("/b.xml", fixture_bytes("merged-b.atom"), content_type="application/atom+xml")
    # Feed b's configured title overrides its own (SPEC "Config file").
    work.write_config({"merged-a": server.url("/a.xml"),
                       "merged-b": {"url": server.url("/b.xml"), "title": "Override B"}},
                      max_entries=max_entries, title="Merged for tests")
    res = work.once()
    assert res.rc == 0, res
    return work.merged()


def check_entries(feed, expected_titles):
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10", feed.version
    assert feed.feed.get("title") == "Merged for tests"
    entries = feed.entries
    assert [e.get("title") for e in entries] == expected_titles
    ids = [e.get("id") for e in entries]
    assert all(ids) and len(set(ids)) == len(ids), ids
    stamps = []
    for e in entries:
        assert e.get("link", "").startswith("https://merged.example/"), e
        assert e.get("updated_parsed"), e
        stamps.append(calendar.timegm(e.updated_parsed))
        src = e.get("source", {})
        assert src.get("title") == SOURCE[e.title[0]], (e.title, src)
        assert e.get("summary") or e.get("content"), e
    assert stamps == sorted(stamps, reverse=True)
    for e in entries:
        want = INSTANT[e.title]
        assert calendar.timegm(e.updated_parsed) == calendar.timegm(
            time.strptime(want, "%Y-%m-%dT%H:%M:%SZ")), e.title


def test_merged_feed(server, work):
    feed = run_merged(server, work, 100)
    check_entries(feed, ORDER)
    links = [e.link for e in feed.entries]
    assert len(set(links)) == len(links)


def test_max_entries(server, work):
    feed = run_merged(server, work, 3)
    check_entries(feed, ORDER[:3])
    # The spool still gets everything; only the merged feed is trimmed.
    assert len(work.message_files()) == 6


def test_source_title_in_spool(server, work):
    run_merged(server, work, 100)
    froms = {str(m["Subject"]): m["From"].addresses[0].display_name
             for m in work.messages()}
    assert froms == {t: SOURCE[t[0]] for t in ORDER}


def test_merged_feed_keeps_cross_feed_story_once(server, work):
    server.set("/a.xml", fixture_bytes("dedup-rss2.xml"), content_type="application/rss+xml")
    server.set("/b.xml", fixture_bytes("dedup-atom.xml"), content_type="application/atom+xml")
    work.write_config({"a": server.url("/a.xml"), "b": server.url("/b.xml")})
    res = work.once()
    assert res.rc == 0, res
    feed = work.merged()
    assert feed.bozo == 0, feed.get("bozo_exception")
    shared = [e for e in feed.entries if e.title.startswith("Shared story")]
    assert len(shared) == 1, [e.title for e in feed.entries]
    assert len(feed.entries) == 7
    # Links stay absolute (the Atom ones were relative to xml:base).
    assert all(e.link.lower().startswith(("http://", "https://")) for e in feed.entries)


# --- the merged feed is one's own (issue 14, point 5) ---------------------

def stamp(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def rfc822(t):
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))


def test_merged_feed_id_is_made_once_per_state(work, tmp_path):
    # Two installs writing the same path (as default installs do) with
    # their own state: two ids.  Each keeps its own across runs.
    work.output = tmp_path / "public" / "merged.atom"
    work.output.parent.mkdir()
    ids = []
    for state in ("one.db", "two.db", "one.db"):
        work.write_config({}, output=str(work.output), state=state)
        res = work.once()
        assert res.rc == 0, res
        feed = work.merged()
        assert feed.bozo == 0, feed.get("bozo_exception")
        ids.append(feed.feed.id)
    assert ids[0] == ids[2], ids
    assert ids[0] != ids[1], ids
    assert all(i.startswith("urn:uuid:") and len(i) == 45 for i in ids), ids


def test_self_link_entry_dates_and_source_ids(server, work):
    server.set("/b.xml", fixture_bytes("merged-b.atom").replace(
        b"<updated>2025-11-03T20:00:00Z</updated>",
        b"<published>2025-11-03T20:00:00Z</published>"
        b"<updated>2025-11-05T06:30:00Z</updated>"),
        content_type="application/atom+xml")
    server.set("/a.xml", fixture_bytes("merged-a.xml"), content_type="application/rss+xml")
    work.write_config({"a": server.url("/a.xml"), "b": server.url("/b.xml")},
                      output_url="https://news.example.org/feeds/merged.atom")
    res = work.once()
    assert res.rc == 0, res
    feed = work.merged()
    assert feed.bozo == 0, feed.get("bozo_exception")
    selfs = [l.href for l in feed.feed.links if l.rel == "self"]
    assert selfs == ["https://news.example.org/feeds/merged.atom"]
    by_title = {e.title: e for e in feed.entries}

    # An Atom entry updated after it was published: both times, each its own.
    b2 = by_title["B2 fourth newest"]
    assert calendar.timegm(b2.updated_parsed) == stamp("2025-11-05T06:30:00Z")
    assert calendar.timegm(b2.published_parsed) == stamp("2025-11-03T20:00:00Z")
    # Only updated: no publication time is made up.
    assert "published" not in by_title["B1 second newest"]
    # RSS pubDate is a publication time, and the update time without one.
    a1 = by_title["A1 newest overall"]
    assert a1.published_parsed == a1.updated_parsed
    # atom:source/id is the feed's own id; an RSS feed has none: its URL.
    assert b2.source.id == "urn:test:merged-b"
    assert a1.source.id == server.url("/a.xml")
    # The feed's updated is its newest entry's.
    assert calendar.timegm(feed.feed.updated_parsed) == stamp("2025-11-05T06:30:00Z")


def test_entry_dated_in_the_future_is_placed_when_first_seen(server, work):
    def rss(items):
        return ("<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
                "<link>https://t.example/</link>%s</channel></rss>" % "".join(
                    "<item><title>%s</title><link>https://t.example/%d</link>"
                    "<pubDate>%s</pubDate></item>" % (t, i, d)
                    for i, (t, d) in enumerate(items))).encode()
    past = rfc822(time.time() - 3600)
    items = [("From the future", "Fri, 31 Dec 9999 23:59:59 +0000"),
             ("An hour ago", past)]
    server.set("/t.xml", rss(items), content_type="application/rss+xml")
    work.write_config({"t": server.url("/t.xml")})
    before = int(time.time())
    res = work.once()
    assert res.rc == 0, res
    after = int(time.time()) + 1
    feed = work.merged()
    assert feed.bozo == 0, feed.get("bozo_exception")
    future = [e for e in feed.entries if e.title == "From the future"][0]
    for field in (future.updated_parsed, future.published_parsed,
                  feed.feed.updated_parsed):
        assert before <= calendar.timegm(field) <= after, field

    # An entry of now tops it: it no longer stays first forever.
    time.sleep(1.1)
    items.append(("Just now", rfc822(time.time())))
    server.set("/t.xml", rss(items), content_type="application/rss+xml")
    res = work.once()
    assert res.rc == 0, res
    assert [e.title for e in work.merged().entries] == \
        ["Just now", "From the future", "An hour ago"]


def test_symlinked_output_is_written_through(server, work, tmp_path):
    webroot = tmp_path / "www"
    webroot.mkdir()
    link = work.path / "merged.atom"
    link.symlink_to(webroot / "news.atom")
    server.set("/a.xml", fixture_bytes("merged-a.xml"), content_type="application/rss+xml")
    work.write_config({"a": server.url("/a.xml")})
    for _ in range(2):
        res = work.once()
        assert res.rc == 0, res
        assert link.is_symlink()
        assert (webroot / "news.atom").is_file()
        assert not (webroot / "news.atom").is_symlink()
        assert sorted(p.name for p in webroot.iterdir()) == ["news.atom"]
        feed = work.merged()
        assert feed.bozo == 0 and len(feed.entries) == 3, feed
