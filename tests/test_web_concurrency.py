"""64 agencies report at once on PostgreSQL, served by two uvicorn workers: every event is
recorded once, nothing answers 5xx, and the same 64 posts again change nothing."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from tests.conftest import Tracker
from tests.webserver import CONTACTS, start_server, stop_server

_CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
_CHOICE = re.compile(r'name="a" value="([^"]+)"')


async def _report(http: httpx.AsyncClient, path: str) -> tuple[int, int, list[str]]:
    page = await http.get(path)
    assert page.status_code == 200, page.status_code
    csrf = _CSRF.search(page.text)
    assert csrf is not None
    choices = _CHOICE.findall(page.text)
    form = {"csrf": csrf.group(1), "note": "хат № 64", "a": choices}
    posted = await http.post(f"{path}/mark", data=form)
    return page.status_code, posted.status_code, choices


async def _everyone(base: str, paths: list[str]) -> list[tuple[int, int, list[str]]]:
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        return await asyncio.wait_for(asyncio.gather(*(_report(http, p) for p in paths)), 180)


def _events(url: str) -> list[tuple[int, str, str]]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(  # type: ignore[misc]
                "SELECT assignment_id, actor, via FROM event ORDER BY id"))]
    finally:
        engine.dispose()


def test_sixty_four_agencies_report_at_once_on_two_workers(postgres_url: str,
                                                           tmp_path: Path) -> None:
    tracker = Tracker(postgres_url)
    tracker.ok("init")
    tracker.ok("contacts", "load", str(CONTACTS))
    agencies = sorted({c["email"] for c in tracker.json("contacts", "list")["contacts"]
                       if c["unit"] != "national"})
    assert len(agencies) == 64
    served = start_server(tracker, tmp_path, workers=2)
    try:
        paths = [served.link(email).removeprefix(served.base) for email in agencies]
        first = asyncio.run(_everyone(served.base, paths))
        events = _events(postgres_url)
        again = asyncio.run(_everyone(served.base, paths))
        events_again = _events(postgres_url)
    finally:
        stop_server(served.process)
    assert all(page == 200 and posted == 303 for page, posted, _ in first), first
    reported = sum(len(choices) for _, _, choices in first)
    assert reported > 64
    # every reported assignment recorded once, by its own agency, via the link
    assert len(events) == reported
    assert len({assignment for assignment, _, _ in events}) == reported
    assert {via for _, _, via in events} == {"link"}
    assert {actor for _, actor, _ in events} == set(agencies)
    # the second round finds everything done: no choices left, nothing recorded, no 5xx
    assert all(page == 200 and posted < 500 for page, posted, _ in again), again
    assert events_again == events
    log = served.log()
    assert "Traceback" not in log
    # both rounds logged by the workers, and no token reaches the log
    assert log.count("POST /r/…/mark 303") == 128
    assert not any(served.token(email) in log for email in agencies)
