"""Shared helpers for the benchmarks: timing whole commands, generating big campaigns."""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
TRACKER = [sys.executable, "-m", "tracker"]

# Measure tracker as it runs once installed: pip compiles bytecode at install time.  Some
# sandboxes set PYTHONDONTWRITEBYTECODE (then pip writes none either), which would make every
# measured run, and `import sqlmodel` beside it, compile from source; the children inherit this
# environment, and the bytecode of tracker and of the installed packages is written now.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "tracker"),
                str(REPO / "notifications"), sysconfig.get_paths()["purelib"]],
               check=False, capture_output=True)


@dataclass
class Run:
    wall: float
    peak_mb: float
    returncode: int
    stdout: bytes


def run(cmd: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run a command; wall time and the child's own peak memory (from wait4's rusage)."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    usage = _last_child_rusage()
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-2000:])
    return Run(wall, usage, proc.returncode, out)


def _last_child_rusage() -> float:
    # communicate() reaped the child; RUSAGE_CHILDREN's ru_maxrss is the largest child so
    # far, which is why each measured command runs in a fresh interpreter (see median_of).
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def timed(cmd: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd` under a fresh Python that reports the child's own peak RSS."""
    wrapper = ("import os,resource,subprocess,sys,time\n"
               "t=time.perf_counter();p=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,"
               "stderr=subprocess.PIPE);w=time.perf_counter()-t\n"
               "r=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024\n"
               "sys.stderr.buffer.write(p.stderr[-2000:]) if p.returncode else None\n"
               "print(f'{w} {r} {p.returncode} {len(p.stdout)}')")
    proc = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True,
                          env={**os.environ, **(env or {})}, check=False)
    if proc.stderr:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
    wall, peak, code, _ = proc.stdout.decode().split()
    return Run(float(wall), float(peak), int(code), b"")


def median_of(cmd: Sequence[str], runs: int, env: dict[str, str] | None = None,
              warmup: int = 1) -> float:
    for _ in range(warmup):
        timed(cmd, env)
    return statistics.median(timed(cmd, env).wall for _ in range(runs))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def generated_plan(units: int, path: Path, bodies_per_item: str = "one") -> Path:
    """The real plan with `units` generated units (schools) instead of the 16 regions.

    With `bodies_per_item="one"` every item has the education department alone, so the plan
    has units × 26 assignments (7,500 units: 195,000).
    """
    plan: dict[str, Any] = yaml.safe_load((REPO / "plan.yaml").read_text(encoding="utf-8"))
    zones = ["Asia/Almaty", "Asia/Aqtobe", "Asia/Oral", "Asia/Qostanay"]
    plan["regions"] = [
        {"key": f"school_{n:05d}",
         "name": {"kk": f"№{n} мектеп", "ru": f"Школа №{n}", "en": f"School {n}"},
         "timezone": zones[n % len(zones)]} for n in range(1, units + 1)]
    if bodies_per_item == "one":
        for item in plan["items"]:
            regional = [b for b in item["responsible"] if b not in ("committee",
                                                                     "parents_association")]
            item["responsible"] = ["education"] if regional else item["responsible"]
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def generated_contacts(plan_path: Path, path: Path, per_pair: int,
                       managers: int = 0) -> Path:
    """`per_pair` addresses for every (unit, regional body) of the plan, plus national ones."""
    plan = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    regional = sorted({b for item in plan["items"] for b in item["responsible"]
                       if b not in ("committee", "parents_association")})
    contacts = []
    for region in plan["regions"]:
        for body in regional:
            for n in range(per_pair):
                contacts.append({"unit": region["key"], "body": body,
                                 "email": f"{body}.{n}@{region['key'].replace('_', '-')}.example",
                                 "name": f"{region['name']['kk']} {body} {n}", "lang": "both"})
    for body in ("committee", "parents_association"):
        contacts.append({"unit": "national", "body": body, "email": f"{body}@edu.example",
                         "name": body, "lang": "both"})
    data: dict[str, Any] = {"contacts": contacts}
    if managers:
        data["managers"] = [{"email": f"manager{n}@edu.example", "name": f"Manager {n}",
                             "lang": "ru"} for n in range(managers)]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def have(tool: str) -> str | None:
    return shutil.which(tool) or (f"/usr/sbin/{tool}" if Path(f"/usr/sbin/{tool}").exists()
                                  else None)
