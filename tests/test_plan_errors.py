"""A broken plan file gets one line naming file, line and field, exit status 2, and no change."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO, Tracker, dump_database

PLAN = (REPO / "plan.yaml").read_text(encoding="utf-8")


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1


def _item_block(number: int) -> tuple[int, int]:
    start = PLAN.index(f"  - number: {number}\n")
    end = PLAN.find("  - number: ", start + 1)
    return start, (end if end != -1 else len(PLAN))


def _replace_in_item(number: int, old: str, new: str) -> tuple[str, int]:
    start, end = _item_block(number)
    block = PLAN[start:end]
    assert old in block, (number, old)
    at = start + block.index(old)
    text = PLAN[:at] + new + PLAN[at + len(old):]
    return text, text.count("\n", 0, at) + 1


def _broken_plans() -> list[tuple[str, str, int | None, str]]:
    """(case, text, expected line or None, expected message part)."""
    cases: list[tuple[str, str, int | None, str]] = []
    text, line = _replace_in_item(14, "internal_affairs", "polce")
    cases.append(("unknown body", text, line, "item 14: unknown body 'polce'"))
    text, line = _replace_in_item(3, "form: mes_info", "form: leaflet")
    cases.append(("unknown form", text, line, "item 3: unknown completion form 'leaflet'"))
    text, line = _replace_in_item(26, "due: final_report", "due: judgement_day")
    cases.append(("unknown milestone", text, line, "item 26: unknown deadline 'judgement_day'"))
    text, line = _replace_in_item(7, "number: 7", "number: 6")
    cases.append(("duplicate number", text, line, "duplicate item number 6"))
    start, end = _item_block(9)
    block = PLAN[start:end]
    kk_line = next(ln for ln in block.splitlines() if ln.strip().startswith("kk:"))
    text = PLAN[:start] + block.replace(kk_line + "\n", "", 1) + PLAN[end:]
    cases.append(("missing kazakh title", text, None, "item 9: missing Kazakh title (title.kk)"))
    text = PLAN.replace("2017-04-25", "2017-04-31", 1)
    cases.append(("not a date", text, _line_of(PLAN, "2017-04-25"),
                  "'2017-04-31' is not a real date"))
    text = PLAN.replace("2017-04-21", "2017-04-01", 1)
    cases.append(("window backwards", text, None, "the window ends (2017-04-01) before it starts"))
    text = PLAN.replace("Asia/Aqtobe", "Asia/Aktobe", 1)
    cases.append(("bad time zone", text, _line_of(PLAN, "Asia/Aqtobe"),
                  "unknown time zone 'Asia/Aktobe'"))
    text = PLAN.replace("items:\n", "items:\n  - number: [\n", 1)
    cases.append(("yaml syntax", text, None, "YAML syntax error"))
    return cases


@pytest.mark.parametrize(("case", "text", "line", "message"), _broken_plans(),
                         ids=[c[0] for c in _broken_plans()])
def test_plan_check_names_file_line_and_field(tmp_path: Path, case: str, text: str,
                                              line: int | None, message: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    result = Tracker(f"sqlite:///{tmp_path / 'x.db'}")("plan", "check", str(path))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    assert message in lines[0]
    if line is not None:
        assert f"{path}:{line}: " in lines[0]
    else:
        assert f"{path}:" in lines[0]
    assert "Traceback" not in result.output


def test_bad_plan_load_leaves_database_unchanged(tracker: Tracker, tmp_path: Path) -> None:
    tracker.ok("mark", "5", "--region", "aktobe")
    before = dump_database(tracker.url)
    sqlite_file = Path(tracker.url.removeprefix("sqlite:///"))
    raw_before = sqlite_file.read_bytes() if tracker.url.startswith("sqlite") else b""
    for _, text, _, message in _broken_plans():
        path = tmp_path / "broken.yaml"
        path.write_text(text, encoding="utf-8")
        result = tracker("plan", "load", str(path))
        assert result.exit_code == 2 and message in result.stderr
    assert dump_database(tracker.url) == before
    if tracker.url.startswith("sqlite"):
        assert sqlite_file.read_bytes() == raw_before


def test_missing_plan_file_is_bad_input(tmp_path: Path) -> None:
    result = Tracker(f"sqlite:///{tmp_path / 'x.db'}")("plan", "check", str(tmp_path / "no.yaml"))
    assert result.exit_code == 2
    assert "file not found" in result.stderr


def test_item_number_too_large_for_the_database(tmp_path: Path) -> None:
    """Found by hypothesis: an item number past 32 bits reached the database and crashed it."""
    text, line = _replace_in_item(12, "number: 12", "number: 9999999999")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    result = Tracker(f"sqlite:///{tmp_path / 'x.db'}")("plan", "check", str(path))
    assert result.exit_code == 2
    assert f"{path}:{line}: " in result.stderr and "must be at most 10,000" in result.stderr
