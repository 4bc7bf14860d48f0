"""The relay's pace: how fast every sender on this database may talk to the mail relay.

A ministry relay throttles its senders: so many messages a minute, so many connections at once,
so many messages per connection (`TRACKER_SMTP_RATE`, `TRACKER_SMTP_CONNECTIONS`,
`TRACKER_SMTP_MESSAGES_PER_CONNECTION`, read by notifications.settings).  Several daemons
share one outbox, so they share the relay's limits too: the budget lives in the database, in
the tables `relay` and `relay_slot`, and every statement that writes them is in this module.

* **The rate is a schedule of turns.**  `relay.next_send_at` is the earliest moment the next
  message may begin, on the real clock (it is the wire's pace, whatever `--now` says).  Each
  message reserves its turn before it is sent, the row locked while it moves one interval on
  (`FOR UPDATE` on PostgreSQL; SQLite's write lock serialises the writers anyway), so turns of
  all workers and all processes are one `period / messages` apart: no window of the period
  holds more than its messages.  The relay counts on its own clock, so a little timing noise
  remains: set the rate a little under the relay's limit.
* **Connections are slots.**  A worker holds a `relay_slot` row while its connection is open,
  named like an outbox claim (host, pid, token: tracker.mail.senders) and renewed as it works.
  A slot of a process that died is taken back, at once on its host and after the claim lease
  from another.  A worker finding every slot taken waits while mail is due, or leaves.
* **A relay that says slow down pauses every sender.**  A 421, or a 45x about rate
  (notifications.outcome.relay_throttled), sets `relay.paused_until`, on the tracker's clock
  like every retry, from TRACKER_RETRY_BASE doubling while the relay keeps refusing, up to
  TRACKER_RETRY_CAP.  The run stops claiming, other processes see the pause at their next
  claim, and the refused mail waits for the pause without spending an attempt: the refusal
  was about our pace, not the recipient.

With no limit set, nothing here costs a message anything: the pause is read once per claimed
batch, inside the claim's own transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, bindparam, select, update

from notifications.errors import SmtpConfigError
from notifications.settings import RelayPace, SmtpSettings
from tracker.errors import Phrase, UserError
from tracker.mail.configuration import configuration_error
from tracker.mail.senders import RetryPolicy, claim_is_dead
from tracker.mail.writer import OutboxWriter
from tracker.store.database import UTCDateTime, upsert_insert
from tracker.store.statements import DriverStatement
from tracker.store.tables import RELAY, RELAY_SLOT

SLOT_POLL = 0.25
"""Seconds between looks at the slots while another process holds every one."""
STEP = 0.25
"""The longest sleep between looks at a stop request while waiting for a turn."""
MISSED_TURNS = 5
"""Turns a message gives up when it is woken more than a quarter interval late, before it goes
all the same."""

Wallclock = Callable[[], datetime]


def real_now() -> datetime:
    return datetime.now(UTC)


def relay_pace(environ: Mapping[str, str] = os.environ) -> RelayPace:
    """The pace variables; a mistake is the user's (exit 2), read before anything is recorded."""
    try:
        return RelayPace.from_env(environ)
    except SmtpConfigError as exc:
        raise configuration_error(exc, UserError) from None


def relay_key(settings: SmtpSettings) -> str:
    """Which relay a pace belongs to: each server keeps its own."""
    return f"{settings.host}:{settings.port}"


def pause_delay(pauses: int, policy: RetryPolicy) -> timedelta:
    """How long the `pauses`-th pause in a row lasts: the retry base, doubling, capped."""
    return timedelta(seconds=min(policy.base * 2 ** max(pauses - 1, 0), policy.cap))


# -- the shared state: every write to `relay` and `relay_slot` ----------------------------------


@dataclass(frozen=True)
class Pause:
    """What the relay asked for: no message before `until` (None: no pause ever)."""

    until: datetime | None
    pauses: int
    """Pauses in a row since a message last went out."""
    refusal: str

    def holds(self, now: datetime) -> bool:
        return self.until is not None and self.until > now


_PAUSE = DriverStatement(select(RELAY.c.paused_until, RELAY.c.pauses, RELAY.c.last_refusal)
                         .where(RELAY.c.key == bindparam("key")))
"""Read with every claim, so on the driver's cursor (see tracker.store.statements)."""


def pause_of(conn: Connection, key: str) -> Pause:
    rows = _PAUSE.execute(conn, {"key": key})
    if not rows:
        return Pause(None, 0, "")
    until, pauses, refusal = rows[0]
    return Pause(UTCDateTime().process_result_value(until, conn.dialect), int(pauses), refusal)


@dataclass(frozen=True)
class _Budget:
    next_send_at: datetime | None
    paused_until: datetime | None
    pauses: int


def _locked(conn: Connection, key: str) -> _Budget:
    """The relay's row, locked until the transaction ends; made on first use."""
    query = (select(RELAY.c.next_send_at, RELAY.c.paused_until, RELAY.c.pauses)
             .where(RELAY.c.key == key).with_for_update())
    row = conn.execute(query).first()
    if row is None:
        conn.execute(upsert_insert(conn, RELAY).values(
            key=key, next_send_at=None, paused_until=None, pauses=0, last_refusal="",
        ).on_conflict_do_nothing(index_elements=["key"]))
        row = conn.execute(query).one()
    return _Budget(row[0], row[1], int(row[2]))


def reserve_turns(conn: Connection, requests: Sequence[tuple[str, timedelta, Wallclock]]
                  ) -> list[datetime]:
    """When each requested message may begin: the next free turns, one interval apart, in
    the order asked (grouped: a transaction serves every worker's request at once)."""
    turns: list[datetime] = []
    for key, interval, wallclock in requests:
        budget = _locked(conn, key)
        now = wallclock()
        turn = max(now, budget.next_send_at or now)
        conn.execute(update(RELAY).where(RELAY.c.key == key)
                     .values(next_send_at=turn + interval))
        turns.append(turn)
    return turns


def pause(conn: Connection, key: str, now: datetime, refusal: str,
          policy: RetryPolicy) -> datetime:
    """The relay asked us to slow down at `now` (the tracker's clock): every sender pauses.

    A pause already running is left as it is (several workers are refused at once); a refusal
    after a pause has ended makes the next pause twice as long."""
    budget = _locked(conn, key)
    if budget.paused_until is not None and budget.paused_until > now:
        return budget.paused_until
    pauses = budget.pauses + 1
    until = now + pause_delay(pauses, policy)
    conn.execute(update(RELAY).where(RELAY.c.key == key).values(
        paused_until=until, pauses=pauses, last_refusal=refusal[:1000]))
    return until


def resume(conn: Connection, requests: Sequence[tuple[str]]) -> list[None]:
    """A message went out after a pause: the next refusal starts from the shortest pause."""
    for (key,) in dict.fromkeys(requests):
        conn.execute(update(RELAY).where(RELAY.c.key == key, RELAY.c.pauses > 0)
                     .values(pauses=0))
    return [None] * len(requests)


def take_slot(conn: Connection, key: str, slots: int, holder: str, now: datetime,
              policy: RetryPolicy) -> int | None:
    """One of the relay's first `slots` connection slots for `holder`, or None while every
    one is held by a live process.  Each slot is taken by a compare-and-set on the holder
    seen, so two processes never take the same one."""
    seen = conn.execute(select(RELAY_SLOT.c.slot, RELAY_SLOT.c.holder, RELAY_SLOT.c.held_at)
                        .where(RELAY_SLOT.c.relay == key, RELAY_SLOT.c.slot < slots)).all()
    missing = set(range(slots)) - {row[0] for row in seen}
    if missing:
        conn.execute(upsert_insert(conn, RELAY_SLOT).values([
            {"relay": key, "slot": n, "holder": None, "held_at": None} for n in sorted(missing)
        ]).on_conflict_do_nothing(index_elements=["relay", "slot"]))
    held = {int(n): (owner, at) for n, owner, at in seen}
    host = socket.gethostname()
    for slot in range(slots):
        owner, held_at = held.get(slot, (None, None))
        if owner is not None and not claim_is_dead(owner, held_at, host, now, policy):
            continue
        taken = conn.execute(update(RELAY_SLOT).where(
            RELAY_SLOT.c.relay == key, RELAY_SLOT.c.slot == slot,
            RELAY_SLOT.c.holder.is_not_distinct_from(owner),
            RELAY_SLOT.c.held_at.is_not_distinct_from(held_at),
        ).values(holder=holder, held_at=now)).rowcount
        if taken:
            return slot
    return None


def renew_slots(conn: Connection, requests: Sequence[tuple[str, str, datetime]]) -> list[None]:
    """Every slot `holder` holds on the relay is still in use (its lease starts again)."""
    for key, holder, now in requests:
        conn.execute(update(RELAY_SLOT).where(RELAY_SLOT.c.relay == key,
                                              RELAY_SLOT.c.holder == holder)
                     .values(held_at=now))
    return [None] * len(requests)


def free_slot(conn: Connection, key: str, slot: int, holder: str) -> None:
    conn.execute(update(RELAY_SLOT).where(RELAY_SLOT.c.relay == key, RELAY_SLOT.c.slot == slot,
                                          RELAY_SLOT.c.holder == holder)
                 .values(holder=None, held_at=None))


# -- one delivery run's side of it ------------------------------------------------------------


@dataclass
class Pacer:
    """Keeps one delivery run's workers to the relay's pace: a slot for each connection, a
    turn for each message, and the pause when the relay asks for one.

    Its methods run on the event loop; the statements above go through the run's writer."""

    pace: RelayPace
    key: str
    writer: OutboxWriter
    me: str
    clock: Callable[[], datetime]
    """The tracker's clock (`--now`): the pause's."""
    policy: RetryPolicy
    wallclock: Wallclock = real_now
    """The real clock: the rate's and the slots'."""
    paused: Phrase | None = None
    """Why this run stopped sending: the relay asked every sender to slow down."""
    _pauses: int = 0
    _held: set[int] = field(default_factory=set)
    _renewed: datetime = field(default_factory=real_now)

    def workers(self, wanted: int) -> int:
        """No more workers than the relay allows connections."""
        return max(1, min(wanted, self.pace.connections or wanted))

    def heed(self, found: Pause) -> bool:
        """What the claim read of the pause (True: it holds, claim nothing).  Called with the
        claim's result on the event loop."""
        self._pauses = found.pauses
        if found.holds(self.clock()) and found.until is not None:
            self._note(found.until, found.refusal)
            return True
        return False

    def renewal(self) -> tuple[str, str, datetime] | None:
        """The renewal of this run's slots due now (for the claim's transaction), if any."""
        now = self.wallclock()
        if not self._held or now - self._renewed < timedelta(seconds=self.policy.lease / 4):
            return None
        self._renewed = now
        return self.key, self.me, now

    @contextlib.asynccontextmanager
    async def connection_slot(self, stopping: Callable[[], bool],
                              work_left: Callable[[], Awaitable[bool]]) -> AsyncIterator[bool]:
        """A connection slot for one worker while it is inside the block (True), or False once
        the run stops or no mail is left while another process holds every slot."""
        if self.pace.connections is None:
            yield True
            return
        slot: int | None = None
        while slot is None and not stopping():
            slot = await self.writer.call(take_slot, self.key, self.pace.connections, self.me,
                                          self.wallclock(), self.policy)
            if slot is None:
                if not await work_left():
                    break
                await asyncio.sleep(SLOT_POLL)
        if slot is None:
            yield False
            return
        self._held.add(slot)
        try:
            yield True
        finally:
            self._held.discard(slot)
            await self.writer.call(free_slot, self.key, slot, self.me)

    async def turn(self, stopping: Callable[[], bool]) -> bool:
        """Wait for this message's turn under the rate; False if the run stops meanwhile (the
        turn is then left unused: the relay sees a gap, never a burst).  A turn missed by more
        than a quarter interval (the process woke late) is given up for the next free one, so
        that late messages never crowd the punctual ones after them into one window."""
        if self.pace.rate is None:
            return True
        renewal = self.renewal()
        if renewal is not None:
            self.writer.post_grouped(renew_slots, *renewal)
        interval = self.pace.rate.interval
        for _ in range(MISSED_TURNS):
            begin = await self.writer.call_grouped(reserve_turns, self.key, interval,
                                                   self.wallclock)
            while (left := (begin - self.wallclock()).total_seconds()) > 0:
                if stopping():
                    return False
                await asyncio.sleep(min(left, STEP))
            if stopping():
                return False
            if self.wallclock() - begin <= interval / 4:
                return True
            # Woken late (a busy machine): going now would crowd the next turns together.
        return True

    async def throttled(self, refusal: str) -> datetime:
        """The relay refused a message for our pace: pause every sender; until when."""
        until = await self.writer.call(pause, self.key, self.clock(), refusal, self.policy)
        self._note(until, refusal)
        return until

    def answered(self) -> None:
        """A message went out: after pauses, the next one starts short again."""
        if self._pauses:
            self._pauses = 0
            self.writer.post_grouped(resume, self.key)

    def _note(self, until: datetime, refusal: str) -> None:
        until = until.astimezone(self.clock().tzinfo)  # as the clock speaks (`--now`'s offset)
        if self.paused is None:
            self.paused = Phrase("relay.paused", server=self.key, refusal=refusal,
                                 until=until.isoformat(timespec="seconds"))
