"""Reading filled-in 25 April forms (.csv or .xlsx) into region reports, all or nothing.

The whole file is read and checked before anything is stored, so one bad row rejects the file
with a single line that names the file, the row (as the spreadsheet numbers it) and the column:
the clerk fixes that cell and imports again, and the database never holds half a file.

Layout accepted: any title rows (the form's «Отчет до ...» lines), then a header row holding
the region column and the columns of the plan's results form (Russian headers or the keys),
then one row per region.  Blank rows, rows whose region is left without figures, and a totals
row («Итого», «Всего», «Барлығы») are skipped.

A file may come from anyone, so reading it is bounded: its size, the unpacked size of a
workbook's parts, how many rows and columns hold values, and a cell's length.  A sheet's declared
dimension is not trusted (a tool may write one far too large, or too small): the cells are
read as they stand, and the scan stops at the limit.  What cannot be read for certain is refused:
a formula a script wrote without its result (Excel saves both) would otherwise read as empty.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tracker.errors import UserError
from tracker.plan.model import Plan, ResultsForm, header_key
from tracker.plan.regionnames import find_region, name_key
from tracker.reports.fields import (
    REGION_KEY,
    TOTAL_WORDS,
    CellError,
    MediaEntry,
    cell_text,
    header_index,
    parse_count,
    parse_media,
    parse_text,
)
from tracker.reports.results import RegionResult
from tracker.wording import say

T = TypeVar("T")
Row = tuple[int, list[object]]
"""A spreadsheet row: its number as the spreadsheet shows it (from 1), and its cells."""

_HEADER_SCAN = 30
"""How many rows may precede the header (title lines, notes) before the file is refused."""

MAX_FORM_BYTES = 5 * 1024 * 1024
"""A form file's size, .csv or .xlsx: the filled-in form is some ten kilobytes."""

MAX_XLSX_PART_BYTES = 1024 * 1024
"""The unpacked size of each XML part of a workbook (its sheets, shared strings, styles): a
small zip can unpack to gigabytes of cells or styles, each of which openpyxl builds an object
for.  The filled-in form's sheet is some ten kilobytes; pictures are not read, so not limited."""

MAX_FORM_ROWS = 200
"""Rows with values beyond the plan's regions (title lines, header, totals, notes)."""

MAX_FORM_COLUMNS = 64
"""Columns with values: the form has a dozen."""

MAX_CELL_CHARS = 32_767
"""A cell's length, Excel's own limit."""

_BLANK_SCAN = 5
"""Blank rows are read up to this many times the row limit: a sheet formatted far down is
still read, a sheet that goes on further is refused rather than read to its end."""


class UncachedFormula(str):
    """A formula cell saved without its result: its value cannot be known without Excel."""


@dataclass(frozen=True)
class ImportedFile:
    """What a file holds: reports to store, and regions listed without any figures."""

    source: str
    reports: tuple[RegionResult, ...]
    blank: tuple[str, ...]


@dataclass(frozen=True)
class _Column:
    index: int
    key: str | None
    title: str
    """How the column is named in messages: its header as written, or its letter."""


Headers = dict[str, str]
"""Normalised header text -> column key (`fields.header_index` of the plan's form)."""


def read_reports(path: Path, plan: Plan, source: str | None = None,
                 lang: str = "en") -> ImportedFile:
    """Read and check a whole form file; a UserError naming row and column if any cell is bad
    (what is wrong with the form's columns and cells in `lang`)."""
    name = source or str(path)
    headers = header_index(plan.results_form)
    max_rows = MAX_FORM_ROWS + len(plan.regions)
    return parse_rows(read_rows(path, name, headers, max_rows), plan, name, lang)


def read_rows(path: Path, source: str, headers: Headers,
              max_rows: int = MAX_FORM_ROWS) -> list[Row]:
    """The file's rows by its extension: .csv (UTF-8, `,` or `;`) or .xlsx."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        hint = " (save it as .xlsx)" if suffix == ".xls" else ""
        raise UserError(f"{source}: not a .csv or .xlsx file{hint}")
    if not path.is_file():
        raise UserError(f"{source}: file not found")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UserError(f"{source}: cannot read: {exc.strerror}") from None
    if size > MAX_FORM_BYTES:
        raise UserError(f"{source}: larger than the limit of {MAX_FORM_BYTES:,} bytes "
                        "for a form file")
    if suffix == ".csv":
        return _read_csv(path, source, headers, max_rows)
    return _read_xlsx(path, source, max_rows)


def _bounded(rows: Iterable[Sequence[object]], source: str,
             max_rows: int) -> tuple[list[Row], UserError | None]:
    """The rows up to the limits, numbered from 1, and the refusal of a value beyond a limit
    (with the rows before it: a CSV's delimiter is chosen by its header before it is refused)."""
    kept: list[Row] = []
    for number, cells in enumerate(rows, start=1):
        if number > max_rows * _BLANK_SCAN:
            return kept, UserError(f"{source}: the file goes on past row "
                                   f"{max_rows * _BLANK_SCAN:,} (a form has at most "
                                   f"{max_rows:,} rows)")
        filled = [i for i, value in enumerate(cells) if cell_text(value)]
        if not filled:
            if number <= max_rows:
                kept.append((number, list(cells[:MAX_FORM_COLUMNS])))
            continue
        if number > max_rows:
            return kept, UserError(f"{source}: row {number}: more than the limit of "
                                   f"{max_rows:,} rows for a form")
        if filled[-1] >= MAX_FORM_COLUMNS:
            return kept, UserError(f"{source}: row {number}, column "
                                   f"{column_letter(filled[-1])}: more than the limit of "
                                   f"{MAX_FORM_COLUMNS} columns for a form")
        long = next((i for i in filled if isinstance(cells[i], str)
                     and len(str(cells[i])) > MAX_CELL_CHARS), None)
        if long is not None:
            return kept, UserError(f"{source}: row {number}, column {column_letter(long)}: "
                                   f"more than the limit of {MAX_CELL_CHARS:,} characters "
                                   "in a cell")
        kept.append((number, list(cells[:MAX_FORM_COLUMNS])))
    return kept, None


def _read_csv(path: Path, source: str, headers: Headers, max_rows: int) -> list[Row]:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FORM_BYTES + 1)  # the file may have grown since its stat
    except OSError as exc:
        raise UserError(f"{source}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_FORM_BYTES:
        raise UserError(f"{source}: larger than the limit of {MAX_FORM_BYTES:,} bytes "
                        "for a form file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{source}: not UTF-8 text at byte {exc.start} "
                        "(save it as «CSV UTF-8»)") from None
    if "\x00" in text:  # UTF-16 without a BOM reads as "UTF-8" full of NULs; no database takes them
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise UserError(f"{source}: line {line}: NUL characters (is it UTF-16? save it as "
                        "«CSV UTF-8»)")
    candidates: list[tuple[int, int, list[Row], UserError | None]] = []
    for preference, delimiter in enumerate((",", ";")):
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            rows, problem = _bounded(records, source, max_rows)
        except csv.Error as exc:
            raise UserError(f"{source}: line {records.line_num}: cannot read as CSV: "
                            f"{exc}") from None
        candidates.append((_header_score(rows, headers), -preference, rows, problem))
    # The delimiter is the one under which the header row reads as the form's columns.
    _, _, rows, problem = max(candidates, key=lambda c: (c[0], c[1]))
    if problem is not None:
        raise problem
    return rows


def _header_score(rows: Sequence[Row], headers: Headers) -> int:
    return max((sum(header_key(cell_text(c)) in headers for c in cells)
                for _, cells in rows[:_HEADER_SCAN]), default=0)


def _read_xlsx(path: Path, source: str, max_rows: int) -> list[Row]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = UserError(f"{source}: cannot read it as an Excel .xlsx workbook")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise unreadable from None
    for part in parts:  # zipfile never unpacks more than a part's declared size
        if part.filename.lower().endswith((".xml", ".rels")) and \
                part.file_size > MAX_XLSX_PART_BYTES:
            raise UserError(f"{source}: {part.filename} unpacks to more than the limit of "
                            f"{MAX_XLSX_PART_BYTES:,} bytes for a part of a workbook")
    # Read twice: the formulas say which cells are computed, the saved results what they hold.
    # A workbook without any formula reads the same both ways, so it is read once.
    formulas = values = None
    try:
        values = load_workbook(path, read_only=True, data_only=True)
        sheet = _sheet(values)
        if _has_formulas(sheet):
            formulas = load_workbook(path, read_only=True, data_only=False)
            cells = _cells(_sheet(formulas), sheet)
        else:
            cells = (list(row) for row in sheet.iter_rows(values_only=True))
        rows, problem = _bounded(cells, source, max_rows)
        rows = _with_empty_text_results(sheet, rows)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError,
            SyntaxError, TypeError, AttributeError, EOFError):
        # SyntaxError: damaged XML inside (ElementTree's and lxml's errors); read-only
        # workbooks read their sheets as they are iterated, so damage shows up here too.
        raise unreadable from None
    finally:
        for workbook in (formulas, values):
            if workbook is not None:
                workbook.close()
    if problem is not None:
        raise problem
    return rows


_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
"""The start of a formula element (`<f>`, `<x:f t="shared"/>`) in a sheet's XML."""


def _has_formulas(sheet: Any) -> bool:
    """Whether the sheet's part of the archive may hold a formula; True when that cannot be
    told (the formulas' own reading then finds what is wrong)."""
    try:
        with sheet._get_source() as source:
            data = source.read(MAX_XLSX_PART_BYTES + 1)
    except Exception:
        return True
    return len(data) > MAX_XLSX_PART_BYTES or _FORMULA.search(data) is not None


def _sheet(workbook: Any) -> Any:
    sheet = workbook.active or workbook.worksheets[0]
    sheet.reset_dimensions()  # read the cells as they stand, not the size the file declares
    return sheet


def _cells(formulas: Any, values: Any) -> Iterator[list[object]]:
    """Each row's saved values, with a formula saved without its result as UncachedFormula."""
    for formula_row, value_row in zip(formulas.iter_rows(values_only=True),
                                      values.iter_rows(values_only=True),
                                      strict=True):
        cells = list(value_row)
        for index, (formula, value) in enumerate(zip(formula_row, value_row, strict=True)):
            if value is None and formula is not None:
                cells[index] = UncachedFormula(formula if isinstance(formula, str)
                                               else getattr(formula, "text", None) or "=")
        yield cells


def _with_empty_text_results(sheet: Any, rows: list[Row]) -> list[Row]:
    """A formula whose saved result is empty text (`=IF(B2="";"";B2)`) reads, to openpyxl, like
    one saved without a result; the sheet's XML tells them apart (`t="str"`), so look there."""
    wanted = {f"{column_letter(i)}{n}" for n, cells in rows for i, v in enumerate(cells)
              if isinstance(v, UncachedFormula)}
    if not wanted:
        return rows
    from xml.etree.ElementTree import iterparse

    empty: set[str] = set()
    cell_tag = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}c"
    with sheet._get_source() as source:  # the sheet's part in the archive, at most 1 MiB
        for _, element in iterparse(source):
            if element.tag == cell_tag:
                if element.get("r") in wanted and element.get("t") == "str":
                    empty.add(str(element.get("r")))
                element.clear()
    return [(n, [None if isinstance(v, UncachedFormula) and f"{column_letter(i)}{n}" in empty
                 else v for i, v in enumerate(cells)]) for n, cells in rows]


def column_letter(index: int) -> str:
    """Spreadsheet letters for a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _fail(source: str, row: int, column: _Column | None, message: str, lang: str) -> UserError:
    where = (say(lang, "import.row", source=source, row=row) if column is None else
             say(lang, "import.row_column", source=source, row=row, column=column.title))
    return UserError(f"{where}: {message}")


def _untitled(index: int, lang: str) -> _Column:
    """A column without a header, named by its letter."""
    return _Column(index, None, say(lang, "import.untitled", letter=column_letter(index)))


def _find_header(rows: Sequence[Row], form: ResultsForm, headers: Headers,
                 source: str, lang: str) -> int:
    for position, (_, cells) in enumerate(rows[:_HEADER_SCAN]):
        if any(headers.get(header_key(cell_text(c))) == REGION_KEY for c in cells):
            return position
    raise UserError(say(lang, "import.no_header", source=source, header=form.region_header,
                        key=REGION_KEY))


def _columns(number: int, cells: Sequence[object], form: ResultsForm, headers: Headers,
             source: str, lang: str) -> list[_Column]:
    columns: list[_Column] = []
    seen: dict[str, _Column] = {}
    for index, value in enumerate(cells):
        text = " ".join(cell_text(value).split())
        if not text:
            columns.append(_untitled(index, lang))
            continue
        column = _Column(index, headers.get(header_key(text)), f"«{text}»")
        if column.key is None:
            raise _fail(source, number, column, say(
                lang, "import.unknown_column",
                keys=f"{REGION_KEY}, {', '.join(c.key for c in form.columns)}"), lang)
        if column.key in seen:
            raise _fail(source, number, column, say(
                lang, "import.same_column", other=seen[column.key].title,
                letter=column_letter(seen[column.key].index)), lang)
        seen[column.key] = column
        columns.append(column)
    missing = [c for c in form.columns if c.key not in seen]
    if missing:
        raise _fail(source, number, None, say(
            lang, "import.missing_columns",
            columns=", ".join(f"«{c.header}»" for c in missing)), lang)
    return columns


def _is_total(region: str) -> bool:
    return name_key(region).rstrip(":.").strip() in TOTAL_WORDS


def parse_rows(rows: Sequence[Row], plan: Plan, source: str, lang: str = "en") -> ImportedFile:
    """Check every row against the form and the plan; the first problem is the error."""
    form = plan.results_form
    headers = header_index(form)
    header_at = _find_header(rows, form, headers, source, lang)
    header_number, header_cells = rows[header_at]
    columns = _columns(header_number, header_cells, form, headers, source, lang)
    region_column = next(c for c in columns if c.key == REGION_KEY)
    reports: list[RegionResult] = []
    blank: list[str] = []
    first_row: dict[str, int] = {}
    for number, cells in rows[header_at + 1:]:
        values = {c.key: (cells[c.index] if c.index < len(cells) else None)
                  for c in columns if c.key is not None}
        extra = [(c, cells[c.index]) for c in columns
                 if c.key is None and c.index < len(cells) and cell_text(cells[c.index])]
        extra += [(_untitled(i, lang), v)
                  for i, v in enumerate(cells) if i >= len(columns) and cell_text(v)]
        data = {k: v for k, v in values.items() if k != REGION_KEY}
        region_text = cell_text(values[REGION_KEY])
        has_data = any(cell_text(v) for v in data.values())
        if not region_text and not has_data and not extra:
            continue
        if region_text and _is_total(region_text):
            continue
        uncached = next((i for i, v in enumerate(cells) if isinstance(v, UncachedFormula)), None)
        if uncached is not None:
            column = columns[uncached] if uncached < len(columns) else \
                _untitled(uncached, lang)
            raise _fail(source, number, column,
                        say(lang, "import.formula", formula=cells[uncached]), lang)
        if not region_text:
            raise _fail(source, number, region_column, say(lang, "import.no_region"), lang)
        unit = find_region(region_text, plan)
        if unit is None:
            raise _fail(source, number, region_column,
                        say(lang, "import.not_region", value=region_text), lang)
        if unit in first_row:
            raise _fail(source, number, region_column,
                        say(lang, "import.twice", value=region_text, row=first_row[unit]), lang)
        first_row[unit] = number
        if extra:
            column, value = extra[0]
            raise _fail(source, number, column,
                        say(lang, "import.no_column", value=cell_text(value)), lang)
        if not has_data:
            blank.append(unit)
            continue
        reports.append(_report(unit, number, data, columns, form, source, lang))
    order = {r.key: n for n, r in enumerate(plan.regions)}
    return ImportedFile(source, tuple(sorted(reports, key=lambda r: order[r.unit])),
                        tuple(sorted(blank, key=order.__getitem__)))


def _report(unit: str, number: int, data: dict[str, object], columns: Iterable[_Column],
            form: ResultsForm, source: str, lang: str) -> RegionResult:
    by_key = {c.key: c for c in columns if c.key is not None}

    def read(key: str, parse: Callable[[object], T]) -> T:
        try:
            return parse(data[key])
        except CellError as exc:
            raise _fail(source, number, by_key[key], exc.said(lang), lang) from None

    counts: dict[str, int] = {}
    texts: dict[str, str] = {}
    media: tuple[MediaEntry, ...] = ()
    for column in form.columns:  # left to right: the first bad cell is the one reported
        if column.kind == "count":
            counts[column.key] = read(column.key, parse_count)
        elif column.kind == "media":
            media = read(column.key, parse_media)
        else:
            texts[column.key] = read(column.key, parse_text)
    return RegionResult(unit, counts=counts, texts=texts, media_coverage=media,
                        received_at=None, late=False, entered=True)
