"""
Helpers shared by the integration tests (the fixtures are in conftest.py):
feed documents to serve or write, the oracle that reads the spool back
(every expected entry exactly once), one-line error checks, the state
read with sqlite3, and small filesystem tools (a tmpfs, filling it).
"""

import base64
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
from xml.sax.saxutils import escape

import pytest

from conftest import fixture_bytes, run_process

MB = 1024 * 1024

# The subjects of tests/integration/feeds/plain-rss2.xml, sorted.
PLAIN = ["Plain RSS one", "Plain RSS three", "Plain RSS two"]

# A spool file name (README): SECONDS.M<usec>P<pid>Q<n>.KEY.HOST, KEY the
# 64 hex digits.
NAME_RE = re.compile(r"^([0-9]+)\.M[0-9]{6}P([0-9]+)Q[0-9]+\.([0-9a-f]{64})\.([^/:.]+)$")


# --- feed documents ------------------------------------------------------------

def make_feed(prefix, n, size=None):
    """An RSS 2.0 document with n items "<prefix> item <i>", padded with
    whitespace inside the channel to exactly size bytes when given."""
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n'
            '<channel>\n<title>%s feed</title>\n<link>https://%s.example/</link>\n'
            '<description>fault injection</description>\n' % (prefix, prefix))
    items = "".join(
        '<item>\n<title>%s item %d</title>\n<link>https://%s.example/item/%d</link>\n'
        '<guid>https://%s.example/item/%d</guid>\n'
        '<pubDate>Sat, 01 Nov 2025 %02d:00:00 +0000</pubDate>\n'
        '<description>&lt;p&gt;Item %d of %s.&lt;/p&gt;</description>\n</item>\n'
        % (prefix, i, prefix, i, prefix, i, i % 24, i, prefix) for i in range(n))
    tail = "</channel>\n</rss>\n"
    doc = (head + items + tail).encode()
    if size is not None:
        assert len(doc) <= size, (len(doc), size)
        doc = (head + items).encode() + b" " * (size - len(doc)) + tail.encode()
    return doc


def rss_feed(title, items):
    """An RSS 2.0 document; items are dicts with any of title, link, guid
    (guid_permalink False adds isPermaLink="false"), description."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
           "<title>%s</title><link>https://feeds.example/</link>"
           "<description>catalogue</description>\n" % escape(title)]
    for it in items:
        out.append("<item>")
        if "title" in it:
            out.append("<title>%s</title>" % escape(it["title"]))
        if "link" in it:
            out.append("<link>%s</link>" % escape(it["link"]))
        if "guid" in it:
            attr = ' isPermaLink="false"' if not it.get("guid_permalink", True) else ""
            out.append("<guid%s>%s</guid>" % (attr, escape(it["guid"])))
        if "description" in it:
            out.append("<description>%s</description>" % escape(it["description"]))
        out.append("</item>\n")
    out.append("</channel></rss>\n")
    return "".join(out).encode("utf-8")


def numbered_items(prefix, n, start=0, size=0):
    """Item dicts for rss_feed: n items "<prefix> item <i>" with links
    https://<prefix>.example/<i>, the description padded to about size
    bytes."""
    return [{"title": "%s item %d" % (prefix, i),
             "link": "https://%s.example/%d" % (prefix, i),
             "description": ("<p>Item %d of %s.</p>" % (i, prefix)) +
                            ("<p>%s</p>" % ("lorem ipsum " * (size // 12)) if size else "")}
            for i in range(start, start + n)]


RSS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
            '<title>%s</title>\n<link>https://%s.example/</link>\n'
            '<description>catalogue</description>\n')
RSS_TAIL = "</channel>\n</rss>\n"


def item_xml(name, i, title=None, body=None):
    """One RSS 2.0 <item> "<name> item <i>" as text, for rss_xml."""
    return ('<item><title>%s</title><link>https://%s.example/%d</link>'
            '<guid>https://%s.example/%d</guid><description>%s</description></item>\n'
            % (title or "%s item %d" % (name, i), name, i, name, i,
               body if body is not None else "item %d" % i))


def rss_xml(name, items, extra=""):
    """An RSS 2.0 document around items (and extra), both XML text."""
    return (RSS_HEAD % (name, name) + items + extra + RSS_TAIL).encode()


def titles(prefix, n, start=0):
    """The subjects of items start .. start+n-1 of make_feed or
    numbered_items."""
    return ["%s item %d" % (prefix, i) for i in range(start, start + n)]


def put_feed(path, data):
    """Replaces the feed file at once, as a publisher would; returns its
    file:// URL."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return "file://%s" % path


def serve_plain(server):
    """Serves plain-rss2.xml (the PLAIN entries); returns its URL."""
    server.set("/rss.xml", fixture_bytes("plain-rss2.xml"), content_type="application/rss+xml")
    return server.url("/rss.xml")


# --- what a run left ---------------------------------------------------------

def message_id(msg):
    """The entry key in a message's Message-ID <KEY@aggregator>."""
    m = re.fullmatch(r"<([0-9a-f]{64})@aggregator>", str(msg["Message-ID"]).strip())
    assert m, msg
    return m.group(1)


def subjects(work):
    return sorted(str(m["Subject"]) for m in work.messages())


def assert_exactly_once(work, expected):
    """Every expected subject once and nothing else, one file per
    Message-ID (each <KEY@aggregator>), mailbox.Maildir agrees, tmp/
    empty."""
    msgs = work.messages()
    assert sorted(str(m["Subject"]) for m in msgs) == sorted(expected)
    ids = [message_id(m) for m in msgs]
    assert len(set(ids)) == len(ids), ids
    assert work.maildir_count() == len(expected)
    assert list((work.spool / "tmp").iterdir()) == []


def error_line(res, name, pattern=None):
    """The one stderr line naming feed `name`; it must match pattern."""
    word = re.compile(r"(?<![\w-])%s(?![\w-])" % re.escape(name))
    lines = [l for l in res.stderr.splitlines() if word.search(l)]
    assert len(lines) == 1, (name, res)
    if pattern is not None:
        assert re.search(pattern, lines[0], re.I), (name, pattern, lines[0])
    return lines[0]


def run_env(work, env, timeout=20):
    """--once with env added to the environment (AGGREGATOR_CRASH...)."""
    return run_process([work.binary, "-c", str(work.config), "--once"],
                       timeout=timeout, cwd=str(work.path),
                       env=dict(os.environ, **env))


# --- the state -----------------------------------------------------------------

def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def query(db_path, sql, *args):
    db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def integrity_ok(db_path):
    return query(db_path, "PRAGMA integrity_check") == [("ok",)]


# --- filesystems -----------------------------------------------------------------

def mount_tmpfs(path, size):
    path.mkdir(exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size,
                        "tmpfs", str(path)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs: %s" % r.stderr.decode().strip())


def fill(path):
    """Fills the filesystem holding path; returns the filler file."""
    filler = path / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"x" * 4096)
        except OSError as e:
            assert e.errno == 28, e     # ENOSPC
    # Whatever is left is smaller than a page: take that too.
    with open(path / "filler2", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"x")
        except OSError:
            pass
    return filler


# --- notmuch, the strictest common reader -------------------------------------

def notmuch(env, *args):
    r = subprocess.run(["notmuch"] + list(args), env=env, capture_output=True,
                       timeout=60)
    assert r.returncode == 0, (args, r.stderr.decode("utf-8", "replace"))
    return r.stdout.decode("utf-8")


def notmuch_env(tmp_path, maildir):
    """A notmuch config of its own whose database is the spool."""
    if shutil.which("notmuch") is None:
        pytest.fail("notmuch is not installed: make deps-test installs it")
    cfg = tmp_path / "notmuch-config"
    cfg.write_text("[database]\npath=%s\n[user]\nname=Test\n"
                   "primary_email=test@example.org\n[new]\ntags=unread;\n"
                   "[maildir]\nsynchronize_flags=false\n" % maildir)
    env = dict(os.environ, NOTMUCH_CONFIG=str(cfg), HOME=str(tmp_path))
    env.pop("NOTMUCH_PROFILE", None)
    return env


def imap_utf7_encode(text):
    """IMAP's modified UTF-7 (RFC 3501, 5.1.3), the oracle for folder names."""
    out, run = [], []

    def flush():
        if run:
            b64 = base64.b64encode("".join(run).encode("utf-16-be")).decode()
            out.append("&" + b64.rstrip("=").replace("/", ",") + "-")
            run.clear()
    for ch in text:
        if 0x20 <= ord(ch) < 0x7f:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def imap_utf7_decode(text):
    return re.sub(r"&([^-]*)-", lambda m: "&" if not m.group(1) else base64.b64decode(
        m.group(1).replace(",", "/") + "=" * (-len(m.group(1)) % 4)).decode("utf-16-be"),
        text)


def folder_dirname(name):
    """The Maildir++ directory of a folder = NAME ("A/B" is ".A.B")."""
    return "." + ".".join(imap_utf7_encode(p) for p in re.split(r"[/.]", name))
