"""Where things stand: the item × unit grid derived from the assignment rows.

A cell (item, unit) is `done` when every required body is done, `partial` when some body is,
else `pending`.  Computed from one query over the assignment table, so the grid for thousands
of units is still one round trip.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import ASSIGNMENT
from tracker.plan.model import Plan

STATES = ("pending", "partial", "done")


@dataclass
class Cell:
    item: int
    unit: str
    state: str
    bodies: dict[str, str]
    done_at: datetime | None
    required: tuple[str, ...] = ()

    @property
    def missing(self) -> list[str]:
        """Required bodies that have not finished."""
        return [b for b in self.required if self.bodies.get(b) != "done"]


@dataclass
class UnitSummary:
    unit: str
    done: int = 0
    partial: int = 0
    total: int = 0


@dataclass
class Grid:
    as_of: datetime
    cells: list[Cell]
    units: list[UnitSummary] = field(default_factory=list)

    def by_item(self) -> dict[int, list[Cell]]:
        result: dict[int, list[Cell]] = {}
        for cell in self.cells:
            result.setdefault(cell.item, []).append(cell)
        return result


def assignment_rows(session: Session, units: Iterable[str] | None = None,
                    items: Iterable[int] | None = None
                    ) -> Sequence[tuple[int, str, str, bool, str, datetime | None]]:
    """(item, unit, body, required, state, done_at) rows, optionally filtered."""
    a = ASSIGNMENT
    query = select(a.c.item_number, a.c.unit_key, a.c.body_key, a.c.required, a.c.state,
                   a.c.done_at)
    if units is not None:
        query = query.where(a.c.unit_key.in_(list(units)))
    if items is not None:
        query = query.where(a.c.item_number.in_(list(items)))
    return session.execute(query).all()


def build_grid(plan: Plan, rows: Iterable[tuple[int, str, str, bool, str, datetime | None]],
               as_of: datetime) -> Grid:
    """Fold assignment rows into cells in plan order, with per-unit completion."""
    collected: dict[tuple[int, str], Cell] = {}
    for number, unit, body, required, state, done_at in rows:
        cell = collected.get((number, unit))
        if cell is None:
            cell = collected[(number, unit)] = Cell(number, unit, "pending", {}, None)
        cell.bodies[body] = state
        if required:
            cell.required = (*cell.required, body)
        if state == "done" and done_at and (cell.done_at is None or done_at > cell.done_at):
            cell.done_at = done_at
    unit_order = {u: i for i, u in enumerate(plan.unit_keys)}
    item_order = {it.number: i for i, it in enumerate(plan.items)}
    cells = sorted(collected.values(),
                   key=lambda c: (item_order.get(c.item, 10**9), unit_order.get(c.unit, 10**9)))
    summaries: dict[str, UnitSummary] = {}
    for cell in cells:
        plan_item = plan.items_by_number.get(cell.item)
        if plan_item is not None:
            order = plan.bodies_in(plan_item, cell.unit)
            cell.bodies = {b: cell.bodies[b] for b in order if b in cell.bodies}
        wanted = set(cell.required)
        cell.required = tuple(b for b in cell.bodies if b in wanted) or tuple(cell.bodies)
        done_required = all(cell.bodies.get(b) == "done" for b in cell.required)
        if done_required:
            cell.state = "done"
        elif any(s == "done" for s in cell.bodies.values()):
            cell.state = "partial"
        if cell.state != "done":
            cell.done_at = None
        summary = summaries.setdefault(cell.unit, UnitSummary(cell.unit))
        summary.total += 1
        summary.done += cell.state == "done"
        summary.partial += cell.state == "partial"
    units = sorted(summaries.values(), key=lambda s: unit_order.get(s.unit, 10**9))
    return Grid(as_of, cells, units)


def load_grid(session: Session, plan: Plan, as_of: datetime,
              units: Sequence[str] | None = None) -> Grid:
    return build_grid(plan, assignment_rows(session, units=units), as_of)
