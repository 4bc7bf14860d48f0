"""How several sending processes share the outbox: who each one is, when another's claim is
presumed dead, and how long a deferred mail waits before its next attempt.

A claim names its process (host, pid and a token of this start), so a restarted daemon can tell
its dead predecessors' rows from those of processes still running, even in a container where
every restart is pid 1 again.
"""

from __future__ import annotations

import os
import random
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.errors import UserError


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for deferred mail: exponential, jittered, bounded."""

    base: float = 60.0
    cap: float = 3600.0
    max_attempts: int = 8
    lease: float = 600.0
    """Seconds after which another host's claim is presumed dead."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> RetryPolicy:
        def number(name: str, default: float) -> float:
            raw = environ.get(name)
            if raw in (None, ""):
                return default
            try:
                value = float(raw)
            except ValueError:
                raise UserError.said("mail.not_number", variable=name, value=raw) from None
            if value <= 0:
                raise UserError.said("mail.not_positive", variable=name, value=raw)
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


def claim_is_dead(owner: str | None, at: datetime | None, host: str, now: datetime,
                  policy: RetryPolicy) -> bool:
    """Whether the process that claimed a row is gone: on this host, when its process id is
    (or is ours, under another process token); from another host, once the lease ran out."""
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
