"""
Servers for the integration tests beside feedserver.FeedServer: HTTPS
servers on 127.0.0.1 with certificates from a test CA (good, expired,
wrong host, self-signed, TLS 1.0 only), a server that accepts connections
and never speaks, and one threaded server for many feeds that counts the
requests in flight.
"""

import http.server
import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest

from helpers import item_xml, rss_xml


# --- TLS ---------------------------------------------------------------------

CA_CNF = """[ ca ]
default_ca = CA_default
[ CA_default ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
copy_extensions = copy
unique_subject = no
[ policy_any ]
commonName = supplied
"""


def openssl(*args, cwd):
    r = subprocess.run(["openssl"] + list(args), cwd=cwd, capture_output=True, text=True)
    assert r.returncode == 0, (args, r.stderr)


def make_certs(d):
    """A test CA; certificates it signs for 127.0.0.1 (good, expired) and
    for wrong.example; one self-signed for 127.0.0.1."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    d.mkdir()
    (d / "ca.cnf").write_text(CA_CNF)
    (d / "index.txt").write_text("")
    (d / "serial").write_text("01\n")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=Aggregator Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "self.key",
            "-out", "self.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", cwd=d)
    for name, cn, san, dates in (
            ("good", "127.0.0.1", "IP:127.0.0.1", ["-days", "2"]),
            ("expired", "127.0.0.1", "IP:127.0.0.1",
             ["-startdate", "20200101000000Z", "-enddate", "20200102000000Z"]),
            ("wronghost", "wrong.example", "DNS:wrong.example", ["-days", "2"])):
        openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + cn,
                "-addext", "subjectAltName=" + san, cwd=d)
        openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key",
                "-in", name + ".csr", "-out", name + ".pem", "-notext", *dates, cwd=d)
    return d


class TLSServer:
    """HTTPS on 127.0.0.1 serving one feed; the handshake runs in the
    connection's thread, so a failed or stalled one blocks nothing.
    Records completed requests and handshake failures."""

    def __init__(self, cert, key, body, tls10=False):
        self.requests = []
        self.failures = []
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(str(cert), str(key))
        if tls10:
            self.ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            self.ctx.minimum_version = ssl.TLSVersion.TLSv1
            self.ctx.maximum_version = ssl.TLSVersion.TLSv1
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def finish_request(self, request, client_address):
                request.settimeout(10)
                try:
                    conn = outer.ctx.wrap_socket(request, server_side=True)
                except (ssl.SSLError, OSError) as e:
                    outer.failures.append(str(e))
                    return
                Handler(conn, client_address, self)

            def handle_error(self, request, client_address):
                pass

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever,
                         kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self):
        return "https://127.0.0.1:%d/feed.xml" % self.port

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class SilentServer:
    """Accepts TCP connections and never says a word (a stalled handshake)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                c, _ = self.sock.accept()
                self.conns.append(c)
            except OSError:
                pass

    def url(self):
        return "https://127.0.0.1:%d/feed.xml" % self.port

    def close(self):
        self.stop.set()
        for c in self.conns:
            c.close()
        self.sock.close()


def tls10_works(cert, key, body):
    """Whether this OpenSSL can still speak TLS 1.0 at all: a permissive
    client must complete a handshake with the TLS-1.0-only server."""
    try:
        srv = TLSServer(cert, key, body, tls10=True)
    except (ssl.SSLError, ValueError):
        return None
    try:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1
        with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as s:
            with ctx.wrap_socket(s) as t:
                ok = t.version() == "TLSv1"
        if not ok:
            srv.close()
            return None
        srv.requests.clear()
        srv.failures.clear()
        return srv
    except (ssl.SSLError, OSError):
        srv.close()
        return None


def start_tls_servers(d, body):
    servers = {
        "self-signed": TLSServer(d / "self.pem", d / "self.key", body),
        "expired": TLSServer(d / "expired.pem", d / "expired.key", body),
        "wrong-host": TLSServer(d / "wronghost.pem", d / "wronghost.key", body),
        "good": TLSServer(d / "good.pem", d / "good.key", body),
    }
    tls10 = tls10_works(d / "good.pem", d / "good.key", body)
    if tls10 is not None:
        servers["tls10-only"] = tls10
    return servers


# --- many feeds ------------------------------------------------------------

class ScaleServer:
    """One threaded server for many feeds: /ok/N, /slow/N (2 s), /e500/N,
    /reset/N (RST, no answer).  Counts requests in flight and their peak."""

    def __init__(self, slow_delay=2.0):
        self.lock = threading.Lock()
        self.active = 0
        self.peak = 0
        self.hits = {}
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                kind, n = self.path.strip("/").split("/")[:2]
                with outer.lock:
                    outer.active += 1
                    outer.peak = max(outer.peak, outer.active)
                    outer.hits[self.path] = outer.hits.get(self.path, 0) + 1
                try:
                    if kind == "reset":
                        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                                   b"\x01\x00\x00\x00\x00\x00\x00\x00")
                        self.close_connection = True
                        return
                    if kind == "slow":
                        time.sleep(slow_delay)
                    if kind == "e500":
                        body, status = b"oops\n", 500
                    else:
                        body, status = rss_xml("scale-%s" % n,
                                               item_xml("scale-%s" % n, 1)
                                               + item_xml("scale-%s" % n, 2)), 200
                    self.send_response(status)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                finally:
                    with outer.lock:
                        outer.active -= 1

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

            def handle_error(self, request, client_address):
                pass

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever,
                         kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
