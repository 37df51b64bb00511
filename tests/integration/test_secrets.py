"""
Secrets stay secret (issue 14, point 4): a feed URL with credentials
(https://user:pass@host/...) is used for the request and written nowhere
else: mail headers and bodies, resolved links, the merged feed, the log,
`status` and the state show at most "user:***@", and no entry key depends
on the credentials, so a new password delivers nothing again.  The state
and its lock are their owner's only whatever the umask; the spool and the
merged feed follow the umask.
"""

import os
import stat

from conftest import run_process
from helpers import query, rss_feed

USER = "reader"
OLD = "s3cret-Passw0rd"
NEW = "n3w-Passw0rd-2"


def private_feed():
    """Items whose links and content are relative to the feed URL, one
    with a guid only and one with neither link nor guid."""
    return rss_feed("Private feed", [
        {"title": "Relative link", "link": "/private/articles/1",
         "description": '<p>See <a href="page.html">the page</a> and '
                        '<img src="../img/x.png"></p>'},
        {"title": "Relative too", "link": "articles/2",
         "description": "<p>two</p>"},
        {"title": "Guid only", "guid": "urn:private:3", "guid_permalink": False,
         "description": "<p>three</p>"},
        {"title": "Nothing but text", "description": "<p>four</p>"},
    ])


def with_credentials(url, password):
    return url.replace("http://", "http://%s:%s@" % (USER, password), 1)


def files_under(path):
    for root, _, names in os.walk(path):
        for name in names:
            yield os.path.join(root, name)


def assert_nowhere(work, secret, *outputs):
    """secret is in no file the runs wrote (spool, merged feed, state and
    its -wal, lock) and in no output given."""
    for p in files_under(work.path):
        if p == str(work.config):
            continue
        with open(p, "rb") as f:
            assert secret.encode() not in f.read(), p
    for out in outputs:
        assert secret not in out, out


def test_credentials_are_used_for_the_request_only(server, work):
    server.set("/private/feed.xml", private_feed(), auth="%s:%s" % (USER, OLD),
               content_type="application/rss+xml")
    feed = server.url("/private/feed.xml")
    work.write_config({"private": with_credentials(feed, OLD)})
    res = work.run("-v", "--once")
    assert res.rc == 0, res
    # The server was asked with the credentials.
    assert [r.status for r in server.requests_for("/private/feed.xml")] == [200]

    msgs = {str(m["Subject"]): m for m in work.messages()}
    assert sorted(msgs) == ["Guid only", "Nothing but text", "Relative link",
                            "Relative too"]
    shown = feed.replace("http://", "http://%s:***@" % USER)
    for m in msgs.values():
        assert str(m["X-RSS-Feed"]) == shown
    # Links are resolved against the feed URL without its userinfo.
    assert str(msgs["Relative link"]["X-RSS-URL"]) == \
        server.url("/private/articles/1")
    assert str(msgs["Relative too"]["X-RSS-URL"]) == \
        server.url("/private/articles/2")
    html = msgs["Relative link"].html().get_content()
    assert server.url("/private/page.html") in html, html
    assert server.url("/img/x.png") in html, html

    merged = work.merged()
    assert not merged.bozo, merged.bozo_exception
    assert len(merged.entries) == 4
    assert USER not in work.output.read_text()

    status = work.run("status")
    assert status.rc == 0, status
    assert shown in status.stdout, status.stdout
    assert_nowhere(work, OLD, res.stdout, res.stderr, status.stdout)

    # A new password: the same feed, nothing delivered again.
    server.set("/private/feed.xml", private_feed(), auth="%s:%s" % (USER, NEW),
               content_type="application/rss+xml")
    work.write_config({"private": with_credentials(feed, NEW)})
    res = work.run("-v", "--once")
    assert res.rc == 0, res
    assert "0 new entries" in res.stdout, res
    assert len(work.messages()) == 4
    assert_nowhere(work, NEW, res.stdout, res.stderr, work.run("status").stdout)


def test_a_moved_feed_keeps_its_credentials_out_of_the_state(server, work):
    server.set("/private/feed.xml", b"", status=301,
               headers={"Location": server.url("/private/moved.xml")})
    server.set("/private/moved.xml", private_feed(), auth="%s:%s" % (USER, OLD),
               content_type="application/rss+xml")
    work.write_config({"private": with_credentials(
        server.url("/private/feed.xml"), OLD)})
    res = work.run("-v", "--once")
    assert res.rc == 0, res
    assert len(work.messages()) == 4
    assert query(work.path / "state.db", "SELECT moved_to FROM feeds") == \
        [(server.url("/private/moved.xml"),)]

    # The next poll goes straight to the new home, with the credentials
    # (it is on the same host): a 304, where a request without them gets
    # a 401.
    server.clear_log()
    res = work.run("-v", "--once")
    assert res.rc == 0, res
    assert [r.status for r in server.requests_for("/private/moved.xml")] == [304]
    assert not server.requests_for("/private/feed.xml")
    status = work.run("status").stdout
    assert "moved to " + server.url("/private/moved.xml") in status, status
    assert_nowhere(work, OLD, res.stdout, res.stderr, status)


def test_a_failing_feed_names_its_url_without_the_password(server, work):
    server.set("/private/feed.xml", private_feed(), auth="%s:%s" % (USER, OLD),
               content_type="application/rss+xml")
    feed = server.url("/private/feed.xml")
    work.write_config({"private": with_credentials(feed, "wrong-" + OLD)})
    res = work.once()
    assert res.rc == 1, res
    shown = feed.replace("http://", "http://%s:***@" % USER)
    line = [l for l in res.stderr.splitlines() if "private" in l]
    assert len(line) == 1 and "HTTP 401" in line[0] and shown in line[0], res
    status = work.run("status").stdout
    assert "last error: fetch: HTTP 401 (%s)" % shown in status, status
    assert_nowhere(work, "wrong-" + OLD, res.stderr, status)

    # A url with a bad scheme is named with its password hidden too.
    work.write_config({"private": "ftp://%s:%s@127.0.0.1/feed" % (USER, OLD)})
    res = work.run("check")
    assert res.rc == 2, res
    assert "ftp://%s:***@127.0.0.1/feed" % USER in res.stderr, res
    assert OLD not in res.stderr, res


def run_with_umask(work, config, mask, env=None):
    """--once under umask mask (AGGREGATOR_CRASH and the like in env)."""
    argv = ["sh", "-c", 'umask %03o && exec "$0" "$@"' % mask, work.binary,
            "-c", str(config), "--once"]
    return run_process(argv, cwd=str(work.path), env=dict(os.environ, **(env or {})))


def mode(path):
    return oct(stat.S_IMODE(os.stat(path).st_mode))


def test_state_is_private_and_outputs_follow_the_umask(server, work):
    server.set("/feed.xml", private_feed(), content_type="application/rss+xml")
    for mask, folders, files in ((0o002, 0o775, 0o664), (0o077, 0o700, 0o600)):
        work.path.joinpath("run-%03o" % mask).mkdir()
        config = work.write_config({"feed": server.url("/feed.xml")},
                                   name="run-%03o/aggregator.conf" % mask)
        base = config.parent
        # Killed with the entries pending: the -wal and -shm files stay.
        res = run_with_umask(work, config, mask,
                             {"AGGREGATOR_CRASH": "after-put:1"})
        assert res.rc == -9, res
        for name in ("state.db", "state.db-wal", "state.db-shm", "state.db.lock"):
            assert mode(base / name) == oct(0o600), (oct(mask), name)
        res = run_with_umask(work, config, mask)
        assert res.rc == 0, res
        for sub in ("", "tmp", "new", "cur"):
            assert mode(base / "spool" / sub) == oct(folders), (oct(mask), sub)
        msgs = list((base / "spool" / "new").iterdir())
        assert len(msgs) == 4
        for m in msgs:
            assert mode(m) == oct(files), (oct(mask), m)
        assert mode(base / "merged.atom") == oct(files), oct(mask)
        assert mode(base / "state.db") == oct(0o600), oct(mask)
