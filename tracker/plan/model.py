"""The campaign plan as typed, immutable data.

Everything downstream (status, reminders, reports) works from a `Plan`; it is built once from
plan.yaml by `tracker.plan.loader` and stored as JSON in the database by `tracker plan load`, so
commands that only read status never parse YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from functools import cached_property
from typing import Literal

Lang = Literal["kk", "ru", "en"]
LANGS: tuple[Lang, ...] = ("kk", "ru", "en")
NATIONAL = "national"
"""The unit of national bodies (the committee, the parents' association)."""

@dataclass(frozen=True)
class Text:
    """One phrase in Kazakh, Russian and English."""

    kk: str
    ru: str
    en: str

    def get(self, lang: str) -> str:
        """The phrase in `lang`, falling back to Kazakh (the plan's own language)."""
        value = getattr(self, lang, "") if lang in LANGS else ""
        return str(value or self.kk)


@dataclass(frozen=True)
class Milestone:
    key: str
    date: date
    name: Text


@dataclass(frozen=True)
class Window:
    """The campaign window: the milestones it opens and closes on."""

    start: str
    end: str


@dataclass(frozen=True)
class DeadlineRoles:
    """Which milestone plays which part (plan.yaml's `deadlines`), so that the code names roles
    and next year's plan may name, move or add milestones without a code change."""

    window: Window
    """Items `due: window` are due in the regions by its end."""
    regional_work: str
    """The regions' work is due by it: their cells of ongoing items, and everything the regions
    still owe from earlier deadlines is reminded of again at its stages."""
    national_work: str
    """The same for the national bodies."""
    results_report: str
    """The regions' results report (sent by `reminders.report_body`) is due by it."""
    escalation: str
    """At its stages `reminders.escalation_body` also hears which regions are behind and whose
    results report is missing."""

    def named(self) -> tuple[str, ...]:
        """Every milestone a role names."""
        return (self.window.start, self.window.end, self.regional_work, self.national_work,
                self.results_report, self.escalation)


@dataclass(frozen=True)
class Region:
    key: str
    name: Text
    timezone: str


@dataclass(frozen=True)
class Body:
    key: str
    name: Text
    level: Literal["regional", "national"]
    by_agreement: bool


@dataclass(frozen=True)
class Section:
    key: str
    number: int | None
    title: Text


@dataclass(frozen=True)
class Due:
    """When an item is due: `ongoing`, the campaign `window`, or a milestone's `date`."""

    kind: Literal["ongoing", "window", "date"]
    milestone: str | None = None


@dataclass(frozen=True)
class Item:
    number: int
    section: str
    title: Text
    form: str
    due: Due
    responsible: tuple[str, ...]


@dataclass(frozen=True)
class Holiday:
    date: date
    name: Text


@dataclass(frozen=True)
class Calendar:
    weekend: frozenset[int]
    """ISO weekday numbers (1 = Monday ... 7 = Sunday) that are days off."""
    holidays: tuple[Holiday, ...]
    working_days: frozenset[date]
    """Weekend dates declared working days by a transfer."""

    @cached_property
    def _holiday_dates(self) -> frozenset[date]:
        return frozenset(h.date for h in self.holidays)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        return day.isoweekday() not in self.weekend and day not in self._holiday_dates


@dataclass(frozen=True)
class DigestPolicy:
    time: time
    timezone: str


@dataclass(frozen=True)
class ReminderPolicy:
    send_time: time
    stages: dict[str, tuple[int, ...]]
    """Milestone key -> days before it that a reminder goes out (largest first)."""
    overdue_days: int
    overdue_after: tuple[str, ...]
    """Deadlines followed by overdue reminders (the window's end is not: the report covers it)."""
    report_body: str
    """The regional body that sends the results report (the education department)."""
    escalation_body: str
    """The national body that hears at the escalation deadline which regions are behind."""
    digest: DigestPolicy


@dataclass(frozen=True)
class Approval:
    number: str
    date: date
    by: Text


@dataclass(frozen=True)
class Plan:
    key: str
    title: Text
    organisers: Text
    approved: Approval
    timezone: str
    milestones: dict[str, Milestone]
    calendar: Calendar
    reminders: ReminderPolicy
    deadlines: DeadlineRoles
    regions: tuple[Region, ...]
    bodies: dict[str, Body]
    forms: dict[str, Text]
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    results_form: ResultsForm
    source: str = field(default="plan.yaml", compare=False)

    @cached_property
    def regions_by_key(self) -> dict[str, Region]:
        return {r.key: r for r in self.regions}

    @cached_property
    def items_by_number(self) -> dict[int, Item]:
        return {i.number: i for i in self.items}

    @cached_property
    def sections_by_key(self) -> dict[str, Section]:
        return {s.key: s for s in self.sections}

    @property
    def unit_keys(self) -> tuple[str, ...]:
        """Every unit that can hold assignments: the regions, then `national`."""
        return (*(r.key for r in self.regions), NATIONAL)

    def unit_timezone(self, unit: str) -> str:
        """The IANA zone a unit's deadlines are read in (national: the campaign's)."""
        region = self.regions_by_key.get(unit)
        return region.timezone if region else self.timezone

    def unit_name(self, unit: str, lang: str) -> str:
        region = self.regions_by_key.get(unit)
        if region:
            return region.name.get(lang)
        return {"kk": "Республикалық деңгей", "ru": "Республиканский уровень"}.get(lang, "National")

    def units_of(self, item: Item) -> tuple[str, ...]:
        """Units where an item has assignments, in display order."""
        levels = {self.bodies[b].level for b in item.responsible}
        units: list[str] = []
        if "regional" in levels:
            units.extend(r.key for r in self.regions)
        if "national" in levels:
            units.append(NATIONAL)
        return tuple(units)

    def bodies_in(self, item: Item, unit: str) -> tuple[str, ...]:
        """The item's bodies acting in `unit` (regional in regions, national nationally)."""
        level = "national" if unit == NATIONAL else "regional"
        return tuple(b for b in item.responsible if self.bodies[b].level == level)

    def required_bodies(self, item: Item, unit: str) -> tuple[str, ...]:
        """Bodies whose completion makes the cell done.

        Bodies "by agreement" are partners outside the ministry's command, so their work is
        welcome but not required, unless they are the only body the cell has.
        """
        bodies = self.bodies_in(item, unit)
        required = tuple(b for b in bodies if not self.bodies[b].by_agreement)
        return required or bodies

    def assignments(self) -> list[tuple[int, str, str]]:
        """Every (item, unit, body) the plan asks for, in plan order."""
        result: list[tuple[int, str, str]] = []
        for item in self.items:
            for unit in self.units_of(item):
                result.extend((item.number, unit, body) for body in self.bodies_in(item, unit))
        return result

    # What the deadline roles mean for cells.  An item due by a milestone is due by it at
    # every level; the window's items are due in the regions by its end; everything else is
    # due by its level's work deadline (national cells of window items too).

    def day_of(self, milestone: str) -> date:
        return self.milestones[milestone].date

    @property
    def window_first_day(self) -> date:
        return self.day_of(self.deadlines.window.start)

    @property
    def window_last_day(self) -> date:
        return self.day_of(self.deadlines.window.end)

    @cached_property
    def last_deadline(self) -> date:
        """The day of the latest deadline any role or item names."""
        keys = {*self.deadlines.named(), *(i.due.milestone for i in self.items if i.due.milestone)}
        return max(self.day_of(key) for key in keys)

    def work_deadline(self, unit: str) -> str:
        """The deadline of all of a level's work: national or regional."""
        return self.deadlines.national_work if unit == NATIONAL else self.deadlines.regional_work

    def cell_deadline(self, item: Item, unit: str) -> str:
        """The milestone a cell is due by."""
        if item.due.kind == "date" and item.due.milestone:
            return item.due.milestone
        if item.due.kind == "window" and unit != NATIONAL:
            return self.deadlines.window.end
        return self.work_deadline(unit)

    def reminded_at(self, deadline: str, unit: str) -> frozenset[int]:
        """The items whose cells in `unit` a reminder of `deadline` lists when not done: those
        due by it, and at the level's work deadline also those due by an earlier one (they are
        overdue, and all of the level's work is due now)."""
        key = (deadline, unit == NATIONAL)
        if key not in self._reminded_at:
            day, work = self.day_of(deadline), self.work_deadline(unit)
            self._reminded_at[key] = frozenset(
                i.number for i in self.items
                if (due := self.cell_deadline(i, unit)) == deadline
                or (deadline == work and self.day_of(due) <= day))
        return self._reminded_at[key]

    def deadlines_of(self, unit: str, body: str) -> frozenset[str]:
        """The deadlines of `body`'s cells in `unit`, and its level's work deadline."""
        key = (unit == NATIONAL, body)
        if key not in self._deadlines_of:
            self._deadlines_of[key] = frozenset(
                {self.work_deadline(unit), *(self.cell_deadline(i, unit) for i in self.items
                                             if body in self.bodies_in(i, unit))})
        return self._deadlines_of[key]

    @cached_property
    def _reminded_at(self) -> dict[tuple[str, bool], frozenset[int]]:
        return {}

    @cached_property
    def _deadlines_of(self) -> dict[tuple[bool, str], frozenset[str]]:
        return {}

    def due_date(self, item: Item) -> date | None:
        """The date an item's deadline falls on (window: its end), None when ongoing."""
        if item.due.kind == "window":
            return self.window_last_day
        if item.due.kind == "date" and item.due.milestone:
            return self.day_of(item.due.milestone)
        return None


# The regions' results form -------------------------------------------------------------------

ColumnKind = Literal["count", "media", "text"]
COLUMN_KINDS: tuple[ColumnKind, ...] = ("count", "media", "text")
"""A whole number >= 0; the list of publications («Освещение в СМИ»); free text."""

RESERVED_COLUMN_KEYS: dict[str, str] = {
    "region": "the region column's key in a form file",
    "unit": "another name of the region column in a form file",
    "received_at": "a key of every region in `report show --json`",
    "late": "a key of every region in `report show --json`",
    "help": "the `report set --help` option",
}
"""Keys a column cannot have, and why: each already means something where columns are named."""

_SPACES = re.compile(r"\s+")


def header_key(text: str) -> str:
    """A header as compared: whitespace and case ignored, so a header typed over two lines
    or with a space lost before its bracket still matches."""
    return _SPACES.sub("", text).casefold()


@dataclass(frozen=True)
class FormColumn:
    """One column of the regions' results form, after the region column."""

    key: str
    kind: ColumnKind
    header: str
    """The form's Russian header exactly as printed: what the import matches, the export writes."""
    short: Text
    """A heading narrow enough for a table: `report show`, the final report's table by region,
    the digest in a terminal."""
    label: Text
    """The column's name where there is room: the digest's totals."""
    report: Text
    """The final report's words: the indicator of the national totals (count and media
    columns), or the lead of the list of what the regions wrote (text columns)."""
    hint: str
    """What `report set --help` says of the column's option (the header unless declared)."""
    width: int | None = None
    """The workbook column's width in characters; None for the default of its kind."""

    @property
    def option(self) -> str:
        """The column's `report set` option: `--class-hours`."""
        return "--" + self.key.replace("_", "-")


@dataclass(frozen=True)
class ResultsForm:
    """The form the regions report their results on: its region column's header, and the
    columns after it in the form's order, each a count, the media list or text."""

    region_header: str
    columns: tuple[FormColumn, ...]

    @cached_property
    def by_key(self) -> dict[str, FormColumn]:
        return {c.key: c for c in self.columns}

    @cached_property
    def counts(self) -> tuple[FormColumn, ...]:
        return tuple(c for c in self.columns if c.kind == "count")

    @cached_property
    def texts(self) -> tuple[FormColumn, ...]:
        return tuple(c for c in self.columns if c.kind == "text")

    @cached_property
    def media(self) -> FormColumn:
        """The one media list (the loader sees that there is exactly one)."""
        return next(c for c in self.columns if c.kind == "media")

    @cached_property
    def totalled(self) -> tuple[FormColumn, ...]:
        """The columns with a national total, in order: the counts and the media list (its
        total is the number of publications)."""
        return tuple(c for c in self.columns if c.kind != "text")

    @cached_property
    def writable(self) -> tuple[FormColumn, ...]:
        """The columns `report set` writes, in order: counts and texts (the media list has
        its own commands)."""
        return tuple(c for c in self.columns if c.kind != "media")
