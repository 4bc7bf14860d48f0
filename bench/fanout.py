"""Mail fan-out: a campaign whose reminders come to N mails, delivered to a local SMTP sink.

    python bench/fanout.py [--mails 5000] [--workers 4] [--runs 3]

End to end is one `tracker remind send` (derive what is due, render, record in the outbox,
deliver, record each outcome) against a sink on 127.0.0.1: Postfix's `smtp-sink` when it is
installed (Debian package `postfix`), else an aiosmtpd sink in its own process.  In the same run:
the transport's floor — the same number of aiosmtplib workers sending the same messages as
pre-built bytes to the same sink — and, where `smtp-source` is installed, Postfix's own client
rate with the same message size.  Goal: end to end at least half of the floor.
With `--runs N` the end-to-end run (each on a fresh copy of the campaign) and the floor take
turns N times, and the medians are compared: the machine's speed drifts between minutes.
Every mail carries its recipient's personal link (TRACKER_PUBLIC_URL is set; the floor sends
the same bytes with a stand-in token of the same length); `--no-links` measures without.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, TRACKER, generated_contacts, have, machine

MOMENT = "2017-04-18T10:30:00+06:00"  # every regional body's first reminder is due


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sink(port: int) -> tuple[subprocess.Popen[bytes], str]:
    sink = have("smtp-sink")
    if sink:
        privileges = ["-u", "nobody"] if os.geteuid() == 0 else []  # it refuses root
        proc = subprocess.Popen([sink, *privileges, f"127.0.0.1:{port}", "1000"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kind = "Postfix smtp-sink"
    else:
        code = ("import asyncio,sys\nfrom aiosmtpd.controller import Controller\n"
                "class H:\n async def handle_DATA(self,s,e,env): return '250 OK'\n"
                "c=Controller(H(),hostname='127.0.0.1',port=int(sys.argv[1]));c.start()\n"
                "import time\nwhile True: time.sleep(3600)\n")
        proc = subprocess.Popen([sys.executable, "-c", code, str(port)])
        kind = "aiosmtpd sink (separate process)"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, kind
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the sink did not start")


async def floor(port: int, messages: list[tuple[str, bytes]], workers: int) -> float:
    """Seconds for `workers` reused aiosmtplib connections to send pre-built messages."""
    sys.path.insert(0, str(REPO))
    from notifications.settings import SmtpSettings
    from notifications.smtp import SmtpConnection

    settings = SmtpSettings(host="127.0.0.1", port=port, security="none",
                            mail_from="noreply@bkk.edu.example")
    queue = list(messages)

    async def worker() -> None:
        async with SmtpConnection(settings) as connection:
            while queue:
                recipient, data = queue.pop()
                await connection.send_bytes("noreply@bkk.edu.example", [recipient], data)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return time.perf_counter() - start


def filled(body: bytes) -> bytes:
    """A stored body as sent: its link slots filled with a stand-in token of the same size."""
    sys.path.insert(0, str(REPO))
    from notifications.slots import fill

    stand_in = "x" * 30
    return fill(body, {"link": stand_in, "dashboard": f"{stand_in}/dashboard"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mails", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3, help="turns of end to end and floor")
    parser.add_argument("--no-links", dest="links", action="store_false",
                        help="mails without personal links (no TRACKER_PUBLIC_URL)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-fanout-"))
    keyed = {**os.environ, "TRACKER_SECRET_KEY_FILE": str(work / "secret.key")}
    if args.links:
        keyed["TRACKER_PUBLIC_URL"] = "https://tracker.bench.example"
    else:
        keyed.pop("TRACKER_PUBLIC_URL", None)
    prepared = work / "prepared.db"
    db_file = work / "fanout.db"
    per_pair = math.ceil(args.mails / 64)  # 16 regions x 4 regional bodies
    contacts = generated_contacts(REPO / "plan.yaml", work / "contacts.yaml", per_pair)
    subprocess.run([*TRACKER, "--db", f"sqlite:///{prepared}", "init"], check=True,
                   capture_output=True, env=keyed)
    subprocess.run([*TRACKER, "--db", f"sqlite:///{prepared}", "contacts", "load",
                    str(contacts)], check=True, capture_output=True, env=keyed)
    port = free_port()
    sink, kind = start_sink(port)
    env = {**keyed, "TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(port),
           "TRACKER_SMTP_SECURITY": "none", "TRACKER_MAIL_FROM": "noreply@bkk.edu.example"}
    ends: list[float] = []
    floors: list[float] = []
    try:
        for _ in range(max(1, args.runs)):
            for stale in (db_file.with_name(db_file.name + "-wal"),
                          db_file.with_name(db_file.name + "-shm")):
                stale.unlink(missing_ok=True)  # the last run's, never to be replayed on a copy
            shutil.copyfile(prepared, db_file)
            start = time.perf_counter()
            result = subprocess.run([*TRACKER, "--db", f"sqlite:///{db_file}", "--now", MOMENT,
                                     "remind", "send", "--json", "--workers", str(args.workers)],
                                    env=env, capture_output=True, text=True)
            ends.append(time.perf_counter() - start)
            if result.returncode:
                raise SystemExit(result.stderr)
            with contextlib.closing(sqlite3.connect(db_file)) as conn:
                # the header section per row, the body stored once per distinct text
                rows = [(recipient, bytes(head) + filled(bytes(body or b"")))
                        for recipient, head, body in conn.execute(
                            "SELECT o.recipient, o.message, b.data FROM outbox o "
                            "LEFT JOIN outbox_body b ON b.digest = o.body_digest "
                            "WHERE o.state = 'sent'")]
            floors.append(asyncio.run(floor(port, rows, args.workers)))
    finally:
        sink.terminate()
        sink.wait()
    sent = len(rows)
    size = sum(len(m) for _, m in rows) // max(sent, 1)
    end_to_end, floor_seconds = statistics.median(ends), statistics.median(floors)
    e2e_rate = sent / end_to_end
    floor_rate = sent / floor_seconds
    spread = (f"  ({len(ends)} runs in turns, medians; end to end {min(ends):.2f}-"
              f"{max(ends):.2f} s, floor {min(floors):.2f}-{max(floors):.2f} s)")
    print(f"machine: {machine()}")
    print(f"sink: {kind} on 127.0.0.1; {sent} mails of {size:,} bytes on average; "
          f"{args.workers} workers; {'with' if args.links else 'without'} personal links")
    print(f"  end to end (`tracker remind send`, whole process): {end_to_end:6.2f} s "
          f"{e2e_rate:8.0f} mails/s")
    print(f"  floor: aiosmtplib, pre-built bytes:                {floor_seconds:6.2f} s "
          f"{floor_rate:8.0f} mails/s")
    print(f"  ratio end to end / floor: {e2e_rate / floor_rate:.2f}  (goal >= 0.5)")
    print(spread)
    source = have("smtp-source")
    if source:
        port2 = free_port()
        sink2, _ = start_sink(port2)
        try:
            start = time.perf_counter()
            subprocess.run([source, "-s", str(args.workers), "-m", str(sent), "-l", str(size),
                            "-f", "noreply@bkk.edu.example", "-t", "edu@bench.example",
                            f"127.0.0.1:{port2}"], check=True, capture_output=True)
            source_seconds = time.perf_counter() - start
        finally:
            sink2.terminate()
            sink2.wait()
        source_rate = sent / source_seconds
        print(f"  Postfix smtp-source, same size and sessions:       {source_seconds:6.2f} s "
              f"{source_rate:8.0f} mails/s")
        print(f"  ratio floor / smtp-source: {floor_rate / source_rate:.2f}")


if __name__ == "__main__":
    main()
