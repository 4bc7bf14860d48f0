"""Contacts, reminders, the outbox and the daemon."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.output import emit_json
from tracker.cli.params import ROW_ID, BoundedText, FiniteFloatRange
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
    from tracker.errors import UserError
    from tracker.progress.contacts import load_contacts

    if not file.exists():
        raise UserError(f"{file}: file not found")
    return load_contacts(file, inv.plan(), str(file))


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

    book = _read_contacts(inv, file)
    gaps = contact_gaps(inv.plan(), book)
    click.echo(f"{file}: ok: {len(book.agencies)} agency contacts, {len(book.managers)} managers"
               + (f"; {len(gaps)} (region, body) pairs have nobody: see `tracker contacts gaps`"
                  if gaps else ""))


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

    book = _read_contacts(inv, file)
    with inv.database().writing() as conn:
        count = store_contacts(conn, book)
    gaps = contact_gaps(inv.plan(), book)
    click.echo(f"loaded {count} contacts from {file}")
    if gaps:
        click.echo(f"warning: {len(gaps)} (region, body) pairs have nobody to remind: "
                   "see `tracker contacts gaps`", err=True)


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

    plan = inv.plan()
    with inv.database().reading() as conn:
        gaps = contact_gaps(plan, stored_contacts(conn))
    if as_json:
        emit_json([{"unit": g.unit, "body": g.body, "items": list(g.items)} for g in gaps])
        return
    for gap in gaps:
        click.echo(f"{gap.unit:<18} {gap.body:<20} items {', '.join(map(str, gap.items))}")
    click.echo(f"{len(gaps)} gap(s)" if gaps else "no gaps: every required assignment has a "
               "contact")


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


def _print_mails(mails: Sequence[DueMail], late_label: bool = True) -> None:
    for m in mails:
        stamp = m.slot.send_at.isoformat(timespec="minutes")
        flag = " (late)" if late_label and m.late else ""
        click.echo(f"{stamp}  {m.recipient.email:<34} {m.slot.deadline}/{m.slot.stage}{flag}  "
                   f"items {', '.join(map(str, m.items)) or '-'}")


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
    if tick.closed:
        click.echo("the campaign has closed: nothing will be sent")
        return
    click.echo(f"{len(tick.to_send)} reminder(s) due now, {len(tick.to_skip)} overtaken "
               f"(recorded as skipped), {waiting} already waiting in the outbox")
    _print_mails(tick.to_send)


@remind.command("send")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True,
              help="SMTP connections used in parallel.")
@click.pass_obj
def remind_send(inv: Invocation, as_json: bool, workers: int) -> None:
    """Record the reminders due at --now and deliver every pending outbox row.

    Exit status 0 when the run completed (even if some mail was deferred or failed: see the
    summary and `tracker outbox`), 1 on an authentication or configuration failure.

    \b
    Example:
      tracker remind send
    """
    from tracker.mail.tick import send_now

    tick, summary = send_now(inv.database(), lambda: inv.now, workers=workers)
    counts = {k: summary.counts.get(k, 0) for k in
              ("sent", "deferred", "failed", "uncertain")}
    counts["skipped"] = len(tick.to_skip) + tick.closed_rows
    if as_json:
        emit_json({"recorded": tick.recorded, "closed": tick.closed, **counts,
                   "waiting": summary.counts.get("waiting", 0),
                   "requeued": summary.requeued})
        summary.raise_if_broken()
        return
    if tick.closed:
        click.echo("the campaign has closed: nothing sent"
                   + (f"; {tick.closed_rows} unsent row(s) marked skipped"
                      if tick.closed_rows else ""))
        return
    click.echo(f"recorded {tick.recorded}; " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if summary.counts.get("waiting"):
        click.echo(f"mail server unreachable: {summary.counts['waiting']} row(s) wait for the "
                   "next run")
    summary.raise_if_broken()


def _day_bound(value: str, end: bool, timezone: str, option: str) -> datetime:
    from zoneinfo import ZoneInfo

    from tracker.fieldrules import date_problem

    moment: datetime | None = None
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError
            day = moment.date()
        else:
            day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD) or a moment with "
                                 "an offset", param_hint=option) from None
    # The days the simulation walks through stay within the dates a plan may name.
    problem = date_problem(day)
    if problem:
        raise click.BadParameter(f"'{value}': {problem}", param_hint=option)
    if moment is not None:
        return moment
    from datetime import timedelta

    if end:
        day = day + timedelta(days=1)
    return datetime.combine(day, time(0), ZoneInfo(timezone))


@click.command()
@click.option("--from", "start", required=True, metavar="DATE", help="First day (inclusive).")
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
    first = _day_bound(start, False, plan.timezone, "--from")
    last = _day_bound(end, True, plan.timezone, "--to")
    if last <= first:
        raise UserError(f"--to {end} is before --from {start}")
    mails = simulate_mails(inv.database(), first, last)
    if as_json:
        emit_json_text(mails_json_text(mails))
        return
    _print_mails(mails, late_label=False)
    click.echo(f"{len(mails)} mail(s)")


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
    for row in rows:
        problem = f"  — {row['last_error']}" if row["last_error"] else ""
        click.echo(f"{row['id']:>6} {row['state']:<12} {row['send_at']:%Y-%m-%d %H:%M}Z "
                   f"{row['recipient']:<34} {row['deadline']}/{row['stage']}"
                   f"{' late' if row['late'] else ''}  tries {row['attempts']}{problem}")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    click.echo(", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "the outbox is empty")


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

    with inv.database().writing() as conn:
        resolve(conn, row_id, outcome, note, inv.now)
    click.echo(f"outbox row {row_id} resolved as {outcome}")


@outbox.command("retry")
@click.argument("row_id", metavar="ID", type=ROW_ID)
@click.pass_obj
def outbox_retry(inv: Invocation, row_id: int) -> None:
    """Queue a failed or uncertain row to be sent again by the next run."""
    from tracker.mail.outbox import retry

    with inv.database().writing() as conn:
        retry(conn, row_id, inv.now)
    click.echo(f"outbox row {row_id} queued again")


@click.command()
@click.option("--tick", "tick", type=FiniteFloatRange(min=0.1, max=86_400.0), default=60.0,
              show_default=True,
              metavar="SECONDS", help="How often to look for due mail.")
@click.option("--once", is_flag=True, help="Run one tick and exit.")
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True,
              help="SMTP connections used in parallel.")
@click.option("--speed", type=FiniteFloatRange(min=0.001, max=1_000_000.0), default=1.0,
              show_default=True,
              help="With --now: how fast the simulated clock runs (drills).")
@click.pass_obj
def run(inv: Invocation, tick: float, once: bool, workers: int, speed: float) -> None:
    """Run the reminder daemon: a tick every --tick seconds records and delivers due mail.

    SMTP settings come from the environment (see README).  Stop it with SIGTERM or Ctrl-C:
    the message in flight is finished first.

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
