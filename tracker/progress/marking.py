"""Marking assignments done and undoing it, with an event for every change.

Each command is one transaction.  The update is a compare-and-set (`WHERE state = 'pending'`
... `RETURNING`), so two people marking the same thing at once record one change, not two, and
only rows that really changed get an event.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.sql.elements import ColumnElement

from tracker.errors import UserError
from tracker.plan.model import Plan
from tracker.progress.selection import Selection
from tracker.store.database import Database

# The light Core tables (tracker.store.tables): importing tracker.store.models would build every
# SQLModel class (and pydantic with them), which a `tracker mark` does not need.
from tracker.store.tables import ASSIGNMENT, EVENT

_CHUNK = 5000


@dataclass
class MarkResult:
    action: str
    changed: list[tuple[int, str, str]] = field(default_factory=list)
    matched: int = 0

    @property
    def unchanged(self) -> int:
        return self.matched - len(self.changed)


def done_time(plan: Plan, unit: str, on: date | datetime | None, now: datetime,
              lang: str = "en") -> datetime:
    """When the work was done: `--on` (a date means the start of that day where the unit is);
    a moment after `now` is refused in `lang`."""
    if on is None:
        return now
    if isinstance(on, datetime):
        moment = on
    else:
        moment = datetime.combine(on, time(0), ZoneInfo(plan.unit_timezone(unit)))
    if moment > now:
        from tracker.wording import say

        raise UserError(say(lang, "error.future", on=on.isoformat(), now=now.isoformat()))
    return moment


VIA = ("cli", "link", "import", "mail")
"""How a change came: the command line, an agency's personal link, an imported file, a mail."""


def change(db: Database, selection: Selection, action: str, *, actor: str, note: str,
           now: datetime, on: date | datetime | None = None, lang: str = "en",
           via: str = "cli", evidence_url: str | None = None,
           evidence: str | None = None) -> MarkResult:
    """The one way progress changes (the command line, the reporting page, accepted replies):
    mark (`action='mark'`) or unmark the selection in one transaction."""
    with db.writing() as conn:
        return apply(conn, db.plan(), selection, action, actor=actor, note=note, now=now, on=on,
                     lang=lang, via=via, evidence_url=evidence_url, evidence=evidence)


def apply(conn: Connection, plan: Plan, selection: Selection, action: str, *, actor: str,
          note: str, now: datetime, on: date | datetime | None = None,
          lang: str = "en", via: str = "cli", evidence_url: str | None = None,
          evidence: str | None = None) -> MarkResult:
    """`change` inside the caller's transaction: an event for every assignment that changed
    (`lang`: the language a refusal is written in), saying how it came (`via`, one of `VIA`)
    and what backs it: a link, or the digest of a stored upload (`tracker.evidence`)."""
    if via not in VIA:
        raise ValueError(f"unknown way of change {via!r}")
    a = ASSIGNMENT
    result = MarkResult(action)
    if action == "mark":
        groups: dict[datetime, list[str]] = defaultdict(list)
        for unit in selection.units:
            groups[done_time(plan, unit, on, now, lang)].append(unit)
        batches = [(units, {"state": "done", "done_at": moment, "updated_at": now}, "pending")
                   for moment, units in groups.items()]
    else:
        batches = [(list(selection.units), {"state": "pending", "done_at": None,
                                            "updated_at": now}, "done")]
    events: list[dict[str, object]] = []
    for units, values, from_state in batches:
        where: list[ColumnElement[bool]] = [a.c.item_number.in_(selection.items),
                                            a.c.unit_key.in_(units)]
        if selection.body:
            where.append(a.c.body_key == selection.body)
        result.matched += conn.execute(select(func.count()).where(*where)).scalar_one()
        rows = conn.execute(
            update(a).where(*where, a.c.state == from_state).values(**values)
            .returning(a.c.id, a.c.item_number, a.c.unit_key, a.c.body_key)).all()
        for ident, item, unit, body in rows:
            result.changed.append((item, unit, body))
            events.append({"assignment_id": ident, "at": now, "action": action, "actor": actor,
                           "note": note, "done_at": values["done_at"], "via": via,
                           "evidence_url": evidence_url, "evidence": evidence})
    e = EVENT
    for start in range(0, len(events), _CHUNK):
        conn.execute(insert(e), events[start:start + _CHUNK])
    result.changed.sort()
    return result
