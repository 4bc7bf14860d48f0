"""One recipient's assignments as its reminder lists them: what is outstanding, grouped by the
deadline it is due by (overdue first), then what is done, by whom and how.

Built from the services the reminder and `status` use: the assignment groups
(tracker.progress.status), the reminder's per-pair progress (tracker.mail.due.Progress), the
cells' deadlines and their end at midnight in the unit's own zone (tracker.progress.cellstate),
and the latest event of each done assignment (tracker.progress.history).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from tracker.mail.due import Progress
from tracker.mail.recipients import Recipient
from tracker.plan.model import Plan
from tracker.progress.cellstate import deadline_end
from tracker.progress.history import HistoryEntry, latest_marks
from tracker.progress.status import assignment_groups

Assignment = tuple[int, str, str]
"""(item, unit, body): one thing a recipient answers for."""


@dataclass
class DueGroup:
    """Outstanding assignments due by one deadline in one zone."""

    deadline: str
    """The milestone's key."""
    ends: datetime
    """The first late moment: midnight after the deadline's day where the unit is."""
    overdue: bool
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class WorkList:
    outstanding: list[DueGroup]
    """Overdue groups first, each group earliest deadline first."""
    done: list[tuple[Assignment, HistoryEntry | None]]
    """Done assignments in item order, with the event that recorded each (None when none is
    kept, e.g. marked before events were)."""

    @property
    def open(self) -> frozenset[Assignment]:
        return frozenset(a for g in self.outstanding for a in g.assignments)

    def reported_by(self, email: str) -> frozenset[Assignment]:
        """Done assignments this address reported itself through its link (what it may take
        back)."""
        return frozenset(a for a, e in self.done
                         if e is not None and e.via == "link" and e.by.lower() == email.lower())


def work_list(conn: Connection, plan: Plan, recipient: Recipient, now: datetime) -> WorkList:
    """The recipient's work at `now` (the server's clock, `--now` in tests)."""
    units = sorted({unit for unit, _ in recipient.pairs})
    progress = Progress(assignment_groups(conn, units=units, as_of=now))
    groups: dict[tuple[str, datetime], DueGroup] = {}
    done: list[Assignment] = []
    for unit, body in recipient.pairs:
        for number in progress.pending(unit, body):
            item = plan.items_by_number[number]
            key = plan.cell_deadline(item, unit)
            ends = deadline_end(plan, item, unit)
            group = groups.setdefault((key, ends), DueGroup(key, ends, now >= ends))
            group.assignments.append((number, unit, body))
        done.extend((number, unit, body) for number in progress.done(unit, body))
    for group in groups.values():
        group.assignments.sort()
    ordered = sorted(groups.values(), key=lambda g: (not g.overdue, g.ends, g.deadline))
    marks = latest_marks(conn, units, until=now) if done else {}
    return WorkList(ordered, [(a, marks.get(a)) for a in sorted(done)])
