"""
Catalogue rows D05, D11, D12, D13, D15, D16, S02, S04 and S07
(../shared/RELIABILITY.md section 8) against `aggregator --once`: crashes
around delivery and stale tmp/ files, a damaged maildir layout, hostile
names, many deliveries at once, crashes while the merged feed is
rewritten, an unwritable output, a full state filesystem, a lost state
file, and feeds whose ids are useless for deduplication.  The oracle is
the spool read back with email/mailbox, the state read with sqlite3 and
the merged feed checked with xmllint and feedparser.
"""

import ctypes
import hashlib
import os
import pathlib
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import feedparser
import pytest

from conftest import NEW_ITEM, entry_key, fixture_bytes, run_process

PLAIN = ["Plain RSS one", "Plain RSS three", "Plain RSS two"]
ATOM_NS = "{http://www.w3.org/2005/Atom}"
# README: SECONDS.M<usec>P<pid>Q<n>.KEY.HOST, KEY the 64 hex digits.
NAME_RE = re.compile(r"^([0-9]+)\.M[0-9]{6}P([0-9]+)Q[0-9]+\.([0-9a-f]{64})\.([^/:.]+)$")


# --- helpers -----------------------------------------------------------------

def rss(title, items):
    """An RSS 2.0 document; items are dicts with any of title, link, guid
    (guid_permalink False adds isPermaLink="false"), description."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
           "<title>%s</title><link>https://feeds.example/</link>"
           "<description>catalogue</description>\n" % escape(title)]
    for it in items:
        out.append("<item>")
        if "title" in it:
            out.append("<title>%s</title>" % escape(it["title"]))
        if "link" in it:
            out.append("<link>%s</link>" % escape(it["link"]))
        if "guid" in it:
            attr = ' isPermaLink="false"' if not it.get("guid_permalink", True) else ""
            out.append("<guid%s>%s</guid>" % (attr, escape(it["guid"])))
        if "description" in it:
            out.append("<description>%s</description>" % escape(it["description"]))
        out.append("</item>\n")
    out.append("</channel></rss>\n")
    return "".join(out).encode("utf-8")


def items(prefix, n, start=0, size=0):
    """n items "<prefix> item <i>" with links https://<prefix>.example/<i>,
    the description padded to about size bytes."""
    return [{"title": "%s item %d" % (prefix, i),
             "link": "https://%s.example/%d" % (prefix, i),
             "description": ("<p>Item %d of %s.</p>" % (i, prefix)) +
                            ("<p>%s</p>" % ("lorem ipsum " * (size // 12)) if size else "")}
            for i in range(start, start + n)]


def titles(prefix, n, start=0):
    return ["%s item %d" % (prefix, i) for i in range(start, start + n)]


def put_feed(path, data):
    """Replaces the feed file at once, as a publisher would."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return "file://%s" % path


def message_id(msg):
    m = re.fullmatch(r"<([0-9a-f]{64})@aggregator>", str(msg["Message-ID"]).strip())
    assert m, msg
    return m.group(1)


def subjects(work):
    return sorted(str(m["Subject"]) for m in work.messages())


def assert_exactly_once(work, expected):
    """Every expected subject once and nothing else, one file per
    Message-ID, mailbox.Maildir agrees, tmp/ empty."""
    msgs = work.messages()
    assert sorted(str(m["Subject"]) for m in msgs) == sorted(expected)
    ids = [message_id(m) for m in msgs]
    assert len(set(ids)) == len(ids), ids
    assert work.maildir_count() == len(expected)
    assert list((work.spool / "tmp").iterdir()) == []


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def query(db_path, sql, *args):
    db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def integrity_ok(db_path):
    return query(db_path, "PRAGMA integrity_check") == [("ok",)]


def run_env(work, env, timeout=20):
    return run_process([work.binary, "-c", str(work.config), "--once"],
                       timeout=timeout, cwd=str(work.path),
                       env=dict(os.environ, **env))


def mount_tmpfs(path, size):
    path.mkdir(exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size,
                        "tmpfs", str(path)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs: %s" % r.stderr.decode().strip())


def fill(path):
    """Fills the filesystem holding path; returns the filler file."""
    filler = path / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"x" * 4096)
        except OSError as e:
            assert e.errno == 28, e     # ENOSPC
    # Whatever is left is smaller than a page: take that too.
    with open(path / "filler2", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"x")
        except OSError:
            pass
    return filler


# --- D05: a crash between writing and renaming, stale files in tmp/ --------

def pending_names(work):
    return {n for (n,) in query(work.path / "state.db", "SELECT name FROM pending")}


def test_D05_crash_around_rename_and_stale_tmp(work, tmp_path):
    # We deliver with rename(tmp/NAME, new/NAME), not link() + unlink(tmp):
    # the catalogue's window between the two does not exist.  The nearest
    # cases are kills at the fault points around the rename (daemon/fault.c).
    feed = tmp_path / "d05.xml"
    work.write_config({"d05": put_feed(feed, rss("D05", items("d05", 4)))})
    state = work.path / "state.db"

    # Killed while the messages are written into tmp/, before any is
    # recorded: the files left in tmp/ are stale (ours, of a dead process).
    res = run_env(work, {"AGGREGATOR_CRASH": "after-tmp:2"})
    assert res.rc == -signal.SIGKILL, res
    stale = sorted(p.name for p in (work.spool / "tmp").iterdir())
    assert stale and all(NAME_RE.match(n) for n in stale), stale
    assert list((work.spool / "new").iterdir()) == []
    assert pending_names(work) == set()
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, titles("d05", 4))
    assert not set(stale) & {p.name for p in work.message_files()}

    # Killed right after the second rename into new/: two messages are in
    # new/, two in tmp/, all four recorded as pending and none as seen.
    put_feed(feed, rss("D05", items("d05", 8)))
    before = {p.name for p in work.message_files()}
    res = run_env(work, {"AGGREGATOR_CRASH": "after-put:2"})
    assert res.rc == -signal.SIGKILL, res
    crashed_new = {p.name for p in (work.spool / "new").iterdir()} - before
    pending = pending_names(work)
    assert len(crashed_new) == 2 and crashed_new <= pending and len(pending) == 4
    keys = {entry_key("https://d05.example/%d" % i) for i in range(4, 8)}
    assert not keys & {k for (k,) in query(state, "SELECT key FROM seen")}

    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, titles("d05", 8))
    # Recovery used the crash's names: the two in new/ were recognised, not
    # written again, and tmp/ is empty (checked above).
    assert {p.name for p in work.message_files()} == before | pending
    assert pending_names(work) == set()
    assert keys <= {k for (k,) in query(state, "SELECT key FROM seen")}
    assert integrity_ok(state)
    res = work.once()
    assert res.rc == 0, res
    assert res.stdout.startswith("aggregator: 0 new entries"), res
    assert_exactly_once(work, titles("d05", 8))


# --- D11: tmp/ or new/ missing, tmp/ on another filesystem -----------------

def file_reader(work):
    """A reader files everything of new/ in cur/."""
    for p in (work.spool / "new").iterdir():
        os.rename(p, work.spool / "cur" / (p.name + ":2,S"))


def test_D11_missing_maildir_dirs(work, tmp_path):
    feed = tmp_path / "d11.xml"
    work.write_config({"d11": put_feed(feed, rss("D11", items("d11", 3)))})
    res = work.once()
    assert res.rc == 0, res
    # Everything filed in cur/; then tmp/ and new/ are removed.
    file_reader(work)
    cur = sorted(p.name for p in (work.spool / "cur").iterdir())
    shutil.rmtree(work.spool / "tmp")
    shutil.rmtree(work.spool / "new")
    put_feed(feed, rss("D11", items("d11", 4)))
    res = work.once()
    assert res.rc == 0, res
    # Created again, 0700, and the run delivered into them.
    for sub in ("tmp", "new"):
        st = os.stat(work.spool / sub)
        assert oct(st.st_mode & 0o7777) == oct(0o700), sub
    assert sorted(p.name for p in (work.spool / "cur").iterdir()) == cur
    assert [str(m["Subject"]) for m in work.messages()
            if m.path.parent.name == "new"] == ["d11 item 3"]
    assert_exactly_once(work, titles("d11", 4))

    # A crash leaves an entry pending; new/ vanishes before the restart:
    # recovery creates it again and delivers the entry there, once.
    put_feed(feed, rss("D11", items("d11", 5)))
    res = run_env(work, {"AGGREGATOR_CRASH": "after-pending:1"})
    assert res.rc == -signal.SIGKILL, res
    file_reader(work)
    shutil.rmtree(work.spool / "new")
    res = work.once()
    assert res.rc == 0, res
    assert (work.spool / "new").is_dir()
    assert_exactly_once(work, titles("d11", 5))

    # The whole maildir gone: made again, the seen entries stay seen.
    shutil.rmtree(work.spool)
    put_feed(feed, rss("D11", items("d11", 6)))
    res = work.once()
    assert res.rc == 0, res
    assert oct(os.stat(work.spool).st_mode & 0o7777) == oct(0o700)
    assert_exactly_once(work, ["d11 item 5"])


def test_D11_tmp_on_other_filesystem(work, tmp_path):
    other = pathlib.Path("/dev/shm") / ("agg-d11-%d" % os.getpid())
    other.mkdir()
    try:
        if os.stat(other).st_dev == os.stat(tmp_path).st_dev:
            pytest.skip("/dev/shm is on the spool's filesystem")
        feed = tmp_path / "d11.xml"
        work.write_config({"d11": put_feed(feed, rss("D11", items("d11", 2)))})
        res = work.once()
        assert res.rc == 0, res
        shutil.rmtree(work.spool / "tmp")
        os.symlink(other, work.spool / "tmp")
        put_feed(feed, rss("D11", items("d11", 4)))
        # rename(tmp/NAME, new/NAME) would fail with EXDEV: the spool is
        # refused at start with one clear line, exit 3, nothing new in it.
        for attempt in range(2):
            res = work.once()
            assert res.rc == 3, res
            lines = res.stderr.strip().splitlines()
            assert len(lines) == 1, res
            assert re.search(r"spool .*/tmp and .*/new are on different "
                             r"filesystems", lines[0]), res
            assert subjects(work) == titles("d11", 2)
        # Repaired the way a user would: tmp/ a real folder again.
        (work.spool / "tmp").unlink()
        (work.spool / "tmp").mkdir(mode=0o700)
    finally:
        shutil.rmtree(other, ignore_errors=True)
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, titles("d11", 4))
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, titles("d11", 4))


# --- D12: hostile titles, guids and host name --------------------------------

HOSTILE = ["../../.ssh/x", "a:b", ".hidden", "/etc/passwd", "x/../../y",
           "..", "\\057", "a/b:c.d"]


def run_with_hostname(work, hostname):
    """--once in its own UTS namespace with the given host name."""
    libc = ctypes.CDLL(None, use_errno=True)

    def pre():
        if libc.unshare(0x04000000) != 0:       # CLONE_NEWUTS
            raise OSError(ctypes.get_errno(), "unshare")
        socket.sethostname(hostname)

    proc = subprocess.run([work.binary, "-c", str(work.config), "--once"],
                          cwd=str(work.path), capture_output=True, timeout=20,
                          preexec_fn=pre)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def tree(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, dirs, files in os.walk(root) for f in files + dirs)


def test_D12_hostile_names(work, tmp_path):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    evil = [{"title": t, "guid": t, "guid_permalink": False,
             "description": "guid %s" % t} for t in HOSTILE]
    evil.append({"title": "../../.ssh/authorized_keys",
                 "link": "https://evil.example/../../.ssh/x?a:b#.c",
                 "description": "link"})
    work.write_config({
        "dots": put_feed(feeds / "dots.xml", rss("../../.ssh/x", evil)),
        "named": {"url": put_feed(feeds / "named.xml",
                                  rss("a:b", items("named", 2))),
                  "title": ".a:b/../../c"},
    })
    outside = tmp_path.parent.parent / ".ssh"
    had_outside = outside.exists()
    parent_before = sorted(os.listdir(tmp_path.parent))
    try:
        rc, out, err = run_with_hostname(work, "evil/host:name.x")
        host = "evil_host_name_x"
    except (OSError, subprocess.SubprocessError):     # no CAP_SYS_ADMIN
        res = work.once()
        rc, out, err = res.rc, res.stdout, res.stderr
        host = re.sub(r"[/:.\x00-\x20]", "_", socket.gethostname())
    assert rc == 0, (out, err)
    msgs = work.messages()
    assert len(msgs) == len(evil) + 2
    # The hostile values did reach the messages.
    assert sorted(str(m["X-RSS-ID"]) for m in msgs if m["X-RSS-ID"]) == sorted(HOSTILE)
    froms = {str(m["From"]) for m in msgs}
    assert any("../../.ssh/x" in f for f in froms), froms
    assert any(".a:b/../../c" in f for f in froms), froms
    for m in msgs:
        name = m.path.name
        assert not name.startswith("."), name
        assert ":" not in name and "/" not in name, name
        g = NAME_RE.match(name)
        assert g, name
        assert g.group(3) == message_id(m), name
        assert g.group(4) == host, name
    # Nothing written anywhere else: only what the config names.
    allowed = re.compile(r"^(aggregator\.conf|merged\.atom|state\.db(-wal|-shm|\.lock)?|"
                         r"feeds(/\w+\.xml)?|spool(/(tmp|new|cur)(/[^/]+)?)?)$")
    stray = [p for p in tree(work.path) if not allowed.match(p)]
    assert stray == [], stray
    assert all(re.match(r"spool/(new|cur)/", p) for p in tree(work.path)
               if p.startswith("spool/") and p.count("/") == 2), tree(work.path)
    assert sorted(os.listdir(tmp_path.parent)) == parent_before
    assert outside.exists() == had_outside


# --- D13: many deliveries at once ------------------------------------------

def test_D13_many_names_distinct(work, tmp_path):
    feed = tmp_path / "bulk.xml"
    url = put_feed(feed, rss("Bulk", items("bulk", 1000)))
    work.write_config({"bulk": url}, state="a.db", output="a.atom")
    res = work.once(timeout=60)
    assert res.rc == 0, res
    assert_exactly_once(work, titles("bulk", 1000))
    first = {p.name for p in work.message_files()}
    # Most of them share their second: the names still differ.
    assert len({NAME_RE.match(n).group(1) for n in first}) < 100

    # Two processes with their own state deliver the same 1000 entries
    # into one spool at the same time: 2000 more files, none overwritten.
    confs = [work.write_config({"bulk": url}, name="%s.conf" % s,
                               state="%s.db" % s, output="%s.atom" % s)
             for s in ("b", "c")]
    procs = [subprocess.Popen([work.binary, "-c", str(c), "--once"],
                              cwd=str(work.path), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for c in confs]
    outs = [p.communicate(timeout=60) for p in procs]
    for p, (o, e) in zip(procs, outs):
        assert p.returncode == 0, (o, e)
    files = work.message_files()
    names = [p.name for p in files]
    assert len(names) == 3000 and len(set(names)) == 3000
    assert list((work.spool / "tmp").iterdir()) == []
    per_pid = {}
    ids = {}
    for path in files:
        g = NAME_RE.match(path.name)
        # Reading the head is enough here: 3000 full parses take seconds.
        with open(path, "rb") as f:
            head = f.read(8192).decode("ascii", "replace")
        m = re.search(r"^Message-ID: <([0-9a-f]{64})@aggregator>", head, re.M | re.I)
        assert g and m and g.group(3) == m.group(1), path.name
        ids[g.group(3)] = ids.get(g.group(3), 0) + 1
        per_pid.setdefault(g.group(2), []).append(path.stat().st_mtime)
    assert len(ids) == 1000 and set(ids.values()) == {3}
    assert len(per_pid) == 3
    # The two runs did overlap in time.
    b, c = [sorted(v) for k, v in per_pid.items()
            if str(procs[0].pid) == k or str(procs[1].pid) == k]
    assert b[0] < c[-1] and c[0] < b[-1], "the two runs did not overlap"


# --- D15: kill -9 while the merged feed is rewritten -----------------------

def xmllint_ok(path):
    return subprocess.run(["xmllint", "--noout", "--nonet", str(path)],
                          capture_output=True).returncode == 0


def test_D15_kill_during_atom_write(work, tmp_path):
    if shutil.which("xmllint") is None:
        pytest.skip("xmllint not installed")
    n = 400
    feed = tmp_path / "big.xml"
    url = put_feed(feed, rss("Big", items("big", n, size=6000)))
    work.write_config({"big": url}, max_entries=n, title="round 0")
    res = work.once(timeout=60)
    assert res.rc == 0, res
    assert work.output.stat().st_size > 2 * 1024 * 1024
    prev = work.output.read_bytes()
    rng = random.Random(int(os.environ.get("D15_SEED", "15")))
    rounds = int(os.environ.get("D15_ROUNDS", "24"))
    mid_write = renamed = 0
    for r in range(1, rounds + 1):
        work.write_config({"big": url}, max_entries=n, title="round %d" % r)
        proc = subprocess.Popen([work.binary, "-q", "-c", str(work.config), "--once"],
                                cwd=str(work.path), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        tmpname = "merged.atom.tmp.%d" % proc.pid
        tmppath = str(work.path / tmpname)
        deadline = time.monotonic() + 20
        # Wait for the rewrite to start, then kill it: at once (while it
        # writes) in two rounds of three, else a little later (while it
        # syncs or renames, or after it is done).
        delay = 0 if r % 3 else rng.uniform(0, 0.05)
        while proc.poll() is None and time.monotonic() < deadline:
            if os.path.exists(tmppath):
                time.sleep(delay)
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.0002)
        proc.communicate(timeout=20)
        leftover = os.path.exists(tmppath)
        if proc.returncode == -signal.SIGKILL and leftover:
            mid_write += 1
        cur = work.output.read_bytes()
        # Either the old version, byte for byte, or the whole new one.
        if cur != prev:
            renamed += 1
            root = ET.fromstring(cur)
            assert root.findtext(ATOM_NS + "title") == "round %d" % r
            assert len(root.findall(ATOM_NS + "entry")) == n
        assert xmllint_ok(work.output), "round %d: %d bytes" % (r, len(cur))
        # feedparser takes about 0.5 s here: the first new version only.
        if cur != prev and renamed == 1:
            d = feedparser.parse(cur)
            assert not d.bozo, d.bozo_exception
            assert len(d.entries) == n
        prev = cur
    # The kills did land inside the rewrite, and some rewrites completed.
    assert mid_write >= rounds // 3, (mid_write, renamed)
    assert renamed >= 1, (mid_write, renamed)

    res = work.once(timeout=60)
    assert res.rc == 0, res
    d = work.merged()
    assert not d.bozo and d.feed.title == "round %d" % rounds and len(d.entries) == n
    assert xmllint_ok(work.output)
    assert work.maildir_count() == n
    # The files the kills left behind are gone once a run completes.
    assert [p for p in os.listdir(work.path) if p.startswith("merged.atom.tmp")] == []


# --- D16: the output cannot be written ---------------------------------------

@pytest.mark.parametrize("layout", ["read-only", "missing-dir", "full"])
def test_D16_output_unwritable(work, tmp_path, layout):
    feed = tmp_path / "plain.xml"
    url = put_feed(feed, fixture_bytes("plain-rss2.xml"))
    outdir = work.path / "out"
    output = outdir / "merged.atom"
    outdir.mkdir()
    if layout == "full":
        mount_tmpfs(outdir, "64k")
    work.write_config({"plain-rss": url}, output="out/merged.atom")
    mounted = layout == "full"
    try:
        res = work.once()
        assert res.rc == 0, res
        old = output.read_bytes()
        if layout == "read-only":
            # Root ignores mode bits (chmod 0555): a read-only bind mount.
            r = subprocess.run(["mount", "--bind", str(outdir), str(outdir)],
                               capture_output=True)
            if r.returncode != 0:
                pytest.skip("cannot bind-mount: %s" % r.stderr.decode().strip())
            mounted = True
            r = subprocess.run(["mount", "-o", "remount,ro,bind", str(outdir)],
                               capture_output=True)
            assert r.returncode == 0, r
        elif layout == "missing-dir":
            os.rename(outdir, work.path / "out.away")
        else:
            fill(outdir)
        put_feed(feed, fixture_bytes("plain-rss2.xml").replace(b"</channel>", NEW_ITEM))

        res = work.once()
        assert res.rc == 3, res
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1, res
        assert "merged feed %s" % output in lines[0], res
        assert re.search({"read-only": r"Read-only file system",
                          "missing-dir": r"No such file or directory",
                          "full": r"No space left on device"}[layout], lines[0]), res
        # The spool is not affected.
        assert_exactly_once(work, PLAIN + ["Plain RSS four (new)"])
        if layout == "missing-dir":
            assert not outdir.exists()
            assert (work.path / "out.away" / "merged.atom").read_bytes() == old
        else:
            assert output.read_bytes() == old
            assert sorted(os.listdir(outdir)) in (["merged.atom"],
                                                 ["filler", "filler2", "merged.atom"])
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(outdir)])
    # Repaired: the next run writes it, and delivers nothing again.
    if layout == "missing-dir":
        os.rename(work.path / "out.away", outdir)
    elif layout == "full":
        outdir.mkdir(exist_ok=True)
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, PLAIN + ["Plain RSS four (new)"])
    d = feedparser.parse(output.read_bytes())
    assert not d.bozo
    assert sorted(e.title for e in d.entries) == sorted(PLAIN + ["Plain RSS four (new)"])


# --- S02: the state's filesystem is full ------------------------------------

def test_S02_state_disk_full(work, tmp_path):
    statedir = work.path / "st"
    mount_tmpfs(statedir, "16m")
    try:
        feeds = tmp_path / "feeds"
        feeds.mkdir()
        plain = put_feed(feeds / "plain.xml", fixture_bytes("plain-rss2.xml"))
        big = feeds / "big.xml"
        put_feed(big, rss("Big", []))
        work.write_config({"plain-rss": plain, "big": "file://%s" % big},
                          state="st/state.db")
        res = work.once()
        assert res.rc == 0, res
        assert_exactly_once(work, PLAIN)
        db = statedir / "state.db"
        filler = fill(statedir)
        # 30 entries of 40 KB: more than any slack the files may have.
        put_feed(big, rss("Big", items("big", 30, size=40000)))

        res = work.once()
        assert res.rc == 3, res
        assert re.search(r"full|space", res.stderr, re.I), res
        assert all(len(l) < 1000 for l in res.stderr.splitlines()), res
        # Nothing of the big feed delivered or marked: no half state.
        assert_exactly_once(work, PLAIN)

        # Space is freed (reading a WAL database needs some too).
        filler.unlink()
        (statedir / "filler2").unlink()
        keys = {entry_key("https://big.example/%d" % i) for i in range(30)}
        seen = {k for (k,) in query(db, "SELECT key FROM seen")}
        assert not seen & keys
        assert query(db, "SELECT count(*) FROM pending") == [(0,)]
        assert integrity_ok(db)
        # 40 KB entries: the spool is not on the tmpfs, the state is.
        res = work.once(timeout=30)
        assert res.rc == 0, res
        assert_exactly_once(work, PLAIN + titles("big", 30))
        res = work.once(timeout=30)
        assert res.rc == 0, res
        assert_exactly_once(work, PLAIN + titles("big", 30))
        assert integrity_ok(db)
        assert {k for (k,) in query(db, "SELECT key FROM seen")} >= keys
    finally:
        subprocess.run(["umount", "-l", str(statedir)])


# --- S04: the state file is lost, the spool is not ---------------------------

def test_S04_state_deleted_redelivers(work, tmp_path):
    # SPEC has no first-run policy and the state is the only record of what
    # was delivered: a fresh state file delivers every entry the feeds still
    # show once more (same Message-ID, new file).  This pins that down.
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    work.write_config({"plain-rss": put_feed(feeds / "plain.xml",
                                             fixture_bytes("plain-rss2.xml")),
                       "s04": put_feed(feeds / "s04.xml", rss("S04", items("s04", 2)))})
    res = work.once()
    assert res.rc == 0, res
    expected = PLAIN + titles("s04", 2)
    assert_exactly_once(work, expected)
    first = {message_id(m) for m in work.messages()}
    for suffix in ("", "-wal", "-shm"):
        (work.path / ("state.db" + suffix)).unlink(missing_ok=True)

    res = work.once()
    assert res.rc == 0, res
    assert res.stderr.strip() == "", res
    assert res.stdout.startswith("aggregator: 5 new entries"), res
    assert subjects(work) == sorted(expected * 2)
    ids = [message_id(m) for m in work.messages()]
    assert set(ids) == first and len(ids) == 2 * len(first)
    # The new state then holds: no third copy.
    res = work.once()
    assert res.rc == 0, res
    assert subjects(work) == sorted(expected * 2)


# --- S07: ids that change on every fetch, entries without links -------------

def rotating_rss():
    """Stable links, guids that change on every call."""
    its = [{"title": "Rot item %d" % i, "link": "https://rot.example/a/%d" % i,
            "guid": "urn:uuid:%s" % uuid.uuid4(), "guid_permalink": False,
            "description": "rotating guid %d" % i} for i in range(3)]
    # A permalink guid that changes, next to a stable <link>: the link wins.
    its.append({"title": "Rot item perma", "link": "https://rot.example/a/perma",
                "guid": "https://rot.example/p/%s" % uuid.uuid4(),
                "description": "rotating permalink guid"})
    return rss("Rotating", its)


def rotating_atom():
    entries = "".join(
        '<entry><title>Rot atom %d</title><id>urn:uuid:%s</id>'
        '<link rel="alternate" href="https://rot.example/atom/%d?utm_source=feed"/>'
        '<updated>2025-11-01T0%d:00:00Z</updated><summary>a %d</summary></entry>\n'
        % (i, uuid.uuid4(), i, i, i) for i in range(2))
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>Rotating Atom</title>'
            '<id>urn:rot</id><updated>2025-11-01T00:00:00Z</updated>\n%s</feed>\n'
            % entries).encode()


LINKLESS = [
    {"title": "Guid only one", "guid": "tag:linkless.example,2025:1",
     "guid_permalink": False, "description": "first note"},
    {"title": "Guid only two", "guid": "tag:linkless.example,2025:2",
     "guid_permalink": False, "description": "second note"},
    {"title": "Neither one", "description": "a note without link or guid"},
    {"title": "Neither two", "description": "another such note"},
]


def test_S07_rotating_guids_and_linkless(server, work):
    server.set("/rot.xml", rotating_rss(), content_type="application/rss+xml",
               validators=False)
    server.set("/rot.atom", rotating_atom(), content_type="application/atom+xml",
               validators=False)
    server.set("/linkless.xml", rss("Linkless", LINKLESS),
               content_type="application/rss+xml", validators=False)
    work.write_config({"rotating": server.url("/rot.xml"),
                       "rotating-atom": server.url("/rot.atom"),
                       "linkless": server.url("/linkless.xml")})
    expected = (["Rot item %d" % i for i in range(3)] + ["Rot item perma"] +
                ["Rot atom 0", "Rot atom 1"] + [it["title"] for it in LINKLESS])
    # The documented keys: canonical link; else "id\nFEED\nID"; else
    # "content\nFEED\nTITLE\nCONTENT".
    keys = {"Rot item %d" % i: entry_key("https://rot.example/a/%d" % i) for i in range(3)}
    keys["Rot item perma"] = entry_key("https://rot.example/a/perma")
    keys.update({"Rot atom %d" % i: entry_key("https://rot.example/atom/%d" % i)
                 for i in range(2)})
    for it in LINKLESS:
        if "guid" in it:
            keys[it["title"]] = sha("id\nlinkless\n%s" % it["guid"])
        else:
            keys[it["title"]] = sha("content\nlinkless\n%s\n%s"
                                    % (it["title"], it["description"]))
    for poll in range(3):
        if poll:
            server.set("/rot.xml", rotating_rss(), content_type="application/rss+xml",
                       validators=False)
            server.set("/rot.atom", rotating_atom(), content_type="application/atom+xml",
                       validators=False)
        server.clear_log()
        res = work.once()
        assert res.rc == 0, res
        assert [r.status for r in server.requests] == [200, 200, 200]
        assert_exactly_once(work, expected)
        got = {str(m["Subject"]): message_id(m) for m in work.messages()}
        assert got == keys
        if poll:
            assert res.stdout.startswith("aggregator: 0 new entries"), res

    # Changed text under a known key delivers nothing (SPEC); an entry with
    # neither link nor id is keyed by its text, so changed text is new.
    changed = [dict(it) for it in LINKLESS]
    changed[0]["description"] = "first note, edited"
    changed[2]["description"] = "a note without link or guid, edited"
    server.set("/linkless.xml", rss("Linkless", changed),
               content_type="application/rss+xml", validators=False)
    res = work.once()
    assert res.rc == 0, res
    assert res.stdout.startswith("aggregator: 1 new entries"), res
    assert subjects(work) == sorted(expected + ["Neither one"])
