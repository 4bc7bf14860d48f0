"""What the outbox holds, for staff and health checks: rows by state, counts, problems.

Reading only: every change of a row is a transition in tracker.mail.outbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from tracker.mail.outbox import OutboxState
from tracker.store.tables import OUTBOX


def counts(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(OUTBOX.c.state, func.count()).group_by(OUTBOX.c.state)).all()
    return {state: int(n) for state, n in rows}


def problems(conn: Connection) -> dict[str, int]:
    found = counts(conn)
    return {"failed": found.get(OutboxState.FAILED, 0),
            "uncertain": found.get(OutboxState.UNCERTAIN, 0)}


def count_due(conn: Connection, now: datetime) -> int:
    """Pending rows due by `now`: what a sender would claim."""
    return int(conn.execute(select(func.count()).select_from(OUTBOX).where(
        OUTBOX.c.state == OutboxState.PENDING.value, OUTBOX.c.next_attempt_at <= now)
    ).scalar_one())


def count_overdue(conn: Connection, before: datetime) -> int:
    """Pending rows due, and recorded, before `before`: a mail recorded late for an earlier
    slot is no sign that nobody sends."""
    return int(conn.execute(select(func.count()).select_from(OUTBOX).where(
        OUTBOX.c.state == OutboxState.PENDING.value, OUTBOX.c.next_attempt_at < before,
        OUTBOX.c.recorded_at < before)).scalar_one())


def list_rows(conn: Connection, state: str | None = None) -> list[dict[str, Any]]:
    """The rows (all, or those in `state`, an `OutboxState` value) as plain values."""
    query = select(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.deadline, OUTBOX.c.stage,
                   OUTBOX.c.recipient, OUTBOX.c.unit_key, OUTBOX.c.body_keys, OUTBOX.c["items"],
                   OUTBOX.c.send_at, OUTBOX.c.recorded_at, OUTBOX.c.late, OUTBOX.c.state,
                   OUTBOX.c.attempts, OUTBOX.c.next_attempt_at, OUTBOX.c.finished_at,
                   OUTBOX.c.last_error, OUTBOX.c.message_id, OUTBOX.c.subject,
                   OUTBOX.c.bounced_at)
    if state:
        query = query.where(OUTBOX.c.state == OutboxState(state).value)
    result = []
    for row in conn.execute(query.order_by(OUTBOX.c.send_at, OUTBOX.c.id)).mappings():
        entry = dict(row)
        entry["items"] = json.loads(entry["items"])
        entry["bodies"] = [b for b in entry.pop("body_keys").split(",") if b]
        entry["unit"] = entry.pop("unit_key")
        bounced_at = entry.pop("bounced_at")
        entry["bounced"] = ({"at": bounced_at, "diagnostic": entry["last_error"]}
                            if bounced_at is not None and entry["state"] == OutboxState.FAILED
                            else None)
        result.append(entry)
    return result


@dataclass(frozen=True)
class Bounced:
    """A mail a delivery failure report was read for (tracker.inbox.bounce), still failed."""

    id: int
    recipient: str
    unit: str
    at: datetime
    diagnostic: str


def bounced(conn: Connection) -> list[Bounced]:
    """Failed rows that bounced, the latest first: the contacts staff should check.  A row
    sent again by staff since (`outbox retry`) is no longer failed and no longer listed."""
    rows = conn.execute(select(OUTBOX.c.id, OUTBOX.c.recipient, OUTBOX.c.unit_key,
                               OUTBOX.c.bounced_at, OUTBOX.c.last_error)
                        .where(OUTBOX.c.state == OutboxState.FAILED.value,
                               OUTBOX.c.bounced_at.is_not(None))
                        .order_by(OUTBOX.c.bounced_at.desc(), OUTBOX.c.id.desc())).all()
    return [Bounced(row_id, recipient, unit, at, error)
            for row_id, recipient, unit, at, error in rows]


def bounced_addresses(found: list[Bounced]) -> list[str]:
    """The distinct addresses of `found`, in its order."""
    return list(dict.fromkeys(b.recipient.lower() for b in found))
