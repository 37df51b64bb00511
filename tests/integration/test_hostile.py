"""
Hostile documents (SPEC "Parsing": no external entity or DTD is ever loaded,
entity expansion is bounded), rows X01-X07 of the fault catalogue
(../shared/RELIABILITY.md section 8): XXE through file:// and http://
entities and an external DTD, the billion-laughs and quadratic-blowup
entity bombs, deep nesting, a huge text node, a million items, XInclude,
stylesheet processing instructions, DOCTYPE ids and namespace and
attribute floods.

A hostile feed costs only itself: the run stays within its time and memory
bounds, the feed fails with one stderr line naming it (or is recovered
with a one-line warning), and the other feeds are delivered.
"""

import email.parser
import email.policy
import email.utils
import os
import secrets
import shutil

import pytest

from conftest import SANITIZED, Work, entry_key, fixture_bytes, rss_limit_kb, run_process
from feedserver import FeedServer
from helpers import (MB, PLAIN, RSS_HEAD, RSS_TAIL, assert_exactly_once, error_line,
                     item_xml, rss_feed, rss_xml, serve_plain, subjects)

XXE_INTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY file SYSTEM "file://{canary}">
 <!ENTITY remote SYSTEM "{base}/evil/entity.txt">
 <!ENTITY % pe SYSTEM "{base}/evil/param.dtd">
 %pe;
]>
<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude">
<channel>
<title>XXE feed &file;</title>
<link>https://xxe.example/</link>
<description>external entities</description>
<item>
<title>XXE item &file; &remote;</title>
<link>https://xxe.example/1</link>
<description>&lt;p&gt;before&lt;/p&gt; &file; &remote; after</description>
</item>
<item>
<title>XInclude item</title>
<link>https://xxe.example/2</link>
<description><xi:include href="file://{canary}" parse="text"/></description>
</item>
</channel>
</rss>
"""

XXE_EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "{base}/evil/external.dtd">
<rss version="2.0">
<channel>
<title>External DTD feed</title>
<link>https://xxe.example/ext/</link>
<description>external DTD</description>
<item>
<title>External DTD item &stolen;</title>
<link>https://xxe.example/ext/1</link>
<description>&lt;p&gt;&amp;stolen; follows:&lt;/p&gt; &stolen;</description>
</item>
</channel>
</rss>
"""

LIMIT_SECONDS = 5.0
LIMIT_RSS_KB = rss_limit_kb(200)


def serve_evil(server, canary_path, remote_canary):
    dtd = '<!ENTITY stolen SYSTEM "file://%s">' % canary_path
    server.set("/evil/entity.txt", remote_canary, content_type="text/plain")
    server.set("/evil/param.dtd", dtd, content_type="application/xml-dtd")
    server.set("/evil/external.dtd", dtd, content_type="application/xml-dtd")


def outputs(work, res):
    """Everything the run left behind that a reader could see."""
    blobs = [res.stdout.encode(), res.stderr.encode()]
    blobs += [p.read_bytes() for p in work.message_files()]
    if work.output.exists():
        blobs.append(work.output.read_bytes())
    return b"\n".join(blobs)


def test_xxe(server, work, tmp_path):
    canary = "CANARY-" + secrets.token_hex(16)
    remote_canary = "REMOTE-CANARY-" + secrets.token_hex(16)
    canary_path = tmp_path / "canary.txt"
    canary_path.write_text(canary + "\n")
    base = server.url("")
    serve_evil(server, canary_path, remote_canary)
    server.set("/xxe.xml", XXE_INTERNAL.format(canary=canary_path, base=base),
               content_type="application/rss+xml")
    server.set("/ext.xml", XXE_EXTERNAL.format(base=base),
               content_type="application/rss+xml")
    server.set("/rss.xml", fixture_bytes("plain-rss2.xml"), content_type="application/rss+xml")
    work.write_config({"xxe": server.url("/xxe.xml"),
                       "xxe-external": server.url("/ext.xml"),
                       "plain-rss": server.url("/rss.xml")})
    res = work.once()
    assert res.rc in (0, 1), res

    seen = outputs(work, res)
    assert canary.encode() not in seen
    assert remote_canary.encode() not in seen
    assert server.hits("/evil/") == []
    delivered = {str(m["Subject"]) for m in work.messages()}
    assert {"Plain RSS one", "Plain RSS two", "Plain RSS three"} <= delivered

    # The parse command reads the same documents the same way.
    for name, text in (("xxe.xml", XXE_INTERNAL.format(canary=canary_path, base=base)),
                       ("ext.xml", XXE_EXTERNAL.format(base=base))):
        doc = tmp_path / name
        doc.write_text(text)
        res = work.run("parse", str(doc), config=False)
        assert canary not in res.stdout + res.stderr
        assert remote_canary not in res.stdout + res.stderr
    assert server.hits("/evil/") == []


def quadratic_blowup():
    # One 50 KB entity referenced 20000 times: 1 GB if expanded.
    refs = "&big;" * 20000
    return ("""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY big "%s">]>
<rss version="2.0">
<channel>
<title>Quadratic blowup</title>
<link>https://bomb.example/q/</link>
<description>quadratic</description>
<item>
<title>Blowup</title>
<link>https://bomb.example/q/1</link>
<description>%s</description>
</item>
</channel>
</rss>
""" % ("A" * 50000, refs)).encode()


BOMBS = {
    "billion-laughs": lambda: fixture_bytes("billion-laughs.xml"),
    "quadratic-blowup": quadratic_blowup,
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_entity_bombs(server, work, tmp_path, bomb):
    body = BOMBS[bomb]()
    server.set("/bomb.xml", body, content_type="application/rss+xml")
    server.set("/rss.xml", fixture_bytes("plain-rss2.xml"), content_type="application/rss+xml")
    work.write_config({"bomb": server.url("/bomb.xml"),
                       "plain-rss": server.url("/rss.xml")})
    res = work.once(timeout=30)
    assert not res.timed_out, res
    assert res.rc in (0, 1), res
    assert res.elapsed < LIMIT_SECONDS, res
    assert res.maxrss_kb < LIMIT_RSS_KB, res

    delivered = {str(m["Subject"]) for m in work.messages()}
    assert {"Plain RSS one", "Plain RSS two", "Plain RSS three"} <= delivered
    spooled = sum(p.stat().st_size for p in work.message_files())
    assert spooled < 20 * 1024 * 1024
    assert work.output.stat().st_size < 20 * 1024 * 1024
    merged = work.merged()
    assert merged.bozo == 0, merged.get("bozo_exception")

    doc = tmp_path / "bomb.xml"
    doc.write_bytes(body)
    res = run_process([work.binary, "parse", str(doc)], timeout=30)
    assert not res.timed_out, res
    assert res.elapsed < LIMIT_SECONDS, res
    assert res.maxrss_kb < LIMIT_RSS_KB, res
    assert len(res.stdout) < 20 * 1024 * 1024


# --- X05: nesting depth -------------------------------------------------------

def test_deep_nesting_is_cut_and_costs_only_its_feed_X05(server, work):
    n = 100000
    # Not a feed at all: 100,000 nested elements and nothing else.
    server.set("/bare.xml", b"<a>" * n, content_type="application/rss+xml")
    # A feed whose item is followed by 100,000 nested elements, closed.
    deep = RSS_HEAD % ("deep", "deep") + item_xml("deep", 1) + "<a>" * n + "</a>" * n \
        + item_xml("deep", 2) + RSS_TAIL
    server.set("/deep.xml", deep.encode(), content_type="application/rss+xml")
    # 5,000,000 levels (15 MB, under the 16 MiB body cap), never closed:
    # the memory a parser keeps per open element is the bomb.
    huge = (RSS_HEAD % ("huger", "huger") + item_xml("huger", 1)).encode() + b"<a>" * 5000000
    server.set("/huge.xml", huge, content_type="application/rss+xml")
    del deep, huge
    work.write_config({"deep-bare": server.url("/bare.xml"),
                       "deep-rss": server.url("/deep.xml"),
                       "deep-huge": server.url("/huge.xml"),
                       "plain-rss": serve_plain(server)})
    res = work.once(timeout=30)
    assert not res.timed_out, res
    assert res.rc == 1, res
    assert res.elapsed < 5, res
    assert res.maxrss_kb < rss_limit_kb(200), res
    print(res.stderr)
    error_line(res, "deep-bare", r"not a feed")
    # The parse stops at the nesting limit and keeps what it had read.
    error_line(res, "deep-rss", r"nest|depth")
    error_line(res, "deep-huge", r"nest|depth")
    assert len(res.stderr.strip().splitlines()) == 3, res
    assert_exactly_once(work, PLAIN + ["deep item 1", "huger item 1"])


# --- X06: huge text node, a million items -------------------------------------

FEED_MAX_TEXT = 8 * MB      # one element's text (daemon/feed_priv.h)
FEED_MAX_ENTRIES = 100000   # entries kept from one document
# What an entry carries into outputs (include/entry.h).
ENTRY_TEXT_MAX = 300        # characters of a title, author or feed title
ENTRY_CONTENT_MAX = MB      # bytes of content
ENTRY_URL_MAX = 8192        # bytes of a link or id
X06_SECONDS = 6.0 * (3 if SANITIZED else 1)


def test_huge_text_node_is_cut_or_refused_by_the_body_cap_X06(server, work, tmp_path):
    text = rss_xml("bigtext", item_xml("bigtext", 1, body="x" * (12 * MB)))
    assert 12 * MB < len(text) < 16 * MB
    server.set("/text.xml", text, content_type="application/rss+xml")
    del text
    work.write_config({"big-text": server.url("/text.xml"),
                       "plain-rss": serve_plain(server)})
    res = work.once(timeout=60)
    assert not res.timed_out, res
    assert res.rc in (0, 1), res
    assert res.elapsed < X06_SECONDS, res
    assert res.maxrss_kb < rss_limit_kb(200), res
    # Headers only: parsing the big message would grow this process, and a
    # later child's ru_maxrss starts from its size.
    msgs = {}
    for p in work.message_files():
        with open(p, "rb") as f:
            head = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(
                f.read(65536).split(b"\n\n", 1)[0])
        msgs[str(head["Subject"])] = p
    assert set(PLAIN) <= set(msgs), res
    # Under the 16 MiB body cap: the text is cut at the per-element limit
    # (or the feed rejected), and the content at ENTRY_CONTENT_MAX, so no
    # message (an HTML and a text part) or merged feed carries 12 MB.
    if "bigtext item 1" in msgs:
        size = msgs["bigtext item 1"].stat().st_size
        assert 2 * ENTRY_CONTENT_MAX < size < 3 * ENTRY_CONTENT_MAX, size
        error_line(res, "big-text", r"cut to size \(content over 1048576 bytes\)")
    else:
        error_line(res, "big-text")
    assert work.output.stat().st_size < 2 * ENTRY_CONTENT_MAX

    # With a body cap under 12 MB the body itself is refused.
    capped = Work(tmp_path / "capped", work.binary)
    capped.path.mkdir()
    capped.write_config({"big-text": server.url("/text.xml"),
                         "plain-rss": serve_plain(server)}, max_body=10 * MB)
    res = capped.once(timeout=60)
    assert res.rc == 1, res
    error_line(res, "big-text", r"exceed")
    assert_exactly_once(capped, PLAIN)


def test_million_items_stay_within_time_and_memory_X06(server, work, tmp_path):
    many = rss_xml("many", "<item/>" * 1000000)
    assert len(many) < 16 * MB
    server.set("/many.xml", many, content_type="application/rss+xml")
    del many
    work.write_config({"many-items": server.url("/many.xml"),
                       "plain-rss": serve_plain(server)})
    res = work.once(timeout=60)
    print("X06 million items: %.2f s, peak RSS %d KB" % (res.elapsed, res.maxrss_kb))
    assert not res.timed_out, res
    assert res.rc == 0, res
    # Parsing keeps at most FEED_MAX_ENTRIES entries: unbounded, a million
    # would take over 1 GB.
    assert res.maxrss_kb < rss_limit_kb(200), res
    # A million empty items share one key: one message.
    assert len(work.message_files()) == len(PLAIN) + 1, subjects(work)
    assert res.elapsed < X06_SECONDS, res
    # The cap is logged, once, naming the feed.
    error_line(res, "many-items", r"900000 entries more than the %d read" % FEED_MAX_ENTRIES)


def test_huge_title_content_and_link_give_a_bounded_message_X06(server, work):
    """A 4 MB title and feed title, 3 MB of Korean content and a 20 KB
    link and guid: the Subject and From name are their first 300
    characters and an ellipsis, the content its first MiB, the link and
    id left out (the link still keys the entry), one warning naming the
    feed; the merged feed is as bounded."""
    title = "제목" * (2 * MB // 3)
    link = "https://big.example/?q=" + "q" * 20000
    doc = rss_feed(title, [{"title": title, "link": link, "guid": link,
                            "description": "<p>%s</p>" % ("본문 " * MB)}])
    assert len(doc) < 16 * MB
    server.set("/big.xml", doc, content_type="application/rss+xml")
    del doc
    work.write_config({"big": server.url("/big.xml"), "plain-rss": serve_plain(server)})
    res = work.once(timeout=60)
    assert res.rc == 0, res
    line = error_line(res, "big", r"deliver: 1 new entry cut to size")
    for what in ("a title or name over 300 characters", "content over 1048576 bytes",
                 "a link or id over 8192 bytes left out"):
        assert what in line, line

    files = [p for p in work.message_files() if entry_key(link) in p.name]
    assert len(files) == 1, work.message_files()
    raw = files[0].read_bytes()
    head = raw.split(b"\n\n", 1)[0]
    assert len(raw) < 7 * MB, len(raw)
    assert len(head) < 8192, len(head)
    msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(raw)
    shown = title[:ENTRY_TEXT_MAX] + "…"
    assert str(msg["Subject"]) == shown
    # Python's address parser puts a space between a display name's
    # encoded-words (RFC 2047 says to ignore it; notmuch does).
    name = email.utils.parseaddr(str(msg["From"]))[0]
    assert "".join(name.split()) == shown, name
    assert msg["X-RSS-URL"] is None and msg["X-RSS-ID"] is None
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "본문 본문" in html and len(html.encode()) < ENTRY_CONTENT_MAX + 4096

    merged = work.merged()
    big = [e for e in merged.entries if e.title == shown]
    assert len(big) == 1, merged.entries
    assert not [l for l in big[0].get("links", []) if l.get("rel") == "alternate"], big
    assert work.output.stat().st_size < 2 * ENTRY_CONTENT_MAX

    # Seen under its link's key: nothing again, and no warning.
    res = work.once(timeout=60)
    assert res.rc == 0 and res.stderr == "", res
    assert len(work.message_files()) == len(PLAIN) + 1


def test_parse_keeps_at_most_100000_entries_X06(work, tmp_path):
    # 150,000 distinct items: parse keeps FEED_MAX_ENTRIES of them.
    doc = tmp_path / "items.xml"
    doc.write_bytes(rss_xml("count", "".join("<item><guid>%d</guid></item>" % i
                                         for i in range(150000))))
    res = run_process([work.binary, "parse", str(doc)], timeout=30)
    assert not res.timed_out, res
    assert res.elapsed < X06_SECONDS, res
    assert res.maxrss_kb < rss_limit_kb(300), res
    # Counted in the text: a parsed copy would grow this process, whose
    # size later children's ru_maxrss start from.
    assert res.stdout.count('"id":"') == FEED_MAX_ENTRIES, res.stdout[:300]


# --- X07: XInclude, stylesheet PI, DOCTYPE ids, namespace flood ---------------

def x07_docs(canary_url, canary_file, canary_dtd):
    xinclude = rss_xml("xinclude", item_xml("xinclude", 1, body=(
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="%s/xi.xml" '
        'parse="text"/> and <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        'href="file://%s" parse="text"/>') % (canary_url, canary_file)),
        extra='<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="%s/xi2.xml"/>'
        % canary_url)
    pi = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<?xml-stylesheet type="text/xsl" href="%s/style.xsl"?>\n'
          '<?xml-stylesheet type="text/css" href="file://%s"?>\n'
          % (canary_url, canary_file)).encode() \
        + rss_xml("stylesheet", item_xml("stylesheet", 1)).split(b"\n", 1)[1]
    netscape = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n'
                '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"\n'
                '  "%s/rss-0.91.dtd">\n'
                '<rss version="0.91">\n<channel>\n<title>Netscape</title>\n'
                '<link>https://netscape.example/</link>\n<description>0.91</description>\n'
                '<language>en-us</language>\n'
                '<item><title>Netscape item 1</title><link>https://netscape.example/1</link>'
                '<description>one &amp; only</description></item>\n'
                '</channel>\n</rss>\n' % canary_url).encode()
    system = ('<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "file://%s">\n' % canary_dtd).encode() \
        + rss_xml("sysid", item_xml("sysid", 1, title="sysid item 1 &stolen;")).split(b"\n", 1)[1]
    ns = " ".join('xmlns:n%d="https://ns%d.example/"' % (i, i) for i in range(100000))
    nsflood = rss_xml("nsflood", item_xml("nsflood", 1)).replace(
        b'<rss version="2.0">', ('<rss version="2.0" %s>' % ns).encode())
    attrs = " ".join('a%d="v"' % i for i in range(200000))
    attrflood = rss_xml("attrflood", item_xml("attrflood", 1)).replace(
        b'<rss version="2.0">', ('<rss version="2.0" %s>' % attrs).encode())
    # 20,000 attribute defaults in the internal subset, applied to each item.
    defaults = " ".join('a%d CDATA "v"' % i for i in range(20000))
    attdefaults = ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ATTLIST item %s>]>\n' % defaults
                   ).encode() + rss_xml("attdefaults", "".join(item_xml("attdefaults", i)
                                                           for i in range(10))).split(b"\n", 1)[1]
    return {"xinclude": xinclude, "stylesheet": pi, "netscape": netscape,
            "sysid": system, "nsflood": nsflood, "attrflood": attrflood,
            "attdefaults": attdefaults}


def strace_log(argv, log, cwd):
    # LeakSanitizer cannot run under ptrace.
    asan = os.environ.get("ASAN_OPTIONS", "")
    env = dict(os.environ, ASAN_OPTIONS=(asan + ":" if asan else "") + "detect_leaks=0")
    res = run_process(["strace", "-f", "-qq", "-e", "trace=open,openat,connect",
                       "-o", str(log)] + argv, timeout=60, cwd=cwd, env=env)
    return res, log.read_text()


def test_xinclude_stylesheet_doctype_and_namespace_floods_load_nothing_X07(server, work, tmp_path):
    canary = FeedServer()
    try:
        token = "CANARY-" + secrets.token_hex(12)
        for path in ("/xi.xml", "/xi2.xml", "/style.xsl", "/rss-0.91.dtd"):
            canary.set(path, token, content_type="application/xml")
        canary_file = tmp_path / "canary.txt"
        canary_file.write_text(token + "\n")
        canary_dtd = tmp_path / "canary.dtd"
        canary_dtd.write_text('<!ENTITY stolen "%s">\n' % token)
        docs = x07_docs(canary.url(""), canary_file, canary_dtd)
        feeds = {}
        for name, body in docs.items():
            server.set("/%s.xml" % name, body, content_type="application/rss+xml")
            feeds["x07-" + name] = server.url("/%s.xml" % name)
        feeds["plain-rss"] = serve_plain(server)
        work.write_config(feeds)
        res = work.once(timeout=30)
        assert not res.timed_out, res
        assert res.rc == 1, res
        assert res.elapsed < 5, res
        assert canary.requests == [], canary.requests
        seen = [res.stdout.encode(), res.stderr.encode(), work.output.read_bytes()]
        seen += [p.read_bytes() for p in work.message_files()]
        assert token.encode() not in b"\n".join(seen)

        # The namespace and attribute floods are refused quickly (libxml2
        # 2.9 checks a tag's attributes pairwise); only those feeds fail.
        print(res.stderr)
        error_line(res, "x07-nsflood", r"attribute")
        error_line(res, "x07-attrflood", r"attribute")
        assert len(res.stderr.strip().splitlines()) <= 3, res
        got = subjects(work)
        for title in ("xinclude item 1", "stylesheet item 1", "Netscape item 1"):
            assert title in got, got
        # DTD attribute defaults are not applied (each would be checked
        # against all others on every item): the items come, quickly.
        assert [s for s in got if s.startswith("attdefaults")] == \
            ["attdefaults item %d" % i for i in range(10)], got
        # The undefined entity of the unloaded DTD is dropped (or the feed
        # rejected): never the DTD's text.
        assert [s for s in got if s.startswith("sysid")] in ([], ["sysid item 1"],
                                                             ["sysid item 1 &stolen;"]), got
        assert set(PLAIN) <= set(got)

        res = work.run("parse", str(_write(tmp_path, "ns.xml", docs["netscape"])),
                       config=False)
        assert '"version":"rss091n"' in res.stdout.replace(" ", ""), res

        # No file or network access at all while parsing, where strace works.
        if shutil.which("strace") is None:
            return
        for name, body in docs.items():
            doc = _write(tmp_path, name + ".xml", body)
            log = tmp_path / (name + ".strace")
            res, trace = strace_log([work.binary, "parse", str(doc)], log, str(tmp_path))
            if res.rc != 0 and "ptrace" in res.stderr:
                pytest.skip("strace cannot trace here: %s" % res.stderr.strip())
            assert str(doc) in trace, trace     # strace saw the process
            assert str(canary_file) not in trace and str(canary_dtd) not in trace, trace
            assert "connect(" not in trace, trace
            assert canary.requests == []
    finally:
        canary.close()


def _write(dirpath, name, body):
    p = dirpath / name
    p.write_bytes(body)
    return p
