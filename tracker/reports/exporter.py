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
from typing import Any

from tracker.errors import UserError
from tracker.files import write_atomically
from tracker.plan.model import Plan
from tracker.reports.fields import (
    COUNT_FIELDS,
    FIELDS,
    HEADERS,
    REGION_HEADER,
    TOTAL_LABEL,
    format_media,
)
from tracker.reports.results import RegionResult, totals

_MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря")
_QUOTED = re.compile(r"«(.+)»")

_WIDTHS = {"region": 34, "count": 14, "contests": 24, "media_coverage": 48, "other": 30}
_LINE_HEIGHT = 15.0


def title_lines(plan: Plan) -> tuple[str, str]:
    """The form's two title lines, with this campaign's due date and name."""
    due = plan.day_of(plan.deadlines.results_report)
    match = _QUOTED.search(plan.title.ru)
    name = match[1] if match else "Безопасный интернет"
    return (f"Отчет до {due.day} {_MONTHS_RU[due.month - 1]} {due.year} г",
            f"Итоги информационной кампании «{name}»")


def header_row() -> list[str]:
    return [REGION_HEADER, *(HEADERS[key] for key in FIELDS)]


def region_row(plan: Plan, result: RegionResult, separator: str) -> list[object]:
    """One region's row; blank cells when nothing was ever recorded for the region."""
    name = plan.regions_by_key[result.unit].name.ru or result.unit
    if not result.entered:
        return [name, *([None] * len(FIELDS))]
    return [name, *(result.count(key) for key in COUNT_FIELDS),
            format_media(result.media_coverage, separator), result.other]


def totals_row(results: Sequence[RegionResult]) -> list[object]:
    """«Итого»: the sums, and the number of media entries under «Освещение в СМИ»."""
    total = totals(results)
    return [TOTAL_LABEL, *(total.count(key) for key in COUNT_FIELDS), total.media_coverage, None]


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
        out.writerow(header_row())
        for result in results:
            out.writerow(["" if v is None else v for v in region_row(plan, result, "; ")])
        out.writerow(["" if v is None else v for v in totals_row(results)])


def write_xlsx(path: Path, plan: Plan, results: Sequence[RegionResult]) -> None:
    """The form as a workbook: title lines, bold frozen header, wrapped text, fitted widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = "Итоги"
    columns = 1 + len(FIELDS)
    last = get_column_letter(columns)
    first_title, second_title = title_lines(plan)
    for row, text in ((1, first_title), (2, second_title)):
        sheet.cell(row=row, column=1, value=text).font = Font(bold=True, size=12)
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center")
        sheet.merge_cells(f"A{row}:{last}{row}")
    header_at = 4
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    for column, text in enumerate(header_row(), start=1):
        cell = sheet.cell(row=header_at, column=column, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
    sheet.row_dimensions[header_at].height = 6 * _LINE_HEIGHT
    rows = [region_row(plan, r, "\n") for r in results] + [totals_row(results)]
    for offset, values in enumerate(rows, start=1):
        row = header_at + offset
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.alignment = wrap_top
            cell.border = border
            if offset == len(rows):
                cell.font = Font(bold=True)
        sheet.row_dimensions[row].height = _LINE_HEIGHT * _lines(values)
    keys = ["region", *FIELDS]
    for column, key in enumerate(keys, start=1):
        width = _WIDTHS.get(key, _WIDTHS["count"])
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"B{header_at + 1}"
    workbook.save(path)


def _lines(values: Sequence[object]) -> int:
    """How many text lines a row needs, roughly, so wrapped cells are not cut off."""
    media = str(values[FIELDS.index("media_coverage") + 1] or "")
    other = str(values[FIELDS.index("other") + 1] or "")
    media_lines = sum(1 + len(line) // _WIDTHS["media_coverage"]
                      for line in media.split("\n")) if media else 1
    other_lines = 1 + len(other) // _WIDTHS["other"]
    region_lines = 1 + len(str(values[0] or "")) // _WIDTHS["region"]
    return max(media_lines, other_lines, region_lines, 1)
