"""A region's results report as the rest of the tool sees it, and the national totals.

These are plain frozen dataclasses so the digest, the final report and the CLI can share them
without knowing about tables or sessions.  Figures are held by the column's key in the plan's
results form (`Plan.results_form`); a column with nothing entered reads as 0 or empty text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tracker.plan.model import FormColumn
from tracker.reports.fields import MediaEntry


@dataclass(frozen=True)
class RegionResult:
    """One row of the results form, with when it arrived and whether that was late."""

    unit: str
    counts: Mapping[str, int] = field(default_factory=dict)
    """Count column key -> the number entered."""
    texts: Mapping[str, str] = field(default_factory=dict)
    """Text column key -> the text entered."""
    media_coverage: tuple[MediaEntry, ...] = ()
    """The entries of the form's media column («Освещение в СМИ»)."""
    received_at: datetime | None = None
    late: bool = False
    entered: bool = False
    """Whether anything was ever recorded for the region (a blank form row if not)."""
    received_by: str | None = None
    """Who submitted it: the login or --by at the command line, the address behind a link."""
    received_via: str | None = None
    """How it came: cli (`report submit`), import (`report import`), link (the results page)."""

    @property
    def received(self) -> bool:
        return self.received_at is not None

    def count(self, key: str) -> int:
        """The count column `key`: 0 when nothing was entered there."""
        return self.counts.get(key, 0)

    def text(self, key: str) -> str:
        """The text column `key`: empty when nothing was entered there."""
        return self.texts.get(key, "")

    def figure(self, column: FormColumn) -> int:
        """A totalled column's figure: a count, or the number of publications."""
        return len(self.media_coverage) if column.kind == "media" else self.count(column.key)


@dataclass(frozen=True)
class Totals:
    """The «Итого» row: sums of the counts, and how many media entries there are."""

    counts: Mapping[str, int] = field(default_factory=dict)
    media_coverage: int = 0
    received: int = 0
    late: int = 0
    regions: int = 0
    missing: tuple[str, ...] = field(default=())

    def count(self, key: str) -> int:
        """The national sum of the count column `key`."""
        return self.counts.get(key, 0)

    def figure(self, column: FormColumn) -> int:
        """A totalled column's national figure: a sum, or the number of publications."""
        return self.media_coverage if column.kind == "media" else self.count(column.key)


def totals(results: Sequence[RegionResult]) -> Totals:
    """The national totals of the given regions' reports (all of them, received or not:
    a figure entered but not yet submitted is still the best one known)."""
    sums: dict[str, int] = {}
    for result in results:
        for key, value in result.counts.items():
            sums[key] = sums.get(key, 0) + value
    return Totals(counts=sums,
                  media_coverage=sum(len(r.media_coverage) for r in results),
                  received=sum(r.received for r in results),
                  late=sum(r.late for r in results),
                  regions=len(results),
                  missing=tuple(r.unit for r in results if not r.received))
