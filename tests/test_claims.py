"""Claims: which rows a sender takes, and whose claim is dead (the rule that lets a restarted
sender pick up what a dead one left)."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from tracker.mail.outbox import (
    _CLAIM,
    NewRow,
    body_digest,
    claim,
    record,
)
from tracker.mail.senders import RetryPolicy, claim_is_dead, worker_identity
from tracker.store.database import Database
from tracker.store.schema import upgrade

NOW = datetime(2017, 4, 18, 4, 0, tzinfo=UTC)
POLICY = RetryPolicy(lease=600)
HOST = socket.gethostname()


def test_own_claims_are_alive_and_a_predecessor_with_the_same_pid_is_dead() -> None:
    assert not claim_is_dead(worker_identity(), NOW, HOST, NOW, POLICY)
    # a container restarts as pid 1 again: same host, same pid, another process token
    predecessor = f"{HOST}:{os.getpid()}:deadbeef"
    assert claim_is_dead(predecessor, NOW, HOST, NOW, POLICY)


def test_local_claims_follow_the_process_and_remote_ones_the_lease() -> None:
    assert not claim_is_dead(f"{HOST}:{os.getppid()}:abcd1234", NOW, HOST, NOW, POLICY)
    assert claim_is_dead(f"{HOST}:999999999:abcd1234", NOW, HOST, NOW, POLICY)
    remote = "elsewhere:42:abcd1234"
    assert not claim_is_dead(remote, NOW - timedelta(seconds=599), HOST, NOW, POLICY)
    assert claim_is_dead(remote, NOW - timedelta(seconds=601), HOST, NOW, POLICY)


def _row(number: int, send_at: datetime, body: bytes) -> NewRow:
    return NewRow(
        key=f"claim-test|{number}", campaign="claim-test", kind="reminder", deadline="report",
        stage="d-3", recipient=f"r{number}@example.kz", recipient_name="R", lang="kk",
        unit="aktobe", bodies=("akimat",), items=(1,), send_at=send_at, late=False,
        message_id=f"<{number}@example.kz>", subject="s",
        head=f"To: r{number}@example.kz\r\n\r\n".encode(), body=body)


def test_claims_take_the_oldest_due_rows_once_each_and_skip_known_bodies(db_url: str) -> None:
    """Recording and claiming run on the driver's cursor (tracker.store.statements); the claim is
    one statement, whose rows come back in no particular order."""
    db = Database(db_url, create=True)
    try:
        upgrade(db)
        bodies = (b"first body\r\n", b"second body\r\n")
        # ids in one order, due times in another; row 6 is due only in an hour
        rows = [_row(n, NOW - timedelta(minutes=(7 * n) % 5), bodies[n % 2]) for n in range(6)]
        later = _row(6, NOW + timedelta(hours=1), bodies[0])
        with db.writing() as conn:
            assert record(conn, rows, NOW) == 6
            assert record(conn, [later], NOW + timedelta(hours=2)) == 1
            assert record(conn, rows[:2], NOW) == 0  # already there: left alone
        with db.writing() as conn:
            first = claim(conn, "me", NOW, 4, not db.is_sqlite)
        with db.writing() as conn:
            second = claim(conn, "me", NOW, 4, not db.is_sqlite,
                           known={body_digest(bodies[0])})
        with db.writing() as conn:
            assert claim(conn, "me", NOW, 4, not db.is_sqlite) == []
        with db.reading() as conn:
            plan = (" ".join(str(row[-1]) for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + _CLAIM[False]._compile(conn).sql, (0,) * 7))
                if db.is_sqlite else "")
    finally:
        db.dispose()
    assert len(first) == 4  # never more than asked for (PostgreSQL could, see _CLAIM)
    due = sorted(rows[:6], key=lambda r: (r.send_at, int(r.key.split("|")[1])))
    assert [c.message_id for c in first + second] == [r.message_id for r in due]
    assert all(c.head == f"To: {c.recipient}\r\n\r\n".encode() for c in first + second)
    assert {c.body for c in first} == set(bodies)
    assert {c.body_digest for c in second} == {body_digest(b) for b in bodies}
    for c in second:  # the caller has the first body already
        assert c.body == (b"" if c.body_digest == body_digest(bodies[0]) else bodies[1])
    if db.is_sqlite:  # a second `state = 'pending'` made SQLite walk every pending row
        assert "USING INTEGER PRIMARY KEY" in plan, plan
