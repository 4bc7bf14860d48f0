"""`tracker inbox fetch`: read new mail from the IMAP folder into the inbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tracker.cli.context import Invocation


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def fetch(inv: Invocation, as_json: bool) -> None:
    """Read new mail from the mailbox (TRACKER_IMAP_*) and record each message once.

    Each new message is recorded, read (reply, bounce, automatic reply or other) and moved to
    TRACKER_IMAP_DONE_FOLDER (never deleted); several fetches at once share the work.  Exit
    status 2 on a bad TRACKER_IMAP_* setting, 1 when the server cannot be reached or refuses
    the login (the password is never shown).

    \b
    Example:
      tracker inbox fetch
      tracker inbox fetch --json
    """
    from tracker.cli.output import emit_json
    from tracker.errors import UserError
    from tracker.inbox.fetch import fetch_inbox
    from tracker.inbox.settings import ImapSettings, configured
    from tracker.wording import Phrase, say

    if not configured():
        raise UserError.said("inbox.not_set")
    settings = ImapSettings.from_env()
    summary = fetch_inbox(inv.database(), settings, inv.now)
    if as_json:
        emit_json(summary.as_json())
        return
    kinds = {kind: summary.kinds.get(kind, 0)
             for kind in ("reply", "bounce", "auto_reply", "other", "duplicate", "unreadable")}
    click.echo(say(inv.lang, "inbox.fetched", folder=summary.folder, new=summary.new,
                   **kinds, done=summary.done_folder, moved=summary.moved,
                   resumed=Phrase("inbox.resumed", n=summary.resumed) if summary.resumed
                   else "",
                   others=Phrase("inbox.others", n=summary.others) if summary.others else ""))
