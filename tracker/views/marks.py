"""What `tracker mark` and `tracker unmark` say they did, in the language chosen with --lang."""

from __future__ import annotations

from tracker.plan.model import NATIONAL, Plan
from tracker.progress.marking import MarkResult
from tracker.wording import count, say


def render_change(plan: Plan, result: MarkResult, action: str, lang: str) -> str:
    """How many assignments changed, of which items, where; or that nothing did."""
    done = action == "mark"
    if not result.changed:
        return say(lang, "mark.same_done" if done else "mark.same_undone", n=result.matched)
    units = {u for _, u, _ in result.changed}
    numbers = sorted({i for i, _, _ in result.changed})
    regions = len(units - {NATIONAL})
    where = ("mark.national" if not regions else
             "mark.in_both" if NATIONAL in units else "mark.in_regions")
    text = say(lang, "mark.done" if done else "mark.undone",
               assignments=count(lang, len(result.changed), "assignment"),
               items=say(lang, "mark.item" if len(numbers) == 1 else "mark.items",
                         numbers=ranges(numbers)),
               where=say(lang, where, regions=count(lang, regions, "region_in")),
               numbers=ranges(numbers), units=len(units))
    if result.unchanged:
        text += "\n" + say(lang, "mark.already_done" if done else "mark.already_undone",
                           n=result.unchanged)
    return text


def ranges(numbers: list[int]) -> str:
    """`1, 3, 5-7`: item numbers as a person would type them."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)
