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
"""Changed by every write that changes what the pages show other than marks (which add events):
a plan or contacts load, a results report's change.  Pages cached by a server process are good
while it and the latest event are the same (tracker.web.pagecache)."""


def bump_content_version(conn: Connection) -> None:
    import uuid

    set_setting(conn, CONTENT_VERSION, uuid.uuid4().hex)
