"""Which region a typed name means: its key, or its Russian, Kazakh or English name.

The form's region column holds whatever the region's clerk wrote («Актюбинская область»,
«Ақтөбе облысы», «aktobe»), so all of the plan's spellings are accepted, ignoring case and
spacing.  Anything else is refused with the list of keys, never guessed.
"""

from __future__ import annotations

import re

from tracker.errors import UserError
from tracker.plan.model import Plan

_SPACES = re.compile(r"\s+")


def name_key(text: str) -> str:
    """A region name as compared: case-folded, runs of spaces as one, `ё` as `е`."""
    return _SPACES.sub(" ", text).strip().casefold().replace("ё", "е")


def region_index(plan: Plan) -> dict[str, str]:
    """Every accepted spelling of every region -> its key."""
    index: dict[str, str] = {}
    for region in plan.regions:
        for spelling in (region.key, region.name.ru, region.name.kk, region.name.en):
            if spelling:
                index[name_key(spelling)] = region.key
    return index


def find_region(text: str, plan: Plan) -> str | None:
    """The key of the region `text` names, or None."""
    return region_index(plan).get(name_key(text))


def require_region(text: str, plan: Plan) -> str:
    """The key of the region a command-line argument names; a UserError otherwise."""
    key = find_region(text, plan)
    if key is None:
        raise UserError(f"unknown region '{text}' "
                        f"(use one of: {', '.join(r.key for r in plan.regions)})")
    return key
