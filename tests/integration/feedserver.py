"""
A scripted HTTP server for the integration tests: it serves per-path fixture
bytes with ETag and Last-Modified, answers 304 to matching conditional
requests, can return any status, and records every request's headers.
"""

import email.utils
import hashlib
import http.server
import threading
import time


class Route:
    """What one path answers: body, status, content type and validators."""

    def __init__(self, body=b"", status=200, content_type="application/xml",
                 etag=None, last_modified=None, headers=None, delay=0.0,
                 validators=True):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.body = body
        self.status = status
        self.content_type = content_type
        self.headers = dict(headers or {})
        self.delay = delay
        self.validators = validators
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
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self.do_GET(head=True)

            def do_GET(self, head=False):
                path = self.path.split("?", 1)[0]
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server.lock:
                    route = server.routes.get(self.path) or server.routes.get(path)
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

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def _answer(self, route, headers):
        if route is None:
            return 404, b"not found\n", {"Content-Type": "text/plain"}
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
            return 304, b"", {k: v for k, v in extra.items()
                              if k in ("ETag", "Last-Modified")}
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
        self.httpd.shutdown()
        self.httpd.server_close()
