"""The inbox's ledger: every message recorded once, before anything is done with it.

A message is claimed by inserting its row (INSERT ... ON CONFLICT DO NOTHING on its place:
account and folder, UIDVALIDITY, UID), committed before it is handled, so two fetchers never
both take it.  The same mail under another UID (a copy, a folder rebuilt with a new
UIDVALIDITY) meets the first copy's `message_key` and is recorded as a `duplicate`, done.

Handling and finishing are one transaction: the row is locked by a guarded update (still
`claimed`, still ours), the handling's effects are written, and the row leaves `claimed` for
the outcome's state.  A fetcher killed anywhere leaves either nothing of its handling or all
of it; a row it left claimed is taken over with a compare-and-set on its owner, as the outbox
takes over a dead sender's rows (tracker.mail.senders.claim_is_dead), and handled from the
bytes the row keeps.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, update

from tracker.inbox import handling
from tracker.inbox.letter import Letter
from tracker.mail.senders import RetryPolicy, claim_is_dead
from tracker.store.database import UTCDateTime, upsert_insert
from tracker.store.statements import DriverStatement
from tracker.store.tables import INBOX_MESSAGE as M

_CLAIMED = handling.CLAIMED


@dataclass(frozen=True)
class Known:
    """A recorded message: where it is, its state, and who holds it while `claimed`."""

    id: int
    uid: int
    uidvalidity: int
    state: str
    owner: str | None
    at: datetime | None

    @property
    def finished(self) -> bool:
        return self.state != _CLAIMED


def message_key(message_id: str, raw: bytes) -> str:
    """What makes two copies the same mail: its Message-ID, or without one its bytes."""
    return message_id or "sha256:" + hashlib.sha256(raw).hexdigest()


def known(conn: Connection, mailbox: str, uidvalidity: int,
          uids: Sequence[int]) -> dict[int, Known]:
    """The recorded messages among `uids` of this folder, by UID."""
    found: dict[int, Known] = {}
    for start in range(0, len(uids), 500):
        rows = conn.execute(select(M.c.id, M.c.uid, M.c.uidvalidity, M.c.state, M.c.claimed_by,
                                   M.c.claimed_at)
                            .where(M.c.mailbox == mailbox, M.c.uidvalidity == uidvalidity,
                                   M.c.uid.in_(list(uids[start:start + 500])))).all()
        found.update({row[1]: Known(*row) for row in rows})
    return found


def _clean(value: str, most: int) -> str:
    """Text a column can hold on either database (PostgreSQL refuses NUL) and its length."""
    return value.replace("\x00", "")[:most]


def _letter_columns(letter: Letter | None) -> dict[str, Any]:
    if letter is None:
        return {"message_id": "", "sender": "", "sender_name": "", "subject": "",
                "sent_at": None}
    return {"message_id": _clean(letter.message_id, 998), "sender": _clean(letter.sender, 320),
            "sender_name": _clean(letter.sender_name, 2000),
            "subject": _clean(letter.subject, 4000), "sent_at": letter.sent_at}


_EMPTY = {"body_keys": "", "text": "", "items": "[]", "form": "", "attachments": "[]",
          "problem": "", "decision_note": ""}
"""What a row holds before it is handled (the columns have no server-side defaults)."""
_PLACE = ("mailbox", "uidvalidity", "uid")
_INSERTED = ("mailbox", "uidvalidity", "uid", "message_id", "sender", "sender_name", "subject",
             "sent_at", "message_key", "state", "kind", "claimed_by", "claimed_at",
             "received_at", "handled_at", "raw", *_EMPTY)
# Run on the driver's cursor (tracker.store.statements): a fetch repeats them per message.
_INSERT = DriverStatement(
    lambda conn: upsert_insert(conn, M).on_conflict_do_nothing().returning(M.c.id), _INSERTED)
_AT_PLACE = DriverStatement(select(M.c.id).where(*(M.c[name] == bindparam(name)
                                                   for name in _PLACE)))


def claim(conn: Connection, mailbox: str, uidvalidity: int, uid: int, raw: bytes,
          letter: Letter | None, worker: str, now: datetime) -> tuple[str, int | None]:
    """Record the message at this place as ours: ("claimed", row id); ("duplicate", row id)
    when it is a copy of a mail recorded already (done, never handled); ("taken", None) when
    another fetcher recorded this place first."""
    columns = _letter_columns(letter)
    values = {"mailbox": mailbox, "uidvalidity": uidvalidity, "uid": uid, **columns,
              "message_key": message_key(columns["message_id"], raw), "state": _CLAIMED,
              "kind": "", "claimed_by": worker, "claimed_at": now, "received_at": now,
              "handled_at": None, "raw": raw, **_EMPTY}
    inserted = _INSERT.execute(conn, values)
    if inserted:
        return "claimed", int(inserted[0][0])
    if _AT_PLACE.execute(conn, values):
        return "taken", None
    copy = {**values, "message_key": None, "state": handling.DONE, "kind": "duplicate",
            "handled_at": now,
            "problem": "a copy of a message recorded already (the same Message-ID)"}
    inserted = _INSERT.execute(conn, copy)
    return ("duplicate", int(inserted[0][0])) if inserted else ("taken", None)


def abandoned(conn: Connection, mailbox: str, worker: str, now: datetime,
              policy: RetryPolicy) -> list[Known]:
    """This folder's rows left `claimed` by fetchers that stopped (and by this very fetcher:
    a fetch begins with nothing of its own in hand, so its claims are from a failed run)."""
    host = socket.gethostname()
    rows = conn.execute(select(M.c.id, M.c.uid, M.c.uidvalidity, M.c.state, M.c.claimed_by,
                               M.c.claimed_at)
                        .where(M.c.mailbox == mailbox, M.c.state == _CLAIMED)
                        .order_by(M.c.id)).all()
    held = [Known(*row) for row in rows]
    return [row for row in held
            if row.owner == worker or claim_is_dead(row.owner, row.at, host, now, policy)]


_THEIRS = and_(M.c.id == bindparam("row_id"), M.c.state == _CLAIMED,
               M.c.claimed_by.is_not_distinct_from(bindparam("owner")))
_TAKE_OVER = update(M).where(_THEIRS).values(claimed_by=bindparam("worker"),
                                             claimed_at=bindparam("now", type_=UTCDateTime))


def take_over(conn: Connection, row: Known, worker: str, now: datetime) -> bool:
    """Make a stopped fetcher's claim ours, if it is still as it was seen."""
    return bool(conn.execute(_TAKE_OVER, {"row_id": row.id, "owner": row.owner,
                                          "worker": worker, "now": now}).rowcount)


def raw_of(conn: Connection, row_id: int) -> bytes:
    """The bytes a row keeps (a message taken over is handled from them)."""
    return bytes(conn.execute(select(M.c.raw).where(M.c.id == row_id)).scalar_one())


_OURS = (M.c.id == bindparam("row_id"), M.c.state == _CLAIMED,
         M.c.claimed_by == bindparam("worker"))


_LOCK = DriverStatement(update(M).where(*_OURS).values(claimed_at=M.c.claimed_at)
                        .returning(M.c.id))
_OUTCOME = tuple(handling.Outcome(handling.HELD, "other").values())
_TIMES = ("decided_at", "handled_at")
_FINISH = DriverStatement(update(M).where(*_OURS).values(
    {name: bindparam(f"new_{name}", type_=UTCDateTime if name in _TIMES else None)
     for name in (*_OUTCOME, "handled_at")}).returning(M.c.id))


def lock(conn: Connection, row_id: int, worker: str) -> bool:
    """Whether the row is still ours to handle; on PostgreSQL it stays locked (by this no-op
    update) until the transaction ends, so no takeover can slip in between."""
    return bool(_LOCK.execute(conn, {"row_id": row_id, "worker": worker}))


def finish(conn: Connection, row_id: int, worker: str, outcome: handling.Outcome,
           now: datetime) -> bool:
    """The row leaves `claimed` for the outcome's state (guarded: still ours)."""
    if outcome.state == _CLAIMED or outcome.state not in handling.STATES:
        raise ValueError(f"handling gave the state {outcome.state!r}")
    values = {f"new_{name}": value for name, value in outcome.values().items()}
    return bool(_FINISH.execute(conn, {**values, "new_handled_at": now, "row_id": row_id,
                                       "worker": worker}))


def unreadable(conn: Connection, row_id: int, worker: str, problem: str,
               now: datetime) -> bool:
    """A message whose handling failed: held for staff as `unreadable`, with why."""
    return bool(conn.execute(update(M).where(*_OURS).values(
        state=handling.HELD, kind="unreadable", problem=_clean(problem, 2000), handled_at=now),
        {"row_id": row_id, "worker": worker}).rowcount)
