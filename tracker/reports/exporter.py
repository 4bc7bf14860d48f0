"""Writing the 25 April form as ministry staff know it: .xlsx for people, .csv for programs.

Both carry the form's Russian headers, Russian region names in plan order, and an «Итого» row;
only the workbook has the form's title lines above the table.  Whatever is written here the
importer reads back to the same data: regions with nothing recorded are left blank (not 0, so a
re-import does not mark them as received), and media entries are written `Outlet, DD.MM.YYYY
[, url]`, one a line in the workbook and `; `-separated in the CSV.
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

_MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря")
_QUOTED = re.compile(r"«(.+)»")

REGION_WIDTH = 34
WIDTHS = {"count": 14, "media": 48, "text": 30}
"""A workbook column's width in characters by its kind, where the plan gives none."""
_LINE_HEIGHT = 15.0


def width(column: FormColumn) -> int:
    return column.width or WIDTHS[column.kind]


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
    """The form as a workbook (to a file, or a buffer for a mail's attachment): title lines,
    bold frozen header, wrapped text, fitted widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = "Итоги"
    form = plan.results_form
    last = get_column_letter(1 + len(form.columns))
    first_title, second_title = title_lines(plan)
    for row, text in ((1, first_title), (2, second_title)):
        sheet.cell(row=row, column=1, value=text).font = Font(bold=True, size=12)
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center")
        sheet.merge_cells(f"A{row}:{last}{row}")
    header_at = 4
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    for column, text in enumerate(header_row(plan), start=1):
        cell = sheet.cell(row=header_at, column=column, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
    sheet.row_dimensions[header_at].height = 6 * _LINE_HEIGHT
    rows = [region_row(plan, r, "\n") for r in results] + [totals_row(plan, results)]
    for offset, values in enumerate(rows, start=1):
        row = header_at + offset
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.alignment = wrap_top
            cell.border = border
            if offset == len(rows):
                cell.font = Font(bold=True)
        sheet.row_dimensions[row].height = _LINE_HEIGHT * _lines(form.columns, values)
    widths = [REGION_WIDTH, *(width(c) for c in form.columns)]
    for column, characters in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = characters
    sheet.freeze_panes = f"B{header_at + 1}"
    workbook.save(path)


def _lines(columns: Sequence[FormColumn], values: Sequence[object]) -> int:
    """How many text lines a row needs, roughly, so wrapped cells are not cut off: the region's
    name, a media list (one entry a line) and texts may wrap; counts do not."""
    lines = [1 + len(str(values[0] or "")) // REGION_WIDTH]
    for column, value in zip(columns, values[1:], strict=True):
        text = str(value or "")
        if column.kind == "media":
            lines.append(sum(1 + len(line) // width(column) for line in text.split("\n"))
                         if text else 1)
        elif column.kind == "text":
            lines.append(1 + len(text) // width(column))
    return max(*lines, 1)
