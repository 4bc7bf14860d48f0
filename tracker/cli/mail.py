"""Contacts, reminders, the outbox and the daemon."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.output import emit_json
from tracker.cli.params import ROW_ID, ROW_IDS, BoundedText, FiniteFloatRange
from tracker.fieldrules import NOTE_MAX

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tracker.cli.context import Invocation
    from tracker.mail.due import DueMail

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.group()
def contacts() -> None:
    """Check, load and inspect who receives reminders and digests."""


def _read_contacts(inv: Invocation, file: Path) -> Any:
    from tracker.errors import PlanError, UserError
    from tracker.progress.contacts import load_contacts
    from tracker.wording import say

    if not file.exists():
        raise UserError(say(inv.lang, "error.file_missing", file=file))
    try:
        return load_contacts(file, inv.plan(), str(file))
    except PlanError as exc:  # said here, where the reader's language is known
        raise UserError(exc.in_language(inv.lang)) from None


@contacts.command("check")
@click.argument("file", type=_FILE)
@click.pass_obj
def contacts_check(inv: Invocation, file: Path) -> None:
    """Validate a contacts file against the loaded plan (nothing is stored).

    \b
    Example:
      tracker contacts check contacts.yaml
    """
    from tracker.progress.contacts import contact_gaps
    from tracker.wording import say

    book = _read_contacts(inv, file)
    gaps = contact_gaps(inv.plan(), book)
    click.echo(say(inv.lang, "contacts.ok", file=file, agencies=len(book.agencies),
                   managers=len(book.managers))
               + (say(inv.lang, "contacts.ok_gaps", n=len(gaps)) if gaps else ""))


@contacts.command("load")
@click.argument("file", type=_FILE)
@click.pass_obj
def contacts_load(inv: Invocation, file: Path) -> None:
    """Replace the stored contacts with the file's.

    \b
    Example:
      tracker contacts load contacts.yaml
    """
    from tracker.progress.contacts import contact_gaps, store_contacts
    from tracker.wording import say

    book = _read_contacts(inv, file)
    with inv.database().writing() as conn:
        count = store_contacts(conn, book)
    gaps = contact_gaps(inv.plan(), book)
    click.echo(say(inv.lang, "contacts.loaded", n=count, file=file))
    if gaps:
        click.echo(say(inv.lang, "contacts.warning", n=len(gaps)), err=True)


@contacts.command("gaps")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def contacts_gaps(inv: Invocation, as_json: bool) -> None:
    """List required assignments that nobody would be reminded of.

    \b
    Example:
      tracker contacts gaps
    """
    from tracker.progress.contacts import contact_gaps, stored_contacts
    from tracker.wording import say

    plan = inv.plan()
    with inv.database().reading() as conn:
        gaps = contact_gaps(plan, stored_contacts(conn))
    if as_json:
        emit_json([{"unit": g.unit, "body": g.body, "items": list(g.items)} for g in gaps])
        return
    units = {g.unit: plan.unit_name(g.unit, inv.lang) for g in gaps}
    bodies = {g.body: plan.bodies[g.body].name.get(inv.lang) if g.body in plan.bodies else g.body
              for g in gaps}
    widths = (max(18, *map(len, units.values())), max(20, *map(len, bodies.values()))) \
        if gaps else (18, 20)
    for gap in gaps:
        click.echo(f"{units[gap.unit]:<{widths[0]}} {bodies[gap.body]:<{widths[1]}} "
                   + say(inv.lang, "gaps.items", items=", ".join(map(str, gap.items))))
    click.echo(say(inv.lang, "gaps.count", n=len(gaps)) if gaps else say(inv.lang, "gaps.none"))


@contacts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def contacts_list(inv: Invocation, as_json: bool) -> None:
    """Show the loaded contacts: reply address, coordinator, agencies and managers.

    \b
    Example:
      tracker --lang ru contacts list
    """
    from tracker.progress.contacts import stored_contacts
    from tracker.views.contacts import contacts_json, contacts_text

    plan = inv.plan()
    with inv.database().reading() as conn:
        book = stored_contacts(conn)
    if as_json:
        emit_json(contacts_json(book))
        return
    for line in contacts_text(plan, book, inv.lang):
        click.echo(line)


@click.group()
def remind() -> None:
    """Preview or send the reminders due now."""


def _print_mails(inv: Invocation, mails: Sequence[DueMail], late_label: bool = True) -> None:
    from tracker.views.reminders import render_mails

    for line in render_mails(inv.plan(), mails, inv.lang, late_label):
        click.echo(line)


@remind.command("preview")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def remind_preview(inv: Invocation, as_json: bool) -> None:
    """Show what `remind send` would record and deliver at --now (changes nothing).

    \b
    Example:
      tracker --now 2017-04-18T09:30+06:00 remind preview
    """
    from tracker.cli.output import emit_json_text
    from tracker.mail.tick import count_waiting, due_now
    from tracker.views.reminders import preview_json_text

    tick = due_now(inv.database(), inv.now)
    waiting = count_waiting(inv.database(), inv.now)
    if as_json:
        emit_json_text(preview_json_text(tick, waiting))
        return
    from tracker.wording import say

    if tick.closed:
        click.echo(say(inv.lang, "remind.closed"))
        return
    click.echo(say(inv.lang, "remind.preview", due=len(tick.to_send), skip=len(tick.to_skip),
                   waiting=waiting))
    _print_mails(inv, tick.to_send)


@remind.command("send")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True,
              help="SMTP connections used in parallel (at most TRACKER_SMTP_CONNECTIONS).")
@click.pass_obj
def remind_send(inv: Invocation, as_json: bool, workers: int) -> None:
    """Record the reminders due at --now and deliver every pending outbox row.

    Exit status 0 when every mail went (or only waits for a retry the server asked for, 4xx);
    1 when the server was unreachable, any mail of this run failed or became uncertain (see
    `tracker outbox`), or on an authentication or configuration failure.

    \b
    Example:
      tracker remind send
    """
    from tracker.cli.delivery import finish_delivery
    from tracker.mail.tick import send_now

    tick, summary = send_now(inv.database(), lambda: inv.now, workers=workers)
    counts = {k: summary.counts.get(k, 0) for k in
              ("sent", "deferred", "failed", "uncertain")}
    counts["skipped"] = len(tick.to_skip) + tick.closed_rows
    if as_json:
        emit_json({"recorded": tick.recorded, "closed": tick.closed, **counts,
                   "waiting": summary.counts.get("waiting", 0),
                   "paused": summary.counts.get("paused", 0),
                   "requeued": summary.requeued})
        finish_delivery(summary, inv.lang, tick.not_composed)
        return
    from tracker.wording import say

    if tick.closed:
        click.echo(say(inv.lang, "send.closed")
                   + (say(inv.lang, "send.closed_rows", n=tick.closed_rows)
                      if tick.closed_rows else ""))
        return
    click.echo(say(inv.lang, "send.summary", recorded=tick.recorded, **counts))
    if summary.paused:
        click.echo(summary.paused.in_language(inv.lang))
    finish_delivery(summary, inv.lang, tick.not_composed)


def _day_bound(value: str, end: bool, timezone: str, option: str, lang: str) -> datetime:
    from zoneinfo import ZoneInfo

    from tracker.cli.params import day_or_moment_option

    # The days the simulation walks through stay within the dates a plan may name.
    day = day_or_moment_option(value, option, lang)
    if isinstance(day, datetime):
        return day
    from datetime import timedelta

    if end:
        day = day + timedelta(days=1)
    return datetime.combine(day, time(0), ZoneInfo(timezone))


@click.command()
@click.option("--from", "start", required=True, metavar="DATE",
              help="First day (inclusive): 2017-04-01 or 01.04.2017.")
@click.option("--to", "end", required=True, metavar="DATE", help="Last day (inclusive).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def simulate(inv: Invocation, start: str, end: str, as_json: bool) -> None:
    """List every reminder that would go out between two dates if nothing else changed.

    Days are read in the campaign's time zone (Asia/Almaty); nothing is recorded or sent.

    \b
    Example:
      tracker simulate --from 2017-04-01 --to 2017-05-15
    """
    from tracker.cli.output import emit_json_text
    from tracker.errors import UserError
    from tracker.mail.tick import simulate_mails
    from tracker.views.reminders import mails_json_text

    plan = inv.plan()
    first = _day_bound(start, False, plan.timezone, "--from", inv.lang)
    last = _day_bound(end, True, plan.timezone, "--to", inv.lang)
    if last <= first:
        from tracker.wording import say

        raise UserError(say(inv.lang, "error.days_backwards", end=end, start=start))
    mails = simulate_mails(inv.database(), first, last, inv.now)
    if as_json:
        emit_json_text(mails_json_text(mails))
        return
    from tracker.wording import say

    _print_mails(inv, mails, late_label=False)
    click.echo(say(inv.lang, "remind.mails", n=len(mails)))


class _OutboxStates(click.Choice[str]):
    """`tracker.mail.outbox.OutboxState`'s values, read when first needed: registering the
    command must not import the database layer (`tracker --help` stays light)."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from tracker.mail.outbox import OutboxState

        return tuple(state.value for state in OutboxState)

    @choices.setter
    def choices(self, _: tuple[str, ...]) -> None:
        pass


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--state", type=_OutboxStates(), help="Only rows in this state.")
@click.pass_context
def outbox(ctx: click.Context, as_json: bool, state: str | None) -> None:
    """List the outbox: every reminder recorded, and what became of it.

    \b
    Example:
      tracker outbox --state uncertain
      tracker outbox resolve 42 --as sent --note "confirmed by phone"
    """
    if ctx.invoked_subcommand is not None:
        return
    from tracker.mail.backlog import list_rows
    from tracker.timefmt import iso_utc

    inv: Invocation = ctx.obj
    with inv.database().reading() as conn:
        rows = list_rows(conn, state)
    if as_json:
        emit_json([{**row, **{k: iso_utc(row[k]) for k in
                              ("send_at", "recorded_at", "next_attempt_at", "finished_at")}}
                   for row in rows])
        return
    from tracker.views.outbox import render_outbox

    for line in render_outbox(inv.plan(), rows, inv.lang):
        click.echo(line)


@outbox.command("resolve")
@click.argument("row_id", metavar="ID", type=ROW_ID)
@click.option("--as", "outcome", type=click.Choice(["sent", "failed"]), required=True,
              help="What you found out happened.")
@click.option("--note", default="", type=BoundedText(NOTE_MAX, one_line=False),
              help="How you found out.")
@click.pass_obj
def outbox_resolve(inv: Invocation, row_id: int, outcome: str, note: str) -> None:
    """Settle an uncertain or failed row after checking with the recipient."""
    from tracker.mail.outbox import resolve
    from tracker.wording import say

    with inv.database().writing() as conn:
        resolve(conn, row_id, outcome, note, inv.now)
    click.echo(say(inv.lang, "outbox.resolved", id=row_id,
                   outcome=say(inv.lang, f"outbox.{outcome}")))


CONFIRM_ABOVE = 10
"""A retry of more rows than this needs --yes: a slip in a range or a state must not resend
hundreds of mails unseen."""


@outbox.command("retry")
@click.argument("ids", metavar="[IDS]...", nargs=-1, type=ROW_IDS)
@click.option("--state", "state", type=click.Choice(["failed", "uncertain"]),
              help="Retry every row in this state (instead of IDS).")
@click.option("--yes", is_flag=True, help=f"Confirm a retry of more than {CONFIRM_ABOVE} rows.")
@click.pass_obj
def outbox_retry(inv: Invocation, ids: tuple[tuple[int, ...], ...], state: str | None,
                 yes: bool) -> None:
    """Queue failed or uncertain rows to be sent again by the next run, from --now.

    IDS are ids, ranges and lists (`5 7 10-20`, `5,7`); --state takes every row in that state
    (failed rows that could not be composed are left out: they have no message).  All or
    nothing: an id that does not exist or is not failed or uncertain changes nothing (exit
    status 2).  More than 10 rows need --yes; without it the count is printed, exit status 2.

    \b
    Example:
      tracker outbox retry 43
      tracker outbox retry 5 7 10-20
      tracker --now 2017-04-18T12:00+06:00 outbox retry --state failed --yes
    """
    from tracker.errors import UserError
    from tracker.mail.outbox import OutboxState, check_retry, retry, retry_candidates
    from tracker.mail.schedule import campaign_closes
    from tracker.wording import say

    if bool(ids) == bool(state):
        raise UserError(say(inv.lang, "retry.both" if ids else "retry.neither"))
    closes = campaign_closes(inv.plan())
    if inv.now >= closes:
        raise UserError(say(inv.lang, "retry.closed", now=inv.now.isoformat(timespec="minutes"),
                            closes=closes.isoformat(timespec="minutes")))
    left_out = 0
    with inv.database().writing() as conn:
        if state:
            chosen, left_out = retry_candidates(conn, OutboxState(state))
        else:
            chosen = sorted({row_id for group in ids for row_id in group})
            check_retry(conn, chosen)
        if len(chosen) > CONFIRM_ABOVE and not yes:
            raise UserError(say(inv.lang, "retry.confirm", n=len(chosen)))
        count = retry(conn, chosen, inv.now)
    skipped = say(inv.lang, "retry.left_out", n=left_out) if left_out else ""
    if count == 1 and not state:
        click.echo(say(inv.lang, "retry.one", id=chosen[0], left_out=skipped))
    elif count:
        click.echo(say(inv.lang, "retry.many", n=count, ids=_id_ranges(chosen),
                       left_out=skipped))
    else:
        click.echo(say(inv.lang, "retry.none", left_out=skipped))


def _id_ranges(ids: Sequence[int]) -> str:
    """`5, 7, 10-20` for the ids, runs written as ranges (the first few runs only)."""
    runs: list[list[int]] = []
    for row_id in ids:
        if runs and row_id == runs[-1][1] + 1:
            runs[-1][1] = row_id
        else:
            runs.append([row_id, row_id])
    shown = [f"{a}-{b}" if b > a else str(a) for a, b in runs[:10]]
    return ", ".join(shown) + (", ..." if len(runs) > 10 else "")


@click.command()
@click.option("--tick", "tick", type=FiniteFloatRange(min=0.1, max=86_400.0), default=60.0,
              show_default=True,
              metavar="SECONDS", help="How often to look for due mail.")
@click.option("--once", is_flag=True, help="Run one tick and exit.")
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True,
              help="SMTP connections used in parallel (at most TRACKER_SMTP_CONNECTIONS).")
@click.option("--speed", type=FiniteFloatRange(min=0.001, max=1_000_000.0), default=1.0,
              show_default=True,
              help="With --now: how fast the simulated clock runs (drills).")
@click.pass_obj
def run(inv: Invocation, tick: float, once: bool, workers: int, speed: float) -> None:
    """Run the reminder daemon: a tick every --tick seconds records and delivers due mail.

    SMTP settings come from the environment (see README).  Stop it with SIGTERM or Ctrl-C:
    the message in flight is finished first.  A tick whose mail waits (deferred, server
    unreachable) is logged at WARNING, one with failed or uncertain mail at ERROR; with --once
    the exit status is then 1, as for `remind send`.

    \b
    Example:
      tracker run
      tracker --now 2017-04-17T09:00+06:00 run --tick 1 --speed 3600   # a drill
    """
    import os

    from tracker.daemon import CampaignClock, run_daemon

    explicit_now = bool(click.get_current_context().find_root().params.get("now")
                        or os.environ.get("TRACKER_NOW"))
    clock = CampaignClock(inv.now if explicit_now else None, speed)
    inv.database()  # fail now, not at the first tick, if the database is not set up
    code = run_daemon(inv.database(), tick_seconds=tick, once=once, workers=workers, clock=clock)
    if code:
        raise SystemExit(code)


COMMANDS = [contacts, remind, simulate, outbox, run]
