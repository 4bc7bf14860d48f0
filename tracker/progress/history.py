"""The event log: who marked or unmarked what, when, and why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy import Connection, literal, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.types import NullType

from tracker.store.database import UTCDateTime
from tracker.store.tables import ASSIGNMENT, EVENT


class HistoryEntry(NamedTuple):
    id: int
    at: datetime
    item: int
    unit: str
    body: str
    action: str
    by: str
    note: str
    done_at: datetime | None


def moment_reader(dialect: Dialect) -> Callable[[object], datetime | None]:
    """Reads stored moments as `UTCDateTime` columns do, each distinct value once."""
    read = UTCDateTime().process_result_value
    seen: dict[object, datetime | None] = {}

    def moment(value: object) -> datetime | None:
        if value not in seen:
            seen[value] = read(value, dialect)
        return seen[value]

    return moment


def load_history(conn: Connection, item: int | None = None, units: list[str] | None = None,
                 since: datetime | None = None, limit: int | None = None,
                 until: datetime | None = None) -> list[HistoryEntry]:
    """Events oldest first (the newest `limit` of them when a limit is given), after `since`
    and up to `until` when given."""
    e = EVENT
    a = ASSIGNMENT
    # The moments come back raw and are converted by `moment_reader`, not per row by their
    # column type: a digest reads every event since the previous one (18,000 after one big
    # `mark`), and they share a handful of moments.
    query = (select(e.c.id, type_coerce(e.c.at, NullType()), a.c.item_number, a.c.unit_key,
                    a.c.body_key, e.c.action, e.c.actor, e.c.note,
                    type_coerce(e.c.done_at, NullType()))
             .join(a, a.c.id == e.c.assignment_id))
    if item is not None:
        query = query.where(a.c.item_number == item)
    if units:
        query = query.where(a.c.unit_key.in_(units))
    if since is not None:
        query = query.where(e.c.at > literal(since, UTCDateTime()))
    if until is not None:
        query = query.where(e.c.at <= literal(until, UTCDateTime()))
    query = query.order_by(e.c.at.desc(), e.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    rows = conn.execute(query).all()
    moment = moment_reader(conn.dialect)
    return [HistoryEntry(ident, cast(datetime, moment(at)), number, unit, body, action, by, note,
                         moment(done_at))
            for ident, at, number, unit, body, action, by, note, done_at in reversed(rows)]
