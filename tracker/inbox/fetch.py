"""Reading the folder: every new message recorded, handled once, and moved to the done folder.

A fetch first finishes what stopped fetchers left claimed (from the bytes their rows keep),
then walks the folder's UIDs in chunks: a message recorded and finished already (its fetcher
stopped before moving it) is only moved; one another live fetcher holds or has just finished
is left to it (it moves what it handled); the rest are fetched (BODY.PEEK[], so nothing is
marked read before it is recorded), claimed, each handled in the transaction that finishes its
row, and the chunk moved to the done folder.
Mail is never deleted.  A message whose reading or handling raised is recorded `unreadable`,
held for staff with the reason, and moved like any other: never lost, never retried forever.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from tracker.inbox import handling, ledger
from tracker.inbox.letter import Letter, read_letter
from tracker.inbox.mailbox import Mailbox
from tracker.inbox.settings import ImapSettings
from tracker.mail.senders import RetryPolicy, claim_is_dead, worker_identity
from tracker.plan.model import Plan
from tracker.store.database import Database

log = logging.getLogger(__name__)

CHUNK = 50
"""Messages fetched in one UID FETCH (and moved in one UID MOVE)."""


@dataclass
class FetchSummary:
    folder: str
    done_folder: str
    kinds: Counter[str] = field(default_factory=Counter)
    """New rows by kind: reply, bounce, auto_reply, other, duplicate, unreadable."""
    resumed: int = 0
    """Messages stopped fetchers had claimed, handled now."""
    moved: int = 0
    """Messages moved to the done folder."""
    others: int = 0
    """Messages other fetchers are handling right now (left to them)."""
    waiting: int = 0
    """Messages in the folder when it was selected."""

    @property
    def new(self) -> int:
        return sum(self.kinds.values())

    def as_json(self) -> dict[str, object]:
        return {"folder": self.folder, "done_folder": self.done_folder, "new": self.new,
                "kinds": dict(sorted(self.kinds.items())), "resumed": self.resumed,
                "moved": self.moved, "others": self.others}


class _Lost(Exception):
    """Another fetcher took the row over meanwhile: what this one did is rolled back."""


def fetch_inbox(db: Database, settings: ImapSettings, now: datetime, *,
                environ: Mapping[str, str] = os.environ, worker: str | None = None,
                stop: threading.Event | None = None) -> FetchSummary:
    """Read the folder once (see the module's docstring); `stop` ends it between messages.

    Raises `mailbox.Unreachable` or `mailbox.Refused` (RuntimeFailure) when the server
    cannot be used; what was finished before stays recorded and is moved by the next fetch."""
    worker = worker or worker_identity()
    policy = RetryPolicy.from_env(environ)
    summary = FetchSummary(settings.folder, settings.done_folder)
    plan = db.plan()
    with Mailbox.opened(settings) as box:
        summary.waiting = box.exists
        box.ensure_folder(settings.done_folder)
        _resume(db, plan, settings, worker, now, policy, summary)
        uids = box.uids()
        for start in range(0, len(uids), CHUNK):
            if stop is not None and stop.is_set():
                break
            chunk = uids[start:start + CHUNK]
            done = _chunk(db, plan, box, settings, chunk, worker, now, policy, summary, stop)
            box.move(done, settings.done_folder)
            summary.moved += len(done)
    return summary


def _resume(db: Database, plan: Plan, settings: ImapSettings, worker: str, now: datetime,
            policy: RetryPolicy, summary: FetchSummary) -> None:
    """Handle the messages stopped fetchers claimed and never finished."""
    with db.reading() as conn:
        left = ledger.abandoned(conn, settings.mailbox, worker, now, policy)
    for row in left:
        with db.writing() as conn:
            if row.owner != worker and not ledger.take_over(conn, row, worker, now):
                continue
            raw = ledger.raw_of(conn, row.id)
        if _handle(db, plan, row.id, raw, _read(raw), worker, now) is not None:
            summary.resumed += 1


def _chunk(db: Database, plan: Plan, box: Mailbox, settings: ImapSettings,
           chunk: list[int], worker: str, now: datetime, policy: RetryPolicy,
           summary: FetchSummary, stop: threading.Event | None) -> list[int]:
    """Record and handle one chunk's new messages; the UIDs to move."""
    with db.reading() as conn:
        seen = ledger.known(conn, settings.mailbox, box.uidvalidity, chunk)
    # A finished message still here is moved by whoever handled it, unless that process is
    # gone: two sessions moving one message at once may both copy it before either expunges.
    host = socket.gethostname()
    mine = [uid for uid in chunk if uid in seen and seen[uid].finished
            and (seen[uid].owner == worker
                 or claim_is_dead(seen[uid].owner, seen[uid].at, host, now, policy))]
    to_move = list(mine)
    summary.others += sum(1 for uid in chunk if uid in seen and uid not in mine)
    new = [uid for uid in chunk if uid not in seen]
    bodies = box.fetch(new)
    for uid in new:
        raw = bodies.get(uid)
        if raw is None:  # moved away meanwhile (by another fetcher, or a person)
            continue
        if stop is not None and stop.is_set():
            break
        letter = _read(raw)
        with db.writing() as conn:
            taken, row_id = ledger.claim(conn, settings.mailbox, box.uidvalidity, uid, raw,
                                         letter, worker, now)
        if taken == "taken" or row_id is None:
            summary.others += 1
            continue
        if taken == "duplicate":
            summary.kinds["duplicate"] += 1
            to_move.append(uid)
            continue
        kind = _handle(db, plan, row_id, raw, letter, worker, now)
        if kind is not None:
            summary.kinds[kind] += 1
            to_move.append(uid)
    return to_move


def _read(raw: bytes) -> Letter | None:
    try:
        return read_letter(raw)
    except Exception:  # any message at all must end recorded, never lost
        log.warning("a message could not be read", exc_info=True)
        return None


def _handle(db: Database, plan: Plan, row_id: int, raw: bytes, letter: Letter | None,
            worker: str, now: datetime) -> str | None:
    """Handle the claimed row and finish it in one transaction; its kind, or None when
    another fetcher had taken it over."""
    try:
        with db.writing() as conn:
            if not ledger.lock(conn, row_id, worker):
                raise _Lost
            if letter is None:
                raise ValueError("the message could not be read as mail")
            outcome = handling.handle(conn, plan, letter, row_id, now)
            if not ledger.finish(conn, row_id, worker, outcome, now):
                raise _Lost
        return outcome.kind
    except _Lost:
        return None
    except DBAPIError:
        raise  # the database's trouble, not the message's: the claim is resumed later
    except Exception as exc:  # kept for staff, never lost nor retried forever
        problem = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
        log.warning("inbox message %d (%d bytes) held as unreadable: %s", row_id, len(raw),
                    problem)
        with db.writing() as conn:
            return "unreadable" if ledger.unreadable(conn, row_id, worker,
                                                     f"handling failed: {problem}",
                                                     now) else None
