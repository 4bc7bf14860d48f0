"""Opening the database: SQLite by default, PostgreSQL when several people or daemons share it.

SQLite is set up for a CLI and a daemon writing to one file: WAL (readers never wait for the
writer), a generous busy timeout, foreign keys on, and write transactions that start with
`BEGIN IMMEDIATE`, so two writers queue for the lock instead of failing with "database is locked"
halfway through.  A new database file is created readable by its owner only.
"""

from __future__ import annotations

import errno
import json
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.types import TypeDecorator

from tracker.errors import Phrase, RuntimeFailure, UserError

if TYPE_CHECKING:
    from tracker.plan.model import Plan

BUSY_TIMEOUT_MS = 60_000


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC and read back as aware UTC on every backend.

    SQLite keeps no offset, so the value is normalised to UTC before it goes in and marked UTC
    when it comes out; PostgreSQL stores `timestamptz`.  It lives here, not in tracker.store.models,
    so that code writing plain SQLAlchemy Core (a `mark`) need not import SQLModel and pydantic.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


def default_database_path(environ: Mapping[str, str] = os.environ) -> Path:
    """`$TRACKER_HOME/tracker.db`, else `$XDG_DATA_HOME/tracker/tracker.db` (~/.local/share)."""
    if environ.get("TRACKER_HOME"):
        return Path(environ["TRACKER_HOME"]).expanduser() / "tracker.db"
    data_home = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / "tracker" / "tracker.db"


def resolve_url(option: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """The database URL from `--db`, else TRACKER_DATABASE_URL, else the default SQLite file.

    A bare file path is accepted as a SQLite database; `postgresql://` means psycopg 3.
    """
    raw = option or environ.get("TRACKER_DATABASE_URL") or ""
    if not raw:
        return f"sqlite:///{default_database_path(environ)}"
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    if raw.startswith(("postgresql://", "postgres://")):
        raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
    try:
        url = make_url(raw)
    except ArgumentError:
        raise UserError.said("db.bad_url", url=_redact(raw)) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise UserError.said("db.unsupported", backend=url.get_backend_name())
    return raw


def _redact(url: str) -> str:
    """A URL fit for messages: any password replaced."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


def describe(url: str) -> str:
    return _redact(url)


def make_engine(url: str, create: bool = True) -> Engine:
    """An engine for the URL with the settings this tool relies on.

    With `create=False` a missing SQLite file is an error instead of a new empty database, so a
    mistyped path does not leave files behind.
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url, create)
    try:
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    except ModuleNotFoundError:
        raise RuntimeFailure.said("db.no_driver") from None


def _private_folders(folder: Path) -> None:
    """Create `folder` and any missing parent owner-only (0700), whatever the umask: the
    database in it holds names and addresses.  Folders that exist are left as they are."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for parent in reversed(missing):
        try:
            parent.mkdir(mode=0o700)
        except FileExistsError:
            continue
        parent.chmod(0o700)  # mkdir's mode is filtered by the umask; 0700 only ever narrows


def _sqlite_engine(url: str, create: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        path = Path(database)
        _check_sqlite_file(path)
        if not create and not path.exists():
            raise RuntimeFailure.said("db.no_file", path=path)
        try:
            _private_folders(path.parent)
            if not path.exists():
                # Owner-only from the first byte: the file holds names and addresses.
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as exc:
            raise RuntimeFailure.said("db.cannot_create_file", path=path,
                                      reason=exc.strerror) from None
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event, not the driver, decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("immediate", False)
        # On the driver's connection: through SQLAlchemy's execution machinery this one word
        # cost more than the rest of a typical outbox transaction.
        connection.connection.dbapi_connection.execute(
            "BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


SQLITE_HEADER = b"SQLite format 3\x00"
"""The first bytes of every SQLite database file (an empty file is a new database too)."""


def _check_sqlite_file(path: Path) -> None:
    """Refuse a path that cannot be a tracker database, in one line: a name longer than the
    system allows, a folder, or a file of something else (`--db /etc/passwd`), which SQLite
    would only refuse at the first statement, after a schema check had begun."""
    try:
        if not path.exists():
            return
        if path.is_dir():
            raise UserError.said("db.folder", path=path)
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise UserError.said("db.name_too_long", n=f"{len(str(path)):,}") from None
        return  # unreadable: SQLite says why, as for any other file it cannot open
    if header and header != SQLITE_HEADER:
        raise not_a_database(path, Phrase("db.not_sqlite"))


def not_a_database(path: Path | str, why: str | Phrase) -> RuntimeFailure:
    """The failure for a file that is something else (a YAML file, a picture, a damaged
    database): checked before any statement, or found by the driver later (whose words, in
    `why`, are the driver's)."""
    return RuntimeFailure.said("db.not_database", path=path, why=why)


_SQLITE_NOT_A_DATABASE = {11, 26}
"""SQLITE_CORRUPT ("database disk image is malformed") and SQLITE_NOTADB ("file is not a
database"), the primary result codes of a file that is not, or no longer, an SQLite database."""
_MISSING_DATABASE = re.compile(r'database "(?P<name>[^"]+)" does not exist')


def known_failure(exc: Exception, url: str) -> RuntimeFailure | None:
    """A driver's error that has advice of its own, as one line naming the database: a file
    that is not an SQLite database, a PostgreSQL database that does not exist.  None for any
    other error (the caller shows the driver's first line)."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _SQLITE_NOT_A_DATABASE:
        return not_a_database(make_url(url).database or url, first)
    missing = _MISSING_DATABASE.search(str(orig))
    if missing and not url.startswith("sqlite"):
        return MissingDatabase(missing["name"], url)
    return None


class MissingDatabase(RuntimeFailure):
    """The PostgreSQL server is there, the database the URL names is not."""

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url
        self.phrase = Phrase("db.missing", name=name, server=_server(url))
        super().__init__(str(self.phrase))


def _server(url: str) -> str:
    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


_DUPLICATE_DATABASE = "42P04"


def create_postgres_database(missing: MissingDatabase) -> None:
    """For `tracker init` only: create the missing database through the server's maintenance
    database (`postgres`), as `createdb` does, when this user may; else say what to do."""
    from sqlalchemy.exc import DBAPIError

    parsed = make_url(missing.url)
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            quoted = connection.dialect.identifier_preparer.quote(missing.name)
            connection.execute(text(f"CREATE DATABASE {quoted}"))
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == _DUPLICATE_DATABASE:
            return  # another `tracker init` was quicker: it is there now
        first = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]
        owner = f" -O {parsed.username}" if parsed.username else ""
        raise RuntimeFailure.said(
            "db.cannot_create", name=missing.name, server=_server(missing.url), detail=first,
            command=f"createdb -h {parsed.host or 'localhost'} -p {parsed.port or 5432}{owner} "
                    f"{missing.name}") from None
    finally:
        engine.dispose()


def upsert_insert(connection: Connection, table: Any) -> Any:
    """An INSERT with ON CONFLICT clauses, in the connection's dialect (SQLite or PostgreSQL).

    The PostgreSQL dialect module is imported only when it is the one in use: a command on
    SQLite is spared its import."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


class Database:
    """The handle every service takes: one engine, the two kinds of connection, and the plan
    as last loaded into it.

    Statements inside a transaction take the connection instead (`reading`/`writing`)."""

    def __init__(self, url: str, create: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, create)
        self.is_sqlite = url.startswith("sqlite")
        self._write_engine = self.engine.execution_options(immediate=True)
        self._plan: Plan | None = None

    def plan(self, conn: Connection | None = None) -> Plan:
        """The plan as last loaded (`tracker init`, `plan load`), read once per handle (on
        `conn` when the caller holds one: a second connection taken while holding one can wait
        forever once every thread of a server does it)."""
        if self._plan is None:
            from tracker.plan.codec import plan_from_dict

            if conn is not None:
                stored = conn.execute(text("SELECT plan_json FROM campaign")).scalar()
            else:
                with self.reading() as reader:
                    stored = reader.execute(text("SELECT plan_json FROM campaign")).scalar()
            if stored is None:
                raise RuntimeFailure.said("db.no_plan")
            self._plan = plan_from_dict(json.loads(stored))
        return self._plan

    def forget_plan(self) -> None:
        """Read the plan again on next use (staff may have loaded a new one)."""
        self._plan = None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reading: its transaction begins with the first statement and is
        rolled back at the end.  A Core connection, not an ORM session: nothing here maps rows
        to objects, and importing the ORM would slow every command."""
        with self.engine.connect() as connection:
            yield connection

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back on any error."""
        with self._write_engine.begin() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()
