"""The results page on a real server (SQLite and PostgreSQL): the region's education department
saves and submits its 25 April form, adds media entries and uploads the form file; what the page
refuses it refuses with the importer's words and stores nothing; `report show` says who sent a
report and how."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import Tracker, dump_database
from tests.webserver import Served, start_server, stop_server
from tracker.reports.fields import CellError, parse_count

AGENCY = "edu@akmola.example"
OTHER_AGENCY = "policy@akmola.example"


def _path(served: Served, email: str = AGENCY) -> str:
    return f"/r/{served.token(email)}/results"


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found, page.text
    return found[1]


def _figures(**values: Any) -> dict[str, str]:
    base = {key: "0" for key in ("school_assemblies", "class_hours", "contests", "meetings",
                                 "debates", "parent_meetings", "children_reached")}
    base.update({k: str(v) for k, v in values.items()})
    return {f"c-{k}": v for k, v in {**base, "other": "", **values}.items()}


def _post(http: httpx.Client, path: str, data: dict[str, str], **kwargs: Any) -> httpx.Response:
    csrf = _csrf(http.get(path))
    return http.post(path, data={"csrf": csrf, **data}, **kwargs)


LATER = "2017-04-14T12:00:00+06:00"
"""After the server's clock (which runs on from tracker.now) made its changes."""


def _akmola(tracker: Tracker, now: str = LATER) -> dict[str, Any]:
    show = tracker.json("report", "show", now=now)
    return next(r for r in show["regions"] if r["unit"] == "akmola")


def test_draft_then_submit(served: Served) -> None:
    path = _path(served)
    with served.client() as http:
        page = http.get(path)
        assert page.status_code == 200
        assert "Ақмола облысы" in page.text and "Освещение в СМИ" in page.text
        saved = _post(http, path, {**_figures(class_hours=120, other="Дөңгелек үстел"),
                                   "action": "save"})
        assert saved.status_code == 303
        assert saved.headers["location"].endswith("/results?lang=kk&done=saved")
        draft = _akmola(served.tracker)
        assert (draft["class_hours"], draft["other"], draft["received_at"]) == (
            120, "Дөңгелек үстел", None)
        shown = http.get(saved.headers["location"])
        assert 'value="120"' in shown.text and "Көрсеткіштер сақталды" in shown.text
        submitted = _post(http, path, {**_figures(class_hours=130), "action": "submit"})
        assert submitted.status_code == 303
        report = _akmola(served.tracker)
        assert (report["class_hours"], report["late"]) == (130, False)
        assert (report["received_by"], report["received_via"]) == (AGENCY, "link")
        assert report["received_at"] is not None
        after = http.get(submitted.headers["location"])
        assert "есеп келіп түсті" in after.text and "мерзімінде" in after.text
    text = served.tracker.ok("report", "show", lang="ru", now=LATER).stdout
    assert f"{AGENCY}, личная ссылка" in text


def test_a_bad_cell_shows_the_importers_words_and_stores_nothing(served: Served) -> None:
    path = _path(served)
    before = dump_database(served.tracker.url)
    with served.client() as http:
        for value in ("-3", "abc"):
            try:
                parse_count(value)
            except CellError as exc:
                kk, ru = exc.said("kk"), exc.said("ru")
            refused = _post(http, path, {**_figures(meetings=value), "action": "submit"})
            assert refused.status_code == 400
            assert kk in html.unescape(refused.text)
            assert 'aria-invalid="true"' in refused.text
            russian = _post(http, f"{path}?lang=ru", {**_figures(meetings=value),
                                                       "action": "save"})
            assert russian.status_code == 400 and ru in html.unescape(russian.text)
    assert dump_database(served.tracker.url) == before


def test_a_submission_after_the_day_in_the_regions_zone_is_late(served: Served,
                                                                  tmp_path: Path) -> None:
    link = _path(served)
    late = start_server(served.tracker, tmp_path, now="2017-04-26T00:30:00+06:00")
    try:
        with late.client() as http:
            assert _post(http, link, {**_figures(debates=4), "action": "submit"}
                         ).status_code == 303
            page = http.get(link + "?lang=ru")
            assert "с опозданием" in page.text
    finally:
        stop_server(late.process)
    report = _akmola(served.tracker, now="2017-04-27T00:00:00+06:00")
    assert report["late"] is True and report["debates"] == 4


def test_media_entries_are_added_and_removed(served: Served) -> None:
    path = _path(served)
    with served.client() as http:
        added = _post(http, path, {"action": "add_media", "outlet": "Хабар",
                                   "date": "12.04.2017", "url": "https://khabar.kz/a"})
        assert added.status_code == 303
        entries = served.tracker.json("report", "media", "list", "akmola")
        assert [(e["outlet"], e["date"], e["url"]) for e in entries] == [
            ("Хабар", "2017-04-12", "https://khabar.kz/a")]
        bad = _post(http, path, {"action": "add_media", "outlet": "X", "date": "31.04.2017"})
        assert bad.status_code == 400
        served.tracker.ok("report", "media", "add", "aktobe", "--outlet", "Ақтөбе",
                          "--date", "2017-04-13")
        others = [e["id"] for e in served.tracker.json("report", "media", "list", "aktobe")]
        refused = _post(http, path, {"action": "remove_media", "id": str(others[0])})
        assert refused.status_code == 404
        removed = _post(http, path, {"action": "remove_media", "id": str(entries[0]["id"])})
        assert removed.status_code == 303
    assert served.tracker.json("report", "media", "list", "akmola") == []
    assert len(served.tracker.json("report", "media", "list", "aktobe")) == 1


def _form_file(served: Served, rows: dict[str, dict[str, int]]) -> bytes:
    from tracker.reports.exporter import write_xlsx
    from tracker.reports.results import RegionResult
    from tracker.store.database import Database

    db = Database(served.tracker.url)
    try:
        plan = db.plan()
    finally:
        db.engine.dispose()
    buffer = io.BytesIO()
    write_xlsx(buffer, plan, [RegionResult(unit, counts=counts, entered=True)
                              for unit, counts in rows.items()])
    return buffer.getvalue()


def test_the_exporters_workbook_for_the_region_is_taken(served: Served) -> None:
    data = _form_file(served, {"akmola": {"class_hours": 77, "meetings": 5}})
    with served.client() as http:
        sent = _post(http, _path(served), {"action": "upload"},
                     files={"file": ("Ақмола.xlsx", data)})
        assert sent.status_code == 303, sent.text
        downloaded = http.get(_path(served) + ".xlsx")
        assert downloaded.status_code == 200 and downloaded.content.startswith(b"PK")
    report = _akmola(served.tracker)
    assert (report["class_hours"], report["meetings"], report["received_via"]) == (77, 5, "link")


def test_another_regions_row_or_a_renamed_program_is_refused(served: Served) -> None:
    path = _path(served)  # the link row is made here, before the database is compared
    before = dump_database(served.tracker.url)
    both = _form_file(served, {"akmola": {"class_hours": 1}, "aktobe": {"class_hours": 2}})
    with served.client() as http:
        refused = _post(http, _path(served), {"action": "upload"},
                        files={"file": ("form.xlsx", both)})
        assert refused.status_code == 400
        assert "Ақтөбе облысы" in refused.text and "ештеңе сақталмады" in refused.text
        program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(range(256)) * 4
        renamed = _post(http, path + "?lang=ru", {"action": "upload"},
                        files={"file": ("../../отчёт.xlsx", program)})
        assert renamed.status_code == 400
        assert "«отчёт.xlsx» — не форма XLSX или CSV" in renamed.text
        assert "../" not in renamed.text
    assert dump_database(served.tracker.url) == before


def test_a_post_without_its_csrf_token_or_from_another_agency_is_refused(served: Served) -> None:
    path, other, manager = (_path(served, email) for email in (
        AGENCY, OTHER_AGENCY, "chair@bkk.edu.example"))
    before = dump_database(served.tracker.url)
    with served.client() as http:
        assert http.post(path, data={**_figures(meetings=1), "action": "submit"}
                         ).status_code == 403
        assert http.get(other).status_code == 404
        assert http.post(other, data={"action": "submit"}).status_code == 404
        assert http.get(manager).status_code == 404
    assert dump_database(served.tracker.url) == before


def test_report_submit_says_it_came_from_the_command_line(tracker: Tracker) -> None:
    tracker.ok("report", "submit", "aktobe", "--by", "Ә. Сапарова")
    aktobe = next(r for r in tracker.json("report", "show")["regions"] if r["unit"] == "aktobe")
    assert (aktobe["received_by"], aktobe["received_via"]) == ("Ә. Сапарова", "cli")
    assert "Ә. Сапарова, командалық жол" in tracker.ok("report", "show").stdout


def test_a_csv_form_with_a_bad_cell_is_refused_with_the_importers_words(served: Served) -> None:
    from tracker.reports.exporter import header_row
    from tracker.store.database import Database

    db = Database(served.tracker.url)
    try:
        header = header_row(db.plan())
    finally:
        db.engine.dispose()
    row = ["Акмолинская область", *["1"] * (len(header) - 1)]
    row[header.index("Кол-во встреч")] = "-3"
    row[-2:] = ["", ""]  # the media list and «Другие» left empty
    data = "\n".join(";".join(cells) for cells in (header, row)).encode("utf-8-sig")
    path = _path(served)
    before = dump_database(served.tracker.url)
    with served.client() as http:
        refused = _post(http, path + "?lang=ru", {"action": "upload"},
                        files={"file": ("akmola.csv", data)})
    assert refused.status_code == 400
    try:
        parse_count("-3")
    except CellError as exc:
        assert exc.said("ru") in html.unescape(refused.text)
    assert "akmola.csv: строка 2" in html.unescape(refused.text)
    assert dump_database(served.tracker.url) == before
