"""
A strict reader of the daily digest post (SPEC "Digest"): the Jekyll post
whose shape is fixed by the two seeds ../shared/seeds/000_*.txt and
001_*.txt.  parse_post() accepts that shape and nothing else; shape() gives
what two posts must share.  A plain module: no pytest in here.

The shape, line by line (N = line number, 1-based, as in every error):

    ---                          front matter: "key: value" lines, one
    layout: post                 space after the colon, no duplicate keys,
    title: "2025-11-04 AI 뉴스"   no trailing white space; title (when
    date: 2025-11-04 00:06:32 +0900   present) a double-quoted YAML string,
    categories: news             date (when present) YYYY-MM-DD HH:MM:SS +ZZZZ
    ---
                                 exactly one blank line
    ## HEADLINE                  a section (at least one)
                                 one blank line
    [Reuters](URL) | [AP News](URL)    the source line: [label](http(s) URL)
                                 links joined by exactly " | "
    SUMMARY ([reuters.com](URL)) the summary: ONE line that ends in
                                 " ([HOST](URL))", HOST being the URL's host
                                 without a leading "www."
    [extra blocks]               optional, see below
                                 one blank line
    ---                          the separator, exactly "---"
                                 one blank line
    ## NEXT HEADLINE
    ...

The end of the file: both seeds end their last section with a blank line
and "---" (bytes "...))\\n\\n---" at EOF, without a newline; a text file
ends with one, so "---\\n" is the same end).  That is the "rule" ending.
The other accepted ending, "newline", is the last section's last line
followed by exactly one "\\n" and no separator.  Every other end raises:
a missing newline in the "newline" form, a blank line (more than one
newline) at the end.  Which ending a post
has is part of shape(), so a post compared against the seeds must end the
way they do.

Extra blocks: seed 000 follows some summaries with further paragraphs such
as "기술적 의미:" and "- ..." bullet lines.  After the summary a section may
hold any number of blocks, each a run of non-blank lines preceded by one
blank line.  They are returned per section in "extra" as dicts
{"line": N, "kind": K, "lines": [...]} with K one of "list" (every line
"- ..."), "labelled-list" (a first line, then "- ..." lines) or "paragraph"
(anything else), and are NOT part of shape(): the shape compares the
required parts only.  Extra lines may carry trailing white space (seed 000
does); they may not start with "#" (a headline needs a separator before it)
nor be a thematic break or setext underline ("---", "***", "===", ...).

Anything else raises PostShapeError (a ValueError) whose message starts
with "line N:" and whose .lineno is N: CR anywhere (CRLF), a byte-order
mark, invalid UTF-8 (bytes input), two blank lines in a row, a missing
separator, a source line with another separator, trailing white space on a
required line, a multi-line summary, etc.

parse_post(text) returns
    {"front_matter": [(key, raw value), ...],   # in file order
     "sections": [{"line": N, "headline": str,
                   "sources": [(label, url), ...],
                   "summary": str,             # without the trailing link
                   "main_source": (label, url),
                   "extra": [block, ...]}, ...],
     "ending": "rule" | "newline",
     "shape": shape(...)}

shape(parsed) returns Shape(front_matter, sections, ending), a namedtuple:
front_matter the keys in order, sections one tuple of element kinds per
section (SECTION_KINDS for every section of a valid post), ending as above.
For the seeds: Shape(("layout", "title", "date", "categories"),
(SECTION_KINDS,) * number of sections, "rule").  Posts with different
numbers of stories compare equal on (front_matter, set(sections), ending).
"""

import collections
import json
import pathlib
import re
import urllib.parse

HERE = pathlib.Path(__file__).resolve().parent
# The two digests our users wrote by hand (../shared/seeds), kept with the
# tests so that they run wherever the tree is.
SEED_DIR = HERE.parent / "fixtures" / "seeds"

SECTION_KINDS = ("headline", "blank", "sources", "blank", "summary")
SEED_FRONT_MATTER = ("layout", "title", "date", "categories")

Shape = collections.namedtuple("Shape", "front_matter sections ending")

_KEY_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): (\S.*)")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}")
_QUOTED_RE = re.compile(r'"(?:[^"\\]|\\["\\/0abtnvfreN_LP ]|\\x[0-9A-Fa-f]{2}'
                        r'|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*"')
_LINK = r"\[([^\[\]\s](?:[^\[\]]*[^\[\]\s])?)\]\((https?://[^\s()<>]+)\)"
_LINK_RE = re.compile(_LINK)
_MAIN_RE = re.compile(r"(.*\S) \(" + _LINK + r"\)")
_RULE_RE = re.compile(r" {0,3}([-*_=])(?: *\1){2,} *")


class PostShapeError(ValueError):
    """A deviation from the digest shape, at line lineno (1-based)."""

    def __init__(self, lineno, message):
        super().__init__("line %d: %s" % (lineno, message))
        self.lineno = lineno


def seed_paths():
    """The two seed posts [000_*.txt, 001_*.txt]; FileNotFoundError when
    either is missing."""
    paths = []
    for prefix in ("000_", "001_"):
        found = sorted(SEED_DIR.glob(prefix + "*.txt"))
        if len(found) != 1:
            raise FileNotFoundError("expected one %s*.txt in %s, found %d"
                                    % (prefix, SEED_DIR, len(found)))
        paths.append(found[0])
    return paths


def unquote(raw):
    """The value of a double-quoted front matter scalar (as parse_post
    checked it), else the raw value itself."""
    if raw.startswith('"'):
        return json.loads(raw)
    return raw


def _host_label(url):
    host = urllib.parse.urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def _decode(data):
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise PostShapeError(data[:e.start].count(b"\n") + 1, "not UTF-8: %s" % e.reason)


class _Lines:
    """The lines of the body, i.e. of the file without its final newline."""

    def __init__(self, lines):
        self.lines = lines

    def __len__(self):
        return len(self.lines)

    def get(self, i):
        return self.lines[i] if i < len(self.lines) else None

    def fail(self, i, message):
        raise PostShapeError(i + 1, message)

    def blank(self, i, what):
        """Line i must be blank, and line i+1 must not be."""
        line = self.get(i)
        if line is None:
            self.fail(i, "file ends where a blank line %s belongs" % what)
        if line != "":
            self.fail(i, "expected a blank line %s, got %r" % (what, line[:60]))
        if self.get(i + 1) == "":
            self.fail(i + 1, "two blank lines in a row (one belongs %s)" % what)

    def plain(self, i, what):
        """Line i must exist and carry no trailing white space."""
        line = self.get(i)
        if line is None:
            self.fail(i, "file ends where %s belongs" % what)
        if line != line.rstrip():
            self.fail(i, "trailing white space on %s" % what)
        return line


def _front_matter(body):
    if body.get(0) != "---":
        body.fail(0, "the front matter must open with '---' on line 1")
    pairs, i = [], 1
    while True:
        line = body.get(i)
        if line is None:
            body.fail(i, "the front matter is not closed by '---'")
        if line == "---":
            break
        line = body.plain(i, "a front matter line")
        m = _KEY_RE.fullmatch(line)
        if not m:
            body.fail(i, "expected 'key: value' in the front matter, got %r" % line[:60])
        key, value = m.groups()
        if key in (k for k, _ in pairs):
            body.fail(i, "duplicate front matter key %r" % key)
        if key == "title" and not _QUOTED_RE.fullmatch(value):
            body.fail(i, "title must be one double-quoted YAML string, got %r" % value)
        if key == "date" and not _DATE_RE.fullmatch(value):
            body.fail(i, "date must be 'YYYY-MM-DD HH:MM:SS +ZZZZ', got %r" % value)
        pairs.append((key, value))
        i += 1
    if not pairs:
        body.fail(i, "the front matter is empty")
    body.blank(i + 1, "after the front matter")
    return pairs, i + 2


def _headline(body, i):
    line = body.plain(i, "a headline")
    if not line.startswith("## "):
        body.fail(i, "expected '## HEADLINE', got %r" % line[:60])
    text = line[3:]
    if not text or text[0].isspace() or text.startswith("#"):
        body.fail(i, "the headline after '## ' is empty or malformed: %r" % line[:60])
    return text


def _sources(body, i):
    line = body.plain(i, "the source line")
    links, pos = [], 0
    while True:
        m = _LINK_RE.match(line, pos)
        if not m:
            body.fail(i, "expected a [label](http(s) URL) link at column %d of the "
                         "source line, got %r" % (pos + 1, line[pos:pos + 40]))
        links.append(m.groups())
        pos = m.end()
        if pos == len(line):
            return links
        if not line.startswith(" | ", pos):
            body.fail(i, "source links must be joined by ' | ', got %r at column %d"
                         % (line[pos:pos + 5], pos + 1))
        pos += 3


def _summary(body, i):
    line = body.plain(i, "the summary")
    if (line.startswith(("#", "- ", "* ", "+ ", ">")) or _RULE_RE.fullmatch(line)
            or re.match(r"\d+[.)] ", line)):
        body.fail(i, "expected the summary paragraph, got %r" % line[:60])
    m = _MAIN_RE.fullmatch(line)
    if not m:
        body.fail(i, "the summary must end in ' ([host](URL))'")
    text, label, url = m.groups()
    if label != _host_label(url):
        body.fail(i, "the summary's source label %r is not the host of %s "
                     "(without 'www.'): %r" % (label, url, _host_label(url)))
    return text, (label, url)


def _extra_block(body, i):
    start, lines = i, []
    while body.get(i):
        line = body.lines[i]
        if line.lstrip().startswith("#"):
            body.fail(i, "a headline must follow a blank line, '---' and a blank line "
                         "(missing separator?)")
        if _RULE_RE.fullmatch(line):
            body.fail(i, "%r inside a section (a separator must be exactly '---' "
                         "between blank lines)" % line)
        lines.append(line)
        i += 1
    bullets = [l.startswith("- ") for l in lines]
    if all(bullets):
        kind = "list"
    elif not bullets[0] and len(lines) > 1 and all(bullets[1:]):
        kind = "labelled-list"
    else:
        kind = "paragraph"
    return {"line": start + 1, "kind": kind, "lines": lines}, i


def parse_post(text):
    """Reads a digest post (str, or bytes as UTF-8) strictly; returns its
    structure (see the module docstring) or raises PostShapeError."""
    text = _decode(text)
    if "\r" in text:
        raise PostShapeError(text[:text.index("\r")].count("\n") + 1,
                             "carriage return (CRLF line ending?)")
    if text.startswith("\ufeff"):
        raise PostShapeError(1, "byte-order mark at the start of the file")
    if text == "":
        raise PostShapeError(1, "empty file")
    final_newline = text.endswith("\n")
    body = _Lines(text.split("\n")[:-1] if final_newline else text.split("\n"))
    front_matter, i = _front_matter(body)

    sections = []
    while True:
        sec = {"line": i + 1, "headline": _headline(body, i)}
        body.blank(i + 1, "after the headline")
        sec["sources"] = _sources(body, i + 2)
        body.blank(i + 3, "after the source line")
        sec["summary"], sec["main_source"] = _summary(body, i + 4)
        sec["extra"] = []
        sections.append(sec)
        i += 5
        ending = None
        while ending is None:
            if i == len(body):
                if not final_newline:
                    body.fail(i - 1, "no newline at the end of the file")
                ending = "newline"
                break
            if body.lines[i] != "":
                body.fail(i, "expected a blank line, got %r (the summary is one "
                             "line)" % body.lines[i][:60])
            nxt = body.get(i + 1)
            if nxt is None:
                body.fail(i, "blank line at the end of the file (more than one "
                             "trailing newline)")
            if nxt == "":
                body.fail(i + 1, "two blank lines in a row")
            if nxt == "---":
                if i + 2 == len(body):
                    ending = "rule"
                    break
                body.blank(i + 2, "after the separator '---'")
                if body.get(i + 3) is None:
                    body.fail(i + 2, "no section after the separator '---'")
                i += 3
                break
            block, i = _extra_block(body, i + 1)
            sec["extra"].append(block)
        if ending is not None:
            break

    parsed = {"front_matter": front_matter, "sections": sections, "ending": ending}
    parsed["shape"] = shape(parsed)
    return parsed


def shape(parsed):
    """What two digest posts must share: Shape(front matter keys in order,
    one tuple of element kinds per section, ending)."""
    return Shape(tuple(k for k, _ in parsed["front_matter"]),
                 tuple(SECTION_KINDS for _ in parsed["sections"]),
                 parsed["ending"])
