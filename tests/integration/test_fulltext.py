"""
Full text (SPEC "Full text"): a feed with `fulltext = auto` gets the
article's text from the page of each entry that carries little of its
own, fetched from 127.0.0.1 under the feeds' limits; a page that fails or
is no HTML leaves its entry as the feed gave it, with one log line; each
page is fetched once per entry key.  `aggregator extract` prints the
article of a saved page.  The oracle is the spool read back with Python's
email package, the server's request log and json.
"""

import json
import re

from helpers import query


NAV = "".join('<li><a href="/section/%d">Section %d</a></li>' % (i, i)
              for i in range(12))


def article_page(title, paragraphs, lang="en", charset="utf-8", extra=""):
    """A news page as sites serve them: navigation, the article between a
    byline and a copyright line, a related-articles list, a sidebar."""
    body = "".join("<p>%s</p>\n" % p for p in paragraphs)
    related = "".join('<li><a href="/news/%d">Related story number %d about '
                      'something else</a></li>' % (i, i) for i in range(8))
    return ("""<!DOCTYPE html>
<html lang="%s"><head><meta charset="%s"><title>%s | The Daily Example</title>
<meta property="og:title" content="%s">
<meta property="article:published_time" content="2025-11-03T09:30:00+09:00">
<meta name="author" content="Kim Reporter">
<script>var tracking = "<p>not text</p>";</script></head>
<body><header class="site-header"><ul class="menu">%s</ul></header>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<main><article class="article-body"><h1>%s</h1>
<p class="byline">Kim Reporter reporter@example.com</p>
%s%s
<p class="copyright">Copyright 2025 The Daily Example. All rights reserved.</p>
</article>
<div class="related-news"><h3>Related</h3><ul>%s</ul></div></main>
<aside class="sidebar"><h3>Most read</h3><ol>%s</ol></aside>
<footer id="footer">Company info, terms, privacy</footer>
</body></html>
""" % (lang, charset, title, title, NAV, title, body, extra, related, NAV))


EN_PARAGRAPHS = [
    "The city council approved the new transit plan on Monday, ending a "
    "debate that had lasted for more than two years.",
    "Under the plan, three bus lines will be merged, and a tram line will "
    "connect the harbour with the university by 2028, officials said.",
    "Critics argued that the budget, estimated at 1.2 billion euros, left "
    "too little for the maintenance of existing roads and bridges.",
    "The mayor said the first construction contracts would be signed in "
    "the spring, after a final review of the costs.",
]

KO_PARAGRAPHS = [
    "오픈AI와 아마존웹서비스가 380억 달러 규모의 클라우드 계약을 체결했다. "
    "양사는 3일 이같은 내용을 발표했다.",
    "이번 계약으로 AWS는 오픈AI의 핵심 워크로드를 맡게 된다. 업계는 "
    "클라우드 시장의 판도가 바뀔 것으로 보고 있다.",
    "전문가들은 인프라 집중에 따른 우려도 제기했다. 소수 기업에 컴퓨팅 "
    "자원이 몰린다는 지적이다.",
]


def feed(server, items):
    """items: (title, path, description) with links on server."""
    xml = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
           '<title>Example News</title><link>%s</link><description>d</description>'
           % server.url("/")]
    for i, (title, path, desc) in enumerate(items):
        xml.append("<item><title>%s</title><link>%s</link><guid>%s</guid>"
                   "<pubDate>Mon, 03 Nov 2025 0%d:00:00 +0000</pubDate>"
                   "<description>%s</description></item>"
                   % (title, server.url(path), server.url(path), i, desc))
    xml.append("</channel></rss>\n")
    return "".join(xml)


def bodies(work):
    """Subject -> the text/plain part of each delivered message."""
    out = {}
    for m in work.messages():
        out[str(m["Subject"])] = m.msg.get_body(
            preferencelist=("plain",)).get_content()
    return out


def test_auto_delivers_the_article_of_a_teaser(server, work):
    long_desc = " ".join("Sentence number %d of a full entry." % i
                         for i in range(6))
    server.set("/news/transit", article_page("Transit plan approved",
                                             EN_PARAGRAPHS),
               content_type="text/html; charset=utf-8")
    server.set("/news/full", article_page("Full entry", EN_PARAGRAPHS),
               content_type="text/html")
    server.set("/news/gone", b"gone", status=404, content_type="text/plain")
    server.set("/news/report.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    server.set("/feed.xml", feed(server, [
        ("Transit plan approved", "/news/transit", "The council voted."),
        ("Full entry", "/news/full", long_desc),
        ("Gone page", "/news/gone", "A teaser."),
        ("A report", "/news/report.pdf", "A teaser."),
    ]))
    work.write_config({"news": {"url": server.url("/feed.xml"),
                                "fulltext": "auto"}})
    res = work.once()
    assert res.rc == 0, res.stderr

    got = bodies(work)
    assert set(got) == {"Transit plan approved", "Full entry", "Gone page",
                        "A report"}
    article = got["Transit plan approved"]
    for p in EN_PARAGRAPHS:
        assert p in " ".join(article.split()), article
    for junk in ("Related story", "Most read", "Section 3", "All rights reserved",
                 "reporter@example.com", "Company info", "not text"):
        assert junk not in article, (junk, article)
    # The HTML part is the article too, sanitised.
    msg = [m for m in work.messages() if str(m["Subject"]) == "Transit plan approved"][0]
    html = msg.msg.get_body(preferencelist=("html",)).get_content()
    assert "tram line" in html and "<script" not in html
    # An entry with text of its own is left alone, its page never asked for.
    assert "Sentence number 5" in got["Full entry"]
    assert server.requests_for("/news/full") == []
    # Failures: the entry as the feed gave it, one line each naming feed and page.
    assert "A teaser." in got["Gone page"] and "A teaser." in got["A report"]
    lines = res.stderr.splitlines()
    gone = [l for l in lines if "full text" in l and "/news/gone" in l]
    pdf = [l for l in lines if "full text" in l and "/news/report.pdf" in l]
    assert len(gone) == 1 and "feed news" in gone[0] and "404" in gone[0], lines
    assert len(pdf) == 1 and "not HTML" in pdf[0], lines


def test_each_page_is_fetched_once_per_entry(server, work):
    server.set("/news/transit", article_page("Transit plan approved",
                                             EN_PARAGRAPHS),
               content_type="text/html")
    xml = feed(server, [("Transit plan approved", "/news/transit", "Teaser.")])
    server.set("/feed.xml", xml)
    # A second feed carries the same article: one key, one page fetch.
    server.set("/other.xml", xml.replace("Example News", "Other News"))
    work.write_config({"news": {"url": server.url("/feed.xml"), "fulltext": "always"},
                       "other": {"url": server.url("/other.xml"),
                                 "fulltext": "always"}})
    assert work.once().rc == 0
    assert len(work.messages()) == 1
    assert "tram line" in bodies(work)["Transit plan approved"]
    assert len(server.requests_for("/news/transit")) == 1
    assert work.once().rc == 0
    assert len(server.requests_for("/news/transit")) == 1


def test_never_fetches_no_page(server, work):
    server.set("/news/transit", article_page("T", EN_PARAGRAPHS),
               content_type="text/html")
    server.set("/feed.xml", feed(server, [("T", "/news/transit", "Teaser.")]))
    work.write_config({"news": server.url("/feed.xml")})
    assert work.once().rc == 0
    assert server.requests_for("/news/transit") == []
    assert "Teaser." in bodies(work)["T"]


def test_pages_keep_the_per_host_limit(server, work):
    paths = ["/news/%d" % i for i in range(4)]
    for p in paths:
        server.set(p, article_page("Story %s" % p, EN_PARAGRAPHS),
                   content_type="text/html", delay=0.4)
    server.set("/feed.xml", feed(server, [("Story %s" % p, p, "Teaser.")
                                          for p in paths]))
    work.write_config({"news": {"url": server.url("/feed.xml"),
                                "fulltext": "auto"}}, max_per_host=1)
    res = work.once(timeout=30)
    assert res.rc == 0, res.stderr
    starts = sorted(r.at for p in paths for r in server.requests_for(p))
    assert len(starts) == 4
    # One transfer at a time to the host: each starts after the last ended.
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.35, gaps
    assert all("tram line" in b for b in bodies(work).values())


def test_korean_page_in_euc_kr(server, work):
    page = article_page("오픈AI-AWS 380억 달러 계약", KO_PARAGRAPHS, lang="ko",
                        charset="euc-kr",
                        extra='<p class="copy">&lt;저작권자 ⓒ 예시뉴스, 무단전재 및 '
                              '재배포 금지&gt;</p><p>김기자 기자 kim@example.kr</p>')
    server.set("/news/ko", page.encode("cp949"), content_type="text/html")
    server.set("/feed.xml", feed(server, [("오픈AI-AWS 계약", "/news/ko",
                                           "짧은 요약.")]))
    work.write_config({"ko": {"url": server.url("/feed.xml"), "fulltext": "auto"}})
    assert work.once().rc == 0
    text = " ".join(bodies(work)["오픈AI-AWS 계약"].split())
    for p in KO_PARAGRAPHS:
        assert p in text, text
    for junk in ("무단전재", "kim@example.kr", "Related story"):
        assert junk not in text, (junk, text)


def test_digest_summarises_the_article_text(server, work):
    server.set("/news/transit", article_page("Transit plan approved",
                                             EN_PARAGRAPHS),
               content_type="text/html")
    server.set("/feed.xml", feed(server, [("Transit plan approved",
                                           "/news/transit", "Teaser.")]))
    work.write_config({"news": {"url": server.url("/feed.xml"),
                                "fulltext": "auto"}})
    assert work.once().rc == 0
    res = work.run("digest", "--since", "2000-01-01T00:00:00Z",
                   "--until", "2100-01-01T00:00:00Z")
    assert res.rc == 0, res.stderr
    assert "The city council approved the new transit plan" in res.stdout, res.stdout
    # The story index read the article too: its text is stored with the entry.
    rows = query(work.path / "state.db", "SELECT text FROM story_entries")
    assert any("tram line" in (r[0] or "") for r in rows)


def test_extract_prints_the_article_as_json(tmp_path, binary):
    from conftest import run_process
    page = tmp_path / "page.html"
    page.write_text(article_page("Transit plan approved", EN_PARAGRAPHS,
                                 extra='<p><a href="javascript:alert(1)">x</a> '
                                       '<a href="/more">more on the plan</a>'
                                       '<img src="/i.jpg" onerror="alert(1)"></p>'),
                    encoding="utf-8")
    res = run_process([binary, "extract", str(page), "--base-url",
                       "https://news.example/2025/transit", "--json"])
    assert res.rc == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) == {"title", "byline", "published", "text", "html"}
    assert out["title"] == "Transit plan approved"
    assert out["byline"] == "Kim Reporter"
    assert out["published"] == "2025-11-03T00:30:00Z"
    assert EN_PARAGRAPHS[0] in out["text"]
    assert "Related story" not in out["text"]
    assert "javascript:" not in out["html"] and "onerror" not in out["html"]
    assert 'href="https://news.example/more"' in out["html"]
    # Without --json, the text alone.
    res = run_process([binary, "extract", str(page)])
    assert res.rc == 0 and res.stdout.startswith(EN_PARAGRAPHS[0][:40]), res.stdout
    # A missing file is one line and exit 1.
    res = run_process([binary, "extract", str(tmp_path / "missing.html")])
    assert res.rc == 1 and len(res.stderr.strip().splitlines()) == 1


RULED = ('<div class="story-tools"><p class="drop-me">Listen to this article, '
         'share it with friends, and print it, all from this toolbar.</p></div>'
         '<div class="essay"><p>Only this paragraph, chosen by the site rule, '
         'is the article.</p><p class="drop-me">But not this one, which a '
         'drop rule takes out.</p></div>')


def test_site_rules_from_the_config(server, work):
    server.set("/news/ruled", article_page("Ruled", EN_PARAGRAPHS, extra=RULED),
               content_type="text/html")
    server.set("/feed.xml", feed(server, [("Ruled", "/news/ruled", "Teaser.")]))
    conf = work.write_config({"news": {"url": server.url("/feed.xml"),
                                       "fulltext": "always"}})
    with open(conf, "a", encoding="utf-8") as f:
        f.write("\n[sites]\n127.0.0.1 keep = div.essay\n"
                "127.0.0.1 drop = p.drop-me, .story-tools\n")
    res = work.once()
    assert res.rc == 0, res.stderr
    text = " ".join(bodies(work)["Ruled"].split())
    assert text.startswith("Only this paragraph, chosen by the site rule, is "
                           "the article."), text
    for gone in ("tram line", "drop rule", "toolbar"):
        assert gone not in text, (gone, text)

    # The same rule through aggregator extract, for a saved copy of a page
    # of the site and its subdomains.
    page = work.path / "page.html"
    page.write_text(article_page("Ruled", EN_PARAGRAPHS, extra=RULED))
    with open(conf, "a", encoding="utf-8") as f:
        f.write("news.example keep = div.essay\n")
    for url in ("https://news.example/a", "https://www.news.example/a",
                "https://m.news.example/a"):
        res = work.run("extract", str(page), "--base-url", url)
        assert res.rc == 0, res.stderr
        assert res.stdout.strip().startswith("Only this paragraph"), (url, res.stdout)
        assert "drop rule" in res.stdout     # that host has no drop rule
    res = work.run("extract", str(page), "--base-url", "https://othernews.example/a")
    assert "tram line" in res.stdout and "Only this paragraph" in res.stdout


def test_bad_site_rules_are_config_errors(work):
    conf = work.write_config({})
    with open(conf, "a", encoding="utf-8") as f:
        f.write("\n[sites]\nexample.com keep = div[class\n"
                "example.com remove = .x\n")
    res = work.run("check")
    assert res.rc != 0
    lines = [l for l in res.stderr.splitlines() if "aggregator.conf:" in l]
    assert any("bad selectors" in l for l in lines), res.stderr
    assert any("bad site rule" in l for l in lines), res.stderr


def test_daemon_stopping_while_pages_load(server, work):
    """SIGTERM while a page is loading: the transfer under way finishes in
    the grace period and its entry is delivered whole; one whose fetch was
    still queued goes out as the feed gave it; nothing is delivered twice."""
    from daemonproc import Daemon
    server.set("/news/slow", article_page("Slow", EN_PARAGRAPHS),
               content_type="text/html", delay=1.5)
    server.set("/news/queued", article_page("Queued", EN_PARAGRAPHS),
               content_type="text/html", delay=1.5)
    server.set("/feed.xml", feed(server, [("Slow", "/news/slow", "Teaser."),
                                          ("Queued", "/news/queued", "Teaser.")]))
    work.write_config({"news": {"url": server.url("/feed.xml"),
                                "fulltext": "auto", "interval": "1s"}},
                      max_per_host=1)
    with Daemon(work) as d:
        assert d.wait_for(lambda: len(server.hits("/news/")) >= 1, 10), d.log()
        rc = d.stop()
        assert rc == 0, d.log()
    got = bodies(work)
    assert sorted(got) == ["Queued", "Slow"], d.log()
    whole = [t for t in got.values() if "tram line" in t]
    teaser = [t for t in got.values() if "Teaser." in t]
    assert len(whole) == 1 and len(teaser) == 1, got
    assert "full text of" in d.log() and "stopping" in d.log()
    # A later run delivers nothing again.
    assert work.once().rc == 0
    assert len(work.messages()) == 2
