"""
Encodings a feed gets wrong or makes hard (catalogue row X08,
../shared/RELIABILITY.md section 8): UTF-16 with a BOM (also against a
wrong HTTP charset), windows-1252, a declaration that lies or names no
known charset, invalid UTF-8 and NUL bytes.  Titles arrive exactly where
the document can be read; broken ones are recovered, not lost; every
message has ASCII headers and strict UTF-8 parts, and only the broken
documents warn.  (EUC-KR is test_euc_kr.py.)
"""

import email.header
import re

from helpers import PLAIN, serve_plain


UNI = "Grüße — “quoted” € ☃ 한글"
LATIN = "Café “smart” – € Œ"


def enc_doc(name, title, decl):
    return ('%s\n<rss version="2.0"><channel><title>%s feed</title>'
            '<link>https://%s.example/</link><description>encoding</description>'
            '<item><title>%s</title><link>https://%s.example/1</link>'
            '<description>%s body</description></item></channel></rss>\n'
            % (decl, name, name, title, name, title))


def x08_feeds():
    """name: (body, content type, expected subject or None when the
    document is broken and any valid recovery (or rejection) will do)."""
    d = '<?xml version="1.0" encoding="%s"?>'
    utf16 = enc_doc("utf16le", UNI, d % "UTF-16")
    feeds = {
        "utf16le-bom": (b"\xff\xfe" + utf16.encode("utf-16-le"), "application/rss+xml", UNI),
        "utf16be-bom": (b"\xfe\xff" + enc_doc("utf16be", UNI, d % "UTF-16").encode("utf-16-be"),
                        "application/rss+xml", UNI),
        # The HTTP charset is wrong: the BOM wins after UTF-8 fails.
        "utf16-http-utf8": (b"\xff\xfe"
                            + enc_doc("httputf8", UNI, d % "UTF-16").encode("utf-16-le"),
                            "application/rss+xml; charset=utf-8", UNI),
        "cp1252": (enc_doc("cp1252", LATIN, d % "windows-1252").encode("cp1252"),
                   "application/rss+xml", LATIN),
        # Declared UTF-8, written in windows-1252: the fallback reads it.
        "wrong-decl": (enc_doc("wrong", LATIN, d % "utf-8").encode("cp1252"),
                       "application/rss+xml", LATIN),
        "bogus-decl": (enc_doc("bogus", UNI, d % "x-no-such-charset-42").encode("utf-8"),
                       "application/rss+xml", UNI),
        # Declared UTF-16 without a BOM, written in UTF-8.
        "utf16-decl-8bit": (enc_doc("utf16decl", UNI, d % "utf-16").encode("utf-8"),
                            "application/rss+xml", None),
        "invalid-utf8": (enc_doc("invalid", "Bad \udcff\udcfe bytes", d % "utf-8")
                         .encode("utf-8", "surrogateescape")
                         .replace(b"bytes", b"\xc3\x28 \xed\xa0\x80 \xf8\x88\x80\x80\x80 \xc0\xaf"),
                         "application/rss+xml", None),
    }
    nul = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
           '<title>NUL\x00feed</title><link>https://nul.example/</link>'
           '<description>d\x00d</description>%s</channel></rss>\n'
           % "".join('<item><title>%s</title><link>https://nul.example/%d</link></item>' % (t, i)
                     for i, t in enumerate(["nul one", "nul\x00two", "nul three"])))
    feeds["nul-bytes"] = (nul.encode(), "application/rss+xml", None)
    return feeds


def assert_utf8_message(m):
    """Headers are ASCII (non-ASCII RFC 2047 encoded, in UTF-8) and every
    text part decodes as strict UTF-8."""
    head, _, _ = m.raw.partition(b"\n\n")
    head.decode("ascii")
    assert b"\x00" not in m.raw
    for name, value in m.msg.raw_items():
        for chunk, charset in email.header.decode_header(value):
            if isinstance(chunk, bytes):
                chunk.decode(charset or "ascii")
                assert charset in (None, "utf-8", "us-ascii"), (name, charset)
    for part in m.msg.walk():
        if part.get_content_maintype() != "text":
            continue
        assert (part.get_content_charset() or "us-ascii") in ("utf-8", "us-ascii"), part
        part.get_payload(decode=True).decode("utf-8")


def test_odd_encodings_deliver_exact_titles_in_strict_utf8_X08(server, work):
    feeds = x08_feeds()
    conf = {}
    for name, (body, ctype, _) in feeds.items():
        server.set("/%s.xml" % name, body, content_type=ctype)
        conf[name] = server.url("/%s.xml" % name)
    conf["plain-rss"] = serve_plain(server)
    work.write_config(conf)
    res = work.once()
    assert not res.timed_out, res
    assert res.rc in (0, 1), res
    msgs = work.messages()
    for m in msgs:
        assert_utf8_message(m)
    by_feed = {}
    for m in msgs:
        by_feed.setdefault(str(m["X-RSS-Feed"]), []).append(str(m["Subject"]))
    for name, (_, _, expected) in feeds.items():
        got = by_feed.get(conf[name], [])
        if expected is not None:
            assert got == [expected], (name, got, res)
    assert by_feed[conf["plain-rss"]] and sorted(by_feed[conf["plain-rss"]]) == PLAIN
    # Recovered, not lost: the invalid bytes become characters, the NUL
    # bytes do not end the document.
    assert len(by_feed.get(conf["invalid-utf8"], [])) == 1, (by_feed, res)
    nul = sorted(by_feed.get(conf["nul-bytes"], []))
    assert len(nul) == 3 and nul[0] == "nul one" and nul[1] == "nul three", (nul, res)
    assert "\x00" not in nul[2] and nul[2].startswith("nul"), nul
    print(res.stderr)
    # Every stderr line names a feed: only the broken documents warn.
    for line in res.stderr.strip().splitlines():
        assert re.search(r"utf16-decl-8bit|invalid-utf8|nul-bytes|wrong-decl|bogus-decl|"
                         r"utf16-http-utf8", line), line
    merged = work.output.read_bytes()
    merged.decode("utf-8")
    assert work.merged().bozo == 0
