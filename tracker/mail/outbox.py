"""The outbox ledger: recording due mail, claiming it safely, and recording what happened.

Several processes may share the ledger.  A row is claimed in a committed transaction before
the server is contacted (`FOR UPDATE SKIP LOCKED` on PostgreSQL; `BEGIN IMMEDIATE` on SQLite
serialises claimers), and marked `transmitting` just before the message body goes out.  A
process that dies leaves its rows `claimed` (nothing was sent: they return to `pending`) or
`transmitting` (the server may have the mail: they become `uncertain` for a person to decide),
so a crash never causes a duplicate and never loses a mail silently.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import random
import socket
import uuid
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from tracker.errors import UserError
from tracker.store.database import Database, UTCDateTime, upsert_insert
from tracker.store.statements import DriverStatement
from tracker.store.tables import OUTBOX, OUTBOX_BODY

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
    head: bytes
    """The message's header section (ending with the empty line)."""
    body: bytes
    """The message body; stored once for every row that shares it."""


@functools.lru_cache(maxsize=256)
def body_digest(body: bytes) -> str:
    """The key of a body in `outbox_body` (cached: rows of one text share one bytes object,
    whose hash Python keeps, so a campaign hashes each distinct body once)."""
    return hashlib.sha256(body).hexdigest()


# Recording, claiming, and the two writes of every message run on the driver's cursor (see
# tracker.store.statements): through SQLAlchemy's execution they cost more than the mail server.
_ROW_COLUMNS = (
    "dedupe_key", "campaign", "kind", "deadline", "stage", "recipient", "recipient_name",
    "lang", "unit_key", "body_keys", "items", "send_at", "recorded_at", "late", "state",
    "attempts", "next_attempt_at", "claimed_by", "claimed_at", "finished_at", "last_error",
    "message_id", "subject", "message", "body_digest")
_INSERT_ROWS = DriverStatement(
    lambda conn: upsert_insert(conn, OUTBOX).on_conflict_do_nothing(
        index_elements=["dedupe_key"]), _ROW_COLUMNS)
_INSERT_BODIES = DriverStatement(
    lambda conn: upsert_insert(conn, OUTBOX_BODY).on_conflict_do_nothing(
        index_elements=["digest"]), ("digest", "data"))


def record(conn: Connection, rows: Sequence[NewRow], now: datetime) -> int:
    """Insert rows; a key already present (another process was quicker) is left alone."""
    if not rows:
        return 0
    digests = [body_digest(r.body) for r in rows]
    bodies = {digest: r.body for digest, r in zip(digests, rows, strict=True)}
    _INSERT_BODIES.executemany(conn, [{"digest": d, "data": b} for d, b in bodies.items()])
    return _INSERT_ROWS.executemany(conn, [{
        "dedupe_key": r.key, "campaign": r.campaign, "kind": r.kind, "deadline": r.deadline,
        "stage": r.stage, "recipient": r.recipient, "recipient_name": r.recipient_name,
        "lang": r.lang, "unit_key": r.unit, "body_keys": ",".join(r.bodies),
        "items": json.dumps(list(r.items)), "send_at": r.send_at, "recorded_at": now,
        "late": r.late, "state": r.state, "attempts": 0,
        "next_attempt_at": min(r.send_at, now),  # due from its slot, not from when we noticed
        "claimed_by": None, "claimed_at": None,
        "finished_at": now if r.state == "skipped" else None,
        "last_error": "overtaken by a later reminder" if r.state == "skipped" else "",
        "message_id": r.message_id, "subject": r.subject, "message": r.head,
        "body_digest": digest,
    } for r, digest in zip(rows, digests, strict=True)])


def recorded_keys(conn: Connection, campaign: str, kind: str = "reminder") -> set[str]:
    return set(conn.execute(select(OUTBOX.c.dedupe_key).where(
        OUTBOX.c.campaign == campaign, OUTBOX.c.kind == kind)).scalars())


@dataclass(frozen=True)
class Claimed:
    id: int
    recipient: str
    message_id: str
    head: bytes
    """The header section (the whole message for rows recorded before bodies were shared)."""
    body_digest: str | None
    body: bytes
    attempts: int


# The functions below take an open connection inside a write transaction: a delivery run
# issues them through its ledger (tracker.mail.writer), which groups them into few commits.


def _claim_statement(skip_locked: bool) -> DriverStatement:
    """Take the due rows in one statement: the oldest first, at most `limit`.

    The due rows are a materialised CTE, chosen exactly once: PostgreSQL may otherwise run a
    `SKIP LOCKED ... LIMIT` subquery again for each row it updates, each run skipping the rows
    the last one locked, and claim more than `limit` (seen in the tests).  There is no second
    `state = 'pending'` outside: the rows are pending and ours (SQLite's write lock;
    PostgreSQL's row locks, re-checked), and with it SQLite walks every pending row.
    """
    due = (select(OUTBOX.c.id)
           .where(OUTBOX.c.state == "pending",
                  OUTBOX.c.next_attempt_at <= bindparam("now", type_=UTCDateTime))
           .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id).limit(bindparam("limit")))
    if skip_locked:
        due = due.with_for_update(skip_locked=True)
    chosen = due.cte("due").prefix_with("MATERIALIZED")
    return DriverStatement(
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(select(chosen.c.id)))
        .values(state="claimed", claimed_by=bindparam("worker"),
                claimed_at=bindparam("claimed_at", type_=UTCDateTime))
        .returning(OUTBOX.c.id, OUTBOX.c.recipient, OUTBOX.c.message_id, OUTBOX.c.message,
                   OUTBOX.c.body_digest, OUTBOX.c.attempts, OUTBOX.c.next_attempt_at))


_CLAIM = {skip_locked: _claim_statement(skip_locked) for skip_locked in (False, True)}


def claim(conn: Connection, worker: str, now: datetime, limit: int,
          skip_locked: bool, known: Container[str | None] = ()) -> list[Claimed]:
    """Take up to `limit` due rows for this worker (`skip_locked`: PostgreSQL's FOR UPDATE SKIP
    LOCKED, so concurrent claimers never wait for or take each other's rows).  Bodies whose
    digest is `known` to the caller are not read again (their `Claimed.body` is empty)."""
    rows = _CLAIM[skip_locked].execute(
        conn, {"now": now, "limit": limit, "worker": worker, "claimed_at": now})
    # RETURNING keeps no order; the raw due times sort as the times do within one database
    rows.sort(key=lambda row: (row[6], row[0]))
    bodies = load_bodies(conn, {row[4] for row in rows if row[4] not in known})
    return [Claimed(row_id, recipient, message_id, bytes(head), digest,
                    bodies.get(digest, b""), attempts)
            for row_id, recipient, message_id, head, digest, attempts, _ in rows]


def load_bodies(conn: Connection, digests: set[str | None]) -> dict[str | None, bytes]:
    """The stored bodies by digest (rows recorded before bodies were shared have none)."""
    wanted = sorted(d for d in digests if d)
    if not wanted:
        return {}
    found = conn.execute(select(OUTBOX_BODY.c.digest, OUTBOX_BODY.c.data)
                         .where(OUTBOX_BODY.c.digest.in_(wanted))).all()
    return {digest: bytes(data) for digest, data in found}


_MARK_TRANSMITTING = DriverStatement(
    update(OUTBOX).where(OUTBOX.c.id == bindparam("row_id"), OUTBOX.c.state == "claimed",
                         OUTBOX.c.claimed_by == bindparam("worker"))
    .values(state="transmitting").returning(OUTBOX.c.id))
_FINISH = DriverStatement(
    update(OUTBOX).where(OUTBOX.c.id == bindparam("row_id"),
                         OUTBOX.c.claimed_by == bindparam("worker"))
    .values(state=bindparam("new_state"), attempts=bindparam("new_attempts"),
            last_error=bindparam("new_error"),
            finished_at=bindparam("new_finished_at", type_=UTCDateTime),
            next_attempt_at=func.coalesce(bindparam("new_next_attempt_at", type_=UTCDateTime),
                                          OUTBOX.c.next_attempt_at),
            claimed_by=None, claimed_at=None))


def mark_transmitting_many(conn: Connection, requests: Sequence[tuple[int, str]]
                           ) -> list[bool]:
    """Mark rows `transmitting` before their bodies go out; False for a row whose claim was
    lost (then it must not be sent)."""
    return [bool(_MARK_TRANSMITTING.execute(conn, {"row_id": row_id, "worker": worker}))
            for row_id, worker in requests]


def outcome_values(outcome: str, detail: str, now: datetime, policy: RetryPolicy,
                   attempts: int) -> dict[str, Any]:
    """The row's new columns after one send (`state` among them); pure, so the sender knows
    the new state without waiting for the write."""
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
    return values


def finish_many(conn: Connection, outcomes: Sequence[tuple[int, str, dict[str, Any]]]
                ) -> list[None]:
    """Record sends' outcomes (from `outcome_values`) where the claim is still the worker's,
    in one executemany."""
    _FINISH.executemany(conn, [
        {"row_id": row_id, "worker": worker, "new_state": values["state"],
         "new_attempts": values["attempts"], "new_error": values["last_error"],
         "new_finished_at": values.get("finished_at"),
         "new_next_attempt_at": values.get("next_attempt_at")}
        for row_id, worker, values in outcomes])
    return [None] * len(outcomes)


def release(conn: Connection, ids: Sequence[int], worker: str) -> None:
    """Hand claimed rows back untouched (no attempt spent): e.g. on a configuration error."""
    if not ids:
        return
    conn.execute(update(OUTBOX).where(OUTBOX.c.id.in_(list(ids)), OUTBOX.c.claimed_by == worker,
                                      OUTBOX.c.state.in_(("claimed", "transmitting")))
                 .values(state="pending", claimed_by=None, claimed_at=None))


def recover(conn: Connection, now: datetime, policy: RetryPolicy) -> tuple[int, int]:
    """Rows left by dead processes: `claimed` back to pending, `transmitting` to uncertain.

    A claim is dead when it belongs to a process of this host that no longer exists, or when
    it is older than the lease.  Returns (requeued, uncertain).
    """
    host = socket.gethostname()
    rows = conn.execute(select(OUTBOX.c.id, OUTBOX.c.state, OUTBOX.c.claimed_by,
                               OUTBOX.c.claimed_at)
                        .where(OUTBOX.c.state.in_(("claimed", "transmitting")))).all()
    dead = [(ident, state) for ident, state, owner, at in rows
            if _claim_is_dead(owner, at, host, now, policy)]
    requeue = [i for i, s in dead if s == "claimed"]
    doubtful = [i for i, s in dead if s == "transmitting"]
    if requeue:
        conn.execute(update(OUTBOX).where(OUTBOX.c.id.in_(requeue), OUTBOX.c.state == "claimed")
                     .values(state="pending", claimed_by=None, claimed_at=None))
    if doubtful:
        conn.execute(update(OUTBOX).where(OUTBOX.c.id.in_(doubtful),
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
    with db.writing() as conn:
        result = conn.execute(update(OUTBOX).where(OUTBOX.c.state == "pending")
                              .values(state="skipped", finished_at=now, last_error=reason)
                              .returning(OUTBOX.c.id)).all()
    return len(result)


def counts(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(OUTBOX.c.state, func.count()).group_by(OUTBOX.c.state)).all()
    return {state: int(n) for state, n in rows}


def list_rows(conn: Connection, state: str | None = None) -> list[dict[str, Any]]:
    query = select(OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.deadline, OUTBOX.c.stage,
                   OUTBOX.c.recipient, OUTBOX.c.unit_key, OUTBOX.c.body_keys, OUTBOX.c["items"],
                   OUTBOX.c.send_at, OUTBOX.c.recorded_at, OUTBOX.c.late, OUTBOX.c.state,
                   OUTBOX.c.attempts, OUTBOX.c.next_attempt_at, OUTBOX.c.finished_at,
                   OUTBOX.c.last_error, OUTBOX.c.message_id, OUTBOX.c.subject)
    if state:
        query = query.where(OUTBOX.c.state == state)
    result = []
    for row in conn.execute(query.order_by(OUTBOX.c.send_at, OUTBOX.c.id)).mappings():
        entry = dict(row)
        entry["items"] = json.loads(entry["items"])
        entry["bodies"] = [b for b in entry.pop("body_keys").split(",") if b]
        entry["unit"] = entry.pop("unit_key")
        result.append(entry)
    return result


def resolve(conn: Connection, row_id: int, outcome: str, note: str, now: datetime) -> None:
    """A person settles an uncertain or failed row (having checked with the recipient)."""
    state = _state_of(conn, row_id)
    if state not in ("uncertain", "failed"):
        raise UserError(f"outbox row {row_id} is {state}: only uncertain or failed rows can be "
                        "resolved")
    conn.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(
        state=outcome, finished_at=now,
        last_error=f"resolved as {outcome} by staff" + (f": {note}" if note else "")))


def retry(conn: Connection, row_id: int, now: datetime) -> None:
    """Send a failed or uncertain row again (a person's decision, never automatic)."""
    state = _state_of(conn, row_id)
    if state not in ("uncertain", "failed"):
        raise UserError(f"outbox row {row_id} is {state}: only uncertain or failed rows can be "
                        "retried")
    conn.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(
        state="pending", attempts=0, next_attempt_at=now, finished_at=None))


def _state_of(conn: Connection, row_id: int) -> str:
    state = conn.execute(select(OUTBOX.c.state).where(OUTBOX.c.id == row_id)).scalar()
    if state is None:
        raise UserError(f"no outbox row {row_id}")
    return str(state)


def problems(conn: Connection) -> dict[str, int]:
    found = counts(conn)
    return {"failed": found.get("failed", 0), "uncertain": found.get("uncertain", 0)}


