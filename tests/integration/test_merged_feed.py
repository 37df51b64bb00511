"""
The merged Atom feed (SPEC "Merged feed"): parses without bozo in
feedparser, holds each entry once, newest first across time zones, with
title, link and atom:source, and keeps only max_entries entries.
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
