"""
Korean feeds in EUC-KR, written as CP949 bytes (as Korean sites do): the
charset comes once from the HTTP Content-Type only and once from the XML
declaration only; titles with CP949-only syllables (뷁, 똠, 햏) must survive
into the spool's RFC 2047 Subject and the merged feed.
"""

from conftest import fixture_bytes

HTTP_TITLE = "뷁! 똠양꿍 먹으며 읽는 오픈AI·AWS 380억 달러 계약"
DECL_TITLE = "햏자의 하루: 엔비디아 GB300과 액체 냉각 “대세”"


def test_fixtures_need_cp949():
    # The fixtures really hold CP949-only characters, which plain EUC-KR lacks.
    for ch in "뷁똠햏":
        b = ch.encode("cp949")
        assert not (0xA1 <= b[0] <= 0xFE and 0xA1 <= b[1] <= 0xFE)
    assert HTTP_TITLE.encode("cp949") in fixture_bytes("euckr-http.xml")
    assert DECL_TITLE.encode("cp949") in fixture_bytes("euckr-decl.xml")


def test_euc_kr(server, work):
    server.set("/http.xml", fixture_bytes("euckr-http.xml"),
               content_type="application/rss+xml; charset=EUC-KR")
    server.set("/decl.xml", fixture_bytes("euckr-decl.xml"),
               content_type="application/rss+xml")
    work.write_config({"korean-http": server.url("/http.xml"),
                       "korean-decl": server.url("/decl.xml")})
    res = work.once()
    assert res.rc == 0, res

    by_subject = {str(m["Subject"]): m for m in work.messages()}
    assert set(by_subject) == {HTTP_TITLE, "시스코, 매장·공장·병원용 엣지 AI 장비 공개",
                               DECL_TITLE, "웨이모, 로보택시 3개 도시 추가 진출"}

    m = by_subject[HTTP_TITLE]
    assert m["From"].addresses[0].display_name == "한국어 피드 (HTTP 문자셋)"
    html = m.html()
    assert html is not None
    assert "7년간 380억 달러 규모의 계약" in html.get_content()
    # Non-ASCII subjects travel RFC 2047-encoded, never as raw 8-bit bytes.
    raw_head = m.raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    subject_lines = [l for l in raw_head.splitlines()
                     if l.lower().startswith(b"subject:")]
    assert subject_lines and all(l.isascii() for l in subject_lines)

    m = by_subject[DECL_TITLE]
    assert m["From"].addresses[0].display_name == "한국어 피드 (XML 선언)"
    assert "같은 면적에 더 많은 GPU" in m.html().get_content()

    merged = work.merged()
    assert merged.bozo == 0, merged.get("bozo_exception")
    titles = {e.title for e in merged.entries}
    assert HTTP_TITLE in titles and DECL_TITLE in titles
