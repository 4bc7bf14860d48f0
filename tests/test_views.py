"""The big JSON outputs are written as text in pieces (tracker.views.status, .digest and
.reminders); here they are held to a plain reference built as dictionaries, over several shapes
of progress: nothing done, partial and done cells, several bodies, marks and unmarks, late
reports, and the reminders of several mornings."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import REPO, Tracker
from tracker.digest.data import Digest, build_digest
from tracker.mail.due import DueMail
from tracker.mail.tick import TickResult, due_now, simulate_mails
from tracker.plan.model import Plan
from tracker.progress.cellstate import is_overdue
from tracker.progress.status import Grid, load_grid
from tracker.store.database import Database, resolve_url
from tracker.timefmt import iso_utc
from tracker.views.digest import digest_json_text
from tracker.views.reminders import mails_json_text, preview_json_text
from tracker.views.status import status_json_text

NOW = datetime.fromisoformat("2017-04-27T12:00+06:00")


def reference_status_json(plan: Plan, grid: Grid) -> dict[str, Any]:
    """`status --json` by its definition: a dictionary per cell, overdue when not done and its
    deadline has passed."""
    return {
        "as_of": iso_utc(grid.as_of),
        "cells": [{"item": cell.item, "unit": cell.unit, "state": cell.state,
                   "bodies": cell.bodies, "done_at": iso_utc(cell.done_at),
                   "overdue": cell.state != "done" and is_overdue(
                       plan, plan.items_by_number[cell.item], cell.unit, grid.as_of)}
                  for cell in grid.cells],
        "units": [{"unit": u.unit, "done": u.done, "total": u.total} for u in grid.units],
    }


def reference_digest_json(digest: Digest) -> dict[str, Any]:
    """`digest --json` by its definition: a dictionary per overdue cell."""
    totals = digest.totals
    return {
        "as_of": iso_utc(digest.as_of),
        "since": iso_utc(digest.since),
        "completion": {"overall": digest.overall, "by_unit": digest.by_unit,
                       "by_item": {str(k): v for k, v in digest.by_item.items()}},
        "overdue": [{"item": o.item, "unit": unit, "bodies": list(o.bodies)}
                    for o in digest.overdue for unit in o.units],
        "missing_reports": digest.missing_reports,
        "totals": {column.key: totals.media_coverage if column.kind == "media"
                   else totals.count(column.key) for column in digest.plan.results_form.columns
                   if column.kind != "text"},
        "changes": [{**c, "at": iso_utc(c["at"])} for c in digest.changes],
        "problems": digest.problems,
        "bounced": [{"id": b.id, "recipient": b.recipient, "unit": b.unit, "at": iso_utc(b.at),
                     "diagnostic": b.diagnostic} for b in digest.bounced],
        "inbox_held": digest.inbox_held,
    }


def reference_mail_json(mail: DueMail) -> dict[str, Any]:
    """One reminder of `remind preview --json` and `simulate --json` by its definition."""
    return {
        "send_at": iso_utc(mail.slot.send_at),
        "local": mail.slot.send_at.isoformat(timespec="minutes"),
        "to": mail.recipient.email,
        "unit": mail.recipient.unit,
        "body": mail.recipient.pairs[0][1],
        "bodies": mail.recipient.bodies,
        "deadline": mail.slot.deadline,
        "stage": mail.slot.stage,
        "items": list(mail.items),
        "late": mail.late,
    }


def reference_preview_json(tick: TickResult, waiting: int) -> dict[str, Any]:
    return {"closed": tick.closed, "send": [reference_mail_json(m) for m in tick.to_send],
            "skip": [reference_mail_json(m) for m in tick.to_skip],
            "pending_in_outbox": waiting}


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


STEPS: list[list[str]] = [
    [],
    ["mark", "5-11", "--region", "aktobe", "--note", "Хат № 12"],
    ["mark", "1-3", "--region", "all"],
    ["mark", "12", "--region", "almaty", "--body", "education"],
    ["unmark", "2", "--region", "aktobe", "--note", "қате"],
    ["report", "set", "aktobe", "--school-assemblies", "5", "--children-reached", "1200"],
    ["report", "submit", "aktobe"],
    ["mark", "26", "--region", "national"],
]


@pytest.mark.parametrize("steps", range(1, len(STEPS) + 1))
def test_json_text_in_pieces_is_the_reference_json(sqlite_tracker: Tracker, steps: int) -> None:
    for args in STEPS[:steps]:
        if args:
            sqlite_tracker.ok(*args, now="2017-04-26T10:00+06:00")
    db = Database(resolve_url(sqlite_tracker.url))
    try:
        plan = db.plan()
        with db.reading() as conn:
            grid = load_grid(conn, plan, NOW)
            digest = build_digest(conn, plan, NOW)
    finally:
        db.dispose()
    status_text = "".join(status_json_text(plan, grid))
    assert status_text == _compact(reference_status_json(plan, grid))
    digest_text = "".join(digest_json_text(digest))
    assert digest_text == _compact(reference_digest_json(digest))
    if steps > 1:  # something happened: the outputs are not trivially empty
        assert any(c["state"] == "done" for c in json.loads(status_text)["cells"])
        assert json.loads(digest_text)["changes"]


def test_reminders_json_text_is_the_reference_json(sqlite_tracker: Tracker) -> None:
    sqlite_tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    sqlite_tracker.ok("mark", "5-11", "--region", "aktobe", now="2017-04-14T10:00+06:00")
    sqlite_tracker.ok("report", "submit", "almaty", now="2017-04-24T10:00+06:00")
    db = Database(resolve_url(sqlite_tracker.url))
    try:
        told = 0
        for moment in ("2017-04-12T10:00+06:00", "2017-04-18T09:30+06:00",
                       "2017-04-26T11:00+06:00", "2017-04-29T12:00+06:00",
                       "2017-06-01T12:00+06:00"):
            tick = due_now(db, datetime.fromisoformat(moment))
            told += len(tick.to_send) + len(tick.to_skip)
            text = "".join(preview_json_text(tick, 7))
            assert text == _compact(reference_preview_json(tick, 7)), moment
        mails = simulate_mails(db, datetime.fromisoformat("2017-04-09T00:00+06:00"),
                               datetime.fromisoformat("2017-05-10T00:00+06:00"),
                               datetime.fromisoformat("2017-06-01T12:00+06:00"))
        text = "".join(mails_json_text(mails, batch=7))
        assert text == _compact([reference_mail_json(m) for m in mails])
    finally:
        db.dispose()
    assert told > 100 and len(mails) > 100
