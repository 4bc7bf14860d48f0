"""Mark, unmark, status and history round trips, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO, Tracker, dump_database


def _cell(status: dict, item: int, unit: str) -> dict:  # type: ignore[type-arg]
    return next(c for c in status["cells"] if c["item"] == item and c["unit"] == unit)


def test_fresh_status_is_all_pending(tracker: Tracker) -> None:
    status = tracker.json("status")
    assert status["as_of"] == "2017-04-14T04:00:00Z"
    units = {u["unit"]: u for u in status["units"]}
    assert len(units) == 17  # 16 regions and national
    assert units["aktobe"] == {"unit": "aktobe", "done": 0, "total": 24}
    assert units["national"]["total"] == 3  # items 16, 25 (committee) and 26
    assert {c["state"] for c in status["cells"]} == {"pending"}
    assert _cell(status, 5, "aktobe")["bodies"] == {
        "education": "pending", "internal_policy": "pending", "internal_affairs": "pending",
        "ngo": "pending"}


def test_cell_states_follow_required_bodies(tracker: Tracker) -> None:
    tracker.ok("mark", "5", "--region", "aktobe", "--body", "ngo")
    assert _cell(tracker.json("status"), 5, "aktobe")["state"] == "partial"
    for body in ("education", "internal_policy"):
        tracker.ok("mark", "5", "--region", "aktobe", "--body", body)
    assert _cell(tracker.json("status"), 5, "aktobe")["state"] == "partial"
    tracker.ok("unmark", "5", "--region", "aktobe", "--body", "ngo")
    tracker.ok("mark", "5", "--region", "aktobe", "--body", "internal_affairs")
    cell = _cell(tracker.json("status"), 5, "aktobe")
    assert cell["state"] == "done"  # the NGO is "by agreement": welcome, not required
    assert cell["bodies"]["ngo"] == "pending"
    assert cell["done_at"] == "2017-04-14T04:00:00Z"
    # the parents' association is by agreement too, but the only body of item 16
    status = tracker.json("status")
    assert _cell(status, 16, "national")["state"] == "pending"
    tracker.ok("mark", "16", "--region", "national")
    assert _cell(tracker.json("status"), 16, "national")["state"] == "done"


def test_mark_ranges_all_regions_and_national(tracker: Tracker) -> None:
    result = tracker.ok("mark", "5-7,9", "--region", "all", "--note", "Хат № 12", lang="en")
    assert "marked done" in result.stdout
    status = tracker.json("status")
    for unit in ("akmola", "almaty", "mangystau"):
        for item in (5, 6, 7, 9):
            assert _cell(status, item, unit)["state"] == "done"
        assert _cell(status, 8, unit)["state"] == "pending"
    units = {u["unit"]: u["done"] for u in status["units"]}
    assert units["aktobe"] == 4 and units["national"] == 0
    tracker.ok("mark", "26")  # a national-only item needs no --region
    tracker.ok("mark", "25", "--region", "national")
    status = tracker.json("status")
    assert _cell(status, 26, "national")["state"] == "done"
    assert _cell(status, 25, "national")["state"] == "done"
    assert _cell(status, 25, "astana")["state"] == "pending"


def test_mark_twice_records_one_event_and_unmark_is_history(tracker: Tracker) -> None:
    tracker.ok("mark", "1", "--region", "aktobe", "--by", "Айгерім", "--note", "хат 1")
    again = tracker.ok("mark", "1", "--region", "aktobe", lang="en")
    assert "nothing changed" in again.stdout
    later = "2017-04-15T10:00+06:00"
    tracker.ok("unmark", "1", "--region", "aktobe", "--note", "қате", now=later)
    history = tracker.json("history", "1", now=later)
    assert [(h["action"], h["by"], h["note"]) for h in history] == [
        ("mark", "Айгерім", "хат 1"), ("unmark", history[1]["by"], "қате")]
    assert history[0] == {"at": "2017-04-14T04:00:00Z", "item": 1, "unit": "aktobe",
                          "body": "education", "action": "mark", "by": "Айгерім",
                          "note": "хат 1", "done_at": "2017-04-14T04:00:00Z",
                          "via": "cli", "evidence_url": None, "evidence": None}
    assert history[1]["at"] == "2017-04-15T04:00:00Z"
    assert _cell(tracker.json("status", now=later), 1, "aktobe")["state"] == "pending"
    assert tracker.json("history", "--region", "almaty", now=later) == []
    text = tracker.ok("history", "1", now=later).stdout
    assert "2017-04-14 09:00 (+05)" in text  # Aktobe's own clock in 2017
    assert "Айгерім" in text and "қате" in text


def test_mark_on_date_is_start_of_day_where_the_region_is(tracker: Tracker) -> None:
    tracker.ok("mark", "2", "--region", "aktobe,astana", "--on", "2017-04-12")
    status = tracker.json("status")
    assert _cell(status, 2, "aktobe")["done_at"] == "2017-04-11T19:00:00Z"  # UTC+5
    assert _cell(status, 2, "astana")["done_at"] == "2017-04-11T18:00:00Z"  # UTC+6


def test_items_filters(tracker: Tracker) -> None:
    national = tracker.json("items", "--region", "national")
    assert [i["number"] for i in national] == [16, 25, 26]
    ngo = tracker.json("items", "--body", "ngo")
    assert [i["number"] for i in ngo] == [5, 6, 8, 13, 14, 15, 21, 23, 24]
    tracker.ok("mark", "1-3", "--region", "aktobe")
    done = tracker.json("items", "--region", "aktobe", "--state", "done")
    assert [i["number"] for i in done] == [1, 2, 3]
    pending = tracker.json("items", "--region", "aktobe", "--state", "pending")
    assert 1 not in [i["number"] for i in pending] and 4 in [i["number"] for i in pending]


def test_status_text_views(tracker: Tracker) -> None:
    tracker.ok("mark", "5", "--region", "aktobe", "--body", "education")
    grid = tracker.ok("status", lang="en").stdout
    assert "AKT" in grid and "◐" in grid and "overall: 0 of 387" in grid
    one = tracker.ok("status", "--region", "aktobe", lang="ru").stdout
    assert "Актюбинская область" in one and "частично" in one


BAD_INPUTS = [
    (["mark", "27", "--region", "aktobe"], "unknown item 27"),
    (["mark", "5", "--region", "narnia"], "unknown region 'narnia'"),
    (["mark", "5", "--region", "aktobe", "--body", "polce"], "unknown body 'polce'"),
    (["mark", "7", "--region", "aktobe", "--body", "ngo"], "item 7 has no body 'ngo'"),
    (["mark", "26", "--region", "aktobe"], "item 26 has nothing to do in aktobe"),
    (["mark", "5"], "--region is required"),
    (["mark", "x-y", "--region", "aktobe"], "'x-y' is not an item number"),
    (["mark", "9-5", "--region", "aktobe"], "runs backwards"),
    (["mark", "5", "--region", "aktobe", "--on", "2017-05-01"], "is in the future"),
    (["mark", "5", "--region", "aktobe", "--on", "soon"], "is not a date"),
    (["unmark", "5", "--region", "aktobe,narnia"], "unknown region 'narnia'"),
    (["history", "99"], "unknown item 99"),
    (["status", "--region", "narnia"], "unknown region 'narnia'"),
    (["items", "--body", "polce"], "unknown body 'polce'"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_bad_input_exit_2_one_line_database_unchanged(tracker: Tracker, args: list[str],
                                                      message: str) -> None:
    tracker.ok("mark", "1", "--region", "aktobe")
    before = dump_database(tracker.url)
    result = tracker(*args, lang="en")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert dump_database(tracker.url) == before


def test_bad_now_is_bad_input(tracker: Tracker) -> None:
    for value, message in (("yesterday", "not an ISO-8601"), ("2017-04-14T10:00", "no UTC offset")):
        result = tracker("status", now=value)
        assert result.exit_code == 2 and message in result.output


def test_commands_before_init_say_what_to_do(tmp_path: Path) -> None:
    result = Tracker(f"sqlite:///{tmp_path / 'none.db'}")("status", lang="en")
    assert result.exit_code == 1
    assert "run `tracker init`" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_plan_reload_is_idempotent_and_applies_edits(tracker: Tracker, tmp_path: Path) -> None:
    before = dump_database(tracker.url)
    same = tracker.ok("plan", "load", str(REPO / "plan.yaml"), lang="en")
    assert "up to date" in same.stdout
    assert dump_database(tracker.url) == before
    text = (REPO / "plan.yaml").read_text(encoding="utf-8")
    edited = tmp_path / "plan.yaml"
    edited.write_text(text.replace("2017-04-25", "2017-04-26", 1), encoding="utf-8")
    result = tracker.ok("plan", "load", str(edited), lang="en")
    assert "updated" in result.stdout
    # a second load of the same edit changes nothing more
    assert "up to date" in tracker.ok("plan", "load", str(edited), lang="en").stdout


def _without_item(text: str, number: int) -> str:
    start = text.index(f"  - number: {number}\n")
    end = text.find("  - number: ", start + 1)
    return text[:start] + (text[end:] if end != -1 else "")


def test_removing_an_item_with_progress_is_refused(tracker: Tracker, tmp_path: Path) -> None:
    text = (REPO / "plan.yaml").read_text(encoding="utf-8")
    edited = tmp_path / "plan.yaml"
    edited.write_text(_without_item(text, 19), encoding="utf-8")
    tracker.ok("mark", "19", "--region", "kostanay")
    before = dump_database(tracker.url)
    result = tracker("plan", "load", str(edited))
    assert result.exit_code == 2
    assert "refusing to remove item 19 for kostanay" in result.stderr
    assert dump_database(tracker.url) == before
    tracker.ok("unmark", "19", "--region", "kostanay")
    # with progress undone it is still refused: the history is recorded progress
    assert tracker("plan", "load", str(edited)).exit_code == 2
    edited.write_text(_without_item(text, 18), encoding="utf-8")
    result = tracker.ok("plan", "load", str(edited), lang="en")
    assert "removed 16 assignments" in result.stdout.replace("removed 1 items, ", "") or \
        "removed" in result.stdout
    assert 18 not in [i["number"] for i in tracker.json("items")]
    assert tracker.json("status")["units"][0]["total"] == 23
