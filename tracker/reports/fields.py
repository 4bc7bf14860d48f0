"""The columns of the 25 April form and how one cell of each is read and written.

The form is a Russian document that ministry staff fill in by hand in Excel, so a cell is read
forgivingly where the meaning is clear (`1 200`, `12.0` from Excel, a header split over two
lines) and refused, with the reason, where it is not (`abc`, `-3`, `31.04.2017`).  Every parse
function raises `CellError`; the importer adds the file, row and column to its message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

COUNT_FIELDS: tuple[str, ...] = (
    "school_assemblies", "class_hours", "contests", "meetings", "debates", "parent_meetings",
    "children_reached")
"""The whole-number columns, in the form's order."""

FIELDS: tuple[str, ...] = (*COUNT_FIELDS, "media_coverage", "other")
"""Every data column of the form, in its order (the region column comes first, apart)."""

REGION_KEY = "region"
REGION_HEADER = "Наименование области"

HEADERS: dict[str, str] = {
    "school_assemblies": "Кол-во общешкольных линеек",
    "class_hours": "Кол-во классных часов",
    "contests": "Кол-во конкурсов (конкурсы плакатов, буклетов, творческих работ, сочинений, "
                "флеш-моб, акции)",
    "meetings": "Кол-во встреч",
    "debates": "Кол-во дебатов",
    "parent_meetings": "Кол-во родительских собраний",
    "children_reached": "Охват детей",
    "media_coverage": "Освещение в СМИ (наименование СМИ, дата размещения)",
    "other": "Другие",
}
"""The form's Russian column headers, exactly as printed in it."""

SHORT_LABELS: dict[str, dict[str, str]] = {
    "ru": {"school_assemblies": "Линейки", "class_hours": "Кл. часы", "contests": "Конкурсы",
           "meetings": "Встречи", "debates": "Дебаты", "parent_meetings": "Род. собр.",
           "children_reached": "Охват детей", "media_coverage": "СМИ", "other": "Другие"},
    "kk": {"school_assemblies": "Линейкалар", "class_hours": "Сынып сағ.",
           "contests": "Байқаулар", "meetings": "Кездесулер", "debates": "Дебаттар",
           "parent_meetings": "Ата-ана жин.", "children_reached": "Балалар",
           "media_coverage": "БАҚ", "other": "Басқалар"},
    "en": {"school_assemblies": "Assemblies", "class_hours": "Class hrs", "contests": "Contests",
           "meetings": "Meetings", "debates": "Debates", "parent_meetings": "Parent mtg",
           "children_reached": "Children", "media_coverage": "Media", "other": "Other"},
}
"""Column headings narrow enough for a terminal table (the full ones are in the exports)."""

TOTAL_LABEL = "Итого"
TOTAL_WORDS: frozenset[str] = frozenset({"итого", "всего", "барлығы", "барлыгы", "жиыны",
                                         "total"})
"""Region cells that mark a totals row: it is ignored on import, the sums are recomputed."""

_SPACES = re.compile(r"\s+")
_THOUSANDS = re.compile(r"[\s\u00a0\u202f\u2009]")
_DAY_FIRST = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ENTRY = re.compile(
    r"^(?P<outlet>.+?)\s*,\s*(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})"
    r"\s*(?:,\s*(?P<url>\S+))?$")
_ENTRY_SEPARATOR = re.compile(r"[;\n\r]+")

ENTRY_EXAMPLE = "«Хабар, 12.04.2017» or «Хабар, 2017-04-12, https://...»"


class CellError(ValueError):
    """A cell that cannot be read; the message says why, the caller says where."""


@dataclass(frozen=True)
class MediaEntry:
    """One entry of «Освещение в СМИ»: which outlet, when, and a link when there is one."""

    outlet: str
    published_on: date
    url: str | None = None
    id: int | None = None


def header_key(text: str) -> str:
    """A header as compared: whitespace and case ignored, so a header typed over two lines
    or with a space lost before its bracket still matches."""
    return _SPACES.sub("", text).casefold()


def _header_index() -> dict[str, str]:
    index: dict[str, str] = {header_key(REGION_HEADER): REGION_KEY,
                             REGION_KEY: REGION_KEY, "unit": REGION_KEY}
    for key, header in HEADERS.items():
        index[header_key(key)] = key
        index[header_key(header)] = key
        if "(" in header:  # «Кол-во конкурсов» without its explanation in brackets
            index[header_key(header.split("(", 1)[0])] = key
    return index


HEADER_INDEX: dict[str, str] = _header_index()
"""Normalised header text (Russian header, short form, or the key) -> column key."""


def column_of(header: str) -> str | None:
    """The column key a header cell names, or None when it names none of the form's."""
    return HEADER_INDEX.get(header_key(header))


def cell_text(value: object) -> str:
    """A cell as text: None is empty; numbers from Excel without a spurious `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat()
    return str(value).strip()


MAX_COUNT = 1_000_000_000
"""More than any region can report, and within the database's 32-bit integer columns."""


def parse_count(value: object) -> int:
    """A whole number >= 0; an empty cell is 0, since a blank in the form means none."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"'{value:g}' is not a whole number")
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        digits = _THOUSANDS.sub("", text)
        if not re.fullmatch(r"[+-]?\d+", digits):
            raise CellError(f"'{text}' is not a whole number")
        number = int(digits)
    else:
        raise CellError(f"'{cell_text(value)}' is not a whole number")
    if number < 0:
        raise CellError(f"'{number}' is negative: counts are whole numbers >= 0")
    if number > MAX_COUNT:
        raise CellError(f"'{number}' is too large: counts are at most {MAX_COUNT:,}")
    return number


def parse_date(text: str) -> date:
    """`YYYY-MM-DD` or the form's own `DD.MM.YYYY`; an impossible day is refused."""
    value = text.strip()
    try:
        match = _DAY_FIRST.match(value)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        if _ISO_DAY.match(value):
            return date.fromisoformat(value)
    except ValueError:
        raise CellError(f"'{value}' is not a valid date") from None
    raise CellError(f"'{value}' is not a date (YYYY-MM-DD or DD.MM.YYYY)")


def check_url(url: str) -> str:
    """An http(s) link with a host.  No `;` or spaces: the form separates entries with them."""
    value = url.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise CellError(f"'{value}' is not an http(s) URL")
    if any(ch.isspace() for ch in value) or ";" in value:
        raise CellError(f"'{value}' contains a space or ';' (write them as %20 or %3B)")
    return value


def check_outlet(outlet: str) -> str:
    """An outlet's name, non-empty, without `;` or line breaks (the entry separators)."""
    value = _SPACES.sub(" ", outlet).strip()
    if not value:
        raise CellError("the outlet's name is empty")
    if ";" in value:
        raise CellError(f"'{value}': an outlet's name cannot contain ';'")
    return value


def parse_media_entry(text: str) -> MediaEntry:
    """`Outlet, date[, url]`: the outlet may itself hold commas, the date is the anchor."""
    value = text.strip()
    match = _ENTRY.match(value)
    if not match:
        raise CellError(f"'{value}' is not «outlet, date» (e.g. {ENTRY_EXAMPLE})")
    url = check_url(match["url"]) if match["url"] else None
    return MediaEntry(check_outlet(match["outlet"]), parse_date(match["date"]), url)


def parse_media(value: object) -> tuple[MediaEntry, ...]:
    """A media coverage cell: entries separated by `;` or line breaks."""
    if value is None:
        return ()
    if not isinstance(value, str):
        raise CellError(f"'{cell_text(value)}' is not «outlet, date» (e.g. {ENTRY_EXAMPLE})")
    return tuple(parse_media_entry(part) for part in _ENTRY_SEPARATOR.split(value)
                 if part.strip())


def format_day(day: date) -> str:
    """Dates as the ministry writes them: 12.04.2017."""
    return day.strftime("%d.%m.%Y")


def format_media_entry(entry: MediaEntry) -> str:
    """`Outlet, DD.MM.YYYY[, url]`, which `parse_media_entry` reads back unchanged."""
    text = f"{entry.outlet}, {format_day(entry.published_on)}"
    return f"{text}, {entry.url}" if entry.url else text


def format_media(entries: tuple[MediaEntry, ...], separator: str) -> str:
    return separator.join(format_media_entry(e) for e in entries)
