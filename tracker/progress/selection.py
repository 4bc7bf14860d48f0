"""Reading what a person typed (`5-11`, `--region all`, `--body ngo`) into plan terms.

Every unknown item, region or body is refused here, before the database is touched, with the
list of what would have been accepted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.errors import UserError
from tracker.plan.model import NATIONAL, Plan

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


def parse_items(values: Sequence[str], plan: Plan) -> tuple[tuple[int, ...], frozenset[int]]:
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
            low, high = _number(match[1], first, last), _number(match[2], first, last)
            if low > high:
                raise UserError(f"item range '{value}' runs backwards")
            # Never more than the plan's items plus one: past the last, the first number that
            # is not an item is the error, however far the range was meant to run.
            numbers = list(range(low, min(high, last + 1) + 1))
        elif _NUMBER.fullmatch(value):
            numbers = [_number(value, first, last)]
            named.add(numbers[0])
        else:
            raise UserError(f"'{value}' is not an item number or range (e.g. 5 or 5-11)")
        for number in numbers:
            if number not in known:
                raise UserError(f"unknown item {number} (the plan has items {first}-{last})")
        chosen.extend(numbers)
    if not chosen:
        raise UserError("no item given (e.g. 5, 5-11 or all)")
    ordered = tuple(dict.fromkeys(sorted(chosen)))
    return ordered, frozenset(named)


def _number(digits: str, first: int, last: int) -> int:
    if len(digits) > _DIGITS_MAX:
        raise UserError(f"unknown item {digits[:_DIGITS_MAX]}... (the plan has items "
                        f"{first}-{last})")
    return int(digits)


def parse_units(values: Sequence[str], plan: Plan) -> tuple[str, ...]:
    """Unit keys from region keys, `all` (every region) and `national`."""
    regions = [r.key for r in plan.regions]
    chosen: list[str] = []
    for value in (part.strip().lower() for raw in values for part in raw.split(",")):
        if not value:
            continue
        if value == "all":
            chosen.extend(regions)
        elif value == NATIONAL or value in plan.regions_by_key:
            chosen.append(value)
        else:
            raise UserError(f"unknown region '{value}' (use one of: {', '.join(regions)}, "
                            f"all, {NATIONAL})")
    return tuple(dict.fromkeys(chosen))


def check_body(value: str | None, plan: Plan) -> str | None:
    if value is None:
        return None
    if value not in plan.bodies:
        raise UserError(f"unknown body '{value}' (use one of: {', '.join(plan.bodies)})")
    return value


def select(plan: Plan, items: Sequence[str], regions: Sequence[str],
           body: str | None) -> Selection:
    """Validate a mark/unmark selection; refuse items that would match nothing."""
    numbers, named = parse_items(items, plan)
    body = check_body(body, plan)
    if regions:
        units = parse_units(regions, plan)
    elif all(plan.units_of(plan.items_by_number[n]) == (NATIONAL,) for n in numbers):
        units = (NATIONAL,)
    else:
        raise UserError("--region is required (a region key, several, 'all' or 'national')")
    if not units:
        raise UserError("--region names no region")
    matched = []
    for number in numbers:
        item = plan.items_by_number[number]
        hits = [u for u in units if u in plan.units_of(item)
                and (body is None or body in plan.bodies_in(item, u))]
        if hits:
            matched.append(number)
        elif number in named or len(numbers) == 1:
            raise UserError(_nothing_message(plan, number, units, body))
    if not matched:
        raise UserError(f"items {numbers[0]}-{numbers[-1]} have nothing for "
                        f"{', '.join(units)}" + (f" and body '{body}'" if body else ""))
    return Selection(tuple(matched), frozenset(named), units, body)


def _nothing_message(plan: Plan, number: int, units: Sequence[str], body: str | None) -> str:
    item = plan.items_by_number[number]
    owners = ", ".join(f"{b} ({plan.bodies[b].level})" for b in item.responsible)
    if body is not None and body not in item.responsible:
        return f"item {number} has no body '{body}' (its bodies: {owners})"
    where = "national" if plan.units_of(item) == (NATIONAL,) else "regional"
    return (f"item {number} has nothing to do in {', '.join(units)}: it is {where} "
            f"(its bodies: {owners})")
