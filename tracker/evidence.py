"""Evidence an agency attaches to a report: a link, or one file stored once by its content.

A file is judged by what it holds, never by its name: a PDF starts with `%PDF-`, a PNG and a
JPEG with their signatures, a DOC or XLS is an OLE2 compound file (`D0 CF 11 E0 …`), and a
DOCX or XLSX is a zip holding `word/` or `xl/`.  Anything else (an executable renamed
report.pdf) is refused.  A file is kept in the `upload` table under its SHA-256 digest, so the
same file sent twice (a double submit, or two agencies sending one circular) is stored once.
Its name is reduced to a safe base name: no folders (`../../x.pdf`, `C:\\x\\y.pdf`), no
control characters, bounded.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import Connection, select

from tracker.store.tables import UPLOAD

URL_MAX = 2000
"""The longest evidence link taken (an address bar's practical limit)."""
NAME_MAX = 120
"""The longest file name kept: enough for a circular's name, short enough for a page line."""

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
DOC, XLS = "application/msword", "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOC: ".doc", XLS: ".xls", DOCX: ".docx",
              XLSX: ".xlsx"}
"""The kinds taken, with the extension a saved copy gets."""

_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff"
_UNSAFE = re.compile(f"[{_CONTROL}<>:\"|?*]")
_UNSAFE_LINK = re.compile(f"[{_CONTROL}\\s<>\"]")


class EvidenceRefused(ValueError):
    """A file or link that is not taken; `reason` names why (`kind`, `link`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Upload:
    digest: str
    media_type: str
    size: int
    name: str


def _zipped_office(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    return None


def media_type(data: bytes, name: str) -> str:
    """The kind of file `data` is, by its content; the name only tells a DOC from an XLS (both
    are OLE2 files).  Anything else is refused (`EvidenceRefused("kind")`)."""
    found: str | None = None
    if data.startswith(b"%PDF-"):
        found = PDF
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif data.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif data.startswith(_OLE2):
        found = XLS if name.lower().endswith((".xls", ".xlt")) else DOC
    elif data.startswith(b"PK\x03\x04"):
        found = _zipped_office(data)
    if found is None:
        raise EvidenceRefused("kind")
    return found


def safe_name(sent: str, kind: str) -> str:
    """The base name of a sent file name, with nothing a path, a header or a terminal could
    misread; a name left empty becomes `evidence` with the kind's extension."""
    base = re.split(r"[\\/]", sent)[-1]
    base = _UNSAFE.sub("", base).strip().lstrip(".").strip()
    if len(base) > NAME_MAX:
        stem, dot, extension = base.rpartition(".")
        keep = extension[:10] if dot else ""
        base = (stem if dot else base)[:NAME_MAX - len(keep) - 1].rstrip() + (
            "." + keep if keep else "")
    return base or "evidence" + EXTENSIONS[kind]


def link_problem(url: str) -> str | None:
    """Why an evidence link is not taken, or None: only http(s) addresses with a host, on one
    line, bounded."""
    if len(url) > URL_MAX or _UNSAFE_LINK.search(url):
        return "link"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "link"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "link"
    return None


def judge(sent_name: str, data: bytes) -> Upload:
    """What the file is and its safe name (refused by content: `EvidenceRefused`); nothing is
    stored yet."""
    kind = media_type(data, sent_name)
    return Upload(hashlib.sha256(data).hexdigest(), kind, len(data), safe_name(sent_name, kind))


def store(conn: Connection, upload: Upload, data: bytes, now: datetime) -> Upload:
    """Keep the file under its digest, once: an identical file already stored stores nothing
    (and keeps its first name).  Two sends of one file at once both succeed: the insert skips
    a digest that is already there."""
    from sqlalchemy.dialects import postgresql, sqlite

    row = {"digest": upload.digest, "media_type": upload.media_type, "size": upload.size,
           "name": upload.name, "stored_at": now, "data": data}
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(UPLOAD).values(**row)
                 .on_conflict_do_nothing(index_elements=["digest"]))
    return upload


def load(conn: Connection, digest: str) -> tuple[Upload, bytes] | None:
    """A stored file by its digest (the full 64 hex digits, or a prefix of at least 8 that
    names one file), or None."""
    u = UPLOAD
    digest = digest.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{8,64}", digest):
        return None
    query = select(u.c.digest, u.c.media_type, u.c.size, u.c.name, u.c.data)
    query = (query.where(u.c.digest == digest) if len(digest) == 64
             else query.where(u.c.digest.like(digest + "%")).limit(2))
    rows = conn.execute(query).all()
    if len(rows) != 1:
        return None
    found, kind, size, name, data = rows[0]
    return Upload(found, kind, size, name), bytes(data)

