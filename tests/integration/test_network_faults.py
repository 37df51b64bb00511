"""
Broken HTTP servers against --once (catalogue rows N01-N12,
../shared/RELIABILITY.md section 8): bodies cut short (also inside a
complete gzip response), endless or huge bodies and gzip bombs, trickling
and silent servers, redirect loops, long chains and redirects to other
schemes, an unresolvable host, and validators that try to inject request
headers.  A failing feed costs only itself: exit 1, one stderr line naming
it, the other feeds delivered, and nothing from a partial or rejected body
delivered or marked seen.  N06 (an SSRF guard) is left out by design: SPEC
trusts the config's URLs, "a feed may live on a loopback or private
address".  TLS (N08) is test_tls.py, many feeds at once (N14)
test_scale.py.
"""

import gzip
import random
import re
import socket
import threading
import time
import zlib

import pytest

from conftest import rss_limit_kb, run_process
from daemonproc import Daemon
from feedserver import (raw_cut_unnoticed, raw_endless_chunked, raw_reset_when_reused,
                        raw_silent, raw_trickle, raw_truncated_chunked,
                        raw_truncated_length)
from helpers import MB, PLAIN, assert_exactly_once, error_line, make_feed, serve_plain, titles


def test_truncated_body_is_not_parsed_N09(server, work):
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


def test_entry_cut_short_is_delivered_once_whole_N09(server, work):
    # Bodies that end inside an item where curl cannot tell: a
    # Content-Length shorter than the document, and a body ended by
    # closing the connection.  The half item ("length item 1" cut to
    # "length it", no link) is not delivered; the next poll fetches the
    # whole document (no If-None-Match, though the cut response carried
    # an ETag) and delivers it once.
    docs, etag = {}, '"whole-document"'
    for name in ("length", "close"):
        doc = make_feed(name, 3)
        cut = doc.index(b"%s item 1</title>" % name.encode()) + len(name) + 3
        docs[name] = doc
        server.set("/%s.xml" % name, raw=raw_cut_unnoticed(
            doc[:cut], name == "length", headers=[("ETag", etag)]))
    work.write_config({"cut-length": server.url("/length.xml"),
                       "cut-close": server.url("/close.xml"),
                       "plain-rss": serve_plain(server)})
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, PLAIN + titles("length", 1) + titles("close", 1))
    for name in ("cut-length", "cut-close"):
        error_line(res, name, r"cut short: 1 entry left for a later poll")

    for name, doc in docs.items():
        server.set("/%s.xml" % name, doc, content_type="application/rss+xml",
                   etag=etag)
    res = work.once()
    assert res.rc == 0, res
    assert res.stderr.strip() == "", res
    for name in docs:
        assert "if-none-match" not in server.requests_for("/%s.xml" % name)[-1].headers
    assert_exactly_once(work, PLAIN + titles("length", 3) + titles("close", 3))


def test_kept_alive_connection_reset_on_reuse_is_retried(server, work):
    # One connection to the host at a time: the second feed's request goes
    # out on the connection the first one kept alive, and the server resets
    # it, as a server does that closes an idle connection just then.  The
    # request is sent again on a new connection, as curl does when a reused
    # connection dies before any answer; nothing fails.
    reset = raw_reset_when_reused(make_feed("second", 2))
    server.set("/first.xml", make_feed("first", 2), content_type="application/rss+xml")
    server.set("/second.xml", raw=reset)
    work.write_config({"first": server.url("/first.xml"),
                       "second": server.url("/second.xml")}, max_per_host=1)
    res = work.once()
    assert reset.resets == 1, "the second request did not reuse the connection"
    assert res.rc == 0, res
    assert res.stderr.strip() == "", res
    assert_exactly_once(work, titles("first", 2) + titles("second", 2))


def test_truncated_gzip_stream_is_refused_N09(server, work):
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


def test_body_cap_stops_huge_bodies_and_gzip_bombs_N10_N11(server, work):
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


def test_trickling_body_times_out_N01(server, work):
    server.set("/trickle.xml", raw=raw_trickle(server, interval=1.0))
    work.write_config({"trickle": server.url("/trickle.xml"),
                       "plain-rss": serve_plain(server)}, timeout="3s")
    res = work.once(timeout=30)
    assert not res.timed_out, res
    assert res.rc == 1, res
    error_line(res, "trickle", r"time")
    assert 2.5 <= res.elapsed < 8, res
    assert_exactly_once(work, PLAIN)


def test_silent_server_times_out_N02(server, work):
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


def test_redirect_loops_and_long_chains_are_cut_N04(server, work):
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


def test_redirect_to_another_scheme_is_refused_N05(server, work, tmp_path):
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


def test_unresolvable_host_fails_alone_N07(server, work):
    work.write_config({"nowhere": "http://does-not-exist.invalid/feed.xml",
                       "plain-rss": serve_plain(server)}, timeout="3s")
    res = work.once()
    assert res.rc == 1, res
    assert len(res.stderr.strip().splitlines()) == 1, res
    error_line(res, "nowhere", r"resolve")
    assert res.elapsed < 8, res
    assert_exactly_once(work, PLAIN)


class DeadDNS:
    """A name server on a loopback address of its own that reads every
    query and answers none, and a resolv.conf naming it (glibc gives up
    after `timeout` seconds).  The binary sees it through a private mount
    namespace; the machine's /etc/resolv.conf is not touched."""

    def __init__(self, tmp_path, timeout=4):
        self.queries = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(20):
            self.addr = "127.%d.%d.%d" % (random.randrange(1, 255), random.randrange(0, 255),
                                          random.randrange(2, 255))
            try:
                self.sock.bind((self.addr, 53))
                break
            except OSError:
                continue
        else:
            pytest.skip("cannot bind a UDP socket on port 53")
        self.sock.settimeout(0.2)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._swallow, daemon=True)
        self.thread.start()
        self.resolv = tmp_path / "resolv.conf"
        self.resolv.write_text("nameserver %s\noptions timeout:%d attempts:1\n"
                               % (self.addr, timeout))
        script = 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"'
        self.wrap = ["unshare", "-m", "sh", "-c", script, "sh", str(self.resolv)]

    def _swallow(self):
        while not self.stopping.is_set():
            try:
                self.sock.recvfrom(4096)
                self.queries += 1
            except socket.timeout:
                continue

    def close(self):
        self.stopping.set()
        self.thread.join()
        self.sock.close()


def test_dead_dns_server_stalls_only_its_feed_N07(server, work, tmp_path):
    # A feed whose name server never answers times out while curl's
    # resolver thread still waits in getaddrinfo.  The loop must not wait
    # for that thread: the other feed keeps its 1 s interval (the loop used
    # to stop for the rest of the resolver's 4 s at every such timeout),
    # and SIGTERM is answered at once.
    server.set("/good.xml", make_feed("good", 1))
    dns = DeadDNS(tmp_path)
    try:
        work.write_config({"good": {"url": server.url("/good.xml"), "interval": "1s"},
                           "dead": {"url": "http://feed.dead-dns.test/rss.xml",
                                    "interval": "1s"}}, timeout="1s")
        with Daemon(work, wrap=dns.wrap) as d:
            if not d.wait_log("polling 2 feeds", timeout=5):
                if re.search(r"mount|unshare", d.log()):
                    pytest.skip("no private mount namespace: %s" % d.log().strip())
                assert False, d.log()
            # Three timeouts of the dead feed (backoff 1, 2 s) in 7 s.
            time.sleep(7)
            assert dns.queries > 0, d.log()
            assert d.log().count("feed dead: fetch: Resolving timed out") >= 2, d.log()
            stopped = time.monotonic()
            assert d.stop() == 0, d.log()
            stop_took = time.monotonic() - stopped
    finally:
        dns.close()
    times = [r.at for r in server.requests_for("/good.xml")]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(times) >= 5, (times, d.log())
    assert max(gaps) < 2.5, gaps
    assert stop_took < 2.5, stop_took


def test_validators_cannot_inject_request_headers_N12(server, work):
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


def test_huge_response_headers_are_named_as_such(server, work):
    """A 10 MB header line (curl gives up at 100 KB and calls it "Out of
    memory") and 400 KB of headers in all are each one line naming
    oversized headers; the other feed is delivered."""
    body = make_feed("hdr", 1)
    server.set("/line.xml", body, headers={"X-Big": "a" * (10 * MB)})
    server.set("/many.xml", body, headers={"X-H%d" % i: "b" * 50000 for i in range(8)})
    work.write_config({"huge-line": server.url("/line.xml"),
                       "many-headers": server.url("/many.xml"),
                       "plain-rss": serve_plain(server)})
    res = work.once(timeout=30)
    assert res.rc == 1, res
    line = error_line(res, "huge-line", r"response header too large")
    assert "memory" not in line.lower(), line
    error_line(res, "many-headers", r"too large response headers")
    assert_exactly_once(work, PLAIN)
