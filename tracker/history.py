"""The event log: who marked or unmarked what, when, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import ASSIGNMENT, EVENT


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    item: int
    unit: str
    body: str
    action: str
    by: str
    note: str
    done_at: datetime | None


def load_history(session: Session, item: int | None = None, units: list[str] | None = None,
                 since: datetime | None = None, limit: int | None = None) -> list[HistoryEntry]:
    """Events oldest first (the newest `limit` of them when a limit is given)."""
    e = EVENT
    a = ASSIGNMENT
    query = (select(e.c.id, e.c.at, a.c.item_number, a.c.unit_key, a.c.body_key, e.c.action,
                    e.c.actor, e.c.note, e.c.done_at)
             .join(a, a.c.id == e.c.assignment_id))
    if item is not None:
        query = query.where(a.c.item_number == item)
    if units:
        query = query.where(a.c.unit_key.in_(units))
    if since is not None:
        query = query.where(e.c.at > since)
    query = query.order_by(e.c.at.desc(), e.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    return [HistoryEntry(*row) for row in reversed(rows)]
