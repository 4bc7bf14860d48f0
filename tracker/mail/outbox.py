"""The outbox: its states, the transitions between them, and every statement that makes one.

Several processes may share the outbox.  A row is claimed in a committed transaction before
the server is contacted (`FOR UPDATE SKIP LOCKED` on PostgreSQL; `BEGIN IMMEDIATE` on SQLite
serialises claimers), and marked `transmitting` just before the message body goes out.  A
process that dies leaves its rows `claimed` (nothing was sent: they return to `pending`) or
`transmitting` (the server may have the mail: they become `uncertain` for a person to decide),
so a crash never causes a duplicate and never loses a mail silently.

The states a row may move between are the table `TRANSITIONS`, and nothing else changes a
row's state: every statement below that does is built by `Transition.update`, an UPDATE guarded
by the states the transition leaves (a compare-and-set).  A row another process has moved on
meanwhile is not matched, and the caller sees that nothing changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import socket
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from sqlalchemy import ColumnElement, Connection, Update, bindparam, func, literal, select, update

from tracker.errors import Phrase, UserError
from tracker.mail.senders import RetryPolicy, claim_is_dead
from tracker.store.database import Database, UTCDateTime, upsert_insert
from tracker.store.statements import DriverStatement
from tracker.store.tables import OUTBOX, OUTBOX_BODY


class OutboxState(StrEnum):
    """Where a row is on its way to the mail server; the values are what the table stores."""

    PENDING = "pending"
    """Waiting for its time or its next attempt."""
    CLAIMED = "claimed"
    """Taken by a sender, which has not begun to transmit it."""
    TRANSMITTING = "transmitting"
    """The SMTP transaction has begun: the server may have the mail from here on."""
    SENT = "sent"
    FAILED = "failed"
    """Refused by the server, given up after retries, or bounced: a delivery failure report
    was read for it after it was sent (`bounced_at` is then set; see Event.BOUNCE)."""
    UNCERTAIN = "uncertain"
    """The body went out and no answer came: only a person can tell whether it arrived."""
    SKIPPED = "skipped"
    """Never sent on purpose: overtaken by a later reminder, or the campaign closed."""


class Event(StrEnum):
    """What moves a row from one state to another (see `TRANSITIONS`)."""

    RECORD = "record"
    RECORD_OVERTAKEN = "record overtaken"
    RECORD_FAILED = "record failed"
    CLAIM = "claim"
    TRANSMIT = "transmit"
    SETTLE_SENT = "settle sent"
    SETTLE_FAILED = "settle failed"
    SETTLE_UNCERTAIN = "settle uncertain"
    SETTLE_DEFERRED = "settle deferred"
    SETTLE_THROTTLED = "settle throttled"
    RELEASE = "release"
    REQUEUE_DEAD_CLAIM = "requeue dead claim"
    DOUBT_DEAD_TRANSMISSION = "doubt dead transmission"
    CLOSE_CAMPAIGN = "close campaign"
    RESOLVE_SENT = "resolve as sent by staff"
    RESOLVE_FAILED = "resolve as failed by staff"
    RETRY = "retry by staff"
    BOUNCE = "bounce read from the inbox"


@dataclass(frozen=True)
class Transition:
    sources: tuple[OutboxState, ...]
    """The states a row may leave by this event; none for a row being recorded."""
    target: OutboxState

    def guard(self) -> ColumnElement[bool]:
        """The compare of the compare-and-set: the row is still in a state it may leave."""
        if len(self.sources) == 1:
            return OUTBOX.c.state == self.sources[0].value
        # bound one by one, not as an expanding IN, so that a DriverStatement can run it
        return OUTBOX.c.state.in_([literal(state.value) for state in self.sources])

    def update(self, *where: ColumnElement[bool], guarded: bool = True) -> Update:
        """UPDATE outbox SET state = target WHERE the guard AND `where`.

        `guarded=False` only where `where` chooses the rows under the guard itself (the
        claim, whose due rows are chosen, and locked, in a CTE)."""
        conditions = (self.guard(), *where) if guarded else where
        return update(OUTBOX).where(*conditions).values(state=self.target.value)


_S = OutboxState
TRANSITIONS: Mapping[Event, Transition] = MappingProxyType({
    # event                         from                                      to
    Event.RECORD:                   Transition((),                            _S.PENDING),
    Event.RECORD_OVERTAKEN:         Transition((),                            _S.SKIPPED),
    Event.RECORD_FAILED:            Transition((),                            _S.FAILED),
    Event.CLAIM:                    Transition((_S.PENDING,),                 _S.CLAIMED),
    Event.TRANSMIT:                 Transition((_S.CLAIMED,),                 _S.TRANSMITTING),
    Event.SETTLE_SENT:              Transition((_S.TRANSMITTING,),            _S.SENT),
    Event.SETTLE_FAILED:            Transition((_S.TRANSMITTING,),            _S.FAILED),
    Event.SETTLE_UNCERTAIN:         Transition((_S.TRANSMITTING,),            _S.UNCERTAIN),
    Event.SETTLE_DEFERRED:          Transition((_S.TRANSMITTING,),            _S.PENDING),
    Event.SETTLE_THROTTLED:         Transition((_S.TRANSMITTING,),            _S.PENDING),
    Event.RELEASE:                  Transition((_S.CLAIMED, _S.TRANSMITTING), _S.PENDING),
    Event.REQUEUE_DEAD_CLAIM:       Transition((_S.CLAIMED,),                 _S.PENDING),
    Event.DOUBT_DEAD_TRANSMISSION:  Transition((_S.TRANSMITTING,),            _S.UNCERTAIN),
    Event.CLOSE_CAMPAIGN:           Transition((_S.PENDING,),                 _S.SKIPPED),
    Event.RESOLVE_SENT:             Transition((_S.UNCERTAIN, _S.FAILED),     _S.SENT),
    Event.RESOLVE_FAILED:           Transition((_S.UNCERTAIN, _S.FAILED),     _S.FAILED),
    Event.RETRY:                    Transition((_S.UNCERTAIN, _S.FAILED),     _S.PENDING),
    Event.BOUNCE:                   Transition((_S.SENT, _S.UNCERTAIN),       _S.FAILED),
})
"""Every way a row's state may change, and the only ones."""


# -- record ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewRow:
    """A composed mail, as the outbox records it (see tracker.mail.compose)."""

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
    message_id: str
    subject: str
    head: bytes
    """The message's header section (ending with the empty line)."""
    body: bytes
    """The message body; stored once for every row that shares it."""
    overtaken: bool = False
    """Recorded `skipped`, never to be sent: a later reminder to the same person says more."""
    failure: str | None = None
    """Why the mail could not be composed: recorded `failed` with this reason and no message,
    so that one recipient's bad data is shown to staff and never blocks the others'."""


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
_OVERTAKEN = "overtaken by a later reminder"


def record(conn: Connection, rows: Sequence[NewRow], now: datetime) -> int:
    """Insert rows; a key already present (another process was quicker) is left alone."""
    if not rows:
        return 0
    digests = [body_digest(r.body) for r in rows]
    bodies = {digest: r.body for digest, r in zip(digests, rows, strict=True)}
    _INSERT_BODIES.executemany(conn, [{"digest": d, "data": b} for d, b in bodies.items()])
    pending = TRANSITIONS[Event.RECORD].target.value
    skipped = TRANSITIONS[Event.RECORD_OVERTAKEN].target.value
    failed = TRANSITIONS[Event.RECORD_FAILED].target.value

    def state(row: NewRow) -> str:
        return failed if row.failure is not None else skipped if row.overtaken else pending

    def last_error(row: NewRow) -> str:
        if row.failure is not None:
            return row.failure[:1000]
        return _OVERTAKEN if row.overtaken else ""

    return _INSERT_ROWS.executemany(conn, [{
        "dedupe_key": r.key, "campaign": r.campaign, "kind": r.kind, "deadline": r.deadline,
        "stage": r.stage, "recipient": r.recipient, "recipient_name": r.recipient_name,
        "lang": r.lang, "unit_key": r.unit, "body_keys": ",".join(r.bodies),
        "items": json.dumps(list(r.items)), "send_at": r.send_at, "recorded_at": now,
        "late": r.late, "state": state(r), "attempts": 0,
        "next_attempt_at": min(r.send_at, now),  # due from its slot, not from when we noticed
        "claimed_by": None, "claimed_at": None,
        "finished_at": now if r.overtaken or r.failure is not None else None,
        "last_error": last_error(r),
        "message_id": r.message_id, "subject": r.subject, "message": r.head,
        "body_digest": digest,
    } for r, digest in zip(rows, digests, strict=True)])


def recorded_keys(conn: Connection, campaign: str, kind: str = "reminder") -> set[str]:
    return set(conn.execute(select(OUTBOX.c.dedupe_key).where(
        OUTBOX.c.campaign == campaign, OUTBOX.c.kind == kind)).scalars())


# -- claim, transmit, settle, release ---------------------------------------------------------
# These take an open connection inside a write transaction: a delivery run issues them through
# its writer (tracker.mail.writer), which groups them into few commits.


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
    campaign: str = ""
    """The campaign whose link the mail's slots are filled from (tracker.mail.links)."""


def _claim_statement(skip_locked: bool) -> DriverStatement:
    """Take the due rows in one statement: the oldest first, at most `limit`.

    The due rows are a materialised CTE, chosen exactly once: PostgreSQL may otherwise run a
    `SKIP LOCKED ... LIMIT` subquery again for each row it updates, each run skipping the rows
    the last one locked, and claim more than `limit` (seen in the tests).  The guard is in the
    CTE only: the rows it chose are pending and ours (SQLite's write lock; PostgreSQL's row
    locks, re-checked), and with a second guard outside SQLite walks every pending row.
    """
    claiming = TRANSITIONS[Event.CLAIM]
    due = (select(OUTBOX.c.id)
           .where(claiming.guard(),
                  OUTBOX.c.next_attempt_at <= bindparam("now", type_=UTCDateTime))
           .order_by(OUTBOX.c.next_attempt_at, OUTBOX.c.id).limit(bindparam("limit")))
    if skip_locked:
        due = due.with_for_update(skip_locked=True)
    chosen = due.cte("due").prefix_with("MATERIALIZED")
    return DriverStatement(
        claiming.update(OUTBOX.c.id.in_(select(chosen.c.id)), guarded=False)
        .values(claimed_by=bindparam("worker"),
                claimed_at=bindparam("claimed_at", type_=UTCDateTime))
        .returning(OUTBOX.c.id, OUTBOX.c.recipient, OUTBOX.c.message_id, OUTBOX.c.message,
                   OUTBOX.c.body_digest, OUTBOX.c.attempts, OUTBOX.c.next_attempt_at,
                   OUTBOX.c.campaign))


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
    bodies = _load_bodies(conn, {row[4] for row in rows if row[4] not in known})
    return [Claimed(row_id, recipient, message_id, bytes(head), digest,
                    bodies.get(digest, b""), attempts, campaign)
            for row_id, recipient, message_id, head, digest, attempts, _, campaign in rows]


def _load_bodies(conn: Connection, digests: set[str | None]) -> dict[str | None, bytes]:
    """The stored bodies by digest (rows recorded before bodies were shared have none)."""
    wanted = sorted(d for d in digests if d)
    if not wanted:
        return {}
    found = conn.execute(select(OUTBOX_BODY.c.digest, OUTBOX_BODY.c.data)
                         .where(OUTBOX_BODY.c.digest.in_(wanted))).all()
    return {digest: bytes(data) for digest, data in found}


_OURS = (OUTBOX.c.id == bindparam("row_id"), OUTBOX.c.claimed_by == bindparam("worker"))
_TRANSMIT = DriverStatement(TRANSITIONS[Event.TRANSMIT].update(*_OURS).returning(OUTBOX.c.id))


def transmit_many(conn: Connection, requests: Sequence[tuple[int, str]]) -> list[bool]:
    """Mark rows `transmitting` before their bodies go out; False for a row whose claim was
    lost (then it must not be sent)."""
    return [bool(_TRANSMIT.execute(conn, {"row_id": row_id, "worker": worker}))
            for row_id, worker in requests]


@dataclass(frozen=True)
class Settlement:
    """What one send made of a row: pure, so the sender knows it without waiting for the write."""

    event: Event
    attempts: int
    last_error: str
    finished_at: datetime | None = None
    next_attempt_at: datetime | None = None
    """When a deferred row is due again (None: unchanged)."""

    @property
    def state(self) -> OutboxState:
        return TRANSITIONS[self.event].target


def settlement(outcome: str, detail: str, now: datetime, policy: RetryPolicy,
               attempts: int) -> Settlement:
    """The row's settlement after a send whose outcome (notifications.smtp's `Outcome` value)
    was `outcome`: a deferred row waits for its next attempt, or fails at the bound."""
    tries = attempts + 1
    if outcome == "sent":
        return Settlement(Event.SETTLE_SENT, tries, "", finished_at=now)
    if outcome == "failed":
        return Settlement(Event.SETTLE_FAILED, tries, detail[:1000], finished_at=now)
    if outcome == "uncertain":
        return Settlement(Event.SETTLE_UNCERTAIN, tries, detail[:1000], finished_at=now)
    if tries >= policy.max_attempts:
        return Settlement(Event.SETTLE_FAILED, tries,
                          f"gave up after {tries} attempts: {detail}"[:1000], finished_at=now)
    return Settlement(Event.SETTLE_DEFERRED, tries, detail[:1000],
                      next_attempt_at=now + policy.delay(tries))


def throttled(detail: str, attempts: int, until: datetime) -> Settlement:
    """The row's settlement when the relay asked us to slow down (tracker.mail.relay): the
    refusal was about our pace, not the recipient, so no attempt is spent; it waits for the
    relay's pause to end."""
    return Settlement(Event.SETTLE_THROTTLED, attempts,
                      f"the mail server asked to slow down: {detail}"[:1000],
                      next_attempt_at=until)


def _settle_statement(event: Event) -> DriverStatement:
    return DriverStatement(
        TRANSITIONS[event].update(*_OURS)
        .values(attempts=bindparam("new_attempts"), last_error=bindparam("new_error"),
                finished_at=bindparam("new_finished_at", type_=UTCDateTime),
                next_attempt_at=func.coalesce(
                    bindparam("new_next_attempt_at", type_=UTCDateTime),
                    OUTBOX.c.next_attempt_at),
                claimed_by=None, claimed_at=None))


_SETTLE = {event: _settle_statement(event) for event in (
    Event.SETTLE_SENT, Event.SETTLE_FAILED, Event.SETTLE_UNCERTAIN, Event.SETTLE_DEFERRED,
    Event.SETTLE_THROTTLED)}


def settle_many(conn: Connection, requests: Sequence[tuple[int, str, Settlement]]
                ) -> list[None]:
    """Record sends' settlements where the row is still the worker's and `transmitting`, in
    one executemany per kind of settlement."""
    for event, statement in _SETTLE.items():
        many = [{"row_id": row_id, "worker": worker, "new_attempts": s.attempts,
                 "new_error": s.last_error, "new_finished_at": s.finished_at,
                 "new_next_attempt_at": s.next_attempt_at}
                for row_id, worker, s in requests if s.event is event]
        if many:
            statement.executemany(conn, many)
    return [None] * len(requests)


def release(conn: Connection, ids: Sequence[int], worker: str) -> None:
    """Hand claimed rows back untouched (no attempt spent): the run stops, the configuration
    was refused, or the server is unreachable and the rest of a batch waits for the next run."""
    if not ids:
        return
    conn.execute(TRANSITIONS[Event.RELEASE]
                 .update(OUTBOX.c.id.in_(list(ids)), OUTBOX.c.claimed_by == worker)
                 .values(claimed_by=None, claimed_at=None))


# -- claims of processes that stopped -------------------------------------------------------


@dataclass(frozen=True)
class OpenClaim:
    """A row some sender holds (`claimed` or `transmitting`), and what can be said of it."""

    id: int
    state: OutboxState
    owner: str | None
    dead: bool
    """Its sender stopped (see `claim_is_dead`)."""
    past_lease: bool
    """Claimed longer ago than the lease."""


def open_claims(conn: Connection, now: datetime, policy: RetryPolicy) -> list[OpenClaim]:
    host = socket.gethostname()
    lease = timedelta(seconds=policy.lease)
    held = (OutboxState.CLAIMED.value, OutboxState.TRANSMITTING.value)
    rows = conn.execute(select(OUTBOX.c.id, OUTBOX.c.state, OUTBOX.c.claimed_by,
                               OUTBOX.c.claimed_at).where(OUTBOX.c.state.in_(held))).all()
    return [OpenClaim(ident, OutboxState(state), owner,
                      claim_is_dead(owner, at, host, now, policy),
                      at is not None and now - at > lease)
            for ident, state, owner, at in rows]


_THEIRS = (OUTBOX.c.id == bindparam("row_id"),
           OUTBOX.c.claimed_by.is_not_distinct_from(bindparam("owner")))
_REQUEUE_DEAD = TRANSITIONS[Event.REQUEUE_DEAD_CLAIM].update(*_THEIRS).values(
    claimed_by=None, claimed_at=None)
_DOUBT_DEAD = TRANSITIONS[Event.DOUBT_DEAD_TRANSMISSION].update(*_THEIRS).values(
    finished_at=bindparam("now", type_=UTCDateTime), claimed_by=None,
    attempts=OUTBOX.c.attempts + 1,  # the body may have gone out: that was an attempt
    last_error="the sending process stopped while the message was being transmitted")


def recover(conn: Connection, now: datetime, policy: RetryPolicy) -> tuple[int, int]:
    """Rows left by dead processes: `claimed` back to pending, `transmitting` to uncertain.

    Each row changes only if the dead owner still holds it as it was seen.
    Returns (requeued, uncertain)."""
    requeued = doubted = 0
    for held in open_claims(conn, now, policy):
        if not held.dead:
            continue
        params = {"row_id": held.id, "owner": held.owner}
        if held.state is OutboxState.CLAIMED:
            requeued += conn.execute(_REQUEUE_DEAD, params).rowcount
        else:
            doubted += conn.execute(_DOUBT_DEAD, {**params, "now": now}).rowcount
    return requeued, doubted


# -- the campaign's end, and staff's decisions ------------------------------------------------


def close_open_rows(db: Database, now: datetime, reason: str) -> int:
    """After the campaign closed: pending rows will never go; say so instead of keeping them."""
    with db.writing() as conn:
        result = conn.execute(TRANSITIONS[Event.CLOSE_CAMPAIGN].update()
                              .values(finished_at=now, last_error=reason)
                              .returning(OUTBOX.c.id)).all()
    return len(result)


def resolve(conn: Connection, row_id: int, outcome: str, note: str, now: datetime) -> None:
    """A person settles an uncertain or failed row (having checked with the recipient)."""
    event = Event.RESOLVE_SENT if outcome == "sent" else Event.RESOLVE_FAILED
    changed = conn.execute(
        TRANSITIONS[event].update(OUTBOX.c.id == row_id)
        .values(finished_at=now,
                last_error=f"resolved as {outcome} by staff" + (f": {note}" if note else ""))
        .returning(OUTBOX.c.id)).first()
    if changed is None:
        raise _refused(conn, row_id, TRANSITIONS[event])


_CHUNK = 500
"""Ids per statement: within every backend's limit on bound parameters."""


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start:start + _CHUNK] for start in range(0, len(ids), _CHUNK)]


def _listed(ids: Sequence[int], most: int = 5) -> str | Phrase:
    shown = ", ".join(map(str, ids[:most]))
    return Phrase("outbox.more", ids=shown, n=len(ids) - most) if len(ids) > most else shown


def _allowed(states: Sequence[OutboxState]) -> str | Phrase:
    """The states a transition starts from, as the reader names them («failed or uncertain»)."""
    words = [Phrase(f"outbox.{state.value}") for state in states]
    return words[0] if len(words) == 1 else Phrase("outbox.either", a=words[0], b=words[1])


def check_retry(conn: Connection, row_ids: Sequence[int]) -> None:
    """Refuse (UserError) unless every row exists, is failed or uncertain, and has a message
    to send: a retry of several rows is all of them or none."""
    found: dict[int, tuple[str, bool, str]] = {}
    for chunk in _chunks(row_ids):
        for row_id, state, empty, last_error in conn.execute(select(
                OUTBOX.c.id, OUTBOX.c.state, func.length(OUTBOX.c.message) == 0,
                OUTBOX.c.last_error).where(OUTBOX.c.id.in_(list(chunk)))):
            found[row_id] = (state, bool(empty), last_error)
    unchanged = Phrase("outbox.unchanged") if len(row_ids) > 1 else ""
    missing = [row_id for row_id in row_ids if row_id not in found]
    if len(missing) == 1:
        raise UserError.said("outbox.no_row", id=missing[0], unchanged=unchanged)
    if missing:
        raise UserError.said("outbox.no_rows", ids=_listed(missing), unchanged=unchanged)
    sources = TRANSITIONS[Event.RETRY].sources
    for row_id in row_ids:
        state, empty, last_error = found[row_id]
        if state not in sources:
            stuck = [i for i in row_ids if found[i][0] == state]
            said = Phrase(f"outbox.{state}")
            if len(stuck) == 1:
                raise UserError.said("outbox.row_not_retried", id=stuck[0], state=said,
                                     allowed=_allowed(sources), unchanged=unchanged)
            raise UserError.said("outbox.rows_not_retried", ids=_listed(stuck), state=said,
                                 allowed=_allowed(sources), unchanged=unchanged)
        if state == OutboxState.FAILED and empty:
            raise UserError.said("outbox.not_composed", id=row_id, error=last_error[:200],
                                 unchanged=unchanged)


def retry_candidates(conn: Connection, state: OutboxState) -> tuple[list[int], int]:
    """Every row in `state` (failed or uncertain) that can be sent again, oldest first, and
    how many failed rows are left out because they could not be composed."""
    rows = conn.execute(select(OUTBOX.c.id, func.length(OUTBOX.c.message) == 0)
                        .where(OUTBOX.c.state == state.value).order_by(OUTBOX.c.id)).all()
    return [row_id for row_id, empty in rows if not empty], sum(bool(e) for _, e in rows)


# On the driver's cursor, as every other statement that writes `next_attempt_at`: SQLite keeps
# the moment as text, and the claim compares it as text, so it must be written the same way
# (through SQLAlchemy's execution a retry at 12:00 read as after a claim at 12:00).
_RETRY = DriverStatement(
    TRANSITIONS[Event.RETRY].update(OUTBOX.c.id == bindparam("row_id"))
    .values(attempts=0, next_attempt_at=bindparam("due", type_=UTCDateTime), finished_at=None))


def retry(conn: Connection, row_ids: Sequence[int], now: datetime) -> int:
    """Send failed or uncertain rows again from `now` (a person's decision, never automatic):
    all of them or none (see `check_retry`).  A row that could not be composed has no message
    to send: refused, saying so.  Returns how many rows were queued again."""
    check_retry(conn, row_ids)
    changed = _RETRY.executemany(conn, [{"row_id": row_id, "due": now} for row_id in row_ids])
    if changed != len(row_ids):  # another process moved one meanwhile: undo all
        raise UserError.said("outbox.raced", n=len(row_ids) - changed)
    return changed


# -- what the inbox learns of a mail ---------------------------------------------------------


def bounce(conn: Connection, row_id: int, diagnostic: str, now: datetime) -> bool:
    """A delivery failure report was read for this row (tracker.inbox.bounce): the server
    took the mail, yet it never reached the recipient.  A sent or uncertain row becomes failed,
    with the receiving server's words as its error and `bounced_at` set; False when the row is
    in no state a bounce leaves (already bounced, or never sent), and then nothing changed."""
    changed = conn.execute(
        TRANSITIONS[Event.BOUNCE].update(OUTBOX.c.id == row_id)
        .values(bounced_at=now, last_error=diagnostic[:1000])
        .returning(OUTBOX.c.id)).first()
    return changed is not None


def _refused(conn: Connection, row_id: int, transition: Transition) -> UserError:
    """Why a person's resolution matched no row: there is none, or it is in another state."""
    state = conn.execute(select(OUTBOX.c.state).where(OUTBOX.c.id == row_id)).scalar()
    if state is None:
        return UserError.said("outbox.no_row", id=row_id, unchanged="")
    return UserError.said("outbox.row_not_resolved", id=row_id, state=Phrase(f"outbox.{state}"),
                          allowed=_allowed(transition.sources))

