"""A command that sends mail exits 1 when nothing (or not everything) went out.

`remind send`, `digest --send` and `run --once` are run by cron jobs and timers that see only
the exit status: an unreachable server, a refusal (5xx) or an uncertain mail is exit 1 after
the unchanged summary line, with one line saying why; mail the server asked to retry later
(4xx) is not (the next run sends it).  The daemon logs such a tick at WARNING or ERROR.  Real
SMTP test server, real databases; a port nobody listens on for the unreachable server.
"""

from __future__ import annotations

import logging
import socket

import pytest
from click.testing import Result

from tests.conftest import REPO, Tracker
from tests.helpers_campaign import smtp_env
from tests.smtp_server import SmtpTestServer

MORNING = "2017-04-18T09:30:00+06:00"  # 48 reminders due in the twelve UTC+6 regions
DIGEST_EVENING = "2017-04-18T18:30:00+06:00"


def _with_contacts(t: Tracker) -> Tracker:
    t.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    return t


@pytest.fixture
def campaign(tracker: Tracker) -> Tracker:
    return _with_contacts(tracker)  # on both backends


@pytest.fixture
def sqlite_campaign(sqlite_tracker: Tracker) -> Tracker:
    return _with_contacts(sqlite_tracker)


def _free_port() -> int:
    """A port of 127.0.0.1 that nobody listens on (bound, then let go)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _nobody_listening() -> dict[str, str]:
    return {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(_free_port()),
            "TRACKER_SMTP_SECURITY": "none", "TRACKER_SMTP_TIMEOUT": "2",
            "TRACKER_MAIL_FROM": "«Қауіпсіз интернет» <noreply@bkk.edu.example>"}


def _failed_run(result: Result, *words: str) -> str:
    """Exit 1, the summary on stdout, one error line on stderr containing `words`."""
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: not delivered: "), line
    for word in words:
        assert word in line, line
    return line


def test_every_mail_sent_is_exit_0(campaign: Tracker, smtp_server: SmtpTestServer) -> None:
    result = campaign.ok("remind", "send", now=MORNING, lang="en", env=smtp_env(smtp_server))
    assert result.stdout == "recorded 48; sent 48, deferred 0, failed 0, uncertain 0, skipped 0\n"
    assert result.stderr == ""


def test_every_mail_refused_is_exit_1_with_the_summary_unchanged(
        campaign: Tracker, smtp_server: SmtpTestServer) -> None:
    smtp_server.set_mode("defer", code=554, stage="RCPT")  # 5xx to every recipient
    result = campaign("remind", "send", now=MORNING, lang="en", env=smtp_env(smtp_server))
    assert result.stdout == "recorded 48; sent 0, deferred 0, failed 48, uncertain 0, skipped 0\n"
    _failed_run(result, "48 failed", "`tracker outbox`")
    assert len(campaign.json("outbox", "--state", "failed")) == 48


def test_one_refused_recipient_is_exit_1(sqlite_campaign: Tracker,
                                         smtp_server: SmtpTestServer) -> None:
    smtp_server.reply_for("edu@astana.example", 550)
    result = sqlite_campaign("remind", "send", now=MORNING, lang="en", env=smtp_env(smtp_server))
    assert result.stdout.startswith("recorded 48; sent 47, deferred 0, failed 1,")
    _failed_run(result, "1 failed")
    assert len(smtp_server.messages) == 47


def test_no_server_listening_is_exit_1_and_the_mail_waits(campaign: Tracker) -> None:
    result = campaign("remind", "send", "--workers", "1", now=MORNING, lang="en",
                      env=_nobody_listening())
    assert result.stdout == "recorded 48; sent 0, deferred 1, failed 0, uncertain 0, skipped 0\n"
    _failed_run(result, "mail server unreachable (connect to 127.0.0.1:",
                "the mail waits for the next run")
    pending = campaign.json("outbox", "--state", "pending")
    assert len(pending) == 48 and sum(row["attempts"] for row in pending) == 1


def test_the_json_summary_is_printed_and_the_exit_status_is_1(
        sqlite_campaign: Tracker) -> None:
    result = sqlite_campaign("remind", "send", "--json", now=MORNING, lang="en",
                             env=_nobody_listening())
    assert result.exit_code == 1
    import json

    summary = json.loads(result.stdout)
    assert summary["recorded"] == 48 and summary["sent"] == 0
    assert summary["deferred"] >= 1 and summary["failed"] == summary["uncertain"] == 0
    _failed_run(result, "mail server unreachable")


def test_a_temporary_refusal_is_not_a_failure_of_the_run(sqlite_campaign: Tracker,
                                                         smtp_server: SmtpTestServer) -> None:
    """4xx: the server asked to be tried later; the next run does, so exit 0 now."""
    smtp_server.set_mode("defer", code=451, stage="RCPT")
    result = sqlite_campaign.ok("remind", "send", now=MORNING, lang="en", env=smtp_env(smtp_server))
    assert result.stdout == "recorded 48; sent 0, deferred 48, failed 0, uncertain 0, skipped 0\n"
    assert result.stderr == ""


def test_an_uncertain_mail_is_exit_1(sqlite_campaign: Tracker,
                                     smtp_server: SmtpTestServer) -> None:
    smtp_server.set_mode("hang_after_data")
    result = sqlite_campaign("remind", "send", "--workers", "1", now=MORNING, lang="en",
                             env=smtp_env(smtp_server, TRACKER_SMTP_TIMEOUT="1",
                                          TRACKER_SMTP_UNCERTAIN_LIMIT="1"))
    assert result.exit_code == 1
    assert result.stdout.startswith("recorded 48; sent 0, deferred 0, failed 0, uncertain 1,")
    (line,) = result.stderr.splitlines()
    assert "never answered" in line  # the breaker's reason says why the run stopped


@pytest.mark.parametrize("server_state", ["refusing", "not listening", "accepting"])
def test_digest_send_exit_status(sqlite_campaign: Tracker, smtp_server: SmtpTestServer,
                                 server_state: str) -> None:
    env = smtp_env(smtp_server)
    if server_state == "refusing":
        smtp_server.set_mode("defer", code=550, stage="MAIL")
    elif server_state == "not listening":
        env = _nobody_listening()
    result = sqlite_campaign("digest", "--send", now=DIGEST_EVENING, lang="en", env=env)
    assert result.stdout.startswith("digest for 2017-04-18: recorded 2 mail(s)\ndelivery: ")
    if server_state == "accepting":
        assert result.exit_code == 0, result.output
        assert result.stdout.endswith("delivery: sent 2\n")
        return
    if server_state == "refusing":
        assert result.stdout.endswith("delivery: failed 2\n")
        _failed_run(result, "2 failed")
    else:
        _failed_run(result, "mail server unreachable", "waits for the next run")


@pytest.mark.parametrize(("server_state", "level"), [
    ("refusing", logging.ERROR), ("not listening", logging.WARNING),
    ("deferring", logging.WARNING), ("accepting", logging.INFO)])
def test_the_daemon_logs_a_tick_by_what_became_of_its_mail(
        sqlite_campaign: Tracker, smtp_server: SmtpTestServer, caplog: pytest.LogCaptureFixture,
        server_state: str, level: int) -> None:
    env = smtp_env(smtp_server)
    if server_state == "refusing":
        smtp_server.set_mode("defer", code=554, stage="RCPT")
    elif server_state == "deferring":
        smtp_server.set_mode("defer", code=451, stage="RCPT")
    elif server_state == "not listening":
        env = _nobody_listening()
    with caplog.at_level(logging.INFO, logger="tracker.daemon"):
        result = sqlite_campaign("run", "--once", now=MORNING, env=env)
    ticks = [r for r in caplog.records if r.name == "tracker.daemon"
             and r.getMessage().startswith("tick at ")]
    assert [r.levelno for r in ticks] == [level], caplog.text
    troubles = [r for r in caplog.records if r.getMessage().startswith("not delivered: ")]
    # `run --once` exits as `remind send` would
    if server_state in ("refusing", "not listening"):
        assert result.exit_code == 1, result.output
        assert [r.levelno for r in troubles] == [level]
    else:
        assert result.exit_code == 0, result.output
        assert troubles == []
