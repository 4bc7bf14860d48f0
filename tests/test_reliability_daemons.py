"""Several daemons, killed at random and restarted, over a whole simulated campaign.

Three `tracker run` processes share one PostgreSQL database (two share one SQLite file) while
the campaign's clock runs from the first reminder day to the last, some twenty thousand times
faster than real time.  Every second or two one of them is killed with SIGKILL — no clean-up, no
goodbye, in the middle of whatever it was doing — and started again.  At the end the mail server
must have received every mail exactly once, except the ones the ledger honestly calls
`uncertain` (killed while the body was on the wire: those arrived at most once), and the outbox
must hold exactly the reminders `tracker simulate` predicted, each settled.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import REPO, Tracker
from tests.helpers_campaign import (
    DaemonPool,
    SimClock,
    many_contacts,
    outbox_rows,
    predicted_reminders,
    smtp_env,
)
from tests.smtp_server import SmtpTestServer

pytestmark = pytest.mark.timeout(300)

SEED = 2017_04_10
START = datetime.fromisoformat("2017-04-17T20:00:00+00:00")  # 18 April, 02:00 in Astana
END = datetime.fromisoformat("2017-05-05T06:00:00+00:00")  # after the last 09:00 of 5 May
COPIES = 2  # two addresses per (region, body): 132 recipients, over 1300 reminders
KILL_EVERY = (0.5, 3.0)  # real seconds between kills, drawn from the seeded generator


def test_daemons_killed_at_random_deliver_every_mail_exactly_once(db_url: str,
                                                                   tmp_path: Path) -> None:
    sqlite = db_url.startswith("sqlite")
    daemons, speed = (2, 25_000.0) if sqlite else (3, 20_000.0)
    tracker = Tracker(db_url, now="2017-04-01T09:00:00+06:00")
    tracker.ok("init")
    tracker.ok("contacts", "load", str(many_contacts(COPIES, tmp_path / "contacts.yaml")))
    predicted = predicted_reminders(tracker.ok(
        "simulate", "--from", "2017-04-18", "--to", "2017-05-05", "--json").stdout)
    assert len(predicted) >= 1000

    rng = random.Random(SEED)
    with SmtpTestServer() as server:
        env = smtp_env(server)
        pool = DaemonPool(db_url, env, tmp_path / "logs", daemons)
        clock = SimClock(START, speed)
        for slot in range(daemons):
            pool.start(slot, clock.now(), speed)
        next_kill = time.monotonic() + rng.uniform(*KILL_EVERY)
        while clock.now() < END:
            time.sleep(0.02)
            for slot, process in enumerate(pool.processes):
                assert process is None or process.poll() is None, (
                    f"daemon {slot} stopped by itself:\n{pool.log_text()[-3000:]}")
            if time.monotonic() >= next_kill:
                slot = rng.randrange(daemons)
                pool.kill(slot)
                pool.start(slot, clock.now(), speed)
                next_kill = time.monotonic() + rng.uniform(*KILL_EVERY)
        pool.stop_all(graceful=False)  # the last crash: every daemon at once
        # A daemon restarted after the last reminder day settles what the dead ones left.
        drain = subprocess.run([sys.executable, "-m", "tracker", "--db", db_url, "--now",
                                END.isoformat(), "run", "--once"], env={**os.environ, **env},
                               capture_output=True, text=True, timeout=120, cwd=REPO)
        assert drain.returncode == 0, drain.stderr
        received = server.messages

    rows = outbox_rows(db_url)
    states = Counter(r["state"] for r in rows)
    log = pool.log_text() + drain.stderr
    arrivals = Counter(m.message_id for m in received)
    summary = (f"{len(predicted)} predicted, {len(received)} received, {pool.kills} kills, "
               f"{pool.started} starts, outbox {dict(states)}")
    print(summary)

    assert pool.kills >= 10, summary
    assert set(states) <= {"sent", "skipped", "uncertain"}, summary  # nothing left open
    reminders = {(r["deadline"], r["stage"], r["recipient"].lower())
                 for r in rows if r["kind"] == "reminder"}
    assert reminders == predicted, "nothing lost, nothing invented"
    assert max(arrivals.values()) == 1, "no mail arrived twice"
    by_id = {r["message_id"]: r for r in rows}
    assert set(arrivals) <= set(by_id), "every mail received is in the ledger"
    for row in rows:
        count = arrivals.get(row["message_id"], 0)
        if row["state"] == "sent":
            assert count == 1, row
        elif row["state"] == "uncertain":
            assert count <= 1 and "stopped while the message was being transmitted" in (
                row["last_error"]), row
        else:  # skipped: overtaken by a later reminder to the same person, never sent
            assert count == 0, row
            assert any(o["recipient"] == row["recipient"] and o["id"] != row["id"]
                       and o["state"] != "skipped" and o["kind"] == row["kind"]
                       for o in rows), row
    uncertain = [r for r in rows if r["state"] == "uncertain"]
    assert len(uncertain) <= pool.kills * pool.workers, "at most the mails in flight per kill"
    for problem in ("Traceback", "database is locked", "tick failed", "deadlock"):
        assert problem not in log, problem
