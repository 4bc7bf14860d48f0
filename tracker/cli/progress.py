"""Reading and recording progress: items, regions, mark, unmark, status, history."""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from tracker.cli.evidence import evidence
from tracker.cli.output import emit_json
from tracker.cli.params import ROW_ID, BoundedText
from tracker.fieldrules import ACTOR_MAX, NOTE_MAX

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from tracker.cli.context import Invocation
    from tracker.mail.unmark import Notice

_STATE = click.Choice(["pending", "partial", "done"])


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--region", "region", metavar="R", help="Only items with work in this region.")
@click.option("--body", "body", metavar="B", help="Only items this body is responsible for.")
@click.option("--state", type=_STATE, help="Only items in this state (in --region, or overall).")
@click.pass_obj
def items(inv: Invocation, as_json: bool, region: str | None, body: str | None,
          state: str | None) -> None:
    """List the plan's measures with completion form, deadline and responsible bodies.

    \b
    Example:
      tracker items --region aktobe --state pending
      tracker --lang ru items --json
    """
    from tracker.progress.selection import check_body, parse_units
    from tracker.progress.status import load_grid
    from tracker.views.plan import item_json, render_items

    plan = inv.plan()
    body = check_body(body, plan, inv.lang)
    units = parse_units([region], plan, inv.lang) if region else None
    chosen = [i for i in plan.items
              if (body is None or body in i.responsible)
              and (units is None or any(u in plan.units_of(i) for u in units))]
    if state is not None:
        with inv.database().reading() as conn:
            grid = load_grid(conn, plan, inv.now, units=units)
        states: dict[int, set[str]] = {}
        for cell in grid.cells:
            states.setdefault(cell.item, set()).add(cell.state)
        chosen = [i for i in chosen if _overall(states.get(i.number, set())) == state]
    if as_json:
        emit_json([item_json(plan, i, inv.lang) for i in chosen])
        return
    click.echo(render_items(plan, chosen, inv.lang))


def _overall(states: set[str]) -> str:
    if states and states == {"done"}:
        return "done"
    if states & {"done", "partial"}:
        return "partial"
    return "pending"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def regions(inv: Invocation, as_json: bool) -> None:
    """List the regions with their keys and time zones.

    \b
    Example:
      tracker regions --json
    """
    from zoneinfo import ZoneInfo

    from tracker.views.plan import region_json

    plan = inv.plan()
    if as_json:
        emit_json(region_json(plan))
        return
    for region in plan.regions:
        offset = datetime.combine(plan.window_first_day, datetime.min.time(),
                                  ZoneInfo(region.timezone)).strftime("%z")
        click.echo(f"{region.key:<18} {region.timezone:<15} UTC{offset[:3]}  "
                   f"{region.name.get(inv.lang)}")


def _actor(by: str | None) -> str:
    if by:
        return by
    import getpass

    try:
        actor = os.environ.get("TRACKER_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
    from tracker.fieldrules import line_problem

    problem = line_problem(actor, ACTOR_MAX)
    if problem:
        from tracker.errors import UserError

        raise UserError(f"TRACKER_USER (who records it, or give --by) {problem}")
    return actor


def _parse_on(value: str | None, lang: str) -> date | datetime | None:
    if value is None:
        return None
    from tracker.cli.params import day_or_moment_option

    return day_or_moment_option(value, "--on", lang)


def _change(inv: Invocation, action: str, item_args: tuple[str, ...], region: tuple[str, ...],
            body: str | None, note: str, by: str | None, on: str | None) -> None:
    from tracker.progress.marking import apply
    from tracker.progress.selection import select
    from tracker.views.marks import render_change

    plan = inv.plan()
    on_day = _parse_on(on, inv.lang)
    selection = select(plan, item_args, region, body, inv.lang)
    db = inv.database()
    with db.writing() as conn:  # one transaction: the change, and an unmark's mail with it
        result = apply(conn, plan, selection, action, actor=_actor(by), note=note,
                       now=inv.now, on=on_day, lang=inv.lang)
        notice = _tell_agencies(conn, inv, result.changed, note) if action == "unmark" \
            else None
    click.echo(render_change(plan, result, action, inv.lang))
    if notice is not None:
        _said(inv, notice)


def _tell_agencies(conn: Connection, inv: Invocation, changed: list[tuple[int, str, str]],
                   note: str) -> Notice:
    """Agencies whose own reports were just unmarked get the "not accepted" mail, through the
    outbox (tracker.mail.unmark), recorded in the unmark's transaction."""
    from tracker.mail.unmark import notify

    return notify(conn, inv.plan(), inv.db_url, changed, note, inv.now)


def _said(inv: Invocation, notice: Notice) -> None:
    """What staff are told of the mail: how many were recorded, or why none could be."""
    from tracker.wording import say

    if notice.problem is not None:
        click.echo(say(inv.lang, "unmark.no_mail", reason=notice.problem), err=True)
    elif notice.recorded:
        click.echo(say(inv.lang, "unmark.mail", n=notice.recorded))


_ITEMS = click.argument("item_args", metavar="ITEM...", nargs=-1, required=True)
_REGION = click.option("--region", "-r", "region", multiple=True, metavar="R",
                       help="Region key or name (repeat or comma-separate), 'all' or "
                            "'national'.")
_BODY = click.option("--body", "-b", "body", metavar="B", help="Only this responsible body.")
_NOTE = click.option("--note", "-n", "note", default="", type=BoundedText(NOTE_MAX, one_line=False),
                     help="Why, or the reference document.")
_BY = click.option("--by", "by", metavar="NAME", type=BoundedText(ACTOR_MAX),
                   help="Who records it [default: $TRACKER_USER or the login name].")


@click.command()
@_ITEMS
@_REGION
@_BODY
@_NOTE
@_BY
@click.option("--on", "on", metavar="DATE",
              help="When the work was done: 2017-04-12, 12.04.2017 or a moment with its offset "
                   "(default: now).")
@click.pass_obj
def mark(inv: Invocation, item_args: tuple[str, ...], region: tuple[str, ...], body: str | None,
         note: str, by: str | None, on: str | None) -> None:
    """Record items as done for regions (all their bodies, or one with --body).

    ITEM is a number, a range (5-11) or a list (1,3,5-7).  One transaction per command: either
    everything is recorded or nothing is.

    \b
    Example:
      tracker mark 5-11 --region aktobe --body education --note "Хат № 12, 14.04"
      tracker mark 26 --region national --by "А. Сейтқали"
      tracker mark 2 --region "Ақтөбе облысы" --on 12.04.2017
    """
    _change(inv, "mark", item_args, region, body, note, by, on)


@click.command()
@_ITEMS
@_REGION
@_BODY
@_NOTE
@_BY
@click.pass_obj
def unmark(inv: Invocation, item_args: tuple[str, ...], region: tuple[str, ...], body: str | None,
           note: str, by: str | None) -> None:
    """Undo a mark: record items as not done (kept in history with your note).

    \b
    Example:
      tracker unmark 7 --region aktobe --note "marked by mistake"
    """
    _change(inv, "unmark", item_args, region, body, note, by, None)


@click.command()
@click.option("--region", "region", metavar="R", help="Show one region item by item.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def status(inv: Invocation, region: str | None, as_json: bool) -> None:
    """Show the item × region grid with completion per region and per item.

    \b
    Example:
      tracker status
      tracker status --region aktobe
      tracker status --json
    """
    from tracker.cli.output import emit_json_text
    from tracker.progress.selection import parse_units
    from tracker.progress.status import load_grid
    from tracker.views.grid import render_grid, render_unit
    from tracker.views.status import status_json_text

    plan = inv.plan()
    units = list(parse_units([region], plan, inv.lang)) if region else None
    if units is not None and len(units) != 1:
        from tracker.errors import UserError
        from tracker.wording import say

        raise UserError(say(inv.lang, "error.one_region"))
    from tracker.progress.history import latest_marks

    with inv.database().reading() as conn:
        grid = load_grid(conn, plan, inv.now, units=units)
        marks = latest_marks(conn, units, until=inv.now) if units and not as_json else None
    if as_json:
        emit_json_text(status_json_text(plan, grid))
    elif units:
        click.echo(render_unit(plan, grid, units[0], inv.lang, marks))
    else:
        click.echo(render_grid(plan, grid, inv.lang))


@click.command()
@click.argument("item", required=False, type=int)
@click.option("--region", "region", metavar="R", help="Only this region (or national).")
@click.option("--limit", type=ROW_ID, help="Only the newest N events.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def history(inv: Invocation, item: int | None, region: str | None, limit: int | None,
            as_json: bool) -> None:
    """Show who marked or unmarked what, when, and their notes (oldest first), up to --now.

    \b
    Example:
      tracker history 5 --region aktobe
    """
    from tracker.errors import UserError
    from tracker.progress.history import load_history
    from tracker.progress.selection import parse_units
    from tracker.views.history import history_json, render_history
    from tracker.wording import say

    plan = inv.plan()
    if item is not None and item not in plan.items_by_number:
        raise UserError(say(inv.lang, "error.unknown_item", n=item,
                            first=min(plan.items_by_number), last=max(plan.items_by_number)))
    units = list(parse_units([region], plan, inv.lang)) if region else None
    with inv.database().reading() as conn:
        entries = load_history(conn, item=item, units=units, limit=limit, until=inv.now)
    if as_json:
        emit_json(history_json(entries))
        return
    click.echo(render_history(plan, entries, inv.lang))


COMMANDS = [items, regions, mark, unmark, status, history, evidence]
