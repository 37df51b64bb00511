"""
Cross-feed deduplication (SPEC "Deduplication"): the same article reached
through tracking parameters, host case, default ports, fragments and
xml:base in three feeds is delivered once; different articles are not merged.
"""

import re

from conftest import entry_key, fixture_bytes

# Canonical link -> the titles under which each feed carries it.
EXPECTED = {
    "https://news.example.com/2025/11/openai-aws?id=38":
        {"Shared story (A)", "Shared story (B)", "Shared story (C)"},
    "http://news.example.com/tech/chips?x=1":
        {"Second shared story (A)", "Second shared story (B)", "Second shared story (C)"},
    "https://news.example.com/2025/11/third":
        {"Third shared story (A)", "Third shared story (C)"},
    "https://news.example.com/2025/11/openai-aws?id=39": {"A only: another id"},
    "https://news.example.com/2025/11/OpenAI-AWS?id=38": {"A only: path case"},
    "https://news.example.com/2025/11/openai-aws?id=38&autm_source=x":
        {"B only: autm_source is not a tracking parameter"},
    "https://news.example.com/tech/chips?x=1": {"B only: https is not http"},
}


def serve_dedup(server):
    server.set("/a.xml", fixture_bytes("dedup-rss2.xml"), content_type="application/rss+xml")
    server.set("/b.xml", fixture_bytes("dedup-atom.xml"), content_type="application/atom+xml")
    server.set("/c.xml", fixture_bytes("dedup-rdf.xml"), content_type="application/rdf+xml")


def story_of(subject):
    for canon, titles in EXPECTED.items():
        if subject in titles:
            return canon
    raise AssertionError("unexpected message %r" % subject)


def test_dedup(server, work):
    serve_dedup(server)
    work.write_config({"dedup-a": server.url("/a.xml"),
                       "dedup-b": server.url("/b.xml"),
                       "dedup-c": server.url("/c.xml")})
    res = work.once()
    assert res.rc == 0, res

    msgs = work.messages()
    per_story = {}
    for m in msgs:
        per_story.setdefault(story_of(str(m["Subject"])), []).append(m)
    missing = set(EXPECTED) - set(per_story)
    assert not missing, "articles not delivered: %s" % sorted(missing)
    dups = {k: [str(m["Subject"]) for m in v] for k, v in per_story.items() if len(v) > 1}
    assert not dups, "delivered more than once: %s" % dups
    assert len(msgs) == len(EXPECTED)

    ids = [str(m["Message-ID"]).strip() for m in msgs]
    assert len(set(ids)) == len(ids), ids
    for m in msgs:
        assert re.fullmatch(r"<[0-9a-f]{64}@aggregator>", str(m["Message-ID"]).strip())

    # The key is SHA-256 of the canonical link; it names the message and its file.
    for canon, [m] in per_story.items():
        key = entry_key(canon)
        assert str(m["Message-ID"]).strip() == "<%s@aggregator>" % key, canon
        assert key in m.path.name

    merged = work.merged()
    assert merged.bozo == 0, merged.get("bozo_exception")
    assert len(merged.entries) == len(EXPECTED)


def test_dedup_across_runs(server, work):
    serve_dedup(server)
    work.write_config({"dedup-a": server.url("/a.xml")})
    res = work.once()
    assert res.rc == 0, res
    first = {p.name for p in work.message_files()}
    assert len(first) == 5

    # A restart with two more feeds delivers only what feed A did not have.
    work.write_config({"dedup-a": server.url("/a.xml"),
                       "dedup-b": server.url("/b.xml"),
                       "dedup-c": server.url("/c.xml")})
    res = work.once()
    assert res.rc == 0, res
    new = [m for m in work.messages() if m.path.name not in first]
    assert sorted(str(m["Subject"]) for m in new) == [
        "B only: autm_source is not a tracking parameter",
        "B only: https is not http"]
