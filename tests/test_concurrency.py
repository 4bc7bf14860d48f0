"""Four processes marking at once into one database: no "database is locked", no lost mark."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import Tracker

PROCESSES = 4
MARKS_EACH = 100


def _assignments(url: str) -> list[tuple[int, str, str]]:
    from sqlalchemy import create_engine, select

    from tracker.store.models import ASSIGNMENT

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(select(ASSIGNMENT.c.item_number, ASSIGNMENT.c.unit_key,
                                   ASSIGNMENT.c.body_key).order_by(ASSIGNMENT.c.id)).all()
    engine.dispose()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def _worker(url: str, targets: list[tuple[int, str, str]], queue: multiprocessing.Queue) -> None:
    """Each mark is its own `tracker mark` command, so its own connection and transaction."""
    from tracker.cli.main import cli

    runner = CliRunner()
    failures = []
    for item, unit, body in targets:
        result = runner.invoke(cli, ["--db", url, "--now", "2017-04-14T10:00+06:00", "mark",
                                     str(item), "--region", unit, "--body", body, "--by",
                                     multiprocessing.current_process().name])
        if result.exit_code != 0:
            failures.append(result.output)
    queue.put(failures)


def test_four_processes_mark_100_times_each(tracker: Tracker, tmp_path: Path) -> None:
    assignments = _assignments(tracker.url)
    chunks = [assignments[p::PROCESSES][:MARKS_EACH] for p in range(PROCESSES)]
    assert all(len(c) == MARKS_EACH for c in chunks)
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue = context.Queue()
    workers = [context.Process(target=_worker, args=(tracker.url, chunk, queue), name=f"w{p}")
               for p, chunk in enumerate(chunks)]
    for w in workers:
        w.start()
    failures = [queue.get(timeout=240) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    assert failures == [[]] * PROCESSES
    history = tracker.json("history")
    assert len(history) == PROCESSES * MARKS_EACH
    marked = {(h["item"], h["unit"], h["body"]) for h in history}
    assert marked == {t for chunk in chunks for t in chunk}
    status = tracker.json("status")
    done_bodies = sum(state == "done" for c in status["cells"] for state in c["bodies"].values())
    assert done_bodies == PROCESSES * MARKS_EACH


def _contender(url: str, queue: multiprocessing.Queue) -> None:
    from tracker.cli.main import cli

    result = CliRunner().invoke(cli, ["--db", url, "--now", "2017-04-14T10:00+06:00", "mark",
                                      "1-26", "--region", "all"])
    queue.put(result.exit_code)


def test_same_mark_from_four_processes_records_each_change_once(tracker: Tracker) -> None:
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue = context.Queue()
    workers = [context.Process(target=_contender, args=(tracker.url, queue)) for _ in range(4)]
    for w in workers:
        w.start()
    codes = [queue.get(timeout=240) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    assert codes == [0, 0, 0, 0]
    regional = sum(1 for c in tracker.json("status")["cells"] for _ in c["bodies"]
                   if c["unit"] != "national")
    assert len(tracker.json("history")) == regional
