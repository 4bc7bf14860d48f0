"""The event log: who marked or unmarked what, when, why, how (the command line, a personal
link, an import) and with what evidence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, literal, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.types import NullType

from tracker.store.database import UTCDateTime
from tracker.store.tables import ASSIGNMENT, EVENT, UPLOAD


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
    via: str = "cli"
    """How it came: cli, link, import or mail (tracker.progress.marking.VIA)."""
    evidence_url: str | None = None
    evidence: str | None = None
    """The SHA-256 digest of the uploaded evidence file (the `upload` table), if any."""
    evidence_name: str | None = None
    """That file's (safe, base) name as it was uploaded."""


def evidence_fields(entry: HistoryEntry) -> dict[str, Any]:
    """How a change came and what backs it, as `history --json` and `digest --json` add them:
    `via`, `evidence_url`, and `evidence` (the stored file's digest and name, or null)."""
    return {"via": entry.via, "evidence_url": entry.evidence_url,
            "evidence": ({"digest": entry.evidence, "name": entry.evidence_name}
                         if entry.evidence else None)}


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
    e, a, u = EVENT, ASSIGNMENT, UPLOAD
    # The moments come back raw and are converted by `moment_reader`, not per row by their
    # column type: a digest reads every event since the previous one (18,000 after one big
    # `mark`), and they share a handful of moments.
    query = (select(e.c.id, type_coerce(e.c.at, NullType()), a.c.item_number, a.c.unit_key,
                    a.c.body_key, e.c.action, e.c.actor, e.c.note,
                    type_coerce(e.c.done_at, NullType()), e.c.via, e.c.evidence_url,
                    e.c.evidence, u.c.name)
             .join(a, a.c.id == e.c.assignment_id)
             .outerjoin(u, u.c.digest == e.c.evidence))
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
                         moment(done_at), via or "cli", url, digest, name)
            for ident, at, number, unit, body, action, by, note, done_at, via, url, digest, name
            in reversed(rows)]


def latest_marks(conn: Connection, units: list[str],
                 until: datetime | None = None) -> dict[tuple[int, str, str], HistoryEntry]:
    """(item, unit, body) -> the latest event of each of these units' assignments that are done
    now: who reported it, how and with what (the agency page, `status --region`)."""
    latest: dict[tuple[int, str, str], HistoryEntry] = {}
    for entry in load_history(conn, units=units, until=until):
        latest[entry.item, entry.unit, entry.body] = entry
    return {key: entry for key, entry in latest.items() if entry.action == "mark"}
