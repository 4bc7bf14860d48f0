"""Applying what a reply reports: its items marked and its form recorded, as the agency's.

The same services as the command line and the reporting pages: the marking service
(tracker.progress.marking, a compare-and-set with an event per changed assignment) for each
(region, body) the recipient answers for, recorded as by the sender's address, via mail, with
the first evidence file's digest; the results form through the report store's
`replace_reports`, as an imported file is.  Only what the recipient owes can change: its
assignments (those its reminder lists, tracker.progress.worklist), checked in the caller's
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from tracker.fieldrules import NOTE_MAX
from tracker.mail.recipients import Recipient
from tracker.plan.model import Plan
from tracker.progress.worklist import Assignment
from tracker.store.tables import ASSIGNMENT


@dataclass
class Applied:
    marked: list[int] = field(default_factory=list)
    """The items applied (those asked for that the recipient owes)."""
    changed: list[Assignment] = field(default_factory=list)
    """The assignments that changed (the others were done already)."""
    form_unit: str | None = None
    """The region whose report was recorded, when a form was."""


def owed(conn: Connection, recipient: Recipient) -> frozenset[Assignment]:
    """Every assignment the recipient answers for, open or done: the assignment rows of its
    (unit, body) pairs whatever their state, which are the ones its work list
    (tracker.progress.worklist) shows as outstanding or done."""
    a = ASSIGNMENT
    pairs = set(recipient.pairs)
    rows = conn.execute(select(a.c.item_number, a.c.unit_key, a.c.body_key)
                        .where(a.c.unit_key.in_(sorted({unit for unit, _ in pairs}))))
    return frozenset((number, unit, body) for number, unit, body in rows
                     if (unit, body) in pairs)


def owed_items(assignments: frozenset[Assignment]) -> list[int]:
    return sorted({number for number, _, _ in assignments})


def event_note(text: str) -> str:
    """What a mark's event says of the reply: its new text on one line, bounded."""
    line = " ".join(text.split())
    return line if len(line) <= NOTE_MAX else line[:NOTE_MAX - 1] + "…"


def apply_reply(conn: Connection, plan: Plan, recipient: Recipient, sender: str,
                items: Sequence[int], form: dict[str, Any] | None, note: str, evidence: str | None,
                now: datetime) -> Applied:
    """Mark `items` (of those the recipient owes) and record `form` (a form without problem,
    or None), in `conn`'s transaction."""
    from tracker.inbox.attachments import form_result
    from tracker.progress.marking import apply
    from tracker.progress.selection import Selection
    from tracker.reports import store

    mine = owed(conn, recipient)
    wanted = set(items)
    by_pair: dict[tuple[str, str], list[int]] = {}
    for number, unit, body in sorted(mine):
        if number in wanted:
            by_pair.setdefault((unit, body), []).append(number)
    result = Applied(marked=sorted(wanted & set(owed_items(mine))))
    for (unit, body), numbers in sorted(by_pair.items()):
        selection = Selection(tuple(numbers), frozenset(), (unit,), body)
        marked = apply(conn, plan, selection, "mark", actor=sender, note=note, now=now,
                       via="mail", evidence=evidence)
        result.changed.extend(marked.changed)
    if form is not None and not form.get("problem") and form.get("unit"):
        store.replace_reports(conn, plan, [form_result(form)], now, by=sender, via="mail")
        result.form_unit = form["unit"]
    result.changed.sort()
    return result
