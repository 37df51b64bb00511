"""
The commands that change the config (SPEC "Subscriptions"): `add` (a feed,
or the feed a web page advertises; several are listed, nothing added),
`remove`, `import` (nested OPML, newsboat's urls file) and the round trip
of `export` and `import`.  The file is edited as text: every byte outside
the section added or removed stays, the file is replaced atomically with
its mode, a config with problems is never rewritten, and a running daemon
is asked to reload.  The oracles are the file's bytes, `list`, Python's
mailbox (folders) and xml.etree.
"""

import fcntl
import mailbox
import os
import signal
import stat
import subprocess
import time
import xml.etree.ElementTree as ET

from daemonproc import Daemon
from helpers import numbered_items, rss_feed, subjects, titles

# A config as a person writes one: comments above and beside keys, a
# section with keys commented out, blank lines, no trailing blank line.
HAND_WRITTEN = """\
# News for the morning.
; (semicolons are comments too)
[aggregator]
spool = spool          # beside this file
state = state.db
output = merged.atom
backfill = all

# The wire, hourly.
[feed.wire]
url = {wire}
interval = 1h
# title = The Wire

; Tech news
[feed.tech]
url = {tech}
"""

PAGE = """<!DOCTYPE html>
<html><head><title>A site</title>
{links}
</head><body><p>Hello.</p></body></html>
"""


def page(*links):
    return PAGE.format(links="\n".join(
        '<link rel="alternate" type="%s" title="%s" href="%s">' % link
        for link in links)).encode()


def hand_written(work, server):
    server.set("/wire.xml", rss_feed("Wire", numbered_items("wire", 1)))
    server.set("/tech.xml", rss_feed("Tech", numbered_items("tech", 1)))
    text = HAND_WRITTEN.format(wire=server.url("/wire.xml"),
                               tech=server.url("/tech.xml"))
    work.config.write_text(text)
    return text


def config_text(work):
    return work.config.read_text()


def rows(work):
    """list's lines, by name: [url, folder, interval, enabled, last]."""
    res = work.run("list")
    assert res.rc == 0, res
    return {l.split("\t")[0]: l.split("\t")[1:] for l in res.stdout.splitlines()}


def in_folder(work, folder):
    """The subjects of the messages in a Maildir++ folder of the spool."""
    spool = mailbox.Maildir(str(work.spool), factory=None, create=False)
    return [m["Subject"] for m in spool.get_folder(folder)]


def leftovers(work):
    return [p.name for p in work.path.iterdir() if ".tmp." in p.name]


def test_add_feed_url_appends_its_section(server, work):
    original = hand_written(work, server)
    server.set("/news.xml", rss_feed("Morning News", numbered_items("news", 2)))
    res = work.run("add", server.url("/news.xml"))
    assert res.rc == 0, res
    assert res.stdout == "aggregator: added feed morning-news (%s)\n" % server.url("/news.xml")
    assert res.stderr == ""
    # Every byte of the file stays; the section follows a blank line.
    assert config_text(work) == original + "\n[feed.morning-news]\nurl = %s\n" % server.url("/news.xml")
    assert rows(work)["morning-news"] == [server.url("/news.xml"), "-", "1800", "enabled", "never"]
    # The same feed again, its URL written otherwise: refused, file untouched.
    again = work.run("add", server.url("/news.xml").replace("http://", "HTTP://"), "other")
    assert again.rc == 2, again
    assert 'already in the config, as feed "morning-news"' in again.stderr
    assert len(again.stderr.splitlines()) == 1
    assert config_text(work) == original + "\n[feed.morning-news]\nurl = %s\n" % server.url("/news.xml")


def test_add_page_with_one_alternate_link_adds_that_feed(server, work):
    work.write_config({})
    server.set("/blog/feed.xml", rss_feed("Blog", numbered_items("blog", 1)))
    server.set("/blog/", page(("application/rss+xml", "Blog posts", "feed.xml"),
                              ("text/css", "style", "style.css")),
               content_type="text/html; charset=utf-8")
    res = work.run("add", server.url("/blog/"), "blog")
    assert res.rc == 0, res
    # The relative href resolved against the page, the feed itself fetched.
    assert "added feed blog (%s)" % server.url("/blog/feed.xml") in res.stdout
    assert rows(work)["blog"][0] == server.url("/blog/feed.xml")
    assert server.requests_for("/blog/feed.xml")
    assert work.once().rc == 0
    assert subjects(work) == titles("blog", 1)


def test_add_page_with_three_feeds_lists_them_and_adds_none(server, work):
    work.write_config({})
    before = work.config.read_bytes()
    server.set("/site", page(("application/rss+xml", "Posts (RSS)", "/rss.xml"),
                             ("application/atom+xml", "Posts (Atom)", "/atom.xml"),
                             ("application/feed+json", "Comments", "/comments.json")),
               content_type="text/html")
    res = work.run("add", server.url("/site"), "--folder", "Site")
    assert res.rc == 1, res
    assert res.stdout.splitlines() == [
        "1. Posts (RSS) (RSS)\t%s" % server.url("/rss.xml"),
        "2. Posts (Atom) (Atom)\t%s" % server.url("/atom.xml"),
        "3. Comments (JSON Feed)\t%s" % server.url("/comments.json")]
    err, = res.stderr.splitlines()
    assert "names 3 feeds" in err and "add URL --folder Site" in err, err
    assert work.config.read_bytes() == before
    # None of them was fetched: the user chooses first.
    assert not server.hits("/rss.xml") and not server.hits("/atom.xml")


def test_add_page_without_feed_and_failed_fetch_are_errors(server, work):
    work.write_config({})
    before = work.config.read_bytes()
    server.set("/plain.html", page(), content_type="text/html")
    server.set("/missing.xml", b"no", status=404, content_type="text/plain")
    res = work.run("add", server.url("/plain.html"))
    assert res.rc == 1 and "names none" in res.stderr, res
    res = work.run("add", server.url("/missing.xml"))
    assert res.rc == 1 and "fetch: HTTP 404" in res.stderr, res
    for bad in (["--folder", "News//Korea"], ["--interval", "soon"], ["bad name!"]):
        res = work.run("add", server.url("/missing.xml"), *bad)
        assert res.rc == 2 and len(res.stderr.splitlines()) == 1, (bad, res)
    assert work.config.read_bytes() == before


def test_add_with_folder_and_interval_delivers_into_the_folder(server, work):
    work.write_config({})
    server.set("/kr.xml", rss_feed("Korea", numbered_items("kr", 3)))
    res = work.run("add", server.url("/kr.xml"), "korea", "--folder", "News/Korea",
                   "--interval", "2h")
    assert res.rc == 0, res
    assert config_text(work).endswith(
        "[feed.korea]\nurl = %s\nfolder = News/Korea\ninterval = 2h\n" % server.url("/kr.xml"))
    assert rows(work)["korea"] == [server.url("/kr.xml"), "News/Korea", "7200", "enabled", "never"]
    assert work.once().rc == 0
    assert work.maildir_count() == 0
    assert sorted(in_folder(work, "News.Korea")) == titles("kr", 3)


def test_remove_cuts_out_the_section_and_keeps_the_rest(server, work):
    original = hand_written(work, server)
    res = work.run("remove", "wire")
    assert res.rc == 0, res
    assert res.stdout == "aggregator: removed feed wire (%s)\n" % server.url("/wire.xml")
    # Its header, its keys, its commented-out key and the comment above it
    # go; the comment of the next section stays.
    assert config_text(work) == original.replace(
        "# The wire, hourly.\n[feed.wire]\nurl = %s\ninterval = 1h\n# title = The Wire\n\n"
        % server.url("/wire.xml"), "")
    assert list(rows(work)) == ["tech"]
    # The last section: the blank line before it goes too.
    assert work.run("remove", "tech").rc == 0
    assert config_text(work) == original.split("\n# The wire")[0]
    res = work.run("remove", "tech")
    assert res.rc == 2 and res.stderr == 'aggregator: remove: no feed "tech" in %s\n' % work.config


def test_add_then_remove_gives_back_the_same_bytes(server, work):
    original = hand_written(work, server)
    server.set("/x.xml", rss_feed("X", numbered_items("x", 1)))
    assert work.run("add", server.url("/x.xml"), "x", "--folder", "X").rc == 0
    assert config_text(work).startswith(original)
    assert work.run("remove", "x").rc == 0
    assert config_text(work) == original
    # Lines ending in CR LF: the new section's lines do too.
    work.config.write_bytes(original.replace("\n", "\r\n").encode())
    assert work.run("add", server.url("/x.xml"), "x").rc == 0
    assert work.config.read_bytes().endswith(
        ("\r\n[feed.x]\r\nurl = %s\r\n" % server.url("/x.xml")).encode())
    assert work.run("remove", "x").rc == 0
    assert work.config.read_bytes() == original.replace("\n", "\r\n").encode()


def test_config_with_problems_is_never_rewritten(server, work):
    server.set("/x.xml", rss_feed("X", numbered_items("x", 1)))
    text = hand_written(work, server).replace("interval = 1h", "interval = often")
    work.config.write_text(text)
    (work.path / "urls").write_text(server.url("/x.xml") + "\n")
    for args in (["add", server.url("/x.xml")], ["remove", "tech"],
                 ["import", str(work.path / "urls")]):
        res = work.run(*args)
        assert res.rc == 2, res
        assert work.config.read_text() == text
        # The problem (as check says it), then one line: left as it is.
        problem, refusal = res.stderr.splitlines()
        assert problem.startswith("aggregator: %s:12: bad duration" % work.config), problem
        assert refusal == "aggregator: %s: %s has 1 problem; it is left as it is" % (
            args[0], work.config)
    assert not server.requests_for("/x.xml")
    assert leftovers(work) == []


def test_rewrite_is_atomic_and_keeps_the_mode(server, work):
    hand_written(work, server)
    os.chmod(work.config, 0o640)
    inode = work.config.stat().st_ino
    server.set("/x.xml", rss_feed("X", numbered_items("x", 1)))
    assert work.run("add", server.url("/x.xml"), "x").rc == 0
    st = work.config.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640
    # A new file renamed over the old one, nothing left beside it.
    assert st.st_ino != inode
    assert leftovers(work) == []
    # A config reached through a symlink is replaced where the link leads;
    # its relative paths are still the link's folder's (opml = here).
    (work.path / "dots").mkdir()
    real = work.path / "dots" / "real.conf"
    real.write_text(config_text(work) + "\n[aggregator]\nopml = feeds.opml\n")
    (work.path / "feeds.opml").write_text('<opml version="2.0"><body/></opml>')
    link = work.path / "link.conf"
    link.symlink_to(real)
    res = work.run("-c", str(link), "remove", "x", config=False)
    assert res.rc == 0, res
    assert link.is_symlink() and "[feed.x]" not in real.read_text()
    assert leftovers(work) == [] and os.listdir(work.path / "dots") == ["real.conf"]


NESTED_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="Top feed" type="rss" xmlUrl="{top}"/>
  <outline text="Tech">
    <outline title="A.I. / ML" text="ignored">
      <outline text="AI News" type="rss" xmlUrl="{ai}"/>
    </outline>
    <outline text="Tech Daily" type="rss" xmlUrl="{daily}"/>
    <outline text="Known" type="rss" xmlUrl="{known}"/>
  </outline>
  <outline text="Bad" type="rss" xmlUrl="javascript:alert(1)"/>
</body></opml>
"""


def test_import_nested_opml_gives_folders(server, work):
    work.write_config({"known": server.url("/known.xml")})
    for name in ("top", "ai", "daily", "known"):
        server.set("/%s.xml" % name, rss_feed(name, numbered_items(name, 1)))
    opml = work.path / "mine.opml"
    opml.write_text(NESTED_OPML.format(**{n: server.url("/%s.xml" % n)
                                          for n in ("top", "ai", "daily", "known")}))
    res = work.run("import", str(opml))
    assert res.rc == 0, res
    assert res.stdout == ("aggregator: imported 3 feeds from %s (1 already in the "
                          "config, 1 skipped)\n" % opml)
    assert res.stderr.startswith("aggregator: import: %s:11: skipped: url must be" % opml)
    got = rows(work)
    assert got["top-feed"][:2] == [server.url("/top.xml"), "-"]
    # Each outline one level; '.' and '/' inside a title are no levels.
    assert got["ai-news"][:2] == [server.url("/ai.xml"), "Tech/A-I- - ML"]
    assert got["tech-daily"][:2] == [server.url("/daily.xml"), "Tech"]
    assert "title = AI News\nfolder = Tech/A-I- - ML\n" in config_text(work)
    assert work.once().rc == 0
    assert in_folder(work, "Tech") == ["daily item 0"]
    # The config's own opml = gives the outlines the same folders.
    conf = work.write_config({}, name="from-opml.conf", opml="mine.opml",
                             spool="spool2", state="s2.db", output="m2.atom")
    res = work.run("-c", str(conf), "list", config=False)
    assert res.rc == 2 and "javascript" in res.stderr   # the bad outline
    opml.write_text(opml.read_text().replace(
        '<outline text="Bad" type="rss" xmlUrl="javascript:alert(1)"/>', ""))
    res = work.run("-c", str(conf), "list", config=False)
    assert res.rc == 0, res
    assert {l.split("\t")[1]: l.split("\t")[2] for l in res.stdout.splitlines()} == {
        server.url("/top.xml"): "-", server.url("/ai.xml"): "Tech/A-I- - ML",
        server.url("/daily.xml"): "Tech", server.url("/known.xml"): "Tech"}


URLS = """\
# newsboat's urls file
{a} news "tech stuff" ~Alpha
{b} "~Beta with spaces" "Reading list" other
{c}
  {d}   # a comment after the url
"query:Unread:unread = \\"yes\\"" news
{a} duplicate
"""


def test_import_newsboat_urls_with_tags_comments_and_titles(server, work):
    work.write_config({})
    urls = {n: server.url("/%s.xml" % n) for n in "abcd"}
    path = work.path / "urls"
    path.write_text(URLS.format(**urls))
    res = work.run("import", str(path))
    assert res.rc == 0, res
    assert res.stdout == ("aggregator: imported 4 feeds from %s (1 already in the "
                          "config, 1 skipped)\n" % path)
    assert res.stderr == ("aggregator: import: %s:6: skipped: a query feed is a search "
                          "of newsboat's own articles, with nothing to poll\n" % path)
    text = config_text(work)
    # The first plain tag is the folder, "~" the title; names from either.
    assert "[feed.alpha]\nurl = %s\ntitle = Alpha\nfolder = news\n" % urls["a"] in text
    assert ("[feed.beta-with-spaces]\nurl = %s\ntitle = Beta with spaces\n"
            "folder = Reading list\n" % urls["b"]) in text
    got = rows(work)
    assert got["127-0-0-1-%d-c-xml" % server.port][:2] == [urls["c"], "-"]
    assert got["127-0-0-1-%d-d-xml" % server.port][:2] == [urls["d"], "-"]
    # Imported again: every feed is known, the file is not rewritten.
    inode = work.config.stat().st_ino
    res = work.run("import", str(path))
    assert res.rc == 0 and "imported no feed" in res.stdout, res
    assert work.config.stat().st_ino == inode


def test_export_then_import_is_the_identity(server, work):
    feeds = {"plain": server.url("/plain.xml"),
             "titled": {"url": server.url("/t.xml"), "title": 'Tom & "Jerry" <News>'},
             "korea": {"url": server.url("/kr.xml?a=1&b=2"), "folder": "News/Korea",
                       "title": "연합뉴스"},
             "wire": {"url": "https://u:secret@wire.example/x.xml", "folder": "News"},
             "deep": {"url": server.url("/deep.xml"), "folder": "News.Korea.Seoul"}}
    work.write_config(feeds)
    res = work.run("export")
    assert res.rc == 0, res
    assert "secret" not in res.stdout
    root = ET.fromstring(res.stdout.encode())
    body = root.find("body")
    news, = [o for o in body.findall("outline") if o.get("text") == "News"]
    korea, = news.findall("outline[@text='Korea']")
    assert [o.get("text") for o in korea.findall("outline")] == ["연합뉴스", "Seoul"]
    (work.path / "all.opml").write_text(res.stdout, encoding="utf-8")

    conf = work.write_config({}, name="other.conf", spool="spool2", state="s2.db",
                             output="m2.atom")
    res = work.run("-c", str(conf), "import", "all.opml", config=False)
    assert res.rc == 0, res
    assert "imported 5 feeds" in res.stdout

    def listed(path):
        out = work.run("-c", str(path), "list", config=False).stdout
        return sorted(tuple(l.split("\t")[:3]) for l in out.splitlines())

    def folders_and_titles(path):
        out = work.run("-c", str(path), "export", config=False).stdout
        return sorted((o.get("{urn:aggregator:opml}name"), o.get("title"))
                      for o in ET.fromstring(out.encode()).iter("outline")
                      if o.get("xmlUrl"))

    # Names, URLs (the password is the config's alone), folders, titles.
    assert listed(conf) == sorted([
        ("plain", server.url("/plain.xml"), "-"),
        ("titled", server.url("/t.xml"), "-"),
        ("korea", server.url("/kr.xml?a=1&b=2"), "News/Korea"),
        ("wire", "https://wire.example/x.xml", "News"),
        ("deep", server.url("/deep.xml"), "News/Korea/Seoul")])
    assert folders_and_titles(conf) == folders_and_titles(work.config)
    # A feed without a title of its own comes back without one.
    assert "[feed.plain]\nurl = %s\n\n" % server.url("/plain.xml") in conf.read_text()


def test_daemon_reloads_after_add_and_polls_the_new_feed(server, work):
    server.set("/a.xml", rss_feed("A", numbered_items("a", 1)))
    server.set("/b.xml", rss_feed("B", numbered_items("b", 2)))
    work.write_config({"a": {"url": server.url("/a.xml"), "interval": "2s"}})
    with Daemon(work) as d:
        assert d.wait_log("polling 1 feeds"), d.log()
        assert d.wait_for(lambda: work.maildir_count() == 1, 5), d.log()
        res = work.run("add", server.url("/b.xml"), "b", "--interval", "2s",
                       "--folder", "Later/B")
        assert res.rc == 0, res
        assert res.stdout.splitlines()[-1] == \
            "aggregator: reloaded the running daemon (pid %d)" % d.pid
        assert d.wait_log("reload: 1 added, 0 removed, 0 changed"), d.log()
        # Polled without a restart, into a folder the daemon had not made.
        assert d.wait_for(lambda: (work.spool / ".Later.B").is_dir() and
                          len(in_folder(work, "Later.B")) == 2, 8), d.log()
        res = work.run("remove", "a")
        assert res.rc == 0 and "reloaded the running daemon" in res.stdout, res
        assert d.wait_log("reload: 0 added, 1 removed, 0 changed"), d.log()
        # A folder changed by hand is a changed feed: new entries go there.
        work.config.write_text(config_text(work).replace("Later/B", "Later/C"))
        d.send(signal.SIGHUP)
        assert d.wait_log("reload: 0 added, 0 removed, 1 changed"), d.log()
        server.set("/b.xml", rss_feed("B", numbered_items("b", 3)))
        assert d.wait_for(lambda: (work.spool / ".Later.C").is_dir() and
                          in_folder(work, "Later.C") == ["b item 2"], 8), d.log()
        assert d.stop() == 0, d.log()
    assert subjects(work) == titles("a", 1)
    assert sorted(in_folder(work, "Later.B")) == titles("b", 2)


def test_only_the_daemon_holding_the_lock_is_signalled(server, work):
    work.write_config({})
    server.set("/x.xml", rss_feed("X", numbered_items("x", 1)))
    lock = work.path / "state.db.lock"
    # A process of ours that SIGHUP would end, named in the lock file as
    # the daemon: first nobody holds the lock, then we hold it, not it.
    bystander = subprocess.Popen(["sleep", "60"])
    hups = []
    old = signal.signal(signal.SIGHUP, lambda *a: hups.append(1))
    try:
        lock.write_text("%d daemon\n" % bystander.pid)
        res = work.run("add", server.url("/x.xml"), "x")
        assert res.rc == 0 and "reloaded" not in res.stdout, res
        with open(lock) as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            res = work.run("remove", "x")
            assert res.rc == 0 and "reloaded" not in res.stdout, res
            # This process holds it: as a --once run, it is left alone;
            # as the daemon, it is asked to reload.
            lock.write_text("%d once\n" % os.getpid())
            res = work.run("add", server.url("/x.xml"), "x")
            assert res.rc == 0 and "reloaded" not in res.stdout, res
            lock.write_text("%d daemon\n" % os.getpid())
            res = work.run("remove", "x")
            assert res.rc == 0, res
            assert res.stdout.splitlines()[-1] == \
                "aggregator: reloaded the running daemon (pid %d)" % os.getpid()
        time.sleep(0.2)
        assert hups == [1]
        assert bystander.poll() is None
    finally:
        signal.signal(signal.SIGHUP, old)
        bystander.send_signal(signal.SIGKILL)
        bystander.wait()
