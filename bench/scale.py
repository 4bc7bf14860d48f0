"""Campaigns at school scale: 7,500 units × 26 items (195,000 assignments).

    python bench/scale.py [--units 7500] [--db sqlite|postgresql://...] [--reuse DIR] [--runs N]

Times each command as a whole process and reads its peak memory (RSS) from the kernel:
loading the plan, marking 10 % of the assignments in one command, `status --json`,
`digest --json`, and one scheduler tick deriving what is due (`remind preview`).
Goal: status, digest and a tick each within 1 s and 300 MB.

`--reuse DIR` (SQLite only) keeps the generated campaign in DIR and, when DIR already holds one,
skips generating, loading and marking it, so iterating on the read commands takes seconds.
`--runs N` times each read command N times and prints the median (the machine may be busy).
The reads run in turns with `python -c pass` and `python -c "import sqlalchemy"`, and each is
also printed as a multiple of the latter: what every command pays before its own work, and a
measure of the machine's speed that day.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

from common import TRACKER, Run, generated_contacts, generated_plan, machine, timed


def _postgres_database(admin_url: str) -> str:
    import psycopg

    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=7500)
    parser.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL admin URL")
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="keep the SQLite campaign in DIR; reuse it when already there")
    parser.add_argument("--runs", type=int, default=1, help="median of N runs per read step")
    args = parser.parse_args()
    if args.reuse and args.db != "sqlite":
        parser.error("--reuse works with the SQLite file only")
    work = args.reuse or Path(tempfile.mkdtemp(prefix="tracker-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    reused = args.reuse is not None and (work / "scale.db").exists()
    plan = work / "plan.yaml"
    contacts = work / "contacts.yaml"
    if not reused:
        generated_plan(args.units, plan)
        generated_contacts(plan, contacts, per_pair=1, managers=2)
    db = (f"sqlite:///{work / 'scale.db'}" if args.db == "sqlite"
          else _postgres_database(args.db))
    base = [*TRACKER, "--db", db]
    marked_units = ",".join(f"school_{n:05d}" for n in range(1, args.units // 10 + 1))
    loads = [
        ("load the plan (init)", [*base, "init", "--plan", str(plan)]),
        ("load contacts", [*base, "contacts", "load", str(contacts)]),
        ("mark 10% in one command", [*base, "--now", "2017-04-20T10:00+06:00", "mark", "1-26",
                                     "--region", marked_units]),
    ]
    reads = [
        ("status --json", [*base, "--now", "2017-04-26T11:00+06:00", "status", "--json"]),
        ("digest --json", [*base, "--now", "2017-04-26T11:00+06:00", "digest", "--json"]),
        ("tick: derive what is due", [*base, "--now", "2017-04-26T11:00+06:00", "remind",
                                      "preview", "--json"]),
    ]
    references = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ('python -c "import sqlalchemy"', [sys.executable, "-c", "import sqlalchemy"]),
    ]
    print(f"machine: {machine()}")
    print(f"database: {'SQLite file' if args.db == 'sqlite' else 'PostgreSQL'}; "
          f"{args.units} units × 26 items = {args.units * 26:,} assignments"
          + (f" (reused from {work})" if reused else f" (in {work})"))
    print(f"  {'step':<28} {'wall s':>8} {'peak MB':>9}")
    for label, cmd in ([] if reused else loads):
        _report(label, [timed(cmd)])
    # The read commands and the references run in turns, so a busy spell of a shared machine
    # falls on all of them alike; the ratio to `import sqlalchemy` (what every command pays
    # first) says how much is the command's own work on a machine of any speed.
    turns: dict[str, list[Run]] = {label: [] for label, _ in references + reads}
    for _ in range(args.runs):
        for label, cmd in references + reads:
            turns[label].append(timed(cmd))
    baseline = statistics.median(r.wall for r in turns[references[1][0]])
    read_labels = {label for label, _ in reads}
    for label in turns:
        _report(label, turns[label], baseline if label in read_labels else None)


def _report(label: str, runs: list[Run], baseline: float | None = None) -> None:
    wall = statistics.median(r.wall for r in runs)
    peak = max(r.peak_mb for r in runs)
    codes = {r.returncode for r in runs} - {0}
    flag = f"  (exit {min(codes)})" if codes else ""
    ratio = f"   {wall / baseline:4.1f}x import sqlalchemy" if baseline else ""
    print(f"  {label:<28} {wall:8.2f} {peak:9.0f}{ratio}{flag}")


if __name__ == "__main__":
    main()
