"""Shared fixtures: a database on each backend, and the CLI driven through click's CliRunner.

Every store test runs on SQLite and, when TRACKER_TEST_POSTGRES_URL is set, on PostgreSQL too,
each test in a database of its own.  Under CI=true PostgreSQL is required: an unset URL or an
unreachable server fails the run instead of skipping half the suite.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.conftest_imap import imap_ca, imap_server, imap_server_factory  # noqa: F401
from tests.conftest_smtp import smtp_ca, smtp_server, smtp_server_factory  # noqa: F401
from tracker.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
CAMPAIGN_NOW = "2017-04-14T10:00:00+06:00"

def _ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The URL of a PostgreSQL server where tests may create databases."""
    url = os.environ.get("TRACKER_TEST_POSTGRES_URL", "")
    if not url:
        if _ci():
            pytest.fail("CI=true but TRACKER_TEST_POSTGRES_URL is not set")
        pytest.skip("TRACKER_TEST_POSTGRES_URL not set")
    try:
        import psycopg

        with psycopg.connect(_plain(url), connect_timeout=5):
            pass
    except Exception as exc:  # any failure to reach the server
        if _ci():
            pytest.fail(f"CI=true but PostgreSQL at {url} is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    return url


def _plain(url: str) -> str:
    """libpq form of a SQLAlchemy URL (psycopg does not know '+psycopg')."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def _with_database(url: str, name: str) -> str:
    base = url.rsplit("/", 1)[0]
    return f"{base}/{name}"


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_plain(postgres_admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(postgres_admin_url, name)
    finally:
        with psycopg.connect(_plain(postgres_admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


class Tracker:
    """Runs `tracker` commands in-process against one database at a settable clock."""

    def __init__(self, url: str, now: str = CAMPAIGN_NOW) -> None:
        self.url = url
        self.now = now
        self.runner = CliRunner()

    def __call__(self, *args: str, now: str | None = None, lang: str | None = None,
                 env: dict[str, str] | None = None) -> Result:
        prefix = ["--db", self.url, "--now", now or self.now]
        if lang:
            prefix += ["--lang", lang]
        return self.runner.invoke(cli, [*prefix, *args], env=env, catch_exceptions=True)

    def ok(self, *args: str, **kwargs: Any) -> Result:
        result = self(*args, **kwargs)
        assert result.exit_code == 0, (result.output, result.exception)
        return result

    def json(self, *args: str, **kwargs: Any) -> Any:
        return json.loads(self.ok(*args, "--json", **kwargs).stdout)


@pytest.fixture(autouse=True)
def _secret_key_file(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's link-signing key in a folder of its own, never the real home's."""
    folder = tmp_path_factory.mktemp("key")
    monkeypatch.setenv("TRACKER_SECRET_KEY_FILE", str(folder / "secret.key"))


@pytest.fixture
def tracker(db_url: str) -> Tracker:
    """A database on each backend with the bundled plan loaded."""
    t = Tracker(db_url)
    t.ok("init")
    return t


@pytest.fixture
def served(tracker: Tracker, tmp_path: Path) -> Iterator[Any]:
    """The bundled plan and the example contacts on each backend, served by a real
    `tracker serve` (tests.webserver)."""
    from tests.webserver import CONTACTS, start_server, stop_server

    tracker.ok("contacts", "load", str(CONTACTS))
    running = start_server(tracker, tmp_path)
    try:
        yield running
    finally:
        stop_server(running.process)


def tracker_with_plan(db_url: str, path: Path, text: str) -> Tracker:
    """A database with the plan `text` (written to `path`) loaded, for plans made by a test."""
    path.write_text(text, encoding="utf-8")
    t = Tracker(db_url)
    t.ok("init", "--plan", str(path))
    return t


@pytest.fixture
def sqlite_tracker(tmp_path: Path) -> Tracker:
    t = Tracker(f"sqlite:///{tmp_path / 'tracker.db'}")
    t.ok("init")
    return t


def dump_database(url: str) -> Any:
    """Every row of every table, to compare a database before and after a command."""
    from sqlalchemy import MetaData, create_engine, select

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            return {name: sorted(map(repr, conn.execute(select(table)).all()))
                    for name, table in sorted(metadata.tables.items())}
    finally:
        engine.dispose()
