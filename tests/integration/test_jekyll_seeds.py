"""
The seed posts (../shared/seeds/000_*.txt and 001_*.txt, the shape of
SPEC "Digest") render in a real Jekyll site (jekyll_site.build_site: Debian's
jekyll, default kramdown, offline): the front matter title, one <h2> per
"## headline", an <a href> per source link, an <hr> per "---".  Skips only
when jekyll is missing and AGGREGATOR_REQUIRE_JEKYLL is unset.
"""

from html.parser import HTMLParser

import pytest

from digest_shape import parse_post, seed_paths, unquote
from jekyll_site import JekyllError, build_site, require_jekyll


class Rendered(HTMLParser):
    """What a rendered post holds: <title>, <h1> and <h2> texts, the
    (text, href) of every <a>, the number of <hr>, all text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.title = self.h1 = ""
        self.h2, self.links, self.hr, self.text = [], [], 0, []
        self._open = []         # [tag, text] of <title>, <h1>, <h2>, <a> being read
        self._href = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "hr":
            self.hr += 1
        if tag in ("title", "h1", "h2", "a"):
            self._open.append([tag, ""])
            if tag == "a":
                self._href.append(dict(attrs).get("href"))

    def handle_startendtag(self, tag, attrs):
        if tag == "hr":
            self.hr += 1

    def handle_endtag(self, tag):
        if not self._open or self._open[-1][0] != tag:
            return
        _, text = self._open.pop()
        if tag == "title":
            self.title = text
        elif tag == "h1":
            self.h1 = text
        elif tag == "h2":
            self.h2.append(text)
        elif tag == "a":
            self.links.append((text, self._href.pop()))
        if self._open:
            self._open[-1][1] += text

    def handle_data(self, data):
        self.text.append(data)
        if self._open:
            self._open[-1][1] += data


@pytest.fixture(scope="module")
def seeds():
    """{post file name: bytes} of the two seeds, named by their date."""
    try:
        paths = seed_paths()
    except FileNotFoundError as e:
        pytest.fail("the seed posts are missing: %s" % e)
    posts = {}
    for i, path in enumerate(paths):
        data = path.read_bytes()
        date = dict(parse_post(data)["front_matter"])["date"][:10]
        posts["%s-seed-%03d.md" % (date, i)] = data
    return posts


@pytest.fixture(scope="module")
def site(seeds, tmp_path_factory):
    require_jekyll()
    return build_site(tmp_path_factory.mktemp("jekyll-seeds"), seeds)


def test_seed_names(seeds):
    assert sorted(seeds) == ["2025-11-03-seed-000.md", "2025-11-04-seed-001.md"]


@pytest.mark.parametrize("name", ["2025-11-03-seed-000.md", "2025-11-04-seed-001.md"])
def test_seed_renders(seeds, site, name):
    post = parse_post(seeds[name])
    page = Rendered(site[name])
    title = unquote(dict(post["front_matter"])["title"])
    assert page.title == title and page.h1 == title, (page.title, page.h1)

    # every "## headline" is an <h2> with its text, in order, and no more
    assert page.h2 == [s["headline"] for s in post["sections"]]

    # every source link and every summary's trailing link is an <a href>
    # with its label
    for sec in post["sections"]:
        for label, url in sec["sources"] + [sec["main_source"]]:
            assert (label, url) in page.links, (sec["headline"], label, url)

    # every "---" is an <hr> (between sections, and the seeds' final one)
    separators = len(post["sections"]) - 1 + (post["ending"] == "rule")
    assert page.hr == separators

    # nothing left as Markdown source
    text = "".join(page.text)
    assert "## " not in text and "](http" not in text and "\n---" not in text


def test_build_failure_carries_jekyll_stderr(tmp_path):
    require_jekyll()
    broken = b'---\nlayout: post\ntitle: "unterminated\n---\n\ntext\n'
    with pytest.raises(JekyllError, match=r"(?s)exited 1.*YAML Exception.*2025-11-05-x\.md"):
        build_site(tmp_path, {"2025-11-05-x.md": broken})


def test_post_names_are_checked(tmp_path):
    with pytest.raises(ValueError, match="not a Jekyll post name"):
        build_site(tmp_path, {"000_seed.txt": b""})
