"""
Crash safety: many feeds change between runs of --once, most runs are
killed with SIGKILL (at random moments, and at the named points of the
delivery protocol), a reader moves messages from new/ to cur/ and deletes
some between runs; in the end every entry is in the spool exactly once.

CRASH_KILLS sets the number of killed runs (default 220).
"""

import os
import random
import re
import signal
import subprocess
import time

from conftest import entry_key

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


def message_ids(work):
    ids = []
    for path in work.message_files():
        with open(path, "rb") as f:
            head = f.read(8192).decode("ascii", "replace")
        m = re.search(r"^Message-ID: <([0-9a-f]{64})@aggregator>", head,
                      re.M | re.I)
        assert m, "no Message-ID in %s" % path
        ids.append(m.group(1))
    return ids


def reader_pass(work, rng, deleted, may_delete):
    """A mail reader: moves some of new/ to cur/, sometimes deletes one."""
    new = work.spool / "new"
    cur = work.spool / "cur"
    for p in sorted(new.iterdir()):
        if rng.random() < 0.5:
            os.rename(p, cur / (p.name + ":2,S"))
    if may_delete and rng.random() < 0.2:
        read = sorted(cur.iterdir())
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
    work.write_config({"f%d" % i: "file://%s/f%d.xml" % (folder, i)
                       for i in range(FEEDS)}, max_entries=50)
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
    expected = {entry_key(link) for link in corpus.links}
    dups = {k for k in ids if ids.count(k) > 1}
    assert not dups, "%d entries delivered twice" % len(dups)
    missing = expected - set(ids)
    assert not missing, "%d entries lost" % len(missing)
    assert set(ids) == expected
    assert not any((work.spool / "tmp").iterdir())
    print("crash test: %d kills, %d clean runs, %d entries, %d deleted by "
          "the reader; 0 lost, 0 duplicated" % (kills, clean, len(expected),
                                                len(deleted)))
