"""
No spoofing through text.  Format characters (Unicode category Cf: the
bidi controls U+202A-202E and U+2066-2069, U+061C, zero-width ones, tag
characters) in entry titles, authors and feed names can reorder or
disguise what a reader shows ("invoice\u202Efdp.exe" shows as
"invoiceexe.pdf"); they are dropped from Subject, From and the merged
feed's titles, author and source names.  What a server sends (header
values such as Content-Encoding, error text) is printed with its control
characters escaped, in the log and in `aggregator status`: an ESC
sequence from a header never reaches the terminal.
"""

import email.utils
import re

import feedparser

from helpers import rss_feed

FORMAT = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f"
                    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
                    "\U000e0001\U000e0020-\U000e007f]")

FEED_TITLE = "Bank\u202e News\u202c Daily\u200b\u2066 \u2069Desk"
# title as sent -> title as shown
TITLES = {
    "invoice\u202efdp.exe\u202c ready": "invoicefdp.exe ready",
    "zero\u200bwidth\u200c\u200djoin\u2060er\ufeff": "zerowidthjoiner",
    "\u2067isolated\u2069 \u061cmark and \u200fRLM\u200e": "isolated mark and RLM",
    "tag\U000e0041\U000e0042 smuggling\U000e007f": "tag smuggling",
    "soft\u00adhyphen and 한국어\u202a제목\u202c": "softhyphen and 한국어제목",
}
AUTHOR = "Mall\u202eory\u202c (spoof)"


def author_items():
    return "".join(
        "<item><title>%s</title><link>https://spoof.example/%d</link>"
        "<author>m@spoof.example (%s)</author><description>x</description></item>"
        % (t, i, AUTHOR) for i, t in enumerate(TITLES))


def test_format_characters_are_dropped_from_subject_from_and_merged_feed(work, server):
    doc = rss_feed(FEED_TITLE, [{"title": t, "link": "https://spoof.example/%d" % i,
                                 "description": "<p>x</p>"} for i, t in enumerate(TITLES)])
    # The same items with an author, for the merged feed's author names.
    doc = doc.replace(b"</channel>", author_items().replace(
        "spoof.example/", "spoof.example/a").encode() + b"</channel>")
    server.set("/spoof.xml", doc, content_type="application/rss+xml")
    work.write_config({"spoof": server.url("/spoof.xml")})
    res = work.once()
    assert res.rc == 0, res

    msgs = work.messages()
    assert len(msgs) == 2 * len(TITLES)
    shown_feed = "Bank News Daily Desk"
    for m in msgs:
        subject = str(m["Subject"])
        name, _ = email.utils.parseaddr(str(m["From"]))
        assert not FORMAT.search(subject), repr(subject)
        assert not FORMAT.search(name), repr(name)
        assert subject in TITLES.values(), repr(subject)
        assert name == shown_feed, repr(name)
        heading = m.html().get_content()
        assert not FORMAT.search(heading[:heading.find("</h1>")]), heading

    merged = work.merged()
    assert merged.bozo == 0
    assert len(merged.entries) == 2 * len(TITLES)
    for e in merged.entries:
        assert e.title in TITLES.values(), repr(e.title)
        assert e.source.title == shown_feed, repr(e.source.title)
        assert not FORMAT.search(e.get("author", "")), repr(e.get("author"))
    authors = {e.get("author") for e in merged.entries}
    assert any("Mallory" in (a or "") for a in authors), authors


ESC = "\x1b[31mred\x1b]0;owned\x07\x9b2J"


def test_control_characters_from_a_server_are_escaped_in_log_and_status(work, server):
    server.set("/esc.xml", b"\x1f\x8b not really gzip",
               headers={"Content-Encoding": ESC})
    work.write_config({"esc": server.url("/esc.xml")})
    res = work.once()
    assert res.rc == 1, res
    line = [l for l in res.stderr.splitlines() if "feed esc" in l]
    assert len(line) == 1, res
    assert "Content-Encoding" in line[0], line
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", res.stderr), repr(res.stderr)
    assert "\\x1B[31mred\\x1B]0;owned\\x07\\x9B2J" in line[0], line

    status = work.run("status")
    assert status.rc == 0, status
    assert "last error" in status.stdout, status
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", status.stdout), repr(status.stdout)
    assert "\\x1B[31mred" in status.stdout, status


def test_status_line_body_and_redirect_from_a_server_are_escaped(work, server):
    """The other server-controlled text: a status line's reason, an error
    body, a redirect's target, each carrying terminal escapes.  The log
    names the status and the refused target without them, and `status`
    shows no control character either."""
    def raw_status(handler):
        body = ESC.encode("latin-1") + b" error page\r\n"
        handler.wfile.write(b"HTTP/1.1 500 " + ESC.encode("latin-1") + b"\r\n")
        handler.wfile.write(b"Content-Type: text/plain\r\n")
        handler.wfile.write(b"Content-Length: %d\r\n\r\n" % len(body))
        handler.wfile.write(body)
        handler.wfile.flush()

    def raw_redirect(handler):
        handler.wfile.write(b"HTTP/1.1 301 Moved\r\nLocation: /new"
                            + ESC.encode("latin-1") + b".xml\r\n"
                            b"Content-Length: 0\r\n\r\n")
        handler.wfile.flush()

    server.set("/status.xml", raw=raw_status)
    server.set("/moved.xml", raw=raw_redirect)
    work.write_config({"status": server.url("/status.xml"),
                       "moved": server.url("/moved.xml")})
    res = work.once()
    assert res.rc == 1, res
    assert [l for l in res.stderr.splitlines() if "feed status" in l], res
    assert [l for l in res.stderr.splitlines() if "feed moved" in l], res
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", res.stderr), repr(res.stderr)
    status = work.run("status")
    assert status.rc == 0, status
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", status.stdout), repr(status.stdout)
