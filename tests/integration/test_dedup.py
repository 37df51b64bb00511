"""
Cross-feed deduplication (SPEC "Deduplication"): the same article reached
through tracking parameters, host case, default ports, fragments and
xml:base in three feeds is delivered once; different articles are not merged.
Feeds whose ids are useless for it (catalogue row S07): guids that change
on every fetch are delivered once, keyed by their stable links, and entries
without a link are keyed by guid, else by title and content, as the README
says.
"""

import re
import uuid

from conftest import entry_key, fixture_bytes
from helpers import assert_exactly_once, message_id, rss_feed, sha, subjects

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


# --- S07: ids that change on every fetch, entries without links -------------

def rotating_rss():
    """Stable links, guids that change on every call."""
    its = [{"title": "Rot item %d" % i, "link": "https://rot.example/a/%d" % i,
            "guid": "urn:uuid:%s" % uuid.uuid4(), "guid_permalink": False,
            "description": "rotating guid %d" % i} for i in range(3)]
    # A permalink guid that changes, next to a stable <link>: the link wins.
    its.append({"title": "Rot item perma", "link": "https://rot.example/a/perma",
                "guid": "https://rot.example/p/%s" % uuid.uuid4(),
                "description": "rotating permalink guid"})
    return rss_feed("Rotating", its)


def rotating_atom():
    entries = "".join(
        '<entry><title>Rot atom %d</title><id>urn:uuid:%s</id>'
        '<link rel="alternate" href="https://rot.example/atom/%d?utm_source=feed"/>'
        '<updated>2025-11-01T0%d:00:00Z</updated><summary>a %d</summary></entry>\n'
        % (i, uuid.uuid4(), i, i, i) for i in range(2))
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>Rotating Atom</title>'
            '<id>urn:rot</id><updated>2025-11-01T00:00:00Z</updated>\n%s</feed>\n'
            % entries).encode()


LINKLESS = [
    {"title": "Guid only one", "guid": "tag:linkless.example,2025:1",
     "guid_permalink": False, "description": "first note"},
    {"title": "Guid only two", "guid": "tag:linkless.example,2025:2",
     "guid_permalink": False, "description": "second note"},
    {"title": "Neither one", "description": "a note without link or guid"},
    {"title": "Neither two", "description": "another such note"},
]


def test_rotating_guids_and_linkless_entries_are_delivered_once_S07(server, work):
    server.set("/rot.xml", rotating_rss(), content_type="application/rss+xml",
               validators=False)
    server.set("/rot.atom", rotating_atom(), content_type="application/atom+xml",
               validators=False)
    server.set("/linkless.xml", rss_feed("Linkless", LINKLESS),
               content_type="application/rss+xml", validators=False)
    work.write_config({"rotating": server.url("/rot.xml"),
                       "rotating-atom": server.url("/rot.atom"),
                       "linkless": server.url("/linkless.xml")})
    expected = (["Rot item %d" % i for i in range(3)] + ["Rot item perma"] +
                ["Rot atom 0", "Rot atom 1"] + [it["title"] for it in LINKLESS])
    # The documented keys: canonical link; else "id\nFEED\nID"; else
    # "content\nFEED\nTITLE\nCONTENT", FEED the feed's URL as configured.
    keys = {"Rot item %d" % i: entry_key("https://rot.example/a/%d" % i) for i in range(3)}
    keys["Rot item perma"] = entry_key("https://rot.example/a/perma")
    keys.update({"Rot atom %d" % i: entry_key("https://rot.example/atom/%d" % i)
                 for i in range(2)})
    for it in LINKLESS:
        if "guid" in it:
            keys[it["title"]] = sha("id\n%s\n%s" % (server.url("/linkless.xml"),
                                                      it["guid"]))
        else:
            keys[it["title"]] = sha("content\n%s\n%s\n%s"
                                    % (server.url("/linkless.xml"), it["title"],
                                       it["description"]))
    for poll in range(3):
        if poll:
            server.set("/rot.xml", rotating_rss(), content_type="application/rss+xml",
                       validators=False)
            server.set("/rot.atom", rotating_atom(), content_type="application/atom+xml",
                       validators=False)
        server.clear_log()
        res = work.once()
        assert res.rc == 0, res
        assert [r.status for r in server.requests] == [200, 200, 200]
        assert_exactly_once(work, expected)
        got = {str(m["Subject"]): message_id(m) for m in work.messages()}
        assert got == keys
        if poll:
            assert res.stdout.startswith("aggregator: 0 new entries"), res

    # Changed text under a known key delivers nothing (SPEC); an entry with
    # neither link nor id is keyed by its text, so changed text is new.
    changed = [dict(it) for it in LINKLESS]
    changed[0]["description"] = "first note, edited"
    changed[2]["description"] = "a note without link or guid, edited"
    server.set("/linkless.xml", rss_feed("Linkless", changed),
               content_type="application/rss+xml", validators=False)
    res = work.once()
    assert res.rc == 0, res
    assert res.stdout.startswith("aggregator: 1 new entries"), res
    assert subjects(work) == sorted(expected + ["Neither one"])
