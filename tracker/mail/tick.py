"""The reminder service: what is due now, recording it in the outbox, and delivering it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection

from tracker.cli.context import App
from tracker.mail import outbox
from tracker.mail.due import DueMail, Situation, plan_tick, simulate
from tracker.mail.recipients import Recipient, recipients_from
from tracker.plan.model import Plan
from tracker.progress.contacts import stored_contacts
from tracker.progress.status import assignment_groups
from tracker.timefmt import iso_utc
from tracker.views.plan import compact

if TYPE_CHECKING:  # delivery and the ledger load only when something is sent
    from tracker.mail.sender import Feed
    from tracker.mail.writer import Ledger

T = TypeVar("T")


def load_situation(conn: Connection, plan: Plan) -> Situation:
    """What is outstanding, from the same grouped read of the assignments as the status grid."""
    from tracker.reports.store import missing_reports

    return Situation(assignment_groups(conn), missing_reports(conn, plan))


def load_recipients(conn: Connection, plan: Plan) -> tuple[list[Recipient], str | None]:
    book = stored_contacts(conn)
    return recipients_from(plan, book), book.reply_to


def mail_json(mail: DueMail) -> dict[str, Any]:
    """One reminder as `simulate`/`preview` print it."""
    send_at, local = _send_moments(mail.slot.send_at)
    return {
        "send_at": send_at,
        "local": local,
        "to": mail.recipient.email,
        "unit": mail.recipient.unit,
        "body": mail.recipient.pairs[0][1],
        "bodies": mail.recipient.bodies,
        "deadline": mail.slot.deadline,
        "stage": mail.slot.stage,
        "items": mail.items,
        "late": mail.late,
    }


@lru_cache(maxsize=1024)
def _send_moments(send_at: datetime) -> tuple[str | None, str]:
    """A slot's moment in UTC and where the recipient is: a tick at school scale prints tens of
    thousands of mails and a few dozen distinct moments."""
    return iso_utc(send_at), send_at.isoformat(timespec="minutes")


def preview_json(tick: TickResult, waiting: int) -> dict[str, Any]:
    """What `remind preview --json` prints."""
    return {"closed": tick.closed, "send": [mail_json(m) for m in tick.to_send],
            "skip": [mail_json(m) for m in tick.to_skip], "pending_in_outbox": waiting}


def preview_json_text(tick: TickResult, waiting: int) -> Iterator[str]:
    """`compact(preview_json(tick, waiting))`, character for character, in pieces.

    At school scale a tick lists some 45,000 mails made of few distinct parts (a slot's moments
    and stage, a recipient's address, an item list), so each part is encoded once and a mail is
    one format of them, instead of a dictionary built and encoded per mail.
    """
    yield f'{{"closed":{compact(tick.closed)},"send":'
    yield from _mails_json_text(tick.to_send)
    yield ',"skip":'
    yield from _mails_json_text(tick.to_skip)
    yield f',"pending_in_outbox":{compact(waiting)}}}'


def _mails_json_text(mails: Sequence[DueMail], batch: int = 2000) -> Iterator[str]:
    """`compact([mail_json(m) for m in mails])` in pieces of `batch` mails."""
    # By id: the slots, recipients and item tuples (shared by alike mails) stay alive with
    # `mails`, and their own hashes would be slower.
    moments: dict[int, str] = {}
    recipients: dict[int, str] = {}
    tails: dict[tuple[int, int, bool], str] = {}
    texts = []
    for mail in mails:
        slot, recipient = mail.slot, mail.recipient
        if id(slot) not in moments:
            send_at, local = _send_moments(slot.send_at)
            moments[id(slot)] = compact({"send_at": send_at, "local": local})[:-1] + ","
        if id(recipient) not in recipients:
            recipients[id(recipient)] = compact(
                {"to": recipient.email, "unit": recipient.unit, "body": recipient.pairs[0][1],
                 "bodies": recipient.bodies})[1:-1]
        tail_key = (id(slot), id(mail.items), mail.late)
        if tail_key not in tails:
            stage = compact({"deadline": slot.deadline, "stage": slot.stage})[1:-1]
            tails[tail_key] = (f',{stage},"items":{compact(mail.items)},'
                               f'"late":{"true" if mail.late else "false"}}}')
        # mail_json's keys in order: send_at, local | to, unit, body, bodies | deadline,
        # stage, items, late
        texts.append(moments[id(slot)] + recipients[id(recipient)] + tails[tail_key])
    yield "["
    for start in range(0, len(texts), batch):
        yield ("," if start else "") + ",".join(texts[start:start + batch])
    yield "]"


def simulate_mails(app: App, start: datetime, end: datetime) -> list[DueMail]:
    plan = app.plan()
    with app.database().reading() as conn:
        recipients, _ = load_recipients(conn, plan)
        situation = load_situation(conn, plan)
    return simulate(plan, recipients, situation, start, end)


@dataclass
class TickResult:
    to_send: list[DueMail] = field(default_factory=list)
    to_skip: list[DueMail] = field(default_factory=list)
    recorded: int = 0
    closed: bool = False
    closed_rows: int = 0
    reply_to: str | None = None
    """contacts.yaml's reply address, read with the recipients."""


def due_now(app: App, now: datetime) -> TickResult:
    """What a tick at `now` would record, without recording it."""
    plan = app.plan()
    with app.database().reading() as conn:
        recipients, reply_to = load_recipients(conn, plan)
        situation = load_situation(conn, plan)
        recorded = outbox.recorded_keys(conn, plan.key)
    decided = plan_tick(plan, recipients, situation, now, recorded)
    return TickResult(decided.send, decided.skip, closed=decided.closed, reply_to=reply_to)


RECORD_CHUNK = 200
"""Mails composed and recorded per transaction: delivery starts after the first chunk."""
FORK_FROM = 1000
"""From this many mails on, a forked child composes them (see tracker.mail.forked); a smaller
tick is composed in less time than forking saves."""


@contextlib.contextmanager
def recorder(app: App, tick: TickResult, now: datetime, sender: str,
             reply_to: str | None) -> Iterator[Feed | None]:
    """The tick's mails composed and recorded chunk by chunk, as a feed for `deliver`.

    Recording through the delivery's own ledger lets the first messages go out while the rest
    are still being rendered, and keeps to one writer per process.  Each row has its unique key,
    so a run stopped halfway records the rest on the next tick, never twice.  A large tick is
    composed by a child forked here, before the delivery starts its threads (see
    tracker.mail.forked), and the child is gone when the block ends.
    """
    mails = [(m, "pending") for m in tick.to_send] + [(m, "skipped") for m in tick.to_skip]
    if not mails:
        yield None
        return
    from tracker.mail.compose import Composer  # imported before a fork, never in a child
    from tracker.mail.forked import ForkedChunks, may_fork

    plan = app.plan()
    chunks = [mails[start:start + RECORD_CHUNK] for start in range(0, len(mails), RECORD_CHUNK)]

    @lru_cache(maxsize=1)
    def composer() -> Composer:  # made where the mails are composed: the templates load there
        return Composer(plan, sender, tick.reply_to or reply_to)

    def compose(chunk: list[tuple[DueMail, str]]) -> list[outbox.NewRow]:
        return [_row(plan, composer().compose(mail, now), state) for mail, state in chunk]

    forked = ForkedChunks(compose, chunks) if len(mails) >= FORK_FROM and may_fork() else None

    async def feed(ledger: Ledger, announce: Callable[[], Awaitable[None]]) -> None:
        composed = forked.results() if forked is not None else _here(compose, chunks)
        async with contextlib.aclosing(composed):
            async for rows in composed:
                tick.recorded += await ledger.call(outbox.record, rows, now)
                await announce()

    try:
        yield feed
    finally:
        if forked is not None:
            forked.close()


async def _here(compose: Callable[[T], list[outbox.NewRow]], chunks: list[T]
                ) -> AsyncGenerator[list[outbox.NewRow], None]:
    for chunk in chunks:
        yield compose(chunk)


def _row(plan: Plan, composed: Any, state: str) -> outbox.NewRow:
    mail: DueMail = composed.due
    return outbox.NewRow(
        key=composed.key, campaign=plan.key, kind="reminder", deadline=mail.slot.deadline,
        stage=mail.slot.stage, recipient=mail.recipient.email,
        recipient_name=mail.recipient.name, lang=mail.recipient.lang, unit=mail.recipient.unit,
        bodies=mail.recipient.bodies, items=mail.items,
        send_at=mail.slot.send_at, late=mail.late, state=state,
        message_id=composed.prepared.message_id, subject=composed.subject,
        head=composed.prepared.head, body=composed.prepared.body)


def smtp_settings(environ: Mapping[str, str] = os.environ) -> Any:
    """SMTP settings from the environment; a mistake is a configuration failure (exit 1)."""
    from notifications.errors import SmtpConfigError
    from notifications.settings import SmtpSettings
    from tracker.errors import RuntimeFailure

    try:
        return SmtpSettings.from_env(environ)
    except SmtpConfigError as exc:
        raise RuntimeFailure(f"mail configuration: {exc}") from None


def send_now(app: App, clock: Callable[[], datetime], *, workers: int = 4,
             stop: Any = None, settings: Any = None) -> tuple[TickResult, Any]:
    """Record what is due and deliver every due pending row, the two overlapping."""
    import asyncio

    from tracker.mail.sender import DeliverySummary, deliver

    settings = settings or smtp_settings()
    policy = outbox.RetryPolicy.from_env()
    now = clock()
    tick = due_now(app, now)
    if tick.closed:
        tick.closed_rows = outbox.close_open_rows(app.database(), now,
                                                  "the campaign has closed")
        return tick, DeliverySummary()
    with recorder(app, tick, now, settings.mail_from, settings.reply_to) as feed:
        summary = asyncio.run(deliver(app.database(), settings, policy, clock,
                                      workers=workers, stop=stop, feed=feed))
    return tick, summary


def pending_rows(app: App, now: datetime) -> Sequence[dict[str, Any]]:
    with app.database().reading() as conn:
        rows = outbox.list_rows(conn, "pending")
    return [r for r in rows if r["next_attempt_at"] <= now]
