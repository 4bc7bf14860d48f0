"""The inbox at the terminal: `tracker inbox` lists what came in; `fetch`, `show`, `accept`,
`reject`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tracker.cli.inboxfetch import fetch
from tracker.cli.output import emit_json
from tracker.cli.params import ROW_ID, BoundedText
from tracker.fieldrules import ACTOR_MAX, NOTE_MAX

if TYPE_CHECKING:
    from tracker.cli.context import Invocation

_STATES = click.Choice(["held", "accepted", "rejected", "done", "claimed", "all"])


@click.group(invoke_without_command=True)
@click.option("--state", type=_STATES, default="held", show_default=True,
              help="Only messages in this state ('all': every one).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def inbox(ctx: click.Context, state: str, as_json: bool) -> None:
    """Agencies' replies, bounces and forms read from the tracker's mailbox.

    Without a subcommand: the messages waiting for staff (held), with sender, region, the
    reminder each answers, the items it reports done and its form.

    \b
    Example:
      tracker inbox
      tracker inbox --state all --json
      tracker inbox show 12
      tracker inbox accept 12 --items 5,6
      tracker inbox reject 13 --note "Хат № 12 тіркелмеген / письмо № 12 не приложено"
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.inbox.review import listing
    from tracker.views.inbox import message_json, render_list

    inv: Invocation = ctx.obj
    with inv.database().reading() as conn:
        rows = listing(conn, None if state == "all" else state)
    plan = inv.plan()
    if as_json:
        emit_json([message_json(plan, row, inv.lang) for row in rows])
        return
    for line in render_list(plan, rows, inv.lang):
        click.echo(line)


@inbox.command("show")
@click.argument("ident", metavar="ID", type=ROW_ID)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show(inv: Invocation, ident: int, as_json: bool) -> None:
    """Print one message: its headers, its new text, its attachments and what is wrong.

    \b
    Example:
      tracker inbox show 12
    """
    from tracker.inbox.letter import read_letter
    from tracker.inbox.review import message
    from tracker.views.inbox import message_json, render_message

    with inv.database().reading() as conn:
        row = message(conn, ident, inv.lang, raw=True)
    plan = inv.plan()
    if as_json:
        emit_json(message_json(plan, row, inv.lang))
        return
    headers = read_letter(bytes(row["raw"])).headers
    for line in render_message(plan, row, headers, inv.lang):
        click.echo(line)


def _items(value: str | None, inv: Invocation) -> tuple[int, ...] | None:
    if value is None:
        return None
    from tracker.errors import UserError
    from tracker.progress.selection import parse_items
    from tracker.wording import say

    if not value.strip():
        raise UserError(say(inv.lang, "inbox.bad_items", value=repr(value)))
    numbers, _ = parse_items([value], inv.plan(), inv.lang)
    return numbers


_NOTE_HELP = "What staff say of it (kept with the decision)."
_BY = click.option("--by", "by", metavar="NAME", type=BoundedText(ACTOR_MAX),
                   help="Who decides [default: $TRACKER_USER or the login name].")


@inbox.command("accept")
@click.argument("ident", metavar="ID", type=ROW_ID)
@click.option("--items", "items", metavar="N,M", help="Only these items (of the recipient's).")
@click.option("--note", default="", type=BoundedText(NOTE_MAX, one_line=False), help=_NOTE_HELP)
@_BY
@click.pass_obj
def accept(inv: Invocation, ident: int, items: str | None, note: str, by: str | None) -> None:
    """Apply a held reply: its items marked and its form recorded, as the agency's, via mail.

    \b
    Example:
      tracker inbox accept 12
      tracker inbox accept 12 --items 5,6 --note "7-тармақ: хат жоқ / п. 7: нет письма"
    """
    from tracker.cli.progress import _actor
    from tracker.inbox.review import accept as accept_message
    from tracker.mail.compose import ranges
    from tracker.wording import say

    chosen = _items(items, inv)
    plan = inv.plan()
    with inv.database().writing() as conn:
        done = accept_message(conn, plan, ident, chosen, note, _actor(by), inv.now, inv.lang)
    applied = done.applied
    if applied.form_unit:
        form = say(inv.lang, "inbox.form_recorded", unit=plan.unit_name(applied.form_unit,
                                                                         inv.lang))
    elif done.form_problem:
        form = say(inv.lang, "inbox.form_skipped", problem=done.form_problem)
    else:
        form = say(inv.lang, "inbox.form_none")
    click.echo(say(inv.lang, "inbox.accepted", id=ident, marked=ranges(applied.marked) or "—",
                   n=len(applied.changed), form=form))


@inbox.command("reject")
@click.argument("ident", metavar="ID", type=ROW_ID)
@click.option("--note", required=True, type=BoundedText(NOTE_MAX, one_line=False),
              help="Why (quoted in the answer the agency receives).")
@_BY
@click.pass_obj
def reject(inv: Invocation, ident: int, note: str, by: str | None) -> None:
    """Reject a held message; its sender, when a contact, gets one answer saying why.

    \b
    Example:
      tracker inbox reject 13 --note "Растайтын хат жоқ / нет подтверждающего письма"
    """
    from tracker.cli.progress import _actor
    from tracker.errors import UserError
    from tracker.inbox.review import reject as reject_message
    from tracker.wording import say

    if not note.strip():
        raise UserError(say(inv.lang, "inbox.note_required"))
    plan = inv.plan()
    with inv.database().writing() as conn:
        done = reject_message(conn, plan, ident, note, _actor(by), inv.now, inv.lang)
    if done.answered:
        click.echo(say(inv.lang, "inbox.rejected", id=ident, sender=done.answered))
    else:
        click.echo(say(inv.lang, "inbox.rejected_silent", id=ident,
                       sender=done.sender or "—"))


inbox.add_command(fetch)

COMMANDS = [inbox]
