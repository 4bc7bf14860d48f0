"""The digest's lists cut to what a reader takes in: on a printed page and in a mail.

The grid shows every cell; the lists under it are summaries.  What is overdue in a region is
one line per body with the item numbers (the grid has the titles), and the changes and mail
problems are the latest few with how many more there are, so a busy day does not run the page
to a dozen sheets or the mail to hundreds of kilobytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from tracker.plan.model import Plan
from tracker.progress.cellstate import Overdue

CHANGES_SHOWN = 20
"""The latest changes listed on the page and in the mail; the rest are counted."""
PROBLEMS_SHOWN = 10
"""Failed or uncertain mails listed by recipient; the rest are counted."""
MAIL_UNITS_SHOWN = 40
"""Units the mail lists by name, in its summary and its overdue list: all 16 regions and the
national level; a plan of schools lists the least advanced ones and counts the rest."""

T = TypeVar("T")


def last_of(entries: Sequence[T], shown: int) -> tuple[list[T], int]:
    """The last `shown` of `entries` (oldest first), and how many were left out."""
    kept = list(entries[-shown:]) if shown else []
    return kept, len(entries) - len(kept)


def first_of(entries: Sequence[T], shown: int) -> tuple[list[T], int]:
    """The first `shown` of `entries`, and how many were left out."""
    kept = list(entries[:shown])
    return kept, len(entries) - len(kept)


def overdue_by_body(plan: Plan, overdue: Sequence[Overdue]) -> dict[str, list[dict[str, Any]]]:
    """Unit -> its overdue items by unfinished body, in plan order: [{"name": {"kk", "ru"},
    "numbers": [3, 4, 9]}]."""
    by_unit: dict[str, dict[str, list[int]]] = {}
    for entry in overdue:
        for unit in entry.units:
            bodies = by_unit.setdefault(unit, {})
            for body in entry.bodies or ("",):
                items = bodies.setdefault(body, [])
                if entry.item not in items:
                    items.append(entry.item)
    order = {key: index for index, key in enumerate(plan.bodies)}
    return {unit: [{"name": _name(plan, body), "numbers": sorted(items)}
                   for body, items in sorted(bodies.items(), key=lambda b: order.get(b[0], 99))]
            for unit, bodies in by_unit.items()}


def _name(plan: Plan, body: str) -> dict[str, str]:
    """A body's name; empty when the cell is overdue without a body named."""
    known = plan.bodies.get(body)
    return {"kk": known.name.kk, "ru": known.name.ru} if known else {"kk": body, "ru": body}
