"""What a field may hold when it enters the tracker: one set of rules for every door.

The plan, the contacts, the results report and the command line each check their fields here,
once, when they are read.  The limits are those of the store's columns and of the steps that use
a value later (calendar arithmetic, mail headers, XLSX and DOCX files), so a value accepted at
the door cannot fail further on, and both backends refuse alike: SQLite would keep a
65-character key that PostgreSQL refuses, and a control character in a name stops a mail only
when it is sent.  Each check returns what is wrong (or None), so each door says it in its own
words: file and line for a YAML file, the option for the command line.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from tracker.wording import WordedError

KEY_MAX = 64
"""Keys of campaigns, regions, bodies, sections, forms and milestones: String(64) columns."""
ACTOR_MAX = 200
"""Who marked something (`--by`): the event.actor column."""
ADDRESS_MAX = 320
"""An email address: the contact.email column (RFC 5321 allows 64 + 1 + 255)."""
NAME_MAX = 200
"""A person's name, as it goes into a mail's To header."""
PHONE_MAX = 40
"""The coordinator's phone, as every reminder's footer shows it."""
TITLE_MAX = 2000
"""A title, name or other phrase of the plan."""
NOTE_MAX = 2000
"""A note kept with a mark or an outbox resolution."""
FREE_TEXT_MAX = 10_000
"""A free-text cell of the results report (well inside a spreadsheet cell's 32,767)."""
ROW_ID_MAX = 2**31 - 1
"""Row ids and counts given on the command line: PostgreSQL's integer columns."""
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2100, 12, 31)
"""Dates a plan or the clock may name: calendar arithmetic around them (stages, offsets, the
digest's weeks) stays far inside what Python's dates can hold."""
STAGE_DAYS_MAX = 366
"""A reminder at most a year before its deadline."""

_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_TEXT_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
"""What XLSX (openpyxl) and DOCX (XML) cannot hold, and what would move a terminal's cursor:
C0 and C1 control characters, Unicode line separators, lone surrogates and non-characters."""


def _shown(character: str) -> str:
    return f"U+{ord(character):04X}"


def line_problem(value: str, maximum: int) -> str | None:
    """What is wrong with a one-line value (a key, name, title, address), or None."""
    found = _LINE_FORBIDDEN.search(value)
    if found:
        kind = "a line break" if found.group() in "\r\n\u2028\u2029" else "a control character"
        return f"contains {kind} ({_shown(found.group())})"
    if len(value) > maximum:
        return f"is {len(value):,} characters long (at most {maximum:,})"
    return None


def text_problem(value: str, maximum: int) -> str | None:
    """What is wrong with free text that may hold tabs and line breaks, or None."""
    found = _TEXT_FORBIDDEN.search(value)
    if found:
        return f"contains a control character ({_shown(found.group())})"
    if len(value) > maximum:
        return f"is {len(value):,} characters long (at most {maximum:,})"
    return None


def date_problem(value: date) -> str | None:
    """What is wrong with a date a plan or command names, or None."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        return f"{value.isoformat()} is outside {EARLIEST_DATE.year}-{LATEST_DATE.year}"
    return None


_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)
_DAY_FIRST = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", re.ASCII)


class DayError(WordedError):
    """A typed date that cannot be read: `reason` is `format` (not written as a date),
    `impossible` (31.04.2017) or `range` (outside the dates a plan may name)."""

    def __init__(self, value: str, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"day.{reason}", value=value, first=EARLIEST_DATE.year,
                         last=LATEST_DATE.year)


def read_day(text: str) -> date:
    """A day as people write it, on the command line or in a form: ISO `2017-04-12` or the
    ministry's `12.04.2017`; an impossible day or one outside the plan's dates is refused.
    The one reading of a date for every door (`mark --on`, `simulate --from`, `report media
    add --date`, the media cells of an imported form)."""
    value = text.strip()
    iso, day_first = _ISO_DAY.match(value), _DAY_FIRST.match(value)
    parts = (iso[1], iso[2], iso[3]) if iso else (
        (day_first[3], day_first[2], day_first[1]) if day_first else None)
    if parts is None:
        raise DayError(value, "format")
    try:
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise DayError(value, "impossible") from None
    if date_problem(day):
        raise DayError(value, "range")
    return day


def read_day_or_moment(text: str) -> date | datetime:
    """A day (see `read_day`) or an ISO-8601 moment with its UTC offset (`2017-04-12T10:00+05:00`,
    or with a space for the T); a moment's date is held to the same range."""
    value = text.strip()
    if "T" not in value and " " not in value:
        return read_day(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise DayError(value, "format") from None
    if moment.tzinfo is None:
        raise DayError(value, "format")
    if date_problem(moment.date()):
        raise DayError(value, "range")
    return moment


def finite_problem(value: float) -> str | None:
    """NaN and infinity pass every `>=` bound the wrong way: refuse them first."""
    if not math.isfinite(value):
        return f"{value} is not a finite number"
    return None
