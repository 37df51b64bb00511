"""
Delivery when the spool or the merged feed cannot be written (catalogue
rows D08-D11 and D16, ../shared/RELIABILITY.md section 8): a full
filesystem, a file size limit, a spool that is a file, lies under one or
is mounted read-only, tmp/ or new/ removed, tmp/ on another filesystem
than new/, and an output file that cannot be replaced.  A local fault is
exit 3 with one line naming it, nothing half delivered and nothing marked
seen; once it is repaired every entry arrives exactly once.  The oracle is
the spool read back with email/mailbox, the state read with sqlite3 and
the merged feed with feedparser.
"""

import errno
import os
import pathlib
import re
import shutil
import signal
import sqlite3
import subprocess

import feedparser
import pytest

from conftest import NEW_ITEM, fixture_bytes, run_process
from helpers import (PLAIN, assert_exactly_once, error_line, fill, make_feed, mount_tmpfs,
                     numbered_items, put_feed, query, rss_feed, run_env, serve_plain, subjects,
                     titles)


# --- D08: the spool's filesystem is full ------------------------------------

def test_full_spool_filesystem_exits_3_then_delivers_once_D08(server, work):
    work.spool.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(work.spool)],
                       capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs: %s" % r.stderr.decode().strip())
    try:
        for sub in ("tmp", "new", "cur"):
            (work.spool / sub).mkdir()
        filler = work.spool / "filler"
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"x" * 4096)
            except OSError as e:
                assert e.errno == errno.ENOSPC
        server.set("/other.xml", make_feed("other", 3), content_type="application/rss+xml")
        work.write_config({"plain-rss": serve_plain(server),
                           "other": server.url("/other.xml")})
        res = work.once()
        assert res.rc == 3, res
        assert re.search(r"space|ENOSPC|full", res.stderr, re.I), res
        assert all(len(l) < 1000 for l in res.stderr.splitlines()), res
        assert list((work.spool / "new").iterdir()) == []
        assert list((work.spool / "tmp").iterdir()) == []

        filler.unlink()
        res = work.once()
        assert res.rc == 0, res
        assert_exactly_once(work, PLAIN + titles("other", 3))
        res = work.once()
        assert res.rc == 0, res
        assert_exactly_once(work, PLAIN + titles("other", 3))
    finally:
        subprocess.run(["umount", "-l", str(work.spool)])


# --- D09: the file size limit -----------------------------------------------

def test_file_size_limit_exits_3_with_the_state_intact_D09(server, work):
    work.write_config({"plain-rss": serve_plain(server)})
    res = work.once()
    assert res.rc == 0, res
    # One entry of 300 KB against RLIMIT_FSIZE of 100 KB: writes fail with
    # EFBIG, unless SIGXFSZ kills the process first.
    doc = make_feed("big", 1).replace(b"Item 0 of big.", b"x" * 300000)
    server.set("/big.xml", doc, content_type="application/rss+xml")
    work.write_config({"plain-rss": serve_plain(server), "big": server.url("/big.xml")})
    if shutil.which("prlimit") is None:
        pytest.skip("prlimit not installed")
    res = run_process(["prlimit", "--fsize=100000", work.binary, "-c", str(work.config),
                       "--once"], cwd=str(work.path))
    assert res.rc == 3, res
    error_line(res, "big")
    assert_exactly_once(work, PLAIN)
    db = sqlite3.connect(str(work.path / "state.db"))
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()

    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, PLAIN + titles("big", 1))


# --- D10: the spool cannot be written ----------------------------------------

@pytest.mark.parametrize("layout", ["new-is-file", "under-file", "read-only-mount"])
def test_unwritable_spool_exits_3_then_delivers_once_D10(server, work, layout):
    work.write_config({"plain-rss": serve_plain(server)})
    mounted = False
    if layout == "new-is-file":
        for sub in ("tmp", "cur"):
            (work.spool / sub).mkdir(parents=True)
        (work.spool / "new").write_text("not a folder\n")
    elif layout == "under-file":
        (work.path / "blocker").write_text("a file, not a folder\n")
        work.write_config({"plain-rss": serve_plain(server)}, spool="blocker/spool")
    else:
        for sub in ("tmp", "new", "cur"):
            (work.spool / sub).mkdir(parents=True)
        if subprocess.run(["mount", "--bind", str(work.spool), str(work.spool)],
                          capture_output=True).returncode != 0:
            pytest.skip("cannot bind-mount (not root?)")
        mounted = True
    try:
        if mounted:
            r = subprocess.run(["mount", "-o", "remount,ro,bind", str(work.spool)],
                               capture_output=True)
            if r.returncode != 0:
                pytest.skip("cannot remount read-only")
        res = work.once()
        assert res.rc == 3, res
        assert re.search(r"spool|maildir|deliver", res.stderr, re.I), res
        assert len(res.stderr.strip().splitlines()) <= 2, res
    finally:
        if mounted:
            subprocess.run(["umount", str(work.spool)], check=True)

    # Repair the spool: nothing was marked delivered, so all of it comes now.
    if layout == "new-is-file":
        (work.spool / "new").unlink()
    elif layout == "under-file":
        (work.path / "blocker").unlink()
        work.write_config({"plain-rss": serve_plain(server)})
    assert work.message_files() == []
    res = work.once()
    assert res.rc == 0, res
    assert_exactly_once(work, PLAIN)
    # One story row per delivered entry: the failed run's went with it.
    keys = [k for (k,) in query(work.path / "state.db",
                                "SELECT key FROM story_entries")]
    assert len(keys) == len(set(keys)) == len(work.message_files())


# --- D11: tmp/ or new/ missing, tmp/ on another filesystem -----------------

def folder_mode():
    """The mode of a folder created now: 0777 less the umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o777 & ~mask


def file_reader(work):
    """A reader files everything of new/ in cur/."""
    for p in (work.spool / "new").iterdir():
        os.rename(p, work.spool / "cur" / (p.name + ":2,S"))


def test_missing_maildir_folders_are_created_again_D11(work, tmp_path):
    feed = tmp_path / "d11.xml"
    work.write_config({"d11": put_feed(feed, rss_feed("D11", numbered_items("d11", 3)))})
    res = work.once()
    assert res.rc == 0, res
    # Everything filed in cur/; then tmp/ and new/ are removed.
    file_reader(work)
    cur = sorted(p.name for p in (work.spool / "cur").iterdir())
    shutil.rmtree(work.spool / "tmp")
    shutil.rmtree(work.spool / "new")
    put_feed(feed, rss_feed("D11", numbered_items("d11", 4)))
    res = work.once()
    assert res.rc == 0, res
    # Created again, with the mode the umask leaves, and the run delivered
    # into them.
    for sub in ("tmp", "new"):
        st = os.stat(work.spool / sub)
        assert oct(st.st_mode & 0o7777) == oct(folder_mode()), sub
    assert sorted(p.name for p in (work.spool / "cur").iterdir()) == cur
    assert [str(m["Subject"]) for m in work.messages()
            if m.path.parent.name == "new"] == ["d11 item 3"]
    assert_exactly_once(work, titles("d11", 4))

    # A crash leaves an entry pending; new/ vanishes before the restart:
    # recovery creates it again and delivers the entry there, once.
    put_feed(feed, rss_feed("D11", numbered_items("d11", 5)))
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
    put_feed(feed, rss_feed("D11", numbered_items("d11", 6)))
    res = work.once()
    assert res.rc == 0, res
    assert oct(os.stat(work.spool).st_mode & 0o7777) == oct(folder_mode())
    assert_exactly_once(work, ["d11 item 5"])


def test_tmp_on_another_filesystem_is_refused_D11(work, tmp_path):
    other = pathlib.Path("/dev/shm") / ("agg-d11-%d" % os.getpid())
    other.mkdir()
    try:
        if os.stat(other).st_dev == os.stat(tmp_path).st_dev:
            pytest.skip("/dev/shm is on the spool's filesystem")
        feed = tmp_path / "d11.xml"
        work.write_config({"d11": put_feed(feed, rss_feed("D11", numbered_items("d11", 2)))})
        res = work.once()
        assert res.rc == 0, res
        shutil.rmtree(work.spool / "tmp")
        os.symlink(other, work.spool / "tmp")
        put_feed(feed, rss_feed("D11", numbered_items("d11", 4)))
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


# --- D16: the output cannot be written ---------------------------------------

@pytest.mark.parametrize("layout", ["read-only", "missing-dir", "full"])
def test_unwritable_merged_feed_exits_3_and_keeps_the_old_file_D16(work, tmp_path, layout):
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
