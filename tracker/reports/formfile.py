"""A filled-in form that arrived as bytes (the results page's upload), read as `report import`
reads a file, once its content says what it is.

The name a browser sends is the sender's to choose, so it decides nothing: a workbook is a zip
archive holding the `xl/` parts, a CSV is UTF-8 text without control characters; anything else
(a program renamed `.xlsx`, a PDF) is refused before any reader opens it.  The bytes are then
written to a private temporary file with the extension their content earned and read by the
importer, with its limits and its messages.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from tracker.plan.model import Plan
from tracker.reports.importer import ImportedFile, read_reports

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NAME_SHOWN = 80
"""How much of a sent file name a message repeats."""


def content_suffix(data: bytes) -> str | None:
    """`.xlsx` or `.csv` by what `data` holds, or None for anything else."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        return ".xlsx" if any(n.startswith("xl/") for n in names) else None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return ".csv" if text.strip() and not _CONTROL.search(text) else None


def shown_name(sent: str) -> str:
    """The sent file name fit for a message: its last part only (a path in it is dropped),
    without control characters, shortened."""
    name = PureWindowsPath(PurePosixPath(sent).name).name
    name = _CONTROL.sub("", name).strip() or "file"
    return name if len(name) <= NAME_SHOWN else name[:NAME_SHOWN - 1] + "…"


def read_form_bytes(data: bytes, suffix: str, plan: Plan, source: str,
                    lang: str) -> ImportedFile:
    """The reports a form file holds (a UserError in `lang`, as `report import` says it)."""
    with tempfile.TemporaryDirectory(prefix="tracker-form-") as folder:
        path = Path(folder) / f"form{suffix}"
        path.write_bytes(data)
        return read_reports(path, plan, source, lang)
