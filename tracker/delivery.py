"""Delivering the outbox over SMTP: a few workers, each with its own reused connection.

Each worker claims a small batch, sends it message by message, and records every outcome as it
happens.  The claim is committed before the server is contacted and the row is marked
`transmitting` just before the body goes out (see tracker.outbox).  A stop request (SIGTERM)
lets the message in flight finish and hands the rest of the batch back untouched.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from notifications.errors import SmtpAuthError, SmtpSecurityError
from notifications.headers import parse_mailbox
from notifications.settings import SmtpSettings
from notifications.smtp import Outcome, SmtpConnection
from tracker import outbox
from tracker.db import Database
from tracker.errors import RuntimeFailure

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


async def deliver(db: Database, settings: SmtpSettings, policy: outbox.RetryPolicy,
                  clock: Callable[[], datetime], *, workers: int = 4, batch: int = 20,
                  stop: threading.Event | None = None) -> DeliverySummary:
    """Send every due pending row; raises RuntimeFailure on an authentication/TLS problem."""
    stop = stop or threading.Event()
    me = outbox.worker_identity()
    summary = DeliverySummary()
    summary.requeued, summary.recovered_uncertain = await asyncio.to_thread(
        outbox.recover, db, clock(), policy)
    envelope_from = parse_mailbox(settings.mail_from, "TRACKER_MAIL_FROM").addr_spec
    fatal: list[Exception] = []

    async def worker(number: int) -> None:
        async with SmtpConnection(settings) as connection:
            while not stop.is_set() and not fatal:
                rows = await asyncio.to_thread(outbox.claim, db, me, clock(), batch)
                if not rows:
                    return
                for index, row in enumerate(rows):
                    if stop.is_set() or fatal:
                        await asyncio.to_thread(outbox.release, db,
                                                [r.id for r in rows[index:]], me)
                        return

                    async def before_body(row_id: int = row.id) -> None:
                        if not await asyncio.to_thread(outbox.mark_transmitting, db, row_id, me):
                            raise _ClaimLost

                    try:
                        result = await connection.send_bytes(envelope_from, [row.recipient],
                                                             row.message, before_body=before_body)
                    except (SmtpAuthError, SmtpSecurityError) as exc:
                        fatal.append(exc)
                        await asyncio.to_thread(outbox.release, db,
                                                [r.id for r in rows[index:]], me)
                        return
                    except _ClaimLost:
                        summary.add("lost_claim")
                        continue
                    state = await asyncio.to_thread(
                        outbox.finish, db, row.id, me, result.outcome.value, result.detail,
                        clock(), policy, row.attempts)
                    summary.add(state if state != "pending" else "deferred")
                    log.info("outbox %s to %s: %s%s", row.id, row.recipient, state,
                             f" ({result.detail})" if result.detail else "")
                    if result.outcome is Outcome.DEFERRED and result.code is None:
                        # The server is unreachable: the rest of the batch waits untouched
                        # for the next run instead of each spending an attempt.
                        await asyncio.to_thread(outbox.release, db,
                                                [r.id for r in rows[index + 1:]], me)
                        summary.counts["waiting"] += len(rows) - index - 1
                        return

    await asyncio.gather(*(worker(n) for n in range(max(1, workers))))
    if fatal:
        raise RuntimeFailure(f"mail server refused the configuration: {fatal[0]}")
    return summary
