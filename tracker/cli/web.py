"""The web side at the terminal: `tracker serve`, `tracker links show|revoke`."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from tracker.cli.params import BoundedText

if TYPE_CHECKING:
    from tracker.cli.context import Invocation

_EMAIL = BoundedText(320)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the reverse proxy's side).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (safe on PostgreSQL; SQLite takes one writer at a time).")
@click.pass_obj
def serve(inv: Invocation, host: str, port: int, workers: int) -> None:
    """Serve the agencies' reporting pages and the managers' dashboard (uvicorn).

    Run it behind a reverse proxy that terminates TLS, and set TRACKER_PUBLIC_URL to the
    address agencies see; the links in reminders point there.  `--now` starts the server's
    clock at that moment (a simulated campaign day), from where it runs on.

    \b
    Example:
      TRACKER_PUBLIC_URL=https://tracker.bkk.edu.kz tracker serve --port 8080 --workers 2
    """
    import logging

    import uvicorn

    from tracker.web.app import LOG_FORMAT, START_ENV, create_app

    # Everything a worker needs is checked here first, so a mistake is one line, not a crash
    # in each worker.
    app = create_app(inv.db_url, os.environ, inv.now if inv.now_given else None)
    settings = app.state.web.settings
    app.state.web.db.dispose()
    os.environ["TRACKER_DATABASE_URL"] = inv.db_url
    if inv.now_given:
        os.environ[START_ENV] = inv.now.isoformat()
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    trusted = ",".join(str(net) for net in settings.trusted_proxies)
    uvicorn.run("tracker.web.app:from_environment", factory=True, host=host, port=port,
                workers=workers, access_log=False, proxy_headers=bool(trusted),
                forwarded_allow_ips=trusted or None, server_header=False,
                log_level="info")


@click.group()
def links() -> None:
    """Show or revoke a recipient's personal link to the reporting page."""


def _recipient(inv: Invocation, email: str) -> str:
    """The address as links know it (lower-cased), refused unless someone is at it: the same
    question a page asks of its visitor (tracker.mail.recipients.owner_at)."""
    from tracker.errors import UserError
    from tracker.mail.recipients import owner_at

    with inv.database().reading() as conn:
        owner = owner_at(conn, inv.plan(), email)
    if owner is None:
        raise UserError.said("link.unknown_recipient", email=email.strip())
    return email.strip().lower()


@links.command("show")
@click.argument("email", type=_EMAIL)
@click.pass_obj
def links_show(inv: Invocation, email: str) -> None:
    """Print a recipient's link (to hand it over by phone) and until when it is good.

    \b
    Example:
      tracker links show akimat@aktobe.kz
    """
    from tracker.access.links import ensure, expires, page_url, public_url, token_of
    from tracker.access.secretkey import read_key
    from tracker.errors import UserError
    from tracker.timefmt import local
    from tracker.wording import say

    base = public_url(os.environ)
    if base is None:
        raise UserError.said("link.no_public_url")
    address = _recipient(inv, email)
    key = read_key(inv.db_url, os.environ)
    plan = inv.plan()
    with inv.database().writing() as conn:
        link = ensure(conn, plan.key, [address], inv.now)[address]
    until = expires(plan, os.environ)
    click.echo(say(inv.lang, "link.shown", email=address, url=page_url(base, token_of(key, link)),
                   expires=local(until, "Asia/Almaty")))


@links.command("revoke")
@click.argument("email", type=_EMAIL)
@click.pass_obj
def links_revoke(inv: Invocation, email: str) -> None:
    """Revoke a recipient's link at once; mails written from now on carry a new one.

    \b
    Example:
      tracker links revoke akimat@aktobe.kz
    """
    from tracker.access.links import revoke
    from tracker.wording import say

    address = _recipient(inv, email)
    with inv.database().writing() as conn:
        revoke(conn, inv.plan().key, address, inv.now)
    click.echo(say(inv.lang, "link.revoked", email=address))


COMMANDS = [serve, links]
