"""Delivering the outbox over SMTP: a few workers, each with its own reused connection.

Each worker claims a small batch, sends it message by message, and settles every outcome as it
happens.  The claim is committed before the server is contacted, and the row's `transmitting`
mark is committed before the body goes out (see tracker.mail.outbox); all of a run's writes go
through one writer thread that groups them into few transactions (see tracker.mail.writer).  A
stop request (SIGTERM) lets the message in flight finish and hands the rest of the batch back
untouched; so do an authentication or TLS failure (which ends the run) and a server that
cannot be reached (the rest waits for the next run instead of each spending an attempt).

A server that takes the bodies and then never answers is broken, not slow: every mail sent to
it would end `uncertain`, each needing a person.  So a few bodies without an answer in a row
(`UncertainBreaker`) stop the run like an unreachable server, the rest handed back untouched.
One message that cannot be sent for a reason of its own (an address the mail library refuses,
say) fails alone, and the batch goes on.

Every worker keeps to the relay's pace (tracker.mail.relay): a connection slot while its
connection is open, a turn before each message, and a relay that says slow down pauses the run
like an unreachable server, the refused mail waiting without spending an attempt.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from notifications.errors import (
    MessageError,
    SmtpAuthError,
    SmtpConfigError,
    SmtpSecurityError,
)
from notifications.headers import parse_mailbox
from notifications.outcome import Outcome, SendResult, relay_throttled
from notifications.payload import Payload, Section, joined, section_of
from notifications.settings import SmtpSettings
from notifications.slots import SlottedBody, has_slots, joined_filled, slotted_body
from notifications.smtp import SmtpConnection
from tracker.access.secretkey import read_key
from tracker.errors import Phrase, RuntimeFailure, UserError
from tracker.mail import outbox
from tracker.mail.backlog import count_due
from tracker.mail.configuration import configuration_error
from tracker.mail.links import slot_values
from tracker.mail.relay import Pacer, Pause, pause_of, relay_key, relay_pace, renew_slots
from tracker.mail.senders import RetryPolicy, worker_identity
from tracker.mail.writer import OutboxWriter
from tracker.store.database import Database
from tracker.wording import say

log = logging.getLogger(__name__)


class _ClaimLost(Exception):
    """Another process took the row over (its claim expired); do not send it."""


@dataclass
class DeliverySummary:
    counts: Counter[str] = field(default_factory=Counter)
    """Rows by what became of them: sent, deferred, failed, uncertain; lost_claim; waiting
    (handed back untouched because the server was unreachable)."""
    requeued: int = 0
    """Rows of dead processes put back to pending before delivery."""
    recovered_uncertain: int = 0
    broken: Phrase | None = None
    """Why the run stopped early because the server took bodies and never answered."""
    unreachable: str | None = None
    """Why the server could not be reached (the first such reply), if it could not."""
    paused: Phrase | None = None
    """Why the run stopped early because the relay asked every sender to slow down (the rows
    handed back for it are counted as `paused`)."""

    def trouble(self, not_composed: int = 0, lang: str = "en") -> str | None:
        """Why this run did not deliver what it had to, as one line in `lang`; None when every
        mail went, or only waits for a retry the server asked for (4xx).  A command exits 1 on
        trouble, said in the reader's language (tracker.cli.delivery); the daemon logs it in
        English (tracker.daemon.tick_log_level)."""
        if self.broken is not None:
            return self.broken.in_language(lang)
        lost = {"failed": self.counts["failed"], "uncertain": self.counts["uncertain"],
                "not_composed": not_composed}
        counted = ", ".join(say(lang, f"trouble.{what}", n=count)
                            for what, count in lost.items() if count)
        parts = [counted] if counted else []
        if self.unreachable is not None:
            parts.append(say(lang, "trouble.unreachable", detail=self.unreachable))
        if not parts:
            return None
        seen = say(lang, "trouble.see") if any(lost.values()) else ""
        return say(lang, "trouble.lines", parts="; ".join(parts)) + seen


UNCERTAIN_LIMIT = 2
"""Bodies in a row left without an answer after which the server is taken for broken."""


def uncertain_limit(environ: Mapping[str, str] = os.environ) -> int:
    """TRACKER_SMTP_UNCERTAIN_LIMIT, a whole number from 1 on (a mistake is exit 1)."""
    raw = environ.get("TRACKER_SMTP_UNCERTAIN_LIMIT", "").strip()
    if not raw:
        return UNCERTAIN_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise RuntimeFailure.said("mail.whole", variable="TRACKER_SMTP_UNCERTAIN_LIMIT",
                                  most="1,000", value=repr(raw[:40]))
    return int(raw)


class _ServerBroken(Exception):
    """The run stopped on a server that takes bodies and never answers: do not send this one."""


class _OutOfTurn(Exception):
    """The run stopped while the message waited for its turn under the relay's rate."""


class UncertainBreaker:
    """Counts bodies left without an answer in a row, over all workers, and holds each body
    back while that count and the bodies still awaiting their answer reach the limit.

    Holding back is what makes the bound exact: with several workers, as many bodies as workers
    would otherwise be in the air when the first timeout is seen.  A healthy server answers in
    a moment, so a body seldom waits; an answer (2xx) resets the count."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.streak = 0
        self.in_flight = 0
        self.reason: Phrase | None = None
        self._changed = asyncio.Condition()

    async def admit(self) -> None:
        """Wait until this body may go out; raises _ServerBroken once the run stops."""
        async with self._changed:
            while self.reason is None and self.streak + self.in_flight >= self.limit:
                await self._changed.wait()
            if self.reason is not None:
                raise _ServerBroken
            self.in_flight += 1

    async def answered(self, admitted: bool, result: SendResult | None, host: str) -> None:
        """The body's fate: counted, and the run stopped when the limit is reached."""
        async with self._changed:
            if admitted:
                self.in_flight -= 1
            if result is not None and result.outcome is Outcome.SENT:
                self.streak = 0
            elif (result is not None and result.outcome is Outcome.UNCERTAIN
                  and result.code is None):
                self.streak += 1
                if self.streak >= self.limit and self.reason is None:
                    self.reason = Phrase("relay.broken", host=host, n=self.streak)
            self._changed.notify_all()


Recording = Callable[[OutboxWriter, Callable[[], Awaitable[None]]], Awaitable[None]]
"""Records more rows through the writer while delivery runs, calling `announce` after each
batch (see tracker.mail.tick.recorder)."""


class _RecordingProgress:
    """Lets idle workers wait for the recording's next batch instead of stopping."""

    def __init__(self, recording: Recording | None) -> None:
        self.recording = recording
        self.batches = 0
        self.done = recording is None
        self.failure: list[BaseException] = []
        self._news = asyncio.Condition()

    async def run(self, writer: OutboxWriter) -> None:
        try:
            if self.recording is not None:
                await self.recording(writer, self._announce)
        except Exception as exc:
            self.failure.append(exc)  # workers stop; the run reports it
        finally:
            async with self._news:
                self.done = True
                self._news.notify_all()

    async def _announce(self) -> None:
        async with self._news:
            self.batches += 1
            self._news.notify_all()

    async def claim(self, claim: Callable[[], Awaitable[list[outbox.Claimed]]]
                    ) -> list[outbox.Claimed]:
        """Due rows for a worker; none only once the recording has finished and none are left."""
        while True:
            seen, done = self.batches, self.done
            rows = await claim()
            if rows or done:
                return rows
            async with self._news:
                while self.batches == seen and not self.done:
                    await self._news.wait()


class Sender:
    """One delivery run: workers that claim a batch, send it one message at a time, and settle
    each outcome, until nothing is due or the run must stop."""

    def __init__(self, db: Database, settings: SmtpSettings, policy: RetryPolicy,
                 clock: Callable[[], datetime], *, batch: int, stop: threading.Event,
                 recording: Recording | None) -> None:
        self.db = db
        self.settings = settings
        self.policy = policy
        self.clock = clock
        self.batch = batch
        self.stop = stop
        self.me = worker_identity()
        self.envelope_from = parse_mailbox(settings.mail_from, "TRACKER_MAIL_FROM").addr_spec
        self.summary = DeliverySummary()
        self.fatal: list[Exception] = []
        """The authentication or TLS failure that ends the run."""
        self.breaker = UncertainBreaker(uncertain_limit())
        self.writer = OutboxWriter(db)
        self.pace = relay_pace()
        self.pacer = Pacer(self.pace, relay_key(settings), self.writer, self.me, clock, policy)
        self.recording = _RecordingProgress(recording)
        self.bodies: dict[str | None, Section | SlottedBody] = {}
        """Bodies prepared for DATA by digest: a campaign's mails share few bodies."""
        self.slot_values: dict[int, Mapping[str, str]] = {}
        """The personal values of claimed rows whose body has slots (tracker.mail.links), by
        row id: made when the row is claimed, never stored."""
        self._key: bytes | None = None
        self._key_problem: str | None = None

    async def run(self, workers: int) -> DeliverySummary:
        """Recover dead processes' rows, then deliver with `workers` connections."""
        try:
            self.summary.requeued, self.summary.recovered_uncertain = await self.writer.call(
                outbox.recover, self.clock(), self.policy)
            results = await asyncio.gather(self.recording.run(self.writer),
                                           *(self.work() for _ in range(
                                               self.pacer.workers(workers))),
                                           return_exceptions=True)
        finally:
            await self.writer.close()  # every outcome committed before the run reports
        for problem in (*self.recording.failure, *results):
            if isinstance(problem, BaseException):
                raise problem
        if self.fatal:
            raise RuntimeFailure.said("relay.refused", detail=self.fatal[0])
        self.summary.broken = self.breaker.reason
        self.summary.paused = self.pacer.paused
        return self.summary

    def stopping(self) -> bool:
        return (self.stop.is_set() or bool(self.fatal) or bool(self.recording.failure)
                or self.breaker.reason is not None or self.pacer.paused is not None)

    async def work(self) -> None:
        """One worker: one connection (in one of the relay's slots), batch after batch."""
        async with self.pacer.connection_slot(self.stopping, self.work_left) as slot:
            if not slot:
                return
            async with SmtpConnection(
                    self.settings,
                    messages_per_connection=self.pace.messages_per_connection) as connection:
                while not self.stopping():
                    rows = await self.recording.claim(self.claim_batch)
                    if not rows or not await self.send_batch(connection, rows):
                        return

    async def work_left(self) -> bool:
        """Whether mail may still come due in this run: being recorded, or due now."""
        return not self.recording.done or bool(await self.writer.call(count_due, self.clock()))

    async def claim_batch(self) -> list[outbox.Claimed]:
        """Due rows, committed as ours before any of them is sent; none while the relay's
        pause holds."""
        found, rows, values = await self.writer.call(
            self._claim, self.clock(), frozenset(self.bodies), self.pacer.renewal())
        if self.pacer.heed(found):
            return []
        self.slot_values.update(values)
        return rows

    def _signing_key(self) -> bytes | None:
        if self._key is None and self._key_problem is None:
            try:
                self._key = read_key(self.db.url)
            except UserError as exc:
                self._key_problem = str(exc)
        return self._key

    def _claim(self, conn: Connection, now: datetime, known: frozenset[str | None],
               renewal: tuple[str, str, datetime] | None
               ) -> tuple[Pause, list[outbox.Claimed], dict[int, dict[str, str]]]:
        """Due rows, and the slot values (personal links) of those whose body has slots,
        derived now from their link rows in the same transaction: a retry carries the same
        link, one revoked meanwhile the new one."""
        if renewal is not None:
            renew_slots(conn, [renewal])
        found = pause_of(conn, self.pacer.key)
        if found.holds(now):
            return found, [], {}
        rows = outbox.claim(conn, self.me, now, self.batch, not self.db.is_sqlite, known)
        slotted = [(row.id, row.campaign, row.recipient) for row in rows if self._slotted(row)]
        key = self._signing_key() if slotted else None
        return found, rows, slot_values(conn, key, slotted, now) if key is not None else {}

    def _slotted(self, row: outbox.Claimed) -> bool:
        known = self.bodies.get(row.body_digest)
        return isinstance(known, SlottedBody) if known is not None else has_slots(row.body)

    async def send_batch(self, connection: SmtpConnection, rows: list[outbox.Claimed]) -> bool:
        """Send the rows in order; what cannot be sent now is handed back untouched.  False
        when this worker must stop: the run stops, or the server cannot be reached."""
        for index, row in enumerate(rows):
            if self.stopping():
                if self.pacer.paused is not None:
                    self.summary.counts["paused"] += len(rows) - index
                await self.release(rows[index:])
                return False
            try:
                result = await self.send_one(connection, row)
            except (SmtpAuthError, SmtpSecurityError) as exc:
                self.fatal.append(exc)
                await self.release(rows[index:])
                return False
            if result is None:
                continue
            if relay_throttled(result):  # about our pace, not the recipient: everyone pauses
                self.settle(row, result, await self.pacer.throttled(result.detail))
                self.summary.counts["paused"] += len(rows) - index - 1
                await self.release(rows[index + 1:])
                return False
            self.settle(row, result)
            if result.outcome is Outcome.SENT:
                self.pacer.answered()
            if self.breaker.reason is not None:  # the server is broken: the rest waits
                await self.release(rows[index + 1:])
                return False
            if result.outcome is Outcome.DEFERRED and result.code is None:
                # Unreachable: the rest waits for the next run instead of each spending an
                # attempt, and this worker claims no more.
                self.summary.unreachable = self.summary.unreachable or result.detail
                self.summary.counts["waiting"] += len(rows) - index - 1
                await self.release(rows[index + 1:])
                return False
        return True

    async def send_one(self, connection: SmtpConnection, row: outbox.Claimed
                       ) -> SendResult | None:
        """One SMTP transaction, its body held back until the row's `transmitting` mark is
        committed (and the breaker admits it); None when the claim was lost (another process
        took the row over) or the run stopped before the body went out (the row is released
        with the rest of the batch)."""
        marks: list[asyncio.Future[bool]] = []

        def mark() -> asyncio.Future[bool]:
            if not marks:
                marks.append(self.writer.call_grouped(outbox.transmit_many, row.id, self.me))
            return marks[0]

        # The mark is committed while the server answers MAIL, RCPT and DATA, which hides its
        # latency; the body waits for it all the same.  Under a rate it is made once the
        # message's turn has come (a process killed while waiting leaves the row `claimed`:
        # nothing of it went out).
        paced = self.pace.rate is not None
        if not paced:
            mark()
        admitted = False

        async def before_mail() -> None:
            if not await self.pacer.turn(self.stopping):
                raise _OutOfTurn
            mark()

        async def before_body() -> None:
            nonlocal admitted
            if not await mark():
                raise _ClaimLost
            await self.breaker.admit()
            admitted = True

        result: SendResult | None
        try:
            result = await connection.send_bytes(self.envelope_from, [row.recipient],
                                                 self.payload(row), before_body=before_body,
                                                 before_mail=before_mail if paced else None)
        except _ClaimLost:
            result = None
        except (_ServerBroken, _OutOfTurn):
            if marks:
                await marks[0]
            if self.pacer.paused is not None:
                self.summary.counts["paused"] += 1
            await self.release([row])  # its body never went out
            return None
        except (SmtpAuthError, SmtpSecurityError):
            if marks:
                await marks[0]  # released with the rest, whether marked or not
            raise
        except Exception as exc:  # this message's own problem: it fails alone
            if admitted:
                await self.breaker.answered(admitted, None, self.settings.host)
            if not await mark():
                self.summary.counts["lost_claim"] += 1
                return None
            return SendResult(Outcome.FAILED, None,
                              f"cannot be sent: {type(exc).__name__}: {exc}")
        if admitted:
            await self.breaker.answered(admitted, result, self.settings.host)
        if result is None or not await mark():  # not ours: nothing of it went out
            self.summary.counts["lost_claim"] += 1
            return None
        return result

    def settle(self, row: outbox.Claimed, result: SendResult,
               paused_until: datetime | None = None) -> None:
        """Record what became of the row; committed with the writer's next transaction.  A
        row the relay refused for our pace waits for its pause, no attempt spent."""
        settled = (outbox.throttled(result.detail, row.attempts, paused_until)
                   if paused_until is not None else
                   outbox.settlement(result.outcome.value, result.detail, self.clock(),
                                     self.policy, row.attempts))
        self.writer.post_grouped(outbox.settle_many, row.id, self.me, settled)
        state = settled.state.value
        self.summary.counts[state if state != outbox.OutboxState.PENDING else "deferred"] += 1
        log.info("outbox %s to %s: %s%s", row.id, row.recipient, state,
                 f" ({result.detail})" if result.detail else "")

    async def release(self, rows: Sequence[outbox.Claimed]) -> None:
        if rows:
            await self.writer.call(outbox.release, [r.id for r in rows], self.me)

    def _body(self, row: outbox.Claimed) -> Section | SlottedBody:
        body = self.bodies.get(row.body_digest)
        if body is None:
            body = self.bodies[row.body_digest] = (
                slotted_body(row.body) if has_slots(row.body) else section_of(row.body))
        return body

    def payload(self, row: outbox.Claimed) -> Payload:
        """What DATA sends: the stored head and body, the body's slots filled for this row
        (a mail whose link cannot be made fails alone, with the reason)."""
        body = self._body(row)
        if isinstance(body, Section):
            return joined(row.head, body)
        values = self.slot_values.pop(row.id, None)
        if values is None:
            raise MessageError(f"its personal link cannot be made: "
                               f"{self._key_problem or 'no link for the address'}")
        return joined_filled(row.head, body, values)


async def deliver(db: Database, settings: SmtpSettings, policy: RetryPolicy,
                  clock: Callable[[], datetime], *, workers: int = 4, batch: int = 20,
                  stop: threading.Event | None = None, recording: Recording | None = None
                  ) -> DeliverySummary:
    """Send every due pending row (and those `recording` records meanwhile); raises
    RuntimeFailure on an authentication/TLS problem."""
    sender = Sender(db, settings, policy, clock, batch=batch, stop=stop or threading.Event(),
                    recording=recording)
    return await sender.run(workers)


def smtp_settings(environ: Mapping[str, str] = os.environ) -> SmtpSettings:
    """SMTP settings from the environment; a mistake is a configuration failure (exit 1)."""
    try:
        return SmtpSettings.from_env(environ)
    except SmtpConfigError as exc:
        raise configuration_error(exc, RuntimeFailure) from None
