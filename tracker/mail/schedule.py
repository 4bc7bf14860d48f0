"""Reminder stages on the calendar: days before each deadline, and overdue follow-ups.

A stage that falls on a weekend or holiday moves to the previous working day before a deadline
and to the next working day after it.  Stages are named by the real distance to the deadline
(`4d_before` when the 3-day stage moved back over a weekend), and stages that land on the same
day become one, so a recipient never gets two mails for one deadline on one day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tracker.plan.model import Plan

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, order=True)
class Stage:
    day: date
    deadline: str
    name: str
    overdue: bool

    @property
    def days_before(self) -> int | None:
        if self.overdue:
            return None
        return int(self.name.split("d_", 1)[0])

    @property
    def overdue_day(self) -> int | None:
        return int(self.name.rsplit("_", 1)[1]) if self.overdue else None


def stages_for(plan: Plan, deadline: str) -> tuple[Stage, ...]:
    """The dated stages of one deadline, in order."""
    calendar = plan.calendar
    due = plan.milestones[deadline].date
    by_day: dict[date, Stage] = {}
    for before in plan.reminders.stages.get(deadline, ()):
        day = due - timedelta(days=before)
        while not calendar.is_working_day(day):
            day -= ONE_DAY
        by_day.setdefault(day, Stage(day, deadline, f"{(due - day).days}d_before", False))
    if deadline in plan.reminders.overdue_after:
        day, count = due, 0
        while count < plan.reminders.overdue_days:
            day += ONE_DAY
            if calendar.is_working_day(day):
                count += 1
                by_day.setdefault(day, Stage(day, deadline, f"overdue_{count}", True))
    return tuple(sorted(by_day.values()))


def send_moment(plan: Plan, day: date, timezone: str) -> datetime:
    """The send time on `day` where the recipient is (09:00 local by default)."""
    return datetime.combine(day, plan.reminders.send_time, ZoneInfo(timezone))


def campaign_closes(plan: Plan) -> datetime:
    """After this moment nothing is sent: the day after the last stage of any deadline.

    Read at the start of that day in the easternmost zone in use, so no region still has a
    stage ahead of it when the campaign is called closed.
    """
    last = max((s.day for key in plan.reminders.stages for s in stages_for(plan, key)),
               default=plan.last_deadline)
    zones = {plan.timezone, *(r.timezone for r in plan.regions)}
    return max(datetime.combine(last + ONE_DAY, datetime.min.time(), ZoneInfo(z))
               for z in zones)
