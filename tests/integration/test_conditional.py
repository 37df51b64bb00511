"""
Polling again: conditional GET with the stored validators, nothing delivered
twice across runs, and only the new entry delivered when a feed changes.
"""

import email.utils

from conftest import Message, fixture_bytes

NEW_ITEM = b"""<item>
<title>Plain RSS four (new)</title>
<link>https://plain.example/rss/4</link>
<guid>https://plain.example/rss/4</guid>
<pubDate>Sun, 02 Nov 2025 09:00:00 +0900</pubDate>
<description>&lt;p&gt;A fresh item.&lt;/p&gt;</description>
</item>
"""


def setup_two(server, work):
    server.set("/rss.xml", fixture_bytes("plain-rss2.xml"), content_type="application/rss+xml")
    server.set("/atom.xml", fixture_bytes("plain-atom.xml"), content_type="application/atom+xml")
    work.write_config({"plain-rss": server.url("/rss.xml"),
                       "plain-atom": server.url("/atom.xml")}, interval="5s")
    res = work.once()
    assert res.rc == 0, res
    assert len(work.message_files()) == 6


def test_second_run(server, work):
    setup_two(server, work)
    before = {p.name for p in work.message_files()}
    server.clear_log()

    res = work.once()
    assert res.rc == 0, res
    assert {p.name for p in work.message_files()} == before
    assert list((work.spool / "tmp").iterdir()) == []

    for path in ("/rss.xml", "/atom.xml"):
        route = server.routes[path]
        reqs = server.requests_for(path)
        assert len(reqs) == 1, reqs
        h = reqs[0].headers
        assert h.get("if-none-match") == route.etag, h
        assert "if-modified-since" in h, h
        since = email.utils.parsedate_to_datetime(h["if-modified-since"]).timestamp()
        assert since == route.mtime
        assert reqs[0].status == 304

    # The merged feed still holds every entry after an all-304 run.
    merged = work.merged()
    assert merged.bozo == 0, merged.get("bozo_exception")
    assert len(merged.entries) == 6


def test_new_entry(server, work):
    setup_two(server, work)
    before = {p.name for p in work.message_files()}
    old_etag = server.routes["/rss.xml"].etag

    # One new item, and an old item whose text changed: only the new one counts.
    body = fixture_bytes("plain-rss2.xml")
    body = body.replace(b"<title>Plain RSS two</title>",
                        b"<title>Plain RSS two (edited)</title>")
    body = body.replace(b"<item>", NEW_ITEM + b"<item>", 1)
    route = server.set("/rss.xml", body, content_type="application/rss+xml")
    assert route.etag != old_etag
    server.clear_log()

    res = work.once()
    assert res.rc == 0, res
    new = [p for p in work.message_files() if p.name not in before]
    assert len(new) == 1, new
    assert str(Message(new[0])["Subject"]) == "Plain RSS four (new)"
    [req] = server.requests_for("/rss.xml")
    assert req.headers.get("if-none-match") == old_etag
    assert req.status == 200

    # And the run after that delivers nothing.
    res = work.once()
    assert res.rc == 0, res
    assert len(work.message_files()) == 7


def test_status(server, work):
    # `status` reads the state store the runs left: one row per feed.
    setup_two(server, work)
    res = work.run("status")
    assert res.rc == 0, res
    for name in ("plain-rss", "plain-atom"):
        assert len([l for l in res.stdout.splitlines() if name in l]) == 1, res.stdout
