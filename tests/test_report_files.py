"""Importing and exporting the 25 April form (.csv and .xlsx), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Tracker, dump_database

RU = ["Наименование области", "Кол-во общешкольных линеек", "Кол-во классных часов",
      "Кол-во конкурсов (конкурсы плакатов, буклетов, творческих работ, сочинений, флеш-моб, "
      "акции)", "Кол-во встреч", "Кол-во дебатов", "Кол-во родительских собраний",
      "Охват детей", "Освещение в СМИ (наименование СМИ, дата размещения)", "Другие"]
KEYS = ["region", "school_assemblies", "class_hours", "contests", "meetings", "debates",
        "parent_meetings", "children_reached", "media_coverage", "other"]
MEDIA = RU[8]


def row(region: str, counts: Sequence[object] = (1, 2, 3, 4, 5, 6, 7), media: str = "",
        other: str = "") -> list[object]:
    return [region, *counts, media, other]


def write_csv(path: Path, rows: Sequence[Sequence[object]], delimiter: str = ";",
              bom: bool = True) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]],
               title: Sequence[str] = ()) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet: Any = workbook.active
    for line in title:
        sheet.append([line])
    for values in rows:
        sheet.append(list(values))
    workbook.save(path)
    return path


def _region(show: dict[str, Any], unit: str) -> dict[str, Any]:
    return next(r for r in show["regions"] if r["unit"] == unit)


RECEIVING = ("received_at", "late", "received_by", "received_via")


def _data(show: dict[str, Any]) -> dict[str, Any]:
    """A `report show --json` without the receiving times (and the late flags they make)."""
    return {"regions": [{k: v for k, v in r.items() if k not in RECEIVING}
                        for r in show["regions"]],
            "totals": show["totals"]}


def test_import_csv_with_russian_headers(tracker: Tracker, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "report.csv", [
        RU,
        row("Актюбинская область", (310, 1250, 40, 87, 12, 96, "54 000"),
            "Хабар, 12.04.2017; Ақтөбе, газет, 2017-04-13, https://aktobe.kz/a?x=1",
            "Круглый стол"),
        ["", "", "", "", "", "", "", "", "", ""],
        row("город Астана", (1, 0, "", 0, 0, 0, 500)),
        row("Итого", (311, 1250, 40, 87, 12, 96, 54500), "3"),
    ])
    result = tracker.ok("report", "import", str(file), "--by", "clerk",
                        now="2017-04-24T10:00+06:00", lang="en")
    assert "imported 2 region(s): aktobe, astana" in result.stdout
    show = tracker.json("report", "show", now="2017-04-24T10:00+06:00")
    assert _region(show, "aktobe") == {
        "unit": "aktobe", "received_at": "2017-04-24T04:00:00Z", "late": False,
        "school_assemblies": 310, "class_hours": 1250, "contests": 40, "meetings": 87,
        "debates": 12, "parent_meetings": 96, "children_reached": 54000,
        "media_coverage": [
            {"outlet": "Хабар", "date": "2017-04-12", "url": None},
            {"outlet": "Ақтөбе, газет", "date": "2017-04-13", "url": "https://aktobe.kz/a?x=1"}],
        "other": "Круглый стол", "received_by": "clerk", "received_via": "import"}
    assert _region(show, "astana")["children_reached"] == 500
    assert _region(show, "astana")["contests"] == 0  # a blank count is none
    assert show["totals"]["children_reached"] == 54500
    assert show["totals"]["media_coverage"] == 2
    assert _region(show, "akmola")["received_at"] is None


def test_import_csv_with_keys_comma_and_other_spellings(tracker: Tracker,
                                                        tmp_path: Path) -> None:
    file = write_csv(tmp_path / "keys.csv", [
        KEYS,
        row("Ақтөбе облысы", media="Хабар, 2017-04-12"),
        row("astana", (0, 0, 0, 0, 0, 0, 10), other="Флешмоб, акция «Қауіпсіз интернет»"),
        row("  ГОРОД  алматы ", (5, 5, 5, 5, 5, 5, 5)),
    ], delimiter=",", bom=False)
    result = tracker.ok("report", "import", str(file), now="2017-04-26T10:00+06:00",
                        lang="en")
    assert "late: aktobe, astana, almaty" in result.stdout
    show = tracker.json("report", "show", now="2017-04-26T10:00+06:00")
    assert _region(show, "aktobe")["school_assemblies"] == 1
    assert _region(show, "aktobe")["late"] is True
    assert _region(show, "astana")["other"] == "Флешмоб, акция «Қауіпсіз интернет»"
    assert _region(show, "almaty")["meetings"] == 5


def test_import_xlsx_laid_out_like_the_form(tracker: Tracker, tmp_path: Path) -> None:
    header = ["Наименование области", "Кол-во общешкольных линеек", "Кол-во \nклассных часов",
              "Кол-во конкурсов\n(конкурсы плакатов, буклетов, творческих работ, сочинений, "
              "флеш-моб, акции)", "Кол-во \nвстреч", "Кол-во дебатов",
              "Кол-во родительских собраний ", "Охват детей",
              "Освещение в СМИ \n(наименование СМИ, дата размещения)", "Другие"]
    file = write_xlsx(tmp_path / "report.xlsx", [
        header,
        row("Западно-Казахстанская область", (10, 20.0, 30, 40, 50, 60, 7000),
            "Приуралье, 11.04.2017\nОрал өңірі, 12.04.2017, http://oral.kz/1\n", "—"),
        row("Маңғыстау облысы", (1, 1, 1, 1, 1, 1, 1)),
        row("Барлығы", (11, 21, 31, 41, 51, 61, 7001)),
    ], title=["Отчет до 25 апреля 2017 г",
              "Итоги информационной кампании «Безопасный интернет»", ""])
    tracker.ok("report", "import", str(file))
    show = tracker.json("report", "show")
    west = _region(show, "west_kazakhstan")
    assert (west["class_hours"], west["children_reached"], west["other"]) == (20, 7000, "—")
    assert west["media_coverage"] == [
        {"outlet": "Приуралье", "date": "2017-04-11", "url": None},
        {"outlet": "Орал өңірі", "date": "2017-04-12", "url": "http://oral.kz/1"}]
    assert _region(show, "mangystau")["debates"] == 1
    assert show["totals"]["school_assemblies"] == 11


def test_import_replaces_the_regions_in_the_file_only(tracker: Tracker,
                                                      tmp_path: Path) -> None:
    tracker.ok("report", "set", "aktobe", "--meetings", "5", "--other", "old")
    tracker.ok("report", "media", "add", "aktobe", "--outlet", "Old", "--date", "2017-04-10")
    tracker.ok("report", "set", "astana", "--meetings", "9")
    tracker.ok("report", "media", "add", "astana", "--outlet", "Astana TV",
               "--date", "2017-04-10")
    file = write_csv(tmp_path / "aktobe.csv", [
        RU, row("aktobe", (0, 0, 0, 1, 0, 0, 0), "New, 14.04.2017")])
    tracker.ok("report", "import", str(file))
    show = tracker.json("report", "show")
    aktobe = _region(show, "aktobe")
    assert (aktobe["meetings"], aktobe["other"]) == (1, "")
    assert aktobe["media_coverage"] == [{"outlet": "New", "date": "2017-04-14", "url": None}]
    astana = _region(show, "astana")
    assert astana["meetings"] == 9 and astana["received_at"] is None
    assert [m["outlet"] for m in astana["media_coverage"]] == ["Astana TV"]


def _fill(tracker: Tracker) -> None:
    tracker.ok("report", "set", "aktobe", "--school-assemblies", "310", "--class-hours",
               "1250", "--contests", "40", "--meetings", "87", "--debates", "12",
               "--parent-meetings", "96", "--children-reached", "54000",
               "--other", "Круглый стол; родители\nи учителя")
    tracker.ok("report", "media", "add", "aktobe", "--outlet", "Ақтөбе, газет",
               "--date", "2017-04-12", "--url", "https://aktobe.kz/news?id=5&p=1")
    tracker.ok("report", "media", "add", "aktobe", "--outlet", "Хабар", "--date", "2017-04-11")
    tracker.ok("report", "set", "astana", "--children-reached", "0")
    tracker.ok("report", "set", "almaty", "--meetings", "3")
    tracker.ok("report", "media", "add", "almaty", "--outlet", "Алматы", "--date", "2017-04-20")
    tracker.ok("report", "submit", "aktobe", now="2017-04-25T23:30+05:00")
    tracker.ok("report", "submit", "astana", now="2017-04-26T00:30+06:00")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_data(tracker: Tracker, tmp_path: Path,
                                                suffix: str) -> None:
    _fill(tracker)
    expected = tracker.json("report", "show")
    file = tmp_path / f"itogi.{suffix}"
    assert "wrote" in tracker.ok("report", "export", str(file), lang="en").stdout
    # change everything the file holds, then import it back
    tracker.ok("report", "set", "aktobe", "--meetings", "1", "--other", "changed")
    for entry in tracker.json("report", "media", "list"):
        tracker.ok("report", "media", "remove", str(entry["id"]))
    tracker.ok("report", "media", "add", "astana", "--outlet", "Extra", "--date", "2017-04-15")
    tracker.ok("report", "import", str(file), now="2017-04-27T09:00+06:00")
    after = tracker.json("report", "show", now="2017-04-27T09:00+06:00")
    assert _data(after) == _data(expected)
    # first receiving times are kept; a region entered but not yet received is received now
    assert _region(after, "aktobe")["received_at"] == "2017-04-25T18:30:00Z"
    assert _region(after, "almaty")["received_at"] == "2017-04-27T03:00:00Z"
    # regions without any figures stay not received
    assert _region(after, "akmola")["received_at"] is None


def test_exported_workbook_looks_like_the_form(tracker: Tracker, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _fill(tracker)
    file = tmp_path / "itogi.xlsx"
    tracker.ok("report", "export", str(file))
    sheet = load_workbook(file).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Отчет до 25 апреля 2017 г"
    assert rows[1][0] == "Итоги информационной кампании «Безопасный интернет»"
    assert list(rows[3]) == RU
    assert sheet.cell(row=4, column=1).font.b is True
    assert sheet.freeze_panes == "B5"
    # set up to print as the form is printed (tests/test_printing.py prints it)
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape", 9, 1, 0)  # 9: A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$4:$4"  # the header row on every page
    names = [r[0] for r in rows[4:20]]
    assert names[0] == "Акмолинская область" and names[14] == "город Астана"
    assert rows[5][1:8] == (310, 1250, 40, 87, 12, 96, 54000)
    assert rows[5][8] == ("Хабар, 11.04.2017\n"
                          "Ақтөбе, газет, 12.04.2017, https://aktobe.kz/news?id=5&p=1")
    assert sheet.cell(row=6, column=9).alignment.wrap_text is True
    assert rows[4][1:] == (None,) * 9  # nothing entered for Akmola: a blank row
    assert rows[20][0] == "Итого" and rows[20][1:9] == (310, 1250, 40, 90, 12, 96, 54000, 3)
    assert len(rows) == 21


def test_exported_csv_is_a_plain_table(tracker: Tracker, tmp_path: Path) -> None:
    _fill(tracker)
    file = tmp_path / "itogi.csv"
    tracker.ok("report", "export", str(file), "--delimiter", ",")
    with file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == RU
    assert len(rows) == 18 and rows[-1][0] == "Итого"
    assert rows[2][0] == "Актюбинская область"
    assert rows[2][8] == ("Хабар, 11.04.2017; "
                          "Ақтөбе, газет, 12.04.2017, https://aktobe.kz/news?id=5&p=1")


GOOD = row("Актюбинская область")
BAD_ROWS = [
    ("unknown region", [RU, GOOD, row("Нарния")],
     "row 3, column «Наименование области»: 'Нарния' is not a region of the plan"),
    ("duplicate region", [RU, GOOD, row("город Астана"), row("aktobe")],
     "row 4, column «Наименование области»: 'aktobe' appears twice (also row 2)"),
    ("negative count", [RU, GOOD, row("astana", (1, 2, 3, -4, 5, 6, 7))],
     "row 3, column «Кол-во встреч»: '-4' is negative"),
    ("text in a count", [RU, row("astana", (1, 2, 3, "abc", 5, 6, 7)), GOOD],
     "row 2, column «Кол-во встреч»: 'abc' is not a whole number"),
    ("fraction", [RU, GOOD, row("astana", (1, 2, 3, 4, 5, 6, 7.5))],
     "row 3, column «Охват детей»: '7.5' is not a whole number"),
    ("bad date", [RU, GOOD, row("astana", media="Хабар, 12.04.2017; Ел, 31.04.2017")],
     f"row 3, column «{MEDIA}»: '31.04.2017' is not a valid date"),
    ("entry without a date", [RU, GOOD, row("astana", media="Хабар")],
     f"row 3, column «{MEDIA}»: 'Хабар' is not «outlet, date»"),
    ("bad url", [RU, GOOD, row("astana", media="Хабар, 12.04.2017, www.khabar.kz")],
     f"row 3, column «{MEDIA}»: 'www.khabar.kz' is not an http(s) URL"),
    ("unknown column", [[*RU, "Примечание"], [*GOOD, ""]],
     "row 1, column «Примечание»: unknown column"),
    ("missing column", [RU[:-1], GOOD[:-1]], "row 1: missing column(s) «Другие»"),
    ("value under no column", [RU, [*GOOD, "", "лишнее"]],
     "row 2, column L (no header): 'лишнее' stands under no column"),
]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize(("rows", "message"), [b[1:] for b in BAD_ROWS],
                         ids=[b[0] for b in BAD_ROWS])
def test_bad_row_rejects_the_whole_file(tracker: Tracker, tmp_path: Path, suffix: str,
                                        rows: list[list[object]], message: str) -> None:
    tracker.ok("report", "set", "aktobe", "--meetings", "5")
    tracker.ok("report", "media", "add", "aktobe", "--outlet", "Хабар", "--date", "2017-04-12")
    path = tmp_path / f"report.{suffix}"
    file = write_csv(path, rows) if suffix == "csv" else write_xlsx(path, rows)
    before = dump_database(tracker.url)
    result = tracker("report", "import", str(file), lang="en")
    assert result.exit_code == 2, result.output
    assert f"{file}: {message}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert dump_database(tracker.url) == before


def test_row_numbers_count_the_title_rows_of_a_workbook(tracker: Tracker,
                                                        tmp_path: Path) -> None:
    file = write_xlsx(tmp_path / "report.xlsx", [RU, GOOD, row("astana", (1, 2, "x"))],
                      title=["Отчет до 25 апреля 2017 г", "Итоги", ""])
    result = tracker("report", "import", str(file), lang="en")
    assert result.exit_code == 2
    assert f"{file}: row 6, column «{RU[3]}»: 'x' is not a whole number" in result.stderr


@pytest.mark.parametrize(("name", "content", "message"), [
    ("report.txt", b"x", "not a .csv or .xlsx file"),
    ("missing.csv", None, "file not found"),
    ("broken.xlsx", b"not a zip", "cannot read it as an Excel .xlsx workbook"),
    ("latin1.csv", "Наименование".encode("cp1251"), "not UTF-8 text"),
    ("no_header.csv", b"a;b\n1;2\n", "no header row"),
    ("empty_rows.csv", (";".join(RU) + "\nаktobe_blank;;;;;;;;;\n").encode(),
     "is not a region of the plan"),
    ("only_totals.csv", (";".join(RU) + "\nИтого;1;2;3;4;5;6;7;;\n").encode(),
     "no region row has any figures"),
])
def test_unreadable_files_are_refused(tracker: Tracker, tmp_path: Path, name: str,
                                      content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = dump_database(tracker.url)
    result = tracker("report", "import", str(path), lang="en")
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert dump_database(tracker.url) == before


def test_a_count_too_large_for_the_database_is_refused(tracker: Tracker, tmp_path: Path) -> None:
    """Found by hypothesis: 2,147,483,648 overflowed PostgreSQL's integer column."""
    before = dump_database(tracker.url)
    result = tracker("report", "set", "aktobe", "--class-hours", "2147483648")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    from tracker.reports.fields import CellError, parse_count

    with pytest.raises(CellError, match="too large"):
        parse_count(2147483648.0)
    assert dump_database(tracker.url) == before
