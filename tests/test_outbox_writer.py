"""The outbox writer (one writer thread, grouped commits) and bodies stored once.

Real databases on both backends and a real SMTP server: what matters is what is committed when,
and that the bytes on the wire are exactly the stored header section plus the shared body.
"""

from __future__ import annotations

import asyncio
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from tests.conftest import Tracker
from tests.helpers_campaign import many_contacts, smtp_env
from tests.smtp_server import Mode, SmtpTestServer
from tracker.mail.writer import OutboxWriter
from tracker.store.database import Database
from tracker.store.models import OUTBOX, OUTBOX_BODY, SETTING

MORNING = "2017-04-18T10:30:00+06:00"  # both zones' 09:00 has passed


def _put(conn: Any, key: str, value: str) -> str:
    conn.execute(SETTING.insert().values(key=key, value=value))
    return key


def _put_many(conn: Any, requests: list[tuple[str, str]]) -> list[str]:
    """`_put` for every request of a transaction, as grouped outbox writes are."""
    return [_put(conn, key, value) for key, value in requests]


def _values(url: str) -> dict[str, str]:
    db = Database(url)
    try:
        with db.reading() as session:
            rows = session.execute(select(SETTING.c.key, SETTING.c.value)).all()
            return {key: value for key, value in rows}
    finally:
        db.dispose()


def test_calls_return_when_committed_and_posts_are_committed_by_close(tracker: Tracker) -> None:
    db = Database(tracker.url)

    async def run() -> tuple[list[str], dict[str, str]]:
        ledger = OutboxWriter(db)
        ledger.post_grouped(_put_many, "ledger-posted", "1")
        keys = await asyncio.gather(*(ledger.call(_put, f"ledger-{n}", str(n))
                                      for n in range(20)))
        # A call returns only once committed: another connection sees it (and the post queued
        # before it, which rode in the same or an earlier transaction).
        seen = _values(tracker.url)
        ledger.post_grouped(_put_many, "ledger-last", "2")
        await ledger.close()
        return keys, seen

    try:
        keys, seen = asyncio.run(run())
    finally:
        db.dispose()
    assert keys == [f"ledger-{n}" for n in range(20)]
    assert {f"ledger-{n}" for n in range(20)} | {"ledger-posted"} <= set(seen)
    assert "ledger-last" not in seen
    assert _values(tracker.url)["ledger-last"] == "2"


def test_a_failed_write_fails_its_caller_and_a_failed_post_is_raised_at_close(
        tracker: Tracker) -> None:
    db = Database(tracker.url)

    async def run() -> None:
        ledger = OutboxWriter(db)
        await ledger.call(_put, "ledger-once", "1")
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            await ledger.call(_put, "ledger-once", "again")
        assert await ledger.call(_put, "ledger-after", "3") == "ledger-after"  # still works
        ledger.post_grouped(_put_many, "ledger-once", "posted twice")
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            await ledger.close()

    try:
        asyncio.run(run())
    finally:
        db.dispose()
    assert _values(tracker.url)["ledger-once"] == "1"
    assert _values(tracker.url)["ledger-after"] == "3"


def test_a_body_is_stored_once_and_the_wire_gets_head_plus_body(tracker: Tracker,
                                                                tmp_path: Path) -> None:
    tracker.ok("contacts", "load", str(many_contacts(3, tmp_path / "contacts.yaml")))
    with SmtpTestServer() as server:
        result = tracker("remind", "send", "--json", now=MORNING, env=smtp_env(server))
        assert result.exit_code == 0, result.output
        received = {m.message_id: m for m in server.messages}
    db = Database(tracker.url)
    try:
        with db.reading() as session:
            rows = session.execute(select(OUTBOX.c.message_id, OUTBOX.c.message,
                                          OUTBOX.c.body_digest, OUTBOX.c.recipient)
                                   .where(OUTBOX.c.kind == "reminder")).all()
            bodies = {digest: data for digest, data in session.execute(
                select(OUTBOX_BODY.c.digest, OUTBOX_BODY.c.data))}
    finally:
        db.dispose()
    # Three addresses per region and body get one text: 3 rows per stored body.
    assert len(rows) == 3 * len(bodies) and len(rows) == len(received)
    for message_id, head, digest, recipient in rows:
        wire = bytes(head) + bytes(bodies[digest])
        parsed = message_from_bytes(wire, policy=default_policy)
        assert parsed["Message-ID"] == message_id and recipient in parsed["To"]
        sent = received[message_id].data.replace(b"\r\n", b"\n")
        assert sent.rstrip(b"\n") == wire.replace(b"\r\n", b"\n").rstrip(b"\n")


def test_rows_recorded_before_bodies_were_shared_are_sent_whole(tracker: Tracker,
                                                                tmp_path: Path) -> None:
    """A database upgraded from 0003 holds rows with the whole message and no body key."""
    with SmtpTestServer() as server:
        server.set_mode(Mode.REFUSE)
        tracker.ok("contacts", "load", str(many_contacts(1, tmp_path / "contacts.yaml")))
        # recorded only: the server is down (exit 1)
        assert tracker("remind", "send", now=MORNING, env=smtp_env(server)).exit_code == 1
        db = Database(tracker.url)
        try:
            with db.writing() as session:  # as 0003 would have stored them
                for row_id, head, digest in session.execute(
                        select(OUTBOX.c.id, OUTBOX.c.message, OUTBOX.c.body_digest)).all():
                    body = session.execute(select(OUTBOX_BODY.c.data).where(
                        OUTBOX_BODY.c.digest == digest)).scalar_one()
                    session.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(
                        message=bytes(head) + bytes(body), body_digest=None, attempts=0,
                        next_attempt_at=OUTBOX.c.send_at))
            with db.reading() as session:
                whole = {message_id: message for message_id, message in session.execute(
                    select(OUTBOX.c.message_id, OUTBOX.c.message))}
                assert session.execute(select(func.count()).select_from(OUTBOX).where(
                    OUTBOX.c.body_digest.is_not(None))).scalar_one() == 0
        finally:
            db.dispose()
        server.set_mode(Mode.ACCEPT)
        assert tracker("remind", "send", now=MORNING, env=smtp_env(server)).exit_code == 0
        received = {m.message_id: m.data for m in server.messages}
    assert set(received) == set(whole)
    for message_id, data in received.items():
        assert data.replace(b"\r\n", b"\n").rstrip(b"\n") == \
            bytes(whole[message_id]).replace(b"\r\n", b"\n").rstrip(b"\n")
