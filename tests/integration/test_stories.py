"""
Stories (SPEC "Stories"): entries of several feeds, in English and Korean,
that report one event form one story; every message carries X-RSS-Story,
and every message of a story but its first names the first one's
Message-ID in In-Reply-To and References, so that notmuch shows the story
as one thread.  `stories --json` agrees with the headers, and a restart
continues the same stories from the state.
"""

import json
import re
import signal

from daemonproc import Daemon
from helpers import notmuch, notmuch_env, rss_feed

WIRE_LINK = "https://wire.example/business/openai-amazon-38-billion-aws"

WIRE = [
    {"title": "OpenAI, Amazon strike $38 billion agreement for ChatGPT "
              "maker to use AWS",
     "link": WIRE_LINK,
     "description": "<p>OpenAI will buy $38 billion of cloud capacity from "
                    "Amazon Web Services over seven years.</p>"},
    {"title": "Lena Dunham apologises for molestation joke tweet",
     "link": "https://wire.example/people/dunham-apology",
     "description": "<p>The actress removed the post on Tuesday.</p>"},
]
VERGE = [
    {"title": "OpenAI signs massive $38 billion cloud computing deal with "
              "Amazon",
     "link": "https://verge.example/news/812443/openai-amazon-38-billion",
     "description": "<p>The first big compute deal OpenAI has struck with "
                    "AWS since its restructuring.</p>"},
]
YNA = [
    {"title": "오픈AI, 아마존과 380억달러 클라우드 계약…MS 의존 줄인다",
     "link": "https://yna.example/view/AKR20251104000200091",
     "description": "<p>챗GPT 개발사 오픈AI가 아마존웹서비스(AWS)와 7년간 "
                    "380억달러 규모의 클라우드 이용 계약을 맺었다. "
                    '<a href="%s?utm_source=openai">Reuters</a></p>'
                    % WIRE_LINK},
]
LATER = {"title": "AWS 품에 안긴 오픈AI…엔비디아 GPU 수십만개로 차세대 모델 "
                  "훈련, 380억 달러 계약",
         "link": "https://zdnet.example/view/?no=20251104081233",
         "description": "<p>오픈AI가 아마존웹서비스와 7년 380억 달러 규모의 "
                        "계약을 체결했다.</p>"}

ID_RE = re.compile(r"<([0-9a-f]{64})@aggregator>")


def serve(server):
    for path, title, items in (("/wire.xml", "Wire", WIRE),
                               ("/verge.xml", "The Verge", VERGE),
                               ("/yna.xml", "연합뉴스", YNA)):
        server.set(path, rss_feed(title, items),
                   content_type="application/rss+xml")
    return {n: server.url("/%s.xml" % n) for n in ("wire", "verge", "yna")}


def by_link(work):
    """{X-RSS-URL: message} of the spool."""
    return {m["X-RSS-URL"]: m for m in work.messages()}


def story_of(msg):
    story = msg["X-RSS-Story"]
    assert story is not None and re.fullmatch(r"[0-9a-f]{64}", story), msg
    return story


def assert_threaded(msgs):
    """One story: its root has no parent and gives the story its id; every
    other message names the root in In-Reply-To and References."""
    stories = {story_of(m) for m in msgs}
    assert len(stories) == 1, stories
    story = stories.pop()
    roots = [m for m in msgs if m["In-Reply-To"] is None]
    assert len(roots) == 1, roots
    assert ID_RE.fullmatch(roots[0]["Message-ID"]).group(1) == story
    assert roots[0]["References"] is None
    for m in msgs:
        if m is not roots[0]:
            assert m["In-Reply-To"] == "<%s@aggregator>" % story, m
            assert m["References"] == "<%s@aggregator>" % story, m
    return story, roots[0]


def test_one_event_is_one_thread_in_notmuch_and_in_stories_json(work, server,
                                                                 tmp_path):
    work.write_config(serve(server))
    res = work.once()
    assert res.rc == 0, res
    msgs = by_link(work)
    assert len(msgs) == 4
    deal = [msgs[WIRE_LINK], msgs[VERGE[0]["link"]], msgs[YNA[0]["link"]]]
    story, root = assert_threaded(deal)
    dunham = msgs[WIRE[1]["link"]]
    assert story_of(dunham) != story
    assert dunham["In-Reply-To"] is None

    # notmuch threads by References: the deal is one thread of three.
    env = notmuch_env(tmp_path, work.spool)
    notmuch(env, "new", "--quiet")
    threads = notmuch(env, "search", "--output=threads", "*").split()
    assert len(threads) == 2, threads
    root_id = ID_RE.fullmatch(root["Message-ID"]).group(0)[1:-1]
    shown = json.loads(notmuch(env, "show", "--format=json", "--body=false",
                               "--entire-thread=true", "id:%s" % root_id))
    ids = set(re.findall(r'"id": "([0-9a-f]{64})@aggregator"',
                         json.dumps(shown)))
    assert ids == {ID_RE.fullmatch(m["Message-ID"]).group(1) for m in deal}

    # stories --json: the same grouping, the root's title as headline.
    res = work.run("stories", "--json")
    assert res.rc == 0, res
    listed = json.loads(res.stdout)["stories"]
    assert len(listed) == 2
    for s in listed:
        for e in s["entries"]:
            assert story_of(msgs[e["link"]]) == s["id"], (s, e)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s["first_seen"])
    deal_story = [s for s in listed if s["id"] == story][0]
    assert deal_story["title"] == str(root["Subject"])
    assert sorted(e["feed"] for e in deal_story["entries"]) == \
        ["verge", "wire", "yna"]

    # The readable listing names both stories.
    res = work.run("stories")
    assert res.rc == 0 and res.stdout.count("entries") + \
        res.stdout.count("entry ") == 2, res


def test_a_restart_continues_the_same_stories(work, server):
    urls = serve(server)
    work.write_config(urls)
    assert work.once().rc == 0
    story = story_of(by_link(work)[WIRE_LINK])

    # A later entry, polled by a new process: it joins the deal's story.
    server.set("/yna.xml", rss_feed("연합뉴스", YNA + [LATER]),
               content_type="application/rss+xml")
    res = work.once()
    assert res.rc == 0, res
    msgs = by_link(work)
    assert len(msgs) == 5
    later = msgs[LATER["link"]]
    assert story_of(later) == story
    assert later["In-Reply-To"] == "<%s@aggregator>" % story
    listed = json.loads(work.run("stories", "--json").stdout)["stories"]
    assert [len(s["entries"]) for s in listed if s["id"] == story] == [4]


def test_stories_since_and_an_empty_state(work, server):
    work.write_config(serve(server))
    res = work.run("stories", "--json")
    assert res.rc == 0 and json.loads(res.stdout) == {"stories": []}, res
    assert work.once().rc == 0
    assert len(json.loads(work.run("stories", "--json", "--since", "1h")
                          .stdout)["stories"]) == 2
    res = work.run("stories", "--since", "soon")
    assert res.rc == 2 and "--since" in res.stderr, res


def test_group_yes_gives_one_merged_entry_per_story(work, server):
    work.write_config(serve(server), group="yes")
    assert work.once().rc == 0
    msgs = by_link(work)
    story = story_of(msgs[WIRE_LINK])
    deal_links = {WIRE_LINK, VERGE[0]["link"], YNA[0]["link"]}
    d = work.merged()
    assert not d.bozo, d.bozo_exception
    assert len(d.entries) == 2
    grouped = [e for e in d.entries if e.id == "urn:aggregator:story:" + story]
    assert len(grouped) == 1
    g = grouped[0]
    links = {l.href for l in g.links}
    assert links == deal_links
    related = {l.href for l in g.links if l.rel == "related"}
    assert len(related) == 2 and related < deal_links
    root = [m for m in msgs.values() if m["Message-ID"] ==
            "<%s@aggregator>" % story][0]
    assert g.title == str(root["Subject"])
    assert g.link == root["X-RSS-URL"]
    for name in ("Wire", "The Verge", "연합뉴스"):
        assert name in g.summary and name in g.author
    # The other story, one entry, is that entry as it would be ungrouped.
    alone = [e for e in d.entries if e is not g][0]
    assert alone.link == WIRE[1]["link"]
    assert alone.id == "urn:aggregator:" + \
        ID_RE.fullmatch(msgs[WIRE[1]["link"]]["Message-ID"]).group(1)


def test_sighup_applies_group_at_once_and_story_window_at_restart(work,
                                                                  server):
    feeds = {n: {"url": u, "interval": "1s"} for n, u in serve(server).items()}
    work.write_config(feeds)
    with Daemon(work) as d:
        assert d.wait_for(lambda: work.maildir_count() == 4, 5), d.log()
        assert d.wait_for(lambda: work.output.exists() and
                          len(work.merged().entries) == 4, 5), d.log()
        work.write_config(feeds, group="yes", story_window="2d")
        d.send(signal.SIGHUP)
        assert d.wait_log("a new story_window takes effect at the next "
                          "restart"), d.log()
        # The next merged feed, after the next new entry, is grouped.
        server.set("/yna.xml", rss_feed("연합뉴스", YNA + [LATER]),
                   content_type="application/rss+xml")
        assert d.wait_for(lambda: work.maildir_count() == 5, 5), d.log()
        assert d.wait_for(lambda: len(work.merged().entries) == 2, 5), d.log()
        assert d.stop() == 0, d.log()
