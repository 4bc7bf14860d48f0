"""The schema is made only by migrations, and they go both ways on both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect

from tracker.resources import migrations_dir
from tracker.store.database import Database
from tracker.store.schema import HEAD_REVISION, current_revision, downgrade, upgrade


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


def test_sqlite_reads_the_assignment_groups_off_their_index(tmp_path: Path) -> None:
    """Status, digest and ticks group the assignments; at school scale a table scan plus a
    sort of 195,000 rows was a third of a second, so the read must come off the index."""
    from tracker.progress.status import assignment_groups

    db = Database(f"sqlite:///{tmp_path / 'plan.db'}", create=True)
    try:
        upgrade(db)
        with db.engine.connect() as conn:
            statements: list[tuple[str, Any]] = []
            event.listen(conn, "before_cursor_execute",
                         lambda *args: statements.append((args[2], args[3])))
            assignment_groups(conn)
            select, parameters = next(s for s in statements if s[0].startswith("SELECT"))
            plan = " ".join(row[3] for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + select, parameters))
    finally:
        db.dispose()
    assert "COVERING INDEX ix_assignment_groups" in plan
    assert "TEMP B-TREE" not in plan
