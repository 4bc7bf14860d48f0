"""The item numbers a reply reports done (first version: numbers of the plan's items)."""

from __future__ import annotations

import re

from tracker.plan.model import Plan


def proposed_items(text: str, plan: Plan) -> tuple[int, ...]:
    """The plan's item numbers `text` names."""
    numbers = {int(n) for n in re.findall(r"\b\d{1,3}\b", text)}
    return tuple(sorted(n for n in numbers if n in plan.items_by_number))
