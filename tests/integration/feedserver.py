"""
A scripted HTTP server for the integration tests: it serves per-path fixture
bytes with ETag and Last-Modified, answers 304 to matching conditional
requests, can return any status, and records every request's headers.
A route may instead misbehave at the socket level (truncated or endless
bodies, trickling, silence): see the raw_* helpers at the end.
"""

import base64
import email.utils
import hashlib
import http.server
import socket
import struct
import sys
import threading
import time


class Route:
    """What one path answers: body, status, content type and validators."""

    def __init__(self, body=b"", status=200, content_type="application/xml",
                 etag=None, last_modified=None, headers=None, delay=0.0,
                 validators=True, raw=None, auth=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.body = body
        self.status = status
        self.content_type = content_type
        self.headers = dict(headers or {})
        self.delay = delay
        self.validators = validators
        # raw(handler): writes the whole response itself, however broken.
        self.raw = raw
        # "user:password": anything but those Basic credentials gets a 401.
        self.auth = auth
        self.etag = etag or '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        self.mtime = last_modified if last_modified is not None else int(time.time()) - 3600
        self.last_modified = email.utils.formatdate(self.mtime, usegmt=True)


class Request:
    """One request as the server saw it."""

    def __init__(self, method, path, headers, status):
        self.method = method
        self.path = path
        self.headers = headers      # dict with lower-case names
        self.status = status
        self.at = time.monotonic()  # when it arrived

    def __repr__(self):
        return "Request(%s %s -> %s)" % (self.method, self.path, self.status)


def _etag_matches(header, etag):
    if header.strip() == "*":
        return True
    tags = [t.strip() for t in header.split(",")]
    # If-None-Match uses the weak comparison (RFC 9110 13.1.2).
    strip = lambda t: t[2:] if t.startswith("W/") else t
    return any(strip(t) == strip(etag) for t in tags)


class FeedServer:
    """ThreadingHTTPServer on 127.0.0.1 with routes set by the test."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()   # ends raw handlers that wait
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self.do_GET(head=True)

            def do_GET(self, head=False):
                # How many requests this connection has carried, this one too.
                self.served = getattr(self, "served", 0) + 1
                path = self.path.split("?", 1)[0]
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server.lock:
                    route = server.routes.get(self.path) or server.routes.get(path)
                if route is not None and route.raw is not None:
                    with server.lock:
                        server.requests.append(Request(self.command, self.path,
                                                       headers, "raw"))
                    self.close_connection = True
                    try:
                        route.raw(self)
                    except OSError:
                        pass        # the client gave up: that is the point
                    return
                status, body, extra = server._answer(route, headers)
                with server.lock:
                    server.requests.append(Request(self.command, self.path,
                                                   headers, status))
                if route is not None and route.delay:
                    time.sleep(route.delay)
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head and status != 304:
                    self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # A client that hangs up on a huge or endless body is a
                # test's intent, not a server fault worth a traceback.
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def _answer(self, route, headers):
        if route is None:
            return 404, b"not found\n", {"Content-Type": "text/plain"}
        if route.auth is not None and headers.get("authorization") != \
                "Basic " + base64.b64encode(route.auth.encode()).decode():
            return 401, b"who are you?\n", {"Content-Type": "text/plain",
                                             "WWW-Authenticate": 'Basic realm="feeds"'}
        extra = {}
        if route.content_type:
            extra["Content-Type"] = route.content_type
        if route.validators and route.status == 200:
            extra["ETag"] = route.etag
            extra["Last-Modified"] = route.last_modified
        extra.update(route.headers)
        if route.status != 200 or not route.validators:
            return route.status, route.body, extra
        inm = headers.get("if-none-match")
        ims = headers.get("if-modified-since")
        if inm is not None:
            not_modified = _etag_matches(inm, route.etag)
        elif ims is not None:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
                not_modified = route.mtime <= since
            except (TypeError, ValueError):
                not_modified = False
        else:
            not_modified = False
        if not_modified:
            # RFC 9110 15.4.5: a 304 repeats these headers of the 200.
            return 304, b"", {k: v for k, v in extra.items()
                              if k in ("ETag", "Last-Modified", "Cache-Control",
                                       "Expires", "Content-Location", "Vary")}
        return 200, route.body, extra

    # --- used by the tests ---

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def set(self, path, body=b"", **kw):
        """Serves body at path; a changed body gets a new ETag and a newer
        Last-Modified unless given."""
        with self.lock:
            old = self.routes.get(path)
            if old is not None and "last_modified" not in kw:
                kw["last_modified"] = old.mtime + 60
            self.routes[path] = Route(body, **kw)
            return self.routes[path]

    def requests_for(self, path):
        with self.lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def hits(self, prefix):
        with self.lock:
            return [r for r in self.requests if r.path.startswith(prefix)]

    def clear_log(self):
        with self.lock:
            self.requests.clear()

    def close(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


# --- raw behaviours: pass one as Route(raw=...) through FeedServer.set ---

def _head(handler, status=200, headers=()):
    handler.wfile.write(("HTTP/1.1 %d %s\r\n" % (status, "OK" if status == 200 else "X")).encode())
    for k, v in headers:
        handler.wfile.write(("%s: %s\r\n" % (k, v)).encode("latin-1"))
    handler.wfile.write(b"\r\n")
    handler.wfile.flush()


def _hangup(handler):
    """Closes the connection at once, without a TLS-like grace."""
    try:
        handler.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def raw_truncated_length(body, declared, content_type="application/rss+xml"):
    """Declares Content-Length `declared`, sends `body` (shorter), hangs up."""
    def raw(handler):
        _head(handler, 200, [("Content-Type", content_type),
                             ("Content-Length", str(declared))])
        handler.wfile.write(body)
        handler.wfile.flush()
        _hangup(handler)
    return raw


def raw_truncated_chunked(body, chunk=1000, content_type="application/rss+xml"):
    """Sends `body` in chunks and hangs up without the final 0-size chunk."""
    def raw(handler):
        _head(handler, 200, [("Content-Type", content_type),
                             ("Transfer-Encoding", "chunked")])
        for i in range(0, len(body), chunk):
            part = body[i:i + chunk]
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        handler.wfile.flush()
        _hangup(handler)
    return raw


def raw_cut_unnoticed(body, with_length, headers=(),
                      content_type="application/rss+xml"):
    """Sends `body`, a document cut short, as a response the client cannot
    tell from a whole one: with a Content-Length that lies, counting only
    these bytes, or with no length at all, so that hanging up ends the
    body (RFC 9112 6.3)."""
    def raw(handler):
        head = [("Content-Type", content_type)] + list(headers)
        if with_length:
            head.append(("Content-Length", str(len(body))))
        _head(handler, 200, head)
        handler.wfile.write(body)
        handler.wfile.flush()
        _hangup(handler)
    return raw


def raw_reset_when_reused(body, content_type="application/rss+xml"):
    """Answers a request on a fresh connection; one that comes on a kept-alive
    connection is answered with a reset, as when the server closed it the
    moment the client reused it.  raw.resets counts them."""
    def raw(handler):
        if handler.served > 1:
            raw.resets += 1
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                          struct.pack("ii", 1, 0))
            handler.connection.close()
            return
        _head(handler, 200, [("Content-Type", content_type),
                             ("Content-Length", str(len(body)))])
        handler.wfile.write(body)
        handler.wfile.flush()
    raw.resets = 0
    return raw


def raw_endless_chunked(total, chunk=65536, fill=b"<!-- padding -->\n",
                        content_type="application/rss+xml"):
    """Streams `total` bytes chunked, an RSS opening and comment padding;
    stops early when the client goes away.  Counts the bytes it sent in
    raw.sent."""
    state = {"sent": 0}

    def raw(handler):
        _head(handler, 200, [("Content-Type", content_type),
                             ("Transfer-Encoding", "chunked")])
        first = b'<?xml version="1.0"?><rss version="2.0"><channel>'
        block = (fill * (chunk // len(fill) + 1))[:chunk]
        while state["sent"] < total:
            part = first if state["sent"] == 0 else block
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            state["sent"] += len(part)
        handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()
    raw.state = state
    return raw


def raw_trickle(server, interval=1.0, limit=60.0):
    """Sends a status line and headers, then one body byte per interval."""
    def raw(handler):
        _head(handler, 200, [("Content-Type", "application/rss+xml"),
                             ("Content-Length", "100000")])
        end = time.monotonic() + limit
        data = b'<?xml version="1.0"?><rss version="2.0"><channel>' + b" " * 100000
        for b in data:
            if time.monotonic() > end or server.stopping.wait(interval):
                break
            handler.wfile.write(bytes([b]))
            handler.wfile.flush()
    return raw


def raw_silent(server, limit=60.0):
    """Reads the request and never answers, until the client leaves."""
    def raw(handler):
        handler.connection.settimeout(0.2)
        end = time.monotonic() + limit
        while time.monotonic() < end and not server.stopping.is_set():
            try:
                if handler.connection.recv(4096) == b"":
                    return      # the client closed its end
            except socket.timeout:
                pass
    return raw


def raw_together(body, clients, limit=30.0, content_type="application/rss+xml"):
    """Holds each request until `clients` of them have arrived, then answers
    them all with `body` at once: their clients start on it together."""
    barrier = threading.Barrier(clients, timeout=limit)

    def raw(handler):
        barrier.wait()
        _head(handler, 200, [("Content-Type", content_type),
                             ("Content-Length", str(len(body)))])
        handler.wfile.write(body)
        handler.wfile.flush()
    return raw
