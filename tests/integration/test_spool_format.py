"""
The maildir spool (SPEC "Spool"): every message in new/ is a well-formed
RFC 5322 / MIME message with the fixed headers, a UTF-8 text/html part,
no line over 998 bytes (long and non-ASCII titles and long links are
folded or encoded), and nothing is left in tmp/.  File names follow the
README (SECONDS.M<usec>P<pid>Q<n>.KEY.HOST): hostile titles, guids and
host names never shape them or reach outside the spool (catalogue row
D12), and they stay distinct for 1000 entries in one second and for two
writers on one spool (D13).
"""

import ctypes
import datetime
import email.utils
import os
import re
import socket
import sqlite3
import subprocess
from xml.sax.saxutils import escape

from conftest import fixture_bytes
from feedserver import raw_together
from helpers import (NAME_RE, assert_exactly_once, message_id, numbered_items, put_feed,
                     rss_feed, titles)

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


def shown(title):
    """A title as a Subject: its first 300 characters and an ellipsis."""
    return title if len(title) <= 300 else title[:300] + "…"


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

    assert set(by_subject) == {shown(t) for t, *_ in ITEMS} | {
        "Plain Atom one", "Plain Atom two", "Plain Atom three"}

    for title, link, guid, date, html in ITEMS:
        m = by_subject[shown(title)]
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
    assert "긴 본문 긴 본문" in by_subject[shown(LONG_KOREAN)].html().get_content()

    atom = server.url("/atom.xml")
    assert str(by_subject["Plain Atom one"]["X-RSS-Feed"]) == atom
    assert "<em>html</em>" in by_subject["Plain Atom one"].html().get_content()
    assert "<strong>xhtml</strong>" in by_subject["Plain Atom two"].html().get_content()
    # Atom type="text" content is text: its angle brackets must arrive escaped.
    text_html = by_subject["Plain Atom three"].html().get_content()
    assert "&lt;angle brackets&gt;" in text_html and "<angle brackets>" not in text_html


# --- D12: hostile titles, guids and host name --------------------------------

HOSTILE = ["../../.ssh/x", "a:b", ".hidden", "/etc/passwd", "x/../../y",
           "..", "\\057", "a/b:c.d"]


def run_with_hostname(work, hostname):
    """--once in its own UTS namespace with the given host name."""
    libc = ctypes.CDLL(None, use_errno=True)

    def pre():
        if libc.unshare(0x04000000) != 0:       # CLONE_NEWUTS
            raise OSError(ctypes.get_errno(), "unshare")
        socket.sethostname(hostname)

    proc = subprocess.run([work.binary, "-c", str(work.config), "--once"],
                          cwd=str(work.path), capture_output=True, timeout=20,
                          preexec_fn=pre)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def tree(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, dirs, files in os.walk(root) for f in files + dirs)


def test_hostile_titles_and_host_name_never_shape_file_names_D12(work, tmp_path):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    evil = [{"title": t, "guid": t, "guid_permalink": False,
             "description": "guid %s" % t} for t in HOSTILE]
    evil.append({"title": "../../.ssh/authorized_keys",
                 "link": "https://evil.example/../../.ssh/x?a:b#.c",
                 "description": "link"})
    work.write_config({
        "dots": put_feed(feeds / "dots.xml", rss_feed("../../.ssh/x", evil)),
        "named": {"url": put_feed(feeds / "named.xml",
                                  rss_feed("a:b", numbered_items("named", 2))),
                  "title": ".a:b/../../c"},
    })
    outside = tmp_path.parent.parent / ".ssh"
    had_outside = outside.exists()
    parent_before = sorted(os.listdir(tmp_path.parent))
    try:
        rc, out, err = run_with_hostname(work, "evil/host:name.x")
        host = "evil_host_name_x"
    except (OSError, subprocess.SubprocessError):     # no CAP_SYS_ADMIN
        res = work.once()
        rc, out, err = res.rc, res.stdout, res.stderr
        host = re.sub(r"[/:.\x00-\x20]", "_", socket.gethostname())
    assert rc == 0, (out, err)
    msgs = work.messages()
    assert len(msgs) == len(evil) + 2
    # The hostile values did reach the messages.
    assert sorted(str(m["X-RSS-ID"]) for m in msgs if m["X-RSS-ID"]) == sorted(HOSTILE)
    froms = {str(m["From"]) for m in msgs}
    assert any("../../.ssh/x" in f for f in froms), froms
    assert any(".a:b/../../c" in f for f in froms), froms
    for m in msgs:
        name = m.path.name
        assert not name.startswith("."), name
        assert ":" not in name and "/" not in name, name
        g = NAME_RE.match(name)
        assert g, name
        assert g.group(3) == message_id(m), name
        assert g.group(4) == host, name
    # Nothing written anywhere else: only what the config names.
    allowed = re.compile(r"^(aggregator\.conf|merged\.atom|state\.db(-wal|-shm|\.lock)?|"
                         r"feeds(/\w+\.xml)?|spool(/(tmp|new|cur)(/[^/]+)?)?)$")
    stray = [p for p in tree(work.path) if not allowed.match(p)]
    assert stray == [], stray
    assert all(re.match(r"spool/(new|cur)/", p) for p in tree(work.path)
               if p.startswith("spool/") and p.count("/") == 2), tree(work.path)
    assert sorted(os.listdir(tmp_path.parent)) == parent_before
    assert outside.exists() == had_outside


# --- D13: many deliveries at once ------------------------------------------

def test_file_names_stay_distinct_for_1000_entries_and_two_writers_D13(work, tmp_path, server):
    feed = tmp_path / "bulk.xml"
    body = rss_feed("Bulk", numbered_items("bulk", 1000))
    url = put_feed(feed, body)
    work.write_config({"bulk": url}, state="a.db", output="a.atom")
    res = work.once(timeout=60)
    assert res.rc == 0, res
    assert_exactly_once(work, titles("bulk", 1000))
    first = {p.name for p in work.message_files()}
    # Most of them share their second: the names still differ.
    assert len({NAME_RE.match(n).group(1) for n in first}) < 100

    # Two processes with their own state deliver the same 1000 entries
    # into one spool at the same time: 2000 more files, none overwritten.
    # The server answers both at once, so that their deliveries overlap;
    # a loaded machine can still start one late, so a round whose writers
    # did not overlap is cleared and run again.
    server.set("/bulk.xml", raw=raw_together(body, 2))
    url = server.url("/bulk.xml")
    overlapped = False
    for attempt in range(4):
        procs = two_writers(work, url, attempt)
        per_pid = check_spool_of_three_deliveries(work)
        b, c = [sorted(per_pid[str(p.pid)]) for p in procs]
        # mtimes come in clock ticks: one tick shared is an overlap too.
        overlapped = b[0] <= c[-1] and c[0] <= b[-1]
        if overlapped:
            break
        for path in work.message_files():
            if NAME_RE.match(path.name).group(2) in (str(procs[0].pid), str(procs[1].pid)):
                path.unlink()
    assert overlapped, "the two runs never overlapped"


def two_writers(work, url, attempt):
    """Runs two --once processes with their own states on one spool."""
    confs = [work.write_config({"bulk": url}, name="%s%d.conf" % (s, attempt),
                               state="%s%d.db" % (s, attempt),
                               output="%s%d.atom" % (s, attempt))
             for s in ("b", "c")]
    # Their states exist beforehand: a missing one beside a spool that
    # holds messages is refused (README, "A lost state").
    for s in ("b", "c"):
        db = sqlite3.connect(str(work.path / ("%s%d.db" % (s, attempt))))
        db.execute("CREATE TABLE made_by_the_test (a)")
        db.commit()
        db.close()
    procs = [subprocess.Popen([work.binary, "-c", str(c), "--once"],
                              cwd=str(work.path), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for c in confs]
    outs = [p.communicate(timeout=60) for p in procs]
    for p, (o, e) in zip(procs, outs):
        assert p.returncode == 0, (o, e)
    return procs


def check_spool_of_three_deliveries(work):
    """Asserts 3000 distinct files, three of each entry, each named after
    its Message-ID; returns the mtimes of each writer's files."""
    files = work.message_files()
    names = [p.name for p in files]
    assert len(names) == 3000 and len(set(names)) == 3000
    assert list((work.spool / "tmp").iterdir()) == []
    per_pid = {}
    ids = {}
    for path in files:
        g = NAME_RE.match(path.name)
        # Reading the head is enough here: 3000 full parses take seconds.
        with open(path, "rb") as f:
            head = f.read(8192).decode("ascii", "replace")
        m = re.search(r"^Message-ID: <([0-9a-f]{64})@aggregator>", head, re.M | re.I)
        assert g and m and g.group(3) == m.group(1), path.name
        ids[g.group(3)] = ids.get(g.group(3), 0) + 1
        per_pid.setdefault(g.group(2), []).append(path.stat().st_mtime)
    assert len(ids) == 1000 and set(ids.values()) == {3}
    assert len(per_pid) == 3
    return per_pid
