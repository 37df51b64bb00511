"""
The daemon's daily digest (SPEC "Digest", README [digest] time, dir, mail):
at [digest] time in the zone the daemon writes the day's post into dir and,
with mail = yes, one message into the spool; exactly once: a digest whose
moment passed while the daemon was down is written late at start, one
already written is not written again on a restart, and a kill at the crash
points digest-recorded and digest-placed is finished by the next start
(one post, no leftover temporary file, one message).

A scheduled digest covers what was delivered before its moment, so one
module-scoped fixture delivers every scenario's entries first, then waits
once (under about a minute) for the next minute boundary M: a daemon
started before M writes its digest when M comes (the live timer); the
other scenarios set time = M, which has passed when they start, so their
digests are due late at start.  The files of a scenario are removed and
its digests row deleted (sqlite3) to write a digest again.  Last, a stop
(two SIGTERMs) while summary_cmd hangs must be prompt and leave no
process behind.
"""

import datetime
import os
import re
import signal
import subprocess
import time
import types

import pytest

from conftest import Work
from daemonproc import Daemon
from digest_shape import parse_post, unquote
from helpers import query
from test_digest import DEAL, DEAL_SOURCES, R_TITLE, SEOUL, TITLE, configure, md_plain, rss

POST_RE = re.compile(r"\d{4}-\d\d-\d\d-ai-뉴스\.md")


def write_feeds(folder, feeds):
    folder.mkdir()
    urls = {}
    for name, (title, items) in feeds.items():
        path = folder / ("%s.xml" % name)
        path.write_bytes(rss(title, items))
        urls[name] = "file://%s" % path
    return urls


def set_time(work, at):
    """[digest] time = the Seoul HH:MM of the moment at (a minute boundary)."""
    hhmm = datetime.datetime.fromtimestamp(at, SEOUL).strftime("%H:%M")
    configure(work, work.urls, digest={"time": hhmm, "dir": "_posts", "mail": "yes"})


def expected_title(at):
    return "%s %s" % (datetime.datetime.fromtimestamp(at, SEOUL).strftime("%Y-%m-%d"), TITLE)


def prepare(root, binary, name):
    """A work folder whose entries are all delivered now."""
    work = Work(root / name, binary)
    work.path.mkdir()
    work.urls = write_feeds(work.path / "feeds", DEAL)
    (work.path / "_posts").mkdir()
    configure(work, work.urls, digest={"dir": "_posts", "mail": "yes"})
    res = work.once()
    assert res.rc == 0, res
    assert work.maildir_count() == 6, res
    return work


def posts(work):
    """Every file in _posts, hidden ones too."""
    return sorted(os.listdir(work.path / "_posts"))


def digest_messages(work, title):
    return [m for m in work.messages() if str(m["Subject"]) == title]


def digest_rows(work):
    return query(work.path / "state.db",
                 "SELECT day, since, until, path, tmp, mail FROM digests ORDER BY day")


def finished(work, title):
    """The post and the message are both there."""
    return (any(POST_RE.fullmatch(n) for n in posts(work))
            and len(digest_messages(work, title)) >= 1)


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory, binary):
    root = tmp_path_factory.mktemp("digest-daemon")
    works = {name: prepare(root, binary, name)
             for name in ("live", "late", "recorded", "placed", "slow")}
    delivered = time.time()
    # The next minute boundary, a few seconds away at least.
    at = (int(delivered) // 60 + 1) * 60
    if at - delivered < 5:
        at += 60
    live = works["live"]
    set_time(live, at)
    ns = types.SimpleNamespace(works=works, at=at, title=expected_title(at),
                               delivered=delivered)
    with Daemon(live) as d:
        assert d.wait_log("polling"), d.log()
        # Before M: nothing for today (an empty yesterday writes no post).
        while time.time() < at - 0.7:
            time.sleep(0.1)
        ns.before = posts(live)
        ns.messages_before = len(digest_messages(live, ns.title))
        d.wait_for(lambda: finished(live, ns.title), timeout=at - time.time() + 20)
        ns.appeared = time.time()
        ns.live_rc = d.stop()
        ns.live_log = d.log()
    for name in ("late", "recorded", "placed", "slow"):
        set_time(works[name], at)
    return ns


def assert_one_digest(work, ns):
    """One post in _posts (nothing hidden), one digest message, the record
    finished; returns the post's path."""
    names = posts(work)
    assert len(names) == 1 and POST_RE.fullmatch(names[0]), names
    path = work.path / "_posts" / names[0]
    day = datetime.datetime.fromtimestamp(ns.at, SEOUL)
    assert names[0] == day.strftime("%Y-%m-%d") + "-ai-뉴스.md"
    post = parse_post(path.read_bytes())
    fm = dict(post["front_matter"])
    assert unquote(fm["title"]) == ns.title
    assert fm["date"] == day.strftime("%Y-%m-%d %H:%M:%S +0900"), fm
    deal = post["sections"][0]
    assert md_plain(deal["headline"]) == R_TITLE
    assert set(deal["sources"]) == DEAL_SOURCES
    assert len(post["sections"]) == 2

    msgs = digest_messages(work, ns.title)
    assert len(msgs) == 1, msgs
    m = msgs[0].msg
    assert m.get_content_type() == "multipart/alternative"
    html = m.get_body(preferencelist=("html",)).get_content()
    for _, url in deal["sources"]:
        assert url in html
    assert work.maildir_count() == 7            # six entries and the digest
    assert list((work.spool / "tmp").iterdir()) == []

    rows = [r for r in digest_rows(work) if r[0] == day.strftime("%Y-%m-%d")]
    assert len(rows) == 1, digest_rows(work)
    _, since, until, rpath, tmp, mail = rows[0]
    assert until == ns.at and since < ns.delivered, rows
    assert rpath is not None and os.path.samefile(rpath if os.path.isabs(rpath) else
                                                  work.path / rpath, path), rows
    assert tmp is None and mail is None, rows
    return path


def run_daemon(work, until_text=None, settle=1.5, env=None):
    """Starts the daemon, waits for its start (and for until_text in its
    log), lets the digest timer run, stops it; returns its log."""
    with Daemon(work, env=env) as d:
        assert d.wait_log("polling"), d.log()
        if until_text is not None:
            assert d.wait_log(until_text, timeout=15), d.log()
        time.sleep(settle)
        assert d.stop() == 0, d.log()
        return d.log()


def test_live_timer_writes_the_digest_when_its_moment_comes(scheduled):
    ns = scheduled
    live = ns.works["live"]
    assert ns.live_rc == 0, ns.live_log
    assert not any(POST_RE.fullmatch(n) for n in ns.before), ns.before
    assert ns.messages_before == 0
    assert ns.at <= ns.appeared < ns.at + 20, (ns.at, ns.appeared, ns.live_log)
    path = assert_one_digest(live, ns)
    assert path.stat().st_mtime >= ns.at - 1
    # A digest asked for now starts where the daemon's ended: nothing new.
    res = live.run("digest")
    assert res.rc == 0 and "## " not in res.stdout, res


def test_late_digest_is_written_at_start_and_once(scheduled):
    ns = scheduled
    work = ns.works["late"]
    # What a run killed before it recorded its digest would leave: a
    # temporary post of a process that is gone.  It is swept away.
    name = datetime.datetime.fromtimestamp(ns.at, SEOUL).strftime("%Y-%m-%d") + "-ai-뉴스.md"
    gone = subprocess.Popen(["true"])
    gone.wait()
    orphan = work.path / "_posts" / (".%s.tmp.%d" % (name, gone.pid))
    orphan.write_text("half a post")
    log = run_daemon(work, until_text=" stories")
    assert not orphan.exists(), posts(work)
    path = assert_one_digest(work, ns)
    st = path.stat()
    msg = digest_messages(work, ns.title)[0].path
    data = path.read_bytes()

    # A restart finds the digest written: it is not written again.
    log = run_daemon(work, settle=2.0)
    assert "an interrupted digest finished" not in log
    assert_one_digest(work, ns)
    st2 = path.stat()
    assert (st2.st_ino, st2.st_mtime_ns) == (st.st_ino, st.st_mtime_ns)
    assert path.read_bytes() == data
    assert [m.path for m in digest_messages(work, ns.title)] == [msg]


@pytest.mark.parametrize("point", ["digest-recorded", "digest-placed"])
def test_crash_points_are_finished_by_the_next_start(scheduled, point):
    ns = scheduled
    work = ns.works["recorded" if point == "digest-recorded" else "placed"]
    d = Daemon(work, env={"AGGREGATOR_CRASH": point + ":1"})
    try:
        rc = d.proc.wait(timeout=20)
    finally:
        d.__exit__()
    assert rc == -signal.SIGKILL, (rc, d.log())
    day = datetime.datetime.fromtimestamp(ns.at, SEOUL).strftime("%Y-%m-%d")
    [row] = [r for r in digest_rows(work) if r[0] == day]
    assert row[4] is not None and row[5] is not None, row    # pending
    names = posts(work)
    if point == "digest-recorded":
        # The post waits under a hidden temporary name, the message in tmp/.
        assert len(names) == 1 and names[0].startswith(".") and ".tmp." in names[0], names
        assert os.path.samefile(row[4] if os.path.isabs(row[4]) else work.path / row[4],
                                work.path / "_posts" / names[0])
        assert len(list((work.spool / "tmp").iterdir())) == 1
        assert digest_messages(work, ns.title) == []
    else:
        assert len(names) == 1 and POST_RE.fullmatch(names[0]), names
        [msg] = digest_messages(work, ns.title)
        # A mail reader reads it before the next start: it is not
        # delivered again.
        assert msg.path.parent.name == "new"
        os.rename(msg.path, work.spool / "cur" / (msg.path.name + ":2,S"))

    log = run_daemon(work, until_text="an interrupted digest finished")
    path = assert_one_digest(work, ns)
    st = path.stat()
    # And the next start leaves it alone.
    log = run_daemon(work, settle=2.0)
    assert "an interrupted digest finished" not in log
    assert_one_digest(work, ns)
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (st.st_ino, st.st_mtime_ns)


def test_deleted_record_is_written_again_once(scheduled):
    """With the digests row deleted (sqlite3) and the files removed, the
    next start writes the digest again, once."""
    import sqlite3
    ns = scheduled
    work = ns.works["late"]
    if not finished(work, ns.title):
        run_daemon(work, until_text=" stories")
    assert_one_digest(work, ns)
    db = sqlite3.connect(str(work.path / "state.db"))
    db.execute("DELETE FROM digests")
    db.commit()
    db.close()
    for n in posts(work):
        os.unlink(work.path / "_posts" / n)
    for m in digest_messages(work, ns.title):
        os.unlink(m.path)
    run_daemon(work, until_text=" stories")
    assert_one_digest(work, ns)


def pgrep(marker):
    r = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    return r.stdout.split()


def test_stop_while_summary_cmd_hangs(scheduled):
    """SIGTERM twice while the digest waits for a summary_cmd that hangs:
    the daemon exits at once (README: a second signal cuts the grace
    short), leaves no summary_cmd behind, and the next start writes the
    digest once."""
    ns = scheduled
    work = ns.works["slow"]
    marker = "29.%06d" % (os.getpid() % 1000000)
    hhmm = datetime.datetime.fromtimestamp(ns.at, SEOUL).strftime("%H:%M")
    configure(work, work.urls, digest={
        "time": hhmm, "dir": "_posts", "mail": "yes",
        "summary_cmd": "cat >/dev/null; sleep %s" % marker, "summary_timeout": "6s"})
    try:
        with Daemon(work) as d:
            assert d.wait_for(lambda: pgrep("sleep " + marker), timeout=10), d.log()
            start = time.monotonic()
            d.send(signal.SIGTERM)
            time.sleep(0.5)
            d.send(signal.SIGTERM)
            rc = d.stop(timeout=30)
            elapsed = time.monotonic() - start
            log = d.log()
        assert rc == 0, log
        assert pgrep("sleep " + marker) == [], "summary_cmd left behind"
    finally:
        for pid in pgrep("sleep " + marker):
            os.kill(int(pid), signal.SIGKILL)
    # Whatever the stop left, the next start finishes the digest once.
    configure(work, work.urls, digest={"time": hhmm, "dir": "_posts", "mail": "yes"})
    done = finished(work, ns.title)
    run_daemon(work, until_text=None if done else " stories")
    assert_one_digest(work, ns)
    # The stop cancels summary_cmd: the daemon does not wait for its time.
    assert elapsed < 4, "the daemon took %.1f s to stop on two SIGTERMs while " \
        "summary_cmd hung (summary_timeout 6s, 2 stories)\n%s" % (elapsed, log)
