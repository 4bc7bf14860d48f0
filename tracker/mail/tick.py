"""The reminder service: what is due now, recording it in the outbox, and delivering it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from tracker.mail import outbox
from tracker.mail.backlog import count_due
from tracker.mail.due import DueMail, Progress, plan_tick, simulate
from tracker.mail.recipients import Recipient, recipients_from
from tracker.mail.senders import RetryPolicy
from tracker.plan.model import Plan
from tracker.progress.contacts import stored_contacts
from tracker.progress.status import assignment_groups
from tracker.store.database import Database

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # delivery and its writer load only when something is sent
    import threading

    from notifications.settings import SmtpSettings
    from tracker.mail.sender import DeliverySummary, Recording
    from tracker.mail.writer import OutboxWriter


def load_progress(conn: Connection, plan: Plan, as_of: datetime) -> Progress:
    """What was outstanding at `as_of` (what was recorded up to then), from the same grouped
    read of the assignments as the status grid: a drill at an earlier `--now` reminds of what
    was open then."""
    from tracker.reports.store import missing_reports

    return Progress(assignment_groups(conn, as_of=as_of), missing_reports(conn, plan, as_of))


def load_recipients(conn: Connection, plan: Plan) -> tuple[list[Recipient], str | None]:
    book = stored_contacts(conn)
    return recipients_from(plan, book), book.reply_to


def simulate_mails(db: Database, start: datetime, end: datetime,
                   as_of: datetime) -> list[DueMail]:
    """The mails from `start` to `end` if nothing more were done than what was recorded by
    `as_of` (`--now`), or by `start` when the simulation starts later."""
    plan = db.plan()
    with db.reading() as conn:
        recipients, _ = load_recipients(conn, plan)
        progress = load_progress(conn, plan, max(as_of, start))
    return simulate(plan, recipients, progress, start, end)


@dataclass
class TickResult:
    to_send: list[DueMail] = field(default_factory=list)
    to_skip: list[DueMail] = field(default_factory=list)
    recorded: int = 0
    closed: bool = False
    closed_rows: int = 0
    reply_to: str | None = None
    """contacts.yaml's reply address, read with the recipients."""
    not_composed: int = 0
    """Mails of this tick recorded `failed` because they could not be composed."""


def due_now(db: Database, now: datetime) -> TickResult:
    """What a tick at `now` would record, without recording it."""
    plan = db.plan()
    with db.reading() as conn:
        recipients, reply_to = load_recipients(conn, plan)
        progress = load_progress(conn, plan, now)
        recorded = outbox.recorded_keys(conn, plan.key)
    decided = plan_tick(plan, recipients, progress, now, recorded)
    return TickResult(decided.send, decided.skip, closed=decided.closed, reply_to=reply_to)


RECORD_CHUNK = 200
"""Mails composed and recorded per transaction: delivery starts after the first chunk."""


@contextlib.contextmanager
def recorder(db: Database, tick: TickResult, now: datetime, sender: str,
             reply_to: str | None) -> Iterator[Recording | None]:
    """The tick's mails composed and recorded chunk by chunk, as a recording for `deliver`.

    Recording through the delivery's own writer lets the first messages go out while the rest
    are still being rendered, and keeps to one writer per process.  Each row has its unique key,
    so a run stopped halfway records the rest on the next tick, never twice.  A large tick is
    composed by a child forked here, before the delivery starts its threads (see
    tracker.mail.forked), and the child is gone when the block ends.
    """
    mails = [(m, False) for m in tick.to_send] + [(m, True) for m in tick.to_skip]
    if not mails:
        yield None
        return
    from tracker.mail.compose import Composer  # imported before a fork, never in a child
    from tracker.mail.forked import composed
    from tracker.mail.links import mail_base
    from tracker.mail.resultsform import known_results
    from tracker.progress.contacts import stored_coordinator

    plan = db.plan()
    base = mail_base(db.url)
    chunks = [mails[start:start + RECORD_CHUNK] for start in range(0, len(mails), RECORD_CHUNK)]
    with db.reading() as conn:  # read here: the child that composes never reads the database
        coordinator = stored_coordinator(conn)
        known = known_results(conn, plan, tick.to_send + tick.to_skip)

    @lru_cache(maxsize=1)
    def composer() -> Composer:  # made where the mails are composed: the templates load there
        return Composer(plan, sender, tick.reply_to or reply_to, coordinator=coordinator,
                        results=known, base=base)

    def compose(chunk: list[tuple[DueMail, bool]]) -> list[outbox.NewRow]:
        return [composer().compose_or_fail(mail, now, overtaken) for mail, overtaken in chunk]

    with composed(compose, chunks, len(mails)) as results:

        async def recording(writer: OutboxWriter, announce: Callable[[], Awaitable[None]]
                            ) -> None:
            async with contextlib.aclosing(results):
                async for rows in results:
                    tick.recorded += await writer.call(outbox.record, rows, now)
                    for row in rows:
                        if row.failure is not None:
                            tick.not_composed += 1
                            log.warning("reminder to %s not composed: %s",
                                        row.recipient, row.failure)
                    await announce()

        yield recording


def send_now(db: Database, clock: Callable[[], datetime], *, workers: int = 4,
             stop: threading.Event | None = None, settings: SmtpSettings | None = None
             ) -> tuple[TickResult, DeliverySummary]:
    """Record what is due and deliver every due pending row, the two overlapping."""
    import asyncio

    from tracker.mail.sender import DeliverySummary, deliver, smtp_settings

    settings = settings or smtp_settings()
    policy = RetryPolicy.from_env()
    now = clock()
    tick = due_now(db, now)
    if tick.closed:
        tick.closed_rows = outbox.close_open_rows(db, now, "the campaign has closed")
        return tick, DeliverySummary()
    with recorder(db, tick, now, settings.mail_from, settings.reply_to) as recording:
        summary = asyncio.run(deliver(db, settings, policy, clock,
                                      workers=workers, stop=stop, recording=recording))
    return tick, summary


def count_waiting(db: Database, now: datetime) -> int:
    """Rows already in the outbox and due by `now`: what a send at `now` delivers besides
    what it records."""
    with db.reading() as conn:
        return count_due(conn, now)
