"""Small key/value settings kept in the database (the reply-to address and the coordinator
from contacts)."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from tracker.store.tables import SETTING


def get_setting(conn: Connection, key: str) -> str | None:
    value = conn.execute(select(SETTING.c.value).where(SETTING.c.key == key)).scalar()
    return None if value is None else str(value)


def set_setting(conn: Connection, key: str, value: str) -> None:
    conn.execute(delete(SETTING).where(SETTING.c.key == key))
    conn.execute(insert(SETTING).values(key=key, value=value))
