"""
The systemd side: the sd_notify messages a Type=notify unit relies on, seen
on a NOTIFY_SOCKET the test binds, and the shipped units checked by
systemd-analyze (verify, and the security exposure score), the sysusers.d
file by systemd-sysusers, and the modes of what the binary writes under
each unit's UMask.  No systemd runs as PID 1 here, so the units
themselves are not started.
"""

import os
import pathlib
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time

import pytest

from conftest import REPO, Work, run_process
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


SYSTEM_UNITS = ("aggregator.service", "aggregator-once.service", "aggregator-once.timer")
USER_UNITS = ("aggregator.service",)


def units_for(binary, dest, user=False):
    """The shipped system units (or user units), pointed at the binary."""
    src = REPO / "systemd" / ("user" if user else "")
    dest.mkdir(parents=True, exist_ok=True)
    for unit in sorted(p for p in src.iterdir()
                       if p.is_file() and p.suffix in (".service", ".timer")):
        text = unit.read_text().replace("/usr/local/bin/aggregator", binary)
        (dest / unit.name).write_text(text)
    return sorted(dest.iterdir())


def analyze(args, user, tmp_path):
    """systemd-analyze, for the user manager (which needs a runtime
    directory) when user is set."""
    env = dict(os.environ, MANPATH=str(REPO / "docs" / "man"))
    if user:
        runtime = tmp_path / "xdg-runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = str(runtime)
        args = ["--user"] + args
    return subprocess.run(["systemd-analyze"] + args, capture_output=True,
                          text=True, env=env, timeout=60)


def test_units_pass_systemd_analyze_verify(binary, tmp_path):
    for user, names in ((False, SYSTEM_UNITS), (True, USER_UNITS)):
        units = units_for(binary, tmp_path / ("user" if user else "system"), user)
        assert {u.name for u in units} == set(names)
        res = analyze(["verify"] + [str(u) for u in units], user, tmp_path)
        assert res.returncode == 0, res.stdout + res.stderr
        assert res.stderr.strip() == "", res.stderr


def test_units_security_exposure(binary, tmp_path):
    for user, names in ((False, SYSTEM_UNITS[:2]), (True, USER_UNITS)):
        d = tmp_path / ("user" if user else "system")
        units_for(binary, d, user)
        for name in names:
            res = analyze(["security", "--offline=yes", "--no-pager", str(d / name)],
                          user, tmp_path)
            m = re.search(r"Overall exposure level for %s: (\d+\.\d+)" % re.escape(name),
                          res.stdout)
            assert m, res.stdout + res.stderr
            # 0 is a unit with no access at all, 10 an unhardened one.
            assert float(m.group(1)) <= 2.0, (user, res.stdout)
    unit = (REPO / "systemd" / "aggregator.service").read_text()
    for line in ("Type=notify", "ExecReload=/bin/kill -HUP $MAINPID",
                 "WatchdogSec=", "StateDirectory=aggregator", "User=aggregator",
                 "Group=aggregator", "StateDirectoryMode=0750"):
        assert line in unit, line
    # A dynamic user's state lives under /var/lib/private, root's alone.
    assert not re.search(r"^DynamicUser=", unit, re.M), unit
    user_unit = (REPO / "systemd" / "user" / "aggregator.service").read_text()
    for line in ("Type=notify", "-c %E/aggregator/aggregator.conf",
                 "BindPaths=%h/Maildir %E/aggregator", "WantedBy=default.target"):
        assert line in user_unit, line


def test_sysusers_file_makes_the_units_user_and_group(tmp_path):
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    res = subprocess.run(["systemd-sysusers", "--dry-run", "--root=%s" % root,
                          str(REPO / "systemd" / "aggregator.sysusers")],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    out = res.stdout + res.stderr
    assert "Creating group 'aggregator'" in out, out
    assert "Creating user 'aggregator'" in out, out


def unit_umask(path):
    m = re.search(r"^UMask=(0[0-7]{3})$", path.read_text(), re.M)
    assert m, path
    return int(m.group(1), 8)


def run_under_umask(work, umask):
    """--once as the unit runs it: the binary under the unit's UMask."""
    script = 'umask "$1" && shift && exec "$@"'
    return run_process(["sh", "-c", script, "sh", "%04o" % umask, work.binary, "-c",
                        str(work.config), "--once"], cwd=str(work.path))


def written_files(work):
    """What the run wrote: the merged feed, the spool's folders and
    messages, the state."""
    paths = [work.output, work.spool]
    for sub in ("tmp", "new", "cur"):
        paths.append(work.spool / sub)
        paths += sorted((work.spool / sub).iterdir())
    return paths + sorted(work.path.glob("state.db*"))


ONE_ENTRY = (b"<rss version='2.0'><channel><title>a</title>"
             b"<item><link>http://example.com/1</link></item></channel></rss>")


def test_system_units_umask_gives_the_group_the_merged_feed(server, work):
    # Issue 14 point 8: under DynamicUser= and UMask=0077 the outputs were
    # root's alone.  Under the system units' UMask the group reads the
    # merged feed; nothing is the group's to write, nor anyone else's.
    server.set("/a.xml", ONE_ENTRY)
    for name in SYSTEM_UNITS[:2]:
        umask = unit_umask(REPO / "systemd" / name)
        assert umask == 0o027, name
        unit_work = Work(work.path / name, work.binary)
        unit_work.path.mkdir()
        unit_work.write_config({"a": server.url("/a.xml")})
        res = run_under_umask(unit_work, umask)
        assert res.rc == 0, res
        assert len(list((unit_work.spool / "new").iterdir())) == 1
        mode = stat.S_IMODE(os.stat(unit_work.output).st_mode)
        assert mode & 0o040, (name, oct(mode))
        for p in written_files(unit_work):
            mode = stat.S_IMODE(os.stat(p).st_mode)
            assert mode & 0o027 == 0, (name, p, oct(mode))


def test_system_units_umask_gives_the_group_the_spool(server, work):
    server.set("/a.xml", ONE_ENTRY)
    work.write_config({"a": server.url("/a.xml")})
    res = run_under_umask(work, unit_umask(REPO / "systemd" / "aggregator.service"))
    assert res.rc == 0, res
    folders = [work.spool] + [work.spool / s for s in ("tmp", "new", "cur")]
    for p in folders:
        assert stat.S_IMODE(os.stat(p).st_mode) & 0o050 == 0o050, p
    for p in sorted((work.spool / "new").iterdir()):
        assert stat.S_IMODE(os.stat(p).st_mode) & 0o040, p


def test_user_unit_umask_keeps_everything_the_users(server, work):
    server.set("/a.xml", ONE_ENTRY)
    work.write_config({"a": server.url("/a.xml")})
    umask = unit_umask(REPO / "systemd" / "user" / "aggregator.service")
    res = run_under_umask(work, umask)
    assert res.rc == 0, res
    for p in written_files(work):
        assert stat.S_IMODE(os.stat(p).st_mode) & 0o077 == 0, p


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
