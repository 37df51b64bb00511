"""
The maildir spool (SPEC "Spool"): every message in new/ is a well-formed
RFC 5322 / MIME message with the fixed headers, a UTF-8 text/html part,
no line over 998 bytes (long and non-ASCII titles and long links are
folded or encoded), and nothing is left in tmp/.
"""

import datetime
import email.utils
import re
from xml.sax.saxutils import escape

from conftest import fixture_bytes

FEED_TITLE = "Spool “Format” & Test 피드"
LONG_ASCII = "Long title " + " ".join("word%d" % i for i in range(250))
LONG_KOREAN = "긴 제목: " + " ".join(["오픈AI와 아마존웹서비스의 380억 달러 계약"] * 20)
UNBROKEN = "Unbroken " + "A" * 1100
LONG_LINK = "https://spool.example/track?" + "&".join("p%d=v%d" % (i, i) for i in range(150))
HTML_BODY = ('<p>Body with <b>bold</b> &amp; <a href="https://spool.example/x">a link</a>'
             ' and 한글 텍스트.</p>')

# title, link, guid, date, description (HTML)
ITEMS = [
    (LONG_ASCII, "https://spool.example/long-ascii", "spool-guid-1",
     "Tue, 04 Nov 2025 11:26:00 +0900", "<p>long ascii</p>"),
    (LONG_KOREAN, "https://spool.example/long-korean", "spool-guid-2",
     "Tue, 04 Nov 2025 10:00:00 KST", "<p>" + "긴 본문 " * 300 + "</p>"),
    (UNBROKEN, "https://spool.example/unbroken", None,
     "Mon, 03 Nov 2025 09:00:00 GMT", "<p>unbroken</p>"),
    ("Very long link", LONG_LINK, None,
     "Mon, 03 Nov 2025 08:00:00 GMT", "<p>long link</p>"),
    ("No date at all", "https://spool.example/nodate", "spool-guid-5", None,
     "<p>undated</p>"),
    ("HTML body", "https://spool.example/html", "spool-guid-6",
     "Mon, 03 Nov 2025 07:00:00 GMT", HTML_BODY),
]


def mix_feed():
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0"><channel>',
           "<title>%s</title>" % escape(FEED_TITLE),
           "<link>https://spool.example/</link><description>spool</description>"]
    for title, link, guid, date, html in ITEMS:
        out.append("<item><title>%s</title><link>%s</link>" % (escape(title), escape(link)))
        if guid:
            out.append('<guid isPermaLink="false">%s</guid>' % guid)
        if date:
            out.append("<pubDate>%s</pubDate>" % date)
        out.append("<description>%s</description></item>" % escape(html))
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


REQUIRED = ("From", "Subject", "Date", "Message-ID", "X-RSS-Feed", "X-RSS-URL")


def test_spool_format(server, work):
    server.set("/mix.xml", mix_feed(), content_type="application/rss+xml")
    server.set("/atom.xml", fixture_bytes("plain-atom.xml"), content_type="application/atom+xml")
    work.write_config({"spool-mix": server.url("/mix.xml"),
                       "plain-atom": server.url("/atom.xml")})
    started = datetime.datetime.now(datetime.timezone.utc)
    res = work.once()
    assert res.rc == 0, res

    assert list((work.spool / "tmp").iterdir()) == []
    new = sorted(p for p in (work.spool / "new").iterdir())
    assert len(new) == len(ITEMS) + 3
    assert len(work.message_files()) == len(new)
    assert work.maildir_count() == len(new)
    for p in new:
        assert not p.name.startswith(".") and ":" not in p.name and "/" not in p.name

    msgs = work.messages()
    by_subject = {}
    for m in msgs:
        head = re.split(rb"\r?\n\r?\n", m.raw, maxsplit=1)[0]
        assert head.isascii(), "8-bit bytes in the header of %s" % m.path.name
        for line in head.splitlines():
            assert len(line) <= 998, "header line of %d bytes in %s: %r..." % (
                len(line), m.path.name, line[:80])
        for line in m.raw.splitlines():
            assert len(line) <= 998, "body line of %d bytes in %s" % (len(line), m.path.name)
        assert not m.msg.defects, (m.path.name, m.msg.defects)
        for name in REQUIRED:
            values = m.msg.get_all(name) or []
            assert len(values) == 1, "%s: %s appears %d times" % (m.path.name, name, len(values))
        assert re.fullmatch(r"<[0-9a-f]{64}@aggregator>", str(m["Message-ID"]).strip())
        assert email.utils.parsedate_to_datetime(str(m["Date"])) is not None
        part = m.html()
        assert part is not None, "no text/html part in %s" % m.path.name
        assert part.get_content_type() == "text/html"
        assert part.get_content_charset() == "utf-8"
        by_subject[str(m["Subject"])] = m

    assert set(by_subject) == {t for t, *_ in ITEMS} | {
        "Plain Atom one", "Plain Atom two", "Plain Atom three"}

    for title, link, guid, date, html in ITEMS:
        m = by_subject[title]
        assert m["From"].addresses[0].display_name == FEED_TITLE
        assert str(m["X-RSS-Feed"]) == server.url("/mix.xml")
        assert str(m["X-RSS-URL"]) == link
        if guid:
            assert str(m["X-RSS-ID"]) == guid
        when = email.utils.parsedate_to_datetime(str(m["Date"]))
        if date:
            assert when == email.utils.parsedate_to_datetime(
                date.replace("KST", "+0900")), (title[:20], str(m["Date"]))
        else:
            now = datetime.datetime.now(datetime.timezone.utc)
            slack = datetime.timedelta(minutes=2)
            assert started - slack <= when <= now + slack, str(m["Date"])

    body = by_subject["HTML body"].html().get_content()
    assert "<b>bold</b>" in body and "한글 텍스트" in body
    assert 'href="https://spool.example/x"' in body
    assert "긴 본문 긴 본문" in by_subject[LONG_KOREAN].html().get_content()

    atom = server.url("/atom.xml")
    assert str(by_subject["Plain Atom one"]["X-RSS-Feed"]) == atom
    assert "<em>html</em>" in by_subject["Plain Atom one"].html().get_content()
    assert "<strong>xhtml</strong>" in by_subject["Plain Atom two"].html().get_content()
    # Atom type="text" content is text: its angle brackets must arrive escaped.
    text_html = by_subject["Plain Atom three"].html().get_content()
    assert "&lt;angle brackets&gt;" in text_html and "<angle brackets>" not in text_html
