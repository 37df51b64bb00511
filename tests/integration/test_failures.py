"""
A feed that fails (HTTP error status) makes --once exit 1 with one stderr
line naming it, while every other feed is still fetched and delivered.
"""

import pytest

from conftest import fixture_bytes


@pytest.mark.parametrize("status", [404, 500])
def test_404(server, work, status):
    server.set("/rss.xml", fixture_bytes("plain-rss2.xml"), content_type="application/rss+xml")
    server.set("/atom.xml", fixture_bytes("plain-atom.xml"), content_type="application/atom+xml")
    if status != 404:
        server.set("/gone.xml", b"server error\n", status=status, content_type="text/plain")
    work.write_config({"plain-rss": server.url("/rss.xml"),
                       "broken-feed": server.url("/gone.xml"),
                       "plain-atom": server.url("/atom.xml")})
    res = work.once()
    assert res.rc == 1, res

    lines = [l for l in res.stderr.splitlines()
             if "broken-feed" in l or "/gone.xml" in l]
    assert len(lines) == 1, res.stderr
    assert server.requests_for("/gone.xml"), "the failing feed was never fetched"

    subjects = sorted(str(m["Subject"]) for m in work.messages())
    assert subjects == sorted(["Plain RSS one", "Plain RSS two", "Plain RSS three",
                               "Plain Atom one", "Plain Atom two", "Plain Atom three"])
    merged = work.merged()
    assert merged.bozo == 0, merged.get("bozo_exception")
    assert len(merged.entries) == 6


def test_unreachable_host(server, work, tmp_path):
    # A refused connection and a missing file:// feed fail the same way.
    server.set("/rss.xml", fixture_bytes("plain-rss2.xml"), content_type="application/rss+xml")
    work.write_config({"plain-rss": server.url("/rss.xml"),
                       "refused-feed": "http://127.0.0.1:1/feed.xml",
                       "missing-file": "file://%s/nonexistent.xml" % tmp_path})
    res = work.once()
    assert res.rc == 1, res
    for name, url_part in (("refused-feed", "127.0.0.1:1/"),
                           ("missing-file", "nonexistent.xml")):
        lines = [l for l in res.stderr.splitlines() if name in l or url_part in l]
        assert len(lines) == 1, (name, res.stderr)
    assert len(work.message_files()) == 3
