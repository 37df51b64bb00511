"""
The command line (SPEC "Programs and commands"): --help, --version, and
usage errors exiting 2.
"""

import re

import pytest

from conftest import run_process


def test_help(binary):
    res = run_process([binary, "--help"])
    assert res.rc == 0, res
    assert "usage" in res.stdout.lower(), res
    for word in ("--once", "check", "status", "parse", "-c"):
        assert word in res.stdout, word


def test_version(binary):
    res = run_process([binary, "--version"])
    assert res.rc == 0, res
    assert re.search(r"\b\d+\.\d+(\.\d+)?\b", res.stdout), res


@pytest.mark.parametrize("argv", [["--bogus"], ["-x"], ["frobnicate"], ["-c"],
                                  ["parse"], ["--once", "--bogus"]])
def test_usage_errors(binary, argv):
    res = run_process([binary] + argv)
    assert res.rc == 2, res
    assert res.stderr.strip(), res
