"""Which region a typed name means: one reading for the command line and for imported forms.

People write a region as its key (`aktobe`), its Russian or Kazakh name as printed («Актюбинская
область», «Ақтөбе облысы»), the English one, or the name without the word for region or city
(«Актюбинская», «Ақтөбе обл.»).  All of these are read alike, ignoring case, spacing and ё/е.
A name without its «облысы»/«область»/«қаласы»/«город» is accepted only when it means one
region: «Алматы» is both Алматы облысы and Алматы қаласы, so it is not guessed (the key
`almaty` is the city's, and a key always means its own region).
"""

from __future__ import annotations

import re

from tracker.plan.model import Plan

_SPACES = re.compile(r"\s+")
_PLACE_WORDS = frozenset({"облысы", "область", "обл", "обл.", "қаласы", "каласы", "город", "г.",
                          "г", "region", "city", "oblast"})
"""Words that say what kind of place a name is, and may be left out or abbreviated."""

_LAST: list[tuple[Plan, dict[str, str]]] = []
"""The index of the plan last asked about: a command reads one plan."""


def name_key(text: str) -> str:
    """A region name as compared: case-folded, runs of spaces as one, `ё` as `е`."""
    return _SPACES.sub(" ", text).strip().casefold().replace("ё", "е")


def _stem(key: str) -> str:
    return " ".join(word for word in key.split(" ") if word not in _PLACE_WORDS)


def region_index(plan: Plan) -> dict[str, str]:
    """Every accepted spelling of every region -> its key (built once per plan: an import looks
    up every row, and a school-scale plan has thousands of regions)."""
    if _LAST and _LAST[0][0] is plan:
        return _LAST[0][1]
    index: dict[str, str] = {}
    stems: dict[str, set[str]] = {}
    for region in plan.regions:
        for spelling in (region.key, region.name.ru, region.name.kk, region.name.en):
            if spelling:
                key = name_key(spelling)
                index[key] = region.key
                stem = _stem(key)
                if stem:
                    stems.setdefault(stem, set()).add(region.key)
    for stem, keys in stems.items():
        if len(keys) == 1 and stem not in index:
            index[stem] = next(iter(keys))
    _LAST[:] = [(plan, index)]
    return index


def find_region(text: str, plan: Plan) -> str | None:
    """The key of the region `text` names, or None."""
    index = region_index(plan)
    key = name_key(text)
    return index.get(key) or index.get(_stem(key))
