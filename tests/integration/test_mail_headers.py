"""
What mail users filter and listen on: an entry's categories in
`Keywords:` (each once, a comma inside one not splitting it) and its
http(s) enclosures in `X-RSS-Enclosure:` headers and as links at the end
of both parts, as podcast listeners expect, and its comments page (RSS
2.0 `<comments>`) linked in both parts; `From:` as from_name says.
The oracle is Python's email package.
"""

import email.header
import email.utils
import re

ITEM = ("<item><title>Episode 12</title><link>https://pod.example/12</link>"
        "<comments>https://pod.example/12#comments</comments>"
        "<category>Tech</category><category>AI, robots</category>"
        "<category>Tech</category><category domain='x'>팟캐스트</category>"
        "<enclosure url='https://pod.example/12.mp3' type='audio/mpeg' length='123456'/>"
        "<enclosure url='javascript:alert(1)' type='audio/mpeg' length='1'/>"
        "<description>Show notes.</description></item>")


def test_keywords_and_enclosures(server, work):
    server.set("/pod.xml", '<?xml version="1.0"?><rss version="2.0"><channel>'
               "<title>Pod</title><link>https://pod.example/</link>"
               "<description>d</description>%s<item><title>Plain</title>"
               "<link>https://pod.example/1</link><description>x</description>"
               "</item></channel></rss>" % ITEM)
    work.write_config({"pod": server.url("/pod.xml")})
    assert work.once().rc == 0
    msgs = {str(m["Subject"]): m for m in work.messages()}
    m = msgs["Episode 12"]
    assert str(m["Keywords"]) == "Tech, AI robots, 팟캐스트"
    assert m.msg.get_all("X-RSS-Enclosure") == [
        "https://pod.example/12.mp3 (audio/mpeg, 123456 bytes)"]
    plain = m.msg.get_body(preferencelist=("plain",)).get_content()
    assert plain.rstrip().endswith("https://pod.example/12\nComments: "
                                   "https://pod.example/12#comments\n\n"
                                   "https://pod.example/12.mp3")
    html = m.msg.get_body(preferencelist=("html",)).get_content()
    assert '<a href="https://pod.example/12.mp3">' in html
    assert '<a href="https://pod.example/12#comments">Comments</a>' in html
    assert "javascript" not in m.raw.decode()
    # An entry without either carries no such header.
    p = msgs["Plain"]
    assert p["Keywords"] is None and p["X-RSS-Enclosure"] is None
    assert "Comments" not in p.raw.decode()



def test_from_name_shows_feed_author_or_author(server, work):
    items = ("<item><title>By Jane</title><link>https://blog.example/1</link>"
             "<author>jane@blog.example (Jane Doe)</author><description>x</description></item>"
             "<item><title>Nobody</title><link>https://blog.example/2</link>"
             "<description>y</description></item>")
    for name in ("plain", "both", "alone"):
        server.set("/%s.xml" % name, '<?xml version="1.0"?><rss version="2.0"><channel>'
                   "<title>Tech 블로그 %s</title><link>https://blog.example/</link>"
                   "<description>d</description>%s</channel></rss>"
                   % (name, items.replace("blog.example/", "blog.example/%s/" % name)))
    work.write_config({"plain": {"url": server.url("/plain.xml"), "from_name": "feed"},
                       "both": server.url("/both.xml"),
                       "alone": {"url": server.url("/alone.xml"), "from_name": "author"}},
                      from_name="feed-author")
    assert work.once().rc == 0
    names = {}
    for m in work.messages():
        raw = re.search(rb"^From: (.*(?:\n[ \t].*)*)", m.raw, re.M).group(1).decode("ascii")
        # RFC 2047 decoding, which joins adjacent encoded-words; Python's
        # address parser puts a space between them inside a phrase.
        shown = str(email.header.make_header(email.header.decode_header(raw)))
        assert shown.endswith(" <aggregator@localhost>"), shown
        name = shown[:-len(" <aggregator@localhost>")]
        if name.startswith('"'):        # a quoted-string: plain ASCII
            name = email.utils.parseaddr(shown)[0]
        names[(str(m["X-RSS-URL"]).split("/")[3], str(m["Subject"]))] = name
    assert names == {
        ("plain", "By Jane"): "Tech 블로그 plain",
        ("plain", "Nobody"): "Tech 블로그 plain",
        ("both", "By Jane"): "Tech 블로그 both: jane@blog.example (Jane Doe)",
        ("both", "Nobody"): "Tech 블로그 both",
        ("alone", "By Jane"): "jane@blog.example (Jane Doe)",
        ("alone", "Nobody"): "Tech 블로그 alone",
    }
