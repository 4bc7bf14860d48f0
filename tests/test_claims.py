"""Whose claim is dead: the rule that lets a restarted sender pick up what a dead one left."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from tracker.outbox import RetryPolicy, _claim_is_dead, worker_identity

NOW = datetime(2017, 4, 18, 4, 0, tzinfo=UTC)
POLICY = RetryPolicy(lease=600)
HOST = socket.gethostname()


def test_own_claims_are_alive_and_a_predecessor_with_the_same_pid_is_dead() -> None:
    assert not _claim_is_dead(worker_identity(), NOW, HOST, NOW, POLICY)
    # a container restarts as pid 1 again: same host, same pid, another process token
    predecessor = f"{HOST}:{os.getpid()}:deadbeef"
    assert _claim_is_dead(predecessor, NOW, HOST, NOW, POLICY)


def test_local_claims_follow_the_process_and_remote_ones_the_lease() -> None:
    assert not _claim_is_dead(f"{HOST}:{os.getppid()}:abcd1234", NOW, HOST, NOW, POLICY)
    assert _claim_is_dead(f"{HOST}:999999999:abcd1234", NOW, HOST, NOW, POLICY)
    remote = "elsewhere:42:abcd1234"
    assert not _claim_is_dead(remote, NOW - timedelta(seconds=599), HOST, NOW, POLICY)
    assert _claim_is_dead(remote, NOW - timedelta(seconds=601), HOST, NOW, POLICY)
