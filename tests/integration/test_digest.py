"""
The digest (SPEC "Digest", README "Configuration" [digest] and
[publishers]): `aggregator digest` turns the stories of a period into a
Jekyll post in the shape of the seeds (digest_shape), a mail message or an
Atom feed.  Feeds of several outlets (Reuters, AP, The Verge, a Korean
outlet citing Reuters) report one event through the test HTTP server; one
--once delivers them, then the digest is read back strictly: one section
per story with every outlet once under its [publishers] name and a
canonical link, the post parsed by digest_shape and rendered by a real
Jekyll (hostile feed text stays text), the mail by Python's email, the
Atom feed by feedparser.  summary_cmd's success and failures (exit,
timeout, too much output, nothing, invalid UTF-8) and that it leaves no
process behind; min_sources, max_stories, --date, --since/--until (the
period is when entries were delivered); the same state giving the same
bytes.  The daemon's scheduled digests are in test_digest_daemon.py.
"""

import datetime
import email.parser
import email.policy
import json
import os
import re
import signal
import subprocess
import time
import uuid
from html.parser import HTMLParser
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import feedparser
import pytest

from digest_shape import SECTION_KINDS, parse_post, seed_paths, unquote
from jekyll_site import build_site, require_jekyll

SEOUL = ZoneInfo("Asia/Seoul")
TITLE = "AI 뉴스"

# --- the event, as five feeds report it ---------------------------------------

R_URL = ("https://www.reuters.com/business/retail-consumer/openai-amazon-strike-"
         "38-billion-agreement-chatgpt-maker-use-aws-2025-11-03/")
AP_URL = "https://apnews.com/article/071e752773dee5713c8b1a10039d08aa"
VERGE_URL = "https://www.theverge.com/news/812443/openai-amazon-38-billion-cloud-computing-ai"
YNA_URL = "https://yna.example/view/AKR20251104000200091"
UK_URL = "https://uk.reuters.com/technology/openai-aws-compute-deal-update-2025-11-03/"
DUNHAM_URL = "https://www.reuters.com/lifestyle/dunham-apology-2025-11-03/"

R_TITLE = "OpenAI, Amazon strike $38 billion agreement for ChatGPT maker to use AWS"
R_TEXT = ("OpenAI will buy $38 billion of cloud capacity from Amazon Web Services "
          "over seven years, the companies said on Monday. The deal gives the "
          "ChatGPT maker access to hundreds of thousands of Nvidia graphics "
          "processors in AWS data centers. OpenAI will start using the capacity "
          "immediately, with all of it deployed before the end of 2026. Amazon "
          "shares rose about 5% on the news, a record high for the company.")
YNA_TITLE = "오픈AI, 아마존과 380억달러 클라우드 계약…MS 의존 줄인다"
YNA_TEXT = ("챗GPT 개발사 오픈AI가 아마존웹서비스(AWS)와 7년간 380억달러 규모의 "
            "클라우드 이용 계약을 맺었다. 오픈AI는 엔비디아 GPU 수십만 개를 쓸 수 "
            "있게 된다. 이번 계약으로 오픈AI는 마이크로소프트 의존을 줄이게 됐다.")

DEAL = {
    "reuters": ("Reuters Business News", [
        {"title": R_TITLE, "link": R_URL + "?utm_source=openai",
         "date": "Mon, 03 Nov 2025 14:00:00 GMT", "description": "<p>%s</p>" % R_TEXT},
        {"title": "Lena Dunham apologises for molestation joke tweet",
         "link": DUNHAM_URL, "date": "Mon, 03 Nov 2025 09:00:00 GMT",
         "description": "<p>The actress removed the post on Tuesday.</p>"}]),
    "ap": ("AP Top Headlines", [
        {"title": "OpenAI and Amazon sign $38 billion AWS cloud computing deal",
         "link": AP_URL + "?utm_source=openai&utm_medium=referral#comments",
         "date": "Mon, 03 Nov 2025 14:30:00 GMT",
         "description": "<p>OpenAI signed a seven-year, $38 billion deal to use "
                        "Amazon Web Services, Amazon said. "
                        '<a href="%s?utm_source=openai">Reuters</a></p>' % R_URL}]),
    "verge": ("The Verge - All Posts", [
        {"title": "OpenAI signs massive $38 billion cloud computing deal with Amazon",
         "link": VERGE_URL + "?utm_source=openai",
         "date": "Mon, 03 Nov 2025 15:00:00 GMT",
         "description": "<p>The first big compute deal OpenAI has struck with AWS "
                        'since its restructuring, <a href="%s">Reuters reports</a>.</p>'
                        % R_URL}]),
    "yna": ("연합뉴스", [
        {"title": YNA_TITLE, "link": YNA_URL, "date": "Mon, 03 Nov 2025 15:30:00 GMT",
         "description": '<p>%s <a href="%s?utm_source=openai">Reuters</a></p>'
                        % (YNA_TEXT, R_URL)}]),
    # A later Reuters entry of the same event from a subdomain: the outlet
    # is still Reuters, linked once, through its earliest entry.
    "reuters-uk": ("Reuters UK Technology", [
        {"title": "OpenAI's $38 billion AWS deal: what the compute buys",
         "link": UK_URL, "date": "Mon, 03 Nov 2025 16:00:00 GMT",
         "description": '<p>More on the OpenAI and Amazon Web Services $38 billion '
                        'deal. <a href="%s">Earlier</a></p>' % R_URL}]),
}
PUBLISHERS = {"reuters.com": "Reuters", "apnews.com": "AP News",
              "theverge.com": "The Verge", "ft.com": "Financial Times"}
DEAL_SOURCES = {("Reuters", R_URL), ("AP News", AP_URL), ("The Verge", VERGE_URL),
                ("연합뉴스", YNA_URL)}
DEAL_LINKS = {R_URL, AP_URL, VERGE_URL, YNA_URL, UK_URL}


# --- feeds, config, runs ------------------------------------------------------

def rss(title, items):
    """An RSS 2.0 document; items: dicts of title, link, guid, date
    (RFC 822), description (HTML, escaped here)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
           "<title>%s</title><link>https://feeds.example/</link>"
           "<description>digest test</description>\n" % escape(title)]
    for it in items:
        out.append("<item>")
        for key, tag in (("title", "title"), ("link", "link"), ("guid", "guid"),
                         ("date", "pubDate"), ("description", "description")):
            if key in it:
                attr = ' isPermaLink="false"' if key == "guid" else ""
                out.append("<%s%s>%s</%s>" % (tag, attr, escape(it[key]), tag))
        out.append("</item>\n")
    out.append("</channel></rss>\n")
    return "".join(out).encode("utf-8")


def serve(server, feeds):
    """Serves {name: (feed title, items)}; returns {name: url}."""
    urls = {}
    for name, (title, items) in feeds.items():
        server.set("/%s.xml" % name, rss(title, items), content_type="application/rss+xml")
        urls[name] = server.url("/%s.xml" % name)
    return urls


def configure(work, urls, digest=None, publishers=None, **settings):
    """The work's config: the feeds, then [digest] (title AI 뉴스, Seoul,
    updated by digest; None drops a key) and [publishers]."""
    work.write_config(urls, **settings)
    d = {"title": TITLE, "timezone": "Asia/Seoul"}
    d.update(digest or {})
    lines = ["", "[digest]"] + ["%s = %s" % (k, v) for k, v in d.items() if v is not None]
    lines += ["", "[publishers]"]
    lines += ["%s = %s" % kv for kv in (PUBLISHERS if publishers is None
                                         else publishers).items()]
    with open(work.config, "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    res = work.run("check")
    assert res.rc == 0, res


def deliver(work, server, feeds=DEAL, **kw):
    configure(work, serve(server, feeds), **kw)
    res = work.once()
    assert res.rc == 0, res
    return res


def digest(work, *args, rc=0, timeout=30):
    res = work.run("digest", *args, timeout=timeout)
    assert not res.timed_out, res
    if rc is not None:
        assert res.rc == rc, res
    return res


def post_of(work, *args):
    """The Jekyll post of `digest ARGS`, parsed strictly."""
    res = digest(work, *args)
    return parse_post(res.stdout), res


def md_plain(s):
    """Markdown text as it reads: backslash escapes and our entities undone."""
    s = re.sub(r"\\(.)", r"\1", s)
    for ent, ch in (("&#123;", "{"), ("&#125;", "}"), ("&lt;", "<"), ("&gt;", ">"),
                    ("&quot;", '"'), ("&#39;", "'"), ("&amp;", "&")):
        s = s.replace(ent, ch)
    return s


def seoul_now():
    return datetime.datetime.now(SEOUL)


def wide_window():
    """--since/--until around now, fixed strings: an hour back, a minute on."""
    now = seoul_now()
    return ["--since", (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "--until", (now + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")]


def stories_json(work):
    res = work.run("stories", "--json")
    assert res.rc == 0, res
    return json.loads(res.stdout)["stories"]


def deal_story_id(work):
    ids = [s["id"] for s in stories_json(work)
           if R_URL in {e["link"].split("?")[0] for e in s["entries"]}]
    assert len(ids) == 1, stories_json(work)
    return ids[0]


def seed_shape():
    """The seeds' shape, as comparable across numbers of sections."""
    try:
        paths = seed_paths()
    except FileNotFoundError as e:
        pytest.fail("the seed posts are missing: %s" % e)
    shapes = [parse_post(p.read_bytes())["shape"] for p in paths]
    comparable = {(s.front_matter, frozenset(s.sections), s.ending) for s in shapes}
    assert len(comparable) == 1, shapes
    return comparable.pop()


def comparable(post):
    s = post["shape"]
    return (s.front_matter, frozenset(s.sections), s.ending)


# --- 1. one event, one section, every outlet -----------------------------------

def test_one_event_is_one_section_with_every_outlet_named_and_canonical(work, server):
    deliver(work, server)
    window = wide_window()
    post, res = post_of(work, *window)
    assert res.stderr == "", res
    assert comparable(post) == seed_shape()
    assert post["shape"].sections == (SECTION_KINDS,) * 2
    assert post["ending"] == "rule" and res.stdout.endswith("\n\n---\n")
    fm = dict(post["front_matter"])
    assert fm["layout"] == "post" and fm["categories"] == "news"
    # Dated --until, in Seoul.
    day, hhmm = window[3].split("T")
    assert unquote(fm["title"]) == "%s %s" % (day, TITLE)
    assert fm["date"] == "%s %s:00 +0900" % (day, hhmm), fm

    deal, dunham = post["sections"]
    # The deal: every outlet once, named by [publishers] (uk.reuters.com is
    # Reuters, a subdomain), the Korean one by its feed's title; canonical
    # links (no utm_*, no fragment); Reuters through its earliest entry.
    labels = [label for label, _ in deal["sources"]]
    assert sorted(labels) == sorted(set(labels)), deal["sources"]
    assert set(deal["sources"]) == DEAL_SOURCES, deal["sources"]
    for _, url in deal["sources"]:
        assert "utm_" not in url and "#" not in url, url
    # Headline: most feeds write English; the English entry with the most
    # text is Reuters'.  Its summary: leading whole sentences of that text.
    assert md_plain(deal["headline"]) == R_TITLE
    assert deal["main_source"] == ("reuters.com", R_URL)
    summary = md_plain(deal["summary"])
    assert summary.startswith("OpenAI will buy $38 billion of cloud capacity"), summary
    assert R_TEXT.startswith(summary) and summary.endswith("."), summary
    assert 0 < len(summary) <= 400
    # The single-outlet story comes after the four-outlet one.
    assert md_plain(dunham["headline"]).startswith("Lena Dunham apologises")
    assert dunham["sources"] == [("Reuters", DUNHAM_URL)]
    assert dunham["main_source"] == ("reuters.com", DUNHAM_URL)
    assert dunham["summary"] == "The actress removed the post on Tuesday."


def test_headline_language_and_summary_length(work, server):
    # language = ko: the Korean entry is the best one, whatever most feeds use.
    deliver(work, server, digest={"language": "ko", "summary_chars": "80"})
    post, _ = post_of(work, *wide_window())
    deal = post["sections"][0]
    assert set(deal["sources"]) == DEAL_SOURCES
    assert md_plain(deal["headline"]) == YNA_TITLE
    assert deal["main_source"] == ("yna.example", YNA_URL)
    # 80 characters: the first sentence (47) fits, the second would not.
    first = YNA_TEXT.split(". ")[0] + "."
    assert len(first) <= 80 < len(first) + 1 + len(YNA_TEXT.split(". ")[1]) + 1
    assert md_plain(deal["summary"]) == first


ZDNET_TITLE = "AWS 품에 안긴 오픈AI…엔비디아 GPU 수십만개로 차세대 모델 훈련, 380억 달러 계약"
ZDNET_TEXT = ("오픈AI가 아마존웹서비스와 7년 380억 달러 규모의 계약을 체결했다. 오픈AI는 "
              "엔비디아 GB200과 GB300 GPU 수십만 개를 활용해 차세대 모델을 훈련한다. "
              "업계는 이번 계약이 클라우드 시장 판도를 바꿀 것으로 본다. 아마존 주가는 "
              "사상 최고치를 기록했다.")
KOREAN_MOSTLY = {
    "reuters": DEAL["reuters"],
    "yna": DEAL["yna"],
    "zdnet": ("지디넷코리아", [
        {"title": ZDNET_TITLE, "link": "https://zdnet.example/view/?no=20251104081233",
         "date": "Mon, 03 Nov 2025 23:00:00 GMT",
         "description": '<p>%s <a href="%s">로이터</a></p>' % (ZDNET_TEXT, R_URL)}]),
    "hankyung": ("한국경제", [
        {"title": "아마존, 오픈AI와 380억달러 AWS 계약…주가 사상 최고",
         "link": "https://hankyung.example/article/2025110412345",
         "date": "Mon, 03 Nov 2025 23:30:00 GMT",
         "description": '<p>아마존 주가가 오픈AI와의 380억달러 클라우드 계약 소식에 '
                        '올랐다. <a href="%s">Reuters</a></p>' % R_URL}]),
}


def test_headline_in_the_language_most_feeds_use(work, server):
    # Three Korean feeds, one English: the Korean entry with the most text.
    deliver(work, server, KOREAN_MOSTLY)
    post, _ = post_of(work, *wide_window())
    deal = [s for s in post["sections"] if len(s["sources"]) > 1]
    assert len(deal) == 1, post["sections"]
    deal = deal[0]
    assert {label for label, _ in deal["sources"]} == {"Reuters", "연합뉴스", "지디넷코리아",
                                                       "한국경제"}
    assert md_plain(deal["headline"]) == ZDNET_TITLE
    assert deal["main_source"][0] == "zdnet.example"
    assert md_plain(deal["summary"]).startswith("오픈AI가 아마존웹서비스와 7년")
    # The English-only story keeps its own (English) title.
    other = [s for s in post["sections"] if s is not deal]
    assert [md_plain(s["headline"]) for s in other] == [
        "Lena Dunham apologises for molestation joke tweet"]


def test_publishers_match_hosts_subdomains_and_path_prefixes(work, server):
    feeds = {"mixed": ("Mixed Feed", [
        {"title": "Tech: quantum chips", "link":
         "https://www.example.com/tech/quantum-chips", "description": "<p>Qubits.</p>"},
        {"title": "Sports: marathon records fall", "link":
         "https://example.com/sports/marathon", "description": "<p>Runners.</p>"},
        {"title": "Blog: gardening tomatoes", "link":
         "https://blog.example.com/garden", "description": "<p>Tomatoes.</p>"},
        {"title": "Lookalike host: sailing boats at dawn", "link":
         "https://notexample.com/sailing", "description": "<p>Boats.</p>"},
        {"title": "Path prefix: technology museums reopen", "link":
         "https://example.com/technology/museums", "description": "<p>Museums.</p>"},
    ])}
    deliver(work, server, feeds, publishers={"example.com": "Example",
                                              "example.com/tech/": "Example Tech"})
    post, _ = post_of(work, *wide_window())
    names = {md_plain(s["headline"]).split()[0].rstrip(":"): s["sources"][0][0]
             for s in post["sections"]}
    assert names == {"Tech": "Example Tech", "Sports": "Example", "Blog": "Example",
                     "Lookalike": "Mixed Feed", "Path": "Example"}, names


def test_a_feed_title_set_in_the_config_names_its_outlet(work, server):
    # README: a feed's title in the config overrides the feed's own; an
    # unmapped host is named by it.
    urls = serve(server, DEAL)
    urls["yna"] = {"url": urls["yna"], "title": "Yonhap News"}
    configure(work, urls)
    assert work.once().rc == 0
    post, _ = post_of(work, *wide_window())
    assert set(post["sections"][0]["sources"]) == \
        DEAL_SOURCES - {("연합뉴스", YNA_URL)} | {("Yonhap News", YNA_URL)}


def test_over_long_first_sentence_is_cut_at_a_space_with_an_ellipsis(work, server):
    words = " ".join("word%02d" % i for i in range(60))    # 419 chars, no period
    feeds = {"one": ("Solo Wire", [{"title": "A very long sentence", "link":
                                    "https://solo.example/long", "description":
                                    "<p>%s. Second sentence.</p>" % words}])}
    deliver(work, server, feeds, digest={"summary_chars": "100"})
    post, _ = post_of(work, *wide_window())
    summary = md_plain(post["sections"][0]["summary"])
    assert summary.endswith("…"), summary
    body = summary[:-1].rstrip()
    assert len(summary) <= 100, (len(summary), summary)
    assert words.startswith(body) and words[len(body)] == " ", summary
    assert len(body) > 60, summary         # cut near the limit, not at the start


def test_entry_without_text_still_gives_a_post_of_the_seed_shape(work, server):
    """A story whose entry has a title and a link but no description
    (title-only feeds: link aggregators, many portal feeds) says its
    headline again as its summary, so that its summary line has text
    before the main source and the post keeps the seeds' shape."""
    feeds = {"titles": ("Titles Only", [
        {"title": "Show HN: a tiny feed reader written in C",
         "link": "https://news.example/item?id=1"}])}
    deliver(work, server, feeds)
    res = digest(work, *wide_window())
    assert "## Show HN: a tiny feed reader written in C" in res.stdout, res
    lines = res.stdout.splitlines()
    summary = lines[lines.index("[Titles Only](https://news.example/item?id=1)") + 2]
    assert not summary.startswith("(["), \
        "empty summary: the section's summary line is only %r" % summary
    post = parse_post(res.stdout)
    assert comparable(post) == seed_shape()


def test_characters_dropped_from_feed_text_leave_no_stray_spaces(work, server):
    """Characters a page cannot carry (U+FFFE, U+FFFF) are dropped before
    white space is collapsed: a JSON Feed titled "JSON Wire \\ufffe" is the
    outlet "[JSON Wire](...)", with no trailing space (which digest_shape
    rejects), and "chars \\ufffe\\uffff here" is "chars here"."""
    doc = json.dumps({"version": "https://jsonfeed.org/version/1.1",
                      "title": "JSON Wire \ufffe",
                      "items": [{"id": "1", "url": "https://j.example/1",
                                 "title": "Bad chars \ufffe\uffff here",
                                 "content_text": "Text with \ufffe odd characters. Second."}]})
    server.set("/feed.json", doc.encode("utf-8"), content_type="application/feed+json")
    configure(work, {"j": server.url("/feed.json")})
    assert work.once().rc == 0
    res = digest(work, *wide_window())
    assert "\n[JSON Wire](https://j.example/1)\n" in res.stdout, res.stdout
    assert "\n## Bad chars here\n" in res.stdout, res.stdout
    assert "Text with odd characters." in res.stdout, res.stdout
    parse_post(res.stdout)


def test_entities_and_markup_of_the_text_are_decoded_in_the_summary(work, server):
    feeds = {"one": ("Solo Wire", [{
        "title": "AT&amp;T &amp; Verizon", "link": "https://solo.example/att",
        "description": "<p>AT&amp;T&#8217;s <b>network</b> &ldquo;grew&rdquo;"
                       " 5&nbsp;percent.</p><script>var x = 1;</script>"}])}
    deliver(work, server, feeds)
    post, res = post_of(work, *wide_window())
    sec = post["sections"][0]
    summary = md_plain(sec["summary"])
    assert "AT&T’s network “grew” 5" in summary and "percent." in summary, summary
    assert "<b>" not in summary and "&amp;" not in summary, summary
    assert "var x" not in summary, summary
    # In the post itself & is an entity (kramdown shows it as &).
    assert "AT&amp;T" in sec["summary"], sec


# --- 2. Jekyll renders it -------------------------------------------------------

class Rendered(HTMLParser):
    """Tags, <h1>/<h2> texts, every <a>'s (text, href), <hr> count, text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.h1, self.h2, self.links, self.hr = [], [], [], [], 0
        self.text = []
        self._open = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "hr":
            self.hr += 1
        if tag in ("h1", "h2", "a"):
            self._open.append([tag, "", dict(attrs).get("href")])

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "hr":
            self.hr += 1

    def handle_endtag(self, tag):
        if not self._open or self._open[-1][0] != tag:
            return
        t, text, href = self._open.pop()
        {"h1": self.h1, "h2": self.h2}.get(t, self.links).append(
            text if t != "a" else (text, href))
        if self._open:
            self._open[-1][1] += text

    def handle_data(self, data):
        self.text.append(data)
        if self._open:
            self._open[-1][1] += data


HOSTILE = ("<script>alert(1)</script> {{ site.time }} {% include x %} "
           "[x](javascript:alert(1))")
HOSTILE_FEEDS = {
    "evil": ("Evil {{ site.title }} Feed", [
        {"title": HOSTILE, "link": "https://evil.example/a?x=1&y=%7B%7B",
         "description": "<p>Body {{ page.path }} {% include y %} "
                        "&lt;script&gt;alert(2)&lt;/script&gt; "
                        "&lt;img src=x onerror=alert(3)&gt; "
                        "[y](javascript:alert(4)) *bold* `code` {: .x}.</p>"},
        {"title": "Second {% raw %} entry", "link": "javascript:alert(5)",
         "guid": "evil-second",
         "description": "<p>An entry whose link is javascript.</p>"}]),
}


def test_post_renders_in_jekyll_title_headlines_links_rules(work, server, tmp_path):
    require_jekyll()
    deliver(work, server)
    out = work.path / "posts"
    out.mkdir()
    digest(work, *wide_window(), "-o", str(out))
    [path] = list(out.iterdir())
    data = path.read_bytes()
    post = parse_post(data)
    pages = build_site(tmp_path, {path.name: data})
    page = Rendered(pages[path.name])
    title = unquote(dict(post["front_matter"])["title"])
    assert page.h1 == [title], page.h1
    assert [h.strip() for h in page.h2] == [md_plain(s["headline"]) for s in post["sections"]]
    assert page.hr == len(post["sections"]) == 2
    hrefs = {(text, href) for text, href in page.links}
    for sec in post["sections"]:
        for label, url in sec["sources"]:
            assert (label, url) in hrefs, (label, url, page.links)
        host, url = sec["main_source"]
        assert (host, url) in hrefs, (host, page.links)
    assert "OpenAI will buy $38 billion" in "".join(page.text)


def test_hostile_feed_text_renders_as_harmless_text(work, server, tmp_path):
    require_jekyll()
    deliver(work, server, HOSTILE_FEEDS)
    res = digest(work, *wide_window())
    doc = res.stdout
    # Nothing Liquid or HTML is left in the post's text.
    body = doc.split("\n---\n", 1)[1]
    for bad in ("{{", "{%", "<script", "<img"):
        assert bad not in body, (bad, doc)
    assert not re.search(r"(?<!\\)\]\(javascript:", body), doc
    name = seoul_now().strftime("%Y-%m-%d") + "-hostile.md"
    pages = build_site(tmp_path, {name: doc.encode("utf-8")})
    html = pages[name]
    page = Rendered(html)
    assert [t for t, _ in page.tags if t in ("script", "img", "iframe")] == [], page.tags
    for tag, attrs in page.tags:
        for k, v in attrs.items():
            assert not k.startswith("on"), (tag, attrs)
            if k in ("href", "src"):
                assert re.match(r"https?://", v or ""), (tag, attrs)
    text = " ".join("".join(page.text).split())
    # Shown as written: Liquid did not run, the markup is text.
    assert "<script>alert(1)</script> {{ site.time }} {% include x %} " \
        "[x](javascript:alert(1))" in text, text
    assert "{{ page.path }}" in text and "{% include y %}" in text, text
    assert "<script>alert(2)</script>" in text, text
    assert "Evil {{ site.title }} Feed" in text, text
    # The entry whose link is javascript: is listed without a link.
    assert "Second {% raw %} entry" in text, text

    # The same text in the other formats: Atom that feedparser reads whole,
    # a mail whose HTML part holds no markup of the feed's.
    d = feedparser.parse(digest(work, *wide_window(), "--format", "atom")
                         .stdout.encode("utf-8"))
    assert d.bozo == 0, d.get("bozo_exception")
    assert HOSTILE in [e.title for e in d.entries]
    raw = digest(work, *wide_window(), "--format", "mail").stdout.encode("ascii")
    msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(raw)
    mail = Rendered(msg.get_body(preferencelist=("html",)).get_content())
    assert [t for t, _ in mail.tags if t in ("script", "img", "iframe")] == []
    assert all(re.match(r"https?://", h or "") for _, h in mail.links), mail.links
    assert HOSTILE in [" ".join(h.split()) for h in mail.h2], mail.h2


# --- 3. the same bytes, -o DIR, -o FILE -----------------------------------------

def test_same_state_same_bytes(work, server):
    deliver(work, server, digest={"summary_chars": "120"})
    window = wide_window()
    today = seoul_now().strftime("%Y-%m-%d")
    runs = [(fmt, args) for fmt in ("jekyll", "mail", "atom")
            for args in (window, ["--date", today])]
    first = [digest(work, *args, "--format", fmt).stdout for fmt, args in runs]
    time.sleep(1.1)                   # another second: no clock in the bytes
    again = [digest(work, *args, "--format", fmt).stdout for fmt, args in runs]
    for run, a, b in zip(runs, first, again):
        assert a == b and "OpenAI" in a, run
    # --date D: the day D in the zone, dated D 23:59:59.
    post, _ = post_of(work, "--date", today)
    fm = dict(post["front_matter"])
    assert fm["date"] == "%s 23:59:59 +0900" % today
    assert unquote(fm["title"]) == "%s %s" % (today, TITLE)
    assert len(post["sections"]) == 2


def test_output_to_a_folder_a_file_and_quietly(work, server):
    deliver(work, server)
    window = wide_window()
    today = window[3][:10]            # the day of --until, in Seoul
    posts = work.path / "_posts"
    posts.mkdir()
    res = digest(work, *window, "-o", str(posts))
    path = posts / ("%s-ai-뉴스.md" % today)
    assert res.stdout == "aggregator: digest of 2 stories: %s\n" % path, res
    assert sorted(p.name for p in posts.iterdir()) == [path.name]
    assert path.read_text(encoding="utf-8") == digest(work, *window).stdout

    # -o FILE replaces the file whole; nothing else is left beside it.
    out = work.path / "out" / "digest.md"
    out.parent.mkdir()
    out.write_text("old contents\n" * 1000)
    os.chmod(out, 0o644)
    res = digest(work, "--date", today, "-o", str(out))
    assert res.stdout == "aggregator: digest of 2 stories: %s\n" % out, res
    assert out.read_text(encoding="utf-8") == digest(work, "--date", today).stdout
    assert os.listdir(out.parent) == ["digest.md"]

    # -q before the command: nothing on stdout, the file still written.
    out.unlink()
    res = work.run("-q", "-c", str(work.config), "digest", "--date", today, "-o", str(out),
                   config=False)
    assert res.rc == 0 and res.stdout == "" and res.stderr == "", res
    assert out.read_text(encoding="utf-8") == digest(work, "--date", today).stdout

    # The slug is made of the title's letters and digits: no "/" in it.
    work.config.write_text(work.config.read_text().replace(
        "title = AI 뉴스", "title = AI/ML News: Daily!"))
    res = digest(work, *window, "-o", str(posts))
    assert res.stdout.strip().endswith("/%s-ai-ml-news-daily.md" % today), res
    assert (posts / ("%s-ai-ml-news-daily.md" % today)).is_file()
    assert sorted(p.name for p in posts.iterdir()) == sorted(
        [path.name, "%s-ai-ml-news-daily.md" % today])


def test_no_state_yet_is_a_digest_of_nothing(work, server):
    configure(work, serve(server, DEAL))
    today = seoul_now().strftime("%Y-%m-%d")
    res = digest(work, "--date", today)
    assert res.stdout == ('---\nlayout: post\ntitle: "%s %s"\ndate: %s 23:59:59 +0900\n'
                          'categories: news\n---\n' % (today, TITLE, today)), res
    res = digest(work, "-o", str(work.path))
    assert res.stdout == "aggregator: digest of 0 stories: %s/%s-ai-뉴스.md\n" % (
        work.path, today), res
    assert not (work.path / "state.db").exists()


def test_bad_options_are_usage_errors(work, server):
    deliver(work, server)
    for args in (["--date", "2025-13-01"], ["--date", "yesterday"],
                 ["--since", "soon"], ["--format", "pdf"],
                 ["--date", "2025-11-03", "--since", "2025-11-02"]):
        res = digest(work, *args, rc=None)
        assert res.rc == 2 and res.stdout == "" and res.stderr, (args, res)


# --- 4. mail --------------------------------------------------------------------

def test_mail_is_multipart_alternative_with_every_link(work, server):
    deliver(work, server)
    window = wide_window()
    post, _ = post_of(work, *window)
    res = digest(work, *window, "--format", "mail")
    assert res.stdout.isascii(), "8-bit bytes in the message"
    raw = res.stdout.encode("ascii")
    assert max(len(l) for l in raw.split(b"\n")) <= 998     # RFC 5322 2.1.1
    msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(raw)
    assert not msg.defects, msg.defects
    assert msg.is_multipart()
    assert msg.get_content_type() == "multipart/alternative"
    assert "multipart/digest" not in res.stdout.lower()
    title = unquote(dict(post["front_matter"])["title"])
    assert str(msg["Subject"]) == title
    assert msg["Message-ID"] and msg["Date"] and msg["From"]
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    for p in parts:
        assert p.get_content_charset() == "utf-8"
        assert p["Content-Transfer-Encoding"].lower() == "quoted-printable"
        assert not p.defects, p.defects
    plain, html = (p.get_content() for p in parts)
    assert title in plain and title in html
    page = Rendered(html)
    hrefs = {href for _, href in page.links}
    assert len(page.h2) == len(post["sections"])
    for sec in post["sections"]:
        assert md_plain(sec["headline"]) in [h.strip() for h in page.h2]
        for label, url in sec["sources"] + [sec["main_source"]]:
            assert url in hrefs, (url, hrefs)
            assert url in plain or md_plain(sec["headline"]) in plain
    assert "연합뉴스" in plain and "연합뉴스" in html


# --- 5. Atom ---------------------------------------------------------------------

def test_atom_has_one_entry_per_story_with_related_links(work, server):
    deliver(work, server)
    window = wide_window()
    post, _ = post_of(work, *window)
    res = digest(work, *window, "--format", "atom")
    d = feedparser.parse(res.stdout.encode("utf-8"))
    assert d.bozo == 0, d.get("bozo_exception")
    assert d.feed.title == unquote(dict(post["front_matter"])["title"])
    assert len(d.entries) == len(post["sections"]) == 2
    deal_id = deal_story_id(work)
    for entry, sec in zip(d.entries, post["sections"]):
        assert entry.title == md_plain(sec["headline"])
        assert entry.link == sec["main_source"][1]
        related = {l.href for l in entry.links if l.rel == "related"}
        assert related == {url for _, url in sec["sources"]}, (related, sec)
        assert entry.summary.startswith(md_plain(sec["summary"])[:40])
        content = entry.content[0]
        assert content.type == "text/html"
        for label, url in sec["sources"]:
            assert label in content.value and url in content.value
    assert d.entries[0].id == "urn:aggregator:story:" + deal_id
    assert re.fullmatch(r"urn:aggregator:story:[0-9a-f]{64}", d.entries[1].id)


# --- 6. summary_cmd ----------------------------------------------------------------

def summary_lines(res):
    return [l for l in res.stderr.splitlines() if "summary_cmd" in l]


def assert_failed_per_story(work, res, reason):
    """One line per story, naming it and reason; the built-in summaries."""
    ids = [s["id"] for s in stories_json(work)]
    lines = summary_lines(res)
    assert len(lines) == len(ids) == 2, res
    for story in ids:
        named = [l for l in lines if story[:12] in l]
        assert len(named) == 1, (story, lines)
        assert re.search(reason, named[0]), (reason, named[0])
        assert "built-in summary" in named[0], named[0]


def test_summary_cmd_gets_the_story_as_json(work, server, tmp_path):
    script = tmp_path / "summarise.py"
    got = tmp_path / "got"
    got.mkdir()
    script.write_text(
        "import json, sys, os\n"
        "data = sys.stdin.buffer.read()\n"
        "story = json.loads(data)\n"
        "open(os.path.join(%r, story['id']), 'wb').write(data)\n"
        "print('  SUMMARY %%d entries\\n\\n of   %%s  ' %% (len(story['entries']),"
        " story['headline'][:6]))\n" % str(got))
    deliver(work, server, digest={"summary_cmd": "/usr/bin/python3 %s" % script})
    post, res = post_of(work, *wide_window())
    assert summary_lines(res) == [], res
    deal, dunham = post["sections"]
    assert deal["summary"] == "SUMMARY 5 entries of OpenAI", deal
    assert dunham["summary"] == "SUMMARY 1 entries of Lena D", dunham
    assert deal["main_source"] == ("reuters.com", R_URL)
    # What it read: the story with every entry, its feed, outlet and link.
    story = json.loads((got / deal_story_id(work)).read_bytes())
    assert story["id"] == deal_story_id(work)
    assert story["headline"] == R_TITLE
    entries = story["entries"]
    assert {e["feed"] for e in entries} == set(DEAL) and len(entries) == 5
    links = {e["link"].split("?")[0].split("#")[0] for e in entries}
    assert links == DEAL_LINKS
    outlets = {e["feed"]: e["outlet"] for e in entries}
    assert outlets == {"reuters": "Reuters", "reuters-uk": "Reuters", "ap": "AP News",
                       "verge": "The Verge", "yna": "연합뉴스"}
    for e in entries:
        assert set(e) >= {"feed", "outlet", "title", "link", "date", "text"}, e
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", e["date"]), e
    by_feed = {e["feed"]: e for e in entries}
    assert by_feed["yna"]["title"] == YNA_TITLE
    assert "OpenAI will buy $38 billion" in by_feed["reuters"]["text"]


FAILURES = {
    "exit": ("cat >/dev/null; echo partial; exit 3", r"status 3"),
    "one-byte-too-many": ("/usr/bin/python3 -c \"import sys; sys.stdout.write('a' * 16385)\"",
                          r"16384|more than|too much"),
    "nothing": ("cat >/dev/null; printf '  \\n'", r"nothing|no output|empty"),
    "invalid-utf8": ("cat >/dev/null; printf 'bad \\377\\376 bytes\\n'", r"UTF-8"),
    "too-much": ("yes | head -c 100000", r"16384|more than|too much"),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_summary_cmd_failure_keeps_the_built_in_summary(work, server, case):
    cmd, reason = FAILURES[case]
    deliver(work, server, digest={"summary_cmd": cmd})
    window = wide_window()
    post, res = post_of(work, *window)
    assert_failed_per_story(work, res, reason)
    configure(work, serve(server, DEAL), digest={"summary_cmd": None})
    builtin, quiet = post_of(work, *window)
    assert summary_lines(quiet) == []
    assert [s["summary"] for s in post["sections"]] == \
        [s["summary"] for s in builtin["sections"]]
    assert post["sections"][0]["summary"].startswith("OpenAI will buy")


def test_summary_cmd_output_is_text_up_to_16384_bytes(work, server):
    # Exactly the most it may print, and what it prints is text in the post.
    cmd = ("/usr/bin/python3 -c \"import sys; sys.stdin.read(); "
           "s = '<b>x</b> {{ site.time }} {% include x %} *y* '; "
           "sys.stdout.write(s + 'a' * (16384 - len(s.encode())))\"")
    deliver(work, server, digest={"summary_cmd": cmd})
    post, res = post_of(work, *wide_window())
    assert summary_lines(res) == [], res
    summary = post["sections"][0]["summary"]
    assert "{{" not in summary and "{%" not in summary and "<b>" not in summary
    assert md_plain(summary) == "<b>x</b> {{ site.time }} {% include x %} *y* " + \
        "a" * (16384 - 45), summary[:80]


def pgrep(marker):
    r = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    return r.stdout.split()


def test_summary_cmd_that_hangs_is_cut_and_leaves_no_process(work, server):
    marker = "30.%06d" % (uuid.uuid4().int % 1000000)
    deliver(work, server, digest={"summary_cmd": "cat >/dev/null; sleep %s; echo late"
                                  % marker, "summary_timeout": "1s"})
    start = time.monotonic()
    post, res = post_of(work, *wide_window())
    elapsed = time.monotonic() - start
    try:
        assert elapsed < 8, elapsed             # two stories, 1 s each
        assert_failed_per_story(work, res, r"timed out after 1s")
        assert post["sections"][0]["summary"].startswith("OpenAI will buy")
        assert "late" not in res.stdout
        assert pgrep("sleep " + marker) == [], "summary_cmd left processes behind"
    finally:
        for pid in pgrep("sleep " + marker):
            os.kill(int(pid), 9)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_digest_leaves_no_summary_cmd_behind(work, server, signum):
    """summary_cmd runs in a process group of its own, which Ctrl-C (SIGINT
    reaches the terminal's foreground group) or a kill of the command
    (timeout(1), cron) does not reach: `aggregator digest` kills it before
    it dies of the signal, so no process of the command is left."""
    marker = "32.%06d" % (uuid.uuid4().int % 1000000)
    deliver(work, server, digest={"summary_cmd": "cat >/dev/null; sleep %s; echo late"
                                  % marker, "summary_timeout": "20s"})
    proc = subprocess.Popen([work.binary, "-c", str(work.config), "digest"],
                            cwd=str(work.path), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not pgrep("sleep " + marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pgrep("sleep " + marker), "summary_cmd never started"
        proc.send_signal(signum)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 2
        while pgrep("sleep " + marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = pgrep("sleep " + marker)
        assert left == [], "aggregator digest ended by signal %d (exit %d) and left " \
            "summary_cmd running: pids %s" % (signum, proc.returncode, left)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in pgrep(marker):
            os.kill(int(pid), signal.SIGKILL)


def test_summary_cmd_background_children_are_ended(work, server):
    marker = "31.%06d" % (uuid.uuid4().int % 1000000)
    deliver(work, server, digest={
        "summary_cmd": "cat >/dev/null; sleep %s >/dev/null 2>&1 & echo done here"
                       % marker, "summary_timeout": "5s"})
    try:
        post, res = post_of(work, *wide_window())
        assert summary_lines(res) == [], res
        assert [s["summary"] for s in post["sections"]] == ["done here"] * 2
        time.sleep(0.2)
        assert pgrep("sleep " + marker) == [], "summary_cmd left processes behind"
    finally:
        for pid in pgrep("sleep " + marker):
            os.kill(int(pid), 9)


def test_summary_timeout_below_one_second_is_refused(work, server):
    configure(work, serve(server, DEAL))
    text = work.config.read_text()
    for bad in ("0s", "0"):
        work.config.write_text(text.replace("[publishers]", "summary_timeout = %s\n\n"
                                            "[publishers]" % bad))
        res = work.run("check")
        assert res.rc == 2 and "summary_timeout" in res.stderr, (bad, res)


# --- 7. which stories: min_sources, max_stories, the period ---------------------

IREN_URL = "https://www.reuters.com/technology/microsoft-iren-97-billion-2025-11-03/"
MORE = {
    "reuters": ("Reuters Business News", DEAL["reuters"][1] + [
        {"title": "Microsoft signs $9.7 billion AI cloud contract with IREN",
         "link": IREN_URL, "date": "Mon, 03 Nov 2025 13:00:00 GMT",
         "description": "<p>Microsoft signed a five-year, $9.7 billion contract "
                        "with IREN for Nvidia GB300 chips in Texas.</p>"}]),
    "ap": ("AP Top Headlines", [
        {"title": "Microsoft strikes $9.7 billion deal with IREN for Nvidia chips",
         "link": "https://apnews.com/article/b3d7a6032ad69dcbea43ce88b007fe3f",
         "date": "Mon, 03 Nov 2025 13:30:00 GMT",
         "description": '<p>Microsoft and IREN agreed a $9.7 billion deal for '
                        'GB300 capacity in Childress, Texas. <a href="%s">Reuters'
                        '</a></p>' % IREN_URL}]),
}


def deal_and_more():
    """The deal's five feeds with the IREN story (Reuters and AP) added."""
    feeds = dict(DEAL)
    feeds["reuters"] = (DEAL["reuters"][0], DEAL["reuters"][1] + MORE["reuters"][1][1:])
    feeds["ap"] = (DEAL["ap"][0], DEAL["ap"][1] + MORE["ap"][1])
    return feeds


def outlet_counts(post):
    return [len(s["sources"]) for s in post["sections"]]


def test_min_sources_and_max_stories(work, server):
    urls = serve(server, deal_and_more())
    configure(work, urls)
    assert work.once().rc == 0
    window = wide_window()
    post, _ = post_of(work, *window)
    assert outlet_counts(post) == [4, 2, 1], post["sections"]
    assert md_plain(post["sections"][1]["headline"]).startswith("Microsoft")

    configure(work, urls, digest={"min_sources": "2"})
    post, _ = post_of(work, *window)
    assert outlet_counts(post) == [4, 2]
    configure(work, urls, digest={"min_sources": "3"})
    post, _ = post_of(work, *window)
    assert outlet_counts(post) == [4]
    assert set(post["sections"][0]["sources"]) == DEAL_SOURCES
    configure(work, urls, digest={"max_stories": "2"})
    post, _ = post_of(work, *window)
    assert outlet_counts(post) == [4, 2]
    configure(work, urls, digest={"max_stories": "1"})
    post, res = post_of(work, *window)
    assert outlet_counts(post) == [4]
    posts = work.path / "p"
    posts.mkdir()
    res = digest(work, *window, "-o", str(posts))
    assert "digest of 1 stories" in res.stdout, res
    # No story has five outlets: a digest of none still has front matter.
    configure(work, urls, digest={"min_sources": "5"})
    res = digest(work, *window)
    assert res.stdout.startswith("---\nlayout: post\n") and "## " not in res.stdout, res


CISCO = {"title": "Cisco launches Unified Edge device to run AI workloads in stores",
         "link": "https://www.theverge.com/news/cisco-unified-edge-ai",
         "date": "Mon, 03 Nov 2025 10:00:00 GMT",
         "description": "<p>Cisco's new edge computing box runs AI inference in "
                        "shops, factories and hospitals.</p>"}


def fmt_seoul(t, with_seconds=True):
    return datetime.datetime.fromtimestamp(t, SEOUL).strftime(
        "%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


def wait_past(t):
    """Sleeps until the clock is past t (a whole second)."""
    while time.time() < t:
        time.sleep(0.02)


def test_the_period_is_when_entries_were_delivered(work, server):
    # First poll: Reuters and AP; the rest a few seconds later.
    first = {k: DEAL[k] for k in ("reuters", "ap")}
    later = {k: (t, []) for k, (t, _) in DEAL.items() if k not in first}
    urls = serve(server, dict(first, **later))
    second = dict(DEAL)
    second["verge"] = (DEAL["verge"][0], DEAL["verge"][1] + [CISCO])
    configure(work, urls)
    before = int(time.time())
    assert work.once().rc == 0
    done = time.time()
    mid = int(done) + 1                # after every first delivery
    wait_past(mid + 1)
    serve(server, second)
    assert work.once().rc == 0
    after = time.time()
    hour_ago = fmt_seoul(before - 3600)
    end = fmt_seoul(after + 61, with_seconds=False)

    # Up to mid: the deal with the two first outlets only.
    post, _ = post_of(work, "--since", hour_ago, "--until", fmt_seoul(mid))
    deal = [s for s in post["sections"] if md_plain(s["headline"]) == R_TITLE]
    assert len(deal) == 1 and len(post["sections"]) == 2, post["sections"]
    assert set(deal[0]["sources"]) == {("Reuters", R_URL), ("AP News", AP_URL)}
    # dated by --until
    assert dict(post["front_matter"])["date"] == fmt_seoul(mid) + " +0900"

    # From mid: the deal gained entries, so it is in with its earlier ones;
    # the Dunham story gained none and is not.
    since_mid = datetime.datetime.fromtimestamp(mid, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    post, _ = post_of(work, "--since", since_mid, "--until", end)
    assert len(post["sections"]) == 2, post["sections"]
    assert set(post["sections"][0]["sources"]) == DEAL_SOURCES
    assert post["sections"][1]["sources"] == [("The Verge", CISCO["link"])]

    # An hour back to an hour back + a bit: nothing yet.
    post_none = digest(work, "--since", fmt_seoul(before - 7200), "--until", hour_ago)
    assert "## " not in post_none.stdout, post_none
    # A zone in the time: the same instant gives the same digest.
    utc_mid = datetime.datetime.fromtimestamp(mid, datetime.timezone.utc)
    a = digest(work, "--since", hour_ago, "--until", fmt_seoul(mid)).stdout
    b = digest(work, "--since", hour_ago, "--until",
               utc_mid.strftime("%Y-%m-%dT%H:%M:%S+00:00")).stdout
    c = digest(work, "--since", hour_ago, "--until",
               utc_mid.astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M:%S+09:00")).stdout
    assert a == b == c
    # A plain date is midnight in the zone: today to tomorrow is --date
    # today but for the moment it is dated.
    today = datetime.datetime.fromtimestamp(after, SEOUL)
    tomorrow = (today + datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    by_days = digest(work, "--since", today.strftime("%Y-%m-%d"), "--until", tomorrow)
    by_date = digest(work, "--date", today.strftime("%Y-%m-%d"))
    assert parse_post(by_days.stdout)["sections"] == parse_post(by_date.stdout)["sections"]
    assert "\ndate: %s 00:00:00 +0900\n" % tomorrow in by_days.stdout

    # Default period: the last 24 hours to now, when no digest was written.
    # Most outlets first, then the newest: Cisco (delivered second) before
    # Dunham (delivered first), both of one outlet.
    post, _ = post_of(work)
    assert [md_plain(s["headline"]) for s in post["sections"]] == [
        R_TITLE, CISCO["title"], DEAL["reuters"][1][1]["title"]]


def test_date_is_the_delivery_day_not_the_published_one(work, server):
    deliver(work, server)
    today = seoul_now().strftime("%Y-%m-%d")
    yesterday = (seoul_now() - datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    # Every entry was published on 2025-11-03 and delivered today.
    for day in ("2025-11-03", "2025-11-04", yesterday):
        res = digest(work, "--date", day)
        assert res.stdout == ('---\nlayout: post\ntitle: "%s %s"\ndate: %s 23:59:59 '
                              '+0900\ncategories: news\n---\n' % (day, TITLE, day)), res
    post, _ = post_of(work, "--date", today)
    assert len(post["sections"]) == 2
    # The day is the zone's: in UTC, "today" may be another date.
    configure(work, serve(server, DEAL), digest={"timezone": "UTC"})
    utc_today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    post, _ = post_of(work, "--date", utc_today)
    assert dict(post["front_matter"])["date"] == "%s 23:59:59 +0000" % utc_today
    assert len(post["sections"]) == 2
