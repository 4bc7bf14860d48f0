"""Reading what a person typed (`5-11`, `--region all`, `--body ngo`) into plan terms.

Every unknown item, region or body is refused here, before the database is touched, with the
list of what would have been accepted, in the reader's language (`lang`).  A region is read as
the imported forms read it (`tracker.plan.regionnames`): its key or any of its names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.errors import UserError
from tracker.plan.model import NATIONAL, Plan
from tracker.plan.regionnames import find_region
from tracker.wording import say

_RANGE = re.compile(r"^(\d+)\s*-\s*(\d+)$", re.ASCII)
_NUMBER = re.compile(r"\d+", re.ASCII)
_DIGITS_MAX = 18
"""More digits than this name no item (and would not fit the database's integers)."""


@dataclass(frozen=True)
class Selection:
    items: tuple[int, ...]
    named: frozenset[int]
    """Items typed one by one (not from a range): each must have something to act on."""
    units: tuple[str, ...]
    body: str | None


def parse_items(values: Sequence[str], plan: Plan,
                lang: str = "en") -> tuple[tuple[int, ...], frozenset[int]]:
    """Item numbers from `5 7 9-11` or `5,7,9-11`, in plan order, with those named singly."""
    known = plan.items_by_number
    first, last = min(known), max(known)
    chosen: list[int] = []
    named: set[int] = set()
    for value in (part.strip() for raw in values for part in raw.split(",")):
        if not value:
            continue
        if value == "all":
            chosen.extend(known)
            continue
        match = _RANGE.match(value)
        if match:
            low, high = (_number(match[1], first, last, lang),
                         _number(match[2], first, last, lang))
            if low > high:
                raise UserError(say(lang, "error.backwards", value=value))
            # Never more than the plan's items plus one: past the last, the first number that
            # is not an item is the error, however far the range was meant to run.
            numbers = list(range(low, min(high, last + 1) + 1))
        elif _NUMBER.fullmatch(value):
            numbers = [_number(value, first, last, lang)]
            named.add(numbers[0])
        else:
            raise UserError(say(lang, "error.not_item", value=value))
        for number in numbers:
            if number not in known:
                raise UserError(say(lang, "error.unknown_item", n=number, first=first, last=last))
        chosen.extend(numbers)
    if not chosen:
        raise UserError(say(lang, "error.no_item"))
    ordered = tuple(dict.fromkeys(sorted(chosen)))
    return ordered, frozenset(named)


def _number(digits: str, first: int, last: int, lang: str) -> int:
    if len(digits) > _DIGITS_MAX:
        raise UserError(say(lang, "error.unknown_item", n=f"{digits[:_DIGITS_MAX]}...",
                            first=first, last=last))
    return int(digits)


def parse_units(values: Sequence[str], plan: Plan, lang: str = "en") -> tuple[str, ...]:
    """Unit keys from regions (by key or name), `all` (every region) and `national`."""
    regions = [r.key for r in plan.regions]
    chosen: list[str] = []
    for value in (part.strip() for raw in values for part in raw.split(",")):
        if not value:
            continue
        word = value.lower()
        region = None if word in ("all", NATIONAL) else find_region(value, plan)
        if word == "all":
            chosen.extend(regions)
        elif word == NATIONAL:
            chosen.append(NATIONAL)
        elif region is not None:
            chosen.append(region)
        else:
            raise UserError(say(lang, "error.unknown_region", value=value,
                                keys=f"{', '.join(regions)}, all, {NATIONAL}"))
    return tuple(dict.fromkeys(chosen))


def check_body(value: str | None, plan: Plan, lang: str = "en") -> str | None:
    if value is None:
        return None
    if value not in plan.bodies:
        raise UserError(say(lang, "error.unknown_body", value=value, keys=", ".join(plan.bodies)))
    return value


def select(plan: Plan, items: Sequence[str], regions: Sequence[str],
           body: str | None, lang: str = "en") -> Selection:
    """Validate a mark/unmark selection; refuse items that would match nothing."""
    numbers, named = parse_items(items, plan, lang)
    body = check_body(body, plan, lang)
    if regions:
        units = parse_units(regions, plan, lang)
    elif all(plan.units_of(plan.items_by_number[n]) == (NATIONAL,) for n in numbers):
        units = (NATIONAL,)
    else:
        raise UserError(say(lang, "error.region_required"))
    if not units:
        raise UserError(say(lang, "error.no_region"))
    matched = []
    for number in numbers:
        item = plan.items_by_number[number]
        hits = [u for u in units if u in plan.units_of(item)
                and (body is None or body in plan.bodies_in(item, u))]
        if hits:
            matched.append(number)
        elif number in named or len(numbers) == 1:
            raise UserError(_nothing_message(plan, number, units, body, lang))
    if not matched:
        raise UserError(say(lang, "error.items_empty_body" if body else "error.items_empty",
                            first=numbers[0], last=numbers[-1], units=", ".join(units),
                            body=body))
    return Selection(tuple(matched), frozenset(named), units, body)


def _nothing_message(plan: Plan, number: int, units: Sequence[str], body: str | None,
                     lang: str) -> str:
    item = plan.items_by_number[number]
    owners = ", ".join(f"{b} ({say(lang, 'level.' + plan.bodies[b].level)})"
                       for b in item.responsible)
    if body is not None and body not in item.responsible:
        return say(lang, "error.no_body", n=number, body=body, owners=owners)
    level = "national" if plan.units_of(item) == (NATIONAL,) else "regional"
    return say(lang, "error.nothing_there", n=number, units=", ".join(units),
               level=say(lang, "level." + level), owners=owners)
