"""
The shape of the digest post (SPEC "Digest"): digest_shape.parse_post reads
the two seed posts ../shared/seeds/000_*.txt and 001_*.txt, rejects broken
variants of each with the number of the offending line, and finds one shape
in both (front matter keys layout, title, date, categories; every section
headline, blank, sources, blank, summary; a final "---" without a newline).
"""

import re

import pytest

from digest_shape import (SECTION_KINDS, SEED_DIR, SEED_FRONT_MATTER, PostShapeError,
                          Shape, parse_post, seed_paths, shape, unquote)

# What the seeds hold, beyond the shape.
SEED_FACTS = {
    "000": {"title": "2025-11-03 AI 뉴스", "date": "2025-11-03 15:58:34 +0900",
            "sections": 6, "with_extra": 6},
    "001": {"title": "2025-11-04 AI 뉴스", "date": "2025-11-04 00:06:32 +0900",
            "sections": 5, "with_extra": 0},
}


@pytest.fixture(scope="module")
def seeds():
    """{"000": text, "001": text}, from tests/fixtures/seeds."""
    paths = seed_paths()
    return {p.name[:3]: p.read_text(encoding="utf-8") for p in paths}


def newline_ending(text):
    """The seed with the other accepted ending: no final "---", one "\\n"."""
    assert text.endswith("\n\n---")
    return text[:-len("\n\n---")] + "\n"


# --- the seeds -------------------------------------------------------------------

@pytest.mark.parametrize("seed", sorted(SEED_FACTS))
def test_seed_parses(seeds, seed):
    facts = SEED_FACTS[seed]
    post = parse_post(seeds[seed])
    assert post["front_matter"] == [("layout", "post"),
                                    ("title", '"%s"' % facts["title"]),
                                    ("date", facts["date"]),
                                    ("categories", "news")]
    assert unquote(dict(post["front_matter"])["title"]) == facts["title"]
    assert post["ending"] == "rule"
    assert len(post["sections"]) == facts["sections"]
    assert sum(1 for s in post["sections"] if s["extra"]) == facts["with_extra"]
    for sec in post["sections"]:
        assert sec["headline"] and not sec["headline"].startswith("#"), sec
        assert sec["sources"], sec
        for label, url in sec["sources"] + [sec["main_source"]]:
            assert label.strip() == label and url.startswith("https://"), sec
        assert sec["summary"] and not sec["summary"].endswith(")"), sec
        assert sec["main_source"][0] in sec["main_source"][1], sec
    assert post["shape"] == shape(post) == Shape(
        SEED_FRONT_MATTER, (SECTION_KINDS,) * facts["sections"], "rule")
    # bytes are read as UTF-8, to the same result
    assert parse_post(seeds[seed].encode("utf-8")) == post


def test_seed_details(seeds):
    """Multi-outlet source lines and the extra blocks of seed 000."""
    s001 = parse_post(seeds["001"])["sections"]
    assert [len(s["sources"]) for s in s001] == [3, 3, 3, 1, 2]
    assert [label for label, _ in s001[2]["sources"]] == ["Financial Times", "Reuters",
                                                          "AP News"]
    assert s001[2]["main_source"] == (
        "ft.com", "https://www.ft.com/content/03b30ba3-d0c6-4f63-92f8-077fcd8dc472"
        "?utm_source=openai")
    assert s001[0]["line"] == 8 and s001[1]["line"] == 16

    s000 = parse_post(seeds["000"])["sections"]
    first = s000[0]
    assert first["sources"] == [("Reuters", "https://www.reuters.com/business/retail-"
                                 "consumer/openai-amazon-strike-38-billion-agreement-"
                                 "chatgpt-maker-use-aws-2025-11-03/")]
    assert first["main_source"][0] == "reuters.com"
    assert [(b["line"], b["kind"], len(b["lines"])) for b in first["extra"]] == [
        (14, "labelled-list", 3), (18, "labelled-list", 4)]
    assert first["extra"][0]["lines"][0].startswith("기술적 의미:")
    assert all(b["kind"] == "labelled-list" for s in s000 for b in s["extra"])


def test_seeds_share_one_shape(seeds):
    a, b = (parse_post(seeds[k])["shape"] for k in ("000", "001"))
    assert a.front_matter == b.front_matter == ("layout", "title", "date", "categories")
    assert set(a.sections) == set(b.sections) == {SECTION_KINDS}
    assert a.ending == b.ending == "rule"


@pytest.mark.parametrize("seed", sorted(SEED_FACTS))
def test_newline_ending(seeds, seed):
    """The other accepted end parses, and the shape tells it from the seeds'."""
    seed_post = parse_post(seeds[seed])
    post = parse_post(newline_ending(seeds[seed]))
    assert post["ending"] == "newline"
    assert post["sections"] == seed_post["sections"]
    assert post["shape"] != seed_post["shape"]
    assert post["shape"]._replace(ending="rule") == seed_post["shape"]


def test_key_order_is_in_the_shape(seeds):
    lines = seeds["001"].split("\n")
    lines[2], lines[1] = lines[1], lines[2]         # title before layout
    post = parse_post("\n".join(lines))
    assert post["shape"].front_matter == ("title", "layout", "date", "categories")
    assert post["shape"] != parse_post(seeds["001"])["shape"]


# --- broken variants -------------------------------------------------------------
#
# Each mutation gets (lines of the seed, its parse) and returns (text,
# number of the line the error must name, pattern of the message).  They
# locate what they change through the parse, so they fit both seeds.

def _text(lines):
    return "\n".join(lines)


def _sep_line(post, k=1):
    """The line of the '---' before section k (1-based line number)."""
    return post["sections"][k]["line"] - 2


def _insert(lines, lineno, new):
    """lines with new inserted so that it becomes line lineno."""
    return lines[:lineno - 1] + [new] + lines[lineno - 1:]


def _replace(lines, lineno, new):
    return lines[:lineno - 1] + [new] + lines[lineno:]


def _source_line(post, k=1):
    return post["sections"][k]["line"] + 2


def _summary_line(post, k=1):
    return post["sections"][k]["line"] + 4


def m_crlf(lines, post):
    return "\r\n".join(lines), 1, "carriage return"


def m_cr_in_section(lines, post):
    n = post["sections"][1]["line"]
    return _text(_replace(lines, n, lines[n - 1] + "\r")), n, "carriage return"


def m_bom(lines, post):
    return "\ufeff" + _text(lines), 1, "byte-order mark"


def m_empty(lines, post):
    return "", 1, "empty"


def m_front_matter_not_first(lines, post):
    return _text([""] + lines), 1, "open with '---'"


def m_two_blanks_after_front_matter(lines, post):
    n = post["sections"][0]["line"]
    return _text(_insert(lines, n, "")), n, "two blank lines"


def m_no_blank_after_front_matter(lines, post):
    n = post["sections"][0]["line"] - 1
    return _text(lines[:n - 1] + lines[n:]), n, "expected a blank line"


def m_two_blanks_after_headline(lines, post):
    n = post["sections"][1]["line"] + 2
    return _text(_insert(lines, n, "")), n, "two blank lines"


def m_two_blanks_after_sources(lines, post):
    n = post["sections"][1]["line"] + 4
    return _text(_insert(lines, n, "")), n, "two blank lines"


def m_two_blanks_before_separator(lines, post):
    n = _sep_line(post)
    return _text(_insert(lines, n, "")), n, "two blank lines"


def m_two_blanks_after_separator(lines, post):
    n = _sep_line(post) + 2
    return _text(_insert(lines, n, "")), n, "two blank lines"


def m_missing_separator(lines, post):
    n = _sep_line(post)
    return _text(lines[:n - 1] + lines[n + 1:]), n, "missing separator"


def m_separator_four_dashes(lines, post):
    n = _sep_line(post)
    return _text(_replace(lines, n, "----")), n, "exactly '---'"


def m_separator_stars(lines, post):
    n = _sep_line(post)
    return _text(_replace(lines, n, "***")), n, "exactly '---'"


def m_separator_no_blank_after(lines, post):
    n = _sep_line(post) + 1
    return _text(lines[:n - 1] + lines[n:]), n, "blank line after the separator"


def m_headline_h3(lines, post):
    n = post["sections"][1]["line"]
    return _text(_replace(lines, n, "#" + lines[n - 1])), n, "expected '## HEADLINE'"


def m_headline_empty(lines, post):
    n = post["sections"][1]["line"]
    return _text(_replace(lines, n, "## ")), n, "trailing white space"


def m_headline_double_space(lines, post):
    n = post["sections"][1]["line"]
    return _text(_replace(lines, n, "## " + lines[n - 1])), n, "malformed"


def m_headline_no_space(lines, post):
    n = post["sections"][1]["line"]
    return _text(_replace(lines, n, "##" + lines[n - 1][3:])), n, "expected '## HEADLINE'"


def m_headline_trailing_space(lines, post):
    n = post["sections"][1]["line"]
    return _text(_replace(lines, n, lines[n - 1] + " ")), n, "trailing white space"


def m_sources_trailing_space(lines, post):
    n = _source_line(post)
    return _text(_replace(lines, n, lines[n - 1] + " ")), n, "trailing white space"


def m_sources_not_a_link(lines, post):
    n = _source_line(post)
    return _text(_replace(lines, n, "Reuters " + lines[n - 1])), n, "link at column 1"


def m_sources_no_url(lines, post):
    n = _source_line(post)
    return _text(_replace(lines, n, "[Reuters](reuters.com)")), n, "link at column 1"


def _m_source_separator(sep):
    def mutate(lines, post):
        n = _source_line(post)
        line = lines[n - 1] + sep + "[AP News](https://apnews.com/article/x)"
        return _text(_replace(lines, n, line)), n, "joined by ' \\| '"
    return mutate


def m_summary_two_lines(lines, post):
    n = _summary_line(post)
    words = lines[n - 1].split(" ")
    half = len(words) // 2
    two = [" ".join(words[:half]), " ".join(words[half:])]
    return _text(lines[:n - 1] + two + lines[n:]), n, "summary"


def m_summary_no_main_source(lines, post):
    n = _summary_line(post)
    line = re.sub(r" \(\[[^\]]*\]\([^)]*\)\)$", "", lines[n - 1])
    return _text(_replace(lines, n, line)), n, r"must end in ' \(\[host\]\(URL\)\)'"


def m_summary_label_not_host(lines, post):
    n = _summary_line(post)
    line = lines[n - 1].replace(" ([%s](" % post["sections"][1]["main_source"][0],
                                " ([Reuters](")
    return _text(_replace(lines, n, line)), n, "is not the host"


def m_summary_is_a_list(lines, post):
    n = _summary_line(post)
    return _text(_replace(lines, n, "- " + lines[n - 1])), n, "expected the summary"


def m_summary_trailing_space(lines, post):
    n = _summary_line(post)
    return _text(_replace(lines, n, lines[n - 1] + " ")), n, "trailing white space"


def m_blank_line_after_rule(lines, post):
    return _text(lines) + "\n\n", len(lines) + 1, "no section after"


def m_final_rule_missing(lines, post):
    # "...))" at EOF: neither ending
    return _text(lines[:-2]), len(lines) - 2, "no newline at the end"


def m_final_rule_then_blank_line(lines, post):
    return _text(lines) + "\n\n", len(lines) + 1, "no section after"


def m_final_rule_no_blank(lines, post):
    return (_text(lines[:-2] + ["---"]), len(lines) - 1,
            "expected a blank line|inside a section")


def m_newline_ending_missing_newline(lines, post):
    text = newline_ending(_text(lines))
    return text[:-1], len(lines) - 2, "no newline at the end"


def m_newline_ending_two_newlines(lines, post):
    text = newline_ending(_text(lines))
    return text + "\n", len(lines) - 1, "more than one trailing newline"


def m_front_matter_unclosed(lines, post):
    return _text(lines[:5] + lines[6:]), 6, "expected 'key: value'"


def m_front_matter_duplicate_key(lines, post):
    return _text(_insert(lines, 3, "layout: post")), 3, "duplicate"


def m_front_matter_no_space(lines, post):
    return _text(_replace(lines, 2, "layout:post")), 2, "key: value"


def m_front_matter_title_unquoted(lines, post):
    return _text(_replace(lines, 3, "title: " + unquote(lines[2][7:]))), 3, "double-quoted"


def m_front_matter_title_bad_quote(lines, post):
    return _text(_replace(lines, 3, 'title: "say "hi""')), 3, "double-quoted"


def m_front_matter_bad_date(lines, post):
    return _text(_replace(lines, 4, "date: 2025-11-04T00:06:32+09:00")), 4, "date must be"


def m_no_sections(lines, post):
    return _text(lines[:6]) + "\n", 7, "file ends"


MUTATIONS = {name[2:]: fn for name, fn in globals().items()
             if name.startswith("m_") and callable(fn)}
for _name, _sep in {"comma": ", ", "pipe_no_space_after": " |", "pipe_no_space_before": "| ",
                   "bare_pipe": "|", "slash": " / ", "wide_pipe": "  |  ", "space": " ",
                   "nothing": "", "middle_dot": " · "}.items():
    MUTATIONS["source_separator_" + _name] = _m_source_separator(_sep)


@pytest.mark.parametrize("seed", sorted(SEED_FACTS))
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_broken_variant_raises(seeds, seed, mutation):
    lines = seeds[seed].split("\n")
    text, lineno, pattern = MUTATIONS[mutation](lines, parse_post(seeds[seed]))
    assert text != seeds[seed]
    with pytest.raises(ValueError) as info:
        parse_post(text)
    err = info.value
    assert isinstance(err, PostShapeError)
    assert str(err).startswith("line %d: " % lineno), (str(err), lineno)
    assert err.lineno == lineno
    assert re.search(pattern, str(err)), (str(err), pattern)


def test_invalid_utf8_names_its_line(seeds):
    post = parse_post(seeds["001"])
    n = post["sections"][1]["line"]
    lines = seeds["001"].encode("utf-8").split(b"\n")
    lines[n - 1] += b"\xff"
    with pytest.raises(ValueError, match=r"^line %d: not UTF-8" % n):
        parse_post(b"\n".join(lines))


def test_seeds_are_the_users_own():
    # The copies in tests/fixtures are the posts of ../shared/seeds, when
    # that is beside the tree.
    shared = SEED_DIR.parents[3] / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("no ../shared/seeds beside the tree")
    for path in seed_paths():
        assert path.read_bytes() == (shared / path.name).read_bytes()
