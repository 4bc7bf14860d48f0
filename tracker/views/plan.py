"""The JSON shapes that scripts rely on, built in one place.

`tracker items/regions/status/history --json` and the digest all use these, so the same thing
is always written the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tracker.plan.model import Item, Plan, Text
from tracker.progress.history import HistoryEntry
from tracker.progress.status import Grid, Look
from tracker.timefmt import iso_utc


def text_json(text: Text) -> dict[str, str]:
    return {"kk": text.kk, "ru": text.ru, "en": text.en}


def due_json(plan: Plan, item: Item) -> dict[str, str]:
    if item.due.kind == "window":
        return {"kind": "window", "start": plan.window_start.isoformat(),
                "end": plan.window_end.isoformat()}
    if item.due.kind == "date" and item.due.milestone:
        return {"kind": "date", "date": plan.milestones[item.due.milestone].date.isoformat()}
    return {"kind": "ongoing"}


def scope(plan: Plan, item: Item) -> list[str]:
    levels = {plan.bodies[b].level for b in item.responsible}
    return [level for level in ("regional", "national") if level in levels]


def item_json(plan: Plan, item: Item, lang: str) -> dict[str, Any]:
    return {
        "number": item.number,
        "section": plan.sections_by_key[item.section].title.get(lang),
        "title": text_json(item.title),
        "completion_form": item.form,
        "due": due_json(plan, item),
        "responsible": list(item.responsible),
        "scope": scope(plan, item),
    }


def region_json(plan: Plan) -> list[dict[str, Any]]:
    return [{"key": r.key, "name": text_json(r.name), "timezone": r.timezone}
            for r in plan.regions]


def status_json(grid: Grid) -> dict[str, Any]:
    return {
        "as_of": iso_utc(grid.as_of),
        "cells": [{"item": run.item, "unit": unit, "state": run.look.state,
                   "bodies": run.look.bodies, "done_at": iso_utc(run.look.done_at)}
                  for run in grid.runs for unit in run.units],
        "units": _units_json(grid),
    }


def _units_json(grid: Grid) -> list[dict[str, Any]]:
    return [{"unit": u.unit, "done": u.done, "total": u.total} for u in grid.units]


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def compact(value: Any) -> str:
    """JSON text as `emit_json` writes it into a pipe (no spaces, UTF-8 text as is).

    One encoder for every call: `json.dumps` with options builds a new one each time, which
    costs more than encoding a short string.  The values are plain data built here, never
    cyclic, so the encoder need not keep track of the containers it is in.
    """
    return _COMPACT.encode(value)


def status_json_text(grid: Grid) -> Iterator[str]:
    """`compact(status_json(grid))`, character for character, in pieces.

    The cells are most of it (180,000 at school scale) and differ only in item and unit within
    a run of the grid, so each run is written as one `str.join` of its units between the texts
    of its look, instead of building and encoding a dictionary per cell.
    """
    units = {u.unit: compact(u.unit) for u in grid.units}
    looks: dict[Look, str] = {}
    yield '{"as_of":' + compact(iso_utc(grid.as_of)) + ',"cells":['
    comma = ""
    for run in grid.runs:
        look = run.look
        if look not in looks:
            looks[look] = (f',"state":{compact(look.state)},"bodies":{compact(look.bodies)},'
                           f'"done_at":{compact(iso_utc(look.done_at))}}}')
        head = f'{{"item":{compact(run.item)},"unit":'
        tail = looks[look]
        yield comma + head + (tail + "," + head).join(map(units.__getitem__, run.units)) + tail
        comma = ","
    yield '],"units":' + compact(_units_json(grid)) + "}"


def history_json(entries: list[HistoryEntry]) -> list[dict[str, Any]]:
    return [{"at": iso_utc(e.at), "item": e.item, "unit": e.unit, "body": e.body,
             "action": e.action, "by": e.by, "note": e.note, "done_at": iso_utc(e.done_at)}
            for e in entries]
