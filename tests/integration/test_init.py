"""
A new user's first config (`aggregator init [DIR]`): written where the
XDG base directories say (or DIR), delivering into ~/Maildir, accepted by
`check` and usable at once; an existing config is never overwritten.
The oracle is the file itself, `check`, and the spool read with mailbox.
"""

import os

from conftest import run_process
from helpers import numbered_items, put_feed, rss_feed


def init(binary, home, *args, xdg=None):
    env = dict(os.environ, HOME=str(home))
    env.pop("XDG_CONFIG_HOME", None)
    if xdg is not None:
        env["XDG_CONFIG_HOME"] = str(xdg)
    return run_process([binary, "init"] + list(args), env=env), env


def test_init_writes_a_config_that_works(binary, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    res, env = init(binary, home)
    assert res.rc == 0, res.stderr
    conf = home / ".config" / "aggregator" / "aggregator.conf"
    assert str(conf) in res.stdout
    text = conf.read_text()
    assert "spool = %s/Maildir" % home in text
    assert run_process([binary, "-c", str(conf), "check"], env=env).rc == 0

    # A feed of one's own, added to it, is delivered into ~/Maildir.
    feed = put_feed(tmp_path / "f.xml", rss_feed("Mine", numbered_items("m", 2)))
    with open(conf, "a") as f:
        f.write("\n[feed.mine]\nurl = %s\n" % feed)
    res = run_process([binary, "-c", str(conf), "--once"], env=env)
    assert res.rc == 0, res.stderr
    assert len(list((home / "Maildir" / "new").iterdir())) == 2
    assert (conf.parent / "state.db").exists() and (conf.parent / "merged.atom").exists()

    # Never over an existing config.
    before = conf.read_bytes()
    res, _ = init(binary, home)
    assert res.rc == 2 and "exists already" in res.stderr
    assert conf.read_bytes() == before


def test_init_follows_xdg_and_takes_a_folder(binary, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    res, _ = init(binary, home, xdg=tmp_path / "xdg")
    assert res.rc == 0, res.stderr
    assert (tmp_path / "xdg" / "aggregator" / "aggregator.conf").is_file()
    res, _ = init(binary, home, str(tmp_path / "a" / "b"))
    assert res.rc == 0, res.stderr
    assert (tmp_path / "a" / "b" / "aggregator.conf").is_file()
