"""`tracker inbox fetch`: read new mail from the IMAP folder into the inbox."""

from __future__ import annotations

import click


@click.command()
def fetch() -> None:
    """Read new mail from the mailbox (TRACKER_IMAP_*) and record each message once."""
    raise click.ClickException("not built yet")
