"""One notion of a cell's state (tracker.progress.cellstate): done, partial, pending, overdue,
partly done and overdue — the same in status (grid, region, JSON), the digest (text, page,
JSON) and the final report, with the deadline read where the unit is."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Tracker
from tracker.plan.loader import load_plan
from tracker.progress.cellstate import cell_state, deadline_end, is_overdue

AFTER_WINDOW = "2017-04-25T12:00+06:00"
"""The window (10–21 April) is over everywhere; the 25 April work deadline is not."""


@pytest.fixture
def progress(tracker: Tracker) -> Tracker:
    """Item 5 (a window item, four bodies) half done in Aktobe; item 10 done everywhere."""
    tracker.ok("mark", "5", "--region", "aktobe", "--body", "education",
               now="2017-04-14T10:00+06:00")
    tracker.ok("mark", "10", "--region", "all", now="2017-04-14T10:00+06:00")
    return tracker


def _cell(status: dict[str, Any], item: int, unit: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in status["cells"]
                                 if (c["item"], c["unit"]) == (item, unit))
    return found


def test_cell_state_keeps_the_progress_when_late() -> None:
    assert [cell_state(p, False) for p in ("done", "partial", "pending")] == [
        "done", "partial", "pending"]
    assert [cell_state(p, True) for p in ("done", "partial", "pending")] == [
        "done", "partial_overdue", "overdue"]


def test_a_deadline_passes_at_midnight_where_the_unit_is() -> None:
    plan = load_plan(Path(__file__).resolve().parents[1] / "plan.yaml")
    window_item = plan.items_by_number[5]
    assert deadline_end(plan, window_item, "aktobe").isoformat() == "2017-04-22T00:00:00+05:00"
    # 23:30 in Aktobe (UTC+5 in 2017) is already 00:30 on the 22nd in Astana (UTC+6)
    moment = datetime.fromisoformat("2017-04-21T23:30+05:00")
    assert not is_overdue(plan, window_item, "aktobe", moment)
    assert is_overdue(plan, window_item, "astana", moment)
    # an ongoing item is due by the regions' work deadline (25 April), item 26 by 30 April
    assert not is_overdue(plan, plan.items_by_number[1], "astana", moment)
    assert not is_overdue(plan, plan.items_by_number[26], "national",
                          datetime.fromisoformat("2017-04-30T23:59+06:00"))


def test_status_shows_overdue_and_keeps_partial_progress(progress: Tracker) -> None:
    before = progress.ok("status", now="2017-04-20T12:00+06:00").stdout
    after = progress.ok("status", now=AFTER_WINDOW).stdout
    assert "!" not in _row(before, 5) and "◐" in _row(before, 5)
    # Aktobe's partly done cell keeps its ◐ beside the overdue mark; the other regions are late
    assert _row(after, 5).split()[1:4] == ["!", "◐!", "!"]
    assert "!" not in _row(after, 10) and "!" not in _row(after, 1)  # done; not due yet
    assert "◐! ішінара, мерзімі өтті" in after.splitlines()[1]
    region = progress.ok("status", "--region", "aktobe", now=AFTER_WINDOW, lang="en").stdout
    assert "   5 ◐! partial, overdue" in region and "   6 !  overdue" in region
    status = progress.json("status", now=AFTER_WINDOW)
    assert _cell(status, 5, "aktobe")["state"] == "partial"  # the keys keep their meaning
    assert [_cell(status, 5, u)["overdue"] for u in ("aktobe", "akmola")] == [True, True]
    assert [_cell(status, i, "aktobe")["overdue"] for i in (10, 1)] == [False, False]


def test_status_overdue_follows_the_units_zone(progress: Tracker) -> None:
    status = progress.json("status", now="2017-04-21T23:30+05:00")
    assert _cell(status, 6, "aktobe")["overdue"] is False
    assert _cell(status, 6, "astana")["overdue"] is True


def test_the_digest_marks_the_same_cells_overdue_as_status(progress: Tracker) -> None:
    status = progress.json("status", now=AFTER_WINDOW)
    overdue = {(c["item"], c["unit"]) for c in status["cells"] if c["overdue"]}
    digest = progress.json("digest", now=AFTER_WINDOW)
    assert {(o["item"], o["unit"]) for o in digest["overdue"]} == overdue
    page = progress.ok("digest", "--format", "html", now=AFTER_WINDOW).stdout
    cells = _grid_cells(page)
    assert cells.count(("partial late", "◐!")) == 1
    assert cells.count(("late", "!")) == len(overdue) - 1
    assert ("done", "✓") in cells and ("pending", "·") in cells
    text = progress.ok("--lang", "ru", "digest", now=AFTER_WINDOW).stdout
    assert "Актюбинская область: 5◐, 6," in text
    assert "Акмолинская область: 5, 6," in text


def test_the_final_report_counts_positions_past_their_deadline(progress: Tracker,
                                                               tmp_path: Path) -> None:
    status = progress.json("status", now=AFTER_WINDOW)
    late = [c for c in status["cells"] if c["overdue"]]
    partial = sum(c["state"] == "partial" for c in late)
    target = tmp_path / "report.md"
    progress.ok("final-report", str(target), "--lang", "ru", now=AFTER_WINDOW)
    assert (f"Срок истёк у {len(late)} из них: не выполнено — {len(late) - partial}, "
            f"выполнено частично — {partial}.") in target.read_text(encoding="utf-8")
    progress.ok("final-report", str(target), "--lang", "ru", now="2017-04-20T12:00+06:00")
    assert "Срок истёк" not in target.read_text(encoding="utf-8")


def _row(grid: str, item: int) -> str:
    return next(line for line in grid.splitlines() if line.split()[:1] == [str(item)])


class _Cells(HTMLParser):
    """The (class, text) of every cell of the digest page's grid body."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str]] = []
        self._in_body = False
        self._cell: list[str] | None = None
        self._class = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif tag == "td" and self._in_body:
            self._class = dict(attrs).get("class") or ""
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._cell is not None:
            if self._class not in ("item", "pct"):
                self.cells.append((self._class, "".join(self._cell).strip()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _grid_cells(page: str) -> list[tuple[str, str]]:
    parser = _Cells()
    parser.feed(page)
    return parser.cells
