"""
Renders digest posts the way a reader's blog would: a minimal Jekyll site of
its own (_config.yml, _layouts/default.html and _layouts/post.html, no
theme, no plugins, no Gemfile) built by Debian's jekyll 4.x, offline, with
Jekyll's default Markdown (kramdown, GFM input; Debian's jekyll package
depends on ruby-kramdown-parser-gfm, so nothing beyond `jekyll` is needed).

build_site(tmp_path, {"2025-11-04-digest.md": bytes, ...}) returns
{name: rendered HTML}.  Each page is found by the <meta name="x-source-path">
the default layout writes, not by guessing the permalink (which follows the
front matter date and time zone, not the file name).  require_jekyll() is
the skip rule of the tests that render.
"""

import os
import pathlib
import re
import shutil
import subprocess
import time

import pytest

# What a reader's blog would run, not more: posts only, future dates
# published (a digest is dated later today), front matter errors and Liquid
# syntax errors fatal instead of a warning and a missing page; one page
# per file name (":name" is the slugified file name; a date-based permalink
# would put two digests of one UTC day on one page).
CONFIG = """\
title: Digest rendering test
markdown: kramdown
future: true
strict_front_matter: true
liquid:
  error_mode: strict
permalink: /posts/:name:output_ext
"""

DEFAULT_LAYOUT = """\
<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="x-source-path" content="{{ page.path }}">
<title>{{ page.title | escape }}</title>
</head>
<body>
{{ content }}
</body>
</html>
"""

POST_LAYOUT = """\
---
layout: default
---
<article class="post">
<h1 class="post-title">{{ page.title | escape }}</h1>
<time datetime="{{ page.date | date_to_xmlschema }}">{{ page.date | date: "%Y-%m-%d %H:%M" }}</time>
<div class="post-content">
{{ content }}
</div>
</article>
"""

# A post's file name in _posts/: YYYY-MM-DD-TITLE.EXT.
POST_NAME_RE = re.compile(r"\d{4}-\d{2}-\d{2}-[^/\s]+\.(md|markdown)")
MARKER_RE = re.compile(r'<meta name="x-source-path" content="_posts/([^"]+)">')
# Jekyll colours its errors even into a pipe.
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")

# Wall time of the last build_site, for whoever wants to report it.
last_build_seconds = None


class JekyllError(RuntimeError):
    """jekyll build failed, or left out a post; the message holds its
    output."""


def jekyll_path():
    return shutil.which("jekyll")


def require_jekyll():
    """The jekyll executable; skips the test when it is not installed,
    unless AGGREGATOR_REQUIRE_JEKYLL is set (non-empty): then it fails."""
    path = jekyll_path()
    if path is None:
        if os.environ.get("AGGREGATOR_REQUIRE_JEKYLL"):
            pytest.fail("jekyll is not installed but AGGREGATOR_REQUIRE_JEKYLL is set "
                        "(apt-get install --no-install-recommends jekyll)")
        pytest.skip("jekyll is not installed (set AGGREGATOR_REQUIRE_JEKYLL=1 to "
                    "make this a failure)")
    return path


def jekyll_env(home):
    """The environment of a build: UTF-8 locale, a HOME of its own, no
    Bundler (no Gemfile is looked for), no proxy needed."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BUNDLE_", "GEM_", "RUBY", "JEKYLL_"))}
    env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8", HOME=str(home),
               JEKYLL_NO_BUNDLER_REQUIRE="true", JEKYLL_ENV="production")
    return env


def write_site(src):
    """Writes the site skeleton (config and layouts) into src."""
    (src / "_layouts").mkdir(parents=True, exist_ok=True)
    (src / "_posts").mkdir(exist_ok=True)
    (src / "_config.yml").write_text(CONFIG, encoding="utf-8")
    (src / "_layouts" / "default.html").write_text(DEFAULT_LAYOUT, encoding="utf-8")
    (src / "_layouts" / "post.html").write_text(POST_LAYOUT, encoding="utf-8")


def build_site(tmp_path, posts, timeout=120):
    """Builds a site of posts ({file name in _posts/: bytes}) under
    tmp_path/jekyll and returns {file name: rendered HTML (str)}.  Names must
    be YYYY-MM-DD-TITLE.md (Jekyll ignores anything else).  Raises
    JekyllError with jekyll's output when the build fails or a post has no
    page."""
    global last_build_seconds
    for name in posts:
        if not POST_NAME_RE.fullmatch(name):
            raise ValueError("%r is not a Jekyll post name (YYYY-MM-DD-TITLE.md)" % name)
    jekyll = jekyll_path()
    if jekyll is None:
        raise JekyllError("jekyll is not installed")
    root = pathlib.Path(tmp_path) / "jekyll"
    src, dest, home = root / "src", root / "site", root / "home"
    for d in (src, home):
        d.mkdir(parents=True, exist_ok=True)
    write_site(src)
    for name, data in posts.items():
        (src / "_posts" / name).write_bytes(data)

    argv = [jekyll, "build", "--safe", "--quiet", "--strict_front_matter",
            "--future", "--disable-disk-cache", "-s", str(src), "-d", str(dest)]
    start = time.monotonic()
    try:
        r = subprocess.run(argv, cwd=str(root), env=jekyll_env(home),
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise JekyllError("jekyll build timed out after %ss\n%s" % (
            timeout, (e.stderr or b"").decode("utf-8", "replace")))
    last_build_seconds = time.monotonic() - start
    out = ANSI_RE.sub("", (r.stdout + r.stderr).decode("utf-8", "replace"))
    if r.returncode != 0:
        raise JekyllError("jekyll build exited %d:\n%s" % (r.returncode, out))

    pages = {}
    for path in dest.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        m = MARKER_RE.search(html)
        if m and m.group(1) in posts:
            if m.group(1) in pages:
                raise JekyllError("two pages for %s" % m.group(1))
            pages[m.group(1)] = html
    missing = sorted(set(posts) - set(pages))
    if missing:
        raise JekyllError("no page for %s (no front matter, or a layout other "
                          "than post or default?)\n%s" % (missing, out))
    return pages
