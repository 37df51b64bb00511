"""
What mail users filter and listen on: an entry's categories in
`Keywords:` (each once, a comma inside one not splitting it) and its
http(s) enclosures in `X-RSS-Enclosure:` headers and as links at the end
of both parts, as podcast listeners expect.  The oracle is Python's email package.
"""

ITEM = ("<item><title>Episode 12</title><link>https://pod.example/12</link>"
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
    assert plain.rstrip().endswith("https://pod.example/12\n\nhttps://pod.example/12.mp3")
    html = m.msg.get_body(preferencelist=("html",)).get_content()
    assert '<a href="https://pod.example/12.mp3">' in html
    assert "javascript" not in m.raw.decode()
    # An entry without either carries no such header.
    p = msgs["Plain"]
    assert p["Keywords"] is None and p["X-RSS-Enclosure"] is None

