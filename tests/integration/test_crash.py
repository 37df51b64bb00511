"""
Crash safety: many feeds change between runs of --once, most runs are
killed with SIGKILL (at random moments, and at the named points of the
delivery protocol), a reader moves messages from new/ to cur/ and deletes
some between runs, a filter drops every tenth article, and three feeds
deliver into Maildir++ folders; in the end every entry the filter keeps
is in the spool exactly once, and every one it drops is only marked seen.
Then the named points around the rename one by one (catalogue row D05:
stale files in tmp/, deliveries left pending), and kills while the merged
feed is rewritten (D15: it is always the old file or the whole new one).

CRASH_KILLS sets the number of killed runs (default 220).
"""

import os
import random
import re
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET

import feedparser
import pytest

from conftest import entry_key
from helpers import (NAME_RE, assert_exactly_once, folder_dirname, integrity_ok,
                     numbered_items, put_feed, query, rss_feed, run_env, titles)

ATOM_NS = "{http://www.w3.org/2005/Atom}"

DROPPED = re.compile(r"/a/\d*7(\?|$)")
POINTS = ["after-tmp", "after-pending", "after-put", "after-sync",
          "before-seen-commit"]
FEEDS = 8


def write_feed(path, name, entries):
    items = "".join(
        "<item><title>%s</title><link>%s</link><guid>%s</guid>"
        "<description>&lt;p&gt;%s&lt;/p&gt;</description></item>\n"
        % (title, link, link, title) for title, link in entries)
    data = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">'
            "<channel><title>%s</title><link>http://127.0.0.1/</link>\n%s"
            "</channel></rss>\n" % (name, items))
    tmp = path.with_suffix(".tmp")
    tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)


class Corpus:
    """Feeds that gain entries every round; some articles are shared."""

    def __init__(self, folder, rng):
        self.folder = folder
        self.rng = rng
        self.entries = {i: [] for i in range(FEEDS)}
        self.links = set()
        self.serial = 0

    def advance(self, trim):
        """trim: the last run finished, so old entries may scroll away."""
        for i in range(FEEDS):
            for _ in range(self.rng.randint(0, 3)):
                self.serial += 1
                link = "http://news.example/a/%d" % self.serial
                self.entries[i].insert(0, ("Article %d" % self.serial, link))
                self.links.add(link)
                # The same story in another feed, under a tracking variant.
                if self.rng.random() < 0.3:
                    j = (i + 1) % FEEDS
                    self.entries[j].insert(
                        0, ("Copy %d" % self.serial, link + "?utm_source=x"))
            if trim:
                del self.entries[i][20:]
        for i in range(FEEDS):
            write_feed(self.folder / ("f%d.xml" % i), "Feed %d" % i,
                       self.entries[i])


# Feeds that deliver into folders; the rest into the spool's own maildir.
FOLDERS = {1: "Crash/Nested", 2: "Crash/Nested", 5: "충돌"}


def message_ids(work):
    ids = []
    for path in work.message_files(folders=True):
        with open(path, "rb") as f:
            head = f.read(8192).decode("ascii", "replace")
        m = re.search(r"^Message-ID: <([0-9a-f]{64})@aggregator>", head,
                      re.M | re.I)
        assert m, "no Message-ID in %s" % path
        ids.append(m.group(1))
    return ids


def reader_pass(work, rng, deleted, may_delete):
    """A mail reader: moves some of new/ to cur/, sometimes deletes one."""
    read = []
    for maildir in work.maildirs():
        new = maildir / "new"
        cur = maildir / "cur"
        if not new.is_dir():
            continue
        for p in sorted(new.iterdir()):
            if rng.random() < 0.5:
                os.rename(p, cur / (p.name + ":2,S"))
        read += sorted(cur.iterdir())
    if may_delete and rng.random() < 0.2:
        if read:
            victim = rng.choice(read)
            deleted.extend(message_ids_of([victim]))
            victim.unlink()


def message_ids_of(paths):
    out = []
    for path in paths:
        head = path.read_bytes()[:8192].decode("ascii", "replace")
        out.append(re.search(r"^Message-ID: <([0-9a-f]{64})@", head,
                             re.M | re.I).group(1))
    return out


def test_crash_exactly_once(work, tmp_path):
    kills_wanted = int(os.environ.get("CRASH_KILLS", "220"))
    rng = random.Random(int(os.environ.get("CRASH_SEED", "1234")))
    folder = tmp_path / "feeds"
    folder.mkdir()
    corpus = Corpus(folder, rng)
    # A filter drops every tenth article in every feed that carries it.
    feeds = {}
    for i in range(FEEDS):
        feeds["f%d" % i] = {"url": "file://%s/f%d.xml" % (folder, i)}
        if i in FOLDERS:
            feeds["f%d" % i]["folder"] = FOLDERS[i]
    work.write_config(feeds, max_entries=50, drop_link=DROPPED.pattern)
    deleted = []
    kills = clean = 0
    typical = 0.02
    rounds = 0
    finished = True
    while kills < kills_wanted:
        rounds += 1
        corpus.advance(trim=finished)
        env = dict(os.environ)
        point = None
        if rng.random() < 0.5:
            point = rng.choice(POINTS)
            env["AGGREGATOR_CRASH"] = "%s:%d" % (point, rng.randint(1, 4))
        proc = subprocess.Popen(
            [work.binary, "-q", "-c", str(work.config), "--once"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        start = time.monotonic()
        if point is None and rng.random() < 0.85:
            time.sleep(rng.uniform(0, typical))
            proc.send_signal(signal.SIGKILL)
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        if proc.returncode == -signal.SIGKILL:
            kills += 1
        else:
            assert proc.returncode == 0, err.decode(errors="replace")
            clean += 1
            typical = max(0.005, min(0.2, time.monotonic() - start))
        finished = proc.returncode == 0
        reader_pass(work, rng, deleted, may_delete=finished)
        assert rounds < kills_wanted * 5, "too few runs were killed"

    # One clean run finishes whatever is pending.
    result = work.once()
    assert result.rc == 0, result

    ids = message_ids(work) + deleted
    expected = {entry_key(link) for link in corpus.links
                if not DROPPED.search(link)}
    filtered = {entry_key(link) for link in corpus.links} - expected
    assert filtered, "the filter dropped nothing"
    seen = {k for (k,) in query(work.path / "state.db", "SELECT key FROM seen")}
    assert filtered <= seen and not filtered & set(ids)
    dups = {k for k in ids if ids.count(k) > 1}
    assert not dups, "%d entries delivered twice" % len(dups)
    missing = expected - set(ids)
    assert not missing, "%d entries lost" % len(missing)
    assert set(ids) == expected
    assert not any(any((m / "tmp").iterdir()) for m in work.maildirs())
    # The folders' feeds delivered into their folders, nested by dots.
    assert {m.name for m in work.maildirs()[1:]} == \
        {folder_dirname(f) for f in FOLDERS.values()}
    for i, f in FOLDERS.items():
        box = work.spool / folder_dirname(f)
        assert any(NAME_RE.match(p.name) for sub in ("new", "cur")
                   for p in (box / sub).iterdir()), (i, f)
    # Every delivered entry is in exactly one story, as its message says,
    # and every story's root is a delivered entry of its own story.
    rows = query(work.path / "state.db", "SELECT key, story FROM story_entries")
    stories = dict(rows)
    assert set(stories) == expected and len(rows) == len(stories)
    for path in work.message_files(folders=True):
        head = path.read_bytes()[:8192].decode("ascii", "replace")
        key = re.search(r"^Message-ID: <([0-9a-f]{64})@", head, re.M).group(1)
        story = re.search(r"^X-RSS-Story: ([0-9a-f]{64})$", head, re.M)
        assert story and story.group(1) == stories[key], path
    assert all(stories.get(root) == root for root in set(stories.values()))
    print("crash test: %d kills, %d clean runs, %d entries, %d deleted by "
          "the reader, %d dropped by the filter; 0 lost, 0 duplicated"
          % (kills, clean, len(expected), len(deleted), len(filtered)))


# --- D05: a crash between writing and renaming, stale files in tmp/ --------

def pending_names(work):
    return {n for (n,) in query(work.path / "state.db", "SELECT name FROM pending")}


def test_kill_around_rename_delivers_once_and_clears_stale_tmp_D05(work, tmp_path):
    # We deliver with rename(tmp/NAME, new/NAME), not link() + unlink(tmp):
    # the catalogue's window between the two does not exist.  The nearest
    # cases are kills at the fault points around the rename (daemon/fault.c).
    feed = tmp_path / "d05.xml"
    work.write_config({"d05": put_feed(feed, rss_feed("D05", numbered_items("d05", 4)))})
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
    put_feed(feed, rss_feed("D05", numbered_items("d05", 8)))
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


# --- D15: kill -9 while the merged feed is rewritten -----------------------

def xmllint_ok(path):
    return subprocess.run(["xmllint", "--noout", "--nonet", str(path)],
                          capture_output=True).returncode == 0


def test_kill_during_merged_feed_rewrite_keeps_old_or_whole_new_D15(work, tmp_path):
    if shutil.which("xmllint") is None:
        pytest.skip("xmllint not installed")
    n = 400
    feed = tmp_path / "big.xml"
    url = put_feed(feed, rss_feed("Big", numbered_items("big", n, size=6000)))
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
        tmpname = ".merged.atom.tmp.%d" % proc.pid
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
    assert [p for p in os.listdir(work.path) if p.startswith(".merged.atom.tmp")] == []
