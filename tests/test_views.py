"""The big JSON outputs are written as text in pieces (tracker.views.status, tracker.views.digest);
here they are held to a plain reference built as dictionaries, over several shapes of progress:
nothing done, partial and done cells, several bodies, marks and unmarks, late reports."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import Tracker
from tracker.digest.data import Digest, build_digest
from tracker.progress.status import Grid, load_grid
from tracker.store.database import Database, resolve_url
from tracker.timefmt import iso_utc
from tracker.views.digest import digest_json_text
from tracker.views.status import status_json_text

NOW = datetime.fromisoformat("2017-04-27T12:00+06:00")


def reference_status_json(grid: Grid) -> dict[str, Any]:
    """`status --json` by its definition: a dictionary per cell."""
    return {
        "as_of": iso_utc(grid.as_of),
        "cells": [{"item": cell.item, "unit": cell.unit, "state": cell.state,
                   "bodies": cell.bodies, "done_at": iso_utc(cell.done_at)}
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
        "totals": {**{name: getattr(totals, name) for name in (
            "school_assemblies", "class_hours", "contests", "meetings", "debates",
            "parent_meetings", "children_reached")}, "media_coverage": totals.media_coverage},
        "changes": [{**c, "at": iso_utc(c["at"])} for c in digest.changes],
        "problems": digest.problems,
    }


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
    status_text = "".join(status_json_text(grid))
    assert status_text == _compact(reference_status_json(grid))
    digest_text = "".join(digest_json_text(digest))
    assert digest_text == _compact(reference_digest_json(digest))
    if steps > 1:  # something happened: the outputs are not trivially empty
        assert any(c["state"] == "done" for c in json.loads(status_text)["cells"])
        assert json.loads(digest_text)["changes"]
