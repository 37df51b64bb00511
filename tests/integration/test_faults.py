"""
Fault injection against --once, one test per row of the fault catalogue
(RELIABILITY.md section 8): broken HTTP servers (N..), damaged state (S..)
and an unusable spool (D..).  A failing feed must cost only itself: exit 1,
one stderr line naming it, the other feeds delivered, and nothing from a
partial or rejected body delivered or marked seen.  A local fault (spool,
state) is exit 3 with nothing delivered and nothing lost for the next run.
"""

import errno
import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import zlib

import pytest

from conftest import NEW_ITEM, fixture_bytes, rss_limit_kb, run_process
from feedserver import (raw_endless_chunked, raw_silent, raw_trickle,
                        raw_truncated_chunked, raw_truncated_length)

PLAIN = ["Plain RSS one", "Plain RSS three", "Plain RSS two"]
MB = 1024 * 1024


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


def titles(prefix, n):
    return ["%s item %d" % (prefix, i) for i in range(n)]


def subjects(work):
    return sorted(str(m["Subject"]) for m in work.messages())


def serve_plain(server):
    server.set("/rss.xml", fixture_bytes("plain-rss2.xml"), content_type="application/rss+xml")
    return server.url("/rss.xml")


def error_line(res, name, pattern=None):
    """The one stderr line naming feed `name`; it must match pattern."""
    word = re.compile(r"(?<![\w-])%s(?![\w-])" % re.escape(name))
    lines = [l for l in res.stderr.splitlines() if word.search(l)]
    assert len(lines) == 1, (name, res)
    if pattern is not None:
        assert re.search(pattern, lines[0], re.I), (name, pattern, lines[0])
    return lines[0]


def assert_exactly_once(work, expected):
    """Every expected subject once, nothing else, one file per Message-ID,
    and no leftover in tmp/."""
    msgs = work.messages()
    assert sorted(str(m["Subject"]) for m in msgs) == sorted(expected)
    ids = [str(m["Message-ID"]) for m in msgs]
    assert len(set(ids)) == len(ids), ids
    assert work.maildir_count() == len(expected)
    tmp = work.spool / "tmp"
    assert not tmp.exists() or list(tmp.iterdir()) == []


# --- N: the network ---------------------------------------------------------

def test_N09_truncated(server, work):
    # The first 5000 bytes hold complete items: a parser that recovers
    # from the cut would deliver them.
    cl_doc = make_feed("cl", 30, size=10000)
    chunk_doc = make_feed("chunk", 30, size=10000)
    assert cl_doc[:5000].count(b"</item>") >= 10
    server.set("/cl.xml", raw=raw_truncated_length(cl_doc[:5000], 10000))
    server.set("/chunk.xml", raw=raw_truncated_chunked(chunk_doc[:5000]))
    work.write_config({"truncated-cl": server.url("/cl.xml"),
                       "truncated-chunked": server.url("/chunk.xml"),
                       "plain-rss": serve_plain(server)})
    res = work.once()
    assert res.rc == 1, res
    assert len(res.stderr.strip().splitlines()) == 2, res
    error_line(res, "truncated-cl", r"closed|partial|remaining|truncat")
    error_line(res, "truncated-chunked", r"closed|partial|remaining|truncat")
    assert_exactly_once(work, PLAIN)
    assert server.requests_for("/cl.xml") and server.requests_for("/chunk.xml")

    # Nothing was marked seen: once the server is fixed, all of it comes.
    server.set("/cl.xml", cl_doc, content_type="application/rss+xml")
    server.set("/chunk.xml", chunk_doc, content_type="application/rss+xml")
    res = work.once()
    assert res.rc == 0, res
    assert res.stderr.strip() == "", res
    assert_exactly_once(work, PLAIN + titles("cl", 30) + titles("chunk", 30))


def test_N09_truncated_gzip(server, work):
    doc = make_feed("gz", 30, size=10000)
    z = gzip.compress(doc)
    # The HTTP framing is complete; the gzip stream inside it is not.
    server.set("/gz.xml", z[:len(z) // 2], content_type="application/rss+xml",
               headers={"Content-Encoding": "gzip"})
    work.write_config({"truncated-gzip": server.url("/gz.xml"),
                       "plain-rss": serve_plain(server)})
    res = work.once()
    assert_exactly_once(work, PLAIN)
    assert res.rc == 1, res
    error_line(res, "truncated-gzip")

    server.set("/gz.xml", z, content_type="application/rss+xml",
               headers={"Content-Encoding": "gzip"})
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, PLAIN + titles("gz", 30))


def gzip_bomb(decoded, layers=1):
    """A feed padded with `decoded` spaces, gzipped `layers` times.  It is
    compressed in pieces so that this process never holds the big form:
    a child's ru_maxrss starts from its parent's high-water mark."""
    def gz(pieces):
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        out = [z.compress(p) for p in pieces]
        out.append(z.flush())
        return b"".join(out)
    head = make_feed("bomb", 3)[:-len(b"</channel>\n</rss>\n")]
    pad = b" " * MB
    body = gz([head] + [pad] * (decoded // MB) + [b"</channel>\n</rss>\n"])
    for _ in range(layers - 1):
        body = gz([body])
    return body


def test_N10_N11_body_cap(server, work):
    chunked = raw_endless_chunked(100 * 1000 * 1000)
    server.set("/chunked.xml", raw=chunked)
    server.set("/length.xml", raw=raw_truncated_length(b"<rss>", 100 * 1000 * 1000))
    bomb = gzip_bomb(50 * MB)
    assert len(bomb) < 100 * 1024
    server.set("/bomb.xml", bomb, content_type="application/rss+xml",
               headers={"Content-Encoding": "gzip"})
    server.set("/bomb2.xml", gzip_bomb(50 * MB, layers=2),
               content_type="application/rss+xml",
               headers={"Content-Encoding": "gzip, gzip"})
    work.write_config({"huge-chunked": server.url("/chunked.xml"),
                       "huge-length": server.url("/length.xml"),
                       "gzip-bomb": server.url("/bomb.xml"),
                       "gzip-gzip-bomb": server.url("/bomb2.xml"),
                       "plain-rss": serve_plain(server)},
                      max_body=1000000)
    # wait4() reports max(our high-water mark, the child's), and earlier
    # tests may have grown ours: /usr/bin/time, small, measures the binary.
    rss_file = work.path / "maxrss.txt"
    res = run_process(["/usr/bin/time", "-f", "%M", "-o", str(rss_file),
                       work.binary, "-c", str(work.config), "--once"],
                      timeout=30, cwd=str(work.path))
    assert not res.timed_out, res
    assert res.rc == 1, res
    for name in ("huge-chunked", "huge-length", "gzip-bomb", "gzip-gzip-bomb"):
        error_line(res, name, r"exceed|too (big|large)|maximum")
    maxrss_kb = int(rss_file.read_text().split()[-1])
    assert maxrss_kb < rss_limit_kb(100), (maxrss_kb, res)
    assert res.elapsed < 10, res
    # The download stopped at the cap instead of draining 100 MB.
    assert chunked.state["sent"] < 50 * 1000 * 1000, chunked.state
    assert_exactly_once(work, PLAIN)


def test_N01_trickle(server, work):
    server.set("/trickle.xml", raw=raw_trickle(server, interval=1.0))
    work.write_config({"trickle": server.url("/trickle.xml"),
                       "plain-rss": serve_plain(server)}, timeout="3s")
    res = work.once(timeout=30)
    assert not res.timed_out, res
    assert res.rc == 1, res
    error_line(res, "trickle", r"time")
    assert 2.5 <= res.elapsed < 8, res
    assert_exactly_once(work, PLAIN)


def test_N02_silent(server, work):
    server.set("/silent.xml", raw=raw_silent(server))
    # Headers, then nothing: the body never starts.
    server.set("/idle.xml", raw=raw_trickle(server, interval=60.0))
    work.write_config({"silent": server.url("/silent.xml"),
                       "headers-then-idle": server.url("/idle.xml"),
                       "plain-rss": serve_plain(server)}, timeout="3s")
    res = work.once(timeout=30)
    assert not res.timed_out, res
    assert res.rc == 1, res
    error_line(res, "silent", r"time")
    error_line(res, "headers-then-idle", r"time")
    assert 2.5 <= res.elapsed < 8, res
    assert_exactly_once(work, PLAIN)


def redirect(server, path, location):
    server.set(path, b"moved\n", status=302, content_type="text/plain",
               headers={"Location": location})


def test_N04_redirects(server, work):
    redirect(server, "/loop/a", server.url("/loop/b"))
    redirect(server, "/loop/b", server.url("/loop/a"))
    for i in range(20):
        redirect(server, "/chain/%d" % i, server.url("/chain/%d" % (i + 1)))
    # The end of the chain is a real feed: following 20 hops would deliver.
    server.set("/chain/20", make_feed("chain", 2), content_type="application/rss+xml")
    # A short chain through relative and protocol-relative Locations works.
    redirect(server, "/rel/a", "b")
    redirect(server, "/rel/b", "//127.0.0.1:%d/rel/feed.xml" % server.port)
    server.set("/rel/feed.xml", make_feed("rel", 2), content_type="application/rss+xml")
    work.write_config({"loop": server.url("/loop/a"),
                       "chain": server.url("/chain/0"),
                       "relative": server.url("/rel/a"),
                       "plain-rss": serve_plain(server)})
    res = work.once()
    assert res.rc == 1, res
    error_line(res, "loop", r"redirect")
    error_line(res, "chain", r"redirect")
    assert not [l for l in res.stderr.splitlines() if "relative" in l], res
    assert server.requests_for("/chain/20") == []
    assert len(server.hits("/chain/")) <= 6
    assert len(server.hits("/loop/")) <= 6
    assert [r.path for r in server.hits("/rel/")] == ["/rel/a", "/rel/b", "/rel/feed.xml"]
    assert_exactly_once(work, PLAIN + titles("rel", 2))


def test_N05_redirect_scheme(server, work, tmp_path):
    # A local feed file: following the redirect would deliver its items.
    canary = tmp_path / "canary.xml"
    canary.write_bytes(make_feed("canary", 2))
    redirect(server, "/to-file", "file://%s" % canary)
    redirect(server, "/to-passwd", "file:///etc/passwd")
    redirect(server, "/to-ftp", "ftp://127.0.0.1:%d/feed.xml" % server.port)
    redirect(server, "/to-gopher", "gopher://127.0.0.1:%d/feed.xml" % server.port)
    redirect(server, "/to-dict", "dict://127.0.0.1:%d/d:feed" % server.port)
    feeds = {"to-file": server.url("/to-file"),
             "to-passwd": server.url("/to-passwd"),
             "to-ftp": server.url("/to-ftp"),
             "to-gopher": server.url("/to-gopher"),
             "to-dict": server.url("/to-dict"),
             "plain-rss": serve_plain(server)}
    work.write_config(feeds)
    before = canary.stat().st_atime_ns
    res = work.once()
    assert res.rc == 1, res
    for name in feeds:
        if name != "plain-rss":
            error_line(res, name, r"protocol|scheme|redirect|not (allowed|supported)")
    assert_exactly_once(work, PLAIN)
    # Only the redirecting requests reached the server, nothing came back.
    assert {r.path for r in server.requests} == {"/rss.xml", "/to-file", "/to-passwd",
                                                 "/to-ftp", "/to-gopher", "/to-dict"}
    seen = res.stdout + res.stderr + work.output.read_text()
    assert "root:" not in seen
    assert canary.stat().st_atime_ns == before


def test_N07_unresolvable(server, work):
    work.write_config({"nowhere": "http://does-not-exist.invalid/feed.xml",
                       "plain-rss": serve_plain(server)}, timeout="3s")
    res = work.once()
    assert res.rc == 1, res
    assert len(res.stderr.strip().splitlines()) == 1, res
    error_line(res, "nowhere", r"resolve")
    assert res.elapsed < 8, res
    assert_exactly_once(work, PLAIN)


def test_N12_header_injection(server, work):
    doc = make_feed("etag", 2)
    server.set("/evil.xml", doc, content_type="application/rss+xml",
               etag='"v1"\rX-Evil: 1',
               headers={"Last-Modified": "Sat, 01 Nov 2025 10:00:00 GMT\rX-Evil-2: 1"})
    work.write_config({"evil-etag": server.url("/evil.xml"),
                       "plain-rss": serve_plain(server)})
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, PLAIN + titles("etag", 2))

    server.clear_log()
    res = work.once()
    assert res.rc == 0, res
    reqs = server.requests_for("/evil.xml")
    assert len(reqs) == 1, reqs
    h = reqs[0].headers
    assert "x-evil" not in h and "x-evil-2" not in h, h
    assert not any("\r" in v or "\n" in v or "X-Evil" in v for v in h.values()), h
    assert_exactly_once(work, PLAIN + titles("etag", 2))

    # A 1 MB header line: that feed fails, the other is still fetched.
    server.set("/bighdr.xml", make_feed("bighdr", 1), content_type="application/rss+xml",
               headers={"X-Big": "a" * MB})
    work.write_config({"big-header": server.url("/bighdr.xml"),
                       "plain-rss": serve_plain(server)})
    res = work.once()
    assert res.rc == 1, res
    error_line(res, "big-header")
    assert_exactly_once(work, PLAIN + titles("etag", 2))


# --- S: the state store -----------------------------------------------------

def test_S06_errors_keep_seen_state(server, work):
    original = make_feed("flaky", 3)
    # No validators: the original's return must be parsed, not a 304.
    server.set("/flaky.xml", original, content_type="application/rss+xml", validators=False)
    work.write_config({"flaky": server.url("/flaky.xml"),
                       "plain-rss": serve_plain(server)})
    res = work.once()
    assert res.rc == 0, res
    expected = PLAIN + titles("flaky", 3)
    assert_exactly_once(work, expected)
    names = {p.name for p in work.message_files()}

    server.set("/flaky.xml", b"oops\n", status=500, content_type="text/plain")
    res = work.once()
    assert res.rc == 1, res
    error_line(res, "flaky", r"500")
    for broken in (b'<?xml version="1.0"?>\n<rss/>\n',
                   b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</ti'
                   b'<<<>>> &&& </rss>'):
        server.set("/flaky.xml", broken, content_type="application/rss+xml",
                   validators=False)
        res = work.once()
        assert res.rc in (0, 1), res
        assert {p.name for p in work.message_files()} == names

    server.set("/flaky.xml", original, content_type="application/rss+xml", validators=False)
    server.clear_log()
    res = work.once()
    assert res.rc == 0, res
    assert [r.status for r in server.requests_for("/flaky.xml")] == [200]
    assert {p.name for p in work.message_files()} == names
    assert_exactly_once(work, expected)
    assert res.stdout.startswith("aggregator: 0 new entries"), res


@pytest.mark.parametrize("damage", ["random", "header", "truncated"])
def test_S03_corrupt_state(server, work, damage):
    work.write_config({"plain-rss": serve_plain(server)})
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, PLAIN)

    db = work.path / "state.db"
    for suffix in ("-wal", "-shm"):
        (work.path / ("state.db" + suffix)).unlink(missing_ok=True)
    data = db.read_bytes()
    assert len(data) >= 8192
    if damage == "random":
        data = os.urandom(len(data))
    elif damage == "header":
        data = os.urandom(100) + data[100:]
    else:
        data = data[:len(data) // 2]
    db.write_bytes(data)
    inode = db.stat().st_ino
    # Something new to deliver: a run that reset the state would deliver
    # the old items again too.
    server.set("/rss.xml", fixture_bytes("plain-rss2.xml").replace(b"</channel>", NEW_ITEM),
               content_type="application/rss+xml")

    server.clear_log()
    res = work.once()
    assert res.rc == 3, res
    assert "state" in res.stderr.lower(), res
    assert len(res.stderr.strip().splitlines()) == 1, res
    assert db.read_bytes() == data
    assert db.stat().st_ino == inode
    assert_exactly_once(work, PLAIN)
    # It refused to start: no feed was even fetched.
    assert server.requests == []


# --- D: the spool -----------------------------------------------------------

@pytest.mark.parametrize("layout", ["new-is-file", "under-file", "read-only-mount"])
def test_D10_unwritable_spool(server, work, layout):
    work.write_config({"plain-rss": serve_plain(server)})
    mounted = False
    if layout == "new-is-file":
        for sub in ("tmp", "cur"):
            (work.spool / sub).mkdir(parents=True)
        (work.spool / "new").write_text("not a folder\n")
    elif layout == "under-file":
        (work.path / "blocker").write_text("a file, not a folder\n")
        work.write_config({"plain-rss": serve_plain(server)}, spool="blocker/spool")
    else:
        for sub in ("tmp", "new", "cur"):
            (work.spool / sub).mkdir(parents=True)
        if subprocess.run(["mount", "--bind", str(work.spool), str(work.spool)],
                          capture_output=True).returncode != 0:
            pytest.skip("cannot bind-mount (not root?)")
        mounted = True
    try:
        if mounted:
            r = subprocess.run(["mount", "-o", "remount,ro,bind", str(work.spool)],
                               capture_output=True)
            if r.returncode != 0:
                pytest.skip("cannot remount read-only")
        res = work.once()
        assert res.rc == 3, res
        assert re.search(r"spool|maildir|deliver", res.stderr, re.I), res
        assert len(res.stderr.strip().splitlines()) <= 2, res
    finally:
        if mounted:
            subprocess.run(["umount", str(work.spool)], check=True)

    # Repair the spool: nothing was marked delivered, so all of it comes now.
    if layout == "new-is-file":
        (work.spool / "new").unlink()
    elif layout == "under-file":
        (work.path / "blocker").unlink()
        work.write_config({"plain-rss": serve_plain(server)})
    assert work.message_files() == []
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, PLAIN)


def test_D08_disk_full(server, work):
    work.spool.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(work.spool)],
                       capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs: %s" % r.stderr.decode().strip())
    try:
        for sub in ("tmp", "new", "cur"):
            (work.spool / sub).mkdir()
        filler = work.spool / "filler"
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"x" * 4096)
            except OSError as e:
                assert e.errno == errno.ENOSPC
        server.set("/other.xml", make_feed("other", 3), content_type="application/rss+xml")
        work.write_config({"plain-rss": serve_plain(server),
                           "other": server.url("/other.xml")})
        res = work.once()
        assert res.rc == 3, res
        assert re.search(r"space|ENOSPC|full", res.stderr, re.I), res
        assert all(len(l) < 1000 for l in res.stderr.splitlines()), res
        assert list((work.spool / "new").iterdir()) == []
        assert list((work.spool / "tmp").iterdir()) == []

        filler.unlink()
        res = work.once()
        assert res.rc == 0, res
        assert_exactly_once(work, PLAIN + titles("other", 3))
        res = work.once()
        assert res.rc == 0, res
        assert_exactly_once(work, PLAIN + titles("other", 3))
    finally:
        subprocess.run(["umount", "-l", str(work.spool)])


def test_D09_file_size_limit(server, work):
    work.write_config({"plain-rss": serve_plain(server)})
    res = work.once()
    assert res.rc == 0, res
    # One entry of 300 KB against RLIMIT_FSIZE of 100 KB: writes fail with
    # EFBIG, unless SIGXFSZ kills the process first.
    doc = make_feed("big", 1).replace(b"Item 0 of big.", b"x" * 300000)
    server.set("/big.xml", doc, content_type="application/rss+xml")
    work.write_config({"plain-rss": serve_plain(server), "big": server.url("/big.xml")})
    if shutil.which("prlimit") is None:
        pytest.skip("prlimit not installed")
    res = run_process(["prlimit", "--fsize=100000", work.binary, "-c", str(work.config),
                       "--once"], cwd=str(work.path))
    assert res.rc == 3, res
    error_line(res, "big")
    assert_exactly_once(work, PLAIN)
    db = sqlite3.connect(str(work.path / "state.db"))
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()

    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, PLAIN + titles("big", 1))
