"""A region's results report as the rest of the tool sees it, and the national totals.

These are plain frozen dataclasses so the digest, the final report and the CLI can share them
without knowing about tables or sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter

from tracker.reports.fields import COUNT_FIELDS, MediaEntry


@dataclass(frozen=True)
class RegionResult:
    """One row of the 25 April form, with when it arrived and whether that was late."""

    unit: str
    school_assemblies: int = 0
    class_hours: int = 0
    contests: int = 0
    meetings: int = 0
    debates: int = 0
    parent_meetings: int = 0
    children_reached: int = 0
    media_coverage: tuple[MediaEntry, ...] = ()
    other: str = ""
    received_at: datetime | None = None
    late: bool = False
    entered: bool = False
    """Whether anything was ever recorded for the region (a blank form row if not)."""

    @property
    def received(self) -> bool:
        return self.received_at is not None

    def count(self, name: str) -> int:
        """The count column `name` (one of COUNT_FIELDS)."""
        value: int = getattr(self, name)
        return value


@dataclass(frozen=True)
class Totals:
    """The «Итого» row: sums of the counts, and how many media entries there are."""

    school_assemblies: int = 0
    class_hours: int = 0
    contests: int = 0
    meetings: int = 0
    debates: int = 0
    parent_meetings: int = 0
    children_reached: int = 0
    media_coverage: int = 0
    received: int = 0
    late: int = 0
    regions: int = 0
    missing: tuple[str, ...] = field(default=())

    def count(self, name: str) -> int:
        value: int = getattr(self, name)
        return value


def totals(results: Sequence[RegionResult]) -> Totals:
    """The national totals of the given regions' reports (all of them, received or not:
    a figure entered but not yet submitted is still the best one known)."""
    sums = {name: sum(map(attrgetter(name), results)) for name in COUNT_FIELDS}
    return Totals(**sums,
                  media_coverage=sum(len(r.media_coverage) for r in results),
                  received=sum(r.received for r in results),
                  late=sum(r.late for r in results),
                  regions=len(results),
                  missing=tuple(r.unit for r in results if not r.received))
