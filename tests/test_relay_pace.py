"""The relay's pace: a message rate, connections at once and messages per connection, kept by
every worker of every sender on one database, and a relay that says slow down.

The mail server is the real test server (aiosmtpd), which notes when each MAIL command came
and the most connections open at once: what a throttling relay counts.  The rate is checked
over real time with small windows (`8/s`); the relay counts on its own clock, so a window is
allowed half an interval of timing noise, never a message more.
"""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import REPO, Tracker, dump_database
from tests.helpers_campaign import outbox_rows, smtp_env
from tests.smtp_server import Mode, ReceivedMessage, SmtpTestServer
from tracker.mail import relay
from tracker.mail.senders import RetryPolicy
from tracker.store.database import Database


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English wording (TRACKER_LANG, as `--lang en`); the Kazakh and
    Russian are tests/test_language_mail.py's."""
    monkeypatch.setenv("TRACKER_LANG", "en")


pytestmark = pytest.mark.timeout(180)

MORNING = "2017-04-18T09:30:00+06:00"  # the twelve UTC+6 regions' first reminders are due
RATE, PER_SECOND = "8/s", 8
INTERVAL = 1 / PER_SECOND


@pytest.fixture
def campaign(tracker: Tracker) -> Tracker:
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    return tracker


@pytest.fixture
def server() -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as smtp:
        yield smtp


def _send(t: Tracker, server: SmtpTestServer, now: str = MORNING, *args: str,
          **extra: str) -> dict[str, Any]:
    result = t("remind", "send", "--json", *args, now=now, env=smtp_env(server, **extra))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _most_in_window(messages: list[ReceivedMessage], width: float) -> int:
    """The most messages whose MAIL came within any window of `width` seconds."""
    times = sorted(m.began for m in messages)
    most = first = 0
    for last, moment in enumerate(times):
        while times[first] <= moment - width:
            first += 1
        most = max(most, last - first + 1)
    return most


def _assert_rate_kept(messages: list[ReceivedMessage]) -> None:
    assert len(messages) > 2 * PER_SECOND, "enough mail to fill several windows"
    times = sorted(m.began for m in messages)
    late = [round(t - times[0] - i * INTERVAL, 3) for i, t in enumerate(times)]
    assert _most_in_window(messages, 1.0 - INTERVAL / 2) <= PER_SECOND, late
    assert times[-1] - times[0] >= (len(times) - 1) * INTERVAL - INTERVAL / 2, "paced, not late"


def _once_each(server: SmtpTestServer, rows: list[dict[str, Any]]) -> None:
    arrivals = Counter(m.message_id for m in server.messages)
    assert max(arrivals.values()) == 1, "no mail twice"
    assert {r["message_id"] for r in rows if r["state"] == "sent"} == set(arrivals)
    assert {r["state"] for r in rows} == {"sent"}, Counter(r["state"] for r in rows)


# -- the variables ----------------------------------------------------------------------------


@pytest.mark.parametrize(("variable", "value"), [
    ("TRACKER_SMTP_RATE", "fast"), ("TRACKER_SMTP_RATE", "0/min"),
    ("TRACKER_SMTP_RATE", "30/fortnight"), ("TRACKER_SMTP_CONNECTIONS", "0"),
    ("TRACKER_SMTP_CONNECTIONS", "two"), ("TRACKER_SMTP_MESSAGES_PER_CONNECTION", "-5"),
])
def test_a_bad_pace_is_one_line_naming_the_variable_exit_2_nothing_recorded(
        campaign: Tracker, server: SmtpTestServer, variable: str, value: str) -> None:
    before = dump_database(campaign.url)
    result = campaign("remind", "send", now=MORNING, env=smtp_env(server, **{variable: value}))
    assert result.exit_code == 2, result.output
    assert variable in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert dump_database(campaign.url) == before
    assert server.connections == 0


def test_daemon_refuses_a_bad_pace_at_start(campaign: Tracker, server: SmtpTestServer) -> None:
    result = campaign("run", "--once", now=MORNING,
                      env=smtp_env(server, TRACKER_SMTP_RATE="lots"))
    assert result.exit_code == 2 and "TRACKER_SMTP_RATE" in result.stderr
    assert campaign.json("outbox") == []


def test_doctor_shows_the_pace(campaign: Tracker, server: SmtpTestServer) -> None:
    env = smtp_env(server, TRACKER_SMTP_RATE="30/min", TRACKER_SMTP_CONNECTIONS="2",
                   TRACKER_SMTP_MESSAGES_PER_CONNECTION="100")
    found = {f["area"]: f
             for f in campaign.json("doctor", "--no-smtp", lang="en", env=env)["findings"]}
    assert found["pace"]["status"] == "ok"
    assert found["pace"]["detail"] == ("at most 30/min (a message every 2 s), 2 connection(s) "
                                       "at once, 100 message(s) per connection, shared by every "
                                       "sender on the database")
    unset = {f["area"]: f for f in campaign.json("doctor", "--no-smtp", lang="en",
                                                 env=smtp_env(server))["findings"]}
    assert unset["pace"]["detail"].startswith("no limit set")
    bad = campaign("doctor", "--no-smtp", lang="en",
                   env={**env, "TRACKER_SMTP_CONNECTIONS": "lots"})
    assert bad.exit_code == 1
    assert "problem  pace: mail configuration: TRACKER_SMTP_CONNECTIONS must be" in bad.stdout


# -- the shared state, statement by statement -------------------------------------------------


@pytest.fixture
def two_handles(tracker: Tracker) -> Iterator[tuple[Database, Database]]:
    """Two handles on one database, as two processes have."""
    first, second = Database(tracker.url), Database(tracker.url)
    try:
        yield first, second
    finally:
        first.dispose()
        second.dispose()


T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_turns_are_one_interval_apart_across_processes(
        two_handles: tuple[Database, Database]) -> None:
    step = timedelta(seconds=2)
    turns = []
    for n in range(6):
        with two_handles[n % 2].writing() as conn:
            turns += relay.reserve_turns(conn, [("relay:25", step, lambda: T0)] * (1 + n % 2))
    assert turns == [T0 + i * step for i in range(9)]
    later = T0 + timedelta(minutes=5)  # idle a while: the next turn is now, no burst saved up
    with two_handles[0].writing() as conn:
        assert relay.reserve_turns(conn, [("relay:25", step, lambda: later)]) == [later]
        assert relay.reserve_turns(conn, [("other:25", step, lambda: T0)]) == [T0]


def test_a_pause_is_shared_and_doubles_while_the_relay_keeps_refusing(
        two_handles: tuple[Database, Database]) -> None:
    policy = RetryPolicy(base=60, cap=200)
    first, second = two_handles
    with first.writing() as conn:
        until = relay.pause(conn, "relay:25", T0, "421 slow down", policy)
    assert until == T0 + timedelta(seconds=60)
    with second.writing() as conn:  # another worker refused meanwhile: the same pause
        assert relay.pause(conn, "relay:25", T0 + timedelta(seconds=5), "421", policy) == until
        seen = relay.pause_of(conn, "relay:25")
    assert seen.holds(T0 + timedelta(seconds=59)) and not seen.holds(until)
    assert (seen.pauses, seen.refusal) == (1, "421 slow down")
    after = until + timedelta(seconds=1)
    with second.writing() as conn:
        assert relay.pause(conn, "relay:25", after, "421", policy) == after + timedelta(seconds=120)
    again = after + timedelta(seconds=121)
    with first.writing() as conn:  # capped
        assert relay.pause(conn, "relay:25", again, "421", policy) == again + timedelta(seconds=200)
        relay.resume(conn, [("relay:25",)])
    done = again + timedelta(seconds=201)
    with first.writing() as conn:  # a message went out: back to the shortest
        assert relay.pause(conn, "relay:25", done, "421", policy) == done + timedelta(seconds=60)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_slots_are_held_once_and_taken_back_from_the_dead(
        two_handles: tuple[Database, Database]) -> None:
    policy = RetryPolicy(lease=600)
    host = socket.gethostname()
    first, second = two_handles
    alive, other = f"{host}:{os.getppid()}:aaaa", f"{host}:{os.getppid()}:bbbb"
    with first.writing() as conn:
        assert relay.take_slot(conn, "relay:25", 2, alive, T0, policy) == 0
    with second.writing() as conn:
        assert relay.take_slot(conn, "relay:25", 2, alive, T0, policy) == 1
        assert relay.take_slot(conn, "relay:25", 2, alive, T0, policy) is None, "all held"
        relay.free_slot(conn, "relay:25", 1, alive)
        assert relay.take_slot(conn, "relay:25", 2, alive, T0, policy) == 1
    dead = f"{host}:{_dead_pid()}:cccc"
    elsewhere = "another-host:4242:dddd"
    with first.writing() as conn:
        relay.free_slot(conn, "relay:25", 0, alive)
        relay.free_slot(conn, "relay:25", 1, alive)
        assert relay.take_slot(conn, "relay:25", 2, elsewhere, T0, policy) == 0
        assert relay.take_slot(conn, "relay:25", 2, dead, T0, policy) == 1
    with second.writing() as conn:  # a dead process's slot at once; another host's after the lease
        assert relay.take_slot(conn, "relay:25", 2, other, T0, policy) == 1
        assert relay.take_slot(conn, "relay:25", 2, other, T0 + timedelta(seconds=599),
                               policy) is None
        relay.renew_slots(conn, [("relay:25", elsewhere, T0 + timedelta(seconds=300))])
        assert relay.take_slot(conn, "relay:25", 2, other, T0 + timedelta(seconds=601),
                               policy) is None, "renewed: still alive"
        assert relay.take_slot(conn, "relay:25", 2, other, T0 + timedelta(seconds=901),
                               policy) == 0


# -- against the test server ------------------------------------------------------------------


def test_one_sender_with_several_workers_keeps_the_rate_and_the_connections(
        campaign: Tracker, server: SmtpTestServer) -> None:
    result = _send(campaign, server, MORNING, "--workers", "4", TRACKER_SMTP_RATE=RATE,
                   TRACKER_SMTP_CONNECTIONS="2")
    assert result["sent"] == result["recorded"] == len(server.messages)
    _assert_rate_kept(server.messages)
    assert server.most_open == 2 and server.connections == 2
    _once_each(server, outbox_rows(campaign.url))


def test_no_pace_set_sends_at_full_speed(campaign: Tracker, server: SmtpTestServer) -> None:
    result = _send(campaign, server, MORNING, "--workers", "4")
    assert result["sent"] == result["recorded"] > 2 * PER_SECOND
    assert _most_in_window(server.messages, 1.0) > PER_SECOND
    assert server.most_open >= 3  # a connection per worker with a batch (20 rows each)


def test_messages_per_connection_are_capped_by_new_connections(
        campaign: Tracker, server: SmtpTestServer) -> None:
    result = _send(campaign, server, MORNING, "--workers", "1",
                   TRACKER_SMTP_MESSAGES_PER_CONNECTION="5")
    sent = result["sent"]
    assert sent == result["recorded"] > 10 and result["deferred"] == 0
    per_connection = Counter(m.connection for m in server.messages)
    assert max(per_connection.values()) == 5
    assert server.connections == len(per_connection) == math.ceil(sent / 5)


def _sender(url: str, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tracker", "--db", url, "--now", MORNING,
                             *args], env={**os.environ, **env}, cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_three_sender_processes_share_the_rate_the_connections_and_the_cap(
        campaign: Tracker, server: SmtpTestServer) -> None:
    """Two `remind send` and a daemon's tick on one database at once: together they never
    exceed the rate, the connections, or the messages per connection."""
    env = smtp_env(server, TRACKER_SMTP_RATE=RATE, TRACKER_SMTP_CONNECTIONS="2",
                   TRACKER_SMTP_MESSAGES_PER_CONNECTION="7")
    processes = [_sender(campaign.url, env, "remind", "send", "--json", "--workers", "3"),
                 _sender(campaign.url, env, "remind", "send", "--json", "--workers", "2"),
                 _sender(campaign.url, env, "run", "--once", "--workers", "4")]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, (out, err)
        assert "Traceback" not in err and "database is locked" not in err
    sends = [json.loads(out) for out, _ in outputs[:2]]
    rows = outbox_rows(campaign.url)
    assert sum(s["recorded"] for s in sends) <= len(rows)
    _once_each(server, rows)
    _assert_rate_kept(server.messages)
    assert server.most_open <= 2
    assert max(Counter(m.connection for m in server.messages).values()) <= 7


def test_a_421_pauses_every_sender_and_the_mail_goes_out_later_unblamed(
        campaign: Tracker, server: SmtpTestServer) -> None:
    server.slow_down_after = 10
    first = campaign("remind", "send", now=MORNING, env=smtp_env(server))
    assert first.exit_code == 0, first.output
    sent = len(server.messages)
    assert 10 <= sent < 10 + 4, "the messages already under way when it said so go through"
    assert f"sent {sent}, deferred " in first.stdout and "failed 0" in first.stdout
    assert "asked to slow down (MAIL FROM: 421 4.7.0 Too many messages, slow down)" in (
        first.stdout)
    assert "sending paused until 2017-04-18T09:31:00+06:00" in first.stdout  # the retry base
    rows = outbox_rows(campaign.url)
    waiting = [r for r in rows if r["state"] == "pending"]
    assert len(waiting) == len(rows) - sent > 10
    assert all(r["attempts"] == 0 for r in waiting), "the recipients are not blamed"
    refused = [r for r in waiting if r["last_error"]]
    assert 1 <= len(refused) <= 4  # the messages in flight when the relay said it
    assert all("asked to slow down" in r["last_error"] for r in refused)

    server.slow_down_after = None
    during = _send(campaign, server, "2017-04-18T09:30:30+06:00")  # another run sees the pause
    assert during["sent"] == 0 and during["paused"] == 0 and len(server.messages) == sent
    doctor = {f["area"]: f for f in campaign.json(
        "doctor", "--no-smtp", lang="en", now="2017-04-18T09:30:30+06:00",
        env=smtp_env(server))["findings"]}
    assert "sending paused until 2017-04-18T03:31:00+00:00" in doctor["pace"]["detail"]
    after = _send(campaign, server, "2017-04-18T09:32:00+06:00")
    assert after["sent"] == len(waiting) and after["deferred"] == after["failed"] == 0
    rows = outbox_rows(campaign.url)
    _once_each(server, rows)
    assert all(r["attempts"] == 1 for r in rows), "one attempt each: the one that went out"


def test_a_451_about_rate_pauses_but_a_451_about_the_mailbox_defers_only_it(
        campaign: Tracker, server: SmtpTestServer) -> None:
    server.set_mode(Mode.DEFER, code=451, text="4.7.1 Rate limit exceeded, try later",
                    stage="RCPT")
    limited = _send(campaign, server, MORNING)
    assert limited["sent"] == 0 and limited["failed"] == 0 and limited["paused"] > 0
    assert all(r["attempts"] == 0 for r in outbox_rows(campaign.url))
    server.reset()
    server.reply_for("edu@astana.example", 451, "4.2.1 Mailbox busy")
    later = _send(campaign, server, "2017-04-18T09:35:00+06:00")
    assert later["deferred"] == 1 and later["sent"] == limited["recorded"] - 1
    (busy,) = [r for r in outbox_rows(campaign.url) if r["state"] == "pending"]
    assert busy["recipient"] == "edu@astana.example" and busy["attempts"] == 1


def test_a_worker_refused_for_the_pace_hands_the_rest_back_untouched(
        campaign: Tracker, server: SmtpTestServer) -> None:
    server.set_mode(Mode.DEFER, code=421, text="4.7.0 Too many connections, slow down")
    paused = _send(campaign, server, MORNING, "--workers", "1")
    assert paused["sent"] == paused["failed"] == 0 and paused["deferred"] == 1
    assert paused["paused"] == 20 - 1, "the rest of its batch; nothing more was claimed"
    rows = outbox_rows(campaign.url)
    assert {r["state"] for r in rows} == {"pending"} and {r["attempts"] for r in rows} == {0}
    assert {r["claimed_by"] for r in rows} == {None}
    assert server.connections == 1, "the run stopped at the first refusal"


@pytest.mark.parametrize(("code", "detail", "pace"), [
    (421, "MAIL FROM: 421 4.3.2 Service shutting down, closing connection", True),
    (421, "connect to relay:25: 421 4.7.0 Too many connections", True),
    (451, "RCPT TO:<a@b.kz>: 451 4.7.1 Rate limit exceeded", True),
    (450, "MAIL FROM: 450 4.7.28 sending too fast, slow down", True),
    (452, "RCPT TO:<a@b.kz>: 452 4.5.3 Too many messages per hour, throttled", True),
    (451, "RCPT TO:<rate@b.kz>: 451 4.3.0 Local error, try again later", False),
    (450, "RCPT TO:<a@b.kz>: 450 4.2.1 Mailbox busy, try again later", False),
    (452, "end of DATA: 452 4.3.1 Insufficient storage", False),
    (None, "connect to relay:25: timeout: rate", False),
])
def test_which_refusals_are_about_our_pace(code: int | None, detail: str, pace: bool) -> None:
    from notifications.outcome import Outcome, SendResult, relay_throttled

    assert relay_throttled(SendResult(Outcome.DEFERRED, code, detail)) is pace
    assert not relay_throttled(SendResult(Outcome.FAILED, 554, "554 5.7.1 rate limit"))


def test_only_the_relay_module_writes_the_relay_tables() -> None:
    import ast

    writers = {}
    for path in sorted((REPO / "tracker").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("update", "insert", "delete", "upsert_insert")
                    and any(isinstance(a, ast.Name) and a.id in ("RELAY", "RELAY_SLOT")
                            for a in node.args)):
                name = path.relative_to(REPO).as_posix()
                writers[name] = writers.get(name, 0) + 1
    assert set(writers) == {"tracker/mail/relay.py"}, writers
