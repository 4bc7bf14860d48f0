"""The results form's columns are the plan's: a plan with another column works with no code change.

The plan below is the bundled plan.yaml with two more columns in its `results_form`: a count
(«Кол-во онлайн-уроков», between the counts and the media list) and a text («Партнеры», last).
Every path a figure takes is run on it, on SQLite and PostgreSQL: `report set`, `report show`,
the export and import of both file formats, the digest and the final report.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, Tracker, dump_database, tracker_with_plan

PLAN = (REPO / "plan.yaml").read_text(encoding="utf-8")
ONLINE = '''    - key: online_lessons
      kind: count
      header: "Кол-во онлайн-уроков"
      short: {kk: "Онлайн", ru: "Онлайн", en: "Online"}
      label: {kk: "Онлайн сабақтар", ru: "Онлайн-уроки", en: "Online lessons"}
      report: {kk: "Онлайн сабақтар саны", ru: "Количество онлайн-уроков", en: "Online lessons"}
'''
PARTNERS = '''    - key: partners
      kind: text
      header: "Партнеры"
      short: {kk: "Серіктестер", ru: "Партнеры", en: "Partners"}
      label: {kk: "Серіктестер", ru: "Партнеры", en: "Partners"}
      report: {kk: "Іс-шаралардың серіктестері", ru: "Партнеры мероприятий", en: "Partners"}
'''
COUNTS = ["school_assemblies", "class_hours", "contests", "meetings", "debates",
          "parent_meetings", "children_reached", "online_lessons"]
COLUMNS = [*COUNTS, "media_coverage", "other", "partners"]
HEADERS = ["Наименование области", "Кол-во общешкольных линеек", "Кол-во классных часов",
           "Кол-во конкурсов (конкурсы плакатов, буклетов, творческих работ, сочинений, "
           "флеш-моб, акции)", "Кол-во встреч", "Кол-во дебатов",
           "Кол-во родительских собраний", "Охват детей", "Кол-во онлайн-уроков",
           "Освещение в СМИ (наименование СМИ, дата размещения)", "Другие", "Партнеры"]
NOW = "2017-04-28T10:00:00+06:00"


def extra_plan_text() -> str:
    media = "    - key: media_coverage\n"
    assert PLAN.count(media) == 1 and PLAN.count("\nsections:\n") == 1
    text = PLAN.replace(media, ONLINE + media)
    return text.replace("\nsections:\n", PARTNERS + "\nsections:\n")


@pytest.fixture
def extra(db_url: str, tmp_path: Path) -> Tracker:
    """A database on each backend with the plan of the extra columns loaded."""
    return tracker_with_plan(db_url, tmp_path / "plan.yaml", extra_plan_text())


def _region(show: dict[str, Any], unit: str) -> dict[str, Any]:
    return next(r for r in show["regions"] if r["unit"] == unit)


def _fill(tracker: Tracker) -> None:
    tracker.ok("report", "set", "aktobe", "--online-lessons", "7", "--meetings", "3",
               "--partners", "ЮНИСЕФ; «Ана мен бала»")
    tracker.ok("report", "set", "astana", "--online-lessons", "5", "--other", "Флешмоб")
    tracker.ok("report", "media", "add", "aktobe", "--outlet", "Хабар", "--date", "2017-04-12")
    tracker.ok("report", "submit", "aktobe", now="2017-04-25T12:00+05:00")


def test_report_set_and_show_carry_the_extra_columns(extra: Tracker) -> None:
    entered = extra.ok("report", "set", "aktobe", "--partners", "ЮНИСЕФ", "--online-lessons", "7",
                       "--meetings", "3", lang="en")
    assert entered.stdout == "aktobe: set meetings 3, online_lessons 7, partners 'ЮНИСЕФ'\n"
    extra.ok("report", "set", "astana", "--online-lessons", "5")
    extra.ok("report", "set", "aktobe", "--online-lessons", "8")  # the others stay as they are
    show = extra.json("report", "show")
    aktobe = _region(show, "aktobe")
    assert list(aktobe) == ["unit", "received_at", "late", *COLUMNS, "received_by",
                            "received_via"]
    assert (aktobe["online_lessons"], aktobe["meetings"], aktobe["partners"]) == (8, 3, "ЮНИСЕФ")
    assert _region(show, "akmola")["online_lessons"] == 0
    assert _region(show, "akmola")["partners"] == ""
    assert list(show["totals"]) == [*COUNTS, "media_coverage"]
    assert show["totals"]["online_lessons"] == 13 and show["totals"]["meetings"] == 3
    table = extra.ok("report", "show", lang="ru").stdout.splitlines()
    assert table[0].split()[-3:] == ["Онлайн", "СМИ", "Получен"]
    assert table[-4].split()[0] == "Итого" and table[-4].split()[-3:] == ["13", "0", "0/16"]

    usage = extra.ok("report", "set", "--help").stdout
    assert "--online-lessons INTEGER RANGE" in usage and "Кол-во онлайн-уроков." in usage
    assert "--partners TEXT" in usage and "Партнеры." in usage
    before = dump_database(extra.url)
    for args, message in ((["--online-lessons", "-1"], "-1 is not in the range"),
                          (["--media-coverage", "1"], "No such option '--media-coverage'"),
                          ([], "nothing to set: give at least one of --school-assemblies, "
                               "--class-hours, --contests, --meetings, --debates, "
                               "--parent-meetings, --children-reached, --online-lessons, "
                               "--other, --partners")):
        result = extra("report", "set", "aktobe", *args, lang="en")
        assert result.exit_code == 2 and message in result.stderr, result.output
        assert len(result.stderr.strip().splitlines()) == 1
    assert dump_database(extra.url) == before


def test_the_bundled_plan_has_no_such_option(tracker: Tracker) -> None:
    result = tracker("report", "set", "aktobe", "--online-lessons", "7")
    assert result.exit_code == 2
    assert "No such option '--online-lessons'" in result.stderr
    assert "--online-lessons" not in tracker.ok("report", "set", "--help").stdout


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_and_import_carry_the_extra_columns(extra: Tracker, tmp_path: Path,
                                                   suffix: str) -> None:
    _fill(extra)
    expected = extra.json("report", "show")
    file = tmp_path / f"itogi.{suffix}"
    extra.ok("report", "export", str(file))
    if suffix == "csv":
        with file.open(encoding="utf-8-sig", newline="") as handle:
            rows: list[list[Any]] = list(csv.reader(handle, delimiter=";"))
        header, aktobe, astana, total = rows[0], rows[2], rows[15], rows[-1]
        assert aktobe[8:] == ["7", "Хабар, 12.04.2017", "", "ЮНИСЕФ; «Ана мен бала»"]
        assert astana[8:] == ["5", "", "Флешмоб", ""]
        assert total[0] == "Итого" and total[8:] == ["12", "1", "", ""]
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(file).active
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        header, aktobe, total = values[3], values[5], values[-1]
        assert aktobe[8:] == [7, "Хабар, 12.04.2017", None, "ЮНИСЕФ; «Ана мен бала»"]
        assert total[0] == "Итого" and total[8:] == [12, 1, None, None]
        widths = [sheet.column_dimensions[letter].width for letter in "ADIJKL"]
        # the plan's width for «конкурсов», the kinds' widths, the region column as wide as
        # «Восточно-Казахстанская» and «онлайн-уроков» widening its count column
        assert widths == [28.2, 24, 16.7, 40, 26, 26]
        assert {r.coord for r in sheet.merged_cells.ranges} == {"A1:L1", "A2:L2"}
    assert header == HEADERS
    # change what the file holds, then import it back: the file's figures return
    extra.ok("report", "set", "aktobe", "--online-lessons", "1", "--partners", "changed")
    extra.ok("report", "set", "astana", "--online-lessons", "0")
    extra.ok("report", "import", str(file), now="2017-04-27T09:00+06:00")
    after = extra.json("report", "show")
    assert after["totals"] == expected["totals"] and after["totals"]["online_lessons"] == 12
    for unit in ("aktobe", "astana", "akmola"):  # as entered; astana is received by the import
        assert ({k: v for k, v in _region(after, unit).items() if k not in ("received_at", "late")}
                == {k: v for k, v in _region(expected, unit).items()
                    if k not in ("received_at", "late")})


def test_import_matches_the_extra_headers_and_names_them(extra: Tracker, tmp_path: Path) -> None:
    file = tmp_path / "form.csv"
    with file.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(["region", *COLUMNS[:7], "Кол-во  онлайн-\nуроков", *COLUMNS[8:]])
        out.writerow(["Актюбинская область", 1, 2, 3, 4, 5, 6, 7, 42, "", "", "Акимат"])
    extra.ok("report", "import", str(file))
    aktobe = _region(extra.json("report", "show"), "aktobe")
    assert (aktobe["online_lessons"], aktobe["partners"], aktobe["children_reached"]) == (
        42, "Акимат", 7)

    with file.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(HEADERS[:8] + HEADERS[9:])
        out.writerow(["Актюбинская область", 1, 2, 3, 4, 5, 6, 7, "", "", ""])
    result = extra("report", "import", str(file), lang="en")
    assert result.exit_code == 2
    assert "row 1: missing column(s) «Кол-во онлайн-уроков»" in result.stderr

    with file.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(HEADERS)
        out.writerow(["Актюбинская область", 1, 2, 3, 4, 5, 6, 7, "много", "", "", ""])
    result = extra("report", "import", str(file), lang="en")
    assert result.exit_code == 2
    assert "row 2, column «Кол-во онлайн-уроков»: 'много' is not a whole number" in result.stderr


def test_digest_totals_the_extra_count(extra: Tracker, tmp_path: Path) -> None:
    _fill(extra)
    digest = extra.json("digest", now=NOW)
    assert list(digest["totals"]) == [*COUNTS, "media_coverage"]
    assert digest["totals"]["online_lessons"] == 12 and digest["totals"]["media_coverage"] == 1
    page = tmp_path / "digest.html"
    extra.ok("digest", "--format", "html", "--output", str(page), now=NOW)
    html = page.read_text(encoding="utf-8")
    totals = html[html.index('id="totals"'):]
    totals = totals[:totals.index("</table>")]
    assert "<td>Онлайн сабақтар / Онлайн-уроки</td><td><b>12</b></td>" in totals
    assert "<td>Жалпы мектептік саптүзеулер / Общешкольные линейки</td><td><b>0</b></td>" in totals
    text = extra.ok("digest", now=NOW, lang="ru").stdout
    assert "Онлайн 12" in text and "Встречи 3" in text


def test_final_report_states_the_extra_columns(extra: Tracker, tmp_path: Path) -> None:
    _fill(extra)
    ru, kk = tmp_path / "final_ru.md", tmp_path / "final_kk.md"
    extra.ok("final-report", str(ru), "--lang", "ru", now=NOW)
    extra.ok("final-report", str(kk), "--lang", "kk", now=NOW)
    text = ru.read_text(encoding="utf-8")
    assert "| Количество онлайн-уроков | 12 |" in text
    regions = [line for line in text.splitlines() if line.startswith("| Регион |")]
    assert regions and regions[0].split("|")[9].strip() == "Онлайн"
    aktobe = next(line for line in text.splitlines() if line.startswith("| Актюбинская"))
    assert aktobe.split("|")[9].strip() == "7"
    assert "**Партнеры мероприятий:**" in text
    assert "ЮНИСЕФ; «Ана мен бала»" in text
    assert "**Другие мероприятия (по данным регионов):**" in text
    kazakh = kk.read_text(encoding="utf-8")
    assert "| Онлайн сабақтар саны | 12 |" in kazakh
    assert "**Іс-шаралардың серіктестері:**" in kazakh

    from docx import Document as open_docx

    docx = tmp_path / "final.docx"
    extra.ok("final-report", str(docx), "--lang", "ru", now=NOW)
    rows = [[cell.text for cell in row.cells] for table in open_docx(str(docx)).tables
            for row in table.rows]
    assert ["Количество онлайн-уроков", "12"] in rows


def test_a_plan_stored_before_the_form_was_declared_reads_the_bundled_form() -> None:
    from tracker.plan.codec import plan_from_dict, plan_to_dict
    from tracker.plan.loader import load_plan, plan_from_text

    bundled = load_plan(REPO / "plan.yaml")
    stored = plan_to_dict(bundled)
    del stored["results_form"]
    assert plan_from_dict(json.loads(json.dumps(stored))).results_form == bundled.results_form
    extended = plan_from_text(extra_plan_text())
    assert plan_from_dict(plan_to_dict(extended)) == extended
    assert [c.key for c in extended.results_form.columns] == COLUMNS


def test_report_set_help_needs_no_database(tmp_path: Path) -> None:
    """Before `tracker init` the options are the bundled plan's, and the command says what to
    do; it leaves no database file behind."""
    tracker = Tracker(f"sqlite:///{tmp_path / 'none.db'}")
    assert "--children-reached INTEGER RANGE" in tracker.ok("report", "set", "--help").stdout
    result = tracker("report", "set", "aktobe", "--meetings", "1", lang="en")
    assert result.exit_code == 1 and "run `tracker init` first" in result.stderr
    assert not (tmp_path / "none.db").exists()


def _broken_forms() -> list[tuple[str, str, str, str]]:
    """(case, plan text, the text of the line named, expected message part)."""
    def swap(old: str, new: str, after: str = "results_form:") -> str:
        start = PLAN.index(after)
        at = PLAN.index(old, start)
        return PLAN[:at] + new + PLAN[at + len(old):]

    kind = "      kind: count\n      header: \"Кол-во дебатов\""
    cases = [
        ("unknown kind", swap(kind, kind.replace("count", "tally")), "kind: tally",
         "results_form column debates: kind must be one of count, media, text, got 'tally'"),
        ("duplicate key", swap("- key: class_hours", "- key: school_assemblies  # again"),
         "- key: school_assemblies  # again",
         "results_form column 'school_assemblies' listed twice (first at line"),
        ("reserved key", swap("- key: debates", "- key: late"), "- key: late",
         "the key 'late' is reserved"),
        ("same header twice", swap('header: "Кол-во встреч"', 'header: "КОЛ-ВО  дебатов"',
                                   "- key: meetings"),
         'header: "Кол-во дебатов"',
         "results_form column debates: header 'Кол-во дебатов' would match column meetings"),
        ("header of the region column", swap('header: "Охват детей"',
                                             'header: "наименование  области"'),
         'header: "наименование  области"', "would match the region column too"),
        ("no media column", swap("kind: media ", "kind: count "), "columns:",
         "results_form: no column of kind media"),
        ("two media columns", swap(kind, kind.replace("count", "media")), "kind: media ",
         "results_form column media_coverage: a second column of kind media"),
        ("hint on the media list", swap("kind: media ", "hint: x\n      kind: media "),
         "hint: x", "a media column has no `report set` option"),
        ("misspelt field", swap('      label: {kk: "Кездесулер"', '      lable: {kk: "Кездесулер"'),
         "lable:", "results_form column meetings: unknown field 'lable'"),
        ("missing Russian label", swap('ru: "Общешкольные линейки", ', ""), "label: {kk",
         "results_form column school_assemblies: missing Russian label (label.ru)"),
        ("too narrow", swap("width: 24", "width: 2"), "width: 2",
         "results_form column contests: 'width' must be at least 4, got 2"),
        ("no columns", PLAN[:PLAN.index("  columns:")] + "  columns: []\n\n"
         + PLAN[PLAN.index("sections:\n"):], "columns: []", "'columns' lists nothing"),
        ("no form", PLAN[:PLAN.index("results_form:")] + PLAN[PLAN.index("sections:\n"):],
         "", "missing field 'results_form'"),
    ]
    return cases


@pytest.mark.parametrize(("case", "text", "needle", "message"), _broken_forms(),
                         ids=[c[0] for c in _broken_forms()])
def test_a_broken_form_is_named_by_file_line_and_field(tmp_path: Path, case: str, text: str,
                                                       needle: str, message: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    result = Tracker(f"sqlite:///{tmp_path / 'x.db'}")("plan", "check", str(path), lang="en")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert message in lines[0]
    if needle:
        line = next(n for n, text_line in enumerate(text.splitlines(), start=1)
                    if needle in text_line and n > text.count("\n", 0, text.index("results_form:")))
        assert f"{path}:{line}: " in lines[0], (line, lines[0])


def test_concurrent_entries_of_different_columns_both_count(tracker: Tracker) -> None:
    """Each column of a region is its own row: a command entering one column while another
    enters a second (of the same region, not yet recorded at all) undoes neither."""
    import threading
    from datetime import UTC, datetime

    from tracker.reports.store import load_reports, set_fields
    from tracker.store.database import Database, resolve_url

    now = datetime(2017, 4, 24, 6, 0, tzinfo=UTC)
    first, second = Database(resolve_url(tracker.url)), Database(resolve_url(tracker.url))
    try:
        plan = first.plan()
        failures: list[BaseException] = []

        def enter_debates() -> None:
            try:
                with second.writing() as conn:
                    set_fields(conn, plan, "kostanay", {"debates": 2, "other": "B"}, now)
            except BaseException as exc:  # reported below, in the test's thread
                failures.append(exc)

        with first.writing() as conn:
            set_fields(conn, plan, "kostanay", {"meetings": 1, "class_hours": 3}, now)
            other = threading.Thread(target=enter_debates)
            other.start()
            other.join(0.5)  # it waits for this transaction's row (PostgreSQL) or lock (SQLite)
        other.join(30)
        assert not failures and not other.is_alive()
        with first.reading() as conn:
            kostanay = next(r for r in load_reports(conn, plan) if r.unit == "kostanay")
    finally:
        first.dispose()
        second.dispose()
    assert dict(kostanay.counts) == {"meetings": 1, "class_hours": 3, "debates": 2}
    assert kostanay.text("other") == "B" and kostanay.entered and not kostanay.received
