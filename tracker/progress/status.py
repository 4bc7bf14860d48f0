"""Where things stand: the item × unit grid derived from the assignment rows.

A cell (item, unit) is `done` when every required body is done, `partial` when some body is,
else `pending`.

At school scale (7,500 units: 180,000 assignments) a step of Python per assignment is most of a
command's time, so the work is done per *group* of alike things instead:

- `assignment_groups` has the database group the assignments by everything but the unit, with
  the group's units as one string.  That is a few dozen rows (item × body × state × done
  moment) however many units there are; spreading them back over the units is a C-level
  `dict.fromkeys` per group.
- The grid keeps its cells as *runs*: cells of one item in consecutive units (plan order) that
  look alike.  Counting, the JSON and the digest work per run; `Grid.cells` still lists the
  cells one by one for the views that want them.

A grid is as of a moment (`--now`): the current rows, with the few assignments changed after
that moment put back as their events recorded up to it say.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import groupby
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, func, literal, select

from tracker.plan.model import Plan
from tracker.store.database import UTCDateTime
from tracker.store.tables import ASSIGNMENT, EVENT

STATES = ("pending", "partial", "done")

_SEPARATOR = ","
"""Joins a group's unit keys; plan keys are [a-z0-9_], so it never occurs in one."""


@dataclass(frozen=True, slots=True, eq=False)
class AssignmentGroup:
    """Assignments that differ only in their unit: one item, body, state and done moment.

    Compared by identity, so a group (or a tuple of them) is a cheap dictionary key.
    """

    item: int
    body: str
    required: bool
    state: str
    done_at: datetime | None
    units: list[str]


Key = tuple[int, str, bool, str, "datetime | None"]
"""An assignment group's key: item, body, required, state, done moment."""


def assignment_groups(conn: Connection, units: Iterable[str] | None = None,
                      items: Iterable[int] | None = None,
                      as_of: datetime | None = None) -> list[AssignmentGroup]:
    """The assignments (optionally only these units or items) as groups; see the module doc.

    With `as_of`, each assignment as it stood at that moment: what the events recorded up to
    it say (an event's `at` is when it was recorded, so this is what was known then; a
    `mark --on` recorded later does not reach back).  The current rows are read as always, and
    only the assignments with an event recorded after `as_of` are put back as they stood: none
    in the common case, a probe of the events' `at` index.
    """
    a = ASSIGNMENT
    key = (a.c.item_number, a.c.body_key, a.c.required, a.c.state, a.c.done_at)
    query = select(*key, func.aggregate_strings(a.c.unit_key, _SEPARATOR)).group_by(*key)
    query = _only(query, units, items)
    # Interned, the 180,000 unit keys are 7,500 strings: smaller, and the dictionaries and
    # sets built over them compare by identity.
    groups = [AssignmentGroup(item, body, bool(required), state, done_at,
                              list(map(sys.intern, joined.split(_SEPARATOR))))
              for item, body, required, state, done_at, joined in conn.execute(query)]
    if as_of is not None and _recorded_after(conn, as_of):
        groups = _rewound(groups, conn.execute(_only(_changed_since(as_of), units, items)))
    return groups


_Query = TypeVar("_Query", bound=Select[Any])


def _only(query: _Query, units: Iterable[str] | None, items: Iterable[int] | None) -> _Query:
    a = ASSIGNMENT
    if units is not None:
        query = query.where(a.c.unit_key.in_(list(units)))
    if items is not None:
        query = query.where(a.c.item_number.in_(list(items)))
    return query


def _recorded_after(conn: Connection, moment: datetime) -> bool:
    """Whether any event was recorded after `moment` (one probe of the `at` index)."""
    e = EVENT
    later = select(e.c.id).where(e.c.at > literal(moment, UTCDateTime())).limit(1)
    return conn.execute(later).first() is not None


def _changed_since(moment: datetime) -> Select[Any]:
    """The assignments with an event recorded after `moment`: their current row, and the
    action and done moment of their latest event recorded up to it (none: pending then).

    "Latest" is in the order the events were recorded, as the current row is.  Plain
    aggregates and joins, no window function, so SQLite and PostgreSQL run it alike.
    """
    a, e = ASSIGNMENT, EVENT
    bound = literal(moment, UTCDateTime())
    changed = select(e.c.assignment_id).where(e.c.at > bound).distinct().subquery("changed")
    last = (select(e.c.assignment_id, func.max(e.c.id).label("event_id"))
            .where(e.c.at <= bound, e.c.assignment_id.in_(select(changed.c.assignment_id)))
            .group_by(e.c.assignment_id).subquery("last_event"))
    latest = (select(last.c.assignment_id, e.c.action, e.c.done_at)
              .join(e, e.c.id == last.c.event_id).subquery("latest"))
    return (select(a.c.item_number, a.c.body_key, a.c.required, a.c.state, a.c.done_at,
                   a.c.unit_key, latest.c.action, latest.c.done_at)
            .select_from(a.join(changed, changed.c.assignment_id == a.c.id)
                         .outerjoin(latest, latest.c.assignment_id == a.c.id)))


def _rewound(groups: list[AssignmentGroup],
             changed: Iterable[Sequence[Any]]) -> list[AssignmentGroup]:
    """The groups with each changed assignment moved from its current group to the one of its
    state then."""
    def key(item: int, body: str, required: bool, state: str, done_at: datetime | None) -> Key:
        return item, body, bool(required), state, done_at

    leaving: dict[Key, set[str]] = {}
    arriving: dict[Key, list[str]] = {}
    for item, body, required, state, done_at, unit, action, done_then in changed:
        then = ("done", done_then) if action == "mark" else ("pending", None)
        if then != (state, done_at):
            leaving.setdefault(key(item, body, required, state, done_at), set()).add(unit)
            arriving.setdefault(key(item, body, required, *then), []).append(sys.intern(unit))
    result = []
    for group in groups:
        group_key = key(group.item, group.body, group.required, group.state, group.done_at)
        gone = leaving.get(group_key)
        units = [u for u in group.units if u not in gone] if gone else group.units
        units += arriving.pop(group_key, [])
        if units:
            result.append(AssignmentGroup(*group_key, units))
    result += [AssignmentGroup(*group_key, units) for group_key, units in arriving.items()]
    return result


@dataclass(frozen=True, slots=True, eq=False)
class CellValue:
    """What a cell says apart from where it is; alike cells share one (and its `bodies`)."""

    state: str
    bodies: dict[str, str]
    """Body -> its state, in the plan's order."""
    done_at: datetime | None
    """When the cell became done (its latest body), None unless done."""
    required: tuple[str, ...]

    @property
    def missing(self) -> list[str]:
        """Required bodies that have not finished."""
        return [b for b in self.required if self.bodies.get(b) != "done"]


@dataclass(slots=True)
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


@dataclass(frozen=True, slots=True)
class Run:
    """Cells of one item in consecutive units (plan order) that look alike."""

    item: int
    value: CellValue
    units: list[str]


@dataclass
class UnitSummary:
    unit: str
    done: int = 0
    partial: int = 0
    total: int = 0


@dataclass
class Grid:
    as_of: datetime
    runs: list[Run]
    """All cells, items in plan order and units in plan order within an item."""
    units: list[UnitSummary]

    @cached_property
    def cells(self) -> list[Cell]:
        """The cells one by one (built on first use: the JSON and the digest do without)."""
        return [Cell(run.item, unit, value.state, value.bodies, value.done_at, value.required)
                for run in self.runs for value in (run.value,) for unit in run.units]

    def item_counts(self) -> dict[int, tuple[int, int]]:
        """Item -> (cells done, cells), items in plan order."""
        result: dict[int, tuple[int, int]] = {}
        for run in self.runs:
            done, total = result.get(run.item, (0, 0))
            count = len(run.units)
            result[run.item] = (done + count * (run.value.state == "done"), total + count)
        return result


def _value(groups: Sequence[AssignmentGroup], order: Sequence[str]) -> CellValue:
    """The cell made of these groups (one per body of the cell)."""
    done_at = max((g.done_at for g in groups if g.state == "done" and g.done_at), default=None)
    if len(groups) == 1:
        bodies = {groups[0].body: groups[0].state}
        required = tuple(bodies)
    else:
        # several bodies: plan order, and a body the plan no longer names is left out
        by_body = {g.body: g for g in groups}
        bodies = {b: by_body[b].state for b in order if b in by_body}
        required = tuple(b for b in bodies if by_body[b].required) or tuple(bodies)
    if all(bodies.get(b) == "done" for b in required):
        return CellValue("done", bodies, done_at, required)
    return CellValue("partial" if "done" in bodies.values() else "pending", bodies, None, required)


def build_grid(plan: Plan, groups: Iterable[AssignmentGroup], as_of: datetime) -> Grid:
    """Spread the groups over their units and read them in plan order as runs, with per-unit
    completion.  Items and units the plan does not know (none once a plan load succeeded)
    come last."""
    spread: dict[int, dict[str, dict[str, AssignmentGroup]]] = {}  # item -> body -> unit -> ..
    for group in groups:
        spread.setdefault(group.item, {}).setdefault(group.body, {}).update(
            dict.fromkeys(group.units, group))
    plan_units = plan.unit_keys
    present = set().union(*(units for bodies in spread.values() for units in bodies.values()))
    unit_order = [*plan_units, *sorted(present.difference(plan_units))]
    items = [i.number for i in plan.items if i.number in spread]
    items += sorted(set(spread) - set(items))
    values: dict[Hashable, CellValue] = {}
    runs: list[Run] = []
    for number in items:
        by_body = spread[number]
        plan_item = plan.items_by_number.get(number)
        # each unit's groups: one group for a one-body item (most cells), else a tuple
        row: list[Hashable]
        if len(by_body) == 1:
            row = list(map(next(iter(by_body.values())).get, unit_order))
        else:
            row = [tuple(g for units in by_body.values() if (g := units.get(u)))
                   for u in unit_order]
        start = 0
        for key, same in groupby(row):
            count = len(list(same))
            if key:
                value = values.get(key)
                if value is None:
                    found = key if isinstance(key, tuple) else (key,)
                    order = plan.bodies_in(plan_item, unit_order[start]) if plan_item else ()
                    value = values[key] = _value(found, order)
                runs.append(Run(number, value, unit_order[start:start + count]))
            start += count
    return Grid(as_of, runs, _summaries(runs, unit_order))


def _summaries(runs: Iterable[Run], unit_order: Sequence[str]) -> list[UnitSummary]:
    """Per-unit completion, counted per run (Counter.update counts in C)."""
    counts: dict[str, Counter[str]] = {state: Counter() for state in STATES}
    for run in runs:
        counts[run.value.state].update(run.units)
    done, partial, pending = counts["done"], counts["partial"], counts["pending"]
    summaries = []
    for unit in unit_order:
        total = done.get(unit, 0) + partial.get(unit, 0) + pending.get(unit, 0)
        if total:
            summaries.append(UnitSummary(unit, done.get(unit, 0), partial.get(unit, 0), total))
    return summaries


def load_grid(conn: Connection, plan: Plan, as_of: datetime,
              units: Sequence[str] | None = None) -> Grid:
    """The grid as it stood at `as_of` (see `assignment_groups`)."""
    return build_grid(plan, assignment_groups(conn, units=units, as_of=as_of), as_of)
