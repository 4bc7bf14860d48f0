"""Big simulated campaigns for the reliability drills: many recipients, daemons, a master clock.

The bundled contacts give 66 agency recipients (about 650 reminders over the campaign).  The
drills need more than a thousand, so `many_contacts` copies every agency contact under new
addresses (`edu@astana.example` → `edu.2@astana.example`, ...): each copy is a recipient of its
own with the same duties, so the plan's real calendar decides when each mail is due.

The daemons are real `python -m tracker ... run` processes.  Their simulated clocks start at the
`--now` they are given and run `speed` times real time, so `SimClock` keeps the one timeline
every (re)started daemon joins.  Their logs go to files, not pipes: a daemon that logs a line per
mail would block on a full pipe nobody reads.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO, Tracker
from tests.smtp_server import SmtpTestServer


def many_contacts(copies: int, path: Path, *, managers: bool = True) -> Path:
    """Write a contacts file with every agency contact of the example `copies` times."""
    source = yaml.safe_load((REPO / "contacts.example.yaml").read_text(encoding="utf-8"))
    contacts = []
    for entry in source["contacts"]:
        local, domain = entry["email"].split("@", 1)
        for copy in range(1, copies + 1):
            email = entry["email"] if copy == 1 else f"{local}.{copy}@{domain}"
            contacts.append({**entry, "email": email, "name": f"{entry['name']} ({copy})"})
    data: dict[str, Any] = {"reply_to": source["reply_to"], "contacts": contacts}
    if managers:
        data["managers"] = source["managers"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


REGIONS = ("akmola", "aktobe", "almaty_region", "atyrau", "east_kazakhstan", "zhambyl",
           "west_kazakhstan", "karaganda", "kostanay", "kyzylorda", "mangystau", "pavlodar",
           "north_kazakhstan", "south_kazakhstan", "astana", "almaty")
"""The 16 regions of 2017 in plan order."""


def busy_campaign(tracker: Tracker) -> None:
    """A late-April state: each region has marked a different number of items for two of its
    bodies, with a note each time (hundreds of changes), half the regions sent their report."""
    for number, region in enumerate(REGIONS):
        for body in ("education", "internal_policy"):
            tracker.ok("mark", f"1-{8 + number}", "--region", region, "--body", body,
                       "--note", "Протокол №12 от 14.04, фотоотчёт",
                       now=f"2017-04-{12 + number % 10:02d}T10:00:00+06:00")
        if number % 2:
            tracker.ok("report", "set", region, "--class-hours", "120",
                       "--children-reached", "5400")
            tracker.ok("report", "submit", region, now="2017-04-25T17:00:00+06:00")


def smtp_env(server: SmtpTestServer, **extra: str) -> dict[str, str]:
    """The environment a tracker process needs to reach the plain test server."""
    return {"TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(server.port),
            "TRACKER_SMTP_SECURITY": "none",
            "TRACKER_MAIL_FROM": "«Қауіпсіз интернет» <noreply@bkk.edu.example>",
            "TRACKER_REPLY_TO": "safe-internet@bkk.edu.example", "TRACKER_SMTP_TIMEOUT": "5",
            **extra}


class SimClock:
    """The campaign's simulated time: `start` at creation, then `speed` times real time."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.start = start
        self.speed = speed
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._t0) * self.speed)

    def real_seconds_until(self, moment: datetime) -> float:
        return max(0.0, (moment - self.now()).total_seconds() / self.speed)


@dataclass
class DaemonPool:
    """`size` daemon slots on one database; a slot can be SIGKILLed and started again."""

    url: str
    env: dict[str, str]
    logs: Path
    size: int
    tick: float = 0.2
    workers: int = 2
    processes: list[subprocess.Popen[bytes] | None] = field(default_factory=list)
    started: int = 0
    kills: int = 0
    exit_codes: Counter[int] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.processes = [None] * self.size
        self.logs.mkdir(parents=True, exist_ok=True)

    def start(self, slot: int, now: datetime, speed: float) -> None:
        """Start the daemon of `slot` with its clock at `now`."""
        self.started += 1
        log = (self.logs / f"daemon-{self.started:03d}.log").open("wb")
        command = [sys.executable, "-m", "tracker", "--db", self.url,
                   "--now", now.isoformat(), "run", "--tick", str(self.tick),
                   "--workers", str(self.workers), "--speed", str(speed)]
        self.processes[slot] = subprocess.Popen(command, env={**os.environ, **self.env},
                                                stdout=log, stderr=log, cwd=REPO)
        log.close()

    def kill(self, slot: int) -> None:
        """SIGKILL, then reap: an unreaped zombie would still look alive to `recover`."""
        process = self.processes[slot]
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            self.kills += 1
        self.exit_codes[process.wait(timeout=30)] += 1
        self.processes[slot] = None

    def stop_all(self, graceful: bool = True) -> None:
        """SIGTERM (the message in flight finishes) or SIGKILL every daemon, and reap them."""
        for slot, process in enumerate(self.processes):
            if process is None:
                continue
            if graceful:
                process.send_signal(signal.SIGTERM)
                try:
                    self.exit_codes[process.wait(timeout=60)] += 1
                except subprocess.TimeoutExpired:
                    process.kill()
                    self.exit_codes[process.wait(timeout=30)] += 1
                self.processes[slot] = None
            else:
                self.kill(slot)

    def alive(self) -> list[int]:
        return [slot for slot, p in enumerate(self.processes)
                if p is not None and p.poll() is None]

    def log_text(self) -> str:
        return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                         for p in sorted(self.logs.glob("daemon-*.log")))


def outbox_rows(url: str) -> list[dict[str, Any]]:
    """Every outbox row straight from the database (faster than the CLI for thousands)."""
    from sqlalchemy import create_engine, select

    from tracker.store.models import OUTBOX

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(
                OUTBOX.c.id, OUTBOX.c.kind, OUTBOX.c.deadline, OUTBOX.c.stage,
                OUTBOX.c.recipient, OUTBOX.c.state, OUTBOX.c.attempts, OUTBOX.c.message_id,
                OUTBOX.c.last_error, OUTBOX.c.claimed_by, OUTBOX.c.next_attempt_at)).mappings()
            return [dict(r) for r in rows]
    finally:
        engine.dispose()


def state_counts(url: str) -> Counter[str]:
    """How many outbox rows are in each state (one cheap query, for polling)."""
    from sqlalchemy import create_engine, func, select

    from tracker.store.models import OUTBOX

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return Counter({str(s): int(n) for s, n in conn.execute(
                select(OUTBOX.c.state, func.count()).group_by(OUTBOX.c.state))})
    finally:
        engine.dispose()


def predicted_reminders(simulated_json: str) -> set[tuple[str, str, str]]:
    """(deadline, stage, recipient) of every mail `tracker simulate --json` lists."""
    return {(m["deadline"], m["stage"], m["to"].lower()) for m in json.loads(simulated_json)}
