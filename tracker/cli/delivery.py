"""The exit status of a command that sends mail (`remind send`, `digest --send`), decided here.

A cron job or a systemd timer sees only the exit status: a run that could not reach the server,
or in which any mail failed or became uncertain, exits 1 after its summary line (which stays as
it was), with one line saying why.  Mail the server asked to retry later (4xx) is not a failure
of the run: the next one sends it, or fails it at the retry bound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.errors import RuntimeFailure

if TYPE_CHECKING:
    from tracker.mail.sender import DeliverySummary


def finish_delivery(summary: DeliverySummary, lang: str, not_composed: int = 0) -> None:
    """Raise the run's failure (exit 1) in the reader's language, if it had one (see
    `DeliverySummary.trouble`)."""
    trouble = summary.trouble(not_composed, lang)
    if trouble is not None:
        raise RuntimeFailure(trouble)
