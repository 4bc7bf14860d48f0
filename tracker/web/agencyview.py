"""The agency page's data: a recipient's work list (tracker.progress.worklist) as plain kk/ru
values for templates/web/agency.html.

Titles are shortened as the reminder shortens them (tracker.brief), deadlines are the day in
the unit's own zone with its UTC offset (tracker.mail.compose.offset_label) and how many days
late (tracker.mail.overdue), as the reminder says them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tracker.brief import brief
from tracker.mail.compose import offset_label
from tracker.mail.overdue import days_overdue
from tracker.plan.model import Plan
from tracker.progress.history import HistoryEntry
from tracker.progress.worklist import Assignment, WorkList

LANGS = ("kk", "ru")


def assignment_value(assignment: Assignment) -> str:
    """How a form names an assignment: `item:unit:body` (keys are [a-z0-9_])."""
    number, unit, body = assignment
    return f"{number}:{unit}:{body}"


def _row(plan: Plan, assignment: Assignment, several: bool) -> dict[str, Any]:
    number, unit, body = assignment
    item = plan.items_by_number[number]
    return {
        "value": assignment_value(assignment),
        "number": number,
        "title": {lang: brief(item.title.get(lang)) for lang in LANGS},
        "where": ({lang: f"{plan.unit_name(unit, lang)}, {plan.bodies[body].name.get(lang)}"
                   for lang in LANGS} if several else None),
    }


def _moment(moment: datetime | None, zone: str) -> str | None:
    return f"{moment.astimezone(ZoneInfo(zone)):%d.%m.%Y %H:%M}" if moment else None


def _attribution(entry: HistoryEntry | None, zone: str) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {"by": entry.by, "via": entry.via, "at": _moment(entry.at, zone),
            "done_at": _moment(entry.done_at, zone), "note": entry.note,
            "url": entry.evidence_url, "file": entry.evidence_name,
            "digest": entry.evidence[:12] if entry.evidence else None}


def page_data(plan: Plan, work: WorkList, email: str, now: datetime) -> dict[str, Any]:
    """What the page shows: the outstanding groups (deadline, its zone's offset, days late),
    and the done rows with who recorded them, how, and whether this address may take one
    back (it reported it itself, through its link)."""
    pairs = {(unit, body) for group in work.outstanding for _, unit, body in group.assignments}
    pairs |= {(unit, body) for (_, unit, body), _ in work.done}
    several = len(pairs) > 1
    own = work.reported_by(email)
    outstanding: list[dict[str, Any]] = []
    for group in work.outstanding:
        zone = plan.unit_timezone(group.assignments[0][1])
        day = plan.day_of(group.deadline)
        outstanding.append({
            "name": {lang: plan.milestones[group.deadline].name.get(lang) for lang in LANGS},
            "day": f"{day:%d.%m.%Y}", "zone": offset_label(zone, day),
            "overdue": group.overdue,
            "days_late": days_overdue(day, now.astimezone(ZoneInfo(zone)).date()),
            "rows": [_row(plan, a, several) for a in group.assignments]})
    done = []
    for assignment, entry in work.done:
        zone = plan.unit_timezone(assignment[1])
        done.append({**_row(plan, assignment, several), "mark": _attribution(entry, zone),
                     "own": assignment in own})
    return {"outstanding": outstanding, "done": done,
            "open_count": sum(len(g["rows"]) for g in outstanding)}
