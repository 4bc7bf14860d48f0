"""Mail-server trouble: an outage over simulated hours, a mailbox that never exists, a mailbox
that is always "try later", and a server that swallows a message without answering.

The daemon runs on a simulated clock (an hour per real second) so backoff and the outage are
measured in campaign time, as staff would see them.  Afterwards every mail that could go has
gone exactly once, the hopeless ones stopped at TRACKER_MAX_ATTEMPTS, and what needs a person
shows in `tracker outbox` and in the digest's "problems".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, Tracker
from tests.helpers_campaign import SimClock, outbox_rows, smtp_env, state_counts
from tests.smtp_server import Mode, SmtpTestServer


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the English wording (TRACKER_LANG, as `--lang en`); the Kazakh and
    Russian are tests/test_language_mail.py's."""
    monkeypatch.setenv("TRACKER_LANG", "en")


pytestmark = pytest.mark.timeout(240)

START = datetime.fromisoformat("2017-04-18T02:30:00+00:00")  # before Astana's 09:00
OUTAGE_ENDS = datetime.fromisoformat("2017-04-18T06:00:00+00:00")  # after Aktobe's 09:00 too
SPEED = 3600.0  # one campaign hour per real second
MAX_ATTEMPTS = 4
REFUSED = "edu@astana.example"  # 550: the mailbox does not exist
DEFERRED = "edu@almaty.example"  # 451 forever: the server never takes it
OPEN = {"pending", "claimed", "transmitting"}


class CountingServer(SmtpTestServer):
    """The test server, also counting RCPT commands per address: attempts as the server saw
    them, so "retries stop" is checked on the wire, not only in the ledger."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rcpt: Counter[str] = Counter()
        self._count_lock = threading.Lock()

    def _recipient_reply(self, address: str) -> str | None:
        with self._count_lock:
            self.rcpt[address.lower()] += 1
        return super()._recipient_reply(address)


@pytest.fixture
def campaign(tracker: Tracker) -> Tracker:
    tracker.ok("contacts", "load", str(REPO / "contacts.example.yaml"))
    return tracker


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _daemon(url: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "tracker", "--db", url, "--now",
                                 START.isoformat(), "run", "--tick", "0.2", "--workers", "2",
                                 "--speed", str(SPEED)], env={**os.environ, **env},
                                stdout=out, stderr=out, cwd=REPO)


def test_outage_then_back_delivers_once_and_hopeless_mail_stops_at_the_bound(
        campaign: Tracker, tmp_path: Path) -> None:
    with CountingServer() as server:
        server.reply_for(REFUSED, 550, "5.1.1 no such mailbox")
        server.reply_for(DEFERRED, 451, "4.2.0 try again later")
        server.set_mode(Mode.REFUSE)  # the outage: nothing listens
        env = smtp_env(server, TRACKER_RETRY_BASE="600", TRACKER_RETRY_CAP="1800",
                       TRACKER_MAX_ATTEMPTS=str(MAX_ATTEMPTS))
        clock = SimClock(START, SPEED)
        daemon = _daemon(campaign.url, env, tmp_path / "daemon.log")
        try:
            time.sleep(max(0.0, (OUTAGE_ENDS - clock.now()).total_seconds() / SPEED))
            # A slow start (a loaded machine) puts the daemon's clock behind ours: the outage
            # lasts until it, too, has recorded both zones' reminders and tried to send.
            _wait(lambda: _reminders_tried(campaign.url), 60, "the reminders to be recorded")
            during = outbox_rows(campaign.url)
            server.set_mode(Mode.ACCEPT)  # back, same port; the per-address replies stay
            _wait(lambda: not OPEN & set(state_counts(campaign.url)), 60,
                  "every row to be settled")
            settled = {r["id"]: (r["state"], r["attempts"]) for r in outbox_rows(campaign.url)}
            rcpt_then = dict(server.rcpt)
            time.sleep(2)  # two more campaign hours of ticks: nobody tries the failed again
            rcpt_later = dict(server.rcpt)
            later = {r["id"]: (r["state"], r["attempts"]) for r in outbox_rows(campaign.url)}
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=60)
        log = (tmp_path / "daemon.log").read_text(encoding="utf-8", errors="replace")
        assert daemon.returncode == 0, log[-3000:]
        received = server.messages

    # During the outage: every due reminder recorded and waiting, attempts spent, none lost.
    assert len([r for r in during if r["kind"] == "reminder"]) == 64
    assert all(r["state"] in OPEN for r in during), Counter(r["state"] for r in during)
    assert sum(r["attempts"] for r in during) > 0
    assert not any(r["state"] == "failed" for r in during)
    rows = outbox_rows(campaign.url)
    by_recipient = {r["recipient"]: r for r in rows if r["deadline"] != "digest"}
    arrivals = Counter(m.message_id for m in received)
    assert max(arrivals.values()) == 1, "nothing twice"
    for row in rows:
        if row["recipient"] in (REFUSED, DEFERRED) or row["id"] not in settled:
            continue  # (a digest whose slot the run's last two seconds reached may still wait)
        assert row["state"] == "sent" and arrivals[row["message_id"]] == 1, row
    assert set(arrivals) == {r["message_id"] for r in rows if r["state"] == "sent"}
    # The permanent refusal: failed at the first answer, never delivered, others unaffected.
    refused = by_recipient[REFUSED]
    assert refused["state"] == "failed" and "550" in refused["last_error"]
    assert server_attempts(rcpt_later, REFUSED) == 1
    # The eternal "try later": exactly MAX_ATTEMPTS attempts, then failed, then left alone.
    deferred = by_recipient[DEFERRED]
    assert deferred["state"] == "failed" and deferred["attempts"] == MAX_ATTEMPTS
    assert f"gave up after {MAX_ATTEMPTS} attempts" in deferred["last_error"]
    assert 1 <= server_attempts(rcpt_later, DEFERRED) <= MAX_ATTEMPTS
    assert all(server_attempts(rcpt_then, address) == server_attempts(rcpt_later, address)
               for address in (REFUSED, DEFERRED)), "retries stopped at the bound"
    assert {ident: later[ident] for ident in settled} == settled, "retries stopped at the bound"
    assert all(REFUSED not in m.rcpt_tos and DEFERRED not in m.rcpt_tos for m in received)

    # Staff see both, in the outbox listing and in the digest.
    listing = campaign.ok("outbox", lang="en").stdout
    failed_lines = [line for line in listing.splitlines() if " failed " in line]
    assert {REFUSED, DEFERRED} == {r for line in failed_lines for r in (REFUSED, DEFERRED)
                                   if r in line}
    assert "no such mailbox" in listing and "gave up after" in listing
    assert campaign.json("digest", now="2017-04-18T18:30:00+06:00")["problems"] == {
        "failed": 2, "uncertain": 0}


def _reminders_tried(url: str) -> bool:
    rows = [r for r in outbox_rows(url) if r["kind"] == "reminder"]
    return len(rows) == 64 and sum(r["attempts"] for r in rows) > 0


def server_attempts(rcpt: dict[str, int], address: str) -> int:
    return rcpt.get(address.lower(), 0)


def test_unanswered_body_is_uncertain_shown_to_staff_and_never_resent(
        campaign: Tracker, tmp_path: Path) -> None:
    now = "2017-04-18T10:30:00+06:00"
    with CountingServer() as server:
        server.reply_for(REFUSED, 550, "5.1.1 no such mailbox")
        server.set_mode(Mode.HANG_AFTER_DATA)  # takes the body, never answers
        env = {**os.environ, **smtp_env(server, TRACKER_SMTP_TIMEOUT="2")}
        sender = subprocess.Popen([sys.executable, "-m", "tracker", "--db", campaign.url,
                                   "--now", now, "remind", "send", "--workers", "1", "--json"],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  cwd=REPO)
        _wait(lambda: bool(server.hung_messages), 60, "the first message to hang")
        server.set_mode(Mode.ACCEPT)  # the rest go through
        _, err = sender.communicate(timeout=120)
        assert sender.returncode == 1, err  # one refused, one uncertain: exit 1
        assert b"not delivered: 1 failed, 1 uncertain" in err
        hung = server.hung_messages
        again = campaign("remind", "send", now="2017-04-18T12:00:00+06:00",
                         env=smtp_env(server))
        assert again.exit_code == 0, again.output
        received = server.messages

    assert len(hung) == 1
    uncertain = campaign.json("outbox", "--state", "uncertain")
    assert [r["message_id"] for r in uncertain] == [hung[0].message_id]
    assert "body was sent" in uncertain[0]["last_error"]
    assert hung[0].message_id not in {m.message_id for m in received}, "never resent by itself"
    listing = campaign.ok("outbox", lang="en").stdout
    assert any(" uncertain " in line and uncertain[0]["recipient"] in line
               for line in listing.splitlines())
    assert campaign.json("digest", now="2017-04-18T18:30:00+06:00")["problems"] == {
        "failed": 1, "uncertain": 1}
    page = campaign.ok("digest", "--format", "html", now="2017-04-18T18:30:00+06:00").stdout
    assert uncertain[0]["recipient"] in page and REFUSED in page
