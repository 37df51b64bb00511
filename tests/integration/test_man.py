"""
The manual pages, aggregator(1) and aggregator.conf(5): each is ASCII,
renders without a warning (groff -ww) and through man(1); the example
config of aggregator.conf(5) passes `check`; every command line of
aggregator(1)'s EXAMPLES names a command and options that --help lists;
--help points at both pages.  That aggregator.conf(5) lists every key of
the config table with its default is tests/unit/t_config_doc.c's part.
"""

import os
import re
import shlex
import shutil
import subprocess

import pytest

from conftest import REPO, run_process

MAN1 = REPO / "docs" / "man" / "man1" / "aggregator.1"
MAN5 = REPO / "docs" / "man" / "man5" / "aggregator.conf.5"
PAGES = {MAN1: "aggregator", MAN5: "aggregator.conf"}


def tool(name, package):
    """The path of a program the test needs; make deps-test installs it."""
    path = shutil.which(name)
    if path is None:
        pytest.fail("%s is not installed: Debian package %s (make deps-test)"
                    % (name, package))
    return path


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_is_ascii(page):
    # groff reads its input as Latin-1: other characters are escapes.
    for n, line in enumerate(page.read_bytes().splitlines(), 1):
        assert line.isascii(), "%s:%d: %r" % (page.name, n, line)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_renders_without_warnings(page):
    groff = tool("groff", "groff-base")
    res = subprocess.run([groff, "-ww", "-z", "-man", str(page)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "" and res.stderr == "", res.stdout + res.stderr


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_renders_through_man(page):
    man = tool("man", "man-db")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LC_", "MAN")) and k not in ("LANG", "PAGER")}
    env.update(LANG="C.UTF-8", MANWIDTH="80", MANPAGER="cat", PAGER="cat")
    res = subprocess.run([man, "-l", str(page)], capture_output=True,
                         text=True, env=env, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stderr == "", res.stderr
    lines = re.sub(".\b", "", res.stdout).splitlines()
    assert "NAME" in lines, res.stdout
    name = lines[lines.index("NAME") + 1].strip()
    assert re.match(re.escape(PAGES[page]) + r"\s+[-\u2010\u2212]\s", name), name


def see_also(page):
    text = page.read_text()
    return text[text.index(".SH SEE ALSO\n"):]


def test_pages_name_each_other():
    assert ".BR aggregator.conf (5)" in see_also(MAN1)
    assert ".BR aggregator (1)" in see_also(MAN5)


def test_help_points_at_both_pages(binary):
    res = run_process([binary, "--help"])
    assert res.rc == 0, res
    assert (res.stdout.rstrip("\n").splitlines()[-1]
            == "See aggregator(1) and aggregator.conf(5).")


def unescape(line):
    """A line of an example as it reads: the few escapes they use."""
    assert not line.startswith((".", "'")), line
    line = line.replace("\\e", "\0").replace("\\-", "-").replace("\\&", "")
    assert "\\" not in line, "an escape this test does not read: " + line
    return line.replace("\0", "\\")


def examples(page):
    """The .EX blocks of the page's EXAMPLES, each a list of its lines."""
    blocks, block, inside = [], None, False
    for line in page.read_text().splitlines():
        if line.startswith(".SH "):
            inside = line == ".SH EXAMPLES"
        elif inside and line == ".EX":
            block = []
        elif inside and line == ".EE":
            blocks.append(block)
            block = None
        elif block is not None:
            block.append(unescape(line))
    return blocks


def test_the_example_config_passes_check(binary, tmp_path):
    blocks = examples(MAN5)
    assert len(blocks) == 1, blocks
    conf = tmp_path / "aggregator.conf"
    conf.write_text("\n".join(blocks[0]) + "\n")
    res = run_process([binary, "-c", str(conf), "check"])
    assert res.rc == 0, res
    assert "ok, 3 feeds" in res.stdout, res


OPTION = re.compile(r"(?<![\w-])--?[a-z][a-z-]*")


def usage(help_text):
    """--help read back: the options any command takes, and per command
    (None for polling) the options of its synopsis."""
    synopsis, options = [], set()
    head, _, tail = help_text.partition("\n\n")
    for line in head.splitlines():
        line = line.replace("usage:", "", 1).strip()
        part = re.split(r"\s{2,}", line)[0]
        if part.startswith("aggregator"):
            synopsis.append(part)
        elif part.startswith("["):
            synopsis[-1] += " " + part
    for line in tail.splitlines():
        if line.lstrip().startswith("-"):
            options.update(OPTION.findall(re.split(r"\s{2,}", line.strip())[0]))
    commands = {}
    for form in synopsis:
        words = [w for w in form.split()[1:] if re.fullmatch(r"[a-z][a-z-]*", w)]
        command = words[0] if words else None
        commands.setdefault(command, set()).update(OPTION.findall(form))
    return options, commands


def test_every_example_command_line_is_valid(binary):
    res = run_process([binary, "--help"])
    assert res.rc == 0, res
    options, commands = usage(res.stdout)
    assert {"-c", "--once", "-q"} <= options, options
    assert {"digest", "extract", "filter-test"} <= set(commands), commands
    seen = set()
    for block in examples(MAN1):
        for line in block:
            if not line.startswith("aggregator"):
                continue
            argv = shlex.split(line)
            for i, word in enumerate(argv):
                if word in (">", ">>", "<", "|"):
                    argv = argv[:i]
                    break
            i = 1
            while i < len(argv) and argv[i].startswith("-"):
                assert argv[i] in options | commands[None], line
                i += 2 if argv[i] in ("-c", "--config") else 1
            command = argv[i] if i < len(argv) else None
            assert command in commands, line
            for word in argv[i + 1:]:
                if word.startswith("-"):
                    assert word in commands[command], line
            seen.add(command)
            seen.update(w for w in argv[1:i] if w.startswith("-"))
    # The examples show at least these.
    assert {None, "-c", "--once", "init", "list", "export", "filter-test",
            "extract", "digest", "parse"} <= seen, seen
