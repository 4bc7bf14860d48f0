"""`--db`, `--now` and `--lang` after the command mean what they mean before it.

The command line is rewritten before click reads it (tracker/cli/globalopts.py); these tests
drive the real group, so they show what a person typing the options in either place gets.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from tests.conftest import REPO, Tracker
from tracker.cli.main import cli

LATER = "2017-04-20T12:00:00+06:00"


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_now_and_lang_after_the_command_equal_them_before(sqlite_tracker: Tracker) -> None:
    db = sqlite_tracker.url
    sqlite_tracker.ok("mark", "5", "--region", "aktobe", now="2017-04-19T10:00:00+06:00")
    before = _run("--db", db, "--now", LATER, "--lang", "ru", "status", "--json")
    after = _run("status", "--json", "--db", db, "--now", LATER, "--lang=ru")
    assert before.exit_code == after.exit_code == 0, (before.output, after.output)
    assert after.stdout == before.stdout
    assert '"as_of":"2017-04-20T06:00:00Z"' in after.stdout.replace(" ", "")
    russian = _run("--db", db, "status", "--lang", "ru", "--now", LATER)
    assert russian.exit_code == 0, russian.output
    assert russian.stdout.startswith("Республиканская информационная кампания")


def test_the_option_after_the_command_wins(sqlite_tracker: Tracker) -> None:
    # the fixture puts its own --db and --now before the command
    shown = sqlite_tracker.ok("status", "--lang", "ru", "--now", LATER, lang="kk")
    assert shown.stdout.startswith("Республиканская информационная кампания")
    assert "2017-04-20 12:00 (+06)" in shown.stdout.splitlines()[0]


def test_reminders_preview_at_the_moment_given_after_the_command(
        sqlite_tracker: Tracker) -> None:
    sqlite_tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    db = sqlite_tracker.url
    before = _run("--db", db, "--now", "2017-04-18T09:30+06:00", "remind", "preview")
    after = _run("--db", db, "remind", "preview", "--now", "2017-04-18T09:30+06:00")
    assert after.exit_code == 0, after.output
    assert after.stdout == before.stdout
    assert after.stdout.startswith("қазір жіберілетін ескертулер: 48,")


def test_a_value_that_looks_like_a_global_option_stays_a_value(sqlite_tracker: Tracker) -> None:
    sqlite_tracker.ok("mark", "1", "--region", "aktobe", "--note", "--now", "--now", LATER)
    (event,) = sqlite_tracker.json("history", "--region", "aktobe", now=LATER)
    assert event["note"] == "--now"
    assert event["at"] == "2017-04-20T06:00:00Z"


def test_nothing_after_a_double_dash_is_moved(tmp_path: Path) -> None:
    result = _run("plan", "check", "--", "--now")
    assert result.exit_code == 2
    assert result.stderr == "қате: --now: файл табылмады\n"


def test_a_commands_own_option_of_the_same_name_stays_its_own(sqlite_tracker: Tracker,
                                                               tmp_path: Path) -> None:
    target = tmp_path / "draft.md"
    result = sqlite_tracker.ok("final-report", str(target), "--lang", "kk", lang="ru")
    assert "на казахском языке" in result.stdout


def test_a_global_option_without_its_value_is_one_line(sqlite_tracker: Tracker) -> None:
    result = sqlite_tracker("status", "--now")
    assert result.exit_code == 2
    assert result.stderr.endswith(": option '--now' requires an argument\n")
    assert result.stderr.count("\n") == 1


def test_db_after_the_command(sqlite_tracker: Tracker, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    created = _run("init", "--db", str(other))
    assert created.exit_code == 0, created.output
    assert str(other) in created.stdout
    missing = _run("status", "--db", str(tmp_path / "missing.db"))
    assert missing.exit_code == 1
    assert "missing.db жолында дерекқор жоқ: алдымен `tracker init` іске қосыңыз" in missing.stderr
