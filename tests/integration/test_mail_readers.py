"""
Mail readers read every header whole (SPEC "Spool": readable by mutt,
notmuch, Dovecot or Python's mailbox).  notmuch (GMime) decodes adjacent
base64 encoded-words as one stream and stops at "=" padding that is not
the last word's, so a Subject split into padded words showed cut short
and could not be searched.  The demo feeds and feeds with long Korean,
mixed-script and ASCII titles are delivered, indexed with `notmuch new`
(its own config and database in the test's folder) and read back with
`notmuch search` and `notmuch show`: every subject and sender whole, and
the last word of every subject found by a search.
"""

import json
import re

import feedparser

from conftest import REPO
from helpers import notmuch, notmuch_env, rss_feed

DEMO = REPO / "config" / "demo"
DEMO_FEEDS = {
    "ainews-daily": "ainews-daily.rss",
    "ainews-briefing": "ainews-briefing.atom",
    "bigtech-column": "bigtech-column.rdf",
    "clipping-euckr": "clipping-euckr.rss",
}

KOREAN_FEED = "한국어 피드: 인공지능 산업 소식과 분석 (긴 이름의 피드)"
# Titles whose UTF-8 splits into words at every alignment: Korean alone
# (3 bytes a character), one ASCII letter before Korean (no multiple of 3
# at any character boundary), 2-byte and 4-byte characters, and ASCII
# that has to be encoded ("=?" in it) or only folded.
TITLES = [
    "트럼프 대통령 “엔비디아 최상위 AI 칩은 미국만”… 수출통제 상향 시사, "
    "동맹국 예외 범위가 관건이며 한국과 일본의 반도체 업계도 촉각을 곤두세운다",
    "A" + "가나다라마바사아자차카타파하" * 8 + " 끝말",
    "AB" + "각낙닥락막박삭악작착칵탁팍학" * 6 + " 마지막",
    "OpenAI와 AWS, 380억 달러 계약… ‘GPU 수십만 개’ 확보 🚀 — café, naïve, "
    "Привет мир, 😀 emoji 👍 and plain ASCII words after them all 결론",
    "Привет мир, это длинный заголовок на русском языке для проверки "
    "кодирования заголовков письма последний",
    "🚀😀👍🎉" * 12 + " rocketend",
    "ASCII with =? and ?= inside it (encoded, so no reader takes it for a "
    "word) and enough words to need more than one encoded word ending",
    "Plain ASCII title that is long enough to be folded over two or three "
    "header lines by the encoder without any encoding at all finale",
]


def shown(env):
    """{message-id: headers} of every message as `notmuch show` gives them."""
    out = {}

    def walk(node):
        if isinstance(node, dict):
            out[node["id"]] = node["headers"]
        elif isinstance(node, list):
            for n in node:
                walk(n)

    walk(json.loads(notmuch(env, "show", "--format=json", "--body=false", "*")))
    return out


def last_word(subject):
    return re.findall(r"\w+", subject)[-1]


def demo_titles():
    """feed name -> (feed title, {entry titles}) as feedparser reads them."""
    out = {}
    for name, fname in DEMO_FEEDS.items():
        d = feedparser.parse(str(DEMO / fname))
        out[name] = (" ".join(d.feed.title.split()),
                     {" ".join(e.title.split()) for e in d.entries})
    return out


def test_notmuch_reads_every_subject_and_sender_whole(work, server):
    server.set("/ko.xml", rss_feed(KOREAN_FEED, [
        {"title": t, "link": "https://readers.example/%d" % i,
         "description": "<p>%d</p>" % i} for i, t in enumerate(TITLES)]))
    feeds = {name: "file://%s" % (DEMO / fname) for name, fname in DEMO_FEEDS.items()}
    feeds["bigtech-column"] = {"url": feeds["bigtech-column"],
                               "title": "뉴스스페이스 빅테크칼럼"}
    feeds["korean"] = server.url("/ko.xml")
    work.write_config(feeds)
    res = work.once()
    assert res.rc == 0, res

    demo = demo_titles()
    demo["bigtech-column"] = ("뉴스스페이스 빅테크칼럼", demo["bigtech-column"][1])
    demo["korean"] = (KOREAN_FEED, set(TITLES))
    msgs = work.messages()
    by_id = {str(m["Message-ID"]).strip("<> "): m for m in msgs}
    # The demo's shared Reuters story is delivered once: 17 + ours.
    assert len(msgs) == 17 + len(TITLES), len(msgs)

    env = notmuch_env(work.path, work.spool)
    notmuch(env, "new")
    headers = shown(env)
    assert set(headers) == set(by_id)
    for mid, h in headers.items():
        m = by_id[mid]
        feed = [n for n, (ft, _) in demo.items()
                if str(m["X-RSS-Feed"]).endswith(DEMO_FEEDS.get(n, "/ko.xml"))]
        assert len(feed) == 1, (m, feed)
        feed_title, titles = demo[feed[0]]
        assert h["Subject"] in titles, (h["Subject"], m.raw[:600])
        assert h["From"] == "%s <aggregator@localhost>" % feed_title, h["From"]
    assert {h["Subject"] for h in headers.values()} >= set(TITLES)

    # The summary listing, a line per thread (a story is one), shows the
    # same whole subjects ...
    summary = json.loads(notmuch(env, "search", "--format=json", "--output=summary", "*"))
    assert len(summary) == len({str(m["X-RSS-Story"]) for m in msgs})
    assert {t["subject"] for t in summary} <= {h["Subject"] for h in headers.values()}
    # ... and a subject's last word finds its message.
    for mid, h in headers.items():
        word = last_word(h["Subject"])
        found = notmuch(env, "search", "--output=messages", "subject:%s" % word).split()
        assert "id:" + mid in found, (word, h["Subject"])
