"""The plan as scripts read it (`tracker items --json`, `tracker regions --json`) and as a
person reads it (`tracker items`), in the language chosen with --lang."""

from __future__ import annotations

from collections.abc import Sequence
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


def render_items(plan: Plan, items: Sequence[Item], lang: str) -> str:
    """`tracker items`: number, deadline, completion form and bodies by name, then the title."""
    from tracker.wording import say

    if not items:
        return say(lang, "items.none")
    forms = {i.form: plan.forms[i.form].get(lang) if i.form in plan.forms else i.form
             for i in items}
    whens = {i.number: _when(plan, i, lang) for i in items}
    when_width = max(22, *(len(w) for w in whens.values()))
    form_width = max(19, *(len(f) + 1 for f in forms.values()))
    lines = []
    for item in items:
        bodies = ", ".join(plan.bodies[b].name.get(lang) for b in item.responsible)
        lines.append(f"{item.number:>3}  {whens[item.number]:<{when_width}} "
                     f"{forms[item.form]:<{form_width}} {bodies}")
        lines.append(f"     {item.title.get(lang)}")
    return "\n".join(lines)


def _when(plan: Plan, item: Item, lang: str) -> str:
    from tracker.wording import say

    due = due_json(plan, item)
    if due["kind"] == "window":
        return f"{due['start']}..{due['end']}"
    if due["kind"] == "date":
        return say(lang, "due.date", date=due["date"])
    return say(lang, "due.ongoing")
