"""`tracker status --json`: the grid's cells and each unit's completion, as JSON text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tracker.plan.model import Plan
from tracker.progress.cellstate import stretches
from tracker.progress.status import CellValue, Grid
from tracker.timefmt import iso_utc
from tracker.views.jsontext import compact


def _units_json(grid: Grid) -> list[dict[str, Any]]:
    return [{"unit": u.unit, "done": u.done, "total": u.total} for u in grid.units]


def status_json_text(plan: Plan, grid: Grid) -> Iterator[str]:
    """The JSON text of `status --json`, in pieces: `as_of`, the cells (item, unit, state, each
    body's state, done_at, whether it is overdue) in plan order, and each unit's done and total.

    The cells are most of it (180,000 at school scale) and differ only in item and unit within
    a run of the grid, so each run is written as one `str.join` of its units between the texts
    of its value, instead of building and encoding a dictionary per cell.
    """
    units = {u.unit: compact(u.unit) for u in grid.units}
    values: dict[tuple[CellValue, bool], str] = {}
    yield '{"as_of":' + compact(iso_utc(grid.as_of)) + ',"cells":['
    comma = ""
    for run in stretches(plan, grid):
        value, overdue = run.value, run.overdue
        if (value, overdue) not in values:
            values[value, overdue] = (
                f',"state":{compact(value.state)},"bodies":{compact(value.bodies)},'
                f'"done_at":{compact(iso_utc(value.done_at))},"overdue":{compact(overdue)}}}')
        head = f'{{"item":{compact(run.item)},"unit":'
        tail = values[value, overdue]
        yield comma + head + (tail + "," + head).join(map(units.__getitem__, run.units)) + tail
        comma = ","
    yield '],"units":' + compact(_units_json(grid)) + "}"
