"""Writing the 25 April form as ministry staff know it: .xlsx for people, .csv for programs.

Both carry the form's Russian headers, Russian region names in plan order, and an «Итого» row;
only the workbook has the form's title lines above the table, and it is set up to print as
the form is printed (A4 landscape, one page wide, the header on every page).  Whatever is
written here the importer reads back to the same data: regions with nothing recorded are left
blank (not 0, so a re-import does not mark them as received), and media entries are written
`Outlet, DD.MM.YYYY[, url]`, one a line in the workbook and `; `-separated in the CSV.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from tracker.errors import UserError
from tracker.files import write_atomically
from tracker.plan.model import FormColumn, Plan
from tracker.reports.fields import TOTAL_LABEL, format_media
from tracker.reports.results import RegionResult, totals
from tracker.typesetting import longest_word_em, wrapped_lines

_MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря")
_QUOTED = re.compile(r"«(.+)»")

REGION_WIDTH = 24
WIDTHS = {"count": 11, "media": 40, "text": 26}
"""A workbook column's least width in characters by its kind, where the plan gives none; a
header word wider than that widens its column (see `column_widths`)."""
HEADER_POINTS = 9.0
BODY_POINTS = 10.0
_UNIT_POINTS = 5.25
"""A column-width unit in points: the digit width of the workbook's default font (Calibri 11,
7 px at 96 dpi), which is what spreadsheet programs measure column widths in."""
_PADDING = 1.5
"""Units a cell keeps free beside its text (borders, the cell's inner margin)."""
_LEADING = 1.3
"""A line's height in points per point of font size."""


def width(column: FormColumn) -> int:
    return column.width or WIDTHS[column.kind]


def _units(em: float, points: float) -> float:
    """Column-width units that text `em` ems wide at `points` needs."""
    return em * points / _UNIT_POINTS + _PADDING


def _em(units: float, points: float) -> float:
    """How many ems at `points` fit in a column `units` wide."""
    return (units - _PADDING) * _UNIT_POINTS / points


def column_widths(plan: Plan) -> list[float]:
    """Each column's width: its kind's (or the plan's) width, widened to hold the longest word
    of its bold header and, for the region column, of any region's name, so no word is broken
    when the header wraps."""
    names = " ".join(r.name.ru for r in plan.regions)
    form = plan.results_form
    region = max(REGION_WIDTH, _units(longest_word_em(form.region_header, True), HEADER_POINTS),
                 _units(longest_word_em(names), BODY_POINTS))
    return [round(region, 1), *(round(max(width(c), _units(longest_word_em(c.header, True),
                                                           HEADER_POINTS)), 1)
                                for c in form.columns)]


def _row_height(values: Sequence[object], widths: Sequence[float], points: float,
                bold: bool = False) -> float:
    """The height in points a row needs for its wrapped cells to show every line."""
    lines = max((wrapped_lines(str(value), _em(units, points), bold)
                 for value, units in zip(values, widths, strict=True) if value is not None),
                default=1)
    return round(lines * points * _LEADING + 4, 1)


def region_row_height(plan: Plan, result: RegionResult, widths: Sequence[float]) -> float:
    """The printed height of a region's row in the workbook (its name and cells wrapped in
    `widths`, from `column_widths`)."""
    return _row_height(region_row(plan, result, "\n"), widths, BODY_POINTS)


def title_lines(plan: Plan) -> tuple[str, str]:
    """The form's two title lines, with this campaign's due date and name."""
    due = plan.day_of(plan.deadlines.results_report)
    match = _QUOTED.search(plan.title.ru)
    name = match[1] if match else "Безопасный интернет"
    return (f"Отчет до {due.day} {_MONTHS_RU[due.month - 1]} {due.year} г",
            f"Итоги информационной кампании «{name}»")


def header_row(plan: Plan) -> list[str]:
    form = plan.results_form
    return [form.region_header, *(c.header for c in form.columns)]


def _cell(column: FormColumn, result: RegionResult, separator: str) -> object:
    if column.kind == "count":
        return result.count(column.key)
    if column.kind == "media":
        return format_media(result.media_coverage, separator)
    return result.text(column.key)


def region_row(plan: Plan, result: RegionResult, separator: str) -> list[object]:
    """One region's row; blank cells when nothing was ever recorded for the region."""
    name = plan.regions_by_key[result.unit].name.ru or result.unit
    columns = plan.results_form.columns
    if not result.entered:
        return [name, *([None] * len(columns))]
    return [name, *(_cell(c, result, separator) for c in columns)]


def totals_row(plan: Plan, results: Sequence[RegionResult]) -> list[object]:
    """«Итого»: the sums, and the number of media entries under «Освещение в СМИ»; text
    columns stay blank."""
    total = totals(results)
    return [TOTAL_LABEL, *(None if c.kind == "text" else total.figure(c)
                           for c in plan.results_form.columns)]


def export_report(path: Path, plan: Plan, results: Sequence[RegionResult],
                  delimiter: str = ";") -> None:
    """Write the form to `path`, as a workbook or CSV by its extension."""
    suffix = path.suffix.lower()
    writer: Callable[[Path], None]
    if suffix == ".xlsx":
        def writer(target: Path) -> None:
            write_xlsx(target, plan, results)
    elif suffix == ".csv":
        def writer(target: Path) -> None:
            write_csv(target, plan, results, delimiter)
    else:
        raise UserError(f"{path}: export writes .xlsx or .csv files")
    write_atomically(path, writer)


def write_csv(path: Path, plan: Plan, results: Sequence[RegionResult],
              delimiter: str = ";") -> None:
    """A plain table: header, regions, totals.  UTF-8 with a BOM and `;` by default, which is
    what Excel in a Russian or Kazakh locale opens correctly with a double click."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, delimiter=delimiter)
        out.writerow(header_row(plan))
        for result in results:
            out.writerow(["" if v is None else v for v in region_row(plan, result, "; ")])
        out.writerow(["" if v is None else v for v in totals_row(plan, results)])


def write_xlsx(path: Path | IO[bytes], plan: Plan, results: Sequence[RegionResult]) -> None:
    """The form as a workbook (to a file, or a buffer for a mail's attachment), set up to print
    as the form is printed: A4 landscape, one page wide, the header repeated on every page, the
    title centred over the whole table, headers wrapped at word boundaries in columns wide enough
    for their longest word."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = "Итоги"
    widths = column_widths(plan)
    last = get_column_letter(len(widths))
    for row, text in enumerate(title_lines(plan), start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = Font(bold=True, size=12)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet.row_dimensions[row].height = 18
    header_at = 4
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    headers = header_row(plan)
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=header_at, column=column, value=text)
        cell.font = Font(bold=True, size=HEADER_POINTS)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
    sheet.row_dimensions[header_at].height = _row_height(headers, widths, HEADER_POINTS, True)
    rows = [region_row(plan, r, "\n") for r in results] + [totals_row(plan, results)]
    for offset, values in enumerate(rows, start=1):
        row = header_at + offset
        font = Font(bold=offset == len(rows), size=BODY_POINTS)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.alignment = wrap_top
            cell.border = border
            cell.font = font
        sheet.row_dimensions[row].height = _row_height(values, widths, BODY_POINTS)
    for column, characters in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = characters
    sheet.freeze_panes = f"B{header_at + 1}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_at}:{header_at}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    workbook.save(path)
