"""When a region's results report is late: after the end of its due day where the region is.

The day is the plan's `deadlines.results_report`: 25 April in 2017 (the form says «Отчет до
25 апреля 2017 г»), so a clerk in Aktobe (UTC+5 in 2017) who sends it at 23:30 on the 25th by
their own clock is on time, even though it is already the 26th in Astana.  The zone comes from
the plan as an IANA name, so the 2017 offsets are the ones applied.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracker.plan.model import Plan


def report_deadline(plan: Plan, unit: str) -> datetime:
    """The first moment at which `unit`'s report counts as late (midnight after the due day)."""
    due = plan.day_of(plan.deadlines.results_report) + timedelta(days=1)
    return datetime.combine(due, time(0), ZoneInfo(plan.unit_timezone(unit)))


def is_late(plan: Plan, unit: str, received_at: datetime | None) -> bool:
    """Received after the due day ended in the unit's own zone; a missing report is not
    "late" here (it is missing, which `missing_reports` tells)."""
    return received_at is not None and received_at >= report_deadline(plan, unit)
