"""A recipient's deadlines as an iCalendar feed: what the reminders say, on their calendar.

An agency gets one event per deadline it is reminded of, with what is still open by it and an
alarm at each reminder stage; a manager gets the campaign's milestones with how many
assignments are still open by each.  The feed is read from the same progress as the reminders
(tracker.mail.due.Progress, as of the clock) and the stage moments are the reminders' own
(tracker.mail.schedule), so the calendar and the mail never disagree.

An event covers the deadline's day in the unit's own zone: from its midnight to the next (a
TZID with its VTIMEZONE), not an all-day date.  A date has no zone and floats to the reader's,
but the tracker judges a deadline in the unit's zone (a results form after midnight in Aktobe
is late there, an hour before it is late in Almaty), and an alarm relative to a floating day
would ring at 09:00 wherever the phone is rather than when the reminder goes out.  The event is
transparent: it does not make the day look busy.

A UID is a hash of the campaign, the deadline and the recipient's address (never the token: a
revoked link must not change the events, and a UID is no secret).  SEQUENCE counts the changes
recorded on the work an event is about and LAST-MODIFIED/DTSTAMP are the latest of them, so a
client sees an event change when work is reported, and nothing changes between two reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vDuration
from sqlalchemy import Connection, func, select

from tracker.brief import brief
from tracker.mail.due import Progress
from tracker.mail.recipients import Owner, Recipient, owner_at
from tracker.mail.schedule import send_moment, stages_for
from tracker.plan.model import NATIONAL, Plan, Text
from tracker.progress.status import AssignmentGroup, assignment_groups
from tracker.reports.store import missing_reports
from tracker.store.tables import ASSIGNMENT, CAMPAIGN, EVENT, REGION_REPORT
from tracker.wording import count, say

PRODID = "-//tracker//Qauipsiz internet deadlines//KK"
REFRESH = timedelta(hours=1)
"""How often a subscribed client is asked to read the feed again."""


def _languages(lang: str) -> tuple[str, ...]:
    """The languages a recipient reads, in order (`both`: Kazakh, then Russian)."""
    return ("kk", "ru") if lang == "both" else (lang if lang in ("kk", "ru") else "kk",)


def _in(langs: tuple[str, ...], key: str, **values: object) -> str:
    """The phrase in each language, a plan's Text in that language too."""
    return " / ".join(say(lang, key, **{name: value.get(lang) if isinstance(value, Text)
                                         else value for name, value in values.items()})
                      for lang in langs)


def uid(campaign: str, kind: str, key: str, email: str) -> str:
    """An event's stable identifier: the recipient's address hashed, never the token."""
    digest = hashlib.sha256(f"{campaign}|{kind}|{key}|{email.lower()}".encode()).hexdigest()
    return f"{digest[:32]}@tracker"


@dataclass(frozen=True)
class Version:
    """How many changes were recorded on what an event is about, and the latest one."""

    changes: int
    last: datetime | None

    def __add__(self, other: Version) -> Version:
        moments = [m for m in (self.last, other.last) if m is not None]
        return Version(self.changes + other.changes, max(moments) if moments else None)


NO_CHANGE = Version(0, None)
Cell = tuple[int, str, str]
"""(item, unit, body)."""


def _cell_versions(conn: Connection, units: Iterable[str], now: datetime) -> dict[Cell, Version]:
    """The events recorded up to `now` on the assignments of `units`, per cell."""
    a, e = ASSIGNMENT, EVENT
    query = (select(a.c.item_number, a.c.unit_key, a.c.body_key, func.count(e.c.id),
                    func.max(e.c.at))
             .select_from(e.join(a, a.c.id == e.c.assignment_id))
             .where(a.c.unit_key.in_(sorted(set(units))), e.c.at <= now)
             .group_by(a.c.item_number, a.c.unit_key, a.c.body_key))
    return {(item, unit, body): Version(int(n), last)
            for item, unit, body, n, last in conn.execute(query)}


def _all_changes(conn: Connection, now: datetime) -> Version:
    row = conn.execute(select(func.count(EVENT.c.id), func.max(EVENT.c.at))
                       .where(EVENT.c.at <= now)).one()
    return Version(int(row[0]), row[1])


def _report_versions(conn: Connection, units: Iterable[str],
                     now: datetime) -> dict[str, Version]:
    """The results report of each of `units`, as one change when received by `now`."""
    r = REGION_REPORT
    rows = conn.execute(select(r.c.unit_key, r.c.received_at)
                        .where(r.c.unit_key.in_(sorted(set(units))),
                               r.c.received_at.is_not(None), r.c.received_at <= now))
    return {unit: Version(1, received) for unit, received in rows}


def _loaded_at(conn: Connection, plan: Plan) -> datetime:
    loaded = conn.execute(select(CAMPAIGN.c.loaded_at)
                          .where(CAMPAIGN.c.key == plan.key)).scalar()
    return loaded or datetime(plan.approved.date.year, 1, 1, tzinfo=UTC)


def _day_of(plan: Plan, deadline: str, timezone: str) -> tuple[datetime, datetime]:
    """The deadline's day in `timezone`: its midnight and the next."""
    start = datetime.combine(plan.day_of(deadline), time(0), ZoneInfo(timezone))
    return start, datetime.combine(plan.day_of(deadline) + timedelta(days=1), time(0),
                                   ZoneInfo(timezone))


def _event(plan: Plan, key: str, timezone: str, summary: str, description: str,
           version: Version, loaded: datetime, event_uid: str) -> Event:
    start, end = _day_of(plan, key, timezone)
    changed = version.last or loaded
    event = Event()
    event.add("uid", event_uid)
    event.add("dtstamp", changed.astimezone(UTC))
    event.add("last-modified", changed.astimezone(UTC))
    event.add("sequence", version.changes)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    if description:
        event.add("description", description)
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    return event


def _alarms(event: Event, plan: Plan, deadline: str, timezone: str, summary: str) -> None:
    """An alarm at each stage before the deadline, at the moment the reminder goes out there."""
    start, _ = _day_of(plan, deadline, timezone)
    for stage in stages_for(plan, deadline):
        if stage.overdue:
            continue
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", send_moment(plan, stage.day, timezone) - start)
        event.add_component(alarm)


@dataclass(frozen=True)
class Owed:
    """What a recipient owes by one deadline."""

    open: tuple[int, ...]
    done: tuple[int, ...]
    reports_missing: tuple[str, ...]
    version: Version


def _owed(plan: Plan, recipient: Recipient, deadline: str, progress: Progress,
          versions: dict[Cell, Version], reports: dict[str, Version]) -> Owed:
    open_items: set[int] = set()
    done: set[int] = set()
    version = NO_CHANGE
    missing = []
    for unit, body in recipient.pairs:
        among = plan.reminded_at(deadline, unit)
        pending = progress.pending(unit, body, among)
        open_items.update(pending)
        done.update(n for n in progress.done(unit, body) if n in among)
        for number in among:
            version += versions.get((number, unit, body), NO_CHANGE)
        if (deadline == plan.deadlines.results_report and unit != NATIONAL
                and body == plan.reminders.report_body):
            version += reports.get(unit, NO_CHANGE)
            if unit in progress.missing_set:
                missing.append(unit)
    return Owed(tuple(sorted(open_items)), tuple(sorted(done - open_items)), tuple(missing),
                version)


def _description(plan: Plan, owed: Owed, langs: tuple[str, ...]) -> str:
    parts = []
    for lang in langs:
        lines = []
        if owed.open:
            lines.append(say(lang, "calendar.open_heading"))
            lines.extend(f"№{n} — {brief(plan.items_by_number[n].title.get(lang))}"
                         for n in owed.open)
        for unit in owed.reports_missing:
            lines.append(say(lang, "calendar.report_missing", region=plan.unit_name(unit, lang)))
        if owed.done:
            lines.append(say(lang, "calendar.done_heading",
                             items=", ".join(f"№{n}" for n in owed.done)))
        parts.append("\n".join(lines))
    return "\n\n".join(p for p in parts if p)


def _agency_events(conn: Connection, plan: Plan, recipient: Recipient, langs: tuple[str, ...],
                   now: datetime, loaded: datetime) -> list[Event]:
    units = [unit for unit, _ in recipient.pairs]
    progress = Progress(assignment_groups(conn, units=units, as_of=now),
                        missing_reports(conn, plan, now))
    versions = _cell_versions(conn, units, now)
    reports = _report_versions(conn, units, now)
    events = []
    for deadline in recipient.deadlines(plan):
        owed = _owed(plan, recipient, deadline, progress, versions, reports)
        name = plan.milestones[deadline].name
        waiting = len(owed.open) + len(owed.reports_missing)
        summary = (_in(langs, "calendar.open", deadline=name, n=waiting) if waiting
                   else _in(langs, "calendar.done", deadline=name))
        if not owed.open and not owed.done and not owed.reports_missing:
            continue  # a deadline of the committee's escalation with nothing of its own
        event = _event(plan, deadline, recipient.timezone, summary,
                       _description(plan, owed, langs), owed.version, loaded,
                       uid(plan.key, "deadline", deadline, recipient.email))
        if waiting:
            _alarms(event, plan, deadline, recipient.timezone, summary)
        events.append(event)
    return events


def _open_by_milestone(plan: Plan, groups: Iterable[AssignmentGroup]) -> dict[str, int]:
    """How many required assignments are still open by each milestone they are due by."""
    open_by: dict[str, int] = {}
    for group in groups:
        if not group.required or group.state == "done":
            continue
        item = plan.items_by_number[group.item]
        national = sum(1 for unit in group.units if unit == NATIONAL)
        for kind, n in ((NATIONAL, national), ("", len(group.units) - national)):
            if n:
                key = plan.cell_deadline(item, kind or plan.regions[0].key)
                open_by[key] = open_by.get(key, 0) + n
    return open_by


def _manager_events(conn: Connection, plan: Plan, email: str, langs: tuple[str, ...],
                    now: datetime, loaded: datetime) -> list[Event]:
    open_by = _open_by_milestone(plan, assignment_groups(conn, as_of=now))
    missing = missing_reports(conn, plan, now)
    changes = _all_changes(conn, now)
    events = []
    for key, milestone in sorted(plan.milestones.items(), key=lambda kv: (kv[1].date, kv[0])):
        waiting = open_by.get(key, 0)
        summary = " / ".join(milestone.name.get(lang) for lang in langs)
        lines = [" / ".join(say(lang, "calendar.milestone_open",
                                assignments=count(lang, waiting, "assignment"))
                            for lang in langs)] if waiting else []
        if key == plan.deadlines.results_report and missing:
            lines.append(_in(langs, "calendar.reports_missing", n=len(missing)))
        events.append(_event(plan, key, plan.timezone, summary, "\n".join(lines), changes,
                             loaded, uid(plan.key, "milestone", key, email)))
    return events


@lru_cache(maxsize=64)
def _zone(tzid: str, year: int) -> Timezone:
    """The zone's VTIMEZONE for the campaign's years (built once: it walks the zone's rules)."""
    return Timezone.from_tzid(tzid, first_date=date(year - 1, 1, 1),
                              last_date=date(year + 2, 1, 1))


def deadline_calendar(conn: Connection, plan: Plan, email: str, now: datetime,
                      lang: str | None = None, owner: Owner | None = None) -> Calendar | None:
    """The feed of the contact at `email` as of `now`, in its language (or `lang`); None when
    the address is not in the contacts.  `owner`: who is at `email`, when the caller knows."""
    owner = owner or owner_at(conn, plan, email)
    if owner is None:
        return None
    recipient, manager, own_lang, _ = owner
    langs = _languages(lang or own_lang)
    loaded = _loaded_at(conn, plan)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", " / ".join(
        say(lang, "calendar.name", title=brief(plan.title.get(lang), 60)) for lang in langs))
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    zones = {recipient.timezone} if recipient is not None else set()
    for tzid in sorted(zones | ({plan.timezone} if manager else set())):
        cal.add_component(_zone(tzid, plan.window_first_day.year))  # before the events using it
    if recipient is not None:
        for event in _agency_events(conn, plan, recipient, langs, now, loaded):
            cal.add_component(event)
    if manager:
        for event in _manager_events(conn, plan, email, langs, now, loaded):
            cal.add_component(event)
    return cal
