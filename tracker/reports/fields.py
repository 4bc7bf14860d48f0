"""How a header of the results form is matched and one cell of it is read and written.

The form is a Russian document that ministry staff fill in by hand in Excel, so a cell is read
forgivingly where the meaning is clear (`1 200`, `12.0` from Excel, a header split over two
lines) and refused, with the reason, where it is not (`abc`, `-3`, `31.04.2017`).  Every parse
function raises `CellError`; the importer adds the file, row and column to its message.  Which
columns the form has is the plan's to say (`Plan.results_form`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from tracker.fieldrules import FREE_TEXT_MAX, DayError, read_day, text_problem
from tracker.plan.model import ResultsForm, header_key
from tracker.wording import WordedError

REGION_KEY = "region"
"""The region column's key, which a form file may use as its header (or `unit`)."""

TOTAL_LABEL = "Итого"
TOTAL_WORDS: frozenset[str] = frozenset({"итого", "всего", "барлығы", "барлыгы", "жиыны",
                                         "total"})
"""Region cells that mark a totals row: it is ignored on import, the sums are recomputed."""

_SPACES = re.compile(r"\s+")
_THOUSANDS = re.compile("[ \u00a0\u202f\u2009]")
"""Spaces that separate thousands (`1 200`, as Excel and Word write them).  Not line breaks or
tabs: a cell `1⏎2` holds two figures, and reading it as 12 would be a misread."""
_ENTRY = re.compile(
    r"^(?P<outlet>.+?)\s*,\s*(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})"
    r"\s*(?:,\s*(?P<url>\S+))?$")
_ENTRY_SEPARATOR = re.compile(r"[;\n\r]+")


class CellError(WordedError):
    """A cell that cannot be read; the message says why (in any language: `said`), the caller
    says where."""


@dataclass(frozen=True)
class MediaEntry:
    """One entry of «Освещение в СМИ»: which outlet, when, and a link when there is one."""

    outlet: str
    published_on: date
    url: str | None = None
    id: int | None = None


def header_index(form: ResultsForm) -> dict[str, str]:
    """Normalised header text -> column key: the region column's header, each column's Russian
    header and key, and a header without its explanation in brackets («Кол-во конкурсов»)
    unless that would read as another column too."""
    index: dict[str, str] = {header_key(form.region_header): REGION_KEY,
                             REGION_KEY: REGION_KEY, "unit": REGION_KEY}
    for column in form.columns:
        index[header_key(column.key)] = column.key
        index[header_key(column.header)] = column.key
    shortened: dict[str, set[str]] = {}
    for column in form.columns:
        if "(" in column.header:
            shortened.setdefault(header_key(column.header.split("(", 1)[0]), set()).add(column.key)
    for name, keys in shortened.items():
        if len(keys) == 1 and name and name not in index:
            index[name] = next(iter(keys))
    return index


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


def parse_text(value: object) -> str:
    """A free-text cell («Другие»): what the XLSX and DOCX files made from it can hold, so a
    control character is refused here rather than failing `report export` or `final-report`."""
    text = cell_text(value)
    problem = text_problem(text, FREE_TEXT_MAX)
    if problem:
        raise CellError("cell.text", problem=problem)
    return text


MAX_COUNT = 1_000_000_000
"""More than any region can report, and within the database's 32-bit integer columns."""


def parse_count(value: object) -> int:
    """A whole number >= 0; an empty cell is 0, since a blank in the form means none."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise CellError("cell.not_number", quoted=f"'{value}'")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError("cell.not_number", quoted=f"'{value:g}'")
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        digits = _THOUSANDS.sub("", text)
        if not re.fullmatch(r"[+-]?[0-9]+", digits):
            raise CellError("cell.not_number", quoted=repr(text) if any(
                not ch.isprintable() for ch in text) else f"'{text}'")
        number = int(digits)
    else:
        raise CellError("cell.not_number", quoted=f"'{cell_text(value)}'")
    if number < 0:
        raise CellError("cell.negative", n=number)
    if number > MAX_COUNT:
        raise CellError("cell.too_large", n=number, max=f"{MAX_COUNT:,}")
    return number


def parse_date(text: str) -> date:
    """`YYYY-MM-DD` or the form's own `DD.MM.YYYY`, read as every date is
    (`tracker.fieldrules.read_day`); an impossible day is refused."""
    try:
        return read_day(text)
    except DayError as exc:
        raise CellError(exc.key, **exc.values) from None


def check_url(url: str) -> str:
    """An http(s) link with a host.  No `;` or spaces: the form separates entries with them."""
    value = url.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise CellError("cell.url", value=value)
    if any(ch.isspace() for ch in value) or ";" in value:
        raise CellError("cell.url_space", value=value)
    return value


def check_outlet(outlet: str) -> str:
    """An outlet's name, non-empty, without `;` or line breaks (the entry separators)."""
    value = _SPACES.sub(" ", outlet).strip()
    if not value:
        raise CellError("cell.outlet_empty")
    if ";" in value:
        raise CellError("cell.outlet_semicolon", value=value)
    return value


def parse_media_entry(text: str) -> MediaEntry:
    """`Outlet, date[, url]`: the outlet may itself hold commas, the date is the anchor."""
    value = text.strip()
    match = _ENTRY.match(value)
    if not match:
        raise CellError("cell.entry", value=value)
    url = check_url(match["url"]) if match["url"] else None
    return MediaEntry(check_outlet(match["outlet"]), parse_date(match["date"]), url)


def parse_media(value: object) -> tuple[MediaEntry, ...]:
    """A media coverage cell: entries separated by `;` or line breaks."""
    if value is None:
        return ()
    if not isinstance(value, str):
        raise CellError("cell.entry", value=cell_text(value))
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
