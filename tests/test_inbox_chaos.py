"""Chaos on PostgreSQL: three `tracker inbox fetch` processes read one Dovecot folder at once,
are SIGKILLed at random moments and started again, and Dovecot itself is stopped and started
in the middle.  At the end every message is recorded exactly once, none is left in the folder
or claimed, every one is in the done folder byte for byte, and the handling's effects were
applied once per message.

Monkeypatching does not cross processes, so each process runs `python -m tracker` through a
small launcher (written by the test) that wraps `tracker.inbox.handling.handle`: the wrapper
writes one row of `chaos_effect` in the handling's own transaction, with pauses around it so
that kills land inside transactions too.  A message whose effects survived twice would show as
two rows.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from tests.conftest import REPO, Tracker
from tests.imap_server import ImapTestServer

pytestmark = pytest.mark.timeout(600)

USER = "inbox@tracker.test"
DONE = "Tracker-Done"
DISTINCT = 190
COPIES = 10
PROCESSES = 3
CHAOS_CHUNK = 7
"""UIDs per fetch and move: small, so that kills and outages fall between many of them."""
CHAOS_SECONDS = 60.0
"""At most; the chaos ends sooner once every message is finished and both outages are over."""

LAUNCHER = '''\
"""python -m tracker, with the inbox's handling wrapped to leave one mark per application."""
import os, random, runpy, sys, time
from sqlalchemy import text
from tracker.inbox import fetch, handling

fetch.CHUNK = int(os.environ["CHAOS_CHUNK"])
real = handling.handle

def handle(conn, plan, letter, message_row, now):
    time.sleep(random.uniform(0, 0.02))
    conn.execute(text("INSERT INTO chaos_effect (message_row, message_id, pid) "
                      "VALUES (:row, :mid, :pid)"),
                 {"row": message_row, "mid": letter.message_id, "pid": os.getpid()})
    time.sleep(random.uniform(0, 0.02))
    return real(conn, plan, letter, message_row, now)

handling.handle = handle
sys.argv = ["tracker", *sys.argv[1:]]
runpy.run_module("tracker", run_name="__main__", alter_sys=True)
'''


def _message(n: int, copy: bool = False) -> bytes:
    subject = f"Re: reminder {n}" + (" (sent again)" if copy else "")
    return (f"From: edu{n}@region.example\r\nTo: {USER}\r\n"
            f"Message-ID: <chaos-{n}@region.example>\r\nSubject: {subject}\r\n"
            "Date: Fri, 14 Apr 2017 09:30:00 +0600\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            f"{n} орындалды.\r\n{'x' * (n * 37 % 3000)}\r\n").encode()


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _finished(url: str) -> int:
    with psycopg.connect(_plain(url)) as conn:
        found = conn.execute("SELECT count(*) FROM inbox_message WHERE state <> 'claimed'"
                             ).fetchone()
    return int(found[0]) if found else 0


def test_three_fetchers_with_kills_and_a_restarted_server_count_every_message_once(
        postgres_url: str, imap_server: ImapTestServer, tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("CHAOS_SEED", "15")))
    Tracker(postgres_url).ok("init")
    with psycopg.connect(_plain(postgres_url), autocommit=True) as conn:
        conn.execute("CREATE TABLE chaos_effect (message_row integer, message_id text, "
                     "pid integer)")
    messages = [_message(n) for n in range(1, DISTINCT + 1)]
    copies = [_message(n, copy=True) for n in rng.sample(range(1, DISTINCT + 1), COPIES)]
    mail = messages + copies
    rng.shuffle(mail)
    uids = imap_server.append_many(USER, "INBOX", mail)
    validity = imap_server.uidvalidity(USER)

    launcher = tmp_path / "chaos_fetch.py"
    launcher.write_text(LAUNCHER)
    cafile = tmp_path / "ca.pem"
    imap_server.ca.cert_pem.write_to_path(str(cafile))
    env = {**os.environ, **imap_server.environ(), "SSL_CERT_FILE": str(cafile),
           "TRACKER_IMAP_TIMEOUT": "5", "CHAOS_CHUNK": str(CHAOS_CHUNK), "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(launcher), "--db", postgres_url, "--now",
               "2017-04-14T10:00:00+06:00", "--lang", "en", "inbox", "fetch"]

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, cwd=tmp_path)

    running = [start() for _ in range(PROCESSES)]
    # Each process is killed at a random moment of its life (started again at once): late
    # enough that it has begun work (the interpreter takes a while to start), never later
    # than a few seconds in.
    deadlines = [time.monotonic() + rng.uniform(1.0, 5.0) for _ in range(PROCESSES)]
    kills = outages = 0
    exits: Counter[int] = Counter()
    outputs: list[str] = []
    began = time.monotonic()
    outage_at = [4.0, 9.0]
    checked = began
    try:
        while time.monotonic() - began < CHAOS_SECONDS:
            time.sleep(0.05)
            if not outage_at and time.monotonic() - checked > 0.5:
                checked = time.monotonic()
                if _finished(postgres_url) == len(mail):
                    break
            if outage_at and time.monotonic() - began > outage_at[0]:
                outage_at.pop(0)
                imap_server.stop(hard=rng.random() < 0.5)  # mid-fetch: sessions are cut
                outages += 1
                time.sleep(rng.uniform(0.3, 1.0))
                imap_server.start()
            for index, proc in enumerate(running):
                if proc.poll() is None and time.monotonic() > deadlines[index]:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()  # reaped: its process id is gone, so its claims are dead
                    kills += 1
                elif proc.poll() is not None:
                    exits[proc.returncode] += 1
                    outputs.append(proc.stdout.read().decode() if proc.stdout else "")
                else:
                    continue
                if proc.stdout:
                    proc.stdout.close()
                running[index] = start()
                deadlines[index] = time.monotonic() + rng.uniform(1.0, 5.0)
    finally:
        for proc in running:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            proc.wait()
            if proc.stdout and not proc.stdout.closed:
                proc.stdout.close()
    with psycopg.connect(_plain(postgres_url)) as conn:
        during = conn.execute("SELECT count(*) FROM inbox_message").fetchone()
    assert kills >= 3 and outages == 2, (kills, outages)
    assert during is not None and during[0] > 0  # the chaos did part of the work
    assert set(exits) <= {0, 1}, (exits, outputs)  # 1: the server was down for a moment

    # One last calm fetch finishes whatever the killed ones left (claimed or not yet moved).
    final = subprocess.run(command, env=env, capture_output=True, check=False, cwd=tmp_path)
    assert final.returncode == 0, final.stdout + final.stderr

    with psycopg.connect(_plain(postgres_url)) as conn:
        rows = conn.execute("SELECT id, uidvalidity, uid, message_id, message_key, state, kind "
                            "FROM inbox_message").fetchall()
        effects = conn.execute("SELECT message_row, message_id FROM chaos_effect").fetchall()

    # Every message recorded exactly once, at its place, none left claimed.
    assert sorted((r[1], r[2]) for r in rows) == sorted((validity, uid) for uid in uids)
    assert Counter(r[5] for r in rows if r[5] == "claimed") == Counter()
    originals = [r for r in rows if r[6] != "duplicate"]
    duplicates = [r for r in rows if r[6] == "duplicate"]
    assert len(duplicates) == COPIES and all(r[4] is None for r in duplicates)
    expected = {f"chaos-{n}@region.example" for n in range(1, DISTINCT + 1)}
    assert sorted(r[4] for r in originals) == sorted(expected)  # one first copy per Message-ID
    assert {r[6] for r in originals} == {"other"}  # none unreadable: no handling failed

    # The handling's effects: exactly one per recorded original, none for a copy.
    assert Counter(row for row, _ in effects) == Counter({r[0]: 1 for r in originals})
    assert sorted(mid for _, mid in effects) == sorted(expected)

    # None left unhandled in the folder; all in the done folder, byte for byte, none deleted.
    assert imap_server.messages(USER, "INBOX") == []
    # A server stopped in the middle of a MOVE (its copy made, its expunge not) leaves the
    # message in both folders; the next fetch finds it recorded and moves it again, so the
    # done folder may hold a second copy of a message (never a missing one).
    done = imap_server.messages(USER, DONE)
    assert Counter(m.data for m in done).keys() == Counter(mail).keys()
    assert len(done) - len(mail) <= CHAOS_CHUNK * outages, len(done) - len(mail)
    assert all("\\Deleted" not in m.flags for m in done)
