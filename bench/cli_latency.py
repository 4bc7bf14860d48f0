"""CLI latency: median wall time of light commands next to Python's own start-up.

    python bench/cli_latency.py [--runs 15]

Prints each median and the ratios the project aims for: `tracker --help` within 2x of
`python -c pass`; `tracker mark` within 1.3x of `python -c "import sqlmodel"`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import TRACKER, machine, median_of, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    db = f"sqlite:///{work / 'bench.db'}"
    assert run([*TRACKER, "--db", db, "init"]).returncode == 0
    now = "2017-04-14T10:00:00+06:00"
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import sqlmodel"': [sys.executable, "-c", "import sqlmodel"],
        "tracker --help": [*TRACKER, "--help"],
        # marking the same thing again is a full command that changes nothing, so every run
        # does the same work
        "tracker mark 5 --region aktobe": [*TRACKER, "--db", db, "--now", now, "mark", "5",
                                           "--region", "aktobe"],
        "tracker status": [*TRACKER, "--db", db, "--now", now, "status"],
    }
    print(f"machine: {machine()}")
    print(f"median wall time of {args.runs} runs each (after one warm-up):")
    medians = {}
    for label, cmd in commands.items():
        medians[label] = median_of(cmd, args.runs)
        print(f"  {label:<36} {medians[label] * 1000:8.1f} ms")
    base, sqlmodel = medians["python -c pass"], medians['python -c "import sqlmodel"']
    print("ratios:")
    print(f"  tracker --help / python -c pass          {medians['tracker --help'] / base:5.2f}"
          "  (goal <= 2.0)")
    print(f"  tracker mark / import sqlmodel           "
          f"{medians['tracker mark 5 --region aktobe'] / sqlmodel:5.2f}  (goal <= 1.3)")
    print(f"  tracker status / import sqlmodel         "
          f"{medians['tracker status'] / sqlmodel:5.2f}")


if __name__ == "__main__":
    main()
