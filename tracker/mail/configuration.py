"""A mistake in the mail settings, said in the reader's language.

The mail library (notifications.settings) names the variable in English for any application;
its common problems also carry a reason and details, which become a phrase of
`tracker.wording` here.  Any other problem keeps the library's words after a translated prefix.
"""

from __future__ import annotations

from typing import TypeVar

from notifications.errors import SmtpConfigError
from tracker.errors import Phrase, RuntimeFailure, UserError

E = TypeVar("E", UserError, RuntimeFailure)


def configuration_error(exc: SmtpConfigError, kind: type[E]) -> E:
    """`exc` as a `kind` (a user's mistake or a run-time failure) with a phrase in every
    language."""
    if exc.reason == "required":
        return kind.said("mail.required", **exc.details,
                         what=Phrase(f"mail.what.{exc.details['variable']}"))
    if exc.reason is not None:
        return kind.said(f"mail.{exc.reason}", **exc.details)
    return kind.said("mail.config", detail=exc)
