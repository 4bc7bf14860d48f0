"""CLI latency: median wall time of light commands next to Python's own start-up.

    python bench/cli_latency.py [--runs 15]

Prints each median and the ratios the project aims for: `tracker --help` within 2x of
`python -c pass`; `tracker mark` within 1.3x of `python -c "import sqlmodel"`.  The commands run
as `python -m tracker`; `--help` is also timed through the installed `tracker` script, which is
what people type and which skips the `-m` machinery (runpy and what it imports).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import TRACKER, machine, run, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    db = f"sqlite:///{work / 'bench.db'}"
    assert run([*TRACKER, "--db", db, "init"]).returncode == 0
    now = "2017-04-14T10:00:00+06:00"
    script = shutil.which("tracker", path=str(Path(sys.executable).parent))
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import sqlmodel"': [sys.executable, "-c", "import sqlmodel"],
        "tracker --help": [*TRACKER, "--help"],
        **({"tracker --help (installed script)": [script, "--help"]} if script else {}),
        # marking the same thing again is a full command that changes nothing, so every run
        # does the same work
        "tracker mark 5 --region aktobe": [*TRACKER, "--db", db, "--now", now, "mark", "5",
                                           "--region", "aktobe"],
        "tracker status": [*TRACKER, "--db", db, "--now", now, "status"],
    }
    print(f"machine: {machine()}")
    print(f"median wall time of {args.runs} runs each (after one warm-up), taken in turns:")
    medians = interleaved_medians(commands, args.runs)
    for label, median in medians.items():
        print(f"  {label:<36} {median * 1000:8.1f} ms")
    base, sqlmodel = medians["python -c pass"], medians['python -c "import sqlmodel"']
    print("ratios:")
    print(f"  tracker --help / python -c pass          {medians['tracker --help'] / base:5.2f}"
          "  (goal <= 2.0)")
    if script:
        print(f"  installed script --help / python -c pass "
              f"{medians['tracker --help (installed script)'] / base:5.2f}")
    print(f"  tracker mark / import sqlmodel           "
          f"{medians['tracker mark 5 --region aktobe'] / sqlmodel:5.2f}  (goal <= 1.3)")
    print(f"  tracker status / import sqlmodel         "
          f"{medians['tracker status'] / sqlmodel:5.2f}")


def interleaved_medians(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Each command's median wall time, the commands taking turns run after run.

    On a shared machine the load drifts over a minute; timing one command's runs in a block,
    then the next's, lets that drift into the ratios.  In turns, every command sees the same
    load, so the ratios hold even when the absolute figures do not.
    """
    for cmd in commands.values():
        timed(cmd)  # warm-up: the file cache
    walls: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, cmd in commands.items():
            walls[label].append(timed(cmd).wall)
    return {label: statistics.median(values) for label, values in walls.items()}


if __name__ == "__main__":
    main()
