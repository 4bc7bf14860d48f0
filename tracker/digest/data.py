"""What the digest says, computed once and shown in every format.

The numbers come from the same grid as `tracker status` and the same reports as
`tracker report show`, so the digest can never disagree with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from tracker.mail import backlog
from tracker.plan.model import NATIONAL, Plan
from tracker.progress.history import load_history
from tracker.progress.status import Grid, load_grid
from tracker.reports.results import RegionResult, Totals, totals
from tracker.reports.store import load_reports
from tracker.store.settings import get_setting

LAST_SENT = "digest_last_sent_at"


@dataclass(frozen=True, slots=True)
class Overdue:
    """Cells of one item past their deadline with the same required bodies unfinished."""

    item: int
    units: list[str]
    """In plan order."""
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

    @cached_property
    def overall(self) -> float:
        total = sum(u.total for u in self.grid.units)
        return round(sum(u.done for u in self.grid.units) / total, 4) if total else 0.0

    @cached_property
    def by_unit(self) -> dict[str, float]:
        return {u.unit: round(u.done / u.total, 4) if u.total else 0.0 for u in self.grid.units}

    @cached_property
    def by_item(self) -> dict[int, float]:
        return {number: round(done / total, 4)
                for number, (done, total) in self.grid.item_counts().items()}

    @property
    def missing_reports(self) -> list[str]:
        return [r.unit for r in self.reports if not r.received]


@lru_cache(maxsize=4096)
def _deadline_end(day: date, timezone: str) -> datetime:
    """Midnight after `day` in `timezone`: few distinct values, asked for once per zone."""
    return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(timezone))


def _ended(plan: Plan, now: datetime) -> dict[str, frozenset[str]]:
    """Milestone -> the units where its day has ended by `now`, each in its own time zone."""
    zones = {unit: plan.unit_timezone(unit) for unit in plan.unit_keys}
    ended = {}
    for key, milestone in plan.milestones.items():
        over = {zone: now >= _deadline_end(milestone.date, zone) for zone in set(zones.values())}
        ended[key] = frozenset(unit for unit, zone in zones.items() if over[zone])
    return ended


def find_overdue(plan: Plan, grid: Grid, now: datetime) -> list[Overdue]:
    """The cells not done once the end of their due day has passed where the unit is.

    Checked per run against per-item sets of late units, not with a date computation per cell.
    """
    ended = _ended(plan, now)
    late_units: dict[int, frozenset[str]] = {}
    result = []
    for run in grid.runs:
        if run.value.state == "done":
            continue
        if run.item not in late_units:
            late_units[run.item] = _late_units(plan, run.item, ended)
        past = late_units[run.item]
        late = [u for u in run.units if u in past]
        if late:
            result.append(Overdue(run.item, late, tuple(run.value.missing)))
    return result


def _late_units(plan: Plan, number: int, ended: dict[str, frozenset[str]]) -> frozenset[str]:
    """The units whose cell of item `number` is past its deadline.

    A cell's deadline (`plan.cell_deadline`) depends on the item and on whether the unit is
    national, so it is asked once for national and once for the regions.
    """
    item = plan.items_by_number[number]
    late = ended[plan.cell_deadline(item, NATIONAL)] & {NATIONAL}
    if plan.regions:
        late |= ended[plan.cell_deadline(item, plan.regions[0].key)] - {NATIONAL}
    return late


def default_since(conn: Connection, plan: Plan) -> datetime:
    """The previous digest's time, or the campaign's first day when none was sent yet."""
    stored = get_setting(conn, LAST_SENT)
    if stored:
        return datetime.fromisoformat(stored)
    return datetime.combine(plan.window_first_day, time(0), ZoneInfo(plan.timezone))


def build_digest(conn: Connection, plan: Plan, now: datetime,
                 since: datetime | None = None) -> Digest:
    grid = load_grid(conn, plan, now)
    reports = load_reports(conn, plan)
    since = since or default_since(conn, plan)
    changes: list[dict[str, Any]] = [
        {"at": e.at, "kind": e.action, "item": e.item, "unit": e.unit, "body": e.body,
         "by": e.by, "note": e.note}
        for e in load_history(conn, since=since, until=now)]
    changes += [{"at": r.received_at, "kind": "report", "unit": r.unit, "late": r.late}
                for r in reports if r.received_at and since < r.received_at <= now]
    changes.sort(key=lambda c: c["at"])
    problem_rows = backlog.list_rows(conn, "failed") + backlog.list_rows(conn, "uncertain")
    return Digest(plan, now, since, grid, find_overdue(plan, grid, now), reports,
                  totals(reports), changes, backlog.problems(conn), problem_rows)


