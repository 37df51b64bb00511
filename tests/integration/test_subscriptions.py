"""
Subscriptions on the command line (SPEC "Subscriptions"): `list` prints a
line per feed with its folder and its last poll's outcome, `export` prints
OPML 2.0 of every feed, which the config's `opml =` reads back as the same
feeds.  The commands that change the config are test_subs_edit.py's.
The oracle is Python's xml.etree and the lines themselves.
"""

import xml.etree.ElementTree as ET

from helpers import numbered_items, rss_feed


def test_list_shows_each_feed_and_its_last_poll(server, work):
    server.set("/a.xml", rss_feed("A", numbered_items("a", 1)))
    server.set("/gone.xml", b"no", status=404, content_type="text/plain")
    work.write_config({"a": {"url": server.url("/a.xml"), "interval": "15m"},
                       "broken": server.url("/gone.xml"),
                       "later": {"url": "https://u:secret@news.example/x.xml",
                                 "enabled": "no", "folder": "News/Later"}})
    res = work.run("list")
    assert res.rc == 0, res.stderr
    assert [l.split("\t")[-1] for l in res.stdout.splitlines()] == \
        ["never"] * 3
    assert not (work.path / "state.db").exists()
    work.once()
    rows = {l.split("\t")[0]: l.split("\t") for l in work.run("list").stdout.splitlines()}
    assert rows["a"][1:] == [server.url("/a.xml"), "-", "900", "enabled", "ok (HTTP 200)"]
    assert rows["broken"][5].startswith("failing: fetch: HTTP 404"), rows["broken"]
    assert rows["later"][1] == "https://u:***@news.example/x.xml"
    assert rows["later"][2:] == ["News/Later", "1800", "disabled", "never"]


def test_export_is_opml_the_config_reads_back(server, work):
    title = 'Tom & Jerry "News" <한국어>'
    work.write_config({"a": {"url": server.url("/a.xml?x=1&y=2"), "title": title},
                       "b": "https://u:secret@news.example/b.xml"})
    res = work.run("export")
    assert res.rc == 0, res.stderr
    root = ET.fromstring(res.stdout.encode())
    assert root.tag == "opml" and root.get("version") == "2.0"
    outlines = root.findall("./body/outline")
    assert [(o.get("title"), o.get("xmlUrl"), o.get("type")) for o in outlines] == [
        (title, server.url("/a.xml?x=1&y=2"), "rss"),
        ("b", "https://news.example/b.xml", "rss")]
    assert "secret" not in res.stdout
    # The OPML file, read by a config of its own, gives the same feeds.
    (work.path / "feeds.opml").write_text(res.stdout, encoding="utf-8")
    conf = work.path / "from-opml.conf"
    conf.write_text("[aggregator]\nspool = spool2\noutput = m2.atom\n"
                    "state = s2.db\nopml = feeds.opml\n")
    again = work.run("-c", str(conf), "list", config=False)
    assert again.rc == 0, again.stderr
    assert [l.split("\t")[1] for l in again.stdout.splitlines()] == [
        server.url("/a.xml?x=1&y=2"), "https://news.example/b.xml"]
