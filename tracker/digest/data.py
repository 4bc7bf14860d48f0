"""What the digest says, computed once and shown in every format.

The numbers come from the same grid as `tracker status` and the same reports as
`tracker report show`, so the digest can never disagree with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tracker import outbox
from tracker.history import load_history
from tracker.plan.model import Plan
from tracker.reports.fields import COUNT_FIELDS
from tracker.reports.results import RegionResult, Totals, totals
from tracker.reports.store import load_reports
from tracker.settings_store import get_setting
from tracker.status import Grid, load_grid
from tracker.timefmt import iso_utc

LAST_SENT = "digest_last_sent_at"


@dataclass(frozen=True)
class Overdue:
    item: int
    unit: str
    bodies: tuple[str, ...]
    """Required bodies that have not finished."""


@dataclass
class Digest:
    plan: Plan
    as_of: datetime
    since: datetime
    grid: Grid
    overdue: list[Overdue]
    reports: list[RegionResult]
    totals: Totals
    changes: list[dict[str, Any]]
    problems: dict[str, int]
    problem_rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def overall(self) -> float:
        total = len(self.grid.cells)
        return round(sum(c.state == "done" for c in self.grid.cells) / total, 4) if total else 0.0

    @property
    def by_unit(self) -> dict[str, float]:
        return {u.unit: round(u.done / u.total, 4) if u.total else 0.0 for u in self.grid.units}

    @property
    def by_item(self) -> dict[int, float]:
        result: dict[int, float] = {}
        for number, cells in self.grid.by_item().items():
            result[number] = round(sum(c.state == "done" for c in cells) / len(cells), 4)
        return result

    @property
    def missing_reports(self) -> list[str]:
        return [r.unit for r in self.reports if not r.received]


def deadline_passed(plan: Plan, item_number: int, unit: str, now: datetime) -> bool:
    """True once the end of the cell's due day has passed where the unit is."""
    item = plan.items_by_number[item_number]
    return now >= _deadline_end(plan.milestones[plan.cell_deadline(item, unit)].date,
                                plan.unit_timezone(unit))


@lru_cache(maxsize=4096)
def _deadline_end(day: date, timezone: str) -> datetime:
    """Midnight after `day` in `timezone`: few distinct values, asked for once per cell."""
    return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(timezone))


def default_since(session: Session, plan: Plan) -> datetime:
    """The previous digest's time, or the campaign's first day when none was sent yet."""
    stored = get_setting(session, LAST_SENT)
    if stored:
        return datetime.fromisoformat(stored)
    return datetime.combine(plan.window_start, time(0), ZoneInfo(plan.timezone))


def build_digest(session: Session, plan: Plan, now: datetime,
                 since: datetime | None = None) -> Digest:
    grid = load_grid(session, plan, now)
    overdue = [Overdue(c.item, c.unit, tuple(c.missing)) for c in grid.cells
               if c.state != "done" and deadline_passed(plan, c.item, c.unit, now)]
    reports = load_reports(session, plan)
    since = since or default_since(session, plan)
    changes: list[dict[str, Any]] = [
        {"at": e.at, "kind": e.action, "item": e.item, "unit": e.unit, "body": e.body,
         "by": e.by, "note": e.note}
        for e in load_history(session, since=since) if e.at <= now]
    changes += [{"at": r.received_at, "kind": "report", "unit": r.unit, "late": r.late}
                for r in reports if r.received_at and since < r.received_at <= now]
    changes.sort(key=lambda c: c["at"])
    problem_rows = outbox.list_rows(session, "failed") + outbox.list_rows(session, "uncertain")
    return Digest(plan, now, since, grid, overdue, reports, totals(reports), changes,
                  outbox.problems(session), problem_rows)


def digest_json(digest: Digest) -> dict[str, Any]:
    return {
        "as_of": iso_utc(digest.as_of),
        "since": iso_utc(digest.since),
        "completion": {
            "overall": digest.overall,
            "by_unit": digest.by_unit,
            "by_item": {str(k): v for k, v in digest.by_item.items()},
        },
        "overdue": [{"item": o.item, "unit": o.unit, "bodies": list(o.bodies)}
                    for o in digest.overdue],
        "missing_reports": digest.missing_reports,
        "totals": {**{name: digest.totals.count(name) for name in COUNT_FIELDS},
                   "media_coverage": digest.totals.media_coverage},
        "changes": [{**c, "at": iso_utc(c["at"])} for c in digest.changes],
        "problems": digest.problems,
    }
