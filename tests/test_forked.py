"""Mails composed in a forked child (tracker.forked): the same rows as composing them in the
sending process, the child's failures surfacing as the parent's, and no child left behind."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import REPO, Tracker
from tests.smtp_server import SmtpTestServer
from tracker import remind
from tracker.errors import RuntimeFailure
from tracker.forked import ForkedChunks

NOW = "2017-04-18T10:30:00+06:00"


def _collect(chunks: ForkedChunks[Any, Any], stop_after: int | None = None) -> list[Any]:
    async def run() -> list[Any]:
        seen = []
        async for result in chunks.results():
            seen.append(result)
            if stop_after is not None and len(seen) == stop_after:
                break
        return seen

    return asyncio.run(run())


def _is_reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_results_come_back_in_order_computed_by_another_process() -> None:
    parent = os.getpid()
    chunks = ForkedChunks(lambda n: (n * n, os.getpid()), list(range(7)))
    pid = chunks._pid
    results = _collect(chunks)
    assert [square for square, _ in results] == [n * n for n in range(7)]
    assert {worker for _, worker in results} == {pid} and pid != parent
    assert _is_reaped(pid)


def test_the_childs_exception_is_raised_in_the_parent_after_the_results_before_it() -> None:
    def work(n: int) -> int:
        if n == 2:
            raise ValueError(f"chunk {n} is bad")
        return n

    seen: list[int] = []

    async def run() -> None:
        async for result in ForkedChunks(work, [0, 1, 2, 3]).results():
            seen.append(result)

    with pytest.raises(ValueError, match="chunk 2 is bad"):
        asyncio.run(run())
    assert seen == [0, 1]


def test_an_exception_that_cannot_travel_is_reported_by_its_text() -> None:
    class Unpicklable(Exception):
        def __reduce__(self) -> Any:
            raise TypeError("no")

    def work(n: int) -> int:
        raise Unpicklable("the template is broken")

    with pytest.raises(RuntimeFailure, match="composing the mails failed: the template is broken"):
        _collect(ForkedChunks(work, [0]))


def test_a_child_that_dies_is_a_clear_failure_not_a_hang() -> None:
    def work(n: int) -> int:
        if n == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        return n

    with pytest.raises(RuntimeFailure, match="stopped unexpectedly"):
        _collect(ForkedChunks(work, [0, 1, 2]))


def test_stopping_early_kills_and_reaps_the_child() -> None:
    gate = threading.Event()  # never set in the child: it would wait forever

    def work(n: int) -> int:
        if n > 0:
            gate.wait()
        return n

    chunks = ForkedChunks(work, [0, 1, 2])
    pid = chunks._pid
    assert _collect(chunks, stop_after=1) == [0]
    assert _is_reaped(pid)


@pytest.fixture
def server() -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as smtp:
        yield smtp


def _send(t: Tracker, server: SmtpTestServer) -> Any:
    env = {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(server.port),
           "TRACKER_SMTP_SECURITY": "none", "TRACKER_MAIL_FROM": "noreply@bkk.edu.example"}
    return t("remind", "send", "--json", now=NOW, env=env)


def _recorded(t: Tracker) -> list[tuple[Any, ...]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(t.url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(
                "SELECT o.dedupe_key, o.recipient, o.message_id, o.subject, o.message, "
                "o.items, o.state, b.data FROM outbox o "
                "JOIN outbox_body b ON b.digest = o.body_digest ORDER BY o.dedupe_key"))]
    finally:
        engine.dispose()


def test_a_forked_composer_records_and_sends_what_the_sending_process_would(
        tmp_path: Any, server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import tracker.forked

    monkeypatch.setattr(remind, "RECORD_CHUNK", 5)  # several chunks from the example contacts
    forks = []

    class Counted(ForkedChunks[Any, Any]):
        def __init__(self, *args: Any) -> None:
            forks.append(1)
            super().__init__(*args)

    monkeypatch.setattr(tracker.forked, "ForkedChunks", Counted)
    runs = {}
    for name, fork_from in (("here", 10**9), ("forked", 0)):
        monkeypatch.setattr(remind, "FORK_FROM", fork_from)
        t = Tracker(f"sqlite:///{tmp_path / name}.db")
        t.ok("init")
        t.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
        result = _send(t, server)
        assert result.exit_code == 0, result.output
        runs[name] = _recorded(t)
    assert forks == [1]  # the second run only
    assert runs["forked"] == runs["here"]
    assert len(runs["here"]) > 3 * 5
    sent = [m.message_id for m in server.messages]
    assert len(sent) == 2 * len(runs["here"]) and len(set(sent)) == len(runs["here"])


def test_a_mistake_found_while_composing_in_the_child_stops_the_run_cleanly(
        sqlite_tracker: Tracker, server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.reminders.compose import Composer

    monkeypatch.setattr(remind, "RECORD_CHUNK", 5)
    monkeypatch.setattr(remind, "FORK_FROM", 0)
    compose = Composer.compose
    calls = []

    def failing(self: Composer, mail: Any, now: Any) -> Any:
        calls.append(1)
        if len(calls) > 12:  # in the child, two chunks in
            raise RuntimeFailure("template error: 'due' is undefined")
        return compose(self, mail, now)

    monkeypatch.setattr(Composer, "compose", failing)
    sqlite_tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    result = _send(sqlite_tracker, server)
    assert result.exit_code == 1
    assert "template error: 'due' is undefined" in result.output
    assert "Traceback" not in result.output
    assert calls == []  # the parent composed nothing itself
    recorded = _recorded(sqlite_tracker)
    assert len(recorded) == 10  # the two chunks before the mistake
    assert {m.message_id for m in server.messages} <= {row[2] for row in recorded}
