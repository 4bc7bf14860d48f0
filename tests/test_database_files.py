"""`--db` naming something that is not a tracker database, and a PostgreSQL database that is
not there: one line naming it, exit 1, and nothing written to what is not ours.

`tracker init` creates a missing PostgreSQL database when the server lets the user, and says
how to create it when not; every other command says to run `tracker init`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import Result

from tests.conftest import REPO, Tracker, _plain, _with_database

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English wording (TRACKER_LANG, as `--lang en`); the Kazakh and
    Russian are tests/test_language_mail.py's."""
    monkeypatch.setenv("TRACKER_LANG", "en")


def _one_line_failure(result: Result, *words: str) -> str:
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _damaged_database(path: Path) -> bytes:
    """The first pages of a real tracker database: SQLite's header, then a cut."""
    whole = path.parent / "whole.db"
    Tracker(str(whole)).ok("init")
    return whole.read_bytes()[:5000]


@pytest.mark.parametrize("kind", ["yaml", "png", "header-only", "damaged"])
@pytest.mark.parametrize("command", [["status"], ["init"], ["mark", "1", "--region", "aktobe"],
                                     ["outbox"]])
def test_a_file_that_is_not_a_tracker_database_is_one_line_and_left_alone(
        tmp_path: Path, kind: str, command: list[str]) -> None:
    target = tmp_path / {"yaml": "plan.yaml", "png": "logo.png"}.get(kind, "tracker.db")
    content = {"yaml": (REPO / "plan.yaml").read_bytes(), "png": PNG,
               "header-only": b"SQLite format 3\x00" + b"\x00garbage" * 20,
               "damaged": b""}[kind] or _damaged_database(tmp_path)
    target.write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    line = _one_line_failure(Tracker(str(target))(*command),
                             f"{target} is not a tracker database (SQLite): ")
    assert len(line) < 200
    assert target.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no -wal, no -journal


def test_an_sqlite_database_of_something_else_is_not_given_a_schema(tmp_path: Path) -> None:
    import sqlite3

    target = tmp_path / "notes.db"
    with sqlite3.connect(target) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.close()
    for command in (["init"], ["status"]):
        _one_line_failure(Tracker(str(target))(*command), str(target),
                          "is not a tracker database (SQLite): it holds other tables (notes)")
    with sqlite3.connect(target) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master")]
    conn.close()
    assert tables == ["notes"]


@pytest.fixture
def missing_database(postgres_admin_url: str) -> Iterator[tuple[str, str]]:
    """The URL of a database nobody has created yet (dropped afterwards if a test made it)."""
    name = f"tracker_missing_{uuid.uuid4().hex[:12]}"
    try:
        yield name, _with_database(postgres_admin_url, name)
    finally:
        with psycopg.connect(_plain(postgres_admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _exists(admin_url: str, name: str) -> bool:
    with psycopg.connect(_plain(admin_url)) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (name,)).fetchone() is not None


def test_commands_on_a_missing_postgres_database_say_to_run_init(
        postgres_admin_url: str, missing_database: tuple[str, str]) -> None:
    name, url = missing_database
    for command in (["status"], ["mark", "1", "--region", "aktobe"], ["doctor", "--no-smtp"]):
        result = Tracker(url)(*command)
        text = result.output if command[0] == "doctor" else _one_line_failure(result)
        assert f"the PostgreSQL database {name} does not exist" in text, text
        assert "run `tracker init` to create it" in text
    assert not _exists(postgres_admin_url, name)


def test_init_creates_a_missing_postgres_database(postgres_admin_url: str,
                                                  missing_database: tuple[str, str]) -> None:
    name, url = missing_database
    result = Tracker(url).ok("init", lang="en")
    assert result.stdout.splitlines()[0] == f"created the PostgreSQL database {name}"
    assert "loaded safe_internet_2017: 26 items" in result.stdout
    assert _exists(postgres_admin_url, name)
    Tracker(url).ok("status")
    again = Tracker(url).ok("init")  # there now: nothing to create
    assert "created" not in again.stdout


def test_init_says_how_to_create_a_database_it_may_not(postgres_admin_url: str,
                                                       missing_database: tuple[str, str]
                                                       ) -> None:
    name, admin_style_url = missing_database
    role = f"tracker_nocreate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_plain(postgres_admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        base = admin_style_url.split("://", 1)[1].split("@", 1)[1]
        url = f"postgresql://{role}@{base}"
        line = _one_line_failure(Tracker(url)("init"), f"the PostgreSQL database {name} does "
                                 "not exist", "permission denied", "createdb -h ",
                                 f"-O {role} {name}`", "database administrator")
        assert len(line) < 400
        assert not _exists(postgres_admin_url, name)
    finally:
        with psycopg.connect(_plain(postgres_admin_url), autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')
