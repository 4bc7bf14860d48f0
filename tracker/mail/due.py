"""Which reminders are due: a pure function of plan, state, contacts and the clock.

For each recipient the stages of its deadlines are merged into *slots*, one per day.  A slot's
key (deadline, stage) comes from the calendar alone, never from the state, so marking work done
during a day cannot make a second mail for the same day.  Whether a slot sends depends on the
state: nothing outstanding, no mail.

Catch-up: at a tick, the latest slot whose time has come is the one that still matters; it is
sent (flagged late when more than an hour behind).  Earlier slots nobody sent were overtaken
by it and are recorded as skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import NamedTuple

from tracker.mail.recipients import Recipient
from tracker.mail.schedule import Stage, campaign_closes, send_moment, stages_for
from tracker.plan.model import NATIONAL, Plan
from tracker.progress.status import AssignmentGroup

LATE_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Slot:
    """One day a recipient may get a mail; its key comes from the calendar alone."""

    day: date
    send_at: datetime
    stages: tuple[Stage, ...]
    """The stages that fall on this day, the most urgent deadline first."""

    @property
    def deadline(self) -> str:
        return self.stages[0].deadline

    @property
    def stage(self) -> str:
        return self.stages[0].name

    @cached_property
    def deadlines(self) -> tuple[str, ...]:
        """The deadlines of its stages (recipients with the same calendar share the slot, so
        this is worked out once for all of them)."""
        return tuple(s.deadline for s in self.stages)


class Progress:
    """What is outstanding, as the reminder logic needs it, built from the assignment groups.

    Per body and unit, the items in order (`items_by_unit`): a recipient reads its own with two
    dictionary lookups.
    """

    def __init__(self, groups: Iterable[AssignmentGroup],
                 missing_reports: Sequence[str] = ()) -> None:
        self.groups = list(groups)
        self.missing_reports = list(missing_reports)
        self.missing_set = frozenset(self.missing_reports)
        self._pending = self._by_body(g for g in self.groups if g.state != "done")
        self._done = self._by_body(g for g in self.groups if g.state == "done")
        self._among: dict[tuple[tuple[int, ...], frozenset[int]], tuple[int, ...]] = {}

    @staticmethod
    def _by_body(groups: Iterable[AssignmentGroup]) -> dict[str, dict[str, tuple[int, ...]]]:
        """body -> unit -> items, in order."""
        units: dict[str, dict[int, set[str]]] = defaultdict(dict)
        for group in groups:
            units[group.body].setdefault(group.item, set()).update(group.units)
        return {body: items_by_unit(by_item) for body, by_item in units.items()}

    def pending(self, unit: str, body: str, among: frozenset[int] | None = None
                ) -> tuple[int, ...]:
        """The items `body` has not done in `unit` (only those `among`, if given), in order.

        Units in the same position share one tuple, and so do their filtered ones.
        """
        items = self._pending.get(body, {}).get(unit, ())
        if among is None or not items:
            return items
        key = (items, among)
        if key not in self._among:
            self._among[key] = tuple(n for n in items if n in among)
        return self._among[key]

    def done(self, unit: str, body: str) -> tuple[int, ...]:
        """The items `body` has done in `unit`, in order."""
        return self._done.get(body, {}).get(unit, ())

    @cached_property
    def behind(self) -> dict[str, tuple[int, ...]]:
        """region -> items whose cell is not done (for the committee's escalation)."""
        open_units: dict[int, set[str]] = {}
        for group in self.groups:
            if group.required and group.state != "done":
                open_units.setdefault(group.item, set()).update(group.units)
        behind = items_by_unit(open_units)
        behind.pop(NATIONAL, None)
        return behind


def items_by_unit(units_of: dict[int, set[str]]) -> dict[str, tuple[int, ...]]:
    """unit -> the items (keys of `units_of`) whose set holds it, in order.

    Units with the same items share one tuple: at school scale thousands of schools are in the
    same position, so this keeps memory down and lets callers work per distinct tuple.  Worked
    out per class of alike units, not per unit: each item splits the classes it cuts with set
    operations (in C), so 195,000 (item, unit) pairs cost a few dozen steps of Python.
    """
    classes: list[tuple[tuple[int, ...], set[str]]] = []
    for item in sorted(units_of):
        members = units_of[item]
        newcomers = set(members)
        refined = []
        for items, units in classes:
            inside = units & members
            if not inside:
                refined.append((items, units))
                continue
            newcomers -= inside
            refined.append(((*items, item), inside))
            if len(inside) < len(units):
                refined.append((items, units - inside))
        if newcomers:
            refined.append(((item,), newcomers))
        classes = refined
    found: dict[str, tuple[int, ...]] = {}
    for items, units in classes:
        found.update(dict.fromkeys(units, items))
    return found


PairItems = tuple[tuple[str, str, tuple[int, ...]], ...]
"""(unit, body, item numbers in order) for the (unit, body) pairs of a recipient that have any."""


def _flat(by_pair: PairItems) -> tuple[tuple[int, str, str], ...]:
    return tuple(sorted((number, unit, body) for unit, body, numbers in by_pair
                        for number in numbers))


class DueMail(NamedTuple):
    """One reminder a tick decided on.  A named tuple, not a frozen dataclass: a tick at school
    scale makes tens of thousands of them, and a frozen dataclass's `__init__` (one
    `object.__setattr__` per field) is a noticeable part of it."""

    recipient: Recipient
    slot: Slot
    headline: Stage
    """The stage the mail speaks of: the most urgent deadline with something outstanding."""
    outstanding_by_pair: PairItems
    """What is outstanding, per pair.  Kept so, with item tuples shared by every unit in the
    same position, because a tick at school scale makes 45,000 mails and a preview reads only
    `items`; `outstanding` spells it out for composing."""
    items: tuple[int, ...]
    """The item numbers of `outstanding`, each once, in order."""
    done_by_pair: PairItems
    behind: tuple[tuple[str, tuple[int, ...]], ...]
    missing_reports: tuple[str, ...]
    late: bool = False
    report_missing: str | None = None
    """The recipient's own region, when its results report has not been received."""

    @property
    def outstanding(self) -> tuple[tuple[int, str, str], ...]:
        """(item, unit, body) not done, in order."""
        return _flat(self.outstanding_by_pair)

    @property
    def done(self) -> tuple[tuple[int, str, str], ...]:
        """(item, unit, body) done, in order."""
        return _flat(self.done_by_pair)


SlotCache = dict[tuple[tuple[str, ...], str], list[Slot]]


def slots_for(plan: Plan, recipient: Recipient, cache: SlotCache | None = None) -> list[Slot]:
    """The recipient's slots; recipients with the same deadlines and zone share them."""
    deadlines = recipient.deadlines(plan)
    key = (deadlines, recipient.timezone)
    if cache is not None and key in cache:
        return cache[key]
    by_day: dict[date, list[Stage]] = defaultdict(list)
    for deadline in deadlines:
        for stage in stages_for(plan, deadline):
            by_day[stage.day].append(stage)
    slots = []
    for day, stages in sorted(by_day.items()):
        stages.sort(key=lambda s: plan.milestones[s.deadline].date)
        slots.append(Slot(day, send_moment(plan, day, recipient.timezone), tuple(stages)))
    if cache is not None:
        cache[key] = slots
    return slots


def _own_missing_report(plan: Plan, recipient: Recipient, progress: Progress) -> str | None:
    """The recipient's region when it owes the results report and has not sent it."""
    for unit, body in recipient.pairs:
        if body == plan.reminders.report_body and unit in progress.missing_set:
            return unit
    return None


class _RecipientWork:
    """One recipient's outstanding and done work, worked out once for all of its slots (a
    tick composes up to one mail per past slot, and they all read the same progress)."""

    def __init__(self, plan: Plan, recipient: Recipient, progress: Progress) -> None:
        self.plan = plan
        self.recipient = recipient
        self.progress = progress
        self.escalates = recipient.escalates(plan)
        self.report_missing = _own_missing_report(plan, recipient, progress)
        self._by_deadlines: dict[tuple[str, ...], tuple[PairItems, tuple[int, ...]]] = {}
        self._speaks: dict[str, bool] = {}

    def speaks_of(self, deadline: str) -> bool:
        """Whether a mail has something to say about `deadline`: work outstanding, the
        committee's escalation, or the recipient's own missing results report."""
        if deadline not in self._speaks:
            progress, roles = self.progress, self.plan.deadlines
            self._speaks[deadline] = bool(self.outstanding((deadline,))[0]) or (
                deadline == roles.escalation and self.escalates
                and bool(progress.behind or progress.missing_reports)) or (
                deadline == roles.results_report and bool(self.report_missing))
        return self._speaks[deadline]

    def outstanding(self, deadlines: tuple[str, ...]) -> tuple[PairItems, tuple[int, ...]]:
        """What is outstanding for any of `deadlines`, per pair, and all its item numbers."""
        if deadlines not in self._by_deadlines:
            by_pair = []
            for unit, body in self.recipient.pairs:
                numbers = self._pending(unit, body, deadlines[0])
                for deadline in deadlines[1:]:
                    more = self._pending(unit, body, deadline)
                    numbers = tuple(sorted({*numbers, *more})) if more else numbers
                if numbers:
                    by_pair.append((unit, body, numbers))
            items = (by_pair[0][2] if len(by_pair) == 1
                     else tuple(sorted({n for _, _, numbers in by_pair for n in numbers})))
            self._by_deadlines[deadlines] = (tuple(by_pair), items)
        return self._by_deadlines[deadlines]

    def _pending(self, unit: str, body: str, deadline: str) -> tuple[int, ...]:
        """The pair's items not done that `deadline` is about."""
        return self.progress.pending(unit, body, among=self.plan.reminded_at(deadline, unit))

    @cached_property
    def done(self) -> PairItems:
        return tuple((unit, body, numbers) for unit, body in self.recipient.pairs
                     if (numbers := self.progress.done(unit, body)))

    @cached_property
    def behind(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """The regions behind, in plan order, with their items (the committee's escalation)."""
        order = {r.key: i for i, r in enumerate(self.plan.regions)}
        return tuple(sorted(self.progress.behind.items(), key=lambda kv: order.get(kv[0], 0)))


def _decide(work: _RecipientWork, slot: Slot, late: bool) -> DueMail | None:
    """The mail for this slot given the recipient's work, or None when there is nothing to
    say (the work serves all of the recipient's slots)."""
    headline = None
    for stage in slot.stages:
        if work.speaks_of(stage.deadline):
            headline = stage
            break
    if headline is None:
        return None
    outstanding, items = work.outstanding(slot.deadlines)
    behind: tuple[tuple[str, tuple[int, ...]], ...] = ()
    missing: tuple[str, ...] = ()
    roles = work.plan.deadlines
    if work.escalates and roles.escalation in slot.deadlines:
        behind = work.behind
        missing = tuple(work.progress.missing_reports)
    report_missing = work.report_missing if roles.results_report in slot.deadlines else None
    return DueMail(work.recipient, slot, headline, outstanding, items, work.done, behind,
                   missing, late, report_missing)


@dataclass
class TickPlan:
    """What a tick records: mails to send now and overtaken slots to mark skipped."""

    send: list[DueMail] = field(default_factory=list)
    skip: list[DueMail] = field(default_factory=list)
    closed: bool = False


def dedupe_key(campaign: str, deadline: str, stage: str, email: str) -> str:
    """The outbox's unique key: one row per (campaign, deadline, stage, recipient), ever."""
    return f"{campaign}|{deadline}|{stage}|{email.lower()}"


def plan_tick(plan: Plan, recipients: Sequence[Recipient], progress: Progress, now: datetime,
              recorded: set[str]) -> TickPlan:
    """Decide what is due at `now`; `recorded` holds the outbox keys already present (in any
    state), so re-running at the same moment records nothing new."""
    result = TickPlan(closed=now >= campaign_closes(plan))
    if result.closed:
        return result
    cache: SlotCache = {}
    due_by_slots: dict[int, list[tuple[Slot, bool]]] = {}
    for recipient in recipients:
        slots = slots_for(plan, recipient, cache)
        if id(slots) not in due_by_slots:  # the cache keeps `slots` alive, and shares it
            due_by_slots[id(slots)] = [(s, now - s.send_at > LATE_AFTER) for s in slots
                                       if s.send_at <= now]
        due = due_by_slots[id(slots)]
        if not due:
            continue
        work = _RecipientWork(plan, recipient, progress)
        latest = due[-1][0]
        for slot, late in due:
            if recorded and dedupe_key(plan.key, slot.deadline, slot.stage,
                                       recipient.email) in recorded:
                continue
            mail = _decide(work, slot, late)
            if mail is None:
                continue
            # the latest slot is sent; earlier ones nobody sent were overtaken by it
            (result.send if slot is latest else result.skip).append(mail)
    return result


def simulate(plan: Plan, recipients: Sequence[Recipient], progress: Progress,
             start: datetime, end: datetime) -> list[DueMail]:
    """Every mail that would go out in [start, end) if nothing else changed, in time order."""
    close = campaign_closes(plan)
    mails = []
    cache: SlotCache = {}
    for recipient in recipients:
        work = _RecipientWork(plan, recipient, progress)
        for slot in slots_for(plan, recipient, cache):
            if start <= slot.send_at < end and slot.send_at < close:
                mail = _decide(work, slot, False)
                if mail is not None:
                    mails.append(mail)
    mails.sort(key=lambda m: (m.slot.send_at, m.recipient.email))
    return mails
