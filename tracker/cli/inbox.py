"""The inbox at the terminal: `tracker inbox` lists what came in; `fetch`, `show`, `accept`,
`reject`."""

from __future__ import annotations

import click

from tracker.cli.inboxfetch import fetch


@click.group(invoke_without_command=True)
@click.pass_context
def inbox(ctx: click.Context) -> None:
    """Agencies' replies, bounces and forms read from the tracker's mailbox."""


inbox.add_command(fetch)

COMMANDS = [inbox]
