"""
The bundled demo (`make run`): config/run-demo.sh run on a copy of config/,
so the checkout is not touched, delivers the demo feeds, the Reuters story
that three demo feeds share exactly once, and writes the digest of what it
delivered, the OpenAI-AWS deal one section with the Reuters link, and
extracts the article of a saved EUC-KR news page.
"""

import re
import shutil

from conftest import REPO, Work, entry_key, run_process
from digest_shape import parse_post

REUTERS = ("https://www.reuters.com/business/retail-consumer/"
           "openai-amazon-strike-38-billion-agreement-chatgpt-maker-use-aws-2025-11-03/")


def test_demo(binary, tmp_path):
    shutil.copytree(REPO / "config", tmp_path / "config")
    res = run_process(["sh", "config/run-demo.sh", binary], cwd=str(tmp_path), timeout=30)
    assert res.rc == 0, res
    demo = tmp_path / "demo"
    assert (demo / "demo.conf").is_file()
    assert "@DEMO_DIR@" not in (demo / "demo.conf").read_text()
    assert str(demo / "Maildir") in res.stdout and "merged.atom" in res.stdout

    work = Work(tmp_path, binary)
    work.spool = demo / "Maildir"
    work.output = demo / "merged.atom"
    msgs = work.messages()
    assert len(msgs) > 0
    assert "%d messages" % len(msgs) in res.stdout

    key = entry_key(REUTERS)
    reuters = [m for m in msgs if key in str(m["Message-ID"])]
    assert len(reuters) == 1, [str(m["Subject"]) for m in msgs]
    by_url = [m for m in msgs if "openai-amazon-strike-38-billion" in str(m["X-RSS-URL"])]
    assert len(by_url) == 1

    subjects = {str(m["Subject"]) for m in msgs}
    assert "[유튜브] \"AI도 설렘을 알까?\"… 첫눈 오는 날 GPT에게 똠양꿍 레시피와 '감성'을 물었더니" in subjects
    feeds = {str(m["X-RSS-Feed"]) for m in msgs}
    assert len(feeds) == 4, feeds

    merged = work.merged()
    assert merged.bozo == 0, merged.get("bozo_exception")
    assert len(merged.entries) == len(msgs)

    # The digest: its path said, a post of the seeds' shape in _posts/.
    said = re.search(r"^digest: +(\S+)$", res.stdout, re.M)
    assert said, res.stdout
    post_path = demo / "_posts" / said.group(1).rsplit("/", 1)[-1]
    assert said.group(1) == str(post_path) and post_path.is_file()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d-ai-뉴스\.md", post_path.name)
    post = parse_post(post_path.read_text(encoding="utf-8"))
    deal = [s for s in post["sections"] if REUTERS in dict(s["sources"]).values()]
    assert len(deal) == 1, [s["sources"] for s in post["sections"]]
    # Which feed's copy of the Reuters article is delivered (and so which
    # text the story is grouped by) depends on which feed is read first.
    assert dict(deal[0]["sources"]).get("Reuters") == REUTERS, deal[0]["sources"]

    # The saved page's article, read from its EUC-KR bytes, nothing else.
    said = re.search(r"^article: +(\S+)", res.stdout, re.M)
    assert said and said.group(1) == str(demo / "article.txt"), res.stdout
    article = (demo / "article.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in article.split("\n\n") if p.strip()]
    assert len(paragraphs) == 3, article
    assert paragraphs[0].startswith("[예시뉴스=김예시 기자] 오픈AI가 아마존웹서비스")
    for junk in ("기상청", "배너", "pub-", "yesi@", "무단전재", "관련기사", "Copyright"):
        assert junk not in article, (junk, article)

    # A second run delivers nothing new.
    res = run_process(["sh", "config/run-demo.sh", binary], cwd=str(tmp_path), timeout=30)
    assert res.rc == 0, res
    assert len(work.message_files()) == len(msgs)
