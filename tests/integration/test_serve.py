"""
[serve]: the daemon serves the merged feed over HTTP from its own loop
(libmicrohttpd).  Clients are Python's http.client, curl and feedparser:
strong ETags and Last-Modified with 304s, gzip when asked, HEAD, 404 and
405, the token on every route but the feeds, a feed that follows each
merge, and abusive clients (huge headers, slow and idle connections)
that leave the daemon serving and polling.
"""

import gzip
import http.client
import os
import re
import socket
import subprocess
import time

import feedparser

from daemonproc import Daemon
from dovecot import free_port
from helpers import numbered_items, rss_feed, titles

TOKEN = "s3cret-tøken"


def serving(server, work, n=3, **serve):
    """A config serving on a free port, its merged feed written by --once."""
    port = free_port()
    server.set("/a.xml", rss_feed("A", numbered_items("a", n)))
    work.write_config({"a": server.url("/a.xml")}, interval="1h")
    res = work.once()
    assert res.rc == 0, res
    settings = {"listen": "127.0.0.1:%d" % port}
    settings.update(serve)
    with open(work.config, "a", encoding="utf-8") as f:
        f.write("\n[serve]\n" + "".join("%s = %s\n" % kv for kv in settings.items()))
    return port


def request(port, method, path, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r, body


def started(work):
    d = Daemon(work)
    assert d.wait_log("serving on"), d.log()
    return d


def test_merged_feed_with_validators_gzip_and_head(server, work):
    port = serving(server, work, base_url="http://news.example/agg/")
    d = started(work)
    try:
        on_disk = (work.path / "merged.atom").read_bytes()
        r, body = request(port, "GET", "/feed.atom")
        assert r.status == 200 and body == on_disk
        assert r.getheader("Content-Type") == "application/atom+xml; charset=utf-8"
        etag, modified = r.getheader("ETag"), r.getheader("Last-Modified")
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag), etag
        assert modified.endswith(" GMT")
        parsed = feedparser.parse(body)
        assert parsed.bozo == 0
        assert sorted(e.title for e in parsed.entries) == sorted(titles("a", 3))

        r, body = request(port, "GET", "/feed.atom", {"If-None-Match": etag})
        assert r.status == 304 and body == b"" and r.getheader("ETag") == etag
        r, body = request(port, "GET", "/feed.atom", {"If-None-Match": '"other", ' + etag})
        assert r.status == 304
        r, body = request(port, "GET", "/feed.atom", {"If-Modified-Since": modified})
        assert r.status == 304
        r, body = request(port, "GET", "/feed.atom", {"If-None-Match": '"other"'})
        assert r.status == 200 and body == on_disk

        r, zipped = request(port, "GET", "/feed.atom", {"Accept-Encoding": "br, gzip"})
        assert r.status == 200 and r.getheader("Content-Encoding") == "gzip"
        assert gzip.decompress(zipped) == on_disk and len(zipped) < len(on_disk)
        assert r.getheader("Vary") == "Accept-Encoding"
        gz_etag = r.getheader("ETag")
        assert gz_etag != etag
        r, body = request(port, "GET", "/feed.atom",
                          {"Accept-Encoding": "gzip", "If-None-Match": gz_etag})
        assert r.status == 304
        r, body = request(port, "GET", "/feed.atom", {"Accept-Encoding": "gzip;q=0"})
        assert r.getheader("Content-Encoding") is None and body == on_disk

        r, body = request(port, "HEAD", "/feed.atom")
        assert r.status == 200 and body == b""
        assert r.getheader("Content-Length") == str(len(on_disk))
        assert r.getheader("ETag") == etag

        # curl, keeping one connection for two requests.
        out = subprocess.run(["curl", "-sf", "--compressed", "-o", "/dev/null", "-o", "-",
                              "-w", "%{num_connects}",
                              "http://127.0.0.1:%d/feed.atom" % port,
                              "http://127.0.0.1:%d/feed.atom" % port],
                             capture_output=True, timeout=20)
        assert out.returncode == 0, out.stderr
        # -w writes each transfer's connects: 1, then 0 on the kept one.
        assert out.stdout == b"1" + on_disk + b"0", out.stdout[:40]
    finally:
        assert d.stop() == 0, d.log()


def test_routes_methods_and_token(server, work):
    port = serving(server, work, token=TOKEN)
    d = started(work)
    try:
        for path in ("/nope", "/feed.atom/", "/../etc/passwd", "/index.html",
                     "/%2e%2e/etc/passwd", "/feed.atom%00", "//feed.atom"):
            r, body = request(port, "GET", path)
            assert r.status == 404, (path, r.status)
            assert b"root:" not in body
        for method in ("POST", "PUT", "DELETE", "OPTIONS"):
            r, body = request(port, method, "/feed.atom")
            assert r.status == 405 and r.getheader("Allow") == "GET, HEAD", method
        for path in ("/healthz", "/", "/metrics", "/status.json", "/feeds.opml",
                     "/healthz?token=wrong"):
            r, body = request(port, "GET", path)
            assert r.status == 401, path
        r, body = request(port, "GET", "/healthz")
        assert r.status == 401 and r.getheader("WWW-Authenticate").startswith("Bearer")
        r, body = request(port, "GET", "/healthz", {"Authorization": "Bearer wrong"})
        assert r.status == 401
        r, body = request(port, "GET", "/healthz",
                          {"Authorization": b"Bearer " + TOKEN.encode()})
        assert r.status == 200 and body == b"ok\n"
        # The feeds need no token: readers seldom send one.
        r, body = request(port, "GET", "/feed.atom")
        assert r.status == 200
    finally:
        assert d.stop() == 0, d.log()


def test_served_feed_follows_each_merge(server, work):
    port = serving(server, work, n=2, base_url="https://news.example/agg")
    with open(work.config, encoding="utf-8") as f:
        text = f.read()
    with open(work.config, "w", encoding="utf-8") as f:
        f.write(text.replace("interval = 1h", "interval = 1s"))
    d = started(work)
    try:
        r, first = request(port, "GET", "/feed.atom")
        etag = r.getheader("ETag")
        server.set("/a.xml", rss_feed("A", numbered_items("a", 3)))

        def changed():
            r, body = request(port, "GET", "/feed.atom", {"If-None-Match": etag})
            return body if r.status == 200 else None
        body = d.wait_for(changed, timeout=15)
        assert body, d.log()
        parsed = feedparser.parse(body)
        assert parsed.bozo == 0
        assert "a item 2" in [e.title for e in parsed.entries]
        assert body == (work.path / "merged.atom").read_bytes()
        assert parsed.feed.links[0].href == "https://news.example/agg/feed.atom"
    finally:
        assert d.stop() == 0, d.log()


def test_abusive_clients_leave_it_serving_and_polling(server, work):
    port = serving(server, work, max_clients=8)
    d = started(work)
    idle = []
    try:
        # Idle and half-sent requests take connections and nothing more.
        for i in range(12):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if i % 2:
                s.sendall(b"GET /feed.atom HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            idle.append(s)
        for s in idle:
            s.close()
        idle = []
        # A header block over the limit is refused, whole.
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /feed.atom HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 +
                  b"\r\n\r\n")
        reply = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        s.close()
        assert not reply.startswith(b"HTTP/1.1 200"), reply[:100]
        # Pipelined requests are answered in order on one connection.
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"HEAD /feed.atom HTTP/1.1\r\nHost: x\r\n\r\n")
        got = b""
        deadline = time.monotonic() + 10
        while got.count(b"HTTP/1.1 ") < 2 and time.monotonic() < deadline:
            got += s.recv(65536)
        s.close()
        assert re.findall(rb"HTTP/1.1 (\d+)", got) == [b"404", b"200"], got
        r, body = request(port, "GET", "/feed.atom")
        assert r.status == 200
        # And it still polls: a reload adds a feed, which is delivered.
        server.set("/b.xml", rss_feed("B", numbered_items("b", 1)))
        with open(work.config, "a", encoding="utf-8") as f:
            f.write("\n[feed.b]\nurl = %s\ninterval = 1s\n" % server.url("/b.xml"))
        d.send(1)
        assert d.wait_for(lambda: any(b"b item 0" in p.read_bytes()
                                      for p in work.message_files()), timeout=15), d.log()
    finally:
        for s in idle:
            s.close()
        assert d.stop() == 0, d.log()


def test_unix_socket(server, work, tmp_path):
    path = tmp_path / "http.sock"
    serving(server, work)
    with open(work.config, encoding="utf-8") as f:
        text = f.read()
    with open(work.config, "w", encoding="utf-8") as f:
        f.write(re.sub(r"listen = .*", "listen = unix:%s" % path, text))
    d = started(work)
    try:
        out = subprocess.run(["curl", "-sf", "--unix-socket", str(path),
                              "http://localhost/feed.atom"], capture_output=True, timeout=20)
        assert out.returncode == 0 and out.stdout == (work.path / "merged.atom").read_bytes()
    finally:
        assert d.stop() == 0, d.log()
    assert not path.exists()


def test_listen_errors_stop_the_daemon_with_one_line(server, work):
    port = serving(server, work)
    taken = socket.socket()
    taken.bind(("127.0.0.1", port))
    taken.listen(1)
    try:
        d = Daemon(work, args=())
        rc = d.proc.wait(timeout=20)
        d.log_file.close()
        assert rc == 3, d.log()
        lines = d.log().strip().splitlines()
        assert len(lines) == 1 and "serve: cannot listen on 127.0.0.1:%d" % port in lines[0], lines
    finally:
        taken.close()
    with open(work.config, encoding="utf-8") as f:
        text = f.read()
    for bad in ("localhost", "127.0.0.1:99999", "[::1]8080", "1.2.3:80"):
        with open(work.config, "w", encoding="utf-8") as f:
            f.write(re.sub(r"listen = .*", "listen = %s" % bad, text))
        d = Daemon(work, args=())
        rc = d.proc.wait(timeout=20)
        d.log_file.close()
        assert rc == 3 and "bad listen address" in d.log(), (bad, d.log())


def test_metrics_and_status(server, work):
    from prometheus_client.parser import text_string_to_metric_families
    port = serving(server, work, token=TOKEN)
    server.set("/gone.xml", b"no", status=404, content_type="text/plain")
    with open(work.config, encoding="utf-8") as f:
        text = f.read()
    with open(work.config, "w", encoding="utf-8") as f:
        f.write(text.replace("interval = 1h", "interval = 1s") +
                "\n[feed.broken]\nurl = %s\n" % server.url("/gone.xml").replace(
                    "http://", "http://user:pw@"))
    server.set("/a.xml", rss_feed("A", numbered_items("a", 5)))
    d = started(work)
    auth = {"Authorization": b"Bearer " + TOKEN.encode()}
    try:
        r, body = request(port, "GET", "/metrics")
        assert r.status == 401

        def families():
            r, body = request(port, "GET", "/metrics", auth)
            assert r.status == 200
            assert r.getheader("Content-Type").startswith("text/plain; version=0.0.4")
            return {f.name: f for f in text_string_to_metric_families(body.decode())}

        def value(fams, name, **labels):
            for fam in fams.values():
                for s in fam.samples:
                    if s.name == name and all(s.labels.get(k) == v
                                              for k, v in labels.items()):
                        return s.value
            return None

        def polled():
            fams = families()
            return (value(fams, "aggregator_entries_delivered_total") or 0) >= 2 and \
                (value(fams, "aggregator_poll_failures_total", stage="fetch") or 0) >= 1 \
                and fams
        fams = d.wait_for(polled, timeout=20)
        assert fams, d.log()
        assert fams["aggregator_polls"].type == "counter"
        assert value(fams, "aggregator_polls_total") >= 2
        assert value(fams, "aggregator_feeds") == 2
        assert value(fams, "aggregator_fetched_bytes_total") > 0
        assert fams["aggregator_commit_seconds"].type == "histogram"
        assert value(fams, "aggregator_commit_seconds_count") >= 1
        assert value(fams, "aggregator_commit_seconds_bucket", le="+Inf") == \
            value(fams, "aggregator_commit_seconds_count")

        r, body = request(port, "GET", "/status.json", auth)
        assert r.status == 200 and r.getheader("Content-Type") == "application/json"
        import json
        status = json.loads(body)
        feeds = {f["name"]: f for f in status["feeds"]}
        assert set(feeds) == {"a", "broken"}
        assert "pw" not in body.decode() and "***" in feeds["broken"]["url"]
        if feeds["broken"]["state"] not in ("working", "pages"):
            assert feeds["broken"]["failures"] >= 1
            assert "404" in feeds["broken"]["last_error"]
    finally:
        assert d.stop() == 0, d.log()


def test_stories_feed_and_subscriptions(server, work):
    import xml.etree.ElementTree as ET
    port = serving(server, work, token=TOKEN, base_url="https://news.example/agg")
    d = started(work)
    auth = {"Authorization": b"Bearer " + TOKEN.encode()}
    try:
        def stories():
            r, body = request(port, "GET", "/stories.atom")
            return body if r.status == 200 else None
        body = d.wait_for(stories, timeout=10)
        assert body, d.log()
        parsed = feedparser.parse(body)
        assert parsed.bozo == 0
        assert parsed.feed.id.endswith("#stories")
        assert parsed.feed.links[0].href == "https://news.example/agg/stories.atom"
        assert sorted(e.title for e in parsed.entries) == sorted(titles("a", 3))
        r, merged = request(port, "GET", "/feed.atom")
        assert feedparser.parse(merged).feed.id + "#stories" == parsed.feed.id

        r, body = request(port, "GET", "/feeds.opml")
        assert r.status == 401
        r, body = request(port, "GET", "/feeds.opml", auth)
        assert r.status == 200 and r.getheader("Content-Type").startswith("text/x-opml")
        urls = [o.get("xmlUrl") for o in ET.fromstring(body).iter("outline")]
        assert urls == [server.url("/a.xml")]
        # A reload's feeds are the list's.
        with open(work.config, "a", encoding="utf-8") as f:
            f.write("\n[feed.b]\nurl = %s\nfolder = News/Korea\n" % server.url("/b.xml"))
        d.send(1)
        assert d.wait_log("reload: 1 added"), d.log()
        r, body = request(port, "GET", "/feeds.opml", auth)
        root = ET.fromstring(body)
        assert sorted(o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")) == \
            sorted([server.url("/a.xml"), server.url("/b.xml")])
        assert [o.get("text") for o in root.iter("outline") if not o.get("xmlUrl")] == \
            ["News", "Korea"]
    finally:
        assert d.stop() == 0, d.log()


def test_newsboat_reads_the_served_feed(server, work, tmp_path):
    import shutil
    import sqlite3
    assert shutil.which("newsboat"), "newsboat is not installed: make deps-test installs it"
    port = serving(server, work, n=4)
    d = started(work)
    try:
        urls = tmp_path / "urls"
        urls.write_text("http://127.0.0.1:%d/feed.atom\n" % port)
        cache = tmp_path / "cache.db"
        env = dict(os.environ, HOME=str(tmp_path))
        out = subprocess.run(["newsboat", "-u", str(urls), "-c", str(cache), "-C", "/dev/null",
                              "-x", "reload", "print-unread"],
                             capture_output=True, timeout=60, env=env)
        assert out.returncode == 0, out.stderr
        assert out.stdout.decode().startswith("4 unread"), out.stdout
        db = sqlite3.connect(str(cache))
        got = sorted(t for (t,) in db.execute("SELECT title FROM rss_item"))
        db.close()
        assert got == sorted(titles("a", 4))
    finally:
        assert d.stop() == 0, d.log()


def png_is_drawn(data):
    """Whether a PNG holds more than one colour: its IDAT rows vary."""
    import struct
    import zlib
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(idat)
    return len(set(pixels)) > 8


def test_front_page_in_a_headless_browser(server, work, tmp_path):
    import shutil
    from test_stories import serve as story_feeds
    browser = shutil.which("chromium")
    assert browser, "chromium is not installed: make deps-test installs it"
    port = free_port()
    feeds = story_feeds(server)
    server.set("/evil.xml", rss_feed(
        "Evil <b>feed</b>", [{"title": "<script>alert(1)</script> & <img src=x onerror=alert(2)>",
                              "link": "javascript:alert(3)",
                              "description": "<p>x</p>"}]))
    feeds["evil"] = server.url("/evil.xml")
    work.write_config(feeds, title="AI 뉴스 <today>")
    assert work.once().rc == 0
    with open(work.config, "a", encoding="utf-8") as f:
        f.write("\n[serve]\nlisten = 127.0.0.1:%d\ntoken = %s\n" % (port, "pagetoken"))
    d = started(work)
    try:
        url = "http://127.0.0.1:%d/?token=pagetoken" % port

        def page():
            r, body = request(port, "GET", "/?token=pagetoken")
            return body if r.status == 200 else None
        html = d.wait_for(page, timeout=10)
        assert html, d.log()
        r, _ = request(port, "GET", "/")
        assert r.status == 401
        r, _ = request(port, "GET", "/?token=pagetoken")
        assert r.getheader("Content-Type") == "text/html; charset=utf-8"
        assert "script-src" not in r.getheader("Content-Security-Policy") and \
            r.getheader("Content-Security-Policy").startswith("default-src 'none'")

        out = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                              "--dump-dom", url], capture_output=True, timeout=90)
        dom = out.stdout.decode("utf-8", "replace")
        assert "<script" not in dom.lower().replace("&lt;script", ""), dom
        assert "onerror" not in re.sub(r"&lt;img[^<]*", "", dom)
        assert "javascript:" not in dom
        # The deal is one block naming its three outlets.
        deal = [a for a in dom.split("<article>") if "38" in a and "OpenAI" in a]
        assert len(deal) == 1, dom
        assert "3 outlets" in deal[0]
        for outlet in ("Wire", "The Verge", "연합뉴스"):
            assert outlet in deal[0], outlet
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
        assert "AI 뉴스 &lt;today&gt;" in dom

        shot = tmp_path / "page.png"
        out = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                              "--window-size=412,900", "--screenshot=%s" % shot, url],
                             capture_output=True, timeout=90)
        assert shot.exists(), out.stderr.decode("utf-8", "replace")[-500:]
        assert png_is_drawn(shot.read_bytes())
    finally:
        assert d.stop() == 0, d.log()
