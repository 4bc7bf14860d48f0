"""What the digest says, computed once and shown in every format.

The numbers come from the same grid as `tracker status` and the same reports as
`tracker report show`, so the digest can never disagree with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from tracker.mail import backlog
from tracker.plan.model import Plan
from tracker.progress.cellstate import Overdue, find_overdue
from tracker.progress.history import evidence_fields, load_history
from tracker.progress.status import Grid, load_grid
from tracker.reports.results import RegionResult, Totals, totals
from tracker.reports.store import load_reports
from tracker.store.settings import get_setting

LAST_SENT = "digest_last_sent_at"


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
    bounced: list[backlog.Bounced] = field(default_factory=list)
    """Failed mail a delivery failure report was read for: contacts to fix."""
    inbox_held: int = 0
    """Agencies' messages read from the inbox and waiting for staff (`tracker inbox`)."""

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


def default_since(conn: Connection, plan: Plan) -> datetime:
    """The previous digest's time, or the campaign's first day when none was sent yet."""
    stored = get_setting(conn, LAST_SENT)
    if stored:
        return datetime.fromisoformat(stored)
    return datetime.combine(plan.window_first_day, time(0), ZoneInfo(plan.timezone))


def build_digest(conn: Connection, plan: Plan, now: datetime,
                 since: datetime | None = None) -> Digest:
    """The digest as of `now`: the grid as it stood then, its overdue cells, the reports
    received by then, and the changes recorded after `since` up to `now`."""
    grid = load_grid(conn, plan, now)
    reports = load_reports(conn, plan, as_of=now)
    # The changes are those between the two moments; a `since` later than the digest's own
    # moment (a --since in its future, or a previous digest sent later on a simulated clock)
    # would list nothing honestly, so it is clamped.
    since = min(since or default_since(conn, plan), now)
    changes: list[dict[str, Any]] = [
        {"at": e.at, "kind": e.action, "item": e.item, "unit": e.unit, "body": e.body,
         "by": e.by, "note": e.note, **evidence_fields(e)}
        for e in load_history(conn, since=since, until=now)]
    changes += [{"at": r.received_at, "kind": "report", "unit": r.unit, "late": r.late,
                 "by": r.received_by, "via": r.received_via}
                for r in reports if r.received_at and since < r.received_at <= now]
    changes.sort(key=lambda c: c["at"])
    problem_rows = backlog.list_rows(conn, "failed") + backlog.list_rows(conn, "uncertain")
    from tracker.inbox.review import held_count

    return Digest(plan, now, since, grid, find_overdue(plan, grid), reports,
                  totals(reports), changes, backlog.problems(conn), problem_rows,
                  backlog.bounced(conn), held_count(conn, now))


