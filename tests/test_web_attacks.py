"""Attacks on the agency page, on a real server and both backends: each refused, nothing
changed, nothing stored.  A missing or foreign CSRF token, another recipient's assignments or
another region's item, `<script>` in a note, an oversized body or file, a renamed executable,
a path in a file name."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

from tests.agencypage import EDU, PDF, POLICY, csrf_of, path_of, post
from tests.conftest import dump_database
from tests.webserver import Served, start_server, stop_server

LATER = "2017-04-20T10:00:00+06:00"
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56) + b"#!/bin/sh\nrm -rf /\n"


def test_forms_without_or_with_a_foreign_csrf_token_or_foreign_work_change_nothing(
        served: Served) -> None:
    with served.client() as http:
        mine, theirs = (csrf_of(http.get(path_of(served, e)).text) for e in (EDU, POLICY))
        before = dump_database(served.tracker.url)
        chosen = ["5:akmola:education"]
        assert post(http, served, EDU, "mark", chosen, csrf="").status_code == 403
        # another recipient's token (its CSRF) on this recipient's form, and the other way
        assert post(http, served, EDU, "mark", chosen, csrf=theirs).status_code == 403
        assert post(http, served, POLICY, "mark", chosen, csrf=mine).status_code == 403
        # its own form, but someone else's assignment: the same region's education department
        refused = post(http, served, POLICY, "mark", chosen, csrf=theirs)
        assert refused.status_code == 400
        assert "Таңдалған іс-шара сіздің тапсырмаңыз емес" in refused.text
        # an item of another region, refused in the page's language
        for lang, said in (("kk", "сіздің тапсырмаңыз емес: ештеңе өзгертілмеді"),
                           ("ru", "не относится к вашим поручениям: ничего не изменено")):
            other = post(http, served, EDU, "mark", ["5:akmola:education", "5:aktobe:education"],
                         csrf=mine, lang=lang)
            assert other.status_code == 400 and said in other.text
        # its language switch reads the page again, changing nothing
        switch = http.get(f"{path_of(served, EDU)}/mark?lang=ru")
        assert switch.status_code == 303
        assert switch.headers["location"] == f"{path_of(served, EDU)}?lang=ru"
        # a page posted from another site
        forged = http.post(f"{path_of(served, EDU)}/mark", data={"csrf": mine, "a": chosen},
                           headers={"origin": "https://evil.example"})
        assert forged.status_code == 403
        assert post(http, served, EDU, "mark", [], csrf=mine).status_code == 400
        # a link that is not http(s), a note with a control character or too long
        for bad in ({"url": "javascript:alert(1)"}, {"url": "file:///etc/passwd"},
                    {"note": "хат\x1b[2J"}, {"note": "х" * 2001}):
            assert post(http, served, EDU, "mark", chosen, csrf=mine,
                        **bad).status_code == 400  # type: ignore[arg-type]
        assert dump_database(served.tracker.url) == before


def test_script_in_a_note_is_text_on_the_page_and_in_the_digest(served: Served,
                                                                 tmp_path: Path) -> None:
    note = '<script>alert("x")</script>'
    with served.client() as http:
        sent = post(http, served, EDU, "mark", ["7:akmola:education"], note=note,
                    url='https://edu.akmola.kz/a?b=1&c="><script>')
        assert sent.status_code == 400  # a quote and a bracket are no part of a link
        sent = post(http, served, EDU, "mark", ["7:akmola:education"], note=note)
        assert sent.status_code == 303
        page = http.get(sent.headers["location"]).text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    out = tmp_path / "digest.html"
    served.tracker.ok("digest", "--format", "html", "--output", str(out),
                      "--since", "2017-04-01T00:00+06:00", now=LATER)
    html = out.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "сілтеме арқылы" in html


def _raw_post(served: Served, path: str, length: int) -> bytes:
    """A request announcing a `length`-byte body and sending almost none of it."""
    host = urlsplit(served.base)
    with socket.create_connection((host.hostname, host.port), timeout=30) as sock:
        sock.sendall((f"POST {path} HTTP/1.1\r\nHost: {host.netloc}\r\n"
                      f"Content-Type: multipart/form-data; boundary=b\r\n"
                      f"Content-Length: {length}\r\n\r\n--b\r\n").encode())
        return sock.recv(4096)


def test_oversized_uploads_and_renamed_executables_are_refused_and_nothing_stored(
        served: Served, tmp_path: Path) -> None:
    page = path_of(served, EDU)  # (its link row made before the database is taken)
    before = dump_database(served.tracker.url)
    answer = _raw_post(served, f"{page}/mark", 200 * 1024 * 1024)
    assert answer.startswith(b"HTTP/1.1 413")
    with served.client() as http:
        renamed = post(http, served, EDU, "mark", ["8:akmola:education"],
                       file=("report.pdf", ELF))
        assert renamed.status_code == 400
        assert "Файл қабылданбады" in renamed.text
        fake_docx = post(http, served, EDU, "mark", ["8:akmola:education"],
                         file=("report.docx", b"PK\x03\x04" + bytes(40)))
        assert fake_docx.status_code == 400
    assert dump_database(served.tracker.url) == before

    small = start_server(served.tracker, tmp_path, env={"TRACKER_UPLOAD_LIMIT_MB": "1"})
    try:
        with small.client() as http:
            big = post(http, small, EDU, "mark", ["8:akmola:education"],
                       file=("big.pdf", PDF + bytes(1024 * 1024)))
            assert big.status_code == 413
            assert dump_database(served.tracker.url) == before
            windows = post(http, small, EDU, "mark", ["8:akmola:education"],
                           file=("C:\\x\\y.pdf", PDF))
            assert windows.status_code == 303
    finally:
        stop_server(small.process)
    (event,) = served.tracker.json("history", "8", "--region", "akmola", now=LATER)
    assert event["evidence"]["name"] == "y.pdf"


def _zip(member: str) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(member, "<x/>")
    return out.getvalue()


def test_files_are_judged_by_content_and_named_by_their_base_name_only() -> None:
    import pytest

    from tracker.evidence import DOC, DOCX, JPEG, PNG, XLS, XLSX, EvidenceRefused, judge

    ole2 = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
    for name, data, kind in (("a.docx", _zip("word/document.xml"), DOCX),
                             ("a.xlsx", _zip("xl/workbook.xml"), XLSX),
                             ("a.doc", ole2, DOC), ("a.xls", ole2, XLS),
                             ("scan.jpg", b"\xff\xd8\xff\xe0" + bytes(20), JPEG),
                             ("scan.png", b"\x89PNG\r\n\x1a\n" + bytes(20), PNG),
                             ("report.pdf", PDF, "application/pdf")):
        assert judge(name, data).media_type == kind
    for name, data in (("a.docx", _zip("evil/run.sh")), ("report.pdf", ELF),
                       ("a.png", b"GIF89a"), ("a.pdf", b"")):
        with pytest.raises(EvidenceRefused):
            judge(name, data)
    assert judge("..\\..\\C:\\Windows\\x.pdf", PDF).name == "x.pdf"
    assert judge("/etc/\x1b[31mred\x00.pdf", PDF).name == "[31mred.pdf"
    assert judge("../..", PDF).name == "evidence.pdf"
    long = judge("я" * 500 + ".pdf", PDF).name
    assert len(long) == 120 and long.endswith("я.pdf")
