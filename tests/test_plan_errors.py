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
    return cases + _broken_deadlines()


def _broken_deadlines() -> list[tuple[str, str, int | None, str]]:
    """The `deadlines` block and the escalation's body."""
    cases: list[tuple[str, str, int | None, str]] = []
    old = "  regional_work: regional_report "
    text = PLAN.replace(old, "  regional_work: regional_reprot ", 1)
    cases.append(("deadline role names unknown milestone", text, _line_of(PLAN, old),
                  "deadlines: 'regional_work': unknown milestone 'regional_reprot'"))
    old = "  window: {start: window_start, end: window_end}"
    text = PLAN.replace(old, "  window: {start: window_start, end: campaign_end}", 1)
    cases.append(("window names unknown milestone", text, _line_of(PLAN, old),
                  "deadlines.window: 'end': unknown milestone 'campaign_end'"))
    old = "  escalation: final_report "
    text = PLAN.replace(old, "  interim: final_report ", 1)
    cases.append(("unknown deadline role", text, _line_of(PLAN, old),
                  "deadlines: unknown field 'interim'"))
    old = "  results_report: regional_report "
    start = PLAN.index(old)
    text = PLAN[:start] + PLAN[PLAN.index("\n", start) + 1:]
    cases.append(("missing deadline role", text, _line_of(PLAN, "deadlines:\n") + 1,
                  "deadlines: missing field 'results_report'"))
    start, end = PLAN.index("deadlines:\n"), PLAN.index("\ncalendar:")
    without = PLAN[:start] + PLAN[end + 1:]
    text = without.replace("  final_report:\n", "  minister_report:\n", 1).replace(
        "due: final_report", "due: minister_report", 1).replace(
        "    final_report: [5, 2, 1, 0]", "    minister_report: [5, 2, 1, 0]", 1).replace(
        "overdue_after: [regional_report, final_report]", "overdue_after: [regional_report]", 1)
    cases.append(("default roles name a missing milestone", text, None,
                  "missing milestone 'final_report' (or declare `deadlines`)"))
    old = "  national_work: final_report "
    text = PLAN.replace(old, "  national_work: window_end ", 1)
    cases.append(("national work before regional work", text, _line_of(PLAN, "  window_end:\n"),
                  "window_end comes before regional_report"))
    old = "  escalation_body: committee "
    text = PLAN.replace(old, "  escalation_body: comittee ", 1)
    cases.append(("unknown escalation body", text, _line_of(PLAN, old),
                  "reminders: escalation_body: unknown body 'comittee'"))
    text = PLAN.replace(old, "  escalation_body: education ", 1)
    cases.append(("regional escalation body", text, _line_of(PLAN, old),
                  "reminders: escalation_body: 'education' is not a national body"))
    return cases


@pytest.mark.parametrize(("case", "text", "line", "message"), _broken_plans(),
                         ids=[c[0] for c in _broken_plans()])
def test_plan_check_names_file_line_and_field(tmp_path: Path, case: str, text: str,
                                              line: int | None, message: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    result = Tracker(f"sqlite:///{tmp_path / 'x.db'}")("plan", "check", str(path), lang="en")
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
        result = tracker("plan", "load", str(path), lang="en")
        assert result.exit_code == 2 and message in result.stderr
    assert dump_database(tracker.url) == before
    if tracker.url.startswith("sqlite"):
        assert sqlite_file.read_bytes() == raw_before


def test_missing_plan_file_is_bad_input(tmp_path: Path) -> None:
    result = Tracker(f"sqlite:///{tmp_path / 'x.db'}")("plan", "check", str(tmp_path / "no.yaml"),
                                                           lang="en")
    assert result.exit_code == 2
    assert "file not found" in result.stderr


def test_item_number_too_large_for_the_database(tmp_path: Path) -> None:
    """Found by hypothesis: an item number past 32 bits reached the database and crashed it."""
    text, line = _replace_in_item(12, "number: 12", "number: 9999999999")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    result = Tracker(f"sqlite:///{tmp_path / 'x.db'}")("plan", "check", str(path), lang="en")
    assert result.exit_code == 2
    assert f"{path}:{line}: " in result.stderr and "must be at most 10,000" in result.stderr
