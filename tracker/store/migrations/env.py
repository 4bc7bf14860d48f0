"""Alembic environment: runs tracker's migrations on SQLite or PostgreSQL.

`tracker init` passes an open connection in `config.attributes["connection"]`; the `alembic`
command line gets its URL from TRACKER_DATABASE_URL or the default SQLite file.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import tracker.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from tracker.store.database import make_engine, resolve_url

config = context.config
if config.config_file_name is not None and not config.attributes.get("connection"):
    fileConfig(config.config_file_name)

target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(resolve_url(None))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `tracker init`")
run_migrations_online()
