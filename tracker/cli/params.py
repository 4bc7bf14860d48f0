"""Types of the command line's numbers, bounded where the database and the clock need it.

Light on purpose (click and the field rules only): the command modules declare their options
with these at import, and `tracker --help` must not load the database's libraries.
"""

from __future__ import annotations

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
