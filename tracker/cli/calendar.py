"""`tracker calendar export`: a recipient's calendar feed written to a file.

The same feed as GET /r/{token}/calendar.ics at their link, for someone who imports a file
instead of subscribing (or for staff to send it by mail).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.params import BoundedText

if TYPE_CHECKING:
    from tracker.cli.context import Invocation


@click.group()
def calendar() -> None:
    """Recipients' deadlines and reminder stages as iCalendar files."""


@calendar.command("export")
@click.option("--to", "email", required=True, type=BoundedText(320),
              help="The recipient (an agency's or a manager's address in the contacts).")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.pass_obj
def export(inv: Invocation, email: str, file: Path) -> None:
    """Write the calendar of a recipient's deadlines (with alarms at the reminder stages) to
    FILE, in the recipient's language, as of `--now`.

    \b
    Example:
      tracker calendar export --to edu@akmola.example akmola.ics
    """
    from tracker.deadlinecalendar import deadline_calendar
    from tracker.errors import UserError
    from tracker.wording import say

    plan = inv.plan()
    with inv.database().reading() as conn:
        feed = deadline_calendar(conn, plan, email, inv.now)
    if feed is None:
        raise UserError.said("link.unknown_recipient", email=email.strip())
    try:
        file.write_bytes(feed.to_ical())
    except OSError as exc:
        raise UserError.said("calendar.cannot_write", file=str(file),
                             reason=exc.strerror or type(exc).__name__) from None
    click.echo(say(inv.lang, "calendar.written", file=str(file), email=email.strip().lower(),
                   events=len(feed.walk("VEVENT"))))


COMMANDS = [calendar]
