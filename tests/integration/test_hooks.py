"""
exec hooks (SPEC "Subscriptions"): a command run after each delivered
entry with the entry as JSON on stdin and AGGREGATOR_FEED, _TITLE, _LINK,
_MESSAGE (the message's path) and _STORY in its environment; its output
goes to the log; a failing or hanging hook neither blocks nor undoes
delivery and is tried at most twice per entry; a feed's exec overrides
[aggregator]'s.  The oracle is what the hooks wrote, read with json and
Python's email package, and the spool read with mailbox.
"""

import json
import os
import signal
import time

from helpers import rss_feed, numbered_items

HOOK = r'''#!/bin/sh
n=$(date +%s%N)
cat > "$OUT/$n.json"
env | grep '^AGGREGATOR_' | sort > "$OUT/$n.env"
echo "hook saw $AGGREGATOR_TITLE"
'''


def make_hook(tmp_path, name="hook.sh", body=HOOK):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    hook = tmp_path / name
    hook.write_text(body)
    hook.chmod(0o755)
    return hook, out


def running(args):
    """Whether a live process (not a zombie) runs with exactly args."""
    ps = os.popen("ps -eo stat=,args=").read().splitlines()
    return any(l.split(None, 1)[1:] == [args] and not l.startswith("Z")
               for l in ps)


def runs(out):
    got = []
    for p in sorted(out.glob("*.json")):
        env = dict(l.split("=", 1) for l in
                   p.with_suffix(".env").read_text().splitlines())
        got.append((json.loads(p.read_text()), env))
    return got


def test_hook_gets_each_delivered_entry(server, work, tmp_path):
    hook, out = make_hook(tmp_path)
    server.set("/feed.xml", rss_feed("News", numbered_items("n", 3)))
    work.write_config({"news": {"url": server.url("/feed.xml"),
                                "exec": str(hook)}})
    env = dict(os.environ, OUT=str(out))
    from conftest import run_process
    res = run_process([work.binary, "-v", "-c", str(work.config), "--once"],
                      cwd=str(work.path), env=env)
    assert res.rc == 0, res.stderr
    got = runs(out)
    assert len(got) == 3
    msgs = {str(m["Message-ID"]): m for m in work.messages()}
    for entry, henv in got:
        assert henv["AGGREGATOR_FEED"] == "news" == entry["feed"]
        assert henv["AGGREGATOR_TITLE"] == entry["title"]
        assert henv["AGGREGATOR_LINK"] == entry["link"]
        assert henv["AGGREGATOR_STORY"] == entry["story"]
        path = henv["AGGREGATOR_MESSAGE"]
        assert path == entry["message"] and os.path.isfile(path)
        with open(path, "rb") as f:
            head = f.read().decode()
        assert entry["title"] in head and entry["link"] in head
        assert "<p>" in entry["content"] or entry["content"]
    # Its output, a line each, into the log.
    said = [l for l in res.stderr.splitlines() if "exec: hook saw" in l]
    assert len(said) == 3, res.stderr
    # Seen entries run no hook again.
    from conftest import run_process as rp
    rp([work.binary, "-c", str(work.config), "--once"], cwd=str(work.path), env=env)
    assert len(runs(out)) == 3


def test_failing_hook_is_tried_twice_and_delivery_stands(server, work, tmp_path):
    count = tmp_path / "count"
    hook, out = make_hook(tmp_path, body="#!/bin/sh\necho x >> %s\necho broken >&2\n"
                                     "exit 3\n" % count)
    server.set("/feed.xml", rss_feed("News", numbered_items("n", 2)))
    work.write_config({"news": server.url("/feed.xml")}, exec=str(hook))
    res = work.once()
    assert res.rc == 0, res.stderr
    assert len(work.messages()) == 2
    assert count.read_text().count("x") == 4      # twice per entry
    failed = [l for l in res.stderr.splitlines() if "failed twice" in l]
    assert len(failed) == 2 and "exited with status 3" in failed[0], res.stderr


def test_hanging_hook_is_cut_at_its_timeout(server, work, tmp_path):
    hook, out = make_hook(tmp_path, body="#!/bin/sh\nsleep 37.1\n")
    server.set("/feed.xml", rss_feed("News", numbered_items("n", 1)))
    work.write_config({"news": server.url("/feed.xml")}, exec=str(hook),
                      exec_timeout="1s")
    started = time.monotonic()
    res = work.once(timeout=30)
    assert res.rc == 0, res.stderr
    assert time.monotonic() - started < 8
    assert len(work.messages()) == 1
    assert "timed out after 1s" in res.stderr
    # No process of the hook's is left.
    assert not running("sleep 37.1")


def test_feed_exec_overrides_the_default(server, work, tmp_path):
    mine, out = make_hook(tmp_path, "mine.sh",
                      "#!/bin/sh\ncat > /dev/null\necho mine\n")
    default, _ = make_hook(tmp_path, "default.sh",
                       "#!/bin/sh\ncat > /dev/null\necho default\n")
    server.set("/a.xml", rss_feed("A", numbered_items("a", 1)))
    server.set("/b.xml", rss_feed("B", numbered_items("b", 1)))
    work.write_config({"a": {"url": server.url("/a.xml"), "exec": str(mine)},
                       "b": server.url("/b.xml")}, exec=str(default))
    res = work.run("-v", "--once")
    assert res.rc == 0, res.stderr
    lines = res.stderr.splitlines()
    assert any("feed a: exec: mine" in l for l in lines), res.stderr
    assert any("feed b: exec: default" in l for l in lines), res.stderr


def test_stop_ends_a_hook_under_way(server, work, tmp_path):
    from daemonproc import Daemon
    started = tmp_path / "started"
    hook, out = make_hook(tmp_path, body="#!/bin/sh\ntouch %s\nsleep 61.3\n" % started)
    server.set("/feed.xml", rss_feed("News", numbered_items("n", 1)))
    work.write_config({"news": {"url": server.url("/feed.xml"), "interval": "1s"}},
                      exec=str(hook), exec_timeout="120s")
    with Daemon(work) as d:
        assert d.wait_for(started.exists, 10), d.log()
        t0 = time.monotonic()
        assert d.stop() == 0, d.log()
        assert time.monotonic() - t0 < 5, d.log()
    assert len(work.messages()) == 1
    assert not running("sleep 61.3")
