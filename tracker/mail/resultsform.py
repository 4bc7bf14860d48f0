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


def _stable(workbook: bytes) -> bytes:
    """The workbook with its entries' and its properties' time stamps fixed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            target.writestr(zipfile.ZipInfo(info.filename, _FIXED), data,
                            zipfile.ZIP_DEFLATED)
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
