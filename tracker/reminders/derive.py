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

from tracker.plan.model import NATIONAL, Plan
from tracker.reminders.recipients import Recipient
from tracker.reminders.schedule import Stage, campaign_closes, send_moment, stages_for

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


@dataclass
class Situation:
    """What is outstanding, as the reminder logic needs it."""

    pending: dict[tuple[str, str], list[int]]
    """(unit, body) -> item numbers not done."""
    done: dict[tuple[str, str], list[int]]
    behind: dict[str, list[int]]
    """region -> items whose cell is not done (for the committee's escalation)."""
    missing_reports: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.missing_set = frozenset(self.missing_reports)


@dataclass(frozen=True)
class DueMail:
    recipient: Recipient
    slot: Slot
    headline: Stage
    """The stage the mail speaks of: the most urgent deadline with something outstanding."""
    outstanding: tuple[tuple[int, str, str], ...]
    done: tuple[tuple[int, str, str], ...]
    behind: tuple[tuple[str, tuple[int, ...]], ...]
    missing_reports: tuple[str, ...]
    late: bool = False
    report_missing: str | None = None
    """The recipient's own region, when its results report has not been received."""

    @property
    def items(self) -> list[int]:
        return sorted({number for number, _, _ in self.outstanding})


def situation_from_rows(plan: Plan, rows: Iterable[tuple[int, str, str, bool, str]],
                        missing_reports: Sequence[str] = ()) -> Situation:
    """Fold (item, unit, body, required, state) rows into a Situation."""
    pending: dict[tuple[str, str], list[int]] = defaultdict(list)
    done: dict[tuple[str, str], list[int]] = defaultdict(list)
    cell_open: dict[tuple[str, int], bool] = {}
    for item, unit, body, required, state in rows:
        (done if state == "done" else pending)[(unit, body)].append(item)
        if unit != NATIONAL and required:
            cell_open[(unit, item)] = cell_open.get((unit, item), False) or state != "done"
    behind: dict[str, list[int]] = defaultdict(list)
    for (unit, item), is_open in cell_open.items():
        if is_open:
            behind[unit].append(item)
    for values in (*pending.values(), *done.values(), *behind.values()):
        values.sort()
    return Situation(dict(pending), dict(done), dict(behind), list(missing_reports))


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


def _outstanding(plan: Plan, recipient: Recipient, deadline: str,
                 situation: Situation) -> list[tuple[int, str, str]]:
    window_items = plan.window_item_numbers
    found = []
    for unit, body in recipient.pairs:
        national = unit == NATIONAL
        if deadline == "final_report" and not national:
            continue
        if deadline in ("window_end", "regional_report") and national:
            continue
        for number in situation.pending.get((unit, body), ()):
            if deadline == "window_end" and number not in window_items:
                continue
            found.append((number, unit, body))
    return sorted(found)


def _own_missing_report(plan: Plan, recipient: Recipient, situation: Situation) -> str | None:
    """The recipient's region when it owes the results report and has not sent it."""
    for unit, body in recipient.pairs:
        if body == plan.reminders.report_body and unit in situation.missing_set:
            return unit
    return None


def compose_due(plan: Plan, recipient: Recipient, slot: Slot, situation: Situation,
                now: datetime | None = None) -> DueMail | None:
    """The mail for this slot given the situation, or None when there is nothing to say."""
    report_missing = _own_missing_report(plan, recipient, situation)
    headline = None
    for stage in slot.stages:
        if _outstanding(plan, recipient, stage.deadline, situation) or (
                stage.deadline == "final_report" and recipient.escalates
                and (situation.behind or situation.missing_reports)) or (
                stage.deadline == "regional_report" and report_missing):
            headline = stage
            break
    if headline is None:
        return None
    outstanding: set[tuple[int, str, str]] = set()
    for stage in slot.stages:
        outstanding.update(_outstanding(plan, recipient, stage.deadline, situation))
    done = sorted((number, unit, body) for unit, body in recipient.pairs
                  for number in situation.done.get((unit, body), ()))
    behind: tuple[tuple[str, tuple[int, ...]], ...] = ()
    missing: tuple[str, ...] = ()
    if recipient.escalates and any(s.deadline == "final_report" for s in slot.stages):
        order = {r.key: i for i, r in enumerate(plan.regions)}
        behind = tuple((unit, tuple(items)) for unit, items in
                       sorted(situation.behind.items(), key=lambda kv: order.get(kv[0], 0)))
        missing = tuple(situation.missing_reports)
    late = now is not None and now - slot.send_at > LATE_AFTER
    if not any(s.deadline == "regional_report" for s in slot.stages):
        report_missing = None
    return DueMail(recipient, slot, headline, tuple(sorted(outstanding)), tuple(done), behind,
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


def plan_tick(plan: Plan, recipients: Sequence[Recipient], situation: Situation, now: datetime,
              recorded: set[str]) -> TickPlan:
    """Decide what is due at `now`; `recorded` holds the outbox keys already present (in any
    state), so re-running at the same moment records nothing new."""
    result = TickPlan(closed=now >= campaign_closes(plan))
    if result.closed:
        return result
    cache: SlotCache = {}
    for recipient in recipients:
        due = [s for s in slots_for(plan, recipient, cache) if s.send_at <= now]
        if not due:
            continue
        latest, earlier = due[-1], due[:-1]
        if dedupe_key(plan.key, latest.deadline, latest.stage, recipient.email) not in recorded:
            mail = compose_due(plan, recipient, latest, situation, now)
            if mail is not None:
                result.send.append(mail)
        for slot in earlier:
            if dedupe_key(plan.key, slot.deadline, slot.stage, recipient.email) in recorded:
                continue
            mail = compose_due(plan, recipient, slot, situation, now)
            if mail is not None:
                result.skip.append(mail)
    return result


def simulate(plan: Plan, recipients: Sequence[Recipient], situation: Situation,
             start: datetime, end: datetime) -> list[DueMail]:
    """Every mail that would go out in [start, end) if nothing else changed, in time order."""
    close = campaign_closes(plan)
    mails = []
    cache: SlotCache = {}
    for recipient in recipients:
        for slot in slots_for(plan, recipient, cache):
            if start <= slot.send_at < end and slot.send_at < close:
                mail = compose_due(plan, recipient, slot, situation)
                if mail is not None:
                    mails.append(mail)
    mails.sort(key=lambda m: (m.slot.send_at, m.recipient.email))
    return mails
