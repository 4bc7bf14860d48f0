"""Mails composed in a forked child (tracker.mail.forked): the same rows as composing them in the
sending process, the child's failures surfacing as the parent's, and no child left behind."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import REPO, Tracker
from tests.smtp_server import SmtpTestServer
from tracker.errors import RuntimeFailure
from tracker.mail import forked as forked_module
from tracker.mail import tick as remind
from tracker.mail.forked import ForkedChunks

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


def test_a_process_running_other_threads_does_not_fork() -> None:
    from tracker.mail.forked import may_fork

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not may_fork()
    finally:
        release.set()
        other.join()


@pytest.fixture
def server() -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as smtp:
        yield smtp


# `remind send` in a process of its own: only a single-threaded process forks (tracker.mail.forked),
# and this one runs the SMTP server's thread.  The run composes in chunks of 5 from the first
# mail on, counts its forks, and may make one mail's composing fail.
_RUN = """
import sys
import tracker.mail.forked as forked
import tracker.mail.tick as remind
from tracker.errors import RuntimeFailure
from tracker.mail.compose import Composer

forked.FORK_FROM, remind.RECORD_CHUNK = 0, 5
made = []

class Counted(forked.ForkedChunks):
    def __init__(self, *args):
        made.append(1)
        super().__init__(*args)

forked.ForkedChunks = Counted
fail_after = int(sys.argv[1])
compose, calls = Composer.compose, []

def composing(self, mail, now, *rest):
    calls.append(1)
    if fail_after < 0 and len(calls) == -fail_after:  # this one mail's own problem
        from notifications.errors import InvalidAddressError
        raise InvalidAddressError("recipient #1 contains a control character")
    if fail_after > 0 and len(calls) > fail_after:
        raise RuntimeFailure("template error: 'due' is undefined")
    return compose(self, mail, now, *rest)

Composer.compose = composing
sys.argv = ["tracker", *sys.argv[2:]]
try:
    from tracker.cli.entry import main
    main()
finally:
    print(f"forks={len(made)} composed-here={len(calls)}", file=sys.stderr)
"""


def _env(server: SmtpTestServer) -> dict[str, str]:
    return {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(server.port),
            "TRACKER_SMTP_SECURITY": "none", "TRACKER_MAIL_FROM": "noreply@bkk.edu.example"}


def _send_in_own_process(t: Tracker, server: SmtpTestServer, fail_after: int = 0
                         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _RUN, str(fail_after), "--db", t.url, "--now", NOW,
         "remind", "send", "--json"],
        env={**os.environ, **_env(server)}, capture_output=True, text=True, timeout=120)


def _campaign(url: str) -> Tracker:
    t = Tracker(url)
    t.ok("init")
    t.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    return t


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
    here = _campaign(f"sqlite:///{tmp_path / 'here.db'}")
    monkeypatch.setattr(forked_module, "FORK_FROM", 0)  # this process has threads: it must not fork
    monkeypatch.setattr(remind, "RECORD_CHUNK", 5)
    result = here("remind", "send", "--json", now=NOW, env=_env(server))
    assert result.exit_code == 0, result.output
    sent_here = sorted(m.data for m in server.messages)
    server.clear()

    forked = _campaign(f"sqlite:///{tmp_path / 'forked.db'}")
    run = _send_in_own_process(forked, server)
    assert run.returncode == 0, run.stderr
    assert "forks=1 composed-here=0" in run.stderr  # the child composed every mail
    assert _recorded(forked) == _recorded(here)
    assert len(_recorded(here)) > 3 * 5
    assert sorted(m.data for m in server.messages) == sent_here


def test_a_mistake_found_while_composing_in_the_child_stops_the_run_cleanly(
        tmp_path: Any, server: SmtpTestServer) -> None:
    t = _campaign(f"sqlite:///{tmp_path / 'tracker.db'}")
    run = _send_in_own_process(t, server, fail_after=12)  # in the child, two chunks in
    assert run.returncode == 1, run.stderr
    assert "template error: 'due' is undefined" in run.stderr
    assert "Traceback" not in run.stderr
    assert "forks=1 composed-here=0" in run.stderr
    recorded = _recorded(t)
    assert len(recorded) == 10  # the two chunks before the mistake
    assert {m.message_id for m in server.messages} <= {row[2] for row in recorded}
    again = _send_in_own_process(t, server)  # mended: the next run records the rest, once
    assert again.returncode == 0, again.stderr
    ids = [m.message_id for m in server.messages]
    assert len(ids) == len(set(ids)) == len(_recorded(t)) > 10


def test_one_mail_that_cannot_be_composed_in_the_child_fails_alone(
        tmp_path: Any, server: SmtpTestServer) -> None:
    """Issue 12 item 3 on the forked path: the child records the mail `failed` with the reason,
    as the sending process would, and every other mail goes out."""
    t = _campaign(f"sqlite:///{tmp_path / 'tracker.db'}")
    run = _send_in_own_process(t, server, fail_after=-7)
    assert run.returncode == 1, run.stderr  # one mail failed: exit 1, after the summary
    assert ("қате: хаттар жеткізілмеді — құрастырылмады: 1; қараңыз: `tracker outbox`"
            in run.stderr)
    assert "forks=1 composed-here=0" in run.stderr
    summary = json.loads(run.stdout)
    failed = t.json("outbox", "--state", "failed")
    assert len(failed) == 1 and "InvalidAddressError" in failed[0]["last_error"]
    assert summary["sent"] == len(server.messages) == summary["recorded"] - 1 > 10
