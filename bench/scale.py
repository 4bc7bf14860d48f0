"""Campaigns at school scale: 7,500 units × 26 items (195,000 assignments).

    python bench/scale.py [--units 7500] [--db sqlite|postgresql://...]

Times each command as a whole process and reads its peak memory (RSS) from the kernel:
loading the plan, marking 10 % of the assignments in one command, `status --json`,
`digest --json`, and one scheduler tick deriving what is due (`remind preview`).
Goal: status, digest and a tick each within 1 s and 300 MB.
"""

from __future__ import annotations

import argparse
import tempfile
import uuid
from pathlib import Path

from common import TRACKER, generated_contacts, generated_plan, machine, timed


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
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-scale-"))
    plan = generated_plan(args.units, work / "plan.yaml")
    contacts = generated_contacts(plan, work / "contacts.yaml", per_pair=1, managers=2)
    db = (f"sqlite:///{work / 'scale.db'}" if args.db == "sqlite"
          else _postgres_database(args.db))
    base = [*TRACKER, "--db", db]
    marked_units = ",".join(f"school_{n:05d}" for n in range(1, args.units // 10 + 1))
    steps = [
        ("load the plan (init)", [*base, "init", "--plan", str(plan)]),
        ("load contacts", [*base, "contacts", "load", str(contacts)]),
        ("mark 10% in one command", [*base, "--now", "2017-04-20T10:00+06:00", "mark", "1-26",
                                     "--region", marked_units]),
        ("status --json", [*base, "--now", "2017-04-26T11:00+06:00", "status", "--json"]),
        ("digest --json", [*base, "--now", "2017-04-26T11:00+06:00", "digest", "--json"]),
        ("tick: derive what is due", [*base, "--now", "2017-04-26T11:00+06:00", "remind",
                                      "preview", "--json"]),
    ]
    print(f"machine: {machine()}")
    print(f"database: {'SQLite file' if args.db == 'sqlite' else 'PostgreSQL'}; "
          f"{args.units} units × 26 items = {args.units * 26:,} assignments")
    print(f"  {'step':<28} {'wall s':>8} {'peak MB':>9}")
    for label, cmd in steps:
        result = timed(cmd)
        flag = "" if result.returncode == 0 else f"  (exit {result.returncode})"
        print(f"  {label:<28} {result.wall:8.2f} {result.peak_mb:9.0f}{flag}")


if __name__ == "__main__":
    main()
