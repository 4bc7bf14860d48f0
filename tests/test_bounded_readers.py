"""Every reader is bounded, and nothing is misread: tiny hostile files are refused in one line.

A few hundred bytes of YAML aliases, or a 5 KB workbook with one cell at A1048576, once made the
tool build billions of values (gigabytes, minutes, then MemoryError).  Each input here would take
far more than ten seconds or 500 MB without the limits; pytest-timeout ends a test that runs away,
so these tests finishing at all is the bound checked.  Each refusal is exit 2 with one `error:`
line naming the file and the limit, the database unchanged (every row compared).

Misreads: a formula a script saved without its result read as 0, and a count cell `1⏎2` read as
12; both are refused naming row and column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import example, given
from hypothesis import strategies as st

from tests.conftest import REPO, Tracker, dump_database
from tests.test_properties import FORM_HEADER, SETTINGS, _invoke, assert_clean
from tests.test_properties import loaded as loaded  # the fixture: a database with something to lose
from tracker.plan import yamlsource
from tracker.plan.resultsform import bundled_results_form
from tracker.reports import importer

FORM_KEYS = [column.key for column in bundled_results_form().columns]

pytestmark = pytest.mark.timeout(300)

# The 307-byte bomb of the report: nine lists of nine aliases, 9**8 values once expanded.
ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n'
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n'
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n'
    'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n'
    'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n'
)


def refused(result: Result, url: str | None, before: Any, *words: str) -> str:
    """Exit 2, one `error:` line holding every word, no traceback, the database unchanged."""
    if url is not None:
        assert_clean(result, url, before)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception, result.output)
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    # the error prefix in the language asked for (Kazakh by default)
    assert len(lines) == 1 and lines[0].startswith(("қате: ", "ошибка: ", "error: ")), (
        result.stderr)
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


# -- YAML: plan and contacts files ----------------------------------------------------------

def test_the_alias_bomb_is_307_bytes() -> None:
    assert len(ALIAS_BOMB.encode()) == 307


@pytest.mark.parametrize("command", [("plan", "check"), ("plan", "load"), ("contacts", "check"),
                                     ("contacts", "load")])
def test_an_alias_bomb_is_refused_by_every_command_that_reads_yaml(
        tracker: Tracker, tmp_path: Path, command: tuple[str, str]) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    before = dump_database(tracker.url)
    line = refused(tracker(*command, str(path), lang="en"), tracker.url, before,
                   "bomb.yaml:6:", f"{yamlsource.MAX_YAML_ALIAS_NODES:,}")
    assert "alias" in line


def test_init_with_an_alias_bomb_leaves_the_database_as_it_was(db_url: str,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    before = dump_database(db_url)
    refused(Tracker(db_url)("init", "--plan", str(path)), db_url, before, "bomb.yaml:6:")


def _many_values(count: int) -> str:
    return "x: [" + ",".join(["1"] * count) + "]\n"


# Inputs each of which builds gigabytes, recurses without end, or reads for minutes unbounded.
HOSTILE_YAML = {
    "recursive alias": ("a: &x [*x]\n", "nested deeper"),
    "recursive mapping": ("a: &x {b: *x}\n", "nested deeper"),
    "recursive merge": ("a: &x {<<: *x}\n", "nested deeper"),
    "deep nesting": ("[" * 900 + "]" * 900 + "\n", "nested deeper"),
    "deeper than libyaml allows": ("[" * 5000 + "]" * 5000 + "\n", "nested deeper"),
    "merge bomb": ("a: &a {" + ", ".join(f"k{n}: {n}" for n in range(1000)) + "}\n" +
                   "b: {<<: [" + ", ".join(["*a"] * 100_000) + "]}\n", "merge keys"),
    "too many values": (_many_values(yamlsource.MAX_YAML_NODES + 1), "values in one file"),
    "too large": ("x: '" + "a" * yamlsource.MAX_YAML_BYTES + "'\n", "bytes"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_YAML))
def test_hostile_yaml_is_refused_in_one_line(name: str, tmp_path: Path) -> None:
    text, words = HOSTILE_YAML[name]
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    refused(_invoke("sqlite://", ["--lang", "en", "plan", "check", str(path)]), None, None,
            "plan.yaml", words)


def test_aliases_and_merge_keys_within_the_limits_still_read() -> None:
    text = ("base: &base {lang: ru, role: agency}\n"
            "bodies: &bodies [education, akimat]\n"
            "one: {<<: *base, unit: aktobe, bodies: *bodies}\n"
            "two: [*bodies, *bodies]\n")
    data = yamlsource.load_yaml_text(text, "x.yaml")
    assert data["one"] == {"lang": "ru", "role": "agency", "unit": "aktobe",
                           "bodies": ["education", "akimat"]}
    assert data["two"] == [["education", "akimat"]] * 2
    assert data.line_of("two") == 4


def test_a_plan_of_7500_schools_is_within_the_limits(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    try:
        from common import generated_plan  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(REPO / "bench"))
    path = generated_plan(7500, tmp_path / "plan.yaml")
    assert path.stat().st_size * 4 < yamlsource.MAX_YAML_BYTES
    assert len(yamlsource.load_yaml(path)["regions"]) == 7500


@st.composite
def alias_structure(draw: st.DrawFn) -> str:
    """Anchors that each refer to the previous ones, as lists, mappings or merges."""
    lines = ["v0: &v0 " + draw(st.sampled_from(["x", "[1, 2]", "{k: 1}", "''"]))]
    for n in range(1, draw(st.integers(1, 14))):
        refs = [f"*v{draw(st.integers(0, n - 1))}" for _ in range(draw(st.integers(1, 12)))]
        shape = draw(st.sampled_from(["list", "map", "merge", "nest"]))
        if shape == "list":
            body = f"[{', '.join(refs)}]"
        elif shape == "map":
            body = "{" + ", ".join(f"k{i}: {r}" for i, r in enumerate(refs)) + "}"
        elif shape == "merge":
            body = f"{{<<: [{', '.join(refs)}]}}"
        else:
            depth = draw(st.integers(1, 80))
            body = "[" * depth + refs[0] + "]" * depth
        lines.append(f"v{n}: &v{n} {body}")
    return "\n".join(lines) + "\n"


@given(text=alias_structure())
@example(text=ALIAS_BOMB)
@SETTINGS
def test_any_alias_structure_reads_or_is_refused_cleanly(loaded: Tracker, tmp_path: Path,
                                                         text: str) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(text, encoding="utf-8")
    before = dump_database(loaded.url)
    for command in ("check", "load"):
        result = _invoke(loaded.url, ["contacts", command, str(path)])
        assert_clean(result, loaded.url, before)
        assert result.exit_code == 2  # never a contacts file: refused, whatever the reason


@given(depth=st.integers(1, 3000), flow=st.booleans(), width=st.integers(1, 50_000))
@SETTINGS
def test_deep_or_large_documents_read_or_are_refused_cleanly(tmp_path: Path, depth: int,
                                                             flow: bool, width: int) -> None:
    if flow:
        text = "x: " + "[" * depth + ",".join(["1"] * width) + "]" * depth + "\n"
    else:
        text = "".join("  " * level + "-\n" for level in range(depth)) + "  " * depth + "- 1\n"
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    line = refused(_invoke("sqlite://", ["--lang", "en", "plan", "check", str(path)]), None, None,
                   "plan.yaml")
    if len(text) > yamlsource.MAX_YAML_BYTES:
        assert "larger than the limit" in line
    elif depth > yamlsource.MAX_YAML_DEPTH:
        assert "nested deeper" in line


# -- Report files: .xlsx and .csv ------------------------------------------------------------

def _workbook(path: Path, cells: dict[str, object], rows: list[list[object]] | None = None,
              uncached: bool = False) -> Path:
    """The form with astana's figures, plus `cells`; `uncached`: formulas saved as scripts do."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(FORM_HEADER)
    for row in rows if rows is not None else [["astana", 1, 2, 3, 4, 5, 6, 7]]:
        sheet.append(row)
    for coordinate, value in cells.items():
        sheet[coordinate] = value
    workbook.save(path)
    assert uncached or not any(str(v).startswith("=") for v in cells.values())
    return path


def _with_cached_results(path: Path, results: dict[str, str]) -> None:
    """Give formulas their saved results, as Excel does on saving (openpyxl cannot)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for coordinate, result in results.items():
        start = sheet.index(f'<c r="{coordinate}"')
        sheet = sheet[:start] + sheet[start:].replace("<v></v>", f"<v>{result}</v>", 1)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


@pytest.mark.parametrize(("coordinate", "words"), [
    ("A1048576", ("goes on past row",)),
    ("XFD200000", ("goes on past row",)),
    ("A300", ("row 300", "rows")),
    ("BZ2", ("row 2, column BZ", f"{importer.MAX_FORM_COLUMNS} columns")),
    ("XFD2", ("row 2, column XFD", "columns")),
])
def test_a_cell_beyond_the_form_is_refused(loaded: Tracker, tmp_path: Path, coordinate: str,
                                           words: tuple[str, ...]) -> None:
    path = _workbook(tmp_path / "form.xlsx", {coordinate: 1})
    assert path.stat().st_size < 6000
    before = dump_database(loaded.url)
    refused(loaded("report", "import", str(path), lang="en"), loaded.url, before, "form.xlsx",
            *words)


def test_a_formula_saved_without_its_result_is_refused(loaded: Tracker, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "form.xlsx", {"B2": "=2*3"}, uncached=True)
    before = dump_database(loaded.url)
    refused(loaded("report", "import", str(path), lang="en"), loaded.url, before,
            "row 2, column «" + FORM_HEADER[1] + "»", "=2*3", "without its result")


def test_a_formula_with_its_saved_result_reads_the_result(loaded: Tracker,
                                                          tmp_path: Path) -> None:
    rows = [["astana", 1, 2, 3, 4, 5, 6, 7], ["Итого", "=SUM(B2:B2)"]]
    path = _workbook(tmp_path / "form.xlsx", {"B2": "=2*3"}, rows=rows, uncached=True)
    _with_cached_results(path, {"B2": "6"})  # the totals row stays uncached: it is skipped
    loaded.ok("report", "import", str(path))
    astana = next(r for r in loaded.json("report", "show")["regions"] if r["unit"] == "astana")
    assert astana[FORM_KEYS[0]] == 6


def test_a_workbook_part_that_unpacks_too_far_is_refused(loaded: Tracker,
                                                         tmp_path: Path) -> None:
    path = _workbook(tmp_path / "form.xlsx", {})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b" " * (importer.MAX_XLSX_PART_BYTES + 1))
    assert path.stat().st_size < 50_000
    before = dump_database(loaded.url)
    refused(loaded("report", "import", str(path), lang="en"), loaded.url, before, "xl/padding.xml",
            f"{importer.MAX_XLSX_PART_BYTES:,} bytes")


def _csv(*rows: list[object]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


@pytest.mark.parametrize(("data", "words"), [
    (_csv(FORM_HEADER, ["astana", "1\r\n2", 2, 3, 4, 5, 6, 7]),
     ("row 2, column «" + FORM_HEADER[1] + "»", "not a whole number")),
    (_csv(FORM_HEADER, ["astana", 1, "3\n4", 3, 4, 5, 6, 7]), ("row 2, column «",)),
    (_csv(FORM_HEADER, ["astana", 1, "3\t4", 3, 4, 5, 6, 7]), ("row 2, column «",)),
    (_csv(FORM_HEADER, ["astana", 1, 2, 3, 4, 5, 6, 7, "", "x" * 40_000]),
     ("row 2, column J", f"{importer.MAX_CELL_CHARS:,} characters")),
    (_csv(FORM_HEADER, *[[""]] * 250, ["astana", 1]), ("row 252", "216 rows")),
    (_csv(FORM_HEADER, *[[""]] * 2000, ["astana", 1]), ("goes on past row 1,080",)),
    (_csv(FORM_HEADER, ["astana", 1, 2, 3, 4, 5, 6, 7], ["x"] * 70), ("row 3, column BR",)),
    (b"a" * (importer.MAX_FORM_BYTES + 1), (f"{importer.MAX_FORM_BYTES:,} bytes",)),
])
def test_a_csv_cell_or_file_that_cannot_be_read_for_certain_is_refused(
        loaded: Tracker, tmp_path: Path, data: bytes, words: tuple[str, ...]) -> None:
    path = tmp_path / "form.csv"
    path.write_bytes(data)
    before = dump_database(loaded.url)
    refused(loaded("report", "import", str(path), lang="en"), loaded.url, before, "form.csv",
            *words)


def test_thousands_separators_still_read() -> None:
    from tracker.reports.fields import parse_count

    assert [parse_count(v) for v in ("1 200", "1\u00a0200", "1\u202f200", " 7 ", "")] == \
        [1200, 1200, 1200, 7, 0]


LETTERS = st.integers(1, 16384)


@given(row=st.integers(1, 1_048_576), column=LETTERS,
       value=st.sampled_from([1, "x", "=2*3", "=A1", "1\n2", None]))
@example(row=1_048_576, column=1, value=1)
@example(row=200_000, column=16384, value=1)
@example(row=2, column=2, value="=2*3")
@SETTINGS
def test_any_sheet_dimension_or_formula_is_imported_or_refused_cleanly(
        loaded: Tracker, tmp_path: Path, row: int, column: int, value: object) -> None:
    from openpyxl.utils import get_column_letter

    path = _workbook(tmp_path / "form.xlsx", {f"{get_column_letter(column)}{row}": value},
                     uncached=True)
    before = dump_database(loaded.url)
    result = _invoke(loaded.url, ["--lang", "en", "report", "import", str(path)])
    assert_clean(result, loaded.url, before)
    limit = importer.MAX_FORM_ROWS + 16
    if value is not None and (row > limit or column > importer.MAX_FORM_COLUMNS):
        refused(result, loaded.url, before)
    if isinstance(value, str) and value.startswith("=") and row == 2 and 1 < column <= 8:
        refused(result, loaded.url, before, f"row {row}, column «", "without its result")


@given(cell=st.text(alphabet="0123456789 \r\n\t\u00a0,.-+x", min_size=1, max_size=8),
       at=st.integers(1, 7))
@example(cell="1\r\n2", at=1)
@SETTINGS
def test_any_multiline_or_odd_count_cell_is_refused_or_read_exactly(
        loaded: Tracker, tmp_path: Path, cell: str, at: int) -> None:
    figures: list[object] = ["astana", 1, 2, 3, 4, 5, 6, 7]
    figures[at] = cell
    path = tmp_path / "form.csv"
    path.write_bytes(_csv(FORM_HEADER, figures))
    before = dump_database(loaded.url)
    result = _invoke(loaded.url, ["--lang", "en", "report", "import", str(path)])
    assert_clean(result, loaded.url, before)
    inner = cell.strip()
    if any(ch in inner for ch in "\r\n\t"):
        refused(result, loaded.url, before, "row 2, column «")
    if result.exit_code == 0:
        astana = next(r for r in loaded.json("report", "show")["regions"]
                      if r["unit"] == "astana")
        digits = "".join(ch for ch in cell if ch.isdigit())
        assert astana[FORM_KEYS[at - 1]] == int(digits or 0)


def test_a_limit_passed_only_under_the_wrong_delimiter_does_not_refuse(loaded: Tracker,
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "form.csv"  # 70 «;» in a text cell: 71 columns, read with «;»
    path.write_bytes(_csv(FORM_HEADER, ["astana", 1, 2, 3, 4, 5, 6, 7, "", "a;" * 70]))
    loaded.ok("report", "import", str(path))
    astana = next(r for r in loaded.json("report", "show")["regions"] if r["unit"] == "astana")
    assert astana["other"] == "a;" * 70


def test_a_formula_whose_saved_result_is_empty_text_reads_as_empty(loaded: Tracker,
                                                                   tmp_path: Path) -> None:
    path = _workbook(tmp_path / "form.xlsx", {"B2": '=IF(C2=2,"",1)'}, uncached=True)
    with zipfile.ZipFile(path) as source:  # as Excel saves it: t="str", the result empty text
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    assert sheet.count('<c r="B2">') == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.replace('<c r="B2">', '<c r="B2" t="str">').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    loaded.ok("report", "import", str(path))
    astana = next(r for r in loaded.json("report", "show")["regions"] if r["unit"] == "astana")
    assert (astana[FORM_KEYS[0]], astana[FORM_KEYS[1]]) == (0, 2)
