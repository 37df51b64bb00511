"""
Hostile documents (SPEC "Parsing": no external entity or DTD is ever loaded,
entity expansion is bounded): XXE through file:// and http:// entities and
an external DTD, the billion-laughs and quadratic-blowup entity bombs.
"""

import secrets

import pytest

from conftest import fixture_bytes, rss_limit_kb, run_process

XXE_INTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY file SYSTEM "file://{canary}">
 <!ENTITY remote SYSTEM "{base}/evil/entity.txt">
 <!ENTITY % pe SYSTEM "{base}/evil/param.dtd">
 %pe;
]>
<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude">
<channel>
<title>XXE feed &file;</title>
<link>https://xxe.example/</link>
<description>external entities</description>
<item>
<title>XXE item &file; &remote;</title>
<link>https://xxe.example/1</link>
<description>&lt;p&gt;before&lt;/p&gt; &file; &remote; after</description>
</item>
<item>
<title>XInclude item</title>
<link>https://xxe.example/2</link>
<description><xi:include href="file://{canary}" parse="text"/></description>
</item>
</channel>
</rss>
"""

XXE_EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "{base}/evil/external.dtd">
<rss version="2.0">
<channel>
<title>External DTD feed</title>
<link>https://xxe.example/ext/</link>
<description>external DTD</description>
<item>
<title>External DTD item &stolen;</title>
<link>https://xxe.example/ext/1</link>
<description>&lt;p&gt;&amp;stolen; follows:&lt;/p&gt; &stolen;</description>
</item>
</channel>
</rss>
"""

LIMIT_SECONDS = 5.0
LIMIT_RSS_KB = rss_limit_kb(200)


def serve_evil(server, canary_path, remote_canary):
    dtd = '<!ENTITY stolen SYSTEM "file://%s">' % canary_path
    server.set("/evil/entity.txt", remote_canary, content_type="text/plain")
    server.set("/evil/param.dtd", dtd, content_type="application/xml-dtd")
    server.set("/evil/external.dtd", dtd, content_type="application/xml-dtd")


def outputs(work, res):
    """Everything the run left behind that a reader could see."""
    blobs = [res.stdout.encode(), res.stderr.encode()]
    blobs += [p.read_bytes() for p in work.message_files()]
    if work.output.exists():
        blobs.append(work.output.read_bytes())
    return b"\n".join(blobs)


def test_xxe(server, work, tmp_path):
    canary = "CANARY-" + secrets.token_hex(16)
    remote_canary = "REMOTE-CANARY-" + secrets.token_hex(16)
    canary_path = tmp_path / "canary.txt"
    canary_path.write_text(canary + "\n")
    base = server.url("")
    serve_evil(server, canary_path, remote_canary)
    server.set("/xxe.xml", XXE_INTERNAL.format(canary=canary_path, base=base),
               content_type="application/rss+xml")
    server.set("/ext.xml", XXE_EXTERNAL.format(base=base),
               content_type="application/rss+xml")
    server.set("/rss.xml", fixture_bytes("plain-rss2.xml"), content_type="application/rss+xml")
    work.write_config({"xxe": server.url("/xxe.xml"),
                       "xxe-external": server.url("/ext.xml"),
                       "plain-rss": server.url("/rss.xml")})
    res = work.once()
    assert res.rc in (0, 1), res

    seen = outputs(work, res)
    assert canary.encode() not in seen
    assert remote_canary.encode() not in seen
    assert server.hits("/evil/") == []
    subjects = {str(m["Subject"]) for m in work.messages()}
    assert {"Plain RSS one", "Plain RSS two", "Plain RSS three"} <= subjects

    # The parse command reads the same documents the same way.
    for name, text in (("xxe.xml", XXE_INTERNAL.format(canary=canary_path, base=base)),
                       ("ext.xml", XXE_EXTERNAL.format(base=base))):
        doc = tmp_path / name
        doc.write_text(text)
        res = work.run("parse", str(doc), config=False)
        assert canary not in res.stdout + res.stderr
        assert remote_canary not in res.stdout + res.stderr
    assert server.hits("/evil/") == []


def quadratic_blowup():
    # One 50 KB entity referenced 20000 times: 1 GB if expanded.
    refs = "&big;" * 20000
    return ("""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY big "%s">]>
<rss version="2.0">
<channel>
<title>Quadratic blowup</title>
<link>https://bomb.example/q/</link>
<description>quadratic</description>
<item>
<title>Blowup</title>
<link>https://bomb.example/q/1</link>
<description>%s</description>
</item>
</channel>
</rss>
""" % ("A" * 50000, refs)).encode()


BOMBS = {
    "billion-laughs": lambda: fixture_bytes("billion-laughs.xml"),
    "quadratic-blowup": quadratic_blowup,
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_entity_bombs(server, work, tmp_path, bomb):
    body = BOMBS[bomb]()
    server.set("/bomb.xml", body, content_type="application/rss+xml")
    server.set("/rss.xml", fixture_bytes("plain-rss2.xml"), content_type="application/rss+xml")
    work.write_config({"bomb": server.url("/bomb.xml"),
                       "plain-rss": server.url("/rss.xml")})
    res = work.once(timeout=30)
    assert not res.timed_out, res
    assert res.rc in (0, 1), res
    assert res.elapsed < LIMIT_SECONDS, res
    assert res.maxrss_kb < LIMIT_RSS_KB, res

    subjects = {str(m["Subject"]) for m in work.messages()}
    assert {"Plain RSS one", "Plain RSS two", "Plain RSS three"} <= subjects
    spooled = sum(p.stat().st_size for p in work.message_files())
    assert spooled < 20 * 1024 * 1024
    assert work.output.stat().st_size < 20 * 1024 * 1024
    merged = work.merged()
    assert merged.bozo == 0, merged.get("bozo_exception")

    doc = tmp_path / "bomb.xml"
    doc.write_bytes(body)
    res = run_process([work.binary, "parse", str(doc)], timeout=30)
    assert not res.timed_out, res
    assert res.elapsed < LIMIT_SECONDS, res
    assert res.maxrss_kb < LIMIT_RSS_KB, res
    assert len(res.stdout) < 20 * 1024 * 1024
