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


def test_0006_carries_the_report_figures_over_and_back(db_url: str) -> None:
    """The figures of the 2017 form move from a table column each to a row per column key,
    and back again on downgrade; counts, texts and receiving times all survive both ways."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    db = Database(db_url, create=True)
    received = datetime(2017, 4, 25, 6, 0, tzinfo=UTC)
    counts = ("school_assemblies", "class_hours", "contests", "meetings", "debates",
              "parent_meetings", "children_reached")
    try:
        upgrade(db, "0005")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO unit (key, kind, name_kk, name_ru, name_en, timezone, position) "
                "VALUES (:key, 'region', :name, :name, :name, 'Asia/Almaty', :position)"),
                [{"key": "aktobe", "name": "Ақтөбе", "position": 1},
                 {"key": "astana", "name": "Астана", "position": 2}])
            conn.execute(text(
                "INSERT INTO region_report (unit_key, " + ", ".join(counts) + ", other, "
                "received_at, updated_at) VALUES ('aktobe', 310, 1250, 40, 87, 12, 96, 54000, "
                "'Круглый стол, 18.04', :at, :at), ('astana', 0, 0, 0, 0, 0, 0, 1000, '', "
                "NULL, :at)"), {"at": received})
        with db.engine.connect() as conn:
            before = sorted(map(repr, conn.execute(text(
                "SELECT unit_key, " + ", ".join(counts) + ", other, received_at, updated_at "
                "FROM region_report")).all()))

        upgrade(db, "0006")
        with db.engine.connect() as conn:
            values = {(row.unit_key, row.column_key): (row.number, row.text)
                      for row in conn.execute(text("SELECT * FROM region_report_value"))}
            kept = conn.execute(text(
                "SELECT unit_key, received_at IS NOT NULL FROM region_report ORDER BY unit_key")
            ).all()
            columns = {c["name"] for c in inspect(conn).get_columns("region_report")}
        assert values[("aktobe", "meetings")] == (87, None)
        assert values[("aktobe", "children_reached")] == (54000, None)
        assert values[("aktobe", "other")] == (None, "Круглый стол, 18.04")
        assert values[("astana", "children_reached")] == (1000, None)
        assert values[("astana", "other")] == (None, "")
        assert len(values) == 2 * 8
        assert [tuple(row) for row in kept] == [("aktobe", True), ("astana", False)]
        assert columns == {"unit_key", "received_at", "updated_at"}

        # what the tracker writes at 0006, to carry back: a changed figure and a new column
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE region_report_value SET number = 90 "
                              "WHERE unit_key = 'aktobe' AND column_key = 'meetings'"))
            conn.execute(text("INSERT INTO region_report_value (unit_key, column_key, number) "
                              "VALUES ('astana', 'online_lessons', 5)"))
            conn.execute(text("DELETE FROM region_report_value "
                              "WHERE unit_key = 'astana' AND column_key = 'debates'"))
        downgrade(db, "0005")
        with db.engine.connect() as conn:
            after = sorted(map(repr, conn.execute(text(
                "SELECT unit_key, " + ", ".join(counts) + ", other, received_at, updated_at "
                "FROM region_report")).all()))
            assert not inspect(conn).has_table("region_report_value")
        assert after == [entry.replace("87", "90") if "aktobe" in entry else entry
                         for entry in before]
        upgrade(db)
        assert current_revision(db) == HEAD_REVISION
    finally:
        db.dispose()
