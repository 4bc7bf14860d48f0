"""Every field is checked once, where it enters: odd values are refused at the door in one line
(exit 2, the database unchanged), never accepted to fail later in a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import REPO, Tracker, dump_database

HUGE = "99999999999999999999"


def assert_refused(result: Result, *words: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception), result.output)
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    # the error prefix in the language asked for (Kazakh by default)
    assert len(lines) == 1 and lines[0].startswith(("қате: ", "ошибка: ", "error: ")), (
        result.stderr)
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize(("args", "words"), [
    (["mark", f"1-{HUGE}", "--region", "all"], ["unknown item"]),
    (["mark", "1-100000000", "--region", "all"], ["unknown item 27"]),
    (["mark", HUGE, "--region", "all"], ["unknown item"]),
    (["mark", "1" * 5000, "--region", "all"], ["unknown item"]),
    (["mark", "²", "--region", "all"], ["not an item number"]),
    (["history", "--limit", HUGE], ["--limit"]),
    (["outbox", "resolve", HUGE, "--as", "sent"], ["ID"]),
    (["outbox", "retry", HUGE], ["ID"]),
    (["report", "media", "remove", HUGE], ["ID"]),
    (["simulate", "--from", "0001-01-01", "--to", "9999-12-31"], ["--from", "1970-2100"]),
    (["simulate", "--from", "2017-04-01", "--to", "9999-12-31T23:59-12:00"], ["--to"]),
    (["--now", "0001-01-01T00:00+14:00", "status"], ["--now", "1970-2100"]),
    (["--now", "9999-12-31T23:59-12:00", "status"], ["--now", "1970-2100"]),
    (["run", "--tick", "nan"], ["--tick", "finite"]),
    (["run", "--tick", "inf"], ["--tick", "finite"]),
    (["run", "--tick", "-inf"], ["--tick", "finite"]),
    (["run", "--speed", "nan"], ["--speed", "finite"]),
])
def test_numbers_and_moments_beyond_what_the_store_holds_are_refused(
        tracker: Tracker, args: list[str], words: list[str]) -> None:
    before = dump_database(tracker.url)
    # A leading --now follows the fixture's own, and the last one given counts.
    assert_refused(tracker(*args, lang="en"), *words)
    assert dump_database(tracker.url) == before


def test_a_range_far_past_the_plan_is_refused_without_being_built(tracker: Tracker) -> None:
    """`mark 1-100000000` stops at the first number past the plan, whatever the range's end."""
    import tracemalloc

    tracemalloc.start()
    result = tracker("mark", "1-100000000", "--region", "all", lang="en")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert_refused(result, "unknown item 27")
    assert peak < 50_000_000


@pytest.mark.parametrize("target", ["sqlite:////etc/passwd", "/etc/passwd"])
@pytest.mark.parametrize("command", [["status"], ["init"], ["mark", "1", "-r", "aktobe"]])
def test_a_file_that_is_not_sqlite_is_refused_by_name(target: str, command: list[str]) -> None:
    """Exit 1, as a database that is not set up: the file is there, it is not ours."""
    before = Path("/etc/passwd").read_bytes()
    result = Tracker(target)(*command)
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("қате: /etc/passwd — tracker дерекқоры емес (SQLite): "), line
    assert Path("/etc/passwd").read_bytes() == before


def test_doctor_names_a_file_that_is_not_sqlite() -> None:
    """doctor lists it among its problems (exit 1, as for every problem it finds)."""
    result = Tracker("/etc/passwd")("doctor", "--no-smtp", lang="en")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "database: /etc/passwd is not a tracker database (SQLite)" in result.output


def test_a_folder_is_refused_as_a_database(tmp_path: Path) -> None:
    assert_refused(Tracker(str(tmp_path))("status"), "— қалта, tracker дерекқоры емес")


@pytest.mark.parametrize("form", ["path", "url"])
def test_a_database_path_too_long_for_the_system_is_refused(tmp_path: Path, form: str) -> None:
    path = tmp_path / ("a" * 5000)
    target = str(path) if form == "path" else f"sqlite:///{path}"
    for command in (["status"], ["init"]):
        result = Tracker(target)(*command)
        assert_refused(result, "тым ұзын", "5,")
        assert len(result.stderr) < 200
    assert list(tmp_path.iterdir()) == []


def test_the_bundled_plan_and_contacts_still_pass(tracker: Tracker) -> None:
    tracker.ok("plan", "check", str(REPO / "plan.yaml"))
    tracker.ok("contacts", "check", str(REPO / "contacts.example.yaml"))


PLAN = (REPO / "plan.yaml").read_text(encoding="utf-8")
LONG_KEY = "a" * 65


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "words"), [
    ("  weekend: [saturday, sunday]",
     "  weekend: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]",
     ["every day of the week is a weekend"]),
    ("    regional_report: [7, 3, 1, 0]", "    regional_report: [100000000, 3, 1, 0]",
     ["from 0 to 366"]),
    ("  overdue_days: 5 ", "  overdue_days: 100000000 ", ["overdue_days", "at most 366"]),
    ("  final_report:\n    date: 2017-04-30", "  final_report:\n    date: 9999-04-30",
     ["9999-04-30 is outside 1970-2100"]),
    ("  window_start:\n    date: 2017-04-10", "  window_start:\n    date: 0001-01-01",
     ["0001-01-01 is outside 1970-2100"]),
    ("    - date: 2017-03-21", "    - date: 2101-03-21", ["outside 1970-2100"]),
    ("  - key: aktobe", f"  - key: {LONG_KEY}", ["'key'", "at most 64"]),
    ("  key: safe_internet_2017", "  key: " + "k" * 600, ["'key'", "at most 64"]),
    ("  final_report:\n", f"  {LONG_KEY}:\n", ["milestone key", "at most 64"]),
    ('    kk: "Ақтөбе облысы"', '    kk: "Ақтөбе\\x1b[2J облысы"', ["control character"]),
    ('    kk: "Ақтөбе облысы"', '    kk: "Ақтөбе\\x9b облысы"', ["control character"]),
    ('    kk: "Ақтөбе облысы"', '    kk: "' + "Ақтөбе " * 400 + '"', ["at most 2,000"]),
])
def test_plan_fields_the_store_or_the_calendar_cannot_hold_are_refused_with_their_line(
        db_url: str, tmp_path: Path, old: str, new: str, words: list[str]) -> None:
    assert old in PLAN
    text = PLAN.replace(old, new, 1)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    line = _line_of(text, new.strip().splitlines()[-1].strip()[:20])
    t = Tracker(db_url)
    for args in (["plan", "check", str(path)], ["init", "--plan", str(path)]):
        result = t(*args, lang="en")
        assert_refused(result, "plan.yaml:", *words)
        assert abs(int(result.stderr.split("plan.yaml:")[1].split(":")[0]) - line) <= 2
    # init refused before writing anything: no schema without a campaign
    assert dump_database(db_url) == {}
    t.ok("init")
    before = dump_database(db_url)
    assert_refused(t("plan", "load", str(path), lang="en"), *words)
    assert dump_database(db_url) == before


CONTACTS = (REPO / "contacts.example.yaml").read_text(encoding="utf-8")
ASTANA_NAME = 'name: "Астана қаласының білім басқармасы"'


@pytest.mark.parametrize(("old", "new", "words"), [
    *[(ASTANA_NAME, f'name: "Астана{escape}"', ["'name' contains a control character"])
      for escape in ("\\e", "\\a", "\\x01", "\\x7f", "\\x9b")],
    (ASTANA_NAME, 'name: "' + "А" * 201 + '"', ["'name'", "at most 200"]),
    ("email: edu@astana.example", "email: " + "a" * 64 + "@" + "b" * 250 + ".example",
     ["is not an email address"]),
    ("email: edu@astana.example", "email: " + "a" * 400 + "@astana.example",
     ["is not an email address", "at most 320"]),
    ("email: edu@astana.example", "email: " + "a" * 65 + "@astana.example",
     ["is not an email address", "local part"]),
    ("email: edu@astana.example", f"email: edu@{'d' * 64}.example",
     ["is not an email address"]),
    ("unit: astana", f"unit: {LONG_KEY}", ["'unit'", "at most 64"]),
])
def test_contacts_the_sender_could_not_use_are_refused_at_the_door(
        tracker: Tracker, tmp_path: Path, old: str, new: str, words: list[str]) -> None:
    assert old in CONTACTS
    path = tmp_path / "contacts.yaml"
    path.write_text(CONTACTS.replace(old, new, 1), encoding="utf-8")
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    before = dump_database(tracker.url)
    for command in ("check", "load"):
        assert_refused(tracker("contacts", command, str(path), lang="en"), "contacts.yaml:",
                       *words)
    assert dump_database(tracker.url) == before


CONTROL_TEXTS = ["a\x1bb", "a\x07b", "a\x01b", "a\x7fb", "a\x9bb", "a\x0bb", "a\x00b", "a\rb"]


@pytest.mark.parametrize("text", [*CONTROL_TEXTS, "x" * 10_001])
def test_report_text_that_xlsx_or_docx_cannot_hold_is_refused_by_set_and_import(
        tracker: Tracker, tmp_path: Path, text: str) -> None:
    import csv
    import io

    from tracker.plan.resultsform import bundled_results_form

    form = bundled_results_form()
    before = dump_database(tracker.url)
    if "\x00" not in text:  # a terminal cannot pass NUL
        assert_refused(tracker("report", "set", "astana", "--other", text), "--other")
        assert dump_database(tracker.url) == before
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([
        [form.region_header, *(c.header for c in form.columns)],
        ["astana", *("1" if c.kind == "count" else "" for c in form.columns[:-1]), text]])
    path = tmp_path / "report.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert form.columns[-1].kind == "text"
    assert_refused(tracker("report", "import", str(path)), "report.csv", "2")
    assert dump_database(tracker.url) == before


def test_report_text_with_tabs_and_line_breaks_is_kept_and_exported(
        tracker: Tracker, tmp_path: Path) -> None:
    tracker.ok("report", "set", "astana", "--other", "Круглый стол\tс родителями\n18.04")
    tracker.ok("report", "export", str(tmp_path / "report.xlsx"))
    tracker.ok("final-report", str(tmp_path / "final.docx"))


@pytest.mark.parametrize(("args", "words"), [
    (["mark", "1", "-r", "aktobe", "--by", "b" * 201], ["--by", "at most 200"]),
    (["mark", "1", "-r", "aktobe", "--by", "b" * 300], ["--by", "at most 200"]),
    (["mark", "1", "-r", "aktobe", "--by", "Ivan\x1b[2J"], ["--by", "control character"]),
    (["mark", "1", "-r", "aktobe", "--by", "Ivan\nEve"], ["--by", "line break"]),
    (["mark", "1", "-r", "aktobe", "--note", "n" * 2001], ["--note", "at most 2,000"]),
    (["mark", "1", "-r", "aktobe", "--note", "Хат\x1b[2J"], ["--note", "control character"]),
    (["unmark", "1", "-r", "aktobe", "--note", "n" * 2001], ["--note"]),
    (["mark", "1", "-r", "aktobe", "--on", "0001-01-01"], ["--on", "1970-2100"]),
    (["mark", "1", "-r", "aktobe", "--on", "9999-12-31T23:59-12:00"], ["--on", "1970-2100"]),
    (["outbox", "resolve", "1", "--as", "sent", "--note", "n" * 2001], ["--note"]),
    (["report", "media", "add", "aktobe", "--outlet", "o" * 201, "--date", "2017-04-12"],
     ["--outlet", "at most 200"]),
    (["report", "media", "add", "aktobe", "--outlet", "Хабар\x07", "--date", "2017-04-12"],
     ["--outlet", "control character"]),
    (["report", "media", "add", "aktobe", "--outlet", "Хабар", "--date", "2017-04-12",
      "--url", "https://example.kz/" + "u" * 2000], ["--url", "at most 2,000"]),
])
def test_command_line_text_beyond_its_column_is_refused(tracker: Tracker, args: list[str],
                                                        words: list[str]) -> None:
    before = dump_database(tracker.url)
    assert_refused(tracker(*args, lang="en"), *words)
    assert dump_database(tracker.url) == before


def test_a_login_name_beyond_the_actor_column_is_refused(tracker: Tracker) -> None:
    before = dump_database(tracker.url)
    result = tracker("mark", "1", "-r", "aktobe", env={"TRACKER_USER": "u" * 201})
    assert_refused(result, "TRACKER_USER", "at most 200")
    assert dump_database(tracker.url) == before
    tracker.ok("mark", "1", "-r", "aktobe", "--by", "b" * 200, "--note", "n" * 2000)
