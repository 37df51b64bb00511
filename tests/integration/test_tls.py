"""
TLS (catalogue row N08, ../shared/RELIABILITY.md section 8): a
self-signed, expired or wrong-host certificate, a TLS 1.0-only server and a
stalled handshake each fail with one line and never carry a request; the
environment (CURL_CA_BUNDLE, SSL_CERT_FILE) cannot make the binary trust a
CA; a server signed by a CA in the system bundle delivers; TLS 1.2 is the
floor even under a system policy that allows TLS 1.0.
"""

import os
import re

import pytest

from conftest import run_process
from helpers import PLAIN, assert_exactly_once, error_line, item_xml, rss_xml, serve_plain
from servers import SilentServer, make_certs, start_tls_servers


def tls_body():
    return rss_xml("tls", item_xml("tls", 1))


def test_untrusted_or_broken_tls_fails_without_a_request_N08(server, work, tmp_path):
    d = make_certs(tmp_path / "pki")
    servers = start_tls_servers(d, tls_body())
    silent = SilentServer()
    try:
        feeds = {name: srv.url() for name, srv in servers.items()}
        feeds["handshake-stall"] = silent.url()
        feeds["plain-rss"] = serve_plain(server)
        work.write_config(feeds, timeout="3s")
        res = work.once(timeout=30)
        assert not res.timed_out, res
        assert res.rc == 1, res
        # The stall ends with the configured timeout, not curl's 15 s
        # connect timeout or never.
        assert 2.5 <= res.elapsed < 8, res
        # Our CA is not trusted: even the good certificate fails.
        for name in servers:
            error_line(res, name, r"certificate|SSL|TLS|verif")
        error_line(res, "self-signed", r"self.signed")
        if "tls10-only" in servers:
            error_line(res, "tls10-only", r"version|protocol|SSL")
        print(res.stderr)
        error_line(res, "handshake-stall", r"time")
        assert len(res.stderr.strip().splitlines()) == len(servers) + 1, res
        # No insecure fallback: no request ever went over those connections.
        for name, srv in servers.items():
            assert srv.requests == [], (name, srv.requests)
            assert srv.failures, name
        assert silent.conns, "the stalled server was never contacted"
        assert_exactly_once(work, PLAIN)
        if "tls10-only" not in servers:
            pytest.skip("this OpenSSL cannot serve TLS 1.0 (checked the rest)")
    finally:
        for srv in servers.values():
            srv.close()
        silent.close()


def trusting_run(work, bundle, timeout=30, env=None):
    """Runs --once in a private mount namespace where the system CA bundle
    is `bundle`: libcurl reads only its built-in CA path (neither
    CURL_CA_BUNDLE nor SSL_CERT_FILE), so the environment cannot add a CA."""
    system = "/etc/ssl/certs/ca-certificates.crt"
    script = 'mount --bind "$1" "$2" && shift 2 && exec "$@"'
    return run_process(["unshare", "-m", "sh", "-c", script, "sh", str(bundle), system,
                        work.binary, "-c", str(work.config), "--once"],
                       timeout=timeout, cwd=str(work.path), env=env)


# A system crypto policy that still allows TLS 1.0 (SECLEVEL 0): the
# binary's own floor must refuse it then too.
LEGACY_OPENSSL_CNF = """openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
CipherString = DEFAULT@SECLEVEL=0
MinProtocol = TLSv1
"""


def test_trusted_ca_delivers_and_tls10_is_refused_N08(server, work, tmp_path):
    d = make_certs(tmp_path / "pki")
    system = "/etc/ssl/certs/ca-certificates.crt"
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes((open(system, "rb").read() if os.path.exists(system) else b"")
                       + (d / "ca.pem").read_bytes())
    servers = start_tls_servers(d, tls_body())
    try:
        # The environment does not make the binary trust a CA.
        work.write_config({"good": servers["good"].url()}, timeout="3s")
        env = dict(os.environ, CURL_CA_BUNDLE=str(d / "ca.pem"), SSL_CERT_FILE=str(d / "ca.pem"))
        res = run_process([work.binary, "-c", str(work.config), "--once"], env=env,
                          cwd=str(work.path))
        assert res.rc == 1, res
        error_line(res, "good", r"certificate")

        feeds = {name: srv.url() for name, srv in servers.items()}
        feeds["plain-rss"] = serve_plain(server)
        work.write_config(feeds, timeout="3s")
        res = trusting_run(work, bundle)
        if res.rc not in (0, 1) and re.search(r"mount|unshare", res.stderr):
            pytest.skip("no private mount namespace: %s" % res.stderr.strip())
        assert not res.timed_out, res
        assert res.rc == 1, res
        print(res.stderr)
        error_line(res, "self-signed", r"self.signed")
        error_line(res, "expired", r"expired")
        error_line(res, "wrong-host", r"name|host|subject")
        if "tls10-only" in servers:
            error_line(res, "tls10-only", r"version|protocol|SSL")
        assert not [l for l in res.stderr.splitlines() if re.search(r"\bgood\b", l)], res
        for name, srv in servers.items():
            if name != "good":
                assert srv.requests == [], (name, srv.requests)
        assert servers["good"].requests == ["/feed.xml"]
        assert_exactly_once(work, PLAIN + ["tls item 1"])

        if "tls10-only" not in servers:
            pytest.skip("this OpenSSL cannot serve TLS 1.0 (checked the rest)")
        cnf = tmp_path / "legacy.cnf"
        cnf.write_text(LEGACY_OPENSSL_CNF)
        work.write_config({"tls10-only": servers["tls10-only"].url()}, timeout="3s")
        res = trusting_run(work, bundle, env=dict(os.environ, OPENSSL_CONF=str(cnf)))
        print(res.stderr)
        assert res.rc == 1, res
        error_line(res, "tls10-only", r"version|protocol")
        assert servers["tls10-only"].requests == []
    finally:
        for srv in servers.values():
            srv.close()
