"""The results form a region's education department gets with its reminders.

It is the exported form (`tracker.reports.exporter`: the same title lines, headers and
layout), holding that region's row alone, filled in with whatever is already recorded for it,
so the department completes it and sends it back rather than retyping the ministry's table.
What it read back is what `tracker report import` reads.

The file is the same bytes for the same data (the workbook's own time stamps are fixed), so
the mail is the same whichever process composes it, and one body serves every address of the
department.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection

from notifications.message import Attachment
from tracker.mail.due import DueMail
from tracker.plan.model import Plan
from tracker.reports.results import RegionResult

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
_FIXED = (1980, 1, 1, 0, 0, 0)


def form_name(plan: Plan, unit: str) -> str:
    """The attachment's file name: plain ASCII, the campaign's and the region's keys."""
    return f"{plan.key}-results-{unit}.xlsx".replace("_", "-")


def region_form(plan: Plan, result: RegionResult | None, unit: str) -> Attachment:
    """The region's form as an XLSX attachment, its row pre-filled with what is known."""
    from tracker.reports.exporter import write_xlsx

    buffer = io.BytesIO()
    write_xlsx(buffer, plan, [result or RegionResult(unit)])
    return Attachment(form_name(plan, unit), XLSX, _stable(buffer.getvalue()))


class RegionForms:
    """Each region's form, made once per run.

    Writing a workbook takes tens of milliseconds, and at school scale thousands of units owe
    the report with nothing recorded yet.  Their blank forms differ only in the unit's name, so
    one is written and the others are it with the name replaced (a test holds them equal to
    the written ones, byte for byte); a form with figures is always written.
    """

    def __init__(self, plan: Plan, results: Mapping[str, RegionResult]) -> None:
        self.plan = plan
        self.results = results
        self._made: dict[str, Attachment] = {}
        self._blank: dict[float, tuple[str, bytes]] = {}
        self._widths: list[float] | None = None

    def form(self, unit: str) -> Attachment:
        if unit not in self._made:
            self._made[unit] = self._make(unit)
        return self._made[unit]

    def _make(self, unit: str) -> Attachment:
        result = self.results.get(unit)
        if result is not None and result.entered:
            return region_form(self.plan, result, unit)
        from tracker.reports.exporter import column_widths, region_row_height

        if self._widths is None:
            self._widths = column_widths(self.plan)
        name = self.plan.unit_name(unit, "ru")
        # Only forms whose region row prints as tall are alike but for the name.
        shape = region_row_height(self.plan, RegionResult(unit), self._widths)
        if shape in self._blank:
            other, data = self._blank[shape]
            renamed = _renamed(data, other, name)
            if renamed is not None:
                return Attachment(form_name(self.plan, unit), XLSX, renamed)
        made = region_form(self.plan, None, unit)
        self._blank.setdefault(shape, (name, made.data))
        return made


_SHEET = "xl/worksheets/sheet1.xml"


def _renamed(workbook: bytes, old: str, new: str) -> bytes | None:
    """The blank form of region `old` with `new` in its place, or None when the name's cell
    is not found exactly once (then the form is written instead)."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    sheet = dict(entries).get(_SHEET, b"")
    before, after = _cell_text(old), _cell_text(new)
    if sheet.count(before) != 1:
        return None
    return _zipped((name, sheet.replace(before, after) if name == _SHEET else data)
                   for name, data in entries)


def _cell_text(text: str) -> bytes:
    """A string cell's text as the workbook holds it: escaped, non-ASCII as character
    references."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return b"<t>" + escaped.encode("ascii", "xmlcharrefreplace") + b"</t>"


def _stable(workbook: bytes) -> bytes:
    """The workbook with its entries' and its properties' time stamps fixed."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    return _zipped((name, _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
                    if name == "docProps/core.xml" else data) for name, data in entries)


def _zipped(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of the entries in order, each stamped with one fixed time."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            target.writestr(zipfile.ZipInfo(name, _FIXED), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def known_results(conn: Connection, plan: Plan, mails: Iterable[DueMail]
                  ) -> Mapping[str, RegionResult]:
    """What is recorded of the reports of the regions whose form the mails attach (nothing
    is read when none does)."""
    units = {mail.report_missing for mail in mails if mail.report_missing}
    if not units:
        return {}
    from tracker.reports.store import load_reports

    return {result.unit: result for result in load_reports(conn, plan) if result.unit in units}
