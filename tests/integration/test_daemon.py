"""
Daemon mode against a scripted HTTP server with intervals of a second or
two: polls at the interval with conditional GET, the server's Retry-After
and caching hints, backoff, permanent moves, 410 Gone, SIGHUP reloads,
SIGTERM during a poll, the state lock and the idle CPU.
"""

import errno
import os
import signal
import sqlite3
import threading
import time

from conftest import SANITIZED
from daemonproc import Daemon
from helpers import query


def rss(name, n, start=0):
    items = "".join(
        "<item><title>%s %d</title><link>http://example.com/%s/%d</link>"
        "<description>body %d</description></item>" % (name, i, name, i, i)
        for i in range(start, start + n))
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'>"
            "<channel><title>%s</title><link>http://example.com/</link>%s"
            "</channel></rss>" % (name, items)).encode()


def gaps(requests):
    times = [r.at for r in requests]
    return [b - a for a, b in zip(times, times[1:])]


def test_polls_at_interval_with_conditional_get(server, work):
    server.set("/a.xml", rss("a", 3))
    work.write_config({"a": {"url": server.url("/a.xml"), "interval": "2s"}})
    with Daemon(work) as d:
        assert d.wait_for(lambda: len(server.requests_for("/a.xml")) >= 4,
                          timeout=12), d.log()
        assert d.stop() == 0, d.log()
    reqs = server.requests_for("/a.xml")
    assert [r.status for r in reqs[:4]] == [200, 304, 304, 304], reqs
    for r in reqs[1:]:
        assert r.headers.get("if-none-match"), r.headers
    # Every poll comes one interval after the last, not sooner.
    for g in gaps(reqs):
        assert 1.8 <= g <= 3.5, gaps(reqs)
    assert work.maildir_count() == 3


def test_retry_after_is_honoured(server, work):
    server.set("/busy.xml", b"slow down\n", status=429,
               content_type="text/plain", headers={"Retry-After": "4"})
    work.write_config({"busy": {"url": server.url("/busy.xml"),
                                "interval": "1s"}})
    with Daemon(work) as d:
        assert d.wait_for(lambda: server.requests_for("/busy.xml"), 5)
        time.sleep(9)
        assert d.stop() == 0, d.log()
    reqs = server.requests_for("/busy.xml")
    # At a 1 s interval that is 10 polls; Retry-After: 4 allows 3.
    assert 2 <= len(reqs) <= 3, reqs
    for g in gaps(reqs):
        assert g >= 3.8, gaps(reqs)


def test_backoff_on_consecutive_failures(server, work):
    server.set("/broken.xml", b"oops\n", status=500, content_type="text/plain")
    work.write_config({"broken": {"url": server.url("/broken.xml"),
                                  "interval": "1s"}})
    with Daemon(work) as d:
        assert d.wait_for(lambda: len(server.requests_for("/broken.xml")) >= 4,
                          timeout=16), d.log()
        # Recovery brings the interval back.
        server.set("/broken.xml", rss("broken", 2))
        assert d.wait_for(lambda: work.maildir_count() == 2, timeout=20), d.log()
        n = len(server.requests_for("/broken.xml"))
        assert d.wait_for(lambda: len(server.requests_for("/broken.xml")) >= n + 2,
                          timeout=5), d.log()
        assert d.stop() == 0
    g = gaps(server.requests_for("/broken.xml"))
    # 1 s, 2 s, 4 s (each up to 10% more): doubling, not a steady 1 s.
    assert 0.9 <= g[0] <= 1.6, g
    assert 1.9 <= g[1] <= 2.6, g
    assert 3.9 <= g[2] <= 4.9, g
    # After the recovery: back to the interval.
    assert all(x <= 1.6 for x in g[-2:]), g


def test_cache_control_max_age_slows_polling(server, work):
    server.set("/cached.xml", rss("cached", 1), headers={"Cache-Control": "max-age=3"})
    work.write_config({"cached": {"url": server.url("/cached.xml"),
                                  "interval": "1s"}})
    with Daemon(work) as d:
        assert d.wait_for(lambda: len(server.requests_for("/cached.xml")) >= 3,
                          timeout=12), d.log()
        assert d.stop() == 0
    for g in gaps(server.requests_for("/cached.xml")):
        assert g >= 2.8, gaps(server.requests_for("/cached.xml"))


def schedule_of(work, name):
    """(delay chosen at the last poll, last poll, next due) from the state."""
    (last_poll, next_due), = query(work.path / "state.db",
                                   "SELECT last_poll, next_due FROM feeds WHERE name = ?", name)
    return next_due - last_poll, last_poll, next_due


def test_rss_ttl_is_kept_across_304s(server, work):
    # The <ttl> comes with the document; a 304 has no document, and the
    # ttl of the one it confirms still holds (it was forgotten: 1 s).
    body = rss("ttl", 1).replace(b"<channel>", b"<channel><ttl>5</ttl>")
    server.set("/ttl.xml", body)
    work.write_config({"ttl": {"url": server.url("/ttl.xml"), "interval": "1s"}})
    for status in (200, 304, 304):
        assert work.once().rc == 0
        assert server.requests_for("/ttl.xml")[-1].status == status
        assert schedule_of(work, "ttl")[0] == 300, (status, schedule_of(work, "ttl"))


def test_repeated_retry_after_backs_off(server, work):
    # A server that keeps answering 429 with the same Retry-After is asked
    # less and less often: 60 s, then twice, four times that (up to 10%
    # jitter), as backoff does; it used to be 60 s for ever.
    server.set("/busy.xml", b"slow down\n", status=429, content_type="text/plain",
               headers={"Retry-After": "60"})
    work.write_config({"busy": {"url": server.url("/busy.xml"), "interval": "1s"}})
    delays = []
    for _ in range(3):
        assert work.once().rc == 1
        delays.append(schedule_of(work, "busy")[0])
    assert delays[0] == 60, delays
    assert 120 <= delays[1] <= 132, delays
    assert 240 <= delays[2] <= 264, delays


def test_interval_shortened_while_down_is_planned_again(server, work):
    # Time (issue 14): a stored next-due time more than one interval ahead
    # is computed again at start, from the last poll with today's interval.
    server.set("/t.xml", rss("t", 1))
    feed = {"url": server.url("/t.xml"), "interval": "1d"}
    work.write_config({"t": feed})
    assert work.once().rc == 0
    assert schedule_of(work, "t")[0] == 86400
    # Shortened to 2 s while no daemon ran: due at once, not in a day.
    feed["interval"] = "2s"
    work.write_config({"t": feed})
    with Daemon(work) as d:
        assert d.wait_for(lambda: len(server.requests_for("/t.xml")) >= 2, 5), d.log()
        assert d.stop() == 0, d.log()


def test_clock_set_back_is_planned_again(server, work):
    # The wall clock was set back a day: the last poll is a day ahead of
    # now, and so is the next one.  Polled within the interval, not in a day.
    server.set("/t.xml", rss("t", 1))
    work.write_config({"t": {"url": server.url("/t.xml"), "interval": "2s"}})
    assert work.once().rc == 0
    now = int(time.time())
    db = sqlite3.connect(str(work.path / "state.db"))
    with db:
        db.execute("UPDATE feeds SET last_poll = ?, next_due = ? WHERE name = 't'",
                   (now + 86400, now + 86400 + 2))
    db.close()
    with Daemon(work) as d:
        assert d.wait_for(lambda: len(server.requests_for("/t.xml")) >= 2, 5), d.log()
        assert d.stop() == 0, d.log()


def test_permanent_redirect_moves_the_feed(server, work):
    server.set("/old.xml", b"", status=301,
               headers={"Location": server.url("/new.xml")})
    server.set("/new.xml", rss("moved", 2))
    server.set("/temp.xml", b"", status=302,
               headers={"Location": server.url("/there.xml")})
    server.set("/there.xml", rss("temp", 1))
    work.write_config({
        "moving": {"url": server.url("/old.xml"), "interval": "1s"},
        "temporary": {"url": server.url("/temp.xml"), "interval": "1s"}})
    with Daemon(work) as d:
        assert d.wait_for(lambda: len(server.requests_for("/new.xml")) >= 3 and
                          len(server.requests_for("/temp.xml")) >= 3,
                          timeout=12), d.log()
        assert d.stop() == 0
        log = d.log()
    # The old URL was asked once; every later poll went to the new one.
    assert len(server.requests_for("/old.xml")) == 1
    assert log.count("moved permanently to") == 1, log
    assert server.url("/new.xml") in log
    # A 302 is no move: the config URL is polled each time.
    assert len(server.requests_for("/there.xml")) == len(server.requests_for("/temp.xml"))
    assert work.maildir_count() == 3

    status = work.run("status")
    line = [l for l in status.stdout.splitlines() if l.startswith("moving")][0]
    assert "moved to " + server.url("/new.xml") in line, status.stdout

    # The move is kept in the state: --once goes straight to the new home.
    server.clear_log()
    assert work.once().rc == 0
    assert not server.requests_for("/old.xml")
    assert len(server.requests_for("/new.xml")) == 1


def test_gone_stops_polling_until_url_changes(server, work):
    server.set("/gone.xml", b"gone\n", status=410, content_type="text/plain")
    server.set("/alive.xml", rss("alive", 1))
    server.set("/replacement.xml", rss("replacement", 2))
    work.write_config({"gone": {"url": server.url("/gone.xml"), "interval": "1s"},
                       "alive": {"url": server.url("/alive.xml"), "interval": "1s"}})
    with Daemon(work) as d:
        assert d.wait_for(lambda: len(server.requests_for("/alive.xml")) >= 4,
                          timeout=12), d.log()
        assert len(server.requests_for("/gone.xml")) == 1
        assert "feed gone: gone (HTTP 410)" in d.log()
        assert d.stop() == 0

    # Still gone after a restart, and for --once.
    res = work.once()
    assert res.rc == 1 and "feed gone: gone (HTTP 410 since" in res.stderr, res
    assert len(server.requests_for("/gone.xml")) == 1
    status = work.run("status").stdout
    assert "gone (410)" in [l for l in status.splitlines() if l.startswith("gone")][0]

    # A new url in the config brings it back, here through a reload.
    with Daemon(work) as d:
        assert d.wait_log("not polled until its url changes"), d.log()
        work.write_config({"gone": {"url": server.url("/replacement.xml"),
                                    "interval": "1s"},
                           "alive": {"url": server.url("/alive.xml"), "interval": "1s"}})
        d.send(signal.SIGHUP)
        assert d.wait_for(lambda: server.requests_for("/replacement.xml"), 5), d.log()
        assert d.wait_for(lambda: work.maildir_count() == 3, 5), d.log()
        assert d.stop() == 0
    assert len(server.requests_for("/gone.xml")) == 1


def test_sighup_adds_removes_and_keeps_running_on_a_broken_config(server, work):
    for name in ("a", "b"):
        server.set("/%s.xml" % name, rss(name, 2))
    feed_a = {"url": server.url("/a.xml"), "interval": "1s"}
    feed_b = {"url": server.url("/b.xml"), "interval": "1s"}
    work.write_config({"a": feed_a})
    with Daemon(work) as d:
        assert d.wait_for(lambda: work.maildir_count() == 2, 5), d.log()
        assert not server.requests_for("/b.xml")

        work.write_config({"a": feed_a, "b": feed_b})
        d.send(signal.SIGHUP)
        assert d.wait_for(lambda: work.maildir_count() == 4, 5), d.log()
        assert d.wait_log("reload: 1 added, 0 removed, 0 changed"), d.log()

        # A broken config is reported with file and line; nothing changes.
        path = work.write_config({"a": feed_a, "b": feed_b}, colour="blue")
        d.send(signal.SIGHUP)
        assert d.wait_log("the running config stays"), d.log()
        assert "%s:8:" % path in d.log(), d.log()
        n_a, n_b = (len(server.requests_for(p)) for p in ("/a.xml", "/b.xml"))
        assert d.wait_for(lambda: len(server.requests_for("/a.xml")) >= n_a + 2 and
                          len(server.requests_for("/b.xml")) >= n_b + 2, 5), d.log()

        # Dropping b stops its polls.
        work.write_config({"a": feed_a})
        d.send(signal.SIGHUP)
        assert d.wait_log("reload: 0 added, 1 removed, 0 changed"), d.log()
        time.sleep(0.3)
        n_b = len(server.requests_for("/b.xml"))
        n_a = len(server.requests_for("/a.xml"))
        time.sleep(2.5)
        assert len(server.requests_for("/b.xml")) == n_b
        assert len(server.requests_for("/a.xml")) >= n_a + 2
        assert d.stop() == 0, d.log()


def test_sigterm_during_polls_loses_nothing(server, work):
    feeds = {}
    for i in range(6):
        server.set("/s%d.xml" % i, rss("s%d" % i, 5), delay=0.3 * i)
        feeds["s%d" % i] = {"url": server.url("/s%d.xml" % i), "interval": "1s"}
    work.write_config(feeds)
    with Daemon(work) as d:
        # Stop while some transfers are still waiting on the slow server.
        assert d.wait_for(lambda: len(server.hits("/s")) >= 3, 5), d.log()
        started = time.monotonic()
        rc = d.stop()
        assert rc == 0, d.log()
        assert time.monotonic() - started < 12
        assert "signal 15: stopping" in d.log()
    before = work.maildir_count()
    # What the daemon had not finished, a later run delivers, once.
    res = work.once()
    assert res.rc == 0, res
    assert work.maildir_count() == 30, (before, work.maildir_count())
    ids = [m["Message-ID"] for m in work.messages()]
    assert len(set(ids)) == 30


def test_second_instance_is_refused(server, work):
    server.set("/a.xml", rss("a", 1))
    work.write_config({"a": {"url": server.url("/a.xml"), "interval": "1h"}})
    with Daemon(work) as d:
        assert d.wait_log("polling 1 feeds"), d.log()
        res = work.once()
        assert res.rc == 3, res
        assert "already running" in res.stderr, res
        second = work.run()
        assert second.rc == 3, second
        assert d.stop() == 0


def test_idle_daemon_uses_no_cpu(server, work):
    for i in range(20):
        server.set("/f%d.xml" % i, rss("f%d" % i, 1))
    feeds = {"f%d" % i: {"url": server.url("/f%d.xml" % i), "interval": "1h"}
             for i in range(20)}
    work.write_config(feeds)
    assert work.once().rc == 0      # every feed is now due in an hour
    with Daemon(work) as d:
        assert d.wait_log("polling 20 feeds"), d.log()
        time.sleep(0.5)
        before = d.cpu_seconds()
        time.sleep(4)
        used = d.cpu_seconds() - before
        assert d.stop() == 0
    # Under 1% of one core (sanitizer builds: 2%).
    assert used <= (0.08 if SANITIZED else 0.04), used


def test_sighup_storm(server, work):
    # P04: a hundred reloads in a burst neither crash nor corrupt anything.
    server.set("/a.xml", rss("a", 2))
    server.set("/b.xml", rss("b", 2))
    feeds = {"a": {"url": server.url("/a.xml"), "interval": "1s"}}
    work.write_config(feeds)
    with Daemon(work) as d:
        assert d.wait_for(lambda: work.maildir_count() == 2, 5), d.log()
        feeds["b"] = {"url": server.url("/b.xml"), "interval": "1s"}
        work.write_config(feeds)
        for _ in range(100):
            d.send(signal.SIGHUP)
            time.sleep(0.002)
        assert d.wait_for(lambda: work.maildir_count() == 4, 5), d.log()
        n = len(server.requests_for("/b.xml"))
        assert d.wait_for(lambda: len(server.requests_for("/b.xml")) >= n + 2, 5)
        assert d.proc.poll() is None
        assert d.stop() == 0, d.log()
    assert "reload: 1 added" in d.log()
    # However many reloads ran, b is one feed: one poll per interval.
    assert all(g >= 0.9 for g in gaps(server.requests_for("/b.xml"))), \
        gaps(server.requests_for("/b.xml"))


def fifo_writer(path, proc, timeout=10.0):
    """The write end of the FIFO at path, once proc opens it for reading
    (a reader blocked in open() counts); None when proc exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as e:
            if e.errno != errno.ENXIO:      # ENXIO: no reader yet
                raise
            time.sleep(0.01)
            continue
        os.set_blocking(fd, True)
        return fd
    return None


def write_fifo(fd, text):
    """False when the reader is gone (killed) before reading it."""
    try:
        os.write(fd, text.encode())
        return True
    except BrokenPipeError:
        return False
    finally:
        os.close(fd)


def test_sighup_during_start_up_is_answered_once_running(server, work):
    # P02: a SIGHUP that comes while the daemon is still reading its config
    # is held until the handler exists, then read as a reload.  The config
    # is a FIFO, so the test knows when the daemon is inside its start-up:
    # it has the FIFO open and waits for the text.
    server.set("/a.xml", rss("a", 2))
    text = work.write_config({"a": {"url": server.url("/a.xml"),
                                    "interval": "1s"}}).read_text()
    fifo = work.path / "fifo.conf"
    os.mkfifo(fifo)
    work.config = fifo
    with Daemon(work) as d:
        fd = fifo_writer(fifo, d.proc)
        assert fd is not None, (d.proc.poll(), d.log())
        d.send(signal.SIGHUP)
        time.sleep(0.2)
        assert write_fifo(fd, text), "killed: %r" % d.proc.wait()
        assert d.wait_log("polling 1 feeds"), (d.proc.poll(), d.log())
        # The held SIGHUP is a reload, which reads the FIFO again.
        assert d.wait_log("reload: reading"), d.log()
        fd = fifo_writer(fifo, d.proc)
        assert fd is not None, (d.proc.poll(), d.log())
        assert write_fifo(fd, text), (d.proc.poll(), d.log())
        assert d.wait_log("reload: 0 added, 0 removed, 0 changed"), d.log()
        assert d.wait_for(lambda: work.maildir_count() == 2, 5), d.log()
        assert d.stop() == 0, d.log()


def test_state_locked_by_another_writer_is_waited_for(server, work):
    # S01: an outside writer holding SQLite's write lock for a while makes
    # the poll wait (busy timeout), not fail or lose entries.
    server.set("/a.xml", rss("a", 3))
    work.write_config({"a": server.url("/a.xml")})
    assert work.once().rc == 0
    server.set("/a.xml", rss("a", 3, start=3))
    db = sqlite3.connect(str(work.path / "state.db"), isolation_level=None,
                         check_same_thread=False)
    db.execute("BEGIN IMMEDIATE")
    release = threading.Timer(2.0, lambda: db.execute("COMMIT"))
    release.start()
    try:
        res = work.once()
    finally:
        release.join()
        db.close()
    assert res.rc == 0, res
    assert res.elapsed >= 1.5, res
    assert work.maildir_count() == 6
