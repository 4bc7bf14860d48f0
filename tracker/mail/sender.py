"""Delivering the outbox over SMTP: a few workers, each with its own reused connection.

Each worker claims a small batch, sends it message by message, and records every outcome as it
happens.  The claim is committed before the server is contacted, and the row's `transmitting`
mark is committed before the body goes out (see tracker.mail.outbox); all of a run's writes go
through one ledger thread that groups them into few transactions (see tracker.mail.writer).  A stop
request (SIGTERM) lets the message in flight finish and hands the rest of the batch back
untouched.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from notifications.errors import SmtpAuthError, SmtpConfigError, SmtpSecurityError
from notifications.headers import parse_mailbox
from notifications.payload import Payload, Section, joined, section_of
from notifications.settings import SmtpSettings
from notifications.smtp import Outcome, SmtpConnection
from tracker.errors import RuntimeFailure
from tracker.mail import outbox
from tracker.mail.writer import OutboxWriter
from tracker.store.database import Database

log = logging.getLogger("tracker.delivery")


class _ClaimLost(Exception):
    """Another process took the row over (its claim expired); do not send it."""


@dataclass
class DeliverySummary:
    counts: Counter[str] = field(default_factory=Counter)
    requeued: int = 0
    """Rows of dead processes put back to pending before delivery."""
    recovered_uncertain: int = 0

    def add(self, state: str) -> None:
        self.counts[state] += 1


Recording = Callable[[OutboxWriter, Callable[[], Awaitable[None]]], Awaitable[None]]
"""Records more rows through the ledger while delivery runs, calling `announce` after each
batch (see tracker.mail.tick.recorder)."""


class _Feeding:
    """Lets idle workers wait for the feed's next batch instead of stopping."""

    def __init__(self, feed: Recording | None) -> None:
        self.feed = feed
        self.batches = 0
        self.done = feed is None
        self.failure: list[BaseException] = []
        self._news = asyncio.Condition()

    async def run(self, ledger: OutboxWriter) -> None:
        try:
            if self.feed is not None:
                await self.feed(ledger, self._announce)
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

    async def claim(self, ledger: OutboxWriter, claim: Callable[[], Awaitable[list[outbox.Claimed]]]
                    ) -> list[outbox.Claimed]:
        """Due rows for a worker; none only once the feed has finished and none are left."""
        while True:
            seen, done = self.batches, self.done
            rows = await claim()
            if rows or done:
                return rows
            async with self._news:
                while self.batches == seen and not self.done:
                    await self._news.wait()


async def deliver(db: Database, settings: SmtpSettings, policy: outbox.RetryPolicy,
                  clock: Callable[[], datetime], *, workers: int = 4, batch: int = 20,
                  stop: threading.Event | None = None, feed: Recording | None = None
                  ) -> DeliverySummary:
    """Send every due pending row (and those `feed` records meanwhile); raises RuntimeFailure
    on an authentication/TLS problem."""
    stop = stop or threading.Event()
    me = outbox.worker_identity()
    summary = DeliverySummary()
    envelope_from = parse_mailbox(settings.mail_from, "TRACKER_MAIL_FROM").addr_spec
    fatal: list[Exception] = []
    ledger = OutboxWriter(db)
    feeding = _Feeding(feed)
    bodies: dict[str | None, Section] = {}
    """Bodies prepared for DATA by digest: a campaign's mails share few bodies."""

    def payload(row: outbox.Claimed) -> Payload:
        body = bodies.get(row.body_digest)
        if body is None:
            body = bodies[row.body_digest] = section_of(row.body)
        return joined(row.head, body)

    async def claim() -> list[outbox.Claimed]:
        return await ledger.call(outbox.claim, me, clock(), batch, not db.is_sqlite,
                                 frozenset(bodies))

    async def worker(number: int) -> None:
        async with SmtpConnection(settings) as connection:
            while not stop.is_set() and not fatal and not feeding.failure:
                rows = await feeding.claim(ledger, claim)
                if not rows:
                    return
                for index, row in enumerate(rows):
                    if stop.is_set() or fatal or feeding.failure:
                        await ledger.call(outbox.release, [r.id for r in rows[index:]], me)
                        return

                    # The `transmitting` mark is committed while the server answers MAIL, RCPT
                    # and DATA, so its latency is hidden; the body waits for it all the same.
                    marking = ledger.call_grouped(outbox.mark_transmitting_many, row.id, me)

                    async def before_body(marked: asyncio.Future[bool] = marking) -> None:
                        if not await marked:
                            raise _ClaimLost

                    try:
                        result = await connection.send_bytes(envelope_from, [row.recipient],
                                                             payload(row), before_body=before_body)
                    except (SmtpAuthError, SmtpSecurityError) as exc:
                        fatal.append(exc)
                        await marking
                        await ledger.call(outbox.release, [r.id for r in rows[index:]], me)
                        return
                    except _ClaimLost:
                        summary.add("lost_claim")
                        continue
                    if not await marking:  # failed before the body, and the row is not ours
                        summary.add("lost_claim")
                        continue
                    values = outbox.outcome_values(result.outcome.value, result.detail, clock(),
                                                   policy, row.attempts)
                    ledger.post_grouped(outbox.finish_many, row.id, me, values)
                    state = values["state"]
                    summary.add(state if state != "pending" else "deferred")
                    log.info("outbox %s to %s: %s%s", row.id, row.recipient, state,
                             f" ({result.detail})" if result.detail else "")
                    if result.outcome is Outcome.DEFERRED and result.code is None:
                        # The server is unreachable: the rest of the batch waits untouched
                        # for the next run instead of each spending an attempt.
                        await ledger.call(outbox.release, [r.id for r in rows[index + 1:]], me)
                        summary.counts["waiting"] += len(rows) - index - 1
                        return

    try:
        summary.requeued, summary.recovered_uncertain = await ledger.call(
            outbox.recover, clock(), policy)
        results = await asyncio.gather(feeding.run(ledger),
                                       *(worker(n) for n in range(max(1, workers))),
                                       return_exceptions=True)
    finally:
        await ledger.close()  # every outcome committed before the run reports
    for problem in (*feeding.failure, *results):
        if isinstance(problem, BaseException):
            raise problem
    if fatal:
        raise RuntimeFailure(f"mail server refused the configuration: {fatal[0]}")
    return summary


def smtp_settings(environ: Mapping[str, str] = os.environ) -> SmtpSettings:
    """SMTP settings from the environment; a mistake is a configuration failure (exit 1)."""
    try:
        return SmtpSettings.from_env(environ)
    except SmtpConfigError as exc:
        raise RuntimeFailure(f"mail configuration: {exc}") from None
