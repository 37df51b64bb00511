"""
Fixtures of the black-box integration tests: the binary under test (from
$AGGREGATOR), a scripted HTTP server on 127.0.0.1, and a work folder that
writes a config, runs the binary with a timeout and reads back the maildir
spool (email.policy.default) and the merged feed (feedparser).
"""

import email.parser
import email.policy
import hashlib
import mailbox
import os
import pathlib
import subprocess
import sys
import threading
import time
import warnings

# Debian's feedparser 6 imports the deprecated cgi module.
warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*cgi.*")
import feedparser  # noqa: E402
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from feedserver import FeedServer  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
FEEDS = HERE / "feeds"


# ASan and UBSan builds (make asan-check sets AGGREGATOR_SANITIZED=1) carry
# shadow memory and a quarantine: memory bounds are scaled for them, since
# they are meant for the real binary.
SANITIZED = os.environ.get("AGGREGATOR_SANITIZED") == "1"


def rss_limit_kb(mb):
    """A peak-RSS bound of mb MiB for the binary under test, in KB."""
    return mb * 1024 * (4 if SANITIZED else 1)


def fixture_bytes(name):
    return (FEEDS / name).read_bytes()


# A fourth item for plain-rss2.xml: replaces its "</channel>".
NEW_ITEM = b"""<item>
<title>Plain RSS four (new)</title>
<link>https://plain.example/rss/4</link>
<guid>https://plain.example/rss/4</guid>
<description>new</description>
</item>
</channel>"""


def entry_key(canonical_link):
    """The entry key of our implementation: SHA-256 of the canonical link."""
    return hashlib.sha256(canonical_link.encode("utf-8")).hexdigest()


class Result:
    """One finished run: exit status, output, wall time and peak RSS."""

    def __init__(self, argv, rc, stdout, stderr, elapsed, maxrss_kb, timed_out):
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed
        self.maxrss_kb = maxrss_kb
        self.timed_out = timed_out

    def __iter__(self):
        return iter((self.rc, self.stdout, self.stderr))

    def __repr__(self):
        return ("Result(rc=%r, %.2fs, %d KB)\n--- stdout:\n%s--- stderr:\n%s"
                % (self.rc, self.elapsed, self.maxrss_kb, self.stdout, self.stderr))


def run_process(argv, timeout=20, cwd=None, env=None):
    """Runs argv and returns a Result.  wait4() gives the rusage of this one
    child, so the peak RSS is its own and not the maximum of all children."""
    out_path = "/tmp/agg-it-%d-%d.out" % (os.getpid(), threading.get_ident())
    err_path = out_path[:-4] + ".err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=err, cwd=cwd, env=env)
        timed_out = []

        def kill():
            timed_out.append(True)
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, rusage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        elapsed = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    try:
        stdout = pathlib.Path(out_path).read_bytes().decode("utf-8", "replace")
        stderr = pathlib.Path(err_path).read_bytes().decode("utf-8", "replace")
    finally:
        os.unlink(out_path)
        os.unlink(err_path)
    return Result(argv, proc.returncode, stdout, stderr, elapsed,
                  rusage.ru_maxrss, bool(timed_out))


class Message:
    """One spooled message: its file, raw bytes and parsed form."""

    def __init__(self, path):
        self.path = path
        self.raw = path.read_bytes()
        self.msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(self.raw)

    def __getitem__(self, name):
        return self.msg[name]

    def html(self):
        part = self.msg.get_body(preferencelist=("html",))
        return part

    def __repr__(self):
        return "Message(%s, Subject=%r)" % (self.path.name, self.msg["Subject"])


class Work:
    """A temporary folder holding a config, spool, state and merged feed."""

    def __init__(self, path, binary):
        self.path = path
        self.binary = binary
        self.config = path / "aggregator.conf"
        self.spool = path / "spool"
        self.output = path / "merged.atom"

    def write_config(self, feeds, name="aggregator.conf", **settings):
        """feeds: {name: url} or {name: {"url": ..., "title": ...}}.  A
        first poll delivers every entry (backfill = all) unless settings
        say otherwise; a setting of None leaves the key out."""
        base = {"spool": "spool", "output": "merged.atom", "state": "state.db",
                "interval": "30m", "max_entries": "100",
                "title": "Integration test"}
        base.update({k: str(v) for k, v in settings.items() if v is not None})
        # Last, so the lines of the settings above keep their numbers.
        if "backfill" not in settings:
            base["backfill"] = "all"
        lines = ["[aggregator]"]
        lines += ["%s = %s" % kv for kv in base.items()]
        for fname, spec in feeds.items():
            if isinstance(spec, str):
                spec = {"url": spec}
            lines += ["", "[feed.%s]" % fname]
            lines += ["%s = %s" % kv for kv in spec.items()]
        path = self.path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        if name == "aggregator.conf":
            self.config = path
        return path

    def run(self, *args, timeout=20, config=True):
        argv = [self.binary]
        if config:
            argv += ["-c", str(self.config)]
        argv += list(args)
        return run_process(argv, timeout=timeout, cwd=str(self.path))

    def once(self, timeout=20):
        return self.run("--once", timeout=timeout)

    def maildirs(self):
        """The spool's maildir and its Maildir++ folders (".NAME")."""
        if not self.spool.is_dir():
            return [self.spool]
        return [self.spool] + sorted(p for p in self.spool.iterdir()
                                     if p.name.startswith(".") and p.is_dir())

    def message_files(self, folders=False):
        files = []
        for maildir in self.maildirs() if folders else [self.spool]:
            for sub in ("new", "cur"):
                d = maildir / sub
                if d.is_dir():
                    files += sorted(p for p in d.iterdir() if p.is_file())
        return files

    def messages(self):
        return [Message(p) for p in self.message_files()]

    def maildir_count(self):
        """The number of messages mailbox.Maildir sees (0 before a spool)."""
        if not self.spool.is_dir():
            return 0
        return len(mailbox.Maildir(str(self.spool), factory=None, create=False))

    def merged(self):
        return feedparser.parse(self.output.read_bytes())


@pytest.fixture(scope="session")
def binary():
    path = os.environ.get("AGGREGATOR") or str(REPO / "aggregator")
    if not os.access(path, os.X_OK):
        pytest.fail("binary under test not found: set AGGREGATOR (tried %s)" % path)
    return os.path.abspath(path)


@pytest.fixture
def server():
    srv = FeedServer()
    yield srv
    srv.close()


@pytest.fixture
def work(tmp_path, binary):
    return Work(tmp_path, binary)
