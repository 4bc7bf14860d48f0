"""The web pages under load: an agency's page and the managers' dashboard beside a static floor.

    python bench/web.py [--units 0|7500] [--reuse DIR] [--seconds 10] [--clients 32]
                        [--agency-path /r/{agency}] [--dashboard-path /r/{manager}/dashboard]

`--units 0` (the default) is the real plan: 16 regions and contacts.example.yaml; `--units 7500`
is the school-scale campaign of bench/scale.py (7,500 units × 26 items, 10 % marked).  The
server is the product's own application (tracker.web.app.create_app) run by uvicorn in a
process of its own, with one route added here only: /floor/{size} answers a static body of
`size` bytes through the same middleware (headers, limits, access log), so each page is
measured beside the same server doing nothing but answering the same number of bytes.  The
load comes from another process: `wrk` when installed (apt-get install wrk), else an asyncio
httpx client (which itself tops out early, so its floor figures are lower).

Printed per target: size, requests per second, p50/p99 latency under `--clients` concurrent
clients, and the ratio of its requests per second to its floor's; then each page's latency
alone (one request at a time, the median of 5).  Goals: the agency page at ≥ 0.5× its floor,
the dashboard at 7,500 units within 1 s.  A path that does not answer 200 is reported and
skipped (the dashboard is another part's; until it exists, the rest is measured).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from common import REPO, TRACKER, generated_contacts, generated_plan, machine

NOW = "2017-04-20T11:00:00+06:00"
"""The server's clock: the campaign's second week, with the window's end ahead."""


def serve(db_url: str, port: int, start: str, log: Path) -> None:
    """The server process: the product's app plus the floor, under uvicorn."""
    import logging
    from datetime import datetime

    import uvicorn
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from tracker.web.app import create_app

    logging.basicConfig(level=logging.INFO, filename=log,
                        format="%(asctime)s %(name)s %(message)s")
    app = create_app(db_url, os.environ, datetime.fromisoformat(start))
    bodies: dict[int, bytes] = {}

    def floor(request: Request) -> Response:
        size = int(request.path_params["size"])
        body = bodies.get(size) or bodies.setdefault(size, b"x" * size)
        return Response(body, media_type="text/html; charset=utf-8")

    app.router.routes.append(Route("/floor/{size:int}", floor))
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning",
                server_header=False)


@dataclass
class Result:
    rps: float
    p50: float
    p99: float
    errors: int


_UNIT = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNIT[unit]


def with_wrk(url: str, clients: int, seconds: int) -> Result:
    out = subprocess.run(["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds}s",
                          "--latency", "--timeout", "30s", url],
                         capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s*(50|99)%\s+([\d.]+[a-z]+)\s*$", out, re.M))
    if set(latency) != {"50", "99"}:
        raise SystemExit(f"wrk printed no latency distribution:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    return Result(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
                  _seconds(latency["50"]), _seconds(latency["99"]),
                  (int(errors.group(1)) if errors else 0)
                  + (sum(map(int, failed.groups())) if failed else 0))


def with_httpx(url: str, clients: int, seconds: int) -> Result:
    async def load() -> Result:
        latencies: list[float] = []
        errors = 0
        stop = time.perf_counter() + seconds
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(limits=limits, timeout=30) as http:
            async def client() -> None:
                nonlocal errors
                while time.perf_counter() < stop:
                    began = time.perf_counter()
                    answer = await http.get(url)
                    latencies.append(time.perf_counter() - began)
                    errors += answer.status_code != 200
            began = time.perf_counter()
            await asyncio.gather(*(client() for _ in range(clients)))
            took = time.perf_counter() - began
        latencies.sort()
        return Result(len(latencies) / took, latencies[len(latencies) // 2],
                      latencies[int(len(latencies) * 0.99)], errors)

    return asyncio.run(load())


def _campaign(units: int, work: Path, env: dict[str, str]) -> tuple[str, str, str]:
    """The database (made once in `work`), an agency's address and a manager's."""
    db = f"sqlite:///{work / 'web.db'}"
    base = [*TRACKER, "--db", db]

    def run(*args: str) -> None:
        subprocess.run([*base, *args], check=True, env=env, stdout=subprocess.DEVNULL)

    if units:
        agency, manager = "education.0@school-00001.example", "manager0@edu.example"
    else:
        agency, manager = "edu@akmola.example", "chair@bkk.edu.example"
    if (work / "web.db").exists():
        return db, agency, manager
    if units:
        plan = generated_plan(units, work / "plan.yaml")
        contacts = generated_contacts(plan, work / "contacts.yaml", per_pair=1, managers=2)
        run("init", "--plan", str(plan))
        run("contacts", "load", str(contacts))
        marked = ",".join(f"school_{n:05d}" for n in range(2, units // 10 + 2))
        run("--now", "2017-04-14T10:00+06:00", "mark", "1-26", "--region", marked)
    else:
        run("init")
        run("contacts", "load", str(REPO / "contacts.example.yaml"))
        run("--now", "2017-04-14T10:00+06:00", "mark", "5-7", "--region", "akmola",
            "--body", "education")
    return db, agency, manager


def _path_of(env: dict[str, str], db: str, email: str) -> str:
    out = subprocess.run([*TRACKER, "--db", db, "--lang", "en", "links", "show", email],
                         check=True, env=env, capture_output=True, text=True).stdout
    return "/r/" + out.split()[1].rsplit("/r/", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=0, help="0: the real 16 regions")
    parser.add_argument("--reuse", type=Path, metavar="DIR",
                        help="keep the campaign in DIR; reuse it when already there")
    parser.add_argument("--seconds", type=int, default=10, help="load per target")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--agency-path", default="/r/{agency}")
    parser.add_argument("--dashboard-path", default="/r/{manager}/dashboard")
    parser.add_argument("--extra-path", action="append", default=[],
                        metavar="NAME=PATH", help="another page to measure, e.g. "
                        "feed=/r/{agency}/calendar.ics")
    parser.add_argument("--serve", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        db, port, start, log = args.serve
        serve(db, int(port), start, Path(log))
        return
    work = args.reuse or Path(tempfile.mkdtemp(prefix="tracker-web-"))
    work.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TRACKER_SECRET_KEY_FILE": str(work / "secret.key"),
           "TRACKER_PUBLIC_URL": base_url,
           # the limiter runs, as in production, but does not stop one address's 32 clients
           "TRACKER_RATE_LIMIT": "10000000"}
    env.pop("TRACKER_DATABASE_URL", None)
    db, agency, manager = _campaign(args.units, work, env)
    tokens = {"agency": _path_of(env, db, agency).rsplit("/", 1)[1],
              "manager": _path_of(env, db, manager).rsplit("/", 1)[1]}
    targets = [("agency page", args.agency_path.format(**tokens)),
               ("dashboard", args.dashboard_path.format(**tokens))]
    for extra in args.extra_path:
        name, _, path = extra.partition("=")
        targets.append((name, path.format(**tokens)))
    server = subprocess.Popen([sys.executable, __file__, "--serve", db, str(port), NOW,
                               str(work / "server.log")], env=env)
    try:
        _wait(base_url)
        _measure(base_url, targets, args, work)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(base_url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def _measure(base_url: str, targets: list[tuple[str, str]], args: argparse.Namespace,
             work: Path) -> None:
    load = with_wrk if _have_wrk() else with_httpx
    print(f"machine: {machine()}")
    print(f"campaign: {'the real 16 regions' if not args.units else f'{args.units:,} units'}"
          f" (in {work}); {args.clients} clients, {args.seconds} s per target, "
          f"load by {'wrk' if load is with_wrk else 'httpx (asyncio)'}, one uvicorn worker")
    print(f"  {'target':<24} {'bytes':>8} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} "
          f"{'× floor':>8} {'alone ms':>9}")
    found: dict[str, tuple[Result, Result, float]] = {}
    for name, path in targets:
        first = httpx.get(base_url + path, timeout=60)
        if first.status_code != 200:
            print(f"  {name:<24} {path.split('/r/')[0] or '/r/…'} answers "
                  f"{first.status_code}: not measured")
            continue
        size = len(first.content)
        alone = statistics.median(_once(base_url + path) for _ in range(5))
        page = load(base_url + path, args.clients, args.seconds)
        floor = load(f"{base_url}/floor/{size}", args.clients, args.seconds)
        _row(name, size, page, floor.rps, alone)
        _row("  floor (static body)", size, floor, floor.rps, None)
        found[name] = (page, floor, alone)
    if "agency page" in found:
        page, floor, _ = found["agency page"]
        ratio = page.rps / floor.rps
        print(f"goal: agency page ≥ 0.5× the floor: {ratio:.2f}× "
              f"({'met' if ratio >= 0.5 else 'not met'})")
    if "dashboard" in found:
        page, _, alone = found["dashboard"]
        print(f"goal: dashboard within 1 s: {alone * 1000:.0f} ms alone, p50 "
              f"{page.p50 * 1000:.0f} ms under {args.clients} clients "
              f"({'met' if alone <= 1 else 'not met'} alone)")


def _once(url: str) -> float:
    began = time.perf_counter()
    httpx.get(url, timeout=60).raise_for_status()
    return time.perf_counter() - began


def _row(name: str, size: int, result: Result, floor_rps: float, alone: float | None) -> None:
    errors = f"  ({result.errors} errors)" if result.errors else ""
    ratio = f"{result.rps / floor_rps:>7.2f}×" if floor_rps else "    n/a "
    print(f"  {name:<24} {size:>8,} {result.rps:>9.1f} {result.p50 * 1000:>9.1f} "
          f"{result.p99 * 1000:>9.1f} {ratio} "
          f"{'' if alone is None else f'{alone * 1000:.1f}':>9}{errors}")


def _have_wrk() -> bool:
    import shutil

    return shutil.which("wrk") is not None


if __name__ == "__main__":
    main()
