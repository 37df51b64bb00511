"""
What a run says while it works and when it is done: `--once` on a terminal
shows its progress on stderr, redrawn in place and gone at the end (and
nothing of it when stderr is no terminal); `-q` prints nothing at all on
success, so cron mails only on trouble; `-v` also names each feed that was
not modified (304); the daemon at `-vv` logs when each feed is first
polled.  The terminal is a real pseudo-terminal (Python's pty).
"""

import calendar
import os
import pty
import re
import select
import subprocess
import time

from daemonproc import Daemon
from helpers import error_line, make_feed


def run_tty(work, *args, timeout=20):
    """Runs the binary with stderr on a pseudo-terminal and stdout on a
    pipe; returns (rc, stdout, what the terminal got)."""
    master, slave = pty.openpty()
    env = dict(os.environ)
    env.pop("JOURNAL_STREAM", None)
    proc = subprocess.Popen([work.binary, "-c", str(work.config)] + list(args),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=slave, cwd=str(work.path), env=env)
    os.close(slave)
    tty = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            data = os.read(master, 65536)
        except OSError:         # EIO: the last writer closed the terminal
            break
        if not data:
            break
        tty += data
    os.close(master)
    stdout = proc.stdout.read()
    proc.stdout.close()
    rc = proc.wait(timeout=timeout)
    return rc, stdout.decode(), tty.decode()


def screen(text):
    """The lines a terminal shows after text: CR returns to the line's
    start and what follows overwrites it."""
    lines, line, col = [], [], 0
    for ch in text:
        if ch == "\n":
            lines.append("".join(line).rstrip())
            line, col = [], 0
        elif ch == "\r":
            col = 0
        else:
            if col < len(line):
                line[col] = ch
            else:
                line.append(ch)
            col += 1
    lines.append("".join(line).rstrip())
    return [l for l in lines if l]


def three_feeds(server, work):
    server.set("/a.xml", make_feed("a", 3), content_type="application/rss+xml")
    server.set("/b.xml", make_feed("b", 2), content_type="application/rss+xml")
    work.write_config({"a": server.url("/a.xml"), "b": server.url("/b.xml"),
                       "c": server.url("/missing.xml")})


PROGRESS = re.compile(r"aggregator: (\d+)/3 feeds, (\d+) new entries, (\d+) failed")


def test_once_on_a_terminal_shows_progress_in_place_and_nothing_elsewhere(server, work):
    three_feeds(server, work)
    rc, out, tty = run_tty(work, "--once")
    assert rc == 1, (out, tty)
    states = [tuple(map(int, m.groups())) for m in PROGRESS.finditer(tty)]
    assert states[0] == (0, 0, 0), tty
    assert states[-1] == (3, 5, 1), tty
    done = [s[0] for s in states]
    assert sorted(set(done)) == [0, 1, 2, 3] and done == sorted(done), tty
    # Redrawn in place: between two states the line is blanked, and a log
    # line may be written where it stood before it is drawn again.
    found = list(PROGRESS.finditer(tty))
    for a, b in zip(found, found[1:]):
        between = tty[a.end():b.start()]
        assert re.fullmatch(r"\r +\r(aggregator: feed [^\r\n]*\r?\n)?", between), \
            repr(between)
    # Gone at the end: the terminal shows the error line alone.
    shown = screen(tty)
    assert len(shown) == 1 and re.search(r"feed c: fetch: HTTP 404", shown[0]), shown
    assert out.startswith("aggregator: 5 new entries from 3 feeds (1 failed)"), out

    # Not a terminal: not a byte of it.
    server.set("/a.xml", make_feed("a", 4), content_type="application/rss+xml")
    res = work.once()
    assert res.rc == 1, res
    assert "\r" not in res.stderr and "feeds," not in res.stderr, res
    error_line(res, "c", r"HTTP 404")
    assert len(res.stderr.splitlines()) == 1, res


def test_quiet_prints_nothing_on_success_and_only_the_trouble(server, work):
    server.set("/a.xml", make_feed("a", 3), content_type="application/rss+xml")
    work.write_config({"a": server.url("/a.xml")})
    rc, out, tty = run_tty(work, "-q", "--once")
    assert (rc, out, tty) == (0, "", ""), (rc, out, tty)
    assert len(work.messages()) == 3

    res = work.run("-q", "--once")
    assert (res.rc, res.stdout, res.stderr) == (0, "", ""), res

    # Trouble: the error line alone, on stderr, and exit 1.
    server.set("/a.xml", b"oops\n", status=500, content_type="text/plain")
    res = work.run("-q", "--once")
    assert res.rc == 1, res
    assert res.stdout == "", res
    assert len(res.stderr.splitlines()) == 1, res
    error_line(res, "a", r"HTTP 500")


def test_verbose_names_each_feed_that_was_not_modified(server, work):
    server.set("/a.xml", make_feed("a", 3), content_type="application/rss+xml")
    server.set("/b.xml", make_feed("b", 2), content_type="application/rss+xml")
    work.write_config({"a": server.url("/a.xml"), "b": server.url("/b.xml")})
    res = work.once()
    assert res.rc == 0, res
    server.set("/b.xml", make_feed("b", 3), content_type="application/rss+xml")

    server.clear_log()
    res = work.run("-v", "--once")
    assert res.rc == 0, res
    assert [r.status for r in server.requests_for("/a.xml")] == [304]
    assert re.search(r"^aggregator: feed a: not modified \(HTTP 304\)$", res.stderr, re.M), res
    assert "feed b: not modified" not in res.stderr, res
    assert "feed b: 1 new entries" in res.stderr, res

    # Without -v it is not worth a line.
    res = work.once()
    assert res.rc == 0, res
    assert res.stderr == "", res


def test_daemon_logs_each_feeds_first_poll_time_at_debug(server, work):
    server.set("/a.xml", make_feed("a", 1), content_type="application/rss+xml")
    server.set("/b.xml", make_feed("b", 1), content_type="application/rss+xml")
    work.write_config({"a": server.url("/a.xml")})
    res = work.once()
    assert res.rc == 0, res
    # a was polled just now (due in 30 minutes); b never (within 15).
    work.write_config({"a": server.url("/a.xml"), "b": server.url("/b.xml")})
    pattern = (r"^aggregator: feed (\w+): first poll at "
               r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) \(in (\d+) s\)$")
    started = time.time()
    with Daemon(work, args=("-vv",)) as d:
        assert d.wait_for(lambda: len(re.findall(pattern, d.log(), re.M)) == 2), d.log()
        assert d.stop() == 0
    first = {m[0]: (m[1], int(m[2])) for m in re.findall(pattern, d.log(), re.M)}
    assert set(first) == {"a", "b"}, d.log()
    assert 1700 <= first["a"][1] <= 1800, first
    assert 0 <= first["b"][1] <= 900, first
    for name, (when, delay) in first.items():
        at = calendar.timegm(time.strptime(when, "%Y-%m-%dT%H:%M:%SZ"))
        assert abs(at - (started + delay)) <= 5, (name, when, delay)

    with Daemon(work, args=("-v",)) as d:
        assert d.wait_log("polling 2 feeds"), d.log()
        assert d.stop() == 0
    assert "first poll" not in d.log(), d.log()
