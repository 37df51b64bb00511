"""
JSON Feed 1.1 and 1.0 as an input format: a feed served as
application/feed+json is polled by the real binary, each item becomes one
message (subject, X-RSS-URL, HTML body, sanitized), the merged feed holds
the items, a second run delivers nothing new, a JSON item and an RSS item
sharing a canonical link are delivered once, and `aggregator parse` prints
the conformance JSON with feedparser's version names.
"""

import email.header
import json
import mailbox

from conftest import REPO, entry_key

FIXTURES = REPO / "tests" / "fixtures"


def json_feed(server, items, version="1.1", **extra):
    doc = {
        "version": "https://jsonfeed.org/version/%s" % version,
        "title": "JSON Feed test",
        "home_page_url": server.url("/"),
        "feed_url": server.url("/feed.json"),
    }
    doc.update(extra)
    doc["items"] = items
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


ITEMS = [
    {
        "id": "https://example.org/j/1",
        "url": "/posts/one",
        "title": "JSON item one",
        "content_html": '<p onclick="steal()">Body <b>one</b> '
                        '<a href="/rel/link">rel</a><script>alert(1)</script></p>',
        "date_published": "2025-11-02T10:00:00+01:00",
        "authors": [{"name": "Ann Author"}],
        "tags": ["alpha", "beta"],
    },
    {
        "id": 2,
        "url": "/posts/two",
        "title": "JSON item two \u2013 \u00e9t\u00e9",
        "content_text": "Plain text <not markup> & more",
        "date_modified": "2025-11-03T12:00:00Z",
    },
    {
        "id": "3",
        "external_url": "https://elsewhere.example/story",
        "title": "JSON item three",
        "summary": "Only a summary",
        "date_published": "not a date",
    },
]


def by_subject(work):
    return {str(m["Subject"]): m for m in work.messages()}


def test_jsonfeed_poll(server, work):
    server.set("/feed.json", json_feed(server, ITEMS),
               content_type="application/feed+json")
    work.write_config({"json": server.url("/feed.json")})
    res = work.once()
    assert res.rc == 0, res

    # The request offered JSON Feed.
    reqs = server.requests_for("/feed.json")
    assert reqs and "application/feed+json" in reqs[0].headers.get("accept", "")

    # One message per item, as mailbox.Maildir sees them.
    assert work.maildir_count() == 3
    md = mailbox.Maildir(str(work.spool), factory=None, create=False)
    assert sorted(str(email.header.make_header(email.header.decode_header(
        m["Subject"]))) for m in md) == sorted(
        ["JSON item one", "JSON item two \u2013 \u00e9t\u00e9", "JSON item three"])

    msgs = by_subject(work)
    one = msgs["JSON item one"]
    assert one["X-RSS-URL"] == server.url("/posts/one")
    assert one["X-RSS-ID"] == "https://example.org/j/1"
    assert one["X-RSS-Feed"] == server.url("/feed.json")
    assert one["From"].addresses[0].display_name == "JSON Feed test"
    assert str(one["Message-ID"]).strip() == "<%s@aggregator>" % entry_key(
        server.url("/posts/one"))
    body = one.html().get_content()
    assert "Body <b>one</b>" in body
    assert 'href="%s"' % server.url("/rel/link") in body
    assert "<script" not in body and "alert(1)" not in body
    assert "onclick" not in body and "steal" not in body

    two = msgs["JSON item two \u2013 \u00e9t\u00e9"]
    assert two["X-RSS-URL"] == server.url("/posts/two")
    assert two["X-RSS-ID"] == "2"
    # Plain text is escaped into the HTML body, never read as markup.
    assert "Plain text &lt;not markup&gt; &amp; more" in two.html().get_content()

    three = msgs["JSON item three"]
    assert three["X-RSS-URL"] == "https://elsewhere.example/story"
    assert "Only a summary" in three.html().get_content()

    merged = work.merged()
    assert merged.bozo == 0, merged.get("bozo_exception")
    links = {e.title: e.link for e in merged.entries}
    assert links == {
        "JSON item one": server.url("/posts/one"),
        "JSON item two \u2013 \u00e9t\u00e9": server.url("/posts/two"),
        "JSON item three": "https://elsewhere.example/story",
    }
    e1 = [e for e in merged.entries if e.title == "JSON item one"][0]
    assert e1.updated_parsed[:6] == (2025, 11, 2, 9, 0, 0)
    assert "<script" not in e1.content[0].value

    # Nothing is new the second time, though the server answers 200.
    server.set("/feed.json", json_feed(server, ITEMS, description="changed"),
               content_type="application/feed+json")
    res = work.once()
    assert res.rc == 0, res
    assert work.maildir_count() == 3


def test_jsonfeed_10_sniffed(server, work):
    # Version 1.0 with its single "author", served under a generic type:
    # the leading '{' (after a BOM) is enough.
    doc = json_feed(server, [{"id": 7, "url": "/old/7", "title": "Old style",
                              "content_html": "<i>x</i>"}],
                    version="1", author={"name": "Solo"})
    server.set("/old.json", b"\xef\xbb\xbf\n" + doc, content_type="text/plain")
    work.write_config({"old": server.url("/old.json")})
    res = work.once()
    assert res.rc == 0, res
    [m] = work.messages()
    assert str(m["Subject"]) == "Old style"
    assert m["X-RSS-URL"] == server.url("/old/7")
    assert m["X-RSS-ID"] == "7"


def test_jsonfeed_dedup_with_rss(server, work):
    rss = ("""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>RSS side</title><link>%s</link>
<item><title>Shared via RSS</title><link>%s</link><description>r</description></item>
<item><title>RSS only</title><link>%s</link><description>r2</description></item>
</channel></rss>""" % (server.url("/"), server.url("/shared"),
                       server.url("/rss-only"))).encode("utf-8")
    jf = json_feed(server, [
        {"id": "s", "url": server.url("/shared") + "?utm_source=x",
         "title": "Shared via JSON", "content_text": "j"},
        {"id": "j", "url": "/json-only", "title": "JSON only",
         "content_text": "j2"},
    ])
    server.set("/rss.xml", rss, content_type="application/rss+xml")
    server.set("/feed.json", jf, content_type="application/feed+json")
    work.write_config({"rss": server.url("/rss.xml"),
                       "json": server.url("/feed.json")})
    res = work.once()
    assert res.rc == 0, res
    subjects = sorted(str(m["Subject"]) for m in work.messages())
    assert len(subjects) == 3, subjects
    assert "RSS only" in subjects and "JSON only" in subjects
    shared = [s for s in subjects if s.startswith("Shared via")]
    assert len(shared) == 1, subjects
    key = entry_key(server.url("/shared"))
    assert any(key in p.name for p in work.message_files())


def test_jsonfeed_parse_command(work):
    res = work.run("parse", str(FIXTURES / "jsonfeed-11.json"), config=False)
    assert res.rc == 0, res
    out = json.loads(res.stdout)
    assert out["wellformed"] is True
    assert out["encoding"] == "utf-8"
    assert out["version"] == "json11"
    assert out["feed"]["title"] == "Example JSON Feed"
    assert out["feed"]["link"] == "https://example.org/"
    assert out["feed"]["author"] == "Jane Doe (jane@example.org)"
    assert [e["id"] for e in out["entries"]] == [
        "https://example.org/posts/1", "2", "3"]
    e = out["entries"][0]
    assert e["link"] == "https://example.org/posts/1?utm_source=feed"
    assert e["published"] == "2024-05-01T08:00:00Z"
    assert e["enclosures"] == [{"href": "https://example.org/media/ep1.mp3",
                                "type": "audio/mpeg", "length": "12345678"}]
    assert [t["term"] for t in e["tags"]] == ["news", "json"]
    assert "<script" not in e["content"][0]["value"]
    assert out["entries"][1]["published"] is None

    res = work.run("parse", str(FIXTURES / "jsonfeed-10.json"),
                   "--base-url", "http://mirror.example/x/feed.json",
                   "--headers", '{"Content-Type": "application/feed+json"}',
                   config=False)
    assert res.rc == 0, res
    out = json.loads(res.stdout)
    assert out["version"] == "json1"
    assert out["entries"][0]["id"] == "12345"
    assert out["entries"][0]["link"] == "http://mirror.example/x/entries/12345"

    bad = work.path / "bad.json"
    bad.write_bytes(b'{"version": "https://jsonfeed.org/version/1.1",\n"items": [}')
    res = work.run("parse", str(bad), config=False)
    assert res.rc == 0, res
    assert json.loads(res.stdout) == {"wellformed": False, "feed": {},
                                      "entries": []}
    assert "not a feed (invalid JSON: " in res.stderr
    assert "at line 2)" in res.stderr
