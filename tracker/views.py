"""The JSON shapes that scripts rely on, built in one place.

`tracker items/regions/status/history --json` and the digest all use these, so the same thing
is always written the same way.
"""

from __future__ import annotations

from typing import Any

from tracker.history import HistoryEntry
from tracker.plan.model import Item, Plan, Text
from tracker.status import Grid
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
        "cells": [{"item": c.item, "unit": c.unit, "state": c.state, "bodies": c.bodies,
                   "done_at": iso_utc(c.done_at)} for c in grid.cells],
        "units": [{"unit": u.unit, "done": u.done, "total": u.total} for u in grid.units],
    }


def history_json(entries: list[HistoryEntry]) -> list[dict[str, Any]]:
    return [{"at": iso_utc(e.at), "item": e.item, "unit": e.unit, "body": e.body,
             "action": e.action, "by": e.by, "note": e.note, "done_at": iso_utc(e.done_at)}
            for e in entries]
