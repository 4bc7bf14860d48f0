"""The managers' digest: terminal, HTML page, JSON, or mail."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.output import emit_json_text

if TYPE_CHECKING:
    from tracker.cli.context import Invocation


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "html", "json"]), default="text",
              show_default=True, help="How to show it.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Write to FILE instead of the terminal.")
@click.option("--send", is_flag=True,
              help="Mail it to the managers in contacts (once per day) and deliver; exit "
                   "status 1 when the server was unreachable or a mail failed or became "
                   "uncertain.")
@click.option("--since", metavar="ISO-8601", help="List changes after this moment "
              "[default: the previous digest sent].")
@click.pass_obj
def digest(inv: Invocation, fmt: str, as_json: bool, output: Path | None, send: bool,
           since: str | None) -> None:
    """The status digest for managers: completion, what is late and where, missing reports,
    results totals, changes since the previous digest, and mail problems.

    \b
    Example:
      tracker digest
      tracker digest --format html --output digest.html
      tracker digest --send
    """
    from tracker.cli.context import parse_now
    from tracker.digest.data import build_digest
    from tracker.files import write_text_atomically
    from tracker.views.digest import digest_json_text
    from tracker.wording import say

    since_moment = parse_now(since, "--since") if since else None
    fmt = "json" if as_json else fmt
    if send:
        _send(inv)
        return
    plan = inv.plan()
    with inv.database().reading() as conn:
        data = build_digest(conn, plan, inv.now, since_moment)
    if fmt == "json":
        if output:
            import json

            text = json.dumps(json.loads("".join(digest_json_text(data))), ensure_ascii=False,
                              indent=2)
            write_text_atomically(output, text + "\n")
        else:
            emit_json_text(digest_json_text(data))
        return
    if fmt == "html":
        from tracker.digest.render import render_page

        html = render_page(data, "both", first=inv.lang)
        if output:
            write_text_atomically(output, html)
            click.echo(say(inv.lang, "wrote", file=output))
        else:
            click.echo(html)
        return
    from tracker.views.digest import render_text

    lang = inv.lang if inv.lang in ("kk", "ru") else "ru"
    if output:
        write_text_atomically(output, render_text(data, lang))
        click.echo(say(inv.lang, "wrote", file=output))
    else:
        click.echo(render_text(data, lang, color=sys.stdout.isatty()),
                   nl=False)


def _send(inv: Invocation) -> None:
    import asyncio

    from tracker.digest.mail import period_of, record_digest
    from tracker.mail.sender import deliver, smtp_settings
    from tracker.mail.senders import RetryPolicy
    from tracker.wording import say

    settings = smtp_settings()
    period = period_of(inv.plan(), inv.now)
    recorded, managers = record_digest(inv.database(), inv.now, settings.mail_from, period)
    if not managers:
        from tracker.errors import RuntimeFailure

        raise RuntimeFailure(say(inv.lang, "digest.no_managers"))
    summary = asyncio.run(deliver(inv.database(), settings, RetryPolicy.from_env(),
                                  lambda: inv.now))
    if not recorded:
        click.echo(say(inv.lang, "digest.already", period=period, managers=managers))
    else:
        click.echo(say(inv.lang, "digest.recorded", period=period, n=recorded))
    counts = ", ".join(say(inv.lang, "outbox.count", n=n, state=say(inv.lang, _COUNTED[what])
                           if what in _COUNTED else what)
                       for what, n in sorted(summary.counts.items()))
    click.echo(say(inv.lang, "delivery.line", counts=counts or say(inv.lang, "delivery.nothing")))
    from tracker.cli.delivery import finish_delivery

    finish_delivery(summary, inv.lang)


_COUNTED = {"sent": "outbox.sent", "failed": "outbox.failed", "uncertain": "outbox.uncertain",
            "deferred": "delivery.deferred", "waiting": "delivery.waiting",
            "paused": "delivery.paused", "lost_claim": "delivery.lost_claim"}
"""The words for what became of a digest's mails, by the delivery's count keys."""


COMMANDS = [digest]
