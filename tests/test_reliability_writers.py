"""Writers at once: four processes record marks while a daemon delivers hundreds of reminders.

Staff mark progress from their own terminals during the very minutes the daemon is busiest (the
morning after a deadline).  Every mark must land exactly once, none may fail with "database is
locked" (SQLite) or a serialization error (PostgreSQL), and the daemon must keep delivering each
mail once while they do.  The overlap itself is checked: the mail server timestamps what it
receives, the markers report when they started and finished.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, Tracker
from tests.helpers_campaign import many_contacts, outbox_rows, smtp_env, state_counts
from tests.smtp_server import ReceivedMessage, SmtpTestServer

pytestmark = pytest.mark.timeout(300)

PROCESSES = 4
MARKS_EACH = 100
BUSY_MORNING = "2017-04-26T11:00:00+06:00"  # every regional body overdue: one mail each
COPIES = 6  # six addresses per (region, body): about 400 mails to deliver at once


class TimedServer(SmtpTestServer):
    """The test server, noting when (monotonic clock, shared by all processes) each message
    arrived."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.arrivals: list[float] = []
        self._times_lock = threading.Lock()

    def _record(self, message: ReceivedMessage, *, hung: bool) -> None:
        with self._times_lock:
            self.arrivals.append(time.monotonic())
        super()._record(message, hung=hung)


def _assignments(url: str) -> list[tuple[int, str, str]]:
    from sqlalchemy import create_engine, select

    from tracker.store.models import ASSIGNMENT

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(ASSIGNMENT.c.item_number, ASSIGNMENT.c.unit_key,
                                       ASSIGNMENT.c.body_key).order_by(ASSIGNMENT.c.id)).all()
    finally:
        engine.dispose()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def _marker(url: str, targets: list[tuple[int, str, str]], queue: Any) -> None:
    """One `tracker mark` per assignment: its own connection and transaction each time."""
    from tracker.cli.main import cli

    runner = CliRunner()
    failures = []
    first = time.monotonic()
    for item, unit, body in targets:
        result = runner.invoke(cli, ["--db", url, "--now", BUSY_MORNING, "mark", str(item),
                                     "--region", unit, "--body", body, "--by",
                                     multiprocessing.current_process().name])
        if result.exit_code != 0 or "locked" in result.output:
            failures.append(result.output or repr(result.exception))
    queue.put((failures, first, time.monotonic()))


def test_four_markers_and_a_daemon_lose_nothing(tracker: Tracker, tmp_path: Path) -> None:
    tracker.ok("contacts", "load", str(many_contacts(COPIES, tmp_path / "contacts.yaml")))
    assignments = _assignments(tracker.url)
    chunks = [assignments[p::PROCESSES][:MARKS_EACH] for p in range(PROCESSES)]
    assert all(len(c) == MARKS_EACH for c in chunks)
    context = multiprocessing.get_context("spawn")
    queue: Any = context.Queue()
    with TimedServer() as server:
        log = tmp_path / "daemon.log"
        with log.open("wb") as out:
            daemon = subprocess.Popen(
                [sys.executable, "-m", "tracker", "--db", tracker.url, "--now", BUSY_MORNING,
                 "run", "--tick", "0.2", "--workers", "2"],
                env={**os.environ, **smtp_env(server)}, stdout=out, stderr=out, cwd=REPO)
        try:
            deadline = time.monotonic() + 60
            while not server.messages and time.monotonic() < deadline:
                time.sleep(0.01)
            assert server.messages, "the daemon started delivering"
            markers = [context.Process(target=_marker, args=(tracker.url, chunk, queue),
                                       name=f"marker{p}") for p, chunk in enumerate(chunks)]
            for marker in markers:
                marker.start()
            results = [queue.get(timeout=240) for _ in markers]
            for marker in markers:
                marker.join(timeout=60)
            deadline = time.monotonic() + 120
            while {"pending", "claimed", "transmitting"} & set(state_counts(tracker.url)):
                assert time.monotonic() < deadline, "delivery did not finish"
                time.sleep(0.1)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=60)
        arrivals = list(server.arrivals)
        received = server.messages

    daemon_log = log.read_text(encoding="utf-8", errors="replace")
    assert daemon.returncode == 0, daemon_log[-3000:]
    assert [failures for failures, _, _ in results] == [[]] * PROCESSES
    began = min(first for _, first, _ in results)
    ended = max(last for _, _, last in results)
    during = sum(began <= t <= ended for t in arrivals)
    print(f"{len(received)} mails delivered, {during} of them while "
          f"{PROCESSES * MARKS_EACH} marks were recorded")
    assert during > 0, "the daemon delivered while the markers wrote"

    history = tracker.json("history", now=BUSY_MORNING)  # as of when the marks were made
    assert len(history) == PROCESSES * MARKS_EACH, "each mark recorded exactly once"
    assert {(h["item"], h["unit"], h["body"]) for h in history} == {
        t for chunk in chunks for t in chunk}
    done = sum(state == "done" for c in tracker.json("status", now=BUSY_MORNING)["cells"]
               for state in c["bodies"].values())
    assert done == PROCESSES * MARKS_EACH

    rows = outbox_rows(tracker.url)
    ids = Counter(m.message_id for m in received)
    assert max(ids.values()) == 1
    assert {r["message_id"] for r in rows if r["state"] == "sent"} == set(ids)
    assert Counter(r["state"] for r in rows)["sent"] >= 64 * COPIES
    for problem in ("database is locked", "tick failed", "Traceback", "could not serialize"):
        assert problem not in daemon_log, problem
