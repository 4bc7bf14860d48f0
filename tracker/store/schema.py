"""Creating and upgrading the schema through Alembic, and checking it is current.

Every command checks the revision against `HEAD_REVISION` (a plain string compare, so light
commands never import Alembic); a test keeps the constant in step with the migration scripts.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from tracker.errors import Phrase, RuntimeFailure
from tracker.resources import migrations_dir
from tracker.store.database import Database, describe, known_failure, not_a_database

HEAD_REVISION = "0009"


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to `revision` (default: the newest)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(db: Database, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(db: Database) -> str | None:
    try:
        with db.engine.connect() as connection:
            inspector = inspect(connection)
            if not inspector.has_table("alembic_version"):
                _refuse_foreign(db, inspector.get_table_names())
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        known = known_failure(exc, db.url)
        if known is not None:
            raise known from None
        if not isinstance(exc, (OperationalError, ProgrammingError)):
            raise
        raise RuntimeFailure.said("db.cannot_open", where=describe(db.url),
                                  detail=str(exc.orig).strip().splitlines()[0]) from None


def _refuse_foreign(db: Database, tables: list[str]) -> None:
    """A database with tables but no tracker schema belongs to something else: `init` must
    not add a schema into it, and the advice to run `init` would be wrong."""
    if not tables:
        return
    shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    why = Phrase("db.other_tables", tables=shown)
    if db.is_sqlite:
        raise not_a_database(make_url(db.url).database or db.url, why)
    raise RuntimeFailure.said("db.foreign", where=describe(db.url), why=why)


def ensure_current(db: Database) -> None:
    """Refuse to work on a database that `tracker init` has not set up or upgraded."""
    revision = current_revision(db)
    if revision is None:
        raise RuntimeFailure.said("db.not_set_up", where=describe(db.url))
    if revision != HEAD_REVISION:
        raise RuntimeFailure.said("db.old_schema", revision=revision, head=HEAD_REVISION)
