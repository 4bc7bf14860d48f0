"""The schema is made only by migrations, and they go both ways on both backends."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from tracker.db import Database
from tracker.resources import migrations_dir
from tracker.schema import HEAD_REVISION, current_revision, downgrade, upgrade


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def test_head_constant_matches_the_scripts() -> None:
    assert ScriptDirectory.from_config(_config()).get_current_head() == HEAD_REVISION


def test_upgrade_downgrade_upgrade_and_no_drift(db_url: str) -> None:
    from alembic import command

    db = Database(db_url, create=True)
    try:
        upgrade(db)
        assert current_revision(db) == HEAD_REVISION
        downgrade(db, "base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        upgrade(db)
        config = _config()
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.check(config)  # raises if the models and migrations disagree
    finally:
        db.dispose()
