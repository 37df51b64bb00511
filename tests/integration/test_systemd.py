"""
The systemd side: the sd_notify messages a Type=notify unit relies on, seen
on a NOTIFY_SOCKET the test binds, and the shipped units checked by
systemd-analyze (verify, and the security exposure score).
"""

import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from conftest import REPO, run_process
from daemonproc import Daemon


class NotifySocket:
    """A datagram socket standing in for the service manager."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="notify-", dir="/tmp")
        self.path = os.path.join(self.dir, "sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.messages = []

    def collect(self, until, timeout=10.0):
        """Reads messages until one satisfies until(msg); returns it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            self.messages.append(data)
            if until(data):
                return data
        return None

    def close(self):
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def test_notify_ready_status_watchdog_reload_stopping(server, work):
    server.set("/a.xml", b"<rss version='2.0'><channel><title>a</title>"
               b"<item><link>http://example.com/1</link></item></channel></rss>")
    work.write_config({"a": {"url": server.url("/a.xml"), "interval": "1s"}})
    ns = NotifySocket()
    try:
        with Daemon(work, env={"NOTIFY_SOCKET": ns.path,
                               "WATCHDOG_USEC": "600000"}) as d:
            assert ns.collect(lambda m: m == "READY=1"), (ns.messages, d.log())
            status = ns.collect(lambda m: m.startswith("STATUS="))
            assert status and "1 feeds" in status, ns.messages
            # WatchdogSec=0.6 s: pings every 0.3 s from the loop.
            for _ in range(3):
                assert ns.collect(lambda m: m == "WATCHDOG=1", 2), ns.messages
            d.send(signal.SIGHUP)
            assert ns.collect(lambda m: m == "RELOADING=1"), ns.messages
            assert ns.collect(lambda m: m == "READY=1"), ns.messages
            d.send(signal.SIGTERM)
            assert ns.collect(lambda m: m == "STOPPING=1"), ns.messages
            assert d.stop() == 0, d.log()
        # The status line counts what the daemon did.
        assert any(re.match(r"STATUS=1 feeds, 0 failing; [1-9]\d* polls, 1 new "
                            r"entries", m) for m in ns.messages), ns.messages
    finally:
        ns.close()


def test_no_notify_socket_no_noise(server, work):
    # Outside systemd nothing is sent and nothing complains.
    server.set("/a.xml", b"<rss version='2.0'><channel><title>a</title></channel></rss>")
    work.write_config({"a": {"url": server.url("/a.xml"), "interval": "1h"}})
    with Daemon(work) as d:
        assert d.wait_log("polling 1 feeds"), d.log()
        assert d.stop() == 0
        assert "notify" not in d.log().lower(), d.log()


def units_for(binary, dest):
    """The shipped units, pointed at the binary under test."""
    for unit in sorted((REPO / "systemd").iterdir()):
        text = unit.read_text().replace("/usr/local/bin/aggregator", binary)
        (dest / unit.name).write_text(text)
    return sorted(dest.iterdir())


def test_units_pass_systemd_analyze_verify(binary, tmp_path):
    units = units_for(binary, tmp_path)
    assert {u.name for u in units} == {"aggregator.service",
                                      "aggregator-once.service",
                                      "aggregator-once.timer"}
    env = dict(os.environ, MANPATH=str(REPO / "docs" / "man"))
    res = subprocess.run(["systemd-analyze", "verify"] + [str(u) for u in units],
                         capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stderr.strip() == "", res.stderr


def test_units_security_exposure(binary, tmp_path):
    units_for(binary, tmp_path)
    for name in ("aggregator.service", "aggregator-once.service"):
        res = subprocess.run(["systemd-analyze", "security", "--offline=yes",
                              "--no-pager", str(tmp_path / name)],
                             capture_output=True, text=True, timeout=60)
        m = re.search(r"Overall exposure level for %s: (\d+\.\d+)" % re.escape(name),
                      res.stdout)
        assert m, res.stdout + res.stderr
        # 0 is a unit with no access at all, 10 an unhardened one.
        assert float(m.group(1)) <= 1.5, res.stdout
    unit = (REPO / "systemd" / "aggregator.service").read_text()
    for line in ("Type=notify", "ExecReload=/bin/kill -HUP $MAINPID",
                 "WatchdogSec=", "StateDirectory=aggregator", "DynamicUser=yes"):
        assert line in unit, line


def run_logged(work, *args, journal):
    env = dict(os.environ)
    env.pop("JOURNAL_STREAM", None)
    if journal:
        env["JOURNAL_STREAM"] = "8:12345"
    res = run_process([work.binary, "-c", str(work.config)] + list(args),
                      cwd=str(work.path), env=env)
    return res.rc, res.stderr.splitlines()


def test_log_priorities_for_journald_and_verbosity(server, work):
    server.set("/a.xml", b"<rss version='2.0'><channel><title>a</title>"
               b"<item><link>http://example.com/1</link></item></channel></rss>")
    work.write_config({"good": server.url("/a.xml"),
                       "bad": server.url("/missing.xml")})
    rc, lines = run_logged(work, "--once", "-v", journal=True)
    assert rc == 1
    # One line per event, each with its sd-daemon priority.
    assert "<3>aggregator: feed bad: fetch: HTTP 404 (%s)" % server.url("/missing.xml") in lines
    assert "<6>aggregator: feed good: 1 new entries" in lines
    assert all(re.match(r"<[3467]>aggregator: ", l) for l in lines), lines
    # -q keeps errors only; without journald there is no prefix.
    rc, lines = run_logged(work, "--once", "-q", journal=False)
    assert lines == ["aggregator: feed bad: fetch: HTTP 404 (%s)" % server.url("/missing.xml")], lines
