"""Small key/value settings kept in the database (the reply-to address and the coordinator
from contacts, the content version the web pages' cache goes by)."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from tracker.store.tables import SETTING


def get_setting(conn: Connection, key: str) -> str | None:
    value = conn.execute(select(SETTING.c.value).where(SETTING.c.key == key)).scalar()
    return None if value is None else str(value)


def set_setting(conn: Connection, key: str, value: str) -> None:
    conn.execute(delete(SETTING).where(SETTING.c.key == key))
    conn.execute(insert(SETTING).values(key=key, value=value))


CONTENT_VERSION = "content_version"
"""Changed by a plan or contacts load and by every results report write: with the latest
event's id (every mark and unmark adds one), it tells a server process whether a page it keeps
is still what it would render (tracker.web.pagecache; nothing kept shows the outbox)."""


def bump_content_version(conn: Connection) -> None:
    import uuid

    set_setting(conn, CONTENT_VERSION, uuid.uuid4().hex)
