"""The plan as scripts read it: `tracker items --json`, `tracker regions --json`."""

from __future__ import annotations

from typing import Any

from tracker.plan.model import Item, Plan, Text


def text_json(text: Text) -> dict[str, str]:
    return {"kk": text.kk, "ru": text.ru, "en": text.en}


def due_json(plan: Plan, item: Item) -> dict[str, str]:
    if item.due.kind == "window":
        return {"kind": "window", "start": plan.window_first_day.isoformat(),
                "end": plan.window_last_day.isoformat()}
    if item.due.kind == "date" and item.due.milestone:
        return {"kind": "date", "date": plan.day_of(item.due.milestone).isoformat()}
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


