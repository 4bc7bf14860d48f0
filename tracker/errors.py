"""Errors that the CLI turns into one-line messages and exit statuses.

A user's mistake (bad file, unknown item, wrong option) is a `UserError`: exit status 2, the
database untouched.  Something that went wrong at run time (server down, authentication refused)
is a `RuntimeFailure`: exit status 1.  Anything else is a bug and keeps its traceback.

The layer that finds a problem seldom knows who reads about it: the outbox, the database and the
mail settings are used by the daemon (whose log is English, for operators) as well as by a
command at the terminal.  So an error made with `said` carries a phrase of `tracker.wording`
(its key and values), its `str()` English for logs, and the CLI says it in the reader's
language (`in_language`).
"""

from __future__ import annotations

from typing import Self

from tracker.wording import Phrase

__all__ = ["Phrase", "PlanError", "RuntimeFailure", "UserError"]


class _Reported(Exception):
    """An error the CLI reports in one line; `said` gives it words in every language."""

    exit_code = 1
    phrase: Phrase | None = None

    @classmethod
    def said(cls, key: str, /, **values: object) -> Self:
        """The error whose message is the phrase `key` of `tracker.wording` with `values`."""
        phrase = Phrase(key, **values)
        error = cls(str(phrase))
        error.phrase = phrase
        return error

    def in_language(self, lang: str) -> str:
        """The message in `lang` (an error made without `said` has only its own text)."""
        return self.phrase.in_language(lang) if self.phrase is not None else str(self)


class UserError(_Reported):
    """Bad input from the person at the terminal; exit status 2, nothing changed."""

    exit_code = 2


class RuntimeFailure(_Reported):
    """The command could not complete for a reason outside the input; exit status 1."""

    exit_code = 1


class PlanError(UserError):
    """A plan file that cannot be used; the message names file, line and field.

    The reader of a plan or contacts file is not known where the file is read, so the problem
    may come as a phrase of `tracker.wording` (`key` and `values`): `message` is its English,
    `in_language(lang)` the line in the reader's language, the `file:line` kept as it is."""

    def __init__(self, source: str, line: int | None, message: str, key: str | None = None,
                 values: dict[str, object] | None = None) -> None:
        self.source = source
        self.line = line
        self.detail = message
        self.key = key
        self.values = values or {}
        self.where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{self.where}: {message}")

    @classmethod
    def worded(cls, source: str, line: int | None, key: str, /, **values: object) -> PlanError:
        """The error whose problem is the phrase `key` of `tracker.wording` with `values`."""
        from tracker.wording import say

        return cls(source, line, say("en", key, **values), key, values)

    def in_language(self, lang: str) -> str:
        """`file:line: problem` in `lang` (an error made without a key has only its English)."""
        if self.key is None:
            return str(self)
        from tracker.wording import say

        return f"{self.where}: {say(lang, self.key, **self.values)}"
