"""Creating and upgrading the schema through Alembic, and checking it is current.

Every command checks the revision against `HEAD_REVISION` (a plain string compare, so light
commands never import Alembic); a test keeps the constant in step with the migration scripts.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from tracker.errors import RuntimeFailure
from tracker.resources import migrations_dir
from tracker.store.database import Database, describe

HEAD_REVISION = "0007"


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
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError) as exc:
        raise RuntimeFailure(f"cannot open the database {describe(db.url)}: "
                             f"{str(exc.orig).strip().splitlines()[0]}") from None


def ensure_current(db: Database) -> None:
    """Refuse to work on a database that `tracker init` has not set up or upgraded."""
    revision = current_revision(db)
    if revision is None:
        raise RuntimeFailure(f"the database {describe(db.url)} is not set up: run `tracker init`")
    if revision != HEAD_REVISION:
        raise RuntimeFailure(f"the database schema is at revision {revision}, this tracker needs "
                             f"{HEAD_REVISION}: run `tracker init` to upgrade it")
