"""A cell's state at a moment: the one notion the status grid, the digest, the mails and the
final report share.

The assignments say how far a cell (item, unit) is: `done`, `partial` or `pending` (see
`tracker.progress.status`).  The clock adds whether it is late: a cell that is not done once
the day of its deadline has ended where its unit is (the unit's own IANA zone) is `overdue`,
or `partial_overdue` when some body has done its part, so that lateness never hides the
progress made.  The deadline of a cell is the plan's (`Plan.cell_deadline`: an item's own
date, the window's end for the regions' window items, else the level's work deadline).

At school scale the grid is read per run of alike cells, and so is lateness: the units past a
deadline are computed once per milestone (per zone), and a run is split only where its units
straddle that set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import groupby
from zoneinfo import ZoneInfo

from tracker.plan.model import NATIONAL, Item, Plan
from tracker.progress.status import CellValue, Grid

CELL_STATES = ("done", "partial", "pending", "overdue", "partial_overdue")
OVERDUE_STATES = frozenset({"overdue", "partial_overdue"})

SYMBOLS = {"done": "✓", "partial": "◐", "pending": "·", "overdue": "!", "partial_overdue": "◐!"}
"""One glyph per state; partly done and overdue keeps the partial glyph and adds the overdue
mark, so the views leave room for two characters."""


@lru_cache(maxsize=4096)
def day_end(day: date, timezone: str) -> datetime:
    """Midnight after `day` in `timezone`: few distinct values, asked for once per zone."""
    return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(timezone))


def deadline_end(plan: Plan, item: Item, unit: str) -> datetime:
    """The first moment at which the cell (item, unit) is late: midnight after its deadline's
    day, in the unit's own zone."""
    return day_end(plan.day_of(plan.cell_deadline(item, unit)), plan.unit_timezone(unit))


def is_overdue(plan: Plan, item: Item, unit: str, now: datetime) -> bool:
    """Whether the deadline of `item` in `unit` has passed at `now` where the unit is: its cell,
    or any of its assignments, is overdue then unless it is done.

    The public test for lists that name overdue work (the reminder mails): the same rule the
    grid, the digest and the final report apply per run.
    """
    return now >= deadline_end(plan, item, unit)


def cell_state(progress: str, late: bool) -> str:
    """The state of a cell from its progress (done, partial, pending) and whether its deadline
    has passed."""
    if not late or progress == "done":
        return progress
    return "partial_overdue" if progress == "partial" else "overdue"


@dataclass(frozen=True, slots=True)
class Stretch:
    """Cells of one item in consecutive units (plan order) alike in value and in state."""

    item: int
    value: CellValue
    units: list[str]
    state: str
    """One of `CELL_STATES`."""

    @property
    def overdue(self) -> bool:
        return self.state in OVERDUE_STATES


@dataclass(frozen=True, slots=True)
class Overdue:
    """Cells of one item past their deadline with the same required bodies unfinished."""

    item: int
    units: list[str]
    """In plan order."""
    bodies: tuple[str, ...]
    """Required bodies that have not finished."""
    partial: bool
    """Whether some body has done its part (the cells are `partial_overdue`)."""


class LateUnits:
    """Per item, the units where its deadline has passed at `now`."""

    def __init__(self, plan: Plan, now: datetime) -> None:
        self.plan = plan
        zones = {unit: plan.unit_timezone(unit) for unit in plan.unit_keys}
        self._ended: dict[str, frozenset[str]] = {}
        for key, milestone in plan.milestones.items():
            over = {zone: now >= day_end(milestone.date, zone) for zone in set(zones.values())}
            self._ended[key] = frozenset(unit for unit, zone in zones.items() if over[zone])
        self._by_item: dict[int, frozenset[str]] = {}

    def of(self, number: int) -> frozenset[str]:
        """The units whose cell of item `number` is past its deadline.

        A cell's deadline depends on the item and on whether the unit is national, so it is
        asked once for national and once for the regions.
        """
        if number not in self._by_item:
            plan = self.plan
            item = plan.items_by_number.get(number)
            late: frozenset[str] = frozenset()
            if item is not None:
                late = self._ended[plan.cell_deadline(item, NATIONAL)] & {NATIONAL}
                if plan.regions:
                    regional = plan.cell_deadline(item, plan.regions[0].key)
                    late |= self._ended[regional] - {NATIONAL}
            self._by_item[number] = late
        return self._by_item[number]


def stretches(plan: Plan, grid: Grid) -> list[Stretch]:
    """The grid's runs with each cell's state at the grid's moment, a run split where only some
    of its units are past the deadline."""
    late = LateUnits(plan, grid.as_of)
    result = []
    for run in grid.runs:
        progress = run.value.state
        past = frozenset() if progress == "done" else late.of(run.item)
        if past.isdisjoint(run.units):
            result.append(Stretch(run.item, run.value, run.units, progress))
        elif past.issuperset(run.units):
            result.append(Stretch(run.item, run.value, run.units, cell_state(progress, True)))
        else:
            for is_late, units in groupby(run.units, key=past.__contains__):
                result.append(Stretch(run.item, run.value, list(units),
                                      cell_state(progress, is_late)))
    return result


def cell_states(plan: Plan, grid: Grid) -> dict[tuple[int, str], str]:
    """(item, unit) -> the cell's state, for the views that look cells up one by one."""
    return {(s.item, unit): s.state for s in stretches(plan, grid) for unit in s.units}


def find_overdue(plan: Plan, grid: Grid) -> list[Overdue]:
    """The overdue cells, per stretch: item, units, the required bodies unfinished."""
    return [Overdue(s.item, s.units, tuple(s.value.missing), s.state == "partial_overdue")
            for s in stretches(plan, grid) if s.overdue]
