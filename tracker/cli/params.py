"""Types of the command line's numbers, bounded where the database and the clock need it.

Light on purpose (click and the field rules only): the command modules declare their options
with these at import, and `tracker --help` must not load the database's libraries.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import click

from tracker.fieldrules import (
    ROW_ID_MAX,
    DayError,
    finite_problem,
    line_problem,
    read_day,
    read_day_or_moment,
    text_problem,
)

ROW_ID = click.IntRange(1, ROW_ID_MAX)
"""An outbox row's or media entry's id, or a count (`--limit`): within the database's integers,
so a number too big for them is a usage error, not a driver's overflow."""


class FiniteFloatRange(click.FloatRange):
    """click's FloatRange, refusing NaN and infinity, which pass its `>=` and `<=` checks."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        number = click.FLOAT.convert(value, param, ctx)
        problem = finite_problem(number)
        if problem:
            self.fail(problem, param, ctx)
        return float(super().convert(number, param, ctx))


class BoundedText(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2 only
    """Text within `maximum` characters: one line (`--by`, `--outlet`), or free text with tabs
    and line breaks (`--note`, a report's text column), checked by the shared field rules."""

    name = "text"

    def __init__(self, maximum: int, one_line: bool = True) -> None:
        self.maximum = maximum
        self.one_line = one_line

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        text = str(value)
        problem = (line_problem if self.one_line else text_problem)(text, self.maximum)
        if problem:
            self.fail(problem, param, ctx)
        return text


IDS_MAX = 100_000
"""Outbox ids one command may name (ranges included): a typo such as `1-99999999` is refused
before a list of that size is built."""
_ID_PART = re.compile(r"([0-9]{1,18})(?:-([0-9]{1,18}))?", re.ASCII)


class RowIds(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2 only
    """Outbox ids as people write them: `5`, `5,7`, `10-20`, `5,10-20`; each within ROW_ID."""

    name = "ids"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        ids: list[int] = []
        for part in str(value).split(","):
            found = _ID_PART.fullmatch(part.strip())
            if found is None:
                self.fail(f"{str(value)[:40]!r} is not an id, a range or a list of them "
                          "(e.g. 5, 10-20 or 5,7)", param, ctx)
            first = int(found[1])
            last = int(found[2]) if found[2] else first
            if not 1 <= first <= last <= ROW_ID_MAX:
                self.fail(f"{part.strip()!r}: ids run from 1 to {ROW_ID_MAX:,}, a range from "
                          "low to high", param, ctx)
            if last - first + len(ids) >= IDS_MAX:
                self.fail(f"{str(value)[:40]!r} names more than {IDS_MAX:,} ids: use --state",
                          param, ctx)
            ids.extend(range(first, last + 1))
        return tuple(ids)


ROW_IDS = RowIds()


def day_option(value: str, option: str, lang: str) -> date:
    """A date option (`report media add --date`, the days of `simulate`) read as every date is
    (`tracker.fieldrules.read_day`: 2017-04-12 or 12.04.2017); refused in one line naming the
    value and the option, in the reader's language."""
    try:
        return read_day(value)
    except DayError as exc:
        raise _refusal(exc, option, lang, "day.format") from None


def day_or_moment_option(value: str, option: str, lang: str) -> date | datetime:
    """A date (see `day_option`) or an ISO-8601 moment with its offset (`mark --on`)."""
    try:
        return read_day_or_moment(value)
    except DayError as exc:
        raise _refusal(exc, option, lang, "error.date_or_moment") from None


def _refusal(exc: DayError, option: str, lang: str, format_key: str) -> Exception:
    from tracker.errors import UserError
    from tracker.wording import say

    said = say(lang, format_key, value=exc.value) if exc.reason == "format" else exc.said(lang)
    return UserError(f"{option}: {said}")
