"""`tracker history --json`: the events, oldest first."""

from __future__ import annotations

from typing import Any

from tracker.progress.history import HistoryEntry
from tracker.timefmt import iso_utc


def history_json(entries: list[HistoryEntry]) -> list[dict[str, Any]]:
    return [{"at": iso_utc(e.at), "item": e.item, "unit": e.unit, "body": e.body,
             "action": e.action, "by": e.by, "note": e.note, "done_at": iso_utc(e.done_at)}
            for e in entries]
