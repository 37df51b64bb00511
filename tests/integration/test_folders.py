"""
Maildir++ folders (issue: subscriptions, folders): a feed's `folder =`
delivers into SPOOL/.NAME/, nested by dots and named in IMAP's modified
UTF-7.  The oracles are the readers that know the layout: Python's
mailbox.Maildir (list_folders, get_folder), notmuch (`folder:`) and a real
Dovecot serving the spool over IMAP on 127.0.0.1 (LIST, SELECT, FETCH).
"""

import email
import email.header
import email.policy
import imaplib
import mailbox
import re

import pytest

from dovecot import Dovecot
from helpers import (folder_dirname, imap_utf7_decode, notmuch, notmuch_env,
                     numbered_items, rss_feed, titles)

FEEDS = {
    # name: (folder or None, entries)
    "inbox-feed": (None, 2),
    "korea": ("News/Korea", 3),
    "ai": ("AI 뉴스 & R&D", 2),
    "dotted": ("News.World", 1),
}


def deliver(server, work, **settings):
    feeds = {}
    for name, (folder, n) in FEEDS.items():
        server.set("/%s.xml" % name, rss_feed(name, numbered_items(name, n)))
        feeds[name] = {"url": server.url("/%s.xml" % name)}
        if folder is not None:
            feeds[name]["folder"] = folder
    work.write_config(feeds, **settings)
    res = work.once()
    assert res.rc == 0, res
    return res


def subjects(box):
    out = []
    for msg in box:
        out.append(str(email.header.make_header(email.header.decode_header(msg["Subject"]))))
    return sorted(out)


def test_python_mailbox_sees_each_feed_in_its_folder(server, work):
    deliver(server, work)
    md = mailbox.Maildir(str(work.spool), factory=None, create=False)
    assert sorted(md.list_folders()) == sorted(
        folder_dirname(f)[1:] for f, _ in FEEDS.values() if f is not None)
    assert {imap_utf7_decode(f) for f in md.list_folders()} == \
        {"News.Korea", "AI 뉴스 & R&D", "News.World"}
    assert subjects(md) == sorted(titles("inbox-feed", 2))
    for name, (folder, n) in FEEDS.items():
        if folder is None:
            continue
        box = md.get_folder(folder_dirname(folder)[1:])
        assert subjects(box) == sorted(titles(name, n)), folder
        assert (work.spool / folder_dirname(folder) / "maildirfolder").is_file()
    # A second run delivers nothing again, into any folder.
    before = len(work.message_files(folders=True))
    res = work.once()
    assert res.rc == 0, res
    assert len(work.message_files(folders=True)) == before == 8


def test_notmuch_finds_the_folders(server, work, tmp_path):
    deliver(server, work)
    env = notmuch_env(tmp_path, work.spool)
    notmuch(env, "new")
    for name, (folder, n) in FEEDS.items():
        if folder is None:
            continue
        query = 'folder:"%s"' % folder_dirname(folder)
        assert notmuch(env, "count", query).strip() == str(n), query
        found = notmuch(env, "search", "--output=files", query).splitlines()
        assert found and all("/%s/" % folder_dirname(folder) in p for p in found)
    # The spool's own maildir is the folder "" to notmuch.
    assert notmuch(env, "count", 'folder:""').strip() == "2"


def imap_name(raw):
    """The name in one LIST response line."""
    m = re.match(rb'\((.*?)\) "(.)" (.*)$', raw)
    name = m.group(3).decode("ascii")
    return name[1:-1] if name.startswith('"') else name


def test_dovecot_lists_and_fetches_the_folders(server, work):
    deliver(server, work)
    dove = Dovecot(str(work.spool))
    try:
        imap = imaplib.IMAP4("127.0.0.1", dove.port)
        try:
            imap.login("reader", "secret")
            typ, lines = imap.list()
            assert typ == "OK", dove.log()
            names = {imap_name(l) for l in lines}
            want = {"INBOX"}
            for folder, _ in FEEDS.values():
                if folder is not None:
                    want.add(folder_dirname(folder)[1:])
            # Parents of nested folders are listed too (\\Noselect).
            assert want <= names, (names, dove.log())
            assert imap_utf7_decode(folder_dirname("AI 뉴스 & R&D")[1:]) in \
                {imap_utf7_decode(n) for n in names}
            for name, (folder, n) in FEEDS.items():
                box = "INBOX" if folder is None else folder_dirname(folder)[1:]
                typ, data = imap.select('"%s"' % box, readonly=True)
                assert typ == "OK" and int(data[0]) == n, (box, data, dove.log())
                typ, data = imap.fetch("1:*", "(BODY.PEEK[])")
                assert typ == "OK"
                got = []
                for part in data:
                    if isinstance(part, tuple):
                        msg = email.message_from_bytes(part[1], policy=email.policy.default)
                        got.append(str(msg["Subject"]))
                assert sorted(got) == sorted(titles(name, n)), box
        finally:
            imap.logout()
    finally:
        dove.stop()


def test_bad_folder_names_are_config_errors(server, work):
    server.set("/a.xml", rss_feed("a", numbered_items("a", 1)))
    for bad in ("News//Korea", "/News", "News/"):
        work.write_config({"a": {"url": server.url("/a.xml"), "folder": bad}})
        res = work.once()
        assert res.rc != 0, res
        first = res.stderr.strip().splitlines()[0]
        assert re.search(r"aggregator\.conf:\d+: bad folder for \"folder\": \"%s\""
                         % re.escape(bad), first), first
        assert not work.message_files(folders=True)


def test_hook_gets_the_message_path_in_its_folder(server, work, tmp_path):
    out = tmp_path / "paths.txt"
    server.set("/k.xml", rss_feed("k", numbered_items("k", 2)))
    work.write_config({"k": {"url": server.url("/k.xml"), "folder": "Hooked",
                             "exec": 'printf "%%s\\n" "$AGGREGATOR_MESSAGE" >> %s' % out}})
    res = work.once()
    assert res.rc == 0, res
    paths = out.read_text().split()
    assert len(paths) == 2
    for p in paths:
        assert "/.Hooked/new/" in p
        assert (work.spool / ".Hooked" / "new" / p.rsplit("/", 1)[1]).is_file()
