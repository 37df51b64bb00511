#!/usr/bin/python3
"""
Loopback HTTP server for t_fetch: serves the fixed paths the fetcher's
tests need and records what the client sent.  Usage: httpd.py PORTFILE.
It listens on 127.0.0.1 with a free port and writes that port to PORTFILE
(atomically) once it accepts connections.
"""
import gzip
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

FEED = (b'<?xml version="1.0"?>\n<rss version="2.0"><channel>'
        b'<title>t</title></channel></rss>\n')
ETAG = '"v1"'
LASTMOD = 'Wed, 21 Oct 2015 07:28:00 GMT'
GZIP_TEXT = b'gzip body ' * 1000
BIG = 20 * 1024 * 1024

lock = threading.Lock()
state = {'last': {}, 'inflight': 0, 'max': 0, 'total': 0}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body=b'', headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if code != 304:
            self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if code != 304 and body:
            self.wfile.write(body)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        if u.path not in ('/last-headers', '/count'):
            with lock:
                state['last'] = {k.lower(): v for k, v in self.headers.items()}
        try:
            getattr(self, 'h_' + u.path[1:].replace('-', '_'),
                    self.h_missing)(q)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def h_missing(self, q):
        self.send(404, b'not found\n')

    def h_404(self, q):
        self.send(404, b'gone\n')

    def h_500(self, q):
        self.send(500, b'oops\n')

    def h_feed(self, q):
        if self.headers.get('If-None-Match') == ETAG:
            self.send(304, headers=[('ETag', ETAG)])
            return
        self.send(200, FEED, [
            ('Content-Type', 'application/rss+xml; charset=utf-8'),
            ('Content-Location', 'http://example.org/feed.xml'),
            ('Content-Language', 'en'),
            ('ETag', ETAG), ('Last-Modified', LASTMOD)])

    def h_last_headers(self, q):
        with lock:
            body = json.dumps(state['last'], sort_keys=True).encode()
        self.send(200, body, [('Content-Type', 'application/json')])

    def h_gzip(self, q):
        if 'gzip' not in self.headers.get('Accept-Encoding', ''):
            self.send(406, b'want gzip\n')
            return
        self.send(200, gzip.compress(GZIP_TEXT),
                  [('Content-Encoding', 'gzip'),
                   ('Content-Type', 'text/plain')])

    def h_gzip_bomb(self, q):
        # Small on the wire, 20 MB once decoded.
        self.send(200, gzip.compress(b'\0' * BIG),
                  [('Content-Encoding', 'gzip')])

    def h_redirect_ok(self, q):
        # The redirect carries its own headers, which must not survive.
        self.send(301, b'moved\n', [('Location', '/plain'),
                                    ('ETag', '"redir"'),
                                    ('Last-Modified', LASTMOD),
                                    ('Content-Location', '/elsewhere'),
                                    ('Content-Language', 'fr'),
                                    ('Content-Type', 'text/html')])

    def h_plain(self, q):
        self.send(200, b'plain\n')

    def h_redirect_loop(self, q):
        self.send(302, b'', [('Location', '/redirect-loop')])

    def h_redirect_file(self, q):
        self.send(302, b'', [('Location', 'file:///etc/passwd')])

    def h_big_chunked(self, q):
        self.send_response(200)
        self.send_header('Transfer-Encoding', 'chunked')
        self.end_headers()
        chunk = b'x' * 65536
        head = b'%x\r\n' % len(chunk)
        for _ in range(BIG // len(chunk)):
            self.wfile.write(head + chunk + b'\r\n')
        self.wfile.write(b'0\r\n\r\n')

    def h_big_length(self, q):
        self.send_response(200)
        self.send_header('Content-Length', str(BIG))
        self.end_headers()
        chunk = b'y' * 65536
        for _ in range(BIG // len(chunk)):
            self.wfile.write(chunk)

    def h_slow(self, q):
        time.sleep(float(q.get('s', ['6'])[0]))
        self.send(200, b'late\n')

    def h_sleep(self, q):
        with lock:
            state['inflight'] += 1
            state['total'] += 1
            state['max'] = max(state['max'], state['inflight'])
        time.sleep(int(q.get('ms', ['300'])[0]) / 1000.0)
        with lock:
            state['inflight'] -= 1
        self.send(200, b'slept\n')

    def h_count(self, q):
        with lock:
            body = ('max=%d total=%d\n' % (state['max'],
                                           state['total'])).encode()
            if 'reset' in q:
                state['max'] = state['total'] = 0
        self.send(200, body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that hang up early (size caps, cancelled fetches) are normal.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def main():
    srv = Server(('127.0.0.1', 0), Handler)
    tmp = sys.argv[1] + '.tmp'
    with open(tmp, 'w') as fp:
        fp.write('%d\n' % srv.server_address[1])
    os.rename(tmp, sys.argv[1])
    srv.serve_forever()


if __name__ == '__main__':
    main()
