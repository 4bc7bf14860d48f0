"""Types of the command line's numbers, bounded where the database and the clock need it.

Light on purpose (click and the field rules only): the command modules declare their options
with these at import, and `tracker --help` must not load the database's libraries.
"""

from __future__ import annotations

from typing import Any

import click

from tracker.fieldrules import ROW_ID_MAX, finite_problem, line_problem, text_problem

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
