"""Errors that the CLI turns into one-line messages and exit statuses.

A user's mistake (bad file, unknown item, wrong option) is a `UserError`: exit status 2, the
database untouched.  Something that went wrong at run time (server down, authentication refused)
is a `RuntimeFailure`: exit status 1.  Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input from the person at the terminal; exit status 2, nothing changed."""

    exit_code = 2


class RuntimeFailure(Exception):
    """The command could not complete for a reason outside the input; exit status 1."""

    exit_code = 1


class PlanError(UserError):
    """A plan file that cannot be used; the message names file, line and field."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.detail = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")
