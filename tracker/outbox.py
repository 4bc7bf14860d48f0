"""The outbox ledger: recording due mail, claiming it safely, and recording what happened.

Several processes may share the ledger.  A row is claimed in a committed transaction before
the server is contacted (`FOR UPDATE SKIP LOCKED` on PostgreSQL; `BEGIN IMMEDIATE` on SQLite
serialises claimers), and marked `transmitting` just before the message body goes out.  A
process that dies leaves its rows `claimed` (nothing was sent: they return to `pending`) or
`transmitting` (the server may have the mail: they become `uncertain` for a person to decide),
so a crash never causes a duplicate and never loses a mail silently.
"""

from __future__ import annotations

import json
import os
import random
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker.db import Database
from tracker.errors import UserError
from tracker.models import OUTBOX

STATES = ("pending", "claimed", "transmitting", "sent", "failed", "uncertain", "skipped")
OPEN_STATES = ("pending", "claimed", "transmitting")


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for deferred mail: exponential, jittered, bounded."""

    base: float = 60.0
    cap: float = 3600.0
    max_attempts: int = 8
    lease: float = 600.0
    """Seconds after which another host's claim is presumed dead."""

    @classmethod
    def from_env(cls, environ: Any = os.environ) -> RetryPolicy:
        def number(name: str, default: float) -> float:
            raw = environ.get(name)
            if raw in (None, ""):
                return default
            try:
                value = float(raw)
            except ValueError:
                raise UserError(f"{name}: '{raw}' is not a number") from None
            if value <= 0:
                raise UserError(f"{name}: must be positive, got {raw}")
            return value

        return cls(number("TRACKER_RETRY_BASE", cls.base), number("TRACKER_RETRY_CAP", cls.cap),
                   int(number("TRACKER_MAX_ATTEMPTS", cls.max_attempts)),
                   number("TRACKER_CLAIM_LEASE", cls.lease))

    def delay(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        """Wait before attempt `attempts + 1`: base·2^(n-1), capped, ±20 % jitter."""
        raw = min(self.base * 2 ** max(attempts - 1, 0), self.cap)
        return timedelta(seconds=raw * (rng or random).uniform(0.8, 1.2))


_PROCESS_TOKEN = uuid.uuid4().hex[:8]


def worker_identity() -> str:
    """host:pid:token, so a restarted process can tell its dead predecessors' claims from
    others' — even in a container, where every restart is pid 1 again (the token differs)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_PROCESS_TOKEN}"


@dataclass(frozen=True)
class NewRow:
    key: str
    campaign: str
    kind: str
    deadline: str
    stage: str
    recipient: str
    recipient_name: str
    lang: str
    unit: str
    bodies: Sequence[str]
    items: Sequence[int]
    send_at: datetime
    late: bool
    state: str
    message_id: str
    subject: str
    message: bytes


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(OUTBOX)


def record(session: Session, rows: Sequence[NewRow], now: datetime) -> int:
    """Insert rows; a key already present (another process was quicker) is left alone."""
    if not rows:
        return 0
    values = [{
        "dedupe_key": r.key, "campaign": r.campaign, "kind": r.kind, "deadline": r.deadline,
        "stage": r.stage, "recipient": r.recipient, "recipient_name": r.recipient_name,
        "lang": r.lang, "unit_key": r.unit, "body_keys": ",".join(r.bodies),
        "items": json.dumps(list(r.items)), "send_at": r.send_at, "recorded_at": now,
        "late": r.late, "state": r.state, "attempts": 0,
        "next_attempt_at": min(r.send_at, now),  # due from its slot, not from when we noticed
        "claimed_by": None, "claimed_at": None,
        "finished_at": now if r.state == "skipped" else None,
        "last_error": "overtaken by a later reminder" if r.state == "skipped" else "",
        "message_id": r.message_id, "subject": r.subject, "message": r.message,
    } for r in rows]
    inserted = 0
    for start in range(0, len(values), 500):
        statement = _insert(session).on_conflict_do_nothing(index_elements=["dedupe_key"])
        result = session.execute(statement.returning(OUTBOX.c.id), values[start:start + 500])
        inserted += len(result.all())
    return inserted


def recorded_keys(session: Session, campaign: str, kind: str = "reminder") -> set[str]:
    return set(session.execute(select(OUTBOX.c.dedupe_key).where(
        OUTBOX.c.campaign == campaign, OUTBOX.c.kind == kind)).scalars())


@dataclass(frozen=True)
class Claimed:
    id: int
    recipient: str
    message_id: str
    message: bytes
    attempts: int


def claim(db: Database, worker: str, now: datetime, limit: int) -> list[Claimed]:
    """Take up to `limit` due rows for this worker; the claim is committed on return."""
    with db.writing() as session:
        query = (select(OUTBOX.c.id).where(OUTBOX.c.state == "pending",
                                           OUTBOX.c.next_attempt_at <= now)
                 .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id).limit(limit))
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        ids = list(session.execute(query).scalars())
        if not ids:
            return []
        rows = session.execute(
            update(OUTBOX).where(OUTBOX.c.id.in_(ids), OUTBOX.c.state == "pending")
            .values(state="claimed", claimed_by=worker, claimed_at=now)
            .returning(OUTBOX.c.id, OUTBOX.c.recipient, OUTBOX.c.message_id, OUTBOX.c.message,
                       OUTBOX.c.attempts)).all()
    return sorted((Claimed(*row) for row in rows), key=lambda c: ids.index(c.id))


def mark_transmitting(db: Database, row_id: int, worker: str) -> bool:
    """Just before the body goes out; False if the claim was lost (then do not send)."""
    with db.writing() as session:
        changed = session.execute(
            update(OUTBOX).where(OUTBOX.c.id == row_id, OUTBOX.c.state == "claimed",
                                 OUTBOX.c.claimed_by == worker)
            .values(state="transmitting").returning(OUTBOX.c.id)).all()
    return bool(changed)


def finish(db: Database, row_id: int, worker: str, outcome: str, detail: str, now: datetime,
           policy: RetryPolicy, attempts: int) -> str:
    """Record one send's outcome; returns the row's new state."""
    tries = attempts + 1
    values: dict[str, Any] = {"attempts": tries, "last_error": detail[:1000],
                              "claimed_by": None, "claimed_at": None}
    if outcome == "sent":
        values.update(state="sent", finished_at=now, last_error="")
    elif outcome == "failed":
        values.update(state="failed", finished_at=now)
    elif outcome == "uncertain":
        values.update(state="uncertain", finished_at=now)
    elif tries >= policy.max_attempts:
        values.update(state="failed", finished_at=now,
                      last_error=f"gave up after {tries} attempts: {detail}"[:1000])
    else:
        values.update(state="pending", next_attempt_at=now + policy.delay(tries))
    with db.writing() as session:
        session.execute(update(OUTBOX).where(OUTBOX.c.id == row_id,
                                             OUTBOX.c.claimed_by == worker).values(**values))
    return str(values["state"])


def release(db: Database, ids: Sequence[int], worker: str) -> None:
    """Hand claimed rows back untouched (no attempt spent): e.g. on a configuration error."""
    if not ids:
        return
    with db.writing() as session:
        session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(list(ids)),
                                             OUTBOX.c.claimed_by == worker,
                                             OUTBOX.c.state.in_(("claimed", "transmitting")))
                        .values(state="pending", claimed_by=None, claimed_at=None))


def recover(db: Database, now: datetime, policy: RetryPolicy) -> tuple[int, int]:
    """Rows left by dead processes: `claimed` back to pending, `transmitting` to uncertain.

    A claim is dead when it belongs to a process of this host that no longer exists, or when
    it is older than the lease.  Returns (requeued, uncertain).
    """
    host = socket.gethostname()
    with db.writing() as session:
        rows = session.execute(select(OUTBOX.c.id, OUTBOX.c.state, OUTBOX.c.claimed_by,
                                      OUTBOX.c.claimed_at)
                               .where(OUTBOX.c.state.in_(("claimed", "transmitting")))).all()
        dead = [(ident, state) for ident, state, owner, at in rows
                if _claim_is_dead(owner, at, host, now, policy)]
        requeue = [i for i, s in dead if s == "claimed"]
        doubtful = [i for i, s in dead if s == "transmitting"]
        if requeue:
            session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(requeue),
                                                 OUTBOX.c.state == "claimed")
                            .values(state="pending", claimed_by=None, claimed_at=None))
        if doubtful:
            session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(doubtful),
                                                 OUTBOX.c.state == "transmitting")
                            .values(state="uncertain", finished_at=now, claimed_by=None,
                                    last_error="the sending process stopped while the message "
                                               "was being transmitted"))
    return len(requeue), len(doubtful)


def _claim_is_dead(owner: str | None, at: datetime | None, host: str, now: datetime,
                   policy: RetryPolicy) -> bool:
    owner_host, _, rest = (owner or "").partition(":")
    pid_text, _, token = rest.partition(":")  # no token: a claim by an older tracker
    if owner_host == host and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            # this very process, or a predecessor that had our pid (containers restart as pid 1)
            return bool(token) and token != _PROCESS_TOKEN
        return not _alive(pid)
    return at is None or now - at > timedelta(seconds=policy.lease)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def close_open_rows(db: Database, now: datetime, reason: str) -> int:
    """After the campaign closed: pending rows will never go; say so instead of keeping them."""
    with db.writing() as session:
        result = session.execute(update(OUTBOX).where(OUTBOX.c.state == "pending")
                                 .values(state="skipped", finished_at=now, last_error=reason)
                                 .returning(OUTBOX.c.id)).all()
    return len(result)


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(OUTBOX.c.state, func.count()).group_by(OUTBOX.c.state)).all()
    return {state: int(n) for state, n in rows}


def list_rows(session: Session, state: str | None = None) -> list[dict[str, Any]]:
    query = select(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.deadline, OUTBOX.c.stage,
                   OUTBOX.c.recipient, OUTBOX.c.unit_key, OUTBOX.c.body_keys, OUTBOX.c["items"],
                   OUTBOX.c.send_at, OUTBOX.c.recorded_at, OUTBOX.c.late, OUTBOX.c.state,
                   OUTBOX.c.attempts, OUTBOX.c.next_attempt_at, OUTBOX.c.finished_at,
                   OUTBOX.c.last_error, OUTBOX.c.message_id, OUTBOX.c.subject)
    if state:
        query = query.where(OUTBOX.c.state == state)
    result = []
    for row in session.execute(query.order_by(OUTBOX.c.send_at, OUTBOX.c.id)).mappings():
        entry = dict(row)
        entry["items"] = json.loads(entry["items"])
        entry["bodies"] = [b for b in entry.pop("body_keys").split(",") if b]
        entry["unit"] = entry.pop("unit_key")
        result.append(entry)
    return result


def resolve(session: Session, row_id: int, outcome: str, note: str, now: datetime) -> None:
    """A person settles an uncertain or failed row (having checked with the recipient)."""
    state = _state_of(session, row_id)
    if state not in ("uncertain", "failed"):
        raise UserError(f"outbox row {row_id} is {state}: only uncertain or failed rows can be "
                        "resolved")
    session.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(
        state=outcome, finished_at=now,
        last_error=f"resolved as {outcome} by staff" + (f": {note}" if note else "")))


def retry(session: Session, row_id: int, now: datetime) -> None:
    """Send a failed or uncertain row again (a person's decision, never automatic)."""
    state = _state_of(session, row_id)
    if state not in ("uncertain", "failed"):
        raise UserError(f"outbox row {row_id} is {state}: only uncertain or failed rows can be "
                        "retried")
    session.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(
        state="pending", attempts=0, next_attempt_at=now, finished_at=None))


def _state_of(session: Session, row_id: int) -> str:
    state = session.execute(select(OUTBOX.c.state).where(OUTBOX.c.id == row_id)).scalar()
    if state is None:
        raise UserError(f"no outbox row {row_id}")
    return str(state)


def problems(session: Session) -> dict[str, int]:
    found = counts(session)
    return {"failed": found.get("failed", 0), "uncertain": found.get("uncertain", 0)}


